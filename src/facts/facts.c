/* SPDX-License-Identifier: MIT */
/*
 * facts_gather(): runs the collectors in dependency order and owns the
 * result. Order matters in two places only: block before mounts (a mount's
 * source is matched to its partition for UUIDs), memory after block is not
 * needed (zram is found through sys/block but read by the memory collector).
 */
#include "facts/facts.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "log.h"
#include "util.h"

static const char *const transport_names[_TRANSPORT_MAX] = {
        [TRANSPORT_UNKNOWN] = "unknown",
        [TRANSPORT_VIRTIO_BLK] = "virtio-blk",
        [TRANSPORT_VIRTIO_SCSI] = "virtio-scsi",
        [TRANSPORT_SATA] = "sata",
        [TRANSPORT_NVME] = "nvme",
        [TRANSPORT_XEN] = "xen",
        [TRANSPORT_SCSI] = "scsi",
        [TRANSPORT_MMC] = "mmc",
        [TRANSPORT_LOOP] = "loop",
        [TRANSPORT_ZRAM] = "zram",
        [TRANSPORT_USB] = "usb",
        [TRANSPORT_DM] = "dm",
        [TRANSPORT_MD] = "md",
};

const char *transport_to_string(enum transport t) {
        return (unsigned) t < _TRANSPORT_MAX ? transport_names[t] : "unknown";
}

void facts_warn(struct facts *f, const char *fmt, ...) {
        va_list ap;
        char *s;

        va_start(ap, fmt);
        if (vasprintf(&s, fmt, ap) < 0)
                abort();
        va_end(ap);
        log_debug_topic("facts", "%s", s);
        /* Bounded: a sysroot full of garbage must not grow this forever. */
        if (strv_length(f->warnings) < 256)
                strv_consume(&f->warnings, s);
        else
                free(s);
}

static void collect_kernel(struct sysroot *sr, struct facts *f) {
        (void) sysroot_read_line(sr, SR_PROC, "sys/kernel/osrelease", &f->kernel_release);
        if (sysroot_read_line(sr, SR_PROC, "sys/kernel/hostname", &f->hostname) < 0)
                (void) sysroot_read_line(sr, SR_ETC, "hostname", &f->hostname);
        f->uefi = sysroot_exists(sr, SR_SYS, "firmware/efi");
}

int facts_gather(struct sysroot *sr, struct facts **ret) {
        return facts_gather_some(sr, FACTS_ALL, ret);
}

int facts_gather_some(struct sysroot *sr, unsigned scope, struct facts **ret) {
        struct facts *f = xcalloc(1, sizeof *f);

        f->scope = scope;
        f->cpu = (struct cpu_facts) { .family = -1, .model_number = -1, .stepping = -1 };
        f->root = xstrdup(sysroot_dir(sr));
        f->live = sysroot_is_live(sr);
        collect_kernel(sr, f);
        facts_collect_cpu(sr, f);
        facts_collect_os(sr, f);
        facts_collect_virt(sr, f);
        facts_collect_block(sr, f);
        facts_collect_memory(sr, f);
        facts_collect_mounts(sr, f);
        *ret = f;
        return 0;
}

void cpu_facts_done(struct cpu_facts *c) {
        free(c->model);
        free(c->vendor);
        free(c->flags_line);
        *c = (struct cpu_facts) { .family = -1, .model_number = -1, .stepping = -1 };
}

void os_facts_done(struct os_facts *o) {
        free(o->id);
        free(o->version_id);
        free(o->pretty_name);
        free(o->name);
        free(o->id_like);
        free(o->variant_id);
        *o = (struct os_facts) {};
}

void virt_facts_done(struct virt_facts *v) {
        free(v->vm);
        free(v->vm_vendor);
        free(v->xen_mode);
        free(v->container);
        strv_free(v->evidence);
        free(v->dmi_sys_vendor);
        free(v->dmi_product_name);
        free(v->dmi_bios_vendor);
        *v = (struct virt_facts) {};
}

void swap_entry_done(struct swap_entry *s) {
        free(s->filename);
        free(s->type);
        *s = (struct swap_entry) {};
}

void zram_facts_done(struct zram_facts *z) {
        free(z->name);
        free(z->algorithm);
        strv_free(z->algorithms);
        *z = (struct zram_facts) {};
}

static void partition_facts_done(struct partition_facts *p) {
        free(p->name);
        free(p->fstype);
        free(p->uuid);
        free(p->partuuid);
        free(p->label);
        free(p->parttype);
        *p = (struct partition_facts) {};
}

void disk_facts_done(struct disk_facts *d) {
        free(d->name);
        free(d->devpath);
        free(d->scheduler);
        strv_free(d->schedulers);
        free(d->vendor);
        free(d->model);
        free(d->fstype);
        free(d->uuid);
        free(d->pttype);
        for (size_t i = 0; i < d->n_partitions; i++)
                partition_facts_done(&d->partitions[i]);
        free(d->partitions);
        *d = (struct disk_facts) { .rotational = -1, .removable = -1, .readonly = -1, .read_ahead_kb = -1, .nomerges = -1 };
}

void fs_facts_done(struct fs_facts *m) {
        free(m->majmin);
        free(m->root);
        free(m->mountpoint);
        free(m->source);
        free(m->fstype);
        free(m->subvol);
        strv_free(m->mount_options);
        strv_free(m->super_options);
        free(m->uuid);
        free(m->bdi);
        *m = (struct fs_facts) { .bdi_read_ahead_kb = -1 };
}

struct facts *facts_free(struct facts *f) {
        if (!f)
                return NULL;
        free(f->root);
        free(f->kernel_release);
        free(f->hostname);
        cpu_facts_done(&f->cpu);
        os_facts_done(&f->os);
        virt_facts_done(&f->virt);
        for (size_t i = 0; i < f->n_swaps; i++)
                swap_entry_done(&f->swaps[i]);
        free(f->swaps);
        for (size_t i = 0; i < f->n_zram; i++)
                zram_facts_done(&f->zram[i]);
        free(f->zram);
        for (size_t i = 0; i < f->n_disks; i++)
                disk_facts_done(&f->disks[i]);
        free(f->disks);
        for (size_t i = 0; i < f->n_fs; i++)
                fs_facts_done(&f->fs[i]);
        free(f->fs);
        strv_free(f->warnings);
        free(f);
        return NULL;
}

const struct disk_facts *facts_find_disk(const struct facts *f, const char *name) {
        for (size_t i = 0; i < f->n_disks; i++)
                if (streq(f->disks[i].name, name))
                        return &f->disks[i];
        return NULL;
}

const struct fs_facts *facts_find_mount(const struct facts *f, const char *mountpoint) {
        /* The last mount on a mountpoint is the visible one. */
        for (size_t i = f->n_fs; i > 0; i--)
                if (f->fs[i - 1].mountpoint && streq(f->fs[i - 1].mountpoint, mountpoint))
                        return &f->fs[i - 1];
        return NULL;
}

struct disk_facts *facts_find_dev(struct facts *f, const char *name, struct partition_facts **ret_part) {
        for (size_t i = 0; i < f->n_disks; i++) {
                struct disk_facts *d = &f->disks[i];
                if (streq(d->name, name)) {
                        if (ret_part)
                                *ret_part = NULL;
                        return d;
                }
                for (size_t j = 0; j < d->n_partitions; j++)
                        if (streq(d->partitions[j].name, name)) {
                                if (ret_part)
                                        *ret_part = &d->partitions[j];
                                return d;
                        }
        }
        return NULL;
}

const struct disk_facts *facts_disk_of_source(const struct facts *f, const char *source,
                                              const struct partition_facts **ret_part) {
        struct partition_facts *p;
        struct disk_facts *d;
        const char *name;

        if (!source)
                return NULL;
        name = strrchr(source, '/');
        name = name ? name + 1 : source;
        /* facts_find_dev() only reads f; casting const away here keeps one
         * lookup loop, and what it returns goes back out as const. */
        d = facts_find_dev((struct facts *) f, name, &p);
        if (d && ret_part)
                *ret_part = p;
        return d;
}

bool facts_fs_is_storage(const struct facts *f, const struct fs_facts *m) {
        static const char *const disk_fstypes[] = {
                "btrfs", "ext2", "ext3", "ext4", "xfs", "vfat", "f2fs", "zfs",
                "bcachefs", "jfs", "reiserfs", "ntfs", "ntfs3", "exfat", "nilfs2",
        };

        if (!m->mountpoint || !m->fstype)
                return false;
        for (size_t i = 0; i < ELEMENTSOF(disk_fstypes); i++)
                if (streq(m->fstype, disk_fstypes[i]))
                        return true;
        return facts_disk_of_source(f, m->source, NULL) != NULL;
}
