#!/bin/sh
# What a profile may write without --allow-risky is an allow-list (issue
# 9, findings 7, 8, 12): sysfs paths judged where they resolve, nix.conf
# build-tuning keys only, sysctls in tuning areas minus the risky ones.
. "$SRCDIR/tests/lib.sh"

R=$TEST_TMP/root
ST=$TEST_TMP/state
NC=etc/nix/nix.conf
cp -a "$FIX/seed-vps" "$R" || exit 1
echo 0 >"$R/sys/block/sda/device/delete" && echo 0 >"$R/sys/block/sda/device/rescan" || exit 1
VPSTUNE_NO_PODMAN=1
export VPSTUNE_NO_PODMAN
vr() { vpstune --insecure-profile --root "$R" --state-dir "$ST" "$@"; }
risk_of() { jq -r --arg k "$1" '[.items[] | select(.knob == $k)][0] | (.risk // "") + " " + (.note // "")' p.json; }

cat >"$TEST_TMP/nix.conf" <<'EOP'
[main]
summary=nix keys that give root
[nix]
cores = 2
post-build-hook = /tmp/evil-hook
trusted-users = nobody
require-sigs = false
EOP
cat >"$TEST_TMP/sysfs.conf" <<'EOP'
[main]
summary=sysfs attributes that are not tuning
[sysfs]
/sys/block/sda/device/delete = 1
/sys/block/sda/device/rescan = 1
/sys/block/sda/queue/read_ahead_kb = 512
EOP
cat >"$TEST_TMP/sysctl.conf" <<'EOP'
[main]
summary=sysctls that weaken the kernel
[sysctl]
dev.tty.legacy_tiocsti = 1
vm.unprivileged_userfaultfd = 1
kernel.panic_on_warn = 1
vm.panic_on_oom = 1
kernel.hostname = evil
vm.swappiness = 10
EOP

test_expect_success 'nix.conf: post-build-hook, trusted-users, require-sigs are refused without --allow-risky' '
	test_expect_code 2 vr apply -p "$TEST_TMP/nix.conf" 2>err &&
	cat err && test "$(wc -l <err)" = 1 &&
	grep -q "refused: nix:post-build-hook, nix:trusted-users, nix:require-sigs " err &&
	grep -q -- "--allow-risky" err &&
	cmp "$FIX/seed-vps/$NC" "$R/$NC" && ! ls "$ST"/tx-* 2>/dev/null
'

test_expect_success 'nix.conf: plan names them risky, not the tuning key' '
	vr plan -p "$TEST_TMP/nix.conf" --json >p.json &&
	risk_of nix:post-build-hook | grep -q "needs --allow-risky" &&
	risk_of nix:require-sigs | grep -q "needs --allow-risky" &&
	! risk_of nix:cores | grep -q "allow-risky"
'

test_expect_success 'nix.conf: with --allow-risky they are written (and undone)' '
	vr apply -p "$TEST_TMP/nix.conf" --allow-risky >out &&
	grep -qx "post-build-hook = /tmp/evil-hook" "$R/$NC" &&
	vr rollback >/dev/null && cmp "$FIX/seed-vps/$NC" "$R/$NC"
'

test_expect_success 'sysfs: block/sda/device/delete and rescan resolve outside the tuning areas' '
	vr plan -p "$TEST_TMP/sysfs.conf" --json >p.json &&
	jq -e "[.items[] | select(.knob == \"sysfs:/sys/block/sda/device/delete\")][0].status == \"drift\"" p.json &&
	risk_of sysfs:/sys/block/sda/device/delete | grep -q "needs --allow-risky" &&
	risk_of sysfs:/sys/block/sda/device/rescan | grep -q "needs --allow-risky" &&
	! risk_of sysfs:/sys/block/sda/queue/read_ahead_kb | grep -q "allow-risky"
'

test_expect_success 'sysctl: the named risky sysctls and non-tuning areas need --allow-risky' '
	vr plan -p "$TEST_TMP/sysctl.conf" --json >p.json &&
	for k in dev.tty.legacy_tiocsti vm.unprivileged_userfaultfd kernel.panic_on_warn vm.panic_on_oom kernel.hostname; do
		risk_of sysctl:$k | grep -q "needs --allow-risky" || { echo "$k not risky"; return 1; }
	done &&
	! risk_of sysctl:vm.swappiness | grep -q "allow-risky"
'

test_expect_success 'the man page shows the allow-lists' '
	man -l "$SRCDIR/man/vpstune.8" 2>/dev/null | sed -n "/^ALLOW-LISTS/,/^PROFILES/p" | tr -s " \n" "  " >m &&
	for w in vm. net.core. kernel.sched_ dev.tty.legacy_tiocsti kernel.usermodehelper max-jobs post-build-hook queue/; do
		grep -qF "$w" m || { echo "man: $w missing"; return 1; }
	done
'

test_done
