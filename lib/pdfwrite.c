/*
 * pdfwrite.c - searchable PDF pages: a lossless image under invisible text,
 * streamed object by object to a descriptor, with PDF/A-2b metadata.
 *
 * Layout: 1 = Catalog and 2 = Pages are reserved at open; each page then
 * writes its image XObject (plus an indirect /Length for Flate images, whose
 * size is known only after streaming), its content stream and its page
 * dictionary; the Type0 font gets its number when the first text is shown.
 * Close writes the font (CIDFont, descriptor, font program, CIDToGIDMap,
 * ToUnicode), Info, the XMP metadata, the sRGB profile and output intent,
 * the page tree, the catalog and the cross-reference table.
 */
#include "buf.h"
#include "pdfwrite.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <allheaders.h>
#include <lcms2.h>
#include <zlib.h>

#include "digest.h"
#include "g4.h"

#define FONT_NAME "CertcopyGlyphless"
#define ADVANCE 500	    /* every glyph's width in 1/1000 em: /DW, hmtx */
#define META_MAX 1000	    /* bytes of one metadata string */
#define NONBMP_CID0 0xD800u /* CIDs of characters beyond the BMP */
#define NONBMP_MAX 0x800u
#define XREF_MAX 9999999999ULL /* what 10 digits hold */

/* ---- text ---- */

/* Character data for XML: escaped, valid UTF-8, no characters XML 1.0
 * forbids. */
static void xml_text(struct cc_buf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len = strlen(str), n;

	for (size_t i = 0; i < len; i += n) {
		uint32_t c = cc_utf8_next(s + i, len - i, &n);

		switch (c) {
		case '&':
			cc_buf_puts(b, "&amp;");
			break;
		case '<':
			cc_buf_puts(b, "&lt;");
			break;
		case '>':
			cc_buf_puts(b, "&gt;");
			break;
		case '"':
			cc_buf_puts(b, "&quot;");
			break;
		case '\'':
			cc_buf_puts(b, "&apos;");
			break;
		default:
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
			    c == 0xfffe || c == 0xffff)
				c = 0xfffd;
			cc_buf_utf8(b, c);
		}
	}
}

/* v with at most 4 decimals and no trailing zeros, whatever the locale
 * (printf's %f would write "595,2" under a Vietnamese LC_NUMERIC). */
struct num {
	char s[32];
};

static struct num num(double v)
{
	struct num r;
	long long n, ip, fp;
	int len;

	if (!(v > -1e12 && v < 1e12))
		v = 0;
	n = (long long)(v * 10000 + (v < 0 ? -0.5 : 0.5));
	ip = (n < 0 ? -n : n) / 10000;
	fp = (n < 0 ? -n : n) % 10000;
	len = snprintf(r.s, sizeof(r.s), "%s%lld.%04lld", n < 0 ? "-" : "", ip,
		       fp);
	if (len < 0 || (size_t)len >= sizeof(r.s)) {
		r.s[0] = '0', r.s[1] = '\0';
		return r;
	}
	while (r.s[len - 1] == '0')
		r.s[--len] = '\0';
	if (r.s[len - 1] == '.')
		r.s[--len] = '\0';
	return r;
}

/* ---- the writer and its output ---- */

struct cc_pdf_writer {
	int fd;
	char *name;
	char *title, *lang, *producer, *by, *device;
	char pdfdate[32], xmpdate[32];

	unsigned char out[65536];
	size_t outlen;
	unsigned long long off; /* bytes produced, buffered or not */
	struct cc_sha256 *md;	/* of every byte, for the /ID */
	int werr;		/* errno of the first write failure */
	const char *why;	/* or what else went wrong */

	unsigned long long *xref; /* offset by object number; 0 = unwritten */
	int nobj;
	size_t xcap;
	int *pages;
	size_t npages, pcap;
	int pending_images; /* images written whose page is not yet */
	int font;	    /* the Type0 font, once some page shows text */
	unsigned char used[0x10000 / 8];
	uint32_t nonbmp[NONBMP_MAX]; /* character of CID NONBMP_CID0 + i */
	unsigned nnonbmp;
	struct cc_buf content;
};

static int failed(const struct cc_pdf_writer *w)
{
	return w->werr || w->why;
}

static int fail(const struct cc_pdf_writer *w, struct cc_error *err)
{
	return cc_error_set(err, CC_SYSTEM, "cannot write '%s': %s", w->name,
			    w->why ? w->why : strerror(w->werr));
}

static void flush(struct cc_pdf_writer *w)
{
	size_t done = 0;

	while (done < w->outlen && !failed(w)) {
		ssize_t n = write(w->fd, w->out + done, w->outlen - done);

		if (n < 0 && errno != EINTR)
			w->werr = errno;
		else if (n == 0)
			w->werr = EIO;
		else if (n > 0)
			done += (size_t)n;
	}
	w->outlen = 0;
}

static void put(struct cc_pdf_writer *w, const void *p, size_t n)
{
	const unsigned char *s = p;

	if (failed(w) || !n)
		return;
	if (w->md && cc_sha256_update(w->md, p, n)) {
		w->why = "SHA-256 failed";
		return;
	}
	w->off += n;
	while (n) {
		size_t k = sizeof(w->out) - w->outlen;

		if (k > n)
			k = n;
		memcpy(w->out + w->outlen, s, k);
		w->outlen += k;
		s += k;
		n -= k;
		if (w->outlen == sizeof(w->out)) {
			flush(w);
			if (failed(w))
				return;
		}
	}
}

__attribute__((format(printf, 2, 3))) static void putf(struct cc_pdf_writer *w,
						       const char *fmt, ...)
{
	char s[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	/* Every format here is short; a longer result is a bug. */
	if (n < 0 || (size_t)n >= sizeof(s))
		w->why = "internal error: object too long";
	else
		put(w, s, (size_t)n);
}

static void put_buf(struct cc_pdf_writer *w, const struct cc_buf *b)
{
	if (b->failed)
		w->why = "out of memory";
	else
		put(w, b->data, b->len);
}

/* A new object number; 0 (with the writer failed) when out of memory. */
static int new_obj(struct cc_pdf_writer *w)
{
	if ((size_t)w->nobj + 1 >= w->xcap) {
		size_t cap = w->xcap ? 2 * w->xcap : 64;
		unsigned long long *x = realloc(w->xref, cap * sizeof(*x));

		if (!x) {
			w->why = "out of memory";
			return 0;
		}
		w->xref = x;
		w->xcap = cap;
	}
	w->xref[++w->nobj] = 0;
	return w->nobj;
}

static void begin_obj(struct cc_pdf_writer *w, int obj)
{
	w->xref[obj] = w->off;
	putf(w, "%d 0 obj\n", obj);
}

static void put_stream(struct cc_pdf_writer *w, int obj, const char *dict,
		       const void *data, size_t len)
{
	begin_obj(w, obj);
	putf(w, "<<%s /Length %zu >>\nstream\n", dict, len);
	put(w, data, len);
	put(w, "\nendstream\nendobj\n", 18);
}

static int deflate_buf(struct cc_buf *z, const void *data, size_t len)
{
	uLongf n = compressBound((uLong)len);

	if (cc_buf_grow(z, n) || compress2(z->data, &n, data, (uLong)len,
					Z_DEFAULT_COMPRESSION) != Z_OK)
		return -1;
	z->len = n;
	return 0;
}

static void put_flate_stream(struct cc_pdf_writer *w, int obj, const char *dict,
			     const void *data, size_t len)
{
	struct cc_buf z = {0};
	char d[256];

	if (snprintf(d, sizeof(d), "%s /Filter /FlateDecode", dict) >=
		    (int)sizeof(d) ||
	    deflate_buf(&z, data, len))
		w->why = "out of memory";
	else
		put_stream(w, obj, d, z.data, z.len);
	cc_buf_free(&z);
}

/* ---- metadata ---- */

static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/* RFC 3339 into the PDF date and the XMP date of the same instant
 * (fractions of a second dropped, as PDF dates cannot hold them). */
static int parse_created(struct cc_pdf_writer *w, const char *s)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0, n;
	char sign;
	const char *p;

	if (strlen(s) < 20 || digits(s, 4, &y) || s[4] != '-' ||
	    digits(s + 5, 2, &mo) || s[7] != '-' || digits(s + 8, 2, &d) ||
	    (s[10] != 'T' && s[10] != 't') || digits(s + 11, 2, &h) ||
	    s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' ||
	    digits(s + 17, 2, &sec))
		return -1;
	p = s + 19;
	if (*p == '.') {
		if (p[1] < '0' || p[1] > '9')
			return -1;
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	}
	if (*p == 'Z' || *p == 'z') {
		sign = 'Z';
		p++;
	} else if ((*p == '+' || *p == '-') && !digits(p + 1, 2, &oh) &&
		   p[3] == ':' && !digits(p + 4, 2, &om)) {
		sign = *p;
		p += 6;
	} else {
		return -1;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 59 || oh > 23 || om > 59)
		return -1;
	n = snprintf(w->pdfdate, sizeof(w->pdfdate),
		     "D:%04d%02d%02d%02d%02d%02d%c%02d'%02d'", y, mo, d, h, mi,
		     sec, sign == 'Z' ? '+' : sign, oh, om);
	if (n < 0 || (size_t)n >= sizeof(w->pdfdate))
		return -1;
	if (sign == 'Z')
		n = snprintf(w->xmpdate, sizeof(w->xmpdate),
			     "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi,
			     sec);
	else
		n = snprintf(w->xmpdate, sizeof(w->xmpdate),
			     "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y, mo,
			     d, h, mi, sec, sign, oh, om);
	return n < 0 || (size_t)n >= sizeof(w->xmpdate) ? -1 : 0;
}

/* The mark of Art. 12: converted from paper, by whom, with what, when. */
static void statement(const struct cc_pdf_writer *w, struct cc_buf *b, int vi)
{
	cc_buf_puts(b, vi ? "Thông điệp dữ liệu được chuyển đổi từ văn bản giấy"
		       : "Converted from a paper original");
	if (w->by)
		cc_buf_printf(b, vi ? " bởi %s" : " by %s", w->by);
	if (w->device)
		cc_buf_printf(b, " (%s)", w->device);
	cc_buf_printf(b, vi ? " vào %s" : " on %s", w->xmpdate);
	cc_buf_put(b, "", 1);
}

static void put_info(struct cc_pdf_writer *w, int obj)
{
	struct cc_buf b = {0}, st = {0};

	statement(w, &st, 0);
	cc_buf_puts(&b, "<<");
	if (w->title) {
		cc_buf_puts(&b, " /Title ");
		cc_buf_pdf_text(&b, w->title);
	}
	if (!st.failed) {
		cc_buf_puts(&b, " /Subject ");
		cc_buf_pdf_text(&b, (const char *)st.data);
	}
	cc_buf_puts(&b, " /Producer ");
	cc_buf_pdf_text(&b, w->producer);
	cc_buf_printf(&b, " /Creator (certcopy) /CreationDate (%s) /ModDate (%s)",
		   w->pdfdate, w->pdfdate);
	cc_buf_puts(&b, " >>\n");
	begin_obj(w, obj);
	put_buf(w, &b);
	put(w, "endobj\n", 7);
	if (st.failed)
		w->why = "out of memory";
	cc_buf_free(&b);
	cc_buf_free(&st);
}

static const char xmp_schema[] =
	"<rdf:Description rdf:about=\"\""
	" xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\""
	" xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\""
	" xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\n"
	"<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\n"
	"<pdfaSchema:schema>certcopy: conversion from paper</pdfaSchema:schema>\n"
	"<pdfaSchema:namespaceURI>" CC_PDF_XMP_NS "</pdfaSchema:namespaceURI>\n"
	"<pdfaSchema:prefix>cc</pdfaSchema:prefix>\n"
	"<pdfaSchema:property><rdf:Seq>\n"
	"<rdf:li rdf:parseType=\"Resource\">"
	"<pdfaProperty:name>ConvertedFromPaper</pdfaProperty:name>"
	"<pdfaProperty:valueType>Boolean</pdfaProperty:valueType>"
	"<pdfaProperty:category>external</pdfaProperty:category>"
	"<pdfaProperty:description>The document was converted from a paper"
	" original (Law on Electronic Transactions 2023, Art. 12)"
	"</pdfaProperty:description></rdf:li>\n"
	"<rdf:li rdf:parseType=\"Resource\">"
	"<pdfaProperty:name>ConvertedBy</pdfaProperty:name>"
	"<pdfaProperty:valueType>Text</pdfaProperty:valueType>"
	"<pdfaProperty:category>external</pdfaProperty:category>"
	"<pdfaProperty:description>Who converted it: the office's name"
	"</pdfaProperty:description></rdf:li>\n"
	"<rdf:li rdf:parseType=\"Resource\">"
	"<pdfaProperty:name>Device</pdfaProperty:name>"
	"<pdfaProperty:valueType>Text</pdfaProperty:valueType>"
	"<pdfaProperty:category>external</pdfaProperty:category>"
	"<pdfaProperty:description>The scanner or source the original was"
	" captured with</pdfaProperty:description></rdf:li>\n"
	"</rdf:Seq></pdfaSchema:property>\n"
	"</rdf:li></rdf:Bag></pdfaExtension:schemas>\n"
	"</rdf:Description>\n";

static void xmp(const struct cc_pdf_writer *w, struct cc_buf *b)
{
	struct cc_buf en = {0}, vi = {0};

	statement(w, &en, 0);
	statement(w, &vi, 1);
	if (en.failed || vi.failed) {
		b->failed = 1;
		goto out;
	}
	cc_buf_puts(b,
		 "<?xpacket begin=\"\xef\xbb\xbf\" "
		 "id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
		 "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
		 "<rdf:RDF "
		 "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
		 "<rdf:Description rdf:about=\"\" "
		 "xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
		 "<pdfaid:part>2</pdfaid:part>\n"
		 "<pdfaid:conformance>B</pdfaid:conformance>\n"
		 "</rdf:Description>\n"
		 "<rdf:Description rdf:about=\"\" "
		 "xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
		 "<dc:format>application/pdf</dc:format>\n");
	if (w->title) {
		cc_buf_puts(b,
			 "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
		xml_text(b, w->title);
		cc_buf_puts(b, "</rdf:li></rdf:Alt></dc:title>\n");
	}
	cc_buf_puts(b, "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">");
	xml_text(b, (const char *)en.data);
	cc_buf_puts(b, "</rdf:li><rdf:li xml:lang=\"vi\">");
	xml_text(b, (const char *)vi.data);
	cc_buf_puts(b, "</rdf:li></rdf:Alt></dc:description>\n");
	if (w->lang) {
		cc_buf_puts(b, "<dc:language><rdf:Bag><rdf:li>");
		xml_text(b, w->lang);
		cc_buf_puts(b, "</rdf:li></rdf:Bag></dc:language>\n");
	}
	cc_buf_printf(b,
		   "</rdf:Description>\n"
		   "<rdf:Description rdf:about=\"\" "
		   "xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n"
		   "<xmp:CreateDate>%s</xmp:CreateDate>\n"
		   "<xmp:ModifyDate>%s</xmp:ModifyDate>\n"
		   "<xmp:MetadataDate>%s</xmp:MetadataDate>\n"
		   "<xmp:CreatorTool>certcopy</xmp:CreatorTool>\n"
		   "</rdf:Description>\n"
		   "<rdf:Description rdf:about=\"\" "
		   "xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n"
		   "<pdf:Producer>",
		   w->xmpdate, w->xmpdate, w->xmpdate);
	xml_text(b, w->producer);
	cc_buf_puts(b,
		 "</pdf:Producer>\n</rdf:Description>\n"
		 "<rdf:Description rdf:about=\"\" xmlns:cc=\"" CC_PDF_XMP_NS
		 "\">\n<cc:ConvertedFromPaper>True</cc:ConvertedFromPaper>\n");
	if (w->by) {
		cc_buf_puts(b, "<cc:ConvertedBy>");
		xml_text(b, w->by);
		cc_buf_puts(b, "</cc:ConvertedBy>\n");
	}
	if (w->device) {
		cc_buf_puts(b, "<cc:Device>");
		xml_text(b, w->device);
		cc_buf_puts(b, "</cc:Device>\n");
	}
	cc_buf_puts(b, "</rdf:Description>\n");
	cc_buf_puts(b, xmp_schema);
	cc_buf_puts(b, "</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>");
out:
	cc_buf_free(&en);
	cc_buf_free(&vi);
}

/* lcms's sRGB, with the creation time it stamps replaced by a fixed one so
 * that the same input gives the same file. */
static unsigned char *srgb_profile(size_t *len)
{
	static const unsigned char date[12] = {0x07, 0xea, 0, 1, 0, 1};
	cmsHPROFILE h = cmsCreate_sRGBProfile();
	cmsUInt32Number n = 0;
	unsigned char *p = NULL;

	if (!h)
		return NULL;
	if (cmsSaveProfileToMem(h, NULL, &n) && n >= 128 &&
	    (p = malloc(n)) != NULL && cmsSaveProfileToMem(h, p, &n)) {
		memcpy(p + 24, date, sizeof(date));
		*len = n;
	} else {
		free(p);
		p = NULL;
	}
	cmsCloseProfile(h);
	return p;
}

/* ---- the glyphless font ---- */

/*
 * A TrueType font of two glyphs, both ADVANCE wide: an empty .notdef, and
 * glyph 1, which the CIDToGIDMap gives every CID. Glyph 1 is a box filling
 * the cell (never painted: the text is in rendering mode 3), because
 * MuPDF's text extraction drops glyphs whose outline has no extent. Made
 * here, table by table, so that nothing is copied from elsewhere; all ten
 * tables of a complete font are present, for the sake of picky readers.
 * Values are 16-bit fields; 32-bit ones are split in two.
 */
/* clang-format off */
static const int font_os2[48] = {
	4, ADVANCE, 400, 5, 0,		/* version, avg width, weight, width, fsType */
	650, 600, 0, 75,		/* subscript */
	650, 600, 0, 350,		/* superscript */
	50, 300, 0,			/* strikeout, family class */
	0, 0, 0, 0, 0,			/* panose */
	0, 1, 0, 0, 0, 0, 0, 0,		/* Unicode ranges: Basic Latin */
	0x4e4f, 0x4e45,			/* vendor "NONE" */
	0x40, 0x20, 0x20,		/* regular, first and last char */
	1000, -200, 0, 1000, 200,	/* typo ascender.., win ascent, descent */
	0, 1, 0, 0,			/* code pages: Latin 1 */
	500, 700, 0, 0x20, 1,		/* x-height, cap height, chars, context */
};
static const int font_cmap[22] = {
	0, 1, 3, 1, 0, 12,		/* one subtable: Windows, Unicode BMP */
	4, 32, 0, 4, 4, 1, 0,		/* format 4, two segments */
	0x20, 0xffff, 0, 0x20, 0xffff,	/* space, and the final segment */
	1 - 0x20, 1, 0, 0,		/* space -> glyph 1 */
};
static const int font_glyf[17] = {
	1, 0, -200, ADVANCE, 1000,	/* glyph 1: one contour, its box */
	3, 0, 0x0101, 0x0101,		/* last point, no code, on-curve flags */
	0, 0, ADVANCE, 0,		/* x deltas */
	-200, 1200, 0, -1200,		/* y deltas */
};
static const int font_head[27] = {
	1, 0, 1, 0, 0, 0,		/* version, revision, checksum adjustment */
	0x5f0f, 0x3cf5, 3, 1000,	/* magic, flags, units per em */
	0, 0, 0xe57b, 0x6980,		/* created 2026-01-01 */
	0, 0, 0xe57b, 0x6980,		/* modified */
	0, -200, ADVANCE, 1000,		/* bounding box */
	0, 3, 2, 0, 0,			/* style, ppem, direction, short loca */
};
static const int font_hhea[18] = {
	1, 0, 1000, -200, 0,		/* version, ascender, descender, gap */
	ADVANCE, 0, 0, ADVANCE,		/* max advance, min bearings, extent */
	1, 0, 0, 0, 0, 0, 0, 0, 2,	/* caret, reserved, format, 2 metrics */
};
static const int font_hmtx[4] = {ADVANCE, 0, ADVANCE, 0};
static const int font_loca[3] = {0, 0, 17};
static const int font_maxp[16] = {1, 0, 2, 4, 1, 0, 0, 2};
static const int font_post[16] = {3, 0, 0, 0, -100, 50, 0, 1};
/* clang-format on */

static void font_name_table(struct cc_buf *b)
{
	static const char *const names[] = {
		NULL,
		"Certcopy Glyphless",
		"Regular",
		"certcopy: Certcopy Glyphless: 1.0",
		"Certcopy Glyphless",
		"Version 1.0",
		FONT_NAME,
	};
	const size_t n = sizeof(names) / sizeof(names[0]) - 1;
	size_t off = 0;

	cc_buf_u16(b, 0);
	cc_buf_u16(b, (unsigned)n);
	cc_buf_u16(b, (unsigned)(6 + 12 * n));
	for (size_t i = 1; i <= n; i++) {
		size_t len = 2 * strlen(names[i]);
		int rec[6] = {3, 1, 0x409, (int)i, (int)len, (int)off};

		cc_buf_u16s(b, rec, 6);
		off += len;
	}
	for (size_t i = 1; i <= n; i++)
		for (const char *s = names[i]; *s; s++)
			cc_buf_u16(b, (unsigned char)*s);
}

static uint32_t font_sum(const unsigned char *p, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < n; i += 4)
		sum += (uint32_t)p[i] << 24 | (uint32_t)p[i + 1] << 16 |
		       (uint32_t)p[i + 2] << 8 | p[i + 3];
	return sum;
}

static void build_font(struct cc_buf *f)
{
	struct {
		const char *tag;
		const int *v;
		size_t n;
	} tab[] = {
		{"OS/2", font_os2, 48},	 {"cmap", font_cmap, 22},
		{"glyf", font_glyf, 17}, {"head", font_head, 27},
		{"hhea", font_hhea, 18}, {"hmtx", font_hmtx, 4},
		{"loca", font_loca, 3},	 {"maxp", font_maxp, 16},
		{"name", NULL, 0},	 {"post", font_post, 16},
	};
	const size_t ntab = sizeof(tab) / sizeof(tab[0]);
	size_t off = 12 + 16 * ntab, head = 0;
	uint32_t sum;
	int dir[6] = {1, 0, (int)ntab, 128, 3, (int)(16 * ntab - 128)};

	cc_buf_u16s(f, dir, 6);
	cc_buf_grow(f, off);
	if (f->failed)
		return;
	memset(f->data + f->len, 0, off - f->len);
	f->len = off;
	for (size_t i = 0; i < ntab; i++) {
		size_t start = f->len, len;
		unsigned char *rec;

		if (tab[i].v)
			cc_buf_u16s(f, tab[i].v, tab[i].n);
		else
			font_name_table(f);
		len = f->len - start;
		cc_buf_put(f, "\0\0\0", (4 - len % 4) % 4);
		if (f->failed)
			return;
		if (!strcmp(tab[i].tag, "head"))
			head = start;
		sum = font_sum(f->data + start, f->len - start);
		rec = f->data + 12 + 16 * i;
		memcpy(rec, tab[i].tag, 4);
		for (int k = 0; k < 4; k++) {
			rec[4 + k] = (unsigned char)(sum >> (24 - 8 * k));
			rec[8 + k] = (unsigned char)(start >> (24 - 8 * k));
			rec[12 + k] = (unsigned char)(len >> (24 - 8 * k));
		}
	}
	sum = 0xb1b0afbau - font_sum(f->data, f->len);
	for (int k = 0; k < 4; k++)
		f->data[head + 8 + k] = (unsigned char)(sum >> (24 - 8 * k));
}

static void to_unicode(const struct cc_pdf_writer *w, struct cc_buf *b)
{
	unsigned count = 0, block;

	for (unsigned cid = 0; cid < 0x10000; cid++)
		count += w->used[cid >> 3] >> (cid & 7) & 1;
	cc_buf_puts(b, "/CIDInit /ProcSet findresource begin\n12 dict begin\n"
		    "begincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering "
		    "(UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS "
		    "def\n/CMapType 2 def\n1 begincodespacerange\n<0000> "
		    "<FFFF>\nendcodespacerange\n");
	block = 0;
	for (unsigned cid = 0; cid < 0x10000; cid++) {
		if (!(w->used[cid >> 3] >> (cid & 7) & 1))
			continue;
		if (block == 0)
			cc_buf_printf(b, "%u beginbfchar\n",
				   count < 100 ? count : 100);
		if (cid >= NONBMP_CID0 && cid < NONBMP_CID0 + NONBMP_MAX) {
			uint32_t c = w->nonbmp[cid - NONBMP_CID0] - 0x10000;

			cc_buf_printf(b, "<%04X> <%04X%04X>\n", cid,
				   0xd800 + (c >> 10), 0xdc00 + (c & 0x3ff));
		} else {
			cc_buf_printf(b, "<%04X> <%04X>\n", cid, cid);
		}
		count--;
		if (++block == 100 || count == 0) {
			cc_buf_puts(b, "endbfchar\n");
			block = 0;
		}
	}
	cc_buf_puts(b, "endcmap\nCMapName currentdict /CMap defineresource pop\n"
		    "end\nend\n");
}

static void put_font(struct cc_pdf_writer *w)
{
	int cidfont = new_obj(w), desc = new_obj(w), file = new_obj(w);
	int map = new_obj(w), tou = new_obj(w);
	struct cc_buf b = {0};
	char dict[64];

	if (failed(w))
		return;
	begin_obj(w, w->font);
	putf(w,
	     "<< /Type /Font /Subtype /Type0 /BaseFont /" FONT_NAME
	     " /Encoding /Identity-H /DescendantFonts [%d 0 R]"
	     " /ToUnicode %d 0 R >>\nendobj\n",
	     cidfont, tou);
	begin_obj(w, cidfont);
	putf(w,
	     "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /" FONT_NAME
	     " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity)"
	     " /Supplement 0 >> /FontDescriptor %d 0 R /DW %d"
	     " /CIDToGIDMap %d 0 R >>\nendobj\n",
	     desc, ADVANCE, map);
	begin_obj(w, desc);
	putf(w,
	     "<< /Type /FontDescriptor /FontName /" FONT_NAME
	     " /Flags 5 /FontBBox [0 -200 500 1000] /ItalicAngle 0 /Ascent 1000"
	     " /Descent -200 /CapHeight 700 /StemV 80 /FontFile2 %d 0 R >>"
	     "\nendobj\n",
	     file);

	build_font(&b);
	if (b.failed || snprintf(dict, sizeof(dict), " /Length1 %zu", b.len) >=
				(int)sizeof(dict))
		w->why = "out of memory";
	else
		put_flate_stream(w, file, dict, b.data, b.len);

	/* Every CID shows glyph 1. */
	b.len = 0;
	if (!cc_buf_grow(&b, 0x20000)) {
		for (size_t i = 0; i < 0x20000; i += 2)
			b.data[i] = 0, b.data[i + 1] = 1;
		b.len = 0x20000;
	}
	if (b.failed)
		w->why = "out of memory";
	else
		put_flate_stream(w, map, "", b.data, b.len);

	b.len = 0;
	to_unicode(w, &b);
	if (b.failed)
		w->why = "out of memory";
	else
		put_flate_stream(w, tou, "", b.data, b.len);
	cc_buf_free(&b);
}

/* ---- page images ---- */

/* pix as 1, 8 or 32 bpp without a colormap; a clone when it already is. */
static PIX *storable(PIX *pix)
{
	int d = pixGetDepth(pix);

	if (pixGetColormap(pix))
		return pixRemoveColormap(pix, REMOVE_CMAP_BASED_ON_SRC);
	if (d == 1 || d == 8 || d == 32)
		return pixClone(pix);
	if (d == 24)
		return pixConvert24To32(pix);
	return pixConvertTo8(pix, 0);
}

/* Flate of the samples, row by row, straight to the output: no predictor,
 * which measured best on cc-scan's pages (their background is flat). */
static unsigned long long put_flate_pixels(struct cc_pdf_writer *w, PIX *pix)
{
	int width = pixGetWidth(pix), height = pixGetHeight(pix);
	int depth = pixGetDepth(pix), wpl = pixGetWpl(pix);
	size_t rowbytes = (size_t)width * (depth == 32 ? 3 : 1);
	unsigned char *row = malloc(rowbytes), zout[16384];
	const l_uint32 *data = pixGetData(pix);
	unsigned long long total = 0;
	z_stream z;
	int rc = Z_OK, mode;

	memset(&z, 0, sizeof(z));
	if (!row || deflateInit(&z, Z_DEFAULT_COMPRESSION) != Z_OK) {
		free(row);
		w->why = "out of memory";
		return 0;
	}
	for (int y = 0; y < height && !failed(w); y++) {
		const l_uint32 *line = data + (size_t)y * (size_t)wpl;

		if (depth == 8) {
			for (int x = 0; x < width; x++)
				row[x] = (unsigned char)GET_DATA_BYTE(line, x);
		} else {
			for (int x = 0; x < width; x++) {
				l_uint32 p = line[x];

				row[3 * x] = (unsigned char)(p >> L_RED_SHIFT);
				row[3 * x + 1] =
					(unsigned char)(p >> L_GREEN_SHIFT);
				row[3 * x + 2] =
					(unsigned char)(p >> L_BLUE_SHIFT);
			}
		}
		z.next_in = row;
		z.avail_in = (uInt)rowbytes;
		mode = y == height - 1 ? Z_FINISH : Z_NO_FLUSH;
		do {
			z.next_out = zout;
			z.avail_out = sizeof(zout);
			rc = deflate(&z, mode);
			put(w, zout, sizeof(zout) - z.avail_out);
			total += sizeof(zout) - z.avail_out;
		} while (rc == Z_OK && (z.avail_out == 0 || mode == Z_FINISH));
	}
	if (!failed(w) && rc != Z_STREAM_END)
		w->why = "deflate failed";
	deflateEnd(&z);
	free(row);
	return total;
}

static unsigned cid_of(struct cc_pdf_writer *w, uint32_t c)
{
	unsigned cid = 0xfffd;

	if (c < 0x20 || (c >= 0x7f && c < 0xa0))
		c = 0xfffd;
	if (c <= 0xffff) {
		cid = (unsigned)c;
	} else {
		unsigned i = 0;

		while (i < w->nnonbmp && w->nonbmp[i] != c)
			i++;
		if (i < NONBMP_MAX) {
			if (i == w->nnonbmp)
				w->nonbmp[w->nnonbmp++] = c;
			cid = NONBMP_CID0 + i;
		}
	}
	w->used[cid >> 3] |= (unsigned char)(1u << (cid & 7));
	return cid;
}

static size_t text_length(const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t len = text ? strlen(text) : 0, count = 0, n;

	for (size_t i = 0; i < len; i += n, count++)
		cc_utf8_next(s + i, len - i, &n);
	return count;
}

/* Worth showing: some text, a box with an inside, on the page. */
static int word_ok(const struct cc_pdf_word *wd, int width, int height)
{
	return wd->text && wd->text[0] && wd->x1 > wd->x0 && wd->y1 > wd->y0 &&
	       wd->x1 > 0 && wd->x0 < width && wd->y1 > 0 && wd->y0 < height;
}

/* The word's baseline; its box's bottom when the one given is not
 * plausible for the box. */
static double baseline_of(const struct cc_pdf_word *wd)
{
	double h = (double)wd->y1 - wd->y0;

	if (wd->baseline > wd->y0 && wd->baseline <= wd->y1 + h)
		return wd->baseline;
	return wd->y1;
}

static double tz(double want, double natural)
{
	double t = 100 * want / natural;

	return t < 1 ? 1 : t;
}

/* Each line in its own BT/ET: font size = the line's height from its top
 * to its baseline, each word at its box's left edge on the baseline and
 * stretched (Tz) to the box's width, and between words a space stretched
 * over the gap, so that extraction gives "word word". Returns whether any
 * text was shown. */
static int page_text(struct cc_pdf_writer *w, struct cc_buf *c,
		     const struct cc_pdf_word *words, size_t nwords, int width,
		     int height, double scale)
{
	double top = height * scale;
	int shown = 0;

	for (size_t i = 0, end; i < nwords; i = end) {
		const struct cc_pdf_word *prev = NULL;
		double lineh = 0, fs;

		for (end = i + 1;
		     end < nwords && words[end].line == words[i].line; end++)
			;
		for (size_t k = i; k < end; k++)
			if (word_ok(&words[k], width, height) &&
			    baseline_of(&words[k]) - words[k].y0 > lineh)
				lineh = baseline_of(&words[k]) - words[k].y0;
		if (lineh <= 0)
			continue;
		fs = lineh * scale;
		cc_buf_printf(c, "BT\n3 Tr\n/F0 %s Tf\n", num(fs).s);
		for (size_t k = i; k < end; k++) {
			const struct cc_pdf_word *wd = &words[k];
			const unsigned char *s =
				(const unsigned char *)wd->text;
			size_t len, n, glyphs;

			if (!word_ok(wd, width, height))
				continue;
			if (prev) {
				double gap =
					((double)wd->x0 - prev->x1) * scale;

				cc_buf_printf(c, "%s Tz\n<%04X> Tj\n",
					   num(tz(gap, fs * ADVANCE / 1000)).s,
					   cid_of(w, ' '));
			}
			len = strlen(wd->text);
			glyphs = text_length(wd->text);
			cc_buf_printf(c, "1 0 0 1 %s %s Tm\n%s Tz\n<",
				   num(wd->x0 * scale).s,
				   num(top - baseline_of(wd) * scale).s,
				   num(tz(((double)wd->x1 - wd->x0) * scale,
					  glyphs * fs * ADVANCE / 1000))
					   .s);
			for (size_t j = 0, g = 0; j < len; j += n, g++) {
				/* PDF/A caps strings at 32767 bytes. */
				if (g && g % 4096 == 0)
					cc_buf_puts(c, "> Tj\n<");
				cc_buf_printf(c, "%04X",
					   cid_of(w, cc_utf8_next(s + j, len - j,
							       &n)));
			}
			cc_buf_puts(c, "> Tj\n");
			prev = wd;
			shown = 1;
		}
		cc_buf_puts(c, "ET\n");
	}
	return shown;
}

/* ---- the public interface ---- */

static char *dup_meta(const char *s, int *bad)
{
	char *d;

	if (!s || !*s)
		return NULL;
	if (strlen(s) > META_MAX) {
		*bad = 1;
		return NULL;
	}
	d = strdup(s);
	if (!d)
		*bad = 2;
	return d;
}

static void free_writer(struct cc_pdf_writer *w)
{
	free(w->name);
	free(w->title);
	free(w->lang);
	free(w->producer);
	free(w->by);
	free(w->device);
	free(w->xref);
	free(w->pages);
	cc_buf_free(&w->content);
	cc_sha256_free(w->md);
	free(w);
}

struct cc_pdf_writer *cc_pdf_writer_open(int fd, const char *name,
					 const struct cc_pdf_meta *meta,
					 struct cc_error *err)
{
	struct cc_pdf_writer *w;
	int bad = 0;

	if (!name)
		name = "-";
	if (!meta || !meta->created) {
		cc_error_set(err, CC_USAGE,
			     "cannot write '%s': no creation time", name);
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		cc_error_set(err, CC_SYSTEM, "out of memory");
		return NULL;
	}
	w->fd = fd;
	w->name = strdup(name);
	w->md = cc_sha256_new();
	w->title = dup_meta(meta->title, &bad);
	w->lang = dup_meta(meta->lang, &bad);
	w->producer = dup_meta(
		meta->producer && *meta->producer ? meta->producer : "certcopy",
		&bad);
	w->by = dup_meta(meta->converted_by, &bad);
	w->device = dup_meta(meta->device, &bad);
	if (!w->name || !w->md || !w->producer || bad == 2) {
		cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out_free;
	}
	if (bad) {
		cc_error_set(err, CC_USAGE,
			     "cannot write '%s': metadata longer than %d bytes",
			     name, META_MAX);
		goto out_free;
	}
	for (const char *p = w->lang; p && *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-')) {
			cc_error_set(err, CC_USAGE,
				     "cannot write '%s': invalid language "
				     "tag '%s'",
				     name, w->lang);
			goto out_free;
		}
	if (parse_created(w, meta->created)) {
		cc_error_set(err, CC_USAGE,
			     "cannot write '%s': invalid creation time '%s': "
			     "not RFC 3339",
			     name, meta->created);
		goto out_free;
	}
	/* 1 and 2: the catalog and the page tree, which pages point to. */
	new_obj(w);
	new_obj(w);
	put(w, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", 15);
	if (failed(w)) {
		fail(w, err);
		goto out_free;
	}
	return w;
out_free:
	free_writer(w);
	return NULL;
}

/* Check a page's resolution and size in points; CC_OK or CC_INPUT. */
static int page_size(const struct cc_pdf_writer *w, int page, int width,
		     int height, int dpi, struct cc_error *err)
{
	double wpt, hpt;

	if (dpi < 1 || dpi > 100000)
		return cc_error_set(err, CC_INPUT,
				    "cannot write '%s': page %d: invalid "
				    "resolution %d dpi",
				    w->name, page, dpi);
	wpt = width * 72.0 / dpi;
	hpt = height * 72.0 / dpi;
	if (wpt < 3 || wpt > 14400 || hpt < 3 || hpt > 14400)
		return cc_error_set(err, CC_INPUT,
				    "cannot write '%s': page %d is %s x %s pt, "
				    "outside PDF/A's 3 to 14400",
				    w->name, page, num(wpt).s, num(hpt).s);
	return CC_OK;
}

int cc_pdf_writer_add_image(struct cc_pdf_writer *w, PIX *pix, int dpi,
			    struct cc_pdf_image *img, struct cc_error *err)
{
	unsigned char *g4data = NULL;
	size_t g4len = 0;
	char g4msg[160] = "";
	PIX *p = NULL;
	int width, height, depth, page, im, len = 0;
	unsigned long long n = 0;
	int rc = CC_OK;

	memset(img, 0, sizeof(*img));
	if (!w)
		return cc_error_set(err, CC_USAGE, "no PDF writer");
	if (failed(w))
		return fail(w, err);
	page = (int)w->npages + 1 + w->pending_images;
	if (!pix)
		return cc_error_set(err, CC_USAGE,
				    "cannot write '%s': page %d: no image",
				    w->name, page);
	width = pixGetWidth(pix);
	height = pixGetHeight(pix);
	if ((rc = page_size(w, page, width, height, dpi, err)))
		return rc;
	p = storable(pix);
	if (!p) {
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	depth = pixGetDepth(p);
	if (pixGetColormap(p) || (depth != 1 && depth != 8 && depth != 32)) {
		rc = cc_error_set(err, CC_INPUT,
				  "cannot write '%s': page %d: unsupported "
				  "depth %d",
				  w->name, page, depth);
		goto out;
	}
	if (depth == 1 &&
	    cc_g4_encode(p, &g4data, &g4len, g4msg, sizeof(g4msg))) {
		rc = cc_error_set(err, CC_SYSTEM,
				  "cannot write '%s': page %d: G4 encoding "
				  "failed: %s",
				  w->name, page, g4msg[0] ? g4msg : "error");
		goto out;
	}
	im = new_obj(w);
	if (depth != 1)
		len = new_obj(w);
	if (failed(w)) {
		rc = fail(w, err);
		goto out;
	}
	begin_obj(w, im);
	putf(w,
	     "<< /Type /XObject /Subtype /Image /Width %d /Height %d"
	     " /ColorSpace /%s /BitsPerComponent %d",
	     width, height, depth == 32 ? "DeviceRGB" : "DeviceGray",
	     depth == 1 ? 1 : 8);
	if (depth == 1) {
		/* BlackIs1 false: black decodes to 0, black in DeviceGray. */
		putf(w,
		     " /Filter /CCITTFaxDecode /DecodeParms << /K -1"
		     " /Columns %d /Rows %d >> /Length %zu >>\nstream\n",
		     width, height, g4len);
		put(w, g4data, g4len);
	} else {
		putf(w, " /Filter /FlateDecode /Length %d 0 R >>\nstream\n",
		     len);
		n = put_flate_pixels(w, p);
	}
	put(w, "\nendstream\nendobj\n", 18);
	if (depth != 1) {
		begin_obj(w, len);
		putf(w, "%llu\nendobj\n", n);
	}
	if (failed(w)) {
		rc = fail(w, err);
		goto out;
	}
	img->obj = im;
	img->width = width;
	img->height = height;
	img->dpi = dpi;
	w->pending_images++;
out:
	pixDestroy(&p);
	free(g4data);
	return rc;
}

int cc_pdf_writer_add_page_image(struct cc_pdf_writer *w,
				 const struct cc_pdf_image *img,
				 const struct cc_pdf_word *words, size_t nwords,
				 struct cc_error *err)
{
	struct cc_buf z = {0};
	int page, text, cont, obj;
	double scale, wpt, hpt;
	int rc = CC_OK;

	if (!w)
		return cc_error_set(err, CC_USAGE, "no PDF writer");
	if (failed(w))
		return fail(w, err);
	page = (int)w->npages + 1;
	if (!img || img->obj <= 0 || w->pending_images <= 0 ||
	    (nwords && !words))
		return cc_error_set(err, CC_USAGE,
				    "cannot write '%s': page %d: no image",
				    w->name, page);
	scale = 72.0 / img->dpi;
	wpt = img->width * scale;
	hpt = img->height * scale;

	/* Everything that can fail for want of memory before any output. */
	w->content.len = 0;
	w->content.failed = 0;
	cc_buf_printf(&w->content, "q\n%s 0 0 %s 0 0 cm\n/Im0 Do\nQ\n", num(wpt).s,
		   num(hpt).s);
	text = page_text(w, &w->content, words, nwords, img->width, img->height,
			 scale);
	if (w->content.failed ||
	    deflate_buf(&z, w->content.data, w->content.len)) {
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	if (w->npages == w->pcap) {
		size_t cap = w->pcap ? 2 * w->pcap : 16;
		int *pg = realloc(w->pages, cap * sizeof(*pg));

		if (!pg) {
			rc = cc_error_set(err, CC_SYSTEM, "out of memory");
			goto out;
		}
		w->pages = pg;
		w->pcap = cap;
	}
	cont = new_obj(w);
	obj = new_obj(w);
	if (text && !w->font)
		w->font = new_obj(w);
	if (failed(w)) {
		rc = fail(w, err);
		goto out;
	}
	put_stream(w, cont, " /Filter /FlateDecode", z.data, z.len);
	begin_obj(w, obj);
	putf(w,
	     "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s %s]"
	     " /Resources << /XObject << /Im0 %d 0 R >>",
	     num(wpt).s, num(hpt).s, img->obj);
	if (text)
		putf(w, " /Font << /F0 %d 0 R >>", w->font);
	putf(w, " >> /Contents %d 0 R >>\nendobj\n", cont);
	if (failed(w)) {
		rc = fail(w, err);
		goto out;
	}
	w->pages[w->npages++] = obj;
	w->pending_images--;
out:
	cc_buf_free(&z);
	return rc;
}

int cc_pdf_writer_add_page(struct cc_pdf_writer *w, PIX *pix, int dpi,
			   const struct cc_pdf_word *words, size_t nwords,
			   struct cc_error *err)
{
	struct cc_pdf_image img;
	int rc;

	if (w && !failed(w) && pix && (!nwords || words) &&
	    (rc = page_size(w, (int)w->npages + 1, pixGetWidth(pix),
			    pixGetHeight(pix), dpi, err)))
		return rc;
	if ((rc = cc_pdf_writer_add_image(w, pix, dpi, &img, err)))
		return rc;
	return cc_pdf_writer_add_page_image(w, &img, words, nwords, err);
}

static void put_trailer(struct cc_pdf_writer *w, int info)
{
	unsigned long long start = w->off;
	unsigned char sha[CC_SHA256_LEN];
	char id[33];

	putf(w, "xref\n0 %d\n0000000000 65535 f \n", w->nobj + 1);
	for (int i = 1; i <= w->nobj; i++) {
		if (!w->xref[i] || w->xref[i] > XREF_MAX) {
			w->why = w->xref[i] ? "file too large"
					    : "internal error: object missing";
			return;
		}
		putf(w, "%010llu 00000 n \n", w->xref[i]);
	}
	if (failed(w))
		return;
	/* The /ID: the first 16 bytes of the SHA-256 of all that precedes. */
	if (cc_sha256_final(w->md, sha)) {
		w->md = NULL;
		w->why = "SHA-256 failed";
		return;
	}
	w->md = NULL;
	cc_hex(sha, 16, id);
	putf(w,
	     "trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R /ID [<%s> <%s>] "
	     ">>\nstartxref\n%llu\n%%%%EOF\n",
	     w->nobj + 1, info, id, id, start);
}

int cc_pdf_writer_close(struct cc_pdf_writer *w, struct cc_error *err)
{
	struct cc_buf b = {0};
	unsigned char *icc = NULL;
	size_t icclen = 0;
	int info, meta, prof, intent, rc = CC_OK;

	if (!w)
		return cc_error_set(err, CC_USAGE, "no PDF writer");
	if (failed(w)) {
		rc = fail(w, err);
		goto out;
	}
	if (!w->npages) {
		rc = cc_error_set(
			err, CC_INPUT,
			"cannot write '%s': the document has no pages",
			w->name);
		goto out;
	}
	if (w->font)
		put_font(w);
	info = new_obj(w);
	meta = new_obj(w);
	prof = new_obj(w);
	intent = new_obj(w);
	if (failed(w)) {
		rc = fail(w, err);
		goto out;
	}
	put_info(w, info);

	xmp(w, &b);
	if (b.failed)
		w->why = "out of memory";
	else
		put_stream(w, meta, " /Type /Metadata /Subtype /XML", b.data,
			   b.len);

	icc = srgb_profile(&icclen);
	if (!icc)
		w->why = "cannot make the sRGB profile";
	else
		put_flate_stream(w, prof, " /N 3", icc, icclen);
	begin_obj(w, intent);
	putf(w,
	     "<< /Type /OutputIntent /S /GTS_PDFA1"
	     " /OutputConditionIdentifier (sRGB IEC61966-2.1)"
	     " /RegistryName (http://www.color.org)"
	     " /Info (sRGB IEC61966-2.1) /DestOutputProfile %d 0 R >>"
	     "\nendobj\n",
	     prof);

	begin_obj(w, 2);
	putf(w, "<< /Type /Pages /Count %zu /Kids [", w->npages);
	for (size_t i = 0; i < w->npages; i++)
		putf(w, "%s%d 0 R", i % 8 ? " " : "\n", w->pages[i]);
	putf(w, "\n] >>\nendobj\n");

	begin_obj(w, 1);
	putf(w,
	     "<< /Type /Catalog /Pages 2 0 R /Metadata %d 0 R"
	     " /OutputIntents [%d 0 R]",
	     meta, intent);
	if (w->lang)
		putf(w, " /Lang (%s)", w->lang);
	putf(w, " >>\nendobj\n");

	put_trailer(w, info);
	flush(w);
	if (failed(w))
		rc = fail(w, err);
out:
	free(icc);
	cc_buf_free(&b);
	free_writer(w);
	return rc;
}

void cc_pdf_writer_abort(struct cc_pdf_writer *w)
{
	if (w)
		free_writer(w);
}
