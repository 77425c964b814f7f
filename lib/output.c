/* output.c - atomic output files (temp beside target, fsync, rename). */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct cc_output {
	int fd;
	FILE *fp;
	int to_stdout;	/* collected, then copied to stdout on commit */
	int to_special; /* collected, then copied into a device or FIFO */
	int slot;
	int unnamed; /* O_TMPFILE: no name until commit links one */
	mode_t mode;
	char target[PATH_MAX];
	char tmp[PATH_MAX];
};

/* Temporary files that a signal handler must remove. Slots are claimed and
 * released by the main flow only; the handler only reads them. */
#define MAX_PENDING 16
static char pending_path[MAX_PENDING][PATH_MAX];
static volatile sig_atomic_t pending_used[MAX_PENDING];

static int pending_add(const char *path)
{
	for (int i = 0; i < MAX_PENDING; i++) {
		if (!pending_used[i]) {
			memcpy(pending_path[i], path, strlen(path) + 1);
			pending_used[i] = 1;
			return i;
		}
	}
	return -1;
}

static void pending_remove(int slot)
{
	if (slot >= 0 && slot < MAX_PENDING)
		pending_used[slot] = 0;
}

static void on_fatal_signal(int sig)
{
	for (int i = 0; i < MAX_PENDING; i++)
		if (pending_used[i])
			unlink(pending_path[i]);
	signal(sig, SIG_DFL);
	raise(sig);
}

void cc_output_handle_signals(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	/* A closed pipe is an error on write (EPIPE), reported like any other;
	 * SANE backends that feed frames through a pipe rely on that too. */
	signal(SIGPIPE, SIG_IGN);
}

static int make_temp_for(struct cc_output *out, const char *path,
			 struct cc_error *err)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	int dirlen = slash ? (int)(slash - path + 1) : 0;
	int n;

	if (*base == '\0')
		return cc_error_set(err, CC_USAGE, "'%s' is a directory", path);
	n = snprintf(out->tmp, sizeof(out->tmp), "%.*s.%s.XXXXXX", dirlen, path,
		     base);
	if (n < 0 || (size_t)n >= sizeof(out->tmp))
		return cc_error_set(err, CC_USAGE, "'%s': file name too long",
				    path);
#ifdef O_TMPFILE
	/* A file without a name, linked in only on commit: even SIGKILL
	 * leaves nothing behind. Linking it needs /proc (linkat through
	 * /proc/self/fd); without it, or on a file system without
	 * O_TMPFILE, a named temporary file does. */
	if (access("/proc/self/fd", X_OK) == 0) {
		char dir[PATH_MAX];

		snprintf(dir, sizeof(dir), "%.*s", dirlen ? dirlen : 1,
			 dirlen ? path : ".");
		out->fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		if (out->fd >= 0) {
			out->unnamed = 1;
			return CC_OK;
		}
	}
#endif
	out->fd = mkostemp(out->tmp, O_CLOEXEC);
	if (out->fd < 0)
		return cc_error_set(err, CC_SYSTEM, "cannot create '%s': %s",
				    path, strerror(errno));
	return CC_OK;
}

/* Give the unnamed file the name out->tmp (made unique here), for the
 * rename over the target. */
static int link_unnamed(struct cc_output *out)
{
	char proc[64];
	size_t len = strlen(out->tmp);

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", out->fd);
	for (int attempt = 0; attempt < 100; attempt++) {
		unsigned r = (unsigned)rand() ^ (unsigned)getpid() ^
			     (unsigned)attempt * 2654435761u;

		for (size_t i = len - 6; i < len; i++, r /= 36)
			out->tmp[i] =
				"0123456789abcdefghijklmnopqrstuvwxyz"[r % 36];
		if (linkat(AT_FDCWD, proc, AT_FDCWD, out->tmp,
			   AT_SYMLINK_FOLLOW) == 0) {
			out->unnamed = 0;
			return 0;
		}
		if (errno != EEXIST)
			return -1;
	}
	return -1;
}

static int make_temp_anon(struct cc_output *out, struct cc_error *err)
{
	const char *dir = getenv("TMPDIR");
	int n;

	if (!dir || !*dir)
		dir = "/tmp";
	n = snprintf(out->tmp, sizeof(out->tmp), "%s/certcopy.XXXXXX", dir);
	if (n < 0 || (size_t)n >= sizeof(out->tmp))
		return cc_error_set(err, CC_SYSTEM, "TMPDIR too long");
	out->fd = mkostemp(out->tmp, O_CLOEXEC);
	if (out->fd < 0)
		return cc_error_set(
			err, CC_SYSTEM,
			"cannot create a temporary file in '%s': %s", dir,
			strerror(errno));
	/* Nobody else needs the name; an unlinked file cannot be left over. */
	unlink(out->tmp);
	out->tmp[0] = '\0';
	return CC_OK;
}

struct cc_output *cc_output_open(const char *path, mode_t mode,
				 struct cc_error *err)
{
	struct cc_output *out = calloc(1, sizeof(*out));
	struct stat st;

	if (!out) {
		cc_error_set(err, CC_SYSTEM, "out of memory");
		return NULL;
	}
	out->fd = -1;
	out->slot = -1;
	out->mode = mode;
	if (!path || strcmp(path, "-") == 0) {
		out->to_stdout = 1;
		memcpy(out->target, "-", 2);
		if (make_temp_anon(out, err))
			goto fail;
		return out;
	}
	if (strlen(path) >= sizeof(out->target)) {
		cc_error_set(err, CC_USAGE, "'%s': file name too long", path);
		goto fail;
	}
	memcpy(out->target, path, strlen(path) + 1);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		cc_error_set(err, CC_USAGE, "'%s' is a directory", path);
		goto fail;
	}
	/* A device or FIFO (/dev/null, /dev/stdout, a pipe) is written
	 * into, never renamed over: collect the data and copy it on commit. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		out->to_special = 1;
		if (make_temp_anon(out, err))
			goto fail;
		return out;
	}
	if (make_temp_for(out, path, err))
		goto fail;
	if (!out->unnamed)
		out->slot = pending_add(out->tmp);
	return out;
fail:
	free(out);
	return NULL;
}

int cc_output_fd(const struct cc_output *out)
{
	return out->fd;
}

const char *cc_output_name(const struct cc_output *out)
{
	return out->target;
}

FILE *cc_output_stream(struct cc_output *out, struct cc_error *err)
{
	if (!out->fp) {
		out->fp = fdopen(out->fd, "wb");
		if (!out->fp)
			cc_error_set(err, CC_SYSTEM, "cannot write '%s': %s",
				     out->target, strerror(errno));
	}
	return out->fp;
}

/* Copy the collected data to fd (stdout, or the special file). */
static int copy_out(struct cc_output *out, int fd, struct cc_error *err)
{
	char buf[65536];
	ssize_t n;

	if (lseek(out->fd, 0, SEEK_SET) < 0)
		return cc_error_set(err, CC_SYSTEM, "cannot rewind output: %s",
				    strerror(errno));
	while ((n = read(out->fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return cc_error_set(err, CC_SYSTEM,
					    "cannot read back output: %s",
					    strerror(errno));
		}
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(fd, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return cc_error_set(
					err, CC_SYSTEM, "cannot write '%s': %s",
					out->to_stdout ? "stdout" : out->target,
					strerror(errno));
			off += w;
		}
	}
	return CC_OK;
}

static void release(struct cc_output *out)
{
	if (out->fp)
		fclose(out->fp);
	else if (out->fd >= 0)
		close(out->fd);
	pending_remove(out->slot);
	free(out);
}

int cc_output_write(struct cc_output *out, const void *data, size_t len,
		    struct cc_error *err)
{
	const unsigned char *p = data;

	while (len) {
		ssize_t n = write(out->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return cc_error_set(
				err, CC_SYSTEM, "cannot write '%s': %s",
				out->target,
				n ? strerror(errno) : "nothing written");
		p += n;
		len -= (size_t)n;
	}
	return CC_OK;
}

int cc_output_sync(struct cc_output *out, struct cc_error *err)
{
	if ((out->fp && fflush(out->fp) != 0) || fsync(out->fd) != 0)
		return cc_error_set(err, CC_SYSTEM, "cannot write '%s': %s",
				    out->target, strerror(errno));
	return CC_OK;
}

int cc_output_commit(struct cc_output *out, struct cc_error *err)
{
	mode_t mask;
	int rc = CC_OK;

	if (out->fp && fflush(out->fp) != 0) {
		rc = cc_error_set(err, CC_SYSTEM, "cannot write '%s': %s",
				  out->target, strerror(errno));
		goto fail;
	}
	if (out->to_stdout) {
		rc = copy_out(out, STDOUT_FILENO, err);
		release(out);
		return rc;
	}
	if (out->to_special) {
		int fd = open(out->target, O_WRONLY | O_CLOEXEC);

		if (fd < 0)
			rc = cc_error_set(err, CC_SYSTEM,
					  "cannot open '%s': %s", out->target,
					  strerror(errno));
		else
			rc = copy_out(out, fd, err);
		if (fd >= 0 && close(fd) != 0 && rc == CC_OK)
			rc = cc_error_set(err, CC_SYSTEM,
					  "cannot write '%s': %s", out->target,
					  strerror(errno));
		release(out);
		return rc;
	}
	mask = umask(0);
	umask(mask);
	if (fchmod(out->fd, out->mode & ~mask) != 0 || fsync(out->fd) != 0) {
		rc = cc_error_set(err, CC_SYSTEM, "cannot write '%s': %s",
				  out->target, strerror(errno));
		goto fail;
	}
	if (out->unnamed) {
		if (link_unnamed(out) != 0) {
			rc = cc_error_set(err, CC_SYSTEM,
					  "cannot create '%s': %s", out->target,
					  strerror(errno));
			goto fail;
		}
		out->slot = pending_add(out->tmp);
	}
	if (rename(out->tmp, out->target) != 0) {
		rc = cc_error_set(err, CC_SYSTEM, "cannot create '%s': %s",
				  out->target, strerror(errno));
		goto fail;
	}
	release(out);
	return CC_OK;
fail:
	cc_output_abort(out);
	return rc;
}

void cc_output_abort(struct cc_output *out)
{
	if (!out)
		return;
	if (!out->to_stdout && !out->to_special && !out->unnamed && out->tmp[0])
		unlink(out->tmp);
	release(out);
}

int cc_same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (!a || !b || stat(a, &sa) != 0 || stat(b, &sb) != 0)
		return 0;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}
