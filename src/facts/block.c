/* SPDX-License-Identifier: MIT */
/*
 * Block devices: one disk_facts per entry of sys/block, with its queue
 * attributes, transport, partitions and filesystem identifiers.
 *
 * Identifiers come from three places, best first, each filling only what is
 * still unknown:
 *   1. libblkid probes of the device nodes (live machine only, needs read
 *      access to the nodes, i.e. usually root);
 *   2. the udev symlinks dev/disk/by-{uuid,partuuid,label} (also in a
 *      captured sysroot);
 *   3. the udev database run/udev/data/b<maj>:<min> (works live without root
 *      and in sysroots that captured it).
 * A filesystem type that none of them gives is filled later from mountinfo
 * by the mounts collector.
 */
#include "facts/facts.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>

#include <blkid.h>

#include "log.h"
#include "util.h"

/* A scheduler or compression algorithm name as the kernel prints it. */
#define SCHED_NAME_MAX 64
/* "none mq-deadline kyber bfq" has 4; zram's comp_algorithm a dozen. */
#define SCHED_LIST_MAX 64

static bool valid_sched_name(const char *s, size_t n) {
        if (n == 0 || n > SCHED_NAME_MAX)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!isalnum((unsigned char) s[i]) && !strchr("-_.+", s[i]))
                        return false;
        return true;
}

int facts_parse_scheduler(const char *text, char **ret_active, char ***ret_list) {
        _cleanup_strv_ char **list = xcalloc(1, sizeof(char *));
        _cleanup_free_ char *active = NULL;
        size_t n = 0;
        const char *p = text;

        if (!text)
                return -EINVAL;
        for (;;) {
                const char *w;
                size_t l;
                bool bracketed = false;

                p += strspn(p, " \t\n");
                if (!*p)
                        break;
                w = p;
                l = strcspn(p, " \t\n");
                p += l;
                if (w[0] == '[') {
                        /* "[mq-deadline]": exactly one, brackets around a name. */
                        if (l < 3 || w[l - 1] != ']' || active)
                                return -EINVAL;
                        w++;
                        l -= 2;
                        bracketed = true;
                }
                if (!valid_sched_name(w, l))
                        return -EINVAL;
                if (++n > SCHED_LIST_MAX)
                        return -EINVAL;
                strv_consume(&list, xstrndup(w, l));
                if (bracketed)
                        active = xstrndup(w, l);
        }
        if (n == 0)
                return -EINVAL;
        /* The kernel prints a lone "none" without brackets when a device
         * offers no choice: a single unbracketed entry is the active one. */
        if (!active && n == 1)
                active = xstrdup(list[0]);

        if (ret_active)
                *ret_active = TAKE_PTR(active);
        if (ret_list)
                *ret_list = TAKE_PTR(list);
        return 0;
}

/* ---- transport ----
 *
 * Decided from the kernel name and the canonical sysfs path, first match
 * wins. The order is the reasoning: virtual devices are known by name;
 * Xen and NVMe by their own buses; virtio-scsi before virtio-blk (both sit
 * below a virtioN node, only SCSI adds a hostH/target level); USB before
 * SATA and SCSI (USB storage is SCSI below a usbN node, and some bridges
 * show ata); plain SCSI (Hyper-V storvsc, LSI, PVSCSI) last. The driver
 * link is a fallback for sysroots whose device paths were flattened. */
struct transport_rule {
        const char *name_prefix; /* kernel name starts with this, or */
        const char *path_has;    /* canonical path contains this */
        const char *path_also;   /* ...and this too (NULL: no second condition) */
        enum transport transport;
};

static const struct transport_rule transport_rules[] = {
        { "zram", NULL, NULL, TRANSPORT_ZRAM },
        { "loop", NULL, NULL, TRANSPORT_LOOP },
        { "dm-", NULL, NULL, TRANSPORT_DM },
        { "md", NULL, NULL, TRANSPORT_MD },
        { "xvd", NULL, NULL, TRANSPORT_XEN },
        { NULL, "/xen", NULL, TRANSPORT_XEN },
        { NULL, "vbd-", NULL, TRANSPORT_XEN },
        { "nvme", NULL, NULL, TRANSPORT_NVME },
        { NULL, "/nvme/", NULL, TRANSPORT_NVME },
        { NULL, "/virtio", "/host", TRANSPORT_VIRTIO_SCSI },
        { NULL, "/virtio", "/block/", TRANSPORT_VIRTIO_BLK },
        { NULL, "/usb", NULL, TRANSPORT_USB },
        { NULL, "/ata", NULL, TRANSPORT_SATA },
        { "mmcblk", NULL, NULL, TRANSPORT_MMC },
        { NULL, "/mmc_host/", NULL, TRANSPORT_MMC },
        { NULL, "/host", "/target", TRANSPORT_SCSI },
};

static enum transport transport_of(const char *name, const char *devpath, const char *driver) {
        for (size_t i = 0; i < ELEMENTSOF(transport_rules); i++) {
                const struct transport_rule *r = &transport_rules[i];
                if (r->name_prefix) {
                        if (!startswith(name, r->name_prefix))
                                continue;
                } else if (!devpath || !strstr(devpath, r->path_has) ||
                           (r->path_also && !strstr(devpath, r->path_also)))
                        continue;
                log_debug_topic("block", "%s: %s (rule %zu, path %s)", name,
                                transport_to_string(r->transport), i, strna(devpath));
                return r->transport;
        }
        if (driver && streq(driver, "virtio_blk"))
                return TRANSPORT_VIRTIO_BLK;
        if (driver && streq(driver, "sd"))
                return TRANSPORT_SCSI;
        return TRANSPORT_UNKNOWN;
}

/* ---- attribute readers: missing = unknown, garbage = unknown + warning ---- */

static int read_u64_attr(struct sysroot *sr, struct facts *f, const char *rel, uint64_t *ret) {
        int r = sysroot_read_u64(sr, SR_SYS, rel, ret);
        if (r == -EINVAL || r == -ERANGE) {
                _cleanup_free_ char *p = sysroot_display_path(SR_SYS, rel);
                facts_warn(f, "%s: not a number", p);
        }
        return r;
}

static void read_int_attr(struct sysroot *sr, struct facts *f, const char *rel, int64_t max, int *ret) {
        uint64_t v;

        if (read_u64_attr(sr, f, rel, &v) < 0)
                return;
        if (v > (uint64_t) max) {
                _cleanup_free_ char *p = sysroot_display_path(SR_SYS, rel);
                facts_warn(f, "%s: %" PRIu64 " out of range", p, v);
                return;
        }
        *ret = (int) v;
}

/* Sector counts (always 512-byte units in sysfs, whatever the logical
 * block size) to bytes, refusing values that would overflow. */
static int read_sectors_attr(struct sysroot *sr, struct facts *f, const char *rel, uint64_t *ret) {
        uint64_t v;
        int r = read_u64_attr(sr, f, rel, &v);

        if (r < 0)
                return r;
        if (v > UINT64_MAX / 512) {
                _cleanup_free_ char *p = sysroot_display_path(SR_SYS, rel);
                facts_warn(f, "%s: %" PRIu64 " sectors out of range", p, v);
                return -ERANGE;
        }
        *ret = v * 512;
        return 0;
}

/* Vendor/model strings are space-padded by SCSI; empty means unknown. */
static char *read_string_attr(struct sysroot *sr, const char *rel) {
        char *s = NULL;

        if (sysroot_read_line(sr, SR_SYS, rel, &s) < 0)
                return NULL;
        if (!*s) {
                free(s);
                return NULL;
        }
        return s;
}

static void collect_scheduler(struct sysroot *sr, struct facts *f, struct disk_facts *d) {
        _cleanup_free_ char *rel = xasprintf("block/%s/queue/scheduler", d->name);
        _cleanup_free_ char *line = NULL;
        int r;

        if (sysroot_read_line(sr, SR_SYS, rel, &line) < 0)
                return;
        r = facts_parse_scheduler(line, &d->scheduler, &d->schedulers);
        if (r < 0) {
                _cleanup_free_ char *p = sysroot_display_path(SR_SYS, rel);
                facts_warn(f, "%s: cannot parse '%s'", p, line);
        }
}

static void collect_queue(struct sysroot *sr, struct facts *f, struct disk_facts *d) {
        _cleanup_free_ char *q = xasprintf("block/%s/queue", d->name);
        _cleanup_free_ char *rot = xasprintf("%s/rotational", q);
        _cleanup_free_ char *ra = xasprintf("%s/read_ahead_kb", q);
        _cleanup_free_ char *nm = xasprintf("%s/nomerges", q);
        _cleanup_free_ char *lbs = xasprintf("%s/logical_block_size", q);
        _cleanup_free_ char *pbs = xasprintf("%s/physical_block_size", q);
        uint64_t v;

        read_int_attr(sr, f, rot, 1, &d->rotational);
        read_int_attr(sr, f, nm, 2, &d->nomerges);
        if (read_u64_attr(sr, f, ra, &v) >= 0 && v <= INT64_MAX)
                d->read_ahead_kb = (int64_t) v;
        (void) read_u64_attr(sr, f, lbs, &d->logical_block_size);
        (void) read_u64_attr(sr, f, pbs, &d->physical_block_size);
        collect_scheduler(sr, f, d);
}

static void collect_partitions(struct sysroot *sr, struct facts *f, struct disk_facts *d) {
        _cleanup_free_ char *dir = xasprintf("block/%s", d->name);
        _cleanup_strv_ char **entries = NULL;

        if (sysroot_list_dir(sr, SR_SYS, dir, &entries) < 0)
                return;
        for (char **e = entries; *e; e++) {
                _cleanup_free_ char *partf = xasprintf("%s/%s/partition", dir, *e);
                _cleanup_free_ char *startf = NULL, *sizef = NULL;
                struct partition_facts *p;
                uint64_t no;
                int r;

                /* Partitions are the subdirectories that have a "partition"
                 * attribute; the rest (queue, mq, holders...) are not. The
                 * kernel names them after the disk (sda1, nvme0n1p1), so
                 * other entries need no look-up. */
                if (!startswith(*e, d->name))
                        continue;
                /* One open: missing is "no partition", anything else (a
                 * number, garbage, unreadable) is one. */
                r = sysroot_read_u64(sr, SR_SYS, partf, &no);
                if (r == -ENOENT || r == -ENOTDIR)
                        continue;
                if (r == -EINVAL || r == -ERANGE) {
                        _cleanup_free_ char *pp = sysroot_display_path(SR_SYS, partf);
                        facts_warn(f, "%s: not a number", pp);
                }
                p = array_grow(&d->partitions, &d->n_partitions, sizeof *p);
                p->name = xstrdup(*e);
                if (r >= 0 && no <= UINT_MAX)
                        p->partno = (unsigned) no;
                startf = xasprintf("%s/%s/start", dir, *e);
                sizef = xasprintf("%s/%s/size", dir, *e);
                (void) read_sectors_attr(sr, f, startf, &p->start_bytes);
                (void) read_sectors_attr(sr, f, sizef, &p->size_bytes);
        }
}

/* Vendor and model only. Not the serial: nothing needs it, and reading
 * virtio-blk's serial is a request to the host (VIRTIO_BLK_T_GET_ID),
 * 150 us measured here, more than the rest of a disk's attributes together. */
static void collect_ids(struct sysroot *sr, struct disk_facts *d) {
        _cleanup_free_ char *vendor = xasprintf("block/%s/device/vendor", d->name);
        _cleanup_free_ char *model = xasprintf("block/%s/device/model", d->name);

        d->vendor = read_string_attr(sr, vendor);
        d->model = read_string_attr(sr, model);
        /* virtio's device/vendor is the PCI vendor ID ("0x1af4"), not a name. */
        if (d->vendor && startswith(d->vendor, "0x") &&
            (d->transport == TRANSPORT_VIRTIO_BLK || d->transport == TRANSPORT_VIRTIO_SCSI)) {
                free(d->vendor);
                d->vendor = NULL;
        }
}

static char *driver_of(struct sysroot *sr, const char *name) {
        _cleanup_free_ char *rel = xasprintf("block/%s/device/driver", name);
        _cleanup_free_ char *target = NULL;
        const char *b;

        if (sysroot_readlink(sr, SR_SYS, rel, &target) < 0)
                return NULL;
        b = strrchr(target, '/');
        return xstrdup(b ? b + 1 : target);
}

/* ---- filesystem identifiers ---- */

static void set_if_unknown(char **field, const char *value) {
        if (!*field && value && *value)
                *field = xstrdup(value);
}

enum id_kind { ID_FSTYPE, ID_UUID, ID_PARTUUID, ID_LABEL, ID_PARTTYPE, ID_PTTYPE };

static void set_id(struct disk_facts *d, struct partition_facts *p, enum id_kind k, const char *value) {
        switch (k) {
        case ID_FSTYPE:
                set_if_unknown(p ? &p->fstype : &d->fstype, value);
                break;
        case ID_UUID:
                set_if_unknown(p ? &p->uuid : &d->uuid, value);
                break;
        case ID_PARTUUID:
                if (p)
                        set_if_unknown(&p->partuuid, value);
                break;
        case ID_LABEL:
                if (p) /* disk_facts has no label: a whole-disk label is rare */
                        set_if_unknown(&p->label, value);
                break;
        case ID_PARTTYPE:
                if (p)
                        set_if_unknown(&p->parttype, value);
                break;
        case ID_PTTYPE:
                if (!p)
                        set_if_unknown(&d->pttype, value);
                break;
        }
}

/* Opening a loop device without a backing file, a zram device (probing
 * would read its pages back through the compressor) or an empty device
 * (no media) is pointless or slow. */
static bool worth_probing(struct sysroot *sr, const struct disk_facts *d, uint64_t size) {
        if (size == 0 || d->transport == TRANSPORT_ZRAM)
                return false;
        if (d->transport == TRANSPORT_LOOP) {
                _cleanup_free_ char *rel = xasprintf("block/%s/loop/backing_file", d->name);
                return sysroot_exists(sr, SR_SYS, rel);
        }
        return true;
}

/* libblkid's names for what we keep (also the keys of the live record) */
static const struct {
        const char *key;
        enum id_kind kind;
} blkid_keys[] = {
        { "TYPE", ID_FSTYPE },
        { "UUID", ID_UUID },
        { "LABEL", ID_LABEL },
        { "PTTYPE", ID_PTTYPE },
        { "PART_ENTRY_UUID", ID_PARTUUID },
        { "PART_ENTRY_TYPE", ID_PARTTYPE },
};

static void blkid_probe_one(struct disk_facts *d, struct partition_facts *p) {
        _cleanup_free_ char *node = sysroot_display_path(SR_DEV, p ? p->name : d->name);
        blkid_probe pr;
        int r;

        /* Opens O_RDONLY|O_NONBLOCK: read-only, and a drive without media
         * fails at once instead of waiting. Fails for non-root: unknown. */
        pr = blkid_new_probe_from_filename(node);
        if (!pr) {
                log_debug_topic("block", "blkid: cannot open %s: %s", node, strerror(errno));
                return;
        }
        blkid_probe_enable_superblocks(pr, 1);
        blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_UUID | BLKID_SUBLKS_LABEL);
        blkid_probe_enable_partitions(pr, 1);
        blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
        r = blkid_do_safeprobe(pr);
        /* 0 found, 1 nothing, -2 ambiguous (several signatures): only a
         * clean result is trusted. */
        if (r == 0)
                for (size_t i = 0; i < ELEMENTSOF(blkid_keys); i++) {
                        const char *v = NULL;
                        if (blkid_probe_lookup_value(pr, blkid_keys[i].key, &v, NULL) == 0)
                                set_id(d, p, blkid_keys[i].kind, v);
                }
        log_debug_topic("block", "blkid: %s: probe %d", node, r);
        blkid_free_probe(pr);
}

/* A probe reads up to a megabyte of the device: only where udev's
 * database and the by-* links left the filesystem unknown. */
static void collect_blkid(struct sysroot *sr, struct facts *f) {
        for (size_t i = 0; i < f->n_disks; i++) {
                struct disk_facts *d = &f->disks[i];
                if ((!d->fstype || !d->pttype) && worth_probing(sr, d, d->size_bytes))
                        blkid_probe_one(d, NULL);
                for (size_t j = 0; j < d->n_partitions; j++)
                        if ((!d->partitions[j].fstype || !d->partitions[j].uuid) &&
                            worth_probing(sr, d, d->partitions[j].size_bytes))
                                blkid_probe_one(d, &d->partitions[j]);
        }
}

/* A capture's live record holds what blkid found on the live machine
 * ("blkid.<dev>.<KEY>=<value>", live-record.c): the sysroot's stand-in for
 * the probes. */
static void collect_recorded_ids(struct sysroot *sr, struct facts *f) {
        _cleanup_strv_ char **rec = NULL;

        if (facts_live_record_load(sr, &rec) < 0)
                return;
        for (char **l = rec; *l; l++) {
                const char *s = startswith(*l, "blkid."), *dot, *eq;
                _cleanup_free_ char *dev = NULL, *key = NULL;
                struct partition_facts *p = NULL;
                struct disk_facts *d;

                if (!s || !(eq = strchr(s, '=')) || !(dot = memrchr(s, '.', eq - s)) || dot == s)
                        continue;
                dev = xstrndup(s, dot - s);
                key = xstrndup(dot + 1, eq - dot - 1);
                d = facts_find_dev(f, dev, &p);
                if (!d || !eq[1])
                        continue;
                for (size_t i = 0; i < ELEMENTSOF(blkid_keys); i++)
                        if (streq(key, blkid_keys[i].key))
                                set_id(d, p, blkid_keys[i].kind, eq + 1);
        }
}

/* udev escapes unsafe characters in link names as "\xHH" (by-label/My\x20Disk). */
static char *udev_unescape(const char *s) {
        char *out = xmalloc(strlen(s) + 1), *o = out;

        while (*s) {
                if (s[0] == '\\' && s[1] == 'x' && isxdigit((unsigned char) s[2]) && isxdigit((unsigned char) s[3])) {
                        char hex[3] = { s[2], s[3], 0 };
                        unsigned char c = (unsigned char) strtoul(hex, NULL, 16);
                        if (c != 0) {
                                *o++ = (char) c;
                                s += 4;
                                continue;
                        }
                }
                *o++ = *s++;
        }
        *o = '\0';
        return out;
}

static void collect_by_links(struct sysroot *sr, struct facts *f) {
        static const struct {
                const char *dir;
                enum id_kind kind;
        } dirs[] = {
                { "disk/by-uuid", ID_UUID },
                { "disk/by-partuuid", ID_PARTUUID },
                { "disk/by-label", ID_LABEL },
        };

        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                _cleanup_strv_ char **links = NULL;

                if (sysroot_list_dir(sr, SR_DEV, dirs[i].dir, &links) < 0)
                        continue;
                for (char **l = links; *l; l++) {
                        _cleanup_free_ char *rel = xasprintf("%s/%s", dirs[i].dir, *l);
                        _cleanup_free_ char *target = NULL, *value = NULL;
                        struct partition_facts *p;
                        struct disk_facts *d;
                        const char *b;

                        /* "../../sda4" (or an absolute path): its last
                         * component is the kernel name. */
                        if (sysroot_readlink(sr, SR_DEV, rel, &target) < 0)
                                continue;
                        b = strrchr(target, '/');
                        b = b ? b + 1 : target;
                        d = facts_find_dev(f, b, &p);
                        if (!d)
                                continue;
                        value = udev_unescape(*l);
                        set_id(d, p, dirs[i].kind, value);
                }
        }
}

static void collect_udev_db_one(struct sysroot *sr, struct disk_facts *d, struct partition_facts *p) {
        static const struct {
                const char *key;
                enum id_kind kind;
        } keys[] = {
                { "E:ID_FS_TYPE=", ID_FSTYPE },
                { "E:ID_FS_UUID=", ID_UUID },
                { "E:ID_FS_LABEL_ENC=", ID_LABEL }, /* "\x20"-escaped, unlike ID_FS_LABEL */
                { "E:ID_PART_ENTRY_UUID=", ID_PARTUUID },
                { "E:ID_PART_ENTRY_TYPE=", ID_PARTTYPE },
                { "E:ID_PART_TABLE_TYPE=", ID_PTTYPE },
        };
        _cleanup_free_ char *devf = p ? xasprintf("block/%s/%s/dev", d->name, p->name)
                                      : xasprintf("block/%s/dev", d->name);
        _cleanup_free_ char *majmin = NULL, *rel = NULL, *text = NULL;

        if (sysroot_read_line(sr, SR_SYS, devf, &majmin) < 0 || !*majmin || strchr(majmin, '/'))
                return;
        rel = xasprintf("udev/data/b%s", majmin);
        if (sysroot_read_file(sr, SR_RUN, rel, 256 * 1024, &text, NULL, NULL) < 0)
                return;
        for (char *line = text, *next; line && *line; line = next) {
                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
                        const char *v = startswith(line, keys[i].key);
                        if (v) {
                                _cleanup_free_ char *u = udev_unescape(v);
                                set_id(d, p, keys[i].kind, u);
                        }
                }
        }
}

static void collect_udev_db(struct sysroot *sr, struct facts *f) {
        _cleanup_strv_ char **entries = NULL;

        /* A capture without udev's database (or a machine without udev)
         * has nothing to open: one listing instead of two reads per
         * device. */
        if (sysroot_list_dir(sr, SR_RUN, "udev/data", &entries) < 0 || !entries[0])
                return;
        for (size_t i = 0; i < f->n_disks; i++) {
                struct disk_facts *d = &f->disks[i];
                collect_udev_db_one(sr, d, NULL);
                for (size_t j = 0; j < d->n_partitions; j++)
                        collect_udev_db_one(sr, d, &d->partitions[j]);
        }
}

/* ---- collector ---- */

static void collect_disk(struct sysroot *sr, struct facts *f, const char *name) {
        _cleanup_free_ char *rel = xasprintf("block/%s", name);
        _cleanup_free_ char *sizef = xasprintf("block/%s/size", name);
        _cleanup_free_ char *remf = xasprintf("block/%s/removable", name);
        _cleanup_free_ char *rof = xasprintf("block/%s/ro", name);
        _cleanup_free_ char *mq = xasprintf("block/%s/mq", name);
        _cleanup_free_ char *driver = NULL;
        _cleanup_strv_ char **queues = NULL;
        struct disk_facts d = {
                .rotational = -1,
                .removable = -1,
                .readonly = -1,
                .read_ahead_kb = -1,
                .nomerges = -1,
        };

        d.name = xstrdup(name);
        (void) read_sectors_attr(sr, f, sizef, &d.size_bytes);
        /* Eight unused loop devices are noise in every listing (and cost
         * the look-ups below). */
        if (d.size_bytes == 0 && startswith(name, "loop")) {
                disk_facts_done(&d);
                return;
        }
        if (sysroot_realpath(sr, SR_SYS, rel, &d.devpath) < 0)
                d.devpath = NULL;
        driver = driver_of(sr, name);
        d.transport = transport_of(name, d.devpath, driver);
        if (d.transport == TRANSPORT_LOOP && d.size_bytes == 0) {
                disk_facts_done(&d);
                return;
        }

        read_int_attr(sr, f, remf, 1, &d.removable);
        read_int_attr(sr, f, rof, 1, &d.readonly);
        if (sysroot_list_dir(sr, SR_SYS, mq, &queues) >= 0)
                d.hw_queues = (unsigned) strv_length(queues);
        collect_queue(sr, f, &d);
        collect_ids(sr, &d);
        collect_partitions(sr, f, &d);

        *(struct disk_facts *) array_grow(&f->disks, &f->n_disks, sizeof d) = d;
}

void facts_collect_block(struct sysroot *sr, struct facts *f) {
        _cleanup_strv_ char **names = NULL;

        if (sysroot_list_dir(sr, SR_SYS, "block", &names) < 0)
                return;
        for (char **n = names; *n; n++)
                collect_disk(sr, f, *n);

        if (f->scope & FACTS_NO_IDS)
                return;
        collect_by_links(sr, f);
        collect_udev_db(sr, f);
        if (sysroot_is_live(sr))
                collect_blkid(sr, f);
        else
                collect_recorded_ids(sr, f);
}
