/* ossl.c - what the OpenSSL-speaking modules share (ossl.h). */
#include <stdio.h>

#include <openssl/err.h>

#include "ossl.h"

const char *cc_ossl_why(void)
{
	const char *r = ERR_reason_error_string(ERR_peek_error());

	return r ? r : "no reason given";
}

int cc_ossl_rfc3339(const ASN1_GENERALIZEDTIME *t, char *out, size_t size)
{
	const char *s;
	int n, frac = 0, w;

	if (!t || ASN1_STRING_type(t) != V_ASN1_GENERALIZEDTIME ||
	    !ASN1_GENERALIZEDTIME_check(t))
		return -1;
	s = (const char *)ASN1_STRING_get0_data(t);
	n = ASN1_STRING_length(t);
	if (n < 15 || s[n - 1] != 'Z')
		return -1;
	for (int i = 0; i < n - 1; i++)
		if ((s[i] < '0' || s[i] > '9') && !(i == 14 && s[i] == '.'))
			return -1;
	if (n > 15) {
		if (s[14] != '.' || n < 17)
			return -1;
		frac = n - 16;
	}
	if (frac > 9)
		frac = 9;
	w = snprintf(out, size, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2s%s%.*sZ", s,
		     s + 4, s + 6, s + 8, s + 10, s + 12, frac ? "." : "", frac,
		     s + 15);
	if (w < 0 || (size_t)w >= size) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}
