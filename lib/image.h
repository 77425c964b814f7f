/*
 * image.h - reading page images from untrusted bytes: TIFF (all pages),
 * PNG, JPEG and binary PNM, detected by their magic bytes. Each page becomes
 * a Leptonica PIX, 8 bpp gray or 32 bpp RGB, with its resolution. Sizes are
 * checked against the limits below before any pixel memory is allocated, and
 * a truncated or corrupt file is an error (CC_INPUT), never a partial page.
 */
#ifndef CC_IMAGE_H
#define CC_IMAGE_H

#include <stddef.h>

#include "error.h"

struct Pix;

#define CC_IMAGE_MAX_SIDE 32000		 /* pixels, either side */
#define CC_IMAGE_MAX_PIXELS 150000000ULL /* per page: A3 at 1000 dpi */
#define CC_IMAGE_MAX_BYTES (1024ULL * 1024 * 1024) /* one input file */

struct cc_image;

struct cc_page_info {
	int width, height;
	int xres, yres; /* dots per inch, 0 when the file says nothing */
	int bilevel;	/* the source page was 1 bit per pixel */
	int color;	/* the page is RGB (32 bpp), else 8 bpp gray */
};

/* Read all of path ("-" = stdin) into memory and detect its format. */
struct cc_image *cc_image_open(const char *path, struct cc_error *err);
/* Use a copy of len bytes; name is used in messages. */
struct cc_image *cc_image_open_mem(const void *data, size_t len,
				   const char *name, struct cc_error *err);
/* "tiff", "png", "jpeg", "pnm" */
const char *cc_image_format(const struct cc_image *img);
const char *cc_image_name(const struct cc_image *img);
/* Decode the next page into *page (NULL at the end); 0 or an error code. */
int cc_image_next(struct cc_image *img, struct Pix **page,
		  struct cc_page_info *info, struct cc_error *err);
void cc_image_close(struct cc_image *img);

/* The resolution a page is taken to have, by every tool alike: the one its
 * file or scanner gives when that is believable (the page 2 to 60 cm a
 * side), else assume_dpi (300 when 0). *assumed (may be NULL) says which. */
int cc_page_dpi(const struct cc_page_info *info, int assume_dpi, int *assumed);

#endif
