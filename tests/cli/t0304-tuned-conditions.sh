#!/bin/sh
# TuneD's unit conditions and order (tuned/units/manager.py): cpuinfo_regex
# and uname_regex decide whether a unit applies, judged on the sysroot's own
# cpuinfo and uname; priority= orders the units. The ThunderX units of
# throughput-performance are skipped on x86 and applied on a ThunderX.
. "$SRCDIR/tests/lib.sh"

PROF="$FIX/profiles/thunderx/tuned.conf"
p() { (cd "$FIX" && "$VPSTUNE" --insecure-profile --root "$1" plan -p "$PROF" --json); }
knobs() { jq -r "[.items[].knob] | join(\" \")" "$1"; }

for f in seed-vps ci-machine nvme-metal; do
	test_expect_success "x86 $f: the ThunderX units are skipped, with the regex in the reason" "
		p $f >j &&
		test \"\$(knobs j)\" = 'sysctl:vm.dirty_ratio sysctl:vm.swappiness' &&
		jq -e '.warnings | map(select(startswith(\"unit [vm.thunderx] skipped\") and contains(\"_regex \"))) | length == 1' j >/dev/null &&
		jq -e '.warnings | map(select(startswith(\"unit [sysctl.thunderx] skipped\"))) | length == 1' j >/dev/null
	"
done

test_expect_success 'ThunderX: the units apply, and the note says which regexes matched' '
	p thunderx >j &&
	test "$(knobs j)" = "sysctl:vm.dirty_ratio thp:enabled sysctl:vm.swappiness sysctl:kernel.numa_balancing" &&
	jq -e ".items[] | select(.knob == \"thp:enabled\") | .target == \"never\" and (.note | contains(\"uname_regex '"'"'aarch64'"'"' matches\"))" j >/dev/null &&
	! jq -e ".warnings[] | select(contains(\"thunderx\"))" j >/dev/null
'

test_expect_success 'ThunderX plan matches its golden' '
	(cd "$FIX" && "$VPSTUNE" --insecure-profile --root thunderx plan -p "$PROF") >out &&
	sed "s|$FIX/||g" out >actual &&
	{ [ -z "${VPSTUNE_REGEN:-}" ] || cp actual "$EXPECTED/plan/thunderx.txt"; } &&
	test_cmp "$EXPECTED/plan/thunderx.txt" actual
'

test_expect_success 'priority= orders units, lowest first, ties in profile order' '
	p seed-vps >j &&
	test "$(jq -r ".items[0].knob" j)" = sysctl:vm.dirty_ratio
'

test_expect_success 'a priority that is not an integer names the file and line' '
	printf "[sysctl]\npriority=high\nvm.swappiness=1\n" >bad.conf &&
	test_expect_code 2 vpstune --insecure-profile --root "$FIX/seed-vps" plan -p ./bad.conf 2>err &&
	grep -q "bad.conf:1: \[sysctl\] priority=high: not an integer" err
'

if [ -f /usr/lib/tuned/throughput-performance/tuned.conf ]; then
	test_expect_success "TuneD's own virtual-guest: no ThunderX item on this x86 fixture" '
		(cd "$FIX" && "$VPSTUNE" --root seed-vps plan -p virtual-guest --json) >j &&
		! jq -e ".items[] | select(.knob == \"sysctl:kernel.numa_balancing\" or .knob == \"thp:enabled\")" j >/dev/null
	'
fi

test_done
