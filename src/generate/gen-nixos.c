/* SPDX-License-Identifier: MIT */
/*
 * A NixOS module for this machine: what the seed's author should have
 * written (KNOWLEDGE.md "NixOS / disko output"). Every device is one that
 * exists here: filesystems by UUID, the GRUB disk by id; options NixOS
 * does not have are not invented: what has no option (btrfs BDI read-ahead,
 * no-COW, compression property) goes in a oneshot service's script.
 *
 * zramSwap: NixOS sizes zram as min(memoryPercent % of RAM, memoryMax).
 * The profile's expression is evaluated here (the plan's disksize target):
 * memoryMax = that many bytes and memoryPercent = 100 (or more, if the
 * target exceeds RAM) so that memoryMax is what decides, as the profile
 * said. On a machine with different RAM, regenerate.
 */
#include <inttypes.h>
#include <math.h>
#include <strings.h>

#include "generate/gen-internal.h"
#include "util.h"

#define I1 "  "
#define I2 "    "
#define I3 "      "

static void emit_list(FILE *o, char *const *l) {
        fprintf(o, "[");
        for (char *const *p = l; p && *p; p++) {
                _cleanup_free_ char *q = gen_nix_str(*p);
                fprintf(o, " %s", q);
        }
        fprintf(o, " ]");
}

static void emit_filesystems(const struct gen_ctx *g, FILE *o, const struct gen_mount *l, size_t n) {
        fprintf(o, "\n");
        gen_comment(o, I1, "Filesystems by UUID (a /dev/sdX name can change between boots). btrfs "
                    "options like compress, ssd, space_cache are filesystem-wide: only the first "
                    "mount sets them, so every subvolume of one filesystem lists the same ones; "
                    "noatime and other per-mount options may differ. nixos-generate-config copies "
                    "only subvol=.");
        for (size_t i = 0; i < n; i++) {
                const struct gen_mount *gm = &l[i];
                _cleanup_free_ char *dev = gen_mount_stable_path(gm), *qmp = gen_nix_str(gm->m->mountpoint);
                _cleanup_strv_ char **opts = gen_mount_all_options(gm, true);
                const char *c = dev ? "" : "# ";
                _cleanup_free_ char *qdev = NULL, *qtype = gen_nix_str(gm->m->fstype);

                if (!dev) {
                        gen_commentf(o, I1, "%s; /dev/%s is where it is now, a name that can change between boots",
                                     g->f->live ? "no UUID, PARTUUID or label known for this filesystem: give it one"
                                                : "UUID unknown here: run vpstune generate on the machine",
                                     gm->part ? gm->part->name : gm->disk->name);
                        dev = xasprintf("/dev/%s", gm->part ? gm->part->name : gm->disk->name);
                }
                qdev = gen_nix_str(dev);
                fprintf(o, I1 "%sfileSystems.%s = {\n", c, qmp);
                fprintf(o, I1 "%s  device = %s;\n", c, qdev);
                fprintf(o, I1 "%s  fsType = %s;\n", c, qtype);
                if (opts && *opts) {
                        fprintf(o, I1 "%s  options = ", c);
                        emit_list(o, opts);
                        fprintf(o, ";\n");
                }
                fprintf(o, I1 "%s};\n", c);
        }
}

static const struct partition_facts *find_part_type(const struct disk_facts *d, const char *guid) {
        for (size_t i = 0; d && i < d->n_partitions; i++) {
                const struct partition_facts *p = &d->partitions[i];
                if (p->parttype && strcasecmp(p->parttype, guid) == 0)
                        return p;
                /* A sysroot has no parttype: the disko rules (size <= 2 MiB unformatted). */
                if (!p->parttype && streq(guid, "21686148-6449-6e6f-744e-656564454649") && !p->fstype &&
                    p->size_bytes > 0 && p->size_bytes <= (2u << 20))
                        return p;
        }
        return NULL;
}

static void emit_boot(const struct gen_ctx *g, FILE *o) {
        const struct disk_facts *d = gen_disk_of_mount(g, "/boot");
        const struct fs_facts *esp = NULL;

        if (!d)
                d = gen_disk_of_mount(g, "/");
        for (size_t i = 0; i < g->f->n_fs; i++)
                if (g->f->fs[i].fstype && streq(g->f->fs[i].fstype, "vfat") && g->f->fs[i].mountpoint &&
                    startswith(g->f->fs[i].mountpoint, "/boot"))
                        esp = &g->f->fs[i];
        fprintf(o, "\n");
        if (g->f->uefi) {
                gen_comment(o, I1, "UEFI firmware here: GRUB as an EFI application (no MBR install).");
                fprintf(o, I1 "boot.loader.grub = {\n" I2 "enable = true;\n" I2 "device = \"nodev\";\n"
                           I2 "efiSupport = true;\n" I1 "};\n");
                fprintf(o, I1 "boot.loader.efi.canTouchEfiVariables = true;\n");
                if (esp) {
                        _cleanup_free_ char *q = gen_nix_str(esp->mountpoint);
                        fprintf(o, I1 "boot.loader.efi.efiSysMountPoint = %s;\n", q);
                } else
                        gen_comment(o, I1, "no vfat EFI system partition is mounted under /boot here: mount one");
                return;
        }
        gen_comment(o, I1, "Legacy BIOS here (no EFI firmware): GRUB in the disk's MBR, by id "
                    "(NixOS removed GRUB's version option: it is not set).");
        if (!d) {
                gen_comment(o, I1, "no disk holding /boot or / was found here: set boot.loader.grub.device");
                return;
        }
        {
                const char *id = devlinks_best_id(g->links, d->name);
                _cleanup_free_ char *path = id ? xasprintf("/dev/disk/by-id/%s", id) : xasprintf("/dev/%s", d->name);
                _cleanup_free_ char *q = gen_nix_str(path);
                if (!id)
                        gen_commentf(o, I1, "no /dev/disk/by-id link for %s here: its kernel name may change "
                                     "between boots; prefer a by-id name from the machine", d->name);
                fprintf(o, I1 "boot.loader.grub = {\n" I2 "enable = true;\n" I2 "device = %s;\n" I1 "};\n", q);
                if (d->pttype && streq(d->pttype, "gpt") &&
                    !find_part_type(d, "21686148-6449-6e6f-744e-656564454649"))
                        gen_commentf(o, I1, "%s is GPT without a BIOS boot partition (EF02): GRUB cannot "
                                     "install to it in BIOS mode", d->name);
        }
}

static void emit_udev(const struct gen_ctx *g, FILE *o) {
        size_t n = 0;
        for (size_t i = 0; i < g->f->n_disks; i++) {
                _cleanup_free_ char *rule = gen_udev_rule(g, &g->f->disks[i]), *esc = NULL;
                if (!rule)
                        continue;
                if (n++ == 0) {
                        fprintf(o, "\n");
                        gen_comment(o, I1, "Block queue of the disks detected here, matched by exact kernel name.");
                        fprintf(o, I1 "services.udev.extraRules = ''\n");
                }
                esc = gen_nix_indented(rule);
                fprintf(o, I2 "%s\n", esc);
        }
        if (n)
                fprintf(o, I1 "'';\n");
}

static void emit_sysctl(const struct gen_ctx *g, FILE *o) {
        size_t n = 0;
        for (size_t i = 0; i < g->plan->n_items; i++) {
                const struct plan_item *it = &g->plan->items[i];
                const char *key = startswith(it->knob, "sysctl:");
                _cleanup_free_ char *a = NULL, *v = NULL;
                if (!key || !gen_item_usable(it))
                        continue;
                if (n++ == 0) {
                        fprintf(o, "\n");
                        fprintf(o, I1 "boot.kernel.sysctl = {\n");
                }
                a = gen_nix_str(key);
                v = gen_nix_value(it->target);
                fprintf(o, I2 "%s = %s;\n", a, v);
        }
        if (n)
                fprintf(o, I1 "};\n");
}

static void emit_zram(const struct gen_ctx *g, FILE *o) {
        const struct plan_item *size = gen_item(g, "zram:zram0:disksize");
        const struct plan_item *alg = gen_item(g, "zram:zram0:comp_algorithm");
        const struct plan_item *swap = gen_item(g, "zram:zram0:swap");
        uint64_t bytes = 0;
        char b[32];

        if (!size || !size->target || safe_atou64(size->target, &bytes) < 0 ||
            (size->status != ITEM_OK && size->status != ITEM_DRIFT))
                return;
        fprintf(o, "\n");
        gen_commentf(o, I1, "zram swap of %s (compressed, in RAM; not a /tmp). NixOS takes the smaller of "
                     "memoryPercent of RAM and memoryMax: memoryMax is the profile's size as computed "
                     "for this machine.", format_bytes(b, bytes));
        fprintf(o, I1 "zramSwap = {\n" I2 "enable = true;\n");
        {
                uint64_t pct = 100;
                if (g->f->mem.total_bytes && bytes > g->f->mem.total_bytes)
                        pct = (uint64_t) util_ceil((double) bytes * 100.0 / (double) g->f->mem.total_bytes);
                fprintf(o, I2 "memoryPercent = %" PRIu64 ";\n", pct);
        }
        fprintf(o, I2 "memoryMax = %" PRIu64 ";\n", bytes);
        if (gen_item_usable(alg)) {
                _cleanup_free_ char *q = gen_nix_str(alg->target);
                fprintf(o, I2 "algorithm = %s;\n", q);
        }
        if (gen_item_usable(swap))
                fprintf(o, I2 "priority = %s;\n", swap->target);
        fprintf(o, I1 "};\n");
}

static void emit_containers(const struct gen_ctx *g, FILE *o) {
        const struct plan_item *drv = gen_item(g, "containers:driver");
        _cleanup_free_ char *q = NULL;
        if (!gen_item_usable(drv))
                return;
        q = gen_nix_str(drv->target);
        fprintf(o, "\n");
        if (drv->risk)
                gen_commentf(o, I1, "risk: %s", drv->risk);
        fprintf(o, I1 "virtualisation.containers.storage.settings.storage.driver = %s;\n", q);
}

static void emit_nix(const struct gen_ctx *g, FILE *o) {
        size_t n = 0;
        for (size_t i = 0; i < g->plan->n_items; i++) {
                const struct plan_item *it = &g->plan->items[i];
                const char *key = startswith(it->knob, "nix:");
                _cleanup_free_ char *a = NULL, *v = NULL;
                if (!key || !gen_item_usable(it) || streq(key, "*"))
                        continue;
                if (n++ == 0) {
                        fprintf(o, "\n");
                        gen_comment(o, I1, "Only options Nix has: an unknown key fails the system build "
                                    "(nix.checkConfig).");
                        fprintf(o, I1 "nix.settings = {\n");
                }
                a = gen_nix_attr(key);
                v = gen_nix_value(it->target);
                fprintf(o, I2 "%s = %s;\n", a, v);
        }
        if (n)
                fprintf(o, I1 "};\n");
        for (size_t i = 0; i < g->plan->n_items; i++) {
                const struct plan_item *it = &g->plan->items[i];
                if (startswith(it->knob, "nix:") && it->status == ITEM_UNSUPPORTED)
                        gen_left_out(o, I1, it);
        }
}

/* Script lines for what NixOS has no option for. Returns how many. */
static size_t script_lines(const struct gen_ctx *g, FILE *o) {
        size_t n = 0;
        for (size_t i = 0; i < g->plan->n_items; i++) {
                const struct plan_item *it = &g->plan->items[i];
                const char *rest;
                if (!gen_item_wanted(g, it))
                        continue;
                if ((rest = startswith(it->knob, "bdi:")) && strstr(rest, ":read_ahead_kb")) {
                        _cleanup_free_ char *mp = xstrndup(rest, (size_t) (strrchr(rest, ':') - rest));
                        const struct fs_facts *m = facts_find_mount(g->f, mp);
                        _cleanup_free_ char *rel = NULL, *path = NULL;
                        if (!m || !m->uuid) {
                                fprintf(o, I3 "# %s: btrfs UUID of %s unknown here; left out\n", it->knob, mp);
                                continue;
                        }
                        rel = xasprintf("fs/btrfs/%s/bdi/read_ahead_kb", m->uuid);
                        path = sysroot_display_path(SR_SYS, rel);
                        fprintf(o, I3 "# btrfs reads ahead through its own BDI, not the disk's (%s)\n", mp);
                        {
                                _cleanup_free_ char *qv = gen_sh_quote(it->target), *qp = gen_sh_quote(path);
                                fprintf(o, I3 "echo %s > %s\n", qv, qp);
                        }
                        n++;
                } else if ((rest = startswith(it->knob, "attr:")) && strstr(rest, ":nocow")) {
                        _cleanup_free_ char *dir = xstrndup(rest, (size_t) (strrchr(rest, ':') - rest));
                        _cleanup_free_ char *q = NULL, *c = NULL;
                        if (!streq(it->target, "on"))
                                continue;
                        /* Profile values in a root script: one quoting function. */
                        q = gen_sh_quote(dir);
                        c = gen_one_line(dir);
                        fprintf(o, I3 "# no-COW for new files in %s: chattr +C only takes on an empty directory\n", c);
                        fprintf(o, I3 "if [ -d %s ] && [ -z \"$(ls -A %s)\" ]; then chattr +C %s; fi\n", q, q, q);
                        n++;
                } else if ((rest = startswith(it->knob, "prop:")) && strstr(rest, ":compression")) {
                        _cleanup_free_ char *dir = xstrndup(rest, (size_t) (strrchr(rest, ':') - rest));
                        _cleanup_free_ char *qd = gen_sh_quote(dir), *qv = gen_sh_quote(it->target);
                        _cleanup_free_ char *c = gen_one_line(dir);
                        fprintf(o, I3 "# compression property for new files in %s (the level comes from the mount)\n", c);
                        fprintf(o, I3 "btrfs property set %s compression %s\n", qd, qv);
                        n++;
                }
        }
        return n;
}

static void emit_service(const struct gen_ctx *g, FILE *o) {
        char *buf = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&buf, &len);
        size_t n;

        if (!m)
                abort();
        n = script_lines(g, m);
        fclose(m);
        if (n > 0) {
                _cleanup_free_ char *esc = gen_nix_indented(buf);
                fprintf(o, "\n");
                gen_comment(o, I1, "What NixOS has no option for, once per boot after the filesystems are mounted.");
                fprintf(o, I1 "systemd.services.vm-optimizations = {\n"
                           I2 "description = \"VM tunings without a NixOS option (vpstune)\";\n"
                           I2 "wantedBy = [ \"multi-user.target\" ];\n"
                           I2 "after = [ \"local-fs.target\" ];\n"
                           I2 "path = [ pkgs.e2fsprogs pkgs.btrfs-progs pkgs.coreutils ];\n"
                           I2 "serviceConfig = {\n" I3 "Type = \"oneshot\";\n" I3 "RemainAfterExit = true;\n" I2 "};\n"
                           I2 "script = ''\n%s" I2 "'';\n" I1 "};\n", esc);
        }
        free(buf);
}

/* systemd.tmpfiles.rules, once per module (a second definition of the
 * same attribute is an error): the snapshot directory, when there is one,
 * and the lines of the kinds that persist through tmpfiles (sysfs, THP...). */
static void emit_tmpfiles_rules(const struct gen_ctx *g, FILE *o, bool snapshots) {
        _cleanup_strv_ char **rules = NULL;

        if (snapshots)
                strv_push(&rules, "d /.snapshots 0755 root root -");
        for (size_t i = 0; g->plan && i < g->plan->n_items; i++) {
                const char *why;
                char *line = gen_tmpfiles_line(g, &g->plan->items[i], &why);
                if (line)
                        strv_consume(&rules, line);
        }
        if (!rules || !*rules)
                return;
        if (!snapshots) {
                fprintf(o, "\n");
                gen_comment(o, I1, "Kernel settings under /sys, written at every boot by systemd-tmpfiles.");
        }
        if (strv_length(rules) == 1) {
                _cleanup_free_ char *q = gen_nix_str(rules[0]);
                fprintf(o, I1 "systemd.tmpfiles.rules = [ %s ];\n", q);
                return;
        }
        fprintf(o, I1 "systemd.tmpfiles.rules = [\n");
        for (char **r = rules; *r; r++) {
                _cleanup_free_ char *q = gen_nix_str(*r);
                fprintf(o, I2 "%s\n", q);
        }
        fprintf(o, I1 "];\n");
}

static bool has_btrfs_root(const struct gen_mount *l, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (l[i].subvol && streq(l[i].m->mountpoint, "/"))
                        return true;
        return false;
}

static void emit_btrfs_services(const struct gen_ctx *g, FILE *o, const struct gen_mount *l, size_t n) {
        const char *root_mm = NULL;
        for (size_t i = 0; i < n; i++)
                if (l[i].subvol && streq(l[i].m->mountpoint, "/"))
                        root_mm = l[i].m->majmin;
        if (!root_mm)
                return;
        fprintf(o, "\n");
        gen_comment(o, I1, "Scrub reads every block and checks it against its checksum (the seed's "
                    "weekly 'btrfs scrub status /').");
        fprintf(o, I1 "services.btrfs.autoScrub = {\n" I2 "enable = true;\n" I2 "fileSystems = [ \"/\" ];\n"
                   I2 "interval = \"weekly\";\n" I1 "};\n");
        fprintf(o, "\n");
        gen_comment(o, I1, "Snapshots (the seed's backup advice, on a schedule): daily for a week, weekly "
                    "for a month, monthly for half a year, into /.snapshots.");
        emit_tmpfiles_rules(g, o, true);
        fprintf(o, I1 "services.btrbk.instances.vpstune = {\n" I2 "onCalendar = \"daily\";\n" I2 "settings = {\n"
                   I3 "timestamp_format = \"long\";\n" I3 "snapshot_preserve_min = \"2d\";\n"
                   I3 "snapshot_preserve = \"7d 4w 6m\";\n" I3 "volume.\"/\" = {\n"
                   I3 "  snapshot_dir = \".snapshots\";\n");
        for (size_t i = 0; i < n; i++) {
                const char *why = NULL;
                _cleanup_free_ char *name = NULL, *q = NULL;
                if (!l[i].subvol || !streq_ptr(l[i].m->majmin, root_mm))
                        continue;
                if (!gen_btrbk_wants(&l[i], &why)) {
                        fprintf(o, I3 "  # %s left out: %s\n", l[i].m->mountpoint, why);
                        continue;
                }
                name = gen_btrbk_name(&l[i]);
                q = gen_nix_str(streq(l[i].m->mountpoint, "/") ? "." : l[i].m->mountpoint + 1);
                fprintf(o, I3 "  subvolume.%s.snapshot_name = \"%s\";\n", q, name);
        }
        fprintf(o, I3 "};\n" I2 "};\n" I1 "};\n");
}

int gen_emit_nixos(const struct gen_ctx *g, FILE *o) {
        struct gen_mount *l = NULL;
        size_t n = 0;

        gen_mounts_collect(g, &l, &n);
        gen_header(g, o, "nixos",
                   "A NixOS module for this machine: save it next to configuration.nix and add it "
                   "to imports = [ ./vpstune.nix ];. Check it with: nix-instantiate --parse FILE.",
                   NULL);
        fprintf(o, "{ config, lib, pkgs, ... }:\n\n{");
        emit_filesystems(g, o, l, n);
        emit_boot(g, o);
        if (g->plan) {
                emit_udev(g, o);
                emit_sysctl(g, o);
                emit_zram(g, o);
                emit_containers(g, o);
                emit_nix(g, o);
                emit_service(g, o);
        }
        emit_btrfs_services(g, o, l, n);
        if (!has_btrfs_root(l, n))
                emit_tmpfiles_rules(g, o, false);
        fprintf(o, "}\n");
        gen_mounts_free(l, n);
        return 0;
}
