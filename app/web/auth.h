#ifndef BB_AUTH_H
#define BB_AUTH_H
/*
 * Who is asking: the session cookie is looked up in Redis and its user in
 * MariaDB; and whether a state-changing request really comes from our own
 * pages (the CSRF token, Origin and Sec-Fetch-Site).
 *
 * Logged-in forms carry the session's CSRF token. Anonymous forms (login,
 * sign-up) carry a token that must equal an HttpOnly cookie set with the
 * form, so a login cannot be forged from another site either.
 *
 * API requests (r->is_api) never use the cookie: they are authenticated
 * by an OAuth bearer token in the Authorization header only, which a
 * browser does not attach by itself, so they need no CSRF check.
 */
#include <stdbool.h>

struct oauth_token;
struct request;
struct user;

enum auth_bearer_status {
	AUTH_BEARER_NONE = 0,         /* no bearer token was sent */
	AUTH_BEARER_OK = 1,           /* a live token: r->user is its user (NULL for an app token) */
	AUTH_BEARER_INVALID = -1,     /* unknown, revoked or malformed: answer 401 */
	AUTH_BEARER_UNAVAILABLE = -2, /* the database could not tell: answer 503 */
};

/* The session cookie's name: __Host-sid over https, sid otherwise. */
const char *auth_cookie_name(const struct request *r);
/* Set an HttpOnly, SameSite=Lax cookie on Path=/ (Secure over https);
 * max_age 0 makes a browser-session cookie, < 0 clears it. */
void auth_set_cookie(struct request *r, const char *name, const char *value, long max_age);
/* Attach r->session and r->user when the cookie names a live session;
 * for API requests, r->user of the bearer token instead. */
void auth_load(struct request *r);
/*
 * The bearer token of the current API request: an auth_bearer_status,
 * and with AUTH_BEARER_OK the token row (arena) in *token when token is
 * not NULL. Valid until the next request.
 */
int auth_bearer(const struct request *r, const struct oauth_token **token);
/* The token forms must carry: the session's, or for a visitor the
 * anonymous cookie's, minted (and the cookie set) on first use. */
const char *auth_csrf_token(struct request *r);
/* Unsafe methods from the browser: 0, or 403 after logging the reason. */
int auth_check_csrf(struct request *r);
/* Start a session for u (a fresh token: no fixation) and set its cookie. */
int auth_login(struct request *r, struct user *u, bool remember);
/* End the current session server-side and clear the cookie. */
void auth_logout(struct request *r);
/* 0 when logged in; otherwise a redirect to /login (pages) or 401 (API). */
int auth_require(struct request *r);
/* Log one security event as a JSON line (no secrets). */
void auth_event(struct request *r, const char *event, unsigned long long uid, const char *detail);

#endif
