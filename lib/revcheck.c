/*
 * revcheck.c - OCSP responses and CRLs checked against the issuer
 * (revcheck.h). OpenSSL decodes; the checks (CertID, responder, signature,
 * times, coverage) are made here, so that each refusal says why and "now"
 * is the caller's.
 */
#include "revcheck.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "buf.h"
#include "ossl.h"

/* Seconds a responder's or CA's clock may run ahead of ours. */
#define SKEW 300
/* How long an OCSP answer without nextUpdate is current. */
#define OCSP_MAX_AGE (24 * 3600)

/* Write a reason into why; returns code. */
int cc_rev_say(char *why, size_t size, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(why, size, fmt, ap) < 0)
		why[0] = '\0';
	va_end(ap);
	return code;
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
		return cc_rev_say(why, size, CC_NO, "%s, at an unreadable time",
				  reason_name(reason));
	cc_ossl_fmt_time(t, date, sizeof(date));
	return cc_rev_say(why, size, CC_NO, "%s, since %s", reason_name(reason),
			  date);
}

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
			return cc_rev_say(
				why, size, CC_INPUT,
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
		return cc_rev_say(
			why, size, CC_INPUT, "%s",
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
		return cc_rev_say(why, size, CC_INPUT,
				  "signed by '%s', which '%s' did not certify",
				  rname, iname);
	flags = X509_get_extension_flags(r);
	if (flags & EXFLAG_INVALID)
		return cc_rev_say(why, size, CC_INPUT,
				  "the responder certificate '%s' is malformed",
				  rname);
	if (!(flags & EXFLAG_XKUSAGE) ||
	    !(X509_get_extended_key_usage(r) & XKU_OCSP_SIGN))
		return cc_rev_say(
			why, size, CC_INPUT,
			"signed by '%s', which has no extended key usage "
			"OCSPSigning",
			rname);
	if ((flags & EXFLAG_KUSAGE) &&
	    !(X509_get_key_usage(r) & KU_DIGITAL_SIGNATURE))
		return cc_rev_say(
			why, size, CC_INPUT,
			"signed by '%s', whose key usage does not allow "
			"digitalSignature",
			rname);
	if (!valid_at(r, now))
		return cc_rev_say(
			why, size, CC_INPUT,
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
		cc_rev_say(why, size, CC_INPUT,
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
			cc_rev_say(
				why, size, CC_INPUT,
				"its signature does not verify with the key of "
				"'%s'",
				rname);
			continue;
		}
		*signer = c;
		return CC_OK;
	}
	if (!tried)
		return cc_rev_say(
			why, size, CC_INPUT,
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
		return cc_rev_say(why, size, CC_INPUT,
				  "its producedAt is malformed");
	OCSP_single_get0_status(single, NULL, NULL, &thisupd, &nextupd);
	if (cc_ossl_time(thisupd, &t_this))
		return cc_rev_say(why, size, CC_INPUT,
				  "its thisUpdate is malformed");
	if (produced > now + SKEW || t_this > now + SKEW) {
		cc_ossl_fmt_time(produced > t_this ? produced : t_this, date,
				 sizeof(date));
		return cc_rev_say(why, size, CC_INPUT,
				  "issued in the future (%s)", date);
	}
	if (!nextupd) {
		if (now - t_this > OCSP_MAX_AGE) {
			cc_ossl_fmt_time(t_this, date, sizeof(date));
			return cc_rev_say(
				why, size, CC_INPUT,
				"out of date (this update %s, no next "
				"update)",
				date);
		}
		return CC_OK;
	}
	if (cc_ossl_time(nextupd, &t_next) || t_next < t_this)
		return cc_rev_say(why, size, CC_INPUT,
				  "its nextUpdate is malformed");
	if (now > t_next) {
		cc_ossl_fmt_time(t_next, date, sizeof(date));
		return cc_rev_say(why, size, CC_INPUT,
				  "out of date (next update %s)", date);
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
		return cc_rev_say(why, size, CC_INPUT, "no bytes");
	if (len > LONG_MAX)
		return cc_rev_say(why, size, CC_INPUT, "%zu bytes", len);
	resp = d2i_OCSP_RESPONSE(NULL, &p, (long)len);
	if (!resp)
		return cc_rev_say(why, size, CC_INPUT,
				  "not an OCSP response (%s)", cc_ossl_why());
	if (p != der + len) {
		ret = cc_rev_say(why, size, CC_INPUT,
				 "%zu bytes after the OCSP response",
				 len - (size_t)(p - der));
		goto out;
	}
	status = OCSP_response_status(resp);
	if (status != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
		ret = cc_rev_say(why, size, CC_INPUT,
				 "the responder answered '%s'",
				 response_status_name(status));
		goto out;
	}
	*out = OCSP_response_get1_basic(resp);
	if (!*out)
		ret = cc_rev_say(why, size, CC_INPUT,
				 "not a basic OCSP response (%s)",
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
		      OCSP_REQUEST *req, struct cc_rev_found *f, char *why,
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
			ret = cc_rev_say(why, size, CC_INPUT,
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
		ret = cc_rev_say(
			why, size, CC_INPUT,
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
		ret = cc_rev_say(why, size, CC_INPUT,
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
int cc_rev_ocsp_verify(const unsigned char *der, size_t len, X509 *cert,
		       X509 *issuer, time_t now, OCSP_REQUEST *req,
		       struct cc_rev_found *f, char *why, size_t size)
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

/* A CRL in DER (starting with a SEQUENCE) or PEM. */
int cc_rev_crl_parse(const unsigned char *der, size_t len, X509_CRL **crl,
		     char *why, size_t size)
{
	const unsigned char *p = der;
	BIO *bio;

	*crl = NULL;
	if (!der || len == 0)
		return cc_rev_say(why, size, CC_INPUT, "no bytes");
	if (len > INT_MAX)
		return cc_rev_say(why, size, CC_INPUT, "%zu bytes", len);
	if (der[0] != 0x30) {
		bio = BIO_new_mem_buf(der, (int)len);
		if (!bio)
			return cc_rev_say(why, size, CC_SYSTEM,
					  "out of memory");
		*crl = PEM_read_bio_X509_CRL(bio, NULL, cc_ossl_no_password,
					     NULL);
		BIO_free(bio);
		if (!*crl)
			return cc_rev_say(why, size, CC_INPUT,
					  "not a CRL in DER or PEM (%s)",
					  cc_ossl_why());
		return CC_OK;
	}
	*crl = d2i_X509_CRL(NULL, &p, (long)len);
	if (!*crl)
		return cc_rev_say(why, size, CC_INPUT, "not a CRL (%s)",
				  cc_ossl_why());
	if (p != der + len) {
		X509_CRL_free(*crl);
		*crl = NULL;
		return cc_rev_say(why, size, CC_INPUT,
				  "%zu bytes after the CRL",
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
		return cc_rev_say(why, size, CC_INPUT, "a delta CRL");
	for (int i = 0; i < X509_CRL_get_ext_count(crl); i++) {
		X509_EXTENSION *ext = X509_CRL_get_ext(crl, i);

		if (X509_EXTENSION_get_critical(ext) &&
		    OBJ_obj2nid(X509_EXTENSION_get_object(ext)) !=
			    NID_issuing_distribution_point)
			return cc_rev_say(why, size, CC_INPUT,
					  "an unknown critical extension");
	}
	idp = X509_CRL_get_ext_d2i(crl, NID_issuing_distribution_point, &crit,
				   NULL);
	if (!idp)
		return crit == -1
			       ? CC_OK
			       : cc_rev_say(why, size, CC_INPUT,
					    "a malformed issuing distribution "
					    "point");
	ca = (X509_get_extension_flags(cert) & EXFLAG_CA) != 0;
	if (idp->onlysomereasons)
		ret = cc_rev_say(why, size, CC_INPUT,
				 "it covers only some revocation reasons");
	else if (idp->indirectCRL)
		ret = cc_rev_say(why, size, CC_INPUT, "an indirect CRL");
	else if (idp->onlyattr)
		ret = cc_rev_say(why, size, CC_INPUT,
				 "it covers only attribute certificates");
	else if (idp->onlyuser && ca)
		ret = cc_rev_say(why, size, CC_INPUT,
				 "it covers only end-entity certificates");
	else if (idp->onlyCA && !ca)
		ret = cc_rev_say(why, size, CC_INPUT,
				 "it covers only CA certificates");
	else if (idp->distpoint && !idp_covers(idp->distpoint, cert))
		ret = cc_rev_say(why, size, CC_INPUT,
				 "it is for another distribution point");
	ISSUING_DIST_POINT_free(idp);
	return ret;
}

/* The verdict of a CRL on cert, as ocsp_verify. */
int cc_rev_crl_verify(X509_CRL *crl, X509 *cert, X509 *issuer, time_t now,
		      struct cc_rev_found *f, char *why, size_t size)
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
		return cc_rev_say(why, size, CC_INPUT,
				  "issued by '%s', not by '%s'", cname, iname);
	}
	if (X509_NAME_cmp(X509_get_issuer_name(cert),
			  X509_get_subject_name(issuer)) != 0)
		return cc_rev_say(why, size, CC_INPUT,
				  "the certificate is not issued by '%s'",
				  iname);
	f->about = 1;
	if ((X509_get_extension_flags(issuer) & EXFLAG_KUSAGE) &&
	    !(X509_get_key_usage(issuer) & KU_CRL_SIGN))
		return cc_rev_say(why, size, CC_INPUT,
				  "'%s' has no key usage cRLSign", iname);
	if (!key || X509_CRL_verify(crl, key) != 1)
		return cc_rev_say(
			why, size, CC_INPUT,
			"its signature does not verify with the key of "
			"'%s'",
			iname);
	ret = crl_scope(crl, cert, why, size);
	if (ret)
		return ret;
	if (cc_ossl_time(X509_CRL_get0_lastUpdate(crl), &t_this))
		return cc_rev_say(why, size, CC_INPUT,
				  "its thisUpdate is malformed");
	f->this_update = t_this;
	f->reason = -1;
	if (now == 0)
		now = t_this;
	if (t_this > now + SKEW) {
		cc_ossl_fmt_time(t_this, date, sizeof(date));
		return cc_rev_say(why, size, CC_INPUT,
				  "issued in the future (%s)", date);
	}
	if (!X509_CRL_get0_nextUpdate(crl))
		return cc_rev_say(why, size, CC_INPUT, "it has no nextUpdate");
	if (cc_ossl_time(X509_CRL_get0_nextUpdate(crl), &t_next) ||
	    t_next < t_this)
		return cc_rev_say(why, size, CC_INPUT,
				  "its nextUpdate is malformed");
	f->next_update = t_next;
	if (now > t_next) {
		cc_ossl_fmt_time(t_next, date, sizeof(date));
		return cc_rev_say(why, size, CC_INPUT,
				  "out of date (next update %s)", date);
	}
	/* 2: removeFromCRL, which only a delta CRL may say. */
	if (X509_CRL_get0_by_cert(crl, &rev, cert) != 1 || !rev)
		return CC_OK;
	for (int i = 0; i < X509_REVOKED_get_ext_count(rev); i++) {
		X509_EXTENSION *ext = X509_REVOKED_get_ext(rev, i);
		int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));

		if (X509_EXTENSION_get_critical(ext) && nid != NID_crl_reason &&
		    nid != NID_invalidity_date)
			return cc_rev_say(
				why, size, CC_INPUT,
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
	struct cc_rev_found f;
	int ret;

	if (!cert || !issuer)
		return cc_error_set(err, CC_USAGE,
				    "no certificate or no issuer");
	ERR_clear_error();
	ret = cc_rev_ocsp_verify(resp, len, cert, issuer, now, NULL, &f, why,
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
	struct cc_rev_found f;
	int ret;

	if (!cert || !issuer)
		return cc_error_set(err, CC_USAGE,
				    "no certificate or no issuer");
	ERR_clear_error();
	ret = cc_rev_crl_parse(der, len, &crl, why, sizeof(why));
	if (ret == CC_OK)
		ret = cc_rev_crl_verify(crl, cert, issuer, now, &f, why,
					sizeof(why));
	X509_CRL_free(crl);
	ret = verdict(ret, "CRL", cert, why, err);
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
		cc_rev_crl_parse(der, len, &it->crl, it->why, sizeof(it->why));
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
	struct cc_rev_found f = {0};
	int ret;

	memset(st, 0, sizeof(*st));
	if (!cert || !issuer || !it)
		return cc_error_set(err, CC_USAGE,
				    "no certificate or no issuer");
	ERR_clear_error();
	if (it->crl) {
		ret = cc_rev_crl_verify(it->crl, cert, issuer, 0, &f, why,
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
