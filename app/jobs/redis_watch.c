#include "jobs/redis_watch.h"

#include <hiredis/hiredis.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "jobs/notify.h"
#include "store/rds.h"
#include "store/trends.h"
#include "web/app.h"
#include "core/banned.h"

#define REDIS_WATCH_MARKER "bb:redis:run_id"
#define REDIS_RUN_ID_LEN 40
/* Jobs queued this long before a restart may be gone with it: far more
 * than the second an append-only file loses, and enough for a job
 * worker that was down a while before a wipe. */
#define REDIS_WATCH_REPLAY_SECONDS 900

/* The server's run_id from INFO server, into out; -1 when unknown. */
static int redis_watch_run_id(struct rds *r, char out[REDIS_RUN_ID_LEN + 1])
{
	redisReply *reply = rds_cmd(r, "INFO server");
	const char *p;
	int rc = -1;

	if (reply && reply->type == REDIS_REPLY_STRING && (p = strstr(reply->str, "run_id:")) &&
	    strspn(p + 7, "0123456789abcdef") == REDIS_RUN_ID_LEN) {
		memcpy(out, p + 7, REDIS_RUN_ID_LEN);
		out[REDIS_RUN_ID_LEN] = '\0';
		rc = 0;
	}
	if (reply)
		freeReplyObject(reply);
	return rc;
}

/* UNLINK every key matching pattern, a SCAN page at a time. */
static long long redis_watch_drop(struct rds *r, const char *pattern)
{
	char cursor[32] = "0";
	long long dropped = 0;

	do {
		redisReply *reply = rds_cmd(r, "SCAN %s MATCH %s COUNT 1000", cursor, pattern);

		if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
		    reply->element[0]->type != REDIS_REPLY_STRING) {
			if (reply)
				freeReplyObject(reply);
			return -1;
		}
		snprintf(cursor, sizeof(cursor), "%s", reply->element[0]->str);
		for (size_t i = 0; i < reply->element[1]->elements; i++) {
			redisReply *del = rds_cmd(r, "UNLINK %s", reply->element[1]->element[i]->str);

			if (del)
				freeReplyObject(del);
			dropped++;
		}
		freeReplyObject(reply);
	} while (strcmp(cursor, "0") != 0);
	return dropped;
}

int redis_watch_check(struct app *app)
{
	char now[REDIS_RUN_ID_LEN + 1];
	redisReply *reply;
	bool same;
	long long timelines, counts, requeued;

	if (redis_watch_run_id(app->rds, now) < 0)
		return -1;
	reply = rds_cmd(app->rds, "GET " REDIS_WATCH_MARKER);
	if (!reply)
		return -1;
	same = reply->type == REDIS_REPLY_STRING && strcmp(reply->str, now) == 0;
	freeReplyObject(reply);
	if (same)
		return 0;
	timelines = redis_watch_drop(app->rds, "bb:tl:home:*");
	counts = redis_watch_drop(app->rds, "bb:unread:*");
	if (timelines < 0 || counts < 0)
		return -1;
	trends_rebuild(app->db, app->rds, (long long)time(NULL));
	requeued = notify_requeue_recent(app, REDIS_WATCH_REPLAY_SECONDS);
	reply = rds_cmd(app->rds, "SET " REDIS_WATCH_MARKER " %s", now);
	if (!reply)
		return -1;
	freeReplyObject(reply);
	log_info("event=redis_restarted run_id=%s timelines_dropped=%lld unread_counts_dropped=%lld "
		 "notify_jobs_requeued=%lld", now, timelines, counts, requeued);
	return 1;
}
