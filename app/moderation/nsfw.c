/*
 * Phase 3: nsfwjs's default model, a Keras MobileNetV2 (alpha 1.0)
 * with a 256-128-5 dense head, classes Drawing, Hentai, Neutral, Porn,
 * Sexy. nsfwjs divides the pixels by 255 and stretches the image to
 * 224 x 224 with align_corners=true, ignoring the aspect ratio; the
 * network was fine-tuned on that, so we do the same.
 *
 * Batch normalisation (epsilon 1e-3) is folded into the convolutions at
 * load time, so a block is three convolutions with biases.
 */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "moderation/models.h"

#include "core/banned.h"

#define MOD_NSFW_BN_EPS 1e-3

/* The inverted residual blocks: input and output channels, stride. The
 * expansion factor is 6 except in block 0. */
static const int mod_nsfw_shape[MOD_NSFW_NBLOCKS][3] = {
	{ 32, 16, 1 },	 { 16, 24, 2 },	  { 24, 24, 1 },   { 24, 32, 2 },   { 32, 32, 1 },
	{ 32, 32, 1 },	 { 32, 64, 2 },	  { 64, 64, 1 },   { 64, 64, 1 },   { 64, 64, 1 },
	{ 64, 96, 1 },	 { 96, 96, 1 },	  { 96, 96, 1 },   { 96, 160, 2 },  { 160, 160, 1 },
	{ 160, 160, 1 }, { 160, 320, 1 },
};

/* A convolution kernel called name/kernel (or depthwise_kernel) of the
 * given shape with the batch normalisation bn folded in. */
static int mod_nsfw_conv_bn(struct mod_weights *w, const char *layer, const char *kname,
			    const char *bn, const int *dims, int ndim, int cout, const float **k,
			    const float **b, struct buf *err)
{
	char name[MOD_W_NAME_MAX];
	size_t count = 1;
	float *kk;

	snprintf(name, sizeof(name), "%s/%s", layer, kname);
	kk = mod_weights_get(w, name, dims, ndim, err);
	if (!kk)
		return -1;
	for (int i = 0; i < ndim; i++)
		count *= (size_t)dims[i];
	*k = kk;
	*b = mod_weights_fold_bn(w, bn, kk, count, cout, MOD_NSFW_BN_EPS, err);
	return *b ? 0 : -1;
}

/* Block i's three convolutions, named the Keras way ("expanded_conv_*"
 * for block 0, "block_N_*" after). */
static int mod_nsfw_load_block(struct mod_nsfw_block *b, int i, struct mod_weights *w,
			       struct buf *err)
{
	char prefix[32], layer[64], bn[64];

	b->cin = mod_nsfw_shape[i][0];
	b->cout = mod_nsfw_shape[i][1];
	b->stride = mod_nsfw_shape[i][2];
	b->cexp = i == 0 ? b->cin : b->cin * 6;
	if (i == 0) {
		snprintf(prefix, sizeof(prefix), "expanded_conv");
	} else {
		snprintf(prefix, sizeof(prefix), "block_%d", i);
		snprintf(layer, sizeof(layer), "%s_expand", prefix);
		snprintf(bn, sizeof(bn), "%s_expand_BN", prefix);
		if (mod_nsfw_conv_bn(w, layer, "kernel", bn, (const int[]){ 1, 1, b->cin, b->cexp }, 4,
				     b->cexp, &b->expand_k, &b->expand_b, err) < 0)
			return -1;
	}
	snprintf(layer, sizeof(layer), "%s_depthwise", prefix);
	snprintf(bn, sizeof(bn), "%s_depthwise_BN", prefix);
	if (mod_nsfw_conv_bn(w, layer, "depthwise_kernel", bn, (const int[]){ 3, 3, b->cexp, 1 }, 4,
			     b->cexp, &b->dw_k, &b->dw_b, err) < 0)
		return -1;
	snprintf(layer, sizeof(layer), "%s_project", prefix);
	snprintf(bn, sizeof(bn), "%s_project_BN", prefix);
	return mod_nsfw_conv_bn(w, layer, "kernel", bn, (const int[]){ 1, 1, b->cexp, b->cout }, 4,
				b->cout, &b->project_k, &b->project_b, err);
}

int mod_nsfw_load(struct mod_nsfw *m, struct mod_weights *w, struct buf *err)
{
	static const int dense[4] = { 1280, 256, 128, MOD_NSFW_NCLASSES };

	memset(m, 0, sizeof(*m));
	if (mod_nsfw_conv_bn(w, "Conv1", "kernel", "bn_Conv1", (const int[]){ 3, 3, 3, 32 }, 4, 32,
			     &m->conv1_k, &m->conv1_b, err) < 0)
		return -1;
	for (int i = 0; i < MOD_NSFW_NBLOCKS; i++)
		if (mod_nsfw_load_block(&m->block[i], i, w, err) < 0)
			return -1;
	if (mod_nsfw_conv_bn(w, "Conv_1", "kernel", "Conv_1_bn", (const int[]){ 1, 1, 320, 1280 }, 4,
			     1280, &m->last_k, &m->last_b, err) < 0)
		return -1;
	for (int i = 0; i < 3; i++) {
		char name[32];

		snprintf(name, sizeof(name), "dense_%d/kernel", i + 1);
		m->dense_k[i] = MOD_W(w, err, name, dense[i], dense[i + 1]);
		snprintf(name, sizeof(name), "dense_%d/bias", i + 1);
		m->dense_b[i] = m->dense_k[i] ? MOD_W(w, err, name, dense[i + 1]) : NULL;
		if (!m->dense_b[i])
			return -1;
	}
	return 0;
}

/* y = conv1x1(x) (+ relu6), a new tensor from ws. */
static int mod_nsfw_pointwise(struct mod_ws *ws, const struct mod_tensor *x, struct mod_tensor *y,
			      const float *k, const float *b, int cout, int relu6)
{
	if (mod_tensor_new(ws, y, x->h, x->w, cout) < 0)
		return -1;
	mod_pointwise(x, k, b, y);
	if (relu6)
		mod_relu6(y->d, mod_tensor_len(y));
	return 0;
}

/*
 * y = relu6(depthwise3x3(x)). Stride 1 is 'same' (one pixel of padding
 * all round); stride 2 follows Keras's ZeroPadding2D((0,1),(0,1)) and a
 * 'valid' window, i.e. padding only at the bottom and right.
 */
static int mod_nsfw_depthwise(struct mod_ws *ws, const struct mod_tensor *x, struct mod_tensor *y,
			      const float *k, const float *b, int stride)
{
	int pad = stride == 1 ? 1 : 0;
	int oh = stride == 1 ? x->h : mod_valid(x->h + 1, 3, 2);
	int ow = stride == 1 ? x->w : mod_valid(x->w + 1, 3, 2);

	if (mod_tensor_new(ws, y, oh, ow, x->c) < 0)
		return -1;
	mod_depthwise3x3(x, k, b, stride, pad, pad, y);
	mod_relu6(y->d, mod_tensor_len(y));
	return 0;
}

/* One inverted residual block: x is replaced by the block's output. */
static int mod_nsfw_block(const struct mod_nsfw_block *b, struct mod_ws *ws, struct mod_tensor *x)
{
	struct mod_tensor e = { 0 }, d = { 0 }, p = { 0 };
	const struct mod_tensor *in = x;
	int rc = -1;

	if (b->expand_k) {
		if (mod_nsfw_pointwise(ws, x, &e, b->expand_k, b->expand_b, b->cexp, 1) < 0)
			goto out;
		in = &e;
	}
	if (mod_nsfw_depthwise(ws, in, &d, b->dw_k, b->dw_b, b->stride) < 0 ||
	    mod_nsfw_pointwise(ws, &d, &p, b->project_k, b->project_b, b->cout, 0) < 0)
		goto out;
	if (b->stride == 1 && b->cin == b->cout)
		mod_add(p.d, x->d, mod_tensor_len(&p));
	mod_tensor_drop(ws, x);
	*x = p;
	memset(&p, 0, sizeof(p));
	rc = 0;
out:
	mod_tensor_drop(ws, &e);
	mod_tensor_drop(ws, &d);
	mod_tensor_drop(ws, &p);
	return rc;
}

int mod_nsfw_input(const struct mod_canvas *src, struct mod_ws *ws, struct mod_tensor *x)
{
	float lut[256];

	for (int i = 0; i < 256; i++)
		lut[i] = (float)i / 255.0f;
	if (mod_tensor_new(ws, x, MOD_NSFW_SIZE, MOD_NSFW_SIZE, 3) < 0)
		return -1;
	mod_resize_bilinear(src, lut, true, x);
	return 0;
}

/* The head: global mean, dense 256 relu, dense 128 relu, dense 5 softmax. */
static void mod_nsfw_head(const struct mod_nsfw *m, const struct mod_tensor *x,
			  float probs[MOD_NSFW_NCLASSES])
{
	float pooled[1280], h1[256], h2[128];

	mod_avgpool_global(x, pooled);
	mod_dense(pooled, 1280, m->dense_k[0], m->dense_b[0], 256, h1);
	mod_relu(h1, 256);
	mod_dense(h1, 256, m->dense_k[1], m->dense_b[1], 128, h2);
	mod_relu(h2, 128);
	mod_dense(h2, 128, m->dense_k[2], m->dense_b[2], MOD_NSFW_NCLASSES, probs);
	mod_softmax(probs, MOD_NSFW_NCLASSES);
}

int mod_nsfw_forward(const struct mod_nsfw *m, struct mod_ws *ws, struct mod_tensor *in,
		     float probs[MOD_NSFW_NCLASSES])
{
	struct mod_tensor x = { 0 }, y = { 0 };
	int rc = -1;

	/* Conv1: ZeroPadding2D((0,1),(0,1)) then 3x3 stride 2 'valid' */
	if (mod_tensor_new(ws, &x, mod_valid(in->h + 1, 3, 2), mod_valid(in->w + 1, 3, 2), 32) < 0)
		goto out;
	mod_conv2d(in, m->conv1_k, m->conv1_b, 3, 3, 2, 0, 0, &x);
	mod_relu6(x.d, mod_tensor_len(&x));
	mod_tensor_drop(ws, in);
	for (int i = 0; i < MOD_NSFW_NBLOCKS; i++)
		if (mod_nsfw_block(&m->block[i], ws, &x) < 0)
			goto out;
	if (mod_nsfw_pointwise(ws, &x, &y, m->last_k, m->last_b, 1280, 1) < 0)
		goto out;
	mod_nsfw_head(m, &y, probs);
	rc = 0;
out:
	mod_tensor_drop(ws, &x);
	mod_tensor_drop(ws, &y);
	return rc;
}

int mod_nsfw_run(const struct mod_nsfw *m, const struct mod_canvas *src, struct mod_ws *ws,
		 float probs[MOD_NSFW_NCLASSES])
{
	struct mod_tensor in = { 0 };
	int rc = -1;

	if (mod_nsfw_input(src, ws, &in) == 0)
		rc = mod_nsfw_forward(m, ws, &in, probs);
	mod_tensor_drop(ws, &in);
	return rc;
}
