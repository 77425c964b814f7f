/*
 * fuzz-sigcrypto - arbitrary bytes as the DER /Contents of a signature over
 * a fixed small document: cc_sig_crypto_check as a CAdES signature and as a
 * document time-stamp token. Invariant: an error is CC_INPUT, in err, with
 * a message and an empty result; a result names a problem exactly when one
 * of digest_ok, signature_ok, signing_cert_ok, algorithms_ok or (with a
 * token) tst_ok fails; a signature that verifies has its signer, a token
 * that verifies has its TSA and genTime; every string is terminated.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sigcrypto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char doc[] =
	"%PDF-1.7\n1 0 obj\n<< /Type /Sig /Contents <> >>\nendobj\n"
	"trailer\n<< /Root 1 0 R >>\n%%EOF\n";
static const unsigned long long range[4] = {0, 40, 44, sizeof(doc) - 45};

static int empty(const struct cc_sig_crypto *c)
{
	static const struct cc_sig_crypto zero;

	return memcmp(c, &zero, sizeof(zero)) == 0;
}

static void one(const uint8_t *data, size_t size, int doc_ts)
{
	struct cc_error err = {0, ""};
	struct cc_sig_crypto c;
	int rc = cc_sig_crypto_check(doc, sizeof(doc) - 1, range, data, size,
				     doc_ts, &c, &err);
	int all;

	if (rc != CC_OK) {
		if (rc != CC_INPUT || err.code != rc || !err.msg[0] ||
		    !empty(&c))
			abort();
		return;
	}
	if (!memchr(c.problem, 0, sizeof(c.problem)) ||
	    !memchr(c.digest_name, 0, sizeof(c.digest_name)) ||
	    !memchr(c.tst_time, 0, sizeof(c.tst_time)))
		abort();
	all = c.digest_ok && c.signature_ok && c.signing_cert_ok &&
	      c.algorithms_ok && (!c.has_tst || c.tst_ok);
	if (all != !c.problem[0])
		abort();
	if ((c.signature_ok && !c.signer) || (c.tst_ok && !c.has_tst) ||
	    (c.tst_ok && (!c.tsa || !c.tst_time[0])) || (doc_ts && !c.has_tst))
		abort();
	cc_sig_crypto_free(&c);
	if (!empty(&c))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(data, size, 0);
	one(data, size, 1);
	return 0;
}
