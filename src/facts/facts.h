/* SPDX-License-Identifier: MIT */
/*
 * Facts: what the machine really is. Filled by facts_gather() from a
 * sysroot; every field has an "unknown" value (NULL, -1, 0 where 0 cannot be
 * a real value) because a missing file means unknown, never failure.
 *
 * The parsers (facts_parse_*) are pure: bytes in, struct out. They never open
 * files, so they are unit-tested on tables and fuzzed with libFuzzer. The
 * collectors (facts_collect_*) ask the sysroot for bytes and call them.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sysroot.h"

#define FACTS_SCHEMA_VERSION 1

enum transport {
        TRANSPORT_UNKNOWN = 0,
        TRANSPORT_VIRTIO_BLK,
        TRANSPORT_VIRTIO_SCSI,
        TRANSPORT_SATA,
        TRANSPORT_NVME,
        TRANSPORT_XEN,
        TRANSPORT_SCSI,
        TRANSPORT_MMC,
        TRANSPORT_LOOP,
        TRANSPORT_ZRAM,
        TRANSPORT_USB,
        TRANSPORT_DM,
        TRANSPORT_MD,
        _TRANSPORT_MAX,
};
/* "virtio-blk", "virtio-scsi", ... as in DESIGN.md. */
const char *transport_to_string(enum transport t);

struct cpu_facts {
        unsigned count;           /* online CPUs; 0 = unknown */
        unsigned possible;        /* 0 = unknown */
        char *model;              /* "Intel(R) Xeon(R) CPU E5-2650 v3 @ 2.30GHz" */
        char *vendor;             /* "GenuineIntel", "AuthenticAMD", ... as in cpuinfo */
        int family, model_number, stepping; /* -1 = unknown */
        const char *microarch;    /* static string: "Haswell", "Zen 4"; NULL = unknown */
        bool hypervisor, avx2, aes, avx512f, sse4_2; /* flags that matter */
        char *flags_line;         /* full flags, owned; may be NULL */
};

struct mem_facts {
        uint64_t total_bytes;     /* 0 = unknown */
        uint64_t available_bytes;
        uint64_t swap_total_bytes;
        uint64_t swap_free_bytes;
};

struct swap_entry {
        char *filename;           /* "/dev/zram0", "/swapfile" */
        char *type;               /* "partition", "file" */
        uint64_t size_bytes, used_bytes;
        int priority;
};

struct zram_facts {
        char *name;               /* "zram0" */
        uint64_t disksize;        /* bytes; 0 = not initialised */
        char *algorithm;          /* active one; NULL = unknown */
        char **algorithms;        /* available ones */
        uint64_t orig_data_size, compr_data_size, mem_used_total, mem_limit, mem_used_max;
        uint64_t same_pages, pages_compacted, huge_pages;
        bool have_mm_stat;
        bool swap_active;         /* listed in /proc/swaps */
        int swap_priority;        /* valid when swap_active */
};

struct partition_facts {
        char *name;               /* "sda4" */
        unsigned partno;          /* 0 = unknown */
        uint64_t start_bytes, size_bytes;
        char *fstype, *uuid, *partuuid, *label, *parttype; /* NULL = unknown */
};

struct disk_facts {
        char *name;               /* "sda" */
        char *devpath;            /* canonical sysfs path below /sys */
        uint64_t size_bytes;
        int rotational;           /* 0, 1; -1 = unknown */
        int removable, readonly;  /* -1 = unknown */
        enum transport transport;
        char *scheduler;          /* active one, NULL if none offered */
        char **schedulers;        /* offered ones, may be empty */
        int64_t read_ahead_kb;    /* -1 = unknown */
        int nomerges;             /* -1 = unknown */
        unsigned hw_queues;       /* entries of mq/; 0 = unknown */
        uint64_t logical_block_size, physical_block_size; /* 0 = unknown */
        char *vendor, *model;
        char *fstype, *uuid;      /* whole-disk filesystem (e.g. vda ext4), NULL if none */
        char *pttype;             /* "gpt", "dos" */
        struct partition_facts *partitions;
        size_t n_partitions;
};

struct fs_facts {
        unsigned mount_id, parent_id;
        char *majmin;             /* "0:33" */
        char *root;               /* path inside the filesystem ("/@home") */
        char *mountpoint;
        char *source;             /* "/dev/sda4" */
        char *fstype;
        char *subvol;             /* btrfs: "/@home" or "@home" as mounted; NULL otherwise */
        uint64_t subvolid;        /* btrfs; 0 = unknown */
        char **mount_options;     /* per mount (VFS): rw, noatime, nosuid */
        char **super_options;     /* per superblock: compress=zstd:2, ssd, space_cache=v2 */
        char *uuid;               /* filesystem UUID when known (btrfs from sysfs, blkid live) */
        char *bdi;                /* btrfs: "btrfs-3"; others: "254:0" */
        int64_t bdi_read_ahead_kb; /* -1 = unknown */
};

struct os_facts {
        char *id, *version_id, *pretty_name, *name, *id_like, *variant_id;
};

/* Two layers, reported separately (KNOWLEDGE.md: Firecracker + /.dockerenv
 * is vm=kvm AND container=docker). */
struct virt_facts {
        char *vm;                 /* "kvm", "qemu", "xen", "vmware", "microsoft", "none"; NULL unknown */
        char *vm_vendor;          /* "amazon", "google", "openstack", "firecracker"...; NULL unknown */
        char *xen_mode;           /* "pv", "pvh", "hvm", "dom0" when vm == xen */
        char *type;               /* "full", "para" (the vm layer), "container" (no vm layer); NULL unknown */
        char *confidence;         /* "high", "medium", "low" (see virt.c); NULL when vm is unknown */
        char *hypervisor;         /* the hypervisor as it names itself: "z/VM 7.2.0"; NULL */
        char *container;          /* "docker", "podman", "lxc", ...; NULL = none */
        char **evidence;          /* human-readable reasons, in decision order */
        char *dmi_sys_vendor, *dmi_product_name, *dmi_bios_vendor;
};

struct facts_index;

struct facts {
        char *root;               /* sysroot dir, "/" when live */
        bool live;
        char *kernel_release;     /* from proc/sys/kernel/osrelease */
        char *hostname;
        bool uefi;                /* sys/firmware/efi exists */
        struct cpu_facts cpu;
        struct mem_facts mem;
        struct swap_entry *swaps;
        size_t n_swaps;
        struct zram_facts *zram;
        size_t n_zram;
        struct disk_facts *disks;
        size_t n_disks;
        struct fs_facts *fs;
        size_t n_fs;
        struct os_facts os;
        struct virt_facts virt;
        char **warnings;          /* things that were unreadable or garbage */
        unsigned scope;           /* enum facts_scope it was gathered with */
        /* Look-up tables over disks, partitions and mounts (facts.c):
         * built by the first look-up, again when disks or fs were
         * reallocated or resized since; freed by facts_free(). */
        struct facts_index *index;
};

/* A capture's record of what only the live machine can tell: CPUID's
 * hypervisor leaves and the filesystem identifiers found on the devices
 * (tests/capture-sysroot.sh writes it with `vpstune detect --record-live`).
 * Read from a sysroot only, so a replayed capture decides as the live
 * machine did. Format: "key=value" lines, '#' comments (live-record.c). */
#define FACTS_LIVE_RECORD "vpstune-live.txt"
/* The record's lines, NULL-terminated; -ENOENT when there is none (always
 * on the live machine). */
int facts_live_record_load(struct sysroot *sr, char ***ret);
/* The record of this live machine, as text; -EOPNOTSUPP for a sysroot. */
int facts_live_record_format(struct sysroot *sr, const struct facts *f, char **ret);
/* CPUID as vpstune reads it: *ret_known false when not x86. */
void facts_cpuid_hypervisor(bool *ret_known, bool *ret_bit, char sig[static 13], char sig2[static 13]);

/* Collects everything; never fails for missing or garbage files (those add
 * a warning and leave the field unknown). Fails only on allocation or when
 * the sysroot itself is unusable. */
int facts_gather(struct sysroot *sr, struct facts **ret);
/* What facts_gather_some() may leave out, for verbs that do not need it:
 * plan, verify and apply compare values and never name filesystems by
 * UUID, so they skip the by-* links, udev's database and blkid probes
 * (which read up to a megabyte of each device). */
enum facts_scope {
        FACTS_ALL = 0,
        FACTS_NO_IDS = 1 << 0,
};
int facts_gather_some(struct sysroot *sr, unsigned scope, struct facts **ret);
struct facts *facts_free(struct facts *f);
static inline void facts_freep(struct facts **f) {
        if (*f)
                facts_free(*f);
}

/* Lookups used by plan/generate. */
const struct disk_facts *facts_find_disk(const struct facts *f, const char *name);
const struct fs_facts *facts_find_mount(const struct facts *f, const char *mountpoint);
/* Mutable lookup by kernel name ("sda", "sda4"): the disk, and in
 * *ret_part (may be NULL) the partition if name is one, else NULL. Returns
 * NULL and leaves *ret_part untouched if no disk or partition has that name. */
struct disk_facts *facts_find_dev(struct facts *f, const char *name, struct partition_facts **ret_part);
/* Mounts whose source names the kernel device devname exactly ("vda2",
 * not its disk), as indices into f->fs in mountinfo order; *ret_n of them.
 * The array belongs to f and is valid until f changes. */
const size_t *facts_mounts_on(const struct facts *f, const char *devname, size_t *ret_n);
/* Every mount of the filesystem with device number majmin ("0:33"), as
 * indices into f->fs in mountinfo order. */
const size_t *facts_mounts_of_fs(const struct facts *f, const char *majmin, size_t *ret_n);
/* The disk (and partition, may be NULL) that holds a "/dev/sda4"-style source. */
const struct disk_facts *facts_disk_of_source(const struct facts *f, const char *source,
                                              const struct partition_facts **ret_part);

/* A mount that stores data on a disk (btrfs, ext4, xfs, vfat, ... or a
 * source that is a known disk/partition), as opposed to proc, cgroup,
 * overlay layers and other pseudo filesystems. */
bool facts_fs_is_storage(const struct facts *f, const struct fs_facts *m);

/* ---- pure parsers (fuzzed) ---- */
int facts_parse_cpuinfo(const char *text, struct cpu_facts *ret);
const char *facts_microarch(const char *vendor, int family, int model);
/* "0-3,5,7-8" → count of CPUs (4+1+2 = 7); -EINVAL on garbage, caps at 1<<20. */
int facts_parse_cpu_list(const char *text, unsigned *ret_count);
int facts_parse_meminfo(const char *text, struct mem_facts *ret);
int facts_parse_swaps(const char *text, struct swap_entry **ret, size_t *ret_n);
int facts_parse_os_release(const char *text, struct os_facts *ret);
/* "none [mq-deadline] kyber" → active "mq-deadline", list of all. */
int facts_parse_scheduler(const char *text, char **ret_active, char ***ret_list);
/* zram mm_stat line. */
int facts_parse_mm_stat(const char *text, struct zram_facts *z);
/* mountinfo through libmount. */
int facts_parse_mountinfo(const char *text, size_t len, struct fs_facts **ret, size_t *ret_n);

/* ---- collectors (each fills its part of f; missing → unknown) ---- */
void facts_collect_cpu(struct sysroot *sr, struct facts *f);
void facts_collect_memory(struct sysroot *sr, struct facts *f);   /* meminfo, swaps, zram */
void facts_collect_os(struct sysroot *sr, struct facts *f);
void facts_collect_virt(struct sysroot *sr, struct facts *f);
void facts_collect_block(struct sysroot *sr, struct facts *f);    /* disks, partitions */
void facts_collect_mounts(struct sysroot *sr, struct facts *f);   /* needs disks for uuids */

void facts_warn(struct facts *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void cpu_facts_done(struct cpu_facts *c);
void os_facts_done(struct os_facts *o);
void virt_facts_done(struct virt_facts *v);
void swap_entry_done(struct swap_entry *s);
void zram_facts_done(struct zram_facts *z);
void disk_facts_done(struct disk_facts *d);
void fs_facts_done(struct fs_facts *m);
