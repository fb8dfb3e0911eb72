#!/bin/sh
# vpstune health on fixture sysroots: golden output in all four formats,
# device-error deltas with --ack, bind mounts counted once, the [health]
# profile section, -o, --only, exit codes.
. "$SRCDIR/tests/lib.sh"

# Ages in the goldens are relative to this clock; git keeps no mtimes, so
# the timer stamps are dated here.
NOW=1796140800
export VPSTUNE_NOW=$NOW
G="$EXPECTED/health"

# health_root FIXTURE DIR: a private copy with its timer stamps dated (the
# test bodies share one scratch dir: DIR and the state dir st start afresh)
health_root() {
	rm -rf "$2" st prof && cp -a "$FIX/$1" "$2" &&
	case $1 in
	health-vps)
		touch -d "@$((NOW - 86400))" "$2/var/lib/systemd/timers/stamp-vpstune-health.timer" &&
		touch -d "@$((NOW - 20 * 86400))" "$2/var/lib/systemd/timers/stamp-vpstune-scrub.timer" ;;
	health-newer)
		touch -d "@$((NOW - 80 * 86400))" "$2/var/lib/systemd/timers/stamp-vpstune-scrub.timer" ;;
	esac
}

for fx in health-vps health-newer; do
	for fmt in text json nagios prometheus; do
		case $fmt in text) ext=txt ;; json) ext=json ;; nagios) ext=nagios ;; prometheus) ext=prom ;; esac
		case $fx:$fmt in health-newer:nagios) code=2 ;; *) code=1 ;; esac
		test_expect_success "$fx: $fmt output matches the golden file (exit $code)" "
			health_root $fx r-$fx-$fmt &&
			test_expect_code $code vpstune --root r-$fx-$fmt --state-dir st-$fx-$fmt health --format $fmt >out &&
			test_cmp \"$G/$fx.$ext\" out
		"
	done
done

test_expect_success 'the JSON has schema_version and every field of every check' '
	health_root health-vps r &&
	test_expect_code 1 vpstune --root r --state-dir st health --json >out.json &&
	jq -e ".schema_version == 1 and (.checks | length) > 10" out.json &&
	jq -e "[.checks[] | has(\"id\",\"target\",\"status\",\"value\",\"unit\",\"warn\",\"crit\",\"summary\",\"remedy\",\"evidence\")] | all" out.json &&
	jq -e "[.checks[].status] - [\"ok\",\"warning\",\"critical\",\"unknown\",\"unsupported\"] == []" out.json
'

test_expect_success 'a btrfs mounted three times (subvolumes, a bind mount) is one fs.space line' '
	health_root health-newer r &&
	test_expect_code 1 vpstune --root r --state-dir st health --only fs.space --json >out.json &&
	jq -e "[.checks[] | select(.id == \"fs.space\")] | length == 1" out.json &&
	jq -e ".checks[0].target == \"/\"" out.json
'

test_expect_success 'device errors: recorded ones warn, an increase is critical, --ack returns it to warning' '
	health_root health-newer r &&
	test_expect_code 1 vpstune --root r --state-dir st health --only btrfs.device_errors --format nagios >out1 &&
	grep -q "^VPSTUNE HEALTH WARNING - btrfs.device_errors" out1 &&
	E=r/sys/fs/btrfs/7d0c2c4e-3b1a-4f43-9a55-0e6f1c2b9d11/devinfo/1/error_stats &&
	sed -i "s/corruption_errs 3/corruption_errs 5/; s/read_errs 0/read_errs 1/" $E &&
	test_expect_code 2 vpstune --root r --state-dir st health --only btrfs.device_errors --format nagios >out2 &&
	grep -q "^VPSTUNE HEALTH CRITICAL - btrfs.device_errors /: 3 new device errors" out2 &&
	test_expect_code 1 vpstune --root r --state-dir st health --only btrfs.device_errors >out3 &&
	grep -q "read_errs 0 -> 1, corruption_errs 3 -> 5" out3 &&
	test_expect_code 1 vpstune --root r --state-dir st health --ack btrfs.device_errors --only btrfs.device_errors >out4 &&
	grep -q "^warning *btrfs.device_errors" out4 &&
	test_expect_code 1 vpstune --root r --state-dir st health --only btrfs.device_errors >out5 &&
	grep -q "^warning .*6 device errors recorded, none new" out5
'

test_expect_success 'device counters reset with btrfs device stats -z become the new baseline' '
	health_root health-newer r &&
	test_expect_code 1 vpstune --root r --state-dir st health --only btrfs.device_errors >/dev/null &&
	E=r/sys/fs/btrfs/7d0c2c4e-3b1a-4f43-9a55-0e6f1c2b9d11/devinfo/1/error_stats &&
	sed -i "s/corruption_errs 3/corruption_errs 0/" $E &&
	vpstune --root r --state-dir st health --only btrfs.device_errors >out &&
	grep -q "^ok .*no device errors" out
'

test_expect_success 'cpu.steal: the second run measures since the first' '
	health_root health-vps r &&
	vpstune --root r --state-dir st health --only cpu.steal >out1 &&
	grep -q "since boot" out1 &&
	sed -i "1s/.*/cpu  1100000 2000 310000 8050000 50000 0 10000 460000 0 0/" r/proc/stat &&
	test_expect_code 1 vpstune --root r --state-dir st health --only cpu.steal --json >out2.json &&
	jq -e ".checks[0].status == \"critical\" and (.checks[0].value | floor) == 27" out2.json &&
	jq -e ".checks[0].summary | test(\"since the last run\")" out2.json
'

test_expect_success 'scrub: a running scrub is not a completed one' '
	health_root health-vps r &&
	S=r/var/lib/btrfs/scrub.status.5f3c9a2e-8b41-4d7a-9c6e-2a1b7d4e8f90 &&
	sed -i "s/finished:1/finished:0/" $S &&
	test_expect_code 1 vpstune --root r --state-dir st health --only btrfs.scrub >out &&
	grep -q "^warning .*is running or was interrupted" out
'

test_expect_success 'scrub: no status file is "never scrubbed", a warning with the command' '
	health_root health-vps r &&
	rm r/var/lib/btrfs/scrub.status.* &&
	test_expect_code 1 vpstune --root r --state-dir st health --only btrfs.scrub >out &&
	grep -q "^warning .*never scrubbed" out &&
	grep -q "btrfs scrub start -B -c 3 /" out
'

test_expect_success '[health] in a profile changes thresholds and skips checks' '
	health_root health-vps r &&
	mkdir -p prof &&
	printf "[main]\ninclude=vps-dev\n\n[health]\nbtrfs.unallocated.warn = 1G\nbtrfs.unallocated.warn_percent = 1%%\nbtrfs.unallocated.crit_percent = 0.5\nskip = smart, journal\n" >prof/vpstune.conf &&
	test_expect_code 1 vpstune --root r --state-dir st health -p "$PWD/prof/vpstune.conf" --json >out.json &&
	jq -e "[.checks[] | select(.id == \"btrfs.unallocated\")][0].status == \"ok\"" out.json &&
	jq -e "[.checks[] | select(.id == \"smart\" or .id == \"journal\")] | length == 0" out.json
'

test_expect_success '[health] with an unknown key is an error naming the file and line' '
	health_root health-vps r &&
	mkdir -p prof &&
	printf "[main]\ninclude=vps-dev\n[health]\nfs.space.warn = 80\nfs.spcae.crit = 90\n" >prof/vpstune.conf &&
	test_expect_code 2 vpstune --root r --state-dir st health -p "$PWD/prof/vpstune.conf" 2>err &&
	grep -q "vpstune.conf:5: \[health\] unknown key .fs.spcae.crit." err
'

test_expect_success '[health] with a percentage over 100 is refused' '
	health_root health-vps r &&
	mkdir -p prof &&
	printf "[main]\ninclude=vps-dev\n[health]\nfs.space.crit = 120\n" >prof/vpstune.conf &&
	test_expect_code 2 vpstune --root r --state-dir st health -p "$PWD/prof/vpstune.conf" 2>err &&
	grep -q "vpstune.conf:4: .*not a valid percentage" err
'

test_expect_success 'a [health] section adds no plan warning' '
	mkdir -p prof &&
	printf "[main]\ninclude=vps-dev\n[health]\nfs.space.warn = 80\n" >prof/vpstune.conf &&
	vpstune --root "$FIX/seed-vps" plan -p "$PWD/prof/vpstune.conf" --json >plan.json 2>err; true &&
	! grep -q "health" err &&
	jq -e "[.warnings[]? | select(test(\"health\"))] | length == 0" plan.json
'

test_expect_success '--only runs only the named checks; an unknown name is a usage error' '
	health_root health-vps r &&
	vpstune --root r --state-dir st health --only zram,psi --json >out.json; true &&
	jq -e "[.checks[].id] | unique == [\"psi\",\"zram\"]" out.json &&
	test_expect_code 2 vpstune --root r --state-dir st health --only zram,nosuch 2>err &&
	grep -q "no check named .nosuch." err &&
	test_expect_code 2 vpstune --root r --state-dir st health --ack nosuch 2>err2 &&
	grep -q "no check named .nosuch." err2
'

test_expect_success 'nagios: a check asked for by name that cannot be determined is UNKNOWN (3), still one line' '
	health_root health-vps r &&
	test_expect_code 3 vpstune --root r --state-dir st health --only journal --format nagios >out &&
	test $(wc -l <out) = 1 &&
	grep -q "^VPSTUNE HEALTH UNKNOWN - " out &&
	test_expect_code 3 vpstune --root r --state-dir st health --only journal
'

test_expect_success 'nagios: a bad profile still gives exit 3' '
	test_expect_code 3 vpstune --root "$FIX/health-vps" --state-dir st health -p nosuchprofile --format nagios 2>err
'

test_expect_success '-o writes the textfile atomically and leaves no temporary file' '
	health_root health-vps r &&
	mkdir -p textfile &&
	test_expect_code 1 vpstune --root r --state-dir st health --format prometheus -o textfile/vpstune.prom &&
	grep -q "^vpstune_health_last_run_timestamp_seconds $NOW$" textfile/vpstune.prom &&
	test "$(ls -A textfile)" = vpstune.prom
'

test_expect_success 'the state file is private (0600 in a 0700 directory)' '
	health_root health-vps r &&
	test_expect_code 1 vpstune --root r --state-dir st health >/dev/null &&
	test "$(stat -c %a st)" = 700 &&
	test "$(stat -c %a st/health.json)" = 600
'

test_expect_success 'a corrupt state file is a fresh baseline, not a crash' '
	health_root health-newer r &&
	mkdir -m 700 st && printf "{garbage" >st/health.json &&
	test_expect_code 1 vpstune --root r --state-dir st health --only btrfs.device_errors --json >out.json &&
	jq -e ".checks[0].status == \"warning\"" out.json &&
	jq -e ".warnings[0] | test(\"unreadable\")" out.json
'

test_expect_success 'the prometheus output passes promtool check metrics' '
	for fx in health-vps health-newer; do
		health_root $fx r-$fx &&
		{ vpstune --root r-$fx --state-dir st-$fx health --format prometheus >$fx.prom; true; } &&
		promtool check metrics <$fx.prom || return 1
	done
'

test_expect_success 'no metric duplicates what node_exporter exports (node_*, filesystem, pressure, steal)' '
	health_root health-vps r &&
	{ vpstune --root r --state-dir st health --format prometheus >m.prom; true; } &&
	! grep -E "^[a-z]" m.prom | grep -vE "^vpstune_" &&
	! grep -E "^vpstune_(filesystem|pressure|cpu|btrfs_device|btrfs_allocation|btrfs_size)" m.prom
'

test_expect_success 'help lists every check' '
	vpstune health --help >out &&
	for c in fs.space btrfs.unallocated btrfs.metadata btrfs.device_errors btrfs.scrub btrfs.balance_need \
		btrfs.compression zram psi cpu.steal smart journal tuning.drift maintenance.timers snapshots; do
		grep -q "^  $c " out || { echo "missing $c"; return 1; }
	done
'

test_done
