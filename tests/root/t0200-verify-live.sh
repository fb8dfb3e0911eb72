#!/bin/sh
# verify on the live machine: the current values it reports are the ones
# the kernel shows (read here with cat), and the container driver it reads
# from the store is the one podman itself reports.
. "$SRCDIR/tests/lib.sh"

test_expect_success 'verify -p vps-dev answers (0 or 1) with valid JSON' '
	vpstune verify -p vps-dev --format json >v.json; rc=$?; test $rc -le 1 &&
	jq -e ".items | length > 0" v.json >/dev/null &&
	test "$(jq "[.items[].status | select(. != \"ok\" and . != \"drift\" and . != \"absent\" and . != \"unsupported\" and . != \"error\")] | length" v.json)" = 0
'

cur() { jq -r ".items[] | select(.knob == \"$1\") | .current" v.json; }

test_expect_success 'sysctl values are the kernel'"'"'s' '
	for k in swappiness vfs_cache_pressure dirty_ratio dirty_background_ratio; do
		test "$(cur sysctl:vm.$k)" = "$(cat /proc/sys/vm/$k)" || { echo "vm.$k"; exit 1; }
	done
'

test_expect_success 'each real disk: scheduler and read-ahead as sysfs shows them' '
	n=0
	for d in $(jq -r ".items[] | select(.knob | test(\"^block:[^:]+:scheduler$\")) | .knob" v.json | cut -d: -f2); do
		act=$(sed -n "s/.*\[\(.*\)\].*/\1/p" /sys/block/$d/queue/scheduler)
		test "$(cur block:$d:scheduler)" = "${act:-none}" || { echo "$d scheduler"; exit 1; }
		test "$(cur block:$d:read_ahead_kb)" = "$(cat /sys/block/$d/queue/read_ahead_kb)" || { echo "$d ra"; exit 1; }
		n=$((n + 1))
	done; test $n -ge 1
'

test_expect_success 'zram0 size and algorithm as sysfs shows them' '
	if [ -e /sys/block/zram0 ]; then
		test "$(cur zram:zram0:disksize)" = "$(cat /sys/block/zram0/disksize)" &&
		test "$(cur zram:zram0:comp_algorithm)" = "$(sed -n "s/.*\[\(.*\)\].*/\1/p" /sys/block/zram0/comp_algorithm)"
	fi
'

test_expect_success 'the container driver read from the store is what podman info says' '
	if command -v podman >/dev/null && [ -d /var/lib/containers/storage ] &&
	   [ "$(jq -r ".items[] | select(.knob == \"containers:driver\") | .status" v.json)" != absent ]; then
		p=$(podman info --format "{{.Store.GraphDriverName}}" 2>/dev/null) &&
		test "$(cur containers:driver)" = "$p"
	else
		echo "# no podman store here: nothing to compare"
	fi
'

test_expect_success 'verify --format nagios on the live machine: one line, plugin exit code' '
	vpstune verify -p vps-dev --format nagios >n; rc=$?;
	test "$(wc -l <n)" = 1 && case $rc in 0|1|3) ;; *) false ;; esac
'

test_done
