/*
 * test-pdfdiff.c - changes after signing. A small two-page document with
 * a signed and an unsigned signature field and a text field is the signed
 * revision (with a /Square annotation); a table of single incremental
 * updates (after an xref table, or an xref stream) made the way an
 * attacker or an honest signer would says what cc_pdf_diff must find and
 * whether it allows it at a DocMDP P; a few tests of their own for what
 * takes more than one update, a shadow object, unreadable input. Last, a copy
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

#define PAGE1(extra)                                                           \
	"<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font << " \
	"/F1 5 0 R >> /XObject << /Im1 6 0 R >> >> /Annots [7 0 R 9 0 R 11 0 " \
	"R 16 0 R" extra "] >>"
#define FIELD9(extra)                                                          \
	"<< /Type /Annot /Subtype /Widget /FT /Sig /T (OfficeSeal) /F 132 /P " \
	"3 0 R /Rect [100 100 180 150]" extra " >>"
#define FIELDS(extra) "<< /Fields [7 0 R 9 0 R 11 0 R" extra "] /SigFlags 3 >>"
#define PAGES(kids, count, box)                                                \
	"<< /Type /Pages /Kids [" kids "] /Count " count " /MediaBox [" box    \
	"] >>"
#define SIG20                                                                  \
	{                                                                      \
		20, "<< /Type /Sig >>", NULL                                   \
	}
#define COURIER "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>"
#define FONT "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
#define IMAGE                                                                  \
	"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace "    \
	"/DeviceGray /BitsPerComponent 8 >>"
#define FORM "<< /Type /XObject /Subtype /Form /BBox [0 0 200 200] >>"
#define SQUARE(rect) "<< /Type /Annot /Subtype /Square /Rect [" rect "] >>"
#define TEXT(v, rect)                                                          \
	"<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /V (" v ") /P 3 "  \
	"0 R /Rect [" rect "] >>"

/* An object of an update: a dictionary, a stream with its data, or a
 * freed one (text NULL). */
struct put {
	int num;
	const char *text, *data;
};

/* The signed revision: two pages (the MediaBox inherited), Signature1
 * signed, OfficeSeal empty, a text field, a /Square; xref streams when
 * xs; then the update puts. */
static void base(struct doc *d, int xs, const struct put *puts, size_t n)
{
	static const struct put objs[] = {
		{1, "<< /Type /Catalog /Pages 2 0 R /AcroForm 8 0 R >>", NULL},
		{2, PAGES("3 0 R 12 0 R", "2", "0 0 200 200"), NULL},
		{3, PAGE1(""), NULL},
		{4, "<< >>", "BT /F1 12 Tf 10 10 Td (Hello) Tj ET /Im1 Do"},
		{5, FONT, NULL},
		{6, IMAGE, "A"},
		{7,
		 "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) /V "
		 "10 0 R /F 132 /P 3 0 R /Rect [0 0 0 0] >>",
		 NULL},
		{8, FIELDS(""), NULL},
		{9, FIELD9(""), NULL},
		{10,
		 "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter "
		 "/ETSI.CAdES.detached /ByteRange [0 0 0 0] /Contents <00> >>",
		 NULL},
		{11, TEXT("Alice", "10 150 90 170"), NULL},
		{12,
		 "<< /Type /Page /Parent 2 0 R /Contents 13 0 R /Resources << "
		 "/Font << /F1 5 0 R >> >> >>",
		 NULL},
		{13, "<< >>", "BT /F1 12 Tf 10 10 Td (Page two) Tj ET"},
		{14, "<< /Producer (test) >>", NULL},
		{16, SQUARE("0 0 10 10"), NULL},
	};

	memset(d, 0, sizeof(*d));
	cc_buf_puts(&d->b, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
	for (int rev = 0; rev < 2; rev++) {
		const struct put *p = rev ? puts : objs;
		size_t np = rev ? n : sizeof(objs) / sizeof(objs[0]);

		for (size_t i = 0; i < np; i++)
			if (!p[i].text)
				d->off[p[i].num] = 1;
			else if (p[i].data)
				stream(d, p[i].num, p[i].text, p[i].data);
			else
				obj(d, p[i].num, p[i].text);
		if (rev && !n)
			break;
		if (xs)
			end_stream(d, rev ? 40 : 15);
		else
			end_table(d, NULL);
		if (!rev)
			d->signed_len = d->b.len;
	}
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

/* At P docmdp, the update is allowed (ok) or not, and one of its changes
 * is what, allowed the same. */
static void expect(struct doc *d, int docmdp, int ok, const char *what)
{
	struct cc_pdf_diff r;

	diff(d, docmdp, &r);
	assert_int_equal(r.ok, ok);
	if (ok)
		assert_string_equal(r.problem, "");
	else
		assert_non_null(strstr(r.problem, " after the signature"));
	has(&r, what, ok);
	cc_pdf_diff_free(&r);
}

#define SIG2(more)                                                             \
	{20,                                                                   \
	 "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature2) /P 3 0 "   \
	 "R " more " >>",                                                      \
	 NULL},                                                                \
		{3, PAGE1(" 20 0 R"), NULL},                                   \
	{                                                                      \
		8, FIELDS(" 20 0 R"), NULL                                     \
	}

/* One update after the signed revision, judged at P (how & 3): allowed
 * when how has OK, with xref streams when it has XS. */
#define OK 4
#define XS 8
static const struct update {
	const char *what;
	int how;
	struct put put[4];
} updates[] = {
	/* validation data */
	{"catalog: /DSS added (validation data)",
	 1 | OK,
	 {{1, "<< /Type /Catalog /Pages 2 0 R /AcroForm 8 0 R /DSS 20 0 R >>",
	   NULL},
	  {20, "<< /Type /DSS /Certs [21 0 R] >>", NULL},
	  {21, "<< >>", "certificate"}}},
	{"catalog: /DSS added (validation data)",
	 2 | OK | XS,
	 {{1, "<< /Type /Catalog /Pages 2 0 R /AcroForm 8 0 R /DSS << >> >>",
	   NULL}}},
	/* a new signature field: only when it shows nothing */
	{"page 1: new invisible signature widget 'Signature2' (zero-area "
	 "/Rect)",
	 2 | OK,
	 {SIG2("/F 132 /Rect [0 0 0 0]")}},
	{"AcroForm: new signature field 'Signature2'",
	 2 | OK,
	 {SIG2("/F 132 /Rect [0 0 0 0]")}},
	{"new signature field 'Signature2' at DocMDP P=1",
	 1,
	 {SIG2("/F 132 /Rect [0 0 0 0]")}},
	{"new invisible signature widget 'Signature2' (hidden)",
	 1 | OK | XS,
	 {SIG2("/V 21 0 R /F 6 /Rect [0 0 50 50]"),
	  {21, "<< /Type /DocTimeStamp /SubFilter /ETSI.RFC3161 >>", NULL}}},
	{"page 1: new visible signature widget 'Signature2' may paint over "
	 "signed content",
	 3,
	 {SIG2("/F 4 /Rect [0 0 200 200] /AP << /N 21 0 R >>"),
	  {21, FORM, "1 1 1 rg 0 0 200 200 re f"}}},
	{"new invisible signature widget 'Signature2' (empty "
	 "appearance)",
	 2 | OK,
	 {SIG2("/F 4 /Rect [0 0 200 200] /AP << /N 21 0 R >>"),
	  {21, FORM, " \n"}}},
	{"AcroForm: new field 'x'",
	 3,
	 {{20,
	   "<< /Type /Annot /Subtype /Widget /FT /Tx /T (x) /P 3 0 R /Rect "
	   "[0 0 0 0] >>",
	   NULL},
	  {3, PAGE1(" 20 0 R"), NULL},
	  {8, FIELDS(" 20 0 R"), NULL}}},
	/* the seal goes into its field, made before signing */
	{"signature field 'OfficeSeal': signed",
	 2 | OK,
	 {{9, FIELD9(" /V 20 0 R /AP << /N 21 0 R >>"), NULL},
	  {20, "<< /Type /Sig /SubFilter /ETSI.CAdES.detached >>", NULL},
	  {21, FORM, "0 0 1 rg 0 0 80 50 re f"}}},
	{"signature field 'OfficeSeal': new appearance",
	 2 | OK,
	 {{9, FIELD9(" /V 20 0 R /AP << /N 21 0 R >>"), NULL},
	  SIG20,
	  {21, FORM, "0 0 1 rg 0 0 80 50 re f"}}},
	{"signature field 'OfficeSeal': signed at DocMDP P=1",
	 1,
	 {{9, FIELD9(" /V 20 0 R"), NULL}, SIG20}},
	{"signature field 'OfficeSeal': /Rect changed",
	 2,
	 {{9,
	   "<< /Type /Annot /Subtype /Widget /FT /Sig /T (OfficeSeal) /F "
	   "132 /P 3 0 R /Rect [0 0 200 200] /V 20 0 R >>",
	   NULL},
	  SIG20}},
	{"'OfficeSeal': /AP added without a signature",
	 3,
	 {{9, FIELD9(" /AP << /N 21 0 R >>"), NULL},
	  {21, FORM, "0 0 1 rg 0 0 80 50 re f"}}},
	/* a signed field does not change */
	{"signature field 'Signature1': /V changed",
	 3,
	 {{7,
	   "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) /V 20 "
	   "0 R /F 132 /P 3 0 R /Rect [0 0 0 0] >>",
	   NULL},
	  SIG20}},
	{"object 10 0 (signature field 'Signature1') changed",
	 3,
	 {{10, "<< /Type /Sig /ByteRange [0 1 2 3] /Contents <00> >>", NULL}}},
	/* incremental saving: pages, content, resources */
	{"page 1: /Contents changed",
	 3 | XS,
	 {{3,
	   "<< /Type /Page /Parent 2 0 R /Contents 20 0 R /Resources << /Font "
	   "<< /F1 5 0 R >> >> /Annots [7 0 R 9 0 R 11 0 R 16 0 R] >>",
	   NULL},
	  {20, "<< >>", "BT /F1 12 Tf 10 10 Td (Evil) Tj ET"}}},
	{"object 4 0 (content of page 1) changed",
	 3,
	 {{4, "<< >>", "BT /F1 12 Tf 10 10 Td (Evil!) Tj ET /Im1 Do"}}},
	{"page 3 added (2 pages signed, 3 now)",
	 3,
	 {{2, PAGES("3 0 R 12 0 R 20 0 R", "3", "0 0 200 200"), NULL},
	  {20, "<< /Type /Page /Parent 2 0 R /Contents 13 0 R >>", NULL}}},
	{"page 2 removed (2 pages signed, 1 now)",
	 3,
	 {{2, PAGES("3 0 R", "1", "0 0 200 200"), NULL}}},
	{"page 1: inherited /MediaBox changed",
	 3,
	 {{2, PAGES("3 0 R 12 0 R", "2", "0 0 100 100"), NULL}}},
	{"page 1: /Resources changed",
	 3,
	 {{3,
	   "<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font "
	   "<< /F1 20 0 R >> /XObject << /Im1 6 0 R >> >> /Annots [7 0 R 9 0 "
	   "R 11 0 R 16 0 R] >>",
	   NULL},
	  {20, COURIER, NULL}}},
	{"object 5 0 (font /F1 of page 1) changed", 3, {{5, COURIER, NULL}}},
	{"object 6 0 (XObject /Im1 of page 1) changed",
	 3 | XS,
	 {{6, IMAGE, "B"}}},
	{"object 13 0 (content of page 2) removed", 3, {{13, NULL, NULL}}},
	/* evil annotation */
	{"page 1: new annotation /Square",
	 2,
	 {{20, SQUARE("0 0 200 200"), NULL}, {3, PAGE1(" 20 0 R"), NULL}}},
	{"page 1: new annotation /Square",
	 0,
	 {{20, SQUARE("0 0 200 200"), NULL}, {3, PAGE1(" 20 0 R"), NULL}}},
	{"page 1: new annotation /Square (annotations, DocMDP P=3)",
	 3 | OK,
	 {{20, SQUARE("0 0 200 200"), NULL}, {3, PAGE1(" 20 0 R"), NULL}}},
	{"object 16 0 (annotation /Square on page 1) changed (annotations, "
	 "DocMDP P=3)",
	 3 | OK,
	 {{16, SQUARE("0 0 200 200"), NULL}}},
	{"object 16 0 (annotation /Square on page 1) changed",
	 2,
	 {{16, SQUARE("0 0 200 200"), NULL}}},
	{"page 1: /Annots reordered",
	 2,
	 {{3,
	   "<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font "
	   "<< /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> /Annots [7 0 R 9 0 "
	   "R 16 0 R 11 0 R] >>",
	   NULL}}},
	/* form filling */
	{"field 'name': /V changed (form filling, DocMDP P=2)",
	 2 | OK,
	 {{11, TEXT("Mallory", "10 150 90 170"), NULL}}},
	{"field 'name': /V changed (form filling; no certification "
	 "signature, taken as P=2)",
	 0 | OK,
	 {{11, TEXT("Mallory", "10 150 90 170"), NULL}}},
	{"field 'name': /V changed",
	 1,
	 {{11, TEXT("Mallory", "10 150 90 170"), NULL}}},
	{"field 'name': /Rect changed",
	 3,
	 {{11, TEXT("Alice", "0 0 200 200"), NULL}}},
	/* the catalog, /Info, the AcroForm */
	{"catalog: /OpenAction added",
	 3,
	 {{1,
	   "<< /Type /Catalog /Pages 2 0 R /AcroForm 8 0 R /OpenAction << /S "
	   "/JavaScript /JS (app.alert(1)) >> >>",
	   NULL}}},
	{"object 14 0 (document information) changed",
	 3,
	 {{14, "<< /Producer (evil) >>", NULL}}},
	{"AcroForm: /XFA added",
	 3,
	 {{8, "<< /Fields [7 0 R 9 0 R 11 0 R] /SigFlags 3 /XFA (x) >>",
	   NULL}}},
};

static void test_updates(void **state)
{
	struct doc d;

	(void)state;
	for (size_t i = 0; i < sizeof(updates) / sizeof(updates[0]); i++) {
		const struct update *u = &updates[i];
		size_t n = 0;

		while (n < 4 && u->put[n].num)
			n++;
		print_message("P=%d, %s:\n", u->how & 3, u->what);
		base(&d, !!(u->how & XS), u->put, n);
		expect(&d, u->how & 3, !!(u->how & OK), u->what);
		cc_buf_free(&d.b);
	}
}

static void test_unchanged(void **state)
{
	static const struct put font = {5, FONT, NULL};
	struct doc d;
	struct cc_pdf_diff r;

	(void)state;
	base(&d, 0, NULL, 0); /* nothing after the signed revision */
	diff(&d, 2, &r);
	assert_true(r.ok);
	assert_int_equal(r.n, 0);
	cc_pdf_diff_free(&r);
	cc_buf_free(&d.b);
	base(&d, 1, &font, 1); /* an object written again as it was */
	diff(&d, 1, &r);
	assert_true(r.ok);
	assert_int_equal(r.n, 0);
	cc_pdf_diff_free(&r);
	cc_buf_free(&d.b);
}

/* The exact problem, and a DSS that grows in place in a third revision. */
static void test_problem_and_dss(void **state)
{
	static const struct put content[] = {
		{3,
		 "<< /Type /Page /Parent 2 0 R /Contents 20 0 R /Resources << "
		 "/Font << /F1 5 0 R >> >> /Annots [7 0 R 9 0 R 11 0 R 16 0 R] "
		 ">>",
		 NULL},
		{20, "<< >>", "BT /F1 12 Tf 10 10 Td (Evil) Tj ET"}};
	static const struct put dss[] = {
		{1,
		 "<< /Type /Catalog /Pages 2 0 R /AcroForm 8 0 R /DSS 20 0 R >>",
		 NULL},
		{20, "<< /Type /DSS /Certs [21 0 R] >>", NULL},
		{21, "<< >>", "certificate"}};
	struct doc d;
	struct cc_pdf_diff r;

	(void)state;
	base(&d, 0, content, 2);
	diff(&d, 3, &r);
	assert_string_equal(r.problem,
			    "page 1: /Contents changed after the signature");
	cc_pdf_diff_free(&r);
	cc_buf_free(&d.b);

	base(&d, 0, dss, 3);
	d.signed_len = d.b.len;
	obj(&d, 20, "<< /Type /DSS /Certs [21 0 R 22 0 R] >>");
	stream(&d, 21, "<< >>", "the certificate again");
	stream(&d, 22, "<< >>", "another certificate");
	end_table(&d, NULL);
	expect(&d, 1, 1, "object 20 0 (DSS) changed (validation data)");
	expect(&d, 1, 1, "object 21 0 (DSS) changed (validation data)");
	cc_buf_free(&d.b);
}

/* A one-page document: catalog and page as given, objects 6 to 14 null;
 * objects 4 and 5 are the caller's. */
static void small_doc(struct doc *d, const char *catalog, const char *page)
{
	memset(d, 0, sizeof(*d));
	cc_buf_puts(&d->b, "%PDF-1.7\n");
	obj(d, 1, catalog);
	obj(d, 2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
	obj(d, 3, page);
	for (int i = 6; i <= 14; i++)
		obj(d, i, "null");
}

/* An object the catalog reaches through a direct dictionary is the
 * catalog's, even when the /DSS reaches it too. */
static void test_shared_with_dss(void **state)
{
	struct doc d;

	(void)state;
	small_doc(&d,
		  "<< /Type /Catalog /Pages 2 0 R /Names << /Dests << /Names "
		  "[(a) 5 0 R] >> >> /DSS << /Certs [5 0 R] >> >>",
		  "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>");
	obj(&d, 4, "null");
	obj(&d, 5, "[3 0 R /XYZ 0 200 0]");
	end_table(&d, NULL);
	d.signed_len = d.b.len;
	obj(&d, 5, "[3 0 R /XYZ 0 0 9]");
	end_table(&d, NULL);
	expect(&d, 3, 0, "object 5 0 (catalog /Names) changed");
	cc_buf_free(&d.b);
}

/* A reference to an object the signed revision lacks, filled in later:
 * a shadow attack through an object that never changed. */
static void test_dangling(void **state)
{
	struct doc d;

	(void)state;
	small_doc(&d, "<< /Type /Catalog /Pages 2 0 R >>",
		  "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] "
		  "/Contents [4 0 R 5 0 R] >>");
	stream(&d, 4, "<< >>", "BT ET");
	end_table(&d, NULL);
	d.signed_len = d.b.len;
	stream(&d, 5, "<< >>", "BT /F1 12 Tf (Revealed) Tj ET");
	end_table(&d, NULL);
	expect(&d, 3, 0,
	       "object 5 0 (content of page 1) defined after signing");
	cc_buf_free(&d.b);
}

static void test_bad_input(void **state)
{
	struct doc d;
	struct cc_pdf_diff r;
	struct cc_error err = {0, ""};
	unsigned char *p;

	(void)state;
	base(&d, 0, NULL, 0);
	assert_int_equal(
		cc_pdf_diff(d.b.data, d.b.len, d.b.len + 1, 2, &r, &err),
		CC_USAGE);
	assert_int_equal(cc_pdf_diff(d.b.data, d.b.len, d.b.len, 4, &r, &err),
			 CC_USAGE);
	assert_false(r.ok);
	obj(&d, 5, COURIER);
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
		cmocka_unit_test(test_updates),
		cmocka_unit_test(test_problem_and_dss),
		cmocka_unit_test(test_shared_with_dss),
		cmocka_unit_test(test_dangling),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_certified_copy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
