/* SPDX-License-Identifier: MIT */
/*
 * zram: per device, from mm_stat (orig_data_size compr_data_size
 * mem_used_total mem_limit ...) and /proc/swaps. The compression ratio is
 * what the memory is bought with: below 1.5 the device holds data that does
 * not compress (warning). Swap more than 90 % full is a warning; memory used
 * at 95 % of mem_limit is critical (writes to the device start failing).
 * Fewer than 4 MiB stored say nothing about the ratio.
 */
#include <inttypes.h>
#include <stdio.h>

#include "health/health.h"
#include "util.h"

static void run(struct health_ctx *c, struct health_report *r) {
        const struct facts *f = c->facts;
        bool any = false;

        for (size_t i = 0; f && i < f->n_zram; i++) {
                const struct zram_facts *z = &f->zram[i];
                _cleanup_free_ char *dev = sysroot_display_path(SR_DEV, z->name), *label = health_label_escape(z->name);
                struct health_result *x;
                const struct swap_entry *sw = NULL;
                char o[32], cm[32], u[32];
                double ratio;

                if (z->disksize == 0)
                        continue; /* not initialised: nothing stored, nothing to judge */
                any = true;
                x = health_add(r, "zram", z->name);
                x->perf_label = xasprintf("zram_ratio_%s", z->name);
                if (!z->have_mm_stat) {
                        health_set_summary(x, "no mm_stat for %s", z->name);
                        continue;
                }
                for (size_t k = 0; k < f->n_swaps; k++)
                        if (streq_ptr(f->swaps[k].filename, dev))
                                sw = &f->swaps[k];
                ratio = z->compr_data_size > 0 ? (double) z->orig_data_size / (double) z->compr_data_size : 0;
                health_metric(x, "vpstune_zram_orig_data_bytes", "Uncompressed bytes stored in a zram device.",
                              (double) z->orig_data_size, "device=\"%s\"", label);
                health_metric(x, "vpstune_zram_compr_data_bytes", "Compressed size of the data in a zram device.",
                              (double) z->compr_data_size, "device=\"%s\"", label);
                health_metric(x, "vpstune_zram_mem_used_bytes", "Memory a zram device uses, allocator overhead included.",
                              (double) z->mem_used_total, "device=\"%s\"", label);
                health_metric(x, "vpstune_zram_mem_limit_bytes", "mem_limit of a zram device (0: none).",
                              (double) z->mem_limit, "device=\"%s\"", label);
                health_metric(x, "vpstune_zram_disksize_bytes", "Uncompressed capacity of a zram device.",
                              (double) z->disksize, "device=\"%s\"", label);
                health_evidence(x, "mm_stat: orig_data_size %" PRIu64 " compr_data_size %" PRIu64 " mem_used_total %" PRIu64
                                " mem_limit %" PRIu64 " same_pages %" PRIu64 " (algorithm %s)",
                                z->orig_data_size, z->compr_data_size, z->mem_used_total, z->mem_limit, z->same_pages,
                                strna(z->algorithm));
                x->status = HEALTH_OK;
                if (z->orig_data_size < c->cfg->zram_min_bytes || z->compr_data_size == 0) {
                        health_set_summary(x, "%s stored, too little to judge the ratio", health_bytes(o, (double) z->orig_data_size));
                } else {
                        health_metric(x, "vpstune_zram_compression_ratio",
                                      "orig_data_size over compr_data_size of a zram device.", ratio, "device=\"%s\"", label);
                        health_set_value(x, ratio, "ratio");
                        health_set_thresholds(x, c->cfg->zram_min_ratio, 0, true);
                        health_set_summary(x, "%.2fx: %s stored in %s (%s)", ratio, health_bytes(o, (double) z->orig_data_size),
                                           health_bytes(cm, (double) z->compr_data_size), strna(z->algorithm));
                        if (ratio < c->cfg->zram_min_ratio) {
                                x->status = HEALTH_WARNING;
                                health_set_remedy(x, "the data in %s barely compresses (%.2fx < %.1fx): it costs nearly as "
                                                  "much RAM as it saves; try zstd (`vpstune plan` shows the knob) or a "
                                                  "smaller disksize", z->name, ratio, c->cfg->zram_min_ratio);
                        }
                }
                if (sw && sw->size_bytes > 0) {
                        double fill = (double) sw->used_bytes * 100.0 / (double) sw->size_bytes;
                        health_evidence(x, "swap: %" PRIu64 " of %" PRIu64 " bytes used (%.0f%%)", sw->used_bytes,
                                        sw->size_bytes, fill);
                        if (fill > c->cfg->zram_swap_warn_pct) {
                                char *s = xasprintf("%s%sswap on %s %.0f%% full (%s of %s)",
                                                    x->status == HEALTH_OK ? "" : strempty(x->summary),
                                                    x->status == HEALTH_OK ? "" : "; ", z->name, fill,
                                                    health_bytes(o, (double) sw->used_bytes),
                                                    health_bytes(u, (double) sw->size_bytes));
                                free(x->summary);
                                x->summary = s;
                                if (x->status == HEALTH_OK)
                                        health_set_remedy(x, "memory pressure: a larger zram (disksize) or less load; "
                                                          "see psi memory");
                                x->status = HEALTH_WARNING;
                        }
                }
                if (z->mem_limit > 0 && (double) z->mem_used_total * 100.0 >= c->cfg->zram_mem_crit_pct * (double) z->mem_limit) {
                        x->status = HEALTH_CRITICAL;
                        health_set_summary(x, "%s uses %s of its %s mem_limit: writes to it will fail", z->name,
                                           health_bytes(o, (double) z->mem_used_total), health_bytes(u, (double) z->mem_limit));
                        health_set_remedy(x, "raise mem_limit or disksize of %s, or add another swap device", z->name);
                }
        }
        if (!any) {
                struct health_result *x = health_add(r, "zram", "-");
                x->status = HEALTH_UNSUPPORTED;
                health_set_summary(x, "no zram device is set up");
        }
}

const struct health_check health_check_zram = {
        .id = "zram",
        .description = "zram compression ratio, swap fill and memory limit (mm_stat)",
        .run = run,
};
