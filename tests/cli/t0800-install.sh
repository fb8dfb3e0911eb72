#!/bin/sh
# The install layout (issue: fleet and packaging): "meson install" into a
# DESTDIR puts every file where its Meson option says, the installed
# profiles are the compiled-in built-ins, generated units call the installed
# binary, and "make install" installs no packages.
. "$SRCDIR/tests/lib.sh"

STAGE="$TEST_TMP/stage"
opt() { # the value of a Meson option of the build under test
	meson introspect "$BUILDDIR" --buildoptions |
		python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == sys.argv[1]))' "$1"
}
PREFIX=$(opt prefix)
SBIN="$PREFIX/$(opt sbindir)"
case "$(opt sbindir)" in /*) SBIN=$(opt sbindir) ;; esac
MAN8="$PREFIX/$(opt mandir)/man8"
PROFILES="$PREFIX/lib/vpstune/profiles"
SEED="$FIX/seed-vps"

test_expect_success 'meson install --destdir stages the binary, man page, capture script and profiles' '
	meson install -C "$BUILDDIR" --destdir "$STAGE" --no-rebuild >log 2>&1 &&
	test -x "$STAGE$SBIN/vpstune" &&
	test -x "$STAGE$SBIN/vpstune-capture" &&
	test -f "$STAGE$MAN8/vpstune.8" &&
	for p in vps-dev throughput-performance virtual-guest; do
		test_cmp "$SRCDIR/profiles/$p/vpstune.conf" "$STAGE$PROFILES/$p/vpstune.conf" || exit 1
	done
'

test_expect_success 'the installed capture script is the one in the tree' '
	test_cmp "$SRCDIR/tests/capture-sysroot.sh" "$STAGE$SBIN/vpstune-capture"
'

# Same plan from the compiled-in profile and from its installed file: the
# two are one text (origins aside, which name the file).
for p in vps-dev throughput-performance virtual-guest; do
	test_expect_success "built-in $p plans exactly as its installed file" "
		vpstune --root \"$SEED\" plan -p $p --json >builtin.json &&
		vpstune --root \"$SEED\" plan -p \"$STAGE$PROFILES/$p/vpstune.conf\" --json >file.json &&
		python3 - builtin.json file.json <<-'PY'
		import json, sys
		def items(f):
		    d = json.load(open(f))
		    for it in d['items']:
		        it.pop('origin', None)
		    return d['items']
		a, b = items(sys.argv[1]), items(sys.argv[2])
		assert a, 'no items planned'
		assert a == b, 'built-in and installed file differ'
		PY
	"
done

test_expect_success 'generated units call the installed binary' '
	vpstune --root "$SEED" generate systemd >units &&
	grep -q "^ExecStart=$SBIN/vpstune apply " units &&
	grep -q "^ExecStart=$SBIN/vpstune verify " units &&
	! grep "^ExecStart=" units | grep -v "^ExecStart=$SBIN/vpstune "
'

test_expect_success 'make install installs no packages (no deps step)' '
	make -n -C "$SRCDIR" install BUILD="$BUILDDIR" >dry 2>&1 &&
	grep -q "meson install" dry &&
	! grep -q "deps.sh\|apt-get" dry
'

test_expect_success 'json-c is linked dynamically by default' '
	test "$(opt static_jsonc)" = False -o "$(opt static_jsonc)" = false &&
	ldd "$VPSTUNE" | grep -q "libjson-c\.so"
'

test_done
