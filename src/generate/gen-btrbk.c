/* SPDX-License-Identifier: MIT */
/*
 * btrbk.conf: snapshots of the mounted btrfs subvolumes, the seed's
 * "btrfs subvolume snapshot / /.snapshots/DATE" made regular. Retention is
 * a choice (the seed gives none): daily for a week, weekly for a month,
 * monthly for half a year, nothing younger than two days deleted.
 *
 * "volume /" with subvolume paths relative to it works because each
 * mounted subvolume is a subvolume root at its mount point; snapshots go
 * to /.snapshots, on the same filesystem as "/" (a snapshot cannot cross
 * filesystems, so subvolumes of another btrfs are left out).
 */
#include "generate/gen-internal.h"
#include "util.h"

#define SNAPSHOT_PRESERVE_MIN "2d"
#define SNAPSHOT_PRESERVE "7d 4w 6m"

bool gen_btrbk_wants(const struct gen_mount *gm, const char **ret_why_not) {
        static const struct {
                const char *mp;
                const char *why;
        } skip[] = {
                { "/nix", "the Nix store is rebuilt from the configuration, not restored" },
                { "/var/cache", "caches are rebuilt" },
                { "/var/lib/containers", "container storage: images are pulled again, and the btrfs "
                                          "driver's own subvolumes below it are not in a snapshot" },
                { "/tmp", "temporary" },
                { "/var/tmp", "temporary" },
        };
        if (!gm->subvol) {
                *ret_why_not = "not btrfs";
                return false;
        }
        for (size_t i = 0; i < ELEMENTSOF(skip); i++)
                if (streq(gm->m->mountpoint, skip[i].mp)) {
                        *ret_why_not = skip[i].why;
                        return false;
                }
        *ret_why_not = NULL;
        return true;
}

char *gen_btrbk_name(const struct gen_mount *gm) {
        const char *s = gm->subvol ? gm->subvol : "";
        const char *base = strrchr(s, '/');
        base = base ? base + 1 : s;
        while (*base == '@')
                base++;
        if (!*base)
                return xstrdup(streq(gm->m->mountpoint, "/") ? "root" : "subvolume");
        return xstrdup(base);
}

/* The root's btrfs: only its subvolumes can be snapshotted into /.snapshots. */
static const char *root_majmin(const struct gen_mount *l, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (l[i].subvol && streq(l[i].m->mountpoint, "/"))
                        return l[i].m->majmin;
        return NULL;
}

int gen_emit_btrbk(const struct gen_ctx *g, FILE *o) {
        struct gen_mount *l = NULL;
        size_t n = 0;
        const char *mm;

        gen_mounts_collect(g, &l, &n);
        mm = root_majmin(l, n);
        gen_header(g, o, "btrbk",
                   "Install as /etc/btrbk/btrbk.conf; create the snapshot directory once "
                   "(btrfs subvolume create /.snapshots, or mkdir) and run 'btrbk run' from a "
                   "timer (Debian's btrbk package ships btrbk.timer, daily).",
                   (const char *const[]) { NULL });
        if (!mm) {
                fprintf(o, "\n# (\"/\" is not on btrfs here: nothing to snapshot)\n");
                gen_mounts_free(l, n);
                return 0;
        }
        fprintf(o, "\ntimestamp_format        long\n"
                   "snapshot_preserve_min   %s\n"
                   "snapshot_preserve       %s\n"
                   "\nvolume /\n"
                   "  snapshot_dir          .snapshots\n",
                SNAPSHOT_PRESERVE_MIN, SNAPSHOT_PRESERVE);
        for (size_t i = 0; i < n; i++) {
                const char *why = NULL;
                _cleanup_free_ char *name = NULL;
                const char *rel;
                if (!l[i].subvol)
                        continue;
                if (!streq_ptr(l[i].m->majmin, mm)) {
                        fprintf(o, "  # %s left out: another btrfs than /'s\n", l[i].m->mountpoint);
                        continue;
                }
                if (!gen_btrbk_wants(&l[i], &why)) {
                        fprintf(o, "  # %s left out: %s\n", l[i].m->mountpoint, why);
                        continue;
                }
                name = gen_btrbk_name(&l[i]);
                rel = streq(l[i].m->mountpoint, "/") ? "." : l[i].m->mountpoint + 1;
                fprintf(o, "  subvolume %s\n    snapshot_name       %s\n", rel, name);
        }
        gen_mounts_free(l, n);
        return 0;
}
