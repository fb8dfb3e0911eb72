#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/verify.sh: `vpstune verify -p vps-dev` on the live machine against
# `lscpu` in one run, pair by pair; prints the median ratio and vpstune's
# peak RSS. Targets: ratio <= 1.0 (TuneD's CLI needs 0.15-0.45 s for the
# same kind of answer), RSS <= 4 MiB.
#
# Usage: bench/verify.sh [-n PAIRS] [--root DIR] [-- VPSTUNE-GLOBAL-OPTIONS...]
# --root DIR applies to both sides (lscpu --sysroot DIR); after -- it is
# refused. Timed by build/bench/bench-run (wait4, no shell clock).
# Environment: VPSTUNE (default ./build/vpstune), PAIRS (default 50).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pairs=${PAIRS:-50}
root=""
while [ $# -gt 0 ]; do
	case $1 in
	-h|--help) sed -n '3,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-n) pairs=$2; shift 2 ;;
	--root) [ $# -ge 2 ] || exit 2; root=$2; shift 2 ;;
	--root=*) root=${1#--root=}; shift ;;
	--) shift; break ;;
	*) echo "bench/verify.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
VPSTUNE=${VPSTUNE:-./build/vpstune}
LABEL=verify/lscpu
bench_refuse_root_in "$@"
if [ -n "$root" ]; then
	A=("$VPSTUNE" --root "$root" "$@" verify -p vps-dev --format json)
	B=(lscpu --sysroot "$root")
else
	A=("$VPSTUNE" "$@" verify -p vps-dev --format json)
	B=(lscpu)
fi
bench_run
