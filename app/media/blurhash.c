/*
 * Blurhash encoder. The format, and so every constant below, is fixed by
 * the reference implementation (woltapp/blurhash) that clients decode
 * with; this is our own code for it. Factors are accumulated in double:
 * the reference C encoder uses float, which can flip a quantisation step
 * on a boundary, while double agrees with the TypeScript one.
 */
#include <math.h>
#include <stddef.h>

#include "media/blurhash.h"

#include "core/banned.h"

static const char blurhash_digits[] =
	"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

/* sRGB byte → linear light in [0, 1]. */
static double blurhash_to_linear(unsigned char v)
{
	double c = v / 255.0;

	return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

/* Linear light → sRGB byte, clamped; rounding as the reference does. */
static int blurhash_to_srgb(double v)
{
	if (v < 0)
		v = 0;
	if (v > 1)
		v = 1;
	if (v <= 0.0031308)
		return (int)(v * 12.92 * 255 + 0.5);
	return (int)((1.055 * pow(v, 1 / 2.4) - 0.055) * 255 + 0.5);
}

/* sign(v) * |v|^e: keeps the sign through the perceptual companding. */
static double blurhash_sign_pow(double v, double e)
{
	return copysign(pow(fabs(v), e), v);
}

/* Append value as `digits` base-83 characters, most significant first. */
static char *blurhash_base83(char *p, unsigned long value, int digits)
{
	for (int i = digits - 1; i >= 0; i--) {
		p[i] = blurhash_digits[value % 83];
		value /= 83;
	}
	return p + digits;
}

/* One AC component → 19×19×19 quantised value. */
static unsigned long blurhash_quant_ac(const double f[3], double max)
{
	unsigned long v = 0;

	for (int c = 0; c < 3; c++) {
		double q = floor(blurhash_sign_pow(f[c] / max, 0.5) * 9 + 9.5);

		if (q < 0)
			q = 0;
		if (q > 18)
			q = 18;
		v = v * 19 + (unsigned long)q;
	}
	return v;
}

/*
 * The DCT: factor (i, j) is the mean over all pixels of the linear colour
 * times cos(πix/w)·cos(πjy/h), doubled for every component but DC.
 * Linear values are converted once per pixel, and the cosines once per
 * column and row, so the cost is one multiply-add per pixel and component.
 */
static void blurhash_factors(const unsigned char *pixels, size_t width, size_t height,
			     size_t stride, size_t channels, int cx, int cy,
			     double factors[81][3])
{
	double cosx[9], cosy[9];

	for (int k = 0; k < cx * cy; k++)
		factors[k][0] = factors[k][1] = factors[k][2] = 0;
	for (size_t y = 0; y < height; y++) {
		const unsigned char *row = pixels + y * stride;

		for (int j = 0; j < cy; j++)
			cosy[j] = cos(M_PI * j * (double)y / (double)height);
		for (size_t x = 0; x < width; x++) {
			const unsigned char *px = row + x * channels;
			double lin[3] = { blurhash_to_linear(px[0]), blurhash_to_linear(px[1]),
					  blurhash_to_linear(px[2]) };

			for (int i = 0; i < cx; i++)
				cosx[i] = cos(M_PI * i * (double)x / (double)width);
			for (int j = 0; j < cy; j++) {
				for (int i = 0; i < cx; i++) {
					double basis = cosx[i] * cosy[j];
					double *f = factors[j * cx + i];

					f[0] += basis * lin[0];
					f[1] += basis * lin[1];
					f[2] += basis * lin[2];
				}
			}
		}
	}
	for (int k = 0; k < cx * cy; k++) {
		double scale = (k == 0 ? 1.0 : 2.0) / ((double)width * (double)height);

		factors[k][0] *= scale;
		factors[k][1] *= scale;
		factors[k][2] *= scale;
	}
}

int blurhash_encode(const unsigned char *pixels, size_t width, size_t height,
		    size_t stride, size_t channels, int cx, int cy,
		    char *out, size_t outlen)
{
	double factors[81][3];
	double max_ac = 0, max_value = 1;
	int ncomp = cx * cy;
	char *p = out;

	if (!pixels || !out || width == 0 || height == 0 || cx < 1 || cx > 9 ||
	    cy < 1 || cy > 9 || channels < 3 || width > ((size_t)-1) / channels ||
	    stride < width * channels || outlen < (size_t)(4 + 2 * ncomp + 1))
		return -1;
	blurhash_factors(pixels, width, height, stride, channels, cx, cy, factors);

	p = blurhash_base83(p, (unsigned long)((cx - 1) + (cy - 1) * 9), 1);
	if (ncomp > 1) {
		double q;

		/* The reference C and Swift encoders take the largest
		 * magnitude; the TypeScript one the largest signed value. */
		for (int k = 1; k < ncomp; k++)
			for (int c = 0; c < 3; c++)
				max_ac = fmax(max_ac, fabs(factors[k][c]));
		q = floor(max_ac * 166 - 0.5);
		if (q < 0)
			q = 0;
		if (q > 82)
			q = 82;
		max_value = (q + 1) / 166;
		p = blurhash_base83(p, (unsigned long)q, 1);
	} else {
		p = blurhash_base83(p, 0, 1);
	}
	p = blurhash_base83(p,
			    ((unsigned long)blurhash_to_srgb(factors[0][0]) << 16) |
			    ((unsigned long)blurhash_to_srgb(factors[0][1]) << 8) |
			    (unsigned long)blurhash_to_srgb(factors[0][2]), 4);
	for (int k = 1; k < ncomp; k++)
		p = blurhash_base83(p, blurhash_quant_ac(factors[k], max_value), 2);
	*p = '\0';
	return (int)(p - out);
}
