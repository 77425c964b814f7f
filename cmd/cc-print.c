/* cc-print - a certified copy, or its receipt, on paper or as a PDF. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "cli.h"
#include "config.h"
#include "ipp.h"
#include "output.h"
#include "print.h"
#include "register.h"
#include "report.h"
#include "statement.h"

#define USAGE                                                                  \
	"[-qv] [-P printer] [-n copies] [--duplex] [--media size] "            \
	"[--receipt] [-o file] [options] [file]"
#define MAX_PDF ((size_t)1 << 30)

static char *printer, *media, *output, *verify_url, *reg_uri, *font;
static int copies = 1, duplex, receipt;

static struct poptOption print_options[] = {
	{"printer", 'P', POPT_ARG_STRING, &printer, 0,
	 "a CUPS queue, or an IPP printer's URI ipp://host:port/path "
	 "(default: the configured print.printer)",
	 "PRINTER"},
	{"copies", 'n', POPT_ARG_INT, &copies, 0, "how many copies (1-99)",
	 "N"},
	{"duplex", '\0', POPT_ARG_NONE, &duplex, 0,
	 "print on both sides of the paper", NULL},
	{"media", '\0', POPT_ARG_STRING, &media, 0,
	 "the paper: A4 (default), A5, A3, Letter, Legal", "SIZE"},
	{"receipt", '\0', POPT_ARG_NONE, &receipt, 0,
	 "the citizen's receipt instead of the copy", NULL},
	{"output", 'o', POPT_ARG_STRING, &output, 0,
	 "write the print-ready PDF to FILE instead of printing", "FILE"},
	POPT_TABLEEND};

static struct poptOption facts_options[] = {
	{"verify-url", '\0', POPT_ARG_STRING, &verify_url, 0,
	 "the verification base URL (default: the configured "
	 "verify.base_url)",
	 "BASE"},
	{"register", '\0', POPT_ARG_STRING, &reg_uri, 0,
	 "check the copy in the register, and take its record's facts", "URI"},
	{"font", '\0', POPT_ARG_STRING, &font, 0,
	 "the TrueType font of the footer and the receipt (default DejaVu "
	 "Sans)",
	 "FILE"},
	POPT_TABLEEND};

static struct poptOption options[] = {
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, print_options, 0,
	 "Printing:", NULL},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, facts_options, 0,
	 "The copy's facts:", NULL},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, cc_cli_common_options, 0,
	 "Common options:", NULL},
	POPT_AUTOHELP POPT_TABLEEND};

/* The register's record of the copy: it must be there and issued, and
 * its facts are the ones printed. */
static int from_register(struct cc_print_facts *f, long *fee)
{
	struct cc_error err = {0, ""};
	struct cc_register *reg = cc_register_open(reg_uri, &err);
	struct cc_copy c;
	int rc;

	if (!reg)
		return cc_cli_fail(&err);
	rc = cc_register_find_code(reg, f->code, &c, &err);
	cc_register_close(reg);
	if (rc == CC_NO) {
		cc_msg("copy %s is not in the register", f->code);
		return CC_NO;
	}
	if (rc)
		return cc_cli_fail(&err);
	if (strcmp(c.status, "issued")) {
		cc_msg("copy %s is %s in the register%s%s", f->code, c.status,
		       c.revoked_reason[0] ? ": " : "", c.revoked_reason);
		return CC_NO;
	}
	f->number = c.number;
	snprintf(f->book, sizeof(f->book), "%s", c.book);
	snprintf(f->certifier, sizeof(f->certifier), "%s", c.certifier);
	f->pages = c.pages;
	*fee = c.fee;
	return CC_OK;
}

static int check_options(const char *input)
{
	const char *others[] = {"--json", cc_cli.json, NULL};

	if (copies < 1 || copies > 99) {
		cc_msg("-n: %d copies: 1 to 99", copies);
		return CC_USAGE;
	}
	if (output && (printer || copies != 1 || duplex)) {
		cc_msg("-o writes a file: -P, -n and --duplex are for a printer");
		return CC_USAGE;
	}
	if (output && cc_cli_check_output(output, "PDF", others, &input, 1))
		return CC_USAGE;
	return CC_OK;
}

static int report(const struct cc_print_facts *f, const char *url, long fee,
		  const char *where, int job)
{
	struct cc_error err = {0, ""};
	json_t *j;
	int rc = CC_OK;

	if (!cc_cli.json)
		return CC_OK;
	j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:i, s:I, s:i, "
		      "s:s, s:i}",
		      "tool", "cc-print", "version", CC_VERSION, "what",
		      receipt ? "receipt" : "copy", "code", f->code, "url", url,
		      "number", (json_int_t)f->number, "book", f->book, "pages",
		      f->pages, "fee", (json_int_t)fee, "copy_pages",
		      f->copy_pages, output ? "output" : "printer", where,
		      "job", job);
	if (!j || cc_report_write(j, cc_cli.json, &err))
		rc = j ? cc_cli_fail(&err) : CC_SYSTEM;
	json_decref(j);
	return rc;
}

int main(int argc, const char **argv)
{
	struct cc_error err = {0, ""};
	struct cc_config *cfg = NULL;
	struct cc_output *out = NULL;
	struct cc_buf src = {0}, doc = {0};
	struct cc_print_facts f;
	struct cc_print_opts po;
	struct cc_media m;
	const char **args, *input = "-", *base;
	char url[1024], title[64];
	long fee;
	int nargs, rc, job = 0;
	poptContext con;

	rc = cc_cli_start(argc, argv, options, USAGE, NULL, &con, &args,
			  &nargs);
	if (rc >= 0)
		return cc_cli_finish(rc);
	rc = CC_USAGE;
	if (nargs > 1) {
		cc_msg("one copy at a time");
		goto out;
	}
	if (nargs == 1)
		input = args[0];
	if (check_options(input))
		goto out;
	if (cc_media_find(media, &m, &err)) {
		rc = cc_cli_fail(&err);
		goto out;
	}
	cfg = cc_config_load(&err);
	if (!cfg) {
		rc = cc_cli_fail(&err);
		goto out;
	}
	if (!output && !printer) {
		printer = (char *)cc_config_get(cfg, "print", "printer");
		if (!printer || !*printer) {
			cc_msg("no printer: give -P PRINTER (a CUPS queue or "
			       "ipp://...), set print.printer, or write a file "
			       "with -o");
			goto out;
		}
	}
	if ((rc = cc_buf_read_file(&src, input, MAX_PDF, &err)) ||
	    (rc = cc_print_read(src.data, src.len, input, &f, &err))) {
		rc = cc_cli_fail(&err);
		goto out;
	}
	fee = cc_fee(f.pages);
	if (reg_uri && (rc = from_register(&f, &fee)))
		goto out;
	base = verify_url ? verify_url
			  : cc_config_get(cfg, "verify", "base_url");
	if ((size_t)snprintf(url, sizeof(url), "%s%s", base, f.code) >=
	    sizeof(url)) {
		cc_msg("--verify-url: too long");
		rc = CC_USAGE;
		goto out;
	}
	po = (struct cc_print_opts){
		url,	base, cc_config_get(cfg, "office", "name"),
		m.name, font, fee};
	rc = receipt ? cc_print_receipt(&f, &po, &doc, &err)
		     : cc_print_copy(src.data, src.len, input, &f, &po, &doc,
				     &err);
	if (rc) {
		rc = cc_cli_fail(&err);
		goto out;
	}
	if (output) {
		out = cc_output_open(output, 0666, &err);
		if (!out || cc_output_write(out, doc.data, doc.len, &err)) {
			rc = cc_cli_fail(&err);
			goto out;
		}
		rc = cc_output_commit(out, &err);
		out = NULL;
		if (rc) {
			rc = cc_cli_fail(&err);
			goto out;
		}
	} else {
		struct cc_ipp_job j = {printer, title, NULL, copies,
				       duplex,	m.pwg, 0};

		snprintf(title, sizeof(title), "%s %s",
			 receipt ? "receipt" : "copy", f.code);
		if ((rc = cc_ipp_print(&j, doc.data, doc.len, &job, &err))) {
			rc = cc_cli_fail(&err);
			goto out;
		}
		cc_info("%s of %s sent to '%s' (job %d)",
			receipt ? "the receipt" : "the copy", f.code, printer,
			job);
	}
	rc = report(&f, url, fee, output ? output : printer, job);
out:
	cc_output_abort(out);
	cc_buf_free(&src);
	cc_buf_free(&doc);
	cc_config_free(cfg);
	poptFreeContext(con);
	return cc_cli_finish(rc);
}
