/* SPDX-License-Identifier: MIT */
/*
 * Plan items: construction, evaluation, summary, filtering. The per-plugin
 * builders (plan-*.c) decide what items a profile produces; this file only
 * knows how an item compares its current value with its target.
 */
#include "plan/plan.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "knobs/knob.h"
#include "util.h"

static const char *const status_names[_ITEM_STATUS_MAX] = {
        [ITEM_OK] = "ok",
        [ITEM_DRIFT] = "drift",
        [ITEM_ABSENT] = "absent",
        [ITEM_UNSUPPORTED] = "unsupported",
        [ITEM_ERROR] = "error",
};

const char *item_status_to_string(enum item_status s) {
        return (unsigned) s < _ITEM_STATUS_MAX ? status_names[s] : "error";
}

static const char *const section_titles[_SECTION_MAX] = {
        [SECTION_SCHEDULER] = "I/O scheduler and read-ahead (seed section 2)",
        [SECTION_BTRFS] = "Btrfs options, no-COW and compression (seed section 3)",
        [SECTION_CONTAINERS] = "Podman storage (seed section 4)",
        [SECTION_VM] = "Virtual memory (seed section 5)",
        [SECTION_ZRAM] = "zram swap (seed section 5)",
        [SECTION_NIX] = "Nix builds (seed section 6)",
        [SECTION_OTHER] = "Other kernel settings",
};

const char *plan_section_title(enum plan_section s) {
        return (unsigned) s < _SECTION_MAX ? section_titles[s] : "Other";
}

struct plan_item *plan_add(struct plan *p, enum plan_section section, const char *knob,
                           const char *current, const char *target, enum item_cmp cmp) {
        struct plan_item *it = array_grow(&p->items, &p->n_items, sizeof *it);
        const struct knob_kind *k;
        const char *colon;

        /* One name per setting: a [sysfs] path a kind owns becomes its ID. */
        it->knob = knob_canonical_id(knob);
        colon = strchr(it->knob, ':');
        it->group = colon ? xstrndup(it->knob, (size_t) (colon - it->knob)) : xstrdup(it->knob);
        /* The kind's defaults; a builder may say otherwise for one item. */
        k = knob_kind_by_group(it->group);
        if (k) {
                it->runtime = k->runtime;
                it->persist = k->persist;
        }
        it->current = xstrdup(current);
        it->target = xstrdup(target);
        it->cmp = cmp;
        it->section = section;
        it->status = ITEM_OK;
        plan_item_evaluate(it);
        return it;
}

static char *vformat(const char *fmt, va_list ap) {
        char *s;
        if (vasprintf(&s, fmt, ap) < 0)
                abort();
        return s;
}

void plan_item_set_note(struct plan_item *it, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        free(it->note);
        it->note = vformat(fmt, ap);
        va_end(ap);
}

void plan_item_add_note(struct plan_item *it, const char *fmt, ...) {
        va_list ap;
        _cleanup_free_ char *s = NULL;

        va_start(ap, fmt);
        s = vformat(fmt, ap);
        va_end(ap);
        if (!it->note) {
                it->note = TAKE_PTR(s);
                return;
        }
        char *n = xasprintf("%s; %s", it->note, s);
        free(it->note);
        it->note = n;
}

void plan_item_set_risk(struct plan_item *it, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        free(it->risk);
        it->risk = vformat(fmt, ap);
        va_end(ap);
}

static bool numeric_pair(const char *a, const char *b, int64_t *x, int64_t *y) {
        return safe_atoi64(a, x) == 0 && safe_atoi64(b, y) == 0;
}

void plan_item_evaluate(struct plan_item *it) {
        int64_t c, t;

        if (it->status == ITEM_ABSENT || it->status == ITEM_UNSUPPORTED || it->status == ITEM_ERROR)
                return;
        if (!it->current) {
                it->status = ITEM_ERROR;
                return;
        }
        if (!it->target) {
                it->status = ITEM_OK;
                return;
        }
        /* Garbage where the kernel prints a number (a hostile or broken
         * sysroot) is unreadable, not drift. */
        if (it->cmp == CMP_NUMERIC || it->cmp == CMP_AT_LEAST || it->cmp == CMP_AT_MOST) {
                if (safe_atoi64(it->target, &t) == 0 && safe_atoi64(it->current, &c) < 0) {
                        it->status = ITEM_ERROR;
                        if (!it->note)
                                it->note = xasprintf("current value '%s' is not a number", it->current);
                        return;
                }
        }
        switch (it->cmp) {
        case CMP_NUMERIC:
                if (numeric_pair(it->current, it->target, &c, &t)) {
                        it->status = c == t ? ITEM_OK : ITEM_DRIFT;
                        return;
                }
                break;
        case CMP_AT_LEAST:
                if (numeric_pair(it->current, it->target, &c, &t)) {
                        it->status = c >= t ? ITEM_OK : ITEM_DRIFT;
                        return;
                }
                break;
        case CMP_AT_MOST:
                if (numeric_pair(it->current, it->target, &c, &t)) {
                        it->status = c <= t ? ITEM_OK : ITEM_DRIFT;
                        return;
                }
                break;
        case CMP_ONE_OF: {
                _cleanup_strv_ char **alts = strv_split(it->target, "|");
                it->status = strv_contains(alts, it->current) ? ITEM_OK : ITEM_DRIFT;
                return;
        }
        case CMP_EXACT:
                break;
        }
        it->status = streq(it->current, it->target) ? ITEM_OK : ITEM_DRIFT;
}

void plan_summarize(const struct plan *p, struct plan_summary *ret) {
        *ret = (struct plan_summary) {};
        for (size_t i = 0; i < p->n_items; i++)
                ret->count[p->items[i].status]++;
}

static void plan_item_done(struct plan_item *it) {
        free(it->knob);
        free(it->group);
        free(it->current);
        free(it->target);
        free(it->note);
        free(it->risk);
        free(it->origin);
}

struct plan *plan_free(struct plan *p) {
        if (!p)
                return NULL;
        for (size_t i = 0; i < p->n_items; i++)
                plan_item_done(&p->items[i]);
        free(p->items);
        free(p->profile);
        free(p->profile_summary);
        free(p->root);
        strv_free(p->warnings);
        free(p);
        return NULL;
}

static bool group_known(const struct plan *p, const char *g) {
        if (knob_kind_by_group(g))
                return true;
        for (size_t i = 0; i < p->n_items; i++)
                if (streq(p->items[i].group, g))
                        return true;
        return false;
}

int plan_filter(struct plan *p, char *const *only, char *const *skip, char **ret_bad_group) {
        size_t k = 0;

        for (char *const *l = only; l && *l; l++)
                if (!group_known(p, *l)) {
                        *ret_bad_group = xstrdup(*l);
                        return -EINVAL;
                }
        for (char *const *l = skip; l && *l; l++)
                if (!group_known(p, *l)) {
                        *ret_bad_group = xstrdup(*l);
                        return -EINVAL;
                }
        for (size_t i = 0; i < p->n_items; i++) {
                struct plan_item *it = &p->items[i];
                bool keep = (!only || strv_contains(only, it->group)) && !strv_contains(skip, it->group);
                if (keep)
                        p->items[k++] = *it;
                else
                        plan_item_done(it);
        }
        p->n_items = k;
        return 0;
}
