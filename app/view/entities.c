#include "view/entities.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/conf.h"
#include "core/json.h"
#include "http/request.h"
#include "http/url.h"
#include "store/batch.h"
#include "store/blocks.h"
#include "store/follows.h"
#include "store/likes.h"
#include "store/notifications.h"
#include "store/posts.h"
#include "store/users.h"
#include "view/models.h"
#include "view/richtext.h"
#include "web/app.h"
#include "core/banned.h"

#define ENTITY_MAX_TAGS 30

const char *entity_id(struct request *r, unsigned long long id)
{
	return arena_printf(r->arena, "%llu", id);
}

static void entity_str(struct json_object *o, const char *key, const char *v)
{
	json_add_new(o, key, json_object_new_string(v ? v : ""));
}

/* A string, or null when v is NULL or empty. */
static void entity_str_or_null(struct json_object *o, const char *key, const char *v)
{
	json_add_new(o, key, v && v[0] ? json_object_new_string(v) : NULL);
}

static void entity_bool(struct json_object *o, const char *key, bool v)
{
	json_add_new(o, key, json_object_new_boolean(v));
}

static void entity_int(struct json_object *o, const char *key, long long v)
{
	json_add_new(o, key, json_object_new_int64(v));
}

/* Absolute URL of path under base_url. */
static const char *entity_url(struct request *r, const char *path)
{
	return arena_printf(r->arena, "%s%s", r->app->conf->base_url, path);
}

/* Absolute URL of a stored image variant. */
static const char *entity_media_url(struct request *r, const char *hash, const char *variant)
{
	const char *u = model_media_url(r, hash, variant);

	return u[0] == '/' ? entity_url(r, u) : u;
}

/* Text as Mastodon's HTML: our safe links made absolute (clients open
 * them outside the site), <br> for line breaks, in one paragraph; ""
 * for no text. User text is escaped, so href="/ only starts our links. */
static const char *entity_html(struct request *r, const char *text)
{
	struct buf html = BUF_INIT, out = BUF_INIT;
	const char *result;

	if (!text || !text[0])
		return "";
	richtext_html(&html, text, strlen(text));
	buf_puts(&out, "<p>");
	for (size_t i = 0; html.ptr && i < html.len; i++) {
		if (html.len - i > 7 && memcmp(html.ptr + i, "href=\"/", 7) == 0) {
			buf_printf(&out, "href=\"%s/", r->app->conf->base_url);
			i += 6;
		} else if (html.ptr[i] == '\n')
			buf_puts(&out, "<br>");
		else if (html.ptr[i] != '\r')
			buf_putc(&out, html.ptr[i]);
	}
	buf_puts(&out, "</p>");
	result = arena_strndup(r->arena, out.ptr ? out.ptr : "", out.len);
	buf_release(&html);
	buf_release(&out);
	return result ? result : "";
}

/* ---- Account ---- */

struct json_object *entity_account(struct request *r, const struct user *u)
{
	struct json_object *a = json_object_new_object();
	const char *url = entity_url(r, arena_printf(r->arena, "/@%s", u->username));
	const char *avatar = u->avatar_hash ? entity_media_url(r, u->avatar_hash, "thumb")
					    : entity_url(r, "/avatars/missing.png");
	const char *header = entity_url(r, "/avatars/missing.png");

	entity_str(a, "id", entity_id(r, u->id));
	entity_str(a, "username", u->username);
	entity_str(a, "acct", u->username);
	entity_str(a, "url", url);
	entity_str(a, "uri", url);
	entity_str(a, "display_name", u->display_name);
	entity_str(a, "note", entity_html(r, u->bio));
	entity_str(a, "avatar", avatar);
	entity_str(a, "avatar_static", avatar);
	entity_str(a, "header", header);
	entity_str(a, "header_static", header);
	entity_bool(a, "locked", false);
	json_add_new(a, "fields", json_object_new_array());
	json_add_new(a, "emojis", json_object_new_array());
	entity_bool(a, "bot", false);
	entity_bool(a, "group", false);
	entity_bool(a, "discoverable", true);
	entity_bool(a, "indexable", true);
	entity_bool(a, "noindex", false);
	json_add_new(a, "moved", NULL);
	entity_bool(a, "suspended", false);
	entity_bool(a, "limited", false);
	entity_str(a, "created_at", u->created_at);
	json_add_new(a, "last_status_at", NULL);
	entity_int(a, "statuses_count", (long long)u->posts_count);
	entity_int(a, "followers_count", (long long)u->followers_count);
	entity_int(a, "following_count", (long long)u->following_count);
	entity_bool(a, "hide_collections", false);
	json_add_new(a, "roles", json_object_new_array());
	return a;
}

struct json_object *entity_credential_account(struct request *r, const struct user *u)
{
	struct json_object *a = entity_account(r, u), *src = json_object_new_object();

	entity_str(src, "note", u->bio);
	json_add_new(src, "fields", json_object_new_array());
	entity_str(src, "privacy", "public");
	entity_bool(src, "sensitive", false);
	entity_str(src, "language", u->language ? u->language : "");
	entity_int(src, "follow_requests_count", 0);
	entity_bool(src, "hide_collections", false);
	entity_bool(src, "discoverable", true);
	entity_bool(src, "indexable", true);
	entity_str(src, "quote_policy", "nobody");
	json_add_new(src, "attribution_domains", json_object_new_array());
	json_add_new(a, "source", src);
	return a;
}

/*
 * Load the accounts of ids (duplicates allowed, any number) into *users
 * (*count of them), BATCH_MAX at a time. DB_OK or a DB_ error.
 */
static int entity_load_users(struct request *r, const unsigned long long *ids, size_t n, struct user **users,
			     size_t *count)
{
	unsigned long long *uniq = arena_calloc(r->arena, n ? n : 1, sizeof(*uniq));
	struct user *all = arena_calloc(r->arena, n ? n : 1, sizeof(*all));
	size_t nu = 0, got = 0;

	if (!uniq || !all)
		return DB_ERR;
	for (size_t i = 0; i < n; i++) {
		bool seen = false;

		for (size_t k = 0; k < nu && !seen; k++)
			seen = uniq[k] == ids[i];
		if (!seen && ids[i])
			uniq[nu++] = ids[i];
	}
	for (size_t off = 0; off < nu; off += BATCH_MAX) {
		size_t chunk = nu - off < BATCH_MAX ? nu - off : BATCH_MAX, k = 0;
		struct user *part = NULL;
		int rc = users_by_ids(r->app->db, r->arena, uniq + off, chunk, &part, &k);

		if (rc != DB_OK)
			return rc;
		memcpy(all + got, part, k * sizeof(*part));
		got += k;
	}
	*users = all;
	*count = got;
	return DB_OK;
}

static const struct user *entity_find_user(const struct user *users, size_t n, unsigned long long id)
{
	for (size_t i = 0; i < n; i++)
		if (users[i].id == id)
			return &users[i];
	return NULL;
}

struct json_object *entity_accounts(struct request *r, const unsigned long long *ids, size_t n)
{
	struct json_object *arr;
	struct user *users = NULL;
	size_t nu = 0;

	if (entity_load_users(r, ids, n, &users, &nu) != DB_OK)
		return NULL;
	arr = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		const struct user *u = entity_find_user(users, nu, ids[i]);

		if (u)
			json_object_array_add(arr, entity_account(r, u));
	}
	return arr;
}

/* ---- MediaAttachment ---- */

static struct json_object *entity_size(int w, int h)
{
	struct json_object *o = json_object_new_object();
	char size[32];

	entity_int(o, "width", w);
	entity_int(o, "height", h);
	snprintf(size, sizeof(size), "%dx%d", w, h);
	entity_str(o, "size", size);
	json_add_new(o, "aspect", json_object_new_double(h > 0 ? (double)w / (double)h : 1.0));
	return o;
}

struct json_object *entity_media(struct request *r, const struct post_media *m)
{
	struct json_object *o = json_object_new_object(), *meta = json_object_new_object();

	entity_str(o, "id", entity_id(r, m->id));
	/* An animated upload stays an animated WebP image: "gifv" would
	 * promise a video file. */
	entity_str(o, "type", "image");
	entity_str(o, "url", entity_media_url(r, m->sha256, "orig"));
	entity_str(o, "preview_url", entity_media_url(r, m->sha256, "thumb"));
	json_add_new(o, "remote_url", NULL);
	json_add_new(o, "preview_remote_url", NULL);
	json_add_new(o, "text_url", NULL);
	json_add_new(meta, "original", entity_size(m->width, m->height));
	json_add_new(meta, "small", entity_size(m->thumb_width, m->thumb_height));
	json_add_new(o, "meta", meta);
	entity_str_or_null(o, "description", m->description);
	entity_str_or_null(o, "blurhash", m->blurhash);
	return o;
}

/* ---- Status ---- */

struct entity_tags {
	struct request *r;
	struct json_object *arr;
};

static void entity_collect_tag(void *ud, const char *tag, size_t n)
{
	struct entity_tags *t = ud;
	struct json_object *o = json_object_new_object();
	const char *name = arena_strndup(t->r->arena, tag, n);

	entity_str(o, "name", name);
	entity_str(o, "url", entity_url(t->r, arena_printf(t->r->arena, "/tags/%s", url_encode(t->r->arena, tag, n))));
	json_object_array_add(t->arr, o);
}

/* What the viewer has done to a post. */
struct entity_viewer {
	bool signed_in;
	enum like_kind like;
	bool reblogged;
};

/* Where the post's image came from; null fields when not known or not shared. */
static struct json_object *entity_provenance(const struct post *p)
{
	struct json_object *o = json_object_new_object();
	const char *src = p->provenance ? p->provenance : "unmarked";

	entity_str(o, "source", src);
	entity_bool(o, "ai_generated", strcmp(src, "unmarked") != 0);
	json_add_new(o, "engine", p->ai_engine ? json_object_new_string(p->ai_engine) : NULL);
	json_add_new(o, "model", p->ai_model ? json_object_new_string(p->ai_model) : NULL);
	json_add_new(o, "prompt", p->ai_prompt ? json_object_new_string(p->ai_prompt) : NULL);
	return o;
}

/* The Accounts of a list (statuses, notifications), each made once: a
 * timeline names the same few authors again and again, and each Account
 * is some thirty members and the bio's HTML. The entries share the
 * object. */
struct entity_account_memo {
	unsigned long long *ids;
	struct json_object **accounts;
	size_t n, cap;
};

/* Room for cap accounts; false when the arena is out of memory. */
static bool entity_account_memo_init(struct request *r, struct entity_account_memo *m, size_t cap)
{
	m->ids = arena_calloc(r->arena, cap + 1, sizeof(*m->ids));
	m->accounts = arena_calloc(r->arena, cap + 1, sizeof(*m->accounts));
	m->n = 0;
	m->cap = cap;
	return m->ids && m->accounts;
}

static struct json_object *entity_account_once(struct request *r, struct entity_account_memo *m,
					       const struct user *u)
{
	struct json_object *a;

	for (size_t i = 0; i < m->n; i++)
		if (m->ids[i] == u->id)
			return json_object_get(m->accounts[i]);
	a = entity_account(r, u);
	if (a && m->n < m->cap) {
		m->ids[m->n] = u->id;
		m->accounts[m->n++] = a;
	}
	return a;
}

/* The fields every Status has, for p (a post, or a reblog wrapper when
 * inner is given); account is its author's, owned from here on. */
static struct json_object *entity_status_base(struct request *r, const struct post *p, struct json_object *account,
					      const struct entity_viewer *v, struct json_object *inner)
{
	struct json_object *s = json_object_new_object(), *beau = json_object_new_object();
	const char *url = entity_url(r, arena_printf(r->arena, "/p/%llu", p->id));
	struct entity_tags tags = { r, json_object_new_array() };
	struct json_object *media = json_object_new_array();

	entity_str(s, "id", entity_id(r, p->id));
	entity_str(s, "uri", url);
	entity_str(s, "url", url);
	entity_str(s, "created_at", p->created_at);
	json_add_new(s, "edited_at", NULL);
	json_add_new(s, "account", account);
	if (!inner) {
		entity_str(s, "content", entity_html(r, p->caption));
		richtext_hashtags(p->caption, strlen(p->caption), ENTITY_MAX_TAGS, entity_collect_tag, &tags);
		json_object_array_add(media, entity_media(r, &p->media));
	} else {
		entity_str(s, "content", "");
	}
	entity_str(s, "visibility", "public");
	entity_bool(s, "sensitive", !inner && p->sensitive);
	entity_str(s, "spoiler_text", "");
	json_add_new(s, "media_attachments", media);
	json_add_new(s, "application", NULL);
	json_add_new(s, "mentions", json_object_new_array());
	json_add_new(s, "tags", tags.arr);
	json_add_new(s, "emojis", json_object_new_array());
	entity_int(s, "reblogs_count", inner ? 0 : (long long)p->reposts_count);
	entity_int(s, "favourites_count", inner ? 0 : (long long)p->likes_count);
	entity_int(s, "replies_count", 0);
	entity_int(s, "quotes_count", 0);
	json_add_new(s, "in_reply_to_id", NULL);
	json_add_new(s, "in_reply_to_account_id", NULL);
	json_add_new(s, "reblog", inner);
	json_add_new(s, "poll", NULL);
	json_add_new(s, "card", NULL);
	json_add_new(s, "language", NULL);
	json_add_new(s, "text", NULL);
	json_add_new(s, "quote", NULL);
	if (v->signed_in) {
		entity_bool(s, "favourited", !inner && v->like != LIKE_NONE);
		entity_bool(s, "reblogged", !inner && v->reblogged);
		entity_bool(s, "muted", false);
		entity_bool(s, "bookmarked", false);
		entity_bool(s, "pinned", false);
		json_add_new(s, "filtered", json_object_new_array());
	}
	if (!inner) {
		entity_bool(beau, "super_liked", v->like == LIKE_SUPER);
		entity_int(beau, "superlikes_count", (long long)p->superlikes_count);
		entity_str(beau, "state", p->state);
		json_add_new(beau, "provenance", entity_provenance(p));
		json_add_new(s, "beaubelle", beau);
	} else {
		json_object_put(beau);
	}
	return s;
}

/* The author of p: loaded with it, or among users; a stand-in when the
 * row vanished between two queries: the post's own copy of the names. */
static const struct user *entity_author(struct request *r, const struct user *users, size_t n,
					const struct post *p)
{
	const struct user *u = p->author ? p->author : entity_find_user(users, n, p->user_id);
	struct user *fallback;

	if (u)
		return u;
	fallback = arena_calloc(r->arena, 1, sizeof(*fallback));
	if (!fallback)
		return NULL;
	fallback->id = p->user_id;
	fallback->username = p->username;
	fallback->display_name = p->display_name;
	fallback->avatar_hash = p->avatar_hash;
	fallback->bio = "";
	fallback->created_at = p->created_at;
	return fallback;
}

struct json_object *entity_statuses_marked(struct request *r, const struct post *posts, struct post *const *originals,
					   size_t n, const enum like_kind *marked_likes, const bool *marked_reposts)
{
	unsigned long long *author_ids = arena_calloc(r->arena, 2 * n + 1, sizeof(*author_ids));
	struct entity_account_memo memo;
	unsigned long long *shown = arena_calloc(r->arena, n + 1, sizeof(*shown));
	enum like_kind *likes = arena_calloc(r->arena, n + 1, sizeof(*likes));
	bool *reblogged = arena_calloc(r->arena, n + 1, sizeof(*reblogged));
	struct json_object *arr;
	struct user *users = NULL;
	size_t nu = 0, na = 0;

	if (!author_ids || !shown || !likes || !reblogged || !entity_account_memo_init(r, &memo, 2 * n))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (!posts[i].author)
			author_ids[na++] = posts[i].user_id;
		if (originals && originals[i] && !originals[i]->author)
			author_ids[na++] = originals[i]->user_id;
		shown[i] = originals && originals[i] ? originals[i]->id : posts[i].id;
	}
	if (entity_load_users(r, author_ids, na, &users, &nu) != DB_OK)
		return NULL;
	if (marked_likes && marked_reposts) {
		memcpy(likes, marked_likes, n * sizeof(*likes));
		memcpy(reblogged, marked_reposts, n * sizeof(*reblogged));
	}
	for (size_t off = 0; r->user && !marked_likes && off < n; off += BATCH_MAX) {
		size_t chunk = n - off < BATCH_MAX ? n - off : BATCH_MAX;

		if (likes_among(r->app->db, r->arena, r->user->id, shown + off, chunk, likes + off) != DB_OK ||
		    posts_reposted_among(r->app->db, r->arena, r->user->id, shown + off, chunk, reblogged + off) != DB_OK)
			return NULL;
	}
	arr = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		const struct post *orig = originals ? originals[i] : NULL;
		struct entity_viewer v = { r->user != NULL, likes[i], reblogged[i] };
		struct entity_viewer none = { r->user != NULL, LIKE_NONE, false };
		struct json_object *inner = NULL;
		const struct user *author = entity_author(r, users, nu, &posts[i]);

		if (!author)
			continue;
		if (orig) {
			const struct user *oa = entity_author(r, users, nu, orig);

			if (!oa)
				continue;
			inner = entity_status_base(r, orig, entity_account_once(r, &memo, oa), &v, NULL);
		}
		json_object_array_add(arr, entity_status_base(r, &posts[i], entity_account_once(r, &memo, author),
							      orig ? &none : &v, inner));
	}
	return arr;
}

struct json_object *entity_statuses(struct request *r, const struct post *posts, struct post *const *originals,
				    size_t n)
{
	return entity_statuses_marked(r, posts, originals, n, NULL, NULL);
}

struct json_object *entity_status(struct request *r, const struct post *p, const struct post *original)
{
	struct post *const originals[1] = { (struct post *)original };
	struct json_object *arr = entity_statuses(r, p, originals, 1), *s;

	if (!arr)
		return NULL;
	s = json_object_get(json_object_array_get_idx(arr, 0));
	json_object_put(arr);
	return s;
}

/* ---- Relationship ---- */

struct json_object *entity_relationship(struct request *r, unsigned long long target)
{
	bool following = false, followed_by = false, blocking = false, muting = false, blocked_by = false, ignored;
	struct json_object *o;

	if (follows_exists(r->app->db, r->user->id, target, &following) != DB_OK ||
	    follows_exists(r->app->db, target, r->user->id, &followed_by) != DB_OK ||
	    blocks_state(r->app->db, r->user->id, target, &blocking, &muting) != DB_OK ||
	    blocks_state(r->app->db, target, r->user->id, &blocked_by, &ignored) != DB_OK)
		return NULL;
	o = json_object_new_object();
	entity_str(o, "id", entity_id(r, target));
	entity_bool(o, "following", following);
	entity_bool(o, "showing_reblogs", following);
	entity_bool(o, "notifying", false);
	json_add_new(o, "languages", NULL);
	entity_bool(o, "followed_by", followed_by);
	entity_bool(o, "blocking", blocking);
	entity_bool(o, "blocked_by", blocked_by);
	entity_bool(o, "muting", muting);
	entity_bool(o, "muting_notifications", muting);
	json_add_new(o, "muting_expires_at", NULL);
	entity_bool(o, "requested", false);
	entity_bool(o, "requested_by", false);
	entity_bool(o, "domain_blocking", false);
	entity_bool(o, "endorsed", false);
	entity_str(o, "note", "");
	return o;
}

/* ---- Notification ---- */

const char *entity_notification_type(int kind)
{
	switch (kind) {
	case NOTIF_LIKE:
	case NOTIF_SUPERLIKE: return "favourite";
	case NOTIF_REPOST: return "reblog";
	case NOTIF_FOLLOW: return "follow";
	case NOTIF_MENTION: return "mention";
	default: return NULL;
	}
}

static bool entity_notification_has_status(int kind)
{
	return kind == NOTIF_LIKE || kind == NOTIF_SUPERLIKE || kind == NOTIF_REPOST || kind == NOTIF_MENTION;
}

struct json_object *entity_notifications(struct request *r, const struct notif *list, size_t n)
{
	unsigned long long *actors = arena_calloc(r->arena, n + 1, sizeof(*actors));
	unsigned long long *post_ids = arena_calloc(r->arena, n + 1, sizeof(*post_ids));
	struct post *posts = NULL, **originals = NULL;
	struct json_object *arr, *statuses = NULL;
	struct entity_account_memo memo;
	struct user *users = NULL;
	size_t nu = 0, np = 0, nposts = 0;

	if (!actors || !post_ids || !entity_account_memo_init(r, &memo, n))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		actors[i] = list[i].actor_id;
		if (entity_notification_has_status(list[i].kind) && list[i].post_id && np < BATCH_MAX)
			post_ids[np++] = list[i].post_id;
	}
	if (entity_load_users(r, actors, n, &users, &nu) != DB_OK)
		return NULL;
	if (np && posts_by_ids(r->app->db, r->arena, 0, post_ids, np, &posts, &originals, &nposts) != DB_OK)
		return NULL;
	if (nposts && !(statuses = entity_statuses(r, posts, originals, nposts)))
		return NULL;
	arr = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		const struct notif *no = &list[i];
		const char *type = entity_notification_type(no->kind);
		const struct user *actor = entity_find_user(users, nu, no->actor_id);
		struct json_object *o, *status = NULL, *beau;

		if (!type || !actor)
			continue;
		if (entity_notification_has_status(no->kind)) {
			for (size_t k = 0; k < nposts && !status; k++)
				if (posts[k].id == no->post_id)
					status = json_object_array_get_idx(statuses, k);
			if (!status)
				continue; /* the post is gone or hidden */
		}
		o = json_object_new_object();
		entity_str(o, "id", entity_id(r, no->id));
		entity_str(o, "type", type);
		entity_str(o, "group_key", arena_printf(r->arena, "ungrouped-%llu", no->id));
		entity_str(o, "created_at", no->created_at);
		json_add_new(o, "account", entity_account_once(r, &memo, actor));
		if (status)
			json_add_new(o, "status", json_object_get(status));
		beau = json_object_new_object();
		entity_str(beau, "type", notif_kind_name(no->kind));
		entity_bool(beau, "unread", no->unread);
		json_add_new(o, "beaubelle", beau);
		json_object_array_add(arr, o);
	}
	if (statuses)
		json_object_put(statuses);
	return arr;
}
