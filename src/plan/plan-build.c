/* SPDX-License-Identifier: MIT */
/*
 * plan_build(): walks the profile's units in order and hands each to the
 * builder of its plugin type. Units of TuneD plugins vpstune does not
 * implement are named in the plan's warnings: never silently ignored.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "knobs/knob.h"
#include "log.h"
#include "plan/plan-internal.h"
#include "util.h"

char *plan_read_current(struct plan_ctx *c, const char *knob, enum item_status *ret_status) {
        char *v = NULL;
        int r = knob_read(c->sr, knob, &v);

        if (r >= 0) {
                *ret_status = ITEM_OK;
                return v;
        }
        if (r == -ENODATA) {
                /* Not set (key missing from a config file, xattr absent). */
                *ret_status = ITEM_OK;
                return xstrdup(PLAN_UNSET);
        }
        *ret_status = (r == -ENOENT || r == -ENODEV || r == -ENXIO) ? ITEM_ABSENT :
                      r == -EOPNOTSUPP ? ITEM_UNSUPPORTED : ITEM_ERROR;
        log_debug_topic("plan", "read %s: %s", knob, strerror(-r));
        return NULL;
}

struct plan_item *plan_add_read(struct plan_ctx *c, enum plan_section sec, const char *knob,
                                const char *target, enum item_cmp cmp) {
        enum item_status st;
        _cleanup_free_ char *cur = plan_read_current(c, knob, &st);
        struct plan_item *it;

        it = plan_add(c->plan, sec, knob, cur, target, cmp);
        if (st != ITEM_OK) {
                it->status = st;
                if (st == ITEM_ERROR)
                        plan_item_set_note(it, "could not read the current value");
        }
        return it;
}

struct plan_item *plan_add_fact(struct plan_ctx *c, enum plan_section sec, const char *knob,
                                const char *current, const char *target, enum item_cmp cmp) {
        struct plan_item *it = plan_add(c->plan, sec, knob, current, target, cmp);
        if (!current)
                plan_item_set_note(it, "could not read the current value");
        return it;
}

void plan_fail(struct plan_ctx *c, const struct profile_entry *e, const char *fmt, ...) {
        va_list ap;
        char *m;

        if (c->error)
                return;
        va_start(ap, fmt);
        if (vasprintf(&m, fmt, ap) < 0)
                abort();
        va_end(ap);
        if (e && e->file)
                c->error = xasprintf("%s:%u: %s", e->file, e->line, m);
        else
                c->error = xasprintf("%s: %s", c->profile->name, m);
        free(m);
}

void plan_warn(struct plan_ctx *c, const char *fmt, ...) {
        va_list ap;
        char *m;

        va_start(ap, fmt);
        if (vasprintf(&m, fmt, ap) < 0)
                abort();
        va_end(ap);
        strv_consume(&c->plan->warnings, m);
}

char *plan_origin(const struct plan_ctx *c, const struct profile_unit *u, const struct profile_entry *e) {
        if (e && e->file)
                return xasprintf("%s [%s] %s (%s:%u)", c->profile->name, u->name, e->key, e->file, e->line);
        if (e)
                return xasprintf("%s [%s] %s", c->profile->name, u->name, e->key);
        return xasprintf("%s [%s]", c->profile->name, u->name);
}

/* Values the profile layer could not expand (a TuneD function vpstune does
 * not implement, like cpulist_invert) become unsupported items; the builder
 * sees the unit without them. */
static void build_unit(struct plan_ctx *c, void (*build)(struct plan_ctx *, const struct profile_unit *),
                       const struct profile_unit *u, const char *type) {
        struct profile_unit view = *u;
        _cleanup_free_ struct profile_entry *ok = xcalloc(u->n_entries, sizeof *ok);

        view.n_entries = 0;
        view.entries = ok;
        for (size_t i = 0; i < u->n_entries; i++) {
                const struct profile_entry *e = &u->entries[i];
                if (e->error) {
                        _cleanup_free_ char *knob = xasprintf("%s:%s", type, e->key);
                        struct plan_item *it = plan_add(c->plan, SECTION_OTHER, knob, NULL, e->value, CMP_EXACT);
                        it->status = ITEM_UNSUPPORTED;
                        it->origin = plan_origin(c, u, e);
                        plan_item_set_note(it, "%s", e->error);
                        continue;
                }
                ok[view.n_entries++] = *e;
        }
        build(c, &view);
}

int plan_build(struct sysroot *sr, const struct facts *f, const struct profile *p,
               struct plan **ret, char **ret_error) {
        struct plan_ctx c = { .sr = sr, .f = f, .profile = p };
        struct plan *pl = xcalloc(1, sizeof *pl);

        pl->profile = xstrdup(p->name);
        pl->profile_summary = xstrdup(p->summary);
        pl->root = xstrdup(sysroot_dir(sr));
        c.plan = pl;

        for (char **w = p->warnings; w && *w; w++)
                strv_push(&pl->warnings, *w);

        _cleanup_free_ size_t *order = NULL;
        (void) plan_unit_order(&c, &order);
        for (size_t i = 0; order && i < p->n_units && !c.error; i++) {
                const struct profile_unit *u = &p->units[order[i]];
                const char *type = u->type ? u->type : u->name;
                const struct knob_unit *ku;

                if (!u->enabled || streq(u->name, "main") || streq(u->name, "variables") ||
                    streq(type, "health")) /* thresholds of vpstune health, not tunings */
                        continue;
                /* The registry: the kind that serves this unit type. */
                ku = knob_unit_for_type(type, NULL);
                if (ku) {
                        _cleanup_free_ char *reason = NULL;
                        size_t before = pl->n_items;
                        int a = plan_unit_applies(&c, u, &reason);
                        if (a < 0)
                                break;
                        if (a == 0) {
                                strv_consume(&pl->warnings, TAKE_PTR(reason));
                                continue;
                        }
                        build_unit(&c, ku->plan, u, type);
                        for (size_t k = before; reason && k < pl->n_items; k++)
                                plan_item_add_note(&pl->items[k], "%s", reason);
                }
                /* The profile layer already warned about types it does not
                 * know; this catches a supported type without a builder. */
                else if (u->supported)
                        plan_warn(&c, "unit [%s] (TuneD plugin '%s') is not supported by vpstune, ignored%s%s",
                                  u->name, type, u->file ? ": " : "", strempty(u->file));
        }
        /* What apply may write: knobs with a writer, that take effect now or
         * are config files read at the consumer's next start. */
        {
                /* apply edits configuration files, it does not create their
                 * directories (rollback could not take a directory back). */
                const struct knob_kind *dir_kind = NULL; /* the last looked up */
                int have_dir = -1;
                for (size_t i = 0; i < pl->n_items; i++) {
                        struct plan_item *it = &pl->items[i];
                        const struct knob_kind *k = knob_kind_by_group(it->group);
                        bool conf = k && k->config_file;
                        /* What is absent or cannot take effect this way
                         * neither changes at runtime nor persists; the rest
                         * have their kind's defaults. */
                        if (it->status == ITEM_ABSENT || it->status == ITEM_UNSUPPORTED) {
                                it->runtime = false;
                                it->persist = NULL;
                        }
                        it->writable = (it->runtime || conf) && (it->status == ITEM_OK || it->status == ITEM_DRIFT) &&
                                       knob_validate(it->knob) == 0;
                        if (conf && it->writable) {
                                if (k != dir_kind) {
                                        dir_kind = k;
                                        have_dir = sysroot_exists(sr, SR_ETC, it->group);
                                }
                                it->writable = have_dir;
                        }
                }
        }
        free(c.cpuinfo);
        free(c.uname);
        if (c.error) {
                plan_free(pl);
                *ret_error = c.error;
                return -EINVAL;
        }
        *ret = pl;
        return 0;
}
