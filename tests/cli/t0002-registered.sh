#!/bin/sh
# Every shell test is registered in the meson.build of its directory, or it
# never runs: a t*.sh that ends in test_done must be listed there; one that
# does not (a shared set-up such as t2009-apply-objects.sh) must be sourced
# by a registered test.
. "$SRCDIR/tests/lib.sh"

# Prints "DIR/FILE: why" for each shell test of TREE/tests/* that never runs.
unregistered() {
	for f in "$1"/tests/*/t*.sh; do
		[ -e "$f" ] || continue
		d=${f%/*} b=${f##*/}
		if grep -q "^test_done" "$f"; then
			grep -q "'$b'" "$d/meson.build" 2>/dev/null ||
				echo "${d##*/}/$b: not listed in ${d##*/}/meson.build"
		else
			grep -lq "$b" "$d"/t*.sh 2>/dev/null ||
				echo "${d##*/}/$b: has no test_done and no test sources it"
		fi
	done
}

test_expect_success 'every tests/*/t*.sh is registered in meson.build' '
	unregistered "$SRCDIR" >out &&
	cat out && test ! -s out
'

test_expect_success 'the check finds a test that is not registered' '
	mkdir -p fake/tests/cli &&
	printf "foreach t : [\n  '"'"'t0000-a.sh'"'"',\n]\n" >fake/tests/cli/meson.build &&
	printf "test_done\n" >fake/tests/cli/t0000-a.sh &&
	unregistered fake >out && test ! -s out &&
	printf "test_done\n" >fake/tests/cli/t0001-b.sh &&
	printf ": set-up\n" >fake/tests/cli/t0009-c.sh &&
	unregistered fake >out &&
	grep -q "^cli/t0001-b.sh: not listed" out &&
	grep -q "^cli/t0009-c.sh: has no test_done" out &&
	test $(wc -l <out) = 2
'

test_done
