/*
 * secret.c - PINs and passphrases (secret.h): from a file that only its
 * owner can read, or typed on /dev/tty with echo off; wiped when freed.
 * Split from signer.c, whose keys they open.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "secret.h"

#define SECRET_MAX 1024 /* bytes of a PIN or passphrase */

void cc_secret_free(char *s)
{
	if (!s)
		return;
	OPENSSL_cleanse(s, strlen(s));
	free(s);
}

static char *secret_dup(const char *buf, size_t len, struct cc_error *err)
{
	char *s = malloc(len + 1);

	if (!s) {
		cc_error_set(err, CC_SYSTEM, "out of memory");
		return NULL;
	}
	memcpy(s, buf, len);
	s[len] = '\0';
	return s;
}

char *cc_secret_read_file(const char *path, struct cc_error *err)
{
	/* Room for the longest secret, "\r\n", and one byte too many. */
	char buf[SECRET_MAX + 3], *nl, *s = NULL;
	size_t len = 0, end;
	struct stat st;
	ssize_t n;
	int fd;

	/* O_NONBLOCK: a FIFO must not hang the open; it is refused below. */
	fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		cc_error_set(err, CC_SYSTEM, "cannot open '%s': %s", path,
			     strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st)) {
		cc_error_set(err, CC_SYSTEM, "cannot read '%s': %s", path,
			     strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		cc_error_set(err, CC_SYSTEM,
			     "PIN file '%s' is not a regular file", path);
		goto out;
	}
	if (st.st_mode & (S_IRGRP | S_IROTH)) {
		cc_error_set(
			err, CC_SYSTEM,
			"PIN file '%s' is readable by others: chmod 600 it",
			path);
		goto out;
	}
	while (len < sizeof(buf)) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			cc_error_set(err, CC_SYSTEM, "cannot read '%s': %s",
				     path, strerror(errno));
			goto out;
		}
		len += (size_t)n;
	}
	nl = memchr(buf, '\n', len);
	end = nl ? (size_t)(nl - buf) : len;
	if (nl && end + 1 != len) {
		cc_error_set(err, CC_SYSTEM,
			     "PIN file '%s' holds more than one line", path);
		goto out;
	}
	if (end > 0 && buf[end - 1] == '\r')
		end--;
	if (end > SECRET_MAX) {
		cc_error_set(err, CC_SYSTEM, "PIN file '%s' is too long", path);
		goto out;
	}
	if (memchr(buf, '\0', end)) {
		cc_error_set(err, CC_SYSTEM, "PIN file '%s' holds a NUL byte",
			     path);
		goto out;
	}
	s = secret_dup(buf, end, err);
out:
	OPENSSL_cleanse(buf, sizeof(buf));
	close(fd);
	return s;
}

static volatile sig_atomic_t prompt_caught[NSIG];

static void prompt_catch(int sig)
{
	prompt_caught[sig] = 1;
}

static int write_all(int fd, const char *s)
{
	size_t len = strlen(s);

	while (len > 0) {
		ssize_t n = write(fd, s, len);

		if (n < 0)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

static const int prompt_sigs[] = {SIGALRM, SIGHUP,  SIGINT,  SIGPIPE, SIGQUIT,
				  SIGTERM, SIGTSTP, SIGTTIN, SIGTTOU};
#define PROMPT_NSIGS (sizeof(prompt_sigs) / sizeof(prompt_sigs[0]))

static int prompt_any_caught(void)
{
	for (size_t i = 0; i < PROMPT_NSIGS; i++)
		if (prompt_caught[prompt_sigs[i]])
			return 1;
	return 0;
}

/* As OpenBSD's readpassphrase(3): signals that arrive while echo is off are
 * held until the terminal is restored, then delivered; after a job-control
 * stop the prompt starts again. They stay blocked except while waiting
 * (ppoll), so that none slips in between checking and waiting, and around
 * the calls that may stop a background job (tcsetattr, read). */
char *cc_secret_prompt(const char *prompt, struct cc_error *err)
{
	struct sigaction sa, old[PROMPT_NSIGS];
	struct termios saved, quiet;
	sigset_t block, orig;
	char buf[SECRET_MAX], c, *s = NULL;
	size_t len;
	ssize_t n;
	int fd, quieted, fail_errno, toolong, eof, caught, stopped;

again:
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || tcgetattr(fd, &saved)) {
		if (fd >= 0)
			close(fd);
		cc_error_set(err, CC_SYSTEM,
			     "no PIN: give --pin-file or run on a terminal");
		return NULL;
	}
	sigemptyset(&block);
	for (size_t i = 0; i < PROMPT_NSIGS; i++)
		sigaddset(&block, prompt_sigs[i]);
	sigprocmask(SIG_BLOCK, &block, &orig);
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = prompt_catch; /* no SA_RESTART: calls return EINTR */
	for (size_t i = 0; i < PROMPT_NSIGS; i++) {
		prompt_caught[prompt_sigs[i]] = 0;
		sigaction(prompt_sigs[i], NULL, &old[i]);
		/* A signal ignored from the start (a job in the background,
		 * nohup) stays ignored, as it would without the prompt. */
		if (old[i].sa_handler != SIG_IGN)
			sigaction(prompt_sigs[i], &sa, NULL);
	}
	len = 0;
	toolong = eof = fail_errno = 0;
	quiet = saved;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	sigprocmask(SIG_SETMASK, &orig, NULL);
	quieted = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	if (!quieted)
		fail_errno = errno;
	sigprocmask(SIG_BLOCK, &block, NULL);
	if (quieted && !prompt_any_caught() && write_all(fd, prompt) < 0)
		fail_errno = errno;
	while (quieted && !fail_errno && !prompt_any_caught()) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int read_errno;

		if (ppoll(&pfd, 1, NULL, &orig) < 0) {
			if (errno != EINTR)
				fail_errno = errno;
			continue;
		}
		sigprocmask(SIG_SETMASK, &orig, NULL);
		n = read(fd, &c, 1);
		read_errno = errno;
		sigprocmask(SIG_BLOCK, &block, NULL);
		if (n < 0) {
			if (read_errno != EINTR)
				fail_errno = read_errno;
			continue;
		}
		if (n == 0) {
			eof = 1;
			break;
		}
		if (c == '\n' || c == '\r')
			break;
		if (len < sizeof(buf))
			buf[len++] = c;
		else
			toolong = 1;
	}
	if (quieted) {
		write_all(fd, "\n");
		tcsetattr(fd, TCSAFLUSH, &saved);
	}
	for (size_t i = 0; i < PROMPT_NSIGS; i++)
		sigaction(prompt_sigs[i], &old[i], NULL);
	/* Signals that came while blocked now meet their own handlers. */
	sigprocmask(SIG_SETMASK, &orig, NULL);
	close(fd);

	caught = stopped = 0;
	for (size_t i = 0; i < PROMPT_NSIGS; i++) {
		int sig = prompt_sigs[i];

		if (!prompt_caught[sig])
			continue;
		caught = 1;
		kill(getpid(), sig);
		if (sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)
			stopped = 1;
	}
	if (stopped) {
		OPENSSL_cleanse(buf, sizeof(buf));
		goto again;
	}
	if (caught)
		cc_error_set(err, CC_SYSTEM, "PIN prompt interrupted");
	else if (fail_errno)
		cc_error_set(err, CC_SYSTEM,
			     "cannot read the PIN on '/dev/tty': %s",
			     strerror(fail_errno));
	else if (eof && len == 0)
		cc_error_set(err, CC_SYSTEM, "no PIN given");
	else if (toolong)
		cc_error_set(err, CC_SYSTEM, "PIN too long");
	else
		s = secret_dup(buf, len, err);
	OPENSSL_cleanse(buf, sizeof(buf));
	return s;
}
