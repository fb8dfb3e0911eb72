#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/detect.sh: how fast and how small `vpstune detect --json` is, next to
# `lscpu -J` (which reads less: CPUs only). Runs them pair by pair,
# alternating (A B A B ...) so that drift in machine load hits both, and
# prints the median of the per-pair time ratios and vpstune's peak RSS.
#
# A benchmark, not a test: it prints a verdict against the targets
# (ratio <= 1.0, RSS <= 4 MiB) and exits 0 either way (2 on usage errors,
# 1 when a command cannot run at all).

set -euo pipefail

usage() {
	cat <<'EOF'
Usage: bench/detect.sh [-n PAIRS] [-- VPSTUNE-GLOBAL-OPTIONS...]

Times `vpstune detect --json` against `lscpu -J`, PAIRS times each
(default 50), alternating, and reports:
  detect/lscpu median ratio: R (vpstune X ms, lscpu Y ms)
  vpstune peak RSS: Z MiB
with a verdict against the targets: ratio <= 1.0, RSS <= 4 MiB.

Options after -- go before `detect`, e.g. `-- --root tests/fixtures/seed-vps`.

Environment:
  VPSTUNE   the binary (default: ./build/vpstune)
  PAIRS     same as -n
EOF
}

pairs=${PAIRS:-50}
while [ $# -gt 0 ]; do
	case $1 in
	-h|--help) usage; exit 0 ;;
	-n) [ $# -ge 2 ] || { usage >&2; exit 2; }; pairs=$2; shift 2 ;;
	-n*) pairs=${1#-n}; shift ;;
	--) shift; break ;;
	*) echo "bench/detect.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
	esac
done
case $pairs in ''|*[!0-9]*|0) echo "bench/detect.sh: PAIRS must be a positive integer" >&2; exit 2 ;; esac

VPSTUNE=${VPSTUNE:-./build/vpstune}
A=("$VPSTUNE" "$@" detect --json)
B=(lscpu -J)

for cmd in "${A[0]}" "${B[0]}"; do
	command -v "$cmd" >/dev/null 2>&1 || { echo "bench/detect.sh: $cmd: not found" >&2; exit 1; }
done
# Both must work before we time them.
"${A[@]}" >/dev/null || { echo "bench/detect.sh: '${A[*]}' failed" >&2; exit 1; }
"${B[@]}" >/dev/null || { echo "bench/detect.sh: '${B[*]}' failed" >&2; exit 1; }

# Microseconds since the epoch without forking (bash 5 EPOCHREALTIME; the
# decimal separator depends on the locale, so drop any non-digit).
if [ -n "${EPOCHREALTIME:-}" ]; then
	now_us() { local t=${EPOCHREALTIME//[!0-9]/}; echo "$t"; }
else
	now_us() { echo $(( $(date +%s%N) / 1000 )); }
fi

run_us() {
	local t0 t1
	t0=$(now_us)
	"$@" >/dev/null 2>&1
	t1=$(now_us)
	echo $((t1 - t0))
}

# warm-up (page cache, dentries)
for _ in 1 2 3; do "${A[@]}" >/dev/null 2>&1; "${B[@]}" >/dev/null 2>&1; done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-detect.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

for ((i = 0; i < pairs; i++)); do
	a=$(run_us "${A[@]}")
	b=$(run_us "${B[@]}")
	echo "$a $b" >>"$tmp/pairs"
done

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

ratio=$(awk '{ if ($2 > 0) printf "%.6f\n", $1 / $2 }' "$tmp/pairs" | median)
ma=$(awk '{ print $1 }' "$tmp/pairs" | median)
mb=$(awk '{ print $2 }' "$tmp/pairs" | median)

# Peak RSS (max over a few runs) from GNU time when it is there.
rss_kb=""
if [ -x /usr/bin/time ]; then
	for _ in 1 2 3 4 5; do
		/usr/bin/time -f '%M' -o "$tmp/rss" "${A[@]}" >/dev/null 2>&1 || true
		r=$(tail -n 1 "$tmp/rss" 2>/dev/null || true)
		case $r in ''|*[!0-9]*) ;; *) if [ -z "$rss_kb" ] || [ "$r" -gt "$rss_kb" ]; then rss_kb=$r; fi ;; esac
	done
fi

printf 'detect/lscpu median ratio: %.2f (vpstune %.1f ms, lscpu %.1f ms; %d pairs)\n' \
	"$ratio" "$(awk -v u="$ma" 'BEGIN { print u / 1000 }')" \
	"$(awk -v u="$mb" 'BEGIN { print u / 1000 }')" "$pairs"
if [ -n "$rss_kb" ]; then
	printf 'vpstune peak RSS: %.1f MiB\n' "$(awk -v k="$rss_kb" 'BEGIN { print k / 1024 }')"
else
	echo "vpstune peak RSS: unknown (install GNU time: apt-get install time)"
fi

verdict() { if [ "$1" = 1 ]; then echo "ok"; else echo "MISSED"; fi; }
ok_ratio=$(awk -v r="$ratio" 'BEGIN { print (r <= 1.0) ? 1 : 0 }')
echo "target ratio <= 1.0: $(verdict "$ok_ratio")"
if [ -n "$rss_kb" ]; then
	echo "target RSS <= 4 MiB: $(verdict "$([ "$rss_kb" -le 4096 ] && echo 1 || echo 0)")"
fi
exit 0
