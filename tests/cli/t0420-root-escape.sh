#!/bin/sh
# --root must hold every read and write inside DIR (issue 9, findings 5
# and 6): the state directory under a symlinked DIR/var, and symlinks out
# of the root on a kernel without openat2 (forced with $NO_OPENAT2, a
# seccomp filter that makes openat2 fail with ENOSYS as before 5.6).
. "$SRCDIR/tests/lib.sh"

R=$TEST_TMP/root
OUT=$TEST_TMP/outside
NC=etc/nix/nix.conf
VPSTUNE_NO_PODMAN=1
export VPSTUNE_NO_PODMAN
fresh() {
	rm -rf "$R" "$OUT" && cp -a "$FIX/seed-vps" "$R" && mkdir "$OUT" &&
	printf "cores = 99\nmax-jobs = 99\n" >"$OUT/nix.conf" && cp "$OUT/nix.conf" "$TEST_TMP/outside.orig"
}
# depth of $R below /, for a relative link that climbs out of it
up=$(echo "$R" | sed "s|[^/]*|..|g; s|^/||")

test_expect_success 'state dir: DIR/var -> an absolute path outside: refused, nothing written there' '
	fresh && rm -rf "$R/var" && ln -s "$OUT" "$R/var" &&
	test_expect_code 3 vpstune --root "$R" apply -p vps-dev --only nix 2>err &&
	cat err && grep -q "state directory .* is unusable" err &&
	test -z "$(ls -A "$OUT" | grep -v nix.conf)" &&
	cmp "$FIX/seed-vps/$NC" "$R/$NC"
'

test_expect_success 'state dir: DIR/var -> a relative path climbing out: stays inside DIR' '
	fresh && rm -rf "$R/var" && ln -s "$up$OUT" "$R/var" &&
	vpstune --root "$R" apply -p vps-dev --only nix >out 2>err;
	cat err; test -z "$(ls -A "$OUT" | grep -v nix.conf)" &&
	cmp "$TEST_TMP/outside.orig" "$OUT/nix.conf"
'

test_expect_success 'state dir: the journal of a --root lives in DIR/var/lib/vpstune' '
	fresh && vpstune --root "$R" apply -p vps-dev --only nix >out &&
	ls "$R"/var/lib/vpstune/tx-*.journal &&
	vpstune --root "$R" rollback >out && cmp "$FIX/seed-vps/$NC" "$R/$NC"
'

test_expect_success 'the seccomp helper really takes openat2 away' '
	"$NO_OPENAT2" "$VPSTUNE" --root "$R" -v detect >/dev/null 2>err;
	VPSTUNE_DEBUG=sysroot "$NO_OPENAT2" "$VPSTUNE" --root "$R" detect >/dev/null 2>err &&
	grep -q "no openat2" err
'

test_expect_success 'without openat2: etc/nix -> outside is not read (verify)' '
	fresh && rm -rf "$R/etc/nix" && ln -s "$up$OUT" "$R/etc/nix" &&
	"$NO_OPENAT2" "$VPSTUNE" --root "$R" verify -p vps-dev --format json >v.json;
	jq -e "[.items[] | select(.knob == \"nix:cores\")][0].current != \"99\"" v.json
'

test_expect_success 'without openat2: apply does not write through it' '
	rm -rf "$TEST_TMP/st" &&
	"$NO_OPENAT2" "$VPSTUNE" --root "$R" --state-dir "$TEST_TMP/st" apply -p vps-dev --only nix >out 2>err;
	cat out err; cmp "$TEST_TMP/outside.orig" "$OUT/nix.conf"
'

test_expect_success 'without openat2: an absolute link resolves inside the root' '
	fresh && mv "$R/etc/nix" "$R/etc/nix.real" && ln -s /etc/nix.real "$R/etc/nix" &&
	test_expect_code 1 "$NO_OPENAT2" "$VPSTUNE" --root "$R" verify -p vps-dev --format json >v.json &&
	test_expect_code 1 "$VPSTUNE" --root "$R" verify -p vps-dev --format json >w.json &&
	jq -e "[.items[] | select(.knob == \"nix:max-jobs\")][0].current == \"auto\"" v.json &&
	cmp v.json w.json
'

for f in seed-vps nvme-metal ci-machine; do
	test_expect_success "without openat2: detect and plan of $f are the same as with it" "
		\"\$NO_OPENAT2\" \"\$VPSTUNE\" --root \"\$FIX/$f\" detect --json >a.json &&
		\"\$VPSTUNE\" --root \"\$FIX/$f\" detect --json >b.json && cmp a.json b.json &&
		\"\$NO_OPENAT2\" \"\$VPSTUNE\" --root \"\$FIX/$f\" plan -p vps-dev --json >a.json &&
		\"\$VPSTUNE\" --root \"\$FIX/$f\" plan -p vps-dev --json >b.json && cmp a.json b.json
	"
done

test_done
