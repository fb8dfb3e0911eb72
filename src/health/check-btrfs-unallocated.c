/* SPDX-License-Identifier: MIT */
/*
 * btrfs.unallocated: device space no chunk holds yet. When it runs out,
 * btrfs cannot allocate a metadata chunk and the filesystem is "full" with
 * df still showing free space (the data chunks' slack cannot be used for
 * metadata). Warning below max(2 GiB, 5 %), critical below max(1 GiB, 2 %).
 */
#include <inttypes.h>

#include "health/health.h"
#include "util.h"

static void run_fs(struct health_ctx *c, struct health_report *r, const struct health_btrfs *b) {
        struct health_result *x = health_add(r, "btrfs.unallocated", b->mountpoint);
        _cleanup_free_ char *label = health_label_escape(b->uuid), *mlabel = health_label_escape(b->mountpoint);
        _cleanup_free_ char *slug = health_slug(b->mountpoint);
        char v[32], s[32], w[32];
        double warn, crit;

        if (!b->have_usage) {
                health_set_summary(x, "allocation of btrfs %s is not in sysfs", b->uuid);
                health_evidence(x, "needs fs/btrfs/%s/devices/*/size and allocation/* (kernel 5.x)", b->uuid);
                return;
        }
        health_btrfs_unalloc_thresholds(c, b, &warn, &crit);
        health_set_value(x, (double) b->unallocated, "B");
        health_set_thresholds(x, warn, crit, true);
        x->status = health_judge((double) b->unallocated, warn, crit, true);
        x->perf_label = xasprintf("btrfs_unalloc_%s", slug);
        health_set_summary(x, "%s unallocated of %s (%.0f%%)", health_bytes(v, (double) b->unallocated),
                           health_bytes(s, (double) b->size), (double) b->unallocated * 100.0 / (double) b->size);
        if (x->status != HEALTH_OK) {
                double slack = b->data.total_bytes > 0
                        ? (double) (b->data.total_bytes - b->data.bytes_used) * 100.0 / (double) b->data.total_bytes : 0;
                x->remedy = slack >= c->cfg->balance_slack_pct
                        ? xasprintf("data chunks are %.0f%% empty: compact them (btrfs.balance_need gives the "
                                    "command); below %s btrfs may fail to allocate metadata while df still shows space",
                                    slack, health_bytes(w, warn))
                        : xasprintf("delete data or old snapshots, or grow the disk and run `btrfs filesystem resize "
                                    "max %s`; below %s btrfs may fail to allocate metadata while df still shows space",
                                    b->mountpoint, health_bytes(w, warn));
        }
        health_evidence(x, "sum of devices/*/size %" PRIu64 " - chunks allocated %" PRIu64
                        " (data %" PRIu64 ", metadata %" PRIu64 ", system %" PRIu64 ")",
                        b->size, b->allocated, b->data.disk_total, b->metadata.disk_total, b->system.disk_total);
        health_metric(x, "vpstune_btrfs_unallocated_bytes",
                      "Device space of a btrfs filesystem not allocated to any chunk.",
                      (double) b->unallocated, "fs=\"%s\",mountpoint=\"%s\"", label, mlabel);
}

const struct health_check health_check_btrfs_unallocated = {
        .id = "btrfs.unallocated",
        .description = "btrfs device space not yet allocated to chunks",
        .run_btrfs = run_fs,
};
