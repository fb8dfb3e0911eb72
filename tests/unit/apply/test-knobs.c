/* SPDX-License-Identifier: MIT */
/* Knob IDs, the risky list, the config-file editors and the file-backed
 * kinds against a sysroot built in a temp dir. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "knobs/knob-internal.h"
#include "knobs/knob.h"
#include "sysroot.h"
#include "util.h"
#include "tests/unit/sysroot-fixture.h"

static char root[256];

static void put(const char *rel, const char *content) {
        fixture_put(root, rel, content);
}

static char *get(const char *rel) {
        return fixture_get(root, rel);
}

static int setup(void **state) {
        (void) state;
        snprintf(root, sizeof root, "%s/vpstune-knobs.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
        assert_non_null(mkdtemp(root));
        put("proc/sys/vm/swappiness", "60\n");
        put("proc/sys/vm/dirty_ratio", "20\n");
        put("proc/sys/vm/dirty_bytes", "0\n");
        put("proc/sys/net/ipv4/conf/eth0.1/forwarding", "0\n");
        put("proc/sys/kernel/sched_domain/x", "1 \t 2\n 3\n");
        put("sys/devices/virtual/block/loop0/queue/scheduler", "[mq-deadline] none\n");
        put("sys/devices/virtual/block/loop0/queue/read_ahead_kb", "128\n");
        fixture_mkdir_p(root, "sys/block");
        {
                _cleanup_free_ char *l1 = xasprintf("%s/sys/block/loop0", root);
                _cleanup_free_ char *l2 = xasprintf("%s/sys/kernel/evil/p", root);
                assert_int_equal(symlink("../devices/virtual/block/loop0", l1), 0);
                fixture_mkdir_p(root, "sys/kernel/evil");
                assert_int_equal(symlink("../../../etc/passwd", l2), 0);
        }
        put("sys/kernel/mm/transparent_hugepage/enabled", "always [madvise] never\n");
        put("etc/passwd", "root:x:0:0\n");
        put("sys/block/zram0/comp_algorithm", "lzo [lz4] zstd\n");
        put("sys/block/zram0/disksize", "1073741824\n");
        put("proc/swaps", "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
                          "/dev/zram0                              partition\t1048572\t\t0\t\t100\n");
        put("proc/self/mountinfo",
            "22 1 0:21 / / rw,noatime - btrfs /dev/vda2 rw,compress=zstd:1,ssd,discard=async,space_cache=v2\n"
            "23 22 0:22 / /var/log rw,relatime - btrfs /dev/vda2 rw,compress=zstd:1,ssd\n"
            "24 22 0:23 / /boot rw - ext4 /dev/vda1 rw\n"
            "25 22 0:24 / /mnt/with\\040space rw - btrfs /dev/vdb rw,compress-force=lzo,autodefrag,commit=120\n");
        return 0;
}

static int teardown(void **state) {
        (void) state;
        nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
        return 0;
}

static void test_id_validation(void **state) {
        static const char *const good[] = {
                "sysctl:vm.swappiness", "sysctl:net.ipv4.conf.eth0/1.forwarding", "sysctl:net/ipv4/ip_forward",
                "block:sda:scheduler", "block:nvme0n1:read_ahead_kb", "block:dm-0:nomerges",
                "bdi:btrfs-3:read_ahead_kb", "bdi:254:0:read_ahead_kb", "bdi:/:read_ahead_kb",
                "zram:zram0:disksize", "zram:zram0:comp_algorithm", "zram:zram0:swap", "zram:zram12:state",
                "mount:/:compress", "mount:/:ssd", "mount:/var/log:autodefrag", "mount:/a:b:commit",
                "attr:/var/log:nocow", "prop:/var/lib/containers:compression", "containers:driver",
                "containers:storage.options.overlay.mountopt", "containers:@file", "nix:cores", "nix:max-jobs",
                "nix:@file", "sysfs:/sys/kernel/mm/transparent_hugepage/enabled",
        };
        static const char *const bad[] = {
                "", "sysctl", "sysctl:", "sysctl:..", "sysctl:vm..swappiness", "sysctl:vm/../../etc",
                "sysctl:.vm", "sysctl:vm.swap piness", "block:../x:scheduler", "block:sda/x:scheduler",
                "block:sda:../../x", "block:sda:unknown_attr", "block:SDA:scheduler", "block::scheduler",
                "bdi:../x:read_ahead_kb", "bdi:btrfs-1:stable_pages_required", "bdi:/a/../b:read_ahead_kb",
                "zram:sda:disksize", "zram:zram0:reset", "zram:zram:disksize", "mount:relative:compress",
                "mount:/:rw", "mount:/a/../b:compress", "attr:/var/log:immutable", "attr:/var/./log:nocow",
                "prop:/x:label", "containers:../driver", "containers:a..b", "containers:.x", "nix:a b",
                "nix:", "sysfs:/proc/sys/vm/swappiness", "sysfs:/proc/..", "sysfs:/sys/../etc/passwd",
                "sysfs:/sys", "sysfs:/sys/", "sysfs:/sysx/y", "sysfs:relative", "nosuchgroup:x",
        };
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                const char *key = NULL;
                if (!knob_kind_for(good[i], &key))
                        fail_msg("rejected '%s'", good[i]);
                assert_int_equal(knob_validate(good[i]), 0);
        }
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                if (knob_kind_for(bad[i], NULL) || knob_validate(bad[i]) == 0)
                        fail_msg("accepted '%s'", bad[i]);
        assert_int_equal(knob_validate("nosuchgroup:x"), -EOPNOTSUPP);
}

static void test_kind_table(void **state) {
        const struct knob_kind *k;
        const char *key;
        _cleanup_free_ char *g = knob_group("mount:/:compress");
        (void) state;
        assert_string_equal(g, "mount");
        k = knob_kind_for("mount:/var/log:compress", &key);
        assert_non_null(k);
        assert_string_equal(key, "/var/log:compress");
        assert_string_equal(k->persist, "fstab");
        assert_true(k->runtime);
        k = knob_kind_for("nix:cores", NULL);
        assert_false(k->runtime);
        assert_string_equal(k->persist, "nix.conf");
        assert_string_equal(knob_kind_for("containers:driver", NULL)->persist, "storage.conf");
        assert_string_equal(knob_kind_for("zram:zram0:swap", NULL)->persist, "zram-generator");
        assert_string_equal(knob_kind_for("sysctl:vm.swappiness", NULL)->persist, "sysctl.d");
        assert_string_equal(knob_kind_for("block:sda:nomerges", NULL)->persist, "udev");
}

static void test_risky(void **state) {
        static const char *const risky[] = {
                "sysctl:kernel.core_pattern", "sysctl:kernel/core_pattern", "sysctl:kernel.modprobe",
                "sysctl:kernel.kptr_restrict", "sysctl:kernel.yama.ptrace_scope",
                "sysctl:kernel.unprivileged_bpf_disabled", "sysctl:kernel.kexec_load_disabled",
                "sysctl:kernel.dmesg_restrict", "sysctl:fs.suid_dumpable", "sysctl:kernel.sysrq",
                "sysctl:kernel.randomize_va_space", "sysctl:net.core.bpf_jit_harden",
                "sysctl:kernel.perf_event_paranoid", "sysctl:kernel.modules_disabled",
                "sysctl:fs.protected_symlinks", "sysfs:/sys/power/state", "sysfs:/sys/module/x/parameters/y",
                "nonsense",
                /* issue 9, finding 12 */
                "sysctl:dev.tty.legacy_tiocsti", "sysctl:vm.unprivileged_userfaultfd",
                "sysctl:kernel.usermodehelper.bset", "sysctl:kernel/usermodehelper/inheritable",
                "sysctl:kernel.panic_on_warn", "sysctl:vm.panic_on_oom", "sysctl:kernel.hung_task_panic",
                "sysctl:kernel.softlockup_panic", "sysctl:kernel.cad_pid",
                "sysctl:kernel.apparmor_restrict_unprivileged_userns",
                /* allow-list: not a tuning area at all */
                "sysctl:kernel.panicx", "sysctl:kernel.hostname", "sysctl:net.ipv4.ip_forward",
                "sysctl:abi.vsyscall32", "sysctl:debug.exception-trace",
                /* finding 8: nix.conf keys that give root */
                "nix:post-build-hook", "nix:trusted-users", "nix:substituters", "nix:require-sigs", "nix:sandbox",
                "nix:trusted-public-keys", "nix:build-hook", "nix:allowed-users", "nix:no-such-key",
        };
        static const char *const harmless[] = {
                "sysctl:vm.swappiness", "sysctl:vm.dirty_ratio", "sysctl:net.core.somaxconn",
                "sysctl:kernel.numa_balancing", "sysctl:net.ipv4.tcp_rmem", "sysctl:fs.inotify.max_user_watches",
                "sysfs:/sys/kernel/mm/transparent_hugepage/enabled", "block:sda:scheduler", "nix:cores",
                "nix:max-jobs", "nix:fsync-metadata", "nix:@file",
                "zram:zram0:state", "mount:/:compress",
        };
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(risky); i++)
                if (!knob_is_risky(risky[i]))
                        fail_msg("'%s' not risky", risky[i]);
        for (size_t i = 0; i < ELEMENTSOF(harmless); i++)
                if (knob_is_risky(harmless[i]))
                        fail_msg("'%s' risky", harmless[i]);
}

/* Finding 7: a sysfs path is judged where it resolves. */
static void test_risky_resolved(void **state) {
        _cleanup_(sysroot_freep) struct sysroot *sr = NULL;
        _cleanup_free_ char *fix = xasprintf("%s/tests/fixtures/seed-vps", getenv("SRCDIR"));
        static const char *const risky[] = {
                "sysfs:/sys/block/sda/device/delete", "sysfs:/sys/block/sda/device/rescan",
                "sysfs:/sys/block/sda/device/driver/unbind", "sysfs:/sys/block/sda/queue/../device/delete",
                "sysfs:/sys/module/zswap/parameters/enabled", "sysfs:/sys/block/sda/sda1/start",
        };
        static const char *const harmless[] = {
                "sysfs:/sys/block/sda/queue/scheduler", "sysfs:/sys/block/sda/queue/read_ahead_kb",
                "sysfs:/sys/block/sda/bdi/read_ahead_kb", "sysfs:/sys/kernel/mm/transparent_hugepage/enabled",
                "sysctl:vm.swappiness",
        };
        (void) state;
        assert_int_equal(sysroot_open(fix, &sr), 0);
        for (size_t i = 0; i < ELEMENTSOF(risky); i++)
                if (!knob_is_risky_at(sr, risky[i]))
                        fail_msg("'%s' not risky", risky[i]);
        for (size_t i = 0; i < ELEMENTSOF(harmless); i++)
                if (knob_is_risky_at(sr, harmless[i]))
                        fail_msg("'%s' risky", harmless[i]);
}

static void test_snapshot_ids(void **state) {
        static const struct {
                const char *id, *s0, *s1;
        } t[] = {
                { "sysctl:vm.swappiness", "sysctl:vm.swappiness", NULL },
                { "sysctl:vm.dirty_ratio", "sysctl:vm.dirty_ratio", "sysctl:vm.dirty_bytes" },
                { "sysctl:vm/dirty_bytes", "sysctl:vm/dirty_bytes", "sysctl:vm.dirty_ratio" },
                { "sysctl:vm.dirty_background_bytes", "sysctl:vm.dirty_background_bytes",
                  "sysctl:vm.dirty_background_ratio" },
                { "zram:zram3:disksize", "zram:zram3:state", NULL },
                { "zram:zram0:state", "zram:zram0:state", NULL },
                { "nix:cores", "nix:@file", NULL },
                { "containers:driver", "containers:@file", NULL },
                { "mount:/:compress", "mount:/:compress", NULL },
        };
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                _cleanup_strv_ char **l = NULL;
                assert_int_equal(knob_snapshot_ids(t[i].id, &l), 0);
                assert_string_equal(l[0], t[i].s0);
                if (t[i].s1)
                        assert_string_equal(l[1], t[i].s1);
                assert_int_equal(strv_length(l), t[i].s1 ? 2 : 1);
        }
}

static void test_normalize(void **state) {
        static const struct {
                const char *id, *in, *out;
        } t[] = {
                { "sysctl:net.ipv4.tcp_rmem", " 4096\t87380   6291456 ", "4096 87380 6291456" },
                { "zram:zram0:disksize", "64M", "67108864" },
                { "zram:zram0:disksize", "1000", "4096" },
                { "zram:zram0:swap", "100", "100" },
                { "zram:zram0:swap", "on", "on" },
                { "zram:zram0:state", "swap=on,disksize=1G,algo=lz4,prio=5", "algo=lz4,disksize=1073741824,swap=on,prio=5" },
                { "zram:zram0:state", "algo=lz4,disksize=1G,swap=on", "algo=lz4,disksize=1073741824,swap=on,prio=auto" },
                { "mount:/:compress", "zstd", "zstd:3" },
                { "mount:/:compress", "ZSTD:1", "zstd:1" },
                { "mount:/:compress", "none", "no" },
                { "mount:/:compress", "force:lzo", "force:lzo" },
                { "mount:/:ssd", "yes", "on" },
                { "attr:/x:nocow", "+C", "on" },
        };
        static const struct {
                const char *id, *in;
        } bad[] = {
                { "zram:zram0:state", "algo=lz4,disksize=0,swap=on" }, { "zram:zram0:state", "algo=lz4" },
                { "zram:zram0:swap", "40000" }, { "zram:zram0:comp_algorithm", "lz4;rm" },
                { "mount:/:compress", "brotli" }, { "mount:/:compress", "lzo:3" }, { "mount:/:ssd", "maybe" },
                { "mount:/:commit", "0" }, { "prop:/x:compression", "zstd level" },
        };
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                _cleanup_free_ char *v = NULL;
                assert_int_equal(knob_normalize(t[i].id, t[i].in, &v), 0);
                assert_string_equal(v, t[i].out);
        }
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                char *v = NULL;
                if (knob_normalize(bad[i].id, bad[i].in, &v) >= 0)
                        fail_msg("accepted %s = %s", bad[i].id, bad[i].in);
        }
}

static const char storage_conf[] =
        "# This file is the configuration file for all tools\n"
        "# that use the containers/storage library.\n"
        "\n"
        "[storage]\n"
        "\n"
        "# Default Storage Driver, Must be set for proper operation.\n"
        "driver = \"overlay\"   # the default\n"
        "runroot = \"/run/containers/storage\"\n"
        "additionalimagestores = [\n"
        "  \"/usr/share/images\",\n"
        "]\n"
        "graphroot = '/var/lib/containers/storage'\n"
        "\n"
        "[storage.options]\n"
        "pull_options = {enable_partial_images = \"false\", use_hard_links = \"false\"}\n"
        "\n"
        "[storage.options.overlay]\n"
        "driver = \"not-this-one\"\n"
        "mountopt = \"nodev,metacopy=on\"\n";

static void test_toml_editor(void **state) {
        _cleanup_free_ char *v = NULL, *out = NULL, *back = NULL, *out2 = NULL, *fresh = NULL, *out3 = NULL;
        (void) state;

        assert_int_equal(knob_toml_get(storage_conf, "storage", "driver", &v), 0);
        assert_string_equal(v, "overlay");
        free(v);
        assert_int_equal(knob_toml_get(storage_conf, "storage", "graphroot", &v), 0);
        assert_string_equal(v, "/var/lib/containers/storage");
        free(v);
        assert_int_equal(knob_toml_get(storage_conf, "storage.options.overlay", "mountopt", &v), 0);
        assert_string_equal(v, "nodev,metacopy=on");
        free(v);
        v = NULL;
        assert_int_equal(knob_toml_get(storage_conf, "storage", "nope", &v), -ENODATA);

        /* replace: only the value changes, the trailing comment stays */
        assert_int_equal(knob_toml_set(storage_conf, "storage", "driver", "btrfs", &out), 0);
        assert_non_null(strstr(out, "driver = \"btrfs\"   # the default\n"));
        assert_non_null(strstr(out, "driver = \"not-this-one\""));
        assert_int_equal(strlen(out), strlen(storage_conf) - strlen("overlay") + strlen("btrfs"));
        /* set back: byte-identical */
        assert_int_equal(knob_toml_set(out, "storage", "driver", "overlay", &back), 0);
        assert_string_equal(back, storage_conf);

        /* a key inside the multi-line array region is not confused */
        assert_int_equal(knob_toml_set(storage_conf, "storage", "runroot", NULL, &out2), 0);
        assert_null(strstr(out2, "runroot"));
        assert_non_null(strstr(out2, "additionalimagestores"));

        /* absent table / absent file: created */
        assert_int_equal(knob_toml_set(NULL, "storage", "driver", "btrfs", &fresh), 0);
        assert_string_equal(fresh, "[storage]\ndriver = \"btrfs\"\n");
        assert_int_equal(knob_toml_set("# only a comment", "storage", "driver", "a\"b", &out3), 0);
        assert_string_equal(out3, "# only a comment\n\n[storage]\ndriver = \"a\\\"b\"\n");
        free(v);
        v = NULL;
        assert_int_equal(knob_toml_get(out3, "storage", "driver", &v), 0);
        assert_string_equal(v, "a\"b");
}

static const char nix_conf[] =
        "# nix.conf\n"
        "build-users-group = nixbld\n"
        "cores = 0 # all of them\n"
        "  max-jobs   =   auto\n"
        "!include /etc/nix/extra.conf\n"
        "cores = 2\n"
        "experimental-features = nix-command flakes\n";

static void test_nixconf_editor(void **state) {
        _cleanup_free_ char *v = NULL, *out = NULL, *back = NULL, *add = NULL;
        (void) state;
        assert_int_equal(knob_nixconf_get(nix_conf, "cores", &v), 0);
        assert_string_equal(v, "2"); /* last one wins */
        free(v);
        assert_int_equal(knob_nixconf_get(nix_conf, "max-jobs", &v), 0);
        assert_string_equal(v, "auto");
        free(v);
        assert_int_equal(knob_nixconf_get(nix_conf, "experimental-features", &v), 0);
        assert_string_equal(v, "nix-command flakes");
        free(v);
        v = NULL;
        assert_int_equal(knob_nixconf_get(nix_conf, "fsync-metadata", &v), -ENODATA);
        assert_int_equal(knob_nixconf_get(nix_conf, "max", &v), -ENODATA);

        assert_int_equal(knob_nixconf_set(nix_conf, "max-jobs", "4", &out), 0);
        assert_non_null(strstr(out, "  max-jobs   =   4\n"));
        assert_non_null(strstr(out, "cores = 0 # all of them\n"));
        assert_int_equal(knob_nixconf_set(out, "max-jobs", "auto", &back), 0);
        assert_string_equal(back, nix_conf);
        assert_int_equal(knob_nixconf_set("a = b", "fsync-metadata", "false", &add), 0);
        assert_string_equal(add, "a = b\nfsync-metadata = false\n");
        assert_int_equal(knob_nixconf_set(nix_conf, "cores", "1 # x", &v), -EINVAL);
}

static void test_sysroot_reads(void **state) {
        _cleanup_(sysroot_freep) struct sysroot *sr = NULL;
        static const struct {
                const char *id, *val;
        } t[] = {
                { "sysctl:vm.swappiness", "60" },
                { "sysctl:net.ipv4.conf.eth0/1.forwarding", "0" },
                { "sysctl:kernel.sched_domain.x", "1 2 3" },
                { "block:loop0:scheduler", "mq-deadline" },
                { "block:loop0:read_ahead_kb", "128" },
                { "sysfs:/sys/kernel/mm/transparent_hugepage/enabled", "madvise" },
                { "zram:zram0:state", "algo=lz4,disksize=1073741824,swap=on,prio=100" },
                { "zram:zram0:comp_algorithm", "lz4" },
                { "zram:zram0:disksize", "1073741824" },
                { "zram:zram0:swap", "100" },
                { "mount:/:compress", "zstd:1" },
                { "mount:/:ssd", "on" },
                { "mount:/:autodefrag", "off" },
                { "mount:/:discard", "async" },
                { "mount:/:commit", "30" },
                { "mount:/mnt/with space:compress", "force:lzo" },
                { "mount:/mnt/with space:autodefrag", "on" },
                { "mount:/mnt/with space:commit", "120" },
                { "mount:/mnt/with space:discard", "off" },
        };
        (void) state;
        assert_int_equal(sysroot_open(root, &sr), 0);
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                _cleanup_free_ char *v = NULL;
                int r = knob_read(sr, t[i].id, &v);
                if (r < 0)
                        fail_msg("%s: %s", t[i].id, strerror(-r));
                assert_string_equal(v, t[i].val);
        }
        {
                char *v = NULL;
                assert_int_equal(knob_read(sr, "sysfs:/sys/kernel/evil/p", &v), -EPERM);
                assert_int_equal(knob_read(sr, "mount:/boot:compress", &v), -EMEDIUMTYPE);
                assert_int_equal(knob_read(sr, "mount:/nope:compress", &v), -ENOENT);
                assert_int_equal(knob_read(sr, "block:sdz:scheduler", &v), -ENOENT);
                assert_int_equal(knob_read(sr, "containers:driver", &v), -ENODATA);
                assert_int_equal(knob_read(sr, "nix:@file", &v), -ENODATA);
                /* syscall-backed writes need the live machine */
                assert_int_equal(knob_write(sr, "zram:zram0:swap", "off"), -EOPNOTSUPP);
                assert_int_equal(knob_write(sr, "mount:/:compress", "no"), -EOPNOTSUPP);
                assert_int_equal(knob_write(sr, "prop:/etc:compression", "zstd"), -EOPNOTSUPP);
                assert_null(v);
        }
}

static void test_sysroot_writes(void **state) {
        _cleanup_(sysroot_freep) struct sysroot *sr = NULL;
        _cleanup_free_ char *v = NULL, *file = NULL;
        (void) state;
        assert_int_equal(sysroot_open(root, &sr), 0);
        /* "5" over "100\n" must not leave "500" behind */
        assert_int_equal(knob_write(sr, "block:loop0:read_ahead_kb", "5"), 0);
        file = get("sys/devices/virtual/block/loop0/queue/read_ahead_kb");
        assert_string_equal(file, "5\n");
        assert_int_equal(knob_write(sr, "sysctl:vm/swappiness", "10"), 0);
        assert_int_equal(knob_read(sr, "sysctl:vm.swappiness", &v), 0);
        assert_string_equal(v, "10");
        /* a sysroot attribute that does not exist is not invented */
        assert_int_equal(knob_write(sr, "sysctl:vm.nonexistent", "1"), -ENOENT);
        assert_int_equal(knob_write(sr, "block:loop0:scheduler", "none"), 0);
}

static void test_conf_kinds_in_sysroot(void **state) {
        _cleanup_(sysroot_freep) struct sysroot *sr = NULL;
        _cleanup_free_ char *v = NULL, *snap = NULL, *after = NULL, *nix = NULL;
        struct stat st;
        _cleanup_free_ char *p = xasprintf("%s/etc/containers/storage.conf", root);
        (void) state;
        put("etc/containers/storage.conf", storage_conf);
        assert_int_equal(chmod(p, 0640), 0);
        fixture_mkdir_p(root, "etc/nix");
        assert_int_equal(sysroot_open(root, &sr), 0);

        assert_int_equal(knob_read(sr, "containers:@file", &snap), 0);
        assert_string_equal(snap, storage_conf);
        assert_int_equal(knob_write(sr, "containers:driver", "btrfs"), 0);
        assert_int_equal(knob_read(sr, "containers:driver", &v), 0);
        assert_string_equal(v, "btrfs");
        assert_int_equal(stat(p, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0640); /* mode kept */
        assert_int_equal(knob_restore(sr, "containers:@file", snap), 0);
        after = get("etc/containers/storage.conf");
        assert_string_equal(after, storage_conf);

        /* nix.conf absent -> created -> restore "absent" removes it */
        assert_int_equal(knob_write(sr, "nix:cores", "2"), 0);
        nix = get("etc/nix/nix.conf");
        assert_string_equal(nix, "cores = 2\n");
        assert_int_equal(knob_restore(sr, "nix:@file", NULL), 0);
        assert_false(sysroot_exists(sr, SR_ETC, "nix/nix.conf"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_id_validation),  cmocka_unit_test(test_kind_table),
                cmocka_unit_test(test_risky),          cmocka_unit_test(test_risky_resolved),
                cmocka_unit_test(test_snapshot_ids),
                cmocka_unit_test(test_normalize),      cmocka_unit_test(test_toml_editor),
                cmocka_unit_test(test_nixconf_editor), cmocka_unit_test(test_sysroot_reads),
                cmocka_unit_test(test_sysroot_writes), cmocka_unit_test(test_conf_kinds_in_sysroot),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
