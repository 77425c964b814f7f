/* mrz.c - ICAO 9303 TD1 and TD3 machine-readable zones. */
#include "mrz.h"

#include <string.h>

/* Classes of positions, for the repair: digits only, letters only, names
 * (letters, with the trailing filler rule), or either. */
enum { POS_DIGIT, POS_ALPHA, POS_NAME, POS_ANY };

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_upper(int c)
{
	return c >= 'A' && c <= 'Z';
}

static int is_mrz_char(int c)
{
	return is_digit(c) || is_upper(c) || c == '<';
}

static int is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

int cc_mrz_check_digit(const char *s, size_t n)
{
	static const unsigned weight[3] = {7, 3, 1};
	unsigned sum = 0;

	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];
		unsigned v;

		if (is_digit(c))
			v = (unsigned)(c - '0');
		else if (is_upper(c))
			v = (unsigned)(c - 'A' + 10);
		else if (c == '<')
			v = 0;
		else
			return -1;
		sum = (sum + v * weight[i % 3]) % 10;
	}
	return (int)sum;
}

/* pos counts from 1, as ICAO 9303 does. */
static int pos_class(int type, int lineno, int pos)
{
	if (type == CC_MRZ_TD1) {
		if (lineno == 1)
			return pos <= 5	   ? POS_ALPHA
			       : pos == 15 ? POS_DIGIT
					   : POS_ANY;
		if (lineno == 3)
			return POS_NAME;
		if (pos <= 7 || (pos >= 9 && pos <= 15) || pos == 30)
			return POS_DIGIT;
		if (pos == 8 || (pos >= 16 && pos <= 18))
			return POS_ALPHA;
		return POS_ANY;
	}
	if (lineno == 1)
		return pos <= 5 ? POS_ALPHA : POS_NAME;
	if (pos == 10 || (pos >= 14 && pos <= 20) || (pos >= 22 && pos <= 28) ||
	    pos >= 43)
		return POS_DIGIT;
	if ((pos >= 11 && pos <= 13) || pos == 21)
		return POS_ALPHA;
	return POS_ANY;
}

static int as_digit(int c)
{
	switch (c) {
	case 'O':
	case 'Q':
	case 'D':
		return '0';
	case 'I':
	case 'L':
		return '1';
	case 'Z':
		return '2';
	case 'S':
		return '5';
	case 'G':
		return '6';
	case 'T':
		return '7';
	case 'B':
		return '8';
	default:
		return c;
	}
}

static int as_letter(int c)
{
	switch (c) {
	case '0':
		return 'O';
	case '1':
		return 'I';
	case '2':
		return 'Z';
	case '5':
		return 'S';
	case '6':
		return 'G';
	case '8':
		return 'B';
	default:
		return c;
	}
}

int cc_mrz_repair(char *line, int type, int lineno)
{
	size_t len = 0, want, name_start = 0, name_end;
	int changes = 0, has_name;

	if (!line)
		return -1;
	if (type == CC_MRZ_TD1 && lineno >= 1 && lineno <= 3) {
		want = CC_MRZ_TD1_LEN;
		has_name = lineno == 3;
	} else if (type == CC_MRZ_TD3 && lineno >= 1 && lineno <= 2) {
		want = CC_MRZ_TD3_LEN;
		has_name = lineno == 1;
		name_start = 5;
	} else {
		return -1;
	}

	for (size_t i = 0; line[i]; i++) {
		int c = (unsigned char)line[i];

		if (is_blank(c) || c == '\n' || c == '\r') {
			changes++;
			continue;
		}
		if (c >= 'a' && c <= 'z') {
			c -= 'a' - 'A';
			changes++;
		}
		line[len++] = (char)c;
	}
	line[len] = '\0';

	/* A line too long by a character or two most often holds a filler
	 * read twice, the second time as a 'K' inside a run of '<'
	 * ("<<K<<"): such a K goes. (Only that: the K rules below turn other
	 * K into '<', so a second repair finds nothing more to take.) */
	for (size_t i = 1; len > want && len <= want + 2 && i + 1 < len; i++)
		if (line[i] == 'K' && line[i - 1] == '<' &&
		    line[i + 1] == '<') {
			memmove(line + i, line + i + 1, len - i);
			len--;
			changes++;
		}

	if (len < want && len + 2 >= want) {
		while (len < want) {
			line[len++] = '<';
			changes++;
		}
		line[len] = '\0';
	}

	for (size_t i = 0; i < len && i < want; i++) {
		int c = (unsigned char)line[i], r;

		switch (pos_class(type, lineno, (int)i + 1)) {
		case POS_DIGIT:
			r = as_digit(c);
			break;
		case POS_ALPHA:
		case POS_NAME:
			r = as_letter(c);
			break;
		default:
			r = c;
		}
		if (r != c) {
			line[i] = (char)r;
			changes++;
		}
	}

	/* The trailing filler of a name field: a run of '<' and 'K' at its
	 * end; a K before the run's first '<' may end a name ("ERIK"). */
	name_end = len < want ? len : want;
	if (has_name && name_end > name_start) {
		size_t t = name_end;

		while (t > name_start &&
		       (line[t - 1] == '<' || line[t - 1] == 'K'))
			t--;
		while (t < name_end && line[t] != '<')
			t++;
		for (; t < name_end; t++)
			if (line[t] == 'K') {
				line[t] = '<';
				changes++;
			}
	}

	/* After the name rule, which can give a K a '<' neighbour beyond
	 * the field: one pass then suffices (the repair is idempotent). */
	for (size_t i = 1; i + 1 < len; i++)
		if (line[i] == 'K' && line[i - 1] == '<' &&
		    line[i + 1] == '<') {
			line[i] = '<';
			changes++;
		}
	return changes;
}

/* Copies n characters, without trailing '<', into dst of size bytes
 * (n < size by construction of struct cc_mrz). */
static void copy_field(char *dst, size_t size, const char *src, size_t n)
{
	if (n >= size)
		n = size - 1;
	while (n > 0 && src[n - 1] == '<')
		n--;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* A name component: '<' read as a space, runs of them as one, trimmed. */
static void copy_name(char *dst, size_t size, const char *src, size_t n)
{
	size_t j = 0;
	int gap = 0;

	for (size_t i = 0; i < n; i++) {
		if (src[i] == '<') {
			gap = j > 0;
			continue;
		}
		if (gap && j + 1 < size)
			dst[j++] = ' ';
		gap = 0;
		if (j + 1 < size)
			dst[j++] = src[i];
	}
	dst[j] = '\0';
}

static void malformed(struct cc_mrz *m, const char *field)
{
	if (!m->malformed)
		m->malformed = field;
}

static int all_filler(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != '<')
			return 0;
	return 1;
}

/* Adds the check of n characters of s against the character expected. A
 * field of filler only may have '<' for its check digit when filler_ok. */
static void add_check(struct cc_mrz *m, const char *name, const char *s,
		      size_t n, char expected, int filler_ok)
{
	struct cc_mrz_check *c;
	int d = cc_mrz_check_digit(s, n);

	if (m->nchecks >= CC_MRZ_MAX_CHECKS)
		return;
	c = &m->checks[m->nchecks++];
	c->name = name;
	c->expected = expected;
	c->computed = d < 0 ? '?' : (char)('0' + d);
	c->ok = d >= 0 && (expected == c->computed ||
			   (filler_ok && expected == '<' && all_filler(s, n)));
}

/* Document code, issuing state, nationality: letters and filler, starting
 * with a letter. */
static int is_code(const char *s, size_t n)
{
	if (!is_upper((unsigned char)s[0]))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!is_upper((unsigned char)s[i]) && s[i] != '<')
			return 0;
	return 1;
}

static void parse_date(struct cc_mrz *m, char raw[7], struct cc_date *d,
		       const char *s, int kind, const struct cc_date *today,
		       const char *field)
{
	struct cc_error ignored;

	memcpy(raw, s, 6);
	raw[6] = '\0';
	if (cc_date_from_yymmdd(raw, kind, today, d, &ignored) != CC_OK) {
		memset(d, 0, sizeof(*d));
		malformed(m, field);
	}
}

static void parse_names(struct cc_mrz *m, const char *s, size_t n)
{
	size_t split = n;

	for (size_t i = 0; i < n; i++)
		if (!is_upper((unsigned char)s[i]) && s[i] != '<')
			malformed(m, "name");
	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == '<' && s[i + 1] == '<') {
			split = i;
			break;
		}
	copy_name(m->surname, sizeof(m->surname), s, split);
	if (split < n)
		copy_name(m->given_names, sizeof(m->given_names), s + split + 2,
			  n - split - 2);
	if (!m->surname[0])
		malformed(m, "name");
}

static void parse_sex(struct cc_mrz *m, char c)
{
	m->sex = c;
	if (c != 'M' && c != 'F' && c != 'X' && c != '<')
		malformed(m, "sex");
}

/* Document code and issuing state: the first five characters of line 1,
 * the same in TD1 and TD3. */
static void parse_header(struct cc_mrz *m, const char *l1)
{
	memcpy(m->doc_code, l1, 2);
	memcpy(m->issuer, l1 + 2, 3);
	if (!is_code(l1, 2))
		malformed(m, "document code");
	if (!is_code(l1 + 2, 3))
		malformed(m, "issuing state");
}

static void parse_td1(struct cc_mrz *m, const char *l1, const char *l2,
		      const char *l3, const struct cc_date *today)
{
	char buf[64];
	size_t n = 9, rest = 15;
	char expected = l1[14];

	parse_header(m, l1);

	/* ICAO 9303-5 4.2.2: a number longer than 9 characters has '<' in
	 * position 15 and goes on in the optional data, up to the next '<',
	 * its check digit last. */
	memcpy(buf, l1 + 5, 9);
	if (l1[14] == '<' && l1[15] != '<') {
		size_t end = 15;

		while (end < 30 && l1[end] != '<')
			end++;
		memcpy(buf + 9, l1 + 15, end - 16);
		n = 9 + end - 16;
		expected = l1[end - 1];
		rest = end;
	}
	copy_field(m->number, sizeof(m->number), buf, n);
	if (!m->number[0])
		malformed(m, "document number");
	add_check(m, "document number", buf, n, expected, 0);
	while (rest < 30 && l1[rest] == '<')
		rest++;
	copy_field(m->optional1, sizeof(m->optional1), l1 + rest, 30 - rest);

	parse_date(m, m->birth_raw, &m->birth, l2, CC_DATE_BIRTH, today,
		   "date of birth");
	add_check(m, "date of birth", l2, 6, l2[6], 0);
	parse_sex(m, l2[7]);
	parse_date(m, m->expiry_raw, &m->expiry, l2 + 8, CC_DATE_EXPIRY, today,
		   "date of expiry");
	add_check(m, "date of expiry", l2 + 8, 6, l2[14], 0);
	memcpy(m->nationality, l2 + 15, 3);
	if (!is_code(l2 + 15, 3))
		malformed(m, "nationality");
	copy_field(m->optional2, sizeof(m->optional2), l2 + 18, 11);

	memcpy(buf, l1 + 5, 25);
	memcpy(buf + 25, l2, 7);
	memcpy(buf + 32, l2 + 8, 7);
	memcpy(buf + 39, l2 + 18, 11);
	add_check(m, "composite", buf, 50, l2[29], 0);

	parse_names(m, l3, 30);
}

static void parse_td3(struct cc_mrz *m, const char *l1, const char *l2,
		      const struct cc_date *today)
{
	char buf[64];

	parse_header(m, l1);

	copy_field(m->number, sizeof(m->number), l2, 9);
	if (!m->number[0])
		malformed(m, "document number");
	add_check(m, "document number", l2, 9, l2[9], 0);
	memcpy(m->nationality, l2 + 10, 3);
	if (!is_code(l2 + 10, 3))
		malformed(m, "nationality");
	parse_date(m, m->birth_raw, &m->birth, l2 + 13, CC_DATE_BIRTH, today,
		   "date of birth");
	add_check(m, "date of birth", l2 + 13, 6, l2[19], 0);
	parse_sex(m, l2[20]);
	parse_date(m, m->expiry_raw, &m->expiry, l2 + 21, CC_DATE_EXPIRY, today,
		   "date of expiry");
	add_check(m, "date of expiry", l2 + 21, 6, l2[27], 0);
	copy_field(m->optional1, sizeof(m->optional1), l2 + 28, 14);
	/* An unused personal number may have '<' as its check digit. */
	add_check(m, "optional data", l2 + 28, 14, l2[42], 1);

	memcpy(buf, l2, 10);
	memcpy(buf + 10, l2 + 13, 7);
	memcpy(buf + 17, l2 + 21, 22);
	add_check(m, "composite", buf, 39, l2[43], 0);

	parse_names(m, l1 + 5, 39);
}

int cc_mrz_parse(const char *const *lines, int nlines,
		 const struct cc_date *today, struct cc_mrz *m,
		 struct cc_error *err)
{
	struct cc_date now;
	size_t want;
	int rc;

	if (!m)
		return cc_error_set(err, CC_USAGE, "no MRZ to fill");
	memset(m, 0, sizeof(*m));
	if (!lines)
		return cc_error_set(err, CC_INPUT, "not an MRZ: no lines");
	if (nlines == 3) {
		want = CC_MRZ_TD1_LEN;
	} else if (nlines == 2) {
		want = CC_MRZ_TD3_LEN;
	} else {
		return cc_error_set(
			err, CC_INPUT,
			"not an MRZ: %d lines, expected 3 (TD1) or 2 (TD3)",
			nlines);
	}
	for (int i = 0; i < nlines; i++) {
		size_t n;

		if (!lines[i])
			return cc_error_set(err, CC_INPUT,
					    "not an MRZ: line %d missing",
					    i + 1);
		n = strnlen(lines[i], want + 1);
		if (n != want)
			return cc_error_set(
				err, CC_INPUT,
				"not an MRZ: line %d has %s%zu characters, expected %zu",
				i + 1, n > want ? "more than " : "",
				n > want ? want : n, want);
		for (size_t j = 0; j < n; j++)
			if (!is_mrz_char((unsigned char)lines[i][j]))
				return cc_error_set(
					err, CC_INPUT,
					"not an MRZ: line %d, position %zu: character 0x%02x is not one of [0-9A-Z<]",
					i + 1, j + 1,
					(unsigned char)lines[i][j]);
	}
	if ((rc = cc_date_reference(&today, &now, err)))
		return rc;

	if (nlines == 3) {
		m->type = CC_MRZ_TD1;
		parse_td1(m, lines[0], lines[1], lines[2], today);
	} else {
		m->type = CC_MRZ_TD3;
		parse_td3(m, lines[0], lines[1], today);
	}
	m->valid = !m->malformed;
	for (int i = 0; i < m->nchecks; i++)
		if (!m->checks[i].ok)
			m->valid = 0;
	return CC_OK;
}

/* One line of OCR text without its white space, uppercased. */
struct cand {
	char s[47];
	size_t len;
};

/* The length of c once filler beyond nominal is dropped, if it lies in
 * [min, max], else 0. */
static size_t fit(const struct cand *c, size_t nominal, size_t min, size_t max)
{
	size_t n = c->len;

	while (n > nominal && c->s[n - 1] == '<')
		n--;
	return n >= min && n <= max ? n : 0;
}

/* Takes k lines of raw length [min, raw_max], [min, max] once trimmed by
 * fit(), at least one holding a '<'. */
static int take_block(const struct cand *run, int k, size_t nominal, size_t min,
		      size_t max, size_t raw_max, char out[3][45])
{
	size_t len[3];
	int filler = 0;

	for (int i = 0; i < k; i++) {
		if (run[i].len < min || run[i].len > raw_max)
			return 0;
		len[i] = fit(&run[i], nominal, min, max);
		if (!len[i])
			return 0;
		if (memchr(run[i].s, '<', len[i]))
			filler = 1;
	}
	if (!filler)
		return 0;
	for (int i = 0; i < k; i++) {
		memcpy(out[i], run[i].s, len[i]);
		out[i][len[i]] = '\0';
	}
	if (k < 3)
		out[2][0] = '\0';
	return 1;
}

int cc_mrz_find(const char *text, char out[3][45], int *nlines)
{
	struct cand run[3];
	int nrun = 0, found = 0;
	const char *p = text;

	for (int i = 0; i < 3; i++)
		out[i][0] = '\0';
	*nlines = 0;
	if (!text)
		return 0;
	while (*p) {
		const char *eol = p + strcspn(p, "\r\n");
		struct cand c;
		size_t total = 0, good = 0, start = 0, raw, n = 0;

		c.len = 0;
		for (const char *q = p; q < eol; q++) {
			int ch = (unsigned char)*q;

			if (is_blank(ch))
				continue;
			if (ch >= 'a' && ch <= 'z')
				ch -= 'a' - 'A';
			/* a filler read as a guillemet, << or < */
			if (ch == 0xc2 && eol - q >= 2 &&
			    (unsigned char)q[1] == 0xab) {
				ch = '<';
				q++;
			} else if (ch == 0xe2 && eol - q >= 3 &&
				   (unsigned char)q[1] == 0x80 &&
				   (unsigned char)q[2] == 0xb9) {
				ch = '<';
				q += 2;
			}
			n++;
			if (c.len < sizeof(c.s) - 1)
				c.s[c.len++] = (char)ch;
		}
		p = *eol ? eol + 1 : eol;
		raw = c.len;
		/* A speck before a line is read as a mark, not the zone's:
		 * dropped when a full line is left without it (else it may
		 * be the line's first character misread, kept for the parser
		 * to refuse). UTF-8 continuation bytes are not characters. */
		while (start < c.len && !is_mrz_char((unsigned char)c.s[start]))
			start++;
		{
			size_t chars = 0;

			for (size_t i = start; i < c.len; i++)
				chars += ((unsigned char)c.s[i] & 0xc0) != 0x80;
			if (chars < CC_MRZ_TD1_LEN)
				start = 0;
		}
		c.len -= start;
		memmove(c.s, c.s + start, c.len);
		c.s[c.len] = '\0';
		total = c.len + (n - raw); /* what did not fit counts */
		for (size_t i = 0; i < c.len; i++)
			good += is_mrz_char((unsigned char)c.s[i]);
		if (raw == 0)
			continue;
		if (total < 28 || total > 46 || good * 10 < total * 9) {
			nrun = 0;
			continue;
		}
		if (nrun == 3) {
			run[0] = run[1];
			run[1] = run[2];
			nrun = 2;
		}
		run[nrun++] = c;
		if (nrun == 3 &&
		    take_block(run, 3, CC_MRZ_TD1_LEN, 28, 32, 32, out)) {
			*nlines = 3;
			found = 1;
		} else if (nrun >= 2 &&
			   take_block(run + nrun - 2, 2, CC_MRZ_TD3_LEN, 42, 44,
				      46, out)) {
			*nlines = 2;
			found = 1;
		}
	}
	return found;
}
