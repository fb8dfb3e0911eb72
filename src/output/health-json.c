/* SPDX-License-Identifier: MIT */
#include "output/health-render.h"
#include "output/json.h"
#include "util.h"

static struct json_object *num_or_null(bool have, double v) {
        return have ? json_object_new_double(v) : NULL;
}

struct json_object *health_to_json(const struct health_report *r) {
        struct json_object *doc = json_doc_new(HEALTH_SCHEMA_VERSION), *a = json_object_new_array();
        struct json_object *sum = json_object_new_object();
        unsigned count[_HEALTH_STATUS_MAX] = {};

        json_add_i64(doc, "timestamp", (int64_t) r->now);
        for (size_t i = 0; i < r->n_results; i++) {
                const struct health_result *x = &r->results[i];
                struct json_object *o = json_object_new_object();
                json_add_str(o, "id", x->id);
                json_add_str(o, "target", x->target);
                json_add_str(o, "status", health_status_to_string(x->status));
                json_object_object_add(o, "value", num_or_null(x->has_value, x->value));
                json_add_str(o, "unit", x->has_value ? x->unit : NULL);
                json_object_object_add(o, "warn", num_or_null(x->has_thresholds, x->warn));
                json_object_object_add(o, "crit", num_or_null(x->has_thresholds, x->crit));
                json_add_str(o, "summary", x->summary);
                json_add_str(o, "remedy", x->remedy);
                json_add_strv(o, "evidence", x->evidence);
                json_object_array_add(a, o);
                count[x->status]++;
        }
        json_object_object_add(doc, "checks", a);
        for (int s = 0; s < _HEALTH_STATUS_MAX; s++)
                json_add_u64(sum, health_status_to_string((enum health_status) s), count[s]);
        json_object_object_add(doc, "summary", sum);
        json_add_strv(doc, "warnings", r->warnings);
        return doc;
}
