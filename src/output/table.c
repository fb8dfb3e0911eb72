/* SPDX-License-Identifier: MIT */
#include "output/table.h"

#include <errno.h>
#include <string.h>

#include "util.h"

struct cell {
        char *text;
        enum table_color color;
};

struct table {
        size_t n_cols, n_rows;
        char **headers;
        enum table_align *align;
        struct cell *cells; /* n_rows * n_cols */
};

struct table *table_new(size_t n_columns) {
        struct table *t = xcalloc(1, sizeof *t);
        t->n_cols = n_columns;
        t->headers = xcalloc(n_columns, sizeof(char *));
        t->align = xcalloc(n_columns, sizeof(enum table_align));
        return t;
}

void table_free(struct table *t) {
        if (!t)
                return;
        for (size_t i = 0; i < t->n_cols; i++)
                free(t->headers[i]);
        for (size_t i = 0; i < t->n_rows * t->n_cols; i++)
                free(t->cells[i].text);
        free(t->headers);
        free(t->align);
        free(t->cells);
        free(t);
}

void table_set_column(struct table *t, size_t col, const char *header, enum table_align align) {
        free(t->headers[col]);
        t->headers[col] = xstrdup(header);
        t->align[col] = align;
}

void table_add_row(struct table *t, const char *const *cells) {
        t->cells = xrealloc(t->cells, (t->n_rows + 1) * t->n_cols * sizeof(struct cell));
        for (size_t i = 0; i < t->n_cols; i++) {
                t->cells[t->n_rows * t->n_cols + i].text = string_sanitize(xstrdup(cells[i] ? cells[i] : "-"));
                t->cells[t->n_rows * t->n_cols + i].color = COLOR_NONE;
        }
        t->n_rows++;
}

void table_set_row_color(struct table *t, size_t col, enum table_color c) {
        if (t->n_rows > 0 && col < t->n_cols)
                t->cells[(t->n_rows - 1) * t->n_cols + col].color = c;
}

size_t table_rows(const struct table *t) {
        return t->n_rows;
}

const char *color_on(enum table_color c) {
        switch (c) {
        case COLOR_GREEN: return "\033[32m";
        case COLOR_YELLOW: return "\033[33m";
        case COLOR_RED: return "\033[31m";
        case COLOR_GREY: return "\033[90m";
        case COLOR_BOLD: return "\033[1m";
        default: return "";
        }
}

const char *color_off(void) {
        return "\033[0m";
}

/* Display width: count UTF-8 code points, not bytes. */
static size_t width(const char *s) {
        size_t w = 0;
        for (; *s; s++)
                if (((unsigned char) *s & 0xC0) != 0x80)
                        w++;
        return w;
}

static void print_cell(FILE *f, const char *s, size_t w, enum table_align a, bool last,
                       enum table_color c, bool color) {
        size_t sw = width(s), pad = w > sw ? w - sw : 0;
        if (a == TABLE_RIGHT && !last)
                fprintf(f, "%*s", (int) pad, "");
        if (color && c != COLOR_NONE)
                fprintf(f, "%s%s%s", color_on(c), s, color_off());
        else
                fputs(s, f);
        if (a == TABLE_LEFT && !last)
                fprintf(f, "%*s", (int) pad, "");
}

int table_print(const struct table *t, FILE *f, bool color, bool header) {
        _cleanup_free_ size_t *w = xcalloc(t->n_cols, sizeof(size_t));

        for (size_t c = 0; c < t->n_cols; c++) {
                if (header && t->headers[c])
                        w[c] = width(t->headers[c]);
                for (size_t r = 0; r < t->n_rows; r++) {
                        size_t cw = width(t->cells[r * t->n_cols + c].text);
                        if (cw > w[c])
                                w[c] = cw;
                }
        }
        if (header) {
                for (size_t c = 0; c < t->n_cols; c++) {
                        bool last = c + 1 == t->n_cols;
                        print_cell(f, t->headers[c] ? t->headers[c] : "", w[c], t->align[c], last, COLOR_BOLD, color);
                        if (!last)
                                fputc(' ', f);
                }
                fputc('\n', f);
        }
        for (size_t r = 0; r < t->n_rows; r++) {
                for (size_t c = 0; c < t->n_cols; c++) {
                        const struct cell *cl = &t->cells[r * t->n_cols + c];
                        bool last = c + 1 == t->n_cols;
                        print_cell(f, cl->text, w[c], t->align[c], last, cl->color, color);
                        if (!last)
                                fputc(' ', f);
                }
                fputc('\n', f);
        }
        return ferror(f) ? -EIO : 0;
}
