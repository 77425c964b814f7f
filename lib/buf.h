/*
 * buf.h - growable byte buffers for building PDF objects, content streams,
 * font tables and DER in memory. An allocation failure is remembered in the
 * buffer (failed) and every later call does nothing, so that a builder
 * checks once, at the end, instead of after every append.
 */
#ifndef CC_BUF_H
#define CC_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct cc_buf {
	unsigned char *data;
	size_t len, cap;
	int failed; /* an allocation failed: the contents are incomplete */
};

/* Make room for more bytes; -1 (and failed set) when that is impossible. */
int cc_buf_grow(struct cc_buf *b, size_t more);
void cc_buf_put(struct cc_buf *b, const void *p, size_t n);
void cc_buf_puts(struct cc_buf *b, const char *s);
/* printf in the C locale: "%.2f" gives "0.50" under any LC_NUMERIC. */
void cc_buf_printf(struct cc_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* v with at most 3 decimals and no trailing zeros (PDF content). */
void cc_buf_num(struct cc_buf *b, double v);
/* Big-endian 16-bit fields; negative values in two's complement. */
void cc_buf_u16(struct cc_buf *b, unsigned v);
void cc_buf_u16s(struct cc_buf *b, const int *v, size_t n);
void cc_buf_free(struct cc_buf *b);

/* The value of the hex digit c, or -1 when c is none. */
int cc_hexval(int c);

/* Append the whole file at path ("-" = stdin); more than max bytes is
 * CC_INPUT, as is a file that cannot be opened or read (CC_SYSTEM when
 * the cause is the system's). */
int cc_buf_read_file(struct cc_buf *b, const char *path, size_t max,
		     struct cc_error *err);

/* The character at s (len > 0 bytes left); *n gets its length. Malformed
 * UTF-8 gives U+FFFD for the longest bad prefix. */
uint32_t cc_utf8_next(const unsigned char *s, size_t len, size_t *n);
/* Append c in UTF-8. */
void cc_buf_utf8(struct cc_buf *b, uint32_t c);
/* A PDF text string: literal when printable ASCII, else UTF-16BE with a
 * byte order mark, in hex. */
void cc_buf_pdf_text(struct cc_buf *b, const char *str);

#endif
