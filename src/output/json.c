/* SPDX-License-Identifier: MIT */
#include "output/json.h"

#include <errno.h>

#include "util.h"

struct json_object *json_doc_new(int schema_version) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "schema_version", json_object_new_int(schema_version));
        return o;
}

void json_add_str(struct json_object *o, const char *key, const char *v) {
        json_object_object_add(o, key, v ? json_object_new_string(v) : NULL);
}

void json_add_u64(struct json_object *o, const char *key, uint64_t v) {
        json_object_object_add(o, key, json_object_new_uint64(v));
}

void json_add_u64_or_null(struct json_object *o, const char *key, uint64_t v, int known) {
        json_object_object_add(o, key, known ? json_object_new_uint64(v) : NULL);
}

void json_add_i64(struct json_object *o, const char *key, int64_t v) {
        json_object_object_add(o, key, json_object_new_int64(v));
}

void json_add_bool(struct json_object *o, const char *key, int v) {
        json_object_object_add(o, key, json_object_new_boolean(v != 0));
}

void json_add_tri(struct json_object *o, const char *key, int v) {
        json_object_object_add(o, key, v < 0 ? NULL : json_object_new_boolean(v != 0));
}

void json_add_strv(struct json_object *o, const char *key, char *const *l) {
        struct json_object *a = json_object_new_array();
        for (char *const *i = l; i && *i; i++)
                json_object_array_add(a, json_object_new_string(*i));
        json_object_object_add(o, key, a);
}

static int flags_for(int pretty) {
        return JSON_C_TO_STRING_NOSLASHESCAPE |
               (pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED : JSON_C_TO_STRING_PLAIN);
}

int json_print(struct json_object *o, FILE *f, int pretty) {
        const char *s = json_object_to_json_string_ext(o, flags_for(pretty));
        if (fputs(s, f) < 0 || fputc('\n', f) < 0)
                return -EIO;
        return 0;
}

int json_print_consume(struct json_object *o, FILE *f, int pretty) {
        int r = json_print(o, f, pretty);
        json_object_put(o);
        return r;
}

char *json_to_string_owned(struct json_object *o, int pretty) {
        return xasprintf("%s\n", json_object_to_json_string_ext(o, flags_for(pretty)));
}
