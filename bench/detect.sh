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
. "$(dirname "$0")/lib.sh"
LABEL=detect/lscpu

usage() {
	cat <<'EOF'
Usage: bench/detect.sh [-n PAIRS] [--root DIR] [-- VPSTUNE-GLOBAL-OPTIONS...]

Times `vpstune detect --json` against `lscpu -J`, PAIRS times each
(default 50), alternating, with build/bench/bench-run (wait4), and reports:
  detect/lscpu median ratio: R (vpstune X ms, lscpu Y ms)
  vpstune peak RSS: Z MiB
with a verdict against the targets: ratio <= 1.0, RSS <= 4 MiB.

--root DIR applies to both: `vpstune --root DIR` and `lscpu --sysroot DIR`.
Options after -- go before `detect` (e.g. `-- -v`); --root is refused there.

Environment:
  VPSTUNE   the binary (default: ./build/vpstune)
  PAIRS     same as -n
EOF
}

pairs=${PAIRS:-50}
root=""
while [ $# -gt 0 ]; do
	case $1 in
	-h|--help) usage; exit 0 ;;
	-n) [ $# -ge 2 ] || { usage >&2; exit 2; }; pairs=$2; shift 2 ;;
	-n*) pairs=${1#-n}; shift ;;
	--root) [ $# -ge 2 ] || { usage >&2; exit 2; }; root=$2; shift 2 ;;
	--root=*) root=${1#--root=}; shift ;;
	--) shift; break ;;
	*) echo "bench/detect.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
	esac
done
case $pairs in ''|*[!0-9]*|0) echo "bench/detect.sh: PAIRS must be a positive integer" >&2; exit 2 ;; esac

bench_refuse_root_in "$@"

VPSTUNE=${VPSTUNE:-./build/vpstune}
if [ -n "$root" ]; then
	A=("$VPSTUNE" --root "$root" "$@" detect --json)
	B=(lscpu --sysroot "$root" -J)
else
	A=("$VPSTUNE" "$@" detect --json)
	B=(lscpu -J)
fi

bench_run
