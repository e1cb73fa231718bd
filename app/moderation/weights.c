/*
 * The weights loader (weights.h). The manifest is trusted no more than
 * any file: every number is range-checked and every tensor must lie
 * inside weights.bin, so a damaged file fails the load with a message
 * rather than a crash.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "moderation/tensor.h"
#include "moderation/weights.h"

#include "core/banned.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "weights.bin holds little-endian floats; add a byte swap for this machine"
#endif

/* The largest model file we ship is 2.6 MB; 256 MB is a broken file. */
#define MOD_W_MAX_FILE ((size_t)256 << 20)
#define MOD_W_MAX_MANIFEST ((size_t)1 << 20)
#define MOD_W_MAX_TENSORS 4096

/* One parsed manifest line, before the data is read. */
struct mod_wline {
	struct mod_wtensor t;
	int quantised;
	double scale, min;
	size_t offset, length;
};

/* The next space-separated word of *s, NUL-terminated in place; NULL at
 * the end of the line. */
static char *mod_w_word(char **s)
{
	char *p = *s, *start;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return NULL;
	start = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (*p)
		*p++ = '\0';
	*s = p;
	return start;
}

static int mod_w_size(const char *word, size_t max, size_t *out)
{
	unsigned long long v;
	char *end;

	if (!word || *word < '0' || *word > '9')
		return -1;
	errno = 0;
	v = strtoull(word, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = (size_t)v;
	return 0;
}

static int mod_w_double(const char *word, double *out)
{
	char *end;

	if (!word)
		return -1;
	errno = 0;
	*out = strtod(word, &end);
	return errno || *end || !isfinite(*out) ? -1 : 0;
}

/* Parse one manifest line into l; -1 on any malformed field. */
static int mod_w_parse_line(char *line, struct mod_wline *l)
{
	char *name = mod_w_word(&line), *storage;
	size_t ndim, d, count = 1;

	memset(l, 0, sizeof(*l));
	if (!name || strlen(name) >= MOD_W_NAME_MAX)
		return -1;
	memcpy(l->t.name, name, strlen(name) + 1);
	if (mod_w_size(mod_w_word(&line), MOD_W_MAXDIM, &ndim) < 0)
		return -1;
	l->t.ndim = (int)ndim;
	for (size_t i = 0; i < ndim; i++) {
		if (mod_w_size(mod_w_word(&line), 1 << 20, &d) < 0 || d == 0 ||
		    count > MOD_W_MAX_FILE / d)
			return -1;
		l->t.dims[i] = (int)d;
		count *= d;
	}
	l->t.count = count;
	storage = mod_w_word(&line);
	if (!storage)
		return -1;
	if (strcmp(storage, "u8") == 0)
		l->quantised = 1;
	else if (strcmp(storage, "f32") != 0)
		return -1;
	if (mod_w_double(mod_w_word(&line), &l->scale) < 0 ||
	    mod_w_double(mod_w_word(&line), &l->min) < 0 ||
	    mod_w_size(mod_w_word(&line), MOD_W_MAX_FILE, &l->offset) < 0 ||
	    mod_w_size(mod_w_word(&line), MOD_W_MAX_FILE, &l->length) < 0 ||
	    mod_w_word(&line) != NULL)
		return -1;
	return l->length == count * (l->quantised ? 1 : sizeof(float)) ? 0 : -1;
}

/* Floats from the block start of each tensor are rounded up to this, so
 * every tensor is aligned like the block. */
#define MOD_W_STEP (MOD_ALIGN / sizeof(float))

static size_t mod_w_round(size_t n)
{
	return (n + MOD_W_STEP - 1) / MOD_W_STEP * MOD_W_STEP;
}

/* Dequantise or copy each tensor of lines from bin into w's block. */
static void mod_w_fill(struct mod_weights *w, const struct mod_wline *lines,
		       const unsigned char *bin)
{
	size_t at = 0;

	for (size_t i = 0; i < w->n; i++) {
		const struct mod_wline *l = &lines[i];
		const unsigned char *src = bin + l->offset;
		float *dst = w->block + at;

		w->t[i] = l->t;
		w->t[i].data = dst;
		if (l->quantised) {
			for (size_t j = 0; j < l->t.count; j++)
				dst[j] = (float)((double)src[j] * l->scale + l->min);
		} else {
			memcpy(dst, src, l->length);
		}
		at += mod_w_round(l->t.count);
	}
}

/* Parse the manifest text into *lines (*n of them), checking each
 * against the size of weights.bin. */
static int mod_w_parse(char *text, size_t binlen, struct mod_wline **lines, size_t *n,
		       const char *path, struct buf *err)
{
	size_t cap = 0, lineno = 0;
	char *line = text;

	*lines = NULL;
	*n = 0;
	while (line && *line) {
		char *next = strchr(line, '\n');

		if (next)
			*next++ = '\0';
		lineno++;
		if (*line && *line != '#') {
			struct mod_wline l;

			if (mod_w_parse_line(line, &l) < 0 || l.offset > binlen ||
			    l.length > binlen - l.offset) {
				buf_printf(err, "%s:%zu: malformed tensor line", path, lineno);
				return -1;
			}
			if (*n == cap) {
				struct mod_wline *p;

				cap = cap ? cap * 2 : 64;
				if (cap > MOD_W_MAX_TENSORS ||
				    !(p = realloc(*lines, cap * sizeof(**lines)))) {
					buf_printf(err, "%s: too many tensors", path);
					return -1;
				}
				*lines = p;
			}
			(*lines)[(*n)++] = l;
		}
		line = next;
	}
	if (*n == 0) {
		buf_printf(err, "%s: no tensors", path);
		return -1;
	}
	return 0;
}

int mod_weights_load(struct mod_weights *w, const char *dir, struct buf *err)
{
	struct buf mpath = BUF_INIT, bpath = BUF_INIT, text = BUF_INIT, bin = BUF_INIT;
	struct mod_wline *lines = NULL;
	size_t n = 0, floats = 0;
	int rc = -1;

	memset(w, 0, sizeof(*w));
	if (buf_printf(&mpath, "%s/manifest.txt", dir) < 0 ||
	    buf_printf(&bpath, "%s/weights.bin", dir) < 0)
		goto out;
	if (buf_read_file(&text, mpath.ptr, MOD_W_MAX_MANIFEST) < 0) {
		buf_printf(err, "%s: %s", mpath.ptr, strerror(errno));
		goto out;
	}
	if (buf_read_file(&bin, bpath.ptr, MOD_W_MAX_FILE) < 0) {
		buf_printf(err, "%s: %s", bpath.ptr, strerror(errno));
		goto out;
	}
	if (!text.ptr || mod_w_parse(text.ptr, bin.len, &lines, &n, mpath.ptr, err) < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		floats += mod_w_round(lines[i].t.count);
	w->t = calloc(n, sizeof(*w->t));
	w->block = mod_floats_alloc(floats);
	if (!w->t || !w->block) {
		buf_printf(err, "%s: out of memory", dir);
		goto out;
	}
	w->n = n;
	w->floats = floats;
	mod_w_fill(w, lines, (const unsigned char *)bin.ptr);
	rc = 0;
out:
	if (rc < 0)
		mod_weights_release(w);
	free(lines);
	buf_release(&mpath);
	buf_release(&bpath);
	buf_release(&text);
	buf_release(&bin);
	return rc;
}

void mod_weights_release(struct mod_weights *w)
{
	free(w->t);
	mod_floats_free(w->block);
	memset(w, 0, sizeof(*w));
}

float *mod_weights_get(struct mod_weights *w, const char *name, const int *dims, int ndim,
		       struct buf *err)
{
	for (size_t i = 0; i < w->n; i++) {
		struct mod_wtensor *t = &w->t[i];

		if (strcmp(t->name, name) != 0)
			continue;
		if (t->ndim != ndim || memcmp(t->dims, dims, sizeof(int) * (size_t)ndim) != 0) {
			buf_printf(err, "tensor %s has an unexpected shape", name);
			return NULL;
		}
		return t->data;
	}
	buf_printf(err, "tensor %s is missing", name);
	return NULL;
}

float *mod_weights_fold_bn(struct mod_weights *w, const char *bn, float *k, size_t kcount,
			   int cout, double eps, struct buf *err)
{
	static const char *const parts[4] = { "gamma", "beta", "moving_mean", "moving_variance" };
	float *p[4];
	char name[MOD_W_NAME_MAX + 32];

	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "%s/%s", bn, parts[i]);
		p[i] = MOD_W(w, err, name, cout);
		if (!p[i])
			return NULL;
	}
	for (int co = 0; co < cout; co++) {
		double s = (double)p[0][co] / sqrt((double)p[3][co] + eps);

		for (size_t j = (size_t)co; j < kcount; j += (size_t)cout)
			k[j] = (float)(k[j] * s);
		p[1][co] = (float)(p[1][co] - p[2][co] * s);
	}
	return p[1];
}
