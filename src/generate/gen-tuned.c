/* SPDX-License-Identifier: MIT */
/*
 * The plan as a TuneD profile (tuned.conf): what TuneD's own plugins can
 * do, resolved for this machine ([disk] devices= names the disks found
 * here). TuneD has no btrfs, zram, nix or containers plugin: those parts
 * are listed as comments only, never as a [script] (vpstune's apply does
 * them with a journal; a script would not be undone by TuneD).
 *
 * The disk's nomerges has no [disk] option in TuneD: it goes to [sysfs].
 */
#include "generate/gen-internal.h"
#include "knobs/knob.h"
#include "util.h"

static void section_sysctl(const struct gen_ctx *g, FILE *o) {
        bool any = false;
        for (size_t i = 0; i < g->plan->n_items; i++) {
                const struct plan_item *it = &g->plan->items[i];
                const char *key = startswith(it->knob, "sysctl:");
                if (!key || !gen_item_usable(it))
                        continue;
                if (!any)
                        fprintf(o, "\n[sysctl]\n");
                any = true;
                fprintf(o, "%s=%s\n", key, it->target);
        }
}

/* One [disk] unit per distinct (elevator, readahead) pair would be TuneD's
 * way; a unit per disk named disk_NAME is simpler and as exact. */
static void section_disk(const struct gen_ctx *g, FILE *o) {
        for (size_t i = 0; i < g->f->n_disks; i++) {
                const struct disk_facts *d = &g->f->disks[i];
                _cleanup_free_ char *ks = xasprintf("block:%s:scheduler", d->name);
                _cleanup_free_ char *kr = xasprintf("block:%s:read_ahead_kb", d->name);
                const struct plan_item *s = gen_item(g, ks), *r = gen_item(g, kr);
                if (!gen_item_usable(s) && !gen_item_usable(r))
                        continue;
                fprintf(o, "\n[disk_%s]\ntype=disk\ndevices=%s\n", d->name, d->name);
                if (gen_item_usable(s))
                        fprintf(o, "elevator=%s\n", s->target);
                if (gen_item_usable(r))
                        fprintf(o, "readahead=%s\n", r->target);
        }
}

/* Every kind TuneD persists that is not a sysctl or a disk setting is a
 * file under /sys: [sysfs] PATH=VALUE, the path from the kind. */
static void section_sysfs(const struct gen_ctx *g, FILE *o) {
        bool any = false;
        for (size_t i = 0; i < g->plan->n_items; i++) {
                const struct plan_item *it = &g->plan->items[i];
                const struct knob_kind *k = knob_kind_by_group(it->group);
                _cleanup_free_ char *dyn = NULL;
                const char *path = NULL, *rest;

                if (k && knob_kind_persists_to(k, "tuned") && !streq(k->group, "sysctl") && !streq(k->group, "block"))
                        path = dyn = knob_path(g->f, it->knob);
                else if ((rest = startswith(it->knob, "block:")) && strstr(rest, ":nomerges")) {
                        _cleanup_free_ char *disk = xstrndup(rest, strcspn(rest, ":"));
                        _cleanup_free_ char *rel = xasprintf("block/%s/queue/nomerges", disk);
                        path = dyn = sysroot_display_path(SR_SYS, rel);
                }
                if (!path || !gen_item_usable(it))
                        continue;
                if (!any)
                        fprintf(o, "\n[sysfs]\n");
                any = true;
                fprintf(o, "%s=%s\n", path, it->target);
        }
}

/* Kinds the registry does not persist through TuneD. */
static void vpstune_only(const struct gen_ctx *g, FILE *o) {
        bool any = false;
        for (size_t i = 0; i < g->plan->n_items; i++) {
                const struct plan_item *it = &g->plan->items[i];
                const struct knob_kind *k = knob_kind_by_group(it->group);
                if (!k || knob_kind_persists_to(k, "tuned") || !gen_item_wanted(g, it))
                        continue;
                if (!any) {
                        fprintf(o, "\n");
                        gen_comment(o, "", "Not expressible in TuneD (no btrfs, zram, nix or containers "
                                    "plugin); 'vpstune apply' and 'vpstune generate' do these:");
                }
                any = true;
                fprintf(o, "#   %s = %s\n", it->knob, it->target);
        }
}

int gen_emit_tuned(const struct gen_ctx *g, FILE *o) {
        const char *summary = g->profile && g->profile->summary ? g->profile->summary : "vpstune profile";
        _cleanup_free_ char *sum = xstrdup(summary);

        /* A newline in the summary would end the INI value. */
        for (char *p = sum; *p; p++)
                if (*p == '\n' || *p == '\r')
                        *p = ' ';
        gen_header(g, o, "tuned",
                   "Save as /etc/tuned/vpstune/tuned.conf and select it with 'tuned-adm profile "
                   "vpstune'; vpstune reads it too: vpstune -p DIR/tuned.conf plan. Devices are "
                   "the disks of this machine.",
                   gen_kind_groups);
        fprintf(o, "\n[main]\nsummary=%s (for %s)\n", sum, g->f->hostname ? g->f->hostname : "this machine");
        if (!g->plan)
                return 0;
        section_sysctl(g, o);
        section_disk(g, o);
        section_sysfs(g, o);
        vpstune_only(g, o);
        return 0;
}
