/*
 * secret.h - PINs and passphrases, never from the command line or the
 * environment (DESIGN.md, "Secrets").
 */
#ifndef CC_SECRET_H
#define CC_SECRET_H

#include "error.h"

/* A secret from a file: a regular file not readable by group or others,
 * holding one line (a final "\n" or "\r\n" is removed). NULL and CC_SYSTEM
 * otherwise. Free with cc_secret_free. */
char *cc_secret_read_file(const char *path, struct cc_error *err);
/* A secret typed on /dev/tty after prompt, echo off; the terminal and the
 * signal handlers are restored on every path (a signal that arrives is
 * delivered afterwards; after a stop, the prompt is asked again). No
 * terminal: CC_SYSTEM "no PIN: give --pin-file or run on a terminal". */
char *cc_secret_prompt(const char *prompt, struct cc_error *err);
/* Wipe (OPENSSL_cleanse) and free; NULL is fine. */
void cc_secret_free(char *s);

#endif
