#include "api/api.h"

#include <string.h>
#include <strings.h>

#include "api/scopes.h"
#include "core/arena.h"
#include "core/conf.h"
#include "core/log.h"
#include "http/request.h"
#include "store/oauth.h"
#include "view/page.h"
#include "web/app.h"
#include "web/auth.h"
#include "core/banned.h"

#define API_NAME_MAX 64

int api_error(struct request *r, int status, const char *message)
{
	struct json_object *e = json_object_new_object();

	json_object_object_add(e, "error", json_object_new_string(message));
	return page_json(r, status, e);
}

int api_json(struct request *r, int status, struct json_object *obj)
{
	return page_json(r, status, obj);
}

const struct oauth_token *api_token(const struct request *r)
{
	const struct oauth_token *t = NULL;

	auth_bearer(r, &t);
	return t;
}

/* RFC 6750: a 401 names the scheme the client should use. */
static int api_unauthorized(struct request *r)
{
	response_header_add(&r->res, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
	return api_error(r, 401, "The access token is invalid");
}

int api_auth(struct request *r, const char *scope, unsigned flags)
{
	const struct oauth_token *t = NULL;
	int status = auth_bearer(r, &t);

	if (status == AUTH_BEARER_UNAVAILABLE)
		return 503;
	if (status == AUTH_BEARER_INVALID)
		return api_unauthorized(r);
	if (status == AUTH_BEARER_NONE)
		return flags & (API_TOKEN | API_USER) ? api_unauthorized(r) : 0;
	/* A token that was sent is held to the scope even where none is
	 * needed: an app granted only "push" does not read timelines. */
	if (scope && !api_scope_granted(t->scopes, scope))
		return api_error(r, 403, "This action is outside the authorized scopes");
	if ((flags & API_USER) && !r->user)
		return api_error(r, 422, "This method requires an authenticated user");
	return 0;
}

/* The JSON body's value for name as text, when it is a scalar. */
static struct str api_json_scalar(struct json_object *v)
{
	const char *s;

	if (!v)
		return STR_NULL;
	switch (json_object_get_type(v)) {
	case json_type_string:
		return (struct str){ json_object_get_string(v), (size_t)json_object_get_string_len(v) };
	case json_type_int:
	case json_type_double:
	case json_type_boolean:
		s = json_object_get_string(v);
		return str_from(s);
	default:
		return STR_NULL;
	}
}

struct str api_param(const struct request *r, const char *name)
{
	struct json_object *v = NULL;
	struct str s;

	if (r->json && json_object_object_get_ex(r->json, name, &v)) {
		s = api_json_scalar(v);
		if (s.ptr)
			return s;
	}
	s = http_kv_get(&r->form, name);
	if (s.ptr)
		return s;
	return http_kv_get(&r->query, name);
}

const char *api_text(const struct request *r, const char *name)
{
	struct str s = api_param(r, name);

	while (s.len && (s.ptr[0] == ' ' || s.ptr[0] == '\t' || s.ptr[0] == '\n' || s.ptr[0] == '\r')) {
		s.ptr++;
		s.len--;
	}
	while (s.len && (s.ptr[s.len - 1] == ' ' || s.ptr[s.len - 1] == '\t' || s.ptr[s.len - 1] == '\n' ||
			 s.ptr[s.len - 1] == '\r'))
		s.len--;
	return s.ptr ? arena_strndup(r->arena, s.ptr, s.len) : "";
}

size_t api_params(const struct request *r, const char *name, struct str *out, size_t max)
{
	struct json_object *v = NULL;
	char key[API_NAME_MAX + 3];
	size_t n;

	if (r->json && json_object_object_get_ex(r->json, name, &v) && json_object_is_type(v, json_type_array)) {
		size_t len = json_object_array_length(v);

		n = 0;
		for (size_t i = 0; i < len && n < max; i++) {
			struct str s = api_json_scalar(json_object_array_get_idx(v, i));

			if (s.ptr)
				out[n++] = s;
		}
		return n;
	}
	if (strlen(name) > API_NAME_MAX)
		return 0;
	memcpy(key, name, strlen(name));
	memcpy(key + strlen(name), "[]", 3);
	n = http_kv_get_all(&r->form, key, out, max);
	if (n == 0)
		n = http_kv_get_all(&r->query, key, out, max);
	if (n == 0 && max > 0) {
		out[0] = api_param(r, name);
		n = out[0].ptr && out[0].len ? 1 : 0;
	}
	return n;
}

bool api_bool(const struct request *r, const char *name, bool dflt)
{
	struct str s = api_param(r, name);
	static const char *const yes[] = { "true", "1", "on", "yes", "t" };
	static const char *const no[] = { "false", "0", "off", "no", "f" };

	for (size_t i = 0; s.ptr && i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (s.len == strlen(yes[i]) && strncasecmp(s.ptr, yes[i], s.len) == 0)
			return true;
		if (s.len == strlen(no[i]) && strncasecmp(s.ptr, no[i], s.len) == 0)
			return false;
	}
	return dflt;
}

unsigned long long api_id(struct str s)
{
	unsigned long long id = 0;

	if (!s.ptr || s.len == 0 || s.len > 20 || str_to_u64(s, &id) < 0)
		return 0;
	return id;
}

unsigned long long api_param_id(const struct request *r)
{
	return api_id(req_param(r, "id"));
}

const char *api_absolute(struct request *r, const char *url)
{
	if (url && url[0] == '/' && url[1] != '/')
		return arena_printf(r->arena, "%s%s", r->app->conf->base_url, url);
	return url;
}
