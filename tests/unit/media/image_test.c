/*
 * The image pipeline and the media store on the fixtures of
 * tests/data/images/ (see make-fixtures.sh there for how each was made):
 * what is accepted and what is refused with which code, what the stored
 * files contain (no metadata, rotation applied, sizes capped with the
 * aspect kept), where they are, and that nothing is left behind.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <vips/vips.h>

#include "media/image.h"
#include "media/storage.h"
#include "media/store.h"
#include "tap.h"

#include "core/banned.h"

static char tmp_dir[256];
static char root[300];

static char *fixture(const char *name)
{
	static char path[1024];

	snprintf(path, sizeof(path), "%s/tests/data/images/%s", SRCDIR, name);
	return path;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		p = malloc((size_t)n + 1);
		if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
			free(p);
			p = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return p;
}

static void sha_file(const char *path, unsigned char sha[32])
{
	size_t len = 0;
	unsigned char *p = slurp(path, &len);

	crypto_hash_sha256(sha, p ? p : (const unsigned char *)"", p ? len : 0);
	free(p);
}

static int process_with(const char *path, const char *media_root, const struct img_limits *lim,
			struct img_result *r)
{
	unsigned char sha[32];
	struct storage *st = storage_local(media_root, "/media");
	int rc;

	sha_file(path, sha);
	rc = img_process(path, sha, st, lim, r);
	storage_free(st);
	return rc;
}

static int process(const char *name, struct img_result *r)
{
	return process_with(fixture(name), root, NULL, r);
}

/* Entries under dir, recursively, dot files included. */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char sub[2048];
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		n++;
		snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			n += count_entries(sub);
	}
	closedir(d);
	return n;
}

/* Dot files (temp files of the store) anywhere under dir. */
static int count_dotfiles(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char sub[2048];
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		if (e->d_name[0] == '.')
			n++;
		else if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			n += count_dotfiles(sub);
	}
	closedir(d);
	return n;
}

/* The chunk names of a WebP file, concatenated ("VP8XVP8 "), or "" if it is not RIFF. */
static void webp_chunks(const unsigned char *p, size_t n, char *out, size_t outlen)
{
	size_t i = 12, o = 0;

	out[0] = '\0';
	if (n < 12 || memcmp(p, "RIFF", 4) != 0 || memcmp(p + 8, "WEBP", 4) != 0)
		return;
	while (i + 8 <= n && o + 5 < outlen) {
		size_t size = (size_t)p[i + 4] | (size_t)p[i + 5] << 8 | (size_t)p[i + 6] << 16 |
			      (size_t)p[i + 7] << 24;

		memcpy(out + o, p + i, 4);
		o += 4;
		out[o] = '\0';
		i += 8 + size + (size & 1);
	}
}

/*
 * Everything a stored variant must be: a file at its content-addressed
 * path of the recorded size, a WebP that libvips reads back at the
 * recorded size, with no metadata at all.
 */
static void check_variant(const char *what, const struct img_result *r, int i)
{
	const struct img_variant *v = &r->variants[i];
	char path[2048], want[MEDIA_STORE_REL_MAX], chunks[256];
	unsigned char *bytes;
	size_t len = 0;
	VipsImage *img;
	gchar **fields;
	int meta = 0;

	media_store_url(r->hash, v->name, want, sizeof(want));
	is_str(v->path, want, "%s %s: path is ab/cd/<hash>-%s.webp", what, v->name, v->name);
	snprintf(path, sizeof(path), "%s/%s", root, v->path);
	bytes = slurp(path, &len);
	if (!ok(bytes != NULL, "%s %s: stored at %s", what, v->name, v->path))
		return;
	is_int(len, v->bytes, "%s %s: recorded size is the file's", what, v->name);
	webp_chunks(bytes, len, chunks, sizeof(chunks));
	ok(chunks[0] && !strstr(chunks, "EXIF") && !strstr(chunks, "XMP ") && !strstr(chunks, "ICCP"),
	   "%s %s: no EXIF, XMP or ICC chunk (chunks %s)", what, v->name, chunks);
	ok(!memmem(bytes, len, "PK\x03\x04", 4) && !memmem(bytes, len, "payload", 7),
	   "%s %s: nothing of a trailing archive", what, v->name);
	free(bytes);

	img = vips_image_new_from_file(path, "n", -1, NULL);
	if (!ok(img != NULL, "%s %s: libvips reads it back", what, v->name)) {
		vips_error_clear();
		return;
	}
	is_int(vips_image_get_width(img), v->width, "%s %s: width", what, v->name);
	is_int(vips_image_get_page_height(img), v->height, "%s %s: frame height", what, v->name);
	fields = vips_image_get_fields(img);
	for (size_t k = 0; fields[k]; k++)
		if (strcmp(fields[k], "exif-data") == 0 || strncmp(fields[k], "exif-", 5) == 0 ||
		    strcmp(fields[k], "xmp-data") == 0 || strcmp(fields[k], "iptc-data") == 0 ||
		    strcmp(fields[k], "icc-profile-data") == 0 ||
		    strcmp(fields[k], "orientation") == 0 || strstr(fields[k], "comment"))
			meta++;
	is_int(meta, 0, "%s %s: no EXIF, GPS, XMP, IPTC, ICC, orientation or comment read back",
	       what, v->name);
	g_strfreev(fields);
	g_object_unref(img);
}

static const struct {
	const char *file;
	enum img_format format;
	int width, height, frames;
} accepted[] = {
	{ "photo-gps-orient6.jpg", IMG_FORMAT_JPEG, 200, 300, 1 }, /* 300x200 stored, rotated */
	{ "portrait.jpg", IMG_FORMAT_JPEG, 512, 600, 1 },
	{ "polyglot.jpg", IMG_FORMAT_JPEG, 90, 60, 1 },
	{ "still.png", IMG_FORMAT_PNG, 240, 160, 1 },
	{ "still.webp", IMG_FORMAT_WEBP, 200, 300, 1 },
	{ "still.gif", IMG_FORMAT_GIF, 160, 100, 1 },
	{ "anim.gif", IMG_FORMAT_GIF, 64, 48, 3 },
};

static const struct {
	const char *file;
	int status;
	const char *why;
} refused[] = {
	{ "script.svg", IMG_EUNSUPPORTED, "SVG with a script" },
	{ "html.jpg", IMG_EUNSUPPORTED, "HTML named .jpg" },
	{ "doc.pdf", IMG_EUNSUPPORTED, "PDF" },
	{ "image.tiff", IMG_EUNSUPPORTED, "TIFF" },
	{ "image.psd", IMG_EUNSUPPORTED, "PSD" },
	{ "image.ico", IMG_EUNSUPPORTED, "ICO" },
	{ "empty.jpg", IMG_EUNSUPPORTED, "empty file" },
	{ "truncated.jpg", IMG_ECORRUPT, "truncated JPEG" },
	{ "bomb.png", IMG_ETOOBIG, "30000x30000 PNG bomb" },
	{ "bomb-sof.jpg", IMG_ETOOBIG, "JPEG claiming 65500x65500" },
	{ "big-frames.gif", IMG_ETOOBIG, "animated GIF with 1000x1000 frames" },
	{ "many-frames.gif", IMG_ETOOBIG, "GIF with 302 frames" },
};

static void test_accepted(void)
{
	for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
		struct img_result r;
		unsigned char sha[32];
		char hex[65];
		int rc = process(accepted[i].file, &r);

		if (!ok(rc == IMG_OK, "%s accepted", accepted[i].file)) {
			printf("#   status %d\n", rc);
			continue;
		}
		is_str(img_format_name(r.format), img_format_name(accepted[i].format),
		       "%s: format by magic bytes", accepted[i].file);
		ok(r.width == accepted[i].width && r.height == accepted[i].height,
		   "%s: %dx%d stored (got %dx%d)", accepted[i].file, accepted[i].width,
		   accepted[i].height, r.width, r.height);
		is_int(r.frames, accepted[i].frames, "%s: frames", accepted[i].file);
		sha_file(fixture(accepted[i].file), sha);
		media_store_hex(sha, hex);
		is_str(r.hash, hex, "%s: hash is the SHA-256 of the upload", accepted[i].file);
		ok(strlen(r.blurhash) == 36 && r.blurhash[0] == 'U',
		   "%s: 4x4 blurhash %s", accepted[i].file, r.blurhash);
		for (int v = 0; v < IMG_NVARIANTS; v++)
			check_variant(accepted[i].file, &r, v);
	}
}

static void test_refused(void)
{
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		struct img_result r;
		int before = count_entries(root);
		int rc = process(refused[i].file, &r);

		is_int(rc, refused[i].status, "%s refused: %s", refused[i].file, refused[i].why);
		is_int(img_http_status(rc), 422, "%s: answered 422", refused[i].file);
		is_int(count_entries(root), before, "%s: nothing written, no temp file left",
		       refused[i].file);
		ok(r.hash[0] == '\0' && r.variants[0].name == NULL, "%s: result zeroed",
		   refused[i].file);
	}
}

/*
 * Cut copies of whole fixtures: every cut is refused as corrupt, before
 * a decoder runs (GIF, PNG and JPEG containers are walked to their end
 * marker), and nothing is stored.
 */
static void test_truncations(void)
{
	static const char *const files[] = { "portrait.jpg", "polyglot.jpg", "still.png",
					     "still.gif", "anim.gif", "still.webp" };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		size_t len = 0, cuts[4];
		unsigned char *p = slurp(fixture(files[i]), &len);
		int nrefused = 0, before = count_entries(root);
		char path[512];

		if (!p)
			continue;
		/* polyglot.jpg's archive is past its EOI: cut inside the JPEG. */
		if (strcmp(files[i], "polyglot.jpg") == 0) {
			unsigned char *eoi = memmem(p + 2, len - 2, "\xff\xd9", 2);

			len = eoi ? (size_t)(eoi - p) + 2 : len;
		}
		cuts[0] = len / 3;
		cuts[1] = len / 2;
		cuts[2] = len - 3;
		cuts[3] = len - 1;
		snprintf(path, sizeof(path), "%s/cut", tmp_dir);
		for (size_t c = 0; c < 4; c++) {
			struct img_result r;
			FILE *f = fopen(path, "wb");

			if (!f)
				continue;
			fwrite(p, 1, cuts[c], f);
			fclose(f);
			nrefused += process_with(path, root, NULL, &r) == IMG_ECORRUPT;
		}
		is_int(nrefused, 4, "%s cut at 1/3, 1/2, -3 and -1 bytes: all refused as corrupt",
		       files[i]);
		is_int(count_entries(root), before, "%s cuts: nothing stored", files[i]);
		free(p);
	}
}

/* The dark bar drawn in the stored top-left corner must end top-right. */
static void test_orientation(void)
{
	struct img_result r;
	char path[2048];
	double *left = NULL, *right = NULL;
	int nl = 0, nr = 0;
	VipsImage *img;

	if (process("photo-gps-orient6.jpg", &r) != IMG_OK)
		return;
	snprintf(path, sizeof(path), "%s/%s", root, r.variants[0].path);
	img = vips_image_new_from_file(path, NULL);
	if (!ok(img != NULL, "rotated original readable"))
		return;
	ok(vips_getpoint(img, &right, &nr, r.width - 5, 5, NULL) == 0 &&
	   vips_getpoint(img, &left, &nl, 5, 5, NULL) == 0 && nr >= 3 && nl >= 3 &&
	   (right[0] + right[1] + right[2]) / 3 < 50 && (left[0] + left[1] + left[2]) / 3 > 80,
	   "Orientation=6 applied: dark corner moved from top-left to top-right");
	g_free(left);
	g_free(right);
	g_object_unref(img);
}

/*
 * A picture bigger than every cap, made here with the WebP saver (the
 * only one img_init() leaves unblocked), landscape or portrait.
 */
static int make_big(const char *path, int w, int h)
{
	VipsImage *x = NULL, *u = NULL;
	int rc;

	rc = vips_xyz(&x, w, h, NULL) || vips_cast_uchar(x, &u, NULL) ||
	     vips_webpsave(u, path, "Q", 50, NULL);
	if (x)
		g_object_unref(x);
	if (u)
		g_object_unref(u);
	return rc ? -1 : 0;
}

static void test_size_caps(void)
{
	static const int caps[IMG_NVARIANTS] = { IMG_ORIG_SIZE, IMG_FEED_SIZE, IMG_THUMB_SIZE };
	static const struct { int w, h; } shapes[] = { { 3000, 1200 }, { 1200, 3000 } };
	char path[512];

	for (size_t s = 0; s < 2; s++) {
		struct img_result r;
		int w = shapes[s].w, h = shapes[s].h;

		snprintf(path, sizeof(path), "%s/big-%dx%d.webp", tmp_dir, w, h);
		if (!ok(make_big(path, w, h) == 0, "made a %dx%d picture", w, h))
			continue;
		if (!ok(process_with(path, root, NULL, &r) == IMG_OK, "%dx%d accepted", w, h))
			continue;
		for (int i = 0; i < IMG_NVARIANTS; i++) {
			const struct img_variant *v = &r.variants[i];
			int longest = v->width > v->height ? v->width : v->height;
			double want = (double)w / h, got = (double)v->width / v->height;

			is_int(longest, caps[i], "%dx%d %s: long side capped at %d", w, h, v->name,
			       caps[i]);
			ok(got > want * 0.99 && got < want * 1.01, "%dx%d %s: aspect kept (%dx%d)",
			   w, h, v->name, v->width, v->height);
			check_variant("big", &r, i);
		}
		ok(r.width == r.variants[0].width && r.height == r.variants[0].height,
		   "%dx%d: result size is the stored original's", w, h);
	}
	/* A small image is never enlarged: every variant keeps its size. */
	{
		struct img_result r;

		if (process("still.gif", &r) == IMG_OK)
			ok(r.variants[2].width == 160 && r.variants[2].height == 100,
			   "a 160x100 image is not upscaled to the 320 thumbnail");
	}
}

static void test_idempotent_and_remove(void)
{
	struct img_result a, b;
	char path[2048], dir[1024];
	struct stat st;
	int gone = 0;

	ok(process("portrait.jpg", &a) == IMG_OK && process("portrait.jpg", &b) == IMG_OK,
	   "the same upload stored twice");
	is_str(a.hash, b.hash, "same hash both times");
	ok(memcmp(&a, &b, sizeof(a)) == 0, "same result both times");
	is_int(count_dotfiles(root), 0, "no temp files left in the media root");

	is_int(media_store_remove(root, a.hash), 0, "remove succeeds");
	for (int i = 0; i < IMG_NVARIANTS; i++) {
		media_store_path(root, a.hash, a.variants[i].name, path, sizeof(path));
		gone += stat(path, &st) != 0 && errno == ENOENT;
	}
	is_int(gone, IMG_NVARIANTS, "remove deletes every variant");
	snprintf(dir, sizeof(dir), "%s/%.2s/%.2s", root, a.hash, a.hash + 2);
	ok(stat(dir, &st) != 0, "the emptied directory is removed too");
	is_int(media_store_remove(root, a.hash), 0, "removing again is harmless");
}

static void test_limits_and_io(void)
{
	struct img_limits small = { .max_file_bytes = 1000 };
	struct img_limits frames = { .max_frames = 2 };
	struct img_result r;
	char blocked[512], bad_root[600];
	FILE *f;

	is_int(process_with(fixture("portrait.jpg"), root, &small, &r), IMG_EFILESIZE,
	       "file over the caller's size cap refused");
	is_int(img_http_status(IMG_EFILESIZE), 413, "file too large answers 413");
	is_int(process_with(fixture("anim.gif"), root, &frames, &r), IMG_ETOOBIG,
	       "3 frames over a cap of 2 refused");
	is_int(process_with(fixture("no-such-file.jpg"), root, NULL, &r), IMG_EIO,
	       "missing upload is an I/O error");

	/* A media root below a regular file cannot be created: the disk
	 * error case, answered 503, with nothing half written. */
	snprintf(blocked, sizeof(blocked), "%s/not-a-dir", tmp_dir);
	f = fopen(blocked, "w");
	if (f)
		fclose(f);
	snprintf(bad_root, sizeof(bad_root), "%s/media", blocked);
	is_int(process_with(fixture("still.png"), bad_root, NULL, &r), IMG_EIO,
	       "unwritable media root is IMG_EIO");
	is_int(img_http_status(IMG_EIO), 503, "I/O failure answers 503");
	is_int(img_http_status(IMG_EINTERNAL), 500, "internal failure answers 500");
	for (int s = IMG_OK; s >= IMG_EINTERNAL; s--)
		ok(img_strerror(s) && strlen(img_strerror(s)) > 10, "message for status %d", s);
	ok(strcmp(img_strerror(IMG_EUNSUPPORTED), img_strerror(IMG_ECORRUPT)) != 0,
	   "messages differ per status");
}

static void test_sniff(void)
{
	ok(img_sniff("\xff\xd8\xff\xe0", 4) == IMG_FORMAT_JPEG, "JPEG signature");
	ok(img_sniff("\x89PNG\r\n\x1a\n", 8) == IMG_FORMAT_PNG, "PNG signature");
	ok(img_sniff("RIFF\0\0\0\0WEBPVP8 ", 16) == IMG_FORMAT_WEBP, "WebP signature");
	ok(img_sniff("RIFF\0\0\0\0WAVEfmt ", 16) == IMG_FORMAT_NONE, "RIFF that is not WebP");
	ok(img_sniff("GIF89a", 6) == IMG_FORMAT_GIF && img_sniff("GIF87a", 6) == IMG_FORMAT_GIF,
	   "GIF signatures");
	ok(img_sniff("GIF89", 5) == IMG_FORMAT_NONE, "short GIF signature");
	ok(img_sniff("\x89PNG\r\n\x1a", 7) == IMG_FORMAT_NONE, "short PNG signature");
	ok(img_sniff("<svg", 4) == IMG_FORMAT_NONE && img_sniff("%PDF-1.4", 8) == IMG_FORMAT_NONE,
	   "SVG and PDF have no image signature");
	ok(img_sniff(NULL, 0) == IMG_FORMAT_NONE, "nothing");
}

/*
 * With img_init()'s blocks, libvips refuses every other loader. (8.14's
 * vips_foreign_find_load_buffer() still names the blocked loader; the
 * block bites when the operation is built.)
 */
static void test_loaders_blocked(void)
{
	static const char *const files[] = { "script.svg", "doc.pdf", "image.tiff", "image.psd",
					     "image.ico" };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		size_t len = 0;
		unsigned char *p = slurp(fixture(files[i]), &len);
		VipsImage *img = p ? vips_image_new_from_buffer(p, len, "", NULL) : NULL;
		double avg;

		ok(p && (!img || vips_avg(img, &avg, NULL) != 0),
		   "libvips itself refuses to load %s", files[i]);
		if (img)
			g_object_unref(img);
		vips_error_clear();
		free(p);
	}
}

static void test_store(void)
{
	static const char hash[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	char out[MEDIA_STORE_REL_MAX], path[1024], blocked[600];
	size_t len = 0;
	unsigned char *p;

	is_int(media_store_url(hash, "feed", out, sizeof(out)), 0, "url of a valid hash");
	is_str(out, "01/23/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef-feed.webp",
	       "url is ab/cd/<hash>-<variant>.webp");
	ok(media_store_url("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
			   "feed", out, sizeof(out)) == MEDIA_STORE_EINVAL,
	   "uppercase hash refused");
	ok(media_store_url("../../etc/passwd", "feed", out, sizeof(out)) == MEDIA_STORE_EINVAL,
	   "path as hash refused");
	ok(media_store_url(hash, "../x", out, sizeof(out)) == MEDIA_STORE_EINVAL &&
	   media_store_url(hash, "", out, sizeof(out)) == MEDIA_STORE_EINVAL &&
	   media_store_url(hash, "Feed", out, sizeof(out)) == MEDIA_STORE_EINVAL,
	   "bad variant names refused");
	ok(media_store_url(hash, "feed", out, 20) == MEDIA_STORE_EINVAL, "too small buffer refused");

	ok(media_store_put(root, hash, "orig", "first", 5) == 0 &&
	   media_store_put(root, hash, "orig", "second", 6) == 0, "put twice");
	media_store_path(root, hash, "orig", path, sizeof(path));
	p = slurp(path, &len);
	ok(p && len == 6 && memcmp(p, "second", 6) == 0, "the second put replaced the file whole");
	free(p);
	ok(media_store_put(root, hash, "thumb", "", 0) == 0, "an empty file can be stored");
	is_int(count_dotfiles(root), 0, "no temp files after puts");
	ok(media_store_remove(root, hash) == 0 && access(path, F_OK) != 0, "remove");
	snprintf(blocked, sizeof(blocked), "%s/not-a-dir/media", tmp_dir);
	ok(media_store_put(blocked, hash, "orig", "x", 1) == MEDIA_STORE_EIO, "put below a file is EIO");
	ok(media_store_put(root, hash, "orig", NULL, 1) == MEDIA_STORE_EINVAL, "NULL data refused");
	ok(media_store_remove(root, "zz") == MEDIA_STORE_EINVAL, "remove of a bad hash refused");
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	char cmd[600];

	snprintf(tmp_dir, sizeof(tmp_dir), "%s/bb-image-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(tmp_dir) || sodium_init() < 0 || img_init("image_test") != 0) {
		printf("Bail out! cannot set up (temp dir, libsodium or libvips)\n");
		return 1;
	}
	/* A root that does not exist yet: the store creates it. */
	snprintf(root, sizeof(root), "%s/media", tmp_dir);

	test_sniff();
	test_loaders_blocked();
	test_accepted();
	test_refused();
	test_truncations();
	test_orientation();
	test_size_caps();
	test_idempotent_and_remove();
	test_limits_and_io();
	test_store();
	ok(img_init(NULL) == 0, "img_init twice is harmless");

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmp_dir);
	return done_testing();
}
