/*
 * test-error.c - struct cc_error: setting, prefixing, clearing, and the
 * NULL err that callers without interest in the message may pass.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "error.h"

static void test_set_returns_code_and_formats(void **state)
{
	struct cc_error err = {0, ""};

	(void)state;
	assert_int_equal(cc_error_set(&err, CC_INPUT, "cannot read '%s': %s",
				      "scan.tiff", "not a TIFF file"),
			 CC_INPUT);
	assert_int_equal(err.code, CC_INPUT);
	assert_string_equal(err.msg,
			    "cannot read 'scan.tiff': not a TIFF file");

	/* A second set replaces both fields, it does not append. */
	assert_int_equal(cc_error_set(&err, CC_SYSTEM, "%d pages", 3),
			 CC_SYSTEM);
	assert_int_equal(err.code, CC_SYSTEM);
	assert_string_equal(err.msg, "3 pages");
}

static void test_set_truncates_long_message(void **state)
{
	struct cc_error err;
	char big[1000];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memset(&err, 0x55, sizeof(err));
	assert_int_equal(cc_error_set(&err, CC_USAGE, "'%s'", big), CC_USAGE);
	/* Cut to the buffer, terminated, and the start kept. */
	assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
	assert_int_equal(err.msg[0], '\'');
	assert_int_equal(err.msg[1], 'x');
}

/* A variadic caller of cc_error_vset, as a module's own helper would be. */
static int wrap_vset(struct cc_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int wrap_vset(struct cc_error *err, int code, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = cc_error_vset(err, code, fmt, ap);
	va_end(ap);
	return rc;
}

static void test_vset(void **state)
{
	struct cc_error err = {0, ""};

	(void)state;
	assert_int_equal(wrap_vset(&err, CC_NO, "page %d of '%s'", 2, "a.pdf"),
			 CC_NO);
	assert_int_equal(err.code, CC_NO);
	assert_string_equal(err.msg, "page 2 of 'a.pdf'");
}

static void test_prefix(void **state)
{
	struct cc_error err = {0, ""};

	(void)state;
	cc_error_set(&err, CC_INPUT, "not a TIFF file");
	cc_error_prefix(&err, "reading '%s'", "x.tiff");
	assert_string_equal(err.msg, "reading 'x.tiff': not a TIFF file");
	/* The prefix adds context; the exit status stays what it was. */
	assert_int_equal(err.code, CC_INPUT);

	cc_error_prefix(&err, "page %d", 4);
	assert_string_equal(err.msg,
			    "page 4: reading 'x.tiff': not a TIFF file");
}

static void test_prefix_overflow_stays_terminated(void **state)
{
	struct cc_error err = {0, ""};
	char head[300];

	(void)state;
	memset(head, 'h', sizeof(head) - 1);
	head[sizeof(head) - 1] = '\0';
	cc_error_set(&err, CC_SYSTEM, "disk full");
	cc_error_prefix(&err, "%s", head);
	assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
	assert_int_equal(err.msg[0], 'h');
	assert_int_equal(err.code, CC_SYSTEM);
}

static void test_clear(void **state)
{
	struct cc_error err = {0, ""};

	(void)state;
	cc_error_set(&err, CC_SYSTEM, "boom");
	cc_error_clear(&err);
	assert_int_equal(err.code, CC_OK);
	assert_string_equal(err.msg, "");
}

static void test_null_err_allowed(void **state)
{
	(void)state;
	/* Callers that only want the status pass NULL: no crash, same code. */
	assert_int_equal(cc_error_set(NULL, CC_SYSTEM, "x %s", "y"), CC_SYSTEM);
	assert_int_equal(wrap_vset(NULL, CC_INPUT, "%d", 1), CC_INPUT);
	cc_error_prefix(NULL, "reading '%s'", "x");
	cc_error_clear(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_returns_code_and_formats),
		cmocka_unit_test(test_set_truncates_long_message),
		cmocka_unit_test(test_vset),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_prefix_overflow_stays_terminated),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_null_err_allowed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
