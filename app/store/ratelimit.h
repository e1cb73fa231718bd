#ifndef BB_RATELIMIT_H
#define BB_RATELIMIT_H
/*
 * Fixed-window rate limits in Redis (bb:rl:<bucket>:<hash of id>:<window>),
 * one round trip per check. The id (an IP address, an account name) is
 * hashed so no personal data sits in Redis key names.
 */
struct rds;

enum ratelimit_result {
	RATELIMIT_OK = 1,
	RATELIMIT_OVER = 0,
	RATELIMIT_UNAVAILABLE = -1, /* callers guarding logins fail closed */
};

/* Count one hit; when over, *retry_after is the seconds left in the window. */
int ratelimit_hit(struct rds *r, const char *bucket, const char *id, int limit, int window,
		  int *retry_after);
/* Count one hit and say where the window stands: *count hits so far
 * (this one included) and *reset, the unix time the window ends, for
 * rate-limit headers. RATELIMIT_OK or RATELIMIT_UNAVAILABLE. */
int ratelimit_take(struct rds *r, const char *bucket, const char *id, int window, long long *count,
		   long long *reset);
/* Forget the hits of id in bucket (e.g. the account bucket after a login). */
void ratelimit_reset(struct rds *r, const char *bucket, const char *id, int window);

#endif
