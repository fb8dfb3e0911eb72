/* SPDX-License-Identifier: MIT */
/*
 * THE KNOB REGISTRY — what a kind of knob is, written down once.
 *
 * Every kind is one `const struct knob_kind` in one file under src/knobs/
 * and one line in src/knobs/meson.build (`knob_kinds`), which generates the
 * table knob_kinds() walks. Everything else asks the registry:
 *
 *   plan            which builder turns a profile unit into items
 *                   (knob_unit_for_type), which groups exist (--only/--skip),
 *                   each item's default runtime/persist, whether apply may
 *                   write it in a sysroot (config_file)
 *   profile loader  which unit types are supported, which take [TYPE.NAME]
 *   apply           --only/--skip validation and its message (knob_groups_joined)
 *   output          apply --dry-run sentences (path, describe)
 *   generate        which groups each target persists (knob_groups_persisting_to),
 *                   the tmpfiles.d and NixOS lines of path-backed kinds
 *   FORMAT.md       tests/unit/knobs checks it lists every unit type
 *
 * Adding a kind (see src/knobs/thp.c for a complete one):
 *
 *   static const struct knob_unit thp_units[] = { { "vm", plan_unit_vm }, {} };
 *   const struct knob_kind knob_kind_thp = {
 *           .group = "thp", .grammar = "thp:enabled|defrag",
 *           .summary = "transparent hugepages",
 *           .validate = ..., .read = ..., .write = ...,   (effect layer)
 *           .units = thp_units,                           (profile units it serves)
 *           .sysfs_alias = thp_alias,                     ([sysfs] paths it owns)
 *           .path = thp_path,                             (what a write touches)
 *           .runtime = true, .persist = "tmpfiles.d",
 *           .persist_to = (const char *const[]) { "tmpfiles", "nixos", "tuned", NULL },
 *   };
 *
 * A unit's builder is a plan function (struct plan_ctx, plan/plan-internal.h);
 * a kind file may hold its own builder or name one in src/plan/.
 *
 * THE EFFECT LAYER: one implementation per knob kind (read / write / read
 * back / restore). A knob ID is "GROUP:KEY"; the group picks the kind.
 *
 *   sysctl:vm.swappiness                 proc/sys/vm/swappiness
 *   block:sda:scheduler                  sys/block/sda/queue/scheduler
 *   bdi:btrfs-3:read_ahead_kb            sys/class/bdi/btrfs-3/read_ahead_kb
 *   bdi:/srv:read_ahead_kb               the BDI of the btrfs mounted at /srv
 *                                        (btrfs-N numbers change every mount,
 *                                        so plans should use this form)
 *   sysfs:/sys/kernel/mm/...              any attribute below /sys
 *   thp:enabled|defrag                   sys/kernel/mm/transparent_hugepage/{enabled,defrag}
 *   ksm:run                              sys/kernel/mm/ksm/run
 *   zram:zram0:comp_algorithm|disksize|swap|state
 *   mount:/:compress|autodefrag|ssd|...  btrfs fs-wide option (reconfigure)
 *   attr:/var/log:nocow                  FS_NOCOW_FL on an empty directory
 *   prop:/var/lib/containers:compression xattr btrfs.compression
 *   containers:driver                    [storage] driver in storage.conf
 *   nix:cores                            "cores = N" in nix.conf
 *
 * Keys that name a path (bdi:/..., mount, attr, prop) split at the LAST
 * colon: "mount:/a:b:compress" is path "/a:b", option "compress".
 *
 * Values are strings in the form the kernel/file reads back, normalised:
 * scheduler -> the active name only, comp_algorithm -> active only, sysctl
 * -> whitespace collapsed to single spaces, disksize -> bytes.
 *
 * "Not set" is its own state, not a value: reads return -ENODATA (xattr
 * absent, key missing from a config file, file missing) and a write of a
 * NULL value removes the setting again. The journal keeps the distinction,
 * so a restore puts back "absent", not "".
 *
 * zram composite state (key zram:zramN:state) — the unit of journaling for
 * every zram knob, since changing any of them means reset + redo:
 *   "algo=lz4,disksize=67108864,swap=off"
 *   "algo=lz4,disksize=67108864,swap=on,prio=100"
 *   "algo=lzo-rle,disksize=67108864,swap=on,prio=auto"
 * prio=auto is a negative priority the kernel picked itself (swapon without
 * a priority); negative priorities cannot be requested, so "auto" is how
 * they round-trip. disksize=0 means uninitialised (then swap must be off).
 * The individual views read/write one field of it:
 *   zram:zramN:comp_algorithm  "lz4"
 *   zram:zramN:disksize        "67108864" (writes accept "64M")
 *   zram:zramN:swap            "off" | "on" (auto priority) | "100"
 *
 * The dirty pairs (vm.dirty_ratio/vm.dirty_bytes and the background pair)
 * are mutually exclusive in the kernel: writing one zeroes the other, and
 * "0" cannot be written to a *_bytes key. So knob_snapshot_ids() names both
 * for journaling, and restoring a member whose original was "0" does
 * nothing — its partner's restore zeroes it.
 */
#pragma once

#include <stdbool.h>

#include "sysroot.h"

struct facts;
struct plan_ctx;
struct profile_unit;

/* A profile unit type a kind serves (a TuneD plugin name or one of
 * vpstune's sections) and the plan builder for one such unit. */
struct knob_unit {
        const char *type;   /* "sysctl", "vm", "disk", "btrfs"; NULL ends the list */
        void (*plan)(struct plan_ctx *c, const struct profile_unit *u);
        bool dotted;        /* [TYPE.NAME] sections default to this type */
};

struct knob_kind {
        const char *group;   /* the part of the ID before the first colon */
        const char *grammar; /* the ID's form, for docs and messages: "sysctl:KEY" */
        const char *summary; /* a few words: "kernel sysctls (/proc/sys)" */
        /* Syntax of the key alone; no I/O. */
        int (*validate)(const char *key);
        /* 0 and a normalised value, or -ENODATA when not set. */
        int (*read)(struct sysroot *sr, const char *key, char **ret_value);
        /* value NULL = unset (only kinds with a "not set" state). No read
         * back here: knob_write() does that for every kind. */
        int (*write)(struct sysroot *sr, const char *key, const char *value);
        /* Put back a journaled original; NULL = write(). */
        int (*restore)(struct sysroot *sr, const char *key, const char *orig);
        /* The form read() would give after writing value ("64M" ->
         * "67108864"); NULL = value as given. -EINVAL for a bad value. */
        int (*normalize)(const char *key, const char *value, char **ret);
        /* Keys (same group) whose values must be journaled before writing
         * key; NULL = key itself. */
        int (*snapshot_keys)(const char *key, char ***ret_keys);
        /* ---- registry: what the rest of the program asks ---- */
        const struct knob_unit *units; /* profile unit types served; NULL or {} ended */
        /* A [sysfs] path (as the profile spells it, "/sys/...") this kind
         * owns: its key, newly allocated, or NULL. So "sysfs:/sys/kernel/mm/
         * ksm/run" from any unit becomes "ksm:run". NULL = owns none. */
        char *(*sysfs_alias)(const char *path);
        /* The file a write touches as the live machine names it
         * ("/proc/sys/vm/swappiness"), NULL when it is a syscall or ioctl.
         * f may be needed to resolve a mountpoint (bdi:/srv). */
        char *(*path)(const struct facts *f, const char *key);
        /* apply --dry-run's sentence when "would write 'V' to PATH" is not
         * it (remounts, ioctls, zram resets). path is under --root already
         * (NULL when path() has none). NULL = the generic sentence. */
        char *(*describe)(const struct facts *f, const char *knob, const char *key, const char *path,
                          const char *want, const char *now);
        bool runtime;        /* takes effect without a reboot/restart (item default) */
        bool config_file;    /* edits a file under etc/<group>/ that its consumer reads at
                                its next start: apply writes it in a sysroot too */
        const char *persist; /* plan's "persist": where the setting persists (item default) */
        /* generate targets that persist it ("sysctl", "udev", "tmpfiles",
         * "nixos", "tuned", ...); NULL-terminated. Empty = it cannot
         * persist, and no_persist says why. */
        const char *const *persist_to;
        const char *no_persist;
};

/* ---- the registry ---- */

/* Every kind, in registry order (src/knobs/meson.build). */
const struct knob_kind *const *knob_kinds(size_t *ret_n);
const struct knob_kind *knob_kind_by_group(const char *group);
/* The kind serving profile unit type, and its unit entry; NULL if none. */
const struct knob_unit *knob_unit_for_type(const char *type, const struct knob_kind **ret_kind);
bool knob_kind_persists_to(const struct knob_kind *k, const char *target);
/* "sysctl, block, ..." (every group, registry order). Caller frees. */
char *knob_groups_joined(const char *sep);
/* Groups of the kinds that persist through generate target; NULL-ended
 * vector, caller frees. */
char **knob_groups_persisting_to(const char *target);
/* "sysfs:/sys/kernel/mm/ksm/run" -> "ksm:run" when a kind owns the path;
 * otherwise a copy of knob_id. Caller frees. */
char *knob_canonical_id(const char *knob_id);
/* The live path a knob writes (see knob_kind.path), NULL if none. */
char *knob_path(const struct facts *f, const char *knob_id);

/* The kind and the key (the part after the group's colon), or NULL for an
 * unknown group or a key that fails validation. */
const struct knob_kind *knob_kind_for(const char *knob_id, const char **ret_key);
/* 0, -EINVAL (bad key), -EOPNOTSUPP (unknown group). */
int knob_validate(const char *knob_id);
/* Group part of a knob ID, newly allocated ("sysctl"). */
char *knob_group(const char *knob_id);

int knob_read(struct sysroot *sr, const char *knob_id, char **ret_value);
/* Write, then read back: -EREMCHG when the kernel (or file) holds another
 * value afterwards (clamped, rounded, ignored). The kernel's own refusal
 * comes back as is (-EINVAL, -EBUSY, -EPERM...). Writes that need
 * syscalls/ioctls return -EOPNOTSUPP on a sysroot that is not live.
 * Does not undo anything on failure: the caller holds the original. */
int knob_write(struct sysroot *sr, const char *knob_id, const char *value);
/* Put a journaled original back (orig NULL = was absent). No read back. */
int knob_restore(struct sysroot *sr, const char *knob_id, const char *orig);
/* The value knob_read() should give after writing value. */
int knob_normalize(const char *knob_id, const char *value, char **ret);
/* Knob IDs to journal before writing knob_id (at least one). */
int knob_snapshot_ids(const char *knob_id, char ***ret_ids);
/* Sysctls that can run code or weaken the kernel, and sysfs outside the
 * tuning areas: need --allow-risky. */
bool knob_is_risky(const char *knob_id);
/* knob_is_risky(), and a sysfs path is judged by where it resolves in sr
 * (symlinks followed inside the root), not as written. */
struct sysroot;
bool knob_is_risky_at(struct sysroot *sr, const char *knob_id);
/* Allow disruptive writes (swapoff of a zram swap that holds pages). */
void knob_set_force(bool force);
bool knob_get_force(void);
/* A sentence for the user about why a write failed, or NULL. */
const char *knob_error_hint(const char *knob_id, int error);
