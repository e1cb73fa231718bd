#ifndef BB_FOLLOWS_H
#define BB_FOLLOWS_H
/*
 * Who follows whom. Each change updates both accounts' counters in the
 * same transaction as the row, so counts stay exact under concurrency;
 * following twice or unfollowing twice changes nothing the second time.
 */
#include <stdbool.h>
#include <stddef.h>

#include "store/db.h"
#include "store/users.h"

struct arena;

/* An account in a followers/following list, with the row id as cursor. */
struct follow_entry {
	unsigned long long cursor;
	struct person who;
};

int follows_create(struct db *db, unsigned long long follower, unsigned long long followee, bool *created);
int follows_delete(struct db *db, unsigned long long follower, unsigned long long followee, bool *deleted);
/* Whether a follows b. */
int follows_exists(struct db *db, unsigned long long a, unsigned long long b, bool *out);
/* Followers (or followees when following) of uid, newest first, cursor < max_cursor (0: start). */
int follows_page(struct db *db, struct arena *a, unsigned long long uid, bool following,
		 unsigned long long max_cursor, size_t limit, struct follow_entry **out, size_t *n);
/* Follower ids of uid greater than after, ascending, at most limit: for
 * walking every follower in batches. */
int follows_follower_ids(struct db *db, struct arena *a, unsigned long long uid, unsigned long long after,
			 size_t limit, unsigned long long **ids, size_t *n);
/* Which of ids the viewer follows (out[i] set for each). */
int follows_among(struct db *db, struct arena *a, unsigned long long viewer, const unsigned long long *ids,
		  size_t n, bool *out);

#endif
