/*
 * pdfdiff.c - changes after signing (pdfdiff.h). Two qpdf readings of the
 * same bytes, the signed prefix and the whole, through qpdf's C API: the
 * roles of the signed revision's objects come from pdfroles.c; each object
 * is then compared with the same object of the final document, and a
 * change is judged by the object's role and the DocMDP P.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qpdf/qpdf-c.h>

#include "buf.h"
#include "pdfdiff.h"
#include "pdfroles.h"
#include "pdfxref.h"
#include "sigstruct.h"

#define MAX_ENTRIES 4096  /* of /Annots and /Fields arrays compared */
#define MAX_CHANGES 1000  /* kept in the list */
#define EMPTY_AP_MAX 4096 /* raw bytes of an appearance looked into */

struct diff {
	qpdf_data qs, qf;	/* the signed revision, the final document */
	int p;			/* DocMDP P, 0 taken as 2 */
	int certified;		/* P is that of a certification signature */
	struct cc_pdf_roles rs; /* the signed revision's objects */
	struct cc_pdf_roles rf; /* the final document's pages */
	struct cc_pdf_diff *out;
	struct cc_buf list; /* holds out->change */
	int oom, truncated;
	/* The object numbers the later revisions' cross-reference sections
	 * define (sorted): no other object can differ. NULL: unknown, every
	 * object is compared. */
	int *changed;
	size_t nchanged;
};

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Object num may differ between the signed revision and the document. */
static int may_differ(const struct diff *d, int num)
{
	return !d->changed || bsearch(&num, d->changed, d->nchanged,
				      sizeof(*d->changed), cmp_int);
}

/*
 * What the revisions after signed_len may have changed: the numbers their
 * cross-reference sections list (pdfxref.h). Unknown (every object is then
 * compared) when the /Prev chain is broken, a section cannot be read, or
 * one of the numbers is an object stream of the signed revision (the
 * objects inside it would change with it, unlisted).
 */
static void later_changes(struct diff *d, const unsigned char *data, size_t len,
			  size_t signed_len)
{
	struct cc_xref_section *secs = NULL;
	unsigned long long *at = NULL;
	size_t nsecs = 0, n = 0;

	if (cc_xref_sections(data, len, &secs, &nsecs))
		return;
	at = malloc((nsecs ? nsecs : 1) * sizeof(*at));
	if (!at)
		goto out;
	for (size_t i = 0; i < nsecs; i++)
		if (secs[i].at >= signed_len)
			at[n++] = secs[i].at;
	if (cc_pdf_xref_objects(d->qf, data, len, at, n, &d->changed,
				&d->nchanged))
		goto out;
	for (size_t i = 0; i < d->nchanged; i++) {
		qpdf_oh o = qpdf_get_object_by_id(d->qs, d->changed[i], 0);
		int objstm =
			qpdf_oh_is_stream(d->qs, o) &&
			qpdf_oh_is_name_and_equals(
				d->qs,
				cc_qpdf_key(d->qs, qpdf_oh_get_dict(d->qs, o),
					    "/Type"),
				"/ObjStm");

		qpdf_oh_release_all(d->qs);
		if (objstm) {
			free(d->changed);
			d->changed = NULL;
			break;
		}
	}
out:
	free(at);
	free(secs);
}

static char *text(struct diff *d, qpdf_data q, qpdf_oh o)
{
	char *t = cc_qpdf_text(q, o);

	if (!t)
		d->oom = 1;
	return t;
}

static char *body(struct diff *d, qpdf_data q, qpdf_oh o)
{
	char *t = cc_qpdf_body(q, o);

	if (!t)
		d->oom = 1;
	return t;
}

static int keys(struct diff *d, qpdf_data q, qpdf_oh h, struct cc_qpdf_keys *ks)
{
	int rc = cc_qpdf_keys(q, h, ks);

	if (rc < 0)
		d->oom = 1;
	if (rc > 0)
		d->truncated = 1;
	return rc < 0 ? -1 : 0;
}

static qpdf_oh obj_s(struct diff *d, size_t i)
{
	return qpdf_get_object_by_id(d->qs, d->rs.obj[i].num, d->rs.obj[i].gen);
}

static qpdf_oh page_s(struct diff *d, size_t i)
{
	return qpdf_get_object_by_id(d->qs, d->rs.page[i].num,
				     d->rs.page[i].gen);
}

static int is_docts(qpdf_data q, qpdf_oh v)
{
	return qpdf_oh_is_name_and_equals(q, cc_qpdf_key(q, v, "/Type"),
					  "/DocTimeStamp") ||
	       qpdf_oh_is_name_and_equals(q, cc_qpdf_key(q, v, "/SubFilter"),
					  "/ETSI.RFC3161");
}

/* ---- changes ---- */

static void change(struct diff *d, int allowed, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void change(struct diff *d, int allowed, const char *fmt, ...)
{
	struct cc_pdf_diff *o = d->out;
	struct cc_pdf_change c = {"", allowed};
	va_list ap;
	void *p;

	va_start(ap, fmt);
	if (vsnprintf(c.what, sizeof(c.what), fmt, ap) < 0)
		c.what[0] = '\0';
	va_end(ap);
	if (!allowed && o->ok) {
		o->ok = 0;
		cc_label(o->problem, sizeof(o->problem),
			 "%s after the signature", c.what);
	}
	if (o->n == MAX_CHANGES)
		return;
	if ((p = cc_pdf_push(&d->list, &c, sizeof(c), &d->oom))) {
		o->change = p;
		o->n++;
	}
}

/* A change that DocMDP allows from P=min up. */
static void change_p(struct diff *d, int min, const char *why, const char *what)
{
	if (d->p < min)
		change(d, 0, "%s", what);
	else if (d->certified)
		change(d, 1, "%s (%s, DocMDP P=%d)", what, why, d->p);
	else
		change(d, 1,
		       "%s (%s; no certification signature, taken as P=2)",
		       what, why);
}

/* ---- comparing ---- */

static int same_data(struct diff *d, qpdf_oh s, qpdf_oh f)
{
	unsigned char *x = NULL, *y = NULL;
	size_t nx = 0, ny = 0;
	int eq = 0;

	if (!(qpdf_oh_get_stream_data(d->qs, s, qpdf_dl_none, NULL, &x, &nx) &
	      QPDF_ERRORS) &&
	    !(qpdf_oh_get_stream_data(d->qf, f, qpdf_dl_none, NULL, &y, &ny) &
	      QPDF_ERRORS))
		eq = nx == ny && (!nx || !memcmp(x, y, nx));
	free(x);
	free(y);
	return eq;
}

/* Object s of the signed revision is object f of the final one. */
static int same(struct diff *d, qpdf_oh s, qpdf_oh f)
{
	int stream = qpdf_oh_is_stream(d->qs, s), eq;
	char *a, *b;

	if (stream != qpdf_oh_is_stream(d->qf, f))
		return 0;
	a = body(d, d->qs, s);
	b = body(d, d->qf, f);
	eq = a && b && !strcmp(a, b);
	free(a);
	free(b);
	return eq && stream ? same_data(d, s, f) : eq;
}

/* The unparsed entries of array a (at most MAX_ENTRIES; NULL on OOM). */
static char **entries(struct diff *d, qpdf_data q, qpdf_oh a, int n)
{
	char **t = calloc(n ? (size_t)n : 1, sizeof(*t));

	if (!t) {
		d->oom = 1;
		return NULL;
	}
	for (int i = 0; i < n; i++)
		if (!(t[i] = text(d, q, qpdf_oh_get_array_item(q, a, i)))) {
			while (i--)
				free(t[i]);
			free(t);
			return NULL;
		}
	return t;
}

static void entries_free(char **t, int n)
{
	for (int i = 0; t && i < n; i++)
		free(t[i]);
	free(t);
}

static int in(const char *s, char **t, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(s, t[i]))
			return 1;
	return 0;
}

/* A signature added (a new field, or an unsigned one signed): at P=1
 * only a document time-stamp. */
static void sig_change(struct diff *d, int docts, const char *what)
{
	if (d->p == 1 && !docts)
		change(d, 0, "%s at DocMDP P=1", what);
	else
		change(d, 1, "%s", what);
}

static int stream_empty(struct diff *d, qpdf_oh s)
{
	unsigned char *b = NULL;
	size_t n = 0;
	QPDF_BOOL filtered = QPDF_FALSE;
	int empty = 0;

	if (qpdf_oh_get_stream_data(d->qf, s, qpdf_dl_none, NULL, &b, &n) &
	    QPDF_ERRORS)
		return 0;
	free(b);
	if (!n)
		return 1;
	if (n > EMPTY_AP_MAX)
		return 0;
	b = NULL;
	if (qpdf_oh_get_stream_data(d->qf, s, qpdf_dl_generalized, &filtered,
				    &b, &n) &
	    QPDF_ERRORS)
		return 0;
	if (filtered ||
	    qpdf_oh_is_null(d->qf, cc_qpdf_key(d->qf, s, "/Filter"))) {
		empty = 1;
		for (size_t i = 0; i < n; i++)
			empty &= !b[i] || strchr(" \t\n\r\f", b[i]);
	}
	free(b);
	return empty;
}

/* Every appearance under h (the /AP dictionary, a state dictionary, a
 * stream) paints nothing. */
static int paints_nothing(struct diff *d, qpdf_oh h, int depth)
{
	struct cc_qpdf_keys ks;
	int empty = 1;

	if (qpdf_oh_is_stream(d->qf, h))
		return stream_empty(d, h);
	if (depth > 1 || !qpdf_oh_is_dictionary(d->qf, h) ||
	    keys(d, d->qf, h, &ks))
		return 0;
	for (size_t i = 0; i < ks.n && empty; i++)
		empty = ks.n <= 16 &&
			paints_nothing(d, cc_qpdf_key(d->qf, h, ks.k[i]),
				       depth + 1);
	cc_qpdf_keys_free(&ks);
	return empty;
}

/* Why widget w of the final document shows nothing, or NULL. */
static const char *invisible(struct diff *d, qpdf_oh w)
{
	qpdf_data q = d->qf;
	qpdf_oh r = cc_qpdf_key(q, w, "/Rect"), ap = cc_qpdf_key(q, w, "/AP");
	double v[4];
	int ok = 1;

	if (cc_qpdf_int(q, cc_qpdf_key(q, w, "/F"), 0) &
	    (2 | 32)) /* Hidden, NoView */
		return "hidden";
	if (cc_qpdf_nitems(q, r) == 4) {
		for (int i = 0; i < 4; i++)
			ok &= qpdf_oh_get_value_as_number(
				q, qpdf_oh_get_array_item(q, r, i), &v[i]);
		if (ok && (v[0] == v[2] || v[1] == v[3]))
			return "zero-area /Rect";
	}
	if (qpdf_oh_has_key(q, ap, "/N") && paints_nothing(d, ap, 0))
		return "empty appearance";
	return NULL;
}

static int is_widget(qpdf_data q, qpdf_oh h)
{
	return qpdf_oh_is_name_and_equals(q, cc_qpdf_key(q, h, "/Subtype"),
					  "/Widget");
}

static int is_sig(qpdf_data q, qpdf_oh h)
{
	return qpdf_oh_is_name_and_equals(q, cc_qpdf_field_attr(q, h, "/FT"),
					  "/Sig");
}

static void new_annot(struct diff *d, int page, qpdf_oh h)
{
	qpdf_data q = d->qf;
	char what[160], sub[32], name[48];
	const char *why;

	if (!qpdf_oh_is_dictionary(q, h)) {
		change(d, 0,
		       "page %d: /Annots gained an entry that is no "
		       "annotation",
		       page + 1);
		return;
	}
	if (!is_widget(q, h)) {
		cc_label(what, sizeof(what), "page %d: new annotation %s",
			 page + 1,
			 cc_qpdf_name(q, cc_qpdf_key(q, h, "/Subtype"), sub,
				      sizeof(sub)));
		change_p(d, 3, "annotations", what);
		return;
	}
	cc_qpdf_field_name(q, h, name, sizeof(name));
	if (!is_sig(q, h)) {
		change(d, 0, "page %d: new widget of field '%s'", page + 1,
		       name);
		return;
	}
	why = invisible(d, h);
	if (!why) {
		change(d, 0,
		       "page %d: new visible signature widget '%s' may "
		       "paint over signed content",
		       page + 1, name);
		return;
	}
	cc_label(what, sizeof(what),
		 "page %d: new invisible signature widget '%s' (%s)", page + 1,
		 name, why);
	sig_change(d, is_docts(q, cc_qpdf_field_attr(q, h, "/V")), what);
}

static void gone_annot(struct diff *d, int page, qpdf_oh h)
{
	qpdf_data q = d->qs;
	char what[160], sub[32], name[48];

	if (qpdf_oh_is_dictionary(q, h) && !is_widget(q, h)) {
		cc_label(what, sizeof(what),
			 "page %d: annotation %s "
			 "removed",
			 page + 1,
			 cc_qpdf_name(q, cc_qpdf_key(q, h, "/Subtype"), sub,
				      sizeof(sub)));
		change_p(d, 3, "annotations", what);
	} else if (qpdf_oh_is_dictionary(q, h)) {
		cc_qpdf_field_name(q, h, name, sizeof(name));
		change(d, 0, "page %d: widget of field '%s' removed", page + 1,
		       name);
	} else {
		change(d, 0, "page %d: an /Annots entry removed", page + 1);
	}
}

/* /Annots of page: s in the signed revision, f in the final one. */
static void check_annots(struct diff *d, int page, qpdf_oh s, qpdf_oh f)
{
	int ns = cc_qpdf_nitems(d->qs, s), nf = cc_qpdf_nitems(d->qf, f), j = 0;
	int reordered = 0;
	char **ts = NULL, **tf = NULL;

	if (!qpdf_oh_is_null(d->qf, f) && !qpdf_oh_is_array(d->qf, f)) {
		change(d, 0, "page %d: /Annots is no array", page + 1);
		return;
	}
	if (ns > MAX_ENTRIES || nf > MAX_ENTRIES) {
		change(d, 0, "page %d: /Annots too long to compare", page + 1);
		return;
	}
	if (!(ts = entries(d, d->qs, s, ns)) ||
	    !(tf = entries(d, d->qf, f, nf)))
		goto out;
	for (int k = 0; k < nf; k++) {
		if (j < ns && !strcmp(tf[k], ts[j]))
			j++;
		else if (in(tf[k], ts, ns))
			reordered = 1;
		else
			new_annot(d, page, qpdf_oh_get_array_item(d->qf, f, k));
	}
	for (int k = 0; k < ns; k++)
		if (!in(ts[k], tf, nf))
			gone_annot(d, page,
				   qpdf_oh_get_array_item(d->qs, s, k));
	if (reordered)
		change(d, 0, "page %d: /Annots reordered", page + 1);
out:
	entries_free(ts, ns);
	entries_free(tf, nf);
}

static void check_fields(struct diff *d, qpdf_oh s, qpdf_oh f)
{
	int ns = cc_qpdf_nitems(d->qs, s), nf = cc_qpdf_nitems(d->qf, f);
	char **ts = NULL, **tf = NULL, name[48], what[160];

	if (!qpdf_oh_is_array(d->qf, f)) {
		change(d, 0, "AcroForm: /Fields is no array");
		return;
	}
	if (ns > MAX_ENTRIES || nf > MAX_ENTRIES) {
		change(d, 0, "AcroForm: /Fields too long to compare");
		return;
	}
	if (!(ts = entries(d, d->qs, s, ns)) ||
	    !(tf = entries(d, d->qf, f, nf)))
		goto out;
	for (int k = 0; k < ns; k++)
		if (!in(ts[k], tf, nf)) {
			cc_qpdf_field_name(d->qs,
					   qpdf_oh_get_array_item(d->qs, s, k),
					   name, sizeof(name));
			change(d, 0, "AcroForm: field '%s' removed", name);
		}
	for (int k = 0; k < nf; k++) {
		qpdf_oh h = qpdf_oh_get_array_item(d->qf, f, k);

		if (in(tf[k], ts, ns))
			continue;
		cc_qpdf_field_name(d->qf, h, name, sizeof(name));
		if (!qpdf_oh_is_dictionary(d->qf, h) || !is_sig(d->qf, h)) {
			change(d, 0, "AcroForm: new field '%s'", name);
			continue;
		}
		cc_label(what, sizeof(what),
			 "AcroForm: new signature field '%s'", name);
		sig_change(d,
			   is_docts(d->qf, cc_qpdf_field_attr(d->qf, h, "/V")),
			   what);
	}
out:
	entries_free(ts, ns);
	entries_free(tf, nf);
}

typedef void (*key_fn)(struct diff *d, size_t i, const char *k, qpdf_oh vs,
		       qpdf_oh vf, const char *how);

/* fn for every key whose value differs between s and f (an object that
 * is no dictionary has none). */
static void key_diff(struct diff *d, size_t i, qpdf_oh s, qpdf_oh f, key_fn fn)
{
	struct cc_qpdf_keys ks, kf;

	if (keys(d, d->qs, s, &ks))
		return;
	if (keys(d, d->qf, f, &kf)) {
		cc_qpdf_keys_free(&ks);
		return;
	}
	for (int pass = 0; pass < 2 && !d->oom; pass++) {
		const struct cc_qpdf_keys *a = pass ? &kf : &ks;

		for (size_t j = 0; j < a->n; j++) {
			qpdf_oh vs = cc_qpdf_key(d->qs, s, a->k[j]),
				vf = cc_qpdf_key(d->qf, f, a->k[j]);
			char *ts, *tf, k[64];
			int seen = 0;

			for (size_t m = 0; pass && m < ks.n && !seen; m++)
				seen = !strcmp(ks.k[m], a->k[j]);
			if (seen)
				continue;
			ts = text(d, d->qs, vs);
			tf = text(d, d->qf, vf);
			cc_label(k, sizeof(k), "%s", a->k[j]);
			if (ts && tf && strcmp(ts, tf))
				fn(d, i, k, vs, vf,
				   qpdf_oh_is_null(d->qs, vs)	? "added"
				   : qpdf_oh_is_null(d->qf, vf) ? "removed"
								: "changed");
			free(ts);
			free(tf);
		}
	}
	cc_qpdf_keys_free(&ks);
	cc_qpdf_keys_free(&kf);
}

static void acroform_key(struct diff *d, size_t i, const char *k, qpdf_oh vs,
			 qpdf_oh vf, const char *how)
{
	char what[160];

	(void)i;
	cc_label(what, sizeof(what), "AcroForm: %s %s", k, how);
	if (!strcmp(k, "/Fields"))
		check_fields(d, vs, vf);
	else if (!strcmp(k, "/SigFlags"))
		change(d, 1, "%s", what);
	else if (!strcmp(k, "/DR") || !strcmp(k, "/NeedAppearances"))
		change_p(d, 2, "form filling", what);
	else
		change(d, 0, "%s", what);
}

static void check_acroform(struct diff *d, qpdf_oh s, qpdf_oh f)
{
	if (!qpdf_oh_is_dictionary(d->qf, f))
		change(d, 0, "AcroForm: is no dictionary");
	else
		key_diff(d, 0, s, f, acroform_key);
}

static void catalog_key(struct diff *d, size_t i, const char *k, qpdf_oh vs,
			qpdf_oh vf, const char *how)
{
	(void)i;
	if (!strcmp(k, "/DSS"))
		change(d, 1, "catalog: /DSS %s (validation data)", how);
	else if (!strcmp(k, "/Extensions"))
		change(d, 1, "catalog: /Extensions %s (extension levels)", how);
	else if (!strcmp(k, "/AcroForm") && !qpdf_oh_is_null(d->qf, vf))
		check_acroform(d, vs, vf);
	else
		change(d, 0, "catalog: %s %s", k, how);
}

static void page_key(struct diff *d, size_t i, const char *k, qpdf_oh vs,
		     qpdf_oh vf, const char *how)
{
	if (!strcmp(k, "/Annots"))
		check_annots(d, d->rs.obj[i].page, vs, vf);
	else
		change(d, 0, "page %d: %s %s", d->rs.obj[i].page + 1, k, how);
}

static void tree_key(struct diff *d, size_t i, const char *k, qpdf_oh vs,
		     qpdf_oh vf, const char *how)
{
	(void)vs;
	(void)vf;
	change(d, 0, "page tree (object %d %d): %s %s", d->rs.obj[i].num,
	       d->rs.obj[i].gen, k, how);
}

/* Flags whose change neither shows nor hides a widget: Print, ReadOnly,
 * Locked, LockedContents. */
#define QUIET_FLAGS (4 | 64 | 128 | 512)

static int int_or_absent(qpdf_data q, qpdf_oh v)
{
	return qpdf_oh_is_null(q, v) || qpdf_oh_is_integer(q, v);
}

static void sigfield_key(struct diff *d, size_t i, const char *k, qpdf_oh vs,
			 qpdf_oh vf, const char *how)
{
	const struct cc_pdf_obj *o = &d->rs.obj[i];
	long long a = cc_qpdf_int(d->qs, vs, 0), b = cc_qpdf_int(d->qf, vf, 0);
	char what[160];
	qpdf_oh v;

	if (o->signed_) {
		change(d, 0, "%s: %s %s", o->label, k, how);
	} else if (!strcmp(k, "/V") && qpdf_oh_is_null(d->qs, vs) &&
		   qpdf_oh_is_dictionary(d->qf, vf)) {
		cc_label(what, sizeof(what), "%s: signed", o->label);
		sig_change(d, is_docts(d->qf, vf), what);
	} else if (!strcmp(k, "/AP")) {
		v = cc_qpdf_field_attr(
			d->qf, qpdf_get_object_by_id(d->qf, o->num, o->gen),
			"/V");
		cc_label(what, sizeof(what), "%s: new appearance", o->label);
		if (qpdf_oh_is_dictionary(d->qf, v))
			sig_change(d, is_docts(d->qf, v), what);
		else
			change(d, 0, "%s: /AP %s without a signature", o->label,
			       how);
	} else if (!strcmp(k, "/F") && int_or_absent(d->qs, vs) &&
		   int_or_absent(d->qf, vf) && !((a ^ b) & ~QUIET_FLAGS)) {
		change(d, 1, "%s: /F %s (print and lock flags)", o->label, how);
	} else if (!strcmp(k, "/Ff") && int_or_absent(d->qs, vs) &&
		   int_or_absent(d->qf, vf) && !(a & ~b) && !((b & ~a) & ~1)) {
		change(d, 1, "%s: /Ff %s (read-only)", o->label, how);
	} else {
		change(d, 0, "%s: %s %s", o->label, k, how);
	}
}

static void field_key(struct diff *d, size_t i, const char *k, qpdf_oh vs,
		      qpdf_oh vf, const char *how)
{
	char what[160];

	(void)vs;
	(void)vf;
	cc_label(what, sizeof(what), "%s: %s %s", d->rs.obj[i].label, k, how);
	if (!strcmp(k, "/V") || !strcmp(k, "/AP") || !strcmp(k, "/AS"))
		change_p(d, 2, "form filling", what);
	else
		change(d, 0, "%s", what);
}

static void compare_obj(struct diff *d, size_t i)
{
	const struct cc_pdf_obj *o = &d->rs.obj[i];
	qpdf_oh s = obj_s(d, i),
		f = qpdf_get_object_by_id(d->qf, o->num, o->gen);
	int dicts = qpdf_oh_is_dictionary(d->qs, s) &&
		    qpdf_oh_is_dictionary(d->qf, f);
	char what[160];

	if (same(d, s, f))
		return;
	if (qpdf_oh_is_null(d->qf, f)) {
		change(d, 0, "object %d %d (%s) removed", o->num, o->gen,
		       o->label);
		return;
	}
	cc_label(what, sizeof(what), "object %d %d (%s) %s", o->num, o->gen,
		 o->label,
		 qpdf_oh_is_null(d->qs, s) ? "defined after signing"
					   : "changed");
	if (dicts && o->role == CC_ROLE_CATALOG)
		key_diff(d, i, s, f, catalog_key);
	else if (dicts && o->role == CC_ROLE_PAGES)
		key_diff(d, i, s, f, tree_key);
	else if (dicts && o->role == CC_ROLE_PAGE)
		key_diff(d, i, s, f, page_key);
	else if (dicts && o->role == CC_ROLE_SIGFIELD)
		key_diff(d, i, s, f, sigfield_key);
	else if (dicts && o->role == CC_ROLE_FIELD)
		key_diff(d, i, s, f, field_key);
	else if (o->role == CC_ROLE_ACROFORM)
		check_acroform(d, s, f);
	else if (o->role == CC_ROLE_FIELDS)
		check_fields(d, s, f);
	else if (o->role == CC_ROLE_ANNOTS)
		check_annots(d, o->page, s, f);
	else if (o->role == CC_ROLE_ANNOT || o->role == CC_ROLE_ANNOT_DATA)
		change_p(d, 3, "annotations", what);
	else if (o->role == CC_ROLE_FIELD_DATA)
		change_p(d, 2, "form filling", what);
	else if (o->role == CC_ROLE_DSS)
		change(d, 1, "%s (validation data)", what);
	else
		change(d, 0, "%s", what);
}

/* The trailer, the page count, and which object each page is. */
static void compare_doc(struct diff *d)
{
	static const char *const attrs[] = {"/Resources", "/MediaBox",
					    "/CropBox", "/Rotate"};
	static const char *const trailer[] = {"/Root", "/Info"};
	size_t ns = d->rs.npages, nf = d->rf.npages;

	for (int k = 0; k < 2; k++) {
		char *a = text(d, d->qs,
			       cc_qpdf_key(d->qs, qpdf_get_trailer(d->qs),
					   trailer[k])),
		     *b = text(d, d->qf,
			       cc_qpdf_key(d->qf, qpdf_get_trailer(d->qf),
					   trailer[k]));

		if (a && b && strcmp(a, b))
			change(d, 0, "trailer: %s changed", trailer[k]);
		free(a);
		free(b);
	}
	if (nf > ns)
		change(d, 0, "page %zu added (%zu pages signed, %zu now)",
		       ns + 1, ns, nf);
	else if (nf < ns)
		change(d, 0, "page %zu removed (%zu pages signed, %zu now)",
		       nf + 1, ns, nf);
	for (size_t i = 0; i < ns && i < nf && !d->oom; i++) {
		struct cc_pdf_ref a = d->rs.page[i], b = d->rf.page[i];
		qpdf_oh ps = page_s(d, i),
			pf = qpdf_get_object_by_id(d->qf, b.num, b.gen);

		if (a.num != b.num || a.gen != b.gen) {
			change(d, 0, "page %zu: is object %d %d, was %d %d",
			       i + 1, b.num, b.gen, a.num, a.gen);
			continue;
		}
		for (size_t k = 0; k < sizeof(attrs) / sizeof(attrs[0]); k++) {
			char *x, *y;

			if (qpdf_oh_has_key(d->qs, ps, attrs[k]) ||
			    qpdf_oh_has_key(d->qf, pf, attrs[k]))
				continue; /* the page's own: compare_obj */
			x = text(d, d->qs,
				 cc_qpdf_inherited(d->qs, ps, attrs[k]));
			y = text(d, d->qf,
				 cc_qpdf_inherited(d->qf, pf, attrs[k]));
			if (x && y && strcmp(x, y))
				change(d, 0, "page %zu: inherited %s changed",
				       i + 1, attrs[k]);
			free(x);
			free(y);
		}
		qpdf_oh_release_all(d->qs);
		qpdf_oh_release_all(d->qf);
	}
}

/* Objects 1 .. /Size-1 (generation 0) that the signed revision does not
 * use: they may not change either. */
static void compare_unused(struct diff *d)
{
	long long size = cc_qpdf_int(
		d->qs, cc_qpdf_key(d->qs, qpdf_get_trailer(d->qs), "/Size"), 0);

	if (size > CC_PDF_MAX_OBJECTS + 1LL) {
		d->truncated = 1;
		size = CC_PDF_MAX_OBJECTS + 1LL;
	}
	for (int n = 1; n < size && !d->oom; n++) {
		qpdf_oh s, f;

		if (cc_pdf_roles_find(&d->rs, n, 0) != SIZE_MAX ||
		    !may_differ(d, n))
			continue;
		s = qpdf_get_object_by_id(d->qs, n, 0);
		f = qpdf_get_object_by_id(d->qf, n, 0);
		if (!qpdf_oh_is_null(d->qs, s) && !same(d, s, f))
			change(d, 0,
			       qpdf_oh_is_null(d->qf, f)
				       ? "object %d 0 removed"
				       : "object %d 0 (used by nothing in "
					 "the signed revision) changed",
			       n);
		qpdf_oh_release_all(d->qs);
		qpdf_oh_release_all(d->qf);
	}
}

/* ---- the documents ---- */

/* A pending qpdf error or warning, as CC_INPUT; 0 when there is none. */
static int trouble(qpdf_data q, const char *what, struct cc_error *err)
{
	qpdf_error e;

	if (qpdf_has_error(q)) {
		e = qpdf_get_error(q);
		return cc_error_set(err, CC_INPUT, "cannot read %s: %s", what,
				    qpdf_get_error_message_detail(q, e));
	}
	if (qpdf_more_warnings(q)) {
		e = qpdf_next_warning(q);
		return cc_error_set(err, CC_INPUT, "%s needs repair: %s", what,
				    qpdf_get_error_message_detail(q, e));
	}
	return 0;
}

static int open_doc(qpdf_data *q, const unsigned char *data, size_t len,
		    const char *what, struct cc_error *err)
{
	int rc;

	*q = qpdf_init();
	if (!*q)
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	qpdf_silence_errors(*q);
	qpdf_set_suppress_warnings(*q, 1);
	/* No reconstruction: an object only a repairing reader sees is an
	 * object the cross-reference hides. */
	qpdf_set_attempt_recovery(*q, QPDF_FALSE);
	qpdf_read_memory(*q, what, (const char *)data, (unsigned long long)len,
			 NULL);
	if ((rc = trouble(*q, what, err)))
		return rc;
	if (qpdf_is_encrypted(*q))
		return cc_error_set(err, CC_INPUT, "%s is encrypted", what);
	return 0;
}

int cc_pdf_diff(const unsigned char *data, size_t len, size_t signed_len,
		int docmdp, struct cc_pdf_diff *out, struct cc_error *err)
{
	struct diff d = {0};
	int rc;

	memset(out, 0, sizeof(*out));
	if (!data || !signed_len || signed_len > len)
		return cc_error_set(err, CC_USAGE,
				    "a signed revision of %zu bytes is not "
				    "part of a document of %zu bytes",
				    signed_len, len);
	if (docmdp < 0 || docmdp > 3)
		return cc_error_set(err, CC_USAGE,
				    "DocMDP P=%d is not 1, 2 or 3", docmdp);
	out->ok = 1;
	d.out = out;
	d.p = docmdp ? docmdp : 2;
	d.certified = docmdp != 0;
	if ((rc = open_doc(&d.qs, data, signed_len, "the signed revision",
			   err)))
		goto out;
	if (signed_len == len) /* nothing came after it */
		goto out;
	if ((rc = open_doc(&d.qf, data, len, "the document", err)))
		goto out;
	if (cc_pdf_roles_read(d.qs, &d.rs) || cc_pdf_roles_pages(d.qf, &d.rf))
		d.oom = 1;
	d.truncated = d.rs.truncated || d.rf.truncated;
	compare_doc(&d);
	later_changes(&d, data, len, signed_len);
	for (size_t i = 0; i < d.rs.n && !d.oom; i++) {
		if (!may_differ(&d, d.rs.obj[i].num))
			continue;
		compare_obj(&d, i);
		qpdf_oh_release_all(d.qs);
		qpdf_oh_release_all(d.qf);
	}
	compare_unused(&d);
	if (d.truncated)
		change(&d, 0,
		       "the document is past a limit of the analysis "
		       "(objects, pages, keys or depth)");
	/* Both retrieved: qpdf would print an error left pending. */
	rc = trouble(d.qs, "the signed revision", err);
	if (trouble(d.qf, "the document", rc ? NULL : err) && !rc)
		rc = CC_INPUT;
	if (rc)
		goto out;
	if (d.oom)
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
out:
	for (int i = 0; i < 2; i++) {
		qpdf_data *q = i ? &d.qf : &d.qs;

		if (*q)
			qpdf_cleanup(q);
		cc_pdf_roles_free(i ? &d.rf : &d.rs);
	}
	free(d.changed);
	if (rc != CC_OK)
		cc_pdf_diff_free(out);
	return rc;
}

void cc_pdf_diff_free(struct cc_pdf_diff *d)
{
	if (d) {
		free(d->change);
		memset(d, 0, sizeof(*d));
	}
}
