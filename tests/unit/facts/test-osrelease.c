/* SPDX-License-Identifier: MIT */
/* facts_parse_os_release: os-release(5) quoting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "facts/facts.h"
#include "sysroot.h"
#include "util.h"
#include "tests/unit/sysroot-fixture.h"

static const struct {
        const char *name, *text;
        int ret;
        const char *id, *version_id, *pretty_name, *os_name, *id_like, *variant_id;
} cases[] = {
        { "debian 12",
          "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\n"
          "VERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n"
          "HOME_URL=\"https://www.debian.org/\"\n",
          0, "debian", "12", "Debian GNU/Linux 12 (bookworm)", "Debian GNU/Linux", NULL, NULL },
        { "fedora, single quotes, variant",
          "NAME='Fedora Linux'\nID=fedora\nVERSION_ID=40\nVARIANT_ID=server\nID_LIKE=\"rhel centos\"\n",
          0, "fedora", "40", NULL, "Fedora Linux", "rhel centos", "server" },
        { "nixos", "ID=nixos\nVERSION_ID=\"24.05\"\nPRETTY_NAME=\"NixOS 24.05 (Uakari)\"\n",
          0, "nixos", "24.05", "NixOS 24.05 (Uakari)", NULL, NULL, NULL },
        { "escapes in double quotes",
          "PRETTY_NAME=\"a \\\"quoted\\\" \\$HOME \\\\ \\` \\n\"\n",
          0, NULL, NULL, "a \"quoted\" $HOME \\ ` \\n", NULL, NULL, NULL },
        { "single quotes are literal", "NAME='a\\b \"c\"'\n", 0, NULL, NULL, NULL, "a\\b \"c\"", NULL, NULL },
        { "unquoted escapes", "NAME=a\\ b\\\"c\n", 0, NULL, NULL, NULL, "a b\"c", NULL, NULL },
        { "concatenated quoting", "NAME=\"a\"'b'c\n", 0, NULL, NULL, NULL, "abc", NULL, NULL },
        { "continuation line", "NAME=\"Long \\\nName\"\nID=x\n", 0, "x", NULL, NULL, "Long Name", NULL, NULL },
        { "newline inside quotes", "NAME=\"two\nlines\"\nID=y\n", 0, "y", NULL, NULL, "two\nlines", NULL, NULL },
        { "comments, blanks, CRLF, spaces around =",
          "# comment\n\n   ; other comment\nID = arch \r\nVERSION_ID=rolling\r\n",
          0, "arch", "rolling", NULL, NULL, NULL, NULL },
        { "trailing whitespace stripped, quoted kept", "ID=alpine   \nNAME=\"Alpine  \"\n",
          0, "alpine", NULL, NULL, "Alpine  ", NULL, NULL },
        { "last assignment wins", "ID=a\nID=b\n", 0, "b", NULL, NULL, NULL, NULL, NULL },
        { "empty value is unknown", "ID=\nVERSION_ID=\"\"\nNAME=x\n", 0, NULL, NULL, NULL, "x", NULL, NULL },
        { "unterminated quote drops the rest", "ID=ok\nNAME=\"never closed\nVERSION_ID=1\n",
          0, "ok", NULL, NULL, NULL, NULL, NULL },
        { "garbage lines skipped", "!!!\n=x\n9ID=bad\nID x\nID=good\n", 0, "good", NULL, NULL, NULL, NULL, NULL },
        { "key case matters", "id=lower\nID=upper\n", 0, "upper", NULL, NULL, NULL, NULL, NULL },
        { "no trailing newline", "ID=last", 0, "last", NULL, NULL, NULL, NULL, NULL },
        { "backslash at the end", "ID=x\\", 0, "x", NULL, NULL, NULL, NULL, NULL },
        { "empty", "", -EINVAL },
        { "only comments", "# a\n# b\n", -EINVAL },
        { "only garbage", "\x01\x02\x03\n  = =\n", -EINVAL },
        { "unterminated first", "ID='x\n", -EINVAL },
};

static void check(const char *got, const char *want) {
        if (want)
                assert_string_equal(got, want);
        else
                assert_null(got);
}

static void test_table(void **state) {
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct os_facts o = { .id = (char *) "untouched" };
                int r;

                print_message("# case: %s\n", cases[i].name);
                r = facts_parse_os_release(cases[i].text, &o);
                assert_int_equal(r, cases[i].ret);
                if (r < 0) {
                        assert_string_equal(o.id, "untouched");
                        continue;
                }
                check(o.id, cases[i].id);
                check(o.version_id, cases[i].version_id);
                check(o.pretty_name, cases[i].pretty_name);
                check(o.name, cases[i].os_name);
                check(o.id_like, cases[i].id_like);
                check(o.variant_id, cases[i].variant_id);
                os_facts_done(&o);
        }
}

/* A value longer than any real one is dropped, the file still parses. */
static void test_huge_value(void **state) {
        size_t len = 1024 * 1024;
        char *text = xmalloc(len + 32);
        struct os_facts o;

        (void) state;
        strcpy(text, "NAME=\"");
        memset(text + 6, 'x', len);
        strcpy(text + 6 + len, "\"\nID=big\n");
        assert_int_equal(facts_parse_os_release(text, &o), 0);
        assert_null(o.name);
        assert_string_equal(o.id, "big");
        os_facts_done(&o);
        free(text);
}

/* ---- collector against a sysroot in a temporary directory ---- */

static const struct collect_case {
        const char *name;
        struct fixture_file files[3];
        const char *id;
        size_t warnings;
} collect_cases[] = {
        { "etc wins", { { "etc/os-release", "ID=etc\n" }, { "usr/lib/os-release", "ID=usr\n" } }, "etc", 0 },
        { "usr/lib fallback", { { "usr/lib/os-release", "ID=usr\n" } }, "usr", 0 },
        { "relative symlink", { { "usr/lib/os-release", "ID=linked\n" }, { "etc/os-release", NULL, "../usr/lib/os-release" } },
          "linked", 0 },
        { "absolute symlink stays in the sysroot",
          { { "usr/lib/os-release", "ID=inside\n" }, { "etc/os-release", NULL, "/usr/lib/os-release" } }, "inside", 0 },
        { "garbage in etc: warning, then usr/lib",
          { { "etc/os-release", "\x01\x02\n" }, { "usr/lib/os-release", "ID=usr\n" } }, "usr", 1 },
        { "none: unknown, no warning", { { "etc/hostname", "x\n" } }, NULL, 0 },
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
                facts_collect_os(sr, f);
                check(f->os.id, c->id);
                assert_int_equal(strv_length(f->warnings), c->warnings);
                facts_free(f);
                sysroot_free(sr);
                remove_sysroot(dir);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_table),
                cmocka_unit_test(test_huge_value),
                cmocka_unit_test(test_collect),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
