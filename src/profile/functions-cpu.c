/* SPDX-License-Identifier: MIT */
/*
 * TuneD's CPU-list functions, evaluated from the sysroot as TuneD 2.20
 * evaluates them from the live /sys (tuned/utils/commands.py cpulist_*,
 * tuned/profiles/functions/function_*.py; package2cpus from TuneD 2.21).
 *
 * The list syntax is cpulist_unpack's: "1-3,5", hex masks "0xf" whose
 * comma-separated words continue until an empty element ("0x0000000f,
 * 00000001,,6"), negation "^3" / "!2-4" applied after expanding, quotes
 * stripped from both ends. Functions taking several arguments join them
 * with ",," first (cpulist_online with ","), as TuneD does. A malformed
 * element makes the whole list empty (TuneD's ValueError path); a bad hex
 * mask contributes nothing. Numbers are Python int(): whitespace, a sign
 * and "_" between digits are accepted.
 *
 * On purpose apart from TuneD: CPU numbers above PROFILE_CPU_MAX (and
 * negative ones, which make TuneD's cpulist2hex throw) fail the value
 * instead of eating memory; check_net_queue_count counts online CPUs from
 * the facts instead of running nproc (no trailing newline); the results of
 * cpulist_invert and package2cpus are in CPU order (TuneD's follow a Python
 * set and os.listdir()).
 */
#include "profile/profile-internal.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"
#include "util.h"

static void sbuf_printf(struct sbuf *b, const char *fmt, ...) _printf_(2, 3);
static void sbuf_printf(struct sbuf *b, const char *fmt, ...) {
        va_list ap;
        char *t;

        va_start(ap, fmt);
        if (vasprintf(&t, fmt, ap) < 0)
                abort();
        va_end(ap);
        sbuf_puts(b, t);
        free(t);
}

struct cpuset {
        uint8_t bits[PROFILE_CPU_MAX / 8 + 1];
};

static void set_add(struct cpuset *s, unsigned cpu) {
        s->bits[cpu / 8] |= (uint8_t) (1u << (cpu % 8));
}

static bool set_has(const struct cpuset *s, unsigned cpu) {
        return s->bits[cpu / 8] & (1u << (cpu % 8));
}

static void set_del(struct cpuset *s, unsigned cpu) {
        s->bits[cpu / 8] &= (uint8_t) ~(1u << (cpu % 8));
}

/* Python int(s) for the values we accept: 0..PROFILE_CPU_MAX; -ERANGE
 * outside, -EINVAL when Python would raise ValueError. */
static int py_int(const char *s, size_t n, long *ret) {
        size_t i = 0, e = n;
        bool neg = false, digit = false;
        long v = 0;

        while (i < e && isspace((unsigned char) s[i]))
                i++;
        while (e > i && isspace((unsigned char) s[e - 1]))
                e--;
        if (i < e && (s[i] == '+' || s[i] == '-'))
                neg = s[i++] == '-';
        for (; i < e; i++) {
                if (s[i] == '_' && digit && i + 1 < e && isdigit((unsigned char) s[i + 1]))
                        continue;
                if (!isdigit((unsigned char) s[i]))
                        return -EINVAL;
                digit = true;
                if (v <= PROFILE_CPU_MAX)
                        v = v * 10 + (s[i] - '0');
        }
        if (!digit)
                return -EINVAL;
        if (neg && v != 0)
                return -ERANGE;
        if (v > PROFILE_CPU_MAX)
                return -ERANGE;
        *ret = v;
        return 0;
}

/* hex2cpulist(): commas removed, int(mask, 16); -EINVAL on ValueError
 * (TuneD logs it and returns []), -ERANGE for a CPU above the maximum. */
static int hex_to_set(const char *mask, struct cpuset *s) {
        _cleanup_free_ char *m = xmalloc(strlen(mask) + 1);
        size_t n = 0, i = 0, e;
        bool digit = false;
        unsigned bit = 0;

        for (const char *p = mask; *p; p++)
                if (*p != ',')
                        m[n++] = *p;
        m[n] = '\0';
        e = n;
        while (i < e && isspace((unsigned char) m[i]))
                i++;
        while (e > i && isspace((unsigned char) m[e - 1]))
                e--;
        if (i < e && (m[i] == '+' || m[i] == '-')) {
                if (m[i] == '-')
                        return 0; /* negative: bitmask2cpulist() loops while mask > 0 */
                i++;
        }
        if (e - i >= 2 && m[i] == '0' && (m[i + 1] == 'x' || m[i + 1] == 'X'))
                i += 2;
        /* underscores: only between digits (after the prefix, one may lead) */
        for (size_t k = i; k < e; k++)
                if (m[k] == '_' && (k + 1 == e || m[k + 1] == '_' || (k == i && i == 0)))
                        return -EINVAL;
        for (size_t k = e; k > i; k--) {
                char ch = m[k - 1];
                unsigned d;

                if (ch == '_')
                        continue;
                if (!isxdigit((unsigned char) ch))
                        return -EINVAL;
                digit = true;
                d = isdigit((unsigned char) ch) ? (unsigned) (ch - '0') : (unsigned) (tolower(ch) - 'a' + 10);
                for (unsigned b = 0; b < 4; b++, bit++)
                        if (d & (1u << b)) {
                                if (bit > PROFILE_CPU_MAX)
                                        return -ERANGE;
                                set_add(s, bit);
                        }
        }
        return digit ? 0 : -EINVAL;
}

static int range_of(const char *v, long *a, long *b) {
        const char *dash = strchr(v, '-');
        int r;

        if (!dash) {
                r = py_int(v, strlen(v), a);
                *b = *a;
                return r;
        }
        /* v.split("-"): the first two parts only */
        const char *second = dash + 1, *end = strchr(second, '-');
        r = py_int(v, dash - v, a);
        if (r < 0)
                return r;
        return py_int(second, end ? (size_t) (end - second) : strlen(second), b);
}

/* cpulist_unpack(); -ERANGE when a CPU number is out of range (the caller
 * fails the value), otherwise 0 with the set (empty on ValueError). */
int profile_cpulist_unpack(const char *in, uint8_t *bits, size_t n_bits_bytes) {
        struct cpuset s = {}, neg = {};
        _cleanup_free_ char *l = NULL;
        _cleanup_strv_ char **parts = NULL, **items = NULL;
        _cleanup_free_ char *hv = NULL;
        bool hexmask = false;
        size_t a, b;
        int r;

        if (n_bits_bytes < sizeof s.bits)
                return -EINVAL;
        memset(bits, 0, sizeof s.bits);
        /* str.strip('\'"') */
        a = 0;
        b = strlen(in);
        while (a < b && (in[a] == '\'' || in[a] == '"'))
                a++;
        while (b > a && (in[b - 1] == '\'' || in[b - 1] == '"'))
                b--;
        l = xstrndup(in + a, b - a);
        /* str.split(","): empty pieces kept */
        for (const char *p = l;;) {
                const char *c = strchr(p, ',');
                strv_consume(&parts, c ? xstrndup(p, c - p) : xstrdup(p));
                if (!c)
                        break;
                p = c + 1;
        }
        for (char **sv = parts; *sv; sv++) {
                if (hexmask) {
                        if (!**sv) {
                                hexmask = false;
                                strv_consume(&items, TAKE_PTR(hv));
                        } else {
                                char *t = xasprintf("%s%s", hv, *sv);
                                free(hv);
                                hv = t;
                        }
                } else if (strncasecmp(*sv, "0x", 2) == 0) {
                        hexmask = true;
                        free(hv);
                        hv = xstrdup(*sv);
                } else if (**sv == '^' || **sv == '!') {
                        long x, y;
                        r = range_of(*sv + 1, &x, &y);
                        if (r == -ERANGE)
                                return r;
                        if (r < 0)
                                return 0; /* ValueError: [] */
                        for (long c = x; c <= y; c++)
                                set_add(&neg, (unsigned) c);
                } else if (**sv)
                        strv_push(&items, *sv);
        }
        if (hv && *hv)
                strv_push(&items, hv);
        for (char **v = items; v && *v; v++) {
                if (strncasecmp(*v, "0x", 2) == 0) {
                        struct cpuset h = {};
                        r = hex_to_set(*v, &h);
                        if (r == -ERANGE)
                                return r;
                        if (r == 0)
                                for (size_t i = 0; i < sizeof s.bits; i++)
                                        s.bits[i] |= h.bits[i];
                        continue;
                }
                long x, y;
                r = range_of(*v, &x, &y);
                if (r == -ERANGE)
                        return r;
                if (r < 0)
                        return 0; /* ValueError: [] */
                for (long c = x; c <= y; c++)
                        set_add(&s, (unsigned) c);
        }
        for (unsigned c = 0; c <= PROFILE_CPU_MAX; c++)
                if (set_has(&neg, c))
                        set_del(&s, c);
        memcpy(bits, s.bits, sizeof s.bits);
        return 0;
}

static int unpack(struct fcall *f, const char *in, struct cpuset *s) {
        int r = profile_cpulist_unpack(in, s->bits, sizeof s->bits);
        if (r < 0)
                f->error = xasprintf("CPU list '%s': a CPU number is negative or above %d", in, PROFILE_CPU_MAX);
        return r < 0 ? -ENOTSUP : 0;
}

static char *join_args(struct fcall *f, const char *sep) {
        struct sbuf b = {};
        for (size_t i = 0; i < f->n; i++) {
                if (i)
                        sbuf_puts(&b, sep);
                sbuf_puts(&b, f->args[i]);
        }
        return sbuf_take(&b);
}

static char *set_list(const struct cpuset *s, const char *prefix) {
        struct sbuf b = {};
        bool first = true;
        for (unsigned c = 0; c <= PROFILE_CPU_MAX; c++)
                if (set_has(s, c)) {
                        sbuf_printf(&b, "%s%s%u", first ? "" : ",", prefix, c);
                        first = false;
                }
        return sbuf_take(&b);
}

/* cpulist_pack(): "0-3,5" */
static char *set_pack(const struct cpuset *s) {
        struct sbuf b = {};
        bool first = true;
        for (unsigned c = 0; c <= PROFILE_CPU_MAX; c++) {
                unsigned e = c;
                if (!set_has(s, c))
                        continue;
                while (e + 1 <= PROFILE_CPU_MAX && set_has(s, e + 1))
                        e++;
                if (e == c)
                        sbuf_printf(&b, "%s%u", first ? "" : ",", c);
                else
                        sbuf_printf(&b, "%s%u-%u", first ? "" : ",", c, e);
                first = false;
                c = e;
        }
        return sbuf_take(&b);
}

/* cpulist2hex(): "%x", zero-filled to whole 32-bit words, words
 * comma-separated: "00000001,0000000f". */
static char *set_hex(const struct cpuset *s) {
        struct sbuf b = {};
        int top = -1;
        unsigned words;

        for (int c = PROFILE_CPU_MAX; c >= 0; c--)
                if (set_has(s, (unsigned) c)) {
                        top = c;
                        break;
                }
        words = top < 0 ? 1 : (unsigned) top / 32 + 1;
        for (unsigned w = words; w-- > 0;) {
                uint32_t v = 0;
                for (unsigned i = 0; i < 32; i++)
                        if (w * 32 + i <= PROFILE_CPU_MAX && set_has(s, w * 32 + i))
                                v |= 1u << i;
                sbuf_printf(&b, "%s%08x", w + 1 == words ? "" : ",", v);
        }
        return sbuf_take(&b);
}

/* read_file(): "" when unreadable */
static int read_sys_list(struct fcall *f, const char *rel, struct cpuset *s) {
        _cleanup_free_ char *text = NULL;

        if (!f->c->env || !f->c->env->sr || sysroot_read_file(f->c->env->sr, SR_SYS, rel, 0, &text, NULL, NULL) < 0)
                return unpack(f, "", s);
        return unpack(f, text, s);
}

int profile_f_cpulist_unpack(struct fcall *f) {
        struct cpuset s;
        _cleanup_free_ char *in = join_args(f, ",,");
        int r = unpack(f, in, &s);
        if (r == 0)
                f->result = set_list(&s, "");
        return r;
}

int profile_f_cpulist_pack(struct fcall *f) {
        struct cpuset s;
        _cleanup_free_ char *in = join_args(f, ",,");
        int r = unpack(f, in, &s);
        if (r == 0)
                f->result = set_pack(&s);
        return r;
}

int profile_f_cpulist2devs(struct fcall *f) {
        struct cpuset s;
        _cleanup_free_ char *in = join_args(f, ",");
        int r = unpack(f, in, &s);
        if (r == 0)
                f->result = set_list(&s, "cpu");
        return r;
}

int profile_f_cpulist2hex(struct fcall *f) {
        struct cpuset s;
        _cleanup_free_ char *in = join_args(f, ",,");
        int r = unpack(f, in, &s);
        if (r == 0)
                f->result = set_hex(&s);
        return r;
}

int profile_f_hex2cpulist(struct fcall *f) {
        struct cpuset s = {};
        int r = hex_to_set(f->args[0], &s);
        if (r == -ERANGE) {
                f->error = xasprintf("mask '%s': a CPU above %d", f->args[0], PROFILE_CPU_MAX);
                return -ENOTSUP;
        }
        if (r < 0)
                memset(&s, 0, sizeof s); /* "invalid hexadecimal mask": [] */
        f->result = set_list(&s, "");
        return 0;
}

/* online - cpus */
static int invert(struct fcall *f, struct cpuset *s) {
        struct cpuset online;
        _cleanup_free_ char *in = join_args(f, ",,");
        int r = unpack(f, in, s);
        if (r == 0)
                r = read_sys_list(f, "devices/system/cpu/online", &online);
        if (r < 0)
                return r;
        for (size_t i = 0; i < sizeof s->bits; i++)
                s->bits[i] = online.bits[i] & (uint8_t) ~s->bits[i];
        return 0;
}

int profile_f_cpulist_invert(struct fcall *f) {
        struct cpuset s;
        int r = invert(f, &s);
        if (r == 0)
                f->result = set_list(&s, "");
        return r;
}

int profile_f_cpulist2hex_invert(struct fcall *f) {
        struct cpuset s;
        int r = invert(f, &s);
        if (r == 0)
                f->result = set_hex(&s);
        return r;
}

static int filter_by(struct fcall *f, const char *sep, const char *rel) {
        struct cpuset s, have;
        _cleanup_free_ char *in = join_args(f, sep);
        int r = unpack(f, in, &s);
        if (r == 0)
                r = read_sys_list(f, rel, &have);
        if (r < 0)
                return r;
        for (size_t i = 0; i < sizeof s.bits; i++)
                s.bits[i] &= have.bits[i];
        f->result = set_list(&s, "");
        return 0;
}

int profile_f_cpulist_online(struct fcall *f) {
        return filter_by(f, ",", "devices/system/cpu/online");
}

int profile_f_cpulist_present(struct fcall *f) {
        return filter_by(f, ",,", "devices/system/cpu/present");
}

static bool is_decimal(const char *s) {
        if (!s || !*s)
                return false;
        for (; *s; s++)
                if (!isdigit((unsigned char) *s))
                        return false;
        return true;
}

/* cpuN → its topology/physical_package_id, stripped; NULL when unreadable */
static char *package_of(struct fcall *f, const char *cpu) {
        _cleanup_free_ char *rel = xasprintf("devices/system/cpu/%s/topology/physical_package_id", cpu);
        _cleanup_free_ char *text = NULL;

        if (sysroot_read_file(f->c->env->sr, SR_SYS, rel, 64, &text, NULL, NULL) < 0)
                return NULL;
        return xstrdup(strstrip(text));
}

static int cpu_dirs(struct fcall *f, char ***ret) {
        _cleanup_strv_ char **names = NULL, **cpus = NULL;

        *ret = NULL;
        if (!f->c->env || !f->c->env->sr || sysroot_list_dir(f->c->env->sr, SR_SYS, "devices/system/cpu", &names) < 0)
                return 0;
        /* numeric order, as TuneD sorts (calc_isolated_cores) */
        for (unsigned c = 0; c <= PROFILE_CPU_MAX; c++) {
                char n[32];
                snprintf(n, sizeof n, "cpu%u", c);
                if (strv_contains(names, n))
                        strv_push(&cpus, n);
        }
        *ret = TAKE_PTR(cpus);
        return 0;
}

/* calc_isolated_cores([reserve]): per socket, all but the first `reserve`
 * CPUs (default 1). */
int profile_f_calc_isolated_cores(struct fcall *f) {
        _cleanup_strv_ char **cpus = NULL, **sockets = NULL;
        struct cpuset isol = {};
        long reserve = 1;

        if (f->n > 0) {
                if (!is_decimal(f->args[0]) || py_int(f->args[0], strlen(f->args[0]), &reserve) < 0) {
                        /* TuneD: "invalid argument ... must be non-negative integer", None */
                        f->result = NULL;
                        return 0;
                }
        }
        cpu_dirs(f, &cpus);
        for (char **c = cpus; c && *c; c++) {
                _cleanup_free_ char *pkg = package_of(f, *c);
                if (is_decimal(pkg) && !strv_contains(sockets, pkg))
                        strv_push(&sockets, pkg);
        }
        for (char **s = sockets; s && *s; s++) {
                long taken = 0;
                for (char **c = cpus; c && *c; c++) {
                        _cleanup_free_ char *pkg = package_of(f, *c);
                        if (!pkg || !streq(pkg, *s))
                                continue;
                        if (taken++ >= reserve)
                                set_add(&isol, (unsigned) atoi(*c + 3));
                }
        }
        f->result = set_list(&isol, "");
        return 0;
}

/* package2cpus(PKG...) (TuneD 2.21): "cpu0,cpu1,..." of the packages
 * named by number or fnmatch pattern; None when there are none. */
int profile_f_package2cpus(struct fcall *f) {
        _cleanup_strv_ char **cpus = NULL;
        struct sbuf b = {};
        bool any = false;

        if (f->n == 0)
                return 0;
        cpu_dirs(f, &cpus);
        for (char **c = cpus; c && *c; c++) {
                _cleanup_free_ char *pkg = package_of(f, *c);
                long id;

                if (!pkg || !*pkg || (py_int(pkg, strlen(pkg), &id) < 0 && !(pkg[0] == '-' && is_decimal(pkg + 1))))
                        continue;
                for (size_t i = 0; i < f->n; i++) {
                        long want;
                        bool match;

                        if (py_int(f->args[i], strlen(f->args[i]), &want) == 0)
                                match = py_int(pkg, strlen(pkg), &id) == 0 && id == want;
                        else
                                match = fnmatch(f->args[i], pkg, 0) == 0;
                        if (match) {
                                sbuf_printf(&b, "%s%s", any ? "," : "", *c);
                                any = true;
                        }
                }
        }
        f->result = sbuf_take(&b);
        if (!any) {
                free(f->result);
                f->result = NULL;
        }
        return 0;
}

/* check_net_queue_count(N): N when it is a number, else the CPUs this
 * machine has online (TuneD runs nproc). */
int profile_f_check_net_queue_count(struct fcall *f) {
        const struct facts *facts = f->c->env ? f->c->env->facts : NULL;

        if (is_decimal(f->args[0])) {
                f->result = xstrdup(f->args[0]);
                return 0;
        }
        if (!facts || facts->cpu.count == 0) {
                f->error = xstrdup("check_net_queue_count: the number of online CPUs is unknown");
                return -ENOTSUP;
        }
        f->result = xasprintf("%u", facts->cpu.count);
        return 0;
}
