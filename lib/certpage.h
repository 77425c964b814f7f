/*
 * certpage.h - what cc-sign --statement adds to a copy in the update that
 * carries the certifier's signature: the certification page with the
 * statement (statement.h) in an embedded subset font (font.h), the visible
 * signature's widget and appearance on it, and the office's watermark over
 * every scanned page. Plugged into the signing core as its prepare
 * callback (pades.h).
 */
#ifndef CC_CERTPAGE_H
#define CC_CERTPAGE_H

#include "config.h"
#include "error.h"
#include "pades.h"

/* The empty signature field on the certification page where cc-stamp puts
 * the office's seal; it carries what the register records: /CcNumber
 * (integer), /CcBook (text), /CcPages (pages of the original, integer) and
 * /CcCertifier (text). */
#define CC_SEAL_FIELD "OfficeSeal"

struct cc_certpage_opts {
	const char *number;    /* the certification number; NULL when the
				* register gives it (cc_certpage_dup) */
	const char *book;      /* NULL: "01/<year>-<office.book_prefix>" */
	const char *certifier; /* name on the page */
	const char *title;     /* may be NULL */
	const char *date;      /* "YYYY-MM-DD"; NULL: today (local time) */
	const char *font;      /* NULL: CC_FONT_DEFAULT */
	const char *watermark; /* NULL: office.short_name */
	int visible;	       /* the signature's widget on the page */
};

struct cc_certpage;
/* Check the options (CC_USAGE) and the font (CC_SYSTEM). */
struct cc_certpage *cc_certpage_new(const struct cc_certpage_opts *o,
				    const struct cc_config *cfg,
				    struct cc_error *err);
/* A copy for one document, with the number and book the register gave. */
struct cc_certpage *cc_certpage_dup(const struct cc_certpage *c,
				    long long number, const char *book,
				    struct cc_error *err);
/* The year of the certification date (for the register's book). */
int cc_certpage_year(const struct cc_certpage *c);
void cc_certpage_free(struct cc_certpage *c);
/* The prepare callback of pades.h; ctx is the struct cc_certpage. */
int cc_certpage_prepare(void *ctx, struct cc_pdf *pdf,
			struct cc_pdf_object **objs, size_t *nobjs,
			struct cc_pades_widget *w, struct cc_error *err);

#endif
