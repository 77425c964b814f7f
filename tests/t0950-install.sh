#!/bin/bash
# make install and make uninstall honour PREFIX and DESTDIR.
. "$(dirname "$0")/lib.sh"

test_case 'make install puts tools, man pages and the models directory under DESTDIR'
make -s -C "$SRC_DIR" B="$CC_BUILD" PREFIX=/usr DESTDIR="$T/stage" install \
	>"$T/out" 2>"$T/err" || fail "make install failed: $(cat "$T/err")"
for tool in $(cd "$SRC_DIR/cmd" && ls cc-*.c | sed 's/\.c$//'); do
	[ -x "$T/stage/usr/bin/$tool" ] || fail "$tool not installed"
	[ -f "$T/stage/usr/share/man/man1/$tool.1" ] || fail "$tool.1 not installed"
done
[ -f "$T/stage/usr/share/man/man7/certcopy.7" ] || fail "certcopy.7 not installed"
[ -d "$T/stage/usr/share/certcopy/models" ] || fail "no models directory"
"$T/stage/usr/bin/cc-scan" --version >/dev/null || fail "installed cc-scan does not run"

test_case 'make uninstall removes them again'
make -s -C "$SRC_DIR" B="$CC_BUILD" PREFIX=/usr DESTDIR="$T/stage" uninstall \
	>"$T/out" 2>"$T/err" || fail "make uninstall failed: $(cat "$T/err")"
left=$(find "$T/stage" -type f | head -5)
assert_eq "$left" "" "files left after uninstall"

finish
