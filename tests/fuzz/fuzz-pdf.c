/*
 * fuzz-pdf - arbitrary bytes as a PDF to sign: cc_pdf_open, then the edits
 * of a signature (a new field and widget, DocMDP, an overlay on page 1)
 * and the incremental update written after the bytes. Whatever the input,
 * the outcome is a clean error (CC_INPUT, or CC_USAGE/CC_NO for a field)
 * or an update whose cross-reference section points at its objects.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf.h"
#include "pdfinc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_update(const struct cc_buf *out, size_t base,
			 const struct cc_pdf_object *objs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char head[32];
		int len = snprintf(head, sizeof(head), "%d %d obj\n",
				   objs[i].num, objs[i].gen);

		if (objs[i].offset < base || objs[i].offset + (size_t)len > out->len ||
		    memcmp(out->data + objs[i].offset, head, (size_t)len))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cc_error err = {0, ""};
	struct cc_pdf *p = cc_pdf_open(data, size, "fuzz.pdf", &err);
	struct cc_pdf_object *objs = NULL;
	struct cc_pdf_trailer t;
	struct cc_buf out = {0};
	size_t n = 0;
	int field, page, sig, widget, xobj, rc;
	double w, h;

	if (!p) {
		if (err.code != CC_INPUT && err.code != CC_SYSTEM)
			abort();
		return 0;
	}
	if (cc_pdf_page_count(p) <= 0)
		abort();
	rc = cc_pdf_find_sig_field(p, "Signature1", &field, &page, &err);
	if (rc != CC_OK && rc != CC_NO && rc != CC_USAGE)
		abort();
	if (cc_pdf_page_size(p, 0, &w, &h, &err) == CC_OK && (w < 1 || h < 1))
		abort();
	sig = cc_pdf_reserve(p, &err);
	widget = cc_pdf_reserve(p, &err);
	xobj = cc_pdf_reserve(p, &err);
	if (sig <= 0 || widget <= 0 || xobj <= 0)
		goto out;
	if (cc_pdf_page_add_annot(p, 0, widget, &err) ||
	    cc_pdf_add_field(p, widget, &err) || cc_pdf_set_docmdp(p, sig, &err) ||
	    cc_pdf_page_overlay(p, 0, xobj, &err))
		goto out;
	for (int i = 0; i < 3; i++) {
		struct cc_pdf_object *o =
			cc_pdf_objects_add(&objs, &n, i == 0 ? sig : i == 1 ? widget : xobj);

		if (!o)
			goto out;
		cc_buf_puts(&o->dict, "<< >>");
	}
	if (cc_pdf_update(p, &objs, &n, &t, &err))
		goto out;
	cc_buf_put(&out, data, size);
	if (cc_pdf_write_update(&out, objs, n, &t, &err) == CC_OK)
		check_update(&out, size, objs, n);
out:
	cc_buf_free(&out);
	cc_pdf_objects_free(objs, n);
	cc_pdf_close(p);
	return 0;
}
