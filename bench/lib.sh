# SPDX-License-Identifier: MIT
# bench/lib.sh: shared by the bench/*.sh scripts.
#
# Every time is measured by bench-run (bench/run.c, built by meson into
# build/bench/): fork, exec, wait4(), CLOCK_MONOTONIC around them and the
# child's ru_maxrss; no shell clock is in the measurement.
#
# bench_run: the caller sets the arrays A (vpstune's command) and B (the
# peer's), LABEL ("detect/lscpu") and pairs. Runs them pair by pair,
# alternating (A B A B ...) so that drift in machine load hits both, and
# prints the median of the per-pair time ratios, both medians and A's peak
# RSS, with a verdict against the targets (ratio <= 1.0, RSS <= 4 MiB).
# Never fails on a missed target: a benchmark, not a test.

: "${BUILDDIR:=./build}"
BENCH_RUN=${BENCH_RUN:-$BUILDDIR/bench/bench-run}

bench_need_runner() {
	[ -x "$BENCH_RUN" ] || { echo "bench: $BENCH_RUN: not built (ninja -C $BUILDDIR)" >&2; exit 1; }
}

# Median of the numbers on stdin, one a line.
bench_median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# --root DIR for both sides: vpstune reads DIR as /, the peer (lscpu) its
# --sysroot DIR. Sets ROOT; the VPSTUNE-GLOBAL-OPTIONS after -- must not
# carry a --root of their own (it would apply to vpstune only).
bench_refuse_root_in() {
	for o in "$@"; do
		case $o in --root|--root=*)
			echo "bench: --root after -- would apply to vpstune only; give it before -- (both sides read it)" >&2
			exit 2 ;;
		esac
	done
}

bench_run() {
	bench_need_runner
	for cmd in "${A[0]}" "${B[0]}"; do
		command -v "$cmd" >/dev/null 2>&1 || { echo "bench: $cmd: not found" >&2; exit 1; }
	done
	# Both must work before we time them.
	# vpstune verify exits 1 on drift: an answer, not a failure.
	local rc=0
	"${A[@]}" >/dev/null 2>&1 || rc=$?
	[ $rc -le 1 ] || { echo "bench: '${A[*]}' failed (exit $rc)" >&2; exit 1; }
	"${B[@]}" >/dev/null || { echo "bench: '${B[*]}' failed" >&2; exit 1; }

	tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	# warm-up (page cache, dentries): bench-run's own, 3 pairs
	"$BENCH_RUN" -w 3 -n "$pairs" "${A[@]}" -- "${B[@]}" >"$tmp/pairs" || exit 1

	ratio=$(awk '{ if ($5 > 0) printf "%.6f\n", $1 / $5 }' "$tmp/pairs" | bench_median)
	cratio=$(awk '{ if ($8 > 0) printf "%.6f\n", $4 / $8 }' "$tmp/pairs" | bench_median)
	ma=$(awk '{ print $1 }' "$tmp/pairs" | bench_median)
	mb=$(awk '{ print $5 }' "$tmp/pairs" | bench_median)
	rss_kb=$(awk '$2 > m { m = $2 } END { print m + 0 }' "$tmp/pairs")

	printf "$LABEL median ratio: %.2f (vpstune %.2f ms, ${B[0]} %.2f ms; %d pairs)\n" \
		"$ratio" "$(awk -v u="$ma" 'BEGIN { print u / 1000 }')" \
		"$(awk -v u="$mb" 'BEGIN { print u / 1000 }')" "$pairs"
	printf '%s median CPU-time ratio: %.2f (user+system; less disturbed by a loaded machine)\n' "$LABEL" "$cratio"
	printf 'vpstune peak RSS: %.2f MiB\n' "$(awk -v k="$rss_kb" 'BEGIN { print k / 1024 }')"

	verdict() { if [ "$1" = 1 ]; then echo "ok"; else echo "MISSED"; fi; }
	ok_ratio=$(awk -v r="$ratio" 'BEGIN { print (r <= 1.0) ? 1 : 0 }')
	echo "target ratio <= 1.0: $(verdict "$ok_ratio")"
	echo "target RSS <= 4 MiB: $(verdict "$([ "$rss_kb" -le 4096 ] && echo 1 || echo 0)")"
	return 0
}
