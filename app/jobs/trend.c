#include "jobs/trend.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "jobs/kinds.h"
#include "store/jobs_store.h"
#include "store/posts.h"
#include "store/trends.h"
#include "web/app.h"
#include "core/banned.h"

int job_trend(struct job_ctx *ctx, const struct job *job, struct buf *why)
{
	unsigned long long id = strtoull(job->args, NULL, 10);
	const char **tags;
	struct post p;
	struct tm tm;
	size_t n = 0;
	int rc;

	if (!id) {
		buf_puts(why, "bad post id");
		return JOB_FAILED;
	}
	rc = posts_find(ctx->app->db, ctx->arena, id, &p);
	if (rc == POSTS_NOT_FOUND)
		return JOB_DONE;
	if (rc != DB_OK || posts_tags(ctx->app->db, ctx->arena, id, 30, &tags, &n) != DB_OK) {
		buf_puts(why, "database unavailable");
		return JOB_RETRY;
	}
	if (strcmp(p.state, "approved") != 0 || n == 0)
		return JOB_DONE;
	memset(&tm, 0, sizeof(tm));
	if (!strptime(p.created_at, "%Y-%m-%dT%H:%M:%S", &tm))
		return JOB_FAILED;
	if (trends_record(ctx->app->rds, p.user_id, (long long)timegm(&tm), tags, n) < 0) {
		buf_puts(why, "redis unavailable");
		return JOB_RETRY;
	}
	return JOB_DONE;
}
