/*
 * dynlib.h - a shared library loaded at first use with dlopen, rather than
 * linked: libcurl (http.c), libpq (register_pg.c) and zbar (qr.c) bring
 * some forty more libraries with them, and most runs of a tool never use
 * them. A module lists the functions it calls once; each becomes a static
 * pointer sym_NAME, of the type the library's header gives NAME:
 *
 *	#define LIBZ(X) X(zlibVersion) X(crc32)
 *	CC_DYNLIB(libz, "libz.so.1", LIBZ);
 *	...
 *	if (cc_dynlib_load(&libz, err))
 *		return CC_SYSTEM;
 *	v = sym_zlibVersion();
 *
 * The library is the one of that soname, as the distribution installs it.
 */
#ifndef CC_DYNLIB_H
#define CC_DYNLIB_H

#include "error.h"

/* A function to look up, and the function pointer that receives it. */
struct cc_dynsym {
	const char *name;
	void *where;
};

struct cc_dynlib {
	const char *soname;
	const struct cc_dynsym *syms; /* ends with {NULL, NULL} */
	/* Owned by cc_dynlib_load: 0 not tried, 1 loaded, -1 failed (why). */
	_Atomic int state;
	char why[256];
};

/*
 * Load l->soname and fill every pointer of l->syms, once per process: later
 * calls, from any thread, give the first one's answer. CC_OK, or CC_SYSTEM
 * "cannot load libcurl.so.4: <dlerror's text>" when the library or one of
 * its functions is missing (then every pointer is left NULL). Never unloaded.
 */
int cc_dynlib_load(struct cc_dynlib *l, struct cc_error *err);

#define CC_DYNLIB_PTR(name) static __typeof__(name) *sym_##name;
#define CC_DYNLIB_SYM(name) {#name, &sym_##name},

/* The pointers sym_NAME of the functions LIST names (LIST(X) is X(NAME)
 * X(NAME) ...), and the struct cc_dynlib var that loads them from soname. */
#define CC_DYNLIB(var, soname, LIST)                                           \
	LIST(CC_DYNLIB_PTR)                                                    \
	static struct cc_dynlib var = {                                        \
		(soname),                                                      \
		(const struct cc_dynsym[]){LIST(CC_DYNLIB_SYM){NULL, NULL}},   \
		0, ""}

#endif
