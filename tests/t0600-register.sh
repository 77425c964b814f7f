#!/bin/bash
# The register (lib/register.c) under load and abuse, through
# tests/register-driver: 16 processes at once on one new SQLite register and
# on one new PostgreSQL database (a throw-away cluster started here with
# initdb/pg_ctl, stopped at the end); the same with processes killed with
# SIGKILL mid-run; an audit row edited with sqlite3/psql. The book is judged
# with sqlite3 and psql, not with the library.
. "$(dirname "$0")/lib.sh"

DRIVER="$CC_BUILD/tests/register-driver"
NPROC=16
EACH=40
OFFICE=DEMO01
BOOK='01/2026-SCTĐT/BS'

# sql URI QUERY: rows with '|' between columns, by sqlite3 or psql.
sql() {
	case $1 in
	postgres*) psql -X -A -t -q -d "$1" -c "$2" ;;
	*) sqlite3 "${1#sqlite:}" "$2" ;;
	esac
}

need_driver() {
	[ -x "$DRIVER" ] || {
		skip_case "$DRIVER is not built (make tests-build)"
		return 1
	}
}

# --- checks ---

# parallel URI N: N drivers doing $EACH cycles each, all at once, and the
# audit check run meanwhile (it reads one snapshot: never a false alarm);
# their outputs in $T/out.I, how many failed in $FAILED.
parallel() {
	rm -f "$T"/out.*
	pids=""
	for i in $(seq 1 "$2"); do
		"$DRIVER" "$1" cycle "$EACH" >"$T/out.$i" 2>"$T/err.$i" &
		pids="$pids $!"
	done
	for i in 1 2 3 4 5; do
		sleep 0.05
		"$DRIVER" "$1" audit >/dev/null 2>"$T/err.audit" || {
			fail "the audit check failed while others wrote"
			sed 's/^/    stderr: /' "$T/err.audit"
		}
	done
	FAILED=0
	for p in $pids; do
		wait "$p" || FAILED=$((FAILED + 1))
	done
	if [ "$FAILED" -ne 0 ]; then
		cat "$T"/err.* | sort | uniq -c | head -5 | sed 's/^/    stderr: /'
	fi
}

# book_ok URI: the book as sqlite3/psql see it: numbers 1..last, each once,
# none left reserved, codes unique, every printed "NUMBER CODE" in $T/out.*
# issued with that code, and the audit check passing with one entry per
# reservation and one per issue or void.
book_ok() {
	uri=$1
	where="office = '$OFFICE' AND book = '$BOOK'"
	last=$(sql "$uri" "SELECT last_number FROM books WHERE $where")
	got=$(sql "$uri" "SELECT count(*), count(DISTINCT number), min(number), max(number) FROM copies WHERE $where")
	assert_eq "$got" "$last|$last|1|$last" "count|distinct|min|max of the book's numbers"
	left=$(sql "$uri" "SELECT count(*) FROM copies WHERE status NOT IN ('issued', 'void')")
	assert_eq "$left" 0 "numbers neither issued nor void"
	codes=$(sql "$uri" "SELECT count(code), count(DISTINCT code) FROM copies")
	issued=$(sql "$uri" "SELECT count(*) FROM copies WHERE status = 'issued'")
	assert_eq "$codes" "$issued|$issued" "codes|distinct codes of the issued"
	cat "$T"/out.* | sort >"$T/printed"
	sql "$uri" "SELECT number || ' ' || code FROM copies WHERE status = 'issued'" |
		sort >"$T/issued"
	lost=$(comm -23 "$T/printed" "$T/issued" | head -3)
	assert_eq "$lost" "" "printed as issued but not issued in the register"
	dup=$(cut -d' ' -f1 "$T/printed" | sort -n | uniq -d | head -3)
	assert_eq "$dup" "" "numbers printed twice"
	voids=$(sql "$uri" "SELECT count(*) FROM audit WHERE action = 'void'")
	void_copies=$(sql "$uri" "SELECT count(*) FROM copies WHERE status = 'void'")
	assert_eq "$voids" "$void_copies" "void entries and void copies"
	expect_success "$DRIVER" "$uri" audit
	assert_stdout "^$((2 * last)) entries\$"
}

# kill_run URI: rounds of $NPROC drivers in long loops, random ones killed
# with SIGKILL after random pauses, the rest killed at the end of the round;
# then the stale reservations voided. Call it with stderr sent away, or
# bash reports every kill.
kill_run() {
	rm -f "$T"/out.*
	for round in 1 2 3; do
		pids=""
		for i in $(seq 1 "$NPROC"); do
			"$DRIVER" "$1" cycle 1000000 >"$T/out.$round.$i" 2>/dev/null &
			pids="$pids $!"
		done
		sleep 0.3
		for p in $pids; do
			if [ $((RANDOM % 2)) -eq 0 ]; then
				sleep "0.0$((RANDOM % 10))"
				kill -KILL "$p" 2>/dev/null
			fi
		done
		sleep "0.$((RANDOM % 3 + 1))"
		for p in $pids; do
			kill -KILL "$p" 2>/dev/null
			wait "$p" 2>/dev/null
		done
	done
	expect_success "$DRIVER" "$1" void-stale 0
}

# tampered URI SEQ: one audit row edited behind the library's back; the
# check fails (exit 1) naming that entry.
tampered() {
	sql "$1" "UPDATE audit SET reason = 'nobody saw this' WHERE seq = $2" ||
		fail "cannot edit the audit row"
	expect_failure 1 "$DRIVER" "$1" audit
	assert_stderr "audit entry $2 has been altered"
}

test_case "SQLite: $NPROC processes at once: numbers unique and gap-free, codes unique"
need_driver && need sqlite3
if active; then
	URI="sqlite:$T/parallel.db"
	parallel "$URI" "$NPROC"
	assert_eq "$FAILED" 0 "drivers failed"
	assert_eq "$(cat "$T"/out.* | wc -l)" $((NPROC * EACH)) "issuances printed"
	book_ok "$URI"
	assert_eq "$(sql "$URI" "SELECT last_number FROM books")" $((NPROC * EACH)) "last number"
	assert_eq "$(sql "$URI" "PRAGMA journal_mode")" wal "journal mode"
fi

test_case 'SQLite: drivers killed with SIGKILL mid-run leave a consistent book'
need_driver && need sqlite3
if active; then
	URI="$T/killed.db" # a plain path
	kill_run "$URI" 2>/dev/null
	book_ok "$URI"
	n=$(sql "$URI" "SELECT count(*) FROM copies")
	[ "$n" -gt "$NPROC" ] || fail "only $n numbers taken"
	say "    $n numbers, $(sql "$URI" "SELECT count(*) FROM copies WHERE status = 'void'") void"
fi

test_case 'SQLite: an audit row edited with sqlite3 is found and named'
need_driver && need sqlite3
if active; then
	tampered "sqlite:$T/parallel.db" 77
fi

test_case "PostgreSQL: $NPROC processes at once: numbers unique and gap-free, codes unique"
need_driver && pg_start && pg_db parallel
if active; then
	parallel "$URI" "$NPROC"
	assert_eq "$FAILED" 0 "drivers failed"
	assert_eq "$(cat "$T"/out.* | wc -l)" $((NPROC * EACH)) "issuances printed"
	book_ok "$URI"
	assert_eq "$(sql "$URI" "SELECT last_number FROM books")" $((NPROC * EACH)) "last number"
fi

test_case 'PostgreSQL: drivers killed with SIGKILL mid-run leave a consistent book'
need_driver && pg_start && pg_db killed
if active; then
	kill_run "$URI" 2>/dev/null
	book_ok "$URI"
	n=$(sql "$URI" "SELECT count(*) FROM copies")
	[ "$n" -gt "$NPROC" ] || fail "only $n numbers taken"
	say "    $n numbers, $(sql "$URI" "SELECT count(*) FROM copies WHERE status = 'void'") void"
fi

test_case 'PostgreSQL: an audit row edited with psql is found and named'
need_driver && pg_start
if active; then
	# shellcheck disable=SC2059
	tampered "$(printf "$PG_URI_BASE" parallel)" 123
fi

finish
