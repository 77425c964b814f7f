/*
 * recognize.h - what the document is, what it says, and whether it holds
 * together: page classification (citizen ID card front or back, passport
 * data page, birth certificate, generic), field extraction from the OCR
 * text, the ID card's QR code (zbar) and machine-readable zone (from the
 * page's text, and a separate MRZ-only Tesseract pass when that reading does
 * not hold together), and the validity checks: MRZ check digits, MRZ and QR
 * against the printed fields, expiry, legibility.
 */
#ifndef CC_RECOGNIZE_H
#define CC_RECOGNIZE_H

#include <jansson.h>

#include "date.h"
#include "error.h"
#include "fields.h"
#include "ocr.h"

struct Pix;
struct cc_recognizer;

/* A page whose mean word confidence is below this is not legible. */
#define CC_MIN_PAGE_CONFIDENCE 60.0

struct cc_recognize_opts {
	const char *type;     /* forced type of every page, or NULL */
	struct cc_date today; /* for the expiry check */
	int background;	      /* may use a thread of its own */
};

struct cc_recognizer *cc_recognizer_new(const struct cc_recognize_opts *o,
					const char *lang, const char *tessdata,
					struct cc_error *err);
/* Look at a page before its text is known (on the thread that calls the
 * others, while the page is recognised): the QR code of a card, and the
 * engine for a machine-readable zone, loaded on a thread of its own when
 * opts.background allows. */
int cc_recognizer_look(struct cc_recognizer *r, int index,
		       const struct Pix *pix, int dpi, struct cc_error *err);
/* Look at one page (called in page order). */
int cc_recognizer_page(struct cc_recognizer *r, int index, struct Pix *pix,
		       int dpi, const struct cc_ocr_page *ocr,
		       struct cc_error *err);
/* Put "document", "checks", "valid" and "problems" into report. Returns 1
 * when every check passed, 0 when one failed (err->msg names the first),
 * -1 on failure (err filled). */
int cc_recognizer_finish(struct cc_recognizer *r, json_t *report,
			 struct cc_error *err);
void cc_recognizer_free(struct cc_recognizer *r);

#endif
