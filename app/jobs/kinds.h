#ifndef BB_JOB_KINDS_H
#define BB_JOB_KINDS_H
/*
 * The kinds of background job and what runs each. A job function must be
 * idempotent: it may run twice (a worker can die after the work and
 * before the acknowledgement).
 */
struct app;
struct arena;
struct buf;
struct job;

enum job_result {
	JOB_DONE = 0,
	JOB_RETRY = -1,   /* transient failure: try again later */
	JOB_FAILED = -2,  /* will never succeed: park it now */
};

struct job_ctx {
	struct app *app;
	struct arena *arena;
};

typedef int (*job_fn)(struct job_ctx *ctx, const struct job *job, struct buf *why);

struct job_kind {
	const char *name;
	job_fn run;
};

const struct job_kind *job_kind_find(const char *name);

#endif
