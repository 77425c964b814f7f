/*
 * pdfdiff.h - "changes after signing", the difference analysis of cc-verify
 * (DESIGN.md, "What cc-verify must reject": Incremental Saving, Shadow,
 * Evil Annotation, Sneaky Signature). The signed revision of a PDF (the
 * prefix of the file up to the %%EOF that ends it, sigstruct.h) and the
 * whole document are read with qpdf and compared object by object; every
 * change is named and judged. Anything not allowed below is a disallowed
 * change: the analysis fails closed.
 *
 * Reading. Both are read from memory with qpdf's recovery turned off; a
 * warning from qpdf on either (a cross-reference it had to reconstruct, an
 * object not where the cross-reference says) is CC_INPUT, since a
 * reconstructing reader would see objects the cross-reference does not
 * list. So is an encrypted document.
 *
 * Roles (pdfroles.h). Every object reachable from the signed revision's
 * trailer gets one role, from the walk of the SIGNED revision; an object
 * reachable in several ways gets the strictest: page tree, pages, content
 * streams, page resources (fonts, XObjects, ExtGStates, colour spaces,
 * patterns, shadings, properties, and what they reach), other page data;
 * then annotations, signature and other form fields, the AcroForm; the
 * catalog's other entries, XMP metadata, /Info; then (lenient) what only
 * annotations and only field values and appearances reach; last the /DSS
 * and /Extensions. The objects 1 .. /Size-1 (generation 0) that nothing
 * reaches are compared too, and may not change. A reference to an object
 * missing from the signed revision counts as that object, null: defining
 * it later is a change of its role. A page's inherited /Resources,
 * /MediaBox, /CropBox and /Rotate count as the page's.
 *
 * Comparing. Dictionaries and arrays by qpdf's unparsed form, streams by
 * dictionary and raw (still encoded) data. Only the objects that the
 * cross-reference sections after the signed revision list can differ (any
 * other is read from the same bytes in both), so only those are compared
 * (pdfxref.h); every object is, when the /Prev chain is broken, a later
 * section cannot be read, or a later revision redefines an object stream
 * of the signed revision (whose objects would change unlisted). An object present in the signed
 * revision and missing or freed in the final one is a disallowed change
 * ("object 7 0 removed"). New objects are not judged in themselves: only a
 * changed object can reach them, and that one is judged. The catalog, the
 * page tree, pages, the AcroForm and fields are judged key by key ("page
 * 1: /Contents changed"), other objects whole ("object 12 0 (font /F1 of
 * page 1) changed"). The list: the trailer, page count and page objects
 * first, then objects in the order their roles were given (catalog, page
 * tree, pages, ...), then the objects nothing reaches.
 *
 * Allowed changes (P is the DocMDP P in force; 0, no certification
 * signature, is taken as P=2 and the text says so):
 * - catalog: /AcroForm (judged below), /DSS and /Extensions may be added
 *   or changed; nothing else (not /Perms, /OpenAction, /Names, /Metadata).
 * - AcroForm: /Fields may only gain entries (each old one kept, in any
 *   order), and a new entry must be a signature field (/FT /Sig); at P=1
 *   only a document time-stamp. /SigFlags may change; /DR and
 *   /NeedAppearances at P>=2; nothing else.
 * - a signature field unsigned in the signed revision may gain /V (at P=1
 *   only a document time-stamp) and, once signed, a new /AP; /F may change
 *   only in Print, ReadOnly, Locked and LockedContents, /Ff only gain
 *   ReadOnly; /Rect and everything else may not. Its appearance streams
 *   may not change in place (a new /AP may point at new ones). A field
 *   signed in the signed revision may not change at all.
 * - other fields (/Tx, /Ch, /Btn): /V, /AP, /AS and the objects that their
 *   /V and /AP reach, at P>=2 (form filling). No new fields or widgets.
 * - pages: only /Annots, and only by gaining entries, old ones kept in
 *   their order (their order is their painting order). A new signature
 *   widget is allowed only when it is invisible: zero-area /Rect, Hidden or
 *   NoView flag, or an /AP whose every stream paints nothing (empty or
 *   whitespace only); a visible one may paint over signed content and is
 *   disallowed (a seal goes into a field made before signing). Other new
 *   annotations, /Link included, are allowed at P=3 only; so are changes
 *   to existing annotations other than widgets, what only they reach, and
 *   their removal.
 * - /DSS and /Extensions objects (reachable from nothing else): any change.
 * - /Info and XMP metadata: no change (cc-sign and cc-stamp touch neither).
 * - trailer: /Root and /Info may not change; the page count may not
 *   change; page N must stay the same page object.
 * Everything else (content streams, resources, page tree, field kids,
 * signature dictionaries, structure tree, outlines, actions, objects
 * nothing used) may not change.
 *
 * Limits: 1,000,000 objects, 100,000 pages, page and field trees and
 * /Parent chains 64 deep, 4,096 keys a dictionary, 4,096 entries an
 * /Annots or /Fields array compared; a document past one of them gets a
 * disallowed change saying so. The change list keeps its first 1,000
 * entries; ok and problem cover them all. (qpdf itself holds every object
 * it reads: some 600 MB for 500,000 objects.)
 */
#ifndef CC_PDFDIFF_H
#define CC_PDFDIFF_H

#include <stddef.h>

#include "error.h"

struct cc_pdf_change {
	/* "page 1: /Contents changed", "object 12 0 (font /F1 of page 1)
	 * changed", "page 2: new annotation /Square", "catalog: /DSS added
	 * (validation data)". */
	char what[200];
	int allowed; /* 1 allowed (the text says why), 0 not */
};

struct cc_pdf_diff {
	struct cc_pdf_change *change; /* owned; in a stable order */
	size_t n;
	int ok; /* no change that is not allowed */
	/* The first disallowed change in house form ("page 1: /Contents
	 * changed after the signature"); "" when ok. */
	char problem[256];
};

/*
 * Compare the signed revision data[0, signed_len) with the whole document
 * data[0, len) under DocMDP P docmdp (0 to 3). CC_OK when both could be read
 * (out says what changed); CC_INPUT when either cannot be read by qpdf
 * without repair or is encrypted; CC_USAGE for signed_len or docmdp out of
 * range; CC_SYSTEM when memory runs out. out is always set (on an error:
 * no changes, ok 0); free it with cc_pdf_diff_free.
 */
int cc_pdf_diff(const unsigned char *data, size_t len, size_t signed_len,
		int docmdp, struct cc_pdf_diff *out, struct cc_error *err);
void cc_pdf_diff_free(struct cc_pdf_diff *d);

#endif
