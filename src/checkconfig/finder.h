/* SPDX-License-Identifier: MIT */
/*
 * check-config's finder: configuration text in, device references out.
 * Pure (no I/O), so it is table-tested and fuzzed (fuzz-checkconfig.c).
 *
 * Recognised, anywhere in the text (configuration.nix, hardware-
 * configuration.nix, disko files, fstab, crypttab):
 *   /dev/sdX[N] /dev/vdX[N] /dev/xvdX[N] /dev/hdX[N] /dev/nvmeXnY[pZ]
 *   /dev/mmcblkX[pY], /dev/disk/by-{uuid,partuuid,label,id,path}/NAME,
 *   UUID=V, PARTUUID=V, LABEL=V, and placeholders: upper-case tokens with
 *   UUID or DISK and a '_' or '-' (SYSTEM_DISK_UUID, YOUR-UUID), runs of X
 *   (XXXX-XXXX), and <uuid>, <disk>, <your-device> style tokens.
 * References inside comments count too: a commented-out line naming a
 * stale device is reported, because it is what someone uncomments next.
 *
 * Each reference carries the mount point it is about when the text says:
 * the second field of an fstab line, or the enclosing Nix attribute
 * fileSystems."/boot" (or any "/path" = { ... } block).
 */
#pragma once

#include <stddef.h>

/* Text larger than this is refused by the caller (one config file). */
#define CC_TEXT_MAX (16u * 1024u * 1024u)
/* References kept per file: more than this is not a configuration. */
#define CC_REFS_MAX 100000u

enum cc_kind {
        CC_DEVNAME,      /* /dev/sda4 */
        CC_BY_UUID,      /* /dev/disk/by-uuid/U */
        CC_BY_PARTUUID,
        CC_BY_LABEL,
        CC_BY_ID,
        CC_BY_PATH,
        CC_TAG_UUID,     /* UUID=U */
        CC_TAG_PARTUUID,
        CC_TAG_LABEL,
        CC_PLACEHOLDER,  /* SYSTEM_DISK_UUID on its own */
        _CC_KIND_MAX,
};
/* "devname", "by-uuid", ..., "UUID=", "placeholder" */
const char *cc_kind_to_string(enum cc_kind k);

struct cc_ref {
        unsigned line, column;    /* 1-based; column in bytes */
        enum cc_kind kind;
        char *text;               /* as written: "/dev/disk/by-uuid/SYSTEM_DISK_UUID" */
        char *name;               /* the identifier: "SYSTEM_DISK_UUID", "nvme0n1p1" */
        char *mountpoint;         /* context, NULL if none */
        int placeholder;          /* name is a placeholder, not an identifier */
};

/* Never fails for odd input (binary, unbalanced braces); allocation
 * failure aborts (xmalloc). *ret is NULL when none found. */
int cc_find_refs(const char *text, size_t len, struct cc_ref **ret, size_t *ret_n);
void cc_refs_free(struct cc_ref *refs, size_t n);

/* Exposed for tests: is this token a placeholder? */
int cc_is_placeholder(const char *token);
