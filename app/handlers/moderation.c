#include "handlers/moderation.h"

#include <string.h>

#include "core/arena.h"
#include "core/conf.h"
#include "core/log.h"
#include "http/request.h"
#include "i18n/i18n.h"
#include "jobs/queue.h"
#include "store/posts.h"
#include "store/users.h"
#include "view/models.h"
#include "view/page.h"
#include "web/app.h"
#include "web/auth.h"
#include "core/banned.h"

#define MOD_QUEUE_LIMIT 60

/* Moderators and admins only; anyone else gets a 404, as if the page
 * did not exist. */
static int moderation_require(struct request *r)
{
	int rc = auth_require(r);

	if (rc)
		return rc;
	return user_is_moderator(r->user) ? 0 : 404;
}

static int moderation_back(struct request *r, const char *path)
{
	response_header_add(&r->res, "Location", arena_printf(r->arena, "%s%s", r->app->conf->base_url, path));
	return 303;
}

int moderation_queue(struct request *r)
{
	struct mod_queue_entry *list;
	struct json_object *m, *arr;
	size_t n = 0;
	int rc = moderation_require(r);

	if (rc)
		return rc;
	if (posts_mod_queue(r->app->db, r->arena, MOD_QUEUE_LIMIT, &list, &n) != DB_OK)
		return 503;
	m = page_model(r, page_t(r, N_("Review queue")));
	arr = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "id", json_object_new_int64((int64_t)list[i].post_id));
		json_object_object_add(o, "username", json_object_new_string(list[i].username));
		json_object_object_add(o, "state", json_object_new_string(list[i].state));
		json_object_object_add(o, list[i].state, json_object_new_boolean(1));
		if (list[i].reason)
			json_object_object_add(o, "reason", json_object_new_string(page_t(r, list[i].reason)));
		if (list[i].scores)
			json_object_object_add(o, "scores", json_object_new_string(list[i].scores));
		json_object_object_add(o, "image_url", json_object_new_string(model_media_url(r, list[i].sha256, "feed")));
		json_object_object_add(o, "review_requested", json_object_new_boolean(list[i].review_requested));
		if (list[i].reports)
			json_object_object_add(o, "reports", json_object_new_int64((int64_t)list[i].reports));
		json_object_array_add(arr, o);
	}
	json_object_object_add(m, "entries", arr);
	json_object_object_add(m, "has_entries", json_object_new_boolean(n > 0));
	return page_render(r, 200, "pages/admin/moderation", m);
}

/* A moderator's decision on a post under review or rejected. */
static int moderation_decide(struct request *r, const char *state, const char *reason)
{
	unsigned long long id;
	bool changed = false;
	int rc = moderation_require(r);

	if (rc)
		return rc;
	if (str_to_u64(req_param(r, "id"), &id) < 0)
		return 404;
	/* A rejected post goes back to review first, so the store's rule
	 * (only pending or review posts change) covers both. */
	if (db_exec(r->app->db, "UPDATE posts SET state = 'review' WHERE id = ? AND state = 'rejected'", NULL, NULL,
		    "u", id) != DB_OK ||
	    posts_moderate(r->app->db, id, state, reason, NULL, &changed) != DB_OK)
		return 503;
	if (changed) {
		posts_reports_resolve(r->app->db, id);
		jobs_queue(r->app, "moderated", arena_printf(r->arena, "%llu:%s", id, state));
		auth_event(r, strcmp(state, "approved") == 0 ? "moderation_approved" : "moderation_rejected",
			   r->user->id, arena_printf(r->arena, "post %llu", id));
	}
	return moderation_back(r, "/admin/moderation");
}

int moderation_approve(struct request *r)
{
	return moderation_decide(r, "approved", NULL);
}

int moderation_reject(struct request *r)
{
	return moderation_decide(r, "rejected", N_("A moderator found that this image does not follow the rules."));
}

static const char *const moderation_report_reasons[] = {
	"not_a_woman", "explicit", "minor", "spam", "stolen", "other",
};

int moderation_report(struct request *r)
{
	struct str reason = http_kv_get(&r->form, "reason");
	const char *chosen = NULL;
	unsigned long long id;
	bool created = false;
	struct post p;
	int rc = auth_require(r);

	if (rc)
		return rc;
	for (size_t i = 0; i < sizeof(moderation_report_reasons) / sizeof(moderation_report_reasons[0]); i++)
		if (str_eq_c(reason, moderation_report_reasons[i]))
			chosen = moderation_report_reasons[i];
	if (str_to_u64(req_param(r, "id"), &id) < 0)
		return 404;
	rc = posts_find(r->app->db, r->arena, id, &p);
	if (rc == POSTS_NOT_FOUND || (rc == DB_OK && strcmp(p.state, "approved") != 0))
		return 404;
	if (rc != DB_OK)
		return 503;
	if (!chosen) {
		r->error_message = page_t(r, N_("Choose a reason from the list."));
		return 422;
	}
	if (posts_report(r->app->db, id, r->user->id, chosen, &created) != DB_OK)
		return 503;
	if (created)
		auth_event(r, "report", r->user->id, arena_printf(r->arena, "post %llu %s", id, chosen));
	return moderation_back(r, arena_printf(r->arena, "/p/%llu?reported=1", id));
}

int moderation_appeal(struct request *r)
{
	unsigned long long id;
	bool changed = false;
	int rc = auth_require(r);

	if (rc)
		return rc;
	if (str_to_u64(req_param(r, "id"), &id) < 0)
		return 404;
	if (posts_request_review(r->app->db, id, r->user->id, &changed) != DB_OK)
		return 503;
	if (!changed) {
		r->error_message = page_t(r, N_("A review can be asked for once, for your own rejected post."));
		return 422;
	}
	auth_event(r, "review_requested", r->user->id, arena_printf(r->arena, "post %llu", id));
	return moderation_back(r, arena_printf(r->arena, "/p/%llu", id));
}
