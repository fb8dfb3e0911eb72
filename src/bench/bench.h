/* SPDX-License-Identifier: MIT */
/*
 * vpstune bench: workloads on a generated corpus, measured run by run, with
 * the statistics of stats.h (issue 13). Library code: no printing; progress
 * goes through a callback, results come back as data (bench_results) and
 * are turned into JSON, text, Prometheus or HTML by bench-output.c/report.c.
 *
 *   corpus.c    the files, generated offline from a fixed seed (sha256)
 *   runner.c    one run: fork, wait4, /proc/PID/io, steal, PSI, cold caches
 *   workloads.c the workload table and their timed parts
 *   ab.c        --ab: ABBA blocks, every switch through apply's journal
 *   bench.c     the driver: runs per workload, adaptive count, comparisons
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bench/stats.h"
#include "sysroot.h"

#define BENCH_SCHEMA_VERSION 1
#define BENCH_LAT_POINTS 21 /* latency quantiles 0, 5, ..., 95 % and 99 % */

enum bench_cold {
        BENCH_COLD_NONE,    /* warm: nothing evicted */
        BENCH_COLD_FADVISE, /* per-file POSIX_FADV_DONTNEED: cold data, warm metadata */
        BENCH_COLD_REMOUNT, /* unmount + mount of the scratch filesystem */
        BENCH_COLD_DROP,    /* global drop_caches (only with --drop-caches) */
};
const char *bench_cold_to_string(enum bench_cold c);

struct bench_sample {
        double value; /* in the workload's unit */
        double wall_s, user_s, sys_s;
        int64_t maxrss_kb, majflt;
        int64_t read_bytes, write_bytes; /* /proc/PID/io; -1 unknown */
        double steal;                    /* fraction of CPU time stolen; NAN unknown */
        double psi_cpu, psi_io, psi_mem; /* "some" stall during the run, fraction of wall */
        double p99_us;                   /* latency workloads; NAN otherwise */
        bool noisy;                      /* steal > 5 % or CPU PSI some > 20 % */
        char arm;                        /* 'A', 'B', or 0 without --ab */
        unsigned order;                  /* position in the run sequence */
        bool outlier;                    /* Tukey, within its arm */
};

struct bench_wl_result {
        const struct bench_workload *w;
        char *unavailable; /* why it could not run, or NULL */
        char *corpus_sha256;
        enum bench_cold cold;
        char *note; /* e.g. "direct I/O was turned into buffered I/O" */
        struct bench_sample *samples;
        size_t n_samples;
        size_t n_settle; /* discarded settle runs (--ab) */
        struct bench_summary stats[2]; /* [0] arm A (or the only arm), [1] arm B */
        bool have_stats[2];
        double lat[2][BENCH_LAT_POINTS]; /* latency quantiles of the last run per arm, µs; NAN */
        bool has_cmp;
        struct bench_comparison cmp;
        char *compared_with; /* --compare: the old file */
};

struct bench_ab {
        char *knob, *a, *b;
        char *orig;       /* value before the bench (NULL: absent) */
        const char *switch_kind; /* "immediate", "remount", "rewrite" */
        unsigned switches;
};

struct bench_results {
        char *host_json;     /* fingerprint, JSON text */
        char *settings_json; /* settings, JSON text */
        struct bench_wl_result *wl;
        size_t n_wl;
        bool has_ab;
        struct bench_ab ab;
        char *compare_file;
        bool comparable; /* --compare: fingerprints equal */
        char **differs;  /* what differs, NULL-terminated */
        uint64_t seed;   /* bootstrap seed */
};
void bench_results_done(struct bench_results *r);

struct bench_opts {
        struct sysroot *sr;
        const char *state_dir;
        char **workloads; /* NULL: the default set */
        const char *dir;  /* NULL: <state_dir>/bench */
        uint64_t scratch_size;
        unsigned runs;       /* 0: adaptive (10..30) */
        double time_budget;  /* seconds per workload; 0: none */
        bool quick;
        bool drop_caches;
        const char *ab;      /* "KNOB=A,B" */
        const char *compare; /* OLD.json or report.html */
        void (*progress)(void *userdata, const char *workload, unsigned i, unsigned n, double eta_s);
        void *userdata;
};

struct bench_workload {
        const char *id;
        const char *unit;
        bool higher_is_better;
        const char *what;
        const char *claim; /* seed table row it tests, or NULL */
        bool writes;       /* syncfs inside the timed part */
        bool cold;         /* evicted before each run */
        bool in_default, in_quick;
};

const struct bench_workload *bench_workloads(size_t *ret_n);
const struct bench_workload *bench_workload_find(const char *id);
/* NULL when it can run here, else why not (static string or owned by the
 * caller: free it). */
char *bench_workload_unavailable(const struct bench_workload *w);

/* The seed's claims: row name, claimed improvement range, which knob the
 * seed credits. */
struct bench_claim {
        const char *row;
        double lo, hi; /* 0.10, 0.15 = "10-15 % faster" (or less space) */
        const char *credited;
};
const struct bench_claim *bench_claims(size_t *ret_n);
/* supported / partly / contradicted / not measurable here */
const char *bench_claim_status(const struct bench_wl_result *r);
/* Improvement as a fraction (0.12 = 12 % better) from a B/A ratio. */
double bench_improvement(double ratio, bool higher_is_better);

/* Parses "KNOB=A,B" (the knob ID may itself hold '=' only before the last
 * one). -EINVAL with *ret_why set for bad syntax, -EPERM for refused knobs. */
int bench_ab_parse(const char *spec, char **ret_knob, char **ret_a, char **ret_b, const char **ret_why);

/* Runs everything. Negative errno for failures before any measurement
 * (message in *ret_why, owned). */
int bench_run(const struct bench_opts *o, struct bench_results *ret, char **ret_why);

/* Results as the JSON document of the man page ("--json", "--save"). */
char *bench_results_to_json(const struct bench_results *r, bool pretty);
/* The human tables (stats per workload, then comparisons and claims). */
char *bench_results_to_text(const struct bench_results *r);
/* Prometheus textfile-collector lines. */
char *bench_results_to_prometheus(const struct bench_results *r);
/* Self-contained HTML (inline SVG, no script, JSON embedded). */
char *bench_results_to_html(const struct bench_results *r);
/* Samples of an earlier run from its JSON or HTML report: fills, per
 * workload id, the arm-B (or only) samples. */
int bench_load_previous(const char *path, struct bench_results *ret, char **ret_why);
