/* SPDX-License-Identifier: MIT */
#pragma once

/* Flushes and closes stdout, reporting a write error (full disk under
 * "vpstune verify --json > out" must not look like success; git and
 * util-linux close_stdout). Returns an exit code: 0, or 3 on error. */
int stdout_close_checked(void);
