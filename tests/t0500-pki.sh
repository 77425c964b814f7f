#!/bin/bash
# The test PKI (tests/pki/make-pki) and its services (tests/services/), the
# groundwork of the signing tools' tests, checked with tools nobody here
# wrote: openssl verify, pkcs12, ts, ocsp, crl, cms; NSS's certutil; curl.
. "$(dirname "$0")/lib.sh"

ENTITIES="certifier certifier-ec seal tsa ocsp expired nousage revoked"
SIGNERS="certifier certifier-ec seal"

# One line of `openssl x509 -text`, so that a heading and its value can be
# matched together: "X509v3 Key Usage: critical Digital Signature, ...".
profile() {
	openssl x509 -in "$PKI/$1.pem" -noout -text 2>/dev/null | tr -s ' \n' '  '
}

# has NAME ERE...: the certificate's text matches every ERE.
has() {
	active || return 0
	n=$1
	shift
	p=$(profile "$n")
	for re in "$@"; do
		printf '%s' "$p" | grep -Eq -- "$re" || fail "$n: no '$re'"
	done
}

hasnt() {
	active || return 0
	n=$1
	shift
	p=$(profile "$n")
	for re in "$@"; do
		printf '%s' "$p" | grep -Eq -- "$re" && fail "$n: unexpected '$re'"
	done
	return 0
}

certs_in() {
	grep -c -- '-----BEGIN CERTIFICATE-----' "$1"
}

# The public key of a certificate, of a private key.
cert_pub() {
	openssl x509 -in "$1" -noout -pubkey 2>/dev/null
}

key_pub() {
	openssl pkey -in "$1" -pubout 2>/dev/null
}

fingerprint() {
	openssl x509 -in "$1" -noout -fingerprint -sha256 2>/dev/null
}

# post URL FILE TYPE OUT, get URL OUT: print "HTTP-CODE CONTENT-TYPE".
post() {
	curl -sS -o "$4" -w '%{http_code} %{content_type}' -H "Content-Type: $3" \
		--data-binary "@$2" --max-time 20 "$1" 2>"$T/curl.err"
}

get() {
	curl -sS -o "$2" -w '%{http_code} %{content_type}' --max-time 20 "$1" \
		2>"$T/curl.err"
}

# tsq NAME: a document $T/NAME.txt and a time-stamp query for it, with a
# nonce, asking for the TSA's certificate.
tsq() {
	printf 'Bản sao điện tử %s, %s\n' "$1" "$(date +%s%N)" >"$T/$1.txt"
	openssl ts -query -data "$T/$1.txt" -sha256 -cert -out "$T/$1.tsq" \
		2>/dev/null || fail "openssl ts -query failed"
}

# ts_field FILE.tsr FIELD: a field of the reply as openssl prints it.
ts_field() {
	openssl ts -reply -in "$1" -text 2>/dev/null | sed -n "s/^$2: //p"
}

# ---------------------------------------------------------------------------

test_case 'make-pki makes the whole PKI, quietly, once per test file'
need_pki_tools
pki_setup
if active; then
	[ ! -s "$T/make-pki.log" ] ||
		fail "make-pki printed something: $(head -3 "$T/make-pki.log")"
	for f in root.key root.pem root.crt root.crl root.crl.pem issuing.key \
		issuing.pem issuing.crt issuing.crl issuing.crl.pem trust.pem \
		chain.pem index.txt tsa.cnf ca.cnf certifier-legacy.p12 \
		certifier-legacy.pass mismatch.p12 mismatch.pass mismatch.key \
		mismatch.pem nss/cert9.db nss/key4.db; do
		assert_file "$PKI/$f"
	done
	for e in $ENTITIES; do
		for x in .key .pem -chain.pem .p12 .pass; do
			assert_file "$PKI/$e$x"
		done
		assert_eq "$(certs_in "$PKI/$e-chain.pem")" 3 "certificates in $e-chain.pem"
		assert_eq "$(openssl x509 -in "$PKI/$e-chain.pem" -noout -fingerprint -sha256)" \
			"$(fingerprint "$PKI/$e.pem")" "first certificate of $e-chain.pem"
		assert_eq "$(cat "$PKI/$e.pass")" test1234 "$e.pass"
	done
	# Secrets are the owner's alone; certificates are public.
	for f in "$PKI"/*.key "$PKI"/*.pass "$PKI"/*.p12; do
		assert_eq "$(stat -c %a "$f")" 600 "mode of ${f##*/}"
	done
	assert_eq "$(stat -c %a "$PKI/certifier.pem")" 644 "mode of certifier.pem"
	assert_eq "$(certs_in "$PKI/trust.pem")" 1 "certificates in trust.pem"
	assert_eq "$(fingerprint "$PKI/trust.pem")" "$(fingerprint "$PKI/root.pem")" \
		"trust.pem is the root"
	assert_eq "$(certs_in "$PKI/chain.pem")" 2 "certificates in chain.pem"
	assert_eq "$(fingerprint "$PKI/chain.pem")" "$(fingerprint "$PKI/issuing.pem")" \
		"chain.pem starts with the issuing CA"
	before=$(fingerprint "$PKI/root.pem")
	pki_setup
	assert_eq "$(fingerprint "$PKI/root.pem")" "$before" "PKI made again"
fi

test_case 'make-pki refuses bad arguments and leaves nothing behind'
need openssl certutil
expect_failure 2 "$TESTS_DIR/pki/make-pki"
assert_stderr '^usage: make-pki OUTDIR \[--base-url URL\]$'
expect_failure 2 "$TESTS_DIR/pki/make-pki" "$T/bad" --no-such-option
assert_stderr '^make-pki: unknown option --no-such-option$'
expect_failure 2 "$TESTS_DIR/pki/make-pki" "$T/bad" --base-url 'http://127.0.0.1:1/a,b'
assert_stderr "^make-pki: bad base URL 'http://127.0.0.1:1/a,b'"
expect_failure 2 "$TESTS_DIR/pki/make-pki" "$T/bad" --base-url
assert_no_file "$T/bad"
mkdir "$T/full"
: >"$T/full/keep"
expect_failure 1 "$TESTS_DIR/pki/make-pki" "$T/full"
assert_stderr "^make-pki: '.*/full' is not empty$"
assert_eq "$(ls -A "$T/full")" keep "contents of the non-empty directory"

test_case 'make-pki: a failing openssl is reported, and its output removed'
need openssl certutil
# An openssl whose "ca" fails, as a broken or misconfigured one would.
mkdir -p "$T/fakebin"
cat >"$T/fakebin/openssl" <<EOF
#!/bin/sh
[ "\$1" = ca ] && { echo 'ca: simulated failure' >&2; exit 1; }
exec $(command -v openssl) "\$@"
EOF
chmod +x "$T/fakebin/openssl"
PATH="$T/fakebin:$PATH" expect_failure 1 "$TESTS_DIR/pki/make-pki" "$T/broken"
assert_stderr '^make-pki: openssl ca failed:$'
assert_stderr 'ca: simulated failure'
assert_no_file "$T/broken"
assert_eq "$(wc -c <"$T/out")" 0 "bytes on stdout"

test_case 'the certificates have the documented profiles'
pki_setup
has root 'Subject: C ?= ?VN, O ?= ?certcopy test, CN ?= ?certcopy Test Root CA Subject Public' \
	'Issuer: C ?= ?VN, O ?= ?certcopy test, CN ?= ?certcopy Test Root CA Validity' \
	'Public-Key: \(3072 bit\)' 'Not Before: Jan 1 00:00:00 2020 GMT' \
	'X509v3 Basic Constraints: critical CA:TRUE X509v3' \
	'X509v3 Key Usage: critical Certificate Sign, CRL Sign X509v3'
# Ten years ahead, less a day for the time this test takes.
expect_success openssl x509 -in "$PKI/root.pem" -noout -checkend $((3652 * 86400))
has issuing 'Subject: C ?= ?VN, O ?= ?certcopy test, CN ?= ?certcopy Test Issuing CA' \
	'Issuer: [^:]*CN ?= ?certcopy Test Root CA' 'Public-Key: \(3072 bit\)' \
	'X509v3 Basic Constraints: critical CA:TRUE, pathlen:0' \
	'X509v3 Key Usage: critical Certificate Sign, CRL Sign X509v3' \
	"URI:$PKI_URL/root.crl" "CA Issuers - URI:$PKI_URL/root.crt"
for e in $ENTITIES; do
	has "$e" 'Issuer: [^:]*CN ?= ?certcopy Test Issuing CA' \
		'X509v3 Basic Constraints: CA:FALSE' 'Signature Algorithm: sha256WithRSAEncryption'
done
for e in $SIGNERS expired revoked; do
	has "$e" 'X509v3 Key Usage: critical Digital Signature, Non Repudiation X509v3' \
		'X509v3 Extended Key Usage: E-mail Protection X509v3'
done
for e in $SIGNERS tsa expired nousage revoked; do
	has "$e" "X509v3 CRL Distribution Points: Full Name: URI:$PKI_URL/issuing.crl " \
		"Authority Information Access: OCSP - URI:$PKI_URL/ocsp CA Issuers - URI:$PKI_URL/issuing.crt "
done
has certifier 'Public-Key: \(2048 bit\)'
has certifier-ec 'Public-Key: \(256 bit\)' 'NIST CURVE: P-256'
has tsa 'X509v3 Key Usage: critical Digital Signature X509v3' \
	'X509v3 Extended Key Usage: critical Time Stamping X509v3'
has ocsp 'X509v3 Key Usage: critical Digital Signature X509v3' \
	'X509v3 Extended Key Usage: OCSP Signing OCSP No Check: X509v3'
hasnt ocsp 'CRL Distribution Points' 'OCSP - URI'
has nousage 'X509v3 Key Usage: critical Key Encipherment X509v3'
hasnt nousage 'Extended Key Usage'
has expired 'Not Before: Jan 1 00:00:00 2021 GMT' 'Not After : Jan 1 00:00:00 2022 GMT'

test_case 'subjects carry the Vietnamese names in UTF-8 (UTF8String, NFC)'
pki_setup
for e in certifier certifier-ec; do
	expect_success openssl x509 -in "$PKI/$e.pem" -noout -subject \
		-nameopt multiline,-esc_msb,utf8
	assert_stdout '^ +commonName += Nguyễn Văn An$'
	assert_stdout '^ +title += Công chứng viên$'
	assert_stdout '^ +organizationName += Trung tâm Phục vụ hành chính công \(demo\)$'
	# The bytes themselves: UTF8String (0c), precomposed (NFC) letters.
	openssl x509 -in "$PKI/$e.pem" -outform DER 2>/dev/null | od -An -v -tx1 |
		tr -d ' \n' >"$T/$e.hex"
	grep -q '0c104e677579e1bb856e2056c4836e20416e' "$T/$e.hex" ||
		fail "$e: CN is not the UTF8String 'Nguyễn Văn An'"
	grep -q '0c1343c3b46e67206368e1bba96e67207669c3aa6e' "$T/$e.hex" ||
		fail "$e: title is not the UTF8String 'Công chứng viên'"
done
expect_success openssl x509 -in "$PKI/seal.pem" -noout -subject \
	-nameopt multiline,-esc_msb,utf8
assert_stdout '^ +commonName += Trung tâm Phục vụ hành chính công \(demo\)$'
assert_stdout '^ +organizationName += Trung tâm Phục vụ hành chính công \(demo\)$'

test_case 'openssl verify accepts the good certificates through the chain'
pki_setup
for e in $SIGNERS tsa ocsp; do
	expect_success openssl verify -CAfile "$PKI/trust.pem" -untrusted "$PKI/chain.pem" \
		"$PKI/$e.pem"
	assert_stdout "^$PKI/$e.pem: OK\$"
done
for e in $SIGNERS; do
	expect_success openssl verify -purpose smimesign -CAfile "$PKI/trust.pem" \
		-untrusted "$PKI/chain.pem" "$PKI/$e.pem"
	assert_stdout "^$PKI/$e.pem: OK\$"
	# The chain file alone completes the path.
	expect_success openssl verify -CAfile "$PKI/trust.pem" \
		-untrusted "$PKI/$e-chain.pem" "$PKI/$e.pem"
done
expect_success openssl verify -purpose timestampsign -CAfile "$PKI/trust.pem" \
	-untrusted "$PKI/chain.pem" "$PKI/tsa.pem"
# The issuing CA is needed, and a stranger's root is no anchor.
expect_failure 2 openssl verify -CAfile "$PKI/trust.pem" "$PKI/certifier.pem"
assert_stderr 'unable to get local issuer certificate'
expect_failure 2 openssl verify -CAfile "$PKI/issuing.pem" "$PKI/certifier.pem"
assert_stderr 'unable to get issuer certificate'

test_case 'expired is rejected now, and was valid under the same CAs in 2021'
pki_setup
expect_failure 2 openssl verify -attime "$(date +%s)" -CAfile "$PKI/trust.pem" \
	-untrusted "$PKI/chain.pem" "$PKI/expired.pem"
assert_stderr 'error 10 at 0 depth lookup: certificate has expired'
expect_success openssl verify -attime "$(date -d 2021-06-01 +%s)" \
	-CAfile "$PKI/trust.pem" -untrusted "$PKI/chain.pem" "$PKI/expired.pem"
assert_stdout "^$PKI/expired.pem: OK\$"
# -attime is honoured: the certifier did not exist then.
expect_failure 2 openssl verify -attime "$(date -d 2021-06-01 +%s)" \
	-CAfile "$PKI/trust.pem" -untrusted "$PKI/chain.pem" "$PKI/certifier.pem"
assert_stderr 'certificate is not yet valid'

test_case 'nousage is not fit for signing'
pki_setup
expect_success openssl verify -CAfile "$PKI/trust.pem" -untrusted "$PKI/chain.pem" \
	"$PKI/nousage.pem"
expect_failure 2 openssl verify -purpose smimesign -CAfile "$PKI/trust.pem" \
	-untrusted "$PKI/chain.pem" "$PKI/nousage.pem"
assert_stderr 'unsuitable certificate purpose'

test_case 'revoked is revoked in the CA database and the CRL; the others pass the CRL check'
pki_setup
cat "$PKI/issuing.crl.pem" "$PKI/root.crl.pem" >"$T/crls.pem"
serial=$(openssl x509 -in "$PKI/revoked.pem" -noout -serial | cut -d= -f2)
grep -Eq "^R	[0-9]{12}Z	[0-9]{12}Z,keyCompromise	$serial	" "$PKI/index.txt" ||
	fail "index.txt does not have $serial revoked for keyCompromise"
assert_eq "$(grep -c '^R' "$PKI/index.txt")" 1 "revoked entries in index.txt"
expect_failure 2 openssl verify -crl_check -CRLfile "$PKI/issuing.crl.pem" \
	-CAfile "$PKI/trust.pem" -untrusted "$PKI/chain.pem" "$PKI/revoked.pem"
assert_stderr 'error 23 at 0 depth lookup: certificate revoked'
for e in $SIGNERS tsa; do
	expect_success openssl verify -crl_check_all -CRLfile "$T/crls.pem" \
		-CAfile "$PKI/trust.pem" -untrusted "$PKI/chain.pem" "$PKI/$e.pem"
	assert_stdout "^$PKI/$e.pem: OK\$"
done
expect_success openssl crl -in "$PKI/root.crl.pem" -noout -text -CAfile "$PKI/trust.pem"
assert_stdout 'No Revoked Certificates'
assert_stderr '^verify OK$'
expect_success openssl crl -in "$PKI/issuing.crl" -inform DER -noout -text \
	-CAfile "$PKI/chain.pem"
assert_stdout "Serial Number: $serial"
assert_stderr '^verify OK$'

test_case 'the PKCS#12 files open with their passphrase, and hold the right key'
pki_setup
printf 'test12345' >"$T/wrong.pass"
chmod 600 "$T/wrong.pass"
for e in $ENTITIES; do
	expect_success openssl pkcs12 -in "$PKI/$e.p12" -info -noout \
		-passin "file:$PKI/$e.pass"
	assert_stderr '^MAC: sha256, Iteration 2048$'
	assert_stderr '^Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256$'
	assert_stderr '^PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC'
	openssl pkcs12 -in "$PKI/$e.p12" -nocerts -nodes -passin "file:$PKI/$e.pass" \
		-out "$T/$e.p12key" 2>/dev/null
	openssl pkcs12 -in "$PKI/$e.p12" -clcerts -nokeys -passin "file:$PKI/$e.pass" \
		-out "$T/$e.p12cert" 2>/dev/null
	openssl pkcs12 -in "$PKI/$e.p12" -nokeys -passin "file:$PKI/$e.pass" \
		-out "$T/$e.p12all" 2>/dev/null
	assert_eq "$(key_pub "$T/$e.p12key")" "$(cert_pub "$PKI/$e.pem")" \
		"$e.p12: key against certificate"
	[ -n "$(key_pub "$T/$e.p12key")" ] || fail "$e.p12: no key"
	assert_eq "$(fingerprint "$T/$e.p12cert")" "$(fingerprint "$PKI/$e.pem")" \
		"$e.p12: certificate"
	assert_eq "$(certs_in "$T/$e.p12all")" 3 "$e.p12: certificates with the chain"
done
expect_failure 1 openssl pkcs12 -in "$PKI/certifier.p12" -info -noout \
	-passin "file:$T/wrong.pass"
assert_stderr 'Mac verify error'

test_case 'the legacy PKCS#12 (RC2/3DES) needs -legacy, and then opens'
pki_setup
expect_failure 1 openssl pkcs12 -in "$PKI/certifier-legacy.p12" -info -noout \
	-passin "file:$PKI/certifier-legacy.pass"
assert_stderr 'unsupported.*RC2'
expect_success openssl pkcs12 -legacy -in "$PKI/certifier-legacy.p12" -info -noout \
	-passin "file:$PKI/certifier-legacy.pass"
assert_stderr '^MAC: sha1, Iteration 2048$'
assert_stderr '^PKCS7 Encrypted data: pbeWithSHA1And40BitRC2-CBC, Iteration 2048$'
assert_stderr '^Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048$'
openssl pkcs12 -legacy -in "$PKI/certifier-legacy.p12" -nocerts -nodes \
	-passin "file:$PKI/certifier-legacy.pass" -out "$T/legacy.key" 2>/dev/null
[ -n "$(key_pub "$T/legacy.key")" ] || fail "no key in the legacy p12"
assert_eq "$(key_pub "$T/legacy.key")" "$(cert_pub "$PKI/certifier.pem")" \
	"legacy p12: key against the certifier's certificate"

test_case "mismatch.p12 holds the certifier's certificate with another key"
pki_setup
expect_success openssl pkcs12 -in "$PKI/mismatch.p12" -info -noout \
	-passin "file:$PKI/mismatch.pass"
assert_stderr '^MAC: sha256, Iteration 2048$'
assert_stderr '^Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC'
openssl pkcs12 -in "$PKI/mismatch.p12" -nocerts -nodes \
	-passin "file:$PKI/mismatch.pass" -out "$T/mm.key" 2>/dev/null
# -clcerts: the certificate whose localKeyID names the key.
openssl pkcs12 -in "$PKI/mismatch.p12" -clcerts -nokeys \
	-passin "file:$PKI/mismatch.pass" -out "$T/mm.pem" 2>/dev/null
assert_eq "$(certs_in "$T/mm.pem")" 1 "certificates bound to the key"
assert_eq "$(fingerprint "$T/mm.pem")" "$(fingerprint "$PKI/certifier.pem")" \
	"the certificate is the certifier's"
kp=$(key_pub "$T/mm.key")
[ -n "$kp" ] || fail "no key in mismatch.p12"
[ "$kp" != "$(cert_pub "$T/mm.pem")" ] || fail "the key matches the certificate"
assert_eq "$kp" "$(key_pub "$PKI/mismatch.key")" "the key is mismatch.key"
[ "$(key_pub "$PKI/mismatch.key")" != "$(cert_pub "$PKI/mismatch.pem")" ] ||
	fail "the PEM pair matches"
# openssl itself refuses to pack such a pair: that is why make-pki builds it.
expect_failure 1 openssl pkcs12 -export -inkey "$PKI/mismatch.key" \
	-in "$PKI/certifier.pem" -passout "file:$PKI/mismatch.pass" -out "$T/no.p12"
assert_stderr 'matches private key'

test_case 'the NSS database trusts the root (CT,C,C), and NSS accepts the signers'
pki_setup
need certutil
expect_success certutil -L -d "sql:$PKI/nss"
assert_stdout '^root +CT,C,C *$'
assert_eq "$(grep -cE ',.*,' "$T/out")" 2 "lines with trust flags (heading and root)"
# What pdfsig does: NSS with certificateUsageEmailSigner. A copy, so that
# the database handed to pdfsig keeps the root alone.
cp -r "$PKI/nss" "$T/nss"
for e in issuing $SIGNERS nousage expired tsa; do
	certutil -A -d "sql:$T/nss" -n "$e" -t ,, -i "$PKI/$e.pem" >/dev/null 2>&1 ||
		fail "certutil -A $e"
done
for e in $SIGNERS; do
	expect_success certutil -V -d "sql:$T/nss" -n "$e" -u S -e
	assert_stdout '^certutil: certificate is valid$'
done
# certutil exits 255 (-1) for an invalid certificate.
certutil_invalid() {
	active || return 0
	run certutil -V -d "sql:$T/nss" -n "$1" -u S -e
	assert_eq "$STATUS" 255 "certutil -V status for $1"
	assert_stdout "^certutil: certificate is invalid: .*$2"
}
certutil_invalid nousage 'key usage inadequate'
certutil_invalid expired 'has expired'
# NSS checks the EKU when there is one: a time-stamping certificate is no
# e-mail (document) signer.
certutil_invalid tsa 'Certificate type not approved for application'

test_case 'a time-stamp from the TSA verifies with openssl ts'
need_pki_tools
start_pki_services
if active; then
	tsq doc
	r=$(post "$TSA_URL/tsa" "$T/doc.tsq" application/timestamp-query "$T/doc.tsr")
	assert_eq "$r" "200 application/timestamp-reply" "HTTP answer"
	expect_success openssl ts -verify -data "$T/doc.txt" -in "$T/doc.tsr" \
		-CAfile "$PKI/trust.pem" -untrusted "$PKI/chain.pem"
	assert_stdout '^Verification: OK$'
	# The same reply against the query: the nonce and the imprint.
	expect_success openssl ts -verify -queryfile "$T/doc.tsq" -in "$T/doc.tsr" \
		-CAfile "$PKI/trust.pem" -untrusted "$PKI/chain.pem"
	assert_stdout '^Verification: OK$'
	expect_success openssl ts -reply -in "$T/doc.tsr" -text
	assert_stdout '^Status: Granted\.$'
	assert_stdout '^Policy OID: (1\.2\.3\.4\.1|tsa_policy1)$'
	assert_stdout '^Hash Algorithm: sha256$'
	assert_stdout '^Accuracy: 0x01 seconds'
	assert_stdout '^Ordering: no$'
	assert_stdout '^TSA: DirName:.*CN ?= ?certcopy Test TSA'
	assert_eq "$(ts_field "$T/doc.tsr" Nonce)" \
		"$(openssl ts -query -in "$T/doc.tsq" -text 2>/dev/null | sed -n 's/^Nonce: //p')" \
		"nonce"
	# The time is now (within a minute; this is no benchmark).
	t=$(date -d "$(ts_field "$T/doc.tsr" 'Time stamp')" +%s)
	d=$(($(date +%s) - t))
	[ "${d#-}" -lt 60 ] || fail "time-stamp $d s away from now"
	# ESS signing-certificate-v2 (ess_cert_id_alg sha256), TSA certificate in.
	openssl ts -reply -in "$T/doc.tsr" -token_out -out "$T/doc.tst" 2>/dev/null
	expect_success openssl cms -cmsout -print -inform DER -in "$T/doc.tst"
	assert_stdout 'id-smime-aa-signingCertificateV2'
	assert_stdout 'CN=certcopy Test TSA'
	# Another document does not match the time-stamp.
	printf 'tampered\n' >>"$T/doc.txt"
	expect_failure 1 openssl ts -verify -data "$T/doc.txt" -in "$T/doc.tsr" \
		-CAfile "$PKI/trust.pem" -untrusted "$PKI/chain.pem"
	assert_stdout '^Verification: FAILED$'
	assert_stderr 'message imprint mismatch'
fi

test_case 'time-stamps asked for at once all succeed, with distinct serial numbers'
start_pki_services
if active; then
	for i in 1 2 3 4 5 6; do
		tsq "par$i"
	done
	pids=""
	for i in 1 2 3 4 5 6; do
		curl -sS -o "$T/par$i.tsr" -w '%{http_code}' --max-time 20 \
			-H 'Content-Type: application/timestamp-query' \
			--data-binary "@$T/par$i.tsq" "$TSA_URL/tsa" >"$T/par$i.code" 2>&1 &
		pids="$pids $!"
	done
	# Not a bare wait: the services are background jobs too.
	for pid in $pids; do
		wait "$pid"
	done
	for i in 1 2 3 4 5 6; do
		assert_eq "$(cat "$T/par$i.code")" 200 "HTTP status of request $i"
		expect_success openssl ts -verify -queryfile "$T/par$i.tsq" -in "$T/par$i.tsr" \
			-CAfile "$PKI/trust.pem" -untrusted "$PKI/chain.pem"
		ts_field "$T/par$i.tsr" 'Serial number'
	done >"$T/serials"
	assert_eq "$(sort -u "$T/serials" | grep -c .)" 6 "distinct serial numbers"
fi

test_case 'the TSA failure paths: 500, garbage, a reply to another query'
start_pki_services
if active; then
	tsq f
	r=$(post "$TSA_URL/tsa-error" "$T/f.tsq" application/timestamp-query "$T/err.tsr")
	assert_eq "$r" "500 text/plain" "HTTP answer of /tsa-error"

	r=$(post "$TSA_URL/tsa-garbage" "$T/f.tsq" application/timestamp-query "$T/g.tsr")
	assert_eq "$r" "200 application/timestamp-reply" "HTTP answer of /tsa-garbage"
	assert_file "$T/g.tsr"
	expect_failure 1 openssl ts -reply -in "$T/g.tsr" -text
	expect_failure 1 openssl ts -verify -queryfile "$T/f.tsq" -in "$T/g.tsr" \
		-CAfile "$PKI/trust.pem" -untrusted "$PKI/chain.pem"

	r=$(post "$TSA_URL/tsa-wrong-nonce" "$T/f.tsq" application/timestamp-query "$T/w.tsr")
	assert_eq "$r" "200 application/timestamp-reply" "HTTP answer of /tsa-wrong-nonce"
	expect_success openssl ts -reply -in "$T/w.tsr" -text
	assert_stdout '^Status: Granted\.$'
	expect_failure 1 openssl ts -verify -queryfile "$T/f.tsq" -in "$T/w.tsr" \
		-CAfile "$PKI/trust.pem" -untrusted "$PKI/chain.pem"
	assert_stdout '^Verification: FAILED$'
	n1=$(ts_field "$T/w.tsr" Nonce)
	n2=$(openssl ts -query -in "$T/f.tsq" -text 2>/dev/null | sed -n 's/^Nonce: //p')
	if [ -z "$n1" ] || [ -z "$n2" ] || [ "$n1" = "$n2" ]; then
		fail "nonces: reply '$n1', query '$n2'"
	fi
	# Yet it is a genuine time-stamp, of the imprint it carries.
	imprint=$(openssl ts -reply -in "$T/w.tsr" -text 2>/dev/null |
		sed -n '/^Message data:/,/^Serial number:/p' |
		grep -E '^ +[0-9a-f]{4} - ' | cut -c12-58 | tr -d ' \n-')
	assert_eq "${#imprint}" 64 "length of the imprint (hex)"
	expect_success openssl ts -verify -digest "$imprint" -in "$T/w.tsr" \
		-CAfile "$PKI/trust.pem" -untrusted "$PKI/chain.pem"
	assert_stdout '^Verification: OK$'
fi

test_case '/tsa-slow keeps the client waiting until it gives up'
start_pki_services
if active; then
	tsq slow
	curl -sS -o "$T/slow.tsr" --max-time 2 -H 'Content-Type: application/timestamp-query' \
		--data-binary "@$T/slow.tsq" "$TSA_URL/tsa-slow" 2>"$T/curl.err"
	assert_eq "$?" 28 "curl status (28: operation timed out)"
	[ ! -s "$T/slow.tsr" ] || fail "an answer came before the time-out"
fi

test_case 'the TSA refuses bad requests: method, type, path; rejects bad queries'
start_pki_services
if active; then
	tsq bad
	r=$(get "$TSA_URL/tsa" "$T/x")
	assert_eq "$r" "405 text/plain" "GET /tsa"
	r=$(post "$TSA_URL/tsa" "$T/bad.tsq" text/plain "$T/x")
	assert_eq "$r" "400 text/plain" "POST text/plain"
	# What is not a good query gets a TimeStampResp with status rejection,
	# as RFC 3161 2.4.2 says.
	printf 'not a query' >"$T/junk"
	r=$(post "$TSA_URL/tsa" "$T/junk" application/timestamp-query "$T/junk.tsr")
	assert_eq "$r" "200 application/timestamp-reply" "POST of junk"
	expect_success openssl ts -reply -in "$T/junk.tsr" -text
	assert_stdout '^Status: Rejected\.$'
	assert_stdout '^Failure info: the data submitted has the wrong format$'
	assert_stdout '^Not included\.$'
	openssl ts -query -data "$T/junk" -md5 -out "$T/md5.tsq" 2>/dev/null
	r=$(post "$TSA_URL/tsa" "$T/md5.tsq" application/timestamp-query "$T/md5.tsr")
	assert_eq "$r" "200 application/timestamp-reply" "POST of an MD5 query"
	expect_success openssl ts -reply -in "$T/md5.tsr" -text
	assert_stdout '^Status: Rejected\.$'
	assert_stdout '^Failure info: unrecognized or unsupported algorithm identifier$'
	r=$(post "$TSA_URL/no-such" "$T/bad.tsq" application/timestamp-query "$T/x")
	assert_eq "$r" "404 text/plain" "POST to an unknown path"
	# Still serving after all that.
	r=$(post "$TSA_URL/tsa" "$T/bad.tsq" application/timestamp-query "$T/ok.tsr")
	assert_eq "$r" "200 application/timestamp-reply" "a good query after the bad ones"
fi

test_case "OCSP at the certificate's AIA URL: good, revoked, unknown; responses verify"
start_pki_services
if active; then
	url=$(openssl x509 -in "$PKI/certifier.pem" -noout -ocsp_uri)
	assert_eq "$url" "$PKI_URL/ocsp" "the certifier's OCSP URL"
	expect_success openssl ocsp -issuer "$PKI/issuing.pem" -cert "$PKI/certifier.pem" \
		-url "$url" -CAfile "$PKI/trust.pem" -resp_text
	assert_stdout "^$PKI/certifier.pem: good\$"
	assert_stdout 'Responder Id: C ?= ?VN, O ?= ?certcopy test, CN ?= ?certcopy Test OCSP Responder'
	assert_stdout 'Next Update: '
	assert_stdout 'OCSP Nonce'
	assert_stderr '^Response verify OK$'
	expect_success openssl ocsp -issuer "$PKI/issuing.pem" -cert "$PKI/revoked.pem" \
		-url "$url" -CAfile "$PKI/trust.pem" -resp_text
	assert_stdout "^$PKI/revoked.pem: revoked\$"
	assert_stdout 'Reason: keyCompromise'
	assert_stderr '^Response verify OK$'
	expect_success openssl ocsp -issuer "$PKI/issuing.pem" -serial 0x0123456789 \
		-url "$url" -CAfile "$PKI/trust.pem"
	assert_stdout '^0x0123456789: unknown$'
	for e in $SIGNERS tsa; do
		expect_success openssl ocsp -issuer "$PKI/issuing.pem" -cert "$PKI/$e.pem" \
			-url "$url" -CAfile "$PKI/trust.pem"
		assert_stdout "^$PKI/$e.pem: good\$"
		assert_stderr '^Response verify OK$'
	done
	# Verification is real: against a stranger's root it fails.
	openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$T/stranger.key" -subj '/CN=stranger' -days 1 \
		-out "$T/stranger.pem" 2>/dev/null
	expect_failure 1 openssl ocsp -issuer "$PKI/issuing.pem" -cert "$PKI/certifier.pem" \
		-url "$url" -CAfile "$T/stranger.pem"
	assert_stderr 'Response Verify Failure'
fi

test_case 'OCSP over GET (RFC 6960 A.1), and malformed requests'
start_pki_services
if active; then
	expect_success openssl ocsp -issuer "$PKI/issuing.pem" -cert "$PKI/certifier.pem" \
		-no_nonce -reqout "$T/req.der"
	b64=$(base64 -w0 "$T/req.der" | sed 's/+/%2B/g; s,/,%2F,g; s/=/%3D/g')
	r=$(get "$PKI_URL/ocsp/$b64" "$T/resp.der")
	assert_eq "$r" "200 application/ocsp-response" "GET /ocsp/..."
	expect_success openssl ocsp -respin "$T/resp.der" -issuer "$PKI/issuing.pem" \
		-cert "$PKI/certifier.pem" -CAfile "$PKI/trust.pem"
	assert_stdout "^$PKI/certifier.pem: good\$"
	assert_stderr '^Response verify OK$'
	printf 'not a request' >"$T/junk"
	r=$(post "$PKI_URL/ocsp" "$T/junk" application/ocsp-request "$T/junk.der")
	assert_eq "$r" "200 application/ocsp-response" "POST of junk"
	assert_eq "$(od -An -tx1 "$T/junk.der" | tr -d ' \n')" 30030a0101 \
		"malformedRequest"
	expect_failure 1 openssl ocsp -respin "$T/junk.der" -resp_text
	assert_stdout 'Responder Error: malformedrequest \(1\)'
	r=$(get "$PKI_URL/ocsp/%%%" "$T/junk2.der")
	assert_eq "$r" "200 application/ocsp-response" "GET of junk"
	assert_eq "$(od -An -tx1 "$T/junk2.der" | tr -d ' \n')" 30030a0101 \
		"malformedRequest"
	r=$(post "$PKI_URL/ocsp" "$T/req.der" text/plain "$T/x")
	assert_eq "$r" "400 text/plain" "POST text/plain"
	r=$(get "$PKI_URL/nothing-here" "$T/x")
	assert_eq "$r" "404 text/plain" "GET of an unknown path"
fi

test_case "the CRL downloads from the certifier's CDP URL and lists revoked"
start_pki_services
if active; then
	openssl x509 -in "$PKI/certifier.pem" -noout -ext crlDistributionPoints \
		>"$T/cdp" 2>/dev/null
	cdp=$(sed -n 's/^ *URI://p' "$T/cdp")
	assert_eq "$cdp" "$PKI_URL/issuing.crl" "the certifier's CDP"
	r=$(get "$cdp" "$T/dl.crl")
	assert_eq "$r" "200 application/pkix-crl" "GET of the CRL"
	cmp -s "$T/dl.crl" "$PKI/issuing.crl" || fail "the CRL served is not issuing.crl"
	expect_success openssl crl -inform DER -in "$T/dl.crl" -noout -text \
		-CAfile "$PKI/chain.pem"
	assert_stderr '^verify OK$'
	assert_stdout "Serial Number: $(openssl x509 -in "$PKI/revoked.pem" -noout -serial |
		cut -d= -f2)"
	assert_stdout 'Key Compromise'
	assert_stdout 'Issuer: C ?= ?VN, O ?= ?certcopy test, CN ?= ?certcopy Test Issuing CA'
	grep -q "Serial Number: $(openssl x509 -in "$PKI/certifier.pem" -noout -serial |
		cut -d= -f2)" "$T/out" && fail "the certifier is on the CRL"
	# The issuing CA's own pointers: the root's (empty) CRL and the root.
	openssl x509 -in "$PKI/issuing.pem" -noout -ext crlDistributionPoints \
		>"$T/cdp" 2>/dev/null
	r=$(get "$(sed -n 's/^ *URI://p' "$T/cdp")" "$T/root.crl")
	assert_eq "$r" "200 application/pkix-crl" "GET of the root CRL"
	expect_success openssl crl -inform DER -in "$T/root.crl" -noout -text \
		-CAfile "$PKI/trust.pem"
	assert_stdout 'No Revoked Certificates'
	assert_stderr '^verify OK$'
	r=$(get "$PKI_URL/issuing.crt" "$T/issuing.crt")
	assert_eq "$r" "200 application/pkix-cert" "GET of the caIssuers certificate"
	assert_eq "$(openssl x509 -inform DER -in "$T/issuing.crt" -noout -fingerprint -sha256)" \
		"$(fingerprint "$PKI/issuing.pem")" "the caIssuers certificate"
fi

test_case 'OCSP follows the CA database: a certificate revoked now is revoked'
start_pki_services
if active; then
	expect_success openssl ocsp -issuer "$PKI/issuing.pem" -cert "$PKI/nousage.pem" \
		-url "$PKI_URL/ocsp" -CAfile "$PKI/trust.pem"
	assert_stdout "^$PKI/nousage.pem: good\$"
	expect_success openssl ca -config "$PKI/ca.cnf" -name ca_issuing -batch \
		-revoke "$PKI/nousage.pem" -crl_reason superseded
	expect_success openssl ocsp -issuer "$PKI/issuing.pem" -cert "$PKI/nousage.pem" \
		-url "$PKI_URL/ocsp" -CAfile "$PKI/trust.pem" -resp_text
	assert_stdout "^$PKI/nousage.pem: revoked\$"
	assert_stdout 'Reason: superseded'
fi

test_case 'the services are gone when the test file ends'
need_pki_tools
if active; then
	# A test file of its own, with a request still in the slow TSA path when
	# it ends.
	# (lib.sh finds its helpers beside the test file; this one is in $T.)
	cat >"$T/svc.sh" <<EOF
. "$TESTS_DIR/lib.sh"
TESTS_DIR="$TESTS_DIR"
test_case inner
start_pki_services
printf '%s\n' "\$PKI_SERVICES" >"$T/svc.pids"
printf '%s %s %s\n' "\${PKI_PORT:-}" "\${TSA_PORT:-}" "\${PKI:-}" >"$T/svc.where"
openssl ts -query -digest $(printf '%064d' 0) -sha256 -out "\$T/q.tsq" 2>/dev/null
curl -s --max-time 60 -H 'Content-Type: application/timestamp-query' \\
	--data-binary "@\$T/q.tsq" -o /dev/null "\$TSA_URL/tsa-slow" &
sleep 0.5
finish
EOF
	: >"$T/svc.results"
	CC_RESULTS="$T/svc.results" bash "$T/svc.sh" >"$T/svc.out" 2>&1
	assert_eq "$(cut -f1 "$T/svc.results")" pass "the inner test's result" ||
		sed 's/^/    inner: /' "$T/svc.out"
	read -r pids <"$T/svc.pids"
	read -r pport tport ipki <"$T/svc.where"
	assert_eq "$(wc -w <<<"$pids")" 2 "services started"
	sleep 0.2
	for pid in $pids; do
		if kill -0 "$pid" 2>/dev/null; then
			fail "service $pid still running"
			kill "$pid"
		fi
	done
	for port in $pport $tport; do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			fail "something still listens on $port"
		fi
	done
	if [ -n "$ipki" ]; then
		left=$(pgrep -af -- "$ipki")
		[ -z "$left" ] || fail "processes left: $left"
	fi
fi

finish
