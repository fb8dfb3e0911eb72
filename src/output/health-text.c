/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>

#include "output/health-render.h"
#include "output/table.h"
#include "util.h"

const char *health_format_value(char buf[static 48], const struct health_result *x, double v) {
        const char *u = strempty(x->unit);
        if (streq(u, "B")) {
                char b[32];
                snprintf(buf, 48, "%s", health_bytes(b, v));
        } else if (streq(u, "%"))
                snprintf(buf, 48, v < 10 ? "%.1f%%" : "%.0f%%", v);
        else if (streq(u, "d"))
                snprintf(buf, 48, "%.1fd", v);
        else if (streq(u, "ratio"))
                snprintf(buf, 48, "%.2fx", v);
        else
                snprintf(buf, 48, "%.0f", v);
        return buf;
}

static enum table_color color_of(enum health_status s) {
        switch (s) {
        case HEALTH_OK: return COLOR_GREEN;
        case HEALTH_WARNING: return COLOR_YELLOW;
        case HEALTH_CRITICAL: return COLOR_RED;
        default: return COLOR_GREY;
        }
}

int health_print_text(const struct health_report *r, FILE *f, bool color, bool verbose) {
        _cleanup_(table_freep) struct table *t = table_new(5);
        unsigned count[_HEALTH_STATUS_MAX] = {};
        bool any_remedy = false;
        int rr;

        table_set_column(t, 0, "STATUS", TABLE_LEFT);
        table_set_column(t, 1, "CHECK", TABLE_LEFT);
        table_set_column(t, 2, "TARGET", TABLE_LEFT);
        table_set_column(t, 3, "VALUE", TABLE_RIGHT);
        table_set_column(t, 4, "SUMMARY", TABLE_LEFT);
        for (size_t i = 0; i < r->n_results; i++) {
                const struct health_result *x = &r->results[i];
                char v[48] = "-";
                if (x->has_value)
                        health_format_value(v, x, x->value);
                const char *cells[] = { health_status_to_string(x->status), x->id, x->target, v, strempty(x->summary) };
                table_add_row(t, cells);
                table_set_row_color(t, 0, color_of(x->status));
                count[x->status]++;
                any_remedy |= x->remedy != NULL;
        }
        rr = table_print(t, f, color, true);
        if (rr < 0)
                return rr;
        if (any_remedy)
                fputs("\nWhat to do:\n", f);
        for (size_t i = 0; i < r->n_results; i++) {
                const struct health_result *x = &r->results[i];
                if (x->remedy)
                        fprintf(f, "  %s%s%s %s: %s\n", color ? color_on(color_of(x->status)) : "", x->id,
                                color ? color_off() : "", x->target, x->remedy);
        }
        if (verbose) {
                fputs("\nEvidence:\n", f);
                for (size_t i = 0; i < r->n_results; i++)
                        for (char **e = r->results[i].evidence; e && *e; e++)
                                fprintf(f, "  %s %s: %s\n", r->results[i].id, r->results[i].target, *e);
        }
        fprintf(f, "\n%u ok, %u warning, %u critical, %u unknown, %u unsupported\n", count[HEALTH_OK],
                count[HEALTH_WARNING], count[HEALTH_CRITICAL], count[HEALTH_UNKNOWN], count[HEALTH_UNSUPPORTED]);
        return ferror(f) ? -EIO : 0;
}
