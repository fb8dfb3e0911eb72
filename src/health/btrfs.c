/* SPDX-License-Identifier: MIT */
/*
 * The btrfs filesystems several checks look at, one per UUID: subvolume and
 * bind mounts of one filesystem share the UUID and are counted once. Sizes
 * come from sysfs, so a captured sysroot answers as the live machine does:
 *   /sys/fs/btrfs/UUID/devices/NAME/size          512-byte sectors
 *   /sys/fs/btrfs/UUID/allocation/{data,metadata,system}/{total_bytes,
 *       bytes_used,disk_total,disk_used,chunk_size}
 * unallocated = sum of device sizes - sum of disk_total (what `btrfs
 * filesystem usage` prints as "Device unallocated").
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>

#include "health/health.h"
#include "util.h"

static void read_alloc(struct sysroot *sr, const char *uuid, const char *kind, struct health_alloc *a) {
        static const char *const names[] = { "total_bytes", "bytes_used", "disk_total", "disk_used", "chunk_size" };
        uint64_t *dst[] = { &a->total_bytes, &a->bytes_used, &a->disk_total, &a->disk_used, &a->chunk_size };
        a->have = true;
        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                _cleanup_free_ char *rel = xasprintf("fs/btrfs/%s/allocation/%s/%s", uuid, kind, names[i]);
                if (sysroot_read_u64(sr, SR_SYS, rel, dst[i]) < 0) {
                        *dst[i] = 0;
                        if (i < 4) /* chunk_size is newer (5.19) */
                                a->have = false;
                }
        }
}

static char *compress_of(const struct fs_facts *m) {
        for (char **o = m->super_options; o && *o; o++) {
                const char *v = startswith(*o, "compress=");
                if (!v)
                        v = startswith(*o, "compress-force=");
                if (v && !streq(v, "no") && !streq(v, "none"))
                        return xstrdup(v);
        }
        return NULL;
}

static void load(struct health_ctx *c) {
        const struct facts *f = c->facts;

        c->btrfs_loaded = true;
        for (size_t i = 0; f && i < f->n_fs; i++) {
                const struct fs_facts *m = &f->fs[i];
                struct health_btrfs *b = NULL;

                if (!streq_ptr(m->fstype, "btrfs") || !m->uuid)
                        continue;
                for (size_t k = 0; k < c->n_btrfs; k++)
                        if (streq(c->btrfs[k].uuid, m->uuid))
                                b = &c->btrfs[k];
                if (b) {
                        if (strlen(m->mountpoint) < strlen(b->mountpoint)) {
                                free(b->mountpoint);
                                b->mountpoint = xstrdup(m->mountpoint);
                        }
                        continue;
                }
                b = array_grow(&c->btrfs, &c->n_btrfs, sizeof *b);
                b->uuid = xstrdup(m->uuid);
                b->mountpoint = xstrdup(m->mountpoint);
                b->compress = compress_of(m);
                {
                        _cleanup_free_ char *rel = xasprintf("fs/btrfs/%s/devices", b->uuid);
                        bool sizes = sysroot_list_dir(c->sr, SR_SYS, rel, &b->devnames) >= 0 && b->devnames && *b->devnames;
                        for (char **d = b->devnames; sizes && *d; d++) {
                                _cleanup_free_ char *srel = xasprintf("%s/%s/size", rel, *d);
                                uint64_t sectors;
                                if (sysroot_read_u64(c->sr, SR_SYS, srel, &sectors) < 0)
                                        sizes = false;
                                else
                                        b->size += sectors * 512;
                        }
                        if (!sizes)
                                b->size = 0;
                }
                {
                        _cleanup_free_ char *rel = xasprintf("fs/btrfs/%s/devinfo", b->uuid);
                        (void) sysroot_list_dir(c->sr, SR_SYS, rel, &b->devids);
                }
                read_alloc(c->sr, b->uuid, "data", &b->data);
                read_alloc(c->sr, b->uuid, "metadata", &b->metadata);
                read_alloc(c->sr, b->uuid, "system", &b->system);
                b->allocated = b->data.disk_total + b->metadata.disk_total + b->system.disk_total;
                b->have_usage = b->size > 0 && b->data.have && b->metadata.have && b->system.have &&
                                b->allocated <= b->size;
                if (b->have_usage)
                        b->unallocated = b->size - b->allocated;
        }
}

void health_btrfs_list(struct health_ctx *c, const struct health_btrfs **ret, size_t *ret_n) {
        if (!c->btrfs_loaded)
                load(c);
        *ret = c->btrfs;
        *ret_n = c->n_btrfs;
}

void health_ctx_done(struct health_ctx *c) {
        for (size_t i = 0; i < c->n_btrfs; i++) {
                free(c->btrfs[i].uuid);
                free(c->btrfs[i].mountpoint);
                free(c->btrfs[i].compress);
                strv_free(c->btrfs[i].devids);
                strv_free(c->btrfs[i].devnames);
        }
        free(c->btrfs);
        c->btrfs = NULL;
        c->n_btrfs = 0;
        c->btrfs_loaded = false;
}

static double max_d(double a, double b) {
        return a > b ? a : b;
}

void health_btrfs_unalloc_thresholds(const struct health_ctx *c, const struct health_btrfs *b, double *ret_warn,
                                     double *ret_crit) {
        if (ret_warn)
                *ret_warn = max_d((double) c->cfg->unalloc_warn_bytes, (double) b->size * c->cfg->unalloc_warn_pct / 100);
        if (ret_crit)
                *ret_crit = max_d((double) c->cfg->unalloc_crit_bytes, (double) b->size * c->cfg->unalloc_crit_pct / 100);
}

int health_btrfs_open(struct health_ctx *c, const struct health_btrfs *b) {
        if (!sysroot_is_live(c->sr))
                return -EOPNOTSUPP;
        return sysroot_openat(c->sr, SR_ROOT, b->mountpoint[1] ? b->mountpoint + 1 : ".", O_RDONLY | O_DIRECTORY, 0);
}
