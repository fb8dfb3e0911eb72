/* SPDX-License-Identifier: MIT */
/*
 * The one door to the machine (util-linux lib/path.c, lscpu --sysroot).
 *
 * Every read or write of /proc, /sys, /dev, /etc, /run or /var goes through a
 * struct sysroot, which holds a directory fd for the root ("/" on the live
 * machine, DIR with --root DIR). Callers name a base (SR_PROC, SR_SYS, ...)
 * and a path relative to it; the absolute prefixes exist only in sysroot.c,
 * and a check in .ci/run fails the build if another file spells them.
 *
 * Paths are resolved with openat2(RESOLVE_IN_ROOT) where the kernel has it:
 * an absolute symlink inside a captured sysroot (common in /dev/disk/by-uuid)
 * then resolves inside the sysroot, and ".." cannot climb out of it. Older
 * kernels fall back to openat() with the same ".."-refusal done by hand.
 *
 * Missing files are -ENOENT: callers treat that as "unknown" (never a crash).
 * Things only the live machine can answer (CPUID, ioctls, libblkid probes,
 * statfs) are gated by sysroot_is_live().
 */
#pragma once

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum sr_base {
        SR_ROOT, /* "" : relative path from the root itself */
        SR_PROC,
        SR_SYS,
        SR_DEV,
        SR_ETC,
        SR_RUN,
        SR_VAR,
        SR_USR,
        _SR_BASE_MAX,
};

/* Largest file the readers accept: a 10 MB cpuinfo must not take the tool
 * down; anything beyond this is truncated at a line boundary and flagged. */
#define SYSROOT_READ_MAX (4u * 1024u * 1024u)

struct sysroot;

/* dir NULL or "/" means the live machine. */
int sysroot_open(const char *dir, struct sysroot **ret);
struct sysroot *sysroot_free(struct sysroot *sr);
static inline void sysroot_freep(struct sysroot **sr) {
        if (*sr)
                sysroot_free(*sr);
}

bool sysroot_is_live(const struct sysroot *sr);
/* The root as given ("/" when live). */
const char *sysroot_dir(const struct sysroot *sr);
/* What the root is: its canonical path ("/" when live; caller frees) and
 * the st_dev/st_ino of the directory, for journals that must only ever be
 * rolled back against the root they were applied to. */
int sysroot_identity(const struct sysroot *sr, char **ret_path, uint64_t *ret_dev, uint64_t *ret_ino);
/* "/proc/cpuinfo" for (SR_PROC, "cpuinfo"): for messages and for generated
 * text; never open the result yourself. Caller frees. */
char *sysroot_display_path(enum sr_base base, const char *rel);
/* The absolute prefix of a base as the machine names it ("/sys"). */
const char *sysroot_base_prefix(enum sr_base base);

/* Open relative to root. flags as for openat(); O_CLOEXEC is added. */
int sysroot_openat(struct sysroot *sr, enum sr_base base, const char *rel, int flags, mode_t mode);

/* Reads a whole file (at most max bytes, 0 = SYSROOT_READ_MAX) into a
 * NUL-terminated buffer; *ret_truncated (may be NULL) says whether it was cut.
 * Embedded NULs are replaced by spaces so text parsers stay simple. */
int sysroot_read_file(struct sysroot *sr, enum sr_base base, const char *rel, size_t max,
                      char **ret, size_t *ret_len, bool *ret_truncated);
/* First line, stripped. */
int sysroot_read_line(struct sysroot *sr, enum sr_base base, const char *rel, char **ret);
int sysroot_read_u64(struct sysroot *sr, enum sr_base base, const char *rel, uint64_t *ret);
int sysroot_read_i64(struct sysroot *sr, enum sr_base base, const char *rel, int64_t *ret);
bool sysroot_exists(struct sysroot *sr, enum sr_base base, const char *rel);
int sysroot_readlink(struct sysroot *sr, enum sr_base base, const char *rel, char **ret);
/* Canonical path of rel inside the root ("/devices/pci0000:00/.../block/vda"
 * for SR_SYS "block/vda"), resolving symlinks the way the kernel would inside
 * the root. Result is relative to the base. */
int sysroot_realpath(struct sysroot *sr, enum sr_base base, const char *rel, char **ret);
/* Lists entry names (no "." and ".."), sorted. */
int sysroot_list_dir(struct sysroot *sr, enum sr_base base, const char *rel, char ***ret);

/* Opens directory rel (creating missing components: mode for the parents,
 * last_mode for the last) with every component resolved inside the root;
 * the last must not be a symlink (-ELOOP). Returns an O_RDONLY fd. */
int sysroot_open_dir(struct sysroot *sr, enum sr_base base, const char *rel, bool create, mode_t mode,
                     mode_t last_mode);
/* Writes value to an existing kernel attribute (sysfs/procfs): O_WRONLY, no
 * O_CREAT, one write(2). Returns the kernel's verdict (-EINVAL, -EBUSY...). */
int sysroot_write_attr(struct sysroot *sr, enum sr_base base, const char *rel, const char *value);
/* Replaces a regular file atomically: temp file in the same directory,
 * fsync, rename, fsync directory. Never follows a symlink at the target. */
int sysroot_write_file_atomic(struct sysroot *sr, enum sr_base base, const char *rel,
                              const void *data, size_t len, mode_t mode);
