#include "api/oauth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/api.h"
#include "api/scopes.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/conf.h"
#include "http/request.h"
#include "http/url.h"
#include "i18n/i18n.h"
#include "store/oauth.h"
#include "store/users.h"
#include "view/page.h"
#include "web/app.h"
#include "web/auth.h"
#include "core/banned.h"

#define OAUTH_OOB "urn:ietf:wg:oauth:2.0:oob"
#define OAUTH_MAX_URIS 8
#define OAUTH_URI_MAX 500
#define OAUTH_URIS_MAX 2000 /* the column */
#define OAUTH_NAME_MAX 100  /* characters */
#define OAUTH_WEBSITE_MAX 500

/* ---- redirect URIs ---- */

/*
 * A redirect URI a client may register: the out-of-band URN, or an
 * absolute URI (a scheme, then anything printable) without a fragment.
 * Schemes that would run code in the browser are refused, since the
 * consent page sends the browser there.
 */
static bool oauth_redirect_valid(struct str u)
{
	static const char *const refused[] = { "javascript:", "data:", "vbscript:", "file:" };
	size_t i = 0;

	if (str_eq_c(u, OAUTH_OOB))
		return true;
	if (u.len == 0 || u.len > OAUTH_URI_MAX)
		return false;
	if (!((u.ptr[0] | 32) >= 'a' && (u.ptr[0] | 32) <= 'z'))
		return false;
	while (i < u.len && (((u.ptr[i] | 32) >= 'a' && (u.ptr[i] | 32) <= 'z') || (u.ptr[i] >= '0' && u.ptr[i] <= '9') ||
			     u.ptr[i] == '+' || u.ptr[i] == '-' || u.ptr[i] == '.'))
		i++;
	if (i == u.len || u.ptr[i] != ':' || i + 1 == u.len)
		return false;
	for (size_t k = 0; k < sizeof(refused) / sizeof(refused[0]); k++)
		if (u.len >= strlen(refused[k]) && strncasecmp(u.ptr, refused[k], strlen(refused[k])) == 0)
			return false;
	for (i = 0; i < u.len; i++) {
		unsigned char c = (unsigned char)u.ptr[i];

		if (c <= 0x20 || c == 0x7f || c == '#' || c == '"' || c == '<' || c == '>' || c == '\\')
			return false;
	}
	return true;
}

/* Whether uri is one of the app's registered URIs (one per line). */
static bool oauth_redirect_registered(const char *list, const char *uri)
{
	size_t n = strlen(uri);

	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && memcmp(p, uri, n) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

/* A JSON array of the lines (or space-separated words) of s. */
static struct json_object *oauth_split(const char *s, char sep)
{
	struct json_object *arr = json_object_new_array();

	for (const char *p = s; p && *p;) {
		const char *end = strchr(p, sep);
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len)
			json_object_array_add(arr, json_object_new_string_len(p, (int)len));
		p = end ? end + 1 : NULL;
	}
	return arr;
}

/*
 * The redirect URIs of a registration, one per line in *out: a JSON
 * array, repeated redirect_uris[] fields, or one string holding several
 * separated by white space (as Mastodon accepts). 0, or -1 when one is
 * not an absolute URI or there are none or too many.
 */
static int oauth_collect_uris(struct request *r, char **out)
{
	struct str values[OAUTH_MAX_URIS];
	size_t n = api_params(r, "redirect_uris", values, OAUTH_MAX_URIS), count = 0;
	struct buf b = BUF_INIT;
	int rc = 0;

	if (n == 0) {
		values[0] = api_param(r, "redirect_uri");
		n = values[0].ptr ? 1 : 0;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *p = values[i].ptr, *end = p + values[i].len;

		while (p < end && rc == 0) {
			const char *start;

			while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
				p++;
			start = p;
			while (p < end && !(*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
				p++;
			if (p == start)
				continue;
			if (!oauth_redirect_valid((struct str){ start, (size_t)(p - start) }) || ++count > OAUTH_MAX_URIS)
				rc = -1;
			else if ((b.len && buf_putc(&b, '\n') < 0) || buf_append(&b, start, (size_t)(p - start)) < 0)
				rc = -1;
		}
	}
	if (rc == 0 && (count == 0 || b.len > OAUTH_URIS_MAX))
		rc = -1;
	if (rc == 0)
		*out = arena_strndup(r->arena, b.ptr, b.len);
	buf_release(&b);
	return rc;
}

static bool oauth_is_http_url(const char *s)
{
	return s && (strncasecmp(s, "https://", 8) == 0 || strncasecmp(s, "http://", 7) == 0);
}

/* ---- app registration ---- */

/* The Application entity; with the credentials when secret is given. */
static struct json_object *oauth_app_json(unsigned long long id, const char *name, const char *website,
					  const char *scopes, const char *uris, const char *client_id,
					  const char *secret)
{
	struct json_object *o = json_object_new_object();
	char idbuf[24];

	snprintf(idbuf, sizeof(idbuf), "%llu", id);
	json_object_object_add(o, "id", json_object_new_string(idbuf));
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "website", website ? json_object_new_string(website) : NULL);
	json_object_object_add(o, "scopes", oauth_split(scopes, ' '));
	/* Deprecated but still read (megalodon's toAppData). */
	json_object_object_add(o, "redirect_uri", json_object_new_string(uris));
	json_object_object_add(o, "redirect_uris", oauth_split(uris, '\n'));
	if (client_id)
		json_object_object_add(o, "client_id", json_object_new_string(client_id));
	if (secret) {
		json_object_object_add(o, "client_secret", json_object_new_string(secret));
		json_object_object_add(o, "client_secret_expires_at", json_object_new_int(0));
	}
	return o;
}

int api_oauth_apps_create(struct request *r)
{
	char client_id[OAUTH_SECRET_LEN + 1], secret[OAUTH_SECRET_LEN + 1], secret_hash[OAUTH_HASH_LEN + 1];
	const char *name = api_text(r, "client_name"), *website = api_text(r, "website");
	struct str scope_param = api_param(r, "scopes");
	struct oauth_app app;
	unsigned long long id = 0;
	char *uris = NULL, *scopes;
	int rc;

	if (!name[0])
		return api_error(r, 422, "Validation failed: Application name can't be blank");
	if (str_utf8_len(name, strlen(name)) > OAUTH_NAME_MAX)
		return api_error(r, 422, "Validation failed: Application name is too long (maximum is 100 characters)");
	if (oauth_collect_uris(r, &uris) < 0)
		return api_error(r, 422, "Validation failed: Redirect URI must be an absolute URI.");
	if (website[0] && (!oauth_is_http_url(website) || strlen(website) > OAUTH_WEBSITE_MAX))
		return api_error(r, 422, "Validation failed: Website must be an http or https URL");
	scopes = api_scopes_parse(r->arena, scope_param.ptr, scope_param.len, "read");
	if (!scopes)
		return api_error(r, 422, "Validation failed: Scopes are not valid");
	oauth_new_secret(client_id);
	oauth_new_secret(secret);
	oauth_hash(secret, strlen(secret), secret_hash);
	memset(&app, 0, sizeof(app));
	app.client_id = client_id;
	app.secret_hash = secret_hash;
	app.name = (char *)name;
	app.website = website[0] ? (char *)website : NULL;
	app.redirect_uris = uris;
	app.scopes = scopes;
	rc = oauth_app_create(r->app->db, &app, &id);
	if (rc != DB_OK)
		return 503;
	response_header_add(&r->res, "Cache-Control", "no-store");
	rc = api_json(r, 200, oauth_app_json(id, name, app.website, scopes, uris, client_id, secret));
	sodium_memzero(secret, sizeof(secret));
	return rc;
}

int api_oauth_apps_verify(struct request *r)
{
	const struct oauth_token *t;
	int rc = api_auth(r, NULL, API_TOKEN);

	if (rc)
		return rc;
	t = api_token(r);
	return api_json(r, 200, oauth_app_json(t->app_id, t->app_name, t->app_website, t->app_scopes,
					       t->app_redirect_uris, NULL, NULL));
}

/* ---- the consent page ---- */

/* What an authorization request asks for, once checked. */
struct oauth_authz {
	struct oauth_app app;
	const char *redirect_uri;
	const char *scopes;
	const char *state;     /* "" when none */
	const char *challenge; /* NULL without PKCE */
	const char *error;     /* an OAuth error code to send back, or NULL */
};

/* A PKCE challenge or verifier: 43 to 128 characters of [A-Za-z0-9-._~]. */
static bool oauth_pkce_token_valid(const char *s)
{
	size_t n = strlen(s);

	if (n < 43 || n > 128)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(((s[i] | 32) >= 'a' && (s[i] | 32) <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		      s[i] == '.' || s[i] == '_' || s[i] == '~'))
			return false;
	return true;
}

/*
 * Check an authorization request (query of the GET, fields of the
 * POST). Returns a status when the client cannot be trusted with a
 * redirect (unknown client_id, unregistered redirect_uri): the error
 * page then says so. Otherwise 0, with z->error set to the OAuth error
 * to send back to the client when something else is wrong.
 */
static int oauth_authz_load(struct request *r, struct oauth_authz *z)
{
	const char *client_id = api_text(r, "client_id"), *redirect = api_text(r, "redirect_uri");
	const char *challenge = api_text(r, "code_challenge"), *method = api_text(r, "code_challenge_method");
	struct str scope = api_param(r, "scope");
	int rc;

	memset(z, 0, sizeof(*z));
	rc = client_id[0] && strlen(client_id) <= OAUTH_SECRET_LEN
		     ? oauth_app_find(r->app->db, r->arena, client_id, &z->app)
		     : OAUTH_NOT_FOUND;
	if (rc != DB_OK && rc != OAUTH_NOT_FOUND)
		return 503;
	if (rc == DB_OK && !redirect[0] && !strchr(z->app.redirect_uris, '\n'))
		redirect = z->app.redirect_uris; /* the only one registered */
	if (rc == OAUTH_NOT_FOUND || !oauth_redirect_registered(z->app.redirect_uris, redirect)) {
		r->error_message = page_t(r, N_("This app is not registered here, or it asked to return to an address it did not register."));
		return 400;
	}
	z->redirect_uri = redirect;
	z->state = api_text(r, "state");
	if (strcmp(api_text(r, "response_type"), "code") != 0) {
		z->error = "unsupported_response_type";
		return 0;
	}
	z->scopes = api_scopes_parse(r->arena, scope.ptr, scope.len, "read");
	if (!z->scopes || !api_scopes_subset(z->scopes, z->app.scopes)) {
		z->error = "invalid_scope";
		return 0;
	}
	if (challenge[0] || method[0]) {
		/* Only S256: "plain" would hand the secret over in the clear. */
		if (strcmp(method, "S256") != 0 || !oauth_pkce_token_valid(challenge)) {
			z->error = "invalid_request";
			return 0;
		}
		z->challenge = challenge;
	}
	return 0;
}

/* Send the browser back to the client: 302 to its redirect URI with
 * params (already encoded) and the state. */
static int oauth_authz_return(struct request *r, const struct oauth_authz *z, const char *params)
{
	const char *sep = strchr(z->redirect_uri, '?') ? "&" : "?";
	const char *state = z->state[0] ? arena_printf(r->arena, "&state=%s", url_encode(r->arena, z->state, strlen(z->state)))
					: "";

	response_header_add(&r->res, "Location", arena_printf(r->arena, "%s%s%s%s", z->redirect_uri, sep, params, state));
	response_header_add(&r->res, "Cache-Control", "no-store");
	return 302;
}

/* An error the client should hear about: redirected, or shown for oob. */
static int oauth_authz_fail(struct request *r, const struct oauth_authz *z, const char *error)
{
	if (strcmp(z->redirect_uri, OAUTH_OOB) == 0) {
		r->error_message = strcmp(error, "access_denied") == 0
					   ? page_t(r, N_("You denied the app access to your account."))
					   : page_t(r, N_("The app sent an authorization request that cannot be granted."));
		return strcmp(error, "access_denied") == 0 ? 403 : 400;
	}
	return oauth_authz_return(r, z, arena_printf(r->arena, "error=%s", error));
}

/* What a person is told each top-level scope allows. */
static const char *oauth_scope_label(const char *scope)
{
	if (strcmp(scope, "read") == 0)
		return N_("See your profile, posts, timelines, follows and notifications");
	if (strcmp(scope, "write") == 0)
		return N_("Post, delete, like, repost and edit your profile for you");
	if (strcmp(scope, "follow") == 0)
		return N_("Follow, unfollow, block and mute accounts for you");
	if (strcmp(scope, "push") == 0)
		return N_("Receive your notifications as push messages");
	if (strcmp(scope, "profile") == 0)
		return N_("See your basic profile");
	if (strncmp(scope, "read:", 5) == 0)
		return N_("Read only this part of your data:");
	return N_("Change only this part of your data for you:");
}

/*
 * The page's CSP with the client's redirect target added to form-action:
 * browsers apply form-action to the redirect that follows the consent
 * form, so without it approving would be blocked. The target is the
 * origin of an http(s) URI, or the scheme of an app's own ("myapp:").
 */
static void oauth_consent_csp(struct request *r, const char *uri)
{
	const char *colon = strchr(uri, ':'), *end;
	const char *src;

	if (strcmp(uri, OAUTH_OOB) == 0 || !colon)
		return;
	if (strncmp(colon, "://", 3) == 0 && oauth_is_http_url(uri)) {
		end = colon + 3 + strcspn(colon + 3, "/?");
		src = arena_strndup(r->arena, uri, (size_t)(end - uri));
	} else {
		src = arena_strndup(r->arena, uri, (size_t)(colon - uri + 1));
	}
	if (!src || strpbrk(src, ";,'"))
		return;
	{
		/* The default policy (with the media origins it may carry), only
		 * form-action widened. */
		const char *csp = response_csp_value(), *fa = strstr(csp, "form-action 'self'");

		if (!fa)
			return;
		fa += strlen("form-action 'self'");
		response_header_add(&r->res, "Content-Security-Policy",
				    arena_printf(r->arena, "%.*s %s%s", (int)(fa - csp), csp, src, fa));
	}
}

static int oauth_consent_render(struct request *r, const struct oauth_authz *z)
{
	struct json_object *m = page_model(r, page_t(r, N_("Authorize an app"))), *scopes = json_object_new_array();
	struct json_object *f = json_object_new_object(), *list = oauth_split(z->scopes, ' ');

	for (size_t i = 0; i < json_object_array_length(list); i++) {
		struct json_object *s = json_object_new_object();
		const char *name = json_object_get_string(json_object_array_get_idx(list, i));

		json_object_object_add(s, "scope", json_object_new_string(name));
		json_object_object_add(s, "label", json_object_new_string(page_t(r, oauth_scope_label(name))));
		json_object_object_add(s, "granular", json_object_new_boolean(strchr(name, ':') != NULL));
		json_object_array_add(scopes, s);
	}
	json_object_put(list);
	json_object_object_add(m, "app_name", json_object_new_string(z->app.name));
	json_object_object_add(m, "username", json_object_new_string(r->user->username));
	if (oauth_is_http_url(z->app.website))
		json_object_object_add(m, "app_website", json_object_new_string(z->app.website));
	json_object_object_add(m, "scopes", scopes);
	json_object_object_add(f, "client_id", json_object_new_string(z->app.client_id));
	json_object_object_add(f, "redirect_uri", json_object_new_string(z->redirect_uri));
	json_object_object_add(f, "scope", json_object_new_string(z->scopes));
	json_object_object_add(f, "state", json_object_new_string(z->state));
	if (z->challenge)
		json_object_object_add(f, "code_challenge", json_object_new_string(z->challenge));
	json_object_object_add(m, "oauth", f);
	oauth_consent_csp(r, z->redirect_uri);
	return page_render(r, 200, "pages/oauth-authorize", m);
}

int api_oauth_authorize_form(struct request *r)
{
	struct oauth_authz z;
	const char *here;
	int rc = oauth_authz_load(r, &z);

	if (rc)
		return rc;
	if (z.error)
		return oauth_authz_fail(r, &z, z.error);
	if (!r->user) {
		/* Log in first, then come back to this very request. */
		here = arena_printf(r->arena, "%.*s?%s", (int)r->path.len, r->path.ptr, r->query_string);
		response_header_add(&r->res, "Location",
				    arena_printf(r->arena, "%s/login?next=%s", r->app->conf->base_url,
						 url_encode(r->arena, here, strlen(here))));
		return 303;
	}
	return oauth_consent_render(r, &z);
}

int api_oauth_authorize(struct request *r)
{
	char code[OAUTH_SECRET_LEN + 1], hash[OAUTH_HASH_LEN + 1];
	struct oauth_code c;
	struct oauth_authz z;
	int rc = auth_require(r);

	if (rc)
		return rc;
	rc = oauth_authz_load(r, &z);
	if (rc)
		return rc;
	if (z.error)
		return oauth_authz_fail(r, &z, z.error);
	if (!str_eq_c(http_kv_get(&r->form, "decision"), "approve"))
		return oauth_authz_fail(r, &z, "access_denied");
	oauth_new_secret(code);
	oauth_hash(code, strlen(code), hash);
	c.app_id = z.app.id;
	c.user_id = r->user->id;
	c.redirect_uri = (char *)z.redirect_uri;
	c.scopes = (char *)z.scopes;
	c.code_challenge = (char *)z.challenge;
	if (oauth_code_create(r->app->db, hash, &c, OAUTH_CODE_TTL) != DB_OK)
		return 503;
	auth_event(r, "oauth_authorized", r->user->id, z.app.name);
	if (strcmp(z.redirect_uri, OAUTH_OOB) == 0) {
		struct json_object *m = page_model(r, page_t(r, N_("Authorization code")));

		json_object_object_add(m, "app_name", json_object_new_string(z.app.name));
		json_object_object_add(m, "code", json_object_new_string(code));
		response_header_add(&r->res, "Cache-Control", "no-store");
		rc = page_render(r, 200, "pages/oauth-code", m);
	} else {
		rc = oauth_authz_return(r, &z, arena_printf(r->arena, "code=%s", code));
	}
	sodium_memzero(code, sizeof(code));
	return rc;
}

/* ---- the token endpoint ---- */

/* An RFC 6749 error body: {"error": code, "error_description": ...}. */
static int oauth_error(struct request *r, int status, const char *code, const char *description)
{
	struct json_object *e = json_object_new_object();

	json_object_object_add(e, "error", json_object_new_string(code));
	json_object_object_add(e, "error_description", json_object_new_string(description));
	response_header_add(&r->res, "Cache-Control", "no-store");
	return api_json(r, status, e);
}

/*
 * Authenticate the client of a token or revocation request by HTTP
 * Basic (client_secret_basic) or by client_id and client_secret in the
 * body (client_secret_post). 0 with *app, or the status answered.
 */
static int oauth_client(struct request *r, struct oauth_app *app)
{
	const char *h = req_env(r, "HTTP_AUTHORIZATION");
	const char *id = NULL, *secret = NULL;
	char hash[OAUTH_HASH_LEN + 1];
	bool basic = h && strncasecmp(h, "Basic ", 6) == 0;
	int rc;

	if (basic) {
		size_t cap = strlen(h + 6), len = 0;
		char *raw = arena_alloc(r->arena, cap + 1), *colon;

		if (raw && sodium_base642bin((unsigned char *)raw, cap, h + 6, cap, " ", &len, NULL,
					     sodium_base64_VARIANT_ORIGINAL) == 0) {
			raw[len] = '\0';
			colon = strchr(raw, ':');
			if (colon) {
				*colon = '\0';
				id = raw;
				secret = colon + 1;
			}
		}
	} else {
		id = api_text(r, "client_id");
		secret = api_text(r, "client_secret");
	}
	rc = id && id[0] && strlen(id) <= OAUTH_SECRET_LEN ? oauth_app_find(r->app->db, r->arena, id, app)
							     : OAUTH_NOT_FOUND;
	if (rc != DB_OK && rc != OAUTH_NOT_FOUND)
		return 503;
	if (rc == DB_OK && secret) {
		oauth_hash(secret, strlen(secret), hash);
		if (sodium_memcmp(hash, app->secret_hash, OAUTH_HASH_LEN) == 0)
			return 0;
	}
	if (basic)
		response_header_add(&r->res, "WWW-Authenticate", "Basic realm=\"BeauBelle\"");
	return oauth_error(r, 401, "invalid_client",
			   "Client authentication failed due to unknown client, no client authentication included, "
			   "or unsupported authentication method.");
}

/* PKCE S256: BASE64URL(SHA-256(verifier)) must equal the challenge. */
static bool oauth_pkce_ok(const char *challenge, const char *verifier)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	char expected[OAUTH_SECRET_LEN + 1];

	if (!oauth_pkce_token_valid(verifier) || strlen(challenge) != OAUTH_SECRET_LEN)
		return false;
	crypto_hash_sha256(digest, (const unsigned char *)verifier, strlen(verifier));
	sodium_bin2base64(expected, sizeof(expected), digest, sizeof(digest), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return sodium_memcmp(expected, challenge, OAUTH_SECRET_LEN) == 0;
}

/* Mint a token and answer the Token entity. */
static int oauth_issue(struct request *r, unsigned long long app_id, unsigned long long user_id, const char *scopes)
{
	char token[OAUTH_SECRET_LEN + 1], hash[OAUTH_HASH_LEN + 1];
	struct json_object *o;
	unsigned long long id = 0;

	oauth_new_secret(token);
	oauth_hash(token, strlen(token), hash);
	if (oauth_token_create(r->app->db, hash, app_id, user_id, scopes, &id) != DB_OK)
		return 503;
	o = json_object_new_object();
	json_object_object_add(o, "access_token", json_object_new_string(token));
	json_object_object_add(o, "token_type", json_object_new_string("Bearer"));
	json_object_object_add(o, "scope", json_object_new_string(scopes));
	json_object_object_add(o, "created_at", json_object_new_int64((int64_t)time(NULL)));
	sodium_memzero(token, sizeof(token));
	response_header_add(&r->res, "Cache-Control", "no-store");
	response_header_add(&r->res, "Pragma", "no-cache");
	return api_json(r, 200, o);
}

static int oauth_grant_code(struct request *r, const struct oauth_app *app)
{
	const char *code = api_text(r, "code"), *redirect = api_text(r, "redirect_uri");
	const char *verifier = api_text(r, "code_verifier");
	char hash[OAUTH_HASH_LEN + 1];
	struct oauth_code c;
	int rc;

	if (!code[0])
		return oauth_error(r, 400, "invalid_request", "The code parameter is missing.");
	oauth_hash(code, strlen(code), hash);
	rc = oauth_code_take(r->app->db, r->arena, hash, &c);
	if (rc != DB_OK && rc != OAUTH_NOT_FOUND)
		return 503;
	if (rc == OAUTH_NOT_FOUND || c.app_id != app->id || (redirect[0] && strcmp(redirect, c.redirect_uri) != 0))
		return oauth_error(r, 400, "invalid_grant",
				   "The provided authorization grant is invalid, expired, revoked, does not match the "
				   "redirection URI used in the authorization request, or was issued to another client.");
	if (c.code_challenge && !oauth_pkce_ok(c.code_challenge, verifier))
		return oauth_error(r, 400, "invalid_grant", "The code verifier does not match the code challenge.");
	return oauth_issue(r, app->id, c.user_id, c.scopes);
}

static int oauth_grant_client(struct request *r, const struct oauth_app *app)
{
	struct str scope = api_param(r, "scope");
	char *scopes = api_scopes_parse(r->arena, scope.ptr, scope.len, "read");

	if (!scopes || !api_scopes_subset(scopes, app->scopes))
		return oauth_error(r, 400, "invalid_scope", "The requested scope is invalid, unknown, or malformed.");
	return oauth_issue(r, app->id, 0, scopes);
}

int api_oauth_token(struct request *r)
{
	const char *grant = api_text(r, "grant_type");
	struct oauth_app app;
	int rc;

	if (strcmp(grant, "authorization_code") != 0 && strcmp(grant, "client_credentials") != 0)
		return oauth_error(r, 400, grant[0] ? "unsupported_grant_type" : "invalid_request",
				   grant[0] ? "The authorization grant type is not supported by the authorization server."
					    : "The grant_type parameter is missing.");
	rc = oauth_client(r, &app);
	if (rc)
		return rc;
	return strcmp(grant, "authorization_code") == 0 ? oauth_grant_code(r, &app) : oauth_grant_client(r, &app);
}

int api_oauth_revoke(struct request *r)
{
	const char *token = api_text(r, "token");
	char hash[OAUTH_HASH_LEN + 1];
	bool found = false, deleted = false;
	struct oauth_app app;
	int rc = oauth_client(r, &app);

	if (rc)
		return rc;
	if (!token[0])
		return oauth_error(r, 400, "invalid_request", "The token parameter is missing.");
	oauth_hash(token, strlen(token), hash);
	if (oauth_token_revoke(r->app->db, hash, app.id, &found, &deleted) != DB_OK)
		return 503;
	/* RFC 7009: an unknown token is not an error, the result is the same. */
	if (found && !deleted)
		return oauth_error(r, 403, "unauthorized_client", "You are not authorized to revoke this token");
	return api_json(r, 200, json_object_new_object());
}

int api_oauth_metadata(struct request *r)
{
	const char *base = r->app->conf->base_url;
	struct json_object *o = json_object_new_object(), *scopes = json_object_new_array();
	struct json_object *v;

	for (size_t i = 0; api_scopes_known[i]; i++)
		json_object_array_add(scopes, json_object_new_string(api_scopes_known[i]));
	json_object_object_add(o, "issuer", json_object_new_string(arena_printf(r->arena, "%s/", base)));
	json_object_object_add(o, "service_documentation", json_object_new_string("https://docs.joinmastodon.org/"));
	json_object_object_add(o, "authorization_endpoint", json_object_new_string(arena_printf(r->arena, "%s/oauth/authorize", base)));
	json_object_object_add(o, "token_endpoint", json_object_new_string(arena_printf(r->arena, "%s/oauth/token", base)));
	json_object_object_add(o, "revocation_endpoint", json_object_new_string(arena_printf(r->arena, "%s/oauth/revoke", base)));
	json_object_object_add(o, "app_registration_endpoint", json_object_new_string(arena_printf(r->arena, "%s/api/v1/apps", base)));
	json_object_object_add(o, "scopes_supported", scopes);
	v = json_object_new_array();
	json_object_array_add(v, json_object_new_string("code"));
	json_object_object_add(o, "response_types_supported", v);
	v = json_object_new_array();
	json_object_array_add(v, json_object_new_string("query"));
	json_object_object_add(o, "response_modes_supported", v);
	v = json_object_new_array();
	json_object_array_add(v, json_object_new_string("S256"));
	json_object_object_add(o, "code_challenge_methods_supported", v);
	v = json_object_new_array();
	json_object_array_add(v, json_object_new_string("authorization_code"));
	json_object_array_add(v, json_object_new_string("client_credentials"));
	json_object_object_add(o, "grant_types_supported", v);
	v = json_object_new_array();
	json_object_array_add(v, json_object_new_string("client_secret_basic"));
	json_object_array_add(v, json_object_new_string("client_secret_post"));
	json_object_object_add(o, "token_endpoint_auth_methods_supported", v);
	return api_json(r, 200, o);
}
