/*
 * sigstruct.c - revisions and signature structure of a PDF (sigstruct.h).
 * The revisions come from the raw bytes (the startxref and /Prev chain);
 * the signatures from qpdf's reading of the final document, through qpdf's
 * C API directly: lib/pdf.c opens files for signing and keeps its qpdf
 * handle to itself. Each signature's /ByteRange and /Contents are then
 * checked against the raw bytes, which are what a digest covers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qpdf/qpdf-c.h>
#include <zlib.h>

#include "buf.h"
#include "sigstruct.h"
#include "stamp.h"

#define MAX_SECTIONS 1024 /* cross-reference sections followed */
#define MAX_SIGS 1024
#define MAX_NODES 100000	 /* field tree nodes visited */
#define MAX_DEPTH 64		 /* of field trees and DER */
#define MAX_DSS 1000		 /* streams read from each /DSS array */
#define MAX_DSS_BYTES (4u << 20) /* of one /DSS stream, decoded */

/* ---- raw bytes ---- */

static int is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\0';
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static size_t skip_ws(const unsigned char *d, size_t len, size_t i)
{
	while (i < len && is_ws(d[i]))
		i++;
	return i;
}

/* The first s in d[from, to), or to when there is none. */
static size_t find(const unsigned char *d, size_t from, size_t to,
		   const char *s)
{
	size_t n = strlen(s);

	if (from >= to || to - from < n)
		return to;
	const unsigned char *p = memmem(d + from, to - from, s, n);

	return p ? (size_t)(p - d) : to;
}

/* A decimal number at *i (at most 18 digits: no overflow); -1 if none. */
static int read_num(const unsigned char *d, size_t len, size_t *i,
		    unsigned long long *v)
{
	size_t k = *i, digits = 0;

	*v = 0;
	while (k < len && is_digit(d[k])) {
		if (++digits > 18)
			return -1;
		*v = *v * 10 + (unsigned)(d[k++] - '0');
	}
	if (!digits)
		return -1;
	*i = k;
	return 0;
}

/* "startxref N %%EOF" at i: N, and the offset past %%EOF and one EOL. */
static int startxref_at(const unsigned char *d, size_t len, size_t i,
			unsigned long long *n, size_t *end)
{
	i += 9; /* "startxref" */
	i = skip_ws(d, len, i);
	if (read_num(d, len, &i, n))
		return -1;
	i = skip_ws(d, len, i);
	if (len - i < 5 || memcmp(d + i, "%%EOF", 5))
		return -1;
	i += 5;
	if (i < len && d[i] == '\r')
		i++;
	if (i < len && d[i] == '\n' && d[i - 1] != '\n')
		i++;
	*end = i;
	return 0;
}

/* The end of the revision whose cross-reference section is at x. */
static int section_end(const unsigned char *d, size_t len, size_t x,
		       size_t *end)
{
	int any = 0;

	for (size_t i = find(d, x, len, "startxref"); i < len;
	     i = find(d, i + 1, len, "startxref")) {
		unsigned long long n;
		size_t e;

		if (startxref_at(d, len, i, &n, &e))
			continue;
		if (n == x) {
			*end = e;
			return 0;
		}
		if (!any) {
			any = 1;
			*end = e;
		}
	}
	return any ? 0 : -1;
}

/* The /Prev of the section at x (ending by end): 1 and *prev, 0 when it
 * has none, -1 when the section is not one. */
static int section_prev(const unsigned char *d, size_t len, size_t x,
			size_t end, unsigned long long *prev)
{
	size_t i = skip_ws(d, len, x), from, to;
	unsigned long long v;

	if (len - i >= 4 && !memcmp(d + i, "xref", 4)) {
		from = find(d, i, end, "trailer");
		to = find(d, from, end, "startxref");
	} else {
		/* "N G obj": a cross-reference stream, /Prev in its dictionary */
		for (int k = 0; k < 2; k++)
			if (read_num(d, len, &i, &v) || i >= len ||
			    !is_ws(d[i]))
				return -1;
			else
				i = skip_ws(d, len, i);
		if (len - i < 3 || memcmp(d + i, "obj", 3))
			return -1;
		from = i;
		to = find(d, from, end, "stream");
	}
	if (from >= end)
		return -1;
	for (i = find(d, from, to, "/Prev"); i < to;
	     i = find(d, i + 1, to, "/Prev")) {
		size_t k = i + 5;

		if (k >= len || !is_ws(d[k]))
			continue;
		k = skip_ws(d, len, k);
		if (read_num(d, len, &k, prev) == 0)
			return 1;
	}
	return 0;
}

static int add_end(struct cc_sig_structs *s, size_t *cap, unsigned long long e)
{
	for (size_t i = 0; i < s->revisions; i++)
		if (s->eof[i] == e)
			return 0;
	if (s->revisions == *cap) {
		size_t n = *cap ? 2 * *cap : 8;
		unsigned long long *p = realloc(s->eof, n * sizeof(*p));

		if (!p)
			return -1;
		s->eof = p;
		*cap = n;
	}
	s->eof[s->revisions++] = e;
	return 0;
}

static int cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a,
			   y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

/* The revisions by the chain; 1 when it holds, 0 when it is broken. */
static int chain(const unsigned char *d, size_t len, struct cc_sig_structs *s,
		 size_t *cap, int *oom)
{
	unsigned long long seen[MAX_SECTIONS], x = 0;
	size_t nseen = 0;
	int found = 0;

	/* The last "startxref" followed by a number. */
	for (size_t i = find(d, 0, len, "startxref"); i < len;
	     i = find(d, i + 1, len, "startxref")) {
		size_t k = skip_ws(d, len, i + 9);
		unsigned long long v;

		if (read_num(d, len, &k, &v) == 0) {
			x = v;
			found = 1;
		}
	}
	if (!found)
		return 0;
	for (;;) {
		size_t end;
		int rc;

		if (x >= len || nseen == MAX_SECTIONS)
			return 0;
		for (size_t i = 0; i < nseen; i++)
			if (seen[i] == x)
				return 0; /* a loop */
		seen[nseen++] = x;
		if (section_end(d, len, (size_t)x, &end))
			return 0;
		{
			struct cc_xref_section *p = realloc(
				s->sections, (s->nsections + 1) * sizeof(*p));

			if (!p) {
				*oom = 1;
				return 0;
			}
			s->sections = p;
			p[s->nsections].at = x;
			p[s->nsections++].end = end;
		}
		rc = section_prev(d, len, (size_t)x, end, &x);
		if (rc < 0)
			return 0;
		if (add_end(s, cap, end)) {
			*oom = 1;
			return 0;
		}
		if (rc == 0)
			return 1;
	}
}

int cc_xref_sections(const unsigned char *data, size_t len,
		     struct cc_xref_section **out, size_t *n)
{
	struct cc_sig_structs s = {0};
	size_t cap = 0;
	int oom = 0, chained = chain(data, len, &s, &cap, &oom);

	free(s.eof);
	*out = NULL;
	*n = 0;
	if (!chained || oom) {
		free(s.sections);
		return -1;
	}
	*out = s.sections;
	*n = s.nsections;
	return 0;
}

static int find_revisions(const unsigned char *d, size_t len,
			  struct cc_sig_structs *s)
{
	size_t cap = 0;
	int oom = 0;

	s->chained = chain(d, len, s, &cap, &oom);
	if (oom)
		return -1;
	if (!s->chained) {
		free(s->sections);
		s->sections = NULL;
		s->nsections = 0;
		s->revisions = 0;
		for (size_t i = find(d, 0, len, "startxref"); i < len;
		     i = find(d, i + 1, len, "startxref")) {
			unsigned long long n;
			size_t e;

			if (startxref_at(d, len, i, &n, &e) == 0 &&
			    add_end(s, &cap, e))
				return -1;
		}
	}
	if (s->revisions)
		qsort(s->eof, s->revisions, sizeof(*s->eof), cmp_ull);
	return 0;
}

/* ---- DER ---- */

/* One TLV at d (len bytes left): its header and content lengths. */
static int der_tlv(const unsigned char *d, size_t len, int *constructed,
		   size_t *hdr, size_t *clen)
{
	size_t i = 1, n = 0;

	if (len < 2)
		return -1;
	*constructed = (d[0] & 0x20) != 0;
	if ((d[0] & 0x1f) == 0x1f) { /* high tag number */
		while (i < len && (d[i] & 0x80) && i < 5)
			i++;
		if (i >= len || (d[i] & 0x80))
			return -1;
		i++;
	}
	if (i >= len)
		return -1;
	if (d[i] < 0x80) {
		n = d[i++];
	} else {
		int k = d[i++] & 0x7f;

		if (k == 0 || k > 4) /* indefinite, or more than 4 GB */
			return -1;
		while (k--) {
			if (i >= len)
				return -1;
			n = (n << 8) | d[i++];
		}
	}
	if (n > len - i)
		return -1;
	*hdr = i;
	*clen = n;
	return 0;
}

/* d holds TLVs only, with definite lengths down to the primitives. */
static int der_walk(const unsigned char *d, size_t len, int depth)
{
	if (depth > MAX_DEPTH)
		return -1;
	while (len) {
		int cons;
		size_t hdr, clen;

		if (der_tlv(d, len, &cons, &hdr, &clen) ||
		    (cons && der_walk(d + hdr, clen, depth + 1)))
			return -1;
		d += hdr + clen;
		len -= hdr + clen;
	}
	return 0;
}

/* The length of the DER ContentInfo (signedData) at the start of d, or 0:
 * TLVs with definite lengths throughout, the content type the OID
 * signedData (1.2.840.113549.1.7.2), then the [0] EXPLICIT content. What
 * the content holds is sigcrypto's to read (it parses the CMS once). */
static size_t signed_data_len(const unsigned char *d, size_t len)
{
	static const unsigned char oid[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
					    0xf7, 0x0d, 0x01, 0x07, 0x02};
	size_t hdr, clen, total, h2, c2;
	int cons;

	if (len < 2 || d[0] != 0x30 || der_tlv(d, len, &cons, &hdr, &clen))
		return 0;
	total = hdr + clen;
	if (total > 0x7fffffff || der_walk(d + hdr, clen, 1))
		return 0;
	d += hdr;
	if (clen < sizeof(oid) || memcmp(d, oid, sizeof(oid)))
		return 0;
	d += sizeof(oid);
	clen -= sizeof(oid);
	/* [0] EXPLICIT, constructed, and nothing after it. */
	if (clen < 2 || d[0] != 0xa0 || der_tlv(d, clen, &cons, &h2, &c2) ||
	    h2 + c2 != clen)
		return 0;
	return total;
}

/* ---- signatures ---- */

struct walk {
	const unsigned char *data;
	size_t len;
	qpdf_data q;
	struct cc_sig_structs *out;
	size_t cap;
	int *visited; /* object numbers of indirect nodes */
	size_t nvisited, visited_cap;
	size_t nodes;
	int oom;
};

static qpdf_oh key(qpdf_data q, qpdf_oh d, const char *k)
{
	if (!qpdf_oh_is_dictionary(q, d))
		return qpdf_oh_new_null(q);
	return qpdf_oh_get_key(q, d, k);
}

/* 1 when o was visited already; else remembers it. */
static int visited(struct walk *w, qpdf_oh o)
{
	int id = qpdf_oh_get_object_id(w->q, o);

	if (id <= 0)
		return 0;
	for (size_t i = 0; i < w->nvisited; i++)
		if (w->visited[i] == id)
			return 1;
	if (w->nvisited == w->visited_cap) {
		size_t n = w->visited_cap ? 2 * w->visited_cap : 64;
		int *p = realloc(w->visited, n * sizeof(*p));

		if (!p) {
			w->oom = 1;
			return 1;
		}
		w->visited = p;
		w->visited_cap = n;
	}
	w->visited[w->nvisited++] = id;
	return 0;
}

static void check(const unsigned char *d, size_t len, qpdf_data q, qpdf_oh v,
		  const struct cc_sig_structs *s, struct cc_sig_struct *g);

static void text_of(qpdf_data q, qpdf_oh o, char *out, size_t size)
{
	size_t n = 0;
	const char *b;

	if (!qpdf_oh_is_string(q, o))
		return;
	b = qpdf_oh_get_binary_string_value(q, o, &n);
	if (!b)
		return;
	if (n >= size)
		n = size - 1;
	/* Printable ASCII only: these are dates and codes. */
	for (size_t i = 0; i < n; i++)
		out[i] = b[i] >= 0x20 && b[i] < 0x7f ? b[i] : '?';
	out[n] = '\0';
}

/* /M, the code, and the DocMDP transform of the signature dictionary v. */
static void sig_facts(struct walk *w, qpdf_oh v, struct cc_sig_struct *g)
{
	qpdf_oh refs = key(w->q, v, "/Reference");
	qpdf_oh perm =
		key(w->q, key(w->q, qpdf_get_root(w->q), "/Perms"), "/DocMDP");
	int n = qpdf_oh_is_array(w->q, refs)
			? qpdf_oh_get_array_n_items(w->q, refs)
			: 0;

	text_of(w->q, key(w->q, v, "/M"), g->m, sizeof(g->m));
	text_of(w->q, key(w->q, v, CC_STAMP_CODE_KEY), g->code,
		sizeof(g->code));
	for (int i = 0; i < n && i < 16; i++) {
		qpdf_oh r = qpdf_oh_get_array_item(w->q, refs, i);
		qpdf_oh P = key(w->q, key(w->q, r, "/TransformParams"), "/P");

		if (!qpdf_oh_is_name_and_equals(
			    w->q, key(w->q, r, "/TransformMethod"), "/DocMDP"))
			continue;
		g->docmdp = 2; /* ISO 32000-1 12.8.2.2.2: the default */
		if (qpdf_oh_is_integer(w->q, P)) {
			long long p = qpdf_oh_get_int_value(w->q, P);

			if (p >= 1 && p <= 3)
				g->docmdp = (int)p;
		}
		break;
	}
	g->certification = qpdf_oh_is_indirect(w->q, v) &&
			   qpdf_oh_is_indirect(w->q, perm) &&
			   qpdf_oh_get_object_id(w->q, v) ==
				   qpdf_oh_get_object_id(w->q, perm) &&
			   qpdf_oh_get_generation(w->q, v) ==
				   qpdf_oh_get_generation(w->q, perm);
}

static void add_sig(struct walk *w, const char *field, qpdf_oh v)
{
	struct cc_sig_structs *s = w->out;
	struct cc_sig_struct *g;
	qpdf_oh c;

	if (s->n == MAX_SIGS)
		return;
	if (s->n == w->cap) {
		size_t n = w->cap ? 2 * w->cap : 4;
		struct cc_sig_struct *p = realloc(s->sig, n * sizeof(*p));

		if (!p) {
			w->oom = 1;
			return;
		}
		s->sig = p;
		w->cap = n;
	}
	g = &s->sig[s->n++];
	memset(g, 0, sizeof(*g));
	g->revision = -1;
	snprintf(g->field, sizeof(g->field), "%s", field);
	if (qpdf_oh_is_name(w->q, key(w->q, v, "/SubFilter"))) {
		const char *sf =
			qpdf_oh_get_name(w->q, key(w->q, v, "/SubFilter"));

		snprintf(g->subfilter, sizeof(g->subfilter), "%s",
			 sf && *sf == '/' ? sf + 1 : "");
	}
	g->is_doc_timestamp =
		qpdf_oh_is_name_and_equals(w->q, key(w->q, v, "/Type"),
					   "/DocTimeStamp") ||
		!strcmp(g->subfilter, "ETSI.RFC3161");
	sig_facts(w, v, g);
	c = key(w->q, v, "/Contents");
	if (qpdf_oh_is_string(w->q, c)) {
		size_t n = 0;
		const char *b = qpdf_oh_get_binary_string_value(w->q, c, &n);

		g->contents = malloc(n ? n : 1);
		if (!g->contents) {
			w->oom = 1;
			return;
		}
		if (b && n)
			memcpy(g->contents, b, n);
		g->contents_len = b ? n : 0;
	}
	check(w->data, w->len, w->q, v, s, g);
}

static void walk_fields(struct walk *w, qpdf_oh arr, const char *parent,
			int parent_sig, int depth)
{
	int n = qpdf_oh_is_array(w->q, arr)
			? qpdf_oh_get_array_n_items(w->q, arr)
			: 0;

	if (depth > MAX_DEPTH)
		return;
	for (int i = 0; i < n && !w->oom; i++) {
		qpdf_oh f = qpdf_oh_get_array_item(w->q, arr, i);
		qpdf_oh t;
		char full[128];
		int sig = parent_sig;

		if (++w->nodes > MAX_NODES)
			return;
		if (!qpdf_oh_is_dictionary(w->q, f) || visited(w, f))
			continue;
		if (qpdf_oh_has_key(w->q, f, "/FT"))
			sig = qpdf_oh_is_name_and_equals(
				w->q, key(w->q, f, "/FT"), "/Sig");
		t = key(w->q, f, "/T");
		if (qpdf_oh_is_string(w->q, t)) {
			const char *s = qpdf_oh_get_utf8_value(w->q, t);

			snprintf(full, sizeof(full), "%s%s%s", parent,
				 *parent ? "." : "", s ? s : "");
		} else {
			snprintf(full, sizeof(full), "%s", parent);
		}
		if (qpdf_oh_has_key(w->q, f, "/T") && sig &&
		    qpdf_oh_is_dictionary(w->q, key(w->q, f, "/V")))
			add_sig(w, full, key(w->q, f, "/V"));
		if (qpdf_oh_is_array(w->q, key(w->q, f, "/Kids")))
			walk_fields(w, key(w->q, f, "/Kids"), full, sig,
				    depth + 1);
	}
}

/* The data of a /DSS stream: as it is, or inflated when its only filter
 * is /FlateDecode without parameters, never beyond MAX_DSS_BYTES (a
 * certificate or a CRL is far smaller; a compression bomb is not read).
 * 0, or -1 when it cannot be had (left out: of no use). */
static int dss_data(qpdf_data q, qpdf_oh st, struct cc_buf *out)
{
	qpdf_oh f = key(q, qpdf_oh_get_dict(q, st), "/Filter");
	unsigned char *raw = NULL;
	size_t len = 0;
	int flate, rc = -1;

	if (qpdf_oh_is_array(q, f) && qpdf_oh_get_array_n_items(q, f) == 1)
		f = qpdf_oh_get_array_item(q, f, 0);
	flate = qpdf_oh_is_name_and_equals(q, f, "/FlateDecode");
	if ((!flate && !qpdf_oh_is_null(q, f)) ||
	    !qpdf_oh_is_null(q,
			     key(q, qpdf_oh_get_dict(q, st), "/DecodeParms")))
		return -1;
	if (qpdf_oh_get_stream_data(q, st, qpdf_dl_none, NULL, &raw, &len) ||
	    !raw || len > MAX_DSS_BYTES)
		goto out;
	if (!flate) {
		cc_buf_put(out, raw, len);
		rc = out->failed ? -1 : 0;
		goto out;
	}
	{
		z_stream z = {0};
		unsigned char chunk[16384];
		int zr = Z_OK;

		if (inflateInit(&z) != Z_OK)
			goto out;
		z.next_in = raw;
		z.avail_in = (uInt)len;
		while (zr == Z_OK) {
			z.next_out = chunk;
			z.avail_out = sizeof(chunk);
			zr = inflate(&z, Z_NO_FLUSH);
			if (zr != Z_OK && zr != Z_STREAM_END)
				break;
			cc_buf_put(out, chunk, sizeof(chunk) - z.avail_out);
			if (out->failed || out->len > MAX_DSS_BYTES) {
				zr = Z_MEM_ERROR;
				break;
			}
		}
		inflateEnd(&z);
		rc = zr == Z_STREAM_END ? 0 : -1;
	}
out:
	free(raw);
	if (rc)
		cc_buf_free(out);
	return rc;
}

/* Every stream of the /DSS array k, decoded, onto arr. */
static int dss_streams(qpdf_data q, qpdf_oh dss, const char *k,
		       struct cc_buf **arr, size_t *n)
{
	qpdf_oh a = key(q, dss, k);
	int items =
		qpdf_oh_is_array(q, a) ? qpdf_oh_get_array_n_items(q, a) : 0;

	for (int i = 0; i < items && i < MAX_DSS; i++) {
		qpdf_oh st = qpdf_oh_get_array_item(q, a, i);
		struct cc_buf b = {0};
		struct cc_buf *p;

		if (!qpdf_oh_is_stream(q, st) || dss_data(q, st, &b))
			continue; /* undecodable: of no use */
		p = realloc(*arr, (*n + 1) * sizeof(*p));
		if (!p) {
			cc_buf_free(&b);
			return -1;
		}
		*arr = p;
		p[(*n)++] = b;
	}
	return 0;
}

static int read_dss(qpdf_data q, struct cc_revdata *d)
{
	qpdf_oh dss = key(q, qpdf_get_root(q), "/DSS");

	if (!qpdf_oh_is_dictionary(q, dss))
		return 0;
	if (dss_streams(q, dss, "/Certs", &d->certs, &d->ncerts) ||
	    dss_streams(q, dss, "/OCSPs", &d->ocsps, &d->nocsps) ||
	    dss_streams(q, dss, "/CRLs", &d->crls, &d->ncrls))
		return -1;
	return 0;
}

/* The /ByteRange of v into g->range; NULL when it holds, else the rule. */
static const char *byte_range(qpdf_data q, qpdf_oh v, size_t len,
			      struct cc_sig_struct *g)
{
	qpdf_oh br = key(q, v, "/ByteRange");
	int n;

	if (!qpdf_oh_has_key(q, v, "/ByteRange") || qpdf_oh_is_null(q, br))
		return "/ByteRange is missing";
	if (!qpdf_oh_is_array(q, br))
		return "/ByteRange is not an array";
	n = qpdf_oh_get_array_n_items(q, br);
	if (n != 4)
		return "/ByteRange does not hold exactly 4 numbers";
	for (int i = 0; i < 4; i++) {
		qpdf_oh e = qpdf_oh_get_array_item(q, br, i);
		long long x;

		if (!qpdf_oh_is_integer(q, e))
			return "/ByteRange holds a value that is not an integer";
		x = qpdf_oh_get_int_value(q, e);
		if (x < 0)
			return "/ByteRange holds a negative number";
		g->range[i] = (unsigned long long)x;
	}
	if (g->range[0] != 0)
		return "/ByteRange does not start at 0";
	if (g->range[1] > g->range[2])
		return "/ByteRange ranges overlap";
	if (g->range[2] > len || g->range[3] > len - g->range[2])
		return "/ByteRange goes past the end of the file";
	return NULL;
}

/* The gap d[a, b) as one hex string equal to the signature's /Contents. */
static const char *gap(const unsigned char *d, size_t a, size_t b,
		       const struct cc_sig_struct *g)
{
	size_t digits;

	if (b - a < 2 || d[a] != '<' || d[b - 1] != '>')
		return "the /ByteRange gap is not one hex string";
	digits = b - a - 2;
	for (size_t i = a + 1; i < b - 1; i++)
		if (cc_hexval(d[i]) < 0)
			return is_ws(d[i]) ? "the /Contents hex string in the "
					     "/ByteRange gap holds whitespace"
					   : "the /ByteRange gap is not one "
					     "hex string";
	if (digits % 2)
		return "the /Contents hex string has an odd number of digits";
	if (!g->contents)
		return "/Contents is missing or not a string";
	if (digits / 2 != g->contents_len)
		return "the /ByteRange gap is not this signature's /Contents";
	for (size_t i = 0; i < g->contents_len; i++)
		if (((cc_hexval(d[a + 1 + 2 * i]) << 4) |
		     cc_hexval(d[a + 2 + 2 * i])) != g->contents[i])
			return "the /ByteRange gap is not this signature's "
			       "/Contents";
	return NULL;
}

static void check(const unsigned char *d, size_t len, qpdf_data q, qpdf_oh v,
		  const struct cc_sig_structs *s, struct cc_sig_struct *g)
{
	const char *why = byte_range(q, v, len, g);
	unsigned long long end;
	size_t der;

	if (!why)
		why = gap(d, (size_t)g->range[1], (size_t)g->range[2], g);
	if (!why) {
		der = signed_data_len(g->contents, g->contents_len);
		if (!der && g->contents_len > 1 && g->contents[1] == 0x80)
			why = "/Contents is BER with indefinite lengths, not "
			      "the DER that ISO 32000-1 12.8.3.3.1 requires";
		else if (!der)
			why = "/Contents is not one DER CMS SignedData";
		for (size_t i = der; !why && i < g->contents_len; i++)
			if (g->contents[i])
				why = "/Contents holds non-zero bytes after "
				      "the SignedData";
		if (!why)
			g->contents_len = der;
	}
	if (!why) {
		end = g->range[2] + g->range[3];
		for (size_t i = 0; i < s->revisions && g->revision < 0; i++) {
			unsigned long long e = s->eof[i];

			while (e > end &&
			       (d[e - 1] == '\n' || d[e - 1] == '\r'))
				e--;
			if (end == s->eof[i] ||
			    (e == end && end >= 5 &&
			     !memcmp(d + end - 5, "%%EOF", 5)))
				g->revision = (int)i;
		}
		if (g->revision < 0)
			why = "/ByteRange does not end at the %EOF of a "
			      "revision";
		else if (g->revision > 0 &&
			 g->range[1] < s->eof[g->revision - 1])
			why = "the /Contents gap is not in the revision that "
			      "/ByteRange ends";
	}
	if (why) {
		snprintf(g->problem, sizeof(g->problem), "signature '%s': %s",
			 g->field, why);
	}
	g->ok = !why;
}

/* ---- the file ---- */

int cc_sig_struct_read(const unsigned char *data, size_t len, const char *name,
		       struct cc_sig_structs *out, struct cc_error *err)
{
	size_t head = len < 1024 ? len : 1024;
	struct walk w = {0};
	qpdf_data q = NULL;
	qpdf_oh af;
	int rc = CC_OK;

	memset(out, 0, sizeof(*out));
	if (!data || !len || !memmem(data, head, "%PDF-", 5))
		return cc_error_set(err, CC_INPUT, "'%s' is not a PDF file",
				    name);
	if (find_revisions(data, len, out))
		goto oom;
	q = qpdf_init();
	if (!q)
		goto oom;
	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, 1);
	if (qpdf_read_memory(q, name, (const char *)data,
			     (unsigned long long)len, NULL) &
	    QPDF_ERRORS) {
		qpdf_error e = qpdf_get_error(q);

		rc = cc_error_set(err, CC_INPUT, "cannot read '%s': %s", name,
				  qpdf_get_error_message_detail(q, e));
		goto out;
	}
	if (qpdf_is_encrypted(q)) {
		rc = cc_error_set(err, CC_INPUT, "'%s' is encrypted", name);
		goto out;
	}
	w.data = data;
	w.len = len;
	w.q = q;
	w.out = out;
	af = key(q, qpdf_get_root(q), "/AcroForm");
	walk_fields(&w, key(q, af, "/Fields"), "", 0, 0);
	if (w.oom || read_dss(q, &out->dss))
		goto oom;
	out->damaged = qpdf_more_warnings(q) != QPDF_FALSE;
	if (qpdf_has_error(q)) {
		qpdf_error e = qpdf_get_error(q);

		rc = cc_error_set(err, CC_INPUT, "cannot read '%s': %s", name,
				  qpdf_get_error_message_detail(q, e));
		goto out;
	}
	goto out;
oom:
	rc = cc_error_set(err, CC_SYSTEM, "out of memory");
out:
	free(w.visited);
	if (q)
		qpdf_cleanup(&q);
	if (rc != CC_OK)
		cc_sig_structs_free(out);
	return rc;
}

void cc_sig_structs_free(struct cc_sig_structs *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->sig[i].contents);
	free(s->sig);
	free(s->eof);
	free(s->sections);
	cc_revdata_free(&s->dss);
	memset(s, 0, sizeof(*s));
}
