#!/bin/bash
# cc-print: the print-ready PDF of a certified copy (a footer with the code,
# the QR code and the Vietnamese notice on every page; the copy itself
# untouched), the receipt, and print jobs to IPP printers: CUPS's reference
# printer ippeveprinter on loopback, whose kept spool file is checked, and a
# printer in trouble (tests/services/ipp-printer). Checked by qpdf,
# pdftotext, pdftoppm, mutool and zbarimg.
. "$(dirname "$0")/lib.sh"

URLBASE=https://certcopy.example/v/
IPPEVE=/usr/sbin/ippeveprinter

# pages FILE: the page count qpdf sees.
pages() {
	qpdf --show-npages "$1" 2>/dev/null
}

# qr_pages FILE URL: zbarimg reads URL from every page rendered at 300 dpi.
qr_pages() {
	rm -f "$T"/qr-*.png
	pdftoppm -r 300 -png "$1" "$T/qr" || {
		fail "pdftoppm cannot render $1"
		return
	}
	for png in "$T"/qr-*.png; do
		# (The ID card's own QR code may be read too.)
		zbarimg -q --raw -Sdisable -Sqrcode.enable "$png" 2>/dev/null |
			grep -qFx "$2" || fail "the QR code of $(basename "$png"): not $2"
	done
}

qpdf_clean() {
	qpdf --check "$1" >"$T/qpdf" 2>&1 && ! grep -qi warning "$T/qpdf" ||
		fail "qpdf --check $1: $(cat "$T/qpdf")"
}

test_case 'the test inputs: PKI, services, a certified copy'
need qpdf pdftotext pdftoppm mutool zbarimg sqlite3 jq sha256sum
pki_setup && start_pki_services
certified_copy "$T/copy.pdf"
URL=$URLBASE$vcode
active && sha=$(sha256sum "$T/copy.pdf" | cut -c1-64)
npages=$(pages "$T/copy.pdf")
assert_eq "$npages" 2 "the copy's pages"

test_case '-o: a print-ready PDF with the footer on every page, the copy untouched'
expect_success cc-print -o "$T/print.pdf" --json "$T/print.json" "$T/copy.pdf"
if active; then
	qpdf_clean "$T/print.pdf"
	assert_eq "$(pages "$T/print.pdf")" "$npages" "pages of the print-out"
	for p in $(seq 1 "$npages"); do
		pdftotext -f "$p" -l "$p" "$T/print.pdf" "$T/p$p.txt"
		grep -q "Bản sao điện tử đã được chứng thực — tra cứu tại $URL" "$T/p$p.txt" ||
			fail "page $p: no notice: $(cat "$T/p$p.txt")"
		grep -q "Mã tra cứu: $vcode" "$T/p$p.txt" || fail "page $p: no code"
		grep -q "Trang $p/$npages" "$T/p$p.txt" || fail "page $p: no page number"
	done
	# The seal's and the certifier's widgets are printed with the page:
	# the seal's code beside the footer's, the certifier's name.
	[ "$(grep -c "$vcode" "$T/p$npages.txt")" -ge 2 ] || fail "the seal is not on the last page"
	grep -q 'Nguyễn Văn An' "$T/p$npages.txt" || fail "the certifier's signature is not on the last page"
	# The copy's own text is still there: the OCR layer and the statement.
	pdftotext "$T/print.pdf" - | grep -q 'CHỨNG THỰC BẢN SAO ĐIỆN TỬ TỪ BẢN CHÍNH' ||
		fail "the certification page is not in the print-out"
	mutool draw -o "$T/mu-%d.png" -r 72 "$T/print.pdf" >"$T/mutool" 2>&1 &&
		! grep -qi error "$T/mutool" || fail "mutool: $(cat "$T/mutool")"
	qr_pages "$T/print.pdf" "$URL"
	assert_eq "$(sha256sum "$T/copy.pdf" | cut -c1-64)" "$sha" "the copy's SHA-256"
	assert_jq "$T/print.json" ".code == \"$vcode\" and .url == \"$URL\" and .number == 1
		and .pages == 1 and .fee == 2000 and .copy_pages == $npages"
	# No form, no signature: a print-out is no copy.
	! grep -aq '/ByteRange\|/AcroForm' "$T/print.pdf" || fail "signatures in the print-out"
fi
# The same on Letter paper and with another base URL.
expect_success cc-print --media letter --verify-url https://verify.example/c/ \
	-o "$T/letter.pdf" "$T/copy.pdf"
if active; then
	qpdf_clean "$T/letter.pdf"
	assert_eq "$(pdfinfo -f 1 -l 2 "$T/letter.pdf" | sed -n 's/^Page *[12] size: *\([0-9.]*\) x \([0-9.]*\).*/\1x\2/p' | tr '\n' ' ')" \
		"612x792 612x792 " "Letter paper"
	pdftotext "$T/letter.pdf" - | grep -q "tra cứu tại https://verify.example/c/$vcode" ||
		fail "--verify-url not in the footer"
fi

test_case '--receipt: one page with the number, book, fee, code and QR code'
expect_success cc-print --receipt -o "$T/receipt.pdf" "$T/copy.pdf"
if active; then
	qpdf_clean "$T/receipt.pdf"
	assert_eq "$(pages "$T/receipt.pdf")" 1 "pages of the receipt"
	pdftotext "$T/receipt.pdf" "$T/receipt.txt"
	book=$(sqlite3 "$T/reg.db" "SELECT book FROM copies WHERE number = 1")
	for s in "Số chứng thực: 1" "Quyển số: $book" "lệ phí: 2.000 đồng" "$vcode" \
		"BIÊN NHẬN" "Trung tâm Phục vụ hành chính công" "$URL" "Bản sao gồm 1 trang"; do
		grep -qF "$s" "$T/receipt.txt" || fail "the receipt lacks '$s': $(cat "$T/receipt.txt")"
	done
	qr_pages "$T/receipt.pdf" "$URL"
fi
# With the register: the record is the one printed.
expect_success cc-print --receipt --register "$T/reg.db" -o "$T/receipt2.pdf" "$T/copy.pdf"

test_case 'printed to ippeveprinter over IPP: the job it keeps is the print-out'
need dbus-daemon
[ -x "$IPPEVE" ] || skip_case "ippeveprinter (cups-ipp-utils) is not installed"
if active; then
	# ippeveprinter wants a D-Bus system bus for Avahi even with DNS-SD
	# off; a private one will do (nothing answers on it).
	start_service dbus dbus-daemon --session --print-address=1 --nofork --nopidfile
	wait_for 5 test -s "$T/dbus.log"
	DBUS_SYSTEM_BUS_ADDRESS=$(head -1 "$T/dbus.log")
	export DBUS_SYSTEM_BUS_ADDRESS
	IPP_PORT=$(free_port)
	mkdir -p "$T/spool"
	start_service ippeve "$IPPEVE" -d "$T/spool" -k -f application/pdf -2 -s 600 \
		-p "$IPP_PORT" -r off cc-test-printer
	wait_port "$IPP_PORT" 20 || fail "ippeveprinter did not start: $(cat "$T/ippeve.log")"
fi
expect_success cc-print -P "ipp://127.0.0.1:$IPP_PORT/ipp/print" -n 2 --duplex \
	--json "$T/job.json" "$T/copy.pdf"
if active; then
	job=$(jq_val "$T/job.json" .job)
	[ "$job" -gt 0 ] 2>/dev/null || fail "no job id: $(cat "$T/job.json")"
	spooled=$(ls "$T/spool"/*.pdf 2>/dev/null | head -1)
	[ -n "$spooled" ] || fail "nothing in the spool: $(ls -la "$T/spool")"
	if [ -n "$spooled" ]; then
		assert_eq "$(head -c 5 "$spooled")" "%PDF-" "the job's file"
		grep -q 'Print-Job document-format="application/pdf"' "$T/ippeve.log" ||
			fail "the job was not sent as application/pdf: $(cat "$T/ippeve.log")"
		assert_eq "$(pages "$spooled")" "$npages" "the job's pages"
		qpdf_clean "$spooled"
		qr_pages "$spooled" "$URL"
	fi
fi
# The printer is busy with the first job a while: cc-print asks again.
expect_success cc-print --receipt -P "ipp://127.0.0.1:$IPP_PORT/ipp/print" "$T/copy.pdf"
if active; then
	receipt=$(ls "$T/spool"/2-*.pdf 2>/dev/null | head -1)
	[ -n "$receipt" ] && assert_eq "$(pages "$receipt")" 1 "the receipt job's pages" ||
		fail "no receipt job in the spool: $(ls "$T/spool")"
fi

test_case 'printed to a CUPS queue by name: a private cupsd, its queue on that printer'
need cupsd lpadmin lpstat
# cupsd refuses to run filters and backends as root; as root it takes
# the lp account (and its directories must be lp's), as anyone else it
# runs as that user.
[ "$(id -u)" != 0 ] || id lp >/dev/null 2>&1 || skip_case "no lp account for cupsd"
if active; then
	C=$T/cups
	mkdir -p "$C/spool" "$C/cache" "$C/state" "$C/tmp" "$C/logs"
	cat >"$C/cupsd.conf" <<-EOF
	Listen $C/cups.sock
	WebInterface No
	Browsing No
	DefaultAuthType None
	<Location />
	  Order allow,deny
	  Allow all
	</Location>
	<Policy default>
	  <Limit All>
	    Order deny,allow
	  </Limit>
	</Policy>
	EOF
	cat >"$C/cups-files.conf" <<-EOF
	ServerRoot $C
	RequestRoot $C/spool
	CacheDir $C/cache
	StateDir $C/state
	TempDir $C/tmp
	AccessLog $C/logs/access_log
	ErrorLog $C/logs/error_log
	PageLog $C/logs/page_log
	EOF
	if [ "$(id -u)" = 0 ]; then
		printf 'User lp\nGroup lp\nSystemGroup root\n' >>"$C/cups-files.conf"
		chown lp:lp "$C/spool" "$C/cache" "$C/state" "$C/tmp"
		chmod 755 "$T" "$C"
	fi
	start_service cupsd /usr/sbin/cupsd -f -c "$C/cupsd.conf" -s "$C/cups-files.conf"
	wait_for 10 test -S "$C/cups.sock"
	CUPS_SERVER=$C/cups.sock
	export CUPS_SERVER
	# A raw queue: the print-out goes to the printer as it is.
	lpadmin -p kiosk -E -v "ipp://127.0.0.1:$IPP_PORT/ipp/print" -m raw >"$T/lpadmin" 2>&1 ||
		fail "lpadmin: $(cat "$T/lpadmin") $(tail -5 "$C/logs/error_log")"
	before=$(ls "$T/spool"/*.pdf 2>/dev/null | wc -l)
fi
expect_success cc-print -P kiosk --json "$T/cups.json" "$T/copy.pdf"
assert_jq "$T/cups.json" '.printer == "kiosk" and .job > 0'
if active; then
	# The queue hands the job to the printer: wait until it is there.
	spool_grew() {
		[ "$(ls "$T/spool"/*.pdf 2>/dev/null | wc -l)" -gt "$before" ]
	}
	if ! wait_for 30 spool_grew; then
		fail "the queue did not pass the job on: $(lpstat -o 2>&1) $(grep -E '^[EW]' "$C/logs/error_log" | tail -5)"
	else
		spooled=$(ls -t "$T/spool"/*.pdf | head -1)
		assert_eq "$(pages "$spooled")" "$npages" "the job's pages"
		qr_pages "$spooled" "$URL"
	fi
	unset CUPS_SERVER
fi

test_case 'printer failures: unreachable, out of paper, refusing: exit 4, its own words'
CLOSED=$(free_port)
expect_failure 4 cc-print -P "ipp://127.0.0.1:$CLOSED/ipp/print" "$T/copy.pdf"
assert_stderr "cannot reach printer 'ipp://127.0.0.1:$CLOSED/ipp/print'"
BAD_PORT=$(free_port)
start_service ipp-printer /usr/bin/python3 "$TESTS_DIR/services/ipp-printer" "$BAD_PORT"
wait_port "$BAD_PORT" || fail "the failing printer did not start"
expect_failure 4 cc-print -P "ipp://127.0.0.1:$BAD_PORT/out-of-paper" "$T/copy.pdf"
assert_stderr "media-empty-error.*Out of paper \(tray 1\)"
expect_failure 4 cc-print -P "ipp://127.0.0.1:$BAD_PORT/refuse" "$T/copy.pdf"
assert_stderr "refused the job: .*This printer only takes PWG raster"
# A CUPS queue with no CUPS server to take it.
CUPS_SERVER="127.0.0.1:$CLOSED" expect_failure 4 cc-print -P no-such-queue "$T/copy.pdf"
assert_stderr "printer 'no-such-queue'"

test_case 'refusals: not a certified copy (3), usage (2), nothing left behind'
mkdir -p "$T/o"
expect_failure 3 cc-print -o "$T/o/x.pdf" "$T/signed.pdf"
assert_stderr "not a certified copy"
expect_failure 3 cc-print -o "$T/o/x.pdf" "$T/card.pdf"
assert_stderr "not a certified copy"
printf 'not a pdf\n' >"$T/junk.pdf"
expect_failure 3 cc-print -o "$T/o/x.pdf" "$T/junk.pdf"
expect_failure 2 cc-print "$T/copy.pdf"
assert_stderr "no printer"
expect_failure 2 cc-print -o "$T/o/x.pdf" -P lp "$T/copy.pdf"
expect_failure 2 cc-print -o "$T/o/x.pdf" -n 0 "$T/copy.pdf"
expect_failure 2 cc-print -o "$T/o/x.pdf" --media B7 "$T/copy.pdf"
expect_failure 2 cc-print -o "$T/o/x.pdf" "$T/copy.pdf" "$T/copy.pdf"
expect_failure 2 cc-print --no-such-option "$T/copy.pdf"
expect_failure 2 cc-print -P 'ipp://' "$T/copy.pdf"
expect_failure 3 cc-print -o "$T/o/x.pdf" "$T/no-such.pdf"
assert_no_file "$T/o/x.pdf"
assert_no_temp "$T/o"
# A copy the register holds revoked is not printed.
expect_success cc-stamp --register "$T/reg.db" --revoke "$vcode" --reason 'bản chính bị thu hồi'
expect_failure 1 cc-print --register "$T/reg.db" -o "$T/o/x.pdf" "$T/copy.pdf"
assert_stderr "$vcode is revoked in the register: bản chính bị thu hồi"
assert_no_file "$T/o/x.pdf"
# The configured printer is the default.
printf '[print]\nprinter = ipp://127.0.0.1:%s/ipp/print\n' "$CLOSED" >"$CERTCOPY_CONF"
expect_failure 4 cc-print "$T/copy.pdf"
assert_stderr "127.0.0.1:$CLOSED"
: >"$CERTCOPY_CONF"

finish
