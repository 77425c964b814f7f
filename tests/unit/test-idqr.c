/*
 * test-idqr.c - the citizen ID card's QR payload: the sample card, what is
 * tolerated (BOM, white space, no old id, extra fields), what is refused
 * (bad UTF-8, missing fields, a bad citizen number or date, fields too long
 * for their buffers, never truncated), and the sex code.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "idqr.h"

/* testdata/samples/idcard-front.json */
#define SAMPLE_NAME "Nguy\xE1\xBB\x85n Th\xE1\xBB\x8B Thu H\xC6\xB0\xC6\xA1ng"
#define SAMPLE_ADDRESS                                                         \
	"S\xE1\xBB\x91 12 H\xC3\xA0ng M\xC3\xA0nh, H\xC3\xA0ng Gai, "          \
	"Ho\xC3\xA0n Ki\xE1\xBA\xBFm, H\xC3\xA0 N\xE1\xBB\x99i"
#define SAMPLE_SEX "N\xE1\xBB\xAF"
#define SAMPLE                                                                 \
	"001190012345|013245768|" SAMPLE_NAME "|15031990|" SAMPLE_SEX          \
	"|" SAMPLE_ADDRESS "|20042021"

static void assert_date(const struct cc_date *d, int y, int m, int day)
{
	assert_int_equal(d->year, y);
	assert_int_equal(d->month, m);
	assert_int_equal(d->day, day);
}

static int parse(const char *s, struct cc_idqr *q, struct cc_error *err)
{
	cc_error_clear(err);
	return cc_idqr_parse(s, q, err);
}

static void assert_sample(const struct cc_idqr *q)
{
	assert_string_equal(q->id, "001190012345");
	assert_string_equal(q->old_id, "013245768");
	assert_string_equal(q->name, SAMPLE_NAME);
	assert_date(&q->birth, 1990, 3, 15);
	assert_string_equal(q->sex, SAMPLE_SEX);
	assert_string_equal(q->address, SAMPLE_ADDRESS);
	assert_date(&q->issue, 2021, 4, 20);
}

static void test_sample(void **state)
{
	struct cc_error err = {0, ""};
	struct cc_idqr q;

	(void)state;
	assert_int_equal(parse(SAMPLE, &q, &err), CC_OK);
	assert_sample(&q);
	assert_int_equal(q.extra_fields, 0);
	assert_int_equal(cc_idqr_sex_code(q.sex), 'F');
}

static void test_tolerated(void **state)
{
	struct cc_error err = {0, ""};
	struct cc_idqr q;

	(void)state;
	/* A BOM and white space around the payload, as some readers give. */
	assert_int_equal(parse("\xEF\xBB\xBF  " SAMPLE " \r\n", &q, &err),
			 CC_OK);
	assert_sample(&q);
	/* White space around fields. */
	assert_int_equal(parse("001190012345 | 013245768 |  " SAMPLE_NAME
			       "\t| 15031990 |" SAMPLE_SEX " | " SAMPLE_ADDRESS
			       " | 20042021",
			       &q, &err),
			 CC_OK);
	assert_sample(&q);
	/* No old id: cards issued to people who never had one. */
	assert_int_equal(parse("001190012345||" SAMPLE_NAME
			       "|15031990|Nam|" SAMPLE_ADDRESS "|20042021",
			       &q, &err),
			 CC_OK);
	assert_string_equal(q.old_id, "");
	assert_int_equal(cc_idqr_sex_code(q.sex), 'M');
	/* Fields after the seventh are counted and ignored, empty ones
	 * too. */
	assert_int_equal(parse(SAMPLE "|x|y", &q, &err), CC_OK);
	assert_sample(&q);
	assert_int_equal(q.extra_fields, 2);
	assert_int_equal(parse(SAMPLE "|", &q, &err), CC_OK);
	assert_int_equal(q.extra_fields, 1);
	/* An empty address and sex are kept as they are. */
	assert_int_equal(parse("001190012345|013245768|" SAMPLE_NAME
			       "|15031990|||20042021",
			       &q, &err),
			 CC_OK);
	assert_string_equal(q.sex, "");
	assert_string_equal(q.address, "");
	assert_int_equal(cc_idqr_sex_code(q.sex), '<');
}

static void test_missing_fields(void **state)
{
	struct cc_error err = {0, ""};
	struct cc_idqr q;

	(void)state;
	assert_int_equal(parse("001190012345|013245768|" SAMPLE_NAME, &q, &err),
			 CC_INPUT);
	assert_non_null(strstr(err.msg, "3 of 7 fields"));
	assert_non_null(strstr(err.msg, "missing date of birth, sex, place of "
					"residence, date of issue"));
	assert_int_equal(parse("001190012345|013245768|" SAMPLE_NAME
			       "|15031990|Nam|" SAMPLE_ADDRESS,
			       &q, &err),
			 CC_INPUT);
	assert_non_null(strstr(err.msg, "missing date of issue"));
	assert_int_equal(parse("", &q, &err), CC_INPUT);
	assert_non_null(
		strstr(err.msg, "1 of 7 fields, missing old ID number"));
	assert_int_equal(parse("   \xEF\xBB\xBF", &q, &err), CC_INPUT);
	assert_int_equal(parse("http://example.com/verify?x=1", &q, &err),
			 CC_INPUT);
	assert_int_equal(parse(NULL, &q, &err), CC_INPUT);
	/* A failure leaves nothing half filled. */
	assert_int_equal(parse("001190012345|013245768|" SAMPLE_NAME
			       "|15031990|Nam|x|2004202",
			       &q, &err),
			 CC_INPUT);
	assert_string_equal(q.id, "");
	assert_string_equal(q.name, "");
	assert_int_equal(q.birth.year, 0);
	assert_int_equal(cc_idqr_parse(SAMPLE, NULL, &err), CC_USAGE);
}

static void test_bad_citizen_number(void **state)
{
	static const char *const bad[] = {
		"00119001234|",	    "0011900123456|",
		"00119001234A|",    "|",
		"001 190 012 345|", "+01190012345|",
		"００1190012345|",  "-01190012345|",
	};
	struct cc_error err = {0, ""};
	struct cc_idqr q;
	char s[512];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(s, sizeof(s),
			 "%s013245768|%s|15031990|Nam|%s|20042021", bad[i],
			 SAMPLE_NAME, SAMPLE_ADDRESS);
		assert_int_equal(parse(s, &q, &err), CC_INPUT);
		assert_non_null(strstr(err.msg, "citizen number"));
	}
	/* The old number is digits, when there is one. */
	assert_int_equal(parse("001190012345|01324576X|" SAMPLE_NAME
			       "|15031990|Nam|x|20042021",
			       &q, &err),
			 CC_INPUT);
	assert_non_null(strstr(err.msg, "old ID number '01324576X'"));
	assert_int_equal(
		parse("001190012345|013245768||15031990|Nam|x|20042021", &q,
		      &err),
		CC_INPUT);
	assert_non_null(strstr(err.msg, "full name is empty"));
}

static void test_bad_dates(void **state)
{
	static const char *const bad[] = {
		"15/03/1990", "1990-03-15", "1503199", "150319900",
		"31022020",   "00011990",   "",	       "1503199O",
	};
	struct cc_error err = {0, ""};
	struct cc_idqr q;
	char s[512], quoted[32];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(s, sizeof(s),
			 "001190012345||Nguyen Van A|%s|Nam|x|20042021",
			 bad[i]);
		assert_int_equal(parse(s, &q, &err), CC_INPUT);
		assert_non_null(strstr(err.msg, "date of birth"));
		snprintf(quoted, sizeof(quoted), "'%s'", bad[i]);
		assert_non_null(strstr(err.msg, quoted));
		snprintf(s, sizeof(s),
			 "001190012345||Nguyen Van A|15031990|Nam|x|%s",
			 bad[i]);
		assert_int_equal(parse(s, &q, &err), CC_INPUT);
		assert_non_null(strstr(err.msg, "date of issue"));
	}
	assert_int_equal(
		parse("001190012345||Nguyen Van A|29022000|Nam|x|29022024", &q,
		      &err),
		CC_OK);
	assert_date(&q.birth, 2000, 2, 29);
	assert_date(&q.issue, 2024, 2, 29);
}

static void test_invalid_utf8(void **state)
{
	static const char *const bad[] = {
		"\xC3\x28",	    /* continuation byte missing */
		"\xC0\xAF",	    /* overlong '/' */
		"\xE0\x80\xAF",	    /* overlong '/' */
		"\xED\xA0\x80",	    /* surrogate */
		"\xF4\x90\x80\x80", /* past U+10FFFF */
		"\xF8\x88\x80\x80\x80",
		"\x80", /* lone continuation */
		"\xFF",
		"\xE1\xBB", /* cut short, at the end */
	};
	struct cc_error err = {0, ""};
	struct cc_idqr q;
	char s[512];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(s, sizeof(s),
			 "001190012345||Nguy%s|15031990|Nam|x|20042021",
			 bad[i]);
		assert_int_equal(parse(s, &q, &err), CC_INPUT);
		assert_non_null(
			strstr(err.msg, "invalid UTF-8 at byte offset 18"));
		snprintf(s, sizeof(s),
			 "001190012345||Nguyen|15031990|Nam|x|20042021%s",
			 bad[i]);
		assert_int_equal(parse(s, &q, &err), CC_INPUT);
		assert_non_null(strstr(err.msg, "UTF-8"));
	}
	/* The largest code point and the last before the surrogates. */
	assert_int_equal(
		parse("001190012345||\xF4\x8F\xBF\xBF\xED\x9F\xBF|15031990|Nam|x|20042021",
		      &q, &err),
		CC_OK);
}

static void fill(char *dst, size_t n, char c)
{
	memset(dst, c, n);
	dst[n] = '\0';
}

static void test_too_long_never_truncated(void **state)
{
	struct cc_error err = {0, ""};
	struct cc_idqr q;
	char field[600], s[1200];

	(void)state;
	/* name: 127 bytes fit, 128 do not. */
	fill(field, 127, 'a');
	snprintf(s, sizeof(s), "001190012345||%s|15031990|Nam|x|20042021",
		 field);
	assert_int_equal(parse(s, &q, &err), CC_OK);
	assert_int_equal(strlen(q.name), 127);
	fill(field, 128, 'a');
	snprintf(s, sizeof(s), "001190012345||%s|15031990|Nam|x|20042021",
		 field);
	assert_int_equal(parse(s, &q, &err), CC_INPUT);
	assert_non_null(strstr(err.msg, "full name too long"));

	/* address: 511 and 512 */
	fill(field, 511, 'b');
	snprintf(s, sizeof(s), "001190012345||A|15031990|Nam|%s|20042021",
		 field);
	assert_int_equal(parse(s, &q, &err), CC_OK);
	assert_int_equal(strlen(q.address), 511);
	fill(field, 512, 'b');
	snprintf(s, sizeof(s), "001190012345||A|15031990|Nam|%s|20042021",
		 field);
	assert_int_equal(parse(s, &q, &err), CC_INPUT);
	assert_non_null(strstr(err.msg, "place of residence too long"));

	/* old id: 15 and 16 digits */
	fill(field, 15, '1');
	snprintf(s, sizeof(s), "001190012345|%s|A|15031990|Nam|x|20042021",
		 field);
	assert_int_equal(parse(s, &q, &err), CC_OK);
	fill(field, 16, '1');
	snprintf(s, sizeof(s), "001190012345|%s|A|15031990|Nam|x|20042021",
		 field);
	assert_int_equal(parse(s, &q, &err), CC_INPUT);
	assert_non_null(strstr(err.msg, "old ID number too long"));

	/* sex: 7 and 8 bytes */
	assert_int_equal(
		parse("001190012345||A|15031990|N\xE1\xBB\xAF\xE1\xBB\xAF|x|20042021",
		      &q, &err),
		CC_OK);
	assert_int_equal(
		parse("001190012345||A|15031990|NN\xE1\xBB\xAF\xE1\xBB\xAF|x|20042021",
		      &q, &err),
		CC_INPUT);
	assert_non_null(strstr(err.msg, "sex too long"));

	/* Control characters inside a field. */
	assert_int_equal(
		parse("001190012345||Nguyen\x01Van|15031990|Nam|x|20042021", &q,
		      &err),
		CC_INPUT);
	assert_non_null(
		strstr(err.msg, "full name has control character 0x01"));
	assert_int_equal(
		parse("001190012345||Nguyen|15031990|Nam|a\nb|20042021", &q,
		      &err),
		CC_INPUT);
}

static void test_sex_code(void **state)
{
	(void)state;
	assert_int_equal(cc_idqr_sex_code("Nam"), 'M');
	assert_int_equal(cc_idqr_sex_code("NAM"), 'M');
	assert_int_equal(cc_idqr_sex_code("nam"), 'M');
	assert_int_equal(cc_idqr_sex_code(SAMPLE_SEX), 'F');
	assert_int_equal(cc_idqr_sex_code("N\xE1\xBB\xAE"), 'F'); /* NỮ */
	assert_int_equal(cc_idqr_sex_code("n\xE1\xBB\xAF"), 'F');
	assert_int_equal(cc_idqr_sex_code("Nu"), 'F');
	assert_int_equal(cc_idqr_sex_code("NU"), 'F');
	/* Decomposed (NFD) forms are not what cards carry. */
	assert_int_equal(cc_idqr_sex_code("Nu\xCC\x9B\xCC\x83"), '<');
	assert_int_equal(cc_idqr_sex_code(""), '<');
	assert_int_equal(cc_idqr_sex_code("Nữa"), '<');
	assert_int_equal(cc_idqr_sex_code("Nam "), '<');
	assert_int_equal(cc_idqr_sex_code("N"), '<');
	assert_int_equal(cc_idqr_sex_code("Male"), '<');
	assert_int_equal(cc_idqr_sex_code("F"), '<');
	assert_int_equal(cc_idqr_sex_code(NULL), '<');
}

/* The committed sample of tests/gen-samples, when it is here (the tests run
 * from the top of the source tree): the QR payload agrees with the fields
 * printed on the card. */
static void test_sample_file(void **state)
{
	json_error_t jerr;
	json_t *root = json_load_file("testdata/samples/idcard-front.json", 0,
				      &jerr),
	       *fields;
	struct cc_error err = {0, ""};
	struct cc_idqr q;
	char iso[11];

	(void)state;
	if (!root) {
		print_message("testdata/samples/idcard-front.json: %s\n",
			      jerr.text);
		skip();
	}
	fields = json_object_get(root, "fields");
	assert_int_equal(
		parse(json_string_value(json_object_get(root, "qr_payload")),
		      &q, &err),
		CC_OK);
	assert_sample(&q);
	assert_string_equal(
		q.id, json_string_value(json_object_get(fields, "id_number")));
	assert_string_equal(
		q.old_id, json_string_value(json_object_get(fields, "old_id")));
	assert_string_equal(q.sex,
			    json_string_value(json_object_get(fields, "sex")));
	assert_string_equal(q.address, json_string_value(json_object_get(
					       fields, "place_of_residence")));
	cc_date_format(&q.birth, iso);
	assert_string_equal(iso, json_string_value(json_object_get(
					 fields, "date_of_birth")));
	cc_date_format(&q.issue, iso);
	assert_string_equal(iso, json_string_value(json_object_get(
					 fields, "date_of_issue")));
	json_decref(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_tolerated),
		cmocka_unit_test(test_missing_fields),
		cmocka_unit_test(test_bad_citizen_number),
		cmocka_unit_test(test_bad_dates),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_too_long_never_truncated),
		cmocka_unit_test(test_sex_code),
		cmocka_unit_test(test_sample_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
