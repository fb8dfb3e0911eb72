/* SPDX-License-Identifier: MIT */
/*
 * A complete containers-storage.conf(5). KNOWLEDGE.md "Podman storage":
 * the btrfs driver needs graphroot on btrfs; storage.conf has no way to pass
 * mount options (compress, noatime belong on the host mount of graphroot);
 * [storage.options.btrfs] size is documented but rejected by the driver,
 * only min_space works.
 */
#include "generate/gen-internal.h"
#include "util.h"

#define DEFAULT_GRAPHROOT "/var/lib/containers/storage"
#define DEFAULT_RUNROOT "/run/containers/storage"

/* TOML basic string ("..." as storage.conf(5) writes them), JSON-like
 * escapes. */
static char *toml_str(const char *s) {
        char *out, *o;

        out = o = xmalloc(strlen(s) * 2 + 3);
        *o++ = '"';
        for (; *s; s++) {
                if (*s == '"' || *s == '\\')
                        *o++ = '\\', *o++ = *s;
                else if (*s == '\n')
                        *o++ = '\\', *o++ = 'n';
                else if (*s == '\r')
                        *o++ = '\\', *o++ = 'r';
                else
                        *o++ = *s;
        }
        *o++ = '"';
        *o = '\0';
        return out;
}

int gen_emit_containers(const struct gen_ctx *g, FILE *o) {
        const struct profile_unit *u = g->profile ? profile_find_unit(g->profile, "containers") : NULL;
        const struct plan_item *drv = gen_item(g, "containers:driver");
        const char *graphroot = u && profile_unit_get(u, "graphroot") ? profile_unit_get(u, "graphroot") : DEFAULT_GRAPHROOT;
        const char *runroot = u && profile_unit_get(u, "runroot") ? profile_unit_get(u, "runroot") : DEFAULT_RUNROOT;
        const char *min_space = u ? profile_unit_get(u, "min_space") : NULL;
        _cleanup_free_ char *q_graph = toml_str(graphroot), *q_run = toml_str(runroot);
        bool btrfs = gen_item_usable(drv) && streq(drv->target, "btrfs");

        gen_header(g, o, "containers",
                   "Install as /etc/containers/storage.conf (a user's "
                   "~/.config/containers/storage.conf replaces it entirely; CONTAINERS_STORAGE_CONF "
                   "overrides both). Check with: podman info --format '{{.Store.GraphDriverName}}'",
                   gen_kind_groups);
        fprintf(o, "\n[storage]\n");
        if (gen_item_usable(drv)) {
                _cleanup_free_ char *q = toml_str(drv->target);
                if (drv->status == ITEM_DRIFT && drv->risk)
                        gen_commentf(o, "", "risk: %s", drv->risk);
                fprintf(o, "driver = %s\n", q);
        } else {
                if (drv)
                        gen_left_out(o, "", drv);
                gen_comment(o, "", "no driver line: containers-storage picks overlay (native since kernel 5.13)");
        }
        fprintf(o, "graphroot = %s\nrunroot = %s\n", q_graph, q_run);
        fprintf(o, "\n[storage.options]\n");
        gen_comment(o, "", "Mount options (compress=, noatime) cannot be given here for the btrfs "
                    "driver: they are options of the host mount of graphroot (fstab / fileSystems).");
        if (btrfs) {
                fprintf(o, "\n[storage.options.btrfs]\n");
                gen_comment(o, "", "'size' is documented but the btrfs driver rejects it; only min_space works.");
                if (min_space) {
                        _cleanup_free_ char *q = toml_str(min_space);
                        fprintf(o, "min_space = %s\n", q);
                }
        }
        return 0;
}
