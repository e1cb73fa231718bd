#include "jobs/selftest.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "jobs/kinds.h"
#include "store/jobs_store.h"
#include "store/rds.h"
#include "web/app.h"
#include "core/banned.h"

static int selftest_record(struct rds *r, const char *key, const char *token)
{
	redisReply *reply = key ? rds_cmd(r, "SADD %s %s", key, token)
				: rds_cmd(r, "HINCRBY bb:selftest:runs %s 1", token);

	if (!reply)
		return -1;
	freeReplyObject(reply);
	return 0;
}

int job_selftest(struct job_ctx *ctx, const struct job *job, struct buf *why)
{
	struct rds *r = ctx->app->rds;
	const char *a = job->args, *token = strrchr(a, ':');
	long n;

	if (!token || !token[1]) {
		buf_puts(why, "selftest: bad arguments");
		return JOB_FAILED;
	}
	token++;
	if (selftest_record(r, NULL, token) < 0)
		return JOB_RETRY;
	if (strncmp(a, "fail:", 5) == 0) {
		buf_puts(why, "selftest: asked to fail");
		return JOB_RETRY;
	}
	if (strncmp(a, "flaky:", 6) == 0) {
		n = strtol(a + 6, NULL, 10);
		if (job->attempt <= n) {
			buf_printf(why, "selftest: flaky attempt %d", job->attempt);
			return JOB_RETRY;
		}
	} else if (strncmp(a, "sleep:", 6) == 0) {
		struct timespec ts;

		n = strtol(a + 6, NULL, 10);
		if (n < 0 || n > 600000)
			n = 0;
		ts.tv_sec = n / 1000;
		ts.tv_nsec = (n % 1000) * 1000000L;
		while (nanosleep(&ts, &ts) != 0)
			;
	} else if (strncmp(a, "ok:", 3) != 0) {
		buf_puts(why, "selftest: unknown mode");
		return JOB_FAILED;
	}
	return selftest_record(r, "bb:selftest:done", token) < 0 ? JOB_RETRY : JOB_DONE;
}
