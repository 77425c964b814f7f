#!/bin/bash
# cc-ocr on a passport data page: the TD3 MRZ read exactly, every check
# digit, the printed fields against the ground truth and against the MRZ, a
# wrong check digit and an expired passport.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
S="$TESTDATA/samples"
TRUTH="$S/passport.json"

# gen NAME...: the generator's variants of the passport, made here (they are
# deterministic) rather than committed; skips the case when it cannot run.
gen() {
	active || return 0
	need qrencode || return 0
	$PY -c 'import PIL' 2>/dev/null || {
		skip_case "python3-pil is not installed"
		return 0
	}
	old_ifs=$IFS
	IFS=,
	names="$*"
	IFS=$old_ifs
	"$PY" "$TESTS_DIR/gen-samples" --only "$names" "$T/gen" >"$T/gen.log" 2>&1 ||
		fail "gen-samples failed: $(tail -3 "$T/gen.log")"
}

test_case 'a passport data page: valid, its MRZ read exactly, a searchable PDF'
need jq pdftotext
expect_success cc-scan --mode color -o "$T/pp.tiff" "$S/passport.png"
expect_success cc-ocr "$T/pp.tiff" -o "$T/pp.pdf" --json "$T/pp.json" \
	--require-valid --date 2026-11-28
assert_jq "$T/pp.json" '.valid and (.problems | length) == 0'
assert_jq "$T/pp.json" '.document.type == "passport" and .document.pages[0].type == "passport"'
assert_jq "$T/pp.json" "[.document.pages[0].mrz[]] == $(jq -c .mrz "$TRUTH")" \
	"MRZ lines exactly right"
assert_jq "$T/pp.json" '[.checks[] | select(.name | startswith("MRZ check digit"))] |
	map(.name) == ["MRZ check digit: document number", "MRZ check digit: date of birth",
	"MRZ check digit: date of expiry", "MRZ check digit: optional data",
	"MRZ check digit: composite"] and all(.result == "pass")' "all five TD3 check digits pass"
assert_jq "$T/pp.json" ".document.mrz.valid and
	.document.mrz.document_number == $(jq .fields.passport_number "$TRUTH") and
	.document.mrz.optional_data == $(jq .fields.id_number "$TRUTH") and
	.document.mrz.date_of_birth == $(jq .fields.date_of_birth "$TRUTH") and
	.document.mrz.date_of_expiry == $(jq .fields.date_of_expiry "$TRUTH") and
	.document.mrz.sex == \"M\" and .document.mrz.nationality == \"VNM\" and
	.document.mrz.surname == \"TRAN\" and .document.mrz.given_names == \"VAN MINH\""
pdftotext "$T/pp.pdf" - 2>/dev/null | grep -q 'C1234567' ||
	fail "the PDF's text lacks the passport number"

test_case 'a passport: the printed fields equal the ground truth'
need jq
for k in passport_number date_of_birth date_of_expiry date_of_issue sex id_number; do
	assert_jq "$T/pp.json" ".document.fields.$k == $(jq ".fields.$k" "$TRUTH")" "field $k"
done
# OCR often drops the marks of bold capitals: names and places compare folded.
$PY - "$T/pp.json" "$TRUTH" <<-'PYEOF' || fail "printed names or places differ from the truth"
import json, sys, unicodedata
def fold(s):
    s = s.replace("Đ", "D").replace("đ", "d")
    return " ".join("".join(c for c in unicodedata.normalize("NFD", s)
                            if not unicodedata.combining(c)).upper().split())
got = json.load(open(sys.argv[1], encoding="utf-8"))["document"]["fields"]
want = json.load(open(sys.argv[2], encoding="utf-8"))["fields"]
bad = [k for k in ("surname", "given_names", "full_name", "nationality", "place_of_birth",
                   "place_of_issue") if fold(got.get(k, "")) != fold(want[k])]
if bad:
    sys.exit("differ: " + ", ".join(f"{k}: {got.get(k)!r} != {want[k]!r}" for k in bad))
PYEOF

test_case 'a passport: the MRZ agrees with the printed fields'
need jq
assert_jq "$T/pp.json" '[.checks[] | select(.name | startswith("MRZ vs printed"))] |
	map(.name) == ["MRZ vs printed: date of birth", "MRZ vs printed: date of expiry",
	"MRZ vs printed: name", "MRZ vs printed: citizen number",
	"MRZ vs printed: passport number", "MRZ vs printed: sex"] and all(.result == "pass")'
assert_jq "$T/pp.json" '[.checks[] | select(.name == "not expired")][0] |
	.result == "pass" and .detail == "valid until 2029-08-12"'
assert_jq "$T/pp.json" '[.checks[] | select(.name | startswith("QR"))] | length == 0' \
	"no ID card QR checks on a passport"

test_case 'a wrong MRZ check digit on a passport makes --require-valid fail, naming it'
need jq
gen passport-bad-check
expect_failure 1 cc-ocr "$T/gen/passport-bad-check.png" -o "$T/bad.pdf" \
	--json "$T/bad.json" --require-valid --date 2026-11-28
assert_stderr '^cc-ocr: check failed: MRZ check digit: document number: reads .3., computed .0.'
assert_no_file "$T/bad.pdf"
assert_no_temp "$T"
# The zone was read right: the failure is the printed digit, not OCR.
assert_jq "$T/bad.json" "[.document.pages[0].mrz[]] == $(jq -c .mrz "$T/gen/passport-bad-check.json" 2>/dev/null)" \
	"MRZ lines exactly as printed"
assert_jq "$T/bad.json" '(.valid | not) and ([.checks[] | select(.result == "fail") | .name] ==
	["MRZ check digit: document number", "MRZ check digit: composite"])'

test_case 'an expired passport fails the expiry check'
need jq
expect_failure 1 cc-ocr "$S/passport.png" -o "$T/exp.pdf" --json "$T/exp.json" \
	--require-valid --date 2030-01-01
assert_stderr 'check failed: not expired: expired on 2029-08-12 \(today 2030-01-01\)'
assert_no_file "$T/exp.pdf"
gen passport-expired
expect_failure 1 cc-ocr "$T/gen/passport-expired.png" -o "$T/exp2.pdf" \
	--json "$T/exp2.json" --require-valid --date 2026-11-28
assert_stderr '^cc-ocr: check failed: not expired: expired on 2019-06-02'
assert_jq "$T/exp2.json" "[.document.pages[0].mrz[]] == $(jq -c .mrz "$T/gen/passport-expired.json" 2>/dev/null)" \
	"the expired passport's MRZ"
assert_jq "$T/exp2.json" '[.checks[] | select(.result == "fail") | .name] == ["not expired"]'

finish
