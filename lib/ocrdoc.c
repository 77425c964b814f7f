/* ocrdoc.c - a small pool of OCR workers fed in order, drained in order. */
#include "ocrdoc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <allheaders.h>

#include "report.h"

enum slot_state { SLOT_EMPTY, SLOT_READY, SLOT_BUSY, SLOT_DONE };

struct slot {
	enum slot_state state;
	int index;
	PIX *pix;
	struct cc_page_info info;
	struct cc_ocr_page ocr;
	int rc;
	struct cc_error err;
};

struct pool {
	const struct cc_ocr_doc_opts *o;
	pthread_mutex_t lock;
	pthread_cond_t ready; /* a slot became READY, or quit */
	pthread_cond_t done;  /* a slot became DONE, or a worker failed */
	struct slot *slots;
	int nslots;
	int quit;
	int init_failed;
	struct cc_error init_err;
};

/* The READY slot holding the lowest page index, or NULL. */
static struct slot *next_ready(struct pool *p)
{
	struct slot *best = NULL;

	for (int i = 0; i < p->nslots; i++)
		if (p->slots[i].state == SLOT_READY &&
		    (!best || p->slots[i].index < best->index))
			best = &p->slots[i];
	return best;
}

/* Small print on a small page (an ID card is 86 mm wide, its labels 5 to 6
 * points) is read far better at twice the resolution; the word boxes are
 * brought back to the page's pixels. */
#define SMALL_PAGE_INCHES 4.7
#define UPSCALE_MAX_DPI 400

static int recognise(struct cc_ocr_engine *e, struct slot *s, int assume_dpi)
{
	int dpi = cc_page_dpi(&s->info, assume_dpi, NULL), rc;
	PIX *big;

	if ((double)pixGetWidth(s->pix) / dpi >= SMALL_PAGE_INCHES ||
	    dpi > UPSCALE_MAX_DPI || pixGetDepth(s->pix) == 1)
		return cc_ocr_page(e, s->pix, dpi, &s->ocr, &s->err);
	big = pixGetDepth(s->pix) == 32 ? pixConvertRGBToLuminance(s->pix)
					: pixClone(s->pix);
	if (big) {
		PIX *t = pixScaleGrayLI(big, 2.0f, 2.0f);

		pixDestroy(&big);
		big = t;
	}
	if (!big)
		return cc_error_set(&s->err, CC_SYSTEM, "out of memory");
	rc = cc_ocr_page(e, big, 2 * dpi, &s->ocr, &s->err);
	pixDestroy(&big);
	for (size_t i = 0; rc == CC_OK && i < s->ocr.nwords; i++) {
		struct cc_ocr_word *w = &s->ocr.words[i];

		w->x0 /= 2;
		w->y0 /= 2;
		w->x1 = (w->x1 + 1) / 2;
		w->y1 = (w->y1 + 1) / 2;
		w->baseline /= 2;
	}
	return rc;
}

static void *worker(void *arg)
{
	double t0;
	struct pool *p = arg;
	struct cc_error err = {0, ""};
	struct cc_ocr_engine *e;

	e = cc_ocr_engine_new(p->o->lang, p->o->datapath, &err);
	pthread_mutex_lock(&p->lock);
	if (!e) {
		if (!p->init_failed) {
			p->init_failed = 1;
			p->init_err = err;
		}
		pthread_cond_broadcast(&p->done);
		pthread_mutex_unlock(&p->lock);
		return NULL;
	}
	for (;;) {
		struct slot *s;

		while (!p->quit && !(s = next_ready(p)))
			pthread_cond_wait(&p->ready, &p->lock);
		if (p->quit)
			break;
		s->state = SLOT_BUSY;
		pthread_mutex_unlock(&p->lock);

		cc_error_clear(&s->err);
		t0 = cc_now_ms();
		s->rc = recognise(e, s, p->o->assume_dpi);
		s->ocr.ms = cc_now_ms() - t0;

		pthread_mutex_lock(&p->lock);
		s->state = SLOT_DONE;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->lock);
	cc_ocr_engine_free(e);
	return NULL;
}

static void release_slot(struct slot *s)
{
	pixDestroy(&s->pix);
	cc_ocr_page_free(&s->ocr);
	s->state = SLOT_EMPTY;
}

int cc_ocr_document(const struct cc_ocr_doc_opts *o, cc_page_source src,
		    void *src_arg, cc_page_sink sink, void *sink_arg,
		    struct cc_error *err)
{
	struct pool p;
	pthread_t *threads;
	int jobs = o->jobs < 1 ? 1 : o->jobs, started = 0, rc = CC_OK;
	int next_read = 0, next_sink = 0, eof = 0;

	memset(&p, 0, sizeof(p));
	p.o = o;
	p.nslots = jobs + 1;
	p.slots = calloc((size_t)p.nslots, sizeof(*p.slots));
	threads = calloc((size_t)jobs, sizeof(*threads));
	if (!p.slots || !threads) {
		free(p.slots);
		free(threads);
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	}
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.ready, NULL);
	pthread_cond_init(&p.done, NULL);
	/* One worker loads its engine while the first page is read; the
	 * others start as more pages arrive, so a one-page document loads
	 * one Tesseract engine, not one per core. */
	if (pthread_create(&threads[0], NULL, worker, &p) == 0)
		started = 1;

	pthread_mutex_lock(&p.lock);
	for (;;) {
		struct slot *empty = NULL, *head = NULL;

		if (p.init_failed) {
			rc = cc_error_set(err, p.init_err.code, "%s",
					  p.init_err.msg);
			break;
		}
		for (int i = 0; i < p.nslots; i++) {
			if (p.slots[i].state == SLOT_EMPTY && !empty)
				empty = &p.slots[i];
			if (p.slots[i].state != SLOT_EMPTY &&
			    p.slots[i].index == next_sink)
				head = &p.slots[i];
		}
		/* Drain in order first: it frees a slot and the caller's
		 * output keeps pace. */
		if (head && head->state == SLOT_DONE) {
			pthread_mutex_unlock(&p.lock);
			if (head->rc) {
				rc = cc_error_set(
					err, head->err.code, "page %d: %s",
					head->index + 1, head->err.msg);
			} else {
				rc = sink(sink_arg, head->index, head->pix,
					  &head->info, &head->ocr, err);
			}
			release_slot(head);
			next_sink++;
			pthread_mutex_lock(&p.lock);
			if (rc)
				break;
			continue;
		}
		if (empty && !eof) {
			PIX *pix = NULL;

			/* Reading happens unlocked: workers go on meanwhile. */
			pthread_mutex_unlock(&p.lock);
			rc = src(src_arg, &pix, &empty->info, err);
			pthread_mutex_lock(&p.lock);
			if (rc)
				break;
			if (!pix) {
				eof = 1;
				continue;
			}
			empty->pix = pix;
			empty->index = next_read++;
			empty->state = SLOT_READY;
			if (started < jobs && started < next_read &&
			    pthread_create(&threads[started], NULL, worker,
					   &p) == 0)
				started++;
			if (started == 0) {
				rc = cc_error_set(err, CC_SYSTEM,
						  "cannot start OCR threads");
				break;
			}
			pthread_cond_signal(&p.ready);
			continue;
		}
		if (eof && next_sink == next_read)
			break;
		pthread_cond_wait(&p.done, &p.lock);
	}
	p.quit = 1;
	pthread_cond_broadcast(&p.ready);
	pthread_mutex_unlock(&p.lock);
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	for (int i = 0; i < p.nslots; i++)
		release_slot(&p.slots[i]);
	pthread_mutex_destroy(&p.lock);
	pthread_cond_destroy(&p.ready);
	pthread_cond_destroy(&p.done);
	free(p.slots);
	free(threads);
	return rc;
}
