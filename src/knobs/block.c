/* SPDX-License-Identifier: MIT */
/*
 * Kernel attribute files: block queue attributes, BDI attributes, and
 * the generic sysfs kind is in sysfs.c.
 *
 *   block:DEV:ATTR   sys/block/DEV/queue/ATTR (disks only: partitions
 *                    have no queue/)
 *   bdi:NAME:ATTR    sys/class/bdi/NAME/ATTR (NAME "btrfs-3", "254:0")
 *   bdi:/MP:ATTR     the BDI of the btrfs mounted at MP, found through
 *                    sys/fs/btrfs/FSID/{devices/DEV,bdi}: btrfs has its own
 *                    BDI whose number changes every mount, so a plan
 *                    names the mountpoint and we resolve it each time.
 *
 * Choice attributes ("[mq-deadline] none", "always [madvise] never") read
 * as the active choice only.
 */
#include <errno.h>

#include "facts/facts.h"
#include "knobs/knob-internal.h"
#include "plan/plan-internal.h"

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

int knob_read_choice_attr(struct sysroot *sr, enum sr_base base, const char *rel, char **ret) {
        char *v;
        int r = knob_read_attr(sr, base, rel, &v);
        if (r < 0)
                return r;
        *ret = active_choice(v);
        return 0;
}

int knob_normalize_ws(const char *key, const char *value, char **ret) {
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
        return knob_read_choice_attr(sr, SR_SYS, rel, ret);
}

static int block_write(struct sysroot *sr, const char *key, const char *value) {
        _cleanup_free_ char *dev = NULL, *attr = NULL, *rel = NULL;
        int r = block_parse(key, &dev, &attr);
        if (r < 0)
                return r;
        rel = xasprintf("block/%s/queue/%s", dev, attr);
        return knob_write_attr(sr, SR_SYS, rel, value);
}

static char *block_path(const struct facts *f, const char *key) {
        const char *c = strrchr(key, ':');
        _cleanup_free_ char *rel = NULL;
        (void) f;
        if (!c)
                return NULL;
        rel = xasprintf("block/%.*s/queue/%s", (int) (c - key), key, c + 1);
        return sysroot_display_path(SR_SYS, rel);
}

static const struct knob_unit block_units[] = {
        { "disk", plan_unit_disk, false },
        {},
};

const struct knob_kind knob_kind_block = {
        .group = "block",
        .grammar = "block:DISK:ATTR",
        .summary = "block queue attributes of a disk (sys/block/DISK/queue)",
        .units = block_units,
        .path = block_path,
        .persist_to = (const char *const[]) { "udev", "nixos", "tuned", NULL },
        .validate = block_validate,
        .read = block_read,
        .write = block_write,
        .normalize = knob_normalize_ws,
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

static char *bdi_path(const struct facts *f, const char *key) {
        const char *c = strrchr(key, ':');
        _cleanup_free_ char *name = NULL, *rel = NULL;
        const char *bdi;

        if (!c)
                return NULL;
        name = xstrndup(key, (size_t) (c - key));
        bdi = name;
        if (name[0] == '/') {
                const struct fs_facts *m = f ? facts_find_mount(f, name) : NULL;
                if (!m || !m->bdi)
                        return NULL;
                bdi = m->bdi;
        }
        rel = xasprintf("class/bdi/%s/%s", bdi, c + 1);
        return sysroot_display_path(SR_SYS, rel);
}

const struct knob_kind knob_kind_bdi = {
        .group = "bdi",
        .grammar = "bdi:NAME|/MOUNTPOINT:ATTR",
        .summary = "backing-device attributes; /MOUNTPOINT names a btrfs's own BDI",
        .path = bdi_path,
        .persist_to = (const char *const[]) { "nixos", NULL },
        .validate = bdi_validate,
        .read = bdi_read,
        .write = bdi_write,
        .normalize = knob_normalize_ws,
        .runtime = true,
        .persist = "systemd",
};
