#!/bin/sh
# plan and verify on fixture sysroots: goldens, formats, exit codes, and the
# seed's literal wishes reported as not in effect (never "ok").
. "$SRCDIR/tests/lib.sh"

LIT="$FIX/profiles/seed-literal/vpstune.conf"
export VPSTUNE_NO_PODMAN=1

golden() { # golden NAME -- CMD...: runs CMD in $FIX, compares with tests/expected/plan/NAME
	name=$1; shift 2
	(cd "$FIX" && "$VPSTUNE" "$@") >out; rc=$?
	[ $rc -le 1 ] || return 1
	if [ -n "${VPSTUNE_REGEN:-}" ]; then mkdir -p "$EXPECTED/plan"; cp out "$EXPECTED/plan/$name"; fi
	test_cmp "$EXPECTED/plan/$name" out
}

for f in seed-vps ci-machine nvme-metal broken; do
	test_expect_success "plan --json of vps-dev on $f matches its golden" \
		"golden $f.json -- --root $f plan --json"
done
test_expect_success 'plan text of vps-dev on the seed VPS matches its golden' \
	'golden seed-vps.txt -- --root seed-vps plan'
test_expect_success 'verify of the literal seed on the seed VPS matches its golden' \
	"golden seed-literal.txt -- --root seed-vps verify -p $LIT"

v() { (cd "$FIX" && "$VPSTUNE" --root seed-vps verify -p "$LIT" --format json) | jq -r "$1"; }
st() { v ".items[] | select(.knob == \"$1\") | .status"; }

test_expect_success 'the seed literally: per-subvolume nodatacow, autodefrag, compress are not in effect' '
	test "$(st mount:/var/log:nodatacow)" = unsupported &&
	test "$(st mount:/home/user/dev:autodefrag)" = unsupported &&
	test "$(st mount:/var/lib/containers:compress)" = unsupported &&
	test "$(st mount:/nix:compress)" = unsupported
'

test_expect_success 'the seed literally: the reason names the filesystem-wide truth and the real mechanism' '
	v ".items[] | select(.knob == \"mount:/var/log:nodatacow\") | .note" >note &&
	grep -q "filesystem-wide" note && grep -q "no-COW attribute" note
'

test_expect_success 'the seed literally: nonexistent Nix options are unsupported, with the real ones' '
	test "$(st nix:reserved-build-cores)" = unsupported &&
	test "$(st nix:fsync)" = unsupported &&
	v ".items[] | select(.knob == \"nix:fsync\") | .note" | grep -q fsync-metadata
'

test_expect_success 'the seed literally: scheduler on /dev/vd* is absent on a machine with sda' '
	test "$(st "block:vd*")" = absent &&
	v ".items[] | select(.knob == \"block:vd*\") | .note" | grep -q "sda (virtio-scsi)"
'

test_expect_success 'vps-dev on the seed VPS reproduces the seed numbers as targets' '
	(cd "$FIX" && "$VPSTUNE" --root seed-vps plan --json) >p &&
	t() { jq -r ".items[] | select(.knob == \"$1\") | .target" p; } &&
	test "$(t zram:zram0:disksize)" = 17179869184 &&
	test "$(t nix:cores)" = 8 && test "$(t nix:max-jobs)" = 4 &&
	test "$(t sysctl:vm.swappiness)" = 10 && test "$(t sysctl:vm.vfs_cache_pressure)" = 50 &&
	test "$(t sysctl:vm.dirty_ratio)" = 15 && test "$(t sysctl:vm.dirty_background_ratio)" = 5 &&
	test "$(t bdi:/:read_ahead_kb)" = 4096 && test "$(t block:sda:scheduler)" = mq-deadline
'

test_expect_success 'vps-dev scales with the hardware: 64 CPUs, 256 GiB on the NVMe box' '
	(cd "$FIX" && "$VPSTUNE" --root nvme-metal plan --json) >p &&
	test "$(jq -r ".items[] | select(.knob == \"sysctl:vm.swappiness\") | .note" p)" != null
'

test_expect_success 'plan notes carry the corrections: swappiness 10 next to zram' '
	(cd "$FIX" && "$VPSTUNE" --root seed-vps plan --json) >p &&
	jq -r ".items[] | select(.knob == \"sysctl:vm.swappiness\") | .note" p | grep -q contradictory
'

test_expect_success 'verify exits 1 on drift' '
	(cd "$FIX" && test_expect_code 1 "$VPSTUNE" --root seed-vps verify) >out &&
	grep -q " drift" out
'

test_expect_success 'verify exits 0 when everything is in effect' '
	printf "[sysctl]\nvm.swappiness=60\n[disk]\nelevator=mq-deadline\n" >ok.conf &&
	"$VPSTUNE" --insecure-profile --root "$FIX/seed-vps" verify -p ./ok.conf >out
'

test_expect_success 'verify --format json: summary counts add up to the items' '
	(cd "$FIX" && "$VPSTUNE" --root seed-vps verify --format json) >j; [ $? -le 1 ] &&
	test "$(jq "[.summary[]] | add" j)" = "$(jq ".items | length" j)" &&
	test "$(jq .schema_version j)" = 1
'

test_expect_success 'verify --format tap is a valid TAP stream' '
	(cd "$FIX" && "$VPSTUNE" --root seed-vps verify --format tap) >t; [ $? -le 1 ] &&
	n=$(sed -n "s/^1\.\.\([0-9]*\)$/\1/p" t) && test -n "$n" &&
	test "$(grep -cE "^(not )?ok [0-9]+ " t)" = "$n" &&
	grep -q "^not ok .* sysctl:vm.swappiness drift" t && grep -q "# SKIP absent" t
'

test_expect_success 'verify --format prometheus follows the text exposition format' '
	(cd "$FIX" && "$VPSTUNE" --root seed-vps verify --format prometheus) >m; [ $? -le 1 ] &&
	grep -v "^#" m | grep -vE "^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\",?)*\})? -?[0-9.eE+]+$" >bad;
	test ! -s bad && grep -q "^# TYPE vpstune_item_ok gauge" m &&
	grep -q "vpstune_item_ok{knob=\"sysctl:vm.swappiness\",group=\"sysctl\",status=\"drift\",profile=\"vps-dev\"} 0" m
'

test_expect_success 'verify --format nagios: WARNING and exit 1 on drift' '
	(cd "$FIX" && test_expect_code 1 "$VPSTUNE" --root seed-vps verify --format nagios) >n &&
	grep -q "^VPSTUNE WARNING - " n && grep -q " | ok=" n
'

test_expect_success 'verify -o writes the file atomically and leaves no temporary' '
	mkdir outdir && (cd "$FIX" && "$VPSTUNE" --root seed-vps verify --format prometheus -o "$TEST_TMP/outdir/v.prom"); [ $? -le 1 ] &&
	test -s outdir/v.prom && test "$(ls outdir)" = v.prom
'

test_expect_success 'verify --format bogus is a usage error' '
	test_expect_code 2 "$VPSTUNE" --root "$FIX/seed-vps" verify --format bogus 2>err &&
	grep -q "bogus" err
'

test_expect_success 'a malformed profile: one line naming file and line, exit 2' '
	printf "[sysctl]\nvm.swappiness=10\nthis line has no delimiter\n" >bad.conf &&
	test_expect_code 2 "$VPSTUNE" --insecure-profile --root "$FIX/seed-vps" plan -p ./bad.conf 2>err &&
	test "$(wc -l <err)" = 1 && grep -q "bad.conf:3" err
'

test_expect_success 'an unknown profile name is an input error' '
	test_expect_code 2 "$VPSTUNE" --root "$FIX/seed-vps" plan -p no-such-profile 2>err &&
	grep -q "no-such-profile" err
'

test_expect_success 'profiles lists the built-ins with summaries, vps-dev the default' '
	"$VPSTUNE" --root "$FIX/seed-vps" profiles >out &&
	grep -q "^vps-dev (default) " out && grep -q "^virtual-guest " out &&
	"$VPSTUNE" --root "$FIX/seed-vps" profiles --json | jq -e ".profiles | map(.name) | index(\"vps-dev\")" >/dev/null
'

test_expect_success 'every TuneD profile Debian ships plans, naming what it ignores' '
	if [ ! -d /usr/lib/tuned ]; then echo "tuned is not installed (make check installs it)"; exit 1; fi
	n=0; for p in /usr/lib/tuned/*/tuned.conf; do
		"$VPSTUNE" --insecure-profile --root "$FIX/seed-vps" plan -p "$p" --json >p.json 2>err || { echo "$p"; cat err; exit 1; }
		n=$((n + 1))
	done; echo "# $n TuneD profiles"; test $n -gt 20
'

test_expect_success 'TuneD virtual-guest: includes throughput-performance, cpu unit reported as ignored' '
	"$VPSTUNE" --insecure-profile --root "$FIX/seed-vps" plan -p /usr/lib/tuned/virtual-guest/tuned.conf --json >p &&
	test "$(jq -r ".items[] | select(.knob == \"sysctl:vm.dirty_ratio\") | .target" p)" = 30 &&
	jq -r ".warnings[]" p | grep -q "\[cpu\].*not supported"
'

test_expect_success 'TuneD plugin syntax: [vm] dirty_bytes=N%, [disk] a|b (first offered), sectors, >N, [sysfs] globs' '
	cat >syn.conf <<-EOF &&
	[vm]
	dirty_bytes=30%
	dirty_background_bytes=4096
	[disk]
	elevator=cfq|mq-deadline
	readahead=8192 s
	[more]
	type=disk
	readahead=>64
	[sysfs]
	/sys/block/sd*/queue/nomerges=2
	EOF
	"$VPSTUNE" --insecure-profile --root "$FIX/seed-vps" plan -p ./syn.conf --json >p &&
	t() { jq -r ".items[] | select(.knob == \"$1\") | .$2" p | head -n 1; } &&
	test "$(t sysctl:vm.dirty_ratio target)" = 30 &&
	test "$(t sysctl:vm.dirty_background_bytes target)" = 4096 &&
	test "$(t block:sda:scheduler target)" = mq-deadline &&
	test "$(t block:sda:read_ahead_kb target)" = 4096 &&
	test "$(jq -r "[.items[] | select(.knob == \"block:sda:read_ahead_kb\")][1].status" p)" = ok &&
	test "$(t sysfs:/sys/block/sda/queue/nomerges target)" = 2
'

test_expect_success 'bare vpstune is plan with the default profile' '
	(cd "$FIX" && "$VPSTUNE" --root seed-vps) >a && (cd "$FIX" && "$VPSTUNE" --root seed-vps plan) >b && test_cmp a b
'

test_done
