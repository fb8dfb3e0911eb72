/* SPDX-License-Identifier: MIT */
#include "generate/devlinks.h"

#include <ctype.h>
#include <errno.h>
#include <strings.h>

#include "util.h"

/* A directory of links larger than this is not a disk layout. */
#define DEVLINKS_MAX 4096u

static const char *const kind_dirs[_DEVLINK_KIND_MAX] = {
        [DEVLINK_UUID] = "by-uuid",
        [DEVLINK_PARTUUID] = "by-partuuid",
        [DEVLINK_LABEL] = "by-label",
        [DEVLINK_ID] = "by-id",
        [DEVLINK_PATH] = "by-path",
};

const char *devlink_kind_dir(enum devlink_kind k) {
        return k < _DEVLINK_KIND_MAX ? kind_dirs[k] : NULL;
}

static int hexval(int c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        c = tolower(c);
        return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

char *devlink_unescape(const char *s) {
        char *out = xmalloc(strlen(s) + 1), *o = out;
        while (*s) {
                int h, l;
                if (s[0] == '\\' && s[1] == 'x' && (h = hexval((unsigned char) s[2])) >= 0 &&
                    (l = hexval((unsigned char) s[3])) >= 0) {
                        *o++ = (char) (h * 16 + l);
                        s += 4;
                } else
                        *o++ = *s++;
        }
        *o = '\0';
        return out;
}

int devlinks_collect(struct sysroot *sr, struct devlinks **ret) {
        struct devlinks *l = xcalloc(1, sizeof(*l));

        for (enum devlink_kind k = 0; k < _DEVLINK_KIND_MAX; k++) {
                _cleanup_free_ char *dir = xasprintf("disk/%s", kind_dirs[k]);
                _cleanup_strv_ char **names = NULL;

                if (sysroot_list_dir(sr, SR_DEV, dir, &names) < 0)
                        continue; /* no udev here: no links of this kind */
                for (char **n = names; *n && l->n < DEVLINKS_MAX; n++) {
                        _cleanup_free_ char *rel = xasprintf("%s/%s", dir, *n), *target = NULL;
                        struct devlink *d = array_grow(&l->links, &l->n, sizeof(*l->links));
                        const char *base;

                        d->kind = k;
                        d->raw_name = xstrdup(*n);
                        d->name = devlink_unescape(*n);
                        if (sysroot_readlink(sr, SR_DEV, rel, &target) >= 0) {
                                base = strrchr(target, '/');
                                d->target = xstrdup(base ? base + 1 : target);
                        }
                }
        }
        *ret = l;
        return 0;
}

struct devlinks *devlinks_free(struct devlinks *l) {
        if (!l)
                return NULL;
        for (size_t i = 0; i < l->n; i++) {
                free(l->links[i].name);
                free(l->links[i].raw_name);
                free(l->links[i].target);
        }
        free(l->links);
        free(l);
        return NULL;
}

const struct devlink *devlinks_find(const struct devlinks *l, enum devlink_kind k, const char *name) {
        bool fold = k == DEVLINK_UUID || k == DEVLINK_PARTUUID;
        if (!l)
                return NULL;
        for (size_t i = 0; i < l->n; i++) {
                const struct devlink *d = &l->links[i];
                if (d->kind != k)
                        continue;
                if (fold ? strcasecmp(d->name, name) == 0 : (streq(d->name, name) || streq(d->raw_name, name)))
                        return d;
        }
        return NULL;
}

static int id_rank(const char *name) {
        static const char *const order[] = { "ata-", "nvme-", "scsi-", "virtio-", "usb-", "mmc-", "xen-" };
        for (size_t i = 0; i < ELEMENTSOF(order); i++)
                if (startswith(name, order[i]) && !startswith(name, "nvme-eui.") && !startswith(name, "nvme-nvme."))
                        return (int) i;
        return (int) ELEMENTSOF(order);
}

const char *devlinks_best_id(const struct devlinks *l, const char *devname) {
        const char *best = NULL;
        int best_rank = 1 << 30;
        if (!l || !devname)
                return NULL;
        for (size_t i = 0; i < l->n; i++) {
                const struct devlink *d = &l->links[i];
                int rank;
                if (d->kind != DEVLINK_ID || !d->target || !streq(d->target, devname))
                        continue;
                rank = id_rank(d->raw_name);
                /* Links are sorted: the first of a rank wins, reproducibly. */
                if (rank < best_rank) {
                        best = d->raw_name;
                        best_rank = rank;
                }
        }
        return best;
}
