/*
 * fuzz-mrz - MRZs in arbitrary OCR text: cc_mrz_find on the whole text,
 * cc_mrz_repair (which must be idempotent) and cc_mrz_parse on what it
 * finds, and on the first lines of the text taken as TD1 and TD3, repaired
 * and not.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mrz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct cc_date today = {2025, 6, 15};

static void parse(const char *const *lines, int n)
{
	struct cc_mrz m;
	struct cc_error err;
	int all_ok = 1;

	if (cc_mrz_parse(lines, n, &today, &m, &err) != CC_OK) {
		if (err.code != CC_INPUT)
			abort();
		return;
	}
	if (m.type != (n == 3 ? CC_MRZ_TD1 : CC_MRZ_TD3) ||
	    m.nchecks != (n == 3 ? 4 : 5))
		abort();
	for (int i = 0; i < m.nchecks; i++) {
		if (m.checks[i].computed < '0' || m.checks[i].computed > '9')
			abort();
		all_ok &= m.checks[i].ok;
	}
	if (m.valid != (all_ok && !m.malformed))
		abort();
	if (m.birth.year &&
	    (!cc_date_valid(&m.birth) || cc_date_cmp(&m.birth, &today) > 0))
		abort();
	if (m.expiry.year && !cc_date_valid(&m.expiry))
		abort();
	if (strlen(m.number) >= sizeof(m.number) ||
	    strlen(m.surname) >= sizeof(m.surname) ||
	    strlen(m.given_names) >= sizeof(m.given_names))
		abort();
}

static void repair(char *line, int type, int lineno)
{
	if (cc_mrz_repair(line, type, lineno) < 0 ||
	    cc_mrz_repair(line, type, lineno) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *copy[3] = {NULL, NULL, NULL}, found[3][45];
	const char *lines[3];
	int n = 0;
	const char *p;

	if (size > 65536)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	if (cc_mrz_find(text, found, &n)) {
		int type = n == 3 ? CC_MRZ_TD1 : CC_MRZ_TD3;

		if (n != 2 && n != 3)
			abort();
		for (int i = 0; i < n; i++) {
			if (strlen(found[i]) < 28 || strlen(found[i]) > 44)
				abort();
			repair(found[i], type, i + 1);
			lines[i] = found[i];
		}
		parse(lines, n);
	} else if (n != 0) {
		abort();
	}

	/* The first three lines, as they are and repaired. */
	p = text;
	n = 0;
	while (n < 3) {
		size_t len = strcspn(p, "\n");

		copy[n] = malloc((len > 45 ? len : 45) + 1);
		if (!copy[n])
			goto out;
		memcpy(copy[n], p, len);
		copy[n][len] = '\0';
		lines[n] = copy[n];
		n++;
		if (!p[len])
			break;
		p += len + 1;
	}
	if (n >= 2)
		parse(lines, 2);
	if (n == 3) {
		parse(lines, 3);
		for (int i = 0; i < 3; i++)
			repair(copy[i], CC_MRZ_TD1, i + 1);
		parse(lines, 3);
	} else if (n == 2) {
		for (int i = 0; i < 2; i++)
			repair(copy[i], CC_MRZ_TD3, i + 1);
		parse(lines, 2);
	}
out:
	for (int i = 0; i < 3; i++)
		free(copy[i]);
	free(text);
	return 0;
}
