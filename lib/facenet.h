/*
 * facenet.h - forward passes, in plain C, of the three face-api.js networks
 * certcopy uses: the tiny face detector (YOLO-style, depthwise-separable
 * convolutions), the 68-point landmark net (dense blocks of separable
 * convolutions, 112 x 112 input) and the face recognition net (a ResNet port
 * of dlib's model: 29 convolutions with per-channel scale layers, 150 x 150
 * input, a 128-d descriptor). Inputs are already normalised images, rows of
 * RGB floats; face.c makes them. Owns the weights, packed for its matrix
 * multiply.
 */
#ifndef CC_FACENET_H
#define CC_FACENET_H

#include "error.h"

#define CC_FACENET_LANDMARK_SIZE 112
#define CC_FACENET_DESCRIPTOR_SIZE 150
#define CC_FACENET_ANCHORS 5

struct cc_facenet;

/* The three models from dir (tiny_face_detector_model,
 * face_landmark_68_model, face_recognition_model). A missing or corrupt one
 * is CC_SYSTEM with a message saying to run `make models`. */
struct cc_facenet *cc_facenet_load(const char *dir, struct cc_error *err);
void cc_facenet_free(struct cc_facenet *net);

/* The detector on size x size x 3 (size a multiple of 32, 64 to 1024):
 * *out (malloc'ed, the caller frees) gets a grid x grid x 5 x 5 array of raw
 * box encodings (x, y, w, h, score per anchor), grid = size / 32. */
int cc_facenet_detect(const struct cc_facenet *net, const float *in, int size,
		      float **out, int *grid, struct cc_error *err);
/* 136 values: x, y of the 68 points, relative to the 112 x 112 input. */
int cc_facenet_landmarks(const struct cc_facenet *net, const float *in,
			 float out[136], struct cc_error *err);
/* The 128-d descriptor of a 150 x 150 aligned face. */
int cc_facenet_describe(const struct cc_facenet *net, const float *in,
			float out[128], struct cc_error *err);

#endif
