/*
 * seal.c - the seal's appearance: the round red seal, the code and the QR
 * code (seal.h). Everything is measured from the rectangle's smaller side,
 * so a larger rectangle gives the same picture, larger.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "seal.h"
#include "vcode.h"

#define MAX_SIZE 2000.0 /* the largest rectangle, points */
#define URL_MAX 512
#define OFFICE_MAX 300
#define SHORT_MAX 60
#define DATE_MAX 60
#define QR_SHARE 0.48 /* of the smaller side, with the quiet zone */
#define QUIET 4	      /* modules of quiet zone each side */
#define RING_ARC (300.0 * M_PI / 180) /* the office's name around it */
#define CLUSTER_MAX 64		      /* bytes of one letter and its marks */
#define RED "0.82 0.08 0.1"	      /* seal ink */

struct plan {
	struct cc_seal_layout l;
	QRcode *qr;
	double u; /* the scale: smaller side / 170 */
	char code[CC_VCODE_SIZE];
	uint8_t *ring; /* the office in capitals, NFC */
	size_t ringlen;
	/* The ring's letters: size, baseline and middle radius, extra
	 * spacing, and their whole width with it. */
	double ring_size, rb, rm, track, ring_w;
	double lw, r_thin, r_inner;	  /* outer ring width, inner rings */
	double name_size, name_x, name_y; /* the short name in the centre */
	double star_y, star_r;		  /* the centre star */
	char date[DATE_MAX + 32];
	double date_size, date_x, date_y;
};

static void plan_free(struct plan *p)
{
	QRcode_free(p->qr);
	free(p->ring);
	p->qr = NULL;
	p->ring = NULL;
}

/* A text field checked: present unless optional, at most max bytes of
 * UTF-8 without control characters. */
static int check_text(const char *what, const char *s, int optional, size_t max,
		      struct cc_error *err)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t len = s ? strlen(s) : 0;
	ucs4_t c;

	if (!len)
		return optional ? CC_OK
				: cc_error_set(err, CC_USAGE,
					       "invalid seal: no %s", what);
	if (len > max)
		return cc_error_set(err, CC_USAGE,
				    "invalid seal: %s longer than %zu bytes",
				    what, max);
	if (u8_check(p, len))
		return cc_error_set(err, CC_USAGE,
				    "invalid seal: %s is not UTF-8", what);
	for (const uint8_t *end = p + len; p < end;) {
		int n = u8_mbtouc(&c, p, (size_t)(end - p));

		if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x2028 ||
		    c == 0x2029)
			return cc_error_set(err, CC_USAGE,
					    "invalid seal: control character "
					    "in %s",
					    what);
		p += n;
	}
	return CC_OK;
}

/* The width of text at 1 pt, or the font's reason for refusing it. */
static int measure(struct cc_font *f, const char *text, double *w,
		   struct cc_error *err)
{
	struct cc_buf scratch = {0};
	int rc;

	*w = cc_font_width(f, text, 1);
	if (*w > 0)
		return CC_OK;
	rc = cc_font_show(f, text, 1, &scratch, err);
	cc_buf_free(&scratch);
	return rc ? rc
		  : cc_error_set(err, CC_INPUT,
				 "cannot show text: '%s' has no width", text);
}

/* Distance from (x, y) to the rectangle r (0 inside). */
static double dist_rect(double x, double y, const struct cc_rect *r)
{
	double dx = fmax(fmax(r->x - x, 0), x - (r->x + r->w));
	double dy = fmax(fmax(r->y - y, 0), y - (r->y + r->h));

	return hypot(dx, dy);
}

/* The length in bytes of the letter at s (n bytes left): a character and
 * the combining marks after it. */
static size_t cluster_len(const uint8_t *s, size_t n)
{
	ucs4_t c;
	int k = u8_mbtouc(&c, s, n);
	size_t len = k > 0 ? (size_t)k : 1;

	while (len < n) {
		k = u8_mbtouc(&c, s + len, n - len);
		if (k <= 0 || !uc_is_general_category(c, UC_CATEGORY_M))
			break;
		len += (size_t)k;
	}
	return len;
}

/* The ring's letters one by one into buf (NUL-terminated); the number of
 * bytes taken, 0 at the end. */
static size_t next_cluster(const struct plan *p, size_t at,
			   char buf[CLUSTER_MAX])
{
	size_t n;

	if (at >= p->ringlen)
		return 0;
	n = cluster_len(p->ring + at, p->ringlen - at);
	if (n >= CLUSTER_MAX)
		n = CLUSTER_MAX - 1;
	memcpy(buf, p->ring + at, n);
	buf[n] = '\0';
	return n;
}

static int encode_qr(struct plan *p, const char *url, double side,
		     struct cc_error *err)
{
	static const struct {
		QRecLevel level;
		char name;
	} levels[] = {{QR_ECLEVEL_Q, 'Q'}, {QR_ECLEVEL_M, 'M'}};

	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		QRcode *qr;
		double module;

		errno = 0;
		qr = QRcode_encodeString(url, 0, levels[i].level, QR_MODE_8, 1);
		if (!qr) {
			if (errno == ENOMEM)
				return cc_error_set(err, CC_SYSTEM,
						    "out of memory");
			if (errno == ERANGE)
				continue;
			return cc_error_set(err, CC_USAGE,
					    "invalid seal: cannot make a QR "
					    "code of the URL");
		}
		module = side / (qr->width + 2 * QUIET);
		if (qr->width > 0 && module >= CC_SEAL_MIN_MODULE) {
			p->qr = qr;
			p->l.module = module;
			p->l.version = qr->version;
			p->l.level = levels[i].name;
			return CC_OK;
		}
		QRcode_free(qr);
	}
	return cc_error_set(err, CC_USAGE,
			    "invalid seal: the URL is too long for a QR code "
			    "of %.0f pt",
			    side);
}

/* The letters of the office around the ring: their size, radii and
 * spacing, within the band from the outer rings in to the inner one. */
static int plan_ring(struct plan *p, struct cc_font *f, const char *office,
		     struct cc_error *err)
{
	double w, asc, desc, cap, ro, size, rb, rm, used, avail;
	double u = p->u, r = p->l.r;
	size_t n, at, k = 0;
	char c[CLUSTER_MAX];
	int rc;

	p->ring = u8_toupper((const uint8_t *)office, strlen(office), NULL,
			     UNINORM_NFC, NULL, &p->ringlen);
	if (!p->ring)
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	{
		char *t = realloc(p->ring, p->ringlen + 1);

		if (!t)
			return cc_error_set(err, CC_SYSTEM, "out of memory");
		t[p->ringlen] = '\0';
		p->ring = (uint8_t *)t;
	}
	if ((rc = measure(f, (const char *)p->ring, &w, err)))
		return rc;
	/* Letter by letter, as drawn. */
	w = 0;
	for (at = 0; (n = next_cluster(p, at, c)); at += n, k++)
		w += cc_font_width(f, c, 1);
	cc_font_metrics(f, 1, &asc, &desc, &cap);
	p->lw = 0.04 * r;
	p->r_thin = r - p->lw - 1.3 * u;
	ro = p->r_thin - 1.5 * u;
	/* The letters' middle on an arc of RING_ARC holds them all:
	 * size * w <= RING_ARC * (ro - asc * size + cap * size / 2). */
	size = ro / (w / RING_ARC + asc - cap / 2);
	if (size > 0.17 * r)
		size = 0.17 * r;
	if (size < 3.5)
		return cc_error_set(err, CC_USAGE,
				    "invalid seal: the office's name is too "
				    "long for the seal");
	rb = ro - asc * size;
	rm = rb + cap * size / 2;
	used = w * size;
	avail = RING_ARC * rm;
	p->track = 0;
	if (k > 1 && used < avail)
		p->track = fmin((avail - used) / (double)(k - 1), 0.6 * size);
	p->ring_size = size;
	p->rb = rb;
	p->rm = rm;
	p->ring_w = used + p->track * (double)(k - 1);
	p->r_inner = rb + desc * size - 1.2 * u;
	return CC_OK;
}

/* The star and the short name inside the inner ring. */
static int plan_centre(struct plan *p, struct cc_font *f, const char *name,
		       struct cc_error *err)
{
	double ri = p->r_inner - 2.3 * p->u, w, cap, size, top, chord;
	int rc;

	p->name_size = 0;
	if (!name || !*name) {
		p->star_y = p->l.cy;
		p->star_r = 0.62 * ri;
		return CC_OK;
	}
	p->star_y = p->l.cy + 0.32 * ri;
	p->star_r = 0.36 * ri;
	if ((rc = measure(f, name, &w, err)))
		return rc;
	cc_font_metrics(f, 1, NULL, NULL, &cap);
	top = p->l.cy - 0.08 * ri;
	size = 0.3 * ri / cap;
	/* The chord at the letters' foot bounds their width. */
	chord = 2 * sqrt(fmax(ri * ri - pow(0.08 * ri + cap * size, 2), 0));
	if (w * size > 0.92 * chord)
		size = 0.92 * chord / w;
	if (size < 3)
		return cc_error_set(err, CC_USAGE,
				    "invalid seal: the short name is too long "
				    "for the seal");
	p->name_size = size;
	p->name_x = p->l.cx - w * size / 2;
	p->name_y = top - cap * size;
	return CC_OK;
}

static int plan_date(struct plan *p, struct cc_font *f, const char *date,
		     double w_max, double floor_y, struct cc_error *err)
{
	double w, asc, desc, size;
	int rc, n;

	p->date_size = 0;
	if (!date)
		return CC_OK;
	n = snprintf(p->date, sizeof(p->date), "Ngày ký: %s", date);
	if (n < 0 || (size_t)n >= sizeof(p->date))
		return cc_error_set(err, CC_USAGE, "invalid seal: bad date");
	if ((rc = measure(f, p->date, &w, err)))
		return rc;
	cc_font_metrics(f, 1, &asc, &desc, NULL);
	size = fmin(8 * p->u, w_max / w);
	if (size < 5)
		return cc_error_set(err, CC_USAGE,
				    "invalid seal: the date is too long for "
				    "the seal");
	p->date_size = size;
	p->date_x = fmin(fmax(p->l.cx - w * size / 2, 1.5 * p->u),
			 1.5 * p->u + w_max - w * size);
	/* Under the seal; on its edge rather than on the code. */
	p->date_y = fmax(p->l.cy - p->l.r - 2 * p->u - asc * size,
			 floor_y - desc * size);
	return CC_OK;
}

static int plan(const struct cc_seal *s, struct cc_font *f, double w, double h,
		struct plan *p, struct cc_error *err)
{
	double u, m0, cw, cap, side, lo, hi;
	struct cc_rect code_box;
	int rc;

	memset(p, 0, sizeof(*p));
	if (!s || !f)
		return cc_error_set(err, CC_USAGE,
				    "invalid seal: no seal or no font");
	if (!(w >= CC_SEAL_MIN_SIZE && h >= CC_SEAL_MIN_SIZE && w <= MAX_SIZE &&
	      h <= MAX_SIZE))
		return cc_error_set(err, CC_USAGE,
				    "invalid seal: an area of %.0f x %.0f pt "
				    "(from %.0f x %.0f to %.0f x %.0f)",
				    w, h, CC_SEAL_MIN_SIZE, CC_SEAL_MIN_SIZE,
				    MAX_SIZE, MAX_SIZE);
	if ((rc = check_text("office", s->office, 0, OFFICE_MAX, err)) ||
	    (rc = check_text("short name", s->short_name, 1, SHORT_MAX, err)) ||
	    (rc = check_text("date", s->date, 1, DATE_MAX, err)))
		return rc;
	if (s->date && !*s->date)
		return cc_error_set(err, CC_USAGE, "invalid seal: empty date");
	if (!s->code || !*s->code)
		return cc_error_set(err, CC_USAGE, "invalid seal: no code");
	if (cc_vcode_parse(s->code, p->code, err)) {
		/* The caller's to get right, not the user's input. */
		if (err)
			err->code = CC_USAGE;
		return CC_USAGE;
	}
	if (!s->url || !*s->url)
		return cc_error_set(err, CC_USAGE, "invalid seal: no URL");
	if (strlen(s->url) > URL_MAX)
		return cc_error_set(err, CC_USAGE,
				    "invalid seal: URL longer than %d bytes",
				    URL_MAX);
	for (const unsigned char *c = (const unsigned char *)s->url; *c; c++)
		if (*c <= 0x20 || *c >= 0x7f)
			return cc_error_set(err, CC_USAGE,
					    "invalid seal: the URL is not "
					    "printable ASCII");

	u = p->u = fmin(w, h) / 170;
	m0 = 1.5 * u;
	/* The code along the bottom, 10 pt or what the width allows. */
	if ((rc = measure(f, p->code, &cw, err)))
		return rc;
	cc_font_metrics(f, 1, NULL, NULL, &cap);
	p->l.code_size = fmin(10 * u, (w - 2 * m0) / cw);
	p->l.code.w = cw * p->l.code_size;
	p->l.code.h = cap * p->l.code_size;
	p->l.code.y = 2 * u;
	if (p->l.code_size < 6)
		return cc_error_set(err, CC_USAGE,
				    "invalid seal: the code is too wide for "
				    "%.0f pt",
				    w);

	/* The QR code above it at the right, flush with the edge: the
	 * quiet zone is its margin. */
	side = QR_SHARE * fmin(w, h);
	if ((rc = encode_qr(p, s->url, side, err)))
		goto fail;
	p->l.qr = (struct cc_rect){w - side, p->l.code.y + p->l.code.h + 2 * u,
				   side, side};
	/* The code centred under it, or as far right as it goes. */
	p->l.code.x = p->l.qr.x + side / 2 - p->l.code.w / 2;
	if (p->l.code.x + p->l.code.w > w - m0)
		p->l.code.x = w - m0 - p->l.code.w;
	if (p->l.code.x < m0)
		p->l.code.x = m0;

	/* The seal in the top left corner, as large as it can be without
	 * coming near the QR code or the code. */
	code_box = p->l.code;
	lo = 0;
	hi = fmin(w, h) / 2 - m0;
	for (int i = 0; i < 50; i++) {
		double r = (lo + hi) / 2, cx = m0 + r, cy = h - m0 - r;

		if (dist_rect(cx, cy, &p->l.qr) >= r + 3 * u &&
		    dist_rect(cx, cy, &code_box) >= r + 2 * u)
			lo = r;
		else
			hi = r;
	}
	p->l.r = lo;
	p->l.cx = m0 + lo;
	p->l.cy = h - m0 - lo;
	if (lo < 30 * u) {
		rc = cc_error_set(err, CC_USAGE,
				  "invalid seal: no room for the seal in %.0f "
				  "x %.0f pt",
				  w, h);
		goto fail;
	}
	if ((rc = plan_ring(p, f, s->office, err)) ||
	    (rc = plan_centre(p, f, s->short_name, err)) ||
	    (rc = plan_date(p, f, s->date, p->l.qr.x - 2 * u - m0,
			    p->l.code.y + p->l.code.h + 2 * u, err)))
		goto fail;
	return CC_OK;
fail:
	plan_free(p);
	return rc;
}

int cc_seal_layout(const struct cc_seal *s, struct cc_font *f, double w,
		   double h, struct cc_seal_layout *out, struct cc_error *err)
{
	struct plan p;
	int rc = plan(s, f, w, h, &p, err);

	if (rc)
		return rc;
	*out = p.l;
	plan_free(&p);
	return CC_OK;
}

/* ---- drawing ---- */

static void nums(struct cc_buf *b, int n, const double *v)
{
	for (int i = 0; i < n; i++) {
		cc_buf_num(b, v[i]);
		cc_buf_puts(b, " ");
	}
}

#define OP(b, op, ...)                                                         \
	do {                                                                   \
		const double v_[] = {__VA_ARGS__};                             \
		nums(b, (int)(sizeof(v_) / sizeof(v_[0])), v_);                \
		cc_buf_puts(b, op "\n");                                       \
	} while (0)

/* A circle of four Bézier arcs. */
static void circle(struct cc_buf *b, double cx, double cy, double r)
{
	double k = 0.5523 * r;

	OP(b, "m", cx + r, cy);
	OP(b, "c", cx + r, cy + k, cx + k, cy + r, cx, cy + r);
	OP(b, "c", cx - k, cy + r, cx - r, cy + k, cx - r, cy);
	OP(b, "c", cx - r, cy - k, cx - k, cy - r, cx, cy - r);
	OP(b, "c", cx + k, cy - r, cx + r, cy - k, cx + r, cy);
	cc_buf_puts(b, "h\n");
}

/* A five-pointed star, point up, outer radius r. */
static void star(struct cc_buf *b, double cx, double cy, double r)
{
	for (int i = 0; i < 10; i++) {
		double a = M_PI / 2 + i * M_PI / 5, k = i % 2 ? 0.382 * r : r;

		if (i)
			OP(b, "l", cx + k * cos(a), cy + k * sin(a));
		else
			OP(b, "m", cx + k * cos(a), cy + k * sin(a));
	}
	cc_buf_puts(b, "h f\n");
}

static void draw_qr(const struct plan *p, struct cc_buf *b)
{
	const QRcode *qr = p->qr;
	double m = p->l.module, x0 = p->l.qr.x + QUIET * m,
	       top = p->l.qr.y + p->l.qr.h - QUIET * m;

	/* The quiet zone white even over something else. */
	cc_buf_puts(b, "1 g\n");
	OP(b, "re f", p->l.qr.x, p->l.qr.y, p->l.qr.w, p->l.qr.h);
	cc_buf_puts(b, "0 g\n");
	for (int y = 0; y < qr->width; y++) {
		const unsigned char *row = qr->data + (size_t)y * qr->width;

		for (int x = 0; x < qr->width;) {
			int e = x;

			if (!(row[x] & 1)) {
				x++;
				continue;
			}
			while (e < qr->width && (row[e] & 1))
				e++;
			OP(b, "re", x0 + x * m, top - (y + 1) * m, (e - x) * m,
			   m);
			x = e;
		}
	}
	/* One path: no seams between rows. */
	cc_buf_puts(b, "f\n");
}

static int draw_ring(const struct plan *p, struct cc_font *f, struct cc_buf *b,
		     struct cc_error *err)
{
	double size = p->ring_size, theta, cx = p->l.cx, cy = p->l.cy;
	char c[CLUSTER_MAX];
	size_t n;
	int rc;

	/* Extracted as the name it is, not letters in a circle. */
	cc_buf_puts(b, "/Span << /ActualText ");
	cc_buf_pdf_text(b, (const char *)p->ring);
	cc_buf_puts(b, " >> BDC\nBT /F1 ");
	OP(b, "Tf 2 Tr", size);
	/* Clockwise from the left over the top, glyphs upright to the
	 * outside: the baseline along the tangent. */
	theta = M_PI / 2 + p->ring_w / (2 * p->rm);
	for (size_t at = 0; (n = next_cluster(p, at, c)); at += n) {
		double adv = cc_font_width(f, c, size), mid, x, y, sn, cs;

		mid = theta - adv / 2 / p->rm;
		sn = sin(mid);
		cs = cos(mid);
		/* The glyph's centre on the baseline circle, its origin half
		 * its advance back along the tangent (sin, -cos). */
		x = cx + p->rb * cs - adv / 2 * sn;
		y = cy + p->rb * sn + adv / 2 * cs;
		if (strcmp(c, " ")) {
			OP(b, "Tm", sn, -cs, cs, sn, x, y);
			if ((rc = cc_font_show(f, c, size, b, err)))
				return rc;
			cc_buf_puts(b, "\n");
		}
		theta -= (adv + p->track) / p->rm;
	}
	cc_buf_puts(b, "ET EMC\n");
	return CC_OK;
}

static int show(struct cc_font *f, const char *text, double size, double x,
		double y, struct cc_buf *b, struct cc_error *err)
{
	int rc;

	cc_buf_puts(b, "BT /F1 ");
	OP(b, "Tf", size);
	OP(b, "Td", x, y);
	if ((rc = cc_font_show(f, text, size, b, err)))
		return rc;
	cc_buf_puts(b, " ET\n");
	return CC_OK;
}

static int draw(const struct plan *p, const struct cc_seal *s,
		struct cc_font *f, struct cc_buf *b, struct cc_error *err)
{
	double u = p->u, cx = p->l.cx, cy = p->l.cy, gap;
	int rc;

	/* A Form XObject inherits the state where it is shown: what it
	 * relies on, set. */
	cc_buf_puts(b, "q [] 0 d 0 J 0 j 0 Tc 0 Tw 100 Tz 0 Ts 0 Tr\n");
	draw_qr(p, b);

	/* The seal: a strong outer ring, a thin one inside it, the name
	 * between it and the inner ring, stars. */
	cc_buf_puts(b, "q " RED " rg " RED " RG\n");
	OP(b, "w", p->lw);
	circle(b, cx, cy, p->l.r - p->lw / 2);
	cc_buf_puts(b, "S\n");
	OP(b, "w", 0.5 * u);
	circle(b, cx, cy, p->r_thin);
	cc_buf_puts(b, "S\n");
	OP(b, "w", 0.7 * u);
	circle(b, cx, cy, p->r_inner);
	cc_buf_puts(b, "S\n");
	/* Letters a little bolder than the regular face. */
	OP(b, "w", 0.035 * p->ring_size);
	if ((rc = draw_ring(p, f, b, err)))
		return rc;
	/* A star where the name's ends meet, if there is room. */
	gap = 2 * M_PI * p->rm - p->ring_w;
	if (gap > 2.2 * p->ring_size)
		star(b, cx, cy - p->rm, fmin(0.5 * p->ring_size, gap / 4));
	star(b, cx, p->star_y, p->star_r);
	if (p->name_size > 0) {
		OP(b, "w", 0.04 * p->name_size);
		cc_buf_puts(b, "2 Tr\n");
		if ((rc = show(f, s->short_name, p->name_size, p->name_x,
			       p->name_y, b, err)))
			return rc;
	}
	cc_buf_puts(b, "Q\n");

	/* The code and the date, dark. */
	cc_buf_puts(b, "0.08 0.08 0.12 rg\n");
	if ((rc = show(f, p->code, p->l.code_size, p->l.code.x, p->l.code.y, b,
		       err)))
		return rc;
	if (p->date_size > 0 &&
	    (rc = show(f, p->date, p->date_size, p->date_x, p->date_y, b, err)))
		return rc;
	cc_buf_puts(b, "Q\n");
	return CC_OK;
}

int cc_seal_draw(const struct cc_seal *s, struct cc_font *f, double w, double h,
		 struct cc_buf *content, struct cc_error *err)
{
	struct plan p;
	size_t len0;
	int rc;

	if (!content)
		return cc_error_set(err, CC_USAGE, "invalid seal: no output");
	if ((rc = plan(s, f, w, h, &p, err)))
		return rc;
	len0 = content->len;
	rc = draw(&p, s, f, content, err);
	if (!rc && content->failed)
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
	if (rc && !content->failed)
		content->len = len0;
	plan_free(&p);
	return rc;
}
