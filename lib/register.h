/*
 * register.h - the certification book (DESIGN.md, "Register"), shared by
 * cc-sign (reserves a number), cc-stamp (issues, voids, revokes) and
 * cc-verify (looks up, checks the audit log). One interface, two backends
 * chosen by URI: SQLite (a path or "sqlite:PATH", WAL mode, the embedded
 * default) and PostgreSQL ("postgresql://..." or "postgres://...", libpq),
 * with the same schema on both, created and migrated by the library.
 *
 * Books. A book is one office's electronic copies of one year under one
 * prefix, labelled "01/<year>-<prefix>" ("01/2026-SCTĐT/BS"). The volume is
 * always "01": a book never rolls over into a second volume within a year
 * (its numbering must run on unbroken through the year), and a new year
 * opens a new book at number 1. Numbers are sequential and gap-free: a
 * number once reserved is never reused and never deleted; a reservation
 * that is not issued becomes void (cc_register_void, or cc_register_void_stale
 * after CC_REGISTER_STALE_DEFAULT).
 *
 * Life cycle of a number: reserved -> issued -> revoked, or reserved -> void.
 *
 * Audit log. Every change (reserve, issue, void, revoke) appends exactly one
 * entry in the same transaction as the change; a transaction that fails
 * leaves nothing. Entry n holds the hash of entry n-1 (64 zeros for entry
 * 1) and its own hash, the lowercase hex SHA-256 of these fields encoded as
 * netstrings (D. J. Bernstein: decimal byte length, ':', the UTF-8 bytes,
 * ','), concatenated in this order:
 *
 *   "certcopy-audit-1", seq, at, action, office, book, number, code, who,
 *   reason, details, copy_hash, prev_hash
 *
 * (seq and number in decimal without leading zeros; at in RFC 3339 UTC
 * "YYYY-MM-DDTHH:MM:SSZ"; code "" when none). copy_hash is the hex SHA-256
 * of the copy's row as it stands after the change, the same encoding over
 *
 *   "certcopy-copy-1", office, book, number, year, status, reserved_at,
 *   code, certifier, seal_cert_sha256, pages, fee, scan_sha256, pdf_sha256,
 *   issued_at, voided_at, voided_by, void_reason, revoked_at, revoked_by,
 *   revoked_reason
 *
 * (an unset value is ""), so that the check sees an edited copy as well as
 * an edited entry. details holds the change's own facts as "key=value"
 * lines in a fixed order (for an issue: certifier, seal_cert_sha256, pages,
 * fee, scan_sha256, pdf_sha256, issued_at; for a reservation: year; for a
 * void or a revocation nothing: its who and reason have fields of their
 * own).
 *
 * Concurrency: SQLite takes the write lock at BEGIN IMMEDIATE (busy timeout
 * 10 s, synchronous=FULL); PostgreSQL takes the row lock of the chain's
 * head (table audit_head) first in every change, so that changes are
 * serialised city-wide without deadlocks; a serialisation failure or a
 * deadlock is retried a few times. Reads take no lock; the audit check
 * reads one snapshot. A handle is one connection, for one thread at a
 * time.
 *
 * Text inputs must be valid UTF-8 without control characters and fit the
 * sizes below; a verification code is read case-insensitively with O read
 * as 0 and I, L as 1, and stored as "XXXX-XXXX-XXXX-XXXX" (its check
 * character is the code module's business, not checked here).
 */
#ifndef CC_REGISTER_H
#define CC_REGISTER_H

#include "error.h"

/* A reservation not issued within this many seconds may be voided. */
#define CC_REGISTER_STALE_DEFAULT (24L * 60 * 60)
/* The schema version this code creates and knows. */
#define CC_REGISTER_SCHEMA 1

struct cc_register;

/*
 * uri: "sqlite:PATH", a plain path, or "postgresql://..."/"postgres://...";
 * NULL or "" means the configured register.uri, else
 * $XDG_DATA_HOME/certcopy/register.db (~/.local/share when unset; missing
 * directories made 0700). Creates or migrates the schema; a schema newer
 * than this code knows is CC_SYSTEM. CC_SYSTEM also when the register
 * cannot be opened or reached (libpq's message, never the password).
 */
struct cc_register *cc_register_open(const char *uri, struct cc_error *err);
void cc_register_close(struct cc_register *r);
/* The register's name for messages: a path, or the URI without password. */
const char *cc_register_name(const struct cc_register *r);

struct cc_reservation {
	long long number;
	char book[64]; /* "01/2026-SCTĐT/BS" */
	int year;
	char office[32];
};

/*
 * Reserve the next number of the book of office (its code, e.g. "DEMO01"),
 * book_prefix ("SCTĐT/BS") and year, for certifier (who reserves), with
 * its 'reserve' audit entry.
 */
int cc_register_reserve(struct cc_register *r, const char *office,
			const char *book_prefix, int year,
			const char *certifier, struct cc_reservation *res,
			struct cc_error *err);

struct cc_issue {
	const char *office;
	const char *book;
	long long number;
	const char *code;	      /* verification code */
	const char *certifier;	      /* NULL: the one who reserved */
	const char *seal_cert_sha256; /* hex SHA-256 of the seal certificate */
	int pages;
	long fee;		 /* VND */
	const char *scan_sha256; /* may be NULL */
	const char *pdf_sha256;	 /* of the final PDF */
	const char *issued_at;	 /* "YYYY-MM-DDTHH:MM:SSZ"; NULL = now */
};

/*
 * Mark a reserved number issued with these facts, with its 'issue' audit
 * entry. CC_NO with the reason for a number that is not in the book, is
 * already issued or is void, and for a code already used.
 */
int cc_register_issue(struct cc_register *r, const struct cc_issue *is,
		      struct cc_error *err);

/* Void a reserved number (never an issued one: revoke that by its code). */
int cc_register_void(struct cc_register *r, const char *office,
		     const char *book, long long number, const char *who,
		     const char *reason, struct cc_error *err);

/*
 * Void every reservation made max_age_s seconds ago or earlier (negative:
 * CC_REGISTER_STALE_DEFAULT); *n gets how many. Cheap when there are none
 * (no write lock is taken), so cc-stamp calls it on every run.
 */
int cc_register_void_stale(struct cc_register *r, long max_age_s,
			   const char *who, int *n, struct cc_error *err);

/* Revoke an issued copy; CC_NO for an unknown code or one already revoked. */
int cc_register_revoke(struct cc_register *r, const char *code, const char *who,
		       const char *reason, struct cc_error *err);

struct cc_copy {
	char code[20]; /* "" while reserved or void */
	char office[32], book[64];
	long long number;
	int year;
	char status[16]; /* reserved, issued, void, revoked */
	char certifier[256];
	char seal_cert_sha256[65];
	int pages;
	long fee;
	char scan_sha256[65], pdf_sha256[65];
	char reserved_at[32], issued_at[32];
	char voided_at[32], voided_by[256], void_reason[512];
	char revoked_at[32], revoked_by[256], revoked_reason[512];
};

/* Look a copy up by its code (malformed: CC_INPUT), or by the SHA-256 of
 * its PDF (hex); CC_NO when there is none. */
int cc_register_find_code(struct cc_register *r, const char *code,
			  struct cc_copy *c, struct cc_error *err);
int cc_register_find_sha256(struct cc_register *r, const char *sha256_hex,
			    struct cc_copy *c, struct cc_error *err);
/* The copy with this number (CC_NO when the book has no such number). */
int cc_register_find_number(struct cc_register *r, const char *office,
			    const char *book, long long number,
			    struct cc_copy *c, struct cc_error *err);

/*
 * Check the register: recompute the audit chain (seq from 1 without gaps,
 * each prev_hash the hash before it, each hash as above, the last equal to
 * the chain's head), then that every copy is as its last audit entry left
 * it, that every entry's copy exists and that every book's numbers run
 * 1..last without a gap. CC_OK with *entries the number of entries; CC_NO
 * with *bad_seq the first entry that does not fit (for the later checks,
 * the last entry of the copy or book at fault; 0 when no entry names it)
 * and the reason in the message. Either pointer may be NULL.
 */
int cc_register_audit(struct cc_register *r, long long *entries,
		      long long *bad_seq, struct cc_error *err);

#endif
