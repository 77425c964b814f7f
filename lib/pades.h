/*
 * pades.h - PAdES baseline signatures (ETSI EN 319 142-1) added to a PDF
 * as an incremental update: the signature dictionary with a /Contents
 * placeholder sized from the real CMS, /ByteRange over everything else, a
 * detached CMS SignedData (content-type, message-digest and
 * signing-certificate-v2 signed attributes, no signing-time), and with a
 * TSA the signature time-stamp token (B-T). The same core signs for
 * cc-sign (the certifier) and cc-stamp (the office's seal).
 */
#ifndef CC_PADES_H
#define CC_PADES_H

#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>

#include "buf.h"
#include "error.h"

struct cc_signer;
struct cc_pdf;

struct cc_pades_rect {
	double x, y, w, h;
};

/* Where the signature's widget goes, as the prepare callback may say. */
struct cc_pades_widget {
	int page;     /* 0-based page of the document as read; -1: none */
	int page_obj; /* or a page the callback made (its /Annots lists
		       * field already); 0: none */
	int field;    /* the widget's object number, reserved by the
		       * callback for a page it made; 0: reserved here */
	int ap;	      /* an appearance XObject the callback made (for a new
		       * widget, or for an existing field's); 0: none */
	struct cc_pades_rect rect;
	int extra_field; /* another field the callback made (an empty one for
			  * a later signature), put in the AcroForm after
			  * this signature's; 0: none */
};

/* What the caller draws before the signature, in the same update (the
 * certification page, watermarks): called with the document open for
 * edits; it may reserve objects and must return them in objs, and may
 * choose the widget (w comes with page -1 and zeros). */
struct cc_pdf_object;
typedef int (*cc_pades_prepare)(void *ctx, struct cc_pdf *pdf,
				struct cc_pdf_object **objs, size_t *nobjs,
				struct cc_pades_widget *w,
				struct cc_error *err);

struct cc_pades_opts {
	const EVP_MD *md;	 /* NULL: SHA-256 */
	int pss;		 /* RSA keys: RSASSA-PSS instead of PKCS#1 v1.5 */
	int certify;		 /* 1-3: certification signature with DocMDP P,
				  * when the document has no signature yet;
				  * 0: approval */
	const char *field;	 /* signature field name: an existing empty
				  * one, or the name of the new one; NULL: a
				  * new "SignatureN" */
	const char *name, *reason, *location, *contact; /* may be NULL */
	const char *sig_extra;	 /* more entries of the signature dictionary,
				  * PDF syntax made by the caller (cc-stamp's
				  * /CcCode); may be NULL */
	const char *tsa_url;	 /* NULL: no time-stamp (B-B) */
	long tsa_timeout_ms;	 /* 0: 20 s */
	int visible;		 /* draw a visible widget */
	int page;		 /* with visible: 1-based page, 0 = last */
	struct cc_pades_rect rect; /* with visible: where, points */
	time_t now;		 /* /M; 0 = time(NULL) */
	cc_pades_prepare prepare; /* may be NULL */
	void *prepare_ctx;
	size_t tst_reserve;	 /* bytes kept for the time-stamp token; 0:
				  * a default that fits common TSAs */
	int ltv;		 /* B-LT: a /DSS with the chains, OCSP
				  * responses and CRLs, in a further update */
	int archive;		 /* B-LTA: then a document time-stamp
				  * (needs tsa_url and ltv) */
	const char *const *crl_files;  /* given CRLs; NULL-terminated */
	const char *const *ocsp_files; /* given OCSP responses */
	int offline;		 /* with ltv: fetch nothing */
	size_t *cms_size;	 /* a batch's cache of the CMS size for this
				  * signer and digest (0: not known yet);
				  * may be NULL */
};

struct cc_pades_result {
	char field[128];
	unsigned long long byte_range[4];
	char digest[129];	/* hex of the digest over the byte ranges */
	const char *digest_name; /* "SHA-256" */
	char signer[256];
	const char *level;	/* "B-B", "B-T", "B-LT", "B-LTA" */
	int certify;		/* DocMDP P given, 0 for approval */
	int pages;		/* pages of the signed document */
	int normalized;		/* the input was rewritten by qpdf first */
	char tst_time[32];	/* with a TSA: the token's genTime */
	size_t cms_len, contents_len;
	size_t dss_certs, dss_ocsps, dss_crls; /* with ltv */
	char archive_time[32]; /* with archive: the document time-stamp's */
};

/* Sign the PDF in (inlen bytes; name for messages) with signer and append
 * the result, the whole signed file, to out. Bad input is CC_INPUT, a key,
 * TSA or memory failure CC_SYSTEM, a bad option CC_USAGE; out is then left
 * as it was. */
int cc_pades_sign(const unsigned char *in, size_t inlen, const char *name,
		  struct cc_signer *signer, const struct cc_pades_opts *o,
		  struct cc_buf *out, struct cc_pades_result *res,
		  struct cc_error *err);

#endif
