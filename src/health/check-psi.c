/* SPDX-License-Identifier: MIT */
/*
 * psi: pressure stall information, /proc/pressure/{cpu,io,memory}
 * (kernel 4.20+, CONFIG_PSI): the share of the last 60 s some task waited
 * for the resource. some avg60 > 10 warning, > 15 critical; memory full
 * (every task stalled) > 5 / > 20. node_exporter exports the raw series
 * (node_pressure_*); this check is the judgement.
 */
#include <errno.h>
#include <stdio.h>

#include "health/health.h"
#include "util.h"

static int parse_line(const char *l, struct psi_line *p) {
        _cleanup_strv_ char **w = strv_split(l, " \t");
        unsigned n = 0;
        *p = (struct psi_line) {};
        for (char **kv = w ? w + 1 : NULL; kv && *kv; kv++) {
                char *eq = strchr(*kv, '='), *end;
                double v;
                if (!eq)
                        continue;
                if (startswith(*kv, "total=")) {
                        if (safe_atou64(eq + 1, &p->total) >= 0)
                                n++;
                        continue;
                }
                errno = 0;
                v = strtod(eq + 1, &end);
                if (errno || end == eq + 1 || *end || v < 0 || v > 100)
                        return -EINVAL;
                if (startswith(*kv, "avg10="))
                        p->avg10 = v, n++;
                else if (startswith(*kv, "avg60="))
                        p->avg60 = v, n++;
                else if (startswith(*kv, "avg300="))
                        p->avg300 = v, n++;
        }
        p->have = n == 4;
        return p->have ? 0 : -EINVAL;
}

int health_parse_psi(const char *text, struct psi_line *some, struct psi_line *full) {
        _cleanup_strv_ char **lines = strv_split(text, "\n");
        bool any = false;
        *some = (struct psi_line) {};
        *full = (struct psi_line) {};
        for (char **l = lines; l && *l; l++) {
                if (startswith(*l, "some ") && parse_line(*l, some) >= 0)
                        any = true;
                else if (startswith(*l, "full ") && parse_line(*l, full) >= 0)
                        any = true;
        }
        return any ? 0 : -EINVAL;
}

static void run(struct health_ctx *c, struct health_report *r) {
        static const char *const res[] = { "cpu", "io", "memory" };
        const struct health_config *k = c->cfg;

        for (size_t i = 0; i < ELEMENTSOF(res); i++) {
                _cleanup_free_ char *rel = xasprintf("pressure/%s", res[i]), *text = NULL;
                _cleanup_free_ char *shown = sysroot_display_path(SR_PROC, rel);
                struct health_result *x = health_add(r, "psi", res[i]);
                struct psi_line some, full;
                enum health_status s;
                int rr;

                x->perf_label = xasprintf("psi_%s_some_avg60", res[i]);
                rr = sysroot_read_file(c->sr, SR_PROC, rel, 0, &text, NULL, NULL);
                if (rr == -ENOENT || rr == -EOPNOTSUPP) {
                        x->status = HEALTH_UNSUPPORTED;
                        health_set_summary(x, "no %s: kernel without CONFIG_PSI, or booted with psi=0", shown);
                        continue;
                }
                if (rr < 0 || health_parse_psi(text, &some, &full) < 0 || !some.have) {
                        health_set_summary(x, "cannot read %s: %s", shown, rr < 0 ? strerror(-rr) : "not in the PSI format");
                        continue;
                }
                health_set_value(x, some.avg60, "%");
                health_set_thresholds(x, k->psi_some_warn, k->psi_some_crit, false);
                health_evidence(x, "%s some avg10=%.2f avg60=%.2f avg300=%.2f", shown, some.avg10, some.avg60, some.avg300);
                s = health_judge(some.avg60, k->psi_some_warn, k->psi_some_crit, false);
                if (streq(res[i], "memory") && full.have) {
                        enum health_status fs = health_judge(full.avg60, k->psi_full_warn, k->psi_full_crit, false);
                        health_evidence(x, "%s full avg10=%.2f avg60=%.2f avg300=%.2f", shown, full.avg10, full.avg60,
                                        full.avg300);
                        if (fs > s)
                                s = fs;
                        health_set_summary(x, "some tasks stalled on memory %.1f%% of the last minute, all tasks %.1f%%",
                                           some.avg60, full.avg60);
                } else
                        health_set_summary(x, "some tasks stalled on %s %.1f%% of the last minute (%.1f%% over 5 min)",
                                           res[i], some.avg60, some.avg300);
                x->status = s;
                if (s != HEALTH_OK)
                        health_set_remedy(x, "%s", streq(res[i], "cpu")
                                ? "more runnable work than CPUs: find it with `top` or `systemd-cgtop`; on a VPS check "
                                  "cpu.steal (the host may be taking the time)"
                                : streq(res[i], "io")
                                ? "tasks wait for the disk: `iotop -o` finds who; check the I/O scheduler and "
                                  "read-ahead (`vpstune verify`)"
                                : "the working set does not fit: zram (see the zram check), fewer containers, or more RAM");
        }
}

const struct health_check health_check_psi = {
        .id = "psi",
        .description = "pressure stall of cpu, io and memory over the last minute",
        .run = run,
};
