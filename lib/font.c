/*
 * font.c - an embedded, subset TrueType font for the text cc-sign adds to a
 * PDF, and glyph outlines for its watermark (font.h).
 *
 * One struct cc_font holds the font file in memory, read by HarfBuzz (for
 * shaping and subsetting) and FreeType (for outlines and metrics), and the
 * codes given out so far: codes[i] is the pair (glyph in the original
 * font, the text it stands for) of code i, found again through a small
 * hash table. Shaping uses HarfBuzz's monotone-characters cluster level,
 * so that a base letter and a mark drawn as two glyphs stay two clusters
 * and each glyph carries its own character. A ligature is one glyph for
 * several characters: its code maps to all of them. A cluster of several
 * glyphs (a character the font draws in pieces) gives its text to its
 * first glyph, none to the others, and is wrapped in a marked-content span
 * with the text as ActualText, which readers that honour it (poppler) give
 * instead of the glyphs' own.
 */
#include "font.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_OUTLINE_H
#include FT_TRUETYPE_TABLES_H
#include <hb-ot.h>
#include <hb-subset.h>
#include <hb.h>
#include <uninorm.h>
#include <unistr.h>
#include <zlib.h>

#define FONT_MAX (64u << 20) /* bytes of a font file */
#define TEXT_MAX 65536	     /* bytes of one text shown */
#define CLUSTER_MAX 512	     /* bytes of the text of one code */
#define CODE_MAX 0xffffu     /* 2-byte codes, 0 unused */
#define RUN_MAX 2000	     /* glyphs in one PDF string */
#define ARRAY_MAX 500	     /* elements of one TJ array */
#define ADJUST_MIN 0.01	     /* 1/1000 em: smaller moves are not written */

struct code {
	unsigned gid; /* in the original font */
	size_t off;   /* of its text in texts */
	unsigned len; /* bytes of its text, UTF-8 */
	double width; /* advance in 1/1000 em, as written in /W */
};

struct cc_font {
	char *path;
	unsigned char *data;
	size_t size;
	hb_blob_t *blob;
	hb_face_t *face;
	hb_font_t *font;
	hb_buffer_t *buf;
	FT_Library ft;
	FT_Face ftface;
	unsigned upem;

	struct code *codes; /* codes[1 .. ncodes] */
	size_t ncodes, capcodes;
	unsigned *slots; /* hash table of codes; 0 = empty */
	size_t nslots;
	struct cc_buf texts;
};

/* ---- numbers ---- */

/* v rounded to 1/1000. */
static double round3(double v)
{
	return round(v * 1000) / 1000;
}

/* ---- opening ---- */

static int read_file(const char *path, unsigned char **data, size_t *size,
		     struct cc_error *err)
{
	struct stat st;
	unsigned char *p = NULL;
	size_t done = 0;
	int fd, rc = CC_OK;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		return cc_error_set(
			err, CC_SYSTEM, "cannot open font '%s': %s%s", path,
			strerror(e),
			e == ENOENT && !strcmp(path, CC_FONT_DEFAULT)
				? " (fonts-dejavu-core: run make "
				  "deps)"
				: "");
	}
	if (fstat(fd, &st)) {
		rc = cc_error_set(err, CC_SYSTEM, "cannot open font '%s': %s",
				  path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = cc_error_set(err, CC_INPUT,
				  "cannot open font '%s': not a regular file",
				  path);
		goto out;
	}
	if (st.st_size < 12 || (unsigned long long)st.st_size > FONT_MAX) {
		rc = cc_error_set(err, CC_INPUT,
				  "cannot open font '%s': not a TrueType font "
				  "(%lld bytes)",
				  path, (long long)st.st_size);
		goto out;
	}
	p = malloc((size_t)st.st_size);
	if (!p) {
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, p + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = cc_error_set(err, CC_SYSTEM,
					  "cannot read font '%s': %s", path,
					  n ? strerror(errno)
					    : "file shrank while read");
			goto out;
		}
		done += (size_t)n;
	}
	*data = p;
	*size = done;
	p = NULL;
out:
	free(p);
	close(fd);
	return rc;
}

static int has_table(hb_face_t *face, hb_tag_t tag)
{
	hb_blob_t *b = hb_face_reference_table(face, tag);
	unsigned len = hb_blob_get_length(b);

	hb_blob_destroy(b);
	return len > 0;
}

struct cc_font *cc_font_open(const char *path, struct cc_error *err)
{
	struct cc_font *f;

	if (!path)
		path = CC_FONT_DEFAULT;
	f = calloc(1, sizeof(*f));
	if (!f || !(f->path = strdup(path))) {
		cc_error_set(err, CC_SYSTEM, "out of memory");
		goto fail;
	}
	if (read_file(path, &f->data, &f->size, err))
		goto fail;
	/* The blob borrows data, which outlives it (freed at close). */
	f->blob = hb_blob_create((const char *)f->data, (unsigned)f->size,
				 HB_MEMORY_MODE_READONLY, NULL, NULL);
	f->face = hb_face_create(f->blob, 0);
	f->upem = hb_face_get_upem(f->face);
	if (hb_face_get_glyph_count(f->face) == 0 ||
	    !has_table(f->face, HB_TAG('g', 'l', 'y', 'f')) ||
	    !has_table(f->face, HB_TAG('l', 'o', 'c', 'a')) ||
	    !has_table(f->face, HB_TAG('h', 'm', 't', 'x')) || f->upem < 16 ||
	    f->upem > 16384) {
		cc_error_set(err, CC_INPUT,
			     "cannot open font '%s': not a TrueType font with "
			     "glyf outlines",
			     path);
		goto fail;
	}
	if (FT_Init_FreeType(&f->ft)) {
		f->ft = NULL;
		cc_error_set(err, CC_SYSTEM, "cannot start FreeType");
		goto fail;
	}
	if (FT_New_Memory_Face(f->ft, f->data, (FT_Long)f->size, 0,
			       &f->ftface) ||
	    !FT_IS_SFNT(f->ftface) || !FT_IS_SCALABLE(f->ftface)) {
		cc_error_set(err, CC_INPUT,
			     "cannot open font '%s': FreeType cannot read it",
			     path);
		goto fail;
	}
	f->font = hb_font_create(f->face);
	f->buf = hb_buffer_create();
	if (!hb_buffer_allocation_successful(f->buf) ||
	    f->font == hb_font_get_empty()) {
		cc_error_set(err, CC_SYSTEM, "out of memory");
		goto fail;
	}
	return f;
fail:
	cc_font_close(f);
	return NULL;
}

void cc_font_close(struct cc_font *f)
{
	if (!f)
		return;
	hb_buffer_destroy(f->buf);
	hb_font_destroy(f->font);
	hb_face_destroy(f->face);
	hb_blob_destroy(f->blob);
	if (f->ftface)
		FT_Done_Face(f->ftface);
	if (f->ft)
		FT_Done_FreeType(f->ft);
	free(f->data);
	free(f->path);
	free(f->codes);
	free(f->slots);
	cc_buf_free(&f->texts);
	free(f);
}

/* ---- shaping ---- */

/* Normalise utf8 to NFC (*nfc, to be freed) and shape it into f->buf;
 * refuse what the font has no glyph for. */
static int shape(struct cc_font *f, const char *utf8, uint8_t **nfc,
		 size_t *nfclen, struct cc_error *err)
{
	const hb_glyph_info_t *info;
	unsigned n;
	size_t len;

	*nfc = NULL;
	*nfclen = 0;
	hb_buffer_clear_contents(f->buf);
	if (!utf8)
		return cc_error_set(err, CC_USAGE, "no text to show");
	len = strlen(utf8);
	if (len > TEXT_MAX)
		return cc_error_set(err, CC_INPUT,
				    "cannot show text: longer than %d bytes",
				    TEXT_MAX);
	if (!len)
		return CC_OK;
	if (u8_check((const uint8_t *)utf8, len))
		return cc_error_set(err, CC_INPUT,
				    "cannot show text: invalid UTF-8");
	*nfc = u8_normalize(UNINORM_NFC, (const uint8_t *)utf8, len, NULL,
			    nfclen);
	if (!*nfc || *nfclen > INT_MAX)
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	hb_buffer_add_utf8(f->buf, (const char *)*nfc, (int)*nfclen, 0,
			   (int)*nfclen);
	hb_buffer_set_cluster_level(
		f->buf, HB_BUFFER_CLUSTER_LEVEL_MONOTONE_CHARACTERS);
	hb_buffer_set_flags(f->buf, HB_BUFFER_FLAG_BOT | HB_BUFFER_FLAG_EOT);
	hb_buffer_guess_segment_properties(f->buf);
	hb_shape(f->font, f->buf, NULL, 0);
	if (!hb_buffer_allocation_successful(f->buf))
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	/* A box for a letter of someone's name is no certified statement,
	 * and PDF/A forbids showing .notdef. */
	info = hb_buffer_get_glyph_infos(f->buf, &n);
	for (unsigned i = 0; i < n; i++)
		if (info[i].codepoint == 0) {
			ucs4_t c = 0xfffd;

			if (info[i].cluster < *nfclen)
				u8_mbtouc(&c, *nfc + info[i].cluster,
					  *nfclen - info[i].cluster);
			return cc_error_set(err, CC_INPUT,
					    "cannot show text: font '%s' has "
					    "no glyph for U+%04X",
					    f->path, (unsigned)c);
		}
	return CC_OK;
}

static int size_ok(double size)
{
	return size > 0 && size < 1e5;
}

double cc_font_width(struct cc_font *f, const char *utf8, double size)
{
	struct cc_error err;
	hb_glyph_position_t *pos;
	unsigned n;
	uint8_t *nfc;
	size_t len;
	double w = 0;

	if (!f || !size_ok(size) || shape(f, utf8, &nfc, &len, &err)) {
		free(nfc);
		return 0;
	}
	pos = hb_buffer_get_glyph_positions(f->buf, &n);
	for (unsigned i = 0; i < n; i++)
		w += pos[i].x_advance;
	free(nfc);
	return w * size / f->upem;
}

/* The cap height in font units: the OS/2 table's, else the height of
 * "H", else 70% of the ascent. */
static long cap_height(struct cc_font *f)
{
	const TT_OS2 *os2 = FT_Get_Sfnt_Table(f->ftface, FT_SFNT_OS2);
	FT_UInt h = FT_Get_Char_Index(f->ftface, 'H');

	if (os2 && os2->version >= 2 && os2->version != 0xffff &&
	    os2->sCapHeight > 0)
		return os2->sCapHeight;
	if (h && !FT_Load_Glyph(f->ftface, h, FT_LOAD_NO_SCALE) &&
	    f->ftface->glyph->metrics.horiBearingY > 0)
		return f->ftface->glyph->metrics.horiBearingY;
	return f->ftface->ascender * 7L / 10;
}

void cc_font_metrics(struct cc_font *f, double size, double *ascent,
		     double *descent, double *cap)
{
	double k = size / f->upem;

	if (ascent)
		*ascent = f->ftface->ascender * k;
	if (descent)
		*descent = f->ftface->descender * k;
	if (cap)
		*cap = cap_height(f) * k;
}

/* ---- codes ---- */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 0x100000001b3ULL;
	return h;
}

static uint64_t code_hash(unsigned gid, const uint8_t *t, size_t len)
{
	unsigned char g[2] = {(unsigned char)(gid >> 8), (unsigned char)gid};

	return fnv(fnv(0xcbf29ce484222325ULL, g, 2), t, len);
}

static int code_is(const struct cc_font *f, unsigned code, unsigned gid,
		   const uint8_t *t, size_t len)
{
	const struct code *c = &f->codes[code];

	return c->gid == gid && c->len == len &&
	       (!len || !memcmp(f->texts.data + c->off, t, len));
}

static void slot_put(unsigned *slots, size_t nslots, uint64_t h, unsigned code)
{
	size_t i = (size_t)h & (nslots - 1);

	while (slots[i])
		i = (i + 1) & (nslots - 1);
	slots[i] = code;
}

/* Keep the table at most half full. */
static int grow_slots(struct cc_font *f)
{
	size_t n = f->nslots ? 2 * f->nslots : 256;
	unsigned *s = calloc(n, sizeof(*s));

	if (!s)
		return -1;
	for (unsigned c = 1; c <= f->ncodes; c++) {
		const struct code *k = &f->codes[c];

		slot_put(s, n,
			 code_hash(k->gid, f->texts.data + k->off, k->len), c);
	}
	free(f->slots);
	f->slots = s;
	f->nslots = n;
	return 0;
}

/* The code of glyph gid standing for text t (len bytes), given out now if
 * new. */
static int code_of(struct cc_font *f, unsigned gid, const uint8_t *t,
		   size_t len, unsigned *code, struct cc_error *err)
{
	uint64_t h = code_hash(gid, t, len);
	struct code *c;
	size_t i;

	if (len > CLUSTER_MAX)
		return cc_error_set(err, CC_INPUT,
				    "cannot show text: a cluster of more than "
				    "%d bytes",
				    CLUSTER_MAX);
	if (2 * (f->ncodes + 1) > f->nslots && grow_slots(f))
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	for (i = (size_t)h & (f->nslots - 1); f->slots[i];
	     i = (i + 1) & (f->nslots - 1))
		if (code_is(f, f->slots[i], gid, t, len)) {
			*code = f->slots[i];
			return CC_OK;
		}
	if (f->ncodes >= CODE_MAX)
		return cc_error_set(err, CC_INPUT,
				    "cannot show text: more than %u distinct "
				    "glyphs in font '%s'",
				    CODE_MAX, f->path);
	if (f->ncodes + 2 > f->capcodes) {
		size_t cap = f->capcodes ? 2 * f->capcodes : 128;
		struct code *p = realloc(f->codes, cap * sizeof(*p));

		if (!p)
			return cc_error_set(err, CC_SYSTEM, "out of memory");
		f->codes = p;
		f->capcodes = cap;
	}
	c = &f->codes[f->ncodes + 1];
	c->gid = gid;
	c->off = f->texts.len;
	c->len = (unsigned)len;
	c->width = round3(hb_font_get_glyph_h_advance(f->font, gid) * 1000.0 /
			  f->upem);
	cc_buf_put(&f->texts, t, len);
	if (f->texts.failed)
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	f->slots[i] = *code = (unsigned)++f->ncodes;
	return CC_OK;
}

/* ---- showing ---- */

/* Text as UTF-16BE in hex, for ToUnicode and ActualText. */
static void put_utf16(struct cc_buf *b, const uint8_t *s, size_t len)
{
	const uint8_t *end = s + len;
	ucs4_t c;
	int n;

	while (s < end && (n = u8_mbtouc(&c, s, (size_t)(end - s))) > 0) {
		if (c >= 0x10000)
			cc_buf_printf(b, "%04X%04X",
				      0xd800 + ((c - 0x10000) >> 10),
				      0xdc00 + ((c - 0x10000) & 0x3ff));
		else
			cc_buf_printf(b, "%04X", c);
		s += n;
	}
}

/* A TJ array being written: strings of codes and adjustments. */
struct tj {
	struct cc_buf *b;
	int in_array, in_string;
	size_t elems, run;
};

static void tj_array(struct tj *t)
{
	if (!t->in_array) {
		cc_buf_puts(t->b, "[");
		t->in_array = 1;
		t->elems = 0;
	}
}

static void tj_close_string(struct tj *t)
{
	if (t->in_string) {
		cc_buf_puts(t->b, ">");
		t->in_string = 0;
		t->elems++;
	}
}

static void tj_end(struct tj *t)
{
	tj_close_string(t);
	if (t->in_array) {
		cc_buf_puts(t->b, "] TJ\n");
		t->in_array = 0;
	}
}

/* Move the pen by -v/1000 em; a TJ array may end after a number. */
static void tj_adjust(struct tj *t, double v)
{
	tj_array(t);
	tj_close_string(t);
	cc_buf_num(t->b, v);
	if (++t->elems >= ARRAY_MAX)
		tj_end(t);
}

static void tj_code(struct tj *t, unsigned code)
{
	tj_array(t);
	if (!t->in_string) {
		cc_buf_puts(t->b, "<");
		t->in_string = 1;
		t->run = 0;
	}
	cc_buf_printf(t->b, "%04X", code);
	if (++t->run >= RUN_MAX) {
		tj_close_string(t);
		if (t->elems >= ARRAY_MAX)
			tj_end(t);
	}
}

/* The bytes of the cluster of glyph i, [*start, *end): up to the next
 * cluster in logical order, which follows it in the buffer, or precedes
 * it when the text runs backward (right to left). Whether glyph i is the
 * cluster's first in buffer order, the one that carries its text. */
static int cluster_of(const hb_glyph_info_t *info, unsigned n, unsigned i,
		      int backward, size_t len, size_t *start, size_t *end)
{
	unsigned c = info[i].cluster, j = i;

	*start = c;
	*end = len;
	while (backward ? j-- > 0 : ++j < n)
		if (info[j].cluster != c) {
			*end = info[j].cluster;
			break;
		}
	return i == 0 || info[i - 1].cluster != c;
}

int cc_font_show(struct cc_font *f, const char *utf8, double size,
		 struct cc_buf *content, struct cc_error *err)
{
	struct cc_buf b = {0};
	struct tj t = {&b, 0, 0, 0, 0};
	const hb_glyph_info_t *info;
	const hb_glyph_position_t *pos;
	uint8_t *nfc = NULL;
	size_t len;
	unsigned n;
	int backward, rise = 0, span = 0, rc;
	double k, pen = 0, cur = 0;

	if (!f || !content)
		return cc_error_set(err, CC_USAGE, "no font or no content");
	if (!size_ok(size))
		return cc_error_set(err, CC_USAGE, "invalid font size");
	if ((rc = shape(f, utf8, &nfc, &len, err)))
		goto out;
	info = hb_buffer_get_glyph_infos(f->buf, &n);
	pos = hb_buffer_get_glyph_positions(f->buf, &n);
	backward = HB_DIRECTION_IS_BACKWARD(hb_buffer_get_direction(f->buf));
	k = 1000.0 / f->upem; /* font units to 1/1000 em */
	for (unsigned i = 0; i < n; i++) {
		size_t s, e;
		int first = cluster_of(info, n, i, backward, len, &s, &e);
		unsigned code = 0;
		double adj;

		if (s > len || e > len || e < s) {
			rc = cc_error_set(err, CC_SYSTEM,
					  "internal error: bad cluster");
			goto out;
		}
		if ((rc = code_of(f, info[i].codepoint, nfc + s,
				  first ? e - s : 0, &code, err)))
			goto out;
		/* A cluster of several glyphs is marked with its text as
		 * ActualText, so that readers give the text once, whatever
		 * the codes of the other glyphs. */
		if (first && i + 1 < n &&
		    info[i + 1].cluster == info[i].cluster) {
			tj_end(&t);
			cc_buf_puts(&b, "/Span << /ActualText <FEFF");
			put_utf16(&b, nfc + s, e - s);
			cc_buf_puts(&b, "> >> BDC\n");
			span = 1;
		}
		if (pos[i].y_offset != rise) {
			tj_end(&t);
			rise = pos[i].y_offset;
			cc_buf_num(&b, rise * size / f->upem);
			cc_buf_puts(&b, " Ts\n");
		}
		/* The pen as the reader moves it: by each glyph's /W width
		 * and each adjustment, both as written. */
		adj = cur - (pen + pos[i].x_offset * k);
		if (fabs(adj) >= ADJUST_MIN) {
			tj_adjust(&t, round3(adj));
			cur -= round3(adj);
		}
		tj_code(&t, code);
		cur += f->codes[code].width;
		pen += pos[i].x_advance * k;
		if (span &&
		    (i + 1 == n || info[i + 1].cluster != info[i].cluster)) {
			tj_end(&t);
			cc_buf_puts(&b, "EMC\n");
			span = 0;
		}
	}
	if (fabs(cur - pen) >= ADJUST_MIN)
		tj_adjust(&t, round3(cur - pen));
	tj_end(&t);
	if (rise)
		cc_buf_puts(&b, "0 Ts\n");
	if (b.failed) {
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	cc_buf_put(content, b.data, b.len);
	if (content->failed)
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
out:
	free(nfc);
	cc_buf_free(&b);
	return rc;
}

/* ---- outlines ---- */

struct path {
	struct cc_buf *b;
	double x, y, k; /* origin and scale: font units to points */
	int open;
	FT_Vector last;
};

static void path_point(struct path *p, const FT_Vector *v)
{
	cc_buf_num(p->b, p->x + v->x * p->k);
	cc_buf_puts(p->b, " ");
	cc_buf_num(p->b, p->y + v->y * p->k);
	cc_buf_puts(p->b, " ");
}

static int path_move(const FT_Vector *to, void *user)
{
	struct path *p = user;

	if (p->open)
		cc_buf_puts(p->b, "h\n");
	path_point(p, to);
	cc_buf_puts(p->b, "m\n");
	p->open = 1;
	p->last = *to;
	return 0;
}

static int path_line(const FT_Vector *to, void *user)
{
	struct path *p = user;

	path_point(p, to);
	cc_buf_puts(p->b, "l\n");
	p->last = *to;
	return 0;
}

static int path_cubic(const FT_Vector *c1, const FT_Vector *c2,
		      const FT_Vector *to, void *user)
{
	struct path *p = user;

	path_point(p, c1);
	path_point(p, c2);
	path_point(p, to);
	cc_buf_puts(p->b, "c\n");
	p->last = *to;
	return 0;
}

/* TrueType's quadratic curves as the cubic ones PDF has (the same curve:
 * control points 2/3 of the way from the ends to the quadratic one). */
static int path_conic(const FT_Vector *c, const FT_Vector *to, void *user)
{
	struct path *p = user;
	const FT_Vector *a = &p->last;
	double c1x = a->x + 2.0 / 3 * (c->x - a->x);
	double c1y = a->y + 2.0 / 3 * (c->y - a->y);
	double c2x = to->x + 2.0 / 3 * (c->x - to->x);
	double c2y = to->y + 2.0 / 3 * (c->y - to->y);

	cc_buf_num(p->b, p->x + c1x * p->k);
	cc_buf_puts(p->b, " ");
	cc_buf_num(p->b, p->y + c1y * p->k);
	cc_buf_puts(p->b, " ");
	cc_buf_num(p->b, p->x + c2x * p->k);
	cc_buf_puts(p->b, " ");
	cc_buf_num(p->b, p->y + c2y * p->k);
	cc_buf_puts(p->b, " ");
	path_point(p, to);
	cc_buf_puts(p->b, "c\n");
	p->last = *to;
	return 0;
}

int cc_font_outline(struct cc_font *f, const char *utf8, double size, double x,
		    double y, struct cc_buf *content, struct cc_error *err)
{
	static const FT_Outline_Funcs funcs = {
		path_move, path_line, path_conic, path_cubic, 0, 0,
	};
	struct cc_buf b = {0};
	struct path p = {&b, 0, 0, 0, 0, {0, 0}};
	const hb_glyph_info_t *info;
	const hb_glyph_position_t *pos;
	uint8_t *nfc = NULL;
	size_t len;
	unsigned n;
	double pen = 0;
	int rc;

	if (!f || !content)
		return cc_error_set(err, CC_USAGE, "no font or no content");
	if (!size_ok(size) || !(fabs(x) < 1e6) || !(fabs(y) < 1e6))
		return cc_error_set(err, CC_USAGE,
				    "invalid font size or position");
	if ((rc = shape(f, utf8, &nfc, &len, err)))
		goto out;
	info = hb_buffer_get_glyph_infos(f->buf, &n);
	pos = hb_buffer_get_glyph_positions(f->buf, &n);
	p.k = size / f->upem;
	for (unsigned i = 0; i < n; i++) {
		FT_GlyphSlot g;

		if (FT_Load_Glyph(f->ftface, info[i].codepoint,
				  FT_LOAD_NO_SCALE)) {
			rc = cc_error_set(err, CC_INPUT,
					  "cannot draw glyph %u of font '%s'",
					  info[i].codepoint, f->path);
			goto out;
		}
		g = f->ftface->glyph;
		p.x = x + (pen + pos[i].x_offset) * p.k;
		p.y = y + pos[i].y_offset * p.k;
		p.open = 0;
		if (g->format == FT_GLYPH_FORMAT_OUTLINE &&
		    g->outline.n_contours > 0) {
			if (FT_Outline_Decompose(&g->outline, &funcs, &p)) {
				rc = cc_error_set(err, CC_INPUT,
						  "cannot draw glyph %u of "
						  "font '%s'",
						  info[i].codepoint, f->path);
				goto out;
			}
			if (p.open)
				cc_buf_puts(&b, "h\n");
		}
		pen += pos[i].x_advance;
	}
	if (b.failed) {
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	cc_buf_put(content, b.data, b.len);
	if (content->failed)
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
out:
	free(nfc);
	cc_buf_free(&b);
	return rc;
}

/* ---- the PDF objects ---- */

static int deflate_buf(struct cc_buf *z, const void *data, size_t len)
{
	uLongf n = compressBound((uLong)len);

	if ((uLong)len != len || cc_buf_grow(z, n) ||
	    compress2(z->data, &n, data, (uLong)len, Z_BEST_COMPRESSION) !=
		    Z_OK)
		return -1;
	z->len = n;
	return 0;
}

/* The PostScript name with the subset tag, as a PDF name: "ABCDEF+Name". */
static void font_name(struct cc_font *f, hb_set_t *glyphs, char *out,
		      size_t size)
{
	const char *ps = FT_Get_Postscript_Name(f->ftface);
	uint64_t h = 0xcbf29ce484222325ULL;
	hb_codepoint_t g = HB_SET_VALUE_INVALID;
	size_t n = 7;

	if (!ps || !*ps)
		ps = "Font";
	h = fnv(h, ps, strlen(ps));
	while (hb_set_next(glyphs, &g)) {
		unsigned char b[2] = {(unsigned char)(g >> 8),
				      (unsigned char)g};

		h = fnv(h, b, 2);
	}
	for (int i = 0; i < 6; i++, h /= 26)
		out[i] = (char)('A' + h % 26);
	out[6] = '+';
	/* Letters, digits and "-_." need no escaping in a name. */
	for (; *ps && n + 1 < size && n < 63; ps++)
		if ((*ps >= 'A' && *ps <= 'Z') || (*ps >= 'a' && *ps <= 'z') ||
		    (*ps >= '0' && *ps <= '9') || *ps == '-' || *ps == '_' ||
		    *ps == '.')
			out[n++] = *ps;
	if (n == 7)
		out[n++] = 'F';
	out[n] = '\0';
}

static void to_unicode(const struct cc_font *f, struct cc_buf *b)
{
	size_t count = 0, block = 0, left;

	for (unsigned c = 1; c <= f->ncodes; c++)
		count += f->codes[c].len > 0;
	left = count;
	cc_buf_puts(b, "/CIDInit /ProcSet findresource begin\n12 dict begin\n"
		       "begincmap\n/CIDSystemInfo << /Registry (Adobe) "
		       "/Ordering (UCS) /Supplement 0 >> def\n/CMapName "
		       "/Adobe-Identity-UCS def\n/CMapType 2 def\n"
		       "1 begincodespacerange\n<0000> <FFFF>\n"
		       "endcodespacerange\n");
	for (unsigned c = 1; c <= f->ncodes; c++) {
		const struct code *k = &f->codes[c];

		/* A glyph that is not the first of its cluster stands for
		 * nothing: no entry, so that readers give nothing for it. */
		if (!k->len)
			continue;
		if (block == 0)
			cc_buf_printf(b, "%zu beginbfchar\n",
				      left < 100 ? left : 100);
		cc_buf_printf(b, "<%04X> <", c);
		put_utf16(b, f->texts.data + k->off, k->len);
		cc_buf_puts(b, ">\n");
		left--;
		if (++block == 100 || left == 0) {
			cc_buf_puts(b, "endbfchar\n");
			block = 0;
		}
	}
	cc_buf_puts(b, "endcmap\nCMapName currentdict /CMap defineresource "
		       "pop\nend\nend\n");
}

/* Subset the font to glyphs: the subset in *out, and each code's glyph in
 * it in map (2 bytes a code, from code 0). */
static int subset(struct cc_font *f, hb_set_t *glyphs, struct cc_buf *out,
		  struct cc_buf *map, struct cc_error *err)
{
	static const hb_tag_t drop[] = {
		HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'),
		HB_TAG('G', 'D', 'E', 'F'), HB_TAG('k', 'e', 'r', 'n'),
		HB_TAG('h', 'd', 'm', 'x'), HB_TAG('L', 'T', 'S', 'H'),
		HB_TAG('V', 'D', 'M', 'X'), HB_TAG('g', 'a', 's', 'p'),
		HB_TAG('F', 'F', 'T', 'M'), HB_TAG('P', 'C', 'L', 'T'),
		HB_TAG('M', 'A', 'T', 'H'), HB_TAG('B', 'A', 'S', 'E'),
		HB_TAG('J', 'S', 'T', 'F'),
	};
	hb_subset_input_t *in = hb_subset_input_create_or_fail();
	hb_subset_plan_t *plan = NULL;
	hb_face_t *sub = NULL;
	hb_blob_t *blob = NULL;
	const hb_map_t *old2new;
	const char *data;
	unsigned len;
	int rc = CC_OK;

	if (!in) {
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	hb_set_union(hb_subset_input_glyph_set(in), glyphs);
	for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
		hb_set_add(
			hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG),
			drop[i]);
	/* Hinting is for screens at small sizes; PDF readers do without. */
	hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING);
	plan = hb_subset_plan_create_or_fail(f->face, in);
	if (!plan || !(sub = hb_subset_plan_execute_or_fail(plan))) {
		rc = cc_error_set(err, CC_SYSTEM, "cannot subset font '%s'",
				  f->path);
		goto out;
	}
	old2new = hb_subset_plan_old_to_new_glyph_mapping(plan);
	cc_buf_u16(map, 0);
	for (unsigned c = 1; c <= f->ncodes; c++) {
		hb_codepoint_t g = hb_map_get(old2new, f->codes[c].gid);

		if (g == HB_MAP_VALUE_INVALID || g > 0xffff) {
			rc = cc_error_set(err, CC_SYSTEM,
					  "cannot subset font '%s': glyph %u "
					  "lost",
					  f->path, f->codes[c].gid);
			goto out;
		}
		cc_buf_u16(map, g);
	}
	blob = hb_face_reference_blob(sub);
	data = hb_blob_get_data(blob, &len);
	if (!data || len < 12) {
		rc = cc_error_set(err, CC_SYSTEM, "cannot subset font '%s'",
				  f->path);
		goto out;
	}
	cc_buf_put(out, data, len);
	if (out->failed || map->failed)
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
out:
	hb_blob_destroy(blob);
	hb_face_destroy(sub);
	hb_subset_plan_destroy(plan);
	hb_subset_input_destroy(in);
	return rc;
}

/* The font descriptor's entries from the font's own tables. */
static void descriptor(struct cc_font *f, const char *name, int file,
		       struct cc_buf *d)
{
	FT_Face ft = f->ftface;
	const TT_OS2 *os2 = FT_Get_Sfnt_Table(ft, FT_SFNT_OS2);
	const TT_Postscript *post = FT_Get_Sfnt_Table(ft, FT_SFNT_POST);
	double k = 1000.0 / f->upem, italic = 0, cap;
	int flags = 4, stemv = 80; /* Symbolic: Vietnamese is beyond the
				    * standard Latin set */

	if (post)
		italic = post->italicAngle / 65536.0;
	if (FT_IS_FIXED_WIDTH(ft))
		flags |= 1;
	if (italic != 0 || (ft->style_flags & FT_STYLE_FLAG_ITALIC))
		flags |= 64;
	if (os2 && os2->version != 0xffff && os2->usWeightClass)
		/* A common estimate of the stem width from the weight. */
		stemv = (int)lround(50 + pow(os2->usWeightClass / 65.0, 2));
	cc_font_metrics(f, 1000, NULL, NULL, &cap);
	cc_buf_printf(d,
		      "<< /Type /FontDescriptor /FontName /%s /Flags %d"
		      " /FontBBox [%ld %ld %ld %ld] /ItalicAngle ",
		      name, flags, lround(ft->bbox.xMin * k),
		      lround(ft->bbox.yMin * k), lround(ft->bbox.xMax * k),
		      lround(ft->bbox.yMax * k));
	cc_buf_num(d, italic);
	cc_buf_printf(d,
		      " /Ascent %ld /Descent %ld /CapHeight %ld /StemV %d"
		      " /FontFile2 %d 0 R >>",
		      lround(ft->ascender * k), lround(ft->descender * k),
		      lround(cap), stemv, file);
}

int cc_font_objects(struct cc_font *f, const int num[CC_FONT_NOBJ],
		    struct cc_pdf_object obj[CC_FONT_NOBJ],
		    struct cc_error *err)
{
	struct cc_buf sub = {0}, map = {0}, tou = {0};
	struct cc_pdf_object *o;
	hb_set_t *glyphs = NULL;
	char name[80];
	int rc = CC_OK;

	memset(obj, 0, CC_FONT_NOBJ * sizeof(*obj));
	if (!f || !num)
		return cc_error_set(err, CC_USAGE, "no font");
	if (!f->ncodes)
		return cc_error_set(err, CC_USAGE,
				    "cannot embed font '%s': no text was "
				    "shown with it",
				    f->path);
	for (int i = 0; i < CC_FONT_NOBJ; i++)
		if (num[i] <= 0)
			return cc_error_set(err, CC_USAGE,
					    "invalid object number %d", num[i]);
	glyphs = hb_set_create();
	hb_set_add(glyphs, 0);
	for (unsigned c = 1; c <= f->ncodes; c++)
		hb_set_add(glyphs, f->codes[c].gid);
	if (!hb_set_allocation_successful(glyphs)) {
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	if ((rc = subset(f, glyphs, &sub, &map, err)))
		goto out;
	font_name(f, glyphs, name, sizeof(name));
	for (int i = 0; i < CC_FONT_NOBJ; i++)
		obj[i].num = num[i];

	o = &obj[CC_FONT_TYPE0];
	cc_buf_printf(&o->dict,
		      "<< /Type /Font /Subtype /Type0 /BaseFont /%s"
		      " /Encoding /Identity-H /DescendantFonts [%d 0 R]"
		      " /ToUnicode %d 0 R >>",
		      name, num[CC_FONT_CIDFONT], num[CC_FONT_TOUNICODE]);

	o = &obj[CC_FONT_CIDFONT];
	cc_buf_printf(&o->dict,
		      "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s"
		      " /CIDSystemInfo << /Registry (Adobe) /Ordering "
		      "(Identity) /Supplement 0 >> /FontDescriptor %d 0 R"
		      " /CIDToGIDMap %d 0 R /DW 1000 /W [1 [",
		      name, num[CC_FONT_DESCRIPTOR], num[CC_FONT_CIDTOGIDMAP]);
	for (unsigned c = 1; c <= f->ncodes; c++) {
		cc_buf_puts(&o->dict, c % 16 == 1 ? "\n" : " ");
		cc_buf_num(&o->dict, f->codes[c].width);
	}
	cc_buf_puts(&o->dict, "\n]] >>");

	descriptor(f, name, num[CC_FONT_FILE], &obj[CC_FONT_DESCRIPTOR].dict);

	o = &obj[CC_FONT_FILE];
	o->is_stream = 1;
	cc_buf_printf(&o->dict, "<< /Length1 %zu /Filter /FlateDecode >>",
		      sub.len);
	if (deflate_buf(&o->data, sub.data, sub.len))
		o->data.failed = 1;

	o = &obj[CC_FONT_CIDTOGIDMAP];
	o->is_stream = 1;
	cc_buf_puts(&o->dict, "<< /Filter /FlateDecode >>");
	if (deflate_buf(&o->data, map.data, map.len))
		o->data.failed = 1;

	o = &obj[CC_FONT_TOUNICODE];
	o->is_stream = 1;
	cc_buf_puts(&o->dict, "<< /Filter /FlateDecode >>");
	to_unicode(f, &tou);
	if (tou.failed || deflate_buf(&o->data, tou.data, tou.len))
		o->data.failed = 1;

	for (int i = 0; i < CC_FONT_NOBJ; i++)
		if (obj[i].dict.failed || obj[i].data.failed)
			rc = cc_error_set(err, CC_SYSTEM, "out of memory");
out:
	if (rc)
		for (int i = 0; i < CC_FONT_NOBJ; i++)
			cc_pdf_object_free(&obj[i]);
	hb_set_destroy(glyphs);
	cc_buf_free(&sub);
	cc_buf_free(&map);
	cc_buf_free(&tou);
	return rc;
}

int cc_font_add_objects(struct cc_font *f, const int num[CC_FONT_NOBJ],
			struct cc_pdf_object **objs, size_t *n,
			struct cc_error *err)
{
	struct cc_pdf_object fo[CC_FONT_NOBJ];
	int rc;

	memset(fo, 0, sizeof(fo));
	rc = cc_font_objects(f, num, fo, err);
	for (int i = 0; i < CC_FONT_NOBJ && !rc; i++) {
		struct cc_pdf_object *o = cc_pdf_objects_add(objs, n, num[i]);

		if (!o) {
			rc = cc_error_set(err, CC_SYSTEM, "out of memory");
			break;
		}
		*o = fo[i];
		memset(&fo[i], 0, sizeof(fo[i]));
	}
	for (int i = 0; i < CC_FONT_NOBJ; i++)
		cc_pdf_object_free(&fo[i]);
	return rc;
}
