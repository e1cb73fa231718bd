#include "store/timelines.h"

#include <stdlib.h>

#include "core/arena.h"
#include "store/rds.h"
#include "core/banned.h"

#define TL_FLUSH_EVERY 1000 /* commands per pipeline flush */

/* Read n replies of a pipeline; -1 if any failed. */
int tl_push(struct rds *r, const unsigned long long *uids, size_t n, unsigned long long post_id)
{
	size_t pending = 0;
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		if (rds_append(r, "LPUSHX bb:tl:home:%llu %llu", uids[i], post_id) < 0 ||
		    rds_append(r, "LTRIM bb:tl:home:%llu 0 %d", uids[i], TIMELINES_CAP - 1) < 0)
			return -1;
		pending += 2;
		if (pending >= TL_FLUSH_EVERY) {
			rc |= rds_drain(r, pending);
			pending = 0;
		}
	}
	return rds_drain(r, pending) | rc;
}

int tl_remove(struct rds *r, const unsigned long long *uids, size_t n, unsigned long long post_id)
{
	size_t pending = 0;
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		if (rds_append(r, "LREM bb:tl:home:%llu 0 %llu", uids[i], post_id) < 0)
			return -1;
		if (++pending >= TL_FLUSH_EVERY) {
			rc |= rds_drain(r, pending);
			pending = 0;
		}
	}
	return rds_drain(r, pending) | rc;
}

int tl_read(struct rds *r, struct arena *a, unsigned long long uid, size_t count, unsigned long long **ids,
	    size_t *n)
{
	redisReply *list, *touch;
	size_t k = 0;

	if (rds_append(r, "LRANGE bb:tl:home:%llu 0 %lld", uid, (long long)count - 1) < 0 ||
	    rds_append(r, "EXPIRE bb:tl:home:%llu %d", uid, TIMELINES_TTL) < 0)
		return -1;
	list = rds_reply(r);
	touch = rds_reply(r);
	if (touch)
		freeReplyObject(touch);
	if (!list || list->type != REDIS_REPLY_ARRAY) {
		if (list)
			freeReplyObject(list);
		return -1;
	}
	if (list->elements == 0) {
		freeReplyObject(list);
		return 0;
	}
	*ids = arena_calloc(a, list->elements, sizeof(**ids));
	if (!*ids) {
		freeReplyObject(list);
		return -1;
	}
	for (size_t i = 0; i < list->elements; i++) {
		unsigned long long id = list->element[i]->str ? strtoull(list->element[i]->str, NULL, 10) : 0;

		if (id)
			(*ids)[k++] = id;
	}
	*n = k;
	freeReplyObject(list);
	return 1;
}

int tl_store(struct rds *r, unsigned long long uid, const unsigned long long *ids, size_t n)
{
	size_t cmds = 0;

	if (rds_append(r, "MULTI") < 0 || rds_append(r, "DEL bb:tl:home:%llu", uid) < 0)
		return -1;
	cmds = 2;
	for (size_t i = 0; i < n && i < TIMELINES_CAP; i++, cmds++)
		if (rds_append(r, "RPUSH bb:tl:home:%llu %llu", uid, ids[i]) < 0)
			return -1;
	if (rds_append(r, "RPUSH bb:tl:home:%llu 0", uid) < 0 ||
	    rds_append(r, "EXPIRE bb:tl:home:%llu %d", uid, TIMELINES_TTL) < 0 || rds_append(r, "EXEC") < 0)
		return -1;
	return rds_drain(r, cmds + 3);
}

int tl_drop(struct rds *r, unsigned long long uid)
{
	redisReply *reply = rds_cmd(r, "DEL bb:tl:home:%llu", uid);

	if (!reply)
		return -1;
	freeReplyObject(reply);
	return 0;
}
