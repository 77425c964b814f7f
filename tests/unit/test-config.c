/*
 * test-config.c - the INI configuration: values and embedded defaults, where
 * each value came from, the file and line of a mistake, and which files
 * cc_config_load reads (CERTCOPY_CONF alone, else the XDG or ~/.config one).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scratch.h"
#include "config.h"

static const char *const env_names[] = {"CERTCOPY_CONF", "XDG_CONFIG_HOME",
					"HOME"};
#define NENV (sizeof(env_names) / sizeof(env_names[0]))

struct scratch {
	char dir[4096];
	char path[4200];
	char *env[NENV]; /* saved, restored by teardown */
};

static int setup(void **state)
{
	struct scratch *s = calloc(1, sizeof(*s));

	if (!s)
		return -1;
	if (scratch_make(s->dir, sizeof(s->dir), "test-config")) {
		free(s);
		return -1;
	}
	for (size_t i = 0; i < NENV; i++) {
		const char *v = getenv(env_names[i]);

		s->env[i] = v ? strdup(v) : NULL;
	}
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct scratch *s = *state;

	for (size_t i = 0; i < NENV; i++) {
		if (s->env[i])
			setenv(env_names[i], s->env[i], 1);
		else
			unsetenv(env_names[i]);
		free(s->env[i]);
	}
	scratch_remove(s->dir);
	free(s);
	return 0;
}

/* Write text to name under the scratch dir, making parent directories;
 * returns the full path (in s->path). */
static const char *put(struct scratch *s, const char *name, const char *text)
{
	FILE *fp;

	snprintf(s->path, sizeof(s->path), "%s/%s", s->dir, name);
	for (char *p = s->path + strlen(s->dir) + 1; (p = strchr(p, '/'));
	     p++) {
		*p = '\0';
		mkdir(s->path, 0700);
		*p = '/';
	}
	fp = fopen(s->path, "w");
	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	return s->path;
}

static void test_values_and_defaults(void **state)
{
	struct scratch *s = *state;
	struct cc_error err = {0, ""};
	const char *path = put(s, "a.conf",
			       "; an office\n"
			       "[office]\n"
			       "name = Văn phòng thử\n"
			       "short_name = VPT\n"
			       "\n"
			       "[scan]\n"
			       "resolution = 600\n");
	struct cc_config *cfg = cc_config_load_file(path, &err);

	assert_non_null(cfg);
	assert_string_equal(cc_config_get(cfg, "office", "name"),
			    "Văn phòng thử");
	assert_string_equal(cc_config_get(cfg, "office", "short_name"), "VPT");
	assert_string_equal(cc_config_get(cfg, "scan", "resolution"), "600");
	assert_string_equal(cc_config_get(cfg, "office", "code"), "DEMO01");
	assert_string_equal(cc_config_get(cfg, "register", "uri"), "");
	assert_string_equal(cc_config_source(cfg, "office", "short_name"),
			    path);
	assert_string_equal(cc_config_source(cfg, "office", "code"), "default");
	/* Unknown keys have neither a value nor a source. */
	assert_null(cc_config_get(cfg, "office", "colour"));
	assert_null(cc_config_source(cfg, "nosuch", "name"));
	cc_config_free(cfg);
}

static void test_no_file_gives_defaults(void **state)
{
	struct cc_error err = {0, ""};
	struct cc_config *cfg = cc_config_load_file(NULL, &err);

	(void)state;
	assert_non_null(cfg);
	assert_string_equal(cc_config_get(cfg, "office", "short_name"),
			    "TTPVHCC");
	assert_string_equal(cc_config_get(cfg, "scan", "resolution"), "300");
	assert_string_equal(cc_config_source(cfg, "office", "short_name"),
			    "default");
	cc_config_free(cfg);
	/* A NULL config is all defaults too. */
	assert_string_equal(cc_config_get(NULL, "office", "short_name"),
			    "TTPVHCC");
	cc_config_free(NULL);
}

static void test_key_twice_in_a_file(void **state)
{
	struct scratch *s = *state;
	struct cc_error err = {0, ""};
	char where[4300];
	const char *path = put(s, "a.conf", "[office]\ncode = A\ncode = B\n");

	snprintf(where, sizeof(where), "%s:3:", path);
	assert_null(cc_config_load_file(path, &err));
	assert_int_equal(err.code, CC_SYSTEM);
	assert_non_null(strstr(err.msg, where));
	assert_non_null(strstr(err.msg, "first on line 2"));

	/* An indented line is a continuation to inih: not a silent
	 * replacement of the value. */
	path = put(s, "b.conf", "[office]\nname = A\n  continued\n");
	assert_null(cc_config_load_file(path, &err));
	assert_int_equal(err.code, CC_SYSTEM);
}

static void test_first_error_line_and_long_lines(void **state)
{
	struct scratch *s = *state;
	struct cc_error err = {0, ""};
	char where[4300], text[400];
	const char *path = put(s, "c.conf",
			       "[office]\n"
			       "no equals sign here\n"
			       "code = X\n"
			       "colour = blue\n");

	snprintf(where, sizeof(where), "%s:2: syntax error", path);
	assert_null(cc_config_load_file(path, &err));
	assert_non_null(strstr(err.msg, where));

	/* A long Vietnamese office name is one line, not two. */
	memset(text, 0, sizeof(text));
	memcpy(text, "[office]\nname = ", 16);
	memset(text + 16, 'x', 250);
	memcpy(text + 266, "\ncode = Y\n", 10);
	path = put(s, "d.conf", text);
	snprintf(where, sizeof(where), "%s:2:", path);
	assert_null(cc_config_load_file(path, &err));
	assert_non_null(strstr(err.msg, where));
	assert_non_null(strstr(err.msg, "too long"));
}

static void test_unknown_key_names_line(void **state)
{
	struct scratch *s = *state;
	struct cc_error err = {0, ""};
	char where[4300];
	const char *path = put(s, "bad.conf",
			       "[office]\n"
			       "code = X1\n"
			       "\n"
			       "colour = blue\n"
			       "wrong = too\n");

	snprintf(where, sizeof(where), "%s:4:", path);
	assert_null(cc_config_load_file(path, &err));
	assert_int_equal(err.code, CC_SYSTEM);
	assert_non_null(strstr(err.msg, where));
	assert_non_null(strstr(err.msg, "'office.colour'"));

	/* A known key in the wrong section is unknown there. */
	path = put(s, "bad2.conf", "[scan]\nshort_name = X\n");
	snprintf(where, sizeof(where), "%s:2:", path);
	assert_null(cc_config_load_file(path, &err));
	assert_int_equal(err.code, CC_SYSTEM);
	assert_non_null(strstr(err.msg, where));
	assert_non_null(strstr(err.msg, "'scan.short_name'"));
}

static void test_syntax_error(void **state)
{
	struct scratch *s = *state;
	struct cc_error err = {0, ""};
	char where[4300];
	const char *path = put(s, "bad.conf",
			       "[office]\n"
			       "code = X1\n"
			       "this line has no equals sign\n");

	snprintf(where, sizeof(where), "%s:3:", path);
	assert_null(cc_config_load_file(path, &err));
	assert_int_equal(err.code, CC_SYSTEM);
	assert_non_null(strstr(err.msg, where));
	assert_non_null(strstr(err.msg, "syntax error"));

	path = put(s, "bad2.conf", "[office\ncode = X\n");
	assert_null(cc_config_load_file(path, &err));
	assert_int_equal(err.code, CC_SYSTEM);
	snprintf(where, sizeof(where), "%s:1:", path);
	assert_non_null(strstr(err.msg, where));
}

static void test_missing_file(void **state)
{
	struct scratch *s = *state;
	struct cc_error err = {0, ""};
	char quoted[4300];

	snprintf(s->path, sizeof(s->path), "%s/missing.conf", s->dir);
	snprintf(quoted, sizeof(quoted), "'%s'", s->path);
	assert_null(cc_config_load_file(s->path, &err));
	assert_int_equal(err.code, CC_SYSTEM);
	assert_non_null(strstr(err.msg, quoted));
}

static void test_load_certcopy_conf_only(void **state)
{
	struct scratch *s = *state;
	struct cc_error err = {0, ""};
	char xdg[4200], conf[4200];
	struct cc_config *cfg;

	/* A user file that must be ignored when CERTCOPY_CONF is set. */
	put(s, "xdg/certcopy/certcopy.conf", "[office]\ncode = FROMXDG\n");
	snprintf(xdg, sizeof(xdg), "%s/xdg", s->dir);
	snprintf(conf, sizeof(conf), "%s",
		 put(s, "only.conf", "[office]\nshort_name = ONLY\n"));
	setenv("XDG_CONFIG_HOME", xdg, 1);
	setenv("CERTCOPY_CONF", conf, 1);
	cfg = cc_config_load(&err);
	assert_non_null(cfg);
	assert_string_equal(cc_config_get(cfg, "office", "short_name"), "ONLY");
	assert_string_equal(cc_config_source(cfg, "office", "short_name"),
			    conf);
	assert_string_equal(cc_config_get(cfg, "office", "code"), "DEMO01");
	assert_string_equal(cc_config_source(cfg, "office", "code"), "default");
	cc_config_free(cfg);
}

static void test_load_certcopy_conf_missing(void **state)
{
	struct scratch *s = *state;
	struct cc_error err = {0, ""};
	char quoted[4300];

	snprintf(s->path, sizeof(s->path), "%s/nope.conf", s->dir);
	snprintf(quoted, sizeof(quoted), "'%s'", s->path);
	setenv("CERTCOPY_CONF", s->path, 1);
	assert_null(cc_config_load(&err));
	assert_int_equal(err.code, CC_SYSTEM);
	assert_non_null(strstr(err.msg, quoted));
}

static void test_load_xdg(void **state)
{
	struct scratch *s = *state;
	struct cc_error err = {0, ""};
	char xdg[4200], file[4200];
	struct cc_config *cfg;

	snprintf(file, sizeof(file), "%s",
		 put(s, "xdg/certcopy/certcopy.conf",
		     "[office]\ncode = FROMXDG\n[scan]\ndevice = test:0\n"));
	snprintf(xdg, sizeof(xdg), "%s/xdg", s->dir);
	unsetenv("CERTCOPY_CONF");
	setenv("XDG_CONFIG_HOME", xdg, 1);
	cfg = cc_config_load(&err);
	assert_non_null(cfg);
	assert_string_equal(cc_config_get(cfg, "office", "code"), "FROMXDG");
	assert_string_equal(cc_config_get(cfg, "scan", "device"), "test:0");
	assert_string_equal(cc_config_source(cfg, "office", "code"), file);
	cc_config_free(cfg);

	/* A mistake in the user's file is reported, not ignored. */
	snprintf(file, sizeof(file), "%s",
		 put(s, "xdg/certcopy/certcopy.conf", "[office]\nx = 1\n"));
	assert_null(cc_config_load(&err));
	assert_int_equal(err.code, CC_SYSTEM);
	assert_non_null(strstr(err.msg, file));
}

static void test_load_home_config(void **state)
{
	struct scratch *s = *state;
	struct cc_error err = {0, ""};
	struct cc_config *cfg;

	put(s, ".config/certcopy/certcopy.conf", "[office]\ncode = FROMHOME\n");
	unsetenv("CERTCOPY_CONF");
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", s->dir, 1);
	cfg = cc_config_load(&err);
	assert_non_null(cfg);
	assert_string_equal(cc_config_get(cfg, "office", "code"), "FROMHOME");
	cc_config_free(cfg);

	/* No user file at all is fine: the defaults stand (unless this
	 * machine has a system-wide file to stand instead). */
	if (access("/etc/certcopy/certcopy.conf", F_OK) == 0)
		return;
	snprintf(s->path, sizeof(s->path), "%s/empty-home", s->dir);
	mkdir(s->path, 0700);
	setenv("HOME", s->path, 1);
	cfg = cc_config_load(&err);
	assert_non_null(cfg);
	assert_string_equal(cc_config_get(cfg, "office", "code"), "DEMO01");
	cc_config_free(cfg);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_values_and_defaults),
		T(test_no_file_gives_defaults),
		T(test_key_twice_in_a_file),
		T(test_first_error_line_and_long_lines),
		T(test_unknown_key_names_line),
		T(test_syntax_error),
		T(test_missing_file),
		T(test_load_certcopy_conf_only),
		T(test_load_certcopy_conf_missing),
		T(test_load_xdg),
		T(test_load_home_config),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
