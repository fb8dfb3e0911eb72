/* SPDX-License-Identifier: MIT */
/* The facts' look-up tables: by device name, mount point and filesystem,
 * on hand-built facts, and rebuilt when the arrays change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "facts/facts.h"
#include "util.h"

static void add_disk(struct facts *f, const char *name, const char *const *parts) {
        struct disk_facts *d = array_grow(&f->disks, &f->n_disks, sizeof *d);
        d->name = xstrdup(name);
        for (; parts && *parts; parts++)
                ((struct partition_facts *) array_grow(&d->partitions, &d->n_partitions,
                                                      sizeof *d->partitions))->name = xstrdup(*parts);
}

static void add_mount(struct facts *f, const char *source, const char *mp, const char *majmin) {
        struct fs_facts *m = array_grow(&f->fs, &f->n_fs, sizeof *m);
        m->source = source ? xstrdup(source) : NULL;
        m->mountpoint = xstrdup(mp);
        m->majmin = majmin ? xstrdup(majmin) : NULL;
        m->fstype = xstrdup("ext4");
}

static struct facts *sample(void) {
        struct facts *f = xcalloc(1, sizeof *f);
        static const char *const vda[] = { "vda1", "vda2", NULL }, *const sdb[] = { "sdb1", NULL };

        add_disk(f, "vda", vda);
        add_disk(f, "sdb", sdb);
        add_disk(f, "zram0", NULL);
        add_mount(f, "/dev/vda2", "/", "254:2");          /* 0 */
        add_mount(f, "/dev/vda1", "/boot", "254:1");      /* 1 */
        add_mount(f, "/dev/vda2", "/home", "254:2");      /* 2 */
        add_mount(f, "tmpfs", "/tmp", "0:40");            /* 3 */
        add_mount(f, "/dev/sdb1", "/home", "8:17");       /* 4: over 2 */
        add_mount(f, "/dev/vda2", "/var", "254:2");       /* 5 */
        add_mount(f, NULL, "/none", NULL);                /* 6 */
        return f;
}

static void test_find_dev(void **state) {
        struct facts *f = sample();
        struct partition_facts *p = (void *) 1;
        (void) state;

        assert_ptr_equal(facts_find_dev(f, "vda", &p), &f->disks[0]);
        assert_null(p);
        assert_ptr_equal(facts_find_dev(f, "vda2", &p), &f->disks[0]);
        assert_ptr_equal(p, &f->disks[0].partitions[1]);
        assert_ptr_equal(facts_find_dev(f, "sdb1", &p), &f->disks[1]);
        assert_ptr_equal(p, &f->disks[1].partitions[0]);
        p = (void *) 1;
        assert_null(facts_find_dev(f, "vdb", &p));
        assert_ptr_equal(p, (void *) 1); /* untouched */
        assert_ptr_equal(facts_find_disk(f, "zram0"), &f->disks[2]);
        assert_null(facts_find_disk(f, "vda1")); /* a partition, not a disk */
        facts_free(f);
}

static void test_find_mount_is_the_visible_one(void **state) {
        struct facts *f = sample();
        (void) state;

        assert_ptr_equal(facts_find_mount(f, "/home"), &f->fs[4]);
        assert_ptr_equal(facts_find_mount(f, "/"), &f->fs[0]);
        assert_null(facts_find_mount(f, "/srv"));
        facts_free(f);
}

static void test_mounts_on_and_of_fs(void **state) {
        struct facts *f = sample();
        const size_t *l;
        size_t n;
        (void) state;

        l = facts_mounts_on(f, "vda2", &n);
        assert_int_equal(n, 3);
        assert_int_equal(l[0], 0);
        assert_int_equal(l[1], 2);
        assert_int_equal(l[2], 5);
        l = facts_mounts_on(f, "vda", &n); /* the disk itself holds none */
        assert_int_equal(n, 0);
        assert_null(l);
        l = facts_mounts_on(f, "nosuch", &n);
        assert_int_equal(n, 0);
        l = facts_mounts_of_fs(f, "254:2", &n);
        assert_int_equal(n, 3);
        assert_int_equal(l[0], 0);
        assert_int_equal(l[2], 5);
        l = facts_mounts_of_fs(f, "8:17", &n);
        assert_int_equal(n, 1);
        assert_int_equal(l[0], 4);
        assert_null(facts_mounts_of_fs(f, "9:9", &n));
        assert_int_equal(n, 0);
        assert_null(facts_mounts_of_fs(f, NULL, &n));
        facts_free(f);
}

static void test_rebuilt_when_arrays_change(void **state) {
        struct facts *f = sample();
        size_t n;
        (void) state;

        assert_ptr_equal(facts_find_mount(f, "/home"), &f->fs[4]);
        add_mount(f, "/dev/vda1", "/home", "254:1"); /* 7: over 4 */
        assert_ptr_equal(facts_find_mount(f, "/home"), &f->fs[7]);
        assert_int_equal(facts_mounts_on(f, "vda1", &n)[1], 7);
        add_disk(f, "vdc", NULL);
        assert_ptr_equal(facts_find_disk(f, "vdc"), &f->disks[3]);
        facts_free(f);
}

static void test_many(void **state) {
        struct facts *f = xcalloc(1, sizeof *f);
        (void) state;

        for (unsigned i = 0; i < 3000; i++) {
                _cleanup_free_ char *name = xasprintf("sd%u", i), *src = xasprintf("/dev/sd%u", i),
                                    *mp = xasprintf("/srv/%u", i);
                add_disk(f, name, NULL);
                add_mount(f, src, mp, "0:99");
        }
        for (unsigned i = 0; i < 3000; i += 7) {
                _cleanup_free_ char *name = xasprintf("sd%u", i), *mp = xasprintf("/srv/%u", i);
                size_t n;
                assert_ptr_equal(facts_find_disk(f, name), &f->disks[i]);
                assert_ptr_equal(facts_find_mount(f, mp), &f->fs[i]);
                assert_int_equal(facts_mounts_on(f, name, &n)[0], i);
        }
        facts_free(f);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_find_dev),
                cmocka_unit_test(test_find_mount_is_the_visible_one),
                cmocka_unit_test(test_mounts_on_and_of_fs),
                cmocka_unit_test(test_rebuilt_when_arrays_change),
                cmocka_unit_test(test_many),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
