/*
 * test-pdfxref - the object numbers later cross-reference sections define:
 * a table update, a stream update (uncompressed and Flate with a PNG
 * predictor, decoded by qpdf), and offsets that are not sections.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "buf.h"
#include "pdfdiff.h"
#include "pdfxref.h"
#include "sigstruct.h"

/* A three-object document: catalog, pages, page. */
static void base(struct cc_buf *b)
{
	size_t o[4];

	cc_buf_puts(b, "%PDF-1.7\n");
	o[1] = b->len;
	cc_buf_puts(b, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	o[2] = b->len;
	cc_buf_puts(b, "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\n"
		       "endobj\n");
	o[3] = b->len;
	cc_buf_puts(b, "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 "
		       "10 10] >>\nendobj\n");
	o[0] = b->len;
	cc_buf_puts(b, "xref\n0 4\n0000000000 65535 f \n");
	for (int i = 1; i < 4; i++)
		cc_buf_printf(b, "%010zu 00000 n \n", o[i]);
	cc_buf_printf(b,
		      "trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%zu\n"
		      "%%%%EOF\n",
		      o[0]);
}

static size_t last_startxref(const struct cc_buf *b)
{
	const char *p = (const char *)b->data, *s = NULL, *q = p;

	while ((q = memmem(q, b->len - (size_t)(q - p), "startxref", 9)))
		s = q++;
	assert_non_null(s);
	return strtoul(s + 9, NULL, 10);
}

/* An update redefining page 3 and adding object 4, with a table. */
static void table_update(struct cc_buf *b)
{
	size_t prev = last_startxref(b), o3, o4, x;

	o3 = b->len;
	cc_buf_puts(b, "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 "
		       "20 20] >>\nendobj\n");
	o4 = b->len;
	cc_buf_puts(b, "4 0 obj\n(new)\nendobj\n");
	x = b->len;
	cc_buf_printf(b,
		      "xref\n0 1\n0000000000 65535 f \n3 2\n%010zu 00000 n "
		      "\n%010zu 00000 n \ntrailer\n<< /Size 5 /Root 1 0 R "
		      "/Prev %zu >>\nstartxref\n%zu\n%%%%EOF\n",
		      o3, o4, prev, x);
}

/* An update adding object 5 with a cross-reference stream (object 6); with
 * flate, Flate-compressed with the PNG Up predictor. */
static void stream_update(struct cc_buf *b, int flate)
{
	size_t prev = last_startxref(b), o5 = b->len, x;
	unsigned char e[2][6], raw[2][7], z[64];
	uLongf zl = sizeof(z);

	cc_buf_puts(b, "5 0 obj\n(five)\nendobj\n");
	x = b->len;
	for (int i = 0; i < 2; i++) {
		size_t off = i ? x : o5;

		e[i][0] = 1;
		e[i][1] = (unsigned char)(off >> 24);
		e[i][2] = (unsigned char)(off >> 16);
		e[i][3] = (unsigned char)(off >> 8);
		e[i][4] = (unsigned char)off;
		e[i][5] = 0;
	}
	cc_buf_printf(b,
		      "6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 1] /Index [5 "
		      "2] /Root 1 0 R /Prev %zu",
		      prev);
	if (flate) {
		/* PNG Up: each row the difference from the one above. */
		for (int i = 0; i < 2; i++) {
			raw[i][0] = 2;
			for (int k = 0; k < 6; k++)
				raw[i][k + 1] =
					(unsigned char)(e[i][k] -
							(i ? e[0][k] : 0));
		}
		assert_int_equal(compress(z, &zl, &raw[0][0], sizeof(raw)),
				 Z_OK);
		cc_buf_printf(b,
			      " /Filter /FlateDecode /DecodeParms << "
			      "/Predictor 12 /Columns 6 >> /Length %lu >>\n"
			      "stream\n",
			      (unsigned long)zl);
		cc_buf_put(b, z, zl);
	} else {
		cc_buf_printf(b, " /Length %zu >>\nstream\n", sizeof(e));
		cc_buf_put(b, e, sizeof(e));
	}
	cc_buf_printf(b, "\nendstream\nendobj\nstartxref\n%zu\n%%%%EOF\n", x);
}

/* The numbers the sections after revision 0 list, read as cc-verify does. */
static void later(const struct cc_buf *b, int **v, size_t *n, int *rc)
{
	struct cc_error err = {0, ""};
	struct cc_sig_structs ss;
	unsigned long long at[16];
	size_t k = 0;
	qpdf_data q = qpdf_init();

	assert_int_equal(
		cc_sig_struct_read(b->data, b->len, "t.pdf", &ss, &err), CC_OK);
	assert_true(ss.chained);
	for (size_t i = 0; i < ss.nsections; i++)
		if (ss.sections[i].end > ss.eof[0])
			at[k++] = ss.sections[i].at;
	qpdf_silence_errors(q);
	assert_false(qpdf_read_memory(q, "t.pdf", (const char *)b->data, b->len,
				      NULL) &
		     QPDF_ERRORS);
	*rc = cc_pdf_xref_objects(q, b->data, b->len, at, k, v, n);
	qpdf_cleanup(&q);
	cc_sig_structs_free(&ss);
}

static void test_table_and_streams(void **state)
{
	for (int flate = 0; flate < 2; flate++) {
		struct cc_buf b = {0};
		int *v, rc, want[] = {0, 3, 4, 5, 6};
		size_t n;

		(void)state;
		base(&b);
		table_update(&b);
		stream_update(&b, flate);
		later(&b, &v, &n, &rc);
		assert_int_equal(rc, 0);
		assert_int_equal(n, 5);
		assert_memory_equal(v, want, sizeof(want));
		free(v);
		cc_buf_free(&b);
	}
}

static void test_nothing_later(void **state)
{
	struct cc_buf b = {0};
	int *v = NULL, rc;
	size_t n = 99;

	(void)state;
	base(&b);
	later(&b, &v, &n, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(n, 0);
	free(v);
	cc_buf_free(&b);
}

static void test_not_sections(void **state)
{
	struct cc_buf b = {0};
	unsigned long long at[1];
	int *v = (int *)&at, rc;
	size_t n = 99;
	qpdf_data q = qpdf_init();

	(void)state;
	base(&b);
	qpdf_silence_errors(q);
	qpdf_read_memory(q, "t.pdf", (const char *)b.data, b.len, NULL);
	/* The catalog is no cross-reference stream; an offset past the end;
	 * the middle of a table. */
	at[0] = 9;
	assert_int_equal(cc_pdf_xref_objects(q, b.data, b.len, at, 1, &v, &n),
			 -1);
	assert_null(v);
	at[0] = b.len + 10;
	assert_int_equal(cc_pdf_xref_objects(q, b.data, b.len, at, 1, &v, &n),
			 -1);
	at[0] = last_startxref(&b) + 6;
	rc = cc_pdf_xref_objects(q, b.data, b.len, at, 1, &v, &n);
	assert_int_equal(rc, -1);
	qpdf_cleanup(&q);
	cc_buf_free(&b);
}

/* An object stream 5 holding the catalog (1) and the page (3). */
static void objstm(struct cc_buf *b, const char *mediabox)
{
	char objs[256], head[32];
	int n1, n3;

	n1 = snprintf(objs, sizeof(objs), "<< /Type /Catalog /Pages 2 0 R >> ");
	n3 = snprintf(objs + n1, sizeof(objs) - (size_t)n1,
		      "<< /Type /Page /Parent 2 0 R /MediaBox %s >>", mediabox);
	snprintf(head, sizeof(head), "1 0 3 %d ", n1);
	cc_buf_printf(b,
		      "5 0 obj\n<< /Type /ObjStm /N 2 /First %zu /Length "
		      "%zu >>\nstream\n%s%s\nendstream\nendobj\n",
		      strlen(head), strlen(head) + (size_t)(n1 + n3), head,
		      objs);
}

/* An xref stream (number num) with entries for objects first.. as
 * (type, field 2, field 3) triples. */
static void xrefstm(struct cc_buf *b, int num, const char *index,
		    const int (*e)[3], int n, int size, size_t prev)
{
	size_t x = b->len;

	cc_buf_printf(b,
		      "%d 0 obj\n<< /Type /XRef /Size %d /Root 1 0 R /W [1 4 "
		      "2] /Index [%s] /Length %d",
		      num, size, index, 7 * n);
	if (prev)
		cc_buf_printf(b, " /Prev %zu", prev);
	cc_buf_puts(b, " >>\nstream\n");
	for (int i = 0; i < n; i++) {
		unsigned char r[7] = {(unsigned char)e[i][0],
				      (unsigned char)(e[i][1] >> 24),
				      (unsigned char)(e[i][1] >> 16),
				      (unsigned char)(e[i][1] >> 8),
				      (unsigned char)e[i][1],
				      (unsigned char)(e[i][2] >> 8),
				      (unsigned char)e[i][2]};

		cc_buf_put(b, r, sizeof(r));
	}
	cc_buf_printf(b, "\nendstream\nendobj\nstartxref\n%zu\n%%%%EOF\n", x);
}

/* A later revision that redefines an object stream changes the objects
 * in it without listing them: the change analysis must still see it. */
static void test_object_stream_redefined(void **state)
{
	struct cc_error err = {0, ""};
	struct cc_pdf_diff diff;
	struct cc_buf b = {0};
	size_t o2, o5, o6, signed_len;

	(void)state;
	cc_buf_puts(&b, "%PDF-1.7\n");
	o2 = b.len;
	cc_buf_puts(&b, "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\n"
			"endobj\n");
	o5 = b.len;
	objstm(&b, "[0 0 10 10]");
	o6 = b.len;
	{
		const int e[7][3] = {{0, 0, 65535},  {2, 5, 0}, {1, (int)o2, 0},
				     {2, 5, 1},	     {0, 0, 0}, {1, (int)o5, 0},
				     {1, (int)o6, 0}};

		xrefstm(&b, 6, "0 7", e, 7, 7, 0);
	}
	signed_len = b.len;
	o5 = b.len;
	objstm(&b, "[0 0 99 99]");
	{
		size_t x = b.len;
		const int e[2][3] = {{1, (int)o5, 0}, {1, (int)x, 0}};

		xrefstm(&b, 7, "5 1 7 1", e, 2, 8, o6);
	}
	assert_int_equal(cc_pdf_diff(b.data, b.len, signed_len, 2, &diff, &err),
			 CC_OK);
	assert_false(diff.ok);
	assert_non_null(strstr(diff.problem, "page 1"));
	cc_pdf_diff_free(&diff);
	cc_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_and_streams),
		cmocka_unit_test(test_nothing_later),
		cmocka_unit_test(test_not_sections),
		cmocka_unit_test(test_object_stream_redefined),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
