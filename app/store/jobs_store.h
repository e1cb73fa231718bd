#ifndef BB_JOBS_STORE_H
#define BB_JOBS_STORE_H
/*
 * The job queue in Redis. Jobs are entries of a stream (default bb:jobs)
 * read through the consumer group "workers"; each entry carries a kind,
 * its arguments (ids only, never whole objects) and the attempt number.
 * A failed job waits in a sorted set (<stream>:delayed, scored by due
 * time) and goes back to the stream when due; after the last attempt it
 * is parked in <stream>:dead with the reason.
 */
#include <stdbool.h>
#include <stddef.h>

struct rds;

#define JOBS_GROUP "workers"

struct job {
	char id[64];     /* stream entry id */
	char kind[64];
	char args[512];
	int attempt;     /* 1 on the first run */
	long long deliveries; /* times the group delivered this entry */
};

/* Add a job; 0 or -1 when Redis is unavailable. */
int jobs_store_enqueue(struct rds *r, const char *stream, const char *kind, const char *args);
/* Add a job of kind for each id (its only argument); how many were. */
size_t jobs_store_enqueue_ids(struct rds *r, const char *stream, const char *kind, const unsigned long long *ids,
			      size_t n);
/* Create the stream and group if missing (idempotent). */
int jobs_store_ensure_group(struct rds *r, const char *stream);
/* Read up to max new jobs for consumer, waiting up to block_ms. Returns
 * the count, or -1 when Redis is unavailable. */
int jobs_store_read(struct rds *r, const char *stream, const char *consumer, int block_ms,
		    struct job *out, size_t max);
/* Take over jobs pending longer than idle_ms on any consumer. */
int jobs_store_claim(struct rds *r, const char *stream, const char *consumer, long long idle_ms,
		     struct job *out, size_t max);
int jobs_store_ack(struct rds *r, const char *stream, const struct job *job);
/* Schedule the next attempt after delay_ms, then acknowledge this one. */
int jobs_store_retry(struct rds *r, const char *stream, const struct job *job, long long delay_ms);
/* Park the job in the dead-letter stream with reason, then acknowledge. */
int jobs_store_bury(struct rds *r, const char *stream, const struct job *job, const char *reason);
/* Move delayed jobs that are due back to the stream; returns how many. */
int jobs_store_promote(struct rds *r, const char *stream);
/* Depth, pending and dead counts for metrics; -1 each when unknown. */
void jobs_store_stats(struct rds *r, const char *stream, long long *depth, long long *pending,
		      long long *dead);

#endif
