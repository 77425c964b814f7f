/*
 * cleanup.h - making a raw scan a clean page: crop the scanner border and
 * dark margins, deskew, turn an upside-down page the right way, normalise the
 * background, optionally binarise. Leptonica does the pixel work.
 */
#ifndef CC_CLEANUP_H
#define CC_CLEANUP_H

#include "error.h"

struct Pix;

struct cc_cleanup_opts {
	int crop;
	int deskew;
	int orient;
	int normalize;
	int binarize;
};

struct cc_cleanup_info {
	double skew_found; /* degrees, counter-clockwise positive */
	double skew_conf;  /* Leptonica's confidence; < 3 means none found */
	int skew_corrected;
	int turned;		 /* degrees clockwise: 0, 90, 180, 270 */
	double orient_conf;	 /* up/down: > 0 upright, < 0 upside down */
	double orient_left_conf; /* > 0 turned a quarter counter-clockwise */
	int crop_x, crop_y, crop_w, crop_h; /* kept area of the input */
};

/* Clean in (8 or 32 bpp) at dpi. *out is the page to store (8, 32 or 1
 * bpp); *gray is the 8 bpp page after geometry but before normalisation, for
 * the quality gate. */
int cc_cleanup_page(struct Pix *in, int dpi, const struct cc_cleanup_opts *o,
		    struct Pix **out, struct Pix **gray,
		    struct cc_cleanup_info *info, struct cc_error *err);

/* gray (8 bpp) turned so that its text lines run level, as cc_cleanup_page
 * deskews, or a new reference to it when no skew is found. NULL when out of
 * memory. */
struct Pix *cc_straighten(struct Pix *gray);

#endif
