#ifndef BB_JOB_TREND_H
#define BB_JOB_TREND_H
/*
 *   trend POST_ID   count the approved post's hashtags in the hourly
 *                   trend buckets (a set per tag: running twice is harmless)
 */
struct buf;
struct job;
struct job_ctx;

int job_trend(struct job_ctx *ctx, const struct job *job, struct buf *why);

#endif
