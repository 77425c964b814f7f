/* buf.c - growable byte buffers (buf.h). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

int cc_buf_grow(struct cc_buf *b, size_t more)
{
	size_t cap;
	unsigned char *p;

	if (b->failed)
		return -1;
	if (more <= b->cap - b->len)
		return 0;
	if (more > SIZE_MAX / 4 - b->len) {
		b->failed = 1;
		return -1;
	}
	cap = b->cap ? b->cap : 256;
	while (cap - b->len < more)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p) {
		b->failed = 1;
		return -1;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

void cc_buf_put(struct cc_buf *b, const void *p, size_t n)
{
	if (n && !cc_buf_grow(b, n)) {
		memcpy(b->data + b->len, p, n);
		b->len += n;
	}
}

void cc_buf_puts(struct cc_buf *b, const char *s)
{
	cc_buf_put(b, s, strlen(s));
}

void cc_buf_printf(struct cc_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || cc_buf_grow(b, (size_t)n + 1)) {
		b->failed = 1;
		return;
	}
	va_start(ap, fmt);
	if (vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap) != n)
		b->failed = 1;
	else
		b->len += (size_t)n;
	va_end(ap);
}

void cc_buf_u16(struct cc_buf *b, unsigned v)
{
	unsigned char x[2] = {(unsigned char)(v >> 8), (unsigned char)v};

	cc_buf_put(b, x, 2);
}

/* Big-endian 16-bit fields; negative values in two's complement. */
void cc_buf_u16s(struct cc_buf *b, const int *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cc_buf_u16(b, (unsigned)v[i] & 0xffff);
}

void cc_buf_free(struct cc_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

