/*
 * pdfroles.c - what each object of a signed revision is (pdfroles.h): a
 * walk of qpdf's reading through its C API. Objects are claimed by number
 * as their role is found; those whose role passes on to what they reach
 * are queued and scanned, their unparsed text searched for references.
 * Only object numbers are kept between qpdf calls, so that qpdf's handles
 * can be released as the walk goes.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "pdfroles.h"

/* ---- qpdf helpers ---- */

qpdf_oh cc_qpdf_key(qpdf_data q, qpdf_oh d, const char *k)
{
	if (!qpdf_oh_is_dictionary(q, d) && !qpdf_oh_is_stream(q, d))
		return qpdf_oh_new_null(q);
	return qpdf_oh_get_key(q, d, k);
}

int cc_qpdf_nitems(qpdf_data q, qpdf_oh a)
{
	return qpdf_oh_is_array(q, a) ? qpdf_oh_get_array_n_items(q, a) : 0;
}

long long cc_qpdf_int(qpdf_data q, qpdf_oh o, long long dflt)
{
	long long v;

	return qpdf_oh_get_value_as_longlong(q, o, &v) ? v : dflt;
}

char *cc_label(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(buf, size, fmt, ap) < 0)
		buf[0] = '\0';
	va_end(ap);
	for (char *s = buf; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
	return buf;
}

const char *cc_qpdf_name(qpdf_data q, qpdf_oh o, char *buf, size_t size)
{
	const char *n = qpdf_oh_is_name(q, o) ? qpdf_oh_get_name(q, o) : NULL;

	return cc_label(buf, size, "%s", n && *n == '/' ? n : "/?");
}

char *cc_qpdf_text(qpdf_data q, qpdf_oh o)
{
	const char *t = qpdf_oh_unparse(q, o);

	return strdup(t ? t : "");
}

char *cc_qpdf_body(qpdf_data q, qpdf_oh o)
{
	const char *t;

	if (qpdf_oh_is_stream(q, o))
		return cc_qpdf_text(q, qpdf_oh_get_dict(q, o));
	t = qpdf_oh_unparse_resolved(q, o);
	return strdup(t ? t : "");
}

qpdf_oh cc_qpdf_field_attr(qpdf_data q, qpdf_oh f, const char *k)
{
	for (int depth = 0;
	     depth < CC_PDF_MAX_DEPTH && qpdf_oh_is_dictionary(q, f); depth++) {
		if (qpdf_oh_has_key(q, f, k))
			return qpdf_oh_get_key(q, f, k);
		f = cc_qpdf_key(q, f, "/Parent");
	}
	return qpdf_oh_new_null(q);
}

void cc_qpdf_field_name(qpdf_data q, qpdf_oh f, char *buf, size_t size)
{
	qpdf_oh chain[CC_PDF_MAX_DEPTH];
	int n = 0;
	size_t at = 0;

	buf[0] = '\0';
	while (n < CC_PDF_MAX_DEPTH && qpdf_oh_is_dictionary(q, f)) {
		chain[n++] = f;
		f = cc_qpdf_key(q, f, "/Parent");
	}
	while (n-- > 0 && at + 1 < size) {
		qpdf_oh t = cc_qpdf_key(q, chain[n], "/T");
		const char *s;

		if (!qpdf_oh_is_string(q, t))
			continue;
		s = qpdf_oh_get_utf8_value(q, t);
		cc_label(buf + at, size - at, "%s%s", at ? "." : "",
			 s ? s : "");
		at += strlen(buf + at);
	}
}

qpdf_oh cc_qpdf_inherited(qpdf_data q, qpdf_oh page, const char *k)
{
	for (int depth = 0;
	     depth < CC_PDF_MAX_DEPTH && qpdf_oh_is_dictionary(q, page);
	     depth++) {
		if (qpdf_oh_has_key(q, page, k))
			return qpdf_oh_get_key(q, page, k);
		page = cc_qpdf_key(q, page, "/Parent");
	}
	return qpdf_oh_new_null(q);
}

void *cc_pdf_push(struct cc_buf *b, const void *item, size_t size, int *oom)
{
	cc_buf_put(b, item, size);
	if (b->failed) {
		*oom = 1;
		return NULL;
	}
	return b->data;
}

void cc_qpdf_keys_free(struct cc_qpdf_keys *ks)
{
	for (size_t i = 0; i < ks->n; i++)
		free(ks->k[i]);
	free(ks->k);
	memset(ks, 0, sizeof(*ks));
}

int cc_qpdf_keys(qpdf_data q, qpdf_oh h, struct cc_qpdf_keys *ks)
{
	memset(ks, 0, sizeof(*ks));
	if (qpdf_oh_is_stream(q, h))
		h = qpdf_oh_get_dict(q, h);
	if (!qpdf_oh_is_dictionary(q, h))
		return 0;
	qpdf_oh_begin_dict_key_iter(q, h);
	while (qpdf_oh_dict_more_keys(q)) {
		const char *k = qpdf_oh_dict_next_key(q);

		if (ks->n == CC_PDF_MAX_KEYS)
			return 1;
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
	cc_qpdf_keys_free(ks);
	return -1;
}

/* ---- the set of objects ---- */

static size_t hash(int num, int gen)
{
	uint64_t h = (uint64_t)(unsigned)num * 0x9E3779B97F4A7C15ULL ^
		     (uint64_t)(unsigned)gen * 0xC2B2AE3D27D4EB4FULL;

	return (size_t)(h ^ (h >> 31));
}

static size_t set_get(const struct cc_pdf_set *s, int num, int gen)
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
static int set_put(struct cc_pdf_set *s, int num, int gen, size_t val)
{
	size_t i;

	if (set_get(s, num, gen) != SIZE_MAX)
		return 0;
	if (2 * (s->n + 1) > s->cap) {
		struct cc_pdf_set g = {0};

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
	s->key[i] = (struct cc_pdf_ref){num, gen};
	s->val[i] = val;
	s->n++;
	return 1;
}

static void set_free(struct cc_pdf_set *s)
{
	free(s->key);
	free(s->val);
	memset(s, 0, sizeof(*s));
}

/* ---- roles ---- */

/* Give (num, gen) its role unless it has one; its index, or SIZE_MAX. */
static size_t claim(struct cc_pdf_roles *d, int num, int gen, int role,
		    int page, const char *label, int scan)
{
	struct cc_pdf_obj o = {
		num, gen, page, (unsigned char)role, 0, (unsigned char)scan,
		""};
	void *p;

	if (num <= 0 || gen < 0 || d->oom ||
	    set_get(&d->claimed, num, gen) != SIZE_MAX)
		return SIZE_MAX;
	if (d->n == CC_PDF_MAX_OBJECTS) {
		d->truncated = 1;
		return SIZE_MAX;
	}
	cc_label(o.label, sizeof(o.label), "%s", label);
	if (!(p = cc_pdf_push(&d->objs, &o, sizeof(o), &d->oom)))
		return SIZE_MAX;
	if (set_put(&d->claimed, num, gen, d->n) < 0) {
		d->oom = 1;
		return SIZE_MAX;
	}
	d->obj = p;
	return d->n++;
}

static size_t claim_oh(struct cc_pdf_roles *d, qpdf_oh h, int role, int page,
		       const char *label, int scan)
{
	if (!qpdf_oh_is_indirect(d->q, h))
		return SIZE_MAX;
	return claim(d, qpdf_oh_get_object_id(d->q, h),
		     qpdf_oh_get_generation(d->q, h), role, page, label, scan);
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
static void scan_text(struct cc_pdf_roles *d, const char *t, int role, int page,
		      const char *label)
{
	long long v[2] = {-1, -1}; /* the last two tokens, when integers */

	while (*t) {
		const char *s = t;

		if (is_space(*t)) {
			t++;
			continue;
		}
		if (*t == '<' && t[1] == '<') { /* not a hex string */
			t += 2;
			v[0] = v[1] = -1;
			continue;
		}
		if (*t == '(') { /* qpdf escapes parentheses in strings */
			for (t++; *t && *t != ')'; t++)
				if (*t == '\\' && t[1])
					t++;
		} else if (*t == '<') {
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

static char *text(struct cc_pdf_roles *d, qpdf_oh o)
{
	char *t = cc_qpdf_text(d->q, o);

	if (!t)
		d->oom = 1;
	return t;
}

/* What value h (direct, or a reference) reaches gets the role. */
static void scan_value(struct cc_pdf_roles *d, qpdf_oh h, int role, int page,
		       const char *label)
{
	char *t = text(d, h);

	if (t)
		scan_text(d, t, role, page, label);
	free(t);
}

/* h's keys; a limit reached marks the walk truncated. */
static int keys(struct cc_pdf_roles *d, qpdf_oh h, struct cc_qpdf_keys *ks)
{
	int rc = cc_qpdf_keys(d->q, h, ks);

	if (rc < 0)
		d->oom = 1;
	if (rc > 0)
		d->truncated = 1;
	return rc < 0 ? -1 : 0;
}

static int among(const char *k, const char *const *list)
{
	for (; list && *list; list++)
		if (!strcmp(k, *list))
			return 1;
	return 0;
}

/* What dictionary h's values reach, but those of the keys in except. */
static void scan_keys(struct cc_pdf_roles *d, qpdf_oh h,
		      const char *const *except, int role, int page,
		      const char *label)
{
	struct cc_qpdf_keys ks;

	if (keys(d, h, &ks))
		return;
	for (size_t i = 0; i < ks.n; i++)
		if (!among(ks.k[i], except))
			scan_value(d, cc_qpdf_key(d->q, h, ks.k[i]), role, page,
				   label);
	cc_qpdf_keys_free(&ks);
}

/* Objects claimed to scan since the last drain pass theirs on. */
static void drain(struct cc_pdf_roles *d)
{
	for (; d->drained < d->n && !d->oom; d->drained++) {
		struct cc_pdf_obj o = d->obj[d->drained];
		qpdf_oh h;
		char *t;

		if (!o.scan)
			continue;
		h = qpdf_get_object_by_id(d->q, o.num, o.gen);
		if (qpdf_oh_is_dictionary(d->q, h) &&
		    qpdf_oh_is_string(d->q,
				      cc_qpdf_key(d->q, h, "/Contents"))) {
			/* A signature dictionary: its /Contents, a string
			 * of tens of kilobytes, reaches nothing, and is not
			 * unparsed to say so. */
			static const char *const contents[] = {"/Contents",
							       NULL};

			scan_keys(d, h, contents, o.role, o.page, o.label);
		} else if (!qpdf_oh_is_null(d->q, h)) {
			if ((t = cc_qpdf_body(d->q, h)))
				scan_text(d, t, o.role, o.page, o.label);
			else
				d->oom = 1;
			free(t);
		}
		qpdf_oh_release_all(d->q);
	}
}

static qpdf_oh obj_s(struct cc_pdf_roles *d, size_t i)
{
	return qpdf_get_object_by_id(d->q, d->obj[i].num, d->obj[i].gen);
}

static void add_page(struct cc_pdf_roles *d, qpdf_oh page)
{
	struct cc_pdf_ref r = {qpdf_oh_get_object_id(d->q, page),
			       qpdf_oh_get_generation(d->q, page)};
	void *p;

	if (d->npages == CC_PDF_MAX_PAGES) {
		d->truncated = 1;
		return;
	}
	if ((p = cc_pdf_push(&d->pagebuf, &r, sizeof(r), &d->oom))) {
		d->page = p;
		d->npages++;
	}
}

/* The pages under node, in order, each node and page claimed. A node met
 * again (a loop) is skipped; a page met again is listed again. */
static void walk_pages(struct cc_pdf_roles *d, qpdf_oh node, int depth)
{
	qpdf_oh kids = cc_qpdf_key(d->q, node, "/Kids");
	int n = cc_qpdf_nitems(d->q, kids);
	char label[32];

	if (depth > CC_PDF_MAX_DEPTH) {
		d->truncated = 1;
		return;
	}
	if (!qpdf_oh_is_array(d->q, kids)) { /* a page */
		claim_oh(d, node, CC_ROLE_PAGE, (int)d->npages,
			 cc_label(label, sizeof(label), "page %zu",
				  d->npages + 1),
			 0);
		add_page(d, node);
		return;
	}
	if (qpdf_oh_is_indirect(d->q, node) &&
	    claim_oh(d, node, CC_ROLE_PAGES, -1, "page tree", 0) == SIZE_MAX)
		return;
	claim_oh(d, kids, CC_ROLE_PAGES, -1, "page tree", 0);
	for (int i = 0; i < n && !d->oom && !d->truncated; i++) {
		qpdf_oh k = qpdf_oh_get_array_item(d->q, kids, i);

		if (qpdf_oh_is_dictionary(d->q, k))
			walk_pages(d, k, depth + 1);
	}
}

static qpdf_oh page_s(struct cc_pdf_roles *d, size_t i)
{
	return qpdf_get_object_by_id(d->q, d->page[i].num, d->page[i].gen);
}

/* Page i is the first place its page object stands. */
static int first_place(struct cc_pdf_roles *d, size_t i)
{
	size_t k = set_get(&d->claimed, d->page[i].num, d->page[i].gen);

	return k != SIZE_MAX && d->obj[k].role == CC_ROLE_PAGE &&
	       d->obj[k].page == (int)i;
}

static void pass_pages(struct cc_pdf_roles *d)
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

	for (size_t i = 0; i < d->npages; i++) {
		cc_label(label, sizeof(label), "content of page %zu", i + 1);
		scan_value(d, cc_qpdf_key(d->q, page_s(d, i), "/Contents"),
			   CC_ROLE_OTHER, (int)i, label);
		qpdf_oh_release_all(d->q);
	}
	drain(d);
	for (size_t i = 0; i < d->npages; i++) {
		qpdf_oh r = cc_qpdf_inherited(d->q, page_s(d, i), "/Resources");

		for (size_t c = 0; c < sizeof(res) / sizeof(res[0]); c++) {
			qpdf_oh sub = cc_qpdf_key(d->q, r, res[c].key);
			struct cc_qpdf_keys ks;

			if (keys(d, sub, &ks))
				break;
			for (size_t k = 0; k < ks.n; k++) {
				cc_label(label, sizeof(label),
					 "%s %.32s of page %zu", res[c].what,
					 ks.k[k], i + 1);
				claim_oh(d, cc_qpdf_key(d->q, sub, ks.k[k]),
					 CC_ROLE_OTHER, (int)i, label, 1);
			}
			cc_qpdf_keys_free(&ks);
		}
		cc_label(label, sizeof(label), "resources of page %zu", i + 1);
		scan_value(d, r, CC_ROLE_OTHER, (int)i, label);
		qpdf_oh_release_all(d->q);
	}
	drain(d);
	for (size_t i = 0; i < d->npages; i++) {
		cc_label(label, sizeof(label), "page %zu", i + 1);
		scan_keys(d, page_s(d, i), not_annots, CC_ROLE_OTHER, (int)i,
			  label);
		qpdf_oh_release_all(d->q);
	}
	bound = d->n;
	for (size_t k = 0; k < bound; k++)
		if (d->obj[k].role == CC_ROLE_PAGES) {
			scan_keys(d, obj_s(d, k), not_kids, CC_ROLE_OTHER, -1,
				  "page tree");
			qpdf_oh_release_all(d->q);
		}
	drain(d);
}

/* Annotation or field h (of page, or -1) gets its role. */

/* The field (or a parent it inherits from) has a /V: signed, for a
 * signature field. Its value is not read (a signature dictionary's
 * /Contents is tens of kilobytes for qpdf to parse); a /V that is a
 * reference to null counts as signed, the stricter reading. */
static int has_value(qpdf_data q, qpdf_oh f)
{
	for (int depth = 0;
	     depth < CC_PDF_MAX_DEPTH && qpdf_oh_is_dictionary(q, f); depth++) {
		if (qpdf_oh_has_key(q, f, "/V"))
			return 1;
		f = cc_qpdf_key(q, f, "/Parent");
	}
	return 0;
}

static size_t classify(struct cc_pdf_roles *d, qpdf_oh h, int page, int field)
{
	qpdf_data q = d->q;
	char label[64], name[48], sub[32];
	size_t i;
	int sig;

	if (!field && !qpdf_oh_is_name_and_equals(
			      q, cc_qpdf_key(q, h, "/Subtype"), "/Widget")) {
		cc_label(label, sizeof(label), "annotation %s on page %d",
			 cc_qpdf_name(q, cc_qpdf_key(q, h, "/Subtype"), sub,
				      sizeof(sub)),
			 page + 1);
		return claim_oh(d, h, CC_ROLE_ANNOT, page, label, 0);
	}
	sig = qpdf_oh_is_name_and_equals(q, cc_qpdf_field_attr(q, h, "/FT"),
					 "/Sig");
	cc_qpdf_field_name(q, h, name, sizeof(name));
	cc_label(label, sizeof(label), "%sfield '%s'", sig ? "signature " : "",
		 name);
	i = claim_oh(d, h, sig ? CC_ROLE_SIGFIELD : CC_ROLE_FIELD, page, label,
		     0);
	if (i != SIZE_MAX)
		d->obj[i].signed_ = (unsigned char)has_value(q, h);
	return i;
}

static void walk_fields(struct cc_pdf_roles *d, qpdf_oh arr, int depth)
{
	int n = cc_qpdf_nitems(d->q, arr);

	if (depth > CC_PDF_MAX_DEPTH) {
		d->truncated = 1;
		return;
	}
	for (int i = 0; i < n && !d->oom && !d->truncated; i++) {
		qpdf_oh f = qpdf_oh_get_array_item(d->q, arr, i);
		qpdf_oh kids = cc_qpdf_key(d->q, f, "/Kids");
		size_t k;

		if (!qpdf_oh_is_dictionary(d->q, f) ||
		    (k = classify(d, f, -1, 1)) == SIZE_MAX)
			continue;
		if (qpdf_oh_is_array(d->q, kids)) {
			claim_oh(d, kids, CC_ROLE_OTHER, -1, d->obj[k].label,
				 1);
			walk_fields(d, kids, depth + 1);
		}
	}
}

static void pass_forms(struct cc_pdf_roles *d)
{
	static const char *const value[] = {"/V", "/AP", NULL};
	qpdf_oh af;
	size_t bound;

	for (size_t i = 0; i < d->npages; i++) {
		qpdf_oh a;
		char label[64];
		int n;

		if (!first_place(d, i))
			continue;
		a = cc_qpdf_key(d->q, page_s(d, i), "/Annots");
		n = cc_qpdf_nitems(d->q, a);
		cc_label(label, sizeof(label), "annotations of page %zu",
			 i + 1);
		claim_oh(d, a, CC_ROLE_ANNOTS, (int)i, label, 0);
		for (int k = 0; k < n && !d->oom; k++) {
			qpdf_oh e = qpdf_oh_get_array_item(d->q, a, k);

			if (qpdf_oh_is_dictionary(d->q, e))
				classify(d, e, (int)i, 0);
			else
				claim_oh(d, e, CC_ROLE_OTHER, (int)i, label, 1);
		}
		qpdf_oh_release_all(d->q);
	}
	af = cc_qpdf_key(d->q, qpdf_get_root(d->q), "/AcroForm");
	if (qpdf_oh_is_dictionary(d->q, af)) {
		claim_oh(d, af, CC_ROLE_ACROFORM, -1, "AcroForm", 0);
		claim_oh(d, cc_qpdf_key(d->q, af, "/Fields"), CC_ROLE_FIELDS,
			 -1, "AcroForm /Fields", 0);
		walk_fields(d, cc_qpdf_key(d->q, af, "/Fields"), 0);
	}
	qpdf_oh_release_all(d->q);
	drain(d);
	/* The strict data of annotations, fields and the AcroForm: all of a
	 * signature field's, a field's but its value and appearance, an
	 * annotation's links. */
	bound = d->n;
	for (size_t i = 0; i < bound && !d->oom; i++) {
		/* A copy: claims move d->obj. */
		const struct cc_pdf_obj o = d->obj[i];
		qpdf_oh h = obj_s(d, i);

		if (o.role == CC_ROLE_ANNOT) {
			scan_value(d, cc_qpdf_key(d->q, h, "/P"), CC_ROLE_OTHER,
				   o.page, o.label);
			scan_value(d, cc_qpdf_key(d->q, h, "/Parent"),
				   CC_ROLE_OTHER, o.page, o.label);
		} else if (o.role == CC_ROLE_SIGFIELD ||
			   o.role == CC_ROLE_FIELD) {
			scan_keys(d, h, o.role == CC_ROLE_FIELD ? value : NULL,
				  CC_ROLE_OTHER, o.page, o.label);
		}
		qpdf_oh_release_all(d->q);
	}
	af = cc_qpdf_key(d->q, qpdf_get_root(d->q), "/AcroForm");
	scan_keys(d, af, NULL, CC_ROLE_OTHER, -1, "AcroForm");
	qpdf_oh_release_all(d->q);
	drain(d);
}

/* The catalog's other entries, XMP metadata, /Info and the trailer's
 * other entries: none may change. */
static void pass_catalog(struct cc_pdf_roles *d)
{
	static const char *const mine[] = {"/Pages", "/AcroForm", "/DSS",
					   "/Extensions", NULL};
	static const char *const trailer[] = {"/Root", "/Info", "/Encrypt",
					      NULL};
	qpdf_oh root = qpdf_get_root(d->q);
	struct cc_qpdf_keys ks;

	if (!keys(d, root, &ks)) {
		for (size_t i = 0; i < ks.n; i++) {
			char label[64];

			if (among(ks.k[i], mine))
				continue;
			if (!strcmp(ks.k[i], "/Metadata"))
				cc_label(label, sizeof(label), "XMP metadata");
			else
				cc_label(label, sizeof(label), "catalog %.40s",
					 ks.k[i]);
			scan_value(d, cc_qpdf_key(d->q, root, ks.k[i]),
				   CC_ROLE_OTHER, -1, label);
		}
		cc_qpdf_keys_free(&ks);
	}
	scan_value(d, cc_qpdf_key(d->q, qpdf_get_trailer(d->q), "/Info"),
		   CC_ROLE_OTHER, -1, "document information");
	scan_keys(d, qpdf_get_trailer(d->q), trailer, CC_ROLE_OTHER, -1,
		  "trailer");
	qpdf_oh_release_all(d->q);
	drain(d);
}

/* What only annotations reach, then what only field values and
 * appearances reach, then /DSS and /Extensions. */
static void pass_lenient(struct cc_pdf_roles *d)
{
	static const char *const links[] = {"/P", "/Parent", NULL};
	size_t bound = d->n;
	qpdf_oh root;

	for (size_t i = 0; i < bound && !d->oom; i++) {
		const struct cc_pdf_obj o = d->obj[i];

		if (o.role == CC_ROLE_ANNOT)
			scan_keys(d, obj_s(d, i), links, CC_ROLE_ANNOT_DATA,
				  o.page, o.label);
		qpdf_oh_release_all(d->q);
	}
	for (size_t i = 0; i < d->npages && !d->oom; i++) {
		qpdf_oh a = cc_qpdf_key(d->q, page_s(d, i), "/Annots");
		int n = cc_qpdf_nitems(d->q, a);
		char label[64];

		cc_label(label, sizeof(label), "annotation on page %zu", i + 1);
		for (int k = 0; k < n; k++) {
			qpdf_oh e = qpdf_oh_get_array_item(d->q, a, k);

			if (!qpdf_oh_is_indirect(d->q, e))
				scan_value(d, e, CC_ROLE_ANNOT_DATA, (int)i,
					   label);
		}
		qpdf_oh_release_all(d->q);
	}
	drain(d);
	for (size_t i = 0; i < bound && !d->oom; i++) {
		const struct cc_pdf_obj o = d->obj[i];
		qpdf_oh h = obj_s(d, i);

		if (o.role == CC_ROLE_FIELD) {
			scan_value(d, cc_qpdf_key(d->q, h, "/V"),
				   CC_ROLE_FIELD_DATA, o.page, o.label);
			scan_value(d, cc_qpdf_key(d->q, h, "/AP"),
				   CC_ROLE_FIELD_DATA, o.page, o.label);
		}
		qpdf_oh_release_all(d->q);
	}
	drain(d);
	root = qpdf_get_root(d->q);
	scan_value(d, cc_qpdf_key(d->q, root, "/Extensions"), CC_ROLE_DSS, -1,
		   "catalog /Extensions");
	scan_value(d, cc_qpdf_key(d->q, root, "/DSS"), CC_ROLE_DSS, -1, "DSS");
	qpdf_oh_release_all(d->q);
	drain(d);
}

/* ---- the walk ---- */

int cc_pdf_roles_read(qpdf_data q, struct cc_pdf_roles *r)
{
	memset(r, 0, sizeof(*r));
	r->q = q;
	claim_oh(r, qpdf_get_root(q), CC_ROLE_CATALOG, -1, "catalog", 0);
	walk_pages(r, cc_qpdf_key(q, qpdf_get_root(q), "/Pages"), 0);
	qpdf_oh_release_all(q);
	pass_pages(r);
	pass_forms(r);
	pass_catalog(r);
	pass_lenient(r);
	return r->oom ? -1 : 0;
}

int cc_pdf_roles_pages(qpdf_data q, struct cc_pdf_roles *r)
{
	memset(r, 0, sizeof(*r));
	r->q = q;
	walk_pages(r, cc_qpdf_key(q, qpdf_get_root(q), "/Pages"), 0);
	qpdf_oh_release_all(q);
	return r->oom ? -1 : 0;
}

size_t cc_pdf_roles_find(const struct cc_pdf_roles *r, int num, int gen)
{
	return set_get(&r->claimed, num, gen);
}

void cc_pdf_roles_free(struct cc_pdf_roles *r)
{
	if (!r)
		return;
	cc_buf_free(&r->objs);
	cc_buf_free(&r->pagebuf);
	set_free(&r->claimed);
	memset(r, 0, sizeof(*r));
}
