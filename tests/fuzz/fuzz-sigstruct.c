/*
 * fuzz-sigstruct - arbitrary bytes as a signed PDF to verify:
 * cc_sig_struct_read finds the revisions and checks every signature's
 * /ByteRange and /Contents. Whatever the input, the outcome is a clean
 * error with nothing left in the result, or a result that is consistent:
 * revisions in order inside the file, and each signature either ok (no
 * problem, ranges inside the file, a DER SignedData, a revision) or not
 * ok with its problem named.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sigstruct.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_sig(const struct cc_sig_struct *g,
		      const struct cc_sig_structs *s, size_t size)
{
	const unsigned long long *r = g->range;

	if (memchr(g->field, 0, sizeof(g->field)) == NULL ||
	    memchr(g->problem, 0, sizeof(g->problem)) == NULL)
		abort();
	if (!g->ok) {
		if (!g->problem[0])
			abort();
		return;
	}
	if (g->problem[0] || r[0] != 0 || r[1] > r[2] || r[2] > size ||
	    r[3] > size - r[2] || !g->contents || !g->contents_len ||
	    2 * g->contents_len + 2 > r[2] - r[1] || g->contents[0] != 0x30)
		abort();
	if (g->revision < 0 || (size_t)g->revision >= s->revisions ||
	    r[2] + r[3] > s->eof[g->revision] ||
	    (g->revision > 0 && r[1] < s->eof[g->revision - 1]))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cc_error err = {0, ""};
	struct cc_sig_structs s;
	int rc = cc_sig_struct_read(data, size, "fuzz.pdf", &s, &err);

	if (rc != CC_OK) {
		if ((rc != CC_INPUT && rc != CC_SYSTEM) || rc != err.code ||
		    !err.msg[0] || s.n || s.sig || s.revisions || s.eof)
			abort();
		return 0;
	}
	for (size_t i = 0; i < s.revisions; i++)
		if (s.eof[i] > size || (i && s.eof[i] <= s.eof[i - 1]))
			abort();
	for (size_t i = 0; i < s.n; i++)
		check_sig(&s.sig[i], &s, size);
	cc_sig_structs_free(&s);
	return 0;
}
