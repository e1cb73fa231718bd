#ifndef BB_STORE_DECK_H
#define BB_STORE_DECK_H
/*
 * The deck's data: swipes, and the window of candidate cards. Candidates
 * are the newest approved originals the viewer has not posted or swiped,
 * found by walking the posts index from the newest down with an anti-join
 * on the viewer's swipes and a hard LIMIT, so the cost is bounded by the
 * window, not by everything the viewer has seen.
 */
#include <stdbool.h>
#include <stddef.h>

#include "deck/rank.h"
#include "store/db.h"
#include "store/posts.h"

struct arena;

enum deck_action { DECK_LIKE, DECK_SUPERLIKE, DECK_PASS };

/* ai keeps only AI-made posts, or only the others (store/posts.h). */
int deck_candidates(struct db *db, struct arena *a, unsigned long long uid, enum posts_ai ai, size_t limit,
		    struct deck_candidate **out, size_t *n);
/* For each candidate, how many accounts uid follows liked it. */
int deck_social(struct db *db, struct arena *a, unsigned long long uid, struct deck_candidate *c, size_t n);
/* Record a swipe once; *created is false when this card was swiped before. */
int deck_swipe(struct db *db, unsigned long long uid, unsigned long long post_id, enum deck_action action,
	       bool *created);

struct collection_entry {
	unsigned long long cursor;
	unsigned long long post_id;
	bool super;
};
/* The posts uid liked, newest like first, cursor < max_cursor. */
int deck_collection(struct db *db, struct arena *a, unsigned long long uid, unsigned long long max_cursor,
		    size_t limit, struct collection_entry **out, size_t *n);

#endif
