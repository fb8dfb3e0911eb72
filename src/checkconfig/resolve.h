/* SPDX-License-Identifier: MIT */
/*
 * check-config's judge: does a reference name something that exists on
 * this machine (facts: disks, partitions, filesystem UUIDs and labels; the
 * sysroot's dev/disk/by-* links)? If not, what is the closest real thing:
 * the partition that holds the mount point the line is about, else the
 * same partition number on the real disk, and always the disk(s) here.
 */
#pragma once

#include <stdbool.h>

#include "checkconfig/finder.h"
#include "facts/facts.h"
#include "generate/devlinks.h"

struct cc_verdict {
        bool exists;
        char *target;       /* kernel name it resolves to ("sda4"), NULL if missing/unknown */
        char *message;      /* missing: "/dev/nvme0n1p1 does not exist; the disk here is ..." */
        char *suggestion;   /* a stable replacement ("/dev/disk/by-uuid/..."), NULL if none */
};

void cc_resolve(const struct facts *f, const struct devlinks *links, const struct cc_ref *ref,
                struct cc_verdict *ret);
void cc_verdict_done(struct cc_verdict *v);
