# Shell test library in the manner of git's t/test-lib.sh, speaking TAP.
#
#   . "$SRCDIR/tests/lib.sh"
#   test_expect_success 'detect names the disk' '
#       vpstune --root "$FIX/seed-vps" detect >out &&
#       grep -q sda out
#   '
#   test_done
#
# Each test body runs in a subshell with set -e off (chain with &&, as git
# does) in a private scratch dir; $VPSTUNE is the binary under test.
# Root tests call test_require_root first; cleanup goes in test_cleanup
# (registered in a trap, so it runs even when a test body dies).

: "${SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${BUILDDIR:=$SRCDIR/build}"
: "${VPSTUNE:=$BUILDDIR/vpstune}"
FIX="$SRCDIR/tests/fixtures"
EXPECTED="$SRCDIR/tests/expected"
export SRCDIR BUILDDIR VPSTUNE FIX EXPECTED
export NO_COLOR=1 LC_ALL=C

test_count=0
test_failed=0
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/vpstune-test.XXXXXX")
_test_cleanups=""

test_cleanup() { _test_cleanups="$1
$_test_cleanups"; }

_test_exit() {
	set +e
	if [ -n "$_test_cleanups" ]; then
		eval "$_test_cleanups" >/dev/null 2>&1
	fi
	rm -rf "$TEST_TMP"
}
trap _test_exit EXIT
trap 'exit 130' INT TERM

vpstune() { "$VPSTUNE" "$@"; }

test_expect_success() {
	desc=$1; body=$2
	test_count=$((test_count + 1))
	if (cd "$TEST_TMP" && eval "$body") >"$TEST_TMP/.log" 2>&1; then
		echo "ok $test_count - $desc"
	else
		echo "not ok $test_count - $desc"
		sed 's/^/#   /' "$TEST_TMP/.log"
		test_failed=$((test_failed + 1))
	fi
}

# Like test_expect_success, but for a command that must fail with exit code N.
test_expect_code() {
	code=$1; desc=$2; body=$3
	test_expect_success "$desc" "( $body ); rc=\$?; [ \$rc -eq $code ] || { echo \"exit code \$rc, expected $code\"; false; }"
}

test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count - $1 # SKIP $2"
}

# Skips the whole file (TAP plan 1..0) when not root.
test_require_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "1..0 # SKIP needs root"
		exit 0
	fi
}

test_done() {
	echo "1..$test_count"
	[ "$test_failed" -eq 0 ]
}

# diff -u that prints what differs; for golden outputs.
test_cmp() { diff -u "$1" "$2"; }
