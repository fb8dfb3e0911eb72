#!/bin/sh
# vpstune check-config: the seed author's configuration (before its
# "critical fix 1") checked against the seed's machine.
. "$SRCDIR/tests/lib.sh"

SEED="$FIX/seed-vps"

test_expect_success 'every broken reference of the seed configuration is found: exit 1' '
	cd "$SRCDIR" &&
	test_expect_code 1 vpstune --root tests/fixtures/seed-vps check-config tests/fixtures/seed-config/*.nix >"$TEST_TMP/out" &&
	test -s "$TEST_TMP/out"
'

test_expect_success 'the findings match the golden' '
	cd "$SRCDIR" &&
	{ vpstune --root tests/fixtures/seed-vps check-config tests/fixtures/seed-config/*.nix; true; } >"$TEST_TMP/out" &&
	test_cmp "$EXPECTED/check-config/seed-config.txt" "$TEST_TMP/out"
'

test_expect_success 'the /boot line names the partition that holds /boot' '
	grep -q "hardware-configuration.nix:12: /dev/nvme0n1p1 does not exist.*partition 3 (/dev/sda3) holds /boot (ext4)" "$EXPECTED/check-config/seed-config.txt"
'

test_expect_success 'the placeholder and both NVMe disks are named' '
	f="$EXPECTED/check-config/seed-config.txt" &&
	grep -q "SYSTEM_DISK_UUID is a placeholder" "$f" &&
	grep -q "/dev/nvme0n1 does not exist" "$f" && grep -q "/dev/nvme1n1 does not exist" "$f"
'

test_expect_success 'the machine'"'"'s own fstab is clean' '
	vpstune --root "$SEED" check-config "$SEED/etc/fstab"
'

test_expect_success 'generated configuration passes check-config' '
	vpstune --root "$SEED" generate nixos >n.nix && vpstune --root "$SEED" generate fstab >fstab &&
	vpstune --root "$SEED" generate disko >d.nix &&
	vpstune --root "$SEED" check-config n.nix fstab d.nix
'

test_expect_success 'same partition number on the real disk when nothing else is known' '
	printf "x = \"/dev/vda2\";\n" >c.nix &&
	{ vpstune --root "$SEED" check-config c.nix; true; } >out &&
	grep -q "c.nix:1: /dev/vda2 does not exist here; the disk here is /dev/sda (virtio-scsi, 200.00 GiB); partition 2 here is /dev/sda2 (vfat, mounted on /boot/efi)" out
'

test_expect_success '--json lists every reference with exists' '
	printf "UUID=A1B2-C3D4 /boot/efi vfat umask=0077 0 2\nUUID=dead /x ext4 defaults 0 2\n" >fstab &&
	{ vpstune --root "$SEED" check-config --json fstab; true; } >out.json &&
	python3 -c "
import json, sys
d = json.load(open(\"out.json\"))
assert d[\"schema_version\"] == 1
r = d[\"references\"]
assert [x[\"exists\"] for x in r] == [True, False], r
assert r[0][\"device\"] == \"sda2\" and r[1][\"line\"] == 2 and r[1][\"mountpoint\"] == \"/x\"
assert d[\"summary\"] == {\"references\": 2, \"missing\": 1}
"
'

test_expect_success 'an unreadable file is exit 2' '
	test_expect_code 2 vpstune --root "$SEED" check-config /nonexistent/configuration.nix 2>err &&
	grep -q "cannot read" err
'

test_expect_success 'no file is a usage error' '
	test_expect_code 2 vpstune --root "$SEED" check-config 2>err &&
	grep -q "^vpstune: check-config: " err
'

test_done
