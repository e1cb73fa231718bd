/*
 * The engine with the real models (from .cache/models, which
 * scripts/fetch-models fills; skipped when they are absent): loading
 * and its errors, and images of awkward sizes, 1x1, 10000x20 and
 * 4000x3000, as pixels and as files, with the memory they cost. The
 * numbers themselves are checked against TensorFlow.js by
 * tests/http/moderation-models.test.js.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vips/vips.h>

#include "core/buf.h"
#include "media/image.h"
#include "moderation/moderate.h"
#include "tap.h"

#include "core/banned.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

static char models[1024];
static char tmp_dir[256];

/* Resident memory in kB from /proc/self/status: "VmRSS" or "VmHWM". */
static long status_kb(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	size_t n = strlen(key);
	long v = -1;

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, key, n) == 0 && line[n] == ':')
			v = atol(line + n + 1);
	if (f)
		fclose(f);
	return v;
}

/*
 * Start measuring a peak: reset the high-water mark to the current
 * resident size (Linux's clear_refs "5") and return that size, or -1
 * when this kernel or sandbox does not allow it.
 */
static long peak_start(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");
	int done = f && fputs("5", f) >= 0;

	if (f)
		done = fclose(f) == 0 && done;
	return done ? status_kb("VmRSS") : -1;
}

/* What the peak rose by since peak_start() returned start, in kB. */
static long peak_since(long start)
{
	return status_kb("VmHWM") - start;
}

#ifdef UNDER_ASAN
static const int under_asan = 1;
#else
static const int under_asan = 0;
#endif

/* ok() that a peak stayed under limit_kb (skipped where unmeasurable
 * or meaningless: ASan keeps freed memory in quarantine). */
static void ok_peak(long start, long limit_kb, const char *what)
{
	long rose = peak_since(start);

	if (under_asan)
		ok(1, "# SKIP %s: memory not measured under ASan", what);
	else if (start < 0)
		ok(1, "# SKIP %s: peak memory cannot be measured here", what);
	else
		ok(rose < limit_kb, "%s: peak memory rose by %ld kB (< %ld MB)", what, rose,
		   limit_kb / 1024);
}

/* A w x h test card: gradients and a few blocks, so every layer sees
 * something other than a constant. */
static unsigned char *card(int w, int h)
{
	unsigned char *p = malloc((size_t)w * h * 3);

	for (size_t y = 0; p && y < (size_t)h; y++)
		for (size_t x = 0; x < (size_t)w; x++) {
			unsigned char *q = p + (y * w + x) * 3;

			q[0] = (unsigned char)(x * 255 / (size_t)w);
			q[1] = (unsigned char)(y * 255 / (size_t)h);
			q[2] = ((x / 64 + y / 64) % 2) ? 220 : 30;
		}
	return p;
}

/* Sane output: probabilities that sum to 1, finite boxes. */
static int sane(const struct mod_result *r)
{
	float sum = 0;

	for (int i = 0; i < MOD_NCLASSES; i++) {
		if (!(r->nsfw[i] >= 0 && r->nsfw[i] <= 1))
			return 0;
		sum += r->nsfw[i];
	}
	if (fabsf(sum - 1) > 1e-4f || r->nfaces < 0 || r->nfaces > MOD_MAX_FACES)
		return 0;
	for (int i = 0; i < r->nfaces; i++) {
		const struct mod_face *f = &r->faces[i];

		if (!isfinite(f->x) || !isfinite(f->y) || !isfinite(f->w) || !isfinite(f->h) ||
		    !(f->score > MOD_DETECT_THRESHOLD && f->score <= 1))
			return 0;
	}
	return 1;
}

static void test_load_errors(void)
{
	struct buf err = BUF_INIT;
	struct mod_engine *e = (struct mod_engine *)&err;

	ok(mod_engine_load("/nonexistent", &e, &err) < 0 && e == NULL && err.ptr &&
		   strstr(err.ptr, "/nonexistent/nsfw_mobilenet_v2/manifest.txt"),
	   "a missing models folder fails the load and names the file");
	buf_release(&err);
}

/* Pixels of each awkward size through all three phases. */
static void test_rgb_sizes(const struct mod_engine *e)
{
	static const int sizes[3][2] = { { 1, 1 }, { 10000, 20 }, { 4000, 3000 } };

	for (int i = 0; i < 3; i++) {
		int w = sizes[i][0], h = sizes[i][1];
		unsigned char *px = card(w, h);
		struct mod_result r, again;
		long start = peak_start();
		int rc = mod_analyze_rgb(e, px, w, h, &r);
		char what[64];

		snprintf(what, sizeof(what), "%dx%d pixels", w, h);
		ok(rc == MOD_OK && sane(&r) && r.width == w && r.height == h,
		   "%s: all three phases, sane numbers", what);
		/* scratch memory that does not depend on the image's size */
		ok_peak(start, 24 * 1024, what);
		ok(mod_analyze_rgb(e, px, w, h, &again) == MOD_OK &&
			   memcmp(again.nsfw, r.nsfw, sizeof(r.nsfw)) == 0 && again.nfaces == r.nfaces,
		   "%dx%d pixels: the same numbers the second time", w, h);
		free(px);
	}
}

/*
 * Write a w x h JPEG test pattern (a ramp, sine waves and a zone plate,
 * one per band) to tmp_dir/name. libvips makes it in strips, so writing
 * a big file does not raise the process's peak memory above what the
 * engine is measured against. Done before img_init(), which blocks the
 * savers.
 */
static int write_pattern(const char *name, int w, int h, char *path, size_t len)
{
	VipsImage *raw[3] = { NULL, NULL, NULL }, *lin[3] = { NULL, NULL, NULL };
	VipsImage *rgb = NULL, *u8 = NULL;
	int rc = -1;

	snprintf(path, len, "%s/%s", tmp_dir, name);
	if (vips_grey(&raw[0], w, h, NULL) != 0 || vips_linear1(raw[0], &lin[0], 255, 0, NULL) != 0 ||
	    vips_sines(&raw[1], w, h, "hfreq", 3.0, "vfreq", 2.0, NULL) != 0 ||
	    vips_linear1(raw[1], &lin[1], 127.5, 127.5, NULL) != 0 ||
	    vips_zone(&raw[2], w, h, NULL) != 0 ||
	    vips_linear1(raw[2], &lin[2], 127.5, 127.5, NULL) != 0)
		goto out;
	if (vips_bandjoin(lin, &rgb, 3, NULL) == 0 && vips_cast_uchar(rgb, &u8, NULL) == 0 &&
	    vips_jpegsave(u8, path, "Q", 85, NULL) == 0)
		rc = 0;
out:
	for (int i = 0; i < 3; i++) {
		if (raw[i])
			g_object_unref(raw[i]);
		if (lin[i])
			g_object_unref(lin[i]);
	}
	if (rgb)
		g_object_unref(rgb);
	if (u8)
		g_object_unref(u8);
	return rc;
}

static const struct {
	const char *name;
	int w, h, dw, dh;
} files[3] = {
	{ "one.jpg", 1, 1, 1, 1 },
	{ "strip.jpg", 10000, 20, 1024, 2 },
	{ "photo.jpg", 4000, 3000, 1024, 768 },
};
static char paths[3][512];

static void test_files(const struct mod_engine *e)
{
	struct buf err = BUF_INIT;
	struct mod_result r;
	char bad[512];
	FILE *f;
	int rc;

	if (img_init("engine_test") < 0) {
		ok(0, "libvips starts");
		return;
	}
	for (int i = 0; i < 3; i++) {
		long start = peak_start();

		buf_clear(&err);
		rc = mod_analyze_file(e, paths[i], &r, &err);
		ok(rc == MOD_OK && sane(&r) && r.width == files[i].dw && r.height == files[i].dh,
		   "%s (%dx%d): decoded to %dx%d and analysed%s%s", files[i].name, files[i].w,
		   files[i].h, r.width, r.height, err.len ? ": " : "", err.len ? err.ptr : "");
		/* libvips shrinks on load: less than the 36 MB of the whole
		 * 4000x3000 pixels, scratch memory included */
		ok_peak(start, 40 * 1024, files[i].name);
		ok(r.ms_total >= r.ms_decode + r.ms_detect + r.ms_nsfw, "%s: timings add up", files[i].name);
	}
	snprintf(bad, sizeof(bad), "%s/not-an-image.jpg", tmp_dir);
	f = fopen(bad, "w");
	if (f) {
		fputs("GIF89a? no, just text\n", f);
		fclose(f);
	}
	buf_clear(&err);
	rc = mod_analyze_file(e, bad, &r, &err);
	ok(rc == MOD_EIMAGE && err.len > 0, "a damaged file is refused as an image error (%s)",
	   err.ptr ? err.ptr : "");
	buf_clear(&err);
	ok(mod_analyze_file(e, "/nonexistent.jpg", &r, &err) == MOD_EIMAGE, "a missing file is refused");
	unlink(bad);
	buf_release(&err);
}

int main(void)
{
	const char *env = getenv("BEAUBELLE_MODERATION_MODELS_DIR");
	struct buf err = BUF_INIT;
	struct mod_engine *e = NULL;
	char probe[1100];

	snprintf(models, sizeof(models), "%s", env && *env ? env : SRCDIR "/.cache/models");
	snprintf(probe, sizeof(probe), "%s/nsfw_mobilenet_v2/manifest.txt", models);
	if (access(probe, R_OK) != 0) {
		printf("1..0 # SKIP no models in %s (scripts/fetch-models)\n", models);
		return 0;
	}
	if (VIPS_INIT("engine_test") != 0)
		return 1;
	snprintf(tmp_dir, sizeof(tmp_dir), "%s/bb-mod-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmp_dir))
		return 1;

	/* the files are written before anything is measured */
	for (int i = 0; i < 3; i++) {
		if (write_pattern(files[i].name, files[i].w, files[i].h, paths[i], sizeof(paths[i])) < 0) {
			printf("Bail out! cannot write %s\n", files[i].name);
			return 1;
		}
	}
	test_load_errors();
	ok(mod_engine_load(models, &e, &err) == 0 && e, "the models load from %s%s%s", models,
	   err.ptr ? ": " : "", err.ptr ? err.ptr : "");
	if (e) {
		test_files(e);
		test_rgb_sizes(e);
	}
	mod_engine_free(e);
	buf_release(&err);
	for (int i = 0; i < 3; i++)
		unlink(paths[i]);
	rmdir(tmp_dir);
	return done_testing();
}
