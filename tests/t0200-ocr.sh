#!/bin/bash
# cc-ocr: searchable PDF checked by poppler, qpdf and mupdf; recognition of
# the sample documents against their ground truth; validity checks; bad input.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
S="$TESTDATA/samples"

# similarity A B: how alike two texts are (0..1), white space folded.
similarity() {
	$PY - "$1" "$2" <<-'PYEOF'
	import difflib, sys
	a, b = (" ".join(open(f, encoding="utf-8").read().split()) for f in sys.argv[1:])
	print("%.3f" % difflib.SequenceMatcher(None, a, b, autojunk=False).ratio())
	PYEOF
}

truth_text() {
	jq -r '.text[]' "$1"
}

test_case 'an ID card back: valid, its MRZ read, a searchable PDF'
need pdftotext qpdf pdfinfo pdfimages jq
expect_success cc-scan --mode color -o "$T/back.tiff" "$S/idcard-back.png"
expect_success cc-ocr "$T/back.tiff" -o "$T/back.pdf" --json "$T/back.json" \
	--require-valid --date 2026-11-28
assert_jq "$T/back.json" '.valid and .document.pages[0].type == "id-back"'
assert_jq "$T/back.json" "[.document.pages[0].mrz[]] == $(jq -c .mrz "$S/idcard-back.json")" \
	"MRZ lines exactly right"
assert_jq "$T/back.json" '.document.mrz.valid and .document.mrz.date_of_birth == "1990-03-15"
	and .document.mrz.optional_data == "001190012345"'
assert_jq "$T/back.json" '[.checks[] | select(.name | startswith("MRZ check digit"))] | length == 4
	and all(.result == "pass")'
qpdf --check "$T/back.pdf" >"$T/qpdf" 2>&1 || fail "qpdf --check failed: $(cat "$T/qpdf")"
grep -q 'No syntax or stream encoding errors found' "$T/qpdf" || fail "qpdf: $(cat "$T/qpdf")"
pdftotext "$T/back.pdf" "$T/back.txt" || fail "pdftotext failed"
grep -q 'Đặc điểm nhân dạng' "$T/back.txt" || fail "no Vietnamese text in the PDF: $(head -3 "$T/back.txt")"
assert_eq "$(pdfinfo "$T/back.pdf" | sed -n 's/^Pages: *//p')" 1 "page count"
pdfimages -list "$T/back.pdf" | awk 'NR > 2 { print $4, $5, $6, $9 }' >"$T/imgs"
assert_eq "$(cat "$T/imgs")" "1011 638 rgb image" "image: width height colour type"
pdfimages -list "$T/back.pdf" | grep -q jpeg && fail "a JPEG image in the PDF"

test_case 'a wrong MRZ check digit makes --require-valid fail, naming it'
need jq
expect_failure 1 cc-ocr "$S/idcard-back-bad-check.png" -o "$T/bad.pdf" \
	--json "$T/bad.json" --require-valid --date 2026-11-28
assert_stderr '^cc-ocr: check failed: MRZ check digit: date of birth: reads .5., computed .2.'
assert_no_file "$T/bad.pdf"
assert_no_temp "$T"
assert_jq "$T/bad.json" '(.valid | not) and (.problems | length) >= 1'
# Without --require-valid the PDF is made and the problem reported.
expect_success cc-ocr "$S/idcard-back-bad-check.png" -o "$T/bad.pdf" --date 2026-11-28
assert_stderr 'check failed: MRZ check digit: date of birth'
assert_file "$T/bad.pdf"

test_case 'an ID card front: printed fields, QR code, checks'
need jq
expect_success cc-ocr "$S/idcard-front.png" -o "$T/front.pdf" --json "$T/front.json" \
	--require-valid --date 2026-11-28
assert_jq "$T/front.json" '.document.pages[0].type == "id-front"'
for k in id_number date_of_birth date_of_expiry sex; do
	assert_jq "$T/front.json" ".document.fields.$k == $(jq ".fields.$k" "$S/idcard-front.json")" \
		"field $k"
done
assert_jq "$T/front.json" ".document.pages[0].qr == $(jq .qr_payload "$S/idcard-front.json")"
assert_jq "$T/front.json" '[.checks[] | select(.name | startswith("QR vs printed"))] |
	length == 4 and all(.result == "pass")'

test_case 'front and back together are one ID card, cross-checked'
need jq
expect_success cc-scan --mode color -o "$T/card.tiff" "$S/idcard-front.png" "$S/idcard-back.png"
expect_success cc-ocr "$T/card.tiff" -o "$T/card.pdf" --json "$T/card.json" \
	--require-valid --date 2026-11-28
assert_jq "$T/card.json" '.document.type == "id-card" and .valid'
assert_jq "$T/card.json" '[.checks[] | select(.name | startswith("QR vs MRZ"))] |
	length == 2 and all(.result == "pass")'
assert_jq "$T/card.json" '[.checks[] | select(.name == "MRZ vs printed: date of birth")][0].result == "pass"'

# magick_card NAME DPI FONT [bad]: tests/gen-card-magick's card back, made
# apart from tests/gen-samples; skips the case when it cannot be made.
OCRB=/usr/share/fonts/opentype/ocr-b/OCRB.otf
magick_card() {
	active || return 0
	"$TESTS_DIR/gen-card-magick" "$T/$1" "$2" "$3" ${4:+"$4"} \
		>"$T/gen.log" 2>&1 || {
		grep -q 'no font' "$T/gen.log" &&
			skip_case "$(cat "$T/gen.log")" && return 0
		fail "gen-card-magick failed: $(tail -3 "$T/gen.log")"
	}
}

# card_photo IN OUT SEED: a photo of the card: turned by 1.5 degrees, noise
# (seeded), blur, JPEG at quality 85.
card_photo() {
	active || return 0
	convert "$1" -seed "$3" -background '#f4f1ea' -rotate 1.5 -attenuate 0.3 \
		+noise Gaussian -blur 0x0.6 -quality 85 "$2" || fail "convert failed"
}

test_case 'a card back made apart (ImageMagick, a serif face, another person): valid'
need convert identify jq
magick_card m300.tiff 300 "$OCRB"
expect_success cc-ocr "$T/m300.tiff" -o "$T/m300.pdf" --json "$T/m300.json" \
	--require-valid --date 2026-11-28
assert_jq "$T/m300.json" '.valid and .document.pages[0].type == "id-back"'
assert_jq "$T/m300.json" '[.document.pages[0].mrz[]] == ["IDVNM0850012347079085001234<<<",
	"8507217M4507219VNM<<<<<<<<<<<5", "TRAN<<VAN<AN<<<<<<<<<<<<<<<<<<"]' "MRZ lines exactly right"
assert_jq "$T/m300.json" '.document.mrz.date_of_birth == "1985-07-21" and
	.document.mrz.surname == "TRAN" and .document.mrz.given_names == "VAN AN"'
qpdf --check "$T/m300.pdf" >/dev/null 2>&1 || fail "qpdf --check failed"
# 600 dpi; an MRZ in Nimbus Mono rather than OCR-B; a 200 dpi photo of
# the card, turned by a degree, as a JPEG at quality 85 and as a TIFF of it.
magick_card m600.tiff 600 "$OCRB"
expect_success cc-ocr "$T/m600.tiff" -o "$T/m600.pdf" --require-valid --date 2026-11-28
magick_card mono.tiff 300 /usr/share/fonts/opentype/urw-base35/NimbusMonoPS-Regular.otf
expect_success cc-ocr "$T/mono.tiff" -o "$T/mono.pdf" --require-valid --date 2026-11-28
magick_card m200.png 200 "$OCRB"
if active; then
	convert "$T/m200.png" -background '#f4f1ea' -rotate -1 -quality 85 "$T/m200.jpg" &&
		convert "$T/m200.jpg" -compress lzw "$T/m200.tiff" || fail "convert failed"
fi
expect_success cc-ocr "$T/m200.jpg" -o "$T/m200j.pdf" --require-valid --date 2026-11-28
expect_success cc-ocr "$T/m200.tiff" -o "$T/m200.pdf" --json "$T/m200.json" \
	--require-valid --date 2026-11-28
assert_jq "$T/m200.json" '.document.mrz.valid and .document.mrz.optional_data == "079085001234"'

test_case 'a card back made apart with a wrong check digit: exit 1, the digit named'
need convert jq
magick_card bad300.tiff 300 "$OCRB" bad
expect_failure 1 cc-ocr "$T/bad300.tiff" -o "$T/bad300.pdf" --json "$T/bad300.json" \
	--require-valid --date 2026-11-28
assert_stderr "^cc-ocr: check failed: MRZ check digit: date of birth: reads '0', computed '7'$"
assert_no_file "$T/bad300.pdf"
assert_jq "$T/bad300.json" '[.checks[] | select(.result == "fail") | .name] ==
	["MRZ check digit: date of birth", "MRZ check digit: composite"]'
magick_card bad600.tiff 600 "$OCRB" bad
expect_failure 1 cc-ocr "$T/bad600.tiff" -o "$T/bad600.pdf" --require-valid --date 2026-11-28
assert_stderr "^cc-ocr: check failed: MRZ check digit: date of birth: reads '0', computed '7'$"
magick_card bad.png 300 "$OCRB" bad
card_photo "$T/bad.png" "$T/badphoto.jpg" 1
expect_failure 1 cc-ocr "$T/badphoto.jpg" -o "$T/badphoto.pdf" --require-valid --date 2026-11-28
assert_stderr "^cc-ocr: check failed: MRZ check digit: date of birth: reads '0', computed '7'$"
assert_no_file "$T/badphoto.pdf"

test_case 'cards photographed askew and read as they are: valid, the fields right'
need convert jq
# Not through cc-scan, so not deskewed: the zone of a card back turned by
# 1.5 degrees runs a line into the next unless it is straightened first, and
# the edge of a front's photo beside the name reads as '|'.
magick_card ok.png 300 "$OCRB"
for seed in 1 2 3; do
	card_photo "$T/ok.png" "$T/okphoto$seed.jpg" "$seed"
	expect_success cc-ocr "$T/okphoto$seed.jpg" -o "$T/okphoto.pdf" --json "$T/okphoto.json" \
		--require-valid --date 2026-11-28
	assert_jq "$T/okphoto.json" '.document.mrz.document_number == "085001234" and
		.document.mrz.date_of_birth == "1985-07-21"' "MRZ of the turned photo, seed $seed"
done
for turn in -1.5 1.5; do
	if active; then
		convert "$S/idcard-back.png" -background white -rotate "$turn" "$T/back-turned.png" &&
			convert "$SAMPLES/idcard-front-scan.png" -background white -rotate "$turn" \
				"$T/front-turned.png" || fail "convert failed"
	fi
	expect_success cc-ocr "$T/back-turned.png" -o "$T/bt.pdf" --json "$T/bt.json" \
		--require-valid --date 2026-11-28
	assert_jq "$T/bt.json" "[.document.pages[0].mrz[]] == $(jq -c .mrz "$S/idcard-back.json")" \
		"MRZ of the back turned by $turn degrees"
	expect_success cc-ocr "$T/front-turned.png" -o "$T/ft.pdf" --json "$T/ft.json" \
		--require-valid --date 2026-11-28
	assert_jq "$T/ft.json" '.document.fields.full_name | ascii_downcase | test("^nguy")' \
		"the name of the front turned by $turn degrees starts with the name"
done

test_case 'an expired card fails the expiry check'
need jq
expect_failure 1 cc-ocr "$S/idcard-back.png" -o "$T/exp.pdf" --json "$T/exp.json" \
	--require-valid --date 2031-01-01
assert_stderr 'check failed: not expired: expired on 2030-03-15'
assert_no_file "$T/exp.pdf"

test_case 'a birth certificate is recognised and its text is right'
need_samples
need pdftotext jq
expect_success cc-scan -o "$T/bc.tiff" "$SAMPLES/birth-cert-skew.png"
expect_success cc-ocr "$T/bc.tiff" -o "$T/bc.pdf" --json "$T/bc.json" --text "$T/bc.txt"
assert_jq "$T/bc.json" '.document.type == "birth-certificate" and .valid'
truth_text "$SAMPLES/birth-cert.json" >"$T/truth.txt"
sim=$(similarity "$T/truth.txt" "$T/bc.txt")
awk -v s="$sim" 'BEGIN { exit !(s >= 0.90) }' || fail "text similarity $sim < 0.90"
pdftotext "$T/bc.pdf" "$T/bc-pdf.txt"
sim=$(similarity "$T/truth.txt" "$T/bc-pdf.txt")
awk -v s="$sim" 'BEGIN { exit !(s >= 0.90) }' || fail "PDF text similarity $sim < 0.90"
grep -q 'GIẤY KHAI SINH\|Họ, chữ đệm, tên' "$T/bc-pdf.txt" || fail "diacritics lost"

test_case 'the PDF: page size from the resolution, metadata, no lossy images'
need pdfinfo pdfimages qpdf
expect_success cc-scan -o "$T/two.tiff" "$S/birth-cert.png" "$S/diploma.png"
expect_success cc-ocr "$T/two.tiff" -o "$T/two.pdf" --device 'test scanner'
pdfinfo "$T/two.pdf" >"$T/info"
grep -q '^Pages: *2$' "$T/info" || fail "not 2 pages"
grep -q '^Page size: *595.2 x 841.9' "$T/info" || fail "page 1 not A4: $(grep 'Page size' "$T/info")"
pdfimages -list "$T/two.pdf" | awk 'NR > 2 { print $4, $5, $6, $9 }' >"$T/imgs"
assert_eq "$(head -1 "$T/imgs")" "2480 3508 gray image" "page 1 image"
grep -q 'pdfaid:part' "$T/two.pdf" || fail "no PDF/A identification in the XMP"
qpdf --show-npages "$T/two.pdf" >/dev/null || fail "qpdf cannot read it"
$PY - "$T/two.pdf" <<-'PYEOF' || fail "metadata does not record the conversion"
import re, sys
data = open(sys.argv[1], "rb").read()
xmp = data[data.index(b"<x:xmpmeta"):data.index(b"</x:xmpmeta>")].decode("utf-8")
assert "test scanner" in xmp and "(demo)" in xmp and "paper" in xmp.lower(), xmp
PYEOF

test_case 'bad input: not an image, truncated, several files; exit status and no output'
need_samples
echo "not an image" >"$T/x.tiff"
expect_failure 3 cc-ocr "$T/x.tiff" -o "$T/x.pdf"
assert_stderr "^cc-ocr: cannot read '$T/x.tiff': not a TIFF"
cc-scan -o "$T/good.tiff" "$SAMPLES/birth-cert.png" 2>/dev/null
head -c 20000 "$T/good.tiff" >"$T/trunc.tiff"
expect_failure 3 cc-ocr "$T/trunc.tiff" -o "$T/x.pdf"
assert_no_file "$T/x.pdf"
assert_no_temp "$T"
expect_failure 2 cc-ocr "$T/good.tiff" "$T/good.tiff" -o "$T/x.pdf"
expect_failure 2 cc-ocr --type letter "$T/good.tiff" -o "$T/x.pdf"
expect_failure 2 cc-ocr --date 2026-13-45 "$T/good.tiff" -o "$T/x.pdf"
expect_failure 2 cc-ocr --json - "$T/good.tiff"
expect_failure 4 cc-ocr --lang klingon "$T/good.tiff" -o "$T/x.pdf"
assert_stderr "cannot load the Tesseract language data 'klingon'"
assert_no_file "$T/x.pdf"

test_case 'a page without text, a 1x1 image and a missing resolution'
need jq
$PY -c "from PIL import Image
Image.new('L', (1, 1), 255).save('$T/dot.png')
Image.new('L', (1240, 1754), 250).save('$T/white.png')"
expect_success cc-ocr "$T/white.png" -o "$T/white.pdf" --json "$T/white.json"
assert_jq "$T/white.json" '.pages[0].dpi == 300 and .pages[0].dpi_assumed'
assert_jq "$T/white.json" '[.checks[] | select(.name == "page 1 legible")][0] |
	.result == "fail" and .detail == "no text recognised"'
expect_failure 1 cc-ocr "$T/white.png" -o "$T/white2.pdf" --require-valid
assert_stderr 'page 1 legible: no text recognised'
expect_failure 3 cc-ocr "$T/dot.png" -o "$T/dot.pdf"
assert_stderr "^cc-ocr: '$T/dot.png': page 1 is 1 x 1 pixels, too small to be a document$"
assert_no_file "$T/dot.pdf"

test_case 'a 72 dpi camera label is not believed, as in cc-scan'
need_samples
need jq pdfinfo
$PY -c "from PIL import Image
Image.open('$SAMPLES/birth-cert.png').save('$T/camera.png', dpi=(72, 72))"
expect_success cc-ocr "$T/camera.png" -o "$T/camera.pdf" --json "$T/camera.json"
assert_jq "$T/camera.json" '.pages[0].dpi == 300 and .pages[0].dpi_assumed'
pdfinfo "$T/camera.pdf" | grep -q '^Page size: *595.2 x 841.9' ||
	fail "not an A4 page: $(pdfinfo "$T/camera.pdf" | grep 'Page size')"

test_case '--type, --text, stdin and several jobs'
need jq
expect_success cc-ocr --type generic --jobs 1 --text "$T/g.txt" -o "$T/g.pdf" \
	--json "$T/g.json" - <"$S/idcard-back.png"
assert_jq "$T/g.json" '.document.pages[0].type == "generic" and .document.type_given'
grep -q 'IDVNM' "$T/g.txt" || fail "text file lacks the MRZ"

finish
