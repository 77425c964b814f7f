/*
 * test-mrz.c - machine-readable zones: check digits, the ICAO 9303 part 5
 * specimens (TD1 and TD3), a Vietnamese citizen ID card built the way the
 * sample generator builds it, every check digit corrupted, the OCR repairs
 * in the positions they belong to and nowhere else, TD1 long document
 * numbers, what is not an MRZ at all, and finding an MRZ in OCR text.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "mrz.h"

static const struct cc_date today = {2025, 6, 15};

/* ICAO Doc 9303 part 5, appendix A: the Utopian ID card, and part 4: the
 * passport. */
static const char *const td1_icao[3] = {
	"I<UTOD231458907<<<<<<<<<<<<<<<",
	"7408122F1204159UTO<<<<<<<<<<<6",
	"ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
};
static const char *const td3_icao[2] = {
	"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
	"L898902C36UTO7408122F1204159ZE184226B<<<<<10",
};
/* testdata/samples/idcard-back.json */
static const char *const td1_vn[3] = {
	"IDVNM1900123457001190012345<<<",
	"9003152F3003150VNM<<<<<<<<<<<4",
	"NGUYEN<<THI<THU<HUONG<<<<<<<<<",
};

static int parse(const char *const *lines, int n, struct cc_mrz *m)
{
	struct cc_error err = {0, ""};
	int rc = cc_mrz_parse(lines, n, &today, m, &err);

	if (rc != CC_OK)
		print_message("cc_mrz_parse: %s\n", err.msg);
	return rc;
}

static const struct cc_mrz_check *check(const struct cc_mrz *m,
					const char *name)
{
	for (int i = 0; i < m->nchecks; i++)
		if (strcmp(m->checks[i].name, name) == 0)
			return &m->checks[i];
	fail_msg("no check named '%s'", name);
	return NULL;
}

static void assert_date(const struct cc_date *d, int y, int m, int day)
{
	assert_int_equal(d->year, y);
	assert_int_equal(d->month, m);
	assert_int_equal(d->day, day);
}

static void assert_all_checks_ok(const struct cc_mrz *m, int n)
{
	assert_int_equal(m->nchecks, n);
	for (int i = 0; i < m->nchecks; i++) {
		if (!m->checks[i].ok)
			fail_msg("check '%s' failed: '%c' read, '%c' computed",
				 m->checks[i].name, m->checks[i].expected,
				 m->checks[i].computed);
		assert_int_equal(m->checks[i].expected, m->checks[i].computed);
	}
	assert_null(m->malformed);
	assert_true(m->valid);
}

static char digit(const char *s, size_t n)
{
	int d = cc_mrz_check_digit(s, n);

	assert_in_range(d, 0, 9);
	return (char)('0' + d);
}

/* Recomputes the check digits of a TD1 (number not long) or TD3 zone after
 * a test changed it. */
static void fix_td1_composite(char l[3][31])
{
	char buf[64];

	memcpy(buf, l[0] + 5, 25);
	memcpy(buf + 25, l[1], 7);
	memcpy(buf + 32, l[1] + 8, 7);
	memcpy(buf + 39, l[1] + 18, 11);
	l[1][29] = digit(buf, 50);
}

static void fix_td1(char l[3][31])
{
	l[0][14] = digit(l[0] + 5, 9);
	l[1][6] = digit(l[1], 6);
	l[1][14] = digit(l[1] + 8, 6);
	fix_td1_composite(l);
}

static void fix_td3(char l[2][45])
{
	char buf[64];

	l[1][9] = digit(l[1], 9);
	l[1][19] = digit(l[1] + 13, 6);
	l[1][27] = digit(l[1] + 21, 6);
	if (l[1][42] != '<')
		l[1][42] = digit(l[1] + 28, 14);
	memcpy(buf, l[1], 10);
	memcpy(buf + 10, l[1] + 13, 7);
	memcpy(buf + 17, l[1] + 21, 22);
	l[1][43] = digit(buf, 39);
}

static void copy3(char dst[3][31], const char *const *src)
{
	for (int i = 0; i < 3; i++)
		snprintf(dst[i], sizeof(dst[i]), "%s", src[i]);
}

static void copy2(char dst[2][45], const char *const *src)
{
	for (int i = 0; i < 2; i++)
		snprintf(dst[i], sizeof(dst[i]), "%s", src[i]);
}

static int parse3(char l[3][31], struct cc_mrz *m)
{
	const char *lines[3] = {l[0], l[1], l[2]};

	return parse(lines, 3, m);
}

static int parse2(char l[2][45], struct cc_mrz *m)
{
	const char *lines[2] = {l[0], l[1]};

	return parse(lines, 2, m);
}

static void test_check_digit(void **state)
{
	(void)state;
	assert_int_equal(cc_mrz_check_digit("D23145890", 9), 7);
	assert_int_equal(cc_mrz_check_digit("L898902C3", 9), 6);
	assert_int_equal(cc_mrz_check_digit("740812", 6), 2);
	assert_int_equal(cc_mrz_check_digit("120415", 6), 9);
	assert_int_equal(cc_mrz_check_digit("ZE184226B<<<<<", 14), 1);
	assert_int_equal(cc_mrz_check_digit("D23145890734", 12), 9);
	/* 'A'..'Z' are 10..35: "A" = 10 * 7, "Z" = 35 * 7. */
	assert_int_equal(cc_mrz_check_digit("A", 1), 0);
	assert_int_equal(cc_mrz_check_digit("Z", 1), 5);
	assert_int_equal(cc_mrz_check_digit("<A", 2), 0);
	assert_int_equal(cc_mrz_check_digit("<<B", 3), 1);
	assert_int_equal(cc_mrz_check_digit("", 0), 0);
	assert_int_equal(cc_mrz_check_digit("<<<<<<<<<", 9), 0);
	/* Only n characters are read. */
	assert_int_equal(cc_mrz_check_digit("D23145890xyz", 9), 7);
	assert_int_equal(cc_mrz_check_digit("d23145890", 9), -1);
	assert_int_equal(cc_mrz_check_digit("D2314589 ", 9), -1);
	assert_int_equal(cc_mrz_check_digit("74\xC3\x9F", 4), -1);
}

static void test_td1_specimen(void **state)
{
	struct cc_mrz m;

	(void)state;
	assert_int_equal(parse(td1_icao, 3, &m), CC_OK);
	assert_int_equal(m.type, CC_MRZ_TD1);
	assert_string_equal(m.doc_code, "I<");
	assert_string_equal(m.issuer, "UTO");
	assert_string_equal(m.number, "D23145890");
	assert_string_equal(m.optional1, "");
	assert_string_equal(m.optional2, "");
	assert_string_equal(m.birth_raw, "740812");
	assert_date(&m.birth, 1974, 8, 12);
	assert_int_equal(m.sex, 'F');
	assert_string_equal(m.expiry_raw, "120415");
	assert_date(&m.expiry, 2012, 4, 15);
	assert_string_equal(m.nationality, "UTO");
	assert_string_equal(m.surname, "ERIKSSON");
	assert_string_equal(m.given_names, "ANNA MARIA");
	assert_all_checks_ok(&m, 4);
	assert_string_equal(m.checks[0].name, "document number");
	assert_int_equal(m.checks[0].expected, '7');
	assert_string_equal(m.checks[1].name, "date of birth");
	assert_int_equal(m.checks[1].expected, '2');
	assert_string_equal(m.checks[2].name, "date of expiry");
	assert_int_equal(m.checks[2].expected, '9');
	assert_string_equal(m.checks[3].name, "composite");
	assert_int_equal(m.checks[3].expected, '6');
}

static void test_td3_specimen(void **state)
{
	struct cc_mrz m;

	(void)state;
	assert_int_equal(parse(td3_icao, 2, &m), CC_OK);
	assert_int_equal(m.type, CC_MRZ_TD3);
	assert_string_equal(m.doc_code, "P<");
	assert_string_equal(m.issuer, "UTO");
	assert_string_equal(m.number, "L898902C3");
	assert_string_equal(m.nationality, "UTO");
	assert_date(&m.birth, 1974, 8, 12);
	assert_int_equal(m.sex, 'F');
	assert_date(&m.expiry, 2012, 4, 15);
	assert_string_equal(m.optional1, "ZE184226B");
	assert_string_equal(m.optional2, "");
	assert_string_equal(m.surname, "ERIKSSON");
	assert_string_equal(m.given_names, "ANNA MARIA");
	assert_all_checks_ok(&m, 5);
	assert_int_equal(check(&m, "document number")->expected, '6');
	assert_int_equal(check(&m, "date of birth")->expected, '2');
	assert_int_equal(check(&m, "date of expiry")->expected, '9');
	assert_int_equal(check(&m, "optional data")->expected, '1');
	assert_int_equal(check(&m, "composite")->expected, '0');
}

/* A Vietnamese citizen ID card's TD1, as tests/gen-samples writes it: the
 * last 9 digits of the citizen number as the document number, the whole
 * number as optional data. */
static void build_vn_td1(const char *id12, const char *dob, char sex,
			 const char *expiry, const char *names, char l[3][31])
{
	char buf[64];

	for (int i = 0; i < 3; i++) {
		memset(l[i], '<', 30);
		l[i][30] = '\0';
	}
	memcpy(l[0], "IDVNM", 5);
	memcpy(l[0] + 5, id12 + 3, 9);
	l[0][14] = digit(id12 + 3, 9);
	memcpy(l[0] + 15, id12, 12);
	memcpy(l[1], dob, 6);
	l[1][6] = digit(dob, 6);
	l[1][7] = sex;
	memcpy(l[1] + 8, expiry, 6);
	l[1][14] = digit(expiry, 6);
	memcpy(l[1] + 15, "VNM", 3);
	memcpy(buf, l[0] + 5, 25);
	memcpy(buf + 25, l[1], 7);
	memcpy(buf + 32, l[1] + 8, 7);
	memcpy(buf + 39, l[1] + 18, 11);
	l[1][29] = digit(buf, 50);
	memcpy(l[2], names, strlen(names));
}

static void test_vietnamese_td1(void **state)
{
	char l[3][31];
	struct cc_mrz m;

	(void)state;
	build_vn_td1("001190012345", "900315", 'F', "300315",
		     "NGUYEN<<THI<THU<HUONG", l);
	for (int i = 0; i < 3; i++)
		assert_string_equal(l[i], td1_vn[i]);

	assert_int_equal(parse(td1_vn, 3, &m), CC_OK);
	assert_string_equal(m.doc_code, "ID");
	assert_string_equal(m.issuer, "VNM");
	assert_string_equal(m.number, "190012345");
	assert_string_equal(m.optional1, "001190012345");
	assert_date(&m.birth, 1990, 3, 15);
	assert_int_equal(m.sex, 'F');
	assert_date(&m.expiry, 2030, 3, 15);
	assert_string_equal(m.nationality, "VNM");
	assert_string_equal(m.surname, "NGUYEN");
	assert_string_equal(m.given_names, "THI THU HUONG");
	assert_all_checks_ok(&m, 4);

	/* A man born in 2004, a card valid until 2029. */
	build_vn_td1("079204001234", "040229", 'M', "290229", "TRAN<<VAN<AN",
		     l);
	assert_int_equal(parse3(l, &m), CC_OK);
	assert_string_equal(m.number, "204001234");
	assert_date(&m.birth, 2004, 2, 29);
	/* 2029 has no 29 February: check digits right, date wrong. */
	for (int i = 0; i < m.nchecks; i++)
		assert_true(m.checks[i].ok);
	assert_string_equal(m.malformed, "date of expiry");
	assert_int_equal(m.expiry.year, 0);
	assert_false(m.valid);
	build_vn_td1("079204001234", "040229", 'M', "440229", "TRAN<<VAN<AN",
		     l);
	assert_int_equal(parse3(l, &m), CC_OK);
	assert_all_checks_ok(&m, 4);
	assert_int_equal(m.sex, 'M');
	assert_date(&m.expiry, 2044, 2, 29);
	assert_string_equal(m.surname, "TRAN");
	assert_string_equal(m.given_names, "VAN AN");
}

struct check_pos {
	int line, col; /* from 0 */
	const char *name;
};

/* Every wrong digit in every check digit position fails that check and
 * the composite (which covers every other check digit), nothing else. */
static void corrupt_each(const char *const *base, int nlines,
			 const struct check_pos *pos, int npos)
{
	for (int p = 0; p < npos; p++)
		for (char d = '0'; d <= '9'; d++) {
			char l[3][45];
			const char *lines[3] = {l[0], l[1], l[2]};
			struct cc_mrz m;
			const struct cc_mrz_check *c;
			char orig = base[pos[p].line][pos[p].col];

			if (d == orig)
				continue;
			for (int i = 0; i < nlines; i++)
				snprintf(l[i], sizeof(l[i]), "%s", base[i]);
			l[pos[p].line][pos[p].col] = d;
			assert_int_equal(parse(lines, nlines, &m), CC_OK);
			assert_false(m.valid);
			assert_null(m.malformed);
			c = check(&m, pos[p].name);
			assert_false(c->ok);
			assert_int_equal(c->expected, d);
			assert_int_equal(c->computed, orig);
			for (int i = 0; i < m.nchecks; i++) {
				int hit = strcmp(m.checks[i].name,
						 pos[p].name) == 0 ||
					  strcmp(m.checks[i].name,
						 "composite") == 0;

				assert_int_equal(m.checks[i].ok, !hit);
			}
		}
}

static void test_each_check_digit_corrupted(void **state)
{
	static const struct check_pos td1[] = {
		{0, 14, "document number"},
		{1, 6, "date of birth"},
		{1, 14, "date of expiry"},
		{1, 29, "composite"},
	};
	static const struct check_pos td3[] = {
		{1, 9, "document number"}, {1, 19, "date of birth"},
		{1, 27, "date of expiry"}, {1, 42, "optional data"},
		{1, 43, "composite"},
	};

	(void)state;
	corrupt_each(td1_icao, 3, td1, 4);
	corrupt_each(td1_vn, 3, td1, 4);
	corrupt_each(td3_icao, 2, td3, 5);
}

/* What the format allows in each position, independently of mrz.c:
 * D digits only, A letters only (names included), X either. */
static const char *const class_td1[3] = {
	"AAAAA"
	"XXXXXXXXX"
	"D"
	"XXXXXXXXXXXXXXX",
	"DDDDDDD"
	"A"
	"DDDDDDD"
	"AAA"
	"XXXXXXXXXXX"
	"D",
	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
};
static const char *const class_td3[2] = {
	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	"XXXXXXXXX"
	"D"
	"AAA"
	"DDDDDDD"
	"A"
	"DDDDDDD"
	"XXXXXXXXXXXXXX"
	"DD",
};

static void repair_each_position(const char *base, int type, int lineno,
				 const char *cls)
{
	static const char *const to_digit[] = {"O0", "Q0", "D0", "I1", "L1",
					       "B8", "S5", "Z2", "G6", "T7"};
	static const char *const to_letter[] = {"0O", "1I", "8B",
						"5S", "2Z", "6G"};
	size_t len = strlen(base);
	char l[64];

	assert_int_equal(strlen(cls), len);
	snprintf(l, sizeof(l), "%s", base);
	assert_int_equal(cc_mrz_repair(l, type, lineno), 0);
	for (size_t pos = 0; pos < len; pos++) {
		for (size_t k = 0; k < 10; k++) {
			int fixes = cls[pos] == 'D';

			snprintf(l, sizeof(l), "%s", base);
			l[pos] = to_digit[k][0];
			assert_int_equal(cc_mrz_repair(l, type, lineno), fixes);
			assert_int_equal(l[pos], to_digit[k][fixes]);
			l[pos] = base[pos];
			assert_string_equal(l, base);
		}
		for (size_t k = 0; k < 6; k++) {
			int fixes = cls[pos] == 'A';

			snprintf(l, sizeof(l), "%s", base);
			l[pos] = to_letter[k][0];
			assert_int_equal(cc_mrz_repair(l, type, lineno), fixes);
			assert_int_equal(l[pos], to_letter[k][fixes]);
			l[pos] = base[pos];
			assert_string_equal(l, base);
		}
	}
}

static void test_repair_by_position(void **state)
{
	(void)state;
	for (int i = 0; i < 3; i++) {
		repair_each_position(td1_icao[i], CC_MRZ_TD1, i + 1,
				     class_td1[i]);
		repair_each_position(td1_vn[i], CC_MRZ_TD1, i + 1,
				     class_td1[i]);
	}
	for (int i = 0; i < 2; i++)
		repair_each_position(td3_icao[i], CC_MRZ_TD3, i + 1,
				     class_td3[i]);
}

static void test_repair_ocr_lines(void **state)
{
	char l[3][64];
	const char *lines[3] = {l[0], l[1], l[2]};
	struct cc_mrz m;

	(void)state;
	/* Letters in the dates and a zero in the nationality. */
	snprintf(l[0], sizeof(l[0]), "i<uto D23145890 7<<<<<<<<<<<<<<<");
	snprintf(l[1], sizeof(l[1]), "74O8I22F12O4I59UT0<<<<<<<<<<<6");
	snprintf(l[2], sizeof(l[2]), "ERIK55ON<<ANNA<MAR1A<<<<<<<<");
	assert_int_equal(cc_mrz_repair(l[0], CC_MRZ_TD1, 1), 6);
	assert_int_equal(cc_mrz_repair(l[1], CC_MRZ_TD1, 2), 5);
	assert_int_equal(cc_mrz_repair(l[2], CC_MRZ_TD1, 3), 5);
	for (int i = 0; i < 3; i++)
		assert_string_equal(l[i], td1_icao[i]);
	assert_int_equal(parse(lines, 3, &m), CC_OK);
	assert_true(m.valid);

	/* The D of the document number and the O of a name are what they
	 * are: no digits are expected there. */
	snprintf(l[0], sizeof(l[0]), "%s", td3_icao[0]);
	memcpy(l[0] + 5, "OLSSON", 6);
	assert_int_equal(cc_mrz_repair(l[0], CC_MRZ_TD3, 1), 0);
	assert_non_null(strstr(l[0], "OLSSON"));
	snprintf(l[0], sizeof(l[0]), "%s", td1_vn[2]);
	assert_int_equal(cc_mrz_repair(l[0], CC_MRZ_TD1, 3), 0);
	assert_string_equal(l[0], td1_vn[2]);

	/* TD3 line 2 with spaces and lower case. */
	snprintf(l[0], sizeof(l[0]),
		 "l898902c3 6 UT0 74O8122 F 12O4159 ze184226b <<<<< I O");
	assert_int_equal(cc_mrz_repair(l[0], CC_MRZ_TD3, 2), 19);
	assert_string_equal(l[0], td3_icao[1]);
}

static void test_repair_filler_k(void **state)
{
	static const struct {
		int type, lineno;
		const char *in, *out;
	} cases[] = {
		/* <K< anywhere */
		{CC_MRZ_TD1, 3, "ERIKSSON<<ANNA<MARIA<<<K<<<<<<",
		 "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"},
		{CC_MRZ_TD1, 1, "I<UTOD231458907<<<<K<<<<<<K<<<",
		 "I<UTOD231458907<<<<<<<<<<<<<<<"},
		{CC_MRZ_TD1, 2, "7408122F1204159UTO<<K<<<<<<<<6",
		 "7408122F1204159UTO<<<<<<<<<<<6"},
		{CC_MRZ_TD3, 2, "L898902C36UTO7408122F1204159ZE184226B<K<<<10",
		 "L898902C36UTO7408122F1204159ZE184226B<<<<<10"},
		/* K at the end of a name field, in its trailing filler */
		{CC_MRZ_TD1, 3, "ERIKSSON<<ANNA<MARIA<<<<<<<<KK",
		 "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"},
		{CC_MRZ_TD1, 3, "ERIKSSON<<ANNA<MARIA<<<<<<<<<K",
		 "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"},
		{CC_MRZ_TD3, 1, "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<KK<K<<<K",
		 "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"},
		/* K that ends or is part of a name stays */
		{CC_MRZ_TD1, 3, "ERIKSSON<<ANNA<MARIK<<<<<<<<<<",
		 "ERIKSSON<<ANNA<MARIK<<<<<<<<<<"},
		{CC_MRZ_TD1, 3, "KIM<<KHA<KIEU<<<<<<<<<<<<<<<<<",
		 "KIM<<KHA<KIEU<<<<<<<<<<<<<<<<<"},
		{CC_MRZ_TD3, 1, "P<KORKIM<<KYUNG<MIK<<<<<<<<<<<<<<<<<<<<<<<<<",
		 "P<KORKIM<<KYUNG<MIK<<<<<<<<<<<<<<<<<<<<<<<<<"},
		/* outside names, "<KK<" is not filler */
		{CC_MRZ_TD1, 2, "7408122F1204159UTO<<KK<<<<<<<6",
		 "7408122F1204159UTO<<KK<<<<<<<6"},
	};
	char l[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n;

		snprintf(l, sizeof(l), "%s", cases[i].in);
		n = cc_mrz_repair(l, cases[i].type, cases[i].lineno);
		assert_string_equal(l, cases[i].out);
		if (strcmp(cases[i].in, cases[i].out) == 0)
			assert_int_equal(n, 0);
		else
			assert_true(n > 0);
		/* A second pass changes nothing. */
		assert_int_equal(
			cc_mrz_repair(l, cases[i].type, cases[i].lineno), 0);
	}
}

static void test_repair_lengths_and_arguments(void **state)
{
	char l[64];
	struct cc_mrz m;
	struct cc_error err = {0, ""};
	const char *lines[3] = {td1_icao[0], td1_icao[1], l};

	(void)state;
	/* Two missing '<' at the end are put back ... */
	snprintf(l, sizeof(l), "ERIKSSON<<ANNA<MARIA<<<<<<<<");
	assert_int_equal(cc_mrz_repair(l, CC_MRZ_TD1, 3), 2);
	assert_string_equal(l, td1_icao[2]);
	assert_int_equal(parse(lines, 3, &m), CC_OK);
	assert_true(m.valid);
	/* ... three are not, and the parser refuses the line. */
	snprintf(l, sizeof(l), "ERIKSSON<<ANNA<MARIA<<<<<<<");
	assert_int_equal(cc_mrz_repair(l, CC_MRZ_TD1, 3), 0);
	assert_int_equal(strlen(l), 27);
	assert_int_equal(cc_mrz_parse(lines, 3, &today, &m, &err), CC_INPUT);
	assert_non_null(strstr(err.msg, "line 3 has 27 characters"));
	/* A line too long is the parser's business too. */
	snprintf(l, sizeof(l), "ERIKSSON<<ANNA<MARIA<<<<<<<<<<<");
	assert_int_equal(cc_mrz_repair(l, CC_MRZ_TD1, 3), 0);
	assert_int_equal(strlen(l), 31);
	assert_int_equal(cc_mrz_parse(lines, 3, &today, &m, &err), CC_INPUT);
	/* Padding counts after spaces are removed. */
	snprintf(l, sizeof(l), "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<< < <");
	assert_int_equal(cc_mrz_repair(l, CC_MRZ_TD3, 1), 4);
	assert_string_equal(l, td3_icao[0]);
	/* The composite dropped: filled with '<', which fails its check. */
	snprintf(l, sizeof(l), "7408122F1204159UTO<<<<<<<<<<<");
	assert_int_equal(cc_mrz_repair(l, CC_MRZ_TD1, 2), 1);
	lines[1] = l;
	lines[2] = td1_icao[2];
	assert_int_equal(parse(lines, 3, &m), CC_OK);
	assert_false(m.valid);
	assert_false(check(&m, "composite")->ok);
	assert_int_equal(check(&m, "composite")->expected, '<');

	snprintf(l, sizeof(l), "%s", td1_icao[0]);
	assert_int_equal(cc_mrz_repair(l, 2, 1), -1);
	assert_int_equal(cc_mrz_repair(l, CC_MRZ_TD1, 0), -1);
	assert_int_equal(cc_mrz_repair(l, CC_MRZ_TD1, 4), -1);
	assert_int_equal(cc_mrz_repair(l, CC_MRZ_TD3, 3), -1);
	assert_int_equal(cc_mrz_repair(NULL, CC_MRZ_TD1, 1), -1);
	assert_string_equal(l, td1_icao[0]);
	l[0] = '\0';
	assert_int_equal(cc_mrz_repair(l, CC_MRZ_TD1, 1), 0);
	assert_string_equal(l, "");
}

static void test_long_document_number(void **state)
{
	char l[3][31];
	struct cc_mrz m;
	const struct cc_mrz_check *c;

	(void)state;
	/* ICAO 9303-5: number D23145890734, check digit 9, in the optional
	 * data after the '<' in position 15. */
	copy3(l, td1_icao);
	snprintf(l[0], sizeof(l[0]), "I<UTOD23145890<7349<<<<<<<<<<<");
	assert_int_equal(parse3(l, &m), CC_OK);
	assert_string_equal(m.number, "D23145890734");
	assert_string_equal(m.optional1, "");
	c = check(&m, "document number");
	assert_int_equal(c->expected, '9');
	assert_true(c->ok);
	assert_all_checks_ok(&m, 4);

	/* Optional data after the number's check digit. */
	snprintf(l[0], sizeof(l[0]), "I<UTOD23145890<7349<XYZ12<<<<<");
	fix_td1_composite(l);
	assert_int_equal(parse3(l, &m), CC_OK);
	assert_string_equal(m.number, "D23145890734");
	assert_string_equal(m.optional1, "XYZ12");
	assert_all_checks_ok(&m, 4);

	/* A wrong check digit of a long number is the number's failure. */
	l[0][18] = '8';
	assert_int_equal(parse3(l, &m), CC_OK);
	c = check(&m, "document number");
	assert_false(c->ok);
	assert_int_equal(c->expected, '8');
	assert_int_equal(c->computed, '9');
	assert_false(m.valid);

	/* The number running to the end of the line. */
	snprintf(l[0], sizeof(l[0]), "I<UTOD23145890<12345678901234X");
	l[0][29] = digit("D2314589012345678901234", 23);
	fix_td1_composite(l);
	assert_int_equal(parse3(l, &m), CC_OK);
	assert_string_equal(m.number, "D2314589012345678901234");
	assert_true(check(&m, "document number")->ok);
	assert_string_equal(m.optional1, "");
	assert_true(m.valid);

	/* '<' in 15 and 16: not a long number, just a missing check digit. */
	snprintf(l[0], sizeof(l[0]), "I<UTOD23145890<<<<<<<<<<<<<<<<");
	assert_int_equal(parse3(l, &m), CC_OK);
	assert_string_equal(m.number, "D23145890");
	c = check(&m, "document number");
	assert_false(c->ok);
	assert_int_equal(c->expected, '<');
}

static void test_malformed_fields(void **state)
{
	char l[3][31], p[2][45];
	struct cc_mrz m;

	(void)state;
	/* Neither the sex nor the nationality is under a check digit. */
	copy3(l, td1_icao);
	l[1][7] = 'Q';
	assert_int_equal(parse3(l, &m), CC_OK);
	assert_false(m.valid);
	assert_string_equal(m.malformed, "sex");
	for (int i = 0; i < m.nchecks; i++)
		assert_true(m.checks[i].ok);

	copy3(l, td1_icao);
	memcpy(l[1] + 15, "U2O", 3);
	assert_int_equal(parse3(l, &m), CC_OK);
	assert_string_equal(m.malformed, "nationality");

	/* Germany's code is "D<<"; an unspecified sex is '<' or 'X'. */
	copy3(l, td1_icao);
	memcpy(l[0] + 2, "D<<", 3);
	memcpy(l[1] + 15, "D<<", 3);
	l[1][7] = '<';
	assert_int_equal(parse3(l, &m), CC_OK);
	assert_true(m.valid);
	assert_string_equal(m.issuer, "D<<");
	l[1][7] = 'X';
	assert_int_equal(parse3(l, &m), CC_OK);
	assert_true(m.valid);

	copy3(l, td1_icao);
	memcpy(l[0], "1<", 2);
	assert_int_equal(parse3(l, &m), CC_OK);
	assert_string_equal(m.malformed, "document code");
	copy3(l, td1_icao);
	memcpy(l[0] + 2, "<UT", 3);
	assert_int_equal(parse3(l, &m), CC_OK);
	assert_string_equal(m.malformed, "issuing state");

	/* Check digits right, dates impossible. */
	copy3(l, td1_icao);
	memcpy(l[1], "741312", 6);
	fix_td1(l);
	assert_int_equal(parse3(l, &m), CC_OK);
	assert_string_equal(m.malformed, "date of birth");
	assert_string_equal(m.birth_raw, "741312");
	assert_int_equal(m.birth.year, 0);
	for (int i = 0; i < m.nchecks; i++)
		assert_true(m.checks[i].ok);
	assert_false(m.valid);
	copy3(l, td1_icao);
	memcpy(l[1] + 8, "120231", 6);
	fix_td1(l);
	assert_int_equal(parse3(l, &m), CC_OK);
	assert_string_equal(m.malformed, "date of expiry");

	/* The first malformed field in reading order is named. */
	copy3(l, td1_icao);
	l[1][7] = 'Q';
	memcpy(l[2], "ERIKSS0N", 8);
	assert_int_equal(parse3(l, &m), CC_OK);
	assert_string_equal(m.malformed, "sex");
	l[1][7] = 'F';
	assert_int_equal(parse3(l, &m), CC_OK);
	assert_string_equal(m.malformed, "name");
	assert_true(check(&m, "composite")->ok);

	copy3(l, td1_icao);
	snprintf(l[2], sizeof(l[2]), "<<ANNA<MARIA<<<<<<<<<<<<<<<<<<");
	assert_int_equal(parse3(l, &m), CC_OK);
	assert_string_equal(m.malformed, "name");
	assert_string_equal(m.given_names, "ANNA MARIA");

	/* No document number at all, though its check digit holds. */
	copy3(l, td1_icao);
	snprintf(l[0], sizeof(l[0]), "I<UTO<<<<<<<<<<<<<<<<<<<<<<<<<");
	fix_td1(l);
	assert_int_equal(parse3(l, &m), CC_OK);
	assert_string_equal(m.malformed, "document number");

	/* A surname of several parts, no given names. */
	copy3(l, td1_icao);
	snprintf(l[2], sizeof(l[2]), "VAN<DER<BERG<<<<<<<<<<<<<<<<<<");
	assert_int_equal(parse3(l, &m), CC_OK);
	assert_true(m.valid);
	assert_string_equal(m.surname, "VAN DER BERG");
	assert_string_equal(m.given_names, "");

	/* TD3: an unused personal number may have '<' or 0 as check. */
	copy2(p, td3_icao);
	memcpy(p[1] + 28, "<<<<<<<<<<<<<<", 14);
	p[1][42] = '<';
	fix_td3(p);
	assert_int_equal(parse2(p, &m), CC_OK);
	assert_true(m.valid);
	assert_int_equal(check(&m, "optional data")->expected, '<');
	assert_string_equal(m.optional1, "");
	p[1][42] = '0';
	fix_td3(p);
	assert_int_equal(parse2(p, &m), CC_OK);
	assert_true(m.valid);
	p[1][42] = '1';
	assert_int_equal(parse2(p, &m), CC_OK);
	assert_false(check(&m, "optional data")->ok);
	/* A used one may not. */
	copy2(p, td3_icao);
	p[1][42] = '<';
	fix_td3(p);
	assert_int_equal(parse2(p, &m), CC_OK);
	assert_false(check(&m, "optional data")->ok);
	assert_true(check(&m, "composite")->ok);
}

static void test_not_an_mrz(void **state)
{
	struct cc_error err = {0, ""};
	struct cc_mrz m;
	char l[3][64];
	const char *lines[4] = {l[0], l[1], l[2], td1_icao[0]};

	(void)state;
	assert_int_equal(cc_mrz_parse(td1_icao, 1, &today, &m, &err), CC_INPUT);
	assert_non_null(strstr(err.msg, "not an MRZ"));
	assert_int_equal(cc_mrz_parse(lines, 4, &today, &m, &err), CC_INPUT);
	assert_int_equal(cc_mrz_parse(NULL, 3, &today, &m, &err), CC_INPUT);
	/* TD1 lines are not TD3 lines. */
	assert_int_equal(cc_mrz_parse(td1_icao, 2, &today, &m, &err), CC_INPUT);
	assert_non_null(
		strstr(err.msg, "line 1 has 30 characters, expected 44"));

	for (int i = 0; i < 3; i++)
		snprintf(l[i], sizeof(l[i]), "%s", td1_icao[i]);
	l[1][29] = '\0';
	assert_int_equal(cc_mrz_parse(lines, 3, &today, &m, &err), CC_INPUT);
	assert_non_null(strstr(err.msg, "line 2 has 29 characters"));
	snprintf(l[1], sizeof(l[1]), "%s<", td1_icao[1]);
	assert_int_equal(cc_mrz_parse(lines, 3, &today, &m, &err), CC_INPUT);
	assert_non_null(strstr(err.msg, "line 2 has more than 30"));
	snprintf(l[1], sizeof(l[1]), "%s", td1_icao[1]);

	/* Characters outside [0-9A-Z<], before any repair. */
	l[2][3] = 'k';
	assert_int_equal(cc_mrz_parse(lines, 3, &today, &m, &err), CC_INPUT);
	assert_non_null(strstr(err.msg, "line 3, position 4"));
	l[2][3] = ' ';
	assert_int_equal(cc_mrz_parse(lines, 3, &today, &m, &err), CC_INPUT);
	l[2][3] = (char)0xAB;
	assert_int_equal(cc_mrz_parse(lines, 3, &today, &m, &err), CC_INPUT);
	l[2][3] = 'K';
	assert_int_equal(cc_mrz_parse(lines, 3, &today, &m, &err), CC_OK);
	lines[1] = NULL;
	assert_int_equal(cc_mrz_parse(lines, 3, &today, &m, &err), CC_INPUT);

	/* A reference date that does not exist is the caller's mistake. */
	assert_int_equal(cc_mrz_parse(td1_icao, 3,
				      &(struct cc_date){2025, 2, 29}, &m, &err),
			 CC_USAGE);
	/* No reference date: today's. */
	assert_int_equal(cc_mrz_parse(td1_icao, 3, NULL, &m, &err), CC_OK);
	assert_true(m.valid);
	assert_date(&m.birth, 1974, 8, 12);
}

static void test_find(void **state)
{
	char out[3][45];
	int n = -1;
	const char *idcard = "Đặc điểm nhân dạng / Personal identification:\n"
			     "Nốt ruồi C:1cm dưới sau cánh\n"
			     "CỤC TRƯỞNG CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH\n"
			     "Ngón trỏ trái Left index finger\n"
			     "\n"
			     "IDVNM 190012345 7 001190012345 <<<\n"
			     "\n"
			     "  9003152F 3003150 VNM<<<<<<<<<<< 4\n"
			     "NGUYEN<<THI<THU<HUONG<<<<<<<<<   \n"
			     "Right index finger\n";
	const char *passport =
		"HO CHIEU / PASSPORT\r\n"
		"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\r\n"
		"L898902C36UTO7408122F1204159ZE184226B<<<<<10\r\n";

	(void)state;
	assert_int_equal(cc_mrz_find(idcard, out, &n), 1);
	assert_int_equal(n, 3);
	for (int i = 0; i < 3; i++)
		assert_string_equal(out[i], td1_vn[i]);

	assert_int_equal(cc_mrz_find(passport, out, &n), 1);
	assert_int_equal(n, 2);
	assert_string_equal(out[0], td3_icao[0]);
	assert_string_equal(out[1], td3_icao[1]);
	assert_string_equal(out[2], "");

	/* Nothing like an MRZ. */
	assert_int_equal(cc_mrz_find("Căn cước công dân\nCitizen Identity Card",
				     out, &n),
			 0);
	assert_int_equal(n, 0);
	assert_string_equal(out[0], "");
	assert_int_equal(cc_mrz_find("", out, &n), 0);
	assert_int_equal(cc_mrz_find(NULL, out, &n), 0);
	/* Lines that look right but hold no filler at all. */
	assert_int_equal(cc_mrz_find("123456789012345678901234567890\n"
				     "123456789012345678901234567890\n"
				     "123456789012345678901234567890\n",
				     out, &n),
			 0);
	/* A junk line inside the zone breaks it. */
	assert_int_equal(cc_mrz_find("I<UTOD231458907<<<<<<<<<<<<<<<\n"
				     "Left index finger\n"
				     "7408122F1204159UTO<<<<<<<<<<<6\n"
				     "ERIKSSON<<ANNA<MARIA<<<<<<<<<<\n",
				     out, &n),
			 0);
}

/* What the page's own OCR pass makes of a zone on a photo or an odd print:
 * a speck before a line, a guillemet for the filler, a filler read twice. */
static void test_find_and_repair_misreadings(void **state)
{
	char out[3][45], l[64];
	int n = -1;

	(void)state;
	/* A speck read as "ö" before line 2, guillemets at the end of line 3
	 * (U+00AB) and inside it (U+2039). */
	assert_int_equal(cc_mrz_find("IDVNM1900123457001190012345<<<\n"
				     "\xc3\xb6"
				     "9003152F3003150VNM<<<<<<<<<<<4\n"
				     "NGUYEN<<THI<THU<HUONG<<<<<<"
				     "\xe2\x80\xb9<<\xc2\xab\n",
				     out, &n),
			 1);
	assert_int_equal(n, 3);
	for (int i = 0; i < 3; i++)
		assert_string_equal(out[i], td1_vn[i]);
	/* The line's first character misread as a mark is not a speck: it is
	 * kept, for the parser to refuse. */
	assert_int_equal(cc_mrz_find("IDVNM1900123457001190012345<<<\n"
				     "\xc3\xb6"
				     "003152F3003150VNM<<<<<<<<<<<4\n"
				     "NGUYEN<<THI<THU<HUONG<<<<<<<<<\n",
				     out, &n),
			 1);
	assert_string_equal(out[1], "\xc3\xb6"
				    "003152F3003150VNM<<<<<<<<<<<4");

	/* A 'K' inside the filler, a character too many: dropped; two of
	 * them, two too many: both. */
	snprintf(l, sizeof(l), "9003152F3003150VNM<<<K<<<<<<<<4");
	assert_int_equal(cc_mrz_repair(l, CC_MRZ_TD1, 2), 1);
	assert_string_equal(l, td1_vn[1]);
	snprintf(l, sizeof(l), "9003152F3003150VNM<K<<<<K<<<<<<4");
	assert_int_equal(cc_mrz_repair(l, CC_MRZ_TD1, 2), 2);
	assert_string_equal(l, td1_vn[1]);
	/* Any other character too many is the parser's to judge. */
	snprintf(l, sizeof(l), "9003152F3003150VNM<<<<<<<<<<<<4");
	assert_int_equal(cc_mrz_repair(l, CC_MRZ_TD1, 2), 0);
	assert_int_equal(strlen(l), 31);
	/* Three too many are left as they are (the K turned to '<'). */
	snprintf(l, sizeof(l), "9003152F3003150VNM<<<K<<<<<<<<<<4");
	assert_int_equal(cc_mrz_repair(l, CC_MRZ_TD1, 2), 1);
	assert_int_equal(strlen(l), 33);
	/* A second repair changes nothing. */
	snprintf(l, sizeof(l), "%s", td1_vn[1]);
	assert_int_equal(cc_mrz_repair(l, CC_MRZ_TD1, 2), 0);
}

static void test_find_picks_the_last_block(void **state)
{
	char out[3][45];
	int n = -1;

	(void)state;
	/* Four lines of 30: the last three. */
	assert_int_equal(cc_mrz_find("<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<\n"
				     "I<UTOD231458907<<<<<<<<<<<<<<<\n"
				     "7408122F1204159UTO<<<<<<<<<<<6\n"
				     "ERIKSSON<<ANNA<MARIA<<<<<<<<<<\n",
				     out, &n),
			 1);
	assert_int_equal(n, 3);
	assert_string_equal(out[0], td1_icao[0]);
	assert_string_equal(out[2], td1_icao[2]);

	/* A passport, then an ID card: the ID card. */
	assert_int_equal(
		cc_mrz_find("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
			    "L898902C36UTO7408122F1204159ZE184226B<<<<<10\n"
			    "some text between\n"
			    "IDVNM1900123457001190012345<<<\n"
			    "9003152F3003150VNM<<<<<<<<<<<4\n"
			    "NGUYEN<<THI<THU<HUONG<<<<<<<<<\n"
			    "short\n",
			    out, &n),
		1);
	assert_int_equal(n, 3);
	assert_string_equal(out[1], td1_vn[1]);

	/* Extra filler read at the end of a TD3 line is dropped; a TD1
	 * line short of filler is returned for cc_mrz_repair to pad. */
	assert_int_equal(
		cc_mrz_find("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<<<\n"
			    "l898902c36uto7408122f1204159ze184226b<<<<<10\n",
			    out, &n),
		1);
	assert_int_equal(n, 2);
	assert_string_equal(out[0], td3_icao[0]);
	assert_string_equal(out[1], td3_icao[1]);
	assert_int_equal(cc_mrz_find("I<UTOD231458907<<<<<<<<<<<<<<<\n"
				     "7408122F1204159UTO<<<<<<<<<<<6\n"
				     "ERIKSSON<<ANNA<MARIA<<<<<<<<\n",
				     out, &n),
			 1);
	assert_string_equal(out[2], "ERIKSSON<<ANNA<MARIA<<<<<<<<");

	/* At most 10 % of the characters may be foreign: 3 of 30 pass, 4
	 * do not. */
	assert_int_equal(cc_mrz_find("I<UTOD231458907<<<<<<<<<<<<***\n"
				     "7408122F1204159UTO<<<<<<<<<<<6\n"
				     "ERIKSSON<<ANNA<MARIA<<<<<<<<<<\n",
				     out, &n),
			 1);
	assert_int_equal(cc_mrz_find("I<UTOD231458907<<<<<<<<<<<****\n"
				     "7408122F1204159UTO<<<<<<<<<<<6\n"
				     "ERIKSSON<<ANNA<MARIA<<<<<<<<<<\n",
				     out, &n),
			 0);
}

/* OCR text to a valid MRZ: find, repair, parse. */
static void test_find_repair_parse(void **state)
{
	char out[3][45];
	const char *lines[3] = {out[0], out[1], out[2]};
	int n = -1;
	struct cc_mrz m;

	(void)state;
	assert_int_equal(cc_mrz_find("CAN CUOC CONG DAN\n"
				     "i<uto d23145890 7 <<<<<<<<<<<<<<<\n"
				     "74O8I22F 12O4I59 UT0 <<<<<<<<<<< 6\n"
				     "ERIK55ON<<ANNA<MARIA<<<<<<<<K\n"
				     "\n",
				     out, &n),
			 1);
	assert_int_equal(n, 3);
	assert_int_equal(cc_mrz_repair(out[0], CC_MRZ_TD1, 1), 0);
	assert_int_equal(cc_mrz_repair(out[1], CC_MRZ_TD1, 2), 5);
	/* 55 -> SS, one '<' added, the K read for '<' */
	assert_int_equal(cc_mrz_repair(out[2], CC_MRZ_TD1, 3), 4);
	for (int i = 0; i < n; i++)
		assert_string_equal(out[i], td1_icao[i]);
	assert_int_equal(parse(lines, n, &m), CC_OK);
	assert_true(m.valid);
	assert_string_equal(m.surname, "ERIKSSON");
	assert_string_equal(m.given_names, "ANNA MARIA");
}

/* The committed samples of tests/gen-samples, when they are here (the
 * tests run from the top of the source tree). */
static json_t *load_sample(const char *name)
{
	char path[256];
	json_error_t jerr;

	snprintf(path, sizeof(path), "testdata/samples/%s.json", name);
	return json_load_file(path, 0, &jerr);
}

static int sample_mrz(json_t *root, char l[3][31])
{
	json_t *mrz = json_object_get(root, "mrz");

	if (!json_is_array(mrz) || json_array_size(mrz) != 3)
		return -1;
	for (size_t i = 0; i < 3; i++) {
		const char *s = json_string_value(json_array_get(mrz, i));

		if (!s || strlen(s) != 30)
			return -1;
		memcpy(l[i], s, 31);
	}
	return 0;
}

static void test_samples(void **state)
{
	json_t *root = load_sample("idcard-back"), *bad;
	char l[3][31];
	struct cc_mrz m;
	const char *id;

	(void)state;
	if (!root) {
		print_message("testdata/samples/idcard-back.json not found\n");
		skip();
	}
	assert_int_equal(sample_mrz(root, l), 0);
	assert_int_equal(parse3(l, &m), CC_OK);
	assert_all_checks_ok(&m, 4);
	id = json_string_value(
		json_object_get(json_object_get(root, "fields"), "id_number"));
	assert_non_null(id);
	assert_string_equal(m.optional1, id);
	assert_string_equal(m.number, id + 3);
	json_decref(root);

	bad = load_sample("idcard-back-bad-check");
	if (!bad)
		return;
	assert_int_equal(sample_mrz(bad, l), 0);
	assert_int_equal(parse3(l, &m), CC_OK);
	assert_false(m.valid);
	assert_false(check(&m, "date of birth")->ok);
	assert_true(check(&m, "document number")->ok);
	assert_true(check(&m, "date of expiry")->ok);
	json_decref(bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_digit),
		cmocka_unit_test(test_td1_specimen),
		cmocka_unit_test(test_td3_specimen),
		cmocka_unit_test(test_vietnamese_td1),
		cmocka_unit_test(test_each_check_digit_corrupted),
		cmocka_unit_test(test_repair_by_position),
		cmocka_unit_test(test_repair_ocr_lines),
		cmocka_unit_test(test_repair_filler_k),
		cmocka_unit_test(test_repair_lengths_and_arguments),
		cmocka_unit_test(test_long_document_number),
		cmocka_unit_test(test_malformed_fields),
		cmocka_unit_test(test_not_an_mrz),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_find_picks_the_last_block),
		cmocka_unit_test(test_find_and_repair_misreadings),
		cmocka_unit_test(test_find_repair_parse),
		cmocka_unit_test(test_samples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
