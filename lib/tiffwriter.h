/*
 * tiffwriter.h - the scan format of DESIGN.md: a multi-page TIFF, 8-bit gray
 * or 24-bit RGB with Deflate, or 1-bit with CCITT G4; resolution tags always
 * set; nothing lossy. Each page's SHA-256 is taken over its raw samples as
 * stored (row by row; gray 1 byte a pixel, RGB 3, bilevel 8 pixels a byte,
 * most significant bit first, 1 = black, rows padded to a byte with 0
 * bits), so anyone can recompute it from the TIFF with libtiff's
 * TIFFReadScanline. libtiff's G4 decoder leaves the pad bits of a row's
 * last byte as they were in the caller's buffer: clear them before hashing.
 */
#ifndef CC_TIFFWRITER_H
#define CC_TIFFWRITER_H

#include "digest.h"
#include "error.h"

struct Pix;
struct cc_tiff_writer;

/* Write to fd (which stays the caller's; it is not closed). */
struct cc_tiff_writer *cc_tiff_writer_open(int fd, const char *name,
					   struct cc_error *err);
/* Append pix (8 bpp gray, 32 bpp RGB or 1 bpp) at dpi; sha gets the digest
 * of the page's samples. */
int cc_tiff_writer_add(struct cc_tiff_writer *w, struct Pix *pix, int dpi,
		       unsigned char sha[CC_SHA256_LEN], struct cc_error *err);
/* Finish the file; frees w. */
int cc_tiff_writer_close(struct cc_tiff_writer *w, struct cc_error *err);
/* Free w without finishing (the output is being discarded anyway). */
void cc_tiff_writer_abort(struct cc_tiff_writer *w);

#endif
