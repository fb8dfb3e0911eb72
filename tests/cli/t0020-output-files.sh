#!/bin/sh
# -o FILE: atomic for regular files (mode kept), plain writes for FIFOs,
# devices and -, symlinks only to where nobody else could have pointed them,
# everything else refused with the reason (issue 10, item 4).
. "$SRCDIR/tests/lib.sh"

SEED="$FIX/seed-vps"
v() { vpstune --root "$SEED" "$@"; }

test_expect_success '-o FILE writes what stdout would show, no temporary left' '
	mkdir d && v verify --format json -o d/out.json; test $? -le 1 &&
	v verify --format json >stdout.json; test $? -le 1 &&
	test_cmp stdout.json d/out.json && test "$(ls -A d)" = out.json
'

test_expect_success '-o keeps the mode of the file it replaces; a new one gets 0666 less the umask' '
	(umask 022 && v plan -o new.txt) && test "$(stat -c %a new.txt)" = 644 &&
	echo XYZZY-OLD >keep.txt && chmod 600 keep.txt && v plan -o keep.txt &&
	test "$(stat -c %a keep.txt)" = 600 && ! grep -q XYZZY-OLD keep.txt && v plan >p && test_cmp p keep.txt &&
	chmod 640 keep.txt && v detect -o keep.txt && test "$(stat -c %a keep.txt)" = 640
'

test_expect_success '-o replaces atomically: a new inode, never a truncated old one' '
	v plan -o f && ino1=$(stat -c %i f) && exec 3<f && v plan --json -o f &&
	ino2=$(stat -c %i f) && test "$ino1" != "$ino2" && v plan >p && test_cmp p /dev/fd/3
'

test_expect_success '-o - and -o /dev/stdout are standard output' '
	v plan >a && v plan -o - >b && v plan -o /dev/stdout >c &&
	test_cmp a b && test_cmp a c
'

test_expect_success '-o FIFO: a plain write to the reader, the FIFO stays a FIFO' '
	mkfifo pipe && { cat pipe >got & } && v detect --json -o pipe && wait &&
	v detect --json >want && test_cmp want got && test -p pipe
'

test_expect_success '-o /dev/null: a plain write, the device stays' '
	v verify -o /dev/null; test $? -le 1 && test -c /dev/null
'

test_expect_success '-o DIR is refused: is a directory, exit 2' '
	mkdir dir && test_expect_code 2 v plan -o dir 2>err &&
	test $(wc -l <err) -eq 1 && grep -q "^vpstune: plan: cannot write .dir.: is a directory" err &&
	test "$(ls -A dir)" = ""
'

test_expect_success '-o through a symlink to a file owned by someone else is refused, nothing changed' '
	[ "$(id -u)" = 0 ] || exit 0
	echo precious >target && chown nobody target && ln -s target link &&
	test_expect_code 2 v plan -o link 2>err &&
	grep -q "^vpstune: plan: cannot write .link.: is a symlink to .*target., which is not owned by root" err &&
	test -L link && test "$(cat target)" = precious
'

test_expect_success '-o /dev/stdout appends to what stdout already has open' '
	echo first >log && v plan -o /dev/stdout >>log && head -1 log >h && echo first >w && test_cmp w h &&
	v plan >p && tail -n +2 log >rest && test_cmp p rest
'

test_expect_success '-o through a symlink into a directory others can write is refused' '
	mkdir open && chmod 1777 open && echo precious >open/t && ln -s open/t l2 &&
	test_expect_code 2 v plan -o l2 2>err &&
	grep -q "cannot write .l2.: is a symlink to .*open/t., \(in a directory others can write\|which is not owned by root\)" err &&
	test -L l2 && test "$(cat open/t)" = precious
'

test_expect_success '-o to a dangling symlink is refused' '
	ln -s nowhere dl && test_expect_code 2 v plan -o dl 2>err &&
	grep -q "cannot write .dl.: is a symlink to nothing" err && test ! -e nowhere
'

test_expect_success 'detect, plan and profiles take -o' '
	v detect -o d1 && v detect >d2 && test_cmp d2 d1 &&
	v profiles --json -o p1 && v profiles --json >p2 && test_cmp p2 p1 &&
	v plan --json -o q1 && v plan --json >q2 && test_cmp q2 q1
'

test_expect_success 'generate systemd -o needs a directory' '
	test_expect_code 2 v generate systemd -o units.txt 2>err &&
	test $(wc -l <err) -eq 1 && grep -q "^vpstune: generate: systemd writes [0-9]* files, -o needs an existing directory" err &&
	test ! -e units.txt
'

test_expect_success 'a -o the writer cannot create (missing directory) is exit 2, one line' '
	test_expect_code 2 v plan -o no/such/dir/f 2>err && test $(wc -l <err) -eq 1 &&
	grep -q "cannot write .no/such/dir/f.: No such file or directory" err
'

test_done
