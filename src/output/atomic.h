/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* Writes a user-named output file (-o FILE) atomically: temp file in the
 * same directory, fsync, rename. node_exporter's textfile collector would
 * otherwise scrape a half-written file. */
int output_write_atomic(const char *path, const void *data, size_t len, mode_t mode);
