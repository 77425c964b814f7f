/* recognize.c - classification, fields, QR, MRZ and validity checks. */
#include "qr.h"
#include "recognize.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <allheaders.h>

#include "fields.h"
#include "idqr.h"
#include "mrz.h"
#include "mrzread.h"
#include "ocrdoc.h"

#define MAX_PAGES 200

struct page_result {
	char type[24];
	double conf;
	size_t nwords;
	int has_qr;
	int qr_ok;
	char qr_payload[1024];
	struct cc_idqr qr;
	int has_mrz;
	int mrz_ok;
	char mrz_lines[3][45];
	int mrz_n;
	struct cc_mrz mrz;
	json_t *fields; /* printed fields read from the text */
};

/* A card's QR code, read before its page's text is known. */
struct qr_early {
	int read; /* 1 when looked for, rc below valid */
	int rc;	  /* cc_qr_read's result */
	char payload[1024];
};

struct cc_recognizer {
	struct cc_recognize_opts o;
	char lang[64];
	char *tessdata;
	struct cc_ocr_engine *mrz_engine;
	pthread_t mrz_loader; /* loads mrz_engine, when mrz_loading */
	int mrz_loading;
	struct cc_error mrz_err;
	struct qr_early *qr_early; /* by page index */
	int nqr_early;
	struct page_result *pages;
	int npages;
	json_t *checks;
	int failed;
	char first_failure[256];
};

struct cc_recognizer *cc_recognizer_new(const struct cc_recognize_opts *o,
					const char *lang, const char *tessdata,
					struct cc_error *err)
{
	struct cc_recognizer *r = calloc(1, sizeof(*r));

	if (!r || !(r->checks = json_array()) ||
	    (tessdata && !(r->tessdata = strdup(tessdata)))) {
		cc_recognizer_free(r);
		cc_error_set(err, CC_SYSTEM, "out of memory");
		return NULL;
	}
	r->o = *o;
	snprintf(r->lang, sizeof(r->lang), "%s", lang);
	return r;
}

void cc_recognizer_free(struct cc_recognizer *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->npages; i++)
		json_decref(r->pages[i].fields);
	free(r->pages);
	if (r->mrz_loading)
		pthread_join(r->mrz_loader, NULL);
	cc_ocr_engine_free(r->mrz_engine);
	free(r->qr_early);
	json_decref(r->checks);
	free(r->tessdata);
	free(r);
}

static void *load_mrz_engine(void *arg)
{
	struct cc_recognizer *r = arg;

	r->mrz_engine = cc_ocr_engine_new("eng", r->tessdata, &r->mrz_err);
	return NULL;
}

/* The documents that carry a machine-readable zone, an ID card and a
 * passport (its data page, or the booklet open), are smaller than a sheet
 * of paper: longest side under 7.5 inches. */
#define MRZ_DOC_MAX_INCHES 7.5

int cc_recognizer_look(struct cc_recognizer *r, int index, const PIX *pix,
		       int dpi, struct cc_error *err)
{
	PIX *p = (PIX *)pix; /* Leptonica's getters take no const */
	int longest = pixGetWidth(p) > pixGetHeight(p) ? pixGetWidth(p)
						       : pixGetHeight(p);
	int qr = 0;

	if (index >= MAX_PAGES || dpi <= 0)
		return CC_OK;
	/* A card's QR code, read while its text is recognised; used if the
	 * page turns out to be a card front. */
	if (cc_ocr_small_page(pix, dpi)) {
		struct qr_early *q;

		if (index >= r->nqr_early) {
			q = realloc(r->qr_early,
				    sizeof(*q) * (size_t)(index + 1));
			if (!q)
				return cc_error_set(err, CC_SYSTEM,
						    "out of memory");
			memset(q + r->nqr_early, 0,
			       sizeof(*q) * (size_t)(index + 1 - r->nqr_early));
			r->qr_early = q;
			r->nqr_early = index + 1;
		}
		q = &r->qr_early[index];
		q->rc = cc_qr_read(p, q->payload, sizeof(q->payload), err);
		/* Without zbar only a card front fails, when it is one. */
		q->read = q->rc >= 0;
		qr = q->rc > 0;
		cc_error_clear(err);
	}
	/* The MRZ engine is needed only once the page's text shows a zone;
	 * loading it meanwhile on another thread takes it off the path. Not
	 * for a card with a QR code: that is the front, the zone is on the
	 * back. */
	if (r->o.background && !r->mrz_loading && !r->mrz_engine && !qr &&
	    longest < MRZ_DOC_MAX_INCHES * dpi) {
		cc_error_clear(&r->mrz_err);
		r->mrz_loading = pthread_create(&r->mrz_loader, NULL,
						load_mrz_engine, r) == 0;
	}
	return CC_OK;
}

/* One reading of a zone: its lines and what they parse to. */
struct mrz_reading {
	char lines[3][45];
	int n;
	int parsed;
	struct cc_mrz m;
};

static void parse_reading(struct mrz_reading *rd, const struct cc_date *today)
{
	const char *lines[3];
	struct cc_error perr = {0, ""};

	for (int i = 0; i < rd->n; i++)
		lines[i] = rd->lines[i];
	rd->parsed = rd->n > 0 &&
		     cc_mrz_parse(lines, rd->n, today, &rd->m, &perr) == CC_OK;
}

/* Is the name field shaped like a name, NAME<<GIVEN<NAMES<<<: groups of
 * letters apart by one '<', the two identifiers by two, then filler? The
 * usual misreading of filler as 'K' breaks that shape, and no check digit
 * covers a name. */
static int name_plausible(const struct mrz_reading *rd)
{
	int td1 = rd->m.type == CC_MRZ_TD1, doubles = 0;
	const char *s = td1 ? rd->lines[2] : rd->lines[0] + 5;
	size_t len = td1 ? CC_MRZ_TD1_LEN : CC_MRZ_TD3_LEN - 5, i = 0;

	while (len > 0 && s[len - 1] == '<')
		len--;
	if (len == 0 || s[0] == '<')
		return 0;
	while (i < len) {
		size_t run = 0;

		if (s[i] >= 'A' && s[i] <= 'Z') {
			i++;
			continue;
		}
		if (s[i] != '<')
			return 0;
		while (i < len && s[i] == '<')
			i++, run++;
		if (run > 2 || (run == 2 && doubles++))
			return 0;
	}
	return 1;
}

static int sound(const struct mrz_reading *rd)
{
	return rd->parsed && rd->m.valid && name_plausible(rd);
}

/* How well a reading holds together: parsed at all, then its check digits,
 * its fields' form, and its name's shape. */
static int rank(const struct mrz_reading *rd)
{
	int ok = 0;

	if (!rd->parsed)
		return 0;
	for (int i = 0; i < rd->m.nchecks; i++)
		ok += rd->m.checks[i].ok;
	return 1 + 4 * ok + 2 * !rd->m.malformed + name_plausible(rd);
}

static void take_reading(struct page_result *pr, const struct mrz_reading *rd)
{
	pr->has_mrz = 1;
	pr->mrz_ok = rd->parsed;
	pr->mrz_n = rd->n;
	memcpy(pr->mrz_lines, rd->lines, sizeof(pr->mrz_lines));
	if (rd->parsed)
		pr->mrz = rd->m;
}

/*
 * Two readings of the zone: the page's own (Vietnamese and English data, at
 * the page's resolution) and the MRZ pass (English data, characters limited
 * to the zone's, the zone alone). Either misreads some zones the other reads
 * right, so a reading whose check digits all hold and whose name looks like
 * one is taken, the page's first (it costs nothing more): a misreading that
 * makes a wrong check digit right is far less likely than one that makes a
 * right one wrong. Otherwise the reading that holds together best is
 * reported, failures and all, the MRZ pass's when they are even.
 */
static int read_mrz(struct cc_recognizer *r, PIX *pix, int dpi,
		    const struct cc_ocr_page *ocr, struct page_result *pr,
		    struct cc_error *err)
{
	struct mrz_reading page, pass;
	int rc;

	if (!cc_mrz_on_page(ocr))
		return CC_OK;
	memset(&page, 0, sizeof(page));
	memset(&pass, 0, sizeof(pass));
	if (cc_mrz_find(ocr->text, page.lines, &page.n))
		for (int i = 0; i < page.n; i++)
			cc_mrz_repair(page.lines[i],
				      page.n == 3 ? CC_MRZ_TD1 : CC_MRZ_TD3,
				      i + 1);
	parse_reading(&page, &r->o.today);
	if (sound(&page)) {
		take_reading(pr, &page);
		return CC_OK;
	}
	if (r->mrz_loading) {
		pthread_join(r->mrz_loader, NULL);
		r->mrz_loading = 0;
		if (!r->mrz_engine)
			return cc_error_set(err, r->mrz_err.code, "%s",
					    r->mrz_err.msg);
		/* loaded on another thread: this one is kept single-
		 * threaded too */
		cc_ocr_single_thread();
	}
	if (!r->mrz_engine) {
		/* The MRZ is Latin capitals and digits: English data alone
		 * reads it better than any mix with Vietnamese. */
		r->mrz_engine = cc_ocr_engine_new("eng", r->tessdata, err);
		if (!r->mrz_engine)
			return err->code;
	}
	rc = cc_mrz_read(r->mrz_engine, pix, dpi, ocr, pass.lines, &pass.n,
			 err);
	if (rc)
		return rc;
	parse_reading(&pass, &r->o.today);
	if (rank(&page) > rank(&pass))
		take_reading(pr, &page);
	else if (pass.n)
		take_reading(pr, &pass);
	return CC_OK;
}

/* ---- pages ---- */

static const char *classify(const char *folded, const struct page_result *pr)
{
	static const char *const front[] = {
		"CAN CUOC CONG DAN", "CITIZEN IDENTITY CARD", "CAN CUOC", NULL};
	static const char *const back[] = {"PERSONAL IDENTIFICATION",
					   "DAC DIEM NHAN DANG", NULL};
	static const char *const passport[] = {"PASSPORT", "HO CHIEU", NULL};
	static const char *const birth[] = {"GIAY KHAI SINH",
					    "BIRTH CERTIFICATE", NULL};

	if (pr->mrz_ok && pr->mrz.type == CC_MRZ_TD3)
		return "passport";
	if (pr->mrz_ok || cc_text_has_any(folded, back))
		return "id-back";
	if (cc_text_has_any(folded, front))
		return "id-front";
	if (cc_text_has_any(folded, passport))
		return "passport";
	if (cc_text_has_any(folded, birth))
		return "birth-certificate";
	return "generic";
}

int cc_recognizer_page(struct cc_recognizer *r, int index, PIX *pix, int dpi,
		       const struct cc_ocr_page *ocr, struct cc_error *err)
{
	struct page_result *pr;
	char *folded;
	int rc;

	if (r->npages >= MAX_PAGES || index != r->npages)
		return CC_OK; /* beyond what recognition looks at */
	pr = realloc(r->pages, sizeof(*pr) * (size_t)(r->npages + 1));
	if (!pr)
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	r->pages = pr;
	pr = &r->pages[r->npages++];
	memset(pr, 0, sizeof(*pr));
	pr->conf = ocr->mean_conf;
	pr->nwords = ocr->nwords;
	folded = cc_fold(ocr->text);
	if (!folded)
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	rc = read_mrz(r, pix, dpi, ocr, pr, err);
	if (rc) {
		free(folded);
		return rc;
	}
	snprintf(pr->type, sizeof(pr->type), "%s",
		 r->o.type ? r->o.type : classify(folded, pr));
	free(folded);
	/* Only the card front carries the QR code the checks use; zbar on a
	 * full A4 page costs more than a tenth of a second. */
	if (!strcmp(pr->type, "id-front")) {
		if (index < r->nqr_early && r->qr_early[index].read) {
			rc = r->qr_early[index].rc;
			memcpy(pr->qr_payload, r->qr_early[index].payload,
			       sizeof(pr->qr_payload));
		} else {
			rc = cc_qr_read(pix, pr->qr_payload,
					sizeof(pr->qr_payload), err);
		}
		if (rc < 0)
			return CC_SYSTEM;
		pr->has_qr = rc;
		if (pr->has_qr) {
			struct cc_error qerr = {0, ""};

			pr->qr_ok = cc_idqr_parse(pr->qr_payload, &pr->qr,
						  &qerr) == CC_OK;
		}
	}
	if (!strcmp(pr->type, "id-front"))
		pr->fields = cc_recognize_id_front(ocr->text);
	else if (!strcmp(pr->type, "passport"))
		pr->fields = cc_recognize_passport(ocr->text);
	else
		pr->fields = json_object();
	if (!pr->fields)
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	return CC_OK;
}

/* ---- checks ---- */

static void check(struct cc_recognizer *r, const char *name, const char *result,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void check(struct cc_recognizer *r, const char *name, const char *result,
		  const char *fmt, ...)
{
	char detail[256];
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(detail, sizeof(detail), fmt, ap) < 0)
		detail[0] = '\0';
	va_end(ap);
	json_array_append_new(r->checks,
			      json_pack("{s:s, s:s, s:s}", "name", name,
					"result", result, "detail", detail));
	if (!strcmp(result, "fail") && !r->failed++)
		snprintf(r->first_failure, sizeof(r->first_failure),
			 "check failed: %s: %s", name, detail);
}

static const char *field(const struct page_result *pr, const char *key)
{
	return pr ? json_string_value(json_object_get(pr->fields, key)) : NULL;
}

/* Compare a printed value with a reference, folded; skipped when the
 * printed text could not be read. */
static void compare(struct cc_recognizer *r, const char *name,
		    const char *printed, const char *ref)
{
	char *a, *b;

	if (!printed || !ref) {
		check(r, name, "skipped", "%s not read",
		      printed ? "reference" : "printed value");
		return;
	}
	a = cc_fold(printed);
	b = cc_fold(ref);
	if (a && b && !strcmp(a, b))
		check(r, name, "pass", "'%s'", printed);
	else
		check(r, name, "fail", "printed '%s', expected '%s'", printed,
		      ref);
	free(a);
	free(b);
}

static void date_str(const struct cc_date *d, char buf[11])
{
	if (d->year)
		cc_date_format(d, buf);
	else
		buf[0] = '\0';
}

/* printed: the page with the printed fields, an ID card's front or the
 * passport's data page itself, or NULL. */
static void mrz_checks(struct cc_recognizer *r, const struct page_result *pr,
		       const struct page_result *printed)
{
	const struct cc_mrz *m = &pr->mrz;
	char name[96], a[11];

	if (!pr->has_mrz || !pr->mrz_ok) {
		check(r, "MRZ", "fail",
		      "no machine-readable zone could be read");
		return;
	}
	for (int i = 0; i < m->nchecks; i++) {
		snprintf(name, sizeof(name), "MRZ check digit: %s",
			 m->checks[i].name);
		if (m->checks[i].ok)
			check(r, name, "pass", "%c", m->checks[i].computed);
		else
			check(r, name, "fail", "reads '%c', computed '%c'",
			      m->checks[i].expected, m->checks[i].computed);
	}
	if (m->malformed)
		check(r, "MRZ format", "fail", "%s is not well-formed",
		      m->malformed);
	if (!printed)
		return;
	date_str(&m->birth, a);
	compare(r, "MRZ vs printed: date of birth",
		field(printed, "date_of_birth"), a[0] ? a : NULL);
	date_str(&m->expiry, a);
	compare(r, "MRZ vs printed: date of expiry",
		field(printed, "date_of_expiry"), a[0] ? a : NULL);
	{
		char full[96];

		snprintf(full, sizeof(full), "%s %s", m->surname,
			 m->given_names);
		compare(r, "MRZ vs printed: name", field(printed, "full_name"),
			full);
	}
	if (field(printed, "id_number") && m->optional1[0])
		compare(r, "MRZ vs printed: citizen number",
			field(printed, "id_number"), m->optional1);
	if (strcmp(printed->type, "passport"))
		return;
	compare(r, "MRZ vs printed: passport number",
		field(printed, "passport_number"), m->number);
	compare(r, "MRZ vs printed: sex", field(printed, "sex"),
		m->sex == 'M'	? "Nam"
		: m->sex == 'F' ? "Nữ"
				: NULL);
}

static void qr_checks(struct cc_recognizer *r, const struct page_result *pr,
		      const struct page_result *back)
{
	const struct cc_idqr *q = &pr->qr;
	char a[11];

	if (!pr->has_qr) {
		check(r, "QR code", "skipped", "no QR code found on the card");
		return;
	}
	if (!pr->qr_ok) {
		check(r, "QR code", "fail",
		      "the QR code is not a citizen ID "
		      "card payload");
		return;
	}
	check(r, "QR code", "pass", "read");
	compare(r, "QR vs printed: citizen number", field(pr, "id_number"),
		q->id);
	compare(r, "QR vs printed: name", field(pr, "full_name"), q->name);
	cc_date_format(&q->birth, a);
	compare(r, "QR vs printed: date of birth", field(pr, "date_of_birth"),
		a);
	compare(r, "QR vs printed: sex", field(pr, "sex"), q->sex);
	if (back && back->mrz_ok) {
		char b[11];

		compare(r, "QR vs MRZ: citizen number", back->mrz.optional1,
			q->id);
		date_str(&back->mrz.birth, b);
		compare(r, "QR vs MRZ: date of birth", b[0] ? b : NULL, a);
	}
}

int cc_recognizer_finish(struct cc_recognizer *r, json_t *report,
			 struct cc_error *err)
{
	const struct page_result *front = NULL, *back = NULL, *printed;
	struct cc_date expiry = {0, 0, 0};
	json_t *doc, *pages, *fields, *problems;
	char today[11], exp[11];

	for (int i = 0; i < r->npages; i++) {
		if (!front && !strcmp(r->pages[i].type, "id-front"))
			front = &r->pages[i];
		if (!back && (!strcmp(r->pages[i].type, "id-back") ||
			      !strcmp(r->pages[i].type, "passport")))
			back = &r->pages[i];
	}
	for (int i = 0; i < r->npages; i++) {
		const struct page_result *pr = &r->pages[i];
		char name[48];

		snprintf(name, sizeof(name), "page %d legible", i + 1);
		if (pr->nwords == 0)
			check(r, name, "fail", "no text recognised");
		else if (pr->conf < CC_MIN_PAGE_CONFIDENCE)
			check(r, name, "fail",
			      "mean word confidence %.0f, at least %.0f needed",
			      pr->conf, CC_MIN_PAGE_CONFIDENCE);
		else
			check(r, name, "pass", "mean word confidence %.0f",
			      pr->conf);
	}
	/* A passport's printed fields are on the page of its MRZ. */
	printed = back && !strcmp(back->type, "passport") ? back : front;
	if (back)
		mrz_checks(r, back, printed);
	if (front)
		qr_checks(r, front, back);
	if (back && back->mrz_ok && back->mrz.expiry.year)
		expiry = back->mrz.expiry;
	else if (printed && field(printed, "date_of_expiry"))
		cc_date_parse(field(printed, "date_of_expiry"), &expiry, NULL);
	cc_date_format(&r->o.today, today);
	if (expiry.year) {
		cc_date_format(&expiry, exp);
		if (cc_date_cmp(&expiry, &r->o.today) >= 0)
			check(r, "not expired", "pass", "valid until %s", exp);
		else
			check(r, "not expired", "fail",
			      "expired on %s (today %s)", exp, today);
	} else if (front || back) {
		check(r, "not expired", "skipped", "no expiry date read");
	}

	doc = json_object();
	pages = json_array();
	fields = json_object();
	problems = json_array();
	if (!doc || !pages || !fields || !problems) {
		json_decref(doc);
		json_decref(pages);
		json_decref(fields);
		json_decref(problems);
		cc_error_set(err, CC_SYSTEM, "out of memory");
		return -1;
	}
	for (int i = 0; i < r->npages; i++) {
		const struct page_result *pr = &r->pages[i];
		json_t *p = json_pack("{s:i, s:s}", "page", i + 1, "type",
				      pr->type);

		json_object_update(fields, pr->fields);
		if (pr->has_qr)
			json_object_set_new(p, "qr",
					    json_string(pr->qr_payload));
		if (pr->has_mrz) {
			json_t *ml = json_array();

			for (int k = 0; k < pr->mrz_n; k++)
				json_array_append_new(
					ml, json_string(pr->mrz_lines[k]));
			json_object_set_new(p, "mrz", ml);
		}
		json_array_append_new(pages, p);
	}
	if (back && back->mrz_ok) {
		char b[11], e[11];

		date_str(&back->mrz.birth, b);
		date_str(&back->mrz.expiry, e);
		json_object_set_new(
			doc, "mrz",
			json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
				  "s:b}",
				  "document_number", back->mrz.number,
				  "optional_data", back->mrz.optional1,
				  "date_of_birth", b, "date_of_expiry", e,
				  "sex", (char[2]){back->mrz.sex, 0},
				  "nationality", back->mrz.nationality,
				  "surname", back->mrz.surname, "given_names",
				  back->mrz.given_names, "valid",
				  back->mrz.valid));
	}
	if (front && front->qr_ok) {
		char b[11], is[11];

		cc_date_format(&front->qr.birth, b);
		cc_date_format(&front->qr.issue, is);
		json_object_set_new(
			doc, "qr",
			json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
				  front->qr.id, "old_id", front->qr.old_id,
				  "name", front->qr.name, "date_of_birth", b,
				  "sex", front->qr.sex, "address",
				  front->qr.address, "date_of_issue", is));
	}
	json_object_set_new(doc, "type",
			    json_string(front && back ? "id-card"
					: r->npages   ? r->pages[0].type
						      : "generic"));
	json_object_set_new(doc, "type_given", json_boolean(r->o.type != NULL));
	json_object_set_new(doc, "pages", pages);
	json_object_set_new(doc, "fields", fields);
	json_object_set_new(report, "document", doc);
	json_object_set(report, "checks", r->checks);
	{
		size_t i;
		json_t *c;

		json_array_foreach(r->checks, i, c) if (
			!strcmp(json_string_value(json_object_get(c, "result")),
				"fail"))
			json_array_append_new(
				problems,
				json_sprintf("%s: %s",
					     json_string_value(json_object_get(
						     c, "name")),
					     json_string_value(json_object_get(
						     c, "detail"))));
	}
	json_object_set_new(report, "problems", problems);
	json_object_set_new(report, "valid", json_boolean(!r->failed));
	json_object_set_new(report, "today", json_string(today));
	if (r->failed) {
		cc_error_set(err, CC_NO, "%s", r->first_failure);
		return 0;
	}
	return 1;
}
