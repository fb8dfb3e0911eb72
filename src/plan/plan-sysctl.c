/* SPDX-License-Identifier: MIT */
/*
 * [sysctl] and TuneD's [vm] plugin. Corrections from KNOWLEDGE.md live in
 * the notes: dirty_ratio and dirty_bytes are mutually exclusive, and a low
 * swappiness next to a large zram is a contradiction worth saying out loud.
 */
#include <inttypes.h>
#include <stdio.h>

#include "knobs/knob.h"
#include "plan/plan-internal.h"
#include "util.h"

static enum plan_section section_of(const char *key) {
        return startswith(key, "vm.") ? SECTION_VM : SECTION_OTHER;
}

/* "4096  87380\t6291456" → "4096 87380 6291456": the kernel prints tabs for
 * multi-value sysctls, profiles use spaces. */
static char *collapse_ws(const char *s) {
        _cleanup_strv_ char **w = strv_split(s, " \t\n");
        return strv_join(w, " ");
}

static bool zram_swap_planned_or_active(const struct plan_ctx *c) {
        const struct profile_unit *u = profile_find_unit(c->profile, "zram");
        if (u && u->enabled)
                return true;
        for (size_t i = 0; i < c->f->n_zram; i++)
                if (c->f->zram[i].swap_active)
                        return true;
        return false;
}

static void annotate(struct plan_ctx *c, struct plan_item *it, const char *key, const char *target) {
        int64_t v;

        if (knob_is_risky(it->knob))
                plan_item_add_note(it, "can weaken the kernel or run code: apply needs --allow-risky");

        if (streq(key, "vm.swappiness") && safe_atoi64(target, &v) == 0 && v < 60 &&
            zram_swap_planned_or_active(c))
                plan_item_add_note(it,
                        "swappiness %" PRId64 " next to zram swap is contradictory: a low value keeps the "
                        "compressed swap idle; kernel docs say values beyond 100 can be considered with zram", v);
        else if (streq(key, "vm.swappiness") && safe_atoi64(target, &v) == 0 && v > 100)
                plan_item_add_note(it, "values above 100 favour swapping to zram over dropping page cache");

        if (streq(key, "vm.dirty_ratio") || streq(key, "vm.dirty_background_ratio")) {
                _cleanup_free_ char *bytes_knob = NULL, *cur = NULL;
                enum item_status st;
                bytes_knob = xasprintf("sysctl:%.*s_bytes", (int) (strlen(key) - strlen("_ratio")), key);
                int64_t now;
                cur = plan_read_current(c, bytes_knob, &st);
                if (cur && !streq(cur, "0"))
                        plan_item_add_note(it, "%s is %s; writing %s zeroes it (the two are mutually exclusive)",
                                           bytes_knob + strlen("sysctl:"), cur, key);
                if (it->current && safe_atoi64(it->current, &now) == 0 && safe_atoi64(target, &v) == 0 && v != now)
                        plan_item_set_risk(it, v < now ? "flushes sooner: more write I/O, less unwritten data lost on a crash"
                                                       : "more dirty data in memory: more lost on a crash, longer stalls "
                                                         "when it is written back");
        }
        if (streq(key, "vm.vfs_cache_pressure") && safe_atoi64(target, &v) == 0 && v < 100)
                plan_item_set_risk(it, "memory: dentries and inodes are kept longer at the expense of page cache");
}

void plan_add_sysctl(struct plan_ctx *c, const struct profile_unit *u, const struct profile_entry *e,
                     const char *key, const char *value) {
        _cleanup_free_ char *knob = xasprintf("sysctl:%s", key);
        _cleanup_free_ char *target = collapse_ws(value);
        enum item_cmp cmp = CMP_EXACT;
        struct plan_item *it;
        int64_t dummy;

        /* TuneD's assignment modifiers: ">2048" only raises, "<N" only lowers. */
        if ((target[0] == '>' || target[0] == '<') && safe_atoi64(target + 1, &dummy) == 0) {
                cmp = target[0] == '>' ? CMP_AT_LEAST : CMP_AT_MOST;
                memmove(target, target + 1, strlen(target));
        } else if (safe_atoi64(target, &dummy) == 0)
                cmp = CMP_NUMERIC;
        it = plan_add_read(c, section_of(key), knob, target, cmp);
        if (it->current) {
                char *n = collapse_ws(it->current);
                free(it->current);
                it->current = n;
                plan_item_evaluate(it);
        }
        it->origin = plan_origin(c, u, e);
        if (it->status == ITEM_ABSENT)
                plan_item_set_note(it, "this kernel has no %s", key);
        annotate(c, it, key, target);
}

void plan_unit_sysctl(struct plan_ctx *c, const struct profile_unit *u) {
        for (size_t i = 0; i < u->n_entries; i++) {
                const struct profile_entry *e = &u->entries[i];
                /* systemd-sysctl's "-key" (ignore failure) is accepted too. */
                const char *key = e->key[0] == '-' ? e->key + 1 : e->key;
                if (!*key || strpbrk(key, " \t") || strstr(key, "..")) {
                        plan_fail(c, e, "invalid sysctl name '%s'", e->key);
                        return;
                }
                plan_add_sysctl(c, u, e, key, e->value);
        }
}
