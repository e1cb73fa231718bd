/*
 * The inference kernels on cases small enough to compute by hand: the
 * weight layouts, TensorFlow's 'SAME' and 'VALID' geometry with the
 * asymmetric padding of stride 2, pooling that never lets the padding
 * win, the activations, the dense layer, softmax, both bilinear
 * alignments (with a padded canvas), non-maximum suppression and the
 * face crop.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "moderation/kernels.h"
#include "moderation/models.h"
#include "moderation/tensor.h"
#include "tap.h"

#include "core/banned.h"

static int near(float got, float want)
{
	return fabsf(got - want) <= 1e-5f * (1 + fabsf(want));
}

/* ok() that the n floats of got are want, printing the first mismatch. */
static void is_floats(const float *got, const float *want, int n, const char *name)
{
	int bad = -1;

	for (int i = 0; i < n && bad < 0; i++)
		if (!near(got[i], want[i]))
			bad = i;
	if (!ok(bad < 0, "%s", name))
		printf("#   at %d: got %.9g, want %.9g\n", bad, (double)got[bad], (double)want[bad]);
}

static struct mod_tensor tensor(float *d, int h, int w, int c)
{
	struct mod_tensor t = { d, h, w, c };

	return t;
}

/* A deterministic pseudo-random float in [-1, 1). */
static float rnd(unsigned *state)
{
	*state = *state * 1103515245u + 12345u;
	return (float)((*state >> 8) & 0xffff) / 32768.0f - 1.0f;
}

static void test_geometry(void)
{
	int out, pad;

	mod_same(207, 2, 2, &out, &pad);
	ok(out == 104 && pad == 0, "same: 207 pooled 2/2 gives 104, padding only after");
	mod_same(13, 2, 1, &out, &pad);
	ok(out == 13 && pad == 0, "same: 2x2 stride 1 keeps 13, padding after");
	mod_same(112, 3, 2, &out, &pad);
	ok(out == 56 && pad == 0, "same: 3x3/2 on an even size pads 0 before, 1 after");
	mod_same(7, 3, 2, &out, &pad);
	ok(out == 4 && pad == 1, "same: 3x3/2 on 7 pads 1 before and 1 after");
	mod_same(5, 3, 1, &out, &pad);
	ok(out == 5 && pad == 1, "same: 3x3/1 pads one all round");
	mod_same(56, 1, 2, &out, &pad);
	ok(out == 28 && pad == 0, "same: 1x1/2 has no padding");
	ok(mod_valid(225, 3, 2) == 112, "valid: 225 with 3x3/2 gives 112");
	ok(mod_valid(416, 3, 1) == 414, "valid: 416 with 3x3/1 gives 414");
	ok(mod_valid(2, 3, 1) == 0, "valid: a window larger than the input gives nothing");
}

/* 4 x 4 x 1 input holding 1..16 row by row. */
static void fill_1_16(float *x)
{
	for (int i = 0; i < 16; i++)
		x[i] = (float)(i + 1);
}

static void test_conv(void)
{
	float x[16], ones[9], y[8], bias1 = 1;
	struct mod_tensor in = tensor(x, 4, 4, 1), out;

	fill_1_16(x);
	for (int i = 0; i < 9; i++)
		ones[i] = 1;

	out = tensor(y, 2, 2, 1);
	mod_conv2d(&in, ones, &bias1, 3, 3, 1, 0, 0, &out);
	is_floats(y, (const float[]){ 55, 64, 91, 100 }, 4, "conv 3x3 valid stride 1, plus bias");

	/* TF 'SAME' stride 2 on an even size: nothing before, one after */
	mod_conv2d(&in, ones, NULL, 3, 3, 2, 0, 0, &out);
	is_floats(y, (const float[]){ 54, 45, 72, 54 }, 4, "conv 3x3 same stride 2: padding bottom/right only");

	/* symmetric padding (pad 1 before) on the same input, stride 2 */
	mod_conv2d(&in, ones, NULL, 3, 3, 2, 1, 1, &out);
	is_floats(y, (const float[]){ 14, 30, 57, 99 }, 4, "conv 3x3 stride 2 with padding 1 before");

	/* [KH][KW][Cin][Cout]: co 0 looks at the top-left tap, co 1 at the bottom-right */
	{
		float x2[4] = { 1, 2, 3, 4 }, k[8] = { 1, 0, 0, 0, 0, 0, 0, 1 }, y2[2];
		struct mod_tensor i2 = tensor(x2, 2, 2, 1), o2 = tensor(y2, 1, 1, 2);

		mod_conv2d(&i2, k, NULL, 2, 2, 1, 0, 0, &o2);
		is_floats(y2, (const float[]){ 1, 4 }, 2, "conv kernel layout is [kh][kw][cin][cout]");
	}
	/* two input channels, stride 1, pad 1: each output sums its 3x3 neighbourhood of both */
	{
		float x3[8], k[18], y3[4];
		struct mod_tensor i3 = tensor(x3, 2, 2, 2), o3 = tensor(y3, 2, 2, 1);

		for (int i = 0; i < 8; i++)
			x3[i] = i % 2 ? 10 : 1; /* channel 0 = 1, channel 1 = 10 */
		for (int i = 0; i < 18; i++)
			k[i] = i % 2 ? 0.5f : 2; /* cin 0 weight 2, cin 1 weight 0.5 */
		mod_conv2d(&i3, k, NULL, 3, 3, 1, 1, 1, &o3);
		is_floats(y3, (const float[]){ 28, 28, 28, 28 }, 4, "conv with two input channels and padding 1");
	}
}

static void test_pointwise(void)
{
	float x[4] = { 1, 2, -1, 0.5f }, k[4] = { 1, 2, 3, 4 }, b[2] = { 0.5f, -1 }, y[4];
	struct mod_tensor in = tensor(x, 1, 2, 2), out = tensor(y, 1, 2, 2);
	float x9[2 * 9], k9[9 * 3], y9[2 * 3], want[6];
	struct mod_tensor i9 = tensor(x9, 1, 2, 9), o9 = tensor(y9, 1, 2, 3);

	mod_pointwise(&in, k, b, &out);
	is_floats(y, (const float[]){ 7.5f, 9, 1, -1 }, 4, "pointwise: k is [cin][cout], plus bias");

	/* an odd channel count, checked against the formula */
	for (int i = 0; i < 18; i++)
		x9[i] = (float)(i % 7) - 3;
	for (int i = 0; i < 27; i++)
		k9[i] = (float)(i % 5) * 0.25f - 0.5f;
	for (int p = 0; p < 2; p++)
		for (int co = 0; co < 3; co++) {
			want[p * 3 + co] = 0;
			for (int ci = 0; ci < 9; ci++)
				want[p * 3 + co] += x9[p * 9 + ci] * k9[ci * 3 + co];
		}
	mod_pointwise(&i9, k9, NULL, &o9);
	is_floats(y9, want, 6, "pointwise with 9 input and 3 output channels");
}

static void test_depthwise(void)
{
	float x[18], k[18], y[18], want[18];
	struct mod_tensor in = tensor(x, 3, 3, 2), out = tensor(y, 3, 3, 2);
	static const float counts[9] = { 4, 6, 4, 6, 9, 6, 4, 6, 4 };

	for (int i = 0; i < 9; i++) {
		x[i * 2] = (float)(i + 1); /* channel 0: 1..9 */
		x[i * 2 + 1] = 1;	  /* channel 1: ones */
		k[i * 2] = i == 4 ? 1 : 0; /* channel 0: the centre tap only */
		k[i * 2 + 1] = 1;	  /* channel 1: all taps */
		want[i * 2] = (float)(i + 1);
		want[i * 2 + 1] = counts[i];
	}
	mod_depthwise3x3(&in, k, NULL, 1, 1, 1, &out);
	is_floats(y, want, 18, "depthwise 3x3 same: channels apart, padding counts zero");

	{
		float x4[16], ones[9], y4[4], b = -4;
		struct mod_tensor i4 = tensor(x4, 4, 4, 1), o4 = tensor(y4, 2, 2, 1);

		fill_1_16(x4);
		for (int i = 0; i < 9; i++)
			ones[i] = 1;
		mod_depthwise3x3(&i4, ones, &b, 2, 0, 0, &o4);
		is_floats(y4, (const float[]){ 50, 41, 68, 50 }, 4,
			  "depthwise stride 2, padding (0,1) as Keras pads it, plus bias");
	}
}

static void test_pool(void)
{
	float x[9], neg[9], y[9];
	struct mod_tensor in = tensor(x, 3, 3, 1), out;

	for (int i = 0; i < 9; i++) {
		x[i] = (float)(i + 1);
		neg[i] = -(float)(i + 1);
	}
	out = tensor(y, 2, 2, 1);
	mod_maxpool(&in, 2, 2, 0, 0, &out);
	is_floats(y, (const float[]){ 5, 6, 8, 9 }, 4, "max-pool 2x2/2 same on an odd size");
	in.d = neg;
	mod_maxpool(&in, 2, 2, 0, 0, &out);
	is_floats(y, (const float[]){ -1, -3, -7, -9 }, 4, "max-pool: the zero padding never wins");
	in.d = x;
	out = tensor(y, 3, 3, 1);
	mod_maxpool(&in, 2, 1, 0, 0, &out);
	is_floats(y, (const float[]){ 5, 6, 6, 8, 9, 9, 8, 9, 9 }, 9,
		  "max-pool 2x2 stride 1 same: windows clipped at the bottom and right");
	{
		float x4[16], y4[4];
		struct mod_tensor i4 = tensor(x4, 4, 4, 1), o4 = tensor(y4, 2, 2, 1);

		fill_1_16(x4);
		mod_maxpool(&i4, 3, 2, 0, 0, &o4);
		is_floats(y4, (const float[]){ 11, 12, 15, 16 }, 4, "max-pool 3x3/2 same on an even size");
	}
	{
		float x2[8] = { 1, 10, 2, 20, 3, 30, 4, 41 }, m[2];
		struct mod_tensor i2 = tensor(x2, 2, 2, 2);

		mod_avgpool_global(&i2, m);
		is_floats(m, (const float[]){ 2.5f, 25.25f }, 2, "global average pool per channel");
	}
}

static void test_activations(void)
{
	float a[4] = { -1, 0.5f, 7, 6 }, b[4] = { -1, 0.5f, 7, -0 }, c[3] = { -2, 3, 0 };
	float s[2] = { 0, logf(3) }, big[3] = { 1000, 1000, -1000 };
	float y[2] = { 1, 2 }, d[3];

	mod_relu6(a, 4);
	is_floats(a, (const float[]){ 0, 0.5f, 6, 6 }, 4, "relu6 clamps to [0, 6]");
	mod_relu(b, 4);
	is_floats(b, (const float[]){ 0, 0.5f, 7, 0 }, 4, "relu");
	mod_leaky(c, 3);
	is_floats(c, (const float[]){ -0.2f, 3, 0 }, 3, "leaky relu with slope 0.1");
	mod_add(y, (const float[]){ 0.5f, -2 }, 2);
	is_floats(y, (const float[]){ 1.5f, 0 }, 2, "add");
	mod_softmax(s, 2);
	is_floats(s, (const float[]){ 0.25f, 0.75f }, 2, "softmax");
	mod_softmax(big, 3);
	is_floats(big, (const float[]){ 0.5f, 0.5f, 0 }, 3, "softmax of large logits does not overflow");
	mod_dense((const float[]){ 1, 2 }, 2, (const float[]){ 1, 2, 3, 4, 5, 6 },
		  (const float[]){ 0, 1, -1 }, 3, d);
	is_floats(d, (const float[]){ 9, 13, 14 }, 3, "dense: k is [in][out], plus bias");
}

static void test_resize(void)
{
	/* 2x2 RGB image, the three channels equal: 0 255 / 255 0 */
	static const unsigned char px[12] = { 0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 0 };
	struct mod_canvas c = { px, 6, 2, 2, 0, 0, 2, 2 };
	float lut[256], y[4 * 4 * 3], g[16];
	struct mod_tensor out;

	for (int i = 0; i < 256; i++)
		lut[i] = (float)i;

	out = tensor(y, 3, 3, 3);
	mod_resize_bilinear(&c, lut, true, &out);
	for (int i = 0; i < 9; i++)
		g[i] = y[i * 3 + 1];
	is_floats(g, (const float[]){ 0, 127.5f, 255, 127.5f, 127.5f, 127.5f, 255, 127.5f, 0 }, 9,
		  "bilinear align_corners=true keeps the corners");

	out = tensor(y, 4, 4, 3);
	mod_resize_bilinear(&c, lut, false, &out);
	for (int i = 0; i < 16; i++)
		g[i] = y[i * 3 + 2];
	is_floats(g,
		  (const float[]){ 0, 127.5f, 255, 255, 127.5f, 127.5f, 127.5f, 127.5f, 255, 127.5f, 0, 0,
				   255, 127.5f, 0, 0 },
		  16, "bilinear align_corners=false: source = dst * in / out, clamped at the edge");

	/* the same image on a 2x4 canvas, shifted down by one row */
	c.y0 = 1;
	c.ch = 4;
	c.cw = 2;
	out = tensor(y, 4, 2, 3);
	mod_resize_bilinear(&c, lut, false, &out);
	for (int i = 0; i < 8; i++)
		g[i] = y[i * 3];
	is_floats(g, (const float[]){ 0, 0, 0, 255, 255, 0, 0, 0 }, 8,
		  "a canvas reads the image at its offset and zeros around it");

	for (int i = 0; i < 256; i++)
		lut[i] = (float)i / 255.0f;
	c.y0 = 0;
	c.ch = 2;
	out = tensor(y, 2, 2, 3);
	mod_resize_bilinear(&c, lut, true, &out);
	ok(y[0] == 0 && y[3] == 1.0f, "bytes go through the lut (x / 255) before interpolation");
}

/* tfjs-backend-cpu's ResizeBilinear on a materialised canvas, for
 * comparison: the canvas is built as a float image first. */
static void naive_resize(const struct mod_canvas *c, const float lut[256], bool align, int oh, int ow,
			 float *out)
{
	double ry = align && oh > 1 ? (double)(c->ch - 1) / (oh - 1) : (double)c->ch / oh;
	double rx = align && ow > 1 ? (double)(c->cw - 1) / (ow - 1) : (double)c->cw / ow;

	for (int r = 0; r < oh; r++)
		for (int x = 0; x < ow; x++)
			for (int ch = 0; ch < 3; ch++) {
				double sy = ry * r, sx = rx * x, v[2][2];
				int y0 = (int)floor(sy), x0 = (int)floor(sx);
				int y1 = (int)ceil(sy) < c->ch - 1 ? (int)ceil(sy) : c->ch - 1;
				int x1 = (int)ceil(sx) < c->cw - 1 ? (int)ceil(sx) : c->cw - 1;
				int ys[2] = { y0, y1 }, xs[2] = { x0, x1 };

				for (int i = 0; i < 2; i++)
					for (int j = 0; j < 2; j++) {
						int iy = ys[i] - c->y0, ix = xs[j] - c->x0;

						v[i][j] = iy < 0 || iy >= c->h || ix < 0 || ix >= c->w ?
								  0 :
								  lut[c->px[(size_t)iy * c->stride + (size_t)ix * 3 + ch]];
					}
				{
					double top = v[0][0] + (v[0][1] - v[0][0]) * (sx - x0);
					double bot = v[1][0] + (v[1][1] - v[1][0]) * (sx - x0);

					out[((size_t)r * ow + x) * 3 + ch] = (float)(top + (bot - top) * (sy - y0));
				}
			}
}

/* Both alignments, shrinking and enlarging, an image off the canvas's
 * corner, and an output wider than the resize's column table. */
static void test_resize_against_definition(void)
{
	static unsigned char px[5 * 9 * 3];
	static float got[7 * 1100 * 3], want[7 * 1100 * 3];
	struct mod_canvas c = { px, 9 * 3, 9, 5, 2, 3, 12, 9 };
	static const int shapes[3][2] = { { 7, 1100 }, { 4, 5 }, { 2, 3 } };
	float lut[256];
	unsigned state = 3;

	for (size_t i = 0; i < sizeof(px); i++)
		px[i] = (unsigned char)(rnd(&state) * 127 + 128);
	for (int i = 0; i < 256; i++)
		lut[i] = (float)i / 255.0f;
	for (int a = 0; a < 2; a++) {
		for (int s = 0; s < 3; s++) {
			struct mod_tensor out = tensor(got, shapes[s][0], shapes[s][1], 3);
			size_t n = (size_t)shapes[s][0] * shapes[s][1] * 3;
			int same;

			mod_resize_bilinear(&c, lut, a, &out);
			naive_resize(&c, lut, a, shapes[s][0], shapes[s][1], want);
			same = memcmp(got, want, n * sizeof(float)) == 0;
			ok(same, "resize 12x9 canvas to %dx%d, align_corners=%s: as tfjs computes it",
			   shapes[s][1], shapes[s][0], a ? "true" : "false");
		}
	}
}

static void test_nms(void)
{
	struct mod_box b[6] = {
		{ 0, 0, 10, 10, 0.9f }, { 1, 1, 10, 10, 0.8f }, { 20, 20, 10, 10, 0.7f },
		{ 0, 0, 10, 10, 0.9f }, { 40, 40, 10, 10, 0.6f }, { 40, 40, 4, 10, 0.65f },
	};
	int keep[6], n = mod_nms(b, 6, 0.4, keep);

	/* 3 ties 0 and wins (the later box); 0 and 1 overlap it; 5 and 4
	 * overlap by exactly 0.4, which is not above the threshold */
	ok(n == 4 && keep[0] == 3 && keep[1] == 2 && keep[2] == 5 && keep[3] == 4,
	   "nms: best first, later box wins a tie, IoU 0.4 is kept, overlaps dropped");
	ok(mod_nms(b, 0, 0.4, keep) == 0, "nms of nothing");
}

static void test_crop(void)
{
	struct mod_box in = { -5.5, 10.5, 30, 20, 1 }, out = { 120, 5, 10, 10, 1 };
	struct mod_box edge = { 90.5, 90.5, 20, 20, 1 };
	int x, y, w, h;

	ok(mod_face_crop(&in, 100, 100, &x, &y, &w, &h) == 0 && x == 0 && y == 10 && w == 24 &&
		   h == 20,
	   "crop: clipped at the image border, then each of x, y, w, h floored");
	ok(mod_face_crop(&edge, 100, 100, &x, &y, &w, &h) == 0 && x == 90 && y == 90 && w == 9 &&
		   h == 9 && x + w <= 100,
	   "crop: never past the right or bottom edge");
	ok(mod_face_crop(&out, 100, 100, &x, &y, &w, &h) < 0, "crop: a box outside the image gives nothing");
}

/* The convolution by its definition, in double, for comparison. */
static void naive_conv(const struct mod_tensor *in, const float *k, const float *bias, int kh,
		       int kw, int stride, int pt, int pl, struct mod_tensor *out, int depthwise)
{
	for (int oy = 0; oy < out->h; oy++)
		for (int ox = 0; ox < out->w; ox++)
			for (int co = 0; co < out->c; co++) {
				double sum = bias ? bias[co] : 0;

				for (int ky = 0; ky < kh; ky++)
					for (int kx = 0; kx < kw; kx++) {
						int iy = oy * stride + ky - pt, ix = ox * stride + kx - pl;

						if (iy < 0 || iy >= in->h || ix < 0 || ix >= in->w)
							continue;
						for (int ci = depthwise ? co : 0; ci < (depthwise ? co + 1 : in->c); ci++)
							sum += (double)in->d[((size_t)iy * in->w + ix) * in->c + ci] *
							       k[((size_t)(ky * kw + kx) * in->c + ci) * (depthwise ? 1 : out->c) +
								 (depthwise ? 0 : co)];
					}
				out->d[((size_t)oy * out->w + ox) * out->c + co] = (float)sum;
			}
}

/* Largest |a - b| relative to the largest |b|. */
static double max_rel_diff(const float *a, const float *b, size_t n)
{
	double d = 0, m = 1e-30;

	for (size_t i = 0; i < n; i++) {
		d = fmax(d, fabs((double)a[i] - b[i]));
		m = fmax(m, fabs((double)b[i]));
	}
	return d / m;
}

/*
 * The tiled kernels against the definition on shapes that reach every
 * path: whole tiles of 16 channels and leftovers, tiles of pixels cut by
 * the row's end, inputs too wide for the zero row, stride 2, padding.
 */
static void test_against_definition(void)
{
	static const struct {
		int h, w, cin, cout, k, stride, pt, pl, oh, ow;
	} cases[] = {
		{ 9, 11, 3, 16, 3, 1, 0, 0, 7, 9 },    /* the detector's first layer */
		{ 10, 10, 3, 32, 3, 2, 0, 0, 4, 4 },   /* MobileNetV2's, padding after */
		{ 8, 8, 3, 32, 3, 2, 0, 0, 4, 4 },     /* TinyXception's, 'same' even */
		{ 7, 9, 5, 35, 3, 2, 1, 1, 4, 5 },     /* leftover channels, padding before */
		{ 6, 6, 64, 40, 1, 2, 0, 0, 3, 3 },    /* 1x1 stride 2 expansion */
		{ 5, 6, 600, 17, 3, 1, 1, 1, 5, 6 },   /* wider than the zero row */
		{ 5, 7, 37, 53, 1, 1, 0, 0, 5, 7 },    /* pointwise, odd sizes */
		{ 3, 3, 24, 144, 1, 1, 0, 0, 3, 3 },   /* pointwise, 9 whole tiles */
	};
	unsigned state = 7;

	for (size_t t = 0; t < sizeof(cases) / sizeof(cases[0]); t++) {
		size_t nin = (size_t)cases[t].h * cases[t].w * cases[t].cin;
		size_t nk = (size_t)cases[t].k * cases[t].k * cases[t].cin * cases[t].cout;
		size_t nout = (size_t)cases[t].oh * cases[t].ow * cases[t].cout;
		float *x = mod_floats_alloc(nin), *k = mod_floats_alloc(nk), *b = mod_floats_alloc(cases[t].cout);
		float *y = mod_floats_alloc(nout), *want = mod_floats_alloc(nout);
		struct mod_tensor in = tensor(x, cases[t].h, cases[t].w, cases[t].cin);
		struct mod_tensor out = tensor(y, cases[t].oh, cases[t].ow, cases[t].cout);
		struct mod_tensor ref = tensor(want, cases[t].oh, cases[t].ow, cases[t].cout);

		for (size_t i = 0; i < nin; i++)
			x[i] = rnd(&state);
		for (size_t i = 0; i < nk; i++)
			k[i] = rnd(&state);
		for (int i = 0; i < cases[t].cout; i++)
			b[i] = rnd(&state);
		mod_conv2d(&in, k, b, cases[t].k, cases[t].k, cases[t].stride, cases[t].pt, cases[t].pl, &out);
		naive_conv(&in, k, b, cases[t].k, cases[t].k, cases[t].stride, cases[t].pt, cases[t].pl, &ref, 0);
		ok(max_rel_diff(y, want, nout) < 1e-5, "conv %dx%dx%d -> %dx%dx%d, %dx%d/%d: as defined",
		   cases[t].h, cases[t].w, cases[t].cin, cases[t].oh, cases[t].ow, cases[t].cout, cases[t].k,
		   cases[t].k, cases[t].stride);
		mod_floats_free(x);
		mod_floats_free(k);
		mod_floats_free(b);
		mod_floats_free(y);
		mod_floats_free(want);
	}
	for (int c = 8; c <= 40; c += 16) {
		for (int stride = 1; stride <= 2; stride++) {
			int h = 7, w = 6, oh = stride == 1 ? 7 : 3, ow = stride == 1 ? 6 : 3, pad = 2 - stride;
			float *x = mod_floats_alloc((size_t)h * w * c), *k = mod_floats_alloc((size_t)9 * c);
			float *y = mod_floats_alloc((size_t)oh * ow * c), *want = mod_floats_alloc((size_t)oh * ow * c);
			struct mod_tensor in = tensor(x, h, w, c), out = tensor(y, oh, ow, c);
			struct mod_tensor ref = tensor(want, oh, ow, c);

			for (int i = 0; i < h * w * c; i++)
				x[i] = rnd(&state);
			for (int i = 0; i < 9 * c; i++)
				k[i] = rnd(&state);
			mod_depthwise3x3(&in, k, NULL, stride, pad, pad, &out);
			naive_conv(&in, k, NULL, 3, 3, stride, pad, pad, &ref, 1);
			ok(max_rel_diff(y, want, (size_t)oh * ow * c) < 1e-5,
			   "depthwise %d channels, stride %d: as defined", c, stride);
			mod_floats_free(x);
			mod_floats_free(k);
			mod_floats_free(y);
			mod_floats_free(want);
		}
	}
}

static void test_workspace(void)
{
	struct mod_ws ws;
	struct mod_tensor a, b, c;

	mod_ws_init(&ws);
	ok(mod_tensor_new(&ws, &a, 10, 10, 4) == 0 && ((size_t)a.d % MOD_ALIGN) == 0,
	   "workspace: an aligned tensor");
	mod_tensor_drop(&ws, &a);
	ok(mod_tensor_new(&ws, &b, 5, 5, 4) == 0 && mod_tensor_new(&ws, &c, 20, 20, 4) == 0,
	   "workspace: a dropped buffer is reused and another grows");
	ok(ws.bytes == (400 + 1600) * sizeof(float), "workspace: two buffers held");
	ok(mod_tensor_new(&ws, &a, 0, 1, 1) < 0, "workspace: an empty shape is refused");
	mod_ws_release(&ws);
	ok(ws.bytes == 0, "workspace: released");
}

int main(void)
{
	test_geometry();
	test_conv();
	test_pointwise();
	test_depthwise();
	test_pool();
	test_activations();
	test_resize();
	test_against_definition();
	test_resize_against_definition();
	test_nms();
	test_crop();
	test_workspace();
	return done_testing();
}
