/*
 * print.h - what cc-print sends to a printer: a print-ready PDF made anew
 * from the pages of a certified copy, each page with a footer that keeps a
 * paper print checkable (the verification code, a QR code of the
 * verification URL and "Bản sao điện tử đã được chứng thực — tra cứu tại
 * URL"), or the citizen's one-page receipt.
 *
 * The certified file is only read: its signatures cover its bytes, so the
 * footer goes into a new document. Each page of the copy becomes a Form
 * XObject (its content, its resources and the appearances of its printable
 * annotations, such as the seal's widget, flattened into it), placed on a
 * page of the chosen paper (portrait, or landscape for a landscape page),
 * at its true size when it fits above the footer, else scaled down to fit;
 * the footer never covers any of it. The new document carries no form, no
 * signature and no /DSS of the copy: it is a print-out, not a copy.
 * qpdf (its C API) reads the copy, grafts the pages and writes the result;
 * the footer's text is in an embedded subset of DejaVu Sans (font.h), so
 * that it extracts with its diacritics; the QR code (libqrencode, level M)
 * is a 1-bit image mask with its quiet zone, at least CC_PRINT_MODULE
 * points a module.
 */
#ifndef CC_PRINT_H
#define CC_PRINT_H

#include <stddef.h>

#include "buf.h"
#include "error.h"

/* The narrowest QR module, points: 6 printer dots at 300 dpi. */
#define CC_PRINT_MODULE 1.5

/* What a certified copy says of itself. */
struct cc_print_facts {
	char code[20];	      /* the seal's /CcCode, canonical */
	long long number;     /* the seal field's /CcNumber */
	char book[64];	      /* /CcBook */
	int pages;	      /* /CcPages: pages of the original */
	char certifier[256];  /* /CcCertifier */
	int year, month, day; /* the seal's /M; 0 when it has none */
	int copy_pages;	      /* pages of the certified PDF */
};

/*
 * Read the facts of a certified copy (pdf, len bytes; name for messages):
 * the code from the seal signature (the signature of the field OfficeSeal,
 * read by sigstruct.h), the rest from the seal field. A PDF that is no
 * certified copy (no sealed OfficeSeal field, no code, a malformed seal
 * signature or code, missing facts) is CC_INPUT, saying so.
 */
int cc_print_read(const unsigned char *pdf, size_t len, const char *name,
		  struct cc_print_facts *f, struct cc_error *err);

/* A paper size. */
struct cc_media {
	const char *name; /* "A4" */
	const char *pwg;  /* IPP's media keyword, "iso_a4_210x297mm" */
	double w, h;	  /* portrait, points */
};

/* The paper called name (A3, A4, A5, Letter, Legal, in any case, or its
 * PWG keyword); NULL for A4. An unknown one is CC_USAGE. */
int cc_media_find(const char *name, struct cc_media *m, struct cc_error *err);

struct cc_print_opts {
	const char *url;    /* the verification URL: base URL and code */
	const char *base;   /* the base URL alone (the receipt names it) */
	const char *office; /* the office's name (the receipt's head) */
	const char *media;  /* as cc_media_find; NULL: A4 */
	const char *font;   /* NULL: CC_FONT_DEFAULT */
	long fee;	    /* VND; the receipt's */
};

/* Append to out the print-ready PDF of the copy (pdf, len bytes) whose
 * facts f are. A URL that is not printable ASCII or over 512 bytes is
 * CC_USAGE; a copy qpdf cannot take apart, CC_INPUT. */
int cc_print_copy(const unsigned char *pdf, size_t len, const char *name,
		  const struct cc_print_facts *f, const struct cc_print_opts *o,
		  struct cc_buf *out, struct cc_error *err);

/* Append to out the receipt: one page with the office, the date of
 * certification, the number and book, the certifier, the pages and the
 * fee, the code in large type, the QR code and where to verify. */
int cc_print_receipt(const struct cc_print_facts *f,
		     const struct cc_print_opts *o, struct cc_buf *out,
		     struct cc_error *err);

#endif
