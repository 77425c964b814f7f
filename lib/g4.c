/* g4.c - CCITT Group 4 in memory, through libtiff. */
#include "g4.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

#include <allheaders.h>

#include "tiffopts.h"

/* CCITT G4 through libtiff, into a TIFF in memory whose one strip is the
 * image's data. */
struct memfile {
	unsigned char *data;
	size_t size, cap, pos;
	struct cc_tiff_msg msg;
};

static tmsize_t mf_read(thandle_t h, void *p, tmsize_t n)
{
	struct memfile *f = h;
	size_t k = f->pos < f->size ? f->size - f->pos : 0;

	if (n < 0)
		return -1;
	if ((size_t)n < k)
		k = (size_t)n;
	if (k)
		memcpy(p, f->data + f->pos, k);
	f->pos += k;
	return (tmsize_t)k;
}

static tmsize_t mf_write(thandle_t h, void *p, tmsize_t n)
{
	struct memfile *f = h;
	size_t end;

	if (n < 0 || (size_t)n > SIZE_MAX / 4 - f->pos)
		return -1;
	end = f->pos + (size_t)n;
	if (end > f->cap) {
		size_t cap = f->cap ? f->cap : 65536;
		unsigned char *d;

		while (cap < end)
			cap *= 2;
		d = realloc(f->data, cap);
		if (!d)
			return -1;
		f->data = d;
		f->cap = cap;
	}
	if (f->pos > f->size)
		memset(f->data + f->size, 0, f->pos - f->size);
	if (n)
		memcpy(f->data + f->pos, p, (size_t)n);
	f->pos = end;
	if (end > f->size)
		f->size = end;
	return n;
}

static toff_t mf_seek(thandle_t h, toff_t off, int whence)
{
	struct memfile *f = h;
	uint64_t pos = whence == SEEK_CUR   ? f->pos + off
		       : whence == SEEK_END ? f->size + off
					    : off;

	if (pos > SIZE_MAX / 8)
		return (toff_t)-1;
	f->pos = (size_t)pos;
	return pos;
}

static int mf_close(thandle_t h)
{
	(void)h;
	return 0;
}

static toff_t mf_size(thandle_t h)
{
	return ((struct memfile *)h)->size;
}

static int mf_map(thandle_t h, void **base, toff_t *size)
{
	(void)h;
	(void)base;
	(void)size;
	return 0;
}

static void mf_unmap(thandle_t h, void *base, toff_t size)
{
	(void)h;
	(void)base;
	(void)size;
}

static TIFF *mf_open(struct memfile *f, const char *mode, TIFFOpenOptions *opts)
{
	f->pos = 0;
	return TIFFClientOpenExt("g4", mode, f, mf_read, mf_write, mf_seek,
				 mf_close, mf_size, mf_map, mf_unmap, opts);
}

/* The G4 data of a 1 bpp pix (1 = black) in *data, which points into f. */
static int encode(PIX *pix, struct memfile *f, const unsigned char **data,
		  size_t *len)
{
	int width = pixGetWidth(pix), height = pixGetHeight(pix);
	int wpl = pixGetWpl(pix);
	size_t rowbytes = ((size_t)width + 7) / 8;
	TIFFOpenOptions *opts = cc_tiff_options(&f->msg, 0);
	unsigned char *row = malloc(rowbytes);
	TIFF *tif = NULL;
	uint64_t *offs = NULL, *counts = NULL;
	int rc = -1;

	if (!opts || !row)
		goto out;
	tif = mf_open(f, "wm", opts);
	if (!tif)
		goto out;
	TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, (uint32_t)width);
	TIFFSetField(tif, TIFFTAG_IMAGELENGTH, (uint32_t)height);
	TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 1);
	TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1);
	TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
	TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX4);
	TIFFSetField(tif, TIFFTAG_FILLORDER, FILLORDER_MSB2LSB);
	TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
	TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, (uint32_t)height);
	for (int y = 0; y < height; y++) {
		const l_uint32 *line = pixGetData(pix) + (size_t)y * wpl;

		for (size_t i = 0; i < rowbytes; i++)
			row[i] = (unsigned char)GET_DATA_BYTE(line, i);
		if (width & 7)
			row[rowbytes - 1] &=
				(unsigned char)(0xff << (8 - (width & 7)));
		if (TIFFWriteScanline(tif, row, (uint32_t)y, 0) < 0)
			goto out;
	}
	if (!TIFFWriteDirectory(tif))
		goto out;
	TIFFClose(tif);
	tif = mf_open(f, "rm", opts);
	if (!tif || TIFFNumberOfStrips(tif) != 1 ||
	    !TIFFGetField(tif, TIFFTAG_STRIPOFFSETS, &offs) ||
	    !TIFFGetField(tif, TIFFTAG_STRIPBYTECOUNTS, &counts) || !offs ||
	    !counts || offs[0] > f->size || counts[0] > f->size - offs[0] ||
	    !counts[0])
		goto out;
	*data = f->data + offs[0];
	*len = (size_t)counts[0];
	rc = 0;
out:
	if (tif)
		TIFFClose(tif);
	TIFFOpenOptionsFree(opts);
	free(row);
	return rc;
}

/* ---- the text layer ---- */

/* The CID that shows c, noted as used. C0 and C1 controls, which no
 * word should hold, become U+FFFD like invalid UTF-8. */
int cc_g4_encode(PIX *pix, unsigned char **data, size_t *len, char *msg,
		 size_t msgsize)
{
	struct memfile f = {0};
	const unsigned char *strip = NULL;
	size_t n = 0;
	int rc = -1;

	*data = NULL;
	*len = 0;
	if (msgsize)
		msg[0] = '\0';
	if (pixGetDepth(pix) != 1)
		goto out;
	if (encode(pix, &f, &strip, &n) == 0 && (*data = malloc(n ? n : 1))) {
		memcpy(*data, strip, n);
		*len = n;
		rc = 0;
	}
out:
	if (rc && msgsize)
		snprintf(msg, msgsize, "%s",
			 f.msg.text[0] ? f.msg.text : "G4 encoding failed");
	free(f.data);
	return rc;
}
