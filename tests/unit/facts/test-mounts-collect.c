/* SPDX-License-Identifier: MIT */
/* facts_collect_mounts() against a sysroot: btrfs UUID and BDI from
 * sys/fs/btrfs, disk BDIs for other block filesystems, partition fstype and
 * UUID filled from the mounts, the proc/1 fallback. */
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "facts/facts.h"
#include "util.h"
#include "tests/unit/sysroot-fixture.h"

static char root[256];

static void put(const char *rel, const char *content) {
        fixture_put(root, rel, content);
}

static void link_(const char *rel, const char *target) {
        fixture_link(root, rel, target);
}

static void put_attr(const char *dir, const char *name, const char *content) {
        fixture_put_attr(root, dir, name, content);
}

static void mktemp_root(char *buf, size_t sz) {
        const char *tmp = getenv("TMPDIR");
        snprintf(buf, sz, "%s/vpstune-test-mounts-XXXXXX", tmp ? tmp : "/tmp");
        assert_non_null(mkdtemp(buf));
}

#define UUID1 "0b4e2a7c-1f5d-4c39-9a43-5f1c2d3e4f50"
#define UUID2 "c0ffee00-1111-2222-3333-444455556666"
#define VDA_UUID "7d1c9f3e-aaaa-bbbb-cccc-0123456789ab"
#define SDA "sys/devices/pci0000:00/0000:00:03.0/virtio2/host0/target0:0:0/0:0:0:0/block/sda"
#define VDA "sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda"

static const char mountinfo[] =
        "45 1 0:37 /@ / rw,noatime shared:1 - btrfs /dev/sda4 rw,compress=zstd:2,ssd,space_cache=v2,subvolid=256,subvol=/@\n"
        "46 45 0:37 /@home /home rw,noatime shared:2 - btrfs /dev/sda4 rw,compress=zstd:2,ssd,space_cache=v2,subvolid=257,subvol=/@home\n"
        "47 45 8:2 / /boot rw,relatime shared:3 - ext4 /dev/sda2 rw\n"
        "48 45 254:0 / /srv rw,relatime shared:4 - ext4 /dev/vda rw,discard\n"
        "not a mountinfo line at all\n"
        "49 45 0:40 / /tmp rw,nosuid,nodev shared:5 - tmpfs tmpfs rw,size=1048576k\n"
        "50 45 0:41 / /data rw,relatime shared:6 - btrfs /dev/mapper/cryptdata rw,ssd,space_cache=v2,subvolid=5,subvol=/\n"
        "51 45 0:42 / /var/lib/containers/storage/overlay/x/merged rw - overlay overlay rw,lowerdir=/a:/b,upperdir=/c,workdir=/d\n"
        "52 45 254:0 / /srv2 rw,relatime - ext4 /dev/root rw\n";

static int setup(void **state) {
        (void) state;
        mktemp_root(root, sizeof root);

        put("proc/self/mountinfo", mountinfo);

        /* sda (GPT, sda2 ext4 /boot, sda4 btrfs) and vda (whole-disk ext4) */
        put(SDA "/size", "83886080\n");
        put_attr(SDA, "dev", "8:0\n");
        put(SDA "/sda2/partition", "2\n");
        put(SDA "/sda2/dev", "8:2\n");
        put(SDA "/sda4/partition", "4\n");
        put(SDA "/sda4/dev", "8:4\n");
        link_("sys/block/sda", "../devices/pci0000:00/0000:00:03.0/virtio2/host0/target0:0:0/0:0:0:0/block/sda");
        put(VDA "/size", "20971520\n");
        put_attr(VDA, "dev", "254:0\n");
        link_("sys/block/vda", "../devices/pci0000:00/0000:00:02.0/virtio1/block/vda");
        put("sys/devices/virtual/block/dm-0/size", "2097152\n");
        put("sys/devices/virtual/block/dm-0/dev", "253:0\n");
        put("sys/devices/virtual/block/dm-0/dm/name", "cryptdata\n");
        link_("sys/block/dm-0", "../devices/virtual/block/dm-0");
        link_("dev/disk/by-uuid/" VDA_UUID, "../../vda");
        link_("sys/dev/block/254:0", "../../devices/pci0000:00/0000:00:02.0/virtio1/block/vda");

        /* BDIs: disks by maj:min, btrfs by its own name */
        put("sys/devices/virtual/bdi/8:0/read_ahead_kb", "256\n");
        link_("sys/class/bdi/8:0", "../../devices/virtual/bdi/8:0");
        put("sys/devices/virtual/bdi/254:0/read_ahead_kb", "128\n");
        link_("sys/class/bdi/254:0", "../../devices/virtual/bdi/254:0");
        put("sys/devices/virtual/bdi/btrfs-1/read_ahead_kb", "4096\n");
        link_("sys/class/bdi/btrfs-1", "../../devices/virtual/bdi/btrfs-1");

        /* btrfs: UUID1 on sda4 with a BDI link (5.x+), UUID2 on dm-0
         * without one (older kernel) */
        fixture_mkdir_p(root, "sys/fs/btrfs/features");
        link_("sys/fs/btrfs/" UUID1 "/devices/sda4", "../../../../devices/pci0000:00/0000:00:03.0/virtio2/host0/target0:0:0/0:0:0:0/block/sda/sda4");
        link_("sys/fs/btrfs/" UUID1 "/bdi", "../../../devices/virtual/bdi/btrfs-1");
        link_("sys/fs/btrfs/" UUID2 "/devices/dm-0", "../../../../devices/virtual/block/dm-0");
        return 0;
}

static int teardown(void **state) {
        (void) state;
        return nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static struct facts *collect(const char *dir) {
        struct sysroot *sr = NULL;
        struct facts *f = xcalloc(1, sizeof *f);

        assert_int_equal(sysroot_open(dir, &sr), 0);
        facts_collect_block(sr, f);
        facts_collect_mounts(sr, f);
        sysroot_free(sr);
        return f;
}

static const struct {
        const char *mountpoint, *fstype, *uuid, *bdi;
        int64_t ra;
} expected[] = {
        { "/", "btrfs", UUID1, "btrfs-1", 4096 },
        { "/home", "btrfs", UUID1, "btrfs-1", 4096 },
        { "/boot", "ext4", NULL, "8:0", 256 },       /* partition: the disk's BDI */
        { "/srv", "ext4", VDA_UUID, "254:0", 128 },  /* UUID from the by-uuid link */
        { "/tmp", "tmpfs", NULL, NULL, -1 },
        { "/data", "btrfs", UUID2, NULL, -1 },       /* found through dm/name */
        { "/var/lib/containers/storage/overlay/x/merged", "overlay", NULL, NULL, -1 },
        { "/srv2", "ext4", VDA_UUID, "254:0", 128 },  /* source "root" node: found by maj:min */
};

static void test_mounts(void **state) {
        struct facts *f = collect(root);

        (void) state;
        assert_int_equal(f->n_fs, ELEMENTSOF(expected));
        for (size_t i = 0; i < f->n_fs; i++) {
                const struct fs_facts *m = &f->fs[i];

                print_message("# mount %s\n", m->mountpoint);
                assert_string_equal(m->mountpoint, expected[i].mountpoint);
                assert_string_equal(m->fstype, expected[i].fstype);
                if (expected[i].uuid)
                        assert_string_equal(m->uuid, expected[i].uuid);
                else
                        assert_null(m->uuid);
                if (expected[i].bdi)
                        assert_string_equal(m->bdi, expected[i].bdi);
                else
                        assert_null(m->bdi);
                assert_int_equal(m->bdi_read_ahead_kb, expected[i].ra);
        }
        assert_string_equal(facts_find_mount(f, "/home")->subvol, "/@home");
        /* the garbage line is reported, once */
        assert_int_equal(strv_length(f->warnings), 1);
        assert_non_null(strstr(f->warnings[0], "1 malformed"));
        facts_free(f);
}

static void test_devices_filled(void **state) {
        struct facts *f = collect(root);
        const struct partition_facts *p = NULL;
        const struct disk_facts *d;
        _cleanup_free_ char *sda4 = sysroot_display_path(SR_DEV, "sda4");
        _cleanup_free_ char *sda2 = sysroot_display_path(SR_DEV, "sda2");

        (void) state;
        d = facts_disk_of_source(f, sda4, &p);
        assert_non_null(d);
        assert_non_null(p);
        assert_string_equal(p->fstype, "btrfs");
        assert_string_equal(p->uuid, UUID1);
        assert_non_null(facts_disk_of_source(f, sda2, &p));
        assert_string_equal(p->fstype, "ext4");
        assert_null(p->uuid);
        d = facts_find_disk(f, "vda");
        assert_string_equal(d->fstype, "ext4");
        assert_string_equal(d->uuid, VDA_UUID);
        d = facts_find_disk(f, "dm-0");
        assert_string_equal(d->fstype, "btrfs");
        assert_string_equal(d->uuid, UUID2);
        facts_free(f);
}

static void test_proc1_fallback(void **state) {
        char dir[256];
        struct facts *f;

        (void) state;
        mktemp_root(dir, sizeof dir);
        fixture_put(dir, "proc/1/mountinfo", "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n");
        f = collect(dir);
        assert_int_equal(f->n_fs, 1);
        assert_string_equal(f->fs[0].mountpoint, "/");
        assert_null(f->fs[0].bdi);
        assert_null(f->warnings);
        facts_free(f);
        assert_int_equal(nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

static void test_missing(void **state) {
        char dir[256];
        struct facts *f;

        (void) state;
        mktemp_root(dir, sizeof dir);
        f = collect(dir);
        assert_int_equal(f->n_fs, 0);
        assert_null(f->warnings);
        facts_free(f);
        assert_int_equal(rmdir(dir), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_mounts),
                cmocka_unit_test(test_devices_filled),
                cmocka_unit_test(test_proc1_fallback),
                cmocka_unit_test(test_missing),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
