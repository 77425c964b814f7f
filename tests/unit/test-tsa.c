/*
 * test-tsa.c - the RFC 3161 client and the HTTP client under it, without a
 * network. Replies from testdata/tsa (made by tests/tsa/make-fixtures, whose
 * facts file gives the digest, nonce and genTime of good.tsr): the good one
 * gives the token's bytes and genTime, each bad one CC_SYSTEM and a message
 * naming the problem. HTTP against a one-connection server in a thread of
 * this test: success, status, Content-Type, size, time-out, an unreachable
 * port, a URL that is not http; and cc_tsa_stamp through it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/ts.h>
#include <openssl/x509.h>

#include "buf.h"
#include "http.h"
#include "tsa.h"

#define DIR "testdata/tsa/"

/* --- fixtures --- */

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *data = NULL;
	long n;

	if (!fp) {
		print_message("cannot open '%s'\n", path);
		return NULL;
	}
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

struct facts {
	unsigned char digest[32];
	uint64_t nonce, other_nonce;
	char gen_time[32];
};

static void load_facts(struct facts *f)
{
	FILE *fp = fopen(DIR "facts", "r");
	char line[256], hex[80];
	int got = 0;

	assert_non_null(fp);
	memset(f, 0, sizeof(*f));
	while (fgets(line, sizeof(line), fp)) {
		unsigned long long v;

		if (sscanf(line, "digest %64s", hex) == 1 &&
		    strlen(hex) == 64) {
			for (int i = 0; i < 32; i++) {
				unsigned b;

				assert_int_equal(sscanf(hex + 2 * i, "%2x", &b),
						 1);
				f->digest[i] = (unsigned char)b;
			}
			got |= 1;
		} else if (sscanf(line, "nonce %llx", &v) == 1) {
			f->nonce = v;
			got |= 2;
		} else if (sscanf(line, "other_nonce %llx", &v) == 1) {
			f->other_nonce = v;
			got |= 4;
		} else if (sscanf(line, "gen_time %31s", f->gen_time) == 1) {
			got |= 8;
		}
	}
	fclose(fp);
	assert_int_equal(got, 15);
}

static void assert_empty(const struct cc_tsa_token *tok)
{
	assert_null(tok->der);
	assert_int_equal(tok->len, 0);
	assert_string_equal(tok->gen_time, "");
}

/* Check bytes; expect CC_SYSTEM, msg containing want, no token, and
 * nothing left in OpenSSL's error queue. */
static void expect_bad(const unsigned char *resp, size_t len,
		       const unsigned char *digest, uint64_t nonce,
		       const char *want)
{
	struct cc_tsa_token tok;
	struct cc_error err = {0};

	memset(&tok, 0x5a, sizeof(tok));
	assert_int_equal(
		cc_tsa_check_reply(resp, len, digest, nonce, &tok, &err),
		CC_SYSTEM);
	assert_int_equal(err.code, CC_SYSTEM);
	if (!strstr(err.msg, want))
		fail_msg("message '%s' lacks '%s'", err.msg, want);
	assert_empty(&tok);
	assert_int_equal(ERR_peek_error(), 0);
}

static void expect_bad_file(const char *name, const struct facts *f,
			    const char *want)
{
	char path[256];
	size_t len = 0;
	unsigned char *data;

	snprintf(path, sizeof(path), DIR "%s", name);
	data = slurp(path, &len);
	assert_non_null(data);
	expect_bad(data, len, f->digest, f->nonce, want);
	free(data);
}

static void test_good_reply(void **state)
{
	struct facts f;
	struct cc_tsa_token tok;
	struct cc_error err = {0};
	size_t len, toklen;
	unsigned char *resp, *want;

	(void)state;
	load_facts(&f);
	resp = slurp(DIR "good.tsr", &len);
	want = slurp(DIR "good.tst", &toklen);
	assert_non_null(resp);
	assert_non_null(want);
	assert_int_equal(
		cc_tsa_check_reply(resp, len, f.digest, f.nonce, &tok, &err),
		CC_OK);
	assert_int_equal(tok.len, toklen);
	assert_memory_equal(tok.der, want, toklen);
	assert_string_equal(tok.gen_time, f.gen_time);
	assert_int_equal(ERR_peek_error(), 0);
	/* The token is the reply's tail, byte for byte. */
	assert_memory_equal(resp + len - toklen, want, toklen);
	cc_tsa_token_free(&tok);
	assert_null(tok.der);
	assert_int_equal(tok.len, 0);
	cc_tsa_token_free(&tok);
	cc_tsa_token_free(NULL);
	free(resp);
	free(want);
}

/* The good reply, asked about something else. */
static void test_good_reply_other_request(void **state)
{
	struct facts f;
	size_t len;
	unsigned char *resp, other[32];

	(void)state;
	load_facts(&f);
	resp = slurp(DIR "good.tsr", &len);
	assert_non_null(resp);
	memcpy(other, f.digest, 32);
	other[31] ^= 1;
	expect_bad(resp, len, other, f.nonce,
		   "TSA gave a bad reply: the time-stamp is for another "
		   "digest (message imprint mismatch)");
	expect_bad(resp, len, f.digest, f.nonce + 1,
		   "TSA gave a bad reply: nonce mismatch (a reply to another "
		   "request)");
	expect_bad(resp, len, f.digest, f.other_nonce, "nonce mismatch");
	free(resp);
}

static void test_bad_replies(void **state)
{
	struct facts f;

	(void)state;
	load_facts(&f);
	expect_bad_file("imprint.tsr", &f,
			"TSA gave a bad reply: the time-stamp is for another "
			"digest (message imprint mismatch)");
	expect_bad_file("nonce.tsr", &f,
			"TSA gave a bad reply: nonce mismatch (a reply to "
			"another request)");
	expect_bad_file("notsa.tsr", &f,
			"TSA gave a bad reply: certificate 'certcopy fixture "
			"notsa' has no extended key usage timeStamping");
	expect_bad_file("noncrit.tsr", &f,
			"TSA gave a bad reply: certificate 'certcopy fixture "
			"noncrit' has extended key usage timeStamping, but "
			"not critical");
	expect_bad_file("noess.tsr", &f,
			"TSA gave a bad reply: the token has no ESS "
			"signing-certificate attribute");
	expect_bad_file("truncated.tsr", &f,
			"TSA gave a bad reply: truncated (200 bytes of ");
	expect_bad_file("garbage.tsr", &f,
			"TSA gave a bad reply: truncated (116 bytes of 4100)");
}

static void test_rejection(void **state)
{
	struct facts f;
	struct cc_tsa_token tok;
	struct cc_error err = {0};
	size_t len;
	unsigned char *resp;

	(void)state;
	load_facts(&f);
	resp = slurp(DIR "rejection.tsr", &len);
	assert_non_null(resp);
	assert_int_equal(
		cc_tsa_check_reply(resp, len, f.digest, f.nonce, &tok, &err),
		CC_SYSTEM);
	assert_string_equal(err.msg,
			    "TSA refused the request: rejection (badAlg) "
			    "'Message digest algorithm is not supported.'");
	assert_empty(&tok);
	free(resp);
}

/* Bytes that are no reply, and good replies spoilt in one place. */
static void test_spoilt_replies(void **state)
{
	static const unsigned char not_der[] = "hello, TSA";
	/* SEQUENCE { SEQUENCE { INTEGER 0 } }: granted, and no token. */
	static const unsigned char no_token[] = {0x30, 0x05, 0x30, 0x03,
						 0x02, 0x01, 0x00};
	/* The same status, then a token that is not CMS. */
	static const unsigned char junk_token[] = {0x30, 0x09, 0x30, 0x03,
						   0x02, 0x01, 0x00, 0x04,
						   0x02, 0x41, 0x42};
	/* status waiting, with the text "later". */
	static const unsigned char waiting[] = {
		0x30, 0x0e, 0x30, 0x0c, 0x02, 0x01, 0x03, 0x30,
		0x07, 0x0c, 0x05, 'l',	'a',  't',  'e',  'r'};
	/* An indefinite-length outer SEQUENCE. */
	static const unsigned char indefinite[] = {0x30, 0x80, 0x30, 0x03, 0x02,
						   0x01, 0x00, 0x00, 0x00};
	struct facts f;
	size_t len, i;
	unsigned char *resp, *copy;
	char date[9];
	struct cc_tsa_token tok;
	struct cc_error err;

	(void)state;
	load_facts(&f);
	expect_bad(NULL, 0, f.digest, f.nonce,
		   "TSA gave a bad reply: no bytes");
	expect_bad(not_der, sizeof(not_der), f.digest, f.nonce,
		   "TSA gave a bad reply: not a TimeStampResp");
	expect_bad(no_token, sizeof(no_token), f.digest, f.nonce,
		   "TSA gave a bad reply: the request was granted, but no "
		   "time-stamp token came");
	expect_bad(junk_token, sizeof(junk_token), f.digest, f.nonce,
		   "TSA gave a bad reply: the time-stamp token is not CMS");
	expect_bad(indefinite, sizeof(indefinite), f.digest, f.nonce,
		   "TSA gave a bad reply: not DER (indefinite length)");
	memset(&tok, 0, sizeof(tok));
	assert_int_equal(cc_tsa_check_reply(waiting, sizeof(waiting), f.digest,
					    f.nonce, &tok, &err),
			 CC_SYSTEM);
	assert_string_equal(err.msg,
			    "TSA refused the request: waiting 'later'");

	resp = slurp(DIR "good.tsr", &len);
	assert_non_null(resp);
	if (len < 100) {
		fail_msg("good.tsr has %zu bytes", len);
		return;
	}
	copy = malloc(len + 1);
	assert_non_null(copy);

	/* A byte more. */
	memcpy(copy, resp, len);
	copy[len] = 0;
	expect_bad(copy, len + 1, f.digest, f.nonce,
		   "TSA gave a bad reply: 1 bytes after the TimeStampResp");

	/* Every shorter length fails cleanly. */
	for (i = 0; i < len; i++)
		expect_bad(resp, i, f.digest, f.nonce,
			   "TSA gave a bad reply: ");

	/* The last byte is the signature's: the signature fails. */
	memcpy(copy, resp, len);
	copy[len - 1] ^= 0x01;
	expect_bad(copy, len, f.digest, f.nonce,
		   "TSA gave a bad reply: the time-stamp token's signature "
		   "does not verify");

	/* Another second in genTime: the signed message digest fails. */
	memcpy(copy, resp, len);
	memcpy(date, f.gen_time, 4);
	memcpy(date + 4, f.gen_time + 5, 2);
	memcpy(date + 6, f.gen_time + 8, 2);
	date[8] = '\0';
	for (i = 0; i + 15 < len; i++)
		if (copy[i] == V_ASN1_GENERALIZEDTIME &&
		    !memcmp(copy + i + 2, date, 8))
			break;
	assert_true(i + 15 < len);
	copy[i + 2 + 13] = copy[i + 2 + 13] == '0' ? '1' : '0';
	expect_bad(copy, len, f.digest, f.nonce,
		   "TSA gave a bad reply: the time-stamp token's signature "
		   "does not verify");
	free(copy);
	free(resp);
}

/* --- a one-connection HTTP server in a thread --- */

struct server {
	int lfd, port;
	const char *answer; /* NULL: read, never answer */
	size_t answer_len;
	char request[16384];
	size_t reqlen;
	pthread_t thread;
};

/* The request is whole when its headers are and Content-Length bytes
 * follow them. */
static int request_done(const struct server *s)
{
	const char *end, *cl;
	size_t head;

	end = memmem(s->request, s->reqlen, "\r\n\r\n", 4);
	if (!end)
		return 0;
	head = (size_t)(end - s->request) + 4;
	cl = strcasestr(s->request, "\r\nContent-Length:");
	if (!cl || cl > end)
		return 1;
	return s->reqlen >= head + strtoul(cl + 17, NULL, 10);
}

static void *serve(void *arg)
{
	struct server *s = arg;
	struct pollfd pfd = {.fd = s->lfd, .events = POLLIN};
	struct timeval tv = {.tv_sec = 10};
	int fd;
	ssize_t n;

	if (poll(&pfd, 1, 10000) != 1)
		return NULL;
	fd = accept(s->lfd, NULL, NULL);
	if (fd < 0)
		return NULL;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (s->reqlen < sizeof(s->request) - 1 &&
	       (!s->answer || !request_done(s))) {
		n = recv(fd, s->request + s->reqlen,
			 sizeof(s->request) - 1 - s->reqlen, 0);
		if (n <= 0)
			break;
		s->reqlen += (size_t)n;
		s->request[s->reqlen] = '\0';
	}
	for (size_t off = 0; s->answer && off < s->answer_len;
	     off += (size_t)n) {
		n = send(fd, s->answer + off, s->answer_len - off,
			 MSG_NOSIGNAL);
		if (n <= 0)
			break;
	}
	close(fd);
	return NULL;
}

static void server_start(struct server *s, const char *answer,
			 size_t answer_len)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t salen = sizeof(sa);

	memset(s, 0, sizeof(*s));
	s->answer = answer;
	s->answer_len = answer_len;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s->lfd >= 0);
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(s->lfd, 1), 0);
	assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&sa, &salen),
			 0);
	s->port = ntohs(sa.sin_port);
	assert_int_equal(pthread_create(&s->thread, NULL, serve, s), 0);
}

static void server_stop(struct server *s)
{
	pthread_join(s->thread, NULL);
	close(s->lfd);
}

/* A loopback port nobody listens on (bound, then closed). */
static int free_port(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t salen = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &salen), 0);
	close(fd);
	return ntohs(sa.sin_port);
}

static void url_of(char *url, size_t size, int port, const char *path)
{
	assert_true(snprintf(url, size, "http://127.0.0.1:%d%s", port, path) <
		    (int)size);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define OK_ANSWER                                                              \
	"HTTP/1.0 200 OK\r\nContent-Type: Application/X-Test; "                \
	"charset=binary\r\nContent-Length: 5\r\n\r\nhello"

static void test_http_post_and_get(void **state)
{
	static const char answer[] = OK_ANSWER;
	struct server s;
	struct cc_buf out = {0};
	struct cc_error err = {0};
	char url[64];
	const char *body;

	(void)state;
	server_start(&s, answer, sizeof(answer) - 1);
	url_of(url, sizeof(url), s.port, "/query");
	assert_int_equal(
		cc_http_request(url, "application/x-test-query", "\x30\x00\x01",
				3, "application/x-test", 5000, 100, &out, &err),
		CC_OK);
	server_stop(&s);
	assert_int_equal(out.len, 5);
	assert_memory_equal(out.data, "hello", 5);
	assert_true(!strncmp(s.request, "POST /query HTTP/1.1\r\n", 22));
	assert_non_null(strstr(
		s.request, "\r\nContent-Type: application/x-test-query\r\n"));
	assert_non_null(strstr(s.request, "\r\nContent-Length: 3\r\n"));
	assert_null(strcasestr(s.request, "\r\nExpect:"));
	body = strstr(s.request, "\r\n\r\n");
	assert_non_null(body);
	assert_int_equal(s.reqlen - (size_t)(body + 4 - s.request), 3);
	assert_memory_equal(body + 4, "\x30\x00\x01", 3);

	/* GET, appended to what out holds; any type accepted. */
	server_start(&s, answer, sizeof(answer) - 1);
	url_of(url, sizeof(url), s.port, "/crl");
	assert_int_equal(
		cc_http_request(url, NULL, NULL, 0, NULL, 5000, 5, &out, &err),
		CC_OK);
	server_stop(&s);
	assert_int_equal(out.len, 10);
	assert_memory_equal(out.data, "hellohello", 10);
	assert_true(!strncmp(s.request, "GET /crl HTTP/1.1\r\n", 19));
	cc_buf_free(&out);
}

/* An answer that cc_http_request must refuse with the message
 * "<before>'URL'<after>" (after ": ": followed by curl's text, which
 * varies between versions); out keeps what it held. */
static void expect_http_error(const char *answer, const char *expect_type,
			      size_t max, const char *before, const char *after)
{
	struct server s;
	struct cc_buf out = {0};
	struct cc_error err = {0};
	char url[64], msg[300];

	cc_buf_puts(&out, "kept");
	server_start(&s, answer, strlen(answer));
	url_of(url, sizeof(url), s.port, "/x");
	assert_int_equal(cc_http_request(url, "a/b", "q", 1, expect_type, 5000,
					 max, &out, &err),
			 CC_SYSTEM);
	server_stop(&s);
	snprintf(msg, sizeof(msg), "%s'%s'%s", before, url, after);
	if (!strcmp(after, ": ")) {
		if (strncmp(err.msg, msg, strlen(msg)) || !err.msg[strlen(msg)])
			fail_msg("'%s' is not '%s...'", err.msg, msg);
	} else {
		assert_string_equal(err.msg, msg);
	}
	assert_int_equal(out.len, 4);
	assert_memory_equal(out.data, "kept", 4);
	cc_buf_free(&out);
}

static void test_http_bad_answers(void **state)
{
	static char big[9000];
	int n;

	(void)state;
	expect_http_error("HTTP/1.1 503 Service Unavailable\r\nContent-Length: "
			  "4\r\nContent-Type: text/plain\r\n\r\nbusy",
			  "a/c", 100, "", " answered HTTP 503");
	/* An error page longer than the limit is still an HTTP error. */
	expect_http_error("HTTP/1.0 500 Oops\r\n\r\nxxxxxxxxxxxxxxxxxxxxxxxx",
			  NULL, 4, "", " answered HTTP 500");
	expect_http_error("HTTP/1.0 302 Found\r\nLocation: /elsewhere\r\n\r\n",
			  NULL, 100, "", " answered HTTP 302");
	expect_http_error("HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n"
			  "<html>",
			  "application/timestamp-reply", 100, "",
			  " answered 'text/html', not "
			  "'application/timestamp-reply'");
	expect_http_error("HTTP/1.0 200 OK\r\n\r\nabc",
			  "application/timestamp-reply", 100, "",
			  " answered no Content-Type, not "
			  "'application/timestamp-reply'");
	expect_http_error(OK_ANSWER, NULL, 4, "",
			  " answered more than 4 bytes");
	/* No Content-Length: the limit is met while reading. */
	n = snprintf(big, sizeof(big), "HTTP/1.0 200 OK\r\n\r\n");
	memset(big + n, 'z', sizeof(big) - 1 - (size_t)n);
	expect_http_error(big, NULL, 1000, "",
			  " answered more than 1000 bytes");
	expect_http_error("HTTP/1.0 nonsense\r\n\r\n", NULL, 100,
			  "cannot reach ", ": ");
}

static void test_http_unreachable(void **state)
{
	struct cc_buf out = {0};
	struct cc_error err = {0};
	char url[64];

	(void)state;
	url_of(url, sizeof(url), free_port(), "/tsa");
	assert_int_equal(cc_http_request(url, "a/b", "q", 1, NULL, 5000, 100,
					 &out, &err),
			 CC_SYSTEM);
	print_message("unreachable: %s\n", err.msg);
	assert_true(!strncmp(err.msg, "cannot reach 'http://127.0.0.1:", 31));
	assert_non_null(strstr(err.msg, "/tsa': "));
	assert_int_equal(out.len, 0);
	cc_buf_free(&out);
}

static void test_http_timeout(void **state)
{
	struct server s;
	struct cc_buf out = {0};
	struct cc_error err = {0};
	char url[64];
	double t;

	(void)state;
	server_start(&s, NULL, 0);
	url_of(url, sizeof(url), s.port, "/tsa-slow");
	t = now();
	assert_int_equal(
		cc_http_request(url, "a/b", "q", 1, NULL, 300, 100, &out, &err),
		CC_SYSTEM);
	t = now() - t;
	server_stop(&s);
	print_message("time-out after %.3f s: %s\n", t, err.msg);
	assert_true(!strncmp(err.msg, "cannot reach 'http://127.0.0.1:", 31));
	assert_non_null(strstr(err.msg, "/tsa-slow': "));
	assert_non_null(strcasestr(err.msg, "timed out"));
	/* Given up at the time-out, not at some later default. */
	assert_true(t >= 0.25 && t < 5);
	assert_int_equal(out.len, 0);
	cc_buf_free(&out);
}

static void test_http_refused_urls(void **state)
{
	static const char *const urls[] = {
		"file:///etc/passwd",
		"ftp://127.0.0.1/x",
		"gopher://x/",
		"ldap://ldap.example/cn=CA?certificateRevocationList",
		"httpx://x/",
		"/etc/passwd",
		""};
	struct cc_buf out = {0};
	struct cc_error err = {0};
	char want[300];

	(void)state;
	for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		assert_int_equal(cc_http_request(urls[i], NULL, NULL, 0, NULL,
						 1000, 100, &out, &err),
				 CC_USAGE);
		snprintf(want, sizeof(want),
			 "cannot use '%s': only http and https URLs are "
			 "supported",
			 urls[i]);
		assert_string_equal(err.msg, want);
	}
	/* Control characters never reach a message. */
	assert_int_equal(cc_http_request("file:///\033[2J\n", NULL, NULL, 0,
					 NULL, 1000, 100, &out, &err),
			 CC_USAGE);
	assert_string_equal(err.msg, "cannot use 'file:///?[2J?': only http "
				     "and https URLs are supported");
	/* A header cannot be smuggled in through the content type. */
	assert_int_equal(cc_http_request("http://127.0.0.1:1/",
					 "a/b\r\nX-Evil: 1", "q", 1, NULL, 1000,
					 100, &out, &err),
			 CC_USAGE);
	assert_int_equal(cc_http_request("http://127.0.0.1:1/", "a/b", "q", 1,
					 NULL, 0, 100, &out, &err),
			 CC_USAGE);
	assert_int_equal(out.len, 0);
	assert_null(out.data);
}

static void test_http_error_name(void **state)
{
	struct cc_error err = {0};

	(void)state;
	cc_error_set(&err, CC_SYSTEM, "cannot reach 'http://x/tsa': Timeout");
	cc_http_error_name(&err, "TSA");
	assert_string_equal(err.msg,
			    "cannot reach TSA 'http://x/tsa': Timeout");
	cc_error_set(&err, CC_SYSTEM, "'http://x/ocsp' answered HTTP 503");
	cc_http_error_name(&err, "OCSP responder");
	assert_string_equal(err.msg,
			    "OCSP responder 'http://x/ocsp' answered HTTP 503");
	cc_error_set(&err, CC_SYSTEM, "out of memory");
	cc_http_error_name(&err, "TSA");
	assert_string_equal(err.msg, "out of memory");
	cc_http_error_name(NULL, "TSA");
}

/* --- cc_tsa_stamp through HTTP --- */

/* Serve the reply file as a TSA would; return the request's body. */
static int stamp_with(const char *reply_file, const char *status_line,
		      const char *path, struct cc_tsa_token *tok,
		      struct cc_error *err, struct server *s, char *url,
		      size_t urlsize)
{
	static char answer[8192];
	size_t len = 0;
	unsigned char *reply = reply_file ? slurp(reply_file, &len) : NULL;
	int n, rc;
	struct facts f;

	load_facts(&f);
	n = snprintf(answer, sizeof(answer),
		     "%s\r\nContent-Type: application/timestamp-reply\r\n"
		     "Content-Length: %zu\r\n\r\n",
		     status_line, len);
	assert_true(n > 0 && (size_t)n + len < sizeof(answer));
	if (len)
		memcpy(answer + n, reply, len);
	free(reply);
	server_start(s, answer, (size_t)n + len);
	url_of(url, urlsize, s->port, path);
	rc = cc_tsa_stamp_digest(url, f.digest, 5000, tok, err);
	server_stop(s);
	return rc;
}

static void test_stamp_request_and_reply(void **state)
{
	struct server s;
	struct cc_tsa_token tok;
	struct cc_error err = {0};
	struct facts f;
	char url[64], want[300];
	const char *body;
	const unsigned char *p;
	TS_REQ *req;
	TS_MSG_IMPRINT *mi;
	const ASN1_OBJECT *oid;
	uint64_t nonce;

	(void)state;
	load_facts(&f);
	/* good.tsr answers another nonce than this request's (random). */
	memset(&tok, 0x5a, sizeof(tok));
	assert_int_equal(stamp_with(DIR "good.tsr", "HTTP/1.0 200 OK", "/tsa",
				    &tok, &err, &s, url, sizeof(url)),
			 CC_SYSTEM);
	snprintf(want, sizeof(want),
		 "TSA '%s' gave a bad reply: nonce mismatch (a reply to "
		 "another request)",
		 url);
	assert_string_equal(err.msg, want);
	assert_empty(&tok);

	/* What was asked: RFC 3161 2.4.1. */
	assert_true(!strncmp(s.request, "POST /tsa HTTP/1.1\r\n", 20));
	assert_non_null(
		strstr(s.request,
		       "\r\nContent-Type: application/timestamp-query\r\n"));
	body = strstr(s.request, "\r\n\r\n");
	assert_non_null(body);
	p = (const unsigned char *)body + 4;
	req = d2i_TS_REQ(NULL, &p,
			 (long)(s.reqlen - (size_t)(body + 4 - s.request)));
	assert_non_null(req);
	assert_ptr_equal(p, (const unsigned char *)s.request + s.reqlen);
	assert_int_equal(TS_REQ_get_version(req), 1);
	mi = TS_REQ_get_msg_imprint(req);
	X509_ALGOR_get0(&oid, NULL, NULL, TS_MSG_IMPRINT_get_algo(mi));
	assert_int_equal(OBJ_obj2nid(oid), NID_sha256);
	assert_int_equal(ASN1_STRING_length(TS_MSG_IMPRINT_get_msg(mi)), 32);
	assert_memory_equal(ASN1_STRING_get0_data(TS_MSG_IMPRINT_get_msg(mi)),
			    f.digest, 32);
	assert_non_null(TS_REQ_get_nonce(req));
	assert_int_equal(ASN1_INTEGER_get_uint64(&nonce, TS_REQ_get_nonce(req)),
			 1);
	assert_int_equal(TS_REQ_get_cert_req(req), 1);
	assert_null(TS_REQ_get_policy_id(req));
	assert_null(TS_REQ_get_exts(req));
	TS_REQ_free(req);

	assert_int_equal(stamp_with(DIR "rejection.tsr", "HTTP/1.0 200 OK",
				    "/tsa", &tok, &err, &s, url, sizeof(url)),
			 CC_SYSTEM);
	snprintf(want, sizeof(want),
		 "TSA '%s' refused the request: rejection (badAlg) 'Message "
		 "digest algorithm is not supported.'",
		 url);
	assert_string_equal(err.msg, want);
	assert_empty(&tok);

	assert_int_equal(stamp_with(DIR "garbage.tsr", "HTTP/1.0 200 OK",
				    "/tsa-garbage", &tok, &err, &s, url,
				    sizeof(url)),
			 CC_SYSTEM);
	snprintf(want, sizeof(want), "TSA '%s' gave a bad reply: truncated",
		 url);
	assert_true(!strncmp(err.msg, want, strlen(want)));

	assert_int_equal(stamp_with(NULL, "HTTP/1.0 503 Busy", "/tsa-error",
				    &tok, &err, &s, url, sizeof(url)),
			 CC_SYSTEM);
	snprintf(want, sizeof(want), "TSA '%s' answered HTTP 503", url);
	assert_string_equal(err.msg, want);
	assert_empty(&tok);
	assert_int_equal(ERR_peek_error(), 0);
}

static void test_stamp_unreachable(void **state)
{
	struct cc_tsa_token tok;
	struct cc_error err = {0};
	char url[64], want[100];

	(void)state;
	url_of(url, sizeof(url), free_port(), "/tsa");
	memset(&tok, 0x5a, sizeof(tok));
	assert_int_equal(cc_tsa_stamp(url, (const unsigned char *)"sig", 3,
				      2000, &tok, &err),
			 CC_SYSTEM);
	snprintf(want, sizeof(want), "cannot reach TSA '%s': ", url);
	assert_true(!strncmp(err.msg, want, strlen(want)));
	assert_empty(&tok);

	assert_int_equal(cc_tsa_stamp("file:///etc/passwd",
				      (const unsigned char *)"sig", 3, 2000,
				      &tok, &err),
			 CC_USAGE);
	assert_string_equal(err.msg, "cannot use TSA 'file:///etc/passwd': "
				     "only http and https URLs are supported");
	assert_empty(&tok);
}

int main(void)
{
	static const char *const proxies[] = {
		"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
		"all_proxy",  "ALL_PROXY",  "no_proxy",	   "NO_PROXY"};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_reply),
		cmocka_unit_test(test_good_reply_other_request),
		cmocka_unit_test(test_bad_replies),
		cmocka_unit_test(test_rejection),
		cmocka_unit_test(test_spoilt_replies),
		cmocka_unit_test(test_http_post_and_get),
		cmocka_unit_test(test_http_bad_answers),
		cmocka_unit_test(test_http_unreachable),
		cmocka_unit_test(test_http_timeout),
		cmocka_unit_test(test_http_refused_urls),
		cmocka_unit_test(test_http_error_name),
		cmocka_unit_test(test_stamp_request_and_reply),
		cmocka_unit_test(test_stamp_unreachable),
	};

	/* Loopback requests must not go to a proxy. */
	for (size_t i = 0; i < sizeof(proxies) / sizeof(proxies[0]); i++)
		unsetenv(proxies[i]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
