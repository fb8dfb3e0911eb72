#!/bin/sh
# vpstune bench without root: options, the workload list, the JSON schema
# scripts rely on, --save/--compare (fingerprints, Mann-Whitney U, exit 1 on
# a regression), the HTML report (self-contained, JSON embedded, readable by
# --compare) and Prometheus lines. Short runs of cheap workloads in $TEST_TMP.
. "$SRCDIR/tests/lib.sh"

B="$TEST_TMP/corpus"
mkdir -p "$B"

test_expect_success 'bench --help names its usage and options' '
	vpstune bench --help >out &&
	grep -q "^Usage: vpstune bench" out &&
	for o in --list --dir --scratch --runs --time --quick --ab --save --compare --report --json --format; do
		grep -q -- "$o" out || { echo "no $o"; exit 1; }
	done
'

test_expect_success '--list names every workload with what it stands for' '
	vpstune bench --list >out &&
	for w in traverse git-status git-status-cold git-checkout untar fsync sqlite seqread seqwrite \
		randread-qd1 randread-qd16 mixed-p99 space podman-build nix-build; do
		grep -Eq "^$w +[^ ]+ +(lower|higher) " out || { echo "no $w"; exit 1; }
	done
'

test_expect_success 'an unknown workload is a usage error' '
	test_expect_code 2 vpstune bench frobnicate --dir "$B" 2>err &&
	grep -q "^vpstune: bench: unknown workload .frobnicate." err
'

test_expect_success '--ab needs KNOB=A,B' '
	test_expect_code 2 vpstune bench --ab sysctl:vm.swappiness=60 --dir "$B" 2>err &&
	grep -q "expected KNOB=A,B" err
'

test_expect_success '--ab refuses containers:driver and says why' '
	test_expect_code 2 vpstune bench --ab containers:driver=overlay,btrfs --dir "$B" 2>err &&
	grep -q "store reset" err
'

test_expect_success '--ab refuses an unknown knob' '
	test_expect_code 2 vpstune bench --ab nosuch:x=1,2 --dir "$B" 2>err &&
	grep -q "not a knob ID" err
'

test_expect_success 'bad --runs, --time, --format, --scratch are usage errors' '
	test_expect_code 2 vpstune bench --runs 1 --dir "$B" 2>err &&
	test_expect_code 2 vpstune bench --time x --dir "$B" 2>>err &&
	test_expect_code 2 vpstune bench --format yaml --dir "$B" 2>>err &&
	test_expect_code 2 vpstune bench --scratch 1M --dir "$B" 2>>err &&
	test $(wc -l <err) -eq 4
'

test_expect_success 'bench refuses --root (it measures the running machine)' '
	test_expect_code 2 vpstune --root "$FIX/seed-vps" bench --dir "$B" 2>err &&
	grep -q "running machine" err
'

test_expect_success 'a short run writes the JSON document of the man page' '
	vpstune bench fsync space --quick --runs 5 --dir "$B" --save run1.json --json >out.json &&
	jq -e ".schema_version == 1 and (.host | type == \"object\") and (.settings | type == \"object\")" out.json &&
	jq -e ".host.kernel and .host.cpus and .host.fs_type and .host.mount_options and (.host.knobs | type == \"object\")" out.json &&
	jq -e "[.workloads[].id] == [\"fsync\", \"space\"]" out.json &&
	jq -e ".workloads[0] | .unit == \"ops/s\" and .better == \"higher\" and (.corpus.sha256 | length == 64) and (.samples | length == 5)" out.json &&
	jq -e ".workloads[0].stats | [.n, .median, .mean, .stddev, .mad, .min, .max, .p10, .p90, .cv] | length == 10 and all(. != null)" out.json &&
	jq -e ".workloads[0].samples[0] | has(\"wall_s\") and has(\"user_s\") and has(\"sys_s\") and has(\"maxrss_kb\") and has(\"majflt\") and has(\"read_bytes\") and has(\"write_bytes\") and has(\"steal\") and has(\"psi_cpu_some\") and has(\"noisy\")" out.json &&
	jq -e ".workloads[0].stats.n == 5 and .workloads[0].stats.min <= .workloads[0].stats.median and .workloads[0].stats.median <= .workloads[0].stats.max" out.json &&
	jq -e ".comparisons == []" out.json &&
	jq -e ".workloads[0].samples | all(.value > 0)" out.json &&
	test -s run1.json
'

test_expect_success 'the corpus is the same bytes every time (sha256 recorded)' '
	jq -r ".workloads[0].corpus.sha256" out.json >sha1 &&
	rm -rf "$B"/vpstune-bench-1-quick &&
	vpstune bench space --quick --dir "$B" --json >again.json &&
	jq -r ".workloads[0].corpus.sha256" again.json >sha2 &&
	test_cmp sha1 sha2 &&
	jq -e ".settings.corpus_generated == true" again.json
'

# Two real runs of the same workload may differ enough on a busy machine to
# give a "regressed" verdict (exit 1): these tests check the document, not
# the verdict, so they accept 0 and 1 (the verdict tests above and below
# use doctored inputs whose outcome is certain).
bench_doc() { vpstune "$@"; [ $? -le 1 ]; }

test_expect_success '--compare with a saved run: unpaired Mann-Whitney U, comparable' '
	bench_doc bench fsync --quick --runs 5 --dir "$B" --compare run1.json --json >cmp.json &&
	jq -e ".compare.comparable == true and .compare.file == \"run1.json\"" cmp.json &&
	jq -e ".comparisons[0] | .workload == \"fsync\" and .test == \"mann-whitney-u\" and (.ci | length == 2) and (.p_value >= 0) and (.verdict | IN(\"improved\", \"regressed\", \"no-change\", \"inconclusive\")) and .claim.row == \"General I/O\"" cmp.json
'

test_expect_success '--compare: a much better old run makes a regression, exit 1' '
	jq "(.workloads[] | select(.id == \"fsync\") | .samples[].value) |= . * 20" run1.json >fast.json &&
	test_expect_code 1 vpstune bench fsync --quick --runs 5 --dir "$B" --compare fast.json --json >reg.json &&
	jq -e ".comparisons[0].verdict == \"regressed\" and .comparisons[0].ratio < 0.2" reg.json &&
	jq -e ".comparisons[0].claim.status == \"contradicted\"" reg.json
'

test_expect_success '--compare: another host fingerprint is "comparable": false with what differs' '
	jq ".host.kernel = \"0.0-other\"" run1.json >other.json &&
	bench_doc bench fsync --quick --runs 5 --dir "$B" --compare other.json --json >oth.json 2>err &&
	jq -e ".compare.comparable == false" oth.json &&
	jq -e ".compare.differs | any(startswith(\"kernel\"))" oth.json &&
	grep -q "comparable.: false" err
'

test_expect_success '--compare refuses a file that is no bench result' '
	echo "{}" >bogus.json &&
	test_expect_code 2 vpstune bench fsync --quick --runs 5 --dir "$B" --compare bogus.json 2>err &&
	grep -q "not a vpstune bench result" err
'

test_expect_success '--report is self-contained HTML with the JSON embedded' '
	bench_doc bench fsync --quick --runs 5 --dir "$B" --compare run1.json --report r.html >/dev/null &&
	grep -q "<svg" r.html &&
	! grep -qi "<script" r.html &&
	! grep -Eqi "(src|href)=\"?(https?:)?//" r.html &&
	! grep -Eqi "https?://" r.html &&
	grep -q "vpstune-bench-json" r.html &&
	grep -q "mann-whitney-u" r.html
'

test_expect_success 'the report itself can be given to --compare' '
	bench_doc bench fsync --quick --runs 5 --dir "$B" --compare r.html --json >fromhtml.json &&
	jq -e ".compare.comparable == true and (.comparisons | length == 1)" fromhtml.json
'

test_expect_success '--format prometheus writes textfile-collector lines' '
	bench_doc bench fsync --quick --runs 5 --dir "$B" --compare run1.json --format prometheus >prom &&
	grep -Eq "^vpstune_bench_ratio\{workload=\"fsync\",variant=\"compare\"\} [0-9.e+-]+$" prom &&
	grep -Eq "^vpstune_bench_median\{workload=\"fsync\"," prom &&
	grep -q "^# TYPE vpstune_bench_ratio gauge" prom
'

test_expect_success 'text output has the stats table and the verdict table' '
	bench_doc bench fsync --quick --runs 5 --dir "$B" --compare run1.json >txt &&
	grep -Eq "^fsync +ops/s +5 " txt &&
	grep -q "^WORKLOAD .*VERDICT" txt
'

test_done
