/*
 * test-pdfdiff.c - changes after signing. A small two-page document with
 * a signed and an unsigned signature field and a text field is the signed
 * revision; each test appends one incremental update (an xref table, or an
 * xref stream) made the way an attacker or an honest signer would, and
 * checks what cc_pdf_diff finds and whether it allows it. Last, a copy
 * certified by our own cc-sign --statement and cc-stamp: the seal's update
 * must be allowed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "pdfdiff.h"
#include "sigstruct.h"
#include "tooltest.h"

#define MAXOBJ 64

/* A PDF written revision by revision. */
struct doc {
	struct cc_buf b;
	size_t off[MAXOBJ]; /* this revision's objects; 1 marks a freed one */
	int size;	    /* the trailer's /Size */
	size_t prev;	    /* the last xref section, 0 before the first */
	size_t signed_len;  /* the end of the first revision */
};

static void obj(struct doc *d, int num, const char *text)
{
	assert_true(num > 0 && num < MAXOBJ);
	d->off[num] = d->b.len;
	cc_buf_printf(&d->b, "%d 0 obj\n%s\nendobj\n", num, text);
	if (num >= d->size)
		d->size = num + 1;
}

/* dict is "<< ... >>" without /Length. */
static void stream(struct doc *d, int num, const char *dict, const char *data)
{
	size_t dl = strlen(dict);

	assert_true(num > 0 && num < MAXOBJ && dl >= 4);
	d->off[num] = d->b.len;
	cc_buf_printf(&d->b, "%d 0 obj\n", num);
	cc_buf_put(&d->b, dict, dl - 2);
	cc_buf_printf(&d->b, "/Length %zu >>\nstream\n%s\nendstream\nendobj\n",
		      strlen(data), data);
	if (num >= d->size)
		d->size = num + 1;
}

/* The xref table and trailer of the revision (objects written since the
 * last one, and those freed), ending it. */
static void end_table(struct doc *d, const char *extra)
{
	size_t x = d->b.len;

	cc_buf_puts(&d->b, "xref\n");
	if (!d->prev)
		cc_buf_puts(&d->b, "0 1\n0000000000 65535 f \n");
	for (int i = 1; i < MAXOBJ; i++) {
		if (!d->off[i])
			continue;
		cc_buf_printf(&d->b, "%d 1\n", i);
		if (d->off[i] == 1)
			cc_buf_puts(&d->b, "0000000000 00001 f \n");
		else
			cc_buf_printf(&d->b, "%010zu 00000 n \n", d->off[i]);
	}
	cc_buf_printf(&d->b, "trailer\n<< /Size %d /Root 1 0 R /Info 14 0 R",
		      d->size);
	if (d->prev)
		cc_buf_printf(&d->b, " /Prev %zu", d->prev);
	cc_buf_printf(&d->b, "%s >>\nstartxref\n%zu\n%%%%EOF\n",
		      extra ? extra : "", x);
	d->prev = x;
	memset(d->off, 0, sizeof(d->off));
	assert_false(d->b.failed);
}

/* The same as a cross-reference stream, object num. */
static void end_stream(struct doc *d, int num)
{
	struct cc_buf data = {0}, index = {0};
	size_t x = d->b.len;

	d->off[num] = x;
	if (num >= d->size)
		d->size = num + 1;
	if (!d->prev) {
		cc_buf_puts(&index, "0 1 ");
		cc_buf_put(&data, "\0\0\0\0\0\xff\xff", 7);
	}
	for (int i = 1; i < MAXOBJ; i++) {
		unsigned char e[7] = {1, 0, 0, 0, 0, 0, 0};
		size_t o = d->off[i];

		if (!o)
			continue;
		cc_buf_printf(&index, "%d 1 ", i);
		if (o == 1) {
			e[0] = 0;
			e[6] = 1;
		} else {
			for (int k = 0; k < 4; k++)
				e[1 + k] = (unsigned char)(o >> (8 * (3 - k)));
		}
		cc_buf_put(&data, e, 7);
	}
	cc_buf_printf(&d->b,
		      "%d 0 obj\n<< /Type /XRef /Size %d /Root 1 0 R /Info "
		      "14 0 R /W [1 4 2] /Index [",
		      num, d->size);
	cc_buf_put(&d->b, index.data, index.len);
	if (d->prev)
		cc_buf_printf(&d->b, "] /Prev %zu", d->prev);
	else
		cc_buf_puts(&d->b, "]");
	cc_buf_printf(&d->b, " /Length %zu >>\nstream\n", data.len);
	cc_buf_put(&d->b, data.data, data.len);
	cc_buf_printf(&d->b, "\nendstream\nendobj\nstartxref\n%zu\n%%%%EOF\n",
		      x);
	d->prev = x;
	memset(d->off, 0, sizeof(d->off));
	cc_buf_free(&data);
	cc_buf_free(&index);
	assert_false(d->b.failed);
}

#define PAGE1                                                                  \
	"<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font "    \
	"<< /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> /Annots [7 0 R 9 0 R "   \
	"11 0 R%s] >>"
#define FIELD9                                                                 \
	"<< /Type /Annot /Subtype /Widget /FT /Sig /T (OfficeSeal) /F 132 "    \
	"/P 3 0 R /Rect [100 100 180 150]%s >>"
#define FIELDS "<< /Fields [7 0 R 9 0 R 11 0 R%s] /SigFlags 3 >>"

/* The signed revision: two pages (the MediaBox inherited), Signature1
 * signed, OfficeSeal empty, a text field; /XRef streams when xs. */
static void base(struct doc *d, int xs)
{
	char t[512];

	memset(d, 0, sizeof(*d));
	cc_buf_puts(&d->b, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
	obj(d, 1, "<< /Type /Catalog /Pages 2 0 R /AcroForm 8 0 R >>");
	obj(d, 2,
	    "<< /Type /Pages /Kids [3 0 R 12 0 R] /Count 2 /MediaBox [0 0 "
	    "200 200] >>");
	snprintf(t, sizeof(t), PAGE1, "");
	obj(d, 3, t);
	stream(d, 4, "<< >>", "BT /F1 12 Tf 10 10 Td (Hello) Tj ET /Im1 Do");
	obj(d, 5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
	stream(d, 6,
	       "<< /Type /XObject /Subtype /Image /Width 1 /Height 1 "
	       "/ColorSpace /DeviceGray /BitsPerComponent 8 >>",
	       "A");
	obj(d, 7,
	    "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) /V 10 "
	    "0 R /F 132 /P 3 0 R /Rect [0 0 0 0] >>");
	snprintf(t, sizeof(t), FIELDS, "");
	obj(d, 8, t);
	snprintf(t, sizeof(t), FIELD9, "");
	obj(d, 9, t);
	obj(d, 10,
	    "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter "
	    "/ETSI.CAdES.detached /ByteRange [0 0 0 0] /Contents <00> >>");
	obj(d, 11,
	    "<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /V (Alice) "
	    "/P 3 0 R /Rect [10 150 90 170] >>");
	obj(d, 12,
	    "<< /Type /Page /Parent 2 0 R /Contents 13 0 R /Resources << "
	    "/Font << /F1 5 0 R >> >> >>");
	stream(d, 13, "<< >>", "BT /F1 12 Tf 10 10 Td (Page two) Tj ET");
	obj(d, 14, "<< /Producer (test) >>");
	if (xs)
		end_stream(d, 15);
	else
		end_table(d, NULL);
	d->signed_len = d->b.len;
}

/* The diff of d at P docmdp, which must be readable. */
static void diff(struct doc *d, int docmdp, struct cc_pdf_diff *out)
{
	struct cc_error err = {0, ""};
	int rc = cc_pdf_diff(d->b.data, d->b.len, d->signed_len, docmdp, out,
			     &err);

	if (rc != CC_OK)
		print_message("cc_pdf_diff: %d %s\n", rc, err.msg);
	assert_int_equal(rc, CC_OK);
	for (size_t i = 0; i < out->n; i++)
		print_message("  %s %s\n", out->change[i].allowed ? "+" : "-",
			      out->change[i].what);
}

/* One change is "what" (a part of its text), allowed or not. */
static void has(const struct cc_pdf_diff *r, const char *what, int allowed)
{
	for (size_t i = 0; i < r->n; i++)
		if (strstr(r->change[i].what, what)) {
			assert_int_equal(r->change[i].allowed, allowed);
			return;
		}
	print_message("no change '%s'\n", what);
	fail();
}

/* The update is allowed at P docmdp. */
static void expect_ok(struct doc *d, int docmdp, const char *what)
{
	struct cc_pdf_diff r;

	diff(d, docmdp, &r);
	assert_true(r.ok);
	assert_string_equal(r.problem, "");
	if (what)
		has(&r, what, 1);
	cc_pdf_diff_free(&r);
}

/* The update is not allowed at P docmdp; problem starts with what. */
static void expect_bad(struct doc *d, int docmdp, const char *what)
{
	struct cc_pdf_diff r;

	diff(d, docmdp, &r);
	assert_false(r.ok);
	has(&r, what, 0);
	assert_non_null(strstr(r.problem, " after the signature"));
	cc_pdf_diff_free(&r);
}

static void test_unchanged(void **state)
{
	struct doc d;
	struct cc_pdf_diff r;

	(void)state;
	base(&d, 0);
	diff(&d, 2, &r); /* nothing after the signed revision */
	assert_true(r.ok);
	assert_int_equal(r.n, 0);
	cc_pdf_diff_free(&r);
	obj(&d, 5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
	end_table(&d, NULL); /* an object written again as it was */
	diff(&d, 1, &r);
	assert_true(r.ok);
	assert_int_equal(r.n, 0);
	cc_pdf_diff_free(&r);
	cc_buf_free(&d.b);
}

static void test_dss(void **state)
{
	struct doc d;

	(void)state;
	for (int xs = 0; xs < 2; xs++) {
		base(&d, xs);
		obj(&d, 1,
		    "<< /Type /Catalog /Pages 2 0 R /AcroForm 8 0 R /DSS 20 0 "
		    "R >>");
		obj(&d, 20, "<< /Type /DSS /Certs [21 0 R] >>");
		stream(&d, 21, "<< >>", "certificate");
		if (xs)
			end_stream(&d, 22);
		else
			end_table(&d, NULL);
		expect_ok(&d, 1, "catalog: /DSS added (validation data)");
		/* and the DSS grows in place later */
		d.signed_len = d.b.len;
		obj(&d, 20, "<< /Type /DSS /Certs [21 0 R 23 0 R] >>");
		stream(&d, 23, "<< >>", "another certificate");
		if (xs)
			end_stream(&d, 24);
		else
			end_table(&d, NULL);
		expect_ok(&d, 2, "object 20 0 (DSS) changed (validation data)");
		cc_buf_free(&d.b);
	}
}

/* A new signature field 20, its widget on page 1 (in /Annots). */
static void new_sig_field(struct doc *d, const char *widget)
{
	char t[512];

	obj(d, 20, widget);
	snprintf(t, sizeof(t), PAGE1, " 20 0 R");
	obj(d, 3, t);
	snprintf(t, sizeof(t), FIELDS, " 20 0 R");
	obj(d, 8, t);
}

static void test_new_invisible_sig_field(void **state)
{
	struct doc d;

	(void)state;
	base(&d, 0);
	new_sig_field(&d, "<< /Type /Annot /Subtype /Widget /FT /Sig /T "
			  "(Signature2) /F 132 /P 3 0 R /Rect [0 0 0 0] >>");
	end_table(&d, NULL);
	expect_ok(&d, 2,
		  "page 1: new invisible signature widget 'Signature2' "
		  "(zero-area /Rect)");
	expect_ok(&d, 2, "AcroForm: new signature field 'Signature2'");
	/* P=1: only a document time-stamp */
	expect_bad(&d, 1, "new signature field 'Signature2' at DocMDP P=1");
	cc_buf_free(&d.b);

	base(&d, 1);
	obj(&d, 21, "<< /Type /DocTimeStamp /SubFilter /ETSI.RFC3161 >>");
	new_sig_field(&d, "<< /Type /Annot /Subtype /Widget /FT /Sig /T "
			  "(Signature2) /V 21 0 R /F 6 /P 3 0 R /Rect [0 0 50 "
			  "50] >>");
	end_stream(&d, 22);
	expect_ok(&d, 1,
		  "new invisible signature widget 'Signature2' (hidden)");
	cc_buf_free(&d.b);
}

static void test_seal_in_existing_field(void **state)
{
	struct doc d;
	char t[512];

	(void)state;
	base(&d, 0);
	snprintf(t, sizeof(t), FIELD9, " /V 20 0 R /AP << /N 21 0 R >>");
	obj(&d, 9, t);
	obj(&d, 20, "<< /Type /Sig /SubFilter /ETSI.CAdES.detached >>");
	stream(&d, 21, "<< /Type /XObject /Subtype /Form /BBox [0 0 80 50] >>",
	       "0 0 1 rg 0 0 80 50 re f");
	end_table(&d, NULL);
	expect_ok(&d, 2, "signature field 'OfficeSeal': signed");
	expect_ok(&d, 2, "signature field 'OfficeSeal': new appearance");
	expect_bad(&d, 1, "signature field 'OfficeSeal': signed at DocMDP P=1");
	cc_buf_free(&d.b);

	/* the rectangle of the seal moves: no */
	base(&d, 0);
	obj(&d, 9,
	    "<< /Type /Annot /Subtype /Widget /FT /Sig /T (OfficeSeal) /F 132 "
	    "/P 3 0 R /Rect [0 0 200 200] /V 20 0 R >>");
	obj(&d, 20, "<< /Type /Sig >>");
	end_table(&d, NULL);
	expect_bad(&d, 2, "signature field 'OfficeSeal': /Rect changed");
	cc_buf_free(&d.b);

	/* an appearance without a signature: no */
	base(&d, 0);
	snprintf(t, sizeof(t), FIELD9, " /AP << /N 21 0 R >>");
	obj(&d, 9, t);
	stream(&d, 21, "<< /Type /XObject /Subtype /Form /BBox [0 0 80 50] >>",
	       "0 0 1 rg 0 0 80 50 re f");
	end_table(&d, NULL);
	expect_bad(&d, 3, "'OfficeSeal': /AP added without a signature");
	cc_buf_free(&d.b);
}

static void test_signed_field_changed(void **state)
{
	struct doc d;

	(void)state;
	base(&d, 0);
	obj(&d, 7,
	    "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) /V 20 "
	    "0 R /F 132 /P 3 0 R /Rect [0 0 0 0] >>");
	obj(&d, 20, "<< /Type /Sig >>");
	end_table(&d, NULL);
	expect_bad(&d, 3, "signature field 'Signature1': /V changed");
	cc_buf_free(&d.b);

	/* the signature dictionary itself, in place */
	base(&d, 0);
	obj(&d, 10, "<< /Type /Sig /ByteRange [0 1 2 3] /Contents <00> >>");
	end_table(&d, NULL);
	expect_bad(&d, 3, "object 10 0 (signature field 'Signature1') changed");
	cc_buf_free(&d.b);
}

static void test_page_content(void **state)
{
	struct doc d;

	(void)state;
	for (int xs = 0; xs < 2; xs++) {
		base(&d, xs);
		obj(&d, 3,
		    "<< /Type /Page /Parent 2 0 R /Contents 20 0 R /Resources "
		    "<< /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> "
		    "/Annots [7 0 R 9 0 R 11 0 R] >>");
		stream(&d, 20, "<< >>", "BT /F1 12 Tf 10 10 Td (Evil) Tj ET");
		if (xs)
			end_stream(&d, 21);
		else
			end_table(&d, NULL);
		expect_bad(&d, 3, "page 1: /Contents changed");
		{
			struct cc_pdf_diff r;

			diff(&d, 2, &r);
			assert_string_equal(r.problem,
					    "page 1: /Contents changed after "
					    "the signature");
			cc_pdf_diff_free(&r);
		}
		cc_buf_free(&d.b);
	}

	/* the same object, other data */
	base(&d, 0);
	stream(&d, 4, "<< >>", "BT /F1 12 Tf 10 10 Td (Evil!) Tj ET /Im1 Do");
	end_table(&d, NULL);
	expect_bad(&d, 3, "object 4 0 (content of page 1) changed");
	cc_buf_free(&d.b);
}

static void test_pages_added_removed(void **state)
{
	struct doc d;

	(void)state;
	base(&d, 0);
	obj(&d, 2,
	    "<< /Type /Pages /Kids [3 0 R 12 0 R 20 0 R] /Count 3 /MediaBox "
	    "[0 0 200 200] >>");
	obj(&d, 20,
	    "<< /Type /Page /Parent 2 0 R /Contents 13 0 R /Resources << >> "
	    ">>");
	end_table(&d, NULL);
	expect_bad(&d, 3, "page 3 added (2 pages signed, 3 now)");
	cc_buf_free(&d.b);

	base(&d, 0);
	obj(&d, 2,
	    "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 200 200] "
	    ">>");
	end_table(&d, NULL);
	expect_bad(&d, 3, "page 2 removed (2 pages signed, 1 now)");
	cc_buf_free(&d.b);

	/* an inherited attribute of the pages */
	base(&d, 0);
	obj(&d, 2,
	    "<< /Type /Pages /Kids [3 0 R 12 0 R] /Count 2 /MediaBox [0 0 "
	    "100 100] >>");
	end_table(&d, NULL);
	expect_bad(&d, 3, "page 1: inherited /MediaBox changed");
	cc_buf_free(&d.b);
}

static void test_resources(void **state)
{
	struct doc d;

	(void)state;
	base(&d, 0); /* a font swapped for another object */
	obj(&d, 3,
	    "<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font "
	    "<< /F1 20 0 R >> /XObject << /Im1 6 0 R >> >> /Annots [7 0 R 9 0 "
	    "R 11 0 R] >>");
	obj(&d, 20, "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>");
	end_table(&d, NULL);
	expect_bad(&d, 3, "page 1: /Resources changed");
	cc_buf_free(&d.b);

	base(&d, 0); /* a font changed in place */
	obj(&d, 5, "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>");
	end_table(&d, NULL);
	expect_bad(&d, 3, "object 5 0 (font /F1 of page 1) changed");
	cc_buf_free(&d.b);

	base(&d, 1); /* an image changed in place */
	stream(&d, 6,
	       "<< /Type /XObject /Subtype /Image /Width 1 /Height 1 "
	       "/ColorSpace /DeviceGray /BitsPerComponent 8 >>",
	       "B");
	end_stream(&d, 20);
	expect_bad(&d, 3, "object 6 0 (XObject /Im1 of page 1) changed");
	cc_buf_free(&d.b);
}

static void test_annotations(void **state)
{
	struct doc d;
	char t[512];

	(void)state;
	base(&d, 0);
	obj(&d, 20,
	    "<< /Type /Annot /Subtype /Square /Rect [0 0 200 200] /IC [1 1 "
	    "1] >>");
	snprintf(t, sizeof(t), PAGE1, " 20 0 R");
	obj(&d, 3, t);
	end_table(&d, NULL);
	expect_bad(&d, 2, "page 1: new annotation /Square");
	expect_bad(&d, 0, "page 1: new annotation /Square");
	expect_ok(&d, 3,
		  "page 1: new annotation /Square (annotations, DocMDP P=3)");
	/* and then changed in place */
	d.signed_len = d.b.len;
	obj(&d, 20,
	    "<< /Type /Annot /Subtype /Square /Rect [0 0 100 100] /IC [1 1 "
	    "1] >>");
	end_table(&d, NULL);
	expect_ok(&d, 3, "object 20 0 (annotation /Square on page 1) changed");
	expect_bad(&d, 2, "object 20 0 (annotation /Square on page 1) changed");
	cc_buf_free(&d.b);
}

static void test_sneaky_signature(void **state)
{
	struct doc d;

	(void)state;
	base(&d, 0);
	new_sig_field(&d, "<< /Type /Annot /Subtype /Widget /FT /Sig /T "
			  "(Sneaky) /F 4 /P 3 0 R /Rect [0 0 200 200] /AP << "
			  "/N 21 0 R >> >>");
	stream(&d, 21,
	       "<< /Type /XObject /Subtype /Form /BBox [0 0 200 200] >>",
	       "1 1 1 rg 0 0 200 200 re f");
	end_table(&d, NULL);
	expect_bad(&d, 3,
		   "page 1: new visible signature widget 'Sneaky' may paint "
		   "over signed content");
	cc_buf_free(&d.b);

	/* the same with an appearance that paints nothing */
	base(&d, 0);
	new_sig_field(&d, "<< /Type /Annot /Subtype /Widget /FT /Sig /T "
			  "(Quiet) /F 4 /P 3 0 R /Rect [0 0 200 200] /AP << "
			  "/N 21 0 R >> >>");
	stream(&d, 21,
	       "<< /Type /XObject /Subtype /Form /BBox [0 0 200 200] >>",
	       " \n");
	end_table(&d, NULL);
	expect_ok(&d, 2,
		  "new invisible signature widget 'Quiet' (empty "
		  "appearance)");
	cc_buf_free(&d.b);

	/* a new text field: no */
	base(&d, 0);
	new_sig_field(&d, "<< /Type /Annot /Subtype /Widget /FT /Tx /T (x) "
			  "/V (y) /P 3 0 R /Rect [0 0 0 0] >>");
	end_table(&d, NULL);
	expect_bad(&d, 3, "AcroForm: new field 'x'");
	cc_buf_free(&d.b);
}

static void test_form_filling(void **state)
{
	struct doc d;

	(void)state;
	base(&d, 0);
	obj(&d, 11,
	    "<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /V (Mallory) "
	    "/P 3 0 R /Rect [10 150 90 170] >>");
	end_table(&d, NULL);
	expect_ok(&d, 2, "field 'name': /V changed (form filling, DocMDP P=2)");
	expect_ok(&d, 0,
		  "field 'name': /V changed (form filling; no "
		  "certification signature, taken as P=2)");
	expect_bad(&d, 1, "field 'name': /V changed");
	cc_buf_free(&d.b);

	base(&d, 0); /* its rectangle: no */
	obj(&d, 11,
	    "<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /V (Alice) "
	    "/P 3 0 R /Rect [0 0 200 200] >>");
	end_table(&d, NULL);
	expect_bad(&d, 3, "field 'name': /Rect changed");
	cc_buf_free(&d.b);
}

static void test_catalog(void **state)
{
	struct doc d;

	(void)state;
	base(&d, 0);
	obj(&d, 1,
	    "<< /Type /Catalog /Pages 2 0 R /AcroForm 8 0 R /OpenAction << "
	    "/S /JavaScript /JS (app.alert(1)) >> >>");
	end_table(&d, NULL);
	expect_bad(&d, 3, "catalog: /OpenAction added");
	cc_buf_free(&d.b);

	base(&d, 0);
	obj(&d, 14, "<< /Producer (evil) >>");
	end_table(&d, NULL);
	expect_bad(&d, 3, "object 14 0 (document information) changed");
	cc_buf_free(&d.b);

	base(&d, 0); /* the AcroForm gains JavaScript */
	obj(&d, 8, "<< /Fields [7 0 R 9 0 R 11 0 R] /SigFlags 3 /XFA (x) >>");
	end_table(&d, NULL);
	expect_bad(&d, 3, "AcroForm: /XFA added");
	cc_buf_free(&d.b);
}

static void test_freed(void **state)
{
	struct doc d;

	(void)state;
	base(&d, 0);
	d.off[13] = 1; /* page 2's content freed */
	end_table(&d, NULL);
	expect_bad(&d, 3, "object 13 0 (content of page 2) removed");
	cc_buf_free(&d.b);
}

/* A reference to an object the signed revision lacks, filled in later:
 * a shadow attack through an object that never changed. */
static void test_dangling(void **state)
{
	struct doc d;

	(void)state;
	memset(&d, 0, sizeof(d));
	cc_buf_puts(&d.b, "%PDF-1.7\n");
	obj(&d, 1, "<< /Type /Catalog /Pages 2 0 R >>");
	obj(&d, 2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
	obj(&d, 3,
	    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents "
	    "[4 0 R 5 0 R] >>");
	stream(&d, 4, "<< >>", "BT ET");
	for (int i = 6; i <= 14; i++)
		obj(&d, i, "null");
	end_table(&d, NULL);
	d.signed_len = d.b.len;
	stream(&d, 5, "<< >>", "BT /F1 12 Tf (Revealed) Tj ET");
	end_table(&d, NULL);
	expect_bad(&d, 3,
		   "object 5 0 (content of page 1) defined after "
		   "signing");
	cc_buf_free(&d.b);
}

static void test_bad_input(void **state)
{
	struct doc d;
	struct cc_pdf_diff r;
	struct cc_error err = {0, ""};
	unsigned char *p;

	(void)state;
	base(&d, 0);
	assert_int_equal(
		cc_pdf_diff(d.b.data, d.b.len, d.b.len + 1, 2, &r, &err),
		CC_USAGE);
	assert_int_equal(cc_pdf_diff(d.b.data, d.b.len, d.b.len, 4, &r, &err),
			 CC_USAGE);
	assert_false(r.ok);
	obj(&d, 5, "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>");
	end_table(&d, NULL);
	/* the update's xref points beside its object: qpdf would repair */
	p = memmem(d.b.data + d.signed_len, d.b.len - d.signed_len,
		   "5 1\n00000", 9);
	assert_non_null(p);
	p[strlen("5 1\n0000000")] ^= 1;
	assert_int_equal(
		cc_pdf_diff(d.b.data, d.b.len, d.signed_len, 2, &r, &err),
		CC_INPUT);
	print_message("%s\n", err.msg);
	assert_false(r.ok);
	assert_int_equal(r.n, 0);
	assert_int_equal(cc_pdf_diff((const unsigned char *)"%PDF-1.7\n", 9, 9,
				     2, &r, &err),
			 CC_INPUT);
	cc_buf_free(&d.b);
}

/* ---- a copy certified by our own tools ---- */

static void test_certified_copy(void **state)
{
	const char *b = getenv("CC_BUILD");
	char bin[4200];
	struct scratch *s = NULL;
	struct cc_buf pdf = {0};
	struct cc_error err = {0, ""};
	struct cc_sig_structs sigs;
	struct cc_pdf_diff r;

	(void)state;
	snprintf(bin, sizeof(bin), "%s/bin", b && *b ? b : "build/opt");
	NEED("certutil");
	assert_int_equal(scratch_setup((void **)&s, "pdfdiff"), 0);
	if (run(s, NULL, "test -x '%s/cc-sign' && test -x '%s/cc-stamp'", bin,
		bin)) {
		scratch_teardown((void **)&s);
		print_message("skip: cc-sign or cc-stamp is not built\n");
		skip();
	}
	assert_int_equal(
		run(s, NULL,
		    "tests/pki/make-pki '%s/pki' >/dev/null 2>&1 && "
		    "chmod 600 '%s'/pki/*.pass && export CERTCOPY_CONF=/dev/null "
		    "&& '%s/cc-ocr' -q testdata/samples/idcard-front.png -o "
		    "'%s/copy.pdf' && '%s/cc-sign' -q -k '%s/pki/certifier.p12' "
		    "--pin-file '%s/pki/certifier.pass' --statement --register "
		    "'%s/reg.db' '%s/copy.pdf' -o '%s/signed.pdf' && "
		    "'%s/cc-stamp' -q -k '%s/pki/seal.p12' --pin-file "
		    "'%s/pki/seal.pass' --register '%s/reg.db' --no-ltv "
		    "'%s/signed.pdf' -o '%s/certified.pdf'",
		    s->dir, s->dir, bin, s->dir, bin, s->dir, s->dir, s->dir,
		    s->dir, s->dir, bin, s->dir, s->dir, s->dir, s->dir,
		    s->dir),
		0);
	assert_int_equal(
		cc_buf_read_file(&pdf, join(s, "certified.pdf"), 1 << 26, &err),
		0);
	assert_int_equal(
		cc_sig_struct_read(pdf.data, pdf.len, "c.pdf", &sigs, &err),
		CC_OK);
	assert_int_equal(sigs.n, 2);
	/* The certifier's revision, then the seal's. */
	assert_int_equal(cc_pdf_diff(pdf.data, pdf.len,
				     sigs.eof[sigs.sig[0].revision], 2, &r,
				     &err),
			 CC_OK);
	for (size_t i = 0; i < r.n; i++)
		print_message("  %s %s\n", r.change[i].allowed ? "+" : "-",
			      r.change[i].what);
	assert_true(r.ok);
	has(&r, "signature field 'OfficeSeal': signed", 1);
	has(&r, "signature field 'OfficeSeal': new appearance", 1);
	cc_pdf_diff_free(&r);
	assert_int_equal(cc_pdf_diff(pdf.data, pdf.len,
				     sigs.eof[sigs.sig[1].revision], 2, &r,
				     &err),
			 CC_OK);
	assert_true(r.ok);
	assert_int_equal(r.n, 0);
	cc_pdf_diff_free(&r);
	/* The unsigned original before the certifier's revision: the
	 * statement page and the watermarks are changes. */
	assert_int_equal(
		cc_pdf_diff(pdf.data, pdf.len, sigs.eof[0], 2, &r, &err),
		CC_OK);
	assert_false(r.ok);
	cc_pdf_diff_free(&r);
	cc_sig_structs_free(&sigs);
	cc_buf_free(&pdf);
	scratch_teardown((void **)&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unchanged),
		cmocka_unit_test(test_dss),
		cmocka_unit_test(test_new_invisible_sig_field),
		cmocka_unit_test(test_seal_in_existing_field),
		cmocka_unit_test(test_signed_field_changed),
		cmocka_unit_test(test_page_content),
		cmocka_unit_test(test_pages_added_removed),
		cmocka_unit_test(test_resources),
		cmocka_unit_test(test_annotations),
		cmocka_unit_test(test_sneaky_signature),
		cmocka_unit_test(test_form_filling),
		cmocka_unit_test(test_catalog),
		cmocka_unit_test(test_freed),
		cmocka_unit_test(test_dangling),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_certified_copy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
