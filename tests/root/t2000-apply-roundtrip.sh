#!/bin/sh
# vpstune apply / verify / rollback end to end, as root, on objects made for
# the test (t2009-apply-objects.sh: a loop device's queue, a loop-backed
# btrfs with a subvolume, a no-COW dir and a compression property, a
# hot-added zram swap, two sysctls): apply makes every item true, verify
# agrees, a second apply has nothing to do, rollback gives back the exact
# original state. --dry-run, --only and --skip change exactly what they say.
. "$SRCDIR/tests/lib.sh"
test_require_root
. "$SRCDIR/tests/root/t2009-apply-objects.sh"

snapshot >"$TEST_TMP/orig.state"

test_expect_success "the plan has $N_ITEMS drift items, all writable" '
	vpstune plan -p "$PROF" --json >plan.json &&
	test "$(jq "[.items[] | select(.status == \"drift\" and .writable)] | length" plan.json)" = $N_ITEMS
'

test_expect_success 'dry run lists every write and changes nothing' '
	vpstune --state-dir "$ST" apply -p "$PROF" --dry-run >out &&
	cat out &&
	test "$(grep -c "^would " out)" = $N_ROWS &&
	grep -qx "would write '"'"'$new_sched'"'"' to /sys/block/$D/queue/scheduler (block:$D:scheduler, now '"'"'$cur_sched'"'"')" out &&
	grep -q "^would write '"'"'$new_vfs'"'"' to /proc/sys/vm/vfs_cache_pressure (sysctl:vm.vfs_cache_pressure, now '"'"'$orig_vfs'"'"')" out &&
	grep -q "^would write '"'"'$new_bdi_ra'"'"' to /sys/class/bdi/$BDI/read_ahead_kb " out &&
	grep -q "^would remount $MP with btrfs option compress=" out &&
	grep -q "^would set /dev/$Z up as algo=$ALGO,disksize=67108864,swap=on,prio=90 in one go" out &&
	grep -q "nothing changed" out &&
	snapshot >now && test_cmp "$TEST_TMP/orig.state" now &&
	! test -e "$ST"
'

test_expect_success 'apply changes every item and names the transaction' '
	vpstune --state-dir "$ST" apply -p "$PROF" >out 2>err &&
	cat out err &&
	test "$(grep -c " changed " out)" = $N_ROWS &&
	grep -q "^applied $N_ROWS changes as transaction [0-9TZ-]*; undo with: vpstune rollback$" out &&
	test "$(cat /sys/block/$Z/disksize)" = 67108864 &&
	grep -q "\[$ALGO\]" /sys/block/$Z/comp_algorithm &&
	awk -v d=/dev/$Z "\$1 == d && \$5 == 90 { f = 1 } END { exit !f }" /proc/swaps &&
	grep -q "\[$new_sched\]" /sys/block/$D/queue/scheduler &&
	test "$(cat $P/vfs_cache_pressure)" = $new_vfs &&
	lsattr -d "$MP/log" | cut -d" " -f1 | grep -q C &&
	btrfs property get "$MP/data" compression | grep -q "compression=zstd"
'

test_expect_success 'verify: every item ok (exit 0, json)' '
	vpstune verify -p "$PROF" --format json >v.json &&
	test "$(jq "[.items[] | select(.status == \"ok\")] | length" v.json)" = $N_ITEMS &&
	test "$(jq ".items | length" v.json)" = $N_ITEMS
'

test_expect_success 'a second apply has nothing to change and says so' '
	vpstune --state-dir "$ST" apply -p "$PROF" >out &&
	grep -qx "nothing to change: every item is already in effect" out &&
	test "$(ls "$ST"/tx-*.journal | wc -l)" = 1
'

test_expect_success 'rollback --list shows one committed transaction' '
	vpstune --state-dir "$ST" rollback --list >l &&
	cat l &&
	test "$(grep -c " committed " l)" = 1 &&
	grep -q " $(basename "$PROF" .conf) " l
'

test_expect_success 'rollback restores the exact original state' '
	vpstune --state-dir "$ST" rollback >out &&
	cat out &&
	! grep -v verified out | grep -q "^[a-z]*:" &&
	grep -q "^rolled back transaction " out &&
	snapshot >now && test_cmp "$TEST_TMP/orig.state" now &&
	vpstune --state-dir "$ST" rollback --list | grep -q " rolled-back "
'

test_expect_success 'a second rollback has nothing to roll back (exit 0)' '
	vpstune --state-dir "$ST" rollback >out &&
	grep -q "^nothing to roll back" out
'

test_expect_success 'apply --json: transaction and one entry per item' '
	vpstune --state-dir "$ST" apply -p "$PROF" --json >a.json &&
	test "$(jq -r .schema_version a.json)" = 1 &&
	jq -e ".transaction | test(\"Z-\")" a.json >/dev/null &&
	test "$(jq "[.items[] | select(.status == \"changed\" and .error == null)] | length" a.json)" = $N_ROWS &&
	jq -e ".items[] | select(.knob == \"sysctl:vm.vfs_cache_pressure\") | .old == \"$orig_vfs\" and .new == \"$new_vfs\"" a.json &&
	vpstune --state-dir "$ST" rollback --json >r.json &&
	jq -e ".complete and ([.items[] | select(.verified | not)] | length == 0)" r.json &&
	snapshot >now && test_cmp "$TEST_TMP/orig.state" now
'

test_expect_success '--only sysctl applies only the sysctls' '
	vpstune --state-dir "$ST" apply -p "$PROF" --only sysctl >out &&
	test "$(grep -c " changed " out)" = 2 &&
	test "$(cat $P/vfs_cache_pressure)" = $new_vfs &&
	snapshot | grep -v -e "^vfs_cache_pressure=" -e "^dirty_background" >now &&
	grep -v -e "^vfs_cache_pressure=" -e "^dirty_background" "$TEST_TMP/orig.state" >before &&
	test_cmp before now &&
	vpstune --state-dir "$ST" rollback >/dev/null &&
	snapshot >now && test_cmp "$TEST_TMP/orig.state" now
'

test_expect_success '--skip block leaves the block queue alone' '
	vpstune --state-dir "$ST" apply -p "$PROF" --skip block >out &&
	test "$(grep -c " changed " out)" = $((N_ROWS - 3)) &&
	! grep -q "^block:" out &&
	snapshot | grep "^$D\\." >now &&
	grep "^$D\\." "$TEST_TMP/orig.state" >before &&
	test_cmp before now &&
	vpstune --state-dir "$ST" rollback >/dev/null &&
	snapshot >now && test_cmp "$TEST_TMP/orig.state" now
'

test_expect_success 'an unknown group is a usage error that names it' '
	test_expect_code 2 vpstune --state-dir "$ST" apply -p "$PROF" --only sysctl,nosuch 2>err &&
	grep -q "unknown group '"'"'nosuch'"'"'" err
'

test_expect_success 'state is the original at the end' '
	snapshot >now && test_cmp "$TEST_TMP/orig.state" now
'

test_done
