#!/bin/bash
# cc-certify, the kiosk workflow: a card scanned through SANE's pnm backend,
# the camera image, the test PKI with its TSA and OCSP responder on
# loopback, a SQLite register. Checked: the copy (cc-verify, pdfsig), the
# register, the summary; the refusals with the tool's reason and status;
# what a failed run gives back to the register (a reserved number voided, a
# copy that failed verification revoked); no leftovers; and a printed page's
# QR code back to the register record through cc-verify --image.
. "$(dirname "$0")/lib.sh"

PATH="$SRC_DIR/scripts:$PATH"
: "${CERTCOPY_MODELS:=$SRC_DIR/build/models}"
export CERTCOPY_MODELS
CARD=$TESTDATA/face/card-a.jpg

# register_rows: number|status|code of every copy, in order.
register_rows() {
	sqlite3 -batch "$T/reg.db" \
		"SELECT number || '|' || status || '|' || coalesce(code, '') FROM copies ORDER BY number" 2>/dev/null
}

test_case 'the inputs: PKI, services, SANE pnm, PIN files'
need_pki_tools
need sqlite3 jq pdfsig pdftotext pdftoppm zbarimg qpdf
[ -s "$CERTCOPY_MODELS/face_recognition_model.bin" ] ||
	skip_case "no face models in $CERTCOPY_MODELS (make models)"
start_pki_services
if active; then
	sane_setup
	/usr/bin/python3 -c 'import sys
from PIL import Image
Image.open(sys.argv[1]).convert("RGB").save(sys.argv[2])' "$CARD" "$T/card.ppm" ||
		fail "cannot make the PNM"
	pin_files
	KEYS=(--certifier-key "$PKI/certifier.p12" --certifier-pin-file "$T/certifier.pass"
		--seal-key "$PKI/seal.p12" --seal-pin-file "$T/seal.pass"
		--register "$T/reg.db" --trust "$PKI/trust.pem")
fi

test_case 'the kiosk: pnm:0 scan, the face check, a B-LT copy that verifies, the receipt'
expect_success cc-certify -d pnm:0 --sane-option "filename=$T/card.ppm" \
	--live "$TESTDATA/face/live-a.jpg" "${KEYS[@]}" --tsa "$TSA_URL/tsa" \
	--title 'Công chứng viên' -o "$T/copy.pdf" --receipt "$T/receipt.pdf" \
	--json "$T/sum.json"
if active; then
	code=$(cat "$T/out")
	[[ $code =~ ^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$ ]] ||
		fail "stdout is not one code: $code"
	assert_jq "$T/sum.json" '.status == 0 and .certified and .number == 1 and
		.pages == 1 and .fee == 2000 and .book == "01/2026-SCTĐT/BS" and .failed_step == null'
	assert_jq "$T/sum.json" "[.steps[].step] == [\"scan\",\"ocr\",\"facecheck\",\"sign\",\"stamp\",\"verify\",\"print\"] and all(.steps[]; .status == 0 and .ms >= 0)"
	assert_eq "$(jq_val "$T/sum.json" .code)" "$code" "the summary's code"
	assert_stderr '^\[1/7\] scanning the original on pnm:0'
	assert_stderr 'the same person'
	assert_eq "$(register_rows)" "1|issued|$code" "the register"
	assert_no_temp "$T"
	[ -z "$(ls -A "$TMPDIR")" ] || fail "left in TMPDIR: $(ls -A "$TMPDIR")"
fi
expect_success cc-verify --trust "$PKI/trust.pem" --register "$T/reg.db" \
	--json "$T/v.json" "$T/copy.pdf"
assert_jq "$T/v.json" '.documents[0].indication == "TOTAL_PASSED" and .documents[0].register.copy.status == "issued"'
assert_jq "$T/v.json" '[.documents[0].signatures[].role] == ["certifier", "seal"] and .documents[0].signatures[1].timestamp_token != "none"'
if active; then
	pdfsig -nssdir "$PKI/nss" "$T/copy.pdf" >"$T/pdfsig" 2>&1
	[ "$(grep -c 'Signature is Valid' "$T/pdfsig")" = 2 ] ||
		fail "pdfsig: $(cat "$T/pdfsig")"
	[ "$(dss_dump "$T/copy.pdf" OCSPs "$T/dss")" -ge 1 ] || fail "no OCSP response in the /DSS"
	pdftotext "$T/receipt.pdf" - | grep -q "$code" || fail "the receipt has no code"
	pdftotext "$T/copy.pdf" - | grep -q 'Công chứng viên' || fail "no title on the certification page"
fi

test_case "a print-out's first page (the card's own QR code on it too) leads back to the record"
expect_success cc-print -o "$T/print.pdf" "$T/copy.pdf"
active && pdftoppm -r 300 -png -f 1 -l 1 "$T/print.pdf" >"$T/printed.png"
expect_success cc-verify --register "$T/reg.db" --image "$T/printed.png" --json "$T/look.json"
assert_stdout "^$code: issued, number 1 of book"
assert_jq "$T/look.json" ".lookup.code == \"$code\" and .lookup.status == \"issued\""

test_case 'everything from the configuration (cc-config): the card front and back as images, no key options'
if active; then
	cat >"$T/office.conf" <<-EOF
	[office]
	name = Văn phòng thử nghiệm
	[register]
	uri = $T/reg.db
	[tsa]
	url = $TSA_URL/tsa
	[trust]
	anchors = $PKI/trust.pem
	[certifier]
	key = $PKI/certifier.p12
	pin_file = $T/certifier.pass
	title = Công chứng viên
	[seal]
	key = $PKI/seal.p12
	pin_file = $T/seal.pass
	EOF
fi
# The card's front and back: one document, "id-card", with a photo.
expect_success env CERTCOPY_CONF="$T/office.conf" cc-certify -q -o "$T/copy2.pdf" \
	--live "$TESTDATA/face/live-a.jpg" "$CARD" "$TESTDATA/samples/idcard-back.png"
if active; then
	assert_eq "$(qpdf --show-npages "$T/copy2.pdf" 2>&1)" 3 "pages: front, back, certification page"
	code2=$(cat "$T/out")
	assert_eq "$(register_rows | tail -1)" "2|issued|$code2" "the register"
	pdftotext "$T/copy2.pdf" - | grep -q 'Văn phòng thử nghiệm' || fail "the office is not the configured one"
	[ ! -s "$T/err" ] || fail "-q: stderr not empty: $(cat "$T/err")"
fi

test_case '--to: the copy e-mailed through the configured relay (cc-deliver), byte for byte'
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || skip_case "python3-aiosmtpd is not installed"
if active; then
	SMTP_PORT=$(free_port)
	start_smtp_relay mail "$SMTP_PORT"
	cp "$T/office.conf" "$T/mail.conf"
	printf '[deliver]\nsmtp_url = smtp://127.0.0.1:%s\nfrom = chungthuc@example.vn\n' \
		"$SMTP_PORT" >>"$T/mail.conf"
fi
expect_success env CERTCOPY_CONF="$T/mail.conf" cc-certify -o "$T/copy3.pdf" \
	--to citizen@example.vn --json "$T/sum3.json" "$CARD"
assert_stderr 'e-mailing the copy to citizen@example.vn'
assert_jq "$T/sum3.json" '.delivered_to == "citizen@example.vn" and .steps[-1].step == "deliver" and .steps[-1].status == 0'
if active; then
	/usr/bin/python3 - "$T/mail/1.eml" "$T/copy3.pdf" <<-'EOF' || fail "the e-mail does not carry the copy"
	import email, email.policy, sys
	m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
	pdf = [p for p in m.iter_attachments() if p.get_content_type() == "application/pdf"]
	assert m["To"] == "citizen@example.vn", m["To"]
	assert len(pdf) == 1 and pdf[0].get_content() == open(sys.argv[2], "rb").read()
	EOF
fi

test_case 'a wrong MRZ check digit: exit 1 at the OCR step, naming the digit; nothing taken'
expect_failure 1 cc-certify "${KEYS[@]}" -o "$T/bad.pdf" --json "$T/bad.json" \
	"$TESTDATA/samples/idcard-back-bad-check.png"
assert_stderr "stopped at step 2 \(ocr\), exit status 1: cc-ocr: check failed: MRZ check digit: date of birth"
assert_jq "$T/bad.json" '.status == 1 and .failed_step == "ocr" and (.reason | test("MRZ check digit")) and .code == null'
assert_no_file "$T/bad.pdf"
active && assert_eq "$(register_rows | wc -l)" 3 "register rows"

test_case 'someone else at the kiosk: exit 1 at the face check'
expect_failure 1 cc-certify "${KEYS[@]}" -o "$T/bad.pdf" --live "$TESTDATA/face/live-b.jpg" "$CARD"
assert_stderr 'stopped at step 3 \(facecheck\), exit status 1: not the same person: distance 0\.[0-9]+, threshold'
assert_no_file "$T/bad.pdf"

test_case '--live with a document that has no photo: usage error'
need_samples
expect_failure 2 cc-certify "${KEYS[@]}" -o "$T/bad.pdf" --live "$TESTDATA/face/live-a.jpg" \
	"$TESTDATA/samples/birth-cert.png"
assert_stderr "the original is recognised as 'birth-certificate'"
assert_no_file "$T/bad.pdf"

test_case 'the seal fails after the number was taken: exit 4, the number voided'
if active; then
	printf 'wrong\n' >"$T/wrong.pin"
	chmod 600 "$T/wrong.pin"
fi
expect_failure 4 cc-certify "${KEYS[@]}" --seal-pin-file "$T/wrong.pin" -o "$T/bad.pdf" "$CARD"
assert_stderr 'stopped at step 4 \(stamp\)'
assert_stderr 'number 4 of book .* voided'
assert_no_file "$T/bad.pdf"
active && assert_eq "$(register_rows | tail -1)" "4|void|" "the register"

test_case 'the copy fails verification (another root): exit 1, the copy revoked, not handed out'
if active; then
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/other.key" -out "$T/other.pem" \
		-subj /CN=other -days 30 >/dev/null 2>&1
fi
expect_failure 1 cc-certify "${KEYS[@]}" --trust "$T/other.pem" -o "$T/bad.pdf" "$CARD"
assert_stderr 'stopped at step 5 \(verify\)'
assert_stderr 'copy .* revoked in the register'
assert_no_file "$T/bad.pdf"
if active && ! [[ $(register_rows | tail -1) =~ ^5\|revoked\|[0-9A-Z-]+$ ]]; then
	fail "the register: $(register_rows | tail -1)"
fi

test_case 'a printer that cannot be reached: exit 4, the copy issued and kept'
expect_failure 4 cc-certify "${KEYS[@]}" -o "$T/copy5.pdf" --print \
	-P "ipp://127.0.0.1:$(free_port)/ipp/print" "$CARD"
assert_stderr 'stopped at step 6 \(print\)'
assert_stderr "is issued and in '$T/copy5.pdf'"
assert_file "$T/copy5.pdf"
if active && ! [[ $(register_rows | tail -1) =~ ^6\|issued\| ]]; then
	fail "the register: $(register_rows | tail -1)"
fi

test_case 'SIGTERM while sealing: the number voided, no output, no temp files'
if active; then
	# A cc-stamp that hangs, first in PATH.
	mkdir -p "$T/slow"
	cat >"$T/slow/cc-stamp" <<-EOF
	#!/bin/sh
	# --void and --revoke go to the real one.
	case " \$* " in *" --void "*|*" --revoke "*) exec "$CC_BUILD/bin/cc-stamp" "\$@" ;; esac
	touch "$T/slow/started"
	exec sleep 30
	EOF
	chmod +x "$T/slow/cc-stamp"
	PATH="$T/slow:$PATH" cc-certify "${KEYS[@]}" -o "$T/bad.pdf" "$CARD" 2>"$T/err" &
	pid=$!
	wait_for 30 test -e "$T/slow/started"
	kill -TERM "$pid"
	wait "$pid"
	st=$?
	assert_eq "$st" 143 "exit status (SIGTERM)"
	assert_stderr 'interrupted'
	assert_stderr 'number 7 of book .* voided'
	assert_no_file "$T/bad.pdf"
	assert_eq "$(register_rows | tail -1)" "7|void|" "the register"
	[ -z "$(ls -A "$TMPDIR")" ] || fail "left in TMPDIR: $(ls -A "$TMPDIR")"
	assert_no_temp "$T"
fi

test_case 'usage errors: exit 2 before anything is scanned'
expect_failure 2 cc-certify --certifier-key "$PKI/certifier.p12" --seal-key "$PKI/seal.p12" "$CARD"
assert_stderr 'no register: give --register or set register.uri'
expect_failure 2 cc-certify "${KEYS[@]}"
assert_stderr 'no original'
expect_failure 2 cc-certify "${KEYS[@]}" -d pnm:0 "$CARD"
assert_stderr 'not both'
expect_failure 2 cc-certify "${KEYS[@]}" --bogus "$CARD"
assert_stderr "unknown option '--bogus'"
expect_failure 2 cc-certify "${KEYS[@]}" --to not-an-address "$CARD"
expect_failure 4 cc-certify "${KEYS[@]}" --seal-key "$T/none.p12" "$CARD"
assert_stderr "cannot read '$T/none.p12': No such file or directory"
expect_failure 4 cc-certify "${KEYS[@]}" --json "$T/no/such/dir/s.json" "$CARD"
assert_stderr "cannot write into '$T/no/such/dir'"
active && assert_eq "$(register_rows | wc -l)" 7 "register rows"
expect_success cc-certify --help
assert_stdout '^Usage: cc-certify '
expect_success cc-certify --version
assert_stdout '^cc-certify \(certcopy\) [0-9]'

finish
