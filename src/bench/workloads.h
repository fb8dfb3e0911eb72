/* SPDX-License-Identifier: MIT */
/* Internal to src/bench: running one workload once. */
#pragma once

#include "bench/bench.h"
#include "bench/corpus.h"
#include "bench/runner.h"

struct wl_env {
        struct sysroot *sr;
        struct bench_corpus *c;
        enum bench_cold cold;
        bool quick;
        unsigned run; /* index of this run (alternates git-checkout targets) */
        int (*remount)(struct wl_env *e);
        void *userdata; /* the driver's */
};

/* The eviction a workload gets under the chosen method. */
enum bench_cold bench_workload_cold(const struct bench_workload *w, enum bench_cold method);
/* Prepares (untimed) and measures one run. */
int bench_workload_run(struct wl_env *e, const struct bench_workload *w, unsigned run, struct bench_sample *s,
                       struct bench_child_out *out);
