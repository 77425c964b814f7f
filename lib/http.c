/*
 * http.c - one HTTP(S) request through libcurl's easy interface (http.h).
 * libcurl is loaded at the first request (dynlib.h).
 */
#include "http.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "dynlib.h"

#ifndef CC_VERSION
#define CC_VERSION "unknown"
#endif

/* Room for a URL in a message; longer ones are cut. */
#define URL_SHOWN 160

#define LIBCURL(X)                                                             \
	X(curl_global_init)                                                    \
	X(curl_easy_init)                                                      \
	X(curl_easy_setopt)                                                    \
	X(curl_easy_perform)                                                   \
	X(curl_easy_getinfo)                                                   \
	X(curl_easy_strerror)                                                  \
	X(curl_easy_cleanup)                                                   \
	X(curl_slist_append)                                                   \
	X(curl_slist_free_all)
CC_DYNLIB(libcurl, "libcurl.so.4", LIBCURL);

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static CURLcode init_result = CURLE_FAILED_INIT;

static void global_init(void)
{
	init_result = sym_curl_global_init(CURL_GLOBAL_DEFAULT);
}

void cc_http_printable(char *dst, size_t size, const char *src, size_t len)
{
	size_t i;

	for (i = 0; i < len && i + 1 < size && src[i]; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	dst[i] = '\0';
}

void cc_http_error_name(struct cc_error *err, const char *service)
{
	char old[sizeof(err->msg)];
	const char *q;
	int n;

	if (!err || !service || !(q = strchr(err->msg, '\'')))
		return;
	memcpy(old, err->msg, sizeof(old));
	q = old + (q - err->msg);
	n = snprintf(err->msg, sizeof(err->msg), "%.*s%s %s", (int)(q - old),
		     old, service, q);
	if (n < 0)
		memcpy(err->msg, old, sizeof(old));
}

/* Where the body goes while curl reads it. */
struct sink {
	CURL *curl;
	struct cc_buf *out;
	size_t max, got;
	int bad_status, too_big, no_memory;
};

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	long status = 0;

	(void)size; /* always 1 */
	/* An error page is not kept, and may be as long as it likes. */
	if (sym_curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &status) !=
		    CURLE_OK ||
	    status != 200) {
		s->bad_status = 1;
		return 0;
	}
	if (n > s->max - s->got) {
		s->too_big = 1;
		return 0;
	}
	cc_buf_put(s->out, data, n);
	if (s->out->failed) {
		s->no_memory = 1;
		return 0;
	}
	s->got += n;
	return n;
}

/* The media type of a Content-Type value is want (case and parameters
 * ignored). */
static int same_type(const char *value, const char *want)
{
	size_t n;

	if (!value)
		return 0;
	value += strspn(value, " \t");
	n = strcspn(value, "; \t");
	return n == strlen(want) && !strncasecmp(value, want, n);
}

static int wrong_type(const char *shown, const char *type, const char *want,
		      struct cc_error *err)
{
	char got[64];

	if (!type)
		return cc_error_set(err, CC_SYSTEM,
				    "'%s' answered no Content-Type, not '%s'",
				    shown, want);
	cc_http_printable(got, sizeof(got), type, SIZE_MAX);
	return cc_error_set(err, CC_SYSTEM, "'%s' answered '%s', not '%s'",
			    shown, got, want);
}

static int http_url(const char *url)
{
	return !strncasecmp(url, "http://", 7) ||
	       !strncasecmp(url, "https://", 8);
}

int cc_http_request(const char *url, const char *content_type, const void *body,
		    size_t len, const char *expect_type, long timeout_ms,
		    size_t max_response, struct cc_buf *out,
		    struct cc_error *err)
{
	char shown[URL_SHOWN], header[128], curlmsg[CURL_ERROR_SIZE];
	char why[128];
	struct curl_slist *headers = NULL, *h;
	struct sink sink = {0};
	size_t old_len = out ? out->len : 0;
	int old_failed = out ? out->failed : 0;
	CURL *curl = NULL;
	CURLcode rc;
	long status = 0;
	char *type = NULL;
	int ret, n;

	cc_http_printable(shown, sizeof(shown), url ? url : "", SIZE_MAX);
	if (!url || !out)
		return cc_error_set(err, CC_USAGE, "no URL or no buffer");
	if (!http_url(url))
		return cc_error_set(err, CC_USAGE,
				    "cannot use '%s': only http and https "
				    "URLs are supported",
				    shown);
	if (timeout_ms <= 0)
		return cc_error_set(err, CC_USAGE,
				    "cannot reach '%s': bad time-out %ld ms",
				    shown, timeout_ms);
	if (body && (!content_type || strpbrk(content_type, "\r\n")))
		return cc_error_set(err, CC_USAGE,
				    "cannot post to '%s': bad content type",
				    shown);
	if (cc_dynlib_load(&libcurl, err)) {
		cc_error_prefix(err, "cannot reach '%s'", shown);
		return CC_SYSTEM;
	}
	pthread_once(&init_once, global_init);
	if (init_result != CURLE_OK)
		return cc_error_set(err, CC_SYSTEM,
				    "cannot reach '%s': libcurl: %s", shown,
				    sym_curl_easy_strerror(init_result));

	curl = sym_curl_easy_init();
	if (!curl) {
		ret = cc_error_set(err, CC_SYSTEM,
				   "cannot reach '%s': libcurl cannot start",
				   shown);
		goto out;
	}
	/* No "Expect: 100-continue": a server that ignores it costs a second. */
	headers = sym_curl_slist_append(NULL, "Expect:");
	if (headers && body) {
		n = snprintf(header, sizeof(header), "Content-Type: %s",
			     content_type);
		if (n < 0 || (size_t)n >= sizeof(header)) {
			ret = cc_error_set(err, CC_USAGE,
					   "cannot post to '%s': bad content "
					   "type",
					   shown);
			goto out;
		}
		h = sym_curl_slist_append(headers, header);
		if (!h) {
			ret = cc_error_set(err, CC_SYSTEM, "out of memory");
			goto out;
		}
		headers = h;
	}
	if (!headers) {
		ret = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}

	sink.curl = curl;
	sink.out = out;
	sink.max = max_response;
	curlmsg[0] = '\0';
	rc = CURLE_OK;
#define SET(opt, val)                                                          \
	do {                                                                   \
		if (rc == CURLE_OK)                                            \
			rc = sym_curl_easy_setopt(curl, opt, val);             \
	} while (0)
	SET(CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
#else
	SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_TIMEOUT_MS, timeout_ms);
	SET(CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	SET(CURLOPT_ERRORBUFFER, curlmsg);
	SET(CURLOPT_USERAGENT, "certcopy/" CC_VERSION);
	SET(CURLOPT_HTTPHEADER, headers);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, &sink);
	SET(CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)(max_response < INT64_MAX ? max_response : INT64_MAX));
	if (body) {
		SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
		SET(CURLOPT_POSTFIELDS, body);
	} else {
		SET(CURLOPT_HTTPGET, 1L);
	}
#undef SET
	if (rc != CURLE_OK) {
		ret = cc_error_set(err, CC_SYSTEM, "cannot reach '%s': %s",
				   shown, sym_curl_easy_strerror(rc));
		goto out;
	}

	rc = sym_curl_easy_perform(curl);
	if (sym_curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status) !=
	    CURLE_OK)
		status = 0;
	if (sink.no_memory) {
		ret = cc_error_set(err, CC_SYSTEM, "out of memory");
	} else if (sink.bad_status || (rc == CURLE_OK && status != 200)) {
		ret = cc_error_set(err, CC_SYSTEM, "'%s' answered HTTP %ld",
				   shown, status);
	} else if (sink.too_big || rc == CURLE_FILESIZE_EXCEEDED) {
		ret = cc_error_set(err, CC_SYSTEM,
				   "'%s' answered more than %zu bytes", shown,
				   max_response);
	} else if (rc != CURLE_OK) {
		cc_http_printable(why, sizeof(why),
				  curlmsg[0] ? curlmsg
					     : sym_curl_easy_strerror(rc),
				  SIZE_MAX);
		ret = cc_error_set(err, CC_SYSTEM, "cannot reach '%s': %s",
				   shown, why);
	} else if (expect_type &&
		   (sym_curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type) !=
			    CURLE_OK ||
		    !same_type(type, expect_type))) {
		ret = wrong_type(shown, type, expect_type, err);
	} else {
		ret = CC_OK;
	}
out:
	if (ret != CC_OK && out) {
		out->len = old_len;
		out->failed = old_failed;
	}
	sym_curl_slist_free_all(headers);
	sym_curl_easy_cleanup(curl);
	return ret;
}
