/* SPDX-License-Identifier: MIT */
/*
 * The thp: and ksm: kinds (src/knobs/thp.c) on a sysroot: IDs, choice
 * reads, refused values, writes read back, and the [sysfs] paths they own.
 */
#include "../sysroot-fixture.h"

#include "knobs/knob.h"

static char *root;

static int setup(void **state) {
        static const struct fixture_file files[] = {
                { "sys/kernel/mm/transparent_hugepage/enabled", "always [madvise] never\n" },
                { "sys/kernel/mm/transparent_hugepage/defrag", "always defer defer+madvise [madvise] never\n" },
                { "sys/kernel/mm/ksm/run", "0\n" },
        };
        (void) state;
        root = make_sysroot(files, ELEMENTSOF(files));
        return 0;
}

static int teardown(void **state) {
        (void) state;
        remove_sysroot(root);
        return 0;
}

static void test_ids(void **state) {
        (void) state;
        assert_int_equal(knob_validate("thp:enabled"), 0);
        assert_int_equal(knob_validate("thp:defrag"), 0);
        assert_int_equal(knob_validate("ksm:run"), 0);
        assert_int_equal(knob_validate("thp:khugepaged"), -EINVAL);
        assert_int_equal(knob_validate("ksm:enabled"), -EINVAL);
        assert_false(knob_is_risky("thp:enabled"));
        assert_false(knob_is_risky("ksm:run"));
}

static void test_owns_its_sysfs_paths(void **state) {
        static const struct {
                const char *in, *out;
        } t[] = {
                { "sysfs:/sys/kernel/mm/transparent_hugepage/enabled", "thp:enabled" },
                { "sysfs:/sys/kernel/mm/transparent_hugepage/defrag", "thp:defrag" },
                { "sysfs:/sys/kernel/mm/ksm/run", "ksm:run" },
                { "sysfs:/sys/kernel/mm/ksm/pages_to_scan", "sysfs:/sys/kernel/mm/ksm/pages_to_scan" },
                { "sysctl:vm.swappiness", "sysctl:vm.swappiness" },
        };
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                _cleanup_free_ char *c = knob_canonical_id(t[i].in);
                assert_string_equal(c, t[i].out);
        }
}

static void test_read_write(void **state) {
        _cleanup_(sysroot_freep) struct sysroot *sr = NULL;
        _cleanup_free_ char *v = NULL, *w = NULL, *k = NULL, *file = NULL, *path = NULL;
        (void) state;
        assert_int_equal(sysroot_open(root, &sr), 0);
        assert_int_equal(knob_read(sr, "thp:enabled", &v), 0);
        assert_string_equal(v, "madvise");
        assert_int_equal(knob_read(sr, "thp:defrag", &w), 0);
        assert_string_equal(w, "madvise");
        assert_int_equal(knob_read(sr, "ksm:run", &k), 0);
        assert_string_equal(k, "0");
        /* what the kernel does not offer is refused before any write */
        assert_int_equal(knob_write(sr, "thp:enabled", "sometimes"), -EINVAL);
        assert_int_equal(knob_write(sr, "ksm:run", "3"), -EINVAL);
        file = fixture_get(root, "sys/kernel/mm/ksm/run");
        assert_string_equal(file, "0\n");
        free(file);
        assert_int_equal(knob_write(sr, "ksm:run", "1"), 0);
        file = fixture_get(root, "sys/kernel/mm/ksm/run");
        assert_string_equal(file, "1\n");
        /* a sysroot's choice file holds the plain value after a write; the
         * read back is the choice all the same */
        assert_int_equal(knob_write(sr, "thp:enabled", "never"), 0);
        assert_int_equal(knob_restore(sr, "thp:enabled", "madvise"), 0);
        free(v), v = NULL;
        assert_int_equal(knob_read(sr, "thp:enabled", &v), 0);
        assert_string_equal(v, "madvise");
        path = knob_path(NULL, "thp:defrag");
        assert_non_null(path);
        assert_non_null(strstr(path, "kernel/mm/transparent_hugepage/defrag"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ids),
                cmocka_unit_test(test_owns_its_sysfs_paths),
                cmocka_unit_test(test_read_write),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
