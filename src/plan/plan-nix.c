/* SPDX-License-Identifier: MIT */
/*
 * [nix] unit: nix.conf settings. Only options Nix really has: on NixOS an
 * unknown key in nix.settings fails the system build (nix.checkConfig), so
 * the seed's reserved-build-cores and fsync are reported as unsupported
 * with the real alternative. cores/max-jobs may be expressions over cpus.
 */
#include <math.h>
#include <stdio.h>

#include "knobs/knob.h"
#include "plan/plan-internal.h"
#include "util.h"

static const struct {
        const char *key;
        const char *dflt;    /* Nix's default when nix.conf does not set it */
        const char *note;
        const char *risk;
} nix_keys[] = {
        { "cores", "0", "per-build parallelism (0 = all CPUs); the seed's reserved-build-cores does not exist, "
          "a lower cores value is how to keep CPUs for the system", NULL },
        { "max-jobs", "1", "builds run at once; cores x max-jobs should not exceed the CPUs much", NULL },
        { "fsync-metadata", "true", "false skips fsync of store metadata (the real name of the seed's 'fsync')",
          "durability: a crash or power loss can corrupt the Nix store (repair with nix-store --verify --repair)" },
        { "fsync-store-paths", "false", "Nix >= 2.25", NULL },
        { "use-sqlite-wal", "true", "the seed gives no evidence that false helps on virtual disks; WAL is the "
          "default because it lets readers and the writer proceed concurrently", NULL },
        { "builders-use-substitutes", "false", "only affects remote builders; no effect on local builds", NULL },
        { "auto-optimise-store", "false", "hard-links identical files on every build", "CPU and I/O during builds" },
        { "sandbox", "true", NULL, NULL },
        { "keep-outputs", "false", NULL, NULL },
        { "keep-derivations", "true", NULL, NULL },
        { "substituters", NULL, NULL, NULL },
        { "trusted-public-keys", NULL, NULL, NULL },
        { "experimental-features", NULL, NULL, NULL },
        { "min-free", "0", NULL, NULL },
        { "max-free", NULL, NULL, NULL },
        { "http-connections", "25", NULL, NULL },
};

static const struct {
        const char *key;
        const char *why;
} nix_myths[] = {
        { "reserved-build-cores", "does not exist in Nix; NixOS fails the build with it (nix.checkConfig); "
          "to keep cores for the system set cores = cpus - 2" },
        { "fsync", "does not exist in Nix; the real setting is fsync-metadata = false" },
};

/* cores = cpus - 2, max-jobs = cpus / 2: integers >= 0, or "auto". */
static char *eval_value(struct plan_ctx *c, const struct profile_entry *e) {
        struct expr_vars vars;
        _cleanup_free_ char *err = NULL;
        uint64_t n;
        double d;

        if (!streq(e->key, "cores") && !streq(e->key, "max-jobs"))
                return xstrdup(e->value);
        if (streq(e->value, "auto") || safe_atou64(e->value, &n) == 0)
                return xstrdup(e->value);
        if (c->f->cpu.count == 0) {
                plan_fail(c, e, "%s = %s needs the CPU count, which is unknown here", e->key, e->value);
                return NULL;
        }
        profile_expr_vars_from_facts(c->f, &vars);
        if (profile_expr_eval(e->value, &vars, &d, &err) < 0) {
                plan_fail(c, e, "%s '%s': %s", e->key, e->value, strna(err));
                return NULL;
        }
        if (d < 1)
                d = 1;
        return xasprintf("%.0f", util_floor(d));
}

void plan_unit_nix(struct plan_ctx *c, const struct profile_unit *u) {
        bool have_dir = sysroot_exists(c->sr, SR_ETC, "nix");

        /* Installed when it has a configuration directory, a store, or its
         * binary where packages put it (Debian's nix-bin ships no nix.conf).
         * Looked up in the sysroot, so a captured machine answers too. */
        if (!have_dir && !sysroot_exists(c->sr, SR_ROOT, "nix/store") && !sysroot_exists(c->sr, SR_USR, "bin/nix")) {
                struct plan_item *it = plan_add(c->plan, SECTION_NIX, "nix:*", NULL, NULL, CMP_EXACT);
                it->status = ITEM_ABSENT;
                it->origin = plan_origin(c, u, NULL);
                plan_item_set_note(it, "Nix is not installed here (no nix configuration directory, no /nix/store, no nix binary)");
                return;
        }
        for (size_t i = 0; i < u->n_entries; i++) {
                const struct profile_entry *e = &u->entries[i];
                _cleanup_free_ char *knob = xasprintf("nix:%s", e->key);
                _cleanup_free_ char *target = NULL;
                struct plan_item *it;
                size_t k;

                for (k = 0; k < ELEMENTSOF(nix_myths); k++)
                        if (streq(e->key, nix_myths[k].key))
                                break;
                if (k < ELEMENTSOF(nix_myths)) {
                        it = plan_add(c->plan, SECTION_NIX, knob, NULL, e->value, CMP_EXACT);
                        it->status = ITEM_UNSUPPORTED;
                        it->origin = plan_origin(c, u, e);
                        plan_item_set_note(it, "%s %s", e->key, nix_myths[k].why);
                        continue;
                }
                for (k = 0; k < ELEMENTSOF(nix_keys); k++)
                        if (streq(e->key, nix_keys[k].key))
                                break;
                target = eval_value(c, e);
                if (!target)
                        return;
                it = plan_add_read(c, SECTION_NIX, knob, target, CMP_EXACT);
                it->origin = plan_origin(c, u, e);
                if (it->status == ITEM_ABSENT) {
                        plan_item_set_note(it, "Nix is not configured here (no nix.conf)");
                        continue;
                }
                if (knob_is_risky(knob))
                        plan_item_set_risk(it, "'%s' is not a build-tuning setting (a hook, a trusted user, a "
                                               "substituter or a sandbox/signature switch can give root): apply "
                                               "needs --allow-risky", e->key);
                if (k == ELEMENTSOF(nix_keys)) {
                        plan_item_add_note(it, "'%s' is not an option vpstune knows; check 'nix config show'", e->key);
                        continue;
                }
                if (it->current && streq(it->current, PLAN_UNSET) && nix_keys[k].dflt) {
                        free(it->current);
                        it->current = xasprintf("%s", nix_keys[k].dflt);
                        plan_item_evaluate(it);
                        plan_item_add_note(it, "not set: Nix's default is %s", nix_keys[k].dflt);
                }
                if (nix_keys[k].note)
                        plan_item_add_note(it, "%s", nix_keys[k].note);
                if (!have_dir)
                        plan_item_add_note(it, "there is no nix configuration directory: apply does not create one; "
                                           "'vpstune generate nix' writes the fragment");
                if (nix_keys[k].risk && !streq(target, nix_keys[k].dflt ? nix_keys[k].dflt : ""))
                        plan_item_set_risk(it, "%s", nix_keys[k].risk);
                plan_item_add_note(it, "read by the Nix daemon at its next start");
        }
}
