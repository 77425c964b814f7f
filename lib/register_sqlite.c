/*
 * register_sqlite.c - the register's SQLite backend: one database file in
 * WAL mode (readers never wait for the writer), synchronous=FULL (a
 * committed issuance survives a power cut), a 10 s busy timeout, and every
 * statement prepared once per connection and kept.
 */
#include "register_impl.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define BUSY_TIMEOUT_MS 10000
#define MAX_STMTS 48
#define MAX_COLS 32

struct sqlite_db {
	sqlite3 *db;
	struct {
		const char
			*sql; /* the caller's constant, compared by address */
		sqlite3_stmt *stmt;
	} cache[MAX_STMTS];
	size_t ncache;
};

static int fail(struct cc_register *r, struct sqlite_db *s,
		struct cc_error *err)
{
	return cc_error_set(err, CC_SYSTEM, "register '%s': %s", r->name,
			    sqlite3_errmsg(s->db));
}

static sqlite3_stmt *prepare(struct cc_register *r, struct sqlite_db *s,
			     const char *sql, int *temp, struct cc_error *err)
{
	sqlite3_stmt *stmt = NULL;

	for (size_t i = 0; i < s->ncache; i++)
		if (s->cache[i].sql == sql)
			return s->cache[i].stmt;
	*temp = s->ncache == MAX_STMTS;
	if (sqlite3_prepare_v3(s->db, sql, -1,
			       *temp ? 0 : SQLITE_PREPARE_PERSISTENT, &stmt,
			       NULL) != SQLITE_OK) {
		fail(r, s, err);
		return NULL;
	}
	if (!*temp) {
		s->cache[s->ncache].sql = sql;
		s->cache[s->ncache++].stmt = stmt;
	}
	return stmt;
}

static int status_of(struct cc_register *r, struct sqlite_db *s, int rc,
		     struct cc_error *err)
{
	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_UNIQUE ||
		    rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
			cc_error_set(err, CC_SYSTEM, "register '%s': %s",
				     r->name, sqlite3_errmsg(s->db));
			return CC_REG_UNIQUE;
		}
		break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		/* The busy timeout has run out: someone holds the lock. */
		return cc_error_set(err, CC_SYSTEM,
				    "register '%s' is busy: %s (held for "
				    "more than %d s)",
				    r->name, sqlite3_errmsg(s->db),
				    BUSY_TIMEOUT_MS / 1000);
	}
	return fail(r, s, err);
}

static int sqlite_exec(struct cc_register *r, const char *sql,
		       const struct cc_reg_param *p, size_t np,
		       struct cc_reg_rows *rows, struct cc_error *err)
{
	struct sqlite_db *s = r->db;
	int temp = 0, rc = CC_OK, step;
	sqlite3_stmt *stmt = prepare(r, s, sql, &temp, err);

	if (rows)
		*rows = (struct cc_reg_rows){0, 0, NULL};
	if (!stmt)
		return CC_SYSTEM;
	for (size_t i = 0; i < np && rc == CC_OK; i++) {
		int b = SQLITE_OK;

		if (p[i].kind == CC_REG_TEXT)
			b = sqlite3_bind_text(stmt, (int)i + 1, p[i].text, -1,
					      SQLITE_STATIC);
		else if (p[i].kind == CC_REG_INT)
			b = sqlite3_bind_int64(stmt, (int)i + 1, p[i].num);
		else
			b = sqlite3_bind_null(stmt, (int)i + 1);
		if (b != SQLITE_OK)
			rc = fail(r, s, err);
	}
	while (rc == CC_OK && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *cells[MAX_COLS];
		int n = sqlite3_column_count(stmt);

		if (!rows)
			continue;
		if (n > MAX_COLS) {
			rc = cc_error_set(err, CC_SYSTEM,
					  "register '%s': %d columns", r->name,
					  n);
			break;
		}
		for (int i = 0; i < n; i++)
			cells[i] = (const char *)sqlite3_column_text(stmt, i);
		if (cc_reg_rows_add(rows, (size_t)n, cells))
			rc = cc_error_set(err, CC_SYSTEM, "out of memory");
	}
	if (rc == CC_OK && step != SQLITE_DONE)
		rc = status_of(r, s, step, err);
	if (temp)
		sqlite3_finalize(stmt);
	else {
		sqlite3_reset(stmt);
		sqlite3_clear_bindings(stmt);
	}
	return rc;
}

static void sqlite_close(struct cc_register *r)
{
	struct sqlite_db *s = r->db;

	if (!s)
		return;
	for (size_t i = 0; i < s->ncache; i++)
		sqlite3_finalize(s->cache[i].stmt);
	sqlite3_close(s->db);
	sqlite3_free(s);
	r->db = NULL;
}

static const struct cc_reg_ops sqlite_ops = {
	.exec = sqlite_exec,
	.close = sqlite_close,
	.begin_sql = "BEGIN IMMEDIATE",
	/* Deferred: the snapshot is taken by the first read. */
	.begin_read_sql = "BEGIN",
	.migrate_lock = NULL,
	.has_table = "SELECT count(*) FROM sqlite_master "
		     "WHERE type = 'table' AND name = ?1",
};

/* Run a PRAGMA and read its one answer into val (may be NULL). Switching to
 * WAL takes a lock that the busy handler does not wait for: try again. */
static int pragma(struct cc_register *r, struct sqlite_db *s, const char *sql,
		  char *val, size_t size, struct cc_error *err)
{
	for (int attempt = 0;; attempt++) {
		sqlite3_stmt *stmt = NULL;
		int rc = sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL);

		if (rc == SQLITE_OK) {
			rc = sqlite3_step(stmt);
			if (rc == SQLITE_ROW && val) {
				const char *t =
					(const char *)sqlite3_column_text(stmt,
									  0);

				snprintf(val, size, "%s", t ? t : "");
			}
		}
		sqlite3_finalize(stmt);
		if (rc == SQLITE_ROW || rc == SQLITE_DONE || rc == SQLITE_OK)
			return CC_OK;
		if ((rc & 0xff) != SQLITE_BUSY || attempt >= 200)
			return status_of(r, s, rc, err);
		nanosleep(&(struct timespec){0, 50 * 1000 * 1000}, NULL);
	}
}

int cc_reg_sqlite_open(struct cc_register *r, const char *path,
		       struct cc_error *err)
{
	struct sqlite_db *s = sqlite3_malloc(sizeof(*s));
	char mode[16] = "";
	int rc;

	if (!s)
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	memset(s, 0, sizeof(*s));
	r->db = s;
	r->ops = &sqlite_ops;
	/* No URI filenames: a path is a path. */
	if (sqlite3_open_v2(path, &s->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				    SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		rc = s->db ? cc_error_set(err, CC_SYSTEM,
					  "cannot open register '%s': %s",
					  r->name, sqlite3_errmsg(s->db))
			   : cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	if ((rc = pragma(r, s, "PRAGMA journal_mode=WAL", mode, sizeof(mode),
			 err)))
		goto out;
	if (strcmp(mode, "wal") != 0) {
		rc = cc_error_set(err, CC_SYSTEM,
				  "register '%s': cannot use WAL mode there "
				  "(journal mode '%s')",
				  r->name, mode);
		goto out;
	}
	if ((rc = pragma(r, s, "PRAGMA synchronous=FULL", NULL, 0, err)))
		goto out;
out:
	if (rc)
		sqlite_close(r);
	return rc;
}
