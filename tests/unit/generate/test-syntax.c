/* SPDX-License-Identifier: MIT */
/* Quoting in generated text: Nix strings and attribute names, disko sizes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "generate/gen-internal.h"
#include "util.h"

static void test_nix_str(void **state) {
        static const struct {
                const char *in, *want;
        } cases[] = {
                { "", "\"\"" },
                { "/dev/disk/by-uuid/abc", "\"/dev/disk/by-uuid/abc\"" },
                { "a\"b", "\"a\\\"b\"" },
                { "back\\slash", "\"back\\\\slash\"" },
                { "${HOME}", "\"\\${HOME}\"" },
                { "cost $5", "\"cost $5\"" },
                { "l1\nl2\tx\r", "\"l1\\nl2\\tx\\r\"" },
        };
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char *got = gen_nix_str(cases[i].in);
                assert_string_equal(got, cases[i].want);
                free(got);
        }
}

static void test_nix_indented(void **state) {
        static const struct {
                const char *in, *want;
        } cases[] = {
                { "KERNEL==\"sda\"", "KERNEL==\"sda\"" },
                { "echo ''", "echo '''" },
                { "a ${b}", "a ''${b}" },
                { "$x", "$x" },
        };
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char *got = gen_nix_indented(cases[i].in);
                assert_string_equal(got, cases[i].want);
                free(got);
        }
}

static void test_nix_attr_value(void **state) {
        static const struct {
                const char *in, *attr, *value;
        } cases[] = {
                { "cores", "cores", "\"cores\"" },
                { "max-jobs", "max-jobs", "\"max-jobs\"" },
                { "vm.swappiness", "\"vm.swappiness\"", "\"vm.swappiness\"" },
                { "10", "\"10\"", "10" },
                { "-5", "\"-5\"", "-5" },
                { "010", "\"010\"", "\"010\"" },
                { "+1", "\"+1\"", "\"+1\"" },
                { "true", "true", "true" },
                { "false", "false", "false" },
                { "in", "\"in\"", "\"in\"" },
                { "4096 87380 6291456", "\"4096 87380 6291456\"", "\"4096 87380 6291456\"" },
                { "99999999999999999999", "\"99999999999999999999\"", "\"99999999999999999999\"" },
        };
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char *a = gen_nix_attr(cases[i].in), *v = gen_nix_value(cases[i].in);
                assert_string_equal(a, cases[i].attr);
                assert_string_equal(v, cases[i].value);
                free(a);
                free(v);
        }
}

static void test_disko_size(void **state) {
        static const struct {
                uint64_t in;
                const char *want;
        } cases[] = {
                { 0, "0" },
                { 1u << 20, "1M" },
                { 100u << 20, "100M" },
                { 1u << 30, "1G" },
                { UINT64_C(200) << 30, "200G" },
                { UINT64_C(2) << 40, "2T" },
                { 512u << 10, "512K" },
                { 1536u << 20, "1536M" },
                { UINT64_C(417122304) * 512, "203673M" },  /* seed's sda4: 198.9 GiB, MiB-aligned */
                { (UINT64_C(5) << 20) + 512, "5M" },          /* not a whole KiB: down to MiB */
                { 1000, "1K" },
        };
        char buf[32];
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                assert_string_equal(gen_disko_size(buf, cases[i].in), cases[i].want);
}

static void test_sh_quote(void **state) {
        static const struct {
                const char *in, *out;
        } cases[] = {
                { "", "''" },
                { "/var/log", "'/var/log'" },
                { "a'b", "'a'\\''b'" },
                { "zstd'$(touch${IFS}/tmp/x)'", "'zstd'\\''$(touch${IFS}/tmp/x)'\\'''" },
                { "a\nb", "'a\nb'" },
        };
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char *got = gen_sh_quote(cases[i].in);
                assert_string_equal(got, cases[i].out);
                free(got);
        }
}

static void test_udev_value(void **state) {
        static const char *const ok[] = { "sda", "nvme0n1", "mq-deadline", "4096", "dm-0", "[none] mq-deadline" };
        static const char *const refused[] = { "sdq\", RUN+=\"x", "a\nb", "", "a\\b", "x$y", "a'b" };
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(ok); i++) {
                char *got = gen_udev_value(ok[i]), *want = xasprintf("\"%s\"", ok[i]);
                assert_string_equal(got, want);
                free(got);
                free(want);
        }
        for (size_t i = 0; i < ELEMENTSOF(refused); i++)
                assert_null(gen_udev_value(refused[i]));
}

static void test_one_line(void **state) {
        char *got = gen_one_line("a\nRUN+=\"x\"\r\t");
        (void) state;
        assert_string_equal(got, "a?RUN+=\"x\"??");
        free(got);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_nix_str),
                cmocka_unit_test(test_nix_indented),
                cmocka_unit_test(test_nix_attr_value),
                cmocka_unit_test(test_disko_size),
                cmocka_unit_test(test_sh_quote),
                cmocka_unit_test(test_udev_value),
                cmocka_unit_test(test_one_line),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
