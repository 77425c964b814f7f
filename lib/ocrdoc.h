/*
 * ocrdoc.h - OCR of a whole document, pages in parallel. Pages come from a
 * source callback in order, are recognised by `jobs` worker threads (each
 * with its own single-threaded Tesseract engine), and go to a sink callback
 * in page order, on the calling thread. At most jobs + 1 pages are in
 * memory at any time.
 */
#ifndef CC_OCRDOC_H
#define CC_OCRDOC_H

#include "error.h"
#include "image.h"
#include "ocr.h"

struct Pix;

/* Give the next page (*pix NULL at the end); 0 or an error code. */
typedef int (*cc_page_source)(void *arg, struct Pix **pix,
			      struct cc_page_info *info, struct cc_error *err);
/* Look at page index (0-based) on the reading thread while a worker
 * recognises it: work that needs no text, done in parallel. Only reads pix;
 * 0 or an error code. */
typedef int (*cc_page_look)(void *arg, int index, const struct Pix *pix,
			    const struct cc_page_info *info,
			    struct cc_error *err);
/* Take page index (0-based) with its OCR result; 0 or an error code. The
 * sink does not keep pix or ocr after it returns. */
typedef int (*cc_page_sink)(void *arg, int index, struct Pix *pix,
			    const struct cc_page_info *info,
			    const struct cc_ocr_page *ocr,
			    struct cc_error *err);

struct cc_ocr_doc_opts {
	const char *lang;     /* "vie+eng" */
	const char *datapath; /* NULL: Tesseract's default */
	int jobs;	      /* worker threads, >= 1 */
	int assume_dpi;	      /* for pages whose resolution is unknown */
};

/* look may be NULL; arg goes to every callback. */
int cc_ocr_document(const struct cc_ocr_doc_opts *o, cc_page_source src,
		    cc_page_look look, cc_page_sink sink, void *arg,
		    struct cc_error *err);

/* Is this a small page, such as an ID card, prepared before it is read
 * (smoothed, or at twice its resolution under 300 dpi)? */
int cc_ocr_small_page(const struct Pix *pix, int dpi);

#endif
