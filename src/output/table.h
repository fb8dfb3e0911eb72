/* SPDX-License-Identifier: MIT */
/*
 * Aligned text tables (lsblk/findmnt style). Logic builds a table, the verb
 * prints it; colour only when asked (the caller decides TTY/NO_COLOR).
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

enum table_align { TABLE_LEFT, TABLE_RIGHT };
enum table_color { COLOR_NONE, COLOR_GREEN, COLOR_YELLOW, COLOR_RED, COLOR_GREY, COLOR_BOLD };

struct table;

struct table *table_new(size_t n_columns);
void table_free(struct table *t);
static inline void table_freep(struct table **t) {
        if (*t)
                table_free(*t);
}
void table_set_column(struct table *t, size_t col, const char *header, enum table_align align);
/* The last column is printed unpadded and may be long (notes). */
void table_add_row(struct table *t, const char *const *cells);
void table_set_row_color(struct table *t, size_t col, enum table_color c); /* last row's cell */
size_t table_rows(const struct table *t);
int table_print(const struct table *t, FILE *f, bool color, bool header);

const char *color_on(enum table_color c);
const char *color_off(void);
