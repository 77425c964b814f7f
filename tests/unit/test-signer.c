/*
 * test-signer.c - the signer's key from PKCS#12 files (made by the openssl
 * command in both encodings, and odd ones assembled here with OpenSSL's
 * PKCS12 API: a mismatched pair, several keys) and from a SoftHSM2 token
 * that the test initialises (softhsm2-util, pkcs11-tool); every key signs
 * and the signature is verified with its certificate. PIN files, the
 * prompt (on a pseudo-terminal) and every refusal's code and message.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include "scratch.h"
#include "signer.h"

#define PASS "s3cret-1234"
#define SOFTHSM_MODULE "/usr/lib/softhsm/libsofthsm2.so"
#define CERTIFIER "Nguyễn Văn An"
#define SEAL_SUBJECT                                                           \
	"C = VN, O = Trung tâm Phục vụ hành chính công (demo), OU = seal"

/* The test PKI, made once for all tests. */
static struct {
	char dir[512];
	EVP_PKEY *rsa, *ec, *other;
	X509 *root, *inter, *leaf, *seal, *expired;
	int softhsm; /* 1: the token is ready; 0: see softhsm_why */
	char softhsm_why[160];
} pki;

/* dir/name, the same pointer for the same name until teardown. */
static const char *path(const char *name)
{
	static struct {
		char *name, *full;
	} paths[128];
	size_t i, n;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]) && paths[i].name; i++)
		if (!strcmp(paths[i].name, name))
			return paths[i].full;
	if (!name[0]) { /* teardown */
		for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
			free(paths[i].name);
			free(paths[i].full);
			paths[i].name = paths[i].full = NULL;
		}
		return NULL;
	}
	assert_true(i < sizeof(paths) / sizeof(paths[0]));
	paths[i].name = strdup(name);
	n = strlen(pki.dir) + strlen(name) + 2;
	paths[i].full = malloc(n);
	assert_non_null(paths[i].name);
	assert_non_null(paths[i].full);
	snprintf(paths[i].full, n, "%s/%s", pki.dir, name);
	return paths[i].full;
}

/* Run a shell command (printf-style) with its output in dir/cmd.log; its
 * exit status, and the log shown when it failed. */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[4096], full[5120], line[256];
	va_list ap;
	FILE *log;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "(%s) >'%s' 2>&1", cmd, path("cmd.log"));
	st = system(full);
	st = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
	if (st && (log = fopen(path("cmd.log"), "r"))) {
		print_error("command failed (%d): %s\n", st, cmd);
		while (fgets(line, sizeof(line), log))
			print_error("    %s", line);
		fclose(log);
	}
	return st;
}

static void write_file(const char *name, const void *data, size_t len,
		       mode_t mode)
{
	int fd = open(path(name), O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void write_pem_cert(const char *name, X509 *const *certs, int n)
{
	FILE *f = fopen(path(name), "w");

	assert_non_null(f);
	for (int i = 0; i < n; i++)
		assert_int_equal(PEM_write_X509(f, certs[i]), 1);
	fclose(f);
}

static void write_der_cert(const char *name, X509 *x)
{
	FILE *f = fopen(path(name), "wb");

	assert_non_null(f);
	assert_int_equal(i2d_X509_fp(f, x), 1);
	fclose(f);
}

static void write_key(const char *name, EVP_PKEY *k, int der)
{
	FILE *f;

	write_file(name, "", 0, 0600);
	f = fopen(path(name), "wb");
	assert_non_null(f);
	if (der)
		assert_int_equal(
			i2d_PKCS8PrivateKey_fp(f, k, NULL, NULL, 0, NULL, NULL),
			1);
	else
		assert_int_equal(PEM_write_PKCS8PrivateKey(f, k, NULL, NULL, 0,
							   NULL, NULL),
				 1);
	fclose(f);
}

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	assert_non_null(e);
	assert_int_equal(X509_add_ext(x, e, -1), 1);
	X509_EXTENSION_free(e);
}

/* A certificate for key: subject "K=V/K=V" (UTF-8), issued by issuer (NULL:
 * self-signed), valid from..to (YYYYMMDDHHMMSSZ), keyUsage ku (NULL: none). */
static X509 *make_cert(EVP_PKEY *key, const char *subject, X509 *issuer,
		       EVP_PKEY *issuer_key, const char *from, const char *to,
		       const char *ku, int ca)
{
	static long serial = 1000;
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	char buf[512], *save = NULL, *part;

	assert_non_null(x);
	assert_non_null(name);
	snprintf(buf, sizeof(buf), "%s", subject);
	for (part = strtok_r(buf, "/", &save); part;
	     part = strtok_r(NULL, "/", &save)) {
		char *eq = strchr(part, '=');

		assert_non_null(eq);
		*eq = '\0';
		assert_int_equal(X509_NAME_add_entry_by_txt(
					 name, part, MBSTRING_UTF8,
					 (unsigned char *)eq + 1, -1, -1, 0),
				 1);
	}
	assert_int_equal(X509_set_version(x, X509_VERSION_3), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), serial++),
			 1);
	assert_int_equal(X509_set_subject_name(x, name), 1);
	assert_int_equal(
		X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer)
					       : name),
		1);
	assert_int_equal(
		ASN1_TIME_set_string_X509(X509_getm_notBefore(x), from), 1);
	assert_int_equal(ASN1_TIME_set_string_X509(X509_getm_notAfter(x), to),
			 1);
	assert_int_equal(X509_set_pubkey(x, key), 1);
	add_ext(x, issuer ? issuer : x, NID_basic_constraints,
		ca ? "critical,CA:TRUE" : "CA:FALSE");
	if (ku)
		add_ext(x, issuer ? issuer : x, NID_key_usage, ku);
	add_ext(x, issuer ? issuer : x, NID_subject_key_identifier, "hash");
	add_ext(x, issuer ? issuer : x, NID_authority_key_identifier,
		"keyid:always");
	assert_true(X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256()) >
		    0);
	X509_NAME_free(name);
	return x;
}

/* A PKCS#12 file the openssl command refuses to make: keys and certs as
 * given, each key marked with a localKeyID as if certs[0] were its own. */
static void write_odd_p12(const char *name, EVP_PKEY *const *keys, int nkeys,
			  X509 *const *certs, int ncerts)
{
	STACK_OF(PKCS12_SAFEBAG) *certbags = NULL, *keybags = NULL;
	STACK_OF(PKCS7) *safes = NULL;
	unsigned char kid[20];
	unsigned int kidlen = sizeof(kid);
	PKCS12 *p12;
	FILE *f;

	assert_int_equal(X509_digest(certs[0], EVP_sha1(), kid, &kidlen), 1);
	for (int i = 0; i < ncerts; i++) {
		PKCS12_SAFEBAG *bag = PKCS12_add_cert(&certbags, certs[i]);

		assert_non_null(bag);
		if (i == 0)
			assert_int_equal(
				PKCS12_add_localkeyid(bag, kid, (int)kidlen),
				1);
	}
	for (int i = 0; i < nkeys; i++) {
		PKCS12_SAFEBAG *bag = PKCS12_add_key(&keybags, keys[i], 0, 2048,
						     NID_aes_256_cbc, PASS);

		assert_non_null(bag);
		assert_int_equal(PKCS12_add_localkeyid(bag, kid, (int)kidlen),
				 1);
	}
	assert_non_null(
		PKCS12_add_safe(&safes, certbags, NID_aes_256_cbc, 2048, PASS));
	assert_non_null(PKCS12_add_safe(&safes, keybags, -1, 0, NULL));
	p12 = PKCS12_add_safes(safes, 0);
	assert_non_null(p12);
	assert_int_equal(
		PKCS12_set_mac(p12, PASS, -1, NULL, 0, 2048, EVP_sha256()), 1);
	write_file(name, "", 0, 0600);
	f = fopen(path(name), "wb");
	assert_non_null(f);
	assert_int_equal(i2d_PKCS12_fp(f, p12), 1);
	fclose(f);
	PKCS12_free(p12);
	sk_PKCS7_pop_free(safes, PKCS7_free);
	sk_PKCS12_SAFEBAG_pop_free(certbags, PKCS12_SAFEBAG_free);
	sk_PKCS12_SAFEBAG_pop_free(keybags, PKCS12_SAFEBAG_free);
}

/* NAME.p12 by the openssl command from NAME.key and NAME.pem with the CA
 * certificates, in its default (AES-256-CBC, PBKDF2) or -legacy form. */
static int export_p12(const char *out, const char *name, const char *extra)
{
	return sh("openssl pkcs12 -export -inkey '%s.key' -in '%s.pem' "
		  "-certfile '%s' -passout 'file:%s' -out '%s' %s",
		  path(name), path(name), path("cas.pem"), path("pass"),
		  path(out), extra);
}

static int have(const char *cmd)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "command -v %s >/dev/null 2>&1", cmd);
	return system(buf) == 0;
}

/* A token "cc-test" (user PIN 1234) in a SoftHSM2 of our own, with the
 * certifier (id 01), the seal (EC, id 02), a key whose certificate is
 * someone else's (id 03) and the issuing CA's certificate. */
static void softhsm_init(void)
{
	static const char conf_fmt[] = "directories.tokendir = %s\n"
				       "objectstore.backend = file\n"
				       "log.level = ERROR\n"
				       "slots.removable = false\n";
	static const struct {
		const char *file, *type, *id, *label;
	} objects[] = {
		{"leaf.der", "privkey", "01", "certifier"},
		{"leaf.crt", "cert", "01", "certifier"},
		{"seal.der", "privkey", "02", "seal"},
		{"seal.crt", "cert", "02", "seal"},
		{"other.der", "privkey", "03", "mismatch"},
		{"leaf.crt", "cert", "03", "mismatch"},
		{"inter.crt", "cert", "10", "issuing"},
	};
	char conf[1024];
	int n;

	if (access(SOFTHSM_MODULE, R_OK)) {
		snprintf(pki.softhsm_why, sizeof(pki.softhsm_why),
			 "SoftHSM2 is not installed (%s)", SOFTHSM_MODULE);
		return;
	}
	if (!have("softhsm2-util") || !have("pkcs11-tool")) {
		snprintf(pki.softhsm_why, sizeof(pki.softhsm_why),
			 "softhsm2-util or pkcs11-tool (opensc) is not "
			 "installed");
		return;
	}
	snprintf(pki.softhsm_why, sizeof(pki.softhsm_why),
		 "the SoftHSM2 token could not be set up");
	assert_int_equal(mkdir(path("tokens"), 0700), 0);
	n = snprintf(conf, sizeof(conf), conf_fmt, path("tokens"));
	write_file("softhsm2.conf", conf, (size_t)n, 0600);
	assert_int_equal(setenv("SOFTHSM2_CONF", path("softhsm2.conf"), 1), 0);
	write_key("leaf.der", pki.rsa, 1);
	write_key("seal.der", pki.ec, 1);
	write_key("other.der", pki.other, 1);
	write_der_cert("leaf.crt", pki.leaf);
	write_der_cert("seal.crt", pki.seal);
	if (sh("softhsm2-util --init-token --free --label cc-test --pin 1234 "
	       "--so-pin 5678"))
		return;
	for (size_t i = 0; i < sizeof(objects) / sizeof(objects[0]); i++)
		if (sh("pkcs11-tool --module %s --login --pin 1234 "
		       "--write-object '%s' --type %s --id %s --label %s",
		       SOFTHSM_MODULE, path(objects[i].file), objects[i].type,
		       objects[i].id, objects[i].label))
			return;
	write_file("token.pin", "1234\n", 5, 0600);
	write_file("token-wrong.pin", "4321", 4, 0600);
	pki.softhsm = 1;
}

static int setup(void **state)
{
	X509 *cas[2];

	(void)state;
	if (scratch_make(pki.dir, sizeof(pki.dir), "test-signer"))
		return -1;
	pki.rsa = EVP_RSA_gen(2048);
	pki.other = EVP_RSA_gen(2048);
	pki.ec = EVP_EC_gen("P-256");
	EVP_PKEY *root_key = EVP_EC_gen("P-256"),
		 *inter_key = EVP_EC_gen("P-256");

	assert_non_null(pki.rsa);
	assert_non_null(pki.other);
	assert_non_null(pki.ec);
	assert_non_null(root_key);
	assert_non_null(inter_key);
	pki.root = make_cert(root_key, "C=VN/O=certcopy test/CN=Test Root CA",
			     NULL, NULL, "20200101000000Z", "20491231000000Z",
			     "critical,keyCertSign,cRLSign", 1);
	pki.inter =
		make_cert(inter_key, "C=VN/O=certcopy test/CN=Test Issuing CA",
			  pki.root, root_key, "20200101000000Z",
			  "20491231000000Z", "critical,keyCertSign,cRLSign", 1);
	pki.leaf = make_cert(
		pki.rsa,
		"C=VN/O=certcopy test/title=Công chứng viên/CN=" CERTIFIER,
		pki.inter, inter_key, "20200101000000Z", "20491231000000Z",
		"critical,digitalSignature,nonRepudiation", 0);
	/* No CN: the name is the whole subject. */
	pki.seal = make_cert(pki.ec,
			     "C=VN/O=Trung tâm Phục vụ hành chính công "
			     "(demo)/OU=seal",
			     pki.inter, inter_key, "20200101000000Z",
			     "20491231000000Z", "critical,digitalSignature", 0);
	pki.expired = make_cert(pki.rsa, "C=VN/CN=Expired Signer", pki.inter,
				inter_key, "20210101000000Z", "20220101000000Z",
				"critical,digitalSignature,nonRepudiation", 0);
	X509 *certsign =
		make_cert(pki.rsa, "C=VN/CN=CA Only", pki.inter, inter_key,
			  "20200101000000Z", "20491231000000Z",
			  "critical,keyCertSign", 0);
	X509 *noku =
		make_cert(pki.ec, "C=VN/CN=No Key Usage", pki.inter, inter_key,
			  "20200101000000Z", "20491231000000Z", NULL, 0);

	/* The openssl command makes the usual files: CA certificates root
	 * first, so that the chain has to be put in order. */
	cas[0] = pki.root;
	cas[1] = pki.inter;
	write_pem_cert("cas.pem", cas, 2);
	write_pem_cert("inter.pem", &pki.inter, 1);
	write_der_cert("inter.crt", pki.inter);
	write_pem_cert("seal-cert.pem", &pki.seal, 1);
	write_file("pass", PASS, strlen(PASS), 0600);
	write_key("leaf.key", pki.rsa, 0);
	write_pem_cert("leaf.pem", &pki.leaf, 1);
	write_key("seal.key", pki.ec, 0);
	write_pem_cert("seal.pem", &pki.seal, 1);
	write_key("expired.key", pki.rsa, 0);
	write_pem_cert("expired.pem", &pki.expired, 1);
	write_key("certsign.key", pki.rsa, 0);
	write_pem_cert("certsign.pem", &certsign, 1);
	write_key("noku.key", pki.ec, 0);
	write_pem_cert("noku.pem", &noku, 1);
	if (export_p12("leaf.p12", "leaf", "") ||
	    export_p12("leaf-legacy.p12", "leaf", "-legacy") ||
	    export_p12("seal.p12", "seal", "") ||
	    export_p12("expired.p12", "expired", "") ||
	    export_p12("certsign.p12", "certsign", "") ||
	    export_p12("noku.p12", "noku", "") ||
	    sh("openssl pkcs12 -export -inkey '%s' -in '%s' -passout pass: "
	       "-out '%s'",
	       path("leaf.key"), path("leaf.pem"), path("nopass.p12")))
		return -1;

	/* The certifier's certificate with another key. */
	write_odd_p12("mismatch.p12", &pki.other, 1, &pki.leaf, 1);
	/* A key without a certificate, then the certifier's key; its expired
	 * and its valid certificate among the CA's. */
	EVP_PKEY *keys[] = {pki.other, pki.rsa};
	X509 *certs[] = {pki.expired, pki.root, pki.leaf, pki.inter};

	write_odd_p12("multi.p12", keys, 2, certs, 4);

	write_file("pin", PASS "\n", strlen(PASS) + 1, 0600);
	write_file("pin-crlf", PASS "\r\n", strlen(PASS) + 2, 0600);
	write_file("pin-wrong", "not-the-pin\n", 12, 0600);
	write_file("pin-open", PASS "\n", strlen(PASS) + 1, 0644);
	write_file("pin-group", PASS "\n", strlen(PASS) + 1, 0640);
	write_file("pin-two-lines", PASS "\nmore\n", strlen(PASS) + 6, 0600);
	write_file("pin-empty", "", 0, 0600);
	write_file("garbage.p12", "\x30\x82\x01\x00garbage", 12, 0600);

	softhsm_init();
	X509_free(certsign);
	X509_free(noku);
	EVP_PKEY_free(root_key);
	EVP_PKEY_free(inter_key);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(pki.rsa);
	EVP_PKEY_free(pki.ec);
	EVP_PKEY_free(pki.other);
	X509_free(pki.root);
	X509_free(pki.inter);
	X509_free(pki.leaf);
	X509_free(pki.seal);
	X509_free(pki.expired);
	if (pki.dir[0])
		scratch_remove(pki.dir);
	path("");
	return 0;
}

/* key signs (EVP_DigestSign, and CMS as cc-sign will) and cert verifies. */
static void assert_signs(EVP_PKEY *key, X509 *cert)
{
	static const unsigned char msg[] = "certified copy 7K3M-Q9TX-2B4D-X5Q1";
	unsigned char sig[1024];
	size_t siglen = sizeof(sig);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	BIO *data;
	CMS_ContentInfo *cms;

	assert_non_null(md);
	assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key),
			 1);
	assert_int_equal(EVP_DigestSign(md, sig, &siglen, msg, sizeof(msg)), 1);
	EVP_MD_CTX_reset(md);
	assert_int_equal(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL,
					      X509_get0_pubkey(cert)),
			 1);
	assert_int_equal(EVP_DigestVerify(md, sig, siglen, msg, sizeof(msg)),
			 1);
	EVP_MD_CTX_reset(md);
	/* One bit changed: no longer verifies. */
	sig[siglen / 2] ^= 1;
	assert_int_equal(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL,
					      X509_get0_pubkey(cert)),
			 1);
	assert_int_not_equal(
		EVP_DigestVerify(md, sig, siglen, msg, sizeof(msg)), 1);
	EVP_MD_CTX_free(md);
	ERR_clear_error();

	/* A digest made elsewhere, signed as is (EVP_PKEY_sign). */
	unsigned char dgst[32];
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new(key, NULL);

	assert_int_equal(SHA256(msg, sizeof(msg), dgst) != NULL, 1);
	assert_non_null(pc);
	assert_int_equal(EVP_PKEY_sign_init(pc), 1);
	assert_int_equal(EVP_PKEY_CTX_set_signature_md(pc, EVP_sha256()), 1);
	if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA)
		assert_int_equal(
			EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PADDING), 1);
	siglen = sizeof(sig);
	assert_int_equal(EVP_PKEY_sign(pc, sig, &siglen, dgst, sizeof(dgst)),
			 1);
	EVP_PKEY_CTX_free(pc);
	pc = EVP_PKEY_CTX_new(X509_get0_pubkey(cert), NULL);
	assert_non_null(pc);
	assert_int_equal(EVP_PKEY_verify_init(pc), 1);
	assert_int_equal(EVP_PKEY_CTX_set_signature_md(pc, EVP_sha256()), 1);
	assert_int_equal(EVP_PKEY_verify(pc, sig, siglen, dgst, sizeof(dgst)),
			 1);
	EVP_PKEY_CTX_free(pc);

	data = BIO_new_mem_buf(msg, sizeof(msg));
	assert_non_null(data);
	cms = CMS_sign(cert, key, NULL, data, CMS_DETACHED | CMS_BINARY);
	assert_non_null(cms);
	BIO_free(data);
	data = BIO_new_mem_buf(msg, sizeof(msg));
	assert_int_equal(CMS_verify(cms, NULL, NULL, data, NULL,
				    CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY),
			 1);
	BIO_free(data);
	CMS_ContentInfo_free(cms);
}

static void assert_chain(const struct cc_signer *s, X509 *const *want, int n)
{
	STACK_OF(X509) *chain = cc_signer_chain(s);

	assert_non_null(chain);
	assert_int_equal(sk_X509_num(chain), n);
	for (int i = 0; i < n; i++)
		assert_int_equal(X509_cmp(sk_X509_value(chain, i), want[i]), 0);
}

/* Open expecting failure with code and the message fmt... */
static void assert_refused(const struct cc_signer_opts *o, int code,
			   const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void assert_refused(const struct cc_signer_opts *o, int code,
			   const char *fmt, ...)
{
	struct cc_error err = {0};
	char want[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	assert_null(cc_signer_open(o, &err));
	assert_string_equal(err.msg, want);
	assert_int_equal(err.code, code);
	assert_int_equal(ERR_peek_error(), 0);
}

static void test_p12_modern(void **state)
{
	struct cc_signer_opts o = {.key = path("leaf.p12"),
				   .pin_file = path("pin")};
	struct cc_error err = {0};
	struct cc_signer *s;
	X509 *want[] = {pki.inter, pki.root};

	(void)state;
	s = cc_signer_open(&o, &err);
	assert_non_null(s);
	assert_int_equal(X509_cmp(cc_signer_cert(s), pki.leaf), 0);
	assert_int_equal(EVP_PKEY_eq(cc_signer_key(s), pki.rsa), 1);
	assert_string_equal(cc_signer_name(s), CERTIFIER);
	assert_chain(s, want, 2);
	/* The default form needs no legacy provider. */
	assert_int_equal(OSSL_PROVIDER_available(NULL, "legacy"), 0);
	assert_signs(cc_signer_key(s), cc_signer_cert(s));
	cc_signer_close(s);
	assert_int_equal(ERR_peek_error(), 0);

	/* "\r\n" at the end of the PIN file. */
	o.pin_file = path("pin-crlf");
	s = cc_signer_open(&o, &err);
	assert_non_null(s);
	cc_signer_close(s);
	cc_signer_close(NULL);
}

static void test_p12_legacy(void **state)
{
	struct cc_signer_opts o = {.key = path("leaf-legacy.p12"),
				   .pin_file = path("pin")};
	struct cc_error err = {0};
	struct cc_signer *s;
	X509 *want[] = {pki.inter, pki.root};

	(void)state;
	assert_int_equal(OSSL_PROVIDER_available(NULL, "legacy"), 0);
	s = cc_signer_open(&o, &err);
	if (!s)
		print_error("%s\n", err.msg);
	assert_non_null(s);
	/* Loaded for this signer, and only while it is open. */
	assert_int_equal(OSSL_PROVIDER_available(NULL, "legacy"), 1);
	assert_int_equal(X509_cmp(cc_signer_cert(s), pki.leaf), 0);
	assert_int_equal(EVP_PKEY_eq(cc_signer_key(s), pki.rsa), 1);
	assert_string_equal(cc_signer_name(s), CERTIFIER);
	assert_chain(s, want, 2);
	assert_signs(cc_signer_key(s), cc_signer_cert(s));
	cc_signer_close(s);
	assert_int_equal(OSSL_PROVIDER_available(NULL, "legacy"), 0);
	/* The default provider is still there. */
	assert_signs(pki.rsa, pki.leaf);

	o.pin_file = path("pin-wrong");
	assert_refused(&o, CC_SYSTEM, "wrong PIN for '%s'",
		       path("leaf-legacy.p12"));
}

static void test_p12_ec_no_cn(void **state)
{
	struct cc_signer_opts o = {.key = path("seal.p12"),
				   .pin_file = path("pin")};
	struct cc_error err = {0};
	struct cc_signer *s = cc_signer_open(&o, &err);

	(void)state;
	assert_non_null(s);
	assert_int_equal(EVP_PKEY_get_base_id(cc_signer_key(s)), EVP_PKEY_EC);
	assert_int_equal(X509_cmp(cc_signer_cert(s), pki.seal), 0);
	assert_string_equal(cc_signer_name(s), SEAL_SUBJECT);
	assert_signs(cc_signer_key(s), cc_signer_cert(s));
	cc_signer_close(s);
}

static void test_p12_refusals(void **state)
{
	struct cc_signer_opts o = {.key = path("leaf.p12"),
				   .pin_file = path("pin-wrong")};

	(void)state;
	assert_refused(&o, CC_SYSTEM, "wrong PIN for '%s'", path("leaf.p12"));
	o.key = path("mismatch.p12");
	o.pin_file = path("pin");
	assert_refused(&o, CC_SYSTEM,
		       "the certificate in '%s' does not match its private key",
		       path("mismatch.p12"));
	o.key = path("leaf.pem");
	assert_refused(&o, CC_SYSTEM, "'%s' is not a PKCS#12 file",
		       path("leaf.pem"));
	o.key = path("garbage.p12");
	assert_refused(&o, CC_SYSTEM, "'%s' is not a PKCS#12 file",
		       path("garbage.p12"));
	o.key = path("missing.p12");
	assert_refused(&o, CC_SYSTEM,
		       "cannot open '%s': No such file or directory",
		       path("missing.p12"));
	o.key = NULL;
	assert_refused(&o, CC_USAGE,
		       "no key: give a PKCS#12 file or a pkcs11: URI");
}

static void test_certificate_rules(void **state)
{
	struct cc_signer_opts o = {.key = path("expired.p12"),
				   .pin_file = path("pin")};
	struct cc_error err = {0};
	struct cc_signer *s;

	(void)state;
	assert_refused(&o, CC_SYSTEM,
		       "certificate 'Expired Signer' expired on 2022-01-01");
	/* ... and fine when it was valid. */
	o.now = 1625097600; /* 2021-07-01 */
	s = cc_signer_open(&o, &err);
	assert_non_null(s);
	assert_string_equal(cc_signer_name(s), "Expired Signer");
	cc_signer_close(s);

	o.key = path("leaf.p12");
	o.now = 1559347200; /* 2019-06-01 */
	assert_refused(&o, CC_SYSTEM,
		       "certificate '" CERTIFIER "' is not valid before "
		       "2020-01-01");
	o.now = 0;
	o.key = path("certsign.p12");
	assert_refused(&o, CC_SYSTEM,
		       "certificate 'CA Only' may not sign: its keyUsage has "
		       "neither digitalSignature nor nonRepudiation");

	/* No keyUsage at all: accepted (RFC 5280 4.2.1.3). */
	o.key = path("noku.p12");
	s = cc_signer_open(&o, &err);
	assert_non_null(s);
	assert_string_equal(cc_signer_name(s), "No Key Usage");
	cc_signer_close(s);
}

static void test_p12_several_keys(void **state)
{
	struct cc_signer_opts o = {.key = path("multi.p12"),
				   .pin_file = path("pin")};
	struct cc_error err = {0};
	struct cc_signer *s = cc_signer_open(&o, &err);
	X509 *want[] = {pki.inter, pki.root, pki.expired};

	(void)state;
	if (!s)
		print_error("%s\n", err.msg);
	assert_non_null(s);
	/* The key that has a certificate, and of its two the valid one. */
	assert_int_equal(EVP_PKEY_eq(cc_signer_key(s), pki.rsa), 1);
	assert_int_equal(X509_cmp(cc_signer_cert(s), pki.leaf), 0);
	assert_chain(s, want, 3);
	cc_signer_close(s);
}

static void test_chain_files(void **state)
{
	const char *files[] = {path("inter.crt"), path("cas.pem"),
			       path("seal-cert.pem"), path("leaf.pem"), NULL};
	struct cc_signer_opts o = {.key = path("leaf.p12"),
				   .pin_file = path("pin"),
				   .chain = files};
	struct cc_error err = {0};
	struct cc_signer *s = cc_signer_open(&o, &err);
	/* The path, then the unrelated one; no duplicates, not the leaf. */
	X509 *want[] = {pki.inter, pki.root, pki.seal};
	const char *bad[] = {path("leaf.key"), NULL};
	const char *junk[] = {path("garbage.p12"), NULL};
	const char *missing[] = {path("nope.pem"), NULL};

	(void)state;
	assert_non_null(s);
	assert_chain(s, want, 3);
	cc_signer_close(s);

	o.chain = bad;
	assert_refused(&o, CC_SYSTEM, "'%s' holds no certificate",
		       path("leaf.key"));
	o.chain = junk;
	assert_refused(&o, CC_SYSTEM,
		       "'%s' is not a certificate file (PEM or DER): "
		       "too long",
		       path("garbage.p12"));
	o.chain = missing;
	assert_refused(&o, CC_SYSTEM,
		       "cannot open '%s': No such file or directory",
		       path("nope.pem"));
}

/* message: "... '%s' ...", the path of file. */
#define assert_secret_refused(file, message)                                   \
	assert_secret_refused_(file, message, path(file))
static void assert_secret_refused_(const char *file, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void assert_secret_refused_(const char *file, const char *fmt, ...)
{
	struct cc_error err = {0};
	char want[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	assert_null(cc_secret_read_file(path(file), &err));
	assert_string_equal(err.msg, want);
	assert_int_equal(err.code, CC_SYSTEM);
}

static void test_secret_files(void **state)
{
	struct cc_signer_opts o = {.key = path("leaf.p12"),
				   .pin_file = path("pin-open")};
	struct cc_error err = {0};
	char *s;

	(void)state;
	s = cc_secret_read_file(path("pin"), &err);
	assert_non_null(s);
	assert_string_equal(s, PASS);
	cc_secret_free(s);
	s = cc_secret_read_file(path("pass"), &err);
	assert_non_null(s);
	assert_string_equal(s, PASS);
	cc_secret_free(s);
	s = cc_secret_read_file(path("pin-empty"), &err);
	assert_non_null(s);
	assert_string_equal(s, "");
	cc_secret_free(s);
	cc_secret_free(NULL);

	assert_secret_refused(
		"pin-open",
		"PIN file '%s' is readable by others: chmod 600 it");
	assert_secret_refused(
		"pin-group",
		"PIN file '%s' is readable by others: chmod 600 it");
	assert_secret_refused("pin-two-lines",
			      "PIN file '%s' holds more than one line");
	assert_secret_refused(".", "PIN file '%s' is not a regular file");
	assert_int_equal(mkfifo(path("pin-fifo"), 0600), 0);
	assert_secret_refused("pin-fifo",
			      "PIN file '%s' is not a regular file");
	assert_secret_refused("pin-missing",
			      "cannot open '%s': No such file or directory");
	/* Through the signer: refused before the key is tried. */
	assert_refused(&o, CC_SYSTEM,
		       "PIN file '%s' is readable by others: chmod 600 it",
		       path("pin-open"));
}

/* Run fn in a child without a controlling terminal; its message back. */
static void without_tty(void (*fn)(int fd))
{
	int p[2], st;
	char msg[512] = "";
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		if (setsid() < 0)
			_exit(99);
		fn(p[1]);
		_exit(0);
	}
	close(p[1]);
	n = read(p[0], msg, sizeof(msg) - 1);
	close(p[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_true(n > 0);
	msg[n] = '\0';
	assert_string_equal(msg,
			    "no PIN: give --pin-file or run on a "
			    "terminal (4); nopass.p12 opened; prompt: "
			    "no PIN: give --pin-file or run on a terminal");
}

static void no_tty_child(int fd)
{
	struct cc_signer_opts o = {.key = path("leaf.p12")};
	struct cc_error err = {0}, err2 = {0};
	struct cc_signer *s = cc_signer_open(&o, &err);
	char buf[1024];
	char *pin;

	o.key = path("nopass.p12");
	struct cc_signer *t = cc_signer_open(&o, &err2);

	pin = cc_secret_prompt("PIN: ", &err2);
	snprintf(buf, sizeof(buf), "%s (%d); nopass.p12 %s; prompt: %s",
		 s ? "opened?" : err.msg, err.code, t ? "opened" : "refused",
		 pin ? "read?" : err2.msg);
	if (write(fd, buf, strlen(buf)) < 0)
		_exit(98);
	cc_signer_close(t);
}

static void test_no_tty(void **state)
{
	(void)state;
	without_tty(no_tty_child);
}

/* Read from the pty master until want has been seen (or 20 s). */
static int pty_expect(int master, const char *want, char *seen, size_t size)
{
	size_t len = strlen(seen);

	while (!strstr(seen, want)) {
		struct pollfd pfd = {.fd = master, .events = POLLIN};
		ssize_t n;

		if (poll(&pfd, 1, 20000) <= 0 || len + 1 >= size)
			return -1;
		n = read(master, seen + len, size - len - 1);
		if (n <= 0)
			return -1;
		len += (size_t)n;
		seen[len] = '\0';
	}
	return 0;
}

static void test_prompt_on_a_terminal(void **state)
{
	char seen[4096] = "", prompt[1200];
	struct termios t;
	int master, st;
	pid_t pid;

	(void)state;
	pid = forkpty(&master, NULL, NULL, NULL);
	assert_true(pid >= 0);
	if (pid == 0) {
		struct cc_signer_opts o = {.key = path("leaf.p12")};
		struct cc_error err = {0};
		struct cc_signer *s = cc_signer_open(&o, &err);
		struct termios after;
		int code = 0;

		if (!s) {
			printf("\nopen failed: %s\n", err.msg);
			code = 1;
		} else if (tcgetattr(0, &after) || !(after.c_lflag & ECHO)) {
			printf("\necho was not restored\n");
			code = 2;
		} else {
			printf("\nsigner: %s\n", cc_signer_name(s));
		}
		fflush(stdout);
		cc_signer_close(s);
		_exit(code);
	}
	snprintf(prompt, sizeof(prompt), "PIN for '%s': ", path("leaf.p12"));
	assert_int_equal(pty_expect(master, prompt, seen, sizeof(seen)), 0);
	/* Echo is off while the PIN is typed. */
	assert_int_equal(tcgetattr(master, &t), 0);
	assert_false(t.c_lflag & ECHO);
	assert_int_equal(write(master, PASS "\n", strlen(PASS) + 1),
			 (ssize_t)strlen(PASS) + 1);
	assert_int_equal(
		pty_expect(master, "signer: " CERTIFIER, seen, sizeof(seen)),
		0);
	assert_null(strstr(seen, PASS));
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	close(master);
}

static void test_prompt_interrupted(void **state)
{
	char seen[4096] = "", prompt[1200];
	struct termios t;
	int master, st;
	pid_t pid;

	(void)state;
	pid = forkpty(&master, NULL, NULL, NULL);
	assert_true(pid >= 0);
	if (pid == 0) {
		struct cc_signer_opts o = {.key = path("leaf.p12")};
		struct cc_error err = {0};

		/* As from a terminal: a test run in the background inherits
		 * SIGINT ignored, and the prompt leaves an ignored signal
		 * ignored. */
		signal(SIGINT, SIG_DFL);
		cc_signer_open(&o, &err);
		printf("\nnot interrupted: %s\n", err.msg);
		fflush(stdout);
		_exit(1);
	}
	snprintf(prompt, sizeof(prompt), "PIN for '%s': ", path("leaf.p12"));
	assert_int_equal(pty_expect(master, prompt, seen, sizeof(seen)), 0);
	assert_int_equal(write(master, "s3c", 3), 3);
	assert_int_equal(tcgetattr(master, &t), 0);
	assert_false(t.c_lflag & ECHO);
	/* ^C: the terminal is restored, then the signal does its work. */
	assert_int_equal(kill(pid, SIGINT), 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGINT);
	assert_int_equal(tcgetattr(master, &t), 0);
	assert_true(t.c_lflag & ECHO);
	close(master);
}

static void test_prompt_after_stop(void **state)
{
	char seen[4096] = "", prompt[1200], *again;
	int master, st;
	pid_t pid;

	(void)state;
	pid = forkpty(&master, NULL, NULL, NULL);
	assert_true(pid >= 0);
	if (pid == 0) {
		struct cc_signer_opts o = {.key = path("leaf.p12")};
		struct cc_error err = {0};
		struct cc_signer *s = cc_signer_open(&o, &err);

		printf("\n%s\n", s ? "opened" : err.msg);
		fflush(stdout);
		cc_signer_close(s);
		_exit(s ? 0 : 1);
	}
	snprintf(prompt, sizeof(prompt), "PIN for '%s': ", path("leaf.p12"));
	assert_int_equal(pty_expect(master, prompt, seen, sizeof(seen)), 0);
	/* ^Z (the child's group is orphaned, so it does not really stop):
	 * the prompt is asked again, and then the PIN taken. */
	assert_int_equal(kill(pid, SIGTSTP), 0);
	again = seen + strlen(seen);
	assert_int_equal(pty_expect(master, prompt, again,
				    sizeof(seen) - (size_t)(again - seen)),
			 0);
	assert_int_equal(write(master, PASS "\n", strlen(PASS) + 1),
			 (ssize_t)strlen(PASS) + 1);
	assert_int_equal(pty_expect(master, "opened", seen, sizeof(seen)), 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	close(master);
}

static void test_uri_refusals(void **state)
{
	/* Refused before any module is loaded. */
	struct cc_signer_opts o = {.module = "/nonexistent/module.so"};

	(void)state;
	o.key = "pkcs11:token=cc-test;object=certifier?pin-value=1234";
	assert_refused(&o, CC_USAGE,
		       "pkcs11 URI with pin-value refused: a PIN never goes on "
		       "the command line (use pin-source or --pin-file)");
	/* Whatever else is wrong with it. */
	o.key = "pkcs11:bogus;token=x?module-path=/m.so&pin-value=1234";
	assert_refused(&o, CC_USAGE,
		       "pkcs11 URI with pin-value refused: a PIN never goes on "
		       "the command line (use pin-source or --pin-file)");
	o.key = "pkcs11:token=cc-test;label=certifier";
	assert_refused(&o, CC_USAGE, "unknown pkcs11 URI attribute 'label'");
	o.key = "pkcs11:token=a;token=b";
	assert_refused(&o, CC_USAGE,
		       "pkcs11 URI attribute 'token' given twice");
	o.key = "pkcs11:object=cert%4";
	assert_refused(&o, CC_USAGE,
		       "bad percent-encoding in pkcs11 URI attribute "
		       "'object'");
	o.key = "pkcs11:object=a%00b";
	assert_refused(&o, CC_USAGE,
		       "bad percent-encoding in pkcs11 URI attribute "
		       "'object'");
	o.key = "pkcs11:object=x;type=secret-key";
	assert_refused(&o, CC_USAGE,
		       "pkcs11 URI type 'secret-key' is not a private key or "
		       "a certificate");
	o.key = "pkcs11:token";
	assert_refused(&o, CC_USAGE,
		       "pkcs11 URI attribute 'token' has no "
		       "value");
	o.key = "pkcs11:object=x?pin-source=|/bin/echo";
	assert_refused(&o, CC_USAGE,
		       "pkcs11 URI pin-source '|/bin/echo': a command is not "
		       "supported, give a file");
	o.key = "pkcs11:object=x?module-name=softhsm2";
	assert_refused(&o, CC_USAGE,
		       "pkcs11 URI attribute module-name is not supported: "
		       "give module-path or --module");
	o.key = "pkcs11:object=x";
	assert_refused(&o, CC_SYSTEM,
		       "cannot load PKCS#11 module '/nonexistent/module.so': "
		       "No such file or directory");
	/* No module given anywhere: p11-kit's proxy, or say what to do. */
	o.module = NULL;
	if (access("/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so", F_OK) &&
	    access("/usr/lib64/p11-kit-proxy.so", F_OK) &&
	    access("/usr/lib/p11-kit-proxy.so", F_OK) &&
	    access("/usr/lib/aarch64-linux-gnu/p11-kit-proxy.so", F_OK))
		assert_refused(&o, CC_SYSTEM,
			       "no PKCS#11 module for 'pkcs11:object=x': give "
			       "--module (p11-kit's proxy module is not "
			       "installed)");
}

static int need_softhsm(void)
{
	if (pki.softhsm)
		return 1;
	print_message("skipped: %s\n", pki.softhsm_why);
	return 0;
}

static void test_token_rsa(void **state)
{
	struct cc_signer_opts o = {
		.key = "pkcs11:token=cc-test;object=certifier",
		.module = SOFTHSM_MODULE,
		.pin_file = path("token.pin")};
	struct cc_error err = {0};
	struct cc_signer *s;
	X509 *want[] = {pki.inter};

	(void)state;
	if (!need_softhsm())
		skip();
	s = cc_signer_open(&o, &err);
	if (!s)
		print_error("%s\n", err.msg);
	assert_non_null(s);
	assert_int_equal(X509_cmp(cc_signer_cert(s), pki.leaf), 0);
	assert_string_equal(cc_signer_name(s), CERTIFIER);
	/* The token's other certificates: the issuing CA only. */
	assert_chain(s, want, 1);
	/* Many signatures with one login, as in a batch. */
	for (int i = 0; i < 3; i++)
		assert_signs(cc_signer_key(s), cc_signer_cert(s));
	cc_signer_close(s);
	assert_int_equal(ERR_peek_error(), 0);
}

static void test_token_uri_forms(void **state)
{
	char uri[2048];
	struct cc_signer_opts o = {.key = uri};
	struct cc_error err = {0};
	struct cc_signer *s;
	const char *chain[] = {path("cas.pem"), NULL};
	X509 *want[] = {pki.inter, pki.root};

	(void)state;
	if (!need_softhsm())
		skip();
	/* Percent-encoded attributes, the id, the module and the PIN from
	 * the URI's query; an EC key. */
	snprintf(uri, sizeof(uri),
		 "pkcs11:token=cc%%2Dtest;id=%%02;type=private"
		 "?module-path=/usr/lib/softhsm/libsofthsm2%%2Eso"
		 "&pin-source=file:%s&x-unknown=ignored",
		 path("token.pin"));
	s = cc_signer_open(&o, &err);
	if (!s)
		print_error("%s\n", err.msg);
	assert_non_null(s);
	assert_int_equal(EVP_PKEY_get_base_id(cc_signer_key(s)), EVP_PKEY_EC);
	assert_int_equal(X509_cmp(cc_signer_cert(s), pki.seal), 0);
	assert_string_equal(cc_signer_name(s), SEAL_SUBJECT);
	assert_signs(cc_signer_key(s), cc_signer_cert(s));
	cc_signer_close(s);

	/* --pin-file wins over pin-source; --chain added and ordered. */
	snprintf(uri, sizeof(uri),
		 "pkcs11:object=certifier;type=cert?pin-source=%s",
		 path("token-wrong.pin"));
	o.module = SOFTHSM_MODULE;
	o.pin_file = path("token.pin");
	o.chain = chain;
	s = cc_signer_open(&o, &err);
	if (!s)
		print_error("%s\n", err.msg);
	assert_non_null(s);
	assert_int_equal(X509_cmp(cc_signer_cert(s), pki.leaf), 0);
	assert_chain(s, want, 2);
	cc_signer_close(s);
}

static void test_token_refusals(void **state)
{
	struct cc_signer_opts o = {
		.key = "pkcs11:token=cc-test;object=certifier",
		.module = SOFTHSM_MODULE,
		.pin_file = path("token-wrong.pin")};

	(void)state;
	if (!need_softhsm())
		skip();
	assert_refused(&o, CC_SYSTEM, "wrong PIN for token 'cc-test'");
	o.pin_file = path("token.pin");
	o.key = "pkcs11:token=no-such-token;object=certifier";
	assert_refused(&o, CC_SYSTEM,
		       "no token 'no-such-token' in PKCS#11 module "
		       "'" SOFTHSM_MODULE "'");
	o.key = "pkcs11:token=cc-test;object=nobody";
	assert_refused(&o, CC_SYSTEM,
		       "no private key 'nobody' on token 'cc-test'");
	o.key = "pkcs11:token=cc-test;id=%ab%cd";
	assert_refused(&o, CC_SYSTEM,
		       "no private key with id abcd on token 'cc-test'");
	o.key = "pkcs11:token=cc-test";
	assert_refused(&o, CC_SYSTEM,
		       "3 private keys on token 'cc-test': say which with "
		       "object= or id=");
	o.key = "pkcs11:token=cc-test;object=mismatch";
	assert_refused(&o, CC_SYSTEM,
		       "the certificate on token 'cc-test' does not match its "
		       "private key 'mismatch'");
	o.key = "pkcs11:token=cc-test;object=certifier";
	o.now = 1559347200; /* 2019-06-01 */
	assert_refused(&o, CC_SYSTEM,
		       "certificate '" CERTIFIER "' is not valid before "
		       "2020-01-01");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_p12_modern),
		cmocka_unit_test(test_p12_legacy),
		cmocka_unit_test(test_p12_ec_no_cn),
		cmocka_unit_test(test_p12_refusals),
		cmocka_unit_test(test_certificate_rules),
		cmocka_unit_test(test_p12_several_keys),
		cmocka_unit_test(test_chain_files),
		cmocka_unit_test(test_secret_files),
		cmocka_unit_test(test_no_tty),
		cmocka_unit_test(test_prompt_on_a_terminal),
		cmocka_unit_test(test_prompt_interrupted),
		cmocka_unit_test(test_prompt_after_stop),
		cmocka_unit_test(test_uri_refusals),
		cmocka_unit_test(test_token_rsa),
		cmocka_unit_test(test_token_uri_forms),
		cmocka_unit_test(test_token_refusals),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
