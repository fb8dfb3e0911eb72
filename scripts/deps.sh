#!/bin/sh
# Installs the Debian 12 packages vpstune needs to build and test, only those
# missing (dpkg-query), so "make run" on a prepared machine touches nothing.
#   scripts/deps.sh build   - to build and run
#   scripts/deps.sh check   - to run every test (adds the real consumers)
set -eu
build="meson ninja-build gcc pkg-config libmount-dev libblkid-dev libjson-c-dev
libzstd-dev libbtrfsutil-dev libcmocka-dev"
check="$build clang libclang-rt-14-dev util-linux btrfs-progs e2fsprogs kmod
python3 jq fio tuned nix-bin podman systemd systemd-zram-generator procps
iproute2 git groff-base time btrbk btrfs-compsize"
# the virtualization peers of tests/cli/t0110-detect-virt.sh (lscpu is util-linux)
check="$check virt-what"
# fleet and packaging: the Debian package, Prometheus, node_exporter (t0800, t0810, t5000)
check="$check debhelper dpkg-dev lintian man-db bash-completion prometheus
prometheus-node-exporter curl python3-yaml ansible-core ansible-lint"

want=$build
[ "${1:-build}" = check ] && want=$check

missing=""
for p in $want; do
  s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$s" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "vpstune: missing Debian packages:$missing (run as root, or install them)" >&2
  exit 1
fi
echo "vpstune: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# Update the lists once per boot of a machine: a stale list fails installs.
if [ ! -e /run/vpstune-apt-updated ]; then
  apt-get update -qq
  touch /run/vpstune-apt-updated 2>/dev/null || true
fi
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
