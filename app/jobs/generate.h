#ifndef BB_JOBS_GENERATE_H
#define BB_JOBS_GENERATE_H
/*
 * The "generate" job (args: a generation id): ask the engine for the
 * images, run each through the upload pipeline, and store them as the
 * request's results; or settle the request failed with an error code and
 * leave nothing else behind. An engine that fails is not retried by the
 * job queue (the person is waiting; the HTTP client has retried already).
 */
struct buf;
struct job;
struct job_ctx;

int job_generate(struct job_ctx *ctx, const struct job *job, struct buf *why);

#endif
