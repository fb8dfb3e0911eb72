/* SPDX-License-Identifier: MIT */
/*
 * Mounted filesystems from mountinfo (through libmount, which knows the
 * escaping and the optional fields), plus what mountinfo does not say:
 * the filesystem UUID (btrfs from sysfs, others from the block facts) and
 * the BDI whose read_ahead_kb really governs file read-ahead (KNOWLEDGE.md:
 * btrfs has its own "btrfs-N" BDI, the disk's setting does not apply).
 *
 * Every mount is kept, pseudo filesystems too, in mountinfo order:
 * consumers filter.
 */
#include "facts/facts.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/sysmacros.h>

#include <libmount.h>

#include "log.h"
#include "util.h"

/* A mount table of a busy container host has a few thousand entries; far
 * beyond that the input is hostile. */
#define MOUNTS_MAX 100000

static int count_bad_line(struct libmnt_table *tb, const char *filename _unused_, int line _unused_) {
        size_t *bad = mnt_table_get_userdata(tb);
        if (bad)
                (*bad)++;
        return 1; /* > 0: skip the line, keep parsing */
}

/* libmount guesses the table format from the first line it reads and would
 * parse a whole mountinfo as fstab if that line is garbage; start at the
 * first line that begins like mountinfo ("ID PARENT ..."). */
static size_t skip_leading_garbage(const char *text, size_t len, size_t *bad) {
        size_t off = 0;

        while (off < len) {
                const char *line = text + off;
                const char *nl = memchr(line, '\n', len - off);
                size_t l = nl ? (size_t) (nl - line) : len - off;
                unsigned a, b;
                _cleanup_free_ char *copy = xstrndup(line, l);

                if (sscanf(copy, "%u %u", &a, &b) == 2)
                        break;
                if (*strstrip(copy) && copy[0] != '#')
                        (*bad)++;
                off += l + (nl ? 1 : 0);
        }
        return off;
}

/* Value of option name in a comma-separated option string, NULL if absent
 * or valueless. */
static char *optstr_value(const char *optstr, const char *name) {
        char *v = NULL;
        size_t n = 0;

        if (!optstr || mnt_optstr_get_option(optstr, name, &v, &n) != 0 || !v)
                return NULL;
        return xstrndup(v, n);
}

static void fill_from_fs(struct fs_facts *m, struct libmnt_fs *fs) {
        const char *vfs = mnt_fs_get_vfs_options(fs);
        const char *sup = mnt_fs_get_fs_options(fs);
        dev_t devno = mnt_fs_get_devno(fs);
        int id = mnt_fs_get_id(fs), parent = mnt_fs_get_parent_id(fs);

        m->bdi_read_ahead_kb = -1;
        m->mount_id = id > 0 ? (unsigned) id : 0;
        m->parent_id = parent > 0 ? (unsigned) parent : 0;
        m->majmin = xasprintf("%u:%u", major(devno), minor(devno));
        m->root = mnt_fs_get_root(fs) ? xstrdup(mnt_fs_get_root(fs)) : NULL;
        m->mountpoint = mnt_fs_get_target(fs) ? xstrdup(mnt_fs_get_target(fs)) : NULL;
        m->source = mnt_fs_get_source(fs) ? xstrdup(mnt_fs_get_source(fs)) : NULL;
        m->fstype = mnt_fs_get_fstype(fs) ? xstrdup(mnt_fs_get_fstype(fs)) : NULL;
        m->mount_options = strv_split(vfs, ",");
        m->super_options = strv_split(sup, ",");

        if (m->fstype && streq(m->fstype, "btrfs")) {
                _cleanup_free_ char *id_s = optstr_value(sup, "subvolid");
                uint64_t sid;

                /* Since 4.x the kernel shows subvol= in the super options;
                 * older kernels only in the mount root. */
                m->subvol = optstr_value(sup, "subvol");
                if (!m->subvol && m->root)
                        m->subvol = xstrdup(m->root);
                if (id_s && safe_atou64(id_s, &sid) >= 0)
                        m->subvolid = sid;
        }
}

static int parse_mountinfo(const char *text, size_t len, struct fs_facts **ret, size_t *ret_n, size_t *ret_bad) {
        struct libmnt_table *tb = NULL;
        struct libmnt_iter *it = NULL;
        struct libmnt_fs *fs;
        struct fs_facts *arr = NULL;
        size_t n = 0, bad = 0, off;
        FILE *stream;
        int r;

        if (!text)
                return -EINVAL;
        off = skip_leading_garbage(text, len, &bad);
        if (off < len) {
                tb = mnt_new_table();
                if (!tb)
                        return -ENOMEM;
                mnt_table_set_userdata(tb, &bad);
                mnt_table_set_parser_errcb(tb, count_bad_line);
                /* Read-only stream over the caller's bytes; "r" never writes. */
                stream = fmemopen((void *) (text + off), len - off, "r");
                if (!stream) {
                        r = -errno;
                        mnt_unref_table(tb);
                        return r;
                }
                r = mnt_table_parse_stream(tb, stream, "mountinfo");
                fclose(stream);
                if (r < 0) {
                        mnt_unref_table(tb);
                        return r;
                }
                it = mnt_new_iter(MNT_ITER_FORWARD);
                if (!it) {
                        mnt_unref_table(tb);
                        return -ENOMEM;
                }
                while (n < MOUNTS_MAX && mnt_table_next_fs(tb, it, &fs) == 0)
                        fill_from_fs(array_grow(&arr, &n, sizeof *arr), fs);
                mnt_free_iter(it);
                mnt_unref_table(tb);
        }

        *ret = arr;
        *ret_n = n;
        if (ret_bad)
                *ret_bad = bad;
        return 0;
}

int facts_parse_mountinfo(const char *text, size_t len, struct fs_facts **ret, size_t *ret_n) {
        return parse_mountinfo(text, len, ret, ret_n, NULL);
}

/* ---- collector ---- */

/* Kernel name of a block source: "<dev>/sda4" → "sda4", "<dev>/mapper/root"
 * → "dm-0" (through the dev symlink, or sys/block/dm-N/dm/name when the
 * sysroot has no such link). NULL for sources that are no device node. */
static char *source_devname(struct sysroot *sr, const struct facts *f, const char *source) {
        _cleanup_free_ char *prefix = sysroot_display_path(SR_DEV, "x");
        _cleanup_free_ char *canon = NULL;
        const char *rel, *b, *mapper;

        if (!source)
                return NULL;
        prefix[strlen(prefix) - 1] = '\0'; /* "<dev>/" */
        rel = startswith(source, prefix);
        if (!rel || !*rel)
                return NULL;
        if (sysroot_realpath(sr, SR_DEV, rel, &canon) >= 0) {
                b = strrchr(canon, '/');
                b = b ? b + 1 : canon;
                if (facts_disk_of_source(f, b, NULL) || !startswith(rel, "mapper/"))
                        return xstrdup(b);
        }
        mapper = startswith(rel, "mapper/");
        if (mapper)
                for (size_t i = 0; i < f->n_disks; i++) {
                        _cleanup_free_ char *nf = xasprintf("block/%s/dm/name", f->disks[i].name);
                        _cleanup_free_ char *name = NULL;
                        if (f->disks[i].transport != TRANSPORT_DM)
                                continue;
                        if (sysroot_read_line(sr, SR_SYS, nf, &name) >= 0 && streq(name, mapper))
                                return xstrdup(f->disks[i].name);
                }
        b = strrchr(rel, '/');
        return xstrdup(b ? b + 1 : rel);
}

static bool valid_component(const char *s) {
        return *s && !strchr(s, '/') && !streq(s, ".") && !streq(s, "..");
}

/* "8:4" → "sda4" through the sys/dev/block link. */
static char *devname_of_majmin(struct sysroot *sr, const char *majmin) {
        _cleanup_free_ char *rel = NULL, *canon = NULL;
        const char *b;

        if (!majmin || !valid_component(majmin))
                return NULL;
        rel = xasprintf("dev/block/%s", majmin);
        if (!sysroot_exists(sr, SR_SYS, rel) || sysroot_realpath(sr, SR_SYS, rel, &canon) < 0)
                return NULL;
        b = strrchr(canon, '/');
        return xstrdup(b ? b + 1 : canon);
}

/* Which btrfs filesystem (sys/fs/btrfs/<uuid>) has a device: read once
 * per run, one directory per filesystem, instead of one look-up per
 * (mount, filesystem) pair. Sorted by device name, then by UUID order. */
struct btrfs_dev {
        char *devname;
        const char *uuid;         /* points into uuids */
        size_t order;
};

struct btrfs_map {
        char **uuids;
        struct btrfs_dev *devs;
        size_t n_devs;
        bool loaded;
};

static int btrfs_dev_cmp(const void *a, const void *b) {
        const struct btrfs_dev *x = a, *y = b;
        int r = strcmp(x->devname, y->devname);
        return r != 0 ? r : x->order < y->order ? -1 : x->order > y->order;
}

static void btrfs_map_load(struct sysroot *sr, struct btrfs_map *bm) {
        size_t order = 0;

        bm->loaded = true;
        (void) sysroot_list_dir(sr, SR_SYS, "fs/btrfs", &bm->uuids);
        for (char **u = bm->uuids; u && *u; u++) {
                _cleanup_free_ char *rel = xasprintf("fs/btrfs/%s/devices", *u);
                _cleanup_strv_ char **devs = NULL;

                if (!valid_component(*u) || sysroot_list_dir(sr, SR_SYS, rel, &devs) < 0)
                        continue;
                for (char **d = devs; *d; d++)
                        *(struct btrfs_dev *) array_grow(&bm->devs, &bm->n_devs, sizeof *bm->devs) =
                                (struct btrfs_dev) { .devname = xstrdup(*d), .uuid = *u, .order = order++ };
        }
        if (bm->n_devs > 1) /* qsort(NULL, 0) is undefined (UBSan) */
                qsort(bm->devs, bm->n_devs, sizeof *bm->devs, btrfs_dev_cmp);
}

static void btrfs_map_done(struct btrfs_map *bm) {
        for (size_t i = 0; i < bm->n_devs; i++)
                free(bm->devs[i].devname);
        free(bm->devs);
        strv_free(bm->uuids);
}

/* The btrfs filesystem that has devname among its devices; NULL if none.
 * The first, in UUID order, whose devices/<devname> resolves. */
static char *btrfs_uuid_of(struct sysroot *sr, struct btrfs_map *bm, const char *devname) {
        size_t lo = 0, hi;

        if (!bm->loaded)
                btrfs_map_load(sr, bm);
        hi = bm->n_devs;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (strcmp(bm->devs[mid].devname, devname) < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        for (; lo < bm->n_devs && streq(bm->devs[lo].devname, devname); lo++) {
                _cleanup_free_ char *rel = xasprintf("fs/btrfs/%s/devices/%s", bm->devs[lo].uuid, devname);
                if (sysroot_exists(sr, SR_SYS, rel))
                        return xstrdup(bm->devs[lo].uuid);
        }
        return NULL;
}

static void read_bdi_read_ahead(struct sysroot *sr, struct facts *f, struct fs_facts *m) {
        _cleanup_free_ char *rel = xasprintf("class/bdi/%s/read_ahead_kb", m->bdi);
        uint64_t v;
        int r = sysroot_read_u64(sr, SR_SYS, rel, &v);

        if (r >= 0 && v <= INT64_MAX)
                m->bdi_read_ahead_kb = (int64_t) v;
        else if (r == -EINVAL || r == -ERANGE || r >= 0) {
                _cleanup_free_ char *p = sysroot_display_path(SR_SYS, rel);
                facts_warn(f, "%s: not a number", p);
        }
}

static void collect_btrfs(struct sysroot *sr, struct facts *f, struct fs_facts *m, struct btrfs_map *bm,
                          const char *devname) {
        _cleanup_free_ char *link = NULL, *rel = NULL;
        const char *b;

        if (!devname)
                return;
        free(m->uuid);
        m->uuid = btrfs_uuid_of(sr, bm, devname);
        if (!m->uuid)
                return;
        /* "fs/btrfs/<uuid>/bdi -> ../../../virtual/bdi/btrfs-3" (5.x+). */
        rel = xasprintf("fs/btrfs/%s/bdi", m->uuid);
        if (sysroot_readlink(sr, SR_SYS, rel, &link) < 0)
                return;
        b = strrchr(link, '/');
        b = b ? b + 1 : link;
        if (!valid_component(b))
                return;
        m->bdi = xstrdup(b);
        read_bdi_read_ahead(sr, f, m);
}

/* Block-backed filesystems other than btrfs use the disk's BDI, named
 * after the whole disk's maj:min (a partition has none of its own). */
static void collect_block_bdi(struct sysroot *sr, struct facts *f, struct fs_facts *m, struct disk_facts *d) {
        _cleanup_free_ char *bdi = NULL;

        if (m->majmin && valid_component(m->majmin)) {
                _cleanup_free_ char *rel = xasprintf("class/bdi/%s", m->majmin);
                if (sysroot_exists(sr, SR_SYS, rel))
                        bdi = xstrdup(m->majmin);
        }
        if (!bdi && d) {
                _cleanup_free_ char *devf = xasprintf("block/%s/dev", d->name);
                _cleanup_free_ char *mm = NULL;
                if (sysroot_read_line(sr, SR_SYS, devf, &mm) >= 0 && valid_component(mm)) {
                        _cleanup_free_ char *rel = xasprintf("class/bdi/%s", mm);
                        if (sysroot_exists(sr, SR_SYS, rel))
                                bdi = TAKE_PTR(mm);
                }
        }
        if (!bdi)
                return;
        m->bdi = TAKE_PTR(bdi);
        read_bdi_read_ahead(sr, f, m);
}

/* Two-way fill between the mount and the device it comes from: mountinfo
 * knows the type, blkid/udev may know the UUID. */
static void link_to_device(struct fs_facts *m, struct disk_facts *d, struct partition_facts *p) {
        char **fstype = p ? &p->fstype : &d->fstype;
        char **uuid = p ? &p->uuid : &d->uuid;

        if (!*fstype && m->fstype)
                *fstype = xstrdup(m->fstype);
        if (!m->uuid && *uuid)
                m->uuid = xstrdup(*uuid);
        else if (!*uuid && m->uuid)
                *uuid = xstrdup(m->uuid);
}

/* Mounts of one filesystem through one source (2 500 container volumes on
 * one btrfs, 2 000 bind mounts of one ext4) have the same device, UUID and
 * BDI: sorted by (majmin, source, fstype), each group is resolved once, by
 * its first mount in mountinfo order, and the others copy it. */
static int mount_key_cmp(const void *a, const void *b, void *userdata) {
        const struct fs_facts *fs = userdata;
        size_t ia = *(const size_t *) a, ib = *(const size_t *) b;
        int r = strcmp(strempty(fs[ia].majmin), strempty(fs[ib].majmin));

        if (r == 0)
                r = strcmp(strempty(fs[ia].source), strempty(fs[ib].source));
        if (r == 0)
                r = strcmp(strempty(fs[ia].fstype), strempty(fs[ib].fstype));
        return r != 0 ? r : ia < ib ? -1 : ia > ib;
}

struct mount_dev {
        size_t leader;            /* first mount of its group */
        struct disk_facts *d;
        struct partition_facts *p;
};

static void resolve_mount(struct sysroot *sr, struct facts *f, struct fs_facts *m, struct btrfs_map *bm,
                          struct mount_dev *md) {
        _cleanup_free_ char *devname = source_devname(sr, f, m->source);
        struct partition_facts *p = NULL;
        struct disk_facts *d = devname ? facts_find_dev(f, devname, &p) : NULL;

        if (!d && !startswith(m->majmin, "0:")) {
                /* "<dev>/root" and other names that are no node: the device
                 * number of a block-backed mount is real. */
                free(devname);
                devname = devname_of_majmin(sr, m->majmin);
                d = devname ? facts_find_dev(f, devname, &p) : NULL;
        }

        if (m->fstype && streq(m->fstype, "btrfs"))
                collect_btrfs(sr, f, m, bm, devname);
        else if (d || (m->majmin && !startswith(m->majmin, "0:")))
                /* Major 0 is an anonymous device (proc, tmpfs, cgroup...):
                 * no disk, no BDI worth a look-up. */
                collect_block_bdi(sr, f, m, d);
        md->d = d;
        md->p = p;
}

static void collect_mount_devices(struct sysroot *sr, struct facts *f) {
        _cleanup_free_ size_t *order = xmalloc((f->n_fs ? f->n_fs : 1) * sizeof *order);
        _cleanup_free_ struct mount_dev *md = xcalloc(f->n_fs ? f->n_fs : 1, sizeof *md);
        struct btrfs_map bm = {};

        for (size_t i = 0; i < f->n_fs; i++)
                order[i] = i;
        if (f->n_fs > 1)
                qsort_r(order, f->n_fs, sizeof *order, mount_key_cmp, f->fs);
        for (size_t k = 0; k < f->n_fs; k++) {
                const struct fs_facts *a = k > 0 ? &f->fs[order[k - 1]] : NULL, *b = &f->fs[order[k]];
                bool same = a && streq_ptr(a->majmin, b->majmin) && streq_ptr(a->source, b->source) &&
                            streq_ptr(a->fstype, b->fstype);
                md[order[k]].leader = same ? md[order[k - 1]].leader : order[k];
        }

        for (size_t i = 0; i < f->n_fs; i++) {
                struct fs_facts *m = &f->fs[i];

                if (md[i].leader == i)
                        resolve_mount(sr, f, m, &bm, &md[i]);
                else {
                        const struct fs_facts *l = &f->fs[md[i].leader];
                        md[i].d = md[md[i].leader].d;
                        md[i].p = md[md[i].leader].p;
                        free(m->uuid);
                        m->uuid = l->uuid ? xstrdup(l->uuid) : NULL;
                        m->bdi = l->bdi ? xstrdup(l->bdi) : NULL;
                        m->bdi_read_ahead_kb = l->bdi_read_ahead_kb;
                }
                if (md[i].d)
                        link_to_device(m, md[i].d, md[i].p);
        }
        btrfs_map_done(&bm);
}

void facts_collect_mounts(struct sysroot *sr, struct facts *f) {
        _cleanup_free_ char *text = NULL;
        const char *rel = "self/mountinfo";
        struct fs_facts *arr = NULL;
        size_t len = 0, n = 0, bad = 0;
        bool truncated = false;
        int r;

        r = sysroot_read_file(sr, SR_PROC, rel, 0, &text, &len, &truncated);
        if (r == -ENOENT && !sysroot_is_live(sr)) {
                /* A captured sysroot may have no "self" link. */
                rel = "1/mountinfo";
                r = sysroot_read_file(sr, SR_PROC, rel, 0, &text, &len, &truncated);
        }
        if (r < 0) {
                if (r != -ENOENT) {
                        _cleanup_free_ char *p = sysroot_display_path(SR_PROC, rel);
                        facts_warn(f, "%s: %s", p, strerror(-r));
                }
                return;
        }
        {
                _cleanup_free_ char *p = sysroot_display_path(SR_PROC, rel);
                if (truncated)
                        facts_warn(f, "%s: too large, truncated", p);
                r = parse_mountinfo(text, len, &arr, &n, &bad);
                if (r < 0) {
                        facts_warn(f, "%s: %s", p, strerror(-r));
                        return;
                }
                if (bad > 0)
                        facts_warn(f, "%s: %zu malformed lines skipped", p, bad);
        }
        f->fs = arr;
        f->n_fs = n;

        collect_mount_devices(sr, f);
}
