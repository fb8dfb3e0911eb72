/* SPDX-License-Identifier: MIT */
/*
 * Built-in profiles (the seed's numbers on the seed machine), and every
 * TuneD profile installed in /usr/lib/tuned loads.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "profile/profile.h"
#include "util.h"

static struct facts seed; /* 8 vCPU, 23.44 GiB, KVM */

static const char *get(const struct profile *p, const char *unit, const char *key) {
        const struct profile_unit *u = profile_find_unit(p, unit);
        return u ? profile_unit_get(u, key) : NULL;
}

static struct profile *load(const char *name, const struct facts *f) {
        struct profile_env env = { .facts = f };
        struct profile *p = NULL;
        char *err = NULL;
        if (profile_load(name, &env, &p, &err) < 0)
                fail_msg("%s: %s", name, err);
        return p;
}

static void test_builtins_load(void **state) {
        (void) state;
        const char *const *names = profile_builtin_names();
        size_t n = 0;
        for (; names[n]; n++) {
                struct profile *p = load(names[n], &seed);
                assert_true(p->builtin);
                assert_non_null(p->summary);
                assert_non_null(profile_builtin_text(names[n]));
                profile_free(p);
        }
        assert_int_equal(n, 3);
        assert_null(profile_builtin_text("nope"));
}

static void test_vps_dev_seed_numbers(void **state) {
        (void) state;
        struct profile *p = load("vps-dev", &seed);
        struct expr_vars vars;
        double v;
        char *err = NULL;

        assert_string_equal(p->summary, "Seed tuning for a KVM VPS used for AI coding and Podman (vpstune)");
        assert_null(p->warnings); /* every unit is one vpstune knows */
        /* sysctl */
        static const struct {
                const char *unit, *key, *want;
        } t[] = {
                { "sysctl", "vm.swappiness", "10" },
                { "sysctl", "vm.vfs_cache_pressure", "50" },
                { "sysctl", "vm.dirty_ratio", "15" },
                { "sysctl", "vm.dirty_background_ratio", "5" },
                { "disk", "elevator", "mq-deadline" },
                { "disk", "readahead", ">4096" }, /* only raise: 4096 on the seed (128 KiB) */
                { "disk", "nomerges", "0" },
                { "btrfs", "fs_options", "compress=zstd:2,ssd,space_cache=v2" },
                { "btrfs", "mount_options", "noatime" },
                { "btrfs", "read_ahead_kb", "4096" },
                { "btrfs", "nocow", "/var/log" },
                { "btrfs", "compression", "/var/lib/containers:zstd" },
                { "zram", "compression-algorithm", "zstd lz4 lzo-rle" },
                { "zram", "swap-priority", "100" },
                { "containers", "driver", "btrfs" },
                { "containers", "graphroot", "/var/lib/containers/storage" },
                { "nix", "cores", "cpus" },
                { "nix", "max-jobs", "max(1, floor(cpus / 2))" },
                { "nix", "fsync-metadata", "false" },
                { "nix", "use-sqlite-wal", "false" },
                { "nix", "builders-use-substitutes", "true" },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++)
                if (!streq_ptr(get(p, t[i].unit, t[i].key), t[i].want))
                        fail_msg("[%s] %s = '%s', want '%s'", t[i].unit, t[i].key, strna(get(p, t[i].unit, t[i].key)),
                                 t[i].want);
        assert_null(get(p, "nix", "reserved-build-cores"));
        const struct profile_unit *disk = profile_find_unit(p, "disk");
        assert_true(profile_devices_match(disk->devices, "sda"));
        assert_true(profile_devices_match(disk->devices, "vda"));
        assert_false(profile_devices_match(disk->devices, "zram0"));
        assert_false(profile_devices_match(disk->devices, "loop0"));

        /* zram: 16 GiB = 17179869184 bytes on 23.44 GiB (24002 MiB) */
        profile_expr_vars_from_facts(&seed, &vars);
        assert_true(fabs(vars.ram - 24002) < 1e-9);
        assert_int_equal(profile_unit_eval(profile_find_unit(p, "zram"), "zram-size", &vars, &v, &err), 0);
        assert_true(v == 16384);
        assert_true(v * 1024 * 1024 == 17179869184.0);
        assert_int_equal(profile_unit_eval(profile_find_unit(p, "zram"), "nope", &vars, &v, &err), -ENOENT);
        /* nix: cores = 8 (all vCPUs, the seed's result), max-jobs = 4 */
        assert_int_equal(profile_unit_eval(profile_find_unit(p, "nix"), "cores", &vars, &v, &err), 0);
        assert_true(v == 8);
        assert_int_equal(profile_unit_eval(profile_find_unit(p, "nix"), "max-jobs", &vars, &v, &err), 0);
        assert_true(v == 4);
        vars.cpus = 1;
        assert_int_equal(profile_unit_eval(profile_find_unit(p, "nix"), "max-jobs", &vars, &v, &err), 0);
        assert_true(v == 1);
        vars.cpus = 8;
        /* scales: 8 GiB machine → all of RAM */
        vars.ram = 8192;
        assert_int_equal(profile_unit_eval(profile_find_unit(p, "zram"), "zram-size", &vars, &v, &err), 0);
        assert_true(v == 8192);
        /* an error names file and line */
        assert_int_equal(profile_unit_eval(profile_find_unit(p, "zram"), "swap-priority", NULL, &v, &err), 0);
        assert_true(v == 100);
        assert_int_equal(profile_unit_eval(profile_find_unit(p, "zram"), "compression-algorithm", &vars, &v, &err),
                         -EINVAL);
        assert_true(startswith(err, "builtin:vps-dev:"));
        assert_non_null(strstr(err, "compression-algorithm=zstd lz4 lzo-rle: col 1: unknown variable 'zstd'"));
        free(err);
        profile_free(p);

        /* no facts: still loads (expressions are evaluated by the planner) */
        struct profile_env env = {};
        p = NULL;
        assert_int_equal(profile_load("vps-dev", &env, &p, &err), 0);
        profile_free(p);
}

static void test_virtual_guest(void **state) {
        (void) state;
        struct profile *p = load("virtual-guest", &seed);
        assert_string_equal(p->summary, "Optimize for running inside a virtual guest");
        assert_string_equal(p->includes_resolved[0], "builtin:throughput-performance");
        assert_string_equal(get(p, "sysctl", "vm.dirty_ratio"), "30");
        assert_string_equal(get(p, "sysctl", "vm.swappiness"), "30");
        assert_string_equal(get(p, "sysctl", "vm.dirty_background_ratio"), "10");
        assert_string_equal(get(p, "sysctl", "net.core.somaxconn"), ">2048");
        assert_string_equal(get(p, "disk", "readahead"), ">4096");
        assert_string_equal(profile_find_unit(p, "sysctl.thunderx")->uname_regex, "aarch64");
        assert_false(profile_find_unit(p, "cpu")->supported);
        assert_string_equal(p->warnings[0], "unit [cpu] (plugin cpu) is not supported by vpstune, ignored");
        assert_null(p->warnings[1]);
        profile_free(p);
}

#define TUNED_DIR "/usr/lib/tuned"

static int name_cmp(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

static void test_tuned_profiles(void **state) {
        (void) state;
        DIR *d = opendir(TUNED_DIR);
        if (!d) {
                print_message("# SKIP " TUNED_DIR " is absent (install Debian's tuned package)\n");
                skip();
        }
        char **names = NULL;
        struct dirent *de;
        while ((de = readdir(d))) {
                char path[512];
                struct stat st;
                snprintf(path, sizeof(path), TUNED_DIR "/%s/tuned.conf", de->d_name);
                if (de->d_name[0] != '.' && stat(path, &st) == 0)
                        strv_push(&names, de->d_name);
        }
        closedir(d);
        assert_non_null(names);
        qsort(names, strv_length(names), sizeof(char *), name_cmp);

        struct sysroot *sr = NULL;
        assert_int_equal(sysroot_open("/", &sr), 0);
        struct profile_env env = { .facts = &seed, .sr = sr };
        unsigned failed = 0, n = 0;
        print_message("# %-28s %-6s %s\n", "TuneD profile", "units", "unsupported units (plugin)");
        for (size_t i = 0; names[i]; i++, n++) {
                char path[512];
                struct profile *p = NULL;
                char *err = NULL;
                snprintf(path, sizeof(path), TUNED_DIR "/%s/tuned.conf", names[i]);
                if (profile_load(path, &env, &p, &err) < 0) {
                        print_message("# %-28s FAILED: %s\n", names[i], err);
                        free(err);
                        failed++;
                        continue;
                }
                struct sbuf {
                        char s[2048];
                } line = { "" };
                for (size_t k = 0; k < p->n_units; k++)
                        if (!p->units[k].supported) {
                                size_t l = strlen(line.s);
                                snprintf(line.s + l, sizeof(line.s) - l, "%s%s%s%s%s", l ? ", " : "",
                                         p->units[k].name, streq(p->units[k].name, p->units[k].type) ? "" : "(",
                                         streq(p->units[k].name, p->units[k].type) ? "" : p->units[k].type,
                                         streq(p->units[k].name, p->units[k].type) ? "" : ")");
                        }
                print_message("# %-28s %-6zu %s\n", names[i], p->n_units, line.s[0] ? line.s : "-");
                profile_free(p);
        }
        sysroot_free(sr);
        strv_free(names);
        print_message("# %u TuneD profiles, %u failed\n", n, failed);
        assert_int_equal(failed, 0);
}

int main(void) {
        seed.virt.vm = (char *) "kvm";
        seed.cpu.count = 8;
        seed.mem.total_bytes = 24002ull << 20; /* 23.44 GiB */
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_builtins_load),
                cmocka_unit_test(test_vps_dev_seed_numbers),
                cmocka_unit_test(test_virtual_guest),
                cmocka_unit_test(test_tuned_profiles),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
