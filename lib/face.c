/*
 * face.c - finding and describing faces (face.h): face-api.js's
 * preprocessing, box decoding, non-maximum suppression, landmark
 * post-processing and dlib-style alignment, step for step, so that the
 * results agree with the reference; the search for close-up faces; the
 * quality measures. Owns nothing but the arrays it hands out.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <allheaders.h>

#include "face.h"

static const float det_mean[3] = {117.001f, 114.697f, 97.404f};
static const float face_mean[3] = {122.782f, 117.001f, 104.298f};
static const double anchors[CC_FACENET_ANCHORS][2] = {{1.603231, 2.094468},
						      {6.041143, 7.080126},
						      {2.882459, 3.518061},
						      {4.266906, 5.178857},
						      {9.041765, 10.66308}};
#define IOU_THRESHOLD 0.4

static int oom(struct cc_error *err)
{
	return cc_error_set(err, CC_SYSTEM, "out of memory");
}

int cc_face_image_from_pix(PIX *pix, struct cc_face_image *img,
			   struct cc_error *err)
{
	PIX *p = pixGetDepth(pix) == 32 || pixGetDepth(pix) == 8
			 ? pixClone(pix)
			 : pixConvertTo32(pix);
	int w, h, wpl, d;
	l_uint32 *data;

	img->px = NULL;
	if (!p)
		return oom(err);
	w = pixGetWidth(p);
	h = pixGetHeight(p);
	d = pixGetDepth(p);
	wpl = pixGetWpl(p);
	data = pixGetData(p);
	img->px = malloc((size_t)w * h * 3);
	if (!img->px) {
		pixDestroy(&p);
		return oom(err);
	}
	img->w = w;
	img->h = h;
	for (int y = 0; y < h; y++) {
		const l_uint32 *line = data + (size_t)y * wpl;
		unsigned char *o = img->px + (size_t)y * w * 3;

		for (int x = 0; x < w; x++, o += 3) {
			l_int32 r, g, b;

			if (d == 8) {
				r = g = b = GET_DATA_BYTE(line, x);
			} else {
				extractRGBValues(line[x], &r, &g, &b);
			}
			o[0] = (unsigned char)r;
			o[1] = (unsigned char)g;
			o[2] = (unsigned char)b;
		}
	}
	pixDestroy(&p);
	return 0;
}

void cc_face_image_free(struct cc_face_image *img)
{
	free(img->px);
	img->px = NULL;
}

/* The region (x0, y0, w, h) of img padded to a square with zeros (after it,
 * or split as padToSquare's centred mode does), resized to size x size by
 * TensorFlow's legacy bilinear resize, less mean, over 255. */
static float *prepare(const struct cc_face_image *img, int x0, int y0, int w,
		      int h, int centered, int size, const float mean[3])
{
	int S = w > h ? w : h, diff = abs(w - h);
	int pre = centered ? diff - (int)floor(diff * 0.5 + 0.5) : 0;
	int ox = w < h ? pre : 0, oy = h < w ? pre : 0;
	double ratio = (double)S / size;
	float *out = malloc((size_t)size * size * 3 * sizeof(float));

	if (!out)
		return NULL;
	for (int r = 0; r < size; r++) {
		double sy = ratio * r;
		int ya = (int)floor(sy), yb = (int)ceil(sy);
		double fy = sy - ya;

		if (yb > S - 1)
			yb = S - 1;
		for (int c = 0; c < size; c++) {
			double sx = ratio * c;
			int xa = (int)floor(sx), xb = (int)ceil(sx);
			double fx = sx - xa;
			const unsigned char *q[4];
			static const unsigned char zero[3];
			int ys[4] = {ya, ya, yb, yb};
			float *o = out + ((size_t)r * size + c) * 3;

			if (xb > S - 1)
				xb = S - 1;
			int xs[4] = {xa, xb, xa, xb};

			for (int i = 0; i < 4; i++) {
				int y = ys[i] - oy, x = xs[i] - ox;
				int iy = y0 + y, ix = x0 + x;

				q[i] = y < 0 || y >= h || x < 0 || x >= w ||
						       iy < 0 || iy >= img->h ||
						       ix < 0 || ix >= img->w
					       ? zero
					       : img->px + ((size_t)(y0 + y) *
								    img->w +
							    x0 + x) *
								   3;
			}
			for (int ch = 0; ch < 3; ch++) {
				double tl = q[0][ch], tr = q[1][ch];
				double bl = q[2][ch], br = q[3][ch];
				double top = tl + (tr - tl) * fx;
				double bottom = bl + (br - bl) * fx;
				float v = (float)(top + (bottom - top) * fy);

				v = v - mean[ch];
				o[ch] = v / 255.0f;
			}
		}
	}
	return out;
}

static double sigmoid(double x)
{
	return 1 / (1 + exp(-x));
}

struct cand {
	double x0, y0, x1, y1; /* relative to the image */
	double score;
	int index;
};

static int by_score(const void *a, const void *b)
{
	const struct cand *p = a, *q = b;

	/* JavaScript's stable ascending sort, popped from the end. */
	if (p->score != q->score)
		return p->score < q->score ? 1 : -1;
	return q->index - p->index;
}

static double iou(const struct cand *a, const struct cand *b, int size)
{
	double ax0 = a->x0 * size, ay0 = a->y0 * size, ax1 = a->x1 * size,
	       ay1 = a->y1 * size;
	double bx0 = b->x0 * size, by0 = b->y0 * size, bx1 = b->x1 * size,
	       by1 = b->y1 * size;
	double w = fmax(0, fmin(ax1, bx1) - fmax(ax0, bx0));
	double h = fmax(0, fmin(ay1, by1) - fmax(ay0, by0));
	double inter = w * h;

	return inter /
	       ((ax1 - ax0) * (ay1 - ay0) + (bx1 - bx0) * (by1 - by0) - inter);
}

int cc_face_detect(const struct cc_facenet *net,
		   const struct cc_face_image *img, int size, float threshold,
		   struct cc_face **faces, int *n, struct cc_error *err)
{
	int S = img->w > img->h ? img->w : img->h, grid, nc = 0, rc;
	float *in = prepare(img, 0, 0, img->w, img->h, 0, size, det_mean);
	float *raw = NULL;
	struct cand *c = NULL;
	double scale = (double)size / S;
	double cx = size / round(img->w * scale),
	       cy = size / round(img->h * scale);

	*faces = NULL;
	*n = 0;
	if (!in)
		return oom(err);
	rc = cc_facenet_detect(net, in, size, &raw, &grid, err);
	free(in);
	if (rc)
		return rc;
	c = malloc((size_t)grid * grid * CC_FACENET_ANCHORS * sizeof(*c));
	if (!c) {
		free(raw);
		return oom(err);
	}
	for (int row = 0; row < grid; row++)
		for (int col = 0; col < grid; col++)
			for (int a = 0; a < CC_FACENET_ANCHORS; a++) {
				const float *v =
					raw + (((size_t)row * grid + col) *
						       CC_FACENET_ANCHORS +
					       a) * 5;
				double score = sigmoid(v[4]);
				double x, y, w, h;

				if (!(score > threshold))
					continue;
				x = (col + sigmoid(v[0])) / grid * cx;
				y = (row + sigmoid(v[1])) / grid * cy;
				w = exp(v[2]) * anchors[a][0] / grid * cx;
				h = exp(v[3]) * anchors[a][1] / grid * cy;
				c[nc].x0 = x - w / 2;
				c[nc].y0 = y - h / 2;
				c[nc].x1 = c[nc].x0 + w;
				c[nc].y1 = c[nc].y0 + h;
				c[nc].score = score;
				c[nc].index = nc;
				nc++;
			}
	free(raw);
	qsort(c, (size_t)nc, sizeof(*c), by_score);
	int kept = 0;

	for (int i = 0; i < nc; i++) {
		int keep = 1;

		for (int j = 0; keep && j < kept; j++)
			keep = iou(&c[j], &c[i], size) <= IOU_THRESHOLD;
		if (keep)
			c[kept++] = c[i];
	}
	if (kept) {
		*faces = calloc((size_t)kept, sizeof(**faces));
		if (!*faces) {
			free(c);
			return oom(err);
		}
	}
	for (int i = 0; i < kept; i++) {
		struct cc_face *f = &(*faces)[i];

		f->score = (float)c[i].score;
		f->box[0] = c[i].x0 * img->w;
		f->box[1] = c[i].y0 * img->h;
		f->box[2] = (c[i].x1 - c[i].x0) * img->w;
		f->box[3] = (c[i].y1 - c[i].y0) * img->h;
		f->input_size = size;
	}
	*n = kept;
	free(c);
	return 0;
}

/* Box.clipAtImageBorders, then floor. */
static void clip(const double b[4], int W, int H, int out[4])
{
	double x = fmax(b[0], 0), y = fmax(b[1], 0);
	double w = fmin(b[0] + b[2] - x, W - x);
	double h = fmin(b[1] + b[3] - y, H - y);

	out[0] = (int)floor(x);
	out[1] = (int)floor(y);
	out[2] = (int)floor(w);
	out[3] = (int)floor(h);
}

static void centre(const double (*p)[2], int from, int to, double c[2])
{
	c[0] = c[1] = 0;
	for (int i = from; i < to; i++) {
		c[0] += p[i][0];
		c[1] += p[i][1];
	}
	c[0] /= to - from;
	c[1] /= to - from;
}

int cc_face_describe(const struct cc_facenet *net,
		     const struct cc_face_image *img, struct cc_face *f,
		     struct cc_error *err)
{
	const int LS = CC_FACENET_LANDMARK_SIZE;
	int crop[4], rc;
	float out[136], *in;
	double eye_l[2], eye_r[2], mouth[2], ref[2];

	clip(f->box, img->w, img->h, crop);
	if (crop[2] <= 0 || crop[3] <= 0)
		return cc_error_set(err, CC_INPUT,
				    "the face is outside the image");
	if (!(in = prepare(img, crop[0], crop[1], crop[2], crop[3], 1, LS,
			   face_mean)))
		return oom(err);
	rc = cc_facenet_landmarks(net, in, out, err);
	free(in);
	if (rc)
		return rc;
	/* FaceLandmark68NetBase.postProcess, in float as tfjs does it. */
	double scale = (double)LS / (crop[2] > crop[3] ? crop[2] : crop[3]);
	double sw = crop[2] * scale, sh = crop[3] * scale;
	float padx = (float)(sw < sh ? fabs(sw - sh) / 2 : 0);
	float pady = (float)(sh < sw ? fabs(sw - sh) / 2 : 0);

	/* face-api.js shifts the points, relative to the crop, by the
	 * detection's own corner (extendWithFaceLandmarks), which is not the
	 * crop's when the box reaches past the image's top or left edge. The
	 * reference's faces keep that; the faces only the search finds, most
	 * of them past an edge, are shifted by the crop's corner. */
	int reference = f->input_size == CC_FACE_REFERENCE_SIZE && !f->padded;
	double sx = reference ? f->box[0] : crop[0];
	double sy = reference ? f->box[1] : crop[1];

	for (int i = 0; i < 68; i++) {
		float rx = (out[2 * i] * (float)LS - padx) / (float)sw;
		float ry = (out[2 * i + 1] * (float)LS - pady) / (float)sh;

		f->landmarks[i][0] = (double)rx * crop[2] + sx;
		f->landmarks[i][1] = (double)ry * crop[3] + sy;
	}
	/* FaceLandmarks.alignDlib. */
	centre(f->landmarks, 36, 42, eye_l);
	centre(f->landmarks, 42, 48, eye_r);
	centre(f->landmarks, 48, 68, mouth);
	double dist = (hypot(mouth[0] - eye_l[0], mouth[1] - eye_l[1]) +
		       hypot(mouth[0] - eye_r[0], mouth[1] - eye_r[1])) /
		      2;
	double size = floor(dist / 0.45);

	ref[0] = (eye_l[0] + eye_r[0] + mouth[0]) / 3;
	ref[1] = (eye_l[1] + eye_r[1] + mouth[1]) / 3;
	double rect[4] = {floor(fmax(0, ref[0] - 0.5 * size)),
			  floor(fmax(0, ref[1] - 0.43 * size)), 0, 0};

	rect[2] = fmin(size, crop[2] + rect[0]);
	rect[3] = fmin(size, crop[3] + rect[1]);
	clip(rect, img->w, img->h, f->aligned);
	/* The reference cuts the square at the image's edges, and the face
	 * is no longer in its middle; for the search's faces, which fill the
	 * frame, it is kept whole, black past the edges. */
	if (!reference && size > 0) {
		f->aligned[0] = (int)floor(ref[0] - 0.5 * size);
		f->aligned[1] = (int)floor(ref[1] - 0.43 * size);
		f->aligned[2] = f->aligned[3] = (int)size;
	}
	if (f->aligned[2] <= 0 || f->aligned[3] <= 0)
		return cc_error_set(err, CC_INPUT,
				    "the face is outside the image");
	if (!(in = prepare(img, f->aligned[0], f->aligned[1], f->aligned[2],
			   f->aligned[3], 1, CC_FACENET_DESCRIPTOR_SIZE,
			   face_mean)))
		return oom(err);
	rc = cc_facenet_describe(net, in, f->descriptor, err);
	free(in);
	return rc;
}

double cc_face_distance(const float a[128], const float b[128])
{
	double s = 0;

	for (int i = 0; i < 128; i++)
		s += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
	return sqrt(s);
}

/* A face that fills much of the frame is larger than the detector's anchors
 * at input 416 (the largest is about 290 of its 416 pixels, and faces over a
 * third of the frame are often missed): smaller input sizes make the anchors
 * larger relative to the frame. The reference's faces are kept as they are;
 * a face from another size is added when it is not one of them. */
static const int search_sizes[] = {CC_FACE_REFERENCE_SIZE, 320, 224, 160};

/* The same face seen twice: boxes that overlap much, or one inside the
 * other. */
static int same_face(const double a[4], const double b[4])
{
	double w = fmin(a[0] + a[2], b[0] + b[2]) - fmax(a[0], b[0]);
	double h = fmin(a[1] + a[3], b[1] + b[3]) - fmax(a[1], b[1]);
	double inter = w > 0 && h > 0 ? w * h : 0;
	double aa = a[2] * a[3], ab = b[2] * b[3];

	return inter > 0.3 * (aa + ab - inter) ||
	       inter > 0.5 * (aa < ab ? aa : ab);
}

/* Add the faces of more (n of them) not already in *faces. */
static int merge(struct cc_face **faces, int *n, const struct cc_face *more,
		 int nmore, struct cc_error *err)
{
	for (int i = 0; i < nmore; i++) {
		int dup = 0;
		struct cc_face *f;

		for (int j = 0; !dup && j < *n; j++)
			dup = same_face((*faces)[j].box, more[i].box);
		if (dup)
			continue;
		f = realloc(*faces, (size_t)(*n + 1) * sizeof(*f));
		if (!f)
			return oom(err);
		*faces = f;
		f[*n] = more[i];
		(*n)++;
	}
	return 0;
}

/* Detect at input size size and merge what is found into *faces; faces
 * found on a padded frame are moved back by (ox, oy). */
static int detect_more(const struct cc_facenet *net,
		       const struct cc_face_image *img, int size, int ox,
		       int oy, struct cc_face **faces, int *n,
		       struct cc_error *err)
{
	struct cc_face *more = NULL;
	int nmore = 0;
	int rc = cc_face_detect(net, img, size, CC_FACE_SCORE, &more, &nmore,
				err);

	for (int i = 0; !rc && (ox || oy) && i < nmore; i++) {
		more[i].box[0] -= ox;
		more[i].box[1] -= oy;
		more[i].padded = 1;
	}
	if (!rc)
		rc = merge(faces, n, more, nmore, err);
	free(more);
	return rc;
}

/* The frame in the middle of a black square scale/2 times its longer side,
 * at each search size but 416 until a face is found. */
static int detect_padded(const struct cc_facenet *net,
			 const struct cc_face_image *img, int scale,
			 struct cc_face **faces, int *n, struct cc_error *err)
{
	int side = (img->w > img->h ? img->w : img->h) * scale / 2;
	int ox = (side - img->w) / 2, oy = (side - img->h) / 2, rc = 0;
	struct cc_face_image pad = {side, side, calloc((size_t)side * side, 3)};

	if (!pad.px)
		return oom(err);
	for (int y = 0; y < img->h; y++)
		memcpy(pad.px + ((size_t)(y + oy) * side + ox) * 3,
		       img->px + (size_t)y * img->w * 3, (size_t)img->w * 3);
	for (size_t i = 0;
	     !rc && *n == 0 && i < sizeof(search_sizes) / sizeof(*search_sizes);
	     i++)
		rc = detect_more(net, &pad, search_sizes[i], ox, oy, faces, n,
				 err);
	cc_face_image_free(&pad);
	return rc;
}

/* A small face, as the photo on a scanned ID card: larger inputs. */
static int detect_small(const struct cc_facenet *net,
			const struct cc_face_image *img, struct cc_face **faces,
			int *n, struct cc_error *err)
{
	int rc = detect_more(net, img, 608, 0, 0, faces, n, err);

	if (!rc && *n == 0)
		rc = detect_more(net, img, 800, 0, 0, faces, n, err);
	return rc;
}

/* A face that fills the frame: the frame padded to 1.5, then 2 times its
 * side. */
static int detect_close(const struct cc_facenet *net,
			const struct cc_face_image *img, struct cc_face **faces,
			int *n, struct cc_error *err)
{
	int rc = detect_padded(net, img, 3, faces, n, err);

	if (!rc && *n == 0)
		rc = detect_padded(net, img, 4, faces, n, err);
	return rc;
}

int cc_face_find(const struct cc_facenet *net, const struct cc_face_image *img,
		 int close_first, struct cc_face **faces, int *n,
		 struct cc_error *err)
{
	int rc = 0;

	*faces = NULL;
	*n = 0;
	for (size_t i = 0;
	     !rc && i < sizeof(search_sizes) / sizeof(*search_sizes); i++)
		rc = detect_more(net, img, search_sizes[i], 0, 0, faces, n,
				 err);
	if (!rc && *n == 0)
		rc = close_first ? detect_close(net, img, faces, n, err)
				 : detect_small(net, img, faces, n, err);
	if (!rc && *n == 0)
		rc = close_first ? detect_small(net, img, faces, n, err)
				 : detect_close(net, img, faces, n, err);
	if (rc) {
		free(*faces);
		*faces = NULL;
		*n = 0;
	}
	return rc;
}

/* The no-reference blur measure of Crete-Roffet et al. (2007): blur the
 * image again (a 9-pixel box, across and down) and see how much of its
 * pixel-to-pixel variation that takes away: much for a sharp image, little
 * for one that was blurred already. A ratio, so light and contrast do not
 * change it. 0 (flat or blurred) to 100 (sharp). */
static double reblur(const float *g, int S)
{
	double sf[2] = {0, 0}, sv[2] = {0, 0};

	for (int dir = 0; dir < 2; dir++)
		for (int i = 0; i < S; i++)
			for (int j = 1; j < S; j++) {
				/* along a row (dir 0) or a column (dir 1) */
#define AT(k) (dir ? g[(k)*S + i] : g[i * S + (k)])
				double bj = 0, bp = 0;

				for (int t = -4; t <= 4; t++) {
					int k = j + t < 0    ? 0
						: j + t >= S ? S - 1
							     : j + t;
					int kp = j - 1 + t < 0	  ? 0
						 : j - 1 + t >= S ? S - 1
								  : j - 1 + t;

					bj += AT(k);
					bp += AT(kp);
				}
				double df = fabs(AT(j) - AT(j - 1));
				double db = fabs(bj - bp) / 9;
#undef AT
				sf[dir] += df;
				sv[dir] += df > db ? df - db : 0;
			}
	if (sf[0] <= 0 || sf[1] <= 0)
		return 0;
	return 100 * fmin(sv[0] / sf[0], sv[1] / sf[1]);
}

void cc_face_quality(const struct cc_face_image *img, const struct cc_face *f,
		     struct cc_face_quality *q)
{
	enum { S = CC_FACENET_DESCRIPTOR_SIZE };
	double al[4] = {f->aligned[0], f->aligned[1], f->aligned[2],
			f->aligned[3]};
	int a[4];
	double sum = 0;
	float *g = malloc((size_t)S * S * sizeof(float));

	memset(q, 0, sizeof(*q));
	q->size = al[2] < al[3] ? al[2] : al[3];
	/* Light and sharpness of the part inside the image. */
	clip(al, img->w, img->h, a);
	if (a[2] <= 0 || a[3] <= 0)
		goto out;
	for (int y = a[1]; y < a[1] + a[3]; y++)
		for (int x = a[0]; x < a[0] + a[2]; x++) {
			const unsigned char *p =
				img->px + ((size_t)y * img->w + x) * 3;

			sum += 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
		}
	q->brightness = sum / ((double)a[2] * a[3]);
	if (!g)
		goto out;
	/* The crop as the descriptor sees it (150 x 150, luma), then the
	 * variance of its 4-neighbour Laplacian. */
	for (int y = 0; y < S; y++)
		for (int x = 0; x < S; x++) {
			double sy = (y + 0.5) * a[3] / S - 0.5;
			double sx = (x + 0.5) * a[2] / S - 0.5;
			int y0 = (int)floor(sy), x0 = (int)floor(sx);
			double fy = sy - y0, fx = sx - x0, v = 0;

			for (int dy = 0; dy < 2; dy++)
				for (int dx = 0; dx < 2; dx++) {
					int yy = y0 + dy, xx = x0 + dx;
					const unsigned char *p;

					yy = yy < 0	  ? 0
					     : yy >= a[3] ? a[3] - 1
							  : yy;
					xx = xx < 0	  ? 0
					     : xx >= a[2] ? a[2] - 1
							  : xx;
					p = img->px +
					    ((size_t)(a[1] + yy) * img->w +
					     a[0] + xx) *
						    3;
					v += (dy ? fy : 1 - fy) *
					     (dx ? fx : 1 - fx) *
					     (0.299 * p[0] + 0.587 * p[1] +
					      0.114 * p[2]);
				}
			g[y * S + x] = (float)v;
		}
	q->sharpness = reblur(g, S);
out:
	free(g);
}

int cc_face_check_quality(const struct cc_face_quality *q, struct cc_error *err)
{
	if (q->size < CC_FACE_MIN_SIZE)
		return cc_error_set(err, CC_INPUT,
				    "the face is too small (%.0f pixels, at "
				    "least %d needed)",
				    q->size, CC_FACE_MIN_SIZE);
	if (q->brightness < CC_FACE_MIN_BRIGHTNESS)
		return cc_error_set(err, CC_INPUT,
				    "the face is too dark (mean brightness "
				    "%.0f, at least %.0f needed)",
				    q->brightness, CC_FACE_MIN_BRIGHTNESS);
	if (q->sharpness < CC_FACE_MIN_SHARPNESS)
		return cc_error_set(err, CC_INPUT,
				    "the face is too blurred (sharpness %.1f, "
				    "at least %.1f needed)",
				    q->sharpness, CC_FACE_MIN_SHARPNESS);
	return 0;
}

int cc_face_pick(const struct cc_facenet *net, const struct cc_face_image *img,
		 enum cc_face_pick pick, const char *what, struct cc_face *face,
		 int *found, struct cc_error *err)
{
	struct cc_face *faces = NULL;
	int n = 0, best = 0, rc;

	rc = cc_face_find(net, img, pick == CC_FACE_ONLY, &faces, &n, err);
	*found = n;
	if (rc)
		goto out;
	if (n == 0) {
		rc = cc_error_set(err, CC_INPUT, "no face found in %s", what);
		goto out;
	}
	if (n > 1 && pick == CC_FACE_ONLY) {
		rc = cc_error_set(err, CC_INPUT,
				  "%d faces in %s: only the person being "
				  "checked may be in front of the camera",
				  n, what);
		goto out;
	}
	for (int i = 1; i < n; i++)
		if (faces[i].box[2] * faces[i].box[3] >
		    faces[best].box[2] * faces[best].box[3])
			best = i;
	*face = faces[best];
	rc = cc_face_describe(net, img, face, err);
	if (rc == CC_INPUT)
		cc_error_prefix(err, "%s", what);
out:
	free(faces);
	return rc;
}
