/*
 * tiffopts.h - libtiff open options for the modules that use libtiff: its
 * first error message is kept in the caller's buffer (for struct cc_error),
 * warnings are dropped, and no single allocation may exceed a bound. The
 * library never prints, and neither does libtiff through it.
 */
#ifndef CC_TIFFOPTS_H
#define CC_TIFFOPTS_H

#include <tiffio.h>

struct cc_tiff_msg {
	char text[200]; /* the first error, or "" */
};

/* Options writing into msg; max_alloc 0 leaves libtiff's default. Free with
 * TIFFOpenOptionsFree. NULL on no memory. */
TIFFOpenOptions *cc_tiff_options(struct cc_tiff_msg *msg, tmsize_t max_alloc);

#endif
