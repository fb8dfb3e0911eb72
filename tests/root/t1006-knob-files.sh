#!/bin/sh
# Config-file knobs (storage.conf, nix.conf) through a --root sysroot:
# comments and other keys survive, rollback is byte-identical (mode too),
# an absent file comes back absent. No root needed, but it lives with the
# other effect-layer tests.
KNOBCTL=${1:-${KNOBCTL:-$BUILDDIR/tests/root/knobctl}}
. "$SRCDIR/tests/lib.sh"

R="$TEST_TMP/root"
mkdir -p "$R/etc/containers" "$R/etc/nix"
cat >"$R/etc/containers/storage.conf" <<'CONF'
# storage.conf -- keep this comment
[storage]
  # the driver
  driver = "overlay"  # trailing comment
runroot = "/run/containers/storage"

[storage.options.overlay]
mountopt = "nodev"
CONF
chmod 0640 "$R/etc/containers/storage.conf"
cp -p "$R/etc/containers/storage.conf" "$TEST_TMP/storage.orig"
ST="$TEST_TMP/state"

test_expect_success 'read the driver' '
	test "$("$KNOBCTL" -r "$R" read containers:driver)" = overlay
'

test_expect_success 'apply edits only the values' '
	printf "%s\n" "containers:driver btrfs" "containers:storage.options.overlay.mountopt nodev,metacopy=on" \
		"nix:cores 2" "nix:max-jobs auto" >ch &&
	"$KNOBCTL" -r "$R" apply-file "$ST" ch >out &&
	grep -q "^  driver = \"btrfs\"  # trailing comment$" "$R/etc/containers/storage.conf" &&
	grep -q "^# storage.conf -- keep this comment$" "$R/etc/containers/storage.conf" &&
	grep -q "^mountopt = \"nodev,metacopy=on\"$" "$R/etc/containers/storage.conf" &&
	printf "cores = 2\nmax-jobs = auto\n" >want && test_cmp want "$R/etc/nix/nix.conf"
'

test_expect_success 'rollback is byte-identical; nix.conf is gone again' '
	"$KNOBCTL" -r "$R" rollback "$ST" &&
	cmp "$TEST_TMP/storage.orig" "$R/etc/containers/storage.conf" &&
	test "$(stat -c %a "$R/etc/containers/storage.conf")" = 640 &&
	! test -e "$R/etc/nix/nix.conf"
'

test_expect_success 'state dir is 0700 and journals 0600' '
	test "$(stat -c %a "$ST")" = 700 &&
	for f in "$ST"/tx-*.journal; do test "$(stat -c %a "$f")" = 600 || exit 1; done
'

test_expect_success 'a symlinked state dir is refused' '
	ln -s "$ST" "$TEST_TMP/st-link" &&
	! "$KNOBCTL" -r "$R" apply-file "$TEST_TMP/st-link" ch 2>err &&
	grep -q "Too many levels of symbolic links" err
'

test_done
