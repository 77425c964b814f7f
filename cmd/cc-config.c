/* cc-config - the configuration as the tools see it, for the workflows in
 * scripts/ and for an office checking its file. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "config.h"
#include "report.h"

#define USAGE "[-qv] [--list] [--json file] [section.key ...]"

static int list;

static struct poptOption config_options[] = {
	{"list", 'l', POPT_ARG_NONE, &list, 0,
	 "print every key as section.key=value (the default without keys)",
	 NULL},
	POPT_TABLEEND};

static struct poptOption options[] = {
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, config_options, 0,
	 "The configuration:", NULL},
	{NULL, '\0', POPT_ARG_INCLUDE_TABLE, cc_cli_common_options, 0,
	 "Common options:", NULL},
	POPT_AUTOHELP POPT_TABLEEND};

/* Split "section.key" at its first dot into the two buffers; 0 when the
 * name is not of that form. */
static int split(const char *name, char *section, size_t ssize, char *key,
		 size_t ksize)
{
	const char *dot = strchr(name, '.');

	if (!dot || dot == name || !dot[1] || (size_t)(dot - name) >= ssize ||
	    strlen(dot + 1) >= ksize)
		return 0;
	memcpy(section, name, (size_t)(dot - name));
	section[dot - name] = '\0';
	strcpy(key, dot + 1);
	return 1;
}

static int add(json_t *j, const struct cc_config *cfg, const char *section,
	       const char *key)
{
	char name[128];

	if (!j)
		return 0;
	snprintf(name, sizeof(name), "%s.%s", section, key);
	return json_object_set_new(
		j, name,
		json_pack("{s:s, s:s}", "value",
			  cc_config_get(cfg, section, key), "source",
			  cc_config_source(cfg, section, key)));
}

static void show(const struct cc_config *cfg, const char *section,
		 const char *key, int named)
{
	const char *v = cc_config_get(cfg, section, key);

	if (cc_cli.json && strcmp(cc_cli.json, "-") == 0)
		return;
	if (named)
		printf("%s.%s=%s", section, key, v);
	else
		fputs(v, stdout);
	if (cc_cli.verbose)
		printf("\t# %s", cc_config_source(cfg, section, key));
	putchar('\n');
}

int main(int argc, const char **argv)
{
	struct cc_error err = {0, ""};
	struct cc_config *cfg = NULL;
	const char **args, *section, *key;
	char sbuf[64], kbuf[64];
	json_t *j = NULL;
	int nargs, rc;
	poptContext con;

	rc = cc_cli_start(argc, argv, options, USAGE, NULL, &con, &args,
			  &nargs);
	if (rc >= 0)
		return cc_cli_finish(rc);
	rc = CC_USAGE;
	if (list && nargs) {
		cc_msg("--list prints every key: give keys or --list");
		goto out;
	}
	/* Names first: a typo is a usage error whatever the files say. */
	for (int i = 0; i < nargs; i++)
		if (!split(args[i], sbuf, sizeof(sbuf), kbuf, sizeof(kbuf)) ||
		    !cc_config_get(NULL, sbuf, kbuf)) {
			cc_msg("unknown key '%s' (cc-config --list shows them)",
			       args[i]);
			goto out;
		}
	cfg = cc_config_load(&err);
	if (!cfg) {
		rc = cc_cli_fail(&err);
		goto out;
	}
	if (cc_cli.json && !(j = json_object())) {
		rc = CC_SYSTEM;
		goto out;
	}
	rc = CC_OK;
	if (nargs)
		for (int i = 0; i < nargs; i++) {
			split(args[i], sbuf, sizeof(sbuf), kbuf, sizeof(kbuf));
			show(cfg, sbuf, kbuf, 0);
			if (add(j, cfg, sbuf, kbuf))
				rc = CC_SYSTEM;
		}
	else
		for (size_t i = 0; cc_config_key_at(i, &section, &key); i++) {
			show(cfg, section, key, 1);
			if (add(j, cfg, section, key))
				rc = CC_SYSTEM;
		}
	if (!rc && j && cc_report_write(j, cc_cli.json, &err))
		rc = cc_cli_fail(&err);
out:
	json_decref(j);
	cc_config_free(cfg);
	poptFreeContext(con);
	return cc_cli_finish(rc);
}
