/* SPDX-License-Identifier: MIT */
/*
 * The only file in vpstune that spells "/proc", "/sys", "/dev", "/etc".
 * See sysroot.h for why.
 */
#include "sysroot.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

struct sysroot {
        int root_fd;
        char *dir;
        char *canon_dir;    /* the root as the kernel names it; NULL: unknown */
        int base_fd[_SR_BASE_MAX]; /* live only: /proc, /sys... opened once, -1 = not yet */
        bool live;
        bool no_openat2; /* kernel lacks it: manual checks instead */
};

static const char *const base_prefix[_SR_BASE_MAX] = {
        [SR_ROOT] = "",
        [SR_PROC] = "/proc",
        [SR_SYS] = "/sys",
        [SR_DEV] = "/dev",
        [SR_ETC] = "/etc",
        [SR_RUN] = "/run",
        [SR_VAR] = "/var",
        [SR_USR] = "/usr",
};

const char *sysroot_base_prefix(enum sr_base base) {
        return base < _SR_BASE_MAX ? base_prefix[base] : "";
}

/* The kernel's name for what fd refers to, through /proc/self/fd: one
 * readlink instead of walking every component. NULL without /proc. */
static char *fd_path(int fd) {
        char link[64], buf[4096];
        ssize_t n;

        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        n = readlink(link, buf, sizeof buf - 1);
        if (n <= 0 || buf[0] != '/')
                return NULL;
        buf[n] = '\0';
        /* "(deleted)" and other decorations: not a usable path. */
        if (strstr(buf, " (deleted)"))
                return NULL;
        return xstrdup(buf);
}

int sysroot_open(const char *dir, struct sysroot **ret) {
        struct sysroot *sr;
        int fd;

        if (!dir || !*dir)
                dir = "/";
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        sr = xcalloc(1, sizeof *sr);
        sr->root_fd = fd;
        sr->dir = xstrdup(dir);
        sr->live = streq(dir, "/");
        sr->canon_dir = fd_path(fd);
        for (int b = 0; b < _SR_BASE_MAX; b++)
                sr->base_fd[b] = -1;
        if (!sr->live) {
                /* "--root /" spelled differently is still the live machine. */
                struct stat a, b;
                if (fstat(fd, &a) == 0 && stat("/", &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
                        sr->live = true;
        }
        *ret = sr;
        return 0;
}

struct sysroot *sysroot_free(struct sysroot *sr) {
        if (!sr)
                return NULL;
        if (sr->root_fd >= 0)
                close(sr->root_fd);
        for (int b = 0; b < _SR_BASE_MAX; b++)
                if (sr->base_fd[b] >= 0)
                        close(sr->base_fd[b]);
        free(sr->dir);
        free(sr->canon_dir);
        free(sr);
        return NULL;
}

bool sysroot_is_live(const struct sysroot *sr) {
        return sr->live;
}

const char *sysroot_dir(const struct sysroot *sr) {
        return sr->dir;
}

int sysroot_identity(const struct sysroot *sr, char **ret_path, uint64_t *ret_dev, uint64_t *ret_ino) {
        struct stat st;
        char *p;

        if (fstat(sr->root_fd, &st) < 0)
                return -errno;
        if (sr->live)
                p = xstrdup("/");
        else if (sr->canon_dir)
                p = xstrdup(sr->canon_dir);
        else if (!(p = realpath(sr->dir, NULL)))
                return -errno;
        *ret_path = p;
        *ret_dev = (uint64_t) st.st_dev;
        *ret_ino = (uint64_t) st.st_ino;
        return 0;
}

char *sysroot_display_path(enum sr_base base, const char *rel) {
        const char *p = sysroot_base_prefix(base);
        while (rel && *rel == '/')
                rel++;
        if (!rel || !*rel)
                return xstrdup(*p ? p : "/");
        return xasprintf("%s/%s", p, rel);
}

/* Path relative to the root fd, no leading slash: "proc/cpuinfo". */
static char *relpath(enum sr_base base, const char *rel) {
        const char *p = sysroot_base_prefix(base);
        while (*p == '/')
                p++;
        while (rel && *rel == '/')
                rel++;
        if (!rel || !*rel)
                return xstrdup(*p ? p : ".");
        if (!*p)
                return xstrdup(rel);
        return xasprintf("%s/%s", p, rel);
}

static bool has_dotdot(const char *path) {
        for (const char *p = path; *p;) {
                size_t l = strcspn(p, "/");
                if (l == 2 && p[0] == '.' && p[1] == '.')
                        return true;
                p += l;
                while (*p == '/')
                        p++;
        }
        return false;
}

/* Re-walks the canonical components from the root, none a symlink. */
static int walk_done(int root_fd, char **done) {
        int cur = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);

        if (cur < 0)
                return -errno;
        for (char **c = done; c && *c; c++) {
                int nfd = openat(cur, *c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                int r = -errno;
                close(cur);
                if (nfd < 0)
                        return r;
                cur = nfd;
        }
        return cur;
}

/* Without openat2: what RESOLVE_IN_ROOT does, by hand. Every component is
 * opened with O_NOFOLLOW relative to its parent; a symlink is read and its
 * target walked again from the root (absolute) or its directory
 * (relative); ".." stops at the root; at most 40 links. */
static int open_in_root_walk(int root_fd, const char *path, int flags, mode_t mode) {
        _cleanup_strv_ char **todo = strv_split(path, "/");
        _cleanup_strv_ char **done = xcalloc(1, sizeof(char *));
        bool nofollow = flags & O_NOFOLLOW;
        unsigned links = 0;
        int cur = walk_done(root_fd, done), r;

        if (cur < 0)
                return cur;
        for (size_t i = 0;;) {
                const char *c = todo[i];
                _cleanup_free_ char *target = NULL;
                bool last;
                int fd;

                while (c && (!*c || streq(c, ".")))
                        c = todo[++i];
                if (!c) {
                        fd = openat(cur, ".", flags & ~(O_CREAT | O_EXCL | O_NOFOLLOW), mode);
                        r = -errno;
                        close(cur);
                        return fd < 0 ? r : fd;
                }
                if (streq(c, "..")) {
                        size_t n = strv_length(done);
                        if (n > 0) {
                                free(done[n - 1]);
                                done[n - 1] = NULL;
                        }
                        close(cur);
                        if ((cur = walk_done(root_fd, done)) < 0)
                                return cur;
                        i++;
                        continue;
                }
                last = true;
                for (size_t k = i + 1; todo[k] && last; k++)
                        last = !*todo[k] || streq(todo[k], ".");
                if (last && !(flags & O_DIRECTORY) && todo[i + 1])
                        flags |= O_DIRECTORY; /* "dir/" */
                fd = openat(cur, c, last ? flags | O_NOFOLLOW : O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
                            mode);
                if (fd >= 0 && last && (flags & O_PATH) && !nofollow) {
                        struct stat st;
                        if (fstatat(fd, "", &st, AT_EMPTY_PATH) == 0 && S_ISLNK(st.st_mode)) {
                                close(fd);
                                fd = -1;
                                errno = ELOOP;
                        }
                }
                if (fd >= 0) {
                        if (last) {
                                close(cur);
                                return fd;
                        }
                        close(cur);
                        cur = fd;
                        strv_push(&done, c);
                        i++;
                        continue;
                }
                r = -errno;
                if (last && (nofollow || (flags & O_EXCL))) {
                        close(cur);
                        return r;
                }
                {
                        char buf[4096];
                        ssize_t n = readlinkat(cur, c, buf, sizeof buf - 1);
                        if (n < 0) {
                                close(cur);
                                return r; /* not a link: the open's own error */
                        }
                        buf[n] = '\0';
                        target = xstrdup(buf);
                }
                if (++links > 40) {
                        close(cur);
                        return -ELOOP;
                }
                {
                        _cleanup_strv_ char **tparts = strv_split(target, "/");
                        char **rest = xcalloc(1, sizeof(char *));
                        for (char **t = tparts; *t; t++)
                                strv_push(&rest, *t);
                        for (size_t k = i + 1; todo[k]; k++)
                                strv_push(&rest, todo[k]);
                        strv_free(todo);
                        todo = rest;
                        i = 0;
                }
                if (target[0] == '/') {
                        strv_free(done);
                        done = xcalloc(1, sizeof(char *));
                        close(cur);
                        if ((cur = walk_done(root_fd, done)) < 0)
                                return cur;
                }
        }
}

int sysroot_openat(struct sysroot *sr, enum sr_base base, const char *rel, int flags, mode_t mode) {
        _cleanup_free_ char *p = relpath(base, rel);
        int fd;

        if (has_dotdot(p))
                return -EPERM;
        flags |= O_CLOEXEC;
        if (sr->live) {
                /* Relative to /sys or /proc opened once: a component less to
                 * walk on each of the hundred small reads of a run. Only live:
                 * in a sysroot the root must stay the resolution root. */
                const char *r = rel;
                while (r && *r == '/')
                        r++;
                if (base != SR_ROOT && base < _SR_BASE_MAX && r && *r) {
                        if (sr->base_fd[base] < 0)
                                sr->base_fd[base] = openat(sr->root_fd, base_prefix[base] + 1,
                                                           O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                        if (sr->base_fd[base] >= 0) {
                                fd = openat(sr->base_fd[base], r, flags, mode);
                                return fd < 0 ? -errno : fd;
                        }
                }
                fd = openat(sr->root_fd, p, flags, mode);
                return fd < 0 ? -errno : fd;
        }
        if (!sr->no_openat2) {
                struct open_how how = {
                        .flags = (uint64_t) flags,
                        .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
                        .resolve = RESOLVE_IN_ROOT,
                };
                fd = (int) syscall(SYS_openat2, sr->root_fd, p, &how, sizeof how);
                if (fd >= 0)
                        return fd;
                if (errno != ENOSYS)
                        return -errno;
                sr->no_openat2 = true;
                log_debug_topic("sysroot", "no openat2: resolving paths in %s component by component", sr->dir);
        }
        return open_in_root_walk(sr->root_fd, p, flags, mode);
}

int sysroot_read_file(struct sysroot *sr, enum sr_base base, const char *rel, size_t max,
                      char **ret, size_t *ret_len, bool *ret_truncated) {
        size_t cap = 4096, len = 0;
        bool truncated = false;
        char *buf;
        int fd;

        if (max == 0 || max > SYSROOT_READ_MAX)
                max = SYSROOT_READ_MAX;
        fd = sysroot_openat(sr, base, rel, O_RDONLY | O_NOCTTY | O_NONBLOCK, 0);
        if (fd < 0)
                return fd;
        /* The live kernel's files need no vetting (saves a syscall per
         * attribute); a sysroot is a tree somebody made, where a FIFO or a
         * device node must not block or stream. */
        if (!sr->live || base == SR_ROOT || base == SR_ETC || base == SR_VAR || base == SR_RUN || base == SR_USR) {
                struct stat st;
                if (fstat(fd, &st) < 0) {
                        int r = -errno;
                        close(fd);
                        return r;
                }
                if (S_ISDIR(st.st_mode)) {
                        close(fd);
                        return -EISDIR;
                }
                if (!S_ISREG(st.st_mode)) {
                        /* FIFOs and devices in a hostile sysroot would block
                         * or stream forever. */
                        close(fd);
                        return -EBADFD;
                }
        }
        buf = xmalloc(cap + 1);
        for (;;) {
                ssize_t n;
                if (len == max) {
                        char c;
                        truncated = read(fd, &c, 1) > 0;
                        break;
                }
                if (len == cap) {
                        cap = cap * 2 > max ? max : cap * 2;
                        buf = xrealloc(buf, cap + 1);
                }
                n = read(fd, buf + len, cap - len);
                if (n < 0) {
                        int r = -errno;
                        if (r == -EINTR)
                                continue;
                        close(fd);
                        free(buf);
                        return r;
                }
                if (n == 0)
                        break;
                len += (size_t) n;
        }
        close(fd);
        if (truncated) {
                /* Cut at the last full line so no parser sees half a record. */
                char *nl = memrchr(buf, '\n', len);
                if (nl)
                        len = (size_t) (nl - buf) + 1;
                log_debug_topic("sysroot", "%s/%s truncated at %zu bytes", sysroot_base_prefix(base), rel, len);
        }
        for (size_t i = 0; i < len; i++)
                if (buf[i] == '\0')
                        buf[i] = ' ';
        buf[len] = '\0';
        *ret = buf;
        if (ret_len)
                *ret_len = len;
        if (ret_truncated)
                *ret_truncated = truncated;
        return 0;
}

int sysroot_read_line(struct sysroot *sr, enum sr_base base, const char *rel, char **ret) {
        _cleanup_free_ char *buf = NULL;
        int r = sysroot_read_file(sr, base, rel, 64 * 1024, &buf, NULL, NULL);
        if (r < 0)
                return r;
        buf[strcspn(buf, "\n")] = '\0';
        *ret = xstrdup(string_sanitize(strstrip(buf)));
        return 0;
}

int sysroot_read_u64(struct sysroot *sr, enum sr_base base, const char *rel, uint64_t *ret) {
        _cleanup_free_ char *l = NULL;
        int r = sysroot_read_line(sr, base, rel, &l);
        if (r < 0)
                return r;
        return safe_atou64(l, ret);
}

int sysroot_read_i64(struct sysroot *sr, enum sr_base base, const char *rel, int64_t *ret) {
        _cleanup_free_ char *l = NULL;
        int r = sysroot_read_line(sr, base, rel, &l);
        if (r < 0)
                return r;
        return safe_atoi64(l, ret);
}

bool sysroot_exists(struct sysroot *sr, enum sr_base base, const char *rel) {
        int fd = sysroot_openat(sr, base, rel, O_PATH, 0);
        if (fd < 0)
                return false;
        close(fd);
        return true;
}

int sysroot_readlink(struct sysroot *sr, enum sr_base base, const char *rel, char **ret) {
        _cleanup_free_ char *p = relpath(base, rel);
        char buf[4096];
        ssize_t n;
        const char *slash = strrchr(p, '/');
        int dfd;

        if (has_dotdot(p))
                return -EPERM;
        /* Resolve the parent inside the root, read the last component as a
         * link without following it. */
        if (slash) {
                _cleanup_free_ char *parent = xstrndup(p, (size_t) (slash - p));
                dfd = sysroot_openat(sr, SR_ROOT, parent, O_PATH | O_DIRECTORY, 0);
                if (dfd < 0)
                        return dfd;
                n = readlinkat(dfd, slash + 1, buf, sizeof buf - 1);
                if (n < 0)
                        n = -errno;
                close(dfd);
        } else {
                n = readlinkat(sr->root_fd, p, buf, sizeof buf - 1);
                if (n < 0)
                        n = -errno;
        }
        if (n < 0)
                return (int) n;
        buf[n] = '\0';
        *ret = xstrdup(buf);
        return 0;
}

/* Lexical resolution of symlinks within the root, as the kernel does with
 * RESOLVE_IN_ROOT, but returning the canonical path string (sysfs device
 * paths carry the transport: ".../virtio1/block/vda"). */
/* Fast path: open the path (resolved by the kernel inside the root) and ask
 * the kernel for its name. -ENOENT and friends fall back to the walk,
 * which also handles missing trailing components. */
static int realpath_by_fd(struct sysroot *sr, enum sr_base base, const char *rel, char **ret) {
        _cleanup_free_ char *full = NULL;
        const char *p = sysroot_base_prefix(base), *inside, *rest;
        size_t rl;
        int fd;

        if (!sr->canon_dir)
                return -ENOSYS;
        fd = sysroot_openat(sr, base, rel, O_PATH, 0);
        if (fd < 0)
                return fd;
        full = fd_path(fd);
        close(fd);
        if (!full)
                return -ENOSYS;
        rl = streq(sr->canon_dir, "/") ? 0 : strlen(sr->canon_dir);
        if (strncmp(full, sr->canon_dir, rl) != 0 || (full[rl] != '/' && full[rl] != '\0'))
                return -ENOSYS; /* outside the root: let the walk say what it is */
        inside = full[rl] ? full + rl : "/";
        rest = *p ? startswith(inside, p) : inside;
        if (rest && (*rest == '/' || *rest == '\0'))
                *ret = xstrdup(*rest ? rest : "/");
        else
                *ret = xstrdup(inside);
        return 0;
}

int sysroot_realpath(struct sysroot *sr, enum sr_base base, const char *rel, char **ret) {
        _cleanup_strv_ char **todo = NULL;
        _cleanup_strv_ char **done = NULL;
        _cleanup_free_ char *start = relpath(base, rel);
        unsigned links = 0;
        int r;

        r = realpath_by_fd(sr, base, rel, ret);
        if (r == 0 || r == -EPERM)
                return r;
        todo = strv_split(start, "/");
        /* Process components from the front; todo is a stack reversed lazily. */
        for (size_t i = 0; todo[i];) {
                const char *c = todo[i];
                if (streq(c, ".")) {
                        i++;
                        continue;
                }
                if (streq(c, "..")) {
                        size_t n = strv_length(done);
                        if (n > 0) {
                                free(done[n - 1]);
                                done[n - 1] = NULL;
                        }
                        i++;
                        continue;
                }
                strv_push(&done, c);
                {
                        _cleanup_free_ char *cur = strv_join(done, "/");
                        _cleanup_free_ char *target = NULL;
                        r = sysroot_readlink(sr, SR_ROOT, cur, &target);
                        if (r == -EINVAL || r == -ENOENT) {
                                i++;
                                continue; /* not a link (or missing): keep */
                        }
                        if (r < 0)
                                return r;
                        if (++links > 40)
                                return -ELOOP;
                        /* Replace the component by the link's target. */
                        size_t n = strv_length(done);
                        free(done[n - 1]);
                        done[n - 1] = NULL;
                        if (target[0] == '/') {
                                strv_free(done);
                                done = NULL;
                        }
                        _cleanup_strv_ char **tparts = strv_split(target, "/");
                        _cleanup_strv_ char **rest = NULL;
                        for (char **t = tparts; *t; t++)
                                strv_push(&rest, *t);
                        for (size_t k = i + 1; todo[k]; k++)
                                strv_push(&rest, todo[k]);
                        strv_free(todo);
                        todo = rest ? TAKE_PTR(rest) : xcalloc(1, sizeof(char *));
                        i = 0;
                }
        }
        {
                _cleanup_free_ char *full = strv_join(done, "/");
                const char *p = sysroot_base_prefix(base);
                const char *rest;
                while (*p == '/')
                        p++;
                rest = *p ? startswith(full, p) : full;
                if (rest && (*rest == '/' || *rest == '\0'))
                        *ret = xasprintf("/%s", rest + (*rest == '/'));
                else
                        *ret = xasprintf("/%s", full); /* left the base: say so by absolute path */
        }
        return 0;
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

int sysroot_list_dir(struct sysroot *sr, enum sr_base base, const char *rel, char ***ret) {
        char **l = xcalloc(1, sizeof(char *));
        struct dirent *de;
        DIR *d;
        int fd;

        fd = sysroot_openat(sr, base, rel, O_RDONLY | O_DIRECTORY, 0);
        if (fd < 0) {
                free(l);
                return fd;
        }
        d = fdopendir(fd);
        if (!d) {
                int r = -errno;
                close(fd);
                free(l);
                return r;
        }
        while ((de = readdir(d))) {
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                strv_push(&l, de->d_name);
                if (strv_length(l) > 65536)
                        break; /* a hostile sysroot cannot make us list forever */
        }
        closedir(d);
        qsort(l, strv_length(l), sizeof(char *), cmp_str);
        *ret = l;
        return 0;
}

int sysroot_open_dir(struct sysroot *sr, enum sr_base base, const char *rel, bool create, mode_t mode,
                     mode_t last_mode) {
        _cleanup_strv_ char **parts = NULL;
        _cleanup_free_ char *cur = NULL;
        int fd;

        while (rel && *rel == '/')
                rel++;
        if (!rel || !*rel)
                return -EINVAL;
        parts = strv_split(rel, "/");
        for (char **c = parts; *c; c++) {
                _cleanup_free_ char *next = NULL;
                bool last = !c[1];
                if (!**c)
                        continue;
                next = cur ? xasprintf("%s/%s", cur, *c) : xstrdup(*c);
                fd = sysroot_openat(sr, base, next, O_RDONLY | O_DIRECTORY | (last ? O_NOFOLLOW : 0), 0);
                if (fd == -ENOENT && create) {
                        int pfd = cur ? sysroot_openat(sr, base, cur, O_PATH | O_DIRECTORY, 0)
                                      : sysroot_openat(sr, base, "", O_PATH | O_DIRECTORY, 0);
                        if (pfd < 0)
                                return pfd;
                        if (mkdirat(pfd, *c, last ? last_mode : mode) < 0 && errno != EEXIST) {
                                int r = -errno;
                                close(pfd);
                                return r;
                        }
                        close(pfd);
                        fd = sysroot_openat(sr, base, next, O_RDONLY | O_DIRECTORY | (last ? O_NOFOLLOW : 0), 0);
                }
                if (fd < 0)
                        return fd == -ENOTDIR && last ? -ELOOP : fd;
                if (last)
                        return fd;
                close(fd);
                free(cur);
                cur = TAKE_PTR(next);
        }
        return -EINVAL;
}

int sysroot_write_attr(struct sysroot *sr, enum sr_base base, const char *rel, const char *value) {
        size_t len = strlen(value);
        ssize_t n;
        int fd;

        fd = sysroot_openat(sr, base, rel, O_WRONLY | O_NOCTTY | O_NOFOLLOW, 0);
        if (fd < 0)
                return fd;
        n = write(fd, value, len);
        if (n < 0) {
                int r = -errno;
                close(fd);
                return r;
        }
        if (close(fd) < 0)
                return -errno;
        return (size_t) n == len ? 0 : -EIO;
}

int sysroot_write_file_atomic(struct sysroot *sr, enum sr_base base, const char *rel,
                              const void *data, size_t len, mode_t mode) {
        _cleanup_free_ char *p = relpath(base, rel);
        _cleanup_free_ char *dir = NULL, *tmp = NULL;
        const char *slash = strrchr(p, '/');
        const char *name = slash ? slash + 1 : p;
        const char *d = data;
        int dfd, fd, r = 0;

        dir = slash ? xstrndup(p, (size_t) (slash - p)) : xstrdup(".");
        dfd = sysroot_openat(sr, SR_ROOT, dir, O_RDONLY | O_DIRECTORY, 0);
        if (dfd < 0)
                return dfd;
        {
                struct stat st;
                if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode)) {
                        close(dfd);
                        return S_ISLNK(st.st_mode) ? -ELOOP : -EEXIST;
                }
        }
        tmp = xasprintf(".#%s.%ld.tmp", name, (long) getpid());
        fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        if (fd < 0) {
                r = -errno;
                close(dfd);
                return r;
        }
        while (len > 0) {
                ssize_t n = write(fd, d, len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        r = -errno;
                        break;
                }
                d += n;
                len -= (size_t) n;
        }
        if (r == 0 && fchmod(fd, mode) < 0)
                r = -errno;
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        if (close(fd) < 0 && r == 0)
                r = -errno;
        if (r == 0 && renameat(dfd, tmp, dfd, name) < 0)
                r = -errno;
        if (r < 0)
                (void) unlinkat(dfd, tmp, 0);
        else if (fsync(dfd) < 0)
                r = -errno;
        close(dfd);
        return r;
}
