/* SPDX-License-Identifier: MIT */
#pragma once

/* The JSON embedded in an HTML report, unescaped; NULL if there is none. */
char *bench_report_extract_json(const char *html);
