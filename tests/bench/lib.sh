# tests/bench/lib.sh - what the benchmark scripts share: medians, wall
# times, and the test PKI with its OCSP responder and TSA on loopback.
# Sourced after W (a temp dir) is set; services are stopped by bench_stop.

median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

now_us() {
	echo $(($(date +%s%N) / 1000))
}

# us CMD...: wall time of CMD in microseconds; its status in $W/status
us() {
	s=$(now_us)
	"$@" >/dev/null 2>"$W/stderr"
	echo $? >"$W/status"
	e=$(now_us)
	echo $((e - s))
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_listening() {
	i=0
	while [ "$i" -lt 100 ]; do
		grep -q 'listening' "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# bench_pki: the test PKI in $W/pki (PIN files 0600), its OCSP/CRL server
# and a TSA on ports picked now; TSA_URL set. Says why and returns 1 when
# they cannot be had.
BENCH_PIDS=""
bench_pki() {
	PORT=$(free_port)
	TSA_PORT=$(free_port)
	TSA_URL="http://127.0.0.1:$TSA_PORT/tsa"
	if ! tests/pki/make-pki "$W/pki" --base-url "http://127.0.0.1:$PORT" >"$W/log" 2>&1; then
		echo "(skipped: tests/pki/make-pki failed)"
		return 1
	fi
	chmod 600 "$W"/pki/*.pass
	python3 tests/services/ocsp-server "$PORT" "$W/pki" 2>"$W/ocsp.log" &
	BENCH_PIDS="$!"
	python3 tests/services/tsa-server "$TSA_PORT" "$W/pki" 2>"$W/tsa.log" &
	BENCH_PIDS="$BENCH_PIDS $!"
	if ! wait_listening "$W/ocsp.log" || ! wait_listening "$W/tsa.log"; then
		echo "(skipped: the OCSP responder or TSA did not start)"
		return 1
	fi
}

bench_stop() {
	for p in $BENCH_PIDS; do
		kill "$p" 2>/dev/null
	done
}
