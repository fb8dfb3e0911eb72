/* SPDX-License-Identifier: MIT */
#include "health/health.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "util.h"

const char *health_status_to_string(enum health_status s) {
        static const char *const names[] = {
                [HEALTH_OK] = "ok",
                [HEALTH_WARNING] = "warning",
                [HEALTH_CRITICAL] = "critical",
                [HEALTH_UNKNOWN] = "unknown",
                [HEALTH_UNSUPPORTED] = "unsupported",
        };
        return (unsigned) s < ELEMENTSOF(names) ? names[s] : "unknown";
}

int health_status_nagios(enum health_status s) {
        switch (s) {
        case HEALTH_WARNING: return 1;
        case HEALTH_CRITICAL: return 2;
        case HEALTH_UNKNOWN: return 3;
        default: return 0;
        }
}

void health_config_defaults(struct health_config *c) {
        *c = (struct health_config) {
                .fs_space_warn = 85, .fs_space_crit = 95,
                .unalloc_warn_bytes = UINT64_C(2) << 30, .unalloc_crit_bytes = UINT64_C(1) << 30,
                .unalloc_warn_pct = 5, .unalloc_crit_pct = 2,
                .metadata_crit_pct = 90,
                .scrub_warn_days = 35, .scrub_crit_days = 70,
                .balance_slack_pct = 25,
                .compression_min_ratio = 1.05, .compression_min_bytes = UINT64_C(1) << 30,
                .compression_budget_s = 5,
                .zram_min_ratio = 1.5, .zram_swap_warn_pct = 90, .zram_mem_crit_pct = 95,
                .zram_min_bytes = UINT64_C(4) << 20,
                .psi_some_warn = 10, .psi_some_crit = 15, .psi_full_warn = 5, .psi_full_crit = 20,
                .steal_warn_pct = 10, .steal_crit_pct = 25,
                .timer_overdue_factor = 2,
                .snapshot_max_age_days = 0, .snapshot_max_count = 0,
        };
}

void health_config_done(struct health_config *c) {
        strv_free(c->skip);
        c->skip = NULL;
}

struct health_result *health_add(struct health_report *r, const char *id, const char *target) {
        struct health_result *x = array_grow(&r->results, &r->n_results, sizeof *x);
        x->id = xstrdup(id);
        x->target = xstrdup(target ? target : "-");
        x->status = HEALTH_UNKNOWN;
        return x;
}

void health_set_value(struct health_result *x, double value, const char *unit) {
        x->has_value = true;
        x->value = value;
        free(x->unit);
        x->unit = unit ? xstrdup(unit) : NULL;
}

void health_set_thresholds(struct health_result *x, double warn, double crit, bool low_is_bad) {
        x->has_thresholds = true;
        x->warn = warn;
        x->crit = crit;
        x->low_is_bad = low_is_bad;
}

static char *vfmt(const char *fmt, va_list ap) {
        char *s = NULL;
        if (vasprintf(&s, fmt, ap) < 0)
                abort();
        return s;
}

void health_set_summary(struct health_result *x, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        free(x->summary);
        x->summary = vfmt(fmt, ap);
        va_end(ap);
}

void health_set_remedy(struct health_result *x, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        free(x->remedy);
        x->remedy = vfmt(fmt, ap);
        va_end(ap);
}

void health_evidence(struct health_result *x, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        strv_consume(&x->evidence, vfmt(fmt, ap));
        va_end(ap);
}

void health_metric(struct health_result *x, const char *name, const char *help, double value,
                   const char *labels_fmt, ...) {
        struct health_metric *m = array_grow(&x->metrics, &x->n_metrics, sizeof *m);
        m->name = xstrdup(name);
        m->help = xstrdup(help);
        m->value = value;
        if (labels_fmt) {
                va_list ap;
                va_start(ap, labels_fmt);
                m->labels = vfmt(labels_fmt, ap);
                va_end(ap);
        }
}

char *health_label_escape(const char *s) {
        size_t n = 0;
        char *o = xmalloc(2 * strlen(strempty(s)) + 1);
        for (const char *p = strempty(s); *p; p++) {
                if (*p == '\\' || *p == '"') {
                        o[n++] = '\\';
                        o[n++] = *p;
                } else if (*p == '\n') {
                        o[n++] = '\\';
                        o[n++] = 'n';
                } else
                        o[n++] = *p;
        }
        o[n] = '\0';
        return o;
}

enum health_status health_judge(double value, double warn, double crit, bool low_is_bad) {
        if (low_is_bad)
                return value < crit ? HEALTH_CRITICAL : value < warn ? HEALTH_WARNING : HEALTH_OK;
        return value >= crit ? HEALTH_CRITICAL : value >= warn ? HEALTH_WARNING : HEALTH_OK;
}

const char *health_bytes(char buf[static 32], double bytes) {
        static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
        size_t u = 0;
        double v = bytes < 0 ? -bytes : bytes;
        while (v >= 1024 && u + 1 < ELEMENTSOF(units)) {
                v /= 1024;
                u++;
        }
        if (u == 0)
                snprintf(buf, 32, "%s%.0fB", bytes < 0 ? "-" : "", v);
        else
                snprintf(buf, 32, v < 10 ? "%s%.1f%s" : "%s%.0f%s", bytes < 0 ? "-" : "", v, units[u]);
        return buf;
}

char *health_slug(const char *s) {
        char *o;
        size_t n = 0;
        while (*s == '/')
                s++;
        if (!*s)
                return xstrdup("root");
        o = xmalloc(strlen(s) + 1);
        for (; *s; s++)
                o[n++] = ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')) ? *s : '_';
        o[n] = '\0';
        return o;
}

bool health_acked(const struct health_ctx *c, const char *id) {
        return strv_contains(c->ack, id);
}

static bool selected(const struct health_check *k, char *const *only, char *const *skip) {
        if (only)
                return strv_contains(only, k->id);
        return !strv_contains(skip, k->id);
}

int health_run(struct health_ctx *c, char *const *only, struct health_report *r) {
        for (char *const *o = only; o && *o; o++)
                if (!health_check_find(*o))
                        return -ENOENT;
        r->now = c->now;
        for (size_t i = 0; i < health_n_checks; i++) {
                const struct health_check *k = health_checks[i];
                if (!selected(k, only, c->cfg->skip))
                        continue;
                if (k->run_btrfs) {
                        const struct health_btrfs *bt;
                        size_t n;
                        health_btrfs_list(c, &bt, &n);
                        for (size_t b = 0; b < n; b++)
                                k->run_btrfs(c, r, &bt[b]);
                } else
                        k->run(c, r);
        }
        return 0;
}

static void result_done(struct health_result *x) {
        free(x->id);
        free(x->target);
        free(x->unit);
        free(x->summary);
        free(x->remedy);
        strv_free(x->evidence);
        free(x->perf_label);
        for (size_t i = 0; i < x->n_metrics; i++) {
                free(x->metrics[i].name);
                free(x->metrics[i].help);
                free(x->metrics[i].labels);
        }
        free(x->metrics);
}

void health_report_done(struct health_report *r) {
        for (size_t i = 0; i < r->n_results; i++)
                result_done(&r->results[i]);
        free(r->results);
        strv_free(r->warnings);
        *r = (struct health_report) {};
}

enum health_status health_report_worst(const struct health_report *r, char *const *only) {
        enum health_status w = HEALTH_OK;
        for (size_t i = 0; i < r->n_results; i++) {
                enum health_status s = r->results[i].status;
                if (s == HEALTH_CRITICAL)
                        return HEALTH_CRITICAL;
                if (s == HEALTH_WARNING)
                        w = HEALTH_WARNING;
                /* Unknown matters when the check was asked for by name: the
                 * default set reports it without failing (no journal here is
                 * not a problem of the machine). */
                else if (s == HEALTH_UNKNOWN && w == HEALTH_OK && only && strv_contains(only, r->results[i].id))
                        w = HEALTH_UNKNOWN;
        }
        return w;
}
