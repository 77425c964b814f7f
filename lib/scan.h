/*
 * scan.h - the page capture pipeline of cc-scan: each raw page (from files or
 * a scanner) is cleaned, judged by the quality gate, appended to the output
 * TIFF and described in the manifest. Pages stream through one at a time, so
 * a long document never holds more than a page or two of pixels.
 */
#ifndef CC_SCAN_H
#define CC_SCAN_H

#include <jansson.h>

#include "cleanup.h"
#include "error.h"
#include "image.h"

struct Pix;
struct cc_scan;

struct cc_scan_opts {
	struct cc_cleanup_opts cleanup;
	const char *mode; /* "color", "gray" (default) or "lineart" */
	int assume_dpi;	  /* for pages whose file gives no resolution */
	int accept_poor;  /* keep pages that fail the gate */
};

/* Start a scan writing to output ("-" = stdout); the output appears only
 * when cc_scan_finish succeeds. */
struct cc_scan *cc_scan_new(const char *output, const struct cc_scan_opts *o,
			    struct cc_error *err);
/* Describe where the pages come from, for the manifest (takes a reference). */
void cc_scan_set_source(struct cc_scan *s, json_t *source);
/* Process one raw page; source and source_page say where it came from. */
int cc_scan_page(struct cc_scan *s, struct Pix *raw,
		 const struct cc_page_info *info, const char *source,
		 int source_page, struct cc_error *err);
/* The manifest so far (borrowed). */
json_t *cc_scan_report(struct cc_scan *s);
/* Finish: CC_OK and the output committed; CC_NO (output discarded) when a
 * page failed the gate without accept_poor, err naming the page and reason;
 * another code on failure. The manifest stays available until cc_scan_free. */
int cc_scan_finish(struct cc_scan *s, struct cc_error *err);
/* Discard the output (if not committed) and free everything. */
void cc_scan_free(struct cc_scan *s);

#endif
