#ifndef BB_MODERATION_KERNELS_H
#define BB_MODERATION_KERNELS_H
/*
 * The operations of the three networks, on NHWC float tensors (tensor.h)
 * and TensorFlow's weight layouts: conv kernels [KH][KW][Cin][Cout],
 * depthwise kernels [KH][KW][C], dense [in][out].
 *
 * Every function computes what the TensorFlow.js CPU backend computes,
 * to float rounding: the same padding geometry, the same pooling rules
 * (padded cells ignored), the same bilinear sampling. Shapes are the
 * caller's business: the output tensor comes in with its h, w and c set
 * to the sizes the layer produces, and nothing here allocates.
 */
#include <stdbool.h>
#include <stddef.h>

#include "moderation/tensor.h"

/*
 * TensorFlow's 'SAME' geometry along one axis: out = ceil(in / stride),
 * and pad_total = max((out - 1) * stride + k - in, 0) of which
 * floor(pad_total / 2) goes before (the rest after, implicitly).
 */
void mod_same(int in, int k, int stride, int *out, int *pad_before);

/* Output size of a 'VALID' window: floor((in - k) / stride) + 1, or 0. */
int mod_valid(int in, int k, int stride);

/*
 * 2-D convolution with zero padding of pad_top rows and pad_left
 * columns before the input (the padding after is implied by out's
 * size). k is [kh][kw][in->c][out->c]; bias (out->c floats) may be NULL.
 */
void mod_conv2d(const struct mod_tensor *in, const float *k, const float *bias, int kh, int kw,
		int stride, int pad_top, int pad_left, struct mod_tensor *out);

/* 1x1 convolution, stride 1: a matrix product per pixel. k is
 * [in->c][out->c]; bias may be NULL. */
void mod_pointwise(const struct mod_tensor *in, const float *k, const float *bias,
		   struct mod_tensor *out);

/* 3x3 depthwise convolution (channel multiplier 1). k is [3][3][c];
 * bias may be NULL. */
void mod_depthwise3x3(const struct mod_tensor *in, const float *k, const float *bias, int stride,
		      int pad_top, int pad_left, struct mod_tensor *out);

/* Max pooling over k x k windows; cells in the padding never win. */
void mod_maxpool(const struct mod_tensor *in, int k, int stride, int pad_top, int pad_left,
		 struct mod_tensor *out);

/* The mean of each channel over the whole map (in->c floats to out). */
void mod_avgpool_global(const struct mod_tensor *in, float *out);

void mod_relu(float *x, size_t n);
void mod_relu6(float *x, size_t n);
/* x > 0 ? x : 0.1 x, face-api's leaky ReLU. */
void mod_leaky(float *x, size_t n);
/* y += x, elementwise (residual connections). */
void mod_add(float *y, const float *x, size_t n);

/* out[m] = in[n] · k[n][m] + bias[m] (bias may be NULL). */
void mod_dense(const float *in, int n, const float *k, const float *bias, int m, float *out);

/* In place, numerically stable (the maximum is subtracted first). */
void mod_softmax(float *x, int n);

/*
 * An RGB8 image placed on a canvas of zeros, which is what face-api's
 * padToSquare builds, without building it: the canvas is cw x ch, the
 * image's top-left pixel sits at (x0, y0) on it, and everything outside
 * the image reads as 0. stride is the distance between rows in bytes.
 */
struct mod_canvas {
	const unsigned char *px;
	size_t stride;
	int w, h;
	int x0, y0;
	int cw, ch;
};

/*
 * Bilinear resize of a canvas to out (out->h x out->w x 3) as
 * tf.image.resizeBilinear with half_pixel_centers false: align_corners
 * maps the corner pixels onto each other (nsfwjs), otherwise source =
 * destination * in / out (face-api). Each byte is read through lut
 * (its value, or value / 255) before interpolating; the zeros outside
 * the image are not. Sampling straight from the bytes means a huge
 * upload never exists as floats.
 */
void mod_resize_bilinear(const struct mod_canvas *src, const float lut[256], bool align_corners,
			 struct mod_tensor *out);

#endif
