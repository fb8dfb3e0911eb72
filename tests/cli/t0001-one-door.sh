#!/bin/sh
# STYLE.md "one door to the machine": only src/sysroot.c may spell the
# absolute paths of /proc and /sys; /dev/ and /etc/ paths may appear only in
# generators and check-config, which write and read configuration *text*.
# Comments may mention paths; code may not.
. "$SRCDIR/tests/lib.sh"

# file:line:code hits under TREE/src whose code is not a comment
code_hits() {
	grep -rnE "$2" "$1/src" --include=*.c --include=*.h |
		grep -vE "^[^:]+:[0-9]+:[[:space:]]*(/\*|\*|//)" |
		grep -vE "/\*[^\"]*\"/(proc|sys|dev|etc)"
}

# The two rules; each prints the offending lines of TREE and fails if any.
proc_sys_outside_sysroot() {
	code_hits "$1" "\"/(proc|sys)(/|\")" | grep -v "^$1/src/sysroot.c:" >hits
	if [ -s hits ]; then cat hits; return 1; fi
}
dev_etc_outside_generators() {
	code_hits "$1" "\"/(dev|etc)/" | grep -v "\"/dev/null\"" |
		grep -vE "^$1/src/(sysroot\.c|generate/|checkconfig/)" >hits
	if [ -s hits ]; then cat hits; return 1; fi
}

test_expect_success 'no source outside sysroot.c names /proc or /sys' '
	proc_sys_outside_sysroot "$SRCDIR"
'

test_expect_success 'only generators and check-config spell /dev/ and /etc/' '
	dev_etc_outside_generators "$SRCDIR"
'

test_expect_success 'the checks themselves catch a violation and spare comments' '
	mkdir -p fake/src/facts fake/src/generate &&
	printf "%s\n" "/* reads \"/proc/cpuinfo\" */" "static const char *q = \"/etc/fstab\";" >fake/src/generate/g.c &&
	proc_sys_outside_sysroot fake && dev_etc_outside_generators fake &&
	printf "%s\n" "static const char *p = \"/proc/cpuinfo\";" >fake/src/facts/x.c &&
	printf "%s\n" "static const char *e = \"/etc/fstab\";" >fake/src/facts/y.c &&
	test_must_fail proc_sys_outside_sysroot fake >out && grep -q "facts/x.c:1:" out &&
	test_must_fail dev_etc_outside_generators fake >out && grep -q "facts/y.c:1:" out &&
	! grep -q "generate/g.c" out
'

test_done
