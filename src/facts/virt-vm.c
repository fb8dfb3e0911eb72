/* SPDX-License-Identifier: MIT */
/*
 * The vm probes: one per kind of evidence, in the style of systemd's
 * src/basic/virt.c. Each reads its files through the sysroot, adds one
 * evidence line per finding and answers with a verdict (virt-internal.h)
 * or nothing. Which answer wins is decided in virt.c, not here.
 *
 * Strings and ids are the peers' (each table names its source): systemd
 * src/basic/virt.c, virt-what 1.25, util-linux sys-utils/lscpu-virt.c and
 * cloud-init's tools/ds-identify for the operators.
 */
#include "facts/virt-internal.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

const char *const virt_dmi_files[_VIRT_DMI_FIELD_MAX] = {
        [VIRT_DMI_SYS_VENDOR] = "sys_vendor",
        [VIRT_DMI_PRODUCT_NAME] = "product_name",
        [VIRT_DMI_PRODUCT_VERSION] = "product_version",
        [VIRT_DMI_BIOS_VENDOR] = "bios_vendor",
        [VIRT_DMI_BIOS_VERSION] = "bios_version",
        [VIRT_DMI_BOARD_VENDOR] = "board_vendor",
        [VIRT_DMI_BOARD_NAME] = "board_name",
        [VIRT_DMI_CHASSIS_ASSET_TAG] = "chassis_asset_tag",
};

static void verdict(struct virt_verdict *v, const char *probe, const char *vm, const char *vendor, const char *type,
                    enum virt_confidence conf) {
        free(v->hypervisor);
        *v = (struct virt_verdict) {
                .vm = vm, .vendor = vendor, .type = type, .confidence = conf, .probe = probe,
        };
}

/* ---- DMI ---- */

enum dmi_how { DMI_PREFIX, DMI_EQUAL, DMI_SUBSTR };
#define DMI_ANY _VIRT_DMI_FIELD_MAX /* any of systemd's five fields */

/* vm as systemd names it: "amazon", "google", "qemu" and "bochs" are
 * turned into what they say about the hypervisor in dmi_meaning(). */
static const struct dmi_entry {
        enum virt_dmi_field field;       /* DMI_ANY: systemd's fields, in its order */
        const char *s;
        enum dmi_how how;
        const char *vm, *vendor;
        bool first;                      /* systemd trusts it before CPUID */
        enum virt_dmi_field and_field;   /* second condition when and_s */
        const char *and_s;
} dmi_table[] = {
        /* systemd dmi_vendor_table (prefix of product_name, sys_vendor,
         * board_vendor, bios_vendor, product_version) */
        { DMI_ANY, "KVM", DMI_PREFIX, "kvm", NULL },
        { DMI_ANY, "OpenStack", DMI_PREFIX, "kvm", "openstack" },
        { DMI_ANY, "KubeVirt", DMI_PREFIX, "kvm", "kubevirt" },
        { DMI_ANY, "Amazon EC2", DMI_PREFIX, "amazon", "amazon", true },
        { DMI_ANY, "QEMU", DMI_PREFIX, "qemu", NULL },
        { DMI_ANY, "VMware", DMI_PREFIX, "vmware", NULL },
        { DMI_ANY, "VMW", DMI_PREFIX, "vmware", NULL },
        { DMI_ANY, "innotek GmbH", DMI_PREFIX, "oracle", NULL, true },
        { DMI_ANY, "VirtualBox", DMI_PREFIX, "oracle", NULL, true },
        { DMI_ANY, "Oracle Corporation", DMI_PREFIX, "oracle", NULL, true },
        { DMI_ANY, "Xen", DMI_PREFIX, "xen", NULL, true },
        { DMI_ANY, "Bochs", DMI_PREFIX, "bochs", NULL },
        { DMI_ANY, "Parallels", DMI_PREFIX, "parallels", NULL, true },
        { DMI_ANY, "BHYVE", DMI_PREFIX, "bhyve", NULL },
        { DMI_ANY, "Hyper-V", DMI_PREFIX, "microsoft", NULL },
        { DMI_ANY, "Apple Virtualization", DMI_PREFIX, "apple", NULL },
        { DMI_ANY, "Google Compute Engine", DMI_PREFIX, "google", "google", true },
        /* virt-what 1.25 */
        { VIRT_DMI_SYS_VENDOR, "Microsoft Corporation", DMI_PREFIX, "microsoft", NULL, false,
          VIRT_DMI_PRODUCT_NAME, "Virtual Machine" },
        { VIRT_DMI_SYS_VENDOR, "Nutanix", DMI_PREFIX, "kvm", "nutanix" },       /* nutanix_ahv */
        { VIRT_DMI_SYS_VENDOR, "oVirt", DMI_PREFIX, "kvm", "ovirt" },
        { VIRT_DMI_PRODUCT_NAME, "RHEV Hypervisor", DMI_PREFIX, "kvm", "rhev" },
        { VIRT_DMI_SYS_VENDOR, "Red Hat", DMI_PREFIX, "kvm", "redhat" },
        { VIRT_DMI_SYS_VENDOR, "Alibaba", DMI_PREFIX, NULL, "alibaba" },
        { VIRT_DMI_BIOS_VERSION, ".amazon", DMI_SUBSTR, NULL, "amazon" },     /* aws on Xen: "4.11.amazon" */
        { VIRT_DMI_PRODUCT_NAME, "SmartDC HVM", DMI_PREFIX, "kvm", "joyent" },
        /* cloud-init ds-identify: operators only (dscheck_*) */
        { VIRT_DMI_PRODUCT_NAME, "OpenStack Nova", DMI_PREFIX, NULL, "openstack" },
        { VIRT_DMI_PRODUCT_NAME, "OpenStack Compute", DMI_PREFIX, NULL, "openstack" },
        { VIRT_DMI_CHASSIS_ASSET_TAG, "OpenTelekomCloud", DMI_EQUAL, NULL, "open-telekom-cloud" },
        { VIRT_DMI_CHASSIS_ASSET_TAG, "SAP CCloud VM", DMI_EQUAL, NULL, "sap-converged-cloud" },
        { VIRT_DMI_CHASSIS_ASSET_TAG, "HUAWEICLOUD", DMI_EQUAL, NULL, "huawei-cloud" },
        { VIRT_DMI_CHASSIS_ASSET_TAG, "7783-7084-3265-9085-8269-3286-77", DMI_EQUAL, NULL, "azure" },
        { VIRT_DMI_CHASSIS_ASSET_TAG, "OracleCloud.com", DMI_EQUAL, NULL, "oracle-cloud" },
        { VIRT_DMI_PRODUCT_NAME, "Alibaba Cloud ECS", DMI_PREFIX, NULL, "alibaba" },
        { VIRT_DMI_PRODUCT_NAME, "Exoscale", DMI_PREFIX, NULL, "exoscale" },
        { VIRT_DMI_PRODUCT_NAME, "CloudSigma", DMI_EQUAL, NULL, "cloudsigma" },
        { VIRT_DMI_PRODUCT_NAME, "CloudStack", DMI_PREFIX, NULL, "cloudstack" },
        { VIRT_DMI_PRODUCT_NAME, "3DS Outscale VM", DMI_EQUAL, NULL, "outscale" },
        { VIRT_DMI_BOARD_NAME, "LXD", DMI_EQUAL, NULL, "lxd" },
        { VIRT_DMI_SYS_VENDOR, "Hetzner", DMI_EQUAL, NULL, "hetzner" },
        { VIRT_DMI_SYS_VENDOR, "DigitalOcean", DMI_EQUAL, NULL, "digitalocean" },
        { VIRT_DMI_SYS_VENDOR, "Scaleway", DMI_EQUAL, NULL, "scaleway" },
        { VIRT_DMI_SYS_VENDOR, "Linode", DMI_EQUAL, NULL, "linode" },
        { VIRT_DMI_SYS_VENDOR, "Akamai", DMI_EQUAL, NULL, "linode" },
        { VIRT_DMI_SYS_VENDOR, "Vultr", DMI_EQUAL, NULL, "vultr" },
        { VIRT_DMI_SYS_VENDOR, "UpCloud", DMI_EQUAL, NULL, "upcloud" },
        { VIRT_DMI_SYS_VENDOR, "NWCS", DMI_EQUAL, NULL, "nwcs" },
        { VIRT_DMI_SYS_VENDOR, "e24cloud", DMI_EQUAL, NULL, "e24cloud" },
        { VIRT_DMI_SYS_VENDOR, "Google", DMI_PREFIX, NULL, "google" },
};

/* systemd's order: product_name before sys_vendor ("KVM" over "QEMU"). */
static const enum virt_dmi_field dmi_order[] = {
        VIRT_DMI_PRODUCT_NAME, VIRT_DMI_SYS_VENDOR, VIRT_DMI_BOARD_VENDOR,
        VIRT_DMI_BIOS_VENDOR, VIRT_DMI_PRODUCT_VERSION, VIRT_DMI_BIOS_VERSION,
        VIRT_DMI_BOARD_NAME, VIRT_DMI_CHASSIS_ASSET_TAG,
};

static bool dmi_is(const char *value, const char *s, enum dmi_how how) {
        if (!value)
                return false;
        switch (how) {
        case DMI_PREFIX:
                return startswith(value, s);
        case DMI_EQUAL:
                return streq(value, s);
        case DMI_SUBSTR:
                return strstr(value, s);
        }
        return false;
}

static bool dmi_field_in_any(enum virt_dmi_field f) {
        return f == VIRT_DMI_PRODUCT_NAME || f == VIRT_DMI_SYS_VENDOR || f == VIRT_DMI_BOARD_VENDOR ||
               f == VIRT_DMI_BIOS_VENDOR || f == VIRT_DMI_PRODUCT_VERSION;
}

static void dmi_decide(struct virt_ctx *c) {
        bool shown[_VIRT_DMI_FIELD_MAX] = {};

        if (c->dmi_done)
                return;
        c->dmi_done = true;
        for (size_t o = 0; o < ELEMENTSOF(dmi_order); o++) {
                enum virt_dmi_field fld = dmi_order[o];

                for (size_t i = 0; i < ELEMENTSOF(dmi_table); i++) {
                        const struct dmi_entry *e = &dmi_table[i];

                        if (e->field == DMI_ANY ? !dmi_field_in_any(fld) : e->field != fld)
                                continue;
                        if (!dmi_is(c->dmi[fld], e->s, e->how))
                                continue;
                        if (e->and_s && !dmi_is(c->dmi[e->and_field], e->and_s, DMI_PREFIX))
                                continue;
                        if (!shown[fld]) {
                                virt_evidence(c->f, "dmi %s: %s", virt_dmi_files[fld], c->dmi[fld]);
                                shown[fld] = true;
                        }
                        if (e->and_s && !shown[e->and_field]) {
                                virt_evidence(c->f, "dmi %s: %s", virt_dmi_files[e->and_field], c->dmi[e->and_field]);
                                shown[e->and_field] = true;
                        }
                        if (!c->dmi_vm && e->vm) {
                                c->dmi_vm = e->vm;
                                c->dmi_first = e->first;
                                c->dmi_vm_field = fld;
                        }
                        if (!c->dmi_vendor && e->vendor)
                                c->dmi_vendor = e->vendor;
                }
        }
}

/* What a DMI answer says about the hypervisor. */
static bool dmi_meaning(struct virt_ctx *c, struct virt_verdict *v) {
        const char *vm = c->dmi_vm;

        if (!vm)
                return false;
        if (streq(vm, "amazon")) {
                /* EC2 sells bare metal with the same strings. systemd: the
                 * SMBIOS "is a VM" bit first, else the product name's
                 * ".metal" suffix ("m5.metal", "c7g.metal-48xl"). */
                const char *pn = c->dmi[VIRT_DMI_PRODUCT_NAME], *e = pn ? strstr(pn, ".metal") : NULL;

                if (c->smbios_bit == 0 || (c->smbios_bit < 0 && e && (e[6] == '\0' || e[6] == '-'))) {
                        virt_evidence(c->f, "amazon ec2 bare metal: %s",
                                      c->smbios_bit == 0 ? "smbios says not a virtual machine" : "product name has .metal");
                        verdict(v, "dmi", "none", "amazon", NULL, VIRT_CONF_MEDIUM);
                        return true;
                }
                /* Nitro instances run on KVM (the Xen-era ones say "Xen" in
                 * DMI and never reach here). */
                verdict(v, "dmi", "kvm", "amazon", "full", VIRT_CONF_MEDIUM);
                return true;
        }
        if (streq(vm, "google")) {
                verdict(v, "dmi", "kvm", "google", "full", VIRT_CONF_MEDIUM);
                return true;
        }
        if (streq(vm, "qemu") || streq(vm, "bochs")) {
                /* QEMU writes these strings with and without KVM: only CPUID
                 * (or a KVM-only device) tells them apart. */
                verdict(v, "dmi", "kvm-or-qemu", c->dmi_vendor, "full", VIRT_CONF_LOW);
                return true;
        }
        verdict(v, "dmi", vm, c->dmi_vendor, "full", VIRT_CONF_MEDIUM);
        return true;
}

bool virt_probe_dmi_first(struct virt_ctx *c, struct virt_verdict *v) {
        dmi_decide(c);
        return c->dmi_first && dmi_meaning(c, v);
}

bool virt_probe_dmi(struct virt_ctx *c, struct virt_verdict *v) {
        dmi_decide(c);
        if (!dmi_meaning(c, v)) {
                if (!c->dmi_vendor)
                        return false;
                /* An operator alone says nothing about the hypervisor. */
                verdict(v, "dmi", NULL, c->dmi_vendor, NULL, VIRT_CONF_NONE);
                return false;
        }
        return true;
}

/* systemd detect_vm_smbios(): BIOS Characteristics Extension Byte 2, bit 4
 * "is a virtual machine" (root-only file). */
bool virt_probe_smbios_bit(struct virt_ctx *c, struct virt_verdict *v) {
        if (c->smbios_bit != 1)
                return false;
        verdict(v, "smbios", "vm-other", NULL, "full", VIRT_CONF_LOW);
        return true;
}

int virt_read_smbios_bit(struct virt_ctx *c) {
        static const char rel[] = "firmware/dmi/entries/0-0/raw";
        unsigned char buf[32];
        ssize_t n;
        int fd;

        fd = sysroot_openat(c->sr, SR_SYS, rel, O_RDONLY, 0);
        if (fd < 0)
                return -1;
        n = read(fd, buf, sizeof buf);
        close(fd);
        /* byte 1: length (0x12 + extension bytes); byte 19: extension 2 */
        if (n < 20 || buf[1] < 20)
                return -1;
        virt_evidence_file(c->f, SR_SYS, rel, buf[19] & (1u << 4) ? "bios says virtual machine"
                                                                   : "bios does not say virtual machine");
        return !!(buf[19] & (1u << 4));
}

/* ---- CPUID (live, or recorded in the capture) ---- */

static const struct {
        char sig[13];
        const char *vm;
} cpuid_table[] = {
        /* systemd vm_table */
        { "XenVMMXenVMM", "xen" },
        { "KVMKVMKVM", "kvm" },
        { "Linux KVM Hv", "kvm" },      /* KVM with Hyper-V enlightenments */
        { "TCGTCGTCGTCG", "qemu" },
        { "VMwareVMware", "vmware" },
        { "Microsoft Hv", "microsoft" },
        { "bhyve bhyve ", "bhyve" },
        { "QNXQVMBSQG", "qnx" },
        { "ACRNACRNACRN", "acrn" },
        { "SRESRESRESRE", "sre" },
        { "Apple VZ", "apple" },
        /* virt-what, lscpu */
        { "prl hyperv  ", "parallels" },
        { "VBoxVBoxVBox", "oracle" },
        { "LKVMLKVMLKVM", "kvm" },      /* kvmtool */
        { "UnisysSpar64", "spar" },
        { "OpenBSDVMM58", "vmm" },
};

static const char *cpuid_name(const char sig[static 13]) {
        for (size_t i = 0; i < ELEMENTSOF(cpuid_table); i++)
                if (memcmp(sig, cpuid_table[i].sig, 12) == 0)
                        return cpuid_table[i].vm;
        return NULL;
}

bool virt_probe_cpuid(struct virt_ctx *c, struct virt_verdict *v) {
        const char *how = c->cpuid_recorded ? " (recorded)" : "";
        _cleanup_free_ char *shown = NULL;
        const char *vm;

        if (!c->cpuid_known)
                return false;
        if (!c->cpuid_bit) {
                virt_evidence(c->f, "cpuid: hypervisor bit clear%s", how);
                return false;
        }
        shown = virt_sanitize(c->cpuid_sig, strnlen(c->cpuid_sig, 12));
        virt_evidence(c->f, "cpuid leaf 0x40000000: %s%s", shown, how);
        vm = cpuid_name(c->cpuid_sig);
        if (vm && streq(vm, "microsoft") && memcmp(c->cpuid_sig2, "XenVMMXenVMM", 12) == 0) {
                /* Xen with viridian moves its own leaves up by 0x100. */
                virt_evidence(c->f, "cpuid leaf 0x40000100: XenVMMXenVMM%s", how);
                vm = "xen";
        }
        verdict(v, "cpuid", vm ? vm : "vm-other", NULL, "full", vm ? VIRT_CONF_HIGH : VIRT_CONF_LOW);
        return true;
}

/* ---- Xen: /sys/hypervisor, /proc/xen ---- */

/* xen/include/public/features.h; the masks are lscpu's */
#define XENFEAT_supervisor_mode_kernel 3
#define XENFEAT_mmu_pt_update_preserve_ad 5
#define XENFEAT_hvm_callback_vector 8
#define XENFEAT_dom0 11

bool virt_probe_xen(struct virt_ctx *c, struct virt_verdict *v, bool *ret_dom0) {
        static const struct {
                const char *guest_type, *mode, *type;
        } guest_types[] = {
                { "HVM", "hvm", "full" },
                { "PVH", "pvh", "para" },
                { "PV", "pv", "para" },
        };
        _cleanup_free_ char *type = virt_read_small(c->sr, SR_SYS, "hypervisor/type");
        _cleanup_free_ char *guest = NULL, *caps = NULL, *feat = NULL;
        const char *mode = NULL, *vtype = NULL;
        bool procxen = sysroot_exists(c->sr, SR_PROC, "xen");
        bool dom0 = false;

        *ret_dom0 = false;
        if (type && streq(type, "xen"))
                virt_evidence_file(c->f, SR_SYS, "hypervisor/type", "xen");
        else if (!procxen)
                return false;
        if (procxen)
                virt_evidence_file(c->f, SR_PROC, "xen", "exists");

        /* Since 4.15 the kernel says which kind of guest it is. */
        guest = virt_read_small(c->sr, SR_SYS, "hypervisor/guest_type");
        for (size_t i = 0; guest && i < ELEMENTSOF(guest_types); i++)
                if (streq(guest, guest_types[i].guest_type)) {
                        mode = guest_types[i].mode;
                        vtype = guest_types[i].type;
                        virt_evidence_file(c->f, SR_SYS, "hypervisor/guest_type", guest);
                        break;
                }
        feat = virt_read_small(c->sr, SR_SYS, "hypervisor/properties/features");
        if (feat) {
                unsigned long x;
                char *end;

                errno = 0;
                x = strtoul(feat, &end, 16);
                if (errno == 0 && end != feat && *end == '\0') {
                        virt_evidence_file(c->f, SR_SYS, "hypervisor/properties/features", feat);
                        if (x & (1ul << XENFEAT_dom0))
                                dom0 = true;
                        if (!vtype) {
                                if (x & (1ul << XENFEAT_mmu_pt_update_preserve_ad))
                                        mode = "pv", vtype = "para";
                                else if ((x & ((1ul << XENFEAT_supervisor_mode_kernel) | (1ul << XENFEAT_hvm_callback_vector))) ==
                                         ((1ul << XENFEAT_supervisor_mode_kernel) | (1ul << XENFEAT_hvm_callback_vector)))
                                        mode = "pvh", vtype = "para";
                        }
                }
        }
        /* xenfs: an empty capabilities file is a domU, "control_d" the
         * control domain. */
        caps = virt_read_small(c->sr, SR_PROC, "xen/capabilities");
        if (caps) {
                virt_evidence_file(c->f, SR_PROC, "xen/capabilities", *caps ? caps : "empty (domU)");
                if (strstr(caps, "control_d"))
                        dom0 = true;
        }
        /* lscpu: /proc/xen without /sys/hypervisor is a PV guest. */
        if (!vtype && procxen && !(type && streq(type, "xen")))
                mode = "pv", vtype = "para";
        if (dom0)
                mode = "dom0", vtype = NULL;
        verdict(v, "xen", "xen", NULL, vtype ? vtype : "full", VIRT_CONF_HIGH);
        if (dom0)
                v->type = NULL;
        free(c->f->virt.xen_mode);
        c->f->virt.xen_mode = mode ? xstrdup(mode) : NULL;
        *ret_dom0 = dom0;
        return true;
}

/* systemd detect_vm_hypervisor(): anything but xen is some other VM. */
bool virt_probe_hypervisor_type(struct virt_ctx *c, struct virt_verdict *v) {
        _cleanup_free_ char *type = virt_read_small(c->sr, SR_SYS, "hypervisor/type");

        /* a name ("xen", "s390"...); garbage is not a hypervisor */
        if (!type || !*type || streq(type, "xen") || type[strspn(type, "abcdefghijklmnopqrstuvwxyz0123456789_-")])
                return false;
        virt_evidence_file(c->f, SR_SYS, "hypervisor/type", type);
        verdict(v, "hypervisor-type", "vm-other", NULL, "full", VIRT_CONF_MEDIUM);
        return true;
}

/* ---- UML ---- */

static const char *cpuinfo_field(const char *text, const char *key, size_t *ret_len) {
        size_t n = strlen(key);

        for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
                const char *p;

                if (strncmp(l, key, n) != 0)
                        continue;
                p = l + n;
                while (*p == ' ' || *p == '\t')
                        p++;
                if (*p != ':')
                        continue;
                p++;
                while (*p == ' ' || *p == '\t')
                        p++;
                *ret_len = strcspn(p, "\n");
                return p;
        }
        return NULL;
}

static char *cpuinfo_value(struct virt_ctx *c, const char *key) {
        size_t n;
        const char *p = c->cpuinfo ? cpuinfo_field(c->cpuinfo, key, &n) : NULL;

        return p ? virt_sanitize(p, n) : NULL;
}

bool virt_probe_uml(struct virt_ctx *c, struct virt_verdict *v) {
        _cleanup_free_ char *vendor = cpuinfo_value(c, "vendor_id"), *model = cpuinfo_value(c, "model name");

        /* systemd: vendor_id "User Mode Linux"; lscpu: "UML" in the model. */
        if (vendor && startswith(vendor, "User Mode Linux"))
                virt_evidence(c->f, "cpuinfo vendor_id: %s", vendor);
        else if (model && strstr(model, "UML"))
                virt_evidence(c->f, "cpuinfo model name: %s", model);
        else
                return false;
        verdict(v, "uml", "uml", NULL, "para", VIRT_CONF_HIGH);
        return true;
}

/* ---- ACPI table OEM ID ---- */

/* Bytes 10..15 of an ACPI table header (ACPI spec, "System Description
 * Table Header"): Firecracker and Cloud Hypervisor have no DMI but sign
 * their tables. */
static const struct {
        char oem_id[7];
        const char *vm, *vendor;
} acpi_oems[] = {
        { "FIRECK", "kvm", "firecracker" },     /* Firecracker runs on KVM only */
        { "CLOUDH", "vm-other", "cloud-hypervisor" }, /* KVM or MSHV */
};

bool virt_probe_acpi(struct virt_ctx *c, struct virt_verdict *v) {
        static const char *const tables[] = { "DSDT", "FACP", "APIC" };

        for (size_t t = 0; t < ELEMENTSOF(tables); t++) {
                _cleanup_free_ char *rel = xasprintf("firmware/acpi/tables/%s", tables[t]);
                _cleanup_free_ char *buf = NULL;
                size_t len;

                /* Root-only files: EACCES is "not this one". */
                if (sysroot_read_file(c->sr, SR_SYS, rel, 36, &buf, &len, NULL) < 0 || len < 16)
                        continue;
                for (size_t i = 0; i < ELEMENTSOF(acpi_oems); i++)
                        if (memcmp(buf + 10, acpi_oems[i].oem_id, 6) == 0) {
                                virt_evidence(c->f, "acpi %s oem id: %s", tables[t], acpi_oems[i].oem_id);
                                verdict(v, "acpi", acpi_oems[i].vm, acpi_oems[i].vendor, "full",
                                        streq(acpi_oems[i].vm, "vm-other") ? VIRT_CONF_LOW : VIRT_CONF_MEDIUM);
                                return true;
                        }
                return false; /* one readable table tells the OEM */
        }
        return false;
}

/* ---- clock sources ---- */

/* The kernel registers these only under their hypervisor: kvm-clock when
 * CPUID shows KVM's leaves (arch/x86/kernel/kvmclock.c, kvm_para_available),
 * xen under Xen, hyperv_clocksource_* under Hyper-V. A file-only way to
 * tell KVM from TCG behind QEMU's DMI strings. */
static const struct {
        const char *name, *vm;
} clocksources[] = {
        { "kvm-clock", "kvm" },
        { "xen", "xen" },
        { "hyperv_clocksource_tsc_page", "microsoft" },
        { "hyperv_clocksource_msr", "microsoft" },
};

bool virt_probe_clocksource(struct virt_ctx *c, struct virt_verdict *v) {
        static const char rel[] = "devices/system/clocksource/clocksource0/available_clocksource";
        _cleanup_free_ char *s = virt_read_small(c->sr, SR_SYS, rel);
        _cleanup_strv_ char **names = NULL;

        if (!s)
                return false;
        names = strv_split(s, " ");
        for (size_t i = 0; i < ELEMENTSOF(clocksources); i++)
                if (strv_contains(names, clocksources[i].name)) {
                        virt_evidence_file(c->f, SR_SYS, rel, clocksources[i].name);
                        verdict(v, "clocksource", clocksources[i].vm, NULL, "full", VIRT_CONF_MEDIUM);
                        return true;
                }
        return false;
}

/* ---- PCI ids ---- */

static const struct {
        unsigned vendor, device;        /* device 0xffffffff: any */
        const char *vm, *what;
        enum virt_confidence conf;
} pci_table[] = {
        /* lscpu hv_vendor_pci/hv_graphics_pci */
        { 0x5853, 0x0001, "xen", "Xen platform device (HVM guest)", VIRT_CONF_MEDIUM },
        { 0x15ad, 0xffffffff, "vmware", "VMware virtual device", VIRT_CONF_MEDIUM },
        { 0x80ee, 0xbeef, "oracle", "VirtualBox graphics adapter", VIRT_CONF_MEDIUM },
        { 0x80ee, 0xcafe, "oracle", "VirtualBox guest service", VIRT_CONF_MEDIUM },
        { 0x1414, 0x5353, "microsoft", "Hyper-V virtual VGA", VIRT_CONF_MEDIUM },
        { 0x1ab8, 0xffffffff, "parallels", "Parallels virtual device", VIRT_CONF_MEDIUM },
        /* QEMU's own devices: with or without KVM */
        { 0x1b36, 0xffffffff, "kvm-or-qemu", "QEMU device (Red Hat 1b36)", VIRT_CONF_LOW },
        { 0x1234, 0x1111, "kvm-or-qemu", "QEMU standard VGA", VIRT_CONF_LOW },
};

static bool pci_match(struct virt_ctx *c, struct virt_verdict *v, unsigned ven, unsigned dev, const char *where) {
        for (size_t i = 0; i < ELEMENTSOF(pci_table); i++)
                if (pci_table[i].vendor == ven && (pci_table[i].device == 0xffffffff || pci_table[i].device == dev)) {
                        virt_evidence(c->f, "%s: pci %04x:%04x, %s", where, ven, dev, pci_table[i].what);
                        verdict(v, "pci", pci_table[i].vm, NULL, "full", pci_table[i].conf);
                        return true;
                }
        return false;
}

bool virt_probe_pci(struct virt_ctx *c, struct virt_verdict *v) {
        _cleanup_free_ char *text = NULL;
        _cleanup_strv_ char **devs = NULL;

        /* drivers/pci/proc.c: "BBDF\tVVVVDDDD\t..." per function */
        if (sysroot_read_file(c->sr, SR_PROC, "bus/pci/devices", 0, &text, NULL, NULL) >= 0) {
                _cleanup_free_ char *where = sysroot_display_path(SR_PROC, "bus/pci/devices");

                for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
                        unsigned bdf, ven, dev;

                        if (sscanf(l, "%4x\t%4x%4x", &bdf, &ven, &dev) == 3 && pci_match(c, v, ven, dev, where))
                                return true;
                }
                return false;
        }
        if (sysroot_list_dir(c->sr, SR_SYS, "bus/pci/devices", &devs) < 0)
                return false;
        for (char **d = devs; *d; d++) {
                _cleanup_free_ char *rv = xasprintf("bus/pci/devices/%s/vendor", *d);
                _cleanup_free_ char *rd = xasprintf("bus/pci/devices/%s/device", *d);
                _cleanup_free_ char *rel = xasprintf("bus/pci/devices/%s", *d);
                _cleanup_free_ char *where = sysroot_display_path(SR_SYS, rel);
                _cleanup_free_ char *sv = virt_read_small(c->sr, SR_SYS, rv), *sd = virt_read_small(c->sr, SR_SYS, rd);
                unsigned ven, dev;

                if (sv && sd && sscanf(sv, "%x", &ven) == 1 && sscanf(sd, "%x", &dev) == 1 &&
                    pci_match(c, v, ven, dev, where))
                        return true;
        }
        return false;
}

/* ---- Hyper-V VMBus ---- */

bool virt_probe_vmbus(struct virt_ctx *c, struct virt_verdict *v) {
        _cleanup_strv_ char **devs = NULL;
        _cleanup_free_ char *what = NULL;

        if (sysroot_list_dir(c->sr, SR_SYS, "bus/vmbus/devices", &devs) < 0 || !devs || !devs[0])
                return false;
        what = xasprintf("%zu device%s (Hyper-V VMBus)", strv_length(devs), devs[1] ? "s" : "");
        virt_evidence_file(c->f, SR_SYS, "bus/vmbus/devices", what);
        verdict(v, "vmbus", "microsoft", NULL, "full", VIRT_CONF_HIGH);
        return true;
}

/* ---- device tree (arm, ppc, riscv) ---- */

/* "compatible" is a NUL-separated list; the sysroot reader made the NULs
 * spaces. */
static bool dt_compatible(const char *list, const char *s) {
        _cleanup_strv_ char **l = list ? strv_split(list, " ") : NULL;
        return strv_contains(l, s);
}

bool virt_probe_device_tree(struct virt_ctx *c, struct virt_verdict *v) {
        _cleanup_free_ char *hv = virt_read_small(c->sr, SR_PROC, "device-tree/hypervisor/compatible");
        _cleanup_free_ char *compat = virt_read_small(c->sr, SR_PROC, "device-tree/compatible");
        _cleanup_strv_ char **nodes = NULL;
        const char *fwcfg = NULL;

        if (hv && *hv) {
                /* systemd: linux,kvm → kvm; xen, vmware by substring; else
                 * some VM. */
                virt_evidence_file(c->f, SR_PROC, "device-tree/hypervisor/compatible", hv);
                if (dt_compatible(hv, "linux,kvm"))
                        /* pseries guests are paravirtualized (lscpu) */
                        verdict(v, "device-tree", "kvm", NULL, dt_compatible(compat, "qemu,pseries") ? "para" : "full",
                                VIRT_CONF_HIGH);
                else if (strstr(hv, "xen"))
                        verdict(v, "device-tree", "xen", NULL, "para", VIRT_CONF_HIGH);
                else if (strstr(hv, "vmware"))
                        verdict(v, "device-tree", "vmware", NULL, "full", VIRT_CONF_HIGH);
                else
                        verdict(v, "device-tree", "vm-other", NULL, "full", VIRT_CONF_MEDIUM);
                return true;
        }
        /* PowerVM (pHyp): systemd's and lscpu's test. */
        if (sysroot_exists(c->sr, SR_PROC, "device-tree/ibm,partition-name") &&
            sysroot_exists(c->sr, SR_PROC, "device-tree/hmc-managed?") &&
            !sysroot_exists(c->sr, SR_PROC, "device-tree/chosen/qemu,graphic-width")) {
                _cleanup_free_ char *pn = virt_read_small(c->sr, SR_PROC, "device-tree/ibm,partition-name");

                _cleanup_free_ char *what = xasprintf("ibm,partition-name %s, hmc-managed?, no qemu,graphic-width",
                                                      strna(pn));
                virt_evidence_file(c->f, SR_PROC, "device-tree", what);
                verdict(v, "device-tree", "powervm", "ibm", pn && streq(pn, "full") ? NULL : "para", VIRT_CONF_MEDIUM);
                v->hypervisor = xstrdup("PowerVM");
                return true;
        }
        if (dt_compatible(compat, "ibm,powernv")) {
                virt_evidence_file(c->f, SR_PROC, "device-tree/compatible", "ibm,powernv (bare metal)");
                verdict(v, "device-tree", "none", NULL, NULL, VIRT_CONF_MEDIUM);
                return true;
        }
        if (sysroot_list_dir(c->sr, SR_PROC, "device-tree", &nodes) >= 0)
                for (char **n = nodes; *n && !fwcfg; n++)
                        if (strstr(*n, "fw-cfg"))
                                fwcfg = *n;
        if (fwcfg) {
                /* QEMU's firmware configuration device: QEMU, with or
                 * without KVM (virt-what: "not enough information"). */
                _cleanup_free_ char *rel = xasprintf("device-tree/%s", fwcfg);
                virt_evidence_file(c->f, SR_PROC, rel, "exists (QEMU fw-cfg)");
                verdict(v, "device-tree", "kvm-or-qemu", NULL, "full", VIRT_CONF_LOW);
                return true;
        }
        if (dt_compatible(compat, "qemu,pseries")) {
                virt_evidence_file(c->f, SR_PROC, "device-tree/compatible", "qemu,pseries");
                verdict(v, "device-tree", "kvm-or-qemu", NULL, "para", VIRT_CONF_LOW);
                return true;
        }
        if (dt_compatible(compat, "linux,dummy-virt")) {
                /* kvmtool's machine (virt-what: lkvm, KVM only), or QEMU's
                 * "virt" seen without its fw-cfg node (older captures
                 * have no node directories): KVM or QEMU. */
                virt_evidence_file(c->f, SR_PROC, "device-tree/compatible", "linux,dummy-virt, no fw-cfg");
                verdict(v, "device-tree", "kvm-or-qemu", NULL, "full", VIRT_CONF_LOW);
                return true;
        }
        return false;
}

/* ---- s390x: /proc/sysinfo ---- */

/* "VM00 Control Program: z/VM    7.2.0  " → "z/VM 7.2.0" */
static char *squeeze(const char *s, size_t n) {
        char *r = xmalloc(n + 1), *o = r;
        bool space = false;

        for (size_t i = 0; i < n; i++) {
                unsigned char ch = s[i];
                if (isspace(ch)) {
                        space = o != r;
                        continue;
                }
                if (space)
                        *o++ = ' ';
                space = false;
                *o++ = ch >= 0x20 && ch <= 0x7e ? ch : '?';
        }
        *o = '\0';
        return r;
}

bool virt_probe_sysinfo(struct virt_ctx *c, struct virt_verdict *v) {
        _cleanup_free_ char *text = NULL, *cp0 = NULL, *outer = NULL;
        unsigned levels = 0;
        bool lpar = false;

        if (sysroot_read_file(c->sr, SR_PROC, "sysinfo", 0, &text, NULL, NULL) < 0)
                return false;
        for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
                unsigned lvl;
                int n = 0;

                if (startswith(l, "LPAR "))
                        lpar = true;
                /* "VMnn Control Program:": level 00 is the one we run in
                 * (systemd and lscpu read it); more levels = nested. */
                if (sscanf(l, "VM%2u Control Program:%n", &lvl, &n) == 1 && n > 0) {
                        char *cp = squeeze(l + n, strcspn(l + n, "\n"));
                        levels++;
                        if (lvl == 0 && !cp0)
                                cp0 = cp;
                        else if (lvl > 0 && !outer)
                                outer = cp;
                        else
                                free(cp);
                }
        }
        if (cp0) {
                const char *vm = startswith(cp0, "z/VM") ? "zvm" : strstr(cp0, "KVM") ? "kvm" : "vm-other";

                virt_evidence_file(c->f, SR_PROC, "sysinfo", cp0);
                verdict(v, "sysinfo", vm, streq(vm, "zvm") ? "ibm" : NULL, "full", VIRT_CONF_HIGH);
                if (outer) {
                        _cleanup_free_ char *what = xasprintf("nested in %s", outer);
                        virt_evidence_file(c->f, SR_PROC, "sysinfo", what);
                        v->hypervisor = xasprintf("%s (nested in %s)", cp0, outer);
                } else
                        v->hypervisor = TAKE_PTR(cp0);
                return true;
        }
        if (lpar) {
                /* The machine's own partitioning firmware (lscpu: IBM
                 * PR/SM, full; virt-what: ibm_systemz-lpar; systemd: none). */
                virt_evidence_file(c->f, SR_PROC, "sysinfo", "LPAR, no VM level");
                verdict(v, "sysinfo", "prsm", "ibm", "full", VIRT_CONF_HIGH);
                v->hypervisor = xstrdup("PR/SM");
                return true;
        }
        return false;
}

/* ---- ppc64: cpuinfo platform, /proc/ppc64/lparcfg (virt-what) ---- */

bool virt_probe_lparcfg(struct virt_ctx *c, struct virt_verdict *v) {
        _cleanup_free_ char *platform = cpuinfo_value(c, "platform"), *model = cpuinfo_value(c, "model");
        _cleanup_free_ char *lpar = NULL;
        bool qemu = false, shared = false;

        if (!platform || !strstr(platform, "pSeries"))
                return false;
        virt_evidence(c->f, "cpuinfo platform: %s", platform);
        if (model && strstr(model, "emulated by qemu")) {
                virt_evidence(c->f, "cpuinfo model: %s", model);
                qemu = true;
        }
        if (sysroot_read_file(c->sr, SR_PROC, "ppc64/lparcfg", 0, &lpar, NULL, NULL) >= 0) {
                if (strstr(lpar, "emulated by qemu")) {
                        virt_evidence_file(c->f, SR_PROC, "ppc64/lparcfg", "system_type emulated by qemu");
                        qemu = true;
                }
                if (strstr(lpar, "shared_processor_mode=1")) {
                        virt_evidence_file(c->f, SR_PROC, "ppc64/lparcfg", "shared_processor_mode=1");
                        shared = true;
                }
        }
        if (qemu) {
                verdict(v, "lparcfg", "kvm-or-qemu", NULL, "para", VIRT_CONF_LOW);
                return true;
        }
        verdict(v, "lparcfg", "powervm", "ibm", "para", VIRT_CONF_MEDIUM);
        v->hypervisor = xstrdup(shared ? "PowerVM (shared processors)" : "PowerVM (dedicated processors)");
        return true;
}

/* ---- cpuinfo hypervisor flag ---- */

bool virt_probe_cpuinfo(struct virt_ctx *c, struct virt_verdict *v, bool *ret_says_none) {
        /* "cpu family" exists only in x86 cpuinfo; there the hypervisor
         * flag is CPUID.1:ECX[31] as the kernel read it. */
        bool x86 = c->f->cpu.flags_line && c->f->cpu.family >= 0;

        *ret_says_none = false;
        if (c->f->cpu.hypervisor) {
                virt_evidence(c->f, "cpuinfo flags: hypervisor");
                verdict(v, "cpuinfo", "vm-other", NULL, "full", VIRT_CONF_LOW);
                return true;
        }
        if (x86) {
                virt_evidence(c->f, "cpuinfo flags: no hypervisor flag");
                *ret_says_none = true;
        }
        return false;
}
