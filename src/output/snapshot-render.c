/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "output/json.h"
#include "output/snapshot-render.h"
#include "output/table.h"
#include "util.h"

static const char *state_of(const struct snap_info *s) {
        if (s->scanned && !s->on_disk)
                return "missing";
        if (!s->has_sidecar)
                return "no-sidecar";
        if (!s->scanned)
                return "not-scanned";
        return "ok";
}

static void fmt_time(char buf[static 32], int64_t t) {
        time_t tt = (time_t) t;
        struct tm tm;
        localtime_r(&tt, &tm);
        strftime(buf, 32, "%Y-%m-%d %H:%M", &tm);
}

struct json_object *snapshot_list_to_json(const struct snap_info *a, size_t n, const struct snap_layout *l,
                                          const bool *del, const char *const *why) {
        struct json_object *doc = json_doc_new(SNAPSHOT_SCHEMA_VERSION);
        struct json_object *arr = json_object_new_array();
        struct json_object *sv = json_object_new_array();

        for (size_t i = 0; i < n; i++) {
                const struct snap_info *s = &a[i];
                struct json_object *o = json_object_new_object();
                snap_info_json_fields(o, s);
                json_add_str(o, "state", state_of(s));
                json_add_bool(o, "pinned", s->pinned);
                json_add_str(o, "pin_reason", s->pin_reason);
                json_add_u64_or_null(o, "pinned_bytes", (uint64_t) s->pinned_bytes, s->pinned_bytes >= 0);
                json_add_str(o, "pinned_method", s->pinned_method);
                if (del) {
                        json_add_str(o, "action", del[i] ? "delete" : "keep");
                        json_add_str(o, "reason", why[i]);
                }
                json_object_array_add(arr, o);
        }
        json_object_object_add(doc, "snapshots", arr);
        for (size_t i = 0; l && i < l->n_subvols; i++) {
                struct json_object *o = json_object_new_object();
                json_add_str(o, "path", l->subvols[i].path);
                json_add_str(o, "mountpoint", l->subvols[i].mountpoint);
                json_add_str(o, "fs_uuid", l->subvols[i].fs_uuid);
                json_add_u64_or_null(o, "subvol_id", l->subvols[i].subvol_id, l->subvols[i].subvol_id != 0);
                json_add_bool(o, "excluded", l->subvols[i].excluded);
                json_add_str(o, "why_excluded", l->subvols[i].why_excluded);
                json_object_array_add(sv, o);
        }
        json_object_object_add(doc, "subvolumes", sv);
        return doc;
}

int snapshot_print_list(const struct snap_info *a, size_t n, const struct snap_layout *l, FILE *f, bool color) {
        _cleanup_(table_freep) struct table *t = table_new(7);
        bool any_excluded = false;

        table_set_column(t, 0, "ID", TABLE_LEFT);
        table_set_column(t, 1, "SOURCE", TABLE_LEFT);
        table_set_column(t, 2, "CREATED", TABLE_LEFT);
        table_set_column(t, 3, "KIND", TABLE_LEFT);
        table_set_column(t, 4, "STATE", TABLE_LEFT);
        table_set_column(t, 5, "PINNED-SPACE", TABLE_RIGHT);
        table_set_column(t, 6, "NOTE", TABLE_LEFT);
        for (size_t i = 0; i < n; i++) {
                const struct snap_info *s = &a[i];
                char when[32], sz[32] = "-";
                _cleanup_free_ char *note = NULL, *tags = strv_join(s->tags, ",");
                fmt_time(when, s->created);
                if (s->pinned_bytes >= 0)
                        format_bytes(sz, (uint64_t) s->pinned_bytes);
                note = xasprintf("%s%s%s%s%s%s%s%s", s->pinned ? "pinned: " : "", s->pinned ? s->pin_reason : "",
                                 s->description ? (s->pinned ? "; " : "") : "", strempty(s->description),
                                 s->pair ? "; pair " : "", strempty(s->pair), tags && *tags ? "; tags " : "",
                                 tags && *tags ? tags : "");
                table_add_row(t, (const char *const[]) { s->id, strna(s->source), when, snap_kind_to_string(s->kind),
                                                        state_of(s), sz, note });
                if (s->scanned && !s->on_disk)
                        table_set_row_color(t, 4, COLOR_RED);
        }
        if (n == 0)
                fprintf(f, "no snapshots\n");
        else if (table_print(t, f, color, true) < 0)
                return -EIO;
        for (size_t i = 0; l && i < l->n_subvols; i++)
                if (l->subvols[i].excluded) {
                        if (!any_excluded)
                                fprintf(f, "\nexcluded subvolumes:\n");
                        any_excluded = true;
                        fprintf(f, "  %s (%s): %s\n", l->subvols[i].path, strna(l->subvols[i].mountpoint),
                                strna(l->subvols[i].why_excluded));
                }
        for (size_t i = 0; i < n; i++)
                if (a[i].pinned_method) {
                        fprintf(f, "\npinned space: estimated by %s\n",
                                streq(a[i].pinned_method, "qgroup") ? "existing consistent qgroups (exclusive bytes)"
                                : "extents of the source written after the snapshot's generation (no qgroups; an upper estimate)");
                        break;
                }
        return ferror(f) ? -EIO : 0;
}

int snapshot_print_prune(const struct snap_info *a, size_t n, const bool *del, const char *const *why, bool dry_run,
                         FILE *f, bool color) {
        _cleanup_(table_freep) struct table *t = table_new(3);
        table_set_column(t, 0, "ACTION", TABLE_LEFT);
        table_set_column(t, 1, "ID", TABLE_LEFT);
        table_set_column(t, 2, "REASON", TABLE_LEFT);
        for (size_t i = 0; i < n; i++) {
                table_add_row(t, (const char *const[]) { del[i] ? (dry_run ? "would-delete" : "delete") : "keep",
                                                        a[i].id, strna(why[i]) });
                if (del[i])
                        table_set_row_color(t, 0, COLOR_YELLOW);
        }
        if (n && table_print(t, f, color, true) < 0)
                return -EIO;
        return ferror(f) ? -EIO : 0;
}
