#include "store/timelines.h"

#include <stdbool.h>
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

/* Whether id is new to the open-addressed set seen (slots a power of
 * two, more than the ids put in it); adds it. */
static bool tl_first_sight(unsigned long long *seen, size_t slots, unsigned long long id)
{
	size_t i = (size_t)((id * 0x9E3779B97F4A7C15ULL) >> 32) & (slots - 1);

	while (seen[i] && seen[i] != id)
		i = (i + 1) & (slots - 1);
	if (seen[i])
		return false;
	seen[i] = id;
	return true;
}

int tl_read(struct rds *r, struct arena *a, unsigned long long uid, size_t count, unsigned long long **ids,
	    size_t *n)
{
	redisReply *list, *touch;
	unsigned long long *seen;
	size_t k = 0, slots = 64;

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
	while (slots < 2 * list->elements)
		slots *= 2;
	*ids = arena_calloc(a, list->elements, sizeof(**ids));
	seen = arena_calloc(a, slots, sizeof(*seen));
	if (!*ids || !seen) {
		freeReplyObject(list);
		return -1;
	}
	for (size_t i = 0; i < list->elements; i++) {
		unsigned long long id = list->element[i]->str ? strtoull(list->element[i]->str, NULL, 10) : 0;

		if (id && tl_first_sight(seen, slots, id))
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
