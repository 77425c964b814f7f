/* dynlib.c - shared libraries loaded at first use (dynlib.h). */
#include "dynlib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

/* Loads are rare and short; one lock for all of them is enough. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void clear(const struct cc_dynsym *s)
{
	void *none = NULL;

	for (; s->name; s++)
		memcpy(s->where, &none, sizeof(none));
}

/* Called with the lock held: 1, or -1 with l->why said. */
static int load(struct cc_dynlib *l)
{
	const struct cc_dynsym *s;
	const char *why;
	void *h, *f;

	dlerror();
	h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		goto fail;
	for (s = l->syms; s->name; s++) {
		dlerror();
		f = dlsym(h, s->name);
		if (!f)
			goto fail;
		/* POSIX has a function pointer and a void * alike; memcpy,
		 * because C has no conversion between them. */
		memcpy(s->where, &f, sizeof(f));
	}
	return 1;
fail:
	why = dlerror();
	snprintf(l->why, sizeof(l->why), "cannot load %s: %s", l->soname,
		 why ? why : "not found");
	clear(l->syms);
	if (h)
		dlclose(h);
	return -1;
}

int cc_dynlib_load(struct cc_dynlib *l, struct cc_error *err)
{
	int state = atomic_load_explicit(&l->state, memory_order_acquire);

	if (!state) {
		pthread_mutex_lock(&lock);
		state = atomic_load_explicit(&l->state, memory_order_relaxed);
		if (!state) {
			state = load(l);
			atomic_store_explicit(&l->state, state,
					      memory_order_release);
		}
		pthread_mutex_unlock(&lock);
	}
	if (state < 0)
		return cc_error_set(err, CC_SYSTEM, "%s", l->why);
	return CC_OK;
}
