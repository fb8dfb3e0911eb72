#!/bin/sh
# Runs the meson test suite of build dir $1 and prints the closing line
# "N passed, N failed[, N skipped]" counting every TAP subtest (a shell test
# file or cmocka group counts as many tests as it checks behaviours).
# Exit status: 0 when nothing failed.
set -u
b=${1:-build}
shift || true
meson test -C "$b" --print-errorlogs --num-processes 2 "$@" >"$b/test-output.txt" 2>&1
rc=$?
tail -n 25 "$b/test-output.txt"
python3 - "$b/meson-logs/testlog.json" "$rc" <<'PY'
import json, re, sys
passed = failed = skipped = 0
try:
    lines = open(sys.argv[1]).read().splitlines()
except OSError:
    lines = []
for line in lines:
    if not line.strip():
        continue
    t = json.loads(line)
    out = t.get("stdout") or ""
    res = t.get("result")
    tap = [l for l in out.splitlines() if re.match(r"^(not )?ok\b", l)]
    if tap:
        for l in tap:
            if re.search(r"#\s*skip", l, re.I):
                skipped += 1
            elif l.startswith("not ok"):
                if re.search(r"#\s*todo", l, re.I):
                    continue
                failed += 1
            else:
                passed += 1
        # A TAP test that crashed after its last "ok" still failed.
        if res not in ("OK", "EXPECTEDFAIL", "SKIP") and not any(l.startswith("not ok") for l in tap):
            failed += 1
    elif res in ("OK", "EXPECTEDFAIL"):
        passed += 1
    elif res == "SKIP":
        skipped += 1
    else:
        failed += 1
if not lines and sys.argv[2] != "0":
    failed += 1
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
sys.exit(1 if failed or sys.argv[2] != "0" else 0)
PY
