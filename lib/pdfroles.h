/*
 * pdfroles.h - what each object of a signed revision is, for the
 * difference analysis of cc-verify (pdfdiff.h): every object reachable
 * from the trailer of a document read with qpdf gets one role (catalog,
 * page tree, page, annotation, signature or other field, AcroForm, DSS,
 * something that may not change) and a label for messages ("font /F1 of
 * page 1"). The roles are given in passes from the strictest to the most
 * lenient, and the first role an object gets is its role, so that an
 * object reachable both from a page and from the /DSS is the page's. The
 * passes, in order:
 *  1. the catalog; the page tree (nodes, pages, in order: a node met again
 *     is skipped, a page met again is listed again);
 *  2. what the pages' /Contents, their (inherited) /Resources and their
 *     other entries but /Annots reach, and the page tree nodes' entries:
 *     may not change;
 *  3. the pages' annotations (widgets of signature fields, widgets of other
 *     fields, other annotations), the AcroForm, its /Fields and the field
 *     tree; what signature fields reach (their signature, appearance) and
 *     what other fields reach but through /V and /AP; what annotations
 *     reach through /P and /Parent; the AcroForm's entries: may not change;
 *  4. what the catalog's other entries (not /Pages, /AcroForm, /DSS,
 *     /Extensions; /Metadata included), the trailer's /Info and other
 *     entries reach: may not change;
 *  5. what annotations reach (P=3), then what fields' /V and /AP reach
 *     (P>=2), then /Extensions and /DSS.
 * A reference to an object the document lacks gets the role all the same.
 * Besides, the small helpers over qpdf's C API both modules use: every
 * accessor checks the type first, since qpdf warns of a mismatch and a
 * warning means "needs repair" here.
 */
#ifndef CC_PDFROLES_H
#define CC_PDFROLES_H

#include <stddef.h>

#include <qpdf/qpdf-c.h>

#include "buf.h"

#define CC_PDF_MAX_OBJECTS 1000000 /* objects given a role */
#define CC_PDF_MAX_PAGES 100000
#define CC_PDF_MAX_DEPTH 64  /* page and field trees, /Parent chains */
#define CC_PDF_MAX_KEYS 4096 /* of a dictionary, read */

enum cc_pdf_role {
	CC_ROLE_CATALOG,
	CC_ROLE_PAGES, /* page tree nodes and their /Kids arrays */
	CC_ROLE_PAGE,
	CC_ROLE_ANNOTS, /* a page's /Annots array */
	CC_ROLE_ANNOT,	/* an annotation that is no widget */
	CC_ROLE_SIGFIELD,
	CC_ROLE_FIELD,
	CC_ROLE_ACROFORM,
	CC_ROLE_FIELDS,
	CC_ROLE_OTHER,	    /* may not change; the label says what it is */
	CC_ROLE_ANNOT_DATA, /* what only annotations reach */
	CC_ROLE_FIELD_DATA, /* what only field values and appearances reach */
	CC_ROLE_DSS,	    /* /DSS and /Extensions */
};

struct cc_pdf_ref {
	int num, gen;
};

struct cc_pdf_obj {
	int num, gen;
	int page; /* 0-based, -1 for none */
	unsigned char role;
	unsigned char signed_; /* a signature field with /V already */
	unsigned char scan;    /* what it reaches takes its role */
	char label[64];	       /* "font /F1 of page 1", "signature field 'X'" */
};

/* (num, gen) -> index of obj; open addressing, num 0 marks a free slot. */
struct cc_pdf_set {
	struct cc_pdf_ref *key;
	size_t *val;
	size_t cap, n;
};

struct cc_pdf_roles {
	struct cc_pdf_obj *obj; /* in the order the roles were given */
	size_t n;
	struct cc_pdf_ref *page; /* the pages, in order */
	size_t npages;
	int oom;
	int truncated; /* a limit was reached: some objects have no role */
	/* the walk's own */
	qpdf_data q;
	size_t drained;
	struct cc_pdf_set claimed;
	struct cc_buf objs, pagebuf; /* hold obj and page */
};

/* The roles of q's objects (q stays q's caller's; its handles are
 * released on the way). 0, or -1 when memory ran out. */
int cc_pdf_roles_read(qpdf_data q, struct cc_pdf_roles *r);
/* Only the pages of q, by the same walk. */
int cc_pdf_roles_pages(qpdf_data q, struct cc_pdf_roles *r);
/* The index of (num, gen) in r->obj, or SIZE_MAX. */
size_t cc_pdf_roles_find(const struct cc_pdf_roles *r, int num, int gen);
void cc_pdf_roles_free(struct cc_pdf_roles *r);

/* ---- qpdf helpers ---- */

/* d[k] of a dictionary or stream d, else null. */
qpdf_oh cc_qpdf_key(qpdf_data q, qpdf_oh d, const char *k);
/* The length of array a, 0 for anything else. */
int cc_qpdf_nitems(qpdf_data q, qpdf_oh a);
long long cc_qpdf_int(qpdf_data q, qpdf_oh o, long long dflt);
/* printf into buf (size bytes), control characters shown as '?' (text
 * from a PDF goes into messages); "" when printf fails. */
char *cc_label(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Name o ("/Square") into buf; "/?" when it is none. */
const char *cc_qpdf_name(qpdf_data q, qpdf_oh o, char *buf, size_t size);
/* o unparsed, references as "N G R" (malloc'ed; NULL when memory runs
 * out); _body: an object's own form, a stream's dictionary. */
char *cc_qpdf_text(qpdf_data q, qpdf_oh o);
char *cc_qpdf_body(qpdf_data q, qpdf_oh o);
/* A field attribute, inherited through /Parent; the field's full name. */
qpdf_oh cc_qpdf_field_attr(qpdf_data q, qpdf_oh f, const char *k);
void cc_qpdf_field_name(qpdf_data q, qpdf_oh f, char *buf, size_t size);
/* A page attribute, inherited through the page tree. */
qpdf_oh cc_qpdf_inherited(qpdf_data q, qpdf_oh page, const char *k);

/* Append item (size bytes) to the array b holds: the array, or NULL (and
 * *oom set) when memory runs out. */
void *cc_pdf_push(struct cc_buf *b, const void *item, size_t size, int *oom);

struct cc_qpdf_keys {
	char **k;
	size_t n;
};

/* The keys of dictionary (or stream) h, none for anything else: 0; 1
 * when there were more than CC_PDF_MAX_KEYS (the first ones are read);
 * -1 when memory ran out. */
int cc_qpdf_keys(qpdf_data q, qpdf_oh h, struct cc_qpdf_keys *ks);
void cc_qpdf_keys_free(struct cc_qpdf_keys *ks);

#endif
