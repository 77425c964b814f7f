/*
 * date.h - calendar dates as printed on Vietnamese documents ("15/03/1990",
 * the ID card QR's "15031990", ISO "1990-03-15") and as written in
 * machine-readable zones (YYMMDD, where the century has to be inferred).
 * Proleptic Gregorian calendar, years 1 to 9999; no time zones, no times.
 */
#ifndef CC_DATE_H
#define CC_DATE_H

#include "error.h"

struct cc_date {
	int year, month, day;
};

/* What an MRZ date is, which decides its century. */
enum cc_date_kind {
	CC_DATE_BIRTH = 1,  /* never after today */
	CC_DATE_EXPIRY = 2, /* within 50 years of today either way */
};

/* 1 if d is a real day (29 February only in leap years), else 0. */
int cc_date_valid(const struct cc_date *d);

/* Accepts, with white space around it ignored: "d/m/yyyy", "d-m-yyyy" and
 * "d.m.yyyy" (day and month of 1 or 2 digits, one kind of separator),
 * "ddmmyyyy" (exactly 8 digits, as in the ID card QR) and ISO "yyyy-mm-dd"
 * (exactly 2-digit month and day). Anything else, or a day that does not
 * exist, is CC_INPUT with the input quoted in the message. */
int cc_date_parse(const char *s, struct cc_date *d, struct cc_error *err);

/* An MRZ date: the first six characters of s6 must be digits YYMMDD (what
 * follows them is not read). kind picks the century: a birth date is the
 * latest that is not after today; an expiry date must lie within [today - 50
 * years, today + 50 years], in 20xx when that is possible, otherwise the
 * later candidate. today NULL means cc_date_today(). CC_INPUT for anything
 * but a real date; CC_USAGE for a bad kind or today. */
int cc_date_from_yymmdd(const char *s6, int kind, const struct cc_date *today,
			struct cc_date *d, struct cc_error *err);

/* <0, 0, >0 as a is before, the same day as, or after b. */
int cc_date_cmp(const struct cc_date *a, const struct cc_date *b);

/* "YYYY-MM-DD"; an invalid date gives "0000-00-00". */
void cc_date_format(const struct cc_date *d, char buf[11]);

/* Today in local time; CC_OK or CC_SYSTEM. */
int cc_date_today(struct cc_date *d);

/* The day a caller's check is made against: *today as given (it must be a
 * valid date: CC_USAGE), or, when NULL, the local date stored in now and
 * *today pointed at it. */
int cc_date_reference(const struct cc_date **today, struct cc_date *now,
		      struct cc_error *err);

#endif
