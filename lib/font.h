/*
 * font.h - text that cc-sign draws into a PDF: an embedded, subset TrueType
 * font with exact text extraction (the certification page), and glyph
 * outlines for text that must be seen but not extracted (the watermark).
 *
 * HarfBuzz shapes (kerning, ligatures, mark positioning) and subsets
 * (hb-subset), FreeType gives outlines and metrics. Not cairo: cairo writes
 * whole PDF documents, but cc-sign adds objects to an existing PDF in an
 * incremental update, so the font and the content streams are made here as
 * PDF objects (struct cc_pdf_object) for the incremental writer.
 *
 * Codes: every distinct pair (glyph, the Unicode text it stands for) gets a
 * 2-byte code of its own, 1, 2, 3 ... in order of first use (Identity-H).
 * The font program is a subset with glyphs renumbered (smaller than keeping
 * the original glyph numbers), and a CIDToGIDMap takes each code to its
 * glyph in the subset; the ToUnicode CMap takes each code to its text, so
 * that one glyph can stand for different characters (a space and a
 * no-break space) and a ligature for several. The same calls give the same
 * bytes.
 */
#ifndef CC_FONT_H
#define CC_FONT_H

#include "buf.h"
#include "error.h"
#include "pdfinc.h"

/* fonts-dejavu-core, installed by "make deps". */
#define CC_FONT_DEFAULT "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

struct cc_font;

/* Open a TrueType font with glyf outlines; NULL path is CC_FONT_DEFAULT. A
 * missing or unreadable file is CC_SYSTEM, a file that is no such font is
 * CC_INPUT. */
struct cc_font *cc_font_open(const char *path, struct cc_error *err);
void cc_font_close(struct cc_font *f); /* NULL is allowed */

/* The shaped advance of utf8 (normalised to NFC) at size, in points; 0 for
 * text cc_font_show refuses. */
double cc_font_width(struct cc_font *f, const char *utf8, double size);

/* Ascent, descent (negative) and cap height of the font at size, in
 * points; any pointer may be NULL. */
void cc_font_metrics(struct cc_font *f, double size, double *ascent,
		     double *descent, double *cap);

/* Append to content the operators that show utf8, normalised to NFC and
 * shaped by HarfBuzz, at the current text position: TJ arrays of 2-byte
 * codes with the positioning HarfBuzz gives (kerning, marks placed
 * sideways by TJ adjustments and up or down by Ts, which is 0 again at the
 * end), recording the glyphs and the text of each for cc_font_objects. The
 * caller writes BT, "/F1 size Tf", the position and ET; size must be the
 * Tf size (for Ts). Afterwards the text position is advanced by exactly
 * cc_font_width(). Invalid UTF-8 is CC_INPUT, as are a character the font
 * has no glyph for (rather than a box: PDF/A forbids .notdef), text of
 * more than 65536 bytes, and more distinct glyphs than 2-byte codes hold;
 * content is unchanged on error. */
int cc_font_show(struct cc_font *f, const char *utf8, double size,
		 struct cc_buf *content, struct cc_error *err);

/* Append the glyph outlines of utf8, shaped, as path operators (m l c h)
 * in user space with the baseline's start at x, y, for text that must look
 * like text but not be text (the watermark). The caller paints them (f,
 * nonzero winding, as TrueType wants). Nothing is recorded for the font.
 * Text is refused as by cc_font_show. */
int cc_font_outline(struct cc_font *f, const char *utf8, double size, double x,
		    double y, struct cc_buf *content, struct cc_error *err);

/* The font's PDF objects, numbered num[]. */
enum {
	CC_FONT_TYPE0,	     /* the font: the resource to name /F1 */
	CC_FONT_CIDFONT,     /* CIDFontType2 with /W */
	CC_FONT_DESCRIPTOR,  /* FontDescriptor, "ABCDEF+" subset name */
	CC_FONT_FILE,	     /* FontFile2: the subset, Flate, /Length1 */
	CC_FONT_CIDTOGIDMAP, /* code -> glyph in the subset, Flate */
	CC_FONT_TOUNICODE,   /* code -> text, Flate */
	CC_FONT_NOBJ
};

/* Make the objects of the font for everything shown so far: the subset
 * holds the glyphs used (and the components of composite ones), hinting
 * dropped, and the subset tag is a hash of its glyph set. obj[] is filled
 * (free each with cc_pdf_object_free) or, on error, left empty. Nothing
 * shown yet is CC_USAGE. */
int cc_font_objects(struct cc_font *f, const int num[CC_FONT_NOBJ],
		    struct cc_pdf_object obj[CC_FONT_NOBJ],
		    struct cc_error *err);

/* The same, appended to the list *objs of n objects (grown). */
int cc_font_add_objects(struct cc_font *f, const int num[CC_FONT_NOBJ],
			struct cc_pdf_object **objs, size_t *n,
			struct cc_error *err);

#endif
