/* scanner.c - page acquisition through SANE. */
#include "scanner.h"

#include <errno.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <strings.h>

#include <allheaders.h>
#include <sane/sane.h>
#include <sane/saneopts.h>

struct cc_scanner {
	SANE_Handle h;
	int adf;
	int pages;
	int done;
	int dpi;
	char desc[256];
	char name[128];
};

static int sane_fail(const struct cc_scanner *sc, SANE_Status st,
		     const char *what, struct cc_error *err)
{
	return cc_error_set(err, CC_SYSTEM, "scanner '%s': %s: %s", sc->name,
			    what, sane_strstatus(st));
}

static int find_option(SANE_Handle h, const char *name,
		       const SANE_Option_Descriptor **desc)
{
	SANE_Int n = 0;

	if (sane_control_option(h, 0, SANE_ACTION_GET_VALUE, &n, NULL) !=
	    SANE_STATUS_GOOD)
		return -1;
	for (SANE_Int i = 1; i < n; i++) {
		const SANE_Option_Descriptor *d =
			sane_get_option_descriptor(h, i);

		if (d && d->name && strcmp(d->name, name) == 0) {
			*desc = d;
			return i;
		}
	}
	return -1;
}

/* A string-list value matching one of the wanted words (case-insensitive,
 * exact first, then as a substring). */
static const char *pick_string(const SANE_Option_Descriptor *d,
			       const char *const *want)
{
	if (d->constraint_type != SANE_CONSTRAINT_STRING_LIST)
		return want[0];
	for (const char *const *w = want; *w; w++)
		for (const SANE_String_Const *s = d->constraint.string_list; *s;
		     s++)
			if (strcasecmp(*s, *w) == 0)
				return *s;
	for (const char *const *w = want; *w; w++)
		for (const SANE_String_Const *s = d->constraint.string_list; *s;
		     s++)
			if (strcasestr(*s, *w))
				return *s;
	return NULL;
}

/* Set option name from text; a missing or inactive option is an error only
 * when required. */
static int set_option(struct cc_scanner *sc, const char *name, const char *text,
		      int required, struct cc_error *err)
{
	const SANE_Option_Descriptor *d = NULL;
	int i = find_option(sc->h, name, &d);
	SANE_Status st;
	SANE_Int info = 0;
	void *val;
	SANE_Word word;
	char *end, *sbuf = NULL;
	int rc = CC_OK;

	if (i < 0 || !SANE_OPTION_IS_ACTIVE(d->cap) ||
	    !SANE_OPTION_IS_SETTABLE(d->cap)) {
		if (!required)
			return CC_OK;
		return cc_error_set(err, CC_USAGE,
				    "scanner '%s' has no settable option '%s'",
				    sc->name, name);
	}
	switch (d->type) {
	case SANE_TYPE_BOOL:
		if (!strcasecmp(text, "yes") || !strcasecmp(text, "true") ||
		    !strcmp(text, "1"))
			word = SANE_TRUE;
		else if (!strcasecmp(text, "no") ||
			 !strcasecmp(text, "false") || !strcmp(text, "0"))
			word = SANE_FALSE;
		else
			goto bad;
		val = &word;
		break;
	case SANE_TYPE_INT:
	case SANE_TYPE_FIXED: {
		double v;

		errno = 0;
		v = strtod(text, &end);
		if (errno || end == text || *end ||
		    d->size != sizeof(SANE_Word))
			goto bad;
		word = d->type == SANE_TYPE_INT ? (SANE_Word)v : SANE_FIX(v);
		val = &word;
		break;
	}
	case SANE_TYPE_STRING: {
		const char *want[] = {text, NULL};
		const char *s = pick_string(d, want);
		size_t len;

		if (!s)
			goto bad;
		len = strlen(s);
		if ((SANE_Int)len >= d->size)
			goto bad;
		sbuf = calloc(1, (size_t)d->size);
		if (!sbuf)
			return cc_error_set(err, CC_SYSTEM, "out of memory");
		memcpy(sbuf, s, len);
		val = sbuf;
		break;
	}
	case SANE_TYPE_BUTTON:
		val = NULL;
		break;
	default:
		goto bad;
	}
	st = sane_control_option(sc->h, i, SANE_ACTION_SET_VALUE, val, &info);
	if (st != SANE_STATUS_GOOD)
		rc = cc_error_set(err, CC_USAGE,
				  "scanner '%s': cannot set '%s' to '%s': %s",
				  sc->name, name, text, sane_strstatus(st));
	free(sbuf);
	return rc;
bad:
	return cc_error_set(err, CC_USAGE,
			    "scanner '%s': '%s' is not a valid value for '%s'",
			    sc->name, text, name);
}

static int set_choice(struct cc_scanner *sc, const char *name,
		      const char *const *want, const char *asked,
		      struct cc_error *err)
{
	const SANE_Option_Descriptor *d = NULL;
	const char *v;

	if (find_option(sc->h, name, &d) < 0 || !SANE_OPTION_IS_ACTIVE(d->cap))
		return CC_OK; /* the device has no such choice */
	v = pick_string(d, want);
	if (!v)
		return cc_error_set(err, CC_USAGE,
				    "scanner '%s' does not offer %s '%s'",
				    sc->name, name, asked);
	return set_option(sc, name, v, 1, err);
}

static int read_resolution(struct cc_scanner *sc)
{
	const SANE_Option_Descriptor *d = NULL;
	int i = find_option(sc->h, SANE_NAME_SCAN_RESOLUTION, &d);
	SANE_Word w = 0;

	if (i < 0 || d->size != sizeof(SANE_Word) ||
	    sane_control_option(sc->h, i, SANE_ACTION_GET_VALUE, &w, NULL) !=
		    SANE_STATUS_GOOD)
		return 0;
	return d->type == SANE_TYPE_FIXED ? (int)(SANE_UNFIX(w) + 0.5) : w;
}

struct cc_scanner *cc_scanner_open(const struct cc_scan_settings *s,
				   struct cc_error *err)
{
	static const char *const color[] = {SANE_VALUE_SCAN_MODE_COLOR, "Color",
					    "RGB", NULL};
	static const char *const gray[] = {SANE_VALUE_SCAN_MODE_GRAY, "Gray",
					   "Grey", NULL};
	static const char *const lineart[] = {SANE_VALUE_SCAN_MODE_LINEART,
					      "Lineart", "Binary", NULL};
	static const char *const flatbed[] = {"Flatbed", "Normal", NULL};
	static const char *const adf[] = {"ADF", "Automatic Document Feeder",
					  "ADF Front", "Feeder", NULL};
	struct cc_scanner *sc = calloc(1, sizeof(*sc));
	const SANE_Device **devs = NULL;
	SANE_Int version;
	SANE_Status st;
	char num[32];

	if (!sc) {
		cc_error_set(err, CC_SYSTEM, "out of memory");
		return NULL;
	}
	snprintf(sc->name, sizeof(sc->name), "%s", s->device);
	st = sane_init(&version, NULL);
	if (st != SANE_STATUS_GOOD) {
		sane_fail(sc, st, "cannot initialise SANE", err);
		free(sc);
		return NULL;
	}
	st = sane_open(s->device, &sc->h);
	if (st != SANE_STATUS_GOOD) {
		cc_error_set(err, CC_SYSTEM, "cannot open scanner '%s': %s",
			     s->device, sane_strstatus(st));
		sc->h = NULL;
		goto fail;
	}
	snprintf(sc->desc, sizeof(sc->desc), "%s", s->device);
	if (sane_get_devices(&devs, SANE_TRUE) == SANE_STATUS_GOOD && devs)
		for (int i = 0; devs[i]; i++)
			if (strcmp(devs[i]->name, s->device) == 0)
				snprintf(sc->desc, sizeof(sc->desc),
					 "%s %s (%s)", devs[i]->vendor,
					 devs[i]->model, s->device);
	if (s->mode) {
		const char *const *want = !strcmp(s->mode, "color") ? color
					  : !strcmp(s->mode, "lineart")
						  ? lineart
						  : gray;
		/* A device without line-art still scans gray; the caller
		 * binarises. */
		if (set_choice(sc, SANE_NAME_SCAN_MODE, want, s->mode, err) &&
		    strcmp(s->mode, "lineart") != 0)
			goto fail;
		if (!strcmp(s->mode, "lineart") &&
		    set_choice(sc, SANE_NAME_SCAN_MODE, gray, "gray", err))
			goto fail;
	}
	if (s->source) {
		sc->adf = strcmp(s->source, "adf") == 0;
		if (set_choice(sc, SANE_NAME_SCAN_SOURCE,
			       sc->adf ? adf : flatbed, s->source, err))
			goto fail;
	}
	if (s->resolution > 0) {
		snprintf(num, sizeof(num), "%d", s->resolution);
		if (set_option(sc, SANE_NAME_SCAN_RESOLUTION, num, 0, err))
			goto fail;
	}
	for (int i = 0; i < s->noptions; i++) {
		char *eq = strchr(s->options[i], '=');
		char name[128];

		if (!eq || eq == s->options[i] ||
		    (size_t)(eq - s->options[i]) >= sizeof(name)) {
			cc_error_set(err, CC_USAGE,
				     "'%s': a scanner option is NAME=VALUE",
				     s->options[i]);
			goto fail;
		}
		memcpy(name, s->options[i], (size_t)(eq - s->options[i]));
		name[eq - s->options[i]] = '\0';
		if (set_option(sc, name, eq + 1, 1, err))
			goto fail;
	}
	sc->dpi = read_resolution(sc);
	if (sc->dpi <= 0)
		sc->dpi = s->resolution;
	return sc;
fail:
	cc_scanner_close(sc);
	return NULL;
}

const char *cc_scanner_description(const struct cc_scanner *sc)
{
	return sc->desc;
}

/* Closing a device runs in a thread of its own, waited for a while only: a
 * backend can hang in its cancel (SANE's test backend cancels its reader
 * thread asynchronously and now and then leaves it deadlocked in malloc),
 * and a kiosk must not hang with it. A close that does not finish is left
 * to the process's exit. */
#define CLOSE_WAIT_S 10

struct closer {
	SANE_Handle h;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int done;
};

static void *close_device(void *arg)
{
	struct closer *c = arg;

	sane_cancel(c->h);
	sane_close(c->h);
	sane_exit();
	pthread_mutex_lock(&c->lock);
	c->done = 1;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

void cc_scanner_close(struct cc_scanner *sc)
{
	struct closer *c;
	struct timespec until;
	pthread_t t;
	int done;

	if (!sc)
		return;
	c = sc->h ? calloc(1, sizeof(*c)) : NULL;
	if (!c) {
		if (sc->h) {
			sane_cancel(sc->h);
			sane_close(sc->h);
		}
		sane_exit();
		free(sc);
		return;
	}
	c->h = sc->h;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	if (pthread_create(&t, NULL, close_device, c)) {
		close_device(c);
		done = 1;
	} else {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += CLOSE_WAIT_S;
		pthread_mutex_lock(&c->lock);
		while (!c->done &&
		       pthread_cond_timedwait(&c->cond, &c->lock, &until) == 0)
			;
		done = c->done;
		pthread_mutex_unlock(&c->lock);
		if (done)
			pthread_join(t, NULL);
		else
			pthread_detach(t); /* c stays theirs */
	}
	if (done) {
		pthread_mutex_destroy(&c->lock);
		pthread_cond_destroy(&c->cond);
		free(c);
	}
	free(sc);
}

/* Read one frame's bytes; lines < 0 means the device does not know. */
static int read_frame(struct cc_scanner *sc, const SANE_Parameters *p,
		      unsigned char **pbuf, size_t *plen, struct cc_error *err)
{
	size_t cap, len = 0;
	unsigned char *buf, *nb;
	SANE_Status st;
	SANE_Int n;
	size_t max = (size_t)CC_IMAGE_MAX_PIXELS * 3 * 2;

	cap = p->lines > 0 ? (size_t)p->bytes_per_line * (size_t)p->lines
			   : (size_t)p->bytes_per_line * 1024;
	if (cap == 0 || cap > max)
		return cc_error_set(err, CC_SYSTEM,
				    "scanner '%s': implausible frame size",
				    sc->name);
	buf = malloc(cap);
	if (!buf)
		return cc_error_set(err, CC_SYSTEM, "out of memory");
	for (;;) {
		if (len == cap) {
			if (p->lines > 0 || cap * 2 > max) {
				/* More data than announced: stop at what
				 * the parameters promised. */
				if (p->lines > 0)
					break;
				free(buf);
				return cc_error_set(err, CC_SYSTEM,
						    "scanner '%s': page too "
						    "long",
						    sc->name);
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return cc_error_set(err, CC_SYSTEM,
						    "out of memory");
			}
			buf = nb;
			cap *= 2;
		}
		n = 0;
		st = sane_read(
			sc->h, buf + len,
			(SANE_Int)(cap - len > 1 << 20 ? 1 << 20 : cap - len),
			&n);
		if (st == SANE_STATUS_EOF)
			break;
		if (st != SANE_STATUS_GOOD) {
			free(buf);
			return sane_fail(sc, st,
					 sc->pages ? "failed during the scan"
						   : "cannot scan",
					 err);
		}
		len += (size_t)n;
	}
	*pbuf = buf;
	*plen = len;
	return CC_OK;
}

static int sample(const unsigned char *row, int x, int c, int nch, int depth)
{
	if (depth == 1)
		return (row[x >> 3] >> (7 - (x & 7))) & 1 ? 0 : 255;
	if (depth == 16) {
		unsigned short v;

		memcpy(&v, row + 2 * ((size_t)x * nch + c), 2);
		return v >> 8;
	}
	return row[(size_t)x * nch + c];
}

int cc_scanner_next(struct cc_scanner *sc, PIX **page,
		    struct cc_page_info *info, struct cc_error *err)
{
	unsigned char *frame[3] = {NULL, NULL, NULL};
	size_t flen[3] = {0, 0, 0};
	SANE_Parameters p, first;
	PIX *pix = NULL;
	int color = 0, rc = CC_OK, w, h;
	SANE_Status st;

	*page = NULL;
	memset(info, 0, sizeof(*info));
	memset(&first, 0, sizeof(first));
	if (sc->done || (!sc->adf && sc->pages > 0))
		return CC_OK;
	for (int nframes = 0;; nframes++) {
		int ch;

		st = sane_start(sc->h);
		if (st == SANE_STATUS_NO_DOCS && nframes == 0) {
			if (sc->pages > 0) {
				sc->done = 1;
				return CC_OK;
			}
			return cc_error_set(err, CC_SYSTEM,
					    "scanner '%s': no document in "
					    "the feeder",
					    sc->name);
		}
		if (st != SANE_STATUS_GOOD) {
			rc = sane_fail(sc, st, "cannot start the scan", err);
			goto out;
		}
		if ((st = sane_get_parameters(sc->h, &p)) != SANE_STATUS_GOOD) {
			rc = sane_fail(sc, st, "no scan parameters", err);
			goto out;
		}
		if ((p.depth != 1 && p.depth != 8 && p.depth != 16) ||
		    p.pixels_per_line <= 0 || p.bytes_per_line <= 0 ||
		    p.pixels_per_line > CC_IMAGE_MAX_SIDE ||
		    p.lines > CC_IMAGE_MAX_SIDE ||
		    (p.format == SANE_FRAME_RGB && p.depth == 1) ||
		    (size_t)p.bytes_per_line <
			    (p.depth == 1 ? (size_t)(p.pixels_per_line + 7) / 8
					  : (size_t)p.pixels_per_line *
						    (p.format == SANE_FRAME_RGB
							     ? 3
							     : 1) *
						    (size_t)(p.depth / 8))) {
			rc = cc_error_set(err, CC_SYSTEM,
					  "scanner '%s': unsupported image "
					  "(%d pixels a line, depth %d)",
					  sc->name, p.pixels_per_line, p.depth);
			goto out;
		}
		ch = p.format == SANE_FRAME_RED	    ? 0
		     : p.format == SANE_FRAME_GREEN ? 1
		     : p.format == SANE_FRAME_BLUE  ? 2
						    : 0;
		if (nframes == 0)
			first = p;
		if (p.format == SANE_FRAME_RGB || p.format == SANE_FRAME_RED ||
		    p.format == SANE_FRAME_GREEN || p.format == SANE_FRAME_BLUE)
			color = 1;
		if (nframes >= 3 || frame[ch] ||
		    p.pixels_per_line != first.pixels_per_line) {
			rc = cc_error_set(err, CC_SYSTEM,
					  "scanner '%s': inconsistent frames",
					  sc->name);
			goto out;
		}
		if ((rc = read_frame(sc, &p, &frame[ch], &flen[ch], err)))
			goto out;
		if (p.last_frame)
			break;
	}
	w = first.pixels_per_line;
	h = (int)(flen[first.format == SANE_FRAME_GREEN	 ? 1
		       : first.format == SANE_FRAME_BLUE ? 2
							 : 0] /
		  (size_t)first.bytes_per_line);
	if (first.lines > 0 && h > first.lines)
		h = first.lines;
	if (h <= 0 || (unsigned long long)w * h > CC_IMAGE_MAX_PIXELS) {
		rc = cc_error_set(err, CC_SYSTEM,
				  "scanner '%s': the device sent no image",
				  sc->name);
		goto out;
	}
	if (first.format != SANE_FRAME_GRAY && first.format != SANE_FRAME_RGB)
		for (int c = 0; c < 3; c++)
			if (!frame[c] ||
			    flen[c] / (size_t)first.bytes_per_line <
				    (size_t)h) {
				rc = cc_error_set(err, CC_SYSTEM,
						  "scanner '%s': a colour "
						  "frame is missing",
						  sc->name);
				goto out;
			}
	pix = pixCreateNoInit(w, h, color ? 32 : 8);
	if (!pix) {
		rc = cc_error_set(err, CC_SYSTEM, "out of memory");
		goto out;
	}
	for (int y = 0; y < h; y++) {
		l_uint32 *line = pixGetData(pix) + (size_t)y * pixGetWpl(pix);
		size_t off = (size_t)y * (size_t)first.bytes_per_line;

		for (int x = 0; x < w; x++) {
			if (!color) {
				SET_DATA_BYTE(line, x,
					      sample(frame[0] + off, x, 0, 1,
						     first.depth));
			} else if (first.format == SANE_FRAME_RGB) {
				const unsigned char *r = frame[0] + off;

				line[x] = ((l_uint32)sample(r, x, 0, 3,
							    first.depth)
					   << L_RED_SHIFT) |
					  ((l_uint32)sample(r, x, 1, 3,
							    first.depth)
					   << L_GREEN_SHIFT) |
					  ((l_uint32)sample(r, x, 2, 3,
							    first.depth)
					   << L_BLUE_SHIFT);
			} else {
				line[x] = ((l_uint32)sample(frame[0] + off, x,
							    0, 1, first.depth)
					   << L_RED_SHIFT) |
					  ((l_uint32)sample(frame[1] + off, x,
							    0, 1, first.depth)
					   << L_GREEN_SHIFT) |
					  ((l_uint32)sample(frame[2] + off, x,
							    0, 1, first.depth)
					   << L_BLUE_SHIFT);
			}
		}
	}
	info->width = w;
	info->height = h;
	info->xres = info->yres = sc->dpi;
	info->bilevel = first.depth == 1;
	info->color = color;
	pixSetResolution(pix, sc->dpi, sc->dpi);
	*page = pix;
	sc->pages++;
out:
	for (int c = 0; c < 3; c++)
		free(frame[c]);
	if (rc)
		sc->done = 1;
	return rc;
}

int cc_scanner_list(void (*fn)(const char *name, const char *vendor,
			       const char *model, const char *type, void *arg),
		    void *arg, struct cc_error *err)
{
	const SANE_Device **devs = NULL;
	SANE_Int version;
	SANE_Status st = sane_init(&version, NULL);

	if (st != SANE_STATUS_GOOD)
		return cc_error_set(err, CC_SYSTEM,
				    "cannot initialise SANE: %s",
				    sane_strstatus(st));
	st = sane_get_devices(&devs, SANE_FALSE);
	if (st != SANE_STATUS_GOOD) {
		sane_exit();
		return cc_error_set(err, CC_SYSTEM, "cannot list scanners: %s",
				    sane_strstatus(st));
	}
	for (int i = 0; devs && devs[i]; i++)
		fn(devs[i]->name, devs[i]->vendor, devs[i]->model,
		   devs[i]->type, arg);
	sane_exit();
	return CC_OK;
}
