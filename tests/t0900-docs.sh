#!/bin/bash
# Every tool has a man page that lints clean, whose SYNOPSIS is the tool's
# --help usage line, with EXIT STATUS and EXAMPLES; --help and --version
# work; the README names every tool.
. "$(dirname "$0")/lib.sh"

TOOLS=$(cd "$SRC_DIR/cmd" && ls cc-*.c | sed 's/\.c$//')

test_case 'every man page lints clean'
need mandoc
for page in "$SRC_DIR"/man/*.[17]; do
	mandoc -Tlint -W warning "$page" 2>&1 | grep -v 'mandoc.db' >"$T/lint"
	[ -s "$T/lint" ] && fail "$(cat "$T/lint")"
done

for tool in $TOOLS; do
	test_case "$tool: man page SYNOPSIS equals the --help usage line"
	need mandoc
	page="$SRC_DIR/man/$tool.1"
	[ -f "$page" ] || fail "no man page for $tool"
	active && [ -f "$page" ] || continue
	synopsis=$(MANWIDTH=200 mandoc -Tascii -O width=200 "$page" | sed 's/.\x08//g' |
		sed -n '/^SYNOPSIS/,/^[A-Z]/p' | sed '1d;$d' | tr -s ' \n' '  ' |
		sed 's/^ *//; s/ *$//')
	expect_success "$tool" --help
	usage=$(head -1 "$T/out" | sed 's/^Usage: //')
	assert_eq "$usage" "$synopsis" "usage vs SYNOPSIS"
	for s in 'EXIT STATUS' EXAMPLES OPTIONS 'SEE ALSO'; do
		grep -q "^\.Sh $s\$" "$page" || fail "$tool.1 has no $s section"
	done

	test_case "$tool: --version and the README"
	expect_success "$tool" --version
	assert_stdout "^$tool \\(certcopy\\) [0-9]"
	grep -q "$tool" "$SRC_DIR/README.md" || fail "README does not mention $tool"
done

finish
