/* SPDX-License-Identifier: MIT */
#pragma once

/* Runs argv (PATH lookup, no shell), captures up to 64 KiB of stdout,
 * stderr to /dev/null, kills it after timeout_ms. Returns the exit status
 * (>= 0) or a negative errno (-ENOENT: not installed, -ETIME: timed out). */
int exec_capture(char *const argv[], int timeout_ms, char **ret_stdout);
/* Whether a program is on PATH. */
int exec_find(const char *name);
