#!/bin/sh
# STYLE.md "one door to the machine": only src/sysroot.c may spell the
# absolute paths of /proc and /sys; /dev/ and /etc/ paths may appear only in
# generators and check-config, which write and read configuration *text*.
. "$SRCDIR/tests/lib.sh"

test_expect_success 'no source outside sysroot.c names /proc or /sys' '
	grep -rnE "\"/(proc|sys)(/|\")" "$SRCDIR/src" --include=*.c --include=*.h |
		grep -v "^$SRCDIR/src/sysroot.c:" >hits || true
	if [ -s hits ]; then cat hits; false; fi
'

test_expect_success 'only generators and check-config spell /dev/ and /etc/' '
	grep -rnE "\"/(dev|etc)/" "$SRCDIR/src" --include=*.c --include=*.h |
		grep -vE "^$SRCDIR/src/(sysroot\.c|generate/|checkconfig/)" >hits || true
	if [ -s hits ]; then cat hits; false; fi
'

test_expect_success 'the check itself catches a violation' '
	mkdir -p fake/src/facts && printf "%s\n" "static const char *p = \"/proc/cpuinfo\";" >fake/src/facts/x.c &&
	grep -rnE "\"/(proc|sys)(/|\")" fake/src --include=*.c | grep -q cpuinfo
'

test_done
