/* SPDX-License-Identifier: MIT */
/*
 * sysctl:KEY -> proc/sys/KEY-as-path.
 *
 * Key syntax follows sysctl.d(5) (systemd sysctl_normalize): if the first
 * separator is a dot, dots separate and slashes are literal dots of a name
 * ("net.ipv4.conf.eth0/1.forwarding" -> net/ipv4/conf/eth0.1/forwarding);
 * if the first separator is a slash, the key is already a path.
 */
#include <ctype.h>
#include <errno.h>

#include "knobs/knob-internal.h"
#include "plan/plan-internal.h"

static int sysctl_path(const char *key, char **ret) {
        const char *dot = strchr(key, '.'), *slash = strchr(key, '/');
        size_t n = strlen(key);
        char *p;

        if (n == 0 || n > 256)
                return -EINVAL;
        for (const char *c = key; *c; c++)
                if (!isalnum((unsigned char) *c) && !strchr("._-/@:+", *c))
                        return -EINVAL;
        p = xstrdup(key);
        if (dot && (!slash || dot < slash))
                for (char *c = p; *c; c++)
                        *c = *c == '.' ? '/' : *c == '/' ? '.' : *c;
        /* Components must be real names: no "", ".", ".." (a key like
         * "..kernel" or "vm/../../x" must not leave proc/sys). */
        for (const char *c = p;;) {
                size_t l = strcspn(c, "/");
                if (l == 0 || (l == 1 && c[0] == '.') || (l == 2 && c[0] == '.' && c[1] == '.')) {
                        free(p);
                        return -EINVAL;
                }
                c += l;
                if (!*c)
                        break;
                c++;
        }
        *ret = p;
        return 0;
}

static int sysctl_validate(const char *key) {
        _cleanup_free_ char *p = NULL;
        return sysctl_path(key, &p);
}

static int sysctl_read(struct sysroot *sr, const char *key, char **ret) {
        _cleanup_free_ char *p = NULL, *rel = NULL;
        int r = sysctl_path(key, &p);
        if (r < 0)
                return r;
        rel = xasprintf("sys/%s", p);
        return knob_read_attr(sr, SR_PROC, rel, ret);
}

static int sysctl_write(struct sysroot *sr, const char *key, const char *value) {
        _cleanup_free_ char *p = NULL, *rel = NULL;
        int r;

        if (!value)
                return -EINVAL; /* a sysctl always has a value */
        r = sysctl_path(key, &p);
        if (r < 0)
                return r;
        rel = xasprintf("sys/%s", p);
        return knob_write_attr(sr, SR_PROC, rel, value);
}

/* The mutually exclusive pairs (mm/page-writeback.c: writing one zeroes the
 * other; *_bytes refuses 0). */
static const char *const dirty_pairs[][2] = {
        { "vm.dirty_ratio", "vm.dirty_bytes" },
        { "vm.dirty_background_ratio", "vm.dirty_background_bytes" },
};

static const char *dirty_partner(const char *key) {
        _cleanup_free_ char *p = NULL;
        if (sysctl_path(key, &p) < 0)
                return NULL;
        for (size_t i = 0; i < ELEMENTSOF(dirty_pairs); i++)
                for (size_t j = 0; j < 2; j++) {
                        _cleanup_free_ char *q = NULL;
                        (void) sysctl_path(dirty_pairs[i][j], &q);
                        if (streq(p, q))
                                return dirty_pairs[i][1 - j];
                }
        return NULL;
}

static int sysctl_snapshot_keys(const char *key, char ***ret) {
        const char *partner = dirty_partner(key);
        char **l = knob_strv_one(key);
        if (partner)
                strv_push(&l, partner);
        *ret = l;
        return 0;
}

static int sysctl_restore(struct sysroot *sr, const char *key, const char *orig) {
        /* A pair member that was 0 was zeroed by its partner being in use:
         * restoring the partner zeroes it again, and writing 0 to *_bytes
         * is refused by the kernel. */
        if (orig && dirty_partner(key) && streq(orig, "0"))
                return 0;
        return sysctl_write(sr, key, orig);
}

static int sysctl_normalize(const char *key, const char *value, char **ret) {
        (void) key;
        *ret = knob_collapse_ws(value);
        return 0;
}

static char *sysctl_display_path(const struct facts *f, const char *key) {
        _cleanup_free_ char *p = NULL, *rel = NULL;
        (void) f;
        if (sysctl_path(key, &p) < 0)
                return NULL;
        rel = xasprintf("sys/%s", p);
        return sysroot_display_path(SR_PROC, rel);
}

static const struct knob_unit sysctl_units[] = {
        { "sysctl", plan_unit_sysctl, false },
        { "vm", plan_unit_vm, false },
        {},
};

const struct knob_kind knob_kind_sysctl = {
        .group = "sysctl",
        .grammar = "sysctl:KEY",
        .summary = "kernel sysctls (/proc/sys), dotted or slash form",
        .units = sysctl_units,
        .path = sysctl_display_path,
        .persist_to = (const char *const[]) { "sysctl", "nixos", "tuned", NULL },
        .validate = sysctl_validate,
        .read = sysctl_read,
        .write = sysctl_write,
        .restore = sysctl_restore,
        .normalize = sysctl_normalize,
        .snapshot_keys = sysctl_snapshot_keys,
        .runtime = true,
        .persist = "sysctl.d",
};
