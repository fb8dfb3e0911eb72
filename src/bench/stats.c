/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench/stats.h"
#include "util.h"

static int cmp_double(const void *a, const void *b) {
        double x = *(const double *) a, y = *(const double *) b;
        return (x > y) - (x < y);
}

static void sort_doubles(double *x, size_t n) {
        if (n > 24) {
                qsort(x, n, sizeof *x, cmp_double);
                return;
        }
        for (size_t i = 1; i < n; i++) {
                double v = x[i];
                size_t j = i;
                for (; j > 0 && x[j - 1] > v; j--)
                        x[j] = x[j - 1];
                x[j] = v;
        }
}

/* numpy's _lerp: the form that is exact at both ends. */
static double lerp(double a, double b, double t) {
        double d = b - a;
        return t >= 0.5 ? b - d * (1.0 - t) : a + d * t;
}

double bench_quantile_sorted(const double *sorted, size_t n, double q) {
        if (n == 0)
                return NAN;
        if (n == 1)
                return sorted[0];
        double h = (double) (n - 1) * q;
        double lo = floor(h);
        size_t i = (size_t) lo;
        if (i >= n - 1)
                return sorted[n - 1];
        return lerp(sorted[i], sorted[i + 1], h - lo);
}

double bench_median(const double *x, size_t n) {
        double buf[4096];
        if (n == 0 || n > ELEMENTSOF(buf))
                return NAN;
        memcpy(buf, x, n * sizeof *x);
        sort_doubles(buf, n);
        return bench_quantile_sorted(buf, n, 0.5);
}

int bench_summarize(const double *x, size_t n, bool higher_is_better, struct bench_summary *ret, bool *outliers) {
        if (n == 0)
                return -EINVAL;
        for (size_t i = 0; i < n; i++)
                if (!isfinite(x[i]))
                        return -EINVAL;

        _cleanup_free_ double *s = xmalloc(n * sizeof *s);
        memcpy(s, x, n * sizeof *s);
        sort_doubles(s, n);

        struct bench_summary r = { .n = n, .min = s[0], .max = s[n - 1] };
        double sum = 0;
        for (size_t i = 0; i < n; i++)
                sum += x[i];
        r.mean = sum / (double) n;
        if (n > 1) {
                double ss = 0;
                for (size_t i = 0; i < n; i++)
                        ss += (x[i] - r.mean) * (x[i] - r.mean);
                r.stddev = sqrt(ss / (double) (n - 1));
        }
        r.cv = r.mean != 0 ? r.stddev / r.mean : 0;
        r.median = bench_quantile_sorted(s, n, 0.5);
        r.p10 = bench_quantile_sorted(s, n, 0.1);
        r.p90 = bench_quantile_sorted(s, n, 0.9);
        r.q1 = bench_quantile_sorted(s, n, 0.25);
        r.q3 = bench_quantile_sorted(s, n, 0.75);

        for (size_t i = 0; i < n; i++)
                s[i] = fabs(x[i] - r.median);
        sort_doubles(s, n);
        r.mad = bench_quantile_sorted(s, n, 0.5);

        double iqr = r.q3 - r.q1, lo = r.q1 - 1.5 * iqr, hi = r.q3 + 1.5 * iqr;
        for (size_t i = 0; i < n; i++) {
                bool o = x[i] < lo || x[i] > hi;
                if (outliers)
                        outliers[i] = o;
                r.n_outliers += o;
        }
        r.slow_first = n >= 4 && (higher_is_better ? x[0] < lo : x[0] > hi);
        *ret = r;
        return 0;
}

/* xoshiro256** (Blackman & Vigna), seeded with splitmix64. */
static uint64_t splitmix64(uint64_t *x) {
        uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
        z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
        return z ^ (z >> 31);
}

void bench_rng_seed(struct bench_rng *rng, uint64_t seed) {
        for (size_t i = 0; i < 4; i++)
                rng->s[i] = splitmix64(&seed);
}

static inline uint64_t rotl(uint64_t x, int k) {
        return (x << k) | (x >> (64 - k));
}

uint64_t bench_rng_next(struct bench_rng *rng) {
        uint64_t *s = rng->s;
        uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = rotl(s[3], 45);
        return result;
}

uint64_t bench_rng_below(struct bench_rng *rng, uint64_t n) {
        return (uint64_t) (((unsigned __int128) bench_rng_next(rng) * n) >> 64);
}

double bench_rng_normal(struct bench_rng *rng) {
        /* 53-bit uniforms in (0, 1]. */
        double u1 = ((double) (bench_rng_next(rng) >> 11) + 1.0) / 9007199254740992.0;
        double u2 = (double) (bench_rng_next(rng) >> 11) / 9007199254740992.0;
        return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

static double mean(const double *d, size_t n) {
        double sum = 0;
        for (size_t i = 0; i < n; i++)
                sum += d[i];
        return sum / (double) n;
}

int bench_bootstrap_ratio(const double *a, size_t na, const double *b, size_t nb, bool paired,
                          unsigned resamples, uint64_t seed, double *ret_ratio, double ret_ci[2]) {
        if (na == 0 || nb == 0 || resamples == 0 || (paired && na != nb) || na > 1024 || nb > 1024)
                return -EINVAL;
        for (size_t i = 0; i < na; i++)
                if (!(a[i] > 0) || !isfinite(a[i]))
                        return -EINVAL;
        for (size_t i = 0; i < nb; i++)
                if (!(b[i] > 0) || !isfinite(b[i]))
                        return -EINVAL;

        _cleanup_free_ double *ra = xmalloc(na * sizeof *ra), *rb = xmalloc(nb * sizeof *rb),
                              *ratios = xmalloc(resamples * sizeof *ratios), *d = NULL;
        double ratio;
        if (paired) {
                d = xmalloc(na * sizeof *d);
                for (size_t i = 0; i < na; i++)
                        d[i] = log(b[i] / a[i]);
                ratio = exp(mean(d, na));
        } else
                ratio = bench_median(b, nb) / bench_median(a, na);

        struct bench_rng rng;
        bench_rng_seed(&rng, seed);
        for (unsigned k = 0; k < resamples; k++) {
                if (paired) {
                        for (size_t i = 0; i < na; i++)
                                ra[i] = d[bench_rng_below(&rng, na)];
                        ratios[k] = exp(mean(ra, na));
                        continue;
                }
                for (size_t i = 0; i < na; i++)
                        ra[i] = a[bench_rng_below(&rng, na)];
                for (size_t i = 0; i < nb; i++)
                        rb[i] = b[bench_rng_below(&rng, nb)];
                sort_doubles(ra, na);
                sort_doubles(rb, nb);
                ratios[k] = bench_quantile_sorted(rb, nb, 0.5) / bench_quantile_sorted(ra, na, 0.5);
        }
        sort_doubles(ratios, resamples);
        *ret_ratio = ratio;
        ret_ci[0] = bench_quantile_sorted(ratios, resamples, 0.025);
        ret_ci[1] = bench_quantile_sorted(ratios, resamples, 0.975);
        return 0;
}

double bench_norm_sf(double z) {
        return 0.5 * erfc(z / M_SQRT2);
}

struct ranked {
        double v;
        size_t i;
};

static int cmp_ranked(const void *a, const void *b) {
        const struct ranked *x = a, *y = b;
        if (x->v != y->v)
                return (x->v > y->v) - (x->v < y->v);
        return (x->i > y->i) - (x->i < y->i);
}

/* Average ranks (1-based) of v[0..n) into rank[]; returns sum(t^3 - t) over
 * groups of ties. */
static double rank_average(const double *v, size_t n, double *rank) {
        _cleanup_free_ struct ranked *r = xmalloc(n * sizeof *r);
        for (size_t i = 0; i < n; i++)
                r[i] = (struct ranked) { v[i], i };
        qsort(r, n, sizeof *r, cmp_ranked);
        double ties = 0;
        for (size_t i = 0; i < n;) {
                size_t j = i + 1;
                while (j < n && r[j].v == r[i].v)
                        j++;
                double avg = (double) (i + 1 + j) / 2.0; /* mean of ranks i+1..j */
                for (size_t k = i; k < j; k++)
                        rank[r[k].i] = avg;
                double t = (double) (j - i);
                ties += t * t * t - t;
                i = j;
        }
        return ties;
}

int bench_wilcoxon(const double *d, size_t n, double *ret_stat, double *ret_p, size_t *ret_n_used) {
        _cleanup_free_ double *absd = xmalloc((n ? n : 1) * sizeof *absd), *rank = xmalloc((n ? n : 1) * sizeof *rank);
        _cleanup_free_ bool *pos = xmalloc((n ? n : 1) * sizeof *pos);
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
                if (!isfinite(d[i]))
                        return -EINVAL;
                if (d[i] == 0)
                        continue;
                absd[m] = fabs(d[i]);
                pos[m] = d[i] > 0;
                m++;
        }
        if (m == 0)
                return -EDOM;
        double ties = rank_average(absd, m, rank);
        double rplus = 0, rminus = 0;
        for (size_t i = 0; i < m; i++)
                *(pos[i] ? &rplus : &rminus) += rank[i];
        double stat = fmin(rplus, rminus), p;

        if (m <= 50 && ties == 0 && m == n) {
                /* Exact: counts of W+ = k over the 2^m sign patterns. */
                size_t max = m * (m + 1) / 2;
                _cleanup_free_ double *c = xcalloc(max + 1, sizeof *c);
                c[0] = 1;
                for (size_t i = 1; i <= m; i++)
                        for (size_t k = max; k >= i; k--)
                                c[k] += c[k - i];
                size_t r = (size_t) rplus;
                if (r == max / 2 && max % 2 == 0)
                        p = 1.0;
                else {
                        double less = 0, greater = 0, total = ldexp(1.0, (int) m);
                        for (size_t k = 0; k <= r; k++)
                                less += c[k];
                        for (size_t k = r; k <= max; k++)
                                greater += c[k];
                        p = 2.0 * fmin(less, greater) / total;
                }
        } else {
                double mm = (double) m;
                double mn = mm * (mm + 1) * 0.25;
                double se = mm * (mm + 1) * (2 * mm + 1) - 0.5 * ties;
                se = sqrt(se / 24);
                p = 2.0 * bench_norm_sf(fabs((stat - mn) / se));
        }
        *ret_stat = stat;
        *ret_p = fmin(p, 1.0);
        if (ret_n_used)
                *ret_n_used = m;
        return 0;
}

/* Exact upper tail P(U >= k) for sample sizes (m, n): coefficients of the
 * Gaussian binomial [m+n choose m]_q, built as prod (1 - q^(n+i))/(1 - q^i). */
static double mwu_exact_sf(size_t k, size_t m, size_t n) {
        size_t max = m * n;
        _cleanup_free_ double *c = xcalloc(max + 1, sizeof *c);
        c[0] = 1;
        size_t deg = 0;
        for (size_t i = 1; i <= m; i++) {
                size_t e = n + i;
                deg += n;
                for (size_t j = deg; j >= e; j--) /* times (1 - q^e) */
                        c[j] -= c[j - e];
                for (size_t j = i; j <= deg; j++) /* divided by (1 - q^i) */
                        c[j] += c[j - i];
        }
        double total = 0, tail = 0;
        for (size_t j = 0; j <= max; j++) {
                total += c[j];
                if (j >= k)
                        tail += c[j];
        }
        return tail / total;
}

int bench_mann_whitney(const double *a, size_t na, const double *b, size_t nb, double *ret_u, double *ret_p) {
        if (na == 0 || nb == 0)
                return -EINVAL;
        size_t n = na + nb;
        _cleanup_free_ double *v = xmalloc(n * sizeof *v), *rank = xmalloc(n * sizeof *rank);
        for (size_t i = 0; i < na; i++)
                v[i] = a[i];
        for (size_t i = 0; i < nb; i++)
                v[na + i] = b[i];
        for (size_t i = 0; i < n; i++)
                if (!isfinite(v[i]))
                        return -EINVAL;
        double ties = rank_average(v, n, rank);
        double r1 = 0;
        for (size_t i = 0; i < na; i++)
                r1 += rank[i];
        double n1 = (double) na, n2 = (double) nb;
        double u1 = r1 - n1 * (n1 + 1) / 2, u2 = n1 * n2 - u1, u = fmax(u1, u2), p;
        if ((na <= 8 || nb <= 8) && ties == 0)
                p = 2.0 * mwu_exact_sf((size_t) u, na, nb);
        else {
                double s = sqrt(n1 * n2 / 12 * (((double) n + 1) - ties / ((double) n * ((double) n - 1))));
                p = s > 0 ? 2.0 * bench_norm_sf((u - n1 * n2 / 2 - 0.5) / s) : 1.0;
        }
        *ret_u = u1;
        *ret_p = fmin(fmax(p, 0.0), 1.0);
        return 0;
}

void bench_holm(const double *p, size_t n, double *adj) {
        if (n == 0)
                return;
        _cleanup_free_ struct ranked *r = xmalloc(n * sizeof *r);
        for (size_t i = 0; i < n; i++)
                r[i] = (struct ranked) { p[i], i };
        qsort(r, n, sizeof *r, cmp_ranked);
        double run = 0;
        for (size_t k = 0; k < n; k++) {
                double v = fmin(1.0, (double) (n - k) * r[k].v);
                run = fmax(run, v);
                adj[r[k].i] = run;
        }
}

const char *bench_verdict_to_string(enum bench_verdict v) {
        static const char *const names[] = {
                [BENCH_IMPROVED] = "improved",
                [BENCH_REGRESSED] = "regressed",
                [BENCH_NO_CHANGE] = "no-change",
                [BENCH_INCONCLUSIVE] = "inconclusive",
        };
        return (unsigned) v < ELEMENTSOF(names) ? names[v] : "inconclusive";
}

struct bench_decision bench_decide(double ratio, const double ci[2], double p, size_t n, bool higher_is_better) {
        struct bench_decision d = { BENCH_INCONCLUSIVE, 0 };
        bool up = ci[0] > 1.0 + BENCH_EFFECT, down = ci[1] < 1.0 - BENCH_EFFECT;
        if (p < BENCH_ALPHA && (up || down)) {
                d.verdict = (up == higher_is_better) ? BENCH_IMPROVED : BENCH_REGRESSED;
                return d;
        }
        if (ci[0] >= 1.0 - BENCH_EQUIV && ci[1] <= 1.0 + BENCH_EQUIV) {
                d.verdict = BENCH_NO_CHANGE;
                return d;
        }
        /* The half-width shrinks about as 1/sqrt(n): how many runs until it
         * fits inside +-3 % or clears +-2 %, whichever is nearer. */
        double hw = (ci[1] - ci[0]) / 2, dev = fabs(ratio - 1.0);
        double target = fmax(BENCH_EQUIV - dev, dev - BENCH_EFFECT);
        if (target > 0.002 && hw > 0 && n > 0) {
                double need = ceil((double) n * (hw / target) * (hw / target) - 1e-9);
                double more = need - (double) n;
                d.more_runs = more < 1 ? 1 : more > 1000 ? 1000 : (unsigned) more;
        }
        return d;
}

bool bench_enough_runs(size_t n, size_t min, size_t max, const double ci[2], double ratio, double target) {
        if (n < min)
                return false;
        if (n >= max)
                return true;
        return ratio > 0 && (ci[1] - ci[0]) / 2 / ratio <= target;
}

double bench_median_rel_halfwidth(const struct bench_summary *s) {
        if (s->n < 2 || s->median == 0)
                return INFINITY;
        return 1.96 * 1.2533 * s->stddev / sqrt((double) s->n) / fabs(s->median);
}

int bench_compare(const double *a, size_t na, const double *b, size_t nb, bool paired, bool higher_is_better,
                  uint64_t seed, struct bench_comparison *ret) {
        struct bench_comparison c = { .n_a = na, .n_b = nb, .paired = paired };
        int r = bench_bootstrap_ratio(a, na, b, nb, paired, BENCH_BOOTSTRAP_RESAMPLES, seed, &c.ratio, c.ci);
        if (r < 0)
                return r;
        if (paired) {
                _cleanup_free_ double *d = xmalloc(na * sizeof *d);
                for (size_t i = 0; i < na; i++)
                        d[i] = log(b[i] / a[i]);
                c.test = "wilcoxon-signed-rank";
                r = bench_wilcoxon(d, na, &c.stat, &c.p, NULL);
                if (r == -EDOM) { /* every pair equal */
                        c.stat = 0;
                        c.p = 1;
                        r = 0;
                }
        } else {
                c.test = "mann-whitney-u";
                r = bench_mann_whitney(a, na, b, nb, &c.stat, &c.p);
        }
        if (r < 0)
                return r;
        c.p_adj = c.p;
        c.decision = bench_decide(c.ratio, c.ci, c.p_adj, na < nb ? na : nb, higher_is_better);
        *ret = c;
        return 0;
}

void bench_compare_holm(struct bench_comparison *c, size_t n, const bool *higher_is_better) {
        if (n == 0)
                return;
        _cleanup_free_ double *p = xmalloc(n * sizeof *p), *adj = xmalloc(n * sizeof *adj);
        for (size_t i = 0; i < n; i++)
                p[i] = c[i].p;
        bench_holm(p, n, adj);
        for (size_t i = 0; i < n; i++) {
                c[i].p_adj = adj[i];
                c[i].decision = bench_decide(c[i].ratio, c[i].ci, adj[i], c[i].n_a < c[i].n_b ? c[i].n_a : c[i].n_b,
                                             higher_is_better[i]);
        }
}
