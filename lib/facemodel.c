/*
 * facemodel.c - tfjs weight manifests and their .bin files (facemodel.h).
 * Owns the dequantised float tensors of one model.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "facemodel.h"

struct tensor {
	char *name;
	int rank;
	int shape[4];
	size_t count;
	float *data;
};

struct cc_facemodel {
	struct tensor *t;
	size_t n;
};

void cc_facemodel_free(struct cc_facemodel *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		free(m->t[i].name);
		free(m->t[i].data);
	}
	free(m->t);
	free(m);
}

void cc_facemodel_drop(struct cc_facemodel *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->t[i].name, name) == 0) {
			free(m->t[i].data);
			m->t[i].data = NULL;
			m->t[i].rank = -1; /* matches no shape asked for */
		}
}

size_t cc_facemodel_count(const struct cc_facemodel *m)
{
	return m ? m->n : 0;
}

/* Shape of w into t (rank 0 to 4, each side 1 to 65536), or -1. */
static int read_shape(json_t *w, struct tensor *t)
{
	json_t *shape = json_object_get(w, "shape");
	size_t i;
	json_t *v;

	if (!json_is_array(shape) || json_array_size(shape) > 4)
		return -1;
	t->rank = (int)json_array_size(shape);
	t->count = 1;
	json_array_foreach(shape, i, v)
	{
		json_int_t d = json_is_integer(v) ? json_integer_value(v) : 0;

		if (d < 1 || d > 65536)
			return -1;
		t->shape[i] = (int)d;
		t->count *= (size_t)d;
	}
	return t->count <= CC_FACEMODEL_MAX_BYTES / 4 ? 0 : -1;
}

/* Decode one tensor's bytes from bin at *off; advances *off. */
static int read_values(json_t *w, struct tensor *t, const unsigned char *bin,
		       size_t blen, size_t *off)
{
	const char *dtype = json_string_value(json_object_get(w, "dtype"));
	json_t *q = json_object_get(w, "quantization");
	size_t width = 4;
	double scale = 0, min = 0;

	if (!dtype || strcmp(dtype, "float32") != 0)
		return -1;
	if (q) {
		const char *qd = json_string_value(json_object_get(q, "dtype"));
		json_t *js = json_object_get(q, "scale");
		json_t *jm = json_object_get(q, "min");

		if (!qd || !json_is_number(js) || !json_is_number(jm))
			return -1;
		if (strcmp(qd, "uint8") == 0)
			width = 1;
		else if (strcmp(qd, "uint16") == 0)
			width = 2;
		else
			return -1;
		scale = json_number_value(js);
		min = json_number_value(jm);
	}
	if (*off > blen || (blen - *off) / width < t->count)
		return -1;
	t->data = malloc(t->count * sizeof(float));
	if (!t->data)
		return -2;
	const unsigned char *p = bin + *off;

	for (size_t i = 0; i < t->count; i++) {
		if (width == 1) {
			t->data[i] = (float)(p[i] * scale + min);
		} else if (width == 2) {
			unsigned v = p[2 * i] | (unsigned)p[2 * i + 1] << 8;

			t->data[i] = (float)(v * scale + min);
		} else {
			uint32_t v = p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
				     (uint32_t)p[4 * i + 2] << 16 |
				     (uint32_t)p[4 * i + 3] << 24;
			float f;

			memcpy(&f, &v, sizeof(f));
			t->data[i] = f;
		}
	}
	*off += t->count * width;
	return 0;
}

static json_t *weights_of(json_t *root, size_t *total)
{
	json_t *all = json_array(), *group;
	size_t i;

	*total = 0;
	if (!all || !json_is_array(root) || json_array_size(root) == 0) {
		json_decref(all);
		return NULL;
	}
	json_array_foreach(root, i, group)
	{
		json_t *ws = json_object_get(group, "weights");

		if (!json_is_array(ws) ||
		    !json_is_array(json_object_get(group, "paths")) ||
		    json_array_extend(all, ws) != 0) {
			json_decref(all);
			return NULL;
		}
	}
	*total = json_array_size(all);
	return all;
}

struct cc_facemodel *cc_facemodel_parse(const char *manifest, size_t mlen,
					const unsigned char *bin, size_t blen,
					const char *what, struct cc_error *err)
{
	json_error_t jerr;
	json_t *root =
		json_loadb(manifest, mlen, JSON_REJECT_DUPLICATES, &jerr);
	struct cc_facemodel *m = NULL;
	json_t *all = NULL, *w;
	size_t n, i, off = 0;

	if (!root) {
		cc_error_set(err, CC_INPUT, "'%s': bad weight manifest: %s",
			     what, jerr.text);
		return NULL;
	}
	all = weights_of(root, &n);
	if (!all || n == 0 || n > CC_FACEMODEL_MAX_TENSORS) {
		cc_error_set(err, CC_INPUT,
			     "'%s': bad weight manifest: no list of weights",
			     what);
		goto fail;
	}
	m = calloc(1, sizeof(*m));
	if (!m || !(m->t = calloc(n, sizeof(*m->t)))) {
		cc_error_set(err, CC_SYSTEM, "out of memory");
		goto fail;
	}
	json_array_foreach(all, i, w)
	{
		struct tensor *t = &m->t[i];
		const char *name =
			json_string_value(json_object_get(w, "name"));
		int rc;

		m->n = i + 1;
		if (!name || read_shape(w, t) != 0) {
			cc_error_set(err, CC_INPUT,
				     "'%s': weight %zu: bad name or shape",
				     what, i);
			goto fail;
		}
		if (!(t->name = strdup(name))) {
			cc_error_set(err, CC_SYSTEM, "out of memory");
			goto fail;
		}
		rc = read_values(w, t, bin, blen, &off);
		if (rc == -2) {
			cc_error_set(err, CC_SYSTEM, "out of memory");
			goto fail;
		}
		if (rc != 0) {
			cc_error_set(err, CC_INPUT,
				     "'%s': weight '%s': bad type or data "
				     "past the end of the weights",
				     what, name);
			goto fail;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(m->t[j].name, name) == 0) {
				cc_error_set(err, CC_INPUT,
					     "'%s': weight '%s' given twice",
					     what, name);
				goto fail;
			}
	}
	if (off != blen) {
		cc_error_set(err, CC_INPUT,
			     "'%s': %zu bytes of weights, the manifest "
			     "describes %zu",
			     what, blen, off);
		goto fail;
	}
	json_decref(all);
	json_decref(root);
	return m;
fail:
	cc_facemodel_free(m);
	json_decref(all);
	json_decref(root);
	return NULL;
}

/* All of path, at most CC_FACEMODEL_MAX_BYTES, appended to *buf. */
static int slurp(const char *path, unsigned char **buf, size_t *len,
		 struct cc_error *err)
{
	FILE *fp = fopen(path, "rb");
	struct stat st;
	unsigned char *nb;

	if (!fp)
		return cc_error_set(err, CC_SYSTEM,
				    "cannot open '%s': %s (run 'make models')",
				    path, strerror(errno));
	if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > (off_t)CC_FACEMODEL_MAX_BYTES) {
		fclose(fp);
		return cc_error_set(err, CC_SYSTEM,
				    "'%s' is not a model file (run 'make "
				    "models')",
				    path);
	}
	nb = realloc(*buf, *len + (size_t)st.st_size + 1);
	if (!nb) {
		fclose(fp);
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	}
	*buf = nb;
	if (fread(nb + *len, 1, (size_t)st.st_size, fp) != (size_t)st.st_size) {
		fclose(fp);
		return cc_error_set(err, CC_SYSTEM, "cannot read '%s'", path);
	}
	fclose(fp);
	*len += (size_t)st.st_size;
	return 0;
}

/* The .bin files named by the manifest's paths, plain names in dir. */
static int read_bins(const char *dir, const char *manifest, size_t mlen,
		     unsigned char **bin, size_t *blen, struct cc_error *err)
{
	json_t *root = json_loadb(manifest, mlen, 0, NULL), *group, *p;
	size_t i, j;
	int rc = 0;

	if (!json_is_array(root)) {
		json_decref(root);
		return -1; /* the parser says why */
	}
	json_array_foreach(root, i, group)
	{
		json_t *paths = json_object_get(group, "paths");

		json_array_foreach(paths, j, p)
		{
			const char *name = json_string_value(p);
			char path[4096];
			int len;

			if (!name || !*name || strchr(name, '/') ||
			    strcmp(name, "..") == 0) {
				rc = cc_error_set(err, CC_SYSTEM,
						  "'%s': bad weight file name "
						  "in the manifest",
						  dir);
				goto out;
			}
			len = snprintf(path, sizeof(path), "%s/%s", dir, name);
			if (len < 0 || (size_t)len >= sizeof(path)) {
				rc = cc_error_set(err, CC_SYSTEM,
						  "'%s': path too long", dir);
				goto out;
			}
			if ((rc = slurp(path, bin, blen, err)))
				goto out;
		}
	}
out:
	json_decref(root);
	return rc;
}

struct cc_facemodel *cc_facemodel_load(const char *dir, const char *name,
				       struct cc_error *err)
{
	char path[4096];
	unsigned char *manifest = NULL, *bin = NULL;
	size_t mlen = 0, blen = 0;
	struct cc_facemodel *m = NULL;
	int len = snprintf(path, sizeof(path), "%s/%s-weights_manifest.json",
			   dir, name);

	if (len < 0 || (size_t)len >= sizeof(path)) {
		cc_error_set(err, CC_SYSTEM, "'%s': path too long", dir);
		return NULL;
	}
	if (slurp(path, &manifest, &mlen, err))
		goto out;
	if (read_bins(dir, (const char *)manifest, mlen, &bin, &blen, err) > 0)
		goto out;
	m = cc_facemodel_parse((const char *)manifest, mlen, bin, blen, path,
			       err);
	if (!m) {
		err->code = CC_SYSTEM;
		cc_error_prefix(err, "corrupt model (run 'make models')");
	}
out:
	free(manifest);
	free(bin);
	return m;
}

const float *cc_facemodel_tensor(const struct cc_facemodel *m, const char *name,
				 int rank, const int *shape,
				 struct cc_error *err)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct tensor *t = &m->t[i];

		if (strcmp(t->name, name) != 0)
			continue;
		int ok = t->rank == rank;

		for (int d = 0; ok && d < rank; d++)
			ok = t->shape[d] == shape[d];
		if (ok)
			return t->data;
		cc_error_set(err, CC_SYSTEM,
			     "model weight '%s' has the wrong shape (run "
			     "'make models')",
			     name);
		return NULL;
	}
	cc_error_set(err, CC_SYSTEM,
		     "model weight '%s' is missing (run 'make models')", name);
	return NULL;
}
