/* SPDX-License-Identifier: MIT */
/* The write-ahead journal: escaping, CRC-guarded lines, torn tails,
 * list/incomplete detection, state-dir checks and the lock. */
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

#include "apply/journal.h"
#include "config.h"
#include "util.h"
#include "tests/unit/sysroot-fixture.h"

static char tmp[256];

static int setup(void **state) {
        (void) state;
        snprintf(tmp, sizeof tmp, "%s/vpstune-journal.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
        assert_non_null(mkdtemp(tmp));
        return 0;
}

static int teardown(void **state) {
        (void) state;
        nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
        return 0;
}

static void test_escape_roundtrip(void **state) {
        static const char *const cases[] = {
                "", "plain", "with space", "tab\there", "new\nline", "100%", "back\\slash", "~", "=x",
                "[storage]\ndriver = \"overlay\"\n# comment ~ % \\\n", "\xc3\xa9t\xc3\xa9", "\x7f\x01",
        };
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_free_ char *e = journal_escape(cases[i]), *u = NULL;
                for (const char *p = e; *p; p++)
                        assert_true(*p > 0x20 && *p < 0x7f && *p != '\\');
                assert_int_equal(journal_unescape(e, &u), 0);
                assert_string_equal(u, cases[i]);
        }
}

static void test_unescape_rejects(void **state) {
        static const char *const bad[] = { "%", "%4", "%zz", "%00", "a b", "x\ny" };
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                char *u = NULL;
                assert_int_equal(journal_unescape(bad[i], &u), -EINVAL);
                assert_null(u);
        }
}

static void test_crc32(void **state) {
        (void) state;
        /* The standard check value of CRC-32/ISO-HDLC. */
        assert_int_equal(journal_crc32("123456789", 9), 0xcbf43926u);
}

static void test_ids(void **state) {
        (void) state;
        assert_true(journal_id_is_valid("20261126T131500Z-1"));
        assert_true(journal_id_is_valid("20261126T131500Z-12"));
        assert_false(journal_id_is_valid("20261126T131500Z-"));
        assert_false(journal_id_is_valid("20261126T131500Z-01"));
        assert_false(journal_id_is_valid("20261126T131500Z-1/../x"));
        assert_false(journal_id_is_valid("../../etc/passwd"));
        assert_true(journal_id_compare("20261126T131500Z-2", "20261126T131500Z-10") < 0);
        assert_true(journal_id_compare("20261126T131501Z-1", "20261126T131500Z-10") > 0);
}

static char *line(const char *body) {
        return xasprintf("%s crc=%08x\n", body, journal_crc32(body, strlen(body)));
}

static void test_parse_records(void **state) {
        _cleanup_free_ char *a0 = line("BEGIN 20261126T131500Z-1 1795000000 =vps-dev");
        _cleanup_free_ char *r0 = line("ROOT /srv/r%20x 2049 1234");
        _cleanup_free_ char *a = xasprintf("%s%s", a0, r0);
        _cleanup_free_ char *b = line("ORIG sysctl:vm.swappiness =60");
        _cleanup_free_ char *c = line("ORIG prop:/srv%20x:compression ~");
        _cleanup_free_ char *d = line("DONE sysctl:vm.swappiness =10");
        _cleanup_free_ char *e = line("ORIG nix:@file =");
        _cleanup_free_ char *f = line("FAIL block:sda:scheduler 22");
        _cleanup_free_ char *g = line("COMMIT");
        _cleanup_free_ char *all = xasprintf("%s%s%s%s%s%s%s", a, b, c, d, e, f, g);
        struct journal_tx tx;
        (void) state;

        assert_int_equal(journal_parse(all, strlen(all), NULL, &tx), 0);
        assert_string_equal(tx.id, "20261126T131500Z-1");
        assert_int_equal(tx.time, 1795000000);
        assert_string_equal(tx.profile, "vps-dev");
        assert_int_equal(tx.state, JOURNAL_COMMITTED);
        assert_int_equal(tx.n_records, 5);
        assert_int_equal(tx.n_originals, 3);
        assert_int_equal(tx.n_changes, 1);
        assert_int_equal(tx.n_failed, 1);
        assert_string_equal(tx.records[1].knob_id, "prop:/srv x:compression");
        assert_null(tx.records[1].value);          /* absent ... */
        assert_non_null(tx.records[3].value);      /* ... is not empty */
        assert_string_equal(tx.records[3].value, "");
        assert_int_equal(tx.records[4].error, -EINVAL);
        assert_false(tx.torn_tail);
        assert_int_equal(tx.bad_lines, 0);
        assert_null(tx.damage);
        assert_true(tx.has_root);
        assert_string_equal(tx.root.path, "/srv/r x");
        assert_int_equal(tx.root.dev, 2049);
        assert_int_equal(tx.root.ino, 1234);
        journal_tx_done(&tx);
        /* the file name must be the id of its BEGIN */
        assert_int_equal(journal_parse(all, strlen(all), "20261126T131500Z-2", &tx), 0);
        assert_non_null(tx.damage);
        journal_tx_done(&tx);
        /* without ROOT: damaged (no root to check a rollback against) */
        free(all);
        all = xasprintf("%s%s%s", a0, b, g);
        assert_int_equal(journal_parse(all, strlen(all), NULL, &tx), 0);
        assert_false(tx.has_root);
        assert_string_equal(tx.damage, "no ROOT record");
        journal_tx_done(&tx);
}

static void test_parse_torn_and_damaged(void **state) {
        _cleanup_free_ char *a0 = line("BEGIN 20261126T131500Z-1 1795000000 ~"), *r0 = line("ROOT / 1 2");
        _cleanup_free_ char *a = xasprintf("%s%s", a0, r0);
        _cleanup_free_ char *b = line("ORIG sysctl:vm.swappiness =60");
        _cleanup_free_ char *c = line("ORIG sysctl:vm.dirty_ratio =20");
        _cleanup_free_ char *rb = line("ROLLEDBACK 1795000001"), *ab = line("ABANDONED 1795000001 0");
        _cleanup_free_ char *torn = NULL, *flipped = NULL, *all = NULL;
        struct journal_tx tx;
        (void) state;

        /* every possible tear of the last record: never taken, always torn */
        for (size_t cut = 0; cut < strlen(c); cut++) {
                free(all);
                all = xasprintf("%s%s%.*s", a, b, (int) cut, c);
                assert_int_equal(journal_parse(all, strlen(all), NULL, &tx), 0);
                assert_int_equal(tx.n_originals, 1);
                assert_true(tx.torn_tail == (cut > 0));
                assert_int_equal(tx.state, JOURNAL_INCOMPLETE);
                assert_null(tx.damage);
                journal_tx_done(&tx);
                /* closed after the tear (on a line of its own): still torn, not damage */
                free(all);
                all = xasprintf("%s%s%.*s\n%s", a, b, (int) cut, c, rb);
                assert_int_equal(journal_parse(all, strlen(all), NULL, &tx), 0);
                assert_int_equal(tx.state, JOURNAL_ROLLED_BACK);
                assert_null(tx.damage);
                journal_tx_done(&tx);
        }
        /* a flipped byte in the middle: that record is dropped, counted */
        flipped = xstrdup(b);
        flipped[12] = 'X';
        free(all);
        all = xasprintf("%s%s%s", a, flipped, c);
        assert_int_equal(journal_parse(all, strlen(all), NULL, &tx), 0);
        assert_int_equal(tx.n_originals, 1);
        assert_string_equal(tx.records[0].value, "20");
        assert_int_equal(tx.bad_lines, 1);
        assert_string_equal(tx.damage, "damaged records");
        journal_tx_done(&tx);
        /* a ROLLEDBACK does not make a damaged journal rolled back */
        free(all);
        all = xasprintf("%s%s%s%s", a, flipped, c, rb);
        assert_int_equal(journal_parse(all, strlen(all), NULL, &tx), 0);
        assert_int_equal(tx.state, JOURNAL_INCOMPLETE);
        assert_non_null(tx.damage);
        journal_tx_done(&tx);
        /* no BEGIN at all (the file of an apply killed at its first
         * write): damaged, incomplete; only ABANDONED closes it */
        torn = xstrndup(a, 10);
        assert_int_equal(journal_parse(torn, strlen(torn), NULL, &tx), 0);
        assert_string_equal(tx.damage, "no BEGIN record");
        assert_int_equal(tx.state, JOURNAL_INCOMPLETE);
        journal_tx_done(&tx);
        assert_int_equal(journal_parse("", 0, NULL, &tx), 0);
        assert_false(tx.begun);
        assert_int_equal(tx.state, JOURNAL_INCOMPLETE);
        journal_tx_done(&tx);
        free(all);
        all = xasprintf("%s%s", rb, rb);
        assert_int_equal(journal_parse(all, strlen(all), NULL, &tx), 0);
        assert_int_equal(tx.state, JOURNAL_INCOMPLETE);
        journal_tx_done(&tx);
        free(all);
        all = xasprintf("%s\n%s", torn, ab);
        assert_int_equal(journal_parse(all, strlen(all), NULL, &tx), 0);
        assert_int_equal(tx.state, JOURNAL_ABANDONED);
        journal_tx_done(&tx);
}

static void test_state_dir_checks(void **state) {
        _cleanup_free_ char *sd = xasprintf("%s/a/b/state", tmp), *ln = xasprintf("%s/link", tmp);
        _cleanup_free_ char *ww = xasprintf("%s/ww", tmp);
        struct stat st;
        int fd = -1;
        (void) state;

        assert_int_equal(journal_state_open(sd, false, &fd), -ENOENT);
        assert_int_equal(journal_state_open(sd, true, &fd), 0);
        assert_int_equal(fstat(fd, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0700);
        close(fd);
        assert_int_equal(symlink(sd, ln), 0);
        assert_int_equal(journal_state_open(ln, true, &fd), -ELOOP);
        assert_int_equal(mkdir(ww, 0700), 0);
        assert_int_equal(chmod(ww, 0777), 0);
        assert_int_equal(journal_state_open(ww, false, &fd), -EPERM);
}

static void test_default_state_dir(void **state) {
        _cleanup_free_ char *a = journal_default_state_dir(NULL), *b = journal_default_state_dir("/");
        _cleanup_free_ char *c = journal_default_state_dir("/tmp/root/");
        (void) state;
        assert_string_equal(a, b);
        /* VPSTUNE_STATE_DIR follows -Dlocalstatedir: /var/lib/vpstune by default. */
        assert_string_equal(c, "/tmp/root" VPSTUNE_STATE_DIR);
}

static void test_write_list_incomplete(void **state) {
        _cleanup_free_ char *sd = xasprintf("%s/s2", tmp), *id1 = NULL, *id2 = NULL, *inc = NULL;
        struct journal_tx *a = NULL, tx;
        struct journal *j = NULL;
        struct journal_root root = { .path = (char *) "/srv/root", .dev = 7, .ino = 99 };
        size_t n = 0;
        int fd, lock, lock2;
        (void) state;

        assert_int_equal(journal_state_open(sd, true, &fd), 0);
        assert_int_equal(journal_find_incomplete(fd, &inc), -ENOENT);

        assert_int_equal(journal_begin(fd, "p 1", &root, &j), 0);
        id1 = xstrdup(journal_get_id(j));
        assert_int_equal(journal_orig(j, "nix:@file", NULL), 0);
        assert_int_equal(journal_orig(j, "sysctl:vm.swappiness", "60"), 0);
        assert_int_equal(journal_done(j, "sysctl:vm.swappiness", "10"), 0);
        assert_int_equal(journal_commit(j), 0);
        journal_close(j);

        assert_int_equal(journal_begin(fd, NULL, &root, &j), 0);
        id2 = xstrdup(journal_get_id(j));
        assert_true(journal_id_compare(id1, id2) < 0);
        assert_int_equal(journal_orig(j, "containers:@file", "a b\n"), 0);
        journal_close(j); /* "crash": no COMMIT */

        {
                /* a torn append at the end of the crashed file */
                _cleanup_free_ char *p = xasprintf("%s/tx-%s.journal", sd, id2);
                FILE *f = fopen(p, "a");
                struct stat st;
                assert_non_null(f);
                fputs("DONE containers:driver =btr", f);
                fclose(f);
                assert_int_equal(stat(p, &st), 0);
                assert_int_equal(st.st_mode & 0777, 0600);
        }
        assert_int_equal(journal_list(fd, &a, &n), 0);
        assert_int_equal(n, 2);
        assert_string_equal(a[0].id, id1);
        assert_int_equal(a[0].state, JOURNAL_COMMITTED);
        assert_string_equal(a[0].profile, "p 1");
        assert_int_equal(a[0].n_originals, 2);
        assert_int_equal(a[0].n_changes, 1);
        assert_int_equal(a[1].state, JOURNAL_INCOMPLETE);
        assert_true(a[1].torn_tail);
        assert_null(a[1].profile);
        journal_tx_array_free(a, n);

        assert_int_equal(journal_find_incomplete(fd, &inc), 0);
        assert_string_equal(inc, id2);
        /* the ROLLEDBACK record must not be glued to the torn line */
        assert_int_equal(journal_mark_rolled_back(fd, id2), 0);
        assert_int_equal(journal_load(fd, id2, &tx), 0);
        assert_int_equal(tx.state, JOURNAL_ROLLED_BACK);
        assert_int_equal(tx.bad_lines, 0); /* the old torn line, closed */
        assert_true(tx.torn_tail);
        assert_null(tx.damage);
        assert_string_equal(tx.root.path, "/srv/root");
        assert_string_equal(tx.records[0].value, "a b\n");
        journal_tx_done(&tx);
        free(inc);
        inc = NULL;
        assert_int_equal(journal_find_incomplete(fd, &inc), -ENOENT);

        assert_int_equal(journal_lock(fd, false, &lock), 0);
        assert_int_equal(journal_lock(fd, false, &lock2), -EWOULDBLOCK);
        journal_unlock(lock);
        assert_int_equal(journal_lock(fd, false, &lock2), 0);
        journal_unlock(lock2);
        assert_int_equal(journal_load(fd, "../../x", &tx), -EINVAL);
        close(fd);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_escape_roundtrip),
                cmocka_unit_test(test_unescape_rejects),
                cmocka_unit_test(test_crc32),
                cmocka_unit_test(test_ids),
                cmocka_unit_test(test_parse_records),
                cmocka_unit_test(test_parse_torn_and_damaged),
                cmocka_unit_test(test_state_dir_checks),
                cmocka_unit_test(test_default_state_dir),
                cmocka_unit_test(test_write_list_incomplete),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
