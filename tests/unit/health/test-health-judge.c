/* SPDX-License-Identifier: MIT */
/* Judgements and formatting shared by the checks: thresholds in both
 * directions, byte formatting, Nagios perf labels, label escaping, the
 * report's worst status and the state round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "health/health.h"
#include "util.h"

static void test_judge(void **state) {
        static const struct {
                double v, warn, crit;
                bool low;
                enum health_status want;
        } t[] = {
                { 84.9, 85, 95, false, HEALTH_OK },
                { 85, 85, 95, false, HEALTH_WARNING },
                { 95, 85, 95, false, HEALTH_CRITICAL },
                { 3e9, 2e9, 1e9, true, HEALTH_OK },
                { 2e9, 2e9, 1e9, true, HEALTH_OK },     /* "< 2 GiB" warns: 2 GiB itself does not */
                { 1.9e9, 2e9, 1e9, true, HEALTH_WARNING },
                { 0.9e9, 2e9, 1e9, true, HEALTH_CRITICAL },
        };
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(t); i++)
                assert_int_equal(health_judge(t[i].v, t[i].warn, t[i].crit, t[i].low), t[i].want);
}

static void test_format(void **state) {
        char b[32];
        _cleanup_free_ char *s1 = health_slug("/"), *s2 = health_slug("/var/lib/containers"), *e = NULL;
        (void) state;
        assert_string_equal(health_bytes(b, 1717986918), "1.6GiB");
        assert_string_equal(health_bytes(b, 512), "512B");
        assert_string_equal(health_bytes(b, 12.0 * 1024 * 1024 * 1024 * 1024), "12TiB");
        assert_string_equal(s1, "root");
        assert_string_equal(s2, "var_lib_containers");
        e = health_label_escape("a\"b\\c\nd");
        assert_string_equal(e, "a\\\"b\\\\c\\nd");
}

static void test_worst(void **state) {
        struct health_report r = {};
        char *only[] = { (char *) "journal", NULL };
        (void) state;
        health_add(&r, "journal", "kernel")->status = HEALTH_UNKNOWN;
        health_add(&r, "smart", "vda")->status = HEALTH_UNSUPPORTED;
        /* unknown in the default set is reported, not a finding */
        assert_int_equal(health_report_worst(&r, NULL), HEALTH_OK);
        /* asked for by name, it is */
        assert_int_equal(health_report_worst(&r, only), HEALTH_UNKNOWN);
        health_add(&r, "psi", "io")->status = HEALTH_WARNING;
        assert_int_equal(health_report_worst(&r, only), HEALTH_WARNING);
        health_add(&r, "psi", "cpu")->status = HEALTH_CRITICAL;
        assert_int_equal(health_report_worst(&r, NULL), HEALTH_CRITICAL);
        health_report_done(&r);
}

static void test_state_roundtrip(void **state) {
        char dir[] = "/tmp/vpstune-health-state.XXXXXX";
        struct health_state *s, *t;
        uint64_t v = 0;
        (void) state;
        assert_non_null(mkdtemp(dir));
        {
                _cleanup_free_ char *sd = xasprintf("%s/state", dir);
                s = health_state_new();
                health_state_set(s, "btrfs.device_errors", "uuid/1", "read_errs", 42);
                assert_int_equal(health_state_save(s, sd), 0);
                assert_int_equal(health_state_load(sd, &t), 0);
                assert_true(health_state_get(t, "btrfs.device_errors", "uuid/1", "read_errs", &v));
                assert_int_equal(v, 42);
                assert_false(health_state_get(t, "btrfs.device_errors", "uuid/2", "read_errs", &v));
                health_state_free(s);
                health_state_free(t);
                /* missing directory: empty state, no error */
                _cleanup_free_ char *none = xasprintf("%s/none", dir);
                assert_int_equal(health_state_load(none, &t), 0);
                assert_false(health_state_get(t, "btrfs.device_errors", "uuid/1", "read_errs", &v));
                health_state_free(t);
                _cleanup_free_ char *cmd = xasprintf("rm -rf '%s'", dir);
                assert_int_equal(system(cmd), 0);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_judge),
                cmocka_unit_test(test_format),
                cmocka_unit_test(test_worst),
                cmocka_unit_test(test_state_roundtrip),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
