/* SPDX-License-Identifier: MIT */
/*
 * Virtualization: which hypervisor (vm), who runs it (vm_vendor), and which
 * container layer, as separate answers (KNOWLEDGE.md: a Firecracker VM with
 * /.dockerenv is vm=kvm AND container=docker; systemd-detect-virt reports
 * only "docker" there).
 *
 * Each probe, in the style of systemd's src/basic/virt.c, returns a value or
 * NULL for "not this one", and appends one evidence line per finding. All vm
 * probes run (they are cheap, and the evidence list is more useful whole);
 * the decision then takes the first answer in this order:
 *
 *  1. /sys/hypervisor/type "xen": before CPUID, because a Xen HVM guest with
 *     viridian enabled shows "Microsoft Hv" in leaf 0x40000000, and a PV
 *     guest sees the host's CPUID unfiltered.
 *  2. CPUID leaf 0x40000000 (live x86 only): the hypervisor names itself,
 *     whatever DMI strings the VMM passes through (QEMU+KVM says "QEMU" in
 *     DMI but is KVM). A clear hypervisor bit (CPUID.1:ECX[31]) is not final:
 *     a VMM can hide it, so later probes may still find a VM.
 *  3. DMI: the technology some clouds and VMMs write into SMBIOS. Entries
 *     that only name the operator (Amazon EC2, Google, Hetzner...) set the
 *     vendor, not the vm: those vendors also sell bare metal with the same
 *     strings (EC2 *.metal).
 *  4. ACPI table OEM ID: Firecracker and Cloud Hypervisor have no DMI but
 *     sign their ACPI tables ("FIRECK", "CLOUDH").
 *  5. Device tree hypervisor node (arm64 and other DT platforms).
 *  6. cpuinfo "hypervisor" flag: some VM, name unknown → "other".
 *  7. Nothing found: "none" when we had a way to see a hypervisor (live
 *     CPUID, or an x86 cpuinfo whose flags lack "hypervisor": that flag is
 *     the CPUID bit as the kernel read it), else unknown (NULL).
 *
 * The vendor comes from DMI first (it names the operator), then ACPI.
 *
 * Containers are probed most explicit first, and the first answer wins:
 * what the container manager tells us (/run/systemd/container, PID 1's
 * $container), the engines' marker files (/run/.containerenv, /.dockerenv),
 * OpenVZ's /proc/vz, cgroup paths, then WSL's kernel release.
 */
#include "facts/facts.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "log.h"
#include "util.h"

#define EVIDENCE_MAX 64
/* DMI strings and file contents shown in evidence are cut here. */
#define SHOWN_MAX 128

static void evidence_push(struct facts *f, char *s) {
        log_debug_topic("virt", "evidence: %s", s);
        if (strv_length(f->virt.evidence) < EVIDENCE_MAX)
                strv_consume(&f->virt.evidence, s);
        else
                free(s);
}

static void evidence(struct facts *f, const char *fmt, ...) _printf_(2, 3);
static void evidence(struct facts *f, const char *fmt, ...) {
        va_list ap;
        char *s;

        va_start(ap, fmt);
        if (vasprintf(&s, fmt, ap) < 0)
                abort();
        va_end(ap);
        evidence_push(f, s);
}

/* "<path as the machine names it>: <what>" */
static void evidence_file(struct facts *f, enum sr_base base, const char *rel, const char *what) {
        _cleanup_free_ char *p = sysroot_display_path(base, rel);
        evidence_push(f, xasprintf("%s: %s", p, what));
}

/* Printable ASCII only, bounded: these strings come from files anyone who
 * built the sysroot could have written. */
static char *sanitize(const char *s, size_t len) {
        char *r;

        if (len > SHOWN_MAX)
                len = SHOWN_MAX;
        r = xstrndup(s, len);
        for (char *p = r; *p; p++)
                if ((unsigned char) *p < 0x20 || (unsigned char) *p > 0x7e)
                        *p = '?';
        return r;
}

/* First line of a small file, stripped; NULL when missing or unreadable. */
static char *read_small(struct sysroot *sr, enum sr_base base, const char *rel) {
        _cleanup_free_ char *buf = NULL;
        char *s;
        int r;

        r = sysroot_read_file(sr, base, rel, 4096, &buf, NULL, NULL);
        if (r < 0) {
                if (r != -ENOENT)
                        log_debug_topic("virt", "%s/%s: %s", sysroot_base_prefix(base), rel, strerror(-r));
                return NULL;
        }
        buf[strcspn(buf, "\n")] = '\0';
        s = strstrip(buf);
        return sanitize(s, strlen(s));
}

/* ---- vm probes ---- */

static const char *detect_vm_xen(struct sysroot *sr, struct facts *f) {
        static const struct {
                const char *guest_type, *mode;
        } guest_types[] = {
                { "HVM", "hvm" },
                { "PVH", "pvh" },
                { "PV", "pv" },
        };
        _cleanup_free_ char *type = read_small(sr, SR_SYS, "hypervisor/type");
        _cleanup_free_ char *guest = NULL, *caps = NULL;

        if (!type || !streq(type, "xen"))
                return NULL;
        evidence_file(f, SR_SYS, "hypervisor/type", "xen");

        /* Since 4.15 the kernel says which kind of guest it is. */
        guest = read_small(sr, SR_SYS, "hypervisor/guest_type");
        for (size_t i = 0; guest && i < ELEMENTSOF(guest_types); i++)
                if (streq(guest, guest_types[i].guest_type)) {
                        free(f->virt.xen_mode);
                        f->virt.xen_mode = xstrdup(guest_types[i].mode);
                        evidence_file(f, SR_SYS, "hypervisor/guest_type", guest);
                        break;
                }
        /* xenfs: the control domain says so in its capabilities. */
        caps = read_small(sr, SR_PROC, "xen/capabilities");
        if (caps && strstr(caps, "control_d")) {
                free(f->virt.xen_mode);
                f->virt.xen_mode = xstrdup("dom0");
                evidence_file(f, SR_PROC, "xen/capabilities", "control_d");
        }
        return "xen";
}

#if defined(__x86_64__) || defined(__i386__)
static const struct {
        char signature[13];
        const char *vm;
} cpuid_vendors[] = {
        { "KVMKVMKVM\0\0\0", "kvm" },
        { "Linux KVM Hv", "kvm" },      /* KVM with Hyper-V enlightenments */
        { "TCGTCGTCGTCG", "qemu" },
        { "XenVMMXenVMM", "xen" },
        { "VMwareVMware", "vmware" },
        { "Microsoft Hv", "microsoft" },
        { "bhyve bhyve ", "bhyve" },
        { "ACRNACRNACRN", "acrn" },
        { "prl hyperv  ", "parallels" },
        { "VBoxVBoxVBox", "oracle" },
        { "QNXQVMBSQG\0\0", "qnx" },
};

static void cpuid_signature(unsigned leaf, char sig[static 13]) {
        unsigned eax, ebx, ecx, edx;

        __cpuid(leaf, eax, ebx, ecx, edx);
        (void) eax;
        memcpy(sig + 0, &ebx, 4);
        memcpy(sig + 4, &ecx, 4);
        memcpy(sig + 8, &edx, 4);
        sig[12] = '\0';
}
#endif

/* Sets *ret_checked when CPUID could be asked at all. */
static const char *detect_vm_cpuid(struct sysroot *sr, struct facts *f, bool *ret_checked) {
        *ret_checked = false;
#if defined(__x86_64__) || defined(__i386__)
        unsigned eax, ebx, ecx, edx;
        char sig[13];
        _cleanup_free_ char *shown = NULL;

        /* CPUID describes the CPU we run on, not a captured sysroot. */
        if (!sysroot_is_live(sr))
                return NULL;
        if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx))
                return NULL;
        *ret_checked = true;
        if (!(ecx & (1u << 31))) {
                evidence(f, "cpuid: hypervisor bit clear");
                return NULL;
        }
        cpuid_signature(0x40000000, sig);
        shown = sanitize(sig, strlen(sig));
        evidence(f, "cpuid leaf 0x40000000: %s", shown);
        for (size_t i = 0; i < ELEMENTSOF(cpuid_vendors); i++) {
                if (memcmp(sig, cpuid_vendors[i].signature, 12) != 0)
                        continue;
                if (streq(cpuid_vendors[i].vm, "microsoft")) {
                        /* Xen with viridian moves its own leaves up. */
                        char xen[13];
                        cpuid_signature(0x40000100, xen);
                        if (memcmp(xen, "XenVMMXenVMM", 12) == 0) {
                                evidence(f, "cpuid leaf 0x40000100: XenVMMXenVMM");
                                return "xen";
                        }
                }
                return cpuid_vendors[i].vm;
        }
        return "other";
#else
        (void) sr;
        (void) f;
        return NULL;
#endif
}

enum dmi_field {
        DMI_SYS_VENDOR,
        DMI_PRODUCT_NAME,
        DMI_PRODUCT_VERSION,
        DMI_BIOS_VENDOR,
        DMI_BIOS_VERSION,
        DMI_BOARD_VENDOR,
        DMI_CHASSIS_ASSET_TAG,
        _DMI_FIELD_MAX,
};

static const char *const dmi_files[_DMI_FIELD_MAX] = {
        [DMI_SYS_VENDOR] = "sys_vendor",
        [DMI_PRODUCT_NAME] = "product_name",
        [DMI_PRODUCT_VERSION] = "product_version",
        [DMI_BIOS_VENDOR] = "bios_vendor",
        [DMI_BIOS_VERSION] = "bios_version",
        [DMI_BOARD_VENDOR] = "board_vendor",
        [DMI_CHASSIS_ASSET_TAG] = "chassis_asset_tag",
};

/* Strings as the VMMs and clouds write them (systemd's dmi_vendor_table,
 * cloud-init's ds-identify). vm NULL: the entry names an operator only. */
static const struct dmi_match {
        enum dmi_field field;
        const char *prefix;
        bool anywhere;                  /* substring instead of prefix */
        enum dmi_field and_field;       /* second condition when and_prefix */
        const char *and_prefix;
        const char *vm, *vendor;
} dmi_table[] = {
        { DMI_SYS_VENDOR, "QEMU", .vm = "qemu" },
        { DMI_SYS_VENDOR, "KVM", .vm = "kvm" },
        { DMI_PRODUCT_NAME, "KVM", .vm = "kvm" },
        { DMI_PRODUCT_NAME, "KubeVirt", .vm = "kvm" },
        /* Nova writes these through libvirt; OpenStack's default driver is
         * KVM (systemd maps them to kvm too). OVH Public Cloud shows them. */
        { DMI_SYS_VENDOR, "OpenStack Foundation", .vm = "kvm", .vendor = "openstack" },
        { DMI_PRODUCT_NAME, "OpenStack Nova", .vm = "kvm", .vendor = "openstack" },
        { DMI_PRODUCT_NAME, "OpenStack Compute", .vm = "kvm", .vendor = "openstack" },
        { DMI_SYS_VENDOR, "Xen", .vm = "xen" },
        { DMI_PRODUCT_NAME, "HVM domU", .vm = "xen" },
        { DMI_SYS_VENDOR, "VMware", .vm = "vmware" },
        { DMI_PRODUCT_NAME, "VMware", .vm = "vmware" },
        { DMI_SYS_VENDOR, "Microsoft Corporation", .and_field = DMI_PRODUCT_NAME,
          .and_prefix = "Virtual Machine", .vm = "microsoft" },
        { DMI_SYS_VENDOR, "innotek GmbH", .vm = "oracle" },
        { DMI_PRODUCT_NAME, "VirtualBox", .vm = "oracle" },
        { DMI_SYS_VENDOR, "Parallels", .vm = "parallels" },
        { DMI_SYS_VENDOR, "BHYVE", .vm = "bhyve" },
        { DMI_PRODUCT_NAME, "BHYVE", .vm = "bhyve" },
        { DMI_SYS_VENDOR, "Bochs", .vm = "bochs" },
        { DMI_PRODUCT_NAME, "Apple Virtualization", .vm = "apple" },
        /* Operators: who, not what. */
        { DMI_SYS_VENDOR, "Amazon EC2", .vendor = "amazon" },
        { DMI_BIOS_VENDOR, "Amazon EC2", .vendor = "amazon" },
        { DMI_BIOS_VERSION, "amazon", .anywhere = true, .vendor = "amazon" }, /* Xen-era EC2: "4.11.amazon" */
        { DMI_SYS_VENDOR, "Google", .vendor = "google" },
        { DMI_PRODUCT_NAME, "Google Compute Engine", .vendor = "google" },
        { DMI_CHASSIS_ASSET_TAG, "7783-7084-3265-9085-8269-3286-77", .vendor = "azure" },
        { DMI_CHASSIS_ASSET_TAG, "OracleCloud.com", .vendor = "oracle-cloud" },
        { DMI_SYS_VENDOR, "Hetzner", .vendor = "hetzner" },
        { DMI_SYS_VENDOR, "DigitalOcean", .vendor = "digitalocean" },
        { DMI_SYS_VENDOR, "Scaleway", .vendor = "scaleway" },
        { DMI_SYS_VENDOR, "Alibaba Cloud", .vendor = "alibaba" },
        { DMI_SYS_VENDOR, "Tencent Cloud", .vendor = "tencent" },
        { DMI_SYS_VENDOR, "Linode", .vendor = "linode" },
        { DMI_SYS_VENDOR, "Vultr", .vendor = "vultr" },
};

static bool dmi_field_matches(char *const dmi[], enum dmi_field field, const char *s, bool anywhere) {
        if (!dmi[field])
                return false;
        return anywhere ? strstr(dmi[field], s) != NULL : startswith(dmi[field], s) != NULL;
}

static const char *detect_vm_dmi(struct sysroot *sr, struct facts *f, const char **ret_vendor) {
        char *dmi[_DMI_FIELD_MAX] = {};
        const char *vm = NULL;
        bool reported[_DMI_FIELD_MAX] = {};

        *ret_vendor = NULL;
        for (size_t i = 0; i < _DMI_FIELD_MAX; i++) {
                _cleanup_free_ char *rel = xasprintf("class/dmi/id/%s", dmi_files[i]);
                dmi[i] = read_small(sr, SR_SYS, rel);
                if (dmi[i] && !*dmi[i]) {
                        free(dmi[i]);
                        dmi[i] = NULL;
                }
        }
        for (size_t i = 0; i < ELEMENTSOF(dmi_table); i++) {
                const struct dmi_match *m = &dmi_table[i];

                if (!dmi_field_matches(dmi, m->field, m->prefix, m->anywhere))
                        continue;
                if (m->and_prefix && !dmi_field_matches(dmi, m->and_field, m->and_prefix, false))
                        continue;
                if (!reported[m->field]) {
                        evidence(f, "dmi %s: %s", dmi_files[m->field], dmi[m->field]);
                        reported[m->field] = true;
                }
                if (m->and_prefix && !reported[m->and_field]) {
                        evidence(f, "dmi %s: %s", dmi_files[m->and_field], dmi[m->and_field]);
                        reported[m->and_field] = true;
                }
                if (!vm && m->vm)
                        vm = m->vm;
                if (!*ret_vendor && m->vendor)
                        *ret_vendor = m->vendor;
        }

        free(f->virt.dmi_sys_vendor);
        free(f->virt.dmi_product_name);
        free(f->virt.dmi_bios_vendor);
        f->virt.dmi_sys_vendor = TAKE_PTR(dmi[DMI_SYS_VENDOR]);
        f->virt.dmi_product_name = TAKE_PTR(dmi[DMI_PRODUCT_NAME]);
        f->virt.dmi_bios_vendor = TAKE_PTR(dmi[DMI_BIOS_VENDOR]);
        for (size_t i = 0; i < _DMI_FIELD_MAX; i++)
                free(dmi[i]);
        return vm;
}

/* OEM ID of an ACPI table header: bytes 10..15 (ACPI spec, "System
 * Description Table Header"). */
static const struct {
        char oem_id[7];
        const char *vm, *vendor;
} acpi_oems[] = {
        { "FIRECK", "kvm", "firecracker" },     /* Firecracker runs on KVM only */
        { "CLOUDH", NULL, "cloud-hypervisor" }, /* KVM or MSHV */
};

static const char *detect_vm_acpi(struct sysroot *sr, struct facts *f, const char **ret_vendor) {
        static const char *const tables[] = { "DSDT", "FACP", "APIC" };

        *ret_vendor = NULL;
        for (size_t t = 0; t < ELEMENTSOF(tables); t++) {
                _cleanup_free_ char *rel = xasprintf("firmware/acpi/tables/%s", tables[t]);
                _cleanup_free_ char *buf = NULL;
                size_t len;

                /* Root-only files: EACCES is "not this one". */
                if (sysroot_read_file(sr, SR_SYS, rel, 36, &buf, &len, NULL) < 0 || len < 16)
                        continue;
                for (size_t i = 0; i < ELEMENTSOF(acpi_oems); i++)
                        if (memcmp(buf + 10, acpi_oems[i].oem_id, 6) == 0) {
                                evidence(f, "acpi %s oem id: %s", tables[t], acpi_oems[i].oem_id);
                                *ret_vendor = acpi_oems[i].vendor;
                                return acpi_oems[i].vm;
                        }
                return NULL; /* one readable table tells the OEM */
        }
        return NULL;
}

static const char *detect_vm_device_tree(struct sysroot *sr, struct facts *f) {
        static const struct {
                const char *file, *needle, *vm;
        } dt_table[] = {
                { "device-tree/hypervisor/compatible", "linux,kvm", "kvm" },
                { "device-tree/hypervisor/compatible", "xen", "xen" },
                { "device-tree/hypervisor/compatible", "vmware", "vmware" },
                { "device-tree/compatible", "linux,dummy-virt", "qemu" }, /* QEMU "virt" machine */
        };

        const char *file = NULL;
        _cleanup_free_ char *s = NULL;

        /* Rows of one file are adjacent: read each file once. */
        for (size_t i = 0; i < ELEMENTSOF(dt_table); i++) {
                if (!file || !streq(file, dt_table[i].file)) {
                        free(s);
                        file = dt_table[i].file;
                        /* NUL-separated lists arrive with spaces: one line. */
                        s = read_small(sr, SR_PROC, file);
                }
                if (s && strstr(s, dt_table[i].needle)) {
                        evidence_file(f, SR_PROC, file, s);
                        return dt_table[i].vm;
                }
        }
        return NULL;
}

static const char *detect_vm_cpuinfo(struct facts *f, bool *ret_says_none) {
        /* "cpu family" exists only in x86 cpuinfo; there the hypervisor
         * flag is CPUID.1:ECX[31] as the kernel read it. */
        bool x86 = f->cpu.flags_line && f->cpu.family >= 0;

        *ret_says_none = false;
        if (f->cpu.hypervisor) {
                evidence(f, "cpuinfo flags: hypervisor");
                return "other";
        }
        if (x86) {
                evidence(f, "cpuinfo flags: no hypervisor flag");
                *ret_says_none = true;
        }
        return NULL;
}

static void detect_vm(struct sysroot *sr, struct facts *f) {
        const char *xen, *cpuid, *dmi, *acpi, *dt, *flag;
        const char *dmi_vendor, *acpi_vendor, *vm = NULL, *vendor;
        bool cpuid_checked, cpuinfo_says_none;

        xen = detect_vm_xen(sr, f);
        cpuid = detect_vm_cpuid(sr, f, &cpuid_checked);
        dmi = detect_vm_dmi(sr, f, &dmi_vendor);
        acpi = detect_vm_acpi(sr, f, &acpi_vendor);
        dt = detect_vm_device_tree(sr, f);
        flag = detect_vm_cpuinfo(f, &cpuinfo_says_none);

        /* An unknown CPUID signature is a VM for sure but "other" is weaker
         * than a name any later probe can give. */
        const char *order[] = { xen, cpuid && !streq(cpuid, "other") ? cpuid : NULL, dmi, acpi, dt, cpuid, flag };
        for (size_t i = 0; i < ELEMENTSOF(order) && !vm; i++)
                vm = order[i];
        if (!vm && (cpuid_checked || cpuinfo_says_none))
                vm = "none";
        vendor = dmi_vendor ? dmi_vendor : acpi_vendor;

        free(f->virt.vm);
        free(f->virt.vm_vendor);
        f->virt.vm = vm ? xstrdup(vm) : NULL;
        f->virt.vm_vendor = vendor ? xstrdup(vendor) : NULL;
        if (!f->virt.vm || !streq(f->virt.vm, "xen")) {
                free(f->virt.xen_mode);
                f->virt.xen_mode = NULL;
        }
        log_debug_topic("virt", "vm=%s vendor=%s xen_mode=%s", strna(f->virt.vm), strna(f->virt.vm_vendor),
                        strna(f->virt.xen_mode));
}

/* ---- container probes ---- */

/* Names as container managers spell $container (systemd's container
 * table); anything else is "other". */
static const char *const container_names[] = {
        "lxc", "lxc-libvirt", "systemd-nspawn", "docker", "podman", "rkt", "wsl", "proot", "pouch",
};

static const char *container_from_name(const char *s) {
        for (size_t i = 0; i < ELEMENTSOF(container_names); i++)
                if (streq(s, container_names[i]))
                        return container_names[i];
        return "other";
}

static const char *detect_container_systemd(struct sysroot *sr, struct facts *f) {
        _cleanup_free_ char *s = read_small(sr, SR_RUN, "systemd/container");

        if (!s || !*s)
                return NULL;
        evidence_file(f, SR_RUN, "systemd/container", s);
        return container_from_name(s);
}

static const char *detect_container_environ(struct sysroot *sr, struct facts *f) {
        _cleanup_free_ char *env = NULL;
        const char *p;
        int r;

        /* NUL-separated; sysroot_read_file made the NULs spaces. */
        r = sysroot_read_file(sr, SR_PROC, "1/environ", 64 * 1024, &env, NULL, NULL);
        if (r < 0) {
                if (r != -ENOENT)
                        log_debug_topic("virt", "pid 1 environment: %s", strerror(-r));
                return NULL;
        }
        for (p = env; (p = strstr(p, "container=")); p++) {
                _cleanup_free_ char *v = NULL;
                size_t l;

                if (p != env && p[-1] != ' ')
                        continue;
                p += strlen("container=");
                l = strcspn(p, " \n");
                if (l == 0)
                        return NULL;
                v = sanitize(p, l > 64 ? 64 : l);
                evidence(f, "pid 1 environment: container=%s", v);
                return container_from_name(v);
        }
        return NULL;
}

static const char *detect_container_files(struct sysroot *sr, struct facts *f) {
        static const struct {
                enum sr_base base;
                const char *rel, *container;
        } markers[] = {
                { SR_RUN, ".containerenv", "podman" },
                { SR_ROOT, ".dockerenv", "docker" },
        };

        for (size_t i = 0; i < ELEMENTSOF(markers); i++)
                if (sysroot_exists(sr, markers[i].base, markers[i].rel)) {
                        _cleanup_free_ char *p = sysroot_display_path(markers[i].base, markers[i].rel);
                        evidence(f, "%s exists", p);
                        return markers[i].container;
                }
        return NULL;
}

static const char *detect_container_openvz(struct sysroot *sr, struct facts *f) {
        /* /proc/vz exists on the OpenVZ host too; /proc/bc only there. */
        if (!sysroot_exists(sr, SR_PROC, "vz") || sysroot_exists(sr, SR_PROC, "bc"))
                return NULL;
        evidence_file(f, SR_PROC, "vz", "exists, and no bc beside it");
        return "openvz";
}

static const char *detect_container_cgroup(struct sysroot *sr, struct facts *f) {
        static const struct {
                const char *needle, *container;
        } cgroup_table[] = {
                { "/docker/", "docker" },
                { "/docker-", "docker" },       /* systemd cgroup driver: docker-ID.scope */
                { "/libpod-", "podman" },
                { "/lxc/", "lxc" },
                { "/lxc.payload", "lxc" },
                { "kubepods", "kubernetes" },
        };
        static const char *const files[] = { "1/cgroup", "self/cgroup" };

        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                _cleanup_free_ char *text = NULL;

                if (sysroot_read_file(sr, SR_PROC, files[i], 64 * 1024, &text, NULL, NULL) < 0)
                        continue;
                for (size_t j = 0; j < ELEMENTSOF(cgroup_table); j++)
                        if (strstr(text, cgroup_table[j].needle)) {
                                _cleanup_free_ char *what = xasprintf("contains \"%s\"", cgroup_table[j].needle);
                                evidence_file(f, SR_PROC, files[i], what);
                                return cgroup_table[j].container;
                        }
                /* PID 1's view is the container's own; ours is only the
                 * fallback when PID 1 cannot be read. */
                return NULL;
        }
        return NULL;
}

static const char *detect_container_wsl(struct sysroot *sr, struct facts *f) {
        _cleanup_free_ char *own = NULL, *shown = NULL;
        const char *rel = f->kernel_release;

        if (!rel)
                rel = own = read_small(sr, SR_PROC, "sys/kernel/osrelease");
        if (!rel || !(strcasestr(rel, "microsoft") || strstr(rel, "WSL")))
                return NULL;
        shown = sanitize(rel, strlen(rel));
        evidence(f, "kernel release: %s", shown);
        return "wsl";
}

static void detect_container(struct sysroot *sr, struct facts *f) {
        const char *(*const probes[])(struct sysroot *, struct facts *) = {
                detect_container_systemd, detect_container_environ, detect_container_files,
                detect_container_openvz, detect_container_cgroup, detect_container_wsl,
        };
        const char *c = NULL;

        for (size_t i = 0; i < ELEMENTSOF(probes) && !c; i++)
                c = probes[i](sr, f);
        free(f->virt.container);
        f->virt.container = c ? xstrdup(c) : NULL;
        log_debug_topic("virt", "container=%s", strna(f->virt.container));
}

void facts_collect_virt(struct sysroot *sr, struct facts *f) {
        strv_free(f->virt.evidence);
        f->virt.evidence = NULL;
        detect_vm(sr, f);
        detect_container(sr, f);
}
