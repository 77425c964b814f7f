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

test_case "the README's configuration for a real office is one the tools accept"
sed -n '/^```ini$/,/^```$/p' "$SRC_DIR/README.md" | sed '1d;$d' >"$T/office.conf"
[ -s "$T/office.conf" ] || fail "no INI example in the README"
expect_success env CERTCOPY_CONF="$T/office.conf" cc-config register.uri certifier.key seal.pin_file
assert_stdout '^postgresql://'
assert_stdout '^pkcs11:token='
assert_stdout '^/etc/certcopy/seal.pin$'

for script in "$SRC_DIR"/scripts/cc-*; do
	name=${script##*/}
	test_case "$name: --help usage line equals its synopsis in certcopy.7"
	need mandoc
	expect_success "$script" --help
	usage=$(head -1 "$T/out" | sed 's/^Usage: //')
	# The subsection "NAME -- what", then the synopsis up to a blank line.
	synopsis=$(MANWIDTH=200 mandoc -Tascii -O width=200 "$SRC_DIR/man/certcopy.7" |
		sed 's/.\x08//g' | sed -n "/^   $name -- /,/^\$/p" | sed '1d;$d' |
		tr -s ' \n' '  ' | sed "s/^ *//; s/ *\$//")
	grep -q "^\.Ss $name " "$SRC_DIR/man/certcopy.7" ||
		fail "certcopy.7 has no subsection for $name"
	assert_eq "$usage" "$synopsis" "usage vs certcopy.7"
	expect_success "$script" --version
	assert_stdout "^$name \\(certcopy\\) [0-9]"
	grep -q "$name" "$SRC_DIR/README.md" || fail "README does not mention $name"
done

finish
