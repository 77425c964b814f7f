/*
 * tooltest.h - a cmocka fixture for unit tests that write files and, most of
 * them, judge what they wrote with tools nobody here wrote: a struct scratch
 * per test (a private directory from scratch.h, a buffer for names joined to
 * it, one for a command line) with the setup and teardown that make and
 * remove it; have() and NEED() to skip a test whose tool is not installed,
 * open_font() to skip one when the default font is not; run() for a shell
 * command's stdout and exit status.
 *
 * A header of its own, not part of scratch.h, because other tests include
 * scratch.h with a struct scratch or a have() of their own (test-config,
 * test-tiffwriter, test-signer). Everything here is static inline and marked
 * unused, so that a test using only part of it compiles without a warning.
 */
#ifndef CC_TEST_TOOLTEST_H
#define CC_TEST_TOOLTEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "font.h"
#include "scratch.h"

#define TOOLTEST_UNUSED __attribute__((unused))

struct scratch {
	char dir[4096];
	char path[4200]; /* the last name join()ed to dir */
	char cmd[9000];	 /* the last command run() */
};

/* A fixture's setup: a new scratch in *state, its directory "TAG.XXXXXX". */
TOOLTEST_UNUSED static inline int scratch_setup(void **state, const char *tag)
{
	struct scratch *s = calloc(1, sizeof(*s));

	if (!s)
		return -1;
	if (scratch_make(s->dir, sizeof(s->dir), tag)) {
		free(s);
		return -1;
	}
	*state = s;
	return 0;
}

/* A fixture's teardown: the directory removed with all it holds. */
TOOLTEST_UNUSED static inline int scratch_teardown(void **state)
{
	struct scratch *s = *state;

	scratch_remove(s->dir);
	free(s);
	return 0;
}

/* dir/name, in s->path until the next call. */
TOOLTEST_UNUSED static inline const char *join(struct scratch *s,
					       const char *name)
{
	int n = snprintf(s->path, sizeof(s->path), "%s/%s", s->dir, name);

	assert_true(n > 0 && (size_t)n < sizeof(s->path));
	return s->path;
}

/* Whether tool is a command the shell can find. */
TOOLTEST_UNUSED static inline int have(const char *tool)
{
	char cmd[256];
	int n = snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1",
			 tool);

	assert_true(n > 0 && (size_t)n < sizeof(cmd));
	return system(cmd) == 0;
}

/* Skip the test, with the reason, unless tool is installed. */
#define NEED(tool)                                                             \
	do {                                                                   \
		if (!have(tool)) {                                             \
			print_message("skip: %s is not installed\n", tool);    \
			skip();                                                \
		}                                                              \
	} while (0)

/* The default font (CC_FONT_DEFAULT), or the test skipped with the reason. */
TOOLTEST_UNUSED static inline struct cc_font *open_font(void)
{
	struct cc_error err = {0, ""};
	struct cc_font *f = cc_font_open(NULL, &err);

	if (!f) {
		print_message("skip: %s\n", err.msg);
		skip();
	}
	return f;
}

/* Run a shell command; its stdout, NUL-terminated, in *out (malloc'ed)
 * unless out is NULL; its exit status returned, -1 when it did not exit. */
TOOLTEST_UNUSED __attribute__((format(printf, 3, 4))) static inline int
run(struct scratch *s, char **out, const char *fmt, ...)
{
	va_list ap;
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap);
	FILE *p;
	int n, st;

	va_start(ap, fmt);
	n = vsnprintf(s->cmd, sizeof(s->cmd), fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(s->cmd));
	assert_non_null(buf);
	p = popen(s->cmd, "r");
	assert_non_null(p);
	while ((n = (int)fread(buf + len, 1, cap - len - 1, p)) > 0) {
		len += (size_t)n;
		if (cap - len < 2) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	buf[len] = '\0';
	st = pclose(p);
	if (out)
		*out = buf;
	else
		free(buf);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#endif
