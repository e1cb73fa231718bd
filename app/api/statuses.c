#include "api/statuses.h"

#include <string.h>

#include "api/api.h"
#include "api/paging.h"
#include "api/timelines.h"
#include "core/arena.h"
#include "core/conf.h"
#include "handlers/feeds.h"
#include "handlers/uploads.h"
#include "http/request.h"
#include "jobs/queue.h"
#include "store/blocks.h"
#include "store/likes.h"
#include "store/oauth.h"
#include "store/posts.h"
#include "store/users.h"
#include "view/entities.h"
#include "view/richtext.h"
#include "web/app.h"
#include "web/auth.h"
#include "core/banned.h"

#define STATUSES_MAX_CHARS 500 /* posts.caption */
#define STATUSES_MAX_TAGS 30
#define STATUSES_SUPER_LIMIT 5 /* super likes a day, as on the site */
#define STATUSES_PAGE 40
#define STATUSES_PAGE_MAX 80
#define STATUSES_FAVOURITES 20
#define STATUSES_FAVOURITES_MAX 40

static int api_statuses_not_found(struct request *r)
{
	return api_error(r, 404, "Record not found");
}

/* Whether the viewer may see p: approved and no block between them, or
 * the viewer's own post that no moderator removed. */
static int api_statuses_visible(struct request *r, const struct post *p, bool *visible)
{
	bool blocked = false;

	*visible = false;
	if (strcmp(p->state, "approved") == 0) {
		if (r->user && r->user->id != p->user_id &&
		    blocks_between(r->app->db, r->user->id, p->user_id, &blocked) != DB_OK)
			return DB_UNAVAILABLE;
		*visible = !blocked;
	} else {
		*visible = r->user && r->user->id == p->user_id && strcmp(p->state, "removed") != 0;
	}
	return DB_OK;
}

/*
 * The status of :id the viewer may see: 0 with *p, and for a reblog its
 * original in *orig (*has_orig set); otherwise the status answered.
 */
static int api_statuses_load(struct request *r, struct post *p, struct post *orig, bool *has_orig)
{
	unsigned long long id = api_param_id(r);
	bool visible = false;
	int rc = id ? posts_find(r->app->db, r->arena, id, p) : POSTS_NOT_FOUND;

	*has_orig = false;
	if (rc == POSTS_NOT_FOUND)
		return api_statuses_not_found(r);
	if (rc != DB_OK || api_statuses_visible(r, p, &visible) != DB_OK)
		return 503;
	if (!visible)
		return api_statuses_not_found(r);
	if (p->repost_of_id) {
		rc = posts_find(r->app->db, r->arena, p->repost_of_id, orig);
		if (rc == POSTS_NOT_FOUND)
			return api_statuses_not_found(r);
		if (rc != DB_OK || api_statuses_visible(r, orig, &visible) != DB_OK)
			return 503;
		if (!visible)
			return api_statuses_not_found(r);
		*has_orig = true;
	}
	return 0;
}

/* The post an action applies to: the original of a reblog, approved
 * (only what others can see is liked or reposted). */
static int api_statuses_target(struct request *r, struct post *target)
{
	struct post p, orig;
	bool has_orig = false;
	int rc = api_statuses_load(r, &p, &orig, &has_orig);

	if (rc)
		return rc;
	*target = has_orig ? orig : p;
	if (strcmp(target->state, "approved") != 0)
		return api_statuses_not_found(r);
	return 0;
}

/* Answer the post id as it is now. */
static int api_statuses_answer(struct request *r, unsigned long long id)
{
	struct json_object *s;
	struct post p;
	int rc = posts_find(r->app->db, r->arena, id, &p);

	if (rc == POSTS_NOT_FOUND)
		return api_statuses_not_found(r);
	if (rc != DB_OK || !(s = entity_status(r, &p, NULL)))
		return 503;
	return api_json(r, 200, s);
}

int api_statuses_show(struct request *r)
{
	struct post p, orig;
	struct json_object *s;
	bool has_orig = false;
	int rc = api_auth(r, "read:statuses", API_PUBLIC);

	if (rc || (rc = api_statuses_load(r, &p, &orig, &has_orig)))
		return rc;
	s = entity_status(r, &p, has_orig ? &orig : NULL);
	return s ? api_json(r, 200, s) : 503;
}

int api_statuses_context(struct request *r)
{
	struct json_object *o;
	struct post p, orig;
	bool has_orig = false;
	int rc = api_auth(r, "read:statuses", API_PUBLIC);

	if (rc || (rc = api_statuses_load(r, &p, &orig, &has_orig)))
		return rc;
	/* Posts have no replies: no thread around any of them. */
	o = json_object_new_object();
	json_object_object_add(o, "ancestors", json_object_new_array());
	json_object_object_add(o, "descendants", json_object_new_array());
	return api_json(r, 200, o);
}

int api_statuses_source(struct request *r)
{
	struct json_object *o;
	struct post p, orig;
	bool has_orig = false;
	int rc = api_auth(r, "read:statuses", API_USER);

	if (rc || (rc = api_statuses_load(r, &p, &orig, &has_orig)))
		return rc;
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(entity_id(r, p.id)));
	json_object_object_add(o, "text", json_object_new_string(has_orig ? "" : p.caption));
	json_object_object_add(o, "spoiler_text", json_object_new_string(""));
	return api_json(r, 200, o);
}

struct api_statuses_tags {
	const char *tags[STATUSES_MAX_TAGS];
	size_t lens[STATUSES_MAX_TAGS];
	size_t n;
};

static void api_statuses_collect_tag(void *ud, const char *tag, size_t n)
{
	struct api_statuses_tags *t = ud;

	if (t->n < STATUSES_MAX_TAGS) {
		t->tags[t->n] = tag;
		t->lens[t->n] = n;
		t->n++;
	}
}

/*
 * What a new status may not carry here: replies, polls, scheduling and
 * non-public visibility (posting a "private" status publicly would break
 * the author's trust). NULL when none, else the message to answer.
 */
static const char *api_statuses_unsupported(struct request *r)
{
	const char *visibility = api_text(r, "visibility");
	struct str poll[1];

	if (visibility[0] && strcmp(visibility, "public") != 0 && strcmp(visibility, "unlisted") != 0)
		return "Validation failed: Only public posts are supported";
	if (api_text(r, "in_reply_to_id")[0])
		return "Validation failed: Replies are not supported";
	if (api_text(r, "scheduled_at")[0])
		return "Validation failed: Scheduled posts are not supported";
	if ((r->json && json_object_object_get_ex(r->json, "poll", NULL) &&
	     !json_object_is_type(json_object_object_get(r->json, "poll"), json_type_null)) ||
	    api_params(r, "poll[options]", poll, 1) > 0)
		return "Validation failed: Polls are not supported";
	return NULL;
}

int api_statuses_create(struct request *r)
{
	const char *text, *unsupported, *key_header = req_env(r, "HTTP_IDEMPOTENCY_KEY");
	char key[OAUTH_HASH_LEN + 1];
	struct api_statuses_tags tags = { .n = 0 };
	struct str media[4];
	struct post_new np;
	unsigned long long id = 0;
	bool existed = false;
	size_t nmedia;
	int rc = api_auth(r, "write:statuses", API_USER);

	if (rc)
		return rc;
	text = api_text(r, "status");
	if (!str_utf8_valid(text, strlen(text)) || str_utf8_len(text, strlen(text)) > STATUSES_MAX_CHARS)
		return api_error(r, 422, "Validation failed: Text character limit of 500 exceeded");
	if ((unsupported = api_statuses_unsupported(r)))
		return api_error(r, 422, unsupported);
	nmedia = api_params(r, "media_ids", media, 4);
	if (nmedia == 0)
		return api_error(r, 422, "Validation failed: A post is an image: upload one and send its id in media_ids");
	if (nmedia > 1)
		return api_error(r, 422, "Validation failed: A post has one image");
	memset(&np, 0, sizeof(np));
	np.media_id = api_id(media[0]);
	if (!np.media_id)
		return api_error(r, 422, "Validation failed: The media id is not valid");
	/* Any string a client sends becomes a fixed-size key: its hash. */
	if (key_header && key_header[0]) {
		oauth_hash(key_header, strlen(key_header), key);
		np.idempotency_key = key;
	}
	richtext_hashtags(text, strlen(text), STATUSES_MAX_TAGS, api_statuses_collect_tag, &tags);
	np.user_id = r->user->id;
	np.caption = text;
	np.sensitive = api_bool(r, "sensitive", false) || api_text(r, "spoiler_text")[0];
	/* The author's word; an image generated here is labelled by posts_create(). */
	if (api_bool(r, "beaubelle_ai_generated", false))
		np.provenance = "uploaded_ai";
	np.approved = strcmp(r->app->conf->moderation_mode, "off") == 0;
	np.tags = tags.tags;
	np.tag_lens = tags.lens;
	np.ntags = tags.n;
	rc = posts_create(r->app->db, &np, &id, &existed);
	if (rc == POSTS_MEDIA_UNAVAILABLE)
		return api_error(r, 422, "Validation failed: The media is not one of your unattached uploads");
	if (rc != DB_OK)
		return rc == DB_UNAVAILABLE ? 503 : 500;
	if (!existed) {
		/* The jobs the compose form queues, in the same cases. */
		auth_event(r, "post_created", r->user->id, "api");
		jobs_queue(r->app, np.approved ? "deliver" : "moderate", arena_printf(r->arena, "%llu", id));
	}
	return api_statuses_answer(r, id);
}

int api_statuses_delete(struct request *r)
{
	unsigned long long id = api_param_id(r), removed = 0;
	struct json_object *s;
	struct post p, orig;
	char *hash = NULL;
	int rc = api_auth(r, "write:statuses", API_USER);

	if (rc)
		return rc;
	rc = id ? posts_find(r->app->db, r->arena, id, &p) : POSTS_NOT_FOUND;
	if (rc == POSTS_NOT_FOUND || (rc == DB_OK && p.user_id != r->user->id))
		return api_statuses_not_found(r);
	if (rc != DB_OK)
		return 503;
	if (p.repost_of_id) {
		/* Deleting one's reblog is undoing it; the original stays. */
		if (posts_find(r->app->db, r->arena, p.repost_of_id, &orig) != DB_OK ||
		    !(s = entity_status(r, &p, &orig)))
			return 503;
		if (posts_unrepost(r->app->db, r->user->id, p.repost_of_id, &removed) != DB_OK) {
			json_object_put(s);
			return 503;
		}
		jobs_queue(r->app, "unfanout", arena_printf(r->arena, "%llu:%llu", p.id, r->user->id));
		jobs_queue(r->app, "unnotify", arena_printf(r->arena, "repost:%llu:%llu", r->user->id, p.repost_of_id));
		return api_json(r, 200, s);
	}
	/* The answer carries the text, for delete-and-redraft. */
	s = entity_status(r, &p, NULL);
	if (!s)
		return 503;
	json_object_object_add(s, "text", json_object_new_string(p.caption));
	rc = posts_delete(r->app->db, r->arena, p.id, &hash);
	if (rc != DB_OK) {
		json_object_put(s);
		return rc == POSTS_NOT_FOUND ? api_statuses_not_found(r) : 503;
	}
	uploads_forget(r, hash);
	jobs_queue(r->app, "unfanout", arena_printf(r->arena, "%llu:%llu", p.id, p.user_id));
	auth_event(r, "post_deleted", r->user->id, arena_printf(r->arena, "post %llu", p.id));
	return api_json(r, 200, s);
}

/* Like or super-like the target, notifying as the site's buttons do. */
static int api_statuses_like(struct request *r, enum like_kind kind)
{
	struct post target;
	bool changed = false;
	int rc = api_auth(r, "write:favourites", API_USER);

	if (rc || (rc = api_statuses_target(r, &target)))
		return rc;
	rc = likes_set(r->app->db, r->user->id, target.id, kind, STATUSES_SUPER_LIMIT, &changed);
	if (rc == LIKES_OVER_LIMIT)
		return api_error(r, 422, "Validation failed: Today's super likes are used up");
	if (rc != DB_OK)
		return 503;
	if (changed) {
		auth_event(r, kind == LIKE_SUPER ? "superlike" : "like", r->user->id, arena_printf(r->arena, "post %llu", target.id));
		jobs_queue(r->app, "notify", arena_printf(r->arena, "%s:%llu:%llu", kind == LIKE_SUPER ? "superlike" : "like",
							  r->user->id, target.id));
	}
	return api_statuses_answer(r, target.id);
}

int api_statuses_favourite(struct request *r)
{
	return api_statuses_like(r, LIKE_NORMAL);
}

int api_statuses_superlike(struct request *r)
{
	return api_statuses_like(r, LIKE_SUPER);
}

int api_statuses_unfavourite(struct request *r)
{
	enum like_kind was = LIKE_NONE;
	struct post target;
	int rc = api_auth(r, "write:favourites", API_USER);

	if (rc || (rc = api_statuses_target(r, &target)))
		return rc;
	if (likes_unset(r->app->db, r->user->id, target.id, &was) != DB_OK)
		return 503;
	if (was != LIKE_NONE)
		jobs_queue(r->app, "unnotify", arena_printf(r->arena, "%s:%llu:%llu", was == LIKE_SUPER ? "superlike" : "like",
							    r->user->id, target.id));
	if (was == LIKE_SUPER)
		jobs_queue(r->app, "unnotify", arena_printf(r->arena, "like:%llu:%llu", r->user->id, target.id));
	return api_statuses_answer(r, target.id);
}

int api_statuses_reblog(struct request *r)
{
	struct json_object *s;
	struct post target, wrapper;
	unsigned long long id = 0;
	bool created = false;
	int rc = api_auth(r, "write:statuses", API_USER);

	if (rc || (rc = api_statuses_target(r, &target)))
		return rc;
	rc = posts_repost(r->app->db, r->user->id, target.id, &id, &created);
	if (rc == POSTS_NOT_FOUND)
		return api_statuses_not_found(r);
	if (rc != DB_OK)
		return 503;
	if (created)
		jobs_queue(r->app, "deliver", arena_printf(r->arena, "%llu", id));
	/* The answer is the reblog itself, holding the original (recounted). */
	if (posts_find(r->app->db, r->arena, id, &wrapper) != DB_OK ||
	    posts_find(r->app->db, r->arena, target.id, &target) != DB_OK || !(s = entity_status(r, &wrapper, &target)))
		return 503;
	return api_json(r, 200, s);
}

int api_statuses_unreblog(struct request *r)
{
	unsigned long long id = 0;
	struct post target;
	int rc = api_auth(r, "write:statuses", API_USER);

	if (rc || (rc = api_statuses_target(r, &target)))
		return rc;
	if (posts_unrepost(r->app->db, r->user->id, target.id, &id) != DB_OK)
		return 503;
	if (id) {
		jobs_queue(r->app, "unfanout", arena_printf(r->arena, "%llu:%llu", id, r->user->id));
		jobs_queue(r->app, "unnotify", arena_printf(r->arena, "repost:%llu:%llu", r->user->id, target.id));
	}
	return api_statuses_answer(r, target.id);
}

/* Answer the accounts of a page listed by cursor (newest first). */
static int api_statuses_people(struct request *r, const struct api_page *p, const unsigned long long *cursors,
			       const unsigned long long *user_ids, size_t n)
{
	struct json_object *accounts;
	size_t k = 0;

	/* since_id and min_id stop at the cursor: these lists page down only. */
	while (k < n && !(p->since_id && cursors[k] <= p->since_id) && !(p->min_id && cursors[k] <= p->min_id))
		k++;
	accounts = entity_accounts(r, user_ids, k);
	if (!accounts)
		return 503;
	api_page_link(r, p, k ? cursors[0] : 0, k ? cursors[k - 1] : 0);
	return api_json(r, 200, accounts);
}

int api_statuses_favourited_by(struct request *r)
{
	unsigned long long *cursors, *users;
	struct liker *list = NULL;
	struct post target;
	struct api_page p;
	size_t n = 0;
	int rc = api_auth(r, "read:accounts", API_PUBLIC);

	if (rc || (rc = api_statuses_target(r, &target)) || (rc = api_page_args(r, STATUSES_PAGE, STATUSES_PAGE_MAX, &p)))
		return rc;
	if (likes_page(r->app->db, r->arena, target.id, p.max_id, p.limit, &list, &n) != DB_OK)
		return 503;
	cursors = arena_calloc(r->arena, n + 1, sizeof(*cursors));
	users = arena_calloc(r->arena, n + 1, sizeof(*users));
	if (!cursors || !users)
		return 500;
	for (size_t i = 0; i < n; i++) {
		cursors[i] = list[i].cursor;
		users[i] = list[i].who.id;
	}
	return api_statuses_people(r, &p, cursors, users, n);
}

int api_statuses_reblogged_by(struct request *r)
{
	unsigned long long *cursors = NULL, *users = NULL;
	struct post target;
	struct api_page p;
	size_t n = 0;
	int rc = api_auth(r, "read:accounts", API_PUBLIC);

	if (rc || (rc = api_statuses_target(r, &target)) || (rc = api_page_args(r, STATUSES_PAGE, STATUSES_PAGE_MAX, &p)))
		return rc;
	if (posts_reposters(r->app->db, r->arena, target.id, p.max_id, p.limit, &cursors, &users, &n) != DB_OK)
		return 503;
	return api_statuses_people(r, &p, cursors, users, n);
}

int api_statuses_favourites(struct request *r)
{
	unsigned long long *cursors = NULL, *post_ids = NULL;
	struct json_object *statuses;
	struct feed_page page;
	struct api_page p;
	size_t n = 0, k = 0;
	int rc = api_auth(r, "read:favourites", API_USER);

	if (rc || (rc = api_page_args(r, STATUSES_FAVOURITES, STATUSES_FAVOURITES_MAX, &p)))
		return rc;
	if (likes_by_user(r->app->db, r->arena, r->user->id, p.max_id, p.limit, &cursors, &post_ids, &n) != DB_OK)
		return 503;
	while (k < n && !(p.since_id && cursors[k] <= p.since_id) && !(p.min_id && cursors[k] <= p.min_id))
		k++;
	memset(&page, 0, sizeof(page));
	if (k && feed_from_ids(r, post_ids, k, &page) != DB_OK)
		return 503;
	statuses = entity_statuses_marked(r, page.posts, page.originals, page.n, page.likes, page.reposted);
	if (!statuses)
		return 503;
	/* The cursors are the likes' ids, hidden from the client: the Link
	 * header is the only way on. */
	api_page_link(r, &p, k ? cursors[0] : 0, k ? cursors[k - 1] : 0);
	return api_json(r, 200, statuses);
}
