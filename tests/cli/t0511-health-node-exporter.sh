#!/bin/sh
# The Prometheus textfile of vpstune health, read by its real consumer:
# prometheus-node-exporter's textfile collector on 127.0.0.1 exposes the
# vpstune_* series with node_textfile_scrape_error 0; a corrupted file in
# the same directory makes it 1. promtool lints the output.
. "$SRCDIR/tests/lib.sh"

NOW=1796140800
export VPSTUNE_NOW=$NOW
NE=$(command -v prometheus-node-exporter || command -v node_exporter) || {
	echo "1..0 # SKIP prometheus-node-exporter is not installed (scripts/deps.sh check installs it)"; exit 0; }

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
TF="$TEST_TMP/textfile"
mkdir -p "$TF"
"$NE" --web.listen-address="127.0.0.1:$PORT" --collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$TF" >"$TEST_TMP/ne.log" 2>&1 &
NE_PID=$!
test_cleanup "kill $NE_PID; wait $NE_PID"

scrape() {
	python3 - "$PORT" <<-'PY'
	import sys, time, urllib.request
	for _ in range(100):
	    try:
	        print(urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=5).read().decode())
	        sys.exit(0)
	    except OSError:
	        time.sleep(0.1)
	sys.exit(1)
	PY
}

test_expect_success 'the textfile written with -o passes promtool check metrics' '
	cp -a "$FIX/health-newer" r &&
	test_expect_code 1 vpstune --root r --state-dir st health --format prometheus -o "$TF/vpstune.prom" &&
	promtool check metrics <"$TF/vpstune.prom"
'

test_expect_success 'node_exporter exposes the vpstune series and no scrape error' '
	scrape >m &&
	grep -q "^vpstune_health_check_status{check=\"btrfs.scrub\",target=\"/\"} 2$" m &&
	grep -q "^vpstune_btrfs_unallocated_bytes{fs=\"7d0c2c4e-3b1a-4f43-9a55-0e6f1c2b9d11\",mountpoint=\"/\"} 4.6976204[0-9]*e+08$" m &&
	grep -q "^vpstune_btrfs_scrub_errors{.*type=\"uncorrectable\"} 2$" m &&
	grep -q "^vpstune_zram_compression_ratio{device=\"zram0\"} 1.1" m &&
	grep -q "^vpstune_health_last_run_timestamp_seconds 1.7961408e+09$" m &&
	grep -q "^node_textfile_scrape_error 0$" m
'

test_expect_success 'no vpstune series has a name node_exporter uses (node_*) or a duplicate family' '
	scrape >m &&
	! grep "^vpstune_" m | grep -q "^node_" &&
	grep "^# TYPE vpstune_" m | sort | uniq -d >dups && ! test -s dups
'

test_expect_success 'a corrupted textfile makes node_textfile_scrape_error 1' '
	printf "vpstune_broken{ 1\n" >"$TF/corrupt.prom" &&
	scrape >m &&
	grep -q "^node_textfile_scrape_error 1$" m &&
	rm "$TF/corrupt.prom" &&
	scrape >m2 &&
	grep -q "^node_textfile_scrape_error 0$" m2
'

test_done
