/* SPDX-License-Identifier: MIT */
/*
 * Executes changes through the knob layer as one journaled transaction
 * (STYLE.md "Effects as transactions"), and rolls transactions back.
 * Library code: no printing; results and messages come back as data.
 *
 * Per item: read original -> skip if equal -> journal ORIG of every
 * snapshot ID (durable) -> write -> read back -> DONE. A refused or
 * changed write is undone at once; unless keep_partial, the first failure
 * rolls the whole transaction back (from the journal on disk, the same
 * path `rollback` takes). Items are all validated before anything is
 * touched: a bad knob ID or value means nothing is changed.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "sysroot.h"

struct apply_ctx {
        struct sysroot *sr;
        const char *state_dir; /* resolved: journal_default_state_dir() */
        bool state_in_root;    /* state_dir is the --root's own: open it through sr */
        const char *profile;   /* recorded in BEGIN; may be NULL */
        bool dry_run;          /* read and compare only; no lock, no journal */
        bool keep_partial;     /* on failure keep the items that worked */
        bool allow_risky;      /* knob_is_risky() items allowed */
        bool force;            /* knob_set_force() while applying */
        bool wait_lock;        /* if lock_fd < 0: wait instead of -EWOULDBLOCK */
        int lock_fd;           /* >= 0: the caller holds the state lock */
        /* out */
        char *tx_id;      /* transaction written (NULL: nothing changed) */
        bool rolled_back; /* a failure undid the transaction */
        char *blocked_by;        /* -EUCLEAN/-EBADMSG: the open transaction */
        const char *blocked_why; /* -EBADMSG: why it is damaged */
};

#define APPLY_CTX_INIT { .lock_fd = -1 }
void apply_ctx_done(struct apply_ctx *ctx);

struct apply_change {
        const char *knob_id;
        const char *target; /* NULL: remove the setting (config keys, xattrs) */
};

enum apply_status {
        APPLY_SKIPPED,     /* not attempted (an earlier item failed) */
        APPLY_UNCHANGED,   /* already at the target */
        APPLY_PLANNED,     /* dry run: would change */
        APPLY_CHANGED,
        APPLY_FAILED,      /* refused or read back differently; undone */
        APPLY_ROLLED_BACK, /* changed, then undone because another failed */
};

const char *apply_status_to_string(enum apply_status s);

struct apply_result {
        enum apply_status status;
        char *old_value; /* NULL: absent or unknown */
        char *new_value; /* read back (dry run: the normalised target) */
        int error;       /* negative errno for APPLY_FAILED */
        char *message;   /* human sentence for failures, or NULL */
};

void apply_results_free(struct apply_result *r, size_t n);

/* results: n zeroed elements, filled in. Returns 0 when every item is
 * changed/unchanged/planned; the first item error otherwise (details in
 * results); -EINVAL/-EPERM before anything was touched (bad ID or value,
 * risky without allow_risky); -EWOULDBLOCK when the lock is held;
 * -EUCLEAN when an earlier transaction is incomplete (roll it back first);
 * -EBADMSG when an incomplete one is damaged (ctx->blocked_by/_why);
 * -EIO when an automatic rollback could not restore everything. */
int apply_items(struct apply_ctx *ctx, const struct apply_change *changes, size_t n,
                struct apply_result *results);

struct rollback_item {
        char *knob_id;
        char *value;  /* the original put back (NULL: absent) */
        char *actual; /* read after the rollback (NULL: absent) */
        int error;    /* restore or verification error */
        bool verified;
};

struct rollback_result {
        char *tx_id;
        struct rollback_item *items;
        size_t n_items;
        bool damaged; /* the journal had damaged lines (besides a torn tail) */
        const char *damage; /* why the journal cannot be trusted whole, or NULL */
        char *other_root;   /* -EXDEV: the root the transaction belongs to */
};

void rollback_result_done(struct rollback_result *r);

/* Restores every original of transaction id (NULL: the newest one not
 * yet rolled back) in reverse order, verifies each by reading back, and
 * marks the transaction rolled back. -ENOENT: no such / no transaction;
 * -EALREADY: already rolled back; -EIO: some value could not be restored
 * (see ret, the transaction stays open so rollback can be retried);
 * -EBADMSG: the journal is damaged (ret->damage): what it says was put back
 * but the transaction stays open; -EXDEV: it belongs to another root
 * (ret->other_root), nothing changed. */
int rollback_tx(struct apply_ctx *ctx, const char *id, struct rollback_result *ret);

/* rollback --abandon: closes transaction id without restoring anything
 * (its objects are gone, or its journal is damaged and was checked by
 * hand). ret->items: the originals given up. -EALREADY if closed. */
int abandon_tx(struct apply_ctx *ctx, const char *id, struct rollback_result *ret);
