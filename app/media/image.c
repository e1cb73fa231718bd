/*
 * The image pipeline on libvips 8.14; see image.h for what it promises.
 *
 * Shape of one run:
 *   1. fstat: a regular, non-empty file within the size cap;
 *   2. magic bytes, then libvips' own loader choice, must name the same
 *      one of the four formats;
 *   3. header only: pixels, pixels per frame and frames within limits;
 *   4. the one decode of untrusted bytes: vips_thumbnail to the 2048 px
 *      original (shrink-on-load, sequential, fail_on=error, EXIF
 *      autorotation, sRGB), saved as WebP with strip;
 *   5. feed, thumbnail and the Blurhash are made from that WebP, which
 *      we wrote ourselves, so a hostile file meets a decoder only once
 *      and a huge PNG is decoded once, not four times;
 *   6. all three files are stored only once all three are encoded.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vips/vips.h>

#include "core/log.h"
#include "i18n/i18n.h"
#include "media/image.h"
#include "media/storage.h"

#include "core/banned.h"

/* 0 not yet tried, 1 ready, -1 failed. */
static int img_state;

/* WebP quality: 82 is where artifacts stop showing on portraits at
 * feed size; the thumbnail is small enough to afford a little less. */
#define IMG_QUALITY 82
#define IMG_THUMB_QUALITY 78
/* libwebp's method (0-6). The upload request waits for the encoder: on a
 * 2048x1536 original, 2 takes about 100 ms against 350 ms for the
 * default 4, for files about 4% larger. */
#define IMG_WEBP_EFFORT 2
/* Blurhash input: enough to see the 4×4 components, cheap to sum. */
#define IMG_BLURHASH_SIZE 32

static const char *const img_variant_names[IMG_NVARIANTS] = { "orig", "feed", "thumb" };
static const int img_variant_sizes[IMG_NVARIANTS] = { IMG_ORIG_SIZE, IMG_FEED_SIZE,
						      IMG_THUMB_SIZE };

/*
 * libvips reports a hostile file's defects as GLib warnings; they are
 * expected and would flood the journal, so they go to the debug log.
 */
static void img_log_handler(const gchar *domain, GLogLevelFlags level, const gchar *message,
			    gpointer data)
{
	(void)level;
	(void)data;
	log_debug("event=vips_warning domain=%s message=\"%s\"", domain ? domain : "", message);
}

int img_init(const char *argv0)
{
	/* Both the loaders and the savers we use. The PNG loader is
	 * libpng's or libspng's depending on the build; unblocking a name
	 * that does not exist is a no-op. */
	static const char *const allowed[] = {
		"VipsForeignLoadJpeg", "VipsForeignLoadPng", "VipsForeignLoadSpng",
		"VipsForeignLoadWebp", "VipsForeignLoadNsgif", "VipsForeignSaveWebp",
	};

	if (img_state != 0)
		return img_state > 0 ? 0 : -1;
	img_state = -1;
	/* Read by vips_init(), so untrusted loaders are blocked before
	 * anything can run. Blocked loaders are still named by
	 * vips_foreign_find_load*() in 8.14; they fail when built. */
	if (setenv("VIPS_BLOCK_UNTRUSTED", "1", 1) != 0)
		return -1;
	if (VIPS_INIT(argv0 ? argv0 : "beaubelle") != 0) {
		log_error("event=vips_init_failed error=\"%s\"", vips_error_buffer());
		return -1;
	}
	vips_block_untrusted_set(TRUE);
	vips_operation_block_set("VipsForeign", TRUE);
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		vips_operation_block_set(allowed[i], FALSE);
	/* The cache would keep decoded uploads alive between requests and
	 * share them across users; one thread keeps a worker's CPU and
	 * memory use predictable (parallelism comes from the pool). */
	vips_cache_set_max(0);
	vips_cache_set_max_mem(0);
	vips_concurrency_set(1);
	g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO |
			  G_LOG_LEVEL_DEBUG, img_log_handler, NULL);
	img_state = 1;
	return 0;
}

enum img_format img_sniff(const void *head, size_t len)
{
	const unsigned char *p = head;

	if (!p)
		return IMG_FORMAT_NONE;
	if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return IMG_FORMAT_JPEG;
	if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return IMG_FORMAT_PNG;
	if (len >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
		return IMG_FORMAT_WEBP;
	if (len >= 6 && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0))
		return IMG_FORMAT_GIF;
	return IMG_FORMAT_NONE;
}

const char *img_format_name(enum img_format f)
{
	switch (f) {
	case IMG_FORMAT_JPEG: return "jpeg";
	case IMG_FORMAT_PNG: return "png";
	case IMG_FORMAT_WEBP: return "webp";
	case IMG_FORMAT_GIF: return "gif";
	case IMG_FORMAT_NONE: break;
	}
	return "none";
}

const char *img_strerror(int status)
{
	switch (status) {
	case IMG_OK:
		return N_("The image was processed.");
	case IMG_EUNSUPPORTED:
		return N_("This file is not a supported image. Please choose a JPEG, PNG, WebP or GIF image.");
	case IMG_ETOOBIG:
		return N_("This image is too large: it has too many pixels or frames.");
	case IMG_ECORRUPT:
		return N_("This image is damaged or incomplete and could not be read.");
	case IMG_EFILESIZE:
		return N_("This file is too large.");
	case IMG_EIO:
		return N_("The image could not be saved right now. Please try again later.");
	default:
		return N_("Something went wrong while processing the image.");
	}
}

int img_http_status(int status)
{
	switch (status) {
	case IMG_OK: return 200;
	case IMG_EUNSUPPORTED:
	case IMG_ETOOBIG:
	case IMG_ECORRUPT: return 422;
	case IMG_EFILESIZE: return 413;
	case IMG_EIO: return 503;
	default: return 500;
	}
}

/* The format of libvips' chosen loader, by its class name. */
static enum img_format img_loader_format(const char *loader)
{
	if (!loader)
		return IMG_FORMAT_NONE;
	if (strncmp(loader, "VipsForeignLoadJpeg", 19) == 0)
		return IMG_FORMAT_JPEG;
	if (strncmp(loader, "VipsForeignLoadPng", 18) == 0 ||
	    strncmp(loader, "VipsForeignLoadSpng", 19) == 0)
		return IMG_FORMAT_PNG;
	if (strncmp(loader, "VipsForeignLoadWebp", 19) == 0)
		return IMG_FORMAT_WEBP;
	if (strncmp(loader, "VipsForeignLoadNsgif", 20) == 0)
		return IMG_FORMAT_GIF;
	return IMG_FORMAT_NONE;
}

/* libvips' message for the last failure, into the debug log; cleared. */
static void img_log_vips(const char *what, const char *path)
{
	log_debug("event=image_refused step=%s file=\"%s\" vips=\"%s\"", what, path,
		  vips_error_buffer());
	vips_error_clear();
}

/*
 * Steps 2 and 3: the loader libvips picks must be the one the magic bytes
 * named, and the header must be within limits. *frames gets the number
 * of frames (1 for a still image). Reads the header only.
 */
static int img_check_header(VipsSource *src, const char *path, enum img_format format,
			    const struct img_limits *lim, int *frames)
{
	const char *loader = vips_foreign_find_load_source(src);
	unsigned long long w, h;
	VipsImage *head;
	int pages;

	if (img_loader_format(loader) != format) {
		img_log_vips("loader", path);
		return IMG_EUNSUPPORTED;
	}
	head = vips_image_new_from_source(src, "", "access", VIPS_ACCESS_SEQUENTIAL,
					  "fail_on", VIPS_FAIL_ON_ERROR, NULL);
	if (!head) {
		img_log_vips("header", path);
		return IMG_ECORRUPT;
	}
	/* With the default n=1 the loaders report one frame's size and the
	 * frame count in n-pages. */
	w = (unsigned long long)vips_image_get_width(head);
	h = (unsigned long long)vips_image_get_height(head);
	pages = vips_image_get_n_pages(head);
	g_object_unref(head);
	if (w == 0 || h == 0)
		return IMG_ECORRUPT;
	if (w * h > lim->max_pixels)
		return IMG_ETOOBIG;
	if (pages > 1 && (w * h > lim->max_frame_pixels || pages > lim->max_frames))
		return IMG_ETOOBIG;
	*frames = pages > 1 ? pages : 1;
	return IMG_OK;
}

/*
 * A copy of in (*out, unref it) that carries no metadata but what an
 * animation needs. Deny by default, as Mastodon keeps only the fields it
 * names: EXIF (with GPS), XMP, IPTC, ICC, comments and whatever a future
 * loader attaches never reach a saver. This is not optional: the
 * libvips 8.14.1 of Debian 12 ignores webpsave's strip flag and would
 * write EXIF, GPS and XMP into the output. The exif-* fields go too,
 * since savers rebuild exif-data from them.
 */
static int img_strip(VipsImage *in, VipsImage **out)
{
	static const char *const keep[] = { "page-height", "n-pages", "delay", "loop",
					    "gif-delay", "gif-loop" };
	gchar **fields;

	if (vips_copy(in, out, NULL) != 0)
		return -1;
	fields = vips_image_get_fields(*out);
	for (size_t i = 0; fields && fields[i]; i++) {
		bool kept = false;

		for (size_t k = 0; k < sizeof(keep) / sizeof(keep[0]); k++)
			kept = kept || strcmp(fields[i], keep[k]) == 0;
		if (!kept)
			vips_image_remove(*out, fields[i]); /* built-in fields are not removable */
	}
	g_strfreev(fields);
	return 0;
}

static uint32_t img_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void img_put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/*
 * Drop the EXIF, XMP and ICCP chunks from a WebP file in place and clear
 * their flags in the VP8X header; *len shrinks accordingly. Even with no
 * metadata on the image, libvips 8.14.1 writes a fresh EXIF chunk
 * (resolution, orientation), so the container is filtered as the last
 * word. Returns 0, or -1 if the RIFF structure is not what libwebp
 * writes.
 */
static int img_webp_drop_metadata(unsigned char *buf, size_t *len)
{
	size_t in = 12, out = 12, n = *len;

	if (n < 12 || memcmp(buf, "RIFF", 4) != 0 || memcmp(buf + 8, "WEBP", 4) != 0 ||
	    img_le32(buf + 4) != n - 8)
		return -1;
	while (in < n) {
		size_t size, whole;

		if (n - in < 8)
			return -1;
		size = img_le32(buf + in + 4);
		whole = 8 + size + (size & 1);
		if (whole > n - in)
			return -1;
		if (memcmp(buf + in, "EXIF", 4) == 0 || memcmp(buf + in, "XMP ", 4) == 0 ||
		    memcmp(buf + in, "ICCP", 4) == 0) {
			in += whole;
			continue;
		}
		if (memcmp(buf + in, "VP8X", 4) == 0 && size >= 1)
			buf[in + 8] &= (unsigned char)~(0x20 | 0x08 | 0x04); /* ICC, EXIF, XMP */
		memmove(buf + out, buf + in, whole);
		in += whole;
		out += whole;
	}
	img_put_le32(buf + 4, (uint32_t)(out - 8));
	*len = out;
	return 0;
}

/*
 * Save img as WebP without any metadata: img_strip() on the image,
 * strip for a libvips that honours it, and img_webp_drop_metadata() on
 * the file. The pixels were converted to sRGB before, so dropping the
 * ICC profile does not shift colours. An image whose page-height is
 * shorter than itself is saved animated. The buffer is g_free()d by the
 * caller. 0 or -1.
 */
static int img_save_webp(VipsImage *img, int quality, void **buf, size_t *len)
{
	VipsImage *bare;
	int rc;

	if (img_strip(img, &bare) != 0)
		return -1;
	rc = vips_webpsave_buffer(bare, buf, len, "Q", quality, "effort", IMG_WEBP_EFFORT,
				  "strip", TRUE, NULL);
	g_object_unref(bare);
	if (rc == 0 && img_webp_drop_metadata(*buf, len) != 0) {
		vips_error("img", "unexpected WebP layout from the encoder");
		g_free(*buf);
		*buf = NULL;
		rc = -1;
	}
	return rc;
}

/*
 * Loader options for the decode. vips_thumbnail_source() in 8.14 takes a
 * fail_on argument but does not hand it to the loader (a truncated JPEG
 * then decodes with a grey bottom), so it goes in the option string too.
 * Animations load every frame (n=-1); vips_thumbnail then sizes each
 * frame, not the strip of frames.
 */
static const char *img_load_options(int frames)
{
	return frames > 1 ? "n=-1,fail_on=error" : "fail_on=error";
}

/*
 * Step 4: the one decode of the upload. export_profile converts an
 * embedded profile (Display P3, CMYK…) to sRGB; images without a profile
 * are taken as sRGB already.
 */
static int img_make_orig(VipsSource *src, const char *path, int frames, VipsImage **out)
{
	if (vips_thumbnail_source(src, out, IMG_ORIG_SIZE, "height", IMG_ORIG_SIZE,
				  "size", VIPS_SIZE_DOWN, "fail_on", VIPS_FAIL_ON_ERROR,
				  "export_profile", "srgb",
				  "option_string", img_load_options(frames), NULL) != 0) {
		img_log_vips("decode", path);
		return IMG_ECORRUPT;
	}
	return IMG_OK;
}

/* A variant from our own WebP buffer (every frame of an animation). */
static int img_resize_buffer(const void *webp, size_t len, int size, int frames,
			     VipsImage **out)
{
	return vips_thumbnail_buffer((void *)webp, len, out, size, "height", size,
				     "size", VIPS_SIZE_DOWN, "fail_on", VIPS_FAIL_ON_ERROR,
				     "option_string", img_load_options(frames), NULL);
}

/*
 * The Blurhash of the first frame of our WebP: shrunk to 32 px, alpha
 * flattened on white (placeholders sit on a light card), 8-bit sRGB.
 */
static int img_blurhash(const void *webp, size_t len, char *out, size_t outlen)
{
	VipsImage *small = NULL, *flat = NULL, *rgb = NULL, *u8 = NULL;
	void *pixels = NULL;
	size_t size;
	int rc = -1;

	if (vips_thumbnail_buffer((void *)webp, len, &small, IMG_BLURHASH_SIZE,
				  "height", IMG_BLURHASH_SIZE, "size", VIPS_SIZE_DOWN, NULL) != 0)
		goto out;
	if (vips_image_hasalpha(small)) {
		VipsArrayDouble *white = vips_array_double_newv(1, 255.0);
		int frc = vips_flatten(small, &flat, "background", white, NULL);

		vips_area_unref(VIPS_AREA(white));
		if (frc != 0)
			goto out;
	} else {
		flat = small;
		g_object_ref(flat);
	}
	if (vips_colourspace(flat, &rgb, VIPS_INTERPRETATION_sRGB, NULL) != 0 ||
	    vips_cast_uchar(rgb, &u8, NULL) != 0 || vips_image_get_bands(u8) < 3)
		goto out;
	pixels = vips_image_write_to_memory(u8, &size);
	if (!pixels)
		goto out;
	if (blurhash_encode(pixels, (size_t)u8->Xsize, (size_t)u8->Ysize,
			    (size_t)u8->Xsize * (size_t)u8->Bands, (size_t)u8->Bands, 4, 4,
			    out, outlen) > 0)
		rc = 0;
out:
	g_free(pixels);
	if (u8)
		g_object_unref(u8);
	if (rgb)
		g_object_unref(rgb);
	if (flat)
		g_object_unref(flat);
	if (small)
		g_object_unref(small);
	return rc;
}

/* Encoded but not yet stored variants. */
struct img_encoded {
	void *buf[IMG_NVARIANTS];
	size_t len[IMG_NVARIANTS];
};

static void img_encoded_release(struct img_encoded *e)
{
	for (int i = 0; i < IMG_NVARIANTS; i++) {
		g_free(e->buf[i]);
		e->buf[i] = NULL;
	}
}

/* Record one variant's size and path in the result. */
static void img_result_variant(struct img_result *r, int i, VipsImage *img, size_t len)
{
	struct img_variant *v = &r->variants[i];

	v->name = img_variant_names[i];
	v->width = vips_image_get_width(img);
	v->height = vips_image_get_page_height(img);
	v->bytes = len;
	media_store_url(r->hash, v->name, v->path, sizeof(v->path));
}

/*
 * Steps 4 and 5: every variant encoded into e, the result filled in.
 * The original comes from the upload; a smaller variant reuses the
 * original's bytes when the original already fits it, and is otherwise
 * shrunk from them.
 */
static int img_encode_all(VipsSource *src, const char *path, int frames, struct img_encoded *e,
			  struct img_result *r)
{
	VipsImage *img = NULL;
	int rc = img_make_orig(src, path, frames, &img);

	if (rc != IMG_OK)
		return rc;
	/* The decode really happens here, pulled by the encoder. */
	if (img_save_webp(img, IMG_QUALITY, &e->buf[0], &e->len[0]) != 0) {
		g_object_unref(img);
		img_log_vips("decode", path);
		return IMG_ECORRUPT;
	}
	img_result_variant(r, 0, img, e->len[0]);
	r->width = r->variants[0].width;
	r->height = r->variants[0].height;
	g_object_unref(img);

	for (int i = 1; i < IMG_NVARIANTS; i++) {
		int size = img_variant_sizes[i];

		if (r->width <= size && r->height <= size) {
			e->buf[i] = g_memdup2(e->buf[0], e->len[0]);
			e->len[i] = e->len[0];
			r->variants[i] = r->variants[0];
			r->variants[i].name = img_variant_names[i];
			media_store_url(r->hash, img_variant_names[i], r->variants[i].path,
					sizeof(r->variants[i].path));
			continue;
		}
		if (img_resize_buffer(e->buf[0], e->len[0], size, frames, &img) != 0 ||
		    img_save_webp(img, i == 2 ? IMG_THUMB_QUALITY : IMG_QUALITY, &e->buf[i],
				  &e->len[i]) != 0) {
			if (img)
				g_object_unref(img);
			img_log_vips("resize", path);
			return IMG_EINTERNAL;
		}
		img_result_variant(r, i, img, e->len[i]);
		g_object_unref(img);
		img = NULL;
	}
	if (img_blurhash(e->buf[2], e->len[2], r->blurhash, sizeof(r->blurhash)) != 0) {
		img_log_vips("blurhash", path);
		return IMG_EINTERNAL;
	}
	return IMG_OK;
}

/*
 * Step 6. The variants are written smallest first and orig last, so a
 * stored orig means the whole set is there (storage_has() on orig is
 * how the next upload of the same image tells). When a variant cannot
 * be written, the ones written before it are removed again, unless this
 * hash was stored before (another post uses the same image), whose
 * files must stay. A store that cannot even say whether orig is there
 * is down: nothing is written.
 */
static int img_store_all(const struct storage *st, struct img_result *r, const struct img_encoded *e)
{
	int existed = storage_has(st, r->hash, "orig");

	if (existed < 0) {
		log_error("event=media_store_failed hash=%s error=\"the media store cannot be reached\"", r->hash);
		return IMG_EIO;
	}
	for (int i = IMG_NVARIANTS - 1; i >= 0; i--) {
		if (storage_put(st, r->hash, img_variant_names[i], e->buf[i], e->len[i]) == 0)
			continue;
		if (!existed)
			storage_remove(st, r->hash);
		return IMG_EIO;
	}
	return IMG_OK;
}

/*
 * Truncation checks, before libvips sees the file. They exist for two
 * reasons. libnsgif, as libvips 8.14 uses it, takes a GIF cut between two
 * frames without a word, fail_on or not. And when a decode fails half
 * way, libvips 8.14.1 leaks the whole pipeline (about 0.5 MB a time,
 * measured), so a worker fed cut files would grow: catching the most
 * common defect here keeps the decoder's error path for files that are
 * whole but damaged inside. Each check only walks the container; the
 * decoder remains the judge of everything else. Bytes after the end
 * (a polyglot's payload) are allowed: re-encoding drops them.
 */

/* A GIF's blocks (colour tables, extensions, image descriptors, data
 * sub-blocks) must run whole up to the trailer. */
static bool img_gif_whole(const unsigned char *p, size_t n)
{
	size_t i = 13;

	if (n < 13)
		return false;
	if (p[10] & 0x80)
		i += (size_t)3 << ((p[10] & 7) + 1);
	while (i < n) {
		unsigned char block = p[i++];

		if (block == 0x3b)
			return true;
		if (block == 0x21) {
			i++; /* extension label */
		} else if (block == 0x2c) {
			unsigned char flags;

			if (n - i < 9)
				return false;
			flags = p[i + 8];
			i += 9;
			if (flags & 0x80)
				i += (size_t)3 << ((flags & 7) + 1);
			i++; /* LZW minimum code size */
		} else {
			return false;
		}
		for (;;) { /* data sub-blocks, up to the empty one */
			size_t len;

			if (i >= n)
				return false;
			len = p[i++];
			if (len == 0)
				break;
			if (n - i < len)
				return false;
			i += len;
		}
	}
	return false;
}

/* A PNG's chunks (length, type, data, CRC) must run whole up to IEND. */
static bool img_png_whole(const unsigned char *p, size_t n)
{
	size_t i = 8;

	while (n - i >= 12) {
		size_t len = (size_t)p[i] << 24 | (size_t)p[i + 1] << 16 | (size_t)p[i + 2] << 8 |
			     p[i + 3];

		if (memcmp(p + i + 4, "IEND", 4) == 0)
			return true;
		if (len > n - i - 12)
			return false;
		i += 12 + len;
	}
	return false;
}

/*
 * A JPEG must have an end-of-image marker after its first scan. Marker
 * segments are walked up to the first SOS; past it, entropy-coded data
 * cannot hold FF D9 (a data FF is always followed by 00 or a restart
 * marker), so the first FF D9 is the EOI. A header the walk does not
 * understand is left for the decoder to refuse.
 */
static bool img_jpeg_whole(const unsigned char *p, size_t n)
{
	size_t i = 2;

	while (i + 4 <= n) {
		unsigned char m;

		if (p[i] != 0xff)
			return true;
		m = p[i + 1];
		if (m == 0xff) { /* fill byte */
			i++;
			continue;
		}
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd8)) { /* no length */
			i += 2;
			continue;
		}
		if (m == 0xd9) /* EOI before any scan: no image, decoder decides */
			return true;
		if (m == 0xda)
			return memmem(p + i + 2, n - i - 2, "\xff\xd9", 2) != NULL;
		i += 2 + ((size_t)p[i + 2] << 8 | p[i + 3]);
	}
	return false;
}

/* The container check of format on the file behind fd, mapped for it. */
static int img_check_whole(int fd, size_t size, enum img_format format)
{
	bool whole = true;
	void *map;

	if (format == IMG_FORMAT_WEBP) /* libwebp checks the RIFF size itself */
		return IMG_OK;
	map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		return IMG_EIO;
	if (format == IMG_FORMAT_GIF)
		whole = img_gif_whole(map, size);
	else if (format == IMG_FORMAT_PNG)
		whole = img_png_whole(map, size);
	else if (format == IMG_FORMAT_JPEG)
		whole = img_jpeg_whole(map, size);
	munmap(map, size);
	return whole ? IMG_OK : IMG_ECORRUPT;
}

/* Step 1 and the magic bytes: the file is worth showing to libvips. */
static int img_check_file(int fd, const struct img_limits *lim, enum img_format *format)
{
	unsigned char head[16];
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st) != 0)
		return IMG_EIO;
	if (!S_ISREG(st.st_mode))
		return IMG_EUNSUPPORTED;
	if ((unsigned long long)st.st_size > lim->max_file_bytes)
		return IMG_EFILESIZE;
	n = pread(fd, head, sizeof(head), 0);
	if (n < 0)
		return IMG_EIO;
	*format = img_sniff(head, (size_t)n);
	if (*format == IMG_FORMAT_NONE)
		return IMG_EUNSUPPORTED;
	return img_check_whole(fd, (size_t)st.st_size, *format);
}

int img_process(const char *path, const unsigned char sha256[32], const struct storage *st,
		const struct img_limits *limits, struct img_result *out)
{
	struct img_limits lim = { IMG_MAX_FILE_BYTES, IMG_MAX_PIXELS, IMG_MAX_FRAME_PIXELS,
				  IMG_MAX_FRAMES };
	struct img_encoded enc = { { NULL }, { 0 } };
	struct img_result r;
	VipsSource *src = NULL;
	int fd, rc;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	if (img_state <= 0 || !path || !sha256 || !st)
		return IMG_EINTERNAL;
	if (limits) {
		lim.max_file_bytes = limits->max_file_bytes ? limits->max_file_bytes : lim.max_file_bytes;
		lim.max_pixels = limits->max_pixels ? limits->max_pixels : lim.max_pixels;
		lim.max_frame_pixels = limits->max_frame_pixels ? limits->max_frame_pixels
								: lim.max_frame_pixels;
		lim.max_frames = limits->max_frames ? limits->max_frames : lim.max_frames;
	}
	media_store_hex(sha256, r.hash);
	vips_error_clear();

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return IMG_EIO;
	rc = img_check_file(fd, &lim, &r.format);
	if (rc != IMG_OK)
		goto out;
	/* One source for the header and the decode: it rewinds itself. */
	src = vips_source_new_from_descriptor(fd);
	if (!src) {
		rc = IMG_EINTERNAL;
		goto out;
	}
	rc = img_check_header(src, path, r.format, &lim, &r.frames);
	if (rc != IMG_OK)
		goto out;
	rc = img_encode_all(src, path, r.frames, &enc, &r);
	if (rc != IMG_OK)
		goto out;
	rc = img_store_all(st, &r, &enc);
	if (rc == IMG_OK)
		*out = r;
out:
	img_encoded_release(&enc);
	if (src)
		g_object_unref(src);
	close(fd);
	vips_error_clear();
	return rc;
}
