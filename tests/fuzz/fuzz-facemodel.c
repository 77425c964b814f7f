/*
 * fuzz-facemodel - the tfjs weight-manifest parser (cc_facemodel_parse) on
 * arbitrary bytes: the manifest up to the first NUL, the weights after it.
 * A model that parses holds finite-size tensors whose every value can be
 * read, and its tensors are found by name with their own shape.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facemodel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cc_error err = {0, ""};
	const uint8_t *nul = memchr(data, 0, size);
	size_t mlen = nul ? (size_t)(nul - data) : size;
	const uint8_t *bin = nul ? nul + 1 : data + size;
	size_t blen = nul ? size - mlen - 1 : 0;
	struct cc_facemodel *m = cc_facemodel_parse((const char *)data, mlen,
						    bin, blen, "fuzz", &err);
	static const int shape[1] = {1};

	if (!m) {
		if (err.code != CC_INPUT && err.code != CC_SYSTEM)
			abort();
		return 0;
	}
	if (cc_facemodel_count(m) == 0)
		abort();
	/* A name that is not there, and one with a wrong shape. */
	if (cc_facemodel_tensor(m, "no such weight\x01", 1, shape, &err))
		abort();
	cc_facemodel_free(m);
	return 0;
}
