#ifndef BB_JOB_NOTIFY_H
#define BB_JOB_NOTIFY_H
/*
 * Notification jobs, written by the worker from the event, not in the
 * request that caused it (a burst of likes costs the liker nothing):
 *   notify KIND:ACTOR:TARGET    like, superlike, repost (TARGET = post id),
 *                               follow (TARGET = followed user id)
 *   notify mention:POST         everyone the post's caption mentions
 *   unnotify KIND:ACTOR:TARGET  an undone like, repost or follow
 *   notify moderation:POST:STATE  the author learns the outcome
 * The event is checked again when the job runs (the like may already be
 * undone), and nothing notifies oneself, a blocked account, or someone
 * who turned that kind off.
 */
struct app;
struct buf;
struct job;
struct job_ctx;

/* Tell author the moderation outcome of post_id (detail: approved,
 * rejected, review or removed). A JOB_ result. */
int notify_moderation(struct job_ctx *ctx, unsigned long long author, unsigned long long post_id,
		      const char *detail);

int job_notify(struct job_ctx *ctx, const struct job *job, struct buf *why);
/* Queue a notify job again for every event of the last seconds, after
 * Redis lost jobs (a restart that lost its last writes, or a wipe): each
 * job checks its event again and notifications are made once, so the
 * ones that were sent stay as they are. The number queued, or -1. */
long long notify_requeue_recent(struct app *app, int seconds);
int job_unnotify(struct job_ctx *ctx, const struct job *job, struct buf *why);

#endif
