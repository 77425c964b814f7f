/*
 * minipdf.h - a tiny classic PDF writer for the unit tests, independent of
 * the library's writers, so that what a module draws (a page's content, a
 * Form XObject) and the embedded font's objects can be put in a complete
 * minimal PDF for tools nobody here wrote to judge: the catalog, the
 * objects the caller numbers from 2 (the page tree), one xref table. And
 * check_clean(), what every such PDF must pass: qpdf and mutool find
 * nothing wrong.
 *
 * Static inline and marked unused, as tooltest.h (which it includes), so
 * that a test using only part of it compiles without a warning.
 */
#ifndef CC_TEST_MINIPDF_H
#define CC_TEST_MINIPDF_H

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "font.h"
#include "pdfinc.h"
#include "tooltest.h"

#define MINI_MAXOBJ 64

struct mini {
	struct cc_buf out;
	size_t off[MINI_MAXOBJ];
	int max;
};

/* The header, and object 1: the catalog, whose page tree is object 2. */
TOOLTEST_UNUSED static inline void mini_begin(struct mini *m)
{
	memset(m, 0, sizeof(*m));
	cc_buf_puts(&m->out, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
	m->off[1] = m->out.len;
	m->max = 1;
	cc_buf_puts(&m->out,
		    "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
}

TOOLTEST_UNUSED static inline void mini_obj(struct mini *m, int num,
					    const char *dict)
{
	assert_true(num > 0 && num < MINI_MAXOBJ && !m->off[num]);
	m->off[num] = m->out.len;
	if (num > m->max)
		m->max = num;
	cc_buf_printf(&m->out, "%d 0 obj\n%s\nendobj\n", num, dict);
}

/* dict is "<< ... >>" without /Length. */
TOOLTEST_UNUSED static inline void mini_stream(struct mini *m, int num,
					       const char *dict,
					       const void *data, size_t len)
{
	size_t dl = strlen(dict);

	assert_true(num > 0 && num < MINI_MAXOBJ && !m->off[num]);
	assert_true(dl >= 4 && !strcmp(dict + dl - 2, ">>"));
	m->off[num] = m->out.len;
	if (num > m->max)
		m->max = num;
	cc_buf_printf(&m->out, "%d 0 obj\n", num);
	cc_buf_put(&m->out, dict, dl - 2);
	cc_buf_printf(&m->out, "/Length %zu >>\nstream\n", len);
	cc_buf_put(&m->out, data, len);
	cc_buf_puts(&m->out, "\nendstream\nendobj\n");
}

/* One of the library's objects, under its own number. */
TOOLTEST_UNUSED static inline void mini_object(struct mini *m,
					       struct cc_pdf_object *o)
{
	cc_buf_put(&o->dict, "", 1);
	assert_false(o->dict.failed);
	if (o->is_stream)
		mini_stream(m, o->num, (const char *)o->dict.data, o->data.data,
			    o->data.len);
	else
		mini_obj(m, o->num, (const char *)o->dict.data);
}

/* The font's objects for everything shown with it so far, numbered first,
 * first + 1, ...: the font to name in the resources is "first 0 R". */
TOOLTEST_UNUSED static inline void mini_font(struct mini *m, struct cc_font *f,
					     int first)
{
	struct cc_error err = {0, ""};
	struct cc_pdf_object o[CC_FONT_NOBJ];
	int num[CC_FONT_NOBJ];

	for (int i = 0; i < CC_FONT_NOBJ; i++)
		num[i] = first + i;
	assert_int_equal(cc_font_objects(f, num, o, &err), CC_OK);
	for (int i = 0; i < CC_FONT_NOBJ; i++) {
		mini_object(m, &o[i]);
		cc_pdf_object_free(&o[i]);
	}
}

/* The xref table and trailer (every number up to the highest used must
 * have been written), and the whole written to path. */
TOOLTEST_UNUSED static inline void mini_end(struct mini *m, const char *path)
{
	size_t x = m->out.len;
	FILE *f;

	cc_buf_printf(&m->out, "xref\n0 %d\n0000000000 65535 f \n", m->max + 1);
	for (int i = 1; i <= m->max; i++) {
		assert_true(m->off[i] > 0);
		cc_buf_printf(&m->out, "%010zu 00000 n \n", m->off[i]);
	}
	cc_buf_printf(&m->out,
		      "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%zu\n"
		      "%%%%EOF\n",
		      m->max + 1, x);
	assert_false(m->out.failed);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(m->out.data, 1, m->out.len, f), m->out.len);
	assert_int_equal(fclose(f), 0);
	cc_buf_free(&m->out);
}

/* qpdf --check finds no error and warns of nothing; mutool draws every
 * page without a word (but that its build lacks colour management). The
 * caller NEEDs qpdf and mutool. */
TOOLTEST_UNUSED static inline void check_clean(struct scratch *s,
					       const char *pdf)
{
	char *out;

	assert_int_equal(run(s, &out, "qpdf --check '%s' 2>&1", pdf), 0);
	assert_non_null(strstr(out, "No syntax or stream encoding errors"));
	assert_null(strstr(out, "WARNING"));
	free(out);
	assert_int_equal(
		run(s, &out,
		    "mutool draw -q -o '%s' -r 50 '%s' 2>&1 >/dev/null "
		    "| grep -v '^warning: ICC support is not "
		    "available$'",
		    join(s, "x.png"), pdf),
		1);
	assert_string_equal(out, "");
	free(out);
}

#endif
