/*
 * fuzz-pdfdiff - arbitrary bytes as a signed PDF with later revisions:
 * cc_pdf_diff compares the prefix up to each of the first %%EOF lines with
 * the whole, under DocMDP P 0 to 3 in turn. Whatever the input, the
 * outcome is a clean error with an empty result, or a result that is
 * consistent: ok exactly when no change listed (up to the cap) is
 * disallowed, and the problem named when it is not.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pdfdiff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct cc_pdf_diff *d, int rc,
		  const struct cc_error *err)
{
	int bad = 0;

	if (rc != CC_OK) {
		if ((rc != CC_INPUT && rc != CC_SYSTEM) || rc != err->code ||
		    !err->msg[0] || d->n || d->change || d->ok || d->problem[0])
			abort();
		return;
	}
	if (!memchr(d->problem, 0, sizeof(d->problem)) || d->n > 1000 ||
	    (d->n && !d->change))
		abort();
	for (size_t i = 0; i < d->n; i++) {
		if (!memchr(d->change[i].what, 0, sizeof(d->change[i].what)) ||
		    !d->change[i].what[0] || (d->change[i].allowed & ~1))
			abort();
		bad |= !d->change[i].allowed;
	}
	if ((bad && d->ok) || (d->ok && d->problem[0]) ||
	    (!d->ok && !strstr(d->problem, " after the signature")))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data;
	int p_value = 0;

	for (int k = 0; k < 4 && p && size; k++) {
		struct cc_error err = {0, ""};
		struct cc_pdf_diff d;
		size_t end;
		int rc;

		p = memmem(p, size - (size_t)(p - data), "%%EOF", 5);
		if (!p)
			break;
		end = (size_t)(p - data) + 5;
		if (end < size && data[end] == '\r')
			end++;
		if (end < size && data[end] == '\n')
			end++;
		rc = cc_pdf_diff(data, size, end, p_value++ % 4, &d, &err);
		check(&d, rc, &err);
		cc_pdf_diff_free(&d);
		p = data + end;
	}
	return 0;
}
