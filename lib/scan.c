/* scan.c - cleanup, quality gate, TIFF and manifest for each page. */
#include "scan.h"

#include <stdlib.h>
#include <string.h>

#include <allheaders.h>

#include "digest.h"
#include "output.h"
#include "quality.h"
#include "report.h"
#include "tiffwriter.h"

#ifndef CC_VERSION
#define CC_VERSION "unknown"
#endif

struct cc_scan {
	struct cc_scan_opts o;
	struct cc_output *out;
	struct cc_tiff_writer *tw;
	json_t *report;
	json_t *pages;
	json_t *problems;
	int npages;
	int nrejected;
	int first_bad;
	char first_reason[512];
};

struct cc_scan *cc_scan_new(const char *output, const struct cc_scan_opts *o,
			    struct cc_error *err)
{
	struct cc_scan *s = calloc(1, sizeof(*s));
	char now[21];

	if (!s) {
		cc_error_set(err, CC_SYSTEM, "out of memory");
		return NULL;
	}
	s->o = *o;
	if (!s->o.mode)
		s->o.mode = "gray";
	s->out = cc_output_open(output, 0666, err);
	if (!s->out)
		goto fail;
	s->tw = cc_tiff_writer_open(cc_output_fd(s->out),
				    cc_output_name(s->out), err);
	if (!s->tw)
		goto fail;
	cc_utc_now(now);
	s->pages = json_array();
	s->problems = json_array();
	s->report = json_pack(
		"{s:s, s:s, s:s, s:s, s:{s:s, s:i, s:b, s:b, s:b, s:b, s:b, s:b}}",
		"tool", "cc-scan", "version", CC_VERSION, "created", now,
		"output", output ? output : "-", "settings", "mode", s->o.mode,
		"assumed_dpi", o->assume_dpi, "deskew", o->cleanup.deskew,
		"crop", o->cleanup.crop, "orient", o->cleanup.orient,
		"normalize", o->cleanup.normalize, "binarize",
		o->cleanup.binarize, "accept_poor", o->accept_poor);
	if (!s->pages || !s->problems || !s->report ||
	    json_object_set(s->report, "pages", s->pages) ||
	    json_object_set(s->report, "problems", s->problems)) {
		cc_error_set(err, CC_SYSTEM, "out of memory");
		goto fail;
	}
	return s;
fail:
	cc_scan_free(s);
	return NULL;
}

void cc_scan_set_source(struct cc_scan *s, json_t *source)
{
	json_object_set_new(s->report, "source", source);
}

json_t *cc_scan_report(struct cc_scan *s)
{
	return s->report;
}

/* The raw page in the colour model asked for. */
static PIX *to_mode(PIX *raw, const char *mode)
{
	if (pixGetDepth(raw) == 32 && strcmp(mode, "color") != 0)
		return pixConvertRGBToLuminance(raw);
	return pixClone(raw);
}

static json_t *quality_json(const struct cc_quality *q)
{
	json_t *reasons = json_array();
	const char *p = q->reason;

	while (*p) {
		const char *end = strstr(p, "; ");
		size_t len = end ? (size_t)(end - p) : strlen(p);

		json_array_append_new(reasons, json_stringn(p, len));
		p += len;
		if (end)
			p += 2;
	}
	return json_pack("{s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:[f,f,f,f], "
			 "s:[i,i,i,i], s:s, s:o}",
			 "paper_level", q->paper, "ink_level", q->ink,
			 "contrast", q->contrast, "brightness", q->brightness,
			 "sharpness", q->sharpness, "laplacian_variance",
			 q->laplacian_var, "ink_fraction", q->ink_fraction,
			 "edge_ink", q->edge_ink[0], q->edge_ink[1],
			 q->edge_ink[2], q->edge_ink[3], "edge_runs",
			 q->edge_runs[0], q->edge_runs[1], q->edge_runs[2],
			 q->edge_runs[3], "verdict", q->pass ? "pass" : "fail",
			 "reasons", reasons);
}

int cc_scan_page(struct cc_scan *s, PIX *raw, const struct cc_page_info *info,
		 const char *source, int source_page, struct cc_error *err)
{
	struct cc_cleanup_opts co = s->o.cleanup;
	struct cc_cleanup_info ci;
	struct cc_quality q;
	unsigned char sha[CC_SHA256_LEN];
	char hex[CC_SHA256_HEX];
	PIX *in = NULL, *page = NULL, *gray = NULL;
	int assumed;
	int dpi = cc_page_dpi(info, s->o.assume_dpi, &assumed);
	double t0 = cc_now_ms(), t1, t2, t3;
	int rc;
	json_t *pj;

	if (dpi <= 0)
		dpi = 300;
	if (!strcmp(s->o.mode, "lineart"))
		co.binarize = 1;
	in = to_mode(raw, s->o.mode);
	if (!in)
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	rc = cc_cleanup_page(in, dpi, &co, &page, &gray, &ci, err);
	pixDestroy(&in);
	if (rc)
		goto out;
	t1 = cc_now_ms();
	if ((rc = cc_quality_measure(gray, dpi, &q, err)))
		goto out;
	if (!assumed && dpi < CC_Q_MIN_DPI)
		cc_quality_fail(&q,
				"resolution too low (%d dpi, at least %d "
				"needed)",
				dpi, CC_Q_MIN_DPI);
	t2 = cc_now_ms();
	s->npages++;
	if ((rc = cc_tiff_writer_add(s->tw, page, dpi, sha, err)))
		goto out;
	t3 = cc_now_ms();
	cc_hex(sha, sizeof(sha), hex);
	pj = json_pack(
		"{s:i, s:s, s:i, s:i, s:i, s:i, s:b, s:s, s:{s:f, s:f, "
		"s:b}, s:{s:f, s:f, s:i}, s:{s:i, s:i, s:i, s:i}, s:o, s:s, "
		"s:{s:f, s:f, s:f}}",
		"page", s->npages, "source", source, "source_page", source_page,
		"width", pixGetWidth(page), "height", pixGetHeight(page), "dpi",
		dpi, "dpi_assumed", assumed, "color",
		pixGetDepth(page) == 32	 ? "rgb"
		: pixGetDepth(page) == 1 ? "bilevel"
					 : "gray",
		"skew", "found_deg", ci.skew_found, "confidence", ci.skew_conf,
		"corrected", ci.skew_corrected, "orientation", "up_confidence",
		ci.orient_conf, "left_confidence", ci.orient_left_conf,
		"turned_deg", ci.turned, "crop", "x", ci.crop_x, "y", ci.crop_y,
		"width", ci.crop_w, "height", ci.crop_h, "quality",
		quality_json(&q), "sha256", hex, "time_ms", "cleanup", t1 - t0,
		"quality", t2 - t1, "write", t3 - t2);
	if (!pj || json_array_append_new(s->pages, pj)) {
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	if (!q.pass) {
		s->nrejected++;
		json_array_append_new(s->problems,
				      json_pack("{s:i, s:s}", "page", s->npages,
						"reason", q.reason));
		if (!s->first_bad) {
			s->first_bad = s->npages;
			memcpy(s->first_reason, q.reason,
			       sizeof(s->first_reason));
		}
	}
out:
	pixDestroy(&page);
	pixDestroy(&gray);
	return rc;
}

int cc_scan_finish(struct cc_scan *s, struct cc_error *err)
{
	const char *verdict;
	int rc;

	if (s->npages == 0)
		return cc_error_set(err, CC_INPUT, "no pages to scan");
	verdict = !s->nrejected	     ? "accepted"
		  : s->o.accept_poor ? "accepted with problems"
				     : "rejected";
	json_object_set_new(s->report, "verdict", json_string(verdict));
	if (s->nrejected && !s->o.accept_poor)
		return cc_error_set(err, CC_NO, "page %d rejected: %s",
				    s->first_bad, s->first_reason);
	rc = cc_tiff_writer_close(s->tw, err);
	s->tw = NULL;
	if (rc)
		return rc;
	rc = cc_output_commit(s->out, err);
	s->out = NULL;
	return rc;
}

void cc_scan_free(struct cc_scan *s)
{
	if (!s)
		return;
	cc_tiff_writer_abort(s->tw);
	cc_output_abort(s->out);
	json_decref(s->report);
	json_decref(s->pages);
	json_decref(s->problems);
	free(s);
}
