/*
 * sigcrypto.c - integrity and cryptographic checks of one PDF signature
 * (see sigcrypto.h). The message digest and the signature are checked by
 * hand, not by CMS_verify, so that each verdict is reported on its own; a
 * time-stamp token embeds its TSTInfo and is checked by CMS_verify.
 */
#include "sigcrypto.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include "ossl.h"

/* A piece of the bytes a digest covers. */
struct span {
	const unsigned char *p;
	size_t n;
};

/* What a time-stamp token check found. */
struct token {
	int imprint_ok, sig_ok, ess_ok, eku_ok, alg_ok;
	char time[32];
	char digest_name[16];
	X509 *signer;
	STACK_OF(X509) * certs;
	char problem[256];
};

static const struct {
	int nid;
	const char *name;
	int strong;
} digests[] = {
	{NID_md5, "MD5", 0},
	{NID_sha1, "SHA-1", 0},
	{NID_sha224, "SHA-224", 1},
	{NID_sha256, "SHA-256", 1},
	{NID_sha384, "SHA-384", 1},
	{NID_sha512, "SHA-512", 1},
	{NID_sha512_256, "SHA-512/256", 1},
	{NID_sha3_256, "SHA3-256", 1},
	{NID_sha3_384, "SHA3-384", 1},
	{NID_sha3_512, "SHA3-512", 1},
};

/* The table index of a digest algorithm, or -1 when it is not one we know
 * (refused: we cannot say what it proves). */
static int digest_index(const X509_ALGOR *alg)
{
	const ASN1_OBJECT *oid = NULL;
	int nid;

	if (!alg)
		return -1;
	X509_ALGOR_get0(&oid, NULL, NULL, alg);
	nid = OBJ_obj2nid(oid);
	for (size_t i = 0; i < sizeof(digests) / sizeof(digests[0]); i++)
		if (digests[i].nid == nid)
			return (int)i;
	return -1;
}

static int is_strong(int nid)
{
	for (size_t i = 0; i < sizeof(digests) / sizeof(digests[0]); i++)
		if (digests[i].nid == nid)
			return digests[i].strong;
	return 0;
}

/* Keep the first problem only. */
static void note(char *problem, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void note(char *problem, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (problem[0])
		return;
	va_start(ap, fmt);
	if (vsnprintf(problem, size, fmt, ap) < 0)
		snprintf(problem, size, "a check failed");
	va_end(ap);
}

/* The digest (by the table's index i) of the spans into md (64 bytes);
 * its length, or 0 when OpenSSL cannot make it. */
static unsigned hash_spans(int i, const struct span *s, size_t n,
			   unsigned char md[EVP_MAX_MD_SIZE])
{
	const EVP_MD *type = EVP_get_digestbynid(digests[i].nid);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned mdlen = 0;
	int ok = type && ctx && EVP_DigestInit_ex(ctx, type, NULL);

	for (size_t k = 0; ok && k < n; k++)
		ok = EVP_DigestUpdate(ctx, s[k].p, s[k].n);
	if (!ok || !EVP_DigestFinal_ex(ctx, md, &mdlen))
		mdlen = 0;
	EVP_MD_CTX_free(ctx);
	return mdlen;
}

static int equal(const ASN1_OCTET_STRING *a, const unsigned char *md,
		 unsigned mdlen)
{
	return a && mdlen && ASN1_STRING_length(a) == (int)mdlen &&
	       memcmp(ASN1_STRING_get0_data(a), md, mdlen) == 0;
}

/* The key and the signature algorithm: RSA >= 2048, EC >= 256, EdDSA; no
 * MD5 or SHA-1 inside the signature algorithm (RSA-PSS parameters
 * included). 1 when acceptable. */
static int algorithms_fit(X509 *signer, const X509_ALGOR *sig, char *problem,
			  size_t size)
{
	EVP_PKEY *pk = signer ? X509_get0_pubkey(signer) : NULL;
	const ASN1_OBJECT *oid = NULL;
	const void *param = NULL;
	int ptype = 0, nid, dnid = NID_undef, pknid = NID_undef, bits;

	if (!pk) {
		note(problem, size, "the signer's public key is unreadable");
		return 0;
	}
	bits = EVP_PKEY_get_bits(pk);
	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS:
		if (bits < 2048) {
			note(problem, size, "the signer's RSA key has %d bits",
			     bits);
			return 0;
		}
		break;
	case EVP_PKEY_EC:
		if (bits < 256) {
			note(problem, size, "the signer's EC key has %d bits",
			     bits);
			return 0;
		}
		break;
	case EVP_PKEY_ED25519:
	case EVP_PKEY_ED448:
		break;
	default:
		note(problem, size, "the signer's key type is not accepted");
		return 0;
	}
	if (!sig)
		return 0;
	X509_ALGOR_get0(&oid, &ptype, &param, sig);
	nid = OBJ_obj2nid(oid);
	if (nid == NID_rsassaPss) {
		RSA_PSS_PARAMS *pss = NULL;

		if (ptype == V_ASN1_SEQUENCE)
			pss = ASN1_TYPE_unpack_sequence(
				ASN1_ITEM_rptr(RSA_PSS_PARAMS),
				&(ASN1_TYPE){.type = V_ASN1_SEQUENCE,
					     .value.sequence =
						     (ASN1_STRING *)param});
		/* An absent hashAlgorithm means SHA-1 (RFC 4055). */
		if (pss && pss->hashAlgorithm) {
			const ASN1_OBJECT *h = NULL;

			X509_ALGOR_get0(&h, NULL, NULL, pss->hashAlgorithm);
			dnid = OBJ_obj2nid(h);
		} else {
			dnid = NID_sha1;
		}
		RSA_PSS_PARAMS_free(pss);
	} else if (nid != NID_rsaEncryption &&
		   nid != NID_X9_62_id_ecPublicKey) {
		if (!OBJ_find_sigid_algs(nid, &dnid, &pknid)) {
			note(problem, size,
			     "the signature algorithm is not one we know");
			return 0;
		}
	}
	if (dnid != NID_undef && !is_strong(dnid)) {
		note(problem, size, "the signature algorithm uses %s",
		     OBJ_nid2sn(dnid));
		return 0;
	}
	return 1;
}

/* The ESS signing-certificate(-v2) attribute of si names signer. */
static int ess_names(CMS_SignerInfo *si, X509 *signer, STACK_OF(X509) * certs)
{
	return signer && cc_ossl_ess_check(si, signer, certs) == CC_ESS_OK;
}

/* One DER ContentInfo of type SignedData, nothing after it. */
static CMS_ContentInfo *parse_signed(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	CMS_ContentInfo *cms;

	if (!der || !len || len > LONG_MAX)
		return NULL;
	cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
	if (cms && (p != der + len ||
		    OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed)) {
		CMS_ContentInfo_free(cms);
		cms = NULL;
	}
	return cms;
}

/* The signer's certificate from the CMS (NULL when it does not hold it),
 * with the one SignerInfo; the problem noted when there is not one. */
static CMS_SignerInfo *one_signer(CMS_ContentInfo *cms, const char *what,
				  X509 **signer, char *problem, size_t size)
{
	STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
	CMS_SignerInfo *si;

	*signer = NULL;
	if (sk_CMS_SignerInfo_num(sis) != 1) {
		note(problem, size, "the %s has %d signer infos, not one", what,
		     sk_CMS_SignerInfo_num(sis));
		return NULL;
	}
	si = sk_CMS_SignerInfo_value(sis, 0);
	if (CMS_set1_signers_certs(cms, NULL, 0) < 0)
		ERR_clear_error();
	CMS_SignerInfo_get0_algs(si, NULL, signer, NULL, NULL);
	if (!*signer)
		note(problem, size,
		     "the %s does not hold its signer's certificate", what);
	return si;
}

/*
 * A time-stamp token (what: for messages) whose imprint must be the digest
 * of the spans. CC_INPUT when it is not a SignedData holding a TSTInfo,
 * else CC_OK with t filled.
 */
static int check_token(const unsigned char *der, size_t len,
		       const struct span *s, size_t ns, const char *what,
		       struct token *t)
{
	const size_t psz = sizeof(t->problem);
	CMS_ContentInfo *cms = parse_signed(der, len);
	ASN1_OCTET_STRING **content;
	CMS_SignerInfo *si;
	TS_TST_INFO *tst = NULL;
	const unsigned char *p;
	unsigned char md[EVP_MAX_MD_SIZE];
	X509_ALGOR *dig = NULL, *sig = NULL;
	X509 *signer = NULL;
	int ret = CC_INPUT, i, di;

	if (!cms)
		goto out;
	content = CMS_get0_content(cms);
	if (OBJ_obj2nid(CMS_get0_eContentType(cms)) !=
		    NID_id_smime_ct_TSTInfo ||
	    !content || !*content)
		goto out;
	ret = CC_OK;
	t->certs = CMS_get1_certs(cms);
	si = one_signer(cms, what, &signer, t->problem, psz);
	if (signer && X509_up_ref(signer))
		t->signer = signer;

	p = ASN1_STRING_get0_data(*content);
	tst = d2i_TS_TST_INFO(NULL, &p, ASN1_STRING_length(*content));
	if (!tst || p != ASN1_STRING_get0_data(*content) +
				    ASN1_STRING_length(*content)) {
		note(t->problem, psz, "the %s's TSTInfo is malformed", what);
		goto out;
	}
	if (cc_ossl_rfc3339(TS_TST_INFO_get_time(tst), t->time,
			    sizeof(t->time)))
		note(t->problem, psz, "the %s's genTime is malformed", what);
	i = digest_index(
		TS_MSG_IMPRINT_get_algo(TS_TST_INFO_get_msg_imprint(tst)));
	if (i < 0) {
		note(t->problem, psz,
		     "the %s's imprint is of an unknown digest", what);
	} else {
		unsigned n = hash_spans(i, s, ns, md);

		snprintf(t->digest_name, sizeof(t->digest_name), "%s",
			 digests[i].name);
		t->imprint_ok = equal(TS_MSG_IMPRINT_get_msg(
					      TS_TST_INFO_get_msg_imprint(tst)),
				      md, n);
		if (!t->imprint_ok)
			note(t->problem, psz,
			     "the %s is for other bytes (message imprint "
			     "mismatch)",
			     what);
	}
	if (!si || !t->signer)
		goto out;
	t->sig_ok = CMS_verify(cms, NULL, NULL, NULL, NULL,
			       CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) == 1;
	if (!t->sig_ok)
		note(t->problem, psz, "the %s's signature does not verify (%s)",
		     what, cc_ossl_why());
	ERR_clear_error();
	t->ess_ok = ess_names(si, t->signer, t->certs);
	if (!t->ess_ok)
		note(t->problem, psz,
		     "the %s's ESS signing-certificate attribute does not name "
		     "its signer",
		     what);
	t->eku_ok = X509_check_purpose(t->signer, X509_PURPOSE_TIMESTAMP_SIGN,
				       0) == 1 &&
		    (X509_get_extension_flags(t->signer) & EXFLAG_XKUSAGE) &&
		    (X509_get_extended_key_usage(t->signer) & XKU_TIMESTAMP);
	if (!t->eku_ok)
		note(t->problem, psz,
		     "the %s's signer is not a time-stamping certificate",
		     what);
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, &sig);
	di = digest_index(dig);
	t->alg_ok = i >= 0 && digests[i].strong && di >= 0 &&
		    digests[di].strong &&
		    algorithms_fit(t->signer, sig, t->problem, psz);
	if (!t->alg_ok)
		note(t->problem, psz, "the %s uses a weak or unknown algorithm",
		     what);
out:
	TS_TST_INFO_free(tst);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return ret;
}

static void token_free(struct token *t)
{
	X509_free(t->signer);
	sk_X509_pop_free(t->certs, X509_free);
	t->signer = NULL;
	t->certs = NULL;
}

/* The signature time-stamp token of si, if any. */
static int check_signature_tst(CMS_SignerInfo *si, struct cc_sig_crypto *c)
{
	ASN1_OCTET_STRING *value = CMS_SignerInfo_get0_signature(si);
	struct token t;
	const ASN1_STRING *tok;
	struct span s;
	int rc;

	if (CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken,
					 -1) < 0)
		return CC_OK;
	c->has_tst = 1;
	tok = CMS_unsigned_get0_data_by_OBJ(
		si, OBJ_nid2obj(NID_id_smime_aa_timeStampToken), -1,
		V_ASN1_SEQUENCE);
	if (!tok || !value) {
		note(c->problem, sizeof(c->problem),
		     "the signature time-stamp attribute is malformed");
		return CC_OK;
	}
	memset(&t, 0, sizeof(t));
	s.p = ASN1_STRING_get0_data(value);
	s.n = (size_t)ASN1_STRING_length(value);
	rc = check_token(ASN1_STRING_get0_data(tok),
			 (size_t)ASN1_STRING_length(tok), &s, 1,
			 "signature time-stamp", &t);
	if (rc == CC_INPUT) {
		note(c->problem, sizeof(c->problem),
		     "the signature time-stamp is not a time-stamp token");
		return CC_OK;
	}
	c->tst_ok = t.imprint_ok && t.sig_ok && t.ess_ok && t.eku_ok &&
		    t.alg_ok && t.time[0] && !t.problem[0];
	if (!c->tst_ok)
		note(c->problem, sizeof(c->problem), "%s",
		     t.problem[0] ? t.problem
				  : "the signature time-stamp does not verify");
	memcpy(c->tst_time, t.time, sizeof(c->tst_time));
	c->tsa = t.signer;
	c->tsa_certs = t.certs;
	return CC_OK;
}

/* A CAdES signature (PAdES ETSI.CAdES.detached, adbe.pkcs7.detached). */
static int check_signature(CMS_ContentInfo *cms, const struct span *s,
			   size_t ns, int ranges_ok, struct cc_sig_crypto *c)
{
	const size_t psz = sizeof(c->problem);
	CMS_SignerInfo *si;
	X509_ALGOR *dig = NULL, *sig = NULL;
	const ASN1_OCTET_STRING *md_attr;
	unsigned char md[EVP_MAX_MD_SIZE];
	X509 *signer = NULL;
	int i;

	c->certs = CMS_get1_certs(cms);
	ERR_clear_error();
	si = one_signer(cms, "signature", &signer, c->problem, psz);
	if (signer && X509_up_ref(signer))
		c->signer = signer;
	if (!si)
		return CC_OK;
	if (CMS_signed_get_attr_count(si) <= 0) {
		note(c->problem, psz, "the signature has no signed attributes");
		return CC_OK;
	}
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, &sig);
	i = digest_index(dig);
	if (i >= 0)
		snprintf(c->digest_name, sizeof(c->digest_name), "%s",
			 digests[i].name);
	md_attr = CMS_signed_get0_data_by_OBJ(
		si, OBJ_nid2obj(NID_pkcs9_messageDigest), -3,
		V_ASN1_OCTET_STRING);
	if (!ranges_ok)
		note(c->problem, psz,
		     "the byte ranges go past the end of the file");
	else if (i < 0)
		note(c->problem, psz,
		     "the signature's digest algorithm is unknown");
	else if (!md_attr)
		note(c->problem, psz,
		     "the signature has no single message-digest attribute");
	else if (!(c->digest_ok = equal(md_attr, md, hash_spans(i, s, ns, md))))
		note(c->problem, psz,
		     "the message digest does not match the signed bytes");

	if (c->signer) {
		c->signature_ok = CMS_SignerInfo_verify(si) == 1;
		if (!c->signature_ok)
			note(c->problem, psz,
			     "the signature does not verify with the signer's "
			     "key (%s)",
			     cc_ossl_why());
		ERR_clear_error();
		c->signing_cert_ok = ess_names(si, c->signer, c->certs);
		if (!c->signing_cert_ok)
			note(c->problem, psz,
			     "the signing-certificate attribute does not name "
			     "the signer's certificate");
		c->algorithms_ok =
			i >= 0 && digests[i].strong &&
			algorithms_fit(c->signer, sig, c->problem, psz);
		if (!c->algorithms_ok)
			note(c->problem, psz,
			     "the signature uses a weak digest (%s)",
			     i >= 0 ? digests[i].name : "unknown");
	}
	c->has_signing_time =
		CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1) >= 0;
	ERR_clear_error();
	return check_signature_tst(si, c);
}

int cc_sig_crypto_check(const unsigned char *data, size_t len,
			const unsigned long long range[4],
			const unsigned char *der, size_t der_len, int doc_ts,
			struct cc_sig_crypto *out, struct cc_error *err)
{
	struct span s[2] = {{NULL, 0}, {NULL, 0}};
	CMS_ContentInfo *cms = NULL;
	int ranges_ok = data && range[0] <= len && range[1] <= len - range[0] &&
			range[2] <= len && range[3] <= len - range[2];
	int rc = CC_OK;

	memset(out, 0, sizeof(*out));
	ERR_clear_error();
	if (ranges_ok) {
		s[0].p = data + range[0];
		s[0].n = (size_t)range[1];
		s[1].p = data + range[2];
		s[1].n = (size_t)range[3];
	}
	if (doc_ts) {
		struct token t;

		memset(&t, 0, sizeof(t));
		rc = check_token(der, der_len, s, 2, "document time-stamp", &t);
		if (rc != CC_OK) {
			token_free(&t);
			goto out;
		}
		if (!ranges_ok) {
			t.imprint_ok = 0;
			note(out->problem, sizeof(out->problem),
			     "the byte ranges go past the end of the file");
		}
		note(out->problem, sizeof(out->problem), "%s", t.problem);
		out->digest_ok = t.imprint_ok;
		out->signature_ok = t.sig_ok;
		out->signing_cert_ok = t.ess_ok;
		out->algorithms_ok = t.alg_ok;
		out->has_tst = 1;
		out->tst_ok = t.imprint_ok && t.sig_ok && t.ess_ok &&
			      t.eku_ok && t.alg_ok && t.time[0] &&
			      !out->problem[0];
		memcpy(out->digest_name, t.digest_name,
		       sizeof(out->digest_name));
		memcpy(out->tst_time, t.time, sizeof(out->tst_time));
		out->signer = t.signer;
		out->certs = t.certs;
		if (t.signer && X509_up_ref(t.signer))
			out->tsa = t.signer;
		if (t.certs)
			out->tsa_certs = X509_chain_up_ref(t.certs);
	} else {
		cms = parse_signed(der, der_len);
		if (!cms) {
			rc = CC_INPUT;
			goto out;
		}
		rc = check_signature(cms, s, 2, ranges_ok, out);
	}
	/* Whatever failed without saying why still names a failure. */
	if (!(out->digest_ok && out->signature_ok && out->signing_cert_ok &&
	      out->algorithms_ok && (!out->has_tst || out->tst_ok)))
		note(out->problem, sizeof(out->problem),
		     "the %s does not verify",
		     doc_ts ? "document time-stamp" : "signature");
out:
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	if (rc != CC_OK) {
		cc_sig_crypto_free(out);
		return cc_error_set(err, rc,
				    "the %s is not a DER CMS SignedData%s",
				    doc_ts ? "time-stamp token" : "signature",
				    doc_ts ? " holding a TSTInfo" : "");
	}
	return CC_OK;
}

void cc_sig_crypto_free(struct cc_sig_crypto *c)
{
	if (!c)
		return;
	X509_free(c->signer);
	sk_X509_pop_free(c->certs, X509_free);
	X509_free(c->tsa);
	sk_X509_pop_free(c->tsa_certs, X509_free);
	memset(c, 0, sizeof(*c));
}
