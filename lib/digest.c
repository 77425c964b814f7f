/* digest.c - SHA-256 through OpenSSL's EVP interface. */
#include "digest.h"

#include <openssl/evp.h>

struct cc_sha256 {
	EVP_MD_CTX *md;
};

struct cc_sha256 *cc_sha256_new(void)
{
	struct cc_sha256 *ctx = OPENSSL_zalloc(sizeof(*ctx));

	if (!ctx)
		return NULL;
	ctx->md = EVP_MD_CTX_new();
	if (!ctx->md || !EVP_DigestInit_ex(ctx->md, EVP_sha256(), NULL)) {
		cc_sha256_free(ctx);
		return NULL;
	}
	return ctx;
}

int cc_sha256_update(struct cc_sha256 *ctx, const void *data, size_t len)
{
	return EVP_DigestUpdate(ctx->md, data, len) ? 0 : -1;
}

int cc_sha256_final(struct cc_sha256 *ctx, unsigned char out[CC_SHA256_LEN])
{
	unsigned int n = 0;
	int ok = EVP_DigestFinal_ex(ctx->md, out, &n) && n == CC_SHA256_LEN;

	cc_sha256_free(ctx);
	return ok ? 0 : -1;
}

void cc_sha256_free(struct cc_sha256 *ctx)
{
	if (!ctx)
		return;
	EVP_MD_CTX_free(ctx->md);
	OPENSSL_free(ctx);
}

int cc_sha256(const void *data, size_t len, unsigned char out[CC_SHA256_LEN])
{
	struct cc_sha256 *ctx = cc_sha256_new();

	if (!ctx)
		return -1;
	if (cc_sha256_update(ctx, data, len)) {
		cc_sha256_free(ctx);
		return -1;
	}
	return cc_sha256_final(ctx, out);
}

void cc_hex(const unsigned char *bytes, size_t len, char *hex)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		hex[2 * i] = digits[bytes[i] >> 4];
		hex[2 * i + 1] = digits[bytes[i] & 15];
	}
	hex[2 * len] = '\0';
}
