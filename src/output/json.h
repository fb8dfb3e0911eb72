/* SPDX-License-Identifier: MIT */
/*
 * JSON goes through json-c only: one writer does all escaping (bpftune's
 * hand-built JSON without escaping is the mistake we avoid). Helpers keep the
 * "unknown → null" rule in one place.
 */
#pragma once

#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>

/* New object with "schema_version" first. */
struct json_object *json_doc_new(int schema_version);
void json_add_str(struct json_object *o, const char *key, const char *v);     /* NULL → null */
void json_add_u64(struct json_object *o, const char *key, uint64_t v);
void json_add_u64_or_null(struct json_object *o, const char *key, uint64_t v, int known);
void json_add_i64(struct json_object *o, const char *key, int64_t v);
void json_add_bool(struct json_object *o, const char *key, int v);
void json_add_tri(struct json_object *o, const char *key, int v);             /* -1 → null */
void json_add_strv(struct json_object *o, const char *key, char *const *l);   /* NULL → [] */
/* Pretty when stdout is a TTY or pretty != 0; newline-terminated. */
int json_print(struct json_object *o, FILE *f, int pretty);
/* json_print(), then drops the caller's reference: for a document built
 * only to be printed. */
int json_print_consume(struct json_object *o, FILE *f, int pretty);
/* Serialises to an owned string (for -o FILE). */
char *json_to_string_owned(struct json_object *o, int pretty);
