/* SPDX-License-Identifier: MIT */
/*
 * cpu.steal: the share of CPU time the hypervisor gave to someone else (the
 * 8th number of /proc/stat's cpu line). The window is "since the last run"
 * (the counters are kept in the state dir), or since boot on the first run;
 * no sleeping in between. > 10 % warning, > 25 % critical: a VPS truth no
 * other check reports, and the reason every timing on the box is noisy.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "health/health.h"
#include "util.h"

#define SECTION "cpu.steal"

int health_parse_proc_stat(const char *text, struct cpu_times *ret) {
        _cleanup_strv_ char **lines = strv_split(text, "\n");
        for (char **l = lines; l && *l; l++) {
                _cleanup_strv_ char **w = NULL;
                uint64_t v[8] = {};
                size_t n;
                if (!startswith(*l, "cpu "))
                        continue;
                w = strv_split(*l, " \t");
                n = strv_length(w);
                if (n < 5) /* user nice system idle at least */
                        return -EINVAL;
                for (size_t i = 0; i < 8 && i + 1 < n; i++)
                        if (safe_atou64(w[i + 1], &v[i]) < 0)
                                return -EINVAL;
                *ret = (struct cpu_times) { v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7] };
                return 0;
        }
        return -EINVAL;
}

static uint64_t total_of(const struct cpu_times *t) {
        return t->user + t->nice + t->system + t->idle + t->iowait + t->irq + t->softirq + t->steal;
}

static void run(struct health_ctx *c, struct health_report *r) {
        _cleanup_free_ char *text = NULL, *shown = sysroot_display_path(SR_PROC, "stat");
        struct health_result *x = health_add(r, "cpu.steal", "cpu");
        struct cpu_times now;
        uint64_t prev_total, prev_steal, prev_time, dt, ds;
        const char *window = "since boot";
        _cleanup_free_ char *wbuf = NULL;
        double pct;

        x->perf_label = xstrdup("cpu_steal");
        if (sysroot_read_file(c->sr, SR_PROC, "stat", 0, &text, NULL, NULL) < 0 || health_parse_proc_stat(text, &now) < 0) {
                health_set_summary(x, "cannot read the cpu line of %s", shown);
                return;
        }
        dt = total_of(&now);
        ds = now.steal;
        if (health_state_get(c->state, SECTION, "stat", "total", &prev_total) &&
            health_state_get(c->state, SECTION, "stat", "steal", &prev_steal) &&
            health_state_get(c->state, SECTION, "stat", "time", &prev_time) && prev_total < dt && prev_steal <= ds &&
            dt - prev_total >= 100) {
                dt -= prev_total;
                ds -= prev_steal;
                wbuf = xasprintf("since the last run %.1f h ago", (double) (c->now - (time_t) prev_time) / 3600.0);
                window = wbuf;
        }
        health_state_set(c->state, SECTION, "stat", "total", total_of(&now));
        health_state_set(c->state, SECTION, "stat", "steal", now.steal);
        health_state_set(c->state, SECTION, "stat", "time", (uint64_t) c->now);
        pct = dt > 0 ? (double) ds * 100.0 / (double) dt : 0;
        health_set_value(x, pct, "%");
        health_set_thresholds(x, c->cfg->steal_warn_pct, c->cfg->steal_crit_pct, false);
        x->status = health_judge(pct, c->cfg->steal_warn_pct, c->cfg->steal_crit_pct, false);
        health_set_summary(x, "%.1f%% of CPU time stolen by the hypervisor %s", pct, window);
        health_evidence(x, "%s cpu line: steal %" PRIu64 " of %" PRIu64 " ticks in the window", shown, ds, dt);
        if (x->status != HEALTH_OK)
                health_set_remedy(x, "the host is oversubscribed: benchmarks here are noise (`vpstune bench` reports "
                                  "steal); ask the provider, or move to dedicated vCPUs");
}

const struct health_check health_check_cpu_steal = {
        .id = "cpu.steal",
        .description = "CPU time taken by the hypervisor since the last run",
        .run = run,
};
