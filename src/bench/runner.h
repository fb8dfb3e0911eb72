/* SPDX-License-Identifier: MIT */
/* One measured run and the helpers workloads share (internal to src/bench). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "bench/bench.h"
#include "sysroot.h"

/* What a workload's timed part reports from the child process. */
struct bench_child_out {
        double value;
        double p99_us;
        double lat[BENCH_LAT_POINTS];
        int error; /* negative errno */
        bool buffered; /* direct I/O came back cached (mincore) */
        char msg[160];
};

typedef void (*bench_child_fn)(void *arg, struct bench_child_out *out);

/* Runs fn(arg) in a child (or execs argv there, with cwd, stdout/stderr to
 * /dev/null, and value = wall seconds); fills ret with wait4, /proc/PID/io,
 * steal and PSI. Returns 0, or a negative errno when the run failed (the
 * child's message in out->msg). */
int bench_measure(struct sysroot *sr, bench_child_fn fn, void *arg, char *const *argv, const char *cwd,
                  struct bench_sample *ret, struct bench_child_out *out);

/* fork + exec + wait, quiet, in cwd, with extra "K=V" environment entries.
 * Exit status (>= 0) or a negative errno. */
int bench_spawn(char *const *argv, const char *cwd, char *const *env_extra, const char *stdin_file);

/* Latency quantiles of lat_us[0..n) (sorted in place) into out. */
void bench_lat_quantiles(double *lat_us, size_t n, struct bench_child_out *out);

double bench_now(void);

/* Cold-cache helpers. */
int bench_fadvise_tree(const char *path); /* every regular file under path */
int bench_push_atimes(const char *path, double seconds_back);
int bench_drop_caches(struct sysroot *sr);
