/*
 * scanner.h - acquiring pages from a SANE device: flatbed (one page) or
 * document feeder (every page until the feeder is empty). Pages come out as
 * Leptonica PIX like those of image.h. Device faults (jam, cover open, I/O
 * error, device gone) are CC_SYSTEM errors with SANE's own words.
 */
#ifndef CC_SCANNER_H
#define CC_SCANNER_H

#include "error.h"
#include "image.h"

struct Pix;
struct cc_scanner;

struct cc_scan_settings {
	const char *device; /* SANE device name, e.g. "test:0" */
	int resolution;	    /* dpi; 0 leaves the device's */
	const char *mode;   /* "color", "gray", "lineart" or NULL */
	const char *source; /* "flatbed", "adf" or NULL */
	char **options;	    /* backend options, "NAME=VALUE" */
	int noptions;
};

struct cc_scanner *cc_scanner_open(const struct cc_scan_settings *s,
				   struct cc_error *err);
/* Scan the next page into *page; NULL at the end (flatbed: after one page;
 * feeder: when it reports empty after at least one page). */
int cc_scanner_next(struct cc_scanner *sc, struct Pix **page,
		    struct cc_page_info *info, struct cc_error *err);
/* "vendor model (name)" for reports. */
const char *cc_scanner_description(const struct cc_scanner *sc);
void cc_scanner_close(struct cc_scanner *sc);

/* Call fn for each device SANE can see; returns 0 or an error code. */
int cc_scanner_list(void (*fn)(const char *name, const char *vendor,
			       const char *model, const char *type, void *arg),
		    void *arg, struct cc_error *err);

#endif
