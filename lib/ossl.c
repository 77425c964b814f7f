/* ossl.c - what the OpenSSL-speaking modules share (ossl.h). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/objects.h>

#include "buf.h"
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

/* UTF-8 fit for a message: control characters and bad sequences '?',
 * cut to fit size (> 0) on a character boundary. */
static void printable_utf8(char *dst, size_t size, const unsigned char *s,
			   size_t len)
{
	size_t o = 0;

	while (len > 0 && o + 1 < size) {
		size_t n;
		uint32_t c = cc_utf8_next(s, len, &n);

		if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0xfffd) {
			dst[o++] = '?';
		} else {
			if (o + n >= size)
				break;
			memcpy(dst + o, s, n);
			o += n;
		}
		s += n;
		len -= n;
	}
	dst[o] = '\0';
}

void cc_ossl_name(const X509_NAME *name, char *out, size_t size)
{
	int i = -1, last = -1;
	unsigned char *utf8 = NULL;
	char *line;
	int n;

	out[0] = '\0';
	if (!name)
		return;
	while ((i = X509_NAME_get_index_by_NID(name, NID_commonName, i)) >= 0)
		last = i;
	if (last >= 0) {
		n = ASN1_STRING_to_UTF8(
			&utf8, X509_NAME_ENTRY_get_data(
				       X509_NAME_get_entry(name, last)));
		if (n > 0) {
			printable_utf8(out, size, utf8, (size_t)n);
			OPENSSL_free(utf8);
			return;
		}
		OPENSSL_free(utf8);
	}
	line = X509_NAME_oneline(name, NULL, 0);
	if (line)
		printable_utf8(out, size, (unsigned char *)line, strlen(line));
	OPENSSL_free(line);
}

void cc_ossl_cert_name(X509 *x, char *out, size_t size)
{
	cc_ossl_name(X509_get_subject_name(x), out, size);
}

int cc_ossl_time(const ASN1_TIME *t, time_t *out)
{
	struct tm tm;

	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return -1;
	*out = timegm(&tm);
	return 0;
}

void cc_ossl_fmt_time(time_t t, char *out, size_t size)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, size, "?");
}

int cc_ossl_no_password(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

enum cc_ess cc_ossl_ess_check(CMS_SignerInfo *si, X509 *signer,
			      STACK_OF(X509) * certs)
{
	const ASN1_STRING *a1, *a2;
	ESS_SIGNING_CERT *v1 = NULL;
	ESS_SIGNING_CERT_V2 *v2 = NULL;
	STACK_OF(X509) *chain = NULL;
	const unsigned char *p;
	enum cc_ess ret = CC_ESS_NOMEM;

	a1 = CMS_signed_get0_data_by_OBJ(
		si, OBJ_nid2obj(NID_id_smime_aa_signingCertificate), -3,
		V_ASN1_SEQUENCE);
	a2 = CMS_signed_get0_data_by_OBJ(
		si, OBJ_nid2obj(NID_id_smime_aa_signingCertificateV2), -3,
		V_ASN1_SEQUENCE);
	if (!a1 && !a2)
		return CC_ESS_ABSENT;
	if (a1) {
		p = ASN1_STRING_get0_data(a1);
		v1 = d2i_ESS_SIGNING_CERT(NULL, &p, ASN1_STRING_length(a1));
	}
	if (a2) {
		p = ASN1_STRING_get0_data(a2);
		v2 = d2i_ESS_SIGNING_CERT_V2(NULL, &p, ASN1_STRING_length(a2));
	}
	if ((a1 && !v1) || (a2 && !v2)) {
		ret = CC_ESS_MALFORMED;
		goto out;
	}
	/* The signer first, then the others, for the identifiers of a
	 * chain. */
	chain = sk_X509_new_null();
	if (!chain || !sk_X509_push(chain, signer))
		goto out;
	for (int i = 0; i < sk_X509_num(certs); i++) {
		X509 *x = sk_X509_value(certs, i);

		if (X509_cmp(x, signer) != 0 && !sk_X509_push(chain, x))
			goto out;
	}
	ret = OSSL_ESS_check_signing_certs(v1, v2, chain, 1) > 0
		      ? CC_ESS_OK
		      : CC_ESS_MISMATCH;
out:
	sk_X509_free(chain);
	ESS_SIGNING_CERT_free(v1);
	ESS_SIGNING_CERT_V2_free(v2);
	return ret;
}
