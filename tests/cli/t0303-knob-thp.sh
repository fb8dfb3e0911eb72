#!/bin/sh
# The thp: and ksm: kinds (src/knobs/thp.c): TuneD's [vm] and [sysfs] name
# them, plan/verify/apply/generate use one ID for each.
. "$SRCDIR/tests/lib.sh"

SEED="$FIX/seed-vps"
SOURCE_DATE_EPOCH=1700000000
export SOURCE_DATE_EPOCH
printf "[vm]\ntransparent_hugepages=never\n[sysfs]\n/sys/kernel/mm/transparent_hugepage/defrag=defer\n" >"$TEST_TMP/p.conf"
v() { vpstune --insecure-profile --root "$SEED" "$@" -p "$TEST_TMP/p.conf"; }

test_expect_success '[vm] and [sysfs] both plan the thp: knobs, read as the active choice' '
	v plan --json >j &&
	test "$(jq -r "[.items[].knob] | join(\" \")" j)" = "thp:enabled thp:defrag" &&
	test "$(jq -r ".items[0].current" j)" = madvise &&
	jq -e ".items[] | .group == \"thp\" and .persist == \"tmpfiles.d\" and .runtime" j >/dev/null
'

test_expect_success 'apply --only thp is a known group; --only ksm too' '
	v apply --dry-run --only thp >out 2>err &&
	v apply --dry-run --only ksm >out 2>err
'

test_expect_success 'tmpfiles, nixos and tuned persist both' '
	v generate tmpfiles >t &&
	grep -qx "w /sys/kernel/mm/transparent_hugepage/enabled - - - - never" t &&
	grep -qx "w /sys/kernel/mm/transparent_hugepage/defrag - - - - defer" t &&
	v generate nixos >n && grep -q "transparent_hugepage/enabled - - - - never" n &&
	v generate tuned >tu && grep -qx "/sys/kernel/mm/transparent_hugepage/enabled=never" tu
'

test_done
