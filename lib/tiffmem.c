/* tiffmem.c - libtiff on memory buffers, its messages captured. */
#include "tiffmem.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int on_error(TIFF *tif, void *user, const char *module, const char *fmt,
		    va_list ap)
{
	struct cc_tiff_msg *m = user;

	(void)tif;
	(void)module;
	/* The first message names the cause, later ones the fallout. */
	if (!m->text[0] && vsnprintf(m->text, sizeof(m->text), fmt, ap) < 0)
		m->text[0] = '\0';
	return 1;
}

static int on_warning(TIFF *tif, void *user, const char *module,
		      const char *fmt, va_list ap)
{
	(void)tif;
	(void)user;
	(void)module;
	(void)fmt;
	(void)ap;
	return 1;
}

TIFFOpenOptions *cc_tiff_options(struct cc_tiff_msg *msg, tmsize_t max_alloc)
{
	TIFFOpenOptions *opts = TIFFOpenOptionsAlloc();

	if (!opts)
		return NULL;
	TIFFOpenOptionsSetErrorHandlerExtR(opts, on_error, msg);
	TIFFOpenOptionsSetWarningHandlerExtR(opts, on_warning, msg);
	if (max_alloc > 0)
		TIFFOpenOptionsSetMaxSingleMemAlloc(opts, max_alloc);
	return opts;
}

static tmsize_t mem_read(thandle_t h, void *p, tmsize_t n)
{
	struct cc_tiff_mem *m = h;
	size_t k = m->pos < m->size ? m->size - m->pos : 0;

	if (n < 0)
		return -1;
	if ((size_t)n < k)
		k = (size_t)n;
	if (k)
		memcpy(p, m->data + m->pos, k);
	m->pos += k;
	return (tmsize_t)k;
}

static tmsize_t mem_write(thandle_t h, void *p, tmsize_t n)
{
	struct cc_tiff_mem *m = h;
	size_t end;

	if (m->readonly || n < 0 || (size_t)n > SIZE_MAX / 4 - m->pos)
		return -1;
	end = m->pos + (size_t)n;
	if (end > m->cap) {
		size_t cap = m->cap ? m->cap : 65536;
		unsigned char *d;

		while (cap < end)
			cap *= 2;
		d = realloc(m->data, cap);
		if (!d)
			return -1;
		m->data = d;
		m->cap = cap;
	}
	if (m->pos > m->size)
		memset(m->data + m->size, 0, m->pos - m->size);
	if (n)
		memcpy(m->data + m->pos, p, (size_t)n);
	m->pos = end;
	if (end > m->size)
		m->size = end;
	return n;
}

static toff_t mem_seek(thandle_t h, toff_t off, int whence)
{
	struct cc_tiff_mem *m = h;
	uint64_t base = whence == SEEK_CUR   ? m->pos
			: whence == SEEK_END ? m->size
					     : 0;

	if (off > UINT64_MAX - base || base + off > SIZE_MAX / 8)
		return (toff_t)-1;
	m->pos = (size_t)(base + off);
	return m->pos;
}

static int mem_close(thandle_t h)
{
	(void)h;
	return 0;
}

static toff_t mem_size(thandle_t h)
{
	return ((struct cc_tiff_mem *)h)->size;
}

/* A read-only buffer is handed to libtiff as a mapping: strips are read in
 * place, without copies. */
static int mem_map(thandle_t h, void **base, toff_t *size)
{
	struct cc_tiff_mem *m = h;

	if (!m->readonly)
		return 0;
	*base = m->data;
	*size = m->size;
	return 1;
}

static void mem_unmap(thandle_t h, void *base, toff_t size)
{
	(void)h;
	(void)base;
	(void)size;
}

TIFF *cc_tiff_open_mem(struct cc_tiff_mem *m, const char *name,
		       const char *mode, TIFFOpenOptions *opts)
{
	m->pos = 0;
	return TIFFClientOpenExt(name, mode, m, mem_read, mem_write, mem_seek,
				 mem_close, mem_size, mem_map, mem_unmap, opts);
}
