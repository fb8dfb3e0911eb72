/* SPDX-License-Identifier: MIT */
/*
 * Shared by the emitters (gen-*.c): plan lookups, comments and the header,
 * Nix string syntax, and the model of the disk filesystems to persist.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "generate/generate.h"
#include "util.h"

/* ---- plan items ---- */
const struct plan_item *gen_item(const struct gen_ctx *g, const char *knob);
/* In effect or can be made so: ok or drift, with a target. Anything else
 * (absent, unsupported, error) is left out with a comment. */
bool gen_item_usable(const struct plan_item *it);
/* Usable, or a per-directory btrfs item that a sysroot cannot show (see
 * gen-common.c). */
bool gen_item_wanted(const struct gen_ctx *g, const struct plan_item *it);
bool gen_item_in_group(const struct plan_item *it, const char *const *groups);
/* "knob (status): note", for left-out comments. Caller frees. */
char *gen_item_why(const struct plan_item *it);
/* The profile given (-p): a built-in name or the path of a file. */
const char *gen_profile_arg(const struct gen_ctx *g);

/* ---- comments ---- */
/* '#' comment wrapped at 78 columns; continuation lines indented by two. */
void gen_comment(FILE *o, const char *indent, const char *text);
void gen_commentf(FILE *o, const char *indent, const char *fmt, ...) _printf_(3, 4);
/* Header: who generated it from what, when; what the file is; then every
 * item of the given groups (NULL: all; gen_kind_groups: the kinds that
 * persist through this target, from the knob registry) left out, and why. */
extern const char *const gen_kind_groups[];
void gen_header(const struct gen_ctx *g, FILE *o, const char *target, const char *what,
                const char *const *groups);
/* "# left out: KNOB (status): note" */
void gen_left_out(FILE *o, const char *indent, const struct plan_item *it);

/* ---- Nix syntax ---- */
/* "..." string with \\ \" \n \t \r and ${ escaped. Caller frees. */
char *gen_nix_str(const char *s);
/* 'single-quoted' for POSIX sh; round-trips any string. */
char *gen_sh_quote(const char *s);
/* "value" for a udev rule, or NULL when s cannot be written in one. */
char *gen_udev_value(const char *s);
/* s with control bytes as '?': for comments. */
char *gen_one_line(const char *s);
/* Text for inside ''...'': '' → ''' and ${ → ''${. Caller frees. */
char *gen_nix_indented(const char *s);
/* An attribute name: bare when an identifier, else quoted ("vm.swappiness"). */
char *gen_nix_attr(const char *name);
/* Integers and true/false bare, everything else a string. Caller frees. */
char *gen_nix_value(const char *s);

/* ---- sizes ---- */
/* disko/sgdisk size: exact "1G", "100M", "512K", else bytes rounded down to
 * MiB ("198M"); 0 → "0". buf of 32. */
const char *gen_disko_size(char buf[static 32], uint64_t bytes);

/* ---- disk filesystems ---- */
struct gen_mount {
        const struct fs_facts *m;
        const struct disk_facts *disk;      /* holds it */
        const struct partition_facts *part; /* NULL: the whole disk */
        const char *uuid;                   /* filesystem UUID, NULL if unknown here */
        const char *partuuid;               /* NULL if unknown */
        const char *label;                  /* filesystem label, NULL if none */
        char *subvol;                       /* btrfs: "@home" (no leading '/'), else NULL */
        char **fs_options;                  /* btrfs filesystem-wide, identical per filesystem */
        char **mount_options;               /* per mount */
        bool primary;                       /* btrfs: the mount that sets the fs-wide options */
};

/* Storage mounts on the detected disks, in mountinfo order, one per
 * mountpoint (the visible one); bind mounts, loop, zram and dm left out. */
int gen_mounts_collect(const struct gen_ctx *g, struct gen_mount **ret, size_t *ret_n);
void gen_mounts_free(struct gen_mount *l, size_t n);
/* subvol=, fs-wide, per-mount: everything for fstab/nixos (NULL-terminated,
 * caller frees); with_subvol false leaves subvol= out (disko sets it). */
char **gen_mount_all_options(const struct gen_mount *gm, bool with_subvol);
/* "/dev/disk/by-uuid/U", by-partuuid, by-label; NULL when none is known. */
char *gen_mount_stable_path(const struct gen_mount *gm);
/* "UUID=U", "PARTUUID=P", "LABEL=L"; NULL when none is known. */
char *gen_mount_fstab_spec(const struct gen_mount *gm);
/* btrfs options that only the filesystem's first mount sets. */
bool gen_btrfs_option_is_fs_wide(const char *opt);

/* The kernel name of the disk holding mountpoint mp, or NULL. */
const struct disk_facts *gen_disk_of_mount(const struct gen_ctx *g, const char *mp);

/* ---- emitters, one per file ---- */
int gen_emit_nixos(const struct gen_ctx *g, FILE *o);
int gen_emit_disko(const struct gen_ctx *g, FILE *o);
int gen_emit_fstab(const struct gen_ctx *g, FILE *o);
int gen_emit_sysctl(const struct gen_ctx *g, FILE *o);
int gen_emit_udev(const struct gen_ctx *g, FILE *o);
int gen_emit_containers(const struct gen_ctx *g, FILE *o);
int gen_emit_nix(const struct gen_ctx *g, FILE *o);
int gen_emit_zram(const struct gen_ctx *g, FILE *o);
int gen_emit_systemd_apply(const struct gen_ctx *g, FILE *o);
int gen_emit_systemd_verify(const struct gen_ctx *g, FILE *o);
int gen_emit_systemd_timer(const struct gen_ctx *g, FILE *o);
int gen_emit_btrbk(const struct gen_ctx *g, FILE *o);
int gen_emit_tuned(const struct gen_ctx *g, FILE *o);
int gen_emit_tmpfiles(const struct gen_ctx *g, FILE *o);

/* The tmpfiles.d "w PATH - - - - VALUE" line of an item whose kind
 * persists through tmpfiles, or NULL (with *ret_why) when it has none.
 * Shared by tmpfiles and nixos (systemd.tmpfiles.rules). Caller frees. */
char *gen_tmpfiles_line(const struct gen_ctx *g, const struct plan_item *it, const char **ret_why);
int gen_emit_prometheus_rules(const struct gen_ctx *g, FILE *o);
int gen_emit_grafana(const struct gen_ctx *g, FILE *o);

/* Shared between nixos and udev: the rule line for one disk, NULL when the
 * plan has nothing usable for it. Caller frees. */
char *gen_udev_rule(const struct gen_ctx *g, const struct disk_facts *d);
/* Shared between nixos and btrbk: subvolumes worth snapshotting. */
bool gen_btrbk_wants(const struct gen_mount *gm, const char **ret_why_not);
/* "root" for "@", "home" for "@home": snapshot names. Caller frees. */
char *gen_btrbk_name(const struct gen_mount *gm);
