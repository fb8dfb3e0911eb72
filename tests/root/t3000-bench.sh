#!/bin/sh
# vpstune bench as root on a scratch loop btrfs this test makes and removes:
# --quick completes and its JSON has the documented shape; the HTML report is
# self-contained and renders in Chromium (screenshot kept in meson-logs);
# ground truth: read_ahead_kb 0 -> 4096 on a cold sequential read is
# "improved" by >= 2x; an A/A switch never gives a verdict; kill -9 in the
# middle of --ab, then rollback, leaves the knob exactly as before.
. "$SRCDIR/tests/lib.sh"
test_require_root

command -v mkfs.btrfs >/dev/null || { echo "1..0 # SKIP no mkfs.btrfs"; exit 0; }
ST="$TEST_TMP/state"
MNT="$TEST_TMP/mnt"
ART="${BUILDDIR:-.}/meson-logs"
truncate -s 1G "$TEST_TMP/disk.img" || exit 1
LOOP=$(losetup -f --show --direct-io=on "$TEST_TMP/disk.img") || { echo "1..0 # SKIP no loop device"; exit 0; }
test_cleanup "losetup -d $LOOP"
mkfs.btrfs -q -f "$LOOP" >/dev/null || exit 1
mkdir -p "$MNT"
ls /sys/class/bdi >"$TEST_TMP/bdi.before"
mount "$LOOP" "$MNT" || exit 1
test_cleanup "umount $MNT"
BDI=$(ls /sys/class/bdi | grep -vxF -f "$TEST_TMP/bdi.before" | grep '^btrfs-' | head -n1)
RA=/sys/class/bdi/$BDI/read_ahead_kb
ORIG_RA=$(cat "$RA")
test_cleanup "echo $ORIG_RA >$RA"
ORIG_SW=$(cat /proc/sys/vm/swappiness)
test_cleanup "echo $ORIG_SW >/proc/sys/vm/swappiness"
bench() { vpstune --state-dir "$ST" bench --dir "$MNT" "$@"; }

test_expect_success 'the btrfs of this test has its own BDI' '
	test -n "$BDI" && test -w "$RA"
'

test_expect_success 'bench --quick completes on the scratch btrfs' '
	bench --quick --save "$TEST_TMP/quick.json" --report "$TEST_TMP/quick.html" >out &&
	grep -q "^traverse " out && grep -q "^seqread " out
'

test_expect_success 'its JSON has the documented shape' '
	J="$TEST_TMP/quick.json" &&
	jq -e ".schema_version == 1 and .host.fs_type == \"btrfs\" and (.settings.cold_method | startswith(\"fadvise\"))" "$J" &&
	jq -e "[.workloads[] | select(.available) | .id] | length >= 5" "$J" &&
	jq -e "[.workloads[] | select(.available)] | all(.unit and (.better == \"lower\" or .better == \"higher\") and (.corpus.sha256 | length == 64) and (.samples | length >= 1) and (.stats | has(\"n\") and has(\"median\") and has(\"mean\") and has(\"stddev\") and has(\"mad\") and has(\"min\") and has(\"max\") and has(\"p10\") and has(\"p90\") and has(\"cv\")))" "$J" &&
	jq -e "[.workloads[] | select(.available) | .samples[]] | all(has(\"value\") and has(\"wall_s\") and has(\"maxrss_kb\") and has(\"majflt\") and has(\"read_bytes\") and has(\"steal\") and has(\"psi_io_some\") and has(\"noisy\"))" "$J" &&
	jq -e "[.workloads[] | select(.id == \"seqread\") | .samples[].read_bytes] | all(. > 1000000)" "$J"
'

test_expect_success 'the HTML report has no script and no external URL, and renders in Chromium' '
	H="$TEST_TMP/quick.html" &&
	! grep -qi "<script" "$H" && ! grep -Eqi "https?://" "$H" && grep -q "<svg" "$H" &&
	if command -v chromium >/dev/null; then
		P=$(mktemp -d) &&
		timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
			--no-first-run --user-data-dir="$P" --window-size=1100,2400 \
			--screenshot="$TEST_TMP/report.png" "file://$H" >/dev/null 2>&1;
		rm -rf "$P";
		test -s "$TEST_TMP/report.png" &&
		cp "$TEST_TMP/report.png" "$ART/bench-report.png" && cp "$H" "$ART/bench-report.html"
	fi
'

test_expect_success 'ground truth: read_ahead_kb 0 -> 4096 on a cold sequential read is improved >= 2x' '
	bench seqread --quick --runs 6 --ab "bdi:$MNT:read_ahead_kb=0,4096" --json >ra.json &&
	jq -e ".comparisons[0] | .workload == \"seqread\" and .verdict == \"improved\" and .ratio >= 2 and .test == \"wilcoxon-signed-rank\"" ra.json &&
	jq -e ".ab.switches >= 4 and .workloads[0].settle_runs >= 4 and (.workloads[0].samples | map(.arm) | unique == [\"A\", \"B\"])" ra.json &&
	test "$(cat $RA)" = "$ORIG_RA"
'

test_expect_success 'A/A: swappiness 60 against 60 gives no verdict' '
	bench fsync --quick --runs 6 --ab sysctl:vm.swappiness=60,60 --json >aa.json &&
	jq -e ".comparisons[0].verdict | IN(\"no-change\", \"inconclusive\")" aa.json &&
	test "$(cat /proc/sys/vm/swappiness)" = "$ORIG_SW"
'

test_expect_success 'kill -9 in the middle of --ab, then rollback: the knob is exactly as before' '
	echo 1024 >"$RA" &&
	{ bench seqread --quick --runs 30 --ab "bdi:$MNT:read_ahead_kb=0,4096" >/dev/null 2>&1 & } &&
	pid=$! && i=0 &&
	while [ "$(cat $RA)" = 1024 ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done &&
	sleep 1 && kill -9 $pid && wait $pid; 
	test "$(cat $RA)" != 1024 || { echo "the bench never switched"; false; } &&
	vpstune --state-dir "$ST" rollback >rb.out &&
	test "$(cat $RA)" = 1024 &&
	vpstune --state-dir "$ST" rollback --list >list &&
	! grep -q incomplete list
'

test_expect_success 'a normal end restored the knob and left nothing to roll back' '
	echo 512 >"$RA" &&
	bench seqread --quick --runs 2 --ab "bdi:$MNT:read_ahead_kb=0,4096" >/dev/null &&
	test "$(cat $RA)" = 512 &&
	vpstune --state-dir "$ST" rollback --list >list2 &&
	! grep -Eq " (committed|incomplete) " list2
'
echo "$ORIG_RA" >"$RA"

test_done
