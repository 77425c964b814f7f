/* cc-verify - may this certified copy be trusted? (verify.h) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <leptonica/allheaders.h>

#include "buf.h"
#include "cli.h"
#include "config.h"
#include "image.h"
#include "qr.h"
#include "register.h"
#include "report.h"
#include "sigtrust.h"
#include "vcode.h"
#include "verify.h"

#define USAGE                                                                  \
	"[-qv] [--trust file] [--register uri] [--code code] [--image scan] "  \
	"[--audit] [--json file] [options] [file ...]"
#define MAX_PDF ((size_t)1 << 30)

static const char **trust, **chain, **crl_files, **ocsp_files;
static char *reg_uri, *code_arg, *image_arg;
static int offline, audit, timeout_s, jobs = -1; /* -1: not given */

static struct poptOption trust_options[] = {
	{"trust", '\0', POPT_ARG_ARGV, &trust, 0,
	 "trust anchors: a PEM file or a directory of them (repeatable; "
	 "default: the configured trust.anchors)",
	 "FILE"},
	{"chain", '\0', POPT_ARG_ARGV, &chain, 0,
	 "more certificates that may complete a chain (repeatable)", "FILE"},
	{"crl", '\0', POPT_ARG_ARGV, &crl_files, 0,
	 "a CRL to use for revocation (repeatable)", "FILE"},
	{"ocsp-response", '\0', POPT_ARG_ARGV, &ocsp_files, 0,
	 "an OCSP response to use for revocation (repeatable)", "FILE"},
	{"offline", '\0', POPT_ARG_NONE, &offline, 0,
	 "fetch nothing: use only what the file and the options carry", NULL},
	{"timeout", '\0', POPT_ARG_INT, &timeout_s, 0,
	 "seconds to wait for each OCSP responder or CRL (default 10)",
	 "SECONDS"},
	{"jobs", 'j', POPT_ARG_INT, &jobs, 0,
	 "verify N files at a time (default: one per processor)", "N"},
	POPT_TABLEEND};

static struct poptOption reg_options[] = {
	{"register", '\0', POPT_ARG_STRING, &reg_uri, 0,
	 "look the copy up in this register: a path, sqlite:PATH or "
	 "postgresql://... (default: the configured register.uri, if any)",
	 "URI"},
	{"code", '\0', POPT_ARG_STRING, &code_arg, 0,
	 "report what the register knows of this verification code", "CODE"},
	{"image", '\0', POPT_ARG_STRING, &image_arg, 0,
	 "a photo or scan of a printed copy: read its QR code and look the "
	 "code up",
	 "FILE"},
	{"audit", '\0', POPT_ARG_NONE, &audit, 0,
	 "check the register's audit chain", NULL},
	POPT_TABLEEND};

static struct poptOption options[] = {
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, trust_options, 0,
	 "Trust and revocation:", NULL},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, reg_options, 0,
	 "The register:", NULL},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, cc_cli_common_options, 0,
	 "Common options:", NULL},
	POPT_AUTOHELP POPT_TABLEEND};

/* The worse of two exit statuses: 4 > 3 > 1 > 0 (2 never comes here). */
static int worse(int a, int b)
{
	return a > b ? a : b;
}

/* Split the configured "a:b:c" into a NULL-terminated list (owned). */
static const char **split(const char *s, char **copy)
{
	const char **v;
	size_t n = 1;

	*copy = strdup(s);
	if (!*copy)
		return NULL;
	for (const char *p = s; *p; p++)
		n += *p == ':';
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return NULL;
	n = 0;
	for (char *save = NULL, *t = strtok_r(*copy, ":", &save); t;
	     t = strtok_r(NULL, ":", &save))
		v[n++] = t;
	return v;
}

/* The register of --register, else the configured one (never created
 * anew by a verifier: a path must exist). */
static struct cc_register *open_register(const struct cc_config *cfg,
					 int needed, const char **used,
					 struct cc_error *err)
{
	const char *uri =
		reg_uri ? reg_uri : cc_config_get(cfg, "register", "uri");
	const char *path = uri;
	struct stat st;

	*used = uri && *uri ? uri : NULL;
	if (!uri || !*uri) {
		if (needed)
			cc_error_set(err, CC_USAGE,
				     "no register: give --register URI");
		return NULL;
	}
	if (!strncmp(path, "sqlite:", 7))
		path += 7;
	if (strncmp(uri, "postgres", 8) && stat(path, &st) != 0) {
		cc_error_set(err, CC_SYSTEM, "cannot open register '%s': %m",
			     path);
		return NULL;
	}
	return cc_register_open(uri, err);
}

/* A verification code from a QR payload: the URL's last part. */
static int code_of_url(const char *url, char code[CC_VCODE_SIZE],
		       struct cc_error *err)
{
	const char *p = strrchr(url, '/');
	const char *q = strrchr(url, '=');

	if (q && (!p || q > p))
		p = q;
	return cc_vcode_parse(p ? p + 1 : url, code, err);
}

/* A QR code that leads to the register (a printed page may also show the
 * ID card's own QR code). */
static int is_code_url(const char *text, void *ctx)
{
	struct cc_error err = {0, ""};
	char code[CC_VCODE_SIZE];

	(void)ctx;
	return code_of_url(text, code, &err) == CC_OK;
}

static int read_image_code(const char *path, char code[CC_VCODE_SIZE],
			   char *payload, size_t size, struct cc_error *err)
{
	struct cc_image *img = cc_image_open(path, err);
	struct cc_page_info info;
	PIX *pix = NULL;
	int rc;

	if (!img)
		return err->code;
	rc = cc_image_next(img, &pix, &info, err);
	if (rc == CC_OK && !pix)
		rc = cc_error_set(err, CC_INPUT, "'%s' holds no image", path);
	if (rc == CC_OK) {
		int found = cc_qr_read_if(pix, is_code_url, NULL, payload,
					  size, err);

		if (found < 0)
			rc = err->code;
		else if (!found)
			rc = cc_error_set(err, CC_INPUT,
					  "no QR code could be read in '%s'",
					  path);
	}
	if (rc == CC_OK && code_of_url(payload, code, err))
		rc = cc_error_set(err, CC_INPUT,
				  "the QR code of '%s' holds no verification "
				  "code ('%s')",
				  path, payload);
	pixDestroy(&pix);
	cc_image_close(img);
	return rc;
}

/* --code and --image: what the register says of a code. */
static int lookup(struct cc_register *reg, const char *code, json_t *report)
{
	struct cc_error err = {0, ""};
	struct cc_copy c;
	int rc = cc_register_find_code(reg, code, &c, &err);

	if (rc == CC_NO) {
		json_object_set_new(report, "lookup",
				    json_pack("{s:s, s:s}", "code", code,
					      "status", "unknown"));
		if (!cc_cli.quiet)
			printf("%s: unknown: not in the register\n", code);
		return 1;
	}
	if (rc)
		return cc_cli_fail(&err);
	json_object_set_new(report, "lookup", cc_verify_copy_json(&c));
	if (!cc_cli.quiet) {
		printf("%s: %s, number %lld of book %s, %d page%s, issued %s by "
		       "%s\n",
		       c.code, c.status, c.number, c.book, c.pages,
		       c.pages == 1 ? "" : "s", c.issued_at, c.certifier);
		if (!strcmp(c.status, "revoked"))
			printf("%s: revoked on %s by %s: %s\n", c.code,
			       c.revoked_at, c.revoked_by, c.revoked_reason);
	}
	return strcmp(c.status, "issued") ? 1 : 0;
}

static int do_audit(struct cc_register *reg, json_t *report)
{
	struct cc_error err = {0, ""};
	long long entries = 0, bad = 0;
	int rc = cc_register_audit(reg, &entries, &bad, &err);

	if (rc && rc != CC_NO)
		return cc_cli_fail(&err);
	json_object_set_new(
		report, "audit",
		json_pack("{s:b, s:I, s:o, s:o}", "ok", rc == CC_OK, "entries",
			  (json_int_t)entries, "first_bad_entry",
			  rc ? json_integer(bad) : json_null(), "reason",
			  rc ? json_string(err.msg) : json_null()));
	if (rc == CC_OK) {
		if (!cc_cli.quiet)
			printf("register %s: audit chain of %lld entries "
			       "holds\n",
			       cc_register_name(reg), entries);
		return 0;
	}
	cc_msg("%s", err.msg);
	return 1;
}

/* What the files' reports go to, in order (cc_verify_files). */
struct out {
	const char *printed_code; /* --image's, which each file must carry */
	const char **paths;
	json_t *docs;
	int counts[3]; /* passed, indeterminate, failed */
	int status;
	size_t n;
	int progress; /* "k/n" on stderr, a terminal */
};

/* One file's report: text, JSON, counts, the exit status it earns. */
static void file_done(void *ctx, size_t i, int rc, const struct cc_error *err,
		      const struct cc_verify_report *rep)
{
	struct out *o = ctx;
	struct cc_verify_report r;
	struct cc_buf text = {0};
	const char *mine = NULL;

	if (o->progress)
		fprintf(stderr, "\r%s: %zu/%zu files", cc_cli.prog, i + 1,
			o->n);
	if (rc) {
		json_array_append_new(
			o->docs, json_pack("{s:s, s:s, s:s}", "file",
					   o->paths[i], "indication",
					   "UNREADABLE", "reason", err->msg));
		o->status = worse(o->status, cc_cli_fail(err));
		return;
	}
	r = *rep; /* a shallow copy, for the printed copy's verdict */
	for (size_t k = 0; k < r.nsig; k++)
		if (r.sig[k].code[0])
			mine = r.sig[k].code;
	if (o->printed_code && (!mine || strcmp(mine, o->printed_code))) {
		r.indication = CC_TOTAL_FAILED;
		snprintf(r.sub, sizeof(r.sub), "REGISTER_MISMATCH");
		snprintf(r.reason, sizeof(r.reason),
			 "the printed copy's code %s is not this file's (%s)",
			 o->printed_code, mine ? mine : "none");
	}
	json_array_append_new(o->docs, cc_verify_json(&r));
	o->counts[r.indication]++;
	if (!cc_cli.quiet && !(cc_cli.json && !strcmp(cc_cli.json, "-"))) {
		cc_verify_text(&r, cc_cli.verbose, &text);
		if (text.len)
			fwrite(text.data, 1, text.len, stdout);
		cc_buf_free(&text);
	}
	o->status = worse(o->status, r.indication == CC_TOTAL_PASSED ? 0 : 1);
}

int main(int argc, const char **argv)
{
	struct cc_error err = {0, ""};
	struct cc_config *cfg = NULL;
	struct cc_register *reg = NULL;
	struct cc_trust_opts to = {0};
	struct out o = {0};
	const char **args, **conf_anchors = NULL, *reg_used = NULL;
	const char *stdin_only[] = {"-", NULL};
	char *conf_copy = NULL, code[CC_VCODE_SIZE] = "", payload[1024];
	int nargs, rc, status = 0;
	int *counts = o.counts;
	json_t *report = json_object(), *docs = json_array();
	poptContext con;

	rc = cc_cli_start(argc, argv, options, USAGE, NULL, &con, &args,
			  &nargs);
	if (rc >= 0) {
		json_decref(report);
		json_decref(docs);
		return cc_cli_finish(rc);
	}
	status = CC_USAGE;
	if (!report || !docs) {
		cc_msg("out of memory");
		status = CC_SYSTEM;
		goto out;
	}
	if (timeout_s < 0) {
		cc_msg("--timeout: must not be negative");
		goto out;
	}
	if (jobs == 0 || jobs < -1 || jobs > 64) {
		cc_msg("--jobs: from 1 to 64");
		goto out;
	}
	if (code_arg && image_arg) {
		cc_msg("--code or --image, one at a time");
		goto out;
	}
	if (code_arg && nargs) {
		cc_msg("--code looks a code up: no file with it");
		goto out;
	}
	if (!nargs && !code_arg && !image_arg && !audit) {
		args = stdin_only;
		nargs = 1;
	}
	cfg = cc_config_load(&err);
	if (!cfg) {
		status = cc_cli_fail(&err);
		goto out;
	}
	reg = open_register(cfg, code_arg || image_arg || audit, &reg_used,
			    &err);
	if (!reg && err.code) {
		status = cc_cli_fail(&err);
		goto out;
	}
	status = 0;
	if (code_arg) {
		if (cc_vcode_parse(code_arg, code, &err)) {
			status = cc_cli_fail(&err);
			goto out;
		}
		status = lookup(reg, code, report);
	}
	if (image_arg) {
		rc = read_image_code(image_arg, code, payload, sizeof(payload),
				     &err);
		if (rc) {
			status = cc_cli_fail(&err);
			goto out;
		}
		json_object_set_new(report, "image",
				    json_pack("{s:s, s:s, s:s}", "file",
					      image_arg, "qr", payload, "code",
					      code));
		status = lookup(reg, code, report);
	}
	if (audit)
		status = worse(status, do_audit(reg, report));
	if (status >= CC_INPUT && !nargs)
		goto out;

	if (nargs) {
		to.anchors = trust;
		if (!trust) {
			const char *a = cc_config_get(cfg, "trust", "anchors");

			if (a && *a) {
				conf_anchors = split(a, &conf_copy);
				if (!conf_anchors) {
					cc_msg("out of memory");
					status = CC_SYSTEM;
					goto out;
				}
				to.anchors = conf_anchors;
			}
		}
		to.chain = chain;
		to.crl_files = crl_files;
		to.ocsp_files = ocsp_files;
		to.offline = offline;
		to.timeout_ms = timeout_s * 1000L;
		/* Each thread makes its own trust context from these options
		 * (cc_verify_files, which reports a bad anchor file). */
		if (!to.anchors || !to.anchors[0])
			cc_msg("no trust anchor: give --trust FILE (no "
			       "signature can pass)");
		o.printed_code = image_arg ? code : NULL;
		o.docs = docs;
		o.status = status;
		o.n = (size_t)nargs;
		o.paths = args;
		o.progress =
			nargs > 1 && !cc_cli.quiet && isatty(2) && !isatty(1);
		rc = cc_verify_files(
			args, (size_t)nargs, MAX_PDF, jobs > 0 ? jobs : 0, &to,
			reg ? reg_used : NULL, file_done, &o, &err);
		if (o.progress)
			fputc('\n', stderr);
		status = o.status;
		if (rc)
			status = worse(status, cc_cli_fail(&err));
	}
	if (nargs > 1 && !cc_cli.quiet &&
	    !(cc_cli.json && !strcmp(cc_cli.json, "-")))
		printf("%d file%s: %d passed, %d failed, %d indeterminate%s\n",
		       nargs, nargs == 1 ? "" : "s", counts[CC_TOTAL_PASSED],
		       counts[CC_TOTAL_FAILED], counts[CC_INDETERMINATE],
		       nargs - counts[0] - counts[1] - counts[2]
			       ? ", some unreadable"
			       : "");
out:
	if (cc_cli.json && status != CC_USAGE && report) {
		json_object_set_new(report, "documents", docs);
		docs = NULL;
		json_object_set_new(
			report, "summary",
			json_pack("{s:i, s:i, s:i, s:i}", "files", nargs,
				  "passed", counts[CC_TOTAL_PASSED], "failed",
				  counts[CC_TOTAL_FAILED], "indeterminate",
				  counts[CC_INDETERMINATE]));
		json_object_set_new(report, "exit_status",
				    json_integer(status));
		if (cc_report_write(report, cc_cli.json, &err))
			status = worse(status, cc_cli_fail(&err));
	}
	json_decref(docs);
	json_decref(report);
	free(conf_anchors);
	free(conf_copy);
	cc_register_close(reg);
	cc_config_free(cfg);
	poptFreeContext(con);
	return cc_cli_finish(status);
}
