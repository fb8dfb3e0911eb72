/* SPDX-License-Identifier: MIT */
/*
 * zram-generator style arithmetic ("min(ram / 2, 4096)"): a small
 * recursive-descent parser that evaluates as it parses. Bounded nesting,
 * errors carry the 1-based column.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "profile/profile-internal.h"

#define EXPR_DEPTH_MAX 64
#define EXPR_LEN_MAX 4096

struct ep {
        const char *s;
        size_t pos;
        unsigned depth;
        const struct expr_vars *vars;
        char *error;
};

_printf_(3, 4) static int ep_fail(struct ep *p, size_t pos, const char *fmt, ...) {
        va_list ap;
        if (p->error)
                return -EINVAL;
        va_start(ap, fmt);
        char *m = NULL;
        if (vasprintf(&m, fmt, ap) < 0)
                abort();
        va_end(ap);
        p->error = xasprintf("col %zu: %s", pos + 1, m);
        free(m);
        return -EINVAL;
}

static void skip_ws(struct ep *p) {
        while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\n' || p->s[p->pos] == '\r')
                p->pos++;
}

static int parse_expr(struct ep *p, double *ret);

static const char *describe(const struct ep *p) {
        return p->s[p->pos] ? "unexpected character" : "unexpected end of expression";
}

static int parse_primary(struct ep *p, double *ret) {
        skip_ws(p);
        size_t start = p->pos;
        char c = p->s[p->pos];

        if (isdigit((unsigned char) c) || (c == '.' && isdigit((unsigned char) p->s[p->pos + 1]))) {
                double v = 0, scale = 1;
                while (isdigit((unsigned char) p->s[p->pos]))
                        v = v * 10 + (p->s[p->pos++] - '0');
                if (p->s[p->pos] == '.') {
                        p->pos++;
                        if (!isdigit((unsigned char) p->s[p->pos]) && start == p->pos - 1)
                                return ep_fail(p, start, "invalid number");
                        while (isdigit((unsigned char) p->s[p->pos])) {
                                scale /= 10;
                                v += (p->s[p->pos++] - '0') * scale;
                        }
                }
                if (isalpha((unsigned char) p->s[p->pos]) || p->s[p->pos] == '_' || p->s[p->pos] == '.')
                        return ep_fail(p, p->pos, "invalid number");
                if (!isfinite(v))
                        return ep_fail(p, start, "number too large");
                *ret = v;
                return 0;
        }
        if (c == '(') {
                p->pos++;
                double v;
                int r = parse_expr(p, &v);
                if (r < 0)
                        return r;
                skip_ws(p);
                if (p->s[p->pos] != ')')
                        return ep_fail(p, p->pos, "expected ')'");
                p->pos++;
                *ret = v;
                return 0;
        }
        if (isalpha((unsigned char) c) || c == '_') {
                while (isalnum((unsigned char) p->s[p->pos]) || p->s[p->pos] == '_')
                        p->pos++;
                size_t n = p->pos - start;
                char name[16] = "";
                if (n < sizeof(name))
                        memcpy(name, p->s + start, n);
                skip_ws(p);
                if (p->s[p->pos] != '(') {
                        double v;
                        if (streq(name, "ram"))
                                v = p->vars ? p->vars->ram : NAN;
                        else if (streq(name, "cpus"))
                                v = p->vars ? p->vars->cpus : NAN;
                        else
                                return ep_fail(p, start, "unknown variable '%.*s' (known: ram, cpus)",
                                               (int) (n > 64 ? 64 : n), p->s + start);
                        if (isnan(v))
                                return ep_fail(p, start, "'%s' is unknown on this machine", name);
                        *ret = v;
                        return 0;
                }
                enum { F_MIN, F_MAX, F_FLOOR, F_CEIL, F_ROUND, F_ABS } f;
                if (streq(name, "min"))
                        f = F_MIN;
                else if (streq(name, "max"))
                        f = F_MAX;
                else if (streq(name, "floor"))
                        f = F_FLOOR;
                else if (streq(name, "ceil"))
                        f = F_CEIL;
                else if (streq(name, "round"))
                        f = F_ROUND;
                else if (streq(name, "abs"))
                        f = F_ABS;
                else
                        return ep_fail(p, start, "unknown function '%.*s' (known: min, max, floor, ceil, round, abs)",
                                       (int) (n > 64 ? 64 : n), p->s + start);
                p->pos++; /* '(' */
                double acc = 0;
                unsigned nargs = 0;
                for (;;) {
                        double v;
                        int r = parse_expr(p, &v);
                        if (r < 0)
                                return r;
                        if (nargs == 0)
                                acc = v;
                        else if (f == F_MIN)
                                acc = v < acc ? v : acc; /* operands are finite here */
                        else if (f == F_MAX)
                                acc = v > acc ? v : acc;
                        nargs++;
                        skip_ws(p);
                        if (p->s[p->pos] == ',') {
                                p->pos++;
                                continue;
                        }
                        if (p->s[p->pos] == ')') {
                                p->pos++;
                                break;
                        }
                        return ep_fail(p, p->pos, "expected ',' or ')'");
                }
                if (f != F_MIN && f != F_MAX && nargs != 1)
                        return ep_fail(p, start, "%s() takes one argument", name);
                switch (f) {
                case F_FLOOR: acc = util_floor(acc); break;
                case F_CEIL: acc = util_ceil(acc); break;
                case F_ROUND: acc = util_round(acc); break;
                case F_ABS: acc = fabs(acc); break;
                default: break;
                }
                *ret = acc;
                return 0;
        }
        return ep_fail(p, p->pos, "%s", describe(p));
}

static int parse_unary(struct ep *p, double *ret) {
        skip_ws(p);
        char c = p->s[p->pos];
        if (c == '-' || c == '+') {
                if (++p->depth > EXPR_DEPTH_MAX)
                        return ep_fail(p, p->pos, "nested deeper than %d", EXPR_DEPTH_MAX);
                p->pos++;
                double v;
                int r = parse_unary(p, &v);
                p->depth--;
                if (r < 0)
                        return r;
                *ret = c == '-' ? -v : v;
                return 0;
        }
        return parse_primary(p, ret);
}

static int parse_term(struct ep *p, double *ret) {
        double v;
        int r = parse_unary(p, &v);
        if (r < 0)
                return r;
        for (;;) {
                skip_ws(p);
                char c = p->s[p->pos];
                if (c != '*' && c != '/' && c != '%')
                        break;
                size_t op = p->pos++;
                double w;
                r = parse_unary(p, &w);
                if (r < 0)
                        return r;
                if (c == '*')
                        v *= w;
                else if (w == 0)
                        return ep_fail(p, op, "division by zero");
                else if (c == '/')
                        v /= w;
                else
                        v = util_fmod(v, w);
                if (!isfinite(v))
                        return ep_fail(p, op, "result out of range");
        }
        *ret = v;
        return 0;
}

static int parse_expr(struct ep *p, double *ret) {
        if (++p->depth > EXPR_DEPTH_MAX)
                return ep_fail(p, p->pos, "nested deeper than %d", EXPR_DEPTH_MAX);
        double v;
        int r = parse_term(p, &v);
        while (r >= 0) {
                skip_ws(p);
                char c = p->s[p->pos];
                if (c != '+' && c != '-')
                        break;
                size_t op = p->pos++;
                double w;
                r = parse_term(p, &w);
                if (r < 0)
                        break;
                v = c == '+' ? v + w : v - w;
                if (!isfinite(v))
                        r = ep_fail(p, op, "result out of range");
        }
        p->depth--;
        if (r >= 0)
                *ret = v;
        return r;
}

int profile_expr_eval(const char *expr, const struct expr_vars *vars, double *ret, char **ret_error) {
        struct ep p = { .s = expr, .vars = vars };
        double v;
        int r;

        if (strlen(expr) > EXPR_LEN_MAX) {
                if (ret_error)
                        *ret_error = xasprintf("col 1: expression longer than %d bytes", EXPR_LEN_MAX);
                return -EINVAL;
        }
        r = parse_expr(&p, &v);
        if (r >= 0) {
                skip_ws(&p);
                if (p.s[p.pos])
                        r = ep_fail(&p, p.pos, "unexpected '%c' after expression", p.s[p.pos]);
        }
        if (r < 0) {
                if (ret_error)
                        *ret_error = TAKE_PTR(p.error);
                free(p.error);
                return r;
        }
        *ret = v == 0 ? 0 : v; /* no "-0" */
        return 0;
}

void profile_expr_vars_from_facts(const struct facts *f, struct expr_vars *ret) {
        ret->ram = f && f->mem.total_bytes ? (double) f->mem.total_bytes / (1024.0 * 1024.0) : NAN;
        ret->cpus = f && f->cpu.count ? (double) f->cpu.count : NAN;
}

const char *profile_format_number(char buf[static 64], double v) {
        if (v == util_floor(v) && fabs(v) < 9007199254740992.0)
                snprintf(buf, 64, "%.0f", v == 0 ? 0.0 : v);
        else
                snprintf(buf, 64, "%.15g", v);
        return buf;
}

int profile_unit_eval(const struct profile_unit *u, const char *key, const struct expr_vars *vars, double *ret,
                      char **ret_error) {
        const struct profile_entry *e = profile_unit_get_entry(u, key);
        char *err = NULL;
        if (!e)
                return -ENOENT;
        int r = profile_expr_eval(e->value, vars, ret, &err);
        if (r < 0) {
                if (ret_error)
                        *ret_error = xasprintf("%s:%u: %s=%s: %s", e->file, e->line, key, e->value, err);
                free(err);
        }
        return r;
}
