#!/bin/bash
# cc-deliver: a certified copy made with the test PKI e-mailed through real
# SMTP relays on loopback (tests/services/smtp-relay, on aiosmtpd): the
# message the relay received read back by Python's e-mail parser (headers
# decoded, the body's code and URL, the attachment byte for byte); a relay
# that wants STARTTLS and a login (the netrc file), one that refuses the
# recipient or the message, one that is down, one that never answers, one on
# SMTPS; the .eml file of -o; and the refusals, with nothing left behind.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
URLBASE=https://certcopy.example/v/
TO=citizen@example.org
FROM=mot-cua@ttpvhcc.example.vn
# The script as installed: alone in a directory on PATH, the tools on PATH.
mkdir -p "$T/bin" "$T/o"
ln -s "$SRC_DIR/scripts/cc-deliver" "$T/bin/cc-deliver"
PATH="$T/bin:$PATH"

# child_curl PID: the curl that process PID runs, if any (from /proc).
child_curl() {
	for st in /proc/[0-9]*/stat; do
		read -r cpid_ comm_ _ ppid_ _ 2>/dev/null <"$st" || continue
		[ "$ppid_" = "$1" ] && [ "$comm_" = "(curl)" ] && echo "$cpid_"
	done
}

# spooled NAME: how many messages relay NAME has taken.
spooled() {
	find "$T/$1" -name '*.eml' 2>/dev/null | wc -l
}

# readmail EML DIR: Python's e-mail parser reads the message; what it finds
# goes to DIR/mail.json (headers decoded as RFC 2047 says, the text, the
# parts, the defects, the raw form's line ends and lengths) and the
# attachment to DIR/attachment.
readmail() {
	mkdir -p "$2"
	"$PY" - "$1" "$2" <<-'EOF' || fail "python cannot read $1"
	import email, email.header, email.policy, email.utils, json, re, sys
	raw = open(sys.argv[1], "rb").read()
	out = sys.argv[2]
	def decoded(v):
	    return str(email.header.make_header(email.header.decode_header(v)))
	old = email.message_from_bytes(raw, policy=email.policy.compat32)
	m = email.message_from_bytes(raw, policy=email.policy.default)
	r = {k.lower(): decoded(old[k]) for k in ("From", "To", "Subject")}
	r["from_addr"] = email.utils.parseaddr(str(m["From"]))[1]
	r["message_id"] = str(m["Message-ID"])
	r["mime_version"] = str(m["MIME-Version"])
	r["date_ok"] = email.utils.parsedate_to_datetime(str(m["Date"])) is not None
	r["type"] = m.get_content_type()
	r["parts"] = [p.get_content_type() for p in m.iter_parts()]
	r["encodings"] = [p["Content-Transfer-Encoding"] for p in m.iter_parts()]
	r["charset"] = [p.get_content_charset() for p in m.iter_parts()]
	r["defects"] = sum(len(p.defects) for p in m.walk())
	for p in m.iter_parts():
	    if p.get_content_type() == "text/plain":
	        r["text"] = p.get_content()
	    elif p.get_content_type() == "application/pdf":
	        r["filename"] = p.get_filename()
	        r["disposition"] = p.get_content_disposition()
	        open(out + "/attachment", "wb").write(p.get_content())
	lines = raw.split(b"\r\n")
	r["bare_lf"] = any(b"\n" in l or b"\r" in l for l in lines)
	r["crlf_end"] = raw.endswith(b"\r\n")
	head = raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
	r["longest_header_line"] = max(len(l) for l in head)
	b64 = [l for l in lines if re.fullmatch(rb"[A-Za-z0-9+/=]{20,}", l)]
	r["longest_base64_line"] = max(len(l) for l in b64)
	r["ascii"] = all(c < 128 for c in raw)
	json.dump(r, open(out + "/mail.json", "w"), ensure_ascii=False)
	EOF
}

# mail_ok DIR FILE: the message of readmail DIR is a well-formed delivery of
# the copy FILE (its code, number, URL; the attachment byte for byte).
mail_ok() {
	active || return 0
	assert_jq "$1/mail.json" '.type == "multipart/mixed"
		and .parts == ["text/plain", "application/pdf"]
		and .encodings == ["base64", "base64"] and .charset[0] == "utf-8"
		and .mime_version == "1.0" and .date_ok and .defects == 0
		and .disposition == "attachment"' "the message's structure"
	assert_jq "$1/mail.json" '(.bare_lf | not) and .crlf_end and .ascii
		and .longest_header_line <= 78 and .longest_base64_line <= 76' \
		"CRLF lines, 7-bit, short lines"
	assert_jq "$1/mail.json" ".to == \"<$TO>\" and
		.subject == \"Bản sao điện tử chứng thực số 1 — mã $vcode\"" "To, Subject"
	assert_jq "$1/mail.json" '.message_id | test("^<[^<>@ ]+@[^<>@ ]+>$")' "Message-ID"
	for s in "Mã tra cứu:         $vcode" "Tra cứu tại:        $URL" \
		"Verification code:    $vcode" "Verify at:            $URL" \
		"Số chứng thực:      1   Quyển số: $book" \
		"Certification number: 1   Book: $book" \
		"là bản sao điện tử đã được chứng thực" \
		"is the certified electronic copy" "lệ phí: 2.000 đồng"; do
		jq -r .text "$1/mail.json" | grep -qF -- "$s" ||
			fail "the body lacks '$s': $(jq -r .text "$1/mail.json")"
	done
	cmp -s "$1/attachment" "$2" || fail "the attachment is not the copy $2"
}

test_case 'the test inputs: a certified copy, SMTP relays on loopback'
need qpdf sqlite3 jq sha256sum curl openssl
pki_setup && start_pki_services
if active && ! "$PY" -c 'import aiosmtpd' 2>/dev/null; then
	skip_case "python3-aiosmtpd is not installed"
fi
certified_copy "$T/copy.pdf"
URL=$URLBASE$vcode
if active; then
	sha=$(sha256sum "$T/copy.pdf" | cut -c1-64)
	book=$(sqlite3 "$T/reg.db" "SELECT book FROM copies WHERE number = 1")
	# The relays' certificate (for 127.0.0.1), trusted with --cacert.
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
		-keyout "$T/relay.key" -out "$T/relay.pem" >"$T/openssl.log" 2>&1 ||
		fail "openssl: $(cat "$T/openssl.log")"
	PORT=$(free_port)
	start_smtp_relay sink "$PORT"
	APORT=$(free_port)
	start_smtp_relay auth "$APORT" --auth relay-user:'s3cr3t pass' \
		--starttls "$T/relay.pem" "$T/relay.key"
	RPORT=$(free_port)
	start_smtp_relay refuse "$RPORT" --refuse-rcpt "550 5.1.1 <$TO>: mailbox unavailable"
	DPORT=$(free_port)
	start_smtp_relay refuse-data "$DPORT" \
		--refuse-data '554 5.7.1 Message rejected: attachments are not accepted here'
	printf 'machine 127.0.0.1 login relay-user password "s3cr3t pass"\n' >"$T/netrc"
	chmod 600 "$T/netrc"
fi

test_case '--help and --version'
expect_success cc-deliver --help
assert_eq "$(head -1 "$T/out")" \
	"Usage: cc-deliver [-qv] [--to address] [--from address] [--smtp url] [--netrc file] [--json file] [-o file.eml] [options] file" \
	"the usage line"
for o in --to --from --smtp --netrc --starttls --cacert --timeout --output \
	--verify-url --register --json --quiet --verbose --version --help; do
	grep -q -- "$o" "$T/out" || fail "--help does not name $o"
done
expect_success cc-deliver -V
assert_eq "$(cat "$T/out")" "cc-deliver (certcopy) $(cc-config --version | sed 's/.* //')" "-V"

test_case 'sent through the relay: headers, body, the attachment byte for byte'
expect_success cc-deliver --smtp "smtp://127.0.0.1:$PORT" --from "$FROM" --to "$TO" \
	--json "$T/sent.json" "$T/copy.pdf"
assert_stderr "^cc-deliver: sent '$T/copy.pdf' to '$TO' \(code $vcode, message <"
assert_eq "$(cat "$T/out")" "" "standard output"
if active; then
	assert_eq "$(spooled sink)" 1 "messages the relay took"
	assert_jq "$T/sink/1.json" ".mail_from == \"$FROM\" and .rcpt_tos == [\"$TO\"]
		and .login == null" "the SMTP envelope"
	readmail "$T/sink/1.eml" "$T/m1"
	mail_ok "$T/m1" "$T/copy.pdf"
	assert_jq "$T/m1/mail.json" ".from == \"Trung tâm Phục vụ hành chính công (demo) <$FROM>\"
		and .from_addr == \"$FROM\" and .filename == \"copy.pdf\"" "From, the file name"
	assert_jq "$T/sent.json" ".tool == \"cc-deliver\" and .to == \"$TO\"
		and .from == \"$FROM\" and .code == \"$vcode\" and .url == \"$URL\"
		and .number == 1 and .book == \"$book\" and .sha256 == \"$sha\"
		and .attachment == \"copy.pdf\"
		and .attachment_bytes == $(stat -c %s "$T/copy.pdf")
		and .bytes == $(stat -c %s "$T/sink/1.eml")
		and .sent == true and .written == null
		and (.relay | startswith(\"smtp://127.0.0.1:$PORT/\"))" "the report"
	assert_eq "$(jq_val "$T/sent.json" .message_id)" "$(jq_val "$T/m1/mail.json" .message_id)" \
		"the report's Message-ID"
fi
# -v shows the relay's replies, -q nothing; --json - on stdout.
expect_success cc-deliver -v --smtp "smtp://127.0.0.1:$PORT/kiosk-1.example.vn" --from "$FROM" \
	--to "$TO" --json - "$T/copy.pdf"
assert_stderr "^cc-deliver: relay: 250 2.0.0 Message accepted for delivery"
assert_stdout '"sent": true'
grep -q 'EHLO kiosk-1.example.vn' "$T/sink.log" ||
	fail "the URL's path is not the EHLO name: $(grep EHLO "$T/sink.log")"
expect_success cc-deliver -q --smtp "smtp://127.0.0.1:$PORT" --from "$FROM" --to "$TO" "$T/copy.pdf"
assert_eq "$(cat "$T/out" "$T/err")" "" "-q: output"
assert_eq "$(spooled sink)" 3 "messages the relay took"

test_case 'the configuration: deliver.smtp_url, deliver.from, deliver.netrc; options override it'
# (The relay with a login wants STARTTLS: its certificate is --cacert.)
cat >"$CERTCOPY_CONF" <<EOF
[office]
name = UBND phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh — bộ phận một cửa
[verify]
base_url = https://tracuu.example.vn/v/
[deliver]
smtp_url = smtp://127.0.0.1:$APORT
from = $FROM
netrc = $T/netrc
EOF
expect_success cc-deliver --cacert "$T/relay.pem" --to "$TO" "$T/copy.pdf"
if active; then
	assert_eq "$(spooled auth)" 1 "messages the relay with a login took"
	assert_jq "$T/auth/1.json" ".login == \"relay-user\" and .mail_from == \"$FROM\"" \
		"the login and sender"
	readmail "$T/auth/1.eml" "$T/m2"
	assert_jq "$T/m2/mail.json" ".from == \"UBND phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh — bộ phận một cửa <$FROM>\"" \
		"From: the office"
	jq -r .text "$T/m2/mail.json" | grep -qF "Tra cứu tại:        https://tracuu.example.vn/v/$vcode" ||
		fail "the configured verification URL is not in the body"
	cmp -s "$T/m2/attachment" "$T/copy.pdf" || fail "the attachment is not the copy"
	# The password is nowhere but in the netrc file.
	! grep -rqs 's3cr3t' "$T/auth.log" "$T/err" || fail "the password was shown"
	grep -q 'STARTTLS' "$T/auth.log" || fail "no STARTTLS: $(cat "$T/auth.log")"
fi
# Options override the configuration.
expect_success cc-deliver --smtp "smtp://127.0.0.1:$PORT" --netrc '' --from other@example.net \
	--verify-url https://verify.example/c/ --to "$TO" "$T/copy.pdf"
if active; then
	assert_eq "$(spooled sink)" 4 "messages the sink took"
	assert_jq "$T/sink/4.json" '.mail_from == "other@example.net"' "--from"
	readmail "$T/sink/4.eml" "$T/m3"
	jq -r .text "$T/m3/mail.json" | grep -qF "https://verify.example/c/$vcode" ||
		fail "--verify-url is not in the body"
fi
# The netrc file: others may not read it; a wrong password or none is
# the relay's refusal.
install -m 644 "$T/netrc" "$T/netrc.open"
expect_failure 4 cc-deliver --cacert "$T/relay.pem" --netrc "$T/netrc.open" --to "$TO" "$T/copy.pdf"
assert_stderr "^cc-deliver: netrc file '$T/netrc.open' is readable by others: chmod 600 it$"
expect_failure 4 cc-deliver --cacert "$T/relay.pem" --netrc "$T/no-such.netrc" --to "$TO" "$T/copy.pdf"
assert_stderr "^cc-deliver: cannot open '$T/no-such.netrc': No such file or directory$"
printf 'machine 127.0.0.1 login relay-user password wrong\n' >"$T/netrc.wrong"
chmod 600 "$T/netrc.wrong"
expect_failure 4 cc-deliver --cacert "$T/relay.pem" --netrc "$T/netrc.wrong" --to "$TO" "$T/copy.pdf"
assert_stderr "^cc-deliver: the relay refused the login: 535 5.7.8 Authentication credentials invalid$"
expect_failure 4 cc-deliver --cacert "$T/relay.pem" --netrc '' --to "$TO" "$T/copy.pdf"
assert_stderr "^cc-deliver: the relay refused the message: 530 5.7.0 Authentication required$"
# An untrusted relay certificate: nothing is sent.
expect_failure 4 cc-deliver --to "$TO" "$T/copy.pdf"
assert_stderr "^cc-deliver: cannot send to the relay 'smtp://127.0.0.1:$APORT/[^']*': .*certificate"
assert_eq "$(spooled auth)" 1 "messages the relay with a login took"
# A login never goes in clear: a relay without STARTTLS is not given it.
expect_failure 4 cc-deliver --smtp "smtp://127.0.0.1:$PORT" --to "$TO" "$T/copy.pdf"
assert_stderr "^cc-deliver: the relay 'smtp://127.0.0.1:$PORT/[^']*' offers no STARTTLS: a login is never sent in clear$"
! grep -q ">> b'AUTH" "$T/sink.log" || fail "a login was tried in clear: $(grep AUTH "$T/sink.log")"
: >"$CERTCOPY_CONF"

test_case 'the relay down, refusing, or silent: exit 4 with its own words'
CLOSED=$(free_port)
expect_failure 4 cc-deliver --smtp "smtp://127.0.0.1:$CLOSED" --from "$FROM" --to "$TO" "$T/copy.pdf"
assert_stderr "^cc-deliver: cannot send to the relay 'smtp://127.0.0.1:$CLOSED/[^']*': Failed to connect to 127.0.0.1 port $CLOSED"
expect_failure 4 cc-deliver --smtp "smtp://127.0.0.1:$RPORT" --from "$FROM" --to "$TO" "$T/copy.pdf"
assert_stderr "^cc-deliver: the relay refused the message: 550 5.1.1 <$TO>: mailbox unavailable$"
expect_failure 4 cc-deliver --smtp "smtp://127.0.0.1:$DPORT" --from "$FROM" --to "$TO" "$T/copy.pdf"
assert_stderr "^cc-deliver: the relay refused the message: 554 5.7.1 Message rejected: attachments are not accepted here$"
assert_eq "$(spooled refuse)$(spooled refuse-data)" 00 "messages the refusing relays kept"
# A relay that takes the connection and never says a word.
SPORT=$(free_port)
start_service silent "$PY" -c 'import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(8)
print("silent: listening", flush=True)
time.sleep(600)' "$SPORT"
wait_port "$SPORT" || fail "the silent relay did not start"
expect_failure 4 cc-deliver --timeout 2 --smtp "smtp://127.0.0.1:$SPORT" --from "$FROM" \
	--to "$TO" "$T/copy.pdf"
assert_stderr "^cc-deliver: the relay 'smtp://127.0.0.1:$SPORT/[^']*' did not answer in time: "
# STARTTLS required of a relay that has none.
expect_failure 4 cc-deliver --starttls --smtp "smtp://127.0.0.1:$PORT" --from "$FROM" \
	--to "$TO" "$T/copy.pdf"
assert_stderr "^cc-deliver: cannot send to the relay .*STARTTLS"
assert_eq "$(spooled sink)" 4 "messages the sink took"

test_case 'smtps: TLS from the start, the relay certificate checked'
if active; then
	TPORT=$(free_port)
	start_smtp_relay tls "$TPORT" --tls "$T/relay.pem" "$T/relay.key"
fi
expect_success cc-deliver --smtp "smtps://127.0.0.1:$TPORT" --cacert "$T/relay.pem" \
	--from "$FROM" --to "$TO" "$T/copy.pdf"
if active; then
	assert_eq "$(spooled tls)" 1 "messages the TLS relay took"
	readmail "$T/tls/1.eml" "$T/m4"
	mail_ok "$T/m4" "$T/copy.pdf"
fi
# Not trusted without --cacert.
expect_failure 4 cc-deliver --smtp "smtps://127.0.0.1:$TPORT" --from "$FROM" --to "$TO" "$T/copy.pdf"
assert_stderr "^cc-deliver: cannot send to the relay 'smtps://127.0.0.1:$TPORT/[^']*': .*certificate"
assert_eq "$(spooled tls)" 1 "messages the TLS relay took"

test_case '-o: the message as an .eml file, written whole; no relay needed'
expect_success cc-deliver --from "$FROM" --to "$TO" -o "$T/o/copy.eml" --json "$T/o/eml.json" \
	"$T/copy.pdf"
assert_stderr "^cc-deliver: wrote the message for '$TO' to '$T/o/copy.eml'$"
if active; then
	readmail "$T/o/copy.eml" "$T/m5"
	mail_ok "$T/m5" "$T/copy.pdf"
	assert_jq "$T/o/eml.json" ".sent == false and .written == \"$T/o/copy.eml\"
		and .relay == null and .sha256 == \"$sha\"
		and .bytes == $(stat -c %s "$T/o/copy.eml")" "the report"
	assert_eq "$(stat -c %a "$T/o/copy.eml")" "$(printf '%o' $((8#666 & ~8#$(umask))))" \
		"the .eml's mode (0666 less the umask)"
fi
# To standard output, for another mailer.
expect_success cc-deliver --from "$FROM" --to "$TO" -o - "$T/copy.pdf"
if active; then
	cp "$T/out" "$T/o/stdout.eml"
	readmail "$T/o/stdout.eml" "$T/m6"
	mail_ok "$T/m6" "$T/copy.pdf"
fi
# A long Vietnamese file name: RFC 2231, continued over lines.
LONG="$T/o/Bản sao chứng thực căn cước công dân của ông Nguyễn Văn An — số 1.pdf"
cp "$T/copy.pdf" "$LONG"
expect_success cc-deliver --from "$FROM" --to "$TO" -o "$T/o/long.eml" "$LONG"
if active; then
	grep -q "^ filename\*0\*=UTF-8''B%E1%BA%A3n" "$T/o/long.eml" ||
		fail "no RFC 2231 file name: $(grep -A3 Content-Disposition "$T/o/long.eml")"
	readmail "$T/o/long.eml" "$T/m7"
	mail_ok "$T/m7" "$T/copy.pdf"
	assert_jq "$T/m7/mail.json" '.filename == "Bản sao chứng thực căn cước công dân của ông Nguyễn Văn An — số 1.pdf"' \
		"the decoded file name"
	rm -f "$LONG"
fi
assert_no_temp "$T/o"

test_case 'refusals: usage (2), bad input (3), a revoked copy (1); nothing sent or left'
n0=$(spooled sink)
S="smtp://127.0.0.1:$PORT"
expect_failure 2 cc-deliver --from "$FROM" --to "$TO" "$T/copy.pdf"
assert_stderr "^cc-deliver: no relay: give --smtp URL or set deliver.smtp_url"
for bad in citizen citizen@ @example.org citizen@example 'citizen @example.org' \
	'citizen@example.org>' 'Công Dân <citizen@example.org>' citizen@@example.org \
	citizen@-example.org "citizen@example.org"$'\r\n'"Bcc: x@example.org" \
	'a,b@example.org' citizen@example.org.; do
	expect_failure 2 cc-deliver --smtp "$S" --from "$FROM" --to "$bad" "$T/copy.pdf"
	assert_stderr "^cc-deliver: --to: '.*' is not an e-mail address"
done
expect_failure 2 cc-deliver --smtp "$S" --from "$FROM" "$T/copy.pdf"
assert_stderr "^cc-deliver: no recipient: give --to ADDRESS$"
expect_failure 2 cc-deliver --smtp "$S" --to "$TO" "$T/copy.pdf"
assert_stderr "deliver.from"
expect_failure 2 cc-deliver --smtp "$S" --from 'noreply' --to "$TO" "$T/copy.pdf"
assert_stderr "^cc-deliver: --from: 'noreply' is not an e-mail address$"
expect_failure 2 cc-deliver --smtp "http://127.0.0.1:$PORT" --from "$FROM" --to "$TO" "$T/copy.pdf"
assert_stderr "is not an smtp:// or smtps:// URL"
expect_failure 2 cc-deliver --smtp "smtp://user:secret@127.0.0.1:$PORT" --from "$FROM" --to "$TO" \
	"$T/copy.pdf"
assert_stderr "login goes in a netrc file"
printf '[deliver]\nsmtp_url = ftp://relay.example\n' >"$CERTCOPY_CONF"
expect_failure 2 cc-deliver --from "$FROM" --to "$TO" "$T/copy.pdf"
assert_stderr "^cc-deliver: deliver.smtp_url: 'ftp://relay.example' is not an smtp://"
: >"$CERTCOPY_CONF"
expect_failure 2 cc-deliver --smtp "$S" --from "$FROM" --to "$TO" "$T/copy.pdf" "$T/copy.pdf"
expect_failure 2 cc-deliver --smtp "$S" --from "$FROM" --to "$TO"
assert_stderr "give one certified copy"
expect_failure 2 cc-deliver --smtp "$S" --from "$FROM" --to "$TO" - <"$T/copy.pdf"
expect_failure 2 cc-deliver --no-such-option "$T/copy.pdf"
assert_stderr "unknown option '--no-such-option'"
expect_failure 2 cc-deliver --smtp "$S" --from "$FROM" --to "$TO" --timeout 0 "$T/copy.pdf"
expect_failure 2 cc-deliver --smtp "$S" --from "$FROM" --to "$TO" --timeout ten "$T/copy.pdf"
expect_failure 2 cc-deliver --smtp "$S" --from "$FROM" --to "$TO" --json - -o - "$T/copy.pdf"
expect_failure 2 cc-deliver --from "$FROM" --to "$TO" -o "$T/o" "$T/copy.pdf"
expect_failure 2 cc-deliver --smtp "$S" --from "$FROM" --to
assert_stderr "option '--to' needs a value"
# Bad input: the house message, or cc-print's under our name.
expect_failure 3 cc-deliver --smtp "$S" --from "$FROM" --to "$TO" "$T/no-such.pdf"
assert_stderr "^cc-deliver: cannot read '$T/no-such.pdf': No such file or directory$"
expect_failure 3 cc-deliver --smtp "$S" --from "$FROM" --to "$TO" "$T/o"
assert_stderr "^cc-deliver: cannot read '$T/o': Is a directory$"
expect_failure 3 cc-deliver --smtp "$S" --from "$FROM" --to "$TO" "$T/signed.pdf"
assert_stderr "^cc-deliver: '$T/signed.pdf' is not a certified copy"
expect_failure 3 cc-deliver --smtp "$S" --from "$FROM" --to "$TO" -o "$T/o/x.eml" "$T/card.pdf"
assert_stderr "^cc-deliver: '$T/card.pdf' is not a certified copy"
printf 'not a pdf\n' >"$T/junk.pdf"
expect_failure 3 cc-deliver --smtp "$S" --from "$FROM" --to "$TO" "$T/junk.pdf"
assert_stderr "^cc-deliver: '$T/junk.pdf' is not a PDF file"
# A copy the register holds revoked is not sent.
expect_success cc-stamp --register "$T/reg.db" --revoke "$vcode" --reason 'bản chính bị thu hồi'
expect_failure 1 cc-deliver --register "$T/reg.db" --smtp "$S" --from "$FROM" --to "$TO" \
	-o "$T/o/x.eml" "$T/copy.pdf"
assert_stderr "^cc-deliver: .*$vcode is revoked in the register: bản chính bị thu hồi"
assert_eq "$(spooled sink)" "$n0" "messages the sink took"
assert_no_file "$T/o/x.eml"
assert_no_temp "$T/o"

test_case 'interrupted (SIGTERM, SIGINT) while the relay is silent: curl stopped, nothing left'
for sig in TERM INT; do
	active || break
	# Started with SIGINT at its default, as from a terminal (a shell's
	# background job would have it ignored).
	"$PY" -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])' cc-deliver --timeout 60 \
		--smtp "smtp://127.0.0.1:$SPORT" --from "$FROM" --to "$TO" \
		"$T/copy.pdf" >"$T/out" 2>"$T/err" &
	pid=$!
	cpid=""
	i=0
	while [ -z "$cpid" ] && [ "$i" -lt 100 ]; do
		cpid=$(child_curl "$pid")
		sleep 0.1
		i=$((i + 1))
	done
	[ -n "$cpid" ] || fail "curl did not start"
	kill -"$sig" "$pid"
	wait "$pid"
	STATUS=$?
	want=143
	[ "$sig" = TERM ] || want=130
	assert_eq "$STATUS" "$want" "exit status after SIG$sig"
	sleep 0.2
	[ -z "$cpid" ] || ! kill -0 "$cpid" 2>/dev/null || fail "curl is still running after SIG$sig"
	left=$(find "$TMPDIR" -mindepth 1 | head -3)
	assert_eq "$left" "" "temporary files after SIG$sig"
done

test_case 'the copy is never changed; no temporary files are left'
assert_eq "$(sha256sum "$T/copy.pdf" | cut -c1-64)" "$sha" "the copy's SHA-256"
assert_eq "$(find "$TMPDIR" -mindepth 1 | head -3)" "" "files left in TMPDIR"
assert_no_temp "$T/o"
assert_no_temp "$T"

finish
