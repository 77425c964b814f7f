#!/bin/bash
# cc-scan with real SANE backends: "test" (flatbed and document feeder) and
# "pnm" (a real document image pushed through SANE).
. "$(dirname "$0")/lib.sh"

sane_setup

tiff_pages() {
	tiffinfo "$1" 2>/dev/null | grep -c '^TIFF Directory'
}

test_case '--list-devices shows the configured backends'
need scanimage
expect_success cc-scan --list-devices
assert_stdout '^test:0	'
assert_stdout '^pnm:0	'
expect_success cc-scan --list-devices --json "$T/devs.json"
assert_jq "$T/devs.json" '[.[].name] | index("test:1") != null'

test_case 'the document feeder gives 10 pages at 300 dpi (--accept-poor)'
need tiffinfo jq
expect_success cc-scan -d test:0 --source adf --accept-poor -o "$T/adf.tiff" \
	--json "$T/adf.json"
assert_eq "$(tiff_pages "$T/adf.tiff")" 10 "page count"
assert_eq "$(tiffinfo "$T/adf.tiff" 2>/dev/null |
	grep -c 'Resolution: 300, 300 pixels/inch')" 10 "pages at 300 dpi"
assert_jq "$T/adf.json" '.source.type == "sane" and .source.device == "test:0"'
assert_jq "$T/adf.json" '[.pages[].dpi] | all(. == 300)'
# The test picture is solid black: the gate must say so.
assert_jq "$T/adf.json" '.pages | all(.quality.verdict == "fail")'

test_case 'the black test picture is rejected without --accept-poor'
expect_failure 1 cc-scan -d test:0 --source adf -o "$T/rej.tiff"
assert_stderr '^cc-scan: page 1 rejected: '
assert_no_file "$T/rej.tiff"
assert_no_temp "$T"

test_case 'the flatbed gives one page, in colour when asked'
need tiffinfo jq
expect_success cc-scan -d test:0 --mode color --accept-poor --no-crop --no-deskew \
	--sane-option 'test-picture=Color pattern' -o "$T/fb.tiff" --json "$T/fb.json"
assert_eq "$(tiff_pages "$T/fb.tiff")" 1 "page count"
tiffinfo "$T/fb.tiff" 2>/dev/null | grep -q 'Photometric Interpretation: RGB' ||
	fail "not RGB"
# The same size as SANE's own frontend gets for the same settings.
scanimage -d test:0 --mode Color --resolution 300 --test-picture 'Color pattern' \
	--format=pnm 2>/dev/null | /usr/bin/python3 -c 'import sys
from PIL import Image
print("%d %d" % Image.open(sys.stdin.buffer).size)' >"$T/size"
assert_eq "$(jq -r '.pages[0] | "\(.width) \(.height)"' "$T/fb.json")" \
	"$(cat "$T/size")" "page size"

test_case 'three-pass colour frames are assembled'
need tiffinfo
expect_success cc-scan -d test:0 --mode color --accept-poor \
	--sane-option three-pass=yes --sane-option 'test-picture=Color pattern' \
	-o "$T/3p.tiff"
tiffinfo "$T/3p.tiff" 2>/dev/null | grep -q 'Photometric Interpretation: RGB' ||
	fail "not RGB"

test_case 'a real document through the pnm backend passes the gate'
need_samples
need jq
/usr/bin/python3 -c "from PIL import Image
Image.open('$SAMPLES/birth-cert-skew.png').save('$T/doc.pgm')"
expect_success cc-scan -d pnm:0 --sane-option "filename=$T/doc.pgm" \
	-o "$T/pnm.tiff" --json "$T/pnm.json"
assert_jq "$T/pnm.json" '.verdict == "accepted" and .pages[0].dpi == 300'
assert_jq "$T/pnm.json" '.pages[0].skew.corrected and
	((.pages[0].skew.found_deg - 3.2) | fabs) < 0.3'

test_case 'a paper jam is a device failure: exit 4, no output'
expect_failure 4 cc-scan -d test:0 --source adf --accept-poor \
	--sane-option read-return-value=SANE_STATUS_JAMMED -o "$T/jam.tiff"
assert_stderr "^cc-scan: scanner 'test:0': .*[Jj]ammed"
assert_no_file "$T/jam.tiff"
assert_no_temp "$T"

test_case 'the device going away mid-scan: exit 4, no output'
# (SANE's test backend leaks its read buffer here: see sane_setup.)
expect_failure 4 cc-scan -d test:0 --accept-poor \
	--sane-option read-return-value=SANE_STATUS_IO_ERROR -o "$T/io.tiff"
assert_stderr "^cc-scan: scanner 'test:0': "
assert_no_file "$T/io.tiff"

test_case 'an unknown device is exit 4; a bad backend option is exit 2'
expect_failure 4 cc-scan -d test:9 -o "$T/none.tiff"
assert_stderr "^cc-scan: cannot open scanner 'test:9'"
expect_failure 2 cc-scan -d test:0 --sane-option no-such-option=1 -o "$T/none.tiff"
assert_stderr "no settable option 'no-such-option'"
expect_failure 2 cc-scan -d test:0 --sane-option 'test-picture=Nonsense' -o "$T/none.tiff"
expect_failure 2 cc-scan -d test:0 --sane-option novalue -o "$T/none.tiff"
assert_no_file "$T/none.tiff"

finish
