/* SPDX-License-Identifier: MIT */
/*
 * fstab(5) entries by UUID for the disk filesystems mounted here. Pass
 * numbers: 0 for btrfs (fsck.btrfs does nothing; btrfs checks itself at
 * mount), 1 for a non-btrfs "/", 2 for the others. A filesystem with no
 * known UUID, PARTUUID or label is commented out: /dev/sdX names can change
 * between boots and vpstune does not invent identifiers.
 */
#include <sys/param.h>

#include "generate/gen-internal.h"
#include "util.h"

struct line {
        char *spec, *mp, *type, *opts;
        int pass;
        bool commented;
};

int gen_emit_fstab(const struct gen_ctx *g, FILE *o) {
        struct gen_mount *l = NULL;
        struct line *lines;
        size_t n = 0, w[3] = { 0, 0, 0 };

        gen_mounts_collect(g, &l, &n);
        gen_header(g, o, "fstab",
                   "Entries for /etc/fstab. btrfs options such as compress, ssd, space_cache are "
                   "filesystem-wide: only the first mount of a filesystem sets them, so every "
                   "subvolume line of one filesystem carries the same ones; noatime and other "
                   "per-mount options may differ per line.",
                   gen_kind_groups);
        lines = xcalloc(n ? n : 1, sizeof(*lines));
        for (size_t i = 0; i < n; i++) {
                _cleanup_strv_ char **opts = gen_mount_all_options(&l[i], true);
                struct line *ln = &lines[i];
                ln->spec = gen_mount_fstab_spec(&l[i]);
                if (!ln->spec) {
                        ln->spec = xasprintf("/dev/%s", l[i].part ? l[i].part->name : l[i].disk->name);
                        ln->commented = true;
                }
                ln->mp = xstrdup(l[i].m->mountpoint);
                ln->type = xstrdup(l[i].m->fstype);
                ln->opts = opts && *opts ? strv_join(opts, ",") : xstrdup("defaults");
                ln->pass = l[i].subvol ? 0 : streq(ln->mp, "/") ? 1 : 2;
                w[0] = MAX(w[0], strlen(ln->spec) + (ln->commented ? 2 : 0));
                w[1] = MAX(w[1], strlen(ln->mp));
                w[2] = MAX(w[2], strlen(ln->type));
        }
        fprintf(o, "\n");
        for (size_t i = 0; i < n; i++) {
                struct line *ln = &lines[i];
                if (ln->commented)
                        fprintf(o, g->f->live ? "# no UUID, PARTUUID or label known for this filesystem: give it one "
                                                "(tune2fs -U random, btrfstune -u, or a label)\n"
                                              : "# UUID unknown here: run vpstune generate on the machine itself\n");
                fprintf(o, "%s%-*s  %-*s  %-*s  %s  0  %d\n", ln->commented ? "# " : "",
                        (int) (w[0] - (ln->commented ? 2 : 0)), ln->spec, (int) w[1], ln->mp, (int) w[2],
                        ln->type, ln->opts, ln->pass);
                free(ln->spec);
                free(ln->mp);
                free(ln->type);
                free(ln->opts);
        }
        for (size_t i = 0; i < g->f->n_swaps; i++) {
                const struct swap_entry *s = &g->f->swaps[i];
                const struct partition_facts *p = NULL;
                if (s->type && streq(s->type, "partition") && facts_disk_of_source(g->f, s->filename, &p) && p &&
                    p->uuid && !startswith(s->filename, "/dev/zram"))
                        fprintf(o, "UUID=%s  none  swap  defaults,pri=%d  0  0\n", p->uuid, s->priority);
        }
        fprintf(o, "\n");
        gen_comment(o, "", "zram swap is not in fstab: zram-generator ('vpstune generate zram') or "
                    "NixOS zramSwap creates it at every boot.");
        free(lines);
        gen_mounts_free(l, n);
        return 0;
}
