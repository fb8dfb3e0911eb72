/* SPDX-License-Identifier: MIT */
#include "checkconfig/resolve.h"

#include <stdio.h>
#include <strings.h>

#include "util.h"

static bool real_disk(const struct disk_facts *d) {
        switch (d->transport) {
        case TRANSPORT_LOOP:
        case TRANSPORT_ZRAM:
        case TRANSPORT_DM:
        case TRANSPORT_MD:
                return false;
        default:
                return d->size_bytes > 0;
        }
}

static const char *find_dev(const struct facts *f, const char *name) {
        for (size_t i = 0; i < f->n_disks; i++) {
                const struct disk_facts *d = &f->disks[i];
                if (streq(d->name, name))
                        return d->name;
                for (size_t j = 0; j < d->n_partitions; j++)
                        if (streq(d->partitions[j].name, name))
                                return d->partitions[j].name;
        }
        return NULL;
}

/* Identifier lookup in facts: which device has this UUID/PARTUUID/label. */
static const char *find_id(const struct facts *f, enum devlink_kind k, const char *v) {
        for (size_t i = 0; i < f->n_disks; i++) {
                const struct disk_facts *d = &f->disks[i];
                if (k == DEVLINK_UUID && d->uuid && strcasecmp(d->uuid, v) == 0)
                        return d->name;
                for (size_t j = 0; j < d->n_partitions; j++) {
                        const struct partition_facts *p = &d->partitions[j];
                        const char *id = k == DEVLINK_UUID ? p->uuid : k == DEVLINK_PARTUUID ? p->partuuid
                                       : k == DEVLINK_LABEL ? p->label : NULL;
                        bool eq = id && (k == DEVLINK_LABEL ? streq(id, v) : strcasecmp(id, v) == 0);
                        if (eq)
                                return p->name;
                }
        }
        for (size_t i = 0; k == DEVLINK_UUID && i < f->n_fs; i++)
                if (f->fs[i].uuid && strcasecmp(f->fs[i].uuid, v) == 0 && f->fs[i].source) {
                        const char *b = strrchr(f->fs[i].source, '/');
                        return b ? b + 1 : f->fs[i].source;
                }
        return NULL;
}

static enum devlink_kind link_kind(enum cc_kind k) {
        switch (k) {
        case CC_BY_UUID:
        case CC_TAG_UUID:
                return DEVLINK_UUID;
        case CC_BY_PARTUUID:
        case CC_TAG_PARTUUID:
                return DEVLINK_PARTUUID;
        case CC_BY_LABEL:
        case CC_TAG_LABEL:
                return DEVLINK_LABEL;
        case CC_BY_ID:
                return DEVLINK_ID;
        case CC_BY_PATH:
                return DEVLINK_PATH;
        default:
                return _DEVLINK_KIND_MAX;
        }
}

/* "the disk here is /dev/sda (virtio-scsi, 200.00 GiB)" */
static char *disks_sentence(const struct facts *f, const struct disk_facts **ret_only) {
        char *s = NULL;
        size_t n = 0;
        *ret_only = NULL;
        for (size_t i = 0; i < f->n_disks; i++) {
                const struct disk_facts *d = &f->disks[i];
                char b[32], *t;
                if (!real_disk(d))
                        continue;
                t = xasprintf("%s%s/dev/%s (%s, %s)", s ? s : "", s ? ", " : "", d->name,
                              transport_to_string(d->transport), format_bytes(b, d->size_bytes));
                free(s);
                s = t;
                *ret_only = n++ == 0 ? d : NULL;
        }
        if (n == 0)
                return xstrdup("no disk was detected here");
        {
                char *t = xasprintf("%s %s", n == 1 ? "the disk here is" : "the disks here are", s);
                free(s);
                return t;
        }
}

/* Trailing partition number of a kernel name: sda4 → 4, nvme0n1p2 → 2,
 * nvme0n1 → 0 (a disk). */
static unsigned partno_of(const char *name) {
        const char *p = name + strlen(name);
        unsigned n = 0;
        bool nvme_like = startswith(name, "nvme") || startswith(name, "mmcblk");
        while (p > name && p[-1] >= '0' && p[-1] <= '9')
                p--;
        if (!*p || (nvme_like && (p == name || p[-1] != 'p')))
                return 0;
        if (safe_atou(p, &n) < 0)
                return 0;
        return n;
}

static char *stable_path(const struct partition_facts *p) {
        if (p->uuid)
                return xasprintf("/dev/disk/by-uuid/%s", p->uuid);
        if (p->partuuid)
                return xasprintf("/dev/disk/by-partuuid/%s", p->partuuid);
        return NULL;
}

static char *describe_part(const struct facts *f, const struct partition_facts *p) {
        const char *mp = NULL;
        char b[32];
        for (size_t i = 0; i < f->n_fs; i++) {
                const char *src = f->fs[i].source, *base = src ? strrchr(src, '/') : NULL;
                if (base && streq(base + 1, p->name) && f->fs[i].mountpoint) {
                        mp = f->fs[i].mountpoint;
                        break;
                }
        }
        if (mp)
                return xasprintf("%s, mounted on %s", p->fstype ? p->fstype : "unknown type", mp);
        return xasprintf("%s, %s, not mounted", p->fstype ? p->fstype : "no filesystem known",
                         format_bytes(b, p->size_bytes));
}

void cc_resolve(const struct facts *f, const struct devlinks *links, const struct cc_ref *ref,
                struct cc_verdict *ret) {
        struct cc_verdict v = {};
        const struct disk_facts *only = NULL;
        _cleanup_free_ char *disks = NULL, *hint = NULL;
        enum devlink_kind lk = link_kind(ref->kind);
        const char *t = NULL;

        if (ref->kind == CC_DEVNAME)
                t = find_dev(f, ref->name);
        else if (lk != _DEVLINK_KIND_MAX && !ref->placeholder) {
                const struct devlink *l = devlinks_find(links, lk, ref->name);
                t = l ? (l->target ? l->target : ref->name) : find_id(f, lk, ref->name);
        }
        if (t) {
                v.exists = true;
                v.target = xstrdup(t);
                *ret = v;
                return;
        }

        disks = disks_sentence(f, &only);
        /* The partition that holds the mount point the line is about. */
        if (ref->mountpoint) {
                const struct fs_facts *m = facts_find_mount(f, ref->mountpoint);
                const struct partition_facts *p = NULL;
                if (m && facts_disk_of_source(f, m->source, &p) && p) {
                        v.suggestion = stable_path(p);
                        hint = xasprintf("; partition %u (/dev/%s) holds %s (%s)%s%s", p->partno, p->name,
                                         ref->mountpoint, strna(m->fstype), v.suggestion ? ": use " : "",
                                         strempty(v.suggestion));
                } else if (m)
                        hint = xasprintf("; %s is %s from %s here", ref->mountpoint, strna(m->fstype), strna(m->source));
                else
                        hint = xasprintf("; nothing is mounted on %s here", ref->mountpoint);
        }
        /* Else the same partition number on the (only) real disk. */
        if (!hint && ref->kind == CC_DEVNAME && only) {
                unsigned n = partno_of(ref->name);
                for (size_t j = 0; n > 0 && j < only->n_partitions; j++)
                        if (only->partitions[j].partno == n) {
                                _cleanup_free_ char *what = describe_part(f, &only->partitions[j]);
                                v.suggestion = stable_path(&only->partitions[j]);
                                hint = xasprintf("; partition %u here is /dev/%s (%s)", n, only->partitions[j].name, what);
                        }
                if (!hint && n == 0) {
                        const char *id = devlinks_best_id(links, only->name);
                        v.suggestion = id ? xasprintf("/dev/disk/by-id/%s", id) : xasprintf("/dev/%s", only->name);
                        hint = xasprintf("; for the whole disk use %s", v.suggestion);
                }
        }
        v.message = xasprintf("%s %s%s; %s%s", ref->text,
                              ref->placeholder ? "is a placeholder, not a device" : "does not exist",
                              ref->kind == CC_PLACEHOLDER || ref->placeholder ? "" : " here", disks, strempty(hint));
        *ret = v;
}

void cc_verdict_done(struct cc_verdict *v) {
        free(v->target);
        free(v->message);
        free(v->suggestion);
        *v = (struct cc_verdict) {};
}
