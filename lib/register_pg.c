/*
 * register_pg.c - the register's PostgreSQL backend through libpq: one
 * connection; each statement prepared once (PQprepare) and then run with
 * PQexecPrepared, parameters as text, never spliced into SQL; every result
 * checked. SQLSTATE 40001 (serialisation
 * failure) and 40P01 (deadlock) ask the caller to run the transaction
 * again; 23505 is a unique constraint. A migration holds an advisory lock,
 * so that kiosks starting together do not create the tables twice.
 * libpq is loaded when the first PostgreSQL register opens (dynlib.h).
 */
#include "register_impl.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dynlib.h"

#define LIBPQ(X)                                                               \
	X(PQconnectdbParams)                                                   \
	X(PQstatus)                                                            \
	X(PQsetClientEncoding)                                                 \
	X(PQerrorMessage)                                                      \
	X(PQfinish)                                                            \
	X(PQprepare)                                                           \
	X(PQexecPrepared)                                                      \
	X(PQexecParams)                                                        \
	X(PQresultStatus)                                                      \
	X(PQresultErrorField)                                                  \
	X(PQresultErrorMessage)                                                \
	X(PQntuples)                                                           \
	X(PQnfields)                                                           \
	X(PQgetisnull)                                                         \
	X(PQgetvalue)                                                          \
	X(PQclear)
CC_DYNLIB(libpq, "libpq.so.5", LIBPQ);

#define MAX_PARAMS 24
#define MAX_COLS 32
#define MAX_STMTS 48

struct pg_db {
	PGconn *conn;
	struct {
		const char
			*sql; /* the caller's constant, compared by address */
		char name[8];
	} cache[MAX_STMTS];
	size_t ncache;
};

/* libpq's messages end with a newline and may hold several lines. */
static const char *pg_msg(const char *m, char *buf, size_t size)
{
	size_t n;

	snprintf(buf, size, "%s", m && *m ? m : "unknown error");
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	for (char *p = buf; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	return buf;
}

/* "?N" in the shared SQL becomes "$N"; the SQL is ours and has no '?'
 * anywhere else. */
static int dollars(const char *sql, char *out, size_t size)
{
	size_t n = strlen(sql);

	if (n >= size)
		return -1;
	for (size_t i = 0; i <= n; i++)
		out[i] = sql[i] == '?' ? '$' : sql[i];
	return 0;
}

/* A statement's prepared name, preparing it the first time (NULL: run it
 * unprepared; *res holds a failure to look at). */
static const char *prepared(struct pg_db *db, const char *sql, const char *text,
			    int np, PGresult **res)
{
	for (size_t i = 0; i < db->ncache; i++)
		if (db->cache[i].sql == sql)
			return db->cache[i].name;
	if (db->ncache == MAX_STMTS)
		return NULL;
	snprintf(db->cache[db->ncache].name, sizeof(db->cache[0].name), "s%zu",
		 db->ncache);
	*res = sym_PQprepare(db->conn, db->cache[db->ncache].name, text, np,
			     NULL);
	if (!*res || sym_PQresultStatus(*res) != PGRES_COMMAND_OK)
		return NULL;
	sym_PQclear(*res);
	*res = NULL;
	db->cache[db->ncache].sql = sql;
	return db->cache[db->ncache++].name;
}

static int pg_exec(struct cc_register *r, const char *sql,
		   const struct cc_reg_param *p, size_t np,
		   struct cc_reg_rows *rows, struct cc_error *err)
{
	struct pg_db *db = r->db;
	PGconn *conn = db->conn;
	const char *name;
	const char *values[MAX_PARAMS];
	char nums[MAX_PARAMS][24], text[4096], msg[200];
	PGresult *res = NULL;
	int rc = CC_OK;

	if (rows)
		*rows = (struct cc_reg_rows){0, 0, NULL};
	if (np > MAX_PARAMS || dollars(sql, text, sizeof(text)))
		return cc_error_set(err, CC_SYSTEM,
				    "register '%s': statement too long",
				    r->name);
	for (size_t i = 0; i < np; i++) {
		if (p[i].kind == CC_REG_INT) {
			snprintf(nums[i], sizeof(nums[i]), "%lld", p[i].num);
			values[i] = nums[i];
		} else {
			values[i] = p[i].kind == CC_REG_TEXT ? p[i].text : NULL;
		}
	}
	name = prepared(db, sql, text, (int)np, &res);
	if (name)
		res = sym_PQexecPrepared(conn, name, (int)np, values, NULL,
					 NULL, 0);
	else if (!res)
		res = sym_PQexecParams(conn, text, (int)np, NULL, values, NULL,
				       NULL, 0);
	switch (res ? sym_PQresultStatus(res) : PGRES_FATAL_ERROR) {
	case PGRES_COMMAND_OK:
		break;
	case PGRES_TUPLES_OK: {
		int nr = sym_PQntuples(res), nc = sym_PQnfields(res);

		if (!rows)
			break;
		if (nc > MAX_COLS) {
			rc = cc_error_set(err, CC_SYSTEM,
					  "register '%s': %d columns", r->name,
					  nc);
			break;
		}
		for (int i = 0; i < nr && rc == CC_OK; i++) {
			const char *cells[MAX_COLS];

			for (int j = 0; j < nc; j++)
				cells[j] = sym_PQgetisnull(res, i, j)
						   ? NULL
						   : sym_PQgetvalue(res, i, j);
			if (cc_reg_rows_add(rows, (size_t)nc, cells))
				rc = cc_error_set(err, CC_SYSTEM,
						  "out of memory");
		}
		break;
	}
	default: {
		const char *state =
			res ? sym_PQresultErrorField(res, PG_DIAG_SQLSTATE)
			    : NULL;

		pg_msg(res ? sym_PQresultErrorMessage(res)
			   : sym_PQerrorMessage(conn),
		       msg, sizeof(msg));
		if (sym_PQstatus(conn) != CONNECTION_OK)
			rc = cc_error_set(err, CC_SYSTEM,
					  "register '%s': connection lost: %s",
					  r->name, msg);
		else if (state && (strcmp(state, "40001") == 0 ||
				   strcmp(state, "40P01") == 0))
			rc = CC_REG_RETRY;
		else if (state && strcmp(state, "23505") == 0) {
			cc_error_set(err, CC_SYSTEM, "register '%s': %s",
				     r->name, msg);
			rc = CC_REG_UNIQUE;
		} else
			rc = cc_error_set(err, CC_SYSTEM, "register '%s': %s",
					  r->name, msg);
	}
	}
	sym_PQclear(res);
	return rc;
}

static void pg_close(struct cc_register *r)
{
	struct pg_db *db = r->db;

	if (db) {
		sym_PQfinish(db->conn);
		free(db);
	}
	r->db = NULL;
}

static const struct cc_reg_ops pg_ops = {
	.exec = pg_exec,
	.close = pg_close,
	/* Read committed is enough: every change first locks the chain's
	 * head row, so each statement after it sees every earlier change. */
	.begin_sql = "BEGIN ISOLATION LEVEL READ COMMITTED",
	.begin_read_sql = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
	/* Any constant of our own: the ASCII of "ccregist". */
	.migrate_lock = "SELECT pg_advisory_xact_lock(7161693612301448052)",
	.has_table = "SELECT count(*) FROM pg_catalog.pg_tables "
		     "WHERE schemaname = current_schema() AND tablename = ?1",
};

int cc_reg_pg_open(struct cc_register *r, const char *uri, struct cc_error *err)
{
	/* The URI's own settings override the defaults before it. */
	static const char *const keys[] = {
		"connect_timeout", "fallback_application_name", "dbname", NULL};
	const char *values[] = {"10", "certcopy", uri, NULL};
	char msg[200];
	struct pg_db *db;
	PGconn *conn;

	if (cc_dynlib_load(&libpq, err)) {
		cc_error_prefix(err, "cannot connect to register '%s'",
				r->name);
		return CC_SYSTEM;
	}
	db = calloc(1, sizeof(*db));
	r->ops = &pg_ops;
	r->db = db;
	if (!db || !(conn = db->conn = sym_PQconnectdbParams(keys, values, 1)))
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	if (sym_PQstatus(conn) != CONNECTION_OK) {
		cc_error_set(
			err, CC_SYSTEM, "cannot connect to register '%s': %s",
			r->name,
			pg_msg(sym_PQerrorMessage(conn), msg, sizeof(msg)));
		pg_close(r);
		return CC_SYSTEM;
	}
	if (sym_PQsetClientEncoding(conn, "UTF8") != 0) {
		cc_error_set(
			err, CC_SYSTEM, "register '%s': cannot use UTF-8: %s",
			r->name,
			pg_msg(sym_PQerrorMessage(conn), msg, sizeof(msg)));
		pg_close(r);
		return CC_SYSTEM;
	}
	return CC_OK;
}
