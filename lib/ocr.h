/*
 * ocr.h - text recognition with Tesseract's C API. One engine per thread
 * (Tesseract is not thread-safe within an engine), each running single-
 * threaded: Debian's Tesseract is built with OpenMP, whose default team on a
 * small machine makes a page several times slower; parallelism belongs
 * across pages instead (see cc_ocr_single_thread). Text comes out in NFC.
 */
#ifndef CC_OCR_H
#define CC_OCR_H

#include <stddef.h>

#include "error.h"

struct Pix;
struct cc_ocr_engine;

struct cc_ocr_word {
	int x0, y0, x1, y1; /* box in pixels, origin top-left */
	int baseline;	    /* baseline y of the word's line, in pixels */
	int line;	    /* index of the text line on the page */
	float conf;	    /* Tesseract's confidence, 0-100 */
	char *text;	    /* UTF-8, NFC */
};

struct cc_ocr_page {
	struct cc_ocr_word *words;
	size_t nwords;
	char *text;	  /* the page's text, lines separated by '\n' */
	double mean_conf; /* mean word confidence, 0-100; 0 if no words */
	double ms;	  /* time taken to recognise the page */
};

/* Keep the calling thread's OpenMP parallel regions to one thread. Every
 * thread that runs an engine calls it (cc_ocr_engine_new does). */
void cc_ocr_single_thread(void);

/* lang like "vie+eng"; datapath NULL for Tesseract's default. A language
 * that is not installed is CC_SYSTEM. */
struct cc_ocr_engine *cc_ocr_engine_new(const char *lang, const char *datapath,
					struct cc_error *err);
void cc_ocr_engine_free(struct cc_ocr_engine *e);

/* Recognise a page (8 bpp gray, 32 bpp RGB or 1 bpp) scanned at dpi. */
int cc_ocr_page(struct cc_ocr_engine *e, struct Pix *pix, int dpi,
		struct cc_ocr_page *out, struct cc_error *err);

/* Read a machine-readable zone in the given box of the page (pixels; a
 * box of 0 width means the whole page): one line of text per MRZ line,
 * characters limited to A-Z 0-9 <, no dictionary. *text is malloc'ed. */
int cc_ocr_mrz(struct cc_ocr_engine *e, struct Pix *pix, int dpi, int x, int y,
	       int w, int h, char **text, struct cc_error *err);

void cc_ocr_page_free(struct cc_ocr_page *p);

/* NFC of UTF-8 s, malloc'ed; invalid UTF-8 is replaced. NULL on no memory. */
char *cc_utf8_nfc(const char *s);

#endif
