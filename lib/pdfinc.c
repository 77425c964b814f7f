/* pdfinc.c - incremental updates of a PDF (pdfinc.h). */
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
