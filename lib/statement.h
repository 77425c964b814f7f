/*
 * statement.h - what cc-sign draws: the certification page with the
 * statement of Decree 23/2015 and 45/2020 (DESIGN.md, "Certified copy"),
 * the fee of Circular 226/2016, and the watermark on every scanned page.
 *
 * The page is A4 with the font as resource /F1. Its text is exactly the
 * lines of cc_statement_text (NFC), one PDF text line each, so that
 * pdftotext gives them back; lines too wide for the text block are broken
 * at spaces (within a word only when the word alone is too wide), without
 * indentation. Two areas are left empty for the signature widgets: nothing
 * is drawn in them or around them, so that a widget placed there overlaps
 * no page content (cc-verify refuses widgets that do).
 */
#ifndef CC_STATEMENT_H
#define CC_STATEMENT_H

#include "buf.h"
#include "error.h"
#include "font.h"

#define CC_PAGE_A4_W 595.28
#define CC_PAGE_A4_H 841.89

/* The graphics state the watermark paints with, named /GSwm in the page's
 * resources. */
#define CC_WATERMARK_GS "<< /Type /ExtGState /ca 0.12 /CA 0.12 >>"

struct cc_rect {
	double x, y, w, h; /* PDF user space, points, origin bottom-left */
};

struct cc_statement {
	const char *number;    /* certification number "123" */
	const char *book;      /* "01/2026-SCTĐT/BS" */
	int year, month, day;  /* the date of certification */
	const char *certifier; /* "Nguyễn Văn An" */
	const char *title;     /* "Công chứng viên"; may be NULL or empty */
	const char *office; /* "Trung tâm Phục vụ hành chính công ..." */
	int pages;	    /* pages of the original (scanned pages) */
};

/* Circular 226/2016/TT-BTC: 2,000 VND a page for pages 1 and 2, 1,000
 * from page 3, at most 200,000 a copy; 0 for pages <= 0. */
long cc_fee(int pages);

/* The statement's lines, UTF-8 NFC, each ending in a newline (and a NUL
 * after out->len, not counted), appended to out:
 *
 *   CHỨNG THỰC BẢN SAO ĐIỆN TỬ TỪ BẢN CHÍNH
 *   Chứng thực bản sao đúng với bản chính.
 *   Số chứng thực: 123   Quyển số: 01/2026-SCTĐT/BS
 *   Ngày 28 tháng 11 năm 2026
 *   Người thực hiện chứng thực: Nguyễn Văn An, Công chứng viên
 *   Cơ quan: Trung tâm Phục vụ hành chính công ...
 *   Bản sao gồm 2 trang; lệ phí: 4.000 đồng
 *
 * The date as official documents write it (Decree 30/2020): a day below 10
 * and the months 1 and 2 with a leading zero ("Ngày 05 tháng 02 năm
 * 2026"). With a font, lines are broken as cc_statement_page draws them;
 * with f NULL, one line per fact. A missing or malformed field (empty,
 * invalid UTF-8, control characters, over 300 bytes; an impossible date;
 * pages < 1) is CC_USAGE. */
int cc_statement_text(const struct cc_statement *st, struct cc_font *f,
		      struct cc_buf *out, struct cc_error *err);

/* Append the content stream of the certification page (A4, the font as
 * /F1): the heading centred, larger and emboldened (fill and stroke), a
 * short rule under it, the lines, a thin frame around the text; and return
 * the two areas left empty, below the frame: sig (left, 220 x 100 pt, for
 * the certifier's visible signature) and seal (right, 170 x 170 pt, for
 * the office's seal, the code and the QR code). A statement too long for
 * the page is CC_USAGE. */
int cc_statement_page(const struct cc_statement *st, struct cc_font *f,
		      struct cc_buf *content, struct cc_rect *sig,
		      struct cc_rect *seal, struct cc_error *err);

/* Append the watermark for a scanned page of w x h points: text (e.g.
 * "TTPVHCC") across the page's diagonal, centred, as glyph outlines (not
 * text: the page's OCR layer stays its only text), light grey through the
 * ExtGState /GSwm (CC_WATERMARK_GS, which the caller puts in the page's
 * resources), inside q/Q and marked as a watermark artifact
 * (/Artifact << /Type /Pagination /Subtype /Watermark >> BDC ... EMC). The
 * caller appends it after the page's own content, which must leave the
 * graphics state as it found it (wrap it in q/Q when unsure). A bad size
 * or no text is CC_USAGE; text the font cannot draw is CC_INPUT, as in
 * cc_font_show. */
int cc_statement_watermark(const char *text, struct cc_font *f, double w,
			   double h, struct cc_buf *content,
			   struct cc_error *err);

#endif
