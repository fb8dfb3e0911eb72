/* SPDX-License-Identifier: MIT */
/* cc_find_refs(): device references in configuration text, with line,
 * column, kind and the mount point the line is about. References in
 * comments count (see finder.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "checkconfig/finder.h"
#include "util.h"

/* Each case: text and the references expected, as "LINE:COL KIND TEXT @MP"
 * joined by '|' (MP "-" when none). */
static const struct {
        const char *in;
        const char *want;
} cases[] = {
        { "device = \"/dev/nvme0n1p1\";", "1:11 devname /dev/nvme0n1p1 @-" },
        { "/dev/sda", "1:1 devname /dev/sda @-" },
        { " /dev/vdb2 /dev/xvda1 /dev/hdc", "1:2 devname /dev/vdb2 @-|1:12 devname /dev/xvda1 @-|1:23 devname /dev/hdc @-" },
        { "/dev/mmcblk0p2 /dev/nvme12n3", "1:1 devname /dev/mmcblk0p2 @-|1:16 devname /dev/nvme12n3 @-" },
        /* not disks: mapper, md, null, a path that only contains /dev/ */
        { "/dev/mapper/root /dev/md0 /dev/null /srv/dev/sda /dev/sdaX", "" },
        { "\"/dev/disk/by-uuid/5f3c9a2e-8b41\"", "1:2 by-uuid /dev/disk/by-uuid/5f3c9a2e-8b41 @-" },
        { "/dev/disk/by-partuuid/ab /dev/disk/by-label/nixos /dev/disk/by-id/ata-X_1 /dev/disk/by-path/pci-0:1",
          "1:1 by-partuuid /dev/disk/by-partuuid/ab @-|"
          "1:26 by-label /dev/disk/by-label/nixos @-|"
          "1:51 by-id /dev/disk/by-id/ata-X_1 @-|1:75 by-path /dev/disk/by-path/pci-0:1 @-" },
        /* interpolation cannot be checked */
        { "\"/dev/disk/by-uuid/${uuid}\" UUID=${x}", "" },
        /* fstab: the second field is the mount point, also commented out */
        { "UUID=abc /boot ext4 defaults 0 2\n#PARTUUID=d-1 / btrfs x 0 0\nLABEL=root /home xfs",
          "1:1 UUID= UUID=abc @/boot|2:2 PARTUUID= PARTUUID=d-1 @/|3:1 LABEL= LABEL=root @/home" },
        /* crypttab: field 2 is the device itself, not a mount point */
        { "cryptroot UUID=1234 none luks", "1:11 UUID= UUID=1234 @-" },
        /* udev property names are not tags */
        { "ENV{ID_FS_UUID}==\"x\" ID_PART_ENTRY_UUID=3", "" },
        /* placeholders */
        { "SYSTEM_DISK_UUID YOUR-UUID XXXX-XXXX <uuid> <your-disk>",
          "1:1 placeholder SYSTEM_DISK_UUID @-|1:18 placeholder YOUR-UUID @-|1:28 placeholder XXXX-XXXX @-|"
          "1:38 placeholder <uuid> @-|1:45 placeholder <your-disk> @-" },
        /* not placeholders */
        { "UUID PARTUUID DISK ID_FS_UUID <file system> XXX nvme_core", "" },
        /* Nix context: fileSystems."/boot" = { ... } and the dotted form */
        { "fileSystems.\"/boot\" = {\n  device = \"/dev/sda3\";\n};\nx = \"/dev/sdb\";",
          "2:13 devname /dev/sda3 @/boot|4:6 devname /dev/sdb @-" },
        { "fileSystems.\"/\".device = \"/dev/vda1\";\ny = \"/dev/vda2\";",
          "1:27 devname /dev/vda1 @/|2:6 devname /dev/vda2 @-" },
        { "fileSystems = {\n  \"/nix\" = { device = \"/dev/disk/by-label/nix\"; };\n};",
          "2:24 by-label /dev/disk/by-label/nix @/nix" },
        /* disko: mountpoint = "/boot" is not a block context */
        { "mountpoint = \"/boot\"; device = \"/dev/nvme0n1\";", "1:33 devname /dev/nvme0n1 @-" },
        /* a placeholder inside a link is flagged on the link */
        { "/dev/disk/by-uuid/SYSTEM_DISK_UUID", "1:1 by-uuid /dev/disk/by-uuid/SYSTEM_DISK_UUID @-" },
        /* garbage does not crash and finds nothing */
        { "}}}{{{\"/\" = {\n\"", "" },
};

static char *render(const struct cc_ref *r, size_t n) {
        char *s = xstrdup("");
        for (size_t i = 0; i < n; i++) {
                char *t = xasprintf("%s%s%u:%u %s %s @%s", s, i ? "|" : "", r[i].line, r[i].column,
                                    cc_kind_to_string(r[i].kind), r[i].text, r[i].mountpoint ? r[i].mountpoint : "-");
                free(s);
                s = t;
        }
        return s;
}

static void test_table(void **state) {
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct cc_ref *refs = NULL;
                size_t n = 0;
                char *got;
                assert_int_equal(cc_find_refs(cases[i].in, strlen(cases[i].in), &refs, &n), 0);
                got = render(refs, n);
                if (!streq(got, cases[i].want))
                        print_error("case %zu: '%s'\n  got  '%s'\n  want '%s'\n", i, cases[i].in, got, cases[i].want);
                assert_string_equal(got, cases[i].want);
                free(got);
                cc_refs_free(refs, n);
        }
}

static void test_placeholder_flag(void **state) {
        static const char t[] = "UUID=XXXX-XXXX /dev/disk/by-uuid/YOUR_DISK_UUID UUID=5f3c";
        struct cc_ref *refs = NULL;
        size_t n = 0;
        (void) state;
        assert_int_equal(cc_find_refs(t, strlen(t), &refs, &n), 0);
        assert_int_equal(n, 3);
        assert_true(refs[0].placeholder);
        assert_true(refs[1].placeholder);
        assert_false(refs[2].placeholder);
        assert_string_equal(refs[1].name, "YOUR_DISK_UUID");
        cc_refs_free(refs, n);
}

static void test_embedded_nul(void **state) {
        static const char t[] = "/dev/sda\0/dev/sdb\n/dev/sdc";
        struct cc_ref *refs = NULL;
        size_t n = 0;
        (void) state;
        assert_int_equal(cc_find_refs(t, sizeof(t) - 1, &refs, &n), 0);
        assert_int_equal(n, 3);
        assert_int_equal(refs[2].line, 2);
        cc_refs_free(refs, n);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_table),
                cmocka_unit_test(test_placeholder_flag),
                cmocka_unit_test(test_embedded_nul),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
