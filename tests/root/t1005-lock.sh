#!/bin/sh
# One apply/rollback at a time: flock on <state>/lock. A no-wait apply
# fails with EWOULDBLOCK while the lock is held, a waiting one proceeds
# once it is released, and two concurrent applies both finish with a
# valid journal.
KNOBCTL=${1:-${KNOBCTL:-$BUILDDIR/tests/root/knobctl}}
. "$SRCDIR/tests/lib.sh"
test_require_root
command -v flock >/dev/null || { echo "1..0 # SKIP no flock(1)"; exit 0; }

P=/proc/sys/vm
orig_vfs=$(cat $P/vfs_cache_pressure)
test_cleanup "echo $orig_vfs >$P/vfs_cache_pressure"
ST="$TEST_TMP/state"
mkdir -m 0700 "$ST"
: >"$ST/lock"
chmod 0600 "$ST/lock"
# Waits until the background holder really has the lock (a fixed sleep
# races on a loaded machine).
held() { i=0; while flock -n "$ST/lock" true && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done; }
echo "sysctl:vm.vfs_cache_pressure 141" >"$TEST_TMP/a"
echo "sysctl:vm.vfs_cache_pressure 142" >"$TEST_TMP/b"

test_expect_success 'no-wait apply while the lock is held: EWOULDBLOCK, nothing changed' '
	flock "$ST/lock" sleep 3 &
	holder=$! &&
	held &&
	"$KNOBCTL" apply-file "$ST" "$TEST_TMP/a" --no-wait >out 2>err
	rc=$? &&
	wait $holder &&
	test $rc = 75 &&
	grep -q "Resource temporarily unavailable" err &&
	test "$(cat $P/vfs_cache_pressure)" = "$orig_vfs" &&
	test -z "$(ls "$ST" | grep journal)"
'

test_expect_success 'a waiting apply proceeds when the lock is released' '
	flock "$ST/lock" sleep 2 &
	holder=$! &&
	held &&
	start=$(date +%s) &&
	"$KNOBCTL" apply-file "$ST" "$TEST_TMP/a" >out &&
	end=$(date +%s) &&
	wait $holder &&
	test $((end - start)) -ge 1 &&
	test "$(cat $P/vfs_cache_pressure)" = 141 &&
	"$KNOBCTL" rollback "$ST" >/dev/null
'

test_expect_success 'two concurrent applies serialise; journals stay valid' '
	"$KNOBCTL" apply-file "$ST" "$TEST_TMP/a" >o1 & p1=$!
	"$KNOBCTL" apply-file "$ST" "$TEST_TMP/b" >o2 & p2=$!
	wait $p1 && wait $p2 &&
	v=$(cat $P/vfs_cache_pressure) &&
	{ test "$v" = 141 || test "$v" = 142; } &&
	"$KNOBCTL" list "$ST" >l &&
	test "$(grep -c " committed " l)" = 2 &&
	! grep -q -e torn -e damaged l &&
	"$KNOBCTL" rollback "$ST" >/dev/null && "$KNOBCTL" rollback "$ST" >/dev/null &&
	test "$(cat $P/vfs_cache_pressure)" = "$orig_vfs"
'

test_expect_success 'rollback also waits for / respects the lock' '
	"$KNOBCTL" apply-file "$ST" "$TEST_TMP/a" >/dev/null &&
	flock "$ST/lock" sleep 2 &
	holder=$! &&
	held &&
	"$KNOBCTL" rollback "$ST" >/dev/null &&
	wait $holder &&
	test "$(cat $P/vfs_cache_pressure)" = "$orig_vfs"
'

test_done
