#include "jobs/fanout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/conf.h"
#include "core/log.h"
#include "jobs/kinds.h"
#include "store/deliveries.h"
#include "store/follows.h"
#include "store/jobs_store.h"
#include "store/posts.h"
#include "store/timelines.h"
#include "web/app.h"
#include "core/banned.h"

#define FANOUT_BATCH 1000
#define REDELIVER_BATCH 500

/*
 * Apply fn to the author's timeline and then to every follower's, in
 * batches read by follower id so memory stays bounded.
 */
static int fanout_each(struct job_ctx *ctx, unsigned long long author, unsigned long long post_id,
		       int (*fn)(struct rds *, const unsigned long long *, size_t, unsigned long long),
		       struct buf *why)
{
	struct app *app = ctx->app;
	unsigned long long after = 0, *ids;
	size_t n, total = 0;

	if (fn(app->rds, &author, 1, post_id) < 0) {
		buf_puts(why, "redis unavailable");
		return JOB_RETRY;
	}
	do {
		n = 0;
		if (follows_follower_ids(app->db, ctx->arena, author, after, FANOUT_BATCH, &ids, &n) != DB_OK) {
			buf_puts(why, "database unavailable");
			return JOB_RETRY;
		}
		if (n && fn(app->rds, ids, n, post_id) < 0) {
			buf_puts(why, "redis unavailable");
			return JOB_RETRY;
		}
		total += n;
		if (n)
			after = ids[n - 1];
	} while (n == FANOUT_BATCH);
	log_debug("event=fanout post_id=%llu followers=%zu", post_id, total);
	return JOB_DONE;
}

/* The post a job names, into p: 1 to go on, or the job's result (a bad
 * id, a post deleted meanwhile, MariaDB away). */
static int fanout_post(struct job_ctx *ctx, const struct job *job, struct post *p, struct buf *why)
{
	unsigned long long id = strtoull(job->args, NULL, 10);
	int rc;

	if (!id) {
		buf_puts(why, "bad post id");
		return JOB_FAILED;
	}
	rc = posts_find(ctx->app->db, ctx->arena, id, p);
	if (rc == POSTS_NOT_FOUND)
		return JOB_DONE; /* deleted meanwhile: nothing to deliver (nor owed) */
	if (rc != DB_OK) {
		buf_puts(why, "database unavailable");
		return JOB_RETRY;
	}
	return 1;
}

int job_fanout(struct job_ctx *ctx, const struct job *job, struct buf *why)
{
	struct post p;
	int rc = fanout_post(ctx, job, &p, why);

	if (rc != 1)
		return rc;
	if (strcmp(p.state, "approved") != 0)
		return JOB_DONE;
	return fanout_each(ctx, p.user_id, p.id, tl_push, why);
}

/* What follows a post's fan-out: its trending tags and mentions, or for
 * a repost the notification of the original's author. -1 when one could
 * not be queued. */
static int deliver_followups(struct job_ctx *ctx, const struct post *p)
{
	struct app *app = ctx->app;
	const char *stream = app->conf->jobs_stream;
	char args[64];

	if (p->repost_of_id) {
		snprintf(args, sizeof(args), "repost:%llu:%llu", p->user_id, p->repost_of_id);
		return jobs_store_enqueue(app->rds, stream, "notify", args);
	}
	snprintf(args, sizeof(args), "%llu", p->id);
	if (strchr(p->caption, '#') && jobs_store_enqueue(app->rds, stream, "trend", args) < 0)
		return -1;
	snprintf(args, sizeof(args), "mention:%llu", p->id);
	if (strchr(p->caption, '@') && jobs_store_enqueue(app->rds, stream, "notify", args) < 0)
		return -1;
	return 0;
}

int job_deliver(struct job_ctx *ctx, const struct job *job, struct buf *why)
{
	struct db *db = ctx->app->db;
	struct post p;
	bool owed = false;
	int rc = fanout_post(ctx, job, &p, why);

	if (rc != 1)
		return rc;
	if (deliveries_owed(db, ctx->arena, p.id, &owed) != DB_OK) {
		buf_puts(why, "database unavailable");
		return JOB_RETRY;
	}
	if (!owed)
		return JOB_DONE; /* an earlier copy of this job delivered it */
	if (strcmp(p.state, "approved") == 0) {
		rc = fanout_each(ctx, p.user_id, p.id, tl_push, why);
		if (rc != JOB_DONE)
			return rc;
		if (deliver_followups(ctx, &p) < 0) {
			buf_puts(why, "redis unavailable");
			return JOB_RETRY;
		}
	}
	if (deliveries_done(db, p.id) != DB_OK) {
		buf_puts(why, "database unavailable");
		return JOB_RETRY;
	}
	return JOB_DONE;
}

void deliveries_resweep(struct app *app, struct arena *a)
{
	const struct conf *c = app->conf;
	unsigned long long *ids;
	size_t n = 0;

	if (deliveries_overdue(app->db, a, (unsigned long long)c->jobs_redeliver_after, REDELIVER_BATCH, &ids, &n) !=
	    DB_OK)
		return;
	jobs_store_enqueue_ids(app->rds, c->jobs_stream, "deliver", ids, n);
	if (n)
		log_info("event=delivery_resweep posts=%zu", n);
}

int job_unfanout(struct job_ctx *ctx, const struct job *job, struct buf *why)
{
	char *sep;
	unsigned long long id = strtoull(job->args, &sep, 10), author;

	if (!id || *sep != ':' || !(author = strtoull(sep + 1, NULL, 10))) {
		buf_puts(why, "expected POST_ID:USER_ID");
		return JOB_FAILED;
	}
	return fanout_each(ctx, author, id, tl_remove, why);
}
