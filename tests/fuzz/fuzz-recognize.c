/* fuzz-recognize - field extraction and folding on arbitrary OCR text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *folded;
	json_t *f;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	folded = cc_fold(text);
	free(folded);
	f = cc_recognize_id_front(text);
	json_decref(f);
	f = cc_recognize_passport(text);
	json_decref(f);
	free(text);
	return 0;
}
