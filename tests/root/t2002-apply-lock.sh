#!/bin/sh
# One apply or rollback at a time (DESIGN.md: flock on the state dir): a
# second one waits and says so once on stderr, --no-wait fails at once with
# exit 3, and the plan is read only after the lock is taken, so of two
# applies started together one changes everything and the other finds
# nothing to change. The journal stays consistent throughout.
. "$SRCDIR/tests/lib.sh"
test_require_root

P=/proc/sys/vm
orig_vfs=$(cat $P/vfs_cache_pressure)
test_cleanup "echo $orig_vfs >$P/vfs_cache_pressure"
ST=$TEST_TMP/state
mkdir -m 0700 "$ST" || exit 1
mkdir "$TEST_TMP/prof" || exit 1
PROF=$TEST_TMP/prof/lock.conf
printf '[sysctl]\nvm.vfs_cache_pressure=%s\n' $((orig_vfs + 7)) >"$PROF"
chmod 0644 "$PROF"

# Holds the state lock for $1 seconds in the background; waits until held.
hold_lock() {
	flock "$ST/lock" sh -c "touch '$TEST_TMP/held'; sleep $1" &
	HOLDER=$!
	while ! [ -e "$TEST_TMP/held" ]; do sleep 0.05; done
	rm -f "$TEST_TMP/held"
}
test_cleanup 'kill $HOLDER'

test_expect_success 'apply --no-wait fails at once with exit 3 while the lock is held' '
	hold_lock 3 &&
	start=$(date +%s) &&
	{ vpstune --state-dir "$ST" apply -p "$PROF" --no-wait >out 2>err; rc=$?; } &&
	cat err && test $rc = 3 &&
	test $(($(date +%s) - start)) -lt 2 &&
	grep -q "another apply or rollback is running (lock held on $ST)" err &&
	! grep -q waiting err &&
	test "$(cat $P/vfs_cache_pressure)" = "$orig_vfs" &&
	! ls "$ST"/tx-* 2>/dev/null &&
	wait $HOLDER
'

test_expect_success 'rollback --no-wait fails at once with exit 3 too' '
	hold_lock 3 &&
	{ vpstune --state-dir "$ST" rollback --no-wait >out 2>err; rc=$?; } &&
	test $rc = 3 && grep -q "lock held on $ST" err &&
	wait $HOLDER
'

test_expect_success 'two applies while the lock is held: both wait, one changes, one has nothing to do' '
	hold_lock 2 &&
	{ vpstune --state-dir "$ST" apply -p "$PROF" >out1 2>err1 & a=$!; } &&
	{ vpstune --state-dir "$ST" apply -p "$PROF" >out2 2>err2 & b=$!; } &&
	wait $a && wait $b && wait $HOLDER &&
	cat err1 err2 out1 out2 &&
	test "$(grep -c "^vpstune: waiting for another apply or rollback to finish (lock held on $ST)...$" err1)" = 1 &&
	test "$(grep -c "^vpstune: waiting for another apply or rollback to finish" err2)" = 1 &&
	test "$(cat out1 out2 | grep -c "^applied 1 change as transaction")" = 1 &&
	test "$(cat out1 out2 | grep -c "^nothing to change: every item is already in effect")" = 1 &&
	test "$(cat $P/vfs_cache_pressure)" = $((orig_vfs + 7))
'

test_expect_success 'the journal is consistent: one committed transaction' '
	vpstune --state-dir "$ST" rollback --list >l &&
	cat l &&
	test "$(grep -c " committed " l)" = 1 &&
	test "$(grep -c "Z-" l)" = 1
'

test_expect_success 'rollback waits for the lock too, then restores' '
	hold_lock 1 &&
	vpstune --state-dir "$ST" rollback >out 2>err &&
	wait $HOLDER &&
	cat out err &&
	grep -q "waiting for another apply or rollback" err &&
	echo "vfs_cache_pressure $(cat $P/vfs_cache_pressure), expected $orig_vfs" &&
	test "$(cat $P/vfs_cache_pressure)" = "$orig_vfs" &&
	vpstune --state-dir "$ST" rollback --list | grep -q " rolled-back "
'

test_done
