/* SPDX-License-Identifier: MIT */
/*
 * facts → the human report, shaped like the seed's "System Profile" and
 * "FileSystem Layout" sections so a user can hold one against the other.
 */
#include "output/facts-render.h"

#include <errno.h>

#include <inttypes.h>
#include <stdio.h>

#include "output/table.h"
#include "util.h"

static const char *vendor_pretty(const char *v) {
        if (!v)
                return NULL;
        if (streq(v, "GenuineIntel"))
                return "Intel";
        if (streq(v, "AuthenticAMD"))
                return "AMD";
        return v;
}

static void kv(FILE *o, const char *k, const char *v) {
        fprintf(o, "  %-12s %s\n", k, v);
}

static char *platform_line(const struct facts *f) {
        const struct virt_facts *v = &f->virt;
        _cleanup_free_ char *vm = NULL;

        if (!v->vm)
                vm = xstrdup("unknown virtualization");
        else if (streq(v->vm, "none"))
                vm = xstrdup("bare metal");
        else
                vm = xasprintf("%s virtual machine%s%s%s%s%s%s", v->vm, v->vm_vendor ? " (" : "",
                               strempty(v->vm_vendor), v->vm_vendor ? ")" : "", v->hypervisor ? ", " : "",
                               strempty(v->hypervisor),
                               v->confidence && streq(v->confidence, "low") ? ", low confidence" : "");
        if (v->container)
                return xasprintf("%s, inside a %s container", vm, v->container);
        return TAKE_PTR(vm);
}

static char *zram_summary(const struct facts *f) {
        _cleanup_strv_ char **parts = NULL;
        char b[32];

        for (size_t i = 0; i < f->n_zram; i++) {
                const struct zram_facts *z = &f->zram[i];
                if (z->disksize == 0) {
                        strv_consume(&parts, xasprintf("%s unconfigured", z->name));
                        continue;
                }
                if (z->have_mm_stat && z->mem_used_total > 0)
                        strv_consume(&parts, xasprintf("%s %s %s%s, ratio %.2f", z->name, format_bytes(b, z->disksize),
                                                       strna(z->algorithm), z->swap_active ? " swap" : "",
                                                       (double) z->orig_data_size / (double) z->mem_used_total));
                else
                        strv_consume(&parts, xasprintf("%s %s %s%s", z->name, format_bytes(b, z->disksize),
                                                       strna(z->algorithm), z->swap_active ? " swap" : ""));
        }
        return parts ? strv_join(parts, "; ") : NULL;
}

static bool is_boring_disk(const struct disk_facts *d) {
        return d->transport == TRANSPORT_LOOP || d->transport == TRANSPORT_ZRAM || d->size_bytes == 0;
}

static void profile_section(FILE *o, const struct facts *f) {
        char b[32];
        _cleanup_free_ char *plat = platform_line(f);
        _cleanup_free_ char *z = zram_summary(f);

        fprintf(o, "System Profile\n");
        kv(o, "Platform:", plat);
        kv(o, "OS:", strna(f->os.pretty_name));
        kv(o, "Kernel:", strna(f->kernel_release));
        {
                _cleanup_free_ char *cpu = NULL;
                if (f->cpu.count > 0)
                        cpu = xasprintf("%u %sCPUs (%s%s%s)%s%s", f->cpu.count,
                                        f->virt.vm && !streq(f->virt.vm, "none") ? "v" : "",
                                        strempty(vendor_pretty(f->cpu.vendor)), f->cpu.vendor ? " " : "",
                                        f->cpu.microarch ? f->cpu.microarch : "unknown microarchitecture",
                                        f->cpu.model ? ", " : "", strempty(f->cpu.model));
                kv(o, "CPU:", cpu ? cpu : "unknown");
        }
        kv(o, "RAM:", f->mem.total_bytes ? format_bytes(b, f->mem.total_bytes) : "unknown");
        {
                _cleanup_free_ char *sw = NULL;
                if (f->mem.total_bytes)
                        sw = xasprintf("%s%s%s%s", f->mem.swap_total_bytes ? format_bytes(b, f->mem.swap_total_bytes) : "none",
                                       z ? " (" : "", strempty(z), z ? ")" : "");
                kv(o, "Swap:", sw ? sw : "unknown");
        }
        {
                size_t n = 0;
                for (size_t i = 0; i < f->n_disks; i++) {
                        const struct disk_facts *d = &f->disks[i];
                        _cleanup_free_ char *l = NULL;
                        if (is_boring_disk(d))
                                continue;
                        l = xasprintf("%s disk %s (%s, %s, scheduler %s, read-ahead %" PRId64 " KiB%s)",
                                      format_bytes(b, d->size_bytes), d->name, transport_to_string(d->transport),
                                      d->rotational == 0 ? "non-rotational" : d->rotational == 1 ? "rotational" : "rotational unknown",
                                      d->scheduler ? d->scheduler : "none", d->read_ahead_kb,
                                      d->n_partitions ? ", partitioned" : "");
                        kv(o, n++ == 0 ? "Storage:" : "", l);
                }
                if (n == 0)
                        kv(o, "Storage:", "no disks found");
        }
        {
                _cleanup_strv_ char **types = NULL;
                bool subvols = false;
                for (size_t i = 0; i < f->n_fs; i++) {
                        const struct fs_facts *m = &f->fs[i];
                        if (!facts_fs_is_storage(f, m))
                                continue;
                        if (!strv_contains(types, m->fstype))
                                strv_push(&types, m->fstype);
                        if (m->subvol && !streq(m->subvol, "/"))
                                subvols = true;
                }
                _cleanup_free_ char *t = types ? strv_join(types, ", ") : xstrdup("unknown");
                _cleanup_free_ char *l = xasprintf("%s%s", t, subvols ? " (btrfs with subvolumes)" : "");
                kv(o, "Filesystem:", l);
        }
        fputc('\n', o);
}

static char *mount_line(const struct fs_facts *m) {
        _cleanup_free_ char *mo = strv_join(m->mount_options, ",");
        _cleanup_strv_ char **so = NULL;

        /* subvol/subvolid are shown as the node name; leave them out here. */
        for (char **i = m->super_options; i && *i; i++)
                if (!startswith(*i, "subvol=") && !startswith(*i, "subvolid="))
                        strv_push(&so, *i);
        _cleanup_free_ char *sos = so ? strv_join(so, ",") : xstrdup("");
        /* Per-mount options first, the superblock's (filesystem-wide for
         * btrfs: the same on every subvolume) in brackets. */
        return xasprintf("%s  %s  [%s: %s]", m->mountpoint, mo,
                         m->fstype && streq(m->fstype, "btrfs") ? "fs-wide" : "fs", sos);
}

/* A source names its device after a '/' ("/dev/sda4"). */
static bool shown_under(const struct facts *f, const struct fs_facts *m) {
        return m->source && strchr(m->source, '/') && facts_fs_is_storage(f, m);
}

static void mounts_of(FILE *o, const struct facts *f, const char *devname, const char *indent) {
        size_t n_on, n = 0, k = 0;
        const size_t *on = facts_mounts_on(f, devname, &n_on);

        for (size_t i = 0; i < n_on; i++)
                if (shown_under(f, &f->fs[on[i]]))
                        n++;
        for (size_t i = 0; i < n_on; i++) {
                const struct fs_facts *m = &f->fs[on[i]];
                if (!shown_under(f, m))
                        continue;
                _cleanup_free_ char *l = mount_line(m);
                k++;
                if (m->subvol)
                        fprintf(o, "%s%s %-14s %s\n", indent, k == n ? "└──" : "├──", m->subvol, l);
                else
                        fprintf(o, "%s%s %s\n", indent, k == n ? "└──" : "├──", l);
        }
}

static void layout_section(FILE *o, const struct facts *f) {
        char b[32];

        fprintf(o, "Filesystem Layout\n");
        for (size_t i = 0; i < f->n_disks; i++) {
                const struct disk_facts *d = &f->disks[i];
                if (is_boring_disk(d))
                        continue;
                fprintf(o, "%s (%s, %s%s%s)%s%s\n", d->name, format_bytes(b, d->size_bytes), transport_to_string(d->transport),
                        d->pttype ? ", " : "", strempty(d->pttype), d->fstype ? " " : "", strempty(d->fstype));
                mounts_of(o, f, d->name, "");
                for (size_t j = 0; j < d->n_partitions; j++) {
                        const struct partition_facts *p = &d->partitions[j];
                        bool last = j + 1 == d->n_partitions;
                        _cleanup_free_ char *ind = xasprintf("%s   ", last ? " " : "│");
                        fprintf(o, "%s %s (%s)%s%s%s%s\n", last ? "└──" : "├──", p->name, format_bytes(b, p->size_bytes),
                                p->fstype ? " " : "", strempty(p->fstype), p->uuid ? " UUID=" : "", strempty(p->uuid));
                        mounts_of(o, f, p->name, ind);
                }
        }
}

/* -v: why the platform line says what it says. */
static void evidence_section(FILE *o, const struct facts *f) {
        const struct virt_facts *v = &f->virt;

        fprintf(o, "Virtualization evidence (vm %s, type %s, confidence %s)\n", strna(v->vm), strna(v->type),
                strna(v->confidence));
        if (!v->evidence)
                fprintf(o, "  none found\n");
        for (char **e = v->evidence; e && *e; e++)
                fprintf(o, "  %s\n", *e);
        fputc('\n', o);
}

int facts_print_text(const struct facts *f, FILE *out, bool color, bool verbose) {
        char *buf = NULL;
        size_t len = 0;
        FILE *o = open_memstream(&buf, &len);

        (void) color;
        if (!o)
                abort();
        profile_section(o, f);
        if (verbose)
                evidence_section(o, f);
        layout_section(o, f);
        if (f->warnings) {
                fprintf(o, "\nWarnings\n");
                for (char **w = f->warnings; *w; w++)
                        fprintf(o, "  %s\n", *w);
        }
        fclose(o);
        /* Everything here may come from a hostile sysroot: no escape
         * sequences reach the terminal. */
        fputs(string_sanitize(buf), out);
        free(buf);
        return ferror(out) ? -5 : 0;
}

int facts_print_live_record(struct sysroot *sr, const struct facts *f, FILE *out) {
        _cleanup_free_ char *text = NULL;
        int r;

        r = facts_live_record_format(sr, f, &text);
        if (r < 0)
                return r;
        fputs(text, out);
        return ferror(out) ? -EIO : 0;
}
