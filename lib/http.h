/*
 * http.h - a small HTTP(S) client on libcurl for the TSA, OCSP and CRL
 * requests of the signing tools: one request, one response in memory,
 * bounded in time and size. It owns libcurl's global initialisation.
 */
#ifndef CC_HTTP_H
#define CC_HTTP_H

#include <stddef.h>

#include "buf.h"
#include "error.h"

/*
 * POST body (len bytes, sent as content_type) to url or, when body is NULL,
 * GET it. On success the response body is appended to out; on failure out
 * keeps the length it had. Only http and https URLs (anything else is
 * CC_USAGE "cannot use 'URL': only http and https URLs are supported");
 * redirects are not followed; proxies come from the usual environment.
 * timeout_ms (> 0) bounds the whole transfer, connection included; a body
 * longer than max_response bytes is an error. Failures are CC_SYSTEM:
 *   cannot reach 'URL': <curl's error text>     (connection, TLS, time-out)
 *   'URL' answered HTTP 503                     (any status but 200)
 *   'URL' answered 'text/html', not 'application/timestamp-reply'
 *                                               (expect_type, when not NULL,
 *                                                is compared with the media
 *                                                type, case and parameters
 *                                                ignored)
 *   'URL' answered more than 65536 bytes
 * The URL is the first quoted string of every message (see
 * cc_http_error_name). Safe to call from several threads at once.
 */
int cc_http_request(const char *url, const char *content_type, const void *body,
		    size_t len, const char *expect_type, long timeout_ms,
		    size_t max_response, struct cc_buf *out,
		    struct cc_error *err);

/*
 * Name the service in the message of a failed cc_http_request, before its
 * URL: "cannot reach 'URL': ..." becomes "cannot reach TSA 'URL': ...",
 * "'URL' answered HTTP 503" becomes "TSA 'URL' answered HTTP 503".
 */
void cc_http_error_name(struct cc_error *err, const char *service);

/*
 * Text from the network or from a certificate made fit for a message: at
 * most len bytes of src (stopping at a NUL), printable ASCII kept, any other
 * byte '?', cut to fit size (> 0) with its NUL.
 */
void cc_http_printable(char *dst, size_t size, const char *src, size_t len);

#endif
