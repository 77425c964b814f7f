/*
 * pdfinc.h - incremental updates of a PDF: new and changed objects appended
 * after the original bytes, which are never rewritten, with a
 * cross-reference section of the same form as the revision it extends.
 */
#ifndef CC_PDFINC_H
#define CC_PDFINC_H

#include "buf.h"

/* One object to append. A plain object is its text in dict ("<< ... >>",
 * "[ ... ]", "null" ...). A stream has is_stream set, its dictionary
 * (with /Filter when data is encoded, without /Length, which the writer
 * adds) in dict and its stored bytes in data. */
struct cc_pdf_object {
	int num; /* object number; generation 0 */
	struct cc_buf dict;
	int is_stream;
	struct cc_buf data;
};

void cc_pdf_object_free(struct cc_pdf_object *o);

#endif
