/*
 * stamp.c - the office's seal on a certified copy (stamp.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <qrencode.h>

#include "certpage.h"
#include "font.h"
#include "output.h"
#include "pdf.h"
#include "pdfinc.h"
#include "seal.h"
#include "stamp.h"

int cc_stamp_read(const unsigned char *data, size_t len, const char *name,
		  struct cc_stamp_facts *f, struct cc_error *err)
{
	struct cc_pdf *pdf = cc_pdf_open(data, len, name, err);
	long long pages = 0;
	int field, page, rc;

	if (!pdf)
		return err->code;
	memset(f, 0, sizeof(*f));
	rc = cc_pdf_find_sig_field(pdf, CC_SEAL_FIELD, &field, &page, err);
	if (rc == CC_NO)
		rc = cc_error_set(
			err, CC_INPUT,
			"'%s' has no place for the seal: sign it with "
			"cc-sign --statement first",
			name);
	else if (rc == CC_USAGE && strstr(err->msg, "signed already"))
		rc = cc_error_set(err, CC_INPUT, "'%s' is sealed already",
				  name);
	if (rc)
		goto out;
	if (cc_pdf_field_int(pdf, field, "/CcNumber", &f->number) ||
	    f->number <= 0 ||
	    cc_pdf_field_text(pdf, field, "/CcBook", f->book,
			      sizeof(f->book)) ||
	    cc_pdf_field_int(pdf, field, "/CcPages", &pages) || pages <= 0 ||
	    pages > 100000 ||
	    cc_pdf_field_text(pdf, field, "/CcCertifier", f->certifier,
			      sizeof(f->certifier))) {
		rc = cc_error_set(err, CC_INPUT,
				  "the seal field of '%s' lacks the "
				  "certification number, book, pages or "
				  "certifier",
				  name);
		goto out;
	}
	f->pages = (int)pages;
	if (cc_pdf_signature_count(pdf) < 1)
		rc = cc_error_set(err, CC_INPUT,
				  "'%s' is not signed by the certifier", name);
out:
	cc_pdf_close(pdf);
	return rc;
}

int cc_stamp_prepare(void *ctx, struct cc_pdf *pdf, struct cc_pdf_object **objs,
		     size_t *nobjs, struct cc_pades_widget *w,
		     struct cc_error *err)
{
	const struct cc_stamp_look *look = ctx;
	struct cc_seal seal = {look->office, look->short_name, look->code,
			       look->url, look->date};
	struct cc_pdf_object *x;
	struct cc_font *f = NULL;
	double r[4], wd, ht;
	int field, page, nums[CC_FONT_NOBJ], xobj, rc;

	if ((rc = cc_pdf_find_sig_field(pdf, CC_SEAL_FIELD, &field, &page,
					err)))
		return rc == CC_NO ? CC_INPUT : rc;
	if (cc_pdf_field_rect(pdf, field, r, &page))
		return cc_error_set(err, CC_INPUT,
				    "the seal field has no rectangle");
	wd = r[2] - r[0];
	ht = r[3] - r[1];
	if (wd < 0)
		wd = -wd;
	if (ht < 0)
		ht = -ht;
	f = cc_font_open(look->font, err);
	if (!f)
		return err->code;
	for (int i = 0; i < CC_FONT_NOBJ; i++)
		if ((nums[i] = cc_pdf_reserve(pdf, err)) < 0) {
			rc = -nums[i];
			goto out;
		}
	if ((xobj = cc_pdf_reserve(pdf, err)) < 0) {
		rc = -xobj;
		goto out;
	}
	x = cc_pdf_objects_add(objs, nobjs, xobj);
	if (!x) {
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	x->is_stream = 1;
	cc_buf_printf(&x->dict,
		      "<< /Type /XObject /Subtype /Form /BBox [0 0 %.2f %.2f] "
		      "/Resources << /Font << /F1 %d 0 R >> >> >>",
		      wd, ht, nums[CC_FONT_TYPE0]);
	if ((rc = cc_seal_draw(&seal, f, wd, ht, &x->data, err)))
		goto out;
	if ((rc = cc_font_add_objects(f, nums, objs, nobjs, err)))
		goto out;
	w->ap = xobj;
	rc = 0;
out:
	cc_font_close(f);
	return rc;
}

int cc_stamp_qr_png(const char *text, const char *path, int scale,
		    struct cc_error *err)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	struct cc_output *out = NULL;
	png_image img;
	unsigned char *px = NULL;
	int side, quiet = 4, rc = CC_SYSTEM;
	FILE *fp;

	if (!qr)
		return cc_error_set(err, CC_USAGE,
				    "cannot make a QR code of '%s': %s", text,
				    strerror(errno));
	if (scale < 1 || scale > 64) {
		rc = cc_error_set(err, CC_USAGE, "QR scale %d out of range",
				  scale);
		goto out;
	}
	side = (qr->width + 2 * quiet) * scale;
	px = malloc((size_t)side * (size_t)side);
	if (!px) {
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	memset(px, 255, (size_t)side * (size_t)side);
	for (int y = 0; y < qr->width; y++)
		for (int x = 0; x < qr->width; x++)
			if (qr->data[y * qr->width + x] & 1)
				for (int dy = 0; dy < scale; dy++)
					memset(px +
						       (size_t)((y + quiet) *
									scale +
								dy) *
							       (size_t)side +
						       (size_t)((x + quiet) *
								scale),
					       0, (size_t)scale);
	out = cc_output_open(path, 0666, err);
	if (!out || !(fp = cc_output_stream(out, err))) {
		rc = err->code;
		goto out;
	}
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	img.width = (png_uint_32)side;
	img.height = (png_uint_32)side;
	img.format = PNG_FORMAT_GRAY;
	if (!png_image_write_to_stdio(&img, fp, 0, px, side, NULL)) {
		rc = cc_error_set(err, CC_SYSTEM, "cannot write '%s': %s", path,
				  img.message);
		png_image_free(&img);
		goto out;
	}
	rc = cc_output_commit(out, err);
	out = NULL;
out:
	cc_output_abort(out);
	free(px);
	QRcode_free(qr);
	return rc;
}
