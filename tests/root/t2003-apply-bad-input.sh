#!/bin/sh
# Bad input never leads to a partial apply: a malformed profile, a profile
# others could have written, a risky sysctl and a storage driver change over
# a store with images are refused before anything is touched; an item the
# kernel refuses mid-apply rolls the earlier items back (or keeps them with
# --keep-partial, for rollback later).
. "$SRCDIR/tests/lib.sh"
test_require_root

P=/proc/sys/vm
orig_vfs=$(cat $P/vfs_cache_pressure)
test_cleanup "echo $orig_vfs >$P/vfs_cache_pressure"
orig_core=$(cat /proc/sys/kernel/core_pattern)
# A sysfs attribute the kernel refuses "-1" for (kstrtouint), and that no
# knob kind validates before writing (ksm:run is the thp/ksm kind now).
KSM=/sys/kernel/mm/ksm/pages_to_scan
ST=$TEST_TMP/state
mkdir "$TEST_TMP/prof" || exit 1
PD=$TEST_TMP/prof
new_vfs=$((orig_vfs + 7))
state() {
	echo "vfs=$(cat $P/vfs_cache_pressure)"
	echo "core=$(cat /proc/sys/kernel/core_pattern)"
	[ -e $KSM ] && echo "ksm=$(cat $KSM)"
	ls "$ST" 2>/dev/null | grep "^tx-" || true
}
state >"$TEST_TMP/orig.state"
mkprof() { cat >"$PD/$1"; chmod 0644 "$PD/$1"; }

mkprof bad.conf <<EOP
[sysctl]
vm.vfs_cache_pressure=$new_vfs
this line is not INI
EOP
test_expect_success 'a malformed profile: exit 2, FILE:LINE named, nothing changed' '
	test_expect_code 2 vpstune --state-dir "$ST" apply -p "$PD/bad.conf" 2>err &&
	cat err &&
	grep -q "$PD/bad.conf:3:" err && state >now && test_cmp "$TEST_TMP/orig.state" now
'

mkprof open.conf <<EOP
[sysctl]
vm.vfs_cache_pressure=$new_vfs
EOP
test_expect_success 'a profile others can write is refused as root; --insecure-profile accepts it' '
	chmod 0666 "$PD/open.conf" &&
	{ vpstune --state-dir "$ST" apply -p "$PD/open.conf" 2>err; rc=$?; } &&
	cat err && test $rc = 2 &&
	grep -q "writable by group or others" err &&
	state >now && test_cmp "$TEST_TMP/orig.state" now &&
	vpstune --insecure-profile --state-dir "$ST" apply -p "$PD/open.conf" >out &&
	test "$(cat $P/vfs_cache_pressure)" = $new_vfs &&
	vpstune --state-dir "$ST" rollback >/dev/null &&
	test "$(cat $P/vfs_cache_pressure)" = "$orig_vfs" &&
	chmod 0644 "$PD/open.conf"
'
rm -f "$ST"/tx-*.journal
state >"$TEST_TMP/orig.state"

mkprof risky.conf <<EOP
[sysctl]
vm.vfs_cache_pressure=$new_vfs
kernel.core_pattern=|/bin/false %p
EOP
test_expect_success 'a risky sysctl without --allow-risky: refused before anything changes' '
	test_expect_code 2 vpstune --state-dir "$ST" apply -p "$PD/risky.conf" 2>err &&
	cat err &&
	grep -q "refused: sysctl:kernel.core_pattern can run code" err &&
	grep -q -- "--allow-risky" err &&
	state >now && test_cmp "$TEST_TMP/orig.state" now
'

if [ -w $KSM ]; then
	mkprof fail.conf <<EOP
[sysctl]
vm.vfs_cache_pressure=$new_vfs
[sysfs]
$KSM = -1
EOP
	test_expect_success 'the kernel refuses the second item: exit 1, the first rolled back' '
		test_expect_code 1 vpstune --state-dir "$ST" apply -p "$PD/fail.conf" >out 2>err &&
		cat out err &&
		grep -q "^sysctl:vm.vfs_cache_pressure .* rolled-back" out &&
		grep -q "^sysfs:$KSM .* failed .*Invalid argument" out &&
		grep -q "apply: sysfs:$KSM: cannot write" err &&
		grep -q "rolled back; nothing changed" err &&
		test "$(cat $P/vfs_cache_pressure)" = "$orig_vfs" &&
		test "$(cat $KSM)" = "$(sed -n "s/^ksm=//p" "$TEST_TMP/orig.state")" &&
		vpstune --state-dir "$ST" rollback --list | tail -n 1 | grep -q " rolled-back "
	'
	rm -f "$ST"/tx-*.journal

	test_expect_success '--keep-partial keeps the first item, rollback undoes it' '
		test_expect_code 1 vpstune --state-dir "$ST" apply -p "$PD/fail.conf" --keep-partial --json >out.json 2>err &&
		cat out.json err &&
		test "$(cat $P/vfs_cache_pressure)" = $new_vfs &&
		jq -e ".items[0].status == \"changed\" and .items[1].status == \"failed\" and (.items[1].error | test(\"Invalid argument\"))" out.json &&
		grep -q "kept the changes that worked (--keep-partial) as transaction" err &&
		vpstune --state-dir "$ST" rollback >/dev/null &&
		test "$(cat $P/vfs_cache_pressure)" = "$orig_vfs"
	'
	rm -f "$ST"/tx-*.journal
else
	test_skip 'the kernel refuses the second item' "no writable $KSM"
	test_skip '--keep-partial keeps the first item' "no writable $KSM"
fi

test_expect_success 'at the end: nothing changed' '
	state >now && test_cmp "$TEST_TMP/orig.state" now &&
	test "$(cat /proc/sys/kernel/core_pattern)" = "$orig_core"
'

test_done
