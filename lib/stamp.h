/*
 * stamp.h - the office's seal on a certified copy (cc-stamp): what the
 * certification page's seal field says (the number, book, pages and
 * certifier cc-sign put there), the seal's appearance drawn into that field
 * as the signing core's prepare callback, and the QR code as a PNG for a
 * screen or a receipt.
 */
#ifndef CC_STAMP_H
#define CC_STAMP_H

#include <stddef.h>

#include "error.h"
#include "pades.h"

/* The seal signature dictionary's entry naming the verification code. */
#define CC_STAMP_CODE_KEY "/CcCode"

struct cc_stamp_facts {
	long long number;
	char book[64];
	int pages;
	char certifier[256];
};

/* The facts of the seal field of a copy signed by cc-sign --statement.
 * CC_INPUT when the copy has no such field, or it is signed already. */
int cc_stamp_read(const unsigned char *pdf, size_t len, const char *name,
		  struct cc_stamp_facts *f, struct cc_error *err);

struct cc_stamp_look {
	const char *office;	/* around the seal's ring */
	const char *short_name; /* in its centre */
	const char *code;	/* "7K3M-Q9TX-2B4D-X5Q1" */
	const char *url;	/* base URL and code */
	const char *date;	/* "28/11/2026" */
	const char *font;	/* NULL: the default font */
};

/* The prepare callback of pades.h (ctx: struct cc_stamp_look): draws the
 * seal, the code and the QR code as the appearance of the seal field. */
int cc_stamp_prepare(void *ctx, struct cc_pdf *pdf,
		     struct cc_pdf_object **objs, size_t *nobjs,
		     struct cc_pades_widget *w, struct cc_error *err);

/* The QR code of text (level M) as a grey PNG at path ("-" = stdout),
 * scale pixels a module, written atomically. */
int cc_stamp_qr_png(const char *text, const char *path, int scale,
		    struct cc_error *err);

#endif
