/*
 * face-driver - the face library from scripts: tests/face/calibrate and
 * tests/bench/facecheck.
 *
 *   face-driver reference MODELS IMAGE...  every face the reference finds
 *                                          (detector at 416), described
 *   face-driver find MODELS IMAGE...       cc_face_find as for the camera's
 *                                          image (close faces first)
 *   face-driver document MODELS IMAGE...   as for the card (small first)
 *
 * One JSON object per image and line: image, ms (the detection and the
 * descriptors, models loaded), faces (score, box, landmarks, aligned,
 * detector_size, padded, quality, descriptor).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <allheaders.h>
#include <jansson.h>

#include "face.h"
#include "image.h"
#include "report.h"

static json_t *face_json(const struct cc_face *f,
			 const struct cc_face_quality *q)
{
	json_t *lm = json_array(), *desc = json_array();

	for (int i = 0; i < 68; i++)
		json_array_append_new(lm, json_pack("[f,f]", f->landmarks[i][0],
						    f->landmarks[i][1]));
	for (int i = 0; i < 128; i++)
		json_array_append_new(desc, json_real(f->descriptor[i]));
	return json_pack("{s:f, s:[f,f,f,f], s:o, s:[i,i,i,i], s:i, s:b, "
			 "s:{s:f, s:f, s:f}, s:o}",
			 "score", (double)f->score, "box", f->box[0], f->box[1],
			 f->box[2], f->box[3], "landmarks", lm, "aligned",
			 f->aligned[0], f->aligned[1], f->aligned[2],
			 f->aligned[3], "detector_size", f->input_size,
			 "padded", f->padded, "quality", "size", q->size,
			 "brightness", q->brightness, "sharpness", q->sharpness,
			 "descriptor", desc);
}

static int one(const struct cc_facenet *net, int find, const char *path)
{
	struct cc_error err = {0, ""};
	struct cc_image *im = cc_image_open(path, &err);
	struct cc_face_image img = {0};
	struct cc_page_info info;
	struct cc_face *faces = NULL;
	PIX *pix = NULL;
	json_t *out, *arr;
	int n = 0, rc;
	double t0;

	if (!im || (rc = cc_image_next(im, &pix, &info, &err)) || !pix ||
	    (rc = cc_face_image_from_pix(pix, &img, &err))) {
		fprintf(stderr, "face-driver: %s\n", err.msg);
		cc_image_close(im);
		pixDestroy(&pix);
		return 3;
	}
	t0 = cc_now_ms();
	rc = find ? cc_face_find(net, &img, find == 1, &faces, &n, &err)
		  : cc_face_detect(net, &img, CC_FACE_REFERENCE_SIZE,
				   CC_FACE_SCORE, &faces, &n, &err);
	arr = json_array();
	for (int i = 0; !rc && i < n; i++) {
		struct cc_face_quality q;

		if ((rc = cc_face_describe(net, &img, &faces[i], &err)))
			break;
		cc_face_quality(&img, &faces[i], &q);
		json_array_append_new(arr, face_json(&faces[i], &q));
	}
	out = json_pack("{s:s, s:i, s:i, s:f, s:o}", "image", path, "width",
			img.w, "height", img.h, "ms", cc_now_ms() - t0, "faces",
			arr);
	if (rc)
		fprintf(stderr, "face-driver: '%s': %s\n", path, err.msg);
	else
		json_dumpf(out, stdout, JSON_COMPACT);
	putchar('\n');
	json_decref(out);
	free(faces);
	cc_face_image_free(&img);
	pixDestroy(&pix);
	cc_image_close(im);
	return rc;
}

int main(int argc, char **argv)
{
	struct cc_error err = {0, ""};
	struct cc_facenet *net;
	int rc = 0, find;

	find = argc < 3			       ? -1
	       : !strcmp(argv[1], "reference") ? 0
	       : !strcmp(argv[1], "find")      ? 1
	       : !strcmp(argv[1], "document")  ? 2
					       : -1;
	if (find < 0) {
		fprintf(stderr, "usage: face-driver reference|find|document "
				"MODELS IMAGE...\n");
		return 2;
	}
	if (!(net = cc_facenet_load(argv[2], &err))) {
		fprintf(stderr, "face-driver: %s\n", err.msg);
		return err.code;
	}
	for (int i = 3; i < argc; i++)
		if (one(net, find, argv[i]))
			rc = 3;
	cc_facenet_free(net);
	return fclose(stdout) ? 4 : rc;
}
