#!/bin/sh
# zram knobs on a device hot-added for the test: algorithm, disksize and
# swap priority (own swap header + swapon), and rollback to the exact
# previous composite state, including "swap on with a kernel-chosen
# priority". The device is swapped off and hot-removed in a trap.
KNOBCTL=${1:-${KNOBCTL:-$BUILDDIR/tests/root/knobctl}}
. "$SRCDIR/tests/lib.sh"
test_require_root

[ -d /sys/class/zram-control ] || modprobe zram 2>/dev/null
[ -w /sys/class/zram-control/hot_add ] || { echo "1..0 # SKIP no zram-control"; exit 0; }
N=$(cat /sys/class/zram-control/hot_add) || { echo "1..0 # SKIP hot_add failed"; exit 0; }
Z=zram$N
test_cleanup "echo $N >/sys/class/zram-control/hot_remove"
test_cleanup "swapoff /dev/$Z"
ST="$TEST_TMP/state"
ALGO=lz4
grep -qw lz4 /sys/block/$Z/comp_algorithm || ALGO=lzo
state() { "$KNOBCTL" read zram:$Z:state; }
state >"$TEST_TMP/orig.state"

test_expect_success 'a fresh device reads as uninitialised, swap off' '
	grep -q "^algo=[a-z0-9-]*,disksize=0,swap=off$" "$TEST_TMP/orig.state" &&
	test "$("$KNOBCTL" read zram:$Z:swap)" = off
'

test_expect_success 'apply algorithm, 64M, swap prio 100 (algorithm first)' '
	printf "%s\n" "zram:$Z:comp_algorithm $ALGO" "zram:$Z:disksize 64M" "zram:$Z:swap 100" >ch &&
	"$KNOBCTL" apply-file "$ST" ch >out &&
	test "$(state)" = "algo=$ALGO,disksize=67108864,swap=on,prio=100" &&
	test "$(awk -v d=/dev/$Z '"'"'$1 == d { print $5 }'"'"' /proc/swaps)" = 100 &&
	grep -q "\[$ALGO\]" /sys/block/$Z/comp_algorithm
'

test_expect_success 'the journal holds the composite original once' '
	test "$(grep -c "^ORIG zram:$Z:state " "$ST"/tx-*.journal)" = 1
'

test_expect_success 'rollback returns to the exact previous state' '
	"$KNOBCTL" rollback "$ST" &&
	state >now && test_cmp "$TEST_TMP/orig.state" now &&
	! grep -q "^/dev/$Z " /proc/swaps
'

test_expect_success 'from swap-on with an automatic priority: change and roll back' '
	"$KNOBCTL" write zram:$Z:state "algo=$ALGO,disksize=32M,swap=on,prio=auto" &&
	state >before &&
	grep -q "prio=auto" before &&
	printf "%s\n" "zram:$Z:comp_algorithm lzo-rle" "zram:$Z:disksize 48M" "zram:$Z:swap 5" >ch2 &&
	"$KNOBCTL" apply-file "$ST" ch2 >out &&
	test "$(state)" = "algo=lzo-rle,disksize=50331648,swap=on,prio=5" &&
	"$KNOBCTL" rollback "$ST" &&
	state >now && test_cmp before now &&
	"$KNOBCTL" write zram:$Z:state "$(cat "$TEST_TMP/orig.state")" &&
	state >now2 && test_cmp "$TEST_TMP/orig.state" now2
'

test_expect_success 'an algorithm the kernel lacks fails and is undone' '
	printf "%s\n" "zram:$Z:disksize 16M" "zram:$Z:comp_algorithm no-such-algo" >ch3 &&
	! "$KNOBCTL" apply-file "$ST" ch3 >out &&
	grep -q "failed" out &&
	state >now && test_cmp "$TEST_TMP/orig.state" now
'

# Push a process's pages into this zram swap with a small memory cgroup,
# then a change that needs swapoff must be refused (-EBUSY) unless forced.
cg_setup() {
	if [ -f /sys/fs/cgroup/memory/memory.limit_in_bytes ]; then
		CG=/sys/fs/cgroup/memory/vpstune-zram-$$
		mkdir "$CG" && echo 16M >"$CG/memory.limit_in_bytes"
	elif grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
		CG=/sys/fs/cgroup/vpstune-zram-$$
		mkdir "$CG" && echo 16M >"$CG/memory.max"
	else
		return 1
	fi
}
cg_teardown() {
	[ -d "$CG" ] || return 0
	for p in $(cat "$CG/cgroup.procs"); do kill "$p"; done
	# Wait until the hog is gone: its swapped pages are freed only when it
	# has exited (slow under ASan), and the restore below needs swapoff.
	# (cgroupfs files report size 0: read them, do not test -s.)
	i=0; while [ -n "$(cat "$CG/cgroup.procs")" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	rmdir "$CG"
}
swap_used() { awk -v d=/dev/$Z '$1 == d { print $4 }' /proc/swaps; }
# Touches 48 MiB inside a 16 MiB cgroup: most of it goes to swap.
cat >"$TEST_TMP/hog.py" <<'PY'
import time
b = bytearray(48 << 20)
for i in range(0, len(b), 4096):
    b[i] = 1
time.sleep(60)
PY
hog() { sh -c 'echo $$ >"$1/cgroup.procs" && exec python3 "$2"' sh "$CG" "$TEST_TMP/hog.py" & }
if command -v python3 >/dev/null && cg_setup 2>/dev/null; then
	test_cleanup cg_teardown
	test_expect_success 'a swap holding pages is not swapped off without force' '
		"$KNOBCTL" write zram:$Z:state "algo=$ALGO,disksize=128M,swap=on,prio=32767" &&
		hog &&
		sleep 3 &&
		test "$(swap_used)" -gt 0 &&
		! "$KNOBCTL" write zram:$Z:disksize 64M 2>err &&
		grep -q "busy" err &&
		test "$(swap_used)" -gt 0 &&
		cg_teardown &&
		# What is left in the swap after the hog is gone (swap cache,
		# pages freed lazily) is not under test: swapoff takes it back so
		# the restore below needs no force.
		swapoff /dev/$Z &&
		"$KNOBCTL" write zram:$Z:state "$(cat "$TEST_TMP/orig.state")" &&
		state >now && test_cmp "$TEST_TMP/orig.state" now
	'
else
	test_skip 'a swap holding pages is not swapped off without force' 'no memory cgroup or python3'
fi

test_expect_success 'non-zram names are refused' '
	! "$KNOBCTL" read zram:loop0:state &&
	! "$KNOBCTL" read "zram:$Z/..:state"
'

test_done
