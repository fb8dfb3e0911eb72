/* SPDX-License-Identifier: MIT */
/*
 * Per-inode btrfs settings (KNOWLEDGE.md "the real mechanisms"):
 *
 *   attr:PATH:nocow         FS_NOCOW_FL via FS_IOC_{GET,SET}FLAGS ("chattr
 *                           +C"), "on" | "off". Only new files inherit it and
 *                           the ioctl silently ignores non-empty files, so
 *                           setting it on a non-empty directory is refused
 *                           (-ENOTEMPTY) rather than "succeeding" uselessly.
 *                           Clearing is always allowed (rollback needs it).
 *   prop:PATH:compression   xattr "btrfs.compression" (what "btrfs property
 *                           set PATH compression zstd" does). Absent is its
 *                           own state (-ENODATA on read, NULL write removes
 *                           it): "none" is a value that forbids compression,
 *                           absent means "follow the mount option".
 *
 * PATH is opened inside the root with O_NOFOLLOW: a symlink is refused. The
 * ioctl/xattr writes happen only on the live machine.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "knobs/knob-internal.h"

#define PROP_XATTR "btrfs.compression"

static int inode_parse(const char *key, const char *want_attr, char **ret_path) {
        _cleanup_free_ char *path = NULL, *attr = NULL;
        int r = knob_key_split_last(key, &path, &attr);

        if (r < 0)
                return r;
        if (!knob_path_is_safe(path) || !streq(attr, want_attr))
                return -EINVAL;
        if (ret_path)
                *ret_path = TAKE_PTR(path);
        return 0;
}

static int open_inode(struct sysroot *sr, const char *path) {
        return sysroot_openat(sr, SR_ROOT, path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 0);
}

/* ---- attr ---- */

static int attr_validate(const char *key) {
        return inode_parse(key, "nocow", NULL);
}

static int get_flags(int fd, int *ret) {
        int flags = 0;
        /* The kernel reads and writes an int, whatever the _IOR says. */
        if (ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0)
                return errno == ENOTTY ? -EOPNOTSUPP : -errno;
        *ret = flags;
        return 0;
}

static int attr_read(struct sysroot *sr, const char *key, char **ret) {
        _cleanup_free_ char *path = NULL;
        int fd, flags = 0, r;

        r = inode_parse(key, "nocow", &path);
        if (r < 0)
                return r;
        fd = open_inode(sr, path);
        if (fd < 0)
                return fd;
        r = get_flags(fd, &flags);
        close(fd);
        if (r < 0)
                return r;
        *ret = xstrdup(flags & FS_NOCOW_FL ? "on" : "off");
        return 0;
}

static int dir_is_empty(int fd) {
        struct dirent *de;
        int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d;
        int r = 1;

        if (dfd < 0)
                return -errno;
        d = fdopendir(dfd);
        if (!d) {
                close(dfd);
                return -errno;
        }
        while ((de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, "..")) {
                        r = 0;
                        break;
                }
        closedir(d);
        return r;
}

static int attr_normalize(const char *key, const char *value, char **ret) {
        (void) key;
        if (streq(value, "on") || streq(value, "+C") || streq(value, "yes") || streq(value, "true") || streq(value, "1"))
                *ret = xstrdup("on");
        else if (streq(value, "off") || streq(value, "-C") || streq(value, "no") || streq(value, "false") ||
                 streq(value, "0"))
                *ret = xstrdup("off");
        else
                return -EINVAL;
        return 0;
}

static int attr_write(struct sysroot *sr, const char *key, const char *value) {
        _cleanup_free_ char *path = NULL, *v = NULL;
        struct stat st;
        int fd, flags = 0, nflags, r;

        if (!value)
                return -EINVAL;
        r = inode_parse(key, "nocow", &path);
        if (r < 0)
                return r;
        r = attr_normalize(key, value, &v);
        if (r < 0)
                return r;
        if (!sysroot_is_live(sr))
                return -EOPNOTSUPP;
        fd = open_inode(sr, path);
        if (fd < 0)
                return fd;
        r = get_flags(fd, &flags);
        if (r < 0)
                goto out;
        nflags = streq(v, "on") ? (flags | FS_NOCOW_FL) : (flags & ~FS_NOCOW_FL);
        if (nflags == flags)
                goto out;
        if (fstat(fd, &st) < 0) {
                r = -errno;
                goto out;
        }
        if (nflags & FS_NOCOW_FL) {
                if (S_ISDIR(st.st_mode)) {
                        r = dir_is_empty(fd);
                        if (r == 0)
                                r = -ENOTEMPTY;
                        if (r < 0)
                                goto out;
                        r = 0;
                } else if (!S_ISREG(st.st_mode)) {
                        r = -EINVAL;
                        goto out;
                } else if (st.st_size > 0) {
                        r = -ENOTEMPTY;
                        goto out;
                }
        }
        if (ioctl(fd, FS_IOC_SETFLAGS, &nflags) < 0)
                r = errno == ENOTTY ? -EOPNOTSUPP : -errno;
out:
        close(fd);
        return r;
}

static char *attr_describe(const struct facts *f, const char *knob, const char *key, const char *path,
                           const char *want, const char *now) {
        const char *c = strrchr(key, ':');
        (void) f, (void) path;
        return xasprintf("would set the no-COW attribute (chattr +C) on %.*s to '%s' (%s, now '%s')", (int) (c - key),
                         key, want, knob, now);
}

const struct knob_kind knob_kind_attr = {
        .group = "attr",
        .grammar = "attr:/DIR:nocow",
        .summary = "no-COW (chattr +C) on an empty directory",
        .describe = attr_describe,
        .persist_to = (const char *const[]) { "nixos", NULL },
        .validate = attr_validate,
        .read = attr_read,
        .write = attr_write,
        .normalize = attr_normalize,
        .runtime = true,
        .persist = "systemd",
};

/* ---- prop ---- */

static int prop_validate(const char *key) {
        return inode_parse(key, "compression", NULL);
}

static int prop_read(struct sysroot *sr, const char *key, char **ret) {
        _cleanup_free_ char *path = NULL;
        char buf[256];
        ssize_t n;
        int fd, r;

        r = inode_parse(key, "compression", &path);
        if (r < 0)
                return r;
        fd = open_inode(sr, path);
        if (fd < 0)
                return fd;
        n = fgetxattr(fd, PROP_XATTR, buf, sizeof buf - 1);
        r = n < 0 ? -errno : 0;
        close(fd);
        if (r == -ENOTSUP)
                r = -EOPNOTSUPP;
        if (r < 0)
                return r; /* -ENODATA: not set */
        buf[n] = '\0';
        *ret = xstrdup(buf);
        return 0;
}

static int prop_normalize(const char *key, const char *value, char **ret) {
        size_t n = strlen(value);
        (void) key;
        if (n == 0 || n > 32)
                return -EINVAL;
        for (const char *p = value; *p; p++)
                if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == ':' || *p == '-'))
                        return -EINVAL;
        *ret = xstrdup(value);
        return 0;
}

static int prop_write(struct sysroot *sr, const char *key, const char *value) {
        _cleanup_free_ char *path = NULL;
        int fd, r;

        r = inode_parse(key, "compression", &path);
        if (r < 0)
                return r;
        if (value) {
                _cleanup_free_ char *v = NULL;
                r = prop_normalize(key, value, &v);
                if (r < 0)
                        return r;
        }
        if (!sysroot_is_live(sr))
                return -EOPNOTSUPP;
        fd = open_inode(sr, path);
        if (fd < 0)
                return fd;
        if (value)
                r = fsetxattr(fd, PROP_XATTR, value, strlen(value), 0) < 0 ? -errno : 0;
        else {
                r = fremovexattr(fd, PROP_XATTR) < 0 ? -errno : 0;
                if (r == -ENODATA)
                        r = 0;
        }
        close(fd);
        return r == -ENOTSUP ? -EOPNOTSUPP : r;
}

static char *prop_describe(const struct facts *f, const char *knob, const char *key, const char *path,
                           const char *want, const char *now) {
        const char *c = strrchr(key, ':');
        (void) f, (void) path;
        return xasprintf("would set the xattr btrfs.%s of %.*s to '%s' (%s, now '%s')", c + 1, (int) (c - key), key,
                         want, knob, now);
}

const struct knob_kind knob_kind_prop = {
        .group = "prop",
        .grammar = "prop:/DIR:compression",
        .summary = "btrfs compression property of a directory (new files)",
        .describe = prop_describe,
        .persist_to = (const char *const[]) { "nixos", NULL },
        .validate = prop_validate,
        .read = prop_read,
        .write = prop_write,
        .normalize = prop_normalize,
        .runtime = true,
        .persist = "systemd",
};
