/*
 * ltv.c - PAdES B-LT (ltv.h): every signature of the file read back with
 * sigstruct and sigcrypto, the validation data of each path gathered
 * (revocation.h), and a /DSS update written with the PDF core.
 */
#include "ltv.h"

#include <stdlib.h>
#include <string.h>

#include "pdf.h"
#include "pdfinc.h"
#include "sigcrypto.h"
#include "sigstruct.h"

/* Move into into the blobs of from that it does not hold yet. */
static int merge(struct cc_revdata *into, struct cc_revdata *from)
{
	struct {
		struct cc_buf **a;
		size_t *n;
		struct cc_buf *b;
		size_t m;
	} lists[] = {{&into->certs, &into->ncerts, from->certs, from->ncerts},
		     {&into->ocsps, &into->nocsps, from->ocsps, from->nocsps},
		     {&into->crls, &into->ncrls, from->crls, from->ncrls}};

	for (size_t l = 0; l < 3; l++)
		for (size_t i = 0; i < lists[l].m; i++) {
			struct cc_buf *b = &lists[l].b[i], *grown;
			int dup = 0;

			for (size_t k = 0; k < *lists[l].n; k++)
				if ((*lists[l].a)[k].len == b->len &&
				    !memcmp((*lists[l].a)[k].data, b->data,
					    b->len))
					dup = 1;
			if (dup)
				continue;
			grown = realloc(*lists[l].a,
					(*lists[l].n + 1) *
						sizeof(**lists[l].a));
			if (!grown)
				return -1;
			*lists[l].a = grown;
			grown[(*lists[l].n)++] = *b;
			memset(b, 0, sizeof(*b));
		}
	return 0;
}

/* Drop from arr the blobs that have already holds. */
static void drop_present(struct cc_buf *arr, size_t *n,
			 const struct cc_buf *have, size_t nhave)
{
	size_t k = 0;

	for (size_t i = 0; i < *n; i++) {
		int dup = 0;

		for (size_t j = 0; j < nhave && !dup; j++)
			dup = have[j].len == arr[i].len &&
			      !memcmp(have[j].data, arr[i].data, arr[i].len);
		if (dup)
			cc_buf_free(&arr[i]);
		else
			arr[k++] = arr[i];
	}
	*n = k;
}

/* Into all: the validation data of every signature in the file, and of its
 * time-stamping unit; then less what the file's /DSS holds already. */
static int gather(const unsigned char *in, size_t inlen, const char *name,
		  const struct cc_revdata_opts *ro, struct cc_revdata *all,
		  struct cc_error *err)
{
	struct cc_sig_structs ss;
	int rc = cc_sig_struct_read(in, inlen, name, &ss, err);

	for (size_t i = 0; rc == CC_OK && i < ss.n; i++) {
		const struct cc_sig_struct *g = &ss.sig[i];
		struct cc_sig_crypto c;
		struct cc_revdata one = {0}, two = {0};

		if (!g->ok)
			continue;
		if (cc_sig_crypto_check(in, inlen, g->range, g->contents,
					g->contents_len, g->is_doc_timestamp,
					&c, err)) {
			rc = CC_OK; /* not ours to judge: cc-verify will */
			continue;
		}
		if (c.signer && !g->is_doc_timestamp)
			rc = cc_revdata_collect(c.signer, c.certs, ro, &one,
						err);
		if (rc == CC_OK && c.tsa)
			rc = cc_revdata_collect(c.tsa, c.tsa_certs, ro, &two,
						err);
		if (rc == CC_OK && (merge(all, &one) || merge(all, &two)))
			rc = cc_error_set(err, CC_SYSTEM, "out of memory");
		cc_revdata_free(&one);
		cc_revdata_free(&two);
		cc_sig_crypto_free(&c);
	}
	/* What an earlier /DSS (cc-sign --ltv's) holds is not added twice. */
	if (rc == CC_OK) {
		drop_present(all->certs, &all->ncerts, ss.dss.certs,
			     ss.dss.ncerts);
		drop_present(all->ocsps, &all->nocsps, ss.dss.ocsps,
			     ss.dss.nocsps);
		drop_present(all->crls, &all->ncrls, ss.dss.crls, ss.dss.ncrls);
	}
	cc_sig_structs_free(&ss);
	/* A revoked certificate refuses the signer: exit 4, like any other
	 * certificate that may not sign. */
	if (rc == CC_NO)
		rc = err->code = CC_SYSTEM;
	return rc;
}

/* The DER blobs as streams of the update; their numbers in nums. */
static int blobs(struct cc_pdf *pdf, struct cc_pdf_object **objs, size_t *n,
		 struct cc_buf *b, size_t nb, int *nums, struct cc_error *err)
{
	for (size_t i = 0; i < nb; i++) {
		struct cc_pdf_object *ob;

		if ((nums[i] = cc_pdf_reserve(pdf, err)) < 0)
			return -nums[i];
		ob = cc_pdf_objects_add(objs, n, nums[i]);
		if (!ob)
			return cc_error_set(err, CC_SYSTEM, "out of memory");
		ob->is_stream = 1;
		cc_buf_puts(&ob->dict, "<< >>");
		cc_buf_put(&ob->data, b[i].data, b[i].len);
	}
	return 0;
}

int cc_ltv_add_dss(const unsigned char *in, size_t inlen, const char *name,
		   const struct cc_revdata_opts *ro, struct cc_buf *out,
		   size_t counts[3], struct cc_error *err)
{
	struct cc_revdata all = {0};
	struct cc_pdf *pdf = NULL;
	struct cc_pdf_object *objs = NULL;
	struct cc_pdf_trailer trailer;
	size_t n = 0, total;
	int *nums = NULL, rc;

	counts[0] = counts[1] = counts[2] = 0;
	memset(&trailer, 0, sizeof(trailer));
	if ((rc = gather(in, inlen, name, ro, &all, err)))
		goto out;
	pdf = cc_pdf_open(in, inlen, name, err);
	if (!pdf) {
		rc = err->code;
		goto out;
	}
	total = all.ncerts + all.nocsps + all.ncrls;
	nums = calloc(total ? total : 1, sizeof(*nums));
	if (!nums) {
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	if ((rc = blobs(pdf, &objs, &n, all.certs, all.ncerts, nums, err)) ||
	    (rc = blobs(pdf, &objs, &n, all.ocsps, all.nocsps,
			nums + all.ncerts, err)) ||
	    (rc = blobs(pdf, &objs, &n, all.crls, all.ncrls,
			nums + all.ncerts + all.nocsps, err)) ||
	    (rc = cc_pdf_add_dss(pdf, nums, all.ncerts, nums + all.ncerts,
				 all.nocsps, nums + all.ncerts + all.nocsps,
				 all.ncrls, err)) ||
	    (rc = cc_pdf_update(pdf, &objs, &n, &trailer, err)))
		goto out;
	cc_buf_put(out, in, inlen);
	if ((rc = cc_pdf_write_update(out, objs, n, &trailer, err)))
		goto out;
	counts[0] = all.ncerts;
	counts[1] = all.nocsps;
	counts[2] = all.ncrls;
out:
	free(nums);
	cc_pdf_objects_free(objs, n);
	cc_pdf_close(pdf);
	cc_revdata_free(&all);
	return rc;
}
