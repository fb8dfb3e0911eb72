#!/bin/sh
# vpstune snapshot on a loop btrfs with @, @home and a nested subvolume:
# discovery from mountinfo, create (read-only, btrbk names, sidecars),
# pre/post pairs, --if-changed, list with pins and the pinned-space
# estimate, delete; quotas stay off, the top level is never left mounted.
. "$SRCDIR/tests/root/t4109-snapshot-setup.sh"
NOW=1764590400 # 2025-12-01T12:00Z

test_expect_success '--list names @ and @home, the nested subvolume as excluded' '
	vs --list >out &&
	grep -q "^no snapshots" out &&
	grep -q "excluded subvolumes" out &&
	grep -q "@home/user/containers ($MNT/home/user/containers): nested subvolume" out &&
	vs --list --json >j &&
	jq -e ".subvolumes | map(select(.excluded == false)) | map(.path) | sort == [\"@\", \"@home\"]" j
'

test_expect_success 'snapshot of @home: read-only, btrbk name on the top level, sidecar' '
	echo before >"$MNT/home/user/file" &&
	VPSTUNE_TEST_NOW=$NOW vs "$MNT/home" >out &&
	grep -q "^created @home.20251201T1200 (@home, single)" out &&
	on_disk >list && echo @home.20251201T1200 >want && test_cmp want list &&
	sidecar @home.20251201T1200 >sc &&
	jq -e ".schema_version == 1 and .kind == \"single\" and .source == \"@home\" and .mountpoint == \"$MNT/home\" and .created == $NOW" sc &&
	uuid=$(btrfs subvolume list -r -u "$MNT" | sed -n "s|.* uuid \([^ ]*\) path .*@home.20251201T1200$|\1|p") &&
	test -n "$uuid" && jq -e ".uuid == \"$uuid\"" sc &&
	test "$(mounts_of_loop)" = 2
'

test_expect_success 'the snapshot holds the data of the moment, and is read-only' '
	echo after >"$MNT/home/user/file" &&
	mkdir -p view && mount -o ro,subvol=/vpstune-snapshots/@home.20251201T1200 "$LOOP" view &&
	content=$(cat view/user/file); ro=$(btrfs property get -ts view ro); umount view &&
	test "$content" = before && test "$ro" = ro=true
'

test_expect_success 'same minute again: _1 suffix; by subvolume path or mount point' '
	VPSTUNE_TEST_NOW=$NOW vs @home >out &&
	grep -q "^created @home.20251201T1200_1 " out &&
	VPSTUNE_TEST_NOW=$NOW vs "$MNT" >out &&
	grep -q "^created @.20251201T1200 (@, single)" out
'

test_expect_success 'unknown subvolume: exit 2, nothing made' '
	on_disk >before &&
	test_expect_code 2 vs /nonexistent 2>err &&
	grep -q "not a mounted btrfs subvolume" err &&
	on_disk >now && test_cmp before now
'

test_expect_success '--pre / --post: a pair, each naming the other' '
	VPSTUNE_TEST_NOW=$((NOW + 60)) vs --pre "apt upgrade" @home >out &&
	pre=$(sed -n "s/^created \([^ ]*\) .*/\1/p" out) && test "$pre" = @home.20251201T1201 &&
	VPSTUNE_TEST_NOW=$((NOW + 120)) vs --post "$pre" >out &&
	post=$(sed -n "s/^created \([^ ]*\) .*/\1/p" out) && test "$post" = @home.20251201T1202 &&
	sidecar "$pre" | jq -e ".kind == \"pre\" and .pair == \"$post\" and .description == \"apt upgrade\"" &&
	sidecar "$post" | jq -e ".kind == \"post\" and .pair == \"$pre\""
'

test_expect_success '--post of a snapshot that is not a pre: exit 2' '
	test_expect_code 2 vs --post @.20251201T1200 2>err && grep -q "not a pre snapshot" err
'

test_expect_success '--if-changed: nothing when unchanged, a snapshot after a write' '
	sync && VPSTUNE_TEST_NOW=$((NOW + 180)) vs --if-changed @home >out &&
	grep -q "unchanged since its newest snapshot" out &&
	echo more >>"$MNT/home/user/file" && sync &&
	VPSTUNE_TEST_NOW=$((NOW + 180)) vs --if-changed @home >out &&
	grep -q "^created @home.20251201T1203 " out
'

test_expect_success 'list: pins (newest, important), pinned space by extents newer than the generation' '
	VPSTUNE_TEST_NOW=$((NOW + 240)) vs --tag important @ >/dev/null &&
	dd if=/dev/urandom of="$MNT/home/user/big" bs=1M count=8 status=none && sync &&
	VPSTUNE_TEST_NOW=$((NOW + 300)) vs @home >/dev/null &&
	dd if=/dev/urandom of="$MNT/home/user/big" bs=1M count=8 conv=notrunc status=none && sync &&
	vs --list --json >j &&
	jq -e ".snapshots[] | select(.id == \"@home.20251201T1205\") | .pinned and .pin_reason == \"newest of its subvolume\" and .pinned_method == \"extents-newer-than-generation\" and .pinned_bytes >= 8388608 and .pinned_bytes < 9437184" j &&
	jq -e ".snapshots[] | select(.id == \"@home.20251201T1200\") | (.pinned | not) and .pinned_bytes >= 8388608" j &&
	jq -e ".snapshots[] | select(.id == \"@.20251201T1200\") | .pinned_bytes == 0" j &&
	jq -e ".snapshots[] | select(.id == \"@.20251201T1204\") | .pinned and .pin_reason == \"tagged important\"" j &&
	vs --list >out && grep -q "estimated by extents of the source written after" out
'

test_expect_success '--delete: pinned refused (exit 2), unpinned deleted with its sidecar' '
	test_expect_code 2 vs --delete @home.20251201T1205 2>err && grep -q "pinned" err &&
	vs --delete @home.20251201T1200_1 >out && grep -q "^deleted @home.20251201T1200_1" out &&
	! on_disk | grep -qx "@home.20251201T1200_1" &&
	test ! -e "$ST/snapshots/@home.20251201T1200_1.json" &&
	test_expect_code 2 vs --delete @home.20251201T1200_1 2>err && grep -q "no snapshot" err
'

test_expect_success '--delete --force takes a pinned one' '
	vs --delete @.20251201T1204 --force >out && grep -q "^deleted @.20251201T1204" out &&
	! on_disk | grep -qx "@.20251201T1204"
'

test_expect_success 'a snapshot without sidecar (btrbk-made) is listed as unknown; a lost one as missing' '
	mkdir -p top && mount -o subvolid=5 "$LOOP" top &&
	btrfs -q subvolume snapshot -r top/@home top/vpstune-snapshots/@home.20251130T0900 >/dev/null &&
	umount top &&
	jq ".id = \"@home.20251129T0800\" | .path = \"vpstune-snapshots/@home.20251129T0800\"" "$ST/snapshots/@home.20251201T1200.json" >"$ST/snapshots/@home.20251129T0800.json" &&
	vs --list --json >j &&
	jq -e ".snapshots[] | select(.id == \"@home.20251130T0900\") | .kind == \"unknown\" and .state == \"no-sidecar\" and .source == \"@home\"" j &&
	jq -e ".snapshots[] | select(.id == \"@home.20251129T0800\") | .state == \"missing\"" j
'

test_expect_success 'without root: changes refused (exit 3), nothing made' '
	chmod 755 "$TEST_TMP" &&
	on_disk >before &&
	test_expect_code 3 setpriv --reuid=65534 --regid=65534 --clear-groups "$VPSTUNE" --state-dir "$ST" snapshot @home 2>err &&
	grep -q "needs root" err &&
	on_disk >now && test_cmp before now
'

test_expect_success 'below 15% free the oldest unpinned go; below 5% no new snapshot (exit 3)' '
	avail=$(df -B1 --output=avail "$MNT" | tail -1) && size=$(df -B1 --output=size "$MNT" | tail -1) &&
	fallocate -l $((avail - size / 50)) "$MNT/fill" && sync &&
	test_expect_code 3 vs @home >out 2>err && grep -q "free on filesystem .* (less than 5%): no new snapshot" err &&
	grep -q "^deleted @home.20251201T1200 (space guard: less than 15% free)" out &&
	on_disk >now && ! grep -q "^@home.20251201T1200\$" now && grep -q "^@home.20251201T1205\$" now &&
	! grep -q "^@home.2026" now &&
	rm -f "$MNT/fill" && sync
'

test_expect_success 'quotas are still off; the top level is not left mounted' '
	quotas_off && test "$(mounts_of_loop)" = 2
'

test_done
