/* SPDX-License-Identifier: MIT */
/*
 * Transparent hugepages and KSM: kernel memory settings under
 * /sys/kernel/mm that TuneD sets through [vm] (transparent_hugepages=,
 * transparent_hugepage.defrag=) and [sysfs]. Either way the plan names
 * them by this kind (sysfs_alias), so apply --only thp, verify and every
 * generator see one setting, not an anonymous sysfs write.
 *
 *   thp:enabled   sys/kernel/mm/transparent_hugepage/enabled  always|madvise|never
 *   thp:defrag    sys/kernel/mm/transparent_hugepage/defrag   always|defer|defer+madvise|madvise|never
 *   ksm:run       sys/kernel/mm/ksm/run                       0 stop, 1 run, 2 stop and unmerge all
 *
 * The THP files are choice attributes ("always [madvise] never"): read as
 * the active choice. Runtime: a write takes effect at once (for new
 * allocations). Persisted as tmpfiles.d "w" lines (NixOS: the same lines
 * in systemd.tmpfiles.rules) and TuneD [sysfs].
 */
#include <errno.h>

#include "knobs/knob-internal.h"

struct mm_knob {
        const char *group, *key, *rel;
        const char *const *values; /* what the kernel accepts */
};

static const struct mm_knob mm_knobs[] = {
        { "thp", "enabled", "kernel/mm/transparent_hugepage/enabled",
          (const char *const[]) { "always", "madvise", "never", NULL } },
        { "thp", "defrag", "kernel/mm/transparent_hugepage/defrag",
          (const char *const[]) { "always", "defer", "defer+madvise", "madvise", "never", NULL } },
        { "ksm", "run", "kernel/mm/ksm/run", (const char *const[]) { "0", "1", "2", NULL } },
};

static const struct mm_knob *mm_find(const char *group, const char *key) {
        for (size_t i = 0; i < ELEMENTSOF(mm_knobs); i++)
                if (streq(mm_knobs[i].group, group) && streq(mm_knobs[i].key, key))
                        return &mm_knobs[i];
        return NULL;
}

static int mm_read(const char *group, struct sysroot *sr, const char *key, char **ret) {
        const struct mm_knob *m = mm_find(group, key);
        return m ? knob_read_choice_attr(sr, SR_SYS, m->rel, ret) : -EINVAL;
}

static int mm_write(const char *group, struct sysroot *sr, const char *key, const char *value) {
        const struct mm_knob *m = mm_find(group, key);
        return m ? knob_write_attr(sr, SR_SYS, m->rel, value) : -EINVAL;
}

/* A value the kernel does not offer is refused before anything is written. */
static int mm_normalize(const char *group, const char *key, const char *value, char **ret) {
        const struct mm_knob *m = mm_find(group, key);
        _cleanup_free_ char *v = knob_collapse_ws(value);

        if (!m)
                return -EINVAL;
        for (const char *const *a = m->values; *a; a++)
                if (streq(*a, v)) {
                        *ret = TAKE_PTR(v);
                        return 0;
                }
        return -EINVAL;
}

static char *mm_alias(const char *group, const char *path) {
        const char *rel = startswith(path, sysroot_base_prefix(SR_SYS));

        for (size_t i = 0; rel && rel[0] == '/' && i < ELEMENTSOF(mm_knobs); i++)
                if (streq(mm_knobs[i].group, group) && streq(rel + 1, mm_knobs[i].rel))
                        return xstrdup(mm_knobs[i].key);
        return NULL;
}

static char *mm_path(const char *group, const char *key) {
        const struct mm_knob *m = mm_find(group, key);
        return m ? sysroot_display_path(SR_SYS, m->rel) : NULL;
}

#define MM_KIND(g)                                                                                                  \
        static int g##_validate(const char *key) {                                                                  \
                return mm_find(#g, key) ? 0 : -EINVAL;                                                              \
        }                                                                                                           \
        static int g##_read(struct sysroot *sr, const char *key, char **ret) {                                      \
                return mm_read(#g, sr, key, ret);                                                                   \
        }                                                                                                           \
        static int g##_write(struct sysroot *sr, const char *key, const char *value) {                              \
                return mm_write(#g, sr, key, value);                                                                \
        }                                                                                                           \
        static int g##_normalize(const char *key, const char *value, char **ret) {                                  \
                return mm_normalize(#g, key, value, ret);                                                           \
        }                                                                                                           \
        static char *g##_alias(const char *path) {                                                                  \
                return mm_alias(#g, path);                                                                          \
        }                                                                                                           \
        static char *g##_path(const struct facts *f, const char *key) {                                             \
                (void) f;                                                                                           \
                return mm_path(#g, key);                                                                            \
        }

MM_KIND(thp)
MM_KIND(ksm)

const struct knob_kind knob_kind_thp = {
        .group = "thp",
        .grammar = "thp:enabled|defrag",
        .summary = "transparent hugepages (TuneD [vm] transparent_hugepages=, [sysfs])",
        .validate = thp_validate,
        .read = thp_read,
        .write = thp_write,
        .normalize = thp_normalize,
        .sysfs_alias = thp_alias,
        .path = thp_path,
        .runtime = true,
        .persist = "tmpfiles.d",
        .persist_to = (const char *const[]) { "tmpfiles", "nixos", "tuned", NULL },
};

const struct knob_kind knob_kind_ksm = {
        .group = "ksm",
        .grammar = "ksm:run",
        .summary = "kernel samepage merging (TuneD [sysfs] /sys/kernel/mm/ksm/run)",
        .validate = ksm_validate,
        .read = ksm_read,
        .write = ksm_write,
        .normalize = ksm_normalize,
        .sysfs_alias = ksm_alias,
        .path = ksm_path,
        .runtime = true,
        .persist = "tmpfiles.d",
        .persist_to = (const char *const[]) { "tmpfiles", "nixos", "tuned", NULL },
};
