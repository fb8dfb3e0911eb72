/* SPDX-License-Identifier: MIT */
/*
 * The disk filesystems to persist (fstab, NixOS fileSystems, disko), with
 * the options they should be mounted with.
 *
 * btrfs (KNOWLEDGE.md): compress, ssd, space_cache, discard, autodefrag,
 * nodatacow... are filesystem-wide. Only the first mount of a filesystem
 * sets them and later subvolume mounts silently ignore theirs, so every
 * entry of one filesystem gets the SAME fs-wide options: the plan's targets
 * for them (where the plan can reach them, i.e. on the primary mount) over
 * what the kernel shows now. Per-mount options (noatime, nosuid, ro...) are
 * per entry.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "generate/gen-internal.h"
#include "util.h"

bool gen_btrfs_option_is_fs_wide(const char *opt) {
        /* The same list as the planner's (plan-btrfs.c is_fs_wide()). */
        static const char *const fs_wide[] = {
                "compress", "compress-force", "autodefrag", "noautodefrag", "nodatacow", "datacow",
                "nodatasum", "datasum", "ssd", "nossd", "ssd_spread", "nossd_spread", "space_cache",
                "nospace_cache", "discard", "nodiscard", "commit", "flushoncommit", "noflushoncommit",
                "max_inline", "thread_pool", "barrier", "nobarrier", "clear_cache", "degraded",
                "user_subvol_rm_allowed", "skip_balance", "fatal_errors", "enospc_debug",
        };
        size_t n = strcspn(opt, "=");
        for (size_t i = 0; i < ELEMENTSOF(fs_wide); i++)
                if (strlen(fs_wide[i]) == n && strncmp(opt, fs_wide[i], n) == 0)
                        return true;
        return false;
}

/* Per-mount (VFS) flags worth persisting; rw and relatime are defaults. */
static bool keep_mount_option(const char *o) {
        static const char *const keep[] = { "ro", "nosuid", "nodev", "noexec", "noatime", "nodiratime",
                                            "strictatime", "lazytime" };
        for (size_t i = 0; i < ELEMENTSOF(keep); i++)
                if (streq(o, keep[i]))
                        return true;
        return false;
}

/* Superblock options of other filesystems worth persisting: an ESP's
 * masks keep it unreadable for users; ext4 errors= is a policy. The rest
 * are defaults the kernel prints. */
static bool keep_super_option(const char *fstype, const char *o) {
        if (startswith(o, "fmask=") || startswith(o, "dmask=") || startswith(o, "umask="))
                return true;
        return startswith(fstype, "ext") && startswith(o, "errors=");
}

static size_t name_len(const char *o) {
        return strcspn(o, "=");
}

/* Removes options named like opt, its "no" twin, and (for atime flags) the
 * other atime flags: the new one replaces them. */
static void drop_conflicts(char ***l, const char *opt) {
        static const char *const atime[] = { "noatime", "relatime", "strictatime" };
        size_t n = name_len(opt);
        const char *bare = startswith(opt, "no") ? opt + 2 : opt;
        size_t bn = name_len(bare);
        bool is_atime = false;

        for (size_t i = 0; i < ELEMENTSOF(atime); i++)
                is_atime = is_atime || streq(opt, atime[i]);
        for (char **p = *l; p && *p;) {
                const char *cur = *p, *cbare = startswith(cur, "no") ? cur + 2 : cur;
                bool drop = (name_len(cur) == n && strncmp(cur, opt, n) == 0) ||
                            (name_len(cbare) == bn && strncmp(cbare, bare, bn) == 0);
                for (size_t i = 0; is_atime && i < ELEMENTSOF(atime); i++)
                        drop = drop || streq(cur, atime[i]);
                /* compress and compress-force replace each other. */
                if (startswith(opt, "compress") && startswith(cur, "compress"))
                        drop = true;
                if (drop) {
                        free(*p);
                        memmove(p, p + 1, (strv_length(p + 1) + 1) * sizeof(char *));
                } else
                        p++;
        }
}

/* Sets option name (from a plan target: "on", "off" or a value), in the
 * place of the option it replaces, so the order stays the kernel's. */
static void set_option(char ***l, const char *name, const char *target) {
        char *v = streq(target, "on") ? xstrdup(name) : streq(target, "off") ? NULL : xasprintf("%s=%s", name, target);
        size_t nl = strlen(name), pos = SIZE_MAX, len;

        for (size_t i = 0; *l && (*l)[i]; i++)
                if (strncmp((*l)[i], name, nl) == 0 && ((*l)[i][nl] == '=' || (*l)[i][nl] == '\0')) {
                        pos = i;
                        break;
                }
        drop_conflicts(l, name);
        if (!v)
                return;
        strv_consume(l, v);
        len = strv_length(*l);
        if (pos < len - 1) {
                /* move the appended value back to where the old one was */
                memmove(*l + pos + 1, *l + pos, (len - 1 - pos) * sizeof(char *));
                (*l)[pos] = v;
        }
}

/* Knob "mount:MP:NAME" → MP and NAME (the mountpoint may contain ':'). */
static bool split_mount_knob(const char *knob, char **ret_mp, const char **ret_name) {
        const char *rest = startswith(knob, "mount:"), *colon;
        if (!rest || !(colon = strrchr(rest, ':')) || colon == rest)
                return false;
        *ret_mp = xstrndup(rest, (size_t) (colon - rest));
        *ret_name = colon + 1;
        return true;
}

/* The plan's mount items ("mount:MP:NAME"), read once per run and sorted
 * for look-up: fs-wide ones by the filesystem of MP's visible mount (the
 * first fs index of its majmin group), per-mount ones by MP. Without this
 * every mount would scan every item, and a container host has thousands
 * of both. */
struct mount_item {
        char *mp;
        const char *name;         /* points into the item's knob */
        const struct plan_item *it;
        size_t fs_key;            /* fs-wide: first mount of the filesystem */
        size_t order;             /* index in the plan */
};

struct mount_items {
        struct mount_item *fs_wide, *per_mount;
        size_t n_fs_wide, n_per_mount;
        char ***fs_options;       /* memo by fs_key: one list per filesystem */
        bool *have_fs_options;
};

static int fs_wide_cmp(const void *a, const void *b) {
        const struct mount_item *x = a, *y = b;
        if (x->fs_key != y->fs_key)
                return x->fs_key < y->fs_key ? -1 : 1;
        return x->order < y->order ? -1 : x->order > y->order;
}

static int per_mount_cmp(const void *a, const void *b) {
        const struct mount_item *x = a, *y = b;
        int r = strcmp(x->mp, y->mp);
        return r != 0 ? r : x->order < y->order ? -1 : x->order > y->order;
}

/* First mount (fs index) of the filesystem with m's device number; SIZE_MAX
 * when m has none. */
static size_t fs_key_of(const struct facts *f, const struct fs_facts *m) {
        size_t n;
        const size_t *l = facts_mounts_of_fs(f, m->majmin, &n);
        return l ? l[0] : SIZE_MAX;
}

static void mount_items_load(const struct gen_ctx *g, struct mount_items *mi) {
        for (size_t i = 0; g->plan && i < g->plan->n_items; i++) {
                const struct plan_item *it = &g->plan->items[i];
                struct mount_item x = { .it = it, .order = i };

                if (!gen_item_usable(it) || !split_mount_knob(it->knob, &x.mp, &x.name))
                        continue;
                if (gen_btrfs_option_is_fs_wide(x.name)) {
                        const struct fs_facts *im = facts_find_mount(g->f, x.mp);
                        x.fs_key = im ? fs_key_of(g->f, im) : SIZE_MAX;
                        if (x.fs_key == SIZE_MAX) {
                                free(x.mp);
                                continue;
                        }
                        *(struct mount_item *) array_grow(&mi->fs_wide, &mi->n_fs_wide, sizeof x) = x;
                } else
                        *(struct mount_item *) array_grow(&mi->per_mount, &mi->n_per_mount, sizeof x) = x;
        }
        if (mi->n_fs_wide > 1) /* qsort(NULL, 0) is undefined (UBSan) */
                qsort(mi->fs_wide, mi->n_fs_wide, sizeof *mi->fs_wide, fs_wide_cmp);
        if (mi->n_per_mount > 1)
                qsort(mi->per_mount, mi->n_per_mount, sizeof *mi->per_mount, per_mount_cmp);
        mi->fs_options = xcalloc(g->f->n_fs ? g->f->n_fs : 1, sizeof *mi->fs_options);
        mi->have_fs_options = xcalloc(g->f->n_fs ? g->f->n_fs : 1, sizeof *mi->have_fs_options);
}

static void mount_items_done(const struct gen_ctx *g, struct mount_items *mi) {
        for (size_t i = 0; i < mi->n_fs_wide; i++)
                free(mi->fs_wide[i].mp);
        for (size_t i = 0; i < mi->n_per_mount; i++)
                free(mi->per_mount[i].mp);
        for (size_t i = 0; i < g->f->n_fs; i++)
                strv_free(mi->fs_options[i]);
        free(mi->fs_wide);
        free(mi->per_mount);
        free(mi->fs_options);
        free(mi->have_fs_options);
}

static char **strv_copy(char *const *l) {
        char **c = NULL;
        for (char *const *o = l; o && *o; o++)
                strv_push(&c, *o);
        return c;
}

static char **btrfs_fs_options_of(const struct gen_ctx *g, struct mount_items *mi, const struct fs_facts *m) {
        const struct fs_facts *prim = NULL;
        size_t key = fs_key_of(g->f, m), n;
        const size_t *group = facts_mounts_of_fs(g->f, m->majmin, &n);
        char **l = NULL;
        size_t lo = 0, hi = mi->n_fs_wide;

        /* The filesystem's primary mount: the one on "/", else its first. */
        for (size_t i = 0; i < n && !prim; i++)
                if (g->f->fs[group[i]].mountpoint && streq(g->f->fs[group[i]].mountpoint, "/"))
                        prim = &g->f->fs[group[i]];
        if (!prim)
                prim = n ? &g->f->fs[group[0]] : m;
        for (char **o = prim->super_options; o && *o; o++)
                if (gen_btrfs_option_is_fs_wide(*o))
                        strv_push(&l, *o);
        if (key == SIZE_MAX)
                return l;
        /* The plan's wishes for any mount of this filesystem that it could
         * reach (unsupported ones were on a non-primary subvolume), in plan
         * order. */
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (mi->fs_wide[mid].fs_key < key)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        for (; lo < mi->n_fs_wide && mi->fs_wide[lo].fs_key == key; lo++)
                set_option(&l, mi->fs_wide[lo].name, mi->fs_wide[lo].it->target);
        return l;
}

/* Identical for every mount of one filesystem: computed once, copied. */
static char **btrfs_fs_options(const struct gen_ctx *g, struct mount_items *mi, const struct fs_facts *m) {
        size_t key = fs_key_of(g->f, m);

        if (key == SIZE_MAX)
                return btrfs_fs_options_of(g, mi, m);
        if (!mi->have_fs_options[key]) {
                mi->fs_options[key] = btrfs_fs_options_of(g, mi, m);
                mi->have_fs_options[key] = true;
        }
        return strv_copy(mi->fs_options[key]);
}

static char **mount_options(const struct mount_items *mi, const struct fs_facts *m) {
        char **l = NULL;
        bool btrfs = m->fstype && streq(m->fstype, "btrfs");
        size_t lo = 0, hi = mi->n_per_mount;

        for (char **o = m->mount_options; o && *o; o++)
                if (keep_mount_option(*o))
                        strv_push(&l, *o);
        for (char **o = m->super_options; !btrfs && o && *o; o++)
                if (keep_super_option(strempty(m->fstype), *o))
                        strv_push(&l, *o);
        if (!m->mountpoint)
                return l;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (strcmp(mi->per_mount[mid].mp, m->mountpoint) < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        for (; lo < mi->n_per_mount && streq(mi->per_mount[lo].mp, m->mountpoint); lo++)
                set_option(&l, mi->per_mount[lo].name, mi->per_mount[lo].it->target);
        return l;
}

static bool skip_mount(const struct gen_ctx *g, const struct fs_facts *m, const struct disk_facts *d) {
        if (!d || !facts_fs_is_storage(g->f, m))
                return true;
        if (d->transport == TRANSPORT_LOOP || d->transport == TRANSPORT_ZRAM || d->transport == TRANSPORT_DM ||
            d->transport == TRANSPORT_MD)
                return true;
        /* A bind mount of a directory (root != "/") of a non-btrfs
         * filesystem is not a filesystem of its own. */
        if (!streq(m->fstype, "btrfs") && m->root && !streq(m->root, "/"))
                return true;
        /* Only the visible mount on a mountpoint. */
        return facts_find_mount(g->f, m->mountpoint) != m;
}

/* Gen-mount indices by (majmin, index), NULL majmins together. */
static int gen_majmin_cmp(const void *a, const void *b, void *userdata) {
        const struct gen_mount *l = userdata;
        size_t ia = *(const size_t *) a, ib = *(const size_t *) b;
        const char *x = l[ia].m->majmin, *y = l[ib].m->majmin;
        int r = x && y ? strcmp(x, y) : (x != NULL) - (y != NULL);

        return r != 0 ? r : ia < ib ? -1 : ia > ib;
}

int gen_mounts_collect(const struct gen_ctx *g, struct gen_mount **ret, size_t *ret_n) {
        struct gen_mount *l = NULL;
        struct mount_items mi = {};
        _cleanup_free_ size_t *order = NULL;
        size_t n = 0, k = 0;

        mount_items_load(g, &mi);
        for (size_t i = 0; i < g->f->n_fs; i++) {
                const struct fs_facts *m = &g->f->fs[i];
                const struct partition_facts *p = NULL;
                const struct disk_facts *d = facts_disk_of_source(g->f, m->source, &p);
                struct gen_mount *gm;

                if (skip_mount(g, m, d))
                        continue;
                gm = array_grow(&l, &n, sizeof(*l));
                gm->m = m;
                gm->disk = d;
                gm->part = p;
                gm->uuid = m->uuid ? m->uuid : p ? p->uuid : d->uuid;
                gm->partuuid = p ? p->partuuid : NULL;
                gm->label = p ? p->label : NULL;
                if (streq(m->fstype, "btrfs")) {
                        const char *sv = m->subvol ? m->subvol : m->root;
                        while (sv && *sv == '/')
                                sv++;
                        gm->subvol = xstrdup(sv && *sv ? sv : "/");
                        gm->fs_options = btrfs_fs_options(g, &mi, m);
                }
                gm->mount_options = mount_options(&mi, m);
        }
        mount_items_done(g, &mi);

        /* The primary mount of a btrfs among these: the (last) one on "/",
         * else its first. Sorted by filesystem, each group once. */
        order = xmalloc((n ? n : 1) * sizeof *order);
        for (size_t i = 0; i < n; i++)
                if (l[i].subvol)
                        order[k++] = i;
        if (k > 1)
                qsort_r(order, k, sizeof *order, gen_majmin_cmp, l);
        for (size_t a = 0, b; a < k; a = b) {
                size_t root = SIZE_MAX;
                for (b = a; b < k && streq_ptr(l[order[b]].m->majmin, l[order[a]].m->majmin); b++)
                        if (streq(l[order[b]].m->mountpoint, "/"))
                                root = order[b];
                l[root != SIZE_MAX ? root : order[a]].primary = true;
        }
        *ret = l;
        *ret_n = n;
        return 0;
}

void gen_mounts_free(struct gen_mount *l, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(l[i].subvol);
                strv_free(l[i].fs_options);
                strv_free(l[i].mount_options);
        }
        free(l);
}

char **gen_mount_all_options(const struct gen_mount *gm, bool with_subvol) {
        char **l = NULL;
        if (gm->subvol && with_subvol)
                strv_consume(&l, xasprintf("subvol=%s", gm->subvol));
        for (char **o = gm->fs_options; o && *o; o++)
                strv_push(&l, *o);
        for (char **o = gm->mount_options; o && *o; o++)
                strv_push(&l, *o);
        return l;
}

char *gen_mount_stable_path(const struct gen_mount *gm) {
        if (gm->uuid)
                return xasprintf("/dev/disk/by-uuid/%s", gm->uuid);
        if (gm->partuuid)
                return xasprintf("/dev/disk/by-partuuid/%s", gm->partuuid);
        if (gm->label)
                return xasprintf("/dev/disk/by-label/%s", gm->label);
        return NULL;
}

char *gen_mount_fstab_spec(const struct gen_mount *gm) {
        if (gm->uuid)
                return xasprintf("UUID=%s", gm->uuid);
        if (gm->partuuid)
                return xasprintf("PARTUUID=%s", gm->partuuid);
        if (gm->label)
                return xasprintf("LABEL=%s", gm->label);
        return NULL;
}

const struct disk_facts *gen_disk_of_mount(const struct gen_ctx *g, const char *mp) {
        const struct fs_facts *m = facts_find_mount(g->f, mp);
        return m ? facts_disk_of_source(g->f, m->source, NULL) : NULL;
}
