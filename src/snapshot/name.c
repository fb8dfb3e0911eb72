/* SPDX-License-Identifier: MIT */
/*
 * Snapshot names in btrbk's formats: NAME.YYYYMMDD (short),
 * NAME.YYYYMMDDThhmm (long, what we write) and an optional _N when two fall
 * in the same minute. Times are local, as btrbk reads them (timelocal).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "snapshot/snapshot.h"
#include "util.h"

static int digits(const char *s, size_t n, int *ret) {
        int v = 0;
        for (size_t i = 0; i < n; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return -EINVAL;
                v = v * 10 + (s[i] - '0');
        }
        *ret = v;
        return 0;
}

int snap_name_parse(const char *name, char **ret_base, time_t *ret_t, unsigned *ret_n, bool *ret_exact) {
        const char *dot, *p;
        int Y, M, D, h = 0, m = 0;
        unsigned nn = 0;
        bool exact = false;
        struct tm tm = {};
        time_t t;

        if (!name)
                return -EINVAL;
        /* btrbk's (.+)\.DATE: the last dot (NAME may hold dots, dates none). */
        dot = strrchr(name, '.');
        if (!dot || dot == name)
                return -EINVAL;
        p = dot + 1;
        if (digits(p, 4, &Y) < 0 || digits(p + 4, 2, &M) < 0 || digits(p + 6, 2, &D) < 0)
                return -EINVAL;
        p += 8;
        if (*p == 'T') {
                if (digits(p + 1, 2, &h) < 0 || digits(p + 3, 2, &m) < 0)
                        return -EINVAL;
                p += 5;
                exact = true;
        }
        if (*p == '_') {
                int v;
                size_t l = strlen(p + 1);
                if (l == 0 || l > 6 || digits(p + 1, l, &v) < 0)
                        return -EINVAL;
                nn = (unsigned) v;
                p += 1 + l;
        }
        if (*p)
                return -EINVAL;
        if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || Y < 1970)
                return -EINVAL;
        tm.tm_year = Y - 1900;
        tm.tm_mon = M - 1;
        tm.tm_mday = D;
        tm.tm_hour = h;
        tm.tm_min = m;
        tm.tm_isdst = -1;
        t = mktime(&tm);
        if (t == (time_t) -1 || tm.tm_mday != D) /* 20260231 */
                return -EINVAL;
        if (ret_base)
                *ret_base = xstrndup(name, (size_t) (dot - name));
        if (ret_t)
                *ret_t = t;
        if (ret_n)
                *ret_n = nn;
        if (ret_exact)
                *ret_exact = exact;
        return 0;
}

char *snap_name_format(const char *base, time_t t, unsigned n) {
        struct tm tm;
        char buf[32];

        localtime_r(&t, &tm);
        strftime(buf, sizeof buf, "%Y%m%dT%H%M", &tm);
        if (n)
                return xasprintf("%s.%s_%u", base, buf, n);
        return xasprintf("%s.%s", base, buf);
}

time_t snap_now(void) {
        const char *e = getenv("VPSTUNE_TEST_NOW");
        int64_t v;
        if (e && safe_atoi64(e, &v) == 0 && v > 0)
                return (time_t) v;
        return time(NULL);
}
