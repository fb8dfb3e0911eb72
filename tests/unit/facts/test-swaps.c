/* SPDX-License-Identifier: MIT */
/* facts_parse_swaps: the /proc/swaps table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>

#include "facts/facts.h"
#include "util.h"

#define HEADER "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"

struct expected_swap {
        const char *filename, *type;
        uint64_t size_bytes, used_bytes;
        int priority;
};

static const struct {
        const char *name, *text;
        int ret;
        size_t n;
        struct expected_swap e[3];
} cases[] = {
        { "header only (no swap)", HEADER, 0, 0 },
        { "zram and a file",
          HEADER "/dev/zram0                              partition\t8388604\t\t1024\t\t100\n"
                 "/swapfile                               file\t\t2097148\t\t0\t\t-2\n",
          0, 2,
          { { "/dev/zram0", "partition", 8388604ULL * 1024, 1024ULL * 1024, 100 },
            { "/swapfile", "file", 2097148ULL * 1024, 0, -2 } } },
        { "escaped space in name",
          HEADER "/mnt/my\\040swap file 1024 0 -3\n", 0, 1,
          { { "/mnt/my swap", "file", 1024ULL * 1024, 0, -3 } } },
        { "escaped NUL stays as text", HEADER "/a\\000b file 1 0 -2\n", 0, 1,
          { { "/a\\000b", "file", 1024, 0, -2 } } },
        { "garbage lines skipped, good ones kept",
          HEADER "garbage\n/dev/vda2 partition x 0 -2\n/dev/vda3 partition 1 2 3 4\n"
                 "/dev/vda4 partition 4 0 -2\n",
          0, 1, { { "/dev/vda4", "partition", 4096, 0, -2 } } },
        { "size overflow skipped", HEADER "/dev/x partition 18014398509481984 0 1\n", 0, 0 },
        { "priority out of int range", HEADER "/dev/x partition 1 0 99999999999\n", 0, 0 },
        { "no header but an entry", "/dev/vdb partition 10 0 -2", 0, 1,
          { { "/dev/vdb", "partition", 10240, 0, -2 } } },
        { "empty", "", 0, 0 },
        { "only garbage", "this is not\na swaps file\n", -EINVAL },
};

static void test_table(void **state) {
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct swap_entry *l = (struct swap_entry *) 0x1;
                size_t n = 99;
                int r;

                print_message("# case: %s\n", cases[i].name);
                r = facts_parse_swaps(cases[i].text, &l, &n);
                assert_int_equal(r, cases[i].ret);
                if (r < 0) {
                        assert_ptr_equal(l, (struct swap_entry *) 0x1);
                        assert_int_equal(n, 99);
                        continue;
                }
                assert_int_equal(n, cases[i].n);
                for (size_t j = 0; j < n; j++) {
                        assert_string_equal(l[j].filename, cases[i].e[j].filename);
                        assert_string_equal(l[j].type, cases[i].e[j].type);
                        assert_int_equal(l[j].size_bytes, cases[i].e[j].size_bytes);
                        assert_int_equal(l[j].used_bytes, cases[i].e[j].used_bytes);
                        assert_int_equal(l[j].priority, cases[i].e[j].priority);
                        swap_entry_done(&l[j]);
                }
                free(l);
        }
}

/* Thousands of entries are capped, not an unbounded array. */
static void test_many(void **state) {
        size_t lines = 5000;
        char *text = xmalloc(lines * 40 + sizeof HEADER), *p = text;
        struct swap_entry *l;
        size_t n;

        (void) state;
        p += sprintf(p, "%s", HEADER);
        for (size_t i = 0; i < lines; i++)
                p += sprintf(p, "/dev/s%zu partition 1 0 -2\n", i);
        assert_int_equal(facts_parse_swaps(text, &l, &n), 0);
        assert_true(n > 0 && n < lines);
        for (size_t j = 0; j < n; j++)
                swap_entry_done(&l[j]);
        free(l);
        free(text);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_table),
                cmocka_unit_test(test_many),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
