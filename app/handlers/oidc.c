/*
 * Logging in with an OpenID Connect provider: the authorization code
 * flow with PKCE (S256), state and nonce.
 *
 *   POST /auth/oidc/:name                 start a login (login and sign-up pages)
 *   POST /settings/logins/:name/link      start linking to the logged-in account
 *   GET  /auth/oidc/callback              the provider sends the browser back here
 *   GET  /auth/oidc/signup, POST          first login: choose a username
 *
 * What a flow needs to finish (provider, nonce, PKCE verifier, the account
 * being linked, where to go next) waits in Redis under the state for ten
 * minutes and is taken out once, so a callback cannot be replayed. The
 * state is bound to the browser that started the flow: the start sets a
 * cookie with a random value whose hash the flow records, and a callback
 * without it is refused (login CSRF). The redirect URI comes from
 * base_url, never from the Host header.
 */
#include "handlers/oidc.h"

#include <hiredis/hiredis.h>
#include <json-c/json.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/conf.h"
#include "handlers/accounts.h"
#include "handlers/form.h"
#include "core/httpc.h"
#include "core/json.h"
#include "http/request.h"
#include "http/url.h"
#include "i18n/i18n.h"
#include "oidc/idtoken.h"
#include "oidc/provider.h"
#include "store/db.h"
#include "store/identities.h"
#include "store/ratelimit.h"
#include "store/rds.h"
#include "store/sessions.h"
#include "store/users.h"
#include "view/page.h"
#include "web/app.h"
#include "web/auth.h"
#include "core/banned.h"

#define OIDC_FLOW_TTL 600     /* seconds a login at the provider may take */
#define OIDC_SIGNUP_TTL 900   /* seconds to choose a username */
#define OIDC_LEEWAY 60        /* seconds of clock difference allowed on exp/iat */
#define OIDC_MAX_TOKEN_ANSWER (64 * 1024)
#define OIDC_BROWSER_COOKIE "bb_oidc"
#define OIDC_SIGNUP_COOKIE "bb_oidc_signup"
#define OIDC_CALLBACK "/auth/oidc/callback"

/* What a started flow remembers until its callback. */
struct oidc_flow {
	const char *provider;
	const char *nonce;
	const char *verifier;
	const char *browser; /* SHA-256 hex of the browser cookie's value */
	unsigned long long link_uid; /* 0: a login */
	const char *next;
};

/* __Host- cookies over https: no subdomain can set or read them. */
static const char *oidc_cookie(const struct request *r, const char *name)
{
	return r->app->conf->secure ? arena_printf(r->arena, "__Host-%s", name) : name;
}

/* A failure page with a way back, and one log line with the reason. */
static int oidc_fail(struct request *r, int status, const char *provider, const char *reason, const char *msgid)
{
	char detail[400];

	snprintf(detail, sizeof(detail), "%s%s%s", provider ? provider : "", provider ? ": " : "", reason);
	auth_event(r, "oidc_failed", r->user ? r->user->id : 0, detail);
	r->error_message = page_t(r, msgid);
	r->error_back = r->user ? "/settings/account" : "/login";
	r->error_back_label = page_t(r, r->user ? N_("Back to settings") : N_("Back to log in"));
	return status;
}

static const char *oidc_random(struct request *r)
{
	char *t = arena_alloc(r->arena, SESS_TOKEN_LEN + 1);

	if (t)
		sess_new_token(t);
	return t;
}

/* BASE64URL(SHA-256(verifier)), RFC 7636 §4.2. */
static const char *oidc_challenge(struct request *r, const char *verifier)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	char *out = arena_alloc(r->arena, sodium_base64_ENCODED_LEN(sizeof(digest),
								      sodium_base64_VARIANT_URLSAFE_NO_PADDING));

	if (!out)
		return NULL;
	crypto_hash_sha256(digest, (const unsigned char *)verifier, strlen(verifier));
	return sodium_bin2base64(out, sodium_base64_ENCODED_LEN(sizeof(digest), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
				 digest, sizeof(digest), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static const char *oidc_hash(struct request *r, const char *value)
{
	char *hex = arena_alloc(r->arena, SESS_HASH_LEN + 1);

	if (hex)
		sess_hash_token(value, hex);
	return hex;
}

static const char *oidc_enc(struct request *r, const char *s)
{
	return url_encode(r->arena, s, strlen(s));
}

/* --- starting a flow */

static int oidc_begin(struct request *r, struct oidc_provider *p, unsigned long long link_uid, const char *next)
{
	const struct conf_oidc *pc = p->conf;
	const char *state = oidc_random(r), *nonce = oidc_random(r), *verifier = oidc_random(r);
	const char *browser = oidc_random(r), *challenge, *url;
	struct json_object *flow;
	redisReply *reply;
	bool ok;

	if (!state || !nonce || !verifier || !browser || !(challenge = oidc_challenge(r, verifier)))
		return 500;
	if (oidc_provider_ready(p, (long long)time(NULL)) < 0)
		return oidc_fail(r, 503, pc->name, p->error,
				 N_("The identity provider cannot be reached right now. Please try again in a few minutes."));
	flow = json_object_new_object();
	json_object_object_add(flow, "p", json_object_new_string(pc->name));
	json_object_object_add(flow, "n", json_object_new_string(nonce));
	json_object_object_add(flow, "v", json_object_new_string(verifier));
	json_object_object_add(flow, "b", json_object_new_string(oidc_hash(r, browser)));
	json_object_object_add(flow, "u", json_object_new_int64((int64_t)link_uid));
	json_object_object_add(flow, "next", json_object_new_string(next));
	reply = rds_cmd(r->app->rds, "SET oidc:flow:%s %s EX %d", state,
			json_object_to_json_string_ext(flow, JSON_C_TO_STRING_PLAIN), OIDC_FLOW_TTL);
	json_object_put(flow);
	ok = reply && reply->type == REDIS_REPLY_STATUS;
	freeReplyObject(reply);
	if (!ok)
		return 503;
	auth_set_cookie(r, oidc_cookie(r, OIDC_BROWSER_COOKIE), browser, OIDC_FLOW_TTL);
	url = arena_printf(r->arena,
			   "%s%cresponse_type=code&client_id=%s&redirect_uri=%s&scope=%s&state=%s&nonce=%s"
			   "&code_challenge=%s&code_challenge_method=S256",
			   p->authorization_endpoint, strchr(p->authorization_endpoint, '?') ? '&' : '?',
			   oidc_enc(r, pc->client_id),
			   oidc_enc(r, arena_printf(r->arena, "%s%s", r->app->conf->base_url, OIDC_CALLBACK)),
			   oidc_enc(r, pc->scopes), state, nonce, challenge);
	if (!url)
		return 500;
	auth_event(r, link_uid ? "oidc_link_started" : "oidc_started", link_uid, pc->name);
	response_header_add(&r->res, "Location", url);
	return 303;
}

static struct oidc_provider *oidc_provider_of(struct request *r)
{
	struct str name = req_param(r, "name");

	return oidc_find(r->app->oidc, arena_strndup(r->arena, name.ptr, name.len));
}

int oidc_start(struct request *r)
{
	struct oidc_provider *p = oidc_provider_of(r);
	struct str next = req_value(r, "next");

	if (!p)
		return 404;
	if (r->user) {
		response_header_add(&r->res, "Location", arena_printf(r->arena, "%s/", r->app->conf->base_url));
		return 303;
	}
	return oidc_begin(r, p, 0, url_is_local_path(next) ? arena_strndup(r->arena, next.ptr, next.len) : "/");
}

int oidc_link_start(struct request *r)
{
	struct oidc_provider *p;
	int rc = auth_require(r);

	if (rc)
		return rc;
	p = oidc_provider_of(r);
	return p ? oidc_begin(r, p, r->user->id, "/settings/account") : 404;
}

/* --- the callback */

/* Take the flow named by state out of Redis (once) and check it belongs
 * to this browser; 0, or an HTTP status after oidc_fail. */
static int oidc_take_flow(struct request *r, struct oidc_flow *flow, struct json_object **holder)
{
	struct str state = http_kv_get(&r->query, "state");
	struct str cookie = http_kv_get(&r->cookies, oidc_cookie(r, OIDC_BROWSER_COOKIE));
	const char *expired = N_("This login took too long or was started in another browser. Please start again.");
	struct json_object *o, *u;
	redisReply *reply;
	const char *browser;

	if (!state.ptr || state.len != SESS_TOKEN_LEN)
		return oidc_fail(r, 400, NULL, "missing or malformed state", expired);
	reply = rds_cmd(r->app->rds, "GETDEL oidc:flow:%b", state.ptr, state.len);
	if (!reply)
		return 503;
	o = reply->type == REDIS_REPLY_STRING ? json_tokener_parse(reply->str) : NULL;
	freeReplyObject(reply);
	if (!o)
		return oidc_fail(r, 400, NULL, "unknown, used or expired state", expired);
	*holder = o;
	flow->provider = json_str(o, "p");
	flow->nonce = json_str(o, "n");
	flow->verifier = json_str(o, "v");
	flow->browser = json_str(o, "b");
	flow->next = json_str(o, "next");
	flow->link_uid = json_object_object_get_ex(o, "u", &u) ? (unsigned long long)json_object_get_int64(u) : 0;
	if (!flow->provider || !flow->nonce || !flow->verifier || !flow->browser || !flow->next)
		return oidc_fail(r, 400, NULL, "incomplete flow", expired);
	if (!cookie.ptr || cookie.len != SESS_TOKEN_LEN)
		return oidc_fail(r, 400, flow->provider, "state mismatch: no browser cookie", expired);
	browser = oidc_hash(r, arena_strndup(r->arena, cookie.ptr, cookie.len));
	if (!browser || sodium_memcmp(browser, flow->browser, SESS_HASH_LEN) != 0)
		return oidc_fail(r, 400, flow->provider, "state mismatch: another browser's flow", expired);
	return 0;
}

/* POST the code to the token endpoint; the id_token (and the access
 * token in *access), or NULL after oidc_fail with the status in *status. */
static const char *oidc_exchange(struct request *r, struct oidc_provider *p, const struct oidc_flow *flow,
				 const char *code, const char **access, int *status)
{
	const struct conf_oidc *pc = p->conf;
	const char *body = arena_printf(r->arena,
		"grant_type=authorization_code&code=%s&redirect_uri=%s&code_verifier=%s",
		oidc_enc(r, code), oidc_enc(r, arena_printf(r->arena, "%s%s", r->app->conf->base_url, OIDC_CALLBACK)),
		oidc_enc(r, flow->verifier));
	struct httpc_request call = { .method = "POST", .content_type = "application/x-www-form-urlencoded",
				      .timeout_ms = OIDC_TIMEOUT_MS, .max_response = OIDC_MAX_TOKEN_ANSWER };
	struct httpc_response a = { 0, BUF_INIT, 0 };
	struct buf err = BUF_INIT;
	struct json_object *o;
	const char *token = NULL, *error = NULL;
	int rc;

	if (p->secret_post)
		body = arena_printf(r->arena, "%s&client_id=%s&client_secret=%s", body, oidc_enc(r, pc->client_id),
				    oidc_enc(r, pc->client_secret));
	else {
		/* RFC 6749 §2.3.1: the credentials are form-encoded before Basic. */
		call.user = oidc_enc(r, pc->client_id);
		call.password = oidc_enc(r, pc->client_secret);
	}
	call.url = p->token_endpoint;
	call.body = body;
	call.body_len = body ? strlen(body) : 0;
	rc = httpc_fetch(&call, &a, &err);
	if (rc != HTTPC_OK && rc != HTTPC_EANSWER && rc != HTTPC_EDOWN) {
		*status = oidc_fail(r, 503, pc->name, arena_printf(r->arena, "token endpoint: %s", err.ptr ? err.ptr : ""),
				    N_("The identity provider cannot be reached right now. Please try again in a few minutes."));
		buf_release(&err);
		buf_release(&a.body);
		return NULL;
	}
	buf_release(&err);
	o = a.body.ptr ? json_tokener_parse(a.body.ptr) : NULL;
	if (o) {
		token = json_str(o, "id_token");
		error = json_str(o, "error");
		*access = json_str(o, "access_token");
		*access = *access ? arena_strndup(r->arena, *access, strnlen(*access, 4096)) : NULL;
		token = token ? arena_strndup(r->arena, token, strlen(token)) : NULL;
		error = error ? arena_printf(r->arena, "%.100s", error) : NULL;
		json_object_put(o);
	}
	buf_release(&a.body);
	if (a.status >= 500 || a.status == 0)
		*status = oidc_fail(r, 503, pc->name, arena_printf(r->arena, "token endpoint answered HTTP %ld", a.status),
				    N_("The identity provider cannot be reached right now. Please try again in a few minutes."));
	else if (a.status != 200 || !token)
		*status = oidc_fail(r, 400, pc->name,
				    arena_printf(r->arena, "token endpoint answered HTTP %ld%s%s", a.status,
						 error ? " error=" : "", error ? error : (a.status == 200 ? " without id_token" : "")),
				    N_("The identity provider did not confirm this login (the code may have expired). Please try again."));
	return *status ? NULL : token;
}

static int oidc_verify(struct request *r, struct oidc_provider *p, const struct oidc_flow *flow, const char *token,
		       struct idtoken_claims *claims)
{
	struct idtoken_expect want = { p->conf->issuer, p->conf->client_id, flow->nonce, (long long)time(NULL),
				       OIDC_LEEWAY };
	enum idtoken_status s = idtoken_verify(token, &p->keys, &want, claims);

	/* A key we have not seen: the provider may have rotated its keys. */
	if (s == IDTOKEN_UNKNOWN_KEY && oidc_provider_refresh_keys(p, want.now) == 0)
		s = idtoken_verify(token, &p->keys, &want, claims);
	if (s == IDTOKEN_OK)
		return 0;
	return oidc_fail(r, 400, p->conf->name, arena_printf(r->arena, "id_token refused: %s", idtoken_reason(s)),
			 N_("The identity provider's answer could not be verified, so you were not logged in."));
}

/*
 * Providers that follow the specification to the letter put the profile
 * claims of the code flow in the userinfo answer, not the id_token. They
 * only prefill the username page, so a failure here changes nothing; a
 * sub that is not the id_token's is ignored (OpenID Connect Core §5.3.2).
 */
static void oidc_userinfo(struct request *r, struct oidc_provider *p, const char *access,
			  struct idtoken_claims *c)
{
	struct httpc_request call = { .method = "GET", .url = p->userinfo_endpoint, .bearer = access,
				      .timeout_ms = OIDC_TIMEOUT_MS, .max_response = OIDC_MAX_TOKEN_ANSWER };
	struct httpc_response a = { 0, BUF_INIT, 0 };
	struct buf err = BUF_INIT;
	struct json_object *o = NULL;
	const char *v;

	if (c->preferred_username[0] || !p->userinfo_endpoint || !access)
		return;
	if (httpc_fetch(&call, &a, &err) == HTTPC_OK && a.body.ptr)
		o = json_tokener_parse(a.body.ptr);
	else
		auth_event(r, "oidc_userinfo_failed", 0, err.ptr ? err.ptr : "");
	buf_release(&err);
	buf_release(&a.body);
	if (o && (v = json_str(o, "sub")) && strcmp(v, c->sub) == 0) {
		if ((v = json_str(o, "preferred_username")))
			snprintf(c->preferred_username, sizeof(c->preferred_username), "%s", v);
		if ((v = json_str(o, "name")) && !c->name[0])
			snprintf(c->name, sizeof(c->name), "%s", v);
	}
	json_object_put(o);
}

static int oidc_redirect(struct request *r, const char *path)
{
	response_header_add(&r->res, "Location", arena_printf(r->arena, "%s%s", r->app->conf->base_url, path));
	return 303;
}

/* The identity belongs to an account: log in to it. */
static int oidc_login(struct request *r, struct oidc_provider *p, const char *sub, unsigned long long uid,
		      const char *next)
{
	struct user *u = arena_alloc(r->arena, sizeof(*u));
	int rc;

	if (!u || users_find_by_id(r->app->db, r->arena, uid, u) != DB_OK)
		return 503;
	rc = auth_login(r, u, false);
	if (rc)
		return rc;
	identities_touch(r->app->db, p->conf->issuer, sub);
	auth_event(r, "login", u->id, arena_printf(r->arena, "oidc:%s", p->conf->name));
	return oidc_redirect(r, next);
}

static int oidc_link(struct request *r, struct oidc_provider *p, const char *sub, unsigned long long owner)
{
	struct identity *ids;
	size_t n = 0;
	int rc;

	if (owner == r->user->id)
		return oidc_redirect(r, "/settings/account?done=linked");
	if (owner)
		return oidc_fail(r, 409, p->conf->name, "identity belongs to another account",
				 N_("This account at the identity provider is already linked to another BeauBelle account."));
	if (identities_of_user(r->app->db, r->arena, r->user->id, &ids, &n) != DB_OK)
		return 503;
	for (size_t i = 0; i < n; i++)
		if (strcmp(ids[i].provider, p->conf->name) == 0)
			return oidc_fail(r, 409, p->conf->name, "another identity of this provider is linked",
					 N_("Another account at this provider is linked already. Unlink it first."));
	rc = identities_link(r->app->db, r->user->id, p->conf->name, p->conf->issuer, sub);
	if (rc == DB_DUPLICATE)
		return oidc_fail(r, 409, p->conf->name, "identity belongs to another account",
				 N_("This account at the identity provider is already linked to another BeauBelle account."));
	if (rc != DB_OK)
		return 503;
	auth_event(r, "oidc_linked", r->user->id, p->conf->name);
	return oidc_redirect(r, "/settings/account?done=linked");
}

/* A first login: keep who the provider vouched for while the person
 * chooses a username. */
static int oidc_pending(struct request *r, struct oidc_provider *p, const struct idtoken_claims *c, const char *next)
{
	const char *token = oidc_random(r);
	struct json_object *o;
	redisReply *reply;
	bool ok;

	if (!token)
		return 500;
	o = json_object_new_object();
	json_object_object_add(o, "p", json_object_new_string(p->conf->name));
	json_object_object_add(o, "iss", json_object_new_string(p->conf->issuer));
	json_object_object_add(o, "sub", json_object_new_string(c->sub));
	json_object_object_add(o, "username", json_object_new_string(c->preferred_username));
	json_object_object_add(o, "name", json_object_new_string(c->name));
	json_object_object_add(o, "next", json_object_new_string(next));
	reply = rds_cmd(r->app->rds, "SET oidc:signup:%s %s EX %d", oidc_hash(r, token),
			json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), OIDC_SIGNUP_TTL);
	json_object_put(o);
	ok = reply && reply->type == REDIS_REPLY_STATUS;
	freeReplyObject(reply);
	if (!ok)
		return 503;
	auth_set_cookie(r, oidc_cookie(r, OIDC_SIGNUP_COOKIE), token, OIDC_SIGNUP_TTL);
	auth_event(r, "oidc_new_identity", 0, p->conf->name);
	return oidc_redirect(r, "/auth/oidc/signup");
}

int oidc_callback(struct request *r)
{
	struct str code = http_kv_get(&r->query, "code"), error = http_kv_get(&r->query, "error");
	struct str iss = http_kv_get(&r->query, "iss");
	struct idtoken_claims *claims = arena_alloc(r->arena, sizeof(*claims));
	struct json_object *holder = NULL;
	struct oidc_provider *p;
	struct oidc_flow flow = { 0 };
	unsigned long long owner = 0;
	const char *token, *access = NULL;
	int status = 0, rc;

	if (!claims)
		return 500;
	/* The browser cookie has done its work, whatever happens next. */
	auth_set_cookie(r, oidc_cookie(r, OIDC_BROWSER_COOKIE), "", -1);
	status = oidc_take_flow(r, &flow, &holder);
	if (status)
		goto done;
	p = oidc_find(r->app->oidc, flow.provider);
	if (!p || !p->ready) {
		status = oidc_fail(r, 503, flow.provider, "provider gone or not discovered",
				   N_("The identity provider cannot be reached right now. Please try again in a few minutes."));
		goto done;
	}
	if (flow.link_uid && (!r->user || r->user->id != flow.link_uid)) {
		status = oidc_fail(r, 400, flow.provider, "link started by another session",
				   N_("This login took too long or was started in another browser. Please start again."));
		goto done;
	}
	if (error.ptr) {
		status = oidc_fail(r, 400, flow.provider,
				   arena_printf(r->arena, "provider error=%.*s", (int)(error.len > 100 ? 100 : error.len), error.ptr),
				   N_("The identity provider did not log you in. You can try again or use another way to log in."));
		goto done;
	}
	/* RFC 9207: the answer must come from the provider we sent the person to. */
	if (iss.ptr && !str_eq_c(iss, p->conf->issuer)) {
		status = oidc_fail(r, 400, flow.provider, "iss parameter of another issuer",
				   N_("The identity provider's answer could not be verified, so you were not logged in."));
		goto done;
	}
	if (!code.ptr || code.len == 0 || code.len > 2048) {
		status = oidc_fail(r, 400, flow.provider, "no code",
				   N_("The identity provider did not log you in. You can try again or use another way to log in."));
		goto done;
	}
	token = oidc_exchange(r, p, &flow, arena_strndup(r->arena, code.ptr, code.len), &access, &status);
	if (!token || (status = oidc_verify(r, p, &flow, token, claims)))
		goto done;
	rc = identities_find(r->app->db, p->conf->issuer, claims->sub, &owner);
	if (rc != DB_OK && rc != IDENTITIES_NOT_FOUND) {
		status = 503;
		goto done;
	}
	if (flow.link_uid)
		status = oidc_link(r, p, claims->sub, owner);
	else if (owner)
		status = oidc_login(r, p, claims->sub, owner, flow.next);
	else {
		oidc_userinfo(r, p, access, claims);
		status = oidc_pending(r, p, claims, flow.next);
	}
done:
	json_object_put(holder);
	return status;
}

/* --- the first login's username */

/* The pending sign-up of this browser, or NULL. */
static struct json_object *oidc_pending_get(struct request *r, const char **key)
{
	struct str cookie = http_kv_get(&r->cookies, oidc_cookie(r, OIDC_SIGNUP_COOKIE));
	struct json_object *o;
	redisReply *reply;

	if (!cookie.ptr || cookie.len != SESS_TOKEN_LEN)
		return NULL;
	*key = arena_printf(r->arena, "oidc:signup:%s", oidc_hash(r, arena_strndup(r->arena, cookie.ptr, cookie.len)));
	reply = rds_cmd(r->app->rds, "GET %s", *key);
	o = reply && reply->type == REDIS_REPLY_STRING ? json_tokener_parse(reply->str) : NULL;
	freeReplyObject(reply);
	if (o && (!json_str(o, "p") || !json_str(o, "iss") || !json_str(o, "sub"))) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

static int oidc_signup_expired(struct request *r)
{
	return oidc_fail(r, 400, NULL, "no pending sign-up",
			 N_("This sign-up took too long or was started in another browser. Please log in again."));
}

/* The provider's preferred_username when it can be used and is free. */
static const char *oidc_suggest(struct request *r, const char *wanted)
{
	struct user u;

	if (!wanted || accounts_username_problem(wanted))
		return "";
	if (users_find_by_username(r->app->db, r->arena, wanted, &u) != USERS_NOT_FOUND)
		return "";
	return wanted;
}

static int oidc_render_signup(struct request *r, int status, struct json_object *pending, struct form *f)
{
	struct json_object *m = page_model(r, page_t(r, N_("Choose your username")));
	struct oidc_provider *p = oidc_find(r->app->oidc, json_str(pending, "p"));

	json_object_object_add(m, "csrf_token", json_object_new_string(auth_csrf_token(r)));
	json_object_object_add(m, "provider", json_object_new_string(p ? p->conf->display_name : ""));
	if (f) {
		form_to_model(f, m);
	} else {
		struct json_object *form = json_object_new_object();
		const char *name = json_str(pending, "name");

		json_object_object_add(form, "username",
				       json_object_new_string(oidc_suggest(r, json_str(pending, "username"))));
		json_object_object_add(form, "display_name", json_object_new_string(name ? name : ""));
		json_object_object_add(m, "form", form);
	}
	return page_render(r, status, "pages/oidc-signup", m);
}

int oidc_signup_form(struct request *r)
{
	const char *key;
	struct json_object *pending;
	int status;

	if (r->user)
		return oidc_redirect(r, "/");
	pending = oidc_pending_get(r, &key);
	if (!pending)
		return oidc_signup_expired(r);
	status = oidc_render_signup(r, 200, pending, NULL);
	json_object_put(pending);
	return status;
}

/* Create the account and its identity together, or neither. */
static int oidc_create(struct request *r, struct json_object *pending, const char *username,
		       const char *display_name, struct form *f, unsigned long long *id)
{
	const char *taken = NULL;
	int rc;

	if (db_begin(r->app->db) != DB_OK)
		return 503;
	rc = users_create(r->app->db, username, NULL, NULL, id, &taken);
	if (rc == DB_OK && display_name[0])
		rc = users_update_profile(r->app->db, *id, display_name, "");
	if (rc == DB_OK)
		rc = identities_link(r->app->db, *id, json_str(pending, "p"), json_str(pending, "iss"),
				     json_str(pending, "sub"));
	if (rc == DB_OK && db_commit(r->app->db) == DB_OK)
		return 0;
	db_rollback(r->app->db);
	if (rc == DB_DUPLICATE && taken && strcmp(taken, "username") == 0) {
		form_fail(f, "username", N_("This username is taken."));
		return 422;
	}
	if (rc == DB_DUPLICATE)
		return oidc_fail(r, 409, json_str(pending, "p"), "identity linked meanwhile",
				 N_("This account at the identity provider is already linked to another BeauBelle account."));
	return 503;
}

int oidc_signup(struct request *r)
{
	const struct conf *c = r->app->conf;
	struct json_object *pending;
	struct user *u = arena_alloc(r->arena, sizeof(*u));
	const char *key, *username, *display_name, *msg, *next;
	unsigned long long id = 0;
	struct form f;
	redisReply *reply;
	int retry = 0, rc;

	if (!u)
		return 500;
	if (r->user)
		return oidc_redirect(r, "/");
	pending = oidc_pending_get(r, &key);
	if (!pending)
		return oidc_signup_expired(r);
	rc = ratelimit_hit(r->app->rds, "signup_ip", r->remote_addr, c->signup_ip_limit, c->signup_ip_window, &retry);
	if (rc != RATELIMIT_OK) {
		json_object_put(pending);
		if (rc == RATELIMIT_UNAVAILABLE)
			return 503;
		response_header_add(&r->res, "Retry-After", arena_printf(r->arena, "%d", retry));
		return 429;
	}
	form_init(&f, r);
	username = form_text(&f, "username", 30, false);
	display_name = form_text(&f, "display_name", 60, false);
	form_keep(&f, "username", username);
	form_keep(&f, "display_name", display_name);
	if ((msg = accounts_username_problem(username)))
		form_fail(&f, "username", msg);
	rc = f.failed ? 422 : oidc_create(r, pending, username, display_name, &f, &id);
	if (rc == 422) {
		rc = oidc_render_signup(r, 422, pending, &f);
		json_object_put(pending);
		return rc;
	}
	next = json_str(pending, "next");
	next = next && url_is_local_path(str_from(next)) ? arena_strndup(r->arena, next, strlen(next)) : "/";
	json_object_put(pending);
	if (rc)
		return rc;
	reply = rds_cmd(r->app->rds, "DEL %s", key);
	freeReplyObject(reply);
	auth_set_cookie(r, oidc_cookie(r, OIDC_SIGNUP_COOKIE), "", -1);
	if (users_find_by_id(r->app->db, r->arena, id, u) != DB_OK)
		return 503;
	auth_event(r, "signup", id, "oidc");
	rc = auth_login(r, u, false);
	return rc ? rc : oidc_redirect(r, next);
}

/* --- what pages show */

/* The scheme, host and port of url, in the arena. */
static const char *oidc_origin(struct request *r, const char *url)
{
	const char *host = strstr(url, "://");

	if (!host)
		return NULL;
	host += 3;
	return arena_strndup(r->arena, url, (size_t)(host - url) + strcspn(host, "/?#"));
}

/* Pages with the providers' buttons let their forms lead to the
 * providers (the buttons' POST answers with a redirect there). */
static void oidc_allow_forms(struct request *r)
{
	struct oidc_set *s = r->app->oidc;
	struct buf sources = BUF_INIT;
	const char *csp;

	for (int i = 0; s && i < s->n; i++) {
		const struct oidc_provider *p = &s->providers[i];
		const char *origin = oidc_origin(r, p->ready ? p->authorization_endpoint : p->conf->issuer);

		if (origin)
			buf_printf(&sources, "%s%s", sources.len ? " " : "", origin);
	}
	if (sources.len && (csp = response_csp_with_form_targets(r->arena, sources.ptr)))
		response_header_add(&r->res, "Content-Security-Policy", csp);
	buf_release(&sources);
}

void oidc_model_providers(struct request *r, struct json_object *m)
{
	struct oidc_set *s = r->app->oidc;
	struct json_object *list = json_object_new_array();

	for (int i = 0; s && i < s->n; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_object_new_string(s->providers[i].conf->name));
		json_object_object_add(o, "display_name", json_object_new_string(s->providers[i].conf->display_name));
		json_object_array_add(list, o);
	}
	json_object_object_add(m, "has_providers", json_object_new_boolean(s && s->n > 0));
	json_object_object_add(m, "providers", list);
	oidc_allow_forms(r);
}

int oidc_model_logins(struct request *r, struct json_object *m)
{
	struct oidc_set *s = r->app->oidc;
	struct json_object *list = json_object_new_array();
	struct identity *ids;
	size_t n = 0;

	if (identities_of_user(r->app->db, r->arena, r->user->id, &ids, &n) != DB_OK) {
		json_object_put(list);
		return -1;
	}
	for (int i = 0; s && i < s->n; i++) {
		struct json_object *o = json_object_new_object();
		const struct identity *linked = NULL;

		for (size_t j = 0; j < n; j++)
			if (strcmp(ids[j].provider, s->providers[i].conf->name) == 0)
				linked = &ids[j];
		json_object_object_add(o, "name", json_object_new_string(s->providers[i].conf->name));
		json_object_object_add(o, "display_name", json_object_new_string(s->providers[i].conf->display_name));
		json_object_object_add(o, "linked", json_object_new_boolean(linked != NULL));
		if (linked)
			json_object_object_add(o, "since", json_object_new_string(linked->created_at));
		json_object_array_add(list, o);
	}
	json_object_object_add(m, "has_providers", json_object_new_boolean(s && s->n > 0));
	json_object_object_add(m, "logins", list);
	json_object_object_add(m, "can_unlink", json_object_new_boolean(r->user->password_hash != NULL || n > 1));
	oidc_allow_forms(r);
	return 0;
}
