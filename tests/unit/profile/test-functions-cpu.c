/* SPDX-License-Identifier: MIT */
/*
 * TuneD's CPU-list functions (profile/functions-cpu.c) on a table: each
 * ${f:...} call expanded as a profile value would be, against a sysroot of
 * 8 online CPUs (0-7) out of 16 present, two packages (0-3, 4-7). The
 * expected values of the pure functions are TuneD 2.20's own
 * (tuned/utils/commands.py, run with python3 on the same inputs).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "facts/facts.h"
#include "profile/profile-internal.h"
#include "sysroot.h"
#include "util.h"
#include "tests/unit/sysroot-fixture.h"

#define F(p, s) { .path = p, .data = s, .len = sizeof(s) - 1 }
#define PKG(n, p) F("sys/devices/system/cpu/cpu" #n "/topology/physical_package_id", p "\n")

static const struct fixture_file files[] = {
        F("sys/devices/system/cpu/online", "0-7\n"),
        F("sys/devices/system/cpu/present", "0-15\n"),
        F("sys/devices/system/cpu/possible", "0-15\n"),
        PKG(0, "0"), PKG(1, "0"), PKG(2, "0"), PKG(3, "0"),
        PKG(4, "1"), PKG(5, "1"), PKG(6, "1"), PKG(7, "1"),
        F("sys/devices/system/cpu/cpufreq/.keep", ""),
        F("sys/devices/system/cpu/cpuidle/.keep", ""),
};

static const struct fcase {
        const char *in, *want; /* want NULL: an error */
} cases[] = {
        /* cpulist_unpack / pack (TuneD commands.cpulist_unpack/pack) */
        { "${f:cpulist_unpack:1-3,5}", "1,2,3,5" },
        { "${f:cpulist_pack:1,2,3,5}", "1-3,5" },
        { "${f:cpulist_pack:'0-3'}", "0-3" },
        { "${f:cpulist_pack:\"1-2\"}", "1-2" },
        { "${f:cpulist_unpack:0x0f}", "0,1,2,3" },
        { "${f:cpulist_pack:0x00000001,0000000f}", "0-3,32" },
        { "${f:cpulist_pack:0xf,,6}", "0-3,6" },
        { "${f:cpulist_pack:0-5,^3}", "0-2,4-5" },
        { "${f:cpulist_pack:0-7,!2-4}", "0-1,5-7" },
        { "${f:cpulist_pack:1-3-5}", "1-3" },
        { "${f:cpulist_unpack: 3}", "3" },
        { "${f:cpulist_unpack:+4}", "4" },
        { "${f:cpulist_unpack:3_0}", "30" },
        { "${f:cpulist_unpack:a}", "" },            /* ValueError: [] */
        { "${f:cpulist_unpack:0-2,a}", "" },
        { "${f:cpulist_pack:1,,2}", "1-2" },
        { "${f:cpulist_pack:0xzz,,5}", "5" },        /* a bad mask adds nothing */
        { "${f:cpulist_unpack:5-3}", "" },
        { "${f:cpulist_unpack:0X10}", "4" },
        { "${f:cpulist_unpack:00007}", "7" },
        { "${f:cpulist_pack:0-3,5,^0,^5}", "1-3" },
        { "${f:cpulist_pack:0-2, 4}", "0-2,4" },
        { "${f:cpulist_pack:1:2:3}", "1-3" },        /* arguments joined with ",," */
        { "${f:cpulist_unpack:70000}", NULL },       /* above PROFILE_CPU_MAX */
        /* cpulist2hex / hex2cpulist */
        { "${f:cpulist2hex:1,2,3,5}", "0000002e" },
        { "${f:cpulist2hex:0-3,32}", "00000001,0000000f" },
        { "${f:cpulist2hex:0,32,63,64}", "00000001,80000001,00000001" },
        { "${f:cpulist2hex:a}", "00000000" },
        { "${f:cpulist2hex:3_0}", "40000000" },
        { "${f:hex2cpulist:f}", "0,1,2,3" },
        { "${f:hex2cpulist:0xf}", "0,1,2,3" },
        { "${f:hex2cpulist:00000001,0000000f}", "0,1,2,3,32" },
        { "${f:hex2cpulist:-1}", "" },
        { "${f:hex2cpulist:zz}", "" },
        { "${f:hex2cpulist:0x_f}", "0,1,2,3" },
        { "${f:hex2cpulist:f_f}", "0,1,2,3,4,5,6,7" },
        { "${f:hex2cpulist: ff }", "0,1,2,3,4,5,6,7" },
        { "${f:cpulist2devs:0-2,5}", "cpu0,cpu1,cpu2,cpu5" },
        /* against the sysroot: online 0-7, present 0-15 */
        { "${f:cpulist_invert:0,2,3}", "1,4,5,6,7" },
        { "${f:cpulist_invert:0-7}", "" },
        { "${f:cpulist2hex_invert:0-3}", "000000f0" },
        { "${f:cpulist_online:0-11}", "0,1,2,3,4,5,6,7" },
        { "${f:cpulist_online:6:9}", "6" },          /* joined with one ",": "6,9" */
        { "${f:cpulist_present:14-20}", "14,15" },
        /* packages 0 (cpu0-3) and 1 (cpu4-7) */
        { "${f:calc_isolated_cores}", "1,2,3,5,6,7" },
        { "${f:calc_isolated_cores:2}", "2,3,6,7" },
        { "${f:calc_isolated_cores:0}", "0,1,2,3,4,5,6,7" },
        { "${f:calc_isolated_cores:9}", "" },
        { "${f:calc_isolated_cores:-1}", "${f:calc_isolated_cores:-1}" }, /* None: left as written */
        { "${f:package2cpus:1}", "cpu4,cpu5,cpu6,cpu7" },
        { "${f:package2cpus:0:1}", "cpu0,cpu1,cpu2,cpu3,cpu4,cpu5,cpu6,cpu7" },
        { "${f:package2cpus:[1]}", "cpu4,cpu5,cpu6,cpu7" }, /* fnmatch pattern */
        { "${f:package2cpus:3}", "${f:package2cpus:3}" },   /* none: left as written */
        /* the isolated cores of cpu-partitioning, as a mask */
        { "${f:cpulist2hex:${f:calc_isolated_cores:1}}", "000000ee" },
        { "${f:check_net_queue_count:4}", "4" },
        { "${f:check_net_queue_count:}", "8" },      /* not a number: the online CPUs */
        { "${f:check_net_queue_count:x}", "8" },
};

static void test_table(void **state) {
        struct facts facts = { .cpu = { .count = 8 } };
        char *dir = make_sysroot(files, ELEMENTSOF(files));
        struct sysroot *sr;

        (void) state;
        assert_int_equal(sysroot_open(dir, &sr), 0);
        struct profile_env env = { .facts = &facts, .sr = sr };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct expand_ctx c = { .env = &env };
                char *out = NULL, *err = NULL;
                int r = expand_value(&c, cases[i].in, false, &out, &err);

                print_message("# %s -> %s%s\n", cases[i].in, r < 0 ? "error: " : "", r < 0 ? strna(err) : out);
                if (cases[i].want) {
                        assert_int_equal(r, 0);
                        assert_string_equal(out, cases[i].want);
                } else
                        assert_true(r < 0);
                free(out);
                free(err);
                expand_ctx_done(&c);
        }
        sysroot_free(sr);
        remove_sysroot(dir);
}

/* No sysroot: TuneD's read_file() gives "" for the CPU files. */
static void test_no_sysroot(void **state) {
        struct profile_env env = {};
        struct expand_ctx c = { .env = &env };
        char *out = NULL, *err = NULL;

        (void) state;
        assert_int_equal(expand_value(&c, "${f:cpulist_invert:0}|${f:calc_isolated_cores}", false, &out, &err), 0);
        assert_string_equal(out, "|");
        free(out);
        assert_true(expand_value(&c, "${f:check_net_queue_count:x}", false, &out, &err) < 0);
        assert_non_null(strstr(err, "online CPUs is unknown"));
        free(err);
        expand_ctx_done(&c);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_table),
                cmocka_unit_test(test_no_sysroot),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
