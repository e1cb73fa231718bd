#ifndef BB_DECK_RANK_H
#define BB_DECK_RANK_H
/*
 * Ordering the deck. Each candidate gets a score that is a weighted sum
 * of signals, each in [0, 1]:
 *   recency     newer posts first (half-life of a few days)
 *   popularity  likes and super likes, on a log scale
 *   social      how many accounts the viewer follows liked it
 *   similarity  closeness to what the viewer liked before (image
 *               signals from moderation; 0 until a model provides them)
 * A signal is one function in the table of rank.c: adding one (an image
 * embedding, say) means adding a row, not changing the deck.
 */
#include <stddef.h>

struct deck_candidate {
	unsigned long long id;
	unsigned long long author_id;
	unsigned long long likes;
	unsigned long long superlikes;
	long long created; /* unix seconds */
	unsigned social;   /* followees of the viewer who liked it */
	double similarity; /* [0, 1], from an image model; 0 when unknown */
	double score;
};

/* Score every candidate and sort them best first (stable for ties by id,
 * newest first). now is the current unix time. */
void deck_rank(struct deck_candidate *c, size_t n, long long now);

#endif
