/*
 * Phase 2: face-api's AgeGenderNet, a TinyXception feature extractor
 * (a strided 3x3 conv, three reduction blocks, two residual blocks, a
 * separable conv to 512 channels and a global mean) with two dense
 * heads: age in years (linear) and softmax [male, female].
 *
 * Its input is the face crop padded to a square with the image centred
 * (the odd pixel of padding goes after), resized to 112 x 112 with
 * align_corners=false, then (x - mean) / 255.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "moderation/models.h"

#include "core/banned.h"

/* RGB mean of face-api's recognition-family nets. */
static const float mod_ag_mean[3] = { 122.782f, 117.001f, 104.298f };

static int mod_ag_load_sep(struct mod_ag_sep *s, struct mod_weights *w, const char *prefix,
			   int cin, int cout, struct buf *err)
{
	char name[MOD_W_NAME_MAX];

	s->cin = cin;
	s->cout = cout;
	snprintf(name, sizeof(name), "%s/depthwise_filter", prefix);
	s->dw_k = MOD_W(w, err, name, 3, 3, cin, 1);
	snprintf(name, sizeof(name), "%s/pointwise_filter", prefix);
	s->pw_k = s->dw_k ? MOD_W(w, err, name, 1, 1, cin, cout) : NULL;
	snprintf(name, sizeof(name), "%s/bias", prefix);
	s->bias = s->pw_k ? MOD_W(w, err, name, cout) : NULL;
	return s->bias ? 0 : -1;
}

static int mod_ag_load_reduction(struct mod_ag_reduction *r, struct mod_weights *w,
				 const char *prefix, int cin, int cout, struct buf *err)
{
	char name[MOD_W_NAME_MAX];

	r->cin = cin;
	r->cout = cout;
	snprintf(name, sizeof(name), "%s/separable_conv0", prefix);
	if (mod_ag_load_sep(&r->sep0, w, name, cin, cout, err) < 0)
		return -1;
	snprintf(name, sizeof(name), "%s/separable_conv1", prefix);
	if (mod_ag_load_sep(&r->sep1, w, name, cout, cout, err) < 0)
		return -1;
	snprintf(name, sizeof(name), "%s/expansion_conv/filters", prefix);
	r->expand_k = MOD_W(w, err, name, 1, 1, cin, cout);
	snprintf(name, sizeof(name), "%s/expansion_conv/bias", prefix);
	r->expand_b = r->expand_k ? MOD_W(w, err, name, cout) : NULL;
	return r->expand_b ? 0 : -1;
}

int mod_ag_load(struct mod_ag *m, struct mod_weights *w, struct buf *err)
{
	char name[MOD_W_NAME_MAX];

	memset(m, 0, sizeof(*m));
	m->conv_in_k = MOD_W(w, err, "entry_flow/conv_in/filters", 3, 3, 3, 32);
	m->conv_in_b = m->conv_in_k ? MOD_W(w, err, "entry_flow/conv_in/bias", 32) : NULL;
	if (!m->conv_in_b ||
	    mod_ag_load_reduction(&m->entry[0], w, "entry_flow/reduction_block_0", 32, 64, err) < 0 ||
	    mod_ag_load_reduction(&m->entry[1], w, "entry_flow/reduction_block_1", 64, 128, err) < 0)
		return -1;
	for (int b = 0; b < 2; b++) {
		for (int i = 0; i < 3; i++) {
			snprintf(name, sizeof(name), "middle_flow/main_block_%d/separable_conv%d", b, i);
			if (mod_ag_load_sep(&m->main_block[b][i], w, name, 128, 128, err) < 0)
				return -1;
		}
	}
	if (mod_ag_load_reduction(&m->exit, w, "exit_flow/reduction_block", 128, 256, err) < 0 ||
	    mod_ag_load_sep(&m->exit_sep, w, "exit_flow/separable_conv", 256, 512, err) < 0)
		return -1;
	m->age_k = MOD_W(w, err, "fc/age/weights", 512, 1);
	m->age_b = m->age_k ? MOD_W(w, err, "fc/age/bias", 1) : NULL;
	m->gender_k = m->age_b ? MOD_W(w, err, "fc/gender/weights", 512, 2) : NULL;
	m->gender_b = m->gender_k ? MOD_W(w, err, "fc/gender/bias", 2) : NULL;
	return m->gender_b ? 0 : -1;
}

int mod_ag_input(const struct mod_canvas *face, struct mod_ws *ws, struct mod_tensor *x)
{
	struct mod_canvas sq = *face;
	int diff = abs(face->h - face->w), after = (diff + 1) / 2; /* Math.round(diff / 2) */
	float lut[256];
	size_t npix = (size_t)MOD_AG_SIZE * MOD_AG_SIZE;

	for (int i = 0; i < 256; i++)
		lut[i] = (float)i;
	sq.x0 = face->h > face->w ? diff - after : 0;
	sq.y0 = face->w > face->h ? diff - after : 0;
	sq.cw = sq.ch = face->w > face->h ? face->w : face->h;
	if (mod_tensor_new(ws, x, MOD_AG_SIZE, MOD_AG_SIZE, 3) < 0)
		return -1;
	mod_resize_bilinear(&sq, lut, false, x);
	for (size_t p = 0; p < npix; p++)
		for (int c = 0; c < 3; c++)
			x->d[p * 3 + c] = (x->d[p * 3 + c] - mod_ag_mean[c]) / 255.0f;
	return 0;
}

/* y = pointwise(depthwise(relu?(x))) + bias, 'same' padding; x is kept. */
static int mod_ag_sep(struct mod_ws *ws, const struct mod_tensor *x, int relu_first,
		      const struct mod_ag_sep *s, struct mod_tensor *y)
{
	struct mod_tensor a = { 0 }, d = { 0 };
	const struct mod_tensor *in = x;
	int rc = -1;

	if (relu_first) {
		if (mod_tensor_new(ws, &a, x->h, x->w, x->c) < 0)
			goto out;
		memcpy(a.d, x->d, sizeof(float) * mod_tensor_len(x));
		mod_relu(a.d, mod_tensor_len(&a));
		in = &a;
	}
	if (mod_tensor_new(ws, &d, x->h, x->w, x->c) < 0 ||
	    mod_tensor_new(ws, y, x->h, x->w, s->cout) < 0)
		goto out;
	mod_depthwise3x3(in, s->dw_k, NULL, 1, 1, 1, &d);
	mod_pointwise(&d, s->pw_k, s->bias, y);
	rc = 0;
out:
	mod_tensor_drop(ws, &a);
	mod_tensor_drop(ws, &d);
	return rc;
}

/*
 * A reduction block, replacing x: two separable convs (relu between,
 * and before when activate), max-pool 3x3/2 'same', plus a strided 1x1
 * conv of the block's input, not activated.
 */
static int mod_ag_reduction(const struct mod_ag_reduction *r, int activate, struct mod_ws *ws,
			    struct mod_tensor *x)
{
	struct mod_tensor s0 = { 0 }, s1 = { 0 }, p = { 0 }, e = { 0 };
	int oh, ow, pt, pl, rc = -1;

	mod_same(x->h, 3, 2, &oh, &pt);
	mod_same(x->w, 3, 2, &ow, &pl);
	if (mod_ag_sep(ws, x, activate, &r->sep0, &s0) < 0 ||
	    mod_ag_sep(ws, &s0, 1, &r->sep1, &s1) < 0 ||
	    mod_tensor_new(ws, &p, oh, ow, r->cout) < 0 || mod_tensor_new(ws, &e, oh, ow, r->cout) < 0)
		goto out;
	mod_maxpool(&s1, 3, 2, pt, pl, &p);
	/* 1x1 stride 2 'same' has no padding: it samples x[2i][2j] */
	mod_conv2d(x, r->expand_k, r->expand_b, 1, 1, 2, 0, 0, &e);
	mod_add(p.d, e.d, mod_tensor_len(&p));
	mod_tensor_drop(ws, x);
	*x = p;
	memset(&p, 0, sizeof(p));
	rc = 0;
out:
	mod_tensor_drop(ws, &s0);
	mod_tensor_drop(ws, &s1);
	mod_tensor_drop(ws, &p);
	mod_tensor_drop(ws, &e);
	return rc;
}

/* A residual block of three relu-separable convs, replacing x. */
static int mod_ag_main(const struct mod_ag_sep s[3], struct mod_ws *ws, struct mod_tensor *x)
{
	struct mod_tensor a = { 0 }, b = { 0 };
	int rc = -1;

	if (mod_ag_sep(ws, x, 1, &s[0], &a) < 0 || mod_ag_sep(ws, &a, 1, &s[1], &b) < 0)
		goto out;
	mod_tensor_drop(ws, &a);
	if (mod_ag_sep(ws, &b, 1, &s[2], &a) < 0)
		goto out;
	mod_add(a.d, x->d, mod_tensor_len(&a));
	mod_tensor_drop(ws, x);
	*x = a;
	memset(&a, 0, sizeof(a));
	rc = 0;
out:
	mod_tensor_drop(ws, &a);
	mod_tensor_drop(ws, &b);
	return rc;
}

/* The feature extractor, from the normalised input to 7 x 7 x 512. */
static int mod_ag_features(const struct mod_ag *m, struct mod_ws *ws, struct mod_tensor *x)
{
	struct mod_tensor y;
	int oh, ow, pt, pl;

	mod_same(x->h, 3, 2, &oh, &pt);
	mod_same(x->w, 3, 2, &ow, &pl);
	if (mod_tensor_new(ws, &y, oh, ow, 32) < 0)
		return -1;
	mod_conv2d(x, m->conv_in_k, m->conv_in_b, 3, 3, 2, pt, pl, &y);
	mod_relu(y.d, mod_tensor_len(&y));
	mod_tensor_drop(ws, x);
	*x = y;
	if (mod_ag_reduction(&m->entry[0], 0, ws, x) < 0 ||
	    mod_ag_reduction(&m->entry[1], 1, ws, x) < 0 ||
	    mod_ag_main(m->main_block[0], ws, x) < 0 || mod_ag_main(m->main_block[1], ws, x) < 0 ||
	    mod_ag_reduction(&m->exit, 1, ws, x) < 0 || mod_ag_sep(ws, x, 0, &m->exit_sep, &y) < 0)
		return -1;
	mod_relu(y.d, mod_tensor_len(&y));
	mod_tensor_drop(ws, x);
	*x = y;
	return 0;
}

int mod_ag_forward(const struct mod_ag *m, struct mod_ws *ws, struct mod_tensor *x, float *age,
		   float gender[2])
{
	float pooled[512];

	if (mod_ag_features(m, ws, x) < 0)
		return -1;
	mod_avgpool_global(x, pooled);
	mod_dense(pooled, 512, m->age_k, m->age_b, 1, age);
	mod_dense(pooled, 512, m->gender_k, m->gender_b, 2, gender);
	return 0;
}

float mod_ag_female(const float gender[2])
{
	float p[2] = { gender[0], gender[1] };

	mod_softmax(p, 2);
	return p[1];
}

int mod_ag_run(const struct mod_ag *m, const struct mod_canvas *face, struct mod_ws *ws,
	       float *age, float *female)
{
	struct mod_tensor x = { 0 };
	float gender[2];
	int rc = -1;

	if (mod_ag_input(face, ws, &x) < 0 || mod_ag_forward(m, ws, &x, age, gender) < 0)
		goto out;
	*female = mod_ag_female(gender);
	rc = 0;
out:
	mod_tensor_drop(ws, &x);
	return rc;
}
