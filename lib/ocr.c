/* ocr.c - Tesseract through its C API, one single-threaded engine a thread. */
#include "ocr.h"

#include <stdlib.h>
#include <string.h>
#include <uninorm.h>
#include <unistr.h>

#include <allheaders.h>
#include <tesseract/capi.h>

/* From libgomp, Tesseract's OpenMP runtime; declared here so that no OpenMP
 * header (which clang's fuzzing builds lack) is needed. */
void omp_set_max_active_levels(int levels);

struct cc_ocr_engine {
	TessBaseAPI *api;
	char lang[64];
};

void cc_ocr_single_thread(void)
{
	/* With no active levels every parallel region runs on its calling
	 * thread alone: OMP_THREAD_LIMIT=1 without touching the environment
	 * (libgomp reads that before main). The setting is per thread. */
	omp_set_max_active_levels(0);
}

char *cc_utf8_nfc(const char *s)
{
	size_t len = strlen(s), outlen = 0;
	uint8_t *fixed = NULL, *nfc;
	const uint8_t *in = (const uint8_t *)s;

	/* Replace invalid sequences first: u8_normalize refuses them. */
	if (u8_check(in, len)) {
		size_t cap = len * 3 + 1, n = 0;
		const uint8_t *p = in, *end = in + len;

		fixed = malloc(cap);
		if (!fixed)
			return NULL;
		while (p < end) {
			ucs4_t uc;
			int k = u8_mbtoucr(&uc, p, (size_t)(end - p));

			if (k < 0) {
				memcpy(fixed + n, "\xef\xbf\xbd", 3);
				n += 3;
				p++;
			} else {
				memcpy(fixed + n, p, (size_t)k);
				n += (size_t)k;
				p += k;
			}
		}
		in = fixed;
		len = n;
	}
	nfc = u8_normalize(UNINORM_NFC, in, len, NULL, &outlen);
	free(fixed);
	if (!nfc)
		return NULL;
	{
		char *out = realloc(nfc, outlen + 1);

		if (!out) {
			free(nfc);
			return NULL;
		}
		out[outlen] = '\0';
		return out;
	}
}

struct cc_ocr_engine *cc_ocr_engine_new(const char *lang, const char *datapath,
					struct cc_error *err)
{
	struct cc_ocr_engine *e = calloc(1, sizeof(*e));

	cc_ocr_single_thread();
	if (!e) {
		cc_error_set(err, CC_SYSTEM, "out of memory");
		return NULL;
	}
	snprintf(e->lang, sizeof(e->lang), "%s", lang);
	e->api = TessBaseAPICreate();
	if (!e->api) {
		cc_error_set(err, CC_SYSTEM, "cannot start Tesseract");
		free(e);
		return NULL;
	}
	/* The library never prints: Tesseract's own messages go nowhere. */
	TessBaseAPISetVariable(e->api, "debug_file", "/dev/null");
	if (TessBaseAPIInit3(e->api, datapath, lang) != 0) {
		cc_error_set(err, CC_SYSTEM,
			     "cannot load the Tesseract language data '%s' "
			     "(is tesseract-ocr-vie installed?)",
			     lang);
		cc_ocr_engine_free(e);
		return NULL;
	}
	TessBaseAPISetVariable(e->api, "debug_file", "/dev/null");
	return e;
}

void cc_ocr_engine_free(struct cc_ocr_engine *e)
{
	if (!e)
		return;
	if (e->api) {
		TessBaseAPIEnd(e->api);
		TessBaseAPIDelete(e->api);
	}
	free(e);
}

void cc_ocr_page_free(struct cc_ocr_page *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nwords; i++)
		free(p->words[i].text);
	free(p->words);
	free(p->text);
	memset(p, 0, sizeof(*p));
}

static int collect_words(TessBaseAPI *api, struct cc_ocr_page *out,
			 struct cc_error *err)
{
	TessResultIterator *it = TessBaseAPIGetIterator(api);
	size_t cap = 0;
	int line = -1;
	double sum = 0;

	if (!it)
		return CC_OK; /* no text at all */
	do {
		TessPageIterator *pit = TessResultIteratorGetPageIterator(it);
		struct cc_ocr_word *w;
		int x0, y0, x1, y1, bx0, by0, bx1, by1;
		char *text;

		if (TessPageIteratorIsAtBeginningOf(pit, RIL_TEXTLINE))
			line++;
		text = TessResultIteratorGetUTF8Text(it, RIL_WORD);
		if (!text)
			continue;
		if (!*text || !TessPageIteratorBoundingBox(pit, RIL_WORD, &x0,
							   &y0, &x1, &y1)) {
			TessDeleteText(text);
			continue;
		}
		if (out->nwords == cap) {
			size_t ncap = cap ? cap * 2 : 256;
			struct cc_ocr_word *nw =
				realloc(out->words, ncap * sizeof(*nw));

			if (!nw) {
				TessDeleteText(text);
				TessResultIteratorDelete(it);
				return cc_error_set(err, CC_SYSTEM,
						    "out of memory");
			}
			out->words = nw;
			cap = ncap;
		}
		w = &out->words[out->nwords];
		memset(w, 0, sizeof(*w));
		w->x0 = x0;
		w->y0 = y0;
		w->x1 = x1;
		w->y1 = y1;
		w->line = line < 0 ? 0 : line;
		w->baseline = y1;
		if (TessPageIteratorBaseline(pit, RIL_WORD, &bx0, &by0, &bx1,
					     &by1))
			w->baseline = (by0 + by1) / 2;
		w->conf = TessResultIteratorConfidence(it, RIL_WORD);
		w->text = cc_utf8_nfc(text);
		TessDeleteText(text);
		if (!w->text) {
			TessResultIteratorDelete(it);
			return cc_error_set(err, CC_SYSTEM, "out of memory");
		}
		sum += w->conf;
		out->nwords++;
	} while (TessResultIteratorNext(it, RIL_WORD));
	TessResultIteratorDelete(it);
	out->mean_conf = out->nwords ? sum / (double)out->nwords : 0;
	return CC_OK;
}

int cc_ocr_page(struct cc_ocr_engine *e, PIX *pix, int dpi,
		struct cc_ocr_page *out, struct cc_error *err)
{
	char *text;
	int rc;

	memset(out, 0, sizeof(*out));
	TessBaseAPISetPageSegMode(e->api, PSM_AUTO);
	TessBaseAPISetVariable(e->api, "tessedit_char_whitelist", "");
	TessBaseAPISetImage2(e->api, pix);
	TessBaseAPISetSourceResolution(e->api, dpi > 0 ? dpi : 300);
	if (TessBaseAPIRecognize(e->api, NULL) != 0) {
		TessBaseAPIClear(e->api);
		return cc_error_set(err, CC_SYSTEM,
				    "Tesseract failed on the page");
	}
	text = TessBaseAPIGetUTF8Text(e->api);
	out->text = cc_utf8_nfc(text ? text : "");
	if (text)
		TessDeleteText(text);
	if (!out->text) {
		TessBaseAPIClear(e->api);
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	}
	rc = collect_words(e->api, out, err);
	TessBaseAPIClear(e->api);
	if (rc)
		cc_ocr_page_free(out);
	return rc;
}

int cc_ocr_mrz(struct cc_ocr_engine *e, PIX *pix, int dpi, int x, int y, int w,
	       int h, char **text, struct cc_error *err)
{
	char *t;

	*text = NULL;
	/* A block of uniform text, no dictionary, MRZ characters only. */
	TessBaseAPISetPageSegMode(e->api, PSM_SINGLE_BLOCK);
	TessBaseAPISetVariable(e->api, "tessedit_char_whitelist",
			       "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<");
	TessBaseAPISetImage2(e->api, pix);
	TessBaseAPISetSourceResolution(e->api, dpi > 0 ? dpi : 300);
	if (w > 0 && h > 0)
		TessBaseAPISetRectangle(e->api, x, y, w, h);
	t = TessBaseAPIGetUTF8Text(e->api);
	TessBaseAPISetVariable(e->api, "tessedit_char_whitelist", "");
	TessBaseAPIClear(e->api);
	if (!t)
		return cc_error_set(err, CC_SYSTEM,
				    "Tesseract failed on the MRZ");
	*text = strdup(t);
	TessDeleteText(t);
	if (!*text)
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	return CC_OK;
}
