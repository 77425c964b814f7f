/*
 * fuzz-idqr - the ID card QR payload parser on arbitrary bytes (up to the
 * first NUL, as a QR reader hands it over). What is accepted must hold
 * what struct cc_idqr promises.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "idqr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cc_idqr q;
	struct cc_error err;
	char *s;
	int sex;

	if (size > 16384)
		return 0;
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (cc_idqr_parse(s, &q, &err) == CC_OK) {
		if (strlen(q.id) != 12 || strspn(q.id, "0123456789") != 12 ||
		    strspn(q.old_id, "0123456789") != strlen(q.old_id) ||
		    !q.name[0] || !cc_date_valid(&q.birth) ||
		    !cc_date_valid(&q.issue) || q.extra_fields < 0)
			abort();
		sex = cc_idqr_sex_code(q.sex);
		if (sex != 'M' && sex != 'F' && sex != '<')
			abort();
	} else if (err.code != CC_INPUT ||
		   !memchr(err.msg, '\0', sizeof(err.msg))) {
		abort();
	}
	free(s);
	return 0;
}
