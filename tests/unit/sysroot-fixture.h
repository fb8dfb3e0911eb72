/* SPDX-License-Identifier: MIT */
/*
 * Temporary directory trees for the unit tests: sysroots built from a table
 * of files (make_sysroot/remove_sysroot), and single files, links and reads
 * under a base directory (fixture_put/fixture_link/fixture_get). Failures
 * are cmocka assertions. Include after the test's cmocka.h.
 */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* Every directory on the way to base/rel, not rel itself ("a/b/" makes a/b). */
static inline void fixture_mkdir_parents(const char *base, const char *rel) {
        _cleanup_free_ char *path = xasprintf("%s/%s", base, rel);

        for (char *s = path + strlen(base) + 1; (s = strchr(s, '/')); s++) {
                *s = '\0';
                assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
                *s = '/';
        }
}

static inline void fixture_mkdir_p(const char *base, const char *rel) {
        _cleanup_free_ char *dir = xasprintf("%s/", rel);

        fixture_mkdir_parents(base, dir);
}

static inline void fixture_put(const char *base, const char *rel, const char *content) {
        _cleanup_free_ char *path = xasprintf("%s/%s", base, rel);
        FILE *f;

        fixture_mkdir_parents(base, rel);
        f = fopen(path, "we");
        assert_non_null(f);
        fputs(content, f);
        assert_int_equal(fclose(f), 0);
}

/* base/dir/name: keeps path literals free of absolute-looking prefixes. */
static inline void fixture_put_attr(const char *base, const char *dir, const char *name, const char *content) {
        _cleanup_free_ char *rel = xasprintf("%s/%s", dir, name);
        fixture_put(base, rel, content);
}

static inline void fixture_link(const char *base, const char *rel, const char *target) {
        _cleanup_free_ char *path = xasprintf("%s/%s", base, rel);

        fixture_mkdir_parents(base, rel);
        assert_int_equal(symlink(target, path), 0);
}

/* The first 8 KiB of base/rel, or NULL if it cannot be opened. */
static inline char *fixture_get(const char *base, const char *rel) {
        _cleanup_free_ char *p = xasprintf("%s/%s", base, rel);
        char buf[8192];
        size_t n;
        FILE *f = fopen(p, "r");
        if (!f)
                return NULL;
        n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = '\0';
        return xstrdup(buf);
}

/* nftw() callback for removing a tree: FTW_DEPTH | FTW_PHYS. */
static inline int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        (void) st;
        (void) flag;
        (void) ftw;
        return remove(path);
}

struct fixture_file {
        const char *path; /* relative to the sysroot; ending in '/' = a directory */
        const char *data; /* NULL with link: a symlink to link */
        const char *link;
        size_t len;       /* of data when it holds NULs; 0 = strlen(data) */
};

static inline void write_file(const char *root, const struct fixture_file *ff) {
        _cleanup_free_ char *path = xasprintf("%s/%s", root, ff->path);
        size_t len;
        int fd;

        fixture_mkdir_parents(root, ff->path);
        if (path[strlen(path) - 1] == '/')
                return;
        if (ff->link) {
                assert_int_equal(symlink(ff->link, path), 0);
                return;
        }
        len = ff->len ? ff->len : strlen(ff->data);
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, ff->data, len), (ssize_t) len);
        close(fd);
}

/* A new directory under /tmp holding files[0..n) (up to the first without a
 * path); the caller frees it with remove_sysroot(). */
static inline char *make_sysroot(const struct fixture_file *files, size_t n) {
        char *dir = xstrdup("/tmp/vpstune-test-facts.XXXXXX");

        assert_non_null(mkdtemp(dir));
        for (size_t i = 0; i < n && files[i].path; i++)
                write_file(dir, &files[i]);
        return dir;
}

static inline void remove_sysroot(char *dir) {
        assert_int_equal(nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
        free(dir);
}
