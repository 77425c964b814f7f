/*
 * sigtrust.c - trust in a signer's certificate (sigtrust.h): OpenSSL
 * builds and checks the path; revocation is judged here with
 * revocation.h's checks, so that a revocation and a time-stamp can be set
 * against each other.
 */
#include "sigtrust.h"

#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "buf.h"
#include "ossl.h"
#include "revocation.h"

#define SKEW (5 * 60)		/* clocks differ */
#define MAX_AGE (24L * 60 * 60) /* of data without nextUpdate */
#define MAX_FILES 4096		/* in an anchor directory */
#define MAX_REVDATA 4096	/* pieces of revocation data held */
#define MAX_FILE (64L << 20)	/* a certificate, CRL or OCSP file */

struct revitem {
	struct cc_buf der;
	int crl;
	const char *source;	   /* "in the file", "given", "fetched" */
	struct cc_revitem *parsed; /* read at first use */
};

/* What one piece of revocation data said of one certificate: asked once
 * per context (the data of a batch's files is shared). */
struct verdict {
	size_t item;
	X509 *cert; /* a reference */
	int rc;	    /* of cc_revocation_status */
	struct cc_revstatus st;
	char msg[256];
};

struct cc_trust {
	X509_STORE *store;
	int anchors;
	STACK_OF(X509) * pool;
	/* DER of the certificates added (the /DSS's): parsed only when a
	 * path cannot be built without them, each once; seen[0, nparsed)
	 * are in the pool. */
	struct cc_buf *seen;
	size_t nseen, nparsed;
	struct revitem *rev;
	size_t nrev, caprev;
	struct verdict *verdicts;
	size_t nverdicts, capverdicts;
	int offline;
	long timeout_ms;
	time_t now;
};

const char *cc_indication_name(enum cc_indication i)
{
	switch (i) {
	case CC_TOTAL_PASSED:
		return "TOTAL_PASSED";
	case CC_INDETERMINATE:
		return "INDETERMINATE";
	case CC_TOTAL_FAILED:
		return "TOTAL_FAILED";
	}
	return "INDETERMINATE";
}

void cc_verdict_vset(enum cc_indication *ind, char *sub, size_t subsz,
		     char *why, size_t whysz, enum cc_indication i,
		     const char *nsub, const char *prefix, const char *fmt,
		     va_list ap)
{
	size_t n;

	if (*ind != CC_TOTAL_PASSED && i <= *ind)
		return; /* the first, or a worse, verdict stands */
	*ind = i;
	snprintf(sub, subsz, "%s", nsub);
	n = (size_t)snprintf(why, whysz, "%s", prefix);
	if (n < whysz)
		vsnprintf(why + n, whysz - n, fmt, ap);
}

/* ---- loading ---- */

/* Every certificate of a PEM file, or the one of a DER file, onto out. */
static int load_certs(const char *path, STACK_OF(X509) * out,
		      struct cc_error *err)
{
	struct cc_buf b = {0};
	BIO *bio = NULL;
	X509 *x;
	int n = 0, rc;

	rc = cc_buf_read_file(&b, path, MAX_FILE, err);
	if (rc)
		return rc;
	if (b.len > INT_MAX) {
		rc = cc_error_set(err, CC_INPUT, "'%s' is too large", path);
		goto out;
	}
	bio = BIO_new_mem_buf(b.data, (int)b.len);
	if (!bio) {
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	if (b.len && b.data[0] == 0x30) {
		x = d2i_X509_bio(bio, NULL);
		if (x && !sk_X509_push(out, x)) {
			X509_free(x);
			rc = cc_error_set(err, CC_SYSTEM, "out of memory");
			goto out;
		}
		n = x != NULL;
	} else {
		while ((x = PEM_read_bio_X509(bio, NULL, cc_ossl_no_password,
					      NULL))) {
			if (!sk_X509_push(out, x)) {
				X509_free(x);
				rc = cc_error_set(err, CC_SYSTEM,
						  "out of memory");
				goto out;
			}
			n++;
		}
	}
	rc = n ? CC_OK
	       : cc_error_set(err, CC_INPUT, "'%s' holds no certificate", path);
out:
	BIO_free(bio);
	cc_buf_free(&b);
	ERR_clear_error();
	return rc;
}

/* A file, or every regular file of a directory (sorted, not recursive). */
static int load_path(const char *path, STACK_OF(X509) * out,
		     struct cc_error *err)
{
	struct dirent **names = NULL;
	struct stat st;
	int n, rc = CC_OK, found = 0;

	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return load_certs(path, out, err);
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0)
		return cc_error_set(err, CC_INPUT, "cannot read '%s': %m",
				    path);
	for (int i = 0; i < n; i++) {
		char file[PATH_MAX];
		int r;

		if (rc == CC_OK && i < MAX_FILES &&
		    names[i]->d_name[0] != '.') {
			r = snprintf(file, sizeof(file), "%s/%s", path,
				     names[i]->d_name);
			if (r > 0 && (size_t)r < sizeof(file) &&
			    stat(file, &st) == 0 && S_ISREG(st.st_mode)) {
				struct cc_error e = {0, ""};

				/* A file of a directory that holds no
				 * certificate (a README, a CRL) is passed
				 * over, as OpenSSL's hashed directories
				 * hold more than certificates. */
				rc = load_certs(file, out, &e);
				if (rc == CC_INPUT)
					rc = CC_OK;
				else if (rc)
					cc_error_set(err, rc, "%s", e.msg);
				else
					found++;
			}
		}
		free(names[i]);
	}
	free(names);
	if (rc == CC_OK && !found)
		rc = cc_error_set(err, CC_INPUT,
				  "'%s' holds no certificate file", path);
	return rc;
}

static int add_rev(struct cc_trust *t, const unsigned char *der, size_t len,
		   int crl, const char *source)
{
	struct revitem *it;

	for (size_t i = 0; i < t->nrev; i++)
		if (t->rev[i].der.len == len && t->rev[i].crl == crl &&
		    !memcmp(t->rev[i].der.data, der, len))
			return 0;
	if (t->nrev == MAX_REVDATA)
		return 0;
	if (t->nrev == t->caprev) {
		size_t n = t->caprev ? 2 * t->caprev : 16;
		struct revitem *p = realloc(t->rev, n * sizeof(*p));

		if (!p)
			return CC_SYSTEM;
		t->rev = p;
		t->caprev = n;
	}
	it = &t->rev[t->nrev];
	memset(it, 0, sizeof(*it));
	cc_buf_put(&it->der, der, len);
	if (it->der.failed) {
		cc_buf_free(&it->der);
		return CC_SYSTEM;
	}
	it->crl = crl;
	it->source = source;
	t->nrev++;
	return 0;
}

static int add_rev_files(struct cc_trust *t, const char *const *files, int crl,
			 struct cc_error *err)
{
	for (size_t i = 0; files && files[i]; i++) {
		struct cc_buf b = {0};
		int rc = cc_buf_read_file(&b, files[i], MAX_FILE, err);

		if (rc)
			return rc;
		if (!b.len) {
			cc_buf_free(&b);
			return cc_error_set(err, CC_INPUT, "'%s' is empty",
					    files[i]);
		}
		rc = add_rev(t, b.data, b.len, crl, "given");
		cc_buf_free(&b);
		if (rc)
			return cc_error_set(err, CC_SYSTEM, "out of memory");
	}
	return CC_OK;
}

struct cc_trust *cc_trust_new(const struct cc_trust_opts *o,
			      struct cc_error *err)
{
	struct cc_trust *t = calloc(1, sizeof(*t));
	STACK_OF(X509) *anchors = sk_X509_new_null();
	int rc = CC_OK;

	if (!t || !anchors || !(t->store = X509_STORE_new()) ||
	    !(t->pool = sk_X509_new_null())) {
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	t->offline = o && o->offline;
	t->timeout_ms = o ? o->timeout_ms : 0;
	t->now = o && o->now ? o->now : time(NULL);
	for (size_t i = 0; o && o->anchors && o->anchors[i] && !rc; i++)
		rc = load_path(o->anchors[i], anchors, err);
	for (int i = 0; !rc && i < sk_X509_num(anchors); i++) {
		if (!X509_STORE_add_cert(t->store, sk_X509_value(anchors, i)))
			ERR_clear_error(); /* the same anchor twice */
		else
			t->anchors++;
	}
	for (size_t i = 0; o && o->chain && o->chain[i] && !rc; i++)
		rc = load_certs(o->chain[i], t->pool, err);
	if (!rc && o)
		rc = add_rev_files(t, o->crl_files, 1, err);
	if (!rc && o)
		rc = add_rev_files(t, o->ocsp_files, 0, err);
out:
	sk_X509_pop_free(anchors, X509_free);
	if (rc) {
		cc_trust_free(t);
		return NULL;
	}
	return t;
}

void cc_trust_free(struct cc_trust *t)
{
	if (!t)
		return;
	X509_STORE_free(t->store);
	sk_X509_pop_free(t->pool, X509_free);
	for (size_t i = 0; i < t->nrev; i++) {
		cc_buf_free(&t->rev[i].der);
		cc_revitem_free(t->rev[i].parsed);
	}
	free(t->rev);
	for (size_t i = 0; i < t->nseen; i++)
		cc_buf_free(&t->seen[i]);
	free(t->seen);
	for (size_t i = 0; i < t->nverdicts; i++)
		X509_free(t->verdicts[i].cert);
	free(t->verdicts);
	free(t);
}

static int pool_add(struct cc_trust *t, X509 *x)
{
	for (int i = 0; i < sk_X509_num(t->pool); i++)
		if (!X509_cmp(sk_X509_value(t->pool, i), x))
			return 0;
	if (sk_X509_num(t->pool) >= MAX_REVDATA)
		return 0;
	if (!X509_up_ref(x))
		return CC_SYSTEM;
	if (!sk_X509_push(t->pool, x)) {
		X509_free(x);
		return CC_SYSTEM;
	}
	return 0;
}

int cc_trust_add_certs(struct cc_trust *t, STACK_OF(X509) * certs)
{
	for (int i = 0; i < sk_X509_num(certs); i++)
		if (pool_add(t, sk_X509_value(certs, i)))
			return CC_SYSTEM;
	return 0;
}

int cc_trust_add_cert_der(struct cc_trust *t, const unsigned char *der,
			  size_t len)
{
	struct cc_buf *grown;

	if (len > LONG_MAX || t->nseen >= MAX_REVDATA)
		return 0;
	for (size_t i = 0; i < t->nseen; i++)
		if (t->seen[i].len == len && !memcmp(t->seen[i].data, der, len))
			return 0;
	grown = realloc(t->seen, (t->nseen + 1) * sizeof(*grown));
	if (!grown)
		return CC_SYSTEM;
	t->seen = grown;
	memset(&grown[t->nseen], 0, sizeof(*grown));
	cc_buf_put(&grown[t->nseen], der, len);
	if (grown[t->nseen].failed) {
		cc_buf_free(&grown[t->nseen]);
		return CC_SYSTEM;
	}
	t->nseen++;
	return 0;
}

/* The certificates added but not parsed yet, into the pool; 1 when there
 * were any. */
static int parse_pending(struct cc_trust *t)
{
	int any = t->nparsed < t->nseen;

	for (; t->nparsed < t->nseen; t->nparsed++) {
		const struct cc_buf *b = &t->seen[t->nparsed];
		const unsigned char *p = b->data;
		X509 *x = d2i_X509(NULL, &p, (long)b->len);

		ERR_clear_error();
		if (!x)
			continue; /* not a certificate: of no use */
		pool_add(t, x);
		X509_free(x);
	}
	return any;
}

static int missing_issuer(int why)
{
	return why == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
	       why == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
	       why == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE;
}

int cc_trust_add_revdata(struct cc_trust *t, const unsigned char *der,
			 size_t len, int crl)
{
	if (!der || !len)
		return 0;
	return add_rev(t, der, len, crl, "in the file");
}

/* ---- checking ---- */

static void set(struct cc_trust_result *r, enum cc_indication i,
		const char *sub, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void set(struct cc_trust_result *r, enum cc_indication i,
		const char *sub, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cc_verdict_vset(&r->indication, r->sub, sizeof(r->sub), r->problem,
			sizeof(r->problem), i, sub, "", fmt, ap);
	va_end(ap);
}

/* Path building and checking at time at; the chain on success. */
static int verify_at(struct cc_trust *t, X509 *cert, STACK_OF(X509) * pool,
		     time_t at, STACK_OF(X509) * *chain, int *why, int *depth,
		     X509 **bad)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	X509_VERIFY_PARAM *param;
	int ok = -1;

	*chain = NULL;
	*bad = NULL;
	if (!ctx || !X509_STORE_CTX_init(ctx, t->store, cert, pool))
		goto out;
	param = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_auth_level(param, 2);
	X509_STORE_CTX_set_time(ctx, 0, at);
	ok = X509_verify_cert(ctx) == 1;
	*why = X509_STORE_CTX_get_error(ctx);
	*depth = X509_STORE_CTX_get_error_depth(ctx);
	if (ok) {
		*chain = X509_STORE_CTX_get1_chain(ctx);
		if (!*chain)
			ok = -1;
	} else {
		X509 *x = X509_STORE_CTX_get_current_cert(ctx);

		if (x && X509_up_ref(x))
			*bad = x;
	}
out:
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

static void chain_failure(struct cc_trust_result *r, int why, X509 *bad,
			  X509 *cert, time_t poe)
{
	char name[128], date[32], at[32];
	X509 *x = bad ? bad : cert;
	time_t end = 0;

	cc_ossl_cert_name(x, name, sizeof(name));
	switch (why) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		if (cc_ossl_time(X509_get0_notAfter(x), &end))
			end = 0;
		cc_ossl_fmt_time(end, date, sizeof(date));
		if (poe) {
			cc_ossl_fmt_time(poe, at, sizeof(at));
			set(r, CC_INDETERMINATE, "OUT_OF_BOUNDS_NO_POE",
			    "certificate '%s' expired on %s, before the "
			    "signature's proven time %s",
			    name, date, at);
		} else {
			set(r, CC_INDETERMINATE, "OUT_OF_BOUNDS_NO_POE",
			    "certificate '%s' expired on %s, and no "
			    "time-stamp proves the signature older",
			    name, date);
		}
		return;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		set(r, CC_INDETERMINATE, "NOT_YET_VALID",
		    "certificate '%s' is not yet valid", name);
		return;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
		cc_ossl_cert_name(cert, name, sizeof(name));
		set(r, CC_INDETERMINATE, "NO_CERTIFICATE_CHAIN_FOUND",
		    "no chain from '%s' to a trust anchor", name);
		return;
	case X509_V_ERR_CA_KEY_TOO_SMALL:
	case X509_V_ERR_EE_KEY_TOO_SMALL:
	case X509_V_ERR_CA_MD_TOO_WEAK:
		set(r, CC_INDETERMINATE, "CRYPTO_CONSTRAINTS_FAILURE",
		    "certificate '%s': %s", name,
		    X509_verify_cert_error_string(why));
		return;
	default:
		set(r, CC_INDETERMINATE, "CERTIFICATE_CHAIN_GENERAL_FAILURE",
		    "certificate '%s': %s", name,
		    X509_verify_cert_error_string(why));
	}
}

static int usage_ok(X509 *x, enum cc_trust_purpose purpose)
{
	uint32_t flags = X509_get_extension_flags(x);

	if (purpose == CC_TRUST_TSA)
		return (flags & EXFLAG_XKUSAGE) &&
		       (X509_get_extended_key_usage(x) & XKU_TIMESTAMP);
	if (!(flags & EXFLAG_KUSAGE))
		return 1;
	return (X509_get_key_usage(x) &
		(KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) != 0;
}

/* Good data is fresh enough: issued after poe, or current at poe (ETSI EN
 * 319 102-1 5.2.5 with no freshness constraint: younger than its own update
 * period at the validation time; a CA's CRL issued monthly counts for the
 * month), or, with no poe, current now. */
static int fresh(const struct cc_trust *t, const struct cc_revstatus *st,
		 time_t poe)
{
	if (poe && st->this_update + SKEW >= poe)
		return 1;
	if (poe)
		return st->next_update && st->this_update <= poe &&
		       poe <= st->next_update;
	if (st->this_update > t->now + SKEW)
		return 0;
	if (st->next_update)
		return t->now <= st->next_update;
	return t->now - st->this_update <= MAX_AGE;
}

static void describe(char *out, size_t size, const struct revitem *it,
		     const struct cc_revstatus *st)
{
	char date[32];

	cc_ossl_fmt_time(st->this_update, date, sizeof(date));
	snprintf(out, size, "%s, %s, %s", it->crl ? "CRL" : "OCSP", it->source,
		 date);
}

/* cc_revocation_status of item i on x, asked once per context. */
static int status_of(struct cc_trust *t, size_t i, X509 *x, X509 *issuer,
		     struct cc_revstatus *st, struct cc_error *e)
{
	struct revitem *it = &t->rev[i];
	struct verdict *v;
	int rc;

	for (size_t k = 0; k < t->nverdicts; k++) {
		v = &t->verdicts[k];
		if (v->item == i && !X509_cmp(v->cert, x)) {
			*st = v->st;
			snprintf(e->msg, sizeof(e->msg), "%s", v->msg);
			e->code = v->rc;
			return v->rc;
		}
	}
	/* An OCSP response about x holds x's serial number: one that does
	 * not is about another certificate, and is not parsed to say so. */
	if (!it->crl) {
		const ASN1_INTEGER *sn = X509_get0_serialNumber(x);
		int n = ASN1_STRING_length(sn);

		if (n > 0 && !memmem(it->der.data, it->der.len,
				     ASN1_STRING_get0_data(sn), (size_t)n)) {
			memset(st, 0, sizeof(*st));
			return CC_NO;
		}
	}
	if (!it->parsed)
		it->parsed = cc_revitem_new(it->der.data, it->der.len, it->crl);
	if (!it->parsed)
		return cc_error_set(e, CC_SYSTEM, "out of memory");
	rc = cc_revocation_status(it->parsed, x, issuer, st, e);
	if (rc == CC_SYSTEM)
		return rc; /* out of memory: not an answer to keep */
	if (t->nverdicts == t->capverdicts) {
		size_t n = t->capverdicts ? 2 * t->capverdicts : 32;
		struct verdict *p = realloc(t->verdicts, n * sizeof(*p));

		if (!p)
			return rc;
		t->verdicts = p;
		t->capverdicts = n;
	}
	if (!X509_up_ref(x))
		return rc;
	v = &t->verdicts[t->nverdicts++];
	v->item = i;
	v->cert = x;
	v->rc = rc;
	v->st = *st;
	snprintf(v->msg, sizeof(v->msg), "%s", rc ? e->msg : "");
	return rc;
}

/*
 * The revocation status of x (issued by issuer) for a signature proven at
 * poe, from item i on; 1 when settled (good, or a verdict set in r), 0
 * when nothing at hand settles it. note gets what it found.
 */
static int judge(struct cc_trust *t, size_t from, X509 *x, X509 *issuer,
		 time_t poe, struct cc_trust_result *r, char *note, size_t size,
		 char *bad, size_t bad_size)
{
	char name[128], when[32], what[128];

	cc_ossl_cert_name(x, name, sizeof(name));
	for (size_t i = from; i < t->nrev; i++) {
		const struct revitem *it = &t->rev[i];
		struct cc_revstatus st;
		struct cc_error e = {0};
		int rc = status_of(t, i, x, issuer, &st, &e);

		if (rc == CC_NO)
			continue;
		if (rc == CC_SYSTEM) {
			set(r, CC_INDETERMINATE, "TRY_LATER", "%s", e.msg);
			return 1;
		}
		if (rc) {
			if (!bad[0])
				snprintf(bad, bad_size, "%s", e.msg);
			continue;
		}
		describe(what, sizeof(what), it, &st);
		if (st.revoked && (!poe || st.revoked_at <= poe)) {
			set(r, CC_TOTAL_FAILED, "REVOKED",
			    "certificate '%s' is revoked (%s; %s)", name,
			    st.text, what);
			return 1;
		}
		if (st.revoked) {
			cc_ossl_fmt_time(poe, when, sizeof(when));
			snprintf(note, size,
				 "'%s' revoked after the signature's proven "
				 "time %s (%s; %s)",
				 name, when, st.text, what);
			return 1;
		}
		if (fresh(t, &st, poe)) {
			snprintf(note, size, "'%s' good (%s)", name, what);
			return 1;
		}
	}
	return 0;
}

static void revocation(struct cc_trust *t, X509 *x, X509 *issuer, time_t poe,
		       struct cc_trust_result *r)
{
	char name[128], note[640] = "", bad[256] = "", when[32];
	struct cc_buf data = {0};
	struct cc_error e = {0};
	size_t before = t->nrev;
	int crl = 0, rc;

	/* RFC 6960 4.2.2.2.1 */
	if (X509_get_ext_by_NID(x, NID_id_pkix_OCSP_noCheck, -1) >= 0 &&
	    (X509_get_extension_flags(x) & EXFLAG_XKUSAGE) &&
	    (X509_get_extended_key_usage(x) & XKU_OCSP_SIGN))
		return;
	cc_ossl_cert_name(x, name, sizeof(name));
	if (!judge(t, 0, x, issuer, poe, r, note, sizeof(note), bad,
		   sizeof(bad))) {
		if (t->offline) {
			rc = CC_SYSTEM;
			snprintf(e.msg, sizeof(e.msg), "offline");
		} else {
			rc = cc_revdata_fetch(x, issuer, t->timeout_ms, &data,
					      &crl, &e);
		}
		if (rc == CC_NO)
			return;
		if (rc == CC_OK) {
			rc = add_rev(t, data.data, data.len, crl, "fetched");
			cc_buf_free(&data);
			if (rc) {
				set(r, CC_INDETERMINATE, "TRY_LATER",
				    "out of memory");
				return;
			}
		}
		if (rc || !judge(t, before, x, issuer, poe, r, note,
				 sizeof(note), bad, sizeof(bad))) {
			if (r->indication != CC_TOTAL_PASSED)
				return;
			if (poe)
				cc_ossl_fmt_time(poe, when, sizeof(when));
			set(r, CC_INDETERMINATE, "TRY_LATER",
			    "no revocation data for '%s' %s%s (%s)", name,
			    poe ? "issued after the signature's proven time "
				: "current now",
			    poe ? when : "",
			    bad[0] ? bad
			    : rc   ? e.msg
				   : "what the file carries is older");
			return;
		}
	}
	if (note[0] &&
	    strlen(r->revocation) + strlen(note) + 3 < sizeof(r->revocation))
		snprintf(r->revocation + strlen(r->revocation),
			 sizeof(r->revocation) - strlen(r->revocation), "%s%s",
			 r->revocation[0] ? "; " : "", note);
}

int cc_trust_check(struct cc_trust *t, X509 *cert, STACK_OF(X509) * extra,
		   enum cc_trust_purpose purpose, time_t poe,
		   struct cc_trust_result *r, struct cc_error *err)
{
	STACK_OF(X509) *pool = NULL, *chain = NULL;
	X509 *bad = NULL;
	char name[128];
	int ok, why = 0, depth = 0;
	time_t at = t->now;

	memset(r, 0, sizeof(*r));
	r->indication = CC_TOTAL_PASSED;
	if (!cert) {
		set(r, CC_INDETERMINATE, "NO_SIGNING_CERTIFICATE_FOUND",
		    "the signature holds no signer's certificate");
		return CC_OK;
	}
	if (!t->anchors) {
		set(r, CC_INDETERMINATE, "NO_CERTIFICATE_CHAIN_FOUND",
		    "no trust anchor is given (--trust, or trust.anchors in "
		    "the configuration)");
		return CC_OK;
	}
	for (int round = 0;; round++) {
		pool = sk_X509_dup(t->pool);
		for (int i = 0; pool && i < sk_X509_num(extra); i++)
			if (!sk_X509_push(pool, sk_X509_value(extra, i))) {
				sk_X509_free(pool);
				pool = NULL;
			}
		if (!pool)
			return cc_error_set(err, CC_SYSTEM, "out of memory");
		ok = verify_at(t, cert, pool, at, &chain, &why, &depth, &bad);
		/* The file's own certificates, when the signature's do not
		 * reach an anchor. */
		if (ok || round || !missing_issuer(why) || !parse_pending(t))
			break;
		X509_free(bad);
		sk_X509_free(pool);
	}
	if (ok == 0 && why == X509_V_ERR_CERT_HAS_EXPIRED && poe &&
	    poe < t->now) {
		X509_free(bad);
		at = poe;
		ok = verify_at(t, cert, pool, at, &chain, &why, &depth, &bad);
		if (ok == 1)
			r->past_time = 1;
	}
	sk_X509_free(pool);
	if (ok < 0) {
		X509_free(bad);
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	}
	cc_ossl_fmt_time(at, r->checked_at, sizeof(r->checked_at));
	if (!ok) {
		chain_failure(r, why, bad, cert, poe);
		X509_free(bad);
		return CC_OK;
	}
	cc_ossl_cert_name(sk_X509_value(chain, sk_X509_num(chain) - 1),
			  r->anchor, sizeof(r->anchor));
	if (!usage_ok(cert, purpose)) {
		cc_ossl_cert_name(cert, name, sizeof(name));
		set(r, CC_INDETERMINATE, "SIG_CONSTRAINTS_FAILURE",
		    purpose == CC_TRUST_TSA
			    ? "certificate '%s' is not for time-stamping"
			    : "the key usage of certificate '%s' allows no "
			      "signatures",
		    name);
	}
	for (int i = 0;
	     i + 1 < sk_X509_num(chain) && r->indication != CC_TOTAL_FAILED;
	     i++)
		revocation(t, sk_X509_value(chain, i),
			   sk_X509_value(chain, i + 1), poe, r);
	sk_X509_pop_free(chain, X509_free);
	return CC_OK;
}
