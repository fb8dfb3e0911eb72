#!/bin/sh
# Runs each libFuzzer target in build dir $1 for $2 seconds, seeded from
# tests/fuzz/corpus/<target>/ when present. Fails on the first crash.
set -eu
b=$1; secs=${2:-10}
top=$(cd "$(dirname "$0")/.." && pwd)
status=0
for f in "$b"/tests/fuzz/fuzz-*; do
  [ -f "$f" ] && [ -x "$f" ] || continue
  name=$(basename "$f")
  work=$(mktemp -d)
  corpus="$top/tests/fuzz/corpus/${name#fuzz-}"
  set -- "$work"
  [ -d "$corpus" ] && set -- "$work" "$corpus"
  if "$f" -max_total_time="$secs" -rss_limit_mb=2048 -max_len=65536 -print_final_stats=0 "$@" >"$work.log" 2>&1; then
    echo "ok - $name ($secs s)"
  else
    echo "not ok - $name"; tail -n 40 "$work.log"; status=1
  fi
  rm -rf "$work" "$work.log"
done
exit $status
