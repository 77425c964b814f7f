/*
 * ossl.h - small things every module that speaks OpenSSL needs alike:
 * the reason of the error on top of OpenSSL's queue, and ASN.1 times in
 * the RFC 3339 form of our reports.
 */
#ifndef CC_OSSL_H
#define CC_OSSL_H

#include <stddef.h>

#include <time.h>

#include <openssl/asn1.h>
#include <openssl/cms.h>
#include <openssl/x509.h>

/* The reason text of the error on top of OpenSSL's queue (the queue is
 * left as it is), or "no reason given". */
const char *cc_ossl_why(void);
/* "2026-11-28T10:00:00.125Z" from the GeneralizedTime
 * "20261128100000.125Z" (up to 9 fraction digits kept); -1 (and out
 * empty) for anything else or when out is too small. */
int cc_ossl_rfc3339(const ASN1_GENERALIZEDTIME *t, char *out, size_t size);

/* A name for messages: its last CN, else the whole name on one line;
 * control characters and bad UTF-8 shown as '?', cut to fit size (> 0). */
void cc_ossl_name(const X509_NAME *name, char *out, size_t size);
/* The same of a certificate's subject. */
void cc_ossl_cert_name(X509 *x, char *out, size_t size);
/* An ASN.1 time as seconds since the epoch; -1 when malformed. */
int cc_ossl_time(const ASN1_TIME *t, time_t *out);
/* "2026-11-28T10:00:00Z" ("?" when t cannot be shown). */
void cc_ossl_fmt_time(time_t t, char *out, size_t size);

/* A PEM password callback that never gives one: an encrypted PEM block is
 * refused, never asked about. */
int cc_ossl_no_password(char *buf, int size, int rwflag, void *u);

/* What the ESS signing-certificate(-v2) attributes of si say of signer
 * (certs, in any order, complete a chain for their identifiers). */
enum cc_ess {
	CC_ESS_OK,	  /* they name signer */
	CC_ESS_ABSENT,	  /* there is neither */
	CC_ESS_MALFORMED, /* one cannot be decoded */
	CC_ESS_MISMATCH,  /* they name another certificate */
	CC_ESS_NOMEM,
};
enum cc_ess cc_ossl_ess_check(CMS_SignerInfo *si, X509 *signer,
			      STACK_OF(X509) * certs);

#endif
