/* SPDX-License-Identifier: MIT */
/*
 * Shared by the virtualization probes (virt-vm.c, virt-container.c) and the
 * decision (virt.c). Each vm probe reads one kind of evidence and answers
 * with a verdict or nothing; virt.c decides between the answers.
 */
#pragma once

#include <stdbool.h>

#include "facts/facts.h"

enum virt_confidence {
        VIRT_CONF_NONE = 0,
        VIRT_CONF_LOW,          /* the evidence fits several answers (kvm-or-qemu, "some VM") */
        VIRT_CONF_MEDIUM,       /* the VMM's firmware or devices name it (DMI, ACPI, PCI ids) */
        VIRT_CONF_HIGH,         /* the hypervisor names itself (CPUID, sysfs, sysinfo, DT node) */
};

struct virt_verdict {
        const char *vm;          /* static; NULL = this probe found nothing */
        const char *vendor;      /* static, may be NULL: who runs it */
        const char *type;        /* "full", "para"; NULL = not said */
        enum virt_confidence confidence;
        char *hypervisor;        /* owned: "z/VM 7.2.0", "PowerVM"; may be NULL */
        const char *probe;       /* static: which probe said so */
};

enum virt_dmi_field {
        VIRT_DMI_SYS_VENDOR,
        VIRT_DMI_PRODUCT_NAME,
        VIRT_DMI_PRODUCT_VERSION,
        VIRT_DMI_BIOS_VENDOR,
        VIRT_DMI_BIOS_VERSION,
        VIRT_DMI_BOARD_VENDOR,
        VIRT_DMI_BOARD_NAME,
        VIRT_DMI_CHASSIS_ASSET_TAG,
        _VIRT_DMI_FIELD_MAX,
};
/* What every probe may need, read once. */
struct virt_ctx {
        struct sysroot *sr;
        struct facts *f;
        char **record;           /* key=value lines of the capture's live record, or NULL */
        char *dmi[_VIRT_DMI_FIELD_MAX]; /* enum virt_dmi_field → value, NULL when absent or empty */
        bool cpuid_known;        /* CPUID asked live, or recorded in the capture */
        bool cpuid_bit;          /* CPUID.1:ECX[31] */
        char cpuid_sig[13];      /* leaf 0x40000000 */
        char cpuid_sig2[13];     /* leaf 0x40000100 (Xen behind viridian) */
        bool cpuid_recorded;
        char *cpuinfo;           /* /proc/cpuinfo, NULL when unreadable */
        /* DMI, decided once by virt_probe_dmi_first() */
        bool dmi_done, dmi_first;
        const char *dmi_vm, *dmi_vendor;
        enum virt_dmi_field dmi_vm_field;
        int smbios_bit;          /* 1 set, 0 clear, -1 unknown */
};

extern const char *const virt_dmi_files[_VIRT_DMI_FIELD_MAX];

void virt_evidence(struct facts *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "<path as the machine names it>: <what>" */
void virt_evidence_file(struct facts *f, enum sr_base base, const char *rel, const char *what);
/* Printable ASCII only, bounded. */
char *virt_sanitize(const char *s, size_t len);
/* First line of a small file, stripped and sanitized; NULL when missing. */
char *virt_read_small(struct sysroot *sr, enum sr_base base, const char *rel);

/* vm probes (virt-vm.c). Each returns true and fills *v when it found
 * something; every finding also goes to the evidence list. */
bool virt_probe_dmi_first(struct virt_ctx *c, struct virt_verdict *v);
bool virt_probe_dmi(struct virt_ctx *c, struct virt_verdict *v);
bool virt_probe_uml(struct virt_ctx *c, struct virt_verdict *v);
bool virt_probe_xen(struct virt_ctx *c, struct virt_verdict *v, bool *ret_dom0);
bool virt_probe_cpuid(struct virt_ctx *c, struct virt_verdict *v);
bool virt_probe_acpi(struct virt_ctx *c, struct virt_verdict *v);
bool virt_probe_clocksource(struct virt_ctx *c, struct virt_verdict *v);
bool virt_probe_pci(struct virt_ctx *c, struct virt_verdict *v);
bool virt_probe_vmbus(struct virt_ctx *c, struct virt_verdict *v);
bool virt_probe_hypervisor_type(struct virt_ctx *c, struct virt_verdict *v);
bool virt_probe_device_tree(struct virt_ctx *c, struct virt_verdict *v);
bool virt_probe_sysinfo(struct virt_ctx *c, struct virt_verdict *v);
bool virt_probe_lparcfg(struct virt_ctx *c, struct virt_verdict *v);
/* SMBIOS "is a VM" bit: 1, 0, -1 unknown (read into c->smbios_bit first). */
int virt_read_smbios_bit(struct virt_ctx *c);
bool virt_probe_smbios_bit(struct virt_ctx *c, struct virt_verdict *v);
bool virt_probe_cpuinfo(struct virt_ctx *c, struct virt_verdict *v, bool *ret_says_none);

/* container probes (virt-container.c): the first answer wins. */
const char *virt_detect_container(struct sysroot *sr, struct facts *f);

/* The capture's record of what only the live machine can tell (CPUID,
 * blkid results), see facts.h FACTS_LIVE_RECORD. */
const char *live_record_get(char *const *record, const char *key);
