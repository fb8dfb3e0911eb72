/* SPDX-License-Identifier: MIT */
/*
 * The record format of the apply journal: pure (bytes in, structs out; no
 * files, fuzzed by tests/fuzz/fuzz-journal.c). The files and the state
 * directory are journal.h.
 *
 * One line per record, written with one write(2) and made durable before
 * the change it announces:
 *
 *   BEGIN <id> <unix-time> <profile>     first; id = the file's name
 *   ROOT <path> <st_dev> <st_ino>         second: the root the tx belongs to
 *   ORIG <knob-id> <value>      before a change: the original
 *   DONE <knob-id> <value>      after a change: what was read back
 *   FAIL <knob-id> <errno>      a change that failed (and was undone)
 *   COMMIT                      the apply finished
 *   ROLLEDBACK <unix-time>      every ORIG was restored and verified
 *   ABANDONED <unix-time> <uid> closed by 'rollback --abandon': nothing restored
 *
 * Each line ends in " crc=XXXXXXXX" (CRC-32 of the bytes before it), so a
 * torn or damaged line is recognised. Fields are %XX-escaped (space,
 * control bytes, non-ASCII, '%', '\'), so lines stay one line. A value is
 * "=" + escaped text, or "~" for "absent" (not set, no file): "=" alone is
 * the empty string, which is a different thing.
 *
 * A torn last line is a crash in the middle of an append (the change it
 * announced was not made). Anything else that does not check - a damaged
 * line before the last, no BEGIN, no ROOT, a BEGIN naming another file -
 * makes the transaction "damaged": rollback restores what it can read but
 * keeps it open (exit 3) and apply refuses to start until somebody has
 * looked and run 'rollback --abandon ID'.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whole config files (knob "nix:@file") are journaled escaped: allow for
 * that, but not for unbounded input. */
#define JOURNAL_FILE_MAX (64u * 1024u * 1024u)
#define JOURNAL_RECORDS_MAX 100000u

enum journal_state {
        JOURNAL_COMMITTED,
        JOURNAL_INCOMPLETE, /* no COMMIT: crashed or killed during apply */
        JOURNAL_ROLLED_BACK,
        JOURNAL_ABANDONED, /* closed by hand without restoring */
};

enum journal_rec_type { JREC_ORIG, JREC_DONE, JREC_FAIL };

struct journal_record {
        enum journal_rec_type type;
        char *knob_id;
        char *value; /* NULL: absent (ORIG/DONE) */
        int error;   /* FAIL: negative errno */
};

/* The root a transaction was applied to: canonical path and identity. */
struct journal_root {
        char *path;
        uint64_t dev, ino;
};

struct journal_tx {
        char *id;
        int64_t time;
        char *profile; /* NULL if none */
        enum journal_state state;
        bool begun;     /* a valid BEGIN record */
        bool committed;
        bool has_root;  /* a valid ROOT record */
        struct journal_root root;
        struct journal_record *records;
        size_t n_records;
        size_t n_changes;   /* DONE records */
        size_t n_originals; /* ORIG records */
        size_t n_failed;    /* FAIL records */
        unsigned bad_lines; /* damaged lines before the last one */
        bool torn_tail;     /* the last line was torn (crash mid-append) */
        const char *damage; /* why the tx is damaged (static text), or NULL */
};

const char *journal_state_to_string(enum journal_state s);

/* %XX escaping of a field; unescape refuses bad sequences and %00. */
char *journal_escape(const char *s);
int journal_unescape(const char *s, char **ret);
uint32_t journal_crc32(const void *data, size_t n);
bool journal_id_is_valid(const char *id);
/* Negative, zero, positive like strcmp, counter compared as a number. */
int journal_id_compare(const char *a, const char *b);

/* One record line: body + " crc=XXXXXXXX\n". Caller frees. */
char *journal_format_line(const char *body);
/* "=" + escaped value, or "~" for NULL. Caller frees. */
char *journal_format_value(const char *v);

/* Pure parser (fuzzed): bytes of a journal file in, transaction out.
 * name_id: the id the file is named after (NULL: not checked). Always
 * fills ret (see .damage) unless the input exceeds JOURNAL_FILE_MAX
 * (-EFBIG). */
int journal_parse(const char *data, size_t len, const char *name_id, struct journal_tx *ret);
void journal_tx_done(struct journal_tx *tx);
void journal_tx_array_free(struct journal_tx *a, size_t n);
