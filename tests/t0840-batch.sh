#!/bin/bash
# cc-batch: a backlog certified with the test PKI, its TSA and OCSP
# responder and a SQLite register: good originals certified (cc-verify,
# pdfsig, the register), bad ones refused with their tool's reason, the
# CSV and JSON summaries, re-runs that skip what is done, resumption after
# a failure between signing and sealing, an input changed under a signed
# copy (its number voided), an interrupted run, and usage errors.
. "$(dirname "$0")/lib.sh"

BATCH="$SRC_DIR/scripts/cc-batch"

sql() {
	sqlite3 -batch -noheader "$T/reg.db" "$1" 2>&1
}

sha() {
	sha256sum "$1" 2>/dev/null | cut -c1-64
}

# batch ARGS...: cc-batch with the test PKI's keys, TSA and trust anchor.
batch() {
	run "$BATCH" --register "$T/reg.db" \
		--certifier-key "$PKI/certifier.p12" --certifier-pin-file "$T/certifier.pass" \
		--seal-key "$PKI/seal.p12" --seal-pin-file "$T/seal.pass" \
		--title 'Công chứng viên' --tsa "$TSA_URL/tsa" --trust "$PKI/trust.pem" "$@"
}

# status_is WANT: the last run's exit status.
status_is() {
	active || return 0
	[ "$STATUS" -eq "$1" ] || {
		fail "expected exit $1, got $STATUS"
		show_err
	}
}

# csv_field NAME COLUMN: a field of NAME's row of $T/s.csv (parsed by
# Python's csv module, not by us).
csv_field() {
	/usr/bin/python3 -c 'import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
print(next((r[sys.argv[3]] for r in rows if r["name"] == sys.argv[2]), "<none>"))' \
		"$T/s.csv" "$1" "$2"
}

# pdfsig_ok FILE: pdfsig finds both signatures valid and trusted.
pdfsig_ok() {
	pdfsig -nssdir "$PKI/nss" "$1" >"$T/pdfsig" 2>&1
	[ "$(grep -c 'Signature is Valid' "$T/pdfsig")" = 2 ] &&
		[ "$(grep -c 'Certificate is Trusted' "$T/pdfsig")" = 2 ] ||
		fail "pdfsig on $1: $(cat "$T/pdfsig")"
}

# no_temp: nothing half-made in the output directory, nothing left in
# TMPDIR.
no_temp() {
	active || return 0
	assert_no_temp "$T/cert"
	left=$(find "$T/cert" -name '.*.??????' | head -1)
	[ -z "$left" ] || fail "temporary file left behind: $left"
	left=$(find "$TMPDIR" -mindepth 1 | head -1)
	[ -z "$left" ] || fail "left in TMPDIR: $left"
}

GOOD="idcard-front birth-cert"
BAD="birth-cert-blur-heavy idcard-back-bad-check"

test_case 'the inputs: PKI, services, a backlog of four originals'
need_samples
need jq sqlite3 pdfsig qpdf openssl sha256sum flock
pki_setup && start_pki_services
if active; then
	pin_files
	mkdir -p "$T/in"
	for n in $GOOD; do
		cp "$SAMPLES/$n.png" "$T/in/$n.png"
	done
	# The refused: a blurred scan (cc-scan's quality gate) and an ID
	# card's back whose MRZ check digit is wrong (cc-ocr --require-valid).
	"$TESTS_DIR/gen-samples" --only birth-cert-blur-heavy "$T/gen" >/dev/null 2>&1 ||
		fail "gen-samples birth-cert-blur-heavy failed"
	cp "$T/gen/birth-cert-blur-heavy.png" "$T/in/" || fail "no blurred sample"
	cp "$SAMPLES/idcard-back-bad-check.png" "$T/in/"
	# Not images: not documents.
	printf 'notes\n' >"$T/in/README.txt"
	(cd "$T/in" && sha256sum -- *) >"$T/in.sha256"
fi

test_case 'a backlog: the good certified, the bad refused with their reasons, exit 1'
active && batch -j 2 -O "$T/cert" --summary "$T/s.csv" --json "$T/s.json" "$T/in"
status_is 1
assert_stderr '^cc-batch: 2 certified, 0 skipped, 2 refused, 0 failed in [0-9]+ s$'
# Not a terminal: no progress bar.
active && grep -q $'\r' "$T/err" && fail "a progress bar on a pipe"
assert_stderr "^cc-batch: birth-cert-blur-heavy: refused by cc-scan \\(exit 1\\): cc-scan: page 1 rejected: blurred"
for n in $GOOD; do
	assert_file "$T/cert/$n.pdf"
	assert_file "$T/cert/$n.json"
	expect_success cc-verify --trust "$PKI/trust.pem" --register "$T/reg.db" "$T/cert/$n.pdf"
	assert_stdout "^$T/cert/$n.pdf: TOTAL_PASSED$"
	active && pdfsig_ok "$T/cert/$n.pdf"
done
for n in $BAD; do
	assert_no_file "$T/cert/$n.pdf"
done
assert_no_file "$T/cert/README.pdf"
# One issued copy a certified document, numbers 1 and 2, each row the file.
assert_eq "$(sql "SELECT group_concat(number || ':' || status, ' ') FROM (SELECT * FROM copies ORDER BY number)")" \
	"1:issued 2:issued" "the register's copies"
if active; then
	for n in $GOOD; do
		num=$(jq_val "$T/cert/$n.json" .number)
		assert_eq "$(sql "SELECT pdf_sha256 FROM copies WHERE number = $num")" \
			"$(sha "$T/cert/$n.pdf")" "the register's hash of $n.pdf"
		assert_eq "$(sql "SELECT code FROM copies WHERE number = $num")" \
			"$(jq_val "$T/cert/$n.json" .code)" "the code of $n"
	done
fi
# The CSV: its header, and a row a document (sorted by name).
assert_eq "$(head -1 "$T/s.csv" 2>/dev/null)" \
	'name,input,status,step,exit,reason,code,number,book,pages,fee,output,ms' "the CSV header"
assert_eq "$(sed 1d "$T/s.csv" 2>/dev/null | wc -l)" 4 "CSV rows"
if active; then
	assert_eq "$(csv_field birth-cert-blur-heavy status)/$(csv_field birth-cert-blur-heavy step)/$(csv_field birth-cert-blur-heavy exit)" \
		refused/scan/1 "the blurred scan"
	case $(csv_field birth-cert-blur-heavy reason) in
	'cc-scan: page 1 rejected: blurred (sharpness '*) ;;
	*) fail "the blurred scan's reason: $(csv_field birth-cert-blur-heavy reason)" ;;
	esac
	assert_eq "$(csv_field idcard-back-bad-check status)/$(csv_field idcard-back-bad-check step)/$(csv_field idcard-back-bad-check exit)" \
		refused/ocr/1 "the bad check digit"
	case $(csv_field idcard-back-bad-check reason) in
	'cc-ocr: check failed: MRZ check digit: '*) ;;
	*) fail "the bad check digit's reason: $(csv_field idcard-back-bad-check reason)" ;;
	esac
	for n in $GOOD; do
		assert_eq "$(csv_field "$n" status)/$(csv_field "$n" exit)/$(csv_field "$n" output)/$(csv_field "$n" input)" \
			"certified/0/$T/cert/$n.pdf/$T/in/$n.png" "the row of $n"
		assert_eq "$(csv_field "$n" pages)/$(csv_field "$n" fee)/$(csv_field "$n" book)" \
			"1/2000/$(sql "SELECT book FROM copies WHERE number = 1")" "the row of $n"
	done
	assert_eq "$(csv_field birth-cert number),$(csv_field idcard-front number)" "1,2" "numbers in order of the names"
fi
assert_jq "$T/s.json" '.totals | .certified == 2 and .skipped == 0 and .refused == 2 and
	.failed == 0 and .documents == 4 and .seconds > 0 and .documents_per_minute > 0'
assert_jq "$T/s.json" '[.documents[] | select(.status == "certified")] | length == 2 and
	all(.code | test("^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$")) and all(.pages == 1 and .fee == 2000 and .exit == 0)'
assert_jq "$T/s.json" '.documents[] | select(.name == "idcard-back-bad-check") |
	.status == "refused" and .step == "ocr" and .exit == 1 and (.reason | test("MRZ check digit"))'
# The per-document reports carry the tools' own.
assert_jq "$T/cert/birth-cert.json" '.status == "certified" and .reports.scan.tool == "cc-scan" and
	.reports.ocr.tool == "cc-ocr" and .reports.stamp.tool == "cc-stamp" and
	.reports.verify.indication == "TOTAL_PASSED"'
assert_jq "$T/cert/birth-cert-blur-heavy.json" '.status == "refused" and .reports.scan.verdict == "rejected"'
if active; then
	(cd "$T/in" && sha256sum -c --quiet "$T/in.sha256") >/dev/null 2>&1 ||
		fail "an input was modified"
fi
assert_no_file "$T/cert/.work"
no_temp

test_case 'a re-run skips the certified copies (untouched) and refuses the bad again'
if active; then
	for n in $GOOD; do
		sha "$T/cert/$n.pdf"
		sha "$T/cert/$n.json"
	done >"$T/out.sha"
	audit=$(sql "SELECT count(*) FROM audit")
	batch -O "$T/cert" --summary "$T/s.csv" --json "$T/s.json" "$T/in"
fi
status_is 1
assert_stderr '^cc-batch: 0 certified, 2 skipped, 2 refused, 0 failed in [0-9]+ s$'
if active; then
	for n in $GOOD; do
		sha "$T/cert/$n.pdf"
		sha "$T/cert/$n.json"
	done | cmp -s - "$T/out.sha" || fail "a certified copy or its report changed"
	assert_eq "$(sql "SELECT count(*) FROM audit")" "$audit" "the register's audit log (nothing new)"
	assert_eq "$(csv_field birth-cert status)/$(csv_field birth-cert number)/$(csv_field birth-cert code)" \
		"skipped/1/$(sql "SELECT code FROM copies WHERE number = 1")" "birth-cert skipped"
	assert_eq "$(csv_field idcard-back-bad-check status)" refused "the bad check digit again"
	assert_eq "$(csv_field birth-cert-blur-heavy status)" refused "the blurred scan again"
fi
assert_jq "$T/s.json" '.totals | .certified == 0 and .skipped == 2 and .refused == 2'
no_temp

test_case 'sealing fails after signing: the re-run seals the signed copy, no number lost'
if active; then
	mkdir -p "$T/fake" "$T/in2"
	cat >"$T/fake/cc-stamp" <<-EOF
	#!/bin/sh
	# Fails the first time it is asked to seal, as a TSA that is down would.
	if [ -e "$T/stamp-fails" ]; then
		rm -f "$T/stamp-fails"
		echo "cc-stamp: cannot reach the TSA (simulated)" >&2
		exit 4
	fi
	exec "$CC_BUILD/bin/cc-stamp" "\$@"
	EOF
	chmod +x "$T/fake/cc-stamp"
	cp "$SAMPLES/diploma.png" "$T/in2/diploma.png"
	touch "$T/stamp-fails"
	PATH="$T/fake:$PATH" batch -O "$T/cert" --summary "$T/s.csv" "$T/in2"
fi
status_is 4
assert_stderr 'diploma: failed at stamp \(exit 4\): cc-stamp: cannot reach the TSA \(simulated\)'
assert_no_file "$T/cert/diploma.pdf"
assert_file "$T/cert/.work/diploma/signed.pdf"
assert_eq "$(sql "SELECT number || ':' || status FROM copies WHERE number = 3")" "3:reserved" "number 3 reserved"
active && assert_eq "$(csv_field diploma status)/$(csv_field diploma step)/$(csv_field diploma exit)/$(csv_field diploma number)" \
	"failed/stamp/4/3" "the failed row"
active && batch -O "$T/cert" --json "$T/s.json" "$T/in2"
status_is 0
assert_stderr '^cc-batch: 1 certified, 0 skipped, 0 refused, 0 failed in [0-9]+ s$'
assert_jq "$T/s.json" '.documents[0] | .status == "certified" and .number == 3 and .times_ms.sign == 0 and .times_ms.scan == 0'
assert_eq "$(sql "SELECT group_concat(number || ':' || status, ' ') FROM (SELECT * FROM copies ORDER BY number)")" \
	"1:issued 2:issued 3:issued" "one number a copy, none wasted"
expect_success cc-verify --trust "$PKI/trust.pem" --register "$T/reg.db" "$T/cert/diploma.pdf"
active && pdfsig_ok "$T/cert/diploma.pdf"
assert_no_file "$T/cert/.work"
no_temp

test_case 'an input changed under a signed copy: its number void, the new one signed'
if active; then
	mkdir -p "$T/in3"
	cp "$SAMPLES/idcard-front.png" "$T/in3/card.png"
	touch "$T/stamp-fails"
	PATH="$T/fake:$PATH" batch -O "$T/cert" "$T/in3"
fi
status_is 4
assert_eq "$(sql "SELECT status FROM copies WHERE number = 4")" reserved "number 4 reserved"
active && cp "$SAMPLES/birth-cert.png" "$T/in3/card.png"
active && batch -O "$T/cert" --json "$T/s.json" "$T/in3"
status_is 0
assert_stderr "card: number 4 of book .* void: the input '$T/in3/card.png' changed"
assert_eq "$(sql "SELECT group_concat(number || ':' || status, ' ') FROM (SELECT * FROM copies WHERE number > 3 ORDER BY number)")" \
	"4:void 5:issued" "the old number void, the new one issued"
assert_eq "$(sql "SELECT void_reason FROM copies WHERE number = 4")" \
	"cc-batch: the input '$T/in3/card.png' changed" "the void's reason"
assert_jq "$T/s.json" ".documents[0] | .number == 5 and .input_sha256 == \"$(sha "$SAMPLES/birth-cert.png")\""
expect_success cc-verify --trust "$PKI/trust.pem" --register "$T/reg.db" "$T/cert/card.pdf"
# The copy there is now of another original than the input: refused, kept.
active && cp "$SAMPLES/diploma.png" "$T/in3/card.png" && sha "$T/cert/card.pdf" >"$T/card.sha"
active && batch -O "$T/cert" --summary "$T/s.csv" "$T/in3"
status_is 3
active && assert_eq "$(csv_field card status)/$(csv_field card step)" failed/input "a changed original"
assert_stderr "changed since '$T/cert/card.pdf' was certified"
active && assert_eq "$(sha "$T/cert/card.pdf")" "$(cat "$T/card.sha")" "the copy there"
no_temp

test_case 'interrupted (TERM) during OCR: no partial copy, no temp files; the re-run certifies'
if active; then
	mkdir -p "$T/in4"
	cp "$SAMPLES/birth-cert.png" "$T/in4/late.png"
	"$BATCH" --register "$T/reg.db" --certifier-key "$PKI/certifier.p12" \
		--certifier-pin-file "$T/certifier.pass" --seal-key "$PKI/seal.p12" \
		--seal-pin-file "$T/seal.pass" --tsa "$TSA_URL/tsa" --trust "$PKI/trust.pem" \
		-O "$T/cert" "$T/in4" >"$T/out" 2>"$T/err" &
	pid=$!
	wait_for 10 test -s "$T/cert/.work/late/scan.tiff"
	kill -TERM "$pid"
	wait "$pid"
	STATUS=$?
fi
status_is 143
assert_stderr 'interrupted'
assert_no_file "$T/cert/late.pdf"
assert_no_file "$T/cert/.work/late/ocr.pdf"
no_temp
left=$(find "$T/cert/.work" -name '.*.??????' 2>/dev/null | head -1)
assert_eq "$left" "" "temporary files in the work directory"
assert_eq "$(sql "SELECT count(*) FROM copies")" 5 "nothing reserved"
active && batch -O "$T/cert" "$T/in4"
status_is 0
assert_file "$T/cert/late.pdf"
assert_eq "$(sql "SELECT number || ':' || status FROM copies WHERE number = 6")" "6:issued" "the late copy"

test_case 'interrupted while signing: cc-sign finishes, the re-run seals what it signed'
if active; then
	mkdir -p "$T/fake2" "$T/in5"
	cat >"$T/fake2/cc-sign" <<-EOF
	#!/bin/sh
	# A slow certifier's token.
	touch "$T/signing"
	sleep 2
	exec "$CC_BUILD/bin/cc-sign" "\$@"
	EOF
	chmod +x "$T/fake2/cc-sign"
	cp "$SAMPLES/idcard-front.png" "$T/in5/signing.png"
	# A process group of its own, signalled whole, as a Ctrl-C on a
	# terminal would be (TERM: a background job ignores SIGINT).
	PATH="$T/fake2:$PATH" setsid "$BATCH" --register "$T/reg.db" \
		--certifier-key "$PKI/certifier.p12" --certifier-pin-file "$T/certifier.pass" \
		--seal-key "$PKI/seal.p12" --seal-pin-file "$T/seal.pass" --tsa "$TSA_URL/tsa" \
		--trust "$PKI/trust.pem" -O "$T/cert" "$T/in5" >"$T/out" 2>"$T/err" &
	pid=$!
	wait_for 30 test -e "$T/signing"
	kill -TERM -- "-$pid"
	wait "$pid"
	STATUS=$?
fi
status_is 143
assert_stderr 'letting cc-sign finish'
assert_file "$T/cert/.work/signing/signed.pdf"
assert_no_file "$T/cert/signing.pdf"
assert_eq "$(sql "SELECT number || ':' || status FROM copies WHERE number = 7")" "7:reserved" \
	"the number cc-sign took"
active && batch -O "$T/cert" --json "$T/s.json" "$T/in5"
status_is 0
assert_jq "$T/s.json" '.documents[0] | .status == "certified" and .number == 7 and .times_ms.sign == 0'
assert_eq "$(sql "SELECT count(*) FROM copies WHERE status = 'reserved'")" 0 "numbers left reserved"
no_temp

test_case 'on a terminal, a progress bar'
need script
if active; then
	# script(1) gives cc-batch a terminal; what it wrote is in the log.
	COLUMNS=200 script -qfec "'$BATCH' --register '$T/reg.db' \
		--certifier-key '$PKI/certifier.p12' --certifier-pin-file '$T/certifier.pass' \
		--seal-key '$PKI/seal.p12' --seal-pin-file '$T/seal.pass' \
		--trust '$PKI/trust.pem' -O '$T/cert' '$T/in2'" "$T/tty.log" >/dev/null 2>&1 </dev/null ||
		fail "cc-batch on a terminal: $(cat "$T/tty.log")"
	grep -q $'\r.*cc-batch: \\[####################\\] 1/1 done, 0 failed' "$T/tty.log" ||
		fail "no progress bar: $(cat -v "$T/tty.log")"
fi

test_case 'a list of paths, and the configuration for what the options leave unsaid'
if active; then
	printf '%s\n' "# the backlog" "$T/in/birth-cert.png" "" "$T/in2/diploma.png" |
		sed 's/$/\r/' >"$T/list"
	cat >"$T/conf" <<-EOF
	[register]
	uri = $T/reg.db
	[certifier]
	key = $PKI/certifier.p12
	pin_file = $T/certifier.pass
	[seal]
	key = $PKI/seal.p12
	pin_file = $T/seal.pass
	[tsa]
	url = $TSA_URL/tsa
	[trust]
	anchors = $PKI/trust.pem
	EOF
	CERTCOPY_CONF="$T/conf" run "$BATCH" -q -O "$T/cert" --list - --json - <"$T/list"
fi
status_is 0
assert_eq "$(cat "$T/err")" "" "nothing on stderr with -q"
if active; then
	jq -e '[.documents[].status] == ["skipped", "skipped"] and .totals.skipped == 2' "$T/out" \
		>/dev/null 2>&1 || fail "--json - on stdout: $(cat "$T/out")"
fi

test_case 'usage errors (2): options, the register, keys, PIN files, names'
expect_success "$BATCH" --help
assert_stdout '^Usage: cc-batch \[-qv\] \[-j jobs\] \[-O dir\] \[--summary file.csv\] \[--json file\] \[options\] dir\|file \.\.\.$'
active && assert_eq "$(head -1 "$T/out")" \
	'Usage: cc-batch [-qv] [-j jobs] [-O dir] [--summary file.csv] [--json file] [options] dir|file ...' \
	"the usage line"
expect_success "$BATCH" --version
assert_stdout "^cc-batch \\(certcopy\\) $(cc-config --version | sed 's/.* //')\$"
K="--certifier-key $PKI/certifier.p12 --certifier-pin-file $T/certifier.pass --seal-key $PKI/seal.p12 --seal-pin-file $T/seal.pass"
expect_failure 2 "$BATCH" $K -O "$T/u" "$T/in"
assert_stderr 'register\.uri'
expect_failure 2 "$BATCH" --no-such-option --register "$T/reg.db" $K -O "$T/u" "$T/in"
assert_stderr "unknown option '--no-such-option'"
expect_failure 2 "$BATCH" --register "$T/reg.db" --seal-key "$PKI/seal.p12" \
	--seal-pin-file "$T/seal.pass" -O "$T/u" "$T/in"
assert_stderr '--certifier-key.*certifier\.key'
expect_failure 2 "$BATCH" --register "$T/reg.db" --certifier-key "$PKI/certifier.p12" \
	--certifier-pin-file "$T/certifier.pass" -O "$T/u" "$T/in"
assert_stderr '--seal-key.*seal\.key'
expect_failure 2 "$BATCH" --register "$T/reg.db" --certifier-key "$PKI/certifier.p12" \
	--certifier-pin-file "$T/certifier.pass" --seal-key "$PKI/seal.p12" -O "$T/u" "$T/in"
assert_stderr '--seal-pin-file.*seal\.pin_file'
expect_failure 2 "$BATCH" --register "$T/reg.db" $K -O "$T/u"
# A key that is not there: every document would fail (4), none is tried.
expect_failure 4 "$BATCH" --register "$T/reg.db" --certifier-key "$T/no-such.p12" \
	--certifier-pin-file "$T/certifier.pass" --seal-key "$PKI/seal.p12" \
	--seal-pin-file "$T/seal.pass" -O "$T/u" "$T/in"
assert_stderr "cannot read the certifier key '$T/no-such.p12'"
expect_failure 2 "$BATCH" --register "$T/reg.db" $K -j 0 -O "$T/u" "$T/in"
expect_failure 2 "$BATCH" --register "$T/reg.db" $K --date 28/11/2026 -O "$T/u" "$T/in"
if active; then
	mkdir -p "$T/dup"
	cp "$SAMPLES/birth-cert.png" "$T/dup/a.png"
	cp "$SAMPLES/birth-cert.png" "$T/dup/a.tiff"
fi
expect_failure 2 "$BATCH" --register "$T/reg.db" $K -O "$T/u" "$T/dup"
assert_stderr "would both be certified as 'a.pdf'"
assert_no_file "$T/u"
assert_eq "$(sql "SELECT count(*) FROM copies")" 7 "the register untouched"

finish
