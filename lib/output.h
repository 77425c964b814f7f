/*
 * output.h - atomic output files. Data is written to a temporary file beside
 * the target, fsync'ed and renamed over the target only when the writer says
 * it is complete; a failure, an abort or a fatal signal removes the temporary
 * file, so no reader ever sees a partial output. "-" (or NULL) means stdout:
 * the data is collected in an unlinked temporary file and copied to stdout on
 * commit, so a failed run writes nothing there either. A target that exists
 * and is not a regular file (/dev/null, a FIFO) is treated the same way:
 * written into on commit, never renamed over.
 */
#ifndef CC_OUTPUT_H
#define CC_OUTPUT_H

#include <stdio.h>
#include <sys/types.h>

#include "error.h"

struct cc_output;

/* mode is the permission of the final file before the umask (0666 usual). */
struct cc_output *cc_output_open(const char *path, mode_t mode,
				 struct cc_error *err);
int cc_output_fd(const struct cc_output *out);
/* A stdio stream on the output; owned by the output, do not fclose it. */
FILE *cc_output_stream(struct cc_output *out, struct cc_error *err);
/* The name to show in messages: the target path or "-" for stdout. */
const char *cc_output_name(const struct cc_output *out);
/* Write all of data (short writes and EINTR resumed). */
int cc_output_write(struct cc_output *out, const void *data, size_t len,
		    struct cc_error *err);
/* Flush and fsync the data written so far, still without a name: for a
 * caller that records the file elsewhere before committing it. */
int cc_output_sync(struct cc_output *out, struct cc_error *err);
/* Flush, fsync and rename (or copy to stdout); frees out in all cases. */
int cc_output_commit(struct cc_output *out, struct cc_error *err);
/* Remove the temporary file and free out; NULL is allowed. */
void cc_output_abort(struct cc_output *out);

/* Remove pending temporary files when SIGINT, SIGTERM or SIGHUP arrives,
 * then die of that signal; ignore SIGPIPE, so that writing to a closed pipe
 * is an ordinary error. Commands call this once at start. */
void cc_output_handle_signals(void);

/* 1 when a and b name the same existing file (e.g. -o pointing at an input). */
int cc_same_file(const char *a, const char *b);

#endif
