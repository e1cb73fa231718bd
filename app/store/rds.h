#ifndef BB_RDS_H
#define BB_RDS_H
/*
 * Redis access through hiredis. One connection per process, opened lazily
 * and reopened after an error. A command is never retried after it may
 * have reached the server: callers get NULL and decide (most Redis data
 * is a cache and the caller falls back to MariaDB).
 */
#include <hiredis/hiredis.h>
#include <stdbool.h>

struct buf;
struct conf;
struct rds;

struct rds *rds_open(const struct conf *c, struct buf *err);
void rds_close(struct rds *r);
/* Connected and answering PING. */
bool rds_check(struct rds *r);
/* Run one command; the reply is the caller's to freeReplyObject().
 * NULL when Redis is unreachable or the reply is an error (logged). */
redisReply *rds_cmd(struct rds *r, const char *fmt, ...);
redisReply *rds_cmd_argv(struct rds *r, int argc, const char **argv, const size_t *lens);
/* Pipelining: append commands, then read their replies in order. A
 * failed append drops the connection, with whatever was appended before
 * it: none of it was sent. */
int rds_append(struct rds *r, const char *fmt, ...);
redisReply *rds_reply(struct rds *r);
/* After a request or a job: replies left unread (a caller that gave up
 * half-way through a pipeline) would answer the next commands, so the
 * connection is dropped and made again. It also ends the request's
 * holiday from Redis: after one failed command, the rest of a request
 * fails at once instead of waiting out the timeout again. */
void rds_settle(struct rds *r);
/* Read and drop the replies of n appended commands: 0, or -1 when any
 * failed (all n are read either way, so the pipeline stays in step). */
int rds_drain(struct rds *r, size_t n);
/* The hiredis context, for code that needs it directly (NULL when down). */
redisContext *rds_ctx(struct rds *r);

#endif
