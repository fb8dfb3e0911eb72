/* SPDX-License-Identifier: MIT */
/*
 * Prometheus alerting rules for a fleet of tuned machines, over the series
 * vpstune's textfiles give node_exporter (verify, health, bench: see
 * vpstune(8), METRICS) and node_exporter's own btrfs and pressure series,
 * which vpstune does not export again.
 *
 * Every expression keeps series stable: statuses are values, never labels
 * that appear and vanish, so an alert resolves when the value does. The
 * text is fixed (nothing from the profile or the machine is interpolated),
 * so no quoting is needed; promtool checks it in tests/cli/t0810.
 */
#include <errno.h>
#include <string.h>

#include "generate/gen-internal.h"

/* One alert: name, expression, how long it must hold, severity, summary and
 * description (Go templates of Prometheus, written as YAML single-quoted
 * scalars: no ' inside). */
struct alert {
        const char *name;
        const char *expr;
        const char *for_;
        const char *severity;
        const char *summary;
        const char *description;
};

/* Seconds in the thresholds below (what vpstune health warns about). */
#define DAY "86400"

static const struct alert alerts[] = {
        { "VpstuneTuningDrift", "vpstune_items{status=\"drift\"} > 0", "2h", "warning",
          "{{ $value }} vpstune tunings are no longer in effect on {{ $labels.instance }}",
          "verify found drift for more than two hourly runs; see vpstune_item_ok == 0 for the knobs, "
          "and run vpstune apply (or find what changed them back)." },
        { "VpstuneVerifyFailed", "vpstune_verify_success == 0", "1h", "warning",
          "vpstune verify could not run on {{ $labels.instance }}",
          "the last verify run failed (bad profile, unreadable state); its textfile says so instead of "
          "keeping stale values. Run vpstune verify by hand to see the error." },
        { "VpstuneHealthCritical", "vpstune_health_check_status == 2", "15m", "critical",
          "vpstune health: {{ $labels.check }} on {{ $labels.target }} is critical on {{ $labels.instance }}",
          "run vpstune health --only {{ $labels.check }} for the remedy." },
        { "VpstuneScrubOverdue",
          "time() - vpstune_btrfs_scrub_last_completion_timestamp_seconds > 35 * " DAY, "1h", "warning",
          "btrfs on {{ $labels.instance }} was not scrubbed for more than 35 days",
          "a scrub finds bad blocks while a good copy still exists; enable the vpstune scrub timer "
          "(vpstune generate systemd) or run btrfs scrub start." },
        { "VpstuneTextfileStale",
          "time() - vpstune_verify_last_run_timestamp_seconds > 2 * " DAY
          " or time() - vpstune_health_last_run_timestamp_seconds > 2 * " DAY,
          "1h", "warning", "vpstune metrics on {{ $labels.instance }} are older than two days",
          "the verify or health timer has stopped; systemctl list-timers \"vpstune-*\" shows which." },
        { "BtrfsDeviceErrors", "increase(node_btrfs_device_errors_total[1h]) > 0", "0m", "critical",
          "btrfs device {{ $labels.device }} on {{ $labels.instance }} counts new {{ $labels.type }} errors",
          "the disk or the storage of the host returns errors; vpstune health shows the counters, btrfs "
          "scrub tells whether data was lost." },
        { "MemoryStall", "rate(node_pressure_memory_stalled_seconds_total[5m]) > 0.05", "15m", "warning",
          "tasks on {{ $labels.instance }} stall on memory {{ $value | humanizePercentage }} of the time",
          "memory pressure (PSI full): the machine is short of RAM; check zram use and swappiness "
          "with vpstune health." },
};

int gen_emit_prometheus_rules(const struct gen_ctx *g, FILE *o) {
        gen_header(g, o, "prometheus-rules",
                   "Alerting rules for Prometheus (rule_files: in prometheus.yml), over the "
                   "textfiles of vpstune verify and vpstune health read by node_exporter's textfile "
                   "collector, and node_exporter's own btrfs and pressure series. Check with: "
                   "promtool check rules FILE.",
                   (const char *const[]) { NULL });
        fprintf(o, "groups:\n"
                   "  - name: vpstune\n"
                   "    rules:\n");
        for (size_t i = 0; i < ELEMENTSOF(alerts); i++) {
                const struct alert *a = &alerts[i];
                /* Single-quoted YAML ends at a quote: the table must hold none. */
                if (strchr(a->expr, '\'') || strchr(a->summary, '\'') || strchr(a->description, '\''))
                        return -EINVAL;
                fprintf(o, "      - alert: %s\n"
                           "        expr: '%s'\n"
                           "        for: %s\n"
                           "        labels:\n"
                           "          severity: %s\n"
                           "        annotations:\n"
                           "          summary: '%s'\n"
                           "          description: '%s'\n",
                        a->name, a->expr, a->for_, a->severity, a->summary, a->description);
        }
        return 0;
}
