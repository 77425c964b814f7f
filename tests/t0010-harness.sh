#!/bin/bash
# The harness itself: a crash is never an expected failure, a wrong status
# fails, a right one passes, and a skip is a failure in CI.
. "$(dirname "$0")/lib.sh"

# inner SCRIPT: run a small test file with its own results, print them.
inner() {
	printf '. "%s/lib.sh"\n%s\nfinish\n' "$TESTS_DIR" "$1" >"$T/inner.sh"
	: >"$T/inner.results"
	CC_RESULTS="$T/inner.results" CI="${2:-}" bash "$T/inner.sh" >/dev/null 2>&1
	cut -f1 "$T/inner.results" | tr '\n' ' '
}

test_case 'expect_failure does not accept a crash'
r=$(inner "test_case x
expect_failure 1 sh -c 'kill -SEGV \$\$'")
assert_eq "$r" "fail " "segfault under expect_failure"
r=$(inner "test_case x
expect_failure 1 sh -c 'kill -ABRT \$\$'")
assert_eq "$r" "fail " "abort under expect_failure"

test_case 'expect_failure checks the exact status'
r=$(inner "test_case a
expect_failure 3 sh -c 'exit 3'
test_case b
expect_failure 3 sh -c 'exit 1'
test_case c
expect_failure 3 true")
assert_eq "$r" "pass fail fail " "statuses"

test_case 'expect_success and assertions fail the case'
r=$(inner "test_case a
expect_success false
test_case b
assert_eq 1 2
test_case c
assert_no_file /
test_case d
expect_success true
assert_eq 1 1")
assert_eq "$r" "fail fail fail pass " "results"

test_case 'a skipped case is a skip here and a failure in CI'
r=$(inner "test_case a
skip_case 'no widget'
expect_success false" "")
assert_eq "$r" "skip " "outside CI"
r=$(inner "test_case a
skip_case 'no widget'" true)
assert_eq "$r" "fail " "in CI"

test_case 'services are stopped when the test file ends'
printf '. "%s/lib.sh"\nstart_service sleeper sleep 300\necho $SERVICE_PIDS >"%s/pid"\nfinish\n' \
	"$TESTS_DIR" "$T" >"$T/svc.sh"
CC_RESULTS=/dev/null bash "$T/svc.sh"
pid=$(cat "$T/pid")
sleep 0.2
if kill -0 "$pid" 2>/dev/null; then
	fail "service $pid still running"
	kill "$pid"
fi

finish
