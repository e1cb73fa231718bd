#include "view/render_cmd.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "view/tpl.h"

#include "core/banned.h"

/* View models for one page are small; this only stops a runaway file. */
#define RENDER_MAX_DATA ((size_t)64 << 20)
/* json-c's default of 32 is tight for nested view models. */
#define RENDER_JSON_DEPTH 128

static int render_usage(void)
{
	fprintf(stderr, "usage: beaubelle render TEMPLATE DATA.json [--partials DIR]\n");
	return 1;
}

/* Read all of path (at most max bytes) into out; message on stderr on failure. */
static int render_read(const char *path, size_t max, struct buf *out)
{
	char chunk[65536];
	FILE *f = fopen(path, "rb");
	size_t n;
	int rc = -1;

	if (!f) {
		fprintf(stderr, "beaubelle render: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (out->len + n > max) {
			fprintf(stderr, "beaubelle render: %s: larger than %zu bytes\n", path, max);
			goto out;
		}
		if (buf_append(out, chunk, n) < 0) {
			fprintf(stderr, "beaubelle render: %s: out of memory\n", path);
			goto out;
		}
	}
	if (ferror(f)) {
		fprintf(stderr, "beaubelle render: %s: read error\n", path);
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}

/*
 * Parse the whole of text as one JSON value. json-c stops at the end of
 * the first value, so trailing text is checked here: a data file with two
 * objects glued together is a mistake worth reporting.
 */
static int render_parse_json(const char *path, const struct buf *text, struct json_object **out)
{
	struct json_tokener *tok = json_tokener_new_ex(RENDER_JSON_DEPTH);
	enum json_tokener_error jerr;
	size_t end;
	int rc = -1;

	*out = NULL;
	if (!tok) {
		fprintf(stderr, "beaubelle render: out of memory\n");
		return -1;
	}
	if (text->len > 0)
		*out = json_tokener_parse_ex(tok, text->ptr, (int)text->len);
	jerr = json_tokener_get_error(tok);
	if (text->len == 0 || jerr == json_tokener_continue) {
		fprintf(stderr, "beaubelle render: %s: bad JSON: unexpected end of file\n", path);
		goto out;
	}
	if (jerr != json_tokener_success) {
		fprintf(stderr, "beaubelle render: %s: bad JSON at byte %zu: %s\n", path,
			json_tokener_get_parse_end(tok), json_tokener_error_desc(jerr));
		goto out;
	}
	for (end = json_tokener_get_parse_end(tok); end < text->len; end++) {
		if (!strchr(" \t\r\n", text->ptr[end])) {
			fprintf(stderr, "beaubelle render: %s: bad JSON: text after the value at byte %zu\n",
				path, end);
			goto out;
		}
	}
	rc = 0;
out:
	if (rc < 0) {
		json_object_put(*out);
		*out = NULL;
	}
	json_tokener_free(tok);
	return rc;
}

int render_cmd(int argc, char **argv)
{
	const char *tpl_path = NULL, *data_path = NULL, *dir = NULL;
	struct buf src = BUF_INIT, data = BUF_INIT, name = BUF_INIT, dirbuf = BUF_INIT;
	struct buf err = BUF_INIT, out = BUF_INIT;
	struct json_object *ctx = NULL;
	struct tpl_set *set = NULL;
	const char *slash;
	int status = 1;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--partials") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strncmp(argv[i], "--partials=", 11) == 0)
			dir = argv[i] + 11;
		else if (argv[i][0] == '-' && argv[i][1] != '\0')
			return render_usage();
		else if (!tpl_path)
			tpl_path = argv[i];
		else if (!data_path)
			data_path = argv[i];
		else
			return render_usage();
	}
	if (!tpl_path || !data_path)
		return render_usage();
	if (!dir) {
		slash = strrchr(tpl_path, '/');
		if (slash && buf_append(&dirbuf, tpl_path, (size_t)(slash - tpl_path) + 1) < 0)
			goto oom;
		dir = slash ? dirbuf.ptr : ".";
	}
	if (render_read(tpl_path, TPL_MAX_SIZE, &src) < 0 ||
	    render_read(data_path, RENDER_MAX_DATA, &data) < 0 ||
	    render_parse_json(data_path, &data, &ctx) < 0)
		goto out;
	set = tpl_set_new();
	if (!set)
		goto oom;
	/* Names from the partials folder never start with "/" or ".", so
	 * the template's own name cannot collide with its partials (it may
	 * well be among them) and messages name the file as given. */
	if (buf_printf(&name, "%s%s", tpl_path[0] == '/' || tpl_path[0] == '.' ? "" : "./",
		       tpl_path) < 0)
		goto oom;
	if (tpl_set_add(set, name.ptr, src.ptr ? src.ptr : "", src.len, &err) < 0 ||
	    tpl_set_load_dir(set, dir, &err) < 0) {
		fprintf(stderr, "beaubelle render: %s\n", err.ptr ? err.ptr : "error");
		goto out;
	}
	if (tpl_set_check(set, &err) < 0) {
		for (char *line = err.ptr, *nl; line; line = nl ? nl + 1 : NULL) {
			nl = strchr(line, '\n');
			fprintf(stderr, "beaubelle render: warning: %.*s\n",
				(int)(nl ? (size_t)(nl - line) : strlen(line)), line);
		}
	}
	if (tpl_render(set, name.ptr, ctx, NULL, &out) < 0) {
		fprintf(stderr, "beaubelle render: %s: render failed (output or work limit, or out of memory)\n",
			tpl_path);
		goto out;
	}
	if ((out.len && fwrite(out.ptr, 1, out.len, stdout) != out.len) || fflush(stdout) != 0) {
		fprintf(stderr, "beaubelle render: writing output: %s\n", strerror(errno));
		goto out;
	}
	status = 0;
	goto out;
oom:
	fprintf(stderr, "beaubelle render: out of memory\n");
out:
	tpl_set_free(set);
	json_object_put(ctx);
	buf_release(&src);
	buf_release(&data);
	buf_release(&name);
	buf_release(&dirbuf);
	buf_release(&err);
	buf_release(&out);
	return status;
}
