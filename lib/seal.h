/*
 * seal.h - the visible appearance of the office's electronic seal, which
 * cc-stamp puts in the area the certification page left for it
 * (statement.h, 170 x 170 pt): the office's round red seal, the
 * verification code in clear text and a QR code of the verification URL
 * (DESIGN.md, "Verification code and QR").
 *
 * Layout, for a w x h rectangle (proportions of a 170 x 170 one):
 *
 *	+------------------------+
 *	|  .-~~-.                |   the seal, top left: two rings, the
 *	| / ring \               |   office's name in capitals set around
 *	|| * NAME |   +--------+ |   the ring glyph by glyph (a star where
 *	| \ ring /    |  QR    | |   its ends meet, at the bottom), a star
 *	|  `-..-'     |  code  | |   and the short name in the centre
 *	|  date       +--------+ |   "Ngày ký: DATE" under it, if any
 *	|     7K3M-Q9TX-2B4D-X5QZ|   the code, along the bottom
 *	+------------------------+
 *
 * The QR code, with its 4-module quiet zone painted white, takes 48 % of
 * the rectangle's smaller side at the bottom right, just above the code;
 * nothing else is drawn on it. The seal is as large as it can be without
 * touching the QR code or the code. The QR code is made by libqrencode at
 * level Q when its modules are then at least CC_SEAL_MIN_MODULE wide, else
 * at level M; its dark modules are filled rectangles, merged into runs
 * along each row.
 */
#ifndef CC_SEAL_H
#define CC_SEAL_H

#include "buf.h"
#include "error.h"
#include "font.h"
#include "statement.h"

/* The smallest rectangle, points. */
#define CC_SEAL_MIN_SIZE 150.0
/* The narrowest QR module, points: 3.1 pixels at 150 dpi. */
#define CC_SEAL_MIN_MODULE 1.5

struct cc_seal {
	const char *office;	/* full name, set around the ring */
	const char *short_name; /* e.g. "TTPVHCC", in the centre; may be
				   NULL or empty (a star alone) */
	const char *code;	/* verification code, e.g.
				   "7K3M-Q9TX-2B4D-X5QZ" (any form
				   cc_vcode_parse takes; drawn canonical) */
	const char *url;	/* base URL + code: printable ASCII */
	const char *date;	/* "28/11/2026", or NULL */
};

/* Where cc_seal_draw puts things, in the rectangle's coordinates. */
struct cc_seal_layout {
	double cx, cy, r;    /* the seal's circle (outer edge) */
	struct cc_rect qr;   /* the QR code with its quiet zone */
	double module;	     /* the side of a module, points */
	int version;	     /* QR version, 1..40 */
	char level;	     /* 'Q' or 'M' */
	struct cc_rect code; /* the code's text: baseline to cap height */
	double code_size;    /* its font size */
};

/* Work out the layout without drawing; the same checks and errors as
 * cc_seal_draw. */
int cc_seal_layout(const struct cc_seal *s, struct cc_font *f, double w,
		   double h, struct cc_seal_layout *out, struct cc_error *err);

/* Append to content the seal for a Form XObject with BBox [0 0 w h] and
 * the font as /F1: red (DeviceRGB) vector seal, dark code text shown with
 * cc_font_show (so that it extracts), black-on-white QR code; everything
 * inside q/Q. A missing office, code or URL, a code cc_vcode_parse
 * refuses, a URL that is not printable ASCII or longer than 512 bytes,
 * text fields that are not UTF-8 or hold control characters, an office
 * name too long for the ring, a short name too long for the centre, and a
 * rectangle smaller than CC_SEAL_MIN_SIZE either way (or one whose QR code
 * would have modules under CC_SEAL_MIN_MODULE) are CC_USAGE; text the font
 * has no glyph for is CC_INPUT, as in cc_font_show. content is unchanged
 * on error. */
int cc_seal_draw(const struct cc_seal *s, struct cc_font *f, double w, double h,
		 struct cc_buf *content, struct cc_error *err);

#endif
