#include "store/ratelimit.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/rds.h"
#include "core/banned.h"

static void ratelimit_key(char *key, size_t cap, const char *bucket, const char *id, int window,
			  long long *window_end)
{
	unsigned char digest[12];
	char hex[sizeof(digest) * 2 + 1];
	long long now = (long long)time(NULL), slot = now / window;

	crypto_generichash(digest, sizeof(digest), (const unsigned char *)id, strlen(id), NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
	snprintf(key, cap, "bb:rl:%s:%s:%lld", bucket, hex, slot);
	if (window_end)
		*window_end = (slot + 1) * window;
}

int ratelimit_take(struct rds *r, const char *bucket, const char *id, int window, long long *count,
		   long long *reset)
{
	char key[160];
	long long end;
	redisReply *incr, *expire;

	ratelimit_key(key, sizeof(key), bucket, id, window, &end);
	if (rds_append(r, "INCR %s", key) < 0 || rds_append(r, "EXPIRE %s %d NX", key, window + 1) < 0)
		return RATELIMIT_UNAVAILABLE;
	incr = rds_reply(r);
	expire = rds_reply(r);
	if (!incr || !expire || incr->type != REDIS_REPLY_INTEGER) {
		if (incr)
			freeReplyObject(incr);
		if (expire)
			freeReplyObject(expire);
		return RATELIMIT_UNAVAILABLE;
	}
	*count = incr->integer;
	*reset = end;
	freeReplyObject(incr);
	freeReplyObject(expire);
	return RATELIMIT_OK;
}

int ratelimit_hit(struct rds *r, const char *bucket, const char *id, int limit, int window,
		  int *retry_after)
{
	long long count = 0, end = 0;

	if (ratelimit_take(r, bucket, id, window, &count, &end) != RATELIMIT_OK)
		return RATELIMIT_UNAVAILABLE;
	if (count <= limit)
		return RATELIMIT_OK;
	*retry_after = (int)(end - (long long)time(NULL));
	if (*retry_after < 1)
		*retry_after = 1;
	return RATELIMIT_OVER;
}

void ratelimit_reset(struct rds *r, const char *bucket, const char *id, int window)
{
	char key[160];
	redisReply *reply;

	ratelimit_key(key, sizeof(key), bucket, id, window, NULL);
	reply = rds_cmd(r, "DEL %s", key);
	if (reply)
		freeReplyObject(reply);
}
