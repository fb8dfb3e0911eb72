/* SPDX-License-Identifier: MIT */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>

#include "facts/facts.h"

/* detect --json document (DESIGN.md), with "schema_version". */
struct json_object *facts_to_json(const struct facts *f);
/* detect's human report: "System Profile" + "Filesystem Layout". */
/* verbose: adds the virtualization evidence (-v). */
int facts_print_text(const struct facts *f, FILE *o, bool color, bool verbose);
/* detect --record-live: the live record (facts.h FACTS_LIVE_RECORD). */
int facts_print_live_record(struct sysroot *sr, const struct facts *f, FILE *o);
