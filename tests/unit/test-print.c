/*
 * test-print.c - the print-out and the receipt, judged by tools nobody here
 * wrote: a small PDF made here (a portrait page with a printable
 * annotation and a hidden one, a landscape page, a page turned by /Rotate
 * 90 and a page larger than the paper) printed with made-up facts; qpdf and
 * mutool find nothing wrong, pdfinfo gives the paper sizes, pdftotext the
 * footer on every page and what the printable annotation shows (never the
 * hidden one's), zbarimg the URL on every page at 300 dpi. The paper
 * sizes, and what cc_print_read refuses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "minipdf.h"
#include "print.h"
#include "tooltest.h"

static const char url[] = "https://xacthuc.example/v/7K3M-Q9TX-2B4D-X5QZ";

static const struct cc_print_facts facts = {
	.code = "7K3M-Q9TX-2B4D-X5QZ",
	.number = 123,
	.book = "01/2026-SCTĐT/BS",
	.pages = 3,
	.certifier = "Nguyễn Văn An",
	.year = 2026,
	.month = 2,
	.day = 5,
	.copy_pages = 4,
};

static int setup(void **state)
{
	return scratch_setup(state, "test-print");
}

/* A rectangle with a word in Helvetica (a PDF's standard font). */
static void page_text(struct cc_buf *b, const char *word, double w, double h)
{
	cc_buf_printf(b,
		      "0.9 g 10 10 %.1f %.1f re f 0 g BT /Hv 24 Tf 40 %.1f Td "
		      "(%s) Tj ET",
		      w - 20, h - 20, h / 2, word);
}

/* The test document: four pages, see the header. */
static void write_source(const char *path)
{
	static const char font[] =
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";
	static const double size[4][2] = {
		{300, 400}, {900, 500}, {900, 500}, {1200, 1600}};
	static const char *const word[4] = {"Portrait", "Landscape", "Turned",
					    "Large"};
	/* The third is shown upright: 500 x 900. */
	static const int rotate[4] = {0, 0, 90, 0};
	struct mini m;
	struct cc_buf kids = {0};

	mini_begin(&m);
	mini_obj(&m, 3, font);
	for (int i = 0; i < 4; i++) {
		struct cc_buf c = {0}, d = {0};
		int pg = 10 + 2 * i;
		double w = size[i][0], h = size[i][1];

		page_text(&c, word[i], w, h);
		mini_stream(&m, pg + 1, "<< >>", c.data, c.len);
		cc_buf_printf(
			&d,
			"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.0f "
			"%.0f] /Rotate %d /Resources << /Font << /Hv 3 0 "
			"R >> >> /Contents %d 0 R%s >>",
			w, h, rotate[i], pg + 1,
			i == 0 ? " /Annots [5 0 R 7 0 R]" : "");
		cc_buf_put(&d, "", 1);
		mini_obj(&m, pg, (const char *)d.data);
		cc_buf_printf(&kids, " %d 0 R", pg);
		cc_buf_free(&c);
		cc_buf_free(&d);
	}
	/* A printable stamp annotation and a hidden one. */
	mini_obj(&m, 5,
		 "<< /Type /Annot /Subtype /Stamp /F 4 /Rect [20 20 220 70] "
		 "/AP << /N 6 0 R >> >>");
	mini_stream(&m, 6,
		    "<< /Type /XObject /Subtype /Form /BBox [0 0 100 25] "
		    "/Resources << /Font << /Hv 3 0 R >> >> >>",
		    "BT /Hv 10 Tf 5 8 Td (PRINTED) Tj ET",
		    strlen("BT /Hv 10 Tf 5 8 Td (PRINTED) Tj ET"));
	mini_obj(&m, 7,
		 "<< /Type /Annot /Subtype /Stamp /F 6 /Rect [20 100 220 150] "
		 "/AP << /N 8 0 R >> >>");
	mini_stream(&m, 8,
		    "<< /Type /XObject /Subtype /Form /BBox [0 0 100 25] "
		    "/Resources << /Font << /Hv 3 0 R >> >> >>",
		    "BT /Hv 10 Tf 5 8 Td (HIDDEN) Tj ET",
		    strlen("BT /Hv 10 Tf 5 8 Td (HIDDEN) Tj ET"));
	cc_buf_put(&kids, "", 1);
	{
		char pages[256];

		snprintf(pages, sizeof(pages),
			 "<< /Type /Pages /Kids [%s ] /Count 4 >>",
			 (const char *)kids.data);
		mini_obj(&m, 2, pages);
	}
	mini_obj(&m, 4, "null");
	mini_obj(&m, 9, "null");
	cc_buf_free(&kids);
	mini_end(&m, path);
}

static void write_buf(const char *path, const struct cc_buf *b)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(b->data, 1, b->len, f), b->len);
	assert_int_equal(fclose(f), 0);
}

static void test_copy(void **state)
{
	struct scratch *s = *state;
	struct cc_error err = {0, ""};
	struct cc_buf src = {0}, out = {0};
	struct cc_print_opts o = {url,	       "https://xacthuc.example/v/",
				  "Trung tâm", "A4",
				  NULL,	       6000};
	char *txt, src_path[4200], out_path[4200];

	NEED("qpdf");
	NEED("mutool");
	NEED("pdftotext");
	NEED("pdfinfo");
	NEED("pdftoppm");
	NEED("zbarimg");
	snprintf(src_path, sizeof(src_path), "%s", join(s, "src.pdf"));
	snprintf(out_path, sizeof(out_path), "%s", join(s, "out.pdf"));
	write_source(src_path);
	assert_int_equal(cc_buf_read_file(&src, src_path, 1 << 20, &err), 0);
	assert_int_equal(cc_print_copy(src.data, src.len, "src.pdf", &facts, &o,
				       &out, &err),
			 CC_OK);
	write_buf(out_path, &out);
	check_clean(s, out_path);
	/* Portrait A4 for the portrait page and for the one turned upright;
	 * landscape for the landscape page; the large page scaled onto
	 * portrait A4. */
	assert_int_equal(
		run(s, &txt,
		    "pdfinfo -f 1 -l 4 '%s' | sed -n 's/^Page *[0-9]* "
		    "size: *\\([0-9.]*\\) x \\([0-9.]*\\).*/\\1x\\2/p' "
		    "| tr '\\n' ' '",
		    out_path),
		0);
	assert_string_equal(txt, "595.28x841.89 841.89x595.28 595.28x841.89 "
				 "595.28x841.89 ");
	free(txt);
	for (int p = 1; p <= 4; p++) {
		char want[128];

		assert_int_equal(run(s, &txt, "pdftotext -f %d -l %d '%s' -", p,
				     p, out_path),
				 0);
		assert_non_null(strstr(txt, "Mã tra cứu: 7K3M-Q9TX-2B4D-X5QZ"));
		assert_non_null(strstr(txt, "Bản sao điện tử đã được chứng "
					    "thực — tra cứu tại https://"
					    "xacthuc.example/v/7K3M-Q9TX-"
					    "2B4D-X5QZ"));
		snprintf(want, sizeof(want),
			 "Số chứng thực: 123 · Quyển số: 01/2026-SCTĐT/BS · "
			 "Trang %d/4",
			 p);
		assert_non_null(strstr(txt, want));
		if (p == 1) {
			assert_non_null(strstr(txt, "PRINTED"));
			assert_null(strstr(txt, "HIDDEN"));
		}
		free(txt);
	}
	assert_int_equal(run(s, &txt,
			     "cd '%s' && pdftoppm -r 300 -png out.pdf pg && "
			     "for f in pg-*.png; do zbarimg -q --raw -Sdisable "
			     "-Sqrcode.enable $f; done",
			     s->dir),
			 0);
	assert_string_equal(txt,
			    "https://xacthuc.example/v/7K3M-Q9TX-2B4D-X5QZ\n"
			    "https://xacthuc.example/v/7K3M-Q9TX-2B4D-X5QZ\n"
			    "https://xacthuc.example/v/7K3M-Q9TX-2B4D-X5QZ\n"
			    "https://xacthuc.example/v/7K3M-Q9TX-2B4D-X5QZ\n");
	free(txt);
	cc_buf_free(&src);
	cc_buf_free(&out);
}

static void test_receipt(void **state)
{
	struct scratch *s = *state;
	struct cc_error err = {0, ""};
	struct cc_buf out = {0};
	struct cc_print_opts o = {url,
				  "https://xacthuc.example/v/",
				  "Trung tâm Phục vụ hành chính công",
				  "a5",
				  NULL,
				  6000};
	char *txt, path[4200];

	NEED("qpdf");
	NEED("mutool");
	NEED("pdftotext");
	snprintf(path, sizeof(path), "%s", join(s, "receipt.pdf"));
	assert_int_equal(cc_print_receipt(&facts, &o, &out, &err), CC_OK);
	write_buf(path, &out);
	check_clean(s, path);
	assert_int_equal(run(s, &txt, "pdftotext '%s' -", path), 0);
	assert_non_null(strstr(txt, "Trung tâm Phục vụ hành chính công"));
	assert_non_null(strstr(txt, "ngày 05 tháng 02 năm 2026"));
	assert_non_null(strstr(txt, "Số chứng thực: 123"));
	assert_non_null(strstr(txt, "Quyển số: 01/2026-SCTĐT/BS"));
	assert_non_null(strstr(txt, "Bản sao gồm 3 trang; lệ phí: 6.000 đồng"));
	assert_non_null(strstr(txt, "7K3M-Q9TX-2B4D-X5QZ"));
	free(txt);
	cc_buf_free(&out);
}

static void test_media(void **state)
{
	struct cc_error err = {0, ""};
	struct cc_media m;

	(void)state;
	assert_int_equal(cc_media_find(NULL, &m, &err), CC_OK);
	assert_string_equal(m.pwg, "iso_a4_210x297mm");
	assert_int_equal(cc_media_find("letter", &m, &err), CC_OK);
	assert_true(m.w == 612 && m.h == 792);
	assert_int_equal(cc_media_find("iso_a5_148x210mm", &m, &err), CC_OK);
	assert_string_equal(m.name, "A5");
	assert_int_equal(cc_media_find("B7", &m, &err), CC_USAGE);
	assert_non_null(strstr(err.msg, "'B7'"));
}

static void test_refusals(void **state)
{
	struct scratch *s = *state;
	struct cc_error err = {0, ""};
	struct cc_print_facts f;
	struct cc_buf src = {0}, out = {0};
	struct cc_print_opts o = {
		"https://x.example/v/ bad", "", "", NULL, NULL, 0};
	static const unsigned char junk[] = "not a PDF at all";

	assert_int_equal(
		cc_print_read(junk, sizeof(junk) - 1, "junk", &f, &err),
		CC_INPUT);
	write_source(join(s, "plain.pdf"));
	assert_int_equal(cc_buf_read_file(&src, s->path, 1 << 20, &err), 0);
	assert_int_equal(
		cc_print_read(src.data, src.len, "plain.pdf", &f, &err),
		CC_INPUT);
	assert_non_null(strstr(err.msg, "not a certified copy"));
	/* A URL with a space cannot go in a QR code unnoticed. */
	assert_int_equal(cc_print_receipt(&facts, &o, &out, &err), CC_USAGE);
	assert_int_equal(out.len, 0);
	cc_buf_free(&src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_media),
		cmocka_unit_test_setup_teardown(test_copy, setup,
						scratch_teardown),
		cmocka_unit_test_setup_teardown(test_receipt, setup,
						scratch_teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup,
						scratch_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
