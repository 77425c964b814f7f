/*
 * test-quality.c - the quality gate (quality.h) and page cleanup
 * (cleanup.h) on synthetic A5 pages at 300 dpi: lines of dark boxes stand
 * for text. Each defect the gate knows is made on purpose and must be the
 * reason given; cleanup must find and undo a known skew and border.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include <allheaders.h>

#include "cleanup.h"
#include "quality.h"

#define DPI 300
#define W 1748 /* A5 at 300 dpi */
#define H 2480
#define PAPER 235
#define MARGIN 150

/* Lines of 20 x 30 px "letters" with uneven gaps inside the margins; every
 * third line runs into the right edge when cut is set. */
static PIX *text_page(int cut)
{
	PIX *p = pixCreate(W, H, 8);
	uint32_t seed = 1;

	assert_non_null(p);
	pixSetAllArbitrary(p, PAPER);
	for (int y = 200, line = 0; y + 30 < H - 200; y += 60, line++) {
		for (int x = MARGIN; x + 20 <= W - MARGIN;) {
			seed = seed * 1103515245 + 12345;
			pixRasterop(p, x, y, 20, 30, PIX_CLR, NULL, 0, 0);
			x += 20 + 6 + (int)(seed >> 28) % 3 * 8;
		}
		if (cut && line % 3 == 0)
			pixRasterop(p, W - MARGIN, y, MARGIN, 30, PIX_CLR, NULL,
				    0, 0);
	}
	pixSetResolution(p, DPI, DPI);
	return p;
}

static void measure(PIX *p, struct cc_quality *q)
{
	struct cc_error err = {0, ""};

	assert_int_equal(cc_quality_measure(p, DPI, q, &err), CC_OK);
}

static void expect_reason(PIX *p, const char *what)
{
	struct cc_quality q;

	measure(p, &q);
	assert_int_equal(q.pass, 0);
	if (!strstr(q.reason, what))
		fail_msg("'%s' not in \"%s\"", what, q.reason);
}

static void test_histogram_quantile(void **state)
{
	unsigned long hist[256] = {0};
	PIX *p = pixCreate(10, 10, 8);

	(void)state;
	assert_int_equal(cc_hist_quantile(hist, 0.5), 0); /* empty */
	hist[10] = 10;
	hist[200] = 90;
	assert_int_equal(cc_hist_quantile(hist, 0.05), 10);
	assert_int_equal(cc_hist_quantile(hist, 0.10), 10);
	assert_int_equal(cc_hist_quantile(hist, 0.11), 200);
	assert_int_equal(cc_hist_quantile(hist, 1.0), 200);

	pixSetAllArbitrary(p, 100);
	pixSetPixel(p, 0, 0, 7);
	cc_gray_histogram(p, 1, hist);
	assert_int_equal(hist[100], 99);
	assert_int_equal(hist[7], 1);
	cc_gray_histogram(p, 2, hist); /* rows and columns 0, 2, .. 8 */
	assert_int_equal(hist[100] + hist[7], 25);
	assert_int_equal(hist[7], 1);
	pixDestroy(&p);
}

static void test_white_page_is_blank(void **state)
{
	PIX *p = pixCreate(W, H, 8);

	(void)state;
	pixSetAllArbitrary(p, PAPER);
	expect_reason(p, "blank");
	pixDestroy(&p);
}

static void test_text_page_passes(void **state)
{
	PIX *p = text_page(0);
	struct cc_quality q;

	(void)state;
	measure(p, &q);
	if (!q.pass)
		fail_msg("failed: %s", q.reason);
	assert_string_equal(q.reason, "");
	assert_in_range((long)q.paper, PAPER - 2, PAPER);
	assert_true(q.contrast >= CC_Q_MIN_CONTRAST);
	assert_true(q.sharpness >= CC_Q_MIN_SHARPNESS);
	assert_true(q.ink_fraction > 0.05 && q.ink_fraction < 0.5);
	for (int s = 0; s < 4; s++)
		assert_int_equal(q.edge_runs[s], 0);
	pixDestroy(&p);
}

static void test_blurred_page_fails(void **state)
{
	PIX *p = text_page(0), *b = pixBlockconv(p, 9, 9);

	(void)state;
	assert_non_null(b);
	expect_reason(b, "blurred");
	pixDestroy(&b);
	pixDestroy(&p);
}

static void test_dark_page_fails(void **state)
{
	PIX *p = text_page(0);

	(void)state;
	assert_int_equal(pixMultConstantGray(p, 0.25f), 0);
	expect_reason(p, "too dark");
	pixDestroy(&p);
}

static void test_cut_off_right_edge(void **state)
{
	PIX *p = text_page(1);
	struct cc_quality q;

	(void)state;
	measure(p, &q);
	assert_int_equal(q.pass, 0);
	assert_non_null(strstr(q.reason, "cut off at the right edge"));
	assert_null(strstr(q.reason, "blurred"));
	assert_true(q.edge_runs[1] >= CC_Q_MAX_EDGE_RUNS);
	assert_int_equal(q.edge_runs[0] + q.edge_runs[2] + q.edge_runs[3], 0);
	pixDestroy(&p);
}

static void test_frame_line_is_not_cut_off(void **state)
{
	PIX *p = text_page(0);
	struct cc_quality q;

	(void)state;
	/* One long mark along the edge (a frame, a shadow) is one run. */
	pixRasterop(p, W - 8, 100, 4, H - 200, PIX_CLR, NULL, 0, 0);
	measure(p, &q);
	if (!q.pass)
		fail_msg("failed: %s", q.reason);
	assert_int_equal(q.edge_runs[1], 1);
	pixDestroy(&p);
}

static void cleanup(PIX *in, const struct cc_cleanup_opts *o, PIX **out,
		    PIX **gray, struct cc_cleanup_info *info)
{
	struct cc_error err = {0, ""};

	assert_int_equal(cc_cleanup_page(in, DPI, o, out, gray, info, &err),
			 CC_OK);
	assert_non_null(*out);
	assert_non_null(*gray);
	assert_int_equal(pixGetDepth(*gray), 8);
}

static void test_deskew(void **state)
{
	static const struct cc_cleanup_opts o = {.deskew = 1};
	PIX *p = text_page(0), *r, *out, *gray, *out2, *gray2;
	struct cc_cleanup_info info;

	(void)state;
	for (int sign = -1; sign <= 1; sign += 2) {
		/* pixRotate turns clockwise for a positive angle, so the
		 * page's counter-clockwise skew is minus that angle. */
		r = pixRotate(p, (float)(sign * 3.0 * M_PI / 180.0),
			      L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0);
		assert_non_null(r);
		cleanup(r, &o, &out, &gray, &info);
		assert_true(fabs(info.skew_found + sign * 3.0) < 0.2);
		assert_true(info.skew_conf >= 3.0);
		assert_int_equal(info.skew_corrected, 1);
		/* Corrected the right way: little skew is left. */
		cleanup(out, &o, &out2, &gray2, &info);
		assert_true(fabs(info.skew_found) < 0.2);
		pixDestroy(&out2);
		pixDestroy(&gray2);
		pixDestroy(&out);
		pixDestroy(&gray);
		pixDestroy(&r);
	}
	pixDestroy(&p);
}

static void test_crop_dark_border(void **state)
{
	static const struct cc_cleanup_opts o = {.crop = 1};
	PIX *p = text_page(0), *b = pixAddBorder(p, 60, 30), *out, *gray;
	struct cc_cleanup_info info;

	(void)state;
	assert_non_null(b);
	cleanup(b, &o, &out, &gray, &info);
	/* The page inside the 60 px border, give or take a reduced pixel. */
	assert_in_range(info.crop_x, 56, 72);
	assert_in_range(info.crop_y, 56, 72);
	assert_in_range(info.crop_w, W - 16, W);
	assert_in_range(info.crop_h, H - 16, H);
	assert_int_equal(pixGetWidth(out), info.crop_w);
	assert_int_equal(pixGetHeight(out), info.crop_h);
	assert_int_equal(info.skew_corrected, 0);
	pixDestroy(&out);
	pixDestroy(&gray);

	/* Without the border nothing is cut. */
	cleanup(p, &o, &out, &gray, &info);
	assert_int_equal(pixGetWidth(out), W);
	assert_int_equal(pixGetHeight(out), H);
	pixDestroy(&out);
	pixDestroy(&gray);
	pixDestroy(&b);
	pixDestroy(&p);
}

static void test_no_options_keeps_page(void **state)
{
	static const struct cc_cleanup_opts none;
	PIX *p = text_page(0), *rgb = pixConvert8To32(p), *out, *gray;
	struct cc_cleanup_info info;
	l_int32 same = 0;

	(void)state;
	cleanup(p, &none, &out, &gray, &info);
	assert_int_equal(pixEqual(out, p, &same), 0);
	assert_true(same);
	assert_int_equal(info.crop_w, W);
	assert_int_equal(info.crop_h, H);
	assert_int_equal(pixGetXRes(out), DPI);
	pixDestroy(&out);
	pixDestroy(&gray);

	/* Colour stays colour; the gray copy is for the gate. */
	cleanup(rgb, &none, &out, &gray, &info);
	assert_int_equal(pixGetDepth(out), 32);
	assert_int_equal(pixGetWidth(out), W);
	assert_int_equal(pixGetHeight(out), H);
	assert_int_equal(pixGetWidth(gray), W);
	pixDestroy(&out);
	pixDestroy(&gray);
	pixDestroy(&rgb);
	pixDestroy(&p);
}

static void test_binarize(void **state)
{
	static const struct cc_cleanup_opts o = {.normalize = 1, .binarize = 1};
	PIX *p = text_page(0), *out, *gray;
	struct cc_cleanup_info info;
	l_uint32 v;

	(void)state;
	cleanup(p, &o, &out, &gray, &info);
	assert_int_equal(pixGetDepth(out), 1);
	pixGetPixel(out, MARGIN + 5, 210, &v); /* inside the first box */
	assert_int_equal(v, 1);
	pixGetPixel(out, 20, 20, &v); /* paper */
	assert_int_equal(v, 0);
	pixDestroy(&out);
	pixDestroy(&gray);
	pixDestroy(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_histogram_quantile),
		cmocka_unit_test(test_white_page_is_blank),
		cmocka_unit_test(test_text_page_passes),
		cmocka_unit_test(test_blurred_page_fails),
		cmocka_unit_test(test_dark_page_fails),
		cmocka_unit_test(test_cut_off_right_edge),
		cmocka_unit_test(test_frame_line_is_not_cut_off),
		cmocka_unit_test(test_deskew),
		cmocka_unit_test(test_crop_dark_border),
		cmocka_unit_test(test_no_options_keeps_page),
		cmocka_unit_test(test_binarize),
	};

	setMsgSeverity(L_SEVERITY_NONE);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
