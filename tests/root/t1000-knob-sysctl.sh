#!/bin/sh
# sysctl knobs on the live kernel (effect layer, via tests/root/knobctl):
# write + read back, kernel refusal, journaled apply + rollback, and the
# dirty ratio/bytes pair restored exactly. Every sysctl is put back in a trap.
KNOBCTL=${1:-${KNOBCTL:-$BUILDDIR/tests/root/knobctl}}
. "$SRCDIR/tests/lib.sh"
test_require_root

P=/proc/sys/vm
knobs="vfs_cache_pressure dirty_ratio dirty_bytes dirty_background_ratio dirty_background_bytes"
for k in $knobs; do eval "orig_$k=\$(cat $P/$k)"; done
# Put back the pairs by writing the member that was non-zero.
restore_all() {
	echo "$orig_vfs_cache_pressure" >$P/vfs_cache_pressure
	if [ "$orig_dirty_bytes" != 0 ]; then echo "$orig_dirty_bytes" >$P/dirty_bytes; else echo "$orig_dirty_ratio" >$P/dirty_ratio; fi
	if [ "$orig_dirty_background_bytes" != 0 ]; then echo "$orig_dirty_background_bytes" >$P/dirty_background_bytes; else echo "$orig_dirty_background_ratio" >$P/dirty_background_ratio; fi
}
test_cleanup restore_all
snapshot() { for k in $knobs; do printf '%s=%s\n' "$k" "$(cat $P/$k)"; done; }
snapshot >"$TEST_TMP/orig.state"
ST="$TEST_TMP/state"

test_expect_success 'read gives the value in proc' '
	test "$("$KNOBCTL" read sysctl:vm.vfs_cache_pressure)" = "$(cat $P/vfs_cache_pressure)"
'

test_expect_success 'slash form names the same sysctl' '
	test "$("$KNOBCTL" read sysctl:vm/vfs_cache_pressure)" = "$(cat $P/vfs_cache_pressure)"
'

test_expect_success 'write is read back' '
	"$KNOBCTL" write sysctl:vm.vfs_cache_pressure 123 &&
	test "$(cat $P/vfs_cache_pressure)" = 123 &&
	echo "$orig_vfs_cache_pressure" >$P/vfs_cache_pressure
'

test_expect_success 'a value the kernel refuses fails and changes nothing' '
	! "$KNOBCTL" write sysctl:vm.vfs_cache_pressure abc 2>err &&
	grep -q "Invalid argument" err &&
	test "$(cat $P/vfs_cache_pressure)" = "$orig_vfs_cache_pressure"
'

test_expect_success 'keys with .. and unknown sysctls are refused' '
	! "$KNOBCTL" read "sysctl:vm/../../../etc/passwd" &&
	! "$KNOBCTL" read sysctl:..vm &&
	! "$KNOBCTL" read sysctl:vm.no_such_sysctl_here
'

test_expect_success 'apply then rollback restores every sysctl exactly' '
	printf "%s\n" "sysctl:vm.vfs_cache_pressure 150" "sysctl:vm.dirty_bytes 67108864" \
		"sysctl:vm.dirty_background_ratio 7" >changes &&
	"$KNOBCTL" apply-file "$ST" changes >out &&
	grep -q "^sysctl:vm.dirty_bytes changed" out &&
	test "$(cat $P/vfs_cache_pressure)" = 150 &&
	test "$(cat $P/dirty_bytes)" = 67108864 &&
	test "$(cat $P/dirty_ratio)" = 0 &&
	"$KNOBCTL" rollback "$ST" >rb &&
	snapshot >now && test_cmp "$TEST_TMP/orig.state" now
'

test_expect_success 'the journal lists the transaction as rolled back' '
	"$KNOBCTL" list "$ST" >l && grep -q " rolled-back .* knobctl 5 3 0$" l
'

test_expect_success 'a refused item rolls the whole transaction back' '
	printf "%s\n" "sysctl:vm.vfs_cache_pressure 151" "sysctl:vm.dirty_ratio 250" >bad &&
	! "$KNOBCTL" apply-file "$ST" bad >out &&
	grep -q "^sysctl:vm.vfs_cache_pressure rolled-back" out &&
	grep -q "^sysctl:vm.dirty_ratio failed" out &&
	snapshot >now && test_cmp "$TEST_TMP/orig.state" now
'

test_expect_success 'risky sysctls need allow-risky; nothing is touched' '
	cp /proc/sys/kernel/core_pattern cp.before &&
	printf "%s\n" "sysctl:vm.vfs_cache_pressure 152" "sysctl:kernel.core_pattern core" >risky &&
	! "$KNOBCTL" apply-file "$ST" risky >out &&
	grep -q "allow-risky" out &&
	test_cmp cp.before /proc/sys/kernel/core_pattern &&
	snapshot >now && test_cmp "$TEST_TMP/orig.state" now
'

test_expect_success 'dry run changes nothing and writes no journal' '
	"$KNOBCTL" list "$ST" >before &&
	printf "%s\n" "sysctl:vm.vfs_cache_pressure 153" >dry &&
	"$KNOBCTL" apply-file "$ST" dry --dry-run >out &&
	grep -q "planned" out &&
	"$KNOBCTL" list "$ST" >after && test_cmp before after &&
	snapshot >now && test_cmp "$TEST_TMP/orig.state" now
'

test_done
