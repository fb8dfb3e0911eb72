/* SPDX-License-Identifier: MIT */
/*
 * sysfs:/sys/PATH — any attribute below /sys (TuneD's [sysfs] plugin),
 * canonicalised inside the root; it must still be below /sys after
 * symlinks. Paths another kind owns (thp:, ksm:) become that kind's knob
 * in the plan (knob_canonical_id), so this kind holds the anonymous rest.
 * Persisted as a tmpfiles.d "w" line (systemd-tmpfiles writes it at boot).
 */
#include <errno.h>

#include "knobs/knob-internal.h"
#include "plan/plan-internal.h"

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
        return knob_read_choice_attr(sr, SR_ROOT, p, ret);
}

static int sysfs_write(struct sysroot *sr, const char *key, const char *value) {
        _cleanup_free_ char *p = NULL;
        int r = sysfs_canonical(sr, key, &p);
        if (r < 0)
                return r;
        return knob_write_attr(sr, SR_ROOT, p, value);
}

static char *sysfs_path(const struct facts *f, const char *key) {
        (void) f;
        return xstrdup(key);
}

static const struct knob_unit sysfs_units[] = {
        { "sysfs", plan_unit_sysfs, false },
        {},
};

const struct knob_kind knob_kind_sysfs = {
        .group = "sysfs",
        .grammar = "sysfs:/sys/PATH",
        .summary = "any attribute below /sys (TuneD [sysfs])",
        .validate = sysfs_validate,
        .read = sysfs_read,
        .write = sysfs_write,
        .normalize = knob_normalize_ws,
        .units = sysfs_units,
        .path = sysfs_path,
        .runtime = true,
        .persist = "tmpfiles.d",
        .persist_to = (const char *const[]) { "tmpfiles", "nixos", "tuned", NULL },
};
