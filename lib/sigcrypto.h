/*
 * sigcrypto.h - the integrity and cryptographic checks of one PDF signature
 * for cc-verify (issue 7, "Integrity and crypto" and "Time"): the digest of
 * the byte ranges against the CMS message-digest, the CMS signature over the
 * signed attributes, the ESS signing-certificate, the algorithms, and the
 * signature time-stamp token (or, for a document time-stamp, the token
 * itself). It trusts nothing but the bytes it is given: building the chain
 * to a trust anchor and revocation are another module's. The result owns
 * the certificates it hands over.
 */
#ifndef CC_SIGCRYPTO_H
#define CC_SIGCRYPTO_H

#include <stddef.h>

#include <openssl/x509.h>

#include "error.h"

struct cc_sig_crypto {
	/* The message-digest attribute equals the hash of the byte ranges
	 * (document time-stamp: the token's imprint does). */
	int digest_ok;
	/* The signature over the signed attributes verifies with the
	 * signer's key (document time-stamp: the token's signature). */
	int signature_ok;
	/* An ESS signing-certificate-v2 (or v1) attribute names the signer's
	 * certificate. */
	int signing_cert_ok;
	/* No MD5 or SHA-1 anywhere, RSA >= 2048 bits, EC >= 256 bits. */
	int algorithms_ok;
	/* A CMS signing-time attribute: PAdES forbids it; reported only (it
	 * sets no problem). */
	int has_signing_time;
	char digest_name[16];	/* of the SignerInfo: "SHA-256"; "" unknown */
	X509 *signer;		/* owned; NULL when the CMS does not hold it */
	STACK_OF(X509) * certs; /* owned: every certificate of the CMS */
	/* The signature time-stamp (unsigned attribute id-aa-
	 * signatureTimeStampToken), or the document time-stamp itself:
	 * tst_ok when its imprint is the hash (by its own algorithm) of the
	 * signature value (of the byte ranges), its signature and ESS
	 * attribute hold, its signer has the timeStamping extended key
	 * usage and its algorithms are acceptable. */
	int has_tst, tst_ok;
	char tst_time[32]; /* genTime, RFC 3339 UTC; "" when unreadable */
	X509 *tsa;	   /* owned: the token's signer */
	STACK_OF(X509) * tsa_certs; /* owned: every certificate of the token */
	/* The first failure, house form without the signature's name: "the
	 * message digest does not match the signed bytes". "" exactly when
	 * digest_ok, signature_ok, signing_cert_ok, algorithms_ok and (when
	 * has_tst) tst_ok all hold. */
	char problem[256];
};

/*
 * Check the DER SignedData der (der_len bytes; a /Contents as sigstruct.h
 * decodes it) over the byte ranges range[0..3] (/ByteRange: offset, length,
 * offset, length) of data (len bytes). With doc_ts set, der is a document
 * time-stamp's TimeStampToken whose imprint must be the hash of the ranges:
 * signer/certs and tsa/tsa_certs then both give its signer, has_tst is 1.
 * CC_OK when the CMS could be examined (the fields say what holds; ranges
 * outside data are a problem, not an error); CC_INPUT when der is not one
 * DER ContentInfo of type SignedData (and, with doc_ts, holding a
 * TSTInfo). Memory running out shows as a check that fails. out is always
 * set and must be freed with cc_sig_crypto_free; after an error it is
 * empty. Safe on any bytes. Clears OpenSSL's error queue of the calling thread.
 */
int cc_sig_crypto_check(const unsigned char *data, size_t len,
			const unsigned long long range[4],
			const unsigned char *der, size_t der_len, int doc_ts,
			struct cc_sig_crypto *out, struct cc_error *err);
/* Free what c owns and empty it; c may be NULL. */
void cc_sig_crypto_free(struct cc_sig_crypto *c);

#endif
