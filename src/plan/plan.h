/* SPDX-License-Identifier: MIT */
/*
 * The plan: facts × profile → items. Like doas's permit(), it decides and
 * does nothing: plan_build() only reads (facts, and current values through
 * the knob layer's read side), so `vpstune plan` is our `doas -C`.
 *
 * verify is the same evaluation (an item's status compares current with
 * target); apply executes the items whose status is drift and that can
 * change at runtime.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "facts/facts.h"
#include "sysroot.h"

#define PLAN_SCHEMA_VERSION 1

enum item_status {
        ITEM_OK,          /* in effect */
        ITEM_DRIFT,       /* present, differs */
        ITEM_ABSENT,      /* the thing it is about does not exist here */
        ITEM_UNSUPPORTED, /* exists, but this setting cannot take effect this way */
        ITEM_ERROR,       /* could not read */
        _ITEM_STATUS_MAX,
};
const char *item_status_to_string(enum item_status s);

/* The seed's sections, so human output reads like the document users know. */
enum plan_section {
        SECTION_SCHEDULER, /* §2 I/O scheduler, read-ahead */
        SECTION_BTRFS,     /* §3 btrfs mount options, no-COW, compression */
        SECTION_CONTAINERS,/* §4 podman storage */
        SECTION_VM,        /* §5 virtual memory sysctls */
        SECTION_ZRAM,      /* §5 zram */
        SECTION_NIX,       /* §6 nix */
        SECTION_OTHER,     /* sysfs and anything else */
        _SECTION_MAX,
};
const char *plan_section_title(enum plan_section s);

/* How current is compared with target. */
enum item_cmp {
        CMP_EXACT,        /* string equality after normalisation */
        CMP_NUMERIC,      /* both parse as integers and are equal */
        CMP_AT_LEAST,     /* TuneD ">N": only raise */
        CMP_AT_MOST,      /* TuneD "<N": only lower */
        CMP_ONE_OF,       /* TuneD "a|b": first available is the target, any listed is ok */
};

struct plan_item {
        char *knob;            /* "sysctl:vm.swappiness" */
        char *group;           /* "sysctl" */
        char *current;         /* NULL: unknown or absent */
        char *target;          /* what the profile wants, as the kernel shows it */
        enum item_status status;
        enum item_cmp cmp;
        enum plan_section section;
        bool runtime;          /* takes effect now when applied */
        bool writable;         /* apply writes it (runtime knobs, and storage.conf/nix.conf
                                  which take effect at the next start of podman/nix-daemon) */
        const char *persist;   /* "sysctl.d", "udev", "fstab", "storage.conf", "nix.conf",
                                  "zram-generator", "nixos", NULL */
        char *note;            /* why: corrections, reasons for absent/unsupported */
        char *risk;            /* trade-off text: durability, CPU, memory */
        char *origin;          /* "vps-dev [sysctl] vm.swappiness (line 12)" */
};

struct plan {
        char *profile;         /* name */
        char *profile_summary;
        char *root;
        struct plan_item *items;
        size_t n_items;
        char **warnings;       /* ignored units, unsupported plugins: never silent */
};

struct profile;

/* Builds the plan. Fails only on allocation or on a profile value that is
 * malformed (then ret_error says "FILE:LINE: ..."). */
int plan_build(struct sysroot *sr, const struct facts *f, const struct profile *p,
               struct plan **ret, char **ret_error);
struct plan *plan_free(struct plan *p);
static inline void plan_freep(struct plan **p) {
        if (*p)
                plan_free(*p);
}

/* Adds an item; the plan takes copies of the strings. Used by the plan
 * builders per plugin (plan/plugin-*.c). */
struct plan_item *plan_add(struct plan *p, enum plan_section section, const char *knob,
                           const char *current, const char *target, enum item_cmp cmp);
void plan_item_set_note(struct plan_item *it, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void plan_item_add_note(struct plan_item *it, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void plan_item_set_risk(struct plan_item *it, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Recomputes status from current/target/cmp unless status is ABSENT,
 * UNSUPPORTED or ERROR already. */
void plan_item_evaluate(struct plan_item *it);

struct plan_summary {
        unsigned count[_ITEM_STATUS_MAX];
};
void plan_summarize(const struct plan *p, struct plan_summary *ret);

/* Keeps only items whose group is in only (if non-NULL) and not in skip.
 * Unknown group names are an error (-EINVAL), reported by the caller. */
int plan_filter(struct plan *p, char *const *only, char *const *skip, char **ret_bad_group);
