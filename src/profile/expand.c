/* SPDX-License-Identifier: MIT */
/*
 * TuneD's variables and built-in functions (tuned/profiles/variables.py,
 * functions/functions.py), ported step by step so that odd inputs behave as
 * in TuneD: variables are substituted first in one pass (values are not
 * rescanned), "\${VAR}" is unescaped, then ${f:...} calls are evaluated
 * innermost first with a stack of "${" positions, and "\${f:...}" is
 * unescaped last.
 *
 * Differences, on purpose: exec never runs anything; functions TuneD has and
 * vpstune does not are errors instead of log lines (the value is unusable);
 * expansion is capped at PROFILE_VALUE_MAX bytes.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <sys/types.h>

#include "profile/profile-internal.h"

bool is_word(const char *s) {
        if (!*s)
                return false;
        for (; *s; s++)
                if (!isalnum((unsigned char) *s) && *s != '_')
                        return false;
        return true;
}

static size_t word_len(const char *s) {
        size_t n = 0;
        while (isalnum((unsigned char) s[n]) || s[n] == '_')
                n++;
        return n;
}

char *expand_profile_internals(const char *in, const char *dir, const char *name) {
        struct sbuf b = {};
        for (size_t i = 0; in[i];) {
                const char *rest;
                if (i == 0 || in[i - 1] != '\\') {
                        if (dir && (rest = startswith(in + i, "${i:PROFILE_DIR}"))) {
                                sbuf_puts(&b, dir);
                                i = (size_t) (rest - in);
                                continue;
                        }
                        if (name && (rest = startswith(in + i, "${i:PROFILE_NAME}"))) {
                                sbuf_puts(&b, name);
                                i = (size_t) (rest - in);
                                continue;
                        }
                }
                sbuf_putc(&b, in[i++]);
        }
        return sbuf_take(&b);
}

static struct pvar *find_var(struct expand_ctx *c, const char *name, size_t n) {
        for (size_t i = 0; i < c->n_vars; i++)
                if (strlen(c->vars[i].name) == n && strncmp(c->vars[i].name, name, n) == 0)
                        return &c->vars[i];
        return NULL;
}

/* variables.py expand_static(): substitute (?<!\\)\${NAME} of defined
 * variables in one pass, then turn \${WORD} into ${WORD}. */
static int expand_static(struct expand_ctx *c, const char *in, bool use_vars, char **ret, char **ret_error) {
        struct sbuf b = {}, u = {};
        for (size_t i = 0; in[i];) {
                if (use_vars && in[i] == '$' && in[i + 1] == '{' && (i == 0 || in[i - 1] != '\\')) {
                        size_t n = word_len(in + i + 2);
                        if (n > 0 && in[i + 2 + n] == '}') {
                                struct pvar *v = find_var(c, in + i + 2, n);
                                if (v) {
                                        if (v->error) {
                                                if (ret_error)
                                                        *ret_error = xasprintf("variable '%s' (%s:%u): %s", v->name,
                                                                               v->file, v->line, v->error);
                                                sbuf_done(&b);
                                                return v->code;
                                        }
                                        sbuf_puts(&b, v->value);
                                        if (b.len > PROFILE_VALUE_MAX) {
                                                sbuf_done(&b);
                                                if (ret_error)
                                                        *ret_error = xasprintf("expanded value longer than %u bytes",
                                                                               PROFILE_VALUE_MAX);
                                                return -E2BIG;
                                        }
                                        i += 3 + n;
                                        continue;
                                }
                        }
                }
                sbuf_putc(&b, in[i++]);
        }
        _cleanup_free_ char *s = sbuf_take(&b);
        for (size_t i = 0; s[i];) {
                if (s[i] == '\\' && s[i + 1] == '$' && s[i + 2] == '{') {
                        size_t n = word_len(s + i + 3);
                        if (n > 0 && s[i + 3 + n] == '}') {
                                i++;
                                continue;
                        }
                }
                sbuf_putc(&u, s[i++]);
        }
        *ret = sbuf_take(&u);
        return 0;
}

/* ---- functions ---- */

static int f_virt_check(struct fcall *f) {
        const struct facts *facts = f->c->env ? f->c->env->facts : NULL;
        bool vm = facts && facts->virt.vm && !streq(facts->virt.vm, "none");
        f->result = xstrdup(f->args[vm ? 0 : 1]);
        return 0;
}

static const char *get_cpuinfo(struct expand_ctx *c) {
        if (!c->cpuinfo_read) {
                c->cpuinfo_read = true;
                if (c->env && c->env->sr &&
                    sysroot_read_file(c->env->sr, SR_PROC, "cpuinfo", 0, &c->cpuinfo, NULL, NULL) < 0)
                        c->cpuinfo = NULL;
        }
        return c->cpuinfo ? c->cpuinfo : ""; /* TuneD reads "" on error */
}

static int f_cpuinfo_check(struct fcall *f) {
        const char *text = get_cpuinfo(f->c);
        for (size_t i = 0; i + 1 < f->n; i += 2) {
                bool m;
                char *err = NULL;
                int r = profile_regex_search(f->args[i], text, true, &m, &err);
                if (r < 0) {
                        f->error = err;
                        return -ENOTSUP;
                }
                if (m) {
                        f->result = xstrdup(f->args[i + 1]);
                        return 0;
                }
        }
        f->result = xstrdup(f->n % 2 ? f->args[f->n - 1] : "");
        return 0;
}

static int f_regex_search_ternary(struct fcall *f) {
        bool m;
        char *err = NULL;
        int r = profile_regex_search(f->args[1], f->args[0], false, &m, &err);
        if (r < 0) {
                f->error = err;
                return -ENOTSUP;
        }
        f->result = xstrdup(f->args[m ? 2 : 3]);
        return 0;
}

static int f_strip(struct fcall *f) {
        struct sbuf b = {};
        for (size_t i = 0; i < f->n; i++)
                sbuf_puts(&b, f->args[i]);
        _cleanup_free_ char *s = sbuf_take(&b);
        f->result = xstrdup(strstrip(s));
        return 0;
}

static int f_assertion_common(struct fcall *f, bool want_equal) {
        if (streq(f->args[1], f->args[2]) != want_equal) {
                f->error = xasprintf("assertion '%s' failed: '%s' %s '%s'", f->args[0], f->args[1],
                                     want_equal ? "!=" : "==", f->args[2]);
                return -EINVAL;
        }
        return 0; /* None: the text stays */
}

static int f_assertion(struct fcall *f) {
        return f_assertion_common(f, true);
}

static int f_assertion_non_equal(struct fcall *f) {
        return f_assertion_common(f, false);
}

/* Python int(): surrounding whitespace and a sign are fine. */
static int py_int(struct fcall *f, int64_t *ret) {
        int r = safe_atoi64(f->args[0], ret);
        if (r < 0 || *ret > INT64_MAX / 2 || *ret < INT64_MIN / 2) {
                f->error = xasprintf("'%s' is not an integer", f->args[0]);
                return -ENOTSUP;
        }
        return 0;
}

static int f_kb2s(struct fcall *f) {
        int64_t v;
        int r = py_int(f, &v);
        if (r < 0)
                return r;
        f->result = xasprintf("%lld", (long long) (v * 2));
        return 0;
}

static int f_s2kb(struct fcall *f) {
        int64_t v, k;
        int r = py_int(f, &v);
        if (r < 0)
                return r;
        /* int(round(v / 2)): Python rounds half to even */
        k = v >= 0 ? v / 2 : -((-v + 1) / 2);
        if (v % 2 != 0 && k % 2 != 0)
                k++;
        f->result = xasprintf("%lld", (long long) k);
        return 0;
}

static int f_calc(struct fcall *f) {
        struct expr_vars vars;
        char buf[64];
        double v;
        char *err = NULL;
        profile_expr_vars_from_facts(f->c->env ? f->c->env->facts : NULL, &vars);
        int r = profile_expr_eval(f->args[0], &vars, &v, &err);
        if (r < 0) {
                f->error = xasprintf("calc '%s': %s", f->args[0], err);
                free(err);
                return -ENOTSUP;
        }
        f->result = xstrdup(profile_format_number(buf, v));
        return 0;
}

static const struct {
        const char *name;
        size_t nargs_max; /* 0 = unlimited */
        size_t nargs_min;
        int (*fn)(struct fcall *f);
} functions[] = {
        { "virt_check", 2, 2, f_virt_check },
        { "cpuinfo_check", 0, 2, f_cpuinfo_check },
        { "regex_search_ternary", 4, 4, f_regex_search_ternary },
        { "strip", 0, 1, f_strip },
        { "assertion", 3, 3, f_assertion },
        { "assertion_non_equal", 3, 3, f_assertion_non_equal },
        { "kb2s", 1, 1, f_kb2s },
        { "s2kb", 1, 1, f_s2kb },
        { "calc", 1, 1, f_calc }, /* vpstune */
        /* functions-cpu.c */
        { "cpulist_unpack", 0, 0, profile_f_cpulist_unpack },
        { "cpulist_pack", 0, 0, profile_f_cpulist_pack },
        { "cpulist_invert", 0, 0, profile_f_cpulist_invert },
        { "cpulist_online", 0, 0, profile_f_cpulist_online },
        { "cpulist_present", 0, 0, profile_f_cpulist_present },
        { "cpulist2devs", 0, 0, profile_f_cpulist2devs },
        { "cpulist2hex", 0, 0, profile_f_cpulist2hex },
        { "cpulist2hex_invert", 0, 0, profile_f_cpulist2hex_invert },
        { "hex2cpulist", 1, 1, profile_f_hex2cpulist },
        { "calc_isolated_cores", 1, 0, profile_f_calc_isolated_cores },
        { "package2cpus", 0, 0, profile_f_package2cpus },
        { "check_net_queue_count", 1, 1, profile_f_check_net_queue_count },
};

/* TuneD 2.20+ functions vpstune does not evaluate. */
static const char *const tuned_only_functions[] = {
        "package2uncores",
        "lscpu_check", "intel_recommended_pstate", "uncore_list",
};

static int call_function(struct expand_ctx *c, char **sl, size_t n, char **ret_result, char **ret_error) {
        if (n < 2 || !is_word(sl[1])) {
                *ret_error = xasprintf("invalid function call '${%s}'", sl[0] + 2);
                return -ENOTSUP;
        }
        const char *name = sl[1];
        if (streq(name, "exec")) {
                *ret_error = xstrdup("function 'exec' refused: vpstune never runs commands from profiles");
                return -ENOTSUP;
        }
        for (size_t i = 0; i < ELEMENTSOF(functions); i++) {
                if (!streq(functions[i].name, name))
                        continue;
                size_t na = n - 2;
                if ((functions[i].nargs_max && na > functions[i].nargs_max) || na < functions[i].nargs_min) {
                        *ret_error = xasprintf("invalid number of arguments for function '%s'", name);
                        return -ENOTSUP;
                }
                struct fcall f = { .c = c, .args = sl + 2, .n = na };
                int r = functions[i].fn(&f);
                if (r < 0) {
                        *ret_error = f.error ? f.error : xasprintf("function '%s' failed", name);
                        free(f.result);
                        return r;
                }
                *ret_result = f.result;
                return 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(tuned_only_functions); i++)
                if (streq(tuned_only_functions[i], name)) {
                        *ret_error = xasprintf("TuneD function '%s' is not supported by vpstune", name);
                        return -ENOSYS;
                }
        *ret_error = xasprintf("unknown function '%s'", name);
        return -ENOTSUP;
}

struct fpos {
        bool esc;
        size_t pos;
};

struct fproc {
        struct expand_ctx *c;
        char *str;
        size_t len;
        ssize_t cnt;
};

/* functions.py _process_func(): str[from:cnt] is "${f:name:args" */
static int process_func(struct fproc *p, size_t from, char **ret_error) {
        size_t to = (size_t) p->cnt;
        if (to - from < 3 || strncmp(p->str + from, "${f", 3) != 0)
                return 0;
        /* re.split(r'(?<!\\):') then .replace("\:", ":") */
        char **sl = NULL;
        size_t n = 0;
        struct sbuf b = {};
        int r;
        for (size_t i = from; i <= to; i++) {
                if (i == to || (p->str[i] == ':' && (i == from || p->str[i - 1] != '\\'))) {
                        char **slot = array_grow(&sl, &n, sizeof(char *));
                        *slot = sbuf_take(&b);
                        continue;
                }
                if (p->str[i] == '\\' && i + 1 < to && p->str[i + 1] == ':')
                        continue;
                sbuf_putc(&b, p->str[i]);
        }
        if (!streq(sl[0], "${f")) {
                r = 0;
                goto out;
        }
        char *result = NULL;
        r = call_function(p->c, sl, n, &result, ret_error);
        if (r < 0 || !result)
                goto out;
        /* _sub(from, cnt, result) */
        size_t rl = strlen(result);
        if (p->len - (to - from + 1) + rl > PROFILE_VALUE_MAX) {
                free(result);
                *ret_error = xasprintf("expanded value longer than %u bytes", PROFILE_VALUE_MAX);
                r = -E2BIG;
                goto out;
        }
        char *ns = xmalloc(p->len - (to - from + 1) + rl + 1);
        memcpy(ns, p->str, from);
        memcpy(ns + from, result, rl);
        memcpy(ns + from + rl, p->str + to + 1, p->len - to - 1);
        p->len = p->len - (to - from + 1) + rl;
        ns[p->len] = '\0';
        free(p->str);
        free(result);
        p->str = ns;
        p->cnt += (ssize_t) rl - (ssize_t) (to - from + 1);
        if (p->cnt < 0)
                p->cnt = 0;
        r = 0;
out:
        for (size_t i = 0; i < n; i++)
                free(sl[i]);
        free(sl);
        return r;
}

static int expand_functions(struct expand_ctx *c, char *s, char **ret, char **ret_error) {
        struct fproc p = { .c = c, .str = s, .len = strlen(s) };
        struct fpos *stack = NULL;
        size_t n_stack = 0;
        bool esc = false;
        int r = 0;

        while ((size_t) p.cnt < p.len) {
                if (p.str[p.cnt] == '}') {
                        if (n_stack == 0) {
                                if (c->warnings)
                                        strv_consume(c->warnings,
                                                     xasprintf("invalid variable syntax, non pair '}' in '%s'", p.str));
                                goto done;
                        }
                        struct fpos si = stack[--n_stack];
                        if (!si.esc) {
                                r = process_func(&p, si.pos, ret_error);
                                if (r < 0)
                                        goto fail;
                        }
                } else if (p.str[p.cnt] == '$' && p.str[p.cnt + 1] == '{') {
                        struct fpos *np = array_grow(&stack, &n_stack, sizeof(*np));
                        *np = (struct fpos) { .esc = esc, .pos = (size_t) p.cnt };
                }
                esc = p.str[p.cnt] == '\\';
                p.cnt++;
        }
        if (n_stack > 0 && c->warnings)
                strv_consume(c->warnings, xasprintf("invalid variable syntax, non pair '{' in '%s'", p.str));
done:
        free(stack);
        /* re.sub(r'\\(\${f:.*})', r'\1', ...): '.' stops at a newline */
        {
                struct sbuf b = {};
                for (size_t i = 0; i < p.len;) {
                        if (startswith(p.str + i, "\\${f:")) {
                                const char *nl = strchr(p.str + i, '\n');
                                size_t lim = nl ? (size_t) (nl - p.str) : p.len;
                                ssize_t last = -1;
                                for (size_t k = i + 5; k < lim; k++)
                                        if (p.str[k] == '}')
                                                last = (ssize_t) k;
                                if (last >= 0) {
                                        sbuf_putn(&b, p.str + i + 1, (size_t) last - i);
                                        i = (size_t) last + 1;
                                        continue;
                                }
                        }
                        sbuf_putc(&b, p.str[i++]);
                }
                free(p.str);
                *ret = sbuf_take(&b);
        }
        return 0;
fail:
        free(stack);
        free(p.str);
        return r;
}

int expand_value(struct expand_ctx *c, const char *in, bool use_vars, char **ret, char **ret_error) {
        char *s = NULL, *err = NULL;
        int r = expand_static(c, in, use_vars, &s, &err);
        if (r >= 0)
                r = expand_functions(c, s, ret, &err); /* takes s */
        if (r < 0) {
                if (ret_error)
                        *ret_error = err ? err : xstrdup("cannot expand");
                else
                        free(err);
        }
        return r;
}

int expand_add_variable(struct expand_ctx *c, const char *name, const char *raw, const char *file,
                        unsigned line, char **ret_error) {
        char *value = NULL, *err = NULL;
        int r = expand_value(c, raw, true, &value, &err);
        if (r < 0 && r != -ENOTSUP && r != -ENOSYS) {
                if (ret_error)
                        *ret_error = err;
                else
                        free(err);
                return r;
        }
        struct pvar *v = find_var(c, name, strlen(name));
        if (!v) {
                v = array_grow(&c->vars, &c->n_vars, sizeof(*v));
                v->name = xstrdup(name);
        }
        free(v->value);
        free(v->error);
        free(v->file);
        v->value = value ? value : xstrdup(raw);
        v->error = err;
        v->code = r;
        v->file = xstrdup(file);
        v->line = line;
        return 0;
}

void expand_ctx_done(struct expand_ctx *c) {
        for (size_t i = 0; i < c->n_vars; i++) {
                free(c->vars[i].name);
                free(c->vars[i].value);
                free(c->vars[i].error);
                free(c->vars[i].file);
        }
        free(c->vars);
        free(c->cpuinfo);
        c->vars = NULL;
        c->n_vars = 0;
        c->cpuinfo = NULL;
}
