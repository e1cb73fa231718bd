#ifndef BB_TRENDS_H
#define BB_TRENDS_H
/*
 * Trending hashtags, counted in Redis in hourly buckets: the set
 * bb:trend:<hour>:<tag> holds the ids of the accounts that used the tag
 * in that hour (so one account posting a tag fifty times counts once),
 * and bb:trend:<hour> lists the hour's tags. Buckets expire after a day
 * and an hour; trends_rebuild() recounts them from MariaDB.
 */
#include <stddef.h>

struct arena;
struct db;
struct rds;

#define TRENDS_HOURS 24

struct trend {
	char *tag;
	double score;           /* distinct accounts, recent hours weigh more */
	unsigned accounts;      /* distinct accounts over the whole day */
	unsigned hourly[TRENDS_HOURS]; /* oldest first */
};

/* Record that uid used tags (of one post) at unix time t. */
int trends_record(struct rds *r, unsigned long long uid, long long t, const char *const *tags, size_t ntags);
/* The top trends of the last 24 hours, best first, at most max; each
 * process reuses what it worked out until the buckets change or the hour
 * turns. */
int trends_top(struct rds *r, struct arena *a, long long now, size_t max, struct trend **out, size_t *n);
/* Recount the last day's buckets from MariaDB; returns tags recorded. */
int trends_rebuild(struct db *db, struct rds *r, long long now);

#endif
