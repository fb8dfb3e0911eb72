# SPDX-License-Identifier: MIT
# bench/lib.sh: shared by the bench/*.sh scripts. The caller sets the arrays
# A (vpstune's command) and B (the peer's), LABEL ("detect/lscpu") and
# pairs, then calls bench_run. Runs them pair by pair, alternating
# (A B A B ...) so that drift in machine load hits both, and prints the
# median of the per-pair time ratios and A's peak RSS, with a verdict
# against the targets (ratio <= 1.0, RSS <= 4 MiB). Never fails on a
# missed target: a benchmark, not a test.

bench_run() {
	for cmd in "${A[0]}" "${B[0]}"; do
		command -v "$cmd" >/dev/null 2>&1 || { echo "bench: $cmd: not found" >&2; exit 1; }
	done
	# Both must work before we time them.
	# vpstune verify exits 1 on drift: an answer, not a failure.
	local rc=0
	"${A[@]}" >/dev/null 2>&1 || rc=$?
	[ $rc -le 1 ] || { echo "bench: '${A[*]}' failed (exit $rc)" >&2; exit 1; }
	"${B[@]}" >/dev/null || { echo "bench: '${B[*]}' failed" >&2; exit 1; }

	# Microseconds since the epoch without forking (bash 5 EPOCHREALTIME; the
	# decimal separator depends on the locale, so drop any non-digit). The
	# clock is read in this shell, not in a $(...) subshell, so no fork is
	# timed with the command.
	if [ -z "${EPOCHREALTIME:-}" ]; then
		echo "bench: needs bash 5 (EPOCHREALTIME)" >&2; exit 1
	fi
	run_us() { # sets $us
		local t0 t1
		t0=${EPOCHREALTIME//[!0-9]/}
		"$@" >/dev/null 2>&1 || true
		t1=${EPOCHREALTIME//[!0-9]/}
		us=$((t1 - t0))
	}

	# warm-up (page cache, dentries)
	for _ in 1 2 3; do "${A[@]}" >/dev/null 2>&1 || true; "${B[@]}" >/dev/null 2>&1 || true; done

	tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT

	for ((i = 0; i < pairs; i++)); do
		run_us "${A[@]}"; a=$us
		run_us "${B[@]}"; b=$us
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

	printf "$LABEL median ratio: %.2f (vpstune %.1f ms, ${B[0]} %.1f ms; %d pairs)\n" \
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
	return 0
}
