#include "web/auth.h"

#include <json-c/json.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/conf.h"
#include "core/log.h"
#include "http/request.h"
#include "http/url.h"
#include "store/oauth.h"
#include "store/sessions.h"
#include "store/users.h"
#include "web/app.h"
#include "web/router.h"
#include "core/banned.h"

#define AUTH_CSRF_COOKIE "bb_csrf"
/* Record a token's use at most this often: one write per hour, not per request. */
#define AUTH_TOKEN_TOUCH_EVERY 3600

/*
 * The bearer token of the request being handled. A worker handles one
 * request at a time and auth_load() resets this at the start of each,
 * so it never outlives its request; it is kept here rather than in
 * struct request because only the API needs it.
 */
static struct {
	int status;
	struct oauth_token *token;
} auth_bearer_now;

const char *auth_cookie_name(const struct request *r)
{
	return r->app->conf->secure ? "__Host-sid" : "sid";
}

static const char *auth_csrf_cookie_name(const struct request *r)
{
	return r->app->conf->secure ? "__Host-bb_csrf" : AUTH_CSRF_COOKIE;
}

void auth_set_cookie(struct request *r, const char *name, const char *value, long max_age)
{
	const char *secure = r->app->conf->secure ? "; Secure" : "";
	char *line;

	if (max_age > 0)
		line = arena_printf(r->arena, "%s=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Lax%s",
				    name, value, max_age, secure);
	else if (max_age == 0)
		line = arena_printf(r->arena, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s", name, value,
				    secure);
	else
		line = arena_printf(r->arena, "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax%s", name,
				    secure);
	if (line)
		response_header_add(&r->res, "Set-Cookie", line);
}

void auth_event(struct request *r, const char *event, unsigned long long uid, const char *detail)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "event", json_object_new_string(event));
	json_object_object_add(o, "request_id", json_object_new_string(r->request_id ? r->request_id : "-"));
	json_object_object_add(o, "ip", json_object_new_string(r->remote_addr ? r->remote_addr : "-"));
	json_object_object_add(o, "route", json_object_new_string(r->route ? r->route->pattern : "-"));
	if (uid)
		json_object_object_add(o, "user_id", json_object_new_int64((int64_t)uid));
	if (detail)
		json_object_object_add(o, "detail", json_object_new_string(detail));
	log_info("%s", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

const char *auth_csrf_token(struct request *r)
{
	char *token;

	if (r->csrf_token)
		return r->csrf_token;
	token = arena_alloc(r->arena, SESS_TOKEN_LEN + 1);
	if (!token)
		return "";
	sess_new_token(token);
	r->csrf_token = token;
	auth_set_cookie(r, auth_csrf_cookie_name(r), token, 0);
	return token;
}

/*
 * "Authorization: Bearer <token>" of an API request: fill r->user (and
 * the token row) or record why not. Another scheme (Basic, which the
 * token endpoint reads for client credentials) is not a bearer token.
 */
static void auth_load_bearer(struct request *r)
{
	const char *h = req_env(r, "HTTP_AUTHORIZATION");
	char hash[OAUTH_HASH_LEN + 1];
	struct oauth_token *t;
	struct user *u;
	size_t n;
	int rc;

	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return;
	h += 7;
	while (*h == ' ')
		h++;
	n = strlen(h);
	auth_bearer_now.status = AUTH_BEARER_INVALID;
	if (n != OAUTH_SECRET_LEN)
		return;
	t = arena_alloc(r->arena, sizeof(*t));
	u = arena_alloc(r->arena, sizeof(*u));
	if (!t || !u) {
		auth_bearer_now.status = AUTH_BEARER_UNAVAILABLE;
		return;
	}
	oauth_hash(h, n, hash);
	rc = oauth_token_find(r->app->db, r->arena, hash, t, u);
	if (rc == OAUTH_NOT_FOUND)
		return;
	/* A user token whose user is gone (the row was deleted) is no token. */
	if (rc == DB_OK && t->user_id && !u->id)
		return;
	if (rc != DB_OK) {
		auth_bearer_now.status = AUTH_BEARER_UNAVAILABLE;
		return;
	}
	if (t->idle < 0 || t->idle >= AUTH_TOKEN_TOUCH_EVERY)
		oauth_token_touch(r->app->db, t->id);
	auth_bearer_now.status = AUTH_BEARER_OK;
	auth_bearer_now.token = t;
	r->user = t->user_id ? u : NULL;
}

int auth_bearer(const struct request *r, const struct oauth_token **token)
{
	(void)r;
	if (token)
		*token = auth_bearer_now.status == AUTH_BEARER_OK ? auth_bearer_now.token : NULL;
	return auth_bearer_now.status;
}

void auth_load(struct request *r)
{
	struct str token = http_kv_get(&r->cookies, auth_cookie_name(r));
	struct session *s;
	struct user *u;
	int rc;

	r->session = NULL;
	r->user = NULL;
	auth_bearer_now.status = AUTH_BEARER_NONE;
	auth_bearer_now.token = NULL;
	/* The OAuth consent page is a page of the site: the person approving
	 * is the one logged in with the cookie, and the form has CSRF. */
	if (r->is_api && str_eq_c(r->path, "/oauth/authorize"))
		r->is_api = false;
	if (r->is_api) {
		auth_load_bearer(r);
		return;
	}
	if (token.ptr && token.len == SESS_TOKEN_LEN && !r->is_api) {
		s = arena_alloc(r->arena, sizeof(*s));
		u = arena_alloc(r->arena, sizeof(*u));
		rc = s && u ? sess_load(r->app->rds, r->app->conf, token.ptr, s) : -1;
		if (rc < 0)
			r->auth_unknown = true;
		if (rc == 1) {
			rc = users_find_by_id(r->app->db, r->arena, s->uid, u);
			if (rc == DB_OK) {
				r->session = s;
				r->user = u;
				r->csrf_token = s->csrf;
			} else if (rc == USERS_NOT_FOUND) {
				/* The account is gone: so is its session. */
				sess_destroy(r->app->rds, s->uid, s->hash);
			} else {
				r->auth_unknown = true;
			}
		}
	}
	if (!r->session && !r->is_api) {
		struct str c = http_kv_get(&r->cookies, auth_csrf_cookie_name(r));

		if (c.ptr && c.len == SESS_TOKEN_LEN)
			r->csrf_token = c.ptr;
	}
}

/* Same scheme, host and port as base_url. */
static bool auth_same_origin(const struct request *r, const char *origin)
{
	return strcasecmp(origin, r->app->conf->base_url) == 0;
}

int auth_check_csrf(struct request *r)
{
	const char *origin = req_env(r, "HTTP_ORIGIN");
	const char *site = req_env(r, "HTTP_SEC_FETCH_SITE");
	struct str sent = http_kv_get(&r->form, "csrf_token");
	const char *header = req_env(r, "HTTP_X_CSRF_TOKEN");

	if (req_is_safe_method(r) || r->is_api)
		return 0;
	if (site && strcmp(site, "cross-site") == 0) {
		auth_event(r, "csrf_failed", r->user ? r->user->id : 0, "cross-site request");
		return 403;
	}
	if (origin && strcmp(origin, "null") != 0 && !auth_same_origin(r, origin)) {
		auth_event(r, "csrf_failed", r->user ? r->user->id : 0, "foreign origin");
		return 403;
	}
	if (!sent.ptr && header)
		sent = str_from(header);
	if (!r->csrf_token || !sent.ptr || sent.len != strlen(r->csrf_token) ||
	    sodium_memcmp(sent.ptr, r->csrf_token, sent.len) != 0) {
		auth_event(r, "csrf_failed", r->user ? r->user->id : 0,
			   sent.ptr ? "token mismatch" : "token missing");
		return 403;
	}
	return 0;
}

int auth_login(struct request *r, struct user *u, bool remember)
{
	const struct conf *c = r->app->conf;
	char token[SESS_TOKEN_LEN + 1];
	struct session *s = arena_alloc(r->arena, sizeof(*s));
	const char *ua = req_env(r, "HTTP_USER_AGENT");

	if (!s)
		return 500;
	/* No fixation: whatever session the browser had ends here. */
	if (r->session)
		sess_destroy(r->app->rds, r->session->uid, r->session->hash);
	if (sess_create(r->app->rds, c, u->id, remember, r->remote_addr, ua, token, s) < 0)
		return 503;
	auth_set_cookie(r, auth_cookie_name(r), token, remember ? c->remember_lifetime : 0);
	r->session = s;
	r->user = u;
	r->csrf_token = s->csrf;
	sodium_memzero(token, sizeof(token));
	return 0;
}

void auth_logout(struct request *r)
{
	if (r->session)
		sess_destroy(r->app->rds, r->session->uid, r->session->hash);
	auth_set_cookie(r, auth_cookie_name(r), "", -1);
	r->session = NULL;
	r->user = NULL;
}

int auth_require(struct request *r)
{
	const char *next;

	if (r->user)
		return 0;
	if (r->is_api)
		return 401;
	next = arena_printf(r->arena, "%s/login?next=%s", r->app->conf->base_url,
			    url_encode(r->arena, r->path.ptr, r->path.len));
	response_header_add(&r->res, "Location", next);
	return 303;
}
