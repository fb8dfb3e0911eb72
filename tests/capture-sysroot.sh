#!/bin/sh
# SPDX-License-Identifier: MIT
#
# capture-sysroot.sh: copy the files vpstune reads from this machine into a
# directory that `vpstune --root DIR` can read as if it were /.
#
# Attach the result to a bug report, or add it to tests/fixtures/. See
# --help. POSIX sh; needs only coreutils (cat, readlink, ln, mkdir).

set -eu

usage() {
	cat <<'EOF'
Usage: capture-sysroot.sh [--from SRC] DIR

Copies the files vpstune reads (/proc, /sys, /dev/disk, /etc; see below)
from this machine into DIR, keeping the sysfs layout and its symlinks, so
that `vpstune --root DIR detect` sees what it sees here. DIR must not exist
or be empty. Runs as any user; files it cannot read are skipped, as are
files that do not exist here.

Captured (when present):
  proc/    cpuinfo meminfo swaps cmdline (kernel part only) self/mountinfo
           sys/kernel/{osrelease,hostname} sys/vm/* (writeback, swap knobs)
           1/cgroup, 1/environ (only its container= entry)
           xen/capabilities, device-tree/{hypervisor/compatible,compatible,
           ibm,partition-name,hmc-managed?,*fw-cfg* (as directories)},
           bus/pci/devices, sysinfo (s390x), ppc64/lparcfg
  sys/     devices/system/cpu/{online,possible,present}, block/* and each
           disk's device directory (size, queue/*, mq/*, partitions,
           device/{vendor,model,serial} and driver link, zram, loop),
           class/bdi/*, fs/btrfs/*, class/dmi/id (vendor and product names,
           chassis asset tag; no serials), hypervisor/{type,guest_type,
           properties/features}, the clock sources offered, the SMBIOS
           BIOS-information entry (root only), bus/vmbus/devices links,
           firmware/efi (as an empty directory), kernel/mm/transparent_hugepage
  dev/     disk/by-{uuid,partuuid,label,id}/* (the links, not the devices)
  etc/     os-release fstab crypttab hostname sysctl.conf sysctl.d/*
           containers/storage.conf nix/nix.conf systemd/zram-generator.conf
  /.dockerenv and /run/.containerenv (markers)
  vpstune-live.txt
           what no file holds: CPUID's hypervisor leaves (0x40000000,
           0x40000100 and the hypervisor bit) and the filesystem identifiers
           found on the devices (blkid), as `vpstune detect --record-live`
           prints them; `vpstune --root DIR` reads it instead of asking the
           CPU and the devices, so the capture decides as this machine did.
           Keys: cpuid.hypervisor_bit=0|1, cpuid.40000000=<24 hex digits>
           (EBX ECX EDX), cpuid.40000100=..., blkid.<dev>.<KEY>=<value> with
           KEY one of TYPE UUID LABEL PTTYPE PART_ENTRY_UUID PART_ENTRY_TYPE.
           Needs vpstune (--vpstune, $VPSTUNE or PATH); not written with
           --from (another root's CPU cannot be asked), but copied from it.
Empty directories get an empty .keep file (git does not store empty ones).

Never captured: DMI serials and UUIDs, keys, /etc/shadow, environment
variables other than container=, anything under /home or /root.
The capture does hold the host name, the mount table, disk serials and
filesystem UUIDs: look it over before you publish it.

Options:
  --from SRC   capture from SRC instead of / (for testing this script
               against an existing sysroot)
  --vpstune P  the vpstune program that writes vpstune-live.txt
  -h, --help   this text

Example:
  sh capture-sysroot.sh /tmp/myhost
  vpstune --root /tmp/myhost detect
  tar -C /tmp/myhost -czf myhost-sysroot.tar.gz .
EOF
}

SRC=""
DIR=""
VPSTUNE_BIN=${VPSTUNE:-}
while [ $# -gt 0 ]; do
	case $1 in
	-h|--help) usage; exit 0 ;;
	--from) [ $# -ge 2 ] || { echo "capture-sysroot.sh: --from needs a directory" >&2; exit 2; }
		SRC=$2; shift 2 ;;
	--from=*) SRC=${1#--from=}; shift ;;
	--vpstune) [ $# -ge 2 ] || { echo "capture-sysroot.sh: --vpstune needs a program" >&2; exit 2; }
		VPSTUNE_BIN=$2; shift 2 ;;
	--vpstune=*) VPSTUNE_BIN=${1#--vpstune=}; shift ;;
	--) shift; break ;;
	-*) echo "capture-sysroot.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
	*) [ -z "$DIR" ] || { echo "capture-sysroot.sh: one DIR only (try --help)" >&2; exit 2; }
		DIR=$1; shift ;;
	esac
done
if [ -z "$DIR" ] && [ $# -gt 0 ]; then DIR=$1; shift; fi
if [ -z "$DIR" ] || [ $# -gt 0 ]; then
	usage >&2
	exit 2
fi

if [ -n "$SRC" ]; then
	SRC=$(cd "$SRC" && pwd -P) || { echo "capture-sysroot.sh: $SRC: no such directory" >&2; exit 2; }
	[ "$SRC" != / ] || SRC=""
fi
if [ -e "$DIR" ] && [ -n "$(ls -A "$DIR" 2>/dev/null)" ]; then
	echo "capture-sysroot.sh: $DIR: exists and is not empty" >&2
	exit 2
fi
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd -P)
case "$DIR/" in
"$SRC"/proc/*|"$SRC"/sys/*|"$SRC"/dev/*)
	echo "capture-sysroot.sh: $DIR: cannot capture into /proc, /sys or /dev" >&2; exit 2 ;;
esac
umask 022

n_files=0
n_links=0
n_dirs=0

# Canonical live path of $1 (an absolute path as seen from SRC), or nothing.
canon() {
	_c=$(readlink -f -- "$SRC$1" 2>/dev/null) || return 1
	case $_c in
	"$SRC"/*) printf '%s\n' "${_c#"$SRC"}" ;;
	"$SRC") printf '/\n' ;;
	*) return 1 ;;	# escapes SRC
	esac
}

# put_file DEST_REL < content: write a regular file (not through symlinks
# that do not exist yet: the caller mirrors them first).
put_file() {
	_d=$DIR/$1
	mkdir -p -- "${_d%/*}" 2>/dev/null || return 0
	if cat >"$_d" 2>/dev/null; then
		n_files=$((n_files + 1))
	else
		rm -f -- "$_d"
	fi
}

# copy_file LIVE [DEST]: copy the content of a readable file (following
# symlinks) to DEST (default: the same path) as a regular file.
copy_file() {
	_s=$SRC$1
	[ -f "$_s" ] && [ -r "$_s" ] || return 0
	_t=$DIR${2:-$1}
	[ ! -e "$_t" ] && [ ! -L "$_t" ] || return 0
	mkdir -p -- "${_t%/*}" 2>/dev/null || return 0
	if cat -- "$_s" >"$_t" 2>/dev/null; then
		n_files=$((n_files + 1))
	else
		rm -f -- "$_t"	# write-only or EIO attribute
	fi
}

# make_dir LIVE: an (empty) directory at the same path.
make_dir() {
	[ -d "$SRC$1" ] || return 0
	[ ! -e "$DIR$1" ] || return 0
	mkdir -p -- "$DIR$1" 2>/dev/null && n_dirs=$((n_dirs + 1)) || true
}

# copy_link LIVE: recreate the symlink LIVE with the same link text; when it
# points to a directory, create that directory (at its canonical path) so
# the link resolves in the copy.
copy_link() {
	[ -L "$SRC$1" ] || return 0
	_l=$(readlink -- "$SRC$1" 2>/dev/null) || return 0
	if [ -d "$SRC$1" ] && _r=$(canon "$1"); then
		[ -d "$DIR$_r" ] || { mkdir -p -- "$DIR$_r" 2>/dev/null && n_dirs=$((n_dirs + 1)) || true; }
	fi
	_t=$DIR$1
	[ ! -e "$_t" ] && [ ! -L "$_t" ] || return 0
	mkdir -p -- "${_t%/*}" 2>/dev/null || return 0
	ln -s -- "$_l" "$_t" 2>/dev/null && n_links=$((n_links + 1)) || true
}

# mirror_links LIVE: copy every symlink met on the way down LIVE.
mirror_links() {
	_rest=${1#/}
	_pre=""
	while [ -n "$_rest" ]; do
		_comp=${_rest%%/*}
		case $_rest in */*) _rest=${_rest#*/} ;; *) _rest="" ;; esac
		_pre=$_pre/$_comp
		if [ -L "$SRC$_pre" ]; then
			copy_link "$_pre"
		fi
	done
}

# copy_sys LIVE: a sysfs (or any) file, with its symlinked path mirrored:
# the content goes to its canonical path, the links on the way are copied.
copy_sys() {
	[ -f "$SRC$1" ] && [ -r "$SRC$1" ] || return 0
	_cs=$(canon "$1") || return 0
	copy_file "$_cs"
	mirror_links "$1"
}

# sys_dir LIVE: the directory LIVE (with the links on the way).
sys_dir() {
	[ -d "$SRC$1" ] || return 0
	_cs=$(canon "$1") || return 0
	make_dir "$_cs"
	mirror_links "$1"
}

exists() { [ -e "$SRC$1" ] || [ -L "$SRC$1" ]; }

# ---- /proc ---------------------------------------------------------------
for f in cpuinfo meminfo swaps; do
	copy_file "/proc/$f"
done
# The kernel command line, without what follows " -- " (init's arguments,
# which may hold anything).
if [ -r "$SRC/proc/cmdline" ]; then
	_cmd=$(cat "$SRC/proc/cmdline" 2>/dev/null) || _cmd=""
	case $_cmd in
	*" -- "*) _cmd=${_cmd%%" -- "*} ;;
	"-- "*) _cmd="" ;;
	esac
	printf '%s\n' "$_cmd" | put_file proc/cmdline
fi
# /proc/self is a link to the reader's pid; the copy has a real directory.
copy_file /proc/self/mountinfo /proc/self/mountinfo
for f in kernel/osrelease kernel/hostname \
	vm/swappiness vm/vfs_cache_pressure vm/dirty_ratio vm/dirty_background_ratio \
	vm/dirty_bytes vm/dirty_background_bytes vm/dirty_expire_centisecs \
	vm/dirty_writeback_centisecs vm/page-cluster vm/min_free_kbytes \
	vm/overcommit_memory vm/watermark_scale_factor \
	fs/inotify/max_user_watches fs/inotify/max_user_instances fs/file-max; do
	copy_file "/proc/sys/$f"
done
copy_file /proc/1/cgroup
# Only the container= entry of PID 1's environment (what systemd-detect-virt
# reads); the rest may hold secrets.
if [ -r "$SRC/proc/1/environ" ]; then
	_env=$(tr '\0' '\n' 2>/dev/null <"$SRC/proc/1/environ" | grep '^container=' | head -n 1) || _env=""
	if [ -n "$_env" ]; then
		printf '%s\0' "$_env" | put_file proc/1/environ
	fi
fi
copy_file /proc/xen/capabilities
exists /proc/xen && make_dir /proc/xen
copy_file /proc/device-tree/hypervisor/compatible
copy_file /proc/device-tree/compatible
copy_file /proc/device-tree/ibm,partition-name
copy_file /proc/device-tree/hmc-managed?
copy_file /proc/device-tree/chosen/qemu,graphic-width
for n in "$SRC"/proc/device-tree/*fw-cfg*; do
	[ -d "$n" ] && make_dir "${n#"$SRC"}"
done
copy_file /proc/bus/pci/devices
copy_file /proc/sysinfo
copy_file /proc/ppc64/lparcfg

# ---- /sys: CPUs, hypervisor, firmware, DMI ---------------------------------
for f in online possible present; do
	copy_sys "/sys/devices/system/cpu/$f"
done
for f in type guest_type properties/features; do
	copy_sys "/sys/hypervisor/$f"
done
copy_sys /sys/devices/system/clocksource/clocksource0/available_clocksource
# SMBIOS type 0 (BIOS information, root only): its "is a VM" bit
copy_sys /sys/firmware/dmi/entries/0-0/raw
for d in "$SRC"/sys/bus/vmbus/devices/*; do
	[ -e "$d" ] || [ -L "$d" ] || continue
	copy_link "${d#"$SRC"}"
done
# ACPI table headers only (36 bytes: signature, OEM ID "FIRECK"...): they name
# VMs that have no DMI. The table bodies are not needed and not copied.
for t in DSDT FACP APIC; do
	_s=$SRC/sys/firmware/acpi/tables/$t
	[ -r "$_s" ] || continue
	mkdir -p "$DIR/sys/firmware/acpi/tables" &&
		head -c 36 "$_s" >"$DIR/sys/firmware/acpi/tables/$t" 2>/dev/null &&
		n_files=$((n_files + 1))
done
if exists /sys/firmware/efi; then
	make_dir /sys/firmware/efi
	copy_file /sys/firmware/efi/fw_platform_size
fi
for f in sys_vendor product_name product_version product_family bios_vendor \
	bios_version board_vendor board_name chassis_vendor chassis_type \
	chassis_asset_tag; do
	copy_sys "/sys/class/dmi/id/$f"
done
for f in enabled defrag; do
	copy_sys "/sys/kernel/mm/transparent_hugepage/$f"
done

# ---- /sys: block devices ---------------------------------------------------
for b in "$SRC"/sys/block/*; do
	[ -e "$b" ] || [ -L "$b" ] || continue
	name=${b##*/}
	copy_link "/sys/block/$name"
	d=$(canon "/sys/block/$name") || continue
	[ -d "$SRC$d" ] || continue
	for f in size removable ro dev uevent capability range ext_range hidden serial wwid; do
		copy_file "$d/$f"
	done
	for f in scheduler rotational read_ahead_kb nomerges logical_block_size \
		physical_block_size max_sectors_kb max_hw_sectors_kb nr_requests \
		discard_granularity discard_max_bytes write_cache zoned add_random \
		rq_affinity minimum_io_size optimal_io_size dax; do
		copy_file "$d/queue/$f"
	done
	for m in "$SRC$d"/mq/*; do
		[ -d "$m" ] || continue
		make_dir "${m#"$SRC"}"
		copy_file "${m#"$SRC"}/cpu_list"
		copy_file "${m#"$SRC"}/nr_tags"
	done
	copy_link "$d/bdi"
	if [ -L "$SRC$d/device" ]; then
		copy_link "$d/device"
		for f in vendor model serial rev transport firmware_rev wwid \
			queue_depth state; do
			copy_sys "$d/device/$f"
		done
		copy_link "$d/device/driver"
		copy_link "$d/device/subsystem"
		# NVMe: the controller's PCI function and its driver.
		if [ -L "$SRC$d/device/device" ]; then
			copy_link "$d/device/device"
			copy_sys "$d/device/device/vendor"
			copy_sys "$d/device/device/device"
			copy_link "$d/device/device/driver"
		fi
	fi
	# the buses above the disk (virtio, PCI, SCSI host): driver and ids
	a=${d%/*}
	while [ "${a#/sys/devices/}" != "$a" ]; do
		copy_link "$a/driver"
		copy_file "$a/vendor"
		copy_file "$a/device"
		a=${a%/*}
	done
	# partitions: subdirectories with a "partition" file
	for p in "$SRC$d"/*/partition; do
		[ -f "$p" ] || continue
		pd=${p%/partition}
		pd=${pd#"$SRC"}
		for f in partition start size ro dev uevent alignment_offset; do
			copy_file "$pd/$f"
		done
	done
	# loop, zram, device mapper, md
	for f in loop/backing_file loop/offset loop/sizelimit loop/autoclear \
		loop/partscan loop/dio dm/name dm/suspended md/level md/raid_disks \
		disksize comp_algorithm mm_stat initstate mem_limit mem_used_max \
		max_comp_streams backing_dev; do
		copy_file "$d/$f"
	done
	for s in "$SRC$d"/slaves/*; do
		[ -L "$s" ] || continue
		copy_link "${s#"$SRC"}"
	done
done
for l in "$SRC"/sys/dev/block/*; do
	[ -L "$l" ] || continue
	copy_link "${l#"$SRC"}"
done

# ---- /sys: bdi, btrfs --------------------------------------------------------
for l in "$SRC"/sys/class/bdi/*; do
	[ -e "$l" ] || [ -L "$l" ] || continue
	l=${l#"$SRC"}
	copy_link "$l"
	copy_sys "$l/read_ahead_kb"
	copy_sys "$l/max_ratio"
	copy_sys "$l/min_ratio"
done
for fs in "$SRC"/sys/fs/btrfs/*; do
	[ -d "$fs" ] || continue
	fs=${fs#"$SRC"}
	case ${fs##*/} in features) ;; *)
		[ -e "$SRC$fs/devices" ] || continue ;;
	esac
	for f in label nodesize sectorsize checksum metadata_uuid generation \
		clone_alignment exclusive_operation; do
		copy_file "$fs/$f"
	done
	for f in "$SRC$fs"/features/*; do
		[ -f "$f" ] || continue
		copy_file "${f#"$SRC"}"
	done
	for f in "$SRC$fs"/devices/*; do
		[ -L "$f" ] || continue
		copy_link "${f#"$SRC"}"
	done
	copy_link "$fs/bdi"
	[ ! -L "$SRC$fs/bdi" ] || copy_sys "$fs/bdi/read_ahead_kb"
done

# ---- /dev/disk ----------------------------------------------------------------
for k in by-uuid by-partuuid by-label by-id by-path by-diskseq; do
	for l in "$SRC/dev/disk/$k"/*; do
		[ -L "$l" ] || continue
		l=${l#"$SRC"}
		# only the link text: the device nodes are not copied
		_t=$DIR$l
		[ ! -e "$_t" ] && [ ! -L "$_t" ] || continue
		mkdir -p -- "${_t%/*}"
		ln -s -- "$(readlink -- "$SRC$l")" "$_t" && n_links=$((n_links + 1)) || true
	done
done

# ---- /etc -----------------------------------------------------------------------
# os-release is usually a link to ../usr/lib/os-release: copy the content.
if exists /etc/os-release; then
	copy_file /etc/os-release
elif exists /usr/lib/os-release; then
	copy_file /usr/lib/os-release /etc/os-release
fi
for f in fstab crypttab hostname sysctl.conf containers/storage.conf \
	nix/nix.conf systemd/zram-generator.conf; do
	copy_file "/etc/$f"
done
for f in "$SRC"/etc/sysctl.d/*.conf; do
	[ -f "$f" ] || continue
	copy_file "${f#"$SRC"}"
done

# ---- container markers (empty copies: only their existence matters) -----------
if exists /.dockerenv; then
	: | put_file .dockerenv
fi
copy_file /run/.containerenv

# ---- what only the live machine can tell ----------------------------------------
live_note=""
if [ -n "$SRC" ]; then
	copy_file /vpstune-live.txt
elif [ -z "$VPSTUNE_BIN" ] && ! VPSTUNE_BIN=$(command -v vpstune 2>/dev/null); then
	live_note="(no vpstune found: vpstune-live.txt not written, CPUID not recorded)"
elif "$VPSTUNE_BIN" detect --record-live >"$DIR/vpstune-live.txt" 2>/dev/null; then
	n_files=$((n_files + 1))
else
	rm -f -- "$DIR/vpstune-live.txt"
	live_note="($VPSTUNE_BIN detect --record-live failed: vpstune-live.txt not written)"
fi

# git does not store empty directories (mq/N, link targets such as driver
# directories): give each one an empty .keep file so a committed fixture
# keeps its layout. Nothing reads .keep.
find "$DIR" -type d -empty -exec touch {}/.keep \; 2>/dev/null || true

echo "captured $n_files files, $n_links symlinks, $n_dirs directories into $DIR"
[ -z "$live_note" ] || echo "$live_note"
if [ "$(id -u)" != 0 ]; then
	echo "(not root: files only root can read were skipped)"
fi
echo "check it:  vpstune --root $DIR detect"
echo "review it (host name, mounts, serials, UUIDs), then attach:"
echo "  tar -C $DIR -czf $(basename "$DIR")-sysroot.tar.gz ."
