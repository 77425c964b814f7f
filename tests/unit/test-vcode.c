/*
 * test-vcode.c - verification codes: the format of new codes, no repeat in
 * 100,000 and every symbol value in every place; the check symbol pinned
 * by vectors computed apart (Python, GF(32) by hand) and shown to catch
 * every single substitution and every transposition over many codes; what
 * the parser forgives (case, O/I/L, separators between groups, white space
 * around) and what it refuses, with its messages.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vcode.h"

#define MANY 100000

static const char alphabet[] = CC_VCODE_ALPHABET;

/* Index of c in the alphabet; the test fails for any other byte. */
static int value(char c)
{
	const char *p = c ? strchr(alphabet, c) : NULL;

	assert_non_null(p);
	return (int)(p - alphabet);
}

static void assert_canonical(const char *code)
{
	assert_int_equal(strlen(code), CC_VCODE_SIZE - 1);
	for (int i = 0; i < CC_VCODE_SIZE - 1; i++)
		if (i % 5 == 4)
			assert_int_equal(code[i], '-');
		else
			value(code[i]);
}

static void parses_to(const char *in, const char *want)
{
	struct cc_error err = {0, ""};
	char out[CC_VCODE_SIZE];
	int rc = cc_vcode_parse(in, out, &err);

	if (rc)
		print_error("'%s': %s\n", in, err.msg);
	assert_int_equal(rc, CC_OK);
	assert_string_equal(out, want);
}

static void refused(const char *in, const char *msg)
{
	struct cc_error err = {0, ""};
	char out[CC_VCODE_SIZE];

	memcpy(out, "junk", 5);
	assert_int_equal(cc_vcode_parse(in, out, &err), CC_INPUT);
	assert_int_equal(err.code, CC_INPUT);
	assert_string_equal(out, "");
	if (strcmp(err.msg, msg))
		print_error("'%s' gave '%s', not '%s'\n", in ? in : "(null)",
			    err.msg, msg);
	assert_string_equal(err.msg, msg);
}

static int by_string(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* 100,000 new codes: canonical, valid, all different, and each of the 15
 * data places takes each of the 32 values about equally often. */
static void test_new(void **state)
{
	char(*codes)[CC_VCODE_SIZE] = calloc(MANY, CC_VCODE_SIZE);
	static unsigned count[15][32];
	struct cc_error err = {0, ""};

	(void)state;
	assert_non_null(codes);
	memset(count, 0, sizeof(count));
	for (int i = 0; i < MANY; i++) {
		assert_int_equal(cc_vcode_new(codes[i], &err), CC_OK);
		assert_canonical(codes[i]);
		parses_to(codes[i], codes[i]);
		for (int k = 0, j = 0; j < CC_VCODE_SYMBOLS - 1; k++)
			if (codes[i][k] != '-')
				count[j++][value(codes[i][k])]++;
	}
	qsort(codes, MANY, CC_VCODE_SIZE, by_string);
	for (int i = 1; i < MANY; i++)
		assert_true(strcmp(codes[i - 1], codes[i]) < 0);
	/* Expected 3125 each; 4.5 standard deviations (~55) either way. */
	for (int j = 0; j < 15; j++)
		for (int v = 0; v < 32; v++)
			assert_true(count[j][v] > 2875 && count[j][v] < 3375);
	free(codes);
}

/* Codes computed apart from this implementation. */
static void test_vectors(void **state)
{
	static const char *const good[] = {
		"0000-0000-0000-0000", "7K3M-Q9TX-2B4D-X5QZ",
		"1000-0000-0000-000Z", "0000-0000-0000-0012",
		"ZZZZ-ZZZZ-ZZZZ-ZZZN", "0123-4567-89AB-CDE4",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		parses_to(good[i], good[i]);
	/* DESIGN.md's example of the form has another check symbol. */
	refused("7K3M-Q9TX-2B4D-X5Q1", "verification code "
				       "'7K3M-Q9TX-2B4D-X5Q1' is not valid "
				       "(check character)");
}

/* A code from 15 data symbols: the one check symbol the parser takes,
 * found by trying all 32 (so exactly one must pass). */
static void complete(char code[CC_VCODE_SIZE])
{
	struct cc_error err;
	char out[CC_VCODE_SIZE];
	int found = 0, check = 0;

	for (int c = 0; c < 32; c++) {
		code[CC_VCODE_SIZE - 2] = alphabet[c];
		if (cc_vcode_parse(code, out, &err) == CC_OK) {
			assert_string_equal(out, code);
			check = c;
			found++;
		} else {
			assert_string_equal(err.msg + strlen(err.msg) - 17,
					    "(check character)");
		}
	}
	assert_int_equal(found, 1);
	code[CC_VCODE_SIZE - 2] = alphabet[check];
}

static unsigned long long rng = 0x9e3779b97f4a7c15ULL;

static unsigned next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng >> 32);
}

/* Every single wrong symbol (16 places x 31 others) and every swap of two
 * different symbols, adjacent or not, in random codes, in codes from
 * cc_vcode_new and in codes of few distinct symbols. */
static void test_errors_detected(void **state)
{
	struct cc_error err = {0, ""};
	long subs = 0, swaps = 0;

	(void)state;
	for (int n = 0; n < 3000; n++) {
		char code[CC_VCODE_SIZE], bad[CC_VCODE_SIZE], out[20];
		int place[CC_VCODE_SYMBOLS];

		if (n % 3 == 0) {
			assert_int_equal(cc_vcode_new(code, &err), CC_OK);
		} else {
			/* Two symbols only, to have many equal neighbours. */
			int a = (int)(next() % 32), b = (int)(next() % 32);

			for (int i = 0; i < CC_VCODE_SIZE - 1; i++)
				code[i] = i % 5 == 4   ? '-'
					  : n % 3 == 1 ? alphabet[next() % 32]
					  : next() & 1 ? alphabet[a]
						       : alphabet[b];
			code[CC_VCODE_SIZE - 1] = '\0';
			complete(code);
		}
		for (int i = 0, k = 0; i < CC_VCODE_SIZE - 1; i++)
			if (code[i] != '-')
				place[k++] = i;
		for (int i = 0; i < CC_VCODE_SYMBOLS; i++)
			for (int c = 0; c < 32; c++) {
				if (alphabet[c] == code[place[i]])
					continue;
				memcpy(bad, code, sizeof(bad));
				bad[place[i]] = alphabet[c];
				assert_int_equal(cc_vcode_parse(bad, out, &err),
						 CC_INPUT);
				assert_non_null(
					strstr(err.msg, "(check character)"));
				subs++;
			}
		for (int i = 0; i < CC_VCODE_SYMBOLS; i++)
			for (int j = i + 1; j < CC_VCODE_SYMBOLS; j++) {
				char t;

				if (code[place[i]] == code[place[j]])
					continue;
				memcpy(bad, code, sizeof(bad));
				t = bad[place[i]];
				bad[place[i]] = bad[place[j]];
				bad[place[j]] = t;
				assert_int_equal(cc_vcode_parse(bad, out, &err),
						 CC_INPUT);
				swaps++;
			}
	}
	print_message("%ld substitutions and %ld transpositions refused\n",
		      subs, swaps);
	assert_int_equal(subs, 3000L * 16 * 31);
	assert_true(swaps > 3000L * 40);
}

static void test_lenient(void **state)
{
	const char *c = "7K3M-Q9TX-2B4D-X5QZ";
	char buf[CC_VCODE_SIZE + 8];
	struct cc_error err = {0, ""};

	(void)state;
	parses_to("7K3MQ9TX2B4DX5QZ", c);
	parses_to("7k3m-q9tx-2b4d-x5qz", c);
	parses_to("7K3M Q9TX 2B4D X5QZ", c);
	parses_to("7K3M  Q9TX\t2B4D X5QZ", c);
	parses_to("7K3M - Q9TX -2B4D- X5QZ", c);
	parses_to("7K3M-Q9TX2B4D X5QZ", c);
	parses_to("  7K3M-Q9TX-2B4D-X5QZ\r\n", c);
	parses_to("\n7k3mQ9tx2b4dX5qz ", c);
	/* O is 0, I and L are 1, in either case. */
	parses_to("0000-0000-0000-0012", "0000-0000-0000-0012");
	parses_to("OOOO-oooo-0O0o-0IO4", "0000-0000-0000-0104");
	parses_to("0000-0000-0000-00i2", "0000-0000-0000-0012");
	parses_to("0000-0000-0000-00L2", "0000-0000-0000-0012");
	parses_to("oooo oooo oooo ool2", "0000-0000-0000-0012");
	/* In place. */
	snprintf(buf, sizeof(buf), " 7k3mq9tx2b4dx5qz");
	assert_int_equal(cc_vcode_parse(buf, buf, &err), CC_OK);
	assert_string_equal(buf, c);
	assert_int_equal(cc_vcode_parse(buf, buf, &err), CC_OK);
	assert_string_equal(buf, c);
}

static void test_refused(void **state)
{
	char big[200];

	(void)state;
	refused(NULL, "no verification code");
	refused("", "no verification code");
	refused(" \t\r\n", "no verification code");
	refused("7K3M-Q9TX-2B4D-X5QU",
		"verification code '7K3M-Q9TX-2B4D-X5QU' is not valid ('U' is "
		"not one of its characters)");
	refused("7K3M-Q9TX-2B4D-X5Qu",
		"verification code '7K3M-Q9TX-2B4D-X5Qu' is not valid ('u' is "
		"not one of its characters)");
	refused("7K3M_Q9TX", "verification code '7K3M_Q9TX' is not valid "
			     "('_' is not one of its characters)");
	refused("7K3M-Q9TX-2B4D-X5Q\xc3\x9a",
		"verification code '7K3M-Q9TX-2B4D-X5Q?\?' is not valid (byte "
		"0xc3 is not one of its characters)");
	refused("7K3M-Q9TX-2B4D-X5Q",
		"verification code '7K3M-Q9TX-2B4D-X5Q' is not valid (15 "
		"characters, not 16)");
	refused("7K3M", "verification code '7K3M' is not valid (4 characters, "
			"not 16)");
	refused("-", "verification code '-' is not valid (misplaced "
		     "separator)");
	refused("7K3M-Q9TX-2B4D-X5QZ7",
		"verification code '7K3M-Q9TX-2B4D-X5QZ7' is not valid (more "
		"than 16 characters)");
	refused("7K3M-Q9TX-2B4D-X5QZ-",
		"verification code '7K3M-Q9TX-2B4D-X5QZ-' is not valid "
		"(misplaced separator)");
	refused("7K3M-Q9TX-2B4D-X5QZ 7", "verification code "
					 "'7K3M-Q9TX-2B4D-X5QZ 7' is not "
					 "valid (more than 16 characters)");
	refused("7K3-MQ9TX-2B4D-X5QZ", "verification code "
				       "'7K3-MQ9TX-2B4D-X5QZ' is not valid "
				       "(misplaced separator)");
	refused("7K3M Q9T X2B4DX5QZ", "verification code '7K3M Q9T X2B4DX5QZ' "
				      "is not valid (misplaced separator)");
	refused("7K3M--Q9TX-2B4D-X5QZ", "verification code "
					"'7K3M--Q9TX-2B4D-X5QZ' is not valid "
					"(misplaced separator)");
	refused("7K3M- -Q9TX-2B4D-X5QZ", "verification code "
					 "'7K3M- -Q9TX-2B4D-X5QZ' is not "
					 "valid (misplaced separator)");
	refused("-7K3M-Q9TX-2B4D-X5QZ", "verification code "
					"'-7K3M-Q9TX-2B4D-X5QZ' is not valid "
					"(misplaced separator)");
	refused("7K3M-Q9TX-2B4D-X5QZ\x01", "verification code "
					   "'7K3M-Q9TX-2B4D-X5QZ?' is not "
					   "valid (byte 0x01 is not one of its "
					   "characters)");
	refused("7K3M-Q9TX-2B4D-X5QY", "verification code "
				       "'7K3M-Q9TX-2B4D-X5QY' is not valid "
				       "(check character)");
	/* A long input is quoted in part. */
	memset(big, '7', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	refused(big, "verification code "
		     "'7777777777777777777777777777777777777777...' is not "
		     "valid (more than 16 characters)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new),
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_errors_detected),
		cmocka_unit_test(test_lenient),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
