/* cc-scan - acquire, clean and check the pages of an original. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <allheaders.h>

#include "cli.h"
#include "config.h"
#include "image.h"
#include "output.h"
#include "report.h"
#include "scan.h"
#include "scanner.h"

#define USAGE "[-qv] [-d device] [-o file] [--json file] [options] [file ...]"

static char *device, *mode, *source, *output;
static int resolution, list_devices, binarize, no_deskew, no_crop, no_orient,
	no_normalize, accept_poor;
static char **sane_options;
static int nsane_options;

enum { OPT_SANE = 1000 };

static struct poptOption scan_options[] = {
	{"device", 'd', POPT_ARG_STRING, &device, 0,
	 "scan from the SANE device NAME", "NAME"},
	{"list-devices", '\0', POPT_ARG_NONE, &list_devices, 0,
	 "list the scanners SANE can see and exit", NULL},
	{"resolution", '\0', POPT_ARG_INT, &resolution, 0,
	 "scan resolution; for files, the resolution assumed when the file "
	 "gives none (default 300)",
	 "DPI"},
	{"mode", '\0', POPT_ARG_STRING, &mode, 0,
	 "colour model of the output: color, gray or lineart (default gray)",
	 "MODE"},
	{"source", '\0', POPT_ARG_STRING, &source, 0,
	 "flatbed (one page) or adf (every page in the feeder)", "SOURCE"},
	{"sane-option", '\0', POPT_ARG_STRING, NULL, OPT_SANE,
	 "set a backend option of the device (repeatable)", "NAME=VALUE"},
	{"output", 'o', POPT_ARG_STRING, &output, 0,
	 "write the multi-page TIFF to FILE (default stdout)", "FILE"},
	{"binarize", '\0', POPT_ARG_NONE, &binarize, 0,
	 "store 1-bit pages (CCITT G4)", NULL},
	{"no-deskew", '\0', POPT_ARG_NONE, &no_deskew, 0,
	 "do not straighten skewed pages", NULL},
	{"no-crop", '\0', POPT_ARG_NONE, &no_crop, 0,
	 "do not crop the scanner border and dark margins", NULL},
	{"no-orient", '\0', POPT_ARG_NONE, &no_orient, 0,
	 "do not turn upside-down pages", NULL},
	{"no-normalize", '\0', POPT_ARG_NONE, &no_normalize, 0,
	 "keep the background as scanned", NULL},
	{"accept-poor", '\0', POPT_ARG_NONE, &accept_poor, 0,
	 "keep pages that fail the quality gate; only report them", NULL},
	POPT_TABLEEND};

static struct poptOption options[] = {
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, scan_options, 0,
	 "Scanning and cleanup:", NULL},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, cc_cli_common_options, 0,
	 "Common options:", NULL},
	POPT_AUTOHELP POPT_TABLEEND};

static void add_device(const char *name, const char *vendor, const char *model,
		       const char *type, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s, s:s, s:s, s:s}", "name",
					     name, "vendor", vendor, "model",
					     model, "type", type));
}

/* --list-devices: one line per device on stdout, and/or the JSON report. */
static int do_list(void)
{
	struct cc_error err = {0, ""};
	json_t *list = json_array(), *d;
	size_t i;
	int rc = CC_SYSTEM;

	if (!list)
		return CC_SYSTEM;
	if (cc_scanner_list(add_device, list, &err)) {
		rc = cc_cli_fail(&err);
		goto out;
	}
	if (!cc_cli.json || strcmp(cc_cli.json, "-") != 0)
		json_array_foreach(list, i, d)
			printf("%s\t%s %s (%s)\n",
			       json_string_value(json_object_get(d, "name")),
			       json_string_value(json_object_get(d, "vendor")),
			       json_string_value(json_object_get(d, "model")),
			       json_string_value(json_object_get(d, "type")));
	rc = CC_OK;
	if (cc_cli.json && cc_report_write(list, cc_cli.json, &err))
		rc = cc_cli_fail(&err);
out:
	json_decref(list);
	return rc;
}

static json_t *get2(json_t *o, const char *a, const char *b)
{
	return json_object_get(json_object_get(o, a), b);
}

/* Long scans show their progress on a terminal, and stay silent otherwise;
 * --verbose says what was done to each page. */
static void progress(struct cc_scan *s, int page)
{
	json_t *pages = json_object_get(cc_scan_report(s), "pages");
	json_t *p = json_array_get(pages, json_array_size(pages) - 1);
	json_t *q = json_object_get(p, "quality");

	if (!cc_cli.quiet && isatty(STDERR_FILENO))
		cc_msg("page %d done", page);
	cc_debug("page %d: %lldx%lld at %lld dpi, turned %lld degrees "
		 "clockwise, skew %.2f degrees%s, quality %s",
		 page, json_integer_value(json_object_get(p, "width")),
		 json_integer_value(json_object_get(p, "height")),
		 json_integer_value(json_object_get(p, "dpi")),
		 json_integer_value(get2(p, "orientation", "turned_deg")),
		 json_real_value(get2(p, "skew", "found_deg")),
		 json_is_true(get2(p, "skew", "corrected")) ? " (corrected)"
							    : "",
		 json_string_value(json_object_get(q, "verdict")));
}

static int scan_files(struct cc_scan *s, const char **files, int nfiles,
		      struct cc_error *err)
{
	json_t *src = json_pack("{s:s, s:[]}", "type", "files", "files");
	int page = 0;

	cc_scan_set_source(s, src);
	for (int i = 0; i < nfiles; i++) {
		struct cc_image *img = cc_image_open(files[i], err);
		int rc = CC_OK;

		if (!img)
			return err->code;
		json_array_append_new(json_object_get(src, "files"),
				      json_string(files[i]));
		for (int n = 1;; n++) {
			struct cc_page_info info;
			PIX *pix = NULL;

			rc = cc_image_next(img, &pix, &info, err);
			if (rc || !pix)
				break;
			rc = cc_scan_page(s, pix, &info, files[i], n, err);
			pixDestroy(&pix);
			if (rc)
				break;
			progress(s, ++page);
		}
		cc_image_close(img);
		if (rc)
			return rc;
	}
	return CC_OK;
}

static int scan_device(struct cc_scan *s, const char *dev, int dpi,
		       struct cc_error *err)
{
	struct cc_scan_settings set = {dev,    dpi,	     mode,
				       source, sane_options, nsane_options};
	struct cc_scanner *sc = cc_scanner_open(&set, err);
	int rc = CC_OK;

	if (!sc)
		return err->code;
	cc_scan_set_source(s, json_pack("{s:s, s:s, s:s, s:s*}", "type", "sane",
					"device", dev, "description",
					cc_scanner_description(sc), "source",
					source));
	for (int n = 1;; n++) {
		struct cc_page_info info;
		PIX *pix = NULL;

		rc = cc_scanner_next(sc, &pix, &info, err);
		if (rc || !pix)
			break;
		rc = cc_scan_page(s, pix, &info, dev, n, err);
		pixDestroy(&pix);
		if (rc)
			break;
		progress(s, n);
	}
	cc_scanner_close(sc);
	return rc;
}

/* --sane-option may be given many times: collect them. */
static int on_option(poptContext con, int val)
{
	char **n;

	if (val != OPT_SANE)
		return 0;
	n = realloc(sane_options, sizeof(*n) * (size_t)(nsane_options + 1));
	if (!n) {
		cc_msg("out of memory");
		return CC_SYSTEM;
	}
	sane_options = n;
	sane_options[nsane_options++] = poptGetOptArg(con);
	return 0;
}

static int check_choice(const char *opt, const char *val,
			const char *const *allowed)
{
	for (const char *const *a = allowed; *a; a++)
		if (!strcmp(val, *a))
			return 0;
	cc_msg("%s: '%s' is not one of the choices (see --help)", opt, val);
	return -1;
}

int main(int argc, const char **argv)
{
	static const char *const modes[] = {"color", "gray", "lineart", NULL};
	static const char *const sources[] = {"flatbed", "adf", NULL};
	struct cc_error err = {0, ""};
	struct cc_config *cfg = NULL;
	struct cc_scan *s = NULL;
	struct cc_scan_opts so;
	const char **files = NULL;
	int nfiles, rc;
	poptContext con;

	rc = cc_cli_start(argc, argv, options, USAGE, on_option, &con, &files,
			  &nfiles);
	if (rc >= 0)
		return cc_cli_finish(rc);

	rc = CC_USAGE;
	if ((mode && check_choice("--mode", mode, modes)) ||
	    (source && check_choice("--source", source, sources)))
		goto out;
	if (resolution < 0 || resolution > 9600) {
		cc_msg("--resolution: %d is out of range (1 to 9600)",
		       resolution);
		goto out;
	}
	if (list_devices) {
		rc = do_list();
		goto out;
	}
	cfg = cc_config_load(&err);
	if (!cfg) {
		rc = cc_cli_fail(&err);
		goto out;
	}
	if (!device && nfiles == 0 && *cc_config_get(cfg, "scan", "device"))
		device = strdup(cc_config_get(cfg, "scan", "device"));
	if (device && nfiles > 0) {
		cc_msg("give either a device (-d) or files, not both");
		goto out;
	}
	if (!device && nfiles == 0) {
		cc_msg("nothing to scan: give image files or -d DEVICE");
		fprintf(stderr, "Try '%s --help' for more information.\n",
			cc_cli.prog);
		goto out;
	}
	{
		const char *others[] = {"--json", cc_cli.json, NULL};

		if (cc_cli_check_output(output, "TIFF", others, files, nfiles))
			goto out;
	}
	if (resolution == 0) {
		char *end;
		long v = strtol(cc_config_get(cfg, "scan", "resolution"), &end,
				10);

		resolution = (*end || v <= 0 || v > 9600) ? 300 : (int)v;
	}

	memset(&so, 0, sizeof(so));
	so.cleanup.crop = !no_crop;
	so.cleanup.deskew = !no_deskew;
	so.cleanup.orient = !no_orient;
	/* Colour is chosen to keep the original's colours (seals, photos):
	 * its background is normalised only when asked for with gray. */
	so.cleanup.normalize =
		!no_normalize && !(mode && !strcmp(mode, "color"));
	so.cleanup.binarize = binarize;
	so.mode = mode ? mode : "gray";
	so.assume_dpi = resolution;
	so.accept_poor = accept_poor;
	s = cc_scan_new(output, &so, &err);
	if (!s) {
		rc = cc_cli_fail(&err);
		goto out;
	}
	if (device)
		rc = scan_device(s, device, resolution, &err);
	else
		rc = scan_files(s, files, nfiles, &err);
	if (rc) {
		rc = cc_cli_fail(&err);
		goto out;
	}
	rc = cc_scan_finish(s, &err);
	if (rc == CC_OK || rc == CC_NO) {
		struct cc_error jerr = {0, ""};

		if (cc_cli.json &&
		    cc_report_write(cc_scan_report(s), cc_cli.json, &jerr)) {
			cc_cli_fail(&jerr);
			if (rc == CC_OK)
				rc = jerr.code;
		}
	}
	if (rc)
		cc_cli_fail(&err);
out:
	cc_scan_free(s);
	cc_config_free(cfg);
	poptFreeContext(con);
	return cc_cli_finish(rc);
}
