/* SPDX-License-Identifier: MIT */
/* facts_parse_mountinfo(): real mountinfo lines through libmount. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "facts/facts.h"
#include "util.h"

/* Lines as the kernel prints them, with garbage mixed in: parsing must
 * skip the bad ones and keep going. */
static const char mountinfo[] =
        "22 27 0:21 / /chroot/proc rw,relatime shared:12 - proc proc rw\n"
        "this is not a mountinfo line\n"
        "45 1 0:37 /@ / rw,noatime shared:1 - btrfs /dev/sda4 rw,compress=zstd:2,ssd,space_cache=v2,subvolid=256,subvol=/@\n"
        "46 45 0:37 /@home /home rw,nosuid,nodev,noatime shared:2 - btrfs /dev/sda4 rw,compress=zstd:2,ssd,space_cache=v2,subvolid=257,subvol=/@home\n"
        "1 2 nomajmin / /x rw - ext4 /dev/sdb1 rw\n"
        "27 45 254:0 / /srv rw,relatime - ext4 /dev/vda rw,discard,resv_strict,resuid=65534,resgid=65534\n"
        "\n"
        "99 45 0:55 / /run/user/1000 rw,nosuid,nodev,relatime shared:300 - tmpfs tmpfs rw,size=812340k,nr_inodes=203085,mode=700,uid=1000,gid=1000\n"
        "31 32 0:1\n"
        "120 45 0:60 / /var/lib/containers/storage/overlay/3f2a9c/merged rw,relatime - overlay overlay rw,lowerdir=/var/lib/containers/storage/overlay/l/ABCDEFGHIJKLMNOPQRSTUVWXYZ:/var/lib/containers/storage/overlay/l/BCDEFGHIJKLMNOPQRSTUVWXYZA:/var/lib/containers/storage/overlay/l/CDEFGHIJKLMNOPQRSTUVWXYZAB,upperdir=/var/lib/containers/storage/overlay/3f2a9c/diff,workdir=/var/lib/containers/storage/overlay/3f2a9c/work,userxattr\n"
        "60 45 0:37 /@data /mnt/my\\040disk rw,relatime - btrfs /dev/sda4 rw,compress=zstd:2,ssd,space_cache=v2,subvolid=258,subvol=/@data\n"
        "61 45 0:38 /snap /mnt/old rw,relatime - btrfs /dev/sdb rw,ssd\n";

static const struct {
        unsigned id, parent;
        const char *majmin, *root, *mountpoint;
        const char *source_dev;     /* kernel name below the dev prefix, or */
        const char *source;         /* literal source */
        const char *fstype, *subvol;
        uint64_t subvolid;
        const char *mount_options, *super_options;
} expected[] = {
        { 22, 27, "0:21", "/", "/chroot/proc", NULL, "proc", "proc", NULL, 0, "rw,relatime", "rw" },
        { 45, 1, "0:37", "/@", "/", "sda4", NULL, "btrfs", "/@", 256, "rw,noatime",
          "rw,compress=zstd:2,ssd,space_cache=v2,subvolid=256,subvol=/@" },
        { 46, 45, "0:37", "/@home", "/home", "sda4", NULL, "btrfs", "/@home", 257, "rw,nosuid,nodev,noatime",
          "rw,compress=zstd:2,ssd,space_cache=v2,subvolid=257,subvol=/@home" },
        { 27, 45, "254:0", "/", "/srv", "vda", NULL, "ext4", NULL, 0, "rw,relatime",
          "rw,discard,resv_strict,resuid=65534,resgid=65534" },
        { 99, 45, "0:55", "/", "/run/user/1000", NULL, "tmpfs", "tmpfs", NULL, 0, "rw,nosuid,nodev,relatime",
          "rw,size=812340k,nr_inodes=203085,mode=700,uid=1000,gid=1000" },
        { 120, 45, "0:60", "/", "/var/lib/containers/storage/overlay/3f2a9c/merged", NULL, "overlay", "overlay", NULL, 0,
          "rw,relatime",
          "rw,lowerdir=/var/lib/containers/storage/overlay/l/ABCDEFGHIJKLMNOPQRSTUVWXYZ:/var/lib/containers/storage/overlay/l/BCDEFGHIJKLMNOPQRSTUVWXYZA:/var/lib/containers/storage/overlay/l/CDEFGHIJKLMNOPQRSTUVWXYZAB,upperdir=/var/lib/containers/storage/overlay/3f2a9c/diff,workdir=/var/lib/containers/storage/overlay/3f2a9c/work,userxattr" },
        { 60, 45, "0:37", "/@data", "/mnt/my disk", "sda4", NULL, "btrfs", "/@data", 258, "rw,relatime",
          "rw,compress=zstd:2,ssd,space_cache=v2,subvolid=258,subvol=/@data" },
        /* old kernel: no subvol= in the super options, the root says it */
        { 61, 45, "0:38", "/snap", "/mnt/old", "sdb", NULL, "btrfs", "/snap", 0, "rw,relatime", "rw,ssd" },
};

static void free_all(struct fs_facts *arr, size_t n) {
        for (size_t i = 0; i < n; i++)
                fs_facts_done(&arr[i]);
        free(arr);
}

static void test_table(void **state) {
        struct fs_facts *arr = NULL;
        size_t n = 0;

        (void) state;
        assert_int_equal(facts_parse_mountinfo(mountinfo, sizeof mountinfo - 1, &arr, &n), 0);
        assert_int_equal(n, ELEMENTSOF(expected));
        for (size_t i = 0; i < n; i++) {
                const struct fs_facts *m = &arr[i];
                _cleanup_free_ char *mo = strv_join(m->mount_options, ",");
                _cleanup_free_ char *so = strv_join(m->super_options, ",");
                _cleanup_free_ char *src = expected[i].source_dev
                        ? sysroot_display_path(SR_DEV, expected[i].source_dev)
                        : xstrdup(expected[i].source);

                print_message("# entry %zu: %s\n", i, m->mountpoint);
                assert_int_equal(m->mount_id, expected[i].id);
                assert_int_equal(m->parent_id, expected[i].parent);
                assert_string_equal(m->majmin, expected[i].majmin);
                assert_string_equal(m->root, expected[i].root);
                assert_string_equal(m->mountpoint, expected[i].mountpoint);
                assert_string_equal(m->source, src);
                assert_string_equal(m->fstype, expected[i].fstype);
                if (expected[i].subvol)
                        assert_string_equal(m->subvol, expected[i].subvol);
                else
                        assert_null(m->subvol);
                assert_int_equal(m->subvolid, expected[i].subvolid);
                assert_string_equal(mo, expected[i].mount_options);
                assert_string_equal(so, expected[i].super_options);
                assert_null(m->uuid);
                assert_null(m->bdi);
                assert_int_equal(m->bdi_read_ahead_kb, -1);
        }
        free_all(arr, n);
}

/* Inputs that are not mountinfo at all: parse "succeeds" with what it can
 * keep, never crashes. */
static const struct {
        const char *in;
        size_t n;
} odd[] = {
        { "", 0 },
        { "\n\n\n", 0 },
        { "garbage\n", 0 },
        { "garbage first\n27 1 254:0 / / rw - ext4 /dev/vda rw\n", 1 },
        { "# comment\n27 1 254:0 / / rw - ext4 /dev/vda rw", 1 },
        { "27 1 254:0 / / rw - ext4 /dev/vda rw\n28 1 254:0 / /a rw ext4 /dev/vda rw\n", 1 },
        { "1 2 3 4 5 6 7 8\n", 0 },
        { "1 2", 0 },
        { "UUID=abc / btrfs defaults 0 0\n", 0 },
};

static void test_odd(void **state) {
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(odd); i++) {
                struct fs_facts *arr = NULL;
                size_t n = 99;

                print_message("# odd %zu\n", i);
                assert_int_equal(facts_parse_mountinfo(odd[i].in, strlen(odd[i].in), &arr, &n), 0);
                assert_int_equal(n, odd[i].n);
                free_all(arr, n);
        }
}

static void test_untouched_on_failure(void **state) {
        struct fs_facts *arr = (struct fs_facts *) 0x1;
        size_t n = 7;

        (void) state;
        assert_int_equal(facts_parse_mountinfo(NULL, 0, &arr, &n), -EINVAL);
        assert_ptr_equal(arr, (struct fs_facts *) 0x1);
        assert_int_equal(n, 7);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_table),
                cmocka_unit_test(test_odd),
                cmocka_unit_test(test_untouched_on_failure),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
