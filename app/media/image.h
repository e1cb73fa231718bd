#ifndef BB_MEDIA_IMAGE_H
#define BB_MEDIA_IMAGE_H
/*
 * The image pipeline: an uploaded file in, stored safe images out.
 *
 * Every upload is treated as hostile. Its type is decided by magic bytes
 * (JPEG, PNG, WebP, GIF; nothing else), and libvips, restricted to those
 * four loaders, must agree. Dimensions and frame counts are checked from
 * the header before a pixel is decoded; decoding stops at the first error
 * so a truncated file is refused, never half-shown. The uploaded bytes
 * are never stored: each image is decoded once, autorotated by its EXIF
 * orientation, converted to sRGB, and re-encoded as WebP without any
 * metadata (no EXIF, GPS, XMP, IPTC, comments or ICC profile) in three
 * sizes. Animations (GIF or WebP with several frames) stay animated: each
 * size is an animated WebP with every frame, which is what a person who
 * posted a GIF expects to see.
 *
 * Files are stored content-addressed by the SHA-256 of the uploaded bytes
 * (media/store.h), so the same upload twice gives the same names.
 *
 * Memory stays bounded whatever the input: libvips shrinks on load and
 * reads sequentially (vips_thumbnail), and the largest image held whole
 * is the 2048-pixel original while the WebP encoder runs.
 */
#include <stddef.h>

#include "media/blurhash.h"
#include "media/store.h"

struct storage;

enum img_format {
	IMG_FORMAT_NONE = 0,
	IMG_FORMAT_JPEG,
	IMG_FORMAT_PNG,
	IMG_FORMAT_WEBP,
	IMG_FORMAT_GIF,
};

/*
 * Results of img_process(). Every refusal of the file is 4xx material;
 * img_http_status() gives the status and img_strerror() the English
 * message (a msgid for i18n_gettext()).
 */
enum img_status {
	IMG_OK = 0,
	IMG_EUNSUPPORTED = -1, /* not JPEG/PNG/WebP/GIF by its bytes, or libvips disagrees: 422 */
	IMG_ETOOBIG = -2,      /* too many pixels, pixels per frame, or frames: 422 */
	IMG_ECORRUPT = -3,     /* damaged or truncated, does not decode cleanly: 422 */
	IMG_EFILESIZE = -4,    /* more bytes than the caller allows: 413 */
	IMG_EIO = -5,          /* reading the upload or writing the media failed (disk full…): 503 */
	IMG_EINTERNAL = -6,    /* not initialised, out of memory, encoder failure: 500 */
};

/* Limits; a zero field means the default below. */
struct img_limits {
	size_t max_file_bytes;
	unsigned long long max_pixels;       /* width × height of a still image */
	unsigned long long max_frame_pixels; /* width × height of one frame of an animation */
	int max_frames;
};

#define IMG_MAX_FILE_BYTES ((size_t)16 << 20)  /* Mastodon's IMAGE_LIMIT */
#define IMG_MAX_PIXELS 33177600ULL             /* 7680×4320, Mastodon's MAX_MATRIX_LIMIT */
#define IMG_MAX_FRAME_PIXELS 921600ULL         /* 1280×720, Mastodon's GIF_MATRIX_LIMIT */
#define IMG_MAX_FRAMES 300

/* The stored sizes: the long side is capped, never enlarged. */
#define IMG_NVARIANTS 3
#define IMG_ORIG_SIZE 2048
#define IMG_FEED_SIZE 1080
#define IMG_THUMB_SIZE 320

struct img_variant {
	const char *name;                /* "orig", "feed" or "thumb" (static) */
	int width, height;               /* of one frame */
	size_t bytes;                    /* size of the stored file */
	char path[MEDIA_STORE_REL_MAX];  /* relative to the media root and the media URL prefix */
};

struct img_result {
	enum img_format format;              /* of the upload */
	int width, height;                   /* the stored original, after autorotation */
	int frames;                          /* 1 for a still image */
	struct img_variant variants[IMG_NVARIANTS]; /* orig, feed, thumb, in that order */
	char blurhash[BLURHASH_MAX_LEN + 1]; /* 4×4 components, of the first frame */
	char hash[MEDIA_STORE_HEX_LEN + 1];  /* SHA-256 of the upload, lowercase hex */
};

/*
 * Start libvips for untrusted input, once per process: only the JPEG,
 * PNG, WebP and GIF loaders and the WebP saver are allowed, no operation
 * cache, one thread per pipeline, and libvips warnings go to the debug
 * log. Call it in each worker after fork (libvips starts threads, which
 * do not survive fork), before any other img_ function. argv0 may be
 * NULL. Returns 0, or -1 when libvips cannot start (fail at start-up).
 * Later calls return the first call's result.
 */
int img_init(const char *argv0);

/*
 * The format announced by the first bytes of a file (16 are enough), or
 * IMG_FORMAT_NONE. Only the signature counts: a polyglot that starts
 * with a real image signature is that image (and re-encoding drops
 * whatever else it carries); anything starting otherwise is refused.
 */
enum img_format img_sniff(const void *head, size_t len);

/* "jpeg", "png", "webp", "gif"; "none" for IMG_FORMAT_NONE. */
const char *img_format_name(enum img_format f);

/*
 * Turn the upload at path into the stored variants in st (media/storage.h).
 * sha256 is the digest of the file's bytes, as the multipart parser
 * computed it while streaming; it names the stored files. lim may be
 * NULL for the defaults. On IMG_OK, *out describes what was stored. On
 * an error nothing new is left in st (files of an earlier
 * successful store of the same hash are kept), and *out is zeroed.
 * The upload itself is neither moved nor deleted: it belongs to the
 * caller.
 */
int img_process(const char *path, const unsigned char sha256[32], const struct storage *st,
		const struct img_limits *lim, struct img_result *out);

/* An English sentence for a person, marked with N_() for translation. */
const char *img_strerror(int status);

/* The HTTP status a handler answers for an img_status (200 for IMG_OK). */
int img_http_status(int status);

#endif
