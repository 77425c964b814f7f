#!/bin/bash
# cc-facecheck: the same person matches and another does not (the card as
# an image and as cc-scan's TIFF), the JSON report, the threshold, two
# people or none, the quality gate's reasons, missing and corrupt models,
# bad input and usage.
. "$(dirname "$0")/lib.sh"

# The models `make check` fetched (scripts/models).
: "${CERTCOPY_MODELS:=$SRC_DIR/build/models}"
export CERTCOPY_MODELS
F="$TESTDATA/face"

need_models() {
	[ -s "$CERTCOPY_MODELS/face_recognition_model.bin" ] ||
		skip_case "no face models in $CERTCOPY_MODELS (make models)"
}

test_case 'the same person on the card and at the kiosk: exit 0, the report'
need jq && need_models
expect_success cc-facecheck --document "$F/card-a.jpg" --live "$F/live-a.jpg" \
	--json "$T/a.json"
assert_stdout '^match 0\.[0-9]{4}$'
assert_jq "$T/a.json" '.tool == "cc-facecheck" and .verdict == "match"
	and .threshold == 0.5 and .distance < 0.5 and (.reason | not)'
assert_jq "$T/a.json" '[.document, .live][] | .faces_found == 1
	and (.face.landmarks | length) == 68
	and all(.face.landmarks[]; length == 2)
	and (.face.box | length) == 4 and .face.box[2] > 60
	and .face.score > 0.5 and .face.score <= 1
	and (.face.aligned | length) == 4'
# The photo on the card is in the card's photo frame (35, 207, 224 x 289).
assert_jq "$T/a.json" '.document.face.box as [$x, $y, $w, $h]
	| $x >= 35 and $y >= 207 and $x + $w <= 259 and $y + $h <= 496'
assert_jq "$T/a.json" '.live.face.quality | .size >= 60 and .brightness >= 25
	and .sharpness >= 20'
distance=$(jq_val "$T/a.json" .distance)
# The report alone on stdout with --json -.
expect_success cc-facecheck -d "$F/card-a.jpg" -l "$F/live-a.jpg" --json -
jq -e '.verdict == "match"' "$T/out" >/dev/null || fail "--json - is not the report alone"

test_case 'the card as cc-scan reads it (TIFF): the same verdict'
need jq tiffinfo && need_models
expect_success cc-scan --mode color -o "$T/card.tiff" "$F/card-a.jpg"
expect_success cc-facecheck -d "$T/card.tiff" -l "$F/live-a.jpg" --json "$T/t.json"
assert_jq "$T/t.json" '.verdict == "match" and .distance < 0.5'

test_case 'another person: exit 1'
need jq && need_models
expect_failure 1 cc-facecheck --document "$F/card-a.jpg" --live "$F/live-b.jpg" \
	--json "$T/b.json"
assert_stdout '^no-match 0\.[0-9]{4}$'
assert_jq "$T/b.json" '.verdict == "no match" and .distance >= 0.5
	and .live.faces_found == 1'

test_case '--threshold moves the line'
need jq && need_models
b=$(jq_val "$T/b.json" .distance)
expect_success cc-facecheck -d "$F/card-a.jpg" -l "$F/live-b.jpg" \
	--threshold "$(awk -v b="$b" 'BEGIN { print b + 0.01 }')" --json "$T/b2.json"
assert_jq "$T/b2.json" '.verdict == "match"'
expect_failure 1 cc-facecheck -d "$F/card-a.jpg" -l "$F/live-a.jpg" -t "${distance:-0.1}"
expect_failure 2 cc-facecheck -d "$F/card-a.jpg" -l "$F/live-a.jpg" -t 0
expect_failure 2 cc-facecheck -d "$F/card-a.jpg" -l "$F/live-a.jpg" -t 2.5
expect_failure 2 cc-facecheck -d "$F/card-a.jpg" -l "$F/live-a.jpg" -t abc

test_case 'two people in front of the camera: exit 3'
need jq && need_models
expect_failure 3 cc-facecheck -d "$F/card-a.jpg" -l "$F/live-two.jpg" --json "$T/two.json"
assert_stderr "^cc-facecheck: 2 faces in the live image '.*live-two.jpg': only the person"
assert_jq "$T/two.json" '.verdict == "rejected" and .live.faces_found == 2
	and (.distance | not) and (.reason | test("2 faces"))'
[ -s "$T/out" ] && fail "a verdict on stdout: $(cat "$T/out")"

test_case 'no face: exit 3, saying in which image'
need convert && need_models
convert -size 640x480 gradient:white-gray40 "$T/wall.jpg"
expect_failure 3 cc-facecheck -d "$F/card-a.jpg" -l "$T/wall.jpg"
assert_stderr "^cc-facecheck: no face found in the live image '.*wall.jpg'$"
expect_failure 3 cc-facecheck -d "$T/wall.jpg" -l "$F/live-a.jpg"
assert_stderr "^cc-facecheck: no face found in the document image '.*wall.jpg'$"

test_case 'a face that fills the frame is found (the reference misses it)'
need convert && need_models
convert "$F/live-a.jpg" -crop 246x185+162+140 +repage "$T/close.png"
expect_success cc-facecheck -d "$F/card-a.jpg" -l "$T/close.png" --json "$T/c.json"
assert_jq "$T/c.json" '.verdict == "match" and .live.face.detector_size != 416'

test_case 'the quality gate: too small, too dark, too blurred: exit 3 with the reason'
need convert jq && need_models
convert "$F/live-a.jpg" -resize 140x105 "$T/small.jpg"
expect_failure 3 cc-facecheck -d "$F/card-a.jpg" -l "$T/small.jpg" --json "$T/q.json"
assert_stderr "^cc-facecheck: the live image '.*small.jpg': the face is too small \([0-9]+ pixels, at least 60 needed\)$"
assert_jq "$T/q.json" '.verdict == "rejected" and .live.face.quality.size < 60'
convert "$F/live-a.jpg" -evaluate multiply 0.2 "$T/dark.jpg"
expect_failure 3 cc-facecheck -d "$F/card-a.jpg" -l "$T/dark.jpg"
assert_stderr "the face is too dark \(mean brightness [0-9]+, at least 25 needed\)$"
convert "$F/live-b.jpg" -blur 0x5 "$T/blur.jpg"
expect_failure 3 cc-facecheck -d "$F/card-a.jpg" -l "$T/blur.jpg"
assert_stderr "the face is too blurred \(sharpness [0-9.]+, at least 20.0 needed\)$"
# The card is not gated: the document side may be a small photo.
expect_success cc-facecheck -d "$F/card-a.jpg" -l "$F/card-a.jpg" -q
[ -s "$T/out" ] && fail "--quiet printed: $(cat "$T/out")"

test_case 'a missing or corrupt model: exit 4, saying to run make models'
need_models
mkdir -p "$T/models"
expect_failure 4 env CERTCOPY_MODELS="$T/models" \
	cc-facecheck -d "$F/card-a.jpg" -l "$F/live-a.jpg"
assert_stderr "^cc-facecheck: cannot open '.*tiny_face_detector_model-weights_manifest.json': No such file or directory \(run 'make models'\)$"
cp "$CERTCOPY_MODELS"/*.json "$CERTCOPY_MODELS"/*.bin "$T/models/"
head -c 100000 "$CERTCOPY_MODELS/face_recognition_model.bin" >"$T/models/face_recognition_model.bin"
expect_failure 4 cc-facecheck --models "$T/models" -d "$F/card-a.jpg" -l "$F/live-a.jpg"
assert_stderr "corrupt model \(run 'make models'\).*face_recognition_model"
echo '{"not": "a manifest"' >"$T/models/face_landmark_68_model-weights_manifest.json"
expect_failure 4 cc-facecheck --models "$T/models" -d "$F/card-a.jpg" -l "$F/live-a.jpg"
assert_stderr "run 'make models'"

test_case 'bad input: exit 3; usage: exit 2'
need_models
printf 'not an image' >"$T/junk.jpg"
expect_failure 3 cc-facecheck -d "$T/junk.jpg" -l "$F/live-a.jpg"
assert_stderr "^cc-facecheck: .*junk.jpg"
expect_failure 3 cc-facecheck -d "$F/card-a.jpg" -l "$T/missing.jpg"
expect_failure 2 cc-facecheck -d "$F/card-a.jpg"
assert_stderr 'both --document and --live are needed'
expect_failure 2 cc-facecheck --live "$F/live-a.jpg"
expect_failure 2 cc-facecheck -d "$F/card-a.jpg" -l "$F/live-a.jpg" extra
expect_failure 2 cc-facecheck --bogus

finish
