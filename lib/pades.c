/*
 * pades.c - PAdES baseline signatures as incremental updates (pades.h).
 *
 * The update is built once with a /Contents placeholder of the size the
 * CMS will need: the SignedData is first assembled around a dummy
 * signature of the key's maximum size to learn its exact DER length, plus
 * room for the time-stamp token. /ByteRange is then filled in (fixed
 * width, padded with spaces), the two ranges hashed, the signed attributes
 * signed, and the DER written as hex into the placeholder; the rest of the
 * placeholder stays zeros, as PAdES wants.
 *
 * OpenSSL's CMS_SignerInfo_sign always adds a signing-time attribute, which
 * PAdES forbids (the time is /M, or the time-stamp's), so the signature
 * over the signed attributes is made here with EVP_DigestSign on their DER
 * SET encoding, and set into the SignerInfo.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "digest.h"
#include "pades.h"
#include "pdf.h"
#include "pdfinc.h"
#include "ltv.h"
#include "signer.h"
#include "tsa.h"

#define TST_RESERVE 8192 /* bytes: a token with the TSA's certificate */
#define BYTERANGE_WIDTH 10

static int ssl_fail(struct cc_error *err, int code, const char *what)
{
	unsigned long e = ERR_peek_last_error();
	char buf[160] = "";

	if (e)
		ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return cc_error_set(err, code, "%s%s%s", what, buf[0] ? ": " : "", buf);
}

/* ---- CMS ---- */

static int cmp_der(const void *a, const void *b)
{
	const struct cc_buf *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->data, y->data, n);

	if (c)
		return c;
	return (x->len > y->len) - (x->len < y->len);
}

static void der_length(struct cc_buf *b, size_t len)
{
	unsigned char l[9];
	size_t n = 0;

	if (len < 0x80) {
		l[0] = (unsigned char)len;
		cc_buf_put(b, l, 1);
		return;
	}
	for (size_t v = len; v; v >>= 8)
		n++;
	l[0] = (unsigned char)(0x80 | n);
	for (size_t i = 0; i < n; i++)
		l[1 + i] = (unsigned char)(len >> (8 * (n - 1 - i)));
	cc_buf_put(b, l, n + 1);
}

/* The DER of the signed attributes as the SET OF that is signed (RFC 5652
 * 5.4): the elements in DER order, under the SET tag. */
static int signed_attrs_der(CMS_SignerInfo *si, struct cc_buf *out)
{
	int n = CMS_signed_get_attr_count(si);
	struct cc_buf *el;
	size_t total = 0;
	int rc = -1;

	if (n <= 0 || n > 32)
		return -1;
	el = calloc((size_t)n, sizeof(*el));
	if (!el)
		return -1;
	for (int i = 0; i < n; i++) {
		unsigned char *der = NULL;
		int len = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, i), &der);

		if (len <= 0)
			goto out;
		cc_buf_put(&el[i], der, (size_t)len);
		OPENSSL_free(der);
		total += (size_t)len;
	}
	qsort(el, (size_t)n, sizeof(*el), cmp_der);
	cc_buf_put(out, "\x31", 1);
	der_length(out, total);
	for (int i = 0; i < n; i++)
		cc_buf_put(out, el[i].data, el[i].len);
	rc = out->failed ? -1 : 0;
out:
	for (int i = 0; i < n; i++)
		cc_buf_free(&el[i]);
	free(el);
	return rc;
}

static int set_pss(EVP_PKEY_CTX *pctx, const EVP_MD *md)
{
	return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
	       EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) >
		       0 &&
	       EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) > 0;
}

/* The signatureAlgorithm of the SignerInfo for key and md. */
static int set_sig_alg(CMS_SignerInfo *si, EVP_PKEY *key, const EVP_MD *md,
		       int pss, EVP_PKEY_CTX *pctx)
{
	X509_ALGOR *alg = NULL;
	int snid = NID_undef;

	CMS_SignerInfo_get0_algs(si, NULL, NULL, NULL, &alg);
	if (!alg)
		return -1;
	if (EVP_PKEY_is_a(key, "RSA") && !pss)
		return X509_ALGOR_set0(alg, OBJ_nid2obj(NID_rsaEncryption),
				       V_ASN1_NULL, NULL)
			       ? 0
			       : -1;
	if (pss) {
		/* The provider knows the PSS parameters it signs with. */
		unsigned char aid[128];
		OSSL_PARAM params[2];
		const unsigned char *p = aid;
		X509_ALGOR *got;

		params[0] = OSSL_PARAM_construct_octet_string(
			OSSL_SIGNATURE_PARAM_ALGORITHM_ID, aid, sizeof(aid));
		params[1] = OSSL_PARAM_construct_end();
		if (!pctx || EVP_PKEY_CTX_get_params(pctx, params) <= 0 ||
		    !OSSL_PARAM_modified(params))
			return -1;
		got = d2i_X509_ALGOR(NULL, &p, (long)params[0].return_size);
		if (!got)
			return -1;
		if (!X509_ALGOR_copy(alg, got)) {
			X509_ALGOR_free(got);
			return -1;
		}
		X509_ALGOR_free(got);
		return 0;
	}
	if (!OBJ_find_sigid_by_algs(&snid, EVP_MD_get_type(md),
				    EVP_PKEY_get_base_id(key)))
		return -1;
	return X509_ALGOR_set0(alg, OBJ_nid2obj(snid), V_ASN1_UNDEF, NULL) ? 0
									   : -1;
}

/* Sign tbs with the signer's key; sig gets the value. */
static int sign_bytes(EVP_PKEY *key, const EVP_MD *md, int pss,
		      const struct cc_buf *tbs, struct cc_buf *sig,
		      CMS_SignerInfo *si, struct cc_error *err)
{
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	size_t len = 0;
	int rc = CC_SYSTEM;

	if (!mctx)
		return ssl_fail(err, CC_SYSTEM, "out of memory");
	if (EVP_DigestSignInit(mctx, &pctx, md, NULL, key) <= 0 ||
	    (pss && !set_pss(pctx, md))) {
		ssl_fail(err, CC_SYSTEM, "cannot sign with this key");
		goto out;
	}
	if (set_sig_alg(si, key, md, pss, pctx)) {
		ssl_fail(err, CC_SYSTEM,
			 "no signature algorithm for this key and digest");
		goto out;
	}
	if (EVP_DigestSign(mctx, NULL, &len, tbs->data, tbs->len) <= 0 ||
	    cc_buf_grow(sig, len) ||
	    EVP_DigestSign(mctx, sig->data, &len, tbs->data, tbs->len) <= 0) {
		ssl_fail(err, CC_SYSTEM, "signing failed");
		goto out;
	}
	sig->len = len;
	rc = 0;
out:
	EVP_MD_CTX_free(mctx);
	return rc;
}

struct cms_in {
	struct cc_signer *signer;
	const EVP_MD *md;
	int pss;
	const unsigned char *digest;
	size_t digest_len;
	const char *tsa_url;
	long tsa_timeout_ms;
	int dummy; /* only measure: a zero signature of the maximum size */
};

/* The detached SignedData for the digest, as DER in der. */
static int build_cms(const struct cms_in *in, struct cc_buf *der,
		     char tst_time[32], struct cc_error *err)
{
	EVP_PKEY *key = cc_signer_key(in->signer);
	X509 *cert = cc_signer_cert(in->signer);
	STACK_OF(X509) *chain = cc_signer_chain(in->signer);
	CMS_ContentInfo *cms = NULL;
	CMS_SignerInfo *si;
	struct cc_buf tbs = {0}, sig = {0};
	struct cc_tsa_token tok = {0};
	unsigned char *out = NULL;
	int len, rc = CC_SYSTEM;

	cms = CMS_sign(NULL, NULL, NULL, NULL,
		       CMS_PARTIAL | CMS_DETACHED | CMS_BINARY);
	if (!cms)
		return ssl_fail(err, CC_SYSTEM, "cannot make a CMS structure");
	si = CMS_add1_signer(cms, cert, key, in->md,
			     CMS_PARTIAL | CMS_BINARY | CMS_NOSMIMECAP |
				     CMS_CADES);
	if (!si) {
		ssl_fail(err, CC_SYSTEM, "cannot add the signer");
		goto out;
	}
	for (int i = 0; i < sk_X509_num(chain); i++)
		if (!CMS_add1_cert(cms, sk_X509_value(chain, i))) {
			ssl_fail(err, CC_SYSTEM, "cannot add the chain");
			goto out;
		}
	if (!CMS_set_detached(cms, 1) ||
	    CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType,
					V_ASN1_OBJECT,
					OBJ_nid2obj(NID_pkcs7_data), -1) <= 0 ||
	    CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest,
					V_ASN1_OCTET_STRING, in->digest,
					(int)in->digest_len) <= 0) {
		ssl_fail(err, CC_SYSTEM, "cannot add the signed attributes");
		goto out;
	}
	if (CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2,
				       -1) < 0 &&
	    CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificate,
				       -1) < 0) {
		cc_error_set(err, CC_SYSTEM,
			     "OpenSSL did not add signing-certificate-v2");
		goto out;
	}
	if (signed_attrs_der(si, &tbs)) {
		ssl_fail(err, CC_SYSTEM, "cannot encode the signed attributes");
		goto out;
	}
	if (in->dummy) {
		int max = EVP_PKEY_get_size(key);

		if (max <= 0 || cc_buf_grow(&sig, (size_t)max)) {
			ssl_fail(err, CC_SYSTEM, "cannot size the signature");
			goto out;
		}
		memset(sig.data, 0xff, (size_t)max);
		sig.len = (size_t)max;
		if (set_sig_alg(si, key, in->md, 0, NULL) && !in->pss) {
			ssl_fail(err, CC_SYSTEM,
				 "no signature algorithm for this key");
			goto out;
		}
	} else if ((rc = sign_bytes(key, in->md, in->pss, &tbs, &sig, si,
				    err))) {
		goto out;
	}
	rc = CC_SYSTEM;
	if (!ASN1_STRING_set(CMS_SignerInfo_get0_signature(si), sig.data,
			     (int)sig.len)) {
		ssl_fail(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	if (in->tsa_url && !in->dummy) {
		if ((rc = cc_tsa_stamp(in->tsa_url, sig.data, sig.len,
				       in->tsa_timeout_ms, &tok, err)))
			goto out;
		rc = CC_SYSTEM;
		if (CMS_unsigned_add1_attr_by_NID(
			    si, NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE,
			    tok.der, (int)tok.len) <= 0) {
			ssl_fail(err, CC_SYSTEM,
				 "cannot add the time-stamp token");
			goto out;
		}
		snprintf(tst_time, 32, "%s", tok.gen_time);
	}
	len = i2d_CMS_ContentInfo(cms, &out);
	if (len <= 0) {
		ssl_fail(err, CC_SYSTEM, "cannot encode the signature");
		goto out;
	}
	cc_buf_put(der, out, (size_t)len);
	rc = der->failed ? cc_error_set(err, CC_SYSTEM, "out of memory") : 0;
out:
	OPENSSL_free(out);
	cc_tsa_token_free(&tok);
	cc_buf_free(&tbs);
	cc_buf_free(&sig);
	CMS_ContentInfo_free(cms);
	return rc;
}

/* ---- the PDF side ---- */

static void pdf_date(time_t t, char *out, size_t size)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, size, "D:%Y%m%d%H%M%S+00'00'", &tm);
}

static void put_text_key(struct cc_buf *b, const char *k, const char *v)
{
	if (!v || !*v)
		return;
	cc_buf_printf(b, " /%s ", k);
	cc_buf_pdf_text(b, v);
}

/* The signature dictionary with placeholders; *contents_at and
 * *range_at are where the hex string and the ByteRange numbers start in
 * the dictionary's text. */
static void sig_dict(struct cc_buf *b, const struct cc_pades_opts *o,
		     const char *name, time_t now, size_t placeholder,
		     int doc_ts, size_t *contents_at, size_t *range_at)
{
	char m[40];

	pdf_date(now, m, sizeof(m));
	cc_buf_puts(b,
		    doc_ts ? "<< /Type /DocTimeStamp /Filter /Adobe.PPKLite "
			     "/SubFilter /ETSI.RFC3161 /ByteRange [0 "
			   : "<< /Type /Sig /Filter /Adobe.PPKLite "
			     "/SubFilter /ETSI.CAdES.detached /ByteRange [0 ");
	*range_at = b->len;
	for (int i = 0; i < 3; i++)
		cc_buf_printf(b, "%*s%s", BYTERANGE_WIDTH, "0",
			      i < 2 ? " " : "]");
	cc_buf_puts(b, "\n/Contents ");
	*contents_at = b->len;
	cc_buf_puts(b, "<");
	if (!cc_buf_grow(b, 2 * placeholder)) {
		memset(b->data + b->len, '0', 2 * placeholder);
		b->len += 2 * placeholder;
	}
	cc_buf_puts(b, ">\n");
	if (doc_ts) {
		cc_buf_puts(b, " >>");
		return;
	}
	cc_buf_printf(b, "/M (%s)", m);
	put_text_key(b, "Name", name);
	put_text_key(b, "Reason", o->reason);
	put_text_key(b, "Location", o->location);
	put_text_key(b, "ContactInfo", o->contact);
	if (o->sig_extra) {
		cc_buf_puts(b, " ");
		cc_buf_puts(b, o->sig_extra);
	}
	if (o->certify)
		cc_buf_printf(b,
			      " /Reference [<< /Type /SigRef /TransformMethod "
			      "/DocMDP /TransformParams << /Type "
			      "/TransformParams /P %d /V /1.2 >> >>]",
			      o->certify);
	cc_buf_puts(b, " >>");
}

struct plan {
	int doc_ts; /* a document time-stamp, not a signature */
	struct cc_pdf *pdf;
	struct cc_pdf_object *objs;
	size_t n;
	int sig; /* the signature dictionary's number */
	size_t contents_at, range_at;
	struct cc_pdf_trailer trailer;
};

/* The widget of a new signature field, and its appearance. */
static int new_widget(struct plan *pl, const struct cc_pades_opts *o,
		      struct cc_pades_widget *w, const char *fname,
		      struct cc_error *err)
{
	struct cc_pdf *pdf = pl->pdf;
	struct cc_pdf_object *ob;
	int made_page = w->page_obj > 0, rc;

	if (o->visible && o->rect.w > 0) { /* --rect: the caller's place */
		w->page = o->page ? o->page - 1 : cc_pdf_page_count(pdf) - 1;
		w->page_obj = 0;
		w->field = 0;
		w->ap = 0;
		w->rect = o->rect;
		made_page = 0;
	}
	if (!made_page) {
		if (w->page < 0)
			w->page = 0; /* an invisible widget lives on page 1 */
		if (w->page >= cc_pdf_page_count(pdf))
			return cc_error_set(err, CC_USAGE,
					    "the document has no page %d",
					    w->page + 1);
		w->page_obj = cc_pdf_page_obj(pdf, w->page);
	}
	if (!o->visible && !made_page)
		w->rect = (struct cc_pades_rect){0, 0, 0, 0};
	if (!w->field && (w->field = cc_pdf_reserve(pdf, err)) < 0)
		return -w->field;
	if (!w->ap) {
		if ((w->ap = cc_pdf_reserve(pdf, err)) < 0)
			return -w->ap;
		ob = cc_pdf_objects_add(&pl->objs, &pl->n, w->ap);
		if (!ob)
			return cc_error_set(err, CC_SYSTEM, "out of memory");
		ob->is_stream = 1;
		cc_buf_printf(&ob->dict,
			      "<< /Type /XObject /Subtype /Form /BBox [0 0 "
			      "%.2f %.2f] >>",
			      w->rect.w, w->rect.h);
		if (w->rect.w > 2 && w->rect.h > 2)
			cc_buf_printf(&ob->data,
				      "q 0.2 0.2 0.6 RG 1 w 0.5 0.5 %.2f %.2f "
				      "re S Q\n",
				      w->rect.w - 1, w->rect.h - 1);
	}
	ob = cc_pdf_objects_add(&pl->objs, &pl->n, w->field);
	if (!ob)
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	cc_buf_puts(&ob->dict, "<< /Type /Annot /Subtype /Widget /FT /Sig /T ");
	cc_buf_pdf_text(&ob->dict, fname);
	cc_buf_printf(&ob->dict,
		      " /V %d 0 R /F 132 /P %d 0 R /Rect [%.2f %.2f %.2f "
		      "%.2f] /AP << /N %d 0 R >> >>",
		      pl->sig, w->page_obj, w->rect.x, w->rect.y,
		      w->rect.x + w->rect.w, w->rect.y + w->rect.h, w->ap);
	if (!made_page &&
	    (rc = cc_pdf_page_add_annot(pdf, w->page, w->field, err)))
		return rc;
	return cc_pdf_add_field(pdf, w->field, err);
}

/* Everything of the update except the signature's value. */
static int make_update(struct plan *pl, const struct cc_pades_opts *o,
		       const char *signer_name, time_t now, size_t placeholder,
		       struct cc_pades_result *res, struct cc_error *err)
{
	struct cc_pdf *pdf = pl->pdf;
	struct cc_pdf_object *ob;
	struct cc_pades_widget w = {-1, 0, 0, 0, {0, 0, 0, 0}, 0};
	int field = 0, page = -1, rc;
	char fname[128];

	if ((pl->sig = cc_pdf_reserve(pdf, err)) < 0)
		return -pl->sig;
	if (o->prepare && !pl->doc_ts &&
	    (rc = o->prepare(o->prepare_ctx, pdf, &pl->objs, &pl->n, &w, err)))
		return rc;
	rc = o->field ? cc_pdf_find_sig_field(pdf, o->field, &field, &page, err)
		      : CC_NO;
	if (rc == CC_OK) {
		/* An existing field keeps its widget (with the callback's
		 * appearance, if it drew one); a page or widget the callback
		 * made for a new one is not wanted then. */
		if (w.field)
			return cc_error_set(err, CC_USAGE,
					    "field '%s' exists: its widget is "
					    "used, not a new one",
					    o->field);
		snprintf(fname, sizeof(fname), "%s", o->field);
		if ((rc = cc_pdf_set_field_value(pdf, field, pl->sig, w.ap,
						 err)))
			return rc;
	} else if (rc != CC_NO) {
		return rc; /* signed already, or not a signature field */
	} else {
		cc_error_clear(err);
		if (o->field)
			snprintf(fname, sizeof(fname), "%s", o->field);
		else
			cc_pdf_new_field_name(pdf, fname, sizeof(fname));
		if ((rc = new_widget(pl, o, &w, fname, err)))
			return rc;
	}
	snprintf(res->field, sizeof(res->field), "%s", fname);
	if (w.extra_field && (rc = cc_pdf_add_field(pdf, w.extra_field, err)))
		return rc;
	if (o->certify && (rc = cc_pdf_set_docmdp(pdf, pl->sig, err)))
		return rc;
	ob = cc_pdf_objects_add(&pl->objs, &pl->n, pl->sig);
	if (!ob)
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	sig_dict(&ob->dict, o, o->name ? o->name : signer_name, now,
		 placeholder, pl->doc_ts, &pl->contents_at, &pl->range_at);
	return cc_pdf_update(pdf, &pl->objs, &pl->n, &pl->trailer, err);
}

static int hash_ranges(const EVP_MD *md, const unsigned char *d,
		       const unsigned long long br[4], unsigned char *out,
		       unsigned int *outlen)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok = c && EVP_DigestInit_ex(c, md, NULL) > 0 &&
		 EVP_DigestUpdate(c, d + br[0], br[1]) > 0 &&
		 EVP_DigestUpdate(c, d + br[2], br[3]) > 0 &&
		 EVP_DigestFinal_ex(c, out, outlen) > 0;

	EVP_MD_CTX_free(c);
	return ok ? 0 : -1;
}

/* One attempt with a placeholder of the given size. CC_OK, an error, or
 * -1 with *need set when the CMS did not fit. */
static int sign_once(const unsigned char *base, size_t baselen,
		     struct cc_pdf *opened, const char *name,
		     struct cc_signer *signer, const struct cc_pades_opts *o,
		     const EVP_MD *md, int doc_ts, size_t placeholder,
		     size_t *need, struct cc_buf *out,
		     struct cc_pades_result *res, struct cc_error *err)
{
	struct plan pl = {.doc_ts = doc_ts, .pdf = opened};
	struct cc_buf file = {0}, cms = {0};
	struct cc_pades_opts oo = *o;
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	size_t sig_at = 0, gap0, gap1;
	time_t now = o->now ? o->now : time(NULL);
	char range[64];
	unsigned long long br[4];
	struct cms_in ci = {signer,
			    md,
			    o->pss,
			    NULL,
			    0,
			    o->tsa_url,
			    o->tsa_timeout_ms ? o->tsa_timeout_ms : 20000,
			    0};
	int rc;

	if (!pl.pdf)
		pl.pdf = cc_pdf_open(base, baselen, name, err);
	if (!pl.pdf)
		return err->code;
	res->pages = cc_pdf_page_count(pl.pdf);
	if (cc_pdf_docmdp(pl.pdf) == 1) {
		rc = cc_error_set(err, CC_INPUT,
				  "'%s' is certified with no changes allowed "
				  "(DocMDP P=1): it cannot be signed again",
				  name);
		goto out;
	}
	if (cc_pdf_signature_count(pl.pdf) > 0 || doc_ts)
		oo.certify = 0; /* only the first signature certifies */
	if (doc_ts) {
		oo.visible = 0;
		oo.field = NULL;
	} else {
		res->certify = oo.certify;
	}
	rc = make_update(&pl, &oo, cc_signer_name(signer), now, placeholder,
			 res, err);
	if (rc)
		goto out;
	cc_buf_put(&file, base, baselen);
	if ((rc = cc_pdf_write_update(&file, pl.objs, pl.n, &pl.trailer, err)))
		goto out;
	for (size_t i = 0; i < pl.n; i++)
		if (pl.objs[i].num == pl.sig)
			sig_at = pl.objs[i].body;
	gap0 = sig_at + pl.contents_at;
	gap1 = gap0 + 2 * placeholder + 2;
	br[0] = 0;
	br[1] = gap0;
	br[2] = gap1;
	br[3] = file.len - gap1;
	snprintf(range, sizeof(range), "%llu %llu %llu]", br[1], br[2], br[3]);
	if (strlen(range) > 3 * BYTERANGE_WIDTH + 3) {
		rc = cc_error_set(err, CC_INPUT, "'%s' is too large to sign",
				  name);
		goto out;
	}
	memset(file.data + sig_at + pl.range_at, ' ', 3 * BYTERANGE_WIDTH + 3);
	memcpy(file.data + sig_at + pl.range_at, range, strlen(range));
	if (hash_ranges(md, file.data, br, digest, &dlen)) {
		rc = ssl_fail(err, CC_SYSTEM, "cannot hash the document");
		goto out;
	}
	ci.digest = digest;
	ci.digest_len = dlen;
	if (doc_ts) {
		struct cc_tsa_token tok = {0};

		if ((rc = cc_tsa_stamp_digest(o->tsa_url, digest,
					      ci.tsa_timeout_ms, &tok, err)))
			goto out;
		cc_buf_put(&cms, tok.der, tok.len);
		snprintf(res->archive_time, sizeof(res->archive_time), "%s",
			 tok.gen_time);
		cc_tsa_token_free(&tok);
	} else {
		cc_hex(digest, dlen, res->digest);
		if ((rc = build_cms(&ci, &cms, res->tst_time, err)))
			goto out;
		res->cms_len = cms.len;
		res->contents_len = placeholder;
	}
	if (cms.len > placeholder) {
		*need = cms.len;
		rc = -1;
		goto out;
	}
	for (size_t i = 0; i < cms.len; i++) {
		static const char hx[] = "0123456789abcdef";

		file.data[gap0 + 1 + 2 * i] =
			(unsigned char)hx[cms.data[i] >> 4];
		file.data[gap0 + 2 + 2 * i] =
			(unsigned char)hx[cms.data[i] & 15];
	}
	if (!doc_ts)
		memcpy(res->byte_range, br, sizeof(br));
	cc_buf_put(out, file.data, file.len);
	rc = out->failed ? cc_error_set(err, CC_SYSTEM, "out of memory") : 0;
out:
	cc_buf_free(&file);
	cc_buf_free(&cms);
	cc_pdf_objects_free(pl.objs, pl.n);
	cc_pdf_close(pl.pdf);
	return rc;
}

/* sign_once, and once more with the room it asked for when the
 * time-stamp token was larger than reserved. opened (may be NULL) is the
 * document already open on in, for the first attempt, which closes it. */
static int place(const unsigned char *in, size_t inlen, struct cc_pdf *opened,
		 const char *name, struct cc_signer *signer,
		 const struct cc_pades_opts *o, const EVP_MD *md, int doc_ts,
		 size_t placeholder, struct cc_buf *out,
		 struct cc_pades_result *res, struct cc_error *err)
{
	size_t need = 0;
	int rc = sign_once(in, inlen, opened, name, signer, o, md, doc_ts,
			   placeholder, &need, out, res, err);

	if (rc == -1 && (o->tsa_url || doc_ts)) {
		placeholder = need + 1024;
		rc = sign_once(in, inlen, NULL, name, signer, o, md, doc_ts,
			       placeholder, &need, out, res, err);
	}
	if (rc == -1)
		rc = cc_error_set(err, CC_SYSTEM,
				  "the signature (%zu bytes) did not fit its "
				  "placeholder",
				  need);
	return rc;
}

int cc_pades_sign(const unsigned char *in, size_t inlen, const char *name,
		  struct cc_signer *signer, const struct cc_pades_opts *o,
		  struct cc_buf *out, struct cc_pades_result *res,
		  struct cc_error *err)
{
	const EVP_MD *md = o->md ? o->md : EVP_sha256();
	unsigned char *norm = NULL;
	size_t normlen = 0, placeholder;
	struct cc_buf probe = {0}, signed_ = {0}, ltv = {0}, lta = {0};
	unsigned char zero[EVP_MAX_MD_SIZE] = {0};
	struct cms_in ci = {
		signer, md, o->pss, zero, (size_t)EVP_MD_get_size(md),
		NULL,	0,  1};
	struct cc_pdf *pdf;
	char t[32];
	int rc;

	memset(res, 0, sizeof(*res));
	snprintf(res->signer, sizeof(res->signer), "%s",
		 cc_signer_name(signer));
	res->digest_name = EVP_MD_get_type(md) == NID_sha384   ? "SHA-384"
			   : EVP_MD_get_type(md) == NID_sha512 ? "SHA-512"
							       : "SHA-256";
	res->level = o->tsa_url ? "B-T" : "B-B";
	if (o->archive && (!o->ltv || !o->tsa_url))
		return cc_error_set(
			err, CC_USAGE,
			"an archive time-stamp needs --ltv and a TSA");
	if (o->pss && !EVP_PKEY_is_a(cc_signer_key(signer), "RSA"))
		return cc_error_set(
			err, CC_USAGE, "--pss needs an RSA key, not %s",
			EVP_PKEY_get0_type_name(cc_signer_key(signer)));
	/* A damaged file without signatures is rewritten by qpdf first; one
	 * with signatures must only be extended, which it cannot be. */
	pdf = cc_pdf_open(in, inlen, name, err);
	if (!pdf)
		return err->code;
	if (cc_pdf_damaged(pdf)) {
		if (cc_pdf_signature_count(pdf) > 0) {
			cc_pdf_close(pdf);
			return cc_error_set(err, CC_INPUT,
					    "'%s' is signed but its "
					    "cross-reference is damaged; it "
					    "cannot be extended without "
					    "breaking its signatures",
					    name);
		}
		rc = cc_pdf_normalize(pdf, &norm, &normlen, err);
		cc_pdf_close(pdf);
		pdf = NULL;
		if (rc)
			return rc;
		in = norm;
		inlen = normlen;
		res->normalized = 1;
	}
	/* An undamaged document stays open for its signature: one parse a
	 * document, which matters in a batch. */
	if (o->cms_size && *o->cms_size) {
		probe.len = *o->cms_size;
	} else {
		if ((rc = build_cms(&ci, &probe, t, err)))
			goto out;
		if (o->cms_size)
			*o->cms_size = probe.len;
	}
	placeholder =
		probe.len + 64 +
		(o->tsa_url ? (o->tst_reserve ? o->tst_reserve : TST_RESERVE)
			    : 0);
	rc = place(in, inlen, pdf, name, signer, o, md, 0, placeholder,
		   &signed_, res, err);
	pdf = NULL;
	if (rc || !o->ltv)
		goto out;
	in = signed_.data;
	inlen = signed_.len;
	{
		struct cc_revdata_opts ro = {0};
		size_t counts[3];

		ro.timeout_ms = o->tsa_timeout_ms;
		ro.crl_files = o->crl_files;
		ro.ocsp_files = o->ocsp_files;
		ro.offline = o->offline;
		ro.now = o->now;
		if ((rc = cc_ltv_add_dss(in, inlen, name, &ro, &ltv, counts,
					 err)))
			goto out;
		res->dss_certs = counts[0];
		res->dss_ocsps = counts[1];
		res->dss_crls = counts[2];
	}
	res->level = "B-LT";
	if (o->archive) {
		in = ltv.data;
		inlen = ltv.len;
		rc = place(in, inlen, NULL, name, signer, o, EVP_sha256(), 1,
			   TST_RESERVE, &lta, res, err);
		if (rc)
			goto out;
		res->level = "B-LTA";
		cc_buf_put(out, lta.data, lta.len);
	} else {
		cc_buf_put(out, ltv.data, ltv.len);
	}
	rc = out->failed ? cc_error_set(err, CC_SYSTEM, "out of memory") : 0;
out:
	if (rc == CC_OK && !o->ltv) {
		cc_buf_put(out, signed_.data, signed_.len);
		if (out->failed)
			rc = cc_error_set(err, CC_SYSTEM, "out of memory");
	}
	cc_pdf_close(pdf);
	cc_buf_free(&signed_);
	cc_buf_free(&ltv);
	cc_buf_free(&lta);
	cc_buf_free(&probe);
	free(norm);
	return rc;
}
