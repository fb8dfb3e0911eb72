/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics go to stderr as one line: "vpstune: <what>: <why>".
 * log_error_errno() returns the negative errno so commands can log and return
 * in one step:  return log_error_errno(r, "cannot read '%s': %m", path);
 * "%m" expands to strerror of the given error (not of errno).
 *
 * Debug output is per topic: VPSTUNE_DEBUG=virt,sysroot (or "all").
 */
#pragma once

#include <stdbool.h>

#include "util.h"

enum log_level { LOG_QUIET = 0, LOG_ERROR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG };

void log_set_level(enum log_level l);
enum log_level log_get_level(void);

int log_full_errno(enum log_level level, int error, const char *fmt, ...) _printf_(3, 4);
bool log_debug_enabled(const char *topic);
/* Topics enabled besides VPSTUNE_DEBUG ("all" or a comma list; -v/-vv). */
void log_set_debug_topics(const char *topics);
void log_debug_topic(const char *topic, const char *fmt, ...) _printf_(2, 3);

#define log_error_errno(e, ...) log_full_errno(LOG_ERROR, (e), __VA_ARGS__)
#define log_warning_errno(e, ...) log_full_errno(LOG_WARNING, (e), __VA_ARGS__)
#define log_error(...) ((void) log_full_errno(LOG_ERROR, 0, __VA_ARGS__))
#define log_warning(...) ((void) log_full_errno(LOG_WARNING, 0, __VA_ARGS__))
#define log_notice(...) ((void) log_full_errno(LOG_NOTICE, 0, __VA_ARGS__))
#define log_info(...) ((void) log_full_errno(LOG_INFO, 0, __VA_ARGS__))
