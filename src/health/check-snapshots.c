/* SPDX-License-Identifier: MIT */
/*
 * snapshots: count and age of vpstune's snapshots against the retention,
 * and the space they pin. It reads the JSON sidecars `vpstune snapshot`
 * writes; until that command exists in this build there is nothing to read,
 * and the check says so (unknown) instead of guessing from btrfs subvolume
 * names.
 */
#include "health/health.h"
#include "util.h"

static void run(struct health_ctx *c, struct health_report *r) {
        const struct health_btrfs *bt;
        size_t n;

        health_btrfs_list(c, &bt, &n);
        if (n == 0) {
                struct health_result *x = health_add(r, "snapshots", "-");
                x->status = HEALTH_UNSUPPORTED;
                health_set_summary(x, "no btrfs filesystem: no snapshots to watch");
                return;
        }
        for (size_t i = 0; i < n; i++) {
                struct health_result *x = health_add(r, "snapshots", bt[i].mountpoint);
                health_set_summary(x, "not checked: `vpstune snapshot` is not built in this version, so there are "
                                   "no snapshot sidecars to read");
        }
}

const struct health_check health_check_snapshots = {
        .id = "snapshots",
        .description = "count and age of vpstune snapshots against the retention, space they pin",
        .run = run,
};
