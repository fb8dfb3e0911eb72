/* SPDX-License-Identifier: MIT */
/*
 * Renderings of apply and rollback results: aligned tables for people,
 * JSON for scripts ("schema_version" first, like every document). The verbs
 * (src/cmd/apply.c, rollback.c) decide; these only print.
 */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "apply/apply.h"
#include "apply/journal.h"

#define APPLY_SCHEMA_VERSION 1

/* One apply run: knobs[i] went with results[i]; notes[i] (may be NULL)
 * is shown when the result has no message of its own. */
struct apply_report {
        size_t n;
        const char *const *knobs;
        const struct apply_result *results;
        char *const *notes;
        const char *tx_id; /* NULL: nothing was written */
        bool dry_run;
};

/* Table KNOB OLD NEW STATUS MESSAGE (nothing when n == 0). */
int apply_print_table(const struct apply_report *a, FILE *o, bool color);
struct json_object *apply_to_json(const struct apply_report *a);

/* A value for display: NULL -> "(absent)", whole files -> "(file, N bytes)",
 * newlines folded. Caller frees. */
char *apply_display_value(const char *knob_id, const char *value);

/* Table KNOB RESTORED STATUS (verified, or the error). */
int rollback_print_table(const struct rollback_result *r, FILE *o, bool color);
struct json_object *rollback_to_json(const struct rollback_result *r, bool complete);

/* Table ID TIME PROFILE STATE CHANGES, times local ISO 8601. */
int rollback_print_list(const struct journal_tx *a, size_t n, FILE *o, bool color);
struct json_object *rollback_list_to_json(const struct journal_tx *a, size_t n);
