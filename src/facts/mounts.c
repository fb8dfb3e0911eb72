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

/* The btrfs filesystem (sys/fs/btrfs/<uuid>) that has devname among its
 * devices; NULL if none. */
static char *btrfs_uuid_of(struct sysroot *sr, char **uuids, const char *devname) {
        for (char **u = uuids; u && *u; u++) {
                _cleanup_free_ char *rel = xasprintf("fs/btrfs/%s/devices/%s", *u, devname);
                if (valid_component(*u) && sysroot_exists(sr, SR_SYS, rel))
                        return xstrdup(*u);
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

static void collect_btrfs(struct sysroot *sr, struct facts *f, struct fs_facts *m, char **uuids,
                          const char *devname) {
        _cleanup_free_ char *link = NULL, *rel = NULL;
        const char *b;

        if (!devname)
                return;
        free(m->uuid);
        m->uuid = btrfs_uuid_of(sr, uuids, devname);
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

void facts_collect_mounts(struct sysroot *sr, struct facts *f) {
        _cleanup_free_ char *text = NULL;
        _cleanup_strv_ char **btrfs_uuids = NULL;
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

        (void) sysroot_list_dir(sr, SR_SYS, "fs/btrfs", &btrfs_uuids);
        for (size_t i = 0; i < n; i++) {
                struct fs_facts *m = &arr[i];
                _cleanup_free_ char *devname = source_devname(sr, f, m->source);
                struct partition_facts *p = NULL;
                struct disk_facts *d = devname ? facts_find_dev(f, devname, &p) : NULL;

                if (!d && !startswith(m->majmin, "0:")) {
                        /* "<dev>/root" and other names that are no node:
                         * the device number of a block-backed mount is real. */
                        free(devname);
                        devname = devname_of_majmin(sr, m->majmin);
                        d = devname ? facts_find_dev(f, devname, &p) : NULL;
                }

                if (m->fstype && streq(m->fstype, "btrfs"))
                        collect_btrfs(sr, f, m, btrfs_uuids, devname);
                else if (d || (m->majmin && !startswith(m->majmin, "0:")))
                        /* Major 0 is an anonymous device (proc, tmpfs,
                         * cgroup...): no disk, no BDI worth a look-up. */
                        collect_block_bdi(sr, f, m, d);
                if (d)
                        link_to_device(m, d, p);
        }
}
