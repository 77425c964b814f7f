#!/bin/bash
# cc-sign: PAdES signatures checked by validators nobody here wrote (pdfsig
# with an NSS database trusting the test root and asking the test OCSP
# responder, mutool sign -v, qpdf --check, openssl cms -verify and ts
# -verify, pdftotext), over inputs from many producers; refusals of bad
# input, keys and TSAs with nothing written.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3

# sig_parts FILE [N]: the N-th signature (default the last) of FILE into
# $T/sig.der (the CMS, padding removed), $T/signed.bin (the two byte ranges)
# and $T/range (the four numbers).
sig_parts() {
	$PY - "$1" "${2:-0}" "$T" <<-'PYEOF'
	import re, sys
	data = open(sys.argv[1], "rb").read()
	sigs = list(re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data))
	n = int(sys.argv[2])
	m = sigs[n - 1] if n else sigs[-1]
	a, b, c, d = (int(x) for x in m.groups())
	gap = data[a + b:c]
	assert gap[:1] == b"<" and gap[-1:] == b">", "the gap is not one hex string"
	der = bytes.fromhex(gap[1:-1].decode())
	out = sys.argv[3]
	assert der[0] == 0x30, "the /Contents is not a DER SEQUENCE"
	n, h = der[1], 2
	if n & 0x80:
	    k = n & 0x7f
	    n, h = int.from_bytes(der[2:2 + k], "big"), 2 + k
	assert not any(der[h + n:]), "padding that is not zeros"
	open(out + "/sig.der", "wb").write(der[:h + n])
	open(out + "/signed.bin", "wb").write(data[a:a + b] + data[c:c + d])
	open(out + "/range", "w").write("%d %d %d %d\n" % (a, b, c, d))
	PYEOF
}

# pdfsig_ok FILE [FIELD [partial]]: pdfsig finds the signature in FIELD
# (default: the last signed one) valid and trusted; the last signed one
# covers the whole document unless "partial" says that an update without a
# signature (/DSS) follows it.
pdfsig_ok() {
	active || return 0
	pdfsig -nssdir "$PKI/nss" "$1" >"$T/pdfsig" 2>&1
	# One line per signature: "FIELD<TAB>signed|unsigned".
	awk '/^Signature #/ { if (f != "") print f "\t" st; f = ""; st = "signed" }
		/Signature Field Name:/ { sub(/.*Signature Field Name: /, ""); f = $0 }
		/is not signed/ { st = "unsigned" }
		END { if (f != "") print f "\t" st }' "$T/pdfsig" >"$T/pdfsig.fields"
	last=$(awk -F '\t' '$2 == "signed" { f = $1 } END { print f }' "$T/pdfsig.fields")
	field=${2:-$last}
	awk -v f="$field" '/^Signature #/ { s = 0 } /Signature Field Name: / { s = ($0 ~ ": " f "$") } s' \
		"$T/pdfsig" >"$T/pdfsig.one"
	grep -q 'Signature Validation: Signature is Valid' "$T/pdfsig.one" ||
		fail "pdfsig: signature $field of $1 not valid: $(cat "$T/pdfsig")"
	grep -q 'Certificate Validation: Certificate is Trusted' "$T/pdfsig.one" ||
		fail "pdfsig: signature $field of $1 not trusted: $(cat "$T/pdfsig")"
	if [ "$field" = "$last" ] && [ "${3:-}" != partial ]; then
		grep -q 'Total document signed' "$T/pdfsig.one" ||
			fail "pdfsig: $1 not totally signed: $(cat "$T/pdfsig")"
	fi
}

# mutool_ok FILE [edits]: mutool finds the signatures valid and the file
# unchanged since; with "edits", changes after (a /DSS, which mutool 1.21
# does not tell from other edits) are allowed.
mutool_ok() {
	active || return 0
	mutool sign -v "$1" >"$T/mutool" 2>&1 || fail "mutool sign -v failed on $1"
	grep -q 'The document is unchanged since signing' "$T/mutool" ||
		grep -q 'changes made since signing are permitted' "$T/mutool" ||
		{ [ "${2:-}" = edits ] && grep -q 'The signature is valid but there have been edits' "$T/mutool"; } ||
		fail "mutool: $1: $(cat "$T/mutool")"
	grep -qi 'signature is not valid\|digest mismatch' "$T/mutool" &&
		fail "mutool: $1: $(cat "$T/mutool")"
	return 0
}

qpdf_ok() {
	active || return 0
	qpdf --check "$1" >"$T/qpdf" 2>&1 || fail "qpdf --check $1: $(cat "$T/qpdf")"
	grep -q 'No syntax or stream encoding errors found' "$T/qpdf" &&
		! grep -qi 'warning' "$T/qpdf" || fail "qpdf --check $1: $(cat "$T/qpdf")"
}

# cms_ok FILE: openssl verifies the last signature over its byte ranges, and
# its signed attributes are exactly content-type, message-digest and
# signing-certificate-v2.
cms_ok() {
	active || return 0
	sig_parts "$1" || { fail "cannot take the signature out of $1"; return; }
	openssl cms -verify -binary -inform DER -in "$T/sig.der" \
		-content "$T/signed.bin" -CAfile "$PKI/root.pem" \
		-purpose any -out /dev/null \
		>"$T/cms.log" 2>&1 || fail "openssl cms -verify $1: $(cat "$T/cms.log")"
	openssl cms -cmsout -print -inform DER -in "$T/sig.der" >"$T/cms.txt" 2>&1
	attrs=$(sed -n '/^ *signedAttrs:/,/signatureAlgorithm:/p' "$T/cms.txt" |
		sed -n 's/^ *object: \([^ ]*\) .*/\1/p' | sort | tr '\n' ' ')
	assert_eq "$attrs" "contentType id-smime-aa-signingCertificateV2 messageDigest " \
		"signed attributes of $1"
	grep -q 'd.signedData' "$T/cms.txt" || fail "not a SignedData"
	grep -q 'eContent: <ABSENT>' "$T/cms.txt" || fail "the CMS is not detached"
}

# prefix_kept IN OUT: OUT begins with IN byte for byte.
prefix_kept() {
	active || return 0
	cmp -s -n "$(stat -c %s "$1")" "$1" "$2" ||
		fail "$2 does not begin with the bytes of $1"
}

SIGN="--pin-file $T/certifier.pass"

test_case 'the test inputs: PKI, services, PDFs from many producers'
need pdfsig mutool qpdf pdftotext openssl pk12util gs tesseract jq
pki_setup && start_pki_services
if active; then
	for n in certifier certifier-ec certifier-legacy expired nousage mismatch revoked; do
		install -m 600 "$PKI/$n.pass" "$T/$n.pass"
	done
	"$TESTS_DIR/gen-pdfs" "$T/pdfs" "$PKI" >"$T/gen.log" 2>&1 ||
		fail "gen-pdfs failed: $(cat "$T/gen.log")"
	expect_success cc-ocr -q "$TESTDATA/samples/idcard-front.png" -o "$T/card.pdf"
fi

test_case 'a cc-ocr copy signed with an RSA key from a PKCS#12 file (B-B)'
sha_before=$(sha256sum "$T/card.pdf" 2>/dev/null)
expect_success cc-sign -k "$PKI/certifier.p12" $SIGN "$T/card.pdf" \
	-o "$T/card-signed.pdf" --json "$T/card.json" --reason 'Chứng thực bản sao'
pdfsig_ok "$T/card-signed.pdf"
mutool_ok "$T/card-signed.pdf"
qpdf_ok "$T/card-signed.pdf"
cms_ok "$T/card-signed.pdf"
prefix_kept "$T/card.pdf" "$T/card-signed.pdf"
assert_eq "$(sha256sum "$T/card.pdf" 2>/dev/null)" "$sha_before" "input unchanged"
assert_jq "$T/card.json" '.signed[0] | .level == "B-B" and .certification_level == 2
	and .digest_algorithm == "SHA-256" and .signer == "Nguyễn Văn An"
	and (.byte_range | length) == 4 and .byte_range[0] == 0'
assert_eq "$(jq -r '.signed[0].byte_range | map(tostring) | join(" ")' "$T/card.json" 2>/dev/null)" \
	"$(cat "$T/range" 2>/dev/null | tr -d '\n')" "the reported byte range"
assert_eq "$(jq -r '.signed[0].digest' "$T/card.json" 2>/dev/null)" \
	"$(sha256sum <"$T/signed.bin" 2>/dev/null | cut -c1-64)" "the reported digest"
grep -aq '/SubFilter */ETSI.CAdES.detached' "$T/card-signed.pdf" || fail "not ETSI.CAdES.detached"
grep -aq '/TransformMethod */DocMDP' "$T/card-signed.pdf" || fail "no DocMDP"
grep -aq "/Reason *<FEFF$(printf 'Chứng thực bản sao' | iconv -f UTF-8 -t UTF-16BE | od -An -tx1 | tr -d ' \n' | tr a-f A-F)>" \
	"$T/card-signed.pdf" || fail "no /Reason in UTF-16"
assert_no_temp "$T"

test_case 'ECDSA P-256, a legacy PKCS#12 file, RSA-PSS, SHA-384 and SHA-512'
expect_success cc-sign -k "$PKI/certifier-ec.p12" --pin-file "$T/certifier-ec.pass" \
	"$T/card.pdf" -o "$T/ec.pdf"
pdfsig_ok "$T/ec.pdf"
cms_ok "$T/ec.pdf"
grep -q 'ecdsa-with-SHA256' "$T/cms.txt" || fail "not ecdsa-with-SHA256"
expect_success cc-sign -k "$PKI/certifier-legacy.p12" --pin-file "$T/certifier-legacy.pass" \
	"$T/card.pdf" -o "$T/legacy.pdf"
pdfsig_ok "$T/legacy.pdf"
expect_success cc-sign -k "$PKI/certifier.p12" $SIGN --pss --digest sha384 \
	"$T/card.pdf" -o "$T/pss.pdf"
cms_ok "$T/pss.pdf"
grep -q 'rsassaPss' "$T/cms.txt" || fail "not RSASSA-PSS"
pdfsig_ok "$T/pss.pdf"
# mutool 1.21 cannot verify RSASSA-PSS ("Digest error"): not asked.
expect_success cc-sign -k "$PKI/certifier.p12" $SIGN --digest sha512 \
	"$T/card.pdf" -o "$T/sha512.pdf"
pdfsig_ok "$T/sha512.pdf"
cms_ok "$T/sha512.pdf"
grep -q 'Signing Hash Algorithm: SHA-512' "$T/pdfsig" || fail "pdfsig: not SHA-512"

test_case 'the certification page: statement exactly, watermark, visible signature'
expect_success cc-sign -k "$PKI/certifier.p12" $SIGN --statement --number 123 \
	--title 'Công chứng viên' --date 2026-11-28 "$T/pdfs/gs.pdf" -o "$T/st.pdf"
pdfsig_ok "$T/st.pdf"
mutool_ok "$T/st.pdf"
qpdf_ok "$T/st.pdf"
assert_eq "$(pdfinfo "$T/st.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')" 3 "pages: 2 scanned + 1"
pdftotext -f 3 -l 3 "$T/st.pdf" - 2>/dev/null | sed '/^$/d; s/  */ /g' | head -7 >"$T/st.txt"
cat >"$T/st.want" <<-'EOF'
	CHỨNG THỰC BẢN SAO ĐIỆN TỬ TỪ BẢN CHÍNH
	Chứng thực bản sao đúng với bản chính.
	Số chứng thực: 123 Quyển số: 01/2026-SCTĐT/BS
	Ngày 28 tháng 11 năm 2026
	Người thực hiện chứng thực: Nguyễn Văn An, Công chứng viên
	Cơ quan: Trung tâm Phục vụ hành chính công (demo)
	Bản sao gồm 2 trang; lệ phí: 4.000 đồng
EOF
cmp -s "$T/st.txt" "$T/st.want" || fail "statement text: $(diff "$T/st.want" "$T/st.txt")"
$PY -c 'import sys,unicodedata; t=open(sys.argv[1],encoding="utf-8").read(); sys.exit(t != unicodedata.normalize("NFC", t))' \
	"$T/st.txt" || fail "the statement does not extract as NFC"
pdftotext -f 1 -l 2 "$T/st.pdf" - 2>/dev/null | grep -q TTPVHCC &&
	fail "the watermark is extractable text"
pdftotext -f 1 -l 2 "$T/pdfs/gs.pdf" "$T/gs.txt" 2>/dev/null
pdftotext -f 1 -l 2 "$T/st.pdf" "$T/st12.txt" 2>/dev/null
cmp -s "$T/gs.txt" "$T/st12.txt" || fail "the scanned pages' text changed"
grep -q 'Signature Field Name: Signature1' "$T/pdfsig" || fail "no Signature1"
# The watermark is drawn: page 1 renders differently from the original.
if active; then
	pdftoppm -r 30 -f 1 -l 1 -gray "$T/pdfs/gs.pdf" "$T/a" && pdftoppm -r 30 -f 1 -l 1 -gray "$T/st.pdf" "$T/b"
	cmp -s "$T"/a-1.pgm "$T"/b-1.pgm && fail "no watermark on page 1"
fi

# widget_rect FILE FIELD: the /Rect of the signature widget named FIELD.
widget_rect() {
	o=$(qpdf --json --json-key=acroform "$1" 2>/dev/null |
		jq -r --arg f "$2" '.acroform.fields[] | select(.fullname == $f) | .annotation.object')
	qpdf --json --json-key=qpdf --json-object="${o%% *}" "$1" 2>/dev/null |
		jq -r '.qpdf[1][] | .value["/Rect"] | map(floor) | map(tostring) | join(" ")'
}

test_case 'the place of the seal: an empty field on the certification page with the number and book'
if active; then
	o=$(qpdf --json --json-key=acroform "$T/st.pdf" 2>/dev/null |
		jq -r '.acroform.fields[] | select(.fullname == "OfficeSeal") | select(.value == null) | .annotation.object')
	[ -n "$o" ] || fail "no empty OfficeSeal field"
	qpdf --json --json-key=qpdf --json-object="${o%% *}" "$T/st.pdf" 2>/dev/null |
		jq -c '.qpdf[1][] | .value | [.["/CcNumber"], .["/CcBook"], .["/CcPages"], .["/CcCertifier"], .["/FT"]]' >"$T/sealfield"
	assert_eq "$(cat "$T/sealfield")" '[123,"u:01/2026-SCTĐT/BS",2,"u:Nguyễn Văn An","/Sig"]' "the seal field's entries"
fi
assert_eq "$(widget_rect "$T/st.pdf" OfficeSeal | awk '{ print ($3 - $1 >= 170), ($4 - $2 >= 170) }')" "1 1" \
	"the seal's place is at least 170 x 170"

test_case 'where the signature shows: on the certification page, at --rect, or nowhere'
# On the certification page (page 3), in the box the page keeps for it.
assert_eq "$(qpdf --json --json-key=acroform "$T/st.pdf" 2>/dev/null |
	jq '.acroform.fields[] | select(.fullname == "Signature1") | .pageposfrom1')" 3 \
	"the widget's page"
assert_eq "$(widget_rect "$T/st.pdf" Signature1 | awk '{ print $3 - $1, $4 - $2 }')" "220 100" \
	"the widget's size"
expect_success cc-sign -k "$PKI/certifier.p12" $SIGN --rect 50,60,200,80 --page 1 \
	"$T/pdfs/gs.pdf" -o "$T/rect.pdf"
pdfsig_ok "$T/rect.pdf"
assert_eq "$(widget_rect "$T/rect.pdf" Signature1)" "50 60 250 140" "widget at --rect"
expect_success cc-sign -k "$PKI/certifier.p12" $SIGN --statement --number 9 --invisible \
	"$T/pdfs/gs.pdf" -o "$T/invis.pdf"
pdfsig_ok "$T/invis.pdf"
assert_eq "$(widget_rect "$T/invis.pdf" Signature1)" "0 0 0 0" "an invisible widget"
assert_eq "$(pdfinfo "$T/invis.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')" 3 "the page is there"
expect_failure 2 cc-sign -k "$PKI/certifier.p12" $SIGN --rect 50,60,200,80 --page 7 \
	"$T/pdfs/gs.pdf" -o "$T/rect7.pdf"
assert_stderr "no page 7"
assert_no_file "$T/rect7.pdf"

test_case 'DocMDP: a document certified with no changes allowed is not signed again'
expect_success cc-sign -k "$PKI/certifier.p12" $SIGN --certify-level 1 "$T/card.pdf" -o "$T/p1.pdf"
grep -aq '/P 1 ' "$T/p1.pdf" || fail "no /P 1 in the DocMDP parameters"
pdfsig_ok "$T/p1.pdf"
expect_failure 3 cc-sign -k "$PKI/certifier-ec.p12" --pin-file "$T/certifier-ec.pass" \
	"$T/p1.pdf" -o "$T/p1-again.pdf"
assert_stderr "DocMDP P=1"
assert_no_file "$T/p1-again.pdf"
expect_success cc-sign -k "$PKI/certifier.p12" $SIGN --approval "$T/card.pdf" -o "$T/appr.pdf"
grep -aq '/DocMDP' "$T/appr.pdf" && fail "--approval made a certification signature"

test_case 'the PIN typed on the terminal'
need script
if active; then
	# script(1) gives cc-sign a terminal; the PIN goes in through it and
	# must not come back out (echo off).
	# The prompt discards what was typed ahead (TCSAFLUSH): type after it.
	{ sleep 1; printf 'test1234\n'; } | script -qec "$CC_BUILD/bin/cc-sign -k $PKI/certifier.p12 $T/card.pdf -o $T/tty.pdf" \
		/dev/null >"$T/tty.log" 2>&1 || fail "cc-sign with a typed PIN failed: $(cat "$T/tty.log")"
	grep -q "PIN for" "$T/tty.log" || fail "no prompt: $(cat "$T/tty.log")"
	grep -q test1234 "$T/tty.log" && fail "the PIN was echoed"
fi
pdfsig_ok "$T/tty.pdf"
if active; then
	{ sleep 1; printf 'nope\n'; } | script -qec "$CC_BUILD/bin/cc-sign -k $PKI/certifier.p12 $T/card.pdf -o $T/tty2.pdf" \
		/dev/null >"$T/tty2.log" 2>&1
	grep -q "wrong PIN" "$T/tty2.log" || fail "a wrong typed PIN: $(cat "$T/tty2.log")"
fi
assert_no_file "$T/tty2.pdf"
# No terminal and no --pin-file: a clear refusal, not a hang.
expect_failure 4 setsid cc-sign -k "$PKI/certifier.p12" "$T/card.pdf" -o "$T/notty.pdf"
assert_stderr "give --pin-file"

test_case 'a PKCS#11 token (SoftHSM2): sign, batch, wrong PIN, no secrets in the URI'
softhsm_setup "$T/hsm"
URI='pkcs11:token=cc-test;object=certifier'
expect_success cc-sign -k "$URI" --module "$SOFTHSM_MODULE" --pin-file "$T/hsm/pin" \
	--chain "$PKI/chain.pem" "$T/card.pdf" -o "$T/hsm.pdf" --json "$T/hsm.json"
pdfsig_ok "$T/hsm.pdf"
mutool_ok "$T/hsm.pdf"
cms_ok "$T/hsm.pdf"
assert_jq "$T/hsm.json" '.signed[0].signer == "Nguyễn Văn An"'
if active; then
	printf '%s\t%s\n' "$T/card.pdf" "$T/hsm-b1.pdf" "$T/pdfs/gs.pdf" "$T/hsm-b2.pdf" >"$T/hsm-batch.txt"
fi
expect_success cc-sign -k "$URI" --module "$SOFTHSM_MODULE" --pin-file "$T/hsm/pin" \
	--chain "$PKI/chain.pem" --batch -j 2 <"$T/hsm-batch.txt"
pdfsig_ok "$T/hsm-b1.pdf"
pdfsig_ok "$T/hsm-b2.pdf"
if active; then
	(umask 077 && printf '9999' >"$T/hsm/badpin")
fi
expect_failure 4 cc-sign -k "$URI" --module "$SOFTHSM_MODULE" --pin-file "$T/hsm/badpin" \
	"$T/card.pdf" -o "$T/hsm-bad.pdf"
assert_stderr "wrong PIN"
assert_no_file "$T/hsm-bad.pdf"
expect_failure 2 cc-sign -k "$URI?pin-value=1234" --module "$SOFTHSM_MODULE" \
	"$T/card.pdf" -o "$T/hsm-pv.pdf"
assert_no_file "$T/hsm-pv.pdf"
expect_failure 4 cc-sign -k 'pkcs11:token=no-such-token;object=certifier' \
	--module "$SOFTHSM_MODULE" --pin-file "$T/hsm/pin" "$T/card.pdf" -o "$T/hsm-none.pdf"
assert_no_file "$T/hsm-none.pdf"

test_case 'a signature time-stamp (B-T) that openssl ts -verify accepts'
expect_success cc-sign -k "$PKI/certifier.p12" $SIGN --tsa "$TSA_URL/tsa" \
	"$T/card.pdf" -o "$T/bt.pdf" --json "$T/bt.json"
pdfsig_ok "$T/bt.pdf"
cms_ok "$T/bt.pdf"
assert_jq "$T/bt.json" '.signed[0].level == "B-T" and (.signed[0].timestamp | test("^20[0-9-]+T"))'
if active; then
	# The token is the value of the unsigned attribute; its imprint is
	# over the signature value, the SignerInfo's last OCTET STRING.
	openssl asn1parse -inform DER -in "$T/sig.der" >"$T/asn1" 2>&1
	tst=$(grep -A2 'id-smime-aa-timeStampToken' "$T/asn1" | sed -n 's/^ *\([0-9]*\):.*SEQUENCE.*/\1/p' | head -1)
	sigv=$(grep -B1 'cont \[ 1 \]' "$T/asn1" | sed -n 's/^ *\([0-9]*\):.*OCTET STRING.*/\1/p' | tail -1)
	openssl asn1parse -inform DER -in "$T/sig.der" -strparse "$tst" -noout -out "$T/tst.der" 2>/dev/null ||
		fail "no time-stamp token in the signature"
	openssl asn1parse -inform DER -in "$T/sig.der" -offset "$sigv" -noout -out /dev/null 2>/dev/null
	$PY - "$T/sig.der" "$sigv" "$T/sigvalue.bin" <<-'PYEOF'
	import sys
	d = open(sys.argv[1], "rb").read(); o = int(sys.argv[2])
	assert d[o] == 4
	l = d[o + 1]; h = 2
	if l & 0x80:
	    n = l & 0x7f; l = int.from_bytes(d[o + 2:o + 2 + n], "big"); h = 2 + n
	open(sys.argv[3], "wb").write(d[o + h:o + h + l])
	PYEOF
	openssl ts -verify -token_in -in "$T/tst.der" -data "$T/sigvalue.bin" \
		-CAfile "$PKI/root.pem" -untrusted "$PKI/chain.pem" >"$T/ts.log" 2>&1 ||
		fail "openssl ts -verify: $(cat "$T/ts.log")"
fi


test_case 'long-term validation (B-LT) and an archive time-stamp (B-LTA)'
expect_success cc-sign -k "$PKI/certifier.p12" $SIGN --tsa "$TSA_URL/tsa" --ltv \
	"$T/card.pdf" -o "$T/lt.pdf" --json "$T/lt.json"
assert_jq "$T/lt.json" '.signed[0].level == "B-LT" and .signed[0].dss.certs >= 3
	and (.signed[0].dss.ocsps + .signed[0].dss.crls) >= 2'
pdfsig_ok "$T/lt.pdf" Signature1 partial
mutool_ok "$T/lt.pdf" edits
qpdf_ok "$T/lt.pdf"
prefix_kept "$T/card.pdf" "$T/lt.pdf"
if active; then
	n=$(dss_dump "$T/lt.pdf" OCSPs "$T/ocsp")
	[ "$n" -ge 1 ] || fail "no OCSP response in /DSS"
	openssl ocsp -respin "$T/ocsp.1" -resp_text -noverify >"$T/ocsp.txt" 2>&1 ||
		fail "openssl ocsp cannot read the /DSS response: $(cat "$T/ocsp.txt")"
	grep -q 'Cert Status: good' "$T/ocsp.txt" || fail "OCSP: $(cat "$T/ocsp.txt")"
	n=$(dss_dump "$T/lt.pdf" Certs "$T/cert")
	for i in $(seq 1 "$n"); do
		openssl x509 -inform DER -in "$T/cert.$i" -noout -subject
	done >"$T/dss-subjects" 2>&1
	grep -q 'Test Root CA' "$T/dss-subjects" || fail "no root in /DSS: $(cat "$T/dss-subjects")"
	grep -q 'Nguy' "$T/dss-subjects" || fail "no signer in /DSS"
fi
expect_success cc-sign -k "$PKI/certifier.p12" $SIGN --tsa "$TSA_URL/tsa" --ltv --archive \
	"$T/card.pdf" -o "$T/lta.pdf" --json "$T/lta.json"
assert_jq "$T/lta.json" '.signed[0].level == "B-LTA" and (.signed[0].archive_timestamp | test("^20"))'
# pdfsig 22.12 lists the document time-stamp but cannot check it
# ("Signature Type: unknown"); openssl ts -verify does, below.
pdfsig_ok "$T/lta.pdf" Signature1 partial
grep -q 'Signer Certificate Common Name: certcopy Test TSA' "$T/pdfsig" ||
	fail "no document time-stamp: $(cat "$T/pdfsig")"
grep -aq '/SubFilter */ETSI.RFC3161' "$T/lta.pdf" || fail "not ETSI.RFC3161"
qpdf_ok "$T/lta.pdf"
if active; then
	sig_parts "$T/lta.pdf"
	openssl ts -verify -token_in -in "$T/sig.der" -data "$T/signed.bin" \
		-CAfile "$PKI/root.pem" -untrusted "$PKI/chain.pem" >"$T/ts.log" 2>&1 ||
		fail "openssl ts -verify of the document time-stamp: $(cat "$T/ts.log")"
fi
# Offline: only given CRLs; none given is a failure, and a revoked
# certifier is refused.
expect_success cc-sign -k "$PKI/certifier.p12" $SIGN --ltv --offline \
	--crl "$PKI/issuing.crl" --crl "$PKI/root.crl" "$T/card.pdf" -o "$T/lt-off.pdf" \
	--json "$T/lt-off.json"
assert_jq "$T/lt-off.json" '.signed[0].level == "B-LT" and .signed[0].dss.crls == 2'
pdfsig_ok "$T/lt-off.pdf" Signature1 partial
expect_failure 4 cc-sign -k "$PKI/certifier.p12" $SIGN --ltv --offline "$T/card.pdf" -o "$T/lt-none.pdf"
assert_stderr "no revocation data"
assert_no_file "$T/lt-none.pdf"
expect_failure 4 cc-sign -k "$PKI/revoked.p12" --pin-file "$T/revoked.pass" --ltv \
	"$T/card.pdf" -o "$T/lt-rev.pdf"
assert_stderr "revoked"
assert_no_file "$T/lt-rev.pdf"
expect_failure 2 cc-sign -k "$PKI/certifier.p12" $SIGN --ltv --archive "$T/card.pdf" -o "$T/lt-x.pdf"

test_case 'a failing TSA: exit 4, nothing written'
for path in tsa-error tsa-garbage tsa-wrong-nonce; do
	expect_failure 4 cc-sign -k "$PKI/certifier.p12" $SIGN --tsa "$TSA_URL/$path" \
		"$T/card.pdf" -o "$T/tsa-$path.pdf"
	assert_no_file "$T/tsa-$path.pdf"
done
expect_failure 4 cc-sign -k "$PKI/certifier.p12" $SIGN --tsa "http://127.0.0.1:$(free_port)/tsa" \
	"$T/card.pdf" -o "$T/tsa-down.pdf"
assert_stderr "cannot reach"
assert_no_file "$T/tsa-down.pdf"
expect_failure 4 cc-sign -k "$PKI/certifier.p12" $SIGN --tsa-timeout 1 \
	--tsa "$TSA_URL/tsa-slow" "$T/card.pdf" -o "$T/tsa-slow.pdf"
assert_no_file "$T/tsa-slow.pdf"
assert_no_temp "$T"

test_case 'a second signature approves, and the certification stays valid'
expect_success cc-sign -k "$PKI/certifier-ec.p12" --pin-file "$T/certifier-ec.pass" \
	"$T/st.pdf" -o "$T/two.pdf" --json "$T/two.json"
prefix_kept "$T/st.pdf" "$T/two.pdf"
assert_jq "$T/two.json" '.signed[0].certification_level == 0 and .signed[0].field == "Signature2"'
pdfsig_ok "$T/two.pdf" Signature1
pdfsig_ok "$T/two.pdf" Signature2
mutool_ok "$T/two.pdf"
qpdf_ok "$T/two.pdf"

test_case 'inputs from many producers sign cleanly and stay valid'
# signed.pdf is signed by the certifier already: the office's seal key
# signs after it (pdfsig 22.12 cannot check the same certificate twice in
# one file: "Unknown issue with Certificate").
for f in gs cairo imagemagick tesseract xrefstream linearized ten-pages form signed; do
	active || break
	key=certifier
	[ "$f" = signed ] && key=certifier-ec
	expect_success cc-sign -k "$PKI/$key.p12" --pin-file "$T/$key.pass" "$T/pdfs/$f.pdf" \
		-o "$T/p-$f.pdf" --json "$T/p-$f.json" || continue
	pdfsig_ok "$T/p-$f.pdf"
	mutool_ok "$T/p-$f.pdf"
	qpdf_ok "$T/p-$f.pdf"
	cms_ok "$T/p-$f.pdf"
	assert_jq "$T/p-$f.json" '.signed[0].normalized == false' "$f.pdf extended, not rewritten"
	prefix_kept "$T/pdfs/$f.pdf" "$T/p-$f.pdf"
done
# The update keeps the cross-reference form of the revision it extends.
tail -c 600 "$T/p-xrefstream.pdf" 2>/dev/null | grep -aq '/Type */XRef' ||
	fail "xrefstream.pdf: the update has no cross-reference stream"
tail -c 2000 "$T/p-gs.pdf" 2>/dev/null | grep -aq '^xref' ||
	fail "gs.pdf: the update has no cross-reference table"
# The earlier pdfsig signature still verifies; ours is an approval.
pdfsig_ok "$T/p-signed.pdf" Signature1
assert_jq "$T/p-signed.json" '.signed[0].certification_level == 0'
assert_eq "$(pdfinfo "$T/p-ten-pages.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')" 10 "ten pages"

test_case 'an empty signature field of a form is signed in place'
expect_success cc-sign -k "$PKI/certifier.p12" $SIGN --field Certifier \
	"$T/pdfs/form.pdf" -o "$T/field.pdf"
pdfsig_ok "$T/field.pdf"
grep -q 'Signature Field Name: Certifier' "$T/pdfsig" || fail "not in field Certifier: $(cat "$T/pdfsig")"
assert_eq "$(grep -c '^Signature #' "$T/pdfsig")" 1 "one signature field signed"
expect_failure 2 cc-sign -k "$PKI/certifier.p12" $SIGN --field Certifier \
	"$T/field.pdf" -o "$T/field2.pdf"
assert_stderr "signed already"
assert_no_file "$T/field2.pdf"
expect_failure 2 cc-sign -k "$PKI/certifier.p12" $SIGN --field FullName \
	"$T/pdfs/form.pdf" -o "$T/field3.pdf"
assert_stderr "not a signature field"

test_case 'encrypted, broken and non-PDF input: exit 3, nothing written'
for f in encrypted encrypted-nopass broken notpdf; do
	expect_failure 3 cc-sign -k "$PKI/certifier.p12" $SIGN "$T/pdfs/$f.pdf" -o "$T/bad-$f.pdf"
	assert_no_file "$T/bad-$f.pdf"
done
expect_failure 3 cc-sign -k "$PKI/certifier.p12" $SIGN "$T/pdfs/encrypted.pdf" -o "$T/x.pdf"
assert_stderr "^cc-sign: '.*encrypted.pdf' is encrypted"
expect_failure 3 cc-sign -k "$PKI/certifier.p12" $SIGN "$T/pdfs/notpdf.pdf" -o "$T/x.pdf"
assert_stderr "is not a PDF file"
expect_failure 3 cc-sign -k "$PKI/certifier.p12" $SIGN "$T/missing.pdf" -o "$T/x.pdf"
assert_stderr "cannot open '.*missing.pdf': No such file"
assert_no_temp "$T"

test_case 'a damaged file without signatures is rewritten by qpdf first'
if active; then
	# Shift every object: the cross-reference table's offsets are all wrong.
	{ head -c 9 "$T/pdfs/gs.pdf"; printf '%%junk line\n'; tail -c +10 "$T/pdfs/gs.pdf"; } >"$T/shifted.pdf"
fi
expect_success cc-sign -k "$PKI/certifier.p12" $SIGN "$T/shifted.pdf" -o "$T/shifted-signed.pdf" \
	--json "$T/shifted.json"
assert_jq "$T/shifted.json" '.signed[0].normalized == true'
pdfsig_ok "$T/shifted-signed.pdf"
qpdf_ok "$T/shifted-signed.pdf"

test_case 'key refusals: wrong PIN, expired, no signing usage, mismatch, readable PIN file'
if active; then
	printf 'wrong\n' >"$T/wrong.pass"
	chmod 600 "$T/wrong.pass"
	install -m 644 "$PKI/certifier.pass" "$T/open.pass"
fi
expect_failure 4 cc-sign -k "$PKI/certifier.p12" --pin-file "$T/wrong.pass" "$T/card.pdf" -o "$T/k1.pdf"
assert_stderr "wrong PIN"
expect_failure 4 cc-sign -k "$PKI/expired.p12" --pin-file "$T/expired.pass" "$T/card.pdf" -o "$T/k2.pdf"
assert_stderr "expired"
expect_failure 4 cc-sign -k "$PKI/nousage.p12" --pin-file "$T/nousage.pass" "$T/card.pdf" -o "$T/k3.pdf"
assert_stderr "neither digitalSignature nor nonRepudiation"
expect_failure 4 cc-sign -k "$PKI/mismatch.p12" --pin-file "$T/mismatch.pass" "$T/card.pdf" -o "$T/k4.pdf"
assert_stderr "does not match"
expect_failure 4 cc-sign -k "$PKI/certifier.p12" --pin-file "$T/open.pass" "$T/card.pdf" -o "$T/k5.pdf"
assert_stderr "readable by others"
for k in k1 k2 k3 k4 k5; do assert_no_file "$T/$k.pdf"; done
assert_no_temp "$T"

test_case 'batch: one key load, a bad document reported, the others signed'
if active; then
	printf '%s\t%s\n' "$T/card.pdf" "$T/b1.pdf" "$T/pdfs/notpdf.pdf" "$T/b2.pdf" \
		"$T/pdfs/cairo.pdf" "$T/b3.pdf" "$T/pdfs/form.pdf" "$T/b4.pdf" >"$T/batch.txt"
fi
expect_failure 3 cc-sign -k "$PKI/certifier.p12" $SIGN --batch --json "$T/batch.json" <"$T/batch.txt"
assert_stderr "notpdf.pdf' is not a PDF file"
assert_stderr "3 of 4 documents signed"
for b in b1 b3 b4; do pdfsig_ok "$T/$b.pdf"; done
assert_no_file "$T/b2.pdf"
assert_jq "$T/batch.json" '(.signed | length) == 3'

test_case 'stdin to stdout'
if active; then
	"$CC_BUILD/bin/cc-sign" -k "$PKI/certifier.p12" $SIGN <"$T/card.pdf" >"$T/stdout.pdf" 2>"$T/err" ||
		fail "cc-sign - > file failed: $(cat "$T/err")"
fi
pdfsig_ok "$T/stdout.pdf"

test_case 'usage errors: exit 2'
expect_failure 2 cc-sign "$T/card.pdf" -o "$T/u.pdf"
assert_stderr "no key"
expect_failure 2 cc-sign -k "$PKI/certifier.p12" $SIGN --digest md5 "$T/card.pdf" -o "$T/u.pdf"
expect_failure 2 cc-sign -k "$PKI/certifier.p12" $SIGN --rect 1,2,3 "$T/card.pdf" -o "$T/u.pdf"
expect_failure 2 cc-sign -k "$PKI/certifier.p12" $SIGN --statement "$T/card.pdf" -o "$T/u.pdf"
assert_stderr "--number"
expect_failure 2 cc-sign -k "$PKI/certifier.p12" $SIGN --statement --number 12a "$T/card.pdf" -o "$T/u.pdf"
assert_stderr "not a certification number"
expect_failure 2 cc-sign -k "$PKI/certifier.p12" $SIGN "$T/card.pdf" -o "$T/card.pdf"
expect_failure 2 cc-sign -k "$PKI/certifier.p12" $SIGN --certify-level 4 "$T/card.pdf" -o "$T/u.pdf"
assert_no_file "$T/u.pdf"

finish
