#!/bin/sh
# detect on captured and hand-made sysroots: goldens in tests/expected/detect/
# (regenerate with VPSTUNE_REGEN=1 and review the diff), plus the facts each
# fixture exists to show.
. "$SRCDIR/tests/lib.sh"

golden() { # golden FIXTURE KIND(json|txt) -- compares, or rewrites with VPSTUNE_REGEN=1
	exp="$EXPECTED/detect/$1.$2"
	if [ "$2" = json ]; then
		(cd "$FIX" && "$VPSTUNE" --root "$1" detect --json) >out || return 1
	else
		(cd "$FIX" && "$VPSTUNE" --root "$1" detect) >out || return 1
	fi
	if [ -n "${VPSTUNE_REGEN:-}" ]; then mkdir -p "$EXPECTED/detect"; cp out "$exp"; fi
	test_cmp "$exp" out
}

for f in seed-vps ci-machine nvme-metal broken; do
	test_expect_success "detect --json on $f matches its golden" "golden $f json"
	test_expect_success "detect on $f matches its golden" "golden $f txt"
done

j() { (cd "$FIX" && "$VPSTUNE" --root "$1" detect --json) | jq -r "$2"; }

test_expect_success 'seed VPS: OpenStack KVM, 8 vCPU Haswell, 23.44 GiB, Fedora 42' '
	test "$(j seed-vps .virt.vm)" = kvm &&
	test "$(j seed-vps .virt.vendor)" = openstack &&
	test "$(j seed-vps .virt.container)" = null &&
	test "$(j seed-vps .cpu.count)" = 8 &&
	test "$(j seed-vps .cpu.microarch)" = Haswell &&
	test "$(j seed-vps .memory.total_bytes)" = $((24578624 * 1024)) &&
	test "$(j seed-vps .os.id)" = fedora && test "$(j seed-vps .os.version_id)" = 42
'

test_expect_success 'seed VPS: one 200 GiB virtio-scsi sda with 4 partitions' '
	test "$(j seed-vps "[.disks[] | select(.transport != \"zram\")] | length")" = 1 &&
	test "$(j seed-vps ".disks[] | select(.name == \"sda\") | .transport")" = virtio-scsi &&
	test "$(j seed-vps ".disks[] | select(.name == \"sda\") | .size_bytes")" = $((200 * 1024 * 1024 * 1024)) &&
	test "$(j seed-vps ".disks[] | select(.name == \"sda\") | .partitions | length")" = 4 &&
	test "$(j seed-vps ".disks[] | select(.name == \"sda\") | .scheduler")" = mq-deadline
'

test_expect_success 'seed VPS: seven btrfs subvolumes, fs-wide options identical on all' '
	j seed-vps "[.filesystems[] | select(.fstype == \"btrfs\") | .subvol] | sort | join(\" \")" >subvols &&
	echo "/@ /@containers /@dev /@home /@nix /@var-cache /@var-log" >expect && test_cmp expect subvols &&
	j seed-vps "[.filesystems[] | select(.fstype == \"btrfs\") | [.super_options[] | select(startswith(\"subvol\") | not)] | join(\",\")] | unique | length" >n &&
	test "$(cat n)" = 1 &&
	test "$(j seed-vps "[.filesystems[] | select(.fstype == \"btrfs\")][0].bdi_read_ahead_kb")" = 4096
'

test_expect_success 'seed VPS: zram0 is an active 8 GiB swap' '
	test "$(j seed-vps ".memory.zram[0].disksize")" = 8589934592 &&
	test "$(j seed-vps ".memory.zram[0].swap_active")" = true
'

test_expect_success 'CI machine capture: vm=kvm and container=docker, virtio-blk vda' '
	test "$(j ci-machine .virt.vm)" = kvm &&
	test "$(j ci-machine .virt.container)" = docker &&
	test "$(j ci-machine ".disks[] | select(.name == \"vda\") | .transport")" = virtio-blk
'

test_expect_success 'NVMe bare metal: no VM, Zen 3, two nvme disks, UEFI' '
	test "$(j nvme-metal .virt.vm)" = none &&
	test "$(j nvme-metal .cpu.microarch)" = "Zen 3" &&
	test "$(j nvme-metal "[.disks[] | select(.transport == \"nvme\")] | length")" = 2 &&
	test "$(j nvme-metal .firmware)" = uefi
'

test_expect_success 'broken sysroot: detect succeeds with unknowns and warnings' '
	j broken .memory.total_bytes >mem && test "$(cat mem)" = null &&
	test "$(j broken ".warnings | length")" -gt 3
'

test_expect_success 'broken sysroot with a 10 MB cpuinfo and FIFOs: finishes, exit 0' '
	sh "$FIX/make-broken.sh" "$TEST_TMP/hostile" >/dev/null &&
	timeout 20 "$VPSTUNE" --root "$TEST_TMP/hostile" detect --json >out &&
	jq -e .cpu out >/dev/null
'

test_expect_success 'an empty directory is a machine of unknowns' '
	mkdir empty && "$VPSTUNE" --root empty detect --json >out &&
	test "$(jq -r .cpu.count out)" = null && test "$(jq -r ".disks | length" out)" = 0
'

test_expect_success 'absolute symlinks in a sysroot resolve inside it, never outside' '
	mkdir -p esc/etc esc/proc && ln -s /etc/hostname esc/etc/os-release &&
	printf "ID=inside\n" >esc/etc/hostname &&
	"$VPSTUNE" --root esc detect --json >out &&
	test "$(jq -r .os.id out)" = inside
'

test_expect_success 'detect --json output is valid JSON with schema_version 1' '
	"$VPSTUNE" detect --json >out && test "$(jq .schema_version out)" = 1
'

test_expect_success 'garbage never reaches the terminal as control characters' '
	(cd "$FIX" && "$VPSTUNE" --root broken detect) >out &&
	! LC_ALL=C grep -q "$(printf "[\001-\010\016-\037\177]")" out
'

test_done
