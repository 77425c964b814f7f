/*
 * ltv.h - PAdES B-LT (ETSI EN 319 142-1 5.4): the validation data of every
 * signature of a PDF and of its time-stamping unit (certificates, OCSP
 * responses, CRLs: revocation.h) in the document security store, /DSS, in
 * one more incremental update. cc-sign --ltv and cc-stamp add it after
 * their signature, so that a verifier needs nothing from the network.
 */
#ifndef CC_LTV_H
#define CC_LTV_H

#include <stddef.h>

#include "buf.h"
#include "error.h"
#include "revocation.h"

/*
 * Append to out the PDF in (inlen bytes; name for messages) with an update
 * whose /DSS holds, besides what it held, the validation data of the path
 * of every signature's signer and of every signature time-stamp's unit
 * (ro: given files, offline, time, time-outs), less what /DSS holds
 * already; counts[0..2] get how many certificates, OCSP responses and CRLs
 * were added. A revoked certificate, or one without revocation data to be
 * had, is CC_SYSTEM (the signer may not go on); CC_INPUT for a PDF that
 * cannot be read.
 */
int cc_ltv_add_dss(const unsigned char *in, size_t inlen, const char *name,
		   const struct cc_revdata_opts *ro, struct cc_buf *out,
		   size_t counts[3], struct cc_error *err);

#endif
