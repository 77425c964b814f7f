/*
 * test-sigstruct.c - signature structure on files signed by our own tools
 * (cc-ocr, then cc-sign once and twice with the test PKI): good files pass
 * with the right revisions, and copies of their bytes altered the ways of
 * DESIGN.md's Universal Signature Forgery and Signature Wrapping each fail
 * with the rule they break.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "pdf.h"
#include "pdfinc.h"
#include "scratch.h"
#include "sigstruct.h"

struct fixture {
	char dir[4096];
	const char *skip; /* why every test skips, or NULL */
	struct cc_buf once, twice;
};

static struct fixture fx;

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	char cmd[16384];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(cmd))
		return -1;
	return system(cmd);
}

static int setup(void **state)
{
	const char *b = getenv("CC_BUILD");
	char bin[4200], path[8400];
	struct cc_error err = {0, ""};

	(void)state;
	snprintf(bin, sizeof(bin), "%s/bin", b && *b ? b : "build/opt");
	if (run("test -x '%s/cc-sign' && test -x '%s/cc-ocr'", bin, bin)) {
		fx.skip = "cc-sign or cc-ocr is not built";
		return 0;
	}
	if (run("command -v certutil >/dev/null && "
		"command -v openssl >/dev/null")) {
		fx.skip = "certutil or openssl is not installed";
		return 0;
	}
	if (scratch_make(fx.dir, sizeof(fx.dir), "sigstruct"))
		return -1;
	if (run("cd '%s' && tests/pki/make-pki '%s/pki' && "
		"chmod 600 '%s'/pki/*.pass",
		".", fx.dir, fx.dir) ||
	    run("'%s/cc-ocr' -q testdata/samples/idcard-front.png -o "
		"'%s/copy.pdf'",
		bin, fx.dir) ||
	    run("'%s/cc-sign' -q -k '%s/pki/certifier.p12' --pin-file "
		"'%s/pki/certifier.pass' '%s/copy.pdf' -o '%s/once.pdf'",
		bin, fx.dir, fx.dir, fx.dir, fx.dir) ||
	    run("'%s/cc-sign' -q -k '%s/pki/certifier-ec.p12' --pin-file "
		"'%s/pki/certifier-ec.pass' '%s/once.pdf' -o '%s/twice.pdf'",
		bin, fx.dir, fx.dir, fx.dir, fx.dir))
		return -1;
	snprintf(path, sizeof(path), "%s/once.pdf", fx.dir);
	if (cc_buf_read_file(&fx.once, path, 1 << 26, &err))
		return -1;
	snprintf(path, sizeof(path), "%s/twice.pdf", fx.dir);
	if (cc_buf_read_file(&fx.twice, path, 1 << 26, &err))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (fx.dir[0])
		scratch_remove(fx.dir);
	cc_buf_free(&fx.once);
	cc_buf_free(&fx.twice);
	return 0;
}

#define NEED()                                                                 \
	do {                                                                   \
		if (fx.skip) {                                                 \
			print_message("skipped: %s\n", fx.skip);               \
			skip();                                                \
		}                                                              \
	} while (0)

static void read_ok(const unsigned char *d, size_t len,
		    struct cc_sig_structs *s)
{
	struct cc_error err = {0, ""};

	assert_int_equal(cc_sig_struct_read(d, len, "x.pdf", s, &err), CC_OK);
}

static void test_signed_once(void **state)
{
	struct cc_sig_structs s;
	const struct cc_sig_struct *g;

	(void)state;
	NEED();
	read_ok(fx.once.data, fx.once.len, &s);
	assert_int_equal(s.revisions, 2);
	assert_true(s.chained);
	assert_int_equal(s.eof[1], fx.once.len);
	assert_int_equal(s.n, 1);
	g = &s.sig[0];
	assert_string_equal(g->problem, "");
	assert_true(g->ok);
	assert_string_equal(g->field, "Signature1");
	assert_string_equal(g->subfilter, "ETSI.CAdES.detached");
	assert_false(g->is_doc_timestamp);
	assert_int_equal(g->revision, 1);
	assert_int_equal(g->range[0], 0);
	assert_true(g->range[1] > s.eof[0]);
	assert_int_equal(g->range[2] + g->range[3], fx.once.len);
	assert_non_null(g->contents);
	assert_int_equal(g->contents[0], 0x30);
	assert_true(g->contents_len > 500);
	assert_true(2 * g->contents_len + 2 < g->range[2] - g->range[1]);
	cc_sig_structs_free(&s);
}

static void test_signed_twice(void **state)
{
	struct cc_sig_structs s;

	(void)state;
	NEED();
	read_ok(fx.twice.data, fx.twice.len, &s);
	assert_int_equal(s.revisions, 3);
	assert_int_equal(s.n, 2);
	assert_true(s.sig[0].ok && s.sig[1].ok);
	assert_string_equal(s.sig[0].field, "Signature1");
	assert_int_equal(s.sig[0].revision, 1);
	assert_string_equal(s.sig[1].field, "Signature2");
	assert_int_equal(s.sig[1].revision, 2);
	assert_int_equal(s.sig[0].range[2] + s.sig[0].range[3], s.eof[1]);
	cc_sig_structs_free(&s);
}

/* A copy of the signed-once file. */
static unsigned char *copy(size_t *len)
{
	unsigned char *d = malloc(fx.once.len);

	assert_non_null(d);
	memcpy(d, fx.once.data, fx.once.len);
	*len = fx.once.len;
	return d;
}

/* Rewrite the /ByteRange value in place: text replaces "[...]" and the
 * spaces after it (cc-sign leaves room), so the file keeps its length. */
static void set_range_text(unsigned char *d, size_t len, const char *text)
{
	unsigned char *p = memmem(d, len, "/ByteRange ", 11);
	size_t at, room;

	assert_non_null(p);
	at = (size_t)(p - d) + 11;
	room = 0;
	while (at + room < len && d[at + room] != ']' && d[at + room] != '\n')
		room++;
	if (d[at + room] == ']')
		room++;
	while (at + room < len && d[at + room] == ' ')
		room++;
	assert_true(strlen(text) <= room);
	memset(d + at, ' ', room);
	memcpy(d + at, text, strlen(text));
}

static void set_range(unsigned char *d, size_t len, long long r0, long long r1,
		      long long r2, long long r3)
{
	char text[128];

	snprintf(text, sizeof(text), "[%lld %lld %lld %lld]", r0, r1, r2, r3);
	set_range_text(d, len, text);
}

/* The one signature of d is not ok, for the reason expected. */
static void expect_problem(const unsigned char *d, size_t len, const char *why)
{
	struct cc_sig_structs s;

	read_ok(d, len, &s);
	assert_int_equal(s.n, 1);
	if (!strstr(s.sig[0].problem, why)) {
		print_message("problem '%s', expected '%s'\n", s.sig[0].problem,
			      why);
		fail();
	}
	assert_false(s.sig[0].ok);
	assert_memory_equal(s.sig[0].problem, "signature 'Signature1': ", 24);
	cc_sig_structs_free(&s);
}

static void test_byte_range_forged(void **state)
{
	struct cc_sig_structs s;
	long long r[4];
	unsigned char *d;
	size_t len;
	char text[128];

	(void)state;
	NEED();
	read_ok(fx.once.data, fx.once.len, &s);
	for (int i = 0; i < 4; i++)
		r[i] = (long long)s.sig[0].range[i];
	cc_sig_structs_free(&s);
	d = copy(&len);

	set_range(d, len, 1, r[1], r[2], r[3]);
	expect_problem(d, len, "/ByteRange does not start at 0");
	snprintf(text, sizeof(text), "[0 %lld %lld %lld 0]", r[1], r[2], r[3]);
	set_range_text(d, len, text);
	expect_problem(d, len, "/ByteRange does not hold exactly 4 numbers");
	set_range(d, len, 0, r[1], r[2], -r[3]);
	expect_problem(d, len, "/ByteRange holds a negative number");
	snprintf(text, sizeof(text), "[0 %lld %lld.0 %lld]", r[1], r[2], r[3]);
	set_range_text(d, len, text);
	expect_problem(d, len, "not an integer");
	set_range_text(d, len, "null");
	expect_problem(d, len, "/ByteRange is missing");
	set_range(d, len, 0, r[2], r[1], r[3]);
	expect_problem(d, len, "/ByteRange ranges overlap");
	set_range(d, len, 0, r[1], r[2], r[3] + 1);
	expect_problem(d, len, "/ByteRange goes past the end of the file");
	/* Without the EOL after %%EOF is allowed; inside %%EOF is not. */
	set_range(d, len, 0, r[1], r[2], r[3] - 1);
	read_ok(d, len, &s);
	assert_true(s.sig[0].ok);
	cc_sig_structs_free(&s);
	set_range(d, len, 0, r[1], r[2], r[3] - 2);
	expect_problem(d, len, "does not end at the %EOF of a revision");
	set_range(d, len, 0, r[1] - 1, r[2], r[3]);
	expect_problem(d, len, "the /ByteRange gap is not one hex string");
	set_range(d, len, 0, r[1], r[2] + 1, r[3] - 1);
	expect_problem(d, len, "the /ByteRange gap is not one hex string");
	set_range(d, len, 0, r[1], r[2], r[3]);
	read_ok(d, len, &s);
	assert_true(s.sig[0].ok);
	cc_sig_structs_free(&s);
	free(d);
}

static void test_contents_forged(void **state)
{
	struct cc_sig_structs s;
	size_t a, b, der, len;
	unsigned char *d;

	(void)state;
	NEED();
	read_ok(fx.once.data, fx.once.len, &s);
	a = (size_t)s.sig[0].range[1];
	b = (size_t)s.sig[0].range[2];
	der = s.sig[0].contents_len;
	cc_sig_structs_free(&s);

	d = copy(&len);
	d[b - 2] = '1'; /* the last padding byte 0x01 */
	expect_problem(d, len, "non-zero bytes after the SignedData");
	free(d);

	d = copy(&len);
	d[a + 1 + 2 * der] = 'f'; /* the first padding byte */
	expect_problem(d, len, "non-zero bytes after the SignedData");
	free(d);

	d = copy(&len);
	d[b - 3] = ' ';
	expect_problem(d, len, "holds whitespace");
	free(d);

	d = copy(&len);
	d[b - 3] = 'x';
	expect_problem(d, len, "the /ByteRange gap is not one hex string");
	free(d);

	/* Garbage, not DER. */
	d = copy(&len);
	for (size_t i = a + 1; i < a + 1 + 64; i++)
		d[i] = "0123456789abcdef"[(i * 7) % 16];
	expect_problem(d, len, "/Contents is not one DER CMS SignedData");
	free(d);

	/* A zero-filled /Contents. */
	d = copy(&len);
	memset(d + a + 1, '0', b - a - 2);
	expect_problem(d, len, "/Contents is not one DER CMS SignedData");
	free(d);

	/* A DER SEQUENCE that is no ContentInfo. */
	d = copy(&len);
	memcpy(d + a + 1, "3003020101", 10);
	memset(d + a + 11, '0', b - a - 12);
	expect_problem(d, len, "/Contents is not one DER CMS SignedData");
	free(d);
}

/* A new revision after the signed-once file, with a second signature whose
 * /ByteRange is the first one's: its gap is the first signature's
 * /Contents, not its own. */
static void wrap(const char *contents_hex, struct cc_sig_structs *s)
{
	struct cc_error err = {0, ""};
	struct cc_pdf *p =
		cc_pdf_open(fx.once.data, fx.once.len, "once.pdf", &err);
	struct cc_pdf_object *objs = NULL, *o;
	struct cc_pdf_trailer t;
	struct cc_buf out = {0};
	struct cc_sig_structs first;
	size_t n = 0;
	int sig, widget;

	assert_non_null(p);
	read_ok(fx.once.data, fx.once.len, &first);
	sig = cc_pdf_reserve(p, &err);
	widget = cc_pdf_reserve(p, &err);
	assert_true(sig > 0 && widget > 0);
	assert_int_equal(cc_pdf_page_add_annot(p, 0, widget, &err), CC_OK);
	assert_int_equal(cc_pdf_add_field(p, widget, &err), CC_OK);
	o = cc_pdf_objects_add(&objs, &n, sig);
	assert_non_null(o);
	cc_buf_printf(&o->dict,
		      "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter "
		      "/ETSI.CAdES.detached /ByteRange [0 %llu %llu %llu] "
		      "/Contents <%s> >>",
		      first.sig[0].range[1], first.sig[0].range[2],
		      first.sig[0].range[3], contents_hex);
	o = cc_pdf_objects_add(&objs, &n, widget);
	assert_non_null(o);
	cc_buf_printf(&o->dict,
		      "<< /Type /Annot /Subtype /Widget /FT /Sig /T "
		      "(Signature2) /V %d 0 R /F 132 /P %d 0 R /Rect [0 0 0 0] "
		      ">>",
		      sig, cc_pdf_page_obj(p, 0));
	assert_int_equal(cc_pdf_update(p, &objs, &n, &t, &err), CC_OK);
	cc_buf_put(&out, fx.once.data, fx.once.len);
	assert_int_equal(cc_pdf_write_update(&out, objs, n, &t, &err), CC_OK);
	assert_false(out.failed);
	read_ok(out.data, out.len, s);
	assert_int_equal(s->revisions, 3);
	assert_int_equal(s->n, 2);
	assert_true(s->sig[0].ok);
	assert_int_equal(s->sig[0].revision, 1);
	assert_string_equal(s->sig[1].field, "Signature2");
	cc_sig_structs_free(&first);
	cc_buf_free(&out);
	cc_pdf_objects_free(objs, n);
	cc_pdf_close(p);
}

static void test_wrapping(void **state)
{
	struct cc_sig_structs s;

	(void)state;
	NEED();
	wrap("3000", &s);
	assert_false(s.sig[1].ok);
	assert_string_equal(s.sig[1].problem,
			    "signature 'Signature2': the /ByteRange gap is not "
			    "this signature's /Contents");
	cc_sig_structs_free(&s);
}

static void test_not_pdf(void **state)
{
	static const unsigned char junk[] = "hello, world\n";
	struct cc_sig_structs s;
	struct cc_error err = {0, ""};

	(void)state;
	assert_int_equal(
		cc_sig_struct_read(junk, sizeof(junk) - 1, "junk", &s, &err),
		CC_INPUT);
	assert_string_equal(err.msg, "'junk' is not a PDF file");
	assert_int_equal(s.n, 0);
	assert_int_equal(
		cc_sig_struct_read((const unsigned char *)"%PDF-1.7\n%%EOF\n",
				   15, "empty.pdf", &s, &err),
		CC_INPUT);
	cc_sig_structs_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signed_once),
		cmocka_unit_test(test_signed_twice),
		cmocka_unit_test(test_byte_range_forged),
		cmocka_unit_test(test_contents_forged),
		cmocka_unit_test(test_wrapping),
		cmocka_unit_test(test_not_pdf),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
