#!/bin/sh
# Shared set-up of the snapshot root tests (sourced): a loop-backed btrfs
# made for the test with subvolumes @, @home and a nested one
# (@home/user/containers, as Podman's btrfs driver makes), @ mounted on
# $MNT and @home on $MNT/home, all under $TEST_TMP. The top level is not
# mounted: vpstune reaches it through a detached mount. Everything is
# unmounted and detached in the trap.
. "$SRCDIR/tests/lib.sh"
test_require_root

command -v mkfs.btrfs >/dev/null && grep -qw btrfs /proc/filesystems || { echo "1..0 # SKIP no btrfs"; exit 0; }
truncate -s "${SNAP_IMG_SIZE:-512M}" "$TEST_TMP/btrfs.img" || exit 1
LOOP=$(losetup -f --show "$TEST_TMP/btrfs.img") || { echo "1..0 # SKIP no loop device"; exit 0; }
test_cleanup "losetup -d $LOOP"
mkfs.btrfs -q "$LOOP" >/dev/null 2>&1 || exit 1
MNT=$TEST_TMP/mnt
mkdir -p "$MNT"
mount -o subvolid=5 "$LOOP" "$MNT" || exit 1
btrfs -q subvolume create "$MNT/@" >/dev/null &&
btrfs -q subvolume create "$MNT/@home" >/dev/null &&
mkdir -p "$MNT/@home/user" &&
btrfs -q subvolume create "$MNT/@home/user/containers" >/dev/null || exit 1
umount "$MNT"
mount -o subvol=/@,noatime "$LOOP" "$MNT" || exit 1
test_cleanup "umount -l $MNT"
mkdir -p "$MNT/home"
mount -o subvol=/@home,noatime "$LOOP" "$MNT/home" || exit 1
test_cleanup "umount -l $MNT/home"
ST=$TEST_TMP/state
MAJMIN=$(awk -v mp="$MNT" '$5 == mp { print $3 }' /proc/self/mountinfo)
export TZ=UTC

vs() { "$VPSTUNE" --state-dir "$ST" snapshot "$@"; }
# Read-only subvolumes under the snapshot directory, as btrfs-progs sees them.
on_disk() { btrfs subvolume list -r "$MNT" | sed -n 's|.* path \(<FS_TREE>/\)\{0,1\}vpstune-snapshots/||p' | sort; }
sidecar() { cat "$ST/snapshots/$1.json"; }
# Only our two mounts of the loop device: the top level was never left mounted.
mounts_of_loop() { awk -v mm="$MAJMIN" '$3 == mm' /proc/self/mountinfo | wc -l; }
quotas_off() { ! btrfs qgroup show "$MNT" >/dev/null 2>&1; }
