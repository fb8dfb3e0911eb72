/* SPDX-License-Identifier: MIT */
/*
 * The write-ahead journal; format in journal.h.
 */
#include "apply/journal.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "util.h"

/* A journal holds whole config files (knob "nix:@file"), escaped: allow
 * for that, but not for unbounded input. */
#define JOURNAL_FILE_MAX (64u * 1024u * 1024u)
#define JOURNAL_RECORDS_MAX 100000u

struct journal {
        int fd;
        char *id;
};

const char *journal_state_to_string(enum journal_state s) {
        switch (s) {
        case JOURNAL_COMMITTED:
                return "committed";
        case JOURNAL_INCOMPLETE:
                return "incomplete";
        case JOURNAL_ROLLED_BACK:
                return "rolled-back";
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

int journal_parse(const char *data, size_t len, struct journal_tx *ret) {
        struct journal_tx tx = {};
        bool begun = false, rolled = false;
        size_t pos = 0;

        while (pos < len) {
                const char *nl = memchr(data + pos, '\n', len - pos);
                _cleanup_strv_ char **f = NULL;
                size_t n, l;
                bool last;

                if (!nl) {
                        tx.torn_tail = true; /* crash in the middle of an append */
                        break;
                }
                l = (size_t) (nl - (data + pos));
                last = (size_t) (nl - data) + 1 >= len;
                if (!line_check(data + pos, l, &f)) {
                        if (last)
                                tx.torn_tail = true;
                        else if (l > 0)
                                tx.bad_lines++;
                        pos += l + 1;
                        continue;
                }
                pos += l + 1;
                n = strv_length(f);
                if (n == 0)
                        continue;
                if (streq(f[0], "BEGIN")) {
                        int64_t t;
                        if (begun || n != 4 || !journal_id_is_valid(f[1]) || safe_atoi64(f[2], &t) < 0 ||
                            parse_value(f[3], &tx.profile) < 0) {
                                tx.bad_lines++;
                                continue;
                        }
                        tx.id = xstrdup(f[1]);
                        tx.time = t;
                        begun = true;
                        continue;
                }
                if (!begun) {
                        tx.bad_lines++;
                        continue;
                }
                if ((streq(f[0], "ORIG") || streq(f[0], "DONE") || streq(f[0], "FAIL")) && n == 3) {
                        struct journal_record r = {};
                        int err;
                        if (tx.n_records >= JOURNAL_RECORDS_MAX || journal_unescape(f[1], &r.knob_id) < 0) {
                                tx.bad_lines++;
                                continue;
                        }
                        if (streq(f[0], "FAIL")) {
                                r.type = JREC_FAIL;
                                if (safe_atoi(f[2], &err) < 0 || err <= 0 || err > 4095) {
                                        free(r.knob_id);
                                        tx.bad_lines++;
                                        continue;
                                }
                                r.error = -err;
                                tx.n_failed++;
                        } else {
                                r.type = streq(f[0], "ORIG") ? JREC_ORIG : JREC_DONE;
                                if (parse_value(f[2], &r.value) < 0) {
                                        free(r.knob_id);
                                        tx.bad_lines++;
                                        continue;
                                }
                                if (r.type == JREC_ORIG)
                                        tx.n_originals++;
                                else
                                        tx.n_changes++;
                        }
                        *(struct journal_record *) array_grow(&tx.records, &tx.n_records, sizeof r) = r;
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
        if (!begun) {
                journal_tx_done(&tx);
                return -EBADMSG;
        }
        tx.state = rolled ? JOURNAL_ROLLED_BACK : tx.committed ? JOURNAL_COMMITTED : JOURNAL_INCOMPLETE;
        *ret = tx;
        return 0;
}

/* ---- state dir, lock ---- */

char *journal_default_state_dir(const char *root) {
        if (!root || !*root || streq(root, "/"))
                return xstrdup(VPSTUNE_STATE_DIR);
        {
                size_t l = strlen(root);
                while (l > 1 && root[l - 1] == '/')
                        l--;
                return xasprintf("%.*s%s", (int) l, root, VPSTUNE_STATE_DIR);
        }
}

static int mkdir_parents(const char *path) {
        _cleanup_free_ char *p = xstrdup(path);
        for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
                *s = '\0';
                if (mkdir(p, 0755) < 0 && errno != EEXIST)
                        return -errno;
                *s = '/';
        }
        return 0;
}

int journal_state_open(const char *path, bool create, int *ret_fd) {
        _cleanup_free_ char *p = NULL;
        struct stat st;
        size_t l;
        int fd;

        if (!path || !*path)
                return -EINVAL;
        p = xstrdup(path);
        l = strlen(p);
        while (l > 1 && p[l - 1] == '/')
                p[--l] = '\0';
        if (create) {
                int r = mkdir_parents(p);
                if (r < 0)
                        return r;
                if (mkdir(p, 0700) < 0 && errno != EEXIST)
                        return -errno;
        }
        fd = open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
                int r = -errno;
                if (lstat(p, &st) == 0 && S_ISLNK(st.st_mode))
                        return -ELOOP;
                return r;
        }
        /* Another user able to write here could plant a journal that a
         * root rollback would replay (doas/sshd StrictModes reasoning). */
        if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022)) {
                close(fd);
                return -EPERM;
        }
        *ret_fd = fd;
        return 0;
}

int journal_lock(int state_fd, bool wait, int *ret_lock_fd) {
        int fd = openat(state_fd, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

        if (fd < 0)
                return -errno;
        while (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
                int r = -errno;
                if (r == -EINTR)
                        continue;
                close(fd);
                return r == -EAGAIN ? -EWOULDBLOCK : r;
        }
        *ret_lock_fd = fd;
        return 0;
}

void journal_unlock(int lock_fd) {
        if (lock_fd >= 0)
                close(lock_fd);
}

/* ---- writing ---- */

static int write_all(int fd, const char *s, size_t n) {
        while (n > 0) {
                ssize_t w = write(fd, s, n);
                if (w < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                s += w;
                n -= (size_t) w;
        }
        return 0;
}

/* body + " crc=XXXXXXXX\n", one write, then durable. */
static int append_line(int fd, const char *body) {
        _cleanup_free_ char *line = xasprintf("%s crc=%08" PRIx32 "\n", body, journal_crc32(body, strlen(body)));
        int r = write_all(fd, line, strlen(line));
        if (r < 0)
                return r;
        return fdatasync(fd) < 0 ? -errno : 0;
}

static char *value_field(const char *v) {
        _cleanup_free_ char *e = NULL;
        if (!v)
                return xstrdup("~");
        e = journal_escape(v);
        return xasprintf("=%s", e);
}

static char *tx_filename(const char *id) {
        return xasprintf("tx-%s.journal", id);
}

int journal_begin(int state_fd, const char *profile, struct journal **ret) {
        _cleanup_free_ char *pf = value_field(profile), *body = NULL;
        char stamp[32];
        struct tm tm;
        time_t now = time(NULL);
        struct journal *j;
        int fd = -1, r;

        if (!gmtime_r(&now, &tm) || strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm) == 0)
                return -EINVAL;
        j = xcalloc(1, sizeof *j);
        j->fd = -1;
        for (unsigned n = 1; n < 100000; n++) {
                _cleanup_free_ char *name = NULL;
                free(j->id);
                j->id = xasprintf("%s-%u", stamp, n);
                name = tx_filename(j->id);
                fd = openat(state_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
                if (fd >= 0 || errno != EEXIST)
                        break;
        }
        if (fd < 0) {
                r = -errno;
                journal_close(j);
                return r;
        }
        j->fd = fd;
        /* The file must survive a crash too, not just its contents. */
        if (fsync(state_fd) < 0) {
                r = -errno;
                journal_close(j);
                return r;
        }
        body = xasprintf("BEGIN %s %lld %s", j->id, (long long) now, pf);
        r = append_line(fd, body);
        if (r < 0) {
                journal_close(j);
                return r;
        }
        *ret = j;
        return 0;
}

const char *journal_get_id(const struct journal *j) {
        return j->id;
}

static int append_rec(struct journal *j, const char *type, const char *knob_id, const char *value) {
        _cleanup_free_ char *k = journal_escape(knob_id), *v = value_field(value), *body = NULL;
        body = xasprintf("%s %s %s", type, k, v);
        return append_line(j->fd, body);
}

int journal_orig(struct journal *j, const char *knob_id, const char *value) {
        return append_rec(j, "ORIG", knob_id, value);
}

int journal_done(struct journal *j, const char *knob_id, const char *value) {
        return append_rec(j, "DONE", knob_id, value);
}

int journal_fail(struct journal *j, const char *knob_id, int error) {
        _cleanup_free_ char *k = journal_escape(knob_id), *body = NULL;
        body = xasprintf("FAIL %s %d", k, error < 0 ? -error : (error ? error : EIO));
        return append_line(j->fd, body);
}

int journal_commit(struct journal *j) {
        return append_line(j->fd, "COMMIT");
}

struct journal *journal_close(struct journal *j) {
        if (!j)
                return NULL;
        if (j->fd >= 0)
                close(j->fd);
        free(j->id);
        free(j);
        return NULL;
}

static int read_tx_file(int state_fd, const char *id, char **ret, size_t *ret_len) {
        _cleanup_free_ char *name = NULL;
        size_t len = 0, cap = 4096;
        struct stat st;
        char *buf;
        int fd;

        if (!journal_id_is_valid(id))
                return -EINVAL;
        name = tx_filename(id);
        fd = openat(state_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
                close(fd);
                return -EBADFD;
        }
        buf = xmalloc(cap);
        for (;;) {
                ssize_t n;
                if (len == cap) {
                        if (cap >= JOURNAL_FILE_MAX) {
                                free(buf);
                                close(fd);
                                return -EFBIG;
                        }
                        cap *= 2;
                        buf = xrealloc(buf, cap);
                }
                n = read(fd, buf + len, cap - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        int r = -errno;
                        free(buf);
                        close(fd);
                        return r;
                }
                if (n == 0)
                        break;
                len += (size_t) n;
        }
        close(fd);
        *ret = buf;
        *ret_len = len;
        return 0;
}

int journal_mark_rolled_back(int state_fd, const char *id) {
        _cleanup_free_ char *name = NULL, *buf = NULL, *body = NULL;
        size_t len = 0;
        int fd, r;

        r = read_tx_file(state_fd, id, &buf, &len);
        if (r < 0)
                return r;
        name = tx_filename(id);
        fd = openat(state_fd, name, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (len > 0 && buf[len - 1] != '\n')
                r = write_all(fd, "\n", 1);
        body = xasprintf("ROLLEDBACK %lld", (long long) time(NULL));
        if (r == 0)
                r = append_line(fd, body);
        close(fd);
        return r;
}

int journal_load(int state_fd, const char *id, struct journal_tx *ret) {
        _cleanup_free_ char *buf = NULL;
        struct journal_tx tx;
        size_t len = 0;
        int r;

        r = read_tx_file(state_fd, id, &buf, &len);
        if (r < 0)
                return r;
        r = journal_parse(buf, len, &tx);
        if (r == -EBADMSG) {
                /* Created, but BEGIN never became durable: an apply killed
                 * at its first step. Nothing was changed. */
                tx = (struct journal_tx) { .state = JOURNAL_INCOMPLETE, .torn_tail = len > 0 };
                r = 0;
        }
        if (r < 0)
                return r;
        free(tx.id);
        tx.id = xstrdup(id); /* the file name is what rollback --to uses */
        *ret = tx;
        return 0;
}

static int cmp_tx(const void *a, const void *b) {
        return journal_id_compare(((const struct journal_tx *) a)->id, ((const struct journal_tx *) b)->id);
}

int journal_list(int state_fd, struct journal_tx **ret, size_t *ret_n) {
        struct journal_tx *a = NULL;
        size_t n = 0;
        struct dirent *de;
        int dfd = openat(state_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d;

        if (dfd < 0)
                return -errno;
        d = fdopendir(dfd);
        if (!d) {
                close(dfd);
                return -errno;
        }
        while ((de = readdir(d))) {
                const char *rest = startswith(de->d_name, "tx-");
                _cleanup_free_ char *id = NULL;
                struct journal_tx tx;
                size_t l;
                if (!rest)
                        continue;
                l = strlen(rest);
                if (l < 8 || !streq(rest + l - 8, ".journal"))
                        continue;
                id = xstrndup(rest, l - 8);
                if (!journal_id_is_valid(id) || journal_load(state_fd, id, &tx) < 0)
                        continue;
                *(struct journal_tx *) array_grow(&a, &n, sizeof tx) = tx;
                if (n >= 100000)
                        break;
        }
        closedir(d);
        if (n > 0)
                qsort(a, n, sizeof *a, cmp_tx);
        *ret = a;
        *ret_n = n;
        return 0;
}

int journal_find_incomplete(int state_fd, char **ret_id) {
        struct journal_tx *a = NULL;
        size_t n = 0;
        int r = journal_list(state_fd, &a, &n);

        if (r < 0)
                return r;
        r = -ENOENT;
        for (size_t i = n; i > 0; i--)
                if (a[i - 1].state == JOURNAL_INCOMPLETE) {
                        *ret_id = xstrdup(a[i - 1].id);
                        r = 0;
                        break;
                }
        journal_tx_array_free(a, n);
        return r;
}
