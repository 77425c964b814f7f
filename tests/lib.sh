# lib.sh - sourced by every CLI test (tests/tNNNN-*.sh).
#
#   . "$(dirname "$0")/lib.sh"
#   test_case 'cc-scan reads a PNG'
#   expect_success cc-scan -o "$T/out.tiff" "$SAMPLES/birth-cert.png"
#   expect_failure 3 cc-scan -o "$T/out.tiff" /dev/null
#   assert_no_file "$T/out.tiff"
#   finish
#
# Every test_case is one result: it passes when none of its assertions
# failed. A case may call skip_case REASON when a component is missing;
# under CI (CI=true) a skip is a failure, since CI installs everything.
# Results go to $CC_RESULTS (one line each: pass|fail|skip, name, reason),
# which tests/run sums up. Each test file gets its own temp dir $T, removed
# at exit, and every service started with start_service is stopped at exit.

set -u

TESTS_DIR=$(cd "$(dirname "$0")" && pwd)
SRC_DIR=$(cd "$TESTS_DIR/.." && pwd)
: "${CC_BUILD:=$SRC_DIR/build/opt}"
: "${CC_RESULTS:=/dev/null}"
: "${SAMPLES:=$SRC_DIR/build/samples}"
PATH="$CC_BUILD/bin:$PATH"
export PATH SAMPLES
TESTDATA="$SRC_DIR/testdata"
TEST_FILE=$(basename "$0" .sh)

T=$(mktemp -d "${TMPDIR:-/tmp}/cc-test.XXXXXX")
export TMPDIR="$T/tmp"
mkdir -p "$TMPDIR"
# Tests never see the configuration of the machine they run on.
export CERTCOPY_CONF="$T/empty.conf"
: >"$CERTCOPY_CONF"

CASE=""
CASE_FAILED=0
CASE_SKIPPED=""
SERVICE_PIDS=""

# Each service runs in a process group of its own (setsid), so that what it
# starts goes with it. Stop politely, then for good; never wait forever.
cleanup_all() {
	pg_stop
	for pid in $SERVICE_PIDS; do
		kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
	done
	for pid in $SERVICE_PIDS; do
		i=0
		while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	[ -n "${CC_KEEP_TEST_DIR:-}" ] || rm -rf "$T"
}
trap cleanup_all EXIT
trap 'exit 130' INT TERM

say() {
	printf '%s\n' "$*"
}

end_case() {
	[ -n "$CASE" ] || return 0
	if [ -n "$CASE_SKIPPED" ]; then
		if [ "${CI:-}" = true ]; then
			say "FAIL $TEST_FILE: $CASE (skipped in CI: $CASE_SKIPPED)"
			printf 'fail\t%s: %s\tskipped in CI: %s\n' "$TEST_FILE" \
				"$CASE" "$CASE_SKIPPED" >>"$CC_RESULTS"
		else
			say "skip $TEST_FILE: $CASE ($CASE_SKIPPED)"
			printf 'skip\t%s: %s\t%s\n' "$TEST_FILE" "$CASE" \
				"$CASE_SKIPPED" >>"$CC_RESULTS"
		fi
	elif [ "$CASE_FAILED" -ne 0 ]; then
		say "FAIL $TEST_FILE: $CASE"
		printf 'fail\t%s: %s\t\n' "$TEST_FILE" "$CASE" >>"$CC_RESULTS"
	else
		say "ok   $TEST_FILE: $CASE"
		printf 'pass\t%s: %s\t\n' "$TEST_FILE" "$CASE" >>"$CC_RESULTS"
	fi
	CASE=""
}

test_case() {
	end_case
	CASE=$1
	CASE_FAILED=0
	CASE_SKIPPED=""
}

# True when the current case should go on (not skipped).
active() {
	[ -z "$CASE_SKIPPED" ]
}

skip_case() {
	CASE_SKIPPED=$1
}

fail() {
	say "    failed: $*"
	CASE_FAILED=1
	return 1
}

# Run a command with its stdout and stderr kept in $T/out and $T/err.
# STATUS is its exit status. A status above 128 is a signal.
run() {
	"$@" >"$T/out" 2>"$T/err"
	STATUS=$?
}

show_err() {
	if [ -s "$T/err" ]; then
		sed 's/^/    stderr: /' "$T/err" | head -20
	fi
}

expect_success() {
	active || return 0
	run "$@"
	if [ "$STATUS" -ne 0 ]; then
		fail "expected success, got exit $STATUS: $*"
		show_err
		return 1
	fi
}

# expect_failure CODE cmd...: the exit status must be CODE exactly; a
# signal or sanitizer abort never counts as the expected failure.
expect_failure() {
	active || return 0
	# local: a test's own variables are its own.
	local _want=$1
	shift
	run "$@"
	if [ "$STATUS" -gt 128 ]; then
		fail "crashed with signal $((STATUS - 128)) (expected exit $_want): $*"
		show_err
		return 1
	fi
	if [ "$STATUS" -ne "$_want" ]; then
		fail "expected exit $_want, got $STATUS: $*"
		show_err
		return 1
	fi
}

# The last command's stderr (or stdout with -o) matches an extended regex.
assert_stderr() {
	active || return 0
	grep -Eq -- "$1" "$T/err" || {
		fail "stderr does not match '$1'"
		show_err
	}
}

assert_stdout() {
	active || return 0
	grep -Eq -- "$1" "$T/out" || fail "stdout does not match '$1'"
}

assert_file() {
	active || return 0
	[ -s "$1" ] || fail "missing or empty file: $1"
}

assert_no_file() {
	active || return 0
	[ ! -e "$1" ] || fail "file should not exist: $1"
}

# No temporary leftovers (.NAME.XXXXXX) in a directory.
assert_no_temp() {
	active || return 0
	left=$(find "$1" -maxdepth 1 -name '.*.??????' | head -1)
	[ -z "$left" ] || fail "temporary file left behind: $left"
}

assert_eq() {
	active || return 0
	[ "$1" = "$2" ] || fail "${3:-values differ}: '$1' != '$2'"
}

# assert_jq FILE EXPR [what]: jq -e EXPR holds on the JSON file.
assert_jq() {
	active || return 0
	jq -e "$2" "$1" >/dev/null 2>&1 || {
		fail "${3:-JSON check} failed: $2 on $1"
		jq -c "$2" "$1" 2>&1 | head -3 | sed 's/^/    got: /'
	}
}

# jq_val FILE EXPR: print a value for further checks.
jq_val() {
	jq -r "$2" "$1" 2>/dev/null
}

# need CMD...: skip the case unless the commands exist.
need() {
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || {
			skip_case "$c is not installed"
			return 1
		}
	done
}

need_samples() {
	[ -s "$SAMPLES/.stamp" ] || skip_case "samples not generated"
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
	/usr/bin/python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# start_service NAME cmd...: run cmd in the background; it is stopped when
# the test file ends, whatever happens.
start_service() {
	name=$1
	shift
	setsid "$@" >"$T/$name.log" 2>&1 &
	SERVICE_PIDS="$SERVICE_PIDS $!"
}

# wait_port PORT [SECONDS]: until something listens on 127.0.0.1:PORT.
wait_port() {
	i=0
	while [ "$i" -lt $((${2:-10} * 10)) ]; do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# wait_for SECONDS CMD...: until CMD succeeds, polling every 0.05 s; 1 if
# it never does in time.
wait_for() {
	local tries=$(($1 * 20))
	shift
	until "$@"; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 0.05
	done
}

# start_smtp_relay NAME PORT [smtp-relay options]: a relay on loopback
# (tests/services/smtp-relay, on aiosmtpd) spooling into $T/NAME; fails
# the case unless it comes up.
start_smtp_relay() {
	local rname=$1 rport=$2
	shift 2
	mkdir -p "$T/$rname"
	start_service "$rname" /usr/bin/python3 "$TESTS_DIR/services/smtp-relay" \
		"$rport" "$T/$rname" "$@"
	wait_for 10 grep -qs '^smtp-relay: listening' "$T/$rname.log"
	wait_port "$rport" || fail "relay $rname did not start: $(cat "$T/$rname.log")"
}

# A private SANE configuration with the test and pnm backends only, so no
# test ever probes real hardware or the network.
sane_setup() {
	SANE_CONFIG_DIR="$T/sane"
	export SANE_CONFIG_DIR
	mkdir -p "$SANE_CONFIG_DIR"
	printf 'test\npnm\n' >"$SANE_CONFIG_DIR/dll.conf"
	cat >"$SANE_CONFIG_DIR/test.conf" <<-'CONF'
	number_of_devices 2
	mode Gray
	depth 8
	resolution 300.0
	test-picture "Solid black"
	CONF
	# SANE's test backend (not ours) now and then leaks its 64 KB read
	# buffer when a scan ends or fails; LeakSanitizer cannot tell it from
	# ours, as sane_exit has unloaded the backend by then ("<unknown
	# module>"; preloading it breaks SANE's loader). So under the
	# sanitizers leaks are not checked in SANE runs; address and
	# undefined-behaviour errors still are, and cc-scan's file paths keep
	# the leak check (t0100).
	if [ -n "${CC_SANITIZED:-}" ]; then
		ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"
		export ASAN_OPTIONS
	fi
}

finish() {
	end_case
}

# --- test PKI (tests/pki/make-pki) and its services ---

# need_pki_tools: skip the case unless what the test PKI needs is there.
need_pki_tools() {
	need openssl certutil curl /usr/bin/python3
}

# pki_setup: make the test PKI once per test file, in $PKI ($T/pki), its
# URLs on a port picked now ($PKI_PORT, $PKI_URL: where start_pki_services
# will put the OCSP/CRL server). A failure fails the case, and every later
# case that asks for the PKI.
PKI_STATE=""
pki_setup() {
	active || return 1
	if [ -z "$PKI_STATE" ]; then
		PKI="$T/pki"
		PKI_PORT=$(free_port)
		PKI_URL="http://127.0.0.1:$PKI_PORT"
		export PKI PKI_PORT PKI_URL
		if "$TESTS_DIR/pki/make-pki" "$PKI" --base-url "$PKI_URL" \
			>"$T/make-pki.log" 2>&1; then
			PKI_STATE=ok
		else
			PKI_STATE=failed
			sed 's/^/    make-pki: /' "$T/make-pki.log" | head -20
		fi
	fi
	[ "$PKI_STATE" = ok ] || {
		fail "no test PKI (tests/pki/make-pki failed)"
		return 1
	}
}

# start_pki_services: once per test file, the OCSP/CRL server on $PKI_PORT
# and a time-stamp authority on another free port; exports PKI_URL and
# TSA_URL (POST to $TSA_URL/tsa; see tests/services/tsa-server for the
# failure paths). Both are stopped when the test file ends.
PKI_SERVICES=""
PKI_SERVICES_STATE=""
start_pki_services() {
	active || return 1
	pki_setup || return 1
	if [ -z "$PKI_SERVICES_STATE" ]; then
		PKI_SERVICES_STATE=failed
		TSA_PORT=$(free_port)
		TSA_URL="http://127.0.0.1:$TSA_PORT"
		export TSA_PORT TSA_URL PKI_URL
		start_service ocsp-server /usr/bin/python3 \
			"$TESTS_DIR/services/ocsp-server" "$PKI_PORT" "$PKI"
		PKI_SERVICES="$!"
		start_service tsa-server /usr/bin/python3 \
			"$TESTS_DIR/services/tsa-server" "$TSA_PORT" "$PKI"
		PKI_SERVICES="$PKI_SERVICES $!"
		# Each says so once it has its port; one that could not get it
		# has exited (someone else may be listening there).
		i=0
		while [ "$i" -lt 100 ]; do
			# (A log may not exist yet: the service is starting.)
			if grep -qs '^ocsp-server: listening' "$T/ocsp-server.log" &&
				grep -qs '^tsa-server: listening' "$T/tsa-server.log"; then
				wait_port "$PKI_PORT" && wait_port "$TSA_PORT" &&
					PKI_SERVICES_STATE=ok
				break
			fi
			for pid in $PKI_SERVICES; do
				kill -0 "$pid" 2>/dev/null || i=100
			done
			sleep 0.1
			i=$((i + 1))
		done
		if [ "$PKI_SERVICES_STATE" != ok ]; then
			sed 's/^/    /' "$T/ocsp-server.log" "$T/tsa-server.log" |
				head -20
		fi
	fi
	[ "$PKI_SERVICES_STATE" = ok ] || {
		fail "the PKI services did not start"
		return 1
	}
}

# pin_files: the test PKI's certifier and seal passwords in
# $T/certifier.pass and $T/seal.pass, mode 0600 as the tools want them.
pin_files() {
	active || return 0
	for n in certifier seal; do
		install -m 600 "$PKI/$n.pass" "$T/$n.pass"
	done
}

# certified_copy OUT [cc-stamp options...]: the sample ID card front as
# cc-ocr makes it ($T/card.pdf), signed by the certifier with the
# certification page ($T/signed.pdf, number from $T/reg.db) and sealed with
# a time-stamp into OUT; vcode is its verification code. Needs
# start_pki_services.
certified_copy() {
	local out=$1
	shift
	pin_files
	expect_success cc-ocr -q "$TESTDATA/samples/idcard-front.png" -o "$T/card.pdf"
	expect_success cc-sign -k "$PKI/certifier.p12" --pin-file "$T/certifier.pass" \
		--statement --register "$T/reg.db" --title 'Công chứng viên' \
		"$T/card.pdf" -o "$T/signed.pdf"
	expect_success cc-stamp -k "$PKI/seal.p12" --pin-file "$T/seal.pass" \
		--register "$T/reg.db" --tsa "$TSA_URL/tsa" "$@" "$T/signed.pdf" -o "$out"
	vcode=$(cat "$T/out" 2>/dev/null)
}

# dss_dump FILE KEY OUTPREFIX: the streams of /DSS /KEY (Certs, OCSPs,
# CRLs) into OUTPREFIX.1, .2, ...; prints how many.
dss_dump() {
	qpdf --json --json-key=qpdf "$1" 2>/dev/null | jq -r --arg k "/$2" '
		.qpdf[1] as $o | ($o.trailer.value["/Root"] // "") as $r |
		($o["obj:" + $r].value["/DSS"]) as $d |
		(if ($d | type) == "string" then $o["obj:" + $d].value else $d end) as $dss |
		($dss[$k] // []) | .[] | sub(" 0 R$"; "")' >"$T/dss.list"
	i=0
	while read -r n; do
		i=$((i + 1))
		qpdf --show-object="$n" --raw-stream-data "$1" >"$3.$i" 2>/dev/null
	done <"$T/dss.list"
	echo "$i"
}

# --- PKCS#11: a SoftHSM2 token ---

# softhsm_setup DIR: a private SoftHSM2 (its config and token store in DIR)
# with one token "cc-test", user PIN in "$DIR/pin" (mode 0600, no newline;
# SO PIN 5678), holding the test PKI's certifier key and certificate under
# label certifier, id 01: --key 'pkcs11:token=cc-test;object=certifier'
# --module "$SOFTHSM_MODULE" --pin-file "$DIR/pin". Exports SOFTHSM2_CONF
# and SOFTHSM_MODULE. Makes the test PKI (pki_setup) if need be. Skips the
# case when SoftHSM2 or pkcs11-tool (opensc) is missing; fails it when the
# token cannot be made.
softhsm_setup() {
	active || return 1
	need softhsm2-util pkcs11-tool openssl || return 1
	[ -r /usr/lib/softhsm/libsofthsm2.so ] || {
		skip_case "SoftHSM2's module /usr/lib/softhsm/libsofthsm2.so is not installed"
		return 1
	}
	pki_setup || return 1
	hsm=$1
	mkdir -p "$hsm/tokens" || {
		fail "cannot create $hsm/tokens"
		return 1
	}
	SOFTHSM2_CONF="$hsm/softhsm2.conf"
	SOFTHSM_MODULE=/usr/lib/softhsm/libsofthsm2.so
	export SOFTHSM2_CONF SOFTHSM_MODULE
	cat >"$SOFTHSM2_CONF" <<-CONF
	directories.tokendir = $hsm/tokens
	objectstore.backend = file
	log.level = ERROR
	slots.removable = false
	CONF
	(umask 077 && printf '1234' >"$hsm/pin")
	# pkcs11-tool takes DER; the key's copy is removed once imported.
	if (umask 077 &&
		openssl pkey -in "$PKI/certifier.key" -outform DER \
			-out "$hsm/certifier.key.der" &&
		openssl x509 -in "$PKI/certifier.pem" -outform DER \
			-out "$hsm/certifier.der" &&
		softhsm2-util --init-token --free --label cc-test \
			--pin 1234 --so-pin 5678 &&
		pkcs11-tool --module "$SOFTHSM_MODULE" --login --pin 1234 \
			--write-object "$hsm/certifier.key.der" --type privkey \
			--id 01 --label certifier &&
		pkcs11-tool --module "$SOFTHSM_MODULE" --login --pin 1234 \
			--write-object "$hsm/certifier.der" --type cert \
			--id 01 --label certifier) >"$T/softhsm.log" 2>&1; then
		rm -f "$hsm/certifier.key.der"
	else
		rm -f "$hsm/certifier.key.der"
		fail "the SoftHSM2 token could not be made"
		sed 's/^/    softhsm: /' "$T/softhsm.log" | head -20
		return 1
	fi
}

# A throw-away PostgreSQL cluster, once for a test file, stopped at exit.
PG_DIR=""
PG_STATE=""
PG_BIN=""
PG_RUNAS=""
pg_stop() {
	[ -n "$PG_DIR" ] || return 0
	(cd / && $PG_RUNAS "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate \
		stop) >/dev/null 2>&1
	rm -rf "$PG_DIR"
	PG_DIR=""
}

# pg_start: the cluster (PG_URI_BASE for its databases), or the case
# skipped (not installed) or failed (it would not start). initdb refuses to
# run as root: as root it runs as postgres (else nobody) in a directory
# under /tmp that user owns. A watchdog stops it if this shell is killed.
pg_start() {
	active || return 1
	if [ -z "$PG_STATE" ]; then
		PG_STATE=failed
		PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
		if [ -z "$PG_BIN" ] && command -v initdb >/dev/null 2>&1; then
			PG_BIN=$(dirname "$(command -v initdb)")
		fi
		if [ ! -x "$PG_BIN/initdb" ] || ! command -v psql >/dev/null 2>&1; then
			PG_STATE=missing
		else
			pg_init
		fi
	fi
	case $PG_STATE in
	ok) return 0 ;;
	missing)
		skip_case "PostgreSQL (initdb, pg_ctl, psql) is not installed"
		return 1
		;;
	*)
		fail "the PostgreSQL cluster did not start"
		return 1
		;;
	esac
}

pg_init() {
	PG_DIR=$(mktemp -d /tmp/cc-pg.XXXXXX) || return 1
	if [ "$(id -u)" -eq 0 ]; then
		user=postgres
		id "$user" >/dev/null 2>&1 || user=nobody
		chown "$user" "$PG_DIR" || return 1
		PG_RUNAS="runuser -u $user --"
	fi
	PG_PORT=$(free_port)
	if ! (cd "$PG_DIR" && $PG_RUNAS "$PG_BIN/initdb" -D "$PG_DIR/data" \
		-A trust -U cc -E UTF8 --locale=C --no-sync) >"$T/initdb.log" 2>&1; then
		sed 's/^/    initdb: /' "$T/initdb.log" | tail -10
		return 1
	fi
	(
		while kill -0 $$ 2>/dev/null; do sleep 1; done
		cd / && $PG_RUNAS "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop
		rm -rf "$PG_DIR"
	) </dev/null >/dev/null 2>&1 &
	if ! (cd "$PG_DIR" && $PG_RUNAS "$PG_BIN/pg_ctl" -D "$PG_DIR/data" \
		-l "$PG_DIR/server.log" -w -t 60 \
		-o "-k $PG_DIR -p $PG_PORT -c listen_addresses=''" start) \
		>"$T/pg_ctl.log" 2>&1; then
		sed 's/^/    server: /' "$PG_DIR/server.log" | tail -10
		return 1
	fi
	PG_URI_BASE="postgresql://cc@/%s?host=$PG_DIR&port=$PG_PORT"
	PG_STATE=ok
}

# pg_db NAME: a new database; its URI in $URI.
pg_db() {
	# shellcheck disable=SC2059
	URI=$(printf "$PG_URI_BASE" "$1")
	# shellcheck disable=SC2059
	psql -X -q -d "$(printf "$PG_URI_BASE" postgres)" \
		-c "CREATE DATABASE $1" >/dev/null 2>"$T/err" || {
		fail "cannot create database $1"
		show_err
		return 1
	}
}
