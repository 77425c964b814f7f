/*
 * sigstruct.h - the structure of every signature in a PDF, the first thing
 * cc-verify checks (DESIGN.md, "What cc-verify must reject": Universal
 * Signature Forgery and Signature Wrapping). It finds the file's revisions
 * and, for each signature field holding a signature, checks /ByteRange and
 * /Contents against the raw bytes. It verifies no cryptography: what it
 * hands over (the DER SignedData and the ranges) is what the digest and
 * CMS checks then use.
 */
#ifndef CC_SIGSTRUCT_H
#define CC_SIGSTRUCT_H

#include <stddef.h>

#include "error.h"
#include "revocation.h"

struct cc_sig_struct {
	char field[128];      /* the signature field's full name */
	int is_doc_timestamp; /* /Type /DocTimeStamp or /SubFilter /ETSI.RFC3161 */
	char subfilter[64]; /* without the slash; "" when absent */
	unsigned long long
		range[4]; /* /ByteRange, as far as it could be read */
	/* The decoded /Contents (owned; NULL when there is none) and its
	 * length: the DER SignedData alone (padding excluded) when it holds
	 * one, else the whole decoded value. */
	unsigned char *contents;
	size_t contents_len;
	/* 0-based index of the revision whose %%EOF ends range 2; -1 when
	 * range 2 ends at none. */
	int revision;
	/* What the signature dictionary says (none of it checked here): /M as
	 * written ("D:20261128101500+07'00'"), the seal's verification code
	 * (CC_STAMP_CODE_KEY), the DocMDP P of a /Reference with
	 * /TransformMethod /DocMDP (0 when none), and whether the catalog's
	 * /Perms /DocMDP names this very dictionary (the certification
	 * signature). */
	char m[40];
	char code[24];
	int docmdp;
	int certification;
	int ok; /* every structure rule holds; problem is "" */
	/* The first rule broken: "signature 'Signature1': /ByteRange does
	 * not start at 0". */
	char problem[256];
};

struct cc_sig_structs {
	struct cc_sig_struct *sig;
	size_t n;
	/* The revisions, in file order: eof[i] is the offset just past the
	 * %%EOF line (its EOL included) that ends revision i. */
	size_t revisions;
	unsigned long long *eof;
	/* 1 when the revisions were found by the startxref and /Prev chain;
	 * 0 when the chain is broken and every "startxref N %%EOF" of the
	 * file was taken instead (a damaged file: cc-verify should not
	 * trust it). */
	int chained;
	/* With chained, every cross-reference section of the chain: its
	 * offset, and the end of the revision it belongs to (one of eof[];
	 * a linearized file's first revision has two). */
	struct cc_xref_section {
		unsigned long long at, end;
	} * sections;
	size_t nsections;
	/* 1 when qpdf had to repair the file to read it (its warnings): a
	 * reader that reconstructs the cross-reference may see other objects
	 * than the ones the revisions list. */
	int damaged;
	/* The streams of the final document's /DSS (/Certs, /OCSPs, /CRLs),
	 * decoded, unchecked: what cc-verify may use to build paths and
	 * judge revocation. */
	struct cc_revdata dss;
};

/*
 * Examine the PDF data (len bytes; name is for messages): its revisions and
 * every signature (fields with /FT /Sig and a /V dictionary). CC_OK when
 * the file could be examined, each signature carrying ok or its problem;
 * CC_INPUT for bytes that are not a PDF or that qpdf cannot read (or an
 * encrypted file), CC_SYSTEM when memory runs out. out is always set and
 * must be freed with cc_sig_structs_free.
 *
 * Revisions: the last "startxref" of the file gives the last cross-reference
 * section, each section's trailer /Prev the one before (loops and offsets
 * outside the file break the chain). The revision of a section ends at the
 * first "startxref N %%EOF" after it whose N is the section's offset (any N
 * when there is none: a linearized file's first section), plus one EOL.
 * A "%%EOF" inside a stream therefore never starts a revision unless it
 * also names a section of the chain.
 *
 * Rules per signature: /ByteRange is an array of exactly 4 non-negative
 * integers [0 a b c] with a <= b and b + c inside the file; the gap [a, b)
 * is one hex string "<...>" with an even number of hex digits and nothing
 * else (no whitespace); its bytes are the /Contents of this signature
 * dictionary as qpdf reads it; they are one DER ContentInfo of type
 * signedData (definite lengths throughout) followed by zero bytes only;
 * b + c is the end of a revision's %%EOF, with or without its EOL, and the
 * gap lies inside that revision.
 */
int cc_sig_struct_read(const unsigned char *data, size_t len, const char *name,
		       struct cc_sig_structs *out, struct cc_error *err);
void cc_sig_structs_free(struct cc_sig_structs *s);

/* The cross-reference sections of data (len bytes) by the startxref and
 * /Prev chain, as cc_sig_struct_read finds them, into *out (malloc'ed;
 * the caller frees it) and *n: 0, or -1 when the chain is broken (or
 * memory runs out). */
int cc_xref_sections(const unsigned char *data, size_t len,
		     struct cc_xref_section **out, size_t *n);

#endif
