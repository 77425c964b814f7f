/*
 * test-revocation.c - revocation data against the real test PKI and its
 * OCSP/CRL service: tests/pki/make-pki and tests/services/ocsp-server are
 * run here, on a free loopback port, for the whole group (skipped when
 * python3, openssl or certutil is missing). The certifier's path gets an
 * OCSP answer for the certifier and the root's CRL for the issuing CA,
 * which `openssl ocsp` confirms; the revoked certificate is CC_NO; offline
 * works from given files only; a missing root is fetched (caIssuers); a
 * silent or stopped service is CC_SYSTEM within the time-out. The checks
 * alone also run on the fixtures of testdata/revocation (make-fixtures
 * there): other certificates, corrupted bytes, delegation, hashes, times.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "revocation.h"
#include "scratch.h"

#define FIX "testdata/revocation/"
#define CERTIFIER_CN "Nguy\xe1\xbb\x85n V\xc4\x83n An"

static struct {
	const char *skip;
	char dir[PATH_MAX], pki[PATH_MAX + 8], log[PATH_MAX + 16];
	int port;
	pid_t server;
	X509 *certifier, *certifier_ec, *issuing, *root, *revoked, *seal;
	X509 *responder;
	STACK_OF(X509) * chain;
} E;

/* --- helpers --- */

/* snprintf into an array, which must hold it all. */
#define FMT(buf, ...)                                                          \
	assert_true(snprintf(buf, sizeof(buf), __VA_ARGS__) < (int)sizeof(buf))

static unsigned char *slurp_quietly(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *data = NULL;
	long n;

	if (!fp)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 &&
	    fseek(fp, 0, SEEK_SET) == 0 && (data = malloc((size_t)n + 1)) &&
	    fread(data, 1, (size_t)n, fp) == (size_t)n) {
		*len = (size_t)n;
	} else {
		free(data);
		data = NULL;
	}
	fclose(fp);
	return data;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	unsigned char *data = slurp_quietly(path, len);

	if (!data)
		print_message("cannot read '%s'\n", path);
	return data;
}

static void spew(const char *path, const unsigned char *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static X509 *load_cert(const char *path)
{
	FILE *fp = fopen(path, "r");
	X509 *x;

	if (!fp)
		return NULL;
	x = PEM_read_X509(fp, NULL, NULL, NULL);
	fclose(fp);
	return x;
}

static X509 *pki_cert(const char *name)
{
	char path[PATH_MAX + 64];

	FMT(path, "%s/%s.pem", E.pki, name);
	return load_cert(path);
}

static void pki_path(char *out, size_t size, const char *name)
{
	int n = snprintf(out, size, "%s/%s", E.pki, name);

	assert_true(n > 0 && (size_t)n < size);
}

static int der_equal(const struct cc_buf *b, X509 *x)
{
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der), same;

	same = len > 0 && b->len == (size_t)len &&
	       memcmp(b->data, der, b->len) == 0;
	OPENSSL_free(der);
	return same;
}

static int on_path(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	while (path && *path) {
		size_t n = strcspn(path, ":");

		if (n &&
		    snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, prog) <
			    (int)sizeof(buf) &&
		    access(buf, X_OK) == 0)
			return 1;
		path += n + (path[n] == ':');
	}
	return 0;
}

static int free_port(void)
{
	struct sockaddr_in a = {0};
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &alen) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

/* Run argv with stdout and stderr appended to log; the child dies with
 * us. */
static pid_t spawn(char *const argv[], const char *log)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
	int null = open("/dev/null", O_RDONLY);

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (fd < 0 || null < 0 || dup2(null, 0) < 0 || dup2(fd, 1) < 0 ||
	    dup2(fd, 2) < 0)
		_exit(127);
	execvp(argv[0], argv);
	_exit(127);
}

static void show_log(const char *path)
{
	size_t len = 0;
	unsigned char *text = slurp(path, &len);

	if (text) {
		text[len] = '\0';
		print_message("%s:\n%s\n", path, (char *)text);
		free(text);
	}
}

static int start_server(void)
{
	char port[16], *argv[5];
	struct timespec pause = {0, 50 * 1000 * 1000};

	FMT(port, "%d", E.port);
	argv[0] = (char *)"python3";
	argv[1] = (char *)"tests/services/ocsp-server";
	argv[2] = port;
	argv[3] = E.pki;
	argv[4] = NULL;
	unlink(E.log);
	E.server = spawn(argv, E.log);
	if (E.server < 0)
		return -1;
	for (int i = 0; i < 200; i++) {
		size_t len = 0;
		unsigned char *text = slurp_quietly(E.log, &len);
		int up = 0, status;

		if (text) {
			text[len] = '\0';
			up = strstr((char *)text, "ocsp-server: listening") !=
			     NULL;
			free(text);
		}
		if (up)
			return 0;
		if (waitpid(E.server, &status, WNOHANG) == E.server) {
			E.server = 0;
			show_log(E.log);
			return -1;
		}
		nanosleep(&pause, NULL);
	}
	show_log(E.log);
	return -1;
}

static void stop_server(void)
{
	if (E.server > 0) {
		kill(E.server, SIGTERM);
		waitpid(E.server, NULL, 0);
	}
	E.server = 0;
}

static int group_setup(void **state)
{
	char url[64], log[PATH_MAX + 16], *argv[5];
	int status;
	pid_t pid;

	(void)state;
	if (!on_path("python3") || !on_path("openssl") ||
	    !on_path("certutil")) {
		E.skip = "python3, openssl or certutil (libnss3-tools) is "
			 "missing";
		return 0;
	}
	/* Loopback is never reached through a proxy. */
	setenv("no_proxy", "127.0.0.1,localhost", 1);
	setenv("NO_PROXY", "127.0.0.1,localhost", 1);
	if (scratch_make(E.dir, sizeof(E.dir), "revocation"))
		return -1;
	FMT(E.pki, "%s/pki", E.dir);
	FMT(E.log, "%s/server.log", E.dir);
	FMT(log, "%s/make-pki.log", E.dir);
	E.port = free_port();
	if (E.port <= 0)
		return -1;
	FMT(url, "http://127.0.0.1:%d", E.port);
	argv[0] = (char *)"tests/pki/make-pki";
	argv[1] = E.pki;
	argv[2] = (char *)"--base-url";
	argv[3] = url;
	argv[4] = NULL;
	pid = spawn(argv, log);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		show_log(log);
		return -1;
	}
	if (start_server())
		return -1;
	E.certifier = pki_cert("certifier");
	E.certifier_ec = pki_cert("certifier-ec");
	E.issuing = pki_cert("issuing");
	E.root = pki_cert("root");
	E.revoked = pki_cert("revoked");
	E.seal = pki_cert("seal");
	E.responder = pki_cert("ocsp");
	E.chain = sk_X509_new_null();
	if (!E.certifier || !E.certifier_ec || !E.issuing || !E.root ||
	    !E.revoked || !E.seal || !E.responder || !E.chain ||
	    !sk_X509_push(E.chain, E.issuing) || !sk_X509_push(E.chain, E.root))
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	stop_server();
	sk_X509_free(E.chain);
	X509_free(E.certifier);
	X509_free(E.certifier_ec);
	X509_free(E.issuing);
	X509_free(E.root);
	X509_free(E.revoked);
	X509_free(E.seal);
	X509_free(E.responder);
	if (E.dir[0])
		scratch_remove(E.dir);
	return 0;
}

#define NEED_PKI()                                                             \
	do {                                                                   \
		if (E.skip) {                                                  \
			print_message("skipped: %s\n", E.skip);                \
			skip();                                                \
		}                                                              \
	} while (0)

static void expect_msg(const struct cc_error *err, const char *want)
{
	if (!strstr(err->msg, want))
		fail_msg("message '%s' lacks '%s'", err->msg, want);
}

static void assert_zeroed(const struct cc_revdata *d)
{
	assert_null(d->certs);
	assert_null(d->ocsps);
	assert_null(d->crls);
	assert_int_equal(d->ncerts + d->nocsps + d->ncrls, 0);
}

/* Fetch the certifier's data online (5 s time-out). */
static void collect_certifier(struct cc_revdata *d)
{
	struct cc_revdata_opts o = {.timeout_ms = 5000};
	struct cc_error err = {0};

	if (cc_revdata_collect(E.certifier, E.chain, &o, d, &err) != CC_OK)
		fail_msg("collect: %s", err.msg);
}

/* --- against the service --- */

static void test_certifier(void **state)
{
	struct cc_revdata d;
	struct cc_error err = {0};
	char path[PATH_MAX + 64], cmd[4 * PATH_MAX], line[256];
	unsigned char *crl;
	size_t crllen = 0;
	int good = 0, verified = 0;
	time_t now = time(NULL);
	FILE *p;

	(void)state;
	NEED_PKI();
	collect_certifier(&d);
	assert_int_equal(ERR_peek_error(), 0);
	/* The path, root included, then the delegated responder. */
	assert_int_equal(d.ncerts, 4);
	assert_true(der_equal(&d.certs[0], E.certifier));
	assert_true(der_equal(&d.certs[1], E.issuing));
	assert_true(der_equal(&d.certs[2], E.root));
	assert_true(der_equal(&d.certs[3], E.responder));
	/* OCSP for the certifier; the issuing CA has no OCSP URL, so the
	 * root's CRL, byte for byte what the service serves. */
	assert_int_equal(d.nocsps, 1);
	assert_int_equal(d.ncrls, 1);
	assert_int_equal(cc_ocsp_check(d.ocsps[0].data, d.ocsps[0].len,
				       E.certifier, E.issuing, now, &err),
			 CC_OK);
	assert_int_equal(cc_crl_check(d.crls[0].data, d.crls[0].len, E.issuing,
				      E.root, now, &err),
			 CC_OK);
	pki_path(path, sizeof(path), "root.crl");
	crl = slurp(path, &crllen);
	assert_non_null(crl);
	assert_int_equal(d.crls[0].len, crllen);
	assert_memory_equal(d.crls[0].data, crl, crllen);
	free(crl);

	/* openssl ocsp agrees. */
	FMT(path, "%s/certifier.ocsp", E.dir);
	spew(path, d.ocsps[0].data, d.ocsps[0].len);
	FMT(cmd,
	    "openssl ocsp -respin '%s' -issuer '%s/issuing.pem' "
	    "-cert '%s/certifier.pem' -CAfile '%s/chain.pem' -no_nonce "
	    "2>&1",
	    path, E.pki, E.pki, E.pki);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		good |= strstr(line, "certifier.pem: good") != NULL;
		verified |= strstr(line, "Response verify OK") != NULL;
	}
	assert_int_equal(pclose(p), 0);
	assert_true(good && verified);
	cc_revdata_free(&d);
	assert_zeroed(&d);
	cc_revdata_free(&d);
	cc_revdata_free(NULL);
}

static void test_certifier_ec(void **state)
{
	struct cc_revdata_opts o = {.timeout_ms = 5000};
	struct cc_revdata d;
	struct cc_error err = {0};

	(void)state;
	NEED_PKI();
	assert_int_equal(
		cc_revdata_collect(E.certifier_ec, E.chain, &o, &d, &err),
		CC_OK);
	assert_int_equal(d.ncerts, 4);
	assert_int_equal(d.nocsps, 1);
	assert_int_equal(d.ncrls, 1);
	assert_int_equal(cc_ocsp_check(d.ocsps[0].data, d.ocsps[0].len,
				       E.certifier_ec, E.issuing, time(NULL),
				       &err),
			 CC_OK);
	/* The certifier's RSA twin has another serial: not about it. */
	assert_int_equal(cc_ocsp_check(d.ocsps[0].data, d.ocsps[0].len,
				       E.certifier, E.issuing, time(NULL),
				       &err),
			 CC_INPUT);
	cc_revdata_free(&d);
}

static void test_revoked(void **state)
{
	struct cc_revdata_opts o = {.timeout_ms = 5000};
	struct cc_revdata d;
	struct cc_error err = {0};

	(void)state;
	NEED_PKI();
	assert_int_equal(cc_revdata_collect(E.revoked, E.chain, &o, &d, &err),
			 CC_NO);
	assert_int_equal(err.code, CC_NO);
	expect_msg(&err, "certificate 'Revoked Signer (test)' is revoked "
			 "(keyCompromise, since 20");
	assert_zeroed(&d);
	assert_int_equal(ERR_peek_error(), 0);
}

static void test_offline_nothing_given(void **state)
{
	struct cc_revdata_opts o = {.offline = 1};
	struct cc_revdata d;
	struct cc_error err = {0};

	(void)state;
	NEED_PKI();
	assert_int_equal(cc_revdata_collect(E.certifier, E.chain, &o, &d, &err),
			 CC_SYSTEM);
	assert_string_equal(err.msg,
			    "no revocation data for '" CERTIFIER_CN
			    "': offline, and no given OCSP response or CRL is "
			    "about it");
	assert_zeroed(&d);
}

static void test_offline_given_crls(void **state)
{
	char issuing_pem[PATH_MAX + 64], root_der[PATH_MAX + 64];
	char issuing_der[PATH_MAX + 64], junk[PATH_MAX + 64];
	const char *crls[] = {issuing_pem, root_der, NULL};
	const char *bad[] = {junk, NULL};
	struct cc_revdata_opts o = {.offline = 1, .crl_files = crls};
	struct cc_revdata d;
	struct cc_error err = {0};
	unsigned char *der;
	size_t len = 0;

	(void)state;
	NEED_PKI();
	pki_path(issuing_pem, sizeof(issuing_pem), "issuing.crl.pem");
	pki_path(issuing_der, sizeof(issuing_der), "issuing.crl");
	pki_path(root_der, sizeof(root_der), "root.crl");
	if (cc_revdata_collect(E.certifier, E.chain, &o, &d, &err) != CC_OK)
		fail_msg("collect: %s", err.msg);
	assert_int_equal(d.ncerts, 3);
	assert_int_equal(d.nocsps, 0);
	assert_int_equal(d.ncrls, 2);
	/* The PEM file is kept in DER. */
	der = slurp(issuing_der, &len);
	assert_non_null(der);
	assert_int_equal(d.crls[0].len, len);
	assert_memory_equal(d.crls[0].data, der, len);
	free(der);
	cc_revdata_free(&d);

	/* The same files say the revoked certificate is revoked. */
	assert_int_equal(cc_revdata_collect(E.revoked, E.chain, &o, &d, &err),
			 CC_NO);
	expect_msg(&err, "certificate 'Revoked Signer (test)' is revoked "
			 "(keyCompromise, since 20");

	/* A given file that is no CRL. */
	FMT(junk, "%s/junk.crl", E.dir);
	spew(junk, (const unsigned char *)"not a CRL\n", 10);
	o.crl_files = bad;
	assert_int_equal(cc_revdata_collect(E.certifier, E.chain, &o, &d, &err),
			 CC_INPUT);
	expect_msg(&err, "cannot use '");
	expect_msg(&err, "junk.crl': not a CRL in DER or PEM");
	assert_zeroed(&d);

	/* Given but out of date, offline: no data, and why. */
	o.crl_files = crls;
	o.now = time(NULL) + 400L * 86400;
	assert_int_equal(cc_revdata_collect(E.certifier, E.chain, &o, &d, &err),
			 CC_SYSTEM);
	expect_msg(&err, "no revocation data for '" CERTIFIER_CN "': '");
	expect_msg(&err, "issuing.crl.pem': out of date (next update ");
}

static void test_offline_given_ocsp(void **state)
{
	char ocsp[PATH_MAX + 64], root_der[PATH_MAX + 64];
	const char *ocsps[] = {ocsp, NULL}, *crls[] = {root_der, NULL};
	struct cc_revdata_opts o = {
		.offline = 1, .ocsp_files = ocsps, .crl_files = crls};
	struct cc_revdata online, d;
	struct cc_error err = {0};

	(void)state;
	NEED_PKI();
	collect_certifier(&online);
	FMT(ocsp, "%s/given.ocsp", E.dir);
	spew(ocsp, online.ocsps[0].data, online.ocsps[0].len);
	pki_path(root_der, sizeof(root_der), "root.crl");
	if (cc_revdata_collect(E.certifier, E.chain, &o, &d, &err) != CC_OK)
		fail_msg("collect: %s", err.msg);
	assert_int_equal(d.ncerts, 4);
	assert_int_equal(d.nocsps, 1);
	assert_int_equal(d.ncrls, 1);
	assert_int_equal(d.ocsps[0].len, online.ocsps[0].len);
	assert_memory_equal(d.ocsps[0].data, online.ocsps[0].data,
			    d.ocsps[0].len);
	cc_revdata_free(&d);

	/* An OCSP response about the certifier is not about the seal. */
	assert_int_equal(cc_revdata_collect(E.seal, E.chain, &o, &d, &err),
			 CC_SYSTEM);
	expect_msg(&err, "no revocation data for 'Trung t\xc3\xa2m");
	cc_revdata_free(&online);
}

static void test_root_fetched(void **state)
{
	STACK_OF(X509) *chain = sk_X509_new_null();
	struct cc_revdata_opts o = {.timeout_ms = 5000};
	struct cc_revdata d;
	struct cc_error err = {0};

	(void)state;
	NEED_PKI();
	assert_non_null(chain);
	assert_true(sk_X509_push(chain, E.issuing) > 0);
	/* The root comes from the issuing CA's caIssuers URL. */
	if (cc_revdata_collect(E.certifier, chain, &o, &d, &err) != CC_OK)
		fail_msg("collect: %s", err.msg);
	assert_int_equal(d.ncerts, 4);
	assert_true(der_equal(&d.certs[2], E.root));
	cc_revdata_free(&d);
	/* Offline, nothing is fetched. */
	o.offline = 1;
	assert_int_equal(cc_revdata_collect(E.certifier, chain, &o, &d, &err),
			 CC_INPUT);
	assert_string_equal(err.msg,
			    "cannot check the revocation of 'certcopy Test "
			    "Issuing CA': its issuer 'certcopy Test Root CA' "
			    "is not in the chain");
	/* No chain at all. */
	assert_int_equal(cc_revdata_collect(E.certifier, NULL, &o, &d, &err),
			 CC_INPUT);
	expect_msg(&err, "its issuer 'certcopy Test Issuing CA' is not in "
			 "the chain");
	sk_X509_free(chain);
	/* A responder with id-pkix-ocsp-nocheck needs none for itself: only
	 * the issuing CA's CRL. */
	o.offline = 0;
	assert_int_equal(cc_revdata_collect(E.responder, E.chain, &o, &d, &err),
			 CC_OK);
	assert_int_equal(d.ncerts, 3);
	assert_int_equal(d.nocsps, 0);
	assert_int_equal(d.ncrls, 1);
	cc_revdata_free(&d);
	o.offline = 1;
	/* A root alone needs nothing. */
	assert_int_equal(cc_revdata_collect(E.root, NULL, &o, &d, &err), CC_OK);
	assert_int_equal(d.ncerts, 1);
	assert_int_equal(d.nocsps + d.ncrls, 0);
	cc_revdata_free(&d);
	assert_int_equal(cc_revdata_collect(NULL, NULL, &o, &d, &err),
			 CC_USAGE);
}

/* Flip a bit in the middle of an OCSPResponse's signature value. */
static void flip_signature(unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE(NULL, &p, (long)len);
	OCSP_BASICRESP *bs = resp ? OCSP_response_get1_basic(resp) : NULL;
	const ASN1_OCTET_STRING *sig = bs ? OCSP_resp_get0_signature(bs) : NULL;
	size_t n = sig ? (size_t)ASN1_STRING_length(sig) : 0;
	unsigned char *at;

	assert_true(n > 16);
	at = memmem(der, len, ASN1_STRING_get0_data(sig), n);
	assert_non_null(at);
	at[n / 2] ^= 0x01;
	OCSP_BASICRESP_free(bs);
	OCSP_RESPONSE_free(resp);
}

static void test_ocsp_check_live(void **state)
{
	struct cc_revdata d;
	struct cc_error err = {0};
	time_t now = time(NULL);
	unsigned char *bad;
	size_t len;

	(void)state;
	NEED_PKI();
	collect_certifier(&d);
	len = d.ocsps[0].len;
	/* About another certificate of the same CA. */
	assert_int_equal(cc_ocsp_check(d.ocsps[0].data, len, E.seal, E.issuing,
				       now, &err),
			 CC_INPUT);
	expect_msg(&err, "bad OCSP response for 'Trung t");
	expect_msg(&err, "': not about this certificate");
	/* With another issuer, the CertID differs. */
	assert_int_equal(cc_ocsp_check(d.ocsps[0].data, len, E.certifier,
				       E.root, now, &err),
			 CC_INPUT);
	/* A flipped bit in the signature. */
	bad = malloc(len);
	assert_non_null(bad);
	memcpy(bad, d.ocsps[0].data, len);
	flip_signature(bad, len);
	assert_int_equal(
		cc_ocsp_check(bad, len, E.certifier, E.issuing, now, &err),
		CC_INPUT);
	expect_msg(&err, "its signature does not verify with the key of "
			 "'certcopy Test OCSP Responder'");
	/* Cut short, and with a byte after it. */
	assert_int_equal(cc_ocsp_check(d.ocsps[0].data, len - 1, E.certifier,
				       E.issuing, now, &err),
			 CC_INPUT);
	expect_msg(&err, "not an OCSP response");
	memcpy(bad, d.ocsps[0].data, len);
	bad = realloc(bad, len + 1);
	assert_non_null(bad);
	bad[len] = 0;
	assert_int_equal(
		cc_ocsp_check(bad, len + 1, E.certifier, E.issuing, now, &err),
		CC_INPUT);
	expect_msg(&err, "1 bytes after the OCSP response");
	/* Two hours on, the 60-minute answer is out of date. */
	assert_int_equal(cc_ocsp_check(d.ocsps[0].data, len, E.certifier,
				       E.issuing, now + 7200, &err),
			 CC_INPUT);
	expect_msg(&err, "out of date (next update ");
	assert_int_equal(
		cc_ocsp_check(NULL, 0, E.certifier, E.issuing, now, &err),
		CC_INPUT);
	assert_int_equal(
		cc_ocsp_check(d.ocsps[0].data, len, NULL, E.issuing, now, &err),
		CC_USAGE);
	assert_int_equal(ERR_peek_error(), 0);
	free(bad);
	cc_revdata_free(&d);
}

static void test_crl_check_live(void **state)
{
	char path[PATH_MAX + 64];
	struct cc_error err = {0};
	time_t now = time(NULL);
	unsigned char *crl, *root_crl, *pem;
	size_t len = 0, rootlen = 0, pemlen = 0;

	(void)state;
	NEED_PKI();
	pki_path(path, sizeof(path), "issuing.crl");
	crl = slurp(path, &len);
	pki_path(path, sizeof(path), "root.crl");
	root_crl = slurp(path, &rootlen);
	pki_path(path, sizeof(path), "issuing.crl.pem");
	pem = slurp(path, &pemlen);
	assert_true(crl && root_crl && pem);
	assert_int_equal(
		cc_crl_check(crl, len, E.certifier, E.issuing, now, &err),
		CC_OK);
	assert_int_equal(
		cc_crl_check(pem, pemlen, E.certifier, E.issuing, now, &err),
		CC_OK);
	assert_int_equal(
		cc_crl_check(crl, len, E.revoked, E.issuing, now, &err), CC_NO);
	expect_msg(&err, "certificate 'Revoked Signer (test)' is revoked "
			 "(keyCompromise, since 20");
	/* Far in the future, its nextUpdate has passed: refused. */
	assert_int_equal(cc_crl_check(crl, len, E.certifier, E.issuing,
				      now + 50L * 365 * 86400, &err),
			 CC_INPUT);
	expect_msg(&err, "bad CRL for '" CERTIFIER_CN
			 "': out of date (next update 20");
	/* The root's CRL is not about the certifier. */
	assert_int_equal(cc_crl_check(root_crl, rootlen, E.certifier, E.issuing,
				      now, &err),
			 CC_INPUT);
	expect_msg(&err, "issued by 'certcopy Test Root CA', not by 'certcopy "
			 "Test Issuing CA'");
	/* Signed by someone else with the issuer's name. */
	assert_int_equal(cc_crl_check(crl, len, E.certifier, E.seal, now, &err),
			 CC_INPUT);
	crl[len - 5] ^= 0x10;
	assert_int_equal(
		cc_crl_check(crl, len, E.certifier, E.issuing, now, &err),
		CC_INPUT);
	expect_msg(&err, "its signature does not verify with the key of "
			 "'certcopy Test Issuing CA'");
	assert_int_equal(
		cc_crl_check(crl, len / 2, E.certifier, E.issuing, now, &err),
		CC_INPUT);
	expect_msg(&err, "not a CRL");
	assert_int_equal(ERR_peek_error(), 0);
	free(crl);
	free(root_crl);
	free(pem);
}

/* Last: the service is stopped. */
static void test_service_down(void **state)
{
	struct cc_revdata_opts o = {.timeout_ms = 700};
	struct cc_revdata d;
	struct cc_error err = {0};
	struct sockaddr_in a = {0};
	struct timespec t0, t1;
	int fd, one = 1;
	double secs;

	(void)state;
	NEED_PKI();
	stop_server();
	/* A listener that never answers: the time-out ends each request. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)E.port);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 8), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(cc_revdata_collect(E.certifier, E.chain, &o, &d, &err),
			 CC_SYSTEM);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	expect_msg(&err, "no revocation data for '" CERTIFIER_CN
			 "': cannot reach OCSP responder 'http://127.0.0.1:");
	expect_msg(&err, "/ocsp'");
	/* OCSP, then the CRL: two time-outs of 0.7 s. */
	if (secs > 5)
		fail_msg("took %.1f s", secs);
	assert_zeroed(&d);
	close(fd);

	/* Nobody there at all. */
	assert_int_equal(cc_revdata_collect(E.certifier, E.chain, &o, &d, &err),
			 CC_SYSTEM);
	expect_msg(&err, "no revocation data for '" CERTIFIER_CN
			 "': cannot reach OCSP responder");
	expect_msg(&err, "; cannot reach 'http://127.0.0.1:");
	assert_int_equal(ERR_peek_error(), 0);
}

/* --- the fixtures of testdata/revocation --- */

static time_t fixture_now(void)
{
	FILE *fp = fopen(FIX "facts", "r");
	char line[128];
	long long t = 0;

	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp))
		if (sscanf(line, "now %lld", &t) == 1)
			break;
	fclose(fp);
	assert_true(t > 0);
	return (time_t)t;
}

/* cc_ocsp_check on a fixture: want, and a message holding msg. */
static void fix_ocsp(const char *name, X509 *cert, X509 *issuer, time_t now,
		     int want, const char *msg)
{
	char path[256];
	struct cc_error err = {0};
	unsigned char *der;
	size_t len = 0;
	int rc;

	FMT(path, FIX "%s", name);
	der = slurp(path, &len);
	assert_non_null(der);
	rc = cc_ocsp_check(der, len, cert, issuer, now, &err);
	if (rc != want)
		fail_msg("%s: %d, not %d (%s)", name, rc, want, err.msg);
	if (msg)
		expect_msg(&err, msg);
	assert_int_equal(ERR_peek_error(), 0);
	free(der);
}

static void fix_crl(const char *name, X509 *cert, X509 *issuer, time_t now,
		    int want, const char *msg)
{
	char path[256];
	struct cc_error err = {0};
	unsigned char *der;
	size_t len = 0;
	int rc;

	FMT(path, FIX "%s", name);
	der = slurp(path, &len);
	assert_non_null(der);
	rc = cc_crl_check(der, len, cert, issuer, now, &err);
	if (rc != want)
		fail_msg("%s: %d, not %d (%s)", name, rc, want, err.msg);
	if (msg)
		expect_msg(&err, msg);
	assert_int_equal(ERR_peek_error(), 0);
	free(der);
}

static void test_fixtures(void **state)
{
	X509 *ca = load_cert(FIX "issuing.pem"),
	     *leaf = load_cert(FIX "leaf.pem");
	X509 *rev = load_cert(FIX "revoked.pem"),
	     *other = load_cert(FIX "other.pem");
	time_t now = fixture_now(), later = now + 2 * 86400;

	(void)state;
	assert_true(ca && leaf && rev && other);
	fix_ocsp("good.ocsp", leaf, ca, now, CC_OK, NULL);
	fix_ocsp("sha256.ocsp", leaf, ca, now, CC_OK, NULL);
	fix_ocsp("byca.ocsp", leaf, ca, now, CC_OK, NULL);
	fix_ocsp("multi.ocsp", leaf, ca, now, CC_OK, NULL);
	fix_ocsp("multi.ocsp", other, ca, now, CC_OK, NULL);
	fix_ocsp("nonext.ocsp", leaf, ca, now, CC_OK, NULL);
	fix_ocsp("revoked.ocsp", rev, ca, now, CC_NO,
		 "certificate 'certcopy revocation fixture revoked' is "
		 "revoked (keyCompromise, since 20");
	fix_ocsp("good.ocsp", other, ca, now, CC_INPUT,
		 "bad OCSP response for 'certcopy revocation fixture other': "
		 "not about this certificate");
	fix_ocsp("revoked.ocsp", leaf, ca, now, CC_INPUT, "not about");
	fix_ocsp("unknown.ocsp", leaf, ca, now, CC_INPUT, "not about");
	fix_ocsp("malformed.ocsp", leaf, ca, now, CC_INPUT,
		 "the responder answered 'malformedRequest'");
	fix_ocsp("noeku.ocsp", leaf, ca, now, CC_INPUT,
		 "signed by 'certcopy revocation fixture noeku', which has no "
		 "extended key usage OCSPSigning");
	/* Same name as the CA, another key. */
	fix_ocsp("rogue.ocsp", leaf, ca, now, CC_INPUT, NULL);
	fix_ocsp("good.ocsp", leaf, ca, later, CC_INPUT,
		 "out of date (next update 20");
	fix_ocsp("nonext.ocsp", leaf, ca, later, CC_INPUT, "no next update");
	fix_ocsp("byca.ocsp", leaf, ca, now - 86400, CC_INPUT,
		 "issued in the future (20");
	/* Not an OCSP response at all. */
	fix_ocsp("ca.crl", leaf, ca, now, CC_INPUT, "not an OCSP response");

	fix_crl("ca.crl", leaf, ca, now, CC_OK, NULL);
	fix_crl("ca.crl.pem", leaf, ca, now, CC_OK, NULL);
	fix_crl("ca.crl", rev, ca, now, CC_NO, "(keyCompromise, since 20");
	fix_crl("short.crl", leaf, ca, now, CC_OK, NULL);
	fix_crl("short.crl", leaf, ca, later, CC_INPUT,
		"bad CRL for 'certcopy revocation fixture leaf': out of date "
		"(next update 20");
	fix_crl("good.ocsp", leaf, ca, now, CC_INPUT, "not a CRL");
	fix_crl("issuing.pem", leaf, ca, now, CC_INPUT, "not a CRL");
	X509_free(ca);
	X509_free(leaf);
	X509_free(rev);
	X509_free(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_certifier),
		cmocka_unit_test(test_certifier_ec),
		cmocka_unit_test(test_revoked),
		cmocka_unit_test(test_offline_nothing_given),
		cmocka_unit_test(test_offline_given_crls),
		cmocka_unit_test(test_offline_given_ocsp),
		cmocka_unit_test(test_root_fetched),
		cmocka_unit_test(test_ocsp_check_live),
		cmocka_unit_test(test_crl_check_live),
		cmocka_unit_test(test_service_down),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
