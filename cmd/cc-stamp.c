/* cc-stamp - the office's seal, the verification code and the register. */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "buf.h"
#include "certpage.h"
#include "cli.h"
#include "config.h"
#include "digest.h"
#include "output.h"
#include "pades.h"
#include "register.h"
#include "report.h"
#include "signer.h"
#include "stamp.h"
#include "statement.h"
#include "vcode.h"

#define USAGE                                                                  \
	"[-qv] [-k key] [--pin-file file] [--tsa url] [--register uri] "       \
	"[-o file] [--json file] [options] [file]"
#define MAX_PDF ((size_t)1 << 30)
#define STALE_S (24L * 3600) /* a reservation older than this is void */

static char *reg_uri, *verify_url, *qr_file, *output, *scan_file, *void_arg,
	*revoke_code, *reason, *book_arg, *font, *date_arg;
static int no_ltv, archive;

static struct poptOption seal_options[] = {
	{"no-ltv", '\0', POPT_ARG_NONE, &no_ltv, 0,
	 "no /DSS with the validation data (B-T instead of B-LT)", NULL},
	{"archive", '\0', POPT_ARG_NONE, &archive, 0,
	 "add a document time-stamp (B-LTA)", NULL},
	{"verify-url", '\0', POPT_ARG_STRING, &verify_url, 0,
	 "the verification base URL (default: the configured verify.base_url)",
	 "BASE"},
	{"date", '\0', POPT_ARG_STRING, &date_arg, 0,
	 "the date on the seal (default today)", "YYYY-MM-DD"},
	{"font", '\0', POPT_ARG_STRING, &font, 0,
	 "the TrueType font of the seal (default DejaVu Sans)", "FILE"},
	POPT_TABLEEND};

static struct poptOption reg_options[] = {
	{"register", '\0', POPT_ARG_STRING, &reg_uri, 0,
	 "the register: a path, sqlite:PATH or postgresql://... (default: "
	 "the configured register.uri, else the user's own)",
	 "URI"},
	{"scan", '\0', POPT_ARG_STRING, &scan_file, 0,
	 "the scan of the original, or cc-scan's JSON manifest of it, whose "
	 "SHA-256 the register keeps",
	 "FILE"},
	{"void", '\0', POPT_ARG_STRING, &void_arg, 0,
	 "mark a reserved certification number void (with --reason)", "N"},
	{"book", '\0', POPT_ARG_STRING, &book_arg, 0,
	 "the book of --void (default: this year's)", "BOOK"},
	{"revoke", '\0', POPT_ARG_STRING, &revoke_code, 0,
	 "mark an issued copy revoked (with --reason)", "CODE"},
	{"reason", '\0', POPT_ARG_STRING, &reason, 0,
	 "why, for --void and --revoke", "TEXT"},
	POPT_TABLEEND};

static struct poptOption out_options[] = {
	{"output", 'o', POPT_ARG_STRING, &output, 0,
	 "write the sealed PDF to FILE (default stdout)", "FILE"},
	{"qr", '\0', POPT_ARG_STRING, &qr_file, 0,
	 "also write the QR code of the verification URL as a PNG", "FILE"},
	POPT_TABLEEND};

static struct poptOption options[] = {
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, cc_cli_key_options, 0,
	 "The seal key:", NULL},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, seal_options, 0,
	 "The seal:", NULL},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, cc_cli_tsa_options, 0,
	 "Time-stamps and validation data:", NULL},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, reg_options, 0,
	 "The register:", NULL},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, out_options, 0, "Output:", NULL},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, cc_cli_common_options, 0,
	 "Common options:", NULL},
	POPT_AUTOHELP POPT_TABLEEND};

/* Who does it, for the register's audit log: the user running the tool. */
static const char *who(void)
{
	struct passwd *pw = getpwuid(geteuid());

	return pw && pw->pw_name ? pw->pw_name : "unknown";
}

static int admin(struct cc_config *cfg, struct cc_register *reg)
{
	struct cc_error err = {0, ""};
	int rc;

	if (!reason || !*reason) {
		cc_msg("--void and --revoke need --reason TEXT");
		return CC_USAGE;
	}
	if (void_arg) {
		char *end, book[64];
		long long n;
		time_t now = time(NULL);
		struct tm tm;

		errno = 0;
		n = strtoll(void_arg, &end, 10);
		if (errno || *end || n <= 0) {
			cc_msg("--void: '%s' is not a certification number",
			       void_arg);
			return CC_USAGE;
		}
		localtime_r(&now, &tm);
		snprintf(book, sizeof(book), "01/%04d-%s", tm.tm_year + 1900,
			 cc_config_get(cfg, "office", "book_prefix"));
		rc = cc_register_void(reg, cc_config_get(cfg, "office", "code"),
				      book_arg ? book_arg : book, n, who(),
				      reason, &err);
		if (rc)
			return cc_cli_fail(&err);
		cc_info("number %lld of book %s is void", n,
			book_arg ? book_arg : book);
		return CC_OK;
	}
	{
		char code[20];

		if (cc_vcode_parse(revoke_code, code, &err))
			return cc_cli_fail(&err);
		if ((rc = cc_register_revoke(reg, code, who(), reason, &err)))
			return cc_cli_fail(&err);
		cc_info("copy %s is revoked", code);
	}
	return CC_OK;
}

/* The scan's SHA-256: of the file's bytes, or, for cc-scan's JSON manifest,
 * of its pages' pixel hashes (lowercase hex, one a line, in page order), so
 * that the manifest alone proves which pixels were certified. */
static int scan_sha256(const char *path, char hex[CC_SHA256_HEX],
		       struct cc_error *err)
{
	struct cc_buf b = {0}, lines = {0};
	unsigned char md[CC_SHA256_LEN];
	json_t *j = NULL, *pages;
	int rc = cc_buf_read_file(&b, path, (size_t)4 << 30, err);

	if (rc)
		goto out;
	if (b.len && b.data[0] == '{')
		j = json_loadb((const char *)b.data, b.len, 0, NULL);
	pages = json_object_get(j, "pages");
	if (j && json_is_array(pages) &&
	    json_is_string(json_object_get(j, "tool")) &&
	    !strcmp(json_string_value(json_object_get(j, "tool")), "cc-scan")) {
		size_t i;
		json_t *pg;

		json_array_foreach(pages, i, pg)
		{
			const char *h = json_string_value(
				json_object_get(pg, "sha256"));

			if (!h || strlen(h) != 64 ||
			    strspn(h, "0123456789abcdef") != 64) {
				rc = cc_error_set(err, CC_INPUT,
						  "'%s': page %zu has no "
						  "SHA-256",
						  path, i + 1);
				goto out;
			}
			cc_buf_printf(&lines, "%s\n", h);
		}
		if (!i) {
			rc = cc_error_set(err, CC_INPUT, "'%s' has no pages",
					  path);
			goto out;
		}
		cc_sha256(lines.data, lines.len, md);
	} else {
		cc_sha256(b.data, b.len, md);
	}
	cc_hex(md, sizeof(md), hex);
out:
	json_decref(j);
	cc_buf_free(&lines);
	cc_buf_free(&b);
	return rc;
}

static void cert_sha256(X509 *c, char hex[CC_SHA256_HEX])
{
	unsigned char *der = NULL, md[CC_SHA256_LEN];
	int len = i2d_X509(c, &der);

	hex[0] = '\0';
	if (len > 0) {
		cc_sha256(der, (size_t)len, md);
		cc_hex(md, sizeof(md), hex);
	}
	OPENSSL_free(der);
}

int main(int argc, const char **argv)
{
	struct cc_error err = {0, ""};
	struct cc_config *cfg = NULL;
	struct cc_register *reg = NULL;
	struct cc_signer *signer = NULL;
	struct cc_signer_opts so;
	struct cc_pades_opts po;
	struct cc_pades_result pr;
	struct cc_stamp_facts facts;
	struct cc_stamp_look look;
	struct cc_issue is;
	struct cc_output *out = NULL;
	struct cc_buf src = {0}, dst = {0};
	const char **args;
	const char *input = "-", *base;
	char code[20], url[1024], date[16], sig_extra[64],
		pdf_hex[CC_SHA256_HEX], scan_hex[CC_SHA256_HEX],
		seal_hex[CC_SHA256_HEX], now[21];
	unsigned char md[CC_SHA256_LEN];
	int nargs, rc, voided = 0;
	json_t *report = NULL;
	poptContext con;

	rc = cc_cli_start(argc, argv, options, USAGE, NULL, &con, &args,
			  &nargs);
	if (rc >= 0)
		return cc_cli_finish(rc);
	rc = CC_USAGE;
	if (void_arg && revoke_code) {
		cc_msg("--void or --revoke, one at a time");
		goto out;
	}
	if ((void_arg || revoke_code) && (nargs || cc_cli_sign.key || output)) {
		cc_msg("--void and --revoke change the register only: no key, "
		       "input or output");
		goto out;
	}
	if (!void_arg && !revoke_code && (reason || book_arg)) {
		cc_msg("--reason and --book go with --void or --revoke");
		goto out;
	}
	if (!void_arg && !revoke_code && !cc_cli_sign.key) {
		cc_msg("no key: give --key FILE.p12 or --key 'pkcs11:...'");
		goto out;
	}
	if (nargs > 1) {
		cc_msg("one copy at a time");
		goto out;
	}
	if (nargs == 1)
		input = args[0];
	if (cc_cli_sign_check())
		goto out;
	if (!void_arg && !revoke_code) {
		const char *others[] = {"--json", cc_cli.json, "--qr", qr_file,
					NULL};

		if (cc_cli_check_output(output, "PDF", others, &input, 1))
			goto out;
	}
	cfg = cc_config_load(&err);
	if (!cfg) {
		rc = cc_cli_fail(&err);
		goto out;
	}
	reg = cc_register_open(reg_uri, &err);
	if (!reg) {
		rc = cc_cli_fail(&err);
		goto out;
	}
	if (void_arg || revoke_code) {
		rc = admin(cfg, reg);
		goto out;
	}
	/* Reservations never completed become void, never reused. */
	if (cc_register_void_stale(reg, STALE_S, "cc-stamp", &voided, &err)) {
		rc = cc_cli_fail(&err);
		goto out;
	}
	if (voided)
		cc_info("%d reservation(s) older than a day marked void",
			voided);

	if ((rc = cc_buf_read_file(&src, input, MAX_PDF, &err)) ||
	    (rc = cc_stamp_read(src.data, src.len, input, &facts, &err))) {
		rc = cc_cli_fail(&err);
		goto out;
	}
	scan_hex[0] = '\0';
	if (scan_file && (rc = scan_sha256(scan_file, scan_hex, &err))) {
		rc = cc_cli_fail(&err);
		goto out;
	}
	memset(&po, 0, sizeof(po));
	cc_cli_sign_setup(cfg, &so, &po);
	signer = cc_signer_open(&so, &err);
	if (!signer) {
		rc = cc_cli_fail(&err);
		goto out;
	}
	if (cc_vcode_new(code, &err)) {
		rc = cc_cli_fail(&err);
		goto out;
	}
	base = verify_url ? verify_url
			  : cc_config_get(cfg, "verify", "base_url");
	if ((size_t)snprintf(url, sizeof(url), "%s%s", base, code) >=
	    sizeof(url)) {
		cc_msg("--verify-url: too long");
		rc = CC_USAGE;
		goto out;
	}
	if (date_arg) {
		int y, m, d;

		if (strlen(date_arg) != 10 ||
		    sscanf(date_arg, "%4d-%2d-%2d", &y, &m, &d) != 3) {
			cc_msg("--date: '%s' is not a date YYYY-MM-DD",
			       date_arg);
			rc = CC_USAGE;
			goto out;
		}
		snprintf(date, sizeof(date), "%02d/%02d/%04d", d, m, y);
	} else {
		time_t t = time(NULL);
		struct tm tm;

		localtime_r(&t, &tm);
		strftime(date, sizeof(date), "%d/%m/%Y", &tm);
	}
	look = (struct cc_stamp_look){
		cc_config_get(cfg, "office", "name"),
		cc_config_get(cfg, "office", "short_name"),
		code,
		url,
		date,
		font};
	snprintf(sig_extra, sizeof(sig_extra), "%s (%s)", CC_STAMP_CODE_KEY,
		 code);
	po.field = CC_SEAL_FIELD;
	po.reason = "Đóng dấu điện tử của cơ quan chứng thực";
	po.location = cc_config_get(cfg, "office", "name");
	po.contact = url;
	po.sig_extra = sig_extra;
	po.ltv = po.tsa_url && !no_ltv;
	po.archive = archive;
	po.prepare = cc_stamp_prepare;
	po.prepare_ctx = &look;
	if (archive && !po.ltv) {
		cc_msg("--archive needs a TSA and the validation data (not "
		       "--no-ltv)");
		rc = CC_USAGE;
		goto out;
	}
	rc = cc_pades_sign(src.data, src.len, input, signer, &po, &dst, &pr,
			   &err);
	if (rc) {
		cc_cli_fail(&err);
		cc_msg("number %lld of book %s stays reserved: stamp the copy "
		       "again, or void the number with cc-stamp --void %lld "
		       "--reason TEXT",
		       facts.number, facts.book, facts.number);
		goto out;
	}
	cc_sha256(dst.data, dst.len, md);
	cc_hex(md, sizeof(md), pdf_hex);
	cert_sha256(cc_signer_cert(signer), seal_hex);

	/* The file is written and synced first, renamed into place only
	 * once the register has recorded its hash: a failure in between
	 * leaves no copy that the register does not know. */
	out = cc_output_open(output, 0666, &err);
	if (!out) {
		rc = cc_cli_fail(&err);
		goto out;
	}
	if ((rc = cc_output_write(out, dst.data, dst.len, &err)) ||
	    (rc = cc_output_sync(out, &err))) {
		cc_cli_fail(&err);
		goto out;
	}
	cc_utc_now(now);
	memset(&is, 0, sizeof(is));
	is.office = cc_config_get(cfg, "office", "code");
	is.book = facts.book;
	is.number = facts.number;
	is.code = code;
	is.certifier = facts.certifier;
	is.seal_cert_sha256 = seal_hex;
	is.pages = facts.pages;
	is.fee = cc_fee(facts.pages);
	is.scan_sha256 = scan_hex[0] ? scan_hex : NULL;
	is.pdf_sha256 = pdf_hex;
	is.issued_at = now;
	if ((rc = cc_register_issue(reg, &is, &err))) {
		rc = cc_cli_fail(&err);
		goto out;
	}
	if ((rc = cc_output_commit(out, &err))) {
		out = NULL;
		cc_cli_fail(&err);
		cc_msg("copy %s is recorded as issued but was not written: "
		       "revoke it with cc-stamp --revoke %s --reason TEXT and "
		       "certify again",
		       code, code);
		goto out;
	}
	out = NULL;
	if (qr_file && (rc = cc_stamp_qr_png(url, qr_file, 8, &err))) {
		rc = cc_cli_fail(&err);
		goto out;
	}
	if (output && strcmp(output, "-"))
		printf("%s\n", code);
	cc_info("sealed: number %lld of book %s, code %s, %s", facts.number,
		facts.book, code, pr.level);
	if (cc_cli.json) {
		report = json_pack(
			"{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:i, s:I, "
			"s:s, s:s, s:s, s:s, s:s*}",
			"tool", "cc-stamp", "version", CC_VERSION, "created",
			now, "code", code, "url", url, "output",
			output ? output : "-", "number",
			(json_int_t)facts.number, "book", facts.book, "pages",
			facts.pages, "fee", (json_int_t)is.fee, "certifier",
			facts.certifier, "level", pr.level, "sha256", pdf_hex,
			"seal", pr.signer, "timestamp",
			pr.tst_time[0] ? pr.tst_time : NULL);
		if (cc_report_write(report, cc_cli.json, &err))
			rc = cc_cli_fail(&err);
	}
out:
	cc_output_abort(out);
	cc_buf_free(&src);
	cc_buf_free(&dst);
	json_decref(report);
	cc_signer_close(signer);
	cc_register_close(reg);
	cc_config_free(cfg);
	poptFreeContext(con);
	return cc_cli_finish(rc);
}
