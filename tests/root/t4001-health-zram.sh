#!/bin/sh
# The zram check on a device made for the test (hot_add, removed after):
# filled with text it compresses well (ratio > 1.5, ok); filled from
# /dev/urandom it does not (warning, with the remedy). Compared with the
# device's own mm_stat.
. "$SRCDIR/tests/lib.sh"
test_require_root

[ -e /sys/class/zram-control/hot_add ] || modprobe zram num_devices=0 2>/dev/null
[ -e /sys/class/zram-control/hot_add ] || { echo "1..0 # SKIP no zram-control (zram module)"; exit 0; }
N=$(cat /sys/class/zram-control/hot_add) || exit 1
Z=zram$N
test_cleanup "echo $N >/sys/class/zram-control/hot_remove"
test_cleanup "echo 1 >/sys/block/$Z/reset"
ST="$TEST_TMP/state"

zcheck() {
	vpstune --state-dir "$ST" health --only zram --json >"$TEST_TMP/zh.json"
	jq -e --arg z "$Z" '[.checks[] | select(.target == $z)][0]' "$TEST_TMP/zh.json"
}
mm_ratio() { awk '{ printf "%.2f\n", $1 / $2 }' "/sys/block/$Z/mm_stat"; }

test_expect_success 'an empty device is reported, too little data to judge' '
	echo 256M >/sys/block/$Z/disksize &&
	zcheck >z.json &&
	jq -e ".status == \"ok\" and (.summary | test(\"too little\"))" z.json
'

test_expect_success 'filled with text: ratio > 1.5 and ok, equal to mm_stat' '
	yes "vpstune health zram: text compresses well" | head -c 64M | dd of=/dev/$Z bs=1M oflag=direct 2>/dev/null &&
	zcheck >z.json &&
	jq -e ".status == \"ok\" and .value > 1.5" z.json &&
	test "$(jq -r ".value * 100 | round / 100 | tostring" z.json)" = "$(mm_ratio | sed "s/0*$//; s/\.$//")"
'

test_expect_success 'filled from /dev/urandom: ratio < 1.5 is a warning with a remedy' '
	echo 1 >/sys/block/$Z/reset && echo 256M >/sys/block/$Z/disksize &&
	head -c 64M /dev/urandom | dd of=/dev/$Z bs=1M oflag=direct 2>/dev/null &&
	zcheck >z.json &&
	jq -e ".status == \"warning\" and .value < 1.5 and (.remedy | test(\"barely compresses\"))" z.json &&
	{ vpstune --state-dir "$ST" health --only zram --format prometheus >p.prom; true; } &&
	awk -v m="vpstune_zram_compression_ratio{device=\"$Z\"}" "\$1 == m { found = 1; ok = \$2 < 1.5 } END { exit !(found && ok) }" p.prom &&
	promtool check metrics <p.prom
'

test_done
