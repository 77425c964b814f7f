/*
 * test-image.c - the page decoders on images made here: binary PNM written
 * byte by byte, PNG, JPEG and TIFF written by Leptonica, and hand-built
 * headers that lie about their size or stop early. Pixels, flags and
 * resolution are checked on the way in; broken input must be CC_INPUT.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <allheaders.h>

#include "scratch.h"
#include "image.h"

/* Decode the first page of data; returns the status, *pix NULL on error. */
static int first_page(const void *data, size_t len, PIX **pix,
		      struct cc_page_info *info, struct cc_error *err)
{
	struct cc_image *img = cc_image_open_mem(data, len, "t.img", err);
	int rc;

	*pix = NULL;
	if (!img)
		return err->code;
	rc = cc_image_next(img, pix, info, err);
	cc_image_close(img);
	return rc;
}

/* Assert that data fails with CC_INPUT and a message containing what. */
static void expect_input_error(const void *data, size_t len, const char *what)
{
	struct cc_error err = {0, ""};
	struct cc_page_info info;
	PIX *pix;

	assert_int_equal(first_page(data, len, &pix, &info, &err), CC_INPUT);
	assert_null(pix);
	assert_int_equal(err.code, CC_INPUT);
	assert_non_null(strstr(err.msg, "'t.img'"));
	if (what && !strstr(err.msg, what))
		fail_msg("'%s' not in \"%s\"", what, err.msg);
}

static unsigned gray_at(PIX *pix, int x, int y)
{
	l_uint32 v = 0;

	assert_int_equal(pixGetPixel(pix, x, y, &v), 0);
	return v;
}

static void rgb_at(PIX *pix, int x, int y, int *r, int *g, int *b)
{
	extractRGBValues(gray_at(pix, x, y), r, g, b);
}

/* An 8 bpp page of noise (incompressible) or of two flat halves. */
static PIX *make_gray(int w, int h, int noise)
{
	PIX *pix = pixCreate(w, h, 8);
	uint32_t seed = 12345;

	assert_non_null(pix);
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			l_uint32 v = x < w / 2 ? 40 : 220;

			seed = seed * 1103515245 + 12345;
			pixSetPixel(pix, x, y, noise ? seed >> 24 : v);
		}
	}
	pixSetResolution(pix, 300, 300);
	return pix;
}

static void test_pgm(void **state)
{
	static const unsigned char pgm[] = "P5\n# a comment\n3 2\n255\n"
					   "\x00\x80\xff\x0a\x14\x1e";
	struct cc_error err = {0, ""};
	struct cc_image *img =
		cc_image_open_mem(pgm, sizeof(pgm) - 1, "a.pgm", &err);
	struct cc_page_info info;
	PIX *pix;

	(void)state;
	assert_non_null(img);
	assert_string_equal(cc_image_format(img), "pnm");
	assert_string_equal(cc_image_name(img), "a.pgm");
	assert_int_equal(cc_image_next(img, &pix, &info, &err), CC_OK);
	assert_non_null(pix);
	assert_int_equal(pixGetDepth(pix), 8);
	assert_int_equal(info.width, 3);
	assert_int_equal(info.height, 2);
	assert_int_equal(info.bilevel, 0);
	assert_int_equal(info.color, 0);
	assert_int_equal(info.xres, 0);
	assert_int_equal(gray_at(pix, 0, 0), 0);
	assert_int_equal(gray_at(pix, 1, 0), 128);
	assert_int_equal(gray_at(pix, 2, 0), 255);
	assert_int_equal(gray_at(pix, 2, 1), 30);
	pixDestroy(&pix);
	/* One page only: then NULL, and NULL again. */
	assert_int_equal(cc_image_next(img, &pix, &info, &err), CC_OK);
	assert_null(pix);
	assert_int_equal(cc_image_next(img, &pix, &info, &err), CC_OK);
	assert_null(pix);
	cc_image_close(img);
}

static void test_pgm_maxval_scaling(void **state)
{
	/* 16-bit big-endian samples, maxval 4095 and 65535; 8-bit maxval 15. */
	static const unsigned char p12[] = "P5 3 1 4095\n"
					   "\x00\x00\x08\x00\x0f\xff";
	static const unsigned char p16[] = "P5 3 1 65535\n"
					   "\x00\x00\x80\x00\xff\xff";
	static const unsigned char p4[] = "P5 2 1 15\n\x05\x0f";
	struct cc_error err = {0, ""};
	struct cc_page_info info;
	PIX *pix;

	(void)state;
	assert_int_equal(first_page(p12, sizeof(p12) - 1, &pix, &info, &err),
			 CC_OK);
	assert_int_equal(gray_at(pix, 0, 0), 0);
	assert_int_equal(gray_at(pix, 1, 0), 128);
	assert_int_equal(gray_at(pix, 2, 0), 255);
	pixDestroy(&pix);
	assert_int_equal(first_page(p16, sizeof(p16) - 1, &pix, &info, &err),
			 CC_OK);
	assert_int_equal(gray_at(pix, 1, 0), 128);
	assert_int_equal(gray_at(pix, 2, 0), 255);
	pixDestroy(&pix);
	assert_int_equal(first_page(p4, sizeof(p4) - 1, &pix, &info, &err),
			 CC_OK);
	assert_int_equal(gray_at(pix, 0, 0), 85);
	assert_int_equal(gray_at(pix, 1, 0), 255);
	pixDestroy(&pix);
}

static void test_ppm_and_pbm(void **state)
{
	static const unsigned char ppm[] = "P6 2 2 255\n"
					   "\xff\x00\x00\x00\xff\x00"
					   "\x00\x00\xff\x0a\x14\x1e";
	/* 10 pixels a row, 2 bytes: black at x = 0, 2, 9; then all white. */
	static const unsigned char pbm[] = "P4\n10 2\n\xa0\x40\x00\x00";
	struct cc_error err = {0, ""};
	struct cc_page_info info;
	PIX *pix;
	int r, g, b;

	(void)state;
	assert_int_equal(first_page(ppm, sizeof(ppm) - 1, &pix, &info, &err),
			 CC_OK);
	assert_int_equal(pixGetDepth(pix), 32);
	assert_int_equal(info.color, 1);
	assert_int_equal(info.bilevel, 0);
	rgb_at(pix, 0, 0, &r, &g, &b);
	assert_true(r == 255 && g == 0 && b == 0);
	rgb_at(pix, 1, 0, &r, &g, &b);
	assert_true(r == 0 && g == 255 && b == 0);
	rgb_at(pix, 0, 1, &r, &g, &b);
	assert_true(r == 0 && g == 0 && b == 255);
	rgb_at(pix, 1, 1, &r, &g, &b);
	assert_true(r == 10 && g == 20 && b == 30);
	pixDestroy(&pix);

	assert_int_equal(first_page(pbm, sizeof(pbm) - 1, &pix, &info, &err),
			 CC_OK);
	assert_int_equal(pixGetDepth(pix), 8);
	assert_int_equal(info.bilevel, 1);
	assert_int_equal(info.color, 0);
	assert_int_equal(info.width, 10);
	for (int x = 0; x < 10; x++) {
		int black = x == 0 || x == 2 || x == 9;

		assert_int_equal(gray_at(pix, x, 0), black ? 0 : 255);
		assert_int_equal(gray_at(pix, x, 1), 255);
	}
	pixDestroy(&pix);
}

static void test_png(void **state)
{
	struct cc_error err = {0, ""};
	struct cc_page_info info;
	l_uint8 *data = NULL;
	size_t len = 0;
	PIX *src = make_gray(40, 30, 0), *rgba, *pix;
	int r, g, b;

	(void)state;
	assert_int_equal(pixWriteMem(&data, &len, src, IFF_PNG), 0);
	assert_int_equal(first_page(data, len, &pix, &info, &err), CC_OK);
	assert_int_equal(info.width, 40);
	assert_int_equal(info.height, 30);
	assert_int_equal(info.xres, 300);
	assert_int_equal(info.yres, 300);
	assert_int_equal(pixGetXRes(pix), 300);
	assert_int_equal(info.color, 0);
	assert_int_equal(gray_at(pix, 0, 0), 40);
	assert_int_equal(gray_at(pix, 39, 29), 220);
	pixDestroy(&pix);
	lept_free(data);

	/* 16-bit samples scale like those of a 16-bit PGM (no gAMA chunk:
	 * taken as gamma-encoded, as scanners write them, not linear). */
	{
		static const unsigned v16[] = {0, 16384, 32768, 65535};
		static const unsigned v8[] = {0, 64, 128, 255};
		PIX *p16 = pixCreate(4, 1, 16);

		for (int x = 0; x < 4; x++)
			pixSetPixel(p16, x, 0, v16[x]);
		assert_int_equal(pixWriteMem(&data, &len, p16, IFF_PNG), 0);
		assert_int_equal(first_page(data, len, &pix, &info, &err),
				 CC_OK);
		for (int x = 0; x < 4; x++)
			assert_int_equal(gray_at(pix, x, 0), v8[x]);
		pixDestroy(&pix);
		pixDestroy(&p16);
		lept_free(data);
	}

	/* RGBA: transparency is laid on white paper. */
	rgba = pixCreate(2, 1, 32);
	pixSetSpp(rgba, 4);
	pixSetPixel(rgba, 0, 0, 0xff0000ff); /* opaque red */
	pixSetPixel(rgba, 1, 0, 0x00000000); /* transparent */
	assert_int_equal(pixWriteMem(&data, &len, rgba, IFF_PNG), 0);
	assert_int_equal(first_page(data, len, &pix, &info, &err), CC_OK);
	assert_int_equal(info.color, 1);
	assert_int_equal(info.xres, 0);
	rgb_at(pix, 0, 0, &r, &g, &b);
	assert_true(r == 255 && g == 0 && b == 0);
	rgb_at(pix, 1, 0, &r, &g, &b);
	assert_true(r == 255 && g == 255 && b == 255);
	pixDestroy(&pix);
	pixDestroy(&rgba);
	pixDestroy(&src);
	lept_free(data);
}

static void test_jpeg(void **state)
{
	struct cc_error err = {0, ""};
	struct cc_page_info info;
	l_uint8 *data = NULL;
	size_t len = 0;
	PIX *src = make_gray(64, 32, 0), *pix;

	(void)state;
	assert_int_equal(pixWriteMem(&data, &len, src, IFF_JFIF_JPEG), 0);
	assert_int_equal(first_page(data, len, &pix, &info, &err), CC_OK);
	assert_int_equal(info.width, 64);
	assert_int_equal(info.color, 0);
	assert_int_equal(info.xres, 300);
	/* Flat 8x8 blocks survive JPEG almost exactly. */
	assert_in_range(gray_at(pix, 4, 4), 37, 43);
	assert_in_range(gray_at(pix, 60, 28), 217, 223);
	pixDestroy(&pix);
	pixDestroy(&src);
	lept_free(data);
}

static void test_tiff_pages(void **state)
{
	struct cc_error err = {0, ""};
	struct cc_page_info info;
	struct cc_image *img;
	l_uint8 *data = NULL;
	size_t len = 0;
	PIXA *pixa = pixaCreate(2);
	PIX *gray = make_gray(40, 30, 0), *bw = pixCreate(20, 10, 1), *pix,
	    *rgb;
	int r, g, b;

	(void)state;
	pixSetPixel(bw, 3, 4, 1); /* one black pixel */
	pixSetResolution(bw, 200, 200);
	pixaAddPix(pixa, gray, L_INSERT);
	pixaAddPix(pixa, bw, L_INSERT);
	assert_int_equal(pixaWriteMemMultipageTiff(&data, &len, pixa), 0);
	img = cc_image_open_mem(data, len, "two.tif", &err);
	assert_non_null(img);
	assert_string_equal(cc_image_format(img), "tiff");

	assert_int_equal(cc_image_next(img, &pix, &info, &err), CC_OK);
	assert_non_null(pix);
	assert_int_equal(info.width, 40);
	assert_int_equal(info.xres, 300);
	assert_int_equal(info.bilevel, 0);
	assert_int_equal(info.color, 0);
	assert_int_equal(gray_at(pix, 1, 1), 40);
	assert_int_equal(gray_at(pix, 30, 1), 220);
	pixDestroy(&pix);

	assert_int_equal(cc_image_next(img, &pix, &info, &err), CC_OK);
	assert_non_null(pix);
	assert_int_equal(info.width, 20);
	assert_int_equal(info.xres, 200);
	assert_int_equal(info.bilevel, 1);
	assert_int_equal(gray_at(pix, 3, 4), 0);
	assert_int_equal(gray_at(pix, 4, 4), 255);
	pixDestroy(&pix);

	assert_int_equal(cc_image_next(img, &pix, &info, &err), CC_OK);
	assert_null(pix);
	cc_image_close(img);
	pixaDestroy(&pixa);
	lept_free(data);

	/* An RGB page, LZW this time. */
	rgb = pixCreate(8, 8, 32);
	pixSetAllArbitrary(rgb, 0x0a141e00);
	assert_int_equal(pixWriteMemTiff(&data, &len, rgb, IFF_TIFF_LZW), 0);
	assert_int_equal(first_page(data, len, &pix, &info, &err), CC_OK);
	assert_int_equal(info.color, 1);
	assert_int_equal(pixGetDepth(pix), 32);
	rgb_at(pix, 7, 7, &r, &g, &b);
	assert_true(r == 10 && g == 20 && b == 30);
	pixDestroy(&pix);
	pixDestroy(&rgb);
	lept_free(data);
}

/* ---- hand-built files ---- */

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

/* A little-endian 8-bit gray TIFF at 200 dpi whose directory comes before
 * its one strip, so a cut inside the strip leaves the directory whole.
 * Returns the file's length; buf holds 174 + striplen bytes. */
static size_t make_tiff(unsigned char *buf, uint32_t w, uint32_t h,
			unsigned compression, const unsigned char *strip,
			uint32_t striplen)
{
	/* Types: 3 SHORT, 4 LONG, 5 RATIONAL (value: its offset). */
	const struct {
		unsigned tag, type;
		uint32_t val;
	} e[] = {
		{256, 4, w},	       /* ImageWidth */
		{257, 4, h},	       /* ImageLength */
		{258, 3, 8},	       /* BitsPerSample */
		{259, 3, compression}, /* Compression */
		{262, 3, 1},	       /* Photometric: min-is-black */
		{273, 4, 174},	       /* StripOffsets */
		{277, 3, 1},	       /* SamplesPerPixel */
		{278, 4, h},	       /* RowsPerStrip */
		{279, 4, striplen},    /* StripByteCounts */
		{282, 5, 158},	       /* XResolution */
		{283, 5, 166},	       /* YResolution */
		{296, 3, 2},	       /* ResolutionUnit: inch */
	};
	unsigned char *p = buf + 10;

	memcpy(buf, "II*\0\x08\0\0\0", 8);
	put16(buf + 8, 12);
	for (int i = 0; i < 12; i++, p += 12) {
		put16(p, e[i].tag);
		put16(p + 2, e[i].type);
		put32(p + 4, 1);
		put32(p + 8, e[i].val);
	}
	put32(p, 0); /* no next directory */
	put32(buf + 158, 200);
	put32(buf + 162, 1);
	put32(buf + 166, 200);
	put32(buf + 170, 1);
	memcpy(buf + 174, strip, striplen);
	return 174 + (size_t)striplen;
}

static void test_tiff_hand_built_and_truncated(void **state)
{
	unsigned char strip[64 * 64], buf[174 + sizeof(strip)];
	struct cc_error err = {0, ""};
	struct cc_page_info info;
	size_t len;
	PIX *pix;

	(void)state;
	for (size_t i = 0; i < sizeof(strip); i++)
		strip[i] = (unsigned char)(i % 64 * 4);
	len = make_tiff(buf, 64, 64, 1, strip, sizeof(strip));
	assert_int_equal(first_page(buf, len, &pix, &info, &err), CC_OK);
	assert_int_equal(info.xres, 200);
	assert_int_equal(gray_at(pix, 10, 5), 40);
	assert_int_equal(gray_at(pix, 63, 63), 252);
	pixDestroy(&pix);
	/* The same file cut halfway through its pixels. */
	expect_input_error(buf, 174 + sizeof(strip) / 2, NULL);
	/* A Leptonica TIFF cut in half loses its trailing directory. */
	{
		PIX *src = make_gray(64, 64, 1);
		l_uint8 *data = NULL;

		assert_int_equal(
			pixWriteMemTiff(&data, &len, src, IFF_TIFF_ZIP), 0);
		expect_input_error(data, len / 2, NULL);
		lept_free(data);
		pixDestroy(&src);
	}
}

/* CRC-32 of PNG chunks (ISO 3309), bit by bit: a few bytes only. */
static uint32_t crc32_of(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
	}
	return c ^ 0xffffffffu;
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static unsigned char *png_chunk(unsigned char *p, const char *type,
				const unsigned char *data, uint32_t len)
{
	put_be32(p, len);
	memcpy(p + 4, type, 4);
	if (len)
		memcpy(p + 8, data, len);
	put_be32(p + 8 + len, crc32_of(p + 4, 4 + (size_t)len));
	return p + 12 + len;
}

static void test_too_large_headers(void **state)
{
	static const unsigned char idat[] = {0x78, 0x9c, 0x03, 0x00};
	static const char pnm_huge[] = "P5 100000 100000 255\n\x00\x00\x00";
	static const char pnm_wide[] = "P5 40000 1 255\n\x00\x00\x00";
	static const char pnm_area[] = "P6 20000 20000 255\n\x00\x00\x00";
	unsigned char ihdr[13] = {0}, png[128], tif[200], *p;

	(void)state;
	/* 100000 x 100000, 8-bit gray, no interlace. */
	put_be32(ihdr, 100000);
	put_be32(ihdr + 4, 100000);
	ihdr[8] = 8;
	expect_input_error(pnm_huge, sizeof(pnm_huge) - 1, "too large");
	expect_input_error(pnm_wide, sizeof(pnm_wide) - 1, "too large");
	expect_input_error(pnm_area, sizeof(pnm_area) - 1, "too large");

	memcpy(png, "\x89PNG\r\n\x1a\n", 8);
	p = png_chunk(png + 8, "IHDR", ihdr, sizeof(ihdr));
	p = png_chunk(p, "IDAT", idat, sizeof(idat));
	p = png_chunk(p, "IEND", NULL, 0);
	expect_input_error(png, (size_t)(p - png), "too large");

	/* Deflate, so that libtiff does not cut the one strip into many. */
	expect_input_error(
		tif, make_tiff(tif, 100000, 100000, 8, idat, sizeof(idat)),
		"too large");
}

static void test_truncated_png_and_jpeg(void **state)
{
	PIX *src = make_gray(64, 64, 1);
	l_uint8 *data = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(pixWriteMem(&data, &len, src, IFF_PNG), 0);
	expect_input_error(data, len / 2, NULL);
	lept_free(data);
	assert_int_equal(pixWriteMem(&data, &len, src, IFF_JFIF_JPEG), 0);
	expect_input_error(data, len / 2, NULL);
	/* Only the header left: not even a partial page. */
	expect_input_error(data, 200, NULL);
	lept_free(data);
	pixDestroy(&src);
}

static void test_bad_input(void **state)
{
	struct cc_error err = {0, ""};

	(void)state;
	assert_null(cc_image_open_mem("", 0, "t.img", &err));
	assert_int_equal(err.code, CC_INPUT);
	assert_non_null(strstr(err.msg, "'t.img'"));
	assert_non_null(strstr(err.msg, "empty"));
	assert_null(cc_image_open_mem("hello, world", 12, "t.img", &err));
	assert_int_equal(err.code, CC_INPUT);
	assert_non_null(strstr(err.msg, "not a TIFF"));

	expect_input_error("P2 2 1 255\n0 255\n", 17, "not supported");
	expect_input_error("P1 2 1\n0 1\n", 11, "not supported");
	expect_input_error("P5 2 2 255\n\x01\x02\x03", 14, "truncated");
	expect_input_error("P5 2 2 0\n\x01\x02\x03\x04", 13, "bad PNM header");
	expect_input_error("P5 2 2 70000\n\x01\x02\x03\x04", 17,
			   "bad PNM header");
	expect_input_error("P5 0 2 255\n", 11, "empty image");
	expect_input_error("P5 2", 4, "bad PNM header");
}

static void test_open_file(void **state)
{
	static const char pgm[] = "P5 1 1 255\n\x7f";
	struct cc_error err = {0, ""};
	struct cc_page_info info;
	struct cc_image *img;
	char dir[4096], path[4200], quoted[4300];
	FILE *fp;
	PIX *pix;

	(void)state;
	assert_int_equal(scratch_make(dir, sizeof(dir), "test-image"), 0);
	snprintf(path, sizeof(path), "%s/one.pgm", dir);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	fwrite(pgm, 1, sizeof(pgm) - 1, fp);
	fclose(fp);
	img = cc_image_open(path, &err);
	assert_non_null(img);
	assert_string_equal(cc_image_name(img), path);
	assert_int_equal(cc_image_next(img, &pix, &info, &err), CC_OK);
	assert_int_equal(gray_at(pix, 0, 0), 127);
	pixDestroy(&pix);
	cc_image_close(img);
	unlink(path);

	/* Gone now: a bad input, with the name quoted. */
	assert_null(cc_image_open(path, &err));
	assert_int_equal(err.code, CC_INPUT);
	snprintf(quoted, sizeof(quoted), "'%s'", path);
	assert_non_null(strstr(err.msg, quoted));
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pgm),
		cmocka_unit_test(test_pgm_maxval_scaling),
		cmocka_unit_test(test_ppm_and_pbm),
		cmocka_unit_test(test_png),
		cmocka_unit_test(test_jpeg),
		cmocka_unit_test(test_tiff_pages),
		cmocka_unit_test(test_tiff_hand_built_and_truncated),
		cmocka_unit_test(test_too_large_headers),
		cmocka_unit_test(test_truncated_png_and_jpeg),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_open_file),
	};

	setMsgSeverity(L_SEVERITY_NONE); /* Leptonica stays quiet */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
