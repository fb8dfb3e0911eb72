#!/bin/sh
# btrfs knobs on a loop-backed filesystem made for the test: fs-wide
# options by reconfigure (compress, autodefrag, ssd) keeping per-mount
# flags, no-COW on an empty directory (refused on a non-empty one), the
# compression property on a subvolume, and the btrfs BDI read-ahead.
KNOBCTL=${1:-${KNOBCTL:-$BUILDDIR/tests/root/knobctl}}
. "$SRCDIR/tests/lib.sh"
test_require_root

command -v mkfs.btrfs >/dev/null && grep -qw btrfs /proc/filesystems || { echo "1..0 # SKIP no btrfs"; exit 0; }
truncate -s 256M "$TEST_TMP/btrfs.img" || exit 1
LOOP=$(losetup -f --show "$TEST_TMP/btrfs.img") || { echo "1..0 # SKIP no loop device"; exit 0; }
test_cleanup "losetup -d $LOOP"
mkfs.btrfs -q "$LOOP" >/dev/null 2>&1 || exit 1
MP=$(mktemp -d "${TMPDIR:-/tmp}/vpstune-btrfs.XXXXXX")
test_cleanup "rmdir $MP"
mount -o noatime,nosuid "$LOOP" "$MP" || exit 1
test_cleanup "umount $MP"
ST="$TEST_TMP/state"
super() { awk -v mp="$MP" '$5 == mp { for (i = 7; $i != "-"; i++); print $(i + 3) }' /proc/self/mountinfo; }
# btrfs cannot go back from an explicit "nossd" to auto-detection by
# reconfigure; on this rotational loop device both mean "ssd off", which
# is what the knob reads and verifies.
super_sans_nossd() { super | sed 's/,nossd//'; }
perm() { awk -v mp="$MP" '$5 == mp { print $6 }' /proc/self/mountinfo; }
perm >"$TEST_TMP/perm.orig"

test_expect_success 'compress reads "no" on a fresh mount' '
	test "$("$KNOBCTL" read "mount:$MP:compress")" = no
'

test_expect_success 'compress=zstd:1 by reconfigure; per-mount flags kept' '
	"$KNOBCTL" write "mount:$MP:compress" zstd:1 &&
	super | grep -q "compress=zstd:1" &&
	perm >now && test_cmp "$TEST_TMP/perm.orig" now &&
	"$KNOBCTL" write "mount:$MP:compress" no &&
	! super | grep -q compress
'

test_expect_success 'zstd means zstd:3; a clamped level is reported' '
	"$KNOBCTL" write "mount:$MP:compress" zstd &&
	test "$("$KNOBCTL" read "mount:$MP:compress")" = zstd:3 &&
	! "$KNOBCTL" write "mount:$MP:compress" zstd:20 2>err &&
	grep -q "holds another value" err &&
	"$KNOBCTL" write "mount:$MP:compress" no
'

test_expect_success 'apply + rollback of compress, autodefrag, ssd: super options exact' '
	super_sans_nossd >before &&
	printf "%s\n" "mount:$MP:compress zstd:1" "mount:$MP:autodefrag on" "mount:$MP:ssd on" >ch &&
	"$KNOBCTL" apply-file "$ST" ch >out &&
	super | grep -q autodefrag && super | grep -q ssd &&
	"$KNOBCTL" rollback "$ST" &&
	super_sans_nossd >now && test_cmp before now &&
	test "$("$KNOBCTL" read "mount:$MP:ssd")" = off &&
	perm >now2 && test_cmp "$TEST_TMP/perm.orig" now2
'

test_expect_success 'a mount that is not btrfs or not a mountpoint is refused' '
	mkdir "$MP/sub" &&
	! "$KNOBCTL" read "mount:$MP/sub:compress" &&
	! "$KNOBCTL" write "mount:$MP/sub:compress" zstd &&
	rmdir "$MP/sub"
'

test_expect_success 'nocow on an empty directory, read back with lsattr' '
	mkdir "$MP/log" &&
	"$KNOBCTL" write "attr:$MP/log:nocow" on &&
	lsattr -d "$MP/log" | grep -q "C" &&
	test "$("$KNOBCTL" read "attr:$MP/log:nocow")" = on
'

test_expect_success 'nocow on a non-empty directory is refused' '
	mkdir "$MP/full" && echo x >"$MP/full/f" &&
	! "$KNOBCTL" write "attr:$MP/full:nocow" on 2>err &&
	grep -q "not empty" err &&
	test "$("$KNOBCTL" read "attr:$MP/full:nocow")" = off
'

test_expect_success 'nocow rollback clears the flag again' '
	mkdir "$MP/log2" &&
	printf "%s\n" "attr:$MP/log2:nocow on" >ch2 &&
	"$KNOBCTL" apply-file "$ST" ch2 >out &&
	test "$("$KNOBCTL" read "attr:$MP/log2:nocow")" = on &&
	"$KNOBCTL" rollback "$ST" &&
	test "$("$KNOBCTL" read "attr:$MP/log2:nocow")" = off
'

test_expect_success 'compression property on a subvolume; rollback makes it absent again' '
	btrfs subvolume create "$MP/containers" >/dev/null &&
	test "$("$KNOBCTL" read "prop:$MP/containers:compression")" = "<absent>" &&
	printf "%s\n" "prop:$MP/containers:compression zstd" >ch3 &&
	"$KNOBCTL" apply-file "$ST" ch3 >out &&
	btrfs property get "$MP/containers" compression | grep -q "compression=zstd" &&
	"$KNOBCTL" rollback "$ST" &&
	test "$("$KNOBCTL" read "prop:$MP/containers:compression")" = "<absent>" &&
	grep -q "ORIG prop:.* ~ crc=" "$ST"/tx-*.journal
'

test_expect_success 'compression property on a no-COW directory: EINVAL, explained' '
	! "$KNOBCTL" write "prop:$MP/log:compression" zstd 2>err &&
	grep -q "no-COW" err
'

test_expect_success 'a symlink as the path is not followed' '
	ln -s "$MP/containers" "$MP/link" &&
	! "$KNOBCTL" write "prop:$MP/link:compression" zstd
'

test_expect_success 'btrfs BDI read-ahead through the mountpoint' '
	bdi=$(basename "$(readlink /sys/fs/btrfs/*/bdi | head -n 1)") &&
	for f in /sys/fs/btrfs/*/devices/${LOOP#/dev/}; do d=${f%/devices/*}; done &&
	bdi=$(basename "$(readlink "$d/bdi")") &&
	orig=$(cat /sys/class/bdi/$bdi/read_ahead_kb) &&
	test "$("$KNOBCTL" read "bdi:$MP:read_ahead_kb")" = "$orig" &&
	test "$("$KNOBCTL" read "bdi:$bdi:read_ahead_kb")" = "$orig" &&
	printf "%s\n" "bdi:$MP:read_ahead_kb 1024" >ch4 &&
	"$KNOBCTL" apply-file "$ST" ch4 >out &&
	test "$(cat /sys/class/bdi/$bdi/read_ahead_kb)" = 1024 &&
	"$KNOBCTL" rollback "$ST" &&
	test "$(cat /sys/class/bdi/$bdi/read_ahead_kb)" = "$orig"
'

test_done
