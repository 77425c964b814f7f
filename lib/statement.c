/*
 * statement.c - the certification page, its statement and fee, and the
 * watermark of the scanned pages (statement.h).
 *
 * Page layout (points, origin bottom-left): margins of 30 mm on the left
 * and 20 mm elsewhere, as administrative documents have (Decree 30/2020);
 * a thin frame from margin to margin around the text, which starts with
 * the heading at the top; below the frame, after a gap, the two reserved
 * areas, their tops level: sig at the left margin, seal at the right one.
 */
#include "statement.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uninorm.h>
#include <unictype.h>
#include <unistr.h>

#define MARGIN_L 85.04 /* 30 mm */
#define MARGIN 56.69   /* 20 mm: right, top, bottom */
#define PAD 14.0       /* frame to text */
#define GAP 18.0       /* frame to the reserved areas */
#define HEAD_SIZE 14.0
#define HEAD_LEAD 20.0
#define BODY_SIZE 12.0
#define BODY_LEAD 18.0
#define RULE_W 120.0 /* the rule under the heading */
#define SIG_W 220.0
#define SIG_H 100.0
#define SEAL_W 170.0
#define FIELD_MAX 300 /* bytes of one field */

#define FRAME_X MARGIN_L
#define FRAME_W (CC_PAGE_A4_W - MARGIN_L - MARGIN)
#define TEXT_X (FRAME_X + PAD)
#define TEXT_W (FRAME_W - 2 * PAD)

enum { HEADING, NLINES = 7 };

/* Several numbers, each followed by a space. */
static void put_nums(struct cc_buf *b, const double *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		cc_buf_num(b, v[i]);
		cc_buf_puts(b, " ");
	}
}

long cc_fee(int pages)
{
	long fee;

	if (pages <= 0)
		return 0;
	if (pages <= 2)
		return 2000L * pages;
	if (pages >= 200)
		return 200000;
	fee = 4000 + 1000L * (pages - 2);
	return fee < 200000 ? fee : 200000;
}

/* ---- the lines ---- */

/* A field checked: present unless optional, valid UTF-8 without control
 * characters, at most FIELD_MAX bytes. */
static int check_field(const char *what, const char *s, int optional,
		       struct cc_error *err)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t len = s ? strlen(s) : 0;
	ucs4_t c;

	if (!len)
		return optional
			       ? CC_OK
			       : cc_error_set(err, CC_USAGE,
					      "invalid statement: no %s", what);
	if (len > FIELD_MAX)
		return cc_error_set(err, CC_USAGE,
				    "invalid statement: %s longer than %d "
				    "bytes",
				    what, FIELD_MAX);
	if (u8_check(p, len))
		return cc_error_set(err, CC_USAGE,
				    "invalid statement: %s is not UTF-8", what);
	for (const uint8_t *end = p + len; p < end;) {
		int n = u8_mbtouc(&c, p, (size_t)(end - p));

		if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x2028 ||
		    c == 0x2029)
			return cc_error_set(err, CC_USAGE,
					    "invalid statement: control "
					    "character in %s",
					    what);
		p += n;
	}
	return CC_OK;
}

static int days_in(int year, int month)
{
	static const int d[12] = {31, 28, 31, 30, 31, 30,
				  31, 31, 30, 31, 30, 31};
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : d[month - 1];
}

/* 4000 -> "4.000". */
static void thousands(char *out, size_t size, long v)
{
	char d[32];
	int n = snprintf(d, sizeof(d), "%ld", v), k = 0;

	for (int i = 0; i < n && (size_t)k + 2 < size; i++) {
		if (i && (n - i) % 3 == 0)
			out[k++] = '.';
		out[k++] = d[i];
	}
	out[k] = '\0';
}

static void free_lines(char *line[NLINES])
{
	for (int i = 0; i < NLINES; i++) {
		free(line[i]);
		line[i] = NULL;
	}
}

/* One line, normalised to NFC as a whole, as a C string in *line. */
__attribute__((format(printf, 2, 3))) static int make_line(char **line,
							   const char *fmt, ...)
{
	struct cc_buf b = {0};
	uint8_t *nfc;
	size_t len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || cc_buf_grow(&b, (size_t)n + 1))
		goto fail;
	va_start(ap, fmt);
	n = vsnprintf((char *)b.data, (size_t)n + 1, fmt, ap);
	va_end(ap);
	nfc = u8_normalize(UNINORM_NFC, b.data, (size_t)n, NULL, &len);
	cc_buf_free(&b);
	if (!nfc)
		return -1;
	*line = malloc(len + 1);
	if (*line) {
		memcpy(*line, nfc, len);
		(*line)[len] = '\0';
	}
	free(nfc);
	return *line ? 0 : -1;
fail:
	cc_buf_free(&b);
	return -1;
}

static int make_lines(const struct cc_statement *st, char *line[NLINES],
		      struct cc_error *err)
{
	char fee[32], day[8], month[8];
	int rc, bad = 0;
	const char *title;

	memset(line, 0, NLINES * sizeof(*line));
	if (!st)
		return cc_error_set(err, CC_USAGE, "no statement");
	if ((rc = check_field("certification number", st->number, 0, err)) ||
	    (rc = check_field("book number", st->book, 0, err)) ||
	    (rc = check_field("certifier", st->certifier, 0, err)) ||
	    (rc = check_field("certifier's title", st->title, 1, err)) ||
	    (rc = check_field("office", st->office, 0, err)))
		return rc;
	if (st->year < 1 || st->year > 9999 || st->month < 1 ||
	    st->month > 12 || st->day < 1 ||
	    st->day > days_in(st->year, st->month))
		return cc_error_set(err, CC_USAGE,
				    "invalid statement: no such date "
				    "%04d-%02d-%02d",
				    st->year, st->month, st->day);
	if (st->pages < 1)
		return cc_error_set(err, CC_USAGE,
				    "invalid statement: %d pages", st->pages);
	thousands(fee, sizeof(fee), cc_fee(st->pages));
	/* Decree 30/2020: days below 10 and months 1 and 2 take a 0. */
	snprintf(day, sizeof(day), "%02d", st->day);
	snprintf(month, sizeof(month), st->month <= 2 ? "%02d" : "%d",
		 st->month);
	title = st->title && *st->title ? st->title : NULL;

	bad |= make_line(&line[HEADING], "%s",
			 "CHỨNG THỰC BẢN SAO ĐIỆN TỬ TỪ BẢN CHÍNH");
	bad |= make_line(&line[1], "%s",
			 "Chứng thực bản sao đúng với bản chính.");
	bad |= make_line(&line[2], "Số chứng thực: %s   Quyển số: %s",
			 st->number, st->book);
	bad |= make_line(&line[3], "Ngày %s tháng %s năm %d", day, month,
			 st->year);
	bad |= make_line(&line[4], "Người thực hiện chứng thực: %s%s%s",
			 st->certifier, title ? ", " : "", title ? title : "");
	bad |= make_line(&line[5], "Cơ quan: %s", st->office);
	bad |= make_line(&line[6], "Bản sao gồm %d trang; lệ phí: %s đồng",
			 st->pages, fee);
	if (bad) {
		free_lines(line);
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	}
	return CC_OK;
}

/* The end of the character at s[i] and the marks that follow it. */
static size_t char_end(const char *s, size_t len, size_t i)
{
	const uint8_t *u = (const uint8_t *)s;

	do {
		int n = u8_mblen(u + i, len - i);
		ucs4_t c;

		i += n > 0 ? (size_t)n : 1;
		if (i < len)
			u8_mbtouc(&c, u + i, len - i);
		if (i >= len || !uc_is_general_category(c, UC_CATEGORY_M))
			return i;
	} while (1);
}

/* The width of s[0..n) at size. */
static double width_of(struct cc_font *f, const char *s, size_t n, double size,
		       struct cc_buf *tmp)
{
	tmp->len = 0;
	cc_buf_put(tmp, s, n);
	cc_buf_put(tmp, "", 1);
	if (tmp->failed)
		return 0;
	return cc_font_width(f, (const char *)tmp->data, size);
}

/* Append line to out broken into lines no wider than width at size, each
 * ending in a newline: greedily at spaces (the spaces at a break dropped),
 * inside a word only when it alone is too wide. No font: the line whole. */
static void wrap(struct cc_font *f, const char *line, double size, double width,
		 struct cc_buf *out)
{
	struct cc_buf tmp = {0};
	size_t len = strlen(line), start = 0;

	while (f && start < len) {
		size_t end = start, fit = 0;

		/* Longest run of whole words that fits. */
		while (end < len) {
			size_t e = end;

			while (e < len && line[e] == ' ')
				e++;
			while (e < len && line[e] != ' ')
				e++;
			if (width_of(f, line + start, e - start, size, &tmp) >
			    width)
				break;
			fit = end = e;
		}
		if (!fit) {
			/* The word alone is too wide: as many characters as
			 * fit (each with its marks), at least one. */
			size_t e = start;

			while (e < len && line[e] != ' ') {
				size_t n = char_end(line, len, e);

				if (fit && width_of(f, line + start, n - start,
						    size, &tmp) > width)
					break;
				fit = e = n;
			}
		}
		cc_buf_put(out, line + start, fit - start);
		cc_buf_puts(out, "\n");
		start = fit;
		while (start < len && line[start] == ' ')
			start++;
	}
	if (!f) {
		cc_buf_puts(out, line);
		cc_buf_puts(out, "\n");
	}
	if (tmp.failed)
		out->failed = 1;
	cc_buf_free(&tmp);
}

int cc_statement_text(const struct cc_statement *st, struct cc_font *f,
		      struct cc_buf *out, struct cc_error *err)
{
	char *line[NLINES];
	struct cc_buf b = {0};
	int rc;

	if (!out)
		return cc_error_set(err, CC_USAGE, "no output");
	if ((rc = make_lines(st, line, err)))
		return rc;
	for (int i = 0; i < NLINES; i++)
		wrap(f, line[i], i == HEADING ? HEAD_SIZE : BODY_SIZE, TEXT_W,
		     &b);
	cc_buf_put(&b, "", 1);
	if (b.failed) {
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
	} else {
		cc_buf_put(out, b.data, b.len);
		if (!out->failed)
			out->len--;
		else
			rc = cc_error_set(err, CC_SYSTEM, "out of memory");
	}
	free_lines(line);
	cc_buf_free(&b);
	return rc;
}

/* ---- the page ---- */

/* Show each line of the newline-separated lines at x (or centred on the
 * frame), from baseline *y down by lead; *y is left at the last one. */
static int show_lines(struct cc_font *f, char *lines, double size, double lead,
		      int centre, double *y, struct cc_buf *c,
		      struct cc_error *err)
{
	int rc;

	for (char *s = lines, *nl; *s; s = nl + 1) {
		double x = TEXT_X;

		nl = strchr(s, '\n');
		*nl = '\0';
		if (centre)
			x = FRAME_X + (FRAME_W - cc_font_width(f, s, size)) / 2;
		cc_buf_puts(c, "BT\n/F1 ");
		cc_buf_num(c, size);
		cc_buf_puts(c, " Tf\n1 0 0 1 ");
		put_nums(c, (double[]){x, *y}, 2);
		cc_buf_puts(c, "Tm\n");
		if ((rc = cc_font_show(f, s, size, c, err)))
			return rc;
		cc_buf_puts(c, "ET\n");
		if (nl[1])
			*y -= lead;
	}
	return CC_OK;
}

int cc_statement_page(const struct cc_statement *st, struct cc_font *f,
		      struct cc_buf *content, struct cc_rect *sig,
		      struct cc_rect *seal, struct cc_error *err)
{
	struct cc_buf head = {0}, body = {0}, c = {0};
	char *line[NLINES];
	double asc, desc, y, top, rule, bottom;
	int rc;

	if (!f || !content || !sig || !seal)
		return cc_error_set(err, CC_USAGE, "no font or no output");
	if ((rc = make_lines(st, line, err)))
		return rc;
	wrap(f, line[HEADING], HEAD_SIZE, TEXT_W, &head);
	for (int i = HEADING + 1; i < NLINES; i++)
		wrap(f, line[i], BODY_SIZE, TEXT_W, &body);
	cc_buf_put(&head, "", 1);
	cc_buf_put(&body, "", 1);
	if (head.failed || body.failed) {
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}

	/* The heading: filled and stroked, for weight. */
	top = CC_PAGE_A4_H - MARGIN;
	cc_font_metrics(f, HEAD_SIZE, &asc, &desc, NULL);
	y = top - PAD - asc;
	cc_buf_puts(&c, "q\n0 g 0 G\n2 Tr 0.4 w\n");
	if ((rc = show_lines(f, (char *)head.data, HEAD_SIZE, HEAD_LEAD, 1, &y,
			     &c, err)))
		goto out;
	cc_buf_puts(&c, "0 Tr\n");
	rule = y + desc - 6;

	cc_font_metrics(f, BODY_SIZE, &asc, &desc, NULL);
	y = rule - 12 - asc;
	if ((rc = show_lines(f, (char *)body.data, BODY_SIZE, BODY_LEAD, 0, &y,
			     &c, err)))
		goto out;
	bottom = y + desc - PAD;
	cc_buf_puts(&c, "0.6 w\n");
	put_nums(&c, (double[]){FRAME_X + (FRAME_W - RULE_W) / 2, rule}, 2);
	cc_buf_puts(&c, "m\n");
	put_nums(&c, (double[]){FRAME_X + (FRAME_W + RULE_W) / 2, rule}, 2);
	cc_buf_puts(&c, "l\nS\n");
	put_nums(&c, (double[]){FRAME_X, bottom, FRAME_W, top - bottom}, 4);
	cc_buf_puts(&c, "re\nS\nQ\n");

	*sig = (struct cc_rect){MARGIN_L, bottom - GAP - SIG_H, SIG_W, SIG_H};
	*seal = (struct cc_rect){CC_PAGE_A4_W - MARGIN - SEAL_W,
				 bottom - GAP - SEAL_W, SEAL_W, SEAL_W};
	if (seal->y < MARGIN) {
		rc = cc_error_set(err, CC_USAGE,
				  "invalid statement: too long for the page");
		goto out;
	}
	if (c.failed) {
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	cc_buf_put(content, c.data, c.len);
	if (content->failed)
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
out:
	free_lines(line);
	cc_buf_free(&head);
	cc_buf_free(&body);
	cc_buf_free(&c);
	return rc;
}

/* ---- the watermark ---- */

int cc_statement_watermark(const char *text, struct cc_font *f, double w,
			   double h, struct cc_buf *content,
			   struct cc_error *err)
{
	struct cc_buf c = {0};
	double tw, size, cap, a;
	size_t before;
	int rc;

	if (!f || !content)
		return cc_error_set(err, CC_USAGE, "no font or no output");
	if (!(w >= 3 && w <= 14400 && h >= 3 && h <= 14400))
		return cc_error_set(err, CC_USAGE,
				    "invalid page size for a watermark");
	if (!text || !*text || strlen(text) > FIELD_MAX)
		return cc_error_set(err, CC_USAGE, "invalid watermark text");
	/* The font's verdict on the text first, for its message. */
	if ((rc = cc_font_outline(f, text, 1, 0, 0, &c, err)))
		goto out;
	c.len = 0;
	tw = cc_font_width(f, text, 1);
	if (!(tw > 0)) {
		rc = cc_error_set(err, CC_USAGE, "invalid watermark text");
		goto out;
	}
	/* Six tenths of the diagonal long, capitals at most a sixth of the
	 * page's smaller side high: well inside the page. */
	size = 0.6 * hypot(w, h) / tw;
	cc_font_metrics(f, 1, NULL, NULL, &cap);
	if (cap > 0 && size * cap > fmin(w, h) / 6)
		size = fmin(w, h) / 6 / cap;
	a = atan2(h, w);
	cc_buf_puts(&c, "q\n/Artifact << /Type /Pagination /Subtype "
			"/Watermark >> BDC\n/GSwm gs\n0.5 g\n");
	put_nums(&c, (double[]){cos(a), sin(a), -sin(a), cos(a), w / 2, h / 2},
		 6);
	cc_buf_puts(&c, "cm\n");
	before = c.len;
	if ((rc = cc_font_outline(f, text, size, -tw * size / 2,
				  -cap * size / 2, &c, err)))
		goto out;
	if (c.len > before)
		cc_buf_puts(&c, "f\n");
	cc_buf_puts(&c, "EMC\nQ\n");
	if (c.failed) {
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	cc_buf_put(content, c.data, c.len);
	if (content->failed)
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
out:
	cc_buf_free(&c);
	return rc;
}
