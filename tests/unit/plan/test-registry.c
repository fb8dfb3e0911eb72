/* SPDX-License-Identifier: MIT */
/*
 * The knob registry (knobs/knob.h): every kind declares all it must, the
 * consumers derive from it, and FORMAT.md lists what it serves.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "generate/generate.h"
#include "knobs/knob.h"
#include "plan/plan.h"
#include "profile/profile.h"
#include "util.h"

static void test_every_kind_is_complete(void **state) {
        size_t n;
        const struct knob_kind *const *k = knob_kinds(&n);

        (void) state;
        assert_true(n >= 10);
        for (size_t i = 0; i < n; i++) {
                if (!k[i]->group || !k[i]->grammar || !k[i]->summary || !k[i]->validate || !k[i]->read ||
                    !k[i]->write)
                        fail_msg("kind %zu (%s): group, grammar, summary, validate, read, write are required", i,
                                 strna(k[i]->group));
                if (!startswith(k[i]->grammar, k[i]->group) || k[i]->grammar[strlen(k[i]->group)] != ':')
                        fail_msg("%s: grammar '%s' must start with the group", k[i]->group, k[i]->grammar);
                /* It persists somewhere, or says why it cannot. */
                if ((!k[i]->persist_to || !k[i]->persist_to[0]) && !k[i]->no_persist)
                        fail_msg("%s: no persist_to and no no_persist", k[i]->group);
                for (const char *const *t = k[i]->persist_to; t && *t; t++) {
                        enum gen_target gt;
                        if (gen_target_from_string(*t, &gt) < 0)
                                fail_msg("%s: persist_to names '%s', not a generate target", k[i]->group, *t);
                }
                assert_ptr_equal(knob_kind_by_group(k[i]->group), k[i]);
                for (size_t j = 0; j < i; j++)
                        if (streq(k[i]->group, k[j]->group))
                                fail_msg("group %s twice", k[i]->group);
        }
}

static void test_unit_types_are_served_once(void **state) {
        size_t n;
        const struct knob_kind *const *k = knob_kinds(&n);

        (void) state;
        for (size_t i = 0; i < n; i++)
                for (const struct knob_unit *u = k[i]->units; u && u->type; u++) {
                        const struct knob_kind *owner = NULL;
                        assert_non_null(u->plan);
                        assert_ptr_equal(knob_unit_for_type(u->type, &owner), u);
                        if (owner != k[i])
                                fail_msg("unit type [%s] is served by %s and %s", u->type, owner->group, k[i]->group);
                        assert_true(profile_unit_is_supported(u->type));
                }
        assert_null(knob_unit_for_type("bootloader", NULL));
        assert_false(profile_unit_is_supported("bootloader"));
        assert_true(profile_unit_is_supported("main"));
}

static void test_groups_derive(void **state) {
        _cleanup_free_ char *all = knob_groups_joined(", ");
        _cleanup_strv_ char **tuned = knob_groups_persisting_to("tuned");
        struct plan p = {};
        char *only[] = { (char *) "sysctl", NULL }, *bad_only[] = { (char *) "nosuch", NULL };
        _cleanup_free_ char *bad = NULL;

        (void) state;
        assert_true(startswith(all, "sysctl, block, "));
        assert_true(strv_contains(tuned, "sysctl") && strv_contains(tuned, "sysfs"));
        assert_false(strv_contains(tuned, "zram"));
        /* plan_filter knows every registry group, and nothing else */
        assert_int_equal(plan_filter(&p, only, NULL, &bad), 0);
        assert_int_equal(plan_filter(&p, bad_only, NULL, &bad), -EINVAL);
        assert_string_equal(bad, "nosuch");
}

static void test_item_defaults_come_from_the_kind(void **state) {
        struct plan *p = xcalloc(1, sizeof *p);
        struct plan_item *a;

        (void) state;
        a = plan_add(p, SECTION_VM, "sysctl:vm.swappiness", "60", "10", CMP_NUMERIC);
        assert_true(a->runtime);
        assert_string_equal(a->persist, knob_kind_by_group("sysctl")->persist);
        plan_add(p, SECTION_CONTAINERS, "containers:driver", "overlay", "btrfs", CMP_EXACT);
        assert_false(p->items[1].runtime);
        assert_string_equal(p->items[1].persist, "storage.conf");
        plan_free(p);
}

/* FORMAT.md's "Supported unit types" names every type the registry serves. */
static void test_format_md_lists_every_unit(void **state) {
        const char *src = getenv("SRCDIR");
        _cleanup_free_ char *path = xasprintf("%s/src/profile/FORMAT.md", src ? src : ".");
        _cleanup_free_ char *text = NULL, *list = NULL;
        FILE *f = fopen(path, "re");
        size_t n, len = 0;
        const struct knob_kind *const *k = knob_kinds(&n);
        const char *s, *e;

        (void) state;
        assert_non_null(f);
        assert_true(getdelim(&text, &len, '\0', f) > 0);
        fclose(f);
        s = strstr(text, "Supported unit types:");
        assert_non_null(s);
        e = strstr(s, ". ");
        assert_non_null(e);
        list = xstrndup(s, (size_t) (e - s));
        for (size_t i = 0; i < n; i++)
                for (const struct knob_unit *u = k[i]->units; u && u->type; u++) {
                        _cleanup_free_ char *q = xasprintf("`%s`", u->type);
                        if (!strstr(list, q))
                                fail_msg("FORMAT.md does not list unit type %s (served by %s)", q, k[i]->group);
                }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_every_kind_is_complete),
                cmocka_unit_test(test_unit_types_are_served_once),
                cmocka_unit_test(test_groups_derive),
                cmocka_unit_test(test_item_defaults_come_from_the_kind),
                cmocka_unit_test(test_format_md_lists_every_unit),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
