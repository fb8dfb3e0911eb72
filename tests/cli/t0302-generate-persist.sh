#!/bin/sh
# Persistence derives from the knob registry (knob.h persist_to): a sysfs
# setting plan says persists through tmpfiles.d is emitted by generate
# tmpfiles, NixOS (systemd.tmpfiles.rules) and TuneD ([sysfs]), and the
# real consumers accept what comes out.
. "$SRCDIR/tests/lib.sh"

SEED="$FIX/seed-vps"
SOURCE_DATE_EPOCH=1700000000
export SOURCE_DATE_EPOCH
have() { command -v "$1" >/dev/null 2>&1; }

printf "[sysfs]\n/sys/kernel/mm/transparent_hugepage/defrag = never\n" >"$TEST_TMP/p.conf"
g() { vpstune --insecure-profile --root "$SEED" "$@" -p "$TEST_TMP/p.conf"; }

test_expect_success 'plan says the sysfs item persists through tmpfiles.d' '
	g plan --json >j &&
	jq -e ".items[] | select(.target == \"never\") | .persist == \"tmpfiles.d\"" j
'

test_expect_success 'generate tmpfiles writes it as a w line' '
	g generate tmpfiles >t.conf &&
	grep -qx "w /sys/kernel/mm/transparent_hugepage/defrag - - - - never" t.conf
'

test_expect_success 'generate nixos carries the same line in systemd.tmpfiles.rules, once' '
	g generate nixos >n.nix &&
	grep -q "\"w /sys/kernel/mm/transparent_hugepage/defrag - - - - never\"" n.nix &&
	test "$(grep -c "systemd.tmpfiles.rules" n.nix)" = 1
'

test_expect_success 'generate tuned puts it in [sysfs]' '
	g generate tuned >tuned.conf &&
	sed -n "/^\[sysfs\]/,/^\[/p" tuned.conf | grep -qx "/sys/kernel/mm/transparent_hugepage/defrag=never"
'

test_expect_success 'nothing that persists through tmpfiles.d is left out of tmpfiles on any fixture' '
	for f in seed-vps ci-machine nvme-metal; do
		for p in vps-dev virtual-guest throughput-performance; do
			vpstune --root "$FIX/$f" plan --json -p $p >j 2>/dev/null || true
			vpstune --root "$FIX/$f" generate tmpfiles -p $p >t 2>/dev/null || { echo "$f $p: generate failed"; exit 1; }
			jq -r ".items[] | select(.persist == \"tmpfiles.d\" and (.status == \"ok\" or .status == \"drift\")) | \"\(.knob) \(.target)\"" j |
			while read -r knob target; do
				grep -q -- " - - - - $target\$" t || { echo "$f $p: $knob missing"; exit 1; }
			done || exit 1
		done
	done
'

if have systemd-tmpfiles; then
	test_expect_success 'systemd-tmpfiles writes the generated value' '
		mkdir -p r/sys/kernel/mm/transparent_hugepage && : >r/sys/kernel/mm/transparent_hugepage/defrag &&
		systemd-tmpfiles --root="$TEST_TMP/r" --create "$TEST_TMP/t.conf" &&
		test "$(cat r/sys/kernel/mm/transparent_hugepage/defrag)" = never
	'
else
	test_skip 'systemd-tmpfiles writes the generated value' 'no systemd-tmpfiles'
fi

if have nix-instantiate; then
	test_expect_success 'nix-instantiate --parse accepts the module with the rules' '
		nix-instantiate --parse n.nix >/dev/null
	'
fi

test_done
