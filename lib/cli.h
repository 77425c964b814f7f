/*
 * cli.h - what every command shares: the common popt options (--json,
 * --quiet, --verbose, --version; --help comes from POPT_AUTOHELP), messages
 * in the house form on stderr, and the end of main (stdout closed and
 * checked). Only commands call these; the rest of the library never prints.
 */
#ifndef CC_CLI_H
#define CC_CLI_H

#include <popt.h>

#include "error.h"

struct cc_cli {
	const char *prog;
	char *json; /* --json FILE, or NULL */
	int quiet;
	int verbose;
};

extern struct cc_cli cc_cli;
/* For POPT_ARG_INCLUDE_TABLE. --version makes poptGetNextOpt return 'V'. */
extern struct poptOption cc_cli_common_options[];

/* Remember the program name, set the locale and the signal handlers. */
void cc_cli_init(const char *prog);

/* "prog: message" on stderr, always. */
void cc_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same unless --quiet. */
void cc_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same with --verbose only. */
void cc_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Show err and return its code (CC_SYSTEM when it carries none). */
int cc_cli_fail(const struct cc_error *err);
/* Report a popt error (rc < -1) and return CC_USAGE. */
int cc_cli_popt_error(poptContext con, int rc);
void cc_cli_version(void);
/* Close stdout and check it; returns status, or CC_SYSTEM if it failed. */
int cc_cli_finish(int status);

#endif
