/*
 * quality.h - the quality gate of a scanned page: is it legible enough to be
 * certified? Measures brightness, contrast, sharpness, ink coverage (blank
 * pages) and content touching an edge (cut off), and gives a verdict with
 * one reason per failed check. The thresholds are the CC_Q_* constants below,
 * documented in cc-scan(1) and calibrated on the sample variants made by
 * tests/gen-samples.
 */
#ifndef CC_QUALITY_H
#define CC_QUALITY_H

#include "error.h"

struct Pix;

#define CC_Q_MIN_DPI 150     /* declared resolution below: too coarse */
#define CC_Q_MIN_PAPER 110.0 /* paper level (95th percentile) below: too dark */
#define CC_Q_MIN_CONTRAST 80.0	/* paper minus ink level below: too faint */
#define CC_Q_MIN_SHARPNESS 0.22 /* normalised edge slope below: blurred */
#define CC_Q_MIN_INK 0.0005	/* fraction of ink pixels below: blank */
#define CC_Q_MAX_EDGE_RUNS                                                     \
	2 /* separate marks (each 1 mm or longer along
				 * the edge) running into an edge, from this
				 * many: content cut off */

struct cc_quality {
	double paper;	      /* 95th percentile of gray: the paper's level */
	double ink;	      /* 0.5th percentile of gray: the ink's level */
	double contrast;      /* paper - ink */
	double brightness;    /* mean gray */
	double sharpness;     /* 90th pct edge slope / contrast, at 150 dpi */
	double laplacian_var; /* variance of the Laplacian, at 150 dpi */
	double ink_fraction;  /* pixels clearly darker than the local paper */
	double edge_ink[4];   /* top, right, bottom, left: share of the edge
				 * with ink within 1 mm of it */
	int edge_runs[4];     /* marks running into each edge */
	int pass;
	char reason[512]; /* the failed checks, "; " separated */
};

/* Measure page (8 bpp gray, deskewed and cropped, before background
 * normalisation) scanned at dpi. */
int cc_quality_measure(struct Pix *page, int dpi, struct cc_quality *q,
		       struct cc_error *err);

/* Add a failed check with its reason (printf format). */
void cc_quality_fail(struct cc_quality *q, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Gray histogram of an 8 bpp page, every step-th pixel in both directions. */
void cc_gray_histogram(struct Pix *pix8, int step, unsigned long hist[256]);
/* The smallest level v with at least q (0..1) of the pixels <= v. */
int cc_hist_quantile(const unsigned long hist[256], double q);

#endif
