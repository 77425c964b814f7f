/*
 * pdfxref.c - object numbers listed by cross-reference sections
 * (pdfxref.h). Tables are read from the bytes; streams through qpdf, which
 * decodes their filters and predictors.
 */
#include "pdfxref.h"

#include <stdlib.h>
#include <string.h>

#define MAX_ENTRIES 1000000

struct set {
	int *v;
	size_t n, cap;
};

static int add(struct set *s, long long num)
{
	if (num < 0 || num > 0x7fffffff || s->n >= MAX_ENTRIES)
		return -1;
	if (s->n == s->cap) {
		size_t c = s->cap ? 2 * s->cap : 256;
		int *p = realloc(s->v, c * sizeof(*p));

		if (!p)
			return -1;
		s->v = p;
		s->cap = c;
	}
	s->v[s->n++] = (int)num;
	return 0;
}

static int is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
	       c == '\0';
}

static size_t skip_ws(const unsigned char *d, size_t len, size_t i)
{
	while (i < len && is_ws(d[i]))
		i++;
	return i;
}

static int num(const unsigned char *d, size_t len, size_t *i,
	       unsigned long long *v)
{
	size_t k = *i;

	*v = 0;
	if (k >= len || d[k] < '0' || d[k] > '9')
		return -1;
	while (k < len && d[k] >= '0' && d[k] <= '9') {
		if (*v > 10000000000ULL)
			return -1;
		*v = *v * 10 + (unsigned long long)(d[k] - '0');
		k++;
	}
	*i = k;
	return 0;
}

static int stream_section(qpdf_data q, const unsigned char *d, size_t len,
			  size_t i, struct set *s);

/* The offset of pat in d[from, len), or len. */
static size_t find(const unsigned char *d, size_t len, size_t from,
		   const char *pat)
{
	size_t n = strlen(pat);

	for (size_t i = from; i + n <= len; i++)
		if (d[i] == (unsigned char)pat[0] && !memcmp(d + i, pat, n))
			return i;
	return len;
}

/* "xref" subsections "trailer": every number, and a hybrid's stream. */
static int table_section(qpdf_data q, const unsigned char *d, size_t len,
			 size_t i, struct set *s)
{
	i += 4; /* "xref" */
	for (;;) {
		unsigned long long start, count, off, gen;

		i = skip_ws(d, len, i);
		if (len - i >= 7 && !memcmp(d + i, "trailer", 7))
			break;
		if (num(d, len, &i, &start) || i >= len || !is_ws(d[i]))
			return -1;
		i = skip_ws(d, len, i);
		if (num(d, len, &i, &count) || count > MAX_ENTRIES)
			return -1;
		for (unsigned long long k = 0; k < count; k++) {
			i = skip_ws(d, len, i);
			if (num(d, len, &i, &off))
				return -1;
			i = skip_ws(d, len, i);
			if (num(d, len, &i, &gen))
				return -1;
			i = skip_ws(d, len, i);
			if (i >= len || (d[i] != 'n' && d[i] != 'f'))
				return -1;
			i++;
			if (add(s, (long long)(start + k)))
				return -1;
		}
	}
	/* A hybrid file's /XRefStm, in the trailer dictionary (before its
	 * startxref). */
	{
		size_t end = find(d, len, i, "startxref");
		size_t x = find(d, end, i, "/XRefStm");

		if (x < end) {
			size_t k = skip_ws(d, len, x + 8);
			unsigned long long at;

			if (num(d, len, &k, &at) || at >= len)
				return -1;
			return stream_section(q, d, len, (size_t)at, s);
		}
	}
	return 0;
}

static int int_item(qpdf_data q, qpdf_oh a, int i, long long *v)
{
	qpdf_oh o = qpdf_oh_get_array_item(q, a, i);

	if (!qpdf_oh_is_integer(q, o))
		return -1;
	*v = qpdf_oh_get_int_value(q, o);
	return 0;
}

/* "N G obj" of a cross-reference stream: its /Index, its entries there. */
static int stream_section(qpdf_data q, const unsigned char *d, size_t len,
			  size_t i, struct set *s)
{
	unsigned long long n, g;
	qpdf_oh x, dict, w, index;
	unsigned char *data = NULL;
	size_t dlen = 0, width = 0, pos = 0;
	long long ws[3], size;
	int rc = -1, nidx;

	i = skip_ws(d, len, i);
	if (num(d, len, &i, &n) || n > 0x7fffffff)
		return -1;
	i = skip_ws(d, len, i);
	if (num(d, len, &i, &g) || g > 65535)
		return -1;
	x = qpdf_get_object_by_id(q, (int)n, (int)g);
	if (!qpdf_oh_is_stream(q, x))
		return -1;
	dict = qpdf_oh_get_dict(q, x);
	if (!qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, dict, "/Type"),
					"/XRef"))
		return -1;
	w = qpdf_oh_get_key(q, dict, "/W");
	if (!qpdf_oh_is_array(q, w) || qpdf_oh_get_array_n_items(q, w) != 3)
		return -1;
	for (int k = 0; k < 3; k++) {
		if (int_item(q, w, k, &ws[k]) || ws[k] < 0 || ws[k] > 8)
			return -1;
		width += (size_t)ws[k];
	}
	if (!width || !qpdf_oh_is_integer(q, qpdf_oh_get_key(q, dict, "/Size")))
		return -1;
	size = qpdf_oh_get_int_value(q, qpdf_oh_get_key(q, dict, "/Size"));
	index = qpdf_oh_get_key(q, dict, "/Index");
	nidx = qpdf_oh_is_array(q, index) ? qpdf_oh_get_array_n_items(q, index)
					  : 0;
	if ((qpdf_oh_is_array(q, index) && (nidx == 0 || nidx % 2)) ||
	    (!qpdf_oh_is_array(q, index) && !qpdf_oh_is_null(q, index)))
		return -1;
	if (qpdf_oh_get_stream_data(q, x, qpdf_dl_generalized, NULL, &data,
				    &dlen) ||
	    !data)
		goto out;
	for (int k = 0; k < (nidx ? nidx : 2); k += 2) {
		long long first = 0, count = size;

		if (nidx && (int_item(q, index, k, &first) ||
			     int_item(q, index, k + 1, &count)))
			goto out;
		if (first < 0 || count < 0 || count > MAX_ENTRIES)
			goto out;
		for (long long e = 0; e < count; e++) {
			if (dlen - pos < width)
				goto out; /* fewer entries than it says */
			pos += width;
			if (add(s, first + e))
				goto out;
		}
	}
	rc = 0;
out:
	free(data);
	return rc;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int cc_pdf_xref_objects(qpdf_data q, const unsigned char *data, size_t len,
			const unsigned long long *at, size_t n, int **out,
			size_t *nout)
{
	struct set s = {0};
	size_t k = 0;

	*out = NULL;
	*nout = 0;
	if (!data)
		return -1;
	for (size_t j = 0; j < n; j++) {
		size_t i;
		int rc;

		if (at[j] >= len)
			goto fail;
		i = skip_ws(data, len, (size_t)at[j]);
		if (len - i >= 4 && !memcmp(data + i, "xref", 4))
			rc = table_section(q, data, len, i, &s);
		else
			rc = stream_section(q, data, len, i, &s);
		if (rc)
			goto fail;
	}
	if (s.n) {
		qsort(s.v, s.n, sizeof(*s.v), cmp_int);
		for (size_t j = 0; j < s.n; j++)
			if (!k || s.v[k - 1] != s.v[j])
				s.v[k++] = s.v[j];
	}
	*out = s.v;
	*nout = k;
	return 0;
fail:
	free(s.v);
	return -1;
}
