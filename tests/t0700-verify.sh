#!/bin/bash
# cc-verify: certified copies made by cc-sign and cc-stamp with the test PKI,
# its OCSP responder and TSA on loopback, judged with the ETSI indications;
# the register (by code, by hash, by the QR code of a printed page); the
# audit chain; then the attack corpus of tests/gen-attacks, where every
# file's verdict must be the one its manifest names, and cc-verify's
# digest verdict must agree with pdfsig's.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
URLBASE=https://certcopy.example/v/

# verdict FILE [options]: cc-verify trusting the test root, its JSON report
# in $T/v.json (for expect_success and expect_failure).
verdict() {
	vfile=$1
	shift
	cc-verify --trust "$PKI/trust.pem" "$@" --json "$T/v.json" "$vfile"
}

test_case 'the test inputs: PKI, services, a certified copy'
need pdfsig qpdf pdftoppm zbarimg sqlite3 openssl jq
pki_setup && start_pki_services
active && printf '[verify]\nbase_url = %s\n' "$URLBASE" >"$CERTCOPY_CONF"
certified_copy "$T/certified.pdf" --qr "$T/qr.png"

test_case 'a fresh certified copy passes: certifier, seal, time-stamp, /DSS'
expect_success verdict "$T/certified.pdf" --register "$T/reg.db"
assert_jq "$T/v.json" '.exit_status == 0 and .documents[0].indication == "TOTAL_PASSED"
	and (.documents[0].signatures | length) == 2
	and .documents[0].signatures[0].role == "certifier"
	and .documents[0].signatures[0].docmdp == 2
	and .documents[0].signatures[1].role == "seal"
	and .documents[0].signatures[1].timestamp_token == "ok"
	and .documents[0].signatures[1].tsa_trust.indication == "TOTAL_PASSED"
	and (.documents[0].signatures | all(.digest == "ok" and .signature == "ok"
		and .trust.anchor == "certcopy Test Root CA"))
	and .documents[0].signatures[0].proven_time != null'
assert_jq "$T/v.json" ".documents[0].signatures[1].code == \"$vcode\"
	and .documents[0].register.found and .documents[0].register.copy.status == \"issued\"
	and .documents[0].register.copy.code == \"$vcode\""
# The text report: one line per signature and the verdict.
expect_success cc-verify --trust "$PKI/trust.pem" "$T/certified.pdf"
assert_stdout '^  Signature1 \(certifier, .*TOTAL_PASSED$'
assert_stdout '^  OfficeSeal \(seal, .*TOTAL_PASSED$'
assert_stdout "certified.pdf: TOTAL_PASSED$"

test_case 'offline: the copy passes on its /DSS alone; without one, TRY_LATER'
# cc-stamp's /DSS carries the validation data of both signatures' paths and
# of the time-stamping unit.
expect_success verdict "$T/certified.pdf" --offline
assert_jq "$T/v.json" '.documents[0].indication == "TOTAL_PASSED"
	and (.documents[0].signatures | all(.trust.revocation | test("in the file")))'
expect_success cc-sign -k "$PKI/certifier.p12" --pin-file "$T/certifier.pass" \
	--statement --register "$T/reg.db" --title 'Công chứng viên' \
	"$T/card.pdf" -o "$T/signed2.pdf"
expect_success cc-stamp -k "$PKI/seal.p12" --pin-file "$T/seal.pass" \
	--register "$T/reg.db" --tsa "$TSA_URL/tsa" --no-ltv "$T/signed2.pdf" \
	-o "$T/nodss.pdf"
expect_failure 1 verdict "$T/nodss.pdf" --offline
assert_jq "$T/v.json" '.documents[0].indication == "INDETERMINATE"
	and .documents[0].subindication == "TRY_LATER"
	and (.documents[0].reason | test("no revocation data"))'
# Online, the responder answers; given CRLs settle it offline.
expect_success verdict "$T/nodss.pdf"
expect_success verdict "$T/nodss.pdf" --offline --crl "$PKI/issuing.crl" --crl "$PKI/root.crl"

test_case "revocation freshness: a CA's CRL current at the proven time counts; one out of date then does not"
need faketime
# crl AGE HOURS NAME: CRLs of both CAs issued AGE ago (faketime), good for
# HOURS, as $T/NAME-root.crl and $T/NAME-issuing.crl.
crl() {
	for n in root issuing; do
		(cd "$PKI" && faketime -f "$1" openssl ca -config ca.cnf -name "ca_$n" -batch \
			-gencrl -crlhours "$2" -out "$T/$3-$n.pem" >/dev/null 2>&1 &&
			openssl crl -in "$T/$3-$n.pem" -outform DER -out "$T/$3-$n.crl") ||
			fail "cannot make the $3 CRL of $n"
	done
}
if active; then
	crl -3h 720 monthly
	crl -3h 1 lapsed
fi
# Issued three hours before the copy was sealed, current for a month: the
# status as of the proven time.
expect_success verdict "$T/nodss.pdf" --offline --crl "$T/monthly-issuing.crl" \
	--crl "$T/monthly-root.crl"
# Its nextUpdate two hours before the seal's time-stamp: it says nothing of
# that time.
expect_failure 1 verdict "$T/nodss.pdf" --offline --crl "$T/lapsed-issuing.crl" \
	--crl "$T/lapsed-root.crl"
assert_jq "$T/v.json" '.documents[0].indication == "INDETERMINATE"
	and .documents[0].subindication == "TRY_LATER"'

test_case 'a signature without its issuing CA: the path is completed from the /DSS'
# A PKCS#12 with the certifier's key and certificate alone: the CMS then
# carries no issuing CA, and cc-sign --ltv fetches it (AIA caIssuers) into
# the /DSS, where cc-verify must find it, offline.
if active; then
	openssl pkcs12 -export -in "$PKI/certifier.pem" -inkey "$PKI/certifier.key" \
		-passout file:"$T/certifier.pass" -out "$T/leaf.p12" 2>"$T/p12.err" ||
		fail "openssl pkcs12: $(cat "$T/p12.err")"
	chmod 600 "$T/leaf.p12"
fi
expect_success cc-sign -k "$T/leaf.p12" --pin-file "$T/certifier.pass" --tsa "$TSA_URL/tsa" \
	--ltv "$T/card.pdf" -o "$T/leaf.pdf"
expect_success verdict "$T/leaf.pdf" --offline
assert_jq "$T/v.json" '.documents[0].indication == "TOTAL_PASSED"
	and .documents[0].signatures[0].trust.anchor == "certcopy Test Root CA"'

test_case 'no trust anchor, or another root: NO_CERTIFICATE_CHAIN_FOUND'
expect_failure 1 cc-verify --json "$T/v.json" "$T/certified.pdf"
assert_jq "$T/v.json" '.documents[0].subindication == "NO_CERTIFICATE_CHAIN_FOUND"'
assert_stderr 'no trust anchor'
if active; then
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/other.key" -out "$T/other.pem" \
		-subj /CN=other -days 30 >/dev/null 2>&1
fi
expect_failure 1 cc-verify --trust "$T/other.pem" --json "$T/v.json" "$T/certified.pdf"
assert_jq "$T/v.json" '.documents[0].indication == "INDETERMINATE"
	and .documents[0].subindication == "NO_CERTIFICATE_CHAIN_FOUND"'
# A directory of anchors: a file in it that is no certificate is passed
# over; a directory with none is bad input.
if active; then
	mkdir -p "$T/anchors" "$T/noanchors"
	cp "$PKI/trust.pem" "$T/other.pem" "$T/anchors/"
	echo 'the office root' >"$T/anchors/README"
	cp "$T/anchors/README" "$T/noanchors/"
fi
expect_success cc-verify -q --trust "$T/anchors" "$T/certified.pdf"
expect_failure 3 cc-verify -q --trust "$T/noanchors" "$T/certified.pdf"
assert_stderr 'holds no certificate'
expect_failure 3 cc-verify -q --trust "$T/nothing.pem" "$T/certified.pdf"

test_case 'the register: by code, by hash, a revoked copy, the audit chain'
expect_success cc-verify --register "$T/reg.db" --code "$(printf %s "$vcode" | tr A-Z a-z)" --json "$T/v.json"
assert_stdout "^$vcode: issued, number 1 of book "
assert_jq "$T/v.json" ".lookup.status == \"issued\" and .lookup.number == 1 and .lookup.pages == 1"
expect_failure 1 cc-verify --register "$T/reg.db" --code 0000-0000-0000-0000
expect_failure 3 cc-verify --register "$T/reg.db" --code 'nonsense'
expect_failure 2 cc-verify --code "$vcode"
expect_success cc-verify --register "$T/reg.db" --audit
assert_stdout 'audit chain of [0-9]+ entries holds'
# A register that says the issued copy was another file.
if active; then
	cp "$T/reg.db" "$T/reg3.db"
	sqlite3 "$T/reg3.db" "UPDATE copies SET pdf_sha256 = '$(printf '%064d' 0)'"
fi
expect_failure 1 verdict "$T/certified.pdf" --register "$T/reg3.db"
assert_jq "$T/v.json" '.documents[0].subindication == "REGISTER_MISMATCH"'
if active; then
	cp "$T/reg.db" "$T/reg2.db"
fi
expect_success cc-stamp --register "$T/reg2.db" --revoke "$vcode" --reason 'issued in error'
expect_failure 1 verdict "$T/certified.pdf" --register "$T/reg2.db"
assert_jq "$T/v.json" '.documents[0].indication == "TOTAL_FAILED" and .documents[0].subindication == "REVOKED"
	and (.documents[0].reason | test("issued in error"))'
expect_failure 1 cc-verify --register "$T/reg2.db" --code "$vcode"
assert_stdout 'revoked on .*issued in error'
# An edited audit entry is found.
if active; then
	sqlite3 "$T/reg2.db" "UPDATE audit SET reason = 'nothing' WHERE action = 'revoke'" 2>"$T/sql.err" ||
		fail "cannot edit the audit log: $(cat "$T/sql.err")"
fi
expect_failure 1 cc-verify --register "$T/reg2.db" --audit --json "$T/v.json"
assert_jq "$T/v.json" '.audit.ok == false and .audit.first_bad_entry > 0'

test_case 'a printed copy: the QR code read from the page at 300 dpi names the copy'
if active; then
	n=$(pdfinfo "$T/certified.pdf" | awk '/^Pages:/ { print $2 }')
	pdftoppm -r 300 -gray -f "$n" -l "$n" -png "$T/certified.pdf" "$T/page" ||
		fail "pdftoppm failed"
	page=$(ls "$T"/page*.png | head -1)
fi
expect_success cc-verify --register "$T/reg.db" --image "$page" --json "$T/v.json"
assert_jq "$T/v.json" ".image.code == \"$vcode\" and .lookup.status == \"issued\"
	and (.image.qr | startswith(\"$URLBASE\"))"
# With the PDF: they belong together.
expect_success cc-verify --trust "$PKI/trust.pem" --register "$T/reg.db" --image "$page" "$T/certified.pdf"
# An ID card's QR code holds no verification code; a page with none.
expect_failure 3 cc-verify --register "$T/reg.db" --image "$TESTDATA/samples/idcard-front.png"
assert_stderr 'holds no verification code'
if active; then
	convert -size 200x200 xc:white "$T/blank.png"
fi
expect_failure 3 cc-verify --register "$T/reg.db" --image "$T/blank.png"
assert_stderr 'no QR code'

test_case 'several files: a summary, the worst status'
if active; then
	cp "$T/certified.pdf" "$T/bad.pdf"
	# One flipped byte inside the first signed range.
	$PY - "$T/bad.pdf" <<'EOF'
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
b[200] ^= 0x01
open(p, 'wb').write(b)
EOF
fi
expect_failure 1 cc-verify --trust "$PKI/trust.pem" "$T/certified.pdf" "$T/bad.pdf" "$T/card.pdf"
assert_stdout '^3 files: 1 passed, 2 failed, 0 indeterminate$'
assert_stdout 'bad.pdf: TOTAL_FAILED/HASH_FAILURE'
assert_stdout "card.pdf: TOTAL_FAILED/FORMAT_FAILURE: 'card.pdf' carries no signature|card.pdf: TOTAL_FAILED/FORMAT_FAILURE: '.*card.pdf' carries no signature"
# In parallel, the same reports in the same order.
if active; then
	cc-verify -j 1 --trust "$PKI/trust.pem" "$T/bad.pdf" "$T/certified.pdf" \
		"$T/card.pdf" "$T/certified.pdf" >"$T/j1" 2>&1
	cc-verify -j 3 --trust "$PKI/trust.pem" "$T/bad.pdf" "$T/certified.pdf" \
		"$T/card.pdf" "$T/certified.pdf" >"$T/j3" 2>&1
	cmp -s "$T/j1" "$T/j3" || fail "-j 3 reports differ from -j 1: $(diff "$T/j1" "$T/j3" | head -5)"
	grep -q '^4 files: 2 passed, 2 failed' "$T/j3" || fail "no summary: $(tail -1 "$T/j3")"
fi
expect_failure 2 cc-verify -j 0 "$T/certified.pdf"
expect_failure 3 cc-verify --trust "$PKI/trust.pem" "$T/nothing.pdf"
assert_stderr "cannot open '.*nothing.pdf'"
expect_failure 3 cc-verify --trust "$PKI/trust.pem" /etc/passwd
# stdin
run cc-verify --trust "$PKI/trust.pem" - <"$T/certified.pdf"
assert_eq "$STATUS" 0 "cc-verify from stdin"

test_case 'input is never modified'
if active; then
	sha256sum "$T/certified.pdf" >"$T/sum"
	cc-verify --trust "$PKI/trust.pem" "$T/certified.pdf" >/dev/null 2>&1
	sha256sum -c --quiet "$T/sum" || fail "cc-verify changed its input"
fi

# --- the attack corpus (tests/gen-attacks) ---

# pdfsig_verdicts FILE: "field<TAB>valid|invalid" per signature pdfsig
# gives a verdict on: "Signature is Valid." is valid; "has not yet been
# verified" (what it says of document time-stamps and of signatures it
# cannot read) is no verdict; anything else on its Signature Validation
# line is invalid.
pdfsig_verdicts() {
	pdfsig -nssdir "$PKI/nss" -no-ocsp "$1" 2>/dev/null | awk '
		/Signature Field Name: / { sub(/.*Signature Field Name: /, ""); f = $0 }
		/Signature Validation: / && !/not yet been verified/ {
			print f "\t" ($0 ~ /Signature is Valid/ ? "valid" : "invalid") }'
}

test_case 'the attack corpus is made (tests/gen-attacks)'
need faketime pdfsig
if active; then
	if ! "$TESTS_DIR/gen-attacks" "$T/corpus" "$PKI" "$TSA_URL/tsa" >"$T/gen.log" 2>&1; then
		fail "gen-attacks failed: $(tail -5 "$T/gen.log")"
	fi
	[ -s "$T/corpus/expect.tsv" ] || fail "no expect.tsv"
	# cc-sign --ltv's /DSS, then cc-stamp's: nothing in it twice.
	for k in Certs OCSPs CRLs; do
		n=$(dss_dump "$T/corpus/base.pdf" "$k" "$T/dss-$k")
		[ "$n" -gt 0 ] || fail "base.pdf: no /DSS /$k"
		dups=$(for f in "$T"/dss-"$k".*; do sha256sum <"$f"; done | sort | uniq -d | wc -l)
		[ "$dups" = 0 ] || fail "base.pdf: /DSS /$k holds $dups stream(s) twice"
	done
fi

if [ -s "$T/corpus/expect.tsv" ]; then
	while IFS='	' read -r name want sub re opts desc; do
		case $name in '' | '#'*) continue ;; esac
		test_case "corpus $name: $want${sub:+/$sub} ($desc)"
		[ "$opts" = - ] && opts=""
		opts=$(printf '%s' "$opts" | sed "s|\\\$PKI|$PKI|g")
		# shellcheck disable=SC2086
		run cc-verify --trust "$PKI/trust.pem" $opts --json "$T/c.json" "$T/corpus/$name"
		if [ "$STATUS" -gt 128 ]; then
			fail "cc-verify crashed (signal $((STATUS - 128)))"
			show_err
			continue
		fi
		got=$(jq_val "$T/c.json" '.documents[0].indication')
		gotsub=$(jq_val "$T/c.json" '.documents[0].subindication // "-"')
		why=$(jq_val "$T/c.json" '.documents[0].reason // ""')
		case $want in
		TOTAL_PASSED) [ "$got" = TOTAL_PASSED ] && [ "$STATUS" = 0 ] ;;
		NOT_PASSED) [ "$got" = TOTAL_FAILED ] || [ "$got" = INDETERMINATE ] ;;
		*) [ "$got" = "$want" ] ;;
		esac || fail "indication $got/$gotsub (exit $STATUS), expected $want: $why"
		[ "$want" = TOTAL_PASSED ] || [ "$STATUS" = 1 ] || [ "$STATUS" = 3 ] ||
			fail "exit $STATUS for $got"
		[ "$sub" = - ] || [ "$gotsub" = "$sub" ] ||
			fail "sub-indication $gotsub, expected $sub: $why"
		[ "$re" = - ] || printf '%s\n' "$why" | grep -Eqi -- "$re" ||
			fail "reason does not match '$re': $why"
		# The digest verdict agrees with pdfsig's on every signature both
		# could read.
		pdfsig_verdicts "$T/corpus/$name" >"$T/ps.tsv"
		jq -r '.documents[0].signatures[]? | select(.structure == "ok" and .digest != "not checked")
			| "\(.field)\t\(if .digest == "ok" and .signature == "ok" then "valid" else "invalid" end)"' \
			"$T/c.json" >"$T/cc.tsv" 2>/dev/null
		while IFS='	' read -r field mine; do
			theirs=$(awk -F'\t' -v f="$field" '$1 == f { print $2 }' "$T/ps.tsv" | head -1)
			[ -z "$theirs" ] || [ "$theirs" = "$mine" ] ||
				fail "signature '$field': cc-verify says $mine, pdfsig says $theirs"
		done <"$T/cc.tsv"
	done <"$T/corpus/expect.tsv"
fi

finish
