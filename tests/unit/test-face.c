/*
 * test-face.c - the face networks against the reference: face-api.js on
 * tfjs's CPU backend (tests/face/reference.mjs), whose outputs for the
 * images of testdata/face are committed in testdata/face/reference.json.
 * Every face it finds is found in the same order, with the box and the 68
 * landmarks within 1 pixel and the 128 descriptor values within 1e-4. Also:
 * the weight-manifest parser on good and bad manifests, a missing model,
 * the close-up search, the quality gate.
 *
 * The models come from CERTCOPY_MODELS (tests/run sets it to build/models,
 * which `make check` fills with scripts/models).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <allheaders.h>
#include <jansson.h>

#include "face.h"
#include "facemodel.h"
#include "image.h"

#define GOLDEN "testdata/face/reference.json"

static struct cc_facenet *net;

static const char *models_dir(void)
{
	const char *d = getenv("CERTCOPY_MODELS");

	return d && *d ? d : "build/models";
}

static int setup(void **state)
{
	struct cc_error err = {0, ""};

	(void)state;
	net = cc_facenet_load(models_dir(), &err);
	if (!net)
		print_message("no models (%s): %s\n", models_dir(), err.msg);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cc_facenet_free(net);
	return 0;
}

static void load(const char *path, struct cc_face_image *img)
{
	struct cc_error err = {0, ""};
	struct cc_image *im = cc_image_open(path, &err);
	struct cc_page_info info;
	PIX *pix = NULL;

	if (!im)
		fail_msg("%s", err.msg);
	assert_int_equal(cc_image_next(im, &pix, &info, &err), 0);
	assert_non_null(pix);
	assert_int_equal(cc_face_image_from_pix(pix, img, &err), 0);
	pixDestroy(&pix);
	cc_image_close(im);
}

static double num(json_t *a, size_t i)
{
	return json_number_value(json_array_get(a, i));
}

static void test_golden(void **state)
{
	json_t *root, *images, *im;
	size_t i;
	int nfaces = 0;
	double worst_box = 0, worst_lm = 0, worst_desc = 0;

	(void)state;
	if (!net)
		skip();
	root = json_load_file(GOLDEN, 0, NULL);
	assert_non_null(root);
	images = json_object_get(root, "images");
	assert_true(json_array_size(images) >= 4);
	json_array_foreach(images, i, im)
	{
		struct cc_error err = {0, ""};
		const char *name =
			json_string_value(json_object_get(im, "image"));
		json_t *golden = json_object_get(im, "faces"), *g;
		struct cc_face_image img;
		struct cc_face *faces = NULL;
		char path[256];
		int n;
		size_t k;

		snprintf(path, sizeof(path), "testdata/face/%s", name);
		load(path, &img);
		assert_int_equal(img.w, json_integer_value(
						json_object_get(im, "width")));
		assert_int_equal(
			cc_face_detect(net, &img, CC_FACE_REFERENCE_SIZE,
				       CC_FACE_SCORE, &faces, &n, &err),
			0);
		if ((size_t)n != json_array_size(golden))
			fail_msg("%s: %d faces, the reference finds %zu", name,
				 n, json_array_size(golden));
		json_array_foreach(golden, k, g)
		{
			struct cc_face *f = &faces[k];
			json_t *box = json_object_get(g, "box");
			json_t *lm = json_object_get(g, "landmarks");
			json_t *desc = json_object_get(g, "descriptor");

			assert_int_equal(cc_face_describe(net, &img, f, &err),
					 0);
			assert_true(fabs(f->score -
					 json_number_value(json_object_get(
						 g, "score"))) < 1e-4);
			for (int j = 0; j < 4; j++)
				worst_box = fmax(worst_box,
						 fabs(f->box[j] - num(box, j)));
			for (int j = 0; j < 68; j++)
				for (int c = 0; c < 2; c++)
					worst_lm = fmax(
						worst_lm,
						fabs(f->landmarks[j][c] -
						     num(json_array_get(lm, j),
							 c)));
			assert_int_equal(json_array_size(desc), 128);
			for (int j = 0; j < 128; j++)
				worst_desc =
					fmax(worst_desc, fabs(f->descriptor[j] -
							      num(desc, j)));
			nfaces++;
		}
		free(faces);
		cc_face_image_free(&img);
	}
	print_message("%d faces: worst box %.2g px, landmark %.2g px, "
		      "descriptor %.2g\n",
		      nfaces, worst_box, worst_lm, worst_desc);
	assert_true(nfaces >= 8);
	assert_true(worst_box <= 1.0);
	assert_true(worst_lm <= 1.0);
	assert_true(worst_desc <= 1e-4);
	json_decref(root);
}

/* The card and the close-up of the same person match, the other person
 * does not, at the default threshold; two people are two. */
static void test_pick(void **state)
{
	struct cc_error err = {0, ""};
	struct cc_face_image card, a, b, two;
	struct cc_face fc, fa, fb, ft;
	int found;

	(void)state;
	if (!net)
		skip();
	load("testdata/face/card-a.jpg", &card);
	load("testdata/face/live-a.jpg", &a);
	load("testdata/face/live-b.jpg", &b);
	load("testdata/face/live-two.jpg", &two);
	assert_int_equal(cc_face_pick(net, &card, CC_FACE_LARGEST, "card", &fc,
				      &found, &err),
			 0);
	assert_int_equal(
		cc_face_pick(net, &a, CC_FACE_ONLY, "a", &fa, &found, &err), 0);
	assert_int_equal(found, 1);
	assert_int_equal(
		cc_face_pick(net, &b, CC_FACE_ONLY, "b", &fb, &found, &err), 0);
	assert_true(cc_face_distance(fc.descriptor, fa.descriptor) < 0.5);
	assert_true(cc_face_distance(fc.descriptor, fb.descriptor) >= 0.5);
	assert_true(cc_face_distance(fa.descriptor, fa.descriptor) == 0);
	/* The reference finds one of the two; the search finds both. */
	assert_int_equal(
		cc_face_pick(net, &two, CC_FACE_ONLY, "two", &ft, &found, &err),
		CC_INPUT);
	assert_int_equal(found, 2);
	assert_non_null(strstr(err.msg, "2 faces in two"));
	cc_face_image_free(&card);
	cc_face_image_free(&a);
	cc_face_image_free(&b);
	cc_face_image_free(&two);
}

/* A face that fills the frame: the reference misses it, the search does
 * not, and the reference's own faces are kept as they are. */
static void test_close_up(void **state)
{
	struct cc_error err = {0, ""};
	struct cc_face_image a, close;
	struct cc_face *faces = NULL, *ref = NULL;
	int n, nref;

	(void)state;
	if (!net)
		skip();
	load("testdata/face/live-a.jpg", &a);
	/* The middle of live-a.jpg, the face all of its width. */
	close.w = 246;
	close.h = 185;
	close.px = malloc((size_t)close.w * close.h * 3);
	assert_non_null(close.px);
	for (int y = 0; y < close.h; y++)
		memcpy(close.px + (size_t)y * close.w * 3,
		       a.px + ((size_t)(y + 140) * a.w + 162) * 3,
		       (size_t)close.w * 3);
	assert_int_equal(cc_face_detect(net, &close, CC_FACE_REFERENCE_SIZE,
					CC_FACE_SCORE, &ref, &nref, &err),
			 0);
	assert_int_equal(nref, 0);
	assert_int_equal(cc_face_find(net, &close, 1, &faces, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_true(faces[0].input_size != CC_FACE_REFERENCE_SIZE ||
		    faces[0].padded);
	free(faces);
	assert_int_equal(cc_face_find(net, &a, 1, &faces, &n, &err), 0);
	assert_int_equal(cc_face_detect(net, &a, CC_FACE_REFERENCE_SIZE,
					CC_FACE_SCORE, &ref, &nref, &err),
			 0);
	assert_int_equal(nref, 1);
	assert_int_equal(n, 1);
	assert_memory_equal(faces[0].box, ref[0].box, sizeof(ref[0].box));
	free(faces);
	free(ref);
	cc_face_image_free(&close);
	cc_face_image_free(&a);
}

static void test_quality(void **state)
{
	struct cc_error err = {0, ""};
	struct cc_face_quality q = {200, 120, 30};

	(void)state;
	assert_int_equal(cc_face_check_quality(&q, &err), 0);
	q.size = 40;
	assert_int_equal(cc_face_check_quality(&q, &err), CC_INPUT);
	assert_non_null(strstr(err.msg, "too small"));
	q.size = 200;
	q.brightness = 10;
	assert_int_equal(cc_face_check_quality(&q, &err), CC_INPUT);
	assert_non_null(strstr(err.msg, "too dark"));
	q.brightness = 120;
	q.sharpness = 0.5;
	assert_int_equal(cc_face_check_quality(&q, &err), CC_INPUT);
	assert_non_null(strstr(err.msg, "too blurred"));
}

static struct cc_facemodel *parse(const char *manifest, const void *bin,
				  size_t blen, struct cc_error *err)
{
	return cc_facemodel_parse(manifest, strlen(manifest), bin, blen, "test",
				  err);
}

static void test_manifest(void **state)
{
	struct cc_error err = {0, ""};
	const unsigned char q[6] = {0, 1, 255, 0x00, 0x00};
	unsigned char bin[6 + 4 + 4];
	float one = 1.5f, two = -2.25f;
	struct cc_facemodel *m;
	const float *t;
	int shape2[2] = {2, 3}, shape1[1] = {2};

	(void)state;
	memcpy(bin, q, 6);
	memcpy(bin + 6, &one, 4);
	memcpy(bin + 10, &two, 4);
	m = parse("[{\"paths\":[\"x.bin\"],\"weights\":["
		  "{\"name\":\"a\",\"shape\":[2,3],\"dtype\":\"float32\","
		  "\"quantization\":{\"dtype\":\"uint8\",\"scale\":0.5,"
		  "\"min\":-1}},"
		  "{\"name\":\"b\",\"shape\":[2],\"dtype\":\"float32\"}]}]",
		  bin, sizeof(bin), &err);
	if (!m)
		fail_msg("%s", err.msg);
	assert_int_equal(cc_facemodel_count(m), 2);
	t = cc_facemodel_tensor(m, "a", 2, shape2, &err);
	assert_non_null(t);
	assert_true(t[0] == -1.0f && t[1] == -0.5f && t[2] == 126.5f);
	t = cc_facemodel_tensor(m, "b", 1, shape1, &err);
	assert_non_null(t);
	assert_true(t[0] == 1.5f && t[1] == -2.25f);
	assert_null(cc_facemodel_tensor(m, "a", 1, shape1, &err));
	assert_int_equal(err.code, CC_SYSTEM);
	assert_null(cc_facemodel_tensor(m, "c", 1, shape1, &err));
	cc_facemodel_free(m);

	/* Short, long, mistyped, misshapen, twice, not JSON. */
	static const char *const bad[] = {
		"[{\"paths\":[],\"weights\":[{\"name\":\"a\",\"shape\":[20],"
		"\"dtype\":\"float32\"}]}]",
		"[{\"paths\":[],\"weights\":[{\"name\":\"a\",\"shape\":[1],"
		"\"dtype\":\"float32\"}]}]",
		"[{\"paths\":[],\"weights\":[{\"name\":\"a\",\"shape\":[14],"
		"\"dtype\":\"int32\"}]}]",
		"[{\"paths\":[],\"weights\":[{\"name\":\"a\",\"shape\":[-14],"
		"\"dtype\":\"float32\",\"quantization\":{\"dtype\":\"uint8\","
		"\"scale\":1,\"min\":0}}]}]",
		"[{\"paths\":[],\"weights\":[{\"name\":\"a\",\"shape\":[7],"
		"\"dtype\":\"float32\",\"quantization\":{\"dtype\":\"uint8\","
		"\"scale\":1,\"min\":0}},{\"name\":\"a\",\"shape\":[7],"
		"\"dtype\":\"float32\",\"quantization\":{\"dtype\":\"uint8\","
		"\"scale\":1,\"min\":0}}]}]",
		"[{\"paths\":[],\"weights\":[{\"name\":\"a\",\"shape\":[14],"
		"\"dtype\":\"float32\",\"quantization\":{\"dtype\":\"uint4\","
		"\"scale\":1,\"min\":0}}]}]",
		"[]",
		"{\"weights\":1}",
		"[{\"paths\":[\"x\"],\"weights\":[{\"name\":\"a\"",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		m = parse(bad[i], bin, sizeof(bin), &err);
		if (m)
			fail_msg("accepted: %s", bad[i]);
		assert_int_equal(err.code, CC_INPUT);
	}
}

static void test_missing_model(void **state)
{
	struct cc_error err = {0, ""};

	(void)state;
	assert_null(cc_facenet_load("/nonexistent/models", &err));
	assert_int_equal(err.code, CC_SYSTEM);
	assert_non_null(strstr(err.msg, "make models"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_pick),
		cmocka_unit_test(test_close_up),
		cmocka_unit_test(test_quality),
		cmocka_unit_test(test_manifest),
		cmocka_unit_test(test_missing_model),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
