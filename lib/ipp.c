/*
 * ipp.c - a PDF to a CUPS queue or an IPP printer, with libcups (ipp.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cups/cups.h>

#include "dynlib.h"
#include "ipp.h"

#define LIBCUPS(X)                                                             \
	X(cupsCreateJob)                                                       \
	X(cupsStartDocument)                                                   \
	X(cupsWriteRequestData)                                                \
	X(cupsFinishDocument)                                                  \
	X(cupsCancelJob2)                                                      \
	X(cupsLastErrorString)                                                 \
	X(cupsAddOption)                                                       \
	X(cupsFreeOptions)                                                     \
	X(cupsUser)                                                            \
	X(cupsDoRequest)                                                       \
	X(cupsSendRequest)                                                     \
	X(cupsGetResponse)                                                     \
	X(httpSeparateURI)                                                     \
	X(httpConnect2)                                                        \
	X(httpClose)                                                           \
	X(ippNewRequest)                                                       \
	X(ippAddString)                                                        \
	X(ippAddStrings)                                                       \
	X(ippAddInteger)                                                       \
	X(ippFindAttribute)                                                    \
	X(ippGetString)                                                        \
	X(ippGetInteger)                                                       \
	X(ippGetBoolean)                                                       \
	X(ippGetCount)                                                         \
	X(ippGetStatusCode)                                                    \
	X(ippDelete)                                                           \
	X(ippErrorString)                                                      \
	X(ippLength)
CC_DYNLIB(libcups, "libcups.so.2", LIBCUPS);

int cc_ipp_is_uri(const char *printer)
{
	return printer && (!strncmp(printer, "ipp://", 6) ||
			   !strncmp(printer, "ipps://", 7));
}

/* The words the printer or libcups gave last. */
static const char *last_words(ipp_t *resp)
{
	ipp_attribute_t *a = resp ? sym_ippFindAttribute(resp, "status-message",
							 IPP_TAG_TEXT)
				  : NULL;
	const char *s = a ? sym_ippGetString(a, 0, NULL) : NULL;

	if (!s || !*s)
		s = sym_cupsLastErrorString();
	return s && *s ? s : "no answer";
}

static int failed(ipp_t *resp)
{
	return !resp || sym_ippGetStatusCode(resp) >= 0x0100;
}

static void user_attrs(ipp_t *req, const char *uri, const char *user)
{
	sym_ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri",
			 NULL, uri);
	sym_ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_NAME,
			 "requesting-user-name", NULL,
			 user ? user : sym_cupsUser());
}

/* Refuse a printer that is stopped, not accepting jobs or in error, with
 * its own account of why. http NULL: the local CUPS server. */
static int check_state(http_t *http, const char *uri, const char *resource,
		       const struct cc_ipp_job *j, struct cc_error *err)
{
	static const char *const want[] = {
		"printer-state", "printer-state-reasons",
		"printer-state-message", "printer-is-accepting-jobs"};
	ipp_t *req = sym_ippNewRequest(IPP_OP_GET_PRINTER_ATTRIBUTES), *resp;
	ipp_attribute_t *a;
	char reasons[256] = "";
	const char *msg;
	int state, accepting, bad = 0, rc = CC_OK;

	user_attrs(req, uri, j->user);
	sym_ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD,
			  "requested-attributes", 4, NULL, want);
	resp = sym_cupsDoRequest(http, req, resource);
	if (failed(resp)) {
		rc = cc_error_set(
			err, CC_SYSTEM,
			resp ? "printer '%s' does not say its state: %s"
			     : "cannot reach printer '%s': %s",
			j->printer, last_words(resp));
		goto out;
	}
	a = sym_ippFindAttribute(resp, "printer-state", IPP_TAG_ENUM);
	state = a ? sym_ippGetInteger(a, 0) : IPP_PSTATE_IDLE;
	a = sym_ippFindAttribute(resp, "printer-is-accepting-jobs",
				 IPP_TAG_BOOLEAN);
	accepting = a ? sym_ippGetBoolean(a, 0) : 1;
	a = sym_ippFindAttribute(resp, "printer-state-reasons",
				 IPP_TAG_KEYWORD);
	for (int i = 0; a && i < sym_ippGetCount(a); i++) {
		const char *r = sym_ippGetString(a, i, NULL);
		size_t n = r ? strlen(r) : 0, k = strlen(reasons);

		if (!r || !strcmp(r, "none"))
			continue;
		if (n > 6 && !strcmp(r + n - 6, "-error"))
			bad = 1;
		snprintf(reasons + k, sizeof(reasons) - k, "%s%s",
			 k ? ", " : "", r);
	}
	a = sym_ippFindAttribute(resp, "printer-state-message", IPP_TAG_TEXT);
	msg = a ? sym_ippGetString(a, 0, NULL) : NULL;
	if (state == IPP_PSTATE_STOPPED || !accepting || bad)
		rc = cc_error_set(err, CC_SYSTEM,
				  "printer '%s' cannot print now: %s%s%s%s%s",
				  j->printer,
				  state == IPP_PSTATE_STOPPED ? "stopped"
				  : !accepting ? "not accepting jobs"
					       : "in error",
				  *reasons ? " (" : "", reasons,
				  *reasons ? ")" : "", msg && *msg ? ": " : "");
	if (rc && msg && *msg) {
		size_t k = strlen(err->msg);

		snprintf(err->msg + k, sizeof(err->msg) - k, "%s", msg);
	}
out:
	sym_ippDelete(resp);
	return rc;
}

/* Straight to the printer at uri: Print-Job with the document. */
static int print_uri(const struct cc_ipp_job *j, const unsigned char *pdf,
		     size_t len, int *job_id, struct cc_error *err)
{
	char scheme[16], userpass[256], host[256], resource[1024];
	int port, rc;
	http_t *http;
	ipp_t *req = NULL, *resp = NULL;
	ipp_attribute_t *a;

	if (sym_httpSeparateURI(HTTP_URI_CODING_ALL, j->printer, scheme,
				sizeof(scheme), userpass, sizeof(userpass),
				host, sizeof(host), &port, resource,
				sizeof(resource)) < HTTP_URI_STATUS_OK ||
	    (strcmp(scheme, "ipp") && strcmp(scheme, "ipps")) || !*host)
		return cc_error_set(err, CC_USAGE,
				    "'%s' is not a printer URI "
				    "(ipp://host:port/path)",
				    j->printer);
	http = sym_httpConnect2(
		host, port, NULL, AF_UNSPEC,
		!strcmp(scheme, "ipps") ? HTTP_ENCRYPTION_ALWAYS
					: HTTP_ENCRYPTION_IF_REQUESTED,
		1, j->timeout_ms > 0 ? j->timeout_ms : 30000, NULL);
	if (!http)
		return cc_error_set(err, CC_SYSTEM,
				    "cannot reach printer '%s': %s", j->printer,
				    last_words(NULL));
	if ((rc = check_state(http, j->printer, resource, j, err)))
		goto out;
	req = sym_ippNewRequest(IPP_OP_PRINT_JOB);
	user_attrs(req, j->printer, j->user);
	sym_ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_NAME, "job-name", NULL,
			 j->title);
	sym_ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_MIMETYPE,
			 "document-format", NULL, CUPS_FORMAT_PDF);
	if (j->copies > 1)
		sym_ippAddInteger(req, IPP_TAG_JOB, IPP_TAG_INTEGER, "copies",
				  j->copies);
	if (j->duplex)
		sym_ippAddString(req, IPP_TAG_JOB, IPP_TAG_KEYWORD, "sides",
				 NULL, "two-sided-long-edge");
	if (j->media)
		sym_ippAddString(req, IPP_TAG_JOB, IPP_TAG_KEYWORD, "media",
				 NULL, j->media);
	/* A busy printer (printing another job) is asked again, once a
	 * second, until the time-out. */
	for (int tries = (j->timeout_ms > 0 ? j->timeout_ms : 30000) / 1000;;
	     tries--) {
		/* A printer may answer before it has read the document (a
		 * refusal): its response is read whatever the send gave. */
		if (sym_cupsSendRequest(http, req, resource,
					sym_ippLength(req) + len) ==
		    HTTP_STATUS_CONTINUE)
			sym_cupsWriteRequestData(http, (const char *)pdf, len);
		resp = sym_cupsGetResponse(http, resource);
		if (tries <= 0 || !resp ||
		    sym_ippGetStatusCode(resp) != IPP_STATUS_ERROR_BUSY)
			break;
		sym_ippDelete(resp);
		resp = NULL;
		sleep(1);
	}
	if (failed(resp)) {
		rc = cc_error_set(
			err, CC_SYSTEM, "printer '%s' refused the job: %s (%s)",
			j->printer,
			sym_ippErrorString(
				resp ? sym_ippGetStatusCode(resp)
				     : IPP_STATUS_ERROR_SERVICE_UNAVAILABLE),
			last_words(resp));
		goto out;
	}
	a = sym_ippFindAttribute(resp, "job-id", IPP_TAG_INTEGER);
	*job_id = a ? sym_ippGetInteger(a, 0) : 0;
out:
	sym_ippDelete(req);
	sym_ippDelete(resp);
	sym_httpClose(http);
	return rc;
}

/* Through the local CUPS server to its queue j->printer. */
static int print_queue(const struct cc_ipp_job *j, const unsigned char *pdf,
		       size_t len, int *job_id, struct cc_error *err)
{
	cups_option_t *opts = NULL;
	char uri[512], copies[16];
	int nopts = 0, id, rc;

	if (!*j->printer || strpbrk(j->printer, " /#\t") ||
	    strlen(j->printer) > 127)
		return cc_error_set(err, CC_USAGE,
				    "'%s' is not a printer queue name",
				    j->printer);
	snprintf(uri, sizeof(uri), "ipp://localhost/printers/%s", j->printer);
	if ((rc = check_state(NULL, uri, "/", j, err)))
		return rc;
	snprintf(copies, sizeof(copies), "%d", j->copies > 0 ? j->copies : 1);
	nopts = sym_cupsAddOption("copies", copies, nopts, &opts);
	if (j->duplex)
		nopts = sym_cupsAddOption("sides", "two-sided-long-edge", nopts,
					  &opts);
	if (j->media)
		nopts = sym_cupsAddOption("media", j->media, nopts, &opts);
	id = sym_cupsCreateJob(CUPS_HTTP_DEFAULT, j->printer, j->title, nopts,
			       opts);
	sym_cupsFreeOptions(nopts, opts);
	if (!id)
		return cc_error_set(err, CC_SYSTEM,
				    "printer '%s' refused the job: %s",
				    j->printer, last_words(NULL));
	if (sym_cupsStartDocument(CUPS_HTTP_DEFAULT, j->printer, id, j->title,
				  CUPS_FORMAT_PDF, 1) != HTTP_STATUS_CONTINUE ||
	    sym_cupsWriteRequestData(CUPS_HTTP_DEFAULT, (const char *)pdf,
				     len) != HTTP_STATUS_CONTINUE ||
	    sym_cupsFinishDocument(CUPS_HTTP_DEFAULT, j->printer) >= 0x0100) {
		rc = cc_error_set(err, CC_SYSTEM,
				  "printer '%s' did not take the document: %s",
				  j->printer, last_words(NULL));
		sym_cupsCancelJob2(CUPS_HTTP_DEFAULT, j->printer, id, 0);
		return rc;
	}
	*job_id = id;
	return CC_OK;
}

int cc_ipp_print(const struct cc_ipp_job *j, const unsigned char *pdf,
		 size_t len, int *job_id, struct cc_error *err)
{
	*job_id = 0;
	if (!j->printer)
		return cc_error_set(err, CC_USAGE, "no printer");
	if (cc_dynlib_load(&libcups, err))
		return CC_SYSTEM;
	return cc_ipp_is_uri(j->printer)
		       ? print_uri(j, pdf, len, job_id, err)
		       : print_queue(j, pdf, len, job_id, err);
}
