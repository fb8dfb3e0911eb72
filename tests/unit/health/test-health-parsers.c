/* SPDX-License-Identifier: MIT */
/* The pure parsers of src/health: scrub status (btrfs-progs 6.2 and a file
 * with fields 6.2 does not write), error_stats, PSI, /proc/stat. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "health/health.h"
#include "util.h"

#define FS "44f01e93-d87a-4258-91ad-297d8d0e4a01"

/* Written by btrfs-progs 6.2 (`btrfs scrub start -B`) on a 1 GiB loop fs. */
static const char scrub_62[] =
        "scrub status:1\n" FS ":1|data_extents_scrubbed:153|tree_extents_scrubbed:18|data_bytes_scrubbed:626688|"
        "tree_bytes_scrubbed:294912|read_errors:0|csum_errors:0|verify_errors:0|no_csum:0|csum_discards:0|"
        "super_errors:0|malloc_errors:0|uncorrectable_errors:0|corrected_errors:0|last_physical:263585792|"
        "t_start:1796152489|t_resumed:0|duration:7|canceled:0|finished:1\n";

static const struct {
        const char *name, *text;
        int ret;
        bool found, finished, running, canceled;
        unsigned n_devices;
        int64_t t_completed;
        uint64_t csum, uncorrectable, data_bytes;
} scrub_cases[] = {
        { "btrfs-progs 6.2", scrub_62, 0, true, true, false, false, 1, 1796152496, 0, 0, 626688 },
        { "reordered, unknown keys, unverified_errors",
          "scrub status:1\n" FS ":1|t_start:100|duration:5|finished:1|canceled:0|csum_errors:2|"
          "uncorrectable_errors:2|unverified_errors:1|skipped_errors:9|limit:0|new_thing:abc\n",
          0, true, true, false, false, 1, 105, 2, 2, 0 },
        { "two devices: as old as the stalest, errors summed",
          "scrub status:1\n" FS ":1|t_start:1000|duration:10|finished:1|canceled:0|csum_errors:1\n"
          FS ":2|t_start:900|duration:20|finished:1|canceled:0|csum_errors:2\n",
          0, true, true, false, false, 2, 920, 3, 0, 0 },
        { "one device still running", "scrub status:1\n" FS ":1|t_start:1000|duration:10|finished:1|canceled:0\n"
          FS ":2|t_start:900|duration:20|finished:0|canceled:0\n",
          0, true, false, true, false, 2, 0, 0, 0, 0 },
        { "canceled", "scrub status:1\n" FS ":1|t_start:1000|duration:10|finished:0|canceled:1\n",
          0, true, false, false, true, 1, 0, 0, 0, 0 },
        { "other filesystem only", "scrub status:1\n0000-1111:1|t_start:1|finished:1\n", 0, false, false, false,
          false, 0, 0, 0, 0, 0 },
        { "a longer fsid with ours as prefix is not ours", "scrub status:1\n" FS "ff:1|t_start:1|finished:1\n", 0,
          false, false, false, false, 0, 0, 0, 0, 0 },
        { "garbage value skipped", "scrub status:1\n" FS ":1|t_start:50|duration:x|finished:1|csum_errors:-1\n", 0,
          true, true, false, false, 1, 50, 0, 0, 0 },
        { "no header", FS ":1|t_start:1|finished:1\n", -EINVAL },
        { "empty", "", -EINVAL },
        { "bad version", "scrub status:x\n", -EINVAL },
};

static void test_scrub(void **state) {
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(scrub_cases); i++) {
                struct scrub_status s = { .found = 42 };
                int r = health_parse_scrub_status(scrub_cases[i].text, FS, &s);
                print_message("# %s\n", scrub_cases[i].name);
                assert_int_equal(r, scrub_cases[i].ret);
                if (r < 0)
                        continue;
                assert_int_equal(s.found, scrub_cases[i].found);
                assert_int_equal(s.finished, scrub_cases[i].finished);
                assert_int_equal(s.running, scrub_cases[i].running);
                assert_int_equal(s.canceled, scrub_cases[i].canceled);
                assert_int_equal(s.n_devices, scrub_cases[i].n_devices);
                assert_int_equal(s.t_completed, scrub_cases[i].t_completed);
                assert_int_equal(s.csum_errors, scrub_cases[i].csum);
                assert_int_equal(s.uncorrectable_errors, scrub_cases[i].uncorrectable);
                assert_int_equal(s.data_bytes, scrub_cases[i].data_bytes);
        }
}

static void test_error_stats(void **state) {
        struct error_stats e;
        (void) state;
        assert_int_equal(health_parse_error_stats("write_errs 0\nread_errs 1\nflush_errs 2\ncorruption_errs 3\n"
                                                  "generation_errs 4\n", &e), 0);
        assert_int_equal(e.write_errs, 0);
        assert_int_equal(e.read_errs, 1);
        assert_int_equal(e.flush_errs, 2);
        assert_int_equal(e.corruption_errs, 3);
        assert_int_equal(e.generation_errs, 4);
        /* a future counter is ignored, a missing one is 0 */
        assert_int_equal(health_parse_error_stats("read_errs 7\nnew_errs 9\n", &e), 0);
        assert_int_equal(e.read_errs, 7);
        assert_int_equal(e.corruption_errs, 0);
        assert_int_equal(health_parse_error_stats("", &e), -EINVAL);
        assert_int_equal(health_parse_error_stats("read_errs x\n", &e), -EINVAL);
        assert_int_equal(health_parse_error_stats("read_errs -1\n", &e), -EINVAL);
}

static void test_psi(void **state) {
        struct psi_line some, full;
        (void) state;
        assert_int_equal(health_parse_psi("some avg10=61.28 avg60=89.99 avg300=61.98 total=311540756\n"
                                          "full avg10=0.00 avg60=1.50 avg300=0.00 total=0\n", &some, &full), 0);
        assert_true(some.have && full.have);
        assert_true(some.avg60 > 89.98 && some.avg60 < 90.0);
        assert_true(full.avg60 > 1.49 && full.avg60 < 1.51);
        assert_int_equal(some.total, 311540756);
        /* old kernels: cpu has no full line */
        assert_int_equal(health_parse_psi("some avg10=1.00 avg60=2.00 avg300=3.00 total=4\n", &some, &full), 0);
        assert_false(full.have);
        assert_int_equal(health_parse_psi("some avg10=1.00 avg60=x avg300=3.00 total=4\n", &some, &full), -EINVAL);
        assert_int_equal(health_parse_psi("some avg10=1.00 avg60=200 avg300=3.00 total=4\n", &some, &full), -EINVAL);
        assert_int_equal(health_parse_psi("", &some, &full), -EINVAL);
}

static void test_proc_stat(void **state) {
        struct cpu_times t;
        (void) state;
        assert_int_equal(health_parse_proc_stat("cpu  10 20 30 40 50 60 70 80 90 100\ncpu0 1 2 3 4 5 6 7 8 9 10\n", &t), 0);
        assert_int_equal(t.user, 10);
        assert_int_equal(t.steal, 80);
        /* 2.6.11-era line without steal */
        assert_int_equal(health_parse_proc_stat("cpu  10 20 30 40 50 60 70\n", &t), 0);
        assert_int_equal(t.steal, 0);
        assert_int_equal(health_parse_proc_stat("cpu0 1 2 3 4\n", &t), -EINVAL);
        assert_int_equal(health_parse_proc_stat("cpu  1 2 x 4\n", &t), -EINVAL);
        assert_int_equal(health_parse_proc_stat("cpu  1 2\n", &t), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_scrub),
                cmocka_unit_test(test_error_stats),
                cmocka_unit_test(test_psi),
                cmocka_unit_test(test_proc_stat),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
