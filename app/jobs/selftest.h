#ifndef BB_JOB_SELFTEST_H
#define BB_JOB_SELFTEST_H
/*
 * "selftest" jobs let an operator (and the test suite) prove the queue
 * works end to end: `beaubelle admin enqueue selftest ok:TOKEN` records
 * TOKEN in the Redis set bb:selftest:done. Arguments:
 *   ok:T          succeed
 *   fail:T        fail every time (ends in the dead-letter stream)
 *   flaky:N:T     fail the first N attempts, then succeed
 *   sleep:MS:T    take MS milliseconds, then succeed
 * Each run is also counted in the hash bb:selftest:runs under T.
 */
struct buf;
struct job;
struct job_ctx;

int job_selftest(struct job_ctx *ctx, const struct job *job, struct buf *why);

#endif
