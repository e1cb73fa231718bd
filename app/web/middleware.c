#include "web/middleware.h"

#include <string.h>

#include "core/arena.h"
#include "core/conf.h"
#include "http/request.h"
#include "i18n/i18n.h"
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
		response_header_add(&r->res, "Set-Cookie",
				    arena_printf(r->arena, "lang=%s; Path=/; Max-Age=31536000; SameSite=Lax%s",
						 chosen, c->secure ? "; Secure" : ""));
		r->lang = chosen;
		return;
	}
	chosen = middleware_lang_choice(http_kv_get(&r->cookies, "lang"));
	if (!chosen && r->user && r->user->language)
		chosen = middleware_lang_choice(str_from(r->user->language));
	r->lang = i18n_negotiate(req_env(r, "HTTP_ACCEPT_LANGUAGE"), chosen, c->default_language);
}

/*
 * What every API request gets (the Mastodon API, the OAuth endpoints,
 * discovery): CORS for browser clients, and no access token in the URL,
 * where logs and Referer headers would keep it. Auth is by bearer token
 * only, so allowing every origin without credentials exposes nothing
 * the token holder could not already read.
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
	return 0;
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
