/*
 * test-sigcrypto.c - the integrity and crypto checks on files signed by our
 * own tools (cc-ocr, then cc-sign with the test PKI: RSA, EC, RSA-PSS,
 * SHA-512, and B-T with a time-stamp from tests/services/tsa-server): good
 * signatures pass every check, and a changed signed byte, a changed
 * signature value, a changed time-stamp token and garbage for the DER each
 * fail the check they break.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/cms.h>

#include "buf.h"
#include "scratch.h"
#include "sigcrypto.h"
#include "sigstruct.h"

enum { F_RSA, F_EC, F_PSS, F_SHA512, F_BT, F_N };
static const char *const names[F_N] = {"rsa", "ec", "pss", "sha512", "bt"};

struct fixture {
	char dir[4096];
	const char *skip;    /* why every test skips, or NULL */
	const char *skip_bt; /* why the B-T test skips, or NULL */
	pid_t tsa;
	struct cc_buf pdf[F_N];
};

static struct fixture fx;

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	char cmd[16384];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(cmd))
		return -1;
	return system(cmd);
}

/* A loopback port nobody listens on now. */
static int free_port(void)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	if (s < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(s, (struct sockaddr *)&a, &alen) == 0)
		port = ntohs(a.sin_port);
	close(s);
	return port;
}

/* tests/services/tsa-server on a free port; its port, or -1. */
static int start_tsa(void)
{
	char log[4200], portstr[16];
	int port = free_port(), fd;

	if (port < 0)
		return -1;
	snprintf(portstr, sizeof(portstr), "%d", port);
	snprintf(log, sizeof(log), "%s/tsa-server.log", fx.dir);
	fx.tsa = fork();
	if (fx.tsa < 0)
		return -1;
	if (fx.tsa == 0) {
		char pki[4200];

		snprintf(pki, sizeof(pki), "%s/pki", fx.dir);
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl("/usr/bin/python3", "python3",
		      "tests/services/tsa-server", portstr, pki, (char *)NULL);
		_exit(127);
	}
	/* It says so once it has its port. */
	for (int i = 0; i < 100; i++) {
		struct timespec ts = {0, 100 * 1000 * 1000};
		int status;

		if (run("grep -q '^tsa-server: listening' '%s' 2>/dev/null",
			log) == 0)
			return port;
		if (waitpid(fx.tsa, &status, WNOHANG) == fx.tsa) {
			fx.tsa = 0;
			return -1;
		}
		nanosleep(&ts, NULL);
	}
	return -1;
}

static int sign(const char *bin, int which, const char *key, const char *extra)
{
	return run("'%s/cc-sign' -q -k '%s/pki/%s.p12' --pin-file "
		   "'%s/pki/%s.pass' %s '%s/copy.pdf' -o '%s/%s.pdf'",
		   bin, fx.dir, key, fx.dir, key, extra, fx.dir, fx.dir,
		   names[which]);
}

static int setup(void **state)
{
	const char *b = getenv("CC_BUILD");
	char bin[4200], path[8400], tsa[64];
	struct cc_error err = {0, ""};
	int port;

	(void)state;
	snprintf(bin, sizeof(bin), "%s/bin", b && *b ? b : "build/opt");
	if (run("test -x '%s/cc-sign' && test -x '%s/cc-ocr'", bin, bin)) {
		fx.skip = "cc-sign or cc-ocr is not built";
		return 0;
	}
	if (run("command -v certutil >/dev/null && "
		"command -v openssl >/dev/null")) {
		fx.skip = "certutil or openssl is not installed";
		return 0;
	}
	if (scratch_make(fx.dir, sizeof(fx.dir), "sigcrypto"))
		return -1;
	if (run("tests/pki/make-pki '%s/pki' >/dev/null && "
		"chmod 600 '%s'/pki/*.pass",
		fx.dir, fx.dir) ||
	    run("'%s/cc-ocr' -q testdata/samples/idcard-front.png -o "
		"'%s/copy.pdf'",
		bin, fx.dir) ||
	    sign(bin, F_RSA, "certifier", "") ||
	    sign(bin, F_EC, "certifier-ec", "") ||
	    sign(bin, F_PSS, "certifier", "--pss") ||
	    sign(bin, F_SHA512, "certifier", "--digest sha512"))
		return -1;
	if (access("/usr/bin/python3", X_OK)) {
		fx.skip_bt = "python3 is not installed (no TSA)";
	} else if ((port = start_tsa()) < 0) {
		fx.skip_bt = "the TSA did not start";
	} else {
		snprintf(tsa, sizeof(tsa), "--tsa http://127.0.0.1:%d/tsa",
			 port);
		if (sign(bin, F_BT, "certifier", tsa))
			return -1;
	}
	for (int i = 0; i < F_N; i++) {
		if (i == F_BT && fx.skip_bt)
			continue;
		snprintf(path, sizeof(path), "%s/%s.pdf", fx.dir, names[i]);
		if (cc_buf_read_file(&fx.pdf[i], path, 1 << 26, &err))
			return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (fx.tsa > 0) {
		kill(fx.tsa, SIGTERM);
		waitpid(fx.tsa, NULL, 0);
	}
	if (fx.dir[0])
		scratch_remove(fx.dir);
	for (int i = 0; i < F_N; i++)
		cc_buf_free(&fx.pdf[i]);
	return 0;
}

#define NEED()                                                                 \
	do {                                                                   \
		if (fx.skip) {                                                 \
			print_message("skipped: %s\n", fx.skip);               \
			skip();                                                \
		}                                                              \
	} while (0)

/* The one signature of d, structurally sound. */
static void read_sig(const unsigned char *d, size_t len,
		     struct cc_sig_structs *s)
{
	struct cc_error err = {0, ""};

	assert_int_equal(cc_sig_struct_read(d, len, "x.pdf", s, &err), CC_OK);
	assert_int_equal(s->n, 1);
	assert_true(s->sig[0].ok);
}

static void check(const unsigned char *d, size_t len,
		  const struct cc_sig_struct *g, struct cc_sig_crypto *c)
{
	struct cc_error err = {0, ""};

	assert_int_equal(cc_sig_crypto_check(d, len, g->range, g->contents,
					     g->contents_len, 0, c, &err),
			 CC_OK);
}

static void expect_good(int which, const char *digest)
{
	struct cc_sig_structs s;
	struct cc_sig_crypto c;

	read_sig(fx.pdf[which].data, fx.pdf[which].len, &s);
	check(fx.pdf[which].data, fx.pdf[which].len, &s.sig[0], &c);
	if (c.problem[0])
		print_message("%s: %s\n", names[which], c.problem);
	assert_string_equal(c.problem, "");
	assert_true(c.digest_ok && c.signature_ok && c.signing_cert_ok &&
		    c.algorithms_ok);
	assert_false(c.has_signing_time);
	assert_string_equal(c.digest_name, digest);
	assert_non_null(c.signer);
	assert_true(sk_X509_num(c.certs) >= 1);
	assert_int_equal(c.has_tst, which == F_BT);
	cc_sig_crypto_free(&c);
	cc_sig_structs_free(&s);
}

static void test_good(void **state)
{
	(void)state;
	NEED();
	expect_good(F_RSA, "SHA-256");
	expect_good(F_EC, "SHA-256");
	expect_good(F_PSS, "SHA-256");
	expect_good(F_SHA512, "SHA-512");
}

static void test_bt(void **state)
{
	struct cc_sig_structs s;
	struct cc_sig_crypto c;

	(void)state;
	NEED();
	if (fx.skip_bt) {
		print_message("skipped: %s\n", fx.skip_bt);
		skip();
	}
	read_sig(fx.pdf[F_BT].data, fx.pdf[F_BT].len, &s);
	check(fx.pdf[F_BT].data, fx.pdf[F_BT].len, &s.sig[0], &c);
	assert_string_equal(c.problem, "");
	assert_true(c.has_tst && c.tst_ok);
	assert_int_equal(strlen(c.tst_time), 20);
	assert_int_equal(c.tst_time[4], '-');
	assert_int_equal(c.tst_time[19], 'Z');
	assert_non_null(c.tsa);
	assert_true(sk_X509_num(c.tsa_certs) >= 1);
	assert_int_not_equal(X509_cmp(c.tsa, c.signer), 0);
	cc_sig_crypto_free(&c);
	cc_sig_structs_free(&s);
}

static void test_digest_changed(void **state)
{
	struct cc_sig_structs s;
	struct cc_sig_crypto c;
	struct cc_buf *f = &fx.pdf[F_RSA];
	unsigned char *d;

	(void)state;
	NEED();
	read_sig(f->data, f->len, &s);
	d = malloc(f->len);
	assert_non_null(d);
	memcpy(d, f->data, f->len);
	d[s.sig[0].range[1] / 2] ^= 0x01;
	check(d, f->len, &s.sig[0], &c);
	assert_false(c.digest_ok);
	assert_true(c.signature_ok && c.signing_cert_ok && c.algorithms_ok);
	assert_non_null(strstr(c.problem, "message digest does not match"));
	cc_sig_crypto_free(&c);
	/* A range past the end of the data is a problem, not a crash. */
	s.sig[0].range[3] = f->len;
	check(d, f->len, &s.sig[0], &c);
	assert_false(c.digest_ok);
	assert_non_null(strstr(c.problem, "past the end"));
	cc_sig_crypto_free(&c);
	free(d);
	cc_sig_structs_free(&s);
}

/* A copy of file which with one byte of its DER /Contents changed (at off,
 * hex re-encoded in place), read back. */
static unsigned char *rewrite_contents(int which, size_t off,
				       struct cc_sig_structs *s)
{
	static const char hex[] = "0123456789ABCDEF";
	struct cc_buf *f = &fx.pdf[which];
	unsigned char *d = malloc(f->len), v;
	size_t at;

	assert_non_null(d);
	memcpy(d, f->data, f->len);
	read_sig(d, f->len, s);
	assert_true(off < s->sig[0].contents_len);
	v = s->sig[0].contents[off] ^ 0x5a;
	at = s->sig[0].range[1] + 1 + 2 * off;
	d[at] = (unsigned char)hex[v >> 4];
	d[at + 1] = (unsigned char)hex[v & 15];
	cc_sig_structs_free(s);
	read_sig(d, f->len, s);
	assert_int_equal(s->sig[0].contents[off], v);
	return d;
}

/* The offset in der of the bytes of a (which must occur once). */
static size_t find(const struct cc_sig_struct *g, const ASN1_STRING *a)
{
	const unsigned char *p =
		memmem(g->contents, g->contents_len, ASN1_STRING_get0_data(a),
		       (size_t)ASN1_STRING_length(a));

	assert_non_null(p);
	return (size_t)(p - g->contents);
}

static CMS_SignerInfo *signer_info(const struct cc_sig_struct *g,
				   CMS_ContentInfo **cms)
{
	const unsigned char *p = g->contents;

	*cms = d2i_CMS_ContentInfo(NULL, &p, (long)g->contents_len);
	assert_non_null(*cms);
	return sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(*cms), 0);
}

static void test_signature_changed(void **state)
{
	struct cc_sig_structs s;
	struct cc_sig_crypto c;
	CMS_ContentInfo *cms;
	const ASN1_OCTET_STRING *sig;
	unsigned char *d;
	size_t off;

	(void)state;
	NEED();
	for (int which = F_RSA; which <= F_EC; which++) {
		read_sig(fx.pdf[which].data, fx.pdf[which].len, &s);
		sig = CMS_SignerInfo_get0_signature(
			signer_info(&s.sig[0], &cms));
		off = find(&s.sig[0], sig) + (size_t)ASN1_STRING_length(sig) -
		      2;
		CMS_ContentInfo_free(cms);
		cc_sig_structs_free(&s);

		d = rewrite_contents(which, off, &s);
		check(d, fx.pdf[which].len, &s.sig[0], &c);
		assert_true(c.digest_ok);
		assert_false(c.signature_ok);
		assert_non_null(strstr(c.problem, "does not verify"));
		cc_sig_crypto_free(&c);
		cc_sig_structs_free(&s);
		free(d);
	}
}

static void test_tst_changed(void **state)
{
	struct cc_sig_structs s;
	struct cc_sig_crypto c;
	CMS_ContentInfo *cms;
	const ASN1_STRING *tok;
	unsigned char *d;
	size_t off;

	(void)state;
	NEED();
	if (fx.skip_bt) {
		print_message("skipped: %s\n", fx.skip_bt);
		skip();
	}
	read_sig(fx.pdf[F_BT].data, fx.pdf[F_BT].len, &s);
	tok = CMS_unsigned_get0_data_by_OBJ(
		signer_info(&s.sig[0], &cms),
		OBJ_nid2obj(NID_id_smime_aa_timeStampToken), -1,
		V_ASN1_SEQUENCE);
	assert_non_null(tok);
	/* The last bytes of the token are its signature value. */
	off = find(&s.sig[0], tok) + (size_t)ASN1_STRING_length(tok) - 2;
	CMS_ContentInfo_free(cms);
	cc_sig_structs_free(&s);

	d = rewrite_contents(F_BT, off, &s);
	check(d, fx.pdf[F_BT].len, &s.sig[0], &c);
	assert_true(c.digest_ok && c.signature_ok && c.signing_cert_ok &&
		    c.algorithms_ok);
	assert_true(c.has_tst);
	assert_false(c.tst_ok);
	assert_non_null(strstr(c.problem, "signature time-stamp"));
	cc_sig_crypto_free(&c);
	cc_sig_structs_free(&s);
	free(d);
}

static void test_garbage(void **state)
{
	static const unsigned char junk[] = "\x30\x03\x02\x01\x01 not CMS";
	static const unsigned long long r[4] = {0, 4, 8, 4};
	struct cc_sig_structs s;
	struct cc_sig_crypto c;
	struct cc_error err = {0, ""};

	(void)state;
	assert_int_equal(cc_sig_crypto_check(junk, sizeof(junk), r, junk,
					     sizeof(junk), 0, &c, &err),
			 CC_INPUT);
	assert_int_equal(err.code, CC_INPUT);
	assert_string_equal(err.msg,
			    "the signature is not a DER CMS SignedData");
	assert_null(c.signer);
	assert_int_equal(cc_sig_crypto_check(junk, sizeof(junk), r, NULL, 0, 1,
					     &c, &err),
			 CC_INPUT);
	NEED();
	/* A signature is not a time-stamp token. */
	read_sig(fx.pdf[F_RSA].data, fx.pdf[F_RSA].len, &s);
	assert_int_equal(
		cc_sig_crypto_check(fx.pdf[F_RSA].data, fx.pdf[F_RSA].len,
				    s.sig[0].range, s.sig[0].contents,
				    s.sig[0].contents_len, 1, &c, &err),
		CC_INPUT);
	/* Bytes after the DER. */
	assert_int_equal(
		cc_sig_crypto_check(fx.pdf[F_RSA].data, fx.pdf[F_RSA].len,
				    s.sig[0].range, s.sig[0].contents,
				    s.sig[0].contents_len + 1, 0, &c, &err),
		CC_INPUT);
	cc_sig_structs_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bt),
		cmocka_unit_test(test_digest_changed),
		cmocka_unit_test(test_signature_changed),
		cmocka_unit_test(test_tst_changed),
		cmocka_unit_test(test_garbage),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
