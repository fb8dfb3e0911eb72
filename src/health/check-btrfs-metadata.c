/* SPDX-License-Identifier: MIT */
/*
 * btrfs.metadata: the real "disk full" on btrfs. Metadata chunks nearly
 * used AND less than one metadata chunk of unallocated space (on disk: a
 * DUP chunk takes twice its size) means the next metadata allocation fails:
 * writes, even deletions, return ENOSPC while df shows free space.
 */
#include <inttypes.h>

#include "health/health.h"
#include "util.h"

static void run_fs(struct health_ctx *c, struct health_report *r, const struct health_btrfs *b) {
        struct health_result *x = health_add(r, "btrfs.metadata", b->mountpoint);
        _cleanup_free_ char *slug = health_slug(b->mountpoint);
        char u[32], t[32], ch[32], un[32];
        double pct, chunk;

        if (!b->have_usage || b->metadata.total_bytes == 0) {
                health_set_summary(x, "metadata allocation of btrfs %s is not in sysfs", b->uuid);
                return;
        }
        pct = (double) b->metadata.bytes_used * 100.0 / (double) b->metadata.total_bytes;
        /* chunk_size (5.19+) is the logical size; the kernel's default is
         * 256 MiB below 50 GiB, 1 GiB above. disk_total/total_bytes is the
         * profile's copies (DUP: 2). */
        chunk = (double) (b->metadata.chunk_size ? b->metadata.chunk_size
                          : b->size > (UINT64_C(50) << 30) ? UINT64_C(1) << 30 : UINT64_C(256) << 20);
        chunk *= (double) b->metadata.disk_total / (double) b->metadata.total_bytes;
        health_set_value(x, pct, "%");
        health_set_thresholds(x, c->cfg->metadata_crit_pct, c->cfg->metadata_crit_pct, false);
        x->perf_label = xasprintf("btrfs_metadata_%s", slug);
        health_evidence(x, "metadata bytes_used %" PRIu64 " of total_bytes %" PRIu64 " (disk_total %" PRIu64
                        "); one more chunk needs %.0f bytes unallocated, %" PRIu64 " are",
                        b->metadata.bytes_used, b->metadata.total_bytes, b->metadata.disk_total, chunk,
                        b->unallocated);
        if (pct >= c->cfg->metadata_crit_pct && (double) b->unallocated < chunk) {
                x->status = HEALTH_CRITICAL;
                health_set_summary(x, "metadata %.0f%% used (%s of %s) and only %s unallocated, less than one "
                                   "metadata chunk (%s): ENOSPC is next", pct,
                                   health_bytes(u, (double) b->metadata.bytes_used),
                                   health_bytes(t, (double) b->metadata.total_bytes),
                                   health_bytes(un, (double) b->unallocated), health_bytes(ch, chunk));
                health_set_remedy(x, "free a data chunk so metadata can grow: `btrfs balance start -dusage=0 %s` "
                                  "(then -dusage=10); if that finds nothing, delete snapshots or add a device "
                                  "(`btrfs device add`) temporarily", b->mountpoint);
        } else {
                x->status = HEALTH_OK;
                health_set_summary(x, "metadata %.0f%% used (%s of %s), %s unallocated for new chunks", pct,
                                   health_bytes(u, (double) b->metadata.bytes_used),
                                   health_bytes(t, (double) b->metadata.total_bytes),
                                   health_bytes(un, (double) b->unallocated));
        }
}

const struct health_check health_check_btrfs_metadata = {
        .id = "btrfs.metadata",
        .description = "btrfs metadata nearly full with no room for another chunk",
        .run_btrfs = run_fs,
};
