/* SPDX-License-Identifier: MIT */
/*
 * The corpus: files generated offline from a fixed seed, the same bytes on
 * every machine, with their sha256 recorded (and kept in MANIFEST so a
 * second bench reuses them). Layout under <dir>/vpstune-bench-1-<size>/:
 *
 *   tree/      N files, log-normal sizes (median 4 KiB), 90 % text, a git
 *              repository with two commits (tags c1, c2) that differ in 10 %
 *              of the files, fixed author dates, gc.auto=0
 *   tree.tar   the tree without .git (GNU tar, sorted, fixed mtime/owner)
 *   big.dat    incompressible data for the sequential/random I/O engine
 *   work/      where write workloads write (emptied before each run)
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define BENCH_CORPUS_SEED UINT64_C(20261201)

struct bench_corpus {
        char *base;    /* the corpus directory */
        char *tree, *tar, *big, *work;
        unsigned n_files;
        uint64_t big_size;
        char tree_sha256[65], big_sha256[65];
        bool generated;  /* made now (false: reused) */
        double gen_seconds;
        bool have_git, have_tar;
};

/* quick: the small corpus (2 000 files, 32 MiB) instead of 20 000 / 128 MiB. */
int bench_corpus_open(const char *dir, bool quick, struct bench_corpus *ret, char **ret_why);
void bench_corpus_done(struct bench_corpus *c);
