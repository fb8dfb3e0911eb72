/* SPDX-License-Identifier: MIT */
/*
 * [btrfs] units (type=btrfs, mountpoint=M, default "/"):
 *   fs_options=compress=zstd:2,ssd,space_cache=v2   filesystem-wide options
 *   mount_options=noatime                           per-mount (VFS) options
 *   read_ahead_kb=4096                              the filesystem's own BDI
 *   nocow=/var/log                                  no-COW attribute (chattr +C)
 *   compression=/var/lib/containers:zstd            btrfs.compression property
 *
 * The truth this file encodes (KNOWLEDGE.md): compress, autodefrag,
 * nodatacow, nodatasum, ssd, space_cache, discard and commit are
 * filesystem-wide. Only one value can be in effect per filesystem, so a wish
 * for such an option on a subvolume mount that is not the filesystem's
 * primary mount (the one on "/" or the first mounted) cannot take effect as
 * written: the item is "unsupported" and its note names the mechanism that
 * does work (no-COW attribute, compression property).
 */
#include <inttypes.h>
#include <stdio.h>

#include "plan/plan-internal.h"
#include "util.h"

static bool is_fs_wide(const char *opt) {
        static const char *const fs_wide[] = {
                "compress", "compress-force", "autodefrag", "noautodefrag", "nodatacow", "datacow",
                "nodatasum", "datasum", "ssd", "nossd", "ssd_spread", "nossd_spread", "space_cache",
                "nospace_cache", "discard", "nodiscard", "commit", "flushoncommit", "noflushoncommit",
                "max_inline", "thread_pool", "barrier", "nobarrier", "clear_cache", "degraded",
        };
        _cleanup_free_ char *name = xstrndup(opt, strcspn(opt, "="));
        for (size_t i = 0; i < ELEMENTSOF(fs_wide); i++)
                if (streq(name, fs_wide[i]))
                        return true;
        return false;
}

/* The mount whose options define the filesystem: the one on "/" if the
 * filesystem is mounted there, else the first in mountinfo order. */
static const struct fs_facts *primary_mount(const struct facts *f, const struct fs_facts *m) {
        const struct fs_facts *first = NULL;
        for (size_t i = 0; i < f->n_fs; i++) {
                const struct fs_facts *o = &f->fs[i];
                if (!o->majmin || !m->majmin || !streq(o->majmin, m->majmin))
                        continue;
                if (o->mountpoint && streq(o->mountpoint, "/"))
                        return o;
                if (!first)
                        first = o;
        }
        return first ? first : m;
}

/* Value of option name in a list: "zstd:2" for compress, "on" for a flag,
 * "off" when absent ("no" for compress, as mount(8) spells it and the knob
 * layer reads it back). */
static char *option_value(char *const *opts, const char *name) {
        size_t nl = strlen(name);
        for (char *const *o = opts; o && *o; o++) {
                if (strncmp(*o, name, nl) == 0 && (*o)[nl] == '=')
                        return xstrdup(*o + nl + 1);
                if (streq(*o, name))
                        return xstrdup("on");
        }
        return xstrdup(streq(name, "compress") || streq(name, "compress-force") ? "no" : "off");
}

static const char *real_mechanism(const char *opt) {
        if (startswith(opt, "nodatacow") || startswith(opt, "nodatasum"))
                return "for one directory use the no-COW attribute instead (nocow=DIR; chattr +C on an empty directory)";
        if (startswith(opt, "compress"))
                return "for one subvolume use the btrfs.compression property instead (compression=DIR:zstd; "
                       "the level comes from the mount option)";
        if (startswith(opt, "autodefrag"))
                return "autodefrag can only be on or off for the whole filesystem";
        return "set it once, for the whole filesystem, on the primary mount";
}

static void fs_option(struct plan_ctx *c, const struct profile_unit *u, const struct profile_entry *e,
                      const struct fs_facts *m, const char *opt) {
        _cleanup_free_ char *name = xstrndup(opt, strcspn(opt, "="));
        const char *eq = strchr(opt, '=');
        _cleanup_free_ char *target = xstrdup(eq ? eq + 1 : "on");
        _cleanup_free_ char *knob = xasprintf("mount:%s:%s", m->mountpoint, name);
        _cleanup_free_ char *cur = option_value(m->super_options, name);
        const struct fs_facts *prim = primary_mount(c->f, m);
        struct plan_item *it;

        /* "compress=zstd" shows as "compress=zstd:3" in mountinfo. */
        if (streq(name, "compress") && streq(target, "zstd"))
                target = (free(target), xstrdup("zstd:3"));
        it = plan_add(c->plan, SECTION_BTRFS, knob, cur, target, CMP_EXACT);
        it->runtime = false; /* until it is known to be this filesystem's own */
        it->origin = plan_origin(c, u, e);

        if (prim != m && (!prim->mountpoint || !streq(prim->mountpoint, m->mountpoint))) {
                if (it->status == ITEM_OK) {
                        plan_item_set_note(it, "in effect only because %s, whose options apply to the whole "
                                           "filesystem, has the same %s: btrfs options are filesystem-wide, "
                                           "a subvolume mount cannot set its own", prim->mountpoint, name);
                        return;
                }
                it->status = ITEM_UNSUPPORTED;
                plan_item_set_note(it,
                        "btrfs options are filesystem-wide: %s is a subvolume of the filesystem mounted on %s, "
                        "whose options (%s=%s) apply here too; a per-subvolume %s is silently ignored; %s",
                        m->mountpoint, prim->mountpoint, name, cur, opt, real_mechanism(opt));
                return;
        }
        it->runtime = !streq(name, "space_cache") && !startswith(name, "nodatacow") && !startswith(name, "nodatasum");
        plan_item_set_note(it, "filesystem-wide: applies to every subvolume of this filesystem");
        if (streq(name, "compress")) {
                const char *lvl = strchr(target, ':');
                unsigned l;
                if (lvl && safe_atou(lvl + 1, &l) == 0 && startswith(target, "zstd") && l > 15)
                        plan_item_add_note(it, "zstd levels above 15 are clamped silently by the kernel");
                plan_item_add_note(it, "compresses new writes only; existing data stays as written");
                plan_item_set_risk(it, "CPU: higher zstd levels cost more CPU per write (zstd:3 roughly 2x zstd:1)");
        } else if (streq(name, "ssd")) {
                const struct disk_facts *d = facts_disk_of_source(c->f, m->source, NULL);
                if (d && d->rotational == 1)
                        plan_item_add_note(it, "%s reports rotational=1 (virtio always does), so btrfs does not "
                                           "enable ssd by itself; since 4.14 ssd no longer changes allocation", d->name);
        } else if (streq(name, "space_cache")) {
                plan_item_add_note(it, "v2 is the free-space tree: it speeds up allocation, not directory lookups "
                                   "(the seed's claim); an old filesystem converts when mounted once with space_cache=v2");
        } else if (streq(name, "autodefrag")) {
                plan_item_add_note(it, "a hypervisor cannot defragment a guest's files (the seed's reason is wrong); "
                                   "5.16 had a runaway-I/O regression");
        } else if (startswith(name, "nodatacow") || startswith(name, "nodatasum")) {
                plan_item_set_risk(it, "durability: no checksums and no compression for new files on the whole filesystem");
        }
}

static void mount_option(struct plan_ctx *c, const struct profile_unit *u, const struct profile_entry *e,
                         const struct fs_facts *m, const char *opt) {
        _cleanup_free_ char *knob = xasprintf("mount:%s:%s", m->mountpoint, opt);
        bool have = strv_contains(m->mount_options, opt);
        struct plan_item *it = plan_add(c->plan, SECTION_BTRFS, knob, have ? "on" : "off", "on", CMP_EXACT);

        it->runtime = false;
        it->origin = plan_origin(c, u, e);
        plan_item_set_note(it, "per mount: takes effect with the next mount (fstab) or 'mount -o remount,%s %s'",
                           opt, m->mountpoint);
        if (streq(opt, "noatime"))
                plan_item_add_note(it, "saves an inode write per first read; gains on git are unmeasured in the seed");
}

static void bdi_read_ahead(struct plan_ctx *c, const struct profile_unit *u, const struct profile_entry *e,
                           const struct fs_facts *m) {
        _cleanup_free_ char *knob = NULL;
        uint64_t kb;
        struct plan_item *it;

        if (safe_atou64(e->value, &kb) < 0) {
                plan_fail(c, e, "invalid read_ahead_kb '%s'", e->value);
                return;
        }
        _cleanup_free_ char *target = xasprintf("%" PRIu64, kb);
        /* Named by mount point: btrfs-N numbers change with every mount. */
        knob = xasprintf("bdi:%s:read_ahead_kb", m->mountpoint);
        it = plan_add_read(c, SECTION_BTRFS, knob, target, CMP_NUMERIC);
        if (it->status == ITEM_ABSENT)
                plan_item_set_note(it, "the btrfs BDI of %s is not visible here", m->mountpoint);
        else
                plan_item_set_note(it, "btrfs reads ahead through its own BDI %s (default max(4 MiB, 128 KiB x devices)), "
                                   "not the disk's read_ahead_kb", strna(m->bdi));
        it->origin = plan_origin(c, u, e);
}

/* The mount that contains path: longest mountpoint prefix. */
static const struct fs_facts *mount_of_path(const struct facts *f, const char *path) {
        const struct fs_facts *best = NULL;
        size_t bl = 0;
        for (size_t i = 0; i < f->n_fs; i++) {
                const char *mp = f->fs[i].mountpoint;
                size_t l;
                if (!mp)
                        continue;
                l = strlen(mp);
                if (streq(mp, "/") || (strncmp(path, mp, l) == 0 && (path[l] == '/' || path[l] == '\0'))) {
                        if (l >= bl) {
                                best = &f->fs[i];
                                bl = l;
                        }
                }
        }
        return best;
}

static void dir_item(struct plan_ctx *c, const struct profile_unit *u, const struct profile_entry *e,
                     const char *dir, const char *what, const char *target) {
        const struct fs_facts *m = mount_of_path(c->f, dir);
        _cleanup_free_ char *knob = streq(what, "nocow") ? xasprintf("attr:%s:nocow", dir)
                                                         : xasprintf("prop:%s:compression", dir);
        struct plan_item *it;

        if (dir[0] != '/') {
                plan_fail(c, e, "'%s' must be an absolute directory", dir);
                return;
        }
        if (m && (!m->fstype || !streq(m->fstype, "btrfs"))) {
                it = plan_add(c->plan, SECTION_BTRFS, knob, NULL, target, CMP_EXACT);
                it->status = ITEM_UNSUPPORTED;
                it->origin = plan_origin(c, u, e);
                plan_item_set_note(it, "%s is on %s (%s), not btrfs", dir, strna(m->fstype), strna(m->mountpoint));
                return;
        }
        it = plan_add_read(c, SECTION_BTRFS, knob, target, CMP_EXACT);
        it->origin = plan_origin(c, u, e);
        if (streq(what, "nocow")) {
                plan_item_set_note(it, "no-COW attribute: new files in %s inherit it; existing files are not "
                                   "converted (the ioctl succeeds and does nothing on a non-empty file)", dir);
                plan_item_set_risk(it, "durability: no-COW files have no checksums and no compression");
        } else {
                plan_item_set_note(it, "btrfs.compression property, inherited by new files");
                if (strchr(target, ':'))
                        plan_item_add_note(it, "the level in '%s' is stored but ignored by kernels up to 6.18: "
                                           "the mount option's level applies", target);
        }
}

void plan_unit_btrfs(struct plan_ctx *c, const struct profile_unit *u) {
        const char *mp = profile_unit_get(u, "mountpoint");
        const struct fs_facts *m;

        /* [btrfs./var/log] names its mount point; [btrfs] alone is "/". */
        if (!mp && startswith(u->name, "btrfs.") && u->name[6] == '/')
                mp = u->name + 6;
        if (!mp)
                mp = "/";
        m = facts_find_mount(c->f, mp);
        if (!m || !m->fstype || !streq(m->fstype, "btrfs")) {
                _cleanup_free_ char *knob = xasprintf("mount:%s", mp);
                struct plan_item *it = plan_add(c->plan, SECTION_BTRFS, knob, m ? m->fstype : NULL, "btrfs", CMP_EXACT);
                it->status = m ? ITEM_UNSUPPORTED : ITEM_ABSENT;
                it->origin = plan_origin(c, u, NULL);
                plan_item_set_note(it, m ? "%s is %s, not btrfs: the unit's btrfs settings do not apply"
                                         : "%s is not a mount point here%s", mp, m ? strna(m->fstype) : "");
                /* nocow/compression on directories may still live on another btrfs. */
        }
        for (size_t i = 0; i < u->n_entries; i++) {
                const struct profile_entry *e = &u->entries[i];
                _cleanup_strv_ char **vals = strv_split(e->value, ", \t\n");

                if (streq(e->key, "mountpoint"))
                        continue;
                if (streq(e->key, "nocow")) {
                        for (char **v = vals; *v; v++)
                                dir_item(c, u, e, *v, "nocow", "on");
                        continue;
                }
                if (streq(e->key, "compression")) {
                        for (char **v = vals; *v; v++) {
                                char *colon = strchr(*v, ':');
                                if (!colon) {
                                        plan_fail(c, e, "compression wants DIR:ALGORITHM, got '%s'", *v);
                                        return;
                                }
                                *colon = '\0';
                                dir_item(c, u, e, *v, "compression", colon + 1);
                        }
                        continue;
                }
                if (!m || !m->fstype || !streq(m->fstype, "btrfs"))
                        continue;
                if (streq(e->key, "fs_options")) {
                        for (char **v = vals; *v; v++) {
                                if (!is_fs_wide(*v)) {
                                        plan_fail(c, e, "'%s' is not a filesystem-wide btrfs option (put per-mount "
                                                  "options in mount_options)", *v);
                                        return;
                                }
                                fs_option(c, u, e, m, *v);
                        }
                } else if (streq(e->key, "mount_options")) {
                        for (char **v = vals; *v; v++) {
                                if (is_fs_wide(*v)) {
                                        plan_fail(c, e, "'%s' is filesystem-wide in btrfs: put it in fs_options", *v);
                                        return;
                                }
                                mount_option(c, u, e, m, *v);
                        }
                } else if (streq(e->key, "read_ahead_kb")) {
                        bdi_read_ahead(c, u, e, m);
                } else {
                        plan_fail(c, e, "unknown [btrfs] key '%s' (mountpoint, fs_options, mount_options, "
                                  "read_ahead_kb, nocow, compression)", e->key);
                        return;
                }
        }
}
