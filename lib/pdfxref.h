/*
 * pdfxref.h - the object numbers that some cross-reference sections of a
 * PDF define: what the revisions after a signed one may have changed. An
 * object that no later section lists is, in the final document, the very
 * object of the signed revision (the same bytes at the same offset), so the
 * change analysis (pdfdiff.h) need compare only the listed ones.
 */
#ifndef CC_PDFXREF_H
#define CC_PDFXREF_H

#include <stddef.h>

#include <qpdf/qpdf-c.h>

/*
 * The object numbers defined (in use or free) by the cross-reference
 * sections at the offsets at[0..n) of data (len bytes): a table's
 * subsections, a hybrid file's /XRefStm, a cross-reference stream's
 * /Index (its data decoded by qpdf from q, the whole document read from
 * the same bytes). *out (malloc'ed, sorted, without repeats; the caller
 * frees it) and *nout. -1 when a section cannot be read as one, or holds
 * more than a million entries: the caller then compares every object.
 */
int cc_pdf_xref_objects(qpdf_data q, const unsigned char *data, size_t len,
			const unsigned long long *at, size_t n, int **out,
			size_t *nout);

#endif
