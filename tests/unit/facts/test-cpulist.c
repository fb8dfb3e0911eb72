/* SPDX-License-Identifier: MIT */
/* facts_parse_cpu_list: sysfs CPU lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include "facts/facts.h"
#include "util.h"

static const struct {
        const char *text;
        int ret;
        unsigned count;
} cases[] = {
        { "0-3,5,7-8", 0, 7 },
        { "0-3,5,7-8\n", 0, 7 },
        { "0", 0, 1 },
        { "0\n", 0, 1 },
        { "0-1\n", 0, 2 },
        { "0-127", 0, 128 },
        { "1,3,5,7", 0, 4 },
        { "", 0, 0 },                   /* "offline" when nothing is */
        { "\n", 0, 0 },
        { "  0-3  \n", 0, 4 },
        { "0-1048575", 0, 1u << 20 },
        { "0-1048576", -ERANGE },
        { "0-4294967295", -ERANGE },
        { "99999999999999999999999", -ERANGE },
        { "3-1", -EINVAL },
        { "0-3,2-5", -EINVAL },         /* overlap: never printed by the kernel */
        { "5,1", -EINVAL },             /* unsorted */
        { "1,1", -EINVAL },
        { "0,", -EINVAL },
        { ",0", -EINVAL },
        { "0-", -EINVAL },
        { "-1", -EINVAL },
        { "0--3", -EINVAL },
        { "0-3 4", -EINVAL },
        { "a-b", -EINVAL },
        { "0-3\n4", -EINVAL },
        { "0:3", -EINVAL },
        { "0-7:2/8", -EINVAL },
        { "+1", -EINVAL },
};

static void test_table(void **state) {
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                unsigned n = 4242;
                int r;

                print_message("# case %zu\n", i);
                r = facts_parse_cpu_list(cases[i].text, &n);
                assert_int_equal(r, cases[i].ret);
                assert_int_equal(n, r < 0 ? 4242 : cases[i].count);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_table),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
