/*
 * fuzz-vcode - cc_vcode_parse on arbitrary bytes (up to the first NUL).
 * A refusal is CC_INPUT with out empty; an accepted code is canonical
 * (upper case, dashes after every 4 symbols, symbols of the alphabet),
 * parses to itself, in place too, and so does its plain lower-case form.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vcode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void canonical(const char *code)
{
	if (strlen(code) != CC_VCODE_SIZE - 1)
		abort();
	for (int i = 0; i < CC_VCODE_SIZE - 1; i++)
		if (i % 5 == 4
			    ? code[i] != '-'
			    : !code[i] || !strchr(CC_VCODE_ALPHABET, code[i]))
			abort();
}

static void again(const char *in, const char *want)
{
	struct cc_error err;
	char out[CC_VCODE_SIZE];

	if (cc_vcode_parse(in, out, &err) != CC_OK || strcmp(out, want))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cc_error err = {0, ""};
	char *text, out[CC_VCODE_SIZE], self[CC_VCODE_SIZE], plain[17];
	int rc;

	if (size > 65536)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	rc = cc_vcode_parse(text, out, &err);
	if (rc != CC_OK) {
		if (rc != CC_INPUT || err.code != CC_INPUT || out[0] ||
		    !err.msg[0] || strlen(err.msg) >= sizeof(err.msg))
			abort();
		free(text);
		return 0;
	}
	canonical(out);
	again(out, out);
	memcpy(self, out, sizeof(self));
	if (cc_vcode_parse(self, self, &err) != CC_OK || strcmp(self, out))
		abort();
	for (int i = 0, k = 0; i < CC_VCODE_SIZE - 1; i++)
		if (out[i] != '-')
			plain[k++] = (char)(out[i] >= 'A' && out[i] <= 'Z'
						    ? out[i] - 'A' + 'a'
						    : out[i]);
	plain[16] = '\0';
	again(plain, out);
	free(text);
	return 0;
}
