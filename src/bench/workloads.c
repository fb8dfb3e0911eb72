/* SPDX-License-Identifier: MIT */
/*
 * The workload table and the timed part of each workload. Every timed part
 * runs in a child process (runner.c), so wait4() accounts exactly that run.
 * Untimed preparation (cache eviction, atimes, removing the last run's
 * output) happens in the parent before the fork. Write workloads end with
 * syncfs() inside the timed part.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "bench/workloads.h"
#include "exec.h"
#include "util.h"

#define MiB (1024.0 * 1024.0)

#define W(id_, unit_, hib_, what_, claim_, writes_, cold_, def_, quick_)                                     \
        { .id = id_, .unit = unit_, .higher_is_better = hib_, .what = what_, .claim = claim_, .writes = writes_, \
          .cold = cold_, .in_default = def_, .in_quick = quick_ }

static const struct bench_workload table[] = {
        W("traverse", "s", false, "stat every file of the tree, like find", "File traversal", false, true, true, true),
        W("git-status", "s", false, "git status in the repository, warm caches", "Git operations", false, false, true, true),
        W("git-status-cold", "s", false, "git status after the tree was evicted", "Git operations", false, true, true, false),
        W("git-checkout", "s", false, "git checkout between two commits that differ in 10 % of files, + syncfs",
          "Git operations", true, false, true, false),
        W("untar", "s", false, "untar the tree (a container layer pull) + syncfs", "Container pulls", true, false, true, false),
        W("fsync", "ops/s", true, "4 KiB write + fdatasync loop", "General I/O", true, false, true, true),
        W("sqlite", "commits/s", true, "sqlite3 inserts, one commit each, synchronous=FULL", "General I/O", true, false,
          true, false),
        W("seqread", "MiB/s", true, "sequential 1 MiB reads of the data file, cold", "General I/O", false, true, true, true),
        W("seqwrite", "MiB/s", true, "sequential 1 MiB writes of a new file + syncfs", "General I/O", true, false, true,
          false),
        W("randread-qd1", "IOPS", true, "4 KiB random direct reads, one at a time", "General I/O", false, true, true, true),
        W("randread-qd16", "IOPS", true, "4 KiB random direct reads, 16 in flight (threads)", "General I/O", false, true,
          true, false),
        W("mixed-p99", "us", false, "read p99 latency of 4 KiB random reads while a writer streams", "General I/O", true,
          true, true, false),
        W("space", "ratio", false, "allocated / logical bytes of the tree (st_blocks); zstd predicted ratio", "Space usage",
          false, false, true, true),
        W("podman-build", "s", false, "podman build of the tree, offline", "Container builds", true, false, true, false),
        W("nix-build", "s", false, "nix-build of a fixed-output derivation, offline", "Nix builds", true, false, true, false),
};

const struct bench_workload *bench_workloads(size_t *ret_n) {
        *ret_n = ELEMENTSOF(table);
        return table;
}

const struct bench_workload *bench_workload_find(const char *id) {
        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (streq(table[i].id, id))
                        return &table[i];
        return NULL;
}

char *bench_workload_unavailable(const struct bench_workload *w) {
        if (startswith(w->id, "git-") && exec_find("git") < 0)
                return xstrdup("git is not installed");
        if (streq(w->id, "untar") && exec_find("tar") < 0)
                return xstrdup("tar is not installed");
        if (streq(w->id, "sqlite") && exec_find("sqlite3") < 0)
                return xstrdup("sqlite3 is not installed");
        if (streq(w->id, "podman-build"))
                return xstrdup(exec_find("podman") < 0
                                       ? "podman is not installed"
                                       : "not built in this version: an offline podman build needs a local base image "
                                         "and its own storage; never faked");
        if (streq(w->id, "nix-build"))
                return xstrdup(exec_find("nix-build") < 0
                                       ? "nix-build is not installed"
                                       : "not built in this version: needs a working nix store offline; never faked");
        return NULL;
}

/* ---- helpers for the timed parts (run in the child) -------------------- */

static void fail(struct bench_child_out *o, int r, const char *what) {
        o->error = r < 0 ? r : -EIO;
        snprintf(o->msg, sizeof o->msg, "%s: %s", what, strerror(-o->error));
}

static int do_syncfs(const char *dir) {
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        int r = syncfs(fd) < 0 ? -errno : 0;
        close(fd);
        return r;
}

static int walk_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        (void) path, (void) st, (void) flag, (void) ftw;
        return 0;
}

static void run_traverse(void *arg, struct bench_child_out *o) {
        struct wl_env *e = arg;
        double t0 = bench_now();
        /* nftw lstat()s every entry, as find does when it must. */
        if (nftw(e->c->tree, walk_one, 64, FTW_PHYS) < 0)
                return fail(o, -errno, "walk");
        o->value = bench_now() - t0;
}

static void run_git_checkout(void *arg, struct bench_child_out *o) {
        struct wl_env *e = arg;
        char *argv[] = { (char *) "git", (char *) "checkout", (char *) "-q", (char *) (e->run % 2 ? "c2" : "c1"), NULL };
        double t0 = bench_now();
        int r = bench_spawn(argv, e->c->tree, NULL, NULL);
        if (r != 0)
                return fail(o, r, "git checkout");
        if ((r = do_syncfs(e->c->tree)) < 0)
                return fail(o, r, "syncfs");
        o->value = bench_now() - t0;
}

static void run_untar(void *arg, struct bench_child_out *o) {
        struct wl_env *e = arg;
        _cleanup_free_ char *out = xasprintf("%s/untar", e->c->work);
        char *argv[] = { (char *) "tar", (char *) "-xf", e->c->tar, (char *) "-C", out, NULL };
        double t0 = bench_now();
        int r = bench_spawn(argv, NULL, NULL, NULL);
        if (r != 0)
                return fail(o, r, "tar");
        if ((r = do_syncfs(out)) < 0)
                return fail(o, r, "syncfs");
        o->value = bench_now() - t0;
}

static void run_fsync(void *arg, struct bench_child_out *o) {
        struct wl_env *e = arg;
        _cleanup_free_ char *p = xasprintf("%s/fsync.dat", e->c->work);
        unsigned n = e->quick ? 100 : 300;
        int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
                return fail(o, -errno, "open");
        char buf[4096];
        memset(buf, 'x', sizeof buf);
        _cleanup_free_ double *lat = xmalloc(n * sizeof *lat);
        double t0 = bench_now();
        for (unsigned i = 0; i < n; i++) {
                double t = bench_now();
                if (pwrite(fd, buf, sizeof buf, (off_t) i * 4096) != (ssize_t) sizeof buf || fdatasync(fd) < 0) {
                        close(fd);
                        return fail(o, -errno, "write");
                }
                lat[i] = (bench_now() - t) * 1e6;
        }
        double dt = bench_now() - t0;
        close(fd);
        o->value = n / dt;
        bench_lat_quantiles(lat, n, o);
}

static void run_sqlite(void *arg, struct bench_child_out *o) {
        struct wl_env *e = arg;
        _cleanup_free_ char *db = xasprintf("%s/bench.sqlite", e->c->work), *sql = xasprintf("%s/bench.sql", e->c->work);
        unsigned n = e->quick ? 50 : 200;
        FILE *f = fopen(sql, "we");
        if (!f)
                return fail(o, -errno, "script");
        fputs("PRAGMA synchronous=FULL;\nCREATE TABLE t(k INTEGER PRIMARY KEY, v TEXT);\n", f);
        for (unsigned i = 0; i < n; i++)
                fprintf(f, "INSERT INTO t(v) VALUES('row %u of the vpstune bench');\n", i);
        fclose(f);
        char *argv[] = { (char *) "sqlite3", db, NULL };
        double t0 = bench_now();
        int r = bench_spawn(argv, NULL, NULL, sql);
        if (r != 0)
                return fail(o, r, "sqlite3");
        o->value = n / (bench_now() - t0);
}

static void run_seqread(void *arg, struct bench_child_out *o) {
        struct wl_env *e = arg;
        int fd = open(e->c->big, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return fail(o, -errno, "open");
        _cleanup_free_ char *buf = xmalloc(1 << 20);
        uint64_t total = 0;
        double t0 = bench_now();
        for (;;) {
                ssize_t k = read(fd, buf, 1 << 20);
                if (k < 0) {
                        close(fd);
                        return fail(o, -errno, "read");
                }
                if (k == 0)
                        break;
                total += (uint64_t) k;
        }
        double dt = bench_now() - t0;
        close(fd);
        o->value = (double) total / MiB / dt;
}

static void run_seqwrite(void *arg, struct bench_child_out *o) {
        struct wl_env *e = arg;
        _cleanup_free_ char *p = xasprintf("%s/seqwrite.dat", e->c->work);
        int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
                return fail(o, -errno, "open");
        _cleanup_free_ uint64_t *buf = xmalloc(1 << 20);
        struct bench_rng rng;
        bench_rng_seed(&rng, 99);
        for (size_t i = 0; i < (1 << 20) / 8; i++)
                buf[i] = bench_rng_next(&rng);
        uint64_t n = e->c->big_size >> 20;
        double t0 = bench_now();
        for (uint64_t i = 0; i < n; i++) {
                buf[0] = i; /* no two blocks alike (dedup, compression) */
                if (write(fd, buf, 1 << 20) != 1 << 20) {
                        close(fd);
                        return fail(o, -errno, "write");
                }
        }
        int r = do_syncfs(e->c->work);
        double dt = bench_now() - t0;
        close(fd);
        if (r < 0)
                return fail(o, r, "syncfs");
        o->value = (double) n / dt;
}

struct rr {
        int fd;
        uint64_t blocks;
        unsigned ops;
        uint64_t seed;
        double *lat;
        int error;
        volatile bool *stop;
};

static void *rr_thread(void *arg) {
        struct rr *t = arg;
        void *buf;
        if (posix_memalign(&buf, 4096, 4096) != 0) {
                t->error = -ENOMEM;
                return NULL;
        }
        struct bench_rng rng;
        bench_rng_seed(&rng, t->seed);
        for (unsigned i = 0; i < t->ops; i++) {
                off_t off = (off_t) bench_rng_below(&rng, t->blocks) * 4096;
                double s = bench_now();
                if (pread(t->fd, buf, 4096, off) != 4096) {
                        t->error = -errno ? -errno : -EIO;
                        break;
                }
                if (t->lat)
                        t->lat[i] = (bench_now() - s) * 1e6;
        }
        free(buf);
        return NULL;
}

/* Direct I/O the kernel turned into buffered I/O leaves the pages cached
 * (btrfs does this for compressed or checksummed-in-flight cases). */
static bool pages_cached(int fd, uint64_t size) {
        void *m = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
        if (m == MAP_FAILED)
                return false;
        size_t pages = (size + 4095) / 4096, resident = 0;
        _cleanup_free_ unsigned char *v = xmalloc(pages);
        if (mincore(m, size, v) == 0)
                for (size_t i = 0; i < pages; i++)
                        resident += v[i] & 1;
        munmap(m, size);
        return resident > pages / 100;
}

static int open_direct(const char *path, bool *buffered) {
        int fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
        if (fd < 0 && errno == EINVAL) {
                *buffered = true;
                fd = open(path, O_RDONLY | O_CLOEXEC);
        }
        return fd < 0 ? -errno : fd;
}

static void run_randread(struct wl_env *e, unsigned threads, struct bench_child_out *o) {
        unsigned per = (e->quick ? 1000 : 3000) * (threads > 1 ? 4 : 1) / threads;
        int fd = open_direct(e->c->big, &o->buffered);
        if (fd < 0)
                return fail(o, fd, "open");
        struct rr t[16];
        pthread_t tid[16];
        _cleanup_free_ double *lat = xmalloc((size_t) per * threads * sizeof *lat);
        double t0 = bench_now();
        for (unsigned i = 0; i < threads; i++) {
                t[i] = (struct rr) { fd, e->c->big_size / 4096, per, 1000 + e->run * 16 + i, lat + (size_t) i * per, 0, NULL };
                if (threads == 1)
                        rr_thread(&t[0]);
                else if (pthread_create(&tid[i], NULL, rr_thread, &t[i]) != 0)
                        return fail(o, -EAGAIN, "thread");
        }
        if (threads > 1)
                for (unsigned i = 0; i < threads; i++)
                        pthread_join(tid[i], NULL);
        double dt = bench_now() - t0;
        for (unsigned i = 0; i < threads; i++)
                if (t[i].error < 0) {
                        close(fd);
                        return fail(o, t[i].error, "read");
                }
        if (!o->buffered)
                o->buffered = pages_cached(fd, e->c->big_size);
        close(fd);
        o->value = (double) per * threads / dt;
        bench_lat_quantiles(lat, (size_t) per * threads, o);
}

static void run_rr1(void *arg, struct bench_child_out *o) {
        run_randread(arg, 1, o);
}

static void run_rr16(void *arg, struct bench_child_out *o) {
        run_randread(arg, 16, o);
}

struct writer {
        const char *path;
        volatile bool stop;
        int error;
};

static void *writer_thread(void *arg) {
        struct writer *w = arg;
        int fd = open(w->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
                w->error = -errno;
                return NULL;
        }
        char *buf = xmalloc(1 << 20);
        memset(buf, 'w', 1 << 20);
        for (unsigned i = 0; !w->stop; i++) {
                if (write(fd, buf, 1 << 20) != 1 << 20) {
                        w->error = -errno;
                        break;
                }
                if (i % 8 == 7)
                        (void) fdatasync(fd);
                if (i % 64 == 63) /* bounded file */
                        (void) lseek(fd, 0, SEEK_SET);
        }
        free(buf);
        close(fd);
        return NULL;
}

static void run_mixed(void *arg, struct bench_child_out *o) {
        struct wl_env *e = arg;
        _cleanup_free_ char *p = xasprintf("%s/mixed.dat", e->c->work);
        struct writer w = { p, false, 0 };
        pthread_t wt;
        if (pthread_create(&wt, NULL, writer_thread, &w) != 0)
                return fail(o, -EAGAIN, "thread");
        unsigned n = e->quick ? 500 : 1500;
        int fd = open_direct(e->c->big, &o->buffered);
        if (fd < 0) {
                w.stop = true;
                pthread_join(wt, NULL);
                return fail(o, fd, "open");
        }
        _cleanup_free_ double *lat = xmalloc(n * sizeof *lat);
        struct rr t = { fd, e->c->big_size / 4096, n, 77 + e->run, lat, 0, NULL };
        usleep(50000); /* let the writer get going */
        rr_thread(&t);
        w.stop = true;
        pthread_join(wt, NULL);
        int r = do_syncfs(e->c->work);
        close(fd);
        if (t.error < 0)
                return fail(o, t.error, "read");
        if (w.error < 0)
                return fail(o, w.error, "write");
        if (r < 0)
                return fail(o, r, "syncfs");
        bench_lat_quantiles(lat, n, o);
        o->value = o->p99_us;
}

static uint64_t sp_logical, sp_alloc, sp_sample_in, sp_sample_out;

static int space_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        (void) ftw;
        if (flag != FTW_F || !S_ISREG(st->st_mode) || strstr(path, "/.git/"))
                return 0;
        sp_logical += (uint64_t) st->st_size;
        sp_alloc += (uint64_t) st->st_blocks * 512;
        /* zstd level 3 on every 8th file: the predicted ratio. */
        if ((st->st_ino & 7) != 0 || st->st_size > (1 << 20))
                return 0;
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return 0;
        char in[1 << 16];
        char out[ZSTD_COMPRESSBOUND(1 << 16)];
        ssize_t k;
        while ((k = read(fd, in, sizeof in)) > 0) {
                size_t z = ZSTD_compress(out, sizeof out, in, (size_t) k, 3);
                if (ZSTD_isError(z))
                        break;
                /* btrfs compresses in 4 KiB sectors: round up. */
                sp_sample_in += (uint64_t) k;
                sp_sample_out += z < (size_t) k ? (z + 4095) / 4096 * 4096 : (uint64_t) k;
        }
        close(fd);
        return 0;
}

static void run_space(void *arg, struct bench_child_out *o) {
        struct wl_env *e = arg;
        sp_logical = sp_alloc = sp_sample_in = sp_sample_out = 0;
        if (nftw(e->c->tree, space_one, 64, FTW_PHYS) < 0)
                return fail(o, -errno, "walk");
        if (sp_logical == 0)
                return fail(o, -ENODATA, "empty tree");
        o->value = (double) sp_alloc / (double) sp_logical;
        /* The prediction travels in lat[0] (no latencies here). */
        o->lat[0] = sp_sample_in ? (double) sp_sample_out / (double) sp_sample_in : NAN;
}

/* ---- parent side ---------------------------------------------------------- */

static int rm_rf(const char *path) {
        char *argv[] = { (char *) "rm", (char *) "-rf", (char *) path, NULL };
        return bench_spawn(argv, NULL, NULL, NULL);
}

static int evict(struct wl_env *e, const char *path) {
        switch (e->cold) {
        case BENCH_COLD_FADVISE:
                return bench_fadvise_tree(path);
        case BENCH_COLD_DROP:
                return bench_drop_caches(e->sr);
        case BENCH_COLD_REMOUNT:
                return e->remount(e);
        default:
                return 0;
        }
}

enum bench_cold bench_workload_cold(const struct bench_workload *w, enum bench_cold method) {
        return w->cold ? method : BENCH_COLD_NONE;
}

int bench_workload_run(struct wl_env *e, const struct bench_workload *w, unsigned run, struct bench_sample *s,
                       struct bench_child_out *out) {
        const char *id = w->id;
        int r = 0;
        e->run = run;
        _cleanup_free_ char *untar = xasprintf("%s/untar", e->c->work);

        /* Untimed preparation. */
        if (streq(id, "untar")) {
                (void) rm_rf(untar);
                if (mkdir(untar, 0755) < 0)
                        return -errno;
        }
        if (w->writes)
                (void) do_syncfs(e->c->work);
        if (streq(id, "traverse") || startswith(id, "git-") || streq(id, "space"))
                (void) bench_push_atimes(e->c->tree, 48 * 3600);
        if (w->cold) {
                const char *what = streq(id, "traverse") || startswith(id, "git-") ? e->c->tree : e->c->big;
                if ((r = evict(e, what)) < 0) {
                        snprintf(out->msg, sizeof out->msg, "cannot evict the caches: %s", strerror(-r));
                        return r;
                }
        }

        bench_child_fn fn = NULL;
        char *git_status[] = { (char *) "git", (char *) "status", NULL };
        char *const *argv = NULL;
        if (streq(id, "traverse"))
                fn = run_traverse;
        else if (streq(id, "git-status") || streq(id, "git-status-cold"))
                argv = git_status;
        else if (streq(id, "git-checkout"))
                fn = run_git_checkout;
        else if (streq(id, "untar"))
                fn = run_untar;
        else if (streq(id, "fsync"))
                fn = run_fsync;
        else if (streq(id, "sqlite"))
                fn = run_sqlite;
        else if (streq(id, "seqread"))
                fn = run_seqread;
        else if (streq(id, "seqwrite"))
                fn = run_seqwrite;
        else if (streq(id, "randread-qd1"))
                fn = run_rr1;
        else if (streq(id, "randread-qd16"))
                fn = run_rr16;
        else if (streq(id, "mixed-p99"))
                fn = run_mixed;
        else if (streq(id, "space"))
                fn = run_space;
        else
                return -EOPNOTSUPP;
        return bench_measure(e->sr, fn, e, argv, argv ? e->c->tree : NULL, s, out);
}
