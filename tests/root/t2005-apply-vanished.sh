#!/bin/sh
# A device that vanishes in the middle of an apply (DESIGN.md "bad input: a
# missing device"): the apply stops with a clear error naming it, and what it
# had already changed is rolled back — nothing is left half-done. The
# fault-injection build pauses after its first change (VPSTUNE_PAUSE_AT)
# while the test removes a zram device it created.
. "$SRCDIR/tests/lib.sh"
test_require_root
: "${VPSTUNE_FI:=$BUILDDIR/vpstune-faultinject}"
[ -x "$VPSTUNE_FI" ] || { echo "1..0 # SKIP no vpstune-faultinject"; exit 0; }
[ -d /sys/class/zram-control ] || modprobe zram 2>/dev/null
[ -w /sys/class/zram-control/hot_add ] || { echo "1..0 # SKIP no zram-control"; exit 0; }

P=/proc/sys/vm
orig_vfs=$(cat $P/vfs_cache_pressure)
test_cleanup "echo $orig_vfs >$P/vfs_cache_pressure"
ZN=$(cat /sys/class/zram-control/hot_add) || exit 1
Z=zram$ZN
# Removal may already have happened in the test: ignore its error then.
test_cleanup "[ -e /sys/block/$Z ] && echo $ZN >/sys/class/zram-control/hot_remove"
echo 16M >/sys/block/$Z/disksize || exit 1   # a size, so it is a disk with a queue
ra=$(cat /sys/block/$Z/queue/read_ahead_kb)
ST="$TEST_TMP/state"
PROF="$TEST_TMP/vanish.conf"
cat >"$PROF" <<EOP
[sysctl]
vm.vfs_cache_pressure=$((orig_vfs + 11))
[disk]
devices=$Z
readahead=$((ra + 64))
EOP
chmod 0644 "$PROF"

test_expect_success 'the plan has the sysctl first, then the zram device read-ahead' '
	vpstune plan -p "$PROF" --json >p.json &&
	test "$(jq -r "[.items[] | select(.status == \"drift\") | .knob] | join(\" \")" p.json)" = \
		"sysctl:vm.vfs_cache_pressure block:$Z:read_ahead_kb"
'

test_expect_success 'the device vanishes after the first change: exit 1, named, rolled back' '
	VPSTUNE_PAUSE_AT=3 VPSTUNE_PAUSE_FILE="$TEST_TMP/paused" \
		"$VPSTUNE_FI" --state-dir "$ST" apply -p "$PROF" >out 2>err &
	pid=$! &&
	i=0; while [ ! -e "$TEST_TMP/paused" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done &&
	test -e "$TEST_TMP/paused" &&
	test "$(cat $P/vfs_cache_pressure)" = $((orig_vfs + 11)) &&
	echo $ZN >/sys/class/zram-control/hot_remove && test ! -e /sys/block/$Z &&
	rm "$TEST_TMP/paused" &&
	{ wait $pid; rc=$?; } ; cat out err; test $rc = 1 &&
	grep -q "$Z.*the device is gone" err &&
	grep -q "rolled back" err &&
	test "$(cat $P/vfs_cache_pressure)" = "$orig_vfs"
'

test_expect_success 'the journal holds the transaction as rolled back, nothing to undo' '
	vpstune --state-dir "$ST" rollback --list >l && cat l &&
	grep -q " rolled-back " l && ! grep -q " incomplete " l &&
	vpstune --state-dir "$ST" rollback >r && grep -q "nothing to roll back" r
'

test_done
