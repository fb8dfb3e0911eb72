/* SPDX-License-Identifier: MIT */
/* bench statistics against scipy's numbers (reference.h, made by
 * gen-reference.py), the bootstrap bit for bit, the verdict rules, and the
 * two simulations of issue 13: A/A at CV 5 % gives at most 5 % false
 * verdicts; a 5 % shift at CV 2 %, n = 10, is found at least 90 % of the time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <string.h>

#include "bench/stats.h"
#include "util.h"
#include "reference.h"

static void assert_close(double got, double want, double rel) {
        double tol = rel * fmax(fabs(want), 1e-300);
        if (!(fabs(got - want) <= tol)) {
                print_error("got %.17g, want %.17g (rel tol %g)\n", got, want, rel);
                fail();
        }
}

static void test_summaries(void **state) {
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(ref_summaries); i++) {
                const struct ref_summary *r = &ref_summaries[i];
                struct bench_summary s;
                bool outl[64];
                assert_int_equal(bench_summarize(r->x, r->n, false, &s, outl), 0);
                assert_int_equal(s.n, r->n);
                assert_close(s.mean, r->mean, 1e-12);
                assert_close(s.median, r->median, 1e-12);
                assert_close(s.stddev + 1, r->stddev + 1, 1e-12);
                assert_close(s.mad + 1, r->mad + 1, 1e-12);
                assert_close(s.min, r->min, 0);
                assert_close(s.max, r->max, 0);
                assert_close(s.p10, r->p10, 1e-12);
                assert_close(s.p90, r->p90, 1e-12);
                assert_close(s.cv + 1, r->cv + 1, 1e-12);
                assert_int_equal(s.n_outliers, r->n_outliers);
                assert_int_equal(s.slow_first, r->slow_first);
                size_t flagged = 0;
                for (size_t k = 0; k < r->n; k++)
                        flagged += outl[k];
                assert_int_equal(flagged, r->n_outliers);
        }
}

static void test_summary_rejects(void **state) {
        (void) state;
        struct bench_summary s;
        double bad[] = { 1.0, NAN };
        assert_int_equal(bench_summarize(bad, 0, false, &s, NULL), -EINVAL);
        assert_int_equal(bench_summarize(bad, 2, false, &s, NULL), -EINVAL);
}

static void test_slow_first_direction(void **state) {
        (void) state;
        /* For a throughput (higher is better) the slow first run is the low one. */
        double x[] = { 0.2, 1.0, 1.1, 0.9, 1.05, 1.0, 0.95, 1.02 };
        struct bench_summary s;
        assert_int_equal(bench_summarize(x, ELEMENTSOF(x), true, &s, NULL), 0);
        assert_true(s.slow_first);
        assert_int_equal(bench_summarize(x, ELEMENTSOF(x), false, &s, NULL), 0);
        assert_false(s.slow_first);
}

static void test_wilcoxon(void **state) {
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(ref_wilcoxons); i++) {
                const struct ref_wilcoxon *r = &ref_wilcoxons[i];
                double stat, p;
                assert_int_equal(bench_wilcoxon(r->d, r->n, &stat, &p, NULL), 0);
                assert_close(stat, r->stat, 1e-12);
                assert_close(p, r->p, 1e-9);
        }
}

static void test_mann_whitney(void **state) {
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(ref_mwus); i++) {
                const struct ref_mwu *r = &ref_mwus[i];
                double u, p;
                assert_int_equal(bench_mann_whitney(r->a, r->na, r->b, r->nb, &u, &p), 0);
                assert_close(u, r->u, 1e-12);
                assert_close(p, r->p, 1e-9);
        }
}

static void test_holm(void **state) {
        (void) state;
        double adj[ELEMENTSOF(holm_p)];
        bench_holm(holm_p, ELEMENTSOF(holm_p), adj);
        for (size_t i = 0; i < ELEMENTSOF(holm_p); i++)
                assert_close(adj[i], holm_adj[i], 1e-15);
}

static void test_rng(void **state) {
        (void) state;
        struct bench_rng rng;
        bench_rng_seed(&rng, 1);
        for (size_t i = 0; i < 4; i++)
                assert_true(bench_rng_next(&rng) == rng_seed1[i]);
}

static void test_bootstrap_bit_exact(void **state) {
        (void) state;
        double ratio, ci[2];
        assert_int_equal(bench_bootstrap_ratio(boot_a, ELEMENTSOF(boot_a), boot_b, ELEMENTSOF(boot_b), true, 10000,
                                               20261201, &ratio, ci), 0);
        assert_true(ratio == boot_paired[0]);
        assert_true(ci[0] == boot_paired[1]);
        assert_true(ci[1] == boot_paired[2]);
        assert_int_equal(bench_bootstrap_ratio(boot_a, ELEMENTSOF(boot_a), boot_b2, ELEMENTSOF(boot_b2), false, 10000,
                                               7, &ratio, ci), 0);
        assert_true(ratio == boot_unpaired[0]);
        assert_true(ci[0] == boot_unpaired[1]);
        assert_true(ci[1] == boot_unpaired[2]);

        /* Same seed: same bits; another seed: another interval. */
        double ci2[2], r2;
        assert_int_equal(bench_bootstrap_ratio(boot_a, 12, boot_b, 12, true, 10000, 99, &r2, ci), 0);
        assert_int_equal(bench_bootstrap_ratio(boot_a, 12, boot_b, 12, true, 10000, 99, &r2, ci2), 0);
        assert_memory_equal(ci, ci2, sizeof ci);
        assert_int_equal(bench_bootstrap_ratio(boot_a, 12, boot_b, 12, true, 10000, 100, &r2, ci2), 0);
        assert_true(ci[0] != ci2[0] || ci[1] != ci2[1]);

        double zero[] = { 1.0, 0.0 };
        assert_int_equal(bench_bootstrap_ratio(boot_a, 2, zero, 2, true, 10, 1, &r2, ci), -EINVAL);
        assert_int_equal(bench_bootstrap_ratio(boot_a, 3, boot_b, 2, true, 10, 1, &r2, ci), -EINVAL);
}

static void test_decide(void **state) {
        static const struct {
                double ratio, lo, hi, p;
                bool higher;
                enum bench_verdict want;
        } cases[] = {
                { 0.90, 0.88, 0.93, 0.001, false, BENCH_IMPROVED },   /* time went down */
                { 0.90, 0.88, 0.93, 0.001, true, BENCH_REGRESSED },   /* throughput went down */
                { 1.10, 1.05, 1.15, 0.001, true, BENCH_IMPROVED },
                { 1.10, 1.05, 1.15, 0.001, false, BENCH_REGRESSED },
                { 0.90, 0.88, 0.93, 0.06, false, BENCH_INCONCLUSIVE }, /* p too large */
                { 0.97, 0.95, 0.985, 0.001, false, BENCH_INCONCLUSIVE }, /* CI reaches inside +-2 % */
                { 1.00, 0.98, 1.02, 0.5, false, BENCH_NO_CHANGE },
                { 1.00, 0.97, 1.03, 0.5, true, BENCH_NO_CHANGE },
                { 1.00, 0.96, 1.03, 0.5, true, BENCH_INCONCLUSIVE },  /* CI wider than +-3 % */
                { 1.025, 1.021, 1.029, 0.001, false, BENCH_REGRESSED },
                { 1.025, 1.021, 1.029, 0.2, false, BENCH_NO_CHANGE },
        };
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                double ci[2] = { cases[i].lo, cases[i].hi };
                struct bench_decision d = bench_decide(cases[i].ratio, ci, cases[i].p, 10, cases[i].higher);
                if (d.verdict != cases[i].want) {
                        print_error("case %zu: %s, want %s\n", i, bench_verdict_to_string(d.verdict),
                                    bench_verdict_to_string(cases[i].want));
                        fail();
                }
        }
        /* A wide interval around 1: more runs, about 4x for half the width. */
        double ci[2] = { 0.94, 1.06 };
        struct bench_decision d = bench_decide(1.0, ci, 0.5, 10, false);
        assert_int_equal(d.verdict, BENCH_INCONCLUSIVE);
        assert_int_equal(d.more_runs, 30);
        assert_string_equal(bench_verdict_to_string(BENCH_NO_CHANGE), "no-change");
}

static void test_enough_runs(void **state) {
        (void) state;
        double narrow[2] = { 0.995, 1.005 }, wide[2] = { 0.9, 1.1 };
        assert_false(bench_enough_runs(9, 10, 30, narrow, 1.0, 0.01));
        assert_true(bench_enough_runs(10, 10, 30, narrow, 1.0, 0.01));
        assert_false(bench_enough_runs(10, 10, 30, wide, 1.0, 0.01));
        assert_true(bench_enough_runs(30, 10, 30, wide, 1.0, 0.01));
}

static void simulate(double cv, double shift, size_t n, size_t trials, uint64_t seed, size_t *ret_improved,
                     size_t *ret_regressed) {
        struct bench_rng rng;
        bench_rng_seed(&rng, seed);
        size_t imp = 0, reg = 0;
        double a[64], b[64];
        double sigma = sqrt(log(1 + cv * cv));
        for (size_t t = 0; t < trials; t++) {
                for (size_t i = 0; i < n; i++) {
                        a[i] = exp(sigma * bench_rng_normal(&rng));
                        b[i] = shift * exp(sigma * bench_rng_normal(&rng));
                }
                struct bench_comparison c;
                assert_int_equal(bench_compare(a, n, b, n, true, false, BENCH_BOOTSTRAP_SEED + t, &c), 0);
                imp += c.decision.verdict == BENCH_IMPROVED;
                reg += c.decision.verdict == BENCH_REGRESSED;
        }
        *ret_improved = imp;
        *ret_regressed = reg;
}

static void test_aa_false_verdicts(void **state) {
        (void) state;
        size_t imp, reg;
        simulate(0.05, 1.0, 10, 1000, 42, &imp, &reg);
        print_message("A/A CV 5 %%, n=10: %zu improved, %zu regressed of 1000\n", imp, reg);
        assert_true(imp + reg <= 50);
}

static void test_shift_detected(void **state) {
        (void) state;
        size_t imp, reg;
        simulate(0.02, 0.95, 10, 1000, 43, &imp, &reg);
        print_message("5 %% shift CV 2 %%, n=10: %zu improved, %zu regressed of 1000\n", imp, reg);
        assert_true(imp >= 900);
        assert_int_equal(reg, 0);
}

static void test_compare_unpaired_and_holm(void **state) {
        (void) state;
        struct bench_comparison c[2];
        assert_int_equal(bench_compare(mw_a2, ELEMENTSOF(mw_a2), mw_b2, ELEMENTSOF(mw_b2), false, false, 1, &c[0]), 0);
        assert_string_equal(c[0].test, "mann-whitney-u");
        assert_close(c[0].p, ref_mwus[2].p, 1e-9);
        double same[] = { 1, 2, 3 };
        assert_int_equal(bench_compare(same, 3, same, 3, true, false, 1, &c[1]), 0);
        assert_string_equal(c[1].test, "wilcoxon-signed-rank");
        assert_true(c[1].p == 1.0);
        assert_int_equal(c[1].decision.verdict, BENCH_NO_CHANGE);
        bool hib[2] = { false, false };
        double raw = c[0].p;
        bench_compare_holm(c, 2, hib);
        assert_close(c[0].p_adj, fmin(1.0, 2 * raw), 1e-15);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_summaries),
                cmocka_unit_test(test_summary_rejects),
                cmocka_unit_test(test_slow_first_direction),
                cmocka_unit_test(test_wilcoxon),
                cmocka_unit_test(test_mann_whitney),
                cmocka_unit_test(test_holm),
                cmocka_unit_test(test_rng),
                cmocka_unit_test(test_bootstrap_bit_exact),
                cmocka_unit_test(test_decide),
                cmocka_unit_test(test_enough_runs),
                cmocka_unit_test(test_aa_false_verdicts),
                cmocka_unit_test(test_shift_detected),
                cmocka_unit_test(test_compare_unpaired_and_holm),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
