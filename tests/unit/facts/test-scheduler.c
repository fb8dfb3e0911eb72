/* SPDX-License-Identifier: MIT */
/* facts_parse_scheduler(): queue/scheduler and zram comp_algorithm lines. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "facts/facts.h"
#include "util.h"

static const struct {
        const char *in;
        int ret;
        const char *active;   /* NULL: none */
        const char *list;     /* space-joined expected list */
} cases[] = {
        { "none [mq-deadline] kyber bfq\n", 0, "mq-deadline", "none mq-deadline kyber bfq" },
        { "[none] mq-deadline kyber bfq \n", 0, "none", "none mq-deadline kyber bfq" },
        { "none\n", 0, "none", "none" },
        { "none", 0, "none", "none" },
        { "[none]", 0, "none", "none" },
        { "lzo [lzo-rle] lz4\n", 0, "lzo-rle", "lzo lzo-rle lz4" },
        { "lzo lzo-rle lz4 [zstd] 842", 0, "zstd", "lzo lzo-rle lz4 zstd 842" },
        /* several names, none chosen: list but no active one */
        { "none mq-deadline", 0, NULL, "none mq-deadline" },
        { "\tbfq\t[kyber]\n", 0, "kyber", "bfq kyber" },
        /* garbage */
        { "", -EINVAL, NULL, NULL },
        { "   \n", -EINVAL, NULL, NULL },
        { "[none] [kyber]", -EINVAL, NULL, NULL },
        { "[]", -EINVAL, NULL, NULL },
        { "[none", -EINVAL, NULL, NULL },
        { "none]", -EINVAL, NULL, NULL },
        { "[[none]]", -EINVAL, NULL, NULL },
        { "mq-deadline;rm -rf", -EINVAL, NULL, NULL },
        { "caf\xc3\xa9", -EINVAL, NULL, NULL },
        { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", -EINVAL, NULL, NULL },
};

static void test_table(void **state) {
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char *active = (char *) 0x1, **list = (char **) 0x1;
                int r = facts_parse_scheduler(cases[i].in, &active, &list);

                print_message("# case %zu\n", i);
                assert_int_equal(r, cases[i].ret);
                if (r < 0) {
                        /* ret_* untouched on failure */
                        assert_ptr_equal(active, (char *) 0x1);
                        assert_ptr_equal(list, (char **) 0x1);
                        continue;
                }
                if (cases[i].active)
                        assert_string_equal(active, cases[i].active);
                else
                        assert_null(active);
                {
                        _cleanup_free_ char *joined = strv_join(list, " ");
                        assert_string_equal(joined, cases[i].list);
                }
                free(active);
                strv_free(list);
        }
}

static void test_null_outputs(void **state) {
        char **list = NULL;

        (void) state;
        assert_int_equal(facts_parse_scheduler("a [b]", NULL, &list), 0);
        assert_int_equal(strv_length(list), 2);
        strv_free(list);
        assert_int_equal(facts_parse_scheduler(NULL, NULL, NULL), -EINVAL);
}

static void test_too_many(void **state) {
        _cleanup_free_ char *s = NULL;
        char **list = NULL;

        (void) state;
        s = xstrdup("");
        for (int i = 0; i < 65; i++) {
                char *n = xasprintf("%s s%d", s, i);
                free(s);
                s = n;
        }
        assert_int_equal(facts_parse_scheduler(s, NULL, &list), -EINVAL);
        assert_null(list);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_table),
                cmocka_unit_test(test_null_outputs),
                cmocka_unit_test(test_too_many),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
