#!/bin/sh
# SPDX-License-Identifier: MIT
#
# `vpstune detect --json` on the live machine agrees with util-linux:
# lscpu -J (CPU count, model name), lsblk -J -b -O (per disk: size,
# rotational, scheduler, read-ahead, logical block size), findmnt -J (the
# mount of /: source, type, every mount and superblock option we report),
# free -b (memory and swap totals).
#
# Needs no root, but reads the live machine's devices, hence tests/root.
# Skipped when jq or util-linux are missing.

. "${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

for tool in jq lscpu lsblk findmnt free; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "1..0 # SKIP $tool not installed"
		exit 0
	fi
done

D=$TEST_TMP/detect.json
detect_rc=0
vpstune detect --json >"$D" 2>"$TEST_TMP/detect.err" || detect_rc=$?
lscpu -J >"$TEST_TMP/lscpu.json" 2>/dev/null || true
lsblk -J -b -O >"$TEST_TMP/lsblk.json" 2>/dev/null || true
findmnt -J --mountpoint / -o TARGET,SOURCE,FSTYPE,OPTIONS >"$TEST_TMP/findmnt.json" 2>/dev/null || true
export D detect_rc

# One lscpu field ("CPU(s):"); newer lscpu nests fields under "children".
lscpu_field() {
	jq -r --arg f "$1" '[.. | objects | select(.field? == $f) | .data] | first // empty' \
		"$TEST_TMP/lscpu.json"
}

# Count of a CPU list "0-3,5" -> 5.
cpu_list_count() {
	echo "$1" | tr ',' '\n' | awk -F- '
		/^[0-9]+$/ { n++; next }
		/^[0-9]+-[0-9]+$/ { n += $2 - $1 + 1; next }
		NF { bad = 1 }
		END { if (bad) exit 1; print n + 0 }'
}

# expect_eq WHAT GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then
		return 0
	fi
	echo "$1: vpstune says '$2', util-linux says '$3'"
	return 1
}

test_expect_success 'detect --json succeeds and is JSON with schema_version 1' '
	cat "$TEST_TMP/detect.err" &&
	test "$detect_rc" = 0 &&
	test "$(jq -r .schema_version "$D")" = 1
'

test_expect_success 'CPU count matches lscpu (online CPUs)' '
	online=$(lscpu_field "On-line CPU(s) list:") &&
	want=$(cpu_list_count "$online") &&
	got=$(jq -r ".cpu.count" "$D") &&
	expect_eq "cpu.count" "$got" "$want"
'

test_expect_success 'CPU model name matches lscpu' '
	want=$(lscpu_field "Model name:") &&
	if [ -z "$want" ]; then
		echo "lscpu has no model name; nothing to compare"
	else
		got=$(jq -r ".cpu.model // empty" "$D") &&
		expect_eq "cpu.model" "$got" "$want"
	fi
'

test_expect_success 'memory and swap totals match free -b' '
	want=$(free -b | awk "/^Mem:/ { print \$2 }") &&
	got=$(jq -r ".memory.total_bytes" "$D") &&
	expect_eq "memory.total_bytes" "$got" "$want" &&
	want=$(free -b | awk "/^Swap:/ { print \$2 }") &&
	got=$(jq -r ".memory.swap_bytes" "$D") &&
	expect_eq "memory.swap_bytes" "$got" "$want"
'

# One test per disk lsblk lists (type "disk": loop devices are type "loop").
# lsblk versions differ: numbers or strings, booleans or "0"/"1"; normalise.
disks=$(jq -r '.blockdevices[]? | select(.type == "disk") | .name' "$TEST_TMP/lsblk.json" 2>/dev/null)
if [ -z "$disks" ]; then
	test_skip "disks match lsblk" "lsblk lists no disks"
fi
for disk in $disks; do
	export disk
	test_expect_success "disk $disk matches lsblk (size, rotational, scheduler, read-ahead, sector size)" '
		jq -e --arg n "$disk" "[.disks[]? | select(.name == \$n)] | length == 1" "$D" >/dev/null ||
			{ echo "detect does not list $disk exactly once"; false; } &&
		l=$(jq -c --arg n "$disk" "
			def num: if type == \"string\" then tonumber else . end;
			def bool: if type == \"string\" then . == \"1\" else . end;
			.blockdevices[] | select(.name == \$n) |
			{size: (.size | num), rota: (.rota | bool),
			 sched: (.sched // \"none\"), ra: (.ra | num),
			 lsec: ((.\"log-sec\") | num)}" "$TEST_TMP/lsblk.json") &&
		v=$(jq -c --arg n "$disk" "
			.disks[] | select(.name == \$n) |
			{size: .size_bytes, rota: .rotational,
			 sched: (.scheduler // \"none\"), ra: .read_ahead_kb,
			 lsec: .logical_block_size}" "$D") &&
		for k in size rota sched ra lsec; do
			want=$(echo "$l" | jq -r ".$k") &&
			got=$(echo "$v" | jq -r ".$k") &&
			expect_eq "$disk $k" "$got" "$want" || exit 1
		done
	'
done

test_expect_success 'the mount of / matches findmnt (source, type, options)' '
	fm=$(jq -c ".filesystems[0]" "$TEST_TMP/findmnt.json") &&
	test "$fm" != null &&
	# the last entry for / is the one on top (over-mounts)
	ours=$(jq -c "[.filesystems[]? | select(.mountpoint == \"/\")] | last" "$D") &&
	if [ "$ours" = null ]; then
		echo "detect lists no filesystem mounted on /"; exit 1
	fi &&
	expect_eq "fstype of /" "$(echo "$ours" | jq -r .fstype)" "$(echo "$fm" | jq -r .fstype)" &&
	expect_eq "source of /" "$(echo "$ours" | jq -r .source)" "$(echo "$fm" | jq -r .source)" &&
	# findmnt OPTIONS = VFS options + filesystem options, merged
	echo "$fm" | jq -r ".options | split(\",\")[]" | sort -u >want &&
	echo "$ours" | jq -r "(.mount_options // [])[], (.super_options // [])[]" | sort -u >got &&
	if ! [ -s got ]; then
		echo "detect reports no options for /"; exit 1
	fi &&
	missing=$(comm -23 got want) &&
	if [ -n "$missing" ]; then
		echo "options vpstune reports for / that findmnt does not show:" &&
		echo "$missing" &&
		echo "findmnt: $(echo "$fm" | jq -r .options)" &&
		exit 1
	fi
'

test_done
