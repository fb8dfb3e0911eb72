#!/bin/sh
# generate on the live machine, read back by the real consumers as root:
# podman on a loop-backed btrfs with the generated storage.conf, sysctl -p
# of the generated sysctl.d file (every value saved and restored in a
# trap), findmnt --verify of the generated fstab.
. "$SRCDIR/tests/lib.sh"
test_require_root

have() { command -v "$1" >/dev/null 2>&1; }
D=$TEST_TMP/live
mkdir -p "$D"

# ---- sysctl -p ----
KEYS="vm.swappiness vm.vfs_cache_pressure vm.dirty_ratio vm.dirty_background_ratio vm.dirty_bytes vm.dirty_background_bytes"
for k in $KEYS; do
	echo "$k=$(sysctl -n "$k")"
done >"$D/saved-sysctl"
# ratio before bytes: writing one of a pair zeroes the other, so a non-zero
# saved *_bytes is written last and wins, as it did before.
restore_sysctl() {
	while IFS== read -r k v; do
		case $k in *_bytes) [ "$v" = 0 ] && continue ;; esac
		sysctl -q -w "$k=$v"
	done <"$D/saved-sysctl"
}
test_cleanup restore_sysctl

test_expect_success 'sysctl -p loads the generated file and the values take' '
	vpstune generate sysctl -p vps-dev >"$D/60-vpstune.conf" &&
	sysctl -q -p "$D/60-vpstune.conf" &&
	grep -E "^[a-z].* = " "$D/60-vpstune.conf" >"$D/set" && test -s "$D/set" &&
	while read -r k _ v; do
		[ "$(sysctl -n "$k")" = "$v" ] || { echo "$k is $(sysctl -n "$k"), want $v"; exit 1; }
	done <"$D/set"
'

test_expect_success 'the generated sysctl file never sets both dirty_ratio and dirty_bytes' '
	! { grep -q "^vm.dirty_ratio" "$D/60-vpstune.conf" && grep -q "^vm.dirty_bytes" "$D/60-vpstune.conf"; }
'

# ---- findmnt --verify ----
if have findmnt; then
	test_expect_success 'findmnt --verify accepts the fstab generated here' '
		vpstune generate fstab >"$D/fstab" &&
		findmnt --verify --tab-file "$D/fstab" >"$D/verify" 2>&1; rc=$?
		cat "$D/verify"; [ $rc -eq 0 ]
	'
fi

# ---- podman on a loop-backed btrfs ----
if have podman && have mkfs.btrfs && have losetup; then
	IMG=$D/btrfs.img
	MNT=$D/mnt
	LOOP=
	podman_cleanup() {
		umount "$MNT" 2>/dev/null
		[ -n "$LOOP" ] && losetup -d "$LOOP" 2>/dev/null
		rm -f "$IMG"
	}
	test_cleanup podman_cleanup
	test_expect_success 'podman uses the btrfs driver from the generated storage.conf' '
		truncate -s 512M "$IMG" && mkfs.btrfs -q "$IMG" &&
		LOOP=$(losetup --find --show "$IMG") && echo "$LOOP" >"$D/loop" &&
		mkdir -p "$MNT" && mount "$LOOP" "$MNT" &&
		printf "[main]\nsummary=podman test\n\n[containers]\ndriver=btrfs\ngraphroot=%s/storage\nrunroot=%s/run\n" \
			"$MNT" "$D" >"$D/profile.conf" &&
		vpstune generate containers -p "$D/profile.conf" >"$D/storage.conf" &&
		grep -q "^driver = \"btrfs\"" "$D/storage.conf" &&
		CONTAINERS_STORAGE_CONF="$D/storage.conf" podman info --format "{{.Store.GraphDriverName}}" >"$D/driver" 2>"$D/podman.err" ||
			{ cat "$D/podman.err"; false; }
		LOOP=$(cat "$D/loop" 2>/dev/null)
		grep -qx btrfs "$D/driver"
	'
	LOOP=$(cat "$D/loop" 2>/dev/null)
else
	test_skip 'podman uses the btrfs driver from the generated storage.conf' 'podman, mkfs.btrfs or losetup missing'
fi

test_done
