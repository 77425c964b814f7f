/*
 * tiffmem.h - libtiff as the modules use it: on a buffer in memory (a file
 * read whole, or a TIFF built to take its strip), with open options that
 * keep its first error message in the caller's buffer (for struct
 * cc_error), drop warnings and bound every allocation. The library never
 * prints, and neither does libtiff through it.
 */
#ifndef CC_TIFFMEM_H
#define CC_TIFFMEM_H

#include <tiffio.h>

struct cc_tiff_msg {
	char text[200]; /* the first error, or "" */
};

/* Options writing into msg; max_alloc 0 leaves libtiff's default. Free with
 * TIFFOpenOptionsFree. NULL on no memory. */
TIFFOpenOptions *cc_tiff_options(struct cc_tiff_msg *msg, tmsize_t max_alloc);

/* A TIFF file in memory. Read-only over the caller's bytes (data, size;
 * never freed here), or growing as libtiff writes (data malloc'ed here;
 * the caller frees it). */
struct cc_tiff_mem {
	unsigned char *data;
	size_t size, cap, pos;
	int readonly;
};

/* Open m with libtiff from its start; mode as for TIFFOpen. */
TIFF *cc_tiff_open_mem(struct cc_tiff_mem *m, const char *name,
		       const char *mode, TIFFOpenOptions *opts);

#endif
