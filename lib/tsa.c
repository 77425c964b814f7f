/*
 * tsa.c - RFC 3161 time-stamps (tsa.h): the query made with OpenSSL's TS
 * API, the reply split by hand so that the token's own bytes are kept, and
 * the token checked with the CMS API.
 */
#include "tsa.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/objects.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "buf.h"
#include "digest.h"
#include "http.h"
#include "ossl.h"

/* A reply is a token and its certificates: a few KB. */
#define MAX_REPLY (256 * 1024)

/* CC_SYSTEM "WHO gave a bad reply: <fmt>". */
static int bad(struct cc_error *err, const char *who, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(struct cc_error *err, const char *who, const char *fmt, ...)
{
	char what[200];
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(what, sizeof(what), fmt, ap) < 0)
		what[0] = '\0';
	va_end(ap);
	return cc_error_set(err, CC_SYSTEM, "%s gave a bad reply: %s", who,
			    what);
}

/* Append to the string s, cut to fit size. */
static void add(char *s, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add(char *s, size_t size, const char *fmt, ...)
{
	size_t used = strlen(s);
	va_list ap;

	if (used + 1 >= size)
		return;
	va_start(ap, fmt);
	if (vsnprintf(s + used, size - used, fmt, ap) < 0)
		s[used] = '\0';
	va_end(ap);
}

/* PKIStatus, PKIFailureInfo (RFC 3161 2.4.2). */
static const char *const status_names[] = {
	"granted", "grantedWithMods",	"rejection",
	"waiting", "revocationWarning", "revocationNotification",
};

static const struct {
	int bit;
	const char *name;
} failure_names[] = {
	{0, "badAlg"},
	{2, "badRequest"},
	{5, "badDataFormat"},
	{14, "timeNotAvailable"},
	{15, "unacceptedPolicy"},
	{16, "unacceptedExtension"},
	{17, "addInfoNotAvailable"},
	{25, "systemFailure"},
};

/* 0 when the status grants the request, else CC_SYSTEM "WHO refused the
 * request: rejection (badAlg) 'text'". */
static int check_status(const TS_STATUS_INFO *si, const char *who,
			struct cc_error *err)
{
	const ASN1_BIT_STRING *fail = TS_STATUS_INFO_get0_failure_info(si);
	const STACK_OF(ASN1_UTF8STRING) *text = TS_STATUS_INFO_get0_text(si);
	char why[200] = "", piece[100];
	int64_t status;
	const char *sep = " (";

	if (!ASN1_INTEGER_get_int64(&status, TS_STATUS_INFO_get0_status(si)))
		return bad(err, who, "the status is not a number");
	if (status == 0 || status == 1)
		return 0;
	if (status > 1 && status < 6)
		add(why, sizeof(why), "%s", status_names[status]);
	else
		add(why, sizeof(why), "status %lld", (long long)status);
	for (size_t i = 0;
	     fail && i < sizeof(failure_names) / sizeof(failure_names[0]);
	     i++) {
		if (ASN1_BIT_STRING_get_bit(fail, failure_names[i].bit)) {
			add(why, sizeof(why), "%s%s", sep,
			    failure_names[i].name);
			sep = ", ";
		}
	}
	if (*sep == ',')
		add(why, sizeof(why), ")");
	for (int i = 0; i < sk_ASN1_UTF8STRING_num(text); i++) {
		const ASN1_UTF8STRING *s = sk_ASN1_UTF8STRING_value(text, i);

		cc_http_printable(piece, sizeof(piece),
				  (const char *)ASN1_STRING_get0_data(s),
				  (size_t)ASN1_STRING_length(s));
		add(why, sizeof(why), " '%s'", piece);
	}
	return cc_error_set(err, CC_SYSTEM, "%s refused the request: %s", who,
			    why);
}

/*
 * Split a TimeStampResp ::= SEQUENCE { PKIStatusInfo, TimeStampToken
 * OPTIONAL } into the decoded status and the token's bytes (*toklen 0 when
 * there is none).
 */
static int split_reply(const unsigned char *resp, size_t len,
		       TS_STATUS_INFO **si, const unsigned char **tok,
		       size_t *toklen, const char *who, struct cc_error *err)
{
	const unsigned char *p = resp, *end;
	long olen = 0;
	int tag = -1, cls = -1, r;

	if (!resp || len == 0)
		return bad(err, who, "no bytes");
	if (len > LONG_MAX)
		return bad(err, who, "%zu bytes", len);
	r = ASN1_get_object(&p, &olen, &tag, &cls, (long)len);
	/* A header read whole whose length goes past the end. */
	if ((r & 0x80) && p > resp && tag == V_ASN1_SEQUENCE &&
	    cls == V_ASN1_UNIVERSAL && olen >= 0 &&
	    (unsigned long)olen > len - (size_t)(p - resp))
		return bad(err, who, "truncated (%zu bytes of %lu)", len,
			   (unsigned long)(p - resp) + (unsigned long)olen);
	if ((r & 0x80) || !(r & V_ASN1_CONSTRUCTED) || tag != V_ASN1_SEQUENCE ||
	    cls != V_ASN1_UNIVERSAL)
		return bad(err, who, "not a TimeStampResp");
	if (r & 1)
		return bad(err, who, "not DER (indefinite length)");
	end = p + olen;
	if ((size_t)(end - resp) != len)
		return bad(err, who, "%zu bytes after the TimeStampResp",
			   len - (size_t)(end - resp));
	*si = d2i_TS_STATUS_INFO(NULL, &p, end - p);
	if (!*si)
		return bad(err, who, "not a TimeStampResp (%s)", cc_ossl_why());
	*tok = p;
	*toklen = (size_t)(end - p);
	return 0;
}

/* The TSTInfo against the request; fills gen_time. */
static int check_tst_info(const ASN1_OCTET_STRING *content,
			  const unsigned char digest[32], uint64_t nonce,
			  char *gen_time, size_t size, const char *who,
			  struct cc_error *err)
{
	const unsigned char *p = ASN1_STRING_get0_data(content);
	long len = ASN1_STRING_length(content);
	TS_TST_INFO *tst = d2i_TS_TST_INFO(NULL, &p, len);
	const ASN1_OBJECT *alg_oid = NULL;
	const ASN1_OCTET_STRING *imprint;
	const ASN1_INTEGER *an;
	TS_MSG_IMPRINT *mi;
	uint64_t got;
	int nid, ret;

	if (!tst) {
		ret = bad(err, who, "the TSTInfo is malformed (%s)",
			  cc_ossl_why());
		goto out;
	}
	if (p != ASN1_STRING_get0_data(content) + len) {
		ret = bad(err, who, "bytes after the TSTInfo");
		goto out;
	}
	if (TS_TST_INFO_get_version(tst) != 1) {
		ret = bad(err, who, "TSTInfo version %ld, not 1",
			  TS_TST_INFO_get_version(tst));
		goto out;
	}
	mi = TS_TST_INFO_get_msg_imprint(tst);
	X509_ALGOR_get0(&alg_oid, NULL, NULL, TS_MSG_IMPRINT_get_algo(mi));
	nid = OBJ_obj2nid(alg_oid);
	if (nid != NID_sha256) {
		ret = bad(err, who,
			  "the time-stamp is of a %s digest, not "
			  "SHA-256",
			  nid == NID_undef ? "unknown" : OBJ_nid2sn(nid));
		goto out;
	}
	imprint = TS_MSG_IMPRINT_get_msg(mi);
	if (ASN1_STRING_length(imprint) != 32 ||
	    memcmp(ASN1_STRING_get0_data(imprint), digest, 32) != 0) {
		ret = bad(err, who,
			  "the time-stamp is for another digest "
			  "(message imprint mismatch)");
		goto out;
	}
	an = TS_TST_INFO_get_nonce(tst);
	if (!an) {
		ret = bad(err, who, "the time-stamp has no nonce");
		goto out;
	}
	if (!ASN1_INTEGER_get_uint64(&got, an) || got != nonce) {
		ret = bad(err, who,
			  "nonce mismatch (a reply to another "
			  "request)");
		goto out;
	}
	if (cc_ossl_rfc3339(TS_TST_INFO_get_time(tst), gen_time, size)) {
		ret = bad(err, who, "the time-stamp's genTime is malformed");
		goto out;
	}
	ret = CC_OK;
out:
	TS_TST_INFO_free(tst);
	return ret;
}

/* RFC 3161 2.3: extended key usage timeStamping, the only one, critical. */
static int check_usage(X509 *x, const char *who, struct cc_error *err)
{
	EXTENDED_KEY_USAGE *eku;
	char name[100];
	int crit = -1, ts = 0, others = 0;

	cc_ossl_cert_name(x, name, sizeof(name));
	eku = X509_get_ext_d2i(x, NID_ext_key_usage, &crit, NULL);
	if (!eku)
		return bad(err, who,
			   crit == -1 ? "certificate '%s' has no extended key "
					"usage timeStamping"
				      : "certificate '%s' has a malformed "
					"extended key usage",
			   name);
	for (int i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
		if (OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i)) == NID_time_stamp)
			ts++;
		else
			others++;
	}
	sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
	if (!ts)
		return bad(err, who,
			   "certificate '%s' has no extended key usage "
			   "timeStamping",
			   name);
	if (others)
		return bad(err, who,
			   "certificate '%s' has extended key usages besides "
			   "timeStamping",
			   name);
	if (crit != 1)
		return bad(err, who,
			   "certificate '%s' has extended key usage "
			   "timeStamping, but not critical",
			   name);
	if (X509_check_purpose(x, X509_PURPOSE_TIMESTAMP_SIGN, 0) != 1)
		return bad(err, who,
			   "certificate '%s' has a key usage unfit for "
			   "time-stamping",
			   name);
	return 0;
}

/* The ESS signing-certificate(-v2) attribute names the signer. */
static int check_ess(CMS_ContentInfo *cms, CMS_SignerInfo *si, X509 *signer,
		     const char *who, struct cc_error *err)
{
	STACK_OF(X509) *certs = CMS_get1_certs(cms);
	int ret = CC_OK;

	switch (cc_ossl_ess_check(si, signer, certs)) {
	case CC_ESS_OK:
		break;
	case CC_ESS_ABSENT:
		ret = bad(err, who,
			  "the token has no ESS signing-certificate attribute");
		break;
	case CC_ESS_MALFORMED:
		ret = bad(err, who,
			  "the token's ESS signing-certificate attribute is "
			  "malformed");
		break;
	case CC_ESS_MISMATCH:
		ret = bad(err, who,
			  "the token's ESS signing-certificate attribute does "
			  "not name its signer (%s)",
			  cc_ossl_why());
		break;
	case CC_ESS_NOMEM:
		ret = cc_error_set(err, CC_SYSTEM, "out of memory");
		break;
	}
	sk_X509_pop_free(certs, X509_free);
	return ret;
}

/* The token (a whole ContentInfo) against the request. */
static int check_token(const unsigned char *der, size_t len,
		       const unsigned char digest[32], uint64_t nonce,
		       char *gen_time, size_t size, const char *who,
		       struct cc_error *err)
{
	const unsigned char *p = der;
	CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
	STACK_OF(CMS_SignerInfo) * sis;
	CMS_SignerInfo *si;
	ASN1_OCTET_STRING **content;
	X509 *signer = NULL;
	int ret;

	if (!cms) {
		ret = bad(err, who, "the time-stamp token is not CMS (%s)",
			  cc_ossl_why());
		goto out;
	}
	if (p != der + len) {
		ret = bad(err, who, "bytes after the time-stamp token");
		goto out;
	}
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		ret = bad(err, who,
			  "the time-stamp token is not CMS SignedData");
		goto out;
	}
	content = CMS_get0_content(cms);
	if (OBJ_obj2nid(CMS_get0_eContentType(cms)) !=
		    NID_id_smime_ct_TSTInfo ||
	    !content || !*content) {
		ret = bad(err, who, "the time-stamp token holds no TSTInfo");
		goto out;
	}
	sis = CMS_get0_SignerInfos(cms);
	if (sk_CMS_SignerInfo_num(sis) != 1) {
		ret = bad(err, who,
			  "the time-stamp token has %d signatures, not one",
			  sk_CMS_SignerInfo_num(sis));
		goto out;
	}
	si = sk_CMS_SignerInfo_value(sis, 0);
	ret = check_tst_info(*content, digest, nonce, gen_time, size, who, err);
	if (ret)
		goto out;

	/* The signer's certificate must be in the token (certReq). */
	if (CMS_set1_signers_certs(cms, NULL, 0) < 0)
		ERR_clear_error();
	CMS_SignerInfo_get0_algs(si, NULL, &signer, NULL, NULL);
	if (!signer) {
		ret = bad(err, who,
			  "the time-stamp token does not hold its signer's "
			  "certificate");
		goto out;
	}
	ret = check_usage(signer, who, err);
	if (ret)
		goto out;
	/* The signature and signed attributes; the chain is not ours. */
	if (CMS_verify(cms, NULL, NULL, NULL, NULL,
		       CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) != 1) {
		ret = bad(err, who,
			  "the time-stamp token's signature does not verify "
			  "(%s)",
			  cc_ossl_why());
		goto out;
	}
	ret = check_ess(cms, si, signer, who, err);
out:
	CMS_ContentInfo_free(cms);
	return ret;
}

static int check_reply(const unsigned char *resp, size_t len,
		       const unsigned char digest[32], uint64_t nonce,
		       struct cc_tsa_token *tok, const char *who,
		       struct cc_error *err)
{
	TS_STATUS_INFO *si = NULL;
	const unsigned char *der = NULL;
	size_t derlen = 0;
	char gen_time[sizeof(tok->gen_time)];
	int ret;

	ERR_clear_error();
	ret = split_reply(resp, len, &si, &der, &derlen, who, err);
	if (ret)
		goto out;
	ret = check_status(si, who, err);
	if (ret)
		goto out;
	if (derlen == 0) {
		ret = bad(err, who,
			  "the request was granted, but no time-stamp token "
			  "came");
		goto out;
	}
	ret = check_token(der, derlen, digest, nonce, gen_time,
			  sizeof(gen_time), who, err);
	if (ret)
		goto out;
	tok->der = malloc(derlen);
	if (!tok->der) {
		ret = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	memcpy(tok->der, der, derlen);
	tok->len = derlen;
	memcpy(tok->gen_time, gen_time, sizeof(gen_time));
out:
	TS_STATUS_INFO_free(si);
	ERR_clear_error();
	return ret;
}

int cc_tsa_check_reply(const unsigned char *resp, size_t len,
		       const unsigned char digest[32], uint64_t nonce,
		       struct cc_tsa_token *tok, struct cc_error *err)
{
	if (!tok || !digest)
		return cc_error_set(err, CC_USAGE, "no digest or no token");
	memset(tok, 0, sizeof(*tok));
	return check_reply(resp, len, digest, nonce, tok, "TSA", err);
}

/* TimeStampReq: version 1, SHA-256 imprint, nonce, certReq true. */
static int make_query(const unsigned char digest[32], uint64_t nonce,
		      unsigned char **der)
{
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	ASN1_INTEGER *n = ASN1_INTEGER_new();
	int len = -1;

	*der = NULL;
	if (!req || !mi || !alg || !n ||
	    !X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL) ||
	    !TS_MSG_IMPRINT_set_algo(mi, alg) ||
	    !TS_MSG_IMPRINT_set_msg(mi, (unsigned char *)digest, 32) ||
	    !TS_REQ_set_version(req, 1) || !TS_REQ_set_msg_imprint(req, mi) ||
	    !ASN1_INTEGER_set_uint64(n, nonce) || !TS_REQ_set_nonce(req, n) ||
	    !TS_REQ_set_cert_req(req, 1))
		goto out;
	len = i2d_TS_REQ(req, der);
out:
	ASN1_INTEGER_free(n);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	TS_REQ_free(req);
	return len;
}

int cc_tsa_stamp_digest(const char *url, const unsigned char digest[32],
			long timeout_ms, struct cc_tsa_token *tok,
			struct cc_error *err)
{
	char shown[160], who[sizeof(shown) + 8];
	unsigned char *query = NULL;
	struct cc_buf reply = {0};
	uint64_t nonce;
	int qlen, ret;

	if (!tok || !digest || !url)
		return cc_error_set(err, CC_USAGE, "no URL, digest or token");
	memset(tok, 0, sizeof(*tok));
	cc_http_printable(shown, sizeof(shown), url, SIZE_MAX);
	if (snprintf(who, sizeof(who), "TSA '%s'", shown) < 0)
		who[0] = '\0';
	ERR_clear_error();
	if (RAND_bytes((unsigned char *)&nonce, sizeof(nonce)) != 1) {
		ret = cc_error_set(err, CC_SYSTEM,
				   "cannot make a nonce for %s: %s", who,
				   cc_ossl_why());
		goto out;
	}
	qlen = make_query(digest, nonce, &query);
	if (qlen <= 0) {
		ret = cc_error_set(err, CC_SYSTEM,
				   "cannot make a query for %s: %s", who,
				   cc_ossl_why());
		goto out;
	}
	ret = cc_http_request(url, "application/timestamp-query", query,
			      (size_t)qlen, "application/timestamp-reply",
			      timeout_ms, MAX_REPLY, &reply, err);
	if (ret) {
		cc_http_error_name(err, "TSA");
		goto out;
	}
	if (reply.failed) {
		ret = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	ret = check_reply(reply.data, reply.len, digest, nonce, tok, who, err);
out:
	OPENSSL_free(query);
	cc_buf_free(&reply);
	ERR_clear_error();
	return ret;
}

int cc_tsa_stamp(const char *url, const unsigned char *data, size_t len,
		 long timeout_ms, struct cc_tsa_token *tok,
		 struct cc_error *err)
{
	unsigned char md[CC_SHA256_LEN];

	if (!tok)
		return cc_error_set(err, CC_USAGE, "no token");
	memset(tok, 0, sizeof(*tok));
	if ((!data && len) || cc_sha256(data, len, md))
		return cc_error_set(err, data || !len ? CC_SYSTEM : CC_USAGE,
				    "cannot hash the data to time-stamp");
	return cc_tsa_stamp_digest(url, md, timeout_ms, tok, err);
}

void cc_tsa_token_free(struct cc_tsa_token *tok)
{
	if (!tok)
		return;
	free(tok->der);
	memset(tok, 0, sizeof(*tok));
}
