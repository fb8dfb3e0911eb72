/* SPDX-License-Identifier: MIT */
/*
 * btrfs.compression: the real ratio, measured as compsize does (the seed's
 * `btrfs filesystem df` shows none): logical vs on-disk bytes of every data
 * extent, each counted once, read with BTRFS_IOC_TREE_SEARCH_V2. Big
 * filesystems are sampled within a time budget ([health]
 * compression.budget, default 5 s) and the sampled fraction is reported.
 * Warning when compress is set but the ratio is below 1.05 over more than
 * 1 GiB: the CPU is spent for nothing (compress-force, or data that does not
 * compress).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <unistd.h>

#include "health/btrfs-ioctl.h"
#include "health/health.h"
#include "util.h"

static void run_fs(struct health_ctx *c, struct health_report *r, const struct health_btrfs *b) {
        struct health_result *x = health_add(r, "btrfs.compression", b->mountpoint);
        _cleanup_free_ char *label = health_label_escape(b->uuid), *mlabel = health_label_escape(b->mountpoint);
        _cleanup_free_ char *slug = health_slug(b->mountpoint);
        struct health_compsize cs;
        char d1[32], d2[32];
        double ratio, frac;
        int fd, rr;

        x->perf_label = xasprintf("btrfs_compression_%s", slug);
        fd = health_btrfs_open(c, b);
        if (fd == -EOPNOTSUPP) {
                health_set_summary(x, "not measured: extents are read by ioctl on the live filesystem");
                return;
        }
        rr = fd < 0 ? fd : health_btrfs_compsize(fd, c->cfg->compression_budget_s, &cs);
        if (fd >= 0)
                close(fd);
        if (rr < 0) {
                health_set_summary(x, "not measured: %s", rr == -EPERM ? "BTRFS_IOC_TREE_SEARCH_V2 needs root (CAP_SYS_ADMIN)"
                                                                       : strerror(-rr));
                return;
        }
        ratio = cs.disk_bytes > 0 ? (double) cs.ram_bytes / (double) cs.disk_bytes : 1.0;
        frac = b->data.bytes_used > 0 ? (double) cs.disk_bytes / (double) b->data.bytes_used : 1.0;
        if (!cs.truncated || frac > 1)
                frac = 1;
        health_set_value(x, ratio, "ratio");
        health_set_thresholds(x, c->cfg->compression_min_ratio, 0, true);
        health_evidence(x, "%" PRIu64 " extents in %zu subvolumes: %" PRIu64 " bytes uncompressed, %" PRIu64
                        " on disk; compressed extents %" PRIu64 " -> %" PRIu64 " (%.2fs, %s)", cs.extents,
                        cs.subvolumes, cs.ram_bytes, cs.disk_bytes, cs.comp_ram_bytes, cs.comp_disk_bytes,
                        cs.elapsed_s, cs.truncated ? "time budget reached" : "complete");
        health_metric(x, "vpstune_btrfs_compression_ratio",
                      "Uncompressed over on-disk bytes of the data extents of a btrfs filesystem (compsize).",
                      ratio, "fs=\"%s\",mountpoint=\"%s\"", label, mlabel);
        health_metric(x, "vpstune_btrfs_compression_sampled_ratio",
                      "Fraction of the data bytes the compression measure read within its time budget.", frac,
                      "fs=\"%s\",mountpoint=\"%s\"", label, mlabel);
        health_set_summary(x, "%.2fx: %s of data takes %s on disk (compress=%s; %.0f%% of the data sampled)", ratio,
                           health_bytes(d1, (double) cs.ram_bytes), health_bytes(d2, (double) cs.disk_bytes),
                           b->compress ? b->compress : "off", frac * 100);
        x->status = HEALTH_OK;
        if (b->compress && ratio < c->cfg->compression_min_ratio &&
            (double) cs.ram_bytes / (frac > 0 ? frac : 1) > (double) c->cfg->compression_min_bytes) {
                x->status = HEALTH_WARNING;
                health_set_remedy(x, "compression saves under %.0f%% here: the data does not compress; drop "
                                  "compress-force if set, or mount without compress= (and `chattr +m` or "
                                  "`btrfs property set DIR compression none` for incompressible trees)",
                                  (c->cfg->compression_min_ratio - 1) * 100);
        }
}

const struct health_check health_check_btrfs_compression = {
        .id = "btrfs.compression",
        .description = "real compression ratio of btrfs data (compsize's method), sampled within a time budget",
        .run_btrfs = run_fs,
        .slow = true,
};
