/* SPDX-License-Identifier: MIT */
/*
 * Statistics of bench samples. Pure: numbers in, numbers out; no I/O, no
 * globals, no libm state. Unit-tested against vectors computed with scipy
 * (tests/unit/bench/gen-reference.py writes tests/unit/bench/reference.h).
 *
 * Conventions, chosen to match numpy/scipy so the reference vectors apply:
 *   quantiles   linear interpolation between order statistics (numpy's
 *               default, Hyndman-Fan type 7); median is the 0.5 quantile
 *   stddev      sample standard deviation (ddof = 1); cv = stddev / mean
 *   mad         median absolute deviation from the median, unscaled
 *   outliers    Tukey: outside [Q1 - 1.5 IQR, Q3 + 1.5 IQR]; flagged, never
 *               dropped
 *   wilcoxon    scipy.stats.wilcoxon(d) on paired differences, zero_method
 *               "wilcox" (zeros dropped), two-sided; exact distribution for
 *               n <= 50 without ties or zeros, else the normal approximation
 *               with tie correction and no continuity correction
 *   mann-whitney scipy.stats.mannwhitneyu(a, b), two-sided; exact when the
 *               smaller sample has <= 8 values and there are no ties, else
 *               the normal approximation with tie and continuity correction
 *   holm        step-down adjusted p-values, monotone, capped at 1
 *
 * Comparisons are ratios B/A of the measured quantity (B = the new arm or the
 * new file). Unpaired (--compare): median(B)/median(A). Paired (--ab, runs
 * next to each other): exp of the mean of the log-ratios log(B[i]/A[i]),
 * the geometric mean of the pair ratios. It is the ratio of medians when the
 * arms differ by a factor, with less spread than the ratio of two medians of
 * 10 runs: a 5 % shift at CV 2 %, n = 10, is found ~92 % of the time, where
 * the ratio of medians finds it ~79 %, the Hodges-Lehmann estimate ~90 % and
 * a 10 % trimmed mean ~89 % (the trimming fights the bootstrap's duplicates).
 * Robustness comes from the signed-rank test, which a verdict also needs. The bootstrap is the percentile method over `resamples` draws
 * from xoshiro256** seeded through splitmix64: the same seed gives the same
 * interval bit for bit, on every machine (indices are (x * n) >> 64).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bench_summary {
        size_t n;
        double mean, median, stddev, mad, min, max, p10, p90, cv;
        double q1, q3;      /* quartiles (for the Tukey fences) */
        size_t n_outliers;  /* Tukey outliers among the samples */
        bool slow_first;    /* the first run is an outlier on the bad side */
};

/* Summary of x[0..n) (n >= 1). outliers (n flags, may be NULL) gets which
 * samples are Tukey outliers. higher_is_better picks the "bad side" for the
 * slow-first-run flag. -EINVAL for n == 0 or a non-finite sample. */
int bench_summarize(const double *x, size_t n, bool higher_is_better, struct bench_summary *ret, bool *outliers);

/* Quantile q in [0,1] of sorted[0..n), type 7. */
double bench_quantile_sorted(const double *sorted, size_t n, double q);
/* Median of x[0..n) without changing x (n <= 4096). */
double bench_median(const double *x, size_t n);

struct bench_rng {
        uint64_t s[4];
};
void bench_rng_seed(struct bench_rng *rng, uint64_t seed);
uint64_t bench_rng_next(struct bench_rng *rng);
/* Uniform-ish integer in [0, n): (next * n) >> 64. */
uint64_t bench_rng_below(struct bench_rng *rng, uint64_t n);
/* Standard normal deviate (Box-Muller on two draws; for simulations). */
double bench_rng_normal(struct bench_rng *rng);

#define BENCH_BOOTSTRAP_RESAMPLES 10000u
#define BENCH_BOOTSTRAP_SEED UINT64_C(20261201)

/* The ratio (see above) and its 95 % percentile-bootstrap interval. paired:
 * a[i] and b[i] belong together (na == nb) and the pairs are resampled;
 * otherwise each arm is resampled on its own.
 * -EINVAL for empty arms, non-positive samples or na != nb when paired. */
int bench_bootstrap_ratio(const double *a, size_t na, const double *b, size_t nb, bool paired,
                          unsigned resamples, uint64_t seed, double *ret_ratio, double ret_ci[2]);

/* Two-sided Wilcoxon signed-rank p-value of d[0..n); *ret_stat gets
 * min(W+, W-) as scipy reports it. n_used (may be NULL): non-zero values. */
int bench_wilcoxon(const double *d, size_t n, double *ret_stat, double *ret_p, size_t *ret_n_used);
/* Two-sided Mann-Whitney U p-value; *ret_u is U of a (scipy's statistic). */
int bench_mann_whitney(const double *a, size_t na, const double *b, size_t nb, double *ret_u, double *ret_p);
/* Holm-adjusted p-values of p[0..n) into adj[0..n) (may alias p). */
void bench_holm(const double *p, size_t n, double *adj);

/* Upper tail of the standard normal, 1 - Phi(z). */
double bench_norm_sf(double z);

enum bench_verdict {
        BENCH_IMPROVED,
        BENCH_REGRESSED,
        BENCH_NO_CHANGE,
        BENCH_INCONCLUSIVE,
};
const char *bench_verdict_to_string(enum bench_verdict v);

/* Thresholds of the verdict (issue 13): improved/regressed need p < ALPHA and
 * the interval wholly outside 1 +- EFFECT; no-change needs it wholly inside
 * 1 +- EQUIV. */
#define BENCH_ALPHA 0.05
#define BENCH_EFFECT 0.02
#define BENCH_EQUIV 0.03

struct bench_decision {
        enum bench_verdict verdict;
        /* inconclusive: about how many more runs per arm would likely decide
         * (0 when it cannot be estimated; capped at 1000). */
        unsigned more_runs;
};

/* ratio and ci as from bench_bootstrap_ratio() (B/A), p the (adjusted)
 * p-value, n the runs per arm, higher_is_better the direction of the unit. */
struct bench_decision bench_decide(double ratio, const double ci[2], double p, size_t n, bool higher_is_better);

/* Adaptive run count: done when n >= min and (n >= max or the relative
 * half-width of the interval is at most target). */
bool bench_enough_runs(size_t n, size_t min, size_t max, const double ci[2], double ratio, double target);
/* Relative 95 % half-width of one arm's median, from its summary
 * (1.96 * 1.2533 * stddev / sqrt(n) / median): the single-arm stopping rule. */
double bench_median_rel_halfwidth(const struct bench_summary *s);

/* One comparison of arm b against arm a, the way bench reports it. */
struct bench_comparison {
        size_t n_a, n_b;
        bool paired;
        double ratio, ci[2]; /* B/A (see above), 95 % bootstrap */
        double stat, p;      /* the test's statistic and raw p-value */
        double p_adj;        /* after Holm across workloads (= p until then) */
        const char *test;    /* "wilcoxon-signed-rank" or "mann-whitney-u" */
        struct bench_decision decision;
};

/* paired: Wilcoxon on log(b[i]/a[i]) and a paired bootstrap; otherwise
 * Mann-Whitney U and independent resampling. Samples must be > 0. */
int bench_compare(const double *a, size_t na, const double *b, size_t nb, bool paired, bool higher_is_better,
                  uint64_t seed, struct bench_comparison *ret);
/* Holm across comparisons c[0..n): fills p_adj and decides again. */
void bench_compare_holm(struct bench_comparison *c, size_t n, const bool *higher_is_better);
