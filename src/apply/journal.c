/* SPDX-License-Identifier: MIT */
/*
 * The write-ahead journal: the state directory and the transaction files.
 * The record format is journal-format.c.
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
#include "sysroot.h"
#include "util.h"

struct journal {
        int fd;
        char *id;
};

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

/* Another user able to write here could plant a journal that a root
 * rollback would replay (doas/sshd StrictModes reasoning). */
static int state_check(int fd, int *ret_fd) {
        struct stat st;

        if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022)) {
                close(fd);
                return -EPERM;
        }
        *ret_fd = fd;
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
        return state_check(fd, ret_fd);
}

int journal_state_open_in_root(struct sysroot *sr, bool create, int *ret_fd) {
        /* Through the door: "<root>/var" a symlink to "/var" (or anywhere)
         * resolves inside the root, and the state dir itself may not be
         * a link at all. */
        int fd = sysroot_open_dir(sr, SR_ROOT, VPSTUNE_STATE_DIR, create, 0755, 0700);

        if (fd < 0)
                return fd;
        return state_check(fd, ret_fd);
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
        _cleanup_free_ char *line = journal_format_line(body);
        int r = write_all(fd, line, strlen(line));
        if (r < 0)
                return r;
        return fdatasync(fd) < 0 ? -errno : 0;
}

static char *tx_filename(const char *id) {
        return xasprintf("tx-%s.journal", id);
}

/* The file appears under its name only once BEGIN and ROOT are durable
 * in it (written under a temporary name, fsync, rename, fsync of the
 * directory): a full disk, a file size limit or a kill leaves either
 * nothing or a dot-file that journal_list() does not read. */
int journal_begin(int state_fd, const char *profile, const struct journal_root *root, struct journal **ret) {
        _cleanup_free_ char *pf = journal_format_value(profile), *rp = NULL, *body = NULL, *rbody = NULL;
        char stamp[32];
        struct tm tm;
        time_t now = time(NULL);
        struct journal *j;
        int fd = -1, r = -EEXIST;

        if (!root || !root->path)
                return -EINVAL;
        if (!gmtime_r(&now, &tm) || strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm) == 0)
                return -EINVAL;
        rp = journal_escape(root->path);
        rbody = xasprintf("ROOT %s %" PRIu64 " %" PRIu64, rp, root->dev, root->ino);
        j = xcalloc(1, sizeof *j);
        j->fd = -1;
        for (unsigned n = 1; n < 100000 && r == -EEXIST; n++) {
                _cleanup_free_ char *name = NULL, *tmp = NULL;
                free(j->id);
                j->id = xasprintf("%s-%u", stamp, n);
                name = tx_filename(j->id);
                if (faccessat(state_fd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
                        continue;
                tmp = xasprintf(".%s.new", name);
                (void) unlinkat(state_fd, tmp, 0); /* left by a killed apply */
                fd = openat(state_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
                if (fd < 0)
                        return journal_close(j), -errno;
                free(body);
                body = xasprintf("BEGIN %s %lld %s", j->id, (long long) now, pf);
                r = append_line(fd, body);
                if (r == 0)
                        r = append_line(fd, rbody);
                if (r == 0 && fsync(fd) < 0)
                        r = -errno;
                if (r == 0 && renameat2(state_fd, tmp, state_fd, name, RENAME_NOREPLACE) < 0)
                        r = -errno;
                if (r < 0) {
                        close(fd);
                        fd = -1;
                        (void) unlinkat(state_fd, tmp, 0);
                }
        }
        if (r < 0) {
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
        *ret = j;
        return 0;
}

const char *journal_get_id(const struct journal *j) {
        return j->id;
}

static int append_rec(struct journal *j, const char *type, const char *knob_id, const char *value) {
        _cleanup_free_ char *k = journal_escape(knob_id), *v = journal_format_value(value), *body = NULL;
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

static int append_closing(int state_fd, const char *id, const char *body) {
        _cleanup_free_ char *name = NULL, *buf = NULL;
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
        if (r == 0)
                r = append_line(fd, body);
        close(fd);
        return r;
}

/* Appends a closing record, then reads the file back: a record that did
 * not change the state (damaged file, full disk) is an error, never a
 * success to retry. */
static int close_tx(int state_fd, const char *id, const char *body, enum journal_state want) {
        struct journal_tx tx = {};
        int r = append_closing(state_fd, id, body);

        if (r < 0)
                return r;
        r = journal_load(state_fd, id, &tx);
        if (r == 0 && tx.state != want)
                r = -EBADMSG;
        journal_tx_done(&tx);
        return r;
}

int journal_mark_rolled_back(int state_fd, const char *id) {
        _cleanup_free_ char *body = xasprintf("ROLLEDBACK %lld", (long long) time(NULL));
        return close_tx(state_fd, id, body, JOURNAL_ROLLED_BACK);
}

int journal_mark_abandoned(int state_fd, const char *id) {
        _cleanup_free_ char *body = xasprintf("ABANDONED %lld %u", (long long) time(NULL), (unsigned) getuid());
        return close_tx(state_fd, id, body, JOURNAL_ABANDONED);
}

int journal_load(int state_fd, const char *id, struct journal_tx *ret) {
        _cleanup_free_ char *buf = NULL;
        struct journal_tx tx;
        size_t len = 0;
        int r;

        r = read_tx_file(state_fd, id, &buf, &len);
        if (r < 0)
                return r;
        r = journal_parse(buf, len, id, &tx);
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
