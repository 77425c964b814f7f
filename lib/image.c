/*
 * image.c - decoders for untrusted page images. Each one checks dimensions
 * before allocating and treats truncation and corruption as errors. The
 * decoders' own diagnostics are captured into struct cc_error; none of them
 * prints.
 */
#include "buf.h"
#include "image.h"

#include <errno.h>
#include <stdio.h>
#include <jpeglib.h>
#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>
#include <unistd.h>

#include <allheaders.h>

#include "tiffmem.h"

enum fmt { FMT_TIFF, FMT_PNG, FMT_JPEG, FMT_PNM };
static const char *const fmt_name[] = {"tiff", "png", "jpeg", "pnm"};

struct cc_image {
	unsigned char *data;
	size_t len;
	enum fmt fmt;
	char name[512];
	int pages_read;
	int done;
	/* TIFF state */
	TIFF *tif;
	struct cc_tiff_mem tif_mem; /* over data, for libtiff */
	struct cc_tiff_msg tif_msg;
};

static int check_size(const struct cc_image *img, unsigned long long w,
		      unsigned long long h, struct cc_error *err)
{
	if (w == 0 || h == 0)
		return cc_error_set(
			err, CC_INPUT,
			"cannot read '%s': empty image (%llu x %llu)",
			img->name, w, h);
	if (w > CC_IMAGE_MAX_SIDE || h > CC_IMAGE_MAX_SIDE ||
	    w * h > CC_IMAGE_MAX_PIXELS)
		return cc_error_set(err, CC_INPUT,
				    "cannot read '%s': image too large "
				    "(%llu x %llu pixels; the limit is %d per "
				    "side and %llu in all)",
				    img->name, w, h, CC_IMAGE_MAX_SIDE,
				    CC_IMAGE_MAX_PIXELS);
	return CC_OK;
}

static int detect(struct cc_image *img, struct cc_error *err)
{
	const unsigned char *d = img->data;
	size_t n = img->len;

	if (n == 0)
		return cc_error_set(err, CC_INPUT,
				    "cannot read '%s': empty file", img->name);
	if (n >= 4 &&
	    ((d[0] == 'I' && d[1] == 'I' && d[2] == 42 && d[3] == 0) ||
	     (d[0] == 'M' && d[1] == 'M' && d[2] == 0 && d[3] == 42)))
		img->fmt = FMT_TIFF;
	else if (n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0)
		img->fmt = FMT_PNG;
	else if (n >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff)
		img->fmt = FMT_JPEG;
	else if (n >= 2 && d[0] == 'P' && d[1] >= '1' && d[1] <= '6')
		img->fmt = FMT_PNM;
	else
		return cc_error_set(err, CC_INPUT,
				    "cannot read '%s': not a TIFF, PNG, JPEG "
				    "or PNM image",
				    img->name);
	return CC_OK;
}

struct cc_image *cc_image_open_mem(const void *data, size_t len,
				   const char *name, struct cc_error *err)
{
	struct cc_image *img = calloc(1, sizeof(*img));

	if (!img || !(img->data = malloc(len ? len : 1))) {
		free(img);
		cc_error_set(err, CC_SYSTEM, "out of memory");
		return NULL;
	}
	memcpy(img->data, data, len);
	img->len = len;
	snprintf(img->name, sizeof(img->name), "%s", name);
	if (detect(img, err)) {
		cc_image_close(img);
		return NULL;
	}
	return img;
}

struct cc_image *cc_image_open(const char *path, struct cc_error *err)
{
	struct cc_image *img = calloc(1, sizeof(*img));
	struct cc_buf b = {0};

	if (!img) {
		cc_error_set(err, CC_SYSTEM, "out of memory");
		return NULL;
	}
	snprintf(img->name, sizeof(img->name), "%s", path);
	if (cc_buf_read_file(&b, path, CC_IMAGE_MAX_BYTES, err)) {
		cc_buf_free(&b);
		goto fail;
	}
	img->data = b.data;
	img->len = b.len;
	if (detect(img, err))
		goto fail;
	return img;
fail:
	cc_image_close(img);
	return NULL;
}

const char *cc_image_format(const struct cc_image *img)
{
	return fmt_name[img->fmt];
}

const char *cc_image_name(const struct cc_image *img)
{
	return img->name;
}

void cc_image_close(struct cc_image *img)
{
	if (!img)
		return;
	if (img->tif)
		TIFFClose(img->tif);
	free(img->data);
	free(img);
}

/* A new PIX for the decoders; the caller has checked the size. */
static PIX *new_page(int w, int h, int color, struct cc_error *err)
{
	PIX *pix = pixCreateNoInit(w, h, color ? 32 : 8);

	if (!pix)
		cc_error_set(err, CC_SYSTEM, "out of memory");
	return pix;
}

/* Store one row of 8-bit samples (1 gray or 3 RGB per pixel). */
static void put_row(PIX *pix, int y, const unsigned char *src, int color)
{
	l_uint32 *line = pixGetData(pix) + (size_t)y * pixGetWpl(pix);
	int w = pixGetWidth(pix);

	if (color) {
		for (int x = 0; x < w; x++, src += 3)
			line[x] = ((l_uint32)src[0] << L_RED_SHIFT) |
				  ((l_uint32)src[1] << L_GREEN_SHIFT) |
				  ((l_uint32)src[2] << L_BLUE_SHIFT);
	} else {
		for (int x = 0; x < w; x++)
			SET_DATA_BYTE(line, x, src[x]);
	}
}

/* ---- TIFF, through libtiff reading from memory ---- */

static int tif_fail(struct cc_image *img, struct cc_error *err)
{
	return cc_error_set(err, CC_INPUT, "cannot read '%s': %s", img->name,
			    img->tif_msg.text[0] ? img->tif_msg.text
						 : "corrupt TIFF file");
}

static int tiff_open(struct cc_image *img, struct cc_error *err)
{
	/* No single buffer needs more than the largest page we accept. */
	TIFFOpenOptions *opts = cc_tiff_options(
		&img->tif_msg, (tmsize_t)(CC_IMAGE_MAX_PIXELS * 4));

	if (!opts)
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	img->tif_mem.data = img->data;
	img->tif_mem.size = img->len;
	img->tif_mem.readonly = 1;
	img->tif = cc_tiff_open_mem(&img->tif_mem, img->name, "r", opts);
	TIFFOpenOptionsFree(opts);
	if (!img->tif)
		return tif_fail(img, err);
	return CC_OK;
}

static int tiff_resolution(TIFF *tif, int *xres, int *yres)
{
	float xr = 0, yr = 0;
	uint16_t unit = RESUNIT_INCH;
	double f;

	TIFFGetFieldDefaulted(tif, TIFFTAG_RESOLUTIONUNIT, &unit);
	if (!TIFFGetField(tif, TIFFTAG_XRESOLUTION, &xr) || !(xr > 0))
		return 0;
	if (!TIFFGetField(tif, TIFFTAG_YRESOLUTION, &yr) || !(yr > 0))
		yr = xr;
	f = unit == RESUNIT_CENTIMETER ? 2.54 : unit == RESUNIT_NONE ? 0 : 1;
	if (xr * f > 100000 || yr * f > 100000)
		return 0;
	*xres = (int)(xr * f + 0.5);
	*yres = (int)(yr * f + 0.5);
	return 0;
}

static int tiff_next(struct cc_image *img, PIX **page,
		     struct cc_page_info *info, struct cc_error *err)
{
	uint32_t w = 0, h = 0, *raster = NULL;
	uint16_t photometric = PHOTOMETRIC_MINISBLACK, spp = 1, bps = 1;
	PIX *pix = NULL;
	int color, rc;

	if (!img->tif && (rc = tiff_open(img, err)))
		return rc;
	if (img->pages_read > 0 && !TIFFReadDirectory(img->tif)) {
		if (img->tif_msg.text[0])
			return tif_fail(img, err);
		img->done = 1;
		return CC_OK;
	}
	if (!TIFFGetField(img->tif, TIFFTAG_IMAGEWIDTH, &w) ||
	    !TIFFGetField(img->tif, TIFFTAG_IMAGELENGTH, &h))
		return tif_fail(img, err);
	if ((rc = check_size(img, w, h, err)))
		return rc;
	TIFFGetFieldDefaulted(img->tif, TIFFTAG_SAMPLESPERPIXEL, &spp);
	TIFFGetFieldDefaulted(img->tif, TIFFTAG_BITSPERSAMPLE, &bps);
	TIFFGetField(img->tif, TIFFTAG_PHOTOMETRIC, &photometric);
	color = !(photometric == PHOTOMETRIC_MINISBLACK ||
		  photometric == PHOTOMETRIC_MINISWHITE);
	info->bilevel = !color && bps == 1;
	info->color = color;
	info->width = (int)w;
	info->height = (int)h;
	info->xres = info->yres = 0;
	tiff_resolution(img->tif, &info->xres, &info->yres);

	raster = malloc((size_t)w * h * sizeof(uint32_t));
	pix = new_page((int)w, (int)h, color, err);
	if (!raster || !pix) {
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	if (!TIFFReadRGBAImageOriented(img->tif, w, h, raster,
				       ORIENTATION_TOPLEFT, 1) ||
	    img->tif_msg.text[0]) {
		rc = tif_fail(img, err);
		goto out;
	}
	for (uint32_t y = 0; y < h; y++) {
		l_uint32 *line = pixGetData(pix) + (size_t)y * pixGetWpl(pix);
		const uint32_t *src = raster + (size_t)y * w;

		for (uint32_t x = 0; x < w; x++) {
			uint32_t p = src[x];

			if (color)
				line[x] = (TIFFGetR(p) << L_RED_SHIFT) |
					  (TIFFGetG(p) << L_GREEN_SHIFT) |
					  (TIFFGetB(p) << L_BLUE_SHIFT);
			else
				SET_DATA_BYTE(line, x, TIFFGetR(p));
		}
	}
	*page = pix;
	pix = NULL;
	rc = CC_OK;
out:
	free(raster);
	pixDestroy(&pix);
	return rc;
}

/* ---- PNG, through libpng's simplified API ---- */

static uint32_t be32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

/* The pHYs chunk, found by walking the chunk list up to the first IDAT. */
static void png_resolution(const struct cc_image *img, int *xres, int *yres)
{
	size_t pos = 8;

	while (pos + 8 <= img->len) {
		uint32_t clen = be32(img->data + pos);
		const unsigned char *type = img->data + pos + 4;

		if (clen > img->len - pos - 8)
			return;
		if (memcmp(type, "IDAT", 4) == 0)
			return;
		if (memcmp(type, "pHYs", 4) == 0 && clen == 9) {
			const unsigned char *c = img->data + pos + 8;
			double x = be32(c), y = be32(c + 4);

			if (c[8] == 1 && x > 0 && y > 0 && x < 4e6 && y < 4e6) {
				*xres = (int)(x * 0.0254 + 0.5);
				*yres = (int)(y * 0.0254 + 0.5);
			}
			return;
		}
		if (clen > img->len - pos - 12)
			return;
		pos += 12 + (size_t)clen;
	}
}

static int png_next(struct cc_image *img, PIX **page, struct cc_page_info *info,
		    struct cc_error *err)
{
	png_image pi;
	png_color white = {255, 255, 255};
	unsigned char *buf = NULL;
	PIX *pix = NULL;
	size_t stride;
	int rc, color;

	if (img->pages_read > 0) {
		img->done = 1;
		return CC_OK;
	}
	memset(&pi, 0, sizeof(pi));
	pi.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&pi, img->data, img->len))
		return cc_error_set(err, CC_INPUT, "cannot read '%s': %s",
				    img->name, pi.message);
	if ((rc = check_size(img, pi.width, pi.height, err)))
		goto out;
	/* 16-bit scans are gamma-encoded like 8-bit ones, not linear. */
	pi.flags |= PNG_IMAGE_FLAG_16BIT_sRGB;
	color = (pi.format & PNG_FORMAT_FLAG_COLOR) != 0;
	info->bilevel = 0;
	info->color = color;
	info->width = (int)pi.width;
	info->height = (int)pi.height;
	info->xres = info->yres = 0;
	png_resolution(img, &info->xres, &info->yres);
	pi.format = color ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
	stride = PNG_IMAGE_ROW_STRIDE(pi);
	buf = malloc(PNG_IMAGE_BUFFER_SIZE(pi, stride));
	pix = new_page((int)pi.width, (int)pi.height, color, err);
	if (!buf || !pix) {
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	if (!png_image_finish_read(&pi, &white, buf, (png_int_32)stride,
				   NULL)) {
		rc = cc_error_set(err, CC_INPUT, "cannot read '%s': %s",
				  img->name, pi.message);
		goto out;
	}
	if (pi.warning_or_error) {
		rc = cc_error_set(err, CC_INPUT, "cannot read '%s': %s",
				  img->name, pi.message);
		goto out;
	}
	for (png_uint_32 y = 0; y < pi.height; y++)
		put_row(pix, (int)y, buf + y * stride, color);
	*page = pix;
	pix = NULL;
	rc = CC_OK;
out:
	png_image_free(&pi);
	free(buf);
	pixDestroy(&pix);
	return rc;
}

/* ---- JPEG, through libjpeg with an error manager that never prints ---- */

struct jpeg_err {
	struct jpeg_error_mgr pub;
	jmp_buf jump;
	char msg[JMSG_LENGTH_MAX];
};

static void jpeg_on_error(j_common_ptr cinfo)
{
	struct jpeg_err *je = (struct jpeg_err *)cinfo->err;

	cinfo->err->format_message(cinfo, je->msg);
	longjmp(je->jump, 1);
}

static void jpeg_on_message(j_common_ptr cinfo, int level)
{
	struct jpeg_err *je = (struct jpeg_err *)cinfo->err;

	/* A warning is corrupt or missing data: keep the first one. */
	if (level < 0) {
		if (!je->msg[0])
			cinfo->err->format_message(cinfo, je->msg);
		cinfo->err->num_warnings++;
	}
}

static int jpeg_next(struct cc_image *img, PIX **page,
		     struct cc_page_info *info, struct cc_error *err)
{
	struct jpeg_decompress_struct cinfo;
	struct jpeg_err je;
	unsigned char *volatile row = NULL;
	PIX *volatile pix = NULL;
	int color, rc;

	if (img->pages_read > 0) {
		img->done = 1;
		return CC_OK;
	}
	memset(&je, 0, sizeof(je));
	cinfo.err = jpeg_std_error(&je.pub);
	je.pub.error_exit = jpeg_on_error;
	je.pub.emit_message = jpeg_on_message;
	if (setjmp(je.jump)) {
		rc = cc_error_set(err, CC_INPUT, "cannot read '%s': %s",
				  img->name, je.msg);
		goto out;
	}
	jpeg_create_decompress(&cinfo);
	jpeg_mem_src(&cinfo, img->data, (unsigned long)img->len);
	jpeg_read_header(&cinfo, TRUE);
	if ((rc = check_size(img, cinfo.image_width, cinfo.image_height, err)))
		goto out;
	if (cinfo.jpeg_color_space == JCS_CMYK ||
	    cinfo.jpeg_color_space == JCS_YCCK) {
		rc = cc_error_set(
			err, CC_INPUT,
			"cannot read '%s': CMYK JPEG is not supported",
			img->name);
		goto out;
	}
	color = cinfo.num_components > 1;
	cinfo.out_color_space = color ? JCS_RGB : JCS_GRAYSCALE;
	info->bilevel = 0;
	info->color = color;
	info->width = (int)cinfo.image_width;
	info->height = (int)cinfo.image_height;
	info->xres = info->yres = 0;
	if (cinfo.density_unit == 1 || cinfo.density_unit == 2) {
		double f = cinfo.density_unit == 2 ? 2.54 : 1;

		info->xres = (int)(cinfo.X_density * f + 0.5);
		info->yres = (int)(cinfo.Y_density * f + 0.5);
	}
	jpeg_start_decompress(&cinfo);
	row = malloc((size_t)cinfo.output_width * cinfo.output_components);
	pix = new_page((int)cinfo.output_width, (int)cinfo.output_height, color,
		       err);
	if (!row || !pix) {
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	while (cinfo.output_scanline < cinfo.output_height) {
		JSAMPROW rows[1] = {row};
		int y = (int)cinfo.output_scanline;

		if (jpeg_read_scanlines(&cinfo, rows, 1) != 1)
			break;
		put_row(pix, y, row, color);
	}
	if (je.pub.num_warnings > 0 ||
	    cinfo.output_scanline < cinfo.output_height) {
		rc = cc_error_set(err, CC_INPUT, "cannot read '%s': %s",
				  img->name,
				  je.msg[0] ? je.msg : "truncated JPEG data");
		goto out;
	}
	jpeg_finish_decompress(&cinfo);
	*page = pix;
	pix = NULL;
	rc = CC_OK;
out:
	jpeg_destroy_decompress(&cinfo);
	free(row);
	{
		PIX *p = pix;

		pixDestroy(&p);
	}
	return rc;
}

/* ---- PNM (binary P4, P5, P6), parsed here ---- */

/* Parse one unsigned header number, skipping white space and comments. */
static int pnm_number(const struct cc_image *img, size_t *pos,
		      unsigned long *val)
{
	size_t p = *pos;
	unsigned long v = 0;
	int digits = 0;

	for (;;) {
		if (p >= img->len)
			return -1;
		if (img->data[p] == '#') {
			while (p < img->len && img->data[p] != '\n' &&
			       img->data[p] != '\r')
				p++;
		} else if (img->data[p] == ' ' || img->data[p] == '\t' ||
			   img->data[p] == '\n' || img->data[p] == '\r') {
			p++;
		} else {
			break;
		}
	}
	while (p < img->len && img->data[p] >= '0' && img->data[p] <= '9') {
		v = v * 10 + (unsigned long)(img->data[p] - '0');
		if (v > 1000000000UL)
			return -1;
		digits++;
		p++;
	}
	if (!digits)
		return -1;
	*val = v;
	*pos = p;
	return 0;
}

static int pnm_next(struct cc_image *img, PIX **page, struct cc_page_info *info,
		    struct cc_error *err)
{
	unsigned long w, h, maxval = 1;
	char kind = (char)img->data[1];
	size_t pos = 2, rowbytes, need;
	unsigned char *row = NULL;
	PIX *pix = NULL;
	int color, rc, bytes;

	if (img->pages_read > 0) {
		img->done = 1;
		return CC_OK;
	}
	if (kind < '4')
		return cc_error_set(err, CC_INPUT,
				    "cannot read '%s': plain (ASCII) PNM is "
				    "not supported",
				    img->name);
	if (pnm_number(img, &pos, &w) || pnm_number(img, &pos, &h) ||
	    (kind != '4' && pnm_number(img, &pos, &maxval)) ||
	    pos >= img->len || maxval == 0 || maxval > 65535)
		return cc_error_set(err, CC_INPUT,
				    "cannot read '%s': bad PNM header",
				    img->name);
	pos++; /* the single white-space byte before the raster */
	if ((rc = check_size(img, w, h, err)))
		return rc;
	color = kind == '6';
	bytes = maxval > 255 ? 2 : 1;
	rowbytes = kind == '4' ? (w + 7) / 8 : w * (color ? 3 : 1) * bytes;
	need = rowbytes * h;
	if (img->len - pos < need)
		return cc_error_set(err, CC_INPUT,
				    "cannot read '%s': truncated PNM data "
				    "(%zu of %zu bytes)",
				    img->name, img->len - pos, need);
	info->bilevel = kind == '4';
	info->color = color;
	info->width = (int)w;
	info->height = (int)h;
	info->xres = info->yres = 0;
	row = malloc(w * (color ? 3 : 1));
	pix = new_page((int)w, (int)h, color, err);
	if (!row || !pix) {
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	for (unsigned long y = 0; y < h; y++) {
		const unsigned char *src = img->data + pos + y * rowbytes;
		size_t n = w * (color ? 3 : 1);

		if (kind == '4') {
			for (unsigned long x = 0; x < w; x++)
				row[x] = (src[x >> 3] >> (7 - (x & 7))) & 1
						 ? 0
						 : 255;
		} else {
			for (size_t i = 0; i < n; i++) {
				unsigned long v =
					bytes == 2 ? (unsigned long)src[2 * i]
								     << 8 |
							     src[2 * i + 1]
						   : src[i];

				if (v > maxval)
					v = maxval;
				row[i] =
					(unsigned char)((v * 255 + maxval / 2) /
							maxval);
			}
		}
		put_row(pix, (int)y, row, color);
	}
	*page = pix;
	pix = NULL;
	rc = CC_OK;
out:
	free(row);
	pixDestroy(&pix);
	return rc;
}

int cc_image_next(struct cc_image *img, PIX **page, struct cc_page_info *info,
		  struct cc_error *err)
{
	int rc;

	setMsgSeverity(L_SEVERITY_NONE); /* the library never prints */
	*page = NULL;
	memset(info, 0, sizeof(*info));
	if (img->done)
		return CC_OK;
	switch (img->fmt) {
	case FMT_TIFF:
		rc = tiff_next(img, page, info, err);
		break;
	case FMT_PNG:
		rc = png_next(img, page, info, err);
		break;
	case FMT_JPEG:
		rc = jpeg_next(img, page, info, err);
		break;
	default:
		rc = pnm_next(img, page, info, err);
		break;
	}
	if (rc == CC_OK && *page) {
		img->pages_read++;
		pixSetResolution(*page, info->xres, info->yres);
	}
	return rc;
}

/* Is the resolution the file gives believable? Cameras and many programs
 * write 72 dpi whatever the image is; a resolution that makes the page
 * smaller than 2 cm or larger than 60 cm is not a scan's. */
static int plausible_dpi(const struct cc_page_info *info)
{
	double w, h;

	if (info->xres < 50 || info->xres > 4800 || info->yres != info->xres)
		return 0;
	w = (double)info->width / info->xres;
	h = (double)info->height / info->xres;
	return w >= 0.8 && h >= 0.8 && w <= 24 && h <= 24;
}

int cc_page_dpi(const struct cc_page_info *info, int assume_dpi, int *assumed)
{
	int ok = plausible_dpi(info);

	if (assumed)
		*assumed = !ok;
	if (ok)
		return info->xres;
	return assume_dpi > 0 ? assume_dpi : 300;
}
