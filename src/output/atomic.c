/* SPDX-License-Identifier: MIT */
#include "output/atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static int write_all(int fd, const void *data, size_t len) {
        const char *p = data;

        while (len > 0) {
                ssize_t n = write(fd, p, len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        return -EIO;
                p += n;
                len -= (size_t) n;
        }
        return 0;
}

/* Temp file beside path, fsync, rename over path, fsync the directory. The
 * file gets "mode" (the replaced file's, or 0666 less the umask for a new
 * one) and, when we may, the replaced file's owner. */
static int write_atomic(const char *path, const void *data, size_t len, mode_t mode, const struct stat *old) {
        _cleanup_free_ char *d1 = xstrdup(path), *b1 = xstrdup(path), *tmp = NULL;
        const char *dir = dirname(d1), *base = basename(b1);
        int fd, dfd, r;

        tmp = xasprintf("%s/.%s.XXXXXX", dir, base);
        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0)
                return -errno;
        r = write_all(fd, data, len);
        if (r == 0 && fchmod(fd, mode) < 0)
                r = -errno;
        /* Keep the owner of a file root replaces (a textfile another user
         * reads); as anyone else, the file is ours, as with any editor. */
        if (r == 0 && old && geteuid() == 0 && (old->st_uid != 0 || old->st_gid != 0) &&
            fchown(fd, old->st_uid, old->st_gid) < 0)
                r = -errno;
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        if (close(fd) < 0 && r == 0)
                r = -errno;
        if (r == 0 && rename(tmp, path) < 0)
                r = -errno;
        if (r < 0) {
                unlink(tmp);
                return r;
        }
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
                (void) fsync(dfd);
                close(dfd);
        }
        return 0;
}

/* A FIFO, a character device or an inherited descriptor: write to the open
 * file, never create or replace it (verify -o /dev/full as root must leave
 * the device node alone). */
static int write_plain(const char *path, const void *data, size_t len) {
        int fd, r;

        fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        r = write_all(fd, data, len);
        if (close(fd) < 0 && r == 0)
                r = -errno;
        return r;
}

static const char *kind_of(mode_t m) {
        return S_ISDIR(m) ? "is a directory" : S_ISBLK(m) ? "is a block device (refusing to write over a disk)"
               : S_ISSOCK(m) ? "is a socket" : "is not a regular file, FIFO or character device";
}

static mode_t default_mode(void) {
        mode_t u = umask(0);
        umask(u);
        return 0666 & ~u;
}

/* The descriptor (standard output or error) that already has st open:
 * "-o /dev/stdout >>log" appends to log through it, as a shell would. */
static int inherited_fd(const struct stat *st) {
        struct stat fst;

        for (int fd = STDOUT_FILENO; fd <= STDERR_FILENO; fd++)
                if (fstat(fd, &fst) == 0 && fst.st_dev == st->st_dev && fst.st_ino == st->st_ino)
                        return fd;
        return -1;
}

static int write_fd(int fd, const void *data, size_t len) {
        if (fd == STDOUT_FILENO)
                fflush(stdout);
        return write_all(fd, data, len);
}

int output_write_file(const char *path, const void *data, size_t len, char **ret_why) {
        struct stat st, tst, dst;
        int fd, r;

        *ret_why = NULL;
        if (!*path) {
                *ret_why = xstrdup("an empty path names no file");
                return -EINVAL;
        }
        if (streq(path, "-"))
                return write_fd(STDOUT_FILENO, data, len);

        if (lstat(path, &st) < 0) {
                if (errno != ENOENT)
                        return -errno;
                return write_atomic(path, data, len, default_mode(), NULL);
        }
        if (S_ISREG(st.st_mode))
                return write_atomic(path, data, len, st.st_mode & 07777, &st);
        if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode))
                return write_plain(path, data, len);
        if (!S_ISLNK(st.st_mode)) {
                *ret_why = xstrdup(kind_of(st.st_mode));
                return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
        }

        /* A symlink: written through only to where an attacker could not
         * have pointed it (a regular file owned by root, or by us, in a
         * directory only its owner can write), to a FIFO or character
         * device, or to what we already have open as stdout or stderr
         * (/dev/stdout, /dev/fd/1). */
        if (stat(path, &tst) == 0) {
                if (S_ISFIFO(tst.st_mode) || S_ISCHR(tst.st_mode))
                        return write_plain(path, data, len);
                fd = inherited_fd(&tst);
                if (fd >= 0)
                        return write_fd(fd, data, len);
        }
        {
                _cleanup_free_ char *target = realpath(path, NULL), *d1 = NULL;
                if (!target) {
                        r = -errno;
                        if (r == -ENOENT)
                                *ret_why = xstrdup("is a symlink to nothing (dangling)");
                        return r;
                }
                if (stat(target, &tst) < 0)
                        return -errno;
                if (S_ISFIFO(tst.st_mode) || S_ISCHR(tst.st_mode))
                        return write_plain(target, data, len);
                if (!S_ISREG(tst.st_mode)) {
                        *ret_why = xasprintf("is a symlink to '%s', which %s", target, kind_of(tst.st_mode));
                        return S_ISDIR(tst.st_mode) ? -EISDIR : -EINVAL;
                }
                if (tst.st_uid != 0 && tst.st_uid != geteuid()) {
                        *ret_why = xasprintf("is a symlink to '%s', which is not owned by root", target);
                        return -EPERM;
                }
                d1 = xstrdup(target);
                if (stat(dirname(d1), &dst) < 0)
                        return -errno;
                if (dst.st_mode & (S_IWGRP | S_IWOTH)) {
                        *ret_why = xasprintf("is a symlink to '%s', in a directory others can write", target);
                        return -EPERM;
                }
                return write_atomic(target, data, len, tst.st_mode & 07777, &tst);
        }
}

int output_write_atomic(const char *path, const void *data, size_t len, mode_t mode) {
        return write_atomic(path, data, len, mode, NULL);
}
