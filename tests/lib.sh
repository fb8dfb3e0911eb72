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

# git's semantics: inside a test body, run ONE command and insist on its exit
# code (a crash by signal never counts as the expected code):
#   test_expect_success "bad value is refused" '
#       test_expect_code 2 vpstune --root "$FIX/x" plan 2>err &&
#       grep -q "line 3" err
#   '
test_expect_code() {
	_want=$1; shift
	"$@"; _rc=$?
	if [ "$_rc" -eq "$_want" ]; then return 0; fi
	echo "test_expect_code: '$*' exited $_rc, expected $_want" >&2
	return 1
}

# The command must fail normally (exit 1..125), not be killed or not found.
test_must_fail() {
	"$@"; _rc=$?
	if [ "$_rc" -eq 0 ]; then
		echo "test_must_fail: '$*' succeeded" >&2; return 1
	elif [ "$_rc" -gt 125 ]; then
		echo "test_must_fail: '$*' died or was not found (exit $_rc)" >&2; return 1
	fi
	return 0
}

test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count - $1 # SKIP $2"
}

# Root tests change the machine (sysctls, zram, loop devices): they run in CI
# (CI=true) or when asked with VPSTUNE_TEST_ROOT=1, never just because the
# user who typed "make check" happens to be root. Otherwise the whole file is
# skipped (TAP plan 1..0) with the line that says how to run it.
test_require_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "1..0 # SKIP needs root (as root: VPSTUNE_TEST_ROOT=1 make check)"
		exit 0
	fi
	case "${CI:-}${VPSTUNE_TEST_ROOT:-}" in
	"" | false | 0 | false0 | 0false | 00)
		echo "1..0 # SKIP root tests change this machine's sysctls, zram and loop devices: run them with VPSTUNE_TEST_ROOT=1 make check (CI=true does too)"
		exit 0 ;;
	esac
}

test_done() {
	echo "1..$test_count"
	[ "$test_failed" -eq 0 ]
}

# diff -u that prints what differs; for golden outputs.
test_cmp() { diff -u "$1" "$2"; }
