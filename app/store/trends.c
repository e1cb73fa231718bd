#include "store/trends.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/rds.h"
#include "core/banned.h"

#define TRENDS_TTL ((TRENDS_HOURS + 1) * 3600)
#define TRENDS_MAX_TAGS 500
#define TRENDS_VERSION "bb:trend:version" /* counts every change to the buckets */

int trends_record(struct rds *r, unsigned long long uid, long long t, const char *const *tags, size_t ntags)
{
	long long hour = t / 3600;
	size_t cmds = 0;

	for (size_t i = 0; i < ntags; i++) {
		if (rds_append(r, "SADD bb:trend:%lld:%s %llu", hour, tags[i], uid) < 0 ||
		    rds_append(r, "EXPIRE bb:trend:%lld:%s %d", hour, tags[i], TRENDS_TTL) < 0 ||
		    rds_append(r, "SADD bb:trend:%lld %s", hour, tags[i]) < 0 ||
		    rds_append(r, "EXPIRE bb:trend:%lld %d", hour, TRENDS_TTL) < 0)
			return -1;
		cmds += 4;
	}
	/* What trends_top() keeps is out of date from here on. */
	if (ntags && rds_append(r, "INCR " TRENDS_VERSION) < 0)
		return -1;
	cmds += ntags ? 1 : 0;
	return rds_drain(r, cmds);
}

static int trends_find(struct trend *list, size_t n, const char *tag)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i].tag, tag) == 0)
			return (int)i;
	return -1;
}

static int trends_cmp(const void *a, const void *b)
{
	const struct trend *x = a, *y = b;

	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return strcmp(x->tag, y->tag);
}

/*
 * Two pipelined rounds: the tags of each hour, then the size of each
 * (hour, tag) set. Distinct accounts over the day come from SUNION's
 * count per tag in a third round, only for the tags shown.
 */
static int trends_compute(struct rds *r, struct arena *a, long long now, size_t max, struct trend **out, size_t *n)
{
	long long hour = now / 3600;
	struct trend *list = arena_calloc(a, TRENDS_MAX_TAGS, sizeof(*list));
	size_t count = 0;

	*n = 0;
	if (!list)
		return -1;
	for (int h = 0; h < TRENDS_HOURS; h++)
		if (rds_append(r, "SMEMBERS bb:trend:%lld", hour - h) < 0)
			return -1;
	for (int h = 0; h < TRENDS_HOURS; h++) {
		redisReply *reply = rds_reply(r);

		if (!reply)
			return -1;
		for (size_t i = 0; reply->type == REDIS_REPLY_ARRAY && i < reply->elements && count < TRENDS_MAX_TAGS; i++)
			if (trends_find(list, count, reply->element[i]->str) < 0)
				list[count++].tag = arena_strdup(a, reply->element[i]->str);
		freeReplyObject(reply);
	}
	for (size_t t = 0; t < count; t++)
		for (int h = 0; h < TRENDS_HOURS; h++)
			if (rds_append(r, "SCARD bb:trend:%lld:%s", hour - h, list[t].tag) < 0)
				return -1;
	for (size_t t = 0; t < count; t++) {
		for (int h = 0; h < TRENDS_HOURS; h++) {
			redisReply *reply = rds_reply(r);
			unsigned v;

			if (!reply)
				return -1;
			v = reply->type == REDIS_REPLY_INTEGER ? (unsigned)reply->integer : 0;
			freeReplyObject(reply);
			list[t].hourly[TRENDS_HOURS - 1 - h] = v;
			/* The last hours weigh most: a tag rising now beats one
			 * that was busy this morning. */
			list[t].score += v * exp(-(double)h / 6.0);
		}
	}
	qsort(list, count, sizeof(*list), trends_cmp);
	if (count > max)
		count = max;
	for (size_t t = 0; t < count; t++) {
		char keys[TRENDS_HOURS][160];
		const char *argv[TRENDS_HOURS + 1];
		redisReply *reply;

		argv[0] = "SUNION";
		for (int h = 0; h < TRENDS_HOURS; h++) {
			snprintf(keys[h], sizeof(keys[h]), "bb:trend:%lld:%s", hour - h, list[t].tag);
			argv[h + 1] = keys[h];
		}
		reply = rds_cmd_argv(r, TRENDS_HOURS + 1, argv, NULL);
		if (reply) {
			list[t].accounts = reply->type == REDIS_REPLY_ARRAY ? (unsigned)reply->elements : 0;
			freeReplyObject(reply);
		}
	}
	*out = list;
	*n = count;
	return 0;
}

/*
 * Each process keeps the top list it worked out until the buckets change
 * (trends_record() bumps TRENDS_VERSION) or the hour turns: working them
 * out costs a Redis command per tag and hour, some 12,000 with a day of a
 * busy site's tags, and made up most of the Explore page's time; checking
 * the version is one GET.
 */
#define TRENDS_CACHE_MAX 64

static struct {
	long long hour;
	long long version; /* -1: empty */
	size_t n;
	struct trend list[TRENDS_CACHE_MAX];
} trends_cache = { .version = -1 };

static void trends_cache_store(long long hour, long long version, const struct trend *list, size_t n)
{
	for (size_t i = 0; i < trends_cache.n; i++)
		free(trends_cache.list[i].tag);
	trends_cache.version = -1;
	trends_cache.n = 0;
	for (size_t i = 0; i < n; i++) {
		trends_cache.list[i] = list[i];
		trends_cache.list[i].tag = strdup(list[i].tag);
		if (!trends_cache.list[i].tag)
			return;
		trends_cache.n = i + 1;
	}
	trends_cache.hour = hour;
	trends_cache.version = version;
}

int trends_top(struct rds *r, struct arena *a, long long now, size_t max, struct trend **out, size_t *n)
{
	redisReply *reply;
	struct trend *list;
	long long version;
	size_t count = 0;

	if (max > TRENDS_CACHE_MAX)
		return trends_compute(r, a, now, max, out, n);
	reply = rds_cmd(r, "GET " TRENDS_VERSION);
	if (!reply)
		return -1;
	/* No version yet (a new or wiped Redis): nothing to trust a copy by. */
	version = reply->type == REDIS_REPLY_STRING ? strtoll(reply->str, NULL, 10) : -1;
	freeReplyObject(reply);
	if (version < 0)
		return trends_compute(r, a, now, max, out, n);
	if (version != trends_cache.version || now / 3600 != trends_cache.hour) {
		if (trends_compute(r, a, now, TRENDS_CACHE_MAX, &list, &count) < 0)
			return -1;
		trends_cache_store(now / 3600, version, list, count);
	}
	*n = 0;
	list = arena_calloc(a, trends_cache.n ? trends_cache.n : 1, sizeof(*list));
	if (!list)
		return -1;
	for (size_t i = 0; i < trends_cache.n && i < max; i++) {
		list[i] = trends_cache.list[i];
		list[i].tag = arena_strdup(a, trends_cache.list[i].tag);
		if (!list[i].tag)
			return -1;
		*n = i + 1;
	}
	*out = list;
	return 0;
}

int trends_rebuild(struct db *db, struct rds *r, long long now)
{
	struct arena *a = arena_new(64 * 1024);
	struct db_rows rows;
	int rc, recorded = 0;

	if (!a)
		return -1;
	rc = db_query(db, a, &rows, 200000,
		      "SELECT p.user_id, UNIX_TIMESTAMP(p.created_at), h.name FROM post_hashtags ph "
		      "JOIN posts p ON p.id = ph.post_id JOIN hashtags h ON h.id = ph.hashtag_id "
		      "WHERE p.state = 'approved' AND p.created_at > FROM_UNIXTIME(?) - INTERVAL 1 DAY",
		      "i", now);
	if (rc != DB_OK) {
		arena_free(a);
		return -1;
	}
	for (size_t i = 0; i < rows.nrows; i++) {
		const char *tag = db_cell(&rows, i, 2)->ptr;

		if (trends_record(r, db_cell_u64(&rows, i, 0), db_cell_i64(&rows, i, 1), &tag, 1) == 0)
			recorded++;
	}
	arena_free(a);
	return recorded;
}
