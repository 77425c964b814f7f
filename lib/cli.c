/* cli.c - the options, messages and exit path shared by the commands. */
#include "cli.h"

#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "output.h"
#include "pades.h"
#include "signer.h"

#ifndef CC_VERSION
#define CC_VERSION "unknown"
#endif

struct cc_cli cc_cli = {"certcopy", NULL, 0, 0};

struct poptOption cc_cli_common_options[] = {
	{"json", '\0', POPT_ARG_STRING, &cc_cli.json, 0,
	 "write the machine-readable report to FILE ('-' = stdout)", "FILE"},
	{"quiet", 'q', POPT_ARG_NONE, &cc_cli.quiet, 0, "print only errors",
	 NULL},
	{"verbose", 'v', POPT_ARG_NONE, &cc_cli.verbose, 0,
	 "explain what is being done", NULL},
	{"version", 'V', POPT_ARG_NONE, NULL, 'V', "print the version and exit",
	 NULL},
	POPT_TABLEEND};

struct cc_cli_sign cc_cli_sign;

struct poptOption cc_cli_key_options[] = {
	{"key", 'k', POPT_ARG_STRING, &cc_cli_sign.key, 0,
	 "the signing key: a PKCS#12 file or a pkcs11: URI", "KEY"},
	{"module", '\0', POPT_ARG_STRING, &cc_cli_sign.module, 0,
	 "the PKCS#11 module of the token", "PATH"},
	{"pin-file", '\0', POPT_ARG_STRING, &cc_cli_sign.pin_file, 0,
	 "read the PIN from FILE (mode 0600); default: ask on the terminal",
	 "FILE"},
	{"chain", '\0', POPT_ARG_ARGV, &cc_cli_sign.chain, 0,
	 "more certificates of the chain (PEM or DER; repeatable)", "FILE"},
	POPT_TABLEEND};

struct poptOption cc_cli_tsa_options[] = {
	{"tsa", '\0', POPT_ARG_STRING, &cc_cli_sign.tsa, 0,
	 "time-stamp the signature at this RFC 3161 TSA (default: the "
	 "configured tsa.url)",
	 "URL"},
	{"tsa-timeout", '\0', POPT_ARG_INT, &cc_cli_sign.tsa_timeout, 0,
	 "seconds to wait for the TSA, OCSP and CRLs (default 20)", "SECONDS"},
	{"crl", '\0', POPT_ARG_ARGV, &cc_cli_sign.crl_files, 0,
	 "a CRL for the validation data, instead of fetching it (repeatable)",
	 "FILE"},
	{"ocsp-response", '\0', POPT_ARG_ARGV, &cc_cli_sign.ocsp_files, 0,
	 "an OCSP response for the validation data, instead of asking "
	 "(repeatable)",
	 "FILE"},
	{"offline", '\0', POPT_ARG_NONE, &cc_cli_sign.offline, 0,
	 "fetch no validation data: use the given CRLs and responses", NULL},
	POPT_TABLEEND};

int cc_cli_sign_check(void)
{
	if (cc_cli_sign.tsa_timeout < 0 || cc_cli_sign.tsa_timeout > 600) {
		cc_msg("--tsa-timeout: 1 to 600 seconds");
		return CC_USAGE;
	}
	return 0;
}

void cc_cli_sign_setup(const struct cc_config *cfg, struct cc_signer_opts *so,
		       struct cc_pades_opts *po)
{
	const char *conf_tsa = cc_config_get(cfg, "tsa", "url");

	memset(so, 0, sizeof(*so));
	so->key = cc_cli_sign.key;
	so->module = cc_cli_sign.module;
	so->pin_file = cc_cli_sign.pin_file;
	so->chain = cc_cli_sign.chain;
	po->tsa_url = cc_cli_sign.tsa	      ? cc_cli_sign.tsa
		      : conf_tsa && *conf_tsa ? conf_tsa
					      : NULL;
	po->tsa_timeout_ms =
		(cc_cli_sign.tsa_timeout ? cc_cli_sign.tsa_timeout : 20) *
		1000L;
	po->crl_files = cc_cli_sign.crl_files;
	po->ocsp_files = cc_cli_sign.ocsp_files;
	po->offline = cc_cli_sign.offline;
}

void cc_cli_init(const char *prog)
{
	const char *slash = strrchr(prog, '/');

	cc_cli.prog = slash ? slash + 1 : prog;
	setlocale(LC_ALL, "");
	/* Numbers in reports and files are always written the C way. */
	setlocale(LC_NUMERIC, "C");
	cc_output_handle_signals();
}

static void vmsg(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", cc_cli.prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cc_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void cc_info(const char *fmt, ...)
{
	va_list ap;

	if (cc_cli.quiet)
		return;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void cc_debug(const char *fmt, ...)
{
	va_list ap;

	if (!cc_cli.verbose || cc_cli.quiet)
		return;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

int cc_cli_fail(const struct cc_error *err)
{
	int code = err->code ? err->code : CC_SYSTEM;

	cc_msg("%s", err->msg[0] ? err->msg : "unknown error");
	return code;
}

static int popt_error(poptContext con, int rc)
{
	cc_msg("%s: %s", poptBadOption(con, POPT_BADOPTION_NOALIAS),
	       poptStrerror(rc));
	fprintf(stderr, "Try '%s --help' for more information.\n", cc_cli.prog);
	return CC_USAGE;
}

int cc_cli_parse(poptContext con, int (*other)(poptContext con, int val))
{
	int rc;

	while ((rc = poptGetNextOpt(con)) > 0) {
		if (rc == 'V') {
			cc_cli_version();
			return CC_OK;
		}
		if (other) {
			int st = other(con, rc);

			if (st)
				return st;
		}
	}
	return rc < -1 ? popt_error(con, rc) : -1;
}

int cc_cli_start(int argc, const char **argv, struct poptOption *options,
		 const char *usage, int (*other)(poptContext con, int val),
		 poptContext *con, const char ***args, int *nargs)
{
	int rc;

	cc_cli_init(argv[0]);
	*con = poptGetContext(NULL, argc, argv, options, 0);
	poptSetOtherOptionHelp(*con, usage);
	rc = cc_cli_parse(*con, other);
	if (rc >= 0) {
		poptFreeContext(*con);
		*con = NULL;
		return rc;
	}
	*args = poptGetArgs(*con);
	*nargs = 0;
	while (*args && (*args)[*nargs])
		(*nargs)++;
	return -1;
}

int cc_cli_check_output(const char *output, const char *what,
			const char *const *others, const char *const *inputs,
			int ninputs)
{
	int to_stdout = !output || !strcmp(output, "-");

	for (; to_stdout && others && others[0]; others += 2) {
		if (others[1] && !strcmp(others[1], "-")) {
			cc_msg("%s: the %s goes to stdout; give it a file",
			       others[0], what);
			return CC_USAGE;
		}
	}
	if (to_stdout && isatty(STDOUT_FILENO)) {
		cc_msg("refusing to write a %s to a terminal; use -o FILE",
		       what);
		return CC_USAGE;
	}
	for (int i = 0; output && i < ninputs; i++) {
		if (cc_same_file(output, inputs[i])) {
			cc_msg("'%s' is both input and output", inputs[i]);
			return CC_USAGE;
		}
	}
	return CC_OK;
}

void cc_cli_version(void)
{
	printf("%s (certcopy) %s\n", cc_cli.prog, CC_VERSION);
}

int cc_cli_finish(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout) ||
	    close(STDOUT_FILENO) != 0) {
		if (errno != EBADF) {
			cc_msg("cannot write to stdout: %s", strerror(errno));
			return status ? status : CC_SYSTEM;
		}
	}
	return status;
}
