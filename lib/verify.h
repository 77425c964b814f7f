/*
 * verify.h - cc-verify's verdict on one certified copy (DESIGN.md,
 * "Verification report" and "What cc-verify must reject"): the structure
 * of every signature (sigstruct.h), its integrity and cryptography
 * (sigcrypto.h), the changes made after it (pdfdiff.h), trust and time
 * (sigtrust.h), and the copy's record in the register (register.h), put
 * together into ETSI EN 319 102-1 indications, per signature and for the
 * file, and written out as text or JSON.
 *
 * The file's indication is the worst of its signatures' and of the
 * document's own checks: a file with no signature, one that qpdf had to
 * repair (its cross-reference does not hold), or one with bytes after its
 * last revision is TOTAL_FAILED/FORMAT_FAILURE.
 *
 * Per signature, the first that applies:
 *   structure rule broken (sigstruct.h)     TOTAL_FAILED/FORMAT_FAILURE
 *   /Contents not a CMS SignedData          TOTAL_FAILED/FORMAT_FAILURE
 *   message digest (or imprint) mismatch    TOTAL_FAILED/HASH_FAILURE
 *   signature (or its time-stamp) broken    TOTAL_FAILED/SIG_CRYPTO_FAILURE
 *   no ESS signing-certificate for signer   INDETERMINATE/
 *                                             NO_SIGNING_CERTIFICATE_FOUND
 *   weak algorithm                          INDETERMINATE/
 *                                             CRYPTO_CONSTRAINTS_FAILURE
 *   a change after it that is not allowed   TOTAL_FAILED/FORMAT_FAILURE
 *   trust, validity, revocation             as sigtrust.h says
 *
 * Time: signatures are taken from the last to the first; each verified
 * time-stamp (a signature's own token, or a document time-stamp) whose
 * time-stamping unit is trusted proves that everything it covers existed
 * at its time, so the proven time of a signature is the earliest such
 * time of its own token and of every later signature's. A token whose unit
 * cannot be trusted proves nothing, and is reported.
 *
 * The register (when given): the copy is looked up by the code in its
 * seal (CC_STAMP_CODE_KEY), else by the SHA-256 of the file. Revoked:
 * TOTAL_FAILED/REVOKED. Unknown, reserved or void: TOTAL_FAILED/
 * NOT_IN_REGISTER. Issued, but the file's SHA-256 is neither the issued
 * copy's nor that of one of its revisions (a later revision may add
 * validation data or a document time-stamp, which the change analysis
 * judges): TOTAL_FAILED/REGISTER_MISMATCH. (These two sub-indications are
 * certcopy's, not ETSI's.)
 */
#ifndef CC_VERIFY_H
#define CC_VERIFY_H

#include <stddef.h>

#include <jansson.h>

#include "buf.h"
#include "error.h"
#include "pdfdiff.h"
#include "register.h"
#include "sigtrust.h"

struct cc_verify_opts {
	struct cc_trust *trust;	 /* anchors, chain, revocation data */
	struct cc_register *reg; /* NULL: no register lookup */
	int threads;		 /* for one file's signatures; 0: a thread
				    per processor */
};

struct cc_verify_sig {
	char field[128];
	const char *role; /* certifier, seal, timestamp, signature */
	char subfilter[64];
	int revision;	     /* 1-based revision it signed; 0 none */
	int whole;	     /* its ranges cover the whole file */
	char signer[128];    /* the signer's (or TSA's) name */
	char claimed[32];    /* /M as RFC 3339 UTC; "" */
	char proven[32];     /* the earliest trusted time-stamp over it */
	char timestamp[32];  /* its own token's time */
	char digest_alg[16]; /* "SHA-256" */
	char code[24];	     /* the seal's verification code */
	int docmdp;	     /* P of a certification signature; 0 */
	int structure_ok, crypto_read, digest_ok, signature_ok, signing_cert_ok,
		algorithms_ok, has_tst, tst_ok;
	int trust_checked;		  /* crypto held, so trust was asked */
	struct cc_trust_result trust;	  /* the signer (or the TSA) */
	int tsa_checked;		  /* has_tst, and not a doc TS */
	struct cc_trust_result tsa_trust; /* its token's TSA */
	int diffed;			  /* later revisions compared */
	struct cc_pdf_diff diff;
	enum cc_indication indication;
	char sub[40];
	char reason[480];
};

struct cc_verify_report {
	char name[256];
	char sha256[65];
	size_t size;
	size_t revisions;
	struct cc_verify_sig *sig; /* in file order */
	size_t nsig;
	int reg_checked; /* a register was asked */
	int reg_found;
	char reg_by[16]; /* "code" or "sha256" */
	char reg_match[160];
	struct cc_copy copy;
	enum cc_indication indication;
	char sub[40];
	char reason[512];
};

/*
 * Verify the PDF data (len bytes; name for messages and the report). CC_OK
 * when a report was made (r->indication says what holds); CC_INPUT when
 * the bytes are not a PDF that can be read at all (r is empty); CC_SYSTEM
 * when memory runs out or the register fails. r must be freed with
 * cc_verify_report_free.
 */
int cc_verify_pdf(const unsigned char *data, size_t len, const char *name,
		  const struct cc_verify_opts *o, struct cc_verify_report *r,
		  struct cc_error *err);
void cc_verify_report_free(struct cc_verify_report *r);

/*
 * Verify the files paths[0, n) with jobs threads (each file read whole, at
 * most max bytes), each thread with its own trust context made from to
 * and, when reg_uri is set, its own connection to the register. done is
 * called for each file in order, from the calling thread, with CC_OK and
 * the report, or the error of that file (CC_INPUT, CC_SYSTEM; r then
 * empty); the report is freed when it returns. Returns CC_OK, or the error
 * of a trust context that cannot be made (CC_INPUT: an anchor, chain or
 * revocation file that cannot be read), or CC_SYSTEM when the threads or
 * the register cannot be had (err says why; no file is then reported after
 * it).
 */
typedef void (*cc_verify_done)(void *ctx, size_t i, int rc,
			       const struct cc_error *err,
			       const struct cc_verify_report *r);
int cc_verify_files(const char *const *paths, size_t n, size_t max, int jobs,
		    const struct cc_trust_opts *to, const char *reg_uri,
		    cc_verify_done done, void *ctx, struct cc_error *err);

/* The report as JSON (a new reference), and as text for people: one line
 * per signature, then the register, then "NAME: INDICATION[/SUB][: why]". */
json_t *cc_verify_json(const struct cc_verify_report *r);
void cc_verify_text(const struct cc_verify_report *r, int verbose,
		    struct cc_buf *out);

/* A register record as JSON (for --code and --image). */
json_t *cc_verify_copy_json(const struct cc_copy *c);

#endif
