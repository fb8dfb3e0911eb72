/* SPDX-License-Identifier: MIT */
/*
 * sysctl.d file from the sysctl:* items. dirty_ratio and dirty_bytes (and
 * the background pair) exclude each other: writing one zeroes the other, so
 * a file with both sets whichever comes last. Only the first of a pair the
 * plan names is written; the other becomes a comment.
 */
#include "generate/gen-internal.h"
#include "util.h"

static const char *twin_of(const char *key) {
        static const char *const pairs[][2] = {
                { "vm.dirty_ratio", "vm.dirty_bytes" },
                { "vm.dirty_background_ratio", "vm.dirty_background_bytes" },
        };
        for (size_t i = 0; i < ELEMENTSOF(pairs); i++) {
                if (streq(key, pairs[i][0]))
                        return pairs[i][1];
                if (streq(key, pairs[i][1]))
                        return pairs[i][0];
        }
        return NULL;
}

int gen_emit_sysctl(const struct gen_ctx *g, FILE *o) {
        char **written = NULL;
        size_t n = 0;

        gen_header(g, o, "sysctl",
                   "Install as /etc/sysctl.d/60-vpstune.conf and load with 'sysctl --system' (or "
                   "'sysctl -p FILE'). A file in /etc overrides one of the same name in /run and "
                   "/usr/lib; for the same key, the file sorting last wins.",
                   gen_kind_groups);
        for (size_t i = 0; g->plan && i < g->plan->n_items; i++) {
                const struct plan_item *it = &g->plan->items[i];
                const char *key = startswith(it->knob, "sysctl:"), *twin;

                if (!key)
                        continue;
                fputc('\n', o);
                if (!gen_item_usable(it)) {
                        gen_left_out(o, "", it);
                        continue;
                }
                if (strpbrk(it->target, "\r\n")) {
                        gen_commentf(o, "", "left out: %s: its value has a line break, and sysctl.d takes one line "
                                     "per setting (the rest would be read as another setting)", key);
                        continue;
                }
                twin = twin_of(key);
                if (twin && strv_contains(written, twin)) {
                        gen_commentf(o, "", "left out: %s = %s: %s is set above, and writing one of the pair "
                                     "zeroes the other", key, it->target, twin);
                        continue;
                }
                if (it->note)
                        gen_comment(o, "", it->note);
                if (it->risk)
                        gen_commentf(o, "", "risk: %s", it->risk);
                fprintf(o, "%s = %s\n", key, it->target);
                strv_push(&written, key);
                n++;
        }
        if (n == 0)
                fprintf(o, "\n# (the profile sets no sysctl that applies here)\n");
        strv_free(written);
        return 0;
}
