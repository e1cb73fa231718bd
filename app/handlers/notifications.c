#include "handlers/notifications.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/conf.h"
#include "handlers/form.h"
#include "handlers/paging.h"
#include "http/request.h"
#include "i18n/i18n.h"
#include "store/notifications.h"
#include "store/users.h"
#include "view/escape.h"
#include "view/models.h"
#include "view/page.h"
#include "web/app.h"
#include "web/auth.h"
#include "core/banned.h"

#define NOTIF_PAGE 60
#define NOTIF_GROUP_WINDOW (24 * 3600)

/* The filters of the page: ?type= value, its kinds, its label. */
static const struct {
	const char *type;
	unsigned mask;
	const char *label;
} notif_filters[] = {
	{ "all", NOTIF_ALL_KINDS, N_("All") },
	{ "likes", 1u << NOTIF_LIKE, N_("Likes") },
	{ "superlikes", 1u << NOTIF_SUPERLIKE, N_("Super likes") },
	{ "reposts", 1u << NOTIF_REPOST, N_("Reposts") },
	{ "follows", 1u << NOTIF_FOLLOW, N_("Follows") },
	{ "mentions", 1u << NOTIF_MENTION, N_("Mentions") },
	{ "moderation", 1u << NOTIF_MODERATION, N_("Moderation") },
};
#define NOTIF_NFILTERS (sizeof(notif_filters) / sizeof(notif_filters[0]))

/* Sentences for one actor and for a group (singular, plural). */
static const char *notif_sentence(enum notif_kind k, const char *detail)
{
	switch (k) {
	case NOTIF_LIKE: return N_("{{name}} liked your post");
	case NOTIF_SUPERLIKE: return N_("{{name}} super liked your post");
	case NOTIF_REPOST: return N_("{{name}} reposted your post");
	case NOTIF_FOLLOW: return N_("{{name}} followed you");
	case NOTIF_MENTION: return N_("{{name}} mentioned you");
	default:
		if (detail && strcmp(detail, "approved") == 0)
			return N_("Your post passed the BeauBelle AI check and is now visible to everyone.");
		if (detail && strcmp(detail, "review") == 0)
			return N_("Your post is waiting for a moderator's review.");
		if (detail && strcmp(detail, "removed") == 0)
			return N_("A moderator removed your post.");
		return N_("Your post did not pass the BeauBelle AI check.");
	}
}

static void notif_group_sentence(enum notif_kind k, const char **one, const char **many)
{
	switch (k) {
	case NOTIF_SUPERLIKE:
		*one = N_("{{name}} and {{count}} other super liked your post");
		*many = NP_("{{name}} and {{count}} others super liked your post");
		break;
	case NOTIF_REPOST:
		*one = N_("{{name}} and {{count}} other reposted your post");
		*many = NP_("{{name}} and {{count}} others reposted your post");
		break;
	case NOTIF_FOLLOW:
		*one = N_("{{name}} and {{count}} other followed you");
		*many = NP_("{{name}} and {{count}} others followed you");
		break;
	default:
		*one = N_("{{name}} and {{count}} other liked your post");
		*many = NP_("{{name}} and {{count}} others liked your post");
		break;
	}
}

static bool notif_groupable(enum notif_kind k)
{
	return k == NOTIF_LIKE || k == NOTIF_SUPERLIKE || k == NOTIF_REPOST || k == NOTIF_FOLLOW;
}

static time_t notif_time(const char *iso)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (!iso || !strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm))
		return 0;
	return timegm(&tm);
}

/* The sentence as safe HTML: the actor's name is escaped, the catalog's
 * words are ours. */
static const char *notif_html(struct request *r, const struct notif *n, size_t others)
{
	const struct i18n *cat = page_catalog(r);
	struct buf name = BUF_INIT, out = BUF_INIT;
	const char *display = n->actor_display_name && n->actor_display_name[0] ? n->actor_display_name
										 : n->actor_username;
	const char *tmpl, *one, *many, *result;
	char count[24];

	buf_puts(&name, "<strong>");
	escape_html(&name, display ? display : "", display ? strlen(display) : 0);
	buf_puts(&name, "</strong>");
	snprintf(count, sizeof(count), "%zu", others);
	if (others) {
		notif_group_sentence(n->kind, &one, &many);
		tmpl = i18n_ngettext(cat, one, many, others);
	} else {
		tmpl = i18n_gettext(cat, notif_sentence(n->kind, n->detail));
	}
	{
		const char *kv[] = { "name", name.ptr, "count", count };

		i18n_expand(&out, tmpl, kv, 2);
	}
	result = arena_strdup(r->arena, out.ptr ? out.ptr : "");
	buf_release(&name);
	buf_release(&out);
	return result;
}

/* Group the page: the same kind on the same post (or follows) within a
 * day become one entry that names the newest actor and counts the rest. */
static struct json_object *notif_entries(struct request *r, const struct notif *list, size_t n)
{
	struct json_object *arr = json_object_new_array();
	char when[64];

	for (size_t i = 0; i < n;) {
		const struct notif *head = &list[i];
		time_t t0 = notif_time(head->created_at);
		bool unread = head->unread;
		size_t j = i + 1;
		struct json_object *o = json_object_new_object();

		while (j < n && notif_groupable(head->kind) && list[j].kind == head->kind &&
		       list[j].post_id == head->post_id && t0 - notif_time(list[j].created_at) < NOTIF_GROUP_WINDOW) {
			unread = unread || list[j].unread;
			j++;
		}
		json_object_object_add(o, "id", json_object_new_int64((int64_t)head->id));
		json_object_object_add(o, "kind", json_object_new_string(notif_kind_name(head->kind)));
		json_object_object_add(o, notif_kind_name(head->kind), json_object_new_boolean(1));
		json_object_object_add(o, "html", json_object_new_string(notif_html(r, head, j - i - 1)));
		json_object_object_add(o, "unread", json_object_new_boolean(unread));
		json_object_object_add(o, "created_at", json_object_new_string(head->created_at ? head->created_at : ""));
		i18n_format_reltime(page_catalog(r), t0, time(NULL), r->lang && strcmp(r->lang, "ja") == 0 ? 9 * 3600 : 0,
				    when, sizeof(when));
		json_object_object_add(o, "ago", json_object_new_string(when));
		if (head->actor_username)
			json_object_object_add(o, "actor", json_object_new_string(head->actor_username));
		if (head->actor_avatar_hash)
			json_object_object_add(o, "avatar_url",
					       json_object_new_string(model_media_url(r, head->actor_avatar_hash, "thumb")));
		if (head->post_id) {
			json_object_object_add(o, "post_id", json_object_new_int64((int64_t)head->post_id));
			if (head->post_sha256)
				json_object_object_add(o, "thumb_url",
						       json_object_new_string(model_media_url(r, head->post_sha256, "thumb")));
		}
		json_object_array_add(arr, o);
		i = j;
	}
	return arr;
}

int notifications_page(struct request *r)
{
	struct str type = http_kv_get(&r->query, "type");
	struct json_object *m, *filters;
	unsigned long long max_id;
	struct notif *list;
	size_t n = 0, f = 0;
	int rc = auth_require(r);

	if (rc)
		return rc;
	if (paging_max_id(r, &max_id) < 0)
		return 400;
	if (type.ptr) {
		for (f = 0; f < NOTIF_NFILTERS && !str_eq_c(type, notif_filters[f].type); f++)
			;
		if (f == NOTIF_NFILTERS)
			return 400;
	}
	if (notif_page(r->app->db, r->arena, r->user->id, notif_filters[f].mask, max_id, NOTIF_PAGE + 1, &list, &n) != DB_OK)
		return 503;
	/* Opening the page reads what it shows. */
	if (max_id == 0 && notif_mark_read(r->app->db, r->user->id) == DB_OK)
		notif_unread_forget(r->app->rds, r->user->id);
	m = page_model(r, page_t(r, N_("Notifications")));
	json_object_object_del(m, "unread_count");
	json_object_object_add(m, "nav", json_object_new_object());
	json_object_object_add(json_object_object_get(m, "nav"), "notifications", json_object_new_boolean(1));
	json_object_object_add(m, "entries", notif_entries(r, list, n > NOTIF_PAGE ? NOTIF_PAGE : n));
	json_object_object_add(m, "has_entries", json_object_new_boolean(n > 0));
	filters = json_object_new_array();
	for (size_t i = 0; i < NOTIF_NFILTERS; i++) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "type", json_object_new_string(notif_filters[i].type));
		json_object_object_add(o, "label", json_object_new_string(page_t(r, notif_filters[i].label)));
		json_object_object_add(o, "current", json_object_new_boolean(i == f));
		json_object_array_add(filters, o);
	}
	json_object_object_add(m, "filters", filters);
	if (n > NOTIF_PAGE)
		json_object_object_add(m, "older_url", json_object_new_string(arena_printf(r->arena,
			"/notifications?type=%s&max_id=%llu", notif_filters[f].type, list[NOTIF_PAGE - 1].id)));
	return page_render(r, 200, "pages/notifications", m);
}

int notifications_read_all(struct request *r)
{
	int rc = auth_require(r);

	if (rc)
		return rc;
	if (notif_mark_read(r->app->db, r->user->id) != DB_OK)
		return 503;
	notif_unread_forget(r->app->rds, r->user->id);
	response_header_add(&r->res, "Location", arena_printf(r->arena, "%s/notifications", r->app->conf->base_url));
	return 303;
}

int notifications_unread(struct request *r)
{
	struct json_object *o;
	long long count = 0;

	if (!r->user)
		return 401;
	if (notif_unread(r->app->db, r->app->rds, r->user->id, &count) != DB_OK)
		return 503;
	o = json_object_new_object();
	json_object_object_add(o, "unread", json_object_new_int64(count));
	return page_json(r, 200, o);
}

/*
 * nginx asks before holding a live connection open: only the logged-in
 * owner of channel "u<id>" may subscribe to it.
 */
int notifications_live_auth(struct request *r)
{
	const char *channel = req_env(r, "HTTP_X_CHANNEL_ID");
	char mine[32];

	if (!r->user || !channel)
		return 403;
	snprintf(mine, sizeof(mine), "u%llu", r->user->id);
	if (strcmp(channel, mine) != 0) {
		auth_event(r, "live_denied", r->user->id, channel);
		return 403;
	}
	r->res.content_type = "text/plain; charset=utf-8";
	return 200;
}

int notifications_settings(struct request *r)
{
	struct json_object *m, *kinds;
	int rc = auth_require(r);

	if (rc)
		return rc;
	m = page_model(r, page_t(r, N_("Notification settings")));
	kinds = json_object_new_array();
	for (size_t i = 1; i < NOTIF_NFILTERS; i++) {
		struct json_object *o = json_object_new_object();
		enum notif_kind k = (enum notif_kind)(i - 1); /* filters after "all" follow the kinds */

		json_object_object_add(o, "name", json_object_new_string(notif_kind_name(k)));
		json_object_object_add(o, "label", json_object_new_string(page_t(r, notif_filters[i].label)));
		json_object_object_add(o, "on", json_object_new_boolean((r->user->notify_mask & (1u << k)) != 0));
		json_object_array_add(kinds, o);
	}
	json_object_object_add(m, "kinds", kinds);
	json_object_object_add(m, "tab", json_object_new_object());
	json_object_object_add(json_object_object_get(m, "tab"), "notifications", json_object_new_boolean(1));
	if (str_eq_c(http_kv_get(&r->query, "done"), "1")) {
		struct json_object *flash = json_object_new_object();

		json_object_object_add(flash, "kind", json_object_new_string("success"));
		json_object_object_add(flash, "message", json_object_new_string(page_t(r, N_("Your notification settings were saved."))));
		json_object_object_add(m, "flash", flash);
	}
	return page_render(r, 200, "pages/settings/notifications", m);
}

int notifications_settings_save(struct request *r)
{
	unsigned mask = 0;
	int rc = auth_require(r);

	if (rc)
		return rc;
	for (int k = 0; k < NOTIF_NKINDS; k++)
		if (http_kv_get(&r->form, notif_kind_name((enum notif_kind)k)).ptr)
			mask |= 1u << k;
	if (users_update_notify_mask(r->app->db, r->user->id, mask) != DB_OK)
		return 503;
	response_header_add(&r->res, "Location", arena_printf(r->arena, "%s/settings/notifications?done=1", r->app->conf->base_url));
	return 303;
}
