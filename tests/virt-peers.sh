#!/bin/sh
# SPDX-License-Identifier: MIT
#
# virt-peers.sh FIXTURES SCRATCH: what the peers say about each virt fixture
# (tests/fixtures/virt/<kind>/), one line per kind:
#
#   kind|lscpu's "Hypervisor vendor/Virtualization type"|virt-what's facts
#
# "-" when the peer decides nothing from those files.
#   lscpu --sysroot DIR (util-linux) reads the files as they are; without a
#     live machine it skips CPUID and DMI (lscpu-virt.c asks them only when
#     is_live()).
#   virt-what --test-root=DIR (its own undocumented test mode, used by its
#     `make check`) runs dmidecode, virt-what-cpuid-helper and uname from
#     DIR/sbin: we give it a dmidecode that prints the fixture's DMI files,
#     a helper that prints the CPUID signature recorded in vpstune-live.txt,
#     and the fixture's architecture (FIXTURES/ARCH).
#   systemd-detect-virt takes no root at all: what it would say is in each
#     fixture's README, read from src/basic/virt.c.
set -eu
FIX=$1
T=$2
while read -r k arch; do
	case $k in '#'*|'') continue ;; esac
	d=$FIX/$k
	l=$(lscpu --sysroot "$d" 2>/dev/null | sed -n 's/^Hypervisor vendor: *//p; s/^Virtualization type: *//p' |
		paste -sd/ -) || l=""
	r=$T/virt-what-root-$k
	rm -rf "$r"
	cp -R "$d" "$r"
	mkdir -p "$r/sbin"
	dm=$d/sys/class/dmi/id
	{
		echo '#!/bin/sh'
		if [ -d "$dm" ]; then
			echo "cat <<'EOT'"
			echo "BIOS Information"
			[ ! -f "$dm/bios_vendor" ] || echo "	Vendor: $(cat "$dm/bios_vendor")"
			[ ! -f "$dm/bios_version" ] || echo "	Version: $(cat "$dm/bios_version")"
			echo "System Information"
			[ ! -f "$dm/sys_vendor" ] || echo "	Manufacturer: $(cat "$dm/sys_vendor")"
			[ ! -f "$dm/product_name" ] || echo "	Product Name: $(cat "$dm/product_name")"
			echo "Base Board Information"
			[ ! -f "$dm/board_vendor" ] || echo "	Manufacturer: $(cat "$dm/board_vendor")"
			echo "EOT"
		else
			echo "echo '# No SMBIOS nor DMI entry point found, sorry.'"
		fi
	} >"$r/sbin/dmidecode"
	# the recorded signature, as octal escapes (dash's printf has no \x)
	esc=""
	if [ -f "$d/vpstune-live.txt" ]; then
		h=$(sed -n 's/^cpuid\.40000000=//p' "$d/vpstune-live.txt")
		while [ -n "$h" ]; do
			b=${h%"${h#??}"}
			h=${h#??}
			[ "$b" = 00 ] || esc=$esc$(printf '\\%03o' "0x$b")
		done
	fi
	printf '#!/bin/sh\nprintf '"'"'%s'"'"'\n' "$esc" >"$r/sbin/virt-what-cpuid-helper"
	printf '#!/bin/sh\necho %s\n' "$arch" >"$r/sbin/uname"
	chmod +x "$r/sbin/dmidecode" "$r/sbin/virt-what-cpuid-helper" "$r/sbin/uname"
	w=$(virt-what --test-root="$r" 2>/dev/null | paste -sd' ' -) || w=""
	printf '%s|%s|%s\n' "$k" "${l:--}" "${w:--}"
done <"$FIX/ARCH"
