/* SPDX-License-Identifier: MIT */
/* Renderers of a health report (src/health): one file per format. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "health/health.h"

/* Aligned table, then the remedies; evidence with verbose. */
int health_print_text(const struct health_report *r, FILE *f, bool color, bool verbose);
/* {"schema_version":1,"timestamp":...,"checks":[...],"summary":{...}} */
struct json_object *health_to_json(const struct health_report *r);
/* One status line + perfdata (always a line on stdout); *ret_code is the
 * plugin exit code (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN). */
int health_print_nagios(const struct health_report *r, char *const *only, FILE *f, int *ret_code);
/* node_exporter textfile format (promtool check metrics clean). */
int health_print_prometheus(const struct health_report *r, FILE *f);
/* value with its unit for people: "1.6GiB", "87%", "12.3d", "1.52x". buf 48. */
const char *health_format_value(char buf[static 48], const struct health_result *x, double v);
