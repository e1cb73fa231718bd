/*
 * Runs every case of the Mustache spec (every .json file in tests/data/mustache-spec):
 * each case's template and partials go into a fresh tpl_set, and the
 * rendering must equal the expected text byte for byte.
 */
#include <dirent.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "tap.h"
#include "view/tpl.h"

#include "core/banned.h"

/* A name no spec partial uses. */
#define SPEC_MAIN "(spec template)"

static int spec_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Render one case; returns the output (caller frees) or NULL with why. */
static char *spec_render(struct json_object *tc, struct buf *why)
{
	struct json_object *tmpl, *data = NULL, *partials;
	struct tpl_set *set = tpl_set_new();
	struct buf out = BUF_INIT;
	char *res = NULL;

	if (!set || !json_object_object_get_ex(tc, "template", &tmpl)) {
		buf_puts(why, "bad case");
		goto out;
	}
	json_object_object_get_ex(tc, "data", &data);
	if (json_object_object_get_ex(tc, "partials", &partials)) {
		json_object_object_foreach(partials, name, src)
		{
			if (tpl_set_add(set, name, json_object_get_string(src),
					(size_t)json_object_get_string_len(src), why) < 0)
				goto out;
		}
	}
	if (tpl_set_add(set, SPEC_MAIN, json_object_get_string(tmpl),
			(size_t)json_object_get_string_len(tmpl), why) < 0)
		goto out;
	if (tpl_render(set, SPEC_MAIN, data, NULL, &out) < 0) {
		buf_puts(why, "render failed");
		goto out;
	}
	res = out.ptr ? buf_detach(&out, NULL) : calloc(1, 1);
out:
	buf_release(&out);
	tpl_set_free(set);
	return res;
}

static void spec_file(const char *dir, const char *file)
{
	char path[2048];
	struct json_object *root, *tests;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	root = json_object_from_file(path);
	if (!ok(root && json_object_object_get_ex(root, "tests", &tests), "%s: loads", file)) {
		json_object_put(root);
		return;
	}
	for (size_t i = 0; i < json_object_array_length(tests); i++) {
		struct json_object *tc = json_object_array_get_idx(tests, i), *name, *want;
		struct buf why = BUF_INIT;
		char *got;

		json_object_object_get_ex(tc, "name", &name);
		json_object_object_get_ex(tc, "expected", &want);
		got = spec_render(tc, &why);
		is_str(got ? got : why.ptr, json_object_get_string(want), "%s: %s", file,
		       json_object_get_string(name));
		free(got);
		buf_release(&why);
	}
	json_object_put(root);
}

int main(void)
{
	char dir[1024];
	char *files[64];
	size_t n = 0;
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/tests/data/mustache-spec", SRCDIR);
	d = opendir(dir);
	if (!ok(d != NULL, "spec folder %s opens", dir))
		return done_testing();
	while ((e = readdir(d)) && n < sizeof(files) / sizeof(files[0])) {
		size_t len = strlen(e->d_name);

		/* Lambdas need code in the data: not something JSON view
		 * models can carry. */
		if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0 &&
		    strstr(e->d_name, "lambdas") == NULL)
			files[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(files, n, sizeof(files[0]), spec_cmp);
	ok(n >= 7, "found %zu spec files", n);
	for (size_t i = 0; i < n; i++) {
		spec_file(dir, files[i]);
		free(files[i]);
	}
	return done_testing();
}
