#!/bin/sh
# vpstune snapshot --restore of @home on a loop btrfs: idle (swapped and
# mounted again, old kept as @home.rollback-TS), busy (a process with its
# cwd in it: scheduled, --recover switches once idle), kill -9 after the
# first rename and after the writable snapshot, then --recover; quotas off.
. "$SRCDIR/tests/root/t4109-snapshot-setup.sh"
NOW=1764590400

home_root() { awk -v mp="$MNT/home" '$5 == mp { r = $4 } END { print r }' /proc/self/mountinfo; }
# content of subvolume PATH (from the top level)
peek() { mkdir -p "$TEST_TMP/peek" && mount -o ro,subvol="/$1" "$LOOP" "$TEST_TMP/peek" && cat "$TEST_TMP/peek/$2"; umount "$TEST_TMP/peek"; }
rollbacks() { btrfs subvolume list "$MNT" | sed -n 's/.* path \(<FS_TREE>\/\)\{0,1\}\(@home\.rollback-.*\)/\2/p'; }

test_expect_success 'set-up: a snapshot of @home with v1, then v2 written' '
	echo v1 >"$MNT/home/f" && sync &&
	VPSTUNE_TEST_NOW=$NOW vs @home >out && grep -q "^created @home.20251201T1200 " out &&
	echo v2 >"$MNT/home/f" && sync
'

test_expect_success '--restore --dry-run: the steps, nothing changed' '
	vs --restore @home.20251201T1200 --dry-run >out &&
	grep -q "^dry run: restore of $MNT/home from @home.20251201T1200 would" out &&
	grep -q "RENAME_EXCHANGE" out &&
	test "$(cat "$MNT/home/f")" = v2 && test -z "$(rollbacks)"
'

test_expect_success 'restore while idle: v1 is live, the old one kept as @home.rollback-TS' '
	VPSTUNE_TEST_NOW=$((NOW + 60)) vs --restore @home.20251201T1200 >out &&
	grep -q "^restored $MNT/home from @home.20251201T1200; the old subvolume is kept as @home.rollback-20251201T120100" out &&
	test "$(cat "$MNT/home/f")" = v1 &&
	test "$(home_root)" = /@home &&
	test "$(peek @home.rollback-20251201T120100 f)" = v2 &&
	test "$(mounts_of_loop)" = 2 &&
	jq -e ".state == \"done\"" "$ST/snapshots/restore.journal"
'

test_expect_success 'the restored subvolume is writable, the snapshot untouched' '
	echo v3 >"$MNT/home/f" && sync &&
	test "$(peek vpstune-snapshots/@home.20251201T1200 f)" = v1
'

test_expect_success 'restore while busy (a cwd in it): scheduled, the old stays mounted; --recover switches when idle' '
	(cd "$MNT/home" && exec sleep 300) & pid=$! &&
	sleep 0.3 &&
	VPSTUNE_TEST_NOW=$((NOW + 120)) vs --restore @home.20251201T1200 >out; rc=$?;
	kill $pid; wait $pid 2>/dev/null;
	test $rc = 0 &&
	grep -q "scheduled for the next boot (busy)" out &&
	test "$(cat "$MNT/home/f")" = v3 &&
	test "$(home_root)" = /@home.rollback-20251201T120200 &&
	test "$(peek @home f)" = v1 &&
	jq -e ".state == \"scheduled\"" "$ST/snapshots/restore.journal" &&
	vs --recover >out && grep -q "interrupted restore finished" out &&
	test "$(cat "$MNT/home/f")" = v1 && test "$(home_root)" = /@home
'

test_expect_success 'kill -9 after the first rename, then --recover finishes it' '
	echo v4 >"$MNT/home/f" && sync &&
	VPSTUNE_CRASH_AT=2 VPSTUNE_TEST_NOW=$((NOW + 180)) "$VPSTUNE_FI" --state-dir "$ST" snapshot --restore @home.20251201T1200 >out 2>&1; rc=$?;
	test $rc = 137 &&
	jq -e ".state == \"exchanging\"" "$ST/snapshots/restore.journal" &&
	test "$(peek @home f)" = v1 && test "$(cat "$MNT/home/f")" = v4 &&
	test_expect_code 3 vs --restore @home.20251201T1200 2>err && grep -q "recover" err &&
	vs --recover >out && grep -q "interrupted restore finished" out &&
	test "$(cat "$MNT/home/f")" = v1 && test "$(home_root)" = /@home &&
	test "$(peek @home.rollback-20251201T120300 f)" = v4
'

test_expect_success 'kill -9 after the writable snapshot, then --recover reverts it' '
	echo v5 >"$MNT/home/f" && sync &&
	VPSTUNE_CRASH_AT=1 VPSTUNE_TEST_NOW=$((NOW + 240)) "$VPSTUNE_FI" --state-dir "$ST" snapshot --restore @home.20251201T1200 >out 2>&1; rc=$?;
	test $rc = 137 &&
	rollbacks | grep -q "rollback-20251201T120400" &&
	vs --recover >out && grep -q "interrupted restore reverted" out &&
	! rollbacks | grep -q "rollback-20251201T120400" &&
	test "$(cat "$MNT/home/f")" = v5 && test "$(home_root)" = /@home &&
	vs --recover >out && grep -q "no interrupted restore" out
'

test_expect_success 'unknown snapshot: exit 2' '
	test_expect_code 2 vs --restore @home.20200101T0000 2>err && grep -q "no snapshot" err
'

test_expect_success 'quotas are still off; only our mounts remain' '
	quotas_off && test "$(mounts_of_loop)" = 2
'

test_done
