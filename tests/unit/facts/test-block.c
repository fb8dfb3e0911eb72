/* SPDX-License-Identifier: MIT */
/* facts_collect_block() against a tiny sysroot built in a temp dir: the
 * transports a VPS shows (virtio-blk, virtio-scsi, NVMe, loop, zram),
 * partitions, queue attributes and the dev/disk/by-* links. */
#include <errno.h>
#include <fcntl.h>
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

static void link_attr(const char *dir, const char *name, const char *target) {
        _cleanup_free_ char *rel = xasprintf("%s/%s", dir, name);
        link_(rel, target);
}

#define VDA "sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda"
#define SCSI_DEV "sys/devices/pci0000:00/0000:00:03.0/virtio2/host0/target0:0:0/0:0:0:0"
#define SDA SCSI_DEV "/block/sda"
#define NVME "sys/devices/pci0000:00/0000:00:04.0/nvme/nvme0/nvme0n1"

static void queue(const char *dev, const char *sched, const char *rot, const char *ra) {
        char rel[512];

        if (sched) {
                snprintf(rel, sizeof rel, "%s/queue/scheduler", dev);
                put(rel, sched);
        }
        snprintf(rel, sizeof rel, "%s/queue/rotational", dev);
        put(rel, rot);
        snprintf(rel, sizeof rel, "%s/queue/read_ahead_kb", dev);
        put(rel, ra);
        snprintf(rel, sizeof rel, "%s/queue/nomerges", dev);
        put(rel, "0\n");
        snprintf(rel, sizeof rel, "%s/queue/logical_block_size", dev);
        put(rel, "512\n");
        snprintf(rel, sizeof rel, "%s/queue/physical_block_size", dev);
        put(rel, "4096\n");
        snprintf(rel, sizeof rel, "%s/removable", dev);
        put(rel, "0\n");
        snprintf(rel, sizeof rel, "%s/ro", dev);
        put(rel, "0\n");
}

static void partition(const char *n, const char *no, const char *start, const char *size, const char *dev) {
        char rel[512];

        snprintf(rel, sizeof rel, SDA "/%s/partition", n);
        put(rel, no);
        snprintf(rel, sizeof rel, SDA "/%s/start", n);
        put(rel, start);
        snprintf(rel, sizeof rel, SDA "/%s/size", n);
        put(rel, size);
        snprintf(rel, sizeof rel, SDA "/%s/dev", n);
        put(rel, dev);
}

static int setup(void **state) {
        const char *tmp = getenv("TMPDIR");

        (void) state;
        snprintf(root, sizeof root, "%s/vpstune-test-block-XXXXXX", tmp ? tmp : "/tmp");
        if (!mkdtemp(root))
                return -1;

        /* virtio-blk, whole-disk ext4, one hardware queue */
        put(VDA "/size", "20971520\n");
        put_attr(VDA, "dev", "254:0\n");
        put(VDA "/serial", "vda-serial\n");
        put(VDA "/mq/0/nr_tags", "256\n");
        queue(VDA, "none [mq-deadline] kyber bfq\n", "1\n", "128\n");
        link_attr(VDA, "device", "../../../virtio1");
        link_("sys/devices/pci0000:00/0000:00:02.0/virtio1/driver", "../../../../bus/virtio/drivers/virtio_blk");
        link_("sys/block/vda", "../devices/pci0000:00/0000:00:02.0/virtio1/block/vda");

        /* virtio-scsi, GPT with four partitions */
        put(SDA "/size", "83886080\n");
        put_attr(SDA, "dev", "8:0\n");
        queue(SDA, "[mq-deadline] none\n", "1\n", "4096\n");
        put(SCSI_DEV "/vendor", "QEMU    \n");
        put(SCSI_DEV "/model", "QEMU HARDDISK   \n");
        link_attr(SDA, "device", "../../../0:0:0:0");
        link_(SCSI_DEV "/driver", "../../../../../../../bus/scsi/drivers/sd");
        partition("sda1", "1\n", "2048\n", "2048\n", "8:1\n");
        partition("sda2", "2\n", "4096\n", "1048576\n", "8:2\n");
        partition("sda3", "3\n", "1052672\n", "8388608\n", "8:3\n");
        partition("sda4", "4\n", "9441280\n", "74442719\n", "8:4\n");
        link_("sys/block/sda", "../devices/pci0000:00/0000:00:03.0/virtio2/host0/target0:0:0/0:0:0:0/block/sda");

        /* NVMe, four hardware queues, a garbage read_ahead_kb */
        put(NVME "/size", "1953525168\n");
        put_attr(NVME, "dev", "259:0\n");
        for (int i = 0; i < 4; i++) {
                char rel[256];
                snprintf(rel, sizeof rel, NVME "/mq/%d/cpu_list", i);
                put(rel, "0\n");
        }
        queue(NVME, "[none] mq-deadline kyber bfq\n", "0\n", "lots\n");
        put("sys/devices/pci0000:00/0000:00:04.0/nvme/nvme0/model", "Samsung SSD 980 PRO 1TB                 \n");
        put("sys/devices/pci0000:00/0000:00:04.0/nvme/nvme0/serial", "  S5GXNF0R123456     \n");
        link_attr(NVME, "device", "../../nvme0");
        link_("sys/block/nvme0n1", "../devices/pci0000:00/0000:00:04.0/nvme/nvme0/nvme0n1");

        /* loop0 unused (skipped), loop1 backed by a file, zram0 */
        put("sys/devices/virtual/block/loop0/size", "0\n");
        queue("sys/devices/virtual/block/loop0", "[none] mq-deadline\n", "1\n", "128\n");
        link_("sys/block/loop0", "../devices/virtual/block/loop0");
        put("sys/devices/virtual/block/loop1/size", "614400\n");
        put("sys/devices/virtual/block/loop1/loop/backing_file", "/tmp/img\n");
        queue("sys/devices/virtual/block/loop1", "[none] mq-deadline\n", "1\n", "128\n");
        link_("sys/block/loop1", "../devices/virtual/block/loop1");
        put("sys/devices/virtual/block/zram0/size", "0\n");
        link_("sys/block/zram0", "../devices/virtual/block/zram0");

        /* udev links and database */
        link_("dev/disk/by-uuid/4E1A-2B3C", "../../sda2");
        link_("dev/disk/by-uuid/0b4e2a7c-1f5d-4c39-9a43-5f1c2d3e4f50", "../../sda4");
        link_("dev/disk/by-uuid/7d1c9f3e-aaaa-bbbb-cccc-0123456789ab", "../../vda");
        link_("dev/disk/by-partuuid/9c8e7f6a-0001-4000-8000-000000000004", "../../sda4");
        link_("dev/disk/by-label/My\\x20Data", "../../sda4");
        link_("dev/disk/by-uuid/dangling", "../../sdq9");
        put("run/udev/data/b8:3", "S:disk/by-uuid/swap-uuid\nE:ID_FS_TYPE=swap\nE:ID_FS_UUID=5a6b7c8d-swap\nE:ID_PART_TABLE_TYPE=gpt\n");
        put("run/udev/data/b8:0", "E:ID_PART_TABLE_TYPE=gpt\n");
        return 0;
}

static int teardown(void **state) {
        (void) state;
        return nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static const struct {
        const char *name;
        enum transport transport;
        uint64_t size;
        int rotational;
        const char *scheduler;
        size_t n_schedulers;
        int64_t read_ahead_kb;
        unsigned hw_queues;
        size_t n_partitions;
        const char *devpath; /* without the leading slash */
} disks[] = {
        { "loop1", TRANSPORT_LOOP, 614400ull * 512, 1, "none", 2, 128, 0, 0, "devices/virtual/block/loop1" },
        { "nvme0n1", TRANSPORT_NVME, 1953525168ull * 512, 0, "none", 4, -1, 4, 0,
          "devices/pci0000:00/0000:00:04.0/nvme/nvme0/nvme0n1" },
        { "sda", TRANSPORT_VIRTIO_SCSI, 83886080ull * 512, 1, "mq-deadline", 2, 4096, 0, 4,
          "devices/pci0000:00/0000:00:03.0/virtio2/host0/target0:0:0/0:0:0:0/block/sda" },
        { "vda", TRANSPORT_VIRTIO_BLK, 20971520ull * 512, 1, "mq-deadline", 4, 128, 1, 0,
          "devices/pci0000:00/0000:00:02.0/virtio1/block/vda" },
        { "zram0", TRANSPORT_ZRAM, 0, -1, NULL, 0, -1, 0, 0, "devices/virtual/block/zram0" },
};

static struct facts *collect(void) {
        struct sysroot *sr = NULL;
        struct facts *f = xcalloc(1, sizeof *f);

        assert_int_equal(sysroot_open(root, &sr), 0);
        assert_false(sysroot_is_live(sr));
        facts_collect_block(sr, f);
        sysroot_free(sr);
        return f;
}

static void test_disks(void **state) {
        struct facts *f = collect();

        (void) state;
        assert_int_equal(f->n_disks, ELEMENTSOF(disks));
        for (size_t i = 0; i < f->n_disks; i++) {
                const struct disk_facts *d = &f->disks[i];

                print_message("# disk %s\n", d->name);
                assert_string_equal(d->name, disks[i].name);
                assert_string_equal(transport_to_string(d->transport), transport_to_string(disks[i].transport));
                assert_int_equal(d->size_bytes, disks[i].size);
                assert_int_equal(d->rotational, disks[i].rotational);
                if (disks[i].scheduler)
                        assert_string_equal(d->scheduler, disks[i].scheduler);
                else
                        assert_null(d->scheduler);
                assert_int_equal(strv_length(d->schedulers), disks[i].n_schedulers);
                assert_int_equal(d->read_ahead_kb, disks[i].read_ahead_kb);
                assert_int_equal(d->hw_queues, disks[i].hw_queues);
                assert_int_equal(d->n_partitions, disks[i].n_partitions);
                assert_non_null(d->devpath);
                assert_int_equal(d->devpath[0], '/');
                assert_string_equal(d->devpath + 1, disks[i].devpath); /* relative to the sys base */
        }
        /* the garbage read_ahead_kb of nvme0n1 was reported */
        assert_true(f->warnings && strstr(f->warnings[0], "nvme0n1/queue/read_ahead_kb"));
        assert_int_equal(strv_length(f->warnings), 1);
        facts_free(f);
}

static void test_attributes(void **state) {
        struct facts *f = collect();
        const struct disk_facts *sda = facts_find_disk(f, "sda");
        const struct disk_facts *vda = facts_find_disk(f, "vda");
        const struct disk_facts *nvme = facts_find_disk(f, "nvme0n1");
        const struct disk_facts *zram = facts_find_disk(f, "zram0");

        (void) state;
        assert_non_null(sda);
        assert_string_equal(sda->vendor, "QEMU");
        assert_string_equal(sda->model, "QEMU HARDDISK");
        assert_int_equal(sda->logical_block_size, 512);
        assert_int_equal(sda->physical_block_size, 4096);
        assert_int_equal(sda->nomerges, 0);
        assert_int_equal(sda->removable, 0);
        assert_int_equal(sda->readonly, 0);
        assert_string_equal(sda->pttype, "gpt"); /* udev database */

        /* no serial is read (a host request on virtio-blk) */
        assert_null(vda->vendor);
        assert_string_equal(nvme->model, "Samsung SSD 980 PRO 1TB");

        assert_int_equal(zram->removable, -1);
        assert_int_equal(zram->nomerges, -1);
        assert_null(facts_find_disk(f, "loop0"));
        facts_free(f);
}

static const struct {
        const char *name;
        unsigned partno;
        uint64_t start, size;
        const char *uuid, *partuuid, *label, *fstype;
} parts[] = {
        { "sda1", 1, 2048ull * 512, 2048ull * 512, NULL, NULL, NULL, NULL },
        { "sda2", 2, 4096ull * 512, 1048576ull * 512, "4E1A-2B3C", NULL, NULL, NULL },
        { "sda3", 3, 1052672ull * 512, 8388608ull * 512, "5a6b7c8d-swap", NULL, NULL, "swap" },
        { "sda4", 4, 9441280ull * 512, 74442719ull * 512, "0b4e2a7c-1f5d-4c39-9a43-5f1c2d3e4f50",
          "9c8e7f6a-0001-4000-8000-000000000004", "My Data", NULL },
};

static void test_partitions(void **state) {
        struct facts *f = collect();
        const struct disk_facts *sda = facts_find_disk(f, "sda");
        const struct disk_facts *vda = facts_find_disk(f, "vda");

        (void) state;
        assert_int_equal(sda->n_partitions, ELEMENTSOF(parts));
        for (size_t i = 0; i < ELEMENTSOF(parts); i++) {
                const struct partition_facts *p = &sda->partitions[i];
                const struct partition_facts *q = NULL;
#define CHECK_STR(field)                                        \
                if (parts[i].field)                             \
                        assert_string_equal(p->field, parts[i].field); \
                else                                            \
                        assert_null(p->field)

                print_message("# partition %s\n", p->name);
                assert_string_equal(p->name, parts[i].name);
                assert_int_equal(p->partno, parts[i].partno);
                assert_int_equal(p->start_bytes, parts[i].start);
                assert_int_equal(p->size_bytes, parts[i].size);
                CHECK_STR(uuid);
                CHECK_STR(partuuid);
                CHECK_STR(label);
                CHECK_STR(fstype);
#undef CHECK_STR
                assert_ptr_equal(facts_disk_of_source(f, parts[i].name, &q), sda);
                assert_ptr_equal(q, p);
        }
        /* whole-disk filesystem: the by-uuid link names the disk itself */
        assert_string_equal(vda->uuid, "7d1c9f3e-aaaa-bbbb-cccc-0123456789ab");
        assert_null(vda->fstype);
        facts_free(f);
}

static void test_empty_root(void **state) {
        char empty[256];
        struct sysroot *sr = NULL;
        struct facts *f = xcalloc(1, sizeof *f);
        const char *tmp = getenv("TMPDIR");

        (void) state;
        snprintf(empty, sizeof empty, "%s/vpstune-test-empty-XXXXXX", tmp ? tmp : "/tmp");
        assert_non_null(mkdtemp(empty));
        assert_int_equal(sysroot_open(empty, &sr), 0);
        facts_collect_block(sr, f);
        assert_int_equal(f->n_disks, 0);
        assert_null(f->warnings);
        sysroot_free(sr);
        facts_free(f);
        assert_int_equal(rmdir(empty), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_disks),
                cmocka_unit_test(test_attributes),
                cmocka_unit_test(test_partitions),
                cmocka_unit_test(test_empty_root),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
