/*
 * revocation.c - OCSP responses and CRLs checked against the issuer, and
 * gathered for a certificate path (revocation.h). OpenSSL decodes; the
 * checks (CertID, responder, signature, times, coverage) are made here, so
 * that each refusal says why and "now" is the caller's.
 */
#include "revocation.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "buf.h"
#include "http.h"
#include "ossl.h"

#define MAX_OCSP (1 << 20)
#define MAX_CRL (16 << 20)
#define MAX_CERT (1 << 20)
#define MAX_PATH 16
/* URLs of one kind tried per certificate: each may cost a time-out. */
#define MAX_URLS 4
/* Seconds a responder's or CA's clock may run ahead of ours. */
#define SKEW 300
/* How long an OCSP answer without nextUpdate is current. */
#define OCSP_MAX_AGE (24 * 3600)
#define DEFAULT_TIMEOUT_MS 10000L

/* Write a reason into why; returns code. */
static int say(char *why, size_t size, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int say(char *why, size_t size, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(why, size, fmt, ap) < 0)
		why[0] = '\0';
	va_end(ap);
	return code;
}

/* Add a reason to those in why, "; " between them, cut to fit. */
static void note(char *why, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void note(char *why, size_t size, const char *fmt, ...)
{
	size_t used = strlen(why);
	va_list ap;

	if (used) {
		if (used + 3 >= size)
			return;
		memcpy(why + used, "; ", 3);
		used += 2;
	}
	if (used + 1 >= size)
		return;
	va_start(ap, fmt);
	if (vsnprintf(why + used, size - used, fmt, ap) < 0)
		why[used] = '\0';
	va_end(ap);
}

static const char *reason_name(long r)
{
	/* CRLReason, RFC 5280 5.3.1; 7 is not used. */
	static const char *const names[] = {
		"unspecified",	   "keyCompromise",
		"cACompromise",	   "affiliationChanged",
		"superseded",	   "cessationOfOperation",
		"certificateHold", NULL,
		"removeFromCRL",   "privilegeWithdrawn",
		"aACompromise",
	};

	if (r == -1)
		return "no reason given";
	if (r < 0 || (size_t)r >= sizeof(names) / sizeof(names[0]) || !names[r])
		return "unknown reason";
	return names[r];
}

/* The reason of a CC_NO: "keyCompromise, since 2026-11-28T10:00:00Z". */
static int revoked(char *why, size_t size, long reason, const ASN1_TIME *when)
{
	char date[32];
	time_t t;

	if (cc_ossl_time(when, &t))
		return say(why, size, CC_NO, "%s, at an unreadable time",
			   reason_name(reason));
	cc_ossl_fmt_time(t, date, sizeof(date));
	return say(why, size, CC_NO, "%s, since %s", reason_name(reason), date);
}

/* An http (or, with tls, https) URL from an IA5String without an embedded
 * NUL. */
static const char *http_uri(const ASN1_IA5STRING *s, int tls)
{
	const char *p;
	int n;

	if (!s || ASN1_STRING_type(s) != V_ASN1_IA5STRING)
		return NULL;
	p = (const char *)ASN1_STRING_get0_data(s);
	n = ASN1_STRING_length(s);
	if (!p || n <= 0 || memchr(p, '\0', (size_t)n) || p[n] != '\0')
		return NULL;
	if (strncasecmp(p, "http://", 7) &&
	    (!tls || strncasecmp(p, "https://", 8)))
		return NULL;
	return p;
}

static int http_str(const char *p)
{
	return p && (!strncasecmp(p, "http://", 7) ||
		     !strncasecmp(p, "https://", 8));
}

/* What a check found beyond its verdict. */
struct found {
	int about;	 /* the data speaks of the certificate */
	X509 *responder; /* a delegated OCSP responder (a reference) */
	/* What it says, once it is about the certificate: */
	time_t this_update, next_update; /* next_update 0: none */
	time_t revoked_at;		 /* when revoked */
	long reason;			 /* CRLReason, -1 none */
};

/* --- OCSP --- */

static const char *response_status_name(int s)
{
	static const char *const names[] = {
		"successful", "malformedRequest", "internalError", "tryLater",
		NULL,	      "sigRequired",	  "unauthorized",
	};

	if (s < 0 || (size_t)s >= sizeof(names) / sizeof(names[0]) || !names[s])
		return "an unknown status";
	return names[s];
}

static const EVP_MD *certid_md(const ASN1_OBJECT *oid)
{
	switch (OBJ_obj2nid(oid)) {
	case NID_sha1:
		return EVP_sha1();
	case NID_sha256:
		return EVP_sha256();
	case NID_sha384:
		return EVP_sha384();
	case NID_sha512:
		return EVP_sha512();
	}
	return NULL;
}

/* The SingleResponse about cert: of several, revoked before unknown
 * before good. */
static int find_single(OCSP_BASICRESP *bs, X509 *cert, X509 *issuer,
		       OCSP_SINGLERESP **single, char *why, size_t size)
{
	const ASN1_INTEGER *serial = X509_get0_serialNumber(cert);
	int best = -1, n = OCSP_resp_count(bs), odd_hash = 0;

	*single = NULL;
	for (int i = 0; i < n; i++) {
		OCSP_SINGLERESP *s = OCSP_resp_get0(bs, i);
		OCSP_CERTID *id =
			s ? (OCSP_CERTID *)OCSP_SINGLERESP_get0_id(s) : NULL;
		ASN1_OBJECT *md_oid = NULL;
		ASN1_INTEGER *their_serial = NULL;
		const EVP_MD *md;
		OCSP_CERTID *mine;
		int same, status, rank;

		if (!id ||
		    !OCSP_id_get0_info(NULL, &md_oid, NULL, &their_serial,
				       id) ||
		    !their_serial || ASN1_INTEGER_cmp(their_serial, serial))
			continue;
		md = certid_md(md_oid);
		if (!md) {
			odd_hash = 1;
			continue;
		}
		mine = OCSP_cert_to_id(md, cert, issuer);
		if (!mine)
			return say(why, size, CC_INPUT,
				   "cannot make the certificate's CertID (%s)",
				   cc_ossl_why());
		same = OCSP_id_cmp(mine, id) == 0;
		OCSP_CERTID_free(mine);
		if (!same)
			continue;
		status = OCSP_single_get0_status(s, NULL, NULL, NULL, NULL);
		rank = status == V_OCSP_CERTSTATUS_REVOKED   ? 2
		       : status == V_OCSP_CERTSTATUS_UNKNOWN ? 1
							     : 0;
		if (rank > best) {
			best = rank;
			*single = s;
		}
	}
	if (!*single)
		return say(why, size, CC_INPUT, "%s",
			   odd_hash ? "not about this certificate (or with a "
				      "CertID hash other than SHA-1 or SHA-2)"
				    : "not about this certificate");
	return CC_OK;
}

/* The ResponderID names x (by name, or by the SHA-1 of its key). */
static int respid_is(const OCSP_BASICRESP *bs, X509 *x)
{
	const ASN1_OCTET_STRING *id = NULL;
	const X509_NAME *name = NULL;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!OCSP_resp_get0_id(bs, &id, &name))
		return 0;
	if (name)
		return X509_NAME_cmp(name, X509_get_subject_name(x)) == 0;
	if (!id || ASN1_STRING_length(id) != 20 ||
	    !X509_pubkey_digest(x, EVP_sha1(), md, &n) || n != 20)
		return 0;
	return memcmp(ASN1_STRING_get0_data(id), md, 20) == 0;
}

static int ocsp_signed_by(const OCSP_BASICRESP *bs, X509 *x)
{
	EVP_PKEY *key = X509_get0_pubkey(x);
	const X509_ALGOR *alg = OCSP_resp_get0_tbs_sigalg(bs);
	const ASN1_OCTET_STRING *sig = OCSP_resp_get0_signature(bs);
	const OCSP_RESPDATA *data = OCSP_resp_get0_respdata(bs);

	return key && alg && sig && data &&
	       ASN1_item_verify(ASN1_ITEM_rptr(OCSP_RESPDATA), alg, sig, data,
				key) == 1;
}

/* x is valid at now. */
static int valid_at(X509 *x, time_t now)
{
	time_t from, to;

	return !cc_ossl_time(X509_get0_notBefore(x), &from) &&
	       !cc_ossl_time(X509_get0_notAfter(x), &to) && from <= now &&
	       now <= to;
}

/* RFC 6960 4.2.2.2: a responder the issuer authorised. */
static int delegate_ok(X509 *r, X509 *issuer, time_t now, char *why,
		       size_t size)
{
	char rname[96], iname[96];
	EVP_PKEY *ikey = X509_get0_pubkey(issuer);
	uint32_t flags;

	cc_ossl_cert_name(r, rname, sizeof(rname));
	cc_ossl_cert_name(issuer, iname, sizeof(iname));
	if (X509_check_issued(issuer, r) != X509_V_OK || !ikey ||
	    X509_verify(r, ikey) != 1)
		return say(why, size, CC_INPUT,
			   "signed by '%s', which '%s' did not certify", rname,
			   iname);
	flags = X509_get_extension_flags(r);
	if (flags & EXFLAG_INVALID)
		return say(why, size, CC_INPUT,
			   "the responder certificate '%s' is malformed",
			   rname);
	if (!(flags & EXFLAG_XKUSAGE) ||
	    !(X509_get_extended_key_usage(r) & XKU_OCSP_SIGN))
		return say(why, size, CC_INPUT,
			   "signed by '%s', which has no extended key usage "
			   "OCSPSigning",
			   rname);
	if ((flags & EXFLAG_KUSAGE) &&
	    !(X509_get_key_usage(r) & KU_DIGITAL_SIGNATURE))
		return say(why, size, CC_INPUT,
			   "signed by '%s', whose key usage does not allow "
			   "digitalSignature",
			   rname);
	if (!valid_at(r, now))
		return say(why, size, CC_INPUT,
			   "the responder certificate '%s' is not valid at "
			   "the time",
			   rname);
	return CC_OK;
}

/* Who signed: the issuer (*signer NULL) or a delegate of it (*signer,
 * borrowed from bs). */
static int check_signer(OCSP_BASICRESP *bs, X509 *issuer, time_t now,
			X509 **signer, char *why, size_t size)
{
	const STACK_OF(X509) *certs = OCSP_resp_get0_certs(bs);
	char iname[96];
	int tried = 0;

	*signer = NULL;
	cc_ossl_cert_name(issuer, iname, sizeof(iname));
	if (respid_is(bs, issuer)) {
		if (ocsp_signed_by(bs, issuer))
			return CC_OK;
		tried = 1;
		say(why, size, CC_INPUT,
		    "its signature does not verify with the key of '%s'",
		    iname);
	}
	for (int i = 0; i < sk_X509_num(certs); i++) {
		X509 *c = sk_X509_value(certs, i);

		if (!c || X509_cmp(c, issuer) == 0 || !respid_is(bs, c))
			continue;
		tried = 1;
		if (delegate_ok(c, issuer, now, why, size))
			continue;
		if (!ocsp_signed_by(bs, c)) {
			char rname[96];

			cc_ossl_cert_name(c, rname, sizeof(rname));
			say(why, size, CC_INPUT,
			    "its signature does not verify with the key of "
			    "'%s'",
			    rname);
			continue;
		}
		*signer = c;
		return CC_OK;
	}
	if (!tried)
		return say(why, size, CC_INPUT,
			   "signed by a responder that is neither '%s' nor "
			   "in the response",
			   iname);
	return CC_INPUT;
}

/* thisUpdate/nextUpdate of one answer, producedAt of the response. */
static int ocsp_current(const OCSP_BASICRESP *bs, OCSP_SINGLERESP *single,
			time_t now, char *why, size_t size)
{
	ASN1_GENERALIZEDTIME *thisupd = NULL, *nextupd = NULL;
	time_t produced, t_this, t_next;
	char date[32];

	if (cc_ossl_time(OCSP_resp_get0_produced_at(bs), &produced))
		return say(why, size, CC_INPUT, "its producedAt is malformed");
	OCSP_single_get0_status(single, NULL, NULL, &thisupd, &nextupd);
	if (cc_ossl_time(thisupd, &t_this))
		return say(why, size, CC_INPUT, "its thisUpdate is malformed");
	if (produced > now + SKEW || t_this > now + SKEW) {
		cc_ossl_fmt_time(produced > t_this ? produced : t_this, date,
				 sizeof(date));
		return say(why, size, CC_INPUT, "issued in the future (%s)",
			   date);
	}
	if (!nextupd) {
		if (now - t_this > OCSP_MAX_AGE) {
			cc_ossl_fmt_time(t_this, date, sizeof(date));
			return say(why, size, CC_INPUT,
				   "out of date (this update %s, no next "
				   "update)",
				   date);
		}
		return CC_OK;
	}
	if (cc_ossl_time(nextupd, &t_next) || t_next < t_this)
		return say(why, size, CC_INPUT, "its nextUpdate is malformed");
	if (now > t_next) {
		cc_ossl_fmt_time(t_next, date, sizeof(date));
		return say(why, size, CC_INPUT, "out of date (next update %s)",
			   date);
	}
	return CC_OK;
}

/* A whole DER OCSPResponse, successful, as its BasicOCSPResponse. */
static int ocsp_parse(const unsigned char *der, size_t len,
		      OCSP_BASICRESP **out, char *why, size_t size)
{
	const unsigned char *p = der;
	OCSP_RESPONSE *resp = NULL;
	int ret = CC_OK, status;

	*out = NULL;
	if (!der || len == 0)
		return say(why, size, CC_INPUT, "no bytes");
	if (len > LONG_MAX)
		return say(why, size, CC_INPUT, "%zu bytes", len);
	resp = d2i_OCSP_RESPONSE(NULL, &p, (long)len);
	if (!resp)
		return say(why, size, CC_INPUT, "not an OCSP response (%s)",
			   cc_ossl_why());
	if (p != der + len) {
		ret = say(why, size, CC_INPUT,
			  "%zu bytes after the OCSP response",
			  len - (size_t)(p - der));
		goto out;
	}
	status = OCSP_response_status(resp);
	if (status != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
		ret = say(why, size, CC_INPUT, "the responder answered '%s'",
			  response_status_name(status));
		goto out;
	}
	*out = OCSP_response_get1_basic(resp);
	if (!*out)
		ret = say(why, size, CC_INPUT, "not a basic OCSP response (%s)",
			  cc_ossl_why());
out:
	OCSP_RESPONSE_free(resp);
	return ret;
}

/*
 * The verdict of a BasicOCSPResponse on cert: CC_OK, CC_NO (why: reason
 * and time), CC_INPUT or CC_SYSTEM (why: the defect). With req, its nonce
 * must not be contradicted.
 */
static int ocsp_judge(OCSP_BASICRESP *bs, X509 *cert, X509 *issuer, time_t now,
		      OCSP_REQUEST *req, struct found *f, char *why,
		      size_t size)
{
	OCSP_SINGLERESP *single = NULL;
	ASN1_GENERALIZEDTIME *revtime = NULL;
	X509 *signer = NULL;
	int ret, status, reason = -1;

	memset(f, 0, sizeof(*f));
	ret = find_single(bs, cert, issuer, &single, why, size);
	if (ret)
		goto out;
	f->about = 1;
	f->reason = -1;
	{
		ASN1_GENERALIZEDTIME *tu = NULL, *nu = NULL;

		OCSP_single_get0_status(single, NULL, NULL, &tu, &nu);
		if (cc_ossl_time(tu, &f->this_update) ||
		    (nu && cc_ossl_time(nu, &f->next_update))) {
			ret = say(why, size, CC_INPUT,
				  "its thisUpdate or nextUpdate is "
				  "malformed");
			goto out;
		}
	}
	/* 0: as of the answer's own time (cc_revocation_status). */
	if (now == 0)
		now = f->this_update;
	ret = check_signer(bs, issuer, now, &signer, why, size);
	if (ret)
		goto out;
	ret = ocsp_current(bs, single, now, why, size);
	if (ret)
		goto out;
	/* 1 equal, 2 none sent, -1 not echoed, 3 only in the answer. */
	if (req && OCSP_check_nonce(req, bs) == 0) {
		ret = say(why, size, CC_INPUT,
			  "nonce mismatch (an answer to another request)");
		goto out;
	}
	status = OCSP_single_get0_status(single, &reason, &revtime, NULL, NULL);
	if (status == V_OCSP_CERTSTATUS_REVOKED) {
		f->reason = reason;
		if (cc_ossl_time(revtime, &f->revoked_at))
			f->revoked_at = f->this_update;
		ret = revoked(why, size, reason, revtime);
	} else if (status == V_OCSP_CERTSTATUS_GOOD) {
		ret = CC_OK;
	} else {
		ret = say(why, size, CC_INPUT,
			  "the responder does not know the certificate "
			  "(status unknown)");
		goto out;
	}
	if (signer && X509_up_ref(signer))
		f->responder = signer;
out:
	return ret;
}

/* ocsp_parse, then ocsp_judge. */
static int ocsp_verify(const unsigned char *der, size_t len, X509 *cert,
		       X509 *issuer, time_t now, OCSP_REQUEST *req,
		       struct found *f, char *why, size_t size)
{
	OCSP_BASICRESP *bs = NULL;
	int ret;

	memset(f, 0, sizeof(*f));
	ret = ocsp_parse(der, len, &bs, why, size);
	if (ret == CC_OK)
		ret = ocsp_judge(bs, cert, issuer, now, req, f, why, size);
	OCSP_BASICRESP_free(bs);
	return ret;
}

/* --- CRLs --- */

/* No password is ever asked for: an encrypted PEM block is refused. */
static int no_password(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

/* A CRL in DER (starting with a SEQUENCE) or PEM. */
static int crl_parse(const unsigned char *der, size_t len, X509_CRL **crl,
		     char *why, size_t size)
{
	const unsigned char *p = der;
	BIO *bio;

	*crl = NULL;
	if (!der || len == 0)
		return say(why, size, CC_INPUT, "no bytes");
	if (len > INT_MAX)
		return say(why, size, CC_INPUT, "%zu bytes", len);
	if (der[0] != 0x30) {
		bio = BIO_new_mem_buf(der, (int)len);
		if (!bio)
			return say(why, size, CC_SYSTEM, "out of memory");
		*crl = PEM_read_bio_X509_CRL(bio, NULL, no_password, NULL);
		BIO_free(bio);
		if (!*crl)
			return say(why, size, CC_INPUT,
				   "not a CRL in DER or PEM (%s)",
				   cc_ossl_why());
		return CC_OK;
	}
	*crl = d2i_X509_CRL(NULL, &p, (long)len);
	if (!*crl)
		return say(why, size, CC_INPUT, "not a CRL (%s)",
			   cc_ossl_why());
	if (p != der + len) {
		X509_CRL_free(*crl);
		*crl = NULL;
		return say(why, size, CC_INPUT, "%zu bytes after the CRL",
			   len - (size_t)(p - der));
	}
	return CC_OK;
}

/* One of the full names of the issuing distribution point is one of the
 * certificate's distribution points. */
static int idp_covers(const DIST_POINT_NAME *idp, X509 *cert)
{
	STACK_OF(DIST_POINT) * cdp;
	int hit = 0;

	if (!idp || idp->type != 0)
		return 0;
	cdp = X509_get_ext_d2i(cert, NID_crl_distribution_points, NULL, NULL);
	for (int i = 0; !hit && i < sk_DIST_POINT_num(cdp); i++) {
		DIST_POINT *dp = sk_DIST_POINT_value(cdp, i);
		GENERAL_NAMES *names;

		if (!dp || !dp->distpoint || dp->distpoint->type != 0)
			continue;
		names = dp->distpoint->name.fullname;
		for (int j = 0; !hit && j < sk_GENERAL_NAME_num(names); j++)
			for (int k = 0; !hit && k < sk_GENERAL_NAME_num(
							    idp->name.fullname);
			     k++)
				hit = GENERAL_NAME_cmp(
					      sk_GENERAL_NAME_value(names, j),
					      sk_GENERAL_NAME_value(
						      idp->name.fullname, k)) ==
				      0;
	}
	sk_DIST_POINT_pop_free(cdp, DIST_POINT_free);
	return hit;
}

/* A complete CRL whose scope takes in cert (RFC 5280 6.3.3 b). */
static int crl_scope(X509_CRL *crl, X509 *cert, char *why, size_t size)
{
	ISSUING_DIST_POINT *idp;
	int crit = -1, ca, ret = CC_OK;

	if (X509_CRL_get_ext_by_NID(crl, NID_delta_crl, -1) >= 0)
		return say(why, size, CC_INPUT, "a delta CRL");
	for (int i = 0; i < X509_CRL_get_ext_count(crl); i++) {
		X509_EXTENSION *ext = X509_CRL_get_ext(crl, i);

		if (X509_EXTENSION_get_critical(ext) &&
		    OBJ_obj2nid(X509_EXTENSION_get_object(ext)) !=
			    NID_issuing_distribution_point)
			return say(why, size, CC_INPUT,
				   "an unknown critical extension");
	}
	idp = X509_CRL_get_ext_d2i(crl, NID_issuing_distribution_point, &crit,
				   NULL);
	if (!idp)
		return crit == -1 ? CC_OK
				  : say(why, size, CC_INPUT,
					"a malformed issuing distribution "
					"point");
	ca = (X509_get_extension_flags(cert) & EXFLAG_CA) != 0;
	if (idp->onlysomereasons)
		ret = say(why, size, CC_INPUT,
			  "it covers only some revocation reasons");
	else if (idp->indirectCRL)
		ret = say(why, size, CC_INPUT, "an indirect CRL");
	else if (idp->onlyattr)
		ret = say(why, size, CC_INPUT,
			  "it covers only attribute certificates");
	else if (idp->onlyuser && ca)
		ret = say(why, size, CC_INPUT,
			  "it covers only end-entity certificates");
	else if (idp->onlyCA && !ca)
		ret = say(why, size, CC_INPUT,
			  "it covers only CA certificates");
	else if (idp->distpoint && !idp_covers(idp->distpoint, cert))
		ret = say(why, size, CC_INPUT,
			  "it is for another distribution point");
	ISSUING_DIST_POINT_free(idp);
	return ret;
}

/* The verdict of a CRL on cert, as ocsp_verify. */
static int crl_verify(X509_CRL *crl, X509 *cert, X509 *issuer, time_t now,
		      struct found *f, char *why, size_t size)
{
	const X509_NAME *by = X509_CRL_get_issuer(crl);
	char iname[96], cname[96], date[32];
	EVP_PKEY *key = X509_get0_pubkey(issuer);
	X509_REVOKED *rev = NULL;
	ASN1_ENUMERATED *e;
	time_t t_this, t_next;
	long reason = -1;
	int ret;

	memset(f, 0, sizeof(*f));
	cc_ossl_cert_name(issuer, iname, sizeof(iname));
	if (!by || X509_NAME_cmp(by, X509_get_subject_name(issuer)) != 0) {
		cc_ossl_name(by, cname, sizeof(cname));
		return say(why, size, CC_INPUT, "issued by '%s', not by '%s'",
			   cname, iname);
	}
	if (X509_NAME_cmp(X509_get_issuer_name(cert),
			  X509_get_subject_name(issuer)) != 0)
		return say(why, size, CC_INPUT,
			   "the certificate is not issued by '%s'", iname);
	f->about = 1;
	if ((X509_get_extension_flags(issuer) & EXFLAG_KUSAGE) &&
	    !(X509_get_key_usage(issuer) & KU_CRL_SIGN))
		return say(why, size, CC_INPUT, "'%s' has no key usage cRLSign",
			   iname);
	if (!key || X509_CRL_verify(crl, key) != 1)
		return say(why, size, CC_INPUT,
			   "its signature does not verify with the key of "
			   "'%s'",
			   iname);
	ret = crl_scope(crl, cert, why, size);
	if (ret)
		return ret;
	if (cc_ossl_time(X509_CRL_get0_lastUpdate(crl), &t_this))
		return say(why, size, CC_INPUT, "its thisUpdate is malformed");
	f->this_update = t_this;
	f->reason = -1;
	if (now == 0)
		now = t_this;
	if (t_this > now + SKEW) {
		cc_ossl_fmt_time(t_this, date, sizeof(date));
		return say(why, size, CC_INPUT, "issued in the future (%s)",
			   date);
	}
	if (!X509_CRL_get0_nextUpdate(crl))
		return say(why, size, CC_INPUT, "it has no nextUpdate");
	if (cc_ossl_time(X509_CRL_get0_nextUpdate(crl), &t_next) ||
	    t_next < t_this)
		return say(why, size, CC_INPUT, "its nextUpdate is malformed");
	f->next_update = t_next;
	if (now > t_next) {
		cc_ossl_fmt_time(t_next, date, sizeof(date));
		return say(why, size, CC_INPUT, "out of date (next update %s)",
			   date);
	}
	/* 2: removeFromCRL, which only a delta CRL may say. */
	if (X509_CRL_get0_by_cert(crl, &rev, cert) != 1 || !rev)
		return CC_OK;
	for (int i = 0; i < X509_REVOKED_get_ext_count(rev); i++) {
		X509_EXTENSION *ext = X509_REVOKED_get_ext(rev, i);
		int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));

		if (X509_EXTENSION_get_critical(ext) && nid != NID_crl_reason &&
		    nid != NID_invalidity_date)
			return say(why, size, CC_INPUT,
				   "its entry for the certificate has an "
				   "unknown critical extension");
	}
	e = X509_REVOKED_get_ext_d2i(rev, NID_crl_reason, NULL, NULL);
	if (e) {
		reason = ASN1_ENUMERATED_get(e);
		if (reason < 0)
			reason = LONG_MAX;
		ASN1_ENUMERATED_free(e);
	}
	f->reason = reason;
	if (cc_ossl_time(X509_REVOKED_get0_revocationDate(rev), &f->revoked_at))
		f->revoked_at = t_this;
	return revoked(why, size, reason,
		       X509_REVOKED_get0_revocationDate(rev));
}

/* --- the public checks --- */

static int verdict(int ret, const char *what, X509 *cert, const char *why,
		   struct cc_error *err)
{
	char name[96];

	if (ret == CC_OK)
		return CC_OK;
	cc_ossl_cert_name(cert, name, sizeof(name));
	if (ret == CC_NO)
		return cc_error_set(err, CC_NO,
				    "certificate '%s' is revoked (%s)", name,
				    why);
	if (ret == CC_INPUT)
		return cc_error_set(err, CC_INPUT, "bad %s for '%s': %s", what,
				    name, why);
	return cc_error_set(err, ret, "%s", why);
}

int cc_ocsp_check(const unsigned char *resp, size_t len, X509 *cert,
		  X509 *issuer, time_t now, struct cc_error *err)
{
	char why[200] = "";
	struct found f;
	int ret;

	if (!cert || !issuer)
		return cc_error_set(err, CC_USAGE,
				    "no certificate or no issuer");
	ERR_clear_error();
	ret = ocsp_verify(resp, len, cert, issuer, now, NULL, &f, why,
			  sizeof(why));
	X509_free(f.responder);
	ret = verdict(ret, "OCSP response", cert, why, err);
	ERR_clear_error();
	return ret;
}

int cc_crl_check(const unsigned char *der, size_t len, X509 *cert, X509 *issuer,
		 time_t now, struct cc_error *err)
{
	char why[200] = "";
	X509_CRL *crl = NULL;
	struct found f;
	int ret;

	if (!cert || !issuer)
		return cc_error_set(err, CC_USAGE,
				    "no certificate or no issuer");
	ERR_clear_error();
	ret = crl_parse(der, len, &crl, why, sizeof(why));
	if (ret == CC_OK)
		ret = crl_verify(crl, cert, issuer, now, &f, why, sizeof(why));
	X509_CRL_free(crl);
	ret = verdict(ret, "CRL", cert, why, err);
	ERR_clear_error();
	return ret;
}

/* --- gathering --- */

struct given {
	const char *path;
	struct cc_buf der; /* an OCSPResponse as read; a CRL in DER */
	X509_CRL *crl;	   /* CRLs only */
};

struct collector {
	time_t now;
	long timeout_ms;
	int offline;
	int keep_revoked; /* a revoked answer is data too (cc_revdata_fetch) */
	struct given *ocsps, *crls;
	size_t nocsps, ncrls;
	struct cc_revdata *out;
};

void cc_revdata_free(struct cc_revdata *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->ncerts; i++)
		cc_buf_free(&d->certs[i]);
	for (size_t i = 0; i < d->nocsps; i++)
		cc_buf_free(&d->ocsps[i]);
	for (size_t i = 0; i < d->ncrls; i++)
		cc_buf_free(&d->crls[i]);
	free(d->certs);
	free(d->ocsps);
	free(d->crls);
	memset(d, 0, sizeof(*d));
}

/* Append a copy of p unless the same bytes are there; -1: no memory. */
static int add_blob(struct cc_buf **arr, size_t *n, const unsigned char *p,
		    size_t len)
{
	struct cc_buf *a;

	for (size_t i = 0; i < *n; i++)
		if ((*arr)[i].len == len && !memcmp((*arr)[i].data, p, len))
			return 0;
	if (*n >= SIZE_MAX / sizeof(**arr) - 1)
		return -1;
	a = realloc(*arr, (*n + 1) * sizeof(**arr));
	if (!a)
		return -1;
	*arr = a;
	memset(&a[*n], 0, sizeof(a[*n]));
	cc_buf_put(&a[*n], p, len);
	if (a[*n].failed) {
		cc_buf_free(&a[*n]);
		return -1;
	}
	(*n)++;
	return 0;
}

static int add_cert(struct cc_revdata *out, X509 *x)
{
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der), r;

	if (len <= 0)
		return -1;
	r = add_blob(&out->certs, &out->ncerts, der, (size_t)len);
	OPENSSL_free(der);
	return r;
}

static void free_given(struct given *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		cc_buf_free(&g[i].der);
		X509_CRL_free(g[i].crl);
	}
	free(g);
}

/* Read the given files: OCSP responses (crl 0) or CRLs (crl 1). */
static int read_given(const char *const *paths, int crl, struct given **out,
		      size_t *nout, struct cc_error *err)
{
	struct given *g;
	size_t n = 0;
	char why[200];
	int ret = CC_OK;

	*out = NULL;
	*nout = 0;
	while (paths && paths[n])
		n++;
	if (n == 0)
		return CC_OK;
	g = calloc(n, sizeof(*g));
	if (!g)
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	for (size_t i = 0; i < n && ret == CC_OK; i++) {
		const unsigned char *p;
		OCSP_RESPONSE *r;
		unsigned char *der = NULL;
		int len;

		g[i].path = paths[i];
		ret = cc_buf_read_file(&g[i].der, paths[i],
				       crl ? MAX_CRL : MAX_OCSP, err);
		if (ret)
			break;
		if (g[i].der.failed) {
			ret = cc_error_set(err, CC_SYSTEM, "out of memory");
			break;
		}
		if (!crl) {
			p = g[i].der.data;
			r = g[i].der.len && g[i].der.len <= LONG_MAX
				    ? d2i_OCSP_RESPONSE(NULL, &p,
							(long)g[i].der.len)
				    : NULL;
			if (!r || p != g[i].der.data + g[i].der.len)
				ret = cc_error_set(err, CC_INPUT,
						   "cannot use '%s': not a DER "
						   "OCSP response",
						   paths[i]);
			OCSP_RESPONSE_free(r);
			continue;
		}
		ret = crl_parse(g[i].der.data, g[i].der.len, &g[i].crl, why,
				sizeof(why));
		if (ret) {
			ret = cc_error_set(err, ret, "cannot use '%s': %s",
					   paths[i], why);
			break;
		}
		/* Kept in DER for /DSS, whatever the file's form. */
		len = i2d_X509_CRL(g[i].crl, &der);
		g[i].der.len = 0;
		if (len > 0)
			cc_buf_put(&g[i].der, der, (size_t)len);
		OPENSSL_free(der);
		if (len <= 0 || g[i].der.failed)
			ret = cc_error_set(err, CC_SYSTEM, "out of memory");
	}
	*out = g;
	*nout = n;
	return ret;
}

/*
 * After a check of data about x from source: CC_OK keeps the data (and the
 * responder's certificate) and is the end, CC_NO is the end with err set;
 * anything else is noted in why and -1 says go on.
 */
static int settle(struct collector *c, int rc, int crl, const unsigned char *p,
		  size_t len, X509 *responder, const char *name,
		  const char *source, const char *one, char *why, size_t size,
		  struct cc_error *err)
{
	struct cc_revdata *out = c->out;

	if (rc == CC_OK || (rc == CC_NO && c->keep_revoked)) {
		if ((crl ? add_blob(&out->crls, &out->ncrls, p, len)
			 : add_blob(&out->ocsps, &out->nocsps, p, len)) ||
		    (responder && add_cert(out, responder)))
			return cc_error_set(err, CC_SYSTEM, "out of memory");
		return CC_OK;
	}
	if (rc == CC_NO)
		return cc_error_set(err, CC_NO,
				    "certificate '%s' is revoked (%s)", name,
				    one);
	note(why, size, "%s: %s", source, one);
	return -1;
}

static int fetch_ocsp(struct collector *c, const char *url, X509 *x,
		      X509 *issuer, const char *name, char *why, size_t size,
		      struct cc_error *err)
{
	OCSP_REQUEST *req = OCSP_REQUEST_new();
	OCSP_CERTID *id = OCSP_cert_to_id(EVP_sha1(), x, issuer);
	unsigned char *q = NULL;
	struct cc_buf resp = {0};
	struct cc_error e = {0};
	struct found f = {0};
	char shown[100], source[128], one[200];
	int qlen, ret;

	cc_http_printable(shown, sizeof(shown), url, SIZE_MAX);
	snprintf(source, sizeof(source), "OCSP responder '%s'", shown);
	if (!req || !id || !OCSP_request_add0_id(req, id)) {
		OCSP_CERTID_free(id);
		note(why, size, "cannot make an OCSP request (%s)",
		     cc_ossl_why());
		ret = -1;
		goto out;
	}
	/* 16 random bytes, RFC 8954. */
	qlen = OCSP_request_add1_nonce(req, NULL, -1)
		       ? i2d_OCSP_REQUEST(req, &q)
		       : -1;
	if (qlen <= 0) {
		note(why, size, "cannot make an OCSP request (%s)",
		     cc_ossl_why());
		ret = -1;
		goto out;
	}
	if (cc_http_request(url, "application/ocsp-request", q, (size_t)qlen,
			    "application/ocsp-response", c->timeout_ms,
			    MAX_OCSP, &resp, &e)) {
		cc_http_error_name(&e, "OCSP responder");
		note(why, size, "%s", e.msg);
		ret = -1;
		goto out;
	}
	if (resp.failed) {
		ret = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	ret = ocsp_verify(resp.data, resp.len, x, issuer, c->now, req, &f, one,
			  sizeof(one));
	ret = settle(c, ret, 0, resp.data, resp.len, f.responder, name, source,
		     one, why, size, err);
out:
	X509_free(f.responder);
	OPENSSL_free(q);
	OCSP_REQUEST_free(req);
	cc_buf_free(&resp);
	ERR_clear_error();
	return ret;
}

static int fetch_crl(struct collector *c, const char *url, X509 *x,
		     X509 *issuer, const char *name, char *why, size_t size,
		     struct cc_error *err)
{
	struct cc_buf body = {0};
	struct cc_error e = {0};
	struct found f;
	X509_CRL *crl = NULL;
	unsigned char *der = NULL;
	char shown[100], source[128], one[200];
	int len, ret;

	cc_http_printable(shown, sizeof(shown), url, SIZE_MAX);
	snprintf(source, sizeof(source), "CRL '%s'", shown);
	if (cc_http_request(url, NULL, NULL, 0, NULL, c->timeout_ms, MAX_CRL,
			    &body, &e)) {
		note(why, size, "%s", e.msg);
		ret = -1;
		goto out;
	}
	if (body.failed) {
		ret = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	ret = crl_parse(body.data, body.len, &crl, one, sizeof(one));
	if (ret == CC_OK)
		ret = crl_verify(crl, x, issuer, c->now, &f, one, sizeof(one));
	if (ret == CC_OK) {
		len = i2d_X509_CRL(crl, &der);
		if (len <= 0) {
			ret = cc_error_set(err, CC_SYSTEM, "out of memory");
			goto out;
		}
		ret = settle(c, ret, 1, der, (size_t)len, NULL, name, source,
			     one, why, size, err);
	} else {
		ret = settle(c, ret, 1, NULL, 0, NULL, name, source, one, why,
			     size, err);
	}
out:
	OPENSSL_free(der);
	X509_CRL_free(crl);
	cc_buf_free(&body);
	ERR_clear_error();
	return ret;
}

/* The http URIs of the CRL distribution points, at most max: a CRL is
 * signed, and https would only add a TLS trust question. */
static size_t crl_urls(STACK_OF(DIST_POINT) * cdp, const char **urls,
		       size_t max)
{
	size_t n = 0;

	for (int i = 0; n < max && i < sk_DIST_POINT_num(cdp); i++) {
		DIST_POINT *dp = sk_DIST_POINT_value(cdp, i);
		GENERAL_NAMES *names;

		/* Partitioned by reasons or indirect: not a full CRL. */
		if (!dp || !dp->distpoint || dp->distpoint->type != 0 ||
		    dp->reasons || dp->CRLissuer)
			continue;
		names = dp->distpoint->name.fullname;
		for (int j = 0; n < max && j < sk_GENERAL_NAME_num(names);
		     j++) {
			GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, j);
			const char *u = gn && gn->type == GEN_URI
						? http_uri(gn->d.ia5, 0)
						: NULL;

			if (u)
				urls[n++] = u;
		}
	}
	return n;
}

/* The revocation data of x, issued by issuer, into c->out. */
static int cert_data(struct collector *c, X509 *x, X509 *issuer,
		     struct cc_error *err)
{
	STACK_OF(OPENSSL_STRING) *ocsp = NULL;
	STACK_OF(DIST_POINT) *cdp = NULL;
	const char *urls[MAX_URLS];
	char name[96], why[512] = "", one[200], source[300];
	struct found f;
	size_t n;
	int rc, tried = 0;

	/* RFC 6960 4.2.2.2.1: a responder's certificate with
	 * id-pkix-ocsp-nocheck is trusted for its lifetime. */
	if (X509_get_ext_by_NID(x, NID_id_pkix_OCSP_noCheck, -1) >= 0 &&
	    (X509_get_extension_flags(x) & EXFLAG_XKUSAGE) &&
	    (X509_get_extended_key_usage(x) & XKU_OCSP_SIGN))
		return CC_OK;
	cc_ossl_cert_name(x, name, sizeof(name));
	for (size_t i = 0; i < c->nocsps; i++) {
		struct given *g = &c->ocsps[i];

		rc = ocsp_verify(g->der.data, g->der.len, x, issuer, c->now,
				 NULL, &f, one, sizeof(one));
		if (f.about || rc == CC_SYSTEM) {
			snprintf(source, sizeof(source), "'%s'", g->path);
			rc = settle(c, rc, 0, g->der.data, g->der.len,
				    f.responder, name, source, one, why,
				    sizeof(why), err);
		} else {
			rc = -1;
		}
		X509_free(f.responder);
		if (rc != -1)
			goto out;
	}
	for (size_t i = 0; i < c->ncrls; i++) {
		struct given *g = &c->crls[i];

		rc = crl_verify(g->crl, x, issuer, c->now, &f, one,
				sizeof(one));
		if (!f.about)
			continue;
		snprintf(source, sizeof(source), "'%s'", g->path);
		rc = settle(c, rc, 1, g->der.data, g->der.len, NULL, name,
			    source, one, why, sizeof(why), err);
		if (rc != -1)
			goto out;
	}
	if (c->offline) {
		rc = cc_error_set(err, CC_SYSTEM,
				  "no revocation data for '%s': %s", name,
				  why[0] ? why
					 : "offline, and no given OCSP "
					   "response or CRL is about it");
		goto out;
	}

	ocsp = X509_get1_ocsp(x);
	n = 0;
	for (int i = 0; n < MAX_URLS && i < sk_OPENSSL_STRING_num(ocsp); i++) {
		const char *u = sk_OPENSSL_STRING_value(ocsp, i);

		if (http_str(u))
			urls[n++] = u;
	}
	for (size_t i = 0; i < n; i++) {
		tried = 1;
		rc = fetch_ocsp(c, urls[i], x, issuer, name, why, sizeof(why),
				err);
		if (rc != -1)
			goto out;
	}
	cdp = X509_get_ext_d2i(x, NID_crl_distribution_points, NULL, NULL);
	n = crl_urls(cdp, urls, MAX_URLS);
	for (size_t i = 0; i < n; i++) {
		tried = 1;
		rc = fetch_crl(c, urls[i], x, issuer, name, why, sizeof(why),
			       err);
		if (rc != -1)
			goto out;
	}
	rc = cc_error_set(err, CC_SYSTEM, "no revocation data for '%s': %s",
			  name,
			  why[0]  ? why
			  : tried ? "no answer"
				  : "it names no http OCSP responder or CRL "
				    "distribution point");
out:
	X509_email_free(ocsp);
	sk_DIST_POINT_pop_free(cdp, DIST_POINT_free);
	ERR_clear_error();
	return rc;
}

/* The certificate in chain that issued x, by name, key identifier and
 * signature; borrowed. */
static X509 *issuer_in(const STACK_OF(X509) * chain, X509 *x)
{
	for (int i = 0; i < sk_X509_num(chain); i++) {
		X509 *c = sk_X509_value(chain, i);
		EVP_PKEY *key = c ? X509_get0_pubkey(c) : NULL;

		if (key && X509_check_issued(c, x) == X509_V_OK &&
		    X509_verify(x, key) == 1)
			return c;
	}
	ERR_clear_error();
	return NULL;
}

/* x's issuer from its AIA caIssuers URLs (a DER certificate or a
 * certs-only PKCS#7), a reference; NULL with reasons in why. */
static X509 *fetch_issuer(struct collector *c, X509 *x, char *why, size_t size)
{
	AUTHORITY_INFO_ACCESS *aia =
		X509_get_ext_d2i(x, NID_info_access, NULL, NULL);
	X509 *found = NULL;
	int tries = 0;

	for (int i = 0;
	     !found && tries < MAX_URLS && i < sk_ACCESS_DESCRIPTION_num(aia);
	     i++) {
		ACCESS_DESCRIPTION *ad = sk_ACCESS_DESCRIPTION_value(aia, i);
		struct cc_buf body = {0};
		struct cc_error e = {0};
		const unsigned char *p;
		const char *url;
		char shown[100];
		X509 *cand;
		PKCS7 *p7;

		if (!ad || OBJ_obj2nid(ad->method) != NID_ad_ca_issuers ||
		    !ad->location || ad->location->type != GEN_URI ||
		    !(url = http_uri(ad->location->d.uniformResourceIdentifier,
				     0)))
			continue;
		tries++;
		if (cc_http_request(url, NULL, NULL, 0, NULL, c->timeout_ms,
				    MAX_CERT, &body, &e)) {
			note(why, size, "%s", e.msg);
			continue;
		}
		p = body.data;
		cand = body.len && !body.failed
			       ? d2i_X509(NULL, &p, (long)body.len)
			       : NULL;
		if (cand) {
			STACK_OF(X509) *one = sk_X509_new_null();

			if (one && sk_X509_push(one, cand) &&
			    p == body.data + body.len && issuer_in(one, x))
				found = cand;
			sk_X509_free(one);
			if (!found)
				X509_free(cand);
		} else if (body.len && !body.failed) {
			p = body.data;
			p7 = d2i_PKCS7(NULL, &p, (long)body.len);
			if (p7 && PKCS7_type_is_signed(p7) && p7->d.sign) {
				found = issuer_in(p7->d.sign->cert, x);
				if (found && !X509_up_ref(found))
					found = NULL;
			}
			PKCS7_free(p7);
		}
		if (!found) {
			cc_http_printable(shown, sizeof(shown), url, SIZE_MAX);
			note(why, size,
			     "'%s' gave no certificate that issued it", shown);
		}
		cc_buf_free(&body);
	}
	AUTHORITY_INFO_ACCESS_free(aia);
	ERR_clear_error();
	return found;
}

/* cert, its issuer, and so on up to a self-signed root (*root 1) or as far
 * as chain and caIssuers go; each a reference. */
static int build_path(struct collector *c, X509 *cert, STACK_OF(X509) * chain,
		      STACK_OF(X509) * *path, int *root, struct cc_error *err)
{
	char name[96], iname[96], why[300] = "";
	X509 *x = cert, *issuer;
	int owned;

	*root = 0;
	*path = sk_X509_new_null();
	if (!*path || !X509_up_ref(cert))
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	if (!sk_X509_push(*path, cert)) {
		X509_free(cert);
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	}
	for (;;) {
		if (X509_self_signed(x, 1) == 1) {
			*root = 1;
			break;
		}
		ERR_clear_error();
		cc_ossl_cert_name(x, name, sizeof(name));
		if (sk_X509_num(*path) >= MAX_PATH)
			return cc_error_set(err, CC_INPUT,
					    "cannot check the revocation of "
					    "'%s': its path is longer than %d",
					    name, MAX_PATH);
		issuer = issuer_in(chain, x);
		owned = 0;
		if (!issuer && !c->offline) {
			issuer = fetch_issuer(c, x, why, sizeof(why));
			owned = 1;
		}
		if (!issuer) {
			cc_ossl_name(X509_get_issuer_name(x), iname,
				     sizeof(iname));
			if (why[0])
				return cc_error_set(err, CC_SYSTEM,
						    "cannot check the "
						    "revocation of '%s': its "
						    "issuer '%s' is not in the "
						    "chain (%s)",
						    name, iname, why);
			return cc_error_set(err, CC_INPUT,
					    "cannot check the revocation of "
					    "'%s': its issuer '%s' is not in "
					    "the chain",
					    name, iname);
		}
		for (int i = 0; i < sk_X509_num(*path); i++) {
			if (X509_cmp(sk_X509_value(*path, i), issuer) == 0) {
				if (owned)
					X509_free(issuer);
				return cc_error_set(err, CC_INPUT,
						    "cannot check the "
						    "revocation of '%s': its "
						    "path has a loop",
						    name);
			}
		}
		if (!owned && !X509_up_ref(issuer))
			return cc_error_set(err, CC_SYSTEM, "out of memory");
		if (!sk_X509_push(*path, issuer)) {
			X509_free(issuer);
			return cc_error_set(err, CC_SYSTEM, "out of memory");
		}
		x = issuer;
	}
	return CC_OK;
}

int cc_revdata_collect(X509 *cert, STACK_OF(X509) * chain,
		       const struct cc_revdata_opts *o, struct cc_revdata *out,
		       struct cc_error *err)
{
	struct collector c = {0};
	STACK_OF(X509) *path = NULL;
	int ret, root = 0, n;

	if (out)
		memset(out, 0, sizeof(*out));
	if (!cert || !out)
		return cc_error_set(err, CC_USAGE,
				    "no certificate or no place for the data");
	ERR_clear_error();
	c.now = o && o->now ? o->now : time(NULL);
	c.timeout_ms =
		o && o->timeout_ms > 0 ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
	c.offline = o && o->offline;
	c.out = out;
	ret = read_given(o ? o->ocsp_files : NULL, 0, &c.ocsps, &c.nocsps, err);
	if (ret == CC_OK)
		ret = read_given(o ? o->crl_files : NULL, 1, &c.crls, &c.ncrls,
				 err);
	if (ret == CC_OK)
		ret = build_path(&c, cert, chain, &path, &root, err);
	if (ret)
		goto out;
	n = sk_X509_num(path);
	for (int i = 0; i < n; i++) {
		if (add_cert(out, sk_X509_value(path, i))) {
			ret = cc_error_set(err, CC_SYSTEM, "out of memory");
			goto out;
		}
	}
	/* build_path fails unless the top is a root. */
	for (int i = 0; i + 1 < n; i++) {
		ret = cert_data(&c, sk_X509_value(path, i),
				sk_X509_value(path, i + 1), err);
		if (ret)
			goto out;
	}
	ret = CC_OK;
out:
	sk_X509_pop_free(path, X509_free);
	free_given(c.ocsps, c.nocsps);
	free_given(c.crls, c.ncrls);
	if (ret)
		cc_revdata_free(out);
	ERR_clear_error();
	return ret;
}

/* --- for a verifier --- */

struct cc_revitem {
	OCSP_BASICRESP *bs; /* one of the two */
	X509_CRL *crl;
	char why[200]; /* when neither: why it cannot be read */
};

struct cc_revitem *cc_revitem_new(const unsigned char *der, size_t len, int crl)
{
	struct cc_revitem *it = calloc(1, sizeof(*it));

	if (!it)
		return NULL;
	if (crl)
		crl_parse(der, len, &it->crl, it->why, sizeof(it->why));
	else
		ocsp_parse(der, len, &it->bs, it->why, sizeof(it->why));
	ERR_clear_error();
	return it;
}

void cc_revitem_free(struct cc_revitem *it)
{
	if (!it)
		return;
	OCSP_BASICRESP_free(it->bs);
	X509_CRL_free(it->crl);
	free(it);
}

int cc_revocation_status(const struct cc_revitem *it, X509 *cert, X509 *issuer,
			 struct cc_revstatus *st, struct cc_error *err)
{
	char why[200] = "";
	struct found f = {0};
	int ret;

	memset(st, 0, sizeof(*st));
	if (!cert || !issuer || !it)
		return cc_error_set(err, CC_USAGE,
				    "no certificate or no issuer");
	ERR_clear_error();
	if (it->crl) {
		ret = crl_verify(it->crl, cert, issuer, 0, &f, why,
				 sizeof(why));
	} else if (it->bs) {
		ret = ocsp_judge(it->bs, cert, issuer, 0, NULL, &f, why,
				 sizeof(why));
	} else {
		/* Unreadable data is about nothing: nobody can tell. */
		ret = CC_NO;
		goto out;
	}
	X509_free(f.responder);
	if (!f.about && ret != CC_SYSTEM) {
		ret = CC_NO;
		goto out;
	}
	st->this_update = f.this_update;
	st->next_update = f.next_update;
	st->reason = f.reason;
	if (ret == CC_NO) {
		st->revoked = 1;
		st->revoked_at = f.revoked_at;
		snprintf(st->text, sizeof(st->text), "%s", why);
		ret = CC_OK;
	} else {
		ret = verdict(ret, it->crl ? "CRL" : "OCSP response", cert, why,
			      err);
	}
out:
	ERR_clear_error();
	return ret;
}

int cc_revdata_fetch(X509 *cert, X509 *issuer, long timeout_ms,
		     struct cc_buf *data, int *crl, struct cc_error *err)
{
	struct cc_revdata d = {0};
	struct collector c = {0};
	int ret;

	memset(data, 0, sizeof(*data));
	*crl = 0;
	if (!cert || !issuer)
		return cc_error_set(err, CC_USAGE,
				    "no certificate or no issuer");
	c.now = time(NULL);
	c.timeout_ms = timeout_ms > 0 ? timeout_ms : DEFAULT_TIMEOUT_MS;
	c.keep_revoked = 1;
	c.out = &d;
	ret = cert_data(&c, cert, issuer, err);
	if (ret == CC_OK && (d.nocsps || d.ncrls)) {
		struct cc_buf *b = d.nocsps ? &d.ocsps[0] : &d.crls[0];

		*crl = d.nocsps == 0;
		*data = *b;
		memset(b, 0, sizeof(*b));
	} else if (ret == CC_OK) {
		ret = CC_NO; /* needs none (an OCSP responder's own) */
	}
	cc_revdata_free(&d);
	ERR_clear_error();
	return ret;
}
