#include "jobs/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/conf.h"
#include "jobs/kinds.h"
#include "jobs/live.h"
#include "store/blocks.h"
#include "store/follows.h"
#include "store/jobs_store.h"
#include "store/likes.h"
#include "store/notifications.h"
#include "store/posts.h"
#include "store/users.h"
#include "web/app.h"
#include "core/banned.h"

#define NOTIFY_MAX_MENTIONS 10

struct notify_event {
	enum notif_kind kind;
	unsigned long long actor;
	unsigned long long target;
};

/* "like:12:345" -> {NOTIF_LIKE, 12, 345}; "mention:345" -> {NOTIF_MENTION, 0, 345}. */
static int notify_parse(const char *args, struct notify_event *e)
{
	const char *colon = strchr(args, ':');
	char *end;

	if (!colon || notif_kind_parse(args, (size_t)(colon - args), &e->kind) < 0)
		return -1;
	if (e->kind == NOTIF_MENTION) {
		e->actor = 0;
		e->target = strtoull(colon + 1, &end, 10);
		return e->target && *end == '\0' ? 0 : -1;
	}
	e->actor = strtoull(colon + 1, &end, 10);
	if (!e->actor || *end != ':')
		return -1;
	e->target = strtoull(end + 1, &end, 10);
	return e->target && *end == '\0' ? 0 : -1;
}

/* Tell the recipient's open pages the new unread count. */
static void notify_live(struct job_ctx *ctx, unsigned long long uid)
{
	long long unread = 0;
	char json[96];

	notif_unread_forget(ctx->app->rds, uid);
	if (notif_unread(ctx->app->db, ctx->app->rds, uid, &unread) != DB_OK)
		return;
	snprintf(json, sizeof(json), "{\"type\":\"notification\",\"unread\":%lld}", unread);
	live_publish(ctx->app->conf, uid, json);
}

/*
 * Create one notification for recipient unless it is the actor, one of
 * them blocks the other, or the recipient turned the kind off.
 */
static int notify_deliver(struct job_ctx *ctx, unsigned long long recipient, enum notif_kind kind,
			  unsigned long long actor, unsigned long long post, const char *detail)
{
	struct db *db = ctx->app->db;
	struct user u;
	bool blocked = false, created = false;
	int rc;

	if (recipient == actor)
		return JOB_DONE;
	rc = users_find_by_id(db, ctx->arena, recipient, &u);
	if (rc == USERS_NOT_FOUND)
		return JOB_DONE;
	if (rc != DB_OK)
		return JOB_RETRY;
	if (!(u.notify_mask & (1u << kind)))
		return JOB_DONE;
	if (actor && blocks_between(db, recipient, actor, &blocked) != DB_OK)
		return JOB_RETRY;
	if (blocked)
		return JOB_DONE;
	if (notif_create(db, recipient, kind, actor, post, detail, &created) != DB_OK)
		return JOB_RETRY;
	if (created)
		notify_live(ctx, recipient);
	return JOB_DONE;
}

/* Does the event still hold? An undone like notifies no one. */
static int notify_still_true(struct job_ctx *ctx, const struct notify_event *e, bool *yes)
{
	struct db *db = ctx->app->db;
	enum like_kind like = LIKE_NONE;
	bool reposted = false;

	switch (e->kind) {
	case NOTIF_LIKE:
	case NOTIF_SUPERLIKE:
		if (likes_get(db, e->actor, e->target, &like) != DB_OK)
			return -1;
		*yes = e->kind == NOTIF_SUPERLIKE ? like == LIKE_SUPER : like != LIKE_NONE;
		return 0;
	case NOTIF_REPOST:
		if (posts_reposted_among(db, ctx->arena, e->actor, &e->target, 1, &reposted) != DB_OK)
			return -1;
		*yes = reposted;
		return 0;
	case NOTIF_FOLLOW:
		return follows_exists(db, e->actor, e->target, yes) == DB_OK ? 0 : -1;
	default:
		*yes = true;
		return 0;
	}
}

static int notify_mentions(struct job_ctx *ctx, unsigned long long post_id)
{
	struct post p;
	const char *s;
	int found = 0, rc;

	rc = posts_find(ctx->app->db, ctx->arena, post_id, &p);
	if (rc == POSTS_NOT_FOUND)
		return JOB_DONE;
	if (rc != DB_OK)
		return JOB_RETRY;
	if (strcmp(p.state, "approved") != 0)
		return JOB_DONE;
	/* The same rule as the links in the caption: @ at a word start,
	 * then 3 to 30 name characters. */
	for (s = p.caption; (s = strchr(s, '@')) && found < NOTIFY_MAX_MENTIONS; s++) {
		char name[31];
		size_t n = 0;
		struct user u;

		if (s > p.caption && (s[-1] == '_' || (s[-1] >= '0' && s[-1] <= '9') || ((s[-1] | 32) >= 'a' && (s[-1] | 32) <= 'z')))
			continue;
		while (n < 30 && (s[1 + n] == '_' || (s[1 + n] >= '0' && s[1 + n] <= '9') ||
				  ((s[1 + n] | 32) >= 'a' && (s[1 + n] | 32) <= 'z'))) {
			name[n] = s[1 + n];
			n++;
		}
		name[n] = '\0';
		if (n < 3 || users_find_by_username(ctx->app->db, ctx->arena, name, &u) != DB_OK)
			continue;
		found++;
		if (notify_deliver(ctx, u.id, NOTIF_MENTION, p.user_id, p.id, "") == JOB_RETRY)
			return JOB_RETRY;
	}
	return JOB_DONE;
}

int notify_moderation(struct job_ctx *ctx, unsigned long long author, unsigned long long post_id,
		      const char *detail)
{
	return notify_deliver(ctx, author, NOTIF_MODERATION, 0, post_id, detail);
}

int job_notify(struct job_ctx *ctx, const struct job *job, struct buf *why)
{
	struct notify_event e;
	unsigned long long recipient = 0, post = 0;
	struct post p;
	bool holds = false;
	int rc;

	if (notify_parse(job->args, &e) < 0) {
		buf_puts(why, "bad notify arguments");
		return JOB_FAILED;
	}
	if (e.kind == NOTIF_MENTION)
		return notify_mentions(ctx, e.target);
	if (notify_still_true(ctx, &e, &holds) < 0)
		return JOB_RETRY;
	if (!holds)
		return JOB_DONE;
	if (e.kind == NOTIF_FOLLOW) {
		recipient = e.target;
	} else {
		rc = posts_find(ctx->app->db, ctx->arena, e.target, &p);
		if (rc == POSTS_NOT_FOUND)
			return JOB_DONE;
		if (rc != DB_OK)
			return JOB_RETRY;
		recipient = p.user_id;
		post = p.id;
	}
	rc = notify_deliver(ctx, recipient, e.kind, e.actor, post, "");
	/* A super like supersedes the like it upgraded. */
	if (rc == JOB_DONE && e.kind == NOTIF_SUPERLIKE) {
		bool deleted = false;

		notif_delete(ctx->app->db, recipient, NOTIF_LIKE, e.actor, post, &deleted);
	}
	return rc;
}

int job_unnotify(struct job_ctx *ctx, const struct job *job, struct buf *why)
{
	struct notify_event e;
	unsigned long long recipient, post = 0;
	bool holds = true, deleted = false;
	struct post p;
	int rc;

	if (notify_parse(job->args, &e) < 0 || e.kind == NOTIF_MENTION) {
		buf_puts(why, "bad unnotify arguments");
		return JOB_FAILED;
	}
	/* Redone meanwhile (unlike then like again): keep it. */
	if (notify_still_true(ctx, &e, &holds) < 0)
		return JOB_RETRY;
	if (holds)
		return JOB_DONE;
	if (e.kind == NOTIF_FOLLOW) {
		recipient = e.target;
	} else {
		rc = posts_find(ctx->app->db, ctx->arena, e.target, &p);
		if (rc == POSTS_NOT_FOUND)
			return JOB_DONE; /* its notifications went with it */
		if (rc != DB_OK)
			return JOB_RETRY;
		recipient = p.user_id;
		post = p.id;
	}
	if (notif_delete(ctx->app->db, recipient, e.kind, e.actor, post, &deleted) != DB_OK)
		return JOB_RETRY;
	if (deleted)
		notify_live(ctx, recipient);
	return JOB_DONE;
}

#define NOTIFY_REQUEUE_MAX 10000 /* newest rows looked at in each table */

long long notify_requeue_recent(struct app *app, int seconds)
{
	struct arena *a = arena_new(64 * 1024);
	struct notif_event *events = NULL;
	long long queued = 0;
	size_t n = 0;

	if (!a)
		return -1;
	if (notif_recent_events(app->db, a, seconds, NOTIFY_REQUEUE_MAX, &events, &n) != DB_OK) {
		arena_free(a);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (jobs_store_enqueue(app->rds, app->conf->jobs_stream, "notify", events[i].args) == 0)
			queued++;
	arena_free(a);
	return queued;
}
