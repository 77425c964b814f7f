/*
 * test-date.c - calendar dates: which days exist, the printed forms
 * cc_date_parse accepts and refuses, the century of MRZ dates of birth and
 * expiry, comparing and formatting.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "date.h"

static const struct cc_date today = {2025, 6, 15};

static void assert_date(const struct cc_date *d, int y, int m, int day)
{
	assert_int_equal(d->year, y);
	assert_int_equal(d->month, m);
	assert_int_equal(d->day, day);
}

static int valid(int y, int m, int d)
{
	struct cc_date t = {y, m, d};

	return cc_date_valid(&t);
}

static void test_valid(void **state)
{
	(void)state;
	assert_true(valid(2000, 2, 29));  /* divisible by 400 */
	assert_false(valid(1900, 2, 29)); /* by 100 only */
	assert_false(valid(2100, 2, 29));
	assert_true(valid(2024, 2, 29));
	assert_false(valid(2023, 2, 29));
	assert_true(valid(2023, 2, 28));
	assert_false(valid(2020, 4, 31));
	assert_true(valid(2020, 12, 31));
	assert_false(valid(2020, 0, 1));
	assert_false(valid(2020, 13, 1));
	assert_false(valid(2020, 1, 0));
	assert_false(valid(2020, 1, 32));
	assert_false(valid(0, 1, 1));
	assert_true(valid(1, 1, 1));
	assert_true(valid(9999, 12, 31));
	assert_false(valid(10000, 1, 1));
	assert_false(valid(-4, 2, 29));
	assert_false(cc_date_valid(NULL));
}

static void test_parse_forms(void **state)
{
	static const char *const forms[] = {
		"15/03/1990",	 "15-03-1990",	  "15.03.1990",
		"15031990",	 "1990-03-15",	  "  15/03/1990\n",
		"\t1990-03-15 ", " 15031990\r\n",
	};
	struct cc_error err = {0, ""};
	struct cc_date d;

	(void)state;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		memset(&d, 0, sizeof(d));
		assert_int_equal(cc_date_parse(forms[i], &d, &err), CC_OK);
		assert_date(&d, 1990, 3, 15);
	}
	assert_int_equal(cc_date_parse("5/3/1990", &d, &err), CC_OK);
	assert_date(&d, 1990, 3, 5);
	assert_int_equal(cc_date_parse("05.3.1990", &d, &err), CC_OK);
	assert_date(&d, 1990, 3, 5);
	assert_int_equal(cc_date_parse("5-12-2024", &d, &err), CC_OK);
	assert_date(&d, 2024, 12, 5);
	assert_int_equal(cc_date_parse("29/02/2020", &d, &err), CC_OK);
	assert_date(&d, 2020, 2, 29);
	assert_int_equal(cc_date_parse("29022000", &d, &err), CC_OK);
	assert_date(&d, 2000, 2, 29);
}

static void test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"",
		"   ",
		"15/03-1990",
		"15/03/90",
		"1990-3-15",
		"1990-03-5",
		"150390",
		"1503199",
		"150319900",
		"123/03/1990",
		"15/003/1990",
		"15/03/19900",
		"15 / 03 / 1990",
		"1990/03/15",
		"15031990x",
		"+15031990",
		"15,03,1990",
		"15/03/1990/",
		"abc",
		"１5/03/1990",
		"15//1990",
		"/03/1990",
		"2020-02-30T00",
		"15_03_1990",
	};
	static const char *const impossible[] = {
		"31/02/2020", "29/02/2019", "29021900",	  "00/01/2020",
		"15/00/2020", "32/01/2020", "0000-01-01", "31-04-2021",
		"15/13/2020", "01010000",
	};
	struct cc_error err = {0, ""};
	struct cc_date d = {1, 2, 3};
	char quoted[64];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cc_error_clear(&err);
		assert_int_equal(cc_date_parse(bad[i], &d, &err), CC_INPUT);
		assert_int_equal(err.code, CC_INPUT);
		assert_non_null(strstr(err.msg, "invalid date"));
	}
	for (size_t i = 0; i < sizeof(impossible) / sizeof(impossible[0]);
	     i++) {
		cc_error_clear(&err);
		assert_int_equal(cc_date_parse(impossible[i], &d, &err),
				 CC_INPUT);
		snprintf(quoted, sizeof(quoted), "'%s'", impossible[i]);
		assert_non_null(strstr(err.msg, quoted));
	}
	/* The input is quoted in full, white space around it dropped. */
	assert_int_equal(cc_date_parse(" 31/02/2020 ", &d, &err), CC_INPUT);
	assert_string_equal(err.msg, "invalid date '31/02/2020': no such day");
	/* d is untouched by a failure. */
	assert_date(&d, 1, 2, 3);
	assert_int_equal(cc_date_parse(NULL, &d, &err), CC_INPUT);
	assert_int_equal(cc_date_parse("15/03/1990", &d, NULL), CC_OK);
	assert_int_equal(cc_date_parse("x", &d, NULL), CC_INPUT);
}

static void test_parse_long_input_quoted_briefly(void **state)
{
	struct cc_error err = {0, ""};
	struct cc_date d;
	char s[400];

	(void)state;
	/* 300 bytes of 'ữ' (3 bytes each) and more: the quote stops at a
	 * character boundary and says it was cut. */
	for (int i = 0; i < 100; i++)
		memcpy(s + 3 * i, "\xE1\xBB\xAF", 3);
	s[300] = '\0';
	assert_int_equal(cc_date_parse(s, &d, &err), CC_INPUT);
	assert_true(strlen(err.msg) < sizeof(err.msg) - 1);
	assert_non_null(strstr(err.msg, "...'"));
	assert_non_null(strstr(err.msg, "\xE1\xBB\xAF..."));
}

static int yymmdd(const char *s, int kind, const struct cc_date *t,
		  struct cc_date *d)
{
	struct cc_error err = {0, ""};

	memset(d, 0, sizeof(*d));
	return cc_date_from_yymmdd(s, kind, t, d, &err);
}

static void test_yymmdd_birth(void **state)
{
	struct cc_date d, t;

	(void)state;
	assert_int_equal(yymmdd("740812", CC_DATE_BIRTH, &today, &d), CC_OK);
	assert_date(&d, 1974, 8, 12);
	assert_int_equal(yymmdd("900315", CC_DATE_BIRTH, &today, &d), CC_OK);
	assert_date(&d, 1990, 3, 15);
	assert_int_equal(yymmdd("000101", CC_DATE_BIRTH, &today, &d), CC_OK);
	assert_date(&d, 2000, 1, 1);
	/* Born today is not in the future; born tomorrow is a century ago. */
	assert_int_equal(yymmdd("250615", CC_DATE_BIRTH, &today, &d), CC_OK);
	assert_date(&d, 2025, 6, 15);
	assert_int_equal(yymmdd("250616", CC_DATE_BIRTH, &today, &d), CC_OK);
	assert_date(&d, 1925, 6, 16);
	assert_int_equal(yymmdd("991231", CC_DATE_BIRTH, &today, &d), CC_OK);
	assert_date(&d, 1999, 12, 31);
	/* 29 February: 2000 was a leap year, 1900 was not. */
	assert_int_equal(yymmdd("000229", CC_DATE_BIRTH, &today, &d), CC_OK);
	assert_date(&d, 2000, 2, 29);
	t = (struct cc_date){1999, 6, 1};
	assert_int_equal(yymmdd("000229", CC_DATE_BIRTH, &t, &d), CC_INPUT);
	t = (struct cc_date){2100, 6, 1};
	assert_int_equal(yymmdd("000229", CC_DATE_BIRTH, &t, &d), CC_OK);
	assert_date(&d, 2000, 2, 29);
	/* Only six characters are read: the check digit after them is not. */
	assert_int_equal(yymmdd("7408122F", CC_DATE_BIRTH, &today, &d), CC_OK);
	assert_date(&d, 1974, 8, 12);
}

static void test_yymmdd_expiry(void **state)
{
	struct cc_date d, t;

	(void)state;
	assert_int_equal(yymmdd("120415", CC_DATE_EXPIRY, &today, &d), CC_OK);
	assert_date(&d, 2012, 4, 15);
	assert_int_equal(yymmdd("300315", CC_DATE_EXPIRY, &today, &d), CC_OK);
	assert_date(&d, 2030, 3, 15);
	assert_int_equal(yymmdd("991231", CC_DATE_EXPIRY, &today, &d), CC_OK);
	assert_date(&d, 1999, 12, 31);
	/* Both ends of the window are in it; there 20xx wins. */
	assert_int_equal(yymmdd("750615", CC_DATE_EXPIRY, &today, &d), CC_OK);
	assert_date(&d, 2075, 6, 15);
	assert_int_equal(yymmdd("750616", CC_DATE_EXPIRY, &today, &d), CC_OK);
	assert_date(&d, 1975, 6, 16);
	assert_int_equal(yymmdd("750614", CC_DATE_EXPIRY, &today, &d), CC_OK);
	assert_date(&d, 2075, 6, 14);
	/* Late in the century the window reaches into 21xx. */
	t = (struct cc_date){2080, 1, 1};
	assert_int_equal(yymmdd("290101", CC_DATE_EXPIRY, &t, &d), CC_OK);
	assert_date(&d, 2129, 1, 1);
	assert_int_equal(yymmdd("300101", CC_DATE_EXPIRY, &t, &d), CC_OK);
	assert_date(&d, 2030, 1, 1);
	/* Neither candidate in 20xx: the later one. */
	t = (struct cc_date){2150, 1, 1};
	assert_int_equal(yymmdd("000101", CC_DATE_EXPIRY, &t, &d), CC_OK);
	assert_date(&d, 2200, 1, 1);
	/* 29 February 2100 does not exist; 2000 is out of the window. */
	t = (struct cc_date){2080, 1, 1};
	assert_int_equal(yymmdd("000229", CC_DATE_EXPIRY, &t, &d), CC_INPUT);
}

static void test_yymmdd_rejects(void **state)
{
	static const char *const bad[] = {
		"7408I2", "74081",  "",	      "74-812", " 40812",
		"741312", "740230", "740100", "740832", "+74081",
	};
	struct cc_error err = {0, ""};
	struct cc_date d = {1, 2, 3}, t;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(cc_date_from_yymmdd(bad[i], CC_DATE_BIRTH,
						     &today, &d, &err),
				 CC_INPUT);
		assert_int_equal(cc_date_from_yymmdd(bad[i], CC_DATE_EXPIRY,
						     &today, &d, &err),
				 CC_INPUT);
		assert_non_null(strstr(err.msg, "invalid date"));
	}
	assert_date(&d, 1, 2, 3);
	assert_int_equal(
		cc_date_from_yymmdd("741312", CC_DATE_BIRTH, &today, &d, &err),
		CC_INPUT);
	assert_non_null(strstr(err.msg, "'741312'"));
	assert_int_equal(
		cc_date_from_yymmdd(NULL, CC_DATE_BIRTH, &today, &d, &err),
		CC_INPUT);
	assert_int_equal(cc_date_from_yymmdd("740812", 0, &today, &d, &err),
			 CC_USAGE);
	t = (struct cc_date){2025, 2, 30};
	assert_int_equal(
		cc_date_from_yymmdd("740812", CC_DATE_BIRTH, &t, &d, &err),
		CC_USAGE);
	/* No today: the local date, well after 2000. */
	assert_int_equal(
		cc_date_from_yymmdd("000101", CC_DATE_BIRTH, NULL, &d, &err),
		CC_OK);
	assert_date(&d, 2000, 1, 1);
}

static void test_cmp_and_format(void **state)
{
	struct cc_date a = {1974, 8, 12}, b = {1974, 8, 13}, c = {1974, 9, 1},
		       e = {1975, 1, 1}, bad = {2020, 2, 30};
	char buf[11];

	(void)state;
	assert_true(cc_date_cmp(&a, &b) < 0);
	assert_true(cc_date_cmp(&b, &a) > 0);
	assert_true(cc_date_cmp(&b, &c) < 0);
	assert_true(cc_date_cmp(&c, &e) < 0);
	assert_true(cc_date_cmp(&e, &a) > 0);
	assert_int_equal(cc_date_cmp(&a, &a), 0);

	cc_date_format(&a, buf);
	assert_string_equal(buf, "1974-08-12");
	cc_date_format(&(struct cc_date){1, 1, 1}, buf);
	assert_string_equal(buf, "0001-01-01");
	cc_date_format(&bad, buf);
	assert_string_equal(buf, "0000-00-00");
	cc_date_format(&(struct cc_date){-2147483647 - 1, -1, 99}, buf);
	assert_string_equal(buf, "0000-00-00");
	cc_date_format(NULL, buf);
	assert_string_equal(buf, "0000-00-00");
}

static void test_format_parse_round_trip(void **state)
{
	struct cc_error err = {0, ""};
	char buf[11];

	(void)state;
	for (int y = 1899; y <= 2101; y += 101)
		for (int m = 1; m <= 12; m++)
			for (int day = 1; day <= 31; day++) {
				struct cc_date d = {y, m, day}, back;

				if (!cc_date_valid(&d))
					continue;
				cc_date_format(&d, buf);
				assert_int_equal(
					cc_date_parse(buf, &back, &err), CC_OK);
				assert_int_equal(cc_date_cmp(&d, &back), 0);
			}
}

static void test_today(void **state)
{
	struct cc_date d;
	time_t t = time(NULL);
	struct tm tm;

	(void)state;
	assert_int_equal(cc_date_today(&d), CC_OK);
	assert_true(cc_date_valid(&d));
	assert_non_null(localtime_r(&t, &tm));
	/* Allow for midnight passing between the two calls. */
	assert_true(d.year == tm.tm_year + 1900 || d.year == tm.tm_year + 1899);
	assert_true(d.year >= 2024);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_parse_long_input_quoted_briefly),
		cmocka_unit_test(test_yymmdd_birth),
		cmocka_unit_test(test_yymmdd_expiry),
		cmocka_unit_test(test_yymmdd_rejects),
		cmocka_unit_test(test_cmp_and_format),
		cmocka_unit_test(test_format_parse_round_trip),
		cmocka_unit_test(test_today),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
