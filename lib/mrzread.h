/*
 * mrzread.h - reading the machine-readable zone (ICAO 9303 TD1 or TD3) off a
 * page image, for lib/mrz.c to parse.
 */
#ifndef CC_MRZREAD_H
#define CC_MRZREAD_H

#include "error.h"
#include "ocr.h"

struct Pix;

/* Does the general OCR pass show words that look like an MRZ? */
int cc_mrz_on_page(const struct cc_ocr_page *ocr);

/* Read the zone that ocr's words show on pix with engine (English data):
 * lines gets its 2 or 3 lines, repaired by position, and *nlines their
 * count, 0 when no zone could be read. */
int cc_mrz_read(struct cc_ocr_engine *engine, struct Pix *pix, int dpi,
		const struct cc_ocr_page *ocr, char lines[3][45], int *nlines,
		struct cc_error *err);

#endif
