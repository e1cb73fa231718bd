#include "web/middleware.h"

#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/conf.h"
#include "http/conditional.h"
#include "http/request.h"
#include "i18n/i18n.h"
#include "store/oauth.h"
#include "store/ratelimit.h"
#include "store/users.h"
#include "web/app.h"
#include "web/auth.h"
#include "web/router.h"
#include "core/banned.h"

static const char *middleware_lang_choice(struct str v)
{
	if (str_eq_c(v, "ja"))
		return "ja";
	if (str_eq_c(v, "en"))
		return "en";
	return NULL;
}

void middleware_language(struct request *r)
{
	const struct conf *c = r->app->conf;
	const char *chosen = middleware_lang_choice(http_kv_get(&r->query, "lang"));

	if (chosen) {
		auth_set_cookie(r, "lang", chosen, 31536000);
		r->lang = chosen;
		return;
	}
	chosen = middleware_lang_choice(http_kv_get(&r->cookies, "lang"));
	if (!chosen && r->user && r->user->language)
		chosen = middleware_lang_choice(str_from(r->user->language));
	r->lang = i18n_negotiate(req_env(r, "HTTP_ACCEPT_LANGUAGE"), chosen, c->default_language);
}

/*
 * The API's rate limits, as Mastodon's: 300 requests per 5 minutes for
 * each account (or app) holding a token. Requests without one count per
 * address, with more room, since many people can share one (a phone
 * network's NAT). Every answer says where the window stands; if Redis
 * is down the API stays up, unlimited.
 */
#define MIDDLEWARE_API_WINDOW 300

static int middleware_api_limit(struct request *r)
{
	const struct oauth_token *t = NULL;
	long long count = 0, reset = 0;
	int limit = r->app->conf->api_address_limit;
	const char *id;
	time_t when;
	struct tm tm;
	char iso[32];

	if (auth_bearer(r, &t) == AUTH_BEARER_OK) {
		limit = r->app->conf->api_token_limit;
		id = t->user_id ? arena_printf(r->arena, "user:%llu", t->user_id) : arena_printf(r->arena, "app:%llu", t->app_id);
	} else {
		id = arena_printf(r->arena, "ip:%s", r->remote_addr);
	}
	if (!id || ratelimit_take(r->app->rds, "api", id, MIDDLEWARE_API_WINDOW, &count, &reset) != RATELIMIT_OK)
		return 0;
	when = (time_t)reset;
	gmtime_r(&when, &tm);
	strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%S.000Z", &tm);
	response_header_add(&r->res, "X-RateLimit-Limit", arena_printf(r->arena, "%d", limit));
	response_header_add(&r->res, "X-RateLimit-Remaining", arena_printf(r->arena, "%lld", count < limit ? limit - count : 0));
	response_header_add(&r->res, "X-RateLimit-Reset", arena_strdup(r->arena, iso));
	if (count <= limit)
		return 0;
	response_header_add(&r->res, "Retry-After", arena_printf(r->arena, "%lld", reset - (long long)time(NULL) > 0 ? reset - (long long)time(NULL) : 1));
	r->error_message = "Too many requests";
	return 429;
}

/*
 * What every API request gets (the Mastodon API, the OAuth endpoints,
 * discovery): CORS for browser clients, and no access token in the URL,
 * where logs and Referer headers would keep it; and the rate limit.
 * Auth is by bearer token only, so allowing every origin without
 * credentials exposes nothing the token holder could not already read.
 */
static int middleware_api(struct request *r)
{
	response_header_add(&r->res, "Access-Control-Allow-Origin", "*");
	response_header_add(&r->res, "Access-Control-Expose-Headers",
			    "Link, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, X-Request-Id");
	if (http_kv_get(&r->query, "access_token").ptr) {
		r->error_message = "Access tokens are accepted in the Authorization header only";
		return 401;
	}
	return strcmp(r->method, "OPTIONS") == 0 ? 0 : middleware_api_limit(r);
}

int middleware_before(struct request *r)
{
	int status;

	if (r->is_api && (status = middleware_api(r)))
		return status;
	if (req_is_safe_method(r))
		return 0;
	status = req_read_body(r, (r->route->flags & ROUTE_UPLOAD) != 0);
	if (status)
		return status;
	if (r->route->flags & ROUTE_NO_CSRF)
		return 0;
	return auth_check_csrf(r);
}

/*
 * A 200 to GET or HEAD carries a weak ETag of its body, and a client
 * whose If-None-Match holds it gets 304 without the body: the page is
 * still rendered, but not sent again. Pages for visitors are public:
 * "no-cache" lets browsers keep them and ask again. Anything for a
 * session or a token keeps "no-store" (R37), and answers that set a
 * cookie get neither.
 */
void middleware_after(struct request *r)
{
	char etag[CONDITIONAL_ETAG_SIZE];
	const char *tag;
	bool visitor;

	if (r->res.status != 200 || !r->method || (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) ||
	    !r->res.body.len || response_header_get(&r->res, "Set-Cookie") || response_header_get(&r->res, "ETag"))
		return;
	conditional_etag(r->res.body.ptr, r->res.body.len, etag);
	tag = arena_strdup(r->arena, etag);
	if (!tag || response_header_add(&r->res, "ETag", tag) < 0)
		return;
	visitor = !r->user && !r->session && !req_env(r, "HTTP_AUTHORIZATION") && !http_kv_get(&r->cookies, auth_cookie_name(r)).ptr;
	if (visitor && !response_header_get(&r->res, "Cache-Control"))
		response_header_add(&r->res, "Cache-Control", "no-cache");
	if (conditional_none_match(req_env(r, "HTTP_IF_NONE_MATCH"), etag))
		r->res.status = 304;
}
