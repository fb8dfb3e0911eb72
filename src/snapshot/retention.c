/* SPDX-License-Identifier: MIT */
/*
 * Retention in btrbk's terms, computed the way btrbk's schedule() does
 * (btrbk 0.32, "sub schedule"), so a policy means the same in both tools:
 *
 *  - days start at preserve_hour_of_day, weeks on preserve_day_of_week,
 *    months and years on the first such weekday of the month/year;
 *  - deltas (hours, days, weeks, months, years) are counted from "now",
 *    hours with timegm() on local fields (leap hours ignored, as btrbk);
 *  - preserve_min keeps everything within N units (or all, or the latest);
 *  - then the first (oldest) snapshot of each hour is a candidate for
 *    hourly, the first hourly candidate of each day for daily, the first
 *    daily of each week for weekly, the first weekly of each month for
 *    monthly, the first monthly of each year for yearly; a candidate is
 *    kept when its delta is within the count (or the count is "*");
 *  - snapshots dated in the future are kept (btrbk's preserve_date_in_future).
 *
 * tests/root/t4101-snapshot-btrbk.sh compares the result on 400 names with
 * btrbk's own dry-run prune.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "snapshot/snapshot.h"
#include "util.h"

void snap_policy_default(struct snap_policy *p) {
        *p = (struct snap_policy) {
                .min_kind = PRESERVE_MIN_N, .min_n = 1, .min_q = 'd',
                .hourly = -1, .daily = 14, .weekly = 8, .monthly = 6, .yearly = -1,
                .hour_of_day = 0, .day_of_week = 0, .max_pairs = 10,
        };
}

int snap_policy_parse_min(struct snap_policy *p, const char *s) {
        unsigned n;
        size_t l;

        if (streq(s, "all") || streq(s, "latest") || streq(s, "no")) {
                p->min_kind = streq(s, "all") ? PRESERVE_MIN_ALL :
                              streq(s, "latest") ? PRESERVE_MIN_LATEST : PRESERVE_MIN_NONE;
                return 0;
        }
        l = strlen(s);
        if (l < 2 || !strchr("hdwmy", s[l - 1]))
                return -EINVAL;
        _cleanup_free_ char *num = xstrndup(s, l - 1);
        if (safe_atou(num, &n) < 0 || n > 100000)
                return -EINVAL;
        p->min_kind = PRESERVE_MIN_N;
        p->min_n = n;
        p->min_q = s[l - 1];
        return 0;
}

int snap_policy_parse_preserve(struct snap_policy *p, const char *s) {
        _cleanup_strv_ char **w = strv_split(s, " \t");
        struct snap_policy q = *p;

        q.hourly = q.daily = q.weekly = q.monthly = q.yearly = -1;
        if (!w || !w[0])
                return -EINVAL;
        if (streq(w[0], "no") && !w[1]) {
                *p = q;
                return 0;
        }
        for (char **t = w; *t; t++) {
                size_t l = strlen(*t);
                int v, *slot;
                if (l < 2)
                        return -EINVAL;
                switch ((*t)[l - 1]) {
                case 'h': slot = &q.hourly; break;
                case 'd': slot = &q.daily; break;
                case 'w': slot = &q.weekly; break;
                case 'm': slot = &q.monthly; break;
                case 'y': slot = &q.yearly; break;
                default: return -EINVAL;
                }
                if (*slot != -1)
                        return -EINVAL; /* "14d 7d" */
                if (l == 2 && (*t)[0] == '*')
                        v = -2;
                else {
                        unsigned u;
                        _cleanup_free_ char *num = xstrndup(*t, l - 1);
                        if (safe_atou(num, &u) < 0 || u > 100000)
                                return -EINVAL;
                        v = (int) u;
                }
                *slot = v;
        }
        *p = q;
        return 0;
}

struct ent {
        struct snap_sched *s;
        long dh, dd, dw, dm, dy;
};

static int ent_cmp(const void *a, const void *b) {
        const struct ent *x = a, *y = b;
        if (x->s->t != y->s->t)
                return x->s->t < y->s->t ? -1 : 1;
        return x->s->n < y->s->n ? -1 : x->s->n > y->s->n;
}

/* From ents in iteration order: the first entry for each distinct key, in
 * descending key order (Perl's "sort {$b <=> $a} keys %first_in_delta"). */
static size_t firsts(struct ent **in, size_t n, size_t key_off, struct ent **out) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
                long k = *(long *) ((char *) in[i] + key_off);
                bool seen = false;
                for (size_t j = 0; j < m && !seen; j++)
                        seen = *(long *) ((char *) out[j] + key_off) == k;
                if (!seen)
                        out[m++] = in[i];
        }
        /* insertion sort, descending by key */
        for (size_t i = 1; i < m; i++) {
                struct ent *e = out[i];
                long k = *(long *) ((char *) e + key_off);
                size_t j = i;
                while (j > 0 && *(long *) ((char *) out[j - 1] + key_off) < k) {
                        out[j] = out[j - 1];
                        j--;
                }
                out[j] = e;
        }
        return m;
}

static bool within(int count, long delta) {
        /* Perl: "if($preserve_x && ($preserve_x eq 'all' || $delta <= $preserve_x))" */
        return count == -2 || (count > 0 && delta <= count);
}

void snap_schedule(struct snap_sched *s, size_t n, const struct snap_policy *p, time_t now) {
        _cleanup_free_ struct ent *e = NULL;
        _cleanup_free_ struct ent **a = NULL, **b = NULL;
        struct tm tn;
        time_t now_h;
        size_t m;

        if (n == 0)
                return;
        e = xcalloc(n, sizeof *e);
        a = xcalloc(n, sizeof *a);
        b = xcalloc(n, sizeof *b);
        for (size_t i = 0; i < n; i++) {
                s[i].keep = false;
                s[i].reason = NULL;
                e[i].s = &s[i];
        }
        qsort(e, n, sizeof *e, ent_cmp);

        localtime_r(&now, &tn);
        now_h = timegm(&(struct tm) { .tm_hour = tn.tm_hour, .tm_mday = tn.tm_mday, .tm_mon = tn.tm_mon,
                                      .tm_year = tn.tm_year });
        for (size_t i = 0; i < n; i++) {
                struct tm tm;
                long dhod, ddow, mon, year;
                time_t th;

                localtime_r(&e[i].s->t, &tm);
                dhod = tm.tm_hour - (e[i].s->exact ? (long) p->hour_of_day : 0);
                ddow = tm.tm_wday - (long) p->day_of_week;
                if (dhod < 0) {
                        dhod += 24;
                        ddow -= 1;
                }
                if (ddow < 0)
                        ddow += 7;
                mon = tm.tm_mon;
                year = tm.tm_year;
                if (tm.tm_mday <= ddow) {
                        mon -= 1;
                        if (mon < 0) {
                                mon = 11;
                                year -= 1;
                        }
                }
                th = timegm(&(struct tm) { .tm_hour = tm.tm_hour, .tm_mday = tm.tm_mday, .tm_mon = tm.tm_mon,
                                           .tm_year = tm.tm_year });
                /* Perl int() truncates toward zero, as C division does */
                e[i].dh = (long) ((now_h - th) / 3600);
                e[i].dd = (e[i].dh + dhod) / 24;
                e[i].dw = (e[i].dd + ddow) / 7;
                e[i].dy = tn.tm_year - year;
                e[i].dm = e[i].dy * 12 + (tn.tm_mon - mon);
                if (e[i].dh < 0) {
                        e[i].s->keep = true;
                        e[i].s->reason = "dated in the future";
                }
        }

        for (size_t i = 0; i < n; i++) {
                struct ent *x = &e[i];
                long d = -1;
                switch (p->min_kind) {
                case PRESERVE_MIN_ALL:
                        x->s->keep = true;
                        x->s->reason = "preserve_min all";
                        break;
                case PRESERVE_MIN_N:
                        d = p->min_q == 'h' ? x->dh : p->min_q == 'd' ? x->dd : p->min_q == 'w' ? x->dw :
                            p->min_q == 'm' ? x->dm : x->dy;
                        if (d <= (long) p->min_n) {
                                x->s->keep = true;
                                x->s->reason = "preserve_min";
                        }
                        break;
                default:
                        break;
                }
                a[i] = x;
        }
        if (p->min_kind == PRESERVE_MIN_LATEST) {
                e[n - 1].s->keep = true;
                e[n - 1].s->reason = "preserve_min latest";
        }

        /* hourly → daily → weekly → monthly → yearly: each level's candidates
         * are the first of the previous level's in each of its periods */
        {
                const struct {
                        size_t key;
                        int count;
                        const char *why;
                } lv[] = {
                        { offsetof(struct ent, dh), p->hourly, "hourly: first of hour" },
                        { offsetof(struct ent, dd), p->daily, "daily: first of day" },
                        { offsetof(struct ent, dw), p->weekly, "weekly: first of week" },
                        { offsetof(struct ent, dm), p->monthly, "monthly: first weekly of month" },
                        { offsetof(struct ent, dy), p->yearly, "yearly: first monthly of year" },
                };
                struct ent **in = a, **out = b, **tmp;
                m = n;
                for (size_t k = 0; k < ELEMENTSOF(lv); k++) {
                        m = firsts(in, m, lv[k].key, out);
                        for (size_t i = 0; i < m; i++)
                                if (within(lv[k].count, *(long *) ((char *) out[i] + lv[k].key))) {
                                        out[i]->s->keep = true;
                                        out[i]->s->reason = lv[k].why;
                                }
                        tmp = in, in = out, out = tmp;
                }
        }
}
