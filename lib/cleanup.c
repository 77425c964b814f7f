/*
 * cleanup.c - page geometry and tone with Leptonica: crop the scanner border,
 * deskew, fix upside-down pages, normalise the background, binarise.
 */
#include "cleanup.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <allheaders.h>

#include "quality.h"

/* Skew search: the sweep covers what a hand-placed page shows. */
#define SKEW_RANGE 10.0	    /* degrees either way */
#define SKEW_MIN_CONF 3.0   /* below: no reliable text lines, leave it */
#define SKEW_MIN_ANGLE 0.1  /* degrees; smaller is not worth resampling */
#define ORIENT_MIN_CONF 5.0 /* |conf| below: orientation unknown */

static PIX *to_gray(PIX *in)
{
	return pixGetDepth(in) == 32 ? pixConvertRGBToLuminance(in)
				     : pixClone(in);
}

/* Paper and ink levels of an 8 bpp page, from a sampled histogram. */
static void levels(PIX *g, int *paper, int *ink)
{
	unsigned long hist[256];

	cc_gray_histogram(g, 4, hist);
	*paper = cc_hist_quantile(hist, 0.90);
	*ink = cc_hist_quantile(hist, 0.005);
}

/* Trim dark rows and columns (scanner lid, bed, shadows) from the edges of
 * g. Works at about 75 dpi; a row or column belongs to the border while less
 * than half of it is paper-bright. Leaves the box whole if the result would
 * be implausibly small (a dark page is the quality gate's business). */
static void paper_box(PIX *g, int dpi, int *bx, int *by, int *bw, int *bh)
{
	int w = pixGetWidth(g), h = pixGetHeight(g);
	int r = dpi >= 150 ? dpi / 75 : 1;
	PIX *s = r > 1 ? pixScaleAreaMap(g, 1.0f / r, 1.0f / r) : pixClone(g);
	int sw, sh, paper, ink, thr, top, bottom, left, right;
	l_uint32 *data;
	int wpl;

	*bx = 0;
	*by = 0;
	*bw = w;
	*bh = h;
	if (!s)
		return;
	sw = pixGetWidth(s);
	sh = pixGetHeight(s);
	data = pixGetData(s);
	wpl = pixGetWpl(s);
	levels(s, &paper, &ink);
	if (paper < 60)
		goto out;
	thr = paper * 55 / 100;

	/* rows */
	top = 0;
	bottom = sh - 1;
	for (int pass = 0; pass < 2; pass++) {
		for (;;) {
			int y = pass ? bottom : top, n = 0;
			l_uint32 *line = data + (size_t)y * wpl;

			if (top >= bottom)
				break;
			for (int x = 0; x < sw; x++)
				n += GET_DATA_BYTE(line, x) > thr;
			if (2 * n >= sw)
				break;
			if (pass)
				bottom--;
			else
				top++;
		}
	}
	/* columns, within the rows kept */
	left = 0;
	right = sw - 1;
	for (int pass = 0; pass < 2; pass++) {
		for (;;) {
			int x = pass ? right : left, n = 0;

			if (left >= right)
				break;
			for (int y = top; y <= bottom; y++)
				n += GET_DATA_BYTE(data + (size_t)y * wpl, x) >
				     thr;
			if (2 * n >= bottom - top + 1)
				break;
			if (pass)
				right--;
			else
				left++;
		}
	}
	if ((right - left + 1) * 2 < sw || (bottom - top + 1) * 2 < sh)
		goto out;
	/* Step one reduced pixel further in where a border was cut, so the
	 * blurred transition does not stay as a grey line. */
	if (left > 0)
		left++;
	if (top > 0)
		top++;
	if (right < sw - 1)
		right--;
	if (bottom < sh - 1)
		bottom--;
	*bx = left * r;
	*by = top * r;
	*bw = (right + 1) * r > w ? w - *bx : (right + 1) * r - *bx;
	*bh = (bottom + 1) * r > h ? h - *by : (bottom + 1) * r - *by;
	if (right == sw - 1)
		*bw = w - *bx;
	if (bottom == sh - 1)
		*bh = h - *by;
out:
	pixDestroy(&s);
}

/* Replace *page and *gray by their part inside the box. */
static int clip(PIX **page, PIX **gray, int x, int y, int w, int h)
{
	BOX *box;
	PIX *p, *g;

	if (x == 0 && y == 0 && w == pixGetWidth(*page) &&
	    h == pixGetHeight(*page))
		return 0;
	box = boxCreate(x, y, w, h);
	if (!box)
		return -1;
	p = pixClipRectangle(*page, box, NULL);
	g = *gray == *page ? pixClone(p) : pixClipRectangle(*gray, box, NULL);
	boxDestroy(&box);
	if (!p || !g) {
		pixDestroy(&p);
		pixDestroy(&g);
		return -1;
	}
	pixDestroy(page);
	pixDestroy(gray);
	*page = p;
	*gray = g;
	return 0;
}

static PIX *binarize_for_analysis(PIX *g)
{
	int paper, ink;

	levels(g, &paper, &ink);
	return pixThresholdToBinary(g, ink + (paper - ink) / 2 + 1);
}

/* pix turned by degrees (clockwise positive), white brought in. */
static PIX *rotated(PIX *pix, double degrees)
{
	return pixRotate(pix, (float)(degrees * M_PI / 180.0),
			 L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0);
}

static int rotate(PIX **page, PIX **gray, double degrees)
{
	PIX *p = rotated(*page, degrees), *g;

	if (!p)
		return -1;
	g = *gray == *page ? pixClone(p) : rotated(*gray, degrees);
	if (!g) {
		pixDestroy(&p);
		return -1;
	}
	pixDestroy(page);
	pixDestroy(gray);
	*page = p;
	*gray = g;
	return 0;
}

/* Turn page and gray by quads quarter turns clockwise (1, 2 or 3). */
static int turn(PIX **page, PIX **gray, int quads)
{
	PIX *p = pixRotateOrth(*page, quads), *g;

	if (!p)
		return -1;
	g = *gray == *page ? pixClone(p) : pixRotateOrth(*gray, quads);
	if (!g) {
		pixDestroy(&p);
		return -1;
	}
	pixDestroy(page);
	pixDestroy(gray);
	*page = p;
	*gray = g;
	return 0;
}

/* Finds the skew of bin into info; returns the turn that straightens it,
 * 0 when none is found or it is too small to be worth resampling. */
static double skew_to_correct(PIX *bin, struct cc_cleanup_info *info)
{
	l_float32 angle = 0, conf = 0;

	if (pixFindSkewSweepAndSearch(bin, &angle, &conf, 4, 2, SKEW_RANGE,
				      1.0f, 0.01f) == 0) {
		/* Leptonica's angle is both the page's skew, counter-
		 * clockwise positive, and what pixRotate (clockwise
		 * positive) must turn it by to straighten it. */
		info->skew_found = angle;
		info->skew_conf = conf;
	}
	return info->skew_conf >= SKEW_MIN_CONF &&
			       fabs(info->skew_found) >= SKEW_MIN_ANGLE
		       ? info->skew_found
		       : 0;
}

PIX *cc_straighten(PIX *gray)
{
	struct cc_cleanup_info info;
	PIX *bin = binarize_for_analysis(gray);
	double angle;

	if (!bin)
		return NULL;
	memset(&info, 0, sizeof(info));
	angle = skew_to_correct(bin, &info);
	pixDestroy(&bin);
	return angle ? rotated(gray, angle) : pixClone(gray);
}

/* Which way the text runs: Leptonica's up/down and left/right confidences
 * (positive up: upright; positive left: the page was turned a quarter
 * counter-clockwise). Returns the quarter turns clockwise that set it
 * upright: 0 when unsure, as on pages without enough text. */
static int find_orientation(PIX *bin, int dpi, struct cc_cleanup_info *info)
{
	PIX *red;
	l_float32 up = 0, left = 0;

	/* Leptonica's detector is tuned for 150-300 dpi text. */
	red = dpi >= 250 ? pixReduceRankBinary2(bin, 1, NULL) : pixClone(bin);
	if (red && pixOrientDetect(red, &up, &left, 0, 0) == 0) {
		info->orient_conf = up;
		info->orient_left_conf = left;
	}
	pixDestroy(&red);
	if (fabs(left) >= ORIENT_MIN_CONF && fabs(left) > 2 * fabs(up))
		return left > 0 ? 1 : 3;
	if (up <= -ORIENT_MIN_CONF && fabs(up) > 2 * fabs(left))
		return 2;
	return 0;
}

int cc_cleanup_page(PIX *in, int dpi, const struct cc_cleanup_opts *o,
		    PIX **out, PIX **gray, struct cc_cleanup_info *info,
		    struct cc_error *err)
{
	PIX *page = pixClone(in), *g = to_gray(in), *bin = NULL;
	int x, y, w, h;

	setMsgSeverity(L_SEVERITY_NONE); /* the library never prints */
	memset(info, 0, sizeof(*info));
	*out = NULL;
	*gray = NULL;
	if (!page || !g)
		goto nomem;
	info->crop_w = pixGetWidth(in);
	info->crop_h = pixGetHeight(in);

	if (o->crop) {
		paper_box(g, dpi, &x, &y, &w, &h);
		if (clip(&page, &g, x, y, w, h))
			goto nomem;
		info->crop_x = x;
		info->crop_y = y;
		info->crop_w = w;
		info->crop_h = h;
	}
	/* Orientation first: a page fed sideways shows no text lines to
	 * deskew by until it is turned. A few degrees of skew do not hide
	 * which way the text runs. */
	/* One binary image serves both analyses; a quarter turn is exact on
	 * it, so it is turned with the page rather than made again. */
	if ((o->orient || o->deskew) && !(bin = binarize_for_analysis(g)))
		goto nomem;
	if (o->orient) {
		int quads = find_orientation(bin, dpi, info);

		if (quads) {
			PIX *b = pixRotateOrth(bin, quads);

			if (!b || turn(&page, &g, quads)) {
				pixDestroy(&b);
				goto nomem;
			}
			pixDestroy(&bin);
			bin = b;
		}
		info->turned = 90 * quads;
	}
	if (o->deskew) {
		double angle = skew_to_correct(bin, info);

		if (angle) {
			if (rotate(&page, &g, angle))
				goto nomem;
			info->skew_corrected = 1;
		}
	}
	pixDestroy(&bin);
	/* After a rotation the border shows as dark wedges at the edges. */
	if (o->crop && info->skew_corrected) {
		int x2, y2;

		paper_box(g, dpi, &x2, &y2, &w, &h);
		if (clip(&page, &g, x2, y2, w, h))
			goto nomem;
	}
	if (o->normalize) {
		PIX *n = pixCleanBackgroundToWhite(page, NULL, NULL, 1.0f, 70,
						   190);

		if (!n)
			goto nomem;
		pixDestroy(&page);
		page = n;
	}
	if (o->binarize) {
		PIX *gp = to_gray(page), *b;

		b = gp ? pixThresholdToBinary(gp, o->normalize ? 160 : 128)
		       : NULL;
		pixDestroy(&gp);
		if (!b)
			goto nomem;
		pixDestroy(&page);
		page = b;
	}
	pixSetResolution(page, dpi, dpi);
	pixSetResolution(g, dpi, dpi);
	*out = page;
	*gray = g;
	return CC_OK;
nomem:
	pixDestroy(&bin);
	pixDestroy(&page);
	pixDestroy(&g);
	return cc_error_set(err, CC_SYSTEM,
			    "out of memory while cleaning "
			    "the page");
}
