/*
 * The network operations (kernels.h). Plain C that the compiler
 * vectorises: inner loops run over output channels, which are
 * contiguous in NHWC, so one input value times one kernel row is added
 * to a row of sums. The convolutions work on tiles of a few pixels by
 * 16 channels whose sums stay in registers from the first input channel
 * to the last; each output is still summed in the order of the
 * definition, so tiling changes no result.
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

/* Output channels computed together, their sums held in registers. */
#define MOD_TILE_CO 16

/*
 * The hot kernels are compiled three times, for the x86-64 baseline
 * (SSE2), for x86-64-v3 (AVX2 and FMA) and for x86-64-v4 (AVX-512), and
 * the dynamic linker picks the best one the CPU supports (an ifunc), so
 * one portable binary runs at the speed of the machine. FMA rounds once
 * where mul+add rounds twice: the results move by about 1e-7. Sanitizer
 * builds, and builds with -DMOD_NO_CLONES, have the baseline code only.
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
	!defined(__SANITIZE_ADDRESS__) && !defined(MOD_NO_CLONES)
#define MOD_CLONES __attribute__((target_clones("default", "arch=x86-64-v3", "arch=x86-64-v4")))
#else
#define MOD_CLONES
#endif

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

/* Pixels of a convolution computed together: independent sums keep the
 * multiply-add units busy where one pixel's sums would wait on each
 * other. */
#define MOD_CONV_PX 4
/* Taps that fall in the padding read zeros from here (up to this many
 * input channels; wider inputs take the one-pixel path). */
#define MOD_CONV_MAXCIN 512
static const float mod_zeros[MOD_CONV_MAXCIN];

/*
 * n (<= MOD_CONV_PX) neighbouring output pixels of a convolution, output
 * channels co0 .. co0 + 16, the sums in registers. (iy0, ix0) is the
 * top-left of the first pixel's window in the input (possibly in the
 * padding); the next pixels' windows are stride further right. o is the
 * first pixel's output row.
 */
static inline __attribute__((always_inline)) void
mod_conv_tile(const struct mod_tensor *in, const float *restrict k, int kh, int kw, int stride,
	      int iy0, int ix0, int n, int cout, int co0, float *restrict o)
{
	const int cin = in->c;
	float acc[MOD_CONV_PX][MOD_TILE_CO] = { { 0 } };

	for (int ky = 0; ky < kh; ky++) {
		int iy = iy0 + ky;
		const float *row;

		if (iy < 0 || iy >= in->h)
			continue;
		row = in->d + (size_t)iy * in->w * cin;
		for (int kx = 0; kx < kw; kx++) {
			const float *restrict kr = k + (size_t)(ky * kw + kx) * cin * cout + co0;
			const float *x[MOD_CONV_PX];

			for (int p = 0; p < MOD_CONV_PX; p++) {
				int ix = ix0 + p * stride + kx;

				x[p] = p < n && ix >= 0 && ix < in->w ? row + (size_t)ix * cin : mod_zeros;
			}
			for (int ci = 0; ci < cin; ci++) {
				const float *restrict w = kr + (size_t)ci * cout;

				for (int p = 0; p < MOD_CONV_PX; p++)
					for (int j = 0; j < MOD_TILE_CO; j++)
						acc[p][j] += x[p][ci] * w[j];
			}
		}
	}
	for (int p = 0; p < n; p++)
		memcpy(o + (size_t)p * cout + co0, acc[p], sizeof(acc[p]));
}

/* One output pixel, channels co0 .. co0 + 16, for inputs too wide for
 * mod_zeros. */
static void mod_conv_tile_wide(const struct mod_tensor *in, const float *k, int kh, int kw,
			       int iy0, int ix0, int cout, int co0, float *o)
{
	const int cin = in->c;
	float acc[MOD_TILE_CO] = { 0 };

	for (int ky = 0; ky < kh; ky++) {
		for (int kx = 0; kx < kw; kx++) {
			int iy = iy0 + ky, ix = ix0 + kx;
			const float *x, *kr;

			if (iy < 0 || iy >= in->h || ix < 0 || ix >= in->w)
				continue;
			x = in->d + ((size_t)iy * in->w + ix) * cin;
			kr = k + (size_t)(ky * kw + kx) * cin * cout + co0;
			for (int ci = 0; ci < cin; ci++)
				for (int j = 0; j < MOD_TILE_CO; j++)
					acc[j] += x[ci] * kr[(size_t)ci * cout + j];
		}
	}
	memcpy(o + co0, acc, sizeof(acc));
}

/* The channels past the last whole tile of one pixel, through memory. */
static void mod_conv_px_tail(const struct mod_tensor *in, const float *k, int kh, int kw, int iy0,
			     int ix0, int cout, int co0, float *o)
{
	const int cin = in->c;

	memset(o + co0, 0, sizeof(float) * (size_t)(cout - co0));
	for (int ky = 0; ky < kh; ky++) {
		int iy = iy0 + ky;

		if (iy < 0 || iy >= in->h)
			continue;
		for (int kx = 0; kx < kw; kx++) {
			int ix = ix0 + kx;
			const float *x, *kr;

			if (ix < 0 || ix >= in->w)
				continue;
			x = in->d + ((size_t)iy * in->w + ix) * cin;
			kr = k + (size_t)(ky * kw + kx) * cin * cout;
			for (int ci = 0; ci < cin; ci++)
				mod_axpy(o + co0, x[ci], kr + (size_t)ci * cout + co0, cout - co0);
		}
	}
}

MOD_CLONES
void mod_conv2d(const struct mod_tensor *in, const float *k, const float *bias, int kh, int kw,
		int stride, int pad_top, int pad_left, struct mod_tensor *out)
{
	const int cout = out->c, cmain = cout - cout % MOD_TILE_CO;
	const int step = in->c <= MOD_CONV_MAXCIN ? MOD_CONV_PX : 1;

	if (kh == 1 && kw == 1 && stride == 1 && pad_top == 0 && pad_left == 0 &&
	    in->h == out->h && in->w == out->w) {
		mod_pointwise(in, k, bias, out);
		return;
	}
	for (int oy = 0; oy < out->h; oy++) {
		for (int ox = 0; ox < out->w; ox += step) {
			float *o = out->d + ((size_t)oy * out->w + ox) * cout;
			int iy0 = oy * stride - pad_top, ix0 = ox * stride - pad_left;
			int n = out->w - ox < step ? out->w - ox : step;

			for (int co = 0; co < cmain; co += MOD_TILE_CO) {
				if (step == MOD_CONV_PX)
					mod_conv_tile(in, k, kh, kw, stride, iy0, ix0, n, cout, co, o);
				else
					mod_conv_tile_wide(in, k, kh, kw, iy0, ix0, cout, co, o);
			}
			for (int p = 0; p < n; p++) {
				float *op = o + (size_t)p * cout;

				if (cmain < cout)
					mod_conv_px_tail(in, k, kh, kw, iy0, ix0 + p * stride, cout, cmain, op);
				mod_add_bias(op, bias, cout);
			}
		}
	}
}

/*
 * The 1x1 convolutions are most of the arithmetic (about 90 % of MobileNetV2's).
 * They are computed in tiles of MOD_PW_PX pixels x MOD_PW_CO output
 * channels whose sums stay in registers for the whole input-channel
 * loop, so each kernel row is loaded once per four pixels and no
 * partial sum goes through memory. Each output is still the sum over
 * input channels in order, so the tiling changes no result.
 */
#define MOD_PW_PX 4
#define MOD_PW_CO MOD_TILE_CO

/* One tile: n (<= MOD_PW_PX) pixels of x (rows of cin) times output
 * channels co0 .. co0 + MOD_PW_CO of k, into o (rows of cout). */
static inline __attribute__((always_inline)) void
mod_pw_tile(const float *restrict x, int n, int cin, const float *restrict k, int cout, int co0,
	    float *restrict o)
{
	float acc[MOD_PW_PX][MOD_PW_CO] = { { 0 } };

	for (int ci = 0; ci < cin; ci++) {
		const float *restrict kr = k + (size_t)ci * cout + co0;
		float v[MOD_PW_PX];

		for (int p = 0; p < MOD_PW_PX; p++)
			v[p] = p < n ? x[(size_t)p * cin + ci] : 0.0f;
		for (int p = 0; p < MOD_PW_PX; p++)
			for (int j = 0; j < MOD_PW_CO; j++)
				acc[p][j] += v[p] * kr[j];
	}
	for (int p = 0; p < n; p++)
		memcpy(o + (size_t)p * cout + co0, acc[p], sizeof(acc[p]));
}

MOD_CLONES
void mod_pointwise(const struct mod_tensor *in, const float *k, const float *bias,
		   struct mod_tensor *out)
{
	const size_t npix = (size_t)in->h * in->w;
	const int cin = in->c, cout = out->c, cmain = cout - cout % MOD_PW_CO;

	for (size_t p = 0; p < npix; p += MOD_PW_PX) {
		int n = npix - p < MOD_PW_PX ? (int)(npix - p) : MOD_PW_PX;
		const float *x = in->d + p * cin;
		float *o = out->d + p * cout;

		for (int co = 0; co < cmain; co += MOD_PW_CO)
			mod_pw_tile(x, n, cin, k, cout, co, o);
		/* the last cout % 16 channels (MobileNetV2's 24, the detector's 25) */
		for (int i = 0; i < n && cmain < cout; i++) {
			float *oi = o + (size_t)i * cout;

			memset(oi + cmain, 0, sizeof(float) * (size_t)(cout - cmain));
			for (int ci = 0; ci < cin; ci++)
				mod_axpy(oi + cmain, x[(size_t)i * cin + ci], k + (size_t)ci * cout + cmain,
					 cout - cmain);
		}
		for (int i = 0; i < n; i++)
			mod_add_bias(o + (size_t)i * cout, bias, cout);
	}
}

/* One output pixel of a 3x3 depthwise convolution, channels c0 .. c0 +
 * 16, the sums in registers. */
static inline __attribute__((always_inline)) void
mod_dw_px(const struct mod_tensor *in, const float *restrict k, int iy0, int ix0, int c0,
	  float *restrict o)
{
	const int c = in->c;
	float acc[MOD_TILE_CO] = { 0 };

	for (int ky = 0; ky < 3; ky++) {
		int iy = iy0 + ky;

		if (iy < 0 || iy >= in->h)
			continue;
		for (int kx = 0; kx < 3; kx++) {
			int ix = ix0 + kx;
			const float *restrict x, *restrict kr;

			if (ix < 0 || ix >= in->w)
				continue;
			x = in->d + ((size_t)iy * in->w + ix) * c + c0;
			kr = k + (size_t)(ky * 3 + kx) * c + c0;
			for (int j = 0; j < MOD_TILE_CO; j++)
				acc[j] += x[j] * kr[j];
		}
	}
	memcpy(o + c0, acc, sizeof(acc));
}

/* The channels past the last whole tile, through memory. */
static void mod_dw_px_tail(const struct mod_tensor *in, const float *k, int iy0, int ix0, int c0,
			   float *o)
{
	const int c = in->c;

	memset(o + c0, 0, sizeof(float) * (size_t)(c - c0));
	for (int ky = 0; ky < 3; ky++) {
		int iy = iy0 + ky;

		if (iy < 0 || iy >= in->h)
			continue;
		for (int kx = 0; kx < 3; kx++) {
			int ix = ix0 + kx;

			if (ix < 0 || ix >= in->w)
				continue;
			for (int i = c0; i < c; i++)
				o[i] += in->d[((size_t)iy * in->w + ix) * c + i] * k[(ky * 3 + kx) * c + i];
		}
	}
}

MOD_CLONES
void mod_depthwise3x3(const struct mod_tensor *in, const float *k, const float *bias, int stride,
		      int pad_top, int pad_left, struct mod_tensor *out)
{
	const int c = in->c, cmain = c - c % MOD_TILE_CO;

	for (int oy = 0; oy < out->h; oy++) {
		for (int ox = 0; ox < out->w; ox++) {
			float *o = out->d + ((size_t)oy * out->w + ox) * c;
			int iy0 = oy * stride - pad_top, ix0 = ox * stride - pad_left;

			for (int c0 = 0; c0 < cmain; c0 += MOD_TILE_CO)
				mod_dw_px(in, k, iy0, ix0, c0, o);
			if (cmain < c)
				mod_dw_px_tail(in, k, iy0, ix0, cmain, o);
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

/*
 * The activations are written as comparisons, which the compiler turns
 * into vector max/min instructions. fmaxf() would be a call into libm
 * per element (its NaN rules differ from the instruction's), and that
 * cost a fifth of the whole run.
 */
void mod_relu(float *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		x[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void mod_relu6(float *x, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		float v = x[i] > 0.0f ? x[i] : 0.0f;

		x[i] = v < 6.0f ? v : 6.0f;
	}
}

/* For x > 0, 0.1x < x; for x < 0, 0.1x > x: the larger one is the answer. */
void mod_leaky(float *x, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		float t = 0.1f * x[i];

		x[i] = x[i] > t ? x[i] : t;
	}
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

/* Source columns of a resize are worked out once per call, for outputs
 * up to this wide (the models use 416, 224 and 112). */
#define MOD_RESIZE_MAXW 1024

/* The row of the image under canvas row y, or NULL in the padding. */
static const unsigned char *mod_canvas_row(const struct mod_canvas *s, int y)
{
	y -= s->y0;
	return y < 0 || y >= s->h ? NULL : s->px + (size_t)y * s->stride;
}

/* Byte offset of canvas column x in a row, or -1 in the padding. */
static int mod_canvas_col(const struct mod_canvas *s, int x)
{
	x -= s->x0;
	return x < 0 || x >= s->w ? -1 : x * 3;
}

static inline double mod_canvas_at(const unsigned char *row, int col, const float lut[256], int ch)
{
	return row && col >= 0 ? lut[row[col + ch]] : 0.0;
}

/* One output row: source rows lo and hi, weight fy of hi. */
static void mod_resize_row(const struct mod_canvas *src, const float lut[256],
			   const struct mod_tap *ty, const struct mod_tap *tx, float *o, int w)
{
	const unsigned char *lo = mod_canvas_row(src, ty->lo), *hi = mod_canvas_row(src, ty->hi);

	for (int c = 0; c < w; c++) {
		int l = mod_canvas_col(src, tx[c].lo), r = mod_canvas_col(src, tx[c].hi);

		for (int ch = 0; ch < 3; ch++) {
			double tl = mod_canvas_at(lo, l, lut, ch), tr = mod_canvas_at(lo, r, lut, ch);
			double bl = mod_canvas_at(hi, l, lut, ch), br = mod_canvas_at(hi, r, lut, ch);
			double top = tl + (tr - tl) * tx[c].frac;
			double bot = bl + (br - bl) * tx[c].frac;

			*o++ = (float)(top + (bot - top) * ty->frac);
		}
	}
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
	struct mod_tap tx[MOD_RESIZE_MAXW];

	for (int x0 = 0; x0 < out->w; x0 += MOD_RESIZE_MAXW) {
		int w = out->w - x0 < MOD_RESIZE_MAXW ? out->w - x0 : MOD_RESIZE_MAXW;

		for (int c = 0; c < w; c++)
			tx[c] = mod_resize_tap(rx, x0 + c, in_w);
		for (int r = 0; r < out->h; r++) {
			struct mod_tap ty = mod_resize_tap(ry, r, in_h);

			mod_resize_row(src, lut, &ty, tx, out->d + ((size_t)r * out->w + x0) * 3, w);
		}
	}
}
