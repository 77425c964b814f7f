/*
 * facemodel.h - the weights of one face network, as face-api.js ships them:
 * a tfjs weight manifest (JSON: groups of paths, each weight a name, shape,
 * dtype and optional uint8/uint16 quantisation) and the .bin files its
 * paths name, tensors concatenated in manifest order. Every tensor becomes
 * float32 (value = q * scale + min for quantised ones). Counts, shapes,
 * names and the byte total are checked against the files; nothing in them
 * is trusted.
 */
#ifndef CC_FACEMODEL_H
#define CC_FACEMODEL_H

#include <stddef.h>

#include "error.h"

#define CC_FACEMODEL_MAX_BYTES (64u * 1024 * 1024) /* a .bin file, a manifest */
#define CC_FACEMODEL_MAX_TENSORS 1024

struct cc_facemodel;

/* DIR/NAME-weights_manifest.json and the files it names in DIR. A missing
 * or corrupt file is CC_SYSTEM, with a message that says to run `make
 * models`. */
struct cc_facemodel *cc_facemodel_load(const char *dir, const char *name,
				       struct cc_error *err);
/* From memory: the manifest and the concatenation of its .bin files. what
 * names the model in messages. Errors are CC_INPUT. */
struct cc_facemodel *cc_facemodel_parse(const char *manifest, size_t mlen,
					const unsigned char *bin, size_t blen,
					const char *what, struct cc_error *err);
/* The tensor called name, which must have exactly the shape given (rank
 * dimensions); NULL with err set (CC_SYSTEM) otherwise. */
const float *cc_facemodel_tensor(const struct cc_facemodel *m, const char *name,
				 int rank, const int *shape,
				 struct cc_error *err);
size_t cc_facemodel_count(const struct cc_facemodel *m);
/* Free the values of the tensor called name, which the caller has copied
 * and will not ask for again. */
void cc_facemodel_drop(struct cc_facemodel *m, const char *name);
void cc_facemodel_free(struct cc_facemodel *m);

#endif
