/* report.c - writing JSON reports atomically. */
#include "report.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "output.h"

static int dump_cb(const char *buf, size_t size, void *data)
{
	FILE *fp = data;

	return fwrite(buf, 1, size, fp) == size ? 0 : -1;
}

int cc_report_write(const json_t *report, const char *path,
		    struct cc_error *err)
{
	struct cc_output *out = cc_output_open(path, 0666, err);
	FILE *fp;

	if (!out)
		return err ? err->code : CC_SYSTEM;
	fp = cc_output_stream(out, err);
	if (!fp)
		goto fail;
	if (json_dump_callback(report, dump_cb, fp,
			       JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 ||
	    fputc('\n', fp) == EOF) {
		cc_error_set(err, CC_SYSTEM, "cannot write '%s': %s",
			     cc_output_name(out), strerror(errno));
		goto fail;
	}
	return cc_output_commit(out, err);
fail:
	cc_output_abort(out);
	return err ? err->code : CC_SYSTEM;
}

void cc_utc_now(char buf[21])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

double cc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}
