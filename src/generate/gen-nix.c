/* SPDX-License-Identifier: MIT */
/*
 * nix.conf fragment from the nix:* items. Keys Nix does not have (the
 * seed's reserved-build-cores, fsync) are unsupported in the plan and only
 * appear as comments: Nix warns about unknown settings and NixOS refuses
 * them (nix.checkConfig).
 */
#include "generate/gen-internal.h"
#include "util.h"

int gen_emit_nix(const struct gen_ctx *g, FILE *o) {
        size_t n = 0;

        gen_header(g, o, "nix",
                   "Append to /etc/nix/nix.conf (or save as a file it includes with "
                   "'!include vpstune.conf'); the nix-daemon reads it when it starts: "
                   "systemctl restart nix-daemon. On NixOS use 'generate nixos' (nix.settings).",
                   gen_kind_groups);
        for (size_t i = 0; g->plan && i < g->plan->n_items; i++) {
                const struct plan_item *it = &g->plan->items[i];
                const char *key = startswith(it->knob, "nix:");
                if (!key)
                        continue;
                fputc('\n', o);
                if (!gen_item_usable(it)) {
                        gen_left_out(o, "", it);
                        continue;
                }
                if (it->risk)
                        gen_commentf(o, "", "risk: %s", it->risk);
                fprintf(o, "%s = %s\n", key, it->target);
                n++;
        }
        if (n == 0)
                fprintf(o, "\n# (the profile sets no Nix option that applies here)\n");
        return 0;
}
