/*
 * test-digest.c - SHA-256 against the FIPS 180-2 examples, streaming in
 * pieces against one-shot, and the hex form used in manifests.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "digest.h"

static void hex_of(const void *data, size_t len, char hex[CC_SHA256_HEX])
{
	unsigned char md[CC_SHA256_LEN];

	assert_int_equal(cc_sha256(data, len, md), 0);
	cc_hex(md, sizeof(md), hex);
}

static void test_fips180_vectors(void **state)
{
	static const char two_blocks[] =
		"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char hex[CC_SHA256_HEX];

	(void)state;
	hex_of("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb924"
				 "27ae41e4649b934ca495991b7852b855");
	hex_of("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
				 "b00361a396177a9cb410ff61f20015ad");
	hex_of(two_blocks, strlen(two_blocks), hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039"
				 "a33ce45964ff2167f6ecedd419db06c1");
}

static void test_million_a_streamed(void **state)
{
	unsigned char chunk[1000], md[CC_SHA256_LEN];
	char hex[CC_SHA256_HEX];
	struct cc_sha256 *ctx = cc_sha256_new();

	(void)state;
	assert_non_null(ctx);
	memset(chunk, 'a', sizeof(chunk));
	for (int i = 0; i < 1000; i++)
		assert_int_equal(cc_sha256_update(ctx, chunk, sizeof(chunk)),
				 0);
	assert_int_equal(cc_sha256_final(ctx, md), 0);
	cc_hex(md, sizeof(md), hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
				 "f1809a48a497200e046d39ccc7112cd0");
}

static void test_pieces_equal_one_shot(void **state)
{
	/* Piece sizes around the 64-byte block, and empty updates. */
	static const size_t sizes[] = {0, 1, 63, 64, 65, 0, 127, 500, 3};
	size_t len = 0, off = 0;
	unsigned char *data, one[CC_SHA256_LEN], streamed[CC_SHA256_LEN];
	struct cc_sha256 *ctx;

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		len += sizes[i];
	data = malloc(len);
	assert_non_null(data);
	for (size_t i = 0; i < len; i++)
		data[i] = (unsigned char)(i * 31 + 7);
	assert_int_equal(cc_sha256(data, len, one), 0);

	ctx = cc_sha256_new();
	assert_non_null(ctx);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		assert_int_equal(cc_sha256_update(ctx, data + off, sizes[i]),
				 0);
		off += sizes[i];
	}
	assert_int_equal(cc_sha256_final(ctx, streamed), 0);
	assert_memory_equal(one, streamed, CC_SHA256_LEN);

	/* One byte changed anywhere changes the digest. */
	data[len / 2] ^= 1;
	assert_int_equal(cc_sha256(data, len, streamed), 0);
	assert_memory_not_equal(one, streamed, CC_SHA256_LEN);
	free(data);
}

static void test_free_without_final(void **state)
{
	struct cc_sha256 *ctx = cc_sha256_new();

	(void)state;
	assert_non_null(ctx);
	assert_int_equal(cc_sha256_update(ctx, "abc", 3), 0);
	/* An abandoned digest is freed whole (the sanitizer build checks). */
	cc_sha256_free(ctx);
	cc_sha256_free(NULL);
}

static void test_hex(void **state)
{
	static const unsigned char bytes[] = {0x00, 0x01, 0x7f, 0x80,
					      0xab, 0xcd, 0xef, 0xff};
	char hex[2 * sizeof(bytes) + 2];

	(void)state;
	memset(hex, '#', sizeof(hex));
	cc_hex(bytes, sizeof(bytes), hex);
	assert_string_equal(hex, "00017f80abcdefff");
	/* 2*len+1 bytes written, not one more. */
	assert_int_equal(hex[sizeof(hex) - 1], '#');

	memset(hex, '#', sizeof(hex));
	cc_hex(bytes, 0, hex);
	assert_string_equal(hex, "");
	assert_int_equal(hex[1], '#');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fips180_vectors),
		cmocka_unit_test(test_million_a_streamed),
		cmocka_unit_test(test_pieces_equal_one_shot),
		cmocka_unit_test(test_free_without_final),
		cmocka_unit_test(test_hex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
