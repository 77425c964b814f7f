/*
 * print.c - the print-ready PDF of a certified copy and the receipt
 * (print.h). The new document is first written here as a small PDF of our
 * own (the font, the QR code, the pages with their footers, each page
 * naming its copy's page as the Form XObject /Pg still to come), then
 * read by qpdf, which copies every page of the certified file into it as
 * a Form XObject and writes the whole.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <qpdf/qpdf-c.h>
#include <qrencode.h>

#include "certpage.h"
#include "font.h"
#include "pdfinc.h"
#include "print.h"
#include "sigstruct.h"
#include "vcode.h"

#define MARGIN 28.0	 /* paper edge to the copy and the footer */
#define FOOT_BOTTOM 12.0 /* paper edge to the QR code's quiet zone */
#define QUIET 4		 /* QR quiet zone, modules */
#define GAP 8.0		 /* between the footer and the copy */
#define MAX_URL 512
#define MAX_DEPTH 32

static const struct cc_media media[] = {
	{"A4", "iso_a4_210x297mm", 595.28, 841.89},
	{"A5", "iso_a5_148x210mm", 419.53, 595.28},
	{"A3", "iso_a3_297x420mm", 841.89, 1190.55},
	{"Letter", "na_letter_8.5x11in", 612, 792},
	{"Legal", "na_legal_8.5x14in", 612, 1008},
};

int cc_media_find(const char *name, struct cc_media *m, struct cc_error *err)
{
	for (size_t i = 0; i < sizeof(media) / sizeof(media[0]); i++)
		if (!name || !strcasecmp(name, media[i].name) ||
		    !strcmp(name, media[i].pwg)) {
			*m = media[i];
			return CC_OK;
		}
	return cc_error_set(err, CC_USAGE,
			    "unknown paper size '%s' (A4, A5, A3, Letter, "
			    "Legal)",
			    name);
}

/* ---- the facts of a certified copy ---- */

static qpdf_oh get(qpdf_data q, qpdf_oh d, const char *k)
{
	if (qpdf_oh_is_stream(q, d))
		d = qpdf_oh_get_dict(q, d);
	if (qpdf_oh_is_dictionary(q, d))
		return qpdf_oh_get_key(q, d, k);
	return qpdf_oh_new_null(q);
}

/* The field whose full name is want, among arr and their kids; 0 if none.
 * At most *budget fields are looked at, so that kids listed over and over
 * cannot make it take forever. */
static qpdf_oh find_field(qpdf_data q, qpdf_oh arr, const char *prefix,
			  const char *want, int depth, long *budget)
{
	int n = qpdf_oh_is_array(q, arr) ? qpdf_oh_get_array_n_items(q, arr)
					 : 0;

	for (int i = 0; i < n && depth < MAX_DEPTH && --*budget > 0; i++) {
		qpdf_oh f = qpdf_oh_get_array_item(q, arr, i),
			t = get(q, f, "/T"), hit;
		char full[512];
		const char *s = qpdf_oh_is_string(q, t)
					? qpdf_oh_get_utf8_value(q, t)
					: NULL;

		if (!qpdf_oh_is_dictionary(q, f))
			continue;
		if (s)
			snprintf(full, sizeof(full), "%s%s%s", prefix,
				 *prefix ? "." : "", s);
		else
			snprintf(full, sizeof(full), "%s", prefix);
		if (s && !strcmp(full, want))
			return f;
		hit = find_field(q, get(q, f, "/Kids"), full, want, depth + 1,
				 budget);
		if (hit)
			return hit;
	}
	return 0;
}

static int qpdf_open(qpdf_data *q, const unsigned char *pdf, size_t len,
		     const char *name, struct cc_error *err)
{
	*q = qpdf_init();
	if (!*q)
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	qpdf_silence_errors(*q);
	qpdf_set_suppress_warnings(*q, 1);
	if (qpdf_read_memory(*q, name, (const char *)pdf,
			     (unsigned long long)len, NULL) &
	    QPDF_ERRORS)
		return cc_error_set(
			err, CC_INPUT, "cannot read '%s': %s", name,
			qpdf_get_error_message_detail(*q, qpdf_get_error(*q)));
	if (qpdf_is_encrypted(*q))
		return cc_error_set(err, CC_INPUT, "'%s' is encrypted", name);
	return CC_OK;
}

/* qpdf_cleanup, which takes no NULL. */
static void qpdf_close(qpdf_data *q)
{
	if (*q)
		qpdf_cleanup(q);
}

/* The seal field's integer or text entry k; -1 when it has none. */
static int field_int(qpdf_data q, qpdf_oh f, const char *k, long long *v)
{
	qpdf_oh o = get(q, f, k);

	if (!qpdf_oh_is_integer(q, o))
		return -1;
	*v = qpdf_oh_get_int_value(q, o);
	return 0;
}

static int field_text(qpdf_data q, qpdf_oh f, const char *k, char *out,
		      size_t size)
{
	qpdf_oh o = get(q, f, k);
	const char *s =
		qpdf_oh_is_string(q, o) ? qpdf_oh_get_utf8_value(q, o) : NULL;

	if (!s || !*s || strlen(s) >= size)
		return -1;
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

static int seal_field(const unsigned char *pdf, size_t len, const char *name,
		      struct cc_print_facts *f, struct cc_error *err)
{
	qpdf_data q = NULL;
	qpdf_oh fld;
	long long pages = 0;
	const char *bad;
	long budget = 100000;
	int rc = qpdf_open(&q, pdf, len, name, err);

	if (rc)
		goto out;
	f->copy_pages = qpdf_get_num_pages(q);
	if (f->copy_pages <= 0) {
		rc = cc_error_set(err, CC_INPUT, "'%s' has no pages", name);
		goto out;
	}
	fld = find_field(
		q, get(q, get(q, qpdf_get_root(q), "/AcroForm"), "/Fields"), "",
		CC_SEAL_FIELD, 0, &budget);
	if (!fld) {
		rc = cc_error_set(err, CC_INPUT,
				  "'%s' is not a certified copy: it has no "
				  "seal field",
				  name);
		goto out;
	}
	/* What cc-sign --statement put on the field, each checked. */
	bad = field_int(q, fld, "/CcNumber", &f->number) || f->number <= 0
		      ? "/CcNumber"
	      : field_text(q, fld, "/CcBook", f->book, sizeof(f->book))
		      ? "/CcBook"
	      : field_int(q, fld, "/CcPages", &pages) || pages <= 0 ||
			      pages > 100000
		      ? "/CcPages"
	      : field_text(q, fld, "/CcCertifier", f->certifier,
			   sizeof(f->certifier))
		      ? "/CcCertifier"
		      : NULL;
	if (bad) {
		rc = cc_error_set(err, CC_INPUT,
				  "the seal field of '%s' has no valid %s",
				  name, bad);
		goto out;
	}
	f->pages = (int)pages;
out:
	qpdf_close(&q);
	return rc;
}

int cc_print_read(const unsigned char *pdf, size_t len, const char *name,
		  struct cc_print_facts *f, struct cc_error *err)
{
	struct cc_sig_structs s;
	const struct cc_sig_struct *seal = NULL;
	int rc = cc_sig_struct_read(pdf, len, name, &s, err);

	memset(f, 0, sizeof(*f));
	if (rc)
		goto out;
	for (size_t i = 0; i < s.n; i++)
		if (!strcmp(s.sig[i].field, CC_SEAL_FIELD) &&
		    !s.sig[i].is_doc_timestamp)
			seal = &s.sig[i];
	if (!seal || !seal->code[0]) {
		rc = cc_error_set(err, CC_INPUT,
				  "'%s' is not a certified copy: it has no "
				  "seal with a verification code",
				  name);
		goto out;
	}
	if (!seal->ok) {
		rc = cc_error_set(err, CC_INPUT,
				  "the seal of '%s' is malformed (%s): check "
				  "it with cc-verify",
				  name, seal->problem);
		goto out;
	}
	if (cc_vcode_parse(seal->code, f->code, err)) {
		rc = cc_error_set(err, CC_INPUT,
				  "the seal of '%s' holds no valid "
				  "verification code",
				  name);
		goto out;
	}
	if (sscanf(seal->m, "D:%4d%2d%2d", &f->year, &f->month, &f->day) != 3 ||
	    f->month < 1 || f->month > 12 || f->day < 1 || f->day > 31)
		f->year = f->month = f->day = 0;
	rc = seal_field(pdf, len, name, f, err);
out:
	cc_sig_structs_free(&s);
	return rc;
}

/* ---- drawing ---- */

/* "4.000" for 4000, as Vietnamese writes amounts. */
static void amount(char *out, size_t size, long v)
{
	char rev[40];
	size_t n = 0, k = 0;

	do {
		if (n % 4 == 3)
			rev[n++] = '.';
		rev[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0 && n + 2 < sizeof(rev));
	while (n && k + 1 < size)
		out[k++] = rev[--n];
	out[k] = '\0';
}

struct doc {
	struct cc_font *font;
	struct cc_pdf_object *objs; /* numbered 1.. in order */
	size_t n;
	QRcode *qr;
	int qr_obj;
};

static int check_url(const char *url, struct cc_error *err)
{
	size_t n = url ? strlen(url) : 0;

	if (!n || n > MAX_URL)
		return cc_error_set(
			err, CC_USAGE,
			"the verification URL is empty or too long");
	for (size_t i = 0; i < n; i++)
		if (url[i] < 0x21 || url[i] > 0x7e)
			return cc_error_set(err, CC_USAGE,
					    "the verification URL '%s' is not "
					    "printable ASCII",
					    url);
	return CC_OK;
}

static struct cc_pdf_object *new_obj(struct doc *d, struct cc_error *err)
{
	struct cc_pdf_object *o =
		cc_pdf_objects_add(&d->objs, &d->n, (int)d->n + 1);

	if (!o)
		cc_error_set(err, CC_SYSTEM, "out of memory");
	return o;
}

/* The QR code as a 1-bit image mask, quiet zone included: 1 paints. */
static int qr_image(struct doc *d, const char *url, struct cc_error *err)
{
	struct cc_pdf_object *o;
	int side, row;

	d->qr = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!d->qr)
		return cc_error_set(err, CC_USAGE,
				    "cannot make a QR code of '%s'", url);
	if (!(o = new_obj(d, err)))
		return err->code;
	d->qr_obj = o->num;
	side = d->qr->width + 2 * QUIET;
	row = (side + 7) / 8;
	o->is_stream = 1;
	cc_buf_printf(&o->dict,
		      "<< /Type /XObject /Subtype /Image /Width %d /Height %d "
		      "/ImageMask true /BitsPerComponent 1 /Decode [1 0] "
		      "/Interpolate false >>",
		      side, side);
	for (int y = 0; y < side; y++) {
		unsigned char bits[64] = {0};

		for (int x = 0; x < side; x++) {
			int mx = x - QUIET, my = y - QUIET;

			if (mx >= 0 && my >= 0 && mx < d->qr->width &&
			    my < d->qr->width &&
			    (d->qr->data[my * d->qr->width + mx] & 1))
				bits[x / 8] |= (unsigned char)(0x80 >> (x % 8));
		}
		cc_buf_put(&o->data, bits, (size_t)row);
	}
	return o->data.failed ? cc_error_set(err, CC_SYSTEM, "out of memory")
			      : CC_OK;
}

/* The side of the QR code, quiet zone included, in points. */
static double qr_side(const struct doc *d, double module)
{
	return (d->qr->width + 2 * QUIET) * module;
}

static void put_qr(struct cc_buf *b, double x, double y, double side)
{
	cc_buf_puts(b, "q 0 g ");
	cc_buf_num(b, side);
	cc_buf_puts(b, " 0 0 ");
	cc_buf_num(b, side);
	cc_buf_puts(b, " ");
	cc_buf_num(b, x);
	cc_buf_puts(b, " ");
	cc_buf_num(b, y);
	cc_buf_puts(b, " cm /Qr Do Q\n");
}

/* Text at x, y in size points, as large as size but no wider than maxw;
 * align 0 left, 1 centred on x. Returns the size used. */
static int text(struct doc *d, struct cc_buf *b, const char *s, double size,
		double x, double y, double maxw, int align,
		struct cc_error *err)
{
	double w = cc_font_width(d->font, s, size);

	if (w > maxw && w > 0) {
		size *= maxw / w;
		w = maxw;
	}
	if (align)
		x -= w / 2;
	cc_buf_puts(b, "BT /F1 ");
	cc_buf_num(b, size);
	cc_buf_puts(b, " Tf ");
	cc_buf_num(b, x);
	cc_buf_puts(b, " ");
	cc_buf_num(b, y);
	cc_buf_puts(b, " Td ");
	if (cc_font_show(d->font, s, size, b, err))
		return err->code;
	cc_buf_puts(b, " ET\n");
	return CC_OK;
}

/* The footer of page i of n on paper w wide, a rule along its top. */
static int footer(struct doc *d, const struct cc_print_facts *f,
		  const struct cc_print_opts *o, int i, int n, double w,
		  struct cc_buf *b, struct cc_error *err)
{
	double q = qr_side(d, CC_PRINT_MODULE), x = MARGIN,
	       tw = w - 2 * MARGIN - q - 6, y0 = FOOT_BOTTOM;
	double top = y0 + q + 4;
	char line[1024];
	int rc;

	/* The quiet zone is part of the margin. */
	put_qr(b, w - MARGIN - q + QUIET * CC_PRINT_MODULE, y0, q);
	snprintf(line, sizeof(line), "Mã tra cứu: %s", f->code);
	if ((rc = text(d, b, line, 10, x, y0 + q - 22, tw, 0, err)))
		return rc;
	snprintf(line, sizeof(line),
		 "Bản sao điện tử đã được chứng thực — tra cứu tại %s", o->url);
	if ((rc = text(d, b, line, 7.5, x, y0 + q - 34, tw, 0, err)))
		return rc;
	snprintf(line, sizeof(line),
		 "Số chứng thực: %lld · Quyển số: %s · Trang %d/%d", f->number,
		 f->book, i + 1, n);
	if ((rc = text(d, b, line, 7, x, y0 + q - 45, tw, 0, err)))
		return rc;
	cc_buf_puts(b, "q 0.6 G 0.5 w ");
	cc_buf_num(b, MARGIN);
	cc_buf_puts(b, " ");
	cc_buf_num(b, top);
	cc_buf_puts(b, " m ");
	cc_buf_num(b, w - MARGIN);
	cc_buf_puts(b, " ");
	cc_buf_num(b, top);
	cc_buf_puts(b, " l S Q\n");
	return CC_OK;
}

/* ---- the document ---- */

/* Objects 1 catalog, 2 page tree, 3 info; the font's six come next. */
static int start_doc(struct doc *d, const struct cc_print_opts *o,
		     int nfont[CC_FONT_NOBJ], struct cc_error *err)
{
	int rc;

	memset(d, 0, sizeof(*d));
	if ((rc = check_url(o->url, err)))
		return rc;
	d->font = cc_font_open(o->font, err);
	if (!d->font)
		return err->code;
	for (int i = 0; i < 3; i++)
		if (!new_obj(d, err))
			return err->code;
	cc_buf_puts(&d->objs[0].dict, "<< /Type /Catalog /Pages 2 0 R >>");
	cc_buf_puts(&d->objs[2].dict,
		    "<< /Producer (certcopy " CC_VERSION ") /Title ");
	cc_buf_pdf_text(&d->objs[2].dict,
			"Bản in bản sao điện tử có chứng thực");
	cc_buf_puts(&d->objs[2].dict, " >>");
	for (int i = 0; i < CC_FONT_NOBJ; i++) {
		struct cc_pdf_object *x = new_obj(d, err);

		if (!x)
			return err->code;
		nfont[i] = x->num;
	}
	return qr_image(d, o->url, err);
}

/* A page of w x h with content, the objects after it. */
static int add_page(struct doc *d, const int nfont[CC_FONT_NOBJ], double w,
		    double h, struct cc_buf *content, struct cc_error *err)
{
	struct cc_pdf_object *p, *c;

	/* Both made first: a new object may move the others. */
	if (!new_obj(d, err) || !new_obj(d, err))
		return err->code;
	p = &d->objs[d->n - 2];
	c = &d->objs[d->n - 1];
	cc_buf_printf(&p->dict,
		      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] "
		      "/Resources << /Font << /F1 %d 0 R >> /XObject << /Qr "
		      "%d 0 R >> >> /Contents %d 0 R >>",
		      w, h, nfont[CC_FONT_TYPE0], d->qr_obj, c->num);
	c->is_stream = 1;
	cc_buf_puts(&c->dict, "<< >>");
	c->data = *content;
	memset(content, 0, sizeof(*content));
	return CC_OK;
}

/* The font's objects in their places, the page tree, and the whole file
 * (classic cross-reference table) into out. */
static int finish_doc(struct doc *d, const int nfont[CC_FONT_NOBJ],
		      const int *pages, int npages, struct cc_buf *out,
		      struct cc_error *err)
{
	struct cc_pdf_object fo[CC_FONT_NOBJ];
	size_t *at, xref;
	int rc;

	if ((rc = cc_font_objects(d->font, nfont, fo, err)))
		return rc;
	for (int i = 0; i < CC_FONT_NOBJ; i++) {
		fo[i].num = nfont[i];
		cc_pdf_object_free(&d->objs[nfont[i] - 1]);
		d->objs[nfont[i] - 1] = fo[i];
	}
	cc_buf_puts(&d->objs[1].dict, "<< /Type /Pages /Kids [");
	for (int i = 0; i < npages; i++)
		cc_buf_printf(&d->objs[1].dict, " %d 0 R", pages[i]);
	cc_buf_printf(&d->objs[1].dict, " ] /Count %d >>", npages);
	at = calloc(d->n + 1, sizeof(*at));
	if (!at)
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	cc_buf_puts(out, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
	for (size_t i = 0; i < d->n; i++) {
		const struct cc_pdf_object *o = &d->objs[i];

		at[i] = out->len;
		cc_buf_printf(out, "%d 0 obj\n", o->num);
		if (o->is_stream && o->dict.len >= 2) {
			/* "<< /Length N" and the rest of the dictionary. */
			cc_buf_printf(out, "<< /Length %zu", o->data.len);
			cc_buf_put(out, o->dict.data + 2, o->dict.len - 2);
			cc_buf_puts(out, "\nstream\n");
			cc_buf_put(out, o->data.data, o->data.len);
			cc_buf_puts(out, "\nendstream");
		} else {
			cc_buf_put(out, o->dict.data, o->dict.len);
		}
		cc_buf_puts(out, "\nendobj\n");
	}
	xref = out->len;
	cc_buf_printf(out, "xref\n0 %zu\n0000000000 65535 f\r\n", d->n + 1);
	for (size_t i = 0; i < d->n; i++)
		cc_buf_printf(out, "%010zu 00000 n\r\n", at[i]);
	cc_buf_printf(out,
		      "trailer\n<< /Size %zu /Root 1 0 R /Info 3 0 R >>\n"
		      "startxref\n%zu\n%%%%EOF\n",
		      d->n + 1, xref);
	free(at);
	return out->failed ? cc_error_set(err, CC_SYSTEM, "out of memory")
			   : CC_OK;
}

static void free_doc(struct doc *d)
{
	cc_pdf_objects_free(d->objs, d->n);
	cc_font_close(d->font);
	QRcode_free(d->qr);
	memset(d, 0, sizeof(*d));
}

/* ---- the copy's pages, grafted ---- */

struct box {
	double x0, y0, x1, y1;
};

static int read_box(qpdf_data q, qpdf_oh arr, struct box *b)
{
	double v[4];

	if (!qpdf_oh_is_array(q, arr) || qpdf_oh_get_array_n_items(q, arr) != 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		qpdf_oh x = qpdf_oh_get_array_item(q, arr, i);

		if (!qpdf_oh_is_number(q, x))
			return -1;
		v[i] = qpdf_oh_get_numeric_value(q, x);
	}
	b->x0 = v[0] < v[2] ? v[0] : v[2];
	b->x1 = v[0] < v[2] ? v[2] : v[0];
	b->y0 = v[1] < v[3] ? v[1] : v[3];
	b->y1 = v[1] < v[3] ? v[3] : v[1];
	return b->x1 - b->x0 < 1 || b->y1 - b->y0 < 1 ? -1 : 0;
}

static qpdf_oh box_array(qpdf_data q, const struct box *b)
{
	qpdf_oh a = qpdf_oh_new_array(q);

	qpdf_oh_append_item(q, a, qpdf_oh_new_real_from_double(q, b->x0, 3));
	qpdf_oh_append_item(q, a, qpdf_oh_new_real_from_double(q, b->y0, 3));
	qpdf_oh_append_item(q, a, qpdf_oh_new_real_from_double(q, b->x1, 3));
	qpdf_oh_append_item(q, a, qpdf_oh_new_real_from_double(q, b->y1, 3));
	return a;
}

/* A shallow copy of a dictionary (a new empty one for anything else). */
static qpdf_oh dict_copy(qpdf_data q, qpdf_oh d)
{
	qpdf_oh c = qpdf_oh_new_dictionary(q);
	char *keys[512];
	int n = 0;

	if (!qpdf_oh_is_dictionary(q, d))
		return c;
	qpdf_oh_begin_dict_key_iter(q, d);
	while (qpdf_oh_dict_more_keys(q) && n < 512)
		if (!(keys[n] = strdup(qpdf_oh_dict_next_key(q))))
			break;
		else
			n++;
	for (int i = 0; i < n; i++) {
		qpdf_oh_replace_key(q, c, keys[i],
				    qpdf_oh_get_key(q, d, keys[i]));
		free(keys[i]);
	}
	return c;
}

/* The matrix that draws an annotation's appearance ap into its rectangle
 * (PDF 32000-1, 12.5.5): the appearance's box, through its /Matrix, onto
 * /Rect. -1 for an annotation to leave out. */
static int annot_matrix(qpdf_data q, qpdf_oh annot, qpdf_oh ap, double m[6])
{
	struct box r, bb;
	double fm[6] = {1, 0, 0, 1, 0, 0}, xs[4], ys[4], x0, x1, y0, y1;
	qpdf_oh mat = get(q, ap, "/Matrix");

	if (read_box(q, get(q, annot, "/Rect"), &r) ||
	    read_box(q, get(q, ap, "/BBox"), &bb))
		return -1;
	if (qpdf_oh_is_array(q, mat) && qpdf_oh_get_array_n_items(q, mat) == 6)
		for (int i = 0; i < 6; i++)
			fm[i] = qpdf_oh_get_numeric_value(
				q, qpdf_oh_get_array_item(q, mat, i));
	for (int i = 0; i < 4; i++) {
		double x = i & 1 ? bb.x1 : bb.x0, y = i & 2 ? bb.y1 : bb.y0;

		xs[i] = fm[0] * x + fm[2] * y + fm[4];
		ys[i] = fm[1] * x + fm[3] * y + fm[5];
	}
	x0 = x1 = xs[0];
	y0 = y1 = ys[0];
	for (int i = 1; i < 4; i++) {
		x0 = xs[i] < x0 ? xs[i] : x0;
		x1 = xs[i] > x1 ? xs[i] : x1;
		y0 = ys[i] < y0 ? ys[i] : y0;
		y1 = ys[i] > y1 ? ys[i] : y1;
	}
	if (x1 - x0 < 1e-3 || y1 - y0 < 1e-3)
		return -1;
	m[0] = (r.x1 - r.x0) / (x1 - x0);
	m[3] = (r.y1 - r.y0) / (y1 - y0);
	m[1] = m[2] = 0;
	m[4] = r.x0 - m[0] * x0;
	m[5] = r.y0 - m[3] * y0;
	return 0;
}

static void put_matrix(struct cc_buf *b, const double m[6])
{
	for (int i = 0; i < 6; i++) {
		cc_buf_num(b, m[i]);
		cc_buf_puts(b, " ");
	}
	cc_buf_puts(b, "cm ");
}

/* Draw the printable annotations of page into content, their appearances
 * named in xobjs. Hidden ones, ones without the print flag, and ones
 * without a normal appearance are left out, as a printer leaves them. */
static void flatten_annots(qpdf_data q, qpdf_oh page, qpdf_oh xobjs,
			   struct cc_buf *content)
{
	qpdf_oh annots = get(q, page, "/Annots");
	int n = qpdf_oh_is_array(q, annots)
			? qpdf_oh_get_array_n_items(q, annots)
			: 0;

	for (int i = 0, k = 0; i < n && i < 10000; i++) {
		qpdf_oh a = qpdf_oh_get_array_item(q, annots, i),
			ap = get(q, get(q, a, "/AP"), "/N"),
			fl = get(q, a, "/F");
		long long flags = qpdf_oh_is_integer(q, fl)
					  ? qpdf_oh_get_int_value(q, fl)
					  : 0;
		char name[32];
		double m[6];

		if ((flags & 2) || !(flags & 4))
			continue;
		if (qpdf_oh_is_dictionary(q, ap) &&
		    qpdf_oh_is_name(q, get(q, a, "/AS")))
			ap = get(q, ap, qpdf_oh_get_name(q, get(q, a, "/AS")));
		if (!qpdf_oh_is_stream(q, ap) || annot_matrix(q, a, ap, m))
			continue;
		do
			snprintf(name, sizeof(name), "/CcAnnot%d", k++);
		while (qpdf_oh_has_key(q, xobjs, name));
		qpdf_oh_replace_key(q, xobjs, name, ap);
		cc_buf_puts(content, "q ");
		put_matrix(content, m);
		cc_buf_printf(content, "%s Do Q\n", name);
	}
}

/* Page i of the copy, its box b, as a Form XObject in src, copied into
 * dst. */
static int page_form(qpdf_data src, qpdf_data dst, int i, const char *name,
		     const struct box *b, qpdf_oh *out, struct cc_error *err)
{
	qpdf_oh page = qpdf_get_page_n(src, (size_t)i), form, dict, res, xobjs;
	struct cc_buf content = {0};
	unsigned char *data = NULL;
	size_t len = 0;

	if (qpdf_oh_get_page_content_data(src, page, &data, &len) &
	    QPDF_ERRORS) {
		free(data);
		return cc_error_set(err, CC_INPUT,
				    "cannot read the content of page %d of "
				    "'%s': %s",
				    i + 1, name,
				    qpdf_get_error_message_detail(
					    src, qpdf_get_error(src)));
	}
	/* The page's own graphics state cannot leak into the annotations. */
	cc_buf_puts(&content, "q\n");
	cc_buf_put(&content, data, len);
	cc_buf_puts(&content, "\nQ\n");
	free(data);
	res = dict_copy(src, get(src, page, "/Resources"));
	xobjs = dict_copy(src, get(src, res, "/XObject"));
	flatten_annots(src, page, xobjs, &content);
	qpdf_oh_replace_key(src, res, "/XObject", xobjs);
	if (content.failed) {
		cc_buf_free(&content);
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	}
	form = qpdf_oh_new_stream(src);
	qpdf_oh_replace_stream_data(src, form, content.data, content.len,
				    qpdf_oh_new_null(src),
				    qpdf_oh_new_null(src));
	cc_buf_free(&content);
	dict = qpdf_oh_get_dict(src, form);
	qpdf_oh_replace_key(src, dict, "/Type",
			    qpdf_oh_new_name(src, "/XObject"));
	qpdf_oh_replace_key(src, dict, "/Subtype",
			    qpdf_oh_new_name(src, "/Form"));
	qpdf_oh_replace_key(src, dict, "/BBox", box_array(src, b));
	qpdf_oh_replace_key(src, dict, "/Resources", res);
	if (qpdf_oh_is_dictionary(src, get(src, page, "/Group")))
		qpdf_oh_replace_key(src, dict, "/Group",
				    get(src, page, "/Group"));
	*out = qpdf_oh_copy_foreign_object(dst, src, form);
	if (qpdf_has_error(src) || qpdf_has_error(dst))
		return cc_error_set(err, CC_INPUT,
				    "cannot copy page %d of '%s'", i + 1, name);
	return CC_OK;
}

/* Where page i of the copy goes on the paper: its box as shown (after
 * /Rotate) and the paper's orientation. */
struct place {
	struct box b;
	int rotate;    /* 0, 90, 180, 270 */
	double dw, dh; /* shown size */
};

static void page_place(qpdf_data src, int i, struct place *p)
{
	qpdf_oh page = qpdf_get_page_n(src, (size_t)i),
		r = get(src, page, "/Rotate");
	struct box cb;

	if (read_box(src, get(src, page, "/MediaBox"), &p->b))
		p->b = (struct box){0, 0, 595.28, 841.89};
	if (!read_box(src, get(src, page, "/CropBox"), &cb) &&
	    cb.x0 < p->b.x1 && cb.y0 < p->b.y1 && cb.x1 > p->b.x0 &&
	    cb.y1 > p->b.y0) {
		p->b.x0 = cb.x0 > p->b.x0 ? cb.x0 : p->b.x0;
		p->b.y0 = cb.y0 > p->b.y0 ? cb.y0 : p->b.y0;
		p->b.x1 = cb.x1 < p->b.x1 ? cb.x1 : p->b.x1;
		p->b.y1 = cb.y1 < p->b.y1 ? cb.y1 : p->b.y1;
	}
	p->rotate =
		qpdf_oh_is_integer(src, r)
			? (int)(((qpdf_oh_get_int_value(src, r) % 360) + 360) %
				360)
			: 0;
	if (p->rotate % 90)
		p->rotate = 0;
	p->dw = p->b.x1 - p->b.x0;
	p->dh = p->b.y1 - p->b.y0;
	if (p->rotate == 90 || p->rotate == 270) {
		double t = p->dw;

		p->dw = p->dh;
		p->dh = t;
	}
}

/* The content that shows the copy's page (its form /Pg) at scale s with
 * its shown box's lower left corner at x, y. */
static void show_page(const struct place *p, double s, double x, double y,
		      struct cc_buf *b)
{
	const struct box *k = &p->b;
	double m[6];

	switch (p->rotate) {
	case 90:
		m[0] = 0, m[1] = -1, m[2] = 1, m[3] = 0, m[4] = -k->y0,
		m[5] = k->x1;
		break;
	case 180:
		m[0] = -1, m[1] = 0, m[2] = 0, m[3] = -1, m[4] = k->x1,
		m[5] = k->y1;
		break;
	case 270:
		m[0] = 0, m[1] = 1, m[2] = -1, m[3] = 0, m[4] = k->y1,
		m[5] = -k->x0;
		break;
	default:
		m[0] = 1, m[1] = 0, m[2] = 0, m[3] = 1, m[4] = -k->x0,
		m[5] = -k->y0;
	}
	for (int i = 0; i < 6; i++)
		m[i] *= s;
	m[4] += x;
	m[5] += y;
	cc_buf_puts(b, "q ");
	put_matrix(b, m);
	cc_buf_puts(b, "/Pg Do Q\n");
}

/* The scale (at most 1) that fits the page shown as p on paper w x h,
 * above the footer. */
static double fit(const struct doc *d, const struct place *p, double w,
		  double h)
{
	double aw = w - 2 * MARGIN,
	       ah = h - MARGIN -
		    (FOOT_BOTTOM + qr_side(d, CC_PRINT_MODULE) + 4 + GAP),
	       s = aw / p->dw < ah / p->dh ? aw / p->dw : ah / p->dh;

	return s > 1 ? 1 : s;
}

/* dst's bytes written by qpdf into out. */
static int write_out(qpdf_data dst, struct cc_buf *out, struct cc_error *err)
{
	if ((qpdf_init_write_memory(dst) & QPDF_ERRORS))
		goto fail;
	qpdf_set_deterministic_ID(dst, 1);
	qpdf_set_object_stream_mode(dst, qpdf_o_disable);
	if (qpdf_write(dst) & QPDF_ERRORS)
		goto fail;
	cc_buf_put(out, qpdf_get_buffer(dst), qpdf_get_buffer_length(dst));
	return out->failed ? cc_error_set(err, CC_SYSTEM, "out of memory")
			   : CC_OK;
fail:
	return cc_error_set(
		err, CC_INPUT, "cannot write the print-out: %s",
		qpdf_get_error_message_detail(dst, qpdf_get_error(dst)));
}

int cc_print_copy(const unsigned char *pdf, size_t len, const char *name,
		  const struct cc_print_facts *f, const struct cc_print_opts *o,
		  struct cc_buf *out, struct cc_error *err)
{
	struct doc d;
	struct cc_media m;
	struct cc_buf skel = {0};
	qpdf_data src = NULL, dst = NULL;
	struct place *pl = NULL;
	int nfont[CC_FONT_NOBJ], *pages = NULL, n = 0, rc;

	if ((rc = cc_media_find(o->media, &m, err)))
		return rc;
	if ((rc = start_doc(&d, o, nfont, err)) ||
	    (rc = qpdf_open(&src, pdf, len, name, err)))
		goto out;
	if (qpdf_push_inherited_attributes_to_page(src) & QPDF_ERRORS ||
	    (n = qpdf_get_num_pages(src)) <= 0) {
		rc = cc_error_set(err, CC_INPUT,
				  "cannot read the pages of '%s'", name);
		goto out;
	}
	pages = calloc((size_t)n, sizeof(*pages));
	pl = calloc((size_t)n, sizeof(*pl));
	if (!pages || !pl) {
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	for (int i = 0; i < n; i++) {
		struct cc_buf c = {0};
		struct place p;
		double w = m.w, h = m.h, s;

		page_place(src, i, &p);
		pl[i] = p;
		/* Portrait, unless the page shows larger across. */
		if (fit(&d, &p, m.w, m.h) < fit(&d, &p, m.h, m.w)) {
			w = m.h;
			h = m.w;
		}
		s = fit(&d, &p, w, h);
		if ((rc = footer(&d, f, o, i, n, w, &c, err))) {
			cc_buf_free(&c);
			goto out;
		}
		/* Centred across, at the top. */
		show_page(&p, s, (w - s * p.dw) / 2, h - MARGIN - s * p.dh, &c);
		pages[i] = (int)d.n + 1;
		if ((rc = add_page(&d, nfont, w, h, &c, err)))
			goto out;
	}
	if ((rc = finish_doc(&d, nfont, pages, n, &skel, err)) ||
	    (rc = qpdf_open(&dst, skel.data, skel.len, "print-out", err)))
		goto out;
	for (int i = 0; i < n; i++) {
		qpdf_oh form = 0, xo;

		if ((rc = page_form(src, dst, i, name, &pl[i].b, &form, err)))
			goto out;
		xo = get(
			dst,
			get(dst, qpdf_get_page_n(dst, (size_t)i), "/Resources"),
			"/XObject");
		qpdf_oh_replace_key(dst, xo, "/Pg", form);
	}
	rc = write_out(dst, out, err);
out:
	free(pages);
	free(pl);
	qpdf_close(&dst);
	qpdf_close(&src);
	cc_buf_free(&skel);
	free_doc(&d);
	return rc;
}

/* ---- the receipt ---- */

int cc_print_receipt(const struct cc_print_facts *f,
		     const struct cc_print_opts *o, struct cc_buf *out,
		     struct cc_error *err)
{
	static const char *const months[] = {"",   "01", "02", "3", "4",
					     "5",  "6",	 "7",  "8", "9",
					     "10", "11", "12"};
	struct doc d;
	struct cc_media m;
	struct cc_buf c = {0}, skel = {0};
	qpdf_data dst = NULL;
	char line[1024], fee[40];
	double w, h, x, cw, y, q;
	int nfont[CC_FONT_NOBJ], page, rc;

	if ((rc = cc_media_find(o->media, &m, err)))
		return rc;
	if ((rc = start_doc(&d, o, nfont, err)))
		goto out;
	w = m.w;
	h = m.h;
	x = 0.12 * w;
	cw = w - 2 * x;
	y = h - 0.08 * h;
	amount(fee, sizeof(fee), o->fee);
#define LINE(size, centre, gap, ...)                                           \
	do {                                                                   \
		snprintf(line, sizeof(line), __VA_ARGS__);                     \
		y -= (gap);                                                    \
		if ((rc = text(&d, &c, line, size, centre ? w / 2 : x, y, cw,  \
			       centre, err)))                                  \
			goto out;                                              \
	} while (0)
	LINE(11, 1, 0, "%s", o->office && *o->office ? o->office : "");
	LINE(15, 1, 30, "BIÊN NHẬN BẢN SAO ĐIỆN TỬ CÓ CHỨNG THỰC");
	if (f->year)
		LINE(11, 0, 40, "Ngày chứng thực: ngày %02d tháng %s năm %04d",
		     f->day, months[f->month], f->year);
	else
		y -= 40 - 18;
	LINE(11, 0, 18, "Số chứng thực: %lld     Quyển số: %s", f->number,
	     f->book);
	LINE(11, 0, 18, "Người thực hiện chứng thực: %s", f->certifier);
	LINE(11, 0, 18, "Bản sao gồm %d trang; lệ phí: %s đồng", f->pages, fee);
	LINE(11, 1, 40, "Mã tra cứu");
	LINE(28, 1, 36, "%s", f->code);
	q = qr_side(&d, 0.28 * w / (d.qr->width + 2 * QUIET));
	y -= 16 + q;
	put_qr(&c, (w - q) / 2, y, q);
	LINE(10, 1, 18, "Quét mã QR, hoặc mở địa chỉ:");
	LINE(10, 1, 15, "%s", o->url);
	if (o->base && *o->base)
		LINE(10, 1, 15, "(hoặc nhập mã tra cứu tại %s)", o->base);
	LINE(9, 1, 30, "Bản sao điện tử đã được chứng thực — tra cứu tại %s",
	     o->url);
#undef LINE
	page = (int)d.n + 1;
	if ((rc = add_page(&d, nfont, w, h, &c, err)) ||
	    (rc = finish_doc(&d, nfont, &page, 1, &skel, err)) ||
	    (rc = qpdf_open(&dst, skel.data, skel.len, "receipt", err)))
		goto out;
	rc = write_out(dst, out, err);
out:
	qpdf_close(&dst);
	cc_buf_free(&skel);
	cc_buf_free(&c);
	free_doc(&d);
	return rc;
}
