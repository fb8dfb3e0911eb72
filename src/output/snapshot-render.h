/* SPDX-License-Identifier: MIT */
/* vpstune snapshot --list / --prune output: table and JSON of the same data. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>

#include "snapshot/snapshot.h"

/* del/why may be NULL (--list); with them, the prune decision. */
struct json_object *snapshot_list_to_json(const struct snap_info *a, size_t n, const struct snap_layout *l,
                                          const bool *del, const char *const *why);
int snapshot_print_list(const struct snap_info *a, size_t n, const struct snap_layout *l, FILE *f, bool color);
int snapshot_print_prune(const struct snap_info *a, size_t n, const bool *del, const char *const *why,
                         bool dry_run, FILE *f, bool color);
