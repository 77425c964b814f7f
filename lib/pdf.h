/*
 * pdf.h - an existing PDF opened for signing: read with qpdf's C API
 * (pages, AcroForm, signatures, trailer, the cross-reference form of the
 * last revision), and edited in qpdf's memory so that the changed objects
 * can be written out as an incremental update (pdfinc.h). The file's bytes
 * are never rewritten, except by cc_pdf_normalize for a document that is
 * damaged and carries no signature yet.
 */
#ifndef CC_PDF_H
#define CC_PDF_H

#include <stddef.h>

#include "error.h"
#include "pdfinc.h"

struct cc_pdf;

/* Open a PDF held in memory (data must stay valid and unchanged while the
 * document is open). name is for messages. Non-PDF bytes, a file qpdf
 * cannot read, an encrypted file: CC_INPUT. */
struct cc_pdf *cc_pdf_open(const unsigned char *data, size_t len,
			   const char *name, struct cc_error *err);
void cc_pdf_close(struct cc_pdf *p);

/* qpdf had to repair the file (bad cross-reference, wrong offsets). */
int cc_pdf_damaged(const struct cc_pdf *p);
/* Rewrite the whole file with qpdf (cross-reference table, no object
 * streams) into *out (malloc'ed; the caller frees it and reopens). Only for
 * a document without signatures. */
int cc_pdf_normalize(struct cc_pdf *p, unsigned char **out, size_t *outlen,
		     struct cc_error *err);

int cc_pdf_page_count(const struct cc_pdf *p);
/* Signature fields that hold a signature (/V). */
int cc_pdf_signature_count(const struct cc_pdf *p);
/* The P value of an existing certification signature (DocMDP), 0 if none. */
int cc_pdf_docmdp(const struct cc_pdf *p);
/* The width and height (points) of page i (0-based), from its MediaBox. */
int cc_pdf_page_size(struct cc_pdf *p, int i, double *w, double *h,
		     struct cc_error *err);
/* The object number of page i, for /P of a widget. */
int cc_pdf_page_obj(struct cc_pdf *p, int i);

/* ---- edits, kept until cc_pdf_update ---- */

/* A new object number, for an object whose text the caller supplies. */
int cc_pdf_reserve(struct cc_pdf *p, struct cc_error *err);
/* Add the caller's page object (reserved, its /Parent to be set to the
 * number returned in *parent) at the end of the page tree. */
int cc_pdf_append_page(struct cc_pdf *p, int page, int *parent,
		       struct cc_error *err);
/* Draw the Form XObject xobj over page i: the page's content is wrapped in
 * q ... Q so that its graphics state cannot leak into the overlay. */
int cc_pdf_page_overlay(struct cc_pdf *p, int i, int xobj,
			struct cc_error *err);
/* Add annotation annot to page i's /Annots. */
int cc_pdf_page_add_annot(struct cc_pdf *p, int i, int annot,
			  struct cc_error *err);
/* Add field to the AcroForm (made when missing), with /SigFlags 3. */
int cc_pdf_add_field(struct cc_pdf *p, int field, struct cc_error *err);
/* An unsigned signature field named name: its object number in *field and
 * the page of its (first) widget in *page (-1 if none is found). 0 when
 * found; CC_NO when there is no such field, CC_USAGE when it is signed
 * already or is not a signature field. */
int cc_pdf_find_sig_field(struct cc_pdf *p, const char *name, int *field,
			  int *page, struct cc_error *err);
/* Set the signature value /V of an existing field and, when ap is not 0,
 * its widget's appearance to the XObject ap. */
int cc_pdf_set_field_value(struct cc_pdf *p, int field, int sig, int ap,
			   struct cc_error *err);
/* A field's own integer or text entry (such as /CcNumber); -1 when it has
 * none of that type (or the text does not fit size bytes with its NUL). */
int cc_pdf_field_int(struct cc_pdf *p, int field, const char *k, long long *v);
int cc_pdf_field_text(struct cc_pdf *p, int field, const char *k, char *out,
		      size_t size);
/* The /Rect (x0 y0 x1 y1) of a field's first widget and its page (0-based,
 * -1 when on none); -1 when it has no rectangle. */
int cc_pdf_field_rect(struct cc_pdf *p, int field, double rect[4], int *page);
/* Make sig the document's certification signature: /Perms /DocMDP. */
int cc_pdf_set_docmdp(struct cc_pdf *p, int sig, struct cc_error *err);
/* Add objects to the document security store (/DSS of the catalog, made
 * when missing; earlier entries kept): streams of certificates, OCSP
 * responses and CRLs. */
int cc_pdf_add_dss(struct cc_pdf *p, const int *certs, size_t ncerts,
		   const int *ocsps, size_t nocsps, const int *crls,
		   size_t ncrls, struct cc_error *err);
/* A field name not used yet: "Signature1", "Signature2", ... */
void cc_pdf_new_field_name(struct cc_pdf *p, char *name, size_t size);

/* The changed existing objects (appended to objs, *n updated; objs grows)
 * and the trailer of the update. The trailer's strings point into p. */
int cc_pdf_update(struct cc_pdf *p, struct cc_pdf_object **objs, size_t *n,
		  struct cc_pdf_trailer *t, struct cc_error *err);

#endif
