#include "handlers/profile.h"

#include "web/app.h"

#include "core/arena.h"
#include "http/request.h"
#include "store/users.h"
#include "view/page.h"
#include "core/banned.h"

/* The public fields of an account for templates; never email or role. */
struct json_object *profile_account_json(struct request *r, const struct user *u)
{
	struct json_object *a = json_object_new_object();

	json_object_object_add(a, "id", json_object_new_int64((int64_t)u->id));
	json_object_object_add(a, "username", json_object_new_string(u->username));
	json_object_object_add(a, "display_name",
			       json_object_new_string(u->display_name[0] ? u->display_name : u->username));
	json_object_object_add(a, "bio", json_object_new_string(u->bio));
	if (u->avatar_hash)
		json_object_object_add(a, "avatar_url", json_object_new_string(page_avatar_url(r, u->avatar_hash)));
	json_object_object_add(a, "posts_count", json_object_new_int64((int64_t)u->posts_count));
	json_object_object_add(a, "followers_count", json_object_new_int64((int64_t)u->followers_count));
	json_object_object_add(a, "following_count", json_object_new_int64((int64_t)u->following_count));
	return a;
}

int profile_show(struct request *r)
{
	struct str name = req_param(r, "username");
	struct json_object *m;
	struct user u;
	int rc;

	if (name.len < 1 || name.len > 30)
		return 404;
	rc = users_find_by_username(r->app->db, r->arena, name.ptr, &u);
	if (rc == USERS_NOT_FOUND)
		return 404;
	if (rc != DB_OK)
		return 503;
	m = page_model(r, u.display_name[0] ? u.display_name : u.username);
	json_object_object_add(m, "account", profile_account_json(r, &u));
	json_object_object_add(m, "is_self", json_object_new_boolean(r->user && r->user->id == u.id));
	json_object_object_add(m, "nav", json_object_new_object());
	if (r->user && r->user->id == u.id)
		json_object_object_add(json_object_object_get(m, "nav"), "profile", json_object_new_boolean(1));
	json_object_object_add(m, "posts", json_object_new_array());
	return page_render(r, 200, "pages/profile", m);
}
