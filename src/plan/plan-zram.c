/* SPDX-License-Identifier: MIT */
/*
 * [zram] unit, in zram-generator's words:
 *   device=zram0                       (default)
 *   zram-size=min(ram, 16384)          MiB, an expression over ram (MiB) and cpus
 *   compression-algorithm=zstd lz4 lzo-rle   first one this kernel offers wins
 *   swap-priority=100
 * The seed's "zram for /tmp" is swap, not /tmp: the note says so.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "plan/plan-internal.h"
#include "util.h"

static const struct zram_facts *find_zram(const struct facts *f, const char *name) {
        for (size_t i = 0; i < f->n_zram; i++)
                if (streq(f->zram[i].name, name))
                        return &f->zram[i];
        return NULL;
}

static void zram_algorithm(struct plan_ctx *c, const struct profile_unit *u, const struct profile_entry *e,
                           const char *dev, const struct zram_facts *z) {
        _cleanup_strv_ char **want = strv_split(e->value, " ,\t");
        _cleanup_free_ char *knob = xasprintf("zram:%s:comp_algorithm", dev);
        const char *pick = NULL;
        struct plan_item *it;

        for (char **w = want; *w && !pick; w++)
                if (z && strv_contains(z->algorithms, *w))
                        pick = *w;
        it = plan_add_fact(c, SECTION_ZRAM, knob, z ? z->algorithm : NULL, pick ? pick : (want[0] ? want[0] : ""), CMP_EXACT);
        it->origin = plan_origin(c, u, e);
        if (z && !pick && want[0]) {
                _cleanup_free_ char *have = strv_join(z->algorithms, " ");
                it->status = ITEM_UNSUPPORTED;
                plan_item_set_note(it, "this kernel offers none of '%s' (offered: %s)", e->value, have);
        } else if (pick && want[0] && !streq(pick, want[0]))
                plan_item_set_note(it, "'%s' is not offered by this kernel; falling back to '%s'", want[0], pick);
        if (it->status == ITEM_DRIFT)
                plan_item_add_note(it, "changing it resets %s (swapoff, reset, redo): refused while the swap holds "
                                   "pages, unless --force", dev);
}

static void zram_size(struct plan_ctx *c, const struct profile_unit *u, const struct profile_entry *e,
                      const char *dev) {
        struct expr_vars vars;
        _cleanup_free_ char *err = NULL, *knob = NULL, *target = NULL;
        double mib;
        uint64_t bytes;
        struct plan_item *it;
        char b[32];

        if (c->f->mem.total_bytes == 0) {
                knob = xasprintf("zram:%s:disksize", dev);
                it = plan_add(c->plan, SECTION_ZRAM, knob, NULL, NULL, CMP_NUMERIC);
                it->status = ITEM_ERROR;
                it->origin = plan_origin(c, u, e);
                plan_item_set_note(it, "memory size unknown: cannot evaluate '%s'", e->value);
                return;
        }
        profile_expr_vars_from_facts(c->f, &vars);
        if (profile_expr_eval(e->value, &vars, &mib, &err) < 0) {
                plan_fail(c, e, "zram-size '%s': %s", e->value, strna(err));
                return;
        }
        if (!(mib >= 0) || mib > 1e9) {
                plan_fail(c, e, "zram-size '%s' evaluates to %g MiB", e->value, mib);
                return;
        }
        bytes = (uint64_t) util_round(mib) << 20;
        knob = xasprintf("zram:%s:disksize", dev);
        target = xasprintf("%" PRIu64, bytes);
        {
                const struct zram_facts *z = find_zram(c->f, dev);
                _cleanup_free_ char *cur = z ? xasprintf("%" PRIu64, z->disksize) : NULL;
                it = plan_add_fact(c, SECTION_ZRAM, knob, cur, target, CMP_NUMERIC);
        }
        it->origin = plan_origin(c, u, e);
        plan_item_set_note(it, "%s = %s with ram=%.0f MiB, cpus=%.0f; zram is compressed swap in RAM, "
                           "not a /tmp (the seed's 'faster /tmp' is not what it does)",
                           e->value, format_bytes(b, bytes), vars.ram, vars.cpus);
        plan_item_set_risk(it, "memory: up to %s of RAM can hold compressed pages under pressure", format_bytes(b, bytes));
}

static void zram_priority(struct plan_ctx *c, const struct profile_unit *u, const struct profile_entry *e,
                          const char *dev) {
        _cleanup_free_ char *knob = xasprintf("zram:%s:swap", dev);
        int prio;
        struct plan_item *it;

        if (safe_atoi(e->value, &prio) < 0 || prio < 0 || prio > 32767) {
                plan_fail(c, e, "swap-priority '%s' must be 0..32767", e->value);
                return;
        }
        {
                /* As the knob layer reads it: off, on (a priority the kernel
                 * chose itself, negative), or the priority. */
                const struct zram_facts *z = find_zram(c->f, dev);
                _cleanup_free_ char *cur = !z ? NULL : !z->swap_active ? xstrdup("off")
                                           : z->swap_priority < 0 ? xstrdup("on") : xasprintf("%d", z->swap_priority);
                it = plan_add_fact(c, SECTION_ZRAM, knob, cur, e->value, CMP_EXACT);
        }
        it->origin = plan_origin(c, u, e);
        plan_item_set_note(it, "active as swap with priority %d (above any disk swap)", prio);
}

void plan_unit_zram(struct plan_ctx *c, const struct profile_unit *u) {
        const char *dev = profile_unit_get(u, "device");
        const struct zram_facts *z;

        if (!dev)
                dev = "zram0";
        z = find_zram(c->f, dev);
        if (!z) {
                _cleanup_free_ char *knob = xasprintf("zram:%s:disksize", dev);
                struct plan_item *it = plan_add(c->plan, SECTION_ZRAM, knob, NULL, NULL, CMP_EXACT);
                it->status = ITEM_ABSENT;
                it->origin = plan_origin(c, u, NULL);
                plan_item_set_note(it, "no %s here (is the zram module loaded? 'modprobe zram')", dev);
                return;
        }
        for (size_t i = 0; i < u->n_entries; i++) {
                const struct profile_entry *e = &u->entries[i];
                if (streq(e->key, "device"))
                        continue;
                if (streq(e->key, "compression-algorithm"))
                        zram_algorithm(c, u, e, dev, z);
                else if (streq(e->key, "zram-size"))
                        zram_size(c, u, e, dev);
                else if (streq(e->key, "swap-priority"))
                        zram_priority(c, u, e, dev);
                else {
                        plan_fail(c, e, "unknown [zram] key '%s' (device, zram-size, compression-algorithm, "
                                  "swap-priority)", e->key);
                        return;
                }
        }
}
