/*
 * sigtrust.h - whether a signer's (or a time-stamping unit's) certificate
 * can be trusted, for cc-verify (issue 7, "Trust" and "Time"): a path from
 * it to a trust anchor, its key usage and validity, and the revocation
 * status of every certificate on the path, judged at the time the
 * signature is proven to have existed when a time-stamp proves one
 * (past-time validation, ETSI EN 319 102-1 5.6), else now.
 *
 * A context holds the trust anchors, the certificates that may serve as
 * intermediates (the CMS's, the /DSS's, --chain files) and the revocation
 * data at hand (the /DSS's, given files); it fetches more over HTTP unless
 * it is offline. One context serves every signature of a file, or many
 * files.
 *
 * Rules:
 * - The path is built and checked by OpenSSL (X509_verify_cert) at
 *   security level 2: RSA and DSA keys of at least 2048 bits, EC of 224,
 *   no MD5 or SHA-1 signatures on certificates below the anchor.
 * - Validity: at now. A certificate expired since is accepted when a
 *   time-stamp proves the signature existed before it expired (poe): the
 *   path is then checked at poe. Expired without such proof:
 *   INDETERMINATE/OUT_OF_BOUNDS_NO_POE; not yet valid at the time it is
 *   checked: INDETERMINATE/NOT_YET_VALID.
 * - A signer's key usage, when present, allows digitalSignature or
 *   nonRepudiation; a time-stamping unit's certificate has the
 *   timeStamping extended key usage (else INDETERMINATE/
 *   SIG_CONSTRAINTS_FAILURE).
 * - Revocation, for every certificate on the path below the anchor (an
 *   OCSP responder's certificate with id-pkix-ocsp-nocheck needs none):
 *   the OCSP responses and CRLs at hand first, each checked against the
 *   issuer as of its own thisUpdate. Revoked at or before poe (or at all,
 *   without poe): TOTAL_FAILED/REVOKED. Revoked after poe: accepted and
 *   said (the signature is older than the revocation). Good: fresh enough
 *   when issued no earlier than poe less 5 minutes, or, without poe,
 *   current now (not past its nextUpdate; 24 hours without one). When the
 *   data at hand is not fresh enough, fresh data is fetched (AIA OCSP,
 *   else the CRL distribution point) unless offline; none to be had:
 *   INDETERMINATE/TRY_LATER.
 */
#ifndef CC_SIGTRUST_H
#define CC_SIGTRUST_H

#include <stdarg.h>
#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include "error.h"

/* ETSI EN 319 102-1 main indications, best first. */
enum cc_indication {
	CC_TOTAL_PASSED,
	CC_INDETERMINATE,
	CC_TOTAL_FAILED,
};
const char *cc_indication_name(enum cc_indication i);

/*
 * Set a verdict (*ind, sub, why: sizes subsz, whysz) to i, nsub and
 * prefix followed by the formatted reason, unless one is set already that
 * is as bad or worse: the first reason of the worst indication stands.
 */
void cc_verdict_vset(enum cc_indication *ind, char *sub, size_t subsz,
		     char *why, size_t whysz, enum cc_indication i,
		     const char *nsub, const char *prefix, const char *fmt,
		     va_list ap) __attribute__((format(printf, 9, 0)));

struct cc_trust;

struct cc_trust_opts {
	/* Trust anchors: PEM (or DER) certificate files, or directories of
	 * them (every regular file in it); NULL-terminated. */
	const char *const *anchors;
	/* More certificates that may complete a path (PEM). */
	const char *const *chain;
	/* Given revocation data: CRLs (PEM or DER), OCSP responses (DER). */
	const char *const *crl_files;
	const char *const *ocsp_files;
	int offline;	 /* fetch nothing */
	long timeout_ms; /* of each fetch; 0: 10 s */
	time_t now;	 /* 0: time(NULL) */
};

/* CC_INPUT for a file that cannot be read or holds no certificate / is
 * not a CRL or an OCSP response; CC_SYSTEM out of memory. */
struct cc_trust *cc_trust_new(const struct cc_trust_opts *o,
			      struct cc_error *err);
void cc_trust_free(struct cc_trust *t);
/* Add certificates that may complete a path (the CMS's, the /DSS's), and
 * revocation data found in a file (/DSS /OCSPs and /CRLs). Not checked
 * here: each is judged when used. 0, or CC_SYSTEM out of memory. */
int cc_trust_add_cert_der(struct cc_trust *t, const unsigned char *der,
			  size_t len);
int cc_trust_add_certs(struct cc_trust *t, STACK_OF(X509) * certs);
int cc_trust_add_revdata(struct cc_trust *t, const unsigned char *der,
			 size_t len, int crl);

enum cc_trust_purpose {
	CC_TRUST_SIGNER,
	CC_TRUST_TSA,
};

struct cc_trust_result {
	enum cc_indication indication;
	char sub[40];	     /* ETSI sub-indication; "" when passed */
	char problem[256];   /* why, when not passed */
	char anchor[128];    /* the anchor reached */
	char checked_at[32]; /* when the path was found valid (RFC 3339) */
	int past_time;	     /* valid at poe only: expired since */
	/* "good (OCSP, in the file, 2026-11-28T10:00:00Z)"; for each
	 * certificate on the path, "; "-separated */
	char revocation[1024];
};

/*
 * Judge cert (with extra certificates that may complete its path, e.g. a
 * time-stamp token's; may be NULL) for purpose at poe, the time the
 * signature is proven to have existed (0: not proven). The result says
 * what holds; the return is CC_OK unless memory runs out (CC_SYSTEM).
 */
int cc_trust_check(struct cc_trust *t, X509 *cert, STACK_OF(X509) * extra,
		   enum cc_trust_purpose purpose, time_t poe,
		   struct cc_trust_result *r, struct cc_error *err);

#endif
