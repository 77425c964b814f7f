/* error.c - filling struct cc_error. */
#include "error.h"

#include <stdio.h>
#include <string.h>

int cc_error_vset(struct cc_error *err, int code, const char *fmt, va_list ap)
{
	if (err) {
		err->code = code;
		if (vsnprintf(err->msg, sizeof(err->msg), fmt, ap) < 0)
			err->msg[0] = '\0';
	}
	return code;
}

int cc_error_set(struct cc_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cc_error_vset(err, code, fmt, ap);
	va_end(ap);
	return code;
}

void cc_error_prefix(struct cc_error *err, const char *fmt, ...)
{
	char head[256], old[sizeof(err->msg)];
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	if (vsnprintf(head, sizeof(head), fmt, ap) < 0)
		head[0] = '\0';
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	if (snprintf(err->msg, sizeof(err->msg), "%s: %s", head, old) < 0)
		err->msg[0] = '\0';
}

void cc_error_clear(struct cc_error *err)
{
	if (err) {
		err->code = CC_OK;
		err->msg[0] = '\0';
	}
}
