/* SPDX-License-Identifier: MIT */
/*
 * btrfs.balance_need: warns only when data chunks are mostly slack AND
 * unallocated space is low (below btrfs.unallocated's warning) — then a
 * filtered balance turns the slack back into unallocated space. Never runs
 * balance itself (btrfsmaintenance's blind weekly balance is the mistake,
 * kdave/btrfsmaintenance#95).
 *
 * The remedy's N in `btrfs balance start -dusage=N` is computed, live and as
 * root, from each data block group's used bytes: the kernel relocates the
 * groups used below N %, which frees their chunks and needs room for their
 * data again; the smallest N (step 5) whose net gain lifts unallocated above
 * the warning wins. Without the ioctl (a sysroot, not root) N is estimated
 * from the totals, and the evidence says so.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <unistd.h>

#include "health/btrfs-ioctl.h"
#include "health/health.h"
#include "util.h"

/* Net bytes (logical) freed by -dusage=n. */
static double gain_for(const struct health_bg *bg, size_t n_bg, unsigned n, double chunk, unsigned *ret_count) {
        double freed = 0, moved = 0;
        unsigned count = 0;
        for (size_t i = 0; i < n_bg; i++) {
                bool take = n == 0 ? bg[i].used == 0 : (double) bg[i].used * 100.0 < (double) n * (double) bg[i].length;
                if (take) {
                        freed += (double) bg[i].length;
                        moved += (double) bg[i].used;
                        count++;
                }
        }
        *ret_count = count;
        if (moved > 0 && chunk > 0)
                moved = util_ceil(moved / chunk) * chunk;
        return freed - moved;
}

static void run_fs(struct health_ctx *c, struct health_report *r, const struct health_btrfs *b) {
        struct health_result *x = health_add(r, "btrfs.balance_need", b->mountpoint);
        _cleanup_free_ char *slug = health_slug(b->mountpoint);
        char sl[32], un[32], g[32];
        double slack, slack_pct, warn, copies;

        if (!b->have_usage || b->data.total_bytes == 0) {
                health_set_summary(x, "data allocation of btrfs %s is not in sysfs", b->uuid);
                return;
        }
        slack = (double) (b->data.total_bytes - b->data.bytes_used);
        slack_pct = slack * 100.0 / (double) b->data.total_bytes;
        health_btrfs_unalloc_thresholds(c, b, &warn, NULL);
        copies = (double) b->data.disk_total / (double) b->data.total_bytes;
        health_set_value(x, slack_pct, "%");
        health_set_thresholds(x, c->cfg->balance_slack_pct, 100, false);
        x->perf_label = xasprintf("btrfs_data_slack_%s", slug);
        health_evidence(x, "data chunks %" PRIu64 " bytes, used %" PRIu64 "; unallocated %" PRIu64
                        ", warning below %.0f", b->data.total_bytes, b->data.bytes_used, b->unallocated, warn);
        if (slack_pct < c->cfg->balance_slack_pct || (double) b->unallocated >= warn) {
                x->status = HEALTH_OK;
                health_set_summary(x, "no balance needed: data chunks %.0f%% slack (%s), %s unallocated", slack_pct,
                                   health_bytes(sl, slack), health_bytes(un, (double) b->unallocated));
                return;
        }
        x->status = HEALTH_WARNING;
        health_set_summary(x, "data chunks hold %s (%.0f%%) of slack while only %s is unallocated",
                           health_bytes(sl, slack), slack_pct, health_bytes(un, (double) b->unallocated));
        {
                _cleanup_free_ struct health_bg *bg = NULL;
                size_t n_bg = 0;
                int rr = -EOPNOTSUPP, fd = -1;
                if (sysroot_is_live(c->sr)) {
                        fd = sysroot_openat(c->sr, SR_ROOT, b->mountpoint[1] ? b->mountpoint + 1 : ".",
                                            O_RDONLY | O_DIRECTORY, 0);
                        rr = fd < 0 ? fd : health_btrfs_data_block_groups(fd, &bg, &n_bg);
                        if (fd >= 0)
                                close(fd);
                }
                if (rr >= 0 && n_bg > 0) {
                        double chunk = (double) (b->data.chunk_size ? b->data.chunk_size : bg[0].length);
                        unsigned best = 0, best_count = 0, count;
                        double best_gain = -1, gn;
                        for (unsigned pct = 0; pct <= 95; pct += 5) {
                                gn = gain_for(bg, n_bg, pct, chunk, &count);
                                if (gn > best_gain + 1) {
                                        best_gain = gn, best = pct, best_count = count;
                                        if ((double) b->unallocated + gn * copies >= warn)
                                                break;
                                }
                        }
                        health_evidence(x, "%zu data block groups read with BTRFS_IOC_TREE_SEARCH_V2; -dusage=%u "
                                        "relocates %u of them", n_bg, best, best_count);
                        if (best_gain <= 0)
                                health_set_remedy(x, "a balance would free nothing (the data chunks' slack is "
                                                  "spread thinly); delete data or snapshots, or grow the disk");
                        else
                                health_set_remedy(x, "`btrfs balance start -dusage=%u %s` relocates %u data chunks "
                                                  "and frees about %s (run it at a quiet time; vpstune never "
                                                  "balances by itself)", best, b->mountpoint, best_count,
                                                  health_bytes(g, best_gain * copies));
                } else {
                        /* The average chunk is used (100 - slack) %; at least
                         * one chunk is used at most that much. */
                        unsigned est = (unsigned) util_ceil((100.0 - slack_pct) / 5.0) * 5;
                        if (est < 5)
                                est = 5;
                        if (est > 90)
                                est = 90;
                        health_evidence(x, "per-chunk usage not read (%s): N estimated from the totals",
                                        rr == -EOPNOTSUPP ? "a captured sysroot" : strerror(-rr));
                        health_set_remedy(x, "`btrfs balance start -dusage=%u %s` (estimated; as root vpstune health "
                                          "computes the exact N), start lower (-dusage=5) if it takes long",
                                          est, b->mountpoint);
                }
        }
}

const struct health_check health_check_btrfs_balance_need = {
        .id = "btrfs.balance_need",
        .description = "data chunks mostly slack while unallocated space is low: the exact balance to run",
        .run_btrfs = run_fs,
};
