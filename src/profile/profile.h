/* SPDX-License-Identifier: MIT */
/*
 * Profiles: TuneD-compatible INI files (tuned.conf works as is) plus the
 * sections of vpstune ([btrfs], [zram], [containers], [nix]). This layer
 * parses, includes, merges, expands variables and functions; it does not know
 * what a key means (the planner interprets units). See src/profile/FORMAT.md.
 *
 * Semantics follow TuneD 2.20 (tuned/profiles/{loader,locator,merger,unit,
 * variables}.py, functions/ modules) and Python's configparser as TuneD
 * configures it (delimiters '=', inline_comment_prefixes '#', strict=False):
 *
 *  - '=' is the only delimiter; a line without '=' is an error (FILE:LINE).
 *  - Lines whose stripped text starts with '#' or ';' are comments; '#' at
 *    the start of a line or preceded by whitespace starts an inline comment.
 *  - Lines indented deeper than their key line continue the value ("\n"
 *    join, trailing blank lines dropped). Blank lines inside such a value are
 *    kept; comment lines are skipped.
 *  - Duplicate sections merge, a duplicate key overwrites the value (the key
 *    keeps its first position). Keys and section names are case-sensitive.
 *    [DEFAULT] keys are inherited by every section (configparser).
 *  - [main] include=a,b;-c: parents load first in order, the child merges
 *    last. "-name" may be missing. An already loaded file is skipped (TuneD:
 *    diamonds are fine, and /etc/.../foo may include "foo" to extend the
 *    next "foo" down the search path); an include that can only resolve to a
 *    file currently being loaded is a cycle: error naming the files. Depth
 *    is limited to PROFILE_INCLUDE_DEPTH_MAX.
 *  - Merge per unit name: with replace=true the child's unit replaces the
 *    parent's; otherwise keys are updated and type, enabled and devices are
 *    taken from the child even when the child does not set them (TuneD's
 *    merger does exactly this: a child [disk] without devices= is "*"
 *    again). drop=k1,k2 removes parent keys before the update.
 *  - [variables] of the merged profile define ${name}, in order, each value
 *    expanded with the earlier ones; include=FILE loads KEY=VALUE lines
 *    (missing file: warning). "\${name}" escapes. ${i:PROFILE_DIR} and
 *    ${i:PROFILE_NAME} are replaced per file when it is read.
 *  - ${f:name:arg:...} functions ("\:" escapes a colon): virt_check,
 *    cpuinfo_check, regex_search_ternary, strip, assertion,
 *    assertion_non_equal, kb2s, s2kb, the CPU-list functions of
 *    functions-cpu.c (cpulist_*, cpulist2hex, hex2cpulist,
 *    calc_isolated_cores, package2cpus, check_net_queue_count; from
 *    env->sr and env->facts) and vpstune's calc:EXPR (an expression as for
 *    profile_expr_eval, with ram and cpus of env->facts). exec is refused
 *    (vpstune never runs commands from profiles). TuneD functions vpstune
 *    does not implement (package2uncores, ...) leave the value that uses
 *    them unusable: profile_entry.error is set and a warning added, the load
 *    succeeds. exec, unknown functions and wrong argument counts fail the
 *    load (FILE:LINE). Both are lazy for [variables]: a variable that needs
 *    them matters only where a supported unit's value refers to it (TuneD
 *    evaluates plugin options only when the plugin runs). A failed
 *    assertion fails the load, as in TuneD.
 *  - Values (and devices, cpuinfo_regex, uname_regex) of units whose type is
 *    supported (profile_unit_is_supported) are expanded; units of other
 *    types keep raw values and add a warning "... not supported ... ignored".
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "facts/facts.h"
#include "sysroot.h"

#define PROFILE_FILE_MAX (1024u * 1024u)   /* bytes per profile file */
#define PROFILE_LINES_MAX 100000u          /* lines per profile file */
#define PROFILE_INCLUDE_DEPTH_MAX 32u      /* nested include= levels */
#define PROFILE_FILES_MAX 256u             /* files per load */
#define PROFILE_VALUE_MAX (1024u * 1024u)  /* expanded value length */

struct profile_entry {
        char *key;
        char *value;      /* expanded for supported units, raw otherwise */
        char *file;       /* "FILE" of the line that set it ("builtin:vps-dev" for built-ins) */
        unsigned line;
        /* NULL, or why the value cannot be used: it needs a TuneD function
         * vpstune does not implement (package2uncores, lscpu_check...);
         * value is then the raw text. The planner reports such an item as
         * unsupported; the rest of the profile is fine. */
        char *error;
};

struct profile_unit {
        char *name;               /* section name: "sysctl", "btrfs./var/log" */
        char *type;               /* type=, else the name; "[btrfs.X]", "[zram.X]",
                                   * "[containers.X]", "[nix.X]" default to the prefix */
        char *devices;            /* devices= (expanded), NULL = not set ("*") */
        char *devices_udev_regex; /* NULL = not set */
        char *cpuinfo_regex;      /* TuneD: unit active only if it matches /proc/cpuinfo */
        char *uname_regex;        /* TuneD: ... only if it matches uname */
        char *priority;           /* raw, NULL = not set */
        bool enabled;             /* enabled=, default true */
        bool replace;             /* replace= as written in the unit that won */
        bool supported;           /* profile_unit_is_supported(type) */
        /* In order of first appearance; a later duplicate (same file or a
         * child profile) overwrites value/file/line. The unit keys above and
         * drop= are not included. */
        struct profile_entry *entries;
        size_t n_entries;
        char *file;               /* where the section header was (last profile defining it) */
        unsigned line;
};

struct profile {
        char *name;               /* as asked for (a path: the profile directory's name) */
        char *summary;            /* [main] summary=, raw; NULL if none */
        char *path;               /* file of the top profile; NULL for built-ins */
        bool builtin;
        char **includes_resolved; /* files merged before the top one, in merge order
                                   * ("builtin:NAME" or a path); NULL-terminated */
        struct profile_entry *main; /* merged [main] keys except include= */
        size_t n_main;
        struct profile_unit *units; /* merged, in order of first appearance; no main/variables */
        size_t n_units;
        char **warnings;          /* NULL-terminated, may be NULL */
};

struct profile_env {
        const struct facts *facts; /* virt_check (virt.vm), calc (ram, cpus); may be NULL */
        struct sysroot *sr;        /* cpuinfo_check, profile dirs; may be NULL (built-ins and paths only) */
        /* Refuse (-EPERM) any file read for this load that is not owned by
         * root or is group/world-writable (sshd StrictModes). The CLI sets it
         * when running as root without --insecure-profile. */
        bool check_owner;
};

enum profile_origin {
        PROFILE_ORIGIN_BUILTIN,
        PROFILE_ORIGIN_USR,       /* /usr/lib/vpstune/profiles/NAME/ */
        PROFILE_ORIGIN_ETC,       /* /etc/vpstune/profiles/NAME/ */
};
const char *profile_origin_to_string(enum profile_origin o); /* "builtin", "usr", "etc" */

struct profile_info {
        char *name;
        char *summary;            /* raw [main] summary=, NULL if none or unreadable */
        char *path;               /* NULL for built-ins; display path otherwise */
        enum profile_origin origin;
        bool shadows;             /* hides a profile of the same name from an earlier origin */
        char *error;              /* the file could not be read or parsed; NULL if fine */
};

/* name_or_path: a name ("vps-dev", searched in /etc/vpstune/profiles,
 * /usr/lib/vpstune/profiles (both through env->sr; NAME/vpstune.conf, else
 * NAME/tuned.conf), then built-ins: the first found wins), or, if it contains
 * '/', a file read with plain libc (a tuned.conf works; its includes are
 * searched first in sibling directories, ../NAME/{vpstune,tuned}.conf, then
 * as names). On failure *ret_error (may be NULL) gets "FILE:LINE: message"
 * or a message without location, and *ret is untouched.
 * Errors: -ENOENT not found, -EINVAL bad syntax or expansion, -ELOOP include
 * cycle or depth, -EFBIG file too large, -EPERM check_owner refused,
 * other negative errno from reading. */
int profile_load(const char *name_or_path, const struct profile_env *env, struct profile **ret,
                 char **ret_error);
/* The same from a buffer: nothing is read from disk; include= resolves to
 * built-ins only, [variables] include= is ignored with a warning. name is
 * the "file" in messages. For fuzzing and tests. */
int profile_parse_buffer(const char *name, const char *text, size_t len, const struct profile_env *env,
                         struct profile **ret, char **ret_error);
struct profile *profile_free(struct profile *p);
static inline void profile_freep(struct profile **p) {
        if (*p)
                profile_free(*p);
}

/* Built-ins, then SR_USR lib/vpstune/profiles/NAME/, then SR_ETC
 * vpstune/profiles/NAME/ (later wins, sorted by name). sr may be NULL. */
int profile_list(struct sysroot *sr, struct profile_info **ret, size_t *ret_n);
void profile_info_free_many(struct profile_info *l, size_t n);

/* Names of the built-in profiles, NULL-terminated, static. */
const char *const *profile_builtin_names(void);
/* INI text of a built-in (for "generate tuned" / users to copy), or NULL. */
const char *profile_builtin_text(const char *name);

const struct profile_unit *profile_find_unit(const struct profile *p, const char *name);
const char *profile_unit_get(const struct profile_unit *u, const char *key);
const struct profile_entry *profile_unit_get_entry(const struct profile_unit *u, const char *key);
/* sysctl, vm, disk, sysfs, btrfs, zram, containers, nix, main, variables. */
bool profile_unit_is_supported(const char *type);

/* TuneD devices= syntax: rules split on whitespace or ",\s*"; "!glob"
 * excludes; no positive rule means "*"; globs are fnmatch (no escapes, '*'
 * matches '/'). devices NULL matches everything. */
bool profile_devices_match(const char *devices, const char *devname);

/* Python-re compatible enough for TuneD profiles, on POSIX ERE: translates
 * \d \D and escapes inside [...], drops lazy quantifier '?', (?: groups;
 * other (? constructs are errors. multiline: '^' '$' match at lines. */
int profile_regex_search(const char *regex, const char *text, bool multiline, bool *ret_match,
                         char **ret_error);

/* ---- expressions (zram-generator style) ----
 * expr := term (('+'|'-') term)* ; term := unary (('*'|'/'|'%') unary)* ;
 * unary := ('+'|'-') unary | primary ; primary := NUMBER | VAR | FUNC '(' expr
 * (',' expr)* ')' | '(' expr ')'. Numbers: 12, 1.5, .5. VAR: ram (MiB),
 * cpus. FUNC: min, max (one or more args), floor, ceil, round, abs (one).
 * Errors: "col N: message" (1-based column): syntax, unknown name, division
 * by zero, unknown variable value, nesting deeper than 64, non-finite result. */
struct expr_vars {
        double ram;   /* MemTotal in MiB (fractional, as zram-generator); NAN = unknown */
        double cpus;  /* online CPUs; NAN = unknown */
};
void profile_expr_vars_from_facts(const struct facts *f, struct expr_vars *ret);
int profile_expr_eval(const char *expr, const struct expr_vars *vars, double *ret, char **ret_error);
/* Evaluates a unit's key: errors become "FILE:LINE: KEY=VALUE: col N: ...".
 * -ENOENT (no error text) if the key is absent. */
int profile_unit_eval(const struct profile_unit *u, const char *key, const struct expr_vars *vars,
                      double *ret, char **ret_error);
/* "16384" for integral values, else shortest "%.15g". buf of 64. */
const char *profile_format_number(char buf[static 64], double v);

/* With check: refuse a file not owned by root or writable by group/others:
 * -EPERM and "FILE: owned by uid N, not root" / "FILE: writable by group or
 * others (mode 0664)". fd >= 0 is checked instead of path (no race). */
int profile_check_file_owner(const char *path, int fd, char **ret_error);
