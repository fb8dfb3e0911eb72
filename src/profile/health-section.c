/* SPDX-License-Identifier: MIT */
/*
 * The [health] section of a profile: thresholds of `vpstune health`.
 *
 *   [health]
 *   fs.space.warn = 85              # percent used
 *   btrfs.unallocated.warn = 2G     # and .warn_percent = 5 (the larger wins)
 *   compression.budget = 5          # seconds
 *   skip = smart,journal            # checks left out of the default run
 *
 * Every key is listed in the table below; an unknown key or a bad value is
 * an error naming FILE:LINE, like the rest of the profile.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>

#include "health/health-config.h"
#include "profile/health-section.h"
#include "util.h"

enum kind { K_PCT, K_DOUBLE, K_BYTES, K_COUNT, K_LIST };

static const struct {
        const char *key;
        enum kind kind;
        size_t off;
} keys[] = {
#define D(k, t, m) { k, t, offsetof(struct health_config, m) }
        D("fs.space.warn", K_PCT, fs_space_warn),
        D("fs.space.crit", K_PCT, fs_space_crit),
        D("btrfs.unallocated.warn", K_BYTES, unalloc_warn_bytes),
        D("btrfs.unallocated.crit", K_BYTES, unalloc_crit_bytes),
        D("btrfs.unallocated.warn_percent", K_PCT, unalloc_warn_pct),
        D("btrfs.unallocated.crit_percent", K_PCT, unalloc_crit_pct),
        D("btrfs.metadata.crit", K_PCT, metadata_crit_pct),
        D("btrfs.scrub.warn_days", K_DOUBLE, scrub_warn_days),
        D("btrfs.scrub.crit_days", K_DOUBLE, scrub_crit_days),
        D("btrfs.balance_need.slack", K_PCT, balance_slack_pct),
        D("btrfs.compression.min_ratio", K_DOUBLE, compression_min_ratio),
        D("btrfs.compression.min_bytes", K_BYTES, compression_min_bytes),
        D("btrfs.compression.budget", K_DOUBLE, compression_budget_s),
        D("zram.min_ratio", K_DOUBLE, zram_min_ratio),
        D("zram.min_bytes", K_BYTES, zram_min_bytes),
        D("zram.swap_warn", K_PCT, zram_swap_warn_pct),
        D("zram.mem_crit", K_PCT, zram_mem_crit_pct),
        D("psi.some.warn", K_PCT, psi_some_warn),
        D("psi.some.crit", K_PCT, psi_some_crit),
        D("psi.full.warn", K_PCT, psi_full_warn),
        D("psi.full.crit", K_PCT, psi_full_crit),
        D("cpu.steal.warn", K_PCT, steal_warn_pct),
        D("cpu.steal.crit", K_PCT, steal_crit_pct),
        D("maintenance.timers.overdue_factor", K_DOUBLE, timer_overdue_factor),
        D("snapshots.max_age_days", K_DOUBLE, snapshot_max_age_days),
        D("snapshots.max_count", K_COUNT, snapshot_max_count),
        D("skip", K_LIST, skip),
#undef D
};

static int parse_double(const char *s, double max, double *ret) {
        char *end;
        double v;
        errno = 0;
        v = strtod(s, &end);
        if (errno || end == s)
                return -EINVAL;
        if (*end == '%' && max == 100)
                end++;
        while (*end == ' ')
                end++;
        if (*end || !(v >= 0) || v > max)
                return -EINVAL;
        *ret = v;
        return 0;
}

int profile_health_config(const struct profile *p, struct health_config *cfg, char **ret_error) {
        const struct profile_unit *u = p ? profile_find_unit(p, "health") : NULL;

        if (!u || !u->enabled)
                return 0;
        for (size_t i = 0; i < u->n_entries; i++) {
                const struct profile_entry *e = &u->entries[i];
                size_t k;
                int r = 0;

                for (k = 0; k < ELEMENTSOF(keys); k++)
                        if (streq(keys[k].key, e->key))
                                break;
                if (k == ELEMENTSOF(keys)) {
                        *ret_error = xasprintf("%s:%u: [health] unknown key '%s'", strna(e->file), e->line, e->key);
                        return -EINVAL;
                }
                void *dst = (char *) cfg + keys[k].off;
                switch (keys[k].kind) {
                case K_PCT:
                        r = parse_double(e->value, 100, dst);
                        break;
                case K_DOUBLE:
                        r = parse_double(e->value, 1e9, dst);
                        break;
                case K_BYTES:
                        r = parse_size(e->value, dst);
                        break;
                case K_COUNT:
                        r = safe_atou64(e->value, dst);
                        break;
                case K_LIST: {
                        _cleanup_strv_ char **l = strv_split(e->value, ", \t");
                        for (char **s = l; s && *s; s++)
                                if (!health_check_known(*s)) {
                                        *ret_error = xasprintf("%s:%u: [health] skip: no check named '%s'",
                                                               strna(e->file), e->line, *s);
                                        return -EINVAL;
                                }
                        strv_free(cfg->skip);
                        cfg->skip = TAKE_PTR(l);
                        break;
                }
                }
                if (r < 0) {
                        *ret_error = xasprintf("%s:%u: [health] %s=%s: not a valid %s", strna(e->file), e->line, e->key,
                                               e->value, keys[k].kind == K_PCT ? "percentage (0-100)"
                                               : keys[k].kind == K_BYTES ? "size (bytes, or with K/M/G/T)"
                                               : "non-negative number");
                        return -EINVAL;
                }
        }
        if (cfg->fs_space_warn > cfg->fs_space_crit || cfg->psi_some_warn > cfg->psi_some_crit ||
            cfg->scrub_warn_days > cfg->scrub_crit_days || cfg->steal_warn_pct > cfg->steal_crit_pct) {
                *ret_error = xasprintf("%s:%u: [health] a warning threshold is beyond its critical one", strna(u->file),
                                       u->line);
                return -EINVAL;
        }
        return 0;
}
