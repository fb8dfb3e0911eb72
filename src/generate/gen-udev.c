/* SPDX-License-Identifier: MIT */
/*
 * udev rules for the block queue of the disks detected here, matched by
 * exact kernel name (KNOWLEDGE.md "Block queue"). Exact names rather than
 * the profile's devices= glob: the plan was checked against these disks
 * (scheduler offered, device tunable); a disk added later is not, so it is
 * not matched: regenerate after adding one.
 *
 * The btrfs BDI read-ahead is NOT a udev rule: bdi devices do send uevents
 * (SUBSYSTEM=="bdi", KERNEL=="btrfs-N"), but btrfs sets its read-ahead
 * after registering the BDI (open_ctree multiplies it by the number of
 * devices), so a rule races with the mount; and btrfs-N is renumbered on
 * every mount, so a rule cannot name one filesystem. The systemd unit
 * (generate systemd / nixos) sets it after local-fs.target by UUID.
 */
#include "generate/gen-internal.h"
#include "util.h"

char *gen_udev_rule(const struct gen_ctx *g, const struct disk_facts *d) {
        static const struct {
                const char *knob;
                const char *attr;
        } attrs[] = {
                { "scheduler", "queue/scheduler" },
                { "read_ahead_kb", "queue/read_ahead_kb" },
                { "nomerges", "queue/nomerges" },
        };
        _cleanup_free_ char *name = gen_udev_value(d->name);
        char *rule = NULL;
        bool any = false;

        if (!name)
                return NULL; /* a name udev's syntax cannot hold is no disk of ours */
        rule = xasprintf("ACTION==\"add|change\", SUBSYSTEM==\"block\", ENV{DEVTYPE}==\"disk\", KERNEL==%s", name);
        for (size_t i = 0; i < ELEMENTSOF(attrs); i++) {
                _cleanup_free_ char *knob = xasprintf("block:%s:%s", d->name, attrs[i].knob);
                const struct plan_item *it = gen_item(g, knob);
                _cleanup_free_ char *v = NULL;
                char *n;
                if (!gen_item_usable(it) || !(v = gen_udev_value(it->target)))
                        continue;
                n = xasprintf("%s, ATTR{%s}=%s", rule, attrs[i].attr, v);
                free(rule);
                rule = n;
                any = true;
        }
        if (!any) {
                free(rule);
                return NULL;
        }
        return rule;
}

int gen_emit_udev(const struct gen_ctx *g, FILE *o) {
        size_t n = 0;

        gen_header(g, o, "udev",
                   "Install as /etc/udev/rules.d/60-vpstune.rules; takes effect at boot or with "
                   "'udevadm trigger --subsystem-match=block --action=change'. Disks are matched "
                   "by their exact kernel names as detected here: a disk added later is not "
                   "matched (regenerate).",
                   gen_kind_groups);
        for (size_t i = 0; i < g->f->n_disks; i++) {
                const struct disk_facts *d = &g->f->disks[i];
                _cleanup_free_ char *rule = gen_udev_rule(g, d);
                _cleanup_free_ char *cn = NULL, *cm = NULL;
                if (!rule)
                        continue;
                cn = gen_one_line(d->name);
                cm = gen_one_line(d->model ? d->model : "model unknown");
                fprintf(o, "\n# %s: %s, %s\n%s\n", cn, transport_to_string(d->transport), cm, rule);
                n++;
        }
        if (n == 0)
                fprintf(o, "\n# (no disk here gets a queue setting from this profile)\n");
        fprintf(o, "\n");
        gen_comment(o, "", "btrfs read-ahead (its own BDI, not the disk's) is not set here: btrfs "
                    "sets it after the BDI's uevent and renumbers btrfs-N on every mount, so a "
                    "rule would race and could not name one filesystem. 'vpstune generate "
                    "systemd' (vpstune-apply.service) sets it after local-fs.target.");
        return 0;
}
