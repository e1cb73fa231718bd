/*
 * The `image` subcommand: img_process() on each named file. Without
 * --media-root the outputs go to a new directory under $TMPDIR (or /tmp),
 * named on stderr and kept so the operator can look at them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <sodium.h>

#include "media/image.h"
#include "media/storage.h"
#include "media/image_cmd.h"

#include "media/store.h"
#include "core/banned.h"

static const char image_usage[] = "usage: beaubelle image FILE... [--media-root DIR]\n";

static double image_cmd_ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* The JSON line for one file; the caller frees it with json_object_put. */
static json_object *image_cmd_json(const char *file, int rc, const struct img_result *r,
				   double ms)
{
	json_object *o = json_object_new_object();
	json_object *vars;

	json_object_object_add(o, "file", json_object_new_string(file));
	if (rc != IMG_OK) {
		json_object_object_add(o, "error", json_object_new_int(rc));
		json_object_object_add(o, "status", json_object_new_int(img_http_status(rc)));
		json_object_object_add(o, "message", json_object_new_string(img_strerror(rc)));
		json_object_object_add(o, "ms", json_object_new_double(ms));
		return o;
	}
	json_object_object_add(o, "format", json_object_new_string(img_format_name(r->format)));
	json_object_object_add(o, "width", json_object_new_int(r->width));
	json_object_object_add(o, "height", json_object_new_int(r->height));
	json_object_object_add(o, "frames", json_object_new_int(r->frames));
	vars = json_object_new_array();
	for (int i = 0; i < IMG_NVARIANTS; i++) {
		const struct img_variant *v = &r->variants[i];
		json_object *jv = json_object_new_object();

		json_object_object_add(jv, "name", json_object_new_string(v->name));
		json_object_object_add(jv, "width", json_object_new_int(v->width));
		json_object_object_add(jv, "height", json_object_new_int(v->height));
		json_object_object_add(jv, "bytes", json_object_new_int64((int64_t)v->bytes));
		json_object_object_add(jv, "path", json_object_new_string(v->path));
		json_object_array_add(vars, jv);
	}
	json_object_object_add(o, "variants", vars);
	json_object_object_add(o, "blurhash", json_object_new_string(r->blurhash));
	json_object_object_add(o, "hash", json_object_new_string(r->hash));
	json_object_object_add(o, "ms", json_object_new_double(ms));
	return o;
}

/* Split argv into files and the --media-root value; 0 or -1 (usage). */
static int image_cmd_args(int argc, char **argv, char **files, int *nfiles, const char **root)
{
	*nfiles = 0;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--media-root") == 0) {
			if (++i >= argc)
				return -1;
			*root = argv[i];
		} else if (strncmp(argv[i], "--media-root=", 13) == 0) {
			*root = argv[i] + 13;
		} else if (strcmp(argv[i], "--") == 0) {
			while (++i < argc)
				files[(*nfiles)++] = argv[i];
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			return -1;
		} else {
			files[(*nfiles)++] = argv[i];
		}
	}
	return *nfiles > 0 ? 0 : -1;
}

int image_cmd(int argc, char **argv)
{
	char tmpl[4096];
	const char *root = NULL;
	char **files = calloc((size_t)argc + 1, sizeof(*files));
	int nfiles, status = 0;
	struct storage *st;

	if (!files || image_cmd_args(argc, argv, files, &nfiles, &root) != 0) {
		fputs(image_usage, stderr);
		free(files);
		return 2;
	}
	if (sodium_init() < 0 || img_init("beaubelle") != 0) {
		fprintf(stderr, "beaubelle image: cannot start libvips or libsodium\n");
		free(files);
		return 1;
	}
	if (!root) {
		const char *tmp = getenv("TMPDIR");

		snprintf(tmpl, sizeof(tmpl), "%s/beaubelle-image-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(tmpl)) {
			fprintf(stderr, "beaubelle image: cannot create a directory in %s: %s\n",
				tmp && *tmp ? tmp : "/tmp", strerror(errno));
			free(files);
			return 1;
		}
		root = tmpl;
		fprintf(stderr, "beaubelle image: media root %s\n", root);
	}
	st = storage_local(root, "/media");
	if (!st) {
		free(files);
		return 1;
	}
	for (int i = 0; i < nfiles; i++) {
		struct img_result r;
		unsigned char sha[32];
		struct timespec t0;
		json_object *o;
		int rc;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = media_store_hash_file(files[i], sha) == 0 ? img_process(files[i], sha, st, NULL, &r)
							: IMG_EIO;
		o = image_cmd_json(files[i], rc, &r, image_cmd_ms_since(&t0));
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
		if (rc != IMG_OK)
			status = 1;
	}
	fflush(stdout);
	storage_free(st);
	free(files);
	return status;
}
