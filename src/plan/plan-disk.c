/* SPDX-License-Identifier: MIT */
/*
 * TuneD's [disk] plugin on the disks this machine really has (the seed set a
 * scheduler on /dev/vd* while its disk was sda): elevator (with "a|b"
 * alternatives), readahead (KiB, or "N s" sectors, ">N" only raise, "<N" only
 * lower), and our nomerges.
 */
#include <inttypes.h>
#include <stdio.h>

#include "plan/plan-internal.h"
#include "util.h"

bool plan_disk_is_tunable(const struct disk_facts *d) {
        switch (d->transport) {
        case TRANSPORT_LOOP:
        case TRANSPORT_ZRAM:
        case TRANSPORT_DM:
        case TRANSPORT_MD:
                return false;
        default:
                return d->size_bytes > 0 && d->removable != 1;
        }
}

/* Parses TuneD's readahead value into KiB and a comparison. */
static int parse_readahead(const char *v, uint64_t *ret_kb, enum item_cmp *ret_cmp) {
        enum item_cmp cmp = CMP_NUMERIC;
        _cleanup_free_ char *s = xstrdup(v);
        char *p = strstrip(s), *e;
        uint64_t n;
        bool sectors = false;

        if (*p == '>')
                cmp = CMP_AT_LEAST, p++;
        else if (*p == '<')
                cmp = CMP_AT_MOST, p++;
        e = p + strlen(p);
        while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
                e--;
        if (e > p && e[-1] == 's') {
                sectors = true;
                e[-1] = '\0';
        }
        if (safe_atou64(p, &n) < 0)
                return -1;
        *ret_kb = sectors ? n / 2 : n;
        *ret_cmp = cmp;
        return 0;
}

static void disk_elevator(struct plan_ctx *c, const struct profile_unit *u, const struct profile_entry *e,
                          const struct disk_facts *d) {
        _cleanup_free_ char *knob = xasprintf("block:%s:scheduler", d->name);
        _cleanup_strv_ char **alts = strv_split(e->value, "|");
        const char *pick = NULL;
        struct plan_item *it;

        /* First alternative the kernel offers for this disk is the target. */
        for (char **a = alts; *a && !pick; a++)
                if (strv_contains(d->schedulers, strstrip(*a)))
                        pick = *a;
        /* A disk offering no scheduler at all reads "none". */
        it = plan_add_fact(c, SECTION_SCHEDULER, knob, d->scheduler ? d->scheduler : (d->schedulers ? NULL : "none"),
                           pick ? pick : alts[0], CMP_EXACT);
        it->origin = plan_origin(c, u, e);
        if (!pick && it->status != ITEM_ABSENT) {
                _cleanup_free_ char *offered = strv_join(d->schedulers, " ");
                it->status = ITEM_UNSUPPORTED;
                plan_item_set_note(it, "%s offers no '%s' (offered: %s)", d->name, e->value,
                                   *offered ? offered : "none");
        } else if (d->transport == TRANSPORT_VIRTIO_BLK || d->transport == TRANSPORT_VIRTIO_SCSI) {
                plan_item_set_note(it, "%s is %s; no kernel doc recommends a scheduler for virtio (RHEL: "
                                   "mq-deadline for guests, none for multi-queue): 'vpstune bench --ab' measures it",
                                   d->name, transport_to_string(d->transport));
        }
        if (d->hw_queues > 1 && pick && !streq(pick, "none"))
                plan_item_add_note(it, "%u hardware queues: the kernel default for multi-queue devices is none",
                                   d->hw_queues);
}

static void disk_readahead(struct plan_ctx *c, const struct profile_unit *u, const struct profile_entry *e,
                           const struct disk_facts *d) {
        _cleanup_free_ char *knob = xasprintf("block:%s:read_ahead_kb", d->name);
        _cleanup_free_ char *target = NULL;
        enum item_cmp cmp;
        uint64_t kb;
        struct plan_item *it;
        bool btrfs_on_disk = false;

        if (parse_readahead(e->value, &kb, &cmp) < 0) {
                plan_fail(c, e, "invalid readahead '%s' (KiB, 'N s' sectors, '>N' or '<N')", e->value);
                return;
        }
        target = xasprintf("%" PRIu64, kb);
        {
                _cleanup_free_ char *cur = d->read_ahead_kb >= 0 ? xasprintf("%" PRId64, d->read_ahead_kb) : NULL;
                it = plan_add_fact(c, SECTION_SCHEDULER, knob, cur, target, cmp);
        }
        it->origin = plan_origin(c, u, e);
        /* The mounts on the disk and on each of its partitions, through
         * the facts' index: not a scan of every mount per disk. */
        for (size_t j = 0; j <= d->n_partitions && !btrfs_on_disk; j++) {
                size_t n;
                const size_t *on = facts_mounts_on(c->f, j == 0 ? d->name : d->partitions[j - 1].name, &n);
                for (size_t k = 0; k < n && !btrfs_on_disk; k++)
                        btrfs_on_disk = streq_ptr(c->f->fs[on[k]].fstype, "btrfs");
        }
        if (btrfs_on_disk)
                plan_item_set_note(it, "btrfs on %s reads ahead through its own BDI (btrfs-N), not the disk's: "
                                   "this value does not change btrfs file read-ahead; see the btrfs read_ahead_kb item",
                                   d->name);
}

static void disk_nomerges(struct plan_ctx *c, const struct profile_unit *u, const struct profile_entry *e,
                          const struct disk_facts *d) {
        _cleanup_free_ char *knob = xasprintf("block:%s:nomerges", d->name);
        unsigned v;
        struct plan_item *it;

        if (safe_atou(e->value, &v) < 0 || v > 2) {
                plan_fail(c, e, "invalid nomerges '%s' (0 all merges, 1 simple only, 2 none)", e->value);
                return;
        }
        {
                _cleanup_free_ char *cur = d->nomerges >= 0 ? xasprintf("%d", d->nomerges) : NULL;
                it = plan_add_fact(c, SECTION_SCHEDULER, knob, cur, e->value, CMP_NUMERIC);
        }
        it->origin = plan_origin(c, u, e);
}

void plan_unit_disk(struct plan_ctx *c, const struct profile_unit *u) {
        size_t matched = 0;

        for (size_t di = 0; di < c->f->n_disks; di++) {
                const struct disk_facts *d = &c->f->disks[di];
                /* Virtual disks (loop, zram) only when devices= names them:
                 * TuneD skips them, and so does the default "*". */
                bool explicit = u->devices && !streq(u->devices, "*") && d->size_bytes > 0 &&
                                (d->transport == TRANSPORT_LOOP || d->transport == TRANSPORT_ZRAM);
                if (!(plan_disk_is_tunable(d) || explicit) || !profile_devices_match(u->devices, d->name))
                        continue;
                matched++;
                for (size_t i = 0; i < u->n_entries; i++) {
                        const struct profile_entry *e = &u->entries[i];
                        if (streq(e->key, "elevator"))
                                disk_elevator(c, u, e, d);
                        else if (streq(e->key, "readahead"))
                                disk_readahead(c, u, e, d);
                        else if (streq(e->key, "nomerges"))
                                disk_nomerges(c, u, e, d);
                        else if (di == 0 || matched == 1) {
                                _cleanup_free_ char *knob = xasprintf("disk:%s", e->key);
                                struct plan_item *it = plan_add(c->plan, SECTION_SCHEDULER, knob, NULL, e->value, CMP_EXACT);
                                it->status = ITEM_UNSUPPORTED;
                                it->origin = plan_origin(c, u, e);
                                plan_item_set_note(it, "TuneD [disk] option '%s' is not supported by vpstune, ignored", e->key);
                        }
                }
        }
        if (matched == 0) {
                _cleanup_free_ char *knob = xasprintf("block:%s", u->devices ? u->devices : "*");
                struct plan_item *it = plan_add(c->plan, SECTION_SCHEDULER, knob, NULL, NULL, CMP_EXACT);
                it->status = ITEM_ABSENT;
                it->origin = plan_origin(c, u, NULL);
                _cleanup_strv_ char **have = NULL;
                for (size_t di = 0; di < c->f->n_disks; di++)
                        if (plan_disk_is_tunable(&c->f->disks[di]))
                                strv_consume(&have, xasprintf("%s (%s)", c->f->disks[di].name,
                                                              transport_to_string(c->f->disks[di].transport)));
                _cleanup_free_ char *hl = have ? strv_join(have, ", ") : xstrdup("none");
                plan_item_set_note(it, "no disk here matches devices=%s; the disks here: %s",
                                   u->devices ? u->devices : "*", hl);
        }
}
