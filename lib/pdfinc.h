/*
 * pdfinc.h - incremental updates of a PDF: new and changed objects appended
 * after the original bytes, which are never rewritten, with a
 * cross-reference section of the same form as the revision it extends.
 */
#ifndef CC_PDFINC_H
#define CC_PDFINC_H

#include "buf.h"
#include "error.h"

/* One object to append. A plain object is its text in dict ("<< ... >>",
 * "[ ... ]", "null" ...). A stream has is_stream set, its dictionary
 * (with /Filter when data is encoded, without /Length, which the writer
 * adds) in dict and its stored bytes in data. */
struct cc_pdf_object {
	int num; /* object number */
	int gen; /* generation: 0 for new objects */
	struct cc_buf dict;
	int is_stream;
	struct cc_buf data;
	size_t offset; /* set by the writer: where "N G obj" starts */
	size_t body;   /* set by the writer: where dict starts */
};

void cc_pdf_object_free(struct cc_pdf_object *o);
/* Free objs[0..n) and the array. */
void cc_pdf_objects_free(struct cc_pdf_object *objs, size_t n);
/* A new empty object at the end of *objs (grown); NULL on failure. */
struct cc_pdf_object *cc_pdf_objects_add(struct cc_pdf_object **objs,
					 size_t *n, int num);

/* What the update's trailer says. */
struct cc_pdf_trailer {
	int xref_stream;	 /* the revision extended has an xref stream */
	int xref_num;		 /* with xref_stream: the stream's number */
	unsigned long long prev; /* startxref of the revision extended */
	int size;		 /* one more than the highest object number */
	char root[40], info[40]; /* "N G R"; info may be empty */
	char id[200];		 /* "[<...> <...>]", or empty */
};

/* Append to out (holding the file so far) the objects, a cross-reference
 * section of the trailer's form covering them, the trailer, startxref and
 * %%EOF. Each object's offset is recorded. CC_SYSTEM on memory failure. */
int cc_pdf_write_update(struct cc_buf *out, struct cc_pdf_object *objs,
			size_t n, const struct cc_pdf_trailer *t,
			struct cc_error *err);

#endif
