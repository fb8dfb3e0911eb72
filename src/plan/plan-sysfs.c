/* SPDX-License-Identifier: MIT */
/*
 * TuneD's [sysfs] plugin: "/sys/kernel/mm/ksm/run = 0", globs allowed in
 * any component. Paths are expanded inside the sysroot and must stay under
 * /sys: no "..", and the knob layer refuses symlinks that escape.
 */
#include <fnmatch.h>
#include <stdio.h>

#include "knobs/knob.h"
#include "plan/plan-internal.h"
#include "util.h"

static void expand(struct plan_ctx *c, const char *done, char **rest, char ***out) {
        if (!*rest) {
                strv_push(out, done);
                return;
        }
        if (!strpbrk(*rest, "*?[")) {
                _cleanup_free_ char *n = *done ? xasprintf("%s/%s", done, *rest) : xstrdup(*rest);
                if (rest[1] && !sysroot_exists(c->sr, SR_SYS, n))
                        return;
                expand(c, n, rest + 1, out);
                return;
        }
        _cleanup_strv_ char **names = NULL;
        if (sysroot_list_dir(c->sr, SR_SYS, done, &names) < 0)
                return;
        for (char **nm = names; *nm; nm++) {
                if (fnmatch(*rest, *nm, FNM_PERIOD) != 0)
                        continue;
                _cleanup_free_ char *n = *done ? xasprintf("%s/%s", done, *nm) : xstrdup(*nm);
                expand(c, n, rest + 1, out);
                if (strv_length(*out) > 4096)
                        return; /* a glob over all of /sys is a mistake, not a plan */
        }
}

void plan_unit_sysfs(struct plan_ctx *c, const struct profile_unit *u) {
        const char *sys = sysroot_base_prefix(SR_SYS);

        for (size_t i = 0; i < u->n_entries; i++) {
                const struct profile_entry *e = &u->entries[i];
                const char *rel = startswith(e->key, sys);
                _cleanup_strv_ char **parts = NULL, **paths = NULL;

                if (!rel || *rel != '/' || strstr(e->key, "/..") || strstr(e->key, "../")) {
                        plan_fail(c, e, "sysfs path '%s' must be an absolute path under %s without '..'", e->key, sys);
                        return;
                }
                parts = strv_split(rel, "/");
                expand(c, "", parts, &paths);
                if (!paths || !*paths) {
                        _cleanup_free_ char *knob = xasprintf("sysfs:%s", e->key);
                        struct plan_item *it = plan_add(c->plan, SECTION_OTHER, knob, NULL, e->value, CMP_EXACT);
                        it->status = ITEM_ABSENT;
                        it->origin = plan_origin(c, u, e);
                        plan_item_set_note(it, "nothing matches %s here", e->key);
                        continue;
                }
                for (char **p = paths; *p; p++) {
                        _cleanup_free_ char *knob = xasprintf("sysfs:%s/%s", sys, *p);
                        struct plan_item *it = plan_add_read(c, SECTION_OTHER, knob, e->value, CMP_EXACT);
                        it->origin = plan_origin(c, u, e);
                        if (knob_is_risky_at(c->sr, knob))
                                plan_item_set_risk(it, "outside the tuning areas once its links are resolved (a "
                                                       "block queue, a bdi, /sys/kernel/mm): apply needs --allow-risky");
                }
        }
}
