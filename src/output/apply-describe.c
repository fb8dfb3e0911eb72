/* SPDX-License-Identifier: MIT */
/*
 * The sentence apply --dry-run prints for one write: which kernel file,
 * config file, remount, ioctl or xattr it would touch, with the value now
 * and the value then. Paths are built here from knob IDs (the knob layer
 * names values, not files).
 */
#include "output/apply-describe.h"

#include <stdio.h>

#include "knobs/knob.h"
#include "output/apply-render.h"
#include "sysroot.h"
#include "util.h"

static char *under_root(const char *root, bool live, char *path) {
        char *s;
        size_t l;

        if (live)
                return path;
        l = strlen(root);
        while (l > 1 && root[l - 1] == '/')
                l--;
        s = xasprintf("%.*s%s", (int) l, root, path);
        free(path);
        return s;
}

/* The kernel or file path a knob writes, or NULL when it is a syscall. */
static char *knob_path(const char *root, bool live, const struct facts *f, const char *knob) {
        const char *key = strchr(knob, ':') + 1;
        _cleanup_free_ char *group = knob_group(knob);
        char *p = NULL;

        if (streq(group, "sysctl")) {
                _cleanup_free_ char *k = xstrdup(key);
                const char *dot = strchr(k, '.'), *slash = strchr(k, '/');
                if (dot && (!slash || dot < slash))
                        for (char *c = k; *c; c++)
                                *c = *c == '.' ? '/' : *c == '/' ? '.' : *c;
                _cleanup_free_ char *rel = xasprintf("sys/%s", k);
                p = sysroot_display_path(SR_PROC, rel);
        } else if (streq(group, "block")) {
                const char *c = strrchr(key, ':');
                _cleanup_free_ char *rel = xasprintf("block/%.*s/queue/%s", (int) (c - key), key, c + 1);
                p = sysroot_display_path(SR_SYS, rel);
        } else if (streq(group, "bdi")) {
                const char *c = strrchr(key, ':');
                _cleanup_free_ char *name = xstrndup(key, (size_t) (c - key));
                const char *bdi = name;
                if (name[0] == '/') {
                        const struct fs_facts *m = facts_find_mount(f, name);
                        if (!m || !m->bdi)
                                return NULL;
                        bdi = m->bdi;
                }
                _cleanup_free_ char *rel = xasprintf("class/bdi/%s/%s", bdi, c + 1);
                p = sysroot_display_path(SR_SYS, rel);
        } else if (streq(group, "sysfs")) {
                p = xstrdup(key);
        } else if (streq(group, "zram")) {
                const char *c = strrchr(key, ':');
                if (streq(c, ":swap") || streq(c, ":state"))
                        return NULL;
                _cleanup_free_ char *rel = xasprintf("block/%.*s/%s", (int) (c - key), key, c + 1);
                p = sysroot_display_path(SR_SYS, rel);
        } else if (streq(group, "containers")) {
                p = sysroot_display_path(SR_ETC, "containers/storage.conf");
        } else if (streq(group, "nix")) {
                p = sysroot_display_path(SR_ETC, "nix/nix.conf");
        } else
                return NULL;
        return under_root(root, live, p);
}

char *apply_describe_write(const char *root, bool live, const struct facts *f, const char *knob, const char *target,
                           const struct apply_result *r) {
        _cleanup_free_ char *group = knob_group(knob);
        _cleanup_free_ char *path = knob_path(root, live, f, knob);
        _cleanup_free_ char *now = apply_display_value(knob, r->old_value);
        _cleanup_free_ char *want = apply_display_value(knob, r->new_value ? r->new_value : target);
        const char *key = strchr(knob, ':') + 1, *c = strrchr(key, ':');
        _cleanup_free_ char *obj = c ? xstrndup(key, (size_t) (c - key)) : xstrdup(key);
        _cleanup_free_ char *extra = NULL;

        if (streq(group, "zram")) {
                _cleanup_free_ char *dev = sysroot_display_path(SR_DEV, obj);
                bool initialised = true;
                if (streq(c, ":swap"))
                        return xasprintf("would write a swap header to %s and swapon it with priority '%s' (%s, now '%s')",
                                         dev, want, knob, now);
                if (streq(c, ":state"))
                        return xasprintf("would set %s up as %s in one go: algorithm, size, swap header, swapon "
                                         "(%s, now %s)", dev, want, knob, now);
                for (size_t i = 0; i < f->n_zram; i++)
                        if (streq(f->zram[i].name, obj))
                                initialised = f->zram[i].disksize > 0;
                if (initialised)
                        extra = xasprintf("; resets %s: swapoff, reset, redo", obj);
        }
        if (path)
                return xasprintf("would write '%s' to %s (%s, now '%s'%s)", want, path, knob, now, strempty(extra));
        if (streq(group, "mount"))
                return xasprintf("would remount %s with btrfs option %s='%s' (%s, now '%s')", obj, c + 1, want, knob, now);
        if (streq(group, "attr"))
                return xasprintf("would set the no-COW attribute (chattr +C) on %s to '%s' (%s, now '%s')", obj, want,
                                 knob, now);
        if (streq(group, "prop"))
                return xasprintf("would set the xattr btrfs.%s of %s to '%s' (%s, now '%s')", c + 1, obj, want, knob, now);
        return xasprintf("would set %s to '%s' (now '%s')", knob, want, now);
}
