#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/scale.sh: vpstune at container-host and storage-server scale.
#
# Usage: bench/scale.sh [-r RUNS] [-a AXIS[,AXIS...]] [-N "N1 N2 ..."] [-k DIR]
#
# For each axis (disks, mounts, cpus, all) and each N it writes a sysroot
# with bench/gen-sysroot, then times on it, RUNS times each (default 5,
# median), with build/bench/bench-run (fork/exec/wait4, ru_maxrss):
#   vpstune detect, detect --json, plan, verify, every generate target and
#   health (when it is built), and the peers reading the same sysroot:
#   lscpu --sysroot, lsblk --sysroot, findmnt --tab-file.
# It prints per N the wall time, the CPU time (user + system) and peak
# RSS of every command and its CPU-time ratio to the axis's peer (cpus:
# lscpu, disks: lsblk, mounts and all: findmnt, and the slowest of the
# three for all), then per command the growth exponent of its CPU time
# between the two largest N (log t2/t1 / log N2/N1: 1 is linear, 2
# quadratic), and the issue's goals (wall time, RSS) with a verdict. CPU
# time is what a loaded machine disturbs least; both are medians.
#
# Axes: disks = N disks of two partitions each (2 mounts each), mounts =
# 1 disk and N container-host mounts, cpus = N CPUs, all = N mounts with
# N/10 disks and N/10 CPUs (N = 10 000: 1 000 disks, 10 000 mounts, 1 000
# CPUs at once). Default N: 10 100 1000 (disks, cpus), 10 100 1000 10000
# (mounts, all).
#
# -k DIR keeps (and reuses) the generated sysroots in DIR: 1 000 disks are
# about 60 000 files, written in tens of seconds on a busy machine.
#
# A benchmark, not a test: it exits 0 whether goals are met or not (1 when
# a command cannot run, 2 on usage errors). On a shared machine, run it
# when nothing else runs (or under a lock others respect) and say so.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BUILDDIR=${BUILDDIR:-$here/../build}
. "$here/lib.sh"

runs=5
axes="disks,mounts,cpus,all"
nlist=""
keep=""
while [ $# -gt 0 ]; do
	case $1 in
	-h|--help) sed -n '3,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-r) runs=$2; shift 2 ;;
	-a) axes=$2; shift 2 ;;
	-N) nlist=$2; shift 2 ;;
	-k) keep=$2; shift 2 ;;
	*) echo "bench/scale.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
	esac
done
case $runs in ''|*[!0-9]*|0) echo "bench/scale.sh: RUNS must be a positive integer" >&2; exit 2 ;; esac

VPSTUNE=${VPSTUNE:-$BUILDDIR/vpstune}
bench_need_runner
[ -x "$VPSTUNE" ] || { echo "bench/scale.sh: $VPSTUNE: not built" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench/scale.sh: needs python3 (bench/gen-sysroot)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/scale.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
srdir=${keep:-$tmp}
mkdir -p "$srdir"

TARGETS="nixos disko fstab sysctl udev containers nix zram systemd btrbk tuned"
CMDS="detect detect-json plan verify"
for t in $TARGETS; do CMDS="$CMDS gen-$t"; done
# health once it is built ("not implemented" is exit 2)
if "$VPSTUNE" --root "$here/../tests/fixtures/ci-machine" health >/dev/null 2>&1 ||
	[ $? -eq 1 ]; then
	CMDS="$CMDS health"
fi

cmd_argv() { # $1 sysroot, $2 command name → CMD array
	local sr=$1
	case $2 in
	detect) CMD=("$VPSTUNE" --root "$sr" detect) ;;
	detect-json) CMD=("$VPSTUNE" --root "$sr" detect --json) ;;
	plan) CMD=("$VPSTUNE" --root "$sr" plan -p vps-dev) ;;
	verify) CMD=("$VPSTUNE" --root "$sr" verify -p vps-dev) ;;
	health) CMD=("$VPSTUNE" --root "$sr" health) ;;
	gen-*) CMD=("$VPSTUNE" --root "$sr" generate "${2#gen-}" -p vps-dev) ;;
	lscpu) CMD=(lscpu --sysroot "$sr") ;;
	lsblk) CMD=(lsblk --sysroot "$sr") ;;
	findmnt) CMD=(findmnt --tab-file "$sr/proc/self/mountinfo") ;;
	esac
}

gen_args() { # $1 axis, $2 N
	local n=$2 tenth=$(($2 / 10 > 0 ? $2 / 10 : 1))
	case $1 in
	disks) echo "--disks $n" ;;
	mounts) echo "--mounts $n" ;;
	cpus) echo "--cpus $n" ;;
	all) echo "--disks $tenth --cpus $tenth --mounts $n --zram 4" ;;
	esac
}

peer_of() {
	case $1 in cpus) echo lscpu ;; disks) echo lsblk ;; *) echo findmnt ;; esac
}

# median wall time (µs), max RSS (KiB), median CPU time (µs) of RUNS runs
measure() {
	"$BENCH_RUN" -w 1 -n "$runs" "${CMD[@]}" >"$tmp/runs" || { echo "bench/scale.sh: ${CMD[*]}: cannot run" >&2; exit 1; }
	awk -v c="${CMD[*]}" '$3 > 1 { print "bench/scale.sh: " c ": exit " $3 > "/dev/stderr" }' "$tmp/runs"
	printf '%s %s %s\n' "$(awk '{ print $1 }' "$tmp/runs" | bench_median)" \
		"$(awk '$2 > m { m = $2 } END { print m + 0 }' "$tmp/runs")" "$(awk '{ print $4 }' "$tmp/runs" | bench_median)"
}

results=$tmp/results # axis N cmd wall_us kib cpu_us
: >"$results"
echo "bench/scale.sh: $runs runs each, median time, max RSS; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
for axis in ${axes//,/ }; do
	case $axis in disks|mounts|cpus|all) ;; *) echo "bench/scale.sh: unknown axis '$axis'" >&2; exit 2 ;; esac
	ns=$nlist
	if [ -z "$ns" ]; then
		case $axis in disks|cpus) ns="10 100 1000" ;; *) ns="10 100 1000 10000" ;; esac
	fi
	peer=$(peer_of "$axis")
	echo
	echo "== $axis (ratio against $peer$([ "$axis" = all ] && echo ", and the slowest of the three peers"))"
	printf '%-7s %-16s %10s %10s %9s %10s\n' N command "wall ms" "CPU ms" "RSS MiB" "CPU ratio"
	for n in $ns; do
		sr=$srdir/$axis-$n
		if [ ! -d "$sr" ]; then
			# shellcheck disable=SC2046
			python3 "$here/gen-sysroot" $(gen_args "$axis" "$n") "$sr"
		fi
		for p in lscpu lsblk findmnt; do
			cmd_argv "$sr" $p
			read -r us kib cus < <(measure)
			echo "$axis $n $p $us $kib $cus" >>"$results"
			eval "peer_$p=$cus; wall_$p=$us"
		done
		pus=$(eval echo "\$peer_$peer")
		slow=$(printf '%s\n' "$peer_lscpu" "$peer_lsblk" "$peer_findmnt" | sort -g | tail -1)
		for p in lscpu lsblk findmnt; do
			cus=$(eval echo "\$peer_$p") us=$(eval echo "\$wall_$p")
			printf '%-7s %-16s %10.2f %10.2f %9s %10s\n' "$n" "($p)" "$(awk -v u="$us" 'BEGIN { print u / 1000 }')" \
				"$(awk -v u="$cus" 'BEGIN { print u / 1000 }')" - -
		done
		for c in $CMDS; do
			cmd_argv "$sr" "$c"
			read -r us kib cus < <(measure)
			echo "$axis $n $c $us $kib $cus" >>"$results"
			ratio=$(awk -v a="$cus" -v b="$pus" 'BEGIN { printf "%.2f", a / (b > 0 ? b : 1) }')
			[ "$axis" != all ] || ratio="$ratio/$(awk -v a="$cus" -v b="$slow" 'BEGIN { printf "%.2f", a / (b > 0 ? b : 1) }')"
			printf '%-7s %-16s %10.2f %10.2f %9.2f %10s\n' "$n" "$c" "$(awk -v u="$us" 'BEGIN { print u / 1000 }')" \
				"$(awk -v u="$cus" 'BEGIN { print u / 1000 }')" "$(awk -v k="$kib" 'BEGIN { print k / 1024 }')" "$ratio"
		done
	done
	echo "-- growth exponent of CPU time between the two largest N (1.00 linear; goal <= 1.15)"
	for c in $CMDS lscpu lsblk findmnt; do
		awk -v ax="$axis" -v c="$c" '$1 == ax && $3 == c { n[++k] = $2; t[k] = ($6 > 0 ? $6 : 1) }
			END { if (k < 2) exit; e = log(t[k] / t[k-1]) / log(n[k] / n[k-1]);
			      printf "%-16s %5.2f %s\n", c, e, (c ~ /^(lscpu|lsblk|findmnt)$/) ? "(peer)" : (e <= 1.15 ? "ok" : "MISSED") }' "$results"
	done
done

[ -z "$keep" ] || cp "$results" "$keep/results.txt"

# The issue's goals, where the run measured them.
echo
echo "== goals (every command)"
goal() { # label axis N max_ms max_mib(or -)
	awk -v ax="$2" -v n="$3" -v ms="$4" -v mib="$5" -v label="$1" '
		$1 == ax && $2 == n && $3 !~ /^(lscpu|lsblk|findmnt)$/ { k++; if ($4 > w) { w = $4; wc = $3 } if ($5 > r) r = $5 }
		$1 == ax && $2 == n && $3 ~ /^(lscpu|lsblk|findmnt)$/ { p[$3] = $4 }
		END {
			if (!k) { printf "%-34s not measured\n", label; exit }
			ok = w / 1000 <= ms && (mib == "-" || r / 1024 <= mib)
			printf "%-34s slowest %s %.1f ms (<= %s ms), max RSS %.2f MiB%s: %s\n", label, wc, w / 1000, ms,
			       r / 1024, mib == "-" ? "" : " (<= " mib " MiB)", ok ? "ok" : "MISSED"
		}' "$results"
}
goal "1 000 disks x 2 partitions" disks 1000 100 -
goal "10 000 mounts" mounts 10000 150 8
goal "1 000 CPUs" cpus 1000 20 -
goal "all at once (N=10000)" all 10000 300 16
echo "-- faster than the peer on the same sysroot (CPU time, at the largest N)"
for axis in ${axes//,/ }; do
	peer=$(peer_of "$axis")
	max=$(awk -v ax="$axis" '$1 == ax && $2 > m { m = $2 } END { print m + 0 }' "$results")
	pt=$(awk -v ax="$axis" -v n="$max" -v p="$peer" '$1 == ax && $2 == n && $3 == p { print $6 }' "$results")
	awk -v ax="$axis" -v n="$max" '$1 == ax && $2 == n && $3 !~ /^(lscpu|lsblk|findmnt)$/' "$results" | sort -g -k6 | tail -1 |
		awk -v pt="$pt" -v peer="$peer" -v ax="$axis" 'pt > 0 { printf "%-7s N=%-6d slowest %-16s %.2f x %s: %s\n", ax, $2, $3, $6 / pt, peer, $6 < pt ? "ok" : "MISSED" }'
done
