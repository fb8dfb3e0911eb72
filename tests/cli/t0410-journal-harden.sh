#!/bin/sh
# The journal under faults and hostile input (issue 9, findings 1-5):
# files without BEGIN, damaged records, transactions whose objects are
# gone, items apply cannot read, rollback against another root. Each case
# must end in a clear exit code and one line, with nothing changed.
. "$SRCDIR/tests/lib.sh"

R=$TEST_TMP/root
ST=$TEST_TMP/state
cp -a "$FIX/seed-vps" "$R" || exit 1
NC=etc/nix/nix.conf
VPSTUNE_NO_PODMAN=1
export VPSTUNE_NO_PODMAN
vr() { vpstune --root "$R" --state-dir "$ST" "$@"; }
# A record line as the journal writes it: body + " crc=" CRC-32 (ISO-HDLC).
jline() {
	perl -e '
		my @t; for my $i (0..255) { my $c = $i; for (1..8) { $c = $c & 1 ? 0xedb88320 ^ ($c >> 1) : $c >> 1 } $t[$i] = $c }
		my $s = $ARGV[0]; my $c = 0xffffffff;
		$c = $t[($c ^ ord($_)) & 0xff] ^ ($c >> 8) for split //, $s;
		printf "%s crc=%08x\n", $s, $c ^ 0xffffffff;' "$1"
}
root_rec() { jline "ROOT $(realpath "$1") $(stat -c '%d %i' "$1")"; }
ID=20261201T000000Z-1
TX=$ST/tx-$ID.journal
fresh_state() {
	rm -rf "$ST" && mkdir -m 700 "$ST" && rm -f "$R/$NC" && cp "$FIX/seed-vps/$NC" "$R/$NC"
}

test_expect_success 'the CRC helper matches the journal' '
	vr apply -p vps-dev --only nix >/dev/null &&
	head -1 "$ST"/tx-*.journal >l1 &&
	jline "$(sed "s/ crc=.*//" l1)" >l2 && cmp l1 l2 &&
	vr rollback >/dev/null && cmp "$FIX/seed-vps/$NC" "$R/$NC"
'

# Finding 1: an empty file (BEGIN never written) made apply loop forever.
test_expect_success 'apply over an empty journal file: exit 3, no loop, nothing changed' '
	fresh_state && : >"$TX" && chmod 600 "$TX" &&
	test_expect_code 3 timeout 20 "$VPSTUNE" --root "$R" --state-dir "$ST" apply -p vps-dev --only nix 2>err &&
	cat err && test "$(wc -l <err)" = 1 &&
	grep -q "transaction $ID .* is damaged (no BEGIN record)" err && grep -q -- "--abandon $ID" err &&
	test ! -s "$TX" && cmp "$FIX/seed-vps/$NC" "$R/$NC"
'

test_expect_success 'rollback of it: exit 3, the transaction stays open' '
	test_expect_code 3 timeout 20 "$VPSTUNE" --root "$R" --state-dir "$ST" rollback >out 2>err &&
	cat err && grep -q "journal of $ID is damaged (no BEGIN record)" err &&
	vr rollback --list >l && grep -q "^$ID .*incomplete (damaged)" l
'

test_expect_success 'rollback --abandon closes it, says so, and apply runs again' '
	vr rollback --abandon $ID >out 2>err &&
	grep -q "^abandoned transaction $ID" out &&
	grep -q "^ABANDONED " "$TX" &&
	vr rollback --list >l && grep -q "^$ID .*abandoned" l &&
	vr apply -p vps-dev --only nix >out && grep -q "^applied 5 changes" out &&
	vr rollback >/dev/null && cmp "$FIX/seed-vps/$NC" "$R/$NC"
'

test_expect_success 'a BEGIN that cannot be written leaves no journal file behind' '
	fresh_state &&
	( trap "" XFSZ; ulimit -f 0; "$VPSTUNE" --root "$R" --state-dir "$ST" apply -p vps-dev --only nix >out 2>err; echo $? >rc ) ;
	cat err && test "$(cat rc)" != 0 &&
	! ls "$ST"/tx-*.journal 2>/dev/null &&
	cmp "$FIX/seed-vps/$NC" "$R/$NC" &&
	vr apply -p vps-dev --only nix >out && grep -q "^applied 5 changes" out &&
	vr rollback >/dev/null && cmp "$FIX/seed-vps/$NC" "$R/$NC"
'

test_expect_success 'BEGIN and ROOT lead every journal, ROOT names this root' '
	fresh_state && vr apply -p vps-dev --only nix >/dev/null &&
	f=$(ls "$ST"/tx-*.journal) &&
	sed -n 1p "$f" | grep -q "^BEGIN " &&
	sed -n 2p "$f" >r1 && root_rec "$R" >r2 && cmp r1 r2 &&
	vr rollback >/dev/null
'

# Finding 2: a damaged ORIG whose DONE survived was "rolled back".
test_expect_success 'damaged ORIG record: rollback exit 3, kept open' '
	fresh_state && vr apply -p vps-dev --only nix >/dev/null &&
	f=$(ls "$ST"/tx-*.journal) && id=$(basename "$f" .journal | sed s/^tx-//) &&
	sed -i "s/^ORIG nix:@file =#/ORIG nix:@file =X/" "$f" &&
	test_expect_code 3 vr rollback >out 2>err &&
	cat err && grep -q "journal of $id is damaged (damaged records)" err &&
	vr rollback --list >l && grep -q "^$id .*committed (damaged)" l &&
	test_expect_code 3 vr rollback >out 2>err
'

test_expect_success 'a DONE whose ORIG line was removed: rollback exit 3, kept open' '
	fresh_state && vr apply -p vps-dev --only nix >/dev/null &&
	f=$(ls "$ST"/tx-*.journal) && id=$(basename "$f" .journal | sed s/^tx-//) &&
	sed -i "/^ORIG /d" "$f" &&
	test_expect_code 3 vr rollback >out 2>err &&
	cat err && grep -q "journal of $id is damaged (a DONE record without the ORIG" err &&
	! grep -q ROLLEDBACK "$f" && test_expect_code 3 vr rollback 2>err
'

# Finding 3: the device of an incomplete transaction is gone.
test_expect_success 'an incomplete transaction on a vanished device: rollback exit 3, apply refused' '
	fresh_state &&
	{ jline "BEGIN $ID 1796150000 =vps-dev" && root_rec "$R" &&
	  jline "ORIG block:sdz:scheduler =mq-deadline" && jline "DONE block:sdz:scheduler =none"; } >"$TX" &&
	chmod 600 "$TX" &&
	test_expect_code 3 vr rollback >out 2>err && cat out err &&
	grep -q "could not be restored" err &&
	test_expect_code 2 vr apply -p vps-dev --only nix 2>err &&
	grep -q "transaction $ID .* is unfinished" err &&
	cmp "$FIX/seed-vps/$NC" "$R/$NC"
'

test_expect_success 'rollback --abandon ID gives it up, naming what is not restored' '
	vr rollback --abandon $ID >out 2>err &&
	cat out err &&
	grep -q "abandoned block:sdz:scheduler: original mq-deadline will not be restored" err &&
	grep -q "^abandoned transaction $ID: 1 original not restored" out &&
	vr apply -p vps-dev --only nix >out && grep -q "^applied 5 changes" out &&
	vr rollback >/dev/null && cmp "$FIX/seed-vps/$NC" "$R/$NC"
'

test_expect_success 'rollback --abandon: a bad or unknown ID, or with --to, is a usage error' '
	test_expect_code 2 vr rollback --abandon nope 2>err &&
	test_expect_code 2 vr rollback --abandon 20261201T000000Z-9 2>err &&
	grep -q "no transaction" err &&
	test_expect_code 2 vr rollback --abandon $ID --to $ID 2>err
'

# Finding 4: apply said "nothing to change" for what it could not read.
test_expect_success 'apply refuses items it cannot read (nix.conf a symlink): exit 3, nothing changed' '
	fresh_state &&
	mv "$R/$NC" "$R/$NC.real" && ln -s nix.conf.real "$R/$NC" &&
	test_expect_code 3 vr apply -p vps-dev --only nix >out 2>err &&
	cat out err && test "$(wc -l <err)" = 1 &&
	grep -q "cannot read the current value of nix:cores" err &&
	! grep -q "nothing to change" out &&
	! ls "$ST"/tx-*.journal 2>/dev/null &&
	cmp "$FIX/seed-vps/$NC" "$R/$NC.real" && test -L "$R/$NC"
'

# Finding 5: a journal is bound to its root.
test_expect_success 'rollback with another --root is refused; the other root is untouched' '
	fresh_state && vr apply -p vps-dev --only nix >/dev/null &&
	cp -a "$FIX/seed-vps" "$TEST_TMP/other" &&
	test_expect_code 2 vpstune --root "$TEST_TMP/other" --state-dir "$ST" rollback 2>err &&
	cat err && grep -q "belongs to the root .$(realpath "$R")." err &&
	diff -r "$FIX/seed-vps/etc" "$TEST_TMP/other/etc" &&
	vr rollback >/dev/null && cmp "$FIX/seed-vps/$NC" "$R/$NC"
'

test_expect_success 'the same path holding another tree is another root' '
	fresh_state && vr apply -p vps-dev --only nix >/dev/null &&
	mv "$R" "$R.old" && cp -a "$R.old" "$R" &&
	test_expect_code 2 vr rollback 2>err && grep -q "belongs to the root" err &&
	cmp "$R.old/$NC" "$R/$NC" &&
	rm -rf "$R" && mv "$R.old" "$R" &&
	vr rollback >/dev/null && cmp "$FIX/seed-vps/$NC" "$R/$NC"
'

test_done
