#ifndef BB_OWED_JOBS_H
#define BB_OWED_JOBS_H
/*
 * Jobs owed to the queue: kept in MariaDB (owed_jobs) when Redis could
 * not take them, until the job worker queues them (jobs/queue.h).
 */
#include <stddef.h>

#include "store/db.h"

struct arena;

struct owed_job {
	unsigned long long id;
	const char *kind;
	const char *args;
};

/* Keep a job that could not be queued. */
int owed_jobs_add(struct db *db, const char *kind, const char *args);
/* Inside a transaction: up to limit of the oldest owed jobs, locked
 * until it ends (rows another job worker holds are skipped). */
int owed_jobs_lock_oldest(struct db *db, struct arena *a, size_t limit, struct owed_job **jobs, size_t *n);
/* How many are owed; -1 when MariaDB cannot say. */
long long owed_jobs_count(struct db *db, struct arena *a);
/* Queued: forget it. */
int owed_jobs_delete(struct db *db, unsigned long long id);

#endif
