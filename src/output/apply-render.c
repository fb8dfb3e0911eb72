/* SPDX-License-Identifier: MIT */
/*
 * apply and rollback results as tables and JSON. Values come from the
 * kernel and from config files: the table layer sanitises what reaches a
 * terminal, and whole-file snapshots ("containers:@file") are summarised,
 * never dumped (nix.conf may hold access tokens).
 */
#include "output/apply-render.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "output/json.h"
#include "output/table.h"
#include "util.h"

static bool is_file_snapshot(const char *knob_id) {
        const char *c = knob_id ? strchr(knob_id, ':') : NULL;
        return c && streq(c + 1, "@file");
}

char *apply_display_value(const char *knob_id, const char *value) {
        char *s;

        if (!value)
                return xstrdup("(absent)");
        if (is_file_snapshot(knob_id))
                return xasprintf("(file, %zu bytes)", strlen(value));
        if (!*value)
                return xstrdup("(empty)");
        s = xstrdup(value);
        for (char *p = s; *p; p++)
                if (*p == '\n' || *p == '\t')
                        *p = ' ';
        return s;
}

static enum table_color apply_color(enum apply_status s) {
        switch (s) {
        case APPLY_CHANGED:
                return COLOR_GREEN;
        case APPLY_FAILED:
                return COLOR_RED;
        case APPLY_PLANNED:
        case APPLY_ROLLED_BACK:
                return COLOR_YELLOW;
        default:
                return COLOR_GREY;
        }
}

int apply_print_table(const struct apply_report *a, FILE *o, bool color) {
        _cleanup_(table_freep) struct table *t = NULL;

        if (a->n == 0)
                return 0;
        t = table_new(5);
        table_set_column(t, 0, "KNOB", TABLE_LEFT);
        table_set_column(t, 1, "OLD", TABLE_LEFT);
        table_set_column(t, 2, "NEW", TABLE_LEFT);
        table_set_column(t, 3, "STATUS", TABLE_LEFT);
        table_set_column(t, 4, "MESSAGE", TABLE_LEFT);
        for (size_t i = 0; i < a->n; i++) {
                const struct apply_result *r = &a->results[i];
                bool known = r->status != APPLY_SKIPPED || r->old_value;
                _cleanup_free_ char *old = known ? apply_display_value(a->knobs[i], r->old_value) : xstrdup("-");
                _cleanup_free_ char *nw = r->status == APPLY_SKIPPED || r->status == APPLY_FAILED
                                                  ? xstrdup("-")
                                                  : apply_display_value(a->knobs[i], r->new_value);
                const char *msg = r->message ? r->message : a->notes && a->notes[i] ? a->notes[i] : "";
                const char *cells[] = { a->knobs[i], old, nw, apply_status_to_string(r->status), msg };
                table_add_row(t, cells);
                table_set_row_color(t, 3, apply_color(r->status));
        }
        return table_print(t, o, color, true);
}

struct json_object *apply_to_json(const struct apply_report *a) {
        struct json_object *doc = json_doc_new(APPLY_SCHEMA_VERSION);
        struct json_object *items = json_object_new_array();

        json_add_str(doc, "transaction", a->tx_id);
        json_add_bool(doc, "dry_run", a->dry_run);
        for (size_t i = 0; i < a->n; i++) {
                const struct apply_result *r = &a->results[i];
                struct json_object *it = json_object_new_object();
                const char *msg = r->message ? r->message : a->notes ? a->notes[i] : NULL;
                json_add_str(it, "knob", a->knobs[i]);
                json_add_str(it, "old", r->old_value);
                json_add_str(it, "new", r->status == APPLY_FAILED || r->status == APPLY_SKIPPED ? NULL : r->new_value);
                json_add_str(it, "status", apply_status_to_string(r->status));
                json_add_str(it, "error", r->status == APPLY_FAILED || r->status == APPLY_SKIPPED ? msg : NULL);
                if (r->error)
                        json_add_i64(it, "errno", -r->error);
                if (r->status != APPLY_FAILED && r->status != APPLY_SKIPPED && msg)
                        json_add_str(it, "note", msg);
                json_object_array_add(items, it);
        }
        json_object_object_add(doc, "items", items);
        return doc;
}

int rollback_print_table(const struct rollback_result *rb, FILE *o, bool color) {
        _cleanup_(table_freep) struct table *t = NULL;

        if (rb->n_items == 0)
                return 0;
        t = table_new(3);
        table_set_column(t, 0, "KNOB", TABLE_LEFT);
        table_set_column(t, 1, "RESTORED", TABLE_LEFT);
        table_set_column(t, 2, "STATUS", TABLE_LEFT);
        for (size_t i = 0; i < rb->n_items; i++) {
                const struct rollback_item *it = &rb->items[i];
                _cleanup_free_ char *v = apply_display_value(it->knob_id, it->value);
                _cleanup_free_ char *st = NULL;
                if (it->verified)
                        st = xstrdup("verified");
                else {
                        _cleanup_free_ char *act = apply_display_value(it->knob_id, it->actual);
                        st = xasprintf("error: %s (now %s)", strerror(-(it->error ? it->error : -EIO)), act);
                }
                const char *cells[] = { it->knob_id, v, st };
                table_add_row(t, cells);
                table_set_row_color(t, 2, it->verified ? COLOR_GREEN : COLOR_RED);
        }
        return table_print(t, o, color, true);
}

struct json_object *rollback_to_json(const struct rollback_result *rb, bool complete) {
        struct json_object *doc = json_doc_new(APPLY_SCHEMA_VERSION);
        struct json_object *items = json_object_new_array();

        json_add_str(doc, "transaction", rb->tx_id);
        json_add_bool(doc, "complete", complete);
        json_add_bool(doc, "damaged_journal", rb->damaged || rb->damage);
        json_add_str(doc, "damage", rb->damage);
        for (size_t i = 0; i < rb->n_items; i++) {
                const struct rollback_item *it = &rb->items[i];
                struct json_object *j = json_object_new_object();
                bool file = is_file_snapshot(it->knob_id);
                json_add_str(j, "knob", it->knob_id);
                /* Whole files are not echoed (tokens in nix.conf). */
                if (file) {
                        json_add_bool(j, "file", 1);
                        json_add_tri(j, "exists", it->value ? 1 : 0);
                } else {
                        json_add_str(j, "value", it->value);
                        json_add_str(j, "actual", it->actual);
                }
                json_add_bool(j, "verified", it->verified);
                json_add_str(j, "error", it->verified ? NULL : strerror(-(it->error ? it->error : -EIO)));
                json_object_array_add(items, j);
        }
        json_object_object_add(doc, "items", items);
        return doc;
}

static void format_time(int64_t t, char buf[static 32]) {
        time_t tt = (time_t) t;
        struct tm tm;

        if (!localtime_r(&tt, &tm) || strftime(buf, 32, "%Y-%m-%dT%H:%M:%S%z", &tm) == 0)
                snprintf(buf, 32, "%" PRId64, t);
}

int rollback_print_list(const struct journal_tx *a, size_t n, FILE *o, bool color) {
        _cleanup_(table_freep) struct table *t = table_new(5);

        table_set_column(t, 0, "ID", TABLE_LEFT);
        table_set_column(t, 1, "TIME", TABLE_LEFT);
        table_set_column(t, 2, "PROFILE", TABLE_LEFT);
        table_set_column(t, 3, "STATE", TABLE_LEFT);
        table_set_column(t, 4, "CHANGES", TABLE_LEFT);
        for (size_t i = 0; i < n; i++) {
                char tb[32], cb[64];
                format_time(a[i].time, tb);
                if (a[i].state == JOURNAL_INCOMPLETE && a[i].n_originals > a[i].n_changes)
                        snprintf(cb, sizeof cb, "%zu (+%zu unconfirmed)", a[i].n_changes,
                                 a[i].n_originals - a[i].n_changes);
                else
                        snprintf(cb, sizeof cb, "%zu", a[i].n_changes);
                char sb[64];
                snprintf(sb, sizeof sb, "%s%s", journal_state_to_string(a[i].state),
                         a[i].damage && a[i].state != JOURNAL_ABANDONED ? " (damaged)" : "");
                const char *cells[] = { a[i].id, tb, a[i].profile ? a[i].profile : "-", sb, cb };
                table_add_row(t, cells);
                table_set_row_color(t, 3, a[i].state == JOURNAL_INCOMPLETE ? COLOR_RED
                                          : a[i].state == JOURNAL_ROLLED_BACK ? COLOR_GREY : COLOR_GREEN);
        }
        return table_print(t, o, color, true);
}

struct json_object *rollback_list_to_json(const struct journal_tx *a, size_t n) {
        struct json_object *doc = json_doc_new(APPLY_SCHEMA_VERSION);
        struct json_object *txs = json_object_new_array();

        for (size_t i = 0; i < n; i++) {
                struct json_object *j = json_object_new_object();
                char tb[32];
                format_time(a[i].time, tb);
                json_add_str(j, "id", a[i].id);
                json_add_i64(j, "time", a[i].time);
                json_add_str(j, "time_local", tb);
                json_add_str(j, "profile", a[i].profile);
                json_add_str(j, "state", journal_state_to_string(a[i].state));
                json_add_u64(j, "changes", a[i].n_changes);
                json_add_u64(j, "originals", a[i].n_originals);
                json_add_u64(j, "failed", a[i].n_failed);
                json_add_bool(j, "damaged", a[i].damage != NULL);
                json_add_str(j, "damage", a[i].damage);
                json_add_str(j, "root", a[i].root.path);
                json_object_array_add(txs, j);
        }
        json_object_object_add(doc, "transactions", txs);
        return doc;
}
