#!/bin/bash
# cc-scan on image files: cleanup, quality gate, output format, manifest.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3

# tiff_pages FILE: number of pages, by libtiff's own tiffinfo.
tiff_pages() {
	tiffinfo "$1" 2>/dev/null | grep -c '^TIFF Directory'
}

# pixel_sha FILE PAGE: SHA-256 of a page's samples, read by Pillow.
pixel_sha() {
	$PY - "$1" "$2" <<-'PYEOF'
	import hashlib, sys
	from PIL import Image
	im = Image.open(sys.argv[1]); im.seek(int(sys.argv[2]))
	data = im.tobytes() if im.mode != "1" else \
	    Image.eval(im.convert("L"), lambda v: 255 - v).convert("1").tobytes()
	print(hashlib.sha256(data).hexdigest())
	PYEOF
}

# mean_band FILE SIDE: mean gray of the outer 10 pixels on one side.
mean_band() {
	$PY - "$1" "$2" <<-'PYEOF'
	import sys
	from PIL import Image, ImageStat
	im = Image.open(sys.argv[1]).convert("L"); w, h = im.size
	box = {"top": (0, 0, w, 10), "bottom": (0, h - 10, w, h),
	       "left": (0, 0, 10, h), "right": (w - 10, 0, w, h)}[sys.argv[2]]
	print(int(ImageStat.Stat(im.crop(box)).mean[0]))
	PYEOF
}

# osd_rotate FILE: the rotation Tesseract's orientation detector asks for.
osd_rotate() {
	tesseract "$1" - --psm 0 2>/dev/null | sed -n 's/^Rotate: //p'
}

test_case 'a clean page passes and is stored losslessly at its resolution'
need_samples
need tiffinfo jq
expect_success cc-scan -o "$T/clean.tiff" --json "$T/clean.json" \
	"$SAMPLES/birth-cert.png"
assert_file "$T/clean.tiff"
assert_eq "$(tiff_pages "$T/clean.tiff")" 1 "page count"
tiffinfo "$T/clean.tiff" >"$T/info" 2>&1
grep -q 'Resolution: 300, 300 pixels/inch' "$T/info" || fail "resolution not 300 dpi"
grep -q 'Compression Scheme: AdobeDeflate' "$T/info" || fail "not Deflate"
grep -q 'Bits/Sample: 8' "$T/info" || fail "not 8-bit"
assert_jq "$T/clean.json" '.verdict == "accepted" and (.pages | length) == 1'
assert_jq "$T/clean.json" '.pages[0].quality.verdict == "pass" and .pages[0].dpi == 300'
assert_jq "$T/clean.json" '.pages[0].sha256 | test("^[0-9a-f]{64}$")'
assert_no_temp "$T"

test_case 'the manifest SHA-256 is that of the stored pixels'
need_samples
need jq
expect_success cc-scan -o "$T/p.tiff" --json "$T/p.json" --mode lineart \
	"$SAMPLES/birth-cert.png" "$SAMPLES/idcard-front.png"
expect_success cc-scan -o "$T/c.tiff" --json "$T/c.json" --mode color \
	"$SAMPLES/idcard-front.png"
for f in p c; do
	n=$(jq '.pages | length' "$T/$f.json")
	i=0
	while [ "$i" -lt "$n" ]; do
		assert_eq "$(pixel_sha "$T/$f.tiff" "$i")" \
			"$(jq_val "$T/$f.json" ".pages[$i].sha256")" "$f page $i sha"
		i=$((i + 1))
	done
done

test_case 'a skewed page comes out straight'
need_samples
need jq
for s in birth-cert-skew diploma-skew-neg; do
	truth=$(jq_val "$SAMPLES/$s.json" .angle_deg)
	expect_success cc-scan -o "$T/$s.tiff" --json "$T/$s.json" "$SAMPLES/$s.png"
	found=$(jq_val "$T/$s.json" .pages[0].skew.found_deg)
	assert_jq "$T/$s.json" ".pages[0].skew.corrected and
		((.pages[0].skew.found_deg - ($truth)) | fabs) < 0.3" \
		"$s: found $found, truth $truth"
	# Measured again on the output: the residual skew.
	expect_success cc-scan --no-crop -o "$T/again.tiff" --json "$T/again.json" \
		"$T/$s.tiff"
	assert_jq "$T/again.json" '(.pages[0].skew.found_deg | fabs) < 0.3' \
		"$s: residual skew"
done

test_case 'an upside-down page is turned the right way'
need_samples
need jq tesseract
expect_success cc-scan -o "$T/ud.tiff" --json "$T/ud.json" \
	"$SAMPLES/birth-cert-upside-down.png"
assert_jq "$T/ud.json" '.pages[0].orientation.turned_deg == 180'
assert_eq "$(osd_rotate "$SAMPLES/birth-cert-upside-down.png")" 180 \
	"tesseract on the input"
assert_eq "$(osd_rotate "$T/ud.tiff")" 0 "tesseract on the output"
expect_success cc-scan -o "$T/up.tiff" --json "$T/up.json" "$SAMPLES/birth-cert.png"
assert_jq "$T/up.json" '.pages[0].orientation.turned_deg == 0'

test_case 'a page fed sideways is turned upright, then deskewed'
need_samples
need jq tesseract
$PY -c "from PIL import Image
im = Image.open('$SAMPLES/birth-cert-skew.png')
im.rotate(90, expand=True).save('$T/ccw.png', dpi=(300, 300))
im.rotate(270, expand=True).save('$T/cw.png', dpi=(300, 300))"
for f in ccw:90 cw:270; do
	name=${f%%:*}
	expect_success cc-scan -o "$T/$name.tiff" --json "$T/$name.json" "$T/$name.png"
	assert_jq "$T/$name.json" ".pages[0].orientation.turned_deg == ${f##*:} and
		.pages[0].width == 2480 and .pages[0].height == 3508" "$name: turned upright"
	assert_jq "$T/$name.json" '.pages[0].skew.corrected and
		((.pages[0].skew.found_deg - 3.2) | fabs) < 0.3' "$name: deskewed"
	assert_eq "$(osd_rotate "$T/$name.tiff")" 0 "$name: tesseract on the output"
done

test_case 'the scanner border is cropped away'
need_samples
need jq
expect_success cc-scan -o "$T/b.tiff" --json "$T/b.json" "$SAMPLES/birth-cert-border.png"
# The page is 2480 x 3508; the canvas around it is 2678 x 3789.
assert_jq "$T/b.json" '.pages[0].width >= 2380 and .pages[0].width <= 2480 and
	.pages[0].height >= 3400 and .pages[0].height <= 3508' "page size"
for side in top bottom left right; do
	m=$(mean_band "$T/b.tiff" $side)
	[ "$m" -gt 200 ] || fail "dark band left on the $side edge (mean $m)"
done

test_case 'uneven lighting and noise are normalised, and pass'
need_samples
need jq
for s in birth-cert-uneven birth-cert-noise birth-cert-blur-slight; do
	expect_success cc-scan -o "$T/$s.tiff" --json "$T/$s.json" "$SAMPLES/$s.png"
	assert_jq "$T/$s.json" '.pages[0].quality.verdict == "pass"' "$s passes"
done
m=$(mean_band "$T/birth-cert-uneven.tiff" bottom)
[ "$m" -gt 230 ] || fail "darkened corner not normalised (mean $m)"

test_case 'illegible pages are rejected with their reason and no output'
need_samples
need jq
check_reject() {
	expect_failure 1 cc-scan -o "$T/r.tiff" --json "$T/r.json" "$SAMPLES/$1.png"
	assert_stderr "^cc-scan: page 1 rejected: .*$2"
	assert_no_file "$T/r.tiff"
	assert_no_temp "$T"
	assert_jq "$T/r.json" ".verdict == \"rejected\" and
		(.problems[0].reason | test(\"$2\"))" "$1 report"
}
check_reject birth-cert-blur-heavy blurred
check_reject blank 'blank page'
check_reject birth-cert-dark 'too dark'
check_reject birth-cert-cutoff 'cut off at the right edge'

test_case '--accept-poor keeps a rejected page and reports it'
need_samples
need jq tiffinfo
expect_success cc-scan --accept-poor -o "$T/ap.tiff" --json "$T/ap.json" \
	"$SAMPLES/birth-cert.png" "$SAMPLES/birth-cert-blur-heavy.png"
assert_eq "$(tiff_pages "$T/ap.tiff")" 2 "page count"
assert_jq "$T/ap.json" '.verdict == "accepted with problems" and
	.problems[0].page == 2 and .pages[0].quality.verdict == "pass"'

test_case 'the second page of a document is named when it is rejected'
need_samples
expect_failure 1 cc-scan -o "$T/two.tiff" "$SAMPLES/birth-cert.png" "$SAMPLES/blank.png"
assert_stderr "page 2 rejected: blank page"
assert_no_file "$T/two.tiff"

test_case 'pages from several files and multi-page TIFFs make one TIFF'
need_samples
need tiffinfo jq
expect_success cc-scan -o "$T/a.tiff" "$SAMPLES/birth-cert.png" "$SAMPLES/diploma.png"
expect_success cc-scan -o "$T/m.tiff" --json "$T/m.json" "$T/a.tiff" \
	"$SAMPLES/idcard-back.png"
assert_eq "$(tiff_pages "$T/m.tiff")" 3 "page count"
assert_jq "$T/m.json" '[.pages[].source_page] == [1,2,1]'
assert_jq "$T/m.json" '.source.files | length == 2'

test_case 'stdin and stdout work, and the report can go to stdout'
need_samples
need tiffinfo jq
cc-scan - <"$SAMPLES/idcard-back.png" >"$T/so.tiff" 2>"$T/err"
assert_eq "$?" 0 "exit status"
assert_eq "$(tiff_pages "$T/so.tiff")" 1 "page count"
expect_success cc-scan -q -o "$T/x.tiff" --json - "$SAMPLES/idcard-back.png"
jq -e '.pages[0].quality.verdict == "pass"' "$T/out" >/dev/null ||
	fail "report on stdout"

test_case 'colour, line-art and binarised outputs use the documented formats'
need_samples
need tiffinfo
expect_success cc-scan --mode color -o "$T/rgb.tiff" "$SAMPLES/idcard-front.png"
tiffinfo "$T/rgb.tiff" 2>/dev/null | grep -q 'Photometric Interpretation: RGB' ||
	fail "colour output not RGB"
expect_success cc-scan --binarize -o "$T/bw.tiff" "$SAMPLES/birth-cert.png"
tiffinfo "$T/bw.tiff" >"$T/info" 2>&1
grep -q 'Compression Scheme: CCITT Group 4' "$T/info" || fail "not G4"
grep -q 'Bits/Sample: 1' "$T/info" || fail "not 1-bit"
expect_success cc-scan --mode lineart -o "$T/la.tiff" "$SAMPLES/birth-cert.png"
tiffinfo "$T/la.tiff" 2>/dev/null | grep -q 'Bits/Sample: 1' || fail "lineart not 1-bit"

test_case 'JPEG and PNM inputs are read, and a missing resolution is assumed'
need_samples
need jq
$PY -c "from PIL import Image
im = Image.open('$SAMPLES/birth-cert.png')
im.save('$T/doc.jpg', quality=95, dpi=(300, 300))
im.save('$T/doc.pgm')"
expect_success cc-scan -o "$T/j.tiff" --json "$T/j.json" "$T/doc.jpg"
assert_jq "$T/j.json" '.pages[0].dpi == 300 and (.pages[0].dpi_assumed | not)'
expect_success cc-scan --resolution 200 -o "$T/n.tiff" --json "$T/n.json" "$T/doc.pgm"
assert_jq "$T/n.json" '.pages[0].dpi == 200 and .pages[0].dpi_assumed'

test_case 'an implausible resolution is ignored; a coarse one is refused'
need_samples
need jq
$PY -c "from PIL import Image
im = Image.open('$SAMPLES/birth-cert.png')
im.save('$T/camera.png', dpi=(72, 72))
im.resize((827, 1169)).save('$T/coarse.png', dpi=(100, 100))"
# 2480 pixels at 72 dpi would be a page 87 cm wide: the label is wrong.
expect_success cc-scan -o "$T/cam.tiff" --json "$T/cam.json" "$T/camera.png"
assert_jq "$T/cam.json" '.pages[0].dpi == 300 and .pages[0].dpi_assumed'
expect_failure 1 cc-scan -o "$T/coarse.tiff" "$T/coarse.png"
assert_stderr 'resolution too low \(100 dpi, at least 150 needed\)'

finish
