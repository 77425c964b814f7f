/*
 * ipp.h - sending a PDF to a printer with libcups (loaded at first use,
 * dynlib.h): a CUPS queue by its name, through the local CUPS server
 * (Create-Job and Send-Document), or an IPP printer by its URI
 * (ipp://host:port/path or ipps://...), spoken to directly with Print-Job,
 * without any CUPS configuration. Before the job, the printer's state is
 * asked: a printer that is stopped, not accepting jobs, or reporting an
 * error (media-empty-error, media-jam-error...) gets no job.
 *
 * Every failure is CC_SYSTEM, with the printer's own words where it gave
 * some (its status-message or printer-state-message, else libcups's
 * cupsLastErrorString): "printer 'ipp://...' refused the job:
 * client-error-document-format-not-supported (Unsupported format)".
 */
#ifndef CC_IPP_H
#define CC_IPP_H

#include <stddef.h>

#include "error.h"

struct cc_ipp_job {
	const char *printer; /* a queue name or an ipp:// or ipps:// URI */
	const char *title;   /* job-name */
	const char *user;    /* requesting-user-name; NULL: cupsUser() */
	int copies;	     /* >= 1 */
	int duplex;	     /* sides=two-sided-long-edge */
	const char *media;   /* PWG media keyword; NULL: the printer's */
	int timeout_ms;	     /* connect and I/O; 0: 30 s */
};

/* 1 when printer names an IPP URI rather than a CUPS queue. */
int cc_ipp_is_uri(const char *printer);

/* Print the PDF (len bytes) as job j; *job_id gets the printer's job id. A
 * URI that cannot be parsed or has another scheme is CC_USAGE. */
int cc_ipp_print(const struct cc_ipp_job *j, const unsigned char *pdf,
		 size_t len, int *job_id, struct cc_error *err);

#endif
