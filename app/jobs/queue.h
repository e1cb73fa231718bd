#ifndef BB_JOB_QUEUE_H
#define BB_JOB_QUEUE_H
/*
 * Queueing a job from a request, so that it is never lost: what the
 * request wrote is in MariaDB, and when Redis cannot take the job that
 * follows from it, the job is kept in MariaDB (store/owed_jobs.h) and
 * the job worker queues it once Redis answers again.
 */
struct app;
struct arena;

/* Queue kind with args; 0 when queued, 1 when kept as owed, -1 when
 * neither Redis nor MariaDB took it (logged). */
int jobs_queue(struct app *app, const char *kind, const char *args);
/* In the job worker: queue owed jobs, oldest first, while Redis takes
 * them; how many were queued, or -1. */
long long jobs_owed_resweep(struct app *app, struct arena *a);

#endif
