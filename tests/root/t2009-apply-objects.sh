# Sourced by the apply tests t2000-t2003 (not a test itself; not listed
# in meson.build): creates the kernel objects an apply works on, all made
# for the test and torn down in the trap (tests/lib.sh test_cleanup):
#
#   LOOP, D       a 64M loop device (block queue: scheduler, read-ahead, nomerges)
#   BLOOP, MP     a loop-backed btrfs mounted on $TEST_TMP/mnt, its subvolume
#                 "sv" mounted on $TEST_TMP/sub; $MP/log (empty, for no-COW),
#                 $MP/data (compression property)
#   Z, ZN         a hot-added zram device (never one we did not create)
#   PROF          a profile (root-owned, 0644) that changes every one of them
#                 and two sysctls (restored in the trap); its [zram] lists the
#                 swap priority first: apply must still size the device first
#
# snapshot() prints the full state, read straight from the kernel with the
# usual tools, not through the code under test.

P=/proc/sys/vm
orig_vfs=$(cat $P/vfs_cache_pressure)
orig_bg_ratio=$(cat $P/dirty_background_ratio)
orig_bg_bytes=$(cat $P/dirty_background_bytes)
restore_sysctls() {
	echo "$orig_vfs" >$P/vfs_cache_pressure
	if [ "$orig_bg_bytes" != 0 ]; then echo "$orig_bg_bytes" >$P/dirty_background_bytes
	else echo "$orig_bg_ratio" >$P/dirty_background_ratio; fi
}
test_cleanup restore_sysctls

command -v mkfs.btrfs >/dev/null && grep -qw btrfs /proc/filesystems || { echo "1..0 # SKIP no btrfs"; exit 0; }
truncate -s 64M "$TEST_TMP/disk.img" && truncate -s 256M "$TEST_TMP/btrfs.img" || exit 1
LOOP=$(losetup -f --show "$TEST_TMP/disk.img") || { echo "1..0 # SKIP no loop device"; exit 0; }
test_cleanup "losetup -d $LOOP"
D=${LOOP#/dev/}
BLOOP=$(losetup -f --show "$TEST_TMP/btrfs.img") || exit 1
test_cleanup "losetup -d $BLOOP"
mkfs.btrfs -q "$BLOOP" >/dev/null 2>&1 || exit 1
MP=$TEST_TMP/mnt
SUBMP=$TEST_TMP/sub
mkdir "$MP" "$SUBMP" || exit 1
mount -o noatime "$BLOOP" "$MP" || exit 1
test_cleanup "umount $MP"
btrfs subvolume create "$MP/sv" >/dev/null || exit 1
mount -o subvol=sv "$BLOOP" "$SUBMP" || exit 1
test_cleanup "umount $SUBMP"
mkdir "$MP/log" "$MP/data" || exit 1

[ -d /sys/class/zram-control ] || modprobe zram 2>/dev/null
[ -w /sys/class/zram-control/hot_add ] || { echo "1..0 # SKIP no zram-control"; exit 0; }
ZN=$(cat /sys/class/zram-control/hot_add) || exit 1
Z=zram$ZN
test_cleanup "echo $ZN >/sys/class/zram-control/hot_remove"
test_cleanup "swapoff /dev/$Z"
ALGO=lz4
grep -qw lz4 /sys/block/$Z/comp_algorithm || ALGO=lzo

# The btrfs BDI of this filesystem (btrfs-N changes with every mount).
for f in /sys/fs/btrfs/*/devices/${BLOOP#/dev/}; do BDI_DIR=${f%/devices/*}; done
BDI=$(basename "$(readlink "$BDI_DIR/bdi")")

# Targets that differ from what is there now.
new_vfs=$((orig_vfs + 7))
new_bg=5; [ "$orig_bg_ratio" = 5 ] && new_bg=6
cur_sched=$(sed -n 's/.*\[\(.*\)\].*/\1/p' /sys/block/$D/queue/scheduler)
new_sched=
for s in $(tr -d '[]' </sys/block/$D/queue/scheduler); do
	[ "$s" != "$cur_sched" ] && { new_sched=$s; break; }
done
[ -n "$new_sched" ] || { echo "1..0 # SKIP $D offers one scheduler only"; exit 0; }
new_ra=1024; [ "$(cat /sys/block/$D/queue/read_ahead_kb)" = 1024 ] && new_ra=512
new_nm=1; [ "$(cat /sys/block/$D/queue/nomerges)" = 1 ] && new_nm=2
new_bdi_ra=2048; [ "$(cat /sys/class/bdi/$BDI/read_ahead_kb)" = 2048 ] && new_bdi_ra=1024

mkdir "$TEST_TMP/prof" || exit 1
PROF=$TEST_TMP/prof/apply.conf
cat >"$PROF" <<EOF
[main]
summary=apply round trip on objects made for the test
[sysctl]
vm.vfs_cache_pressure=$new_vfs
vm.dirty_background_ratio=$new_bg
[disk]
devices=$D
elevator=$new_sched
readahead=$new_ra
nomerges=$new_nm
[btrfs]
mountpoint=$MP
fs_options=compress=zstd:1
read_ahead_kb=$new_bdi_ra
nocow=$MP/log
compression=$MP/data:zstd
[zram]
device=$Z
swap-priority=90
zram-size=64
compression-algorithm=$ALGO
EOF
chmod 0644 "$PROF"
N_ITEMS=12
# apply writes the zram device's three items (algorithm, size, swap) as one
# composite state: one reset instead of three, so one row fewer each.
N_ROWS=$((N_ITEMS - 2))
ST=$TEST_TMP/state

snapshot() {
	for k in vfs_cache_pressure dirty_background_ratio dirty_background_bytes dirty_ratio dirty_bytes; do
		echo "$k=$(cat $P/$k)"
	done
	for a in scheduler read_ahead_kb nomerges; do echo "$D.$a=$(cat /sys/block/$D/queue/$a)"; done
	awk -v mp="$MP" -v sm="$SUBMP" '$5 == mp || $5 == sm {
		for (i = 7; $i != "-"; i++); print "mount " ($5 == mp ? "mp" : "sub") " " $6 " super " $(i + 3) }' \
		/proc/self/mountinfo
	echo "bdi.read_ahead_kb=$(cat /sys/class/bdi/$BDI/read_ahead_kb)"
	lsattr -d "$MP/log" "$MP/data" | sed "s|$TEST_TMP||"
	echo "data.$(btrfs property get "$MP/data" compression 2>&1 || echo none)"
	echo "$Z.algo=$(cat /sys/block/$Z/comp_algorithm)"
	echo "$Z.disksize=$(cat /sys/block/$Z/disksize)"
	echo "$Z.swap=$(awk -v d=/dev/$Z '$1 == d { print "on", $3, $5 }' /proc/swaps)"
}
