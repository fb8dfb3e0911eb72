/* SPDX-License-Identifier: MIT */
/*
 * Write-ahead journal of apply transactions (DESIGN.md "Safety rules").
 *
 * State dir: the tool's own (VPSTUNE_STATE_DIR, "<root>/var/lib/vpstune"
 * with --root). Mode 0700, must not be a symlink, must belong to us and
 * not be group/world-writable.
 *
 * One file per transaction, "tx-<id>.journal", 0600, append only; record
 * format in journal-format.h. id = UTC time + counter: "20261126T131500Z-1".
 * A file appears under its name only with BEGIN and ROOT durable in it.
 *
 * Rollback uses every ORIG, with or without a DONE: a crash may fall
 * between the write and its DONE record.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "apply/journal-format.h"

/* VPSTUNE_STATE_DIR, or "<root>/var/lib/vpstune" for a --root other
 * than "/". Caller frees. */
char *journal_default_state_dir(const char *root);
/* Opens (creating with parents if create) and checks the state dir. */
int journal_state_open(const char *path, bool create, int *ret_fd);
/* The default state dir of a --root, "<root>/var/lib/vpstune", opened and
 * created through the sysroot (no component resolves outside the root, the
 * last is no symlink), with the same checks. */
struct sysroot;
int journal_state_open_in_root(struct sysroot *sr, bool create, int *ret_fd);
/* flock(LOCK_EX) on "<state>/lock". wait false: -EWOULDBLOCK if held. */
int journal_lock(int state_fd, bool wait, int *ret_lock_fd);
void journal_unlock(int lock_fd);

/* A transaction being written. */
struct journal;
int journal_begin(int state_fd, const char *profile, const struct journal_root *root, struct journal **ret);
const char *journal_get_id(const struct journal *j);
int journal_orig(struct journal *j, const char *knob_id, const char *value);
int journal_done(struct journal *j, const char *knob_id, const char *value);
int journal_fail(struct journal *j, const char *knob_id, int error);
int journal_commit(struct journal *j);
struct journal *journal_close(struct journal *j);
static inline void journal_closep(struct journal **j) {
        if (*j)
                journal_close(*j);
}

/* Appends ROLLEDBACK to an existing transaction file (after a torn last
 * line, starts a new line first so the record is not glued to it). */
int journal_mark_rolled_back(int state_fd, const char *id);
/* Appends ABANDONED (closed without restoring; 'rollback --abandon'). Both
 * read the file back: -EBADMSG if the record did not close it. */
int journal_mark_abandoned(int state_fd, const char *id);

int journal_load(int state_fd, const char *id, struct journal_tx *ret);
/* Every transaction, oldest first. Unreadable files are skipped. */
int journal_list(int state_fd, struct journal_tx **ret, size_t *ret_n);
/* Newest transaction without COMMIT or ROLLEDBACK: 0 and its id, or
 * -ENOENT when there is none. */
int journal_find_incomplete(int state_fd, char **ret_id);
