/* SPDX-License-Identifier: MIT */
/* Shared by the knob kinds; not for use outside src/knobs/. */
#pragma once

#include "knobs/knob.h"
#include "sysroot.h"
#include "util.h"

extern const struct knob_kind knob_kind_sysctl;
extern const struct knob_kind knob_kind_block;
extern const struct knob_kind knob_kind_bdi;
extern const struct knob_kind knob_kind_sysfs;
extern const struct knob_kind knob_kind_zram;
extern const struct knob_kind knob_kind_mount;
extern const struct knob_kind knob_kind_attr;
extern const struct knob_kind knob_kind_prop;
extern const struct knob_kind knob_kind_containers;
extern const struct knob_kind knob_kind_nix;

/* "PATH:ATTR" split at the last colon; both parts non-empty. */
int knob_key_split_last(const char *key, char **ret_path, char **ret_attr);
/* Absolute, no "." or ".." components, no control characters, bounded. */
bool knob_path_is_safe(const char *path);
/* Kernel attribute names, device names: [a-z0-9] plus inner '-', '_'. */
bool knob_name_is_safe(const char *s, bool allow_upper);
/* Whitespace runs (including newlines) -> one space, stripped. */
char *knob_collapse_ws(const char *s);
/* Reads an attribute file and collapses its whitespace. */
int knob_read_attr(struct sysroot *sr, enum sr_base base, const char *rel, char **ret);
/* Kernel attribute write on the live machine (one write(2)); in a sysroot
 * the file is replaced atomically with value + "\n", so fixture trees can
 * be driven by tests without leaving "500\n" behind "5" over "100". */
int knob_write_attr(struct sysroot *sr, enum sr_base base, const char *rel, const char *value);
/* A choice attribute ("always [madvise] never") as its active choice
 * ("madvise"); no brackets: the whole value, whitespace collapsed. */
int knob_read_choice_attr(struct sysroot *sr, enum sr_base base, const char *rel, char **ret);
/* knob_kind.normalize for attribute files: whitespace collapsed. */
int knob_normalize_ws(const char *key, const char *value, char **ret);
/* A single-key vector. */
char **knob_strv_one(const char *s);

/* One line of mountinfo (escapes decoded). */
struct knob_mount {
        char *mountpoint;
        char *mount_opts; /* per mount: rw,nosuid,relatime */
        char *fstype;
        char *source;
        char *super_opts; /* per superblock: rw,compress=zstd:3,ssd,... */
};
void knob_mount_done(struct knob_mount *m);
/* The mount on top at exactly mountpoint path (the last such line):
 * -ENOENT when path is not a mountpoint. */
int knob_mount_find(struct sysroot *sr, const char *path, struct knob_mount *ret);
/* Value of option name in a comma list: 1 and *ret_value (NULL for a bare
 * flag) when present, 0 when absent. */
int knob_opt_get(const char *opts, const char *name, char **ret_value);

/* Line-preserving editors for the config-file kinds (pure: text in, text
 * out; text NULL = no file). get: -ENODATA when the key is not set. set:
 * value NULL removes the key; every other byte stays as it was. */
int knob_toml_get(const char *text, const char *table, const char *key, char **ret);
int knob_toml_set(const char *text, const char *table, const char *key, const char *value, char **ret_text);
int knob_nixconf_get(const char *text, const char *key, char **ret);
int knob_nixconf_set(const char *text, const char *key, const char *value, char **ret_text);
