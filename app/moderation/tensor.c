/*
 * Aligned float buffers and the per-analysis workspace (tensor.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "moderation/tensor.h"

#include "core/banned.h"

/* Far above any layer of the three models (the largest is 2.7 M floats);
 * a request this big is a bug, not an image. */
#define MOD_MAX_FLOATS ((size_t)1 << 28)

float *mod_floats_alloc(size_t n)
{
	void *p = NULL;

	if (n == 0 || n > MOD_MAX_FLOATS)
		return NULL;
	if (posix_memalign(&p, MOD_ALIGN, n * sizeof(float)) != 0)
		return NULL;
	return p;
}

void mod_floats_free(float *p)
{
	free(p);
}

void mod_ws_init(struct mod_ws *ws)
{
	memset(ws, 0, sizeof(*ws));
}

void mod_ws_release(struct mod_ws *ws)
{
	for (int i = 0; i < MOD_WS_SLOTS; i++)
		mod_floats_free(ws->slot[i].p);
	memset(ws, 0, sizeof(*ws));
}

/*
 * The free slot to use for n floats: the smallest one that is big
 * enough, else the biggest free one (it will grow), so large buffers
 * are reused for large tensors and small ones stay small.
 */
static struct mod_ws_slot *mod_ws_pick(struct mod_ws *ws, size_t n)
{
	struct mod_ws_slot *fit = NULL, *grow = NULL;

	for (int i = 0; i < MOD_WS_SLOTS; i++) {
		struct mod_ws_slot *s = &ws->slot[i];

		if (s->used)
			continue;
		if (s->cap >= n && (!fit || s->cap < fit->cap))
			fit = s;
		if (!grow || s->cap > grow->cap)
			grow = s;
	}
	return fit ? fit : grow;
}

int mod_tensor_new(struct mod_ws *ws, struct mod_tensor *t, int h, int w, int c)
{
	struct mod_ws_slot *s;
	size_t n;

	memset(t, 0, sizeof(*t));
	if (h <= 0 || w <= 0 || c <= 0)
		return -1;
	n = (size_t)h * (size_t)w * (size_t)c;
	s = mod_ws_pick(ws, n);
	if (!s)
		return -1;
	if (s->cap < n) {
		float *p = mod_floats_alloc(n);

		if (!p)
			return -1;
		mod_floats_free(s->p);
		ws->bytes = ws->bytes - s->cap * sizeof(float) + n * sizeof(float);
		s->p = p;
		s->cap = n;
	}
	s->used = 1;
	t->d = s->p;
	t->h = h;
	t->w = w;
	t->c = c;
	return 0;
}

void mod_tensor_drop(struct mod_ws *ws, struct mod_tensor *t)
{
	for (int i = 0; t->d && i < MOD_WS_SLOTS; i++) {
		if (ws->slot[i].p == t->d) {
			ws->slot[i].used = 0;
			break;
		}
	}
	memset(t, 0, sizeof(*t));
}
