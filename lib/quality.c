/*
 * quality.c - the measures of the quality gate. All of them work on a copy
 * brought to about 150 dpi, so that the thresholds mean the same thing
 * whatever the scan resolution, and so that a page costs a few milliseconds.
 */
#include "quality.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <allheaders.h>

#define WORK_DPI 150

void cc_gray_histogram(PIX *pix8, int step, unsigned long hist[256])
{
	int w = pixGetWidth(pix8), h = pixGetHeight(pix8);
	int wpl = pixGetWpl(pix8);
	l_uint32 *data = pixGetData(pix8);

	memset(hist, 0, 256 * sizeof(hist[0]));
	if (step < 1)
		step = 1;
	for (int y = 0; y < h; y += step) {
		l_uint32 *line = data + (size_t)y * wpl;

		for (int x = 0; x < w; x += step)
			hist[GET_DATA_BYTE(line, x)]++;
	}
}

int cc_hist_quantile(const unsigned long hist[256], double q)
{
	unsigned long total = 0, acc = 0;

	for (int i = 0; i < 256; i++)
		total += hist[i];
	if (total == 0)
		return 0;
	for (int i = 0; i < 256; i++) {
		acc += hist[i];
		if ((double)acc >= q * (double)total)
			return i;
	}
	return 255;
}

/* Slope (largest absolute central difference, halved) at each pixel with a
 * clear edge, as a histogram; and the variance of the 4-neighbour Laplacian. */
static void edges(PIX *g, double contrast, unsigned long slopes[256],
		  double *lapvar)
{
	int w = pixGetWidth(g), h = pixGetHeight(g), wpl = pixGetWpl(g);
	l_uint32 *d = pixGetData(g);
	double sum = 0, sum2 = 0;
	unsigned long n = 0;
	int minslope = (int)(contrast * 0.1);

	memset(slopes, 0, 256 * sizeof(slopes[0]));
	for (int y = 1; y < h - 1; y++) {
		l_uint32 *up = d + (size_t)(y - 1) * wpl, *mid = up + wpl,
			 *dn = mid + wpl;

		for (int x = 1; x < w - 1; x++) {
			int c = GET_DATA_BYTE(mid, x);
			int l = GET_DATA_BYTE(mid, x - 1);
			int r = GET_DATA_BYTE(mid, x + 1);
			int u = GET_DATA_BYTE(up, x), b = GET_DATA_BYTE(dn, x);
			int gx = abs(r - l), gy = abs(b - u);
			int s = (gx > gy ? gx : gy) / 2;
			int lap = l + r + u + b - 4 * c;

			sum += lap;
			sum2 += (double)lap * lap;
			n++;
			if (s > minslope)
				slopes[s]++;
		}
	}
	*lapvar = n ? sum2 / n - (sum / n) * (sum / n) : 0;
}

/* Fraction of pixels in [x0,x1) x [y0,y1) of norm that are ink: darker than
 * the local background by a clear margin. norm comes from Leptonica's
 * background normalisation (paper -> 200), so an unevenly lit page is judged
 * like an even one. */
#define INK_BELOW 130

static double ink_in(PIX *norm, int x0, int y0, int x1, int y1)
{
	int wpl = pixGetWpl(norm);
	l_uint32 *d = pixGetData(norm);
	unsigned long ink = 0, total = 0;

	for (int y = y0; y < y1; y++) {
		l_uint32 *line = d + (size_t)y * wpl;

		for (int x = x0; x < x1; x++)
			ink += GET_DATA_BYTE(line, x) < INK_BELOW;
		total += (unsigned long)(x1 > x0 ? x1 - x0 : 0);
	}
	return total ? (double)ink / total : 0;
}

/* Count the runs in a marks array (1 = ink within 1 mm of the edge at that
 * position) at least minrun long; return the share of marked positions. */
static double runs(const unsigned char *marks, int n, int minrun, int *nruns)
{
	int len = 0, total = 0;

	*nruns = 0;
	for (int i = 0; i <= n; i++) {
		if (i < n && marks[i]) {
			len++;
			total++;
			continue;
		}
		if (len >= minrun)
			(*nruns)++;
		len = 0;
	}
	return n ? (double)total / n : 0;
}

/* Along each edge (top, right, bottom, left): where does ink come within 1 mm
 * of it? Text cut off by the edge makes one run for every line it crosses; a
 * speck of dust makes a short run, a frame line or a shadow one long run. */
static int edge_ink(PIX *norm, double share[4], int nruns[4])
{
	int w = pixGetWidth(norm), h = pixGetHeight(norm),
	    wpl = pixGetWpl(norm);
	int band = (int)(WORK_DPI / 25.4 + 0.5);
	l_uint32 *d = pixGetData(norm);
	unsigned char *m[4];
	int minrun = band;

	if (band > w / 4)
		band = w / 4 > 0 ? w / 4 : 1;
	if (band > h / 4)
		band = h / 4 > 0 ? h / 4 : 1;
	m[0] = calloc((size_t)w, 1);
	m[2] = calloc((size_t)w, 1);
	m[1] = calloc((size_t)h, 1);
	m[3] = calloc((size_t)h, 1);
	if (!m[0] || !m[1] || !m[2] || !m[3]) {
		for (int s = 0; s < 4; s++)
			free(m[s]);
		return -1;
	}
	for (int y = 0; y < h; y++) {
		l_uint32 *line = d + (size_t)y * wpl;

		for (int x = 0; x < band; x++) {
			m[3][y] |= GET_DATA_BYTE(line, x) < INK_BELOW;
			m[1][y] |= GET_DATA_BYTE(line, w - 1 - x) < INK_BELOW;
		}
	}
	for (int y = 0; y < band; y++) {
		l_uint32 *top = d + (size_t)y * wpl;
		l_uint32 *bottom = d + (size_t)(h - 1 - y) * wpl;

		for (int x = 0; x < w; x++) {
			m[0][x] |= GET_DATA_BYTE(top, x) < INK_BELOW;
			m[2][x] |= GET_DATA_BYTE(bottom, x) < INK_BELOW;
		}
	}
	for (int s = 0; s < 4; s++) {
		share[s] = runs(m[s], s & 1 ? h : w, minrun, &nruns[s]);
		free(m[s]);
	}
	return 0;
}

void cc_quality_fail(struct cc_quality *q, const char *fmt, ...)
{
	size_t len = strlen(q->reason);
	va_list ap;
	int n;

	q->pass = 0;
	if (len && len + 3 < sizeof(q->reason)) {
		memcpy(q->reason + len, "; ", 3);
		len += 2;
	}
	va_start(ap, fmt);
	n = vsnprintf(q->reason + len, sizeof(q->reason) - len, fmt, ap);
	va_end(ap);
	if (n < 0)
		q->reason[len] = '\0';
}

int cc_quality_measure(PIX *page, int dpi, struct cc_quality *q,
		       struct cc_error *err)
{
	static const char *const side_name[4] = {"top", "right", "bottom",
						 "left"};
	unsigned long hist[256], slopes[256];
	double scale = dpi > 0 ? (double)WORK_DPI / dpi : 0.5, sum = 0;
	unsigned long total = 0;
	PIX *g, *norm;

	setMsgSeverity(L_SEVERITY_NONE); /* the library never prints */
	memset(q, 0, sizeof(*q));
	q->pass = 1;
	g = scale < 0.95 ? pixScaleAreaMap(page, (float)scale, (float)scale)
			 : pixClone(page);
	if (!g)
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	norm = pixBackgroundNormSimple(g, NULL, NULL);
	if (!norm) {
		/* Leptonica refuses pages too small to estimate a background
		 * on; judge those by their levels alone. */
		norm = pixClone(g);
	}

	cc_gray_histogram(g, 1, hist);
	for (int i = 0; i < 256; i++) {
		total += hist[i];
		sum += (double)i * hist[i];
	}
	q->brightness = total ? sum / total : 0;
	q->paper = cc_hist_quantile(hist, 0.95);
	q->ink = cc_hist_quantile(hist, 0.005);
	q->contrast = q->paper - q->ink;
	q->ink_fraction =
		ink_in(norm, 0, 0, pixGetWidth(norm), pixGetHeight(norm));
	if (edge_ink(norm, q->edge_ink, q->edge_runs)) {
		pixDestroy(&norm);
		pixDestroy(&g);
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	}

	edges(g, q->contrast, slopes, &q->laplacian_var);
	if (q->contrast > 0)
		q->sharpness = cc_hist_quantile(slopes, 0.90) / q->contrast;

	if (q->ink_fraction < CC_Q_MIN_INK) {
		cc_quality_fail(q, "blank page (ink on %.3f%% of it)",
				q->ink_fraction * 100);
		goto out; /* the other measures mean nothing then */
	}
	if (q->paper < CC_Q_MIN_PAPER)
		cc_quality_fail(q,
				"too dark (paper level %.0f, at least %.0f "
				"needed)",
				q->paper, CC_Q_MIN_PAPER);
	if (q->contrast < CC_Q_MIN_CONTRAST)
		cc_quality_fail(q,
				"too little contrast (%.0f, at least %.0f "
				"needed)",
				q->contrast, CC_Q_MIN_CONTRAST);
	if (q->sharpness < CC_Q_MIN_SHARPNESS)
		cc_quality_fail(q,
				"blurred (sharpness %.2f, at least %.2f "
				"needed)",
				q->sharpness, CC_Q_MIN_SHARPNESS);
	for (int s = 0; s < 4; s++)
		if (q->edge_runs[s] >= CC_Q_MAX_EDGE_RUNS)
			cc_quality_fail(q,
					"content cut off at the %s edge (%d "
					"marks run into it)",
					side_name[s], q->edge_runs[s]);
out:
	pixDestroy(&norm);
	pixDestroy(&g);
	return CC_OK;
}
