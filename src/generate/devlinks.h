/* SPDX-License-Identifier: MIT */
/*
 * The udev links of the machine (dev/disk/by-{uuid,partuuid,label,id,path}),
 * read through the sysroot: which stable names exist here and which kernel
 * device each points to. generate uses by-id for disks; check-config checks
 * every /dev/disk/... reference against them.
 */
#pragma once

#include <stddef.h>

#include "sysroot.h"

enum devlink_kind {
        DEVLINK_UUID,
        DEVLINK_PARTUUID,
        DEVLINK_LABEL,
        DEVLINK_ID,
        DEVLINK_PATH,
        _DEVLINK_KIND_MAX,
};
/* "by-uuid" ... */
const char *devlink_kind_dir(enum devlink_kind k);

struct devlink {
        enum devlink_kind kind;
        char *name;       /* link name, udev \xHH escapes decoded */
        char *raw_name;   /* as in the directory */
        char *target;     /* kernel name it points to ("sda4"), NULL if unreadable */
};

struct devlinks {
        struct devlink *links;
        size_t n;
};

/* Missing directories are no links (a sysroot without udev). Fails only on
 * allocation. */
int devlinks_collect(struct sysroot *sr, struct devlinks **ret);
struct devlinks *devlinks_free(struct devlinks *l);
static inline void devlinks_freep(struct devlinks **l) {
        if (*l)
                devlinks_free(*l);
}

/* Exact lookup of a link by kind and (decoded) name; UUID and PARTUUID
 * compare case-insensitively (blkid prints lower case, users write both). */
const struct devlink *devlinks_find(const struct devlinks *l, enum devlink_kind k, const char *name);
/* The preferred by-id name of a kernel device, NULL if none: ata-, nvme-,
 * scsi-, virtio-, usb- before wwn- and eui. names (those say less to a
 * reader), never a "-partN" link for a disk. */
const char *devlinks_best_id(const struct devlinks *l, const char *devname);

/* Decodes udev's "\xHH" escapes (by-label/My\x20Disk). Caller frees. */
char *devlink_unescape(const char *s);
