/* tiffwriter.c - multi-page lossless TIFF through libtiff. */
#include "tiffwriter.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>
#include <unistd.h>

#include <allheaders.h>

#include "tiffmem.h"

#ifndef CC_VERSION
#define CC_VERSION "unknown"
#endif

struct cc_tiff_writer {
	TIFF *tif;
	int pages;
	char name[256];
	struct cc_tiff_msg msg;
};

static int fail(struct cc_tiff_writer *w, struct cc_error *err)
{
	return cc_error_set(err, CC_SYSTEM, "cannot write '%s': %s", w->name,
			    w->msg.text[0] ? w->msg.text : strerror(errno));
}

struct cc_tiff_writer *cc_tiff_writer_open(int fd, const char *name,
					   struct cc_error *err)
{
	struct cc_tiff_writer *w = calloc(1, sizeof(*w));
	TIFFOpenOptions *opts = w ? cc_tiff_options(&w->msg, 0) : NULL;
	int fd2 = -1;

	if (!w || !opts) {
		cc_error_set(err, CC_SYSTEM, "out of memory");
		goto fail;
	}
	snprintf(w->name, sizeof(w->name), "%s", name);
	/* libtiff closes the descriptor it is given; give it its own. */
	fd2 = dup(fd);
	if (fd2 < 0) {
		cc_error_set(err, CC_SYSTEM, "cannot write '%s': %s", name,
			     strerror(errno));
		goto fail;
	}
	w->tif = TIFFFdOpenExt(fd2, name, "w", opts);
	if (!w->tif) {
		close(fd2);
		fail(w, err);
		goto fail;
	}
	TIFFOpenOptionsFree(opts);
	return w;
fail:
	TIFFOpenOptionsFree(opts);
	free(w);
	return NULL;
}

/* One row of pix as TIFF samples into buf. */
static void pack_row(PIX *pix, int y, unsigned char *buf)
{
	l_uint32 *line = pixGetData(pix) + (size_t)y * pixGetWpl(pix);
	int w = pixGetWidth(pix);

	switch (pixGetDepth(pix)) {
	case 1:
		for (int i = 0; i < (w + 7) / 8; i++)
			buf[i] = (unsigned char)GET_DATA_BYTE(line, i);
		/* Pad bits past the width are not pixels: keep them 0. */
		if (w & 7)
			buf[(w - 1) / 8] &=
				(unsigned char)(0xff << (8 - (w & 7)));
		break;
	case 8:
		for (int x = 0; x < w; x++)
			buf[x] = (unsigned char)GET_DATA_BYTE(line, x);
		break;
	default:
		for (int x = 0; x < w; x++) {
			l_uint32 p = line[x];

			buf[3 * x] = (unsigned char)(p >> L_RED_SHIFT);
			buf[3 * x + 1] = (unsigned char)(p >> L_GREEN_SHIFT);
			buf[3 * x + 2] = (unsigned char)(p >> L_BLUE_SHIFT);
		}
		break;
	}
}

int cc_tiff_writer_add(struct cc_tiff_writer *w, PIX *pix, int dpi,
		       unsigned char sha[CC_SHA256_LEN], struct cc_error *err)
{
	int width = pixGetWidth(pix), height = pixGetHeight(pix);
	int depth = pixGetDepth(pix);
	size_t rowbytes;
	unsigned char *buf = NULL;
	struct cc_sha256 *md = NULL;
	TIFF *tif = w->tif;
	uint32_t rows_per_strip;
	int rc = CC_OK;

	if (depth != 1 && depth != 8 && depth != 32)
		return cc_error_set(err, CC_SYSTEM,
				    "cannot write '%s': unsupported depth %d",
				    w->name, depth);
	rowbytes = depth == 1	? (size_t)(width + 7) / 8
		   : depth == 8 ? (size_t)width
				: (size_t)width * 3;
	rows_per_strip = (uint32_t)(65536 / rowbytes);
	if (rows_per_strip < 1)
		rows_per_strip = 1;

	TIFFSetField(tif, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
	TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, (uint32_t)width);
	TIFFSetField(tif, TIFFTAG_IMAGELENGTH, (uint32_t)height);
	TIFFSetField(tif, TIFFTAG_ORIENTATION, ORIENTATION_TOPLEFT);
	TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
	TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, rows_per_strip);
	TIFFSetField(tif, TIFFTAG_XRESOLUTION, (float)dpi);
	TIFFSetField(tif, TIFFTAG_YRESOLUTION, (float)dpi);
	TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
	TIFFSetField(tif, TIFFTAG_PAGENUMBER, (uint16_t)w->pages, (uint16_t)0);
	TIFFSetField(tif, TIFFTAG_SOFTWARE, "certcopy " CC_VERSION);
	if (depth == 1) {
		TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 1);
		TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1);
		TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
		TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX4);
	} else {
		TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
		TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, depth == 8 ? 1 : 3);
		TIFFSetField(tif, TIFFTAG_PHOTOMETRIC,
			     depth == 8 ? PHOTOMETRIC_MINISBLACK
					: PHOTOMETRIC_RGB);
		TIFFSetField(tif, TIFFTAG_COMPRESSION,
			     COMPRESSION_ADOBE_DEFLATE);
		TIFFSetField(tif, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL);
		TIFFSetField(tif, TIFFTAG_ZIPQUALITY, 6);
	}

	buf = malloc(rowbytes);
	md = cc_sha256_new();
	if (!buf || !md) {
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	for (int y = 0; y < height; y++) {
		pack_row(pix, y, buf);
		/* Hash first: the predictor may change buf in place. */
		if (cc_sha256_update(md, buf, rowbytes)) {
			rc = cc_error_set(err, CC_SYSTEM, "SHA-256 failed");
			goto out;
		}
		if (TIFFWriteScanline(tif, buf, (uint32_t)y, 0) < 0) {
			rc = fail(w, err);
			goto out;
		}
	}
	if (!TIFFWriteDirectory(tif)) {
		rc = fail(w, err);
		goto out;
	}
	if (cc_sha256_final(md, sha)) {
		md = NULL;
		rc = cc_error_set(err, CC_SYSTEM, "SHA-256 failed");
		goto out;
	}
	md = NULL;
	w->pages++;
out:
	cc_sha256_free(md);
	free(buf);
	return rc;
}

int cc_tiff_writer_close(struct cc_tiff_writer *w, struct cc_error *err)
{
	int rc = CC_OK;

	if (TIFFFlush(w->tif) != 1)
		rc = fail(w, err);
	TIFFClose(w->tif);
	free(w);
	return rc;
}

void cc_tiff_writer_abort(struct cc_tiff_writer *w)
{
	if (!w)
		return;
	TIFFClose(w->tif);
	free(w);
}
