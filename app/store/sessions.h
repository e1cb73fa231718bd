#ifndef BB_SESSIONS_H
#define BB_SESSIONS_H
/*
 * Login sessions in Redis. The browser holds a random 256-bit token; Redis
 * holds only its SHA-256 (bb:sess:<hash>, a hash with the user id, the
 * CSRF token, times, IP and user agent), expiring after the idle limit and
 * refused after the absolute one. bb:sess:user:<uid> lists a user's
 * sessions so they can be shown and ended. Losing Redis logs people out
 * and loses nothing else.
 */
#include <stdbool.h>
#include <stddef.h>

struct arena;
struct conf;
struct rds;

#define SESS_TOKEN_LEN 43 /* base64url of 32 bytes, no padding */
#define SESS_HASH_LEN 64

struct session {
	char hash[SESS_HASH_LEN + 1];
	unsigned long long uid;
	char csrf[SESS_TOKEN_LEN + 1];
	long long created;
	long long expires; /* absolute end */
	long long seen;
	bool remember;
	char ip[64];
	char ua[200];
};

/* A new random token (NUL-terminated base64url). */
void sess_new_token(char token[SESS_TOKEN_LEN + 1]);
/* Hash of a token as stored in Redis. */
void sess_hash_token(const char *token, char hash[SESS_HASH_LEN + 1]);

/* Start a session for uid; token gets the cookie value. 0 or -1. */
int sess_create(struct rds *r, const struct conf *c, unsigned long long uid, bool remember,
		const char *ip, const char *ua, char token[SESS_TOKEN_LEN + 1], struct session *out);
/* Find the live session of token: 1 found, 0 none or expired, -1 Redis down.
 * Use refreshes the idle expiry (at most once a minute). */
int sess_load(struct rds *r, const struct conf *c, const char *token, struct session *out);
int sess_destroy(struct rds *r, unsigned long long uid, const char *hash);
/* End the session hash only if it belongs to uid; -1 when it does not. */
int sess_destroy_owned(struct rds *r, unsigned long long uid, const char *hash);
/* End every session of uid except the one whose hash is except (or all). */
int sess_destroy_all(struct rds *r, unsigned long long uid, const char *except);
/* The live sessions of uid, newest first, at most max. */
int sess_list(struct rds *r, unsigned long long uid, struct session *out, size_t max, size_t *n);

#endif
