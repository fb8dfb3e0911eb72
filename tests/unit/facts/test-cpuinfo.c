/* SPDX-License-Identifier: MIT */
/* facts_parse_cpuinfo: x86 and arm64 layouts, garbage, a 10 MB file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "facts/facts.h"
#include "sysroot.h"
#include "util.h"
#include "tests/unit/sysroot-fixture.h"

static const char amd_epyc[] =
        "processor\t: 0\n"
        "vendor_id\t: AuthenticAMD\n"
        "cpu family\t: 25\n"
        "model\t\t: 17\n"
        "model name\t: AMD EPYC\n"
        "stepping\t: 1\n"
        "flags\t\t: fpu vme sse4_2 aes avx avx2 hypervisor avx512f\n"
        "\n"
        "processor\t: 1\n"
        "vendor_id\t: AuthenticAMD\n"
        "cpu family\t: 25\n"
        "model\t\t: 17\n"
        "model name\t: AMD EPYC\n"
        "stepping\t: 1\n"
        "flags\t\t: fpu vme sse4_2 aes avx avx2 hypervisor avx512f\n";

static const char intel_haswell[] =
        "processor\t: 0\n"
        "vendor_id\t: GenuineIntel\n"
        "cpu family\t: 6\n"
        "model\t\t: 63\n"
        "model name\t: Intel(R) Xeon(R) CPU E5-2650 v3 @ 2.30GHz\n"
        "stepping\t: 2\n"
        "flags\t\t: fpu sse4_2 avx avx2\n"
        "\n"
        "processor\t: 1\n"
        "vendor_id\t: GenuineIntel\n"
        "\n"
        "processor\t: 2\n"
        "\n"
        "processor\t: 3\n";

static const char graviton2[] =
        "processor\t: 0\n"
        "BogoMIPS\t: 243.75\n"
        "Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics\n"
        "CPU implementer\t: 0x41\n"
        "CPU architecture: 8\n"
        "CPU variant\t: 0x3\n"
        "CPU part\t: 0xd0c\n"
        "CPU revision\t: 1\n"
        "\n"
        "processor\t: 1\n"
        "CPU implementer\t: 0x41\n"
        "CPU part\t: 0xd0c\n";

/* Old arm64 kernels: identity printed once, after all processors. */
static const char old_arm64[] =
        "Processor\t: AArch64 Processor rev 1 (aarch64)\n"
        "processor\t: 0\n"
        "processor\t: 1\n"
        "Features\t: fp asimd\n"
        "CPU implementer\t: 0x99\n"
        "CPU part\t: 0x123\n";

static const struct cpuinfo_case {
        const char *name;
        const char *text;
        int ret;
        unsigned count;
        const char *vendor, *model, *microarch;
        int family, model_number, stepping;
        bool hypervisor, avx2, aes, avx512f, sse4_2;
} cases[] = {
        { "amd epyc (this machine)", amd_epyc, 0, 2, "AuthenticAMD", "AMD EPYC", "Zen 4", 25, 17, 1,
          true, true, true, true, true },
        { "intel haswell", intel_haswell, 0, 4, "GenuineIntel", "Intel(R) Xeon(R) CPU E5-2650 v3 @ 2.30GHz",
          "Haswell", 6, 63, 2, false, true, false, false, true },
        { "graviton2", graviton2, 0, 2, "ARM", "Neoverse-N1", "Neoverse-N1", -1, -1, -1,
          false, false, true, false, false },
        { "old arm64, unknown implementer", old_arm64, 0, 2, "0x99", NULL, NULL, -1, -1, -1,
          false, false, false, false, false },
        { "stepping unknown, garbage numbers",
          "processor : 0\nvendor_id : GenuineIntel\ncpu family : six\nmodel : 99999999999999999999\n"
          "stepping : unknown\n",
          0, 1, "GenuineIntel", NULL, NULL, -1, -1, -1, false, false, false, false, false },
        { "negative family", "processor: 0\ncpu family : -6\nmodel: 0x3f\n", 0, 1, NULL, NULL, NULL, -1, -1, -1,
          false, false, false, false, false },
        { "no trailing newline", "processor : 0\nflags : avx2", 0, 1, NULL, NULL, NULL, -1, -1, -1,
          false, true, false, false, false },
        { "flag names are whole words", "processor : 0\nflags : avx2x aesni xhypervisor sse4_21\n", 0, 1,
          NULL, NULL, NULL, -1, -1, -1, false, false, false, false, false },
        { "empty", "", -EINVAL },
        { "garbage", "\x01\x02 no colons here\n\n\n", -EINVAL },
        { "only colons", ":::\n:\n : \n", -EINVAL },
};

static void test_table(void **state) {
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                const struct cpuinfo_case *c = &cases[i];
                struct cpu_facts cpu = { .count = 12345 };
                int r;

                print_message("# case: %s\n", c->name);
                r = facts_parse_cpuinfo(c->text, &cpu);
                assert_int_equal(r, c->ret);
                if (r < 0) {
                        assert_int_equal(cpu.count, 12345); /* untouched */
                        continue;
                }
                assert_int_equal(cpu.count, c->count);
                if (c->vendor)
                        assert_string_equal(cpu.vendor, c->vendor);
                else
                        assert_null(cpu.vendor);
                if (c->model)
                        assert_string_equal(cpu.model, c->model);
                else
                        assert_null(cpu.model);
                if (c->microarch)
                        assert_string_equal(cpu.microarch, c->microarch);
                else
                        assert_null(cpu.microarch);
                assert_int_equal(cpu.family, c->family);
                assert_int_equal(cpu.model_number, c->model_number);
                assert_int_equal(cpu.stepping, c->stepping);
                assert_int_equal(cpu.hypervisor, c->hypervisor);
                assert_int_equal(cpu.avx2, c->avx2);
                assert_int_equal(cpu.aes, c->aes);
                assert_int_equal(cpu.avx512f, c->avx512f);
                assert_int_equal(cpu.sse4_2, c->sse4_2);
                cpu_facts_done(&cpu);
        }
}

static void test_flags_line_kept(void **state) {
        struct cpu_facts cpu;

        (void) state;
        assert_int_equal(facts_parse_cpuinfo(amd_epyc, &cpu), 0);
        assert_string_equal(cpu.flags_line, "fpu vme sse4_2 aes avx avx2 hypervisor avx512f");
        cpu_facts_done(&cpu);
}

/* 10 MB of processors: linear, no crash, counted. */
static void test_huge(void **state) {
        static const char block[] = "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu avx2\n\n";
        size_t n = 10 * 1024 * 1024 / (sizeof block - 1) + 1, len = n * (sizeof block - 1);
        char *text = xmalloc(len + 1);
        struct cpu_facts cpu;

        (void) state;
        for (size_t i = 0; i < n; i++)
                memcpy(text + i * (sizeof block - 1), block, sizeof block - 1);
        text[len] = '\0';
        assert_int_equal(facts_parse_cpuinfo(text, &cpu), 0);
        assert_int_equal(cpu.count, n);
        assert_true(cpu.avx2);
        cpu_facts_done(&cpu);
        free(text);
}

/* One endless line: must not be quadratic or crash. */
static void test_long_line(void **state) {
        size_t len = 4 * 1024 * 1024;
        char *text = xmalloc(len + 1);
        struct cpu_facts cpu;

        (void) state;
        memcpy(text, "flags : ", 8);
        memset(text + 8, 'a', len - 8);
        text[len] = '\0';
        assert_int_equal(facts_parse_cpuinfo(text, &cpu), 0);
        assert_int_equal(strlen(cpu.flags_line), len - 8);
        cpu_facts_done(&cpu);
        free(text);
}

/* ---- collector against a sysroot in a temporary directory ---- */

static const struct collect_case {
        const char *name;
        struct fixture_file files[4];
        unsigned count, possible;
        const char *microarch;
        size_t warnings;
} collect_cases[] = {
        { "online list wins over cpuinfo",
          { { "proc/cpuinfo", amd_epyc }, { "sys/devices/system/cpu/online", "0-3\n" },
            { "sys/devices/system/cpu/possible", "0-7\n" } },
          4, 8, "Zen 4", 0 },
        { "no sysfs: cpuinfo count", { { "proc/cpuinfo", intel_haswell } }, 4, 0, "Haswell", 0 },
        { "garbage online list: warning, cpuinfo count",
          { { "proc/cpuinfo", amd_epyc }, { "sys/devices/system/cpu/online", "zzz\n" } }, 2, 0, "Zen 4", 1 },
        { "garbage cpuinfo: warning, online count",
          { { "proc/cpuinfo", "nothing useful\n" }, { "sys/devices/system/cpu/online", "0\n" } }, 1, 0, NULL, 1 },
        { "cpuinfo is a directory: warning", { { "proc/cpuinfo/x", "" } }, 0, 0, NULL, 1 },
        { "nothing at all: unknown, no warning", { { "etc/hostname", "x\n" } }, 0, 0, NULL, 0 },
};

static void test_collect(void **state) {
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(collect_cases); i++) {
                const struct collect_case *c = &collect_cases[i];
                char *dir = make_sysroot(c->files, ELEMENTSOF(c->files));
                struct facts *f = xcalloc(1, sizeof *f);
                struct sysroot *sr;

                print_message("# collect: %s\n", c->name);
                assert_int_equal(sysroot_open(dir, &sr), 0);
                facts_collect_cpu(sr, f);
                assert_int_equal(f->cpu.count, c->count);
                assert_int_equal(f->cpu.possible, c->possible);
                if (c->microarch)
                        assert_string_equal(f->cpu.microarch, c->microarch);
                else
                        assert_null(f->cpu.microarch);
                assert_int_equal(strv_length(f->warnings), c->warnings);
                facts_free(f);
                sysroot_free(sr);
                remove_sysroot(dir);
        }
}

/* A 10 MB cpuinfo is cut at 4 MiB by the sysroot layer: flagged, parsed,
 * and the count still comes from sysfs. */
static void test_collect_huge(void **state) {
        static const char block[] = "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t: 85\n\n";
        size_t n = 10 * 1024 * 1024 / (sizeof block - 1) + 1, len = n * (sizeof block - 1);
        char *text = xmalloc(len + 1);
        struct fixture_file files[] = {
                { "proc/cpuinfo", text },
                { "sys/devices/system/cpu/online", "0-63\n" },
        };
        char *dir;
        struct facts *f = xcalloc(1, sizeof *f);
        struct sysroot *sr;

        (void) state;
        for (size_t i = 0; i < n; i++)
                memcpy(text + i * (sizeof block - 1), block, sizeof block - 1);
        text[len] = '\0';
        dir = make_sysroot(files, ELEMENTSOF(files));
        free(text);
        assert_int_equal(sysroot_open(dir, &sr), 0);
        facts_collect_cpu(sr, f);
        assert_int_equal(f->cpu.count, 64);
        assert_string_equal(f->cpu.microarch, "Skylake-SP/Cascade Lake");
        assert_int_equal(strv_length(f->warnings), 1);
        assert_non_null(strstr(f->warnings[0], "cpuinfo"));
        facts_free(f);
        sysroot_free(sr);
        remove_sysroot(dir);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_table),
                cmocka_unit_test(test_flags_line_kept),
                cmocka_unit_test(test_huge),
                cmocka_unit_test(test_long_line),
                cmocka_unit_test(test_collect),
                cmocka_unit_test(test_collect_huge),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
