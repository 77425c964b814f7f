/* fuzz-image - the image decoders (TIFF, PNG, JPEG, PNM) on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>

#include <allheaders.h>

#include "image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cc_error err;
	struct cc_image *img = cc_image_open_mem(data, size, "fuzz", &err);

	if (!img)
		return 0;
	for (int pages = 0; pages < 8; pages++) {
		struct cc_page_info info;
		PIX *pix = NULL;

		if (cc_image_next(img, &pix, &info, &err) || !pix)
			break;
		pixDestroy(&pix);
	}
	cc_image_close(img);
	return 0;
}
