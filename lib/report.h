/* report.h - machine-readable reports (--json) written through jansson. */
#ifndef CC_REPORT_H
#define CC_REPORT_H

#include <jansson.h>

#include "error.h"

/* Write report to path ("-" = stdout) atomically, indented, with a final
 * newline. Does not take the reference. */
int cc_report_write(const json_t *report, const char *path,
		    struct cc_error *err);

/* Current UTC time as RFC 3339 ("2026-11-28T07:32:33Z") into buf[21]. */
void cc_utc_now(char buf[21]);

/* A monotonic clock in milliseconds, for the timings reports carry. */
double cc_now_ms(void);

#endif
