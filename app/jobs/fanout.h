#ifndef BB_JOB_FANOUT_H
#define BB_JOB_FANOUT_H
/*
 * Delivery of approved posts, run by `beaubelle worker` so the request
 * that posts returns at once however many followers the author has.
 *   deliver POST_ID           add an approved post or repost to the
 *                             author's and every follower's timeline,
 *                             then queue what follows it (trend and
 *                             mention jobs; a repost's notification),
 *                             once: it runs only while the post is owed
 *                             its delivery (store/deliveries.h)
 *   fanout POST_ID            the timelines alone, for jobs queued by a
 *                             version without deliveries
 *   unfanout POST_ID:USER_ID  remove a deleted one from them
 * A repeated push (a job retried after part of its fan-out, or redone
 * after Redis lost it) leaves an id twice in a timeline; readers keep
 * the first. LREM of an absent id does nothing.
 */
struct app;
struct arena;
struct buf;
struct job;
struct job_ctx;

int job_fanout(struct job_ctx *ctx, const struct job *job, struct buf *why);
int job_unfanout(struct job_ctx *ctx, const struct job *job, struct buf *why);
int job_deliver(struct job_ctx *ctx, const struct job *job, struct buf *why);
/* Queue again the deliveries owed longer than [jobs] redeliver_after. */
void deliveries_resweep(struct app *app, struct arena *a);

#endif
