/*
 * The image pipeline on arbitrary bytes, in the manner of libvips' own
 * thumbnail_fuzzer: the input is written to a temp file and handed to
 * img_process() with a temp media root, exactly as an upload would be.
 * It must never crash, leak past the run, or leave anything behind: on
 * success the three variants exist and are removed again; on a refusal
 * the media root must be empty. Limits are tightened so the fuzzer
 * spends its time in decoders, not in encoding big pictures.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "media/image.h"
#include "media/storage.h"
#include "media/store.h"

#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_dir[64];
static char fuzz_root[128];
static char fuzz_input[128];

/* Anything but "." and ".." in dir (recursively) means something leaked. */
static int fuzz_dir_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int empty = 1;

	if (!d)
		return 1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			empty = 0;
	closedir(d);
	return empty;
}

/* The media root is empty after every input; leave no directory behind. */
static void fuzz_cleanup(void)
{
	unlink(fuzz_input);
	rmdir(fuzz_root);
	rmdir(fuzz_dir);
}

static int fuzz_setup(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/bb-image-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fuzz_dir))
		return -1;
	snprintf(fuzz_root, sizeof(fuzz_root), "%s/media", fuzz_dir);
	snprintf(fuzz_input, sizeof(fuzz_input), "%s/upload", fuzz_dir);
	if (mkdir(fuzz_root, 0755) != 0 || sodium_init() < 0 || img_init("image_fuzz") != 0)
		return -1;
	atexit(fuzz_cleanup);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static const struct img_limits lim = {
		.max_file_bytes = 1 << 20,
		.max_pixels = 4000000,
		.max_frame_pixels = 250000,
		.max_frames = 20,
	};
	unsigned char sha[32];
	struct img_result r;
	FILE *f;
	int rc;

	if (!ready) {
		if (fuzz_setup() != 0)
			abort();
		ready = 1;
	}
	f = fopen(fuzz_input, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	crypto_hash_sha256(sha, data, size);
	{
		struct storage *st = storage_local(fuzz_root, "/media");

		if (!st)
			abort();
		rc = img_process(fuzz_input, sha, st, &lim, &r);
		storage_free(st);
	}
	if (rc == IMG_OK) {
		char path[512];
		struct stat st;

		if (r.width < 1 || r.height < 1 || r.width > IMG_ORIG_SIZE ||
		    r.height > IMG_ORIG_SIZE || strlen(r.blurhash) != 4 + 2 * 16)
			abort();
		for (int i = 0; i < IMG_NVARIANTS; i++) {
			if (media_store_path(fuzz_root, r.hash, r.variants[i].name, path,
					     sizeof(path)) != 0 ||
			    stat(path, &st) != 0 || (size_t)st.st_size != r.variants[i].bytes)
				abort();
		}
		if (media_store_remove(fuzz_root, r.hash) != 0)
			abort();
	} else if (rc == IMG_EINTERNAL || rc == IMG_EIO) {
		/* Hostile input must be refused as such, never break us. */
		abort();
	}
	if (!fuzz_dir_empty(fuzz_root))
		abort();
	unlink(fuzz_input);
	return 0;
}
