#!/bin/bash
# cc-stamp: the office's seal on a copy signed by cc-sign --statement, the
# verification code, and the register (SQLite), checked by pdfsig, mutool,
# qpdf, openssl ts -verify, zbarimg, pdftotext and sqlite3; refusals and
# failures leave no output and a consistent book.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
URLBASE=https://certcopy.example/v/

# pdfsig_field FILE FIELD: that signature is valid and trusted.
pdfsig_field() {
	active || return 0
	pdfsig -nssdir "$PKI/nss" "$1" >"$T/pdfsig" 2>&1
	awk -v f="$2" '/^Signature #/ { s = 0 } /Signature Field Name: / { s = ($0 ~ ": " f "$") } s' \
		"$T/pdfsig" >"$T/pdfsig.one"
	grep -q 'Signature is Valid' "$T/pdfsig.one" && grep -q 'Certificate is Trusted' "$T/pdfsig.one" ||
		fail "pdfsig: $2 of $1: $(cat "$T/pdfsig")"
}

sql() {
	sqlite3 -batch -noheader "$T/reg.db" "$1" 2>&1
}

# sign NAME INPUT: cc-sign --statement with a number from the register.
sign() {
	expect_success cc-sign -k "$PKI/certifier.p12" --pin-file "$T/certifier.pass" \
		--statement --register "$T/reg.db" --title 'Công chứng viên' "$2" -o "$T/$1.pdf"
}

STAMP="--pin-file $T/seal.pass --register $T/reg.db"

test_case 'the test inputs: PKI, services, a signed copy'
need pdfsig mutool qpdf pdftotext pdftoppm zbarimg sqlite3 openssl jq
pki_setup && start_pki_services
if active; then
	pin_files
	expect_success cc-ocr -q "$TESTDATA/samples/idcard-front.png" -o "$T/card.pdf"
fi
sign s1 "$T/card.pdf"
assert_eq "$(sql "SELECT number, status FROM copies")" "1|reserved" "number 1 reserved by cc-sign"

test_case 'a copy sealed: two valid signatures, the code, the QR code, the register'
expect_success cc-stamp -k "$PKI/seal.p12" $STAMP --tsa "$TSA_URL/tsa" \
	"$T/s1.pdf" -o "$T/c1.pdf" --qr "$T/c1.png" --json "$T/c1.json" --scan "$T/card.pdf"
vcode=$(cat "$T/out" 2>/dev/null)
printf '%s\n' "$vcode" | grep -Eq '^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$' ||
	fail "not a verification code on stdout: '$vcode'"
assert_jq "$T/c1.json" ".code == \"$vcode\" and .number == 1 and .pages == 1 and .fee == 2000
	and .level == \"B-LT\" and .url == \"$URLBASE$vcode\""
pdfsig_field "$T/c1.pdf" Signature1
pdfsig_field "$T/c1.pdf" OfficeSeal
grep -q 'Common Name: certcopy Test Seal\|Common Name: .*(demo)' "$T/pdfsig.one" ||
	grep -q 'Signer Certificate Common Name' "$T/pdfsig.one" || fail "no seal signer"
mutool sign -v "$T/c1.pdf" >"$T/mutool" 2>&1
grep -c 'The signature is valid\|unchanged since signing\|are permitted' "$T/mutool" | grep -q '^2$' ||
	fail "mutool: $(cat "$T/mutool")"
qpdf --check "$T/c1.pdf" >"$T/qpdf" 2>&1 && ! grep -qi warning "$T/qpdf" || fail "qpdf: $(cat "$T/qpdf")"
cmp -s -n "$(stat -c %s "$T/s1.pdf" 2>/dev/null || echo 0)" "$T/s1.pdf" "$T/c1.pdf" ||
	fail "the sealed copy does not begin with the signed copy's bytes"
# The code on the page, and the QR code read back from the page at 150 dpi
# and from the PNG.
pdftotext -f 2 -l 2 "$T/c1.pdf" - 2>/dev/null | grep -q "$vcode" || fail "the code is not on the page"
if active; then
	pdftoppm -r 150 -f 2 -l 2 -png "$T/c1.pdf" "$T/page"
	assert_eq "$(zbarimg -q --raw -Sdisable -Sqrcode.enable "$T"/page-2.png 2>/dev/null)" \
		"$URLBASE$vcode" "the QR code on the page at 150 dpi"
	assert_eq "$(zbarimg -q --raw -Sdisable -Sqrcode.enable "$T/c1.png" 2>/dev/null)" \
		"$URLBASE$vcode" "the QR code of --qr"
fi
assert_eq "$(sql "SELECT status, code, pdf_sha256, scan_sha256, pages, fee FROM copies WHERE number = 1")" \
	"issued|$vcode|$(sha256sum "$T/c1.pdf" 2>/dev/null | cut -c1-64)|$(sha256sum "$T/card.pdf" 2>/dev/null | cut -c1-64)|1|2000" \
	"the register's row"
assert_eq "$(sql "SELECT action FROM audit ORDER BY seq" | tr '\n' ' ')" "reserve issue " "the audit log"

test_case "the seal's time-stamp passes openssl ts -verify"
if active; then
	$PY - "$T/c1.pdf" "$T" <<-'PYEOF'
	import re, sys
	d = open(sys.argv[1], "rb").read()
	m = list(re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", d))[-1]
	a, b, c, e = (int(x) for x in m.groups())
	der = bytes.fromhex(d[a + b + 1:c - 1].decode())
	n, h = der[1], 2
	if n & 0x80:
	    k = n & 0x7f; n, h = int.from_bytes(der[2:2 + k], "big"), 2 + k
	open(sys.argv[2] + "/seal.der", "wb").write(der[:h + n])
	PYEOF
	openssl asn1parse -inform DER -in "$T/seal.der" >"$T/asn1" 2>&1
	tst=$(grep -A2 'id-smime-aa-timeStampToken' "$T/asn1" | sed -n 's/^ *\([0-9]*\):.*SEQUENCE.*/\1/p' | head -1)
	sigv=$(grep -B1 'cont \[ 1 \]' "$T/asn1" | sed -n 's/^ *\([0-9]*\):.*OCTET STRING.*/\1/p' | tail -1)
	openssl asn1parse -inform DER -in "$T/seal.der" -strparse "$tst" -noout -out "$T/tst.der" >/dev/null 2>&1 ||
		fail "no time-stamp token in the seal"
	openssl asn1parse -inform DER -in "$T/seal.der" -strparse "$sigv" -noout -out "$T/sigv.bin" >/dev/null 2>&1 ||
		true
	$PY - "$T/seal.der" "$sigv" "$T/sigv.bin" <<-'PYEOF'
	import sys
	d = open(sys.argv[1], "rb").read(); o = int(sys.argv[2])
	l = d[o + 1]; h = 2
	if l & 0x80:
	    n = l & 0x7f; l = int.from_bytes(d[o + 2:o + 2 + n], "big"); h = 2 + n
	open(sys.argv[3], "wb").write(d[o + h:o + h + l])
	PYEOF
	openssl ts -verify -token_in -in "$T/tst.der" -data "$T/sigv.bin" \
		-CAfile "$PKI/root.pem" -untrusted "$PKI/chain.pem" >"$T/ts.log" 2>&1 ||
		fail "openssl ts -verify: $(cat "$T/ts.log")"
fi

test_case 'refusals: sealed twice, not a certified copy, a number not reserved'
expect_failure 1 cc-stamp -k "$PKI/seal.p12" $STAMP --no-ltv "$T/s1.pdf" -o "$T/again.pdf"
assert_no_file "$T/again.pdf"
expect_failure 3 cc-stamp -k "$PKI/seal.p12" $STAMP --no-ltv "$T/c1.pdf" -o "$T/again2.pdf"
assert_stderr "sealed already"
expect_failure 3 cc-stamp -k "$PKI/seal.p12" $STAMP --no-ltv "$T/card.pdf" -o "$T/plain.pdf"
assert_stderr "cc-sign --statement"
assert_no_file "$T/plain.pdf"
# Signed with a number the register never gave.
expect_success cc-sign -k "$PKI/certifier.p12" --pin-file "$T/certifier.pass" --statement \
	--number 77 "$T/card.pdf" -o "$T/n77.pdf"
expect_failure 1 cc-stamp -k "$PKI/seal.p12" $STAMP --no-ltv "$T/n77.pdf" -o "$T/n77s.pdf"
assert_no_file "$T/n77s.pdf"
assert_eq "$(sql "SELECT count(*) FROM copies")" 1 "nothing recorded by refusals"
assert_no_temp "$T"

test_case 'a TSA that fails: nothing written, the number stays reserved, then void'
sign s2 "$T/card.pdf"
expect_failure 4 cc-stamp -k "$PKI/seal.p12" $STAMP --tsa "$TSA_URL/tsa-error" "$T/s2.pdf" -o "$T/c2.pdf"
assert_stderr "stays reserved"
assert_no_file "$T/c2.pdf"
assert_eq "$(sql "SELECT status FROM copies WHERE number = 2")" reserved "number 2"
expect_success cc-stamp --register "$T/reg.db" --void 2 --reason 'TSA không trả lời'
assert_eq "$(sql "SELECT status, void_reason FROM copies WHERE number = 2")" "void|TSA không trả lời" "number 2 void"
expect_failure 1 cc-stamp -k "$PKI/seal.p12" $STAMP --no-ltv "$T/s2.pdf" -o "$T/c2.pdf"
assert_no_file "$T/c2.pdf"

test_case 'revocation, and codes read leniently but checked'
lower=$(printf '%s' "$vcode" | tr 'A-Z' 'a-z' | tr -d '-')
expect_success cc-stamp --register "$T/reg.db" --revoke "$lower" --reason 'bản chính giả mạo'
assert_eq "$(sql "SELECT status, revoked_reason FROM copies WHERE code = '$vcode'")" \
	"revoked|bản chính giả mạo" "revoked"
# One wrong character: refused by the check character, the register untouched.
if active; then
	last=${vcode: -1}
	other=0
	[ "$last" = 0 ] && other=1
	bad="${vcode%?}$other"
fi
expect_failure 3 cc-stamp --register "$T/reg.db" --revoke "$bad" --reason x
assert_stderr "check character"
expect_failure 2 cc-stamp --register "$T/reg.db" --revoke "$vcode"
assert_stderr "--reason"

test_case '16 stampers at once on one SQLite register: unique codes, every number issued'
if active; then
	for i in $(seq 1 16); do printf '%s\t%s\n' "$T/card.pdf" "$T/p$i.pdf"; done >"$T/batch.txt"
fi
expect_success cc-sign -k "$PKI/certifier.p12" --pin-file "$T/certifier.pass" --statement \
	--register "$T/reg.db" --batch <"$T/batch.txt"
if active; then
	pids=""
	for i in $(seq 1 16); do
		"$CC_BUILD/bin/cc-stamp" -q -k "$PKI/seal.p12" $STAMP --no-ltv "$T/p$i.pdf" \
			-o "$T/q$i.pdf" >"$T/code$i" 2>"$T/err$i" &
		pids="$pids $!"
	done
	bad=0
	for p in $pids; do wait "$p" || bad=$((bad + 1)); done
	[ "$bad" -eq 0 ] || fail "$bad stampers failed: $(cat "$T"/err* | head -5)"
	assert_eq "$(cat "$T"/code* | sort -u | wc -l)" 16 "16 different codes"
	assert_eq "$(sql "SELECT count(*) FROM copies WHERE status = 'issued' AND number BETWEEN 3 AND 18")" 16 \
		"numbers 3 to 18 issued"
	assert_eq "$(sql "SELECT max(number) - min(number) + 1, count(*) FROM copies")" "18|18" "gap-free"
	for i in 1 9 16; do pdfsig_field "$T/q$i.pdf" OfficeSeal; done
	# Without a /DSS after it, the seal covers the whole file.
	grep -q 'Total document signed' "$T/pdfsig.one" || fail "q16.pdf: the seal is not total: $(cat "$T/pdfsig")"
fi
expect_success "$CC_BUILD/tests/register-driver" "$T/reg.db" audit
assert_no_temp "$T"

test_case '16 stampers at once on a PostgreSQL register'
pg_start && pg_db stamp16
if active; then
	expect_success cc-sign -k "$PKI/certifier.p12" --pin-file "$T/certifier.pass" --statement \
		--register "$URI" --batch <"$T/batch.txt"
	pids=""
	for i in $(seq 1 16); do
		"$CC_BUILD/bin/cc-stamp" -q -k "$PKI/seal.p12" --pin-file "$T/seal.pass" \
			--register "$URI" --no-ltv "$T/p$i.pdf" -o "$T/g$i.pdf" >"$T/gcode$i" 2>"$T/gerr$i" &
		pids="$pids $!"
	done
	bad=0
	for p in $pids; do wait "$p" || bad=$((bad + 1)); done
	[ "$bad" -eq 0 ] || fail "$bad stampers failed: $(cat "$T"/gerr* | head -5)"
	assert_eq "$(cat "$T"/gcode* | sort -u | wc -l)" 16 "16 different codes"
	assert_eq "$(psql -X -A -t -d "$URI" -c "SELECT count(*), min(number), max(number) FROM copies WHERE status = 'issued'" 2>&1)" \
		"16|1|16" "numbers 1 to 16 issued"
	for i in $(seq 1 16); do
		h=$(sha256sum "$T/g$i.pdf" | cut -c1-64)
		[ "$(psql -X -A -t -d "$URI" -c "SELECT count(*) FROM copies WHERE pdf_sha256 = '$h'")" = 1 ] ||
			fail "g$i.pdf is not the copy the register knows"
	done
	pdfsig_field "$T/g7.pdf" OfficeSeal
fi
expect_success "$CC_BUILD/tests/register-driver" "$URI" audit

test_case 'stampers killed with SIGKILL: every number issued with its file, or void'
if active; then
	for i in $(seq 1 12); do printf '%s\t%s\n' "$T/card.pdf" "$T/k$i.pdf"; done >"$T/kbatch.txt"
	"$CC_BUILD/bin/cc-sign" -q -k "$PKI/certifier.p12" --pin-file "$T/certifier.pass" --statement \
		--register "$T/kill.db" --batch <"$T/kbatch.txt" 2>"$T/err" || fail "cc-sign: $(cat "$T/err")"
	pids=""
	for i in $(seq 1 12); do
		"$CC_BUILD/bin/cc-stamp" -q -k "$PKI/seal.p12" --pin-file "$T/seal.pass" \
			--register "$T/kill.db" --no-ltv "$T/k$i.pdf" -o "$T/ks$i.pdf" >/dev/null 2>&1 &
		pids="$pids $!"
	done
	n=0
	for p in $pids; do
		n=$((n + 1))
		[ $((n % 3)) -eq 0 ] || continue
		sleep "0.0$((RANDOM % 10))"
		kill -9 "$p" 2>/dev/null
	done
	for p in $pids; do wait "$p" 2>/dev/null; done
	# What a stamper left: a file only with its issued row; a reservation
	# (of a stamper killed before it issued) is then voided by hand. File
	# ksI need not hold number I: cc-sign --batch numbers in its own order.
	for i in $(seq 1 12); do
		if [ -e "$T/ks$i.pdf" ]; then
			h=$(sha256sum "$T/ks$i.pdf" | cut -c1-64)
			assert_eq "$(sqlite3 -batch "$T/kill.db" "SELECT status FROM copies WHERE pdf_sha256 = '$h'")" \
				issued "ks$i.pdf recorded"
		fi
	done
	for n in $(seq 1 12); do
		st=$(sqlite3 -batch "$T/kill.db" "SELECT status FROM copies WHERE number = $n")
		if [ "$st" = reserved ]; then
			"$CC_BUILD/bin/cc-stamp" --register "$T/kill.db" --void "$n" --reason killed 2>>"$T/err" ||
				fail "cannot void $n: $(cat "$T/err")"
		fi
	done
	assert_eq "$(sqlite3 -batch "$T/kill.db" "SELECT count(*) FROM copies WHERE status NOT IN ('issued', 'void')")" 0 \
		"every number issued or void"
	assert_eq "$(sqlite3 -batch "$T/kill.db" "SELECT count(*), max(number) FROM copies")" "12|12" "gap-free"
	ls "$T"/.ks* 2>/dev/null | grep -q . && fail "temporary files left: $(ls "$T"/.ks*)"
fi
expect_success "$CC_BUILD/tests/register-driver" "$T/kill.db" audit

test_case 'an edited register row breaks the audit chain'
if active; then
	sql "UPDATE copies SET fee = 1 WHERE number = 5" >/dev/null
fi
expect_failure 1 "$CC_BUILD/tests/register-driver" "$T/reg.db" audit

test_case 'the scan recorded from the manifest of cc-scan'
if active; then
	cc-scan -q --mode color -o "$T/scan.tiff" --json "$T/scan.json" "$TESTDATA/samples/idcard-front.png" 2>"$T/err" ||
		fail "cc-scan: $(cat "$T/err")"
fi
sign s9 "$T/card.pdf"
expect_success cc-stamp -k "$PKI/seal.p12" $STAMP --no-ltv --scan "$T/scan.json" "$T/s9.pdf" -o "$T/c9.pdf"
if active; then
	want=$(jq -r '.pages[].sha256' "$T/scan.json" | sha256sum | cut -c1-64)
	assert_eq "$(sql "SELECT scan_sha256 FROM copies WHERE pdf_sha256 = '$(sha256sum "$T/c9.pdf" | cut -c1-64)'")" \
		"$want" "the scan's hash from the manifest"
fi

test_case 'usage errors'
expect_failure 2 cc-stamp "$T/s1.pdf" -o "$T/u.pdf"
assert_stderr "no key"
expect_failure 2 cc-stamp --register "$T/reg.db" --void 3 --revoke "$vcode" --reason x
expect_failure 2 cc-stamp -k "$PKI/seal.p12" $STAMP --archive --no-ltv "$T/s1.pdf" -o "$T/u.pdf"
assert_no_file "$T/u.pdf"

finish
