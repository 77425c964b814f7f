/*
 * facenet.c - the networks of facenet.h: convolutions as im2col in small
 * row blocks times weights packed in panels of NR columns (a register-
 * blocked multiply GCC and Clang vectorise), depthwise 3 x 3 convolutions,
 * pooling, and the three nets' layer order as face-api.js runs them, with
 * TensorFlow's padding rules ("same": the odd pixel after, "valid": none).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facemodel.h"
#include "facenet.h"

#define NR 8   /* columns of a weight panel */
#define MR 4   /* rows the multiply works on at once */
#define MB 128 /* rows of an im2col block */

typedef float v4 __attribute__((vector_size(16)));

enum act { ACT_NONE, ACT_RELU, ACT_LEAKY };

struct fmap {
	int h, w, c;
	float *d;
};

struct conv {
	int k, cin, cout;
	float *w;	      /* panels of NR columns, k*k*cin rows each */
	const float *bias;    /* cout, or NULL */
	const float *sw, *sb; /* the scale layer after it, or NULL */
};

struct sep {
	int c;
	const float *dw; /* 3 x 3 x c */
	struct conv pw;	 /* 1 x 1, with bias */
};

struct detector {
	struct conv conv0, conv8;
	struct sep sep[5];
};

struct dense {
	struct conv conv0; /* the first block's only */
	struct sep sep[4]; /* sep[0] unused in the first block */
};

struct landmarker {
	struct dense dense[4];
	struct conv fc;
};

struct resblock {
	struct conv conv1, conv2;
};

struct recognizer {
	struct conv down;
	struct resblock res[14];
	const float *fc; /* 256 x 128 */
};

struct cc_facenet {
	struct cc_facemodel *models[3];
	struct detector det;
	struct landmarker lm;
	struct recognizer rec;
};

static void *oom(struct cc_error *err)
{
	cc_error_set(err, CC_SYSTEM, "out of memory");
	return NULL;
}

static int fmap_new(struct fmap *f, int h, int w, int c, struct cc_error *err)
{
	f->h = h;
	f->w = w;
	f->c = c;
	f->d = calloc((size_t)h * w * c, sizeof(float));
	return f->d ? 0 : (oom(err), CC_SYSTEM);
}

static void fmap_free(struct fmap *f)
{
	free(f->d);
	f->d = NULL;
}

/* Output side and padding before, TensorFlow's way. */
static int out_side(int in, int k, int s, int same, int *before)
{
	if (same) {
		int out = (in + s - 1) / s;
		int total = (out - 1) * s + k - in;

		*before = total > 0 ? total / 2 : 0;
		return out;
	}
	*before = 0;
	return in >= k ? (in - k) / s + 1 : 0;
}

/* Weights [K][N] (HWIO flattened) into panels of NR columns. */
static float *pack(const float *w, int K, int N, struct cc_error *err)
{
	int np = (N + NR - 1) / NR;
	float *p = calloc((size_t)np * K * NR, sizeof(float));

	if (!p)
		return oom(err);
	for (int j = 0; j < np; j++)
		for (int k = 0; k < K; k++)
			for (int c = 0; c < NR && j * NR + c < N; c++)
				p[((size_t)j * K + k) * NR + c] =
					w[(size_t)k * N + j * NR + c];
	return p;
}

static float activate(float v, enum act act)
{
	if (act == ACT_RELU)
		return v > 0 ? v : 0;
	if (act == ACT_LEAKY)
		return v < 0 ? v * 0.1f : v;
	return v;
}

/* C[M][N] = act((A[M][K] . B + bias) * sw + sb), B packed. Four-wide
 * vectors, which every x86-64 has (an AVX2 build measured no faster). */
static void gemm(const struct conv *cv, int M, int K, const float *A,
		 size_t lda, float *C, enum act act)
{
	int N = cv->cout, np = (N + NR - 1) / NR;

	for (int j = 0; j < np; j++) {
		const float *b = cv->w + (size_t)j * K * NR;
		int nc = N - j * NR < NR ? N - j * NR : NR;

		for (int i = 0; i < M; i += MR) {
			int mr = M - i < MR ? M - i : MR;
			const float *a[MR];
			v4 acc[MR][2];

			memset(acc, 0, sizeof(acc));
			for (int r = 0; r < MR; r++)
				a[r] = A + (size_t)(i + (r < mr ? r : 0)) * lda;
			for (int k = 0; k < K; k++) {
				v4 b0, b1;

				memcpy(&b0, b + (size_t)k * NR, sizeof(b0));
				memcpy(&b1, b + (size_t)k * NR + 4, sizeof(b1));
				for (int r = 0; r < MR; r++) {
					float x = a[r][k];

					acc[r][0] += x * b0;
					acc[r][1] += x * b1;
				}
			}
			for (int r = 0; r < mr; r++) {
				float out[NR];
				float *c = C + (size_t)(i + r) * N + j * NR;

				memcpy(out, acc[r], sizeof(out));
				for (int q = 0; q < nc; q++) {
					int n = j * NR + q;
					float v = out[q];

					if (cv->bias)
						v += cv->bias[n];
					if (cv->sw)
						v = v * cv->sw[n] + cv->sb[n];
					c[q] = activate(v, act);
				}
			}
		}
	}
}

/* A k x k convolution, stride s, padding "same" or "valid" (or pad 1 on
 * every side when pad1). */
static int conv(const struct conv *cv, const struct fmap *in, int s, int same,
		enum act act, struct fmap *out, struct cc_error *err)
{
	int pt, pl, k = cv->k, K = k * k * in->c;
	int oh = out_side(in->h, k, s, same, &pt);
	int ow = out_side(in->w, k, s, same, &pl);
	float *col = NULL;

	if (fmap_new(out, oh, ow, cv->cout, err))
		return CC_SYSTEM;
	if (k == 1 && s == 1) {
		gemm(cv, oh * ow, K, in->d, (size_t)K, out->d, act);
		return 0;
	}
	col = malloc((size_t)MB * K * sizeof(float));
	if (!col) {
		fmap_free(out);
		return oom(err), CC_SYSTEM;
	}
	for (int p0 = 0; p0 < oh * ow; p0 += MB) {
		int mb = oh * ow - p0 < MB ? oh * ow - p0 : MB;

		for (int p = 0; p < mb; p++) {
			int oy = (p0 + p) / ow, ox = (p0 + p) % ow;
			float *row = col + (size_t)p * K;

			for (int ky = 0; ky < k; ky++) {
				int y = oy * s - pt + ky;

				for (int kx = 0; kx < k; kx++) {
					int x = ox * s - pl + kx;
					float *dst =
						row + (ky * k + kx) * in->c;

					if (y < 0 || y >= in->h || x < 0 ||
					    x >= in->w)
						memset(dst, 0,
						       in->c * sizeof(float));
					else
						memcpy(dst,
						       in->d + ((size_t)y *
									in->w +
								x) * in->c,
						       in->c * sizeof(float));
				}
			}
		}
		gemm(cv, mb, K, col, (size_t)K, out->d + (size_t)p0 * cv->cout,
		     act);
	}
	free(col);
	return 0;
}

/* Depthwise 3 x 3 then pointwise with bias: a separable convolution. pad
 * before is pt = pl; the output side is given. */
static int sepconv(const struct sep *sc, const struct fmap *in, int s, int pad,
		   int oh, int ow, enum act act, struct fmap *out,
		   struct cc_error *err)
{
	struct fmap mid;
	int C = in->c, rc;

	if (fmap_new(&mid, oh, ow, C, err))
		return CC_SYSTEM;
	for (int oy = 0; oy < oh; oy++)
		for (int ox = 0; ox < ow; ox++) {
			float *acc = mid.d + ((size_t)oy * ow + ox) * C;

			for (int ky = 0; ky < 3; ky++) {
				int y = oy * s - pad + ky;

				if (y < 0 || y >= in->h)
					continue;
				for (int kx = 0; kx < 3; kx++) {
					int x = ox * s - pad + kx;
					const float *src, *w;

					if (x < 0 || x >= in->w)
						continue;
					src = in->d +
					      ((size_t)y * in->w + x) * C;
					w = sc->dw + (ky * 3 + kx) * C;
					for (int c = 0; c < C; c++)
						acc[c] += src[c] * w[c];
				}
			}
		}
	rc = conv(&sc->pw, &mid, 1, 0, act, out, err);
	fmap_free(&mid);
	return rc;
}

/* Separable convolution with TensorFlow's "same" padding. */
static int sep_same(const struct sep *sc, const struct fmap *in, int s,
		    enum act act, struct fmap *out, struct cc_error *err)
{
	int pt, oh = out_side(in->h, 3, s, 1, &pt);
	int pl, ow = out_side(in->w, 3, s, 1, &pl);

	return sepconv(sc, in, s, pt, oh, ow, act, out, err);
}

static int maxpool(const struct fmap *in, int k, int s, int same,
		   struct fmap *out, struct cc_error *err)
{
	int pt, pl;
	int oh = out_side(in->h, k, s, same, &pt);
	int ow = out_side(in->w, k, s, same, &pl);

	if (fmap_new(out, oh, ow, in->c, err))
		return CC_SYSTEM;
	for (int oy = 0; oy < oh; oy++)
		for (int ox = 0; ox < ow; ox++) {
			float *o = out->d + ((size_t)oy * ow + ox) * in->c;

			for (int c = 0; c < in->c; c++)
				o[c] = -INFINITY;
			for (int ky = 0; ky < k; ky++)
				for (int kx = 0; kx < k; kx++) {
					int y = oy * s - pt + ky;
					int x = ox * s - pl + kx;
					const float *src;

					if (y < 0 || y >= in->h || x < 0 ||
					    x >= in->w)
						continue;
					src = in->d +
					      ((size_t)y * in->w + x) * in->c;
					for (int c = 0; c < in->c; c++)
						if (src[c] > o[c])
							o[c] = src[c];
				}
		}
	return 0;
}

/* Average pooling, "valid"; channels beyond in->c (up to cout) are 0. */
static int avgpool(const struct fmap *in, int k, int s, int cout,
		   struct fmap *out, struct cc_error *err)
{
	int p, oh = out_side(in->h, k, s, 0, &p),
	       ow = out_side(in->w, k, s, 0, &p);

	if (fmap_new(out, oh, ow, cout, err))
		return CC_SYSTEM;
	for (int oy = 0; oy < oh; oy++)
		for (int ox = 0; ox < ow; ox++) {
			float *o = out->d + ((size_t)oy * ow + ox) * cout;

			for (int ky = 0; ky < k; ky++)
				for (int kx = 0; kx < k; kx++) {
					const float *src =
						in->d +
						((size_t)(oy * s + ky) * in->w +
						 ox * s + kx) *
							in->c;

					for (int c = 0; c < in->c; c++)
						o[c] += src[c];
				}
			for (int c = 0; c < in->c; c++)
				o[c] /= (float)(k * k);
		}
	return 0;
}

/* Take over *next as *cur. */
static void advance(struct fmap *cur, struct fmap *next)
{
	fmap_free(cur);
	*cur = *next;
	next->d = NULL;
}

int cc_facenet_detect(const struct cc_facenet *net, const float *in, int size,
		      float **out, int *grid, struct cc_error *err)
{
	const struct detector *d = &net->det;
	struct fmap x = {size, size, 3, (float *)in}, cur = {0}, nx = {0};
	int rc;

	*out = NULL;
	if (size < 64 || size > 1024 || size % 32)
		return cc_error_set(err, CC_USAGE, "detector size %d", size);
	if ((rc = conv(&d->conv0, &x, 1, 0, ACT_LEAKY, &cur, err)))
		return rc;
	for (int i = 0; i < 5; i++) {
		if ((rc = maxpool(&cur, 2, 2, 1, &nx, err)))
			goto out;
		advance(&cur, &nx);
		if ((rc = sepconv(&d->sep[i], &cur, 1, 1, cur.h, cur.w,
				  ACT_LEAKY, &nx, err)))
			goto out;
		advance(&cur, &nx);
	}
	if ((rc = maxpool(&cur, 2, 1, 1, &nx, err)))
		goto out;
	advance(&cur, &nx);
	if ((rc = conv(&d->conv8, &cur, 1, 0, ACT_NONE, &nx, err)))
		goto out;
	*grid = nx.h;
	*out = nx.d;
out:
	fmap_free(&cur);
	return rc;
}

/* out1 = relu(conv0 x); out2 = sep1 out1; out3 = sep2 relu(out1 + out2);
 * out4 = sep3 relu(out1 + out2 + out3); relu(out1 + ... + out4). */
static int dense_block(const struct dense *b, int first, struct fmap *x,
		       struct cc_error *err)
{
	struct fmap o[4] = {{0}};
	int rc, n;

	rc = first ? conv(&b->conv0, x, 2, 1, ACT_RELU, &o[0], err)
		   : sep_same(&b->sep[0], x, 2, ACT_RELU, &o[0], err);
	if (rc)
		return rc;
	n = o[0].h * o[0].w * o[0].c;
	struct fmap sum = {o[0].h, o[0].w, o[0].c,
			   malloc((size_t)n * sizeof(float))};

	if (!sum.d) {
		rc = (oom(err), CC_SYSTEM);
		goto out;
	}
	memcpy(sum.d, o[0].d, (size_t)n * sizeof(float));
	for (int i = 1; i < 4; i++) {
		if ((rc = sep_same(&b->sep[i], i == 1 ? &o[0] : &sum, 1,
				   ACT_NONE, &o[i], err)))
			goto out;
		/* tf adds the newer outputs first: out1 + (out2 + out3). */
		for (int j = 0; j < n; j++) {
			float t = o[i].d[j];

			for (int q = i - 1; q >= 1; q--)
				t = o[q].d[j] + t;
			t = o[0].d[j] + t;
			sum.d[j] = t > 0 ? t : 0;
		}
	}
	fmap_free(x);
	*x = sum;
	sum.d = NULL;
out:
	fmap_free(&sum);
	for (int i = 0; i < 4; i++)
		fmap_free(&o[i]);
	return rc;
}

int cc_facenet_landmarks(const struct cc_facenet *net, const float *in,
			 float out[136], struct cc_error *err)
{
	const int S = CC_FACENET_LANDMARK_SIZE;
	struct fmap x = {S, S, 3, malloc((size_t)S * S * 3 * sizeof(float))};
	struct fmap pooled = {0}, fc = {0};
	int rc;

	if (!x.d)
		return oom(err), CC_SYSTEM;
	memcpy(x.d, in, (size_t)S * S * 3 * sizeof(float));
	for (int i = 0; i < 4; i++)
		if ((rc = dense_block(&net->lm.dense[i], i == 0, &x, err)))
			goto out;
	if ((rc = avgpool(&x, 7, 2, x.c, &pooled, err)))
		goto out;
	if ((rc = conv(&net->lm.fc, &pooled, 1, 0, ACT_NONE, &fc, err)))
		goto out;
	memcpy(out, fc.d, 136 * sizeof(float));
out:
	fmap_free(&x);
	fmap_free(&pooled);
	fmap_free(&fc);
	return rc;
}

/* relu(conv2(relu(conv1 x)) + x), or for a down block the sum with x
 * average-pooled (2 x 2), zero channels added and the convolution's output
 * given a zero row and column when it came out smaller. */
static int residual(const struct resblock *b, int down, struct fmap *x,
		    struct cc_error *err)
{
	struct fmap a = {0}, o = {0}, p = {0};
	int rc;

	if ((rc = conv(&b->conv1, x, down ? 2 : 1, !down, ACT_RELU, &a, err)))
		return rc;
	if ((rc = conv(&b->conv2, &a, 1, 1, ACT_NONE, &o, err)))
		goto out;
	if (down) {
		if ((rc = avgpool(x, 2, 2, o.c, &p, err)))
			goto out;
	} else {
		p = *x;
		x->d = NULL;
	}
	for (int y = 0; y < p.h; y++)
		for (int xx = 0; xx < p.w; xx++)
			for (int c = 0; c < p.c; c++) {
				float *v =
					p.d + ((size_t)y * p.w + xx) * p.c + c;
				float t = y < o.h && xx < o.w
						  ? o.d[((size_t)y * o.w + xx) *
								o.c +
							c]
						  : 0;

				t = *v + t;
				*v = t > 0 ? t : 0;
			}
	fmap_free(x);
	*x = p;
	p.d = NULL;
out:
	fmap_free(&a);
	fmap_free(&o);
	fmap_free(&p);
	return rc;
}

int cc_facenet_describe(const struct cc_facenet *net, const float *in,
			float out[128], struct cc_error *err)
{
	const int S = CC_FACENET_DESCRIPTOR_SIZE;
	struct fmap x = {S, S, 3, (float *)in}, cur = {0}, nx = {0};
	static const int downs = (1 << 3) | (1 << 7) | (1 << 10) | (1 << 13);
	int rc;

	if ((rc = conv(&net->rec.down, &x, 2, 0, ACT_RELU, &cur, err)))
		return rc;
	if ((rc = maxpool(&cur, 3, 2, 0, &nx, err)))
		goto out;
	advance(&cur, &nx);
	for (int i = 0; i < 14; i++)
		if ((rc = residual(&net->rec.res[i], downs >> i & 1, &cur,
				   err)))
			goto out;
	for (int o = 0; o < 128; o++) {
		double acc = 0;

		for (int c = 0; c < 256; c++) {
			float mean = 0;

			for (int p = 0; p < cur.h * cur.w; p++)
				mean += cur.d[(size_t)p * 256 + c];
			acc += (double)(mean / (float)(cur.h * cur.w)) *
			       net->rec.fc[c * 128 + o];
		}
		out[o] = (float)acc;
	}
out:
	fmap_free(&cur);
	return rc;
}

/* Loading. */

static const float *tensor(const struct cc_facemodel *m, const char *name,
			   int rank, int d0, int d1, int d2, int d3,
			   struct cc_error *err)
{
	int shape[4] = {d0, d1, d2, d3};

	return cc_facemodel_tensor(m, name, rank, shape, err);
}

/* prefix/filters and prefix/bias (conv) or prefix/conv/filters,
 * prefix/conv/bias, prefix/scale/weights and prefix/scale/biases
 * (scaled). */
static int load_conv(struct cc_facemodel *m, const char *prefix, int k, int cin,
		     int cout, int scaled, struct conv *cv,
		     struct cc_error *err)
{
	char name[128];
	const float *w;

	cv->k = k;
	cv->cin = cin;
	cv->cout = cout;
	snprintf(name, sizeof(name), "%s/%sfilters", prefix,
		 scaled ? "conv/" : "");
	if (!(w = tensor(m, name, 4, k, k, cin, cout, err)))
		return CC_SYSTEM;
	snprintf(name, sizeof(name), "%s/%sbias", prefix,
		 scaled ? "conv/" : "");
	if (!(cv->bias = tensor(m, name, 1, cout, 0, 0, 0, err)))
		return CC_SYSTEM;
	if (scaled) {
		snprintf(name, sizeof(name), "%s/scale/weights", prefix);
		if (!(cv->sw = tensor(m, name, 1, cout, 0, 0, 0, err)))
			return CC_SYSTEM;
		snprintf(name, sizeof(name), "%s/scale/biases", prefix);
		if (!(cv->sb = tensor(m, name, 1, cout, 0, 0, 0, err)))
			return CC_SYSTEM;
	}
	cv->w = pack(w, k * k * cin, cout, err);
	/* The packed copy is the one used. */
	snprintf(name, sizeof(name), "%s/%sfilters", prefix,
		 scaled ? "conv/" : "");
	cc_facemodel_drop(m, name);
	return cv->w ? 0 : CC_SYSTEM;
}

static int load_sep(struct cc_facemodel *m, const char *prefix, int cin,
		    int cout, struct sep *sc, struct cc_error *err)
{
	char name[128];
	const float *pw;

	sc->c = cin;
	snprintf(name, sizeof(name), "%s/depthwise_filter", prefix);
	if (!(sc->dw = tensor(m, name, 4, 3, 3, cin, 1, err)))
		return CC_SYSTEM;
	snprintf(name, sizeof(name), "%s/pointwise_filter", prefix);
	if (!(pw = tensor(m, name, 4, 1, 1, cin, cout, err)))
		return CC_SYSTEM;
	snprintf(name, sizeof(name), "%s/bias", prefix);
	if (!(sc->pw.bias = tensor(m, name, 1, cout, 0, 0, 0, err)))
		return CC_SYSTEM;
	sc->pw.k = 1;
	sc->pw.cin = cin;
	sc->pw.cout = cout;
	sc->pw.w = pack(pw, cin, cout, err);
	snprintf(name, sizeof(name), "%s/pointwise_filter", prefix);
	cc_facemodel_drop(m, name);
	return sc->pw.w ? 0 : CC_SYSTEM;
}

static int load_detector(struct cc_facemodel *m, struct detector *d,
			 struct cc_error *err)
{
	char name[32];

	if (load_conv(m, "conv0", 3, 3, 16, 0, &d->conv0, err) ||
	    load_conv(m, "conv8", 1, 512, 25, 0, &d->conv8, err))
		return CC_SYSTEM;
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "conv%d", i + 1);
		if (load_sep(m, name, 16 << i, 32 << i, &d->sep[i], err))
			return CC_SYSTEM;
	}
	return 0;
}

static int load_landmarker(struct cc_facemodel *m, struct landmarker *l,
			   struct cc_error *err)
{
	static const int ch[4] = {32, 64, 128, 256};
	const float *fcw;
	char name[32];

	if (load_conv(m, "dense0/conv0", 3, 3, 32, 0, &l->dense[0].conv0, err))
		return CC_SYSTEM;
	for (int b = 0; b < 4; b++)
		for (int i = b ? 0 : 1; i < 4; i++) {
			snprintf(name, sizeof(name), "dense%d/conv%d", b, i);
			if (load_sep(m, name, i ? ch[b] : ch[b - 1], ch[b],
				     &l->dense[b].sep[i], err))
				return CC_SYSTEM;
		}
	if (!(fcw = tensor(m, "fc/weights", 2, 256, 136, 0, 0, err)) ||
	    !(l->fc.bias = tensor(m, "fc/bias", 1, 136, 0, 0, 0, err)))
		return CC_SYSTEM;
	l->fc.k = 1;
	l->fc.cin = 256;
	l->fc.cout = 136;
	l->fc.w = pack(fcw, 256, 136, err);
	cc_facemodel_drop(m, "fc/weights");
	return l->fc.w ? 0 : CC_SYSTEM;
}

static int load_recognizer(struct cc_facemodel *m, struct recognizer *r,
			   struct cc_error *err)
{
	static const char *const names[15] = {
		"conv32_1",  "conv32_2",	"conv32_3",	"conv64_down",
		"conv64_1",  "conv64_2",	"conv64_3",	"conv128_down",
		"conv128_1", "conv128_2",	"conv256_down", "conv256_1",
		"conv256_2", "conv256_down_out"};
	static const int cin[14] = {32, 32,  32,  32,  64,  64,	 64,
				    64, 128, 128, 128, 256, 256, 256};
	static const int cout[14] = {32,  32,  32,  64,	 64,  64,  64,
				     128, 128, 128, 256, 256, 256, 256};
	char name[64];

	if (load_conv(m, "conv32_down", 7, 3, 32, 1, &r->down, err))
		return CC_SYSTEM;
	for (int i = 0; i < 14; i++) {
		snprintf(name, sizeof(name), "%s/conv1", names[i]);
		if (load_conv(m, name, 3, cin[i], cout[i], 1, &r->res[i].conv1,
			      err))
			return CC_SYSTEM;
		snprintf(name, sizeof(name), "%s/conv2", names[i]);
		if (load_conv(m, name, 3, cout[i], cout[i], 1, &r->res[i].conv2,
			      err))
			return CC_SYSTEM;
	}
	r->fc = tensor(m, "fc", 2, 256, 128, 0, 0, err);
	return r->fc ? 0 : CC_SYSTEM;
}

static void free_conv(struct conv *cv)
{
	free(cv->w);
	cv->w = NULL;
}

void cc_facenet_free(struct cc_facenet *net)
{
	if (!net)
		return;
	free_conv(&net->det.conv0);
	free_conv(&net->det.conv8);
	for (int i = 0; i < 5; i++)
		free_conv(&net->det.sep[i].pw);
	free_conv(&net->lm.dense[0].conv0);
	for (int b = 0; b < 4; b++)
		for (int i = 0; i < 4; i++)
			free_conv(&net->lm.dense[b].sep[i].pw);
	free_conv(&net->lm.fc);
	free_conv(&net->rec.down);
	for (int i = 0; i < 14; i++) {
		free_conv(&net->rec.res[i].conv1);
		free_conv(&net->rec.res[i].conv2);
	}
	for (int i = 0; i < 3; i++)
		cc_facemodel_free(net->models[i]);
	free(net);
}

struct cc_facenet *cc_facenet_load(const char *dir, struct cc_error *err)
{
	static const char *const names[3] = {"tiny_face_detector_model",
					     "face_landmark_68_model",
					     "face_recognition_model"};
	struct cc_facenet *net = calloc(1, sizeof(*net));

	if (!net)
		return oom(err);
	for (int i = 0; i < 3; i++)
		if (!(net->models[i] = cc_facemodel_load(dir, names[i], err)))
			goto fail;
	if (load_detector(net->models[0], &net->det, err) ||
	    load_landmarker(net->models[1], &net->lm, err) ||
	    load_recognizer(net->models[2], &net->rec, err))
		goto fail;
	return net;
fail:
	cc_facenet_free(net);
	return NULL;
}
