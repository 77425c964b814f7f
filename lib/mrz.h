/*
 * mrz.h - ICAO Doc 9303 machine-readable zones: TD1 (3 lines of 30, ID cards,
 * among them Vietnam's chip citizen ID card) and TD3 (2 lines of 44,
 * passports). Finding the zone in OCR text, repairing the usual OCR
 * confusions by position, parsing the fields and checking every check
 * digit. Parsing reports failed check digits instead of refusing the zone:
 * the caller decides what an invalid MRZ means.
 */
#ifndef CC_MRZ_H
#define CC_MRZ_H

#include <stddef.h>

#include "date.h"
#include "error.h"

enum cc_mrz_type {
	CC_MRZ_TD1 = 1, /* 3 lines of 30 */
	CC_MRZ_TD3 = 3, /* 2 lines of 44 */
};

#define CC_MRZ_TD1_LEN 30
#define CC_MRZ_TD3_LEN 44
#define CC_MRZ_MAX_CHECKS 5

/* The check digit of n characters of s: 0-9, or -1 when a character is not
 * one of [0-9A-Z<]. Weights 7, 3, 1; '<' counts 0, 'A'-'Z' 10-35. */
int cc_mrz_check_digit(const char *s, size_t n);

/*
 * Repairs one OCR'd line of an MRZ of the given type, lineno counting from 1,
 * in place; returns the number of characters changed, removed or added, or
 * -1 for a bad type or lineno. line must have room for the full line and its
 * NUL (31 bytes for TD1, 45 for TD3). In this order:
 *  1. white space is removed and lowercase letters are made uppercase;
 *  2. a line short of its length by 1 or 2 is padded with '<' at the end
 *     (OCR drops trailing filler); a line long by 1 or 2 loses, for each
 *     character too many, a 'K' between two '<' (a filler read twice);
 *     longer lines are left to the parser;
 *  3. where the format has only digits (dates, check digits, the TD1
 *     composite), letters that look like digits are read as those digits:
 *     O Q D -> 0, I L -> 1, Z -> 2, S -> 5, G -> 6, T -> 7, B -> 8;
 *     where it has only letters (document code, issuing state, sex,
 *     nationality, names), digits are read back as letters:
 *     0 -> O, 1 -> I, 2 -> Z, 5 -> S, 6 -> G, 8 -> B.
 *     Document numbers and optional data may hold both and are left alone;
 *  4. filler read as 'K': in a name field, every K after the first '<' of
 *     the field's trailing run of '<' and 'K' becomes '<' ("ANNA<<<K<KK" ->
 *     "ANNA<<<<<<<", but "MARIK<<<" stays); then anywhere, a K between two
 *     '<' ("<K<") becomes '<'. A second repair changes nothing.
 * A name part that is a lone "K" is therefore lost; names carry no check
 * digit, so the caller should compare them with the printed name.
 */
int cc_mrz_repair(char *line, int type, int lineno);

struct cc_mrz_check {
	/* "document number", "date of birth", "date of expiry", "optional
	 * data" (TD3 only) or "composite" */
	const char *name;
	char expected; /* the check character as read: '0'-'9', or '<' */
	char computed; /* '0'-'9' */
	int ok;
};

struct cc_mrz {
	int type;	  /* CC_MRZ_TD1 or CC_MRZ_TD3 */
	char doc_code[3]; /* "ID", "I<", "P<" */
	char issuer[4];	  /* issuing state, e.g. "VNM", "D<<" */
	/* Trailing '<' removed from these three; a TD1 long number is whole
	 * in number, and optional1 is what follows its check digit. */
	char number[32];
	char optional1[16];   /* TD1 line 1 optional data, TD3 personal no. */
	char optional2[12];   /* TD1 line 2 optional data; "" for TD3 */
	char birth_raw[7];    /* YYMMDD as read */
	struct cc_date birth; /* all zero when birth_raw is not a date */
	char sex;	      /* 'M', 'F', 'X' or '<' when well-formed */
	char expiry_raw[7];
	struct cc_date expiry; /* all zero when expiry_raw is not a date */
	char nationality[4];   /* e.g. "VNM" */
	char surname[40];      /* primary identifier, '<' read as ' ' */
	char given_names[40];  /* secondary identifier, likewise, trimmed */
	struct cc_mrz_check checks[CC_MRZ_MAX_CHECKS];
	int nchecks; /* 4 for TD1, 5 for TD3 */
	/* The first field, in reading order, that is not well-formed:
	 * "document code", "issuing state", "document number", "date of
	 * birth", "sex", "date of expiry", "nationality" or "name"; NULL
	 * when all are. */
	const char *malformed;
	int valid; /* every check ok and no field malformed */
};

/*
 * Parses 3 lines (TD1) or 2 lines (TD3), already repaired by the caller:
 * each exactly 30 or 44 characters of [0-9A-Z<]. today (NULL: the local
 * date) decides the centuries of the dates, see cc_date_from_yymmdd. Returns
 * CC_OK with m filled even when check digits fail or fields are malformed
 * (m->checks, m->malformed and m->valid say so); CC_INPUT only when the lines
 * are not an MRZ at all; CC_USAGE for an invalid today.
 */
int cc_mrz_parse(const char *const *lines, int nlines,
		 const struct cc_date *today, struct cc_mrz *m,
		 struct cc_error *err);

/*
 * Finds an MRZ in OCR text (lines separated by '\n' or '\r'). A line is
 * taken without its white space, a guillemet (U+00AB or U+2039) read as
 * '<', and without the characters other than [0-9A-Z<] (once uppercased) at
 * its start when 30 or more characters are left (a speck read as a mark).
 * A candidate
 * line is one that is then 28 to 46 characters long,
 * at least 90 % of them [0-9A-Z<] once uppercased; blank lines are skipped,
 * any other line ends a run of candidates. The result is the last block of
 * 3 consecutive candidates of 28-32 characters (TD1) or 2 of 42-44 (TD3)
 * holding at least one '<'. Characters beyond the nominal length are dropped
 * when they are all trailing '<' (so a TD3 line of 45 or 46 can qualify).
 * Returns 1 and the lines, white space removed and uppercased, in out, with
 * *nlines 3 or 2; else 0 and *nlines 0. The lines still need
 * cc_mrz_repair.
 */
int cc_mrz_find(const char *text, char out[3][45], int *nlines);

#endif
