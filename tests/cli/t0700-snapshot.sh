#!/bin/sh
# vpstune snapshot without root: options, the subvolumes a fixture's
# mountinfo has, and the retention decisions (--prune --dry-run) on
# sidecars in a state directory, with the test clock VPSTUNE_TEST_NOW.
. "$SRCDIR/tests/lib.sh"
SEED="$FIX/seed-vps"
UUID=5f3c9a2e-8b41-4d7a-9c6e-2a1b7d4e8f90
ST="$TEST_TMP/state"
export TZ=UTC
NOW=1764590400 # 2025-12-01T12:00Z, a Monday

# mk ID CREATED KIND [PAIR] [TAGS-JSON]
mk() {
	mkdir -p "$ST/snapshots" && chmod 700 "$ST" "$ST/snapshots" &&
	jq -n --arg id "$1" --argjson c "$2" --arg k "$3" --arg p "${4:-}" --argjson t "${5:-[]}" --arg u "$UUID" \
		'{schema_version: 1, id: $id, fs_uuid: $u, path: ("vpstune-snapshots/" + $id), source: "@home",
		  mountpoint: "/home", created: $c, kind: $k, pair: (if $p == "" then null else $p end),
		  description: null, tags: $t, transaction: null, source_uuid: null, source_generation: 0,
		  uuid: null, subvol_id: 0, generation: 0}' >"$ST/snapshots/$1.json"
}
day() { date -u -d "@$((NOW - $1 * 86400))" +%Y%m%dT%H%M; }
vs() { VPSTUNE_TEST_NOW=$NOW "$VPSTUNE" --root "$SEED" --state-dir "$ST" snapshot "$@"; }

test_expect_success '--help names every mode and the space guard' '
	vpstune snapshot --help >out &&
	for w in --pre --post --tag --if-changed --list --prune --preserve-min --preserve --max-pairs \
		--delete --restore --recover --dry-run --force "below 5%"; do grep -q -e "$w" out || { echo "no $w"; exit 1; }; done
'

test_expect_success 'modes exclude each other (exit 2)' '
	test_expect_code 2 vs --list --prune 2>err && grep -q "exclude each other" err &&
	test_expect_code 2 vs --pre a --post b 2>err && grep -q "exclude each other" err &&
	test_expect_code 2 vs --prune --tag x 2>err && grep -q "for making snapshots" err &&
	test_expect_code 2 vs --delete a b 2>err && grep -q "subvolumes are named only" err
'

test_expect_success 'bad policy, ID and tag are refused (exit 2)' '
	test_expect_code 2 vs --prune --preserve "14x" 2>err && grep -q "preserve .14x." err &&
	test_expect_code 2 vs --prune --preserve "14d 7d" 2>err &&
	test_expect_code 2 vs --prune --preserve-min "1q" 2>err && grep -q "preserve-min" err &&
	test_expect_code 2 vs --prune --max-pairs -1 2>err &&
	test_expect_code 2 vs --delete ../etc 2>err && grep -q "not a snapshot ID" err &&
	test_expect_code 2 vs --tag "a b" 2>err && grep -q "bad tag" err
'

test_expect_success 'making snapshots needs the live machine (exit 2 with --root)' '
	test_expect_code 2 vs @home 2>err && grep -q "live machine only" err &&
	test ! -e "$ST"
'

test_expect_success '--list: the fixture'\''s mounted subvolumes from mountinfo, no snapshots' '
	vs --list >out && grep -q "^no snapshots" out &&
	vs --list --json >j &&
	jq -e ".schema_version == 1 and .snapshots == []" j &&
	jq -r ".subvolumes[] | select(.excluded == false) | .path + \" \" + .mountpoint" j | sort >got &&
	cat >want <<-EOF &&
	@ /
	@containers /var/lib/containers
	@dev /home/user/dev
	@home /home
	@nix /nix
	@var-cache /var/cache
	@var-log /var/log
	EOF
	test_cmp want got
'

test_expect_success 'retention: preserve_min no, preserve 7d keeps the first of the last 8 days' '
	i=0; while [ $i -lt 30 ]; do mk "@home.$(day $i)" $((NOW - i * 86400)) single || exit 1; i=$((i + 1)); done &&
	vs --prune --dry-run --preserve-min no --preserve 7d >out &&
	test "$(grep -c "^keep " out)" = 8 && test "$(grep -c "^would-delete " out)" = 22 &&
	grep -q "^keep  *@home.$(day 0)  *daily: first of day" out &&
	grep -q "^keep  *@home.$(day 7)  *daily: first of day" out &&
	grep -q "^would-delete  *@home.$(day 8) " out
'

test_expect_success 'retention: weekly and monthly are the first of their period, as btrbk' '
	vs --prune --dry-run --preserve-min no --preserve "0d 2w" --json >j &&
	jq -r ".snapshots[] | select(.action == \"keep\") | .id" j >got &&
	# weeks start on Sunday: 2025-11-16 (2 weeks back), 11-23, 11-30, and the newest (pinned)
	printf "%s\n" @home.20251116T1200 @home.20251123T1200 @home.20251130T1200 @home.20251201T1200 >want &&
	test_cmp want got
'

test_expect_success 'retention: preserve_min 1d keeps everything within a day' '
	mk @home.20251201T0900 $((NOW - 3 * 3600)) single &&
	mk @home.20251130T2300 $((NOW - 13 * 3600)) single &&
	vs --prune --dry-run --preserve-min 1d --preserve no >out &&
	grep -q "^keep  *@home.20251201T0900  *preserve_min" out &&
	grep -q "^keep  *@home.20251130T2300  *preserve_min" out &&
	grep -q "^keep  *@home.$(day 1)  *preserve_min" out &&
	grep -q "^would-delete  *@home.$(day 2) " out
'

test_expect_success 'pinned: "important" is kept unless --force' '
	mk @home.20251001T1200 $((NOW - 61 * 86400)) single "" "[\"important\"]" &&
	vs --prune --dry-run --preserve-min no --preserve no >out &&
	grep -q "^keep  *@home.20251001T1200  *tagged important" out &&
	vs --prune --dry-run --preserve-min no --preserve no --force >out &&
	grep -q "^would-delete  *@home.20251001T1200 " out &&
	grep -q "^would-delete  *@home.$(day 0) " out
'

test_expect_success 'pre/post pairs beyond --max-pairs go, singles stay' '
	rm -f "$ST"/snapshots/*.json &&
	for k in 1 2 3; do
		mk "@home.2025120${k}T0100" $((NOW + (k - 1) * 86400 - 11 * 3600)) pre "@home.2025120${k}T0101" &&
		mk "@home.2025120${k}T0101" $((NOW + (k - 1) * 86400 - 11 * 3600 + 60)) post "@home.2025120${k}T0100" || exit 1
	done &&
	mk @home.20251115T1200 $((NOW - 16 * 86400)) single &&
	VPSTUNE_TEST_NOW=$((NOW + 3 * 86400)) "$VPSTUNE" --root "$SEED" --state-dir "$ST" snapshot --prune --dry-run \
		--preserve-min all --max-pairs 1 >out &&
	grep -q "^would-delete  *@home.20251201T0100  *beyond the pre/post pair limit" out &&
	grep -q "^would-delete  *@home.20251201T0101  *beyond the pre/post pair limit" out &&
	grep -q "^would-delete  *@home.20251202T0100 " out &&
	grep -q "^keep  *@home.20251203T0100 " out && grep -q "^keep  *@home.20251203T0101 " out &&
	grep -q "^keep  *@home.20251115T1200 " out
'

test_expect_success 'a damaged sidecar is skipped, the rest listed' '
	echo "{ not json" >"$ST/snapshots/@home.20250101T0000.json" &&
	echo "{\"schema_version\": 1, \"id\": \"other\"}" >"$ST/snapshots/@home.20250102T0000.json" &&
	vs --list >out && grep -q "@home.20251203T0101" out && ! grep -q "@home.2025010" out
'

test_done
