/* SPDX-License-Identifier: MIT */
/*
 * The effect layer: one implementation per knob kind (read / write / read
 * back / restore). A knob ID is "GROUP:KEY"; the group picks the kind.
 *
 *   sysctl:vm.swappiness                 proc/sys/vm/swappiness
 *   block:sda:scheduler                  sys/block/sda/queue/scheduler
 *   bdi:btrfs-3:read_ahead_kb            sys/class/bdi/btrfs-3/read_ahead_kb
 *   bdi:/srv:read_ahead_kb               the BDI of the btrfs mounted at /srv
 *                                        (btrfs-N numbers change every mount,
 *                                        so plans should use this form)
 *   sysfs:/sys/kernel/mm/transparent_hugepage/enabled
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

struct knob_kind {
        const char *group;
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
        bool runtime;        /* takes effect without a reboot/restart */
        const char *persist; /* where the setting persists */
};

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
/* Allow disruptive writes (swapoff of a zram swap that holds pages). */
void knob_set_force(bool force);
bool knob_get_force(void);
/* A sentence for the user about why a write failed, or NULL. */
const char *knob_error_hint(const char *knob_id, int error);
