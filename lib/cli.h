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
/* Run popt's option loop. Values other than --version's go to other (may
 * be NULL), which returns 0 or an exit status. Returns -1 when the command
 * goes on, else the status to exit with at once: 0 after --version, 2 on a
 * bad option (reported), or what other returned. */
int cc_cli_parse(poptContext con, int (*other)(poptContext con, int val));
/* The start of every command's main: cc_cli_init, popt's context with the
 * usage line (the man page's SYNOPSIS), then cc_cli_parse. Returns -1 when
 * the command goes on, with *con to free and the operands in *args (NULL or
 * NULL-terminated) and *nargs; else the status to exit with (no context
 * left to free). */
int cc_cli_start(int argc, const char **argv, struct poptOption *options,
		 const char *usage, int (*other)(poptContext con, int val),
		 poptContext *con, const char ***args, int *nargs);

/* The checks every command makes before it writes data to output (NULL or
 * "-" = stdout): no other output given as "-" when the data goes to stdout
 * (others: pairs of option name and value, NULL-terminated), no binary data
 * to a terminal, and output not one of the inputs. what names the data
 * ("TIFF"). Reports the problem and returns CC_USAGE, or 0. */
int cc_cli_check_output(const char *output, const char *what,
			const char *const *others, const char *const *inputs,
			int ninputs);
void cc_cli_version(void);

/* The signing tools' shared options (cc-sign, cc-stamp): the key, and the
 * time-stamp authority and validation data. */
struct cc_cli_sign {
	char *key, *module, *pin_file, *tsa;
	const char **chain, **crl_files, **ocsp_files;
	int offline, tsa_timeout;
};
extern struct cc_cli_sign cc_cli_sign;
/* --key --module --pin-file --chain */
extern struct poptOption cc_cli_key_options[];
/* --tsa --tsa-timeout --crl --ocsp-response --offline */
extern struct poptOption cc_cli_tsa_options[];
struct cc_config;
struct cc_signer_opts;
struct cc_pades_opts;
/* Check the shared options (reported; CC_USAGE or 0), then fill the
 * signer's options and the signature's TSA and validation-data fields
 * (the TSA: --tsa, else the configured tsa.url, else none). */
int cc_cli_sign_check(void);
void cc_cli_sign_setup(const struct cc_config *cfg, struct cc_signer_opts *so,
		       struct cc_pades_opts *po);
/* Close stdout and check it; returns status, or CC_SYSTEM if it failed. */
int cc_cli_finish(int status);

#endif
