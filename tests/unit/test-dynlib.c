/*
 * test-dynlib.c - a shared library loaded at first use: a real one (zlib,
 * which this test also links, so that dlopen's functions can be set against
 * the linked ones) fills its table; a missing soname and a missing function
 * are CC_SYSTEM naming them, with the table left empty and the same answer
 * the next time; threads loading at once all get one answer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <string.h>

#include <zlib.h>

#include "dynlib.h"

/* Declared, never defined: no library has it. */
int cc_no_such_function(int x);

#define LIBZ(X) X(zlibVersion) X(crc32)
CC_DYNLIB(libz, "libz.so.1", LIBZ);

#define LIBNONE(X) X(deflateEnd)
CC_DYNLIB(libnone, "libcertcopy-none.so.9", LIBNONE);

#define LIBZ_SHORT(X) X(adler32) X(cc_no_such_function) X(inflateEnd)
CC_DYNLIB(libz_short, "libz.so.1", LIBZ_SHORT);

static void test_loads_real_library(void **state)
{
	struct cc_error err = {0, ""};

	(void)state;
	assert_null(sym_crc32);
	assert_int_equal(cc_dynlib_load(&libz, &err), CC_OK);
	assert_int_equal(err.code, CC_OK);
	assert_non_null(sym_zlibVersion);
	assert_non_null(sym_crc32);
	/* The very library the test is linked with, already in memory. */
	assert_string_equal(sym_zlibVersion(), zlibVersion());
	assert_int_equal(sym_crc32(0, (const Bytef *)"abc", 3), 0x352441c2);
	/* Again: the same, and nothing to say. */
	assert_int_equal(cc_dynlib_load(&libz, NULL), CC_OK);
	assert_int_equal(cc_dynlib_load(&libz, &err), CC_OK);
	assert_string_equal(err.msg, "");
}

static void test_missing_library(void **state)
{
	struct cc_error err = {0, ""};
	const char *head = "cannot load libcertcopy-none.so.9: ";

	(void)state;
	assert_int_equal(cc_dynlib_load(&libnone, &err), CC_SYSTEM);
	assert_int_equal(err.code, CC_SYSTEM);
	assert_memory_equal(err.msg, head, strlen(head));
	/* dlerror's own text follows, naming the file it did not find. */
	assert_non_null(
		strstr(err.msg + strlen(head), "libcertcopy-none.so.9"));
	assert_null(sym_deflateEnd);

	/* Tried once: the same answer, without dlerror's help this time. */
	struct cc_error again = {0, ""};

	assert_int_equal(cc_dynlib_load(&libnone, &again), CC_SYSTEM);
	assert_string_equal(again.msg, err.msg);
	assert_int_equal(cc_dynlib_load(&libnone, NULL), CC_SYSTEM);
}

static void test_missing_function(void **state)
{
	struct cc_error err = {0, ""};
	const char *head = "cannot load libz.so.1: ";

	(void)state;
	assert_int_equal(cc_dynlib_load(&libz_short, &err), CC_SYSTEM);
	assert_memory_equal(err.msg, head, strlen(head));
	assert_non_null(strstr(err.msg, "cc_no_such_function"));
	/* No half-filled table: the one found before is cleared too. */
	assert_null(sym_adler32);
	assert_null(sym_cc_no_such_function);
	assert_null(sym_inflateEnd);
}

/* Threads released together by a barrier, each loading the same library. */
#define THREADS 4
#define ROUNDS 50

struct racer {
	pthread_barrier_t *start;
	struct cc_dynlib *l;
	struct cc_error err;
	int rc;
};

static void *race(void *arg)
{
	struct racer *r = arg;

	pthread_barrier_wait(r->start);
	r->rc = cc_dynlib_load(r->l, &r->err);
	return NULL;
}

/* THREADS threads load l at once; every one gets rc and the same message. */
static void load_at_once(struct cc_dynlib *l, int rc)
{
	pthread_barrier_t start;
	pthread_t t[THREADS];
	struct racer r[THREADS];

	assert_int_equal(pthread_barrier_init(&start, NULL, THREADS), 0);
	for (int i = 0; i < THREADS; i++) {
		r[i] = (struct racer){&start, l, {0, ""}, -1};
		assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
	}
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	pthread_barrier_destroy(&start);
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(r[i].rc, rc);
		assert_int_equal(r[i].err.code, rc);
		assert_string_equal(r[i].err.msg, r[0].err.msg);
	}
}

static void test_threads_load_at_once(void **state)
{
	(void)state;
	for (int round = 0; round < ROUNDS; round++) {
		void *found = NULL, *missing = NULL;
		const struct cc_dynsym real[] = {{"crc32", &found},
						 {NULL, NULL}};
		const struct cc_dynsym absent[] = {
			{"crc32", &found},
			{"cc_no_such_function", &missing},
			{NULL, NULL}};
		struct cc_dynlib good = {"libz.so.1", real, 0, ""};
		struct cc_dynlib bad = {"libz.so.1", absent, 0, ""};

		load_at_once(&good, CC_OK);
		assert_non_null(found);
		load_at_once(&bad, CC_SYSTEM);
		assert_null(found);
		assert_null(missing);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loads_real_library),
		cmocka_unit_test(test_missing_library),
		cmocka_unit_test(test_missing_function),
		cmocka_unit_test(test_threads_load_at_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
