/* recognize.c - classification, fields, QR, MRZ and validity checks. */
#include "recognize.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uninorm.h>
#include <unistr.h>

#include <allheaders.h>
#include <zbar.h>

#include "idqr.h"
#include "mrz.h"

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

struct cc_recognizer {
	struct cc_recognize_opts o;
	char lang[64];
	char *tessdata;
	struct cc_ocr_engine *mrz_engine;
	struct page_result *pages;
	int npages;
	json_t *checks;
	int failed;
	char first_failure[256];
};

char *cc_fold(const char *utf8)
{
	size_t len = 0, n = 0;
	uint8_t *nfd = u8_normalize(UNINORM_NFD, (const uint8_t *)utf8,
				    strlen(utf8), NULL, &len);
	char *out;
	int space = 1;

	if (!nfd)
		return NULL;
	out = malloc(len + 1);
	if (!out) {
		free(nfd);
		return NULL;
	}
	for (size_t i = 0; i < len;) {
		ucs4_t uc;
		int k = u8_mbtoucr(&uc, nfd + i, len - i);

		if (k < 0) {
			i++;
			continue;
		}
		i += (size_t)k;
		if (uc >= 0x300 && uc <= 0x36f)
			continue; /* combining marks: the diacritics */
		if (uc == 0x111 || uc == 0x110)
			uc = 'D';
		if (uc == ' ' || uc == '\t' || uc == '\n' || uc == '\r' ||
		    uc == '<') {
			if (!space)
				out[n++] = ' ';
			space = 1;
			continue;
		}
		if (uc >= 0x80)
			continue;
		out[n++] = (char)toupper((int)uc);
		space = 0;
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	free(nfd);
	return out;
}

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
	cc_ocr_engine_free(r->mrz_engine);
	json_decref(r->checks);
	free(r->tessdata);
	free(r);
}

/* ---- text helpers ---- */

/* Does folded text contain any of the NULL-terminated keys? */
static int has_any(const char *folded, const char *const *keys)
{
	for (; *keys; keys++)
		if (strstr(folded, *keys))
			return 1;
	return 0;
}

/* The first date d/m/yyyy (separators / . -) in s; returns a pointer past
 * it, or NULL. */
static const char *find_date(const char *s, struct cc_date *d)
{
	for (const char *p = s; *p; p++) {
		int v[3] = {0, 0, 0}, nd[3] = {0, 0, 0}, k = 0;
		const char *q = p;

		if (!isdigit((unsigned char)*p) ||
		    (p > s && isdigit((unsigned char)p[-1])))
			continue;
		while (k < 3) {
			while (isdigit((unsigned char)*q) && nd[k] < 4) {
				v[k] = v[k] * 10 + (*q - '0');
				nd[k]++;
				q++;
			}
			if (k < 2 && (*q == '/' || *q == '.' || *q == '-') &&
			    nd[k] >= 1 && nd[k] <= 2) {
				q++;
				k++;
				continue;
			}
			break;
		}
		if (k == 2 && nd[2] == 4 && !isdigit((unsigned char)*q)) {
			struct cc_date t = {v[2], v[1], v[0]};

			if (cc_date_valid(&t)) {
				*d = t;
				return q;
			}
		}
	}
	return NULL;
}

/* Lines of text, split in place; returns the count (at most max). */
static int split_lines(char *text, char **lines, int max)
{
	int n = 0;
	char *save = NULL;

	for (char *l = strtok_r(text, "\n", &save); l && n < max;
	     l = strtok_r(NULL, "\n", &save)) {
		while (*l == ' ')
			l++;
		if (*l)
			lines[n++] = l;
	}
	return n;
}

/* After the label's colon on the same line, or NULL when nothing is there. */
static const char *after_colon(const char *line)
{
	const char *c = strrchr(line, ':');

	if (!c)
		return NULL;
	c++;
	while (*c == ' ')
		c++;
	return *c ? c : NULL;
}

static void set_field(json_t *fields, const char *key, const char *value)
{
	char *nfc = cc_utf8_nfc(value);

	if (nfc) {
		size_t n = strlen(nfc);

		while (n > 0 && (nfc[n - 1] == ' ' || nfc[n - 1] == ','))
			nfc[--n] = '\0';
		if (n)
			json_object_set_new(fields, key, json_string(nfc));
		free(nfc);
	}
}

static void set_date(json_t *fields, const char *key, const struct cc_date *d)
{
	char buf[11];

	cc_date_format(d, buf);
	json_object_set_new(fields, key, json_string(buf));
}

/* The printed fields of a citizen ID card front, found by their bilingual
 * labels. OCR keeps the reading order of the card's two columns, which is
 * all this needs. */
json_t *cc_recognize_id_front(const char *text)
{
	char *copy = strdup(text), *lines[400], *folded[400];
	json_t *f = json_object();
	int n;
	struct cc_date d, dob = {0, 0, 0};

	if (!copy || !f) {
		free(copy);
		json_decref(f);
		return NULL;
	}
	n = split_lines(copy, lines, 400);
	for (int i = 0; i < n; i++)
		folded[i] = cc_fold(lines[i]);
	for (int i = 0; i < n; i++) {
		const char *v;

		if (!folded[i])
			continue;
		/* The 12-digit citizen number, wherever it is. */
		for (const char *p = lines[i]; *p; p++) {
			size_t k = strspn(p, "0123456789");

			if (k == 12 && !json_object_get(f, "id_number")) {
				char num[13];

				memcpy(num, p, 12);
				num[12] = '\0';
				set_field(f, "id_number", num);
			}
			if (k)
				p += k - 1;
		}
		if (strstr(folded[i], "FULL NAME")) {
			v = after_colon(lines[i]);
			if (!v && i + 1 < n)
				v = lines[i + 1];
			if (v)
				set_field(f, "full_name", v);
		}
		if (strstr(folded[i], "DATE OF BIRTH") &&
		    find_date(lines[i], &d)) {
			dob = d;
			set_date(f, "date_of_birth", &d);
		}
		if (strstr(folded[i], "SEX")) {
			const char *s = strstr(folded[i], "SEX");

			s = strchr(s, ':');
			if (s) {
				while (*++s == ' ')
					;
				if (!strncmp(s, "NAM", 3))
					set_field(f, "sex", "Nam");
				else if (!strncmp(s, "NU", 2))
					set_field(f, "sex", "Nữ");
			}
		}
		if (strstr(folded[i], "NATIONALITY") &&
		    (v = after_colon(lines[i])))
			set_field(f, "nationality", v);
		if (strstr(folded[i], "PLACE OF ORIGIN")) {
			v = after_colon(lines[i]);
			if (!v && i + 1 < n)
				v = lines[i + 1];
			if (v)
				set_field(f, "place_of_origin", v);
		}
		if (strstr(folded[i], "PLACE OF RESIDENCE")) {
			char buf[512];
			const char *rest = NULL;

			v = after_colon(lines[i]);
			/* The expiry date of the left column may share the
			 * continuation line: skip it. */
			for (int j = i + 1; j < n && j <= i + 3; j++) {
				if (folded[j] && strstr(folded[j], "EXPIRY"))
					continue;
				rest = find_date(lines[j], &d)
					       ? find_date(lines[j], &d)
					       : lines[j];
				while (*rest == ' ')
					rest++;
				break;
			}
			if (snprintf(buf, sizeof(buf), "%s%s%s", v ? v : "",
				     v && rest ? " " : "",
				     rest ? rest : "") < (int)sizeof(buf))
				set_field(f, "place_of_residence", buf);
		}
		if (strstr(folded[i], "EXPIRY")) {
			for (int j = i; j < n && j <= i + 3; j++) {
				if (find_date(lines[j], &d) &&
				    cc_date_cmp(&d, &dob) != 0) {
					set_date(f, "date_of_expiry", &d);
					break;
				}
			}
		}
	}
	for (int i = 0; i < n; i++)
		free(folded[i]);
	free(copy);
	return f;
}

/* ---- QR codes, with zbar ---- */

static void read_qr(PIX *pix, struct page_result *pr)
{
	PIX *g = pixGetDepth(pix) == 32 ? pixConvertRGBToLuminance(pix)
					: pixConvertTo8(pix, 0);
	zbar_image_scanner_t *sc = NULL;
	zbar_image_t *zi = NULL;
	unsigned char *buf = NULL;
	int w, h;

	if (!g)
		return;
	w = pixGetWidth(g);
	h = pixGetHeight(g);
	buf = malloc((size_t)w * h);
	sc = zbar_image_scanner_create();
	zi = zbar_image_create();
	if (!buf || !sc || !zi)
		goto out;
	for (int y = 0; y < h; y++) {
		l_uint32 *line = pixGetData(g) + (size_t)y * pixGetWpl(g);

		for (int x = 0; x < w; x++)
			buf[(size_t)y * w + x] =
				(unsigned char)GET_DATA_BYTE(line, x);
	}
	zbar_image_scanner_set_config(sc, 0, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	zbar_image_set_format(zi, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(zi, (unsigned)w, (unsigned)h);
	zbar_image_set_data(zi, buf, (unsigned long)w * h, NULL);
	if (zbar_scan_image(sc, zi) > 0) {
		const zbar_symbol_t *sym = zbar_image_first_symbol(zi);

		for (; sym; sym = zbar_symbol_next(sym)) {
			const char *data = zbar_symbol_get_data(sym);
			unsigned len = zbar_symbol_get_data_length(sym);

			if (zbar_symbol_get_type(sym) != ZBAR_QRCODE ||
			    len >= sizeof(pr->qr_payload))
				continue;
			memcpy(pr->qr_payload, data, len);
			pr->qr_payload[len] = '\0';
			pr->has_qr = 1;
			break;
		}
	}
out:
	if (zi)
		zbar_image_destroy(zi);
	if (sc)
		zbar_image_scanner_destroy(sc);
	free(buf);
	pixDestroy(&g);
}

/* ---- MRZ, with a whitelisted Tesseract pass over its area ---- */

/* A word of the zone as the general pass read it. Counted in characters,
 * not bytes, and 90 % suffice, as in cc_mrz_find: that pass with Vietnamese
 * data reads an OCR-B 'C' as a euro sign or a '6' as an 'o' with a mark,
 * and a line missed here would be cut out of the zone read again below. */
static int mrz_like(const char *w)
{
	size_t n = 0, ok = 0;

	for (const unsigned char *p = (const unsigned char *)w; *p; p++) {
		if ((*p & 0xc0) == 0x80)
			continue; /* UTF-8 continuation byte */
		n++;
		ok += isupper(*p) || isdigit(*p) || *p == '<';
	}
	return n >= 8 && ok * 10 >= n * 9 && strchr(w, '<');
}

static int read_mrz(struct cc_recognizer *r, PIX *pix, int dpi,
		    const struct cc_ocr_page *ocr, struct page_result *pr,
		    struct cc_error *err)
{
	int x0 = pixGetWidth(pix), y0 = pixGetHeight(pix), x1 = 0, y1 = 0;
	int found = 0, pad, rc;
	char *text = NULL;
	const char *lines[3];

	for (size_t i = 0; i < ocr->nwords; i++) {
		const struct cc_ocr_word *w = &ocr->words[i];

		if (!mrz_like(w->text))
			continue;
		found = 1;
		x0 = w->x0 < x0 ? w->x0 : x0;
		y0 = w->y0 < y0 ? w->y0 : y0;
		x1 = w->x1 > x1 ? w->x1 : x1;
		y1 = w->y1 > y1 ? w->y1 : y1;
	}
	if (!found)
		return CC_OK;
	pad = (y1 - y0) / 2 + 10;
	x0 = x0 - pad < 0 ? 0 : x0 - pad;
	y0 = y0 - pad < 0 ? 0 : y0 - pad;
	x1 = x1 + pad > pixGetWidth(pix) ? pixGetWidth(pix) : x1 + pad;
	y1 = y1 + pad > pixGetHeight(pix) ? pixGetHeight(pix) : y1 + pad;
	if (!r->mrz_engine) {
		/* The MRZ is Latin capitals and digits: English data alone
		 * reads it better than any mix with Vietnamese. */
		r->mrz_engine = cc_ocr_engine_new("eng", r->tessdata, err);
		if (!r->mrz_engine)
			return err->code;
	}
	/* The zone alone, in gray, at twice the resolution when the print is
	 * card-sized: OCR-B at 10 characters an inch is small at 300 dpi. */
	{
		BOX *box = boxCreate(x0, y0, x1 - x0, y1 - y0);
		PIX *clip = box ? pixClipRectangle(pix, box, NULL) : NULL;
		PIX *g = clip ? pixConvertTo8(clip, 0) : NULL;
		PIX *z = NULL;
		int zdpi = dpi;

		if (g && dpi <= 400) {
			z = pixScaleGrayLI(g, 2.0f, 2.0f);
			zdpi = 2 * dpi;
		} else if (g) {
			z = pixClone(g);
		}
		boxDestroy(&box);
		pixDestroy(&clip);
		pixDestroy(&g);
		if (!z)
			return cc_error_set(err, CC_SYSTEM, "out of memory");
		rc = cc_ocr_mrz(r->mrz_engine, z, zdpi, 0, 0, 0, 0, &text, err);
		pixDestroy(&z);
	}
	if (rc)
		return rc;
	fprintf(stderr, "DEBUG box %d %d %d %d text [%s]\n", x0, y0, x1, y1, text);
	pr->has_mrz = cc_mrz_find(text, pr->mrz_lines, &pr->mrz_n);
	free(text);
	if (!pr->has_mrz)
		return CC_OK;
	for (int i = 0; i < pr->mrz_n; i++) {
		cc_mrz_repair(pr->mrz_lines[i],
			      pr->mrz_n == 3 ? CC_MRZ_TD1 : CC_MRZ_TD3, i + 1);
		lines[i] = pr->mrz_lines[i];
	}
	{
		struct cc_error perr = {0, ""};

		pr->mrz_ok = cc_mrz_parse(lines, pr->mrz_n, &r->o.today,
					  &pr->mrz, &perr) == CC_OK;
	}
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
	if (pr->mrz_ok || has_any(folded, back))
		return "id-back";
	if (has_any(folded, front))
		return "id-front";
	if (has_any(folded, passport))
		return "passport";
	if (has_any(folded, birth))
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
		read_qr(pix, pr);
		if (pr->has_qr) {
			struct cc_error qerr = {0, ""};

			pr->qr_ok = cc_idqr_parse(pr->qr_payload, &pr->qr,
						  &qerr) == CC_OK;
		}
	}
	if (!strcmp(pr->type, "id-front"))
		pr->fields = cc_recognize_id_front(ocr->text);
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

static void mrz_checks(struct cc_recognizer *r, const struct page_result *pr,
		       const struct page_result *front)
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
	if (!front)
		return;
	date_str(&m->birth, a);
	compare(r, "MRZ vs printed: date of birth",
		field(front, "date_of_birth"), a[0] ? a : NULL);
	date_str(&m->expiry, a);
	compare(r, "MRZ vs printed: date of expiry",
		field(front, "date_of_expiry"), a[0] ? a : NULL);
	{
		char full[96];

		snprintf(full, sizeof(full), "%s %s", m->surname,
			 m->given_names);
		compare(r, "MRZ vs printed: name", field(front, "full_name"),
			full);
	}
	if (field(front, "id_number") && m->optional1[0])
		compare(r, "MRZ vs printed: citizen number",
			field(front, "id_number"), m->optional1);
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
	const struct page_result *front = NULL, *back = NULL;
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
	if (back)
		mrz_checks(r, back, front);
	if (front)
		qr_checks(r, front, back);
	if (back && back->mrz_ok && back->mrz.expiry.year)
		expiry = back->mrz.expiry;
	else if (front && field(front, "date_of_expiry"))
		cc_date_parse(field(front, "date_of_expiry"), &expiry, NULL);
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
