/* SPDX-License-Identifier: MIT */
/*
 * mount:MP:OPTION — btrfs filesystem-wide options (KNOWLEDGE.md: compress,
 * autodefrag, ssd... are per superblock, not per subvolume mount).
 *
 * Written with the new mount API: fspick(MP) + fsconfig(option) +
 * FSCONFIG_CMD_RECONFIGURE. This reconfigures only the superblock and
 * keeps every other option (btrfs starts a reconfigure from the current
 * options) and every per-mount flag: unlike mount(2) with MS_REMOUNT, it
 * cannot reset nosuid/noatime of the mount or flip ro/rw by omission.
 *
 * Read back from mountinfo super options (after " - "):
 *   compress    "zstd:1" | "lzo" | "no" | "force:zstd:3" (compress-force)
 *   autodefrag, ssd, ssd_spread, nodatacow, nodatasum, flushoncommit
 *               "on" | "off"
 *   discard     "sync" | "async" | "off"
 *   commit      seconds ("30" when the kernel default is in effect)
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include "knobs/knob-internal.h"
#include "plan/plan-internal.h"

/* ---- mountinfo ---- */

void knob_mount_done(struct knob_mount *m) {
        free(m->mountpoint);
        free(m->mount_opts);
        free(m->fstype);
        free(m->source);
        free(m->super_opts);
        *m = (struct knob_mount) {};
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static char *unescape_octal(const char *s) {
        char *out = xmalloc(strlen(s) + 1), *o = out;
        while (*s) {
                if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
                    s[3] <= '7') {
                        *o++ = (char) (((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
                        s += 4;
                } else
                        *o++ = *s++;
        }
        *o = '\0';
        return out;
}

static int parse_mountinfo_line(const char *line, struct knob_mount *ret) {
        _cleanup_strv_ char **f = strv_split(line, " \t");
        size_t n = strv_length(f), dash = 0;

        for (size_t i = 6; i < n; i++)
                if (streq(f[i], "-")) {
                        dash = i;
                        break;
                }
        if (dash == 0 || dash + 3 >= n)
                return -EINVAL;
        ret->mountpoint = unescape_octal(f[4]);
        ret->mount_opts = xstrdup(f[5]);
        ret->fstype = unescape_octal(f[dash + 1]);
        ret->source = unescape_octal(f[dash + 2]);
        ret->super_opts = xstrdup(f[dash + 3]);
        return 0;
}

int knob_mount_find(struct sysroot *sr, const char *path, struct knob_mount *ret) {
        _cleanup_free_ char *buf = NULL;
        struct knob_mount found = {};
        bool have = false;
        char *save = NULL;
        int r;

        r = sysroot_read_file(sr, SR_PROC, "self/mountinfo", 0, &buf, NULL, NULL);
        if (r < 0)
                return r;
        for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                struct knob_mount m = {};
                if (parse_mountinfo_line(line, &m) < 0)
                        continue;
                if (streq(m.mountpoint, path)) {
                        /* Later lines are mounted on top of earlier ones. */
                        knob_mount_done(&found);
                        found = m;
                        have = true;
                } else
                        knob_mount_done(&m);
        }
        if (!have)
                return -ENOENT;
        *ret = found;
        return 0;
}

int knob_opt_get(const char *opts, const char *name, char **ret_value) {
        size_t l = strlen(name);
        for (const char *p = opts; p && *p;) {
                size_t n = strcspn(p, ",");
                if (n >= l && strncmp(p, name, l) == 0 && (n == l || p[l] == '=')) {
                        if (ret_value)
                                *ret_value = n == l ? NULL : xstrndup(p + l + 1, n - l - 1);
                        return 1;
                }
                p += n;
                if (*p == ',')
                        p++;
        }
        return 0;
}

/* ---- the options ---- */

enum opt_type { OPT_BOOL, OPT_COMPRESS, OPT_DISCARD, OPT_COMMIT };

struct mount_opt {
        const char *name;
        enum opt_type type;
        const char *on, *off; /* fsconfig flag names for OPT_BOOL */
        const char *also_on;  /* another option that implies this one */
};

static const struct mount_opt mount_opts[] = {
        { "compress", OPT_COMPRESS },
        { "autodefrag", OPT_BOOL, "autodefrag", "noautodefrag" },
        { "ssd", OPT_BOOL, "ssd", "nossd", "ssd_spread" },
        { "ssd_spread", OPT_BOOL, "ssd_spread", "nossd_spread" },
        { "nodatacow", OPT_BOOL, "nodatacow", "datacow" },
        { "nodatasum", OPT_BOOL, "nodatasum", "datasum" },
        { "flushoncommit", OPT_BOOL, "flushoncommit", "noflushoncommit" },
        { "discard", OPT_DISCARD },
        { "commit", OPT_COMMIT },
};

static int mount_parse(const char *key, char **ret_mp, const struct mount_opt **ret_opt) {
        _cleanup_free_ char *mp = NULL, *opt = NULL;
        int r = knob_key_split_last(key, &mp, &opt);

        if (r < 0)
                return r;
        if (!knob_path_is_safe(mp))
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(mount_opts); i++)
                if (streq(opt, mount_opts[i].name)) {
                        if (ret_mp)
                                *ret_mp = TAKE_PTR(mp);
                        if (ret_opt)
                                *ret_opt = &mount_opts[i];
                        return 0;
                }
        return -EINVAL;
}

static int mount_validate(const char *key) {
        return mount_parse(key, NULL, NULL);
}

/* The mount at mp, which must be btrfs: these are btrfs options. */
static int find_btrfs_mount(struct sysroot *sr, const char *mp, struct knob_mount *ret) {
        int r = knob_mount_find(sr, mp, ret);
        if (r < 0)
                return r;
        return streq(ret->fstype, "btrfs") ? 0 : -EMEDIUMTYPE;
}

static int mount_read(struct sysroot *sr, const char *key, char **ret) {
        _cleanup_(knob_mount_done) struct knob_mount m = {};
        _cleanup_free_ char *mp = NULL, *v = NULL;
        const struct mount_opt *o;
        int r;

        r = mount_parse(key, &mp, &o);
        if (r < 0)
                return r;
        r = find_btrfs_mount(sr, mp, &m);
        if (r < 0)
                return r;
        switch (o->type) {
        case OPT_BOOL:
                *ret = xstrdup(knob_opt_get(m.super_opts, o->on, NULL) ||
                                               (o->also_on && knob_opt_get(m.super_opts, o->also_on, NULL))
                                       ? "on"
                                       : "off");
                return 0;
        case OPT_COMPRESS:
                if (knob_opt_get(m.super_opts, "compress-force", &v) && v)
                        *ret = xasprintf("force:%s", v);
                else if (knob_opt_get(m.super_opts, "compress", &v) && v)
                        *ret = TAKE_PTR(v);
                else
                        *ret = xstrdup("no");
                return 0;
        case OPT_DISCARD:
                if (!knob_opt_get(m.super_opts, "discard", &v))
                        *ret = xstrdup("off");
                else
                        *ret = xstrdup(v ? v : "sync");
                return 0;
        case OPT_COMMIT:
                *ret = knob_opt_get(m.super_opts, "commit", &v) && v ? TAKE_PTR(v) : xstrdup("30");
                return 0;
        }
        return -EINVAL;
}

static int bool_value(const char *v) {
        static const char *const yes[] = { "on", "yes", "true", "1" }, *const no[] = { "off", "no", "false", "0" };
        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                if (streq(v, yes[i]))
                        return 1;
                if (streq(v, no[i]))
                        return 0;
        }
        return -EINVAL;
}

static int compress_normalize(const char *value, char **ret) {
        _cleanup_free_ char *v = knob_collapse_ws(value);
        const char *algo = v;
        bool force = false;

        for (char *p = v; *p; p++)
                *p = (char) tolower((unsigned char) *p);
        if (startswith(v, "force:")) {
                force = true;
                algo = v + 6;
        }
        if (!force && (streq(algo, "no") || streq(algo, "none") || streq(algo, "off") || streq(algo, "false"))) {
                *ret = xstrdup("no");
                return 0;
        }
        if (streq(algo, "zstd") || streq(algo, "zlib") || streq(algo, "on") || streq(algo, "yes") ||
            streq(algo, "true")) {
                /* btrfs shows the default level (3) explicitly; "compress"
                 * alone means zlib. */
                const char *a = streq(algo, "zstd") ? "zstd" : "zlib";
                *ret = xasprintf("%s%s:3", force ? "force:" : "", a);
                return 0;
        }
        {
                size_t n = strcspn(algo, ":");
                _cleanup_free_ char *name = xstrndup(algo, n);
                if (!streq(name, "zstd") && !streq(name, "zlib") && !streq(name, "lzo"))
                        return -EINVAL;
                if (algo[n]) {
                        unsigned lvl;
                        if (streq(name, "lzo") || safe_atou(algo + n + 1, &lvl) < 0 || lvl > 99)
                                return -EINVAL;
                }
        }
        *ret = xstrdup(v);
        return 0;
}

static int mount_normalize(const char *key, const char *value, char **ret) {
        const struct mount_opt *o;
        int r = mount_parse(key, NULL, &o);

        if (r < 0)
                return r;
        switch (o->type) {
        case OPT_BOOL:
                r = bool_value(value);
                if (r < 0)
                        return r;
                *ret = xstrdup(r ? "on" : "off");
                return 0;
        case OPT_COMPRESS:
                return compress_normalize(value, ret);
        case OPT_DISCARD:
                if (!streq(value, "sync") && !streq(value, "async") && !streq(value, "off"))
                        return -EINVAL;
                *ret = xstrdup(value);
                return 0;
        case OPT_COMMIT: {
                unsigned s;
                if (safe_atou(value, &s) < 0 || s == 0 || s > 300)
                        return -EINVAL;
                *ret = xasprintf("%u", s);
                return 0;
        }
        }
        return -EINVAL;
}

static int reconfigure(const char *mp, const char *key, const char *string_value) {
        int fd, r = 0;

        fd = fspick(AT_FDCWD, mp, FSPICK_CLOEXEC | FSPICK_NO_AUTOMOUNT | FSPICK_SYMLINK_NOFOLLOW);
        if (fd < 0)
                return -errno;
        if (string_value ? fsconfig(fd, FSCONFIG_SET_STRING, key, string_value, 0) < 0
                         : fsconfig(fd, FSCONFIG_SET_FLAG, key, NULL, 0) < 0)
                r = -errno;
        if (r == 0 && fsconfig(fd, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0) < 0)
                r = -errno;
        close(fd);
        return r;
}

static int mount_write(struct sysroot *sr, const char *key, const char *value) {
        _cleanup_(knob_mount_done) struct knob_mount m = {};
        _cleanup_free_ char *mp = NULL, *v = NULL;
        const struct mount_opt *o;
        int r;

        if (!value)
                return -EINVAL;
        r = mount_parse(key, &mp, &o);
        if (r < 0)
                return r;
        if (!sysroot_is_live(sr))
                return -EOPNOTSUPP;
        r = mount_normalize(key, value, &v);
        if (r < 0)
                return r;
        /* Only a btrfs mountpoint: fspick on a plain directory would pick
         * whatever filesystem holds it. */
        r = find_btrfs_mount(sr, mp, &m);
        if (r < 0)
                return r;
        switch (o->type) {
        case OPT_BOOL:
                return reconfigure(mp, streq(v, "on") ? o->on : o->off, NULL);
        case OPT_COMPRESS: {
                const char *f = startswith(v, "force:");
                return f ? reconfigure(mp, "compress-force", f) : reconfigure(mp, "compress", v);
        }
        case OPT_DISCARD:
                return streq(v, "off") ? reconfigure(mp, "nodiscard", NULL) : reconfigure(mp, "discard", v);
        case OPT_COMMIT:
                return reconfigure(mp, "commit", v);
        }
        return -EINVAL;
}

static char *mount_describe(const struct facts *f, const char *knob, const char *key, const char *path,
                            const char *want, const char *now) {
        const char *c = strrchr(key, ':');
        (void) f, (void) path;
        return xasprintf("would remount %.*s with btrfs option %s='%s' (%s, now '%s')", (int) (c - key), key, c + 1,
                         want, knob, now);
}

static const struct knob_unit mount_units[] = {
        { "btrfs", plan_unit_btrfs, true },
        {},
};

const struct knob_kind knob_kind_mount = {
        .group = "mount",
        .grammar = "mount:/MOUNTPOINT:OPTION",
        .summary = "btrfs mount options (filesystem-wide ones through the first mount; remount)",
        .units = mount_units,
        .describe = mount_describe,
        .persist_to = (const char *const[]) { "fstab", "disko", "nixos", NULL },
        .validate = mount_validate,
        .read = mount_read,
        .write = mount_write,
        .normalize = mount_normalize,
        .runtime = true,
        .persist = "fstab",
};
