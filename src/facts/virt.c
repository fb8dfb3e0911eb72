/* SPDX-License-Identifier: MIT */
/*
 * Virtualization: which hypervisor (vm), who runs it (vendor), how (type:
 * full, para; container when the only layer is a container), how sure we
 * are (confidence), and which container layer, as separate answers
 * (KNOWLEDGE.md: a Firecracker VM with /.dockerenv is vm=kvm AND
 * container=docker; systemd-detect-virt reports only "docker" there).
 *
 * The probes (virt-vm.c, one per kind of evidence) all run, so the evidence
 * list is whole; the decision then takes the first answer in this order,
 * which is systemd's detect_vm() with the file checks of lscpu and
 * virt-what added where systemd has none:
 *
 *  1. DMI names systemd trusts before CPUID: VirtualBox, Xen, Amazon EC2,
 *     Parallels, Google. They name the product even where CPUID says KVM
 *     (Parallels exports "KVMKVMKVM"; EC2 Nitro and GCE are KVM, reported
 *     as vm=kvm with the operator as vendor; EC2 *.metal is vm=none).
 *  2. UML: a process, so it wins over the VM it may run in.
 *  3. Xen from /sys/hypervisor and /proc/xen: before CPUID, because a PV
 *     guest sees the host's CPUID and an HVM guest with viridian shows
 *     "Microsoft Hv". A dom0 waits for CPUID (it may itself be nested).
 *  4. CPUID leaf 0x40000000, live or recorded in the capture: the hypervisor
 *     names itself whatever DMI says (QEMU+KVM writes "QEMU" in DMI).
 *     "Microsoft Hv" and unknown signatures wait: QEMU sets Hyper-V's for
 *     its enlightenments.
 *  5. DMI, then ACPI table OEM IDs (Firecracker, Cloud Hypervisor).
 *  6. What only a hypervisor provides: Hyper-V's VMBus, the kvm-clock / xen
 *     / hyperv clock sources, PCI ids of virtual devices (lscpu's table:
 *     Xen platform 5853:0001, VMware 15ad, VirtualBox 80ee, Hyper-V 1414).
 *  7. /sys/hypervisor/type other than xen, the device tree (arm64, ppc:
 *     hypervisor node, PowerVM, fw-cfg, qemu,pseries, dummy-virt), s390x
 *     /proc/sysinfo (z/VM, KVM, LPAR), ppc64 cpuinfo + lparcfg.
 *  8. The waiting CPUID answers, SMBIOS's "is a VM" bit, the cpuinfo
 *     hypervisor flag: some VM, name unknown ("vm-other").
 *  9. Nothing: "none" when there was a way to see a hypervisor (CPUID, or
 *     an x86 cpuinfo whose flags lack "hypervisor"), else unknown (NULL).
 *
 * QEMU's DMI strings ("QEMU", "Bochs"), its fw-cfg node and its PCI ids are
 * written with and without KVM: alone they give vm "kvm-or-qemu" with low
 * confidence. Another probe naming kvm (kvm-clock, a DT hypervisor node)
 * settles it.
 *
 * Confidence: "high" when the hypervisor names itself (CPUID, sysfs,
 * xenfs, sysinfo, a DT hypervisor node, VMBus), "medium" when its firmware
 * or devices name it (DMI, ACPI, PCI, clock source, lparcfg), "low" when the
 * evidence fits several answers. An independent second probe naming the
 * same vm raises it one step (not for the ambiguous kvm-or-qemu / vm-other); one naming another hypervisor lowers it one
 * step (and says so in the evidence).
 */
#include "facts/facts.h"
#include "facts/virt-internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

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

void virt_evidence(struct facts *f, const char *fmt, ...) {
        va_list ap;
        char *s;

        va_start(ap, fmt);
        if (vasprintf(&s, fmt, ap) < 0)
                abort();
        va_end(ap);
        evidence_push(f, s);
}

void virt_evidence_file(struct facts *f, enum sr_base base, const char *rel, const char *what) {
        _cleanup_free_ char *p = sysroot_display_path(base, rel);
        evidence_push(f, xasprintf("%s: %s", p, what));
}

/* Printable ASCII only, bounded: these strings come from files anyone who
 * built the sysroot could have written. */
char *virt_sanitize(const char *s, size_t len) {
        char *r;

        if (len > SHOWN_MAX)
                len = SHOWN_MAX;
        r = xstrndup(s, len);
        for (char *p = r; *p; p++)
                if ((unsigned char) *p < 0x20 || (unsigned char) *p > 0x7e)
                        *p = '?';
        return r;
}

char *virt_read_small(struct sysroot *sr, enum sr_base base, const char *rel) {
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
        return virt_sanitize(s, strlen(s));
}

static int unhex12(const char *s, char out[static 13]) {
        memset(out, 0, 13);
        if (!s || strlen(s) != 24)
                return -EINVAL;
        for (size_t i = 0; i < 12; i++) {
                unsigned x;
                if (sscanf(s + 2 * i, "%2x", &x) != 1)
                        return -EINVAL;
                out[i] = (char) x;
        }
        return 0;
}

/* CPUID from the machine itself, or from the capture's record. */
static void ctx_cpuid(struct virt_ctx *c) {
        const char *bit, *sig, *sig2;

        if (sysroot_is_live(c->sr)) {
                facts_cpuid_hypervisor(&c->cpuid_known, &c->cpuid_bit, c->cpuid_sig, c->cpuid_sig2);
                return;
        }
        bit = live_record_get(c->record, "cpuid.hypervisor_bit");
        if (!bit || !(streq(bit, "0") || streq(bit, "1")))
                return;
        c->cpuid_known = c->cpuid_recorded = true;
        c->cpuid_bit = streq(bit, "1");
        sig = live_record_get(c->record, "cpuid.40000000");
        sig2 = live_record_get(c->record, "cpuid.40000100");
        if (c->cpuid_bit && unhex12(sig, c->cpuid_sig) < 0) {
                facts_warn(c->f, "%s: cpuid.40000000: not 24 hex digits", FACTS_LIVE_RECORD);
                c->cpuid_known = false;
        }
        if (sig2)
                (void) unhex12(sig2, c->cpuid_sig2);
}

static void ctx_init(struct virt_ctx *c, struct sysroot *sr, struct facts *f) {
        *c = (struct virt_ctx) { .sr = sr, .f = f, .smbios_bit = -1 };
        (void) facts_live_record_load(sr, &c->record);
        ctx_cpuid(c);
        for (size_t i = 0; i < _VIRT_DMI_FIELD_MAX; i++) {
                _cleanup_free_ char *rel = xasprintf("class/dmi/id/%s", virt_dmi_files[i]);
                c->dmi[i] = virt_read_small(sr, SR_SYS, rel);
                if (c->dmi[i] && !*c->dmi[i]) {
                        free(c->dmi[i]);
                        c->dmi[i] = NULL;
                }
        }
        if (sysroot_read_file(sr, SR_PROC, "cpuinfo", 0, &c->cpuinfo, NULL, NULL) < 0)
                c->cpuinfo = NULL;
        c->smbios_bit = virt_read_smbios_bit(c);
}

static void ctx_done(struct virt_ctx *c) {
        strv_free(c->record);
        free(c->cpuinfo);
        for (size_t i = 0; i < _VIRT_DMI_FIELD_MAX; i++)
                free(c->dmi[i]);
}

enum {
        P_DMI, P_UML, P_XEN, P_CPUID, P_ACPI, P_VMBUS, P_CLOCK, P_PCI, P_HVTYPE,
        P_DT, P_SYSINFO, P_LPARCFG, P_SMBIOS, P_CPUINFO, _P_MAX,
};

static const char *const confidence_names[] = {
        [VIRT_CONF_LOW] = "low", [VIRT_CONF_MEDIUM] = "medium", [VIRT_CONF_HIGH] = "high",
};

static void set_str(char **p, const char *s) {
        free(*p);
        *p = s ? xstrdup(s) : NULL;
}

static void detect_vm(struct sysroot *sr, struct facts *f) {
        struct virt_ctx c;
        struct virt_verdict v[_P_MAX] = {};
        bool has[_P_MAX] = {}, dom0 = false, says_none = false, waiting_cpuid;
        int win = -1;
        const char *vm = NULL, *vendor;
        enum virt_confidence conf = VIRT_CONF_NONE;

        ctx_init(&c, sr, f);
        has[P_DMI] = virt_probe_dmi(&c, &v[P_DMI]);
        has[P_UML] = virt_probe_uml(&c, &v[P_UML]);
        has[P_XEN] = virt_probe_xen(&c, &v[P_XEN], &dom0);
        has[P_CPUID] = virt_probe_cpuid(&c, &v[P_CPUID]);
        has[P_ACPI] = virt_probe_acpi(&c, &v[P_ACPI]);
        has[P_VMBUS] = virt_probe_vmbus(&c, &v[P_VMBUS]);
        has[P_CLOCK] = virt_probe_clocksource(&c, &v[P_CLOCK]);
        has[P_PCI] = virt_probe_pci(&c, &v[P_PCI]);
        has[P_HVTYPE] = virt_probe_hypervisor_type(&c, &v[P_HVTYPE]);
        has[P_DT] = virt_probe_device_tree(&c, &v[P_DT]);
        has[P_SYSINFO] = virt_probe_sysinfo(&c, &v[P_SYSINFO]);
        has[P_LPARCFG] = virt_probe_lparcfg(&c, &v[P_LPARCFG]);
        has[P_SMBIOS] = virt_probe_smbios_bit(&c, &v[P_SMBIOS]);
        has[P_CPUINFO] = virt_probe_cpuinfo(&c, &v[P_CPUINFO], &says_none);

        waiting_cpuid = has[P_CPUID] && (streq(v[P_CPUID].vm, "microsoft") || streq(v[P_CPUID].vm, "vm-other"));
        if (has[P_DMI] && c.dmi_first)
                win = P_DMI;
        else if (has[P_UML])
                win = P_UML;
        else if (has[P_XEN] && !dom0)
                win = P_XEN;
        else if (has[P_CPUID] && !waiting_cpuid)
                win = P_CPUID;
        else if (has[P_XEN])
                win = P_XEN;
        else {
                static const int rest[] = { P_DMI, P_ACPI, P_VMBUS, P_CLOCK, P_PCI, P_HVTYPE, P_DT,
                                            P_SYSINFO, P_LPARCFG, P_CPUID, P_SMBIOS, P_CPUINFO };
                for (size_t i = 0; i < ELEMENTSOF(rest) && win < 0; i++)
                        if (has[rest[i]])
                                win = rest[i];
        }

        if (win >= 0) {
                vm = v[win].vm;
                conf = v[win].confidence;
                if (streq(vm, "kvm-or-qemu")) {
                        /* settled by a probe that sees KVM itself */
                        for (int i = 0; i < _P_MAX; i++)
                                if (has[i] && streq(v[i].vm, "kvm")) {
                                        vm = "kvm";
                                        conf = v[i].confidence;
                                        virt_evidence(f, "kvm-or-qemu settled as kvm by the %s probe", v[i].probe);
                                        break;
                                }
                        if (streq(vm, "kvm-or-qemu"))
                                virt_evidence(f, "QEMU's firmware and devices look the same with and without KVM: "
                                                 "only CPUID or a KVM clock tells (not seen here)");
                }
                for (int i = 0; i < _P_MAX; i++)
                        if (i != win && has[i] && streq(v[i].vm, vm) && !streq(v[i].probe, v[win].probe) &&
                            conf < VIRT_CONF_HIGH && conf > VIRT_CONF_NONE && !streq(vm, "kvm-or-qemu") &&
                            !streq(vm, "vm-other")) {
                                conf++;
                                break;
                        }
                /* A probe naming another hypervisor: said, and one step
                 * less sure. */
                for (int i = 0; i < _P_MAX; i++)
                        if (i != win && has[i] && v[i].confidence >= VIRT_CONF_MEDIUM && !streq(v[i].vm, vm) &&
                            !streq(v[i].vm, "vm-other") && !streq(v[i].vm, "kvm-or-qemu") && !streq(v[i].vm, "none") &&
                            !streq(vm, "none")) {
                                virt_evidence(f, "conflict: the %s probe says %s, the %s probe %s", v[win].probe, vm,
                                              v[i].probe, v[i].vm);
                                if (conf > VIRT_CONF_LOW)
                                        conf--;
                                break;
                        }
        } else if (c.cpuid_known || says_none) {
                vm = "none";
                conf = VIRT_CONF_MEDIUM;
        }

        vendor = win >= 0 ? v[win].vendor : NULL;
        if (!vendor && !(vm && streq(vm, "none") && !c.dmi_vendor))
                vendor = c.dmi_vendor ? c.dmi_vendor : has[P_ACPI] ? v[P_ACPI].vendor : NULL;

        set_str(&f->virt.vm, vm);
        set_str(&f->virt.vm_vendor, vendor);
        set_str(&f->virt.confidence, conf > VIRT_CONF_NONE ? confidence_names[conf] : NULL);
        set_str(&f->virt.type, vm && !streq(vm, "none") && win >= 0 ? v[win].type : NULL);
        free(f->virt.hypervisor);
        f->virt.hypervisor = NULL;
        if (win >= 0 && v[win].hypervisor)
                f->virt.hypervisor = xstrdup(v[win].hypervisor);
        if (!vm || !streq(vm, "xen")) {
                free(f->virt.xen_mode);
                f->virt.xen_mode = NULL;
        }

        free(f->virt.dmi_sys_vendor);
        free(f->virt.dmi_product_name);
        free(f->virt.dmi_bios_vendor);
        f->virt.dmi_sys_vendor = TAKE_PTR(c.dmi[VIRT_DMI_SYS_VENDOR]);
        f->virt.dmi_product_name = TAKE_PTR(c.dmi[VIRT_DMI_PRODUCT_NAME]);
        f->virt.dmi_bios_vendor = TAKE_PTR(c.dmi[VIRT_DMI_BIOS_VENDOR]);
        for (int i = 0; i < _P_MAX; i++)
                free(v[i].hypervisor);
        ctx_done(&c);
        log_debug_topic("virt", "vm=%s vendor=%s type=%s confidence=%s", strna(f->virt.vm), strna(f->virt.vm_vendor),
                        strna(f->virt.type), strna(f->virt.confidence));
}

void facts_collect_virt(struct sysroot *sr, struct facts *f) {
        const char *c;

        strv_free(f->virt.evidence);
        f->virt.evidence = NULL;
        detect_vm(sr, f);
        c = virt_detect_container(sr, f);
        set_str(&f->virt.container, c);
        if (c && !f->virt.type)
                set_str(&f->virt.type, "container");
}
