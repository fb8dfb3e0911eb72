/* SPDX-License-Identifier: MIT */
/*
 * facts_gather(): runs the collectors in dependency order and owns the
 * result. Order matters in two places only: block before mounts (a mount's
 * source is matched to its partition for UUIDs), memory after block is not
 * needed (zram is found through sys/block but read by the memory collector).
 */
#include "facts/facts.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>

#include "log.h"
#include "util.h"

struct facts_index;
static void facts_index_free(struct facts_index *x);

static const char *const transport_names[_TRANSPORT_MAX] = {
        [TRANSPORT_UNKNOWN] = "unknown",
        [TRANSPORT_VIRTIO_BLK] = "virtio-blk",
        [TRANSPORT_VIRTIO_SCSI] = "virtio-scsi",
        [TRANSPORT_SATA] = "sata",
        [TRANSPORT_NVME] = "nvme",
        [TRANSPORT_XEN] = "xen",
        [TRANSPORT_SCSI] = "scsi",
        [TRANSPORT_MMC] = "mmc",
        [TRANSPORT_LOOP] = "loop",
        [TRANSPORT_ZRAM] = "zram",
        [TRANSPORT_USB] = "usb",
        [TRANSPORT_DM] = "dm",
        [TRANSPORT_MD] = "md",
};

const char *transport_to_string(enum transport t) {
        return (unsigned) t < _TRANSPORT_MAX ? transport_names[t] : "unknown";
}

void facts_warn(struct facts *f, const char *fmt, ...) {
        va_list ap;
        char *s;

        va_start(ap, fmt);
        if (vasprintf(&s, fmt, ap) < 0)
                abort();
        va_end(ap);
        log_debug_topic("facts", "%s", s);
        /* Bounded: a sysroot full of garbage must not grow this forever. */
        if (strv_length(f->warnings) < 256)
                strv_consume(&f->warnings, s);
        else
                free(s);
}

static void collect_kernel(struct sysroot *sr, struct facts *f) {
        (void) sysroot_read_line(sr, SR_PROC, "sys/kernel/osrelease", &f->kernel_release);
        if (sysroot_read_line(sr, SR_PROC, "sys/kernel/hostname", &f->hostname) < 0)
                (void) sysroot_read_line(sr, SR_ETC, "hostname", &f->hostname);
        f->uefi = sysroot_exists(sr, SR_SYS, "firmware/efi");
}

int facts_gather(struct sysroot *sr, struct facts **ret) {
        return facts_gather_some(sr, FACTS_ALL, ret);
}

int facts_gather_some(struct sysroot *sr, unsigned scope, struct facts **ret) {
        struct facts *f = xcalloc(1, sizeof *f);

        f->scope = scope;
        f->cpu = (struct cpu_facts) { .family = -1, .model_number = -1, .stepping = -1 };
        f->root = xstrdup(sysroot_dir(sr));
        f->live = sysroot_is_live(sr);
        collect_kernel(sr, f);
        facts_collect_cpu(sr, f);
        facts_collect_os(sr, f);
        facts_collect_virt(sr, f);
        facts_collect_block(sr, f);
        facts_collect_memory(sr, f);
        facts_collect_mounts(sr, f);
        *ret = f;
        return 0;
}

void cpu_facts_done(struct cpu_facts *c) {
        free(c->model);
        free(c->vendor);
        free(c->flags_line);
        *c = (struct cpu_facts) { .family = -1, .model_number = -1, .stepping = -1 };
}

void os_facts_done(struct os_facts *o) {
        free(o->id);
        free(o->version_id);
        free(o->pretty_name);
        free(o->name);
        free(o->id_like);
        free(o->variant_id);
        *o = (struct os_facts) {};
}

void virt_facts_done(struct virt_facts *v) {
        free(v->vm);
        free(v->vm_vendor);
        free(v->xen_mode);
        free(v->type);
        free(v->confidence);
        free(v->hypervisor);
        free(v->container);
        strv_free(v->evidence);
        free(v->dmi_sys_vendor);
        free(v->dmi_product_name);
        free(v->dmi_bios_vendor);
        *v = (struct virt_facts) {};
}

void swap_entry_done(struct swap_entry *s) {
        free(s->filename);
        free(s->type);
        *s = (struct swap_entry) {};
}

void zram_facts_done(struct zram_facts *z) {
        free(z->name);
        free(z->algorithm);
        strv_free(z->algorithms);
        *z = (struct zram_facts) {};
}

static void partition_facts_done(struct partition_facts *p) {
        free(p->name);
        free(p->fstype);
        free(p->uuid);
        free(p->partuuid);
        free(p->label);
        free(p->parttype);
        *p = (struct partition_facts) {};
}

void disk_facts_done(struct disk_facts *d) {
        free(d->name);
        free(d->devpath);
        free(d->scheduler);
        strv_free(d->schedulers);
        free(d->vendor);
        free(d->model);
        free(d->fstype);
        free(d->uuid);
        free(d->pttype);
        for (size_t i = 0; i < d->n_partitions; i++)
                partition_facts_done(&d->partitions[i]);
        free(d->partitions);
        *d = (struct disk_facts) { .rotational = -1, .removable = -1, .readonly = -1, .read_ahead_kb = -1, .nomerges = -1 };
}

void fs_facts_done(struct fs_facts *m) {
        free(m->majmin);
        free(m->root);
        free(m->mountpoint);
        free(m->source);
        free(m->fstype);
        free(m->subvol);
        strv_free(m->mount_options);
        strv_free(m->super_options);
        free(m->uuid);
        free(m->bdi);
        *m = (struct fs_facts) { .bdi_read_ahead_kb = -1 };
}

struct facts *facts_free(struct facts *f) {
        if (!f)
                return NULL;
        free(f->root);
        free(f->kernel_release);
        free(f->hostname);
        cpu_facts_done(&f->cpu);
        os_facts_done(&f->os);
        virt_facts_done(&f->virt);
        for (size_t i = 0; i < f->n_swaps; i++)
                swap_entry_done(&f->swaps[i]);
        free(f->swaps);
        for (size_t i = 0; i < f->n_zram; i++)
                zram_facts_done(&f->zram[i]);
        free(f->zram);
        for (size_t i = 0; i < f->n_disks; i++)
                disk_facts_done(&f->disks[i]);
        free(f->disks);
        for (size_t i = 0; i < f->n_fs; i++)
                fs_facts_done(&f->fs[i]);
        free(f->fs);
        strv_free(f->warnings);
        facts_index_free(f->index);
        free(f);
        return NULL;
}

/* ---- look-up tables ----
 *
 * A container host has thousands of mounts and a storage VM hundreds of
 * disks: every look-up by name, mount point or device number is a binary
 * search in a table sorted once per run (n log n), never a scan inside a
 * loop over the same collection. Built on first use and again when the
 * arrays it points into were reallocated or resized. */

struct dev_entry {
        const char *name;
        struct disk_facts *disk;
        struct partition_facts *part; /* NULL: the whole disk */
        size_t mounts_start, n_mounts; /* in mounts_on[] */
        size_t order;             /* position in disk order */
};

struct facts_index {
        const struct disk_facts *disks; /* what it was built from */
        size_t n_disks;
        const struct fs_facts *fs;
        size_t n_fs;
        struct dev_entry *devs;   /* sorted by name */
        size_t n_devs;
        size_t *mounts_on;        /* fs indices grouped by dev entry */
        size_t *by_mountpoint;    /* fs indices by (mountpoint, index) */
        size_t n_by_mountpoint;
        size_t *by_majmin;        /* fs indices by (majmin, index) */
        size_t n_by_majmin;
};

static void facts_index_free(struct facts_index *x) {
        if (!x)
                return;
        free(x->devs);
        free(x->mounts_on);
        free(x->by_mountpoint);
        free(x->by_majmin);
        free(x);
}

static int dev_entry_order_cmp(const void *a, const void *b) {
        const struct dev_entry *x = a, *y = b;
        int r = strcmp(x->name, y->name);

        return r != 0 ? r : x->order < y->order ? -1 : x->order > y->order;
}

/* Leftmost match, so the first of equal names in disk order. */
static struct dev_entry *find_dev_entry(const struct facts_index *x, const char *name) {
        size_t lo = 0, hi = x->n_devs;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (strcmp(x->devs[mid].name, name) < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo < x->n_devs && streq(x->devs[lo].name, name) ? &x->devs[lo] : NULL;
}

static const char *basename_of(const char *s) {
        const char *b = strrchr(s, '/');
        return b ? b + 1 : s;
}

/* Sorts fs indices by one string field, then by index (stable: for equal
 * keys mountinfo order is kept). */
static int cmp_by_field(const void *a, const void *b, void *userdata) {
        const struct fs_facts *fs = ((const struct fs_facts **) userdata)[0];
        size_t off = (size_t) ((const struct fs_facts **) userdata)[1];
        size_t ia = *(const size_t *) a, ib = *(const size_t *) b;
        const char *ka = *(char *const *) ((const char *) &fs[ia] + off);
        const char *kb = *(char *const *) ((const char *) &fs[ib] + off);
        int r = strcmp(ka, kb);

        return r != 0 ? r : ia < ib ? -1 : ia > ib;
}

static size_t *sorted_by_field(const struct facts *f, size_t off, size_t *ret_n) {
        size_t *l = xmalloc((f->n_fs ? f->n_fs : 1) * sizeof *l), n = 0;
        const void *ud[2] = { f->fs, (const void *) off };

        for (size_t i = 0; i < f->n_fs; i++)
                if (*(char *const *) ((const char *) &f->fs[i] + off))
                        l[n++] = i;
        if (n > 1) /* qsort(NULL, 0) is undefined (UBSan) */
                qsort_r(l, n, sizeof *l, cmp_by_field, ud);
        *ret_n = n;
        return l;
}

static struct facts_index *facts_index_build(struct facts *f) {
        struct facts_index *x = xcalloc(1, sizeof *x);
        size_t n = f->n_disks;

        x->disks = f->disks;
        x->n_disks = f->n_disks;
        x->fs = f->fs;
        x->n_fs = f->n_fs;
        for (size_t i = 0; i < f->n_disks; i++)
                n += f->disks[i].n_partitions;
        x->devs = xmalloc((n ? n : 1) * sizeof *x->devs);
        for (size_t i = 0; i < f->n_disks; i++) {
                struct disk_facts *d = &f->disks[i];
                if (d->name)
                        x->devs[x->n_devs++] = (struct dev_entry) { .name = d->name, .disk = d };
                for (size_t j = 0; j < d->n_partitions; j++)
                        if (d->partitions[j].name)
                                x->devs[x->n_devs++] = (struct dev_entry) {
                                        .name = d->partitions[j].name, .disk = d, .part = &d->partitions[j] };
        }
        /* Equal names (a garbage sysroot may repeat one) keep disk order:
         * the first wins, as a linear search would have it. */
        for (size_t i = 0; i < x->n_devs; i++)
                x->devs[i].order = i;
        if (x->n_devs > 1)
                qsort(x->devs, x->n_devs, sizeof *x->devs, dev_entry_order_cmp);

        /* Mounts per device, grouped: count, prefix sums, fill in order. */
        x->mounts_on = xmalloc((f->n_fs ? f->n_fs : 1) * sizeof *x->mounts_on);
        {
                struct dev_entry **of = xmalloc((f->n_fs ? f->n_fs : 1) * sizeof *of);
                size_t pos = 0;

                for (size_t i = 0; i < f->n_fs; i++) {
                        of[i] = f->fs[i].source ? find_dev_entry(x, basename_of(f->fs[i].source)) : NULL;
                        if (of[i])
                                of[i]->n_mounts++;
                }
                for (size_t i = 0; i < x->n_devs; i++) {
                        x->devs[i].mounts_start = pos;
                        pos += x->devs[i].n_mounts;
                        x->devs[i].n_mounts = 0;
                }
                for (size_t i = 0; i < f->n_fs; i++)
                        if (of[i])
                                x->mounts_on[of[i]->mounts_start + of[i]->n_mounts++] = i;
                free(of);
        }
        x->by_mountpoint = sorted_by_field(f, offsetof(struct fs_facts, mountpoint), &x->n_by_mountpoint);
        x->by_majmin = sorted_by_field(f, offsetof(struct fs_facts, majmin), &x->n_by_majmin);
        return x;
}

/* The index of f, (re)built when missing or stale. The facts are
 * logically const: the index is a cache of what they already say. */
static const struct facts_index *facts_index(const struct facts *cf) {
        struct facts *f = (struct facts *) cf;
        struct facts_index *x = f->index;

        if (x && x->disks == f->disks && x->n_disks == f->n_disks && x->fs == f->fs && x->n_fs == f->n_fs)
                return x;
        facts_index_free(x);
        f->index = facts_index_build(f);
        return f->index;
}

/* First position in a sorted fs-index table whose field equals key, and
 * how many do; NULL/0 if none. */
static const size_t *range_by_field(const struct facts *f, const size_t *l, size_t n, size_t off, const char *key,
                                    size_t *ret_n) {
        size_t lo = 0, hi = n, start;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (strcmp(*(char *const *) ((const char *) &f->fs[l[mid]] + off), key) < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        start = lo;
        hi = n;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (strcmp(*(char *const *) ((const char *) &f->fs[l[mid]] + off), key) <= 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        *ret_n = lo - start;
        return lo > start ? l + start : NULL;
}

const struct disk_facts *facts_find_disk(const struct facts *f, const char *name) {
        struct partition_facts *p = NULL;
        const struct disk_facts *d = facts_find_dev((struct facts *) f, name, &p);

        return d && !p ? d : NULL;
}

const struct fs_facts *facts_find_mount(const struct facts *f, const char *mountpoint) {
        const struct facts_index *x = facts_index(f);
        size_t n;
        const size_t *l = range_by_field(f, x->by_mountpoint, x->n_by_mountpoint,
                                         offsetof(struct fs_facts, mountpoint), mountpoint, &n);

        /* The last mount on a mountpoint is the visible one. */
        return l ? &f->fs[l[n - 1]] : NULL;
}

const size_t *facts_mounts_of_fs(const struct facts *f, const char *majmin, size_t *ret_n) {
        const struct facts_index *x = facts_index(f);

        *ret_n = 0;
        return majmin ? range_by_field(f, x->by_majmin, x->n_by_majmin, offsetof(struct fs_facts, majmin), majmin,
                                       ret_n)
                      : NULL;
}

const size_t *facts_mounts_on(const struct facts *f, const char *devname, size_t *ret_n) {
        const struct facts_index *x = facts_index(f);
        const struct dev_entry *e = devname ? find_dev_entry(x, devname) : NULL;

        *ret_n = e ? e->n_mounts : 0;
        return e && e->n_mounts ? x->mounts_on + e->mounts_start : NULL;
}

struct disk_facts *facts_find_dev(struct facts *f, const char *name, struct partition_facts **ret_part) {
        const struct dev_entry *e = find_dev_entry(facts_index(f), name);

        if (!e)
                return NULL;
        if (ret_part)
                *ret_part = e->part;
        return e->disk;
}

const struct disk_facts *facts_disk_of_source(const struct facts *f, const char *source,
                                              const struct partition_facts **ret_part) {
        struct partition_facts *p;
        struct disk_facts *d;
        const char *name;

        if (!source)
                return NULL;
        name = strrchr(source, '/');
        name = name ? name + 1 : source;
        /* facts_find_dev() only reads f; casting const away here keeps one
         * lookup loop, and what it returns goes back out as const. */
        d = facts_find_dev((struct facts *) f, name, &p);
        if (d && ret_part)
                *ret_part = p;
        return d;
}

bool facts_fs_is_storage(const struct facts *f, const struct fs_facts *m) {
        static const char *const disk_fstypes[] = {
                "btrfs", "ext2", "ext3", "ext4", "xfs", "vfat", "f2fs", "zfs",
                "bcachefs", "jfs", "reiserfs", "ntfs", "ntfs3", "exfat", "nilfs2",
        };

        if (!m->mountpoint || !m->fstype)
                return false;
        for (size_t i = 0; i < ELEMENTSOF(disk_fstypes); i++)
                if (streq(m->fstype, disk_fstypes[i]))
                        return true;
        return facts_disk_of_source(f, m->source, NULL) != NULL;
}
