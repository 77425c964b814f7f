/*
 * fields.h - printed fields of identity documents read from OCR text (the
 * citizen ID card front, a passport's data page), and the folding of
 * Vietnamese text that comparisons and label searches use.
 */
#ifndef CC_FIELDS_H
#define CC_FIELDS_H

#include <jansson.h>

/* The printed fields of a citizen ID card front in OCR text (a new JSON
 * object, possibly empty; NULL on no memory). */
json_t *cc_recognize_id_front(const char *text);

/* The printed fields of a passport's data page, likewise. */
json_t *cc_recognize_passport(const char *text);

/* Vietnamese text folded for comparison: no diacritics, d for đ,
 * upper case, single spaces. malloc'ed; NULL on no memory. */
char *cc_fold(const char *utf8);

/* Does folded text contain any of the NULL-terminated keys? */
int cc_text_has_any(const char *folded, const char *const *keys);

#endif
