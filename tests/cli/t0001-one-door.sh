#!/bin/sh
# STYLE.md "one door to the machine": only src/sysroot.c may spell the
# absolute paths of /proc and /sys; /dev/ and /etc/ paths may appear only in
# generators and check-config, which write and read configuration *text*.
# Comments may mention paths; code may not.
. "$SRCDIR/tests/lib.sh"

# file:line:code hits whose code is not a comment
code_hits() {
	grep -rnE "$1" "$SRCDIR/src" --include=*.c --include=*.h |
		grep -vE "^[^:]+:[0-9]+:[[:space:]]*(/\*|\*|//)" |
		grep -vE "/\*[^\"]*\"/(proc|sys|dev|etc)"
}

test_expect_success 'no source outside sysroot.c names /proc or /sys' '
	code_hits "\"/(proc|sys)(/|\")" | grep -v "^$SRCDIR/src/sysroot.c:" >hits || true
	if [ -s hits ]; then cat hits; false; fi
'

test_expect_success 'only generators and check-config spell /dev/ and /etc/' '
	code_hits "\"/(dev|etc)/" | grep -v "\"/dev/null\"" | grep -vE "^$SRCDIR/src/(sysroot\.c|generate/|checkconfig/)" >hits || true
	if [ -s hits ]; then cat hits; false; fi
'

test_expect_success 'the check itself catches a violation' '
	mkdir -p fake/src/facts && printf "%s\n" "static const char *p = \"/proc/cpuinfo\";" >fake/src/facts/x.c &&
	grep -rnE "\"/(proc|sys)(/|\")" fake/src --include=*.c | grep -q cpuinfo
'

test_done
