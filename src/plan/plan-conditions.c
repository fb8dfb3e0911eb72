/* SPDX-License-Identifier: MIT */
/*
 * TuneD's unit conditions and order (tuned/units/manager.py create()):
 *
 *   cpuinfo_regex  the unit applies only if a re.search (MULTILINE) finds
 *                  it in /proc/cpuinfo;
 *   uname_regex    ... in " ".join(os.uname()): "SYSNAME NODENAME RELEASE
 *                  VERSION MACHINE";
 *   priority       units are used in ascending priority (default 0), a
 *                  stable sort, so equal priorities keep the profile order.
 *
 * Both strings come from the sysroot, so a captured machine is judged as
 * itself: cpuinfo is its proc/cpuinfo; uname is "Linux", its hostname and
 * kernel release (facts), proc/sys/kernel/version, and the machine: the
 * live uname(2), else what its cpuinfo shows (aarch64 cpuinfo has "CPU
 * architecture: 8", x86-64 lists the "lm" flag). No program is run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>

#include "plan/plan-internal.h"
#include "util.h"

static const char *cond_cpuinfo(struct plan_ctx *c) {
        if (!c->cpuinfo && sysroot_read_file(c->sr, SR_PROC, "cpuinfo", 0, &c->cpuinfo, NULL, NULL) < 0)
                c->cpuinfo = xstrdup(""); /* TuneD reads "" on error */
        return c->cpuinfo;
}

static char *machine_from_cpuinfo(const char *ci) {
        if (strstr(ci, "CPU architecture: 8") || strstr(ci, "CPU architecture\t: 8"))
                return xstrdup("aarch64");
        if (strstr(ci, "vendor_id"))
                return xstrdup(strstr(ci, " lm ") ? "x86_64" : "i686");
        return xstrdup("unknown");
}

static const char *cond_uname(struct plan_ctx *c) {
        if (!c->uname) {
                _cleanup_free_ char *version = NULL, *machine = NULL;
                struct utsname u;

                if (sysroot_read_file(c->sr, SR_PROC, "sys/kernel/version", 4096, &version, NULL, NULL) >= 0)
                        version[strcspn(version, "\n")] = '\0';
                if (sysroot_is_live(c->sr) && uname(&u) == 0)
                        machine = xstrdup(u.machine);
                else
                        machine = machine_from_cpuinfo(cond_cpuinfo(c));
                c->uname = xasprintf("Linux %s %s %s %s", c->f->hostname ? c->f->hostname : "",
                                     c->f->kernel_release ? c->f->kernel_release : "", version ? version : "",
                                     machine);
        }
        return c->uname;
}

/* 1 matches, 0 does not, <0 a bad regex (plan_fail called). */
static int cond_match(struct plan_ctx *c, const struct profile_unit *u, const char *what, const char *re,
                      const char *text) {
        _cleanup_free_ char *err = NULL;
        bool m;

        if (profile_regex_search(re, text, true, &m, &err) < 0) {
                if (u->file)
                        c->error = c->error ? c->error : xasprintf("%s:%u: [%s] %s: %s", u->file, u->line, u->name, what, err);
                else
                        plan_fail(c, NULL, "[%s] %s: %s", u->name, what, err);
                return -EINVAL;
        }
        return m;
}

int plan_unit_applies(struct plan_ctx *c, const struct profile_unit *u, char **ret_reason) {
        _cleanup_free_ char *why = NULL;
        int r;

        *ret_reason = NULL;
        if (u->cpuinfo_regex) {
                r = cond_match(c, u, "cpuinfo_regex", u->cpuinfo_regex, cond_cpuinfo(c));
                if (r < 0)
                        return r;
                if (r == 0) {
                        *ret_reason = xasprintf("unit [%s] skipped, as TuneD does: cpuinfo_regex '%s' does not match "
                                                "this machine's /proc/cpuinfo", u->name, u->cpuinfo_regex);
                        return 0;
                }
                why = xasprintf("cpuinfo_regex '%s' matches /proc/cpuinfo", u->cpuinfo_regex);
        }
        if (u->uname_regex) {
                const char *un = cond_uname(c);
                r = cond_match(c, u, "uname_regex", u->uname_regex, un);
                if (r < 0)
                        return r;
                if (r == 0) {
                        *ret_reason = xasprintf("unit [%s] skipped, as TuneD does: uname_regex '%s' does not match "
                                                "'%s'", u->name, u->uname_regex, un);
                        return 0;
                }
                char *n = xasprintf("%s%suname_regex '%s' matches '%s'", strempty(why), why ? ", " : "",
                                    u->uname_regex, un);
                free(why);
                why = n;
        }
        if (why)
                *ret_reason = xasprintf("unit [%s] applies: %s", u->name, why);
        return 1;
}

/* TuneD: int(priority), default 0; a value int() refuses fails the load. */
static int unit_priority(const struct profile_unit *u, long long *ret) {
        int64_t v = 0;
        if (u->priority && safe_atoi64(u->priority, &v) < 0)
                return -EINVAL;
        *ret = v;
        return 0;
}

int plan_unit_order(struct plan_ctx *c, size_t **ret_order) {
        const struct profile *p = c->profile;
        size_t *o = xcalloc(p->n_units ? p->n_units : 1, sizeof *o);
        long long *prio = xcalloc(p->n_units ? p->n_units : 1, sizeof *prio);

        for (size_t i = 0; i < p->n_units; i++) {
                o[i] = i;
                if (unit_priority(&p->units[i], &prio[i]) < 0) {
                        const struct profile_unit *u = &p->units[i];
                        if (u->file)
                                c->error = xasprintf("%s:%u: [%s] priority=%s: not an integer", u->file, u->line,
                                                     u->name, u->priority);
                        else
                                plan_fail(c, NULL, "[%s] priority=%s: not an integer", u->name, u->priority);
                        free(prio);
                        free(o);
                        return -EINVAL;
                }
        }
        /* insertion sort: stable, and profiles have tens of units */
        for (size_t i = 1; i < p->n_units; i++)
                for (size_t j = i; j > 0 && prio[o[j - 1]] > prio[o[j]]; j--) {
                        size_t t = o[j];
                        o[j] = o[j - 1];
                        o[j - 1] = t;
                }
        free(prio);
        *ret_order = o;
        return 0;
}
