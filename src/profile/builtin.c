/* SPDX-License-Identifier: MIT */
/*
 * Built-in profiles, written in the profile format itself (parsed by the
 * same code as files; `vpstune profiles` can print them for copying). The
 * format is TuneD's tuned.conf (see src/profile/FORMAT.md):
 *
 *   [main]          summary=, include=a,-optional_b
 *   [variables]     name=value, used as ${name}; ${f:function:args}
 *   [sysctl]        kernel.key=value
 *   [vm] [sysfs]    as in TuneD
 *   [disk]          devices= (TuneD globs, !exclude), elevator=, readahead= (KiB), nomerges=
 *   [btrfs]         the btrfs on / ([btrfs./MP] or mountpoint=MP: another mount):
 *                   fs_options= (filesystem-wide, first mount), mount_options= (per
 *                   mount), read_ahead_kb= (the btrfs BDI), nocow=DIR,... (chattr +C),
 *                   compression=DIR:ALG,... (btrfs.compression property)
 *   [zram]          zram-generator keys: zram-size= (expression of ram, cpus),
 *                   compression-algorithm= (first available wins), swap-priority=
 *   [containers]    storage.conf [storage]: driver=, graphroot=
 *   [nix]           nix.conf keys; cores= and max-jobs= may be expressions of cpus
 *
 * Units of other TuneD plugins ([cpu], [bootloader], ...) load fine and are
 * reported as not supported by vpstune.
 */
#include "profile/profile-internal.h"

static const char vps_dev[] =
        "# vps-dev: the seed notes' sections 2-7 (a KVM VPS for AI coding and Podman:\n"
        "# 8 vCPU, 23.44 GiB RAM, one virtual disk, btrfs subvolumes) expressed through\n"
        "# mechanisms that take effect. Values scale with the machine through\n"
        "# expressions; on the seed machine they give the seed's numbers.\n"
        "# To change it: copy to /etc/vpstune/profiles/NAME/vpstune.conf, or write a\n"
        "# profile with include=vps-dev and only the keys you change.\n"
        "\n"
        "[main]\n"
        "summary=Seed tuning for a KVM VPS used for AI coding and Podman (vpstune)\n"
        "\n"
        "[variables]\n"
        "# Disks of a VM: virtio-blk (vd*), virtio-scsi and SATA (sd*), Xen (xvd*).\n"
        "# The seed's own disk is sda on virtio-scsi, not the vda it checks.\n"
        "vm_disks=vd*, sd*, xvd*\n"
        "\n"
        "[sysctl]\n"
        "# 10 keeps anonymous memory in RAM; together with a 16 GiB zram swap this is\n"
        "# contradictory (kernel docs: with zram, values above 100 can make sense).\n"
        "vm.swappiness=10\n"
        "vm.vfs_cache_pressure=50\n"
        "# ratio and bytes exclude each other: only the ratios are set\n"
        "vm.dirty_ratio=15\n"
        "vm.dirty_background_ratio=5\n"
        "\n"
        "[disk]\n"
        "devices=${vm_disks}\n"
        "# RHEL's advice for virtual guests; no kernel doc says mq-deadline beats none\n"
        "# on virtio - measure with vpstune bench --ab\n"
        "elevator=mq-deadline\n"
        "# KiB, the disk's BDI; file reads on btrfs use btrfs's own BDI, see [btrfs]\n"
        "# Only raise (TuneD \">\"): the seed went from 128 KiB to 4096 KiB; a host\n"
        "# that already reads ahead more keeps its value.\n"
        "readahead=>4096\n"
        "# 0 = all merges (the kernel default)\n"
        "nomerges=0\n"
        "\n"
        "[btrfs]\n"
        "# The btrfs filesystem mounted on / (a [btrfs./home] unit, or mountpoint=,\n"
        "# names another mount).\n"
        "# Filesystem-wide (superblock) options: only the first mount of a btrfs\n"
        "# filesystem sets them, so they go on every fstab entry of it alike; a\n"
        "# subvolume mount cannot differ. ssd: virtio reports rotational=1, so it must\n"
        "# be given. No autodefrag (the kernel default), as the seed chose; its reason,\n"
        "# \"the hypervisor defragments\", is wrong.\n"
        "fs_options=compress=zstd:2,ssd,space_cache=v2\n"
        "# Per mount, may differ per subvolume\n"
        "mount_options=noatime\n"
        "# btrfs has its own BDI (/sys/class/bdi/btrfs-N): the disk's read-ahead does\n"
        "# not reach file reads\n"
        "read_ahead_kb=4096\n"
        "# The seed's nodatacow for /var/log cannot be a mount option of one\n"
        "# subvolume; the no-COW file attribute (chattr +C) on the directory is, for\n"
        "# new files (no checksums and no compression for them).\n"
        "nocow=/var/log\n"
        "# The seed's zstd:1 for containers: the btrfs.compression property takes no\n"
        "# level (kernels ignore it), the mount's zstd:2 level applies.\n"
        "compression=/var/lib/containers:zstd\n"
        "\n"
        "[zram]\n"
        "# zram-generator syntax; ram = MemTotal in MiB: 16 GiB on the seed machine\n"
        "# (24002 MiB), all of RAM on machines with less than 16 GiB. It is swap, not /tmp.\n"
        "zram-size=min(ram, 16384)\n"
        "# first one the kernel offers wins\n"
        "compression-algorithm=zstd lz4 lzo-rle\n"
        "swap-priority=100\n"
        "\n"
        "[containers]\n"
        "# /etc/containers/storage.conf [storage]. The btrfs driver needs graphroot on\n"
        "# btrfs; mount options cannot be passed through storage.conf; its claimed\n"
        "# speed-up is unmeasured (overlay is the maintainers' advice) - measure it.\n"
        "# Changing the driver of an existing store needs podman system reset.\n"
        "driver=btrfs\n"
        "graphroot=/var/lib/containers/storage\n"
        "\n"
        "[nix]\n"
        "# nix.conf. The seed's reserved-build-cores does not exist in Nix (an unknown\n"
        "# key fails a NixOS build); the real way to keep 2 cores free is\n"
        "# cores = cpus - 2. The seed's result was cores = 8 = all vCPUs.\n"
        "# Expressions of cpus (and ram, MiB) as in [zram]; ${f:calc:EXPR} computes one\n"
        "# at load time instead.\n"
        "cores=cpus\n"
        "max-jobs=max(1, floor(cpus / 2))\n"
        "# the seed's \"fsync = off\" (no such key): lower durability on power loss\n"
        "fsync-metadata=false\n"
        "use-sqlite-wal=false\n"
        "# only matters with remote builders\n"
        "builders-use-substitutes=true\n";

/* TuneD 2.20's throughput-performance, comments shortened. */
static const char throughput_performance[] =
        "[main]\n"
        "summary=Broadly applicable tuning that provides excellent performance across a variety of common server workloads\n"
        "\n"
        "[variables]\n"
        "thunderx_cpuinfo_regex=CPU part\\s+:\\s+(0x0?516)|(0x0?af)|(0x0?a[0-3])|(0x0?b8)\\b\n"
        "amd_cpuinfo_regex=model name\\s+:.*\\bAMD\\b\n"
        "\n"
        "[cpu]\n"
        "governor=performance\n"
        "energy_perf_bias=performance\n"
        "min_perf_pct=100\n"
        "\n"
        "# Marvell ThunderX\n"
        "[vm.thunderx]\n"
        "type=vm\n"
        "uname_regex=aarch64\n"
        "cpuinfo_regex=${thunderx_cpuinfo_regex}\n"
        "transparent_hugepages=never\n"
        "\n"
        "[disk]\n"
        "# KiB; \">\" means at least this much\n"
        "readahead=>4096\n"
        "\n"
        "[sysctl]\n"
        "vm.dirty_ratio = 40\n"
        "vm.dirty_background_ratio = 10\n"
        "vm.swappiness=10\n"
        "net.core.somaxconn=>2048\n"
        "\n"
        "# Marvell ThunderX\n"
        "[sysctl.thunderx]\n"
        "type=sysctl\n"
        "uname_regex=aarch64\n"
        "cpuinfo_regex=${thunderx_cpuinfo_regex}\n"
        "kernel.numa_balancing=0\n";

/* TuneD 2.20's virtual-guest. */
static const char virtual_guest[] =
        "[main]\n"
        "summary=Optimize for running inside a virtual guest\n"
        "include=throughput-performance\n"
        "\n"
        "[sysctl]\n"
        "# start writeback at 30% of memory (kernel default 20%)\n"
        "vm.dirty_ratio = 30\n"
        "# file I/O beats swapping; keep swapping low\n"
        "vm.swappiness = 30\n";

const struct builtin_profile builtin_profiles[] = {
        { "vps-dev", vps_dev },
        { "throughput-performance", throughput_performance },
        { "virtual-guest", virtual_guest },
};
const size_t n_builtin_profiles = ELEMENTSOF(builtin_profiles);
