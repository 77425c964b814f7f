/* cc-facecheck - is the person at the kiosk the person on the ID card? */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <allheaders.h>

#include "cli.h"
#include "face.h"
#include "image.h"
#include "report.h"

#define USAGE                                                                  \
	"[-qv] [-t distance] [--json file] [--models dir] --document image "   \
	"--live image"

/* See man/cc-facecheck.1 for how it was calibrated. */
#define DEFAULT_THRESHOLD 0.5

static char *document, *live, *models;
static double threshold = DEFAULT_THRESHOLD;

static struct poptOption face_options[] = {
	{"document", 'd', POPT_ARG_STRING, &document, 0,
	 "the ID card image (its largest face is taken)", "IMAGE"},
	{"live", 'l', POPT_ARG_STRING, &live, 0,
	 "the kiosk camera's image (exactly one face)", "IMAGE"},
	{"threshold", 't', POPT_ARG_DOUBLE, &threshold, 0,
	 "largest descriptor distance that is a match (default 0.5)", "D"},
	{"models", '\0', POPT_ARG_STRING, &models, 0,
	 "directory of the face models (default $CERTCOPY_MODELS, else "
	 "the installed ones)",
	 "DIR"},
	POPT_TABLEEND};

static struct poptOption options[] = {{NULL, '\0', POPT_ARG_INCLUDE_TABLE,
				       face_options, 0, "Face check:", NULL},
				      {NULL, '\0', POPT_ARG_INCLUDE_TABLE,
				       cc_cli_common_options, 0,
				       "Common options:", NULL},
				      POPT_AUTOHELP POPT_TABLEEND};

struct side {
	const char *path, *what;
	struct cc_face_image img;
	struct cc_face face;
	struct cc_face_quality quality;
	int found, described;
};

/* The first page of path as RGB. */
static int load(struct side *s, struct cc_error *err)
{
	struct cc_image *im = cc_image_open(s->path, err);
	struct cc_page_info info;
	PIX *pix = NULL;
	int rc;

	if (!im)
		return err->code;
	rc = cc_image_next(im, &pix, &info, err);
	if (!rc && !pix)
		rc = cc_error_set(err, CC_INPUT, "'%s' has no image", s->path);
	if (!rc)
		rc = cc_face_image_from_pix(pix, &s->img, err);
	pixDestroy(&pix);
	cc_image_close(im);
	return rc;
}

static json_t *face_json(const struct side *s)
{
	const struct cc_face *f = &s->face;
	json_t *j = json_pack("{s:s, s:i, s:i, s:i}", "image", s->path, "width",
			      s->img.w, "height", s->img.h, "faces_found",
			      s->found);
	json_t *lm;

	if (!j || !s->described)
		return j;
	lm = json_array();
	for (int i = 0; lm && i < 68; i++)
		json_array_append_new(lm, json_pack("[f,f]", f->landmarks[i][0],
						    f->landmarks[i][1]));
	json_object_set_new(
		j, "face",
		json_pack("{s:f, s:[f,f,f,f], s:o*, s:[i,i,i,i], s:i, s:b, "
			  "s:{s:f, s:f, s:f}}",
			  "score", (double)f->score, "box", f->box[0],
			  f->box[1], f->box[2], f->box[3], "landmarks", lm,
			  "aligned", f->aligned[0], f->aligned[1],
			  f->aligned[2], f->aligned[3], "detector_size",
			  f->input_size, "padded", f->padded, "quality", "size",
			  s->quality.size, "brightness", s->quality.brightness,
			  "sharpness", s->quality.sharpness));
	return j;
}

/* Find, pick and describe the face of one side; the live one must pass the
 * quality gate. */
static int examine(const struct cc_facenet *net, struct side *s,
		   enum cc_face_pick pick, struct cc_error *err)
{
	char what[300];
	int rc = load(s, err);

	if (rc)
		return rc;
	snprintf(what, sizeof(what), "the %s image '%s'", s->what, s->path);
	rc = cc_face_pick(net, &s->img, pick, what, &s->face, &s->found, err);
	if (rc)
		return rc;
	s->described = 1;
	cc_face_quality(&s->img, &s->face, &s->quality);
	if (pick == CC_FACE_ONLY &&
	    (rc = cc_face_check_quality(&s->quality, err)))
		cc_error_prefix(err, "%s", what);
	return rc;
}

int main(int argc, const char **argv)
{
	struct cc_error err = {0, ""};
	struct cc_facenet *net = NULL;
	struct side doc = {0}, cam = {0};
	const char *dir;
	const char *verdict = "rejected";
	double distance = -1, t0;
	char now[21];
	json_t *report = NULL;
	const char **args;
	poptContext con;
	int nargs, rc;

	rc = cc_cli_start(argc, argv, options, USAGE, NULL, &con, &args,
			  &nargs);
	if (rc >= 0)
		return cc_cli_finish(rc);
	rc = CC_USAGE;
	if (nargs) {
		cc_msg("unexpected argument '%s'", args[0]);
		goto out;
	}
	if (!document || !live) {
		cc_msg("both --document and --live are needed");
		goto out;
	}
	if (!strcmp(document, "-") && !strcmp(live, "-")) {
		cc_msg("only one of --document and --live can be '-'");
		goto out;
	}
	if (!(threshold > 0 && threshold < 2)) {
		cc_msg("--threshold must be between 0 and 2");
		goto out;
	}
	dir = models ? models : getenv("CERTCOPY_MODELS");
	if (!dir || !*dir)
		dir = CC_MODELDIR;
	t0 = cc_now_ms();
	net = cc_facenet_load(dir, &err);
	if (!net) {
		rc = cc_cli_fail(&err);
		goto out;
	}
	doc.path = document;
	doc.what = "document";
	cam.path = live;
	cam.what = "live";
	rc = examine(net, &doc, CC_FACE_LARGEST, &err);
	if (!rc)
		rc = examine(net, &cam, CC_FACE_ONLY, &err);
	if (rc) {
		cc_cli_fail(&err);
	} else {
		distance = cc_face_distance(doc.face.descriptor,
					    cam.face.descriptor);
		rc = distance < threshold ? CC_OK : CC_NO;
		verdict = rc == CC_OK ? "match" : "no match";
		/* The report takes stdout with --json -. */
		if (!cc_cli.quiet &&
		    !(cc_cli.json && !strcmp(cc_cli.json, "-")))
			printf("%s %.4f\n", rc == CC_OK ? "match" : "no-match",
			       distance);
		cc_debug("distance %.4f, threshold %.4f, %.0f ms", distance,
			 threshold, cc_now_ms() - t0);
	}
	if (cc_cli.json) {
		cc_utc_now(now);
		report = json_pack(
			"{s:s, s:s, s:s, s:s, s:o, s:o, s:f, s:s*, s:f}",
			"tool", "cc-facecheck", "version", CC_VERSION,
			"created", now, "verdict", verdict, "document",
			face_json(&doc), "live", face_json(&cam), "threshold",
			threshold, "reason",
			rc == CC_OK || rc == CC_NO ? NULL : err.msg, "ms",
			cc_now_ms() - t0);
		if (report && distance >= 0)
			json_object_set_new(report, "distance",
					    json_real(distance));
		if (!report || cc_report_write(report, cc_cli.json, &err)) {
			if (!report)
				cc_error_set(&err, CC_SYSTEM, "out of memory");
			cc_cli_fail(&err);
			rc = CC_SYSTEM;
		}
	}
out:
	json_decref(report);
	cc_face_image_free(&doc.img);
	cc_face_image_free(&cam.img);
	cc_facenet_free(net);
	poptFreeContext(con);
	return cc_cli_finish(rc);
}
