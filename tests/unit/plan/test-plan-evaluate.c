/* SPDX-License-Identifier: MIT */
/* plan_item_evaluate() and plan_filter(): table-driven. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>

#include "plan/plan.h"
#include "util.h"

static void test_evaluate(void **state) {
        static const struct {
                const char *current, *target;
                enum item_cmp cmp;
                enum item_status expect;
        } cases[] = {
                { "60", "10", CMP_NUMERIC, ITEM_DRIFT },
                { "10", "10", CMP_NUMERIC, ITEM_OK },
                { "010", "10", CMP_NUMERIC, ITEM_OK },          /* numbers, not strings */
                { "sixty", "10", CMP_NUMERIC, ITEM_ERROR },     /* garbage is unreadable, not drift */
                { "", "10", CMP_NUMERIC, ITEM_ERROR },
                { "8192", "4096", CMP_AT_LEAST, ITEM_OK },      /* TuneD ">4096": only raise */
                { "128", "4096", CMP_AT_LEAST, ITEM_DRIFT },
                { "128", "4096", CMP_AT_MOST, ITEM_OK },        /* "<4096": only lower */
                { "8192", "4096", CMP_AT_MOST, ITEM_DRIFT },
                { "none", "mq-deadline|none", CMP_ONE_OF, ITEM_OK },
                { "bfq", "mq-deadline|none", CMP_ONE_OF, ITEM_DRIFT },
                { "zstd:2", "zstd:2", CMP_EXACT, ITEM_OK },
                { "zstd:3", "zstd:2", CMP_EXACT, ITEM_DRIFT },
                { NULL, "10", CMP_NUMERIC, ITEM_ERROR },        /* could not read */
        };
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct plan p = {};
                struct plan_item *it = plan_add(&p, SECTION_VM, "sysctl:vm.x", cases[i].current, cases[i].target, cases[i].cmp);
                if (it->status != cases[i].expect)
                        fail_msg("case %zu (%s vs %s): got %s, want %s", i, strna(cases[i].current), cases[i].target,
                                 item_status_to_string(it->status), item_status_to_string(cases[i].expect));
                free(p.items[0].knob), free(p.items[0].group), free(p.items[0].current);
                free(p.items[0].target), free(p.items[0].note);
                free(p.items);
        }
}

static void test_sticky_status(void **state) {
        struct plan *p = xcalloc(1, sizeof *p);
        struct plan_item *it = plan_add(p, SECTION_BTRFS, "mount:/var/log:nodatacow", "off", "on", CMP_EXACT);
        (void) state;
        assert_int_equal(it->status, ITEM_DRIFT);
        it->status = ITEM_UNSUPPORTED;  /* a builder's verdict survives re-evaluation */
        plan_item_evaluate(it);
        assert_int_equal(it->status, ITEM_UNSUPPORTED);
        plan_free(p);
}

static struct plan *three_groups(void) {
        struct plan *p = xcalloc(1, sizeof *p);
        plan_add(p, SECTION_VM, "sysctl:vm.swappiness", "60", "10", CMP_NUMERIC);
        plan_add(p, SECTION_SCHEDULER, "block:sda:scheduler", "none", "mq-deadline", CMP_EXACT);
        plan_add(p, SECTION_NIX, "nix:cores", "0", "8", CMP_EXACT);
        return p;
}

static void test_filter(void **state) {
        struct plan *p;
        char *bad = NULL;
        char *only[] = { (char *) "sysctl", (char *) "nix", NULL };
        char *skip[] = { (char *) "nix", NULL };
        char *bogus[] = { (char *) "frobnicate", NULL };
        (void) state;

        p = three_groups();
        assert_int_equal(plan_filter(p, only, NULL, &bad), 0);
        assert_int_equal(p->n_items, 2);
        assert_string_equal(p->items[0].group, "sysctl");
        assert_string_equal(p->items[1].group, "nix");
        plan_free(p);

        p = three_groups();
        assert_int_equal(plan_filter(p, only, skip, &bad), 0);
        assert_int_equal(p->n_items, 1);
        plan_free(p);

        p = three_groups();
        assert_int_equal(plan_filter(p, bogus, NULL, &bad), -EINVAL);
        assert_string_equal(bad, "frobnicate");
        assert_int_equal(p->n_items, 3); /* nothing dropped on error */
        free(bad);
        plan_free(p);
}

static void test_summary(void **state) {
        struct plan *p = three_groups();
        struct plan_summary s;
        (void) state;
        plan_summarize(p, &s);
        assert_int_equal(s.count[ITEM_DRIFT], 3);
        assert_int_equal(s.count[ITEM_OK], 0);
        plan_free(p);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_evaluate),
                cmocka_unit_test(test_sticky_status),
                cmocka_unit_test(test_filter),
                cmocka_unit_test(test_summary),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
