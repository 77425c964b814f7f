/*
 * scratch.h - a private directory for a unit test under $TMPDIR (which
 * tests/run sets per test binary), removed with all it holds. Included by
 * the tests that write files; everything here is static inline. tooltest.h
 * builds a cmocka fixture on it.
 */
#ifndef CC_TEST_SCRATCH_H
#define CC_TEST_SCRATCH_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

/* Make dir ("$TMPDIR/TAG.XXXXXX"); 0, or -1 when it cannot be made. */
static inline int scratch_make(char *dir, size_t size, const char *tag)
{
	const char *tmp = getenv("TMPDIR");
	int n = snprintf(dir, size, "%s/%s.XXXXXX", tmp && *tmp ? tmp : "/tmp",
			 tag);

	if (n < 0 || (size_t)n >= size)
		return -1;
	return mkdtemp(dir) ? 0 : -1;
}

static inline int scratch_rm_entry(const char *path, const struct stat *st,
				   int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Remove dir and everything below it. */
static inline void scratch_remove(const char *dir)
{
	nftw(dir, scratch_rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

#endif
