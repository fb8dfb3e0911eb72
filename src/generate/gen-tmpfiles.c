/* SPDX-License-Identifier: MIT */
/*
 * tmpfiles.d: the sysfs-backed kinds the registry persists this way
 * (sysfs:, thp:, ksm:, ...). At boot systemd-tmpfiles-setup writes each
 * "w PATH - - - - VALUE" line to its file if the file exists: the same
 * write apply makes, without a service of our own. The path comes from the
 * kind (knob.h, path()), so a new kind needs no change here.
 */
#include "generate/gen-internal.h"
#include "knobs/knob.h"
#include "util.h"

char *gen_tmpfiles_line(const struct gen_ctx *g, const struct plan_item *it, const char **ret_why) {
        const struct knob_kind *k = knob_kind_by_group(it->group);
        _cleanup_free_ char *path = NULL;

        *ret_why = NULL;
        if (!k || !knob_kind_persists_to(k, "tmpfiles") || !gen_item_usable(it))
                return NULL;
        path = knob_path(g->f, it->knob);
        /* tmpfiles splits at whitespace; a value runs to the end of line */
        if (!path || strpbrk(path, " \t\n\\") || !*it->target || strpbrk(it->target, "\n\\")) {
                *ret_why = "its path or value cannot be written as a tmpfiles.d line";
                return NULL;
        }
        return xasprintf("w %s - - - - %s", path, it->target);
}

int gen_emit_tmpfiles(const struct gen_ctx *g, FILE *o) {
        size_t n = 0;

        gen_header(g, o, "tmpfiles",
                   "Install as /etc/tmpfiles.d/60-vpstune.conf; systemd-tmpfiles writes these kernel "
                   "settings at every boot ('systemd-tmpfiles --create FILE' does it now).",
                   gen_kind_groups);
        for (size_t i = 0; g->plan && i < g->plan->n_items; i++) {
                const struct plan_item *it = &g->plan->items[i];
                const struct knob_kind *k = knob_kind_by_group(it->group);
                const char *why;
                _cleanup_free_ char *line = NULL;

                if (!k || !knob_kind_persists_to(k, "tmpfiles"))
                        continue;
                fputc('\n', o);
                if (!gen_item_usable(it)) {
                        gen_left_out(o, "", it);
                        continue;
                }
                line = gen_tmpfiles_line(g, it, &why);
                if (!line) {
                        gen_commentf(o, "", "left out: %s = %s: %s", it->knob, it->target, why);
                        continue;
                }
                gen_commentf(o, "", "%s%s%s", it->knob, it->note ? ": " : "", strempty(it->note));
                fprintf(o, "%s\n", line);
                n++;
        }
        if (n == 0)
                fprintf(o, "\n# (the profile sets no sysfs value that applies here)\n");
        return 0;
}
