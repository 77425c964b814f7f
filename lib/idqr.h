/*
 * idqr.h - the payload of the QR code on the Vietnamese chip citizen ID
 * card (căn cước công dân):
 *
 *	id|old id|name|ddmmyyyy|sex|address|ddmmyyyy
 *
 * the 12-digit citizen number, the old 9-digit ID number (or nothing), the
 * full name in UTF-8 with its diacritics, the date of birth, "Nam" or "Nữ",
 * the place of residence and the date of issue. Parsed tolerantly (a UTF-8
 * BOM, white space around the payload and its fields, and extra trailing
 * fields are accepted), but never truncated: a field too long for its
 * buffer is an error.
 */
#ifndef CC_IDQR_H
#define CC_IDQR_H

#include "date.h"
#include "error.h"

#define CC_IDQR_FIELDS 7

struct cc_idqr {
	char id[13];	 /* 12 digits */
	char old_id[16]; /* digits, or "" */
	char name[128];	 /* UTF-8, as in the payload */
	struct cc_date birth, issue;
	char sex[8];	   /* "Nam", "Nữ", as in the payload */
	char address[512]; /* place of residence */
	int extra_fields;  /* fields after the seventh, ignored */
};

/* CC_OK, or CC_INPUT when the payload is not valid UTF-8, has fewer than 7
 * fields (the message names the missing ones), a field holds a control
 * character or does not fit, the id is not 12 digits, the old id not
 * digits, the name is empty, or a date is not a real ddmmyyyy date; q is
 * then all zero. */
int cc_idqr_parse(const char *payload, struct cc_idqr *q, struct cc_error *err);

/* The MRZ sex code of the payload's sex: 'M' for "Nam", 'F' for "Nữ" (NFC)
 * or the ASCII fallback "Nu", ignoring case; '<' for anything else. */
int cc_idqr_sex_code(const char *sex);

#endif
