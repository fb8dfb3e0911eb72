#!/bin/sh
# The Debian package, as an operator meets it: dpkg-buildpackage builds it
# from this tree with Debian 12's debhelper, lintian reports no error,
# dpkg -i installs it, the installed vpstune runs, its man pages and shell
# completion are where man and bash look, and dpkg -r removes every file.
# Root: dpkg -i changes the machine (refused when vpstune is already
# installed from a package, which this test must not replace).
. "$SRCDIR/tests/lib.sh"
test_require_root
for tool in dpkg-buildpackage lintian dh; do
	command -v $tool >/dev/null 2>&1 || { echo "1..0 # SKIP $tool not installed (scripts/deps.sh check)"; exit 0; }
done
if dpkg-query -W -f='${db:Status-Status}' vpstune 2>/dev/null | grep -q installed; then
	echo "1..0 # SKIP a vpstune package is installed on this machine; not replacing it"
	exit 0
fi
# The package is built from the source tree, not from the build under test:
# once per CI run is enough, in the plain build's pass, not again under ASan.
case "$(meson introspect "$BUILDDIR" --buildoptions 2>/dev/null | python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "b_sanitize"))' 2>/dev/null)" in
none | "") ;;
*) echo "1..0 # SKIP the package does not depend on the build under test; it is built and checked in the plain build's pass"; exit 0 ;;
esac
test_cleanup 'dpkg -r vpstune >/dev/null 2>&1'

PKG="$TEST_TMP/pkg"
VERSION=$("$VPSTUNE" --version | cut -d" " -f2)
DEB="$PKG/vpstune_${VERSION}_$(dpkg --print-architecture).deb"

test_expect_success 'dpkg-buildpackage -us -uc -b builds the package from the tree' '
	mkdir -p "$PKG/src" &&
	(cd "$SRCDIR" && git ls-files --cached --others --exclude-standard | grep -v "^build" | tar -cf - -T -) |
		tar -xf - -C "$PKG/src" &&
	{ (cd "$PKG/src" && dpkg-buildpackage -us -uc -b) >"$PKG/build.log" 2>&1 ||
		{ tail -n 30 "$PKG/build.log"; false; }; } &&
	test -f "$DEB"
'

test_expect_success 'lintian reports no error' '
	lintian --tag-display-limit 0 "$PKG"/vpstune_*.changes >lint 2>&1;
	cat lint &&
	! grep "^E: " lint
'

test_expect_success 'the package holds the layout meson installs' '
	dpkg -c "$DEB" | awk "{print \$6}" >files &&
	grep -qx "./usr/sbin/vpstune" files &&
	grep -qx "./usr/sbin/vpstune-capture" files &&
	grep -qx "./usr/share/man/man8/vpstune.8.gz" files &&
	grep -qx "./usr/lib/vpstune/profiles/vps-dev/vpstune.conf" files
'

test_expect_success 'dpkg -i installs it and the installed vpstune runs' '
	{ dpkg -i "$DEB" >log 2>&1 || { cat log; false; }; } &&
	test "$(/usr/sbin/vpstune --version)" = "$("$VPSTUNE" --version)" &&
	/usr/sbin/vpstune --root "$FIX/seed-vps" plan >/dev/null
'

test_expect_success 'man finds vpstune(8) and vpstune-capture(8)' '
	man -w vpstune | grep -q "/usr/share/man/man8/vpstune.8" &&
	man -w 8 vpstune-capture | grep -q vpstune-capture.8 &&
	MANWIDTH=80 man 8 vpstune 2>/dev/null | grep -q "vpstune"
'

test_expect_success 'the installed profiles are the built-ins' '
	for p in vps-dev throughput-performance virtual-guest; do
		test_cmp "$SRCDIR/profiles/$p/vpstune.conf" "/usr/lib/vpstune/profiles/$p/vpstune.conf" || exit 1
	done
'

if [ -f "$SRCDIR/completion/vpstune.bash" ]; then
	test_expect_success 'bash completion is installed where bash-completion loads it' '
		test -f /usr/share/bash-completion/completions/vpstune &&
		bash -c ". /usr/share/bash-completion/completions/vpstune && complete -p vpstune" >out &&
		grep -q vpstune out
	'
fi

test_expect_success 'dpkg -r removes every file it installed' '
	dpkg -L vpstune | while read -r f; do [ -f "$f" ] && echo "$f"; done >installed &&
	test -s installed &&
	dpkg -r vpstune >log 2>&1 &&
	while read -r f; do
		case "$f" in /usr/share/doc/*) continue ;; esac
		[ ! -e "$f" ] || { echo "left behind: $f"; exit 1; }
	done <installed &&
	! command -v vpstune-capture
'

test_done
