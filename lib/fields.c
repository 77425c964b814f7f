/*
 * fields.c - the printed fields of identity documents in OCR text: found by
 * their bilingual labels, in the reading order Tesseract gives.
 */
#include "fields.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uninorm.h>
#include <unistr.h>

#include "date.h"
#include "ocr.h"

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

/* ---- text helpers ---- */

/* Does folded text contain any of the NULL-terminated keys? */
int cc_text_has_any(const char *folded, const char *const *keys)
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

/* The lines of text (in a copy) and their folded forms; -1 on no memory.
 * A folded line may be NULL when memory ran out for it alone. */
#define MAX_LINES 400

static int load_lines(const char *text, char **copy, char **lines,
		      char **folded, int *n)
{
	*copy = strdup(text);
	if (!*copy)
		return -1;
	*n = split_lines(*copy, lines, MAX_LINES);
	for (int i = 0; i < *n; i++)
		folded[i] = cc_fold(lines[i]);
	return 0;
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
	char *nfc;

	/* No value starts with punctuation: a leading '|', '\\' or '_' is
	 * the edge of the photo beside the line, read as a character. */
	while (*value == ' ' || ispunct((unsigned char)*value))
		value++;
	nfc = cc_utf8_nfc(value);

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

/* The sex on a card front from its folded value: Nam or Nữ, the only two.
 * The ữ, with its hook and tilde, is what OCR mangles ("NC", "NCP", "NO");
 * the a of Nam it reads. So a word of two or three letters, N and then not
 * A, is Nữ. The QR code and the MRZ are checked against it. */
static const char *card_sex(const char *v)
{
	size_t word = strcspn(v, " ");

	if (!strncmp(v, "NAM", 3))
		return "Nam";
	if (v[0] == 'N' && v[1] != 'A' && word >= 2 && word <= 3)
		return "Nữ";
	return NULL;
}

/* The printed fields of a citizen ID card front, found by their bilingual
 * labels. OCR keeps the reading order of the card's two columns, which is
 * all this needs. */
json_t *cc_recognize_id_front(const char *text)
{
	char *copy, *lines[MAX_LINES], *folded[MAX_LINES];
	json_t *f = json_object();
	int n;
	struct cc_date d, dob = {0, 0, 0};

	if (!f || load_lines(text, &copy, lines, folded, &n)) {
		json_decref(f);
		return NULL;
	}
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
			if (s && (s = card_sex(s + 1 + strspn(s + 1, " "))))
				set_field(f, "sex", s);
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

/* ---- a passport's data page ---- */

/* Its labels, in the order of the page, each by its English half (OCR
 * reads it best, having no marks) or its Vietnamese half, folded. */
enum {
	PP_TYPE,
	PP_CODE,
	PP_NUMBER,
	PP_SURNAME,
	PP_GIVEN,
	PP_NATIONALITY,
	PP_BIRTH,
	PP_BIRTHPLACE,
	PP_SEX,
	PP_ID,
	PP_ISSUE,
	PP_EXPIRY,
	PP_ISSUEPLACE,
	PP_NLABELS
};

static const char *const pp_keys[PP_NLABELS][3] = {
	[PP_TYPE] = {"TYPE", NULL},
	[PP_CODE] = {"CODE", "MA SO QUOC GIA", NULL},
	[PP_NUMBER] = {"PASSPORT NO", "SO HO CHIEU", NULL},
	[PP_SURNAME] = {"SURNAME", NULL},
	[PP_GIVEN] = {"GIVEN NAME", "CHU DEM VA TEN", NULL},
	[PP_NATIONALITY] = {"NATIONALITY", "QUOC TICH", NULL},
	[PP_BIRTH] = {"DATE OF BIRTH", "NGAY SINH", NULL},
	[PP_BIRTHPLACE] = {"PLACE OF BIRTH", "NOI SINH", NULL},
	[PP_SEX] = {"SEX", "GIOI TINH", NULL},
	[PP_ID] = {"ID CARD", "GCMND", NULL},
	[PP_ISSUE] = {"DATE OF ISSUE", "NGAY CAP", NULL},
	[PP_EXPIRY] = {"DATE OF EXPIRY", "CO GIA TRI DEN", NULL},
	[PP_ISSUEPLACE] = {"PLACE OF ISSUE", "NOI CAP", NULL},
};

static int is_date_label(int l)
{
	return l == PP_BIRTH || l == PP_ISSUE || l == PP_EXPIRY;
}

/* Where label l is in a folded line (its first half found), or -1. */
static int label_at(const char *folded, int l)
{
	int at = -1;

	for (int k = 0; folded && pp_keys[l][k]; k++) {
		const char *p = strstr(folded, pp_keys[l][k]);

		if (p && (at < 0 || p - folded < at))
			at = (int)(p - folded);
	}
	return at;
}

static int has_label(const char *folded)
{
	for (int l = 0; l < PP_NLABELS; l++)
		if (label_at(folded, l) >= 0)
			return 1;
	return 0;
}

/* Is line j a value: not a label line, not a line of the MRZ? */
static int is_value(char **lines, char **folded, int j)
{
	return folded[j] && !has_label(folded[j]) && !strchr(lines[j], '<');
}

/* The line of values under the labels on line i, or -1. Printed labels sit
 * above their values; one line may hold the labels of two columns. */
static int value_line(char **lines, char **folded, int n, int i)
{
	for (int j = i + 1; j < n && j <= i + 2; j++)
		if (is_value(lines, folded, j))
			return j;
	return -1;
}

/* After the colon of a "label: value" line, unless OCR made a colon of a
 * mark inside the label ("Nơi: sinh / Place of birth"). */
static const char *value_after_colon(const char *line)
{
	const char *v = after_colon(line);
	char *f = v ? cc_fold(v) : NULL;
	int ok = f && !has_label(f);

	free(f);
	return ok ? v : NULL;
}

/* The k-th date (from 0) in s, or 0. */
static int nth_date(const char *s, int k, struct cc_date *d)
{
	for (; s && (s = find_date(s, d)); k--)
		if (!k)
			return 1;
	return 0;
}

/* The k-th of exactly n dates in s, or 0. */
static int kth_of_dates(const char *s, int k, int n, struct cc_date *d)
{
	struct cc_date t;

	return nth_date(s, n - 1, &t) && !nth_date(s, n, &t) &&
	       nth_date(s, k, d);
}

/*
 * A date whose label l is on line i, as the k-th of the date labels there
 * (the dates of two columns share a line): on that line ("label: date"),
 * else on the line of values, which must hold as many dates as the line has
 * date labels, or which date is which would be a guess.
 */
static int pp_date(char **lines, char **folded, int n, int i, int l,
		   struct cc_date *d)
{
	int pos = label_at(folded[i], l), k = 0, ndates = 0, v;

	for (int o = 0; o < PP_NLABELS; o++) {
		int at = is_date_label(o) ? label_at(folded[i], o) : -1;

		ndates += at >= 0;
		k += at >= 0 && at < pos;
	}
	if (kth_of_dates(lines[i], k, ndates, d))
		return 1;
	v = value_line(lines, folded, n, i);
	return v >= 0 && kth_of_dates(lines[v], k, ndates, d);
}

/*
 * A value in words (a name, a place) whose label l is on line i: after the
 * colon on that line, else its line of values after the dates of any date
 * labels before it. Not when another kind of label shares the line before
 * or after it: nothing tells where the two values part.
 */
static const char *pp_text(char **lines, char **folded, int n, int i, int l)
{
	int pos = label_at(folded[i], l), dates = 0, v;
	const char *s;
	struct cc_date d;

	for (int o = 0; o < PP_NLABELS; o++) {
		int at = o == l ? -1 : label_at(folded[i], o);

		if (at > pos || (at >= 0 && !is_date_label(o)))
			return NULL;
		dates += at >= 0;
	}
	if (!dates && (s = value_after_colon(lines[i])))
		return s;
	v = value_line(lines, folded, n, i);
	if (v < 0)
		return NULL;
	s = lines[v];
	for (; dates > 0; dates--) {
		s = find_date(s, &d);
		if (!s)
			return NULL;
	}
	while (*s == ' ')
		s++;
	return *s ? s : NULL;
}

/* A passport number as Vietnam prints it, a letter and 7 digits, or any
 * ICAO document number of 6 to 9 letters and digits, mostly digits. */
static int passport_number(const char *s, char out[10])
{
	for (const char *p = s; *p; p++) {
		size_t k = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
		size_t digits = 0;

		if (p > s && isalnum((unsigned char)p[-1]))
			continue;
		for (size_t j = 0; j < k; j++)
			digits += isdigit((unsigned char)p[j]) != 0;
		if (k >= 6 && k <= 9 && digits >= 6 &&
		    !isalnum((unsigned char)p[k])) {
			memcpy(out, p, k);
			out[k] = '\0';
			return 1;
		}
		if (k)
			p += k - 1;
	}
	return 0;
}

/* 12 digits on their own: the citizen number. */
static int citizen_number(const char *s, char out[13])
{
	for (const char *p = s; *p; p++) {
		size_t k = strspn(p, "0123456789");

		if (k == 12 && (p == s || !isdigit((unsigned char)p[-1]))) {
			memcpy(out, p, 12);
			out[12] = '\0';
			return 1;
		}
		if (k)
			p += k - 1;
	}
	return 0;
}

/* "Nam" or "Nữ" from a folded value ("NAM / M"): the ICAO letter if there
 * is one, else the first word that says, or the last when the sex is not
 * the first column ("VIET NAM NU": NAM ends the nationality). */
static const char *sex_of(const char *folded, int last)
{
	const char *found = NULL;
	char buf[128];
	char *save = NULL;

	snprintf(buf, sizeof(buf), "%s", folded);
	for (char *w = strtok_r(buf, " /:.,", &save); w;
	     w = strtok_r(NULL, " /:.,", &save)) {
		if (!strcmp(w, "M") || !strcmp(w, "MALE"))
			return "Nam";
		if (!strcmp(w, "F") || !strcmp(w, "FEMALE"))
			return "Nữ";
		if ((!found || last) && !strcmp(w, "NAM"))
			found = "Nam";
		else if ((!found || last) && !strcmp(w, "NU"))
			found = "Nữ";
	}
	return found;
}

/* The printed fields of a passport's data page, found by their bilingual
 * labels, the values under them (or after a colon). */
json_t *cc_recognize_passport(const char *text)
{
	static const struct {
		int label;
		const char *key;
	} texts[] = {{PP_SURNAME, "surname"},
		     {PP_GIVEN, "given_names"},
		     {PP_NATIONALITY, "nationality"},
		     {PP_BIRTHPLACE, "place_of_birth"},
		     {PP_ISSUEPLACE, "place_of_issue"}},
	  dates[] = {{PP_BIRTH, "date_of_birth"},
		     {PP_ISSUE, "date_of_issue"},
		     {PP_EXPIRY, "date_of_expiry"}};
	char *copy, *lines[MAX_LINES], *folded[MAX_LINES];
	json_t *f = json_object();
	const char *surname, *given, *v;
	struct cc_date d;
	char num[13];
	int n;

	if (!f || load_lines(text, &copy, lines, folded, &n)) {
		json_decref(f);
		return NULL;
	}
	for (int i = 0; i < n; i++) {
		int j, at;

		if (!folded[i] || !has_label(folded[i]))
			continue;
		j = value_line(lines, folded, n, i);
		for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++)
			if (label_at(folded[i], texts[k].label) >= 0 &&
			    (v = pp_text(lines, folded, n, i, texts[k].label)))
				set_field(f, texts[k].key, v);
		for (size_t k = 0; k < sizeof(dates) / sizeof(dates[0]); k++)
			if (label_at(folded[i], dates[k].label) >= 0 &&
			    pp_date(lines, folded, n, i, dates[k].label, &d))
				set_date(f, dates[k].key, &d);
		/* Numbers and sex have a form of their own: found on the
		 * label's line or its line of values, whatever the columns. */
		if (label_at(folded[i], PP_NUMBER) >= 0 &&
		    (passport_number(lines[i], num) ||
		     (j >= 0 && passport_number(lines[j], num))))
			set_field(f, "passport_number", num);
		if (label_at(folded[i], PP_ID) >= 0 &&
		    (citizen_number(lines[i], num) ||
		     (j >= 0 && citizen_number(lines[j], num))))
			set_field(f, "id_number", num);
		if ((at = label_at(folded[i], PP_SEX)) >= 0) {
			const char *sx = sex_of(folded[i] + at, 0);
			int first = 1;

			for (int o = 0; o < PP_NLABELS; o++) {
				int oat = label_at(folded[i], o);

				first &= oat < 0 || oat >= at;
			}
			if (!sx && j >= 0)
				sx = sex_of(folded[j], !first);
			if (sx)
				set_field(f, "sex", sx);
		}
	}
	surname = json_string_value(json_object_get(f, "surname"));
	given = json_string_value(json_object_get(f, "given_names"));
	if (surname && given) {
		char full[256];

		if (snprintf(full, sizeof(full), "%s %s", surname, given) <
		    (int)sizeof(full))
			set_field(f, "full_name", full);
	}
	for (int i = 0; i < n; i++)
		free(folded[i]);
	free(copy);
	return f;
}
