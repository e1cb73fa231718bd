#ifndef BB_MODERATION_TENSOR_H
#define BB_MODERATION_TENSOR_H
/*
 * Float buffers of the inference engine. Activations are NHWC with batch
 * 1, as in TensorFlow, so a tensor is a height, a width, a channel count
 * and h*w*c floats, channels innermost.
 *
 * The activations of one analysis come from a workspace: a handful of
 * aligned buffers that layers take and give back, so a forward pass of
 * seventy layers reuses the same few blocks instead of calling malloc
 * seventy times, and its peak memory is the few tensors alive at once.
 */
#include <stddef.h>

/* Buffers are aligned for the widest vector unit (AVX-512). */
#define MOD_ALIGN 64

struct mod_tensor {
	float *d;
	int h, w, c;
};

static inline size_t mod_tensor_len(const struct mod_tensor *t)
{
	return (size_t)t->h * (size_t)t->w * (size_t)t->c;
}

/* n floats aligned to MOD_ALIGN, uninitialised; NULL when out of memory
 * or n is absurd. Free with mod_floats_free(). */
float *mod_floats_alloc(size_t n);
void mod_floats_free(float *p);

#define MOD_WS_SLOTS 12

struct mod_ws_slot {
	float *p;
	size_t cap; /* floats */
	int used;
};

/* The scratch memory of one analysis; not shared between threads. */
struct mod_ws {
	struct mod_ws_slot slot[MOD_WS_SLOTS];
	size_t bytes; /* held now, for tests and measurements */
};

void mod_ws_init(struct mod_ws *ws);
/* Free every buffer; tensors taken from ws are invalid after. */
void mod_ws_release(struct mod_ws *ws);

/*
 * Take an h x w x c tensor from the workspace (contents undefined).
 * Returns 0, or -1 when out of memory or every slot is in use; *t is
 * then empty.
 */
int mod_tensor_new(struct mod_ws *ws, struct mod_tensor *t, int h, int w, int c);
/* Give t's buffer back to the workspace; t becomes empty. */
void mod_tensor_drop(struct mod_ws *ws, struct mod_tensor *t);

#endif
