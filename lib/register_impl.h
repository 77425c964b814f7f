/*
 * register_impl.h - between lib/register.c (everything backend-neutral)
 * and its backends, lib/register_sqlite.c and lib/register_pg.c: a
 * backend runs one SQL statement with parameters and hands back its rows
 * as text. The SQL is written once, with parameters ?1, ?2, ... (SQLite
 * reads them as they are, PostgreSQL's backend turns them into $1, $2, ...)
 * and only types and statements both accept. Not installed, not public.
 */
#ifndef CC_REGISTER_IMPL_H
#define CC_REGISTER_IMPL_H

#include <stddef.h>

#include "register.h"

/* Beside the cc_status codes, what exec may answer; never returned to a
 * caller of the public interface. */
enum {
	CC_REG_RETRY = 100,  /* serialisation failure or deadlock: run the
				transaction again */
	CC_REG_UNIQUE = 101, /* a UNIQUE or PRIMARY KEY constraint */
};

enum { CC_REG_NULL, CC_REG_TEXT, CC_REG_INT };

struct cc_reg_param {
	int kind;
	const char *text;
	long long num;
};

/* A text parameter (NULL for SQL NULL), an integer one. */
static inline struct cc_reg_param reg_text(const char *s)
{
	return (struct cc_reg_param){s ? CC_REG_TEXT : CC_REG_NULL, s, 0};
}

static inline struct cc_reg_param reg_int(long long n)
{
	return (struct cc_reg_param){CC_REG_INT, NULL, n};
}

/* A statement's result, row-major; a cell is NULL for SQL NULL. */
struct cc_reg_rows {
	size_t nrows, ncols;
	char **cell;
};

struct cc_reg_ops {
	/* Run sql with np parameters; with rows non-NULL, its rows there
	 * (freed by cc_reg_rows_free, also after a failure). CC_OK,
	 * CC_REG_RETRY, CC_REG_UNIQUE, or CC_SYSTEM with err filled. */
	int (*exec)(struct cc_register *r, const char *sql,
		    const struct cc_reg_param *p, size_t np,
		    struct cc_reg_rows *rows, struct cc_error *err);
	void (*close)(struct cc_register *r);
	const char *begin_sql;	    /* start a change ("BEGIN IMMEDIATE") */
	const char *begin_read_sql; /* start reading one snapshot */
	const char *migrate_lock;   /* taken before a migration, or NULL */
	const char *has_table;	    /* count of tables named ?1 */
};

struct cc_register {
	const struct cc_reg_ops *ops;
	void *db;
	char name[4096]; /* for messages: the path, or the URI redacted */
};

/* Open the backend into r (ops, db); name is already set. */
int cc_reg_sqlite_open(struct cc_register *r, const char *path,
		       struct cc_error *err);
int cc_reg_pg_open(struct cc_register *r, const char *uri,
		   struct cc_error *err);

/* Add a row of ncols cells (copied; NULL stays NULL); -1 without memory. */
int cc_reg_rows_add(struct cc_reg_rows *rows, size_t ncols,
		    const char *const *cells);
void cc_reg_rows_free(struct cc_reg_rows *rows);

#endif
