/*
 * test-register.c - the certification book, the same suite on SQLite (a file
 * in the scratch directory) and on PostgreSQL (a throw-away cluster this
 * test starts with initdb/pg_ctl on a private directory and stops at the
 * end, skipped with the reason when it cannot be started): reserve, issue,
 * void, revoke, look-ups, gap-free numbering across years, offices and
 * books, refusals that leave nothing behind, stale reservations, several
 * processes at once, and the audit check finding an edited or deleted row
 * (edited behind the library's back, with SQLite's C API or libpq), plus the
 * refusal of a newer schema. SQLite only: the default place and the URI
 * forms.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "register.h"
#include "scratch.h"

#define OFFICE "DEMO01"
#define PREFIX "SCTĐT/BS"
#define BOOK "01/2026-SCTĐT/BS"
#define WHO "Nguyễn Văn An"
#define SEAL "5ea15ea15ea15ea15ea15ea15ea15ea15ea15ea15ea15ea15ea15ea15ea15ea1"
#define PDF1 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"
#define PDF2 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2"
#define SCAN "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define CODE1 "7K3M-Q9TX-2B4D-X5Q1"
#define CODE2 "7K3M-Q9TX-2B4D-X5Q2"

/* One backend: SQLite files in a scratch directory, or databases of a
 * PostgreSQL cluster. */
struct backend {
	int pg;
	char dir[4096];	 /* scratch (SQLite files, tampering) */
	char pgdir[256]; /* the cluster's directory (data, socket, logs) */
	char pgbin[256]; /* where initdb and pg_ctl are */
	char runas[300]; /* "runuser -u postgres -- " when root */
	int port;	 /* names the socket; no TCP */
	char skip[400];	 /* why the PostgreSQL tests skip */
	int ndb;	 /* registers made so far */
	char uri[4500];	 /* the current test's register */
	char path[4400]; /* its file (SQLite) */
	char admin[600]; /* PostgreSQL: the maintenance database */
};

static void need(struct backend *b)
{
	if (b->skip[0]) {
		print_message("skip: %s\n", b->skip);
		skip();
	}
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int n, st;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(cmd))
		return -1;
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* SQL run behind the library's back. */
static void tamper(struct backend *b, const char *sql)
{
	if (b->pg) {
		PGconn *c = PQconnectdb(b->uri);
		PGresult *res;

		assert_int_equal(PQstatus(c), CONNECTION_OK);
		res = PQexec(c, sql);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			print_message("%s: %s", sql, PQresultErrorMessage(res));
		assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
		PQclear(res);
		PQfinish(c);
	} else {
		sqlite3 *db = NULL;
		char *msg = NULL;

		assert_int_equal(sqlite3_open(b->path, &db), SQLITE_OK);
		if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
			fail_msg("%s: %s", sql, msg);
		sqlite3_close(db);
	}
}

/* A new, empty register for the test. */
static const char *fresh(struct backend *b)
{
	int n = ++b->ndb;

	if (b->pg) {
		char sql[64];
		PGconn *c = PQconnectdb(b->admin);
		PGresult *res;

		assert_int_equal(PQstatus(c), CONNECTION_OK);
		snprintf(sql, sizeof(sql), "CREATE DATABASE r%d", n);
		res = PQexec(c, sql);
		assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
		PQclear(res);
		PQfinish(c);
		snprintf(b->uri, sizeof(b->uri),
			 "postgresql://cc@/r%d?host=%s&port=%d", n, b->pgdir,
			 b->port);
	} else {
		snprintf(b->path, sizeof(b->path), "%s/r%d.db", b->dir, n);
		snprintf(b->uri, sizeof(b->uri), "sqlite:%s", b->path);
	}
	return b->uri;
}

static struct cc_register *open_fresh(struct backend *b)
{
	struct cc_error err = {0, ""};
	struct cc_register *r;

	need(b);
	r = cc_register_open(fresh(b), &err);
	if (!r)
		fail_msg("open: %s", err.msg);
	return r;
}

static long long reserve(struct cc_register *r, const char *office,
			 const char *prefix, int year)
{
	struct cc_error err = {0, ""};
	struct cc_reservation res;
	int rc = cc_register_reserve(r, office, prefix, year, WHO, &res, &err);

	if (rc)
		fail_msg("reserve: %s", err.msg);
	return res.number;
}

static int issue(struct cc_register *r, long long number, const char *code,
		 const char *pdf, struct cc_error *err)
{
	struct cc_issue is = {.office = OFFICE,
			      .book = BOOK,
			      .number = number,
			      .code = code,
			      .seal_cert_sha256 = SEAL,
			      .pages = 3,
			      .fee = 5000,
			      .scan_sha256 = SCAN,
			      .pdf_sha256 = pdf};

	return cc_register_issue(r, &is, err);
}

static long long audit_ok(struct cc_register *r)
{
	struct cc_error err = {0, ""};
	long long n = -1, bad = -1;
	int rc = cc_register_audit(r, &n, &bad, &err);

	if (rc)
		fail_msg("audit: %s", err.msg);
	assert_int_equal(bad, 0);
	return n;
}

static void test_reserve_issue_find(void **state)
{
	struct cc_register *r = open_fresh(*state);
	struct cc_error err = {0, ""};
	struct cc_reservation res;
	struct cc_copy c;

	assert_int_equal(
		cc_register_reserve(r, OFFICE, PREFIX, 2026, WHO, &res, &err),
		CC_OK);
	assert_int_equal(res.number, 1);
	assert_string_equal(res.book, BOOK);
	assert_string_equal(res.office, OFFICE);
	assert_int_equal(res.year, 2026);

	assert_int_equal(cc_register_find_number(r, OFFICE, BOOK, 1, &c, &err),
			 CC_OK);
	assert_string_equal(c.status, "reserved");
	assert_string_equal(c.code, "");
	assert_string_equal(c.certifier, WHO);

	struct cc_issue is = {.office = OFFICE,
			      .book = BOOK,
			      .number = 1,
			      .code = "7k3m-q9tx-2b4d-x5q1", /* any case */
			      .seal_cert_sha256 = SEAL,
			      .pages = 2,
			      .fee = 4000,
			      .scan_sha256 = SCAN,
			      .pdf_sha256 = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
					    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1",
			      .issued_at = "2026-11-28T09:15:00Z"};
	assert_int_equal(cc_register_issue(r, &is, &err), CC_OK);

	/* By code: canonical form, any case, O for 0, I and L for 1, no
	 * hyphens. */
	memset(&c, 0x55, sizeof(c));
	assert_int_equal(cc_register_find_code(r, "7K3MQ9TX2B4DX5QL", &c, &err),
			 CC_OK);
	assert_string_equal(c.code, CODE1);
	assert_string_equal(c.office, OFFICE);
	assert_string_equal(c.book, BOOK);
	assert_int_equal(c.number, 1);
	assert_int_equal(c.year, 2026);
	assert_string_equal(c.status, "issued");
	assert_string_equal(c.certifier, WHO);
	assert_string_equal(c.seal_cert_sha256, SEAL);
	assert_int_equal(c.pages, 2);
	assert_int_equal(c.fee, 4000);
	assert_string_equal(c.scan_sha256, SCAN);
	assert_string_equal(c.pdf_sha256, PDF1);
	assert_string_equal(c.issued_at, "2026-11-28T09:15:00Z");
	assert_int_equal(strlen(c.reserved_at), 20);
	assert_string_equal(c.revoked_at, "");

	memset(&c, 0, sizeof(c));
	assert_int_equal(cc_register_find_sha256(r, PDF1, &c, &err), CC_OK);
	assert_string_equal(c.code, CODE1);
	assert_int_equal(cc_register_find_sha256(r, PDF2, &c, &err), CC_NO);
	assert_int_equal(cc_register_find_code(r, CODE2, &c, &err), CC_NO);
	assert_non_null(strstr(err.msg, CODE2));
	assert_int_equal(cc_register_find_number(r, OFFICE, BOOK, 2, &c, &err),
			 CC_NO);

	/* Without scan or time: now, and no scan. */
	long long n = reserve(r, OFFICE, PREFIX, 2026);
	assert_int_equal(n, 2);
	struct cc_issue is2 = {.office = OFFICE,
			       .book = BOOK,
			       .number = 2,
			       .code = CODE2,
			       .seal_cert_sha256 = SEAL,
			       .pages = 1,
			       .fee = 2000,
			       .pdf_sha256 = PDF2};
	assert_int_equal(cc_register_issue(r, &is2, &err), CC_OK);
	assert_int_equal(cc_register_find_code(r, CODE2, &c, &err), CC_OK);
	assert_string_equal(c.scan_sha256, "");
	assert_int_equal(strlen(c.issued_at), 20);

	assert_int_equal(audit_ok(r), 4);
	cc_register_close(r);
}

static void test_numbering(void **state)
{
	struct cc_register *r = open_fresh(*state);

	for (int i = 1; i <= 5; i++)
		assert_int_equal(reserve(r, OFFICE, PREFIX, 2026), i);
	/* A new year starts a new book at 1; so does another office and
	 * another book (paper copies) of the same office. */
	assert_int_equal(reserve(r, OFFICE, PREFIX, 2027), 1);
	assert_int_equal(reserve(r, "HN02", PREFIX, 2026), 1);
	assert_int_equal(reserve(r, OFFICE, "SCT/BS", 2026), 1);
	assert_int_equal(reserve(r, OFFICE, PREFIX, 2027), 2);
	assert_int_equal(reserve(r, OFFICE, PREFIX, 2026), 6);
	assert_int_equal(reserve(r, "HN02", PREFIX, 2026), 2);
	assert_int_equal(audit_ok(r), 11);
	cc_register_close(r);

	/* Numbering goes on after the register is opened again. */
	struct backend *b = *state;
	struct cc_error err = {0, ""};

	r = cc_register_open(b->uri, &err);
	assert_non_null(r);
	assert_int_equal(reserve(r, OFFICE, PREFIX, 2026), 7);
	cc_register_close(r);
}

static void test_refusals(void **state)
{
	struct cc_register *r = open_fresh(*state);
	struct cc_error err = {0, ""};
	struct cc_reservation res;
	struct cc_copy c;
	char longer[600];

	assert_int_equal(reserve(r, OFFICE, PREFIX, 2026), 1);
	assert_int_equal(reserve(r, OFFICE, PREFIX, 2026), 2);
	assert_int_equal(reserve(r, OFFICE, PREFIX, 2026), 3);
	assert_int_equal(audit_ok(r), 3);

	/* A number not in the book. */
	assert_int_equal(issue(r, 9, CODE1, PDF1, &err), CC_NO);
	assert_string_equal(err.msg, "number 9 is not in book '" BOOK
				     "' of office '" OFFICE "'");
	assert_int_equal(issue(r, 1, CODE1, PDF1, &err), CC_OK);
	/* Twice. */
	assert_int_equal(issue(r, 1, CODE2, PDF2, &err), CC_NO);
	assert_string_equal(err.msg,
			    "number 1 of book '" BOOK "' is already issued");
	/* A code already used, by another number. */
	assert_int_equal(issue(r, 2, "7k3m-q9tx-2b4d-x5q1", PDF2, &err), CC_NO);
	assert_non_null(strstr(err.msg, "code '" CODE1 "' is already used"));
	/* An issued number cannot be voided; a void one cannot be issued. */
	assert_int_equal(
		cc_register_void(r, OFFICE, BOOK, 1, "admin", "mistake", &err),
		CC_NO);
	assert_non_null(strstr(err.msg, "revoke it"));
	assert_int_equal(cc_register_void(r, OFFICE, BOOK, 2, "admin",
					  "paper jam", &err),
			 CC_OK);
	assert_int_equal(
		cc_register_void(r, OFFICE, BOOK, 2, "admin", "again", &err),
		CC_NO);
	assert_int_equal(issue(r, 2, CODE2, PDF2, &err), CC_NO);
	assert_non_null(strstr(err.msg, "is void"));
	assert_int_equal(
		cc_register_void(r, OFFICE, BOOK, 7, "admin", "x", &err),
		CC_NO);
	/* Revocations. */
	assert_int_equal(cc_register_revoke(r, CODE2, "admin", "x", &err),
			 CC_NO);
	assert_string_equal(err.msg, "unknown code '" CODE2 "'");
	assert_int_equal(cc_register_revoke(r, CODE1, "admin",
					    "forged "
					    "original",
					    &err),
			 CC_OK);
	assert_int_equal(cc_register_revoke(r, CODE1, "admin", "again", &err),
			 CC_NO);
	assert_int_equal(issue(r, 1, CODE2, PDF2, &err), CC_NO);
	assert_non_null(strstr(err.msg, "revoked"));
	/* Every refusal above left nothing: 3 reserves, issue, void,
	 * revoke. */
	assert_int_equal(audit_ok(r), 6);

	/* Inputs checked before any SQL. */
	assert_int_equal(cc_register_reserve(r, "D\xc3\x28", PREFIX, 2026, WHO,
					     &res, &err),
			 CC_INPUT);
	assert_string_equal(err.msg, "office is not valid UTF-8");
	assert_int_equal(
		cc_register_reserve(r, "D\nX", PREFIX, 2026, WHO, &res, &err),
		CC_INPUT);
	assert_int_equal(cc_register_reserve(r,
					     "OFFICE-WITH-A-VERY-LONG-CODE-"
					     "NAME",
					     PREFIX, 2026, WHO, &res, &err),
			 CC_INPUT);
	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	assert_int_equal(cc_register_reserve(r, OFFICE, PREFIX, 2026, longer,
					     &res, &err),
			 CC_INPUT);
	assert_int_equal(cc_register_reserve(r, OFFICE, longer + 540, 2026, WHO,
					     &res, &err),
			 CC_INPUT);
	assert_int_equal(
		cc_register_reserve(r, OFFICE, PREFIX, 12026, WHO, &res, &err),
		CC_INPUT);
	assert_int_equal(
		cc_register_reserve(r, OFFICE, "", 2026, WHO, &res, &err),
		CC_USAGE);
	assert_int_equal(issue(r, 3, "7K3M-Q9TX-2B4D-X5QU", PDF2, &err),
			 CC_INPUT); /* U is not a symbol */
	assert_int_equal(issue(r, 3, "7K3M-Q9TX-2B4D-X5Q", PDF2, &err),
			 CC_INPUT);
	assert_int_equal(issue(r, 3, "7K3M-Q9TX-2B4D-X5Q11", PDF2, &err),
			 CC_INPUT);
	assert_int_equal(issue(r, 3, "7K3M--Q9TX-2B4D-X5Q1", PDF2, &err),
			 CC_INPUT);
	assert_int_equal(issue(r, 3, CODE2, "abc", &err), CC_INPUT);
	assert_int_equal(issue(r, 3, CODE2, PDF1 "0", &err), CC_INPUT);
	struct cc_issue is = {.office = OFFICE,
			      .book = BOOK,
			      .number = 3,
			      .code = CODE2,
			      .seal_cert_sha256 = SEAL,
			      .pages = 0,
			      .fee = 0,
			      .pdf_sha256 = PDF2};
	assert_int_equal(cc_register_issue(r, &is, &err), CC_INPUT);
	is.pages = 1;
	is.issued_at = "2026-11-28 09:15:00";
	assert_int_equal(cc_register_issue(r, &is, &err), CC_INPUT);
	is.issued_at = "2026-13-28T09:15:00Z";
	assert_int_equal(cc_register_issue(r, &is, &err), CC_INPUT);
	is.issued_at = NULL;
	is.seal_cert_sha256 = NULL;
	assert_int_equal(cc_register_issue(r, &is, &err), CC_USAGE);
	assert_int_equal(
		cc_register_void(r, OFFICE, BOOK, 3, "admin", NULL, &err),
		CC_USAGE);
	assert_int_equal(
		cc_register_void(r, OFFICE, BOOK, 0, "admin", "x", &err),
		CC_INPUT);
	assert_int_equal(cc_register_find_code(r, "not a code", &c, &err),
			 CC_INPUT);
	assert_int_equal(cc_register_find_sha256(r, "12", &c, &err), CC_INPUT);
	/* SQL in the data is data. */
	assert_int_equal(reserve(r, "x'); DROP TABLE copies; --", PREFIX, 2026),
			 1);
	assert_int_equal(audit_ok(r), 7);
	cc_register_close(r);
}

static void test_void_stale(void **state)
{
	struct cc_register *r = open_fresh(*state);
	struct cc_error err = {0, ""};
	struct cc_copy c;
	int n = -1;

	for (int i = 1; i <= 4; i++)
		reserve(r, OFFICE, PREFIX, 2026);
	assert_int_equal(issue(r, 2, CODE1, PDF1, &err), CC_OK);
	assert_int_equal(cc_register_void_stale(r, -1, "cc-stamp", &n, &err),
			 CC_OK);
	assert_int_equal(n, 0);
	assert_int_equal(cc_register_void_stale(r, 3600, "cc-stamp", &n, &err),
			 CC_OK);
	assert_int_equal(n, 0);
	assert_int_equal(cc_register_void_stale(r, 0, "cc-stamp", &n, &err),
			 CC_OK);
	assert_int_equal(n, 3);
	for (int i = 1; i <= 4; i++) {
		assert_int_equal(
			cc_register_find_number(r, OFFICE, BOOK, i, &c, &err),
			CC_OK);
		assert_string_equal(c.status, i == 2 ? "issued" : "void");
		if (i != 2) {
			assert_string_equal(c.voided_by, "cc-stamp");
			assert_string_equal(c.void_reason,
					    "not issued within 0 s");
		}
	}
	assert_int_equal(cc_register_void_stale(r, 0, "cc-stamp", &n, &err),
			 CC_OK);
	assert_int_equal(n, 0);
	/* Never reused: the next number is 5. */
	assert_int_equal(reserve(r, OFFICE, PREFIX, 2026), 5);
	assert_int_equal(audit_ok(r), 4 + 1 + 3 + 1);
	/* More than one transaction's worth at once. */
	for (int i = 1; i <= 1100; i++)
		assert_int_equal(reserve(r, "HN02", PREFIX, 2026), i);
	assert_int_equal(cc_register_void_stale(r, 0, "cc-stamp", NULL, &err),
			 CC_OK);
	assert_int_equal(cc_register_find_number(r, OFFICE, BOOK, 5, &c, &err),
			 CC_OK);
	assert_string_equal(c.status, "void");
	assert_int_equal(
		cc_register_find_number(r, "HN02", BOOK, 1100, &c, &err),
		CC_OK);
	assert_string_equal(c.status, "void");
	assert_int_equal(audit_ok(r), 9 + 1100 + 1101);
	cc_register_close(r);
}

static void test_revoke(void **state)
{
	struct cc_register *r = open_fresh(*state);
	struct cc_error err = {0, ""};
	struct cc_copy c;

	reserve(r, OFFICE, PREFIX, 2026);
	assert_int_equal(issue(r, 1, CODE1, PDF1, &err), CC_OK);
	assert_int_equal(
		cc_register_revoke(r, "7k3m q9tx", "Trần Thị B", "x", &err),
		CC_INPUT);
	assert_int_equal(cc_register_revoke(r, "7k3mq9tx2b4dx5q1", "Trần Thị B",
					    "bản chính giả mạo", &err),
			 CC_OK);
	assert_int_equal(cc_register_find_code(r, CODE1, &c, &err), CC_OK);
	assert_string_equal(c.status, "revoked");
	assert_string_equal(c.revoked_by, "Trần Thị B");
	assert_string_equal(c.revoked_reason, "bản chính giả mạo");
	assert_int_equal(strlen(c.revoked_at), 20);
	/* Still found by its PDF, as revoked. */
	assert_int_equal(cc_register_find_sha256(r, PDF1, &c, &err), CC_OK);
	assert_string_equal(c.status, "revoked");
	assert_int_equal(audit_ok(r), 3);
	cc_register_close(r);
}

/* A register with 10 entries: 5 reserved, 1..3 issued, 4 void, 2 revoked. */
static struct cc_register *book_of_ten(struct backend *b)
{
	struct cc_register *r = open_fresh(b);
	struct cc_error err = {0, ""};

	for (int i = 1; i <= 5; i++)
		reserve(r, OFFICE, PREFIX, 2026);
	assert_int_equal(issue(r, 1, CODE1, PDF1, &err), CC_OK);
	assert_int_equal(issue(r, 2, CODE2, PDF2, &err), CC_OK);
	assert_int_equal(issue(r, 3, "0000-0000-0000-0003", PDF1, &err), CC_OK);
	assert_int_equal(
		cc_register_void(r, OFFICE, BOOK, 4, "admin", "jam", &err),
		CC_OK);
	assert_int_equal(cc_register_revoke(r, CODE2, "admin", "forged", &err),
			 CC_OK);
	assert_int_equal(audit_ok(r), 10);
	return r;
}

static void expect_bad(struct cc_register *r, long long seq, const char *words)
{
	struct cc_error err = {0, ""};
	long long n = -1, bad = -1;

	assert_int_equal(cc_register_audit(r, &n, &bad, &err), CC_NO);
	if (bad != seq || !strstr(err.msg, words))
		fail_msg("expected entry %lld, '%s'; got %lld: %s", seq, words,
			 bad, err.msg);
	assert_int_equal(n, 0);
}

static void test_audit_edited_entry(void **state)
{
	struct backend *b = *state;
	struct cc_register *r = book_of_ten(b);

	tamper(b, "UPDATE audit SET reason = 'nothing to see' WHERE seq = 9");
	expect_bad(r, 9, "audit entry 9 has been altered");
	tamper(b, "UPDATE audit SET reason = 'jam' WHERE seq = 9");
	assert_int_equal(audit_ok(r), 10);
	/* An entry whose hash is made to fit breaks the next one's link. */
	tamper(b, "UPDATE audit SET prev_hash = hash WHERE seq = 4");
	expect_bad(r, 4, "audit entry 4 does not follow entry 3");
	cc_register_close(r);
}

static void test_audit_deleted_entry(void **state)
{
	struct backend *b = *state;
	struct cc_register *r = book_of_ten(b);

	tamper(b, "DELETE FROM audit WHERE seq = 6");
	expect_bad(r, 6, "audit entry 6 is missing");
	cc_register_close(r);

	r = book_of_ten(b);
	tamper(b, "DELETE FROM audit WHERE seq >= 9");
	expect_bad(r, 9, "audit entries 9 to 10 are missing");
	cc_register_close(r);

	/* Deleted and the head moved back too: the copies tell. */
	r = book_of_ten(b);
	tamper(b, "DELETE FROM audit WHERE seq = 10; UPDATE audit_head SET "
		  "seq = 9, hash = (SELECT hash FROM audit WHERE seq = 9)");
	expect_bad(r, 7, "copy 2 of book '" BOOK "' is not as audit entry 7");
	cc_register_close(r);
}

static void test_audit_edited_copy(void **state)
{
	struct backend *b = *state;
	struct cc_register *r = book_of_ten(b);
	struct cc_error err = {0, ""};

	/* The revoked copy made valid again. */
	tamper(b, "UPDATE copies SET status = 'issued', revoked_at = '', "
		  "revoked_by = '', revoked_reason = '' WHERE number = 2");
	expect_bad(r, 10, "copy 2 of book '" BOOK "' is not as audit entry 10");
	cc_register_close(r);

	r = book_of_ten(b);
	tamper(b, "UPDATE copies SET pdf_sha256 = '" PDF2 "' WHERE number = 3");
	expect_bad(r, 8, "copy 3 of book '" BOOK "' is not as audit entry 8");
	cc_register_close(r);

	/* A copy deleted (and the book's counter put back). */
	r = book_of_ten(b);
	tamper(b, "DELETE FROM copies WHERE number = 5; UPDATE books SET "
		  "last_number = 4");
	expect_bad(r, 5, "the copy of audit entry 5 is missing");
	cc_register_close(r);

	/* The counter moved back: the next reservation would clash. */
	r = book_of_ten(b);
	tamper(b, "UPDATE books SET last_number = 3");
	expect_bad(r, 5, "book '" BOOK "' is not gap-free");
	struct cc_reservation res;
	assert_int_equal(
		cc_register_reserve(r, OFFICE, PREFIX, 2026, WHO, &res, &err),
		CC_SYSTEM);
	assert_non_null(strstr(err.msg, "is damaged"));
	cc_register_close(r);
}

static void test_schema_version(void **state)
{
	struct backend *b = *state;
	struct cc_register *r = open_fresh(b);
	struct cc_error err = {0, ""};

	cc_register_close(r);
	/* Opened again: nothing migrated twice. */
	r = cc_register_open(b->uri, &err);
	assert_non_null(r);
	cc_register_close(r);
	tamper(b, "INSERT INTO schema_version (version, applied_at) "
		  "VALUES (99, '2030-01-01T00:00:00Z')");
	assert_null(cc_register_open(b->uri, &err));
	assert_int_equal(err.code, CC_SYSTEM);
	assert_non_null(strstr(err.msg, "has schema version 99, newer than "
					"this certcopy knows (1)"));
}

/* Processes at once, each with its own connection. */
static void test_concurrent(void **state)
{
	struct backend *b = *state;
	struct cc_register *r = open_fresh(b);
	enum { PROCS = 8, EACH = 25 };
	pid_t pids[PROCS];
	int seen[PROCS * EACH + 1] = {0};
	struct cc_copy c;
	struct cc_error err = {0, ""};

	cc_register_close(r);
	for (int p = 0; p < PROCS; p++) {
		pids[p] = fork();
		assert_true(pids[p] >= 0);
		if (pids[p] == 0) {
			struct cc_register *w = cc_register_open(b->uri, &err);

			for (int i = 0; w && i < EACH; i++) {
				struct cc_reservation res;
				char code[20], pdf[65];

				snprintf(code, sizeof(code),
					 "%04d-0000-0000-%04d", p, i);
				snprintf(pdf, sizeof(pdf), "%064d",
					 p * 100 + i);
				if (cc_register_reserve(w, OFFICE, PREFIX, 2026,
							WHO, &res, &err) ||
				    issue(w, res.number, code, pdf, &err)) {
					fprintf(stderr, "child %d: %s\n", p,
						err.msg);
					_exit(1);
				}
			}
			cc_register_close(w);
			_exit(w ? 0 : 1);
		}
	}
	for (int p = 0; p < PROCS; p++) {
		int st;

		assert_int_equal(waitpid(pids[p], &st, 0), pids[p]);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	r = cc_register_open(b->uri, &err);
	assert_non_null(r);
	for (int n = 1; n <= PROCS * EACH; n++) {
		assert_int_equal(
			cc_register_find_number(r, OFFICE, BOOK, n, &c, &err),
			CC_OK);
		assert_string_equal(c.status, "issued");
		int p = atoi(c.code), i = atoi(c.code + 15);
		assert_true(p >= 0 && p < PROCS && i >= 0 && i < EACH);
		assert_int_equal(seen[p * EACH + i]++, 0);
	}
	assert_int_equal(cc_register_find_number(r, OFFICE, BOOK,
						 PROCS * EACH + 1, &c, &err),
			 CC_NO);
	assert_int_equal(audit_ok(r), 2 * PROCS * EACH);
	cc_register_close(r);
}

/* ---- SQLite only ---- */

static void test_default_place(void **state)
{
	struct backend *b = *state;
	struct cc_error err = {0, ""};
	struct cc_register *r;
	struct stat st;
	char path[4400], conf[4400];
	FILE *f;

	snprintf(conf, sizeof(conf), "%s/empty.conf", b->dir);
	f = fopen(conf, "w");
	assert_non_null(f);
	fclose(f);
	setenv("CERTCOPY_CONF", conf, 1);
	snprintf(path, sizeof(path), "%s/xdg/data", b->dir);
	setenv("XDG_DATA_HOME", path, 1);
	r = cc_register_open(NULL, &err);
	if (!r)
		fail_msg("open: %s", err.msg);
	assert_int_equal(reserve(r, OFFICE, PREFIX, 2026), 1);
	snprintf(path, sizeof(path), "%s/xdg/data/certcopy/register.db",
		 b->dir);
	assert_string_equal(cc_register_name(r), path);
	cc_register_close(r);
	assert_int_equal(stat(path, &st), 0);
	snprintf(path, sizeof(path), "%s/xdg/data/certcopy", b->dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	snprintf(path, sizeof(path), "%s/xdg", b->dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);

	/* register.uri from the configuration wins. */
	f = fopen(conf, "w");
	assert_non_null(f);
	fprintf(f, "[register]\nuri = sqlite:%s/configured.db\n", b->dir);
	fclose(f);
	r = cc_register_open("", &err);
	if (!r)
		fail_msg("open: %s", err.msg);
	snprintf(path, sizeof(path), "%s/configured.db", b->dir);
	assert_string_equal(cc_register_name(r), path);
	assert_int_equal(reserve(r, OFFICE, PREFIX, 2026), 1);
	cc_register_close(r);
	unsetenv("XDG_DATA_HOME");
	unsetenv("CERTCOPY_CONF");
}

static void test_uris(void **state)
{
	struct backend *b = *state;
	struct cc_error err = {0, ""};
	struct cc_register *r;
	char path[4400];

	/* A plain path is SQLite. */
	snprintf(path, sizeof(path), "%s/plain.db", b->dir);
	r = cc_register_open(path, &err);
	assert_non_null(r);
	cc_register_close(r);
	assert_null(cc_register_open("mysql://kiosk@db/register", &err));
	assert_int_equal(err.code, CC_USAGE);
	assert_null(cc_register_open("sqlite:", &err));
	assert_int_equal(err.code, CC_USAGE);
	snprintf(path, sizeof(path), "%s/no/such/dir/r.db", b->dir);
	assert_null(cc_register_open(path, &err));
	assert_int_equal(err.code, CC_SYSTEM);
	assert_non_null(strstr(err.msg, "cannot open register"));
	/* Not a database. */
	snprintf(path, sizeof(path), "%s/junk.db", b->dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 200; i++)
		fputs("this is not an SQLite database at all\n", f);
	fclose(f);
	assert_null(cc_register_open(path, &err));
	assert_int_equal(err.code, CC_SYSTEM);
	/* Nobody there; the password never shows. */
	snprintf(path, sizeof(path),
		 "postgresql://cc:s3cret@/x?host=%s&port=1&connect_timeout=2",
		 b->dir);
	assert_null(cc_register_open(path, &err));
	assert_int_equal(err.code, CC_SYSTEM);
	assert_null(strstr(err.msg, "s3cret"));
	assert_non_null(strstr(err.msg, "postgresql://cc@/x?host="));
	snprintf(path, sizeof(path),
		 "postgres:///x?host=%s&port=1&password=s3cret&user=cc",
		 b->dir);
	assert_null(cc_register_open(path, &err));
	assert_int_equal(err.code, CC_SYSTEM);
	assert_null(strstr(err.msg, "s3cret"));
	assert_non_null(strstr(err.msg, "password=***&user=cc"));
}

/* ---- fixtures ---- */

static int sqlite_setup(void **state)
{
	struct backend *b = calloc(1, sizeof(*b));

	if (!b || scratch_make(b->dir, sizeof(b->dir), "test-register")) {
		free(b);
		return -1;
	}
	*state = b;
	return 0;
}

static int backend_teardown(void **state)
{
	struct backend *b = *state;

	if (b->pg && !b->skip[0])
		sh("cd / && %s'%s/pg_ctl' -D '%s/data' -m immediate stop "
		   ">/dev/null 2>&1",
		   b->runas, b->pgbin, b->pgdir);
	if (b->pgdir[0])
		scratch_remove(b->pgdir);
	scratch_remove(b->dir);
	free(b);
	return 0;
}

static int free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0), port = 0;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s >= 0 && bind(s, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(s, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	if (s >= 0)
		close(s);
	return port ? port : 54329;
}

/* The cluster: initdb refuses to run as root, so as root it runs as the
 * postgres user (else nobody) in a directory under /tmp that user owns. A
 * watchdog stops it should this test die before its teardown. */
static void pg_start(struct backend *b)
{
	const char *tmp = getenv("TMPDIR");
	FILE *p = popen("ls -d /usr/lib/postgresql/*/bin 2>/dev/null | "
			"sort -V | tail -1",
			"r");
	size_t n;

	if (p && fgets(b->pgbin, sizeof(b->pgbin), p)) {
		n = strlen(b->pgbin);
		if (n && b->pgbin[n - 1] == '\n')
			b->pgbin[n - 1] = '\0';
	}
	if (p)
		pclose(p);
	if (!b->pgbin[0] &&
	    sh("command -v initdb >/dev/null && command -v pg_ctl "
	       ">/dev/null") == 0)
		snprintf(b->pgbin, sizeof(b->pgbin), "%s",
			 "$(dirname \"$(command -v initdb)\")");
	if (!b->pgbin[0]) {
		snprintf(b->skip, sizeof(b->skip),
			 "PostgreSQL's initdb is not installed");
		return;
	}
	/* Short, for the socket's path; under /tmp when another user must
	 * reach it. */
	snprintf(b->pgdir, sizeof(b->pgdir), "%s/cc-pg.XXXXXX",
		 tmp && *tmp && strlen(tmp) < 60 && geteuid() != 0 ? tmp
								   : "/tmp");
	if (!mkdtemp(b->pgdir)) {
		snprintf(b->skip, sizeof(b->skip),
			 "cannot make a directory for the cluster");
		b->pgdir[0] = '\0';
		return;
	}
	if (geteuid() == 0) {
		struct passwd *pw = getpwnam("postgres");

		if (!pw)
			pw = getpwnam("nobody");
		if (!pw || chown(b->pgdir, pw->pw_uid, pw->pw_gid) != 0) {
			snprintf(b->skip, sizeof(b->skip),
				 "running as root with no postgres or nobody "
				 "user to run initdb as");
			return;
		}
		snprintf(b->runas, sizeof(b->runas), "runuser -u %s -- ",
			 pw->pw_name);
	}
	b->port = free_port();
	if (sh("cd '%s' && %s'%s/initdb' -D '%s/data' -A trust -U cc -E UTF8 "
	       "--locale=C --no-sync >'%s/initdb.log' 2>&1",
	       b->pgdir, b->runas, b->pgbin, b->pgdir, b->pgdir) != 0) {
		snprintf(b->skip, sizeof(b->skip),
			 "initdb failed (see %s/initdb.log)", b->pgdir);
		sh("tail -5 '%s/initdb.log' >&2", b->pgdir);
		return;
	}
	sh("(while kill -0 %ld 2>/dev/null; do sleep 1; done; cd /; "
	   "%s'%s/pg_ctl' -D '%s/data' -m immediate stop; rm -rf '%s') "
	   "</dev/null >/dev/null 2>&1 &",
	   (long)getpid(), b->runas, b->pgbin, b->pgdir, b->pgdir);
	if (sh("cd '%s' && %s'%s/pg_ctl' -D '%s/data' -l '%s/server.log' "
	       "-o \"-k '%s' -p %d -c listen_addresses='' -c fsync=off\" "
	       "-w -t 60 start >/dev/null 2>&1",
	       b->pgdir, b->runas, b->pgbin, b->pgdir, b->pgdir, b->pgdir,
	       b->port) != 0) {
		snprintf(b->skip, sizeof(b->skip),
			 "the PostgreSQL server did not start (see "
			 "%s/server.log)",
			 b->pgdir);
		sh("tail -5 '%s/server.log' >&2", b->pgdir);
		return;
	}
	snprintf(b->admin, sizeof(b->admin),
		 "postgresql://cc@/postgres?host=%s&port=%d", b->pgdir,
		 b->port);
}

static int pg_setup(void **state)
{
	struct backend *b;

	if (sqlite_setup(state))
		return -1;
	b = *state;
	b->pg = 1;
	pg_start(b);
	return 0;
}

#define BOTH(fn, prefix)                                                       \
	{                                                                      \
		prefix #fn, fn, NULL, NULL, NULL                               \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = {
		BOTH(test_reserve_issue_find, "sqlite: "),
		BOTH(test_numbering, "sqlite: "),
		BOTH(test_refusals, "sqlite: "),
		BOTH(test_void_stale, "sqlite: "),
		BOTH(test_revoke, "sqlite: "),
		BOTH(test_audit_edited_entry, "sqlite: "),
		BOTH(test_audit_deleted_entry, "sqlite: "),
		BOTH(test_audit_edited_copy, "sqlite: "),
		BOTH(test_schema_version, "sqlite: "),
		BOTH(test_concurrent, "sqlite: "),
		BOTH(test_default_place, "sqlite: "),
		BOTH(test_uris, "sqlite: "),
	};
	const struct CMUnitTest pg_tests[] = {
		BOTH(test_reserve_issue_find, "postgresql: "),
		BOTH(test_numbering, "postgresql: "),
		BOTH(test_refusals, "postgresql: "),
		BOTH(test_void_stale, "postgresql: "),
		BOTH(test_revoke, "postgresql: "),
		BOTH(test_audit_edited_entry, "postgresql: "),
		BOTH(test_audit_deleted_entry, "postgresql: "),
		BOTH(test_audit_edited_copy, "postgresql: "),
		BOTH(test_schema_version, "postgresql: "),
		BOTH(test_concurrent, "postgresql: "),
	};
	int failed;

	failed = cmocka_run_group_tests_name("register on SQLite", sqlite_tests,
					     sqlite_setup, backend_teardown);
	failed += cmocka_run_group_tests_name(
		"register on PostgreSQL", pg_tests, pg_setup, backend_teardown);
	return failed;
}
