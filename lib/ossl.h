/*
 * ossl.h - small things every module that speaks OpenSSL needs alike:
 * the reason of the error on top of OpenSSL's queue, and ASN.1 times in
 * the RFC 3339 form of our reports.
 */
#ifndef CC_OSSL_H
#define CC_OSSL_H

#include <stddef.h>

#include <openssl/asn1.h>

/* The reason text of the error on top of OpenSSL's queue (the queue is
 * left as it is), or "no reason given". */
const char *cc_ossl_why(void);
/* "2026-11-28T10:00:00.125Z" from the GeneralizedTime
 * "20261128100000.125Z" (up to 9 fraction digits kept); -1 (and out
 * empty) for anything else or when out is too small. */
int cc_ossl_rfc3339(const ASN1_GENERALIZEDTIME *t, char *out, size_t size);

#endif
