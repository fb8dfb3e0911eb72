/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* Writes a user-named output file (-o FILE) the way it should be written:
 *  - a regular file (or a new one): atomically, temp file in the same
 *    directory, fsync, rename, keeping the mode (and, as root, the owner) of
 *    the file it replaces; node_exporter's textfile collector would otherwise
 *    scrape a half-written file;
 *  - a symlink: through to its target only when that is a regular file owned
 *    by root (or by the caller) in a directory neither group nor others can
 *    write (else anyone who could plant the link chooses what root
 *    overwrites), a FIFO or character device, or the file already open as
 *    stdout or stderr (/dev/stdout: written to that descriptor);
 *  - a FIFO, a character device, "-": a plain write of the open file
 *    (-o /dev/full as root must not replace the device node);
 *  - anything else (a directory, a block device, a socket, a dangling
 *    symlink): refused.
 * Returns 0 or a negative errno; *ret_why is set (caller frees) when the
 * errno alone would not say why. */
int output_write_file(const char *path, const void *data, size_t len, char **ret_why);

/* Atomic write of a file vpstune names itself (one file per unit into a
 * directory): temp, fsync, rename, with the given mode. */
int output_write_atomic(const char *path, const void *data, size_t len, mode_t mode);
