/*
 * signer.c - the signer's key and certificate from a PKCS#12 file or a
 * PKCS#11 token, and the PINs that open them (see signer.h for the rules).
 * OpenSSL's and libp11's errors are translated here and their error queue
 * left empty; the only output is the PIN prompt on /dev/tty.
 */
#include "signer.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libp11.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/proverr.h>
#include <openssl/provider.h>
#include <openssl/x509v3.h>

#include "buf.h"

/* PKCS#11 return values, which libp11 reports as error reasons. */
#define P11_PIN_INCORRECT 0xa0
#define P11_PIN_INVALID 0xa1
#define P11_PIN_LEN_RANGE 0xa2
#define P11_PIN_EXPIRED 0xa3
#define P11_PIN_LOCKED 0xa4

struct cc_signer {
	EVP_PKEY *key;
	X509 *cert;
	STACK_OF(X509) * chain;
	char *name;
	/* Loaded for a legacy PKCS#12 file only, unloaded at close. */
	OSSL_PROVIDER *legacy, *deflt;
	/* A token: the module stays loaded and logged in while the key is
	 * used; the key refers to the slot's objects. */
	PKCS11_CTX *p11;
	int p11_loaded;
	PKCS11_SLOT *slots;
	unsigned int nslots;
};

/* --- messages --- */

/* s fit for a message: control characters as '?', cut (at a character
 * boundary) to fit size. */
static const char *shown(const char *s, char *buf, size_t size)
{
	size_t i, n = 0;

	for (i = 0; s[i] && n + 4 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		buf[n++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	if (s[i]) {
		while (n > 0 && ((unsigned char)buf[n - 1] & 0xc0) == 0x80)
			n--;
		if (n > 0 && (unsigned char)buf[n - 1] >= 0xc0)
			n--;
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

enum ossl_why {
	WHY_OTHER,
	WHY_UNSUPPORTED, /* an algorithm no loaded provider has */
	WHY_DECRYPT,	 /* decryption failed: wrong password or damage */
};

/* What OpenSSL's error queue says (its first reason into reason), and the
 * queue emptied. WHY_OTHER with "" when the queue was empty. */
static enum ossl_why ossl_why(char *reason, size_t size)
{
	enum ossl_why why = WHY_OTHER;
	unsigned long e;

	reason[0] = '\0';
	while ((e = ERR_get_error()) != 0) {
		int lib = ERR_GET_LIB(e), r = ERR_GET_REASON(e);
		const char *s = ERR_reason_error_string(e);

		if (r == ERR_R_UNSUPPORTED ||
		    (lib == ERR_LIB_EVP && (r == EVP_R_UNSUPPORTED_ALGORITHM ||
					    r == EVP_R_UNSUPPORTED_CIPHER ||
					    r == EVP_R_UNKNOWN_CIPHER)))
			why = WHY_UNSUPPORTED;
		else if (why == WHY_OTHER &&
			 ((lib == ERR_LIB_PKCS12 &&
			   r == PKCS12_R_PKCS12_CIPHERFINAL_ERROR) ||
			  (lib == ERR_LIB_PROV && r == PROV_R_BAD_DECRYPT) ||
			  (lib == ERR_LIB_EVP && r == EVP_R_BAD_DECRYPT)))
			why = WHY_DECRYPT;
		if (!reason[0])
			snprintf(reason, size, "%s", s ? s : "unknown error");
	}
	return why;
}

/* The reason of OpenSSL's first error, and the queue emptied. */
static const char *ossl_reason(char *buf, size_t size)
{
	ossl_why(buf, size);
	if (!buf[0])
		snprintf(buf, size, "unknown error");
	return buf;
}

/* The PIN for what (a file name or a token label) from pin_file, else
 * typed at the terminal. */
static char *get_pin(const char *pin_file, const char *what,
		     struct cc_error *err)
{
	char prompt[300], name[256];

	if (pin_file)
		return cc_secret_read_file(pin_file, err);
	snprintf(prompt, sizeof(prompt),
		 "PIN for '%s': ", shown(what, name, sizeof(name)));
	return cc_secret_prompt(prompt, err);
}

/* --- certificates --- */

/* The subject's last CN in UTF-8, else the subject on one line (UTF-8
 * unescaped); malloc'd, NULL only when out of memory. */
static char *cert_name(X509 *x)
{
	const X509_NAME *subject = X509_get_subject_name(x);
	int i = -1, last = -1;
	unsigned char *u = NULL;
	char *s = NULL, *data;
	long len;
	BIO *b;

	while ((i = X509_NAME_get_index_by_NID(subject, NID_commonName, i)) >=
	       0)
		last = i;
	if (last >= 0) {
		const ASN1_STRING *cn = X509_NAME_ENTRY_get_data(
			X509_NAME_get_entry(subject, last));
		int n = ASN1_STRING_to_UTF8(&u, cn);

		if (n > 0 && !memchr(u, '\0', (size_t)n))
			s = strndup((char *)u, (size_t)n);
		OPENSSL_free(u);
		ERR_clear_error();
		if (s)
			return s;
	}
	b = BIO_new(BIO_s_mem());
	if (!b)
		return NULL;
	if (X509_NAME_print_ex(b, subject, 0,
			       XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		len = BIO_get_mem_data(b, &data);
		if (len >= 0)
			s = strndup(data, (size_t)len);
	}
	BIO_free(b);
	ERR_clear_error();
	return s;
}

static void asn1_date(const ASN1_TIME *t, char *buf, size_t size)
{
	struct tm tm;

	if (!ASN1_TIME_to_tm(t, &tm) || !strftime(buf, size, "%Y-%m-%d", &tm))
		snprintf(buf, size, "?");
}

/* May x sign at now? CC_OK, or CC_SYSTEM with why (err may be NULL). */
static int check_cert(X509 *x, time_t now, struct cc_error *err)
{
	char *name = cert_name(x), who[96], date[32];
	uint32_t flags = X509_get_extension_flags(x);
	int rc = CC_SYSTEM;

	shown(name ? name : "?", who, sizeof(who));
	if (flags & EXFLAG_INVALID) {
		cc_error_set(err, rc,
			     "certificate '%s' has malformed extensions", who);
	} else if (X509_cmp_time(X509_get0_notBefore(x), &now) >= 0) {
		asn1_date(X509_get0_notBefore(x), date, sizeof(date));
		cc_error_set(err, rc, "certificate '%s' is not valid before %s",
			     who, date);
	} else if (X509_cmp_time(X509_get0_notAfter(x), &now) <= 0) {
		asn1_date(X509_get0_notAfter(x), date, sizeof(date));
		cc_error_set(err, rc, "certificate '%s' expired on %s", who,
			     date);
	} else if ((flags & EXFLAG_KUSAGE) &&
		   !(X509_get_key_usage(x) &
		     (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION))) {
		cc_error_set(err, rc,
			     "certificate '%s' may not sign: its keyUsage has "
			     "neither digitalSignature nor nonRepudiation",
			     who);
	} else {
		rc = CC_OK;
	}
	free(name);
	ERR_clear_error();
	return rc;
}

/* Is k the private key of x's public key? */
static int key_matches(X509 *x, EVP_PKEY *k)
{
	int r;

	ERR_set_mark();
	r = X509_check_private_key(x, k);
	ERR_pop_to_mark();
	return r == 1;
}

/* Add x (one more reference) to pool unless it is there. 0, or -1. */
static int pool_add(STACK_OF(X509) * pool, X509 *x)
{
	for (int i = 0; i < sk_X509_num(pool); i++)
		if (!X509_cmp(sk_X509_value(pool, i), x))
			return 0;
	if (!X509_up_ref(x))
		return -1;
	if (!sk_X509_push(pool, x)) {
		X509_free(x);
		return -1;
	}
	return 0;
}

/* The certificates of a PEM (any number) or DER (one or more, back to
 * back) file, added to pool. */
static int read_chain_file(const char *path, STACK_OF(X509) * pool,
			   struct cc_error *err)
{
	unsigned char *data = NULL;
	size_t len = 0, cap = 0;
	int count = 0, rc = CC_SYSTEM;
	char reason[128];
	X509 *x = NULL;
	BIO *b = NULL;
	FILE *f = fopen(path, "rb");

	if (!f)
		return cc_error_set(err, CC_SYSTEM, "cannot open '%s': %s",
				    path, strerror(errno));
	for (;;) {
		if (len == cap) {
			unsigned char *p;

			if (cap >= (8u << 20)) {
				cc_error_set(err, rc,
					     "'%s' is too large for a "
					     "certificate file",
					     path);
				goto out;
			}
			cap = cap ? 2 * cap : 16384;
			p = realloc(data, cap);
			if (!p) {
				cc_error_set(err, rc, "out of memory");
				goto out;
			}
			data = p;
		}
		size_t n = fread(data + len, 1, cap - len, f);

		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		cc_error_set(err, rc, "cannot read '%s': %s", path,
			     strerror(errno));
		goto out;
	}
	if (len >= 10 && memmem(data, len, "-----BEGIN", 10)) {
		b = BIO_new_mem_buf(data, (int)len);
		while (b && (x = PEM_read_bio_X509(b, NULL, NULL, NULL))) {
			if (pool_add(pool, x))
				goto oom;
			X509_free(x);
			x = NULL;
			count++;
		}
		unsigned long e = ERR_peek_last_error();

		if (!b || ERR_GET_REASON(e) != PEM_R_NO_START_LINE || !count) {
			ERR_clear_error();
			cc_error_set(err, rc, "'%s' holds no certificate",
				     path);
			goto out;
		}
		ERR_clear_error();
	} else {
		const unsigned char *p = data, *end = data + len;

		while (p < end) {
			x = d2i_X509(NULL, &p, end - p);
			if (!x) {
				cc_error_set(
					err, rc,
					"'%s' is not a certificate file "
					"(PEM or DER): %s",
					path,
					ossl_reason(reason, sizeof(reason)));
				goto out;
			}
			if (pool_add(pool, x))
				goto oom;
			X509_free(x);
			x = NULL;
		}
		if (p == data) {
			cc_error_set(err, rc, "'%s' holds no certificate",
				     path);
			goto out;
		}
	}
	rc = CC_OK;
	goto out;
oom:
	cc_error_set(err, rc, "out of memory");
out:
	X509_free(x);
	BIO_free(b);
	free(data);
	fclose(f);
	return rc;
}

/* The chain: the path from leaf's issuer upward as far as pool holds it,
 * then the rest of pool in order; leaf itself left out. Takes pool's
 * references. */
static STACK_OF(X509) * order_chain(X509 *leaf, STACK_OF(X509) * pool)
{
	STACK_OF(X509) *out = sk_X509_new_null();
	X509 *cur = leaf, *x;
	int i;

	if (!out)
		return NULL;
	for (i = 0; i < sk_X509_num(pool); i++)
		if (!X509_cmp(sk_X509_value(pool, i), leaf))
			X509_free(sk_X509_delete(pool, i--));
	ERR_set_mark();
	while (X509_check_issued(cur, cur) != X509_V_OK) {
		for (i = 0; i < sk_X509_num(pool); i++)
			if (X509_check_issued(sk_X509_value(pool, i), cur) ==
			    X509_V_OK)
				break;
		if (i == sk_X509_num(pool))
			break;
		x = sk_X509_delete(pool, i);
		if (!sk_X509_push(out, x)) {
			X509_free(x);
			goto fail;
		}
		cur = x;
	}
	ERR_pop_to_mark();
	while ((x = sk_X509_shift(pool)) != NULL)
		if (!sk_X509_push(out, x)) {
			X509_free(x);
			goto fail;
		}
	return out;
fail:
	sk_X509_pop_free(out, X509_free);
	return NULL;
}

/* Of the certificates in certs that key signs for, one that may sign at
 * now, else the first (NULL: none). */
static X509 *pick_cert(STACK_OF(X509) * certs, EVP_PKEY *key, time_t now)
{
	X509 *first = NULL;

	for (int i = 0; i < sk_X509_num(certs); i++) {
		X509 *x = sk_X509_value(certs, i);

		if (!key_matches(x, key))
			continue;
		if (check_cert(x, now, NULL) == CC_OK)
			return x;
		if (!first)
			first = x;
	}
	return first;
}

/* --- PKCS#12 --- */

struct p12_found {
	EVP_PKEY **keys;
	size_t nkeys, cap;
	STACK_OF(X509) * certs;
};

static void p12_found_clear(struct p12_found *f)
{
	for (size_t i = 0; i < f->nkeys; i++)
		EVP_PKEY_free(f->keys[i]);
	free(f->keys);
	f->keys = NULL;
	f->nkeys = f->cap = 0;
	sk_X509_pop_free(f->certs, X509_free);
	f->certs = NULL;
}

static int p12_key_add(struct p12_found *f, EVP_PKEY *k)
{
	if (f->nkeys == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 4;
		EVP_PKEY **p = realloc(f->keys, cap * sizeof(*p));

		if (!p)
			return -1;
		f->keys = p;
		f->cap = cap;
	}
	f->keys[f->nkeys++] = k;
	return 0;
}

/* Keys and X.509 certificates of bags into f; -1 with OpenSSL's error
 * queue saying why. */
static int p12_bags(const STACK_OF(PKCS12_SAFEBAG) * bags, const char *pass,
		    struct p12_found *f, int depth)
{
	for (int i = 0; i < sk_PKCS12_SAFEBAG_num(bags); i++) {
		const PKCS12_SAFEBAG *bag = sk_PKCS12_SAFEBAG_value(bags, i);
		PKCS8_PRIV_KEY_INFO *p8;
		EVP_PKEY *k;
		X509 *x;

		switch (PKCS12_SAFEBAG_get_nid(bag)) {
		case NID_keyBag:
		case NID_pkcs8ShroudedKeyBag:
			if (PKCS12_SAFEBAG_get_nid(bag) == NID_keyBag) {
				k = EVP_PKCS82PKEY(
					PKCS12_SAFEBAG_get0_p8inf(bag));
			} else {
				p8 = PKCS12_decrypt_skey(bag, pass, -1);
				if (!p8)
					return -1;
				k = EVP_PKCS82PKEY(p8);
				PKCS8_PRIV_KEY_INFO_free(p8);
			}
			if (!k || p12_key_add(f, k)) {
				EVP_PKEY_free(k);
				return -1;
			}
			break;
		case NID_certBag:
			if (PKCS12_SAFEBAG_get_bag_nid(bag) !=
			    NID_x509Certificate)
				break;
			x = PKCS12_SAFEBAG_get1_cert(bag);
			if (!x || !sk_X509_push(f->certs, x)) {
				X509_free(x);
				return -1;
			}
			break;
		case NID_safeContentsBag:
			if (depth >= 3 ||
			    p12_bags(PKCS12_SAFEBAG_get0_safes(bag), pass, f,
				     depth + 1))
				return -1;
			break;
		default: /* CRLs, secrets: not ours */
			break;
		}
	}
	return 0;
}

static int p12_contents(PKCS12 *p12, const char *pass, struct p12_found *f)
{
	STACK_OF(PKCS7) *safes = PKCS12_unpack_authsafes(p12);
	int rc = -1;

	f->certs = sk_X509_new_null();
	if (!safes || !f->certs)
		goto out;
	for (int i = 0; i < sk_PKCS7_num(safes); i++) {
		PKCS7 *p7 = sk_PKCS7_value(safes, i);
		STACK_OF(PKCS12_SAFEBAG) * bags;
		int r;

		if (PKCS7_type_is_data(p7))
			bags = PKCS12_unpack_p7data(p7);
		else if (PKCS7_type_is_encrypted(p7))
			bags = PKCS12_unpack_p7encdata(p7, pass, -1);
		else
			continue; /* public-key privacy mode: not for us */
		if (!bags)
			goto out;
		r = p12_bags(bags, pass, f, 0);
		sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
		if (r)
			goto out;
	}
	rc = 0;
out:
	sk_PKCS7_pop_free(safes, PKCS7_free);
	return rc;
}

/* RC2 and friends live in OpenSSL 3's legacy provider; loading it stops
 * the implicit default provider, so both, for this signer only. */
static int load_legacy(struct cc_signer *s, const char *path,
		       struct cc_error *err)
{
	char reason[128];

	s->legacy = OSSL_PROVIDER_load(NULL, "legacy");
	if (s->legacy)
		s->deflt = OSSL_PROVIDER_load(NULL, "default");
	if (!s->legacy || !s->deflt)
		return cc_error_set(err, CC_SYSTEM,
				    "'%s' uses legacy encryption (RC2) and "
				    "OpenSSL's legacy provider cannot be "
				    "loaded: %s",
				    path, ossl_reason(reason, sizeof(reason)));
	return CC_OK;
}

static int open_p12(struct cc_signer *s, const struct cc_signer_opts *o,
		    time_t now, STACK_OF(X509) * pool, struct cc_error *err)
{
	const char *path = o->key, *pass;
	struct p12_found f = {0};
	char *pin = NULL, reason[128];
	int mac, rc = CC_SYSTEM;
	PKCS12 *p12;
	X509 *cert = NULL;
	EVP_PKEY *key = NULL;
	FILE *fp = fopen(path, "rb");

	if (!fp)
		return cc_error_set(err, rc, "cannot open '%s': %s", path,
				    strerror(errno));
	p12 = d2i_PKCS12_fp(fp, NULL);
	fclose(fp);
	if (!p12) {
		ERR_clear_error();
		return cc_error_set(err, rc, "'%s' is not a PKCS#12 file",
				    path);
	}

	/* A MAC that checks with no password: no PIN to ask for. */
	mac = PKCS12_mac_present(p12);
	if (!o->pin_file && mac && PKCS12_verify_mac(p12, NULL, 0)) {
		pass = NULL;
	} else if (!o->pin_file && mac && PKCS12_verify_mac(p12, "", 0)) {
		pass = "";
	} else {
		ERR_clear_error();
		pin = get_pin(o->pin_file, path, err);
		if (!pin)
			goto out;
		pass = pin;
		/* A wrong password fails the MAC without an error queued. */
		if (mac && !PKCS12_verify_mac(p12, pin, -1)) {
			if (ossl_why(reason, sizeof(reason)) == WHY_OTHER &&
			    !reason[0])
				cc_error_set(err, rc, "wrong PIN for '%s'",
					     path);
			else
				cc_error_set(err, rc,
					     "cannot check the integrity of "
					     "'%s': %s",
					     path, reason);
			goto out;
		}
	}
	ERR_clear_error();
	while (p12_contents(p12, pass, &f)) {
		enum ossl_why why = ossl_why(reason, sizeof(reason));

		p12_found_clear(&f);
		if (why == WHY_UNSUPPORTED && !s->legacy) {
			if (load_legacy(s, path, err))
				goto out;
			continue;
		}
		if (why == WHY_DECRYPT && !mac)
			cc_error_set(err, rc, "wrong PIN for '%s'", path);
		else if (why == WHY_UNSUPPORTED)
			cc_error_set(err, rc,
				     "'%s' is encrypted in a way "
				     "OpenSSL cannot decrypt: %s",
				     path, reason);
		else
			cc_error_set(err, rc, "'%s' is damaged: %s", path,
				     reason[0] ? reason : "unknown error");
		goto out;
	}
	cc_secret_free(pin);
	pin = NULL;

	if (!f.nkeys) {
		cc_error_set(err, rc, "'%s' holds no private key", path);
		goto out;
	}
	if (!sk_X509_num(f.certs)) {
		cc_error_set(err, rc, "'%s' holds no certificate", path);
		goto out;
	}
	/* Several keys: the first with a certificate that may sign. */
	for (size_t i = 0; i < f.nkeys; i++) {
		X509 *x = pick_cert(f.certs, f.keys[i], now);
		int ok = x && check_cert(x, now, NULL) == CC_OK;

		if (x && (!cert || ok)) {
			cert = x;
			key = f.keys[i];
		}
		if (ok)
			break;
	}
	if (!cert) {
		cc_error_set(err, rc,
			     "the certificate in '%s' does not match its "
			     "private key",
			     path);
		goto out;
	}
	if (check_cert(cert, now, err))
		goto out;
	for (int i = 0; i < sk_X509_num(f.certs); i++)
		if (pool_add(pool, sk_X509_value(f.certs, i))) {
			cc_error_set(err, rc, "out of memory");
			goto out;
		}
	if (!EVP_PKEY_up_ref(key)) {
		cc_error_set(err, rc, "out of memory");
		goto out;
	}
	s->key = key;
	if (!X509_up_ref(cert)) {
		cc_error_set(err, rc, "out of memory");
		goto out;
	}
	s->cert = cert;
	rc = CC_OK;
out:
	cc_secret_free(pin);
	p12_found_clear(&f);
	PKCS12_free(p12);
	ERR_clear_error();
	return rc;
}

/* --- PKCS#11 --- */

struct p11_uri {
	char *token, *manufacturer, *serial, *model, *object, *slot_desc,
		*slot_manuf;
	char *id;
	size_t id_len;
	char *type;
	char *slot_id;
	unsigned long slot_num;
	char *module_path, *pin_source;
};

static void uri_free(struct p11_uri *u)
{
	free(u->token);
	free(u->manufacturer);
	free(u->serial);
	free(u->model);
	free(u->object);
	free(u->slot_desc);
	free(u->slot_manuf);
	free(u->id);
	free(u->type);
	free(u->slot_id);
	free(u->module_path);
	free(u->pin_source);
}

/* Percent-decode s[0..n) into a new NUL-terminated *out of *len bytes;
 * text refuses NUL bytes. 0, or -1 for bad syntax or memory. */
static int pct_decode(const char *s, size_t n, int text, char **out,
		      size_t *len)
{
	char *d = malloc(n + 1);
	size_t k = 0;

	if (!d)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '%') {
			d[k++] = s[i];
			continue;
		}
		if (n - i < 3 || cc_hexval(s[i + 1]) < 0 ||
		    cc_hexval(s[i + 2]) < 0) {
			free(d);
			return -1;
		}
		d[k++] = (char)(cc_hexval(s[i + 1]) << 4 | cc_hexval(s[i + 2]));
		i += 2;
	}
	d[k] = '\0';
	if (text && memchr(d, '\0', k)) {
		free(d);
		return -1;
	}
	*out = d;
	*len = k;
	return 0;
}

static const struct {
	const char *name;
	size_t off;
} path_attrs[] = {
	{"token", offsetof(struct p11_uri, token)},
	{"manufacturer", offsetof(struct p11_uri, manufacturer)},
	{"serial", offsetof(struct p11_uri, serial)},
	{"model", offsetof(struct p11_uri, model)},
	{"object", offsetof(struct p11_uri, object)},
	{"id", offsetof(struct p11_uri, id)},
	{"type", offsetof(struct p11_uri, type)},
	{"slot-id", offsetof(struct p11_uri, slot_id)},
	{"slot-description", offsetof(struct p11_uri, slot_desc)},
	{"slot-manufacturer", offsetof(struct p11_uri, slot_manuf)},
};

static int attr_is(const char *a, size_t n, const char *name)
{
	return strlen(name) == n && !memcmp(a, name, n);
}

/* One "name=value" of the URI's path or (query) query part into u. */
static int uri_attr(struct p11_uri *u, const char *a, size_t n, int query,
		    struct cc_error *err)
{
	const char *eq = memchr(a, '=', n);
	size_t nlen, vlen;
	char **field = NULL, *v;

	if (!eq)
		return cc_error_set(err, CC_USAGE,
				    "pkcs11 URI attribute '%.*s' has no value",
				    (int)n, a);
	nlen = (size_t)(eq - a);
	if (query && attr_is(a, nlen, "pin-value"))
		return cc_error_set(err, CC_USAGE,
				    "pkcs11 URI with pin-value refused: a PIN "
				    "never goes on the command line (use "
				    "pin-source or --pin-file)");
	if (query && attr_is(a, nlen, "module-name"))
		return cc_error_set(err, CC_USAGE,
				    "pkcs11 URI attribute module-name is not "
				    "supported: give module-path or --module");
	if (query && attr_is(a, nlen, "module-path"))
		field = &u->module_path;
	else if (query && attr_is(a, nlen, "pin-source"))
		field = &u->pin_source;
	else if (query)
		return CC_OK; /* RFC 7512: other query attributes are hints */
	for (size_t i = 0;
	     !query && i < sizeof(path_attrs) / sizeof(path_attrs[0]); i++)
		if (attr_is(a, nlen, path_attrs[i].name))
			field = (char **)((char *)u + path_attrs[i].off);
	if (!field)
		return cc_error_set(err, CC_USAGE,
				    "unknown pkcs11 URI attribute '%.*s'",
				    (int)nlen, a);
	if (*field)
		return cc_error_set(err, CC_USAGE,
				    "pkcs11 URI attribute '%.*s' given twice",
				    (int)nlen, a);
	if (pct_decode(eq + 1, n - nlen - 1, field != &u->id, &v, &vlen))
		return cc_error_set(err, CC_USAGE,
				    "bad percent-encoding in pkcs11 URI "
				    "attribute '%.*s'",
				    (int)nlen, a);
	*field = v;
	if (field == &u->id)
		u->id_len = vlen;
	return CC_OK;
}

static int uri_parse(const char *uri, struct p11_uri *u, struct cc_error *err)
{
	const char *path = uri + 7, *q = strchr(path, '?'), *a, *end;
	const char *pend = q ? q : path + strlen(path);
	char *e;
	int rc;

	/* The query first, so that pin-value is refused whatever else. */
	for (a = q ? q + 1 : NULL; a; a = *end ? end + 1 : NULL) {
		end = a + strcspn(a, "&");
		if (end > a && (rc = uri_attr(u, a, (size_t)(end - a), 1, err)))
			return rc;
	}
	for (a = path; a < pend; a = end + 1) {
		end = memchr(a, ';', (size_t)(pend - a));
		if (!end)
			end = pend;
		if (end > a && (rc = uri_attr(u, a, (size_t)(end - a), 0, err)))
			return rc;
	}
	if (u->type && strcmp(u->type, "private") && strcmp(u->type, "cert"))
		return cc_error_set(err, CC_USAGE,
				    "pkcs11 URI type '%s' is not a private key "
				    "or a certificate",
				    u->type);
	if (u->slot_id) {
		errno = 0;
		u->slot_num = strtoul(u->slot_id, &e, 10);
		if (!*u->slot_id || *e || errno || u->slot_id[0] == '-')
			return cc_error_set(err, CC_USAGE,
					    "pkcs11 URI slot-id '%s' is not a "
					    "number",
					    u->slot_id);
	}
	if (u->pin_source) {
		char *p = u->pin_source;

		if (p[0] == '|')
			return cc_error_set(err, CC_USAGE,
					    "pkcs11 URI pin-source '%s': a "
					    "command is not supported, give a "
					    "file",
					    p);
		if (!strncmp(p, "file://localhost/", 17))
			memmove(p, p + 16, strlen(p + 16) + 1);
		else if (!strncmp(p, "file://", 7))
			memmove(p, p + 7, strlen(p + 7) + 1);
		else if (!strncmp(p, "file:", 5))
			memmove(p, p + 5, strlen(p + 5) + 1);
		if (!*p)
			return cc_error_set(err, CC_USAGE,
					    "pkcs11 URI pin-source is empty");
	}
	return CC_OK;
}

/* p11-kit's proxy module, which reaches every module p11-kit knows. */
static const char *const proxy_modules[] = {
	"/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so",
	"/usr/lib/aarch64-linux-gnu/p11-kit-proxy.so",
	"/usr/lib/arm-linux-gnueabihf/p11-kit-proxy.so",
	"/usr/lib/i386-linux-gnu/p11-kit-proxy.so",
	"/usr/lib64/p11-kit-proxy.so",
	"/usr/lib/p11-kit-proxy.so",
	"/usr/local/lib/p11-kit-proxy.so",
};

static int str_matches(const char *want, const char *have)
{
	return !want || (have && !strcmp(want, have));
}

static int obj_matches(const struct p11_uri *u, const char *label,
		       const unsigned char *id, size_t id_len)
{
	return str_matches(u->object, label) &&
	       (!u->id || (id_len == u->id_len &&
			   (!id_len || !memcmp(id, u->id, id_len))));
}

/* " 'label'", " with id 0a0b" or "": the object the URI names. */
static void obj_what(const struct p11_uri *u, char *buf, size_t size)
{
	char name[64];
	size_t n;

	buf[0] = '\0';
	if (u->object) {
		snprintf(buf, size, " '%s'",
			 shown(u->object, name, sizeof(name)));
	} else if (u->id) {
		n = (size_t)snprintf(buf, size, " with id ");
		for (size_t i = 0; i < u->id_len && n + 3 < size && i < 20; i++)
			n += (size_t)snprintf(buf + n, size - n, "%02x",
					      (unsigned char)u->id[i]);
	}
}

/* The PKCS#11 return value libp11 queued (0: none), its text into
 * reason, and the queue emptied. */
static unsigned long p11_ckr(char *reason, size_t size)
{
	unsigned long e, ckr = 0;
	const char *s;

	reason[0] = '\0';
	while ((e = ERR_get_error()) != 0) {
		if (ERR_GET_LIB(e) == ERR_get_CKR_code() && !ckr)
			ckr = (unsigned long)ERR_GET_REASON(e);
		s = ERR_reason_error_string(e);
		if (!reason[0] && s)
			snprintf(reason, size, "%s", s);
	}
	if (!reason[0] && ckr)
		snprintf(reason, size, "PKCS#11 error 0x%lx", ckr);
	else if (!reason[0])
		snprintf(reason, size, "unknown error");
	return ckr;
}

static int open_token(struct cc_signer *s, const struct cc_signer_opts *o,
		      time_t now, STACK_OF(X509) * pool, struct cc_error *err)
{
	struct p11_uri u = {0};
	const char *module = o->module;
	char reason[128], label[96], what[96];
	PKCS11_SLOT *slot = NULL;
	PKCS11_TOKEN *tok;
	PKCS11_KEY *keys, *key = NULL;
	PKCS11_CERT *certs;
	unsigned int nkeys, ncerts, nmatch = 0;
	STACK_OF(X509) *found = NULL;
	X509 *cert;
	char *pin;
	int rc = uri_parse(o->key, &u, err);

	if (rc)
		goto out;
	rc = CC_SYSTEM;
	if (!module)
		module = u.module_path;
	for (size_t i = 0;
	     !module && i < sizeof(proxy_modules) / sizeof(*proxy_modules); i++)
		if (!access(proxy_modules[i], R_OK))
			module = proxy_modules[i];
	if (!module) {
		cc_error_set(err, rc,
			     "no PKCS#11 module for '%s': give --module "
			     "(p11-kit's proxy module is not installed)",
			     o->key);
		goto out;
	}
	/* libp11 prints dlopen's complaint on stderr: say it ourselves
	 * when we can. */
	if (strchr(module, '/') && access(module, R_OK)) {
		cc_error_set(err, rc, "cannot load PKCS#11 module '%s': %s",
			     module, strerror(errno));
		goto out;
	}
	s->p11 = PKCS11_CTX_new();
	if (!s->p11) {
		cc_error_set(err, rc, "out of memory");
		goto out;
	}
	if (PKCS11_CTX_load(s->p11, module)) {
		cc_error_set(err, rc, "cannot load PKCS#11 module '%s': %s",
			     module, ossl_reason(reason, sizeof(reason)));
		goto out;
	}
	s->p11_loaded = 1;
	if (PKCS11_enumerate_slots(s->p11, &s->slots, &s->nslots)) {
		s->slots = NULL;
		s->nslots = 0;
		cc_error_set(err, rc,
			     "cannot list the slots of PKCS#11 module "
			     "'%s': %s",
			     module, ossl_reason(reason, sizeof(reason)));
		goto out;
	}
	for (unsigned int i = 0; i < s->nslots; i++) {
		PKCS11_SLOT *sl = &s->slots[i];
		PKCS11_TOKEN *t = sl->token;

		if (!t || !t->initialized || !str_matches(u.token, t->label) ||
		    !str_matches(u.manufacturer, t->manufacturer) ||
		    !str_matches(u.serial, t->serialnr) ||
		    !str_matches(u.model, t->model) ||
		    !str_matches(u.slot_desc, sl->description) ||
		    !str_matches(u.slot_manuf, sl->manufacturer) ||
		    (u.slot_id &&
		     PKCS11_get_slotid_from_slot(sl) != u.slot_num))
			continue;
		if (!nmatch++)
			slot = sl;
	}
	if (!slot) {
		if (u.token)
			cc_error_set(err, rc,
				     "no token '%s' in PKCS#11 module "
				     "'%s'",
				     shown(u.token, label, sizeof(label)),
				     module);
		else
			cc_error_set(err, rc,
				     "no token matches '%s' in PKCS#11 "
				     "module '%s'",
				     o->key, module);
		goto out;
	}
	if (nmatch > 1) {
		cc_error_set(err, rc,
			     "%u tokens match '%s': say which with "
			     "token=",
			     nmatch, o->key);
		goto out;
	}
	tok = slot->token;
	shown(tok->label ? tok->label : "", label, sizeof(label));
	if (tok->userPinLocked) {
		cc_error_set(err, rc, "the PIN of token '%s' is locked", label);
		goto out;
	}
	if (tok->loginRequired) {
		/* A reader with a PIN pad asks for the PIN itself. */
		pin = NULL;
		if (!tok->secureLogin) {
			pin = get_pin(o->pin_file ? o->pin_file : u.pin_source,
				      label, err);
			if (!pin)
				goto out;
		}
		ERR_clear_error();
		int r = PKCS11_login(slot, 0, pin);

		cc_secret_free(pin);
		if (r) {
			switch (p11_ckr(reason, sizeof(reason))) {
			case P11_PIN_INCORRECT:
			case P11_PIN_INVALID:
			case P11_PIN_LEN_RANGE:
				cc_error_set(err, rc,
					     "wrong PIN for token '%s'", label);
				break;
			case P11_PIN_LOCKED:
				cc_error_set(err, rc,
					     "the PIN of token '%s' is locked",
					     label);
				break;
			case P11_PIN_EXPIRED:
				cc_error_set(
					err, rc,
					"the PIN of token '%s' has expired: "
					"change it first",
					label);
				break;
			default:
				cc_error_set(err, rc,
					     "cannot log in to token '%s': %s",
					     label, reason);
			}
			goto out;
		}
	}

	obj_what(&u, what, sizeof(what));
	if (PKCS11_enumerate_keys(tok, &keys, &nkeys)) {
		cc_error_set(err, rc, "cannot list the keys on token '%s': %s",
			     label, ossl_reason(reason, sizeof(reason)));
		goto out;
	}
	nmatch = 0;
	for (unsigned int i = 0; i < nkeys; i++)
		if (obj_matches(&u, keys[i].label, keys[i].id,
				keys[i].id_len) &&
		    !nmatch++)
			key = &keys[i];
	if (!key) {
		cc_error_set(err, rc, "no private key%s on token '%s'", what,
			     label);
		goto out;
	}
	if (nmatch > 1) {
		cc_error_set(err, rc,
			     "%u private keys%s on token '%s': say which with "
			     "object= or id=",
			     nmatch, what, label);
		goto out;
	}
	s->key = PKCS11_get_private_key(key);
	if (!s->key) {
		cc_error_set(err, rc,
			     "cannot use the private key%s on token '%s': %s",
			     what, label, ossl_reason(reason, sizeof(reason)));
		goto out;
	}
	if (PKCS11_enumerate_certs(tok, &certs, &ncerts)) {
		cc_error_set(err, rc,
			     "cannot list the certificates on token '%s': %s",
			     label, ossl_reason(reason, sizeof(reason)));
		goto out;
	}
	found = sk_X509_new_null();
	if (!found)
		goto oom;
	for (unsigned int i = 0; i < ncerts; i++)
		if (certs[i].x509 && pool_add(found, certs[i].x509))
			goto oom;
	cert = pick_cert(found, s->key, now);
	if (!cert) {
		int same = 0;

		for (unsigned int i = 0; i < ncerts; i++)
			same |= certs[i].id_len == key->id_len &&
				(!key->id_len ||
				 !memcmp(certs[i].id, key->id, key->id_len));
		if (same)
			cc_error_set(err, rc,
				     "the certificate on token '%s' does not "
				     "match its private key%s",
				     label, what);
		else
			cc_error_set(err, rc,
				     "no certificate for the private key%s on "
				     "token '%s'",
				     what, label);
		goto out;
	}
	if (check_cert(cert, now, err))
		goto out;
	/* Other people's or other roles' certificates on the token are no
	 * part of this signer's chain: CA certificates only. */
	for (int i = 0; i < sk_X509_num(found); i++)
		if (X509_check_ca(sk_X509_value(found, i)) &&
		    pool_add(pool, sk_X509_value(found, i)))
			goto oom;
	if (!X509_up_ref(cert))
		goto oom;
	s->cert = cert;
	rc = CC_OK;
	goto out;
oom:
	cc_error_set(err, rc, "out of memory");
out:
	sk_X509_pop_free(found, X509_free);
	uri_free(&u);
	ERR_clear_error();
	return rc;
}

/* --- the signer --- */

struct cc_signer *cc_signer_open(const struct cc_signer_opts *o,
				 struct cc_error *err)
{
	time_t now = o->now ? o->now : time(NULL);
	STACK_OF(X509) *pool = NULL, *extra = NULL;
	struct cc_signer *s = NULL;
	int rc;

	ERR_clear_error();
	if (!o->key || !*o->key) {
		cc_error_set(err, CC_USAGE,
			     "no key: give a PKCS#12 file or a pkcs11: URI");
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	pool = sk_X509_new_null();
	extra = sk_X509_new_null();
	if (!s || !pool || !extra)
		goto oom;
	/* A bad chain file fails before any PIN is asked for. */
	for (const char *const *c = o->chain; c && *c; c++)
		if (read_chain_file(*c, extra, err))
			goto fail;
	if (!strncasecmp(o->key, "pkcs11:", 7))
		rc = open_token(s, o, now, pool, err);
	else
		rc = open_p12(s, o, now, pool, err);
	if (rc)
		goto fail;
	for (int i = 0; i < sk_X509_num(extra); i++)
		if (pool_add(pool, sk_X509_value(extra, i)))
			goto oom;
	s->chain = order_chain(s->cert, pool);
	s->name = cert_name(s->cert);
	if (!s->chain || !s->name)
		goto oom;
	sk_X509_pop_free(pool, X509_free);
	sk_X509_pop_free(extra, X509_free);
	ERR_clear_error();
	return s;
oom:
	cc_error_set(err, CC_SYSTEM, "out of memory");
fail:
	sk_X509_pop_free(pool, X509_free);
	sk_X509_pop_free(extra, X509_free);
	cc_signer_close(s);
	ERR_clear_error();
	return NULL;
}

EVP_PKEY *cc_signer_key(const struct cc_signer *s)
{
	return s->key;
}

X509 *cc_signer_cert(const struct cc_signer *s)
{
	return s->cert;
}

STACK_OF(X509) * cc_signer_chain(const struct cc_signer *s)
{
	return s->chain;
}

const char *cc_signer_name(const struct cc_signer *s)
{
	return s->name;
}

void cc_signer_close(struct cc_signer *s)
{
	if (!s)
		return;
	/* The key refers to the slot's objects: it goes first. */
	EVP_PKEY_free(s->key);
	X509_free(s->cert);
	sk_X509_pop_free(s->chain, X509_free);
	free(s->name);
	if (s->p11) {
		if (s->slots)
			PKCS11_release_all_slots(s->p11, s->slots, s->nslots);
		if (s->p11_loaded)
			PKCS11_CTX_unload(s->p11);
		PKCS11_CTX_free(s->p11);
	}
	if (s->deflt)
		OSSL_PROVIDER_unload(s->deflt);
	if (s->legacy)
		OSSL_PROVIDER_unload(s->legacy);
	free(s);
	ERR_clear_error();
}
