/* SPDX-License-Identifier: MIT */
/*
 * The journal's record format; see journal-format.h.
 */
#include "apply/journal-format.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "util.h"

const char *journal_state_to_string(enum journal_state s) {
        switch (s) {
        case JOURNAL_COMMITTED:
                return "committed";
        case JOURNAL_INCOMPLETE:
                return "incomplete";
        case JOURNAL_ROLLED_BACK:
                return "rolled-back";
        case JOURNAL_ABANDONED:
                return "abandoned";
        }
        return "unknown";
}

/* ---- escaping, CRC ---- */

static bool needs_escape(unsigned char c) {
        return c <= 0x20 || c >= 0x7f || c == '%' || c == '\\';
}

char *journal_escape(const char *s) {
        size_t n = 0;
        char *out, *o;

        for (const char *p = s; *p; p++)
                n += needs_escape((unsigned char) *p) ? 3 : 1;
        out = o = xmalloc(n + 1);
        for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
                if (needs_escape(*p)) {
                        static const char hex[] = "0123456789ABCDEF";
                        *o++ = '%';
                        *o++ = hex[*p >> 4];
                        *o++ = hex[*p & 15];
                } else
                        *o++ = (char) *p;
        }
        *o = '\0';
        return out;
}

static int hexval(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        return -1;
}

int journal_unescape(const char *s, char **ret) {
        char *out = xmalloc(strlen(s) + 1), *o = out;

        for (const char *p = s; *p; p++) {
                if (*p == '%') {
                        int h = hexval(p[1]), l = h < 0 ? -1 : hexval(p[2]);
                        if (h < 0 || l < 0 || (h == 0 && l == 0)) {
                                free(out);
                                return -EINVAL;
                        }
                        *o++ = (char) (h << 4 | l);
                        p += 2;
                } else if ((unsigned char) *p <= 0x20 || (unsigned char) *p >= 0x7f) {
                        free(out);
                        return -EINVAL;
                } else
                        *o++ = *p;
        }
        *o = '\0';
        *ret = out;
        return 0;
}

uint32_t journal_crc32(const void *data, size_t n) {
        static uint32_t table[256];
        static bool init;
        const unsigned char *p = data;
        uint32_t crc = 0xffffffffu;

        if (!init) {
                for (uint32_t i = 0; i < 256; i++) {
                        uint32_t c = i;
                        for (int k = 0; k < 8; k++)
                                c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
                        table[i] = c;
                }
                init = true;
        }
        while (n--)
                crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
        return crc ^ 0xffffffffu;
}

/* ---- ids ---- */

bool journal_id_is_valid(const char *id) {
        /* 20261126T131500Z-1 */
        static const char pat[] = "DDDDDDDDTDDDDDDZ-";
        size_t i;

        if (!id)
                return false;
        for (i = 0; pat[i]; i++) {
                if (!id[i])
                        return false;
                if (pat[i] == 'D' ? !isdigit((unsigned char) id[i]) : id[i] != pat[i])
                        return false;
        }
        if (!id[i] || strlen(id + i) > 9 || id[i] == '0')
                return false;
        for (; id[i]; i++)
                if (!isdigit((unsigned char) id[i]))
                        return false;
        return true;
}

int journal_id_compare(const char *a, const char *b) {
        int c = strncmp(a, b, 17);
        size_t la, lb;

        if (c != 0)
                return c;
        la = strlen(a + 17);
        lb = strlen(b + 17);
        if (la != lb)
                return la < lb ? -1 : 1;
        return strcmp(a + 17, b + 17);
}

/* ---- parsing ---- */

static int parse_value(const char *f, char **ret) {
        if (streq(f, "~")) {
                *ret = NULL;
                return 0;
        }
        if (f[0] != '=')
                return -EINVAL;
        return journal_unescape(f + 1, ret);
}

static void record_done(struct journal_record *r) {
        free(r->knob_id);
        free(r->value);
}

void journal_tx_done(struct journal_tx *tx) {
        if (!tx)
                return;
        for (size_t i = 0; i < tx->n_records; i++)
                record_done(&tx->records[i]);
        free(tx->records);
        free(tx->id);
        free(tx->profile);
        free(tx->root.path);
        *tx = (struct journal_tx) {};
}

void journal_tx_array_free(struct journal_tx *a, size_t n) {
        for (size_t i = 0; i < n; i++)
                journal_tx_done(&a[i]);
        free(a);
}

/* One checked line (no '\n') -> fields; false if damaged. */
static bool line_check(const char *line, size_t len, char ***ret_fields) {
        _cleanup_free_ char *body = NULL;
        const char *crc;
        unsigned long want;
        char *end;

        if (len < 14)
                return false;
        crc = line + len - 13;
        if (strncmp(crc, " crc=", 5) != 0)
                return false;
        for (int i = 5; i < 13; i++)
                if (!isxdigit((unsigned char) crc[i]))
                        return false;
        {
                char hex[9];
                memcpy(hex, crc + 5, 8);
                hex[8] = '\0';
                want = strtoul(hex, &end, 16);
        }
        if (journal_crc32(line, (size_t) (crc - line)) != (uint32_t) want)
                return false;
        body = xstrndup(line, (size_t) (crc - line));
        if (strlen(body) != (size_t) (crc - line))
                return false; /* embedded NUL */
        *ret_fields = strv_split(body, " ");
        return true;
}

char *journal_format_line(const char *body) {
        return xasprintf("%s crc=%08" PRIx32 "\n", body, journal_crc32(body, strlen(body)));
}

char *journal_format_value(const char *v) {
        _cleanup_free_ char *e = NULL;
        if (!v)
                return xstrdup("~");
        e = journal_escape(v);
        return xasprintf("=%s", e);
}

static int parse_record(char **f, size_t n, struct journal_tx *tx) {
        struct journal_record r = {};
        int err;

        if (tx->n_records >= JOURNAL_RECORDS_MAX || journal_unescape(f[1], &r.knob_id) < 0 || !*r.knob_id) {
                free(r.knob_id);
                return -EINVAL;
        }
        (void) n;
        if (streq(f[0], "FAIL")) {
                r.type = JREC_FAIL;
                if (safe_atoi(f[2], &err) < 0 || err <= 0 || err > 4095) {
                        free(r.knob_id);
                        return -EINVAL;
                }
                r.error = -err;
                tx->n_failed++;
        } else {
                r.type = streq(f[0], "ORIG") ? JREC_ORIG : JREC_DONE;
                if (parse_value(f[2], &r.value) < 0) {
                        free(r.knob_id);
                        return -EINVAL;
                }
                if (r.type == JREC_ORIG)
                        tx->n_originals++;
                else
                        tx->n_changes++;
        }
        *(struct journal_record *) array_grow(&tx->records, &tx->n_records, sizeof r) = r;
        return 0;
}

int journal_parse(const char *data, size_t len, const char *name_id, struct journal_tx *ret) {
        struct journal_tx tx = {};
        bool rolled = false, abandoned = false, id_mismatch = false;
        size_t pos = 0, line_no = 0;
        unsigned pending = 0; /* failed lines since the last good one */

        if (len > JOURNAL_FILE_MAX)
                return -EFBIG;
        /* Every iteration consumes at least one byte (the line and its
         * '\n', or the rest), so no input can make this loop. */
        while (pos < len) {
                const char *nl = memchr(data + pos, '\n', len - pos);
                _cleanup_strv_ char **f = NULL;
                size_t n, l;

                if (!nl) {
                        tx.torn_tail = true; /* crash in the middle of an append */
                        tx.bad_lines += pending;
                        pending = 0;
                        break;
                }
                l = (size_t) (nl - (data + pos));
                if (!line_check(data + pos, l, &f)) {
                        pending++;
                        pos += l + 1;
                        continue;
                }
                pos += l + 1;
                line_no++;
                /* A torn append followed by the ROLLEDBACK or ABANDONED that
                 * closed the file (after a '\n' of its own) is still the
                 * crash's torn tail; before any other record it is damage. */
                if (pending > 0 && f[0] && (streq(f[0], "ROLLEDBACK") || streq(f[0], "ABANDONED"))) {
                        tx.bad_lines += pending - 1;
                        tx.torn_tail = true;
                } else
                        tx.bad_lines += pending;
                pending = 0;
                n = strv_length(f);
                if (n == 0) {
                        tx.bad_lines++;
                        continue;
                }
                if (streq(f[0], "BEGIN")) {
                        int64_t t;
                        if (tx.begun || line_no != 1 || n != 4 || !journal_id_is_valid(f[1]) ||
                            safe_atoi64(f[2], &t) < 0 || parse_value(f[3], &tx.profile) < 0) {
                                tx.bad_lines++;
                                continue;
                        }
                        tx.id = xstrdup(f[1]);
                        tx.time = t;
                        tx.begun = true;
                        if (name_id && !streq(name_id, tx.id))
                                id_mismatch = true;
                        continue;
                }
                if (streq(f[0], "ABANDONED") && n == 3) {
                        /* Also without BEGIN: how a file that never got one
                         * is closed. */
                        abandoned = true;
                        continue;
                }
                if (!tx.begun) {
                        tx.bad_lines++;
                        continue;
                }
                if (streq(f[0], "ROOT") && n == 4) {
                        uint64_t dev, ino;
                        if (tx.has_root || line_no != 2 || journal_unescape(f[1], &tx.root.path) < 0 ||
                            tx.root.path[0] != '/' || safe_atou64(f[2], &dev) < 0 || safe_atou64(f[3], &ino) < 0) {
                                free(tx.root.path);
                                tx.root.path = NULL;
                                tx.bad_lines++;
                                continue;
                        }
                        tx.root.dev = dev;
                        tx.root.ino = ino;
                        tx.has_root = true;
                        continue;
                }
                if ((streq(f[0], "ORIG") || streq(f[0], "DONE") || streq(f[0], "FAIL")) && n == 3) {
                        if (parse_record(f, n, &tx) < 0)
                                tx.bad_lines++;
                        continue;
                }
                if (streq(f[0], "COMMIT") && n == 1) {
                        tx.committed = true;
                        continue;
                }
                if (streq(f[0], "ROLLEDBACK") && n == 2) {
                        rolled = true;
                        continue;
                }
                tx.bad_lines++;
        }
        if (pending > 0) {
                tx.bad_lines += pending - 1;
                tx.torn_tail = true;
        }
        if (!tx.begun)
                tx.damage = "no BEGIN record";
        else if (id_mismatch)
                tx.damage = "its BEGIN record names another transaction";
        else if (!tx.has_root)
                tx.damage = "no ROOT record";
        else if (tx.bad_lines > 0)
                tx.damage = "damaged records";
        tx.state = abandoned ? JOURNAL_ABANDONED
                 : rolled && !tx.damage ? JOURNAL_ROLLED_BACK
                 : tx.committed ? JOURNAL_COMMITTED
                                : JOURNAL_INCOMPLETE;
        *ret = tx;
        return 0;
}
