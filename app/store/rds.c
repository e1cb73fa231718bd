#include "store/rds.h"

#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "core/buf.h"
#include "core/conf.h"
#include "core/log.h"
#include "core/banned.h"

struct rds {
	redisContext *ctx;
	const struct conf *conf;
	bool logged_down; /* log a lost connection once, not per command */
	size_t pending;   /* appended commands whose replies are unread */
	bool failed;      /* a command failed since the last rds_settle() */
	long long retry_at_ms; /* no new connection before (monotonic) */
	long long op_started_ms; /* when the connect or command now failing began */
	bool idle_checked; /* the kept connection was checked in this request */
};

static void rds_drop(struct rds *r)
{
	if (r->ctx)
		redisFree(r->ctx);
	r->ctx = NULL;
	r->pending = 0;
}

/* After Redis failed by not answering in time, the process waits this
 * long before trying it again: a frozen server would otherwise cost
 * every request of every worker the whole timeout, and tie the pool up
 * (F11). A refused connection costs nothing and is retried at once. */
#define RDS_HOLD_OFF_MS 1000

static long long rds_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The connection failed: drop it, and after a wait that ran out hold off
 * new ones for a while. */
static void rds_fail(struct rds *r)
{
	long long now = rds_now_ms();

	rds_drop(r);
	r->failed = true;
	if (now - r->op_started_ms >= r->conf->redis_timeout_ms / 2)
		r->retry_at_ms = now + RDS_HOLD_OFF_MS;
}

/* Replies nobody will read would answer the next commands. */
static void rds_discard_unread(struct rds *r)
{
	if (!r->pending)
		return;
	log_warn("event=redis_replies_unread count=%zu", r->pending);
	rds_drop(r);
}

void rds_settle(struct rds *r)
{
	if (!r)
		return;
	r->failed = false;
	r->idle_checked = false;
	rds_discard_unread(r);
}

/* Whether a connection nothing is expected on has something to read: the
 * end of it, because Redis restarted or dropped it since the last
 * request. A command on it would fail, and the request with it. */
static bool rds_closed_by_peer(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLRDHUP };

	return poll(&p, 1, 0) != 0;
}

static int rds_connect(struct rds *r)
{
	const struct conf *c = r->conf;
	struct timeval tv = { c->redis_timeout_ms / 1000, (c->redis_timeout_ms % 1000) * 1000 };
	redisReply *reply;

	/* hiredis 0.14 does not check a context's error before using it, and
	 * one that ran out of memory may have lost its output buffer: never
	 * reuse a context in error. */
	if (r->ctx && r->ctx->err)
		rds_drop(r);
	if (r->ctx && !r->idle_checked) {
		r->idle_checked = true;
		if (rds_closed_by_peer(r->ctx->fd))
			rds_drop(r);
	}
	if (r->ctx)
		return 0;
	/* Redis failed once in this request or job: a frozen server would
	 * make each later command wait out the timeout again (three of them
	 * made a page take 6 s). The rest of the request does without it. */
	r->op_started_ms = rds_now_ms();
	if (r->failed || r->op_started_ms < r->retry_at_ms)
		return -1;
	if (c->redis_socket[0])
		r->ctx = redisConnectUnixWithTimeout(c->redis_socket, tv);
	else
		r->ctx = redisConnectWithTimeout(c->redis_host, c->redis_port, tv);
	if (!r->ctx || r->ctx->err) {
		if (!r->logged_down)
			log_warn("event=redis_unavailable error=\"%s\"",
				 r->ctx ? r->ctx->errstr : "out of memory");
		r->logged_down = true;
		rds_fail(r);
		return -1;
	}
	redisSetTimeout(r->ctx, tv);
	if (c->redis_password[0]) {
		reply = redisCommand(r->ctx, "AUTH %s", c->redis_password);
		if (!reply || reply->type == REDIS_REPLY_ERROR) {
			log_error("event=redis_auth_failed");
			if (reply)
				freeReplyObject(reply);
			rds_drop(r);
			return -1;
		}
		freeReplyObject(reply);
	}
	if (c->redis_db) {
		reply = redisCommand(r->ctx, "SELECT %d", c->redis_db);
		if (!reply || reply->type == REDIS_REPLY_ERROR) {
			if (reply)
				freeReplyObject(reply);
			rds_drop(r);
			return -1;
		}
		freeReplyObject(reply);
	}
	if (r->logged_down)
		log_info("event=redis_reconnected");
	r->logged_down = false;
	return 0;
}

struct rds *rds_open(const struct conf *c, struct buf *err)
{
	struct rds *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->conf = c;
	if (rds_connect(r) < 0 && err)
		buf_puts(err, "redis: unreachable");
	return r;
}

void rds_close(struct rds *r)
{
	if (!r)
		return;
	rds_drop(r);
	free(r);
}

redisContext *rds_ctx(struct rds *r)
{
	if (rds_connect(r) < 0)
		return NULL;
	return r->ctx;
}

/* Turn a raw reply into the contract: NULL on I/O failure or error reply. */
static redisReply *rds_checked(struct rds *r, redisReply *reply)
{
	if (!reply) {
		log_warn("event=redis_error error=\"%s\"", r->ctx ? r->ctx->errstr : "down");
		rds_fail(r);
		return NULL;
	}
	if (reply->type == REDIS_REPLY_ERROR) {
		log_warn("event=redis_error_reply error=\"%.*s\"", (int)reply->len, reply->str);
		freeReplyObject(reply);
		return NULL;
	}
	return reply;
}

redisReply *rds_cmd(struct rds *r, const char *fmt, ...)
{
	redisReply *reply;
	va_list ap;

	rds_discard_unread(r);
	if (rds_connect(r) < 0)
		return NULL;
	r->op_started_ms = rds_now_ms();
	va_start(ap, fmt);
	reply = redisvCommand(r->ctx, fmt, ap);
	va_end(ap);
	return rds_checked(r, reply);
}

redisReply *rds_cmd_argv(struct rds *r, int argc, const char **argv, const size_t *lens)
{
	rds_discard_unread(r);
	if (rds_connect(r) < 0)
		return NULL;
	r->op_started_ms = rds_now_ms();
	return rds_checked(r, redisCommandArgv(r->ctx, argc, argv, lens));
}

int rds_append(struct rds *r, const char *fmt, ...)
{
	va_list ap;
	int rc;

	if (rds_connect(r) < 0)
		return -1;
	va_start(ap, fmt);
	rc = redisvAppendCommand(r->ctx, fmt, ap);
	va_end(ap);
	if (rc != REDIS_OK) {
		rds_drop(r);
		return -1;
	}
	r->pending++;
	return 0;
}

redisReply *rds_reply(struct rds *r)
{
	void *reply = NULL;

	if (!r->ctx)
		return NULL;
	if (r->pending)
		r->pending--;
	r->op_started_ms = rds_now_ms();
	if (redisGetReply(r->ctx, &reply) != REDIS_OK)
		reply = NULL;
	return rds_checked(r, reply);
}

int rds_drain(struct rds *r, size_t n)
{
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		redisReply *reply = rds_reply(r);

		if (!reply)
			rc = -1;
		else
			freeReplyObject(reply);
	}
	return rc;
}

bool rds_check(struct rds *r)
{
	redisReply *reply = rds_cmd(r, "PING");
	bool ok = reply && reply->type == REDIS_REPLY_STATUS;

	if (reply)
		freeReplyObject(reply);
	return ok;
}
