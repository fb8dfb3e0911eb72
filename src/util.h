/* SPDX-License-Identifier: MIT */
/*
 * Small helpers used everywhere: cleanup attributes (systemd style), bounded
 * number parsing (OpenBSD strtonum spirit), NULL-terminated string vectors.
 *
 * Conventions (see STYLE.md): functions that can fail return 0 or a negative
 * errno and leave their ret_* arguments untouched on failure.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_strv_ _cleanup_(strv_freep)
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _warn_unused_ __attribute__((warn_unused_result))

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))

/* Hand over ownership: returns the pointer and NULLs the variable, so the
 * cleanup handler of the old owner does nothing. */
#define TAKE_PTR(p)                         \
        ({                                  \
                __typeof__(p) _tp_ = (p);   \
                (p) = NULL;                 \
                _tp_;                       \
        })

static inline void freep(void *p) {
        free(*(void **) p);
}

static inline bool streq(const char *a, const char *b) {
        return strcmp(a, b) == 0;
}

static inline bool streq_ptr(const char *a, const char *b) {
        if (!a || !b)
                return a == b;
        return strcmp(a, b) == 0;
}

/* Returns the rest of s after prefix, or NULL. */
static inline const char *startswith(const char *s, const char *prefix) {
        size_t l = strlen(prefix);
        return strncmp(s, prefix, l) == 0 ? s + l : NULL;
}

static inline const char *strna(const char *s) {
        return s ? s : "n/a";
}

static inline const char *strempty(const char *s) {
        return s ? s : "";
}

/* Bounded parsers: whole string must be a number (surrounding whitespace
 * allowed), no sign for unsigned variants, overflow is -ERANGE, anything else
 * -EINVAL. */
int safe_atou64(const char *s, uint64_t *ret);
int safe_atoi64(const char *s, int64_t *ret);
int safe_atou(const char *s, unsigned *ret);
int safe_atoi(const char *s, int *ret);
/* Parses "16G", "512M", "4096K", "123" (bytes; binary suffixes). */
int parse_size(const char *s, uint64_t *ret);

/* In-place: strips leading and trailing whitespace, returns s moved. */
char *strstrip(char *s);
/* malloc or abort: allocation failure of a few bytes is not a recoverable
 * condition for a CLI tool; aborting beats a half-built plan. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) _printf_(1, 2);
/* Grows *array of *n elements of size sz by one zeroed element; returns it. */
void *array_grow(void *array_p, size_t *n, size_t sz);

/* NULL-terminated vectors of owned strings. */
typedef char **strv;
size_t strv_length(char *const *l);
void strv_free(char **l);
static inline void strv_freep(char ***l) {
        strv_free(*l);
}
int strv_push(char ***l, const char *s);     /* copies s */
int strv_consume(char ***l, char *s);        /* takes s */
bool strv_contains(char *const *l, const char *s);
char *strv_join(char *const *l, const char *sep);
/* Splits on any of the separator characters, dropping empty fields. */
char **strv_split(const char *s, const char *seps);

/* Replaces, in place, control characters (but \n and \t) and bytes that
 * are not valid UTF-8 with '?': garbage from a hostile sysroot must not
 * reach a terminal as escape sequences. Returns s. */
char *string_sanitize(char *s);

/* floor, ceil, round (half away from zero) and fmod without libm: one
 * shared object less to map at every start (bench/), for the few
 * expressions profiles evaluate. Exact for |x| < 2^52; NaN and infinities
 * pass through. */
double util_floor(double x);
double util_ceil(double x);
double util_round(double x);
double util_fmod(double x, double y);

/* Human-friendly sizes: "23.44 GiB". buf must hold 32 bytes. */
const char *format_bytes(char buf[static 32], uint64_t bytes);

/* The candidate a mistyped word most plausibly meant ("verfy" → "verify",
 * "sysclt" → "sysctl"), or NULL when none is close: for "did you mean". */
const char *string_closest(const char *word, const char *const *candidates, size_t n);
