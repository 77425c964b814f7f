/* qr.h - QR codes read from an image with zbar. */
#ifndef CC_QR_H
#define CC_QR_H

#include <stddef.h>

#include "error.h"

struct Pix;

/* The text of the first QR code zbar finds on pix, into out (size bytes,
 * NUL included; a longer payload is skipped): 1 when found, else 0; -1 with
 * err filled (CC_SYSTEM "cannot load libzbar.so.0: ...") without zbar. */
int cc_qr_read(struct Pix *pix, char *out, size_t size, struct cc_error *err);
/* The same for the first QR code whose text accept(text, ctx) takes (a
 * page may carry several): 2 when one is taken, 1 when QR codes were read
 * but none taken (out holds the first), 0 when none was read, -1 as above. */
int cc_qr_read_if(struct Pix *pix, int (*accept)(const char *text, void *ctx),
		  void *ctx, char *out, size_t size, struct cc_error *err);

#endif
