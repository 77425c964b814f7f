/*
 * verify.c - cc-verify's verdict on a certified copy (verify.h): the
 * checks of sigstruct, sigcrypto, pdfdiff, sigtrust and the register, put
 * together, and the report written out.
 */
#include "verify.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pthread.h>
#include <unistd.h>

#include "digest.h"
#include "ossl.h"
#include "sigcrypto.h"
#include "sigstruct.h"

/* ---- small things ---- */

static void sig_set(struct cc_verify_sig *s, enum cc_indication i,
		    const char *sub, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void sig_set(struct cc_verify_sig *s, enum cc_indication i,
		    const char *sub, const char *fmt, ...)
{
	char prefix[160];
	va_list ap;

	snprintf(prefix, sizeof(prefix), "signature '%s': ", s->field);
	va_start(ap, fmt);
	cc_verdict_vset(&s->indication, s->sub, sizeof(s->sub), s->reason,
			sizeof(s->reason), i, sub, prefix, fmt, ap);
	va_end(ap);
}

static void doc_set(struct cc_verify_report *r, enum cc_indication i,
		    const char *sub, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void doc_set(struct cc_verify_report *r, enum cc_indication i,
		    const char *sub, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cc_verdict_vset(&r->indication, r->sub, sizeof(r->sub), r->reason,
			sizeof(r->reason), i, sub, "", fmt, ap);
	va_end(ap);
}

static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/* A PDF date ("D:20261128101500+07'00'", ISO 32000-1 7.9.4) as RFC 3339
 * UTC; out "" when it is not one. Missing trailing parts take their
 * defaults; no offset means UTC. */
static void pdf_date(const char *in, char *out, size_t size)
{
	struct tm tm = {0};
	int y, mo = 1, d = 1, h = 0, mi = 0, s = 0, oh = 0, om = 0, sign = 0;
	size_t n;
	time_t t;

	out[0] = '\0';
	if (!strncmp(in, "D:", 2))
		in += 2;
	n = strlen(in);
	if (n < 4 || digits(in, 4, &y) ||
	    (n >= 6 && isdigit((unsigned char)in[4]) &&
	     digits(in + 4, 2, &mo)) ||
	    (n >= 8 && isdigit((unsigned char)in[6]) &&
	     digits(in + 6, 2, &d)) ||
	    (n >= 10 && isdigit((unsigned char)in[8]) &&
	     digits(in + 8, 2, &h)) ||
	    (n >= 12 && isdigit((unsigned char)in[10]) &&
	     digits(in + 10, 2, &mi)) ||
	    (n >= 14 && isdigit((unsigned char)in[12]) &&
	     digits(in + 12, 2, &s)))
		return;
	n = strspn(in, "0123456789");
	if (in[n] == '+' || in[n] == '-') {
		sign = in[n] == '+' ? 1 : -1;
		if (digits(in + n + 1, 2, &oh))
			return;
		if (in[n + 3] == '\'' && digits(in + n + 4, 2, &om))
			om = 0;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    s > 60 || oh > 23 || om > 59)
		return;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	t = timegm(&tm) - sign * (oh * 3600 + om * 60);
	cc_ossl_fmt_time(t, out, size);
}

static time_t rfc3339(const char *s)
{
	struct tm tm = {0};

	if (!s[0] || !strptime(s, "%Y-%m-%dT%H:%M:%S", &tm))
		return 0;
	return timegm(&tm);
}

/* ---- one signature ---- */

/* What the parallel checks of one signature found (run_checks). */
struct task_out {
	int crypto_rc;
	char crypto_msg[256];
	int diff_rc;
	char diff_msg[256];
};

/* Structure and crypto of signature g into s, from what
 * cc_sig_crypto_check said (rc, msg, c). */
static void apply_crypto(const struct cc_sig_struct *g, int rc, const char *msg,
			 const struct cc_sig_crypto *c, struct cc_verify_sig *s)
{
	s->structure_ok = g->ok;
	if (!g->ok) {
		/* sigstruct's problems name the signature already. */
		s->indication = CC_TOTAL_FAILED;
		snprintf(s->sub, sizeof(s->sub), "FORMAT_FAILURE");
		snprintf(s->reason, sizeof(s->reason), "%s", g->problem);
		return;
	}
	if (rc) {
		sig_set(s, CC_TOTAL_FAILED, "FORMAT_FAILURE", "%s", msg);
		return;
	}
	s->crypto_read = 1;
	s->digest_ok = c->digest_ok;
	s->signature_ok = c->signature_ok;
	s->signing_cert_ok = c->signing_cert_ok;
	s->algorithms_ok = c->algorithms_ok;
	s->has_tst = c->has_tst;
	s->tst_ok = c->tst_ok;
	snprintf(s->digest_alg, sizeof(s->digest_alg), "%s", c->digest_name);
	if (c->tst_ok)
		snprintf(s->timestamp, sizeof(s->timestamp), "%s", c->tst_time);
	if (c->signer)
		cc_ossl_cert_name(c->signer, s->signer, sizeof(s->signer));
	if (!c->problem[0])
		return;
	if (!c->digest_ok)
		sig_set(s, CC_TOTAL_FAILED, "HASH_FAILURE", "%s", c->problem);
	else if (!c->signature_ok || (c->has_tst && !c->tst_ok))
		sig_set(s, CC_TOTAL_FAILED, "SIG_CRYPTO_FAILURE", "%s",
			c->problem);
	else if (!c->signing_cert_ok)
		sig_set(s, CC_INDETERMINATE, "NO_SIGNING_CERTIFICATE_FOUND",
			"%s", c->problem);
	else
		sig_set(s, CC_INDETERMINATE, "CRYPTO_CONSTRAINTS_FAILURE", "%s",
			c->problem);
}

/* The changes after signature s, from what cc_pdf_diff said (rc, msg). */
static int apply_changes(int rc, const char *msg, struct cc_verify_sig *s,
			 struct cc_error *err)
{
	if (rc == -1)
		return CC_OK; /* not compared: it covers the whole file */
	if (rc == CC_SYSTEM)
		return cc_error_set(err, CC_SYSTEM, "%s", msg);
	s->diffed = rc == CC_OK;
	if (rc)
		sig_set(s, CC_TOTAL_FAILED, "FORMAT_FAILURE",
			"cannot compare its revision with the document: %s",
			msg);
	else if (!s->diff.ok)
		sig_set(s, CC_TOTAL_FAILED, "FORMAT_FAILURE", "%s",
			s->diff.problem);
	return CC_OK;
}

/*
 * The expensive checks of every signature, which depend on nothing but
 * the bytes: its crypto (sigcrypto) and the changes after it (pdfdiff),
 * two tasks per signature shared among as many threads as there are
 * processors (at most MAX_THREADS), each writing only its own results.
 */
#define MAX_THREADS 8

struct tasks {
	const unsigned char *data;
	size_t len;
	const struct cc_sig_structs *ss;
	const size_t *order;	   /* report position -> ss->sig index */
	const size_t *signed_len;  /* per position; len: no comparison */
	const int *docmdp;	   /* per position */
	struct cc_verify_sig *sig; /* per position: diff */
	struct cc_sig_crypto *c;   /* per position */
	struct task_out *out;	   /* per position */
	size_t n;		   /* positions; 2n tasks */
	size_t next;		   /* the next task, under lock */
	pthread_mutex_t lock;
};

static void run_task(struct tasks *t, size_t k)
{
	size_t i = k / 2;
	const struct cc_sig_struct *g = &t->ss->sig[t->order[i]];
	struct task_out *o = &t->out[i];
	struct cc_error e = {0, ""};

	if (k % 2 == 0) {
		if (!g->ok)
			return;
		o->crypto_rc = cc_sig_crypto_check(
			t->data, t->len, g->range, g->contents, g->contents_len,
			g->is_doc_timestamp, &t->c[i], &e);
		snprintf(o->crypto_msg, sizeof(o->crypto_msg), "%s", e.msg);
	} else {
		o->diff_rc = -1;
		if (t->signed_len[i] >= t->len)
			return;
		o->diff_rc = cc_pdf_diff(t->data, t->len, t->signed_len[i],
					 t->docmdp[i], &t->sig[i].diff, &e);
		snprintf(o->diff_msg, sizeof(o->diff_msg), "%s", e.msg);
	}
}

static void *worker(void *arg)
{
	struct tasks *t = arg;

	for (;;) {
		size_t k;

		pthread_mutex_lock(&t->lock);
		k = t->next++;
		pthread_mutex_unlock(&t->lock);
		if (k >= 2 * t->n)
			return NULL;
		run_task(t, k);
	}
}

static size_t processors(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	return cpus > 0 ? (size_t)cpus : 1;
}

static void run_tasks(struct tasks *t, int threads)
{
	pthread_t th[MAX_THREADS];
	size_t want = threads > 0 ? (size_t)threads : processors(), started = 0;

	if (want > MAX_THREADS)
		want = MAX_THREADS;
	if (want > 2 * t->n)
		want = 2 * t->n;
	pthread_mutex_init(&t->lock, NULL);
	/* This thread works too; the others are help, and may be refused. */
	for (size_t i = 1; i < want; i++)
		if (pthread_create(&th[started], NULL, worker, t) == 0)
			started++;
	worker(t);
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&t->lock);
}

/* ---- the register ---- */

static int sha256_hex(const unsigned char *p, size_t n, char hex[65])
{
	unsigned char md[CC_SHA256_LEN];

	if (cc_sha256(p, n, md))
		return -1;
	cc_hex(md, sizeof(md), hex);
	return 0;
}

static int check_register(const unsigned char *data,
			  const struct cc_sig_structs *ss,
			  const struct cc_verify_opts *o,
			  struct cc_verify_report *r, struct cc_error *err)
{
	const char *code = NULL;
	struct cc_error e = {0};
	int rc;

	r->reg_checked = 1;
	for (size_t i = 0; i < r->nsig; i++)
		if (r->sig[i].code[0])
			code = r->sig[i].code;
	if (code) {
		snprintf(r->reg_by, sizeof(r->reg_by), "code");
		rc = cc_register_find_code(o->reg, code, &r->copy, &e);
		if (rc == CC_INPUT) {
			doc_set(r, CC_TOTAL_FAILED, "NOT_IN_REGISTER",
				"the seal's code '%s' is malformed", code);
			return CC_OK;
		}
	} else {
		snprintf(r->reg_by, sizeof(r->reg_by), "sha256");
		rc = cc_register_find_sha256(o->reg, r->sha256, &r->copy, &e);
	}
	if (rc == CC_NO) {
		doc_set(r, CC_TOTAL_FAILED, "NOT_IN_REGISTER",
			code ? "code %s is not in the register"
			     : "the register has no copy with this SHA-256%s",
			code ? code : "");
		return CC_OK;
	}
	if (rc)
		return cc_error_set(err, rc == CC_SYSTEM ? CC_SYSTEM : rc, "%s",
				    e.msg);
	r->reg_found = 1;
	if (!strcmp(r->copy.status, "revoked")) {
		doc_set(r, CC_TOTAL_FAILED, "REVOKED",
			"copy %s was revoked in the register on %s by %s: %s",
			r->copy.code, r->copy.revoked_at, r->copy.revoked_by,
			r->copy.revoked_reason);
		return CC_OK;
	}
	if (strcmp(r->copy.status, "issued")) {
		doc_set(r, CC_TOTAL_FAILED, "NOT_IN_REGISTER",
			"number %lld of book %s is %s in the register, not "
			"issued",
			r->copy.number, r->copy.book, r->copy.status);
		return CC_OK;
	}
	if (!strcmp(r->copy.pdf_sha256, r->sha256)) {
		snprintf(r->reg_match, sizeof(r->reg_match),
			 "the file is the issued copy");
		return CC_OK;
	}
	for (size_t i = 0; i + 1 < ss->revisions; i++) {
		char hex[65];

		if (sha256_hex(data, (size_t)ss->eof[i], hex))
			return cc_error_set(err, CC_SYSTEM, "out of memory");
		if (!strcmp(hex, r->copy.pdf_sha256)) {
			snprintf(r->reg_match, sizeof(r->reg_match),
				 "revision %zu of the file is the issued "
				 "copy; %zu revision%s added since",
				 i + 1, ss->revisions - i - 1,
				 ss->revisions - i - 1 == 1 ? "" : "s");
			return CC_OK;
		}
	}
	doc_set(r, CC_TOTAL_FAILED, "REGISTER_MISMATCH",
		"the file is not the copy issued under code %s (its SHA-256 "
		"differs from the register's)",
		r->copy.code);
	return CC_OK;
}

/* ---- the file ---- */

static int add_dss(struct cc_trust *t, const struct cc_revdata *d)
{
	for (size_t i = 0; i < d->ncerts; i++)
		if (cc_trust_add_cert_der(t, d->certs[i].data, d->certs[i].len))
			return -1;
	for (size_t i = 0; i < d->nocsps; i++)
		if (cc_trust_add_revdata(t, d->ocsps[i].data, d->ocsps[i].len,
					 0))
			return -1;
	for (size_t i = 0; i < d->ncrls; i++)
		if (cc_trust_add_revdata(t, d->crls[i].data, d->crls[i].len, 1))
			return -1;
	return 0;
}

static const char *role_of(const struct cc_sig_struct *g)
{
	if (g->is_doc_timestamp)
		return "timestamp";
	if (g->certification)
		return "certifier";
	if (g->code[0])
		return "seal";
	return "signature";
}

/* Trust and time, from the last signature to the first. */
static int check_trust(struct cc_verify_report *r, struct cc_sig_crypto *c,
		       const struct cc_verify_opts *o, struct cc_error *err)
{
	time_t poe = 0;

	for (size_t k = r->nsig; k-- > 0;) {
		struct cc_verify_sig *s = &r->sig[k];
		time_t t = 0;

		if (!s->crypto_read || !s->digest_ok || !s->signature_ok)
			continue; /* proves nothing, needs no trust */
		if (s->has_tst && s->tst_ok) {
			struct cc_trust_result *tr =
				!strcmp(s->role, "timestamp") ? &s->trust
							      : &s->tsa_trust;

			if (cc_trust_check(o->trust, c[k].tsa, c[k].tsa_certs,
					   CC_TRUST_TSA, poe, tr, err))
				return err->code;
			s->tsa_checked = tr == &s->tsa_trust;
			s->trust_checked |= tr == &s->trust;
			if (tr->indication == CC_TOTAL_PASSED)
				t = rfc3339(s->timestamp);
		}
		if (t && (!poe || t < poe))
			poe = t;
		if (poe)
			cc_ossl_fmt_time(poe, s->proven, sizeof(s->proven));
		if (strcmp(s->role, "timestamp")) {
			if (cc_trust_check(o->trust, c[k].signer, c[k].certs,
					   CC_TRUST_SIGNER, poe, &s->trust,
					   err))
				return err->code;
			s->trust_checked = 1;
		}
		if (s->trust_checked && s->trust.indication != CC_TOTAL_PASSED)
			sig_set(s, s->trust.indication, s->trust.sub, "%s",
				s->trust.problem);
	}
	return CC_OK;
}

static void trailing(const unsigned char *data, size_t len,
		     const struct cc_sig_structs *ss,
		     struct cc_verify_report *r)
{
	size_t end = ss->revisions ? (size_t)ss->eof[ss->revisions - 1] : 0;
	size_t extra = 0;

	for (size_t i = end; i < len; i++)
		if (!strchr(" \t\r\n\f", data[i]) && data[i] != '\0')
			extra++;
	if (extra)
		doc_set(r, CC_TOTAL_FAILED, "FORMAT_FAILURE",
			"%zu bytes after the last revision's %%%%EOF (objects "
			"no cross-reference lists)",
			len - end);
}

int cc_verify_pdf(const unsigned char *data, size_t len, const char *name,
		  const struct cc_verify_opts *o, struct cc_verify_report *r,
		  struct cc_error *err)
{
	struct cc_sig_structs ss;
	struct cc_sig_crypto *c = NULL;
	struct task_out *outs = NULL;
	size_t *order = NULL, *signed_len = NULL;
	int *docmdp = NULL;
	int rc, certify_rev = -1, certify_p = 0;

	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->size = len;
	rc = cc_sig_struct_read(data, len, name, &ss, err);
	if (rc) {
		memset(r, 0, sizeof(*r));
		return rc;
	}
	if (sha256_hex(data, len, r->sha256)) {
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	r->revisions = ss.revisions;
	if (add_dss(o->trust, &ss.dss)) {
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	r->sig = calloc(ss.n ? ss.n : 1, sizeof(*r->sig));
	c = calloc(ss.n ? ss.n : 1, sizeof(*c));
	order = calloc(ss.n ? ss.n : 1, sizeof(*order));
	signed_len = calloc(ss.n ? ss.n : 1, sizeof(*signed_len));
	docmdp = calloc(ss.n ? ss.n : 1, sizeof(*docmdp));
	outs = calloc(ss.n ? ss.n : 1, sizeof(*outs));
	if (!r->sig || !c || !order || !signed_len || !docmdp || !outs) {
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < ss.n; i++) {
		const struct cc_sig_struct *g = &ss.sig[i];

		if (g->certification && g->revision >= 0 &&
		    (certify_rev < 0 || g->revision < certify_rev)) {
			certify_rev = g->revision;
			certify_p = g->docmdp;
		}
	}
	/* In file order: by the revision each signed (unknown first). */
	for (size_t i = 0; i < ss.n; i++) {
		size_t j = i;

		while (j > 0 &&
		       ss.sig[order[j - 1]].revision > ss.sig[i].revision) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
	r->nsig = ss.n;
	for (size_t i = 0; i < ss.n; i++) {
		struct cc_verify_sig *s = &r->sig[i];
		const struct cc_sig_struct *g = &ss.sig[order[i]];
		int rv = g->revision;

		snprintf(s->field, sizeof(s->field), "%s", g->field);
		snprintf(s->subfilter, sizeof(s->subfilter), "%s",
			 g->subfilter);
		snprintf(s->code, sizeof(s->code), "%s", g->code);
		s->role = role_of(g);
		s->revision = rv + 1;
		s->whole = g->ok && g->range[2] + g->range[3] >= len;
		s->docmdp = g->certification ? g->docmdp : 0;
		pdf_date(g->m, s->claimed, sizeof(s->claimed));
		s->indication = CC_TOTAL_PASSED;
		signed_len[i] = rv >= 0 && g->ok ? (size_t)ss.eof[rv] : len;
		docmdp[i] =
			certify_rev >= 0 && certify_rev <= rv ? certify_p : 0;
	}
	{
		struct tasks t = {.data = data,
				  .len = len,
				  .ss = &ss,
				  .order = order,
				  .signed_len = signed_len,
				  .docmdp = docmdp,
				  .sig = r->sig,
				  .c = c,
				  .out = outs,
				  .n = ss.n};

		if (ss.n)
			run_tasks(&t, o->threads);
	}
	for (size_t i = 0; i < ss.n; i++) {
		apply_crypto(&ss.sig[order[i]], outs[i].crypto_rc,
			     outs[i].crypto_msg, &c[i], &r->sig[i]);
		rc = apply_changes(ss.sig[order[i]].ok ? outs[i].diff_rc : -1,
				   outs[i].diff_msg, &r->sig[i], err);
		if (rc)
			goto out;
	}
	rc = check_trust(r, c, o, err);
	if (rc)
		goto out;

	r->indication = CC_TOTAL_PASSED;
	if (!r->nsig)
		doc_set(r, CC_TOTAL_FAILED, "FORMAT_FAILURE",
			"'%s' carries no signature", name);
	if (ss.damaged || !ss.chained)
		doc_set(r, CC_TOTAL_FAILED, "FORMAT_FAILURE",
			"'%s' is damaged: its cross-reference %s", name,
			ss.chained ? "needed repair" : "chain is broken");
	trailing(data, len, &ss, r);
	for (size_t i = 0; i < r->nsig; i++)
		if (r->sig[i].indication != CC_TOTAL_PASSED)
			doc_set(r, r->sig[i].indication, r->sig[i].sub, "%s",
				r->sig[i].reason);
	if (o->reg) {
		rc = check_register(data, &ss, o, r, err);
		if (rc)
			goto out;
	}
	rc = CC_OK;
out:
	for (size_t i = 0; c && i < ss.n; i++)
		cc_sig_crypto_free(&c[i]);
	free(c);
	free(order);
	free(signed_len);
	free(docmdp);
	free(outs);
	cc_sig_structs_free(&ss);
	if (rc)
		cc_verify_report_free(r);
	return rc;
}

void cc_verify_report_free(struct cc_verify_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nsig; i++)
		cc_pdf_diff_free(&r->sig[i].diff);
	free(r->sig);
	memset(r, 0, sizeof(*r));
}

/* ---- output ---- */

static json_t *str_or_null(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}

static json_t *trust_json(const struct cc_trust_result *t)
{
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:b, s:o}", "indication",
			 cc_indication_name(t->indication), "subindication",
			 str_or_null(t->sub), "reason", str_or_null(t->problem),
			 "anchor", str_or_null(t->anchor), "checked_at",
			 str_or_null(t->checked_at), "past_time", t->past_time,
			 "revocation", str_or_null(t->revocation));
}

static const char *check(int done, int ok)
{
	return !done ? "not checked" : ok ? "ok" : "failed";
}

static json_t *sig_json(const struct cc_verify_sig *s)
{
	json_t *changes = json_array();
	json_t *o;

	for (size_t i = 0; s->diffed && i < s->diff.n; i++)
		json_array_append_new(
			changes,
			json_pack("{s:s, s:b}", "what", s->diff.change[i].what,
				  "allowed", s->diff.change[i].allowed));
	o = json_pack(
		"{s:s, s:s, s:s, s:i, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:s, "
		"s:s, s:s, s:s, s:s}",
		"field", s->field, "role", s->role, "subfilter", s->subfilter,
		"revision", s->revision, "covers_whole_file", s->whole,
		"signer", str_or_null(s->signer), "claimed_time",
		str_or_null(s->claimed), "proven_time", str_or_null(s->proven),
		"timestamp", str_or_null(s->timestamp), "digest_algorithm",
		str_or_null(s->digest_alg), "code", str_or_null(s->code),
		"structure", check(1, s->structure_ok), "digest",
		check(s->crypto_read, s->digest_ok), "signature",
		check(s->crypto_read, s->signature_ok), "signing_certificate",
		check(s->crypto_read, s->signing_cert_ok), "algorithms",
		check(s->crypto_read, s->algorithms_ok));
	if (!o) {
		json_decref(changes);
		return NULL;
	}
	json_object_set_new(o, "timestamp_token",
			    json_string(!s->has_tst ? "none"
					: s->tst_ok ? "ok"
						    : "failed"));
	json_object_set_new(o, "docmdp",
			    s->docmdp ? json_integer(s->docmdp) : json_null());
	json_object_set_new(o, "trust",
			    s->trust_checked ? trust_json(&s->trust)
					     : json_null());
	json_object_set_new(o, "tsa_trust",
			    s->tsa_checked ? trust_json(&s->tsa_trust)
					   : json_null());
	json_object_set_new(o, "changes_after",
			    s->diffed ? changes : json_null());
	if (!s->diffed)
		json_decref(changes);
	json_object_set_new(o, "indication",
			    json_string(cc_indication_name(s->indication)));
	json_object_set_new(o, "subindication", str_or_null(s->sub));
	json_object_set_new(o, "reason", str_or_null(s->reason));
	return o;
}

json_t *cc_verify_copy_json(const struct cc_copy *c)
{
	json_t *o = json_pack(
		"{s:o, s:s, s:s, s:I, s:s, s:o, s:i, s:I, s:o, s:o, s:o}",
		"code", str_or_null(c->code), "status", c->status, "book",
		c->book, "number", (json_int_t)c->number, "office", c->office,
		"certifier", str_or_null(c->certifier), "pages", c->pages,
		"fee", (json_int_t)c->fee, "issued_at",
		str_or_null(c->issued_at), "pdf_sha256",
		str_or_null(c->pdf_sha256), "scan_sha256",
		str_or_null(c->scan_sha256));

	if (o && !strcmp(c->status, "revoked"))
		json_object_set_new(
			o, "revoked",
			json_pack("{s:s, s:s, s:s}", "at", c->revoked_at, "by",
				  c->revoked_by, "reason", c->revoked_reason));
	return o;
}

json_t *cc_verify_json(const struct cc_verify_report *r)
{
	json_t *sigs = json_array();
	json_t *o;

	for (size_t i = 0; i < r->nsig; i++)
		json_array_append_new(sigs, sig_json(&r->sig[i]));
	o = json_pack("{s:s, s:s, s:I, s:I, s:s, s:o, s:o, s:o}", "file",
		      r->name, "sha256", r->sha256, "size", (json_int_t)r->size,
		      "revisions", (json_int_t)r->revisions, "indication",
		      cc_indication_name(r->indication), "subindication",
		      str_or_null(r->sub), "reason", str_or_null(r->reason),
		      "signatures", sigs);
	if (o && r->reg_checked) {
		json_t *reg = json_pack("{s:s, s:b}", "found_by", r->reg_by,
					"found", r->reg_found);

		if (reg && r->reg_found) {
			json_object_set_new(reg, "copy",
					    cc_verify_copy_json(&r->copy));
			json_object_set_new(reg, "match",
					    str_or_null(r->reg_match));
		}
		json_object_set_new(o, "register", reg);
	}
	return o;
}

void cc_verify_text(const struct cc_verify_report *r, int verbose,
		    struct cc_buf *out)
{
	for (size_t i = 0; i < r->nsig; i++) {
		const struct cc_verify_sig *s = &r->sig[i];

		cc_buf_printf(out, "  %s (%s", s->field, s->role);
		if (s->signer[0])
			cc_buf_printf(out, ", %s", s->signer);
		cc_buf_printf(out, ")");
		if (s->claimed[0])
			cc_buf_printf(out, " claimed %s", s->claimed);
		if (s->proven[0])
			cc_buf_printf(out, " proven %s", s->proven);
		cc_buf_printf(out, ": %s%s%s\n",
			      cc_indication_name(s->indication),
			      s->sub[0] ? "/" : "", s->sub);
		if (s->reason[0] && verbose)
			cc_buf_printf(out, "    %s\n", s->reason);
		if (verbose && s->trust.revocation[0])
			cc_buf_printf(out, "    revocation: %s\n",
				      s->trust.revocation);
		for (size_t j = 0; verbose && s->diffed && j < s->diff.n; j++)
			cc_buf_printf(out, "    after it: %s (%s)\n",
				      s->diff.change[j].what,
				      s->diff.change[j].allowed ? "allowed"
								: "not "
								  "allowed");
	}
	if (r->reg_checked && r->reg_found)
		cc_buf_printf(out,
			      "  register: %s %s, number %lld of book %s%s%s\n",
			      r->copy.code, r->copy.status, r->copy.number,
			      r->copy.book, r->reg_match[0] ? "; " : "",
			      r->reg_match);
	else if (r->reg_checked)
		cc_buf_printf(out, "  register: not found\n");
	cc_buf_printf(out, "%s: %s%s%s%s%s\n", r->name,
		      cc_indication_name(r->indication), r->sub[0] ? "/" : "",
		      r->sub, r->reason[0] ? ": " : "", r->reason);
}

/* ---- many files ---- */

struct slot {
	int done, rc;
	struct cc_error err;
	struct cc_verify_report r;
};

struct batch {
	const char *const *paths;
	size_t n, max, next;
	const struct cc_trust_opts *to;
	const char *reg_uri;
	int threads; /* for one file's signatures */
	struct slot *slot;
	int failed; /* a worker could not start: CC_SYSTEM in fail */
	struct cc_error fail;
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

static void *batch_worker(void *arg)
{
	struct batch *b = arg;
	struct cc_error err = {0, ""};
	struct cc_verify_opts vo = {0};
	struct cc_register *reg = NULL;
	int ok = 1;

	vo.trust = cc_trust_new(b->to, &err);
	if (vo.trust && b->reg_uri)
		vo.reg = reg = cc_register_open(b->reg_uri, &err);
	if (!vo.trust || (b->reg_uri && !reg)) {
		pthread_mutex_lock(&b->lock);
		if (!b->failed) {
			b->failed = 1;
			b->fail = err;
		}
		pthread_cond_broadcast(&b->cond);
		pthread_mutex_unlock(&b->lock);
		ok = 0;
	}
	vo.threads = b->threads;
	while (ok) {
		struct slot *s;
		struct cc_buf src = {0};
		size_t i;

		pthread_mutex_lock(&b->lock);
		i = b->next++;
		ok = i < b->n && !b->failed;
		pthread_mutex_unlock(&b->lock);
		if (!ok)
			break;
		s = &b->slot[i];
		s->rc = cc_buf_read_file(&src, b->paths[i], b->max, &s->err);
		if (s->rc == CC_OK)
			s->rc = cc_verify_pdf(src.data, src.len, b->paths[i],
					      &vo, &s->r, &s->err);
		cc_buf_free(&src);
		pthread_mutex_lock(&b->lock);
		s->done = 1;
		pthread_cond_broadcast(&b->cond);
		pthread_mutex_unlock(&b->lock);
	}
	cc_register_close(reg);
	cc_trust_free(vo.trust);
	return NULL;
}

int cc_verify_files(const char *const *paths, size_t n, size_t max, int jobs,
		    const struct cc_trust_opts *to, const char *reg_uri,
		    cc_verify_done done, void *ctx, struct cc_error *err)
{
	struct batch b = {.paths = paths,
			  .n = n,
			  .max = max,
			  .to = to,
			  .reg_uri = reg_uri};
	pthread_t th[64];
	size_t want = jobs > 0 ? (size_t)jobs : processors(), started = 0;
	int rc = CC_OK;

	if (want > sizeof(th) / sizeof(th[0]))
		want = sizeof(th) / sizeof(th[0]);
	if (want > n)
		want = n ? n : 1;
	/* Files in parallel, or one file's signatures. */
	b.threads = want > 1 ? 1 : 0;
	b.slot = calloc(n ? n : 1, sizeof(*b.slot));
	if (!b.slot)
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	pthread_mutex_init(&b.lock, NULL);
	pthread_cond_init(&b.cond, NULL);
	for (size_t i = 0; i < want; i++)
		if (pthread_create(&th[started], NULL, batch_worker, &b) == 0)
			started++;
	if (!started) {
		rc = cc_error_set(err, CC_SYSTEM, "cannot start a thread");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct slot *s = &b.slot[i];

		pthread_mutex_lock(&b.lock);
		while (!s->done && !b.failed)
			pthread_cond_wait(&b.cond, &b.lock);
		pthread_mutex_unlock(&b.lock);
		if (!s->done) {
			rc = cc_error_set(err,
					  b.fail.code ? b.fail.code : CC_SYSTEM,
					  "%s", b.fail.msg);
			break;
		}
		done(ctx, i, s->rc, &s->err, &s->r);
		if (s->rc == CC_OK)
			cc_verify_report_free(&s->r);
	}
out:
	for (size_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	for (size_t i = 0; i < n; i++)
		if (b.slot[i].done && b.slot[i].rc == CC_OK)
			cc_verify_report_free(&b.slot[i].r);
	pthread_cond_destroy(&b.cond);
	pthread_mutex_destroy(&b.lock);
	free(b.slot);
	return rc;
}
