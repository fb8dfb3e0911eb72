#!/bin/sh
# vpstune health on a loop-backed btrfs made for the test (10 GiB sparse):
# real scrub, a data block corrupted on disk (found with btrfs-map-logical)
# turning btrfs.device_errors critical and scrub's findings uncorrectable,
# --ack back to warning; compression measured against compsize; fallocate
# fills unallocated space to warning, then critical, cross-checked against
# `btrfs filesystem usage -b`.
. "$SRCDIR/tests/lib.sh"
test_require_root

command -v mkfs.btrfs >/dev/null && grep -qw btrfs /proc/filesystems || { echo "1..0 # SKIP no btrfs"; exit 0; }
IMG="$TEST_TMP/btrfs.img"
truncate -s 10G "$IMG" || exit 1
LOOP=$(losetup -f --show "$IMG") || { echo "1..0 # SKIP no loop device"; exit 0; }
test_cleanup "losetup -d $LOOP"
mkfs.btrfs -q -f "$LOOP" >/dev/null 2>&1 || exit 1
UUID=$(blkid -s UUID -o value "$LOOP")
MP=$(mktemp -d "${TMPDIR:-/tmp}/vpstune-health.XXXXXX")
test_cleanup "rmdir $MP"
mount "$LOOP" "$MP" || exit 1
test_cleanup "umount $MP"
# btrfs-progs keeps its scrub record of this filesystem here
test_cleanup "rm -f /var/lib/btrfs/scrub.status.$UUID /var/lib/btrfs/scrub.progress.$UUID"
ST="$TEST_TMP/state"

# check CHECK: the JSON result of CHECK for this test's filesystem
check() {
	vpstune --state-dir "$ST" health --only "$1" --json >"$TEST_TMP/h.json"
	jq -e --arg mp "$MP" --arg id "$1" '[.checks[] | select(.id == $id and (.target == $mp or (.target | startswith($mp + "#"))))][0]' "$TEST_TMP/h.json"
}
status_of() { check "$1" | jq -r .status; }

test_expect_success 'a fresh filesystem: space ok, no device errors, never scrubbed' '
	test "$(status_of btrfs.unallocated)" = ok &&
	test "$(status_of btrfs.metadata)" = ok &&
	test "$(status_of btrfs.device_errors)" = ok &&
	check btrfs.scrub >s.json &&
	jq -e ".status == \"warning\" and (.summary | test(\"never scrubbed\"))" s.json &&
	jq -e ".remedy | test(\"btrfs scrub start\")" s.json
'

test_expect_success 'unallocated equals "Device unallocated" of btrfs filesystem usage -b' '
	check btrfs.unallocated >u.json &&
	btrfs filesystem usage -b "$MP" >usage &&
	peer=$(awk "/Device unallocated:/ { print \$3 }" usage) &&
	test "$(jq -r ".value | floor" u.json)" = "$peer"
'

test_expect_success 'fs.space counts the filesystem once, with btrfs fi usage'"'"'s Used' '
	mkdir -p "$MP/sub" && btrfs subvolume create "$MP/vol" >/dev/null &&
	mkdir -p "$TEST_TMP/bind" && mount --bind "$MP/vol" "$TEST_TMP/bind" &&
	vpstune --state-dir "$ST" health --only fs.space --json >f.json; rc=$?; umount "$TEST_TMP/bind";
	test $rc -le 1 &&
	jq -e --arg mp "$MP" --arg b "$TEST_TMP/bind" "[.checks[] | select(.target == \$mp or .target == \$b)] | length == 1" f.json
'

test_expect_success 'a real scrub: btrfs.scrub ok, no errors, completed just now' '
	dd if=/dev/urandom of="$MP/data" bs=1M count=4 2>/dev/null && sync &&
	btrfs scrub start -B "$MP" >/dev/null &&
	check btrfs.scrub >s.json &&
	jq -e ".status == \"ok\" and .value < 0.01" s.json &&
	btrfs scrub status "$MP" | grep -q "no errors found"
'

test_expect_success 'a corrupted data block: device_errors critical after reading the file, scrub uncorrectable' '
	check btrfs.device_errors | jq -e ".status == \"ok\"" &&
	logical=$(filefrag -v "$MP/data" | awk "\$1 == \"0:\" { sub(/\\.\\..*/, \"\", \$4); print \$4 }") &&
	test -n "$logical" &&
	phys=$(btrfs-map-logical -l $((logical * 4096)) "$LOOP" 2>/dev/null | awk "/mirror 1/ { print \$6; exit }") &&
	test -n "$phys" &&
	umount "$MP" &&
	printf "vpstune corrupts this block on purpose" | dd of="$IMG" bs=1 seek=$phys conv=notrunc 2>/dev/null &&
	mount "$LOOP" "$MP" &&
	! cat "$MP/data" >/dev/null 2>&1 &&
	check btrfs.device_errors >d.json &&
	jq -e ".status == \"critical\" and (.summary | test(\"new device errors\"))" d.json &&
	{ btrfs scrub start -B "$MP" >/dev/null 2>&1; true; } &&
	check btrfs.scrub >s.json &&
	jq -e ".status == \"critical\" and (.summary | test(\"uncorrectable\"))" s.json &&
	btrfs scrub status "$MP" | grep -qi "uncorrectable"
'

test_expect_success '--ack btrfs.device_errors returns it to warning, and it stays there' '
	vpstune --state-dir "$ST" health --ack btrfs.device_errors --only btrfs.device_errors >/dev/null;
	test "$(status_of btrfs.device_errors)" = warning &&
	test "$(status_of btrfs.device_errors)" = warning &&
	btrfs device stats "$MP" | grep -q "corruption_errs  *[1-9]"
'

test_expect_success 'compression: the ratio equals compsize'"'"'s, over all data, complete' '
	command -v compsize >/dev/null || { echo "compsize missing (btrfs-compsize)"; false; } &&
	rm -f "$MP/data" && mount -o remount,compress=zstd "$MP" &&
	yes "vpstune health measures compression as compsize does" | head -c 64M >"$MP/text" && sync &&
	check btrfs.compression >c.json &&
	jq -e ".status == \"ok\" and .value > 3" c.json &&
	jq -e ".summary | test(\"100% of the data sampled\")" c.json &&
	compsize -b "$MP" >cs && 
	disk=$(awk "\$1 == \"TOTAL\" { print \$3 }" cs) && unc=$(awk "\$1 == \"TOTAL\" { print \$4 }" cs) &&
	jq -e --argjson d "$disk" --argjson u "$unc" ".evidence[0] | test(\"\\(\$u) bytes uncompressed, \\(\$d) on disk\")" c.json
'

test_expect_success 'a budget of 0 s samples a part and says so' '
	mkdir -p prof && printf "[main]\ninclude=vps-dev\n[health]\nbtrfs.compression.budget = 0\n" >prof/vpstune.conf &&
	for i in 1 2 3 4; do yes "more $i" | head -c 16M >"$MP/t$i"; done && sync &&
	vpstune --state-dir "$ST" health -p "$PWD/prof/vpstune.conf" --only btrfs.compression --json >c.json; true &&
	jq -e --arg mp "$MP" "[.checks[] | select(.target == \$mp)][0].evidence[0] | test(\"time budget reached|complete\")" c.json
'

test_expect_success 'fallocate until unallocated is a warning (< 2 GiB), then critical (< 1 GiB)' '
	i=0 seen="" &&
	while [ $i -lt 40 ]; do
		s=$(status_of btrfs.unallocated) || return 1
		case $seen in *"$s"*) ;; *) seen="$seen $s"; check btrfs.unallocated >at-$s.json ;; esac
		[ "$s" = critical ] && break
		fallocate -l 256M "$MP/fill$i" && btrfs filesystem sync "$MP" || return 1
		i=$((i + 1))
	done &&
	test "$seen" = " ok warning critical" &&
	jq -e ".value < 2147483648 and .value >= 1073741824" at-warning.json &&
	jq -e ".value < 1073741824 and (.remedy | length) > 0" at-critical.json &&
	btrfs filesystem usage -b "$MP" >usage &&
	test "$(check btrfs.unallocated | jq -r ".value | floor")" = "$(awk "/Device unallocated:/ { print \$3 }" usage)"
'

test_expect_success 'nagios line and prometheus textfile on the live machine' '
	{ vpstune --state-dir "$ST" health --format nagios >n; rc=$?; true; } &&
	test $rc -le 3 && test $(wc -l <n) = 1 && grep -q "^VPSTUNE HEALTH " n &&
	grep -q "btrfs.unallocated $MP" n &&
	{ vpstune --state-dir "$ST" health --format prometheus >p.prom; true; } &&
	promtool check metrics <p.prom &&
	grep -q "^vpstune_btrfs_unallocated_bytes{fs=\"$UUID\",mountpoint=\"$MP\"}" p.prom &&
	grep -q "^vpstune_btrfs_scrub_errors{fs=\"$UUID\",mountpoint=\"$MP\",type=\"uncorrectable\"} [1-9]" p.prom
'

test_done
