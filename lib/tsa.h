/*
 * tsa.h - the RFC 3161 time-stamp client of cc-sign: the signature
 * time-stamp of PAdES B-T and the document time-stamp of B-LTA. It asks a
 * TSA over HTTP (http.h) and checks the reply against the request; it owns
 * the token it returns. Trust in the TSA (its chain, its revocation) is the
 * verifier's business, not this module's.
 */
#ifndef CC_TSA_H
#define CC_TSA_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct cc_tsa_token {
	/* The TimeStampToken, a CMS ContentInfo (SignedData), byte for byte
	 * as the TSA sent it (re-encoding could break its signature): the
	 * value of an id-aa-signatureTimeStampToken attribute or a document
	 * time-stamp's /Contents. */
	unsigned char *der;
	size_t len;
	/* Its genTime in RFC 3339 UTC, "2026-11-28T10:00:00Z", with the
	 * fraction of a second when the TSA gives one (up to 9 digits kept):
	 * "2026-11-28T10:00:00.125Z". */
	char gen_time[32];
};

/*
 * Time-stamp a SHA-256 digest at the TSA at url: a request with a random
 * 64-bit nonce, certReq true and no policy, POSTed as
 * application/timestamp-query within timeout_ms; the reply must be
 * application/timestamp-reply and pass cc_tsa_check_reply. Any failure is
 * CC_SYSTEM naming the URL ("cannot reach TSA 'URL': ...", "TSA 'URL' gave a
 * bad reply: ..."), except a URL that is not http(s), CC_USAGE. tok is
 * overwritten: filled on success, empty on failure.
 */
int cc_tsa_stamp_digest(const char *url, const unsigned char digest[32],
			long timeout_ms, struct cc_tsa_token *tok,
			struct cc_error *err);
/* The same over the SHA-256 of data (e.g. a CMS signature value). */
int cc_tsa_stamp(const char *url, const unsigned char *data, size_t len,
		 long timeout_ms, struct cc_tsa_token *tok,
		 struct cc_error *err);

/*
 * Check a TimeStampResp (DER, any bytes: it comes from the network) against
 * the request: status granted or grantedWithMods, else CC_SYSTEM "TSA
 * refused the request: rejection (badAlg) 'text'"; then a token whose
 * TSTInfo has messageImprint SHA-256 of digest and nonce nonce, signed
 * (CMS signature and signed attributes verified, not the certificate chain)
 * by a certificate the token holds, which has the extended key usage
 * timeStamping as its only one, critical (RFC 3161 2.3; `openssl ts
 * -verify` demands the same), and which the ESS signing-certificate(-v2)
 * attribute names. Anything else is CC_SYSTEM "TSA gave a bad reply: ...".
 * tok is overwritten: filled on success, empty on failure. Clears
 * OpenSSL's error queue of the calling thread.
 */
int cc_tsa_check_reply(const unsigned char *resp, size_t len,
		       const unsigned char digest[32], uint64_t nonce,
		       struct cc_tsa_token *tok, struct cc_error *err);

/* Free the token's bytes and empty it; tok may be NULL. */
void cc_tsa_token_free(struct cc_tsa_token *tok);

#endif
