/* SPDX-License-Identifier: MIT */
/*
 * vpstune snapshot: read-only btrfs snapshots of the mounted subvolumes,
 * retention in btrbk's terms, a space guard that needs no qgroups, and a
 * journaled restore.
 *
 * Where snapshots live (btrbk-compatible, so btrbk can send or adopt them):
 *   on the filesystem's top-level subvolume (id 5), directory
 *   SNAPSHOT_DIR ("vpstune-snapshots"), named NAME.YYYYMMDDThhmm[_N]
 *   (btrbk's timestamp_format "long", local time), NAME = the last path
 *   element of the source subvolume ("@home" for "/@home"). The top level
 *   need not be mounted: it is reached through a detached mount (fsmount)
 *   that lives only as long as the command. A btrbk.conf that adopts them:
 *     volume /mnt/btr_pool          # the top level, subvolid=5
 *       snapshot_dir vpstune-snapshots
 *       subvolume @home
 *
 * Sidecars (the contract "health" reads; schema_version 1): one JSON file
 * per snapshot in the state directory, STATE/snapshots/ID.json (STATE is
 * --state-dir, default /var/lib/vpstune, "<root>/var/lib/vpstune" with
 * --root), written atomically (temp file, fsync, rename), mode 0600. ID is
 * the snapshot's name, unique in the state directory across filesystems
 * (the _N suffix makes it so). Fields (absent = unknown = null):
 *   "schema_version": 1
 *   "id":           "@home.20261201T1910"       also the name on disk
 *   "fs_uuid":      "0b5c…"                      the btrfs filesystem
 *   "path":         "vpstune-snapshots/@home.20261201T1910" (from the top level)
 *   "source":       "@home"                      source subvolume path from the top level
 *   "mountpoint":   "/home"                      where the source was mounted
 *   "created":      1764616200                   unix time (the injectable clock)
 *   "kind":         "single" | "pre" | "post"
 *   "pair":         ID of the pre snapshot (post), of the post (pre, once taken), or null
 *   "description":  free text or null
 *   "tags":         ["important", …]             "important" pins
 *   "transaction":  apply's journal id ("20261126T131500Z-1") or null; pins
 *   "source_uuid":  UUID of the source subvolume at snapshot time
 *   "source_generation": source subvolume generation at snapshot time
 *   "uuid":         UUID of the snapshot;  "subvol_id": its subvolume id
 *   "generation":   generation of the snapshot (its otransid)
 * A snapshot is pinned when tagged "important", when it carries a
 * transaction, or when it is the newest one of its source: pinned ones are
 * deleted only with --force. Snapshots found on disk without a sidecar
 * (made by btrbk, or sidecar lost) are listed with kind "unknown" and are
 * subject to retention like the others.
 *
 * Restore journal: STATE/snapshots/restore.journal (JSON, rewritten
 * atomically before each step), see snap_restore().
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "sysroot.h"

#define SNAPSHOT_DIR "vpstune-snapshots"
#define SNAPSHOT_SIDECAR_DIR "snapshots"
#define SNAPSHOT_SCHEMA_VERSION 1

/* ---- names (pure) ---- */

/* NAME.YYYYMMDD[Thhmm[ss]][_N]: btrbk's date formats. *ret_t is the time
 * (local time, as btrbk reads it), *ret_n the _N (0 without),
 * *ret_exact whether a time of day was given. 0 or -EINVAL. */
int snap_name_parse(const char *name, char **ret_base, time_t *ret_t, unsigned *ret_n, bool *ret_exact);
/* "NAME.YYYYMMDDThhmm" (n = 0) or "..._N". Caller frees. */
char *snap_name_format(const char *base, time_t t, unsigned n);

/* ---- retention (pure): btrbk's schedule() ---- */

enum snap_preserve_min { PRESERVE_MIN_NONE, PRESERVE_MIN_ALL, PRESERVE_MIN_LATEST, PRESERVE_MIN_N };

struct snap_policy {
        enum snap_preserve_min min_kind;
        unsigned min_n;
        char min_q;         /* 'h' 'd' 'w' 'm' 'y' with PRESERVE_MIN_N */
        /* -1 none, -2 all ("*"), else N */
        int hourly, daily, weekly, monthly, yearly;
        unsigned hour_of_day; /* btrbk preserve_hour_of_day, default 0 */
        unsigned day_of_week; /* 0 = sunday (btrbk's default) */
        unsigned max_pairs;   /* pre/post pairs kept, 0 = no limit */
};

/* Defaults: preserve_min 1d, preserve 14d 8w 6m, 10 pairs. */
void snap_policy_default(struct snap_policy *p);
/* "1d", "all", "latest", "no" */
int snap_policy_parse_min(struct snap_policy *p, const char *s);
/* "14d 8w 6m", "*d", "no"; file:line is the caller's to say */
int snap_policy_parse_preserve(struct snap_policy *p, const char *s);

struct snap_sched {
        time_t t;      /* from the name */
        unsigned n;    /* _N */
        bool exact;    /* time of day known */
        bool keep;     /* out */
        const char *reason; /* out: static text, NULL = delete */
};

/* btrbk's schedule() for one NAME: marks keep/reason on each entry (any
 * order; they are compared by (t, n)). now is the reference time. */
void snap_schedule(struct snap_sched *s, size_t n, const struct snap_policy *p, time_t now);

/* The clock: VPSTUNE_TEST_NOW=unix-seconds (tests only) or time(). */
time_t snap_now(void);

/* ---- sidecars ---- */

enum snap_kind { SNAP_SINGLE, SNAP_PRE, SNAP_POST, SNAP_UNKNOWN };
const char *snap_kind_to_string(enum snap_kind k);

struct snap_info {
        char *id;            /* = name */
        char *fs_uuid;
        char *path;          /* from the top level */
        char *source;        /* source subvolume path from the top level, no leading '/' */
        char *mountpoint;
        int64_t created;
        enum snap_kind kind;
        char *pair;
        char *description;
        char **tags;
        char *transaction;
        char *source_uuid;
        uint64_t source_generation;
        char *uuid;
        uint64_t subvol_id;
        uint64_t generation;
        /* not stored: */
        bool has_sidecar;
        bool scanned;        /* its filesystem's snapshot directory was read */
        bool on_disk;        /* seen there (meaningful only when scanned) */
        bool newest;         /* newest of its source */
        bool pinned;
        const char *pin_reason;
        int64_t pinned_bytes; /* -1 unknown */
        const char *pinned_method; /* "qgroup", "extents-newer-than-generation" */
};
void snap_info_done(struct snap_info *s);
void snap_info_array_free(struct snap_info *a, size_t n);

/* Pure: JSON text in, info out (fuzzable); and back. */
int snap_sidecar_parse(const char *text, struct snap_info *ret);
char *snap_sidecar_format(const struct snap_info *s);
/* The sidecar's fields added to o (--list --json adds state and pins). */
struct json_object;
void snap_info_json_fields(struct json_object *o, const struct snap_info *s);

/* state_fd: the opened state directory. */
int snap_sidecar_write(int state_fd, const struct snap_info *s);
int snap_sidecar_remove(int state_fd, const char *id);
int snap_sidecar_load(int state_fd, const char *id, struct snap_info *ret);
/* All sidecars, sorted by (source, created). Unparsable ones are skipped
 * (counted in *ret_bad, may be NULL). -ENOENT-free: no dir = none. */
int snap_sidecar_list(int state_fd, struct snap_info **ret, size_t *ret_n, unsigned *ret_bad);
bool snap_id_is_valid(const char *id);
/* Sorted by (fs_uuid, source, created, id). */
void snap_info_sort(struct snap_info *a, size_t n);
/* Atomic replace of dir_fd/name (temp, fsync, rename, fsync dir), 0600. */
int snap_write_atomic_at(int dir_fd, const char *name, const char *text);

/* ---- subvolume discovery (mountinfo) ---- */

struct snap_subvol {
        char *path;          /* from the top level, no leading '/': "@home" */
        char *name;          /* last element: "@home" */
        char *mountpoint;    /* shortest mount point of it */
        char *fs_uuid;
        char *source_dev;    /* "/dev/loop0" */
        char *mount_options; /* VFS options of that mount, comma-joined */
        uint64_t subvol_id;
        bool excluded;
        char *why_excluded;  /* nested (not mounted), top level, a snapshot, ... */
        char *parent;        /* nested: the path of the subvolume it is in */
};

struct snap_fs {
        char *uuid;
        char *source_dev;
        char *top_mountpoint; /* a mount of the top level, or NULL */
};

struct snap_layout {
        struct snap_subvol *subvols;
        size_t n_subvols;
        struct snap_fs *fss;
        size_t n_fss;
};
void snap_layout_done(struct snap_layout *l);

/* From mountinfo (through the facts); on the live machine also the nested
 * subvolumes below each mounted one (libbtrfsutil), listed as excluded. */
int snap_discover(struct sysroot *sr, struct snap_layout *ret);
/* Mounted subvolume by mount point, path ("@home", "/@home") or name. */
const struct snap_subvol *snap_layout_find(const struct snap_layout *l, const char *what);
const struct snap_subvol *snap_layout_find_mount(const struct snap_layout *l, const char *mp);
const struct snap_fs *snap_layout_fs(const struct snap_layout *l, const char *uuid);

/* ---- effects (live machine, root) ---- */

/* A directory fd of the top-level subvolume of fs: an existing mount of it,
 * else a detached mount (fsmount) nobody else sees. */
int snap_open_top(const struct snap_fs *fs, int *ret_fd);

struct snap_create_opts {
        enum snap_kind kind;
        const char *pair;
        const char *description;
        char **tags;
        const char *transaction;
        bool if_changed;     /* skip when the newest snapshot has the source's generation */
        bool no_guard;       /* tests of the guard itself */
};

/* Negative errno of a failed libbtrfsutil call. */
int snap_errno(int btrfs_util_error);
/* Top level and SNAPSHOT_DIR of filesystem fs_uuid (ret_top may be NULL). */
int snap_open_snapdir(const struct snap_layout *l, const char *fs_uuid, bool create, int *ret_top, int *ret_dir);

/* Free space of the filesystem holding top_fd, in per cent of its size
 * (statfs: what df shows; no qgroups). */
int snap_free_percent(int top_fd, double *ret);

#define SNAP_GUARD_PRUNE_PCT 15.0
#define SNAP_GUARD_REFUSE_PCT 5.0

/* The space guard: while less than SNAP_GUARD_PRUNE_PCT is free, deletes
 * the oldest unpinned snapshot of that filesystem (waiting for the cleaner
 * so the space shows), appending its id to *ret_deleted (or *ret_failed:
 * one failure never stops the rest). *ret_pct: free space after. The
 * caller refuses a new snapshot below SNAP_GUARD_REFUSE_PCT. */
int snap_make_room(int state_fd, const struct snap_layout *l, const char *fs_uuid, int top_fd, double *ret_pct,
                   char ***ret_deleted, char ***ret_failed);

/* Snapshots on disk of one filesystem (names in SNAPSHOT_DIR), merged with
 * the sidecars: on_disk set, kind SNAP_UNKNOWN for those without one. */
int snap_scan(int state_fd, const struct snap_layout *l, bool live, struct snap_info **ret, size_t *ret_n);
/* Pins: tag important, transaction, newest of its source. */
void snap_mark_pins(struct snap_info *a, size_t n);
/* Space pinned by each snapshot: qgroups when consistent, else the bytes of
 * the source's file extents newer than the snapshot's generation. */
void snap_estimate_pinned(struct sysroot *sr, const struct snap_layout *l, struct snap_info *a, size_t n);

int snap_create(int state_fd, const struct snap_subvol *sv, const struct snap_fs *fs,
                const struct snap_create_opts *o, struct snap_info *ret);
/* Deletes the subvolume (by id when known, else by name) and the sidecar. */
int snap_delete(int state_fd, const struct snap_layout *l, const struct snap_info *s);

/* Prune decision: keep/delete for every snapshot in a (by btrbk schedule per
 * source NAME, the pair limit, pins). ret_delete[i] true = delete. */
void snap_prune_plan(const struct snap_info *a, size_t n, const struct snap_policy *p, time_t now,
                     bool force, bool *ret_delete, const char **ret_reason);

/* ---- restore ---- */

enum snap_restore_result {
        RESTORE_DONE,          /* swapped and remounted */
        RESTORE_SCHEDULED,     /* swapped; the mount switches at next boot */
        RESTORE_DRY_RUN,
};

struct snap_restore_plan {
        char *snapshot;        /* ID */
        char *source;          /* subvolume path */
        char *mountpoint;
        char *rollback_name;   /* NAME.rollback-TS: the old one, kept */
        bool is_root;
        bool busy;
        char *busy_why;
        char **steps;          /* human-readable */
};
void snap_restore_plan_done(struct snap_restore_plan *p);

/* Plans (and unless dry_run, performs) the restore of snapshot id. */
int snap_restore(struct sysroot *sr, int state_fd, const struct snap_layout *l, const char *id, bool dry_run,
                 bool force, struct snap_restore_plan *ret_plan, enum snap_restore_result *ret);
/* Finishes or reverts an interrupted restore. 0 and *ret_what ("none",
 * "finished", "reverted", "scheduled"). */
int snap_recover(struct sysroot *sr, int state_fd, const struct snap_layout *l, const char **ret_what);
