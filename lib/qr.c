/*
 * qr.c - QR codes read with zbar (qr.h): the ID card's (cc-ocr) and a
 * printed copy's (cc-verify --image). Apart from recognize.c so that a tool
 * that reads QR codes need not load Tesseract. zbar is loaded at the first
 * image (dynlib.h).
 */
#include "qr.h"

#include <stdlib.h>
#include <string.h>

#include <leptonica/allheaders.h>
#include <zbar.h>

#include "dynlib.h"

#define LIBZBAR(X)                                                             \
	X(zbar_image_scanner_create)                                           \
	X(zbar_image_scanner_set_config)                                       \
	X(zbar_image_scanner_destroy)                                          \
	X(zbar_image_create)                                                   \
	X(zbar_image_set_format)                                               \
	X(zbar_image_set_size)                                                 \
	X(zbar_image_set_data)                                                 \
	X(zbar_image_first_symbol)                                             \
	X(zbar_image_destroy)                                                  \
	X(zbar_scan_image)                                                     \
	X(zbar_symbol_next)                                                    \
	X(zbar_symbol_get_type)                                                \
	X(zbar_symbol_get_data)                                                \
	X(zbar_symbol_get_data_length)
CC_DYNLIB(libzbar, "libzbar.so.0", LIBZBAR);

int cc_qr_read_if(PIX *pix, int (*accept)(const char *payload, void *ctx),
		  void *ctx, char *out, size_t size, struct cc_error *err)
{
	zbar_image_scanner_t *sc = NULL;
	zbar_image_t *zi = NULL;
	unsigned char *buf = NULL;
	char *tmp = NULL;
	int w, h, found = 0;
	PIX *g;

	if (size)
		out[0] = '\0';
	if (cc_dynlib_load(&libzbar, err))
		return -1;
	g = pixGetDepth(pix) == 32 ? pixConvertRGBToLuminance(pix)
				   : pixConvertTo8(pix, 0);
	if (!g)
		return 0;
	w = pixGetWidth(g);
	h = pixGetHeight(g);
	buf = malloc((size_t)w * h);
	tmp = size ? malloc(size) : NULL;
	sc = sym_zbar_image_scanner_create();
	zi = sym_zbar_image_create();
	if (!buf || !tmp || !sc || !zi)
		goto out;
	for (int y = 0; y < h; y++) {
		l_uint32 *line = pixGetData(g) + (size_t)y * pixGetWpl(g);

		for (int x = 0; x < w; x++)
			buf[(size_t)y * w + x] =
				(unsigned char)GET_DATA_BYTE(line, x);
	}
	sym_zbar_image_scanner_set_config(sc, 0, ZBAR_CFG_ENABLE, 0);
	sym_zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	sym_zbar_image_set_format(zi, zbar_fourcc('Y', '8', '0', '0'));
	sym_zbar_image_set_size(zi, (unsigned)w, (unsigned)h);
	sym_zbar_image_set_data(zi, buf, (unsigned long)w * h, NULL);
	if (sym_zbar_scan_image(sc, zi) > 0) {
		const zbar_symbol_t *sym = sym_zbar_image_first_symbol(zi);

		for (; sym; sym = sym_zbar_symbol_next(sym)) {
			const char *data = sym_zbar_symbol_get_data(sym);
			unsigned len = sym_zbar_symbol_get_data_length(sym);

			if (sym_zbar_symbol_get_type(sym) != ZBAR_QRCODE ||
			    len >= size)
				continue;
			memcpy(tmp, data, len);
			tmp[len] = '\0';
			/* The first payload stays in out when none is
			 * accepted, for the caller's message. */
			if (!found) {
				memcpy(out, tmp, len + 1);
				found = 1;
			}
			if (!accept || accept(tmp, ctx)) {
				memcpy(out, tmp, len + 1);
				found = 2;
				break;
			}
		}
	}
out:
	if (zi)
		sym_zbar_image_destroy(zi);
	if (sc)
		sym_zbar_image_scanner_destroy(sc);
	free(buf);
	free(tmp);
	pixDestroy(&g);
	return found;
}

int cc_qr_read(PIX *pix, char *out, size_t size, struct cc_error *err)
{
	return cc_qr_read_if(pix, NULL, NULL, out, size, err) > 0;
}
