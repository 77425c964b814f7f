/*
 * pdfdiff.c - changes after signing (pdfdiff.h). Two qpdf readings of the
 * same bytes, the signed prefix and the whole, through qpdf's C API. First
 * every object of the signed revision gets its role, in passes from the
 * strictest to the most lenient (the first role an object gets is its
 * role); then each is compared with the same object of the final document
 * and a change is judged by its role. Only object numbers are kept between
 * qpdf calls, so that qpdf's handles can be released as the work goes.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qpdf/qpdf-c.h>

#include "pdfdiff.h"

#define MAX_OBJECTS 1000000
#define MAX_PAGES 100000
#define MAX_DEPTH 64	  /* page and field trees, /Parent chains */
#define MAX_KEYS 4096	  /* a dictionary's keys compared one by one */
#define MAX_ENTRIES 4096  /* of /Annots and /Fields arrays compared */
#define MAX_CHANGES 1000  /* kept in the list */
#define EMPTY_AP_MAX 4096 /* raw bytes of an appearance looked into */

enum role {
	R_CATALOG,
	R_PAGES, /* page tree nodes and their /Kids arrays */
	R_PAGE,
	R_ANNOTS, /* a page's /Annots array */
	R_ANNOT,  /* an annotation that is no widget */
	R_SIGFIELD,
	R_FIELD,
	R_ACROFORM,
	R_FIELDS,
	R_OTHER,      /* may not change; the label says what it is */
	R_ANNOT_DATA, /* what only annotations reach: P=3 */
	R_FIELD_DATA, /* what only field values and appearances reach: P>=2 */
	R_DSS,	      /* /DSS and /Extensions */
};

struct obj {
	int num, gen;
	int page; /* 0-based, -1 for none */
	unsigned char role;
	unsigned char signed_; /* a signature field signed already */
	unsigned char scan;    /* what it reaches takes its role */
	char label[64];
};

struct ref {
	int num, gen;
};

/* (num, gen) -> index; open addressing, num 0 marks a free slot. */
struct set {
	struct ref *key;
	size_t *val;
	size_t cap, n;
};

struct refs {
	struct ref *r;
	size_t n, cap;
};

struct diff {
	qpdf_data qs, qf; /* the signed revision, the final document */
	int p;		  /* DocMDP P, 0 taken as 2 */
	int certified;	  /* P is that of a certification signature */
	struct obj *obj;
	size_t nobj, cap, drained;
	struct set claimed, seen_f;
	struct refs pages_s, pages_f;
	struct cc_pdf_diff *out;
	size_t outcap;
	int oom, truncated;
};

/* ---- small helpers ---- */

static qpdf_oh key(qpdf_data q, qpdf_oh d, const char *k)
{
	if (!qpdf_oh_is_dictionary(q, d) && !qpdf_oh_is_stream(q, d))
		return qpdf_oh_new_null(q);
	return qpdf_oh_get_key(q, d, k);
}

static int nitems(qpdf_data q, qpdf_oh a)
{
	return qpdf_oh_is_array(q, a) ? qpdf_oh_get_array_n_items(q, a) : 0;
}

static long long int_of(qpdf_data q, qpdf_oh o, long long dflt)
{
	long long v;

	return qpdf_oh_get_value_as_longlong(q, o, &v) ? v : dflt;
}

/* s as label text: control characters shown as '?'. */
static void clean(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

/* The name o (without its slash) into buf, or "?" */
static const char *name_of(qpdf_data q, qpdf_oh o, char *buf, size_t size)
{
	const char *n = qpdf_oh_is_name(q, o) ? qpdf_oh_get_name(q, o) : NULL;

	if (snprintf(buf, size, "%s", n && *n == '/' ? n : "/?") < 0)
		buf[0] = '\0';
	clean(buf);
	return buf;
}

/* o's unparsed form (a reference stays "N G R"); a copy, NULL on OOM. */
static char *text(struct diff *d, qpdf_data q, qpdf_oh o)
{
	const char *t = qpdf_oh_unparse(q, o);
	char *c = strdup(t ? t : "");

	if (!c)
		d->oom = 1;
	return c;
}

/* An indirect object's own form: a stream's dictionary, else itself. */
static char *body(struct diff *d, qpdf_data q, qpdf_oh o)
{
	const char *t;
	char *c;

	if (qpdf_oh_is_stream(q, o))
		return text(d, q, qpdf_oh_get_dict(q, o));
	t = qpdf_oh_unparse_resolved(q, o);
	c = strdup(t ? t : "");
	if (!c)
		d->oom = 1;
	return c;
}

static int is_docts(qpdf_data q, qpdf_oh v)
{
	return qpdf_oh_is_name_and_equals(q, key(q, v, "/Type"),
					  "/DocTimeStamp") ||
	       qpdf_oh_is_name_and_equals(q, key(q, v, "/SubFilter"),
					  "/ETSI.RFC3161");
}

/* A field attribute, inherited through /Parent. */
static qpdf_oh field_attr(qpdf_data q, qpdf_oh f, const char *k)
{
	for (int depth = 0; depth < MAX_DEPTH && qpdf_oh_is_dictionary(q, f);
	     depth++) {
		if (qpdf_oh_has_key(q, f, k))
			return qpdf_oh_get_key(q, f, k);
		f = key(q, f, "/Parent");
	}
	return qpdf_oh_new_null(q);
}

/* The full name of field f ("a.b"), from /T up the /Parent chain. */
static void field_name(qpdf_data q, qpdf_oh f, char *buf, size_t size)
{
	qpdf_oh chain[MAX_DEPTH];
	int n = 0;
	size_t at = 0;

	buf[0] = '\0';
	while (n < MAX_DEPTH && qpdf_oh_is_dictionary(q, f)) {
		chain[n++] = f;
		f = key(q, f, "/Parent");
	}
	while (n-- > 0) {
		qpdf_oh t = key(q, chain[n], "/T");
		const char *s;
		int w;

		if (!qpdf_oh_is_string(q, t))
			continue;
		s = qpdf_oh_get_utf8_value(q, t);
		w = snprintf(buf + at, size - at, "%s%s", at ? "." : "",
			     s ? s : "");
		if (w < 0 || (size_t)w >= size - at)
			break;
		at += (size_t)w;
	}
	clean(buf);
}

/* ---- the set of objects ---- */

static size_t hash(int num, int gen)
{
	uint64_t h = (uint64_t)(unsigned)num * 0x9E3779B97F4A7C15ULL ^
		     (uint64_t)(unsigned)gen * 0xC2B2AE3D27D4EB4FULL;

	return (size_t)(h ^ (h >> 31));
}

static size_t set_get(const struct set *s, int num, int gen)
{
	if (!s->cap)
		return SIZE_MAX;
	for (size_t i = hash(num, gen) & (s->cap - 1);;
	     i = (i + 1) & (s->cap - 1)) {
		if (!s->key[i].num)
			return SIZE_MAX;
		if (s->key[i].num == num && s->key[i].gen == gen)
			return s->val[i];
	}
}

/* Adds (num, gen) -> val; 1 when added, 0 when there, -1 out of memory. */
static int set_put(struct set *s, int num, int gen, size_t val)
{
	size_t i;

	if (set_get(s, num, gen) != SIZE_MAX)
		return 0;
	if (2 * (s->n + 1) > s->cap) {
		struct set g = {0};

		g.cap = s->cap ? 2 * s->cap : 1024;
		g.key = calloc(g.cap, sizeof(*g.key));
		g.val = calloc(g.cap, sizeof(*g.val));
		if (!g.key || !g.val) {
			free(g.key);
			free(g.val);
			return -1;
		}
		for (size_t k = 0; k < s->cap; k++)
			if (s->key[k].num)
				set_put(&g, s->key[k].num, s->key[k].gen,
					s->val[k]);
		free(s->key);
		free(s->val);
		*s = g;
	}
	for (i = hash(num, gen) & (s->cap - 1); s->key[i].num;
	     i = (i + 1) & (s->cap - 1))
		;
	s->key[i] = (struct ref){num, gen};
	s->val[i] = val;
	s->n++;
	return 1;
}

static void set_free(struct set *s)
{
	free(s->key);
	free(s->val);
	memset(s, 0, sizeof(*s));
}

/* ---- changes ---- */

static void change(struct diff *d, int allowed, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void change(struct diff *d, int allowed, const char *fmt, ...)
{
	struct cc_pdf_diff *o = d->out;
	char what[sizeof(o->change[0].what)];
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(what, sizeof(what), fmt, ap) < 0)
		what[0] = '\0';
	va_end(ap);
	if (!allowed && o->ok) {
		o->ok = 0;
		if (snprintf(o->problem, sizeof(o->problem),
			     "%s after the signature", what) < 0)
			o->problem[0] = '\0';
	}
	if (o->n == MAX_CHANGES)
		return;
	if (o->n == d->outcap) {
		size_t n = d->outcap ? 2 * d->outcap : 16;
		struct cc_pdf_change *c = realloc(o->change, n * sizeof(*c));

		if (!c) {
			d->oom = 1;
			return;
		}
		o->change = c;
		d->outcap = n;
	}
	memcpy(o->change[o->n].what, what, sizeof(what));
	o->change[o->n++].allowed = allowed;
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

/* ---- roles ---- */

/* Give (num, gen) its role unless it has one; its index, or SIZE_MAX. */
static size_t claim(struct diff *d, int num, int gen, int role, int page,
		    const char *label, int scan)
{
	struct obj *o;
	int rc;

	if (num <= 0 || gen < 0 || d->oom)
		return SIZE_MAX;
	if (set_get(&d->claimed, num, gen) != SIZE_MAX)
		return SIZE_MAX;
	if (d->nobj == MAX_OBJECTS) {
		d->truncated = 1;
		return SIZE_MAX;
	}
	if (d->nobj == d->cap) {
		size_t n = d->cap ? 2 * d->cap : 256;
		struct obj *p = realloc(d->obj, n * sizeof(*p));

		if (!p) {
			d->oom = 1;
			return SIZE_MAX;
		}
		d->obj = p;
		d->cap = n;
	}
	rc = set_put(&d->claimed, num, gen, d->nobj);
	if (rc < 0) {
		d->oom = 1;
		return SIZE_MAX;
	}
	o = &d->obj[d->nobj];
	memset(o, 0, sizeof(*o));
	o->num = num;
	o->gen = gen;
	o->page = page;
	o->role = (unsigned char)role;
	o->scan = (unsigned char)scan;
	if (snprintf(o->label, sizeof(o->label), "%s", label) < 0)
		o->label[0] = '\0';
	return d->nobj++;
}

static size_t claim_oh(struct diff *d, qpdf_oh h, int role, int page,
		       const char *label, int scan)
{
	if (!qpdf_oh_is_indirect(d->qs, h))
		return SIZE_MAX;
	return claim(d, qpdf_oh_get_object_id(d->qs, h),
		     qpdf_oh_get_generation(d->qs, h), role, page, label, scan);
}

static int is_delim(char c)
{
	return c && strchr("[]<>(){}/", c);
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Every "N G R" of qpdf's unparsed text t gets the role (to scan). */
static void scan_text(struct diff *d, const char *t, int role, int page,
		      const char *label)
{
	long long v[2] = {-1, -1}; /* the last two tokens, when integers */

	while (*t) {
		const char *s = t;

		if (is_space(*t)) {
			t++;
			continue;
		}
		if (*t == '(') { /* qpdf escapes parentheses in strings */
			for (t++; *t && *t != ')'; t++)
				if (*t == '\\' && t[1])
					t++;
		} else if (*t == '<' && t[1] != '<') {
			while (*t && *t != '>')
				t++;
		} else if (is_delim(*t) && *t != '/') {
			t++;
			v[0] = v[1] = -1;
			continue;
		} else {
			size_t n;
			int digits = 1;

			for (t++; *t && !is_space(*t) && !is_delim(*t); t++)
				;
			n = (size_t)(t - s);
			for (size_t i = 0; i < n; i++)
				digits &= s[i] >= '0' && s[i] <= '9';
			if (n == 1 && *s == 'R' && v[0] > 0 &&
			    v[0] <= INT_MAX && v[1] >= 0 && v[1] <= 65535) {
				claim(d, (int)v[0], (int)v[1], role, page,
				      label, 1);
			} else if (digits && n <= 10) {
				v[0] = v[1];
				v[1] = strtoll(s, NULL, 10);
				continue;
			}
			v[0] = v[1] = -1;
			continue;
		}
		if (*t)
			t++;
		v[0] = v[1] = -1;
	}
}

/* What value h (direct, or a reference) reaches gets the role. */
static void scan_value(struct diff *d, qpdf_oh h, int role, int page,
		       const char *label)
{
	char *t = text(d, d->qs, h);

	if (t)
		scan_text(d, t, role, page, label);
	free(t);
}

struct keys {
	char **k;
	size_t n;
};

static void keys_free(struct keys *ks)
{
	for (size_t i = 0; i < ks->n; i++)
		free(ks->k[i]);
	free(ks->k);
	memset(ks, 0, sizeof(*ks));
}

/* The keys of dictionary (or stream) h; none for other objects. */
static int keys_of(struct diff *d, qpdf_data q, qpdf_oh h, struct keys *ks)
{
	memset(ks, 0, sizeof(*ks));
	if (qpdf_oh_is_stream(q, h))
		h = qpdf_oh_get_dict(q, h);
	if (!qpdf_oh_is_dictionary(q, h))
		return 0;
	qpdf_oh_begin_dict_key_iter(q, h);
	while (qpdf_oh_dict_more_keys(q)) {
		const char *k = qpdf_oh_dict_next_key(q);

		if (ks->n == MAX_KEYS) {
			d->truncated = 1;
			break;
		}
		if (!(ks->n & (ks->n - 1))) { /* 0, 1, 2, 4, ... */
			char **p = realloc(ks->k, (ks->n ? 2 * ks->n : 1) *
							  sizeof(*p));

			if (!p)
				goto oom;
			ks->k = p;
		}
		if (!(ks->k[ks->n] = strdup(k ? k : "")))
			goto oom;
		ks->n++;
	}
	return 0;
oom:
	d->oom = 1;
	keys_free(ks);
	return -1;
}

static int among(const char *k, const char *const *list)
{
	for (; list && *list; list++)
		if (!strcmp(k, *list))
			return 1;
	return 0;
}

/* What dictionary h's values reach, but those of the keys in except. */
static void scan_keys(struct diff *d, qpdf_oh h, const char *const *except,
		      int role, int page, const char *label)
{
	struct keys ks;

	if (keys_of(d, d->qs, h, &ks))
		return;
	for (size_t i = 0; i < ks.n; i++)
		if (!among(ks.k[i], except))
			scan_value(d, key(d->qs, h, ks.k[i]), role, page,
				   label);
	keys_free(&ks);
}

/* Objects claimed to scan since the last drain pass theirs on. */
static void drain(struct diff *d)
{
	for (; d->drained < d->nobj && !d->oom; d->drained++) {
		struct obj o = d->obj[d->drained];
		qpdf_oh h;
		char *t;

		if (!o.scan)
			continue;
		h = qpdf_get_object_by_id(d->qs, o.num, o.gen);
		if (!qpdf_oh_is_null(d->qs, h) && (t = body(d, d->qs, h))) {
			scan_text(d, t, o.role, o.page, o.label);
			free(t);
		}
		qpdf_oh_release_all(d->qs);
	}
}

static qpdf_oh obj_s(struct diff *d, size_t i)
{
	return qpdf_get_object_by_id(d->qs, d->obj[i].num, d->obj[i].gen);
}

static int refs_add(struct diff *d, struct refs *r, int num, int gen)
{
	if (r->n == MAX_PAGES) {
		d->truncated = 1;
		return -1;
	}
	if (r->n == r->cap) {
		size_t n = r->cap ? 2 * r->cap : 16;
		struct ref *p = realloc(r->r, n * sizeof(*p));

		if (!p) {
			d->oom = 1;
			return -1;
		}
		r->r = p;
		r->cap = n;
	}
	r->r[r->n++] = (struct ref){num, gen};
	return 0;
}

/* The pages under node, in order: in the signed revision claiming nodes
 * and pages, in the final one only listing pages. A node met again (a
 * loop) is skipped in both the same way. */
static void walk_pages(struct diff *d, qpdf_data q, qpdf_oh node, int depth)
{
	int sig = q == d->qs;
	struct refs *out = sig ? &d->pages_s : &d->pages_f;
	qpdf_oh kids = key(q, node, "/Kids");
	int n = nitems(q, kids);

	if (depth > MAX_DEPTH) {
		d->truncated = 1;
		return;
	}
	if (!qpdf_oh_is_array(q, kids)) { /* a page */
		char label[32];

		if (snprintf(label, sizeof(label), "page %zu", out->n + 1) < 0)
			label[0] = '\0';
		if (sig)
			claim_oh(d, node, R_PAGE, (int)out->n, label, 0);
		refs_add(d, out, qpdf_oh_get_object_id(q, node),
			 qpdf_oh_get_generation(q, node));
		return;
	}
	if (qpdf_oh_is_indirect(q, node)) {
		int id = qpdf_oh_get_object_id(q, node),
		    gen = qpdf_oh_get_generation(q, node);
		int fresh = sig ? claim(d, id, gen, R_PAGES, -1, "page tree",
					0) != SIZE_MAX
				: set_put(&d->seen_f, id, gen, 0) == 1;

		if (!fresh)
			return;
	}
	if (sig)
		claim_oh(d, kids, R_PAGES, -1, "page tree", 0);
	for (int i = 0; i < n && !d->oom && !d->truncated; i++) {
		qpdf_oh k = qpdf_oh_get_array_item(q, kids, i);

		if (qpdf_oh_is_dictionary(q, k))
			walk_pages(d, q, k, depth + 1);
	}
}

/* A page attribute, inherited through the page tree. */
static qpdf_oh inherited(qpdf_data q, qpdf_oh page, const char *k)
{
	for (int depth = 0; depth < MAX_DEPTH && qpdf_oh_is_dictionary(q, page);
	     depth++) {
		if (qpdf_oh_has_key(q, page, k))
			return qpdf_oh_get_key(q, page, k);
		page = key(q, page, "/Parent");
	}
	return qpdf_oh_new_null(q);
}

static qpdf_oh page_s(struct diff *d, size_t i)
{
	return qpdf_get_object_by_id(d->qs, d->pages_s.r[i].num,
				     d->pages_s.r[i].gen);
}

/* Page i is the first place its page object stands. */
static int first_place(struct diff *d, size_t i)
{
	size_t k =
		set_get(&d->claimed, d->pages_s.r[i].num, d->pages_s.r[i].gen);

	return k != SIZE_MAX && d->obj[k].role == R_PAGE &&
	       d->obj[k].page == (int)i;
}

static void pass_pages(struct diff *d)
{
	static const struct {
		const char *key, *what;
	} res[] = {{"/Font", "font"},
		   {"/XObject", "XObject"},
		   {"/ExtGState", "ext-gstate"},
		   {"/ColorSpace", "colour space"},
		   {"/Pattern", "pattern"},
		   {"/Shading", "shading"},
		   {"/Properties", "properties"}};
	static const char *const not_annots[] = {"/Annots", NULL};
	static const char *const not_kids[] = {"/Kids", NULL};
	char label[64];
	size_t bound;

	for (size_t i = 0; i < d->pages_s.n; i++) {
		if (snprintf(label, sizeof(label), "content of page %zu",
			     i + 1) < 0)
			label[0] = '\0';
		scan_value(d, key(d->qs, page_s(d, i), "/Contents"), R_OTHER,
			   (int)i, label);
		qpdf_oh_release_all(d->qs);
	}
	drain(d);
	for (size_t i = 0; i < d->pages_s.n; i++) {
		qpdf_oh r = inherited(d->qs, page_s(d, i), "/Resources");

		for (size_t c = 0; c < sizeof(res) / sizeof(res[0]); c++) {
			qpdf_oh sub = key(d->qs, r, res[c].key);
			struct keys ks;

			if (keys_of(d, d->qs, sub, &ks))
				break;
			for (size_t k = 0; k < ks.n; k++) {
				char nm[40];

				if (snprintf(nm, sizeof(nm), "%s", ks.k[k]) < 0)
					nm[0] = '\0';
				clean(nm);
				if (snprintf(label, sizeof(label),
					     "%s %s of page %zu", res[c].what,
					     nm, i + 1) < 0)
					label[0] = '\0';
				claim_oh(d, key(d->qs, sub, ks.k[k]), R_OTHER,
					 (int)i, label, 1);
			}
			keys_free(&ks);
		}
		if (snprintf(label, sizeof(label), "resources of page %zu",
			     i + 1) < 0)
			label[0] = '\0';
		scan_value(d, r, R_OTHER, (int)i, label);
		qpdf_oh_release_all(d->qs);
	}
	drain(d);
	for (size_t i = 0; i < d->pages_s.n; i++) {
		if (snprintf(label, sizeof(label), "page %zu", i + 1) < 0)
			label[0] = '\0';
		scan_keys(d, page_s(d, i), not_annots, R_OTHER, (int)i, label);
		qpdf_oh_release_all(d->qs);
	}
	bound = d->nobj;
	for (size_t k = 0; k < bound; k++)
		if (d->obj[k].role == R_PAGES) {
			scan_keys(d, obj_s(d, k), not_kids, R_OTHER, -1,
				  "page tree");
			qpdf_oh_release_all(d->qs);
		}
	drain(d);
}

/* Annotation or field h (of page, or -1) gets its role. */
static size_t classify(struct diff *d, qpdf_oh h, int page, int field)
{
	qpdf_data q = d->qs;
	char label[64], name[48], sub[32];
	size_t i;
	int sig;

	if (!field &&
	    !qpdf_oh_is_name_and_equals(q, key(q, h, "/Subtype"), "/Widget")) {
		if (snprintf(
			    label, sizeof(label), "annotation %s on page %d",
			    name_of(q, key(q, h, "/Subtype"), sub, sizeof(sub)),
			    page + 1) < 0)
			label[0] = '\0';
		return claim_oh(d, h, R_ANNOT, page, label, 0);
	}
	sig = qpdf_oh_is_name_and_equals(q, field_attr(q, h, "/FT"), "/Sig");
	field_name(q, h, name, sizeof(name));
	if (snprintf(label, sizeof(label), "%sfield '%s'",
		     sig ? "signature " : "", name) < 0)
		label[0] = '\0';
	i = claim_oh(d, h, sig ? R_SIGFIELD : R_FIELD, page, label, 0);
	if (i != SIZE_MAX)
		d->obj[i].signed_ = (unsigned char)!qpdf_oh_is_null(
			q, field_attr(q, h, "/V"));
	return i;
}

static void walk_fields(struct diff *d, qpdf_oh arr, int depth)
{
	int n = nitems(d->qs, arr);

	if (depth > MAX_DEPTH) {
		d->truncated = 1;
		return;
	}
	for (int i = 0; i < n && !d->oom && !d->truncated; i++) {
		qpdf_oh f = qpdf_oh_get_array_item(d->qs, arr, i);
		qpdf_oh kids = key(d->qs, f, "/Kids");
		size_t k;

		if (!qpdf_oh_is_dictionary(d->qs, f) ||
		    (k = classify(d, f, -1, 1)) == SIZE_MAX)
			continue;
		if (qpdf_oh_is_array(d->qs, kids)) {
			claim_oh(d, kids, R_OTHER, -1, d->obj[k].label, 1);
			walk_fields(d, kids, depth + 1);
		}
	}
}

static void pass_forms(struct diff *d)
{
	static const char *const value[] = {"/V", "/AP", NULL};
	qpdf_oh af;
	size_t bound;

	for (size_t i = 0; i < d->pages_s.n; i++) {
		qpdf_oh a;
		char label[64];
		int n;

		if (!first_place(d, i))
			continue;
		a = key(d->qs, page_s(d, i), "/Annots");
		n = nitems(d->qs, a);
		if (snprintf(label, sizeof(label), "annotations of page %zu",
			     i + 1) < 0)
			label[0] = '\0';
		claim_oh(d, a, R_ANNOTS, (int)i, label, 0);
		for (int k = 0; k < n && !d->oom; k++) {
			qpdf_oh e = qpdf_oh_get_array_item(d->qs, a, k);

			if (qpdf_oh_is_dictionary(d->qs, e))
				classify(d, e, (int)i, 0);
			else
				claim_oh(d, e, R_OTHER, (int)i, label, 1);
		}
		qpdf_oh_release_all(d->qs);
	}
	af = key(d->qs, qpdf_get_root(d->qs), "/AcroForm");
	if (qpdf_oh_is_dictionary(d->qs, af)) {
		claim_oh(d, af, R_ACROFORM, -1, "AcroForm", 0);
		claim_oh(d, key(d->qs, af, "/Fields"), R_FIELDS, -1,
			 "AcroForm /Fields", 0);
		walk_fields(d, key(d->qs, af, "/Fields"), 0);
	}
	qpdf_oh_release_all(d->qs);
	drain(d);
	/* The strict data of annotations, fields and the AcroForm: all of a
	 * signature field's, a field's but its value and appearance, an
	 * annotation's links. */
	bound = d->nobj;
	for (size_t i = 0; i < bound && !d->oom; i++) {
		const struct obj *o = &d->obj[i];
		qpdf_oh h = obj_s(d, i);

		if (o->role == R_ANNOT) {
			scan_value(d, key(d->qs, h, "/P"), R_OTHER, o->page,
				   o->label);
			scan_value(d, key(d->qs, h, "/Parent"), R_OTHER,
				   o->page, o->label);
		} else if (o->role == R_SIGFIELD || o->role == R_FIELD) {
			scan_keys(d, h, o->role == R_FIELD ? value : NULL,
				  R_OTHER, o->page, o->label);
		}
		qpdf_oh_release_all(d->qs);
	}
	af = key(d->qs, qpdf_get_root(d->qs), "/AcroForm");
	scan_keys(d, af, NULL, R_OTHER, -1, "AcroForm");
	qpdf_oh_release_all(d->qs);
	drain(d);
}

/* The catalog's other entries, XMP metadata, /Info and the trailer's
 * other entries: none may change. */
static void pass_catalog(struct diff *d)
{
	static const char *const mine[] = {"/Pages", "/AcroForm", "/DSS",
					   "/Extensions", NULL};
	static const char *const trailer[] = {"/Root", "/Info", "/Encrypt",
					      NULL};
	qpdf_oh root = qpdf_get_root(d->qs);
	struct keys ks;

	if (!keys_of(d, d->qs, root, &ks)) {
		for (size_t i = 0; i < ks.n; i++) {
			char label[64];

			if (among(ks.k[i], mine))
				continue;
			if (snprintf(label, sizeof(label), "%s",
				     !strcmp(ks.k[i], "/Metadata")
					     ? "XMP metadata"
					     : "catalog ") < 0)
				label[0] = '\0';
			if (strcmp(ks.k[i], "/Metadata")) {
				size_t at = strlen(label);

				if (snprintf(label + at, sizeof(label) - at,
					     "%s", ks.k[i]) < 0)
					label[at] = '\0';
				clean(label);
			}
			scan_value(d, key(d->qs, root, ks.k[i]), R_OTHER, -1,
				   label);
		}
		keys_free(&ks);
	}
	scan_value(d, key(d->qs, qpdf_get_trailer(d->qs), "/Info"), R_OTHER, -1,
		   "document information");
	scan_keys(d, qpdf_get_trailer(d->qs), trailer, R_OTHER, -1, "trailer");
	qpdf_oh_release_all(d->qs);
	drain(d);
}

/* What only annotations reach, then what only field values and
 * appearances reach, then /DSS and /Extensions. */
static void pass_lenient(struct diff *d)
{
	static const char *const links[] = {"/P", "/Parent", NULL};
	size_t bound = d->nobj;
	qpdf_oh root;

	for (size_t i = 0; i < bound && !d->oom; i++)
		if (d->obj[i].role == R_ANNOT) {
			scan_keys(d, obj_s(d, i), links, R_ANNOT_DATA,
				  d->obj[i].page, d->obj[i].label);
			qpdf_oh_release_all(d->qs);
		}
	for (size_t i = 0; i < d->pages_s.n && !d->oom; i++) {
		qpdf_oh a = key(d->qs, page_s(d, i), "/Annots");
		int n = nitems(d->qs, a);
		char label[64];

		if (snprintf(label, sizeof(label), "annotation on page %zu",
			     i + 1) < 0)
			label[0] = '\0';
		for (int k = 0; k < n; k++) {
			qpdf_oh e = qpdf_oh_get_array_item(d->qs, a, k);

			if (!qpdf_oh_is_indirect(d->qs, e))
				scan_value(d, e, R_ANNOT_DATA, (int)i, label);
		}
		qpdf_oh_release_all(d->qs);
	}
	drain(d);
	for (size_t i = 0; i < bound && !d->oom; i++)
		if (d->obj[i].role == R_FIELD) {
			qpdf_oh h = obj_s(d, i);

			scan_value(d, key(d->qs, h, "/V"), R_FIELD_DATA,
				   d->obj[i].page, d->obj[i].label);
			scan_value(d, key(d->qs, h, "/AP"), R_FIELD_DATA,
				   d->obj[i].page, d->obj[i].label);
			qpdf_oh_release_all(d->qs);
		}
	drain(d);
	root = qpdf_get_root(d->qs);
	scan_value(d, key(d->qs, root, "/Extensions"), R_DSS, -1,
		   "catalog /Extensions");
	scan_value(d, key(d->qs, root, "/DSS"), R_DSS, -1, "DSS");
	qpdf_oh_release_all(d->qs);
	drain(d);
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
	if (filtered || qpdf_oh_is_null(d->qf, key(d->qf, s, "/Filter"))) {
		empty = 1;
		for (size_t i = 0; i < n; i++)
			empty &= is_space((char)b[i]) || !b[i];
	}
	free(b);
	return empty;
}

/* Every appearance under h (the /AP dictionary, a state dictionary, a
 * stream) paints nothing. */
static int paints_nothing(struct diff *d, qpdf_oh h, int depth)
{
	struct keys ks;
	int empty = 1;

	if (qpdf_oh_is_stream(d->qf, h))
		return stream_empty(d, h);
	if (depth > 1 || !qpdf_oh_is_dictionary(d->qf, h) ||
	    keys_of(d, d->qf, h, &ks))
		return 0;
	for (size_t i = 0; i < ks.n && empty; i++)
		empty = ks.n <= 16 &&
			paints_nothing(d, key(d->qf, h, ks.k[i]), depth + 1);
	keys_free(&ks);
	return empty;
}

/* Why widget w of the final document shows nothing, or NULL. */
static const char *invisible(struct diff *d, qpdf_oh w)
{
	qpdf_data q = d->qf;
	qpdf_oh r = key(q, w, "/Rect"), ap = key(q, w, "/AP");
	double v[4];
	int ok = 1;

	if (int_of(q, key(q, w, "/F"), 0) & (2 | 32)) /* Hidden, NoView */
		return "hidden";
	if (nitems(q, r) == 4) {
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
	return qpdf_oh_is_name_and_equals(q, key(q, h, "/Subtype"), "/Widget");
}

static int is_sig(qpdf_data q, qpdf_oh h)
{
	return qpdf_oh_is_name_and_equals(q, field_attr(q, h, "/FT"), "/Sig");
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
		if (snprintf(what, sizeof(what), "page %d: new annotation %s",
			     page + 1,
			     name_of(q, key(q, h, "/Subtype"), sub,
				     sizeof(sub))) < 0)
			what[0] = '\0';
		change_p(d, 3, "annotations", what);
		return;
	}
	field_name(q, h, name, sizeof(name));
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
	if (snprintf(what, sizeof(what),
		     "page %d: new invisible signature widget '%s' (%s)",
		     page + 1, name, why) < 0)
		what[0] = '\0';
	sig_change(d, is_docts(q, field_attr(q, h, "/V")), what);
}

static void gone_annot(struct diff *d, int page, qpdf_oh h)
{
	qpdf_data q = d->qs;
	char what[160], sub[32], name[48];

	if (qpdf_oh_is_dictionary(q, h) && !is_widget(q, h)) {
		if (snprintf(what, sizeof(what),
			     "page %d: annotation %s "
			     "removed",
			     page + 1,
			     name_of(q, key(q, h, "/Subtype"), sub,
				     sizeof(sub))) < 0)
			what[0] = '\0';
		change_p(d, 3, "annotations", what);
	} else if (qpdf_oh_is_dictionary(q, h)) {
		field_name(q, h, name, sizeof(name));
		change(d, 0, "page %d: widget of field '%s' removed", page + 1,
		       name);
	} else {
		change(d, 0, "page %d: an /Annots entry removed", page + 1);
	}
}

/* /Annots of page: s in the signed revision, f in the final one. */
static void check_annots(struct diff *d, int page, qpdf_oh s, qpdf_oh f)
{
	int ns = nitems(d->qs, s), nf = nitems(d->qf, f), j = 0;
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
	int ns = nitems(d->qs, s), nf = nitems(d->qf, f);
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
			field_name(d->qs, qpdf_oh_get_array_item(d->qs, s, k),
				   name, sizeof(name));
			change(d, 0, "AcroForm: field '%s' removed", name);
		}
	for (int k = 0; k < nf; k++) {
		qpdf_oh h = qpdf_oh_get_array_item(d->qf, f, k);

		if (in(tf[k], ts, ns))
			continue;
		field_name(d->qf, h, name, sizeof(name));
		if (!qpdf_oh_is_dictionary(d->qf, h) || !is_sig(d->qf, h)) {
			change(d, 0, "AcroForm: new field '%s'", name);
			continue;
		}
		if (snprintf(what, sizeof(what),
			     "AcroForm: new signature field '%s'", name) < 0)
			what[0] = '\0';
		sig_change(d, is_docts(d->qf, field_attr(d->qf, h, "/V")),
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
	struct keys ks, kf;

	if (keys_of(d, d->qs, s, &ks))
		return;
	if (keys_of(d, d->qf, f, &kf)) {
		keys_free(&ks);
		return;
	}
	for (int pass = 0; pass < 2 && !d->oom; pass++) {
		const struct keys *a = pass ? &kf : &ks;

		for (size_t j = 0; j < a->n; j++) {
			qpdf_oh vs = key(d->qs, s, a->k[j]),
				vf = key(d->qf, f, a->k[j]);
			char *ts, *tf, k[64];
			int seen = 0;

			for (size_t m = 0; pass && m < ks.n && !seen; m++)
				seen = !strcmp(ks.k[m], a->k[j]);
			if (seen)
				continue;
			ts = text(d, d->qs, vs);
			tf = text(d, d->qf, vf);
			if (snprintf(k, sizeof(k), "%s", a->k[j]) < 0)
				k[0] = '\0';
			clean(k);
			if (ts && tf && strcmp(ts, tf))
				fn(d, i, k, vs, vf,
				   qpdf_oh_is_null(d->qs, vs)	? "added"
				   : qpdf_oh_is_null(d->qf, vf) ? "removed"
								: "changed");
			free(ts);
			free(tf);
		}
	}
	keys_free(&ks);
	keys_free(&kf);
}

static void acroform_key(struct diff *d, size_t i, const char *k, qpdf_oh vs,
			 qpdf_oh vf, const char *how)
{
	char what[160];

	(void)i;
	if (snprintf(what, sizeof(what), "AcroForm: %s %s", k, how) < 0)
		what[0] = '\0';
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
		check_annots(d, d->obj[i].page, vs, vf);
	else
		change(d, 0, "page %d: %s %s", d->obj[i].page + 1, k, how);
}

static void tree_key(struct diff *d, size_t i, const char *k, qpdf_oh vs,
		     qpdf_oh vf, const char *how)
{
	(void)vs;
	(void)vf;
	change(d, 0, "page tree (object %d %d): %s %s", d->obj[i].num,
	       d->obj[i].gen, k, how);
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
	const struct obj *o = &d->obj[i];
	long long a = int_of(d->qs, vs, 0), b = int_of(d->qf, vf, 0);
	char what[160];
	qpdf_oh v;

	if (o->signed_) {
		change(d, 0, "%s: %s %s", o->label, k, how);
	} else if (!strcmp(k, "/V") && qpdf_oh_is_null(d->qs, vs) &&
		   qpdf_oh_is_dictionary(d->qf, vf)) {
		if (snprintf(what, sizeof(what), "%s: signed", o->label) < 0)
			what[0] = '\0';
		sig_change(d, is_docts(d->qf, vf), what);
	} else if (!strcmp(k, "/AP")) {
		v = field_attr(d->qf,
			       qpdf_get_object_by_id(d->qf, o->num, o->gen),
			       "/V");
		if (snprintf(what, sizeof(what), "%s: new appearance",
			     o->label) < 0)
			what[0] = '\0';
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
	if (snprintf(what, sizeof(what), "%s: %s %s", d->obj[i].label, k, how) <
	    0)
		what[0] = '\0';
	if (!strcmp(k, "/V") || !strcmp(k, "/AP") || !strcmp(k, "/AS"))
		change_p(d, 2, "form filling", what);
	else
		change(d, 0, "%s", what);
}

static void compare_obj(struct diff *d, size_t i)
{
	const struct obj *o = &d->obj[i];
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
	if (snprintf(what, sizeof(what), "object %d %d (%s) %s", o->num, o->gen,
		     o->label,
		     qpdf_oh_is_null(d->qs, s) ? "defined after signing"
					       : "changed") < 0)
		what[0] = '\0';
	if (dicts && o->role == R_CATALOG)
		key_diff(d, i, s, f, catalog_key);
	else if (dicts && o->role == R_PAGES)
		key_diff(d, i, s, f, tree_key);
	else if (dicts && o->role == R_PAGE)
		key_diff(d, i, s, f, page_key);
	else if (dicts && o->role == R_SIGFIELD)
		key_diff(d, i, s, f, sigfield_key);
	else if (dicts && o->role == R_FIELD)
		key_diff(d, i, s, f, field_key);
	else if (o->role == R_ACROFORM)
		check_acroform(d, s, f);
	else if (o->role == R_FIELDS)
		check_fields(d, s, f);
	else if (o->role == R_ANNOTS)
		check_annots(d, o->page, s, f);
	else if (o->role == R_ANNOT || o->role == R_ANNOT_DATA)
		change_p(d, 3, "annotations", what);
	else if (o->role == R_FIELD_DATA)
		change_p(d, 2, "form filling", what);
	else if (o->role == R_DSS)
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
	size_t ns = d->pages_s.n, nf = d->pages_f.n;

	for (int k = 0; k < 2; k++) {
		char *a = text(d, d->qs,
			       key(d->qs, qpdf_get_trailer(d->qs), trailer[k])),
		     *b = text(d, d->qf,
			       key(d->qf, qpdf_get_trailer(d->qf), trailer[k]));

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
		struct ref a = d->pages_s.r[i], b = d->pages_f.r[i];
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
			x = text(d, d->qs, inherited(d->qs, ps, attrs[k]));
			y = text(d, d->qf, inherited(d->qf, pf, attrs[k]));
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
	long long size =
		int_of(d->qs, key(d->qs, qpdf_get_trailer(d->qs), "/Size"), 0);

	if (size > MAX_OBJECTS + 1LL) {
		d->truncated = 1;
		size = MAX_OBJECTS + 1LL;
	}
	for (int n = 1; n < size && !d->oom; n++) {
		qpdf_oh s, f;

		if (set_get(&d->claimed, n, 0) != SIZE_MAX)
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
	claim_oh(&d, qpdf_get_root(d.qs), R_CATALOG, -1, "catalog", 0);
	walk_pages(&d, d.qs, key(d.qs, qpdf_get_root(d.qs), "/Pages"), 0);
	walk_pages(&d, d.qf, key(d.qf, qpdf_get_root(d.qf), "/Pages"), 0);
	qpdf_oh_release_all(d.qs);
	qpdf_oh_release_all(d.qf);
	pass_pages(&d);
	pass_forms(&d);
	pass_catalog(&d);
	pass_lenient(&d);
	compare_doc(&d);
	for (size_t i = 0; i < d.nobj && !d.oom; i++) {
		compare_obj(&d, i);
		qpdf_oh_release_all(d.qs);
		qpdf_oh_release_all(d.qf);
	}
	compare_unused(&d);
	if (d.truncated)
		change(&d, 0,
		       "the document is past a limit of the analysis "
		       "(objects, pages, keys or depth)");
	if ((rc = trouble(d.qs, "the signed revision", err)) ||
	    (rc = trouble(d.qf, "the document", err)))
		goto out;
	if (d.oom)
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
out:
	if (d.qs)
		qpdf_cleanup(&d.qs);
	if (d.qf)
		qpdf_cleanup(&d.qf);
	free(d.obj);
	set_free(&d.claimed);
	set_free(&d.seen_f);
	free(d.pages_s.r);
	free(d.pages_f.r);
	if (rc != CC_OK)
		cc_pdf_diff_free(out);
	return rc;
}

void cc_pdf_diff_free(struct cc_pdf_diff *d)
{
	if (!d)
		return;
	free(d->change);
	memset(d, 0, sizeof(*d));
}
