#ifndef BB_JOB_FANOUT_H
#define BB_JOB_FANOUT_H
/*
 * Timeline fan-out, run by `beaubelle worker` so the request that posts
 * returns at once however many followers the author has.
 *   fanout POST_ID            add an approved post or repost to the
 *                             author's and every follower's timeline
 *   unfanout POST_ID:USER_ID  remove a deleted one from them
 * Both can run twice without harm: LPUSHX of an id already at the head
 * is avoided, LREM of an absent id does nothing.
 */
struct buf;
struct job;
struct job_ctx;

int job_fanout(struct job_ctx *ctx, const struct job *job, struct buf *why);
int job_unfanout(struct job_ctx *ctx, const struct job *job, struct buf *why);

#endif
