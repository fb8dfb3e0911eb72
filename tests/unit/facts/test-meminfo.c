/* SPDX-License-Identifier: MIT */
/* facts_parse_meminfo: kB → bytes, overflow, garbage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include "facts/facts.h"
#include "util.h"

#define KIB 1024ULL

static const struct {
        const char *name, *text;
        int ret;
        struct mem_facts expected;
} cases[] = {
        { "this machine",
          "MemTotal:       24684096 kB\nMemFree:        24173640 kB\nMemAvailable:   24279708 kB\n"
          "Buffers:            4016 kB\nSwapCached:            0 kB\nSwapTotal:             0 kB\n"
          "SwapFree:              0 kB\nHugePages_Total:       0\n",
          0, { 24684096 * KIB, 24279708 * KIB, 0, 0 } },
        { "with swap, no trailing newline",
          "MemTotal: 8000000 kB\nSwapTotal: 4194300 kB\nSwapFree: 4194000 kB",
          0, { 8000000 * KIB, 0, 4194300 * KIB, 4194000 * KIB } },
        { "plain number is bytes", "MemTotal: 4096\n", 0, { 4096, 0, 0, 0 } },
        { "largest that fits", "MemTotal: 18014398509481983 kB\n", 0, { 18014398509481983ULL * KIB, 0, 0, 0 } },
        { "overflow after kB leaves it unknown",
          "MemTotal: 18014398509481984 kB\nMemAvailable: 1 kB\n", 0, { 0, KIB, 0, 0 } },
        { "overflow of u64", "MemTotal: 99999999999999999999999 kB\nSwapFree: 2 kB\n", 0, { 0, 0, 0, 2 * KIB } },
        { "garbage value leaves it unknown",
          "MemTotal: lots kB\nMemAvailable: -5 kB\nSwapTotal: 5 MB\nSwapFree: 3 kB\n", 0, { 0, 0, 0, 3 * KIB } },
        { "key prefix is not the key", "MemTotalX: 5 kB\nXMemTotal: 6 kB\nSwapFree: 1 kB\n", 0, { 0, 0, 0, KIB } },
        { "later line wins", "MemTotal: 1 kB\nMemTotal: 2 kB\n", 0, { 2 * KIB, 0, 0, 0 } },
        { "empty", "", -EINVAL },
        { "nothing known", "MemFree: 5 kB\nfoo\n:\n", -EINVAL },
        { "binary", "\x01\x02\x03:\xff\xfe kB\n", -EINVAL },
};

static void test_table(void **state) {
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct mem_facts m = { .total_bytes = 77 };
                int r;

                print_message("# case: %s\n", cases[i].name);
                r = facts_parse_meminfo(cases[i].text, &m);
                assert_int_equal(r, cases[i].ret);
                if (r < 0) {
                        assert_int_equal(m.total_bytes, 77);
                        continue;
                }
                assert_int_equal(m.total_bytes, cases[i].expected.total_bytes);
                assert_int_equal(m.available_bytes, cases[i].expected.available_bytes);
                assert_int_equal(m.swap_total_bytes, cases[i].expected.swap_total_bytes);
                assert_int_equal(m.swap_free_bytes, cases[i].expected.swap_free_bytes);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_table),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
