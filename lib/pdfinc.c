/*
 * pdfinc.c - incremental updates of a PDF (pdfinc.h): the objects, then a
 * cross-reference table or stream (the form of the revision extended, as
 * PDF 32000 7.5.6 and PAdES require) with /Prev pointing at it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdfinc.h"

void cc_pdf_object_free(struct cc_pdf_object *o)
{
	if (!o)
		return;
	cc_buf_free(&o->dict);
	cc_buf_free(&o->data);
	memset(o, 0, sizeof(*o));
}

void cc_pdf_objects_free(struct cc_pdf_object *objs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cc_pdf_object_free(&objs[i]);
	free(objs);
}

struct cc_pdf_object *cc_pdf_objects_add(struct cc_pdf_object **objs, size_t *n,
					 int num)
{
	struct cc_pdf_object *p;

	if (*n >= 1u << 20)
		return NULL;
	p = realloc(*objs, (*n + 1) * sizeof(*p));
	if (!p)
		return NULL;
	*objs = p;
	p += (*n)++;
	memset(p, 0, sizeof(*p));
	p->num = num;
	return p;
}

static int by_num(const void *a, const void *b)
{
	const struct cc_pdf_object *x = *(struct cc_pdf_object *const *)a;
	const struct cc_pdf_object *y = *(struct cc_pdf_object *const *)b;

	return (x->num > y->num) - (x->num < y->num);
}

static void put_object(struct cc_buf *out, struct cc_pdf_object *o)
{
	o->offset = out->len;
	cc_buf_printf(out, "%d %d obj\n", o->num, o->gen);
	o->body = out->len;
	if (o->is_stream) {
		/* The dictionary's closing ">>" gets /Length in front of it. */
		size_t len = o->dict.len;

		while (len && o->dict.data[len - 1] != '>')
			len--;
		if (len >= 2)
			len -= 2;
		cc_buf_put(out, o->dict.data, len);
		cc_buf_printf(out, " /Length %zu >>\nstream\n", o->data.len);
		cc_buf_put(out, o->data.data, o->data.len);
		cc_buf_puts(out, "\nendstream");
	} else {
		cc_buf_put(out, o->dict.data, o->dict.len);
	}
	cc_buf_puts(out, "\nendobj\n");
}

/* The runs of consecutive numbers in sorted, for /Index or subsections:
 * the run starting at sorted[i] has *count members. */
static size_t run_length(struct cc_pdf_object **sorted, size_t n, size_t i)
{
	size_t k = 1;

	while (i + k < n && sorted[i + k]->num == sorted[i]->num + (int)k)
		k++;
	return k;
}

static void trailer_keys(struct cc_buf *out, const struct cc_pdf_trailer *t)
{
	cc_buf_printf(out, "/Size %d /Root %s", t->size, t->root);
	if (t->info[0])
		cc_buf_printf(out, " /Info %s", t->info);
	if (t->id[0])
		cc_buf_printf(out, " /ID %s", t->id);
	cc_buf_printf(out, " /Prev %llu", t->prev);
}

static void xref_table(struct cc_buf *out, struct cc_pdf_object **sorted,
		       size_t n, const struct cc_pdf_trailer *t)
{
	size_t start = out->len;

	cc_buf_puts(out, "xref\n");
	for (size_t i = 0; i < n;) {
		size_t k = run_length(sorted, n, i);

		cc_buf_printf(out, "%d %zu\n", sorted[i]->num, k);
		for (size_t j = i; j < i + k; j++)
			cc_buf_printf(out, "%010zu %05d n\r\n",
				      sorted[j]->offset, sorted[j]->gen);
		i += k;
	}
	cc_buf_puts(out, "trailer\n<< ");
	trailer_keys(out, t);
	cc_buf_printf(out, " >>\nstartxref\n%zu\n%%%%EOF\n", start);
}

static void be(struct cc_buf *b, unsigned long long v, int bytes)
{
	unsigned char x[8];

	for (int i = 0; i < bytes; i++)
		x[i] = (unsigned char)(v >> (8 * (bytes - 1 - i)));
	cc_buf_put(b, x, (size_t)bytes);
}

static void xref_stream(struct cc_buf *out, struct cc_pdf_object **sorted,
			size_t n, const struct cc_pdf_object *xref,
			const struct cc_pdf_trailer *t)
{
	struct cc_buf rows = {0};
	size_t start = out->len;

	/* sorted includes the stream itself, whose offset is start. */
	for (size_t i = 0; i < n; i++) {
		size_t off = sorted[i] == xref ? start : sorted[i]->offset;

		be(&rows, 1, 1);
		be(&rows, off, 5);
		be(&rows, (unsigned)sorted[i]->gen, 2);
	}
	cc_buf_printf(out, "%d 0 obj\n<< /Type /XRef /W [1 5 2] /Index [",
		      t->xref_num);
	for (size_t i = 0; i < n;) {
		size_t k = run_length(sorted, n, i);

		cc_buf_printf(out, "%s%d %zu", i ? " " : "", sorted[i]->num, k);
		i += k;
	}
	cc_buf_puts(out, "] ");
	trailer_keys(out, t);
	cc_buf_printf(out, " /Length %zu >>\nstream\n", rows.len);
	cc_buf_put(out, rows.data, rows.len);
	if (rows.failed)
		out->failed = 1;
	cc_buf_free(&rows);
	cc_buf_printf(out, "\nendstream\nendobj\nstartxref\n%zu\n%%%%EOF\n",
		      start);
}

int cc_pdf_write_update(struct cc_buf *out, struct cc_pdf_object *objs,
			size_t n, const struct cc_pdf_trailer *t,
			struct cc_error *err)
{
	struct cc_pdf_object **sorted = NULL, xref = {0};
	size_t m = n;
	int rc = CC_OK;

	sorted = calloc(n + 1, sizeof(*sorted));
	if (!sorted)
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	/* A file that does not end in an end-of-line gets one, so that the
	 * first object starts a line. */
	if (out->len && out->data[out->len - 1] != '\n' &&
	    out->data[out->len - 1] != '\r')
		cc_buf_puts(out, "\n");
	for (size_t i = 0; i < n; i++) {
		put_object(out, &objs[i]);
		sorted[i] = &objs[i];
	}
	if (t->xref_stream) {
		xref.num = t->xref_num;
		sorted[m++] = &xref;
	}
	qsort(sorted, m, sizeof(*sorted), by_num);
	for (size_t i = 1; i < m; i++)
		if (sorted[i]->num == sorted[i - 1]->num ||
		    sorted[i]->num <= 0) {
			rc = cc_error_set(
				err, CC_SYSTEM,
				"object %d written twice in an update",
				sorted[i]->num);
			goto out;
		}
	if (t->xref_stream)
		xref_stream(out, sorted, m, &xref, t);
	else
		xref_table(out, sorted, m, t);
	if (out->failed)
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
out:
	free(sorted);
	return rc;
}
