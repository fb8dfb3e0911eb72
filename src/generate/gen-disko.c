/* SPDX-License-Identifier: MIT */
/*
 * disko layout of the partition table detected here (KNOWLEDGE.md "NixOS /
 * disko output"): the same partitions, sizes and filesystems, in the same
 * order (explicit priority, since disko otherwise sorts by type), btrfs
 * subvolumes with their mount points and options.
 *
 * Partition types: BIOS boot (EF02) and ESP (EF00) by their GPT type GUIDs;
 * a sysroot does not record those, so there: an unformatted partition of at
 * most 2 MiB is BIOS boot, a vfat one is the ESP.
 */
#include <inttypes.h>
#include <strings.h>

#include "generate/gen-internal.h"
#include "util.h"

#define GUID_BIOS_BOOT "21686148-6449-6e6f-744e-656564454649"
#define GUID_ESP "c12a7328-f81f-11d2-ba4b-00a0c93ec93b"

#define I2 "    "

static const char *gpt_type(const struct partition_facts *p) {
        if (p->parttype) {
                if (strcasecmp(p->parttype, GUID_BIOS_BOOT) == 0)
                        return "EF02";
                if (strcasecmp(p->parttype, GUID_ESP) == 0)
                        return "EF00";
                return NULL;
        }
        if (!p->fstype && p->size_bytes > 0 && p->size_bytes <= (UINT64_C(2) << 20))
                return "EF02";
        if (p->fstype && streq(p->fstype, "vfat"))
                return "EF00";
        return NULL;
}

static const struct gen_mount *mount_of_part(const struct gen_mount *l, size_t n, const struct partition_facts *p) {
        for (size_t i = 0; i < n; i++)
                if (l[i].part == p)
                        return &l[i];
        return NULL;
}

static bool disk_is_used(const struct disk_facts *d, const struct gen_mount *l, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (l[i].disk == d)
                        return true;
        return false;
}

/* "root" for the one holding /, "ESP", "boot", "bios", else "partN". */
static char *part_name(const struct partition_facts *p, const struct gen_mount *gm, const char *type,
                       const struct gen_mount *l, size_t n) {
        if (type && streq(type, "EF02"))
                return xstrdup("bios");
        if (type && streq(type, "EF00"))
                return xstrdup("ESP");
        for (size_t i = 0; i < n; i++)
                if (l[i].part == p && streq(l[i].m->mountpoint, "/"))
                        return xstrdup("root");
        if (gm && streq(gm->m->mountpoint, "/boot"))
                return xstrdup("boot");
        return xasprintf("part%u", p->partno);
}

static void emit_options(FILE *o, const char *indent, char *const *opts) {
        if (!opts || !*opts)
                return;
        fprintf(o, "%smountOptions = [", indent);
        for (char *const *p = opts; *p; p++) {
                _cleanup_free_ char *q = gen_nix_str(*p);
                fprintf(o, " %s", q);
        }
        fprintf(o, " ];\n");
}

static void emit_btrfs(const struct gen_ctx *g, FILE *o, const char *in, const struct partition_facts *p,
                       const struct gen_mount *l, size_t n) {
        bool first = true;
        (void) g;
        fprintf(o, "%scontent = {\n%s  type = \"btrfs\";\n", in, in);
        if (p && p->label) {
                _cleanup_free_ char *q = gen_nix_str(p->label);
                fprintf(o, "%s  extraArgs = [ \"-L\" %s ];\n", in, q);
        }
        fprintf(o, "%s  # disko does not warn: compress, ssd, space_cache, discard... are\n"
                   "%s  # filesystem-wide; only the first mount sets them. They are the same on\n"
                   "%s  # every subvolume below on purpose; only noatime and the like may differ.\n",
                in, in, in);
        fprintf(o, "%s  subvolumes = {\n", in);
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *name = NULL, *qn = NULL, *qmp = NULL;
                _cleanup_strv_ char **opts = NULL;
                _cleanup_free_ char *ind = NULL;
                if (!l[i].subvol || (p ? l[i].part != p : l[i].part != NULL))
                        continue;
                name = xasprintf("/%s", l[i].subvol);
                qn = gen_nix_str(name);
                qmp = gen_nix_str(l[i].m->mountpoint);
                opts = gen_mount_all_options(&l[i], false);
                ind = xasprintf("%s      ", in);
                fprintf(o, "%s    %s = {\n%s      mountpoint = %s;\n", in, qn, in, qmp);
                emit_options(o, ind, opts);
                fprintf(o, "%s    };\n", in);
                first = false;
        }
        if (first)
                fprintf(o, "%s    # no subvolume of it is mounted here\n", in);
        fprintf(o, "%s  };\n%s};\n", in, in);
}

static void emit_fs(FILE *o, const char *in, const char *fstype, const struct gen_mount *gm) {
        _cleanup_free_ char *qf = gen_nix_str(fstype);
        fprintf(o, "%scontent = {\n%s  type = \"filesystem\";\n%s  format = %s;\n", in, in, in, qf);
        if (gm) {
                _cleanup_free_ char *qmp = gen_nix_str(gm->m->mountpoint), *ind = xasprintf("%s  ", in);
                _cleanup_strv_ char **opts = gen_mount_all_options(gm, false);
                fprintf(o, "%s  mountpoint = %s;\n", in, qmp);
                emit_options(o, ind, opts);
        } else
                fprintf(o, "%s  # not mounted here\n", in);
        fprintf(o, "%s};\n", in);
}

static void emit_disk(const struct gen_ctx *g, FILE *o, const struct disk_facts *d, const struct gen_mount *l,
                      size_t n) {
        const char *id = devlinks_best_id(g->links, d->name);
        _cleanup_free_ char *dev = id ? xasprintf("/dev/disk/by-id/%s", id) : xasprintf("/dev/%s", d->name);
        _cleanup_free_ char *qd = gen_nix_str(dev), *qn = gen_nix_attr(d->name);
        char b[32];

        fprintf(o, "\n");
        gen_commentf(o, "      ", "%s: %s, %s%s", d->name, transport_to_string(d->transport), format_bytes(b, d->size_bytes),
                     id ? "" : "; no by-id link here, so the kernel name (it can change between boots)");
        fprintf(o, "      %s = {\n        type = \"disk\";\n        device = %s;\n", qn, qd);
        if (d->n_partitions == 0) {
                const struct gen_mount *gm = NULL;
                for (size_t i = 0; i < n; i++)
                        if (l[i].disk == d && !l[i].part)
                                gm = &l[i];
                if (gm && gm->subvol)
                        emit_btrfs(g, o, "        ", NULL, l, n);
                else if (gm)
                        emit_fs(o, "        ", gm->m->fstype, gm);
                fprintf(o, "      };\n");
                return;
        }
        if (d->pttype && !streq(d->pttype, "gpt"))
                gen_commentf(o, "        ", "the table here is %s; written as GPT (disko's gpt type), "
                             "which BIOS GRUB needs an EF02 partition for", d->pttype);
        fprintf(o, "        content = {\n          type = \"gpt\";\n          partitions = {\n");
        for (size_t j = 0; j < d->n_partitions; j++) {
                const struct partition_facts *p = &d->partitions[j];
                const struct gen_mount *gm = mount_of_part(l, n, p);
                const char *type = gpt_type(p);
                _cleanup_free_ char *name = part_name(p, gm, type, l, n);
                const char *in = "              ";
                bool last = j + 1 == d->n_partitions;

                fprintf(o, "            %s = {\n", name);
                fprintf(o, "%spriority = %zu;\n", in, (j + 1) * 100);
                fprintf(o, "%ssize = \"%s\";\n", in, last ? "100%" : gen_disko_size(b, p->size_bytes));
                if (type)
                        fprintf(o, "%stype = \"%s\";\n", in, type);
                if (type && streq(type, "EF02"))
                        ; /* GRUB's core image goes there: no filesystem */
                else if (p->fstype && streq(p->fstype, "btrfs"))
                        emit_btrfs(g, o, in, p, l, n);
                else if (p->fstype && streq(p->fstype, "swap"))
                        fprintf(o, "%scontent = { type = \"swap\"; };\n", in);
                else if (p->fstype)
                        emit_fs(o, in, p->fstype, gm);
                else
                        fprintf(o, "%s# no filesystem known here\n", in);
                fprintf(o, "            };\n");
        }
        fprintf(o, "          };\n        };\n      };\n");
}

int gen_emit_disko(const struct gen_ctx *g, FILE *o) {
        struct gen_mount *l = NULL;
        size_t n = 0;

        gen_mounts_collect(g, &l, &n);
        gen_header(g, o, "disko",
                   "disko layout of this machine's disks as detected (partitions, sizes, "
                   "filesystems, btrfs subvolumes with the planned options). disko FORMATS the "
                   "disks it is run on: read it before use. Check with: nix-instantiate --parse FILE.",
                   gen_kind_groups);
        fprintf(o, "{\n  disko.devices = {\n    disk = {");
        for (size_t i = 0; i < g->f->n_disks; i++) {
                const struct disk_facts *d = &g->f->disks[i];
                if (!disk_is_used(d, l, n)) {
                        if (d->transport != TRANSPORT_LOOP && d->transport != TRANSPORT_ZRAM && d->size_bytes > 0) {
                                fprintf(o, "\n");
                                gen_commentf(o, "      ", "%s left out: nothing on it is mounted here", d->name);
                        }
                        continue;
                }
                emit_disk(g, o, d, l, n);
        }
        fprintf(o, "    };\n  };\n}\n");
        gen_mounts_free(l, n);
        return 0;
}
