/* cc-ocr - searchable PDF, document recognition and validity checks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <allheaders.h>

#include "cli.h"
#include "config.h"
#include "image.h"
#include "ocrdoc.h"
#include "output.h"
#include "pdfwrite.h"
#include "recognize.h"
#include "report.h"

#define USAGE                                                                  \
	"[-qv] [-l lang] [-j jobs] [-o file] [--json file] [options] [file]"

static char *lang, *output, *text_file, *doc_type, *date_arg, *device,
	*tessdata;
static int jobs, resolution, require_valid;

static struct poptOption ocr_options[] = {
	{"lang", 'l', POPT_ARG_STRING, &lang, 0,
	 "Tesseract languages (default vie+eng)", "LANGS"},
	{"jobs", 'j', POPT_ARG_INT, &jobs, 0,
	 "pages recognised in parallel (default: the number of cores)", "N"},
	{"output", 'o', POPT_ARG_STRING, &output, 0,
	 "write the searchable PDF to FILE (default stdout)", "FILE"},
	{"text", '\0', POPT_ARG_STRING, &text_file, 0,
	 "write the plain text to FILE ('-' = stdout)", "FILE"},
	{"type", '\0', POPT_ARG_STRING, &doc_type, 0,
	 "the document type, instead of recognising it: id-front, id-back, "
	 "passport, birth-certificate or generic",
	 "TYPE"},
	{"date", '\0', POPT_ARG_STRING, &date_arg, 0,
	 "the day to check expiry against (default today)", "YYYY-MM-DD"},
	{"require-valid", '\0', POPT_ARG_NONE, &require_valid, 0,
	 "exit 1, writing no PDF, when a validity check fails", NULL},
	{"resolution", '\0', POPT_ARG_INT, &resolution, 0,
	 "resolution assumed for pages that give none (default 300)", "DPI"},
	{"device", '\0', POPT_ARG_STRING, &device, 0,
	 "the scanner or camera, recorded in the PDF metadata", "TEXT"},
	{"tessdata", '\0', POPT_ARG_STRING, &tessdata, 0,
	 "directory of the Tesseract language data", "DIR"},
	POPT_TABLEEND};

static struct poptOption options[] = {
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, ocr_options, 0,
	 "Recognition and output:", NULL},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, cc_cli_common_options, 0,
	 "Common options:", NULL},
	POPT_AUTOHELP POPT_TABLEEND};

struct run {
	struct cc_image *img;
	const char *input;
	struct cc_pdf_writer *pdf;
	struct cc_output *text_out;
	FILE *text_fp;
	struct cc_recognizer *rec;
	json_t *pages;
	int npages;
	int nread;
	struct cc_pdf_image *images; /* per page read, in order */
};

#define MIN_PAGE_PIXELS 32

static int next_page(void *arg, PIX **pix, struct cc_page_info *info,
		     struct cc_error *err)
{
	struct run *r = arg;
	int rc = cc_image_next(r->img, pix, info, err);

	r->nread++;
	/* Smaller than a postage stamp at any resolution: not a document. */
	if (rc == CC_OK && *pix &&
	    (pixGetWidth(*pix) < MIN_PAGE_PIXELS ||
	     pixGetHeight(*pix) < MIN_PAGE_PIXELS)) {
		rc = cc_error_set(err, CC_INPUT,
				  "'%s': page %d is %d x %d pixels, too small "
				  "to be a document",
				  r->input, r->nread, pixGetWidth(*pix),
				  pixGetHeight(*pix));
		pixDestroy(pix);
	}
	/* The image goes into the PDF now, while the page is recognised. */
	if (rc == CC_OK && *pix) {
		struct cc_pdf_image *im =
			realloc(r->images, sizeof(*im) * (size_t)r->nread);

		if (!im) {
			pixDestroy(pix);
			return cc_error_set(err, CC_SYSTEM, "out of memory");
		}
		r->images = im;
		rc = cc_pdf_writer_add_image(
			r->pdf, *pix, cc_page_dpi(info, resolution, NULL),
			&r->images[r->nread - 1], err);
		if (rc)
			pixDestroy(pix);
	}
	return rc;
}

static int look_page(void *arg, int index, const PIX *pix,
		     const struct cc_page_info *info, struct cc_error *err)
{
	struct run *r = arg;

	return cc_recognizer_look(r->rec, index, pix,
				  cc_page_dpi(info, resolution, NULL), err);
}

static json_t *words_json(const struct cc_ocr_page *ocr)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < ocr->nwords; i++) {
		const struct cc_ocr_word *w = &ocr->words[i];

		json_array_append_new(
			a,
			json_pack("{s:s, s:f, s:[i,i,i,i], s:i}", "text",
				  w->text, "conf", (double)w->conf, "box",
				  w->x0, w->y0, w->x1, w->y1, "line", w->line));
	}
	return a;
}

static int take_page(void *arg, int index, PIX *pix,
		     const struct cc_page_info *info,
		     const struct cc_ocr_page *ocr, struct cc_error *err)
{
	struct run *r = arg;
	int assumed;
	int dpi = cc_page_dpi(info, resolution, &assumed);
	struct cc_pdf_word *words = NULL;
	int rc;

	words = calloc(ocr->nwords ? ocr->nwords : 1, sizeof(*words));
	if (!words)
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	for (size_t i = 0; i < ocr->nwords; i++) {
		words[i].x0 = ocr->words[i].x0;
		words[i].y0 = ocr->words[i].y0;
		words[i].x1 = ocr->words[i].x1;
		words[i].y1 = ocr->words[i].y1;
		words[i].baseline = ocr->words[i].baseline;
		words[i].line = ocr->words[i].line;
		words[i].text = ocr->words[i].text;
	}
	rc = cc_pdf_writer_add_page_image(r->pdf, &r->images[index], words,
					  ocr->nwords, err);
	free(words);
	if (rc)
		return rc;
	if (r->text_fp && (fputs(ocr->text, r->text_fp) == EOF ||
			   fputs("\f", r->text_fp) == EOF))
		return cc_error_set(err, CC_SYSTEM, "cannot write '%s': %s",
				    text_file, strerror(errno));
	if ((rc = cc_recognizer_page(r->rec, index, pix, dpi, ocr, err)))
		return rc;
	json_array_append_new(
		r->pages,
		json_pack("{s:i, s:i, s:i, s:i, s:b, s:f, s:f, s:s, s:o}",
			  "page", index + 1, "width", pixGetWidth(pix),
			  "height", pixGetHeight(pix), "dpi", dpi,
			  "dpi_assumed", assumed, "mean_confidence",
			  ocr->mean_conf, "ocr_ms", ocr->ms, "text", ocr->text,
			  "words", words_json(ocr)));
	r->npages++;
	if (!cc_cli.quiet && isatty(STDERR_FILENO))
		cc_msg("page %d recognised", index + 1);
	cc_debug("page %d: %d x %d at %d dpi, %zu words, mean confidence "
		 "%.0f, recognised in %.0f ms",
		 index + 1, pixGetWidth(pix), pixGetHeight(pix), dpi,
		 ocr->nwords, ocr->mean_conf, ocr->ms);
	return CC_OK;
}

static int check_type(const char *t)
{
	static const char *const types[] = {"id-front", "id-back",
					    "passport", "birth-certificate",
					    "generic",	NULL};

	for (const char *const *p = types; *p; p++)
		if (!strcmp(t, *p))
			return 0;
	cc_msg("--type: '%s' is not one of id-front, id-back, passport, "
	       "birth-certificate, generic",
	       t);
	return -1;
}

int main(int argc, const char **argv)
{
	struct cc_error err = {0, ""};
	struct cc_config *cfg = NULL;
	struct cc_output *pdf_out = NULL;
	struct run r;
	struct cc_pdf_meta meta;
	struct cc_ocr_doc_opts oo;
	struct cc_recognize_opts ro;
	const char **args;
	const char *input = "-";
	char now[21];
	json_t *report = NULL;
	int nargs, rc, valid;
	poptContext con;

	memset(&r, 0, sizeof(r));
	rc = cc_cli_start(argc, argv, options, USAGE, NULL, &con, &args,
			  &nargs);
	if (rc >= 0)
		return cc_cli_finish(rc);
	rc = CC_USAGE;
	if (nargs > 1) {
		cc_msg("one input at a time (a multi-page TIFF for a document "
		       "of several pages)");
		goto out;
	}
	if (nargs == 1)
		input = args[0];
	if (doc_type && check_type(doc_type))
		goto out;
	if (jobs < 0 || jobs > 64 || resolution < 0 || resolution > 9600) {
		cc_msg("--jobs or --resolution out of range");
		goto out;
	}
	{
		const char *others[] = {"--json", cc_cli.json, "--text",
					text_file, NULL};

		if (cc_cli_check_output(output, "PDF", others, &input, 1))
			goto out;
	}
	memset(&ro, 0, sizeof(ro));
	ro.type = doc_type;
	if (date_arg) {
		if (cc_date_parse(date_arg, &ro.today, &err) ||
		    strlen(date_arg) != 10) {
			cc_msg("--date: '%s' is not a date YYYY-MM-DD",
			       date_arg);
			goto out;
		}
	} else {
		cc_date_today(&ro.today);
	}
	if (!resolution)
		resolution = 300;
	if (!jobs) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		jobs = n > 0 && n < 64 ? (int)n : 1;
	}

	ro.background = jobs > 1;
	cfg = cc_config_load(&err);
	if (!cfg) {
		rc = cc_cli_fail(&err);
		goto out;
	}
	r.input = input;
	r.img = cc_image_open(input, &err);
	if (!r.img) {
		rc = cc_cli_fail(&err);
		goto out;
	}
	r.pages = json_array();
	r.rec = cc_recognizer_new(&ro, lang ? lang : "vie+eng", tessdata, &err);
	if (!r.pages || !r.rec) {
		rc = cc_cli_fail(&err);
		goto out;
	}
	pdf_out = cc_output_open(output, 0666, &err);
	if (!pdf_out) {
		rc = cc_cli_fail(&err);
		goto out;
	}
	if (text_file) {
		r.text_out = cc_output_open(text_file, 0666, &err);
		if (!r.text_out ||
		    !(r.text_fp = cc_output_stream(r.text_out, &err))) {
			rc = cc_cli_fail(&err);
			goto out;
		}
	}
	cc_utc_now(now);
	memset(&meta, 0, sizeof(meta));
	meta.lang = "vi";
	meta.producer = "certcopy " CC_VERSION;
	meta.created = now;
	meta.converted_by = cc_config_get(cfg, "office", "name");
	meta.device = device ? device : input;
	r.pdf = cc_pdf_writer_open(cc_output_fd(pdf_out),
				   cc_output_name(pdf_out), &meta, &err);
	if (!r.pdf) {
		rc = cc_cli_fail(&err);
		goto out;
	}

	memset(&oo, 0, sizeof(oo));
	oo.lang = lang ? lang : "vie+eng";
	oo.datapath = tessdata;
	oo.jobs = jobs;
	oo.assume_dpi = resolution;
	rc = cc_ocr_document(&oo, next_page, look_page, take_page, &r, &err);
	if (rc == CC_OK && r.npages == 0)
		rc = cc_error_set(&err, CC_INPUT, "'%s' has no pages", input);
	if (rc) {
		rc = cc_cli_fail(&err);
		goto out;
	}

	report = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "tool",
			   "cc-ocr", "version", CC_VERSION, "created", now,
			   "input", input, "output", output ? output : "-",
			   "lang", oo.lang, "pages", json_incref(r.pages));
	valid = cc_recognizer_finish(r.rec, report, &err);
	if (valid < 0) {
		rc = cc_cli_fail(&err);
		goto out;
	}
	rc = CC_OK;
	if (!valid) {
		cc_msg("%s", err.msg);
		if (require_valid)
			rc = CC_NO;
	}
	if (rc == CC_OK) {
		if ((rc = cc_pdf_writer_close(r.pdf, &err)) ||
		    (rc = cc_output_commit(pdf_out, &err))) {
			r.pdf = NULL;
			pdf_out = NULL;
			rc = cc_cli_fail(&err);
			goto out;
		}
		r.pdf = NULL;
		pdf_out = NULL;
		if (r.text_out) {
			r.text_fp = NULL;
			if (cc_output_commit(r.text_out, &err)) {
				r.text_out = NULL;
				rc = cc_cli_fail(&err);
				goto out;
			}
			r.text_out = NULL;
		}
	}
	if (cc_cli.json && cc_report_write(report, cc_cli.json, &err)) {
		int jrc = cc_cli_fail(&err);

		if (rc == CC_OK)
			rc = jrc;
	}
out:
	cc_pdf_writer_abort(r.pdf);
	cc_output_abort(pdf_out);
	cc_output_abort(r.text_out);
	cc_recognizer_free(r.rec);
	free(r.images);
	cc_image_close(r.img);
	json_decref(r.pages);
	json_decref(report);
	cc_config_free(cfg);
	poptFreeContext(con);
	return cc_cli_finish(rc);
}
