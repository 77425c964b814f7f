/*
 * register-driver.c - drives lib/register.c from shell tests
 * (tests/t0600-register.sh) and tests/bench/register, without the rest of
 * cc-sign and cc-stamp around it. Not installed.
 *
 *   register-driver URI reserve [OFFICE [PREFIX [YEAR]]]  prints NUMBER BOOK
 *   register-driver URI issue OFFICE BOOK NUMBER CODE
 *   register-driver URI void OFFICE BOOK NUMBER REASON
 *   register-driver URI void-stale SECONDS              prints how many
 *   register-driver URI revoke CODE REASON
 *   register-driver URI find CODE                        prints the copy
 *   register-driver URI cycle N [OFFICE [YEAR]]  N reservations, each issued
 *                                     with a random code: prints NUMBER CODE
 *   register-driver URI bench N       the same, silent; prints issuances/s
 *   register-driver URI audit         prints the number of entries
 *
 * Exit status: the library's (0, 1 a clean no, 2 usage, 3 input, 4 system).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "register.h"

#define OFFICE "DEMO01"
#define PREFIX "SCTĐT/BS"
#define CERTIFIER "Nguyễn Văn An"
#define SEAL "5ea15ea15ea15ea15ea15ea15ea15ea15ea15ea15ea15ea15ea15ea15ea15ea1"

static int usage(void)
{
	fprintf(stderr, "usage: register-driver URI reserve|issue|void|"
			"void-stale|revoke|find|cycle|bench|audit ...\n");
	return 2;
}

static int number(const char *s, long long *v)
{
	char *end;

	*v = strtoll(s, &end, 10);
	return *s && !*end ? 0 : -1;
}

static void random_hex(char out[65])
{
	unsigned char b[32];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		abort();
	for (size_t i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* A random code in the register's form (its check character is not
 * checked there). */
static void random_code(char out[20])
{
	static const char symbols[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	unsigned char b[16];
	size_t o = 0;

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		abort();
	for (size_t i = 0; i < 16; i++) {
		if (i && i % 4 == 0)
			out[o++] = '-';
		out[o++] = symbols[b[i] & 31];
	}
	out[o] = '\0';
}

static int issue(struct cc_register *r, const char *office, const char *book,
		 long long n, const char *code, struct cc_error *err)
{
	char pdf[65];
	struct cc_issue is = {.office = office,
			      .book = book,
			      .number = n,
			      .code = code,
			      .seal_cert_sha256 = SEAL,
			      .pages = 2,
			      .fee = 4000,
			      .pdf_sha256 = pdf};

	random_hex(pdf);
	return cc_register_issue(r, &is, err);
}

static int cycle(struct cc_register *r, long long count, const char *office,
		 int year, int quiet, struct cc_error *err)
{
	for (long long i = 0; i < count; i++) {
		struct cc_reservation res;
		char code[20];
		int rc = cc_register_reserve(r, office, PREFIX, year, CERTIFIER,
					     &res, err);

		if (rc)
			return rc;
		random_code(code);
		if ((rc = issue(r, office, res.book, res.number, code, err)))
			return rc;
		if (!quiet) {
			printf("%lld %s\n", res.number, code);
			fflush(stdout);
		}
	}
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct cc_error err = {0, ""};
	struct cc_register *r;
	const char *cmd;
	long long n = 0, v;
	int rc = 0;

	if (argc < 3)
		return usage();
	cmd = argv[2];
	if (!(r = cc_register_open(argv[1], &err))) {
		fprintf(stderr, "register-driver: %s\n", err.msg);
		return err.code ? err.code : 4;
	}
	if (strcmp(cmd, "reserve") == 0 && argc <= 6) {
		struct cc_reservation res;
		long long year = 2026;

		if (argc == 6 && number(argv[5], &year))
			rc = usage();
		else if (!(rc = cc_register_reserve(
				   r, argc > 3 ? argv[3] : OFFICE,
				   argc > 4 ? argv[4] : PREFIX, (int)year,
				   CERTIFIER, &res, &err)))
			printf("%lld %s\n", res.number, res.book);
	} else if (strcmp(cmd, "issue") == 0 && argc == 7) {
		rc = number(argv[5], &n)
			     ? usage()
			     : issue(r, argv[3], argv[4], n, argv[6], &err);
	} else if (strcmp(cmd, "void") == 0 && argc == 7) {
		rc = number(argv[5], &n)
			     ? usage()
			     : cc_register_void(r, argv[3], argv[4], n,
						"register-driver", argv[6],
						&err);
	} else if (strcmp(cmd, "void-stale") == 0 && argc == 4) {
		int voided = 0;

		if (number(argv[3], &v))
			rc = usage();
		else if (!(rc = cc_register_void_stale(r, (long)v,
						       "register-driver",
						       &voided, &err)))
			printf("%d\n", voided);
	} else if (strcmp(cmd, "revoke") == 0 && argc == 5) {
		rc = cc_register_revoke(r, argv[3], "register-driver", argv[4],
					&err);
	} else if (strcmp(cmd, "find") == 0 && argc == 4) {
		struct cc_copy c;

		if (!(rc = cc_register_find_code(r, argv[3], &c, &err)))
			printf("%s %s %lld %s %s\n", c.office, c.book, c.number,
			       c.status, c.code);
	} else if ((strcmp(cmd, "cycle") == 0 && argc >= 4 && argc <= 6) ||
		   (strcmp(cmd, "bench") == 0 && argc == 4)) {
		long long year = 2026;
		int quiet = strcmp(cmd, "bench") == 0;
		double t0 = now_s();

		if (number(argv[3], &n) || n < 0 ||
		    (argc == 6 && number(argv[5], &year)))
			rc = usage();
		else
			rc = cycle(r, n, argc > 4 ? argv[4] : OFFICE, (int)year,
				   quiet, &err);
		if (!rc && quiet)
			printf("%.0f\n", (double)n / (now_s() - t0));
	} else if (strcmp(cmd, "audit") == 0 && argc == 3) {
		long long entries = 0, bad = 0;

		rc = cc_register_audit(r, &entries, &bad, &err);
		if (!rc)
			printf("%lld entries\n", entries);
	} else {
		rc = usage();
	}
	if (rc && rc != 2)
		fprintf(stderr, "register-driver: %s\n", err.msg);
	cc_register_close(r);
	if (fflush(stdout) != 0 && !rc)
		rc = 4;
	return rc;
}
