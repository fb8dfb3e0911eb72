#!/bin/sh
# Virtualization from files: one small sysroot per kind of machine in
# tests/fixtures/virt/<kind>/ (its README says which peer decides it and
# what that peer says). The answers are a golden table; the peers that can
# read the same files (lscpu --sysroot, virt-what --test-root; see
# tests/virt-peers.sh) run in the same test, and every kind where a peer
# decides must agree with it or be listed, with the reason, in
# tests/expected/virt/peer-differences.txt.
. "$SRCDIR/tests/lib.sh"

VFIX=$FIX/virt
VEXP=$EXPECTED/virt

# kind vm vendor type confidence hypervisor xen_mode container
answers() {
	while read -r k arch; do
		case $k in '#'*|'') continue ;; esac
		"$VPSTUNE" --root "$VFIX/$k" detect --json >"$k.json" || return 1
		printf '%s|%s\n' "$k" "$(jq -r '.virt | [.vm, .vendor, .type, .confidence, .hypervisor, .xen_mode, .container] |
			map(. // "-") | join("|")' "$k.json")" || return 1
	done <"$VFIX/ARCH"
}

regen_or_cmp() { # EXPECTED ACTUAL
	if [ -n "${VPSTUNE_REGEN:-}" ]; then cp "$2" "$1"; fi
	test_cmp "$1" "$2"
}

test_expect_success 'every kind of machine has a fixture with a README' '
	n=0 &&
	while read -r k arch; do
		case $k in "#"*|"") continue ;; esac
		test -d "$VFIX/$k" && test -s "$VFIX/$k/README" && n=$((n + 1)) || exit 1
	done <"$VFIX/ARCH" &&
	test "$n" -ge 40 &&
	test "$(ls -d "$VFIX"/*/ | wc -l)" = "$n"
'

test_expect_success 'detect on every virt fixture matches the golden table' '
	answers >"$TEST_TMP/table" &&
	regen_or_cmp "$VEXP/detect.txt" "$TEST_TMP/table"
'

test_expect_success 'every answer names its evidence; vm and confidence come together' '
	answers >table &&
	while IFS="|" read -r k vm vendor type conf rest; do
		jq -e ".virt.evidence | length > 0" "$k.json" >/dev/null || { echo "$k: no evidence"; exit 1; }
		if [ "$vm" = - ]; then test "$conf" = - || exit 1; else test "$conf" != - || exit 1; fi
	done <table
'

test_expect_success 'peers on the same files match their golden (lscpu, virt-what)' '
	sh "$SRCDIR/tests/virt-peers.sh" "$VFIX" "$PWD" >"$TEST_TMP/peers" </dev/null &&
	regen_or_cmp "$VEXP/peers.txt" "$TEST_TMP/peers"
'

# What a peer's answer claims, as vm:X vendor:Y container:Z words.
claims() { # PEER ANSWER
	case $1 in
	lscpu)
		case ${2%%/*} in
		Xen) echo vm:xen ;;
		KVM) echo vm:kvm vm:kvm-or-qemu ;;
		Microsoft) echo vm:microsoft ;;
		VMware) echo vm:vmware ;;
		IBM) echo vm:zvm vm:prsm ;;
		pHyp) echo vm:powervm ;;
		Oracle|"Innotek GmbH") echo vm:oracle ;;
		Parallels) case $2 in */container) echo container:openvz ;; *) echo vm:parallels ;; esac ;;
		"User-mode Linux") echo vm:uml ;;
		*) echo "unknown:$2" ;;
		esac ;;
	virt-what)
		for w in $2; do
			case $w in
			xen|xen-*) echo vm:xen ;;
			kvm|rhev|ovirt|nutanix_ahv|redhat) echo vm:kvm ;;
			lkvm) echo vm:kvm vm:kvm-or-qemu ;;
			qemu) echo vm:qemu vm:kvm-or-qemu ;;
			virtualbox) echo vm:oracle ;;
			vmware) echo vm:vmware ;;
			hyperv|virtualpc) echo vm:microsoft ;;
			parallels) echo vm:parallels ;;
			bhyve) echo vm:bhyve ;;
			uml) echo vm:uml ;;
			ibm_systemz) ;;
			ibm_systemz-zvm) echo vm:zvm ;;
			ibm_systemz-lpar) echo vm:prsm ;;
			ibm_systemz-kvm) echo vm:kvm ;;
			ibm_power-kvm) echo vm:kvm vm:kvm-or-qemu ;;
			ibm_power-lpar_*) echo vm:powervm ;;
			openvz) echo container:openvz ;;
			aws) echo vendor:amazon ;;
			google_cloud) echo vendor:google ;;
			alibaba_cloud) echo vendor:alibaba ;;
			*) echo "unknown:$w" ;;
			esac
		done ;;
	esac
}

test_expect_success 'where a peer decides, vpstune agrees or the difference is explained' '
	decided=0 agree=0 explained=0 &&
	while IFS="|" read -r k vm vendor type conf hv xen container; do
		p=$(grep "^$k|" "$TEST_TMP/peers") || exit 1
		for peer in lscpu virt-what; do
			case $peer in lscpu) a=$(echo "$p" | cut -d"|" -f2) ;; *) a=$(echo "$p" | cut -d"|" -f3) ;; esac
			test "$a" != - || continue
			decided=$((decided + 1))
			c=$(claims "$peer" "$a")
			case " $(echo $c) " in *" unknown:"*) echo "$k: $peer said \"$a\": not in the claims table"; exit 1 ;; esac
			ok=
			for w in $c; do
				case $w in
				vm:$vm|vendor:$vendor|container:$container) ok=1 ;;
				esac
			done
			listed=$(grep -v "^#" "$VEXP/peer-differences.txt" | grep -c "^$k $peer ") || :
			if [ -n "$ok" ]; then
				agree=$((agree + 1))
				test "$listed" = 0 || { echo "$k: $peer agrees now, drop it from peer-differences.txt"; exit 1; }
			elif [ "$listed" = 1 ]; then
				explained=$((explained + 1))
			else
				echo "$k: vpstune says vm=$vm vendor=$vendor, $peer says \"$a\" (not explained)"; exit 1
			fi
		done
	done <"$TEST_TMP/table" &&
	echo "# peers decided $decided times: vpstune agrees $agree, differs (explained) $explained" &&
	test $((agree + explained)) = "$decided"
'

test_expect_success 'detect -v names the evidence in the text output' '
	vpstune --root "$VFIX/xen-hvm-procpci" -v detect >out &&
	grep -q "^Virtualization evidence (vm xen, type full, confidence medium)" out &&
	grep -q "/proc/bus/pci/devices: pci 5853:0001, Xen platform device" out &&
	vpstune --root "$VFIX/xen-hvm-procpci" detect >out &&
	! grep -q "Virtualization evidence" out
'

test_expect_success 'Bochs DMI without CPUID: kvm-or-qemu, low confidence, said in the text' '
	vpstune --root "$VFIX/qemu-bochs" detect >out &&
	grep -q "Platform: *kvm-or-qemu virtual machine, low confidence" out
'

test_expect_success 'a recorded CPUID that is not hex is a warning, not a guess' '
	cp -R "$VFIX/qemu-kvm-cpuid" bad &&
	sed -i "s/^cpuid.40000000=.*/cpuid.40000000=KVM/" bad/vpstune-live.txt &&
	vpstune --root bad detect --json >out.json &&
	test "$(jq -r .virt.vm out.json)" = kvm-or-qemu &&
	jq -r ".warnings[]" out.json | grep -q "cpuid.40000000: not 24 hex digits"
'

# What the live record is about (virtualization, CPU, the identifiers on
# disks), without what moves by itself (free memory, other tests' loop
# devices and mounts); the replayed evidence marks CPUID "(recorded)".
KEEP='{virt: (.virt | .evidence |= map(sub(" \\(recorded\\)$"; ""))), cpu, os, kernel_release,
       disks: [.disks[] | select(.transport != "loop" and .transport != "zram") |
               {name, fstype, uuid, pttype, partitions: [.partitions[] | {name, fstype, uuid, label: .label, partuuid}]}]}'

test_expect_success 'capture-sysroot records CPUID and blkid: the replay decides as the live machine' '
	sh "$SRCDIR/tests/capture-sysroot.sh" --vpstune "$VPSTUNE" cap >log &&
	test -s cap/vpstune-live.txt &&
	grep -q "^# vpstune live record" cap/vpstune-live.txt &&
	vpstune detect --json | jq -S "$KEEP" >live &&
	vpstune --root cap detect --json | jq -S "$KEEP" >replayed &&
	test_cmp live replayed &&
	if grep -q "^cpuid.hypervisor_bit=1" cap/vpstune-live.txt; then
		jq -e ".virt.evidence | map(select(startswith(\"cpuid leaf\"))) | length == 1" replayed >/dev/null
	fi
'

test_expect_success 'without the record the replay cannot ask CPUID' '
	sh "$SRCDIR/tests/capture-sysroot.sh" --vpstune "$VPSTUNE" cap2 >log &&
	rm cap2/vpstune-live.txt &&
	vpstune --root cap2 detect --json >r.json &&
	jq -e ".virt.evidence | map(select(startswith(\"cpuid\"))) | length == 0" r.json >/dev/null
'

test_expect_success 'detect --record-live refuses a sysroot and --json' '
	test_expect_code 2 vpstune --root "$VFIX/uml" detect --record-live 2>err &&
	grep -q "records the live machine only" err &&
	test_expect_code 2 vpstune detect --record-live --json 2>err &&
	grep -q "do not go together" err
'

test_done
