#include "handlers/profile.h"

#include "core/arena.h"
#include "handlers/paging.h"
#include "http/request.h"
#include "store/blocks.h"
#include "store/follows.h"
#include "store/posts.h"
#include "store/users.h"
#include "view/models.h"
#include "view/page.h"
#include "web/app.h"
#include "core/banned.h"

#define PROFILE_PAGE 24

int profile_show(struct request *r)
{
	struct str name = req_param(r, "username");
	struct json_object *m, *grid;
	unsigned long long max_id;
	struct post *posts;
	struct user u;
	size_t n = 0;
	bool self;
	int rc;

	if (paging_max_id(r, &max_id) < 0)
		return 400;
	if (name.len < 1 || name.len > 30)
		return 404;
	rc = users_find_by_username(r->app->db, r->arena, name.ptr, &u);
	if (rc == USERS_NOT_FOUND)
		return 404;
	if (rc != DB_OK)
		return 503;
	self = r->user && r->user->id == u.id;
	if (posts_by_user(r->app->db, r->arena, u.id, self, max_id, PROFILE_PAGE + 1, &posts, &n) != DB_OK)
		return 503;
	m = page_model(r, u.display_name[0] ? u.display_name : u.username);
	json_object_object_add(m, "account", model_account(r, &u));
	json_object_object_add(m, "is_self", json_object_new_boolean(self));
	if (r->user && !self) {
		bool following = false, blocking = false, muting = false, blocked = false;

		if (follows_exists(r->app->db, r->user->id, u.id, &following) != DB_OK ||
		    blocks_state(r->app->db, r->user->id, u.id, &blocking, &muting) != DB_OK ||
		    blocks_between(r->app->db, r->user->id, u.id, &blocked) != DB_OK)
			return 503;
		json_object_object_add(m, "following", json_object_new_boolean(following));
		json_object_object_add(m, "blocking", json_object_new_boolean(blocking));
		json_object_object_add(m, "muting", json_object_new_boolean(muting));
		/* Blocked either way: the profile shows no posts and no follow button. */
		if (blocked)
			n = 0;
		json_object_object_add(m, "blocked", json_object_new_boolean(blocked));
	}
	json_object_object_add(m, "return_to", json_object_new_string(arena_printf(r->arena, "/@%s", u.username)));
	json_object_object_add(m, "nav", json_object_new_object());
	if (self)
		json_object_object_add(json_object_object_get(m, "nav"), "profile", json_object_new_boolean(1));
	grid = json_object_new_array();
	for (size_t i = 0; i < n && i < PROFILE_PAGE; i++)
		json_object_array_add(grid, model_post(r, &posts[i]));
	json_object_object_add(m, "posts", grid);
	json_object_object_add(m, "has_posts", json_object_new_boolean(n > 0));
	if (n > PROFILE_PAGE)
		json_object_object_add(m, "older_url",
				       json_object_new_string(arena_printf(r->arena, "/@%s?max_id=%llu", u.username,
									   posts[PROFILE_PAGE - 1].id)));
	return page_render(r, 200, "pages/profile", m);
}
