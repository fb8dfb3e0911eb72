/* SPDX-License-Identifier: MIT */
/*
 * tuning.drift: `vpstune verify`'s summary through the library (facts ×
 * profile → plan), not by running vpstune: a tuning that stopped being in
 * effect (a package reset a sysctl, a remount dropped an option).
 */
#include <stdio.h>

#include "health/health.h"
#include "plan/plan.h"
#include "util.h"

static void run(struct health_ctx *c, struct health_report *r) {
        struct health_result *x = health_add(r, "tuning.drift", c->profile_name ? c->profile_name : "-");
        _cleanup_free_ char *err = NULL;
        struct plan *p = NULL;
        struct plan_summary s;
        int rr;

        x->perf_label = xstrdup("tuning_drift");
        if (!c->profile) {
                health_set_summary(x, "no profile loaded");
                return;
        }
        rr = plan_build(c->sr, c->facts, c->profile, &p, &err);
        if (rr < 0) {
                health_set_summary(x, "cannot plan profile '%s': %s", c->profile_name, err ? err : strerror(-rr));
                return;
        }
        plan_summarize(p, &s);
        health_set_value(x, (double) s.count[ITEM_DRIFT], "items");
        health_evidence(x, "plan of profile '%s': %u ok, %u drift, %u absent, %u unsupported, %u error", c->profile_name,
                        s.count[ITEM_OK], s.count[ITEM_DRIFT], s.count[ITEM_ABSENT], s.count[ITEM_UNSUPPORTED],
                        s.count[ITEM_ERROR]);
        for (size_t i = 0, shown = 0; i < p->n_items && shown < 5; i++)
                if (p->items[i].status == ITEM_DRIFT) {
                        health_evidence(x, "%s: %s, want %s", p->items[i].knob, strna(p->items[i].current),
                                        strna(p->items[i].target));
                        shown++;
                }
        if (s.count[ITEM_DRIFT] > 0) {
                x->status = HEALTH_WARNING;
                health_set_summary(x, "%u of %u tunings of '%s' are not in effect", s.count[ITEM_DRIFT],
                                   s.count[ITEM_OK] + s.count[ITEM_DRIFT], c->profile_name);
                health_set_remedy(x, "`vpstune verify -p %s` lists them; `vpstune apply -p %s` sets them (journaled, "
                                  "`vpstune rollback` undoes)", c->profile_name, c->profile_name);
        } else if (s.count[ITEM_ERROR] > 0) {
                x->status = HEALTH_UNKNOWN;
                health_set_summary(x, "%u tunings could not be read", s.count[ITEM_ERROR]);
        } else {
                x->status = HEALTH_OK;
                health_set_summary(x, "all %u tunings of '%s' in effect", s.count[ITEM_OK], c->profile_name);
        }
        plan_free(p);
}

const struct health_check health_check_tuning_drift = {
        .id = "tuning.drift",
        .description = "tunings of the profile that are no longer in effect (verify's summary)",
        .run = run,
};
