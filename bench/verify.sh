#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/verify.sh: `vpstune verify -p vps-dev` on the live machine against
# `lscpu` in one run, pair by pair; prints the median ratio and vpstune's
# peak RSS. Targets: ratio <= 1.0 (TuneD's CLI needs 0.15-0.45 s for the
# same kind of answer), RSS <= 4 MiB.
#
# Usage: bench/verify.sh [-n PAIRS] [-- VPSTUNE-GLOBAL-OPTIONS...]
# Environment: VPSTUNE (default ./build/vpstune), PAIRS (default 50).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pairs=${PAIRS:-50}
while [ $# -gt 0 ]; do
	case $1 in
	-h|--help) sed -n '3,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-n) pairs=$2; shift 2 ;;
	--) shift; break ;;
	*) echo "bench/verify.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
VPSTUNE=${VPSTUNE:-./build/vpstune}
LABEL=verify/lscpu
A=("$VPSTUNE" "$@" verify -p vps-dev --format json)
B=(lscpu)
bench_run
