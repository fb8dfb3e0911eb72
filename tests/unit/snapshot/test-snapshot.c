/* SPDX-License-Identifier: MIT */
/* src/snapshot pure parts: btrbk names, policy syntax, the schedule,
 * sidecar round trip. (tests/root/t4101 compares the schedule with btrbk.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "snapshot/snapshot.h"
#include "util.h"

static int setup_tz(void **state) {
        (void) state;
        setenv("TZ", "UTC", 1);
        tzset();
        return 0;
}

static void test_names(void **state) {
        static const struct {
                const char *name, *base;
                int ret;
                time_t t;
                unsigned n;
                bool exact;
        } c[] = {
                { "@home.20251201T1200", "@home", 0, 1764590400, 0, true },
                { "@home.20251201T1200_3", "@home", 0, 1764590400, 3, true },
                { "a.b.c.20251201", "a.b.c", 0, 1764547200, 0, false },
                { "@.20240229T2359", "@", 0, 1709251140, 0, true },
                { "@home.20250229T1200", NULL, -EINVAL, 0, 0, false }, /* no 29 Feb in 2025 */
                { "@home.20251301T1200", NULL, -EINVAL, 0, 0, false },
                { "@home.20251201T2460", NULL, -EINVAL, 0, 0, false },
                { "@home.20251201T12", NULL, -EINVAL, 0, 0, false },
                { "@home.20251201T1200_", NULL, -EINVAL, 0, 0, false },
                { "@home.20251201T1200x", NULL, -EINVAL, 0, 0, false },
                { ".20251201T1200", NULL, -EINVAL, 0, 0, false },
                { "@home", NULL, -EINVAL, 0, 0, false },
                { "@home.rollback-20251201T1200", NULL, -EINVAL, 0, 0, false },
        };
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(c); i++) {
                char *base = NULL;
                time_t t = 0;
                unsigned n = 99;
                bool exact = false;
                int r = snap_name_parse(c[i].name, &base, &t, &n, &exact);
                if (r != c[i].ret)
                        fail_msg("%s: %d, want %d", c[i].name, r, c[i].ret);
                if (r == 0) {
                        assert_string_equal(base, c[i].base);
                        assert_int_equal(t, c[i].t);
                        assert_int_equal(n, c[i].n);
                        assert_int_equal(exact, c[i].exact);
                        if (exact) {
                                char *back = snap_name_format(base, t, n);
                                assert_string_equal(back, c[i].name);
                                free(back);
                        }
                }
                free(base);
        }
}

static void test_policy(void **state) {
        struct snap_policy p;
        (void) state;
        snap_policy_default(&p);
        assert_int_equal(p.min_kind, PRESERVE_MIN_N);
        assert_int_equal(p.min_n, 1);
        assert_int_equal(p.min_q, 'd');
        assert_int_equal(p.daily, 14);
        assert_int_equal(p.weekly, 8);
        assert_int_equal(p.monthly, 6);
        assert_int_equal(p.hourly, -1);
        assert_int_equal(snap_policy_parse_preserve(&p, "*h 3d"), 0);
        assert_int_equal(p.hourly, -2);
        assert_int_equal(p.daily, 3);
        assert_int_equal(p.weekly, -1);
        assert_int_equal(snap_policy_parse_preserve(&p, "no"), 0);
        assert_int_equal(p.daily, -1);
        assert_int_equal(snap_policy_parse_preserve(&p, "3d 4d"), -EINVAL);
        assert_int_equal(snap_policy_parse_preserve(&p, "3"), -EINVAL);
        assert_int_equal(snap_policy_parse_preserve(&p, "d"), -EINVAL);
        assert_int_equal(snap_policy_parse_preserve(&p, "-3d"), -EINVAL);
        assert_int_equal(snap_policy_parse_preserve(&p, ""), -EINVAL);
        assert_int_equal(snap_policy_parse_min(&p, "latest"), 0);
        assert_int_equal(p.min_kind, PRESERVE_MIN_LATEST);
        assert_int_equal(snap_policy_parse_min(&p, "12h"), 0);
        assert_int_equal(p.min_n, 12);
        assert_int_equal(p.min_q, 'h');
        assert_int_equal(snap_policy_parse_min(&p, "12"), -EINVAL);
        assert_int_equal(snap_policy_parse_min(&p, "h"), -EINVAL);
}

/* Hourly snapshots over 3 days; now = 2025-12-03 12:00 (Wednesday). */
static void test_schedule(void **state) {
        const time_t now = 1764763200;
        struct snap_sched s[72];
        struct snap_policy p;
        size_t kept = 0;
        (void) state;

        for (size_t i = 0; i < 72; i++)
                s[i] = (struct snap_sched) { .t = now - (time_t) i * 3600, .exact = true };
        snap_policy_default(&p);
        assert_int_equal(snap_policy_parse_min(&p, "no"), 0);
        assert_int_equal(snap_policy_parse_preserve(&p, "2d"), 0);
        snap_schedule(s, 72, &p, now);
        /* the first of each day: 12-03 00:00 (i=12), 12-02 00:00 (36), 12-01 00:00 (60) */
        for (size_t i = 0; i < 72; i++) {
                kept += s[i].keep;
                if (s[i].keep != (i == 12 || i == 36 || i == 60))
                        fail_msg("i=%zu keep=%d", i, s[i].keep);
        }
        assert_int_equal(kept, 3);

        /* hour of day 6: days start at 06:00 → 12-03 06:00 (6), 12-02 06:00 (30), 12-01 06:00 (54) */
        p.hour_of_day = 6;
        snap_schedule(s, 72, &p, now);
        for (size_t i = 0; i < 72; i++)
                if (s[i].keep != (i == 6 || i == 30 || i == 54))
                        fail_msg("hod 6: i=%zu keep=%d", i, s[i].keep);

        /* preserve_min 5h, nothing else */
        p.hour_of_day = 0;
        assert_int_equal(snap_policy_parse_min(&p, "5h"), 0);
        assert_int_equal(snap_policy_parse_preserve(&p, "no"), 0);
        snap_schedule(s, 72, &p, now);
        for (size_t i = 0; i < 72; i++)
                if (s[i].keep != (i <= 5))
                        fail_msg("min 5h: i=%zu keep=%d", i, s[i].keep);

        /* latest only; a future one is always kept */
        assert_int_equal(snap_policy_parse_min(&p, "latest"), 0);
        s[71].t = now + 7200;
        snap_schedule(s, 72, &p, now);
        for (size_t i = 0; i < 72; i++)
                if (s[i].keep != (i == 71))
                        fail_msg("latest: i=%zu keep=%d", i, s[i].keep);
        assert_string_equal(s[71].reason, "preserve_min latest");

        /* _N orders within the same minute: the first (N=0) is the daily one */
        struct snap_sched d[2] = { { .t = now - 86400, .n = 1, .exact = true }, { .t = now - 86400, .exact = true } };
        assert_int_equal(snap_policy_parse_min(&p, "no"), 0);
        assert_int_equal(snap_policy_parse_preserve(&p, "3d"), 0);
        snap_schedule(d, 2, &p, now);
        assert_false(d[0].keep);
        assert_true(d[1].keep);
}

static void test_sidecar(void **state) {
        struct snap_info s = {
                .id = (char *) "@home.20251201T1200", .fs_uuid = (char *) "u", .path = (char *) "vpstune-snapshots/x",
                .source = (char *) "@home", .mountpoint = (char *) "/home", .created = 1764590400, .kind = SNAP_PRE,
                .pair = (char *) "@home.20251201T1201", .description = (char *) "say \"hi\"\n",
                .transaction = (char *) "20261126T131500Z-1", .source_generation = 42, .subvol_id = 260,
                .generation = 43,
        }, back = {};
        char *tags[] = { (char *) "important", NULL };
        char *text;
        (void) state;

        s.tags = tags;
        text = snap_sidecar_format(&s);
        assert_int_equal(snap_sidecar_parse(text, &back), 0);
        assert_string_equal(back.id, s.id);
        assert_string_equal(back.description, s.description);
        assert_string_equal(back.pair, s.pair);
        assert_string_equal(back.transaction, s.transaction);
        assert_int_equal(back.kind, SNAP_PRE);
        assert_int_equal(back.created, s.created);
        assert_int_equal(back.source_generation, 42);
        assert_int_equal(back.subvol_id, 260);
        assert_true(strv_contains(back.tags, "important"));
        assert_null(back.uuid);
        snap_info_done(&back);
        free(text);

        assert_int_equal(snap_sidecar_parse("{", &back), -EBADMSG);
        assert_int_equal(snap_sidecar_parse("[]", &back), -EBADMSG);
        assert_int_equal(snap_sidecar_parse("{\"schema_version\":2,\"id\":\"a\"}", &back), -EBADMSG);
        assert_int_equal(snap_sidecar_parse("{\"schema_version\":1,\"id\":\"../a\"}", &back), -EBADMSG);
        assert_int_equal(snap_sidecar_parse("{\"schema_version\":1,\"id\":\"a\"}", &back), 0);
        assert_int_equal(back.kind, SNAP_UNKNOWN);
        snap_info_done(&back);
        assert_false(snap_id_is_valid(".hidden"));
        assert_false(snap_id_is_valid("a/b"));
        assert_false(snap_id_is_valid("a b"));
        assert_true(snap_id_is_valid("@home.20251201T1200_1"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_names),
                cmocka_unit_test(test_policy),
                cmocka_unit_test(test_schedule),
                cmocka_unit_test(test_sidecar),
        };
        return cmocka_run_group_tests(tests, setup_tz, NULL);
}
