/*
 * face.h - faces in an image, the way face-api.js finds and describes them:
 * the tiny face detector on the image padded to a square (input 416, score
 * above 0.5, non-maximum suppression at IoU 0.4), 68 landmarks from the
 * detection's crop, the dlib-style crop from the eye and mouth centres, and
 * its 128-d descriptor; the same preprocessing (padding, TensorFlow's legacy
 * bilinear resize, each net's mean RGB and the /255 scale). On top of the
 * reference: a search for faces it misses because they fill the frame (the
 * detector at smaller input sizes, then on a padded frame), and the quality
 * of a face for a kiosk photo (size, light, sharpness).
 */
#ifndef CC_FACE_H
#define CC_FACE_H

#include "error.h"
#include "facenet.h"

struct Pix;

#define CC_FACE_REFERENCE_SIZE 416
#define CC_FACE_SCORE 0.5f

/* An 8-bit RGB image, rows of w * 3 bytes. */
struct cc_face_image {
	int w, h;
	unsigned char *px;
};

struct cc_face {
	float score;
	double box[4];		 /* x, y, width, height, image pixels */
	double landmarks[68][2]; /* x, y */
	int aligned[4]; /* the descriptor's crop: x, y, width, height */
	float descriptor[128];
	int input_size; /* the detector's input size that found it */
	int padded;	/* found on the frame padded (the search), 0 or 1 */
};

struct cc_face_quality {
	double size;	   /* the aligned crop's side, pixels */
	double brightness; /* mean luma of the aligned crop, 0..255 */
	double sharpness;  /* the crop scaled to 150 x 150: how much of its
			    * detail a further blur takes away, 0..100 */
};

/* From a Leptonica page (8 bpp gray or 32 bpp RGB). */
int cc_face_image_from_pix(struct Pix *pix, struct cc_face_image *img,
			   struct cc_error *err);
void cc_face_image_free(struct cc_face_image *img);

/* The reference detector: every face above threshold at one input size, best
 * score first; *faces is malloc'ed (NULL when none). */
int cc_face_detect(const struct cc_facenet *net,
		   const struct cc_face_image *img, int size, float threshold,
		   struct cc_face **faces, int *n, struct cc_error *err);
/* The reference first, and the faces it misses at smaller input sizes; when
 * there is none, the frame padded (for a face that fills it) and larger
 * input sizes (for a small one), in that order when close_first, else the
 * other way round. */
int cc_face_find(const struct cc_facenet *net, const struct cc_face_image *img,
		 int close_first, struct cc_face **faces, int *n,
		 struct cc_error *err);
/* Landmarks, then the aligned crop and its descriptor, of a detected face. */
int cc_face_describe(const struct cc_facenet *net,
		     const struct cc_face_image *img, struct cc_face *face,
		     struct cc_error *err);
void cc_face_quality(const struct cc_face_image *img,
		     const struct cc_face *face, struct cc_face_quality *q);
double cc_face_distance(const float a[128], const float b[128]);

/* The quality gate of a live photo (man/cc-facecheck.1 says how they were
 * chosen). */
#define CC_FACE_MIN_SIZE 60	    /* aligned crop side, pixels */
#define CC_FACE_MIN_BRIGHTNESS 25.0 /* mean luma, 0..255 */
#define CC_FACE_MIN_SHARPNESS 20.0  /* see struct cc_face_quality */

/* CC_INPUT with the reason when q fails the gate ("the face is too dark
 * ..."), else 0. */
int cc_face_check_quality(const struct cc_face_quality *q,
			  struct cc_error *err);

enum cc_face_pick { CC_FACE_LARGEST, CC_FACE_ONLY };
/* Find the faces of img (cc_face_find, close faces first for
 * CC_FACE_ONLY, the camera's), take the largest or the only one
 * (more than one is CC_INPUT), and describe it into *face. *found is the
 * number of faces found. what names the image in messages. */
int cc_face_pick(const struct cc_facenet *net, const struct cc_face_image *img,
		 enum cc_face_pick pick, const char *what, struct cc_face *face,
		 int *found, struct cc_error *err);

#endif
