/*
 * test-pdfwrite.c - the searchable PDF, judged by tools nobody here wrote:
 * qpdf --check for the structure, pdfinfo for pages and sizes, pdftotext for
 * the text layer and its Vietnamese diacritics, pdfimages for the stored
 * images and their pixels, pdffonts for the font, pdftoppm and mutool for
 * what a reader sees (upright, not mirrored, no visible text), python3's XML
 * parser for the XMP packet; the cross-reference table is checked by hand.
 * Also: the same input gives the same bytes, bad input is refused without
 * harm, and write failures are CC_SYSTEM with the system's reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <allheaders.h>

#include "tooltest.h"
#include "pdfwrite.h"

static const struct cc_pdf_meta meta = {
	.title = "Giấy khai sinh <bản sao>",
	.lang = "vi",
	.producer = "certcopy 0.1.0",
	.created = "2026-11-28T07:32:33Z",
	.converted_by = "UBND phường Hàng Bạc & đối tác",
	.device = "Fujitsu fi-7160 (ADF)",
};

static int setup(void **state)
{
	return scratch_setup(state, "test-pdfwrite");
}

static unsigned char *slurp(const char *path, size_t *len)
{
	struct stat st;
	unsigned char *data;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	data = malloc((size_t)st.st_size + 1);
	assert_non_null(data);
	assert_int_equal(read(fd, data, (size_t)st.st_size), st.st_size);
	data[st.st_size] = '\0';
	close(fd);
	*len = (size_t)st.st_size;
	return data;
}

static const unsigned char *find(const unsigned char *hay, size_t len,
				 const char *needle)
{
	/* cmocka's asserts do not tell the compiler they stop on NULL. */
	if (!hay)
		return NULL;
	return memmem(hay, len, needle, strlen(needle));
}

/* ---- the document ---- */

/* Text lines of each page, as OCR would give them. */
static const char *const lines1[] = {
	"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
	"Độc lập - Tự do - Hạnh phúc",
	"Họ và tên: Nguyễn Thị Thu Hương",
	"Nơi sinh: Hà Nội",
	NULL,
};
static const char *const lines2[] = {
	"GIẤY KHAI SINH",
	"Chữ Nôm: 𡨸 喃",
	"Mã \xff\xfe lỗi",
	NULL,
};
static const char *const lines3[] = {
	"Hà Nội, ngày 28 tháng 11 năm 2026",
	"Người thực hiện: Nguyễn Thị Thu Hương",
	NULL,
};
/* What pdftotext must give for lines2: invalid UTF-8 as U+FFFD. */
static const char *const expect2[] = {
	"GIẤY KHAI SINH",
	"Chữ Nôm: 𡨸 喃",
	"Mã \xef\xbf\xbd\xef\xbf\xbd lỗi",
	NULL,
};

struct page {
	PIX *pix;
	int dpi;
	struct cc_pdf_word words[64];
	char text[64][64];
	size_t nwords;
};

static size_t chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Lay out lines of words as boxes (with some ink drawn in them) starting
 * at x, y, height h pixels a line, the baseline at 3/4 of it. */
static void layout(struct page *pg, const char *const *lines, int x, int y,
		   int h)
{
	int cw = h * 45 / 100, gap = h * 35 / 100;

	for (int l = 0; lines[l]; l++, y += 2 * h) {
		const char *p = lines[l];
		int cx = x;

		while (*p) {
			size_t n = strcspn(p, " ");
			struct cc_pdf_word *wd = &pg->words[pg->nwords];
			char *t = pg->text[pg->nwords];

			assert_true(pg->nwords < 64 && n < 64);
			memcpy(t, p, n);
			t[n] = '\0';
			wd->x0 = cx;
			wd->x1 = cx + (int)chars(t) * cw;
			wd->y0 = y;
			wd->y1 = y + h;
			wd->baseline = y + h * 3 / 4;
			wd->line = l;
			wd->text = t;
			cx = wd->x1 + gap;
			pg->nwords++;
			if (pixGetDepth(pg->pix) != 32)
				pixRasterop(pg->pix, wd->x0, wd->y0 + h / 4,
					    wd->x1 - wd->x0, h / 2,
					    pixGetDepth(pg->pix) == 1 ? PIX_SET
								      : PIX_CLR,
					    NULL, 0, 0);
			p += n;
			p += *p == ' ';
		}
	}
}

/* Words that must leave no trace: empty text, no text, empty box, off the
 * page. They sit inside line 3 of page 1, which must still read "Nơi sinh:
 * Hà Nội" with single spaces. */
static void add_junk(struct page *pg)
{
	struct cc_pdf_word junk[4], *w = pg->words;
	size_t at = 0;

	while (at < pg->nwords && strcmp(w[at].text, "sinh:"))
		at++;
	assert_true(at < pg->nwords && pg->nwords + 4 <= 64);
	junk[0] = w[at];
	junk[0].text = "";
	junk[1] = w[at];
	junk[1].text = NULL;
	junk[2] = w[at];
	junk[2].x1 = junk[2].x0;
	junk[2].text = "rỗng";
	junk[3] = w[at];
	junk[3].x0 = 5000, junk[3].x1 = 5100;
	junk[3].text = "ngoài";
	memmove(&w[at + 5], &w[at + 1], (pg->nwords - at - 1) * sizeof(*w));
	memcpy(&w[at + 1], junk, sizeof(junk));
	pg->nwords += 4;
}

static void make_pages(struct page pg[3])
{
	memset(pg, 0, 3 * sizeof(*pg));

	/* A4 at 150 dpi, gray: white, a gradient band, a corner mark that
	 * shows a mirrored or upside-down rendering. */
	pg[0].pix = pixCreate(1240, 1754, 8);
	pg[0].dpi = 150;
	assert_non_null(pg[0].pix);
	pixSetAll(pg[0].pix);
	for (int y = 1500; y < 1700; y++)
		for (int x = 0; x < 1240; x++)
			pixSetPixel(pg[0].pix, x, y,
				    (l_uint32)(x * 255 / 1239));
	pixRasterop(pg[0].pix, 40, 40, 120, 60, PIX_CLR, NULL, 0, 0);
	layout(&pg[0], lines1, 150, 200, 40);
	add_junk(&pg[0]);

	/* A4 at 100 dpi, colour. */
	pg[1].pix = pixCreate(827, 1169, 32);
	pg[1].dpi = 100;
	assert_non_null(pg[1].pix);
	pixSetAllArbitrary(pg[1].pix, 0xfffff000);
	for (int y = 700; y < 1000; y += 3)
		for (int x = 0; x < 827; x += 3) {
			l_uint32 v;

			composeRGBPixel(x % 256, y % 256, (x + y) % 256, &v);
			pixSetPixel(pg[1].pix, x, y, v);
		}
	pixRasterop(pg[1].pix, 30, 30, 80, 40, PIX_CLR, NULL, 0, 0);
	layout(&pg[1], lines2, 100, 150, 30);
	for (size_t i = 0; i < pg[1].nwords; i++) {
		const struct cc_pdf_word *w = &pg[1].words[i];
		l_uint32 red;

		composeRGBPixel(200, 20, 30, &red);
		for (int y = w->y0 + 8; y < w->y1 - 8; y++)
			for (int x = w->x0; x < w->x1; x++)
				pixSetPixel(pg[1].pix, x, y, red);
	}

	/* Bilevel, 150 dpi, a width that is not a multiple of 8. */
	pg[2].pix = pixCreate(1241, 1754, 1);
	pg[2].dpi = 150;
	assert_non_null(pg[2].pix);
	pixRasterop(pg[2].pix, 40, 40, 120, 60, PIX_SET, NULL, 0, 0);
	for (int y = 1200; y < 1300; y++)
		for (int x = 0; x < 1241; x++)
			pixSetPixel(pg[2].pix, x, y,
				    (l_uint32)((x / 3 + y) & 1));
	layout(&pg[2], lines3, 200, 600, 36);
}

static void free_pages(struct page pg[3])
{
	for (int i = 0; i < 3; i++)
		pixDestroy(&pg[i].pix);
}

static void write_doc(const char *path, struct page pg[3])
{
	struct cc_error err = {0, ""};
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	struct cc_pdf_writer *w;

	assert_true(fd >= 0);
	w = cc_pdf_writer_open(fd, "copy.pdf", &meta, &err);
	assert_non_null(w);
	for (int i = 0; i < 3; i++)
		assert_int_equal(cc_pdf_writer_add_page(w, pg[i].pix, pg[i].dpi,
							pg[i].words,
							pg[i].nwords, &err),
				 CC_OK);
	assert_int_equal(cc_pdf_writer_close(w, &err), CC_OK);
	/* The descriptor is still the caller's. */
	assert_int_equal(close(fd), 0);
}

/* ---- checks ---- */

/* The header, the cross-reference table entry by entry, the trailer. */
static void check_xref(const unsigned char *pdf, size_t len)
{
	const unsigned char *p;
	unsigned long long sx;
	int first, count;

	assert_true(len > 100);
	assert_memory_equal(pdf, "%PDF-1.7\n%", 10);
	for (int i = 10; i < 14; i++)
		assert_true(pdf[i] >= 128);
	assert_memory_equal(pdf + len - 6, "%%EOF\n", 6);
	p = find(pdf + len - 40, 40, "startxref\n");
	assert_non_null(p);
	sx = strtoull((const char *)p + 10, NULL, 10);
	assert_true(sx < len);
	p = pdf + sx;
	assert_int_equal(
		sscanf((const char *)p, "xref\n%d %d\n", &first, &count), 2);
	assert_int_equal(first, 0);
	p = (const unsigned char *)strchr((const char *)p + 5, '\n') + 1;
	assert_memory_equal(p, "0000000000 65535 f \n", 20);
	for (int i = 1; i < count; i++) {
		char head[32];
		unsigned long long off;

		p += 20;
		assert_memory_equal(p + 10, " 00000 n \n", 10);
		off = strtoull((const char *)p, NULL, 10);
		assert_true(off < sx);
		snprintf(head, sizeof(head), "%d 0 obj\n", i);
		assert_memory_equal(pdf + off, head, strlen(head));
	}
	p += 20;
	assert_memory_equal(p, "trailer\n<< /Size ", 17);
	assert_int_equal(atoi((const char *)p + 17), count);
	p = find(p, len - (size_t)(p - pdf), "/ID [<");
	assert_non_null(p);
	assert_memory_equal(p + 6, p + 41, 32);
	assert_memory_equal(p + 38, "> <", 3);
}

static void check_qpdf(struct scratch *s, const char *pdf)
{
	char *out;

	assert_int_equal(run(s, &out, "qpdf --check '%s'", pdf), 0);
	assert_non_null(strstr(out, "No syntax or stream encoding errors"));
	free(out);
}

static void check_pdfinfo(struct scratch *s, const char *pdf, struct page pg[3])
{
	char *out, *p;

	assert_int_equal(run(s, &out, "pdfinfo -f 1 -l 3 '%s'", pdf), 0);
	assert_non_null(strstr(out, "Pages:           3\n"));
	assert_non_null(strstr(out, "Title:           Giấy khai sinh <bản "
				    "sao>\n"));
	assert_non_null(strstr(out, "Producer:        certcopy 0.1.0\n"));
	assert_non_null(strstr(out, "Creator:         certcopy\n"));
	assert_non_null(strstr(out, "Subject:         Converted from a paper "
				    "original by UBND phường Hàng Bạc & đối "
				    "tác (Fujitsu fi-7160 (ADF)) on "
				    "2026-11-28T07:32:33Z\n"));
	assert_non_null(strstr(out, "Nov 28 07:32:33 2026 UTC"));
	for (int i = 0; i < 3; i++) {
		char key[32];
		double w, h;

		snprintf(key, sizeof(key), "Page    %d size: ", i + 1);
		p = strstr(out, key);
		assert_non_null(p);
		assert_int_equal(sscanf(p + strlen(key), "%lf x %lf", &w, &h),
				 2);
		assert_true(fabs(w - pixGetWidth(pg[i].pix) * 72.0 /
					     pg[i].dpi) < 0.005);
		assert_true(fabs(h - pixGetHeight(pg[i].pix) * 72.0 /
					     pg[i].dpi) < 0.005);
	}
	free(out);
}

/* Each line whole, in order, words separated by single spaces. */
static void check_text(struct scratch *s, const char *pdf, int page,
		       const char *const *lines)
{
	char *out, *at;

	assert_int_equal(run(s, &out, "pdftotext -enc UTF-8 -f %d -l %d '%s' -",
			     page, page, pdf),
			 0);
	at = out;
	for (int i = 0; lines[i]; i++) {
		char *hit = strstr(at, lines[i]);

		if (!hit)
			print_error("page %d: no line '%s' in:\n%s\n", page,
				    lines[i], out);
		assert_non_null(hit);
		assert_true(hit == out || hit[-1] == '\n');
		assert_true(hit[strlen(lines[i])] == '\n');
		at = hit + strlen(lines[i]);
	}
	free(out);
}

static void check_fonts(struct scratch *s, const char *pdf)
{
	char *out, name[64], t1[32], t2[32], enc[32], emb[8], sub[8], uni[8];
	char *p;

	assert_int_equal(run(s, &out, "pdffonts '%s'", pdf), 0);
	p = strstr(out, "CertcopyGlyphless");
	assert_non_null(p);
	assert_int_equal(sscanf(p, "%63s %31s %31s %31s %7s %7s %7s", name, t1,
				t2, enc, emb, sub, uni),
			 7);
	assert_string_equal(t1, "CID");
	assert_string_equal(t2, "TrueType");
	assert_string_equal(enc, "Identity-H");
	assert_string_equal(emb, "yes");
	assert_string_equal(uni, "yes");
	/* One font for the whole document. */
	assert_null(strstr(p + 1, "CertcopyGlyphless"));
	free(out);
}

static void check_images(struct scratch *s, const char *pdf, struct page pg[3])
{
	static const char *const color[3] = {"gray", "rgb", "gray"};
	static const char *const enc[3] = {"image", "image", "ccitt"};
	static const int bpc[3] = {8, 8, 1};
	char *out, *line;

	assert_int_equal(run(s, &out, "pdfimages -list '%s'", pdf), 0);
	assert_null(strstr(out, "jpeg"));
	assert_null(strstr(out, "smask"));
	line = strchr(strchr(out, '\n') + 1, '\n') + 1;
	for (int i = 0; i < 3; i++) {
		int page, num, w, h, comp, b, xppi, yppi;
		char type[16], col[16], e[16], interp[8];

		assert_int_equal(sscanf(line,
					"%d %d %15s %d %d %15s %d %d %15s %7s "
					"%*d %*d %d %d",
					&page, &num, type, &w, &h, col, &comp,
					&b, e, interp, &xppi, &yppi),
				 12);
		assert_int_equal(page, i + 1);
		assert_string_equal(type, "image");
		assert_int_equal(w, pixGetWidth(pg[i].pix));
		assert_int_equal(h, pixGetHeight(pg[i].pix));
		assert_string_equal(col, color[i]);
		assert_int_equal(b, bpc[i]);
		assert_string_equal(e, enc[i]);
		assert_string_equal(interp, "no");
		assert_int_equal(xppi, pg[i].dpi);
		assert_int_equal(yppi, pg[i].dpi);
		line = strchr(line, '\n');
		assert_non_null(line);
		line++;
	}
	assert_int_equal(*line, '\0');
	free(out);
}

/* Number of pixels whose colour differs by more than tol in a channel,
 * after both are made 32 bpp RGB. */
static long differ(PIX *a, PIX *b, int tol)
{
	PIX *a32 = pixConvertTo32(a), *b32 = pixConvertTo32(b);
	long n = 0;

	assert_non_null(a32);
	assert_non_null(b32);
	assert_int_equal(pixGetWidth(a32), pixGetWidth(b32));
	assert_int_equal(pixGetHeight(a32), pixGetHeight(b32));
	for (int y = 0; y < pixGetHeight(a32); y++)
		for (int x = 0; x < pixGetWidth(a32); x++) {
			l_uint32 u, v;
			int r1, g1, b1, r2, g2, b2;

			pixGetPixel(a32, x, y, &u);
			pixGetPixel(b32, x, y, &v);
			extractRGBValues(u, &r1, &g1, &b1);
			extractRGBValues(v, &r2, &g2, &b2);
			n += abs(r1 - r2) > tol || abs(g1 - g2) > tol ||
			     abs(b1 - b2) > tol;
		}
	pixDestroy(&a32);
	pixDestroy(&b32);
	return n;
}

/* The stored samples are the page's pixels, exactly. */
static void check_pixels(struct scratch *s, const char *pdf, struct page pg[3])
{
	char prefix[4200];

	snprintf(prefix, sizeof(prefix), "%s", join(s, "img"));
	assert_int_equal(run(s, NULL, "pdfimages -png '%s' '%s'", pdf, prefix),
			 0);
	for (int i = 0; i < 3; i++) {
		char name[32];
		PIX *got;

		snprintf(name, sizeof(name), "img-%03d.png", i);
		got = pixRead(join(s, name));
		assert_non_null(got);
		assert_int_equal(differ(got, pg[i].pix, 0), 0);
		pixDestroy(&got);
	}
}

/* Pixels of got that differ from want by more than 2 in a channel, among
 * those whose 3x3 neighbourhood in want is flat: a renderer may blend the
 * edges of shapes (and round the page size), but nothing else. *compared gets how many were looked
 * at. */
static long flat_differ(PIX *got, PIX *want, long *compared)
{
	PIX *a = pixConvertTo32(got), *b = pixConvertTo32(want);
	int w = pixGetWidth(b), h = pixGetHeight(b);
	long n = 0;

	assert_non_null(a);
	assert_non_null(b);
	/* 595.68 pt at 150 dpi may come out 1242 pixels wide, not 1241. */
	assert_true(abs(pixGetWidth(a) - w) <= 1);
	assert_true(abs(pixGetHeight(a) - h) <= 1);
	if (pixGetWidth(a) < w)
		w = pixGetWidth(a);
	if (pixGetHeight(a) < h)
		h = pixGetHeight(a);
	*compared = 0;
	for (int y = 1; y < h - 1; y++)
		for (int x = 1; x < w - 1; x++) {
			l_uint32 u, v, nb;
			int flat = 1, r1, g1, b1, r2, g2, b2;

			pixGetPixel(b, x, y, &v);
			for (int dy = -1; dy <= 1 && flat; dy++)
				for (int dx = -1; dx <= 1 && flat; dx++) {
					pixGetPixel(b, x + dx, y + dy, &nb);
					flat = (nb >> 8) == (v >> 8);
				}
			if (!flat)
				continue;
			(*compared)++;
			pixGetPixel(a, x, y, &u);
			extractRGBValues(u, &r1, &g1, &b1);
			extractRGBValues(v, &r2, &g2, &b2);
			n += abs(r1 - r2) > 2 || abs(g1 - g2) > 2 ||
			     abs(b1 - b2) > 2;
		}
	pixDestroy(&a);
	pixDestroy(&b);
	return n;
}

static void check_render(const char *path, PIX *want, int page)
{
	PIX *got = pixRead(path);
	long bad, compared, total;

	assert_non_null(got);
	total = (long)pixGetWidth(want) * pixGetHeight(want);
	bad = flat_differ(got, want, &compared);
	if (bad)
		print_error("%s, page %d: %ld of %ld pixels differ\n", path,
			    page, bad, compared);
	assert_int_equal(bad, 0);
	assert_true(compared > total / 2);
	pixDestroy(&got);
}

/* What a reader sees at the image's own resolution is the image: upright,
 * not mirrored, and no trace of the invisible text (whose glyphs are boxes
 * over the words: painted, they would blacken the white above the ink). */
static void check_rendering(struct scratch *s, const char *pdf,
			    struct page pg[3])
{
	for (int i = 0; i < 3; i++) {
		char prefix[4200], name[32];

		snprintf(prefix, sizeof(prefix), "%s", join(s, "render"));
		assert_int_equal(run(s, NULL,
				     "pdftoppm -r %d -f %d -l %d %s '%s' '%s'",
				     pg[i].dpi, i + 1, i + 1,
				     i == 1 ? "" : "-gray", pdf, prefix),
				 0);
		snprintf(name, sizeof(name), "render-%d.%s", i + 1,
			 i == 1 ? "ppm" : "pgm");
		check_render(join(s, name), pg[i].pix, i + 1);
	}
	if (have("mutool")) {
		for (int i = 0; i < 3; i++) {
			assert_int_equal(run(s, NULL,
					     "mutool draw -q -r %d -c %s -o "
					     "'%s' '%s' %d 2>/dev/null",
					     pg[i].dpi, i == 1 ? "rgb" : "gray",
					     join(s, "mu.pnm"), pdf, i + 1),
					 0);
			check_render(join(s, "mu.pnm"), pg[i].pix, i + 1);
		}
	}
}

static void check_xmp(struct scratch *s, const unsigned char *pdf, size_t len)
{
	const unsigned char *b = find(pdf, len,
				      "<?xpacket begin=\"\xef\xbb\xbf\""),
			    *e;
	FILE *f;

	assert_non_null(b);
	e = find(b, len - (size_t)(b - pdf), "<?xpacket end=\"w\"?>");
	assert_non_null(e);
	e += strlen("<?xpacket end=\"w\"?>");
#define HAS(str) assert_non_null(find(b, (size_t)(e - b), str))
	HAS("<pdfaid:part>2</pdfaid:part>");
	HAS("<pdfaid:conformance>B</pdfaid:conformance>");
	HAS("<rdf:li xml:lang=\"x-default\">Giấy khai sinh &lt;bản "
	    "sao&gt;</rdf:li>");
	HAS("<rdf:li>vi</rdf:li>");
	HAS("<xmp:CreateDate>2026-11-28T07:32:33Z</xmp:CreateDate>");
	HAS("<xmp:MetadataDate>2026-11-28T07:32:33Z</xmp:MetadataDate>");
	HAS("<pdf:Producer>certcopy 0.1.0</pdf:Producer>");
	HAS("<xmp:CreatorTool>certcopy</xmp:CreatorTool>");
	HAS("Converted from a paper original by UBND phường Hàng Bạc &amp; "
	    "đối tác (Fujitsu fi-7160 (ADF)) on 2026-11-28T07:32:33Z");
	HAS("<cc:ConvertedFromPaper>True</cc:ConvertedFromPaper>");
	HAS("<cc:ConvertedBy>UBND phường Hàng Bạc &amp; đối "
	    "tác</cc:ConvertedBy>");
	HAS("<pdfaSchema:namespaceURI>" CC_PDF_XMP_NS
	    "</pdfaSchema:namespaceURI>");
	HAS("<pdfaProperty:name>ConvertedFromPaper</pdfaProperty:name>");
#undef HAS
	/* Well-formed XML, by a parser of its own. */
	if (!have("python3"))
		return;
	f = fopen(join(s, "xmp.xml"), "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, (size_t)(e - b), f), (size_t)(e - b));
	assert_int_equal(fclose(f), 0);
	assert_int_equal(run(s, NULL,
			     "python3 -c 'import sys, xml.dom.minidom as m; "
			     "m.parse(sys.argv[1])' '%s'",
			     join(s, "xmp.xml")),
			 0);
}

/* ---- tests ---- */

static void test_three_pages(void **state)
{
	struct scratch *s = *state;
	struct page pg[3];
	char pdf[4200];
	unsigned char *data;
	size_t len;

	NEED("qpdf");
	NEED("pdfinfo");
	NEED("pdftotext");
	NEED("pdfimages");
	NEED("pdffonts");
	NEED("pdftoppm");
	make_pages(pg);
	snprintf(pdf, sizeof(pdf), "%s", join(s, "copy.pdf"));
	write_doc(pdf, pg);

	data = slurp(pdf, &len);
	check_xref(data, len);
	check_xmp(s, data, len);
	free(data);
	check_qpdf(s, pdf);
	check_pdfinfo(s, pdf, pg);
	check_text(s, pdf, 1, lines1);
	check_text(s, pdf, 2, expect2);
	check_text(s, pdf, 3, lines3);
	check_fonts(s, pdf);
	check_images(s, pdf, pg);
	check_pixels(s, pdf, pg);
	check_rendering(s, pdf, pg);
	free_pages(pg);
}

static void test_same_input_same_bytes(void **state)
{
	struct scratch *s = *state;
	struct page pg[3];
	char a[4200], b[4200];
	unsigned char *da, *db;
	size_t la, lb;

	make_pages(pg);
	snprintf(a, sizeof(a), "%s", join(s, "a.pdf"));
	snprintf(b, sizeof(b), "%s", join(s, "b.pdf"));
	write_doc(a, pg);
	/* lcms stamps its profile with the time: let a second pass. */
	sleep(1);
	write_doc(b, pg);
	da = slurp(a, &la);
	db = slurp(b, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(da, db, la);
	free(db);

	/* Another page, another /ID. */
	pixSetPixel(pg[0].pix, 600, 900, 7);
	write_doc(b, pg);
	db = slurp(b, &lb);
	assert_true(la != lb || memcmp(da, db, la));
	assert_memory_not_equal(find(da, la, "/ID [<"), find(db, lb, "/ID [<"),
				40);
	free(da);
	free(db);
	free_pages(pg);
}

/* The first rows of "pdfimages -list": colour, bits per component and
 * encoding of each image. */
static int image_rows(const char *out, char color[][16], int bpc[],
		      char enc[][16], int max)
{
	const char *line = strchr(out, '\n');
	int n = 0;

	line = line ? strchr(line + 1, '\n') : NULL;
	while (line && line[1] && n < max) {
		int w, h, comp;

		if (sscanf(line + 1, "%*d %*d %*s %d %d %15s %d %d %15s", &w,
			   &h, color[n], &comp, &bpc[n], enc[n]) != 6)
			break;
		n++;
		line = strchr(line + 1, '\n');
	}
	return n;
}

/* Colormapped and odd-depth pages are stored as gray or RGB. */
static void test_other_depths(void **state)
{
	struct scratch *s = *state;
	struct cc_error err = {0, ""};
	struct cc_pdf_writer *w;
	PIXCMAP *cmap = pixcmapCreate(4);
	PIX *c4 = pixCreate(300, 200, 4), *g2 = pixCreate(301, 200, 2);
	char *out, color[4][16], enc[4][16];
	int bpc[4], fd;

	NEED("pdfimages");
	NEED("qpdf");
	NEED("pdffonts");
	assert_non_null(c4);
	assert_non_null(g2);
	pixcmapAddColor(cmap, 255, 255, 255);
	pixcmapAddColor(cmap, 200, 0, 0);
	pixSetColormap(c4, cmap);
	for (int y = 10; y < 60; y++)
		for (int x = 10; x < 110; x++) {
			pixSetPixel(c4, x, y, 1);
			pixSetPixel(g2, x, y, 2);
		}

	fd = open(join(s, "depths.pdf"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	w = cc_pdf_writer_open(fd, "depths.pdf", &meta, &err);
	assert_non_null(w);
	assert_int_equal(cc_pdf_writer_add_page(w, c4, 72, NULL, 0, &err),
			 CC_OK);
	assert_int_equal(cc_pdf_writer_add_page(w, g2, 72, NULL, 0, &err),
			 CC_OK);
	assert_int_equal(cc_pdf_writer_close(w, &err), CC_OK);
	close(fd);
	assert_int_equal(
		run(s, &out, "pdfimages -list '%s'", join(s, "depths.pdf")), 0);
	assert_int_equal(image_rows(out, color, bpc, enc, 4), 2);
	assert_string_equal(color[0], "rgb");
	assert_string_equal(color[1], "gray");
	assert_int_equal(bpc[0], 8);
	assert_int_equal(bpc[1], 8);
	assert_string_equal(enc[0], "image");
	free(out);
	check_qpdf(s, join(s, "depths.pdf"));
	/* No text: no font at all. */
	assert_int_equal(run(s, &out, "pdffonts '%s'", join(s, "depths.pdf")),
			 0);
	assert_null(strstr(out, "CertcopyGlyphless"));
	free(out);
	pixDestroy(&c4);
	pixDestroy(&g2);
}

static void test_bad_input(void **state)
{
	struct scratch *s = *state;
	struct cc_error err = {0, ""};
	struct cc_pdf_meta m = meta;
	struct cc_pdf_writer *w;
	PIX *pix = pixCreate(100, 100, 8), *huge = pixCreate(30000, 10, 1);
	int fd = open(join(s, "bad.pdf"), O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_non_null(pix);
	assert_non_null(huge);
	m.created = NULL;
	assert_null(cc_pdf_writer_open(fd, "bad.pdf", &m, &err));
	assert_int_equal(err.code, CC_USAGE);
	m.created = "28/11/2026 07:32";
	assert_null(cc_pdf_writer_open(fd, "bad.pdf", &m, &err));
	assert_int_equal(err.code, CC_USAGE);
	assert_non_null(strstr(err.msg, "'28/11/2026 07:32'"));
	m.created = "2026-13-28T07:32:33Z";
	assert_null(cc_pdf_writer_open(fd, "bad.pdf", &m, &err));
	m = meta;
	m.lang = "vi\") /JS (";
	assert_null(cc_pdf_writer_open(fd, "bad.pdf", &m, &err));
	assert_int_equal(err.code, CC_USAGE);
	assert_null(cc_pdf_writer_open(fd, "bad.pdf", NULL, &err));

	/* An offset and fractions of a second are fine. */
	m = meta;
	m.created = "2026-11-28T14:32:33.250+07:00";
	w = cc_pdf_writer_open(fd, "bad.pdf", &m, &err);
	assert_non_null(w);
	/* A page the writer refuses leaves it usable. */
	assert_int_equal(cc_pdf_writer_add_page(w, pix, 0, NULL, 0, &err),
			 CC_INPUT);
	assert_non_null(strstr(err.msg, "'bad.pdf'"));
	assert_int_equal(cc_pdf_writer_add_page(w, huge, 1, NULL, 0, &err),
			 CC_INPUT);
	assert_non_null(strstr(err.msg, "14400"));
	assert_int_equal(cc_pdf_writer_add_page(w, NULL, 300, NULL, 0, &err),
			 CC_USAGE);
	assert_int_equal(cc_pdf_writer_add_page(w, pix, 72, NULL, 0, &err),
			 CC_OK);
	assert_int_equal(cc_pdf_writer_close(w, &err), CC_OK);
	close(fd);
	if (have("qpdf")) {
		char *out;

		check_qpdf(s, join(s, "bad.pdf"));
		assert_int_equal(
			run(s, &out, "pdfinfo '%s'", join(s, "bad.pdf")), 0);
		assert_non_null(strstr(out, "Pages:           1\n"));
		assert_non_null(strstr(out, "Page size:       100 x 100 pts"));
		free(out);
	}
	{
		size_t len;
		unsigned char *data = slurp(join(s, "bad.pdf"), &len);

		assert_non_null(find(data, len,
				     "/CreationDate "
				     "(D:20261128143233+07'00')"));
		assert_non_null(find(data, len,
				     "<xmp:CreateDate>2026-11-28T"
				     "14:32:33+07:00</xmp:"
				     "CreateDate>"));
		free(data);
	}

	/* No pages: nothing to close. */
	w = cc_pdf_writer_open(-1, "empty.pdf", &meta, &err);
	assert_non_null(w);
	assert_int_equal(cc_pdf_writer_close(w, &err), CC_INPUT);
	cc_pdf_writer_abort(NULL);
	w = cc_pdf_writer_open(-1, "aborted.pdf", &meta, &err);
	cc_pdf_writer_abort(w);
	pixDestroy(&pix);
	pixDestroy(&huge);
}

/* A 5000-letter word (more than one PDF string may hold under PDF/A) and
 * more characters beyond the BMP than there are CIDs for them: the excess
 * becomes U+FFFD, the rest comes back as it was. The page is wide enough
 * that glyphs stay 0.1 em apart, or pdftotext would drop repeated ones as
 * overprinting. */
static void test_text_limits(void **state)
{
	struct scratch *s = *state;
	struct cc_error err = {0, ""};
	struct cc_pdf_writer *w;
	struct cc_pdf_word words[2];
	PIX *pix = pixCreate(11000, 300, 8);
	char *longword = malloc(5001), *wide = malloc(4 * 2100 + 1), *out;
	size_t n = 0, fffd = 0, hits = 0;
	int fd;

	NEED("pdftotext");
	NEED("qpdf");
	assert_non_null(pix);
	assert_non_null(longword);
	assert_non_null(wide);
	pixSetAll(pix);
	for (int i = 0; i < 5000; i++)
		longword[i] = (char)('a' + i % 26);
	longword[5000] = '\0';
	for (uint32_t c = 0x20000; c < 0x20000 + 2100; c++) {
		wide[n++] = (char)(0xf0 | c >> 18);
		wide[n++] = (char)(0x80 | ((c >> 12) & 0x3f));
		wide[n++] = (char)(0x80 | ((c >> 6) & 0x3f));
		wide[n++] = (char)(0x80 | (c & 0x3f));
	}
	wide[n] = '\0';
	words[0] = (struct cc_pdf_word){10, 10, 10990, 50, 45, 0, longword};
	words[1] = (struct cc_pdf_word){10, 200, 10990, 240, 235, 1, wide};

	fd = open(join(s, "limits.pdf"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	w = cc_pdf_writer_open(fd, "limits.pdf", &meta, &err);
	assert_non_null(w);
	assert_int_equal(cc_pdf_writer_add_page(w, pix, 100, words, 2, &err),
			 CC_OK);
	assert_int_equal(cc_pdf_writer_close(w, &err), CC_OK);
	close(fd);
	check_qpdf(s, join(s, "limits.pdf"));
	assert_int_equal(run(s, &out, "pdftotext -enc UTF-8 '%s' -",
			     join(s, "limits.pdf")),
			 0);
	assert_non_null(strstr(out, longword));
	/* The first 2048 distinct characters come back, in order. */
	assert_non_null(strstr(out, "\xf0\xa0\x80\x80\xf0\xa0\x80\x81"));
	for (const char *p = out; (p = strstr(p, "\xef\xbf\xbd")); p += 3)
		fffd++;
	for (const char *p = out; (p = strstr(p, "\xf0\xa0")); p += 4)
		hits++;
	assert_int_equal(fffd, 2100 - 2048);
	assert_int_equal(hits, 2048);
	free(out);
	free(longword);
	free(wide);
	pixDestroy(&pix);
}

/* Write one page to fd; the error, at add_page or at the latest close. */
static int write_one(int fd, const char *name, struct cc_error *err)
{
	PIX *pix = pixCreate(1240, 1754, 8);
	struct cc_pdf_writer *w = cc_pdf_writer_open(fd, name, &meta, err);
	int rc;

	assert_non_null(pix);
	assert_non_null(w);
	/* Noise, so that the page does not fit the output buffer. */
	for (int y = 0; y < 1754; y++)
		for (int x = 0; x < 1240; x++)
			pixSetPixel(pix, x, y,
				    (l_uint32)((x * 7919 ^ y * 104729) & 255));
	rc = cc_pdf_writer_add_page(w, pix, 150, NULL, 0, err);
	if (rc == CC_OK)
		rc = cc_pdf_writer_close(w, err);
	else
		/* A failed writer still closes, with the same error. */
		assert_int_equal(cc_pdf_writer_close(w, err), rc);
	pixDestroy(&pix);
	return rc;
}

static void test_write_failures(void **state)
{
	struct cc_error err = {0, ""};
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	int p[2], fd;

	(void)state;
	/* A reader that went away. */
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	assert_int_equal(write_one(p[1], "pipe.pdf", &err), CC_SYSTEM);
	assert_int_equal(err.code, CC_SYSTEM);
	assert_non_null(strstr(err.msg, "cannot write 'pipe.pdf': "));
	assert_non_null(strstr(err.msg, strerror(EPIPE)));
	close(p[1]);
	signal(SIGPIPE, old);

	/* A descriptor that is not open. */
	assert_int_equal(write_one(-1, "bad-fd.pdf", &err), CC_SYSTEM);
	assert_string_equal(err.msg, "cannot write 'bad-fd.pdf': Bad file "
				     "descriptor");

	/* A full disk. */
	fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		assert_int_equal(write_one(fd, "full.pdf", &err), CC_SYSTEM);
		assert_non_null(strstr(err.msg, strerror(ENOSPC)));
		close(fd);
	}
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, scratch_teardown)
	const struct CMUnitTest tests[] = {
		T(test_three_pages),  T(test_same_input_same_bytes),
		T(test_other_depths), T(test_text_limits),
		T(test_bad_input),    T(test_write_failures),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
