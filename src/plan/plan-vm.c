/* SPDX-License-Identifier: MIT */
/*
 * TuneD's [vm] plugin: transparent hugepages and the dirty limits.
 * transparent_hugepages= and transparent_hugepage.defrag= are sysfs
 * writes (a kind that owns those paths names them: knob_canonical_id);
 * dirty_* become vm.* sysctls.
 */
#include <stdio.h>

#include "plan/plan-internal.h"
#include "util.h"

/* TuneD's vm plugin: dirty_bytes may be "N%" meaning dirty_ratio=N. */
void plan_unit_vm(struct plan_ctx *c, const struct profile_unit *u) {
        for (size_t i = 0; i < u->n_entries; i++) {
                const struct profile_entry *e = &u->entries[i];
                const char *k = e->key, *v = e->value;
                size_t vl = strlen(v);

                if (streq(k, "transparent_hugepages") || streq(k, "transparent_hugepage")) {
                        struct plan_item *it = plan_add_read(c, SECTION_VM, "sysfs:/sys/kernel/mm/transparent_hugepage/enabled", v, CMP_EXACT);
                        it->origin = plan_origin(c, u, e);
                        continue;
                }
                if (streq(k, "transparent_hugepage.defrag")) {
                        struct plan_item *it = plan_add_read(c, SECTION_VM, "sysfs:/sys/kernel/mm/transparent_hugepage/defrag", v, CMP_EXACT);
                        it->origin = plan_origin(c, u, e);
                        continue;
                }
                if (streq(k, "dirty_bytes") || streq(k, "dirty_background_bytes") || streq(k, "dirty_ratio") ||
                    streq(k, "dirty_background_ratio")) {
                        _cleanup_free_ char *key = NULL, *val = NULL;
                        if (vl > 0 && v[vl - 1] == '%') {
                                const char *base = startswith(k, "dirty_background") ? "vm.dirty_background_ratio" : "vm.dirty_ratio";
                                key = xstrdup(base);
                                val = xstrndup(v, vl - 1);
                        } else {
                                key = xasprintf("vm.%s", k);
                                val = xstrdup(v);
                        }
                        plan_add_sysctl(c, u, e, key, val);
                        continue;
                }
                {
                        _cleanup_free_ char *knob = xasprintf("vm:%s", k);
                        struct plan_item *it = plan_add(c->plan, SECTION_VM, knob, NULL, v, CMP_EXACT);
                        it->status = ITEM_UNSUPPORTED;
                        it->origin = plan_origin(c, u, e);
                        plan_item_set_note(it, "TuneD [vm] option '%s' is not supported by vpstune", k);
                }
        }
}
