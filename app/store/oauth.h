#ifndef BB_STORE_OAUTH_H
#define BB_STORE_OAUTH_H
/*
 * The OAuth 2 provider's rows: registered client apps, authorization
 * codes and access tokens. Every secret (client secret, code, token) is
 * a random 256-bit value shown once and stored only as its SHA-256, so
 * lookups go by hash. Strings in the structs live in the arena given to
 * the lookup.
 */
#include <stdbool.h>
#include <stddef.h>

#include "store/db.h"

struct user;

struct arena;

#define OAUTH_SECRET_LEN 43 /* base64url of 32 random bytes, no padding */
#define OAUTH_HASH_LEN 64   /* SHA-256 in lowercase hex */
#define OAUTH_NOT_FOUND 1
#define OAUTH_CODE_TTL 600  /* seconds a code may wait for its exchange */

struct oauth_app {
	unsigned long long id;
	char *client_id;
	char *secret_hash;
	char *name;
	char *website;       /* NULL when none was given */
	char *redirect_uris; /* one per line */
	char *scopes;        /* space-separated */
};

struct oauth_code {
	unsigned long long app_id;
	unsigned long long user_id;
	char *redirect_uri;
	char *scopes;
	char *code_challenge; /* NULL without PKCE */
};

struct oauth_token {
	unsigned long long id;
	unsigned long long app_id;
	unsigned long long user_id; /* 0 for an app's own token */
	char *scopes;
	char *app_name;
	char *app_website;          /* NULL when none */
	char *app_scopes;
	char *app_redirect_uris;
	long long idle;             /* seconds since last recorded use; -1 never used */
};

/* An app a person has authorized, for the settings page. */
struct oauth_grant {
	unsigned long long app_id;
	char *name;
	char *website;
	char *scopes;       /* of the newest token */
	char *created_at;   /* first authorization, YYYY-MM-DD (UTC) */
	char *last_used_at; /* YYYY-MM-DD (UTC), NULL when never used */
};

/* A fresh random secret (NUL-terminated base64url). */
void oauth_new_secret(char out[OAUTH_SECRET_LEN + 1]);
/* SHA-256 hex of len bytes of secret: what the tables store. */
void oauth_hash(const char *secret, size_t len, char out[OAUTH_HASH_LEN + 1]);

/* Register an app; *id gets its row id. */
int oauth_app_create(struct db *db, const struct oauth_app *app, unsigned long long *id);
/* By client_id (DB_OK, OAUTH_NOT_FOUND or a DB_ error). */
int oauth_app_find(struct db *db, struct arena *a, const char *client_id, struct oauth_app *out);

/* Store a code (by hash) for ttl seconds. */
int oauth_code_create(struct db *db, const char *code_hash, const struct oauth_code *c, int ttl);
/*
 * Take the code: DB_OK and *out when it exists and has not expired, and
 * in every case it is deleted, so a code is exchanged at most once even
 * by two requests racing with it. OAUTH_NOT_FOUND otherwise.
 */
int oauth_code_take(struct db *db, struct arena *a, const char *code_hash, struct oauth_code *out);

/* Store a token (by hash); user_id 0 for an app token. */
int oauth_token_create(struct db *db, const char *token_hash, unsigned long long app_id,
		       unsigned long long user_id, const char *scopes, unsigned long long *id);
/* The token with its app and, for a user token, its user (id 0 when the
 * user is gone): DB_OK, OAUTH_NOT_FOUND or a DB_ error. */
int oauth_token_find(struct db *db, struct arena *a, const char *token_hash, struct oauth_token *out,
		     struct user *user);
/* Record that the token was used now. */
int oauth_token_touch(struct db *db, unsigned long long id);
/* Delete the token by hash if app_id issued it. *found: the token exists
 * at all; *deleted: it was app_id's and is gone. */
int oauth_token_revoke(struct db *db, const char *token_hash, unsigned long long app_id, bool *found,
		       bool *deleted);

/* The apps uid has authorized (holding a token), most recent first. */
int oauth_grants_of_user(struct db *db, struct arena *a, unsigned long long uid, size_t max,
			 struct oauth_grant **out, size_t *n);
/* Revoke every token and pending code of uid for app_id. */
int oauth_grants_revoke(struct db *db, unsigned long long uid, unsigned long long app_id, bool *revoked);

#endif
