/* buf.c - growable byte buffers (buf.h). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>

#include "buf.h"

int cc_buf_grow(struct cc_buf *b, size_t more)
{
	size_t cap;
	unsigned char *p;

	if (b->failed)
		return -1;
	if (more <= b->cap - b->len)
		return 0;
	if (more > SIZE_MAX / 4 - b->len) {
		b->failed = 1;
		return -1;
	}
	cap = b->cap ? b->cap : 256;
	while (cap - b->len < more)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p) {
		b->failed = 1;
		return -1;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

void cc_buf_put(struct cc_buf *b, const void *p, size_t n)
{
	if (n && !cc_buf_grow(b, n)) {
		memcpy(b->data + b->len, p, n);
		b->len += n;
	}
}

void cc_buf_puts(struct cc_buf *b, const char *s)
{
	cc_buf_put(b, s, strlen(s));
}

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void make_c_locale(void)
{
	c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

/* PDF and JSON numbers have a decimal point whatever the program's
 * locale: printf runs in the C locale here. */
void cc_buf_printf(struct cc_buf *b, const char *fmt, ...)
{
	va_list ap;
	locale_t old = (locale_t)0;
	int n;

	pthread_once(&c_locale_once, make_c_locale);
	if (c_locale)
		old = uselocale(c_locale);
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || cc_buf_grow(b, (size_t)n + 1)) {
		b->failed = 1;
		goto out;
	}
	va_start(ap, fmt);
	if (vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap) != n)
		b->failed = 1;
	else
		b->len += (size_t)n;
	va_end(ap);
out:
	if (old)
		uselocale(old);
}

void cc_buf_num(struct cc_buf *b, double v)
{
	long long n, a;

	if (!(v > -1e12 && v < 1e12))
		v = 0;
	n = llround(v * 1000);
	a = n < 0 ? -n : n;
	cc_buf_printf(b, "%s%lld", n < 0 ? "-" : "", a / 1000);
	if (a % 1000) {
		char frac[8];
		int len = snprintf(frac, sizeof(frac), ".%03lld", a % 1000);

		while (len > 1 && frac[len - 1] == '0')
			len--;
		cc_buf_put(b, frac, (size_t)len);
	}
}

void cc_buf_u16(struct cc_buf *b, unsigned v)
{
	unsigned char x[2] = {(unsigned char)(v >> 8), (unsigned char)v};

	cc_buf_put(b, x, 2);
}

/* Big-endian 16-bit fields; negative values in two's complement. */
void cc_buf_u16s(struct cc_buf *b, const int *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cc_buf_u16(b, (unsigned)v[i] & 0xffff);
}

void cc_buf_free(struct cc_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

/* The character at s (len > 0 bytes left); *n gets its length. Malformed
 * UTF-8 gives U+FFFD for the longest bad prefix. */
uint32_t cc_utf8_next(const unsigned char *s, size_t len, size_t *n)
{
	uint32_t c = s[0], min;
	size_t k;

	*n = 1;
	if (c < 0x80)
		return c;
	if (c >= 0xc2 && c <= 0xdf) {
		k = 1, c &= 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		k = 2, c &= 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		k = 3, c &= 0x07, min = 0x10000;
	} else {
		return 0xfffd;
	}
	for (size_t i = 1; i <= k; i++) {
		if (i >= len || (s[i] & 0xc0) != 0x80) {
			*n = i;
			return 0xfffd;
		}
		c = c << 6 | (s[i] & 0x3f);
	}
	*n = k + 1;
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0xfffd;
	return c;
}

void cc_buf_utf8(struct cc_buf *b, uint32_t c)
{
	unsigned char u[4];
	size_t n;

	if (c < 0x80) {
		u[0] = (unsigned char)c, n = 1;
	} else if (c < 0x800) {
		u[0] = (unsigned char)(0xc0 | c >> 6), n = 2;
	} else if (c < 0x10000) {
		u[0] = (unsigned char)(0xe0 | c >> 12), n = 3;
	} else {
		u[0] = (unsigned char)(0xf0 | c >> 18), n = 4;
	}
	for (size_t i = 1; i < n; i++)
		u[i] = (unsigned char)(0x80 |
				       ((c >> (6 * (n - 1 - i))) & 0x3f));
	cc_buf_put(b, u, n);
}

/* A PDF text string: literal when printable ASCII, else UTF-16BE with a
 * byte order mark, in hex. */
void cc_buf_pdf_text(struct cc_buf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len = strlen(str), n;
	int ascii = 1;

	for (size_t i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			ascii = 0;
	if (ascii) {
		cc_buf_puts(b, "(");
		for (size_t i = 0; i < len; i++) {
			if (s[i] == '(' || s[i] == ')' || s[i] == '\\')
				cc_buf_puts(b, "\\");
			cc_buf_put(b, s + i, 1);
		}
		cc_buf_puts(b, ")");
		return;
	}
	cc_buf_puts(b, "<FEFF");
	for (size_t i = 0; i < len; i += n) {
		uint32_t c = cc_utf8_next(s + i, len - i, &n);

		if (c >= 0x10000)
			cc_buf_printf(b, "%04X%04X",
				      0xd800 + ((c - 0x10000) >> 10),
				      0xdc00 + ((c - 0x10000) & 0x3ff));
		else
			cc_buf_printf(b, "%04X", c);
	}
	cc_buf_puts(b, ">");
}

int cc_buf_read_file(struct cc_buf *b, const char *path, size_t max,
		     struct cc_error *err)
{
	int use_stdin = strcmp(path, "-") == 0;
	FILE *fp = use_stdin ? stdin : fopen(path, "rb");
	int rc = CC_OK;

	if (!fp)
		return cc_error_set(
			err,
			errno == ENOENT || errno == EACCES || errno == EISDIR
				? CC_INPUT
				: CC_SYSTEM,
			"cannot open '%s': %s", path, strerror(errno));
	for (;;) {
		size_t n;

		if (b->len > max) {
			rc = cc_error_set(err, CC_INPUT,
					  "cannot read '%s': larger than %zu "
					  "MiB",
					  path, max >> 20);
			break;
		}
		if (cc_buf_grow(b, b->cap > b->len ? 1 : b->cap + 1)) {
			rc = cc_error_set(err, CC_SYSTEM, "out of memory");
			break;
		}
		n = fread(b->data + b->len, 1, b->cap - b->len, fp);
		b->len += n;
		if (n == 0) {
			if (ferror(fp))
				rc = cc_error_set(err, CC_INPUT,
						  "cannot read '%s': %s", path,
						  strerror(errno));
			break;
		}
	}
	if (!use_stdin)
		fclose(fp);
	return rc;
}

int cc_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
