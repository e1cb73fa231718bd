#ifndef BB_LIKES_H
#define BB_LIKES_H
/*
 * Likes and super likes. A super like is a like of the stronger kind: it
 * counts in likes_count and in superlikes_count. Each change updates the
 * post's counters in the same transaction; repeating it changes nothing.
 */
#include <stdbool.h>
#include <stddef.h>

#include "store/db.h"
#include "store/users.h"

struct arena;

enum like_kind { LIKE_NONE = 0, LIKE_NORMAL = 1, LIKE_SUPER = 2 };

#define LIKES_OVER_LIMIT 2 /* the daily super-like allowance is used up */

/*
 * Like post_id (LIKE_NORMAL) or super-like it (LIKE_SUPER; upgrades a
 * like). super_limit bounds super likes per 24 hours. DB_OK,
 * LIKES_OVER_LIMIT or a DB_ error; *changed tells whether anything did.
 */
int likes_set(struct db *db, unsigned long long uid, unsigned long long post_id, enum like_kind kind,
	      int super_limit, bool *changed);
/* Remove the like or super like; *kind_removed is what it was. */
int likes_unset(struct db *db, unsigned long long uid, unsigned long long post_id, enum like_kind *kind_removed);
/* Super likes left for uid in the last 24 hours. */
int likes_super_remaining(struct db *db, unsigned long long uid, int super_limit, int *remaining);
/* The like of uid on post_id now (LIKE_NONE when there is none). */
int likes_get(struct db *db, unsigned long long uid, unsigned long long post_id, enum like_kind *kind);
/* The viewer's like on each of ids. */
int likes_among(struct db *db, struct arena *a, unsigned long long uid, const unsigned long long *ids,
		size_t n, enum like_kind *out);

struct liker {
	unsigned long long cursor;
	struct person who;
	bool super;
};

/* Who liked post_id, newest first, cursor < max_cursor (0: start). */
int likes_page(struct db *db, struct arena *a, unsigned long long post_id, unsigned long long max_cursor,
	       size_t limit, struct liker **out, size_t *n);

/* The posts uid liked (super likes too), newest like first, like id <
 * before (0: start): the like ids (cursors) and the post ids. */
int likes_by_user(struct db *db, struct arena *a, unsigned long long uid, unsigned long long before, size_t limit,
		  unsigned long long **cursors, unsigned long long **post_ids, size_t *n);

#endif
