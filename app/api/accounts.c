#include "api/accounts.h"

#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "api/paging.h"
#include "api/scopes.h"
#include "api/timelines.h"
#include "core/arena.h"
#include "core/conf.h"
#include "handlers/uploads.h"
#include "http/request.h"
#include "jobs/queue.h"
#include "store/batch.h"
#include "store/blocks.h"
#include "store/follows.h"
#include "store/oauth.h"
#include "store/posts.h"
#include "store/timelines.h"
#include "store/users.h"
#include "view/entities.h"
#include "web/app.h"
#include "web/auth.h"
#include "core/banned.h"

#define ACCOUNTS_NAME_MAX 60   /* characters, as the settings form */
#define ACCOUNTS_NOTE_MAX 500
#define ACCOUNTS_PAGE 40
#define ACCOUNTS_PAGE_MAX 80
#define ACCOUNTS_STATUSES 20
#define ACCOUNTS_STATUSES_MAX 40

/* The account of the :id parameter: 0 with *u, or the status answered. */
static int api_accounts_load(struct request *r, struct user *u)
{
	unsigned long long id = api_param_id(r);
	int rc = id ? users_find_by_id(r->app->db, r->arena, id, u) : USERS_NOT_FOUND;

	if (rc == USERS_NOT_FOUND)
		return api_error(r, 404, "Record not found");
	return rc == DB_OK ? 0 : 503;
}

int api_accounts_verify(struct request *r)
{
	const struct oauth_token *t;
	int rc = api_auth(r, NULL, API_USER);

	if (rc)
		return rc;
	t = api_token(r);
	/* "profile" is the scope of apps that only need to know who you are. */
	if (!api_scope_granted(t->scopes, "read:accounts") && !api_scope_granted(t->scopes, "profile"))
		return api_error(r, 403, "This action is outside the authorized scopes");
	return api_json(r, 200, entity_credential_account(r, r->user));
}

/* A text field of update_credentials: *out keeps its value when absent.
 * -1 when too long or not text. */
static int api_accounts_field(struct request *r, const char *name, size_t max, const char **out)
{
	struct str v = api_param(r, name);
	const char *s;

	if (!v.ptr)
		return 0;
	s = api_text(r, name);
	if (!str_utf8_valid(s, strlen(s)) || str_utf8_len(s, strlen(s)) > max)
		return -1;
	*out = s;
	return 0;
}

int api_accounts_update(struct request *r)
{
	const char *name, *note, *message = NULL;
	struct multipart_file *avatar;
	struct img_result img;
	struct user fresh;
	int rc = api_auth(r, "write:accounts", API_USER);

	if (rc)
		return rc;
	name = r->user->display_name ? r->user->display_name : "";
	note = r->user->bio ? r->user->bio : "";
	if (api_accounts_field(r, "display_name", ACCOUNTS_NAME_MAX, &name) < 0)
		return api_error(r, 422, "Validation failed: Display name is too long (maximum is 60 characters)");
	if (api_accounts_field(r, "note", ACCOUNTS_NOTE_MAX, &note) < 0)
		return api_error(r, 422, "Validation failed: Note is too long (maximum is 500 characters)");
	avatar = uploads_file(r, "avatar");
	if (avatar) {
		const char *old = r->user->avatar_hash;

		rc = uploads_image(r, avatar, &img, &message);
		if (rc)
			return api_error(r, rc, message ? message : "Validation failed: Avatar is not a supported image");
		rc = users_update_avatar(r->app->db, r->user->id, img.hash);
		if (rc != DB_OK) {
			uploads_forget_failed(r, img.hash, rc);
			return 503;
		}
		if (old && strcmp(old, img.hash) != 0)
			uploads_forget(r, old);
	}
	if (users_update_profile(r->app->db, r->user->id, name, note) != DB_OK ||
	    users_find_by_id(r->app->db, r->arena, r->user->id, &fresh) != DB_OK)
		return 503;
	auth_event(r, "profile_updated", r->user->id, "api");
	return api_json(r, 200, entity_credential_account(r, &fresh));
}

int api_accounts_show(struct request *r)
{
	struct user u;
	int rc = api_auth(r, "read:accounts", API_PUBLIC);

	if (rc || (rc = api_accounts_load(r, &u)))
		return rc;
	return api_json(r, 200, entity_account(r, &u));
}

int api_accounts_lookup(struct request *r)
{
	const char *acct = api_text(r, "acct"), *at;
	const char *host = strstr(r->app->conf->base_url, "://");
	struct user u;
	size_t n;
	int rc = api_auth(r, "read:accounts", API_PUBLIC);

	if (rc)
		return rc;
	if (acct[0] == '@')
		acct++;
	/* Our own domain may be written out; any other is not ours. */
	at = strchr(acct, '@');
	host = host ? host + 3 : r->app->conf->base_url;
	if (at && strcasecmp(at + 1, host) != 0)
		return api_error(r, 404, "Record not found");
	n = at ? (size_t)(at - acct) : strlen(acct);
	if (n == 0 || n > 30)
		return api_error(r, 404, "Record not found");
	rc = users_find_by_username(r->app->db, r->arena, arena_strndup(r->arena, acct, n), &u);
	if (rc == USERS_NOT_FOUND)
		return api_error(r, 404, "Record not found");
	if (rc != DB_OK)
		return 503;
	return api_json(r, 200, entity_account(r, &u));
}

struct api_accounts_posts {
	unsigned long long uid;
	bool with_reposts;
};

static int api_accounts_older(struct request *r, void *ctx, unsigned long long before, size_t limit,
			      unsigned long long **ids, size_t *n)
{
	struct api_accounts_posts *c = ctx;

	return posts_user_ids(r->app->db, r->arena, c->uid, c->with_reposts, before, 0, limit, ids, n);
}

static int api_accounts_newer(struct request *r, void *ctx, unsigned long long after, size_t limit,
			      unsigned long long **ids, size_t *n)
{
	struct api_accounts_posts *c = ctx;

	return posts_user_ids(r->app->db, r->arena, c->uid, c->with_reposts, 0, after, limit, ids, n);
}

int api_accounts_statuses(struct request *r)
{
	struct api_accounts_posts ctx;
	struct api_id_source src = { api_accounts_older, api_accounts_newer, &ctx };
	struct api_page p;
	unsigned long long *ids = NULL;
	size_t n = 0;
	struct user u;
	int rc = api_auth(r, "read:statuses", API_PUBLIC);

	if (rc || (rc = api_accounts_load(r, &u)) || (rc = api_page_args(r, ACCOUNTS_STATUSES, ACCOUNTS_STATUSES_MAX, &p)))
		return rc;
	ctx.uid = u.id;
	ctx.with_reposts = !api_bool(r, "exclude_reblogs", false);
	/* Nothing is pinned, and every post has an image (only_media) and
	 * none is a reply (exclude_replies): those filters change nothing. */
	if (api_bool(r, "pinned", false))
		return api_timeline_answer(r, &p, NULL, 0);
	if (api_page_ids(r, &p, &src, &ids, &n) != DB_OK)
		return 503;
	return api_timeline_answer(r, &p, ids, n);
}

/* Followers or followees of :id, paged by the follow rows' ids. */
static int api_accounts_follow_list(struct request *r, bool following)
{
	struct follow_entry *list = NULL;
	struct json_object *accounts;
	unsigned long long *ids;
	struct api_page p;
	size_t n = 0, k = 0;
	struct user u;
	int rc = api_auth(r, "read:accounts", API_PUBLIC);

	if (rc || (rc = api_accounts_load(r, &u)) || (rc = api_page_args(r, ACCOUNTS_PAGE, ACCOUNTS_PAGE_MAX, &p)))
		return rc;
	if (follows_page(r->app->db, r->arena, u.id, following, p.max_id, p.limit, &list, &n) != DB_OK)
		return 503;
	ids = arena_calloc(r->arena, n + 1, sizeof(*ids));
	if (!ids)
		return 500;
	/* since_id and min_id both stop at the cursor: this list only pages
	 * towards older rows. */
	while (k < n && !(p.since_id && list[k].cursor <= p.since_id) && !(p.min_id && list[k].cursor <= p.min_id)) {
		ids[k] = list[k].who.id;
		k++;
	}
	accounts = entity_accounts(r, ids, k);
	if (!accounts)
		return 503;
	api_page_link(r, &p, k ? list[0].cursor : 0, k ? list[k - 1].cursor : 0);
	return api_json(r, 200, accounts);
}

int api_accounts_followers(struct request *r)
{
	return api_accounts_follow_list(r, false);
}

int api_accounts_following(struct request *r)
{
	return api_accounts_follow_list(r, true);
}

int api_accounts_relationships(struct request *r)
{
	struct str values[BATCH_MAX];
	struct json_object *arr;
	size_t n;
	int rc = api_auth(r, "read:follows", API_USER);

	if (rc)
		return rc;
	n = api_params(r, "id", values, BATCH_MAX);
	arr = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		unsigned long long id = api_id(values[i]);
		struct json_object *rel;
		struct user u;

		if (!id)
			continue;
		rc = users_find_by_id(r->app->db, r->arena, id, &u);
		if (rc == USERS_NOT_FOUND)
			continue;
		rel = rc == DB_OK ? entity_relationship(r, id) : NULL;
		if (!rel) {
			json_object_put(arr);
			return 503;
		}
		json_object_array_add(arr, rel);
	}
	return api_json(r, 200, arr);
}

/* The target of a relation change: :id, another account. */
static int api_accounts_target(struct request *r, const char *scope, struct user *u)
{
	int rc = api_auth(r, scope, API_USER);

	if (rc || (rc = api_accounts_load(r, u)))
		return rc;
	if (u->id == r->user->id)
		return api_error(r, 403, "This action is not allowed");
	return 0;
}

static int api_accounts_relationship(struct request *r, unsigned long long target)
{
	struct json_object *rel = entity_relationship(r, target);

	return rel ? api_json(r, 200, rel) : 503;
}

int api_accounts_follow(struct request *r)
{
	bool created = false, blocked = false;
	struct user u;
	int rc = api_accounts_target(r, "write:follows", &u);

	if (rc)
		return rc;
	if (blocks_between(r->app->db, r->user->id, u.id, &blocked) != DB_OK)
		return 503;
	if (blocked)
		return api_error(r, 403, "This action is not allowed");
	if (follows_create(r->app->db, r->user->id, u.id, &created) != DB_OK)
		return 503;
	if (created) {
		/* As the follow button: the next read rebuilds the timeline
		 * with the new account's posts, and the followee hears of it. */
		tl_drop(r->app->rds, r->user->id);
		auth_event(r, "follow", r->user->id, u.username);
		jobs_queue(r->app, "notify", arena_printf(r->arena, "follow:%llu:%llu", r->user->id, u.id));
	}
	return api_accounts_relationship(r, u.id);
}

int api_accounts_unfollow(struct request *r)
{
	bool deleted = false;
	struct user u;
	int rc = api_accounts_target(r, "write:follows", &u);

	if (rc)
		return rc;
	if (follows_delete(r->app->db, r->user->id, u.id, &deleted) != DB_OK)
		return 503;
	if (deleted) {
		tl_drop(r->app->rds, r->user->id);
		jobs_queue(r->app, "unnotify", arena_printf(r->arena, "follow:%llu:%llu", r->user->id, u.id));
	}
	return api_accounts_relationship(r, u.id);
}

int api_accounts_block(struct request *r)
{
	struct user u;
	int rc = api_accounts_target(r, "write:blocks", &u);

	if (rc)
		return rc;
	if (blocks_create(r->app->db, r->user->id, u.id) != DB_OK)
		return 503;
	/* A block ends follows both ways: both timelines change. */
	tl_drop(r->app->rds, r->user->id);
	tl_drop(r->app->rds, u.id);
	auth_event(r, "block", r->user->id, u.username);
	return api_accounts_relationship(r, u.id);
}

/* A relation change that needs the row only (no job, no timeline). */
static int api_accounts_relation(struct request *r, const char *scope,
				 int (*change)(struct db *, unsigned long long, unsigned long long))
{
	struct user u;
	int rc = api_accounts_target(r, scope, &u);

	if (rc)
		return rc;
	if (change(r->app->db, r->user->id, u.id) != DB_OK)
		return 503;
	return api_accounts_relationship(r, u.id);
}

int api_accounts_unblock(struct request *r)
{
	return api_accounts_relation(r, "write:blocks", blocks_delete);
}

int api_accounts_mute(struct request *r)
{
	return api_accounts_relation(r, "write:mutes", mutes_create);
}

int api_accounts_unmute(struct request *r)
{
	return api_accounts_relation(r, "write:mutes", mutes_delete);
}
