/*
 * error.h - the one error type of the library and the exit statuses of
 * DESIGN.md. A library call that fails fills a struct cc_error; its code is
 * the exit status the command returns, its message is in the house form
 * ("cannot open 'x.pdf': No such file or directory") without the program name.
 */
#ifndef CC_ERROR_H
#define CC_ERROR_H

#include <stdarg.h>

enum cc_status {
	CC_OK = 0,     /* success, valid, match */
	CC_NO = 1,     /* a clean "no": invalid, rejected, no match */
	CC_USAGE = 2,  /* usage error */
	CC_INPUT = 3,  /* bad input: unreadable, malformed, unsupported */
	CC_SYSTEM = 4, /* I/O, device, network, key, missing model */
};

struct cc_error {
	int code;
	char msg[256];
};

/* Set code and message; returns code so that "return cc_error_set(...)" reads
 * naturally. err may be NULL. */
int cc_error_set(struct cc_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int cc_error_vset(struct cc_error *err, int code, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* Prefix the existing message with more context: "reading 'x': <old>". */
void cc_error_prefix(struct cc_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cc_error_clear(struct cc_error *err);

#endif
