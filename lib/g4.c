/* g4.c - CCITT Group 4 in memory, through libtiff. */
#include "g4.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

#include <allheaders.h>

#include "tiffmem.h"

/* CCITT G4 through libtiff, into a TIFF in memory whose one strip is the
 * image's data. */
struct memfile {
	struct cc_tiff_mem mem;
	struct cc_tiff_msg msg;
};

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
	tif = cc_tiff_open_mem(&f->mem, "g4", "wm", opts);
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
	tif = cc_tiff_open_mem(&f->mem, "g4", "rm", opts);
	if (!tif || TIFFNumberOfStrips(tif) != 1 ||
	    !TIFFGetField(tif, TIFFTAG_STRIPOFFSETS, &offs) ||
	    !TIFFGetField(tif, TIFFTAG_STRIPBYTECOUNTS, &counts) || !offs ||
	    !counts || offs[0] > f->mem.size ||
	    counts[0] > f->mem.size - offs[0] || !counts[0])
		goto out;
	*data = f->mem.data + offs[0];
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
	free(f.mem.data);
	return rc;
}
