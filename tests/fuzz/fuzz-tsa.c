/*
 * fuzz-tsa - cc_tsa_check_reply on arbitrary bytes, against the digest and
 * nonce of testdata/tsa/good.tsr (tests/tsa/make-fixtures), so that a
 * mutated good reply reaches the signature and certificate checks. An
 * accepted reply's token must be its tail and its genTime well formed; a
 * refused one must be CC_SYSTEM with a printable message and no token; and
 * OpenSSL's error queue must be left empty either way.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "tsa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* testdata/tsa/facts */
static const unsigned char digest[32] = {
	0x76, 0x00, 0xb0, 0xa7, 0xae, 0x26, 0xae, 0x9f, 0xfd, 0x4b, 0x5b,
	0x36, 0x28, 0xec, 0x4a, 0xfd, 0xa4, 0x3c, 0xb2, 0x32, 0xcc, 0x22,
	0x7e, 0x70, 0x0d, 0xd7, 0x45, 0xf1, 0x18, 0x00, 0x4d, 0x12};
static const uint64_t nonce = 0xfedcba9876543210u;

static void check_gen_time(const char *t)
{
	/* 2026-11-28T09:57:29Z, or with a fraction: .1 to .123456789 */
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	size_t n = strlen(t);

	if (n < 20 || n > 30 || t[n - 1] != 'Z')
		abort();
	for (size_t i = 0; i < n - 1; i++) {
		char want = i < 19 ? shape[i] : i == 19 ? '.' : 'd';

		if (want == 'd' ? t[i] < '0' || t[i] > '9' : t[i] != want)
			abort();
	}
	if (n == 21)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cc_tsa_token tok;
	struct cc_error err = {0};
	int rc;

	if (size > 65536)
		return 0;
	rc = cc_tsa_check_reply(data, size, digest, nonce, &tok, &err);
	if (ERR_peek_error() != 0)
		abort();
	if (rc == CC_OK) {
		if (!tok.der || tok.len == 0 || tok.len >= size ||
		    memcmp(tok.der, data + size - tok.len, tok.len) != 0)
			abort();
		check_gen_time(tok.gen_time);
		cc_tsa_token_free(&tok);
		return 0;
	}
	if (rc != CC_SYSTEM || err.code != CC_SYSTEM || !err.msg[0] ||
	    tok.der || tok.len || tok.gen_time[0])
		abort();
	for (const char *p = err.msg; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			abort();
	return 0;
}
