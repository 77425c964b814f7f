/*
 * config.h - the office's standing facts from one INI file (DESIGN.md,
 * "Configuration"). Read in order /etc/certcopy/certcopy.conf, then
 * $XDG_CONFIG_HOME/certcopy/certcopy.conf (~/.config when unset), later
 * values overriding earlier ones; when CERTCOPY_CONF is set, that file alone
 * is read and must exist. Every key has an embedded default, so no
 * configuration is needed for the demo; command-line options override all.
 */
#ifndef CC_CONFIG_H
#define CC_CONFIG_H

#include <stddef.h>

#include "error.h"

struct cc_config;

/* Load the configuration; on a malformed file or an unknown key returns NULL
 * with CC_SYSTEM and the file and line in the message. */
struct cc_config *cc_config_load(struct cc_error *err);
/* Load exactly one file (tests, --config). */
struct cc_config *cc_config_load_file(const char *path, struct cc_error *err);
void cc_config_free(struct cc_config *cfg);

/* The value of section.key: configured, else the embedded default (never
 * NULL for a known key; NULL for an unknown one). */
const char *cc_config_get(const struct cc_config *cfg, const char *section,
			  const char *key);
/* Where section.key came from: a file path, or "default". */
const char *cc_config_source(const struct cc_config *cfg, const char *section,
			     const char *key);

/* The i-th known key (0, 1, ...): 1 and its names, or 0 past the last. */
int cc_config_key_at(size_t i, const char **section, const char **key);

#endif
