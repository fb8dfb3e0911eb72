/* SPDX-License-Identifier: MIT */
/*
 * One plan, five renderings: text (grouped by the seed's sections), JSON
 * (DESIGN.md), TAP (one test per item), Prometheus text exposition (for
 * node_exporter's textfile collector) and a Nagios plugin line.
 */
#include "output/plan-render.h"

#include <stdio.h>
#include <time.h>

#include "config.h"
#include "output/json.h"
#include "output/table.h"
#include "util.h"

static enum table_color status_color(enum item_status s) {
        switch (s) {
        case ITEM_OK: return COLOR_GREEN;
        case ITEM_DRIFT: return COLOR_YELLOW;
        case ITEM_ERROR: return COLOR_RED;
        default: return COLOR_GREY;
        }
}

int plan_print_text(const struct plan *p, FILE *o, bool color, bool verify) {
        struct plan_summary s;

        fprintf(o, "%s of profile '%s'%s%s%s on %s\n", verify ? "Verification" : "Plan", p->profile,
                p->profile_summary ? " (" : "", strempty(p->profile_summary), p->profile_summary ? ")" : "",
                p->root && !streq(p->root, "/") ? p->root : "this machine");
        for (int sec = 0; sec < _SECTION_MAX; sec++) {
                _cleanup_(table_freep) struct table *t = table_new(5);
                table_set_column(t, 0, "KNOB", TABLE_LEFT);
                table_set_column(t, 1, "CURRENT", TABLE_LEFT);
                table_set_column(t, 2, "TARGET", TABLE_LEFT);
                table_set_column(t, 3, "STATUS", TABLE_LEFT);
                table_set_column(t, 4, "NOTE", TABLE_LEFT);
                for (size_t i = 0; i < p->n_items; i++) {
                        const struct plan_item *it = &p->items[i];
                        _cleanup_free_ char *note = NULL;
                        if ((int) it->section != sec)
                                continue;
                        if (it->note && it->risk)
                                note = xasprintf("%s; risk: %s", it->note, it->risk);
                        else if (it->risk)
                                note = xasprintf("risk: %s", it->risk);
                        else
                                note = xstrdup(it->note ? it->note : "");
                        const char *cells[] = { it->knob, it->current ? it->current : "?",
                                                it->target ? it->target : "-", item_status_to_string(it->status), note };
                        table_add_row(t, cells);
                        table_set_row_color(t, 3, status_color(it->status));
                }
                if (table_rows(t) == 0)
                        continue;
                fprintf(o, "\n%s%s%s\n", color ? color_on(COLOR_BOLD) : "", plan_section_title(sec), color ? color_off() : "");
                table_print(t, o, color, true);
        }
        plan_summarize(p, &s);
        fprintf(o, "\n%u ok, %u drift, %u absent, %u unsupported, %u error\n", s.count[ITEM_OK], s.count[ITEM_DRIFT],
                s.count[ITEM_ABSENT], s.count[ITEM_UNSUPPORTED], s.count[ITEM_ERROR]);
        for (char **w = p->warnings; w && *w; w++)
                fprintf(o, "note: %s\n", *w);
        if (!verify && s.count[ITEM_DRIFT] > 0) {
                unsigned rt = 0;
                for (size_t i = 0; i < p->n_items; i++)
                        rt += p->items[i].status == ITEM_DRIFT && p->items[i].writable;
                if (rt == s.count[ITEM_DRIFT])
                        fprintf(o, "'vpstune apply' would change all %u drift items.\n", rt);
                else
                        fprintf(o, "'vpstune apply' would change %u of the %u drift items; the others persist through "
                                "'vpstune generate' (fstab).\n", rt, s.count[ITEM_DRIFT]);
        }
        return ferror(o) ? -5 : 0;
}

struct json_object *plan_to_json(const struct plan *p) {
        struct json_object *o = json_doc_new(PLAN_SCHEMA_VERSION);
        struct json_object *items = json_object_new_array();
        struct json_object *sum = json_object_new_object();
        struct plan_summary s;

        json_add_str(o, "profile", p->profile);
        json_add_str(o, "root", p->root);
        for (size_t i = 0; i < p->n_items; i++) {
                const struct plan_item *it = &p->items[i];
                struct json_object *e = json_object_new_object();
                json_add_str(e, "knob", it->knob);
                json_add_str(e, "group", it->group);
                json_add_str(e, "current", it->current);
                json_add_str(e, "target", it->target);
                json_add_str(e, "status", item_status_to_string(it->status));
                /* How current meets target: "at-least" is TuneD's ">N". */
                json_add_str(e, "compare", (const char *const[]) { "exact", "numeric", "at-least", "at-most", "one-of" }[it->cmp]);
                json_add_bool(e, "runtime", it->runtime);
                json_add_bool(e, "writable", it->writable);
                json_add_str(e, "persist", it->persist);
                json_add_str(e, "note", it->note);
                json_add_str(e, "risk", it->risk);
                json_add_str(e, "section", plan_section_title(it->section));
                json_add_str(e, "origin", it->origin);
                json_object_array_add(items, e);
        }
        json_object_object_add(o, "items", items);
        plan_summarize(p, &s);
        for (int i = 0; i < _ITEM_STATUS_MAX; i++)
                json_add_u64(sum, item_status_to_string(i), s.count[i]);
        json_object_object_add(o, "summary", sum);
        json_add_strv(o, "warnings", p->warnings);
        return o;
}

/* TAP: absent and unsupported items are skips with their reason, so a TAP
 * consumer sees them without counting them as failures. */
int plan_print_tap(const struct plan *p, FILE *o) {
        fprintf(o, "TAP version 13\n1..%zu\n", p->n_items);
        for (size_t i = 0; i < p->n_items; i++) {
                const struct plan_item *it = &p->items[i];
                switch (it->status) {
                case ITEM_OK:
                        fprintf(o, "ok %zu - %s = %s\n", i + 1, it->knob, strna(it->current));
                        break;
                case ITEM_ABSENT:
                case ITEM_UNSUPPORTED:
                        fprintf(o, "ok %zu - %s # SKIP %s: %s\n", i + 1, it->knob, item_status_to_string(it->status),
                                it->note ? it->note : "");
                        break;
                default:
                        fprintf(o, "not ok %zu - %s %s: current %s, target %s\n", i + 1, it->knob,
                                item_status_to_string(it->status), strna(it->current), strna(it->target));
                        if (it->note)
                                fprintf(o, "# %s\n", it->note);
                }
        }
        return ferror(o) ? -5 : 0;
}

static void prom_label(FILE *o, const char *v) {
        for (; v && *v; v++) {
                if (*v == '\\' || *v == '"')
                        fputc('\\', o), fputc(*v, o);
                else if (*v == '\n')
                        fputs("\\n", o);
                else
                        fputc(*v, o);
        }
}

int plan_print_prometheus(const struct plan *p, FILE *o, const char *prefix) {
        struct plan_summary s;

        fprintf(o, "# HELP %s_item_ok Whether a tuning is in effect (1) or not (0), per knob.\n", prefix);
        fprintf(o, "# TYPE %s_item_ok gauge\n", prefix);
        for (size_t i = 0; i < p->n_items; i++) {
                const struct plan_item *it = &p->items[i];
                fprintf(o, "%s_item_ok{knob=\"", prefix);
                prom_label(o, it->knob);
                fprintf(o, "\",group=\"");
                prom_label(o, it->group);
                fprintf(o, "\",status=\"%s\",profile=\"", item_status_to_string(it->status));
                prom_label(o, p->profile);
                fprintf(o, "\"} %d\n", it->status == ITEM_OK);
        }
        plan_summarize(p, &s);
        fprintf(o, "# HELP %s_items Number of tuning items by status.\n", prefix);
        fprintf(o, "# TYPE %s_items gauge\n", prefix);
        for (int i = 0; i < _ITEM_STATUS_MAX; i++)
                fprintf(o, "%s_items{status=\"%s\"} %u\n", prefix, item_status_to_string(i), s.count[i]);
        /* What the fleet's alert rules key on (generate prometheus-rules):
         * the run worked, when it ran, and which version and profile wrote
         * the file. Values, not labels that come and go. */
        fprintf(o, "# HELP %s_verify_success Whether the last verify run could evaluate the profile (1) or not (0).\n"
                   "# TYPE %s_verify_success gauge\n"
                   "%s_verify_success 1\n",
                prefix, prefix, prefix);
        fprintf(o, "# HELP %s_verify_last_run_timestamp_seconds When verify last wrote this file.\n"
                   "# TYPE %s_verify_last_run_timestamp_seconds gauge\n"
                   "%s_verify_last_run_timestamp_seconds %lld\n",
                prefix, prefix, prefix, (long long) time(NULL));
        fprintf(o, "# HELP %s_info The vpstune version and profile that wrote this file.\n"
                   "# TYPE %s_info gauge\n"
                   "%s_info{version=\"%s\",profile=\"",
                prefix, prefix, prefix, VPSTUNE_VERSION);
        prom_label(o, p->profile);
        fprintf(o, "\"} 1\n");
        return ferror(o) ? -5 : 0;
}

int plan_print_nagios(const struct plan *p, FILE *o, int *ret_code) {
        struct plan_summary s;
        const char *state;
        int code;

        plan_summarize(p, &s);
        if (s.count[ITEM_ERROR] > 0)
                code = 3, state = "UNKNOWN";
        else if (s.count[ITEM_DRIFT] > 0)
                code = 1, state = "WARNING";
        else
                code = 0, state = "OK";
        fprintf(o, "VPSTUNE %s - %u ok, %u drift, %u error", state, s.count[ITEM_OK], s.count[ITEM_DRIFT],
                s.count[ITEM_ERROR]);
        /* Name the first few drifting knobs: the one line is all a pager shows. */
        for (size_t i = 0, n = 0; i < p->n_items && n < 3; i++)
                if (p->items[i].status == ITEM_DRIFT || p->items[i].status == ITEM_ERROR)
                        fprintf(o, "%s%s", n++ == 0 ? ": " : ", ", p->items[i].knob);
        fprintf(o, " | ok=%u drift=%u absent=%u unsupported=%u error=%u\n", s.count[ITEM_OK], s.count[ITEM_DRIFT],
                s.count[ITEM_ABSENT], s.count[ITEM_UNSUPPORTED], s.count[ITEM_ERROR]);
        *ret_code = code;
        return ferror(o) ? -5 : 0;
}
