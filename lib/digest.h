/* digest.h - SHA-256 through OpenSSL, one-shot and streaming, and hex. */
#ifndef CC_DIGEST_H
#define CC_DIGEST_H

#include <stddef.h>

#define CC_SHA256_LEN 32
#define CC_SHA256_HEX (2 * CC_SHA256_LEN + 1)

struct cc_sha256;

struct cc_sha256 *cc_sha256_new(void);
int cc_sha256_update(struct cc_sha256 *ctx, const void *data, size_t len);
/* Writes the digest and frees ctx; returns 0 on success. */
int cc_sha256_final(struct cc_sha256 *ctx, unsigned char out[CC_SHA256_LEN]);
void cc_sha256_free(struct cc_sha256 *ctx);

int cc_sha256(const void *data, size_t len, unsigned char out[CC_SHA256_LEN]);
/* Lowercase hex of len bytes into hex, which holds 2*len+1 bytes. */
void cc_hex(const unsigned char *bytes, size_t len, char *hex);

#endif
