#include "store/sessions.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/conf.h"
#include "store/rds.h"
#include "core/banned.h"

#define SESS_TOUCH_EVERY 60
#define SESS_MAX_PER_USER 200

void sess_new_token(char token[SESS_TOKEN_LEN + 1])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(token, SESS_TOKEN_LEN + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

void sess_hash_token(const char *token, char hash[SESS_HASH_LEN + 1])
{
	unsigned char digest[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(digest, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(hash, SESS_HASH_LEN + 1, digest, sizeof(digest));
}

static int sess_idle(const struct conf *c, bool remember)
{
	return remember ? c->remember_idle : c->session_idle;
}

static void sess_copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

int sess_create(struct rds *r, const struct conf *c, unsigned long long uid, bool remember,
		const char *ip, const char *ua, char token[SESS_TOKEN_LEN + 1], struct session *s)
{
	long long now = (long long)time(NULL);
	char key[100], ukey[64];
	redisReply *reply;
	int ok = 1;

	memset(s, 0, sizeof(*s));
	sess_new_token(token);
	sess_hash_token(token, s->hash);
	sess_new_token(s->csrf);
	s->uid = uid;
	s->created = s->seen = now;
	s->expires = now + (remember ? c->remember_lifetime : c->session_lifetime);
	s->remember = remember;
	sess_copy(s->ip, sizeof(s->ip), ip);
	sess_copy(s->ua, sizeof(s->ua), ua);
	snprintf(key, sizeof(key), "bb:sess:%s", s->hash);
	snprintf(ukey, sizeof(ukey), "bb:sess:user:%llu", uid);
	/* One transaction: the session and its entry in the user's list. */
	if (rds_append(r, "MULTI") < 0 ||
	    rds_append(r, "HSET %s uid %llu csrf %s created %lld expires %lld seen %lld remember %d ip %s ua %s",
		       key, uid, s->csrf, now, s->expires, now, remember ? 1 : 0, s->ip, s->ua) < 0 ||
	    rds_append(r, "EXPIRE %s %d", key, sess_idle(c, remember)) < 0 ||
	    rds_append(r, "ZADD %s %lld %s", ukey, now, s->hash) < 0 ||
	    rds_append(r, "EXPIRE %s %d", ukey, c->remember_lifetime) < 0 ||
	    rds_append(r, "EXEC") < 0)
		return -1;
	for (int i = 0; i < 6; i++) {
		reply = rds_reply(r);
		if (!reply)
			ok = 0;
		else
			freeReplyObject(reply);
	}
	return ok ? 0 : -1;
}

/* Fill s from an HGETALL reply; false when the session is malformed. */
static bool sess_parse(const redisReply *h, struct session *s)
{
	if (h->type != REDIS_REPLY_ARRAY || h->elements == 0)
		return false;
	for (size_t i = 0; i + 1 < h->elements; i += 2) {
		const char *k = h->element[i]->str, *v = h->element[i + 1]->str;

		if (!k || !v)
			continue;
		if (strcmp(k, "uid") == 0)
			s->uid = strtoull(v, NULL, 10);
		else if (strcmp(k, "csrf") == 0)
			sess_copy(s->csrf, sizeof(s->csrf), v);
		else if (strcmp(k, "created") == 0)
			s->created = strtoll(v, NULL, 10);
		else if (strcmp(k, "expires") == 0)
			s->expires = strtoll(v, NULL, 10);
		else if (strcmp(k, "seen") == 0)
			s->seen = strtoll(v, NULL, 10);
		else if (strcmp(k, "remember") == 0)
			s->remember = v[0] == '1';
		else if (strcmp(k, "ip") == 0)
			sess_copy(s->ip, sizeof(s->ip), v);
		else if (strcmp(k, "ua") == 0)
			sess_copy(s->ua, sizeof(s->ua), v);
	}
	return s->uid > 0 && strlen(s->csrf) == SESS_TOKEN_LEN;
}

static int sess_get(struct rds *r, const char *hash, struct session *s)
{
	redisReply *reply = rds_cmd(r, "HGETALL bb:sess:%s", hash);
	bool ok;

	if (!reply)
		return -1;
	memset(s, 0, sizeof(*s));
	sess_copy(s->hash, sizeof(s->hash), hash);
	ok = sess_parse(reply, s);
	freeReplyObject(reply);
	return ok ? 1 : 0;
}

int sess_load(struct rds *r, const struct conf *c, const char *token, struct session *s)
{
	long long now = (long long)time(NULL);
	char hash[SESS_HASH_LEN + 1];
	redisReply *reply;
	int rc;

	if (strlen(token) != SESS_TOKEN_LEN)
		return 0;
	sess_hash_token(token, hash);
	rc = sess_get(r, hash, s);
	if (rc <= 0)
		return rc;
	if (s->expires <= now) {
		sess_destroy(r, s->uid, hash);
		return 0;
	}
	if (now - s->seen >= SESS_TOUCH_EVERY) {
		reply = rds_cmd(r, "HSET bb:sess:%s seen %lld", hash, now);
		if (reply)
			freeReplyObject(reply);
		reply = rds_cmd(r, "EXPIRE bb:sess:%s %d", hash, sess_idle(c, s->remember));
		if (reply)
			freeReplyObject(reply);
		s->seen = now;
	}
	return 1;
}

int sess_destroy(struct rds *r, unsigned long long uid, const char *hash)
{
	redisReply *a = rds_cmd(r, "DEL bb:sess:%s", hash);
	redisReply *b = rds_cmd(r, "ZREM bb:sess:user:%llu %s", uid, hash);
	int rc = a && b ? 0 : -1;

	if (a)
		freeReplyObject(a);
	if (b)
		freeReplyObject(b);
	return rc;
}

int sess_destroy_all(struct rds *r, unsigned long long uid, const char *except)
{
	redisReply *list = rds_cmd(r, "ZRANGE bb:sess:user:%llu 0 -1", uid);
	int rc = 0;

	if (!list)
		return -1;
	for (size_t i = 0; list->type == REDIS_REPLY_ARRAY && i < list->elements; i++) {
		const char *h = list->element[i]->str;

		if (h && (!except || strcmp(h, except) != 0) && sess_destroy(r, uid, h) < 0)
			rc = -1;
	}
	freeReplyObject(list);
	return rc;
}

int sess_list(struct rds *r, unsigned long long uid, struct session *out, size_t max, size_t *n)
{
	redisReply *list = rds_cmd(r, "ZREVRANGE bb:sess:user:%llu 0 %d", uid, SESS_MAX_PER_USER - 1);
	long long now = (long long)time(NULL);

	*n = 0;
	if (!list)
		return -1;
	for (size_t i = 0; list->type == REDIS_REPLY_ARRAY && i < list->elements && *n < max; i++) {
		const char *h = list->element[i]->str;
		int rc = h ? sess_get(r, h, &out[*n]) : 0;

		if (rc == 1 && out[*n].expires > now) {
			(*n)++;
		} else if (rc == 0 && h) {
			/* Expired by Redis: drop it from the list as we go. */
			redisReply *z = rds_cmd(r, "ZREM bb:sess:user:%llu %s", uid, h);

			if (z)
				freeReplyObject(z);
		}
	}
	freeReplyObject(list);
	return 0;
}

int sess_destroy_owned(struct rds *r, unsigned long long uid, const char *hash)
{
	redisReply *z = rds_cmd(r, "ZREM bb:sess:user:%llu %s", uid, hash);
	long long removed;

	if (!z)
		return -1;
	removed = z->type == REDIS_REPLY_INTEGER ? z->integer : 0;
	freeReplyObject(z);
	if (removed != 1)
		return -1;
	return sess_destroy(r, uid, hash);
}
