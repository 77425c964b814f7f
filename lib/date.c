/* date.c - parsing, checking and comparing calendar dates. */
#include "date.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Longest part of an input quoted in a message. */
#define QUOTE_MAX 64

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30,
				     31, 31, 30, 31, 30, 31};

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

int cc_date_valid(const struct cc_date *d)
{
	return d && d->year >= 1 && d->year <= 9999 && d->month >= 1 &&
	       d->month <= 12 && d->day >= 1 &&
	       d->day <= days_in_month(d->year, d->month);
}

/* The C locale's white space, whatever the locale is. */
static int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Reads between min and max digits from p (stopping at end); returns how
 * many were read, 0 when fewer than min. */
static size_t read_num(const char *p, const char *end, size_t min, size_t max,
		       int *val)
{
	size_t n = 0;
	int v = 0;

	while (p + n < end && n < max && is_digit(p[n]))
		v = v * 10 + (p[n++] - '0');
	if (n < min)
		return 0;
	*val = v;
	return n;
}

/* How much of s (n bytes) to quote: at most QUOTE_MAX bytes, never ending
 * inside a UTF-8 sequence. */
static int quote_len(const char *s, size_t n)
{
	if (n > QUOTE_MAX) {
		n = QUOTE_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	return (int)n;
}

static int parse_span(const char *b, const char *e, struct cc_date *d)
{
	size_t len = (size_t)(e - b), n1, n2, n3;
	int a, m, c;

	if (len == 8 && read_num(b, e, 8, 8, &a) == 8) {
		d->day = a / 1000000;
		d->month = a / 10000 % 100;
		d->year = a % 10000;
		return 0;
	}
	/* ISO: yyyy-mm-dd */
	if (len == 10 && read_num(b, e, 4, 4, &a) == 4 && b[4] == '-' &&
	    read_num(b + 5, e, 2, 2, &m) == 2 && b[7] == '-' &&
	    read_num(b + 8, e, 2, 2, &c) == 2) {
		d->year = a;
		d->month = m;
		d->day = c;
		return 0;
	}
	/* d/m/yyyy with one separator throughout */
	n1 = read_num(b, e, 1, 2, &a);
	if (!n1 || b + n1 >= e)
		return -1;
	if (b[n1] != '/' && b[n1] != '-' && b[n1] != '.')
		return -1;
	n2 = read_num(b + n1 + 1, e, 1, 2, &m);
	if (!n2 || b + n1 + 1 + n2 >= e || b[n1 + 1 + n2] != b[n1])
		return -1;
	n3 = read_num(b + n1 + n2 + 2, e, 4, 4, &c);
	if (n3 != 4 || n1 + n2 + n3 + 2 != len)
		return -1;
	d->day = a;
	d->month = m;
	d->year = c;
	return 0;
}

int cc_date_parse(const char *s, struct cc_date *d, struct cc_error *err)
{
	const char *b, *e;
	struct cc_date t;

	if (!s || !d)
		return cc_error_set(err, CC_INPUT, "no date given");
	b = s;
	e = s + strlen(s);
	while (b < e && is_space((unsigned char)*b))
		b++;
	while (e > b && is_space((unsigned char)e[-1]))
		e--;
	if (parse_span(b, e, &t) != 0)
		return cc_error_set(
			err, CC_INPUT,
			"invalid date '%.*s%s': expected dd/mm/yyyy, ddmmyyyy or yyyy-mm-dd",
			quote_len(b, (size_t)(e - b)), b,
			e - b > QUOTE_MAX ? "..." : "");
	if (!cc_date_valid(&t))
		return cc_error_set(err, CC_INPUT,
				    "invalid date '%.*s': no such day",
				    quote_len(b, (size_t)(e - b)), b);
	*d = t;
	return CC_OK;
}

int cc_date_cmp(const struct cc_date *a, const struct cc_date *b)
{
	if (a->year != b->year)
		return a->year < b->year ? -1 : 1;
	if (a->month != b->month)
		return a->month < b->month ? -1 : 1;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	return 0;
}

int cc_date_reference(const struct cc_date **today, struct cc_date *now,
		      struct cc_error *err)
{
	if (!*today) {
		if (cc_date_today(now) != CC_OK)
			return cc_error_set(err, CC_SYSTEM,
					    "cannot tell today's date");
		*today = now;
	} else if (!cc_date_valid(*today)) {
		return cc_error_set(
			err, CC_USAGE, "invalid reference date %d-%d-%d",
			(*today)->year, (*today)->month, (*today)->day);
	}
	return CC_OK;
}

int cc_date_from_yymmdd(const char *s6, int kind, const struct cc_date *today,
			struct cc_date *d, struct cc_error *err)
{
	struct cc_date now, lo, hi, found = {0, 0, 0};
	int yy, mm, dd, base, rc;

	if (kind != CC_DATE_BIRTH && kind != CC_DATE_EXPIRY)
		return cc_error_set(err, CC_USAGE, "unknown kind of date %d",
				    kind);
	if (!s6 || !d)
		return cc_error_set(err, CC_INPUT, "no date given");
	for (int i = 0; i < 6; i++)
		if (!is_digit(s6[i]))
			return cc_error_set(
				err, CC_INPUT,
				"invalid date '%.6s': expected YYMMDD", s6);
	if ((rc = cc_date_reference(&today, &now, err)))
		return rc;
	yy = (s6[0] - '0') * 10 + (s6[1] - '0');
	mm = (s6[2] - '0') * 10 + (s6[3] - '0');
	dd = (s6[4] - '0') * 10 + (s6[5] - '0');
	base = today->year / 100 * 100;
	lo = hi = *today;
	lo.year -= 50;
	hi.year += 50;
	/* Centuries from the latest down, so that the first birth date found
	 * is the latest one. */
	for (int k = 1; k >= -1; k--) {
		struct cc_date c = {base + 100 * k + yy, mm, dd};

		if (!cc_date_valid(&c))
			continue;
		if (kind == CC_DATE_BIRTH) {
			if (cc_date_cmp(&c, today) <= 0) {
				found = c;
				break;
			}
		} else if (cc_date_cmp(&c, &lo) >= 0 &&
			   cc_date_cmp(&c, &hi) <= 0) {
			/* At most two candidates, exactly 100 years apart at
			 * the ends of the window: 20xx, else the later. */
			if (!found.year || (c.year >= 2000 && c.year <= 2099))
				found = c;
		}
	}
	if (!found.year)
		return cc_error_set(
			err, CC_INPUT, "invalid date '%.6s': %s", s6,
			kind == CC_DATE_BIRTH ? "no such day up to today"
					      : "no such day within 50 years");
	*d = found;
	return CC_OK;
}

void cc_date_format(const struct cc_date *d, char buf[11])
{
	if (!cc_date_valid(d) || snprintf(buf, 11, "%04d-%02d-%02d", d->year,
					  d->month, d->day) != 10)
		memcpy(buf, "0000-00-00", 11);
}

int cc_date_today(struct cc_date *d)
{
	time_t t = time(NULL);
	struct tm tm;

	if (t == (time_t)-1 || !localtime_r(&t, &tm))
		return CC_SYSTEM;
	d->year = tm.tm_year + 1900;
	d->month = tm.tm_mon + 1;
	d->day = tm.tm_mday;
	return CC_OK;
}
