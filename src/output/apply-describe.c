/* SPDX-License-Identifier: MIT */
/*
 * The sentence apply --dry-run prints for one write: which kernel file,
 * config file, remount, ioctl or xattr it would touch, with the value now
 * and the value then. The kind (knob.h registry) names the path and, for
 * writes that are not a file write, the sentence.
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

char *apply_describe_write(const char *root, bool live, const struct facts *f, const char *knob, const char *target,
                           const struct apply_result *r) {
        const char *key;
        const struct knob_kind *k = knob_kind_for(knob, &key);
        _cleanup_free_ char *now = apply_display_value(knob, r->old_value);
        _cleanup_free_ char *want = apply_display_value(knob, r->new_value ? r->new_value : target);
        char *path = k && k->path ? k->path(f, key) : NULL;
        _cleanup_free_ char *shown = path ? under_root(root, live, path) : NULL;
        char *s;

        /* The kind says what a write of it touches (knob.h, the registry). */
        if (k && k->describe && (s = k->describe(f, knob, key, shown, want, now)))
                return s;
        if (shown)
                return xasprintf("would write '%s' to %s (%s, now '%s')", want, shown, knob, now);
        return xasprintf("would set %s to '%s' (now '%s')", knob, want, now);
}
