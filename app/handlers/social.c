#include "handlers/social.h"

#include <string.h>

#include "core/arena.h"
#include "core/conf.h"
#include "core/log.h"
#include "handlers/feeds.h"
#include "handlers/paging.h"
#include "http/request.h"
#include "http/url.h"
#include "i18n/i18n.h"
#include "jobs/queue.h"
#include "store/blocks.h"
#include "store/follows.h"
#include "store/likes.h"
#include "store/posts.h"
#include "store/timelines.h"
#include "store/users.h"
#include "view/models.h"
#include "view/page.h"
#include "web/app.h"
#include "web/auth.h"
#include "core/banned.h"

#define SOCIAL_SUPER_LIMIT 5
#define SOCIAL_PAGE 40

static bool social_wants_json(struct request *r)
{
	const char *accept = req_env(r, "HTTP_ACCEPT");

	return accept && strstr(accept, "application/json") && !strstr(accept, "text/html");
}

/* Back to where the form was (a local path), else to fallback. */
static int social_back(struct request *r, const char *fallback, struct json_object *state)
{
	struct str back = http_kv_get(&r->form, "return_to");

	if (social_wants_json(r))
		return page_json(r, 200, state);
	json_object_put(state);
	response_header_add(&r->res, "Location",
			    arena_printf(r->arena, "%s%s", r->app->conf->base_url,
					 url_is_local_path(back) ? arena_strndup(r->arena, back.ptr, back.len) : fallback));
	return 303;
}

/*
 * The post of :id the viewer may act on: approved, an original, and
 * neither side blocking the other. Anything else is a 404.
 */
static int social_post(struct request *r, struct post *p)
{
	unsigned long long id;
	bool blocked = false;
	int rc;

	if (str_to_u64(req_param(r, "id"), &id) < 0)
		return 404;
	rc = posts_find(r->app->db, r->arena, id, p);
	if (rc == POSTS_NOT_FOUND || (rc == DB_OK && (strcmp(p->state, "approved") != 0 || p->repost_of_id)))
		return 404;
	if (rc != DB_OK)
		return 503;
	if (blocks_between(r->app->db, r->user->id, p->user_id, &blocked) != DB_OK)
		return 503;
	return blocked ? 404 : 0;
}

/* The post's counters and the viewer's state, after an action. */
static struct json_object *social_post_state(struct request *r, unsigned long long id)
{
	struct json_object *o = json_object_new_object();
	enum like_kind kind = LIKE_NONE;
	bool reposted = false;
	struct post p;

	if (posts_find(r->app->db, r->arena, id, &p) == DB_OK) {
		json_object_object_add(o, "likes_count", json_object_new_int64((int64_t)p.likes_count));
		json_object_object_add(o, "superlikes_count", json_object_new_int64((int64_t)p.superlikes_count));
		json_object_object_add(o, "reposts_count", json_object_new_int64((int64_t)p.reposts_count));
	}
	likes_among(r->app->db, r->arena, r->user->id, &id, 1, &kind);
	posts_reposted_among(r->app->db, r->arena, r->user->id, &id, 1, &reposted);
	json_object_object_add(o, "liked", json_object_new_boolean(kind != LIKE_NONE));
	json_object_object_add(o, "superliked", json_object_new_boolean(kind == LIKE_SUPER));
	json_object_object_add(o, "reposted", json_object_new_boolean(reposted));
	json_object_object_add(o, "super_remaining", json_object_new_int(feed_super_remaining(r)));
	return o;
}

static int social_like_kind(struct request *r, enum like_kind kind)
{
	struct post p;
	bool changed = false;
	int rc = auth_require(r);

	if (rc || (rc = social_post(r, &p)))
		return rc;
	rc = likes_set(r->app->db, r->user->id, p.id, kind, SOCIAL_SUPER_LIMIT, &changed);
	if (rc == LIKES_OVER_LIMIT) {
		r->error_message = page_t(r, N_("You have used today's 5 super likes. A like still counts!"));
		return 422;
	}
	if (rc != DB_OK)
		return 503;
	if (changed) {
		auth_event(r, kind == LIKE_SUPER ? "superlike" : "like", r->user->id, arena_printf(r->arena, "post %llu", p.id));
		jobs_queue(r->app, "notify", arena_printf(r->arena, "%s:%llu:%llu", kind == LIKE_SUPER ? "superlike" : "like",
							  r->user->id, p.id));
	}
	return social_back(r, arena_printf(r->arena, "/p/%llu", p.id), social_post_state(r, p.id));
}

int social_like(struct request *r)
{
	return social_like_kind(r, LIKE_NORMAL);
}

int social_superlike(struct request *r)
{
	return social_like_kind(r, LIKE_SUPER);
}

int social_unlike(struct request *r)
{
	enum like_kind was;
	struct post p;
	int rc = auth_require(r);

	if (rc || (rc = social_post(r, &p)))
		return rc;
	if (likes_unset(r->app->db, r->user->id, p.id, &was) != DB_OK)
		return 503;
	if (was != LIKE_NONE)
		jobs_queue(r->app, "unnotify", arena_printf(r->arena, "%s:%llu:%llu", was == LIKE_SUPER ? "superlike" : "like",
							    r->user->id, p.id));
	if (was == LIKE_SUPER)
		jobs_queue(r->app, "unnotify", arena_printf(r->arena, "like:%llu:%llu", r->user->id, p.id));
	return social_back(r, arena_printf(r->arena, "/p/%llu", p.id), social_post_state(r, p.id));
}

int social_repost(struct request *r)
{
	unsigned long long id = 0;
	bool created = false;
	struct post p;
	int rc = auth_require(r);

	if (rc || (rc = social_post(r, &p)))
		return rc;
	rc = posts_repost(r->app->db, r->user->id, p.id, &id, &created);
	if (rc == POSTS_NOT_FOUND)
		return 404;
	if (rc != DB_OK)
		return 503;
	if (created)
		jobs_queue(r->app, "deliver", arena_printf(r->arena, "%llu", id));
	return social_back(r, arena_printf(r->arena, "/p/%llu", p.id), social_post_state(r, p.id));
}

int social_unrepost(struct request *r)
{
	unsigned long long id = 0;
	struct post p;
	int rc = auth_require(r);

	if (rc || (rc = social_post(r, &p)))
		return rc;
	if (posts_unrepost(r->app->db, r->user->id, p.id, &id) != DB_OK)
		return 503;
	if (id) {
		jobs_queue(r->app, "unfanout", arena_printf(r->arena, "%llu:%llu", id, r->user->id));
		jobs_queue(r->app, "unnotify", arena_printf(r->arena, "repost:%llu:%llu", r->user->id, p.id));
	}
	return social_back(r, arena_printf(r->arena, "/p/%llu", p.id), social_post_state(r, p.id));
}

/* The account of :username, other than the viewer (422 for oneself). */
static int social_target(struct request *r, struct user *u)
{
	struct str name = req_param(r, "username");
	int rc;

	if (name.len < 1 || name.len > 30)
		return 404;
	rc = users_find_by_username(r->app->db, r->arena, name.ptr, u);
	if (rc == USERS_NOT_FOUND)
		return 404;
	if (rc != DB_OK)
		return 503;
	if (r->user && u->id == r->user->id) {
		r->error_message = page_t(r, N_("You cannot do that to your own account."));
		return 422;
	}
	return 0;
}

static struct json_object *social_account_state(struct request *r, struct user *u)
{
	struct json_object *o = json_object_new_object();
	bool following = false, blocking = false, muting = false;
	struct user fresh;

	follows_exists(r->app->db, r->user->id, u->id, &following);
	blocks_state(r->app->db, r->user->id, u->id, &blocking, &muting);
	if (users_find_by_id(r->app->db, r->arena, u->id, &fresh) == DB_OK)
		json_object_object_add(o, "followers_count", json_object_new_int64((int64_t)fresh.followers_count));
	json_object_object_add(o, "following", json_object_new_boolean(following));
	json_object_object_add(o, "blocking", json_object_new_boolean(blocking));
	json_object_object_add(o, "muting", json_object_new_boolean(muting));
	return o;
}

static int social_account_done(struct request *r, struct user *u)
{
	return social_back(r, arena_printf(r->arena, "/@%s", u->username), social_account_state(r, u));
}

int social_follow(struct request *r)
{
	struct user u;
	bool created = false, blocked = false;
	int rc = auth_require(r);

	if (rc || (rc = social_target(r, &u)))
		return rc;
	if (blocks_between(r->app->db, r->user->id, u.id, &blocked) != DB_OK)
		return 503;
	if (blocked) {
		r->error_message = page_t(r, N_("You cannot follow this account."));
		return 403;
	}
	if (follows_create(r->app->db, r->user->id, u.id, &created) != DB_OK)
		return 503;
	if (created) {
		/* The next read rebuilds the timeline with the new account's posts. */
		tl_drop(r->app->rds, r->user->id);
		auth_event(r, "follow", r->user->id, u.username);
		jobs_queue(r->app, "notify", arena_printf(r->arena, "follow:%llu:%llu", r->user->id, u.id));
	}
	return social_account_done(r, &u);
}

int social_unfollow(struct request *r)
{
	struct user u;
	bool deleted = false;
	int rc = auth_require(r);

	if (rc || (rc = social_target(r, &u)))
		return rc;
	if (follows_delete(r->app->db, r->user->id, u.id, &deleted) != DB_OK)
		return 503;
	if (deleted) {
		tl_drop(r->app->rds, r->user->id);
		jobs_queue(r->app, "unnotify", arena_printf(r->arena, "follow:%llu:%llu", r->user->id, u.id));
	}
	return social_account_done(r, &u);
}

int social_block(struct request *r)
{
	struct user u;
	int rc = auth_require(r);

	if (rc || (rc = social_target(r, &u)))
		return rc;
	if (blocks_create(r->app->db, r->user->id, u.id) != DB_OK)
		return 503;
	tl_drop(r->app->rds, r->user->id);
	tl_drop(r->app->rds, u.id);
	auth_event(r, "block", r->user->id, u.username);
	return social_account_done(r, &u);
}

/* A change of relation that needs nothing but the row (and no job). */
static int social_relation(struct request *r,
			   int (*change)(struct db *, unsigned long long, unsigned long long))
{
	struct user u;
	int rc = auth_require(r);

	if (rc || (rc = social_target(r, &u)))
		return rc;
	if (change(r->app->db, r->user->id, u.id) != DB_OK)
		return 503;
	return social_account_done(r, &u);
}

int social_unblock(struct request *r)
{
	return social_relation(r, blocks_delete);
}

int social_mute(struct request *r)
{
	return social_relation(r, mutes_create);
}

int social_unmute(struct request *r)
{
	return social_relation(r, mutes_delete);
}

/* A list of accounts with the viewer's follow state on each. */
static struct json_object *social_people(struct request *r, const struct person *people, size_t n)
{
	struct json_object *arr = json_object_new_array();
	bool *following = arena_calloc(r->arena, n ? n : 1, sizeof(bool));
	unsigned long long *ids = arena_calloc(r->arena, n ? n : 1, sizeof(*ids));

	for (size_t i = 0; ids && i < n; i++)
		ids[i] = people[i].id;
	if (r->user && following && ids && n)
		follows_among(r->app->db, r->arena, r->user->id, ids, n, following);
	for (size_t i = 0; i < n; i++) {
		const struct person *who = &people[i];
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "username", json_object_new_string(who->username));
		json_object_object_add(o, "display_name",
				       json_object_new_string(who->display_name && who->display_name[0] ? who->display_name : who->username));
		if (who->avatar_hash)
			json_object_object_add(o, "avatar_url", json_object_new_string(model_media_url(r, who->avatar_hash, "thumb")));
		json_object_object_add(o, "following", json_object_new_boolean(following && following[i]));
		json_object_object_add(o, "is_self", json_object_new_boolean(r->user && r->user->id == who->id));
		json_object_array_add(arr, o);
	}
	return arr;
}

static int social_follow_list(struct request *r, bool following)
{
	struct follow_entry *list;
	struct json_object *m;
	unsigned long long max_id;
	struct person *people;
	size_t n = 0;
	struct str name = req_param(r, "username");
	struct user u;
	int rc;

	if (paging_max_id(r, &max_id) < 0)
		return 400;
	rc = users_find_by_username(r->app->db, r->arena, name.ptr, &u);
	if (rc == USERS_NOT_FOUND)
		return 404;
	if (rc != DB_OK || follows_page(r->app->db, r->arena, u.id, following, max_id, SOCIAL_PAGE + 1, &list, &n) != DB_OK)
		return 503;
	people = arena_calloc(r->arena, n + 1, sizeof(*people));
	if (!people)
		return 500;
	for (size_t i = 0; i < n; i++)
		people[i] = list[i].who;
	m = page_model(r, page_t(r, following ? N_("Following") : N_("Followers")));
	json_object_object_add(m, "account", model_account(r, &u));
	json_object_object_add(m, following ? "is_following" : "is_followers", json_object_new_boolean(1));
	json_object_object_add(m, "people", social_people(r, people, n > SOCIAL_PAGE ? SOCIAL_PAGE : n));
	json_object_object_add(m, "has_people", json_object_new_boolean(n > 0));
	json_object_object_add(m, "return_to", json_object_new_string(arena_strndup(r->arena, r->path.ptr, r->path.len)));
	if (n > SOCIAL_PAGE)
		json_object_object_add(m, "older_url", json_object_new_string(arena_printf(r->arena, "/@%s/%s?max_id=%llu",
			u.username, following ? "following" : "followers", list[SOCIAL_PAGE - 1].cursor)));
	return page_render(r, 200, "pages/people", m);
}

int social_followers(struct request *r)
{
	return social_follow_list(r, false);
}

int social_following(struct request *r)
{
	return social_follow_list(r, true);
}

int social_likers(struct request *r)
{
	struct liker *list;
	struct json_object *m, *people;
	unsigned long long max_id, id;
	struct person *who;
	size_t n = 0;
	struct post p;
	int rc;

	if (paging_max_id(r, &max_id) < 0)
		return 400;
	if (str_to_u64(req_param(r, "id"), &id) < 0)
		return 404;
	rc = posts_find(r->app->db, r->arena, id, &p);
	if (rc == POSTS_NOT_FOUND || (rc == DB_OK && strcmp(p.state, "approved") != 0))
		return 404;
	if (rc != DB_OK || likes_page(r->app->db, r->arena, id, max_id, SOCIAL_PAGE + 1, &list, &n) != DB_OK)
		return 503;
	who = arena_calloc(r->arena, n + 1, sizeof(*who));
	if (!who)
		return 500;
	for (size_t i = 0; i < n; i++)
		who[i] = list[i].who;
	people = social_people(r, who, n > SOCIAL_PAGE ? SOCIAL_PAGE : n);
	for (size_t i = 0; i < n && i < SOCIAL_PAGE; i++)
		json_object_object_add(json_object_array_get_idx(people, i), "super", json_object_new_boolean(list[i].super));
	m = page_model(r, page_t(r, N_("Liked by")));
	json_object_object_add(m, "post", model_post(r, &p));
	json_object_object_add(m, "is_likers", json_object_new_boolean(1));
	json_object_object_add(m, "people", people);
	json_object_object_add(m, "has_people", json_object_new_boolean(n > 0));
	json_object_object_add(m, "return_to", json_object_new_string(arena_strndup(r->arena, r->path.ptr, r->path.len)));
	if (n > SOCIAL_PAGE)
		json_object_object_add(m, "older_url", json_object_new_string(arena_printf(r->arena, "/p/%llu/likes?max_id=%llu",
			id, list[SOCIAL_PAGE - 1].cursor)));
	return page_render(r, 200, "pages/people", m);
}

int social_blocks_page(struct request *r)
{
	struct block_entry *blocked, *muted;
	struct json_object *m, *b, *mu;
	size_t nb = 0, nm = 0;
	int rc = auth_require(r);

	if (rc)
		return rc;
	if (blocks_list(r->app->db, r->arena, r->user->id, false, 200, &blocked, &nb) != DB_OK ||
	    blocks_list(r->app->db, r->arena, r->user->id, true, 200, &muted, &nm) != DB_OK)
		return 503;
	m = page_model(r, page_t(r, N_("Blocked and muted")));
	b = json_object_new_array();
	mu = json_object_new_array();
	for (size_t i = 0; i < nb; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "username", json_object_new_string(blocked[i].username));
		json_object_array_add(b, o);
	}
	for (size_t i = 0; i < nm; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "username", json_object_new_string(muted[i].username));
		json_object_array_add(mu, o);
	}
	json_object_object_add(m, "blocked", b);
	json_object_object_add(m, "muted", mu);
	json_object_object_add(m, "has_blocked", json_object_new_boolean(nb > 0));
	json_object_object_add(m, "has_muted", json_object_new_boolean(nm > 0));
	json_object_object_add(m, "tab", json_object_new_object());
	json_object_object_add(json_object_object_get(m, "tab"), "blocks", json_object_new_boolean(1));
	return page_render(r, 200, "pages/settings/blocks", m);
}
