#!/bin/sh
# generate prometheus-rules and generate grafana, checked by Prometheus's
# own promtool: the rules load, each alert fires on series that should make
# it fire and stays quiet on series that should not (promtool test rules),
# every dashboard expression parses, and every vpstune_* series they use is
# one that vpstune really writes.
. "$SRCDIR/tests/lib.sh"

command -v promtool >/dev/null 2>&1 || { echo "1..0 # SKIP promtool not installed (scripts/deps.sh check)"; exit 0; }
SEED="$FIX/seed-vps"
ALERTS="VpstuneTuningDrift VpstuneVerifyFailed VpstuneHealthCritical VpstuneScrubOverdue VpstuneTextfileStale BtrfsDeviceErrors MemoryStall"

test_expect_success 'generate prometheus-rules: promtool check rules loads every alert' '
	vpstune --root "$SEED" generate prometheus-rules >vpstune.rules.yml &&
	promtool check rules vpstune.rules.yml >out 2>&1 &&
	cat out &&
	grep -q "SUCCESS: 7 rules found" out &&
	for a in $ALERTS; do grep -q "^      - alert: $a\$" vpstune.rules.yml || exit 1; done
'

# One test group per alert: instance "a" has series that must fire it,
# instance "b" series that must not (for health: unknown, 3, is not
# critical), and an earlier evaluation (before
# "for:" has passed, or before the condition holds) expects nothing. The
# expected annotations are the rule's own templates rendered for "a".
test_expect_success 'promtool test rules: each alert fires for a, never for b' '
	vpstune --root "$SEED" generate prometheus-rules >vpstune.rules.yml &&
	python3 - vpstune.rules.yml >tests.yml <<-\PY &&
	import json, re, sys
	import yaml
	rules = {r["alert"]: r for r in yaml.safe_load(open(sys.argv[1]))["groups"][0]["rules"]}
	H, D = 3600, 86400
	def render(tmpl, labels, value):
	    tmpl = re.sub(r"\{\{ \$labels\.(\w+) \}\}", lambda m: labels[m.group(1)], tmpl)
	    tmpl = tmpl.replace("{{ $value | humanizePercentage }}", "%.4g%%" % (value * 100))
	    return tmpl.replace("{{ $value }}", "%g" % value)
	# alert: (interval, [(series, values)], (labels of a, value), firing eval time, quiet eval time)
	cases = {
	  "VpstuneTuningDrift": ("1m", [("vpstune_items{status=\"drift\",instance=\"a\"}", "3x240"),
	                                ("vpstune_items{status=\"drift\",instance=\"b\"}", "0x240")],
	                         ({"status": "drift", "instance": "a"}, 3), "3h", "1h"),
	  "VpstuneVerifyFailed": ("1m", [("vpstune_verify_success{instance=\"a\"}", "0x180"),
	                                 ("vpstune_verify_success{instance=\"b\"}", "1x180")],
	                          ({"instance": "a"}, 0), "2h", "30m"),
	  "VpstuneHealthCritical": ("1m", [("vpstune_health_check_status{check=\"btrfs.unallocated\",target=\"/\",instance=\"a\"}", "2x60"),
	                                   ("vpstune_health_check_status{check=\"btrfs.unallocated\",target=\"/\",instance=\"b\"}", "3x60")],
	                            ({"check": "btrfs.unallocated", "target": "/", "instance": "a"}, 2), "30m", "10m"),
	  # Old timestamps are negative (before the epoch of the test), so the test
	  # needs only two hours of evaluations, not 36 days.
	  "VpstuneScrubOverdue": ("1m", [("vpstune_btrfs_scrub_last_completion_timestamp_seconds{mountpoint=\"/\",instance=\"a\"}", "%dx180" % (-36 * D)),
	                                 ("vpstune_btrfs_scrub_last_completion_timestamp_seconds{mountpoint=\"/\",instance=\"b\"}", "%dx180" % (-34 * D))],
	                          ({"mountpoint": "/", "instance": "a"}, 36 * D + 2 * H), "2h", "30m"),
	  "VpstuneTextfileStale": ("1m", [("vpstune_verify_last_run_timestamp_seconds{instance=\"a\"}", "%dx180" % (-3 * D)),
	                                  ("vpstune_verify_last_run_timestamp_seconds{instance=\"b\"}", "0+60x180")],
	                           ({"instance": "a"}, 3 * D + 2 * H), "2h", "30m"),
	  "BtrfsDeviceErrors": ("1m", [("node_btrfs_device_errors_total{device=\"loop0\",type=\"corruption\",uuid=\"u1\",instance=\"a\"}", "0 0 0 5 5 5 5 5 5 5"),
	                               ("node_btrfs_device_errors_total{device=\"loop0\",type=\"corruption\",uuid=\"u1\",instance=\"b\"}", "7x9")],
	                        ({"device": "loop0", "type": "corruption", "uuid": "u1", "instance": "a"}, None), "6m", "2m"),
	  "MemoryStall": ("1m", [("node_pressure_memory_stalled_seconds_total{instance=\"a\"}", "0+6x100"),
	                         ("node_pressure_memory_stalled_seconds_total{instance=\"b\"}", "0+1x100")],
	                  ({"instance": "a"}, 0.1), "30m", "10m"),
	}
	assert set(cases) == set(rules), "a rule without a test case (or the reverse): %s" % (set(cases) ^ set(rules))
	tests = []
	for name, (interval, series, (labels, value), fire, quiet) in cases.items():
	    r = rules[name]
	    exp_labels = dict(labels, **r.get("labels", {}))
	    ann = {k: render(v, labels, value) for k, v in r["annotations"].items()} if value is not None else None
	    exp = {"exp_labels": exp_labels}
	    if ann is not None:
	        exp["exp_annotations"] = ann
	    else:
	        exp["exp_annotations"] = {k: render(v, labels, 0) for k, v in r["annotations"].items()}
	    tests.append({"interval": interval,
	                  "input_series": [{"series": s, "values": v} for s, v in series],
	                  "alert_rule_test": [{"eval_time": fire, "alertname": name, "exp_alerts": [exp]},
	                                      {"eval_time": quiet, "alertname": name, "exp_alerts": []}]})
	print(json.dumps({"rule_files": ["vpstune.rules.yml"], "evaluation_interval": "1m", "tests": tests}, indent=1))
	PY
	promtool test rules tests.yml >out 2>&1;
	rc=$?; cat out; test $rc -eq 0 && grep -q SUCCESS out
'

test_expect_success 'generate grafana: a dashboard whose every expression parses (promtool)' '
	vpstune --root "$SEED" generate grafana >dash.json &&
	python3 - dash.json >rec.yml <<-\PY &&
	import json, sys
	d = json.load(open(sys.argv[1]))
	assert d["title"] == "vpstune" and d["panels"], "no panels"
	exprs = [t["expr"] for p in d["panels"] for t in p["targets"]]
	assert len(exprs) == len(d["panels"]) >= 8, exprs
	rules = [{"record": "vpstune_dashboard:expr%d" % i, "expr": e.replace("$instance", ".*")} for i, e in enumerate(exprs)]
	print(json.dumps({"groups": [{"name": "dashboard", "rules": rules}]}))
	PY
	promtool check rules rec.yml >out 2>&1 &&
	cat out && grep -q "SUCCESS: [0-9]* rules found" out
'

test_expect_success 'a broken expression is caught (the check above can fail)' '
	printf "%s\n" "{\"groups\":[{\"name\":\"x\",\"rules\":[{\"record\":\"a:b\",\"expr\":\"rate(vpstune_items[5m]\"}]}]}" >bad.yml &&
	test_must_fail promtool check rules bad.yml
'

# Series the rules and the dashboard read from vpstune's textfiles must be
# series vpstune writes. verify is always built; health and bench are
# checked once they produce Prometheus output.
test_expect_success 'every vpstune_* series used is written by vpstune verify, health or bench' '
	vpstune --root "$SEED" generate prometheus-rules >rules.yml &&
	vpstune --root "$SEED" generate grafana >dash.json &&
	cat rules.yml dash.json | grep -o "vpstune_[a-z_]*" | grep -v "^vpstune_dashboard" | sort -u >used &&
	{ vpstune --root "$SEED" verify --format prometheus >prom 2>/dev/null; true; } &&
	for r in "$SEED" "$FIX"/health-*; do
		{ vpstune --root "$r" --state-dir "$TEST_TMP/hs" health --format prometheus >>prom 2>/dev/null; true; }
	done &&
	grep -o "^vpstune_[a-z_]*" prom | sort -u >written &&
	grep -q vpstune_items written &&
	missing=$(comm -23 used written) &&
	for m in $missing; do
		case "$m" in
		vpstune_health_*|vpstune_btrfs_*|vpstune_zram_*)
			vpstune health --help >/dev/null 2>&1 || continue ;;
		vpstune_bench_*)
			vpstune bench --help >/dev/null 2>&1 || continue
			grep -rq "$m" "$SRCDIR/src/bench" 2>/dev/null && continue ;;
		esac
		echo "used but never written: $m"; exit 1
	done
'

# node_exporter as Debian ships it, on 127.0.0.1 only, reading verify's
# textfile the way the generated units write it.
NE=$(command -v prometheus-node-exporter || true)
if [ -n "$NE" ] && command -v curl >/dev/null 2>&1; then
	PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	mkdir -p "$TEST_TMP/textfile"
	(cd "$FIX" && "$VPSTUNE" --root seed-vps verify --format prometheus -o "$TEST_TMP/textfile/vpstune.prom") >/dev/null 2>&1
	"$NE" --web.listen-address="127.0.0.1:$PORT" --collector.disable-defaults --collector.textfile \
		--collector.textfile.directory="$TEST_TMP/textfile" >"$TEST_TMP/ne.log" 2>&1 &
	NE_PID=$!
	test_cleanup "kill $NE_PID"
	scrape() { curl -sf "http://127.0.0.1:$PORT/metrics"; }
	i=0; until scrape >/dev/null 2>&1 || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done

	test_expect_success 'node_exporter exposes the vpstune_* series of the verify textfile' '
		scrape >m &&
		grep -q "^vpstune_items{status=\"drift\"} " m &&
		grep -q "^vpstune_verify_success 1" m &&
		grep -q "^vpstune_info{profile=\"vps-dev\",version=" m &&
		grep -q "^node_textfile_scrape_error 0" m
	'

	test_expect_success 'a corrupted textfile makes node_textfile_scrape_error 1' '
		printf "vpstune_items{status=\"drift\" 3\n" >"$TEST_TMP/textfile/broken.prom" &&
		scrape >m &&
		rm -f "$TEST_TMP/textfile/broken.prom" &&
		grep -q "^node_textfile_scrape_error 1" m
	'
else
	test_skip 'node_exporter exposes the vpstune_* series of the verify textfile' 'prometheus-node-exporter or curl not installed'
fi

test_done
