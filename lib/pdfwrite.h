/*
 * pdfwrite.h - the searchable PDF that cc-ocr makes of scanned pages: PDF 1.7
 * with a classic cross-reference table, aiming at PDF/A-2b, ready for the
 * incremental updates of cc-sign and cc-stamp.
 *
 * Each page is one scanned image at its true size (points = pixels * 72 /
 * dpi), stored losslessly: 8 bpp gray and 32 bpp RGB with Flate, 1 bpp with
 * CCITT G4. Over it lies an invisible text layer (rendering mode 3) in a
 * TrueType font without letter shapes, generated here and embedded (every
 * character shows the same box glyph, never painted), one CID per Unicode
 * character (CID = code point in the BMP; characters beyond it get CIDs from
 * the surrogate block D800-DFFF, which no character uses; past 2048 of them,
 * U+FFFD), with a ToUnicode CMap, so that text extraction, search and copy
 * give the words back.
 *
 * The writer streams: a page's objects are written when the page is added
 * and nothing of its pixels is kept; only the object offsets and the set of
 * characters used stay until close. Output depends only on the pages, words
 * and metadata given, so the same input gives the same bytes (the trailer
 * /ID is taken from a SHA-256 of the file's body). The metadata names the
 * conversion from paper and who did it (Law on Electronic Transactions 2023,
 * Art. 12) in the Info dictionary and in XMP, with the custom properties of
 * CC_PDF_XMP_NS declared as a PDF/A extension schema.
 */
#ifndef CC_PDFWRITE_H
#define CC_PDFWRITE_H

#include <stddef.h>

#include "error.h"

/* The namespace (prefix "cc") of certcopy's own XMP properties:
 * cc:ConvertedFromPaper (Boolean), cc:ConvertedBy and cc:Device (Text). */
#define CC_PDF_XMP_NS "https://certcopy.example/ns/1.0/"

struct Pix; /* Leptonica */
struct cc_pdf_writer;

struct cc_pdf_word {
	int x0, y0, x1, y1; /* bounding box in image pixels, origin top-left */
	int baseline;	    /* y of the text line's baseline (image pixels) */
	int line;	    /* index of the word's text line; the words of a
			     * line are consecutive, left to right */
	const char *text;   /* UTF-8, NFC */
};

struct cc_pdf_meta {
	const char *title;    /* may be NULL */
	const char *lang;     /* BCP 47, e.g. "vi"; may be NULL */
	const char *producer; /* "certcopy 0.1.0"; NULL gives "certcopy" */
	const char *created;  /* RFC 3339, "2026-11-28T07:32:33Z"; required */
	const char *converted_by; /* office name, UTF-8; may be NULL */
	const char *device;	  /* scanner or source; may be NULL */
};

/* Start a PDF on fd, which stays the caller's (it is neither closed nor
 * synced). name is the file's name in messages. meta and its strings are
 * copied. A bad meta (no or malformed creation time, over-long strings) is
 * CC_USAGE. */
struct cc_pdf_writer *cc_pdf_writer_open(int fd, const char *name,
					 const struct cc_pdf_meta *meta,
					 struct cc_error *err);

/* Append a page: pix (8 bpp gray, 32 bpp RGB or 1 bpp; colormapped and
 * other depths are converted) at dpi, and its words. Words with empty text,
 * an empty box or a box entirely off the page are skipped; invalid UTF-8
 * becomes U+FFFD. A page the writer cannot take (bad resolution, page size
 * outside PDF/A's 3 to 14400 points) is CC_INPUT and writes nothing, so the
 * writer stays usable; a write failure is CC_SYSTEM and final. */
int cc_pdf_writer_add_page(struct cc_pdf_writer *w, struct Pix *pix, int dpi,
			   const struct cc_pdf_word *words, size_t nwords,
			   struct cc_error *err);

/* The two halves of cc_pdf_writer_add_page, so that a page's image can be
 * compressed and written while its text is still being recognised: first
 * the image (the same checks and errors as above), then, in page order, the
 * page that shows it with its words. Images may run ahead of their pages. */
struct cc_pdf_image {
	int obj;	   /* the image XObject's object number */
	int width, height; /* pixels */
	int dpi;
};
int cc_pdf_writer_add_image(struct cc_pdf_writer *w, struct Pix *pix, int dpi,
			    struct cc_pdf_image *img, struct cc_error *err);
int cc_pdf_writer_add_page_image(struct cc_pdf_writer *w,
				 const struct cc_pdf_image *img,
				 const struct cc_pdf_word *words, size_t nwords,
				 struct cc_error *err);

/* Write the page tree, font, catalog, metadata, cross-reference table and
 * trailer, and flush; frees w in all cases. A document without pages is
 * CC_INPUT. */
int cc_pdf_writer_close(struct cc_pdf_writer *w, struct cc_error *err);

/* Free w without finishing the file (which is being discarded); NULL is
 * allowed. */
void cc_pdf_writer_abort(struct cc_pdf_writer *w);

#endif
