/* SPDX-License-Identifier: MIT */
/*
 * Kernel attribute files: block queue attributes, BDI attributes, and
 * generic sysfs paths.
 *
 *   block:DEV:ATTR   sys/block/DEV/queue/ATTR (disks only: partitions
 *                    have no queue/)
 *   bdi:NAME:ATTR    sys/class/bdi/NAME/ATTR (NAME "btrfs-3", "254:0")
 *   bdi:/MP:ATTR     the BDI of the btrfs mounted at MP, found through
 *                    sys/fs/btrfs/FSID/{devices/DEV,bdi}: btrfs has its own
 *                    BDI whose number changes every mount, so a plan
 *                    names the mountpoint and we resolve it each time.
 *   sysfs:/sys/PATH  any attribute below /sys, canonicalised inside the
 *                    root; must still be below /sys after symlinks.
 *
 * Choice attributes ("[mq-deadline] none", "always [madvise] never") read
 * as the active choice only.
 */
#include <errno.h>

#include "knobs/knob-internal.h"

/* "a [b] c" -> "b"; no brackets -> the whole (collapsed) value. */
static char *active_choice(char *v) {
        char *open = strchr(v, '['), *close = open ? strchr(open, ']') : NULL;
        if (open && close) {
                char *s = xstrndup(open + 1, (size_t) (close - open - 1));
                free(v);
                return s;
        }
        return v;
}

static int read_choice_attr(struct sysroot *sr, enum sr_base base, const char *rel, char **ret) {
        char *v;
        int r = knob_read_attr(sr, base, rel, &v);
        if (r < 0)
                return r;
        *ret = active_choice(v);
        return 0;
}

static int normalize_ws(const char *key, const char *value, char **ret) {
        (void) key;
        *ret = knob_collapse_ws(value);
        return 0;
}

/* ---- block ---- */

static const char *const block_attrs[] = {
        "scheduler", "read_ahead_kb", "nomerges",  "rotational", "max_sectors_kb",
        "nr_requests", "rq_affinity", "add_random", "iostats",   "wbt_lat_usec",
};

static int block_parse(const char *key, char **ret_dev, char **ret_attr) {
        _cleanup_free_ char *dev = NULL, *attr = NULL;
        bool ok = false;
        int r = knob_key_split_last(key, &dev, &attr);

        if (r < 0)
                return r;
        if (strchr(dev, ':') || !knob_name_is_safe(dev, false))
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(block_attrs); i++)
                ok = ok || streq(attr, block_attrs[i]);
        if (!ok)
                return -EINVAL;
        if (ret_dev)
                *ret_dev = TAKE_PTR(dev);
        if (ret_attr)
                *ret_attr = TAKE_PTR(attr);
        return 0;
}

static int block_validate(const char *key) {
        return block_parse(key, NULL, NULL);
}

static int block_read(struct sysroot *sr, const char *key, char **ret) {
        _cleanup_free_ char *dev = NULL, *attr = NULL, *rel = NULL;
        int r = block_parse(key, &dev, &attr);
        if (r < 0)
                return r;
        rel = xasprintf("block/%s/queue/%s", dev, attr);
        return read_choice_attr(sr, SR_SYS, rel, ret);
}

static int block_write(struct sysroot *sr, const char *key, const char *value) {
        _cleanup_free_ char *dev = NULL, *attr = NULL, *rel = NULL;
        int r = block_parse(key, &dev, &attr);
        if (r < 0)
                return r;
        rel = xasprintf("block/%s/queue/%s", dev, attr);
        return knob_write_attr(sr, SR_SYS, rel, value);
}

const struct knob_kind knob_kind_block = {
        .group = "block",
        .validate = block_validate,
        .read = block_read,
        .write = block_write,
        .normalize = normalize_ws,
        .runtime = true,
        .persist = "udev",
};

/* ---- bdi ---- */

static const char *const bdi_attrs[] = {
        "read_ahead_kb", "min_ratio", "max_ratio", "min_bytes", "max_bytes", "strict_limit",
};

static bool bdi_name_is_safe(const char *s) {
        /* "btrfs-3", "254:0", "7:0-fuseblk": name chars plus ':' */
        _cleanup_free_ char *t = xstrdup(s);
        for (char *p = t; *p; p++)
                if (*p == ':')
                        *p = '_';
        return knob_name_is_safe(t, false);
}

static int bdi_parse(const char *key, char **ret_name, char **ret_attr) {
        _cleanup_free_ char *name = NULL, *attr = NULL;
        bool ok = false;
        int r = knob_key_split_last(key, &name, &attr);

        if (r < 0)
                return r;
        if (name[0] == '/' ? !knob_path_is_safe(name) : !bdi_name_is_safe(name))
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(bdi_attrs); i++)
                ok = ok || streq(attr, bdi_attrs[i]);
        if (!ok)
                return -EINVAL;
        if (ret_name)
                *ret_name = TAKE_PTR(name);
        if (ret_attr)
                *ret_attr = TAKE_PTR(attr);
        return 0;
}

/* sys path (relative to SR_SYS) of the BDI directory of the btrfs at mp. */
static int btrfs_bdi_dir(struct sysroot *sr, const char *mp, char **ret) {
        _cleanup_(knob_mount_done) struct knob_mount m = {};
        _cleanup_strv_ char **fsids = NULL;
        _cleanup_free_ char *devname = NULL;
        const char *dev;
        int r;

        r = knob_mount_find(sr, mp, &m);
        if (r < 0)
                return r;
        if (!streq(m.fstype, "btrfs"))
                return -EMEDIUMTYPE;
        dev = startswith(m.source, sysroot_base_prefix(SR_DEV));
        if (!dev || *dev != '/')
                return -ENODEV;
        {
                /* /dev/mapper/x -> /dm-0: sys/fs/btrfs lists kernel names. */
                _cleanup_free_ char *canon = NULL;
                if (sysroot_realpath(sr, SR_DEV, dev + 1, &canon) == 0 && canon[0] == '/' && !strchr(canon + 1, '/'))
                        devname = xstrdup(canon + 1);
                else
                        devname = xstrdup(strrchr(dev, '/') + 1);
        }
        r = sysroot_list_dir(sr, SR_SYS, "fs/btrfs", &fsids);
        if (r < 0)
                return r == -ENOENT ? -ENODEV : r;
        for (char **f = fsids; *f; f++) {
                _cleanup_free_ char *d = xasprintf("fs/btrfs/%s/devices/%s", *f, devname);
                if (knob_name_is_safe(*f, false) && sysroot_exists(sr, SR_SYS, d)) {
                        *ret = xasprintf("fs/btrfs/%s/bdi", *f);
                        return 0;
                }
        }
        return -ENODEV;
}

static int bdi_rel(struct sysroot *sr, const char *key, char **ret) {
        _cleanup_free_ char *name = NULL, *attr = NULL, *dir = NULL;
        int r = bdi_parse(key, &name, &attr);
        if (r < 0)
                return r;
        if (name[0] == '/') {
                r = btrfs_bdi_dir(sr, name, &dir);
                if (r < 0)
                        return r;
        } else
                dir = xasprintf("class/bdi/%s", name);
        *ret = xasprintf("%s/%s", dir, attr);
        return 0;
}

static int bdi_validate(const char *key) {
        return bdi_parse(key, NULL, NULL);
}

static int bdi_read(struct sysroot *sr, const char *key, char **ret) {
        _cleanup_free_ char *rel = NULL;
        int r = bdi_rel(sr, key, &rel);
        if (r < 0)
                return r;
        return knob_read_attr(sr, SR_SYS, rel, ret);
}

static int bdi_write(struct sysroot *sr, const char *key, const char *value) {
        _cleanup_free_ char *rel = NULL;
        int r = bdi_rel(sr, key, &rel);
        if (r < 0)
                return r;
        return knob_write_attr(sr, SR_SYS, rel, value);
}

const struct knob_kind knob_kind_bdi = {
        .group = "bdi",
        .validate = bdi_validate,
        .read = bdi_read,
        .write = bdi_write,
        .normalize = normalize_ws,
        .runtime = true,
        .persist = "udev",
};

/* ---- sysfs ---- */

static int sysfs_validate(const char *key) {
        const char *rest = startswith(key, sysroot_base_prefix(SR_SYS));
        if (!rest || rest[0] != '/' || !rest[1] || !knob_path_is_safe(key))
                return -EINVAL;
        return 0;
}

/* Canonical path below the root; -EPERM when symlinks lead out of /sys. */
static int sysfs_canonical(struct sysroot *sr, const char *key, char **ret) {
        _cleanup_free_ char *canon = NULL;
        const char *rest;
        int r = sysfs_validate(key);

        if (r < 0)
                return r;
        r = sysroot_realpath(sr, SR_ROOT, key, &canon);
        if (r < 0)
                return r;
        rest = startswith(canon, sysroot_base_prefix(SR_SYS));
        if (!rest || rest[0] != '/' || !knob_path_is_safe(canon))
                return -EPERM;
        *ret = TAKE_PTR(canon);
        return 0;
}

static int sysfs_read(struct sysroot *sr, const char *key, char **ret) {
        _cleanup_free_ char *p = NULL;
        int r = sysfs_canonical(sr, key, &p);
        if (r < 0)
                return r;
        return read_choice_attr(sr, SR_ROOT, p, ret);
}

static int sysfs_write(struct sysroot *sr, const char *key, const char *value) {
        _cleanup_free_ char *p = NULL;
        int r = sysfs_canonical(sr, key, &p);
        if (r < 0)
                return r;
        return knob_write_attr(sr, SR_ROOT, p, value);
}

const struct knob_kind knob_kind_sysfs = {
        .group = "sysfs",
        .validate = sysfs_validate,
        .read = sysfs_read,
        .write = sysfs_write,
        .normalize = normalize_ws,
        .runtime = true,
        .persist = "tmpfiles.d",
};
