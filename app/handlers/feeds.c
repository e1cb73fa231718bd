#include "handlers/feeds.h"

#include <string.h>

#include "core/arena.h"
#include "core/conf.h"
#include "core/log.h"
#include "http/request.h"
#include "store/batch.h"
#include "store/likes.h"
#include "store/posts.h"
#include "store/timelines.h"
#include "store/users.h"
#include "store/viewer.h"
#include "view/models.h"
#include "web/app.h"
#include "core/banned.h"

#define FEED_SUPER_LIMIT 5
/* The most home timeline ids one page looks at for its posts. */
#define FEED_FILL_MAX 400

int feed_super_remaining(struct request *r)
{
	int left = 0;

	if (!r->user || likes_super_remaining(r->app->db, r->user->id, FEED_SUPER_LIMIT, &left) != DB_OK)
		return 0;
	return left;
}

static int feed_supers_left(const struct viewer_marks *marks)
{
	return FEED_SUPER_LIMIT - marks->supers_today > 0 ? FEED_SUPER_LIMIT - marks->supers_today : 0;
}

bool feed_hidden(const unsigned long long *hidden, size_t nhidden, unsigned long long uid)
{
	for (size_t i = 0; i < nhidden; i++)
		if (hidden[i] == uid)
			return true;
	return false;
}

int feed_from_ids(struct request *r, const unsigned long long *ids, size_t n, struct feed_page *out)
{
	struct viewer_marks marks;
	int rc = r->user ? viewer_marks_load(r->app->db, r->arena, r->user->id, &marks) : DB_OK;

	return rc == DB_OK ? feed_from_ids_marked(r, ids, n, r->user ? &marks : NULL, out) : rc;
}

int feed_from_ids_marked(struct request *r, const unsigned long long *ids, size_t n, const struct viewer_marks *marks,
			 struct feed_page *out)
{
	size_t k = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (n > BATCH_MAX)
		n = BATCH_MAX;
	rc = posts_by_ids(r->app->db, r->arena, marks ? r->user->id : 0, ids, n, &out->posts, &out->originals,
			  &out->n);
	if (rc != DB_OK || !marks)
		return rc;
	out->likes = arena_calloc(r->arena, out->n + 1, sizeof(*out->likes));
	out->reposted = arena_calloc(r->arena, out->n + 1, sizeof(*out->reposted));
	if (!out->likes || !out->reposted)
		return DB_ERR;
	/* Posts and reposts by hidden accounts, and reposts of their posts,
	 * leave the page. The marks are the shown post's: for a repost, its
	 * original's. */
	for (size_t i = 0; i < out->n; i++) {
		const struct post *o = out->originals[i], *shown = o ? o : &out->posts[i];

		if (feed_hidden(marks->hidden, marks->nhidden, out->posts[i].user_id) ||
		    (o && feed_hidden(marks->hidden, marks->nhidden, o->user_id)))
			continue;
		out->posts[k] = out->posts[i];
		out->originals[k] = out->originals[i];
		out->likes[k] = shown->viewer_like;
		out->reposted[k] = shown->viewer_reposted;
		k++;
	}
	out->n = k;
	out->super_remaining = feed_supers_left(marks);
	return DB_OK;
}

int feed_page_super_remaining(struct request *r, const struct feed_page *page)
{
	return page->likes ? page->super_remaining : feed_super_remaining(r);
}

/* The first limit of ids (newest first, one more than a page when there
 * are more) as a page. */
static int feed_slice(struct request *r, const unsigned long long *ids, size_t n, size_t limit, struct feed_page *out)
{
	size_t count = n < limit ? n : limit;
	int rc = feed_from_ids(r, ids, count, out);

	if (rc == DB_OK && count < n && count)
		out->next_max_id = ids[count - 1];
	return rc;
}

/* Append page w's first `take` posts to out (room for them reserved). */
static void feed_append(struct feed_page *out, const struct feed_page *w, size_t take)
{
	for (size_t i = 0; i < take; i++) {
		out->posts[out->n] = w->posts[i];
		out->originals[out->n] = w->originals[i];
		if (out->likes && w->likes) {
			out->likes[out->n] = w->likes[i];
			out->reposted[out->n] = w->reposted[i];
		}
		out->n++;
	}
}

/*
 * Up to limit posts from ids (newest first) as a page, looking past the
 * ids that show nothing (a post deleted with its account, an author the
 * viewer muted or blocked) a window at a time, FEED_FILL_MAX ids at
 * most; *used: how many ids were looked at, the next page starting after
 * ids[*used - 1]. Usually one window of limit ids does it.
 */
static int feed_fill(struct request *r, const unsigned long long *ids, size_t n, size_t limit, struct feed_page *out,
		     size_t *used)
{
	struct viewer_marks marks;
	size_t at = 0;
	int rc = r->user ? viewer_marks_load(r->app->db, r->arena, r->user->id, &marks) : DB_OK;

	memset(out, 0, sizeof(*out));
	*used = 0;
	if (rc != DB_OK)
		return rc;
	out->posts = arena_calloc(r->arena, limit + 1, sizeof(*out->posts));
	out->originals = arena_calloc(r->arena, limit + 1, sizeof(*out->originals));
	if (r->user) {
		out->super_remaining = feed_supers_left(&marks);
		out->likes = arena_calloc(r->arena, limit + 1, sizeof(*out->likes));
		out->reposted = arena_calloc(r->arena, limit + 1, sizeof(*out->reposted));
	}
	if (!out->posts || !out->originals || (r->user && (!out->likes || !out->reposted)))
		return DB_ERR;
	while (out->n < limit && at < n && at < FEED_FILL_MAX) {
		size_t want = limit - out->n, window = at == 0 ? want : BATCH_MAX, looked, take;
		struct feed_page w;

		if (window > n - at)
			window = n - at;
		rc = feed_from_ids_marked(r, ids + at, window, r->user ? &marks : NULL, &w);
		if (rc != DB_OK)
			return rc;
		take = w.n < want ? w.n : want;
		feed_append(out, &w, take);
		/* Filled part-way through the window: the page ends at the
		 * last post taken. */
		looked = window;
		if (take && take < w.n)
			for (looked = 0; looked < window && ids[at + looked] != w.posts[take - 1].id; looked++)
				;
		at += take && take < w.n ? looked + 1 : window;
	}
	*used = at;
	return DB_OK;
}

int feed_home_ids(struct request *r, size_t count, unsigned long long **ids, size_t *n)
{
	int rc = tl_read(r->app->rds, r->arena, r->user->id, count, ids, n);

	if (rc == 0 || rc < 0) {
		/* Missing (new Redis, long absence) or Redis down: the same
		 * timeline straight from MariaDB; stored back when possible. */
		if (posts_home_ids(r->app->db, r->arena, r->user->id, TIMELINES_CAP, ids, n) != DB_OK)
			return DB_UNAVAILABLE;
		if (rc == 0 && tl_store(r->app->rds, r->user->id, *ids, *n) < 0)
			log_warn("event=timeline_store_failed user_id=%llu", r->user->id);
	}
	return DB_OK;
}

int feed_home(struct request *r, unsigned long long max_id, unsigned long long since_id, size_t limit,
	      struct feed_page *out)
{
	unsigned long long *ids = NULL;
	/* The first page needs the head of the list only (one more id tells
	 * whether there are older posts); a later one looks for max_id. */
	size_t head = max_id || since_id ? 0 : limit + 1, n = 0, start = 0, end, used = 0;
	int rc = feed_home_ids(r, head, &ids, &n);

	for (;;) {
		if (rc != DB_OK)
			return rc;
		for (start = 0; start < n && max_id && ids[start] >= max_id; start++)
			;
		for (end = n; end > start && since_id && ids[end - 1] <= since_id; end--)
			;
		rc = feed_fill(r, ids + start, end - start, limit, out, &used);
		/* The head ran out before the page was full: the whole list. */
		if (rc != DB_OK || !head || out->n == limit || n < head)
			break;
		head = 0;
		rc = feed_home_ids(r, 0, &ids, &n);
	}
	if (rc != DB_OK)
		return rc;
	out->newest_id = end > start ? ids[start] : 0;
	out->oldest_id = used ? ids[start + used - 1] : 0;
	if (used && start + used < end)
		out->next_max_id = out->oldest_id;
	return DB_OK;
}

int feed_ai_filter(struct request *r)
{
	struct str v = http_kv_get(&r->query, "ai");

	return str_eq_c(v, "only") ? POSTS_AI_ONLY : str_eq_c(v, "hide") ? POSTS_AI_HIDE : POSTS_AI_ALL;
}

const char *feed_ai_param(int ai)
{
	return ai == POSTS_AI_ONLY ? "only" : ai == POSTS_AI_HIDE ? "hide" : "";
}

void feed_ai_model(struct request *r, struct json_object *m, const char *base, int ai)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "all_url", json_object_new_string(base));
	json_object_object_add(o, "only_url", json_object_new_string(arena_printf(r->arena, "%s?ai=only", base)));
	json_object_object_add(o, "hide_url", json_object_new_string(arena_printf(r->arena, "%s?ai=hide", base)));
	json_object_object_add(o, ai == POSTS_AI_ONLY ? "only" : ai == POSTS_AI_HIDE ? "hide" : "all",
			       json_object_new_boolean(1));
	json_object_object_add(m, "ai_filter", o);
	if (ai != POSTS_AI_ALL)
		json_object_object_add(m, "ai_param", json_object_new_string(feed_ai_param(ai)));
}

int feed_explore(struct request *r, unsigned long long max_id, size_t limit, struct feed_page *out)
{
	unsigned long long *ids = NULL;
	size_t n = 0;
	int rc = posts_recent_ids_ai(r->app->db, r->arena, feed_ai_filter(r), max_id, limit + 1, &ids, &n);

	if (rc != DB_OK)
		return rc;
	return feed_slice(r, ids, n, limit, out);
}

int feed_tag(struct request *r, const char *tag, unsigned long long max_id, size_t limit, struct feed_page *out)
{
	unsigned long long *ids = NULL;
	size_t n = 0;
	int rc = posts_tag_ids(r->app->db, r->arena, tag, max_id, limit + 1, &ids, &n);

	if (rc != DB_OK)
		return rc;
	return feed_slice(r, ids, n, limit, out);
}

struct json_object *feed_cards(struct request *r, const struct feed_page *page)
{
	struct json_object *cards = json_object_new_array();
	unsigned long long ids[BATCH_MAX];
	enum like_kind likes[BATCH_MAX];
	bool reposted[BATCH_MAX];
	size_t n = page->n < BATCH_MAX ? page->n : BATCH_MAX;

	for (size_t i = 0; i < n; i++)
		ids[i] = page->originals[i] ? page->originals[i]->id : page->posts[i].id;
	memset(likes, 0, sizeof(likes));
	memset(reposted, 0, sizeof(reposted));
	if (page->likes) {
		memcpy(likes, page->likes, n * sizeof(*likes));
		memcpy(reposted, page->reposted, n * sizeof(*reposted));
	} else if (r->user) {
		likes_among(r->app->db, r->arena, r->user->id, ids, n, likes);
		posts_reposted_among(r->app->db, r->arena, r->user->id, ids, n, reposted);
	}
	for (size_t i = 0; i < n; i++) {
		const struct post *shown = page->originals[i] ? page->originals[i] : &page->posts[i];
		struct json_object *card = model_post(r, shown);

		if (page->originals[i]) {
			struct json_object *by = json_object_new_object();

			json_object_object_add(by, "username", json_object_new_string(page->posts[i].username));
			json_object_object_add(by, "display_name",
					       json_object_new_string(page->posts[i].display_name[0] ? page->posts[i].display_name
										     : page->posts[i].username));
			json_object_object_add(card, "reposted_by", by);
		}
		json_object_object_add(card, "liked", json_object_new_boolean(likes[i] != LIKE_NONE));
		json_object_object_add(card, "superliked", json_object_new_boolean(likes[i] == LIKE_SUPER));
		json_object_object_add(card, "reposted", json_object_new_boolean(reposted[i]));
		json_object_array_add(cards, card);
	}
	return cards;
}
