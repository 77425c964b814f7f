/* idqr.c - the citizen ID card's QR payload. */
#include "idqr.h"

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Longest part of a field quoted in a message. */
#define QUOTE_MAX 48

static const char *const field_names[CC_IDQR_FIELDS] = {
	"citizen number", "old ID number", "full name",
	"date of birth",  "sex",	   "place of residence",
	"date of issue",
};

struct span {
	const char *s;
	size_t n;
};

static int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static struct span trim(const char *s, size_t n)
{
	struct span r;

	while (n > 0 && is_space((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && is_space((unsigned char)s[n - 1]))
		n--;
	r.s = s;
	r.n = n;
	return r;
}

/* Strict UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF.
 * Returns the offset of the first bad byte, or n. */
static size_t utf8_check(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t k;
		unsigned min, cp;

		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xC2 && c <= 0xDF) {
			k = 1;
			min = 0x80;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			k = 2;
			min = 0x800;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			k = 3;
			min = 0x10000;
			cp = c & 0x07;
		} else {
			return i;
		}
		if (n - i <= k)
			return i;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + j] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += k + 1;
	}
	return n;
}

/* How much of a (valid UTF-8) field to quote, not splitting a character. */
static int quote_len(struct span f)
{
	size_t n = f.n;

	if (n > QUOTE_MAX) {
		n = QUOTE_MAX;
		while (n > 0 && ((unsigned char)f.s[n] & 0xC0) == 0x80)
			n--;
	}
	return (int)n;
}

static int copy(char *dst, size_t size, struct span f, int idx,
		struct cc_error *err)
{
	for (size_t i = 0; i < f.n; i++) {
		unsigned char c = (unsigned char)f.s[i];

		if (c < 0x20 || c == 0x7F)
			return cc_error_set(
				err, CC_INPUT,
				"ID card QR payload: %s has control character 0x%02x",
				field_names[idx], c);
	}
	if (f.n >= size)
		return cc_error_set(
			err, CC_INPUT,
			"ID card QR payload: %s too long (%zu bytes, at most %zu)",
			field_names[idx], f.n, size - 1);
	memcpy(dst, f.s, f.n);
	dst[f.n] = '\0';
	return CC_OK;
}

static int all_digits(const char *s)
{
	for (; *s; s++)
		if (!is_digit((unsigned char)*s))
			return 0;
	return 1;
}

static int get_date(struct span f, int idx, struct cc_date *d,
		    struct cc_error *err)
{
	char buf[9];

	if (f.n != 8 || copy(buf, sizeof(buf), f, idx, NULL) != CC_OK ||
	    !all_digits(buf) || cc_date_parse(buf, d, NULL) != CC_OK)
		return cc_error_set(
			err, CC_INPUT,
			"ID card QR payload: %s '%.*s%s' is not a date ddmmyyyy",
			field_names[idx], quote_len(f), f.s,
			f.n > QUOTE_MAX ? "..." : "");
	return CC_OK;
}

static int missing(int n, struct cc_error *err)
{
	char list[256];
	size_t used = 0;

	list[0] = '\0';
	for (int i = n; i < CC_IDQR_FIELDS; i++) {
		int w = snprintf(list + used, sizeof(list) - used, "%s%s",
				 i > n ? ", " : "", field_names[i]);

		if (w < 0 || (size_t)w >= sizeof(list) - used)
			break;
		used += (size_t)w;
	}
	return cc_error_set(
		err, CC_INPUT,
		"not an ID card QR payload: %d of %d fields, missing %s", n,
		CC_IDQR_FIELDS, list);
}

static int parse(const char *payload, struct cc_idqr *q, struct cc_error *err)
{
	struct span all, f[CC_IDQR_FIELDS];
	size_t bad;
	int n = 0, rc;
	const char *p, *end;

	if (!payload)
		return cc_error_set(err, CC_INPUT, "no ID card QR payload");
	all.s = payload;
	all.n = strlen(payload);
	if (all.n >= 3 && memcmp(all.s, "\xEF\xBB\xBF", 3) == 0) {
		all.s += 3;
		all.n -= 3;
	}
	bad = utf8_check((const unsigned char *)all.s, all.n);
	if (bad != all.n)
		return cc_error_set(
			err, CC_INPUT,
			"ID card QR payload: invalid UTF-8 at byte offset %zu",
			bad + (size_t)(all.s - payload));
	all = trim(all.s, all.n);

	p = all.s;
	end = all.s + all.n;
	for (;;) {
		const char *bar = memchr(p, '|', (size_t)(end - p));
		const char *fe = bar ? bar : end;

		if (n < CC_IDQR_FIELDS)
			f[n++] = trim(p, (size_t)(fe - p));
		else if (q->extra_fields < INT_MAX)
			q->extra_fields++;
		if (!bar)
			break;
		p = bar + 1;
	}
	if (n < CC_IDQR_FIELDS)
		return missing(n, err);

	if (f[0].n != 12 || copy(q->id, sizeof(q->id), f[0], 0, NULL) ||
	    !all_digits(q->id))
		return cc_error_set(
			err, CC_INPUT,
			"ID card QR payload: citizen number '%.*s%s' is not 12 digits",
			quote_len(f[0]), f[0].s,
			f[0].n > QUOTE_MAX ? "..." : "");
	if ((rc = copy(q->old_id, sizeof(q->old_id), f[1], 1, err)) != CC_OK)
		return rc;
	if (!all_digits(q->old_id))
		return cc_error_set(
			err, CC_INPUT,
			"ID card QR payload: old ID number '%s' is not digits",
			q->old_id);
	if ((rc = copy(q->name, sizeof(q->name), f[2], 2, err)) != CC_OK)
		return rc;
	if (!q->name[0])
		return cc_error_set(err, CC_INPUT,
				    "ID card QR payload: full name is empty");
	if ((rc = get_date(f[3], 3, &q->birth, err)) != CC_OK)
		return rc;
	if ((rc = copy(q->sex, sizeof(q->sex), f[4], 4, err)) != CC_OK)
		return rc;
	if ((rc = copy(q->address, sizeof(q->address), f[5], 5, err)) != CC_OK)
		return rc;
	return get_date(f[6], 6, &q->issue, err);
}

int cc_idqr_parse(const char *payload, struct cc_idqr *q, struct cc_error *err)
{
	struct cc_idqr t;
	int rc;

	if (!q)
		return cc_error_set(err, CC_USAGE, "nothing to fill");
	memset(&t, 0, sizeof(t));
	rc = parse(payload, &t, err);
	/* All or nothing: a failed parse leaves no partial fields. */
	if (rc == CC_OK)
		*q = t;
	else
		memset(q, 0, sizeof(*q));
	return rc;
}

int cc_idqr_sex_code(const char *sex)
{
	if (!sex)
		return '<';
	if (strcasecmp(sex, "Nam") == 0)
		return 'M';
	/* "Nữ": U+1EEF, or its capital U+1EEE */
	if ((sex[0] == 'N' || sex[0] == 'n') &&
	    (strcmp(sex + 1, "\xE1\xBB\xAF") == 0 ||
	     strcmp(sex + 1, "\xE1\xBB\xAE") == 0))
		return 'F';
	if (strcasecmp(sex, "Nu") == 0)
		return 'F';
	return '<';
}
