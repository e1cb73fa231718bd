/*
 * The network operations (kernels.h). Plain C that the compiler
 * vectorises: every inner loop runs over output channels, which are
 * contiguous in NHWC, so one input value times one kernel row is added
 * to a row of accumulators (an "axpy").
 */
#include <math.h>
#include <string.h>

#include "moderation/kernels.h"

#include "core/banned.h"

void mod_same(int in, int k, int stride, int *out, int *pad_before)
{
	int o = (in + stride - 1) / stride;
	int total = (o - 1) * stride + k - in;

	*out = o;
	*pad_before = total > 0 ? total / 2 : 0;
}

int mod_valid(int in, int k, int stride)
{
	return in < k ? 0 : (in - k) / stride + 1;
}

static void mod_axpy(float *restrict y, float a, const float *restrict x, int n)
{
	for (int i = 0; i < n; i++)
		y[i] += a * x[i];
}

static void mod_add_bias(float *restrict y, const float *restrict bias, int n)
{
	if (!bias)
		return;
	for (int i = 0; i < n; i++)
		y[i] += bias[i];
}

void mod_conv2d(const struct mod_tensor *in, const float *k, const float *bias, int kh, int kw,
		int stride, int pad_top, int pad_left, struct mod_tensor *out)
{
	const int cin = in->c, cout = out->c;

	if (kh == 1 && kw == 1 && stride == 1 && pad_top == 0 && pad_left == 0 &&
	    in->h == out->h && in->w == out->w) {
		mod_pointwise(in, k, bias, out);
		return;
	}
	for (int oy = 0; oy < out->h; oy++) {
		for (int ox = 0; ox < out->w; ox++) {
			float *o = out->d + ((size_t)oy * out->w + ox) * cout;

			memset(o, 0, sizeof(float) * (size_t)cout);
			for (int ky = 0; ky < kh; ky++) {
				int iy = oy * stride + ky - pad_top;

				if (iy < 0 || iy >= in->h)
					continue;
				for (int kx = 0; kx < kw; kx++) {
					int ix = ox * stride + kx - pad_left;
					const float *x, *kr;

					if (ix < 0 || ix >= in->w)
						continue;
					x = in->d + ((size_t)iy * in->w + ix) * cin;
					kr = k + (size_t)(ky * kw + kx) * cin * cout;
					for (int ci = 0; ci < cin; ci++)
						mod_axpy(o, x[ci], kr + (size_t)ci * cout, cout);
				}
			}
			mod_add_bias(o, bias, cout);
		}
	}
}

void mod_pointwise(const struct mod_tensor *in, const float *k, const float *bias,
		   struct mod_tensor *out)
{
	const size_t npix = (size_t)in->h * in->w;
	const int cin = in->c, cout = out->c;

	for (size_t p = 0; p < npix; p++) {
		const float *x = in->d + p * cin;
		float *o = out->d + p * cout;

		memset(o, 0, sizeof(float) * (size_t)cout);
		for (int ci = 0; ci < cin; ci++)
			mod_axpy(o, x[ci], k + (size_t)ci * cout, cout);
		mod_add_bias(o, bias, cout);
	}
}

void mod_depthwise3x3(const struct mod_tensor *in, const float *k, const float *bias, int stride,
		      int pad_top, int pad_left, struct mod_tensor *out)
{
	const int c = in->c;

	for (int oy = 0; oy < out->h; oy++) {
		for (int ox = 0; ox < out->w; ox++) {
			float *restrict o = out->d + ((size_t)oy * out->w + ox) * c;

			memset(o, 0, sizeof(float) * (size_t)c);
			for (int ky = 0; ky < 3; ky++) {
				int iy = oy * stride + ky - pad_top;

				if (iy < 0 || iy >= in->h)
					continue;
				for (int kx = 0; kx < 3; kx++) {
					int ix = ox * stride + kx - pad_left;
					const float *restrict x, *restrict kr;

					if (ix < 0 || ix >= in->w)
						continue;
					x = in->d + ((size_t)iy * in->w + ix) * c;
					kr = k + (size_t)(ky * 3 + kx) * c;
					for (int i = 0; i < c; i++)
						o[i] += x[i] * kr[i];
				}
			}
			mod_add_bias(o, bias, c);
		}
	}
}

void mod_maxpool(const struct mod_tensor *in, int k, int stride, int pad_top, int pad_left,
		 struct mod_tensor *out)
{
	const int c = in->c;

	for (int oy = 0; oy < out->h; oy++) {
		for (int ox = 0; ox < out->w; ox++) {
			float *restrict o = out->d + ((size_t)oy * out->w + ox) * c;

			for (int i = 0; i < c; i++)
				o[i] = -INFINITY;
			for (int ky = 0; ky < k; ky++) {
				int iy = oy * stride + ky - pad_top;

				if (iy < 0 || iy >= in->h)
					continue;
				for (int kx = 0; kx < k; kx++) {
					int ix = ox * stride + kx - pad_left;
					const float *restrict x;

					if (ix < 0 || ix >= in->w)
						continue;
					x = in->d + ((size_t)iy * in->w + ix) * c;
					for (int i = 0; i < c; i++)
						o[i] = x[i] > o[i] ? x[i] : o[i];
				}
			}
		}
	}
}

/* Summed in double and divided once, as the CPU backend's pooling does. */
void mod_avgpool_global(const struct mod_tensor *in, float *out)
{
	const size_t npix = (size_t)in->h * in->w;

	for (int i = 0; i < in->c; i++) {
		double sum = 0;

		for (size_t p = 0; p < npix; p++)
			sum += in->d[p * in->c + i];
		out[i] = (float)(sum / (double)npix);
	}
}

/* The activations are written as min/max so that they vectorise (a
 * branch per element costs several milliseconds per image). */
void mod_relu(float *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		x[i] = fmaxf(x[i], 0.0f);
}

void mod_relu6(float *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		x[i] = fminf(fmaxf(x[i], 0.0f), 6.0f);
}

/* For x > 0, 0.1x < x; for x < 0, 0.1x > x: the larger one is the answer. */
void mod_leaky(float *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		x[i] = fmaxf(x[i], 0.1f * x[i]);
}

void mod_add(float *restrict y, const float *restrict x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		y[i] += x[i];
}

/* Accumulated in double: the head layers are tiny and this keeps the
 * class probabilities closest to the reference. */
void mod_dense(const float *in, int n, const float *k, const float *bias, int m, float *out)
{
	for (int j = 0; j < m; j++) {
		double sum = 0;

		for (int i = 0; i < n; i++)
			sum += (double)in[i] * (double)k[(size_t)i * m + j];
		out[j] = (float)sum + (bias ? bias[j] : 0.0f);
	}
}

void mod_softmax(float *x, int n)
{
	float max = -INFINITY, sum = 0;

	for (int i = 0; i < n; i++)
		max = x[i] > max ? x[i] : max;
	for (int i = 0; i < n; i++) {
		x[i] = expf(x[i] - max);
		sum += x[i];
	}
	for (int i = 0; i < n; i++)
		x[i] /= sum;
}

/* One source axis of the resize: the two taps and the weight of the
 * second, computed in double exactly as tfjs-backend-cpu does. */
struct mod_tap {
	int lo, hi;
	double frac;
};

static struct mod_tap mod_resize_tap(double ratio, int dst, int in)
{
	struct mod_tap t;
	double s = ratio * dst, fl = floor(s);

	t.lo = fl > 0 ? (int)fl : 0;
	t.frac = s - t.lo;
	t.hi = (int)ceil(s);
	if (t.hi > in - 1)
		t.hi = in - 1;
	if (t.lo > in - 1) /* only when rounding runs past the edge */
		t.lo = in - 1;
	return t;
}

/* The canvas at (x, y), through the lut; 0 outside the image. */
static inline float mod_canvas_at(const struct mod_canvas *s, const float lut[256], int x, int y,
				  int ch)
{
	x -= s->x0;
	y -= s->y0;
	if (x < 0 || y < 0 || x >= s->w || y >= s->h)
		return 0.0f;
	return lut[s->px[(size_t)y * s->stride + (size_t)x * 3 + ch]];
}

void mod_resize_bilinear(const struct mod_canvas *src, const float lut[256], bool align_corners,
			 struct mod_tensor *out)
{
	int in_h = src->ch, in_w = src->cw;
	int eff_in_h = align_corners && out->h > 1 ? in_h - 1 : in_h;
	int eff_in_w = align_corners && out->w > 1 ? in_w - 1 : in_w;
	int eff_out_h = align_corners && out->h > 1 ? out->h - 1 : out->h;
	int eff_out_w = align_corners && out->w > 1 ? out->w - 1 : out->w;
	double ry = (double)eff_in_h / eff_out_h, rx = (double)eff_in_w / eff_out_w;

	for (int r = 0; r < out->h; r++) {
		struct mod_tap ty = mod_resize_tap(ry, r, in_h);
		float *o = out->d + (size_t)r * out->w * 3;

		for (int c = 0; c < out->w; c++) {
			struct mod_tap tx = mod_resize_tap(rx, c, in_w);

			for (int ch = 0; ch < 3; ch++) {
				double tl = mod_canvas_at(src, lut, tx.lo, ty.lo, ch);
				double tr = mod_canvas_at(src, lut, tx.hi, ty.lo, ch);
				double bl = mod_canvas_at(src, lut, tx.lo, ty.hi, ch);
				double br = mod_canvas_at(src, lut, tx.hi, ty.hi, ch);
				double top = tl + (tr - tl) * tx.frac;
				double bot = bl + (br - bl) * tx.frac;

				*o++ = (float)(top + (bot - top) * ty.frac);
			}
		}
	}
}
