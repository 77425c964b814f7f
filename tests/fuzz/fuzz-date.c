/*
 * fuzz-date - cc_date_parse and cc_date_from_yymmdd on arbitrary bytes. The
 * text after a newline, when it is a date, is the reference "today" for the
 * MRZ forms. Whatever is accepted must be a real day that formats and parses
 * back to itself, and an MRZ date must lie where its kind says.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void yymmdd(const char *s, int kind, const struct cc_date *today)
{
	struct cc_error err;
	struct cc_date d, lo = *today, hi = *today;

	if (cc_date_from_yymmdd(s, kind, today, &d, &err) != CC_OK)
		return;
	if (!cc_date_valid(&d) ||
	    d.year % 100 != (s[0] - '0') * 10 + s[1] - '0' ||
	    d.month != (s[2] - '0') * 10 + s[3] - '0' ||
	    d.day != (s[4] - '0') * 10 + s[5] - '0')
		abort();
	lo.year -= 50;
	hi.year += 50;
	if (kind == CC_DATE_BIRTH && cc_date_cmp(&d, today) > 0)
		abort();
	if (kind == CC_DATE_EXPIRY &&
	    (cc_date_cmp(&d, &lo) < 0 || cc_date_cmp(&d, &hi) > 0))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cc_date d, back, today = {2025, 6, 15};
	struct cc_error err;
	char buf[11], *s, *nl;

	if (size > 4096)
		return 0;
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	if (cc_date_parse(s, &d, &err) == CC_OK) {
		if (!cc_date_valid(&d))
			abort();
		cc_date_format(&d, buf);
		if (cc_date_parse(buf, &back, &err) != CC_OK ||
		    cc_date_cmp(&d, &back) != 0)
			abort();
	}

	nl = strchr(s, '\n');
	if (nl) {
		*nl = '\0';
		if (cc_date_parse(nl + 1, &back, NULL) == CC_OK)
			today = back;
	}
	yymmdd(s, CC_DATE_BIRTH, &today);
	yymmdd(s, CC_DATE_EXPIRY, &today);
	if (cc_date_from_yymmdd(s, 0, &today, &d, &err) != CC_USAGE)
		abort();
	free(s);
	return 0;
}
