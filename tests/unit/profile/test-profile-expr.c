/* SPDX-License-Identifier: MIT */
/* Expressions, devices= matcher and the regex translation: tables. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "profile/profile.h"
#include "util.h"

static const struct expr_vars seed = { .ram = 24002, .cpus = 8 };

static void test_expr_values(void **state) {
        (void) state;
        static const struct {
                const char *expr;
                double want;
        } t[] = {
                { "1+2*3", 7 },
                { "(1+2)*3", 9 },
                { "10 - 2 - 3", 5 },
                { "8 / 2 / 2", 2 },
                { "2 * 3 % 4", 2 },
                { "-2 + 5", 3 },
                { "--2", 2 },
                { "+4", 4 },
                { "-(1+2)*2", -6 },
                { "1.5 * 2", 3 },
                { ".5*4", 2 },
                { "0.25", 0.25 },
                { "  42  ", 42 },
                { "min(ram, 16384)", 16384 },
                { "ram / 2", 12001 },
                { "min(ram / 2, 4096)", 4096 },
                { "max(1, 2, 3)", 3 },
                { "min(5)", 5 },
                { "max(1, floor(cpus / 2))", 4 },
                { "cpus", 8 },
                { "cpus - 2", 6 },
                { "floor(7/2)", 3 },
                { "ceil(7/2)", 4 },
                { "round(2.5)", 3 },
                { "abs(0 - 3)", 3 },
                { "min(ram, 16384) * 1024 * 1024", 17179869184.0 },
                { "ram*2/3", 16001.333333333334 },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                double v = -1;
                char *err = NULL;
                int r = profile_expr_eval(t[i].expr, &seed, &v, &err);
                if (r < 0)
                        fail_msg("'%s': %s", t[i].expr, err);
                if (fabs(v - t[i].want) > 1e-9)
                        fail_msg("'%s' = %.17g, want %.17g", t[i].expr, v, t[i].want);
        }
}

static void test_expr_errors(void **state) {
        (void) state;
        static const struct {
                const char *expr;
                const char *want; /* prefix of the message */
        } t[] = {
                { "1 / 0", "col 3: division by zero" },
                { "5 % 0", "col 3: division by zero" },
                { "ram / (cpus - 8)", "col 5: division by zero" },
                { "1 +", "col 4: unexpected end" },
                { "", "col 1: unexpected end" },
                { "foo", "col 1: unknown variable 'foo'" },
                { "1 + sqrt(4)", "col 5: unknown function 'sqrt'" },
                { "min()", "col 5: unexpected character" },
                { "min(1,)", "col 7: unexpected character" },
                { "floor(1, 2)", "col 1: floor() takes one argument" },
                { "(1", "col 3: expected ')'" },
                { "min(1 2)", "col 7: expected ',' or ')'" },
                { "1 2", "col 3: unexpected '2' after expression" },
                { "1)", "col 2: unexpected ')'" },
                { "12abc", "col 3: invalid number" },
                { "1.2.3", "col 4: invalid number" },
                { "ram $", "col 5: unexpected '$'" },
                { "* 2", "col 1: unexpected character" },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                double v = 12345;
                char *err = NULL;
                int r = profile_expr_eval(t[i].expr, &seed, &v, &err);
                if (r >= 0)
                        fail_msg("'%s' should fail, gave %g", t[i].expr, v);
                assert_int_equal(r, -EINVAL);
                assert_true(v == 12345); /* untouched */
                if (!startswith(err, t[i].want))
                        fail_msg("'%s': got '%s', want '%s...'", t[i].expr, err, t[i].want);
                free(err);
        }
}

static void test_expr_limits(void **state) {
        (void) state;
        char buf[512];
        char *err = NULL;
        double v;
        /* nesting is bounded */
        memset(buf, '(', 200);
        buf[200] = '1';
        memset(buf + 201, ')', 200);
        buf[401] = '\0';
        assert_int_equal(profile_expr_eval(buf, &seed, &v, &err), -EINVAL);
        assert_non_null(strstr(err, "nested deeper than 64"));
        free(err);
        memset(buf, '-', 300);
        strcpy(buf + 300, "1");
        assert_int_equal(profile_expr_eval(buf, &seed, &v, &err), -EINVAL);
        assert_non_null(strstr(err, "nested deeper"));
        free(err);
        /* unknown facts */
        struct expr_vars none = { .ram = NAN, .cpus = NAN };
        assert_int_equal(profile_expr_eval("min(ram, 1)", &none, &v, &err), -EINVAL);
        assert_string_equal(err, "col 5: 'ram' is unknown on this machine");
        free(err);
        assert_int_equal(profile_expr_eval("cpus", NULL, &v, &err), -EINVAL);
        free(err);
        /* overflow is an error, not inf */
        char big[400];
        memset(big, '9', 330);
        strcpy(big + 330, "*1");
        assert_int_equal(profile_expr_eval(big, &seed, &v, &err), -EINVAL);
        free(err);
}

static void test_format_number(void **state) {
        (void) state;
        char buf[64];
        assert_string_equal(profile_format_number(buf, 16384), "16384");
        assert_string_equal(profile_format_number(buf, 17179869184.0), "17179869184");
        assert_string_equal(profile_format_number(buf, 0.5), "0.5");
        assert_string_equal(profile_format_number(buf, -0.0), "0");
        assert_string_equal(profile_format_number(buf, -3), "-3");
}

static void test_devices_match(void **state) {
        (void) state;
        static const struct {
                const char *devices, *dev;
                bool want;
        } t[] = {
                { NULL, "sda", true },
                { "*", "sda", true },
                { "", "sda", true },
                { "sda", "sda", true },
                { "sda", "sdb", false },
                { "sd*", "sdb", true },
                { "sd?", "sdaa", false },
                { "sd[ab]", "sdb", true },
                { "!zram*", "zram0", false },
                { "!zram*", "sda", true },
                { "!zram*,!loop*", "loop0", false },
                { "!zram*,!loop*", "vda", true },
                { "vd*, sd*, xvd*", "sda", true },
                { "vd*, sd*, xvd*", "nvme0n1", false },
                { "vd*, sd*, xvd*", "xvda", true },
                { "sda sdb", "sdb", true },
                { "sda\tsdb", "sdb", true },
                { "sd*,!sdb", "sdb", false },
                { "sd*,!sdb", "sdc", true },
                { "!sdb sd*", "sdb", false },
                { "sda , sdb", "sdb", true },
                { "!", "sda", true },
                { "cpu*", "cpu/0", true },
                { "\\sda", "sda", false },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++)
                if (profile_devices_match(t[i].devices, t[i].dev) != t[i].want)
                        fail_msg("devices='%s' dev='%s': want %d", strna(t[i].devices), t[i].dev, t[i].want);
}

static void test_regex(void **state) {
        (void) state;
        static const char cpuinfo[] = "processor\t: 0\nvendor_id\t: GenuineIntel\n"
                                      "model name\t: Intel(R) Xeon(R) CPU E5-2650 v3 @ 2.30GHz\n"
                                      "flags\t\t: fpu vme hypervisor avx2\n"
                                      "CPU part\t: 0x0af\n";
        static const struct {
                const char *re;
                bool multiline, want;
        } t[] = {
                { "GenuineIntel", true, true },
                { "AuthenticAMD", true, false },
                { "^flags\\s+:.*\\bhypervisor\\b", true, true },
                { "^flags\\s+:.*\\bhypervisor\\b", false, false },
                { "model name\\s+:.*\\bAMD\\b", true, false },
                { "E5-\\d{4}", true, true },
                { "E5-\\D", true, false },
                { "CPU part\\s+:\\s+(0x0?516)|(0x0?af)|(0x0?a[0-3])|(0x0?b8)\\b", true, true },
                { "(?:Xeon|EPYC)", true, true },
                { "v[\\d]", true, true },
                { "[\\]q]", true, false },
                { "[a\\-]", true, true },
                { "avx2$", true, true },
                { "avx2$", false, false },
                { "Xeon.*?CPU", true, true },
                { "", true, true },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                bool m = !t[i].want;
                char *err = NULL;
                if (profile_regex_search(t[i].re, cpuinfo, t[i].multiline, &m, &err) < 0)
                        fail_msg("'%s': %s", t[i].re, err);
                if (m != t[i].want)
                        fail_msg("'%s' multiline=%d: got %d", t[i].re, t[i].multiline, m);
        }
        bool m;
        char *err = NULL;
        assert_int_equal(profile_regex_search("(?=x)", "x", false, &m, &err), -EINVAL);
        assert_non_null(strstr(err, "not supported"));
        free(err);
        assert_int_equal(profile_regex_search("[abc", "x", false, &m, &err), -EINVAL);
        free(err);
        assert_int_equal(profile_regex_search("a(", "x", false, &m, &err), -EINVAL);
        free(err);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_expr_values),   cmocka_unit_test(test_expr_errors),
                cmocka_unit_test(test_expr_limits),   cmocka_unit_test(test_format_number),
                cmocka_unit_test(test_devices_match), cmocka_unit_test(test_regex),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
