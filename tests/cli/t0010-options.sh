#!/bin/sh
# Global options anywhere (as systemctl), one-line option errors in the house
# format, "did you mean", help VERB, colour rules, -q and -v.
. "$SRCDIR/tests/lib.sh"

SEED="$FIX/seed-vps"

test_expect_success 'the README showcase: -p before the verb, --root after it' '
	vpstune -p vps-dev verify --root "$SEED" >a; test $? -le 1 &&
	vpstune --root "$SEED" verify -p vps-dev >b; test $? -le 1 &&
	test_cmp a b && grep -q "profile .vps-dev." a
'

test_expect_success 'every global option works after the verb' '
	vpstune --root "$SEED" --state-dir "$TEST_TMP/s" -q --no-color --insecure-profile --no-pager plan >a &&
	vpstune plan --root "$SEED" --state-dir "$TEST_TMP/s" -q --no-color --insecure-profile --no-pager >b &&
	vpstune plan --root="$SEED" --state-dir="$TEST_TMP/s" --color=never --quiet >c &&
	test_cmp a b && test_cmp a c
'

test_expect_success '-pNAME and --profile=NAME after the verb' '
	vpstune --root "$SEED" plan -pvps-dev --json >a &&
	vpstune --root "$SEED" plan --profile=vps-dev --json >b &&
	test_cmp a b && test "$(jq -r .profile a)" = vps-dev
'

test_expect_success '--json before the verb is handed to it' '
	vpstune --json --root "$SEED" detect >a && vpstune --root "$SEED" detect --json >b &&
	test_cmp a b && jq -e .schema_version a >/dev/null
'

test_expect_success '-- ends the lifting of global options' '
	test_expect_code 2 vpstune --root "$SEED" check-config -- --root 2>err &&
	grep -q "^vpstune: check-config: cannot read .--root." err
'

test_expect_success 'an unknown option of a verb: one line, names the verb and its help' '
	test_expect_code 2 vpstune verify --bogus 2>err &&
	test_cmp - err <<-\EOT
	vpstune: verify: unknown option '"'"'--bogus'"'"' (try '"'"'vpstune verify --help'"'"')
	EOT
'

test_expect_success 'an unknown short option of a verb' '
	test_expect_code 2 vpstune --root "$SEED" detect -x 2>err &&
	test $(wc -l <err) -eq 1 && grep -q "^vpstune: detect: unknown option .-x. (try .vpstune detect --help.)" err
'

test_expect_success 'an option without its argument, and an argument to a flag' '
	test_expect_code 2 vpstune --root "$SEED" verify --format 2>err &&
	test $(wc -l <err) -eq 1 && grep -q "^vpstune: verify: option .--format. requires an argument" err &&
	test_expect_code 2 vpstune --root "$SEED" detect --json=yes 2>err &&
	test $(wc -l <err) -eq 1 && grep -q "^vpstune: detect: option .--json. takes no argument" err &&
	test_expect_code 2 vpstune verify --root 2>err &&
	test $(wc -l <err) -eq 1 && grep -q "^vpstune: verify: option .--root. requires an argument" err
'

test_expect_success 'an unknown global option before the verb' '
	test_expect_code 2 vpstune --frobnicate=1 plan 2>err &&
	test_cmp - err <<-\EOT
	vpstune: unknown option '"'"'--frobnicate'"'"' (try '"'"'vpstune --help'"'"')
	EOT
'

test_expect_success 'a mistyped verb gets "did you mean"' '
	test_expect_code 2 vpstune verfy 2>err &&
	test $(wc -l <err) -eq 1 && grep -q "did you mean .verify.?" err &&
	test_expect_code 2 vpstune chek-config 2>err && grep -q "did you mean .check-config.?" err &&
	test_expect_code 2 vpstune frobnicate 2>err && ! grep -q "did you mean" err
'

test_expect_success 'vpstune help VERB is vpstune VERB --help' '
	for c in detect profiles plan apply verify rollback generate check-config; do
		vpstune help $c >a && vpstune $c --help >b && test_cmp a b || exit 1
	done &&
	vpstune help >a && vpstune --help >b && test_cmp a b &&
	test_expect_code 2 vpstune help verfy 2>err && grep -q "did you mean .verify." err
'

test_expect_success '-p to a verb that takes no profile is refused' '
	test_expect_code 2 vpstune --root "$SEED" -p vps-dev detect >out 2>err &&
	test ! -s out && test $(wc -l <err) -eq 1 &&
	grep -q "^vpstune: detect: takes no profile" err &&
	test_expect_code 2 vpstune --root "$SEED" profiles -p vps-dev 2>err &&
	grep -q "^vpstune: profiles: takes no profile" err
'

test_expect_success '--color=always colours, --color=never and NO_COLOR do not' '
	vpstune --root "$SEED" --color=always plan >a &&
	grep -q "$(printf "\033")\[" a &&
	vpstune --root "$SEED" plan --color=never >b && ! grep -q "$(printf "\033")" b &&
	NO_COLOR= vpstune --root "$SEED" plan >c && ! grep -q "$(printf "\033")" c
'

test_expect_success 'on a terminal: colour unless NO_COLOR, --no-color or TERM=dumb' '
	command -v script >/dev/null || exit 0
	run() { script -qec "$*" /dev/null </dev/null | tr -d "\r"; }
	run env -u NO_COLOR TERM=xterm "$VPSTUNE" --root "$SEED" --no-pager plan >a &&
	grep -q "$(printf "\033")\[" a &&
	run env NO_COLOR=1 TERM=xterm "$VPSTUNE" --root "$SEED" --no-pager plan >b &&
	! grep -q "$(printf "\033")\[" b &&
	run env -u NO_COLOR TERM=dumb "$VPSTUNE" --root "$SEED" --no-pager plan >c &&
	! grep -q "$(printf "\033")\[" c &&
	run env -u NO_COLOR TERM=xterm "$VPSTUNE" --root "$SEED" --no-pager plan --no-color >d &&
	! grep -q "$(printf "\033")\[" d
'

test_expect_success '-q prints errors only; -q still prints the error' '
	vpstune --root "$SEED" -q generate zram >out 2>err && test ! -s err &&
	test_expect_code 2 vpstune -q --root "$SEED" verify --bogus 2>err && test $(wc -l <err) -eq 1
'

test_expect_success '-v shows the detection evidence, -vv every debug topic' '
	vpstune --root "$SEED" detect >/dev/null 2>err0 && ! grep -q "debug(" err0 &&
	vpstune --root "$SEED" detect -v >/dev/null 2>err1 && grep -q "^vpstune: debug(virt): evidence:" err1 &&
	! grep -q "debug(sysroot)\|debug(plan)" err1 &&
	VPSTUNE_DEBUG=virt vpstune --root "$SEED" detect >/dev/null 2>err2 &&
	grep "debug(virt)" err1 >v1 && grep "debug(virt)" err2 >v2 && test_cmp v2 v1 &&
	vpstune -vv --root "$SEED" plan >/dev/null 2>err3 && grep -q "debug(plan)" err3
'

test_done
