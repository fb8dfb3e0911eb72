#!/bin/sh
# Block queue knobs on a loop device made for the test: scheduler (active
# name only), read_ahead_kb (rounding is reported), nomerges; journaled
# apply + rollback compares the whole queue state.
KNOBCTL=${1:-${KNOBCTL:-$BUILDDIR/tests/root/knobctl}}
. "$SRCDIR/tests/lib.sh"
test_require_root

truncate -s 64M "$TEST_TMP/disk.img" || exit 1
LOOP=$(losetup -f --show "$TEST_TMP/disk.img") || { echo "1..0 # SKIP no loop device"; exit 0; }
test_cleanup "losetup -d $LOOP"
D=${LOOP#/dev/}
Q=/sys/block/$D/queue
ST="$TEST_TMP/state"
snapshot() {
	for a in scheduler read_ahead_kb nomerges; do printf '%s=%s\n' "$a" "$(cat $Q/$a)"; done
}
snapshot >"$TEST_TMP/orig.state"
active() { sed -n 's/.*\[\(.*\)\].*/\1/p' $Q/scheduler; }

test_expect_success 'scheduler reads as the active name only' '
	test "$("$KNOBCTL" read block:$D:scheduler)" = "$(active)"
'

test_expect_success 'scheduler write switches and reads back' '
	"$KNOBCTL" write block:$D:scheduler none &&
	test "$(active)" = none &&
	"$KNOBCTL" write block:$D:scheduler mq-deadline &&
	test "$(active)" = mq-deadline
'

test_expect_success 'an unknown scheduler is refused by the kernel' '
	! "$KNOBCTL" write block:$D:scheduler no-such-elevator 2>err &&
	grep -q "Invalid argument" err
'

test_expect_success 'read_ahead_kb that the kernel rounds is reported as changed' '
	"$KNOBCTL" write block:$D:read_ahead_kb 256 &&
	test "$(cat $Q/read_ahead_kb)" = 256 &&
	! "$KNOBCTL" write block:$D:read_ahead_kb 5 2>err &&
	grep -q "holds another value" err
'

test_expect_success 'nomerges 7 reads back as 1: reported' '
	"$KNOBCTL" write block:$D:nomerges 2 &&
	! "$KNOBCTL" write block:$D:nomerges 7
'

test_expect_success 'device names with path characters are refused' '
	! "$KNOBCTL" read "block:../$D:scheduler" &&
	! "$KNOBCTL" read "block:$D/queue:scheduler" &&
	! "$KNOBCTL" read "block:$D:../../uevent"
'

test_expect_success 'sysfs kind: the same attribute through its /sys path' '
	"$KNOBCTL" write "sysfs:/sys/block/$D/queue/read_ahead_kb" 512 &&
	test "$(cat $Q/read_ahead_kb)" = 512 &&
	test "$("$KNOBCTL" read "sysfs:/sys/block/$D/queue/read_ahead_kb")" = 512 &&
	! "$KNOBCTL" read "sysfs:/sys/block/$D/../../../../proc/version"
'

test_expect_success 'apply + rollback restores the queue exactly' '
	snapshot >before &&
	printf "%s\n" "block:$D:scheduler none" "block:$D:read_ahead_kb 1024" "block:$D:nomerges 1" >ch &&
	"$KNOBCTL" apply-file "$ST" ch >out &&
	test "$(grep -c " changed " out)" -ge 2 &&
	test "$(cat $Q/read_ahead_kb)" = 1024 &&
	"$KNOBCTL" rollback "$ST" &&
	snapshot >now && test_cmp before now
'

test_expect_success 'a rounded value fails the apply and undoes the rest' '
	snapshot >before &&
	printf "%s\n" "block:$D:read_ahead_kb 2048" "block:$D:read_ahead_kb 5" >ch2 &&
	! "$KNOBCTL" apply-file "$ST" ch2 >out &&
	grep -q "failed" out &&
	snapshot >now && test_cmp before now
'

test_done
