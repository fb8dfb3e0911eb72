/* SPDX-License-Identifier: MIT */
/*
 * zram-generator.conf: the profile's size expression as written (the
 * generator evaluates it at every boot, on whatever RAM the machine has
 * then), the algorithm the plan picked from those this kernel offers.
 */
#include "generate/gen-internal.h"
#include "util.h"

int gen_emit_zram(const struct gen_ctx *g, FILE *o) {
        const struct profile_unit *u = g->profile ? profile_find_unit(g->profile, "zram") : NULL;
        const char *dev = u && profile_unit_get(u, "device") ? profile_unit_get(u, "device") : "zram0";
        _cleanup_free_ char *k_size = xasprintf("zram:%s:disksize", dev);
        _cleanup_free_ char *k_alg = xasprintf("zram:%s:comp_algorithm", dev);
        _cleanup_free_ char *k_swap = xasprintf("zram:%s:swap", dev);
        const struct plan_item *size = gen_item(g, k_size), *alg = gen_item(g, k_alg), *swap = gen_item(g, k_swap);
        const char *expr = u ? profile_unit_get(u, "zram-size") : NULL;

        gen_header(g, o, "zram",
                   "Install as /etc/systemd/zram-generator.conf (systemd-zram-generator); it sets up "
                   "the device and its swap at boot. zram is compressed swap in RAM: it is not "
                   "in fstab and it is not a /tmp.",
                   gen_kind_groups);
        if (!u || (!size && !alg && !swap)) {
                fprintf(o, "\n# (the profile has no [zram] unit)\n");
                return 0;
        }
        fprintf(o, "\n[%s]\n", dev);
        if (expr && size && size->status != ITEM_ABSENT && size->status != ITEM_ERROR) {
                gen_commentf(o, "", "ram = MemTotal in MiB at boot; here that gives %s bytes",
                             strna(size->target));
                fprintf(o, "zram-size = %s\n", expr);
        } else if (size)
                gen_left_out(o, "", size);
        if (gen_item_usable(alg)) {
                const char *want = profile_unit_get(u, "compression-algorithm");
                if (want && !streq(want, alg->target))
                        gen_commentf(o, "", "the first of '%s' that this kernel offers", want);
                fprintf(o, "compression-algorithm = %s\n", alg->target);
        } else if (alg)
                gen_left_out(o, "", alg);
        if (gen_item_usable(swap))
                fprintf(o, "swap-priority = %s\n", swap->target);
        else if (swap)
                gen_left_out(o, "", swap);
        return 0;
}
