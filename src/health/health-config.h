/* SPDX-License-Identifier: MIT */
/*
 * Thresholds of the health checks. Defaults are issue 14's; a profile's
 * [health] section overrides them (src/profile/health-section.c parses it,
 * FORMAT.md lists the keys).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct health_config {
        double fs_space_warn, fs_space_crit;                 /* % used */
        uint64_t unalloc_warn_bytes, unalloc_crit_bytes;     /* max(bytes, percent of size) */
        double unalloc_warn_pct, unalloc_crit_pct;
        double metadata_crit_pct;                            /* % of metadata chunks used */
        double scrub_warn_days, scrub_crit_days;
        double balance_slack_pct;                            /* % of data chunks unused */
        double compression_min_ratio;
        uint64_t compression_min_bytes;
        double compression_budget_s;
        double zram_min_ratio, zram_swap_warn_pct, zram_mem_crit_pct;
        uint64_t zram_min_bytes;                             /* below this the ratio says nothing */
        double psi_some_warn, psi_some_crit, psi_full_warn, psi_full_crit;
        double steal_warn_pct, steal_crit_pct;
        double timer_overdue_factor;
        double snapshot_max_age_days;
        uint64_t snapshot_max_count;
        char **skip;                                         /* check ids left out by default */
};

void health_config_defaults(struct health_config *c);
void health_config_done(struct health_config *c);
