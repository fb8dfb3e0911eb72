/* SPDX-License-Identifier: MIT */
/* facts_parse_mm_stat: zram mm_stat, 7 to 9 fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "facts/facts.h"
#include "sysroot.h"
#include "util.h"
#include "tests/unit/sysroot-fixture.h"

static const struct {
        const char *name, *text;
        int ret;
        uint64_t v[8]; /* orig compr used limit used_max same compacted huge */
} cases[] = {
        { "9 fields (6.x)", "  4096000   1024000   1200000        0   1300000       12        3        5        7\n",
          0, { 4096000, 1024000, 1200000, 0, 1300000, 12, 3, 5 } },
        { "8 fields", "1 2 3 4 5 6 7 8", 0, { 1, 2, 3, 4, 5, 6, 7, 8 } },
        { "7 fields (old kernels)", "1 2 3 4 5 6 7\n", 0, { 1, 2, 3, 4, 5, 6, 7, 0 } },
        { "fresh device", "0 0 0 0 0 0 0 0 0\n", 0, {} },
        { "u64 max", "18446744073709551615 0 0 0 0 0 0 0 0", 0, { UINT64_MAX } },
        { "future field tolerated", "1 2 3 4 5 6 7 8 9 10\n", 0, { 1, 2, 3, 4, 5, 6, 7, 8 } },
        { "6 fields", "1 2 3 4 5 6\n", -EINVAL },
        { "empty", "", -EINVAL },
        { "garbage field", "1 2 3 x 5 6 7 8 9\n", -EINVAL },
        { "garbage in an extra field", "1 2 3 4 5 6 7 8 9 z\n", -EINVAL },
        { "negative", "1 2 3 -4 5 6 7 8 9\n", -EINVAL },
        { "overflow", "18446744073709551616 2 3 4 5 6 7 8 9\n", -EINVAL },
        { "too many fields", "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18\n", -EINVAL },
        { "overlong token", "1 2 3 4 5 6 7 0000000000000000000000000000000000000000008\n", -EINVAL },
};

static void test_table(void **state) {
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct zram_facts z = { .orig_data_size = 4242 };
                int r;

                print_message("# case: %s\n", cases[i].name);
                r = facts_parse_mm_stat(cases[i].text, &z);
                assert_int_equal(r, cases[i].ret);
                if (r < 0) {
                        assert_int_equal(z.orig_data_size, 4242);
                        assert_false(z.have_mm_stat);
                        continue;
                }
                assert_true(z.have_mm_stat);
                assert_int_equal(z.orig_data_size, cases[i].v[0]);
                assert_int_equal(z.compr_data_size, cases[i].v[1]);
                assert_int_equal(z.mem_used_total, cases[i].v[2]);
                assert_int_equal(z.mem_limit, cases[i].v[3]);
                assert_int_equal(z.mem_used_max, cases[i].v[4]);
                assert_int_equal(z.same_pages, cases[i].v[5]);
                assert_int_equal(z.pages_compacted, cases[i].v[6]);
                assert_int_equal(z.huge_pages, cases[i].v[7]);
        }
}

/* ---- collector against a sysroot in a temporary directory ---- */

static const struct fixture_file zram_machine[] = {
        { "proc/meminfo", "MemTotal: 2048 kB\nMemAvailable: 1024 kB\nSwapTotal: 8 kB\nSwapFree: 4 kB\n" },
        { "proc/swaps", "Filename Type Size Used Priority\n/dev/zram1 partition 4 0 100\n/swapfile file 4 0 -2\n" },
        { "sys/block/zram0/disksize", "0\n" },
        { "sys/block/zram0/comp_algorithm", "lzo [lzo-rle] lz4\n" },
        { "sys/block/zram1/disksize", "4096\n" },
        { "sys/block/zram1/comp_algorithm", "lzo lzo-rle [zstd]\n" },
        { "sys/block/zram1/mm_stat", "8192 2048 4096 0 4096 1 0 0 0\n" },
        { "sys/block/zram2x/disksize", "1\n" },   /* not a zram name */
        { "sys/block/vda/size", "1\n" },
        { "sys/block/zram3/disksize", "lots\n" },
        { "sys/block/zram3/mm_stat", "1 2\n" },
};

static void test_collect(void **state) {
        char *dir = make_sysroot(zram_machine, ELEMENTSOF(zram_machine));
        struct facts *f = xcalloc(1, sizeof *f);
        struct sysroot *sr;

        (void) state;
        assert_int_equal(sysroot_open(dir, &sr), 0);
        facts_collect_memory(sr, f);

        assert_int_equal(f->mem.total_bytes, 2048 * 1024);
        assert_int_equal(f->mem.swap_free_bytes, 4 * 1024);
        assert_int_equal(f->n_swaps, 2);

        assert_int_equal(f->n_zram, 3);
        assert_string_equal(f->zram[0].name, "zram0");
        assert_int_equal(f->zram[0].disksize, 0);
        assert_string_equal(f->zram[0].algorithm, "lzo-rle");
        assert_int_equal(strv_length(f->zram[0].algorithms), 3);
        assert_false(f->zram[0].have_mm_stat);
        assert_false(f->zram[0].swap_active);

        assert_string_equal(f->zram[1].name, "zram1");
        assert_int_equal(f->zram[1].disksize, 4096);
        assert_string_equal(f->zram[1].algorithm, "zstd");
        assert_true(f->zram[1].have_mm_stat);
        assert_int_equal(f->zram[1].orig_data_size, 8192);
        assert_int_equal(f->zram[1].mem_used_total, 4096);
        assert_true(f->zram[1].swap_active);
        assert_int_equal(f->zram[1].swap_priority, 100);

        /* Garbage in zram3: two warnings, fields unknown, no crash. */
        assert_string_equal(f->zram[2].name, "zram3");
        assert_int_equal(f->zram[2].disksize, 0);
        assert_false(f->zram[2].have_mm_stat);
        assert_int_equal(strv_length(f->warnings), 2);

        facts_free(f);
        sysroot_free(sr);
        remove_sysroot(dir);
}

static void test_collect_empty(void **state) {
        static const struct fixture_file files[] = { { "proc/meminfo", "garbage\n" } };
        char *dir = make_sysroot(files, ELEMENTSOF(files));
        struct facts *f = xcalloc(1, sizeof *f);
        struct sysroot *sr;

        (void) state;
        assert_int_equal(sysroot_open(dir, &sr), 0);
        facts_collect_memory(sr, f);
        assert_int_equal(f->mem.total_bytes, 0);
        assert_int_equal(f->n_swaps, 0);
        assert_int_equal(f->n_zram, 0);
        assert_int_equal(strv_length(f->warnings), 1); /* meminfo garbage; missing files are silent */
        facts_free(f);
        sysroot_free(sr);
        remove_sysroot(dir);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_table),
                cmocka_unit_test(test_collect),
                cmocka_unit_test(test_collect_empty),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
