/*
 * test-statement.c - the fee table, the statement's lines (exact, NFC,
 * refused when malformed), line breaking, and a complete PDF judged by
 * tools nobody here wrote: pdftotext must give back exactly the statement's
 * lines from the certification page and only "Hello" from the watermarked
 * page, qpdf --check must find nothing, mutool must draw it without a
 * word, and pdftoppm's pixels must show the reserved areas empty and the
 * watermark painted.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "minipdf.h"
#include "tooltest.h"
#include "font.h"
#include "statement.h"

static int setup(void **state)
{
	return scratch_setup(state, "test-statement");
}

/* Text with each line's runs of white space made one space, lines
 * trimmed, empty lines and form feeds dropped. */
static char *squeeze(const char *in)
{
	char *out = malloc(strlen(in) + 1), *o = out;

	assert_non_null(out);
	for (const char *p = in; *p;) {
		const char *e = p + strcspn(p, "\n");
		char *start = o;
		int space = 0;

		for (; p < e; p++) {
			if (*p == ' ' || *p == '\t' || *p == '\f' ||
			    *p == '\r') {
				space = o > start;
				continue;
			}
			if (space)
				*o++ = ' ';
			space = 0;
			*o++ = *p;
		}
		if (o > start)
			*o++ = '\n';
		if (*p)
			p++;
	}
	*o = '\0';
	return out;
}

/* ---- the fee ---- */

static void test_fee(void **state)
{
	static const struct {
		int pages;
		long fee;
	} t[] = {
		{1, 2000},
		{2, 4000},
		{3, 5000},
		{10, 12000},
		{197, 199000},
		{198, 200000},
		{199, 200000},
		{1000, 200000},
		{0, 0},
		{-5, 0},
		{2147483647, 200000},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(cc_fee(t[i].pages), t[i].fee);
}

/* ---- the lines ---- */

static const struct cc_statement sample = {
	.number = "123",
	.book = "01/2026-SCTĐT/BS",
	.year = 2026,
	.month = 11,
	.day = 28,
	.certifier = "Nguyễn Văn An",
	.title = "Công chứng viên",
	.office = "Trung tâm Phục vụ hành chính công thành phố Huế",
	.pages = 2,
};

static const char sample_text[] =
	"CHỨNG THỰC BẢN SAO ĐIỆN TỬ TỪ BẢN CHÍNH\n"
	"Chứng thực bản sao đúng với bản chính.\n"
	"Số chứng thực: 123   Quyển số: 01/2026-SCTĐT/BS\n"
	"Ngày 28 tháng 11 năm 2026\n"
	"Người thực hiện chứng thực: Nguyễn Văn An, Công chứng viên\n"
	"Cơ quan: Trung tâm Phục vụ hành chính công thành phố Huế\n"
	"Bản sao gồm 2 trang; lệ phí: 4.000 đồng\n";

static char *text_of(const struct cc_statement *st, struct cc_font *f, int *rc,
		     struct cc_error *err)
{
	struct cc_buf b = {0};

	*rc = cc_statement_text(st, f, &b, err);
	if (*rc) {
		assert_int_equal(b.len, 0);
		cc_buf_free(&b);
		return NULL;
	}
	assert_non_null(b.data);
	assert_int_equal(b.data[b.len], '\0');
	assert_int_equal(strlen((char *)b.data), b.len);
	return (char *)b.data;
}

static void test_text(void **state)
{
	struct cc_error err = {0, ""};
	struct cc_statement st = sample;
	char *t;
	int rc;

	(void)state;
	t = text_of(&st, NULL, &rc, &err);
	assert_int_equal(rc, CC_OK);
	assert_string_equal(t, sample_text);
	free(t);

	/* Decomposed input comes out composed; no title, no comma; a day
	 * below 10 and February with a 0; a big fee with its dots. */
	st.certifier = "Nguye\xcc\x82\xcc\x83n Thi\xcc\xa3 Lan";
	st.title = NULL;
	st.day = 5;
	st.month = 2;
	st.year = 2028;
	st.pages = 150;
	t = text_of(&st, NULL, &rc, &err);
	assert_int_equal(rc, CC_OK);
	assert_non_null(strstr(t, "\nNgày 05 tháng 02 năm 2028\n"));
	assert_non_null(strstr(t, "\nNgười thực hiện chứng thực: Nguyễn Thị "
				  "Lan\n"));
	assert_non_null(strstr(t, "\nBản sao gồm 150 trang; lệ phí: 152.000 "
				  "đồng\n"));
	free(t);
	st.title = "";
	st.month = 3;
	st.day = 29;
	t = text_of(&st, NULL, &rc, &err);
	assert_non_null(strstr(t, "\nNgày 29 tháng 3 năm 2028\n"));
	assert_non_null(strstr(t, "chứng thực: Nguyễn Thị Lan\n"));
	free(t);
	st.pages = 500;
	t = text_of(&st, NULL, &rc, &err);
	assert_non_null(strstr(t, "lệ phí: 200.000 đồng\n"));
	free(t);
}

static void expect_refused(const struct cc_statement *st, const char *msg)
{
	struct cc_error err = {0, ""};
	int rc;

	assert_null(text_of(st, NULL, &rc, &err));
	assert_int_equal(rc, CC_USAGE);
	assert_int_equal(err.code, CC_USAGE);
	if (!strstr(err.msg, msg))
		print_error("'%s' has no '%s'\n", err.msg, msg);
	assert_non_null(strstr(err.msg, msg));
}

static void test_refused(void **state)
{
	struct cc_statement st;
	char big[400];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	expect_refused(NULL, "no statement");
	st = sample, st.number = NULL;
	expect_refused(&st, "no certification number");
	st = sample, st.book = "";
	expect_refused(&st, "no book number");
	st = sample, st.certifier = "An\nB";
	expect_refused(&st, "control character in certifier");
	st = sample, st.office = "\xc3\x28";
	expect_refused(&st, "office is not UTF-8");
	st = sample, st.office = big;
	expect_refused(&st, "office longer than 300 bytes");
	st = sample, st.year = 2026, st.month = 2, st.day = 29;
	expect_refused(&st, "no such date 2026-02-29");
	st = sample, st.month = 13;
	expect_refused(&st, "no such date");
	st = sample, st.day = 0;
	expect_refused(&st, "no such date");
	st = sample, st.pages = 0;
	expect_refused(&st, "0 pages");
	/* 2028 is a leap year. */
	st = sample, st.year = 2028, st.month = 2, st.day = 29;
	{
		struct cc_error err = {0, ""};
		int rc;

		free(text_of(&st, NULL, &rc, &err));
		assert_int_equal(rc, CC_OK);
	}
}

/* The text block of the page: A4 less margins of 30 and 20 mm, and the
 * frame's padding. */
#define TEXT_W (CC_PAGE_A4_W - 85.04 - 56.69 - 28)

static const struct cc_statement long_one = {
	.number = "4567",
	.book = "03/2026-SCTĐT/BS",
	.year = 2026,
	.month = 1,
	.day = 9,
	.certifier = "Tôn Nữ Thị Hoàng Phương Thảo",
	.title = "Chuyên viên Phòng Tư pháp",
	.office = "Trung tâm Phục vụ hành chính công tỉnh Thừa Thiên Huế, "
		  "Chi nhánh số 2 tại thị xã Hương Thủy, điểm tiếp nhận "
		  "phường Phú Bài",
	.pages = 12,
};

/* Lines too wide are broken at spaces into lines that fit; a word too
 * wide for a line is cut. */
static void test_wrap(void **state)
{
	struct cc_font *f = open_font();
	struct cc_error err = {0, ""};
	struct cc_statement st = long_one;
	char *t, *u, *p, *flat;
	int rc, lines = 0;
	char word[200];

	(void)state;
	t = text_of(&st, f, &rc, &err);
	assert_int_equal(rc, CC_OK);
	u = text_of(&st, NULL, &rc, &err);
	assert_int_equal(rc, CC_OK);
	for (p = t; *p; lines++) {
		char *nl = strchr(p, '\n');

		assert_non_null(nl);
		*nl = '\0';
		assert_true(cc_font_width(f, p, lines ? 12 : 14) <= TEXT_W);
		assert_true(*p != ' ' && nl[-1] != ' ');
		*nl = ' ';
		p = nl + 1;
	}
	assert_true(lines >= 9);
	/* The same words, in the same order. */
	for (p = u; (p = strchr(p, '\n'));)
		*p = ' ';
	flat = squeeze(u);
	free(u);
	u = squeeze(t);
	assert_string_equal(u, flat);
	free(t);
	free(u);
	free(flat);

	/* One long word. */
	memset(word, 'W', sizeof(word) - 1);
	word[sizeof(word) - 1] = '\0';
	st = sample;
	st.book = word;
	t = text_of(&st, f, &rc, &err);
	assert_int_equal(rc, CC_OK);
	lines = 0;
	p = strstr(t, "Quyển số:\nWWW");
	assert_non_null(p);
	for (; p && *p && *p != 'N'; p++)
		lines += *p == '\n';
	assert_true(lines >= 5);
	for (p = t; (p = strchr(p, '\n'));) {
		*p = '\0';
		p++;
	}
	lines = 0;
	for (p = t; *p; p += strlen(p) + 1)
		assert_true(cc_font_width(f, p, lines++ ? 12 : 14) <= TEXT_W);
	free(t);
	cc_font_close(f);
}

/* ---- the page and the watermark ---- */

static int overlaps(const struct cc_rect *a, const struct cc_rect *b)
{
	return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h &&
	       b->y < a->y + a->h;
}

/* A two-page PDF: the certification page, and a letter-size page saying
 * "Hello" in Helvetica under the watermark. */
static void write_pdf(const char *path, const struct cc_statement *st,
		      struct cc_rect *sig, struct cc_rect *seal)
{
	struct cc_font *f = open_font();
	struct cc_error err = {0, ""};
	struct cc_buf page = {0}, wm = {0};
	struct mini m;

	assert_int_equal(cc_statement_page(st, f, &page, sig, seal, &err),
			 CC_OK);
	cc_buf_puts(&wm, "BT /F2 24 Tf 72 700 Td (Hello) Tj ET\n");
	assert_int_equal(
		cc_statement_watermark("TTPVHCC", f, 612, 792, &wm, &err),
		CC_OK);

	mini_begin(&m);
	mini_obj(&m, 2, "<< /Type /Pages /Count 2 /Kids [3 0 R 5 0 R] >>");
	mini_obj(&m, 3,
		 "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89]"
		 " /Resources << /Font << /F1 9 0 R >> >> /Contents 4 0 R "
		 ">>");
	mini_stream(&m, 4, "<< >>", page.data, page.len);
	mini_obj(&m, 5,
		 "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
		 " /Resources << /Font << /F2 7 0 R >> /ExtGState << /GSwm 8 "
		 "0 R >> >> /Contents 6 0 R >>");
	mini_stream(&m, 6, "<< >>", wm.data, wm.len);
	mini_obj(&m, 7,
		 "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica"
		 " /Encoding /WinAnsiEncoding >>");
	mini_obj(&m, 8, CC_WATERMARK_GS);
	mini_font(&m, f, 9);
	mini_end(&m, path);
	cc_buf_free(&page);
	cc_buf_free(&wm);
	cc_font_close(f);
}

/* The page's text, squeezed, must be the statement's lines. */
static void check_text(struct scratch *s, const char *pdf,
		       const struct cc_statement *st)
{
	struct cc_font *f = open_font();
	struct cc_error err = {0, ""};
	static const char *const opts[] = {"", "-layout"};
	char *want, *t, *out, *got;
	int rc;

	t = text_of(st, f, &rc, &err);
	assert_int_equal(rc, CC_OK);
	want = squeeze(t);
	free(t);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(run(s, &out,
				     "pdftotext %s -enc UTF-8 -f 1 -l 1 '%s' -",
				     opts[i], pdf),
				 0);
		got = squeeze(out);
		if (strcmp(got, want))
			print_error("pdftotext %s gave:\n%s\nnot:\n%s\n",
				    opts[i], out, want);
		assert_string_equal(got, want);
		free(got);
		free(out);
	}
	/* The watermark is no text. */
	assert_int_equal(
		run(s, &out, "pdftotext -enc UTF-8 -f 2 -l 2 '%s' -", pdf), 0);
	got = squeeze(out);
	assert_string_equal(got, "Hello\n");
	free(got);
	free(out);
	free(want);
	cc_font_close(f);
}

static void check_tools(struct scratch *s, const char *pdf)
{
	char *out;

	check_clean(s, pdf);
	assert_int_equal(run(s, &out, "pdffonts '%s'", pdf), 0);
	assert_non_null(strstr(out, "+DejaVuSans"));
	assert_non_null(strstr(out, "CID TrueType      Identity-H       yes "
				    "yes yes"));
	free(out);
}

/* A page rendered by pdftoppm as 8-bit gray at dpi; *w x *h pixels. */
static unsigned char *render(struct scratch *s, const char *pdf, int page,
			     int dpi, int *w, int *h)
{
	char *out;
	unsigned char *pix;
	size_t len;
	FILE *f;
	int max;

	assert_int_equal(run(s, &out,
			     "pdftoppm -gray -r %d -f %d -l %d '%s' '%s' "
			     "2>&1",
			     dpi, page, page, pdf, join(s, "r")),
			 0);
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(run(s, &out, "ls '%s'-*%d.pgm", join(s, "r"), page),
			 0);
	out[strcspn(out, "\n")] = '\0';
	f = fopen(out, "rb");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "P5 %d %d %d", w, h, &max), 3);
	assert_int_equal(max, 255);
	fgetc(f);
	len = (size_t)*w * (size_t)*h;
	pix = malloc(len);
	assert_non_null(pix);
	assert_int_equal(fread(pix, 1, len, f), len);
	fclose(f);
	remove(out);
	free(out);
	return pix;
}

/* Nothing painted in r (points, page height ph) at dpi; some ink in
 * [y0, y1) of the page's height above it. */
static void check_empty(const unsigned char *pix, int w, int h, double k,
			double ph, const struct cc_rect *r)
{
	int x0 = (int)floor(r->x * k), x1 = (int)ceil((r->x + r->w) * k);
	int y0 = (int)floor((ph - r->y - r->h) * k);
	int y1 = (int)ceil((ph - r->y) * k);

	assert_true(x0 >= 0 && x1 <= w && y0 >= 0 && y1 <= h);
	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++)
			assert_int_equal(pix[(size_t)y * (size_t)w + (size_t)x],
					 255);
}

static void check_pixels(struct scratch *s, const char *pdf,
			 const struct cc_rect *sig, const struct cc_rect *seal)
{
	int w, h, light = 0, dark = 0;
	unsigned char *pix = render(s, pdf, 1, 72, &w, &h);

	check_empty(pix, w, h, 1, CC_PAGE_A4_H, sig);
	check_empty(pix, w, h, 1, CC_PAGE_A4_H, seal);
	/* Something is written above them. */
	for (int y = 0; y < (int)(CC_PAGE_A4_H - seal->y - seal->h); y++)
		for (int x = 0; x < w; x++)
			dark += pix[(size_t)y * (size_t)w + (size_t)x] < 128;
	assert_true(dark > 500);
	free(pix);

	/* The watermark: light grey across the middle of the page, never
	 * dark. */
	pix = render(s, pdf, 2, 72, &w, &h);
	for (int y = h / 3; y < 2 * h / 3; y++)
		for (int x = 0; x < w; x++) {
			unsigned char v =
				pix[(size_t)y * (size_t)w + (size_t)x];

			light += v < 255;
			assert_true(v > 200);
		}
	assert_true(light > w * h / 60);
	free(pix);
}

static void test_pdf(void **state)
{
	struct scratch *s = *state;
	const struct cc_statement *st[2] = {&sample, &long_one};

	NEED("pdftotext");
	NEED("pdftoppm");
	NEED("pdffonts");
	NEED("qpdf");
	NEED("mutool");
	for (int i = 0; i < 2; i++) {
		struct cc_rect sig, seal,
			page = {0, 0, CC_PAGE_A4_W, CC_PAGE_A4_H};
		char pdf[4200];

		snprintf(pdf, sizeof(pdf), "%s", join(s, "copy.pdf"));
		write_pdf(pdf, st[i], &sig, &seal);
		/* The areas: on the page, apart, big enough. */
		assert_true(sig.x >= 0 && sig.y >= 0 && seal.x >= 0 &&
			    seal.y >= 0);
		assert_true(sig.x + sig.w <= page.w &&
			    seal.x + seal.w <= page.w);
		assert_false(overlaps(&sig, &seal));
		assert_true(seal.w >= 150 && seal.h >= 150);
		assert_true(sig.x < seal.x);
		print_message("sig %.2f %.2f %.2f %.2f, seal %.2f %.2f %.2f "
			      "%.2f\n",
			      sig.x, sig.y, sig.w, sig.h, seal.x, seal.y,
			      seal.w, seal.h);
		check_tools(s, pdf);
		check_text(s, pdf, st[i]);
		check_pixels(s, pdf, &sig, &seal);
	}
}

static void test_watermark(void **state)
{
	struct cc_font *f = open_font();
	struct cc_error err = {0, ""};
	struct cc_buf b = {0};
	char *text;

	(void)state;
	assert_int_equal(
		cc_statement_watermark("TTPVHCC", f, 595.28, 841.89, &b, &err),
		CC_OK);
	cc_buf_put(&b, "", 1);
	text = (char *)b.data;
	/* Outlines, not text, painted light through /GSwm, marked as an
	 * artifact, the graphics state restored. */
	assert_null(strstr(text, "BT"));
	assert_null(strstr(text, "Tj"));
	assert_non_null(strstr(text, "/GSwm gs\n"));
	assert_int_equal(strncmp(text,
				 "q\n/Artifact << /Type /Pagination /Subtype "
				 "/Watermark >> BDC\n",
				 58),
			 0);
	assert_non_null(strstr(text, "\nf\nEMC\nQ\n"));
	assert_string_equal(text + b.len - 1 - 7, "\nEMC\nQ\n");
	cc_buf_free(&b);

	assert_int_equal(cc_statement_watermark("", f, 500, 500, &b, &err),
			 CC_USAGE);
	assert_int_equal(cc_statement_watermark(NULL, f, 500, 500, &b, &err),
			 CC_USAGE);
	assert_int_equal(cc_statement_watermark("X", f, 0, 500, &b, &err),
			 CC_USAGE);
	assert_int_equal(cc_statement_watermark("X", f, 500, NAN, &b, &err),
			 CC_USAGE);
	assert_int_equal(cc_statement_watermark("\xff", f, 500, 500, &b, &err),
			 CC_INPUT);
	assert_int_equal(
		cc_statement_watermark("TTPV 漢", f, 500, 500, &b, &err),
		CC_INPUT);
	assert_string_equal(err.msg, "cannot show text: font '" CC_FONT_DEFAULT
				     "' has no glyph for U+6F22");
	assert_int_equal(b.len, 0);
	cc_buf_free(&b);
	cc_font_close(f);
}

/* A statement that cannot fit leaves the content as it was. */
static void test_too_long(void **state)
{
	struct cc_font *f = open_font();
	struct cc_error err = {0, ""};
	struct cc_statement st = sample;
	struct cc_buf b = {0};
	struct cc_rect sig, seal;
	char big[301];

	(void)state;
	for (size_t i = 0; i < sizeof(big) - 1; i++)
		big[i] = i % 3 == 2 ? ' ' : 'W';
	big[sizeof(big) - 1] = '\0';
	st.number = st.book = st.certifier = st.title = st.office = big;
	cc_buf_puts(&b, "% before\n");
	assert_int_equal(cc_statement_page(&st, f, &b, &sig, &seal, &err),
			 CC_USAGE);
	assert_string_equal(err.msg,
			    "invalid statement: too long for the page");
	assert_int_equal(b.len, 9);
	cc_buf_free(&b);
	cc_font_close(f);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, scratch_teardown)
	const struct CMUnitTest tests[] = {
		T(test_fee), T(test_text),	T(test_refused),  T(test_wrap),
		T(test_pdf), T(test_watermark), T(test_too_long),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
