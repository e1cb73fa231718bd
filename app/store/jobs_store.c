#include "store/jobs_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "core/log.h"
#include "store/rds.h"
#include "core/banned.h"

static long long jobs_now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

int jobs_store_enqueue(struct rds *r, const char *stream, const char *kind, const char *args)
{
	redisReply *reply;

	/* Jobs carry ids, never text: these bounds also keep the delayed-set
	 * encoding (newline-separated) unambiguous. */
	if (strlen(kind) >= sizeof(((struct job *)0)->kind) || strchr(kind, '\n') ||
	    strlen(args) >= sizeof(((struct job *)0)->args) || strchr(args, '\n'))
		return -1;
	reply = rds_cmd(r, "XADD %s * kind %s args %s attempt 1", stream, kind, args);
	if (!reply)
		return -1;
	freeReplyObject(reply);
	return 0;
}

size_t jobs_store_enqueue_ids(struct rds *r, const char *stream, const char *kind, const unsigned long long *ids,
			      size_t n)
{
	size_t queued = 0;
	char id[24];

	for (size_t i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "%llu", ids[i]);
		if (jobs_store_enqueue(r, stream, kind, id) == 0)
			queued++;
	}
	return queued;
}

int jobs_store_ensure_group(struct rds *r, const char *stream)
{
	redisContext *ctx = rds_ctx(r);
	redisReply *reply;

	if (!ctx)
		return -1;
	/* Called directly: BUSYGROUP (the group exists) is the normal case
	 * and not an error worth logging. */
	reply = redisCommand(ctx, "XGROUP CREATE %s %s 0 MKSTREAM", stream, JOBS_GROUP);
	if (!reply)
		return -1;
	freeReplyObject(reply);
	return 0;
}

static void jobs_copy_field(char *dst, size_t cap, const redisReply *v)
{
	size_t n = v->len < cap - 1 ? v->len : cap - 1;

	memcpy(dst, v->str, n);
	dst[n] = '\0';
}

/* Fill a job from one stream entry: [id, [field, value, ...]]. */
static bool jobs_parse_entry(const redisReply *e, struct job *job)
{
	const redisReply *fields;

	if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 || e->element[0]->type != REDIS_REPLY_STRING)
		return false;
	memset(job, 0, sizeof(*job));
	jobs_copy_field(job->id, sizeof(job->id), e->element[0]);
	job->attempt = 1;
	fields = e->element[1];
	if (fields->type != REDIS_REPLY_ARRAY) /* deleted entry */
		return true;
	for (size_t i = 0; i + 1 < fields->elements; i += 2) {
		const redisReply *k = fields->element[i], *v = fields->element[i + 1];

		if (k->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING)
			continue;
		if (strcmp(k->str, "kind") == 0)
			jobs_copy_field(job->kind, sizeof(job->kind), v);
		else if (strcmp(k->str, "args") == 0)
			jobs_copy_field(job->args, sizeof(job->args), v);
		else if (strcmp(k->str, "attempt") == 0)
			job->attempt = atoi(v->str) > 0 ? atoi(v->str) : 1;
	}
	return true;
}

static int jobs_parse_entries(const redisReply *entries, struct job *out, size_t max)
{
	size_t n = 0;

	if (entries->type != REDIS_REPLY_ARRAY)
		return 0;
	for (size_t i = 0; i < entries->elements && n < max; i++)
		if (jobs_parse_entry(entries->element[i], &out[n]))
			n++;
	return (int)n;
}

int jobs_store_read(struct rds *r, const char *stream, const char *consumer, int block_ms,
		    struct job *out, size_t max)
{
	redisReply *reply = rds_cmd(r, "XREADGROUP GROUP %s %s COUNT %d BLOCK %d STREAMS %s >",
				    JOBS_GROUP, consumer, (int)max, block_ms, stream);
	int n = 0;

	if (!reply) {
		/* NOGROUP after Redis lost its data: recreate and go on. */
		jobs_store_ensure_group(r, stream);
		return -1;
	}
	if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 1 &&
	    reply->element[0]->elements == 2)
		n = jobs_parse_entries(reply->element[0]->element[1], out, max);
	for (int i = 0; i < n; i++)
		out[i].deliveries = 1;
	freeReplyObject(reply);
	return n;
}

int jobs_store_claim(struct rds *r, const char *stream, const char *consumer, long long idle_ms,
		     struct job *out, size_t max)
{
	redisReply *pend = rds_cmd(r, "XPENDING %s %s IDLE %lld - + %d", stream, JOBS_GROUP,
				   idle_ms, (int)max);
	int n = 0;

	if (!pend)
		return -1;
	for (size_t i = 0; pend->type == REDIS_REPLY_ARRAY && i < pend->elements && (size_t)n < max; i++) {
		const redisReply *p = pend->element[i];
		redisReply *claimed;
		long long deliveries;

		if (p->type != REDIS_REPLY_ARRAY || p->elements < 4)
			continue;
		deliveries = p->element[3]->integer;
		/* XCLAIM with the same idle bound: if another worker claimed
		 * it meanwhile, it is no longer idle and nothing comes back. */
		claimed = rds_cmd(r, "XCLAIM %s %s %s %lld %s", stream, JOBS_GROUP, consumer, idle_ms,
				  p->element[0]->str);
		if (!claimed)
			continue;
		if (claimed->type == REDIS_REPLY_ARRAY && claimed->elements == 1 &&
		    jobs_parse_entry(claimed->element[0], &out[n])) {
			out[n].deliveries = deliveries + 1;
			n++;
		}
		freeReplyObject(claimed);
	}
	freeReplyObject(pend);
	return n;
}

int jobs_store_ack(struct rds *r, const char *stream, const struct job *job)
{
	redisReply *reply;

	if (rds_append(r, "MULTI") < 0 ||
	    rds_append(r, "XACK %s %s %s", stream, JOBS_GROUP, job->id) < 0 ||
	    rds_append(r, "XDEL %s %s", stream, job->id) < 0 || rds_append(r, "EXEC") < 0)
		return -1;
	for (int i = 0; i < 4; i++) {
		reply = rds_reply(r);
		if (!reply)
			return -1;
		freeReplyObject(reply);
	}
	return 0;
}

int jobs_store_retry(struct rds *r, const char *stream, const struct job *job, long long delay_ms)
{
	char member[800];
	redisReply *reply;

	/* The member carries everything needed to re-add the job; the entry
	 * id keeps two identical jobs from collapsing into one member. */
	snprintf(member, sizeof(member), "%d\n%s\n%s\n%s", job->attempt + 1, job->kind, job->args,
		 job->id);
	reply = rds_cmd(r, "ZADD %s:delayed %lld %s", stream, jobs_now_ms() + delay_ms, member);
	if (!reply)
		return -1;
	freeReplyObject(reply);
	return jobs_store_ack(r, stream, job);
}

int jobs_store_bury(struct rds *r, const char *stream, const struct job *job, const char *reason)
{
	redisReply *reply = rds_cmd(r, "XADD %s:dead MAXLEN ~ 10000 * kind %s args %s attempt %d reason %s",
				    stream, job->kind, job->args, job->attempt, reason);

	if (!reply)
		return -1;
	freeReplyObject(reply);
	log_warn("event=job_dead kind=%s args=%s attempts=%d reason=\"%s\"", job->kind, job->args,
		 job->attempt, reason);
	return jobs_store_ack(r, stream, job);
}

/*
 * Atomically move due members of the delayed set back into the stream, so
 * a crash between the two steps cannot lose or duplicate a job.
 */
static const char jobs_promote_lua[] =
	"local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, 100)\n"
	"for _, m in ipairs(due) do\n"
	"  local a, k, g = string.match(m, '^(%d+)\\n([^\\n]*)\\n([^\\n]*)\\n')\n"
	"  if a then redis.call('XADD', KEYS[1], '*', 'kind', k, 'args', g, 'attempt', a) end\n"
	"  redis.call('ZREM', KEYS[2], m)\n"
	"end\n"
	"return #due\n";

int jobs_store_promote(struct rds *r, const char *stream)
{
	char delayed[256], now[32];
	const char *argv[6];
	size_t lens[6];
	redisReply *reply;
	int n;

	snprintf(delayed, sizeof(delayed), "%s:delayed", stream);
	snprintf(now, sizeof(now), "%lld", jobs_now_ms());
	argv[0] = "EVAL";
	argv[1] = jobs_promote_lua;
	argv[2] = "2";
	argv[3] = stream;
	argv[4] = delayed;
	argv[5] = now;
	for (int i = 0; i < 6; i++)
		lens[i] = strlen(argv[i]);
	reply = rds_cmd_argv(r, 6, argv, lens);
	if (!reply)
		return -1;
	n = reply->type == REDIS_REPLY_INTEGER ? (int)reply->integer : 0;
	freeReplyObject(reply);
	return n;
}

static long long jobs_int_reply(struct rds *r, const char *fmt, const char *stream)
{
	redisReply *reply = rds_cmd(r, fmt, stream);
	long long v = -1;

	if (reply && reply->type == REDIS_REPLY_INTEGER)
		v = reply->integer;
	if (reply)
		freeReplyObject(reply);
	return v;
}

void jobs_store_stats(struct rds *r, const char *stream, long long *depth, long long *pending,
		      long long *dead)
{
	redisReply *reply;
	char key[256];

	*depth = jobs_int_reply(r, "XLEN %s", stream);
	snprintf(key, sizeof(key), "%s:dead", stream);
	*dead = jobs_int_reply(r, "XLEN %s", key);
	*pending = -1;
	reply = rds_cmd(r, "XPENDING %s %s", stream, JOBS_GROUP);
	if (reply && reply->type == REDIS_REPLY_ARRAY && reply->elements >= 1 &&
	    reply->element[0]->type == REDIS_REPLY_INTEGER)
		*pending = reply->element[0]->integer;
	if (reply)
		freeReplyObject(reply);
}
