/*
 * test-tiffwriter.c - the scan format, read back with libtiff alone: one
 * directory a page, lossless compression by depth, resolution in inches,
 * samples equal to the page's pixels, and each page's SHA-256 recomputable
 * from TIFFReadScanline as tiffwriter.h promises.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>
#include <unistd.h>

#include <allheaders.h>

#include "scratch.h"
#include "digest.h"
#include "tiffwriter.h"

struct scratch {
	char dir[4096];
	char path[4200];
	int fd;
};

static int setup(void **state)
{
	struct scratch *s = calloc(1, sizeof(*s));

	if (!s)
		return -1;
	if (scratch_make(s->dir, sizeof(s->dir), "test-tiffwriter")) {
		free(s);
		return -1;
	}
	snprintf(s->path, sizeof(s->path), "%s/scan.tif", s->dir);
	s->fd = open(s->path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (s->fd < 0) {
		rmdir(s->dir);
		free(s);
		return -1;
	}
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct scratch *s = *state;

	close(s->fd);
	unlink(s->path);
	rmdir(s->dir);
	free(s);
	return 0;
}

/* The test pages: a gradient, a colour pattern, and a bilevel checker
 * whose width is not a multiple of 8. */
static PIX *make_page(int depth)
{
	int w = depth == 1 ? 37 : depth == 8 ? 50 : 33, h = 21;
	PIX *pix = pixCreate(w, h, depth);

	assert_non_null(pix);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			l_uint32 v;

			if (depth == 1)
				v = (l_uint32)(x / 3 + y / 2) % 2;
			else if (depth == 8)
				v = (l_uint32)(x * 5 + y) % 256;
			else
				composeRGBPixel(x * 7, y * 11, (x * y) % 256,
						&v);
			pixSetPixel(pix, x, y, v);
		}
	if (depth == 1) {
		/* Dirty the pad bits after x = 36 in every row: they are not
		 * pixels and must not reach the file or the digest. */
		l_uint32 *data = pixGetData(pix);

		for (int y = 0; y < h; y++)
			data[(size_t)y * pixGetWpl(pix) + 1] |= 0x07ffffff;
	}
	return pix;
}

/* The sample bytes a row of pix should have in the file. */
static void expected_row(PIX *pix, int y, unsigned char *row)
{
	int w = pixGetWidth(pix), depth = pixGetDepth(pix);
	l_uint32 v;

	if (depth == 1)
		memset(row, 0, (size_t)(w + 7) / 8);
	for (int x = 0; x < w; x++) {
		pixGetPixel(pix, x, y, &v);
		if (depth == 1) {
			if (v)
				row[x / 8] |= (unsigned char)(0x80 >> (x % 8));
		} else if (depth == 8) {
			row[x] = (unsigned char)v;
		} else {
			int r, g, b;

			extractRGBValues(v, &r, &g, &b);
			row[3 * x] = (unsigned char)r;
			row[3 * x + 1] = (unsigned char)g;
			row[3 * x + 2] = (unsigned char)b;
		}
	}
}

/* Check the current directory of tif against pix, dpi and sha. */
static void check_page(TIFF *tif, PIX *pix, int dpi,
		       const unsigned char sha[CC_SHA256_LEN])
{
	int depth = pixGetDepth(pix);
	uint32_t w = 0, h = 0;
	uint16_t comp = 0, photo = 0, bps = 0, spp = 0, unit = 0;
	float xres = 0, yres = 0;
	unsigned char row[4096], want[4096], got_sha[CC_SHA256_LEN];
	struct cc_sha256 *md = cc_sha256_new();
	tmsize_t rowbytes;

	assert_true(TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &w));
	assert_true(TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &h));
	assert_int_equal(w, pixGetWidth(pix));
	assert_int_equal(h, pixGetHeight(pix));
	assert_true(TIFFGetField(tif, TIFFTAG_COMPRESSION, &comp));
	assert_true(TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &photo));
	assert_true(TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &bps));
	assert_true(TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &spp));
	if (depth == 1) {
		assert_int_equal(comp, COMPRESSION_CCITTFAX4);
		assert_int_equal(photo, PHOTOMETRIC_MINISWHITE);
		assert_int_equal(bps, 1);
	} else {
		assert_int_equal(comp, COMPRESSION_ADOBE_DEFLATE);
		assert_int_equal(photo, depth == 8 ? PHOTOMETRIC_MINISBLACK
						   : PHOTOMETRIC_RGB);
		assert_int_equal(bps, 8);
	}
	assert_int_equal(spp, depth == 32 ? 3 : 1);
	assert_true(TIFFGetField(tif, TIFFTAG_XRESOLUTION, &xres));
	assert_true(TIFFGetField(tif, TIFFTAG_YRESOLUTION, &yres));
	assert_true(TIFFGetField(tif, TIFFTAG_RESOLUTIONUNIT, &unit));
	assert_true(xres == (float)dpi && yres == (float)dpi);
	assert_int_equal(unit, RESUNIT_INCH);

	rowbytes = TIFFScanlineSize(tif);
	assert_int_equal(rowbytes,
			 depth == 1 ? (w + 7) / 8 : w * (depth == 8 ? 1 : 3));
	assert_non_null(md);
	for (uint32_t y = 0; y < h; y++) {
		/* libtiff's G4 decoder leaves the pad bits after the last
		 * pixel as they were in the caller's buffer, so a verifier
		 * must clear them itself; a dirty buffer shows it does. */
		memset(row, 0xff, sizeof(row));
		assert_int_equal(TIFFReadScanline(tif, row, y, 0), 1);
		if (depth == 1 && w % 8)
			row[w / 8] &= (unsigned char)(0xff << (8 - w % 8));
		expected_row(pix, (int)y, want);
		assert_memory_equal(row, want, (size_t)rowbytes);
		assert_int_equal(cc_sha256_update(md, row, (size_t)rowbytes),
				 0);
	}
	assert_int_equal(cc_sha256_final(md, got_sha), 0);
	assert_memory_equal(got_sha, sha, CC_SHA256_LEN);
}

static void test_three_pages_read_back(void **state)
{
	static const int depth[3] = {8, 32, 1}, dpi[3] = {300, 150, 600};
	struct scratch *s = *state;
	struct cc_error err = {0, ""};
	unsigned char sha[3][CC_SHA256_LEN];
	PIX *pix[3];
	struct cc_tiff_writer *w = cc_tiff_writer_open(s->fd, "scan.tif", &err);
	TIFF *tif;

	assert_non_null(w);
	for (int i = 0; i < 3; i++) {
		pix[i] = make_page(depth[i]);
		assert_int_equal(
			cc_tiff_writer_add(w, pix[i], dpi[i], sha[i], &err),
			CC_OK);
	}
	assert_int_equal(cc_tiff_writer_close(w, &err), CC_OK);
	/* The descriptor is still the caller's. */
	assert_true(fcntl(s->fd, F_GETFD) >= 0);
	assert_memory_not_equal(sha[0], sha[1], CC_SHA256_LEN);

	tif = TIFFOpen(s->path, "r");
	assert_non_null(tif);
	assert_int_equal(TIFFNumberOfDirectories(tif), 3);
	for (int i = 0; i < 3; i++) {
		assert_true(TIFFSetDirectory(tif, (tdir_t)i));
		check_page(tif, pix[i], dpi[i], sha[i]);
		pixDestroy(&pix[i]);
	}
	TIFFClose(tif);
}

static void test_same_pixels_same_digest(void **state)
{
	struct scratch *s = *state;
	struct cc_error err = {0, ""};
	unsigned char a[CC_SHA256_LEN], b[CC_SHA256_LEN], c[CC_SHA256_LEN];
	PIX *pix = make_page(8);
	struct cc_tiff_writer *w = cc_tiff_writer_open(s->fd, "scan.tif", &err);

	assert_non_null(w);
	/* The digest is of the pixels, not of the resolution or position. */
	assert_int_equal(cc_tiff_writer_add(w, pix, 300, a, &err), CC_OK);
	assert_int_equal(cc_tiff_writer_add(w, pix, 200, b, &err), CC_OK);
	assert_memory_equal(a, b, CC_SHA256_LEN);
	pixSetPixel(pix, 0, 0, 255);
	assert_int_equal(cc_tiff_writer_add(w, pix, 300, c, &err), CC_OK);
	assert_memory_not_equal(a, c, CC_SHA256_LEN);
	assert_int_equal(cc_tiff_writer_close(w, &err), CC_OK);
	pixDestroy(&pix);
}

static void test_unsupported_depth(void **state)
{
	struct scratch *s = *state;
	struct cc_error err = {0, ""};
	unsigned char sha[CC_SHA256_LEN];
	PIX *pix = pixCreate(10, 10, 16);
	struct cc_tiff_writer *w = cc_tiff_writer_open(s->fd, "scan.tif", &err);

	assert_non_null(w);
	assert_int_equal(cc_tiff_writer_add(w, pix, 300, sha, &err), CC_SYSTEM);
	assert_non_null(strstr(err.msg, "'scan.tif'"));
	assert_non_null(strstr(err.msg, "depth 16"));
	cc_tiff_writer_abort(w);
	cc_tiff_writer_abort(NULL);
	assert_true(fcntl(s->fd, F_GETFD) >= 0);
	pixDestroy(&pix);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_three_pages_read_back),
		T(test_same_pixels_same_digest),
		T(test_unsupported_depth),
	};
#undef T

	TIFFSetWarningHandler(NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
