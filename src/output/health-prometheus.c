/* SPDX-License-Identifier: MIT */
/*
 * Prometheus text format for node_exporter's textfile collector (written
 * atomically by the verb with -o). Only series node_exporter lacks: the
 * check statuses, scrub age and findings, compression, zram, unallocated
 * space. Filesystem sizes (node_filesystem_*), btrfs allocation and device
 * errors (node_btrfs_*), pressure (node_pressure_*) and CPU steal
 * (node_cpu_seconds_total{mode="steal"}) are node_exporter's already.
 * Each metric family is written once, HELP and TYPE first, its samples
 * together (promtool check metrics insists).
 */
#include <math.h>
#include <errno.h>
#include <stdio.h>

#include "output/health-render.h"
#include "util.h"

static void value(FILE *f, double v) {
        if (isnan(v))
                fputs("NaN", f);
        else if (v == (double) (long long) v && (v < 0 ? -v : v) < 1e15)
                fprintf(f, "%lld", (long long) v);
        else
                fprintf(f, "%.17g", v);
}

int health_print_prometheus(const struct health_report *r, FILE *f) {
        _cleanup_strv_ char **done = NULL;

        fputs("# HELP vpstune_health_check_status Status of a vpstune health check: 0 ok, 1 warning, 2 critical, "
              "3 unknown (unsupported checks are left out).\n"
              "# TYPE vpstune_health_check_status gauge\n", f);
        for (size_t i = 0; i < r->n_results; i++) {
                const struct health_result *x = &r->results[i];
                _cleanup_free_ char *c = NULL, *t = NULL;
                if (x->status == HEALTH_UNSUPPORTED)
                        continue;
                c = health_label_escape(x->id);
                t = health_label_escape(x->target);
                fprintf(f, "vpstune_health_check_status{check=\"%s\",target=\"%s\"} %d\n", c, t,
                        health_status_nagios(x->status));
        }
        fputs("# HELP vpstune_health_last_run_timestamp_seconds When vpstune health last ran.\n"
              "# TYPE vpstune_health_last_run_timestamp_seconds gauge\n", f);
        fprintf(f, "vpstune_health_last_run_timestamp_seconds %lld\n", (long long) r->now);

        /* Families in order of first appearance, each with all its samples. */
        for (size_t i = 0; i < r->n_results; i++)
                for (size_t k = 0; k < r->results[i].n_metrics; k++) {
                        const struct health_metric *m = &r->results[i].metrics[k];
                        if (strv_contains(done, m->name))
                                continue;
                        strv_push(&done, m->name);
                        fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n", m->name, m->help, m->name);
                        for (size_t a = i; a < r->n_results; a++)
                                for (size_t b = 0; b < r->results[a].n_metrics; b++) {
                                        const struct health_metric *s = &r->results[a].metrics[b];
                                        if (!streq(s->name, m->name))
                                                continue;
                                        fputs(s->name, f);
                                        if (s->labels)
                                                fprintf(f, "{%s}", s->labels);
                                        fputc(' ', f);
                                        value(f, s->value);
                                        fputc('\n', f);
                                }
                }
        return ferror(f) ? -EIO : 0;
}
