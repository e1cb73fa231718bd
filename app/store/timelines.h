#ifndef BB_TIMELINES_H
#define BB_TIMELINES_H
/*
 * Home timelines in Redis: bb:tl:home:<uid> is a list of post ids, newest
 * first, capped at TIMELINES_CAP. Lists rather than sorted sets: one id
 * costs ~10 bytes instead of ~129 and a pipelined LPUSH+LTRIM to 10,000
 * timelines ~42 ms instead of 72-113 ms (measured on this kind of
 * machine); what sorted sets would make easy (inserting a followee's old
 * posts on follow, removing them on unfollow) is done by dropping the
 * list and rebuilding it from MariaDB on the next read instead.
 *
 * A timeline exists only for people who read it: fan-out pushes with
 * LPUSHX, so it skips anyone without a list, and lists expire after
 * TIMELINES_TTL without reads. A rebuilt list ends with a "0" sentinel so
 * an empty timeline still exists and is not rebuilt on every read.
 */
#include <stddef.h>

struct arena;
struct rds;

#define TIMELINES_CAP 800
#define TIMELINES_TTL (7 * 24 * 3600)

/* Add post_id to the head of each existing timeline of uids (pipelined). */
int tl_push(struct rds *r, const unsigned long long *uids, size_t n, unsigned long long post_id);
/* Remove post_id from the timelines of uids. */
int tl_remove(struct rds *r, const unsigned long long *uids, size_t n, unsigned long long post_id);
/* The newest count ids of uid's timeline (count 0: all of it), each once
 * (a delivery redone may have pushed one twice): 1 and ids when it
 * exists, 0 when it must be rebuilt, -1 when Redis is unavailable.
 * Refreshes its expiry. */
int tl_read(struct rds *r, struct arena *a, unsigned long long uid, size_t count, unsigned long long **ids,
	    size_t *n);
/* Replace uid's timeline with ids (newest first). */
int tl_store(struct rds *r, unsigned long long uid, const unsigned long long *ids, size_t n);
/* Forget uid's timeline; the next read rebuilds it. */
int tl_drop(struct rds *r, unsigned long long uid);

#endif
