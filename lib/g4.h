/*
 * g4.h - CCITT Group 4 (T.6) encoding of a 1 bpp page, in memory, through
 * libtiff's encoder: the data a PDF /CCITTFaxDecode stream (/K -1) holds.
 */
#ifndef CC_G4_H
#define CC_G4_H

#include <stddef.h>

struct Pix;

/* Encode pix (1 bpp, 1 = black); *data is malloc'ed. Returns 0, or -1 with
 * a reason in msg. */
int cc_g4_encode(struct Pix *pix, unsigned char **data, size_t *len, char *msg,
		 size_t msgsize);

#endif
