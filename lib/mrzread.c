/*
 * mrzread.c - the machine-readable zone on a page image: located from the
 * words of the general OCR pass, cut out, read again by an English-only,
 * whitelisted Tesseract pass (TD3 zones cell by cell), then repaired.
 */
#include "mrzread.h"

#include "cleanup.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <allheaders.h>

#include "mrz.h"

/* ---- MRZ, with a whitelisted Tesseract pass over its area ---- */

/* A word of the zone as the general pass read it. Counted in characters,
 * not bytes, and 90 % suffice, as in cc_mrz_find: that pass with Vietnamese
 * data reads an OCR-B 'C' as a euro sign or a '6' as an 'o' with a mark,
 * and a line missed here would be cut out of the zone read again below. */
static int mrz_like(const char *w)
{
	size_t n = 0, ok = 0;

	for (const unsigned char *p = (const unsigned char *)w; *p; p++) {
		if ((*p & 0xc0) == 0x80)
			continue; /* UTF-8 continuation byte */
		n++;
		ok += isupper(*p) || isdigit(*p) || *p == '<';
	}
	return n >= 8 && ok * 10 >= n * 9 && strchr(w, '<');
}

/* ---- the MRZ as a grid of cells ---- */

/*
 * Tesseract's English model hardly knows OCR-B's '<': in a run of them it
 * reads K, or drops or adds some, and most of a passport's name line is such
 * a run. But the zone is printed at a fixed pitch with every cell filled, so
 * the image itself tells where the cells of a line are and which of them
 * hold the chevron; the letters and digits Tesseract reads go into the
 * others. Used for TD3 only so far: the ID card's TD1 zone, with fewer
 * fillers, reads well enough as it is, and its reading stays as it was.
 */
#define GRID_MAX CC_MRZ_TD3_LEN
#define READ_MAX 128

struct grid_line {
	int y0, y1;	       /* its rows in the zone */
	int x0, x1;	       /* its first and last ink column */
	char filler[GRID_MAX]; /* 1 where the cell holds '<' */
};

/* Otsu's threshold of an 8 bpp image: ink is below it. */
static int otsu(PIX *g)
{
	int w = pixGetWidth(g), h = pixGetHeight(g), wpl = pixGetWpl(g);
	double hist[256] = {0}, sum = 0, sumb = 0, wb = 0, best = -1;
	int t = 128;

	for (int y = 0; y < h; y++) {
		l_uint32 *line = pixGetData(g) + (size_t)y * wpl;

		for (int x = 0; x < w; x++)
			hist[GET_DATA_BYTE(line, x)]++;
	}
	for (int i = 0; i < 256; i++)
		sum += i * hist[i];
	for (int i = 0; i < 255; i++) {
		double wf, mb, mf, between;

		wb += hist[i];
		sumb += i * hist[i];
		wf = (double)w * h - wb;
		if (wb == 0 || wf == 0)
			continue;
		mb = sumb / wb;
		mf = (sum - sumb) / wf;
		between = wb * wf * (mb - mf) * (mb - mf);
		if (between > best) {
			best = between;
			t = i + 1;
		}
	}
	return t;
}

static int ink(PIX *b, int x, int y)
{
	return GET_DATA_BIT(pixGetData(b) + (size_t)y * pixGetWpl(b), x);
}

/* The rows in y0..y1 with ink in columns x0..x1: first and last, or 0. */
static int ink_rows(PIX *b, int x0, int x1, int y0, int y1, int *first,
		    int *last)
{
	*first = *last = -1;
	for (int y = y0; y <= y1; y++)
		for (int x = x0; x <= x1; x++)
			if (ink(b, x, y)) {
				if (*first < 0)
					*first = y;
				*last = y;
				break;
			}
	return *first >= 0;
}

/*
 * Is the glyph in these columns OCR-B's '<'? Its apex is the only ink at
 * its left edge, small and halfway down; at its right edge are the two arm
 * ends, top and bottom, with nothing between. No letter or digit has both:
 * C comes nearest, but its left edge is a curve twice as tall.
 */
static int chevron(PIX *b, int x0, int x1, int y0, int y1)
{
	int top, bot, h, w = x1 - x0 + 1, s, l0, l1, up = 0, down = 0, mid = 0;

	if (!ink_rows(b, x0, x1, y0, y1, &top, &bot))
		return 0;
	h = bot - top + 1;
	if (h < 5 || w < 3)
		return 0;
	s = w / 5 > 0 ? w / 5 : 1;
	if (!ink_rows(b, x0, x0 + s - 1, top, bot, &l0, &l1) ||
	    (l1 - l0 + 1) * 100 > 38 * h || (l0 + l1 - 2 * top) * 10 < 6 * h ||
	    (l0 + l1 - 2 * top) * 10 > 14 * h)
		return 0;
	for (int y = top; y <= bot; y++) {
		int d = y - top, any = 0;

		for (int x = x1 - s + 1; x <= x1 && !any; x++)
			any = ink(b, x, y);
		if (!any)
			continue;
		up |= d * 4 < h;
		down |= d * 4 > 3 * h;
		mid |= d * 10 >= 4 * h && d * 10 <= 6 * h;
	}
	return up && down && !mid;
}

/* The n cells of a line in rows y0..y1: 1 when its glyphs stand at one
 * pitch, one glyph to a cell, as a printed MRZ line does. */
static int grid_line(PIX *b, int y0, int y1, int n, struct grid_line *gl)
{
	int w = pixGetWidth(b), nr = 0, ok = 0;
	int(*run)[2] = calloc((size_t)w / 2 + 1, sizeof(*run));
	int cx0[GRID_MAX], cx1[GRID_MAX];
	double first, pitch;

	if (!run)
		return 0;
	for (int x = 0; x < w;) {
		int a = x, count = 0;

		while (x < w) {
			int c = 0;

			for (int y = y0; y <= y1 && !c; y++)
				c = ink(b, x, y);
			if (!c)
				break;
			count++;
			x++;
		}
		if (count >= 2)
			run[nr][0] = a, run[nr++][1] = x - 1; /* not a speck */
		x++;
	}
	if (nr < n || nr > 2 * n)
		goto out;
	first = (run[0][0] + run[0][1]) / 2.0;
	pitch = ((run[nr - 1][0] + run[nr - 1][1]) / 2.0 - first) / (n - 1);
	if (pitch < 0.5 * (y1 - y0 + 1) || pitch > 2.0 * (y1 - y0 + 1))
		goto out;
	for (int k = 0; k < n; k++)
		cx0[k] = -1;
	for (int i = 0; i < nr; i++) {
		double c = (run[i][0] + run[i][1]) / 2.0,
		       f = (c - first) / pitch;
		int k = (int)(f + 0.5);

		if (k < 0 || k >= n || f - k > 0.3 || k - f > 0.3)
			goto out;
		if (cx0[k] < 0)
			cx0[k] = run[i][0];
		cx1[k] = run[i][1];
	}
	for (int k = 0; k < n; k++) {
		if (cx0[k] < 0)
			goto out;
		gl->filler[k] = (char)chevron(b, cx0[k], cx1[k], y0, y1);
	}
	gl->y0 = y0;
	gl->y1 = y1;
	gl->x0 = run[0][0];
	gl->x1 = run[nr - 1][1];
	ok = 1;
out:
	free(run);
	return ok;
}

/* The last two lines of 44 cells in the zone: 1 and lines, or 0. */
static int grid_td3(PIX *g, struct grid_line lines[2])
{
	PIX *b = pixThresholdToBinary(g, otsu(g));
	int h, w, found = 0, y = 0;

	if (!b)
		return 0;
	w = pixGetWidth(b);
	h = pixGetHeight(b);
	while (y < h) {
		int y0, count;

		/* a band: rows with at least two ink pixels */
		for (; y < h; y++) {
			count = 0;
			for (int x = 0; x < w && count < 2; x++)
				count += ink(b, x, y);
			if (count >= 2)
				break;
		}
		for (y0 = y; y < h; y++) {
			count = 0;
			for (int x = 0; x < w && count < 2; x++)
				count += ink(b, x, y);
			if (count < 2)
				break;
		}
		if (y > y0 && y - y0 >= 6) {
			struct grid_line gl;

			if (grid_line(b, y0, y - 1, CC_MRZ_TD3_LEN, &gl)) {
				lines[0] = found ? lines[1] : gl;
				lines[1] = gl;
				found++;
			}
		}
	}
	pixDestroy(&b);
	return found >= 2;
}

/*
 * Puts what Tesseract read of a line into its cells (n of them, filler[k]
 * 1 for '<'), by the cheapest alignment: a chevron read as '<' costs
 * nothing, read as K 1, dropped 1; a '<' or K Tesseract added costs 1, any
 * other added character 2; a letter or digit cell must get a letter or
 * digit. out gets n characters and a NUL. Returns 0, or -1 when the read
 * does not fit the cells.
 */
static int fuse(const char *read, const char *filler, int n, char *out)
{
	enum { BIG = 1 << 20, DIAG = 1, UP, LEFT };
	int m = (int)strlen(read), cost[GRID_MAX + 1][READ_MAX + 1];
	char move[GRID_MAX + 1][READ_MAX + 1];
	int i, j, extra = 0;

	if (m > READ_MAX || n > GRID_MAX)
		return -1;
	for (i = 0; i <= n; i++) {
		for (j = 0; j <= m; j++) {
			int best = i || j ? BIG : 0, c;

			move[i][j] = 0;
			if (i && j) {
				int ch = read[j - 1];

				if (filler[i - 1])
					c = ch == '<' ? 0 : ch == 'K' ? 1 : 3;
				else
					c = ch == '<' ? BIG : 0;
				if (cost[i - 1][j - 1] + c < best)
					best = cost[i - 1][j - 1] + c,
					move[i][j] = DIAG;
			}
			if (i) {
				c = filler[i - 1] ? 1 : BIG;
				if (cost[i - 1][j] + c < best)
					best = cost[i - 1][j] + c,
					move[i][j] = UP;
			}
			if (j) {
				c = read[j - 1] == '<' || read[j - 1] == 'K'
					    ? 1
					    : 2;
				if (cost[i][j - 1] + c < best)
					best = cost[i][j - 1] + c,
					move[i][j] = LEFT;
			}
			cost[i][j] = best;
		}
	}
	if (cost[n][m] >= BIG)
		return -1;
	out[n] = '\0';
	for (i = n, j = m; i || j;) {
		if (move[i][j] == DIAG) {
			out[i - 1] = filler[i - 1] ? '<' : read[j - 1];
			i--, j--;
		} else if (move[i][j] == UP) {
			out[--i] = '<';
		} else {
			/* a letter or digit too many: a line misread, not a
			 * glyph split, when it happens more than twice */
			if (read[j - 1] != '<' && read[j - 1] != 'K' &&
			    ++extra > 2)
				return -1;
			j--;
		}
	}
	return 0;
}

/* Reads a TD3 zone line by line when z holds one, setting pr->has_mrz and
 * pr->mrz_lines; leaves pr alone when z does not, or a line does not fit
 * its cells. Returns CC_OK, or a Tesseract failure. */
static int read_td3(struct cc_ocr_engine *engine, PIX *z, int zdpi,
		    char out[3][45], int *found, struct cc_error *err)
{
	struct grid_line gl[2];
	char lines[2][CC_MRZ_TD3_LEN + 1];

	if (!grid_td3(z, gl))
		return CC_OK;
	for (int i = 0; i < 2; i++) {
		int pad = (gl[i].y1 - gl[i].y0 + 1) / 2, x, y, w, h, m = 0;
		int rc, fits;
		char *text = NULL, read[READ_MAX + 1];
		const char *p;

		x = gl[i].x0 - 2 * pad < 0 ? 0 : gl[i].x0 - 2 * pad;
		y = gl[i].y0 - pad < 0 ? 0 : gl[i].y0 - pad;
		w = gl[i].x1 + 2 * pad > pixGetWidth(z) - 1
			    ? pixGetWidth(z) - x
			    : gl[i].x1 + 2 * pad - x + 1;
		h = gl[i].y1 + pad > pixGetHeight(z) - 1
			    ? pixGetHeight(z) - y
			    : gl[i].y1 + pad - y + 1;
		rc = cc_ocr_mrz(engine, z, zdpi, x, y, w, h, &text, err);
		if (rc)
			return rc;
		for (p = text; *p && m < READ_MAX; p++) {
			int c = toupper((unsigned char)*p);

			if (isupper(c) || isdigit(c) || c == '<')
				read[m++] = (char)c;
		}
		read[m] = '\0';
		fits = !*p &&
		       !fuse(read, gl[i].filler, CC_MRZ_TD3_LEN, lines[i]);
		free(text);
		if (!fits)
			return CC_OK; /* left to the reading of the whole zone */
	}
	for (int i = 0; i < 2; i++)
		memcpy(out[i], lines[i], sizeof(lines[i]));
	*found = 1;
	return CC_OK;
}

int cc_mrz_on_page(const struct cc_ocr_page *ocr)
{
	for (size_t i = 0; i < ocr->nwords; i++)
		if (mrz_like(ocr->words[i].text))
			return 1;
	return 0;
}

int cc_mrz_read(struct cc_ocr_engine *engine, PIX *pix, int dpi,
		const struct cc_ocr_page *ocr, char lines[3][45], int *nlines,
		struct cc_error *err)
{
	int x0 = pixGetWidth(pix), y0 = pixGetHeight(pix), x1 = 0, y1 = 0;
	int found = 0, pad, rc, has = 0;
	char *text = NULL;

	*nlines = 0;
	for (size_t i = 0; i < ocr->nwords; i++) {
		const struct cc_ocr_word *w = &ocr->words[i];

		if (!mrz_like(w->text))
			continue;
		found = 1;
		x0 = w->x0 < x0 ? w->x0 : x0;
		y0 = w->y0 < y0 ? w->y0 : y0;
		x1 = w->x1 > x1 ? w->x1 : x1;
		y1 = w->y1 > y1 ? w->y1 : y1;
	}
	if (!found)
		return CC_OK;
	pad = (y1 - y0) / 2 + 10;
	x0 = x0 - pad < 0 ? 0 : x0 - pad;
	y0 = y0 - pad < 0 ? 0 : y0 - pad;
	x1 = x1 + pad > pixGetWidth(pix) ? pixGetWidth(pix) : x1 + pad;
	y1 = y1 + pad > pixGetHeight(pix) ? pixGetHeight(pix) : y1 + pad;
	/* The zone alone, in gray, at twice the resolution when the print is
	 * card-sized: OCR-B at 10 characters an inch is small at 300 dpi. */
	{
		BOX *box = boxCreate(x0, y0, x1 - x0, y1 - y0);
		PIX *clip = box ? pixClipRectangle(pix, box, NULL) : NULL;
		PIX *g8 = clip ? pixConvertTo8(clip, 0) : NULL;
		/* Its three or two long lines show a skew that the page as a
		 * whole may not, and a zone read slanted runs one line into
		 * the next. */
		PIX *g = g8 ? cc_straighten(g8) : NULL, *z = NULL;
		int zdpi = dpi;

		pixDestroy(&g8);

		if (g && dpi <= 400) {
			z = pixScaleGrayLI(g, 2.0f, 2.0f);
			zdpi = 2 * dpi;
		} else if (g) {
			z = pixClone(g);
		}
		boxDestroy(&box);
		pixDestroy(&clip);
		pixDestroy(&g);
		if (!z)
			return cc_error_set(err, CC_SYSTEM, "out of memory");
		rc = read_td3(engine, z, zdpi, lines, &has, err);
		if (!rc && has)
			*nlines = 2;
		if (!rc && !has) {
			rc = cc_ocr_mrz(engine, z, zdpi, 0, 0, 0, 0, &text,
					err);
			if (!rc && !cc_mrz_find(text, lines, nlines))
				*nlines = 0;
			free(text);
		}
		pixDestroy(&z);
	}
	if (rc)
		return rc;
	for (int i = 0; i < *nlines; i++)
		cc_mrz_repair(lines[i], *nlines == 3 ? CC_MRZ_TD1 : CC_MRZ_TD3,
			      i + 1);
	return CC_OK;
}
