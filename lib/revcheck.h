/*
 * revcheck.h - OCSP responses (RFC 6960) and CRLs (RFC 5280) checked
 * against a certificate's issuer: what cc-sign --ltv keeps (revocation.h)
 * and what cc-verify judges (sigtrust.h).
 *
 * Choices:
 * - Answers with a SHA-1, SHA-256, SHA-384 or SHA-512 CertID are read.
 * - An OCSP answer is signed by the issuer itself, or by a responder
 *   certificate that the issuer signed, with extended key usage
 *   OCSPSigning, a key usage (if any) allowing digitalSignature, valid at
 *   the time asked about. The responder's own revocation is not checked
 *   (RFC 6960 4.2.2.2.1: such certificates carry id-pkix-ocsp-nocheck).
 * - A CRL is signed by the issuer (keyUsage cRLSign when it has a key
 *   usage), is a complete CRL (no delta, not indirect, all reasons), and,
 *   with an issuing distribution point, covers the certificate.
 * - Current at time t: thisUpdate (and producedAt) no later than t + 5
 *   minutes (clocks differ); t no later than nextUpdate. An OCSP answer
 *   without nextUpdate is current for 24 hours after its thisUpdate; a CRL
 *   without nextUpdate is refused.
 * - A revoked status is final: certificateHold counts as revoked, and so
 *   does a revocation time later than t.
 */
#ifndef CC_REVCHECK_H
#define CC_REVCHECK_H

#include <stddef.h>
#include <time.h>

#include <openssl/ocsp.h>
#include <openssl/x509.h>

#include "error.h"

/*
 * cert's status at now by an OCSP response (a whole DER OCSPResponse of len
 * bytes, signed by issuer or its delegated responder): CC_OK good; CC_NO
 * revoked ("certificate 'CN' is revoked (reason, since DATE)"); CC_INPUT
 * "bad OCSP response for 'CN': <why>" when it is malformed, not successful,
 * not about cert, badly signed, not current at now, or says unknown;
 * CC_USAGE for NULL certificates; CC_SYSTEM only when memory runs out.
 * Safe on any bytes; leaves OpenSSL's error queue empty.
 */
int cc_ocsp_check(const unsigned char *resp, size_t len, X509 *cert,
		  X509 *issuer, time_t now, struct cc_error *err);

/*
 * The same by a CRL (DER, or PEM "X509 CRL") issued by issuer: CC_OK not
 * on it; CC_NO revoked; CC_INPUT "bad CRL for 'CN': <why>" (malformed,
 * another issuer, bad signature, not current at now, a delta, indirect or
 * partial CRL, or one that does not cover cert).
 */
int cc_crl_check(const unsigned char *crl, size_t len, X509 *cert, X509 *issuer,
		 time_t now, struct cc_error *err);

/* What one piece of revocation data says of a certificate. */
struct cc_revstatus {
	int revoked;	    /* 1 revoked (certificateHold included) */
	time_t this_update; /* of the answer about the certificate, or the
			       CRL's */
	time_t next_update; /* 0 when it has none */
	time_t revoked_at;
	long reason;	/* CRLReason; -1 when none is given */
	char text[200]; /* when revoked: "keyCompromise, since DATE" */
};

/* A piece of revocation data read once, to be asked about many
 * certificates: an OCSPResponse (DER), or with crl a CRL (DER or PEM).
 * NULL only when memory runs out; data that cannot be read makes an item
 * that speaks of no certificate. */
struct cc_revitem;
struct cc_revitem *cc_revitem_new(const unsigned char *der, size_t len,
				  int crl);
void cc_revitem_free(struct cc_revitem *it);

/*
 * What it says of cert, issued by issuer, judged as of the data's own
 * thisUpdate: signed by the issuer or its delegated responder valid at
 * that time, of the right scope, well formed. Freshness is the caller's
 * business (a verifier compares this_update with the time the signature is
 * known to have existed). CC_OK with st filled (good or revoked); CC_NO
 * when the data speaks of another certificate; CC_INPUT "bad OCSP
 * response for 'CN': why" (badly signed, status unknown...).
 */
int cc_revocation_status(const struct cc_revitem *it, X509 *cert, X509 *issuer,
			 struct cc_revstatus *st, struct cc_error *err);

/* --- shared with revocation.c --- */

/* What a check found beyond its verdict. */
struct cc_rev_found {
	int about;	 /* the data speaks of the certificate */
	X509 *responder; /* a delegated OCSP responder (a reference) */
	/* What it says, once it is about the certificate: */
	time_t this_update, next_update; /* next_update 0: none */
	time_t revoked_at;		 /* when revoked */
	long reason;			 /* CRLReason, -1 none */
};

/* Write a reason into why (size bytes); returns code. */
int cc_rev_say(char *why, size_t size, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * The verdict of a whole DER OCSPResponse on cert as of now (0: as of its
 * own thisUpdate): CC_OK, CC_NO (why: reason and time), CC_INPUT or
 * CC_SYSTEM (why: the defect); f says what it found. With req, its nonce
 * must not be contradicted.
 */
int cc_rev_ocsp_verify(const unsigned char *der, size_t len, X509 *cert,
		       X509 *issuer, time_t now, OCSP_REQUEST *req,
		       struct cc_rev_found *f, char *why, size_t size);
/* A CRL in DER or PEM into *crl; CC_OK or CC_INPUT (why). */
int cc_rev_crl_parse(const unsigned char *der, size_t len, X509_CRL **crl,
		     char *why, size_t size);
/* The verdict of a CRL on cert, as cc_rev_ocsp_verify. */
int cc_rev_crl_verify(X509_CRL *crl, X509 *cert, X509 *issuer, time_t now,
		      struct cc_rev_found *f, char *why, size_t size);

#endif