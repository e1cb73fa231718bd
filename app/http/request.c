#include "http/request.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/conf.h"
#include "core/log.h"
#include "web/app.h"
#include "core/banned.h"

#define REQ_MAX_QUERY 8192
#define REQ_MAX_COOKIE 8192
#define REQ_JSON_DEPTH 16

const char *req_env(const struct request *r, const char *name)
{
	return FCGX_GetParam(name, r->fcgi->envp);
}

static const char *const req_methods[] = { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS" };

int req_parse(struct request *r)
{
	const struct conf *c = r->app->conf;
	struct http_kv_limits lim = { (size_t)c->max_form_fields, 256, c->max_field_bytes };
	const char *method = req_env(r, "REQUEST_METHOD");
	const char *path = req_env(r, "DOCUMENT_URI");
	const char *qs = req_env(r, "QUERY_STRING");
	const char *cookie = req_env(r, "HTTP_COOKIE");
	const char *len = req_env(r, "CONTENT_LENGTH");

	r->method = NULL;
	for (size_t i = 0; method && i < sizeof(req_methods) / sizeof(req_methods[0]); i++)
		if (strcmp(method, req_methods[i]) == 0)
			r->method = req_methods[i];
	if (!r->method)
		return 405;
	if (!path)
		path = req_env(r, "SCRIPT_NAME");
	if (!path || path[0] != '/' || !str_utf8_valid(path, strlen(path)))
		return 400;
	r->path = str_from(path);
	r->is_api = str_has_prefix(r->path, "/api/") || str_has_prefix(r->path, "/oauth/") ||
		    str_has_prefix(r->path, "/.well-known/") || str_has_prefix(r->path, "/nodeinfo/");
	r->query_string = qs ? qs : "";
	if (strlen(r->query_string) > REQ_MAX_QUERY)
		return 414;
	if (http_form_parse(r->arena, r->query_string, strlen(r->query_string), &lim, &r->query) != 0)
		return 400;
	/* Cookies are ours to set; a mangled header just yields no session. */
	if (cookie && strlen(cookie) <= REQ_MAX_COOKIE)
		http_cookie_parse(r->arena, cookie, strlen(cookie), &lim, &r->cookies);
	r->content_type = req_env(r, "CONTENT_TYPE");
	r->content_length = len && *len ? strtoul(len, NULL, 10) : 0;
	r->request_id = req_env(r, "HTTP_X_REQUEST_ID");
	if (!r->request_id || strlen(r->request_id) > 64)
		r->request_id = "-";
	r->remote_addr = req_env(r, "REMOTE_ADDR");
	if (!r->remote_addr)
		r->remote_addr = "-";
	r->res.head_only = r->method == req_methods[1];
	return 0;
}

static bool req_type_is(const char *content_type, const char *type)
{
	size_t n = strlen(type);

	return content_type && strncasecmp(content_type, type, n) == 0 &&
	       (content_type[n] == '\0' || content_type[n] == ';' || content_type[n] == ' ');
}

/* Read exactly content_length bytes into the arena (NUL-terminated). */
static int req_read_all(struct request *r, char **out)
{
	char *p = arena_alloc(r->arena, r->content_length + 1);
	size_t got = 0;

	if (!p)
		return 413;
	while (got < r->content_length) {
		size_t want = r->content_length - got;
		int n = FCGX_GetStr(p + got, want > 65536 ? 65536 : (int)want, r->fcgi->in);

		if (n <= 0)
			return 400;
		got += (size_t)n;
	}
	p[got] = '\0';
	*out = p;
	return 0;
}

static void req_json_put(void *p)
{
	json_object_put(p);
}

static int req_read_json(struct request *r)
{
	struct json_tokener *tok;
	struct json_object *obj;
	char *body;
	int rc = req_read_all(r, &body);

	if (rc)
		return rc;
	if (!str_utf8_valid(body, r->content_length))
		return 400;
	tok = json_tokener_new_ex(REQ_JSON_DEPTH);
	if (!tok)
		return 500;
	obj = json_tokener_parse_ex(tok, body, (int)r->content_length);
	if (json_tokener_get_error(tok) != json_tokener_success ||
	    tok->char_offset != (int)r->content_length) {
		json_tokener_free(tok);
		if (obj)
			json_object_put(obj);
		return 400;
	}
	json_tokener_free(tok);
	if (!json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		return 400;
	}
	arena_cleanup_add(r->arena, req_json_put, obj);
	r->json = obj;
	return 0;
}

static int req_read_multipart(struct request *r, bool allow_files, size_t limit)
{
	const struct conf *c = r->app->conf;
	struct multipart_limits lim = {
		.max_parts = (size_t)c->max_form_fields + (size_t)c->max_upload_files,
		.max_field_size = c->max_field_bytes,
		.max_file_size = limit,
		.max_files = allow_files ? (size_t)c->max_upload_files : 0,
		.max_header_size = 4096,
		.tmp_dir = c->tmp_dir,
	};
	struct multipart_result res;
	struct multipart *mp = multipart_new(r->arena, str_from(r->content_type), &lim);
	char chunk[65536];
	size_t left = r->content_length;
	int rc;

	if (!mp)
		return 400;
	while (left > 0) {
		int n = FCGX_GetStr(chunk, left > sizeof(chunk) ? (int)sizeof(chunk) : (int)left,
				    r->fcgi->in);

		if (n <= 0)
			return 400;
		left -= (size_t)n;
		rc = multipart_feed(mp, chunk, (size_t)n);
		if (rc == MP_TOO_LARGE)
			return 413;
		if (rc == MP_TOO_MANY)
			return allow_files ? 413 : 415;
		if (rc == MP_IO) {
			log_error("event=upload_spool_failed dir=%s", c->tmp_dir);
			return 503;
		}
		if (rc != MP_OK)
			return 400;
	}
	if (multipart_finish(mp, &res) != MP_OK)
		return 400;
	r->form = res.fields;
	r->files = res.files;
	r->nfiles = res.nfiles;
	return 0;
}

int req_read_body(struct request *r, bool allow_files)
{
	const struct conf *c = r->app->conf;
	struct http_kv_limits lim = { (size_t)c->max_form_fields, 256, c->max_field_bytes };
	size_t limit = allow_files ? c->max_upload_bytes : c->max_body_bytes;
	char *body;
	int rc;

	if (r->content_length == 0)
		return 0;
	if (r->content_length > limit)
		return 413;
	if (req_type_is(r->content_type, "application/x-www-form-urlencoded")) {
		rc = req_read_all(r, &body);
		if (rc)
			return rc;
		rc = http_form_parse(r->arena, body, r->content_length, &lim, &r->form);
		if (rc == HTTP_KV_TOO_MANY || rc == HTTP_KV_TOO_LONG)
			return 413;
		return rc == HTTP_KV_OK ? 0 : 400;
	}
	if (req_type_is(r->content_type, "multipart/form-data"))
		return req_read_multipart(r, allow_files, limit);
	if (req_type_is(r->content_type, "application/json"))
		return req_read_json(r);
	return 415;
}

struct str req_param(const struct request *r, const char *name)
{
	for (size_t i = 0; i < r->nparams; i++)
		if (strcmp(r->param_names[i], name) == 0)
			return r->params[i];
	return STR_NULL;
}

struct str req_value(const struct request *r, const char *name)
{
	struct str v = http_kv_get(&r->form, name);

	if (v.ptr)
		return v;
	return http_kv_get(&r->query, name);
}

bool req_is_safe_method(const struct request *r)
{
	return strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0 ||
	       strcmp(r->method, "OPTIONS") == 0;
}
