#!/bin/bash
# The PDF inputs for cc-sign (tests/gen-pdfs), checked with tools nobody here
# wrote: qpdf, poppler (pdfinfo, pdftotext, pdfimages, pdfsig), mutool.
#
# The signing tests make the corpus themselves, once per test file:
#
#   need gs qpdf pdftocairo pdfinfo pdfsig pk12util tesseract iconv
#   pki_setup
#   "$TESTS_DIR/gen-pdfs" "$T/pdfs" "$PKI" || fail "gen-pdfs failed"
#
# and may count on what this file checks:
#   signs cleanly   gs.pdf cairo.pdf imagemagick.pdf tesseract.pdf
#                   xrefstream.pdf (xref stream) linearized.pdf ten-pages.pdf
#                   form.pdf (empty signature field "Certifier", text field
#                   "FullName") signed.pdf (one valid adbe.pkcs7.detached
#                   signature, field "Signature1"; an approval signature,
#                   so a certification signature may not follow it)
#   refused         encrypted.pdf encrypted-nopass.pdf broken.pdf notpdf.pdf
# Page counts, producers and cross-reference forms are in GOOD below.
. "$(dirname "$0")/lib.sh"

GEN="$TESTS_DIR/gen-pdfs"
D="$T/pdfs"

# NAME PAGES PRODUCER-ERE XREF-FORM
GOOD="
gs.pdf 2 ^GPL_Ghostscript_ table
cairo.pdf 2 ^cairo_[0-9.]+_\(https://cairographics.org\)$ table
imagemagick.pdf 1 ^https://imagemagick.org$ table
tesseract.pdf 1 ^Tesseract_[0-9] table
xrefstream.pdf 2 ^cairo_[0-9.]+_\(https://cairographics.org\)$ stream
linearized.pdf 10 ^GPL_Ghostscript_ table
ten-pages.pdf 10 ^GPL_Ghostscript_ table
form.pdf 1 ^certcopy_tests/gen-pdfs$ table
signed.pdf 2 ^GPL_Ghostscript_ table
"
BAD="encrypted.pdf encrypted-nopass.pdf broken.pdf notpdf.pdf"

need_producers() {
	need gs qpdf pdftocairo pdfinfo pdftotext pdfimages pdfsig pk12util \
		tesseract iconv || return 1
	command -v magick >/dev/null 2>&1 ||
		command -v convert-im6.q16 >/dev/null 2>&1 ||
		skip_case "ImageMagick is not installed"
}

# xref_form FILE: "table" or "stream", the form of the cross-reference
# section that the last startxref points to.
xref_form() {
	off=$(tail -c 64 "$1" | tr -c '0-9A-Za-z%' '\n' | grep -av '^$' |
		sed -n '/^startxref$/{n;p;}' | tail -1)
	case $off in
	'' | *[!0-9]*)
		echo none
		return
		;;
	esac
	head=$(tail -c +$((off + 1)) "$1" | head -c 400 | tr -d '\000' | tr '\r\n' '  ')
	case $head in
	xref*) echo table ;;
	[0-9]*' obj'*'/Type'*'/XRef'* | [0-9]*' obj'*'/Type/XRef'*) echo stream ;;
	*) echo other ;;
	esac
}

# info FILE FIELD: a field of pdfinfo, spaces in it made underscores.
info() {
	pdfinfo "$1" 2>/dev/null | tr -d '\000' | sed -n "s/^$2: *//p" | tr ' ' _
}

# ---------------------------------------------------------------------------

test_case 'gen-pdfs makes the whole corpus, quietly, with the test PKI'
need_producers
need_pki_tools
pki_setup
expect_success "$GEN" "$D" "$PKI"
if active; then
	[ ! -s "$T/err" ] || fail "gen-pdfs printed: $(head -3 "$T/err")"
	[ ! -s "$T/out" ] || fail "gen-pdfs wrote to stdout"
	while read -r f _; do
		[ -n "$f" ] || continue
		assert_file "$D/$f"
	done <<<"$GOOD"
	for f in $BAD; do
		assert_file "$D/$f"
	done
	# Small inputs, except what pdfsig adds: a whole font (and a
	# 64K-entry width array and CIDToGIDMap) for an invisible widget.
	for f in "$D"/*.pdf; do
		size=$(wc -c <"$f")
		max=300000
		[ "${f##*/}" != signed.pdf ] || max=800000
		[ "$size" -lt "$max" ] || fail "${f##*/} has $size bytes"
	done
fi

test_case 'gen-pdfs without PKI_DIR makes all but signed.pdf and says so'
need_producers
expect_success "$GEN" "$T/nopki"
assert_eq "$(cat "$T/err")" "gen-pdfs: signed.pdf skipped: no PKI_DIR given" \
	"gen-pdfs messages"
assert_no_file "$T/nopki/signed.pdf"
assert_file "$T/nopki/form.pdf"
assert_file "$T/nopki/tesseract.pdf"
# What the tools let be reproducible is byte for byte the same.
for f in form.pdf imagemagick.pdf broken.pdf notpdf.pdf; do
	active && ! cmp -s "$D/$f" "$T/nopki/$f" && fail "$f differs between runs"
done
# Ghostscript's pages are the same, whatever its /ID and XMP say.
active && [ "$(pdftotext "$D/gs.pdf" - 2>/dev/null)" != \
	"$(pdftotext "$T/nopki/gs.pdf" - 2>/dev/null)" ] &&
	fail "gs.pdf text differs between runs"

test_case 'gen-pdfs refuses bad arguments'
expect_failure 2 "$GEN"
assert_stderr '^usage: gen-pdfs OUTDIR \[PKI_DIR\]$'
expect_failure 2 "$GEN" "$T/x" "$T/y" "$T/z"
expect_failure 2 "$GEN" --no-such-option
assert_no_file "$T/x"

test_case 'every good file passes qpdf --check and pdfinfo, with its page count'
need qpdf pdfinfo
while read -r f pages _; do
	[ -n "$f" ] || continue
	# 0: no errors and no warnings (3 would be warnings: a repaired file).
	expect_success qpdf --check "$D/$f"
	assert_stdout 'No syntax or stream encoding errors found'
	expect_success pdfinfo "$D/$f"
	assert_eq "$(info "$D/$f" Pages)" "$pages" "pages of $f"
	assert_eq "$(info "$D/$f" Encrypted)" no "$f encrypted"
done <<<"$GOOD"

test_case 'each file names the producer that made it'
need pdfinfo
while read -r f _ producer _; do
	[ -n "$f" ] || continue
	p=$(info "$D/$f" Producer)
	printf '%s' "$p" | grep -Eq -- "$producer" ||
		fail "$f: producer '$p' does not match '$producer'"
done <<<"$GOOD"

test_case 'the text survives: Vietnamese from the fonts and from OCR'
need pdftotext pdfimages
for f in gs.pdf cairo.pdf xrefstream.pdf signed.pdf; do
	pdftotext "$D/$f" - 2>/dev/null | grep -q 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM' ||
		fail "$f: the heading is not in its text"
	pdftotext "$D/$f" - 2>/dev/null | grep -q 'Họ và tên: Trần Thị Bích Ngọc' ||
		fail "$f: the name is not in its text"
done
pdftotext "$D/tesseract.pdf" - 2>/dev/null | grep -q 'Trần Thị Bích Ngọc' ||
	fail "tesseract.pdf: the name is not in its OCR text layer"
pdftotext -f 7 -l 7 "$D/linearized.pdf" - 2>/dev/null |
	grep -q 'Hồ sơ kiểm thử - trang 7/10' || fail "linearized.pdf: page 7 is not page 7"
# The two scan-like files are one 150 dpi page image each.
for f in imagemagick.pdf tesseract.pdf; do
	assert_eq "$(pdfimages -list "$D/$f" 2>/dev/null | awk 'NR > 2 { print $4 "x" $5 "@" $13 }')" \
		1240x1754@150 "images in $f"
done

test_case 'cross-reference forms: a stream in xrefstream.pdf, tables elsewhere'
while read -r f _ _ form; do
	[ -n "$f" ] || continue
	assert_eq "$(xref_form "$D/$f")" "$form" "cross-reference form of $f"
done <<<"$GOOD"
active && ! grep -aq '/Type */ObjStm' "$D/xrefstream.pdf" &&
	fail "xrefstream.pdf has no object streams"

test_case 'linearized.pdf is linearized, ten-pages.pdf is not'
need qpdf pdfinfo
expect_success qpdf --check-linearization "$D/linearized.pdf"
assert_stdout 'no linearization errors'
assert_eq "$(info "$D/linearized.pdf" Optimized)" yes "linearized.pdf optimized"
assert_eq "$(info "$D/ten-pages.pdf" Optimized)" no "ten-pages.pdf optimized"

test_case 'form.pdf: a filled text field and an empty signature field Certifier on page 1'
need qpdf jq pdfsig
expect_success qpdf --json --json-key=acroform "$D/form.pdf"
cp "$T/out" "$T/form.json" 2>/dev/null
assert_jq "$T/form.json" '.acroform.hasacroform and (.acroform.needappearances | not)'
assert_jq "$T/form.json" '.acroform.fields | length == 2'
assert_jq "$T/form.json" '.acroform.fields[] | select(.fullname == "Certifier")
	| .fieldtype == "/Sig" and .value == null and .pageposfrom1 == 1
	and .annotation.object != null'
assert_jq "$T/form.json" '.acroform.fields[] | select(.fullname == "FullName")
	| .fieldtype == "/Tx" and .value == "u:Võ Tú Anh" and .pageposfrom1 == 1'
expect_success pdfsig "$D/form.pdf"
assert_stdout 'Signature Field Name: Certifier'
assert_stdout 'The signature form field is not signed'

test_case 'signed.pdf: one valid signature by the certifier over the whole file'
need pdfsig mutool
pki_setup
expect_success pdfsig -nssdir "sql:$PKI/nss" -no-ocsp "$D/signed.pdf"
assert_stdout '^Signature #1:$'
assert_stdout 'Signature Field Name: Signature1$'
assert_stdout 'Signer Certificate Common Name: Nguyễn Văn An$'
assert_stdout 'Signature Type: adbe.pkcs7.detached$'
assert_stdout 'Total document signed$'
assert_stdout 'Signature Validation: Signature is Valid\.$'
assert_stdout 'Certificate Validation: Certificate is Trusted\.$'
active && grep -q '^Signature #2' "$T/out" && fail "more than one signature"
expect_success mutool sign -v "$D/signed.pdf"
assert_stdout 'The document is unchanged since signing'
# An incremental update of gs.pdf: its bytes come first, unchanged.
active && ! cmp -s -n "$(wc -c <"$D/gs.pdf")" "$D/gs.pdf" "$D/signed.pdf" &&
	fail "signed.pdf does not begin with gs.pdf"

test_case 'the encrypted files are encrypted, one needing a password to open'
need qpdf pdfinfo
# qpdf --requires-password: 0 yes, 2 not encrypted, 3 encrypted without one.
expect_success qpdf --requires-password "$D/encrypted.pdf"
expect_failure 3 qpdf --requires-password "$D/encrypted-nopass.pdf"
expect_failure 2 qpdf --requires-password "$D/gs.pdf"
expect_success qpdf --show-encryption "$D/encrypted.pdf"
assert_stdout '^Incorrect password supplied$'
expect_success qpdf --show-encryption --password=user1234 "$D/encrypted.pdf"
assert_stdout '^R = 6$'
assert_stdout '^file encryption method: AESv3$'
expect_success qpdf --show-encryption "$D/encrypted-nopass.pdf"
assert_stdout '^User password = $'
assert_stdout '^modify anything: not allowed$'
assert_stdout '^file encryption method: AESv3$'
expect_success qpdf --show-encryption --password=owner1234 "$D/encrypted-nopass.pdf"
assert_stdout '^Supplied password is owner password$'
assert_eq "$(info "$D/encrypted-nopass.pdf" Encrypted | cut -c1-3)" yes \
	"pdfinfo: encrypted-nopass.pdf encrypted"
expect_failure 1 pdfinfo "$D/encrypted.pdf"
assert_stderr 'Incorrect password'

test_case 'broken.pdf is beyond repair, notpdf.pdf is no PDF'
need qpdf pdfinfo
expect_failure 2 qpdf --check "$D/broken.pdf"
assert_stderr 'unable to find trailer dictionary while recovering damaged file'
expect_failure 1 pdfinfo "$D/broken.pdf"
assert_eq "$(head -c 8 "$D/broken.pdf")" '%PDF-1.7' "broken.pdf header"
expect_failure 2 qpdf --check "$D/notpdf.pdf"
assert_stderr "can't find PDF header"
expect_failure 1 pdfinfo "$D/notpdf.pdf"
assert_eq "$(head -c 8 "$D/notpdf.pdf" | od -An -tx1 | tr -d ' \n')" \
	89504e470d0a1a0a "notpdf.pdf signature (PNG)"

finish
