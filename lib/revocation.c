/*
 * revocation.c - the validation data of a certificate path gathered
 * (revocation.h): from given files, else over HTTP, each piece checked by
 * revcheck.c before it is kept.
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
#define DEFAULT_TIMEOUT_MS 10000L
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
		ret = cc_rev_crl_parse(g[i].der.data, g[i].der.len, &g[i].crl,
				       why, sizeof(why));
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
	struct cc_rev_found f = {0};
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
	ret = cc_rev_ocsp_verify(resp.data, resp.len, x, issuer, c->now, req,
				 &f, one, sizeof(one));
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
	struct cc_rev_found f;
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
	ret = cc_rev_crl_parse(body.data, body.len, &crl, one, sizeof(one));
	if (ret == CC_OK)
		ret = cc_rev_crl_verify(crl, x, issuer, c->now, &f, one,
					sizeof(one));
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
	struct cc_rev_found f;
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

		rc = cc_rev_ocsp_verify(g->der.data, g->der.len, x, issuer,
					c->now, NULL, &f, one, sizeof(one));
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

		rc = cc_rev_crl_verify(g->crl, x, issuer, c->now, &f, one,
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
