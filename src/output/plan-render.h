/* SPDX-License-Identifier: MIT */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>

#include "plan/plan.h"

int plan_print_text(const struct plan *p, FILE *o, bool color, bool verify);
struct json_object *plan_to_json(const struct plan *p);
int plan_print_tap(const struct plan *p, FILE *o);
int plan_print_prometheus(const struct plan *p, FILE *o, const char *prefix);
/* Sets *ret_code to the Nagios plugin convention: 0 OK, 1 WARNING (drift),
 * 2 CRITICAL (unused for now), 3 UNKNOWN (items that could not be read). */
int plan_print_nagios(const struct plan *p, FILE *o, int *ret_code);
