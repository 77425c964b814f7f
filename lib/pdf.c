/*
 * pdf.c - an existing PDF opened for signing (pdf.h). qpdf parses the file
 * and holds its objects; edits are made on qpdf's objects in memory, and
 * every existing object that an edit touches is remembered, so that
 * cc_pdf_update can write exactly those (as qpdf unparses them) into the
 * incremental update. qpdf never writes the file itself, except in
 * cc_pdf_normalize. Objects created here (small content streams) are kept
 * as struct cc_pdf_object and handed over by cc_pdf_update as well.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>
#include <qpdf/qpdf-c.h>

#include "pdf.h"

#define MAX_DEPTH 64 /* of page and field trees: deeper is an attack */

struct ref {
	int num, gen;
};

struct cc_pdf {
	qpdf_data q;
	const unsigned char *data;
	size_t len;
	char name[200];
	int damaged;
	int xref_stream;
	unsigned long long startxref;
	int pages;
	int nsig, docmdp;
	struct ref *dirty;
	size_t ndirty;
	int *reserved;
	size_t nreserved;
	struct cc_pdf_object *own; /* objects made here */
	size_t nown;
	int open_q;   /* "q" stream shared by overlays, 0 until made */
	int next_obj; /* the next new object number, 0 until asked */
};

/* ---- qpdf errors ---- */

/* The pending qpdf error as a message (and clear it). */
static int qpdf_fail(struct cc_pdf *p, int code, const char *what,
		     struct cc_error *err)
{
	const char *detail = "unknown error";
	qpdf_error e = NULL;

	if (qpdf_has_error(p->q)) {
		e = qpdf_get_error(p->q);
		detail = qpdf_get_error_message_detail(p->q, e);
		if (!detail || !*detail)
			detail = qpdf_get_error_full_text(p->q, e);
	}
	return cc_error_set(err, code, "%s '%s': %s", what, p->name, detail);
}

static int oom(struct cc_error *err)
{
	return cc_error_set(err, CC_SYSTEM, "out of memory");
}

/* ---- the file's last revision ---- */

static const unsigned char *find_last(const unsigned char *d, size_t len,
				      const char *s)
{
	size_t n = strlen(s);

	for (size_t i = len >= n ? len - n + 1 : 0; i-- > 0;)
		if (!memcmp(d + i, s, n))
			return d + i;
	return NULL;
}

/* startxref's offset and what it points at; damaged when either is off. */
static void last_xref(struct cc_pdf *p)
{
	size_t tail = p->len > 2048 ? p->len - 2048 : 0;
	const unsigned char *s =
		find_last(p->data + tail, p->len - tail, "startxref");
	const unsigned char *end = p->data + p->len, *x;
	unsigned long long off = 0;

	p->damaged = 1;
	if (!s)
		return;
	s += 9;
	while (s < end && isspace(*s))
		s++;
	if (s >= end || !isdigit(*s))
		return;
	while (s < end && isdigit(*s) && off < p->len)
		off = off * 10 + (unsigned)(*s++ - '0');
	if (off >= p->len)
		return;
	x = p->data + off;
	while (x < end && isspace(*x))
		x++;
	p->startxref = off;
	if (end - x >= 4 && !memcmp(x, "xref", 4)) {
		p->xref_stream = 0;
		p->damaged = 0;
		return;
	}
	/* "N G obj": a cross-reference stream. */
	for (int field = 0; field < 2; field++) {
		if (x >= end || !isdigit(*x))
			return;
		while (x < end && isdigit(*x))
			x++;
		while (x < end && isspace(*x))
			x++;
	}
	if (end - x >= 3 && !memcmp(x, "obj", 3)) {
		p->xref_stream = 1;
		p->damaged = 0;
	}
}

/* ---- object helpers ---- */

/* d[k], or null when d is not a dictionary (or a stream's). */
static qpdf_oh key(struct cc_pdf *p, qpdf_oh d, const char *k)
{
	/* A stream's keys are its dictionary's: qpdf's get_key on the
	 * stream itself gives null and a warning. */
	if (qpdf_oh_is_stream(p->q, d))
		d = qpdf_oh_get_dict(p->q, d);
	if (!qpdf_oh_is_dictionary(p->q, d))
		return qpdf_oh_new_null(p->q);
	return qpdf_oh_get_key(p->q, d, k);
}

/* The length of o when it is an array, else 0 (asking qpdf for the
 * length of a non-array would leave an error behind). */
static int nitems(struct cc_pdf *p, qpdf_oh o)
{
	return qpdf_oh_is_array(p->q, o) ? qpdf_oh_get_array_n_items(p->q, o)
					 : 0;
}

static int is_name(struct cc_pdf *p, qpdf_oh o, const char *name)
{
	return qpdf_oh_is_name_and_equals(p->q, o, name);
}

static qpdf_oh obj(struct cc_pdf *p, int num)
{
	return qpdf_get_object_by_id(p->q, num, 0);
}

static int mark(struct cc_pdf *p, qpdf_oh o, struct cc_error *err)
{
	struct ref r = {qpdf_oh_get_object_id(p->q, o),
			qpdf_oh_get_generation(p->q, o)};
	struct ref *d;

	if (r.num <= 0)
		return cc_error_set(err, CC_SYSTEM,
				    "internal error: a direct object marked");
	for (size_t i = 0; i < p->nreserved; i++)
		if (p->reserved[i] == r.num)
			return 0; /* the caller writes it */
	for (size_t i = 0; i < p->ndirty; i++)
		if (p->dirty[i].num == r.num)
			return 0;
	d = realloc(p->dirty, (p->ndirty + 1) * sizeof(*d));
	if (!d)
		return oom(err);
	p->dirty = d;
	p->dirty[p->ndirty++] = r;
	return 0;
}

/* Mark the object that holds value: value itself when it is indirect,
 * else its container. */
static int mark_holder(struct cc_pdf *p, qpdf_oh value, qpdf_oh container,
		       struct cc_error *err)
{
	return mark(p, qpdf_oh_is_indirect(p->q, value) ? value : container,
		    err);
}

/* A direct copy of dictionary d (its values shared), or an empty one. */
static qpdf_oh copy_dict(struct cc_pdf *p, qpdf_oh d)
{
	qpdf_oh c = qpdf_oh_new_dictionary(p->q);
	char *keys[256];
	size_t n = 0;

	if (!qpdf_oh_is_dictionary(p->q, d))
		return c;
	qpdf_oh_begin_dict_key_iter(p->q, d);
	while (qpdf_oh_dict_more_keys(p->q) && n < 256) {
		keys[n] = strdup(qpdf_oh_dict_next_key(p->q));
		if (keys[n])
			n++;
	}
	for (size_t i = 0; i < n; i++) {
		qpdf_oh_replace_key(p->q, c, keys[i], key(p, d, keys[i]));
		free(keys[i]);
	}
	return c;
}

/* An attribute of a page, inherited from the page tree when absent. */
static qpdf_oh inherited(struct cc_pdf *p, qpdf_oh page, const char *k)
{
	qpdf_oh o = page;

	for (int depth = 0; depth < MAX_DEPTH; depth++) {
		if (qpdf_oh_has_key(p->q, o, k))
			return key(p, o, k);
		if (!qpdf_oh_has_key(p->q, o, "/Parent"))
			break;
		o = key(p, o, "/Parent");
	}
	return qpdf_oh_new_null(p->q);
}

/* ---- fields ---- */

struct field_walk {
	const char *want; /* a full name to find, or NULL */
	int found;	  /* its object number */
	int signed_;	  /* it has /V */
	int nsig;
	int count;
	char names[64][64]; /* the first full names, for new names */
};

static void walk_fields(struct cc_pdf *p, qpdf_oh arr, const char *parent,
			int parent_sig, int depth, struct field_walk *w)
{
	int n = nitems(p, arr);

	if (depth > MAX_DEPTH || n < 0)
		return;
	for (int i = 0; i < n && i < 100000; i++) {
		qpdf_oh f = qpdf_oh_get_array_item(p->q, arr, i);
		char full[512] = "";
		int sig = parent_sig;

		if (!qpdf_oh_is_dictionary(p->q, f))
			continue;
		if (qpdf_oh_has_key(p->q, f, "/FT"))
			sig = is_name(p, key(p, f, "/FT"), "/Sig");
		if (qpdf_oh_is_string(p->q, key(p, f, "/T"))) {
			const char *t =
				qpdf_oh_get_utf8_value(p->q, key(p, f, "/T"));

			snprintf(full, sizeof(full), "%s%s%s", parent,
				 *parent ? "." : "", t ? t : "");
		} else {
			snprintf(full, sizeof(full), "%s", parent);
		}
		if (qpdf_oh_has_key(p->q, f, "/T")) {
			if (w->count < 64)
				snprintf(w->names[w->count], 64, "%s", full);
			w->count++;
			if (sig && qpdf_oh_is_dictionary(p->q, key(p, f, "/V")))
				w->nsig++;
			if (w->want && !strcmp(full, w->want) && !w->found) {
				w->found = qpdf_oh_get_object_id(p->q, f);
				w->signed_ =
					!sig ? -1
					     : qpdf_oh_has_key(p->q, f, "/V");
			}
		}
		if (qpdf_oh_is_array(p->q, key(p, f, "/Kids")))
			walk_fields(p, key(p, f, "/Kids"), full, sig, depth + 1,
				    w);
	}
}

static void fields(struct cc_pdf *p, struct field_walk *w)
{
	qpdf_oh af = key(p, qpdf_get_root(p->q), "/AcroForm");

	if (qpdf_oh_is_dictionary(p->q, af))
		walk_fields(p, key(p, af, "/Fields"), "", 0, 0, w);
}

static int docmdp_of(struct cc_pdf *p)
{
	qpdf_oh sig = key(p, key(p, qpdf_get_root(p->q), "/Perms"), "/DocMDP");
	qpdf_oh refs = key(p, sig, "/Reference");
	int n = nitems(p, refs);

	if (!qpdf_oh_is_dictionary(p->q, sig))
		return 0;
	for (int i = 0; i < n && i < 16; i++) {
		qpdf_oh r = qpdf_oh_get_array_item(p->q, refs, i);
		qpdf_oh P = key(p, key(p, r, "/TransformParams"), "/P");

		if (!is_name(p, key(p, r, "/TransformMethod"), "/DocMDP"))
			continue;
		if (qpdf_oh_is_integer(p->q, P)) {
			long long v = qpdf_oh_get_int_value(p->q, P);

			return v >= 1 && v <= 3 ? (int)v : 2;
		}
		return 2;
	}
	return 2;
}

/* ---- open, close ---- */

struct cc_pdf *cc_pdf_open(const unsigned char *data, size_t len,
			   const char *name, struct cc_error *err)
{
	struct cc_pdf *p = calloc(1, sizeof(*p));
	struct field_walk w = {0};
	size_t head = len < 1024 ? len : 1024;

	if (!p) {
		oom(err);
		return NULL;
	}
	p->data = data;
	p->len = len;
	snprintf(p->name, sizeof(p->name), "%s", name);
	if (!find_last(data, head, "%PDF-")) {
		cc_error_set(err, CC_INPUT, "'%s' is not a PDF file", name);
		goto fail;
	}
	p->q = qpdf_init();
	if (!p->q) {
		oom(err);
		goto fail;
	}
	qpdf_silence_errors(p->q);
	qpdf_set_suppress_warnings(p->q, 1);
	if (qpdf_read_memory(p->q, p->name, (const char *)data,
			     (unsigned long long)len, NULL) &
	    QPDF_ERRORS) {
		qpdf_error e = qpdf_get_error(p->q);

		if (qpdf_get_error_code(p->q, e) == qpdf_e_password)
			cc_error_set(err, CC_INPUT,
				     "'%s' is encrypted; encrypted PDFs "
				     "cannot be certified",
				     name);
		else
			cc_error_set(err, CC_INPUT, "cannot read '%s': %s",
				     name,
				     qpdf_get_error_message_detail(p->q, e));
		goto fail;
	}
	if (qpdf_is_encrypted(p->q)) {
		cc_error_set(err, CC_INPUT,
			     "'%s' is encrypted; encrypted PDFs cannot be "
			     "certified",
			     name);
		goto fail;
	}
	p->pages = qpdf_get_num_pages(p->q);
	if (p->pages <= 0 || qpdf_has_error(p->q)) {
		if (qpdf_has_error(p->q))
			qpdf_fail(p, CC_INPUT, "cannot read the pages of", err);
		else
			cc_error_set(err, CC_INPUT, "'%s' has no pages", name);
		goto fail;
	}
	last_xref(p);
	if (qpdf_more_warnings(p->q))
		p->damaged = 1;
	fields(p, &w);
	p->nsig = w.nsig;
	p->docmdp = docmdp_of(p);
	if (qpdf_has_error(p->q)) {
		qpdf_fail(p, CC_INPUT, "cannot read", err);
		goto fail;
	}
	return p;
fail:
	cc_pdf_close(p);
	return NULL;
}

void cc_pdf_close(struct cc_pdf *p)
{
	if (!p)
		return;
	if (p->q)
		qpdf_cleanup(&p->q);
	free(p->dirty);
	free(p->reserved);
	cc_pdf_objects_free(p->own, p->nown);
	free(p);
}

int cc_pdf_damaged(const struct cc_pdf *p)
{
	return p->damaged;
}

int cc_pdf_normalize(struct cc_pdf *p, unsigned char **out, size_t *outlen,
		     struct cc_error *err)
{
	const unsigned char *b;
	size_t n;

	if (p->nsig)
		return cc_error_set(err, CC_INPUT,
				    "'%s' is signed and cannot be rewritten",
				    p->name);
	if (qpdf_init_write_memory(p->q) & QPDF_ERRORS)
		return qpdf_fail(p, CC_INPUT, "cannot rewrite", err);
	qpdf_set_object_stream_mode(p->q, qpdf_o_disable);
	qpdf_set_deterministic_ID(p->q, 1);
	if (qpdf_write(p->q) & QPDF_ERRORS)
		return qpdf_fail(p, CC_INPUT, "cannot rewrite", err);
	b = qpdf_get_buffer(p->q);
	n = (size_t)qpdf_get_buffer_length(p->q);
	if (!b || !n)
		return cc_error_set(err, CC_INPUT, "cannot rewrite '%s'",
				    p->name);
	*out = malloc(n);
	if (!*out)
		return oom(err);
	memcpy(*out, b, n);
	*outlen = n;
	return 0;
}

int cc_pdf_page_count(const struct cc_pdf *p)
{
	return p->pages;
}

int cc_pdf_signature_count(const struct cc_pdf *p)
{
	return p->nsig;
}

int cc_pdf_docmdp(const struct cc_pdf *p)
{
	return p->docmdp;
}

static qpdf_oh page(struct cc_pdf *p, int i)
{
	return qpdf_get_page_n(p->q, (size_t)i);
}

int cc_pdf_page_obj(struct cc_pdf *p, int i)
{
	if (i < 0 || i >= p->pages)
		return 0;
	return qpdf_oh_get_object_id(p->q, page(p, i));
}

static double num(struct cc_pdf *p, qpdf_oh arr, int i)
{
	return qpdf_oh_get_numeric_value(p->q,
					 qpdf_oh_get_array_item(p->q, arr, i));
}

int cc_pdf_page_size(struct cc_pdf *p, int i, double *w, double *h,
		     struct cc_error *err)
{
	qpdf_oh box;

	if (i < 0 || i >= p->pages)
		return cc_error_set(err, CC_USAGE, "'%s' has no page %d",
				    p->name, i + 1);
	box = inherited(p, page(p, i), "/MediaBox");
	if (nitems(p, box) != 4)
		return cc_error_set(err, CC_INPUT,
				    "page %d of '%s' has no valid MediaBox",
				    i + 1, p->name);
	*w = num(p, box, 2) - num(p, box, 0);
	*h = num(p, box, 3) - num(p, box, 1);
	if (*w < 0)
		*w = -*w;
	if (*h < 0)
		*h = -*h;
	if (!(*w >= 1 && *h >= 1 && *w < 1e6 && *h < 1e6))
		return cc_error_set(err, CC_INPUT,
				    "page %d of '%s' has no valid MediaBox",
				    i + 1, p->name);
	return 0;
}

/* ---- edits ---- */

/* New numbers follow the trailer's /Size: in a file qpdf read without
 * repairs every object is below it. (qpdf_make_indirect_object would do,
 * but scans every object of the file each time.) */
int cc_pdf_reserve(struct cc_pdf *p, struct cc_error *err)
{
	int n, *r;

	if (!p->next_obj) {
		qpdf_oh size = key(p, qpdf_get_trailer(p->q), "/Size");
		long long v = qpdf_oh_is_integer(p->q, size)
				      ? qpdf_oh_get_int_value(p->q, size)
				      : 0;

		if (v < 1 || v > 8000000)
			return -cc_error_set(err, CC_INPUT,
					     "'%s' has a bad /Size", p->name);
		p->next_obj = (int)v;
		/* A repaired file may hold objects at or past /Size. */
		while (p->next_obj < 8000000 &&
		       !qpdf_oh_is_null(p->q, obj(p, p->next_obj)))
			p->next_obj++;
	}
	if (p->next_obj >= 8000000)
		return -cc_error_set(err, CC_INPUT, "'%s' has too many objects",
				     p->name);
	n = p->next_obj++;
	qpdf_replace_object(p->q, n, 0, qpdf_oh_new_dictionary(p->q));
	if (qpdf_has_error(p->q))
		return -qpdf_fail(p, CC_SYSTEM, "cannot add objects to", err);
	r = realloc(p->reserved, (p->nreserved + 1) * sizeof(*r));
	if (!r)
		return -oom(err);
	p->reserved = r;
	p->reserved[p->nreserved++] = n;
	return n;
}

/* A small stream of our own, reserved and kept in p->own. */
static int own_stream(struct cc_pdf *p, const char *content,
		      struct cc_error *err)
{
	int n = cc_pdf_reserve(p, err);
	struct cc_pdf_object *o;

	if (n < 0)
		return n;
	o = cc_pdf_objects_add(&p->own, &p->nown, n);
	if (!o)
		return -oom(err);
	o->is_stream = 1;
	cc_buf_puts(&o->dict, "<< >>");
	cc_buf_puts(&o->data, content);
	return n;
}

/* Append item to the array under k in holder (made when missing); owner
 * is the indirect object that holds holder (holder itself, or the object
 * a direct holder sits in). */
static int append_to(struct cc_pdf *p, qpdf_oh holder, qpdf_oh owner,
		     const char *k, qpdf_oh item, struct cc_error *err)
{
	qpdf_oh arr = key(p, holder, k);

	if (!qpdf_oh_is_array(p->q, arr)) {
		arr = qpdf_oh_new_array(p->q);
		qpdf_oh_append_item(p->q, arr, item);
		qpdf_oh_replace_key(p->q, holder, k, arr);
		return mark(p, owner, err);
	}
	qpdf_oh_append_item(p->q, arr, item);
	return mark_holder(p, arr, owner, err);
}

int cc_pdf_append_page(struct cc_pdf *p, int pg, int *parent,
		       struct cc_error *err)
{
	qpdf_oh pages = key(p, qpdf_get_root(p->q), "/Pages");
	qpdf_oh count;
	int rc;

	if (!qpdf_oh_is_dictionary(p->q, pages) ||
	    !qpdf_oh_is_indirect(p->q, pages))
		return cc_error_set(err, CC_INPUT, "'%s' has no page tree",
				    p->name);
	rc = append_to(p, pages, pages, "/Kids", obj(p, pg), err);
	if (rc)
		return rc;
	count = key(p, pages, "/Count");
	qpdf_oh_replace_key(
		p->q, pages, "/Count",
		qpdf_oh_new_integer(p->q,
				    qpdf_oh_get_int_value(p->q, count) + 1));
	*parent = qpdf_oh_get_object_id(p->q, pages);
	if (qpdf_oh_get_generation(p->q, pages) != 0)
		return cc_error_set(
			err, CC_INPUT, "'%s': page tree root has generation %d",
			p->name, qpdf_oh_get_generation(p->q, pages));
	return mark(p, pages, err);
}

/* A resource name in dict d not used yet: prefix, prefix1, ... */
static void free_name(struct cc_pdf *p, qpdf_oh d, const char *prefix,
		      char *name, size_t size)
{
	snprintf(name, size, "/%s", prefix);
	for (int i = 1; qpdf_oh_has_key(p->q, d, name) && i < 10000; i++)
		snprintf(name, size, "/%s%d", prefix, i);
}

int cc_pdf_page_overlay(struct cc_pdf *p, int i, int xobj, struct cc_error *err)
{
	qpdf_oh pg, res, xo, contents, arr;
	char name[32], draw[96];
	int close;

	if (i < 0 || i >= p->pages)
		return cc_error_set(err, CC_USAGE, "'%s' has no page %d",
				    p->name, i + 1);
	pg = page(p, i);
	res = copy_dict(p, inherited(p, pg, "/Resources"));
	xo = copy_dict(p, key(p, res, "/XObject"));
	free_name(p, xo, "CcOverlay", name, sizeof(name));
	qpdf_oh_replace_key(p->q, xo, name, obj(p, xobj));
	qpdf_oh_replace_key(p->q, res, "/XObject", xo);
	qpdf_oh_replace_key(p->q, pg, "/Resources", res);

	if (!p->open_q) {
		p->open_q = own_stream(p, "q\n", err);
		if (p->open_q < 0)
			return -p->open_q;
	}
	snprintf(draw, sizeof(draw), "\nQ\nq %s Do Q\n", name);
	close = own_stream(p, draw, err);
	if (close < 0)
		return -close;
	contents = key(p, pg, "/Contents");
	arr = qpdf_oh_new_array(p->q);
	qpdf_oh_append_item(p->q, arr, obj(p, p->open_q));
	if (qpdf_oh_is_array(p->q, contents)) {
		int n = nitems(p, contents);

		for (int k = 0; k < n; k++)
			qpdf_oh_append_item(
				p->q, arr,
				qpdf_oh_get_array_item(p->q, contents, k));
	} else if (qpdf_oh_is_stream(p->q, contents)) {
		qpdf_oh_append_item(p->q, arr, contents);
	}
	qpdf_oh_append_item(p->q, arr, obj(p, close));
	qpdf_oh_replace_key(p->q, pg, "/Contents", arr);
	return mark(p, pg, err);
}

int cc_pdf_page_add_annot(struct cc_pdf *p, int i, int annot,
			  struct cc_error *err)
{
	if (i < 0 || i >= p->pages)
		return cc_error_set(err, CC_USAGE, "'%s' has no page %d",
				    p->name, i + 1);
	qpdf_oh pg = page(p, i);

	return append_to(p, pg, pg, "/Annots", obj(p, annot), err);
}

/* The AcroForm dictionary, made when missing, and in *owner the indirect
 * object that holds it. */
static qpdf_oh acroform(struct cc_pdf *p, qpdf_oh *owner, struct cc_error *err,
			int *rc)
{
	qpdf_oh root = qpdf_get_root(p->q);
	qpdf_oh af = key(p, root, "/AcroForm");

	if (!qpdf_oh_is_dictionary(p->q, af)) {
		af = qpdf_oh_new_dictionary(p->q);
		qpdf_oh_replace_key(p->q, af, "/Fields",
				    qpdf_oh_new_array(p->q));
		qpdf_oh_replace_key(p->q, root, "/AcroForm", af);
	}
	*owner = qpdf_oh_is_indirect(p->q, af) ? af : root;
	*rc = mark(p, *owner, err);
	return af;
}

int cc_pdf_add_field(struct cc_pdf *p, int field, struct cc_error *err)
{
	int rc;
	qpdf_oh owner;
	qpdf_oh af = acroform(p, &owner, err, &rc);

	if (rc)
		return rc;
	qpdf_oh_replace_key(p->q, af, "/SigFlags",
			    qpdf_oh_new_integer(p->q, 3));
	return append_to(p, af, owner, "/Fields", obj(p, field), err);
}

static int page_of_annot(struct cc_pdf *p, int annot)
{
	for (int i = 0; i < p->pages; i++) {
		qpdf_oh a = key(p, page(p, i), "/Annots");
		int n = nitems(p, a);

		for (int k = 0; k < n; k++)
			if (qpdf_oh_get_object_id(
				    p->q, qpdf_oh_get_array_item(p->q, a, k)) ==
			    annot)
				return i;
	}
	return -1;
}

int cc_pdf_find_sig_field(struct cc_pdf *p, const char *name, int *field,
			  int *pg, struct cc_error *err)
{
	struct field_walk w = {.want = name};
	qpdf_oh f, kids;
	int widget;

	fields(p, &w);
	if (!w.found)
		return cc_error_set(err, CC_NO, "'%s' has no field '%s'",
				    p->name, name);
	if (w.signed_ < 0)
		return cc_error_set(err, CC_USAGE,
				    "field '%s' of '%s' is not a signature "
				    "field",
				    name, p->name);
	if (w.signed_)
		return cc_error_set(err, CC_USAGE,
				    "field '%s' of '%s' is signed already",
				    name, p->name);
	*field = w.found;
	f = obj(p, w.found);
	widget = w.found;
	kids = key(p, f, "/Kids");
	if (nitems(p, kids) > 0)
		widget = qpdf_oh_get_object_id(
			p->q, qpdf_oh_get_array_item(p->q, kids, 0));
	*pg = page_of_annot(p, widget);
	return 0;
}

int cc_pdf_set_field_value(struct cc_pdf *p, int field, int sig, int ap,
			   struct cc_error *err)
{
	qpdf_oh f = obj(p, field), w = f, kids = key(p, f, "/Kids"), apd;
	int rc;

	qpdf_oh_replace_key(p->q, f, "/V", obj(p, sig));
	if ((rc = mark(p, f, err)) || !ap)
		return rc;
	if (nitems(p, kids) > 0)
		w = qpdf_oh_get_array_item(p->q, kids, 0);
	if (!qpdf_oh_is_dictionary(p->q, w) || !qpdf_oh_is_indirect(p->q, w))
		return cc_error_set(err, CC_INPUT,
				    "the widget of a field of '%s' is not an "
				    "object of its own",
				    p->name);
	apd = qpdf_oh_new_dictionary(p->q);
	qpdf_oh_replace_key(p->q, apd, "/N", obj(p, ap));
	qpdf_oh_replace_key(p->q, w, "/AP", apd);
	return mark(p, w, err);
}

int cc_pdf_field_int(struct cc_pdf *p, int field, const char *k, long long *v)
{
	qpdf_oh o = key(p, obj(p, field), k);

	if (!qpdf_oh_is_integer(p->q, o))
		return -1;
	*v = qpdf_oh_get_int_value(p->q, o);
	return 0;
}

int cc_pdf_field_text(struct cc_pdf *p, int field, const char *k, char *out,
		      size_t size)
{
	qpdf_oh o = key(p, obj(p, field), k);
	const char *t;

	if (!qpdf_oh_is_string(p->q, o))
		return -1;
	t = qpdf_oh_get_utf8_value(p->q, o);
	if (!t || strlen(t) >= size)
		return -1;
	snprintf(out, size, "%s", t);
	return 0;
}

/* The rectangle of a field's (first) widget, and its page. */
int cc_pdf_field_rect(struct cc_pdf *p, int field, double rect[4], int *page)
{
	qpdf_oh w = obj(p, field), kids = key(p, w, "/Kids"), r;

	if (nitems(p, kids) > 0)
		w = qpdf_oh_get_array_item(p->q, kids, 0);
	r = key(p, w, "/Rect");
	if (nitems(p, r) != 4)
		return -1;
	for (int i = 0; i < 4; i++)
		rect[i] = num(p, r, i);
	*page = page_of_annot(p, qpdf_oh_get_object_id(p->q, w));
	return 0;
}

int cc_pdf_set_docmdp(struct cc_pdf *p, int sig, struct cc_error *err)
{
	qpdf_oh root = qpdf_get_root(p->q);
	qpdf_oh perms = key(p, root, "/Perms");

	if (!qpdf_oh_is_dictionary(p->q, perms)) {
		perms = qpdf_oh_new_dictionary(p->q);
		qpdf_oh_replace_key(p->q, perms, "/DocMDP", obj(p, sig));
		qpdf_oh_replace_key(p->q, root, "/Perms", perms);
		return mark(p, root, err);
	}
	qpdf_oh_replace_key(p->q, perms, "/DocMDP", obj(p, sig));
	return mark_holder(p, perms, root, err);
}

/* dss[k] = a copy of its array there with the objects appended. */
static void dss_array(struct cc_pdf *p, qpdf_oh dss, const char *k,
		      const int *nums, size_t n)
{
	qpdf_oh old = key(p, dss, k), arr = qpdf_oh_new_array(p->q);
	int m = nitems(p, old);

	if (!n)
		return;
	for (int i = 0; i < m && i < 100000; i++)
		qpdf_oh_append_item(p->q, arr,
				    qpdf_oh_get_array_item(p->q, old, i));
	for (size_t i = 0; i < n; i++)
		qpdf_oh_append_item(p->q, arr, obj(p, nums[i]));
	qpdf_oh_replace_key(p->q, dss, k, arr);
}

int cc_pdf_add_dss(struct cc_pdf *p, const int *certs, size_t ncerts,
		   const int *ocsps, size_t nocsps, const int *crls,
		   size_t ncrls, struct cc_error *err)
{
	qpdf_oh root = qpdf_get_root(p->q);
	qpdf_oh dss = copy_dict(p, key(p, root, "/DSS"));

	qpdf_oh_replace_key(p->q, dss, "/Type", qpdf_oh_new_name(p->q, "/DSS"));
	dss_array(p, dss, "/Certs", certs, ncerts);
	dss_array(p, dss, "/OCSPs", ocsps, nocsps);
	dss_array(p, dss, "/CRLs", crls, ncrls);
	qpdf_oh_replace_key(p->q, root, "/DSS", dss);
	return mark(p, root, err);
}

void cc_pdf_new_field_name(struct cc_pdf *p, char *name, size_t size)
{
	struct field_walk w = {0};
	int used;

	fields(p, &w);
	for (int i = 1; i < 100000; i++) {
		snprintf(name, size, "Signature%d", i);
		used = 0;
		for (int k = 0; k < w.count && k < 64; k++)
			if (!strcmp(w.names[k], name))
				used = 1;
		if (!used)
			return;
	}
}

/* ---- the update ---- */

static void ref_text(struct cc_pdf *p, qpdf_oh o, char *out, size_t size)
{
	out[0] = '\0';
	if (qpdf_oh_is_indirect(p->q, o))
		snprintf(out, size, "%d %d R", qpdf_oh_get_object_id(p->q, o),
			 qpdf_oh_get_generation(p->q, o));
}

static void new_id(struct cc_pdf *p, qpdf_oh trailer, char *out, size_t size)
{
	qpdf_oh id = key(p, trailer, "/ID");
	unsigned char r[16];
	char hex[33], first[129] = "";

	if (RAND_bytes(r, sizeof(r)) != 1)
		memset(r, 0, sizeof(r));
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(hex + 2 * i, 3, "%02x", r[i]);
	if (nitems(p, id) == 2) {
		qpdf_oh f = qpdf_oh_get_array_item(p->q, id, 0);
		size_t n = 0;
		const char *b = qpdf_oh_get_binary_string_value(p->q, f, &n);

		if (qpdf_oh_is_string(p->q, f) && b && n <= 64)
			for (size_t i = 0; i < n; i++)
				snprintf(first + 2 * i, 3, "%02x",
					 (unsigned char)b[i]);
	}
	snprintf(out, size, "[<%s> <%s>]", first[0] ? first : hex, hex);
}

int cc_pdf_update(struct cc_pdf *p, struct cc_pdf_object **objs, size_t *n,
		  struct cc_pdf_trailer *t, struct cc_error *err)
{
	qpdf_oh trailer = qpdf_get_trailer(p->q);
	long long size = qpdf_oh_get_int_value(p->q, key(p, trailer, "/Size"));

	memset(t, 0, sizeof(*t));
	if (p->xref_stream) {
		int x = cc_pdf_reserve(p, err);

		if (x < 0)
			return -x;
		t->xref_stream = 1;
		t->xref_num = x;
	}
	for (size_t i = 0; i < p->ndirty; i++) {
		qpdf_oh o = qpdf_get_object_by_id(p->q, p->dirty[i].num,
						  p->dirty[i].gen);
		struct cc_pdf_object *d;

		if (qpdf_oh_is_stream(p->q, o))
			return cc_error_set(err, CC_SYSTEM,
					    "internal error: stream %d changed",
					    p->dirty[i].num);
		d = cc_pdf_objects_add(objs, n, p->dirty[i].num);
		if (!d)
			return oom(err);
		d->gen = p->dirty[i].gen;
		cc_buf_puts(&d->dict, qpdf_oh_unparse_resolved(p->q, o));
		if (d->dict.failed)
			return oom(err);
	}
	for (size_t i = 0; i < p->nown; i++) {
		struct cc_pdf_object *d = cc_pdf_objects_add(objs, n, 0);

		if (!d)
			return oom(err);
		*d = p->own[i];
		memset(&p->own[i], 0, sizeof(p->own[i]));
	}
	p->nown = 0;
	for (size_t i = 0; i < p->nreserved; i++)
		if (p->reserved[i] >= size)
			size = p->reserved[i] + 1LL;
	for (size_t i = 0; i < p->ndirty; i++)
		if (p->dirty[i].num >= size)
			size = p->dirty[i].num + 1LL;
	if (size <= 0 || size > 8388607)
		return cc_error_set(err, CC_INPUT, "'%s' has a bad /Size",
				    p->name);
	t->size = (int)size;
	t->prev = p->startxref;
	ref_text(p, key(p, trailer, "/Root"), t->root, sizeof(t->root));
	ref_text(p, key(p, trailer, "/Info"), t->info, sizeof(t->info));
	new_id(p, trailer, t->id, sizeof(t->id));
	if (!t->root[0])
		return cc_error_set(err, CC_INPUT, "'%s' has no catalog",
				    p->name);
	if (qpdf_has_error(p->q))
		return qpdf_fail(p, CC_INPUT, "cannot update", err);
	return 0;
}
