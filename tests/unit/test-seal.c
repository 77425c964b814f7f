/*
 * test-seal.c - the seal's appearance: its layout in rectangles of several
 * sizes (everything inside, nothing on the QR code), what it refuses, and a
 * PDF with the seal as a Form XObject on an A4 page judged by tools nobody
 * here wrote: zbarimg must read exactly the URL from pdftoppm's rendering at
 * 150 dpi (and says from what resolution down it still does), turned a
 * quarter, and from a "printed and scanned" copy (300 dpi, tilted 1.5
 * degrees, blurred, grey paper, noise, blurred again, JPEG at quality 75,
 * by Pillow);
 * pdftotext must give the code on a line of its own and the office's name
 * once; qpdf and mutool must find nothing wrong; the pixels must show a red
 * ring and a QR code with a white quiet zone and no red on it.
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
#include "seal.h"

#define PY "/usr/bin/python3"
/* Where the page shows the seal: the area cc-sign reserves. */
#define AT_X 370.0
#define AT_Y 430.0

static const char code[] = "7K3M-Q9TX-2B4D-X5QZ";
static const char url[] = "https://xacthuc.hue.gov.vn/v/7K3M-Q9TX-2B4D-X5QZ";

static const struct cc_seal sample = {
	.office = "Trung tâm Phục vụ hành chính công thành phố Huế",
	.short_name = "TTPVHCC",
	.code = code,
	.url = url,
	.date = "28/11/2026",
};

static int setup(void **state)
{
	return scratch_setup(state, "test-seal");
}

/* An A4 page showing the seal of s, w x h, at (AT_X, AT_Y). */
static void write_pdf(const char *path, const struct cc_seal *s, double w,
		      double h)
{
	struct cc_font *f = open_font();
	struct cc_error err = {0, ""};
	struct cc_buf seal = {0}, page = {0}, dict = {0};
	struct mini m;

	assert_int_equal(cc_seal_draw(s, f, w, h, &seal, &err), CC_OK);
	/* Shown with odd text and line state, which the seal must not
	 * inherit. */
	cc_buf_printf(&page,
		      "q 3 Tc 5 Tw 50 Tz 1 Tr [2 2] 0 d 1 0 0 1 %.2f %.2f cm "
		      "/Seal Do Q\n",
		      AT_X, AT_Y);
	cc_buf_printf(&dict,
		      "<< /Type /XObject /Subtype /Form /BBox [0 0 %.2f %.2f] "
		      "/Resources << /Font << /F1 9 0 R >> >> >>",
		      w, h);
	cc_buf_put(&dict, "", 1);

	mini_begin(&m);
	mini_obj(&m, 2, "<< /Type /Pages /Count 1 /Kids [3 0 R] >>");
	mini_obj(&m, 3,
		 "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89]"
		 " /Resources << /XObject << /Seal 5 0 R >> >> /Contents 4 0 "
		 "R >>");
	mini_stream(&m, 4, "<< >>", page.data, page.len);
	mini_stream(&m, 5, (const char *)dict.data, seal.data, seal.len);
	for (int i = 6; i < 9; i++)
		mini_obj(&m, i, "null");
	mini_font(&m, f, 9);
	mini_end(&m, path);
	cc_buf_free(&seal);
	cc_buf_free(&page);
	cc_buf_free(&dict);
	cc_font_close(f);
}

/* ---- layout ---- */

static int overlap(const struct cc_rect *a, const struct cc_rect *b)
{
	return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h &&
	       b->y < a->y + a->h;
}

static double dist_rect(double x, double y, const struct cc_rect *r)
{
	double dx = fmax(fmax(r->x - x, 0), x - (r->x + r->w));
	double dy = fmax(fmax(r->y - y, 0), y - (r->y + r->h));

	return hypot(dx, dy);
}

static void check_layout(const struct cc_seal_layout *l, double w, double h)
{
	const struct cc_rect all = {0, 0, w, h};
	int n = 17 + 4 * l->version + 8;

	assert_true(l->cx - l->r >= 0 && l->cx + l->r <= w);
	assert_true(l->cy - l->r >= 0 && l->cy + l->r <= h);
	assert_true(l->qr.x >= 0 && l->qr.y >= 0 && l->qr.x + l->qr.w <= w &&
		    l->qr.y + l->qr.h <= h + 1e-9);
	assert_true(l->code.x >= 0 && l->code.y >= 0 &&
		    l->code.x + l->code.w <= w && l->code.y + l->code.h <= h);
	assert_true(overlap(&l->code, &all));
	/* Square, modules of one size with the quiet zone, wide enough. */
	assert_true(fabs(l->qr.w - l->qr.h) < 1e-9);
	assert_true(fabs(l->qr.w - n * l->module) < 1e-6);
	assert_true(l->module >= CC_SEAL_MIN_MODULE);
	assert_true(l->level == 'Q' || l->level == 'M');
	/* Nothing on the QR code; the code clear of the seal. */
	assert_false(overlap(&l->code, &l->qr));
	assert_true(dist_rect(l->cx, l->cy, &l->qr) > l->r);
	assert_true(dist_rect(l->cx, l->cy, &l->code) > l->r);
	assert_true(l->code_size >= 7 && l->code_size <= 10 * fmin(w, h) / 170);
}

static void test_layout(void **state)
{
	static const double sizes[][2] = {
		{170, 170}, {150, 150}, {220, 170}, {170, 260},
		{400, 400}, {595, 150}, {150, 842},
	};
	struct cc_font *f = open_font();
	struct cc_error err = {0, ""};
	struct cc_seal_layout l;
	struct cc_seal s = sample;
	char longer[300];

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		assert_int_equal(cc_seal_layout(&sample, f, sizes[i][0],
						sizes[i][1], &l, &err),
				 CC_OK);
		check_layout(&l, sizes[i][0], sizes[i][1]);
		assert_true(l.r > 0.25 * fmin(sizes[i][0], sizes[i][1]));
	}
	/* The reserved area: level Q, a QR code of 80 pt or more. */
	assert_int_equal(cc_seal_layout(&sample, f, 170, 170, &l, &err), CC_OK);
	print_message("170 x 170: QR version %d level %c, module %.2f pt "
		      "(%.2f px at 150 dpi), %.1f pt with the quiet zone; seal "
		      "diameter %.1f pt; code %.1f pt\n",
		      l.version, l.level, l.module, l.module * 150 / 72, l.qr.w,
		      2 * l.r, l.code_size);
	assert_int_equal(l.level, 'Q');
	assert_true(l.qr.w >= 80);
	assert_true(l.module * 150 / 72 >= 3);
	assert_true(2 * l.r >= 90);
	/* A long URL: level M when Q's modules would be too small. */
	snprintf(longer, sizeof(longer),
		 "https://xacthuc.example.gov.vn/%0*d/%s", 90, 0, code);
	s.url = longer;
	assert_int_equal(cc_seal_layout(&s, f, 170, 170, &l, &err), CC_OK);
	check_layout(&l, 170, 170);
	assert_int_equal(l.level, 'M');
	/* Same input, same bytes. */
	{
		struct cc_buf a = {0}, b = {0};

		assert_int_equal(cc_seal_draw(&sample, f, 170, 170, &a, &err),
				 CC_OK);
		assert_int_equal(cc_seal_draw(&sample, f, 170, 170, &b, &err),
				 CC_OK);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.data, b.data, a.len);
		cc_buf_free(&a);
		cc_buf_free(&b);
	}
	cc_font_close(f);
}

/* ---- refusals ---- */

static void expect(const struct cc_seal *s, double w, double h, int code_,
		   const char *msg)
{
	struct cc_font *f = open_font();
	struct cc_error err = {0, ""};
	struct cc_buf b = {0};

	cc_buf_puts(&b, "% before\n");
	assert_int_equal(cc_seal_draw(s, f, w, h, &b, &err), code_);
	assert_int_equal(err.code, code_);
	if (!strstr(err.msg, msg))
		print_error("'%s' has no '%s'\n", err.msg, msg);
	assert_non_null(strstr(err.msg, msg));
	assert_int_equal(b.len, 9);
	cc_buf_free(&b);
	cc_font_close(f);
}

static void test_refused(void **state)
{
	struct cc_seal s;
	char big[700];

	(void)state;
	expect(NULL, 170, 170, CC_USAGE, "no seal");
	expect(&sample, 149, 170, CC_USAGE, "an area of 149 x 170 pt");
	expect(&sample, 170, 100, CC_USAGE, "an area of 170 x 100 pt");
	expect(&sample, NAN, 170, CC_USAGE, "an area of");
	expect(&sample, 170, INFINITY, CC_USAGE, "an area of");
	s = sample, s.office = NULL;
	expect(&s, 170, 170, CC_USAGE, "invalid seal: no office");
	s = sample, s.office = "Tr\x01ng";
	expect(&s, 170, 170, CC_USAGE, "control character in office");
	s = sample, s.office = "\xc3\x28";
	expect(&s, 170, 170, CC_USAGE, "office is not UTF-8");
	s = sample, s.short_name = "TT\nPV";
	expect(&s, 170, 170, CC_USAGE, "control character in short name");
	s = sample, s.date = "";
	expect(&s, 170, 170, CC_USAGE, "empty date");
	s = sample, s.code = NULL;
	expect(&s, 170, 170, CC_USAGE, "invalid seal: no code");
	s = sample, s.code = "7K3M-Q9TX-2B4D-X5Q1";
	expect(&s, 170, 170, CC_USAGE, "(check character)");
	s = sample, s.url = "";
	expect(&s, 170, 170, CC_USAGE, "invalid seal: no URL");
	s = sample, s.url = "https://xacthuc.hue.gov.vn/v/ 7K3M";
	expect(&s, 170, 170, CC_USAGE, "URL is not printable ASCII");
	s = sample, s.url = "https://xácthực.vn/7K3M";
	expect(&s, 170, 170, CC_USAGE, "URL is not printable ASCII");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	s = sample, s.url = big;
	expect(&s, 170, 170, CC_USAGE, "URL longer than 512 bytes");
	/* 400 bytes need a QR code too dense for the area. */
	big[400] = '\0';
	expect(&s, 170, 170, CC_USAGE, "the URL is too long for a QR code");
	memset(big, 'W', 299);
	big[299] = '\0';
	s = sample, s.office = big;
	expect(&s, 170, 170, CC_USAGE, "office's name is too long");
	s = sample, s.short_name = "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG";
	expect(&s, 170, 170, CC_USAGE, "short name is too long");
	s = sample, s.office = "Trung tâm 漢";
	expect(&s, 170, 170, CC_INPUT, "has no glyph for U+6F22");
	s = sample, s.short_name = "漢";
	expect(&s, 170, 170, CC_INPUT, "has no glyph for U+6F22");

	/* Optional parts left out, a code in a loose form: drawn, with the
	 * canonical code. */
	{
		struct cc_font *f = open_font();
		struct cc_error err = {0, ""};
		struct cc_buf b = {0};

		s = sample;
		s.short_name = NULL;
		s.date = NULL;
		s.code = "7k3m q9tx 2b4d x5qz";
		assert_int_equal(cc_seal_draw(&s, f, 170, 170, &b, &err),
				 CC_OK);
		cc_buf_free(&b);
		cc_font_close(f);
	}
}

/* The content stream's shape: balanced q/Q and BT/ET, the ring's name
 * as ActualText, the QR code as rectangles, the seal in red. */
static void test_content(void **state)
{
	struct cc_font *f = open_font();
	struct cc_error err = {0, ""};
	struct cc_buf b = {0};
	const char *t;
	int depth = 0, bt = 0;

	(void)state;
	assert_int_equal(cc_seal_draw(&sample, f, 170, 170, &b, &err), CC_OK);
	cc_buf_put(&b, "", 1);
	t = (const char *)b.data;
	for (const char *p = t; *p; p++) {
		int start = p == t || p[-1] == ' ' || p[-1] == '\n';
		int end = p[1] == ' ' || p[1] == '\n';

		if (!start)
			continue;
		if (p[0] == 'q' && end)
			depth++;
		if (p[0] == 'Q' && end)
			assert_true(--depth >= 0);
		if (!strncmp(p, "BT", 2) && (p[2] == ' ' || p[2] == '\n'))
			assert_int_equal(++bt, 1);
		if (!strncmp(p, "ET", 2) && (p[2] == ' ' || p[2] == '\n'))
			assert_int_equal(--bt, 0);
	}
	assert_int_equal(depth, 0);
	assert_int_equal(bt, 0);
	assert_non_null(strstr(t, "/Span << /ActualText <FEFF"));
	assert_non_null(strstr(t, " re\n"));
	assert_non_null(strstr(t, " rg "));
	assert_non_null(strstr(t, " Tm\n"));
	assert_null(strstr(t, "nan"));
	assert_null(strstr(t, "inf"));
	assert_string_equal(t + b.len - 3, "Q\n");
	cc_buf_free(&b);
	cc_font_close(f);
}

/* ---- the PDF ---- */

/* zbarimg's reading of image, "" for none (malloc'ed). */
static char *zbar(struct scratch *s, const char *image)
{
	char *out;

	run(s, &out,
	    "zbarimg -q --raw -Sdisable -Sqrcode.enable '%s' 2>/dev/null",
	    image);
	return out;
}

/* Whether the page rendered at dpi reads as the URL. */
static int reads_at(struct scratch *s, const char *pdf, int dpi)
{
	char *out;
	int ok;

	assert_int_equal(run(s, NULL,
			     "pdftoppm -r %d -gray -png '%s' '%s' "
			     "2>/dev/null",
			     dpi, pdf, join(s, "p")),
			 0);
	out = zbar(s, join(s, "p-1.png"));
	ok = !strcmp(out, url) || (!strncmp(out, url, strlen(url)) &&
				   !strcmp(out + strlen(url), "\n"));
	if (*out && !ok)
		print_error("at %d dpi zbarimg read '%s'\n", dpi, out);
	assert_true(ok || !*out);
	free(out);
	return ok;
}

static void check_text(struct scratch *s, const char *pdf)
{
	char *out;

	assert_int_equal(run(s, &out, "pdftotext -enc UTF-8 '%s' -", pdf), 0);
	if (!strstr(out, "\n7K3M-Q9TX-2B4D-X5QZ\n") &&
	    strncmp(out, "7K3M-Q9TX-2B4D-X5QZ\n", 20))
		print_error("pdftotext gave:\n%s\n", out);
	assert_true(strstr(out, "\n7K3M-Q9TX-2B4D-X5QZ\n") ||
		    !strncmp(out, "7K3M-Q9TX-2B4D-X5QZ\n", 20));
	assert_non_null(strstr(
		out, "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG THÀNH PHỐ HUẾ\n"));
	assert_non_null(strstr(out, "TTPVHCC\n"));
	assert_non_null(strstr(out, "Ngày ký: 28/11/2026\n"));
	/* The name once: its letters are not extracted a second time. */
	assert_null(strstr(strstr(out, "HUẾ") + 1, "HUẾ"));
	free(out);
}

/* The page in colour at dpi: *w x *h RGB pixels. */
static unsigned char *render_rgb(struct scratch *s, const char *pdf, int dpi,
				 int *w, int *h)
{
	char *out;
	unsigned char *pix;
	size_t len;
	FILE *f;
	int max;

	assert_int_equal(run(s, &out, "pdftoppm -r %d '%s' '%s' 2>&1", dpi, pdf,
			     join(s, "c")),
			 0);
	assert_string_equal(out, "");
	free(out);
	f = fopen(join(s, "c-1.ppm"), "rb");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "P6 %d %d %d", w, h, &max), 3);
	assert_int_equal(max, 255);
	fgetc(f);
	len = (size_t)*w * (size_t)*h * 3;
	pix = malloc(len);
	assert_non_null(pix);
	assert_int_equal(fread(pix, 1, len, f), len);
	fclose(f);
	return pix;
}

static void check_pixels(struct scratch *s, const char *pdf,
			 const struct cc_seal_layout *l, double w, double h)
{
	const int dpi = 144;
	const double k = dpi / 72.0, ph = 841.89;
	int pw, pht, red = 0, dark = 0, nqr = 0;
	unsigned char *pix = render_rgb(s, pdf, dpi, &pw, &pht);

	/* px(x, y): the pixel at seal coordinates x, y. */
#define PX(x, y)                                                               \
	(pix + 3 * ((size_t)(int)((ph - AT_Y - (y)) * k) * (size_t)pw +        \
		    (size_t)(int)((AT_X + (x)) * k)))
	for (double y = 0.5; y < h; y += 0.5)
		for (double x = 0.5; x < w; x += 0.5) {
			const unsigned char *p = PX(x, y);
			int is_red = p[0] > 150 && p[1] < 100 && p[2] < 100;
			int in_qr =
				x > l->qr.x + 1 && x < l->qr.x + l->qr.w - 1 &&
				y > l->qr.y + 1 && y < l->qr.y + l->qr.h - 1;
			int in_quiet =
				in_qr &&
				(x < l->qr.x + 4 * l->module - 1 ||
				 x > l->qr.x + l->qr.w - 4 * l->module + 1 ||
				 y < l->qr.y + 4 * l->module - 1 ||
				 y > l->qr.y + l->qr.h - 4 * l->module + 1);

			if (in_qr) {
				/* Black and white only. */
				assert_true(abs(p[0] - p[1]) < 8 &&
					    abs(p[1] - p[2]) < 8);
				dark += p[0] < 100;
				nqr++;
			}
			if (in_quiet)
				assert_true(p[0] == 255 && p[1] == 255 &&
					    p[2] == 255);
			if (hypot(x - l->cx, y - l->cy) < l->r)
				red += is_red;
		}
	/* A QR code is about half dark; the rings and letters are red. */
	assert_true(dark > nqr / 5 && dark < nqr * 7 / 10);
	assert_true(red > 2000);
	{
		/* The outer ring, right and left of the centre. */
		const unsigned char *p = PX(l->cx + l->r - 0.8, l->cy);
		const unsigned char *q = PX(l->cx - l->r + 0.8, l->cy);

		assert_true(p[0] > 150 && p[1] < 100 && p[2] < 100);
		assert_true(q[0] > 150 && q[1] < 100 && q[2] < 100);
	}
	/* Nothing outside the area. */
	for (int y = 0; y < pht; y++)
		for (int x = 0; x < pw; x++) {
			double px = x / k - AT_X, py = ph - y / k - AT_Y;

			if (px < -1 || px > w + 1 || py < -1 || py > h + 1)
				assert_int_equal(pix[3 * ((size_t)y * pw + x)],
						 255);
		}
#undef PX
	free(pix);
}

static int have_pillow(struct scratch *s)
{
	return have(PY) && run(s, NULL, PY " -c 'import PIL' 2>/dev/null") == 0;
}

/* Pillow's picture of the image named in, as out (names in the scratch
 * directory): mode "scan" tilts, blurs, greys, adds noise and saves as
 * JPEG; a number turns it by that many degrees. */
static void transform(struct scratch *s, const char *in, const char *out,
		      const char *mode)
{
	static const char script[] =
		"import sys\n"
		"from PIL import Image, ImageChops, ImageFilter\n"
		"src, dst, mode = sys.argv[1:4]\n"
		"im = Image.open(src).convert('L')\n"
		"if mode == 'scan':\n"
		"    # tilted on the glass, ink spread, grey paper, sensor\n"
		"    # noise, the scanner's optics, JPEG\n"
		"    im = im.rotate(1.5, resample=Image.BICUBIC, expand=True,\n"
		"                   fillcolor=255)\n"
		"    im = im.filter(ImageFilter.GaussianBlur(1.0))\n"
		"    im = im.point(lambda v: 30 + v * 200 // 255)\n"
		"    noise = Image.effect_noise(im.size, 12)\n"
		"    im = ImageChops.add(im, noise, 1.0, -128)\n"
		"    im = im.filter(ImageFilter.GaussianBlur(0.6))\n"
		"    im.save(dst, 'JPEG', quality=75)\n"
		"else:\n"
		"    im = im.rotate(float(mode), resample=Image.BICUBIC,\n"
		"                   expand=True, fillcolor=255)\n"
		"    im.save(dst)\n";
	FILE *f = fopen(join(s, "t.py"), "w");

	assert_non_null(f);
	assert_int_equal(fputs(script, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(run(s, NULL, "cd '%s' && " PY " t.py '%s' '%s' '%s'",
			     s->dir, in, out, mode),
			 0);
}

static void test_pdf(void **state)
{
	static const int dpis[] = {40, 50, 60, 65, 70, 75, 80, 90, 100, 120};
	struct scratch *s = *state;
	struct cc_font *f = open_font();
	struct cc_error err = {0, ""};
	struct cc_seal_layout l;
	char pdf[4200], *out;
	int lowest = 0;

	NEED("pdftoppm");
	NEED("pdftotext");
	NEED("zbarimg");
	NEED("qpdf");
	NEED("mutool");
	snprintf(pdf, sizeof(pdf), "%s", join(s, "seal.pdf"));
	write_pdf(pdf, &sample, 170, 170);
	check_clean(s, pdf);
	check_text(s, pdf);
	assert_int_equal(cc_seal_layout(&sample, f, 170, 170, &l, &err), CC_OK);
	check_pixels(s, pdf, &l, 170, 170);

	/* What the design asks: 150 dpi; and print resolutions. */
	assert_true(reads_at(s, pdf, 150));
	assert_true(reads_at(s, pdf, 200));
	assert_true(reads_at(s, pdf, 300));
	for (size_t i = 0; i < sizeof(dpis) / sizeof(dpis[0]); i++)
		if (reads_at(s, pdf, dpis[i]) && !lowest)
			lowest = dpis[i];
	print_message("zbarimg reads the seal's QR code from %d dpi up (module "
		      "%.2f pt)\n",
		      lowest, l.module);
	assert_true(lowest > 0 && lowest <= 100);

	if (have_pillow(s)) {
		/* A quarter turn and a slant, at 150 dpi. */
		assert_true(reads_at(s, pdf, 150));
		transform(s, "p-1.png", "r90.png", "90");
		out = zbar(s, join(s, "r90.png"));
		assert_string_equal(out, "https://xacthuc.hue.gov.vn/v/"
					 "7K3M-Q9TX-2B4D-X5QZ\n");
		free(out);
	} else {
		print_message("skip: turned images: " PY " has no PIL\n");
	}

	/* A larger area, a longer URL at level M: 150 dpi still. */
	{
		struct cc_seal m = sample;
		char longer[300];

		snprintf(longer, sizeof(longer),
			 "https://xacthuc.example.gov.vn/%0*d/%s", 90, 0, code);
		m.url = longer;
		write_pdf(pdf, &m, 170, 170);
		assert_int_equal(run(s, NULL,
				     "pdftoppm -r 150 -gray -png '%s' '%s'",
				     pdf, join(s, "m")),
				 0);
		out = zbar(s, join(s, "m-1.png"));
		assert_int_equal(strncmp(out, longer, strlen(longer)), 0);
		free(out);
		write_pdf(pdf, &sample, 150, 150);
		assert_true(reads_at(s, pdf, 150));
		write_pdf(pdf, &sample, 220, 200);
		assert_true(reads_at(s, pdf, 150));
	}
	cc_font_close(f);
}

/* Printed and scanned: 300 dpi, tilted, blurred, noisy, JPEG. */
static void test_scanned(void **state)
{
	struct scratch *s = *state;
	char pdf[4200], *out;

	NEED("pdftoppm");
	NEED("zbarimg");
	if (!have_pillow(s)) {
		print_message("skip: " PY " with PIL (python3-pil) is not "
			      "installed\n");
		skip();
	}
	snprintf(pdf, sizeof(pdf), "%s", join(s, "seal.pdf"));
	write_pdf(pdf, &sample, 170, 170);
	assert_int_equal(run(s, NULL, "pdftoppm -r 300 -png '%s' '%s'", pdf,
			     join(s, "scan")),
			 0);
	transform(s, "scan-1.png", "scan.jpg", "scan");
	out = zbar(s, join(s, "scan.jpg"));
	assert_string_equal(out, "https://xacthuc.hue.gov.vn/v/"
				 "7K3M-Q9TX-2B4D-X5QZ\n");
	free(out);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, scratch_teardown)
	const struct CMUnitTest tests[] = {
		T(test_layout), T(test_refused), T(test_content),
		T(test_pdf),	T(test_scanned),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
