/* SPDX-License-Identifier: MIT */
/*
 * Knob ID dispatch and what every kind shares: read back after write,
 * snapshot IDs for the journal, the risky list, path and name checks.
 */
#include "knobs/knob.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "knobs/knob-internal.h"
#include "util.h"

#include "knobs/knob-kinds.h"

/* The registry: generated from src/knobs/meson.build, the one list. */
#define X(name) extern const struct knob_kind knob_kind_##name;
KNOB_KINDS(X)
#undef X
#define X(name) &knob_kind_##name,
static const struct knob_kind *const kinds[] = { KNOB_KINDS(X) };
#undef X

const struct knob_kind *const *knob_kinds(size_t *ret_n) {
        *ret_n = ELEMENTSOF(kinds);
        return kinds;
}

const struct knob_kind *knob_kind_by_group(const char *group) {
        for (size_t i = 0; group && i < ELEMENTSOF(kinds); i++)
                if (streq(kinds[i]->group, group))
                        return kinds[i];
        return NULL;
}

const struct knob_unit *knob_unit_for_type(const char *type, const struct knob_kind **ret_kind) {
        for (size_t i = 0; type && i < ELEMENTSOF(kinds); i++)
                for (const struct knob_unit *u = kinds[i]->units; u && u->type; u++)
                        if (streq(u->type, type)) {
                                if (ret_kind)
                                        *ret_kind = kinds[i];
                                return u;
                        }
        return NULL;
}

bool knob_kind_persists_to(const struct knob_kind *k, const char *target) {
        for (const char *const *t = k ? k->persist_to : NULL; t && *t; t++)
                if (streq(*t, target))
                        return true;
        return false;
}

char *knob_groups_joined(const char *sep) {
        size_t n = 0;
        for (size_t i = 0; i < ELEMENTSOF(kinds); i++)
                n += strlen(kinds[i]->group) + strlen(sep);
        char *s = xmalloc(n + 1), *p = s;
        *s = '\0';
        for (size_t i = 0; i < ELEMENTSOF(kinds); i++)
                p = stpcpy(stpcpy(p, i ? sep : ""), kinds[i]->group);
        return s;
}

char **knob_groups_persisting_to(const char *target) {
        char **l = xcalloc(1, sizeof(char *));
        for (size_t i = 0; i < ELEMENTSOF(kinds); i++)
                if (knob_kind_persists_to(kinds[i], target))
                        strv_push(&l, kinds[i]->group);
        return l;
}

char *knob_canonical_id(const char *knob_id) {
        const char *path = knob_id ? startswith(knob_id, "sysfs:") : NULL;

        for (size_t i = 0; path && i < ELEMENTSOF(kinds); i++) {
                _cleanup_free_ char *key = kinds[i]->sysfs_alias ? kinds[i]->sysfs_alias(path) : NULL;
                if (key)
                        return xasprintf("%s:%s", kinds[i]->group, key);
        }
        return xstrdup(knob_id);
}

char *knob_path(const struct facts *f, const char *knob_id) {
        const char *key;
        const struct knob_kind *k = knob_kind_for(knob_id, &key);
        return k && k->path ? k->path(f, key) : NULL;
}

static bool force_flag;

void knob_set_force(bool force) {
        force_flag = force;
}

bool knob_get_force(void) {
        return force_flag;
}

/* Knob IDs come from profiles and journals: cap them so a hostile file
 * cannot make paths of unbounded size. */
#define KNOB_ID_MAX 1024

static const struct knob_kind *lookup(const char *knob_id, const char **ret_key) {
        const char *colon;

        if (!knob_id || strlen(knob_id) > KNOB_ID_MAX)
                return NULL;
        colon = strchr(knob_id, ':');
        if (!colon || !colon[1])
                return NULL;
        for (size_t i = 0; i < ELEMENTSOF(kinds); i++) {
                size_t l = strlen(kinds[i]->group);
                if ((size_t) (colon - knob_id) == l && strncmp(knob_id, kinds[i]->group, l) == 0) {
                        *ret_key = colon + 1;
                        return kinds[i];
                }
        }
        return NULL;
}

int knob_validate(const char *knob_id) {
        const struct knob_kind *k;
        const char *key;

        k = lookup(knob_id, &key);
        if (!k)
                return knob_id && strchr(knob_id, ':') ? -EOPNOTSUPP : -EINVAL;
        return k->validate(key) < 0 ? -EINVAL : 0;
}

const struct knob_kind *knob_kind_for(const char *knob_id, const char **ret_key) {
        const struct knob_kind *k;
        const char *key;

        k = lookup(knob_id, &key);
        if (!k || k->validate(key) < 0)
                return NULL;
        if (ret_key)
                *ret_key = key;
        return k;
}

char *knob_group(const char *knob_id) {
        return xstrndup(knob_id, strcspn(knob_id, ":"));
}

int knob_read(struct sysroot *sr, const char *knob_id, char **ret_value) {
        const char *key;
        const struct knob_kind *k = knob_kind_for(knob_id, &key);

        if (!k)
                return -EINVAL;
        return k->read(sr, key, ret_value);
}

int knob_normalize(const char *knob_id, const char *value, char **ret) {
        const char *key;
        const struct knob_kind *k = knob_kind_for(knob_id, &key);

        if (!k)
                return -EINVAL;
        if (!value) {
                *ret = NULL;
                return 0;
        }
        if (!k->normalize) {
                *ret = xstrdup(value);
                return 0;
        }
        return k->normalize(key, value, ret);
}

int knob_write(struct sysroot *sr, const char *knob_id, const char *value) {
        _cleanup_free_ char *want = NULL, *got = NULL;
        const char *key;
        const struct knob_kind *k = knob_kind_for(knob_id, &key);
        int r;

        if (!k)
                return -EINVAL;
        r = knob_normalize(knob_id, value, &want);
        if (r < 0)
                return r;
        r = k->write(sr, key, want);
        if (r < 0)
                return r;
        /* Read back (systemd sysctl_write_verify): a clamped zstd level, a
         * rounded read_ahead_kb or a nomerges of 7 are all "accepted". */
        r = k->read(sr, key, &got);
        if (r == -ENODATA)
                return want ? -EREMCHG : 0;
        if (r < 0)
                return r;
        return want && streq(got, want) ? 0 : -EREMCHG;
}

int knob_restore(struct sysroot *sr, const char *knob_id, const char *orig) {
        const char *key;
        const struct knob_kind *k = knob_kind_for(knob_id, &key);

        if (!k)
                return -EINVAL;
        return k->restore ? k->restore(sr, key, orig) : k->write(sr, key, orig);
}

int knob_snapshot_ids(const char *knob_id, char ***ret_ids) {
        _cleanup_strv_ char **keys = NULL;
        char **ids = NULL;
        const char *key;
        const struct knob_kind *k = knob_kind_for(knob_id, &key);
        int r;

        if (!k)
                return -EINVAL;
        if (!k->snapshot_keys) {
                *ret_ids = knob_strv_one(knob_id);
                return 0;
        }
        r = k->snapshot_keys(key, &keys);
        if (r < 0)
                return r;
        ids = xcalloc(1, sizeof(char *));
        for (char **s = keys; *s; s++)
                strv_consume(&ids, xasprintf("%s:%s", k->group, *s));
        *ret_ids = ids;
        return 0;
}

/* Sysctls that can run code as root or weaken kernel hardening (the same
 * set sysctl hardening guides lock down). A prefix ends in '.'. */
static const char *const risky_sysctls[] = {
        "kernel.core_pattern",
        "kernel.core_pipe_limit",
        "kernel.modprobe",
        "kernel.modules_disabled",
        "kernel.kptr_restrict",
        "kernel.dmesg_restrict",
        "kernel.yama.",
        "kernel.unprivileged_bpf_disabled",
        "kernel.unprivileged_userns_clone",
        "kernel.kexec_load_disabled",
        "kernel.sysrq",
        "kernel.randomize_va_space",
        "kernel.perf_event_paranoid",
        "kernel.ftrace_enabled",
        "kernel.hotplug",
        "kernel.poweroff_cmd",
        "kernel.io_uring_disabled",
        "kernel.panic",
        "kernel.panic_on_oops",
        "fs.suid_dumpable",
        "fs.protected_",
        "fs.binfmt_misc.",
        "net.core.bpf_jit_harden",
        "net.core.bpf_jit_enable",
        "net.core.bpf_jit_kallsyms",
        "user.max_user_namespaces",
        "vm.mmap_min_addr",
        "dev.tty.ldisc_autoload",
        /* issue 9, finding 12 */
        "dev.tty.legacy_tiocsti",
        "vm.unprivileged_userfaultfd",
        "kernel.usermodehelper.",
        "kernel.panic_on_warn",
        "vm.panic_on_oom",
        "kernel.hung_task_panic",
        "kernel.softlockup_panic",
        "kernel.cad_pid",
        "kernel.apparmor_restrict_unprivileged_userns",
};

/* The allow-list: sysctl areas that are tuning. A sysctl outside them, or
 * inside them but in risky_sysctls, needs --allow-risky. A prefix ends in
 * '.' or '_'. Shown in man/vpstune.8 (ALLOW-LISTS). */
static const char *const tuning_sysctls[] = {
        "vm.",
        "net.core.",
        "net.ipv4.tcp_",
        "net.ipv4.udp_",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.neigh.",
        "net.ipv6.neigh.",
        "net.netfilter.nf_conntrack_",
        "fs.file-max",
        "fs.nr_open",
        "fs.inotify.",
        "fs.aio-max-nr",
        "fs.pipe-max-size",
        "kernel.numa_balancing",
        "kernel.sched_",
        "kernel.pid_max",
        "kernel.threads-max",
        "kernel.shmmax",
        "kernel.shmall",
        "kernel.shmmni",
        "kernel.msgmax",
        "kernel.msgmnb",
        "kernel.msgmni",
        "kernel.sem",
};

/* nix.conf settings a profile may write without --allow-risky: build
 * tuning. Everything else - post-build-hook, trusted-users, substituters,
 * trusted-public-keys, require-sigs, sandbox, build-hook, allowed-users,
 * any key vpstune does not know - is a way to root. */
static const char *const tuning_nix_keys[] = {
        "cores",
        "max-jobs",
        "fsync-metadata",
        "fsync-store-paths",
        "use-sqlite-wal",
        "builders-use-substitutes",
        "auto-optimise-store",
        "keep-outputs",
        "keep-derivations",
        "min-free",
        "max-free",
        "http-connections",
};

static bool in_list(const char *const *list, size_t n, const char *d) {
        for (size_t i = 0; i < n; i++) {
                const char *r = list[i];
                size_t l = strlen(r);
                if (r[l - 1] == '.' || r[l - 1] == '_' ? strncmp(d, r, l) == 0 : streq(d, r))
                        return true;
        }
        return false;
}

/* sysfs areas that are tuning knobs; anything else (power, firmware,
 * module parameters, security) needs --allow-risky. */
static const char *const safe_sysfs_prefixes[] = {
        "/kernel/mm/",
        "/block/",
        "/class/bdi/",
        "/devices/virtual/bdi/",
};

static char *sysctl_dotted(const char *key) {
        /* The risky list is in dotted form; a slash-form key ("kernel/
         * core_pattern") must not slip past it. */
        char *s = xstrdup(key);
        if (strchr(s, '/') && (!strchr(s, '.') || strchr(s, '/') < strchr(s, '.')))
                for (char *p = s; *p; p++)
                        *p = *p == '/' ? '.' : *p == '.' ? '/' : *p;
        return s;
}

bool knob_is_risky(const char *knob_id) {
        const char *key;
        const struct knob_kind *k = knob_kind_for(knob_id, &key);

        if (!k)
                return true; /* unknown is never harmless */
        if (k == &knob_kind_sysctl) {
                _cleanup_free_ char *d = sysctl_dotted(key);
                return in_list(risky_sysctls, ELEMENTSOF(risky_sysctls), d) ||
                       !in_list(tuning_sysctls, ELEMENTSOF(tuning_sysctls), d);
        }
        if (k == &knob_kind_nix) {
                for (size_t i = 0; i < ELEMENTSOF(tuning_nix_keys); i++)
                        if (streq(key, tuning_nix_keys[i]))
                                return false;
                return !startswith(key, "@"); /* "@file": the snapshot, not a setting */
        }
        if (k == &knob_kind_sysfs) {
                const char *rest = startswith(key, sysroot_base_prefix(SR_SYS));
                for (size_t i = 0; rest && i < ELEMENTSOF(safe_sysfs_prefixes); i++)
                        if (startswith(rest, safe_sysfs_prefixes[i]))
                                return false;
                return true;
        }
        return false;
}

/* Where a sysfs attribute really is: the tuning areas by their canonical
 * paths (a block queue attribute, a bdi, /kernel/mm). */
static bool sysfs_canonical_is_tuning(const char *c) {
        const char *b;

        if (startswith(c, "/kernel/mm/") || startswith(c, "/devices/virtual/bdi/"))
                return !strstr(c, "/../");
        if (!startswith(c, "/devices/"))
                return false;
        /* .../block/<disk>/queue/<attr> (also .../queue/iosched/<attr>) */
        for (b = strstr(c, "/block/"); b; b = strstr(b + 1, "/block/")) {
                const char *name = b + 7, *slash = strchr(name, '/');
                if (slash && slash > name && startswith(slash, "/queue/") && slash[7])
                        return true;
        }
        return false;
}

bool knob_is_risky_at(struct sysroot *sr, const char *knob_id) {
        const char *key, *rest;
        const struct knob_kind *k = knob_kind_for(knob_id, &key);
        _cleanup_free_ char *canon = NULL;

        if (knob_is_risky(knob_id))
                return true;
        if (k != &knob_kind_sysfs)
                return false;
        rest = startswith(key, sysroot_base_prefix(SR_SYS));
        /* "/sys/block/sda/device/delete" is under /block/ as written, but
         * the link makes it a SCSI device's delete: judge where it goes. */
        if (!rest || sysroot_realpath(sr, SR_SYS, rest, &canon) < 0)
                return true;
        return !sysfs_canonical_is_tuning(canon);
}

const char *knob_error_hint(const char *knob_id, int error) {
        _cleanup_free_ char *g = knob_id ? knob_group(knob_id) : NULL;

        if (!g)
                return NULL;
        if (error == -EREMCHG)
                return "the kernel accepted the write but holds another value (clamped, rounded or ignored)";
        if (error == -EOPNOTSUPP)
                return "not supported here: syscall-backed knobs need the live machine (not --root), or the filesystem lacks the feature";
        if (streq(g, "prop") && error == -EINVAL)
                return "btrfs refuses a compression property on a no-COW inode";
        if (streq(g, "attr") && error == -ENOTEMPTY)
                return "no-COW only affects new files: set it on an empty directory";
        if (streq(g, "zram") && error == -EBUSY)
                return "the zram swap holds pages or the device is in use; swapoff first or force";
        if (streq(g, "block") && error == -EINVAL)
                return "the device does not offer this value (see the attribute's choices)";
        if ((streq(g, "block") || streq(g, "zram") || streq(g, "bdi")) && (error == -ENOENT || error == -ENODEV))
                return "the device is gone (removed, detached or unplugged)";
        if (streq(g, "sysctl") && error == -ENOENT)
                return "this kernel has no such sysctl";
        if (streq(g, "mount") && error == -EMEDIUMTYPE)
                return "not a btrfs mount";
        return NULL;
}

/* ---- helpers shared by the kinds ---- */

int knob_key_split_last(const char *key, char **ret_path, char **ret_attr) {
        const char *c = strrchr(key, ':');

        if (!c || c == key || !c[1])
                return -EINVAL;
        *ret_path = xstrndup(key, (size_t) (c - key));
        *ret_attr = xstrdup(c + 1);
        return 0;
}

bool knob_path_is_safe(const char *path) {
        size_t n = strlen(path);

        if (path[0] != '/' || n >= PATH_MAX)
                return false;
        for (const char *p = path; *p; p++)
                if ((unsigned char) *p < 0x20 || *p == 0x7f)
                        return false;
        for (const char *p = path + 1; *p;) {
                size_t l = strcspn(p, "/");
                if (l == 0)
                        return false; /* "//" */
                if ((l == 1 && p[0] == '.') || (l == 2 && p[0] == '.' && p[1] == '.'))
                        return false;
                p += l;
                if (*p == '/') {
                        p++;
                        if (!*p)
                                return false; /* trailing slash */
                }
        }
        return true;
}

bool knob_name_is_safe(const char *s, bool allow_upper) {
        size_t n = strlen(s);

        if (n == 0 || n > 64 || s[0] == '-' || s[0] == '_' || s[0] == '.')
                return false;
        for (const char *p = s; *p; p++) {
                unsigned char c = (unsigned char) *p;
                if (islower(c) || isdigit(c) || (allow_upper && isupper(c)))
                        continue;
                if (c == '-' || c == '_')
                        continue;
                return false;
        }
        return true;
}

char *knob_collapse_ws(const char *s) {
        char *out = xmalloc(strlen(s) + 1), *o = out;
        bool space = false;

        for (; *s; s++) {
                if (isspace((unsigned char) *s)) {
                        space = o != out;
                        continue;
                }
                if (space)
                        *o++ = ' ';
                space = false;
                *o++ = *s;
        }
        *o = '\0';
        return out;
}

int knob_read_attr(struct sysroot *sr, enum sr_base base, const char *rel, char **ret) {
        _cleanup_free_ char *buf = NULL;
        int r = sysroot_read_file(sr, base, rel, 64 * 1024, &buf, NULL, NULL);
        if (r < 0)
                return r;
        *ret = knob_collapse_ws(buf);
        return 0;
}

int knob_write_attr(struct sysroot *sr, enum sr_base base, const char *rel, const char *value) {
        _cleanup_free_ char *line = NULL;

        if (!value)
                return -EINVAL;
        if (sysroot_is_live(sr))
                return sysroot_write_attr(sr, base, rel, value);
        /* A sysroot file must exist already: we mirror a kernel attribute,
         * we do not invent one. */
        if (!sysroot_exists(sr, base, rel))
                return -ENOENT;
        line = xasprintf("%s\n", value);
        return sysroot_write_file_atomic(sr, base, rel, line, strlen(line), 0644);
}

char **knob_strv_one(const char *s) {
        char **l = xcalloc(1, sizeof(char *));
        strv_push(&l, s);
        return l;
}
