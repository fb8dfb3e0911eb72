/* SPDX-License-Identifier: MIT */
/*
 * facts_collect_virt against small sysroots built in a temporary directory:
 * one case per machine kind, the vm and container layers checked apart.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "facts/facts.h"
#include "sysroot.h"
#include "util.h"
#include "tests/unit/sysroot-fixture.h"

#define F(p, s) { .path = p, .data = s, .len = sizeof(s) - 1 }
#define D(p) { .path = p "/" }

#define CPU_VM "processor : 0\nvendor_id : GenuineIntel\ncpu family : 6\nmodel : 85\nflags : fpu hypervisor avx2\n"
#define CPU_METAL "processor : 0\nvendor_id : GenuineIntel\ncpu family : 6\nmodel : 85\nflags : fpu avx2\n"
#define ACPI_HDR(oem) "DSDT\x53\x0f\0\0\x02\x77" oem "FCVMDSDT\0\0\0\0FCAT\x19\x01\x24\0"

static const struct virt_case {
        const char *name;
        struct fixture_file files[8];
        const char *vm, *vendor, *container, *xen_mode;
} cases[] = {
        { "firecracker with /.dockerenv (this workplace)",
          { F("proc/cpuinfo", CPU_VM), F(".dockerenv", ""), F("sys/firmware/acpi/tables/DSDT", ACPI_HDR("FIRECK")) },
          "kvm", "firecracker", "docker", NULL },
        { "firecracker without readable acpi: only the flag",
          { F("proc/cpuinfo", CPU_VM), F(".dockerenv", "") },
          "vm-other", NULL, "docker", NULL },
        { "ovh public cloud (openstack)",
          { F("proc/cpuinfo", CPU_VM), F("sys/class/dmi/id/sys_vendor", "OpenStack Foundation\n"),
            F("sys/class/dmi/id/product_name", "OpenStack Nova\n") },
          "kvm", "openstack", NULL, NULL },
        { "qemu/kvm with plain dmi",
          { F("proc/cpuinfo", CPU_VM), F("sys/class/dmi/id/sys_vendor", "QEMU\n"),
            F("sys/class/dmi/id/product_name", "Standard PC (Q35 + ICH9, 2009)\n") },
          "kvm-or-qemu", NULL, NULL, NULL }, /* the same strings with and without KVM */
        { "ec2 nitro: kvm-based, the operator from dmi",
          { F("proc/cpuinfo", CPU_VM), F("sys/class/dmi/id/sys_vendor", "Amazon EC2\n"),
            F("sys/class/dmi/id/product_name", "m5.large\n"), F("sys/class/dmi/id/bios_vendor", "Amazon EC2\n") },
          "kvm", "amazon", NULL, NULL },
        { "ec2 metal: same dmi, no hypervisor",
          { F("proc/cpuinfo", CPU_METAL), F("sys/class/dmi/id/sys_vendor", "Amazon EC2\n"),
            F("sys/class/dmi/id/product_name", "m5.metal\n") },
          "none", "amazon", NULL, NULL },
        { "ec2 xen era",
          { F("proc/cpuinfo", CPU_VM), F("sys/class/dmi/id/sys_vendor", "Xen\n"),
            F("sys/class/dmi/id/product_name", "HVM domU\n"), F("sys/class/dmi/id/bios_version", "4.11.amazon\n") },
          "xen", "amazon", NULL, NULL },
        { "azure",
          { F("proc/cpuinfo", CPU_VM), F("sys/class/dmi/id/sys_vendor", "Microsoft Corporation\n"),
            F("sys/class/dmi/id/product_name", "Virtual Machine\n"),
            F("sys/class/dmi/id/chassis_asset_tag", "7783-7084-3265-9085-8269-3286-77\n") },
          "microsoft", "azure", NULL, NULL },
        { "microsoft hardware is not hyper-v",
          { F("proc/cpuinfo", CPU_METAL), F("sys/class/dmi/id/sys_vendor", "Microsoft Corporation\n"),
            F("sys/class/dmi/id/product_name", "Surface Laptop\n") },
          "none", NULL, NULL, NULL },
        { "virtualbox",
          { F("proc/cpuinfo", CPU_VM), F("sys/class/dmi/id/sys_vendor", "innotek GmbH\n"),
            F("sys/class/dmi/id/product_name", "VirtualBox\n") },
          "oracle", NULL, NULL, NULL },
        { "vmware",
          { F("proc/cpuinfo", CPU_VM), F("sys/class/dmi/id/sys_vendor", "VMware, Inc.\n"),
            F("sys/class/dmi/id/product_name", "VMware Virtual Platform\n") },
          "vmware", NULL, NULL, NULL },
        { "hetzner cloud",
          { F("proc/cpuinfo", CPU_VM), F("sys/class/dmi/id/sys_vendor", "Hetzner\n"),
            F("sys/class/dmi/id/product_name", "vServer\n") },
          "vm-other", "hetzner", NULL, NULL },
        { "digitalocean",
          { F("proc/cpuinfo", CPU_VM), F("sys/class/dmi/id/sys_vendor", "DigitalOcean\n"),
            F("sys/class/dmi/id/product_name", "Droplet\n") },
          "vm-other", "digitalocean", NULL, NULL },
        { "google",
          { F("proc/cpuinfo", CPU_VM), F("sys/class/dmi/id/sys_vendor", "Google\n"),
            F("sys/class/dmi/id/product_name", "Google Compute Engine\n") },
          "kvm", "google", NULL, NULL },
        { "xen hvm via sysfs beats a hyper-v dmi",
          { F("proc/cpuinfo", CPU_VM), F("sys/hypervisor/type", "xen\n"), F("sys/hypervisor/guest_type", "HVM\n"),
            F("sys/class/dmi/id/sys_vendor", "Microsoft Corporation\n"),
            F("sys/class/dmi/id/product_name", "Virtual Machine\n") },
          "xen", NULL, NULL, "hvm" },
        { "xen pv guest",
          { F("sys/hypervisor/type", "xen\n"), F("sys/hypervisor/guest_type", "PV\n") }, "xen", NULL, NULL, "pv" },
        { "xen dom0 (old kernel, no guest_type)",
          { F("sys/hypervisor/type", "xen\n"), F("proc/xen/capabilities", "control_d\n") },
          "xen", NULL, NULL, "dom0" },
        { "arm64 kvm via device tree",
          { F("proc/cpuinfo", "processor : 0\nFeatures : fp asimd\nCPU implementer : 0x41\nCPU part : 0xd0c\n"),
            F("proc/device-tree/hypervisor/compatible", "linux,kvm\0") },
          "kvm", NULL, NULL, NULL },
        { "arm64 dummy-virt: qemu's virt machine or kvmtool",
          { F("proc/device-tree/compatible", "linux,dummy-virt\0") }, "kvm-or-qemu", NULL, NULL, NULL },
        { "arm64 qemu with fw-cfg",
          { F("proc/device-tree/compatible", "linux,dummy-virt\0"),
            F("proc/device-tree/fw-cfg@9020000/compatible", "qemu,fw-cfg-mmio\0") }, "kvm-or-qemu", NULL, NULL, NULL },
        { "kvm-or-qemu settled by kvm-clock",
          { F("proc/cpuinfo", CPU_VM), F("sys/class/dmi/id/sys_vendor", "QEMU\n"),
            F("sys/devices/system/clocksource/clocksource0/available_clocksource", "kvm-clock tsc\n") },
          "kvm", NULL, NULL, NULL },
        { "xen platform pci device, no flag, no sysfs",
          { F("proc/cpuinfo", CPU_METAL), F("proc/bus/pci/devices", "0018\t58530001\t0\n") }, "xen", NULL, NULL, NULL },
        { "recorded cpuid wins over qemu's dmi",
          { F("proc/cpuinfo", CPU_VM), F("sys/class/dmi/id/sys_vendor", "QEMU\n"),
            F("vpstune-live.txt", "cpuid.hypervisor_bit=1\ncpuid.40000000=4b564d4b564d4b564d000000\n") },
          "kvm", NULL, NULL, NULL },
        { "recorded cpuid without the hypervisor bit: none",
          { F("vpstune-live.txt", "cpuid.hypervisor_bit=0\n") }, "none", NULL, NULL, NULL },
        { "s390x z/VM", { F("proc/sysinfo", "LPAR Number: 1\nVM00 Name: X\nVM00 Control Program: z/VM    7.2.0\n") },
          "zvm", "ibm", NULL, NULL },
        { "s390x lpar", { F("proc/sysinfo", "LPAR Number: 1\nLPAR Name: Z\n") }, "prsm", "ibm", NULL, NULL },
        { "arm64 without hints is unknown",
          { F("proc/cpuinfo", "processor : 0\nFeatures : fp asimd\nCPU implementer : 0x41\nCPU part : 0xd0c\n") },
          NULL, NULL, NULL, NULL },
        { "bare metal x86", { F("proc/cpuinfo", CPU_METAL), F("sys/class/dmi/id/sys_vendor", "Dell Inc.\n") },
          "none", NULL, NULL, NULL },
        { "empty sysroot: unknown", { D("proc") }, NULL, NULL, NULL, NULL },
        { "podman", { F("proc/cpuinfo", CPU_METAL), F("run/.containerenv", "engine=\"podman-4.3.1\"\n") },
          "none", NULL, "podman", NULL },
        { "podman beats a stray /.dockerenv",
          { F("run/.containerenv", ""), F(".dockerenv", "") }, NULL, NULL, "podman", NULL },
        { "lxc from pid 1 environment",
          { F("proc/1/environ", "PATH=/usr/bin\0container=lxc\0TERM=linux\0") }, NULL, NULL, "lxc", NULL },
        { "nspawn from /run/systemd/container",
          { F("run/systemd/container", "systemd-nspawn\n") }, NULL, NULL, "systemd-nspawn", NULL },
        { "unknown container name",
          { F("proc/1/environ", "container=weird\0") }, NULL, NULL, "other", NULL },
        { "mycontainer= is not container=",
          { F("proc/1/environ", "mycontainer=lxc\0") }, NULL, NULL, NULL, NULL },
        { "docker cgroup v1",
          { F("proc/1/cgroup", "12:cpu,cpuacct:/docker/0123456789abcdef\n0::/\n") }, NULL, NULL, "docker", NULL },
        { "docker cgroup with systemd driver",
          { F("proc/1/cgroup", "0::/system.slice/docker-0123abcd.scope\n") }, NULL, NULL, "docker", NULL },
        { "kubernetes",
          { F("proc/self/cgroup", "0::/kubepods.slice/kubepods-burstable.slice/cri-containerd-1.scope\n") },
          NULL, NULL, "kubernetes", NULL },
        { "host cgroup is no container",
          { F("proc/cpuinfo", CPU_METAL), F("proc/1/cgroup", "0::/init.scope\n") }, "none", NULL, NULL, NULL },
        { "openvz", { D("proc/vz") }, NULL, NULL, "openvz", NULL },
        { "openvz host is no container", { D("proc/vz"), D("proc/bc") }, NULL, NULL, NULL, NULL },
        { "wsl2",
          { F("proc/cpuinfo", CPU_VM), F("proc/sys/kernel/osrelease", "5.15.90.1-microsoft-standard-WSL2\n") },
          "vm-other", NULL, "wsl", NULL },
        { "garbage everywhere",
          { F("proc/cpuinfo", "\xff\xfe\x00garbage"), F("sys/class/dmi/id/sys_vendor", "\x01\x02\x03\n"),
            F("sys/hypervisor/type", "\xff\n"), F("proc/1/environ", "container=\0\0\0"),
            F("sys/firmware/acpi/tables/DSDT", "short"), F("proc/device-tree/hypervisor/compatible", "") },
          NULL, NULL, NULL, NULL },
};

static struct facts *collect(struct sysroot *sr) {
        struct facts *f = xcalloc(1, sizeof *f);

        f->live = sysroot_is_live(sr);
        facts_collect_cpu(sr, f);
        facts_collect_virt(sr, f);
        return f;
}

static void check(const char *what, const char *got, const char *want) {
        if (!streq_ptr(got, want))
                print_error("%s: got %s, want %s\n", what, strna(got), strna(want));
        assert_true(streq_ptr(got, want));
}

static void test_table(void **state) {
        (void) state;
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                const struct virt_case *c = &cases[i];
                char *dir = make_sysroot(c->files, ELEMENTSOF(c->files));
                struct sysroot *sr;
                struct facts *f;

                print_message("# case: %s\n", c->name);
                assert_int_equal(sysroot_open(dir, &sr), 0);
                f = collect(sr);
                check("vm", f->virt.vm, c->vm);
                check("vendor", f->virt.vm_vendor, c->vendor);
                check("container", f->virt.container, c->container);
                check("xen_mode", f->virt.xen_mode, c->xen_mode);
                /* Every answer has its reason written down. */
                if (c->vm && !streq(c->vm, "none"))
                        assert_true(strv_length(f->virt.evidence) > 0);
                if (c->container)
                        assert_true(strv_length(f->virt.evidence) > 0);
                facts_free(f);
                sysroot_free(sr);
                remove_sysroot(dir);
        }
}

static void test_evidence_lines(void **state) {
        static const struct fixture_file files[] = {
                F("proc/cpuinfo", CPU_VM),
                F(".dockerenv", ""),
                F("sys/class/dmi/id/sys_vendor", "OpenStack Foundation\n"),
        };
        char *dir = make_sysroot(files, ELEMENTSOF(files));
        struct sysroot *sr;
        struct facts *f;

        (void) state;
        assert_int_equal(sysroot_open(dir, &sr), 0);
        f = collect(sr);
        assert_true(strv_contains(f->virt.evidence, "dmi sys_vendor: OpenStack Foundation"));
        assert_true(strv_contains(f->virt.evidence, "cpuinfo flags: hypervisor"));
        assert_true(strv_contains(f->virt.evidence, "/.dockerenv exists"));
        assert_string_equal(f->virt.dmi_sys_vendor, "OpenStack Foundation");
        assert_null(f->virt.dmi_product_name);
        facts_free(f);
        sysroot_free(sr);
        remove_sysroot(dir);
}

/* The live machine: no crash, and on x86 CPUID always gives an answer. */
static void test_live(void **state) {
        struct sysroot *sr;
        struct facts *f;

        (void) state;
        assert_int_equal(sysroot_open("/", &sr), 0);
        f = collect(sr);
#if defined(__x86_64__) || defined(__i386__)
        assert_non_null(f->virt.vm);
#endif
        print_message("# live: vm=%s vendor=%s container=%s\n", strna(f->virt.vm), strna(f->virt.vm_vendor),
                      strna(f->virt.container));
        for (char **e = f->virt.evidence; e && *e; e++)
                print_message("# live evidence: %s\n", *e);
        facts_free(f);
        sysroot_free(sr);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_table),
                cmocka_unit_test(test_evidence_lines),
                cmocka_unit_test(test_live),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
