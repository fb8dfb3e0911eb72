/* SPDX-License-Identifier: MIT */
/*
 * Health: the seed's maintenance routine (df, btrfs scrub status, journalctl
 * -p 3, btrfs filesystem usage, compression ratios) as checks that judge.
 *
 * Each check is one file (check-*.c) exporting one `const struct health_check`
 * listed once in registry.c. A check reads the machine through the sysroot
 * (ioctls only when sysroot_is_live()), appends one result per target to the
 * report, and never prints. Renderers in src/output/health-*.c turn the
 * report into text, JSON, Nagios or a Prometheus textfile.
 *
 * A result: {id, target, status, value, unit, warn, crit, summary, remedy,
 * evidence}; the remedy says what to do next. Metrics a check exports go
 * with its result (only series node_exporter does not already have).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "facts/facts.h"
#include "health/health-config.h"
#include "sysroot.h"
#include "util.h"

#define HEALTH_SCHEMA_VERSION 1

enum health_status {
        HEALTH_OK,
        HEALTH_WARNING,
        HEALTH_CRITICAL,
        HEALTH_UNKNOWN,
        HEALTH_UNSUPPORTED,
        _HEALTH_STATUS_MAX,
};
const char *health_status_to_string(enum health_status s);
/* Nagios plugin code: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (unsupported = 0). */
int health_status_nagios(enum health_status s);

struct health_metric {
        char *name;   /* "vpstune_btrfs_unallocated_bytes" */
        char *help;
        char *labels; /* 'fs="UUID",mountpoint="/"' (already escaped), may be NULL */
        double value;
};

struct health_result {
        char *id;               /* "btrfs.unallocated" */
        char *target;           /* "/" , "zram0", "cpu" ... */
        enum health_status status;
        bool has_value;
        double value;
        char *unit;             /* "B", "%", "s", "ratio", "count", ... */
        bool has_thresholds;
        double warn, crit;
        bool low_is_bad;        /* thresholds are lower bounds (unallocated, ratio) */
        char *summary;
        char *remedy;           /* NULL when nothing to do */
        char **evidence;        /* where the value came from, NULL-terminated */
        char *perf_label;       /* Nagios perfdata label, NULL = none */
        struct health_metric *metrics;
        size_t n_metrics;
};

struct health_report {
        struct health_result *results;
        size_t n_results;
        time_t now;
        char **warnings;        /* the run's own problems (state not saved...) */
};

struct health_state;            /* state.c: what the last run saw */

struct health_ctx {
        struct sysroot *sr;
        const struct facts *facts;
        const struct health_config *cfg;
        time_t now;
        struct health_state *state; /* never NULL while checks run */
        char **ack;             /* check ids given with --ack */
        const char *profile_name; /* for tuning.drift */
        const struct profile *profile; /* loaded profile, may be NULL */
        /* Cached per run (btrfs.c). */
        struct health_btrfs *btrfs;
        size_t n_btrfs;
        bool btrfs_loaded;
};

struct health_btrfs;

struct health_check {
        const char *id;
        const char *description;   /* one line, for --help and the man page */
        /* One of the two: run once, or once per btrfs filesystem. */
        void (*run)(struct health_ctx *c, struct health_report *r);
        void (*run_btrfs)(struct health_ctx *c, struct health_report *r, const struct health_btrfs *b);
        bool slow;                 /* left out of the bench comparison (compression) */
};

/* registry.c */
extern const struct health_check *const health_checks[];
extern const size_t health_n_checks;
const struct health_check *health_check_find(const char *id);

/* Runs the checks whose ids are in only (NULL = all, minus cfg->skip),
 * appending their results to r (which may already hold warnings). */
int health_run(struct health_ctx *c, char *const *only, struct health_report *r);
void health_report_done(struct health_report *r);
/* Worst status of the report (unsupported counts as ok). */
enum health_status health_report_worst(const struct health_report *r, char *const *only);

/* ---- helpers for checks (health.c) ---- */
struct health_result *health_add(struct health_report *r, const char *id, const char *target);
void health_set_value(struct health_result *x, double value, const char *unit);
void health_set_thresholds(struct health_result *x, double warn, double crit, bool low_is_bad);
void health_set_summary(struct health_result *x, const char *fmt, ...) _printf_(2, 3);
void health_set_remedy(struct health_result *x, const char *fmt, ...) _printf_(2, 3);
void health_evidence(struct health_result *x, const char *fmt, ...) _printf_(2, 3);
void health_metric(struct health_result *x, const char *name, const char *help, double value,
                   const char *labels_fmt, ...) _printf_(5, 6);
/* A Prometheus label value, escaped (\\, \", \n). Caller frees. */
char *health_label_escape(const char *s);
/* Status from value and thresholds (high is bad unless low_is_bad). */
enum health_status health_judge(double value, double warn, double crit, bool low_is_bad);
/* "1.6GiB", "512MiB" (one decimal below 10). buf must hold 32 bytes. */
const char *health_bytes(char buf[static 32], double bytes);
/* "/" → "root", "/var/log" → "var_log" (Nagios perf labels). Caller frees. */
char *health_slug(const char *s);

/* ---- btrfs filesystems seen by several checks (btrfs.c) ---- */
struct health_alloc {
        bool have;
        uint64_t total_bytes, bytes_used, disk_total, disk_used, chunk_size;
};
struct health_btrfs {
        char *uuid;
        char *mountpoint;       /* shortest mountpoint of this filesystem */
        char *compress;         /* "zstd:2" from compress= / compress-force=, NULL = off */
        uint64_t size;          /* sum of devices/ * /size (512-byte sectors) */
        struct health_alloc data, metadata, system;
        bool have_usage;        /* size and all three allocations known */
        uint64_t allocated, unallocated;
        char **devids;          /* devinfo/ entries */
        char **devnames;        /* devices/ entries */
};
/* The btrfs filesystems of the machine, one per UUID (subvolume and bind
 * mounts counted once). Owned by c. */
void health_btrfs_list(struct health_ctx *c, const struct health_btrfs **ret, size_t *ret_n);
/* btrfs.unallocated's thresholds for b: max(bytes, percent of its size). */
void health_btrfs_unalloc_thresholds(const struct health_ctx *c, const struct health_btrfs *b, double *ret_warn,
                                     double *ret_crit);
/* The mountpoint opened for ioctls (live only): fd, or -EOPNOTSUPP on a
 * captured sysroot, or a negative errno. */
int health_btrfs_open(struct health_ctx *c, const struct health_btrfs *b);
void health_ctx_done(struct health_ctx *c);

/* ---- pure parsers (unit-tested, fuzzable) ---- */
struct scrub_status {
        bool found;             /* a record for this filesystem */
        int version;            /* "scrub status:N" */
        unsigned n_devices;
        bool finished;          /* every device finished and none canceled */
        bool running;           /* a device neither finished nor canceled */
        bool canceled;
        int64_t t_start;        /* earliest start, 0 = unknown */
        int64_t t_completed;    /* latest t_start+duration of finished devices, 0 = none */
        uint64_t data_bytes, tree_bytes;
        uint64_t read_errors, csum_errors, verify_errors, super_errors, malloc_errors;
        uint64_t uncorrectable_errors, corrected_errors, unverified_errors;
};
/* btrfs-progs' /var/lib/btrfs/scrub.status.UUID: "scrub status:1", then
 * "FSID:DEVID|key:value|..." per device. Keys are read by name in any
 * order; unknown keys are ignored, missing ones stay 0 (format-tolerant). */
int health_parse_scrub_status(const char *text, const char *fsid, struct scrub_status *ret);

struct error_stats {
        uint64_t write_errs, read_errs, flush_errs, corruption_errs, generation_errs;
};
/* sysfs devinfo/N/error_stats: "write_errs 0\nread_errs 0\n..." */
int health_parse_error_stats(const char *text, struct error_stats *ret);

struct psi_line {
        bool have;
        double avg10, avg60, avg300;
        uint64_t total;
};
/* /proc/pressure/X: "some avg10=0.00 avg60=... total=N" and "full ...". */
int health_parse_psi(const char *text, struct psi_line *some, struct psi_line *full);

struct cpu_times {
        uint64_t user, nice, system, idle, iowait, irq, softirq, steal;
};
/* The aggregate "cpu " line of /proc/stat. */
int health_parse_proc_stat(const char *text, struct cpu_times *ret);

/* ---- state between runs (state.c) ---- */
int health_state_load(const char *state_dir, struct health_state **ret);
/* Writes it back atomically (creates the directory 0700). */
int health_state_save(const struct health_state *s, const char *state_dir);
struct health_state *health_state_new(void);
void health_state_free(struct health_state *s);
/* Values are u64 strings under "section" → "key" → "name". */
bool health_state_get(const struct health_state *s, const char *section, const char *key, const char *name,
                      uint64_t *ret);
void health_state_set(struct health_state *s, const char *section, const char *key, const char *name, uint64_t v);
bool health_acked(const struct health_ctx *c, const char *id);
