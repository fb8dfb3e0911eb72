/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/runner.h"
#include "util.h"

extern char **environ;

double bench_now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

struct snap {
        uint64_t total, steal;
        double psi[3]; /* "some" totals, µs; NAN unknown */
};

static void take_snap(struct sysroot *sr, struct snap *s) {
        *s = (struct snap) { 0, 0, { NAN, NAN, NAN } };
        _cleanup_free_ char *line = NULL;
        if (sysroot_read_line(sr, SR_PROC, "stat", &line) >= 0) {
                /* cpu  user nice system idle iowait irq softirq steal ... */
                unsigned long long v[8] = { 0 };
                if (sscanf(line, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
                           &v[5], &v[6], &v[7]) >= 4) {
                        for (size_t i = 0; i < 8; i++)
                                s->total += v[i];
                        s->steal = v[7];
                }
        }
        static const char *const psi[3] = { "pressure/cpu", "pressure/io", "pressure/memory" };
        for (size_t i = 0; i < 3; i++) {
                _cleanup_free_ char *p = NULL;
                if (sysroot_read_line(sr, SR_PROC, psi[i], &p) < 0)
                        continue;
                const char *t = strstr(p, "total=");
                unsigned long long us;
                if (t && sscanf(t, "total=%llu", &us) == 1)
                        s->psi[i] = (double) us;
        }
}

static void read_io(struct sysroot *sr, pid_t pid, struct bench_sample *s) {
        char rel[64];
        _cleanup_free_ char *buf = NULL;
        s->read_bytes = s->write_bytes = -1;
        snprintf(rel, sizeof rel, "%d/io", (int) pid);
        if (sysroot_read_file(sr, SR_PROC, rel, 0, &buf, NULL, NULL) < 0)
                return;
        const char *r = strstr(buf, "\nread_bytes: "), *w = strstr(buf, "\nwrite_bytes: ");
        long long v;
        if (r && sscanf(r, "\nread_bytes: %lld", &v) == 1)
                s->read_bytes = v;
        if (w && sscanf(w, "\nwrite_bytes: %lld", &v) == 1)
                s->write_bytes = v;
}

static void quiet_stdio(void) {
        int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (fd >= 0) {
                dup2(fd, STDIN_FILENO);
                dup2(fd, STDOUT_FILENO);
                dup2(fd, STDERR_FILENO);
        }
}

int bench_measure(struct sysroot *sr, bench_child_fn fn, void *arg, char *const *argv, const char *cwd,
                  struct bench_sample *ret, struct bench_child_out *out) {
        int pfd[2];
        if (pipe2(pfd, O_CLOEXEC) < 0)
                return -errno;
        struct snap before, after;
        *out = (struct bench_child_out) { .p99_us = NAN };
        for (size_t i = 0; i < BENCH_LAT_POINTS; i++)
                out->lat[i] = NAN;
        take_snap(sr, &before);
        double t0 = bench_now();
        pid_t pid = fork();
        if (pid < 0) {
                int r = -errno;
                close(pfd[0]);
                close(pfd[1]);
                return r;
        }
        if (pid == 0) {
                close(pfd[0]);
                if (cwd && chdir(cwd) < 0)
                        _exit(126);
                if (argv) {
                        quiet_stdio();
                        execvp(argv[0], argv);
                        _exit(127);
                }
                struct bench_child_out o = { .p99_us = NAN };
                for (size_t i = 0; i < BENCH_LAT_POINTS; i++)
                        o.lat[i] = NAN;
                fn(arg, &o);
                ssize_t k = write(pfd[1], &o, sizeof o);
                _exit(k == (ssize_t) sizeof o && o.error == 0 ? 0 : 1);
        }
        close(pfd[1]);
        siginfo_t si = { 0 };
        /* Wait without reaping, so /proc/PID/io is still there. */
        while (waitid(P_PID, (id_t) pid, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
                ;
        double t1 = bench_now();
        struct bench_sample s = { .p99_us = NAN };
        read_io(sr, pid, &s);
        struct rusage ru;
        int status = 0;
        while (wait4(pid, &status, 0, &ru) < 0)
                if (errno != EINTR) {
                        close(pfd[0]);
                        return -errno;
                }
        take_snap(sr, &after);

        bool got = false;
        if (!argv) {
                ssize_t k = read(pfd[0], out, sizeof *out);
                got = k == (ssize_t) sizeof *out;
        }
        close(pfd[0]);

        s.wall_s = t1 - t0;
        s.user_s = (double) ru.ru_utime.tv_sec + (double) ru.ru_utime.tv_usec / 1e6;
        s.sys_s = (double) ru.ru_stime.tv_sec + (double) ru.ru_stime.tv_usec / 1e6;
        s.maxrss_kb = ru.ru_maxrss;
        s.majflt = ru.ru_majflt;
        uint64_t dt = after.total - before.total;
        s.steal = dt > 0 ? (double) (after.steal - before.steal) / (double) dt : NAN;
        double *psi[3] = { &s.psi_cpu, &s.psi_io, &s.psi_mem };
        for (size_t i = 0; i < 3; i++)
                *psi[i] = isnan(before.psi[i]) || isnan(after.psi[i]) || s.wall_s <= 0
                                  ? NAN
                                  : (after.psi[i] - before.psi[i]) / 1e6 / s.wall_s;
        s.noisy = (!isnan(s.steal) && s.steal > 0.05) || (!isnan(s.psi_cpu) && s.psi_cpu > 0.20);

        if (argv) {
                if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                        snprintf(out->msg, sizeof out->msg, "'%s' exited with %d", argv[0],
                                 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
                        return WIFEXITED(status) && WEXITSTATUS(status) == 127 ? -ENOENT : -EIO;
                }
                s.value = s.wall_s;
        } else {
                if (!got) {
                        snprintf(out->msg, sizeof out->msg, "the workload process died (status %d)", status);
                        return -EIO;
                }
                if (out->error < 0)
                        return out->error;
                s.value = out->value;
                s.p99_us = out->p99_us;
        }
        *ret = s;
        return 0;
}

int bench_spawn(char *const *argv, const char *cwd, char *const *env_extra, const char *stdin_file) {
        pid_t pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                quiet_stdio();
                if (stdin_file) {
                        int fd = open(stdin_file, O_RDONLY | O_CLOEXEC);
                        if (fd < 0 || dup2(fd, STDIN_FILENO) < 0)
                                _exit(126);
                }
                if (cwd && chdir(cwd) < 0)
                        _exit(126);
                for (char *const *e = env_extra; e && *e; e++)
                        putenv(*e);
                execvp(argv[0], argv);
                _exit(127);
        }
        int status;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        if (!WIFEXITED(status))
                return -EINTR;
        return WEXITSTATUS(status) == 127 ? -ENOENT : WEXITSTATUS(status);
}

static int cmp_double(const void *a, const void *b) {
        double x = *(const double *) a, y = *(const double *) b;
        return (x > y) - (x < y);
}

void bench_lat_quantiles(double *lat_us, size_t n, struct bench_child_out *out) {
        if (n == 0)
                return;
        qsort(lat_us, n, sizeof *lat_us, cmp_double);
        for (size_t i = 0; i < BENCH_LAT_POINTS - 1; i++)
                out->lat[i] = bench_quantile_sorted(lat_us, n, (double) i * 0.05);
        out->lat[BENCH_LAT_POINTS - 1] = bench_quantile_sorted(lat_us, n, 0.99);
        out->p99_us = out->lat[BENCH_LAT_POINTS - 1];
}

static int fadvise_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        (void) ftw;
        if (flag != FTW_F || !S_ISREG(st->st_mode))
                return 0;
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOATIME);
        if (fd < 0)
                fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return 0;
        (void) posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        close(fd);
        return 0;
}

int bench_fadvise_tree(const char *path) {
        return nftw(path, fadvise_one, 32, FTW_PHYS) < 0 ? -errno : 0;
}

static double atime_back;

static int atime_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        (void) ftw;
        (void) flag;
        struct timespec ts[2] = { { .tv_sec = st->st_mtime - (time_t) atime_back }, { .tv_nsec = UTIME_OMIT } };
        /* Older than the mtime too, so relatime would update it. */
        (void) utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW);
        return 0;
}

int bench_push_atimes(const char *path, double seconds_back) {
        atime_back = seconds_back;
        return nftw(path, atime_one, 32, FTW_PHYS) < 0 ? -errno : 0;
}

int bench_drop_caches(struct sysroot *sr) {
        sync();
        return sysroot_write_attr(sr, SR_PROC, "sys/vm/drop_caches", "3");
}
