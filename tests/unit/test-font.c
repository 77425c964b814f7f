/*
 * test-font.c - the embedded font: errors when opening, the subset (much
 * smaller than the font, loadable by FreeType, each code's glyph the same
 * shape and width as in the original), widths that agree with what is
 * shown, the same bytes for the same calls, outlines that are paths and no
 * text, and text extraction judged by pdftotext, qpdf and mutool on a PDF
 * made here: ligatures, kerning, marks that have no precomposed form and
 * decomposed input come back as the exact NFC text.
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
#include <sys/stat.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include <zlib.h>

#include "minipdf.h"
#include "tooltest.h"
#include "font.h"

static int setup(void **state)
{
	return scratch_setup(state, "test-font");
}

static const char *str(struct cc_buf *b)
{
	cc_buf_put(b, "", 1);
	assert_false(b->failed);
	b->len--;
	return (const char *)b->data;
}

/* A stream's data, inflated; *len its length. */
static unsigned char *inflate_obj(const struct cc_pdf_object *o, size_t want,
				  size_t *len)
{
	uLongf n = (uLongf)want;
	unsigned char *p = malloc(want + 1);

	assert_non_null(p);
	assert_true(o->is_stream);
	assert_int_equal(uncompress(p, &n, o->data.data, o->data.len), Z_OK);
	*len = n;
	return p;
}

/* ---- opening ---- */

static void test_open_errors(void **state)
{
	struct scratch *s = *state;
	struct cc_error err = {0, ""};
	FILE *f;

	assert_null(cc_font_open("/nonexistent/x.ttf", &err));
	assert_int_equal(err.code, CC_SYSTEM);
	assert_string_equal(err.msg, "cannot open font '/nonexistent/x.ttf': "
				     "No such file or directory");
	assert_null(cc_font_open("/", &err));
	assert_int_equal(err.code, CC_INPUT);
	assert_string_equal(err.msg, "cannot open font '/': not a regular "
				     "file");
	f = fopen(join(s, "x.ttf"), "w");
	assert_non_null(f);
	for (int i = 0; i < 100; i++)
		fputs("not a font at all\n", f);
	fclose(f);
	assert_null(cc_font_open(join(s, "x.ttf"), &err));
	assert_int_equal(err.code, CC_INPUT);
	assert_non_null(strstr(err.msg, "not a TrueType font with glyf "
					"outlines"));
	f = fopen(join(s, "short.ttf"), "w");
	assert_non_null(f);
	fclose(f);
	assert_null(cc_font_open(join(s, "short.ttf"), &err));
	assert_int_equal(err.code, CC_INPUT);
	cc_font_close(NULL);
}

static void test_show_errors(void **state)
{
	struct cc_font *f = open_font();
	struct cc_error err = {0, ""};
	struct cc_buf b = {0};
	struct cc_pdf_object o[CC_FONT_NOBJ];
	const int num[CC_FONT_NOBJ] = {1, 2, 3, 4, 5, 6};
	char *big = malloc(70000);

	(void)state;
	assert_non_null(big);
	/* Nothing shown: nothing to embed. */
	assert_int_equal(cc_font_objects(f, num, o, &err), CC_USAGE);
	assert_non_null(strstr(err.msg, "no text was shown"));
	cc_buf_puts(&b, "BT\n");
	assert_int_equal(cc_font_show(f, "Ph\xe1\xbb", 12, &b, &err), CC_INPUT);
	assert_string_equal(err.msg, "cannot show text: invalid UTF-8");
	/* No box for a character the font lacks. */
	assert_int_equal(cc_font_show(f, "Họ tên: 阮文安", 12, &b, &err),
			 CC_INPUT);
	assert_string_equal(err.msg, "cannot show text: font '" CC_FONT_DEFAULT
				     "' has no glyph for U+962E");
	assert_int_equal(cc_font_outline(f, "阮", 12, 0, 0, &b, &err),
			 CC_INPUT);
	assert_true(cc_font_width(f, "阮", 12) == 0);
	assert_int_equal(cc_font_show(f, NULL, 12, &b, &err), CC_USAGE);
	assert_int_equal(cc_font_show(f, "A", 0, &b, &err), CC_USAGE);
	assert_int_equal(cc_font_show(f, "A", NAN, &b, &err), CC_USAGE);
	memset(big, 'a', 69999);
	big[69999] = '\0';
	assert_int_equal(cc_font_show(f, big, 12, &b, &err), CC_INPUT);
	/* Content untouched by all of it; the empty text shows nothing. */
	assert_int_equal(cc_font_show(f, "", 12, &b, &err), CC_OK);
	assert_string_equal(str(&b), "BT\n");
	assert_true(cc_font_width(f, "Ph\xe1\xbb", 12) == 0);
	assert_true(cc_font_width(f, NULL, 12) == 0);
	assert_int_equal(cc_font_objects(f, num, o, &err), CC_USAGE);
	cc_buf_free(&b);
	free(big);
	cc_font_close(f);
}

/* ---- what is shown ---- */

/* The /W array of the CIDFont: widths of codes 1, 2, ... */
static size_t widths(const struct cc_pdf_object *cid, double *w, size_t max)
{
	const char *p = strstr((const char *)cid->dict.data, "/W [1 [");
	size_t n = 0;
	char *end;

	assert_non_null(p);
	p += 7;
	while (n < max) {
		double v = strtod(p, &end);

		if (end == p)
			break;
		w[n++] = v;
		p = end;
	}
	while (*p == ' ' || *p == '\n')
		p++;
	assert_memory_equal(p, "]]", 2);
	return n;
}

/* Where the pen ends after the TJ arrays of content, in 1/1000 em; the
 * codes shown in *codes. Ts and other operators are skipped. */
static double pen_after(const char *content, const double *w, size_t nw,
			unsigned *codes, size_t *ncodes)
{
	double pen = 0;
	const char *p = content;

	*ncodes = 0;
	while ((p = strchr(p, '['))) {
		const char *end = strstr(p, "] TJ");

		assert_non_null(end);
		for (p++; p < end;) {
			if (*p == '<') {
				for (p++; *p != '>'; p += 4) {
					unsigned c;

					assert_int_equal(sscanf(p, "%4x", &c),
							 1);
					assert_true(c >= 1 && c <= nw);
					pen += w[c - 1];
					codes[(*ncodes)++] = c;
				}
				p++;
			} else {
				char *e;

				pen -= strtod(p, &e);
				assert_true(e > p);
				p = e;
			}
		}
	}
	return pen;
}

static const char *const texts[] = {
	"CHỨNG THỰC BẢN SAO ĐIỆN TỬ TỪ BẢN CHÍNH",
	"Người thực hiện chứng thực: Nguyễn Văn An, Công chứng viên",
	"AVAWAY Tây; office affine fluff",
	"x\xcc\x82 q\xcc\xa3\xcc\x88 Ke\xcc\x82\xcc\x81t", /* marks */
	"1234567890 đồng (Ω ≠ Å)",
};

static void test_widths_agree(void **state)
{
	struct cc_font *f = open_font();
	struct cc_error err = {0, ""};
	struct cc_pdf_object o[CC_FONT_NOBJ];
	const int num[CC_FONT_NOBJ] = {1, 2, 3, 4, 5, 6};
	struct cc_buf b[5] = {{0}};
	double w[1000], aw, a, v;
	unsigned codes[1000];
	size_t nw, nc;

	(void)state;
	for (int i = 0; i < 5; i++)
		assert_int_equal(cc_font_show(f, texts[i], 11, &b[i], &err),
				 CC_OK);
	assert_int_equal(cc_font_objects(f, num, o, &err), CC_OK);
	nw = widths(&o[CC_FONT_CIDFONT], w, 1000);
	for (int i = 0; i < 5; i++) {
		double pen = pen_after(str(&b[i]), w, nw, codes, &nc);

		/* The pen ends where HarfBuzz's advances put it. */
		assert_true(fabs(pen * 11 / 1000 -
				 cc_font_width(f, texts[i], 11)) < 1e-3);
		cc_buf_free(&b[i]);
	}
	/* Kerning: "AVA" is narrower than its letters apart. */
	aw = cc_font_width(f, "AVA", 10);
	a = cc_font_width(f, "A", 10);
	v = cc_font_width(f, "V", 10);
	assert_true(aw < 2 * a + v - 0.5);
	/* Width in proportion to size; decomposed the same as composed. */
	assert_true(fabs(cc_font_width(f, "Nguyễn", 24) -
			 2 * cc_font_width(f, "Nguyễn", 12)) < 1e-9);
	assert_true(cc_font_width(f, "Nguye\xcc\x82\xcc\x83n", 12) ==
		    cc_font_width(f, "Nguyễn", 12));
	/* A mark with no precomposed form is raised or lowered by Ts, and
	 * Ts is 0 again at the end. */
	assert_int_equal(cc_font_show(f, "q\xcc\xa3\xcc\x88", 10, &b[0], &err),
			 CC_OK);
	assert_non_null(strstr(str(&b[0]), " Ts\n"));
	assert_non_null(strstr(str(&b[0]), "\n0 Ts\n"));
	cc_buf_free(&b[0]);
	for (int i = 0; i < CC_FONT_NOBJ; i++)
		cc_pdf_object_free(&o[i]);
	cc_font_close(f);
}

/* The subset: small, loadable, each code's glyph the one shown. */
static void test_subset(void **state)
{
	struct cc_font *f = open_font();
	struct cc_error err = {0, ""};
	struct cc_pdf_object o[CC_FONT_NOBJ];
	const int num[CC_FONT_NOBJ] = {10, 11, 12, 13, 14, 15};
	struct cc_buf b = {0};
	FT_Library ft;
	FT_Face orig, sub;
	struct stat st;
	unsigned char *font, *map;
	size_t len, maplen, len1;
	double w[1000];
	size_t nw;
	const char *d;

	(void)state;
	for (int i = 0; i < 5; i++)
		assert_int_equal(cc_font_show(f, texts[i], 12, &b, &err),
				 CC_OK);
	assert_int_equal(cc_font_objects(f, num, o, &err), CC_OK);
	for (int i = 0; i < CC_FONT_NOBJ; i++)
		assert_int_equal(o[i].num, num[i]);

	/* The objects point at each other. */
	d = str(&o[CC_FONT_TYPE0].dict);
	assert_non_null(strstr(d, "/Subtype /Type0"));
	assert_non_null(strstr(d, "/Encoding /Identity-H"));
	assert_non_null(strstr(d, "/DescendantFonts [11 0 R]"));
	assert_non_null(strstr(d, "/ToUnicode 15 0 R"));
	assert_non_null(strstr(d, "+DejaVuSans "));
	assert_true(strstr(d, "/BaseFont /")[17] == '+');
	d = str(&o[CC_FONT_CIDFONT].dict);
	assert_non_null(strstr(d, "/CIDFontType2"));
	assert_non_null(strstr(d, "/FontDescriptor 12 0 R"));
	assert_non_null(strstr(d, "/CIDToGIDMap 14 0 R"));
	d = str(&o[CC_FONT_DESCRIPTOR].dict);
	assert_non_null(strstr(d, "/FontFile2 13 0 R"));
	assert_non_null(strstr(d, "/Flags 4 "));
	assert_non_null(strstr(d, "/ItalicAngle 0 "));
	assert_non_null(strstr(d, "/Ascent 928 /Descent -236 "));
	assert_non_null(strstr(d, "/CapHeight 729 "));
	d = str(&o[CC_FONT_FILE].dict);
	assert_int_equal(
		sscanf(d, "<< /Length1 %zu /Filter /FlateDecode >>", &len1), 1);

	font = inflate_obj(&o[CC_FONT_FILE], len1, &len);
	assert_int_equal(len, len1);
	assert_int_equal(stat(CC_FONT_DEFAULT, &st), 0);
	print_message("subset: %zu bytes, %zu compressed; %s: %lld bytes\n",
		      len, o[CC_FONT_FILE].data.len, CC_FONT_DEFAULT,
		      (long long)st.st_size);
	assert_true(len * 20 < (size_t)st.st_size);

	nw = widths(&o[CC_FONT_CIDFONT], w, 1000);
	map = inflate_obj(&o[CC_FONT_CIDTOGIDMAP], 2 * (nw + 1), &maplen);
	assert_int_equal(maplen, 2 * (nw + 1));

	/* FreeType reads the subset from memory; code by code, the glyph
	 * in it has the width written in /W and the outline of the glyph
	 * of the same width in the original (same points, same contours). */
	assert_int_equal(FT_Init_FreeType(&ft), 0);
	assert_int_equal(FT_New_Memory_Face(ft, font, (FT_Long)len, 0, &sub),
			 0);
	assert_int_equal(FT_New_Face(ft, CC_FONT_DEFAULT, 0, &orig), 0);
	print_message("subset: %ld glyphs for %zu codes; the font has %ld\n",
		      sub->num_glyphs, nw, orig->num_glyphs);
	assert_true(sub->num_glyphs > 40 && sub->num_glyphs < 200);
	assert_int_equal(sub->units_per_EM, orig->units_per_EM);
	for (size_t c = 1; c <= nw; c++) {
		unsigned g = (unsigned)map[2 * c] << 8 | map[2 * c + 1];
		double adv;

		assert_true(g > 0 && g < (unsigned)sub->num_glyphs);
		assert_int_equal(FT_Load_Glyph(sub, g, FT_LOAD_NO_SCALE), 0);
		adv = sub->glyph->metrics.horiAdvance * 1000.0 /
		      sub->units_per_EM;
		assert_true(fabs(adv - w[c - 1]) < 0.001);
	}
	/* "Ứ" in particular: the same outline as in the original. */
	{
		FT_UInt og = FT_Get_Char_Index(orig, 0x1ee8);
		unsigned found = 0;

		assert_true(og > 0);
		assert_int_equal(FT_Load_Glyph(orig, og, FT_LOAD_NO_SCALE), 0);
		for (size_t c = 1; c <= nw; c++) {
			unsigned g = (unsigned)map[2 * c] << 8 | map[2 * c + 1];

			assert_int_equal(
				FT_Load_Glyph(sub, g, FT_LOAD_NO_SCALE), 0);
			if (sub->glyph->outline.n_points ==
				    orig->glyph->outline.n_points &&
			    sub->glyph->outline.n_contours ==
				    orig->glyph->outline.n_contours &&
			    !memcmp(sub->glyph->outline.points,
				    orig->glyph->outline.points,
				    sizeof(FT_Vector) *
					    (size_t)sub->glyph->outline
						    .n_points))
				found++;
		}
		assert_int_equal(found, 1);
	}
	FT_Done_Face(sub);
	FT_Done_Face(orig);
	FT_Done_FreeType(ft);
	free(font);
	free(map);
	cc_buf_free(&b);
	for (int i = 0; i < CC_FONT_NOBJ; i++)
		cc_pdf_object_free(&o[i]);
	cc_font_close(f);
}

/* The same calls give the same bytes; other glyphs another subset tag. */
static void make(const char *const *t, size_t n, struct cc_buf *content,
		 struct cc_pdf_object o[CC_FONT_NOBJ])
{
	struct cc_font *f = open_font();
	struct cc_error err = {0, ""};
	const int num[CC_FONT_NOBJ] = {1, 2, 3, 4, 5, 6};

	for (size_t i = 0; i < n; i++)
		assert_int_equal(cc_font_show(f, t[i], 12, content, &err),
				 CC_OK);
	assert_int_equal(cc_font_objects(f, num, o, &err), CC_OK);
	cc_font_close(f);
}

static void test_deterministic(void **state)
{
	struct cc_buf c1 = {0}, c2 = {0}, c3 = {0};
	struct cc_pdf_object a[CC_FONT_NOBJ], b[CC_FONT_NOBJ], c[CC_FONT_NOBJ];

	(void)state;
	make(texts, 5, &c1, a);
	make(texts, 5, &c2, b);
	make(texts, 4, &c3, c);
	assert_int_equal(c1.len, c2.len);
	assert_memory_equal(c1.data, c2.data, c1.len);
	for (int i = 0; i < CC_FONT_NOBJ; i++) {
		assert_int_equal(a[i].dict.len, b[i].dict.len);
		assert_memory_equal(a[i].dict.data, b[i].dict.data,
				    a[i].dict.len);
		assert_int_equal(a[i].data.len, b[i].data.len);
		if (a[i].data.len)
			assert_memory_equal(a[i].data.data, b[i].data.data,
					    a[i].data.len);
	}
	assert_memory_not_equal(
		strstr(str(&a[CC_FONT_TYPE0].dict), "/BaseFont"),
		strstr(str(&c[CC_FONT_TYPE0].dict), "/BaseFont"), 24);
	for (int i = 0; i < CC_FONT_NOBJ; i++) {
		cc_pdf_object_free(&a[i]);
		cc_pdf_object_free(&b[i]);
		cc_pdf_object_free(&c[i]);
	}
	cc_buf_free(&c1);
	cc_buf_free(&c2);
	cc_buf_free(&c3);
}

static void test_outline(void **state)
{
	struct cc_font *f = open_font();
	struct cc_error err = {0, ""};
	struct cc_buf b = {0};
	const char *p;
	int moves = 0, closes = 0;
	double minx = 1e9, maxx = -1e9, miny = 1e9, maxy = -1e9;

	(void)state;
	assert_int_equal(cc_font_outline(f, "TTPVHCC", 100, 50, 200, &b, &err),
			 CC_OK);
	/* Path operators only: T, T, V, H, C, C one contour each, P two. */
	for (p = str(&b); *p;) {
		const char *e = strchr(p, '\n');
		double v[6];
		int n = 0, k;
		char op;

		assert_non_null(e);
		while (n < 6 && sscanf(p, "%lf%n", &v[n], &k) == 1) {
			p += k;
			n++;
		}
		assert_int_equal(sscanf(p, " %c", &op), 1);
		assert_true(strchr("mlch", op) != NULL);
		assert_int_equal(n, op == 'c' ? 6 : op == 'h' ? 0 : 2);
		for (int i = 0; i < n; i += 2) {
			minx = fmin(minx, v[i]), maxx = fmax(maxx, v[i]);
			miny = fmin(miny, v[i + 1]),
			maxy = fmax(maxy, v[i + 1]);
		}
		moves += op == 'm';
		closes += op == 'h';
		p = e + 1;
	}
	assert_int_equal(moves, 8);
	assert_int_equal(closes, 8);
	/* On the baseline at (50, 200), as wide as the text, caps high. */
	assert_true(fabs(minx - 50) < 5);
	assert_true(maxx < 50 + cc_font_width(f, "TTPVHCC", 100));
	assert_true(maxx > 50 + cc_font_width(f, "TTPVHCC", 100) - 12);
	assert_true(fabs(miny - 200) < 3);
	assert_true(fabs(maxy - 272.9) < 3);
	/* Nothing recorded for the font. */
	{
		struct cc_pdf_object o[CC_FONT_NOBJ];
		const int num[CC_FONT_NOBJ] = {1, 2, 3, 4, 5, 6};

		assert_int_equal(cc_font_objects(f, num, o, &err), CC_USAGE);
	}
	/* Spaces only: no path at all. */
	b.len = 0;
	assert_int_equal(cc_font_outline(f, "   ", 100, 0, 0, &b, &err), CC_OK);
	assert_int_equal(b.len, 0);
	cc_buf_free(&b);
	cc_font_close(f);
}

/* ---- extraction ---- */

/* Each line as given, and what it must come back as (NFC). */
static const char *const lines[][2] = {
	{"CHỨNG THỰC BẢN SAO ĐIỆN TỬ TỪ BẢN CHÍNH", NULL},
	{"Người thực hiện chứng thực: Nguyễn Văn An", NULL},
	/* fi, ffi and fl are ligatures in DejaVu Sans; AV and Ta kern. */
	{"office affine fluff AVAWAY Tây", NULL},
	/* Decomposed: comes back composed. */
	{"Nguye\xcc\x82\xcc\x83n Thi\xcc\xa3 Ca\xcc\x89nh", "Nguyễn Thị Cảnh"},
	/* Marks with no precomposed form stay marks, exactly. */
	{"x\xcc\x82 q\xcc\xa3 b\xcc\x83", NULL},
	{"Giá: 4.000 đồng (Ω ≠ Å)", NULL},
};
#define NLINES (sizeof(lines) / sizeof(lines[0]))

static void write_pdf(const char *path, struct cc_buf *page)
{
	struct cc_font *f = open_font();
	struct cc_error err = {0, ""};
	struct mini m;

	for (size_t i = 0; i < NLINES; i++) {
		cc_buf_printf(page, "BT\n/F1 16 Tf\n1 0 0 1 50 %zu Tm\n",
			      780 - 40 * i);
		assert_int_equal(cc_font_show(f, lines[i][0], 16, page, &err),
				 CC_OK);
		cc_buf_puts(page, "ET\n");
	}

	/* A classic PDF: catalog, pages, page, content, the font. */
	mini_begin(&m);
	mini_obj(&m, 2, "<< /Type /Pages /Count 1 /Kids [3 0 R] >>");
	mini_obj(&m, 3,
		 "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89]"
		 " /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>");
	mini_stream(&m, 4, "<< >>", page->data, page->len);
	mini_font(&m, f, 5);
	mini_end(&m, path);
	cc_font_close(f);
}

static void test_extraction(void **state)
{
	struct scratch *s = *state;
	struct cc_buf page = {0}, want = {0};
	char pdf[4200], *out;

	NEED("pdftotext");
	NEED("qpdf");
	NEED("mutool");
	snprintf(pdf, sizeof(pdf), "%s", join(s, "text.pdf"));
	write_pdf(pdf, &page);
	/* Ligatures and kerning were used. */
	assert_non_null(strstr(str(&page), "] TJ"));
	for (size_t i = 0; i < NLINES; i++)
		cc_buf_printf(&want, "%s\n",
			      lines[i][1] ? lines[i][1] : lines[i][0]);
	cc_buf_puts(&want, "\f");

	assert_int_equal(run(s, &out, "pdftotext -enc UTF-8 '%s' -", pdf), 0);
	/* pdftotext separates the lines by empty ones: drop them. */
	for (char *p = out; (p = strstr(p, "\n\n"));)
		memmove(p, p + 1, strlen(p));
	if (strcmp(out, str(&want)))
		print_error("pdftotext gave:\n%s\nnot:\n%s\n", out, str(&want));
	assert_string_equal(out, str(&want));
	free(out);

	check_clean(s, pdf);
	/* mutool's own text extraction agrees. */
	assert_int_equal(
		run(s, &out, "mutool draw -q -F txt '%s' 2>/dev/null", pdf), 0);
	for (size_t i = 0; i < NLINES; i++)
		assert_non_null(
			strstr(out, lines[i][1] ? lines[i][1] : lines[i][0]));
	free(out);
	cc_buf_free(&page);
	cc_buf_free(&want);
}

/* A cluster of several glyphs (U+06C0, which DejaVu Sans draws as two)
 * is marked with its text as ActualText. */
static void test_actual_text(void **state)
{
	struct cc_font *f = open_font();
	struct cc_error err = {0, ""};
	struct cc_buf b = {0};

	(void)state;
	assert_int_equal(cc_font_show(f, "a\xdb\x80", 12, &b, &err), CC_OK);
	assert_non_null(strstr(str(&b), "/Span << /ActualText <FEFF06C0> >> "
					"BDC\n"));
	assert_non_null(strstr(str(&b), "] TJ\nEMC\n"));
	cc_buf_free(&b);
	cc_font_close(f);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, scratch_teardown)
	const struct CMUnitTest tests[] = {
		T(test_open_errors),   T(test_show_errors),
		T(test_widths_agree),  T(test_subset),
		T(test_deterministic), T(test_outline),
		T(test_extraction),    T(test_actual_text),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
