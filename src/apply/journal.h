/* SPDX-License-Identifier: MIT */
/*
 * Write-ahead journal of apply transactions (DESIGN.md "Safety rules").
 *
 * State dir: the tool's own (VPSTUNE_STATE_DIR, "<root>/var/lib/vpstune"
 * with --root), opened directly, not through the sysroot. Mode 0700, must
 * not be a symlink, must belong to us and not be group/world-writable.
 *
 * One file per transaction, "tx-<id>.journal", 0600, append only, each
 * record one line written with one write(2) and made durable with
 * fdatasync() before the change it announces (the file's creation is made
 * durable with an fsync of the directory). id = UTC time + counter:
 * "20261126T131500Z-1". Records:
 *
 *   BEGIN <id> <unix-time> <profile>
 *   ORIG <knob-id> <value>      before a change: the original
 *   DONE <knob-id> <value>      after a change: what was read back
 *   FAIL <knob-id> <errno>      a change that failed (and was undone)
 *   COMMIT                      the apply finished
 *   ROLLEDBACK <unix-time>      every ORIG was restored and verified
 *
 * Each line ends in " crc=XXXXXXXX" (CRC-32 of the bytes before it), so a
 * torn or damaged line is recognised and ignored. Fields are %XX-escaped
 * (space, control bytes, non-ASCII, '%', '\'), so lines stay one line.
 * A value is "=" + escaped text, or "~" for "absent" (not set, no file):
 * "=" alone is the empty string, which is a different thing.
 *
 * Rollback uses every ORIG, with or without a DONE: a crash may fall
 * between the write and its DONE record.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum journal_state {
        JOURNAL_COMMITTED,
        JOURNAL_INCOMPLETE, /* no COMMIT: crashed or killed during apply */
        JOURNAL_ROLLED_BACK,
};

enum journal_rec_type { JREC_ORIG, JREC_DONE, JREC_FAIL };

struct journal_record {
        enum journal_rec_type type;
        char *knob_id;
        char *value; /* NULL: absent (ORIG/DONE) */
        int error;   /* FAIL: negative errno */
};

struct journal_tx {
        char *id;
        int64_t time;
        char *profile; /* NULL if none */
        enum journal_state state;
        bool committed;
        struct journal_record *records;
        size_t n_records;
        size_t n_changes;   /* DONE records */
        size_t n_originals; /* ORIG records */
        size_t n_failed;    /* FAIL records */
        unsigned bad_lines; /* damaged lines before the last one */
        bool torn_tail;     /* the last line was torn (crash mid-append) */
};

const char *journal_state_to_string(enum journal_state s);

/* %XX escaping of a field; unescape refuses bad sequences and %00. */
char *journal_escape(const char *s);
int journal_unescape(const char *s, char **ret);
uint32_t journal_crc32(const void *data, size_t n);
bool journal_id_is_valid(const char *id);
/* Negative, zero, positive like strcmp, counter compared as a number. */
int journal_id_compare(const char *a, const char *b);

/* Pure parser (fuzzed): bytes of a journal file in, transaction out.
 * -EBADMSG when there is no valid BEGIN record. */
int journal_parse(const char *data, size_t len, struct journal_tx *ret);
void journal_tx_done(struct journal_tx *tx);
void journal_tx_array_free(struct journal_tx *a, size_t n);

/* VPSTUNE_STATE_DIR, or "<root>/var/lib/vpstune" for a --root other
 * than "/". Caller frees. */
char *journal_default_state_dir(const char *root);
/* Opens (creating with parents if create) and checks the state dir. */
int journal_state_open(const char *path, bool create, int *ret_fd);
/* flock(LOCK_EX) on "<state>/lock". wait false: -EWOULDBLOCK if held. */
int journal_lock(int state_fd, bool wait, int *ret_lock_fd);
void journal_unlock(int lock_fd);

/* A transaction being written. */
struct journal;
int journal_begin(int state_fd, const char *profile, struct journal **ret);
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

int journal_load(int state_fd, const char *id, struct journal_tx *ret);
/* Every transaction, oldest first. Unreadable files are skipped. */
int journal_list(int state_fd, struct journal_tx **ret, size_t *ret_n);
/* Newest transaction without COMMIT or ROLLEDBACK: 0 and its id, or
 * -ENOENT when there is none. */
int journal_find_incomplete(int state_fd, char **ret_id);
