/*
 * certpage.c - the certification page, the signature's appearance on it
 * and the watermark, added in the certifier's update (certpage.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certpage.h"
#include "date.h"
#include "font.h"
#include "pdf.h"
#include "pdfinc.h"
#include "statement.h"

#define MAX_SIZES 16 /* distinct page sizes that get a watermark object */

struct cc_certpage {
	struct cc_statement st;
	char number[64], book[128], certifier[256], title[256], office[512],
		watermark[128], font[1024];
	int visible;
};

static void copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

struct cc_certpage *cc_certpage_new(const struct cc_certpage_opts *o,
				    const struct cc_config *cfg,
				    struct cc_error *err)
{
	struct cc_certpage *c = calloc(1, sizeof(*c));
	struct cc_date d;
	struct cc_font *f;

	if (!c) {
		cc_error_set(err, CC_SYSTEM, "out of memory");
		return NULL;
	}
	if (o->date) {
		if (strlen(o->date) != 10 ||
		    sscanf(o->date, "%4d-%2d-%2d", &d.year, &d.month, &d.day) !=
			    3 ||
		    !cc_date_valid(&d)) {
			cc_error_set(err, CC_USAGE,
				     "--date: '%s' is not a date YYYY-MM-DD",
				     o->date);
			goto fail;
		}
	} else {
		cc_date_today(&d);
	}
	/* No number yet: one comes from the register (cc_certpage_dup). */
	if (o->number &&
	    (!*o->number || strlen(o->number) > 12 ||
	     strspn(o->number, "0123456789") != strlen(o->number) ||
	     o->number[0] == '0')) {
		cc_error_set(err, CC_USAGE,
			     "--number: '%s' is not a certification number "
			     "(1 to 12 digits)",
			     o->number ? o->number : "");
		goto fail;
	}
	copy(c->number, sizeof(c->number), o->number ? o->number : "1");
	if (o->book)
		copy(c->book, sizeof(c->book), o->book);
	else
		snprintf(c->book, sizeof(c->book), "01/%04d-%s", d.year,
			 cc_config_get(cfg, "office", "book_prefix"));
	copy(c->certifier, sizeof(c->certifier), o->certifier);
	copy(c->title, sizeof(c->title), o->title);
	copy(c->office, sizeof(c->office),
	     cc_config_get(cfg, "office", "name"));
	copy(c->watermark, sizeof(c->watermark),
	     o->watermark ? o->watermark
			  : cc_config_get(cfg, "office", "short_name"));
	copy(c->font, sizeof(c->font), o->font ? o->font : CC_FONT_DEFAULT);
	c->visible = o->visible;
	c->st.number = c->number;
	c->st.book = c->book;
	c->st.year = d.year;
	c->st.month = d.month;
	c->st.day = d.day;
	c->st.certifier = c->certifier;
	c->st.title = c->title[0] ? c->title : NULL;
	c->st.office = c->office;
	/* The font now, so that a missing one stops a batch before it
	 * starts; the statement's fields are checked the same way. */
	f = cc_font_open(c->font, err);
	if (!f)
		goto fail;
	{
		struct cc_buf b = {0};
		int rc;

		c->st.pages = 1;
		rc = cc_statement_text(&c->st, f, &b, err);
		cc_buf_free(&b);
		cc_font_close(f);
		if (rc) {
			err->code = CC_USAGE;
			goto fail;
		}
	}
	return c;
fail:
	free(c);
	return NULL;
}

struct cc_certpage *cc_certpage_dup(const struct cc_certpage *c,
				    long long number, const char *book,
				    struct cc_error *err)
{
	struct cc_certpage *d = malloc(sizeof(*d));

	if (!d) {
		cc_error_set(err, CC_SYSTEM, "out of memory");
		return NULL;
	}
	*d = *c;
	snprintf(d->number, sizeof(d->number), "%lld", number);
	snprintf(d->book, sizeof(d->book), "%s", book);
	/* The statement points into the copy, not the original. */
	d->st.number = d->number;
	d->st.book = d->book;
	d->st.certifier = d->certifier;
	d->st.title = d->title[0] ? d->title : NULL;
	d->st.office = d->office;
	return d;
}

int cc_certpage_year(const struct cc_certpage *c)
{
	return c->st.year;
}

void cc_certpage_free(struct cc_certpage *c)
{
	free(c);
}

/* A new object, reserved, appended to objs. */
static struct cc_pdf_object *new_obj(struct cc_pdf *pdf,
				     struct cc_pdf_object **objs, size_t *n,
				     struct cc_error *err)
{
	int num = cc_pdf_reserve(pdf, err);
	struct cc_pdf_object *o;

	if (num < 0)
		return NULL;
	o = cc_pdf_objects_add(objs, n, num);
	if (!o)
		cc_error_set(err, CC_SYSTEM, "out of memory");
	return o;
}

struct size_obj {
	double w, h;
	int obj;
};

static int watermark(struct cc_certpage *c, struct cc_font *f,
		     struct cc_pdf *pdf, struct cc_pdf_object **objs, size_t *n,
		     struct cc_error *err)
{
	struct size_obj sizes[MAX_SIZES];
	int nsizes = 0, pages = cc_pdf_page_count(pdf), rc;

	if (!c->watermark[0])
		return 0;
	for (int i = 0; i < pages; i++) {
		double w, h;
		int xobj = 0;
		struct cc_pdf_object *o;

		if ((rc = cc_pdf_page_size(pdf, i, &w, &h, err)))
			return rc;
		for (int k = 0; k < nsizes; k++)
			if (sizes[k].w == w && sizes[k].h == h)
				xobj = sizes[k].obj;
		if (!xobj) {
			o = new_obj(pdf, objs, n, err);
			if (!o)
				return err->code;
			o->is_stream = 1;
			cc_buf_printf(&o->dict,
				      "<< /Type /XObject /Subtype /Form "
				      "/BBox [0 0 %.2f %.2f] /Resources << "
				      "/ExtGState << /GSwm %s >> >> >>",
				      w, h, CC_WATERMARK_GS);
			if ((rc = cc_statement_watermark(c->watermark, f, w, h,
							 &o->data, err)))
				return rc;
			xobj = o->num;
			if (nsizes < MAX_SIZES)
				sizes[nsizes++] = (struct size_obj){w, h, xobj};
		}
		if ((rc = cc_pdf_page_overlay(pdf, i, xobj, err)))
			return rc;
	}
	return 0;
}

/* The visible signature's appearance: a frame and who signed, when. */
static int appearance(struct cc_certpage *c, struct cc_font *f,
		      const struct cc_rect *r, int font_obj,
		      struct cc_pdf_object *o, struct cc_error *err)
{
	char line[400];
	const char *lines[3];
	int rc;

	snprintf(line, sizeof(line), "Ngày ký: %02d/%02d/%04d", c->st.day,
		 c->st.month, c->st.year);
	lines[0] = "Đã ký số bởi";
	lines[1] = c->certifier;
	lines[2] = line;
	o->is_stream = 1;
	cc_buf_printf(&o->dict,
		      "<< /Type /XObject /Subtype /Form /BBox [0 0 %.2f %.2f] "
		      "/Resources << /Font << /F1 %d 0 R >> >> >>",
		      r->w, r->h, font_obj);
	cc_buf_printf(&o->data, "q 0.1 0.3 0.6 RG 0.8 w 1 1 %.2f %.2f re S Q\n",
		      r->w - 2, r->h - 2);
	for (int i = 0; i < 3; i++) {
		double size = i == 1 ? 11 : 9;

		cc_buf_printf(&o->data,
			      "BT 0.1 0.3 0.6 rg /F1 %.1f Tf %.2f %.2f Td ",
			      size, 8.0, r->h - 16 - 15.0 * i);
		if ((rc = cc_font_show(f, lines[i], size, &o->data, err)))
			return rc;
		cc_buf_puts(&o->data, " ET\n");
	}
	return 0;
}

int cc_certpage_prepare(void *ctx, struct cc_pdf *pdf,
			struct cc_pdf_object **objs, size_t *nobjs,
			struct cc_pades_widget *w, struct cc_error *err)
{
	struct cc_certpage *c = ctx;
	struct cc_font *f = NULL;
	struct cc_pdf_object *page, *content, *ap = NULL;
	struct cc_rect sig, seal;
	int nums[CC_FONT_NOBJ], parent, seal_field, rc;

	/* c is shared by a batch's threads: this document's facts are kept
	 * here. */
	struct cc_statement st = c->st;

	st.pages = cc_pdf_page_count(pdf);
	f = cc_font_open(c->font, err);
	if (!f)
		return err->code;
	if ((rc = watermark(c, f, pdf, objs, nobjs, err)))
		goto out;
	for (int i = 0; i < CC_FONT_NOBJ; i++)
		if ((nums[i] = cc_pdf_reserve(pdf, err)) < 0) {
			rc = -nums[i];
			goto out;
		}
	rc = CC_SYSTEM;
	if (!(page = new_obj(pdf, objs, nobjs, err)))
		goto out;
	{
		int page_num = page->num;

		if (!(content = new_obj(pdf, objs, nobjs, err)))
			goto out;
		page = NULL; /* objs may have moved */
		content->is_stream = 1;
		cc_buf_puts(&content->dict, "<< >>");
		if ((rc = cc_statement_page(&st, f, &content->data, &sig, &seal,
					    err)))
			goto out;
		int content_num = content->num;

		if (c->visible) {
			if (!(ap = new_obj(pdf, objs, nobjs, err)) ||
			    (rc = appearance(c, f, &sig, nums[CC_FONT_TYPE0],
					     ap, err)))
				goto out;
			w->ap = ap->num;
			if ((w->field = cc_pdf_reserve(pdf, err)) < 0) {
				rc = -w->field;
				goto out;
			}
			w->page_obj = page_num;
			w->rect = (struct cc_pades_rect){sig.x, sig.y, sig.w,
							 sig.h};
		}
		/* The seal's place: an empty signature field that cc-stamp
		 * signs, carrying the certification number and book. */
		if ((seal_field = cc_pdf_reserve(pdf, err)) < 0) {
			rc = -seal_field;
			goto out;
		}
		{
			struct cc_pdf_object *sf =
				cc_pdf_objects_add(objs, nobjs, seal_field);

			if (!sf) {
				rc = cc_error_set(err, CC_SYSTEM,
						  "out of memory");
				goto out;
			}
			cc_buf_printf(
				&sf->dict,
				"<< /Type /Annot /Subtype /Widget /FT /Sig "
				"/T (%s) /F 132 /P %d 0 R /Rect [%.2f "
				"%.2f %.2f %.2f] /CcNumber %s /CcPages %d "
				"/CcBook ",
				CC_SEAL_FIELD, page_num, seal.x, seal.y,
				seal.x + seal.w, seal.y + seal.h, c->number,
				st.pages);
			cc_buf_pdf_text(&sf->dict, c->book);
			cc_buf_puts(&sf->dict, " /CcCertifier ");
			cc_buf_pdf_text(&sf->dict, c->certifier);
			cc_buf_puts(&sf->dict, " >>");
			w->extra_field = seal_field;
		}
		if ((rc = cc_pdf_append_page(pdf, page_num, &parent, err)))
			goto out;
		for (size_t i = 0; i < *nobjs; i++) {
			struct cc_pdf_object *o = &(*objs)[i];

			if (o->num != page_num)
				continue;
			cc_buf_printf(&o->dict,
				      "<< /Type /Page /Parent %d 0 R /MediaBox "
				      "[0 0 %.2f %.2f] /Resources << /Font << "
				      "/F1 %d 0 R >> >> /Contents %d 0 R",
				      parent, CC_PAGE_A4_W, CC_PAGE_A4_H,
				      nums[CC_FONT_TYPE0], content_num);
			if (c->visible)
				cc_buf_printf(&o->dict,
					      " /Annots [%d 0 R %d 0 R]",
					      w->field, seal_field);
			else
				cc_buf_printf(&o->dict, " /Annots [%d 0 R]",
					      seal_field);
			cc_buf_puts(&o->dict, " >>");
		}
	}
	/* Last: the font holds every glyph drawn above. */
	if ((rc = cc_font_add_objects(f, nums, objs, nobjs, err)))
		goto out;
	rc = 0;
out:
	cc_font_close(f);
	return rc;
}
