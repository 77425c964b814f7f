/*
 * vcode.h - the verification code of a certified copy (DESIGN.md,
 * "Verification code and QR"): 16 symbols of Crockford's base32 alphabet
 * (0-9 A-Z without I, L, O, U) in four groups, "7K3M-Q9TX-2B4D-X5Q1": 15
 * symbols of random data (75 bits from the OS CSPRNG) and a check symbol.
 *
 * The check symbol is no Crockford mod-37 check (its five extra symbols
 * *~$=U are not base32). Each symbol's value (its place in the alphabet,
 * 0..31) is taken as an element of GF(32) = GF(2)[x]/(x^5 + x^2 + 1); with
 * a = x, a primitive element, the check symbol c is
 *
 *	c = v0 a^15 + v1 a^14 + ... + v14 a^1	(sums are XOR)
 *
 * so that every code satisfies sum(v_i w_i) = 0 for the weights
 * w_i = a^(15-i), i = 0..15 (w_15 = 1 for the check symbol itself). It
 * detects every single wrong symbol and every swap of two different
 * symbols, adjacent or not (proof in vcode.c); a random string passes with
 * probability 1/32.
 */
#ifndef CC_VCODE_H
#define CC_VCODE_H

#include "error.h"

/* "XXXX-XXXX-XXXX-XXXX" and its NUL. */
#define CC_VCODE_SIZE 20
/* The 16 symbols without dashes. */
#define CC_VCODE_SYMBOLS 16
/* Crockford's base32 alphabet, in the order of the symbols' values. */
#define CC_VCODE_ALPHABET "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

/* A new code from 75 bits of getrandom(2) (OpenSSL's RAND_priv_bytes where
 * the kernel has no getrandom), in the canonical form, upper case with
 * dashes. No randomness to be had is CC_SYSTEM. Uniqueness is the
 * register's job: the code space (2^75) only makes a collision unlikely. */
int cc_vcode_new(char out[CC_VCODE_SIZE], struct cc_error *err);

/* Read a code typed, scanned or printed and write its canonical form to
 * out (which may be in itself). Lenient where people are, strict where a
 * slip would hide an error:
 *   - upper or lower case; O is read as 0, I and L as 1 (Crockford);
 *   - white space (space, tab, CR, LF) before and after the code ignored;
 *   - between two groups of four: nothing, white space, or one dash with
 *     white space around it or not ("7K3MQ9TX2B4DX5Q1",
 *     "7k3m q9tx-2b4d - x5q1");
 *   - nothing else: a separator inside a group or two dashes in a row, a
 *     symbol not in the alphabet (U among them), other than 16 symbols,
 *     and a wrong check symbol are CC_INPUT, with the input quoted
 *     ("verification code 'x' is not valid (check character)"); out is
 *     then "". No code at all (NULL, empty or white space) is CC_INPUT
 *     "no verification code". */
int cc_vcode_parse(const char *in, char out[CC_VCODE_SIZE],
		   struct cc_error *err);

#endif
