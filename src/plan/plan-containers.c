/* SPDX-License-Identifier: MIT */
/*
 * [containers] unit: driver=btrfs|overlay, graphroot=DIR (default
 * /var/lib/containers/storage). The live truth is the driver of the
 * existing store (what podman info reports); storage.conf is only what a
 * new store will use.
 */
#include <stdio.h>

#include "exec.h"
#include "plan/plan-internal.h"
#include "util.h"

static const struct fs_facts *mount_of(const struct facts *f, const char *path) {
        const struct fs_facts *best = NULL;
        size_t bl = 0;
        for (size_t i = 0; i < f->n_fs; i++) {
                const char *mp = f->fs[i].mountpoint;
                size_t l = mp ? strlen(mp) : 0;
                if (!mp)
                        continue;
                if ((streq(mp, "/") || (strncmp(path, mp, l) == 0 && (path[l] == '/' || !path[l]))) && l >= bl) {
                        best = &f->fs[i];
                        bl = l;
                }
        }
        return best;
}

/* The driver of the existing store: containers/storage keeps its metadata
 * in GRAPHROOT/<driver>-layers, and podman refuses to start when
 * storage.conf names another driver than the store's, so this is what
 * `podman info --format {{.Store.GraphDriverName}}` reports — read in
 * microseconds instead of podman's 0.2-0.5 s, without creating a store
 * where none exists, and from a captured sysroot too. NULL: no store. */
static char *store_driver(struct plan_ctx *c, const char *graphroot) {
        _cleanup_strv_ char **names = NULL;
        char *found = NULL;

        if (sysroot_list_dir(c->sr, SR_ROOT, graphroot, &names) < 0)
                return NULL;
        for (char **n = names; *n; n++) {
                const char *suffix = strstr(*n, "-layers");
                if (!suffix || suffix[7] != '\0' || suffix == *n)
                        continue;
                if (found) { /* two stores side by side: podman itself would say */
                        free(found);
                        return NULL;
                }
                found = xstrndup(*n, (size_t) (suffix - *n));
        }
        return found;
}

/* VPSTUNE_PODMAN_INFO=1: ask podman itself (slow, may create a store). */
static char *podman_driver(struct plan_ctx *c) {
        char *argv[] = { (char *) "podman", (char *) "info", (char *) "--format",
                         (char *) "{{.Store.GraphDriverName}}", NULL };
        _cleanup_free_ char *out = NULL;
        const char *e = getenv("VPSTUNE_PODMAN_INFO");

        if (!sysroot_is_live(c->sr) || !e || !streq(e, "1"))
                return NULL;
        if (exec_capture(argv, 10000, &out) != 0 || !out)
                return NULL;
        return xstrdup(strstrip(out));
}

void plan_unit_containers(struct plan_ctx *c, const struct profile_unit *u) {
        const char *graphroot = profile_unit_get(u, "graphroot");

        if (!graphroot)
                graphroot = "/var/lib/containers/storage";
        if (!sysroot_exists(c->sr, SR_ETC, "containers") &&
            !(sysroot_is_live(c->sr) && exec_find("podman") == 0)) {
                struct plan_item *it = plan_add(c->plan, SECTION_CONTAINERS, "containers:driver", NULL, NULL, CMP_EXACT);
                it->status = ITEM_ABSENT;
                it->origin = plan_origin(c, u, NULL);
                plan_item_set_note(it, "Podman is not installed here (no containers configuration, no podman)");
                return;
        }
        for (size_t i = 0; i < u->n_entries; i++) {
                const struct profile_entry *e = &u->entries[i];
                struct plan_item *it;

                if (streq(e->key, "graphroot"))
                        continue;
                if (!streq(e->key, "driver")) {
                        _cleanup_free_ char *knob = xasprintf("containers:%s", e->key);
                        it = plan_add(c->plan, SECTION_CONTAINERS, knob, NULL, e->value, CMP_EXACT);
                        it->status = ITEM_UNSUPPORTED;
                        it->origin = plan_origin(c, u, e);
                        if (streq(e->key, "mount_options") || streq(e->key, "mountopt"))
                                plan_item_set_note(it, "storage.conf cannot pass btrfs mount options (compress, noatime): "
                                                   "they belong on the host mount of the graphroot");
                        else
                                plan_item_set_note(it, "unknown [containers] key '%s' (driver, graphroot)", e->key);
                        continue;
                }
                it = plan_add_read(c, SECTION_CONTAINERS, "containers:driver", e->value, CMP_EXACT);
                it->origin = plan_origin(c, u, e);
                {
                        _cleanup_free_ char *conf = xstrdup(it->current);
                        _cleanup_free_ char *live = podman_driver(c);
                        const char *how = "podman info";
                        if (!live) {
                                live = store_driver(c, graphroot);
                                how = "the store";
                        }
                        if (live && it->status != ITEM_ABSENT) {
                                free(it->current);
                                it->current = xstrdup(live);
                                it->status = ITEM_OK;
                                plan_item_evaluate(it);
                                if (conf && !streq(conf, live))
                                        plan_item_add_note(it, "%s at %s uses %s; storage.conf %s%s%s", how, graphroot, live,
                                                           streq(conf, PLAN_UNSET) ? "does not set a driver" : "says ",
                                                           streq(conf, PLAN_UNSET) ? "" : conf,
                                                           streq(conf, PLAN_UNSET) ? "" : " (podman refuses to start until they agree)");
                        } else if (!live && conf && streq(conf, PLAN_UNSET)) {
                                free(it->current);
                                it->current = xstrdup("overlay");
                                it->status = ITEM_OK;
                                plan_item_evaluate(it);
                                plan_item_add_note(it, "no store at %s yet and storage.conf sets no driver: podman "
                                                   "would pick overlay", graphroot);
                        }
                }
                if (streq(e->value, "btrfs")) {
                        const struct fs_facts *m = mount_of(c->f, graphroot);
                        if (m && m->fstype && !streq(m->fstype, "btrfs")) {
                                it->status = ITEM_UNSUPPORTED;
                                plan_item_add_note(it, "the btrfs driver needs graphroot %s on btrfs; it is on %s (%s)",
                                                   graphroot, m->fstype, strna(m->mountpoint));
                        }
                        plan_item_add_note(it, "the seed's '30-50%% faster' has no published benchmark; maintainers "
                                           "recommend overlay, native (no fuse-overlayfs) since kernel 5.13, also on btrfs: "
                                           "measure with 'vpstune bench'");
                }
                if (it->status == ITEM_DRIFT)
                        plan_item_set_risk(it, "data loss: changing the driver of an existing store needs "
                                           "'podman system reset' (all images and containers are removed)");
        }
}
