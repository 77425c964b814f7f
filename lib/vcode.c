/*
 * vcode.c - verification codes (vcode.h): made from the OS CSPRNG, read
 * leniently, checked by a check symbol over GF(32).
 *
 * Why GF(32) and not a weighted sum mod 32. A linear check sum(w_i v_i)
 * catches every single substitution v_i -> v_i + e (e != 0) iff w_i e != 0
 * for every e != 0, i.e. iff each w_i is invertible; it catches every
 * adjacent transposition iff (w_i - w_i+1)(v_i - v_i+1) != 0 for all
 * v_i != v_i+1, i.e. iff w_i - w_i+1 is invertible too. In Z/32 the
 * invertible elements are the odd numbers, and two odd weights differ by an
 * even number: no mod-32 weighting does both. In the field GF(32) every
 * non-zero element is invertible and there are no zero divisors, so it
 * suffices that the weights be non-zero and distinct.
 *
 * Proof for the weights used, w_i = a^(15-i) (i = 0..15), a = x in
 * GF(2)[x]/(x^5 + x^2 + 1). The polynomial is primitive: the order of a
 * divides 31, a prime, and a != 1, so a has order 31 and a^0 .. a^15 are 16
 * distinct non-zero elements. A code is valid iff its syndrome
 * S = sum(w_i v_i) is 0 (addition is XOR, so -y = y).
 *   - One symbol changed, v_i -> v_i + e with e != 0: S changes by w_i e,
 *     a product of two non-zero field elements, never 0.
 *   - Two different symbols v_i != v_j swapped (i != j, adjacent or not):
 *     S changes by w_i v_j + w_j v_i + w_i v_i + w_j v_j
 *     = (w_i + w_j)(v_i + v_j), non-zero since w_i != w_j and v_i != v_j.
 *   - (Also a "twin error" aa -> bb at i, j: S changes by (w_i + w_j)(a + b)
 *     != 0.)
 * Not every double substitution is caught: one in 32 random strings
 * passes. test-vcode.c checks the first two claims exhaustively over many
 * codes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "vcode.h"

#define GROUP 4
#define QUOTE_MAX 40 /* bytes of a bad input shown in a message */

static const char alphabet[] = CC_VCODE_ALPHABET;

/* x * a in GF(32) = GF(2)[x]/(x^5 + x^2 + 1). */
static unsigned times_a(unsigned v)
{
	v <<= 1;
	if (v & 0x20)
		v ^= 0x25;
	return v;
}

/* The check symbol's value for data symbols v[0..14], by Horner's rule:
 * ((v0 a + v1) a + ... + v14) a = sum v_i a^(15-i). */
static unsigned check_of(const unsigned char v[CC_VCODE_SYMBOLS - 1])
{
	unsigned acc = 0;

	for (int i = 0; i < CC_VCODE_SYMBOLS - 1; i++)
		acc = times_a(acc ^ v[i]);
	return acc;
}

/* The canonical form of 16 symbol values. */
static void format(const unsigned char v[CC_VCODE_SYMBOLS],
		   char out[CC_VCODE_SIZE])
{
	char *o = out;

	for (int i = 0; i < CC_VCODE_SYMBOLS; i++) {
		if (i && i % GROUP == 0)
			*o++ = '-';
		*o++ = alphabet[v[i] & 31];
	}
	*o = '\0';
}

static int random_bytes(unsigned char *buf, size_t len, struct cc_error *err)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = getrandom(buf + got, len - got, 0);

		if (n > 0) {
			got += (size_t)n;
		} else if (n < 0 && errno == ENOSYS) {
			/* An old kernel: OpenSSL's private generator, which
			 * seeds itself from the OS. */
			if (RAND_priv_bytes(buf, (int)len) != 1)
				return cc_error_set(err, CC_SYSTEM,
						    "cannot get random bytes "
						    "from OpenSSL");
			return CC_OK;
		} else if (n == 0 || errno != EINTR) {
			return cc_error_set(err, CC_SYSTEM,
					    "cannot get random bytes: %s",
					    n ? strerror(errno) : "none given");
		}
	}
	return CC_OK;
}

int cc_vcode_new(char out[CC_VCODE_SIZE], struct cc_error *err)
{
	unsigned char rnd[10], v[CC_VCODE_SYMBOLS];
	uint64_t hi;
	unsigned lo;
	int rc;

	out[0] = '\0';
	if ((rc = random_bytes(rnd, sizeof(rnd), err)))
		return rc;
	/* 80 bits, of which the first 75 make 15 symbols of 5 bits. */
	hi = 0;
	for (int i = 0; i < 8; i++)
		hi = hi << 8 | rnd[i];
	lo = (unsigned)rnd[8] << 8 | rnd[9];
	for (int i = 0; i < 12; i++)
		v[i] = (unsigned char)(hi >> (59 - 5 * i) & 31);
	/* Bits 60..63 of hi and the first bits of lo. */
	v[12] = (unsigned char)((hi & 15) << 1 | lo >> 15);
	v[13] = (unsigned char)(lo >> 10 & 31);
	v[14] = (unsigned char)(lo >> 5 & 31);
	v[15] = (unsigned char)check_of(v);
	format(v, out);
	OPENSSL_cleanse(rnd, sizeof(rnd));
	return CC_OK;
}

/* A symbol's value, -1 for a byte that is none. */
static int value_of(unsigned char c)
{
	const char *p;

	if (c >= 'a' && c <= 'z')
		c = (unsigned char)(c - 'a' + 'A');
	if (c == 'O')
		return 0;
	if (c == 'I' || c == 'L')
		return 1;
	if (!c || !(p = strchr(alphabet, c)))
		return -1;
	return (int)(p - alphabet);
}

static int is_white(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The input for a message: at most QUOTE_MAX bytes, white space around it
 * dropped, bytes other than printable ASCII shown as '?'. */
static void quote(const char *in, char *q, size_t size)
{
	size_t n = strlen(in), o = 0;

	while (n && is_white((unsigned char)in[n - 1]))
		n--;
	while (n && is_white((unsigned char)*in))
		in++, n--;
	for (size_t i = 0; i < n && o + 4 < size; i++) {
		unsigned char c = (unsigned char)in[i];

		if (i == QUOTE_MAX) {
			memcpy(q + o, "...", 3);
			o += 3;
			break;
		}
		q[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	q[o] = '\0';
}

static int invalid(const char *in, char *out, struct cc_error *err,
		   const char *why, int c)
{
	char q[QUOTE_MAX + 8], what[64];

	quote(in, q, sizeof(q));
	if (c >= 0) {
		if (c > 0x20 && c < 0x7f)
			snprintf(what, sizeof(what),
				 "'%c' is not one of its characters", c);
		else
			snprintf(what, sizeof(what),
				 "byte 0x%02x is not one of its characters",
				 (unsigned)c);
		why = what;
	}
	cc_error_set(err, CC_INPUT, "verification code '%s' is not valid (%s)",
		     q, why);
	out[0] = '\0';
	return CC_INPUT;
}

int cc_vcode_parse(const char *in, char out[CC_VCODE_SIZE],
		   struct cc_error *err)
{
	unsigned char v[CC_VCODE_SYMBOLS];
	const unsigned char *p = (const unsigned char *)in;
	int n = 0, sep = 0, dash = 0;

	if (!in) {
		out[0] = '\0';
		return cc_error_set(err, CC_INPUT, "no verification code");
	}
	while (is_white(*p))
		p++;
	if (!*p) {
		out[0] = '\0';
		return cc_error_set(err, CC_INPUT, "no verification code");
	}
	for (; *p; p++) {
		int x;

		if (is_white(*p)) {
			sep = 1;
			continue;
		}
		if (*p == '-') {
			/* A dash only between groups, once. */
			if (dash || n == 0 || n % GROUP ||
			    n == CC_VCODE_SYMBOLS)
				return invalid(in, out, err,
					       "misplaced separator", -1);
			sep = dash = 1;
			continue;
		}
		if ((x = value_of(*p)) < 0)
			return invalid(in, out, err, NULL, *p);
		if (n == CC_VCODE_SYMBOLS)
			return invalid(in, out, err, "more than 16 characters",
				       -1);
		if (sep && n % GROUP)
			return invalid(in, out, err, "misplaced separator", -1);
		v[n++] = (unsigned char)x;
		sep = dash = 0;
	}
	if (dash)
		return invalid(in, out, err, "misplaced separator", -1);
	if (n < CC_VCODE_SYMBOLS) {
		char why[32];

		snprintf(why, sizeof(why), "%d characters, not 16", n);
		return invalid(in, out, err, why, -1);
	}
	if (check_of(v) != v[CC_VCODE_SYMBOLS - 1])
		return invalid(in, out, err, "check character", -1);
	format(v, out);
	return CC_OK;
}
