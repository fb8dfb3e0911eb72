#!/bin/sh
# Profile values and device names in generated files (issue 9, findings
# 9 and 16): the NixOS boot script quotes them for sh, udev rules take
# only names udev's syntax can hold, comments stay one line, and
# check-config refuses a FIFO instead of hanging.
. "$SRCDIR/tests/lib.sh"

R=$TEST_TMP/root
cp -a "$FIX/seed-vps" "$R" || exit 1
P=$TEST_TMP/pwned
cat >"$TEST_TMP/q.conf" <<EOP
[main]
summary=shell in profile values
[btrfs]
nocow=/var/log/a'\$(touch\${IFS}$P-nocow)'b
compression=/var/lib/containers:zstd'\$(touch\${IFS}$P-comp)'
EOP

test_expect_success 'generate nixos: the boot script, decoded by Nix and run by sh, runs no profile value' '
	vpstune --insecure-profile --root "$R" generate nixos -p "$TEST_TMP/q.conf" >conf.nix &&
	sed -n "/^ *script = '"''"'\$/,/^ *'"''"';\$/p" conf.nix | sed "1s/.*/'"''"'/; \$s/.*/'"''"'/" >script.nix &&
	test -s script.nix &&
	nix-instantiate --eval --json -E "$(cat script.nix)" | jq -r . >script.sh &&
	grep -q "btrfs property set" script.sh &&
	mkdir -p bin && printf "#!/bin/sh\\nprintf \"%%s\\\\n\" \"\$@\" >>\"$TEST_TMP/args\"\\n" >bin/btrfs &&
	cp bin/btrfs bin/chattr && chmod +x bin/btrfs bin/chattr &&
	PATH="$PWD/bin:$PATH" sh script.sh &&
	! ls "$P"-* 2>/dev/null &&
	grep -qxF "zstd'"'"'\$(touch\${IFS}$P-comp)'"'"'" "$TEST_TMP/args"
'

test_expect_success 'generate udev: a disk name with quotes makes no rule' '
	t=$(readlink "$R/sys/block/sda") && d=$(dirname "$(readlink -f "$R/sys/block/sda")") &&
	cp -a "$d/sda" "$d/sdq\", RUN+=\"x" && ln -s "${t%/sda}/sdq\", RUN+=\"x" "$R/sys/block/sdq\", RUN+=\"x" &&
	vpstune --root "$R" generate udev -p vps-dev >rules &&
	cat rules && ! grep -q "RUN" rules &&
	grep -q "KERNEL==\"sda\"" rules
'

test_expect_success 'check-config on a FIFO: exit 2 at once, one line' '
	mkfifo "$TEST_TMP/fifo" &&
	test_expect_code 2 timeout 10 "$VPSTUNE" check-config "$TEST_TMP/fifo" 2>err &&
	cat err && test "$(wc -l <err)" = 1 && grep -q "not a regular file" err
'

test_done
