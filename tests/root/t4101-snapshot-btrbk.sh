#!/bin/sh
# Retention is btrbk's: 400 synthetic snapshot names (2.5 years, uneven
# gaps, several in one minute, two in the future) on a loop btrfs; for
# each policy the keep/delete set of "vpstune snapshot --prune --dry-run
# --force" (--force: no pins, the bare schedule) equals btrbk's own
# dry-run prune (btrbk -n -S --format=raw prune) on the same snapshots at
# the same time (VPSTUNE_TEST_NOW = the second btrbk ran; rerun when the
# hour turned while it ran).
. "$SRCDIR/tests/root/t4109-snapshot-setup.sh"
command -v btrbk >/dev/null || { echo "1..0 # SKIP no btrbk"; exit 0; }

TOP=$TEST_TMP/top
mkdir -p "$TOP"
mount -o subvolid=5 "$LOOP" "$TOP" || exit 1
test_cleanup "umount -l $TOP"
mkdir -p "$TOP/vpstune-snapshots"
# 400 names: awk's seeded generator, minutes back from now (and 2 ahead)
now=$(date +%s)
awk -v now="$now" 'BEGIN {
	srand(4101); t = now - 380 * 86400
	for (i = 0; i < 398; i++) {
		r = rand()
		t += (r < 0.15 ? 0 : r < 0.5 ? int(rand() * 180) * 60 : r < 0.8 ? int(rand() * 36) * 3600 : int(rand() * 9) * 86400)
		if (t > now - 60) t = now - 60
		print int(t / 60) * 60
	}
	print now + 3 * 3600; print now + 40 * 86400
}' | sort -n | while read -r t; do
	d=$(date -u -d "@$t" +%Y%m%dT%H%M)
	n=@home.$d; k=1
	while [ -e "$TOP/vpstune-snapshots/$n" ]; do n=@home.${d}_$k; k=$((k + 1)); done
	btrfs -q subvolume snapshot -r "$TOP/@home" "$TOP/vpstune-snapshots/$n" >/dev/null || exit 1
done
COUNT=$(ls "$TOP/vpstune-snapshots" | wc -l)

# compare MIN PRESERVE: writes btrbk.keep/vpstune.keep and .delete
compare() {
	printf "timestamp_format long\nsnapshot_preserve_min %s\nsnapshot_preserve %s\nvolume %s\n  snapshot_dir vpstune-snapshots\n  subvolume @home\n" \
		"$1" "$2" "$TOP" >btrbk.conf &&
	for try in 1 2 3; do
		t0=$(date +%s) &&
		btrbk -c btrbk.conf -n -S --format=raw prune >raw 2>btrbk.err || { cat btrbk.err; return 1; }
		t1=$(date +%s)
		[ "$(date -d "@$t0" +%Y%m%d%H)" = "$(date -d "@$t1" +%Y%m%d%H)" ] && break
	done &&
	# raw: action='delete' or '' (kept)
	sed -n "s/.*topic='snapshot' action='\([a-z]*\)'.* path='[^']*\/\([^'\/]*\)'.*/\2 \1/p" raw |
		awk '{ print $1, ($2 == "delete" ? "delete" : "keep") }' | sort >btrbk.all &&
	VPSTUNE_TEST_NOW=$t0 vs --prune --dry-run --force --preserve-min "$1" --preserve "$2" --json @home >j &&
	jq -r ".snapshots[] | .id + \" \" + .action" j | sort >vpstune.all &&
	{ test "$(wc -l <vpstune.all)" = "$COUNT" && test "$(wc -l <btrbk.all)" = "$COUNT" ||
	  { wc -l vpstune.all btrbk.all; head -5 raw; head -3 vpstune.all; false; }; } &&
	sed -n "s/ keep\$//p" btrbk.all >btrbk.keep &&
	sed -n "s/ keep\$//p" vpstune.all >vpstune.keep &&
	echo "$1 / $2: btrbk keeps $(wc -l <btrbk.keep), vpstune $(wc -l <vpstune.keep) of $COUNT" &&
	test_cmp btrbk.keep vpstune.keep
}

test_expect_success "400 synthetic snapshots made ($COUNT)" '
	test "$COUNT" = 400
'

test_expect_success 'btrbk = vpstune: preserve_min 1d, preserve 14d 8w 6m (the default)' '
	compare 1d "14d 8w 6m"
'

test_expect_success 'btrbk = vpstune: preserve_min 1h, preserve 24h 7d 4w 12m *y' '
	compare 1h "24h 7d 4w 12m *y"
'

test_expect_success 'btrbk = vpstune: preserve_min latest, preserve 3d 2w 2m' '
	compare latest "3d 2w 2m"
'

test_expect_success 'btrbk = vpstune: preserve_min 36h, preserve *d' '
	compare 36h "*d"
'

test_expect_success 'btrbk = vpstune: preserve_min all' '
	compare all "no"
'

test_expect_success 'the comparison sees a difference (a one-day shift of the clock)' '
	compare 1d "14d 8w 6m" &&
	VPSTUNE_TEST_NOW=$(( $(date +%s) + 86400 )) vs --prune --dry-run --force --preserve-min 1d --preserve "14d 8w 6m" --json @home >j &&
	jq -r ".snapshots[] | select(.action == \"keep\") | .id" j | sort >shifted &&
	! test_cmp btrbk.keep shifted >/dev/null
'

test_expect_success 'quotas are still off' '
	quotas_off
'

test_done
