#!/bin/sh
# The command line: help, version, exit codes, one-line errors.
. "$SRCDIR/tests/lib.sh"

test_expect_success '--help lists every command' '
	vpstune --help >out &&
	for c in detect profiles plan apply verify rollback generate check-config bench health snapshot; do
		grep -q "^  $c " out || { echo "missing $c"; exit 1; }
	done
'

test_expect_success '--version prints the version' '
	vpstune --version >out &&
	grep -Eq "^vpstune [0-9]+\.[0-9]+\.[0-9]+$" out
'

test_expect_success 'an unknown command is a usage error' '
	test_expect_code 2 vpstune frobnicate 2>err
'

test_expect_success 'an unknown command says so in one line' '
	test_expect_code 2 vpstune frobnicate 2>err && test $(wc -l <err) -eq 1 &&
	grep -q "^vpstune: unknown command .frobnicate." err
'

test_expect_success 'an unknown option is a usage error' '
	test_expect_code 2 vpstune --frobnicate 2>err &&
	test $(wc -l <err) -eq 1 && grep -q "^vpstune: unknown option .--frobnicate. (try .vpstune --help.)" err
'

test_expect_success 'a missing --root directory is an input error' '
	test_expect_code 2 vpstune --root /nonexistent/vpstune detect 2>err &&
	grep -q "/nonexistent/vpstune" err
'

test_expect_success 'write errors on stdout are reported (full disk)' '
	if [ -w /dev/full ]; then
		vpstune --version >/dev/full 2>err; rc=$?
		[ $rc -ne 0 ] && grep -q "write error" err
	fi
'

test_expect_success 'every command has --help that names its usage' '
	for c in detect profiles plan apply verify rollback generate check-config; do
		vpstune $c --help >out || { echo "$c --help failed"; exit 1; }
		grep -q "^Usage: vpstune.* $c" out || { echo "$c --help has no usage line"; exit 1; }
	done
'

test_expect_success 'the man page and README document every command' '
	for c in detect profiles plan apply verify rollback generate check-config bench; do
		sed "s/[\\]-/-/g" "$SRCDIR/man/vpstune.8" | grep -q "^\.B $c" || { echo "man: $c"; exit 1; }
		grep -q "vpstune $c" "$SRCDIR/README.md" || { echo "README: $c"; exit 1; }
	done
'

test_expect_success 'the man page renders without warnings' '
	if command -v groff >/dev/null; then
		groff -ww -man -Tutf8 "$SRCDIR/man/vpstune.8" >/dev/null 2>err && test ! -s err
	fi
'

test_done
