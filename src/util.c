/* SPDX-License-Identifier: MIT */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

static const char *skip_space(const char *s) {
        while (*s && isspace((unsigned char) *s))
                s++;
        return s;
}

static bool only_space(const char *s) {
        return *skip_space(s) == '\0';
}

int safe_atou64(const char *s, uint64_t *ret) {
        char *end;
        unsigned long long v;

        if (!s)
                return -EINVAL;
        s = skip_space(s);
        if (!isdigit((unsigned char) *s))
                return -EINVAL;
        errno = 0;
        v = strtoull(s, &end, 10);
        if (errno == ERANGE)
                return -ERANGE;
        if (end == s || !only_space(end))
                return -EINVAL;
        *ret = (uint64_t) v;
        return 0;
}

int safe_atoi64(const char *s, int64_t *ret) {
        char *end;
        long long v;

        if (!s)
                return -EINVAL;
        s = skip_space(s);
        if (!isdigit((unsigned char) *s) && *s != '-' && *s != '+')
                return -EINVAL;
        errno = 0;
        v = strtoll(s, &end, 10);
        if (errno == ERANGE)
                return -ERANGE;
        if (end == s || !only_space(end))
                return -EINVAL;
        *ret = (int64_t) v;
        return 0;
}

int safe_atou(const char *s, unsigned *ret) {
        uint64_t v;
        int r = safe_atou64(s, &v);
        if (r < 0)
                return r;
        if (v > UINT32_MAX)
                return -ERANGE;
        *ret = (unsigned) v;
        return 0;
}

int safe_atoi(const char *s, int *ret) {
        int64_t v;
        int r = safe_atoi64(s, &v);
        if (r < 0)
                return r;
        if (v < INT32_MIN || v > INT32_MAX)
                return -ERANGE;
        *ret = (int) v;
        return 0;
}

int parse_size(const char *s, uint64_t *ret) {
        char *end;
        unsigned long long v;
        uint64_t mul = 1;

        if (!s)
                return -EINVAL;
        s = skip_space(s);
        if (!isdigit((unsigned char) *s))
                return -EINVAL;
        errno = 0;
        v = strtoull(s, &end, 10);
        if (errno == ERANGE)
                return -ERANGE;
        end = (char *) skip_space(end);
        switch (*end) {
        case 'K': case 'k': mul = 1ULL << 10; end++; break;
        case 'M': case 'm': mul = 1ULL << 20; end++; break;
        case 'G': case 'g': mul = 1ULL << 30; end++; break;
        case 'T': case 't': mul = 1ULL << 40; end++; break;
        default: break;
        }
        if (mul > 1 && (*end == 'i' || *end == 'I'))
                end++;
        if (mul > 1 && (*end == 'B' || *end == 'b'))
                end++;
        if (!only_space(end))
                return -EINVAL;
        if (v > UINT64_MAX / mul)
                return -ERANGE;
        *ret = v * mul;
        return 0;
}

char *strstrip(char *s) {
        char *e;

        while (*s && isspace((unsigned char) *s))
                s++;
        e = s + strlen(s);
        while (e > s && isspace((unsigned char) e[-1]))
                e--;
        *e = '\0';
        return s;
}

void *xmalloc(size_t n) {
        void *p = malloc(n ? n : 1);
        if (!p)
                abort();
        return p;
}

void *xcalloc(size_t n, size_t m) {
        void *p = calloc(n ? n : 1, m ? m : 1);
        if (!p)
                abort();
        return p;
}

void *xrealloc(void *p, size_t n) {
        p = realloc(p, n ? n : 1);
        if (!p)
                abort();
        return p;
}

char *xstrdup(const char *s) {
        char *p;
        if (!s)
                return NULL;
        p = strdup(s);
        if (!p)
                abort();
        return p;
}

char *xstrndup(const char *s, size_t n) {
        char *p = strndup(s, n);
        if (!p)
                abort();
        return p;
}

char *xasprintf(const char *fmt, ...) {
        va_list ap;
        char *p;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&p, fmt, ap);
        va_end(ap);
        if (r < 0)
                abort();
        return p;
}

void *array_grow(void *array_p, size_t *n, size_t sz) {
        void **a = array_p;
        char *base;

        *a = xrealloc(*a, (*n + 1) * sz);
        base = *a;
        memset(base + *n * sz, 0, sz);
        return base + (*n)++ * sz;
}

size_t strv_length(char *const *l) {
        size_t n = 0;
        if (!l)
                return 0;
        while (l[n])
                n++;
        return n;
}

void strv_free(char **l) {
        if (!l)
                return;
        for (char **i = l; *i; i++)
                free(*i);
        free(l);
}

int strv_consume(char ***l, char *s) {
        size_t n = strv_length(*l);
        char **nl = xrealloc(*l, (n + 2) * sizeof(char *));
        nl[n] = s;
        nl[n + 1] = NULL;
        *l = nl;
        return 0;
}

int strv_push(char ***l, const char *s) {
        return strv_consume(l, xstrdup(s));
}

bool strv_contains(char *const *l, const char *s) {
        if (!l)
                return false;
        for (char *const *i = l; *i; i++)
                if (streq(*i, s))
                        return true;
        return false;
}

char *strv_join(char *const *l, const char *sep) {
        size_t len = 1, sl = strlen(sep);
        char *r, *p;

        if (l)
                for (char *const *i = l; *i; i++)
                        len += strlen(*i) + sl;
        p = r = xmalloc(len);
        *p = '\0';
        if (!l)
                return r;
        for (char *const *i = l; *i; i++) {
                if (i != l) {
                        memcpy(p, sep, sl);
                        p += sl;
                }
                size_t il = strlen(*i);
                memcpy(p, *i, il);
                p += il;
        }
        *p = '\0';
        return r;
}

char **strv_split(const char *s, const char *seps) {
        char **l = xcalloc(1, sizeof(char *));

        while (s && *s) {
                size_t n = strcspn(s, seps);
                if (n > 0)
                        strv_consume(&l, xstrndup(s, n));
                s += n;
                if (*s)
                        s++;
        }
        return l;
}

const char *format_bytes(char buf[static 32], uint64_t bytes) {
        static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
        double v = (double) bytes;
        size_t u = 0;

        while (v >= 1024.0 && u + 1 < ELEMENTSOF(units)) {
                v /= 1024.0;
                u++;
        }
        if (u == 0)
                snprintf(buf, 32, "%" PRIu64 " B", bytes);
        else
                snprintf(buf, 32, "%.2f %s", v, units[u]);
        return buf;
}

/* Length of the valid UTF-8 sequence at s, 0 if invalid. */
static size_t utf8_seq_len(const unsigned char *s) {
        size_t n;
        uint32_t cp;

        if (s[0] < 0x80)
                return 1;
        if ((s[0] & 0xE0) == 0xC0)
                n = 2, cp = s[0] & 0x1F;
        else if ((s[0] & 0xF0) == 0xE0)
                n = 3, cp = s[0] & 0x0F;
        else if ((s[0] & 0xF8) == 0xF0)
                n = 4, cp = s[0] & 0x07;
        else
                return 0;
        for (size_t i = 1; i < n; i++) {
                if ((s[i] & 0xC0) != 0x80)
                        return 0;
                cp = (cp << 6) | (s[i] & 0x3F);
        }
        /* Overlong forms, surrogates and beyond U+10FFFF are invalid. */
        if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
                return 0;
        return n;
}

char *string_sanitize(char *s) {
        unsigned char *p = (unsigned char *) s;

        while (p && *p) {
                size_t n = utf8_seq_len(p);
                if (n == 0 || (n == 1 && ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f))) {
                        *p++ = '?';
                        continue;
                }
                p += n;
        }
        return s;
}

/* Beyond 2^52 every double is an integer already. */
#define UTIL_INTEGRAL_LIMIT 4503599627370496.0

double util_floor(double x) {
        double t;
        if (!(x > -UTIL_INTEGRAL_LIMIT && x < UTIL_INTEGRAL_LIMIT))
                return x; /* NaN, infinite, or integral */
        t = (double) (long long) x; /* truncates toward zero */
        return t > x ? t - 1.0 : t;
}

double util_ceil(double x) {
        return -util_floor(-x);
}

double util_round(double x) {
        double f;
        if (x < 0)
                return -util_round(-x);
        f = util_floor(x);
        /* x - f is exact here, so 0.49999999999999994 stays 0 (unlike floor(x + 0.5)). */
        return x - f >= 0.5 ? f + 1.0 : f;
}

double util_fmod(double x, double y) {
        double q;
        if (y == 0 || x != x || y != y)
                return 0.0 / 0.0;
        q = x / y;
        q = q < 0 ? util_ceil(q) : util_floor(q);
        return x - q * y;
}

/* Optimal string alignment distance (Damerau-Levenshtein with adjacent
 * transpositions), as git's help.c uses for "did you mean". Both strings are
 * short (command names, section names): capped at 64 bytes. */
static unsigned edit_distance(const char *a, const char *b) {
        size_t la = strnlen(a, 64), lb = strnlen(b, 64);
        unsigned d[65][65];

        for (size_t i = 0; i <= la; i++)
                d[i][0] = (unsigned) i;
        for (size_t j = 0; j <= lb; j++)
                d[0][j] = (unsigned) j;
        for (size_t i = 1; i <= la; i++)
                for (size_t j = 1; j <= lb; j++) {
                        unsigned cost = a[i - 1] != b[j - 1];
                        unsigned v = d[i - 1][j] + 1;
                        if (d[i][j - 1] + 1 < v)
                                v = d[i][j - 1] + 1;
                        if (d[i - 1][j - 1] + cost < v)
                                v = d[i - 1][j - 1] + cost;
                        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
                                v = d[i - 2][j - 2] + 1;
                        d[i][j] = v;
                }
        return d[la][lb];
}

const char *string_closest(const char *word, const char *const *candidates, size_t n) {
        const char *best = NULL;
        unsigned best_d = UINT32_MAX;
        size_t wl = strlen(word);

        for (size_t i = 0; i < n; i++) {
                unsigned dist;
                if (!candidates[i])
                        continue;
                /* A prefix ("ver" for "verify") is as good as one typo. */
                dist = wl >= 2 && strncmp(candidates[i], word, wl) == 0 ? 1 : edit_distance(word, candidates[i]);
                if (dist < best_d) {
                        best_d = dist;
                        best = candidates[i];
                }
        }
        /* Like git: suggest only what is plausibly a typo of it (at most
         * a third of the word wrong, at least one edit allowed). */
        if (!best || best_d > (wl >= 6 ? wl / 3 : 1))
                return NULL;
        return best;
}
