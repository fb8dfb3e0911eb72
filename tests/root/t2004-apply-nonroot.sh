#!/bin/sh
# apply and rollback change the live machine: as an ordinary user they
# stop at once (exit 3, "needs root") and change nothing; the read-only
# --dry-run works for anyone.
. "$SRCDIR/tests/lib.sh"
test_require_root
command -v setpriv >/dev/null || { echo "1..0 # SKIP no setpriv"; exit 0; }
NOBODY=$(id -u nobody 2>/dev/null) || { echo "1..0 # SKIP no user nobody"; exit 0; }
NOGROUP=$(getent group nogroup >/dev/null && echo nogroup || echo nobody)

P=/proc/sys/vm
orig_vfs=$(cat $P/vfs_cache_pressure)
test_cleanup "echo $orig_vfs >$P/vfs_cache_pressure"
# nobody must reach the binary, the profile and a scratch dir.
W=$(mktemp -d "${TMPDIR:-/tmp}/vpstune-nonroot.XXXXXX") || exit 1
test_cleanup "rm -rf $W"
chmod 0755 "$W"
PROF=$W/p.conf
printf '[sysctl]\nvm.vfs_cache_pressure=%s\n' $((orig_vfs + 7)) >"$PROF"
chmod 0644 "$PROF"
as_nobody() { setpriv --reuid="$NOBODY" --regid="$NOGROUP" --clear-groups "$@"; }
as_nobody test -x "$VPSTUNE" || { echo "1..0 # SKIP nobody cannot run $VPSTUNE"; exit 0; }

test_expect_success 'apply as nobody: exit 3, needs root, nothing changed' '
	test_expect_code 3 as_nobody "$VPSTUNE" --state-dir "$W/state" apply -p "$PROF" >out 2>err &&
	cat err &&
	grep -q "apply: needs root" err &&
	test "$(cat $P/vfs_cache_pressure)" = "$orig_vfs" &&
	! test -e "$W/state"
'

test_expect_success 'apply --dry-run as nobody lists the write' '
	as_nobody "$VPSTUNE" --state-dir "$W/state" apply -p "$PROF" --dry-run >out &&
	grep -q "^would write '"'"'$((orig_vfs + 7))'"'"' to /proc/sys/vm/vfs_cache_pressure" out &&
	test "$(cat $P/vfs_cache_pressure)" = "$orig_vfs"
'

test_expect_success 'rollback as nobody: exit 3, needs root' '
	test_expect_code 3 as_nobody "$VPSTUNE" --state-dir "$W/state" rollback >out 2>err &&
	grep -q "rollback: needs root" err
'

test_done
