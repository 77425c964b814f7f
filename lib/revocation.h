/*
 * revocation.h - the validation data of a certificate path: the
 * certificates, OCSP responses (RFC 6960) and CRLs (RFC 5280) that
 * cc-sign --ltv puts in a PDF's /DSS (PAdES B-LT), and fresh data for
 * cc-verify. Data comes from given files first, else over HTTP (http.h):
 * OCSP from the certificate's AIA responder, else the CRL of its
 * distribution point. Nothing is kept that was not checked against the
 * issuer (revcheck.h, which this header includes).
 *
 * Choices:
 * - Requests carry a SHA-1 CertID (what responders accept most widely) and
 *   a 16-byte nonce. An answer that echoes another nonce is refused; one
 *   without a nonce is accepted (pre-produced answers, RFC 5019), its
 *   freshness then resting on the time checks alone.
 * - On a path, a certificate with id-pkix-ocsp-nocheck and OCSPSigning
 *   needs no revocation data (RFC 6960 4.2.2.2.1).
 * - The path is built from chain (issuer by name, key identifier and
 *   signature); an issuer missing from chain is fetched, when the call may
 *   fetch, from the AIA caIssuers URL (a DER certificate or a certs-only
 *   PKCS#7).
 */
#ifndef CC_REVOCATION_H
#define CC_REVOCATION_H

#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include "buf.h"
#include "error.h"
#include "revcheck.h"

/* The validation data of a certificate path, as DER blobs. */
struct cc_revdata {
	struct cc_buf *certs; /* each a DER certificate: the path from the
				 signer's certificate up (root included when
				 known), then OCSP responders' certificates */
	size_t ncerts;
	struct cc_buf *ocsps; /* each a whole DER OCSPResponse */
	size_t nocsps;
	struct cc_buf *crls; /* each a DER CRL */
	size_t ncrls;
};

/* Frees the blobs and zeroes d; NULL is fine, so is a zeroed d. */
void cc_revdata_free(struct cc_revdata *d);

struct cc_revdata_opts {
	/* Bound of each HTTP request; 0: 10 s. */
	long timeout_ms;
	/* Given CRLs (PEM or DER) and OCSP responses (DER),
	 * NULL-terminated; either may be NULL. A file that cannot be read
	 * or is not a CRL / an OCSPResponse is CC_INPUT; one about none of
	 * the certificates is ignored. */
	const char *const *crl_files;
	const char *const *ocsp_files;
	/* Use only what is given: fetch nothing. */
	int offline;
	/* The time the data must be current at; 0: time(NULL). */
	time_t now;
};

/*
 * Gather the validation data of cert's path into out (zeroed first, left
 * zeroed on failure). The path runs from cert through chain up to a
 * self-signed root; every certificate on it but the root needs revocation
 * data: a given OCSP response or CRL about it, else an OCSP response from
 * its AIA OCSP URL, else (also when OCSP fails) the CRL of its CRL
 * distribution point (OCSP over http or https, CRLs and caIssuers over
 * http only; no redirects). o may be NULL (defaults). Results:
 *   CC_OK      out holds the path, the responders' certificates, and one
 *              OCSP response or CRL per non-root certificate (no blob twice)
 *   CC_NO      "certificate 'CN' is revoked (keyCompromise, since
 *              2026-11-28T10:00:00Z)"
 *   CC_SYSTEM  "no revocation data for 'CN': <why>" (network, time-outs,
 *              refused or out-of-date answers, offline with nothing given);
 *              a missing issuer that could not be fetched; out of memory
 *   CC_INPUT   a given file is unreadable or malformed; the path has no
 *              issuer for a certificate ("cannot check the revocation of
 *              'CN': its issuer 'CN' is not in the chain")
 *   CC_USAGE   cert or out is NULL
 */
int cc_revdata_collect(X509 *cert, STACK_OF(X509) * chain,
		       const struct cc_revdata_opts *o, struct cc_revdata *out,
		       struct cc_error *err);

/*
 * Fetch fresh revocation data about cert now, as cc_revdata_collect does
 * for one certificate (its AIA OCSP responder, else its CRL distribution
 * point), keeping a revoked answer as data: *data (free with
 * cc_buf_free) is the OCSPResponse, or the CRL with *crl set. CC_OK;
 * CC_NO when cert needs none (an OCSP responder with ocsp-nocheck);
 * CC_SYSTEM "no revocation data for 'CN': why".
 */
int cc_revdata_fetch(X509 *cert, X509 *issuer, long timeout_ms,
		     struct cc_buf *data, int *crl, struct cc_error *err);

#endif
