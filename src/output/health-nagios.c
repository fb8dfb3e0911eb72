/* SPDX-License-Identifier: MIT */
/*
 * Nagios plugin output (Monitoring Plugins guidelines): one status line,
 * "VPSTUNE HEALTH WARNING - btrfs.unallocated 1.6GiB<2GiB | perfdata",
 * always printed; perfdata 'label'=value[UOM];warn;crit;min;max with
 * ranges: "N:" alerts below N (lower bounds), "N" above.
 */
#include <math.h>
#include <errno.h>
#include <stdio.h>

#include "output/health-render.h"
#include "util.h"

static void num(FILE *f, double v) {
        if (v == (double) (long long) v && v < 1e18 && v > -1e18)
                fprintf(f, "%lld", (long long) v);
        else if (v >= 1e4 || v <= -1e4)
                fprintf(f, "%.0f", v);
        else
                fprintf(f, "%.4g", v);
}

static const char *uom(const struct health_result *x) {
        const char *u = strempty(x->unit);
        return streq(u, "B") ? "B" : streq(u, "%") ? "%" : streq(u, "d") ? "" : "";
}

int health_print_nagios(const struct health_report *r, char *const *only, FILE *f, int *ret_code) {
        enum health_status worst = health_report_worst(r, only);
        static const char *const word[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };
        int code = health_status_nagios(worst);
        bool first = true, perf = false;

        fprintf(f, "VPSTUNE HEALTH %s - ", word[code]);
        /* Worst first: critical, then warning, then (asked-for) unknown. */
        for (int pass = HEALTH_CRITICAL; pass >= HEALTH_WARNING; pass--)
                for (size_t i = 0; i < r->n_results; i++) {
                        const struct health_result *x = &r->results[i];
                        char v[48], t[48];
                        if ((int) x->status != pass)
                                continue;
                        fputs(first ? "" : ", ", f);
                        first = false;
                        if (x->has_value && x->has_thresholds) {
                                double th = x->status == HEALTH_CRITICAL ? x->crit : x->warn;
                                fprintf(f, "%s %s%s%s%s", x->id, streq(x->target, "-") ? "" : x->target,
                                        streq(x->target, "-") ? "" : " ", health_format_value(v, x, x->value),
                                        x->low_is_bad ? "<" : ">=");
                                fputs(health_format_value(t, x, th), f);
                        } else
                                fprintf(f, "%s %s: %s", x->id, x->target, strempty(x->summary));
                }
        if (first) {
                unsigned n = 0, u = 0;
                for (size_t i = 0; i < r->n_results; i++) {
                        n += r->results[i].status == HEALTH_OK;
                        u += r->results[i].status == HEALTH_UNKNOWN;
                }
                if (worst == HEALTH_UNKNOWN)
                        fprintf(f, "%u checks could not be determined", u);
                else
                        fprintf(f, "%u checks ok", n);
        }
        for (size_t i = 0; i < r->n_results; i++) {
                const struct health_result *x = &r->results[i];
                if (!x->perf_label || !x->has_value || !isfinite(x->value))
                        continue;
                fputs(perf ? " " : " | ", f);
                perf = true;
                fprintf(f, "'%s'=", x->perf_label);
                num(f, x->value);
                fputs(uom(x), f);
                fputc(';', f);
                if (x->has_thresholds) {
                        num(f, x->warn);
                        fputs(x->low_is_bad ? ":" : "", f);
                }
                fputc(';', f);
                if (x->has_thresholds && !(x->low_is_bad && x->crit == 0)) {
                        num(f, x->crit);
                        fputs(x->low_is_bad ? ":" : "", f);
                }
                fputs(";", f);
                if (streq(strempty(x->unit), "B") || streq(strempty(x->unit), "%"))
                        fputc('0', f);
                fputc(';', f);
                if (streq(strempty(x->unit), "%"))
                        fputs("100", f);
        }
        fputc('\n', f);
        *ret_code = code;
        return ferror(f) ? -EIO : 0;
}
