/* SPDX-License-Identifier: MIT */
/*
 * Shared by the per-plugin plan builders (plan-*.c). Each builder turns one
 * profile unit into items; none of them writes anything.
 */
#pragma once

#include "facts/facts.h"
#include "plan/plan.h"
#include "profile/profile.h"
#include "sysroot.h"

struct plan_ctx {
        struct sysroot *sr;
        const struct facts *f;
        const struct profile *profile;
        struct plan *plan;
        char *error;               /* first hard error, "FILE:LINE: ..." */
        char *cpuinfo, *uname;     /* TuneD unit conditions: read once (plan-conditions.c) */
};

/* TuneD's cpuinfo_regex and uname_regex: 1 the unit applies (*ret_reason
 * says why when it has conditions), 0 it is skipped (*ret_reason says
 * why), <0 a bad regex (c->error set). */
int plan_unit_applies(struct plan_ctx *c, const struct profile_unit *u, char **ret_reason);
/* Unit indexes in TuneD's order: ascending priority=, stable. */
int plan_unit_order(struct plan_ctx *c, size_t **ret_order);

/* Shown as the current value of a setting that is not set at all. */
#define PLAN_UNSET "(unset)"

/* Reads the current value of a knob; NULL when absent, and *ret_status says
 * ABSENT (no such file/device) or ERROR (unreadable). */
char *plan_read_current(struct plan_ctx *c, const char *knob, enum item_status *ret_status);

/* Adds an item whose current value is read through the knob layer. */
struct plan_item *plan_add_read(struct plan_ctx *c, enum plan_section sec, const char *knob,
                                const char *target, enum item_cmp cmp);

/* Adds an item whose current value the facts already hold (a disk's
 * queue, a zram device): no second read of the same file. NULL current
 * means unknown (error). */
struct plan_item *plan_add_fact(struct plan_ctx *c, enum plan_section sec, const char *knob,
                                const char *current, const char *target, enum item_cmp cmp);

/* Records "FILE:LINE: message" as the plan's hard error (first one wins). */
void plan_fail(struct plan_ctx *c, const struct profile_entry *e, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
void plan_warn(struct plan_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *plan_origin(const struct plan_ctx *c, const struct profile_unit *u, const struct profile_entry *e);

/* Disks TuneD's disk plugin would consider (real disks, not loop/zram/dm). */
bool plan_disk_is_tunable(const struct disk_facts *d);

/* One sysctl item from a profile entry (TuneD's ">N"/"<N" become bounds). */
void plan_add_sysctl(struct plan_ctx *c, const struct profile_unit *u, const struct profile_entry *e,
                     const char *key, const char *value);

void plan_unit_sysctl(struct plan_ctx *c, const struct profile_unit *u);
void plan_unit_vm(struct plan_ctx *c, const struct profile_unit *u);
void plan_unit_disk(struct plan_ctx *c, const struct profile_unit *u);
void plan_unit_sysfs(struct plan_ctx *c, const struct profile_unit *u);
void plan_unit_btrfs(struct plan_ctx *c, const struct profile_unit *u);
void plan_unit_zram(struct plan_ctx *c, const struct profile_unit *u);
void plan_unit_containers(struct plan_ctx *c, const struct profile_unit *u);
void plan_unit_nix(struct plan_ctx *c, const struct profile_unit *u);
