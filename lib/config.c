/* config.c - the INI configuration, parsed with libinih. */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every key the suite knows, with its embedded default. The defaults are the
 * pilot office of the demo; a real office configures its own. */
static const struct {
	const char *section, *key, *def;
} known[] = {
	{"office", "name", "Trung tâm Phục vụ hành chính công (demo)"},
	{"office", "short_name", "TTPVHCC"},
	{"office", "code", "DEMO01"},
	{"office", "book_prefix", "SCTĐT/BS"},
	{"register", "uri", ""},
	{"verify", "base_url", "https://certcopy.example/v/"},
	{"tsa", "url", ""},
	{"trust", "anchors", ""},
	{"print", "printer", ""},
	{"scan", "device", ""},
	{"scan", "resolution", "300"},
	/* The workflows' (scripts/): who signs and seals at this desk, where
	 * their PINs are kept, and where e-mail goes. */
	{"certifier", "key", ""},
	{"certifier", "module", ""},
	{"certifier", "pin_file", ""},
	{"certifier", "title", ""},
	{"seal", "key", ""},
	{"seal", "module", ""},
	{"seal", "pin_file", ""},
	{"deliver", "smtp_url", ""},
	{"deliver", "from", ""},
	{"deliver", "netrc", ""},
};
#define NKNOWN (sizeof(known) / sizeof(known[0]))

struct cc_config {
	char *value[NKNOWN];
	char *source[NKNOWN];
};

struct parse_state {
	struct cc_config *cfg;
	const char *path;
	FILE *fp;
	int line;     /* lines read so far, counted as inih counts them */
	int bad_line; /* line of the first problem found here, or 0 */
	char bad[128];
	int set_on[NKNOWN]; /* line where each key was set in this file */
};

/* fgets for inih that counts lines, so on_value knows where it is, and
 * catches lines longer than inih's buffer, which it would split in two. */
static char *read_line(char *str, int num, void *stream)
{
	struct parse_state *ps = stream;
	char *s = fgets(str, num, ps->fp);
	size_t len;
	int c;

	if (!s)
		return NULL;
	ps->line++;
	len = strlen(s);
	if (len < (size_t)num - 1 || s[len - 1] == '\n' || ps->bad_line)
		return s;
	c = getc(ps->fp); /* more than a line ending left? */
	if (c == EOF)
		return s;
	ungetc(c, ps->fp);
	if (c != '\n' && c != '\r') {
		ps->bad_line = ps->line;
		snprintf(ps->bad, sizeof(ps->bad),
			 "line too long (at most %d bytes)", num - 1);
		str[0] = '\0'; /* no value from half a line */
	}
	return s;
}

static int find_key(const char *section, const char *key)
{
	for (size_t i = 0; i < NKNOWN; i++)
		if (strcmp(known[i].section, section) == 0 &&
		    strcmp(known[i].key, key) == 0)
			return (int)i;
	return -1;
}

static int on_value(void *user, const char *section, const char *name,
		    const char *value)
{
	struct parse_state *ps = user;
	int i = find_key(section, name);
	char *v, *src;

	if (ps->bad_line)
		return 0; /* report the first problem only */
	if (i < 0) {
		ps->bad_line = ps->line;
		snprintf(ps->bad, sizeof(ps->bad), "unknown key '%s.%s'",
			 section, name);
		return 0;
	}
	/* Twice in one file is a slip (or an indented line that inih takes
	 * for a continuation); silently keeping one of them is not right for
	 * an office's standing facts. */
	if (ps->set_on[i]) {
		ps->bad_line = ps->line;
		snprintf(ps->bad, sizeof(ps->bad),
			 "'%s.%s' is set again (first on line %d)", section,
			 name, ps->set_on[i]);
		return 0;
	}
	ps->set_on[i] = ps->line;
	v = strdup(value);
	src = strdup(ps->path);
	if (!v || !src) {
		free(v);
		free(src);
		ps->bad_line = ps->line;
		snprintf(ps->bad, sizeof(ps->bad), "out of memory");
		return 0;
	}
	free(ps->cfg->value[i]);
	free(ps->cfg->source[i]);
	ps->cfg->value[i] = v;
	ps->cfg->source[i] = src;
	return 1;
}

/* Returns 0 when read or absent (and !must_exist), else the error code. */
static int read_file(struct cc_config *cfg, const char *path, int must_exist,
		     struct cc_error *err)
{
	struct parse_state ps = {cfg, path, fopen(path, "r"), 0, 0, "", {0}};
	int rc;

	if (!ps.fp) {
		if (errno == ENOENT && !must_exist)
			return CC_OK;
		return cc_error_set(err, CC_SYSTEM,
				    "cannot read configuration '%s': %s", path,
				    strerror(errno));
	}
	rc = ini_parse_stream(read_line, &ps, on_value, &ps);
	fclose(ps.fp);
	if (rc == 0 && !ps.bad_line)
		return CC_OK;
	/* inih reports the line of the first error, ours or its own. */
	if (ps.bad_line && (rc == 0 || ps.bad_line <= rc))
		return cc_error_set(err, CC_SYSTEM, "%s:%d: %s", path,
				    ps.bad_line, ps.bad);
	return cc_error_set(err, CC_SYSTEM, "%s:%d: syntax error", path, rc);
}

struct cc_config *cc_config_load_file(const char *path, struct cc_error *err)
{
	struct cc_config *cfg = calloc(1, sizeof(*cfg));

	if (!cfg) {
		cc_error_set(err, CC_SYSTEM, "out of memory");
		return NULL;
	}
	if (path && read_file(cfg, path, 1, err)) {
		cc_config_free(cfg);
		return NULL;
	}
	return cfg;
}

struct cc_config *cc_config_load(struct cc_error *err)
{
	const char *env = getenv("CERTCOPY_CONF");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	struct cc_config *cfg;
	char user[4096];
	int n = -1;

	if (env && *env)
		return cc_config_load_file(env, err);
	cfg = cc_config_load_file(NULL, err);
	if (!cfg)
		return NULL;
	if (read_file(cfg, "/etc/certcopy/certcopy.conf", 0, err))
		goto fail;
	if (xdg && *xdg)
		n = snprintf(user, sizeof(user), "%s/certcopy/certcopy.conf",
			     xdg);
	else if (home && *home)
		n = snprintf(user, sizeof(user),
			     "%s/.config/certcopy/certcopy.conf", home);
	if (n > 0 && (size_t)n < sizeof(user) && read_file(cfg, user, 0, err))
		goto fail;
	return cfg;
fail:
	cc_config_free(cfg);
	return NULL;
}

void cc_config_free(struct cc_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < NKNOWN; i++) {
		free(cfg->value[i]);
		free(cfg->source[i]);
	}
	free(cfg);
}

const char *cc_config_get(const struct cc_config *cfg, const char *section,
			  const char *key)
{
	int i = find_key(section, key);

	if (i < 0)
		return NULL;
	if (cfg && cfg->value[i])
		return cfg->value[i];
	return known[i].def;
}

const char *cc_config_source(const struct cc_config *cfg, const char *section,
			     const char *key)
{
	int i = find_key(section, key);

	if (i < 0)
		return NULL;
	return cfg && cfg->source[i] ? cfg->source[i] : "default";
}

int cc_config_key_at(size_t i, const char **section, const char **key)
{
	if (i >= NKNOWN)
		return 0;
	*section = known[i].section;
	*key = known[i].key;
	return 1;
}
