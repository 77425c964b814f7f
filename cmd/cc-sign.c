/* cc-sign - the certifier's PAdES signature, one document or a batch. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "buf.h"
#include "certpage.h"
#include "cli.h"
#include "config.h"
#include "output.h"
#include "pades.h"
#include "report.h"
#include "register.h"
#include "signer.h"

#define USAGE                                                                  \
	"[-qv] -k key [--pin-file file] [--tsa url] [--statement] "            \
	"[-o file] [--json file] [options] [file | --batch]"
#define MAX_PDF ((size_t)1 << 30)

static char *digest, *field, *reason, *reg_uri, *location, *contact, *sig_name,
	*rect_arg, *output, *number, *book, *certifier, *title, *watermark,
	*date_arg, *font;
static int certify_level, approval, pss, invisible, page, batch, statement, ltv,
	archive, jobs;

static struct poptOption sig_options[] = {
	{"ltv", '\0', POPT_ARG_NONE, &ltv, 0,
	 "add the chains, OCSP responses and CRLs in a /DSS (PAdES B-LT)",
	 NULL},
	{"archive", '\0', POPT_ARG_NONE, &archive, 0,
	 "then a document time-stamp (PAdES B-LTA; needs --ltv and --tsa)",
	 NULL},
	{"digest", '\0', POPT_ARG_STRING, &digest, 0,
	 "sha256 (default), sha384 or sha512", "ALG"},
	{"pss", '\0', POPT_ARG_NONE, &pss, 0,
	 "sign with RSASSA-PSS instead of PKCS#1 v1.5 (RSA keys)", NULL},
	{"certify-level", '\0', POPT_ARG_INT, &certify_level, 0,
	 "DocMDP level of a certification signature: 1 no changes, 2 form "
	 "filling and signing (default), 3 also annotations",
	 "P"},
	{"approval", '\0', POPT_ARG_NONE, &approval, 0,
	 "a plain approval signature, never a certification", NULL},
	{"field", '\0', POPT_ARG_STRING, &field, 0,
	 "sign this empty signature field, or name the new one", "NAME"},
	{"name", '\0', POPT_ARG_STRING, &sig_name, 0,
	 "/Name of the signature (default: the certificate's name)", "TEXT"},
	{"reason", '\0', POPT_ARG_STRING, &reason, 0, "/Reason", "TEXT"},
	{"location", '\0', POPT_ARG_STRING, &location, 0, "/Location", "TEXT"},
	{"contact", '\0', POPT_ARG_STRING, &contact, 0, "/ContactInfo", "TEXT"},
	{"invisible", '\0', POPT_ARG_NONE, &invisible, 0,
	 "no visible signature widget", NULL},
	{"page", '\0', POPT_ARG_INT, &page, 0,
	 "page of the visible signature (default: the last)", "N"},
	{"rect", '\0', POPT_ARG_STRING, &rect_arg, 0,
	 "where the visible signature goes, in points from the page's "
	 "lower left corner",
	 "X,Y,W,H"},
	POPT_TABLEEND};

static struct poptOption page_options[] = {
	{"statement", '\0', POPT_ARG_NONE, &statement, 0,
	 "append the certification page and watermark the scanned pages", NULL},
	{"number", '\0', POPT_ARG_STRING, &number, 0,
	 "the certification number (or --register)", "N"},
	{"register", '\0', POPT_ARG_STRING, &reg_uri, 0,
	 "take the next number of the book from this register (a path, "
	 "sqlite:PATH or postgresql://...; '' = the configured one)",
	 "URI"},
	{"book", '\0', POPT_ARG_STRING, &book, 0,
	 "the book (default: 01/YEAR-<book_prefix>)", "BOOK"},
	{"certifier", '\0', POPT_ARG_STRING, &certifier, 0,
	 "the certifier's name on the page (default: the certificate's)",
	 "NAME"},
	{"title", '\0', POPT_ARG_STRING, &title, 0, "the certifier's title",
	 "TEXT"},
	{"watermark", '\0', POPT_ARG_STRING, &watermark, 0,
	 "the watermark (default: the office's short name)", "TEXT"},
	{"date", '\0', POPT_ARG_STRING, &date_arg, 0,
	 "the date of certification (default today)", "YYYY-MM-DD"},
	{"font", '\0', POPT_ARG_STRING, &font, 0,
	 "the TrueType font of the page (default DejaVu Sans)", "FILE"},
	POPT_TABLEEND};

static struct poptOption run_options[] = {
	{"output", 'o', POPT_ARG_STRING, &output, 0,
	 "write the signed PDF to FILE (default stdout)", "FILE"},
	{"batch", '\0', POPT_ARG_NONE, &batch, 0,
	 "sign every 'input<TAB>output' line of stdin with one key load", NULL},
	{"jobs", 'j', POPT_ARG_INT, &jobs, 0,
	 "with --batch, documents signed at once (default: the number of "
	 "cores; 1 with a PKCS#11 token)",
	 "N"},
	POPT_TABLEEND};

static struct poptOption options[] = {
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, cc_cli_key_options, 0,
	 "The key:", NULL},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, sig_options, 0,
	 "The signature:", NULL},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, cc_cli_tsa_options, 0,
	 "Time-stamps and validation data:", NULL},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, page_options, 0,
	 "The certification page:", NULL},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, run_options, 0,
	 "Input and output:", NULL},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, cc_cli_common_options, 0,
	 "Common options:", NULL},
	POPT_AUTOHELP POPT_TABLEEND};

struct job {
	size_t cms_size;	 /* measured once for the batch */
	struct cc_register *reg; /* --register */
	pthread_mutex_t reg_lock;
	const char *office, *book_prefix, *certifier;
	struct cc_signer *signer;
	struct cc_pades_opts po;
	struct cc_certpage *page; /* with --statement */
};

static json_t *result_json(const char *in, const char *out,
			   const struct cc_pades_result *r)
{
	json_t *j = json_pack(
		"{s:s, s:s, s:s, s:[I,I,I,I], s:s, s:s, s:s, s:s, s:i, s:i, "
		"s:b}",
		"input", in, "output", out, "field", r->field, "byte_range",
		(json_int_t)r->byte_range[0], (json_int_t)r->byte_range[1],
		(json_int_t)r->byte_range[2], (json_int_t)r->byte_range[3],
		"digest_algorithm", r->digest_name, "digest", r->digest,
		"signer", r->signer, "level", r->level, "certification_level",
		r->certify, "pages", r->pages, "normalized", r->normalized);

	if (j && r->tst_time[0])
		json_object_set_new(j, "timestamp", json_string(r->tst_time));
	if (j && !strncmp(r->level, "B-LT", 4))
		json_object_set_new(j, "dss",
				    json_pack("{s:I, s:I, s:I}", "certs",
					      (json_int_t)r->dss_certs, "ocsps",
					      (json_int_t)r->dss_ocsps, "crls",
					      (json_int_t)r->dss_crls));
	if (j && r->archive_time[0])
		json_object_set_new(j, "archive_timestamp",
				    json_string(r->archive_time));
	return j;
}

/* Sign one file; the status, with the message shown. */
/* With --register: the next number of the book, and this document's
 * certification page with it. */
static int reserve(struct job *job, struct cc_reservation *res,
		   struct cc_certpage **cp, struct cc_error *err)
{
	int rc;

	pthread_mutex_lock(&job->reg_lock);
	rc = cc_register_reserve(job->reg, job->office, job->book_prefix,
				 cc_certpage_year(job->page), job->certifier,
				 res, err);
	pthread_mutex_unlock(&job->reg_lock);
	if (rc)
		return rc;
	*cp = cc_certpage_dup(job->page, res->number, res->book, err);
	return *cp ? 0 : err->code;
}

/* A number taken for a document that was not signed is void, never
 * reused. */
static void give_back(struct job *job, const struct cc_reservation *res,
		      const struct cc_error *why)
{
	struct cc_error err = {0, ""};
	char why_text[300];
	int rc;

	snprintf(why_text, sizeof(why_text), "not signed: %s", why->msg);
	pthread_mutex_lock(&job->reg_lock);
	rc = cc_register_void(job->reg, job->office, res->book, res->number,
			      job->certifier, why_text, &err);
	pthread_mutex_unlock(&job->reg_lock);
	if (rc)
		cc_msg("number %lld of book %s stays reserved: %s", res->number,
		       res->book, err.msg);
	else
		cc_info("number %lld of book %s is void", res->number,
			res->book);
}

static int sign_one(struct job *job, const char *in, const char *out,
		    json_t *results)
{
	struct cc_error err = {0, ""};
	struct cc_buf src = {0}, dst = {0};
	struct cc_pades_result r;
	struct cc_pades_opts po = job->po;
	struct cc_reservation res = {0, "", 0, ""};
	struct cc_certpage *cp = NULL;
	struct cc_output *o = NULL;
	int rc;

	if (out && strcmp(out, "-") && cc_same_file(in, out)) {
		cc_msg("'%s' is the input; choose another output", out);
		return CC_USAGE;
	}
	if ((rc = cc_buf_read_file(&src, in, MAX_PDF, &err)))
		goto out;
	if (job->reg) {
		if ((rc = reserve(job, &res, &cp, &err)))
			goto out;
		po.prepare_ctx = cp;
	}
	rc = cc_pades_sign(src.data, src.len, in, job->signer, &po, &dst, &r,
			   &err);
	if (rc)
		goto out;
	o = cc_output_open(out, 0666, &err);
	if (!o) {
		rc = err.code;
		goto out;
	}
	if ((rc = cc_output_write(o, dst.data, dst.len, &err)))
		goto out;
	rc = cc_output_commit(o, &err);
	o = NULL;
	if (rc)
		goto out;
	if (results) {
		json_t *j = result_json(in, out ? out : "-", &r);

		if (j && res.number)
			json_object_set_new(j, "register",
					    json_pack("{s:I, s:s}", "number",
						      (json_int_t)res.number,
						      "book", res.book));
		json_array_append_new(results, j);
	}
	if (res.number)
		cc_info("'%s': certification number %lld of book %s", in,
			res.number, res.book);
	cc_debug("signed '%s': %s, %s, CMS %zu of %zu bytes", in, r.level,
		 r.digest_name, r.cms_len, r.contents_len);
out:
	cc_output_abort(o);
	cc_buf_free(&src);
	cc_buf_free(&dst);
	if (rc) {
		cc_cli_fail(&err);
		if (res.number)
			give_back(job, &res, &err);
	}
	cc_certpage_free(cp);
	return rc;
}

/* The batch's shared state: lines are taken and results given back under
 * the lock; documents are signed outside it, by jobs threads at once. */
struct batch {
	struct job *job;
	json_t *results;
	pthread_mutex_t lock;
	char *line;
	size_t cap;
	int lines, count, failed, worst, tty, read_error;
};

/* The next "input<TAB>output" line, split; 0 at the end. A malformed line
 * is reported and counted here. */
static int next_line(struct batch *b, char **in, char **out)
{
	ssize_t n;

	while ((n = getline(&b->line, &b->cap, stdin)) > 0) {
		char *tab, *line = b->line;

		b->lines++;
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (n && line[n - 1] == '\r')
			line[--n] = '\0';
		if (!n || line[0] == '#')
			continue;
		tab = strchr(line, '\t');
		if (!tab || !tab[1] || strchr(tab + 1, '\t') ||
		    !strcmp(tab + 1, "-")) {
			cc_msg("batch line %d: not 'input<TAB>output' (output "
			       "'-' is not allowed in a batch)",
			       b->lines);
			b->count++;
			b->failed++;
			if (b->worst < CC_USAGE)
				b->worst = CC_USAGE;
			continue;
		}
		*tab = '\0';
		*in = strdup(line);
		*out = strdup(tab + 1);
		if (!*in || !*out) {
			free(*in);
			free(*out);
			b->read_error = ENOMEM;
			return 0;
		}
		return 1;
	}
	if (ferror(stdin))
		b->read_error = errno;
	return 0;
}

/* Sign documents of the batch, at most max of them (-1: to the end). */
static void work(struct batch *b, int max)
{
	char *in, *out;
	json_t *mine = b->results ? json_array() : NULL;

	for (int done = 0; max < 0 || done < max; done++) {
		int more, rc;

		pthread_mutex_lock(&b->lock);
		more = next_line(b, &in, &out);
		pthread_mutex_unlock(&b->lock);
		if (!more)
			break;
		rc = sign_one(b->job, in, out, mine);
		free(in);
		free(out);
		pthread_mutex_lock(&b->lock);
		b->count++;
		if (rc) {
			b->failed++;
			if (rc > b->worst)
				b->worst = rc;
		}
		if (mine && b->results)
			json_array_extend(b->results, mine);
		if (mine)
			json_array_clear(mine);
		if (b->tty && !cc_cli.quiet)
			fprintf(stderr, "\r%s: %d signed, %d failed",
				cc_cli.prog, b->count - b->failed, b->failed);
		pthread_mutex_unlock(&b->lock);
	}
	json_decref(mine);
}

static void *batch_worker(void *arg)
{
	work(arg, -1);
	return NULL;
}

static int run_batch(struct job *job, json_t *results, int njobs)
{
	struct batch b = {
		job, results, PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0, 0,
		0,   CC_OK,   isatty(STDERR_FILENO),	 0};
	pthread_t th[64];
	int started = 0;

	/* The first document alone: it measures the signature's size, which
	 * the others then share. */
	work(&b, 1);
	for (int i = 1; i < njobs && i < 64; i++)
		if (!pthread_create(&th[started], NULL, batch_worker, &b))
			started++;
	batch_worker(&b);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	if (b.tty && !cc_cli.quiet && b.count)
		fputc('\n', stderr);
	free(b.line);
	if (b.read_error) {
		cc_msg("cannot read the batch from stdin: %s",
		       strerror(b.read_error));
		return CC_SYSTEM;
	}
	cc_info("%d of %d documents signed", b.count - b.failed, b.count);
	return b.worst;
}

static int parse_rect(const char *s, struct cc_pades_rect *r)
{
	char *end;
	double v[4];

	for (int i = 0; i < 4; i++) {
		errno = 0;
		v[i] = strtod(s, &end);
		if (end == s || errno || (i < 3 && *end != ',') ||
		    (i == 3 && *end))
			return -1;
		s = end + 1;
	}
	if (v[0] < 0 || v[1] < 0 || v[2] <= 0 || v[3] <= 0 || v[0] > 14400 ||
	    v[1] > 14400 || v[2] > 14400 || v[3] > 14400)
		return -1;
	*r = (struct cc_pades_rect){v[0], v[1], v[2], v[3]};
	return 0;
}

static const EVP_MD *digest_of(const char *name)
{
	if (!name || !strcmp(name, "sha256"))
		return EVP_sha256();
	if (!strcmp(name, "sha384"))
		return EVP_sha384();
	if (!strcmp(name, "sha512"))
		return EVP_sha512();
	return NULL;
}

int main(int argc, const char **argv)
{
	struct cc_error err = {0, ""};
	struct cc_config *cfg = NULL;
	struct cc_signer_opts so;
	struct job job;
	struct cc_certpage_opts cp;
	json_t *results = NULL, *report = NULL;
	const char **args;
	const char *input = "-";
	int nargs, rc;
	poptContext con;

	memset(&job, 0, sizeof(job));
	rc = cc_cli_start(argc, argv, options, USAGE, NULL, &con, &args,
			  &nargs);
	if (rc >= 0)
		return cc_cli_finish(rc);
	rc = CC_USAGE;
	if (!cc_cli_sign.key) {
		cc_msg("no key: give --key FILE.p12 or --key 'pkcs11:...'");
		goto out;
	}
	if (nargs > 1 || (batch && nargs)) {
		cc_msg(batch ? "--batch reads its files from stdin"
			     : "one input at a time (or --batch)");
		goto out;
	}
	if (nargs == 1)
		input = args[0];
	if (batch && (output || (cc_cli.json && !strcmp(cc_cli.json, "-")))) {
		cc_msg("--batch takes its outputs from stdin; --output and "
		       "--json - do not apply");
		goto out;
	}
	if (!batch) {
		const char *others[] = {"--json", cc_cli.json, NULL};

		if (cc_cli_check_output(output, "PDF", others, &input, 1))
			goto out;
	}
	job.po.md = digest_of(digest);
	if (!job.po.md) {
		cc_msg("--digest: '%s' is not sha256, sha384 or sha512",
		       digest);
		goto out;
	}
	if (certify_level < 0 || certify_level > 3 ||
	    (certify_level && approval)) {
		cc_msg("--certify-level is 1, 2 or 3, and not with --approval");
		goto out;
	}
	if (!ltv && (archive || cc_cli_sign.crl_files ||
		     cc_cli_sign.ocsp_files || cc_cli_sign.offline)) {
		cc_msg("--archive, --crl, --ocsp-response and --offline go "
		       "with --ltv");
		goto out;
	}
	if (jobs < 0 || jobs > 64 || (jobs && !batch)) {
		cc_msg("--jobs: 1 to 64, with --batch");
		goto out;
	}
	if (cc_cli_sign_check())
		goto out;
	if (page < 0 || (rect_arg && invisible) || (page && invisible)) {
		cc_msg("--page and --rect place a visible signature; not with "
		       "--invisible");
		goto out;
	}
	if (rect_arg && parse_rect(rect_arg, &job.po.rect)) {
		cc_msg("--rect: '%s' is not X,Y,W,H in points", rect_arg);
		goto out;
	}
	if (page && !rect_arg) {
		cc_msg("--page needs --rect");
		goto out;
	}
	if (!statement && (number || book || certifier || title || watermark ||
			   date_arg || font)) {
		cc_msg("--number, --book, --certifier, --title, --watermark, "
		       "--date and --font go with --statement");
		goto out;
	}
	if (statement && !number == !reg_uri) {
		cc_msg("--statement needs the certification number: --number N "
		       "or --register URI, not both");
		goto out;
	}
	if (reg_uri && !statement) {
		cc_msg("--register goes with --statement");
		goto out;
	}
	cfg = cc_config_load(&err);
	if (!cfg) {
		rc = cc_cli_fail(&err);
		goto out;
	}
	job.po.pss = pss;
	job.po.certify = approval ? 0 : certify_level ? certify_level : 2;
	job.po.field = field;
	job.po.name = sig_name;
	job.po.reason = reason;
	job.po.location = location;
	job.po.contact = contact;
	job.po.visible = rect_arg != NULL;
	job.po.cms_size = &job.cms_size;
	job.po.ltv = ltv;
	job.po.archive = archive;
	cc_cli_sign_setup(cfg, &so, &job.po);
	if (archive && !job.po.tsa_url) {
		cc_msg("--archive needs a TSA: --tsa URL");
		rc = CC_USAGE;
		goto out;
	}
	job.po.page = page;

	job.signer = cc_signer_open(&so, &err);
	if (!job.signer) {
		rc = cc_cli_fail(&err);
		goto out;
	}
	if (statement) {
		memset(&cp, 0, sizeof(cp));
		cp.number = number;
		cp.book = book;
		cp.certifier =
			certifier ? certifier : cc_signer_name(job.signer);
		cp.title = title;
		cp.date = date_arg;
		cp.font = font;
		cp.watermark = watermark;
		cp.visible = !invisible && !rect_arg;
		job.page = cc_certpage_new(&cp, cfg, &err);
		if (!job.page) {
			rc = cc_cli_fail(&err);
			goto out;
		}
		job.po.prepare = cc_certpage_prepare;
		job.po.prepare_ctx = job.page;
		if (reg_uri) {
			job.reg = cc_register_open(reg_uri, &err);
			if (!job.reg) {
				rc = cc_cli_fail(&err);
				goto out;
			}
			pthread_mutex_init(&job.reg_lock, NULL);
			job.office = cc_config_get(cfg, "office", "code");
			job.book_prefix =
				cc_config_get(cfg, "office", "book_prefix");
			job.certifier = cp.certifier;
		}
		if (cp.visible)
			job.po.visible = 1;
	}
	/* Kept only when wanted: a backlog of 100,000 would hold them all. */
	if (cc_cli.json)
		results = json_array();
	if (batch) {
		/* A token signs one thing at a time. */
		if (!jobs) {
			long n = sysconf(_SC_NPROCESSORS_ONLN);

			jobs = n > 0 && n < 64 ? (int)n : 1;
		}
		if (!strncmp(cc_cli_sign.key, "pkcs11:", 7))
			jobs = 1;
		rc = run_batch(&job, results, jobs);
	} else {
		rc = sign_one(&job, input, output, results);
	}
	if (cc_cli.json && results && (rc == CC_OK || batch)) {
		char now[21];

		cc_utc_now(now);
		report = json_pack("{s:s, s:s, s:s, s:O}", "tool", "cc-sign",
				   "version", CC_VERSION, "created", now,
				   "signed", results);
		if (cc_report_write(report, cc_cli.json, &err)) {
			int jrc = cc_cli_fail(&err);

			if (rc == CC_OK)
				rc = jrc;
		}
	}
out:
	json_decref(results);
	json_decref(report);
	cc_certpage_free(job.page);
	cc_register_close(job.reg);
	cc_signer_close(job.signer);
	cc_config_free(cfg);
	poptFreeContext(con);
	return cc_cli_finish(rc);
}
