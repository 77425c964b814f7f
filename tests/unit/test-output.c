/*
 * test-output.c - atomic output files: the target appears whole on commit or
 * not at all, no temporary file is left behind either way, and "-" copies
 * to stdout only on commit (checked in a child whose stdout is a pipe).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tooltest.h"
#include "output.h"

static int setup(void **state)
{
	return scratch_setup(state, "test-output");
}

/* Number of entries in dir; with prefix, only those starting with it; -1
 * when dir cannot be read. Does not assert: the stdout child uses it too. */
static int count_entries(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!prefix || !strncmp(e->d_name, prefix, strlen(prefix)))
			n++;
	}
	closedir(d);
	return n;
}

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/* The whole file as a string (files in these tests are small). */
static void read_file(const char *path, char *buf, size_t size)
{
	FILE *fp = fopen(path, "r");
	size_t n;

	assert_non_null(fp);
	n = fread(buf, 1, size - 1, fp);
	buf[n] = '\0';
	fclose(fp);
}

static void test_commit_creates_target(void **state)
{
	struct scratch *s = *state;
	struct cc_error err = {0, ""};
	struct cc_output *out;
	char target[4200], buf[64];
	FILE *fp;

	snprintf(target, sizeof(target), "%s", join(s, "out.txt"));
	out = cc_output_open(target, 0666, &err);
	assert_non_null(out);
	assert_string_equal(cc_output_name(out), target);
	fp = cc_output_stream(out, &err);
	assert_non_null(fp);
	fputs("hello, ", fp);
	fflush(fp);
	assert_int_equal(write(cc_output_fd(out), "world\n", 6), 6);
	/* Until commit the target does not exist; at most a hidden
	 * temporary file does (none where O_TMPFILE gives a file without a
	 * name, which not even SIGKILL can leave behind). */
	assert_int_equal(access(target, F_OK), -1);
	assert_int_equal(count_entries(s->dir, NULL),
			 count_entries(s->dir, ".out.txt."));
	assert_true(count_entries(s->dir, ".out.txt.") <= 1);
	assert_int_equal(cc_output_commit(out, &err), CC_OK);
	read_file(target, buf, sizeof(buf));
	assert_string_equal(buf, "hello, world\n");
	assert_int_equal(count_entries(s->dir, NULL), 1);
	assert_int_equal(count_entries(s->dir, ".out.txt."), 0);
}

static void test_abort_leaves_nothing(void **state)
{
	struct scratch *s = *state;
	struct cc_error err = {0, ""};
	struct cc_output *out = cc_output_open(join(s, "out.txt"), 0666, &err);

	assert_non_null(out);
	fputs("partial", cc_output_stream(out, &err));
	cc_output_abort(out);
	assert_int_equal(count_entries(s->dir, NULL), 0);
	cc_output_abort(NULL); /* allowed, like free(NULL) */
}

static void test_existing_target_kept_on_abort(void **state)
{
	struct scratch *s = *state;
	struct cc_error err = {0, ""};
	struct cc_output *out;
	char target[4200], buf[64];

	snprintf(target, sizeof(target), "%s", join(s, "out.txt"));
	write_file(target, "old contents\n");
	out = cc_output_open(target, 0666, &err);
	assert_non_null(out);
	fputs("new", cc_output_stream(out, &err));
	cc_output_abort(out);
	read_file(target, buf, sizeof(buf));
	assert_string_equal(buf, "old contents\n");
	assert_int_equal(count_entries(s->dir, NULL), 1);

	/* And a commit replaces it whole. */
	out = cc_output_open(target, 0666, &err);
	assert_non_null(out);
	fputs("new\n", cc_output_stream(out, &err));
	assert_int_equal(cc_output_commit(out, &err), CC_OK);
	read_file(target, buf, sizeof(buf));
	assert_string_equal(buf, "new\n");
	assert_int_equal(count_entries(s->dir, NULL), 1);
}

static void test_directory_is_usage_error(void **state)
{
	struct scratch *s = *state;
	struct cc_error err = {0, ""};
	char slash[4200];

	assert_null(cc_output_open(s->dir, 0666, &err));
	assert_int_equal(err.code, CC_USAGE);
	assert_non_null(strstr(err.msg, s->dir));
	assert_non_null(strstr(err.msg, "directory"));

	snprintf(slash, sizeof(slash), "%s/", s->dir);
	err.code = 0;
	assert_null(cc_output_open(slash, 0666, &err));
	assert_int_equal(err.code, CC_USAGE);
	assert_int_equal(count_entries(s->dir, NULL), 0);
}

static void test_missing_directory_is_system_error(void **state)
{
	struct scratch *s = *state;
	struct cc_error err = {0, ""};
	char quoted[4300];

	join(s, "no/such/out.pdf");
	assert_null(cc_output_open(s->path, 0666, &err));
	assert_int_equal(err.code, CC_SYSTEM);
	snprintf(quoted, sizeof(quoted), "'%s'", s->path);
	assert_non_null(strstr(err.msg, quoted));
	assert_non_null(strstr(err.msg, "No such file or directory"));
}

static void test_mode_follows_umask(void **state)
{
	struct scratch *s = *state;
	struct cc_error err = {0, ""};
	mode_t old = umask(022);
	struct cc_output *out;
	struct stat st;

	out = cc_output_open(join(s, "a"), 0666, &err);
	assert_non_null(out);
	assert_int_equal(cc_output_commit(out, &err), CC_OK);
	assert_int_equal(stat(join(s, "a"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);

	/* A secret asks for 0600 and must not get more. */
	out = cc_output_open(join(s, "b"), 0600, &err);
	assert_non_null(out);
	assert_int_equal(cc_output_commit(out, &err), CC_OK);
	assert_int_equal(stat(join(s, "b"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	umask(old);
}

static void test_same_file(void **state)
{
	struct scratch *s = *state;
	char a[4200], b[4200], link_a[4200], sym_a[4200], dot_a[4300];

	snprintf(a, sizeof(a), "%s", join(s, "a"));
	snprintf(b, sizeof(b), "%s", join(s, "b"));
	snprintf(link_a, sizeof(link_a), "%s", join(s, "link-a"));
	snprintf(sym_a, sizeof(sym_a), "%s", join(s, "sym-a"));
	snprintf(dot_a, sizeof(dot_a), "%s/./a", s->dir);
	write_file(a, "a");
	write_file(b, "a"); /* same contents, different file */
	assert_int_equal(link(a, link_a), 0);
	assert_int_equal(symlink(a, sym_a), 0);

	assert_int_equal(cc_same_file(a, a), 1);
	assert_int_equal(cc_same_file(a, dot_a), 1);
	assert_int_equal(cc_same_file(a, link_a), 1);
	assert_int_equal(cc_same_file(sym_a, a), 1);
	assert_int_equal(cc_same_file(a, b), 0);
	assert_int_equal(cc_same_file(a, join(s, "missing")), 0);
	assert_int_equal(cc_same_file(join(s, "missing"), join(s, "missing")),
			 0);
	assert_int_equal(cc_same_file(NULL, a), 0);
	assert_int_equal(cc_same_file(a, NULL), 0);
}

/*
 * Run an output to stdout in a child whose stdout is a pipe; return what
 * came through it. The child's TMPDIR is the scratch dir, which must be
 * empty again right after open (the collecting file is unlinked at once).
 * The child reports problems by exit status, as cmocka lives in the parent.
 */
static size_t stdout_child(struct scratch *s, const char *path,
			   const unsigned char *data, size_t len, int commit,
			   unsigned char *got, size_t cap)
{
	int fds[2], status;
	size_t total = 0;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct cc_error err = {0, ""};
		struct cc_output *out;
		FILE *fp;

		close(fds[0]);
		if (dup2(fds[1], STDOUT_FILENO) < 0)
			_exit(10);
		close(fds[1]);
		setenv("TMPDIR", s->dir, 1);
		out = cc_output_open(path, 0666, &err);
		if (!out || strcmp(cc_output_name(out), "-") != 0)
			_exit(11);
		if (count_entries(s->dir, NULL) != 0)
			_exit(12);
		fp = cc_output_stream(out, &err);
		if (!fp || fwrite(data, 1, len, fp) != len)
			_exit(13);
		if (!commit) {
			cc_output_abort(out);
			_exit(0);
		}
		_exit(cc_output_commit(out, &err) == CC_OK ? 0 : 14);
	}
	close(fds[1]);
	while ((n = read(fds[0], got + total, cap - total)) > 0)
		total += (size_t)n;
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	return total;
}

static void test_stdout_commit(void **state)
{
	/* More than one copy buffer, with NULs and all byte values. */
	size_t len = 200000;
	unsigned char *data = malloc(len), *got = malloc(len + 16);

	assert_non_null(data);
	assert_non_null(got);
	for (size_t i = 0; i < len; i++)
		data[i] = (unsigned char)(i * 7 + i / 256);
	assert_int_equal(stdout_child(*state, "-", data, len, 1, got, len + 16),
			 len);
	assert_memory_equal(got, data, len);
	/* NULL means stdout too. */
	assert_int_equal(stdout_child(*state, NULL, data, 10, 1, got, len + 16),
			 10);
	assert_memory_equal(got, data, 10);
	free(data);
	free(got);
}

static void test_stdout_abort_writes_nothing(void **state)
{
	unsigned char got[64];
	static const unsigned char data[] = "must not appear";

	assert_int_equal(stdout_child(*state, "-", data, sizeof(data), 0, got,
				      sizeof(got)),
			 0);
}

/* A device or FIFO is written into, never renamed over: replacing
 * /dev/null with a regular file would break the whole machine. */
static void test_special_files_written_not_replaced(void **state)
{
	struct scratch *s = *state;
	struct cc_error err = {0, ""};
	struct cc_output *out;
	struct stat st;
	char fifo[4200], buf[64];
	int fd, status = 0;
	pid_t pid;

	out = cc_output_open("/dev/null", 0666, &err);
	assert_non_null(out);
	assert_int_equal(write(cc_output_fd(out), "data", 4), 4);
	assert_int_equal(cc_output_commit(out, &err), CC_OK);
	assert_int_equal(stat("/dev/null", &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(count_entries("/dev", ".null."), 0);

	snprintf(fifo, sizeof(fifo), "%s", join(s, "fifo"));
	assert_int_equal(mkfifo(fifo, 0600), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct cc_output *o = cc_output_open(fifo, 0666, &err);

		if (!o || write(cc_output_fd(o), "through", 7) != 7 ||
		    cc_output_commit(o, &err) != CC_OK)
			_exit(1);
		_exit(0);
	}
	fd = open(fifo, O_RDONLY);
	assert_true(fd >= 0);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(read(fd, buf, sizeof(buf) - 1), 7);
	close(fd);
	assert_string_equal(buf, "through");
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(stat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, scratch_teardown)
	const struct CMUnitTest tests[] = {
		T(test_commit_creates_target),
		T(test_abort_leaves_nothing),
		T(test_existing_target_kept_on_abort),
		T(test_directory_is_usage_error),
		T(test_missing_directory_is_system_error),
		T(test_mode_follows_umask),
		T(test_same_file),
		T(test_stdout_commit),
		T(test_stdout_abort_writes_nothing),
		T(test_special_files_written_not_replaced),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
