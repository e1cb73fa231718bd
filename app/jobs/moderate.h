#ifndef BB_JOB_MODERATE_H
#define BB_JOB_MODERATE_H
/*
 *   moderate POST_ID   screen a pending post with BeauBelle AI (faces,
 *                      then gender, then decency), store the scores and
 *                      the decision, and tell the author. An approved
 *                      post then reaches timelines like any other. A post
 *                      no longer pending is left alone, so the job can
 *                      run twice.
 */
struct buf;
struct job;
struct job_ctx;

int job_moderate(struct job_ctx *ctx, const struct job *job, struct buf *why);
/*
 *   moderated POST_ID:STATE   after a person decided (approved, rejected,
 *                             removed): release an approved post to
 *                             timelines and tell the author
 */
int job_moderated(struct job_ctx *ctx, const struct job *job, struct buf *why);

struct app;
struct arena;
/*
 * Queue a moderate job again for posts pending longer than the
 * configured resweep_after: the job lives in Redis, the post in MariaDB,
 * and a Redis that lost its data must not leave a post pending forever.
 * A post screened twice is settled once (the job is idempotent).
 */
void moderate_resweep(struct app *app, struct arena *a);

#endif
