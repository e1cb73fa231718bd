#ifndef BB_MEDIA_BLURHASH_H
#define BB_MEDIA_BLURHASH_H
/*
 * Blurhash encoder (the algorithm of woltapp/blurhash): a few DCT
 * components of an image, quantised and written in base 83, which a
 * client decodes into a blurred placeholder while the real image loads.
 * Pure code, no libvips: the caller hands in 8-bit sRGB pixels, ideally a
 * small downscale (the cost is pixels × components).
 */
#include <stddef.h>

/* 1 size character, 1 maximum, 4 DC, 2 per AC component: 6 + 2*80. */
#define BLURHASH_MAX_LEN 166

/*
 * Encode width×height pixels of 8-bit sRGB, `channels` bytes per pixel
 * (3 for RGB, 4 for RGBA: alpha is ignored), rows `stride` bytes apart,
 * with cx×cy components (1..9 each; BeauBelle uses 4×4). Writes the
 * NUL-terminated hash to out, which holds outlen bytes (at least
 * 4 + 2*cx*cy + 1). Returns the hash length, or -1 on bad arguments
 * (including a stride shorter than a row or a too short out).
 */
int blurhash_encode(const unsigned char *pixels, size_t width, size_t height,
		    size_t stride, size_t channels, int cx, int cy,
		    char *out, size_t outlen);

#endif
