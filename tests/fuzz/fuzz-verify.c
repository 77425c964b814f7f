/*
 * fuzz-verify - arbitrary bytes as a certified copy given to cc-verify's
 * whole check (cc_verify_pdf), offline, without trust anchors (so nothing
 * is fetched and no signature can pass), then written out as JSON and as
 * text. Invariant: an error is CC_INPUT or CC_SYSTEM with a message and an
 * empty report; a report's indication is one of the three, TOTAL_PASSED
 * never (no anchor), with a sub-indication and a reason exactly when it is
 * not passed, no signature better than the file; its JSON and text are
 * made; every string is terminated.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cc_trust *trust;

static void terminated(const char *s, size_t n)
{
	if (!memchr(s, 0, n))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct cc_verify_report zero;
	struct cc_trust_opts to = {0};
	struct cc_error err = {0, ""};
	struct cc_verify_opts vo = {0};
	struct cc_verify_report r;
	struct cc_buf text = {0};
	json_t *j;
	int rc;

	if (!trust) {
		to.offline = 1;
		trust = cc_trust_new(&to, &err);
		if (!trust)
			abort();
	}
	vo.trust = trust;
	rc = cc_verify_pdf(data, size, "fuzz.pdf", &vo, &r, &err);
	if (rc != CC_OK) {
		if ((rc != CC_INPUT && rc != CC_SYSTEM) || err.code != rc ||
		    !err.msg[0] || memcmp(&r, &zero, sizeof(r)))
			abort();
		return 0;
	}
	if (r.indication == CC_TOTAL_PASSED || !r.sub[0] || !r.reason[0])
		abort();
	terminated(r.sub, sizeof(r.sub));
	terminated(r.reason, sizeof(r.reason));
	terminated(r.sha256, sizeof(r.sha256));
	for (size_t i = 0; i < r.nsig; i++) {
		const struct cc_verify_sig *s = &r.sig[i];

		if (s->indication > r.indication || !s->role)
			abort();
		if ((s->indication == CC_TOTAL_PASSED) != !s->reason[0])
			abort();
		terminated(s->field, sizeof(s->field));
		terminated(s->signer, sizeof(s->signer));
		terminated(s->claimed, sizeof(s->claimed));
		terminated(s->code, sizeof(s->code));
	}
	j = cc_verify_json(&r);
	if (!j)
		abort();
	json_decref(j);
	cc_verify_text(&r, 1, &text);
	if (!text.len || text.failed)
		abort();
	cc_buf_free(&text);
	cc_verify_report_free(&r);
	return 0;
}
