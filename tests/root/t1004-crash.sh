#!/bin/sh
# Crash safety (DESIGN.md: "a crash at any point leaves a state rollback
# fully restores"). The fault-injection build of knobctl kills itself with
# SIGKILL at step k of a multi-item apply (sysctls incl. a dirty pair, a
# loop device's queue, a hot-added zram device, a loop-backed btrfs); after
# each crash the ordinary build rolls back, and the full original state of
# every object involved must come back with zero differences, for every k.
KNOBCTL=${1:-${KNOBCTL:-$BUILDDIR/tests/root/knobctl}}
KNOBCTL_FI=${2:-${KNOBCTL_FI:-$BUILDDIR/tests/root/knobctl-fi}}
. "$SRCDIR/tests/lib.sh"
test_require_root

P=/proc/sys/vm
orig_vfs=$(cat $P/vfs_cache_pressure)
orig_ratio=$(cat $P/dirty_ratio)
orig_bytes=$(cat $P/dirty_bytes)
restore_sysctls() {
	echo "$orig_vfs" >$P/vfs_cache_pressure
	if [ "$orig_bytes" != 0 ]; then echo "$orig_bytes" >$P/dirty_bytes; else echo "$orig_ratio" >$P/dirty_ratio; fi
}
test_cleanup restore_sysctls

truncate -s 64M "$TEST_TMP/disk.img" && truncate -s 256M "$TEST_TMP/btrfs.img" || exit 1
LOOP=$(losetup -f --show "$TEST_TMP/disk.img") || { echo "1..0 # SKIP no loop device"; exit 0; }
test_cleanup "losetup -d $LOOP"
D=${LOOP#/dev/}
BLOOP=$(losetup -f --show "$TEST_TMP/btrfs.img") || exit 1
test_cleanup "losetup -d $BLOOP"
mkfs.btrfs -q "$BLOOP" >/dev/null 2>&1 || exit 1
MP=$(mktemp -d "${TMPDIR:-/tmp}/vpstune-crash.XXXXXX")
test_cleanup "rmdir $MP"
mount "$BLOOP" "$MP" || exit 1
test_cleanup "umount $MP"
[ -d /sys/class/zram-control ] || modprobe zram 2>/dev/null
N=$(cat /sys/class/zram-control/hot_add) || exit 1
Z=zram$N
test_cleanup "echo $N >/sys/class/zram-control/hot_remove"
test_cleanup "swapoff /dev/$Z"
ALGO=lz4
grep -qw lz4 /sys/block/$Z/comp_algorithm || ALGO=lzo

# The state, read straight from the kernel (not through the code under test).
snapshot() {
	for k in vfs_cache_pressure dirty_ratio dirty_bytes; do echo "$k=$(cat $P/$k)"; done
	echo "scheduler=$(cat /sys/block/$D/queue/scheduler)"
	echo "read_ahead_kb=$(cat /sys/block/$D/queue/read_ahead_kb)"
	echo "zram_algo=$(cat /sys/block/$Z/comp_algorithm)"
	echo "zram_disksize=$(cat /sys/block/$Z/disksize)"
	echo "zram_swap=$(awk -v d=/dev/$Z '$1 == d { print "on", $5 }' /proc/swaps)"
	echo "btrfs=$(awk -v mp="$MP" '$5 == mp { for (i = 7; $i != "-"; i++); print $(i + 3) }' /proc/self/mountinfo)"
}
snapshot >"$TEST_TMP/orig.state"
ST="$TEST_TMP/state"
cat >"$TEST_TMP/changes" <<CH
sysctl:vm.vfs_cache_pressure 137
sysctl:vm.dirty_bytes 50331648
block:$D:scheduler none
block:$D:read_ahead_kb 2048
zram:$Z:comp_algorithm $ALGO
zram:$Z:disksize 32M
zram:$Z:swap 100
mount:$MP:compress zstd:2
mount:$MP:autodefrag on
CH

test_expect_success 'the fault-injection build applies everything and counts its steps' '
	"$KNOBCTL_FI" apply-file "$ST" "$TEST_TMP/changes" >out 2>err &&
	test "$(grep -c " changed " out)" = 9 &&
	sed -n "s/^fault-points //p" err >"$TEST_TMP/n" &&
	test "$(cat "$TEST_TMP/n")" -gt 9 &&
	"$KNOBCTL" rollback "$ST" >/dev/null &&
	snapshot >now && test_cmp "$TEST_TMP/orig.state" now
'
STEPS=$(cat "$TEST_TMP/n" 2>/dev/null || echo 0)
echo "# crash points: $STEPS"

test_expect_success 'after a crash, a new apply is refused until rollback' '
	VPSTUNE_CRASH_AT=1 "$KNOBCTL_FI" apply-file "$ST" "$TEST_TMP/changes" >/dev/null 2>&1
	rc=$? && test $rc = 137 &&
	"$KNOBCTL" apply-file "$ST" "$TEST_TMP/changes" >/dev/null 2>&1
	rc=$? && test $rc = 76 &&
	"$KNOBCTL" incomplete "$ST" | tail -n 1 | grep -q Z- &&
	"$KNOBCTL" rollback "$ST" >/dev/null &&
	snapshot >now && test_cmp "$TEST_TMP/orig.state" now
'

k=1
diffs=0
while [ "$k" -le "$STEPS" ]; do
	test_expect_success "crash at step $k of $STEPS, rollback: zero differences" '
		VPSTUNE_CRASH_AT=$k "$KNOBCTL_FI" apply-file "$ST" "$TEST_TMP/changes" >out 2>err
		rc=$? &&
		{ test $rc = 137 || { echo "exit $rc, expected SIGKILL"; false; }; } &&
		"$KNOBCTL" rollback "$ST" >rb 2>&1 &&
		"$KNOBCTL" list "$ST" | tail -n 1 | grep -q " rolled-back " &&
		snapshot >now && test_cmp "$TEST_TMP/orig.state" now
	' || true
	k=$((k + 1))
done

test_expect_success 'every transaction in the journal is rolled back' '
	"$KNOBCTL" list "$ST" >l &&
	test "$(grep -vc " rolled-back " l)" = 0 &&
	! "$KNOBCTL" incomplete "$ST" | grep -q .
'

test_done
