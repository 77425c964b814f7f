/* tiffopts.c - libtiff's messages captured, never printed. */
#include "tiffopts.h"

#include <stdarg.h>
#include <stdio.h>

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
