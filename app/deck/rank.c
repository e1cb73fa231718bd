#include "deck/rank.h"

#include <math.h>
#include <stdlib.h>

#include "core/banned.h"

#define DECK_HALF_LIFE (3.0 * 86400.0)

static double deck_recency(const struct deck_candidate *c, long long now)
{
	double age = (double)(now - c->created);

	return age <= 0 ? 1.0 : pow(0.5, age / DECK_HALF_LIFE);
}

static double deck_popularity(const struct deck_candidate *c, long long now)
{
	(void)now;
	/* log scale, saturating near a thousand weighted likes */
	return fmin(1.0, log1p((double)c->likes + 2.0 * (double)c->superlikes) / log1p(1000.0));
}

static double deck_social(const struct deck_candidate *c, long long now)
{
	(void)now;
	return fmin(1.0, (double)c->social / 3.0);
}

static double deck_similarity(const struct deck_candidate *c, long long now)
{
	(void)now;
	return c->similarity;
}

static const struct {
	double (*signal)(const struct deck_candidate *, long long);
	double weight;
} deck_signals[] = {
	{ deck_recency, 0.40 },
	{ deck_popularity, 0.25 },
	{ deck_social, 0.20 },
	{ deck_similarity, 0.15 },
};

static int deck_cmp(const void *a, const void *b)
{
	const struct deck_candidate *x = a, *y = b;

	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return (x->id < y->id) - (x->id > y->id);
}

void deck_rank(struct deck_candidate *c, size_t n, long long now)
{
	for (size_t i = 0; i < n; i++) {
		c[i].score = 0;
		for (size_t s = 0; s < sizeof(deck_signals) / sizeof(deck_signals[0]); s++)
			c[i].score += deck_signals[s].weight * deck_signals[s].signal(&c[i], now);
	}
	qsort(c, n, sizeof(*c), deck_cmp);
}
