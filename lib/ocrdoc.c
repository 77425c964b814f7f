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
	int looked; /* the look callback has seen it */
	PIX *pix;
	PIX *read;  /* a small page as it is read (see prepare), or NULL */
	int scale;  /* of read against pix: 1 or 2 */
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
	int eof; /* every page has been read */
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

/* A small page (an ID card is 86 mm wide, its labels 5 to 6 points) is
 * prepared before it is read. Under 300 dpi its small print is too coarse
 * and it is read at twice its resolution, the word boxes brought back to the
 * page's pixels. From 300 dpi on it is read at its own resolution, which
 * costs no more than Tesseract's own reading of the page, after a 3 x 3
 * mean: the fine lines of a card's security background and a scanner's
 * noise otherwise break letters into specks when Tesseract binarises the
 * page. (A Gaussian of sigma 1 reads the sample card's back with fewer
 * wrong characters, but fewer turned and noisy cards validate with it.) */
#define SMALL_PAGE_INCHES 4.7
#define SMALL_PAGE_MAX_DPI 400
#define UPSCALE_BELOW_DPI 300

int cc_ocr_small_page(const struct Pix *pix, int dpi)
{
	PIX *p = (PIX *)pix; /* Leptonica's getters take no const */

	return dpi > 0 && (double)pixGetWidth(p) / dpi < SMALL_PAGE_INCHES &&
	       dpi <= SMALL_PAGE_MAX_DPI && pixGetDepth(p) != 1;
}

/* Done by the reading thread before a worker takes the page, so that the
 * first page's preparation overlaps the loading of the first engine. */
static int prepare(struct slot *s, int assume_dpi, struct cc_error *err)
{
	int dpi = cc_page_dpi(&s->info, assume_dpi, NULL);
	PIX *g;

	if (!cc_ocr_small_page(s->pix, dpi))
		return CC_OK;
	g = pixGetDepth(s->pix) == 32 ? pixConvertRGBToLuminance(s->pix)
				      : pixConvertTo8(s->pix, 0);
	if (g && dpi < UPSCALE_BELOW_DPI) {
		s->read = pixScaleGrayLI(g, 2.0f, 2.0f);
		s->scale = 2;
	} else if (g) {
		s->read = pixBlockconv(g, 1, 1);
		s->scale = 1;
	}
	pixDestroy(&g);
	if (!s->read)
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	return CC_OK;
}

static int recognise(struct cc_ocr_engine *e, struct slot *s, int assume_dpi)
{
	int dpi = cc_page_dpi(&s->info, assume_dpi, NULL), k = s->scale, rc;

	if (!s->read)
		return cc_ocr_page(e, s->pix, dpi, &s->ocr, &s->err);
	rc = cc_ocr_page(e, s->read, k * dpi, &s->ocr, &s->err);
	for (size_t i = 0; rc == CC_OK && k > 1 && i < s->ocr.nwords; i++) {
		struct cc_ocr_word *w = &s->ocr.words[i];

		w->x0 /= k;
		w->y0 /= k;
		w->x1 = (w->x1 + k - 1) / k;
		w->y1 = (w->y1 + k - 1) / k;
		w->baseline /= k;
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
		struct slot *s = NULL;

		/* With every page read and none left to take, the engine is
		 * freed now, while the last pages are drained, not after. */
		while (!p->quit && !(s = next_ready(p)) && !p->eof)
			pthread_cond_wait(&p->ready, &p->lock);
		if (p->quit || !s)
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
	pixDestroy(&s->read);
	cc_ocr_page_free(&s->ocr);
	s->looked = 0;
	s->state = SLOT_EMPTY;
}

int cc_ocr_document(const struct cc_ocr_doc_opts *o, cc_page_source src,
		    cc_page_look look, cc_page_sink sink, void *arg,
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
		struct slot *empty = NULL, *head = NULL, *unseen = NULL;

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
			if (p.slots[i].state != SLOT_EMPTY &&
			    !p.slots[i].looked &&
			    (!unseen || p.slots[i].index < unseen->index))
				unseen = &p.slots[i];
		}
		/* Drain in order first: it frees a slot and the caller's
		 * output keeps pace. */
		if (head && head->state == SLOT_DONE && head->looked) {
			pthread_mutex_unlock(&p.lock);
			if (head->rc) {
				rc = cc_error_set(
					err, head->err.code, "page %d: %s",
					head->index + 1, head->err.msg);
			} else {
				rc = sink(arg, head->index, head->pix,
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
			rc = src(arg, &pix, &empty->info, err);
			pthread_mutex_lock(&p.lock);
			if (rc)
				break;
			if (!pix) {
				eof = p.eof = 1;
				pthread_cond_broadcast(&p.ready);
				continue;
			}
			empty->pix = pix;
			pthread_mutex_unlock(&p.lock);
			rc = prepare(empty, o->assume_dpi, err);
			pthread_mutex_lock(&p.lock);
			if (rc) {
				pixDestroy(&empty->pix);
				break;
			}
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
			empty->looked = !look;
			pthread_cond_signal(&p.ready);
			continue;
		}
		/* After reading, so that every worker has a page first. The
		 * slot stays until this thread drains it, and workers do not
		 * change what look reads. */
		if (unseen) {
			pthread_mutex_unlock(&p.lock);
			rc = look(arg, unseen->index, unseen->pix,
				  &unseen->info, err);
			pthread_mutex_lock(&p.lock);
			unseen->looked = 1;
			if (rc)
				break;
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
