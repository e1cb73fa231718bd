/*
 * Sign-up, log-in and log-out. Failures never tell whether an account
 * exists: a login for an unknown name costs the same hashing time and
 * gets the same answer as a wrong password.
 */
#include "handlers/accounts.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/conf.h"
#include "core/password.h"
#include "handlers/form.h"
#include "handlers/oidc.h"
#include "http/request.h"
#include "http/url.h"
#include "i18n/i18n.h"
#include "store/ratelimit.h"
#include "store/users.h"
#include "view/page.h"
#include "web/app.h"
#include "web/auth.h"
#include "core/banned.h"

/* Names that would shadow a route or mislead people. */
static const char *const accounts_reserved[] = {
	"about", "admin", "administrator", "api", "app", "apps", "auth", "beaubelle", "collection",
	"deck", "explore", "help", "home", "login", "logout", "media", "metrics", "mod",
	"moderator", "moderation", "new", "nodeinfo", "notifications", "oauth", "p", "post",
	"posts", "readyz", "healthz", "root", "search", "settings", "signup", "static", "status",
	"support", "system", "tags", "user", "users", "well_known", "www",
};

static bool accounts_is_reserved(const char *name)
{
	char lower[32];
	size_t n = strlen(name);

	if (n >= sizeof(lower))
		return false;
	for (size_t i = 0; i <= n; i++)
		lower[i] = (char)tolower((unsigned char)name[i]);
	for (size_t i = 0; i < sizeof(accounts_reserved) / sizeof(accounts_reserved[0]); i++)
		if (strcmp(lower, accounts_reserved[i]) == 0)
			return true;
	return false;
}

static bool accounts_username_valid(const char *s)
{
	size_t n = strlen(s);

	if (n < 3 || n > 30)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

const char *accounts_username_problem(const char *username)
{
	if (!accounts_username_valid(username))
		return N_("Use 3 to 30 letters, digits or underscores.");
	if (accounts_is_reserved(username))
		return N_("This username is reserved.");
	return NULL;
}

/* A plausible address: one @, a dot in the domain, no spaces. Whether it
 * works is for a confirmation mail to tell, not a regular expression. */
static bool accounts_email_valid(const char *s)
{
	const char *at = strchr(s, '@');
	size_t n = strlen(s);

	if (n < 3 || n > 254 || !at || at == s || strchr(at + 1, '@') || !strchr(at + 1, '.'))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == '<' || s[i] == '>' || s[i] == '"')
			return false;
	return at[1] != '.' && s[n - 1] != '.';
}

const char *accounts_password_message(enum pw_verdict v)
{
	switch (v) {
	case PW_TOO_SHORT: return N_("Use at least 8 characters.");
	case PW_TOO_LONG: return N_("Use at most 256 characters.");
	case PW_COMMON: return N_("This password is too common. Choose another one.");
	case PW_SAME_AS_NAME: return N_("The password must not be your username.");
	case PW_INVALID: return N_("The password contains characters that cannot be used.");
	default: return NULL;
	}
}

/* 429 with Retry-After and a translated message. */
static int accounts_too_many(struct request *r, int retry_after, const char *what)
{
	response_header_add(&r->res, "Retry-After", arena_printf(r->arena, "%d", retry_after));
	r->error_message = page_t(r, N_("Too many attempts. Please wait a few minutes and try again."));
	auth_event(r, "rate_limited", 0, what);
	return 429;
}

static const char *accounts_next(struct request *r)
{
	struct str next = req_value(r, "next");

	return url_is_local_path(next) ? arena_strndup(r->arena, next.ptr, next.len) : "/";
}

static int accounts_redirect(struct request *r, const char *path)
{
	response_header_add(&r->res, "Location", arena_printf(r->arena, "%s%s", r->app->conf->base_url, path));
	return 303;
}

static int accounts_render_signup(struct request *r, int status, struct form *f)
{
	struct json_object *m = page_model(r, page_t(r, N_("Sign up")));

	json_object_object_add(m, "csrf_token", json_object_new_string(auth_csrf_token(r)));
	json_object_object_add(m, "password_signup", json_object_new_boolean(r->app->conf->password_signup));
	oidc_model_providers(r, m);
	json_object_object_add(m, "nav", json_object_new_object());
	json_object_object_add(json_object_object_get(m, "nav"), "signup", json_object_new_boolean(1));
	if (f)
		form_to_model(f, m);
	return page_render(r, status, "pages/signup", m);
}

int accounts_signup_form(struct request *r)
{
	if (r->user)
		return accounts_redirect(r, "/");
	return accounts_render_signup(r, 200, NULL);
}

int accounts_signup(struct request *r)
{
	const struct conf *c = r->app->conf;
	char hash[PW_HASH_MAX];
	unsigned long long id = 0;
	const char *username, *email, *password, *taken = NULL, *msg;
	struct user *u;
	struct form f;
	int retry = 0, rc;

	if (!c->password_signup) {
		r->error_message = page_t(r, N_("Sign-up with a password is closed on this server."));
		return 403;
	}
	rc = ratelimit_hit(r->app->rds, "signup_ip", r->remote_addr, c->signup_ip_limit,
			   c->signup_ip_window, &retry);
	if (rc == RATELIMIT_UNAVAILABLE)
		return 503;
	if (rc == RATELIMIT_OVER)
		return accounts_too_many(r, retry, "signup_ip");

	form_init(&f, r);
	username = form_text(&f, "username", 30, false);
	email = form_text(&f, "email", 254, false);
	password = form_text(&f, "password", 1024, true);
	form_keep(&f, "username", username);
	form_keep(&f, "email", email);
	if ((msg = accounts_username_problem(username)))
		form_fail(&f, "username", msg);
	if (!accounts_email_valid(email))
		form_fail(&f, "email", N_("Enter a valid email address."));
	msg = accounts_password_message(pw_check(r->app->pw, password, strlen(password), username));
	if (msg)
		form_fail(&f, "password", msg);
	if (f.failed)
		return accounts_render_signup(r, 422, &f);

	if (pw_hash(hash, password, strlen(password), (unsigned long long)c->argon2_ops, c->argon2_memory) < 0)
		return 503;
	rc = users_create(r->app->db, username, email, hash, &id, &taken);
	sodium_memzero(hash, sizeof(hash));
	if (rc == DB_DUPLICATE) {
		if (strcmp(taken, "email") == 0)
			form_fail(&f, "email", N_("This email address cannot be used."));
		else
			form_fail(&f, "username", N_("This username is taken."));
		return accounts_render_signup(r, 422, &f);
	}
	if (rc != DB_OK)
		return rc == DB_UNAVAILABLE ? 503 : 500;
	u = arena_alloc(r->arena, sizeof(*u));
	if (!u || users_find_by_id(r->app->db, r->arena, id, u) != DB_OK)
		return 503;
	auth_event(r, "signup", id, NULL);
	rc = auth_login(r, u, false);
	if (rc)
		return rc;
	return accounts_redirect(r, "/");
}

static int accounts_render_login(struct request *r, int status, struct form *f)
{
	struct json_object *m = page_model(r, page_t(r, N_("Log in")));

	json_object_object_add(m, "csrf_token", json_object_new_string(auth_csrf_token(r)));
	json_object_object_add(m, "next", json_object_new_string(accounts_next(r)));
	json_object_object_add(m, "password_signup", json_object_new_boolean(r->app->conf->password_signup));
	oidc_model_providers(r, m);
	json_object_object_add(m, "nav", json_object_new_object());
	json_object_object_add(json_object_object_get(m, "nav"), "login", json_object_new_boolean(1));
	if (f)
		form_to_model(f, m);
	return page_render(r, status, "pages/login", m);
}

int accounts_login_form(struct request *r)
{
	if (r->user)
		return accounts_redirect(r, accounts_next(r));
	return accounts_render_login(r, 200, NULL);
}

/* The rate limits of a login: per IP, then per account name. They run
 * before any hashing, and fail closed when Redis cannot count. */
static int accounts_login_limits(struct request *r, const char *login)
{
	const struct conf *c = r->app->conf;
	char key[300];
	int retry = 0, rc;

	rc = ratelimit_hit(r->app->rds, "login_ip", r->remote_addr, c->login_ip_limit,
			   c->login_ip_window, &retry);
	if (rc == RATELIMIT_OVER)
		return accounts_too_many(r, retry, "login_ip");
	if (rc == RATELIMIT_UNAVAILABLE)
		return 503;
	snprintf(key, sizeof(key), "%s", login);
	for (char *p = key; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	rc = ratelimit_hit(r->app->rds, "login_account", key, c->login_account_limit,
			   c->login_account_window, &retry);
	if (rc == RATELIMIT_OVER)
		return accounts_too_many(r, retry, "login_account");
	return rc == RATELIMIT_UNAVAILABLE ? 503 : 0;
}

int accounts_login(struct request *r)
{
	const struct conf *c = r->app->conf;
	struct user *u = arena_alloc(r->arena, sizeof(*u));
	const char *login, *password;
	struct form f;
	bool remember;
	int rc;

	form_init(&f, r);
	login = form_text(&f, "login", 254, false);
	password = form_text(&f, "password", 1024, true);
	remember = http_kv_get(&r->form, "remember").ptr != NULL;
	form_keep(&f, "login", login);
	if (!u)
		return 500;
	if (!login[0] || !password[0]) {
		form_fail(&f, "login", N_("Enter your username or email and your password."));
		return accounts_render_login(r, 422, &f);
	}
	rc = accounts_login_limits(r, login);
	if (rc)
		return rc;
	rc = users_find_by_login(r->app->db, r->arena, login, u);
	if (rc != DB_OK && rc != USERS_NOT_FOUND)
		return 503;
	if (rc == USERS_NOT_FOUND || !u->password_hash) {
		if (pw_verify_dummy(password, strlen(password), (unsigned long long)c->argon2_ops,
				    c->argon2_memory) == PW_BUSY)
			return 503;
		auth_event(r, "login_failed", 0, "unknown account");
		form_fail(&f, "login", N_("The username, email or password is not right."));
		return accounts_render_login(r, 422, &f);
	}
	rc = pw_verify(u->password_hash, password, strlen(password));
	if (rc == PW_BUSY)
		return 503;
	if (rc != PW_MATCH) {
		auth_event(r, "login_failed", u->id, "wrong password");
		form_fail(&f, "login", N_("The username, email or password is not right."));
		return accounts_render_login(r, 422, &f);
	}
	if (pw_needs_rehash(u->password_hash, (unsigned long long)c->argon2_ops, c->argon2_memory)) {
		char hash[PW_HASH_MAX];

		if (pw_hash(hash, password, strlen(password), (unsigned long long)c->argon2_ops,
			    c->argon2_memory) == 0 &&
		    users_update_password(r->app->db, u->id, hash) == DB_OK)
			auth_event(r, "password_rehashed", u->id, NULL);
		sodium_memzero(hash, sizeof(hash));
	}
	rc = auth_login(r, u, remember);
	if (rc)
		return rc;
	auth_event(r, "login", u->id, remember ? "remember" : NULL);
	return accounts_redirect(r, accounts_next(r));
}

int accounts_logout(struct request *r)
{
	if (r->user)
		auth_event(r, "logout", r->user->id, NULL);
	auth_logout(r);
	return accounts_redirect(r, "/");
}
