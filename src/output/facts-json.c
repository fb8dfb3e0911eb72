/* SPDX-License-Identifier: MIT */
/*
 * facts → JSON (DESIGN.md "detect JSON"). Unknown values are null, never a
 * made-up 0: scripts must be able to tell "no swap" from "could not read".
 */
#include "output/facts-render.h"

#include "output/json.h"
#include "util.h"

static struct json_object *virt_json(const struct virt_facts *v) {
        struct json_object *o = json_object_new_object();
        struct json_object *dmi = json_object_new_object();

        json_add_str(o, "vm", v->vm);
        json_add_str(o, "vendor", v->vm_vendor);
        json_add_str(o, "type", v->type);
        json_add_str(o, "confidence", v->confidence);
        json_add_str(o, "hypervisor", v->hypervisor);
        json_add_str(o, "container", v->container);
        json_add_str(o, "xen_mode", v->xen_mode);
        json_add_strv(o, "evidence", v->evidence);
        json_add_str(dmi, "sys_vendor", v->dmi_sys_vendor);
        json_add_str(dmi, "product_name", v->dmi_product_name);
        json_add_str(dmi, "bios_vendor", v->dmi_bios_vendor);
        json_object_object_add(o, "dmi", dmi);
        return o;
}

static struct json_object *cpu_json(const struct cpu_facts *c) {
        struct json_object *o = json_object_new_object();
        struct json_object *fl = json_object_new_object();

        json_add_u64_or_null(o, "count", c->count, c->count > 0);
        json_add_u64_or_null(o, "possible", c->possible, c->possible > 0);
        json_add_str(o, "model", c->model);
        json_add_str(o, "vendor", c->vendor);
        json_add_u64_or_null(o, "family", (uint64_t) c->family, c->family >= 0);
        json_add_u64_or_null(o, "model_number", (uint64_t) c->model_number, c->model_number >= 0);
        json_add_u64_or_null(o, "stepping", (uint64_t) c->stepping, c->stepping >= 0);
        json_add_str(o, "microarch", c->microarch);
        json_add_bool(fl, "hypervisor", c->hypervisor);
        json_add_bool(fl, "avx2", c->avx2);
        json_add_bool(fl, "avx512f", c->avx512f);
        json_add_bool(fl, "aes", c->aes);
        json_add_bool(fl, "sse4_2", c->sse4_2);
        json_object_object_add(o, "flags", fl);
        return o;
}

static struct json_object *zram_json(const struct zram_facts *z) {
        struct json_object *o = json_object_new_object();

        json_add_str(o, "name", z->name);
        json_add_u64(o, "disksize", z->disksize);
        json_add_str(o, "algorithm", z->algorithm);
        json_add_strv(o, "algorithms", z->algorithms);
        if (z->have_mm_stat) {
                json_add_u64(o, "orig_data_size", z->orig_data_size);
                json_add_u64(o, "compr_data_size", z->compr_data_size);
                json_add_u64(o, "mem_used_total", z->mem_used_total);
                /* KNOWLEDGE.md: the real ratio counts allocator overhead. */
                if (z->mem_used_total > 0)
                        json_object_object_add(o, "ratio",
                                json_object_new_double((double) z->orig_data_size / (double) z->mem_used_total));
                else
                        json_object_object_add(o, "ratio", NULL);
        }
        json_add_bool(o, "swap_active", z->swap_active);
        if (z->swap_active)
                json_add_i64(o, "swap_priority", z->swap_priority);
        return o;
}

static struct json_object *memory_json(const struct facts *f) {
        struct json_object *o = json_object_new_object();
        struct json_object *sw = json_object_new_array();
        struct json_object *zr = json_object_new_array();
        const struct mem_facts *m = &f->mem;

        json_add_u64_or_null(o, "total_bytes", m->total_bytes, m->total_bytes > 0);
        json_add_u64_or_null(o, "available_bytes", m->available_bytes, m->total_bytes > 0);
        json_add_u64_or_null(o, "swap_bytes", m->swap_total_bytes, m->total_bytes > 0);
        json_add_u64_or_null(o, "swap_free_bytes", m->swap_free_bytes, m->total_bytes > 0);
        for (size_t i = 0; i < f->n_swaps; i++) {
                const struct swap_entry *s = &f->swaps[i];
                struct json_object *e = json_object_new_object();
                json_add_str(e, "filename", s->filename);
                json_add_str(e, "type", s->type);
                json_add_u64(e, "size_bytes", s->size_bytes);
                json_add_u64(e, "used_bytes", s->used_bytes);
                json_add_i64(e, "priority", s->priority);
                json_object_array_add(sw, e);
        }
        json_object_object_add(o, "swaps", sw);
        for (size_t i = 0; i < f->n_zram; i++)
                json_object_array_add(zr, zram_json(&f->zram[i]));
        json_object_object_add(o, "zram", zr);
        return o;
}

static struct json_object *partition_json(const struct partition_facts *p) {
        struct json_object *o = json_object_new_object();

        json_add_str(o, "name", p->name);
        json_add_u64_or_null(o, "partno", p->partno, p->partno > 0);
        json_add_u64(o, "start_bytes", p->start_bytes);
        json_add_u64(o, "size_bytes", p->size_bytes);
        json_add_str(o, "fstype", p->fstype);
        json_add_str(o, "uuid", p->uuid);
        json_add_str(o, "partuuid", p->partuuid);
        json_add_str(o, "label", p->label);
        json_add_str(o, "parttype", p->parttype);
        return o;
}

static struct json_object *disk_json(const struct disk_facts *d) {
        struct json_object *o = json_object_new_object();
        struct json_object *parts = json_object_new_array();

        json_add_str(o, "name", d->name);
        json_add_str(o, "devpath", d->devpath);
        json_add_u64(o, "size_bytes", d->size_bytes);
        json_add_tri(o, "rotational", d->rotational);
        json_add_tri(o, "removable", d->removable);
        json_add_tri(o, "readonly", d->readonly);
        json_add_str(o, "transport", transport_to_string(d->transport));
        json_add_str(o, "scheduler", d->scheduler);
        json_add_strv(o, "schedulers", d->schedulers);
        json_add_u64_or_null(o, "read_ahead_kb", (uint64_t) d->read_ahead_kb, d->read_ahead_kb >= 0);
        json_add_u64_or_null(o, "nomerges", (uint64_t) d->nomerges, d->nomerges >= 0);
        json_add_u64_or_null(o, "hw_queues", d->hw_queues, d->hw_queues > 0);
        json_add_u64_or_null(o, "logical_block_size", d->logical_block_size, d->logical_block_size > 0);
        json_add_u64_or_null(o, "physical_block_size", d->physical_block_size, d->physical_block_size > 0);
        json_add_str(o, "vendor", d->vendor);
        json_add_str(o, "model", d->model);
        json_add_str(o, "pttype", d->pttype);
        json_add_str(o, "fstype", d->fstype);
        json_add_str(o, "uuid", d->uuid);
        for (size_t i = 0; i < d->n_partitions; i++)
                json_object_array_add(parts, partition_json(&d->partitions[i]));
        json_object_object_add(o, "partitions", parts);
        return o;
}

static struct json_object *fs_json(const struct fs_facts *m) {
        struct json_object *o = json_object_new_object();

        json_add_str(o, "mountpoint", m->mountpoint);
        json_add_str(o, "source", m->source);
        json_add_str(o, "fstype", m->fstype);
        json_add_str(o, "subvol", m->subvol);
        json_add_u64_or_null(o, "subvolid", m->subvolid, m->subvolid > 0);
        json_add_str(o, "root", m->root);
        json_add_str(o, "majmin", m->majmin);
        json_add_str(o, "uuid", m->uuid);
        json_add_strv(o, "mount_options", m->mount_options);
        json_add_strv(o, "super_options", m->super_options);
        json_add_str(o, "bdi", m->bdi);
        json_add_u64_or_null(o, "bdi_read_ahead_kb", (uint64_t) m->bdi_read_ahead_kb, m->bdi_read_ahead_kb >= 0);
        return o;
}

struct json_object *facts_to_json(const struct facts *f) {
        struct json_object *o = json_doc_new(FACTS_SCHEMA_VERSION);
        struct json_object *os = json_object_new_object();
        struct json_object *disks = json_object_new_array();
        struct json_object *fss = json_object_new_array();

        json_add_str(o, "root", f->root);
        json_add_bool(o, "live", f->live);
        json_add_str(o, "hostname", f->hostname);
        json_add_str(o, "kernel", f->kernel_release);
        json_add_str(o, "firmware", f->uefi ? "uefi" : "bios");
        json_object_object_add(o, "virt", virt_json(&f->virt));
        json_object_object_add(o, "cpu", cpu_json(&f->cpu));
        json_object_object_add(o, "memory", memory_json(f));
        for (size_t i = 0; i < f->n_disks; i++)
                json_object_array_add(disks, disk_json(&f->disks[i]));
        json_object_object_add(o, "disks", disks);
        for (size_t i = 0; i < f->n_fs; i++)
                if (facts_fs_is_storage(f, &f->fs[i]))
                        json_object_array_add(fss, fs_json(&f->fs[i]));
        json_object_object_add(o, "filesystems", fss);
        json_add_str(os, "id", f->os.id);
        json_add_str(os, "version_id", f->os.version_id);
        json_add_str(os, "pretty_name", f->os.pretty_name);
        json_add_str(os, "name", f->os.name);
        json_add_str(os, "id_like", f->os.id_like);
        json_object_object_add(o, "os", os);
        json_add_strv(o, "warnings", f->warnings);
        return o;
}
