/*
 * register.c - the certification book, backend-neutral: the URI and the
 * default place, the schema and its migrations, input checks, the
 * transactions of each change with their audit entry, look-ups and the
 * audit check. The SQL here is the same on SQLite and PostgreSQL; the
 * backends (register_sqlite.c, register_pg.c) only run it.
 */
#include "register.h"

#include <errno.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "digest.h"
#include "register_impl.h"

#define ZERO_HASH                                                              \
	"0000000000000000000000000000000000000000000000000000000000000000"
#define MAX_ATTEMPTS 8
#define PAGE 1000 /* rows read at a time by the audit check */

/* The copy's columns, in the order of its canonical encoding. */
#define COPY_COLS_OF(t)                                                        \
	t "office, " t "book, " t "number, " t "year, " t "status, " t         \
	  "reserved_at, " t "code, " t "certifier, " t "seal_cert_sha256, " t  \
	  "pages, " t "fee, " t "scan_sha256, " t "pdf_sha256, " t             \
	  "issued_at, " t "voided_at, " t "voided_by, " t "void_reason, " t    \
	  "revoked_at, " t "revoked_by, " t "revoked_reason"
#define COPY_COLS COPY_COLS_OF("")
#define NCOPY_COLS 20

#define EXEC(r, sql, rows, err, ...)                                           \
	(r)->ops->exec((r), (sql), (const struct cc_reg_param[]){__VA_ARGS__}, \
		       sizeof((const struct cc_reg_param[]){__VA_ARGS__}) /    \
			       sizeof(struct cc_reg_param),                    \
		       (rows), (err))
#define EXEC0(r, sql, rows, err)                                               \
	(r)->ops->exec((r), (sql), NULL, 0, (rows), (err))

/* ---- the schema ---- */

static const char *const migration_1[] = {
	"CREATE TABLE books ("
	"office TEXT NOT NULL, "
	"book TEXT NOT NULL, "
	"year INTEGER NOT NULL, "
	"last_number BIGINT NOT NULL, "
	"created_at TEXT NOT NULL, "
	"PRIMARY KEY (office, book))",

	"CREATE TABLE copies ("
	"office TEXT NOT NULL, "
	"book TEXT NOT NULL, "
	"number BIGINT NOT NULL, "
	"year INTEGER NOT NULL, "
	"status TEXT NOT NULL, "
	"reserved_at TEXT NOT NULL, "
	"code TEXT, "
	"certifier TEXT NOT NULL, "
	"seal_cert_sha256 TEXT NOT NULL DEFAULT '', "
	"pages INTEGER, "
	"fee BIGINT, "
	"scan_sha256 TEXT NOT NULL DEFAULT '', "
	"pdf_sha256 TEXT NOT NULL DEFAULT '', "
	"issued_at TEXT NOT NULL DEFAULT '', "
	"voided_at TEXT NOT NULL DEFAULT '', "
	"voided_by TEXT NOT NULL DEFAULT '', "
	"void_reason TEXT NOT NULL DEFAULT '', "
	"revoked_at TEXT NOT NULL DEFAULT '', "
	"revoked_by TEXT NOT NULL DEFAULT '', "
	"revoked_reason TEXT NOT NULL DEFAULT '', "
	"PRIMARY KEY (office, book, number), "
	"CHECK (status IN ('reserved', 'issued', 'void', 'revoked')))",

	"CREATE UNIQUE INDEX copies_code ON copies (code)",
	"CREATE INDEX copies_pdf ON copies (pdf_sha256)",
	"CREATE INDEX copies_stale ON copies (status, reserved_at)",

	"CREATE TABLE audit ("
	"seq BIGINT PRIMARY KEY, "
	"at TEXT NOT NULL, "
	"action TEXT NOT NULL, "
	"office TEXT NOT NULL, "
	"book TEXT NOT NULL, "
	"number BIGINT NOT NULL, "
	"code TEXT NOT NULL, "
	"who TEXT NOT NULL, "
	"reason TEXT NOT NULL, "
	"details TEXT NOT NULL, "
	"copy_hash TEXT NOT NULL, "
	"prev_hash TEXT NOT NULL, "
	"hash TEXT NOT NULL)",

	"CREATE INDEX audit_copy ON audit (office, book, number, seq)",

	/* The chain's end, one row: every change locks it first. */
	"CREATE TABLE audit_head ("
	"id INTEGER PRIMARY KEY, "
	"seq BIGINT NOT NULL, "
	"hash TEXT NOT NULL)",

	"INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '" ZERO_HASH "')",
	NULL,
};

/* migrations[v] takes the schema from version v to v + 1. */
static const char *const *const migrations[CC_REGISTER_SCHEMA] = {
	migration_1,
};

/* ---- small things ---- */

int cc_reg_rows_add(struct cc_reg_rows *rows, size_t ncols,
		    const char *const *cells)
{
	size_t n = (rows->nrows + 1) * ncols;
	char **cell;

	if (rows->nrows && rows->ncols != ncols)
		return -1;
	cell = realloc(rows->cell, (n ? n : 1) * sizeof(*cell));
	if (!cell)
		return -1;
	rows->cell = cell;
	rows->ncols = ncols;
	for (size_t i = 0; i < ncols; i++) {
		char **c = &cell[rows->nrows * ncols + i];

		*c = NULL;
		if (cells[i] && !(*c = strdup(cells[i]))) {
			while (i--)
				free(cell[rows->nrows * ncols + i]);
			return -1;
		}
	}
	rows->nrows++;
	return 0;
}

void cc_reg_rows_free(struct cc_reg_rows *rows)
{
	for (size_t i = 0; i < rows->nrows * rows->ncols; i++)
		free(rows->cell[i]);
	free(rows->cell);
	*rows = (struct cc_reg_rows){0, 0, NULL};
}

/* A cell's text, "" for NULL. */
static const char *cell(const struct cc_reg_rows *rows, size_t row, size_t col)
{
	const char *c = rows->cell[row * rows->ncols + col];

	return c ? c : "";
}

static int parse_ll(const char *s, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 10);
	return (!*s || *end || errno) ? -1 : 0;
}

static int damaged(struct cc_register *r, const char *what,
		   struct cc_error *err)
{
	return cc_error_set(err, CC_SYSTEM, "register '%s' is damaged: %s",
			    r->name, what);
}

/* RFC 3339 UTC, whole seconds: sorts as text. */
static void rfc3339(time_t t, char out[32])
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, 32, "1970-01-01T00:00:00Z");
}

/* ---- input checks ---- */

/* Required text: valid UTF-8, no control character, fewer than size
 * bytes. */
static int check_text(const char *what, const char *s, size_t size,
		      struct cc_error *err)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len;

	if (!s || !*s)
		return cc_error_set(err, CC_USAGE, "no %s given", what);
	len = strlen(s);
	if (len >= size)
		return cc_error_set(err, CC_INPUT,
				    "%s is too long (%zu bytes, at most %zu)",
				    what, len, size - 1);
	for (size_t i = 0, n; i < len; i += n) {
		uint32_t c = cc_utf8_next(u + i, len - i, &n);

		if (c == 0xfffd && (n != 3 || memcmp(u + i, "\xef\xbf\xbd", 3)))
			return cc_error_set(err, CC_INPUT,
					    "%s is not valid UTF-8", what);
		if (c < 0x20 || (c >= 0x7f && c < 0xa0))
			return cc_error_set(err, CC_INPUT,
					    "%s holds a control character",
					    what);
	}
	return CC_OK;
}

/* 64 hex digits, to lowercase. */
static int check_sha256(const char *what, const char *s, char out[65],
			struct cc_error *err)
{
	if (!s || !*s)
		return cc_error_set(err, CC_USAGE, "no %s given", what);
	for (size_t i = 0; i < 65; i++) {
		char c = s[i];

		if (i == 64 && c == '\0')
			break;
		if (i == 64 ||
		    !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		      (c >= 'A' && c <= 'F')))
			return cc_error_set(err, CC_INPUT,
					    "%s is not a SHA-256 in hex (64 "
					    "hex digits)",
					    what);
		out[i] = (char)(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
	}
	out[64] = '\0';
	return CC_OK;
}

/* "YYYY-MM-DDTHH:MM:SSZ" with fields in range. */
static int check_time(const char *s, struct cc_error *err)
{
	static const char form[] = "dddd-dd-ddTdd:dd:ddZ";
	int mon, day, h, m, sec;

	for (size_t i = 0; i < sizeof(form); i++) {
		int ok = form[i] == 'd' ? s[i] >= '0' && s[i] <= '9'
					: s[i] == form[i];

		if (!ok)
			return cc_error_set(
				err, CC_INPUT,
				"issue time '%.40s' is not RFC 3339 "
				"UTC (YYYY-MM-DDTHH:MM:SSZ)",
				s);
	}
	mon = (s[5] - '0') * 10 + s[6] - '0';
	day = (s[8] - '0') * 10 + s[9] - '0';
	h = (s[11] - '0') * 10 + s[12] - '0';
	m = (s[14] - '0') * 10 + s[15] - '0';
	sec = (s[17] - '0') * 10 + s[18] - '0';
	if (mon < 1 || mon > 12 || day < 1 || day > 31 || h > 23 || m > 59 ||
	    sec > 60)
		return cc_error_set(err, CC_INPUT,
				    "issue time '%s' is not a real time", s);
	return CC_OK;
}

/* A verification code: 16 Crockford base32 symbols, hyphens between the
 * groups optional, any case, O read as 0, I and L as 1; out gets the
 * canonical "XXXX-XXXX-XXXX-XXXX". */
static int norm_code(const char *s, char out[20], struct cc_error *err)
{
	static const char symbols[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	size_t n = 0, o = 0;

	if (!s || !*s)
		return cc_error_set(err, CC_USAGE,
				    "no verification code given");
	for (const char *p = s; *p; p++) {
		char c = *p;

		if (c == '-' && n && n % 4 == 0 && n < 16 && p[-1] != '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c == 'O')
			c = '0';
		else if (c == 'I' || c == 'L')
			c = '1';
		if (n == 16 || !c || !strchr(symbols, c))
			return cc_error_set(err, CC_INPUT,
					    "'%.40s' is not a verification "
					    "code (XXXX-XXXX-XXXX-XXXX)",
					    s);
		if (n && n % 4 == 0)
			out[o++] = '-';
		out[o++] = c;
		n++;
	}
	if (n != 16)
		return cc_error_set(err, CC_INPUT,
				    "'%.40s' is not a verification code "
				    "(XXXX-XXXX-XXXX-XXXX)",
				    s);
	out[o] = '\0';
	return CC_OK;
}

/* ---- canonical encodings ---- */

/* A netstring: "<len>:<bytes>,". */
static void netstring(struct cc_buf *b, const char *s)
{
	size_t n = strlen(s);

	cc_buf_printf(b, "%zu:", n);
	cc_buf_put(b, s, n);
	cc_buf_put(b, ",", 1);
}

static int hash_fields(const char *const *f, size_t n, char hex[65])
{
	struct cc_buf b = {0};
	unsigned char md[CC_SHA256_LEN];
	int rc = -1;

	for (size_t i = 0; i < n; i++)
		netstring(&b, f[i] ? f[i] : "");
	if (!b.failed && cc_sha256(b.data, b.len, md) == 0) {
		cc_hex(md, sizeof(md), hex);
		rc = 0;
	}
	cc_buf_free(&b);
	return rc;
}

/* Hash of a copy's row, its COPY_COLS from column col of rows' row. */
static int copy_hash(const struct cc_reg_rows *rows, size_t row, size_t col,
		     char hex[65])
{
	const char *f[NCOPY_COLS + 1] = {"certcopy-copy-1"};

	for (size_t i = 0; i < NCOPY_COLS; i++)
		f[i + 1] = cell(rows, row, col + i);
	return hash_fields(f, NCOPY_COLS + 1, hex);
}

struct entry {
	long long seq;
	const char *at, *action, *office, *book;
	long long number;
	const char *code, *who, *reason, *details, *copy_hash, *prev_hash;
};

static int entry_hash(const struct entry *e, char hex[65])
{
	char seq[24], number[24];
	const char *f[] = {"certcopy-audit-1",
			   seq,
			   e->at,
			   e->action,
			   e->office,
			   e->book,
			   number,
			   e->code,
			   e->who,
			   e->reason,
			   e->details,
			   e->copy_hash,
			   e->prev_hash};

	snprintf(seq, sizeof(seq), "%lld", e->seq);
	snprintf(number, sizeof(number), "%lld", e->number);
	return hash_fields(f, sizeof(f) / sizeof(f[0]), hex);
}

/* ---- opening ---- */

static int mkdirs(char *path, struct cc_error *err)
{
	for (char *p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			cc_error_set(err, CC_SYSTEM, "cannot create '%s': %s",
				     path, strerror(errno));
			*p = c;
			return CC_SYSTEM;
		}
		*p = c;
		if (!c)
			return CC_OK;
	}
}

/* $XDG_DATA_HOME/certcopy/register.db, ~/.local/share when XDG_DATA_HOME
 * is unset or not absolute; the directories made. */
static int default_path(char *path, size_t size, struct cc_error *err)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	struct passwd *pw;
	int n;

	if (xdg && xdg[0] == '/')
		n = snprintf(path, size, "%s/certcopy", xdg);
	else {
		if ((!home || home[0] != '/') && (pw = getpwuid(getuid())))
			home = pw->pw_dir;
		if (!home || home[0] != '/')
			return cc_error_set(err, CC_SYSTEM,
					    "no register configured and no "
					    "home directory for the default");
		n = snprintf(path, size, "%s/.local/share/certcopy", home);
	}
	if (n < 0 || (size_t)n + sizeof("/register.db") > size)
		return cc_error_set(err, CC_SYSTEM,
				    "the register's default path is too long");
	if (mkdirs(path, err))
		return CC_SYSTEM;
	memcpy(path + n, "/register.db", sizeof("/register.db"));
	return CC_OK;
}

/* A PostgreSQL URI for messages: without the password, in the user part
 * or as a parameter. */
static void redact(const char *uri, char *out, size_t size)
{
	struct cc_buf b = {0};
	const char *auth = strstr(uri, "://") + 3;
	const char *end = auth + strcspn(auth, "/?");
	const char *at = memchr(auth, '@', (size_t)(end - auth));
	const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;

	if (colon) {
		cc_buf_put(&b, uri, (size_t)(colon - uri));
		uri = at;
	}
	for (const char *p; (p = strstr(uri, "password="));) {
		if (p != uri && p[-1] != '?' && p[-1] != '&') {
			cc_buf_put(&b, uri, (size_t)(p - uri) + 9);
			uri = p + 9;
			continue;
		}
		cc_buf_put(&b, uri, (size_t)(p - uri));
		cc_buf_puts(&b, "password=***");
		uri = p + 9 + strcspn(p + 9, "&");
	}
	cc_buf_puts(&b, uri);
	cc_buf_put(&b, "", 1);
	snprintf(out, size, "%s",
		 b.failed ? "postgresql://..." : (char *)b.data);
	cc_buf_free(&b);
}

static int has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int read_version(struct cc_register *r, int *version,
			struct cc_error *err)
{
	struct cc_reg_rows rows;
	long long v = 0;
	int rc = EXEC(r, r->ops->has_table, &rows, err,
		      reg_text("schema_version"));

	if (rc == CC_OK && rows.nrows == 1 && strcmp(cell(&rows, 0, 0), "0")) {
		cc_reg_rows_free(&rows);
		rc = EXEC0(r, "SELECT max(version) FROM schema_version", &rows,
			   err);
		if (rc == CC_OK && rows.nrows == 1 && rows.cell[0] &&
		    parse_ll(cell(&rows, 0, 0), &v))
			rc = damaged(r, "its schema version is not a number",
				     err);
	}
	cc_reg_rows_free(&rows);
	*version = (int)v;
	if (rc == CC_OK && (v < 0 || v > CC_REGISTER_SCHEMA))
		rc = cc_error_set(
			err, CC_SYSTEM,
			"register '%s' has schema version %lld, newer "
			"than this certcopy knows (%d): upgrade "
			"certcopy",
			r->name, v, CC_REGISTER_SCHEMA);
	return rc;
}

static void rollback(struct cc_register *r)
{
	struct cc_error ignored;

	EXEC0(r, "ROLLBACK", NULL, &ignored);
}

/* Each migration in a transaction of its own, under the backend's lock, the
 * version read again inside it: kiosks starting together migrate once. */
static int migrate(struct cc_register *r, struct cc_error *err)
{
	int version, rc = read_version(r, &version, err);
	char now[32];

	while (rc == CC_OK && version < CC_REGISTER_SCHEMA) {
		rc = EXEC0(r, r->ops->begin_sql, NULL, err);
		if (rc == CC_OK && r->ops->migrate_lock)
			rc = EXEC0(r, r->ops->migrate_lock, NULL, err);
		if (rc == CC_OK)
			rc = EXEC0(r,
				   "CREATE TABLE IF NOT EXISTS schema_version "
				   "(version INTEGER NOT NULL, "
				   "applied_at TEXT NOT NULL)",
				   NULL, err);
		if (rc == CC_OK)
			rc = read_version(r, &version, err);
		if (rc == CC_OK && version < CC_REGISTER_SCHEMA) {
			const char *const *sql = migrations[version];

			for (size_t i = 0; rc == CC_OK && sql[i]; i++)
				rc = EXEC0(r, sql[i], NULL, err);
			rfc3339(time(NULL), now);
			if (rc == CC_OK)
				rc = EXEC(
					r,
					"INSERT INTO schema_version "
					"(version, applied_at) VALUES (?1, ?2)",
					NULL, err, reg_int(version + 1),
					reg_text(now));
			if (rc == CC_OK)
				version++;
		}
		if (rc == CC_OK)
			rc = EXEC0(r, "COMMIT", NULL, err);
		if (rc != CC_OK)
			rollback(r);
	}
	if (rc > CC_SYSTEM) /* CC_REG_RETRY, CC_REG_UNIQUE */
		rc = cc_error_set(err, CC_SYSTEM,
				  "register '%s': its schema could not be "
				  "created (try again)",
				  r->name);
	return rc;
}

struct cc_register *cc_register_open(const char *uri, struct cc_error *err)
{
	struct cc_config *cfg = NULL;
	struct cc_register *r = NULL;
	char path[4096];
	int rc;

	if (!uri || !*uri) {
		if (!(cfg = cc_config_load(err)))
			return NULL;
		uri = cc_config_get(cfg, "register", "uri");
		if (!uri || !*uri) {
			if (default_path(path, sizeof(path), err))
				goto out;
			uri = path;
		}
	}
	if (!(r = calloc(1, sizeof(*r)))) {
		cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	if (has_prefix(uri, "postgresql://") ||
	    has_prefix(uri, "postgres://")) {
		redact(uri, r->name, sizeof(r->name));
		rc = cc_reg_pg_open(r, uri, err);
	} else {
		const char *p = has_prefix(uri, "sqlite:") ? uri + 7 : uri;

		if (strlen(p) >= sizeof(r->name))
			rc = cc_error_set(
				err, CC_USAGE,
				"register path '%.64s...' is too long", p);
		else if (!*p || strstr(uri, "://"))
			rc = cc_error_set(err, CC_USAGE,
					  "register '%s': not a path, "
					  "sqlite:PATH or postgresql://...",
					  uri);
		else {
			memcpy(r->name, p, strlen(p) + 1);
			rc = cc_reg_sqlite_open(r, r->name, err);
		}
	}
	if (rc == CC_OK)
		rc = migrate(r, err);
	if (rc != CC_OK) {
		cc_register_close(r);
		r = NULL;
	}
out:
	cc_config_free(cfg);
	return r;
}

void cc_register_close(struct cc_register *r)
{
	if (!r)
		return;
	if (r->ops)
		r->ops->close(r);
	free(r);
}

const char *cc_register_name(const struct cc_register *r)
{
	return r->name;
}

/* ---- changes ---- */

typedef int (*change_fn)(struct cc_register *r, void *arg,
			 struct cc_error *err);

/* Run fn in a write transaction: all of it or nothing; again on a
 * serialisation failure or deadlock, after a short random pause. */
static int run_change(struct cc_register *r, change_fn fn, void *arg,
		      struct cc_error *err)
{
	int rc;

	for (int attempt = 1;; attempt++) {
		rc = EXEC0(r, r->ops->begin_sql, NULL, err);
		if (rc == CC_OK)
			rc = fn(r, arg, err);
		if (rc == CC_OK)
			rc = EXEC0(r, "COMMIT", NULL, err);
		if (rc != CC_OK)
			rollback(r);
		if (rc != CC_REG_RETRY || attempt == MAX_ATTEMPTS)
			break;
		struct timespec now;

		/* A pause of 1 to 6 ms times the attempt, from the clock's
		 * noise: processes that clashed do not clash again. */
		clock_gettime(CLOCK_MONOTONIC, &now);
		long us = (now.tv_nsec / 1000 % 5000 + 1000) * attempt;

		nanosleep(&(struct timespec){0, us * 1000}, NULL);
	}
	if (rc == CC_REG_RETRY)
		rc = cc_error_set(err, CC_SYSTEM,
				  "register '%s' is busy: the change failed "
				  "%d times over",
				  r->name, MAX_ATTEMPTS);
	else if (rc == CC_REG_UNIQUE)
		rc = CC_SYSTEM; /* not foreseen by fn; err says which */
	return rc;
}

/* The chain's end, locked until the transaction ends. */
struct chain {
	long long seq;
	char hash[65];
};

static int chain_lock(struct cc_register *r, struct chain *c,
		      struct cc_error *err)
{
	struct cc_reg_rows rows;
	int rc = EXEC0(r,
		       "UPDATE audit_head SET seq = seq WHERE id = 1 "
		       "RETURNING seq, hash",
		       &rows, err);

	if (rc == CC_OK &&
	    (rows.nrows != 1 || parse_ll(cell(&rows, 0, 0), &c->seq) ||
	     strlen(cell(&rows, 0, 1)) != 64))
		rc = damaged(r, "the audit log's head is missing", err);
	if (rc == CC_OK)
		memcpy(c->hash, cell(&rows, 0, 1), 65);
	cc_reg_rows_free(&rows);
	return rc;
}

static int chain_save(struct cc_register *r, const struct chain *c,
		      struct cc_error *err)
{
	return EXEC(r, "UPDATE audit_head SET seq = ?1, hash = ?2 WHERE id = 1",
		    NULL, err, reg_int(c->seq), reg_text(c->hash));
}

/* Append e (its seq, copy_hash and prev_hash filled here) for the copy as
 * it now stands. */
static int chain_append(struct cc_register *r, struct chain *c, struct entry *e,
			struct cc_error *err)
{
	struct cc_reg_rows rows;
	char chash[65], hash[65];
	int rc = EXEC(r,
		      "SELECT " COPY_COLS " FROM copies "
		      "WHERE office = ?1 AND book = ?2 AND number = ?3",
		      &rows, err, reg_text(e->office), reg_text(e->book),
		      reg_int(e->number));

	if (rc != CC_OK)
		goto out;
	if (rows.nrows != 1 || copy_hash(&rows, 0, 0, chash)) {
		rc = damaged(r, "a changed copy cannot be read back", err);
		goto out;
	}
	e->seq = c->seq + 1;
	e->copy_hash = chash;
	e->prev_hash = c->hash;
	if (entry_hash(e, hash)) {
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	rc = EXEC(r,
		  "INSERT INTO audit (seq, at, action, office, book, number, "
		  "code, who, reason, details, copy_hash, prev_hash, hash) "
		  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
		  "?13)",
		  NULL, err, reg_int(e->seq), reg_text(e->at),
		  reg_text(e->action), reg_text(e->office), reg_text(e->book),
		  reg_int(e->number), reg_text(e->code), reg_text(e->who),
		  reg_text(e->reason), reg_text(e->details), reg_text(chash),
		  reg_text(c->hash), reg_text(hash));
	if (rc == CC_REG_UNIQUE)
		rc = damaged(r, "the audit log's head is behind its entries",
			     err);
	if (rc == CC_OK) {
		c->seq = e->seq;
		memcpy(c->hash, hash, sizeof(hash));
	}
out:
	cc_reg_rows_free(&rows);
	return rc;
}

/* The copy's status, or CC_NO naming the number when there is none. */
static int copy_status(struct cc_register *r, const char *office,
		       const char *book, long long number, char status[16],
		       char certifier[256], struct cc_error *err)
{
	struct cc_reg_rows rows;
	int rc = EXEC(r,
		      "SELECT status, certifier FROM copies "
		      "WHERE office = ?1 AND book = ?2 AND number = ?3",
		      &rows, err, reg_text(office), reg_text(book),
		      reg_int(number));

	if (rc == CC_OK && rows.nrows == 0)
		rc = cc_error_set(err, CC_NO,
				  "number %lld is not in book '%s' of office "
				  "'%s'",
				  number, book, office);
	if (rc == CC_OK) {
		snprintf(status, 16, "%s", cell(&rows, 0, 0));
		if (certifier)
			snprintf(certifier, 256, "%s", cell(&rows, 0, 1));
	}
	cc_reg_rows_free(&rows);
	return rc;
}

struct reserve_arg {
	const char *office, *book, *certifier, *now;
	int year;
	long long number;
};

static int do_reserve(struct cc_register *r, void *arg, struct cc_error *err)
{
	struct reserve_arg *a = arg;
	struct cc_reg_rows rows = {0, 0, NULL};
	struct chain c;
	char details[32];
	struct entry e = {.at = a->now,
			  .action = "reserve",
			  .office = a->office,
			  .book = a->book,
			  .code = "",
			  .who = a->certifier,
			  .reason = "",
			  .details = details};
	int rc;

	if ((rc = chain_lock(r, &c, err)))
		return rc;
	/* The book's row is locked from here to the end (PostgreSQL). */
	rc = EXEC(r,
		  "INSERT INTO books (office, book, year, last_number, "
		  "created_at) VALUES (?1, ?2, ?3, 1, ?4) "
		  "ON CONFLICT (office, book) DO UPDATE "
		  "SET last_number = books.last_number + 1 "
		  "RETURNING last_number",
		  &rows, err, reg_text(a->office), reg_text(a->book),
		  reg_int(a->year), reg_text(a->now));
	if (rc == CC_OK &&
	    (rows.nrows != 1 || parse_ll(cell(&rows, 0, 0), &a->number)))
		rc = damaged(r, "a book's counter cannot be read", err);
	cc_reg_rows_free(&rows);
	if (rc == CC_OK)
		rc = EXEC(r,
			  "INSERT INTO copies (office, book, number, year, "
			  "status, reserved_at, certifier) "
			  "VALUES (?1, ?2, ?3, ?4, 'reserved', ?5, ?6)",
			  NULL, err, reg_text(a->office), reg_text(a->book),
			  reg_int(a->number), reg_int(a->year),
			  reg_text(a->now), reg_text(a->certifier));
	if (rc == CC_REG_UNIQUE)
		rc = damaged(r, "a book's counter is behind its copies", err);
	snprintf(details, sizeof(details), "year=%d", a->year);
	e.number = a->number;
	if (rc == CC_OK)
		rc = chain_append(r, &c, &e, err);
	if (rc == CC_OK)
		rc = chain_save(r, &c, err);
	return rc;
}

int cc_register_reserve(struct cc_register *r, const char *office,
			const char *book_prefix, int year,
			const char *certifier, struct cc_reservation *res,
			struct cc_error *err)
{
	char book[64], now[32];
	struct reserve_arg a = {office, book, certifier, now, year, 0};
	int n, rc;

	if ((rc = check_text("office", office, sizeof(res->office), err)) ||
	    (rc = check_text("book prefix", book_prefix, sizeof(book), err)) ||
	    (rc = check_text("certifier", certifier, 256, err)))
		return rc;
	if (year < 1900 || year > 9999)
		return cc_error_set(err, CC_INPUT, "year %d is out of range",
				    year);
	/* The volume is always 01: see register.h. */
	n = snprintf(book, sizeof(book), "01/%d-%s", year, book_prefix);
	if (n < 0 || (size_t)n >= sizeof(book))
		return cc_error_set(err, CC_INPUT,
				    "book label '01/%d-%s' is too long (at "
				    "most %zu bytes)",
				    year, book_prefix, sizeof(book) - 1);
	rfc3339(time(NULL), now);
	if ((rc = run_change(r, do_reserve, &a, err)))
		return rc;
	memset(res, 0, sizeof(*res));
	res->number = a.number;
	res->year = year;
	snprintf(res->book, sizeof(res->book), "%s", book);
	snprintf(res->office, sizeof(res->office), "%s", office);
	return CC_OK;
}

struct issue_arg {
	const struct cc_issue *is;
	char code[20], seal[65], scan[65], pdf[65], at[32], now[32];
};

static int refuse_status(const char *status, long long number, const char *book,
			 const char *wanted, struct cc_error *err)
{
	if (strcmp(status, "void") == 0)
		return cc_error_set(err, CC_NO,
				    "number %lld of book '%s' is void: it "
				    "cannot be %s",
				    number, book, wanted);
	if (strcmp(status, "reserved") == 0)
		return cc_error_set(err, CC_NO,
				    "number %lld of book '%s' is only "
				    "reserved, not issued",
				    number, book);
	return cc_error_set(err, CC_NO,
			    "number %lld of book '%s' is already issued%s",
			    number, book,
			    strcmp(status, "revoked") ? "" : " (and revoked)");
}

static int do_issue(struct cc_register *r, void *arg, struct cc_error *err)
{
	struct issue_arg *a = arg;
	const struct cc_issue *is = a->is;
	struct cc_reg_rows rows = {0, 0, NULL};
	struct chain c;
	char status[16], who[256], details[1024];
	struct entry e = {.at = a->now,
			  .action = "issue",
			  .office = is->office,
			  .book = is->book,
			  .number = is->number,
			  .code = a->code,
			  .who = who,
			  .reason = "",
			  .details = details};
	int rc;

	if ((rc = chain_lock(r, &c, err)) ||
	    (rc = copy_status(r, is->office, is->book, is->number, status, who,
			      err)))
		return rc;
	if (strcmp(status, "reserved") != 0)
		return refuse_status(status, is->number, is->book, "issued",
				     err);
	if (is->certifier)
		snprintf(who, sizeof(who), "%s", is->certifier);
	rc = EXEC(r, "SELECT number, book FROM copies WHERE code = ?1", &rows,
		  err, reg_text(a->code));
	if (rc == CC_OK && rows.nrows)
		rc = cc_error_set(err, CC_NO,
				  "code '%s' is already used (number %s of "
				  "book '%s')",
				  a->code, cell(&rows, 0, 0),
				  cell(&rows, 0, 1));
	cc_reg_rows_free(&rows);
	if (rc == CC_OK)
		rc = EXEC(r,
			  "UPDATE copies SET status = 'issued', code = ?4, "
			  "certifier = ?5, seal_cert_sha256 = ?6, pages = ?7, "
			  "fee = ?8, scan_sha256 = ?9, pdf_sha256 = ?10, "
			  "issued_at = ?11 WHERE office = ?1 AND book = ?2 "
			  "AND number = ?3 AND status = 'reserved'",
			  NULL, err, reg_text(is->office), reg_text(is->book),
			  reg_int(is->number), reg_text(a->code), reg_text(who),
			  reg_text(a->seal), reg_int(is->pages),
			  reg_int(is->fee), reg_text(a->scan), reg_text(a->pdf),
			  reg_text(a->at));
	if (rc == CC_REG_UNIQUE)
		rc = cc_error_set(err, CC_NO, "code '%s' is already used",
				  a->code);
	snprintf(details, sizeof(details),
		 "certifier=%s\nseal_cert_sha256=%s\npages=%d\nfee=%ld\n"
		 "scan_sha256=%s\npdf_sha256=%s\nissued_at=%s",
		 who, a->seal, is->pages, is->fee, a->scan, a->pdf, a->at);
	if (rc == CC_OK)
		rc = chain_append(r, &c, &e, err);
	if (rc == CC_OK)
		rc = chain_save(r, &c, err);
	return rc;
}

/* office, book and number of a change, checked. */
static int check_place(const char *office, const char *book, long long number,
		       struct cc_error *err)
{
	int rc;

	if ((rc = check_text("office", office, 32, err)) ||
	    (rc = check_text("book", book, 64, err)))
		return rc;
	if (number < 1)
		return cc_error_set(err, CC_INPUT,
				    "number %lld is not a certification "
				    "number",
				    number);
	return CC_OK;
}

int cc_register_issue(struct cc_register *r, const struct cc_issue *is,
		      struct cc_error *err)
{
	struct issue_arg a = {.is = is};
	int rc;

	if ((rc = check_place(is->office, is->book, is->number, err)) ||
	    (rc = norm_code(is->code, a.code, err)) ||
	    (is->certifier &&
	     (rc = check_text("certifier", is->certifier, 256, err))) ||
	    (rc = check_sha256("seal certificate's SHA-256",
			       is->seal_cert_sha256, a.seal, err)) ||
	    (rc = check_sha256("PDF's SHA-256", is->pdf_sha256, a.pdf, err)) ||
	    (is->scan_sha256 &&
	     (rc = check_sha256("scan's SHA-256", is->scan_sha256, a.scan,
				err))) ||
	    (is->issued_at && (rc = check_time(is->issued_at, err))))
		return rc;
	if (is->pages < 1 || is->pages > 100000)
		return cc_error_set(err, CC_INPUT, "%d pages is out of range",
				    is->pages);
	if (is->fee < 0 || is->fee > 1000000000L)
		return cc_error_set(err, CC_INPUT, "fee %ld is out of range",
				    is->fee);
	rfc3339(time(NULL), a.now);
	snprintf(a.at, sizeof(a.at), "%s",
		 is->issued_at ? is->issued_at : a.now);
	return run_change(r, do_issue, &a, err);
}

struct void_arg {
	const char *office, *book, *who, *reason, *now;
	long long number;
};

static int void_one(struct cc_register *r, struct chain *c,
		    const struct void_arg *a, struct cc_error *err)
{
	struct entry e = {.at = a->now,
			  .action = "void",
			  .office = a->office,
			  .book = a->book,
			  .number = a->number,
			  .code = "",
			  .who = a->who,
			  .reason = a->reason,
			  .details = ""};
	int rc = EXEC(r,
		      "UPDATE copies SET status = 'void', voided_at = ?4, "
		      "voided_by = ?5, void_reason = ?6 WHERE office = ?1 AND "
		      "book = ?2 AND number = ?3 AND status = 'reserved'",
		      NULL, err, reg_text(a->office), reg_text(a->book),
		      reg_int(a->number), reg_text(a->now), reg_text(a->who),
		      reg_text(a->reason));

	return rc ? rc : chain_append(r, c, &e, err);
}

static int do_void(struct cc_register *r, void *arg, struct cc_error *err)
{
	struct void_arg *a = arg;
	struct chain c;
	char status[16];
	int rc;

	if ((rc = chain_lock(r, &c, err)) ||
	    (rc = copy_status(r, a->office, a->book, a->number, status, NULL,
			      err)))
		return rc;
	if (strcmp(status, "void") == 0)
		return cc_error_set(err, CC_NO,
				    "number %lld of book '%s' is already void",
				    a->number, a->book);
	if (strcmp(status, "reserved") != 0)
		return cc_error_set(err, CC_NO,
				    "number %lld of book '%s' is issued: "
				    "revoke it by its code instead",
				    a->number, a->book);
	if ((rc = void_one(r, &c, a, err)))
		return rc;
	return chain_save(r, &c, err);
}

int cc_register_void(struct cc_register *r, const char *office,
		     const char *book, long long number, const char *who,
		     const char *reason, struct cc_error *err)
{
	char now[32];
	struct void_arg a = {office, book, who, reason, now, number};
	int rc;

	if ((rc = check_place(office, book, number, err)) ||
	    (rc = check_text("name of who voids", who, 256, err)) ||
	    (rc = check_text("reason", reason, 512, err)))
		return rc;
	rfc3339(time(NULL), now);
	return run_change(r, do_void, &a, err);
}

struct stale_arg {
	const char *cutoff, *who, *reason, *now;
	int n, more;
};

#define STALE_BATCH 500

static int do_void_stale(struct cc_register *r, void *arg, struct cc_error *err)
{
	struct stale_arg *a = arg;
	struct cc_reg_rows rows = {0, 0, NULL};
	struct chain c;
	int rc;

	a->n = a->more = 0;
	if ((rc = chain_lock(r, &c, err)))
		return rc;
	rc = EXEC(r,
		  "SELECT office, book, number FROM copies "
		  "WHERE status = 'reserved' AND reserved_at <= ?1 "
		  "ORDER BY office, book, number LIMIT ?2",
		  &rows, err, reg_text(a->cutoff), reg_int(STALE_BATCH));
	for (size_t i = 0; rc == CC_OK && i < rows.nrows; i++) {
		struct void_arg v = {cell(&rows, i, 0),
				     cell(&rows, i, 1),
				     a->who,
				     a->reason,
				     a->now,
				     0};

		if (parse_ll(cell(&rows, i, 2), &v.number))
			rc = damaged(r, "a copy's number is not a number", err);
		else
			rc = void_one(r, &c, &v, err);
	}
	if (rc == CC_OK)
		rc = chain_save(r, &c, err);
	if (rc == CC_OK) {
		a->n = (int)rows.nrows;
		a->more = rows.nrows == STALE_BATCH;
	}
	cc_reg_rows_free(&rows);
	return rc;
}

int cc_register_void_stale(struct cc_register *r, long max_age_s,
			   const char *who, int *n, struct cc_error *err)
{
	char cutoff[32], now[32], reason[80];
	struct stale_arg a = {cutoff, who, reason, now, 0, 1};
	struct cc_reg_rows rows;
	time_t t = time(NULL);
	int rc, ignored;

	if (!n)
		n = &ignored;
	*n = 0;
	if ((rc = check_text("name of who voids", who, 256, err)))
		return rc;
	if (max_age_s < 0)
		max_age_s = CC_REGISTER_STALE_DEFAULT;
	if (max_age_s > 100L * 366 * 24 * 60 * 60) /* before any register */
		max_age_s = 100L * 366 * 24 * 60 * 60;
	rfc3339(t, now);
	rfc3339(t - (time_t)max_age_s, cutoff);
	snprintf(reason, sizeof(reason), "not issued within %ld s", max_age_s);
	/* Without a write lock first: there is usually nothing to do. */
	rc = EXEC(r,
		  "SELECT 1 FROM copies WHERE status = 'reserved' AND "
		  "reserved_at <= ?1 LIMIT 1",
		  &rows, err, reg_text(cutoff));
	a.more = rc == CC_OK && rows.nrows;
	cc_reg_rows_free(&rows);
	while (rc == CC_OK && a.more) {
		rc = run_change(r, do_void_stale, &a, err);
		if (rc == CC_OK)
			*n += a.n;
	}
	return rc;
}

struct revoke_arg {
	const char *who, *reason, *now;
	char code[20];
};

static int do_revoke(struct cc_register *r, void *arg, struct cc_error *err)
{
	struct revoke_arg *a = arg;
	struct cc_reg_rows rows = {0, 0, NULL};
	struct chain c;
	struct entry e = {.at = a->now,
			  .action = "revoke",
			  .code = a->code,
			  .who = a->who,
			  .reason = a->reason,
			  .details = ""};
	int rc;

	if ((rc = chain_lock(r, &c, err)))
		return rc;
	rc = EXEC(r,
		  "SELECT office, book, number, status FROM copies "
		  "WHERE code = ?1",
		  &rows, err, reg_text(a->code));
	if (rc == CC_OK && rows.nrows == 0)
		rc = cc_error_set(err, CC_NO, "unknown code '%s'", a->code);
	else if (rc == CC_OK && strcmp(cell(&rows, 0, 3), "revoked") == 0)
		rc = cc_error_set(err, CC_NO, "code '%s' is already revoked",
				  a->code);
	else if (rc == CC_OK && strcmp(cell(&rows, 0, 3), "issued") != 0)
		rc = damaged(r, "a copy with a code is not issued", err);
	else if (rc == CC_OK && parse_ll(cell(&rows, 0, 2), &e.number))
		rc = damaged(r, "a copy's number is not a number", err);
	e.office = rc ? "" : cell(&rows, 0, 0);
	e.book = rc ? "" : cell(&rows, 0, 1);
	if (rc == CC_OK)
		rc = EXEC(r,
			  "UPDATE copies SET status = 'revoked', "
			  "revoked_at = ?2, revoked_by = ?3, "
			  "revoked_reason = ?4 WHERE code = ?1 "
			  "AND status = 'issued'",
			  NULL, err, reg_text(a->code), reg_text(a->now),
			  reg_text(a->who), reg_text(a->reason));
	if (rc == CC_OK)
		rc = chain_append(r, &c, &e, err);
	if (rc == CC_OK)
		rc = chain_save(r, &c, err);
	cc_reg_rows_free(&rows);
	return rc;
}

int cc_register_revoke(struct cc_register *r, const char *code, const char *who,
		       const char *reason, struct cc_error *err)
{
	char now[32];
	struct revoke_arg a = {who, reason, now, ""};
	int rc;

	if ((rc = norm_code(code, a.code, err)) ||
	    (rc = check_text("name of who revokes", who, 256, err)) ||
	    (rc = check_text("reason", reason, 512, err)))
		return rc;
	rfc3339(time(NULL), now);
	return run_change(r, do_revoke, &a, err);
}

/* ---- look-ups ---- */

static void fill_copy(const struct cc_reg_rows *rows, struct cc_copy *c)
{
	long long v;

	memset(c, 0, sizeof(*c));
#define TEXT(field, col)                                                       \
	snprintf(c->field, sizeof(c->field), "%s", cell(rows, 0, col))
	TEXT(office, 0);
	TEXT(book, 1);
	c->number = parse_ll(cell(rows, 0, 2), &v) ? 0 : v;
	c->year = parse_ll(cell(rows, 0, 3), &v) ? 0 : (int)v;
	TEXT(status, 4);
	TEXT(reserved_at, 5);
	TEXT(code, 6);
	TEXT(certifier, 7);
	TEXT(seal_cert_sha256, 8);
	c->pages = parse_ll(cell(rows, 0, 9), &v) ? 0 : (int)v;
	c->fee = parse_ll(cell(rows, 0, 10), &v) ? 0 : (long)v;
	TEXT(scan_sha256, 11);
	TEXT(pdf_sha256, 12);
	TEXT(issued_at, 13);
	TEXT(voided_at, 14);
	TEXT(voided_by, 15);
	TEXT(void_reason, 16);
	TEXT(revoked_at, 17);
	TEXT(revoked_by, 18);
	TEXT(revoked_reason, 19);
#undef TEXT
}

static int found(struct cc_reg_rows *rows, int rc, struct cc_copy *c,
		 struct cc_error *err, const char *what)
{
	if (rc == CC_OK && rows->nrows == 0)
		rc = cc_error_set(err, CC_NO, "no copy with %s", what);
	if (rc == CC_OK)
		fill_copy(rows, c);
	cc_reg_rows_free(rows);
	return rc > CC_SYSTEM ? CC_SYSTEM : rc;
}

int cc_register_find_code(struct cc_register *r, const char *code,
			  struct cc_copy *c, struct cc_error *err)
{
	struct cc_reg_rows rows;
	char norm[20], what[40];
	int rc;

	if ((rc = norm_code(code, norm, err)))
		return rc;
	rc = EXEC(r, "SELECT " COPY_COLS " FROM copies WHERE code = ?1", &rows,
		  err, reg_text(norm));
	snprintf(what, sizeof(what), "code '%s'", norm);
	return found(&rows, rc, c, err, what);
}

int cc_register_find_sha256(struct cc_register *r, const char *sha256_hex,
			    struct cc_copy *c, struct cc_error *err)
{
	struct cc_reg_rows rows;
	char hex[65], what[90];
	int rc;

	if ((rc = check_sha256("SHA-256", sha256_hex, hex, err)))
		return rc;
	rc = EXEC(r,
		  "SELECT " COPY_COLS " FROM copies WHERE pdf_sha256 = ?1 "
		  "ORDER BY issued_at DESC LIMIT 1",
		  &rows, err, reg_text(hex));
	snprintf(what, sizeof(what), "SHA-256 '%s'", hex);
	return found(&rows, rc, c, err, what);
}

int cc_register_find_number(struct cc_register *r, const char *office,
			    const char *book, long long number,
			    struct cc_copy *c, struct cc_error *err)
{
	struct cc_reg_rows rows;
	char what[128];
	int rc;

	if ((rc = check_place(office, book, number, err)))
		return rc;
	rc = EXEC(r,
		  "SELECT " COPY_COLS " FROM copies "
		  "WHERE office = ?1 AND book = ?2 AND number = ?3",
		  &rows, err, reg_text(office), reg_text(book),
		  reg_int(number));
	snprintf(what, sizeof(what), "number %lld in book '%s'", number, book);
	return found(&rows, rc, c, err, what);
}

/* ---- the audit check ---- */

/* The chain from entry 1 to the head. */
static int audit_chain(struct cc_register *r, long long *last, long long *bad,
		       struct cc_error *err)
{
	char prev[65] = ZERO_HASH, hash[65];
	struct cc_reg_rows rows = {0, 0, NULL};
	long long seq = 0, head;
	int rc = CC_OK, more = 1;

	while (rc == CC_OK && more) {
		rc = EXEC(r,
			  "SELECT seq, at, action, office, book, number, "
			  "code, who, reason, details, copy_hash, prev_hash, "
			  "hash FROM audit WHERE seq > ?1 ORDER BY seq "
			  "LIMIT ?2",
			  &rows, err, reg_int(seq), reg_int(PAGE));
		more = rc == CC_OK && rows.nrows == PAGE;
		for (size_t i = 0; rc == CC_OK && i < rows.nrows; i++) {
			struct entry e = {.at = cell(&rows, i, 1),
					  .action = cell(&rows, i, 2),
					  .office = cell(&rows, i, 3),
					  .book = cell(&rows, i, 4),
					  .code = cell(&rows, i, 6),
					  .who = cell(&rows, i, 7),
					  .reason = cell(&rows, i, 8),
					  .details = cell(&rows, i, 9),
					  .copy_hash = cell(&rows, i, 10),
					  .prev_hash = cell(&rows, i, 11)};

			if (parse_ll(cell(&rows, i, 0), &e.seq) ||
			    e.seq != seq + 1) {
				*bad = seq + 1;
				rc = cc_error_set(err, CC_NO,
						  "audit entry %lld is missing",
						  seq + 1);
			} else if (strcmp(e.prev_hash, prev) != 0) {
				*bad = e.seq;
				rc = cc_error_set(err, CC_NO,
						  "audit entry %lld does not "
						  "follow entry %lld (its "
						  "previous hash differs)",
						  e.seq, seq);
			} else if (parse_ll(cell(&rows, i, 5), &e.number) ||
				   entry_hash(&e, hash) ||
				   strcmp(hash, cell(&rows, i, 12)) != 0) {
				*bad = e.seq;
				rc = cc_error_set(err, CC_NO,
						  "audit entry %lld has been "
						  "altered (its hash does not "
						  "fit)",
						  e.seq);
			}
			seq = e.seq;
			snprintf(prev, sizeof(prev), "%s", cell(&rows, i, 12));
		}
		cc_reg_rows_free(&rows);
	}
	if (rc != CC_OK)
		return rc;
	*last = seq;
	rc = EXEC0(r, "SELECT seq, hash FROM audit_head WHERE id = 1", &rows,
		   err);
	if (rc == CC_OK &&
	    (rows.nrows != 1 || parse_ll(cell(&rows, 0, 0), &head))) {
		*bad = seq + 1;
		rc = cc_error_set(err, CC_NO,
				  "the audit log's head is missing");
	} else if (rc == CC_OK && head > seq) {
		*bad = seq + 1;
		rc = cc_error_set(err, CC_NO,
				  "audit entries %lld to %lld are missing",
				  seq + 1, head);
	} else if (rc == CC_OK &&
		   (head < seq || strcmp(cell(&rows, 0, 1), prev) != 0)) {
		*bad = head < seq ? head + 1 : seq;
		rc = cc_error_set(err, CC_NO,
				  "audit entry %lld is not the one the log's "
				  "head names",
				  *bad);
	}
	cc_reg_rows_free(&rows);
	return rc;
}

/* Every copy as its last entry left it. */
static int audit_copies(struct cc_register *r, long long *bad,
			struct cc_error *err)
{
	struct cc_reg_rows rows = {0, 0, NULL};
	char office[32] = "", book[64] = "", hash[65];
	long long number = 0, seq = 0;
	int rc = CC_OK, more = 1;

	while (rc == CC_OK && more) {
		rc = EXEC(
			r,
			"SELECT " COPY_COLS_OF(
				"c.") ", a.seq, a.copy_hash "
				      "FROM copies c LEFT JOIN audit a ON a.seq = "
				      "(SELECT max(x.seq) FROM audit x WHERE "
				      "x.office = c.office AND x.book = c.book AND "
				      "x.number = c.number) "
				      "WHERE (c.office, c.book, c.number) > (?1, ?2, ?3) "
				      "ORDER BY c.office, c.book, c.number LIMIT ?4",
			&rows, err, reg_text(office), reg_text(book),
			reg_int(number), reg_int(PAGE));
		more = rc == CC_OK && rows.nrows == PAGE;
		for (size_t i = 0; rc == CC_OK && i < rows.nrows; i++) {
			const char *n = cell(&rows, i, 2),
				   *b = cell(&rows, i, 1);

			if (!rows.cell[i * rows.ncols + NCOPY_COLS]) {
				*bad = 0;
				rc = cc_error_set(err, CC_NO,
						  "copy %s of book '%s' has no "
						  "audit entry",
						  n, b);
			} else if (parse_ll(cell(&rows, i, NCOPY_COLS), &seq) ||
				   copy_hash(&rows, i, 0, hash) ||
				   strcmp(hash, cell(&rows, i,
						     NCOPY_COLS + 1)) != 0) {
				*bad = seq;
				rc = cc_error_set(err, CC_NO,
						  "copy %s of book '%s' is not "
						  "as audit entry %lld left it",
						  n, b, seq);
			}
			snprintf(office, sizeof(office), "%s",
				 cell(&rows, i, 0));
			snprintf(book, sizeof(book), "%s", b);
			if (parse_ll(n, &number) && rc == CC_OK)
				rc = damaged(r,
					     "a copy's number is not a "
					     "number",
					     err);
		}
		cc_reg_rows_free(&rows);
	}
	return rc;
}

/* Every entry's copy there, every book's numbers 1..last. */
static int audit_books(struct cc_register *r, long long *bad,
		       struct cc_error *err)
{
	struct cc_reg_rows rows;
	int rc = EXEC0(r,
		       "SELECT min(a.seq) FROM audit a WHERE NOT EXISTS "
		       "(SELECT 1 FROM copies c WHERE c.office = a.office AND "
		       "c.book = a.book AND c.number = a.number)",
		       &rows, err);

	if (rc == CC_OK && rows.nrows == 1 && rows.cell[0]) {
		*bad = parse_ll(cell(&rows, 0, 0), bad) ? 0 : *bad;
		rc = cc_error_set(err, CC_NO,
				  "the copy of audit entry %lld is missing",
				  *bad);
	}
	cc_reg_rows_free(&rows);
	if (rc == CC_OK)
		rc = EXEC0(r,
			   "SELECT c.number, c.book FROM copies c WHERE NOT "
			   "EXISTS (SELECT 1 FROM books b WHERE b.office = "
			   "c.office AND b.book = c.book) LIMIT 1",
			   &rows, err);
	if (rc == CC_OK && rows.nrows) {
		*bad = 0;
		rc = cc_error_set(err, CC_NO,
				  "copy %s of book '%s' is in no book",
				  cell(&rows, 0, 0), cell(&rows, 0, 1));
	}
	cc_reg_rows_free(&rows);
	if (rc != CC_OK)
		return rc;
	rc = EXEC0(r,
		   "SELECT b.book, b.last_number, "
		   "(SELECT count(*) FROM copies c WHERE c.office = b.office "
		   "AND c.book = b.book), "
		   "(SELECT max(c.number) FROM copies c WHERE c.office = "
		   "b.office AND c.book = b.book), "
		   "(SELECT max(a.seq) FROM audit a WHERE a.office = b.office "
		   "AND a.book = b.book AND a.action = 'reserve') "
		   "FROM books b ORDER BY b.office, b.book",
		   &rows, err);
	for (size_t i = 0; rc == CC_OK && i < rows.nrows; i++) {
		if (strcmp(cell(&rows, i, 1), cell(&rows, i, 2)) == 0 &&
		    strcmp(cell(&rows, i, 1), cell(&rows, i, 3)) == 0)
			continue;
		if (parse_ll(cell(&rows, i, 4), bad))
			*bad = 0;
		rc = cc_error_set(
			err, CC_NO,
			"book '%s' is not gap-free: last number %s, "
			"%s copies, highest %s",
			cell(&rows, i, 0), cell(&rows, i, 1), cell(&rows, i, 2),
			*cell(&rows, i, 3) ? cell(&rows, i, 3) : "none");
	}
	cc_reg_rows_free(&rows);
	return rc;
}

int cc_register_audit(struct cc_register *r, long long *entries,
		      long long *bad_seq, struct cc_error *err)
{
	long long last = 0, bad = 0;
	/* One snapshot throughout, so that changes made meanwhile by others
	 * are not seen half-way. */
	int rc = EXEC0(r, r->ops->begin_read_sql, NULL, err);

	if (rc == CC_OK)
		rc = audit_chain(r, &last, &bad, err);
	if (rc == CC_OK)
		rc = audit_copies(r, &bad, err);
	if (rc == CC_OK)
		rc = audit_books(r, &bad, err);
	rollback(r);
	if (entries)
		*entries = rc == CC_OK ? last : 0;
	if (bad_seq)
		*bad_seq = rc == CC_NO ? bad : 0;
	if (rc == CC_NO)
		cc_error_prefix(err, "register '%s'", r->name);
	return rc > CC_SYSTEM ? CC_SYSTEM : rc;
}
