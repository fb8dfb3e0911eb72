#!/bin/sh
# -o FILE as root (issue 10, item 4): a device node is written to, never
# replaced by a regular file; a symlink to a root-owned file in a directory
# only root can write is written through, the link kept.
. "$SRCDIR/tests/lib.sh"
test_require_root

SEED="$FIX/seed-vps"

test_expect_success 'verify -o /dev/full as root: ENOSPC, exit 3, /dev/full still the device' '
	test -c /dev/full || exit 0
	before=$(stat -c "%t:%T:%i" /dev/full) &&
	test_expect_code 3 vpstune --root "$SEED" verify -o /dev/full 2>err &&
	test $(wc -l <err) -eq 1 && grep -q "^vpstune: verify: cannot write ./dev/full.: No space left on device" err &&
	test -c /dev/full && test "$(stat -c "%t:%T:%i" /dev/full)" = "$before"
'

test_expect_success 'verify --format prometheus -o /dev/full: the same' '
	test -c /dev/full || exit 0
	test_expect_code 3 vpstune --root "$SEED" verify --format prometheus -o /dev/full 2>err &&
	test -c /dev/full
'

test_expect_success 'a symlink to a root-owned file in a root-only directory is written through' '
	mkdir -m 755 real && echo XYZZY >real/metrics.prom && chmod 640 real/metrics.prom &&
	chown root:root real real/metrics.prom && ln -s "$TEST_TMP/real/metrics.prom" link.prom &&
	vpstune --root "$SEED" verify --format prometheus -o link.prom; test $? -le 1 &&
	test -L link.prom && ! grep -q XYZZY real/metrics.prom && grep -q "^vpstune_" real/metrics.prom &&
	test "$(stat -c %a real/metrics.prom)" = 640
'

test_expect_success 'as root, -o keeps the owner of the file it replaces' '
	echo x >owned && chown nobody owned && chmod 644 owned &&
	vpstune --root "$SEED" plan -o owned && test "$(stat -c %U owned)" = nobody &&
	grep -q "^Plan of profile" owned
'

test_done
