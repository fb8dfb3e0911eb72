/* SPDX-License-Identifier: MIT */
/* Internal to src/profile/: INI reader, expansion, built-in table. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "profile/profile.h"
#include "util.h"

/* Growing string. */
struct sbuf {
        char *s;
        size_t len, cap;
};
void sbuf_putn(struct sbuf *b, const char *s, size_t n);
void sbuf_puts(struct sbuf *b, const char *s);
void sbuf_putc(struct sbuf *b, char c);
char *sbuf_take(struct sbuf *b); /* never NULL */
void sbuf_done(struct sbuf *b);

/* ---- ini.c: Python configparser as TuneD configures it ---- */
struct ini_entry {
        char *key;
        char *value;   /* NULL only for valueless keys (allow_no_value) */
        unsigned line;
};
struct ini_section {
        char *name;
        unsigned line;
        struct ini_entry *entries;
        size_t n_entries;
};
struct ini_file {
        struct ini_section *sections;
        size_t n_sections;
};
/* magic_header: as TuneD's variables files and locator, a leading implicit
 * section (named "") and keys without '=' allowed (value NULL). Errors are
 * "FILE:LINE: message". */
int ini_parse(const char *file, const char *text, size_t len, bool magic_header, struct ini_file **ret,
              char **ret_error);
struct ini_file *ini_file_free(struct ini_file *f);
const struct ini_section *ini_find_section(const struct ini_file *f, const char *name);
const char *ini_section_get(const struct ini_section *s, const char *key);

/* ---- expand.c: TuneD variables and functions ---- */
struct pvar {
        char *name;
        char *value;
        char *error;   /* poisoned: why the value could not be computed */
        int code;      /* -ENOTSUP or -ENOSYS when poisoned */
        char *file;
        unsigned line;
};
struct expand_ctx {
        const struct profile_env *env;
        struct pvar *vars;
        size_t n_vars;
        char ***warnings;   /* where non-fatal findings go */
        char *cpuinfo;      /* cached cpuinfo text */
        bool cpuinfo_read;
};
/* One ${f:name:args} call: args as split, result NULL to leave the call as
 * written (TuneD's None), error set with a negative return. */
struct fcall {
        struct expand_ctx *c;
        char **args;
        size_t n;
        char *result;
        char *error;
};

/* ---- functions-cpu.c: TuneD's CPU-list functions ---- */
/* Highest CPU number a list may name (the kernel's NR_CPUS is at most 8192). */
#define PROFILE_CPU_MAX 65535
/* cpulist_unpack() into a bitmap of (PROFILE_CPU_MAX / 8 + 1) bytes;
 * -ERANGE for a CPU number out of range. */
int profile_cpulist_unpack(const char *in, uint8_t *bits, size_t n_bytes);
int profile_f_cpulist_unpack(struct fcall *f);
int profile_f_cpulist_pack(struct fcall *f);
int profile_f_cpulist_invert(struct fcall *f);
int profile_f_cpulist_online(struct fcall *f);
int profile_f_cpulist_present(struct fcall *f);
int profile_f_cpulist2devs(struct fcall *f);
int profile_f_cpulist2hex(struct fcall *f);
int profile_f_cpulist2hex_invert(struct fcall *f);
int profile_f_hex2cpulist(struct fcall *f);
int profile_f_calc_isolated_cores(struct fcall *f);
int profile_f_package2cpus(struct fcall *f);
int profile_f_check_net_queue_count(struct fcall *f);

/* Return 0 with *ret; -ENOSYS: the value uses a TuneD function vpstune does
 * not implement (directly or through a variable); -ENOTSUP: unknown or
 * refused function, bad arguments; -EINVAL: failed assertion; -E2BIG: too
 * long. *ret_error is a message without location. */
int expand_value(struct expand_ctx *c, const char *in, bool use_vars, char **ret, char **ret_error);
/* Adds or redefines a variable (value expanded with earlier ones).
 * -ENOTSUP/-ENOSYS poison the variable (an error only where it is used);
 * other errors fail. */
int expand_add_variable(struct expand_ctx *c, const char *name, const char *raw, const char *file,
                        unsigned line, char **ret_error);
void expand_ctx_done(struct expand_ctx *c);
/* ${i:PROFILE_DIR} / ${i:PROFILE_NAME} (not after a backslash). */
char *expand_profile_internals(const char *in, const char *dir, const char *name);
/* ^\w+$ */
bool is_word(const char *s);

/* ---- builtin.c ---- */
struct builtin_profile {
        const char *name;
        const char *text;
};
extern const struct builtin_profile builtin_profiles[];
extern const size_t n_builtin_profiles;
