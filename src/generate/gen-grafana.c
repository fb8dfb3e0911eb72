/* SPDX-License-Identifier: MIT */
/*
 * A Grafana dashboard (JSON model, importable as is: Dashboards → Import)
 * over the same series the Prometheus rules use: verify, health, zram and
 * bench from vpstune's textfiles, memory pressure from node_exporter.
 * Built with json-c, which does all escaping; JSON has no comments, so
 * the provenance is in the dashboard's "description".
 *
 * Every expression is checked by promtool in tests (wrapped in recording
 * rules, $instance replaced), so a renamed metric fails there, not on a
 * wall display.
 */
#include <errno.h>

#include <json-c/json.h>

#include "generate/gen-internal.h"

struct panel {
        const char *title;
        const char *type;   /* timeseries, stat, table */
        const char *unit;   /* Grafana unit id, or NULL */
        const char *expr;   /* $instance is the dashboard variable */
        const char *legend; /* legendFormat, or NULL */
        const char *description;
};

static const struct panel panels[] = {
        { "Tunings by status", "timeseries", "short", "vpstune_items{instance=~\"$instance\"}",
          "{{instance}} {{status}}", "vpstune verify: items ok, drifted, absent, unsupported" },
        { "Drifted knobs", "table", NULL, "vpstune_item_ok{instance=~\"$instance\"} == 0", "{{instance}} {{knob}}",
          "knobs whose tuning is not in effect (0 = drift)" },
        { "Verify succeeded", "stat", "bool_yes_no", "vpstune_verify_success{instance=~\"$instance\"}",
          "{{instance}}", "1 when the last verify run could read everything" },
        { "Age of the last verify", "stat", "s",
          "time() - vpstune_verify_last_run_timestamp_seconds{instance=~\"$instance\"}", "{{instance}}",
          "seconds since the verify timer last wrote its textfile" },
        { "Health checks not ok", "table", NULL, "vpstune_health_check_status{instance=~\"$instance\"} > 0",
          "{{instance}} {{check}} {{target}}", "1 warning, 2 critical, 3 unknown (vpstune health)" },
        { "btrfs unallocated", "timeseries", "bytes", "vpstune_btrfs_unallocated_bytes{instance=~\"$instance\"}",
          "{{instance}} {{mountpoint}}", "space not yet given to data or metadata chunks" },
        { "Days since the last scrub", "stat", "d",
          "(time() - vpstune_btrfs_scrub_last_completion_timestamp_seconds{instance=~\"$instance\"}) / 86400",
          "{{instance}} {{mountpoint}}", "vpstune health warns after 35 days" },
        { "zram compression ratio", "timeseries", "short",
          "vpstune_zram_compression_ratio{instance=~\"$instance\"}", "{{instance}} {{device}}",
          "orig_data_size / mem_used_total (below 1.5 the zram costs more than it saves)" },
        { "Bench: ratio against the baseline", "timeseries", "percentunit",
          "vpstune_bench_ratio{instance=~\"$instance\"}", "{{instance}} {{workload}} {{variant}}",
          "vpstune bench --format prometheus: median ratio, below 1 is faster for time workloads" },
        { "Memory stall (PSI full)", "timeseries", "percentunit",
          "rate(node_pressure_memory_stalled_seconds_total{instance=~\"$instance\"}[5m])", "{{instance}}",
          "share of time all tasks stalled on memory (node_exporter)" },
};

static struct json_object *str(const char *s) {
        return json_object_new_string(s);
}

static struct json_object *datasource(void) {
        struct json_object *d = json_object_new_object();
        json_object_object_add(d, "type", str("prometheus"));
        json_object_object_add(d, "uid", str("${DS_PROMETHEUS}"));
        return d;
}

static struct json_object *panel_json(const struct panel *p, int id) {
        struct json_object *o = json_object_new_object(), *pos = json_object_new_object();
        struct json_object *targets = json_object_new_array(), *t = json_object_new_object();
        struct json_object *fc = json_object_new_object(), *defaults = json_object_new_object();

        json_object_object_add(o, "id", json_object_new_int(id));
        json_object_object_add(o, "type", str(p->type));
        json_object_object_add(o, "title", str(p->title));
        json_object_object_add(o, "description", str(p->description));
        json_object_object_add(o, "datasource", datasource());
        /* Two panels a row, 12 of Grafana's 24 columns each. */
        json_object_object_add(pos, "h", json_object_new_int(8));
        json_object_object_add(pos, "w", json_object_new_int(12));
        json_object_object_add(pos, "x", json_object_new_int(((id - 1) % 2) * 12));
        json_object_object_add(pos, "y", json_object_new_int(((id - 1) / 2) * 8));
        json_object_object_add(o, "gridPos", pos);
        if (p->unit)
                json_object_object_add(defaults, "unit", str(p->unit));
        json_object_object_add(fc, "defaults", defaults);
        json_object_object_add(fc, "overrides", json_object_new_array());
        json_object_object_add(o, "fieldConfig", fc);
        json_object_object_add(t, "refId", str("A"));
        json_object_object_add(t, "datasource", datasource());
        json_object_object_add(t, "expr", str(p->expr));
        if (p->legend)
                json_object_object_add(t, "legendFormat", str(p->legend));
        if (streq(p->type, "table"))
                json_object_object_add(t, "instant", json_object_new_boolean(1));
        json_object_array_add(targets, t);
        json_object_object_add(o, "targets", targets);
        return o;
}

static struct json_object *instance_variable(void) {
        struct json_object *v = json_object_new_object(), *q = json_object_new_object();
        json_object_object_add(v, "name", str("instance"));
        json_object_object_add(v, "label", str("Instance"));
        json_object_object_add(v, "type", str("query"));
        json_object_object_add(v, "datasource", datasource());
        json_object_object_add(q, "query", str("label_values(vpstune_items, instance)"));
        json_object_object_add(q, "refId", str("instance"));
        json_object_object_add(v, "query", q);
        json_object_object_add(v, "definition", str("label_values(vpstune_items, instance)"));
        json_object_object_add(v, "refresh", json_object_new_int(2));
        json_object_object_add(v, "multi", json_object_new_boolean(1));
        json_object_object_add(v, "includeAll", json_object_new_boolean(1));
        json_object_object_add(v, "allValue", str(".*"));
        return v;
}

int gen_emit_grafana(const struct gen_ctx *g, FILE *o) {
        struct json_object *d = json_object_new_object(), *inputs = json_object_new_array();
        struct json_object *in = json_object_new_object(), *arr = json_object_new_array();
        struct json_object *tmpl = json_object_new_object(), *list = json_object_new_array();
        struct json_object *time_range = json_object_new_object();
        _cleanup_free_ char *desc = xasprintf("Generated by vpstune %s from profile %s: verify, health, zram and "
                                              "bench series of vpstune's textfiles (node_exporter textfile "
                                              "collector). Regenerate with: vpstune generate grafana",
                                              g->version, gen_profile_arg(g));
        int r = 0;

        /* Grafana asks for the data source on import. */
        json_object_object_add(in, "name", str("DS_PROMETHEUS"));
        json_object_object_add(in, "label", str("Prometheus"));
        json_object_object_add(in, "type", str("datasource"));
        json_object_object_add(in, "pluginId", str("prometheus"));
        json_object_object_add(in, "pluginName", str("Prometheus"));
        json_object_array_add(inputs, in);
        json_object_object_add(d, "__inputs", inputs);
        json_object_object_add(d, "title", str("vpstune"));
        json_object_object_add(d, "uid", str("vpstune"));
        json_object_object_add(d, "description", str(desc));
        json_object_object_add(d, "tags", json_object_new_array());
        json_object_array_add(json_object_object_get(d, "tags"), str("vpstune"));
        json_object_object_add(d, "schemaVersion", json_object_new_int(37));
        json_object_object_add(d, "version", json_object_new_int(1));
        json_object_object_add(d, "editable", json_object_new_boolean(1));
        json_object_object_add(d, "refresh", str("5m"));
        json_object_object_add(time_range, "from", str("now-7d"));
        json_object_object_add(time_range, "to", str("now"));
        json_object_object_add(d, "time", time_range);
        json_object_array_add(list, instance_variable());
        json_object_object_add(tmpl, "list", list);
        json_object_object_add(d, "templating", tmpl);
        for (size_t i = 0; i < ELEMENTSOF(panels); i++)
                json_object_array_add(arr, panel_json(&panels[i], (int) i + 1));
        json_object_object_add(d, "panels", arr);

        if (fprintf(o, "%s\n", json_object_to_json_string_ext(d, JSON_C_TO_STRING_PRETTY |
                                                                   JSON_C_TO_STRING_SPACED |
                                                                   JSON_C_TO_STRING_NOSLASHESCAPE)) < 0)
                r = -EIO;
        json_object_put(d);
        return r;
}
