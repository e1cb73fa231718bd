#include "handlers/deck.h"

#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/conf.h"
#include "core/log.h"
#include "deck/rank.h"
#include "handlers/feeds.h"
#include "handlers/paging.h"
#include "http/request.h"
#include "i18n/i18n.h"
#include "jobs/queue.h"
#include "store/blocks.h"
#include "store/deck.h"
#include "store/likes.h"
#include "store/posts.h"
#include "store/trends.h"
#include "store/users.h"
#include "store/viewer.h"
#include "view/models.h"
#include "view/page.h"
#include "web/app.h"
#include "web/auth.h"
#include "core/banned.h"

#define DECK_WINDOW 200 /* candidates ranked per visit */
#define DECK_SHOWN 6    /* cards sent: one shown, the rest preloaded */
#define DECK_SUPER_LIMIT 5
#define COLLECTION_PAGE 30

int deck_next(struct request *r, size_t want, struct feed_page *page)
{
	struct deck_candidate *c;
	struct viewer_marks marks;
	unsigned long long ids[DECK_SHOWN];
	size_t n = 0, k = 0;

	if (deck_candidates(r->app->db, r->arena, r->user->id, feed_ai_filter(r), DECK_WINDOW, &c, &n) != DB_OK ||
	    viewer_marks_load(r->app->db, r->arena, r->user->id, &marks) != DB_OK ||
	    deck_social(r->app->db, r->arena, r->user->id, c, n) != DB_OK)
		return DB_UNAVAILABLE;
	deck_rank(c, n, (long long)time(NULL));
	/* Hidden authors are skipped here, so that they take no card's place. */
	for (size_t i = 0; i < n && k < want && k < DECK_SHOWN; i++)
		if (!feed_hidden(marks.hidden, marks.nhidden, c[i].author_id))
			ids[k++] = c[i].id;
	return feed_from_ids_marked(r, ids, k, &marks, page);
}

static void deck_nav(struct json_object *m)
{
	struct json_object *nav = json_object_new_object();

	json_object_object_add(nav, "deck", json_object_new_boolean(1));
	json_object_object_add(m, "nav", nav);
}

int deck_page(struct request *r)
{
	struct feed_page page;
	struct json_object *m, *cards;
	int rc = auth_require(r);

	if (rc)
		return rc;
	if (deck_next(r, DECK_SHOWN, &page) != DB_OK)
		return 503;
	m = page_model(r, page_t(r, N_("Deck")));
	deck_nav(m);
	feed_ai_model(r, m, "/deck", feed_ai_filter(r));
	cards = feed_cards(r, &page);
	json_object_object_add(m, "cards", cards);
	json_object_object_add(m, "has_cards", json_object_new_boolean(page.n > 0));
	json_object_object_add(m, "super_remaining",
			       json_object_new_string(arena_printf(r->arena, "%d", feed_page_super_remaining(r, &page))));
	if (str_eq_c(http_kv_get(&r->query, "cards"), "1"))
		return page_render(r, 200, "partials/deck-cards", m);
	return page_render(r, 200, "pages/deck", m);
}

int deck_parse_action(struct str s, enum deck_action *out)
{
	if (str_eq_c(s, "like"))
		*out = DECK_LIKE;
	else if (str_eq_c(s, "superlike"))
		*out = DECK_SUPERLIKE;
	else if (str_eq_c(s, "pass"))
		*out = DECK_PASS;
	else
		return -1;
	return 0;
}

static bool deck_wants_json(struct request *r)
{
	const char *accept = req_env(r, "HTTP_ACCEPT");

	return accept && strstr(accept, "application/json") && !strstr(accept, "text/html");
}

/*
 * One swipe: the card must be one the viewer may see and not their own.
 * A like or super like is the same like as on the post page (counted,
 * notified, in the collection); a refused super like (the daily five are
 * used) records nothing, so the person can choose again.
 */
int deck_swipe_apply(struct request *r, unsigned long long id, enum deck_action action, bool *created)
{
	bool blocked = false, changed = false;
	struct post p;
	int rc = posts_find(r->app->db, r->arena, id, &p);

	*created = false;
	if (rc == POSTS_NOT_FOUND || (rc == DB_OK && (strcmp(p.state, "approved") != 0 || p.repost_of_id)))
		return 404;
	if (rc != DB_OK || blocks_between(r->app->db, r->user->id, p.user_id, &blocked) != DB_OK)
		return 503;
	if (blocked)
		return 404;
	if (p.user_id == r->user->id) {
		r->error_message = page_t(r, N_("Your own posts are not in your deck."));
		return 422;
	}
	if (action != DECK_PASS) {
		enum like_kind kind = action == DECK_SUPERLIKE ? LIKE_SUPER : LIKE_NORMAL;

		rc = likes_set(r->app->db, r->user->id, id, kind, DECK_SUPER_LIMIT, &changed);
		if (rc == LIKES_OVER_LIMIT) {
			r->error_message = page_t(r, N_("You have used today's 5 super likes. A like still counts!"));
			return 422;
		}
		if (rc != DB_OK)
			return 503;
		if (changed)
			jobs_queue(r->app, "notify",
				   arena_printf(r->arena, "%s:%llu:%llu", kind == LIKE_SUPER ? "superlike" : "like",
						r->user->id, id));
	}
	return deck_swipe(r->app->db, r->user->id, id, action, created) == DB_OK ? 0 : 503;
}

int deck_swipe_form(struct request *r)
{
	struct json_object *o;
	enum deck_action action;
	unsigned long long id;
	bool created = false;
	int rc = auth_require(r);

	if (rc)
		return rc;
	if (str_to_u64(http_kv_get(&r->form, "post_id"), &id) < 0 ||
	    deck_parse_action(http_kv_get(&r->form, "action"), &action) < 0) {
		r->error_message = page_t(r, N_("Choose like, super like or pass for a card."));
		return 422;
	}
	rc = deck_swipe_apply(r, id, action, &created);
	if (rc)
		return rc;
	if (deck_wants_json(r)) {
		o = json_object_new_object();
		json_object_object_add(o, "recorded", json_object_new_boolean(created));
		json_object_object_add(o, "super_remaining", json_object_new_int(feed_super_remaining(r)));
		return page_json(r, 200, o);
	}
	{
		/* Back to the deck with the filter it was showing. */
		struct str ai = http_kv_get(&r->form, "ai");
		const char *q = str_eq_c(ai, "only") ? "?ai=only" : str_eq_c(ai, "hide") ? "?ai=hide" : "";

		response_header_add(&r->res, "Location", arena_printf(r->arena, "%s/deck%s", r->app->conf->base_url, q));
	}
	return 303;
}

static int deck_collection_of(struct request *r, struct user *owner, bool mine)
{
	struct collection_entry *list;
	struct feed_page page;
	struct json_object *m, *cards;
	unsigned long long max_id, ids[COLLECTION_PAGE];
	size_t n = 0;

	if (paging_max_id(r, &max_id) < 0)
		return 400;
	if (deck_collection(r->app->db, r->arena, owner->id, max_id, COLLECTION_PAGE + 1, &list, &n) != DB_OK)
		return 503;
	for (size_t i = 0; i < n && i < COLLECTION_PAGE; i++)
		ids[i] = list[i].post_id;
	if (feed_from_ids(r, ids, n < COLLECTION_PAGE ? n : COLLECTION_PAGE, &page) != DB_OK)
		return 503;
	m = page_model(r, mine ? page_t(r, N_("Collection"))
			       : arena_printf(r->arena, "%s · %s", page_t(r, N_("Collection")), owner->username));
	cards = json_object_new_array();
	for (size_t i = 0; i < page.n; i++) {
		struct json_object *card = model_post(r, &page.posts[i]);

		for (size_t j = 0; j < n; j++)
			if (list[j].post_id == page.posts[i].id)
				json_object_object_add(card, "super", json_object_new_boolean(list[j].super));
		json_object_array_add(cards, card);
	}
	json_object_object_add(m, "cards", cards);
	json_object_object_add(m, "has_cards", json_object_new_boolean(page.n > 0));
	json_object_object_add(m, "mine", json_object_new_boolean(mine));
	json_object_object_add(m, "owner", model_account(r, owner));
	json_object_object_add(m, "return_to", json_object_new_string(arena_strndup(r->arena, r->path.ptr, r->path.len)));
	if (n > COLLECTION_PAGE)
		json_object_object_add(m, "older_url", json_object_new_string(arena_printf(r->arena, "%.*s?max_id=%llu",
			(int)r->path.len, r->path.ptr, list[COLLECTION_PAGE - 1].cursor)));
	return page_render(r, 200, "pages/collection", m);
}

int deck_collection_mine(struct request *r)
{
	int rc = auth_require(r);

	return rc ? rc : deck_collection_of(r, r->user, true);
}

int deck_collection_public(struct request *r)
{
	struct str name = req_param(r, "username");
	struct user u;
	bool blocked = false;
	int rc = users_find_by_username(r->app->db, r->arena, name.ptr, &u);

	if (rc == USERS_NOT_FOUND)
		return 404;
	if (rc != DB_OK)
		return 503;
	if (r->user && r->user->id == u.id)
		return deck_collection_of(r, &u, true);
	if (r->user && blocks_between(r->app->db, r->user->id, u.id, &blocked) == DB_OK && blocked)
		return 404;
	if (!u.collection_public)
		return 404;
	return deck_collection_of(r, &u, false);
}

struct json_object *deck_trends_model(struct request *r, size_t max)
{
	struct json_object *arr = json_object_new_array();
	struct trend *list;
	size_t n = 0;

	if (trends_top(r->app->rds, r->arena, (long long)time(NULL), max, &list, &n) < 0)
		return arr;
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		unsigned peak = 1;
		struct buf pts = BUF_INIT;

		json_object_object_add(o, "tag", json_object_new_string(list[i].tag));
		json_object_object_add(o, "accounts", json_object_new_int((int)list[i].accounts));
		for (int h = 0; h < TRENDS_HOURS; h++)
			if (list[i].hourly[h] > peak)
				peak = list[i].hourly[h];
		/* A sparkline of uses per hour, as SVG polyline points (0..24 x 0..10). */
		for (int h = 0; h < TRENDS_HOURS; h++)
			buf_printf(&pts, "%s%d,%.1f", h ? " " : "", h, 10.0 - 10.0 * list[i].hourly[h] / peak);
		json_object_object_add(o, "spark", json_object_new_string(pts.ptr ? pts.ptr : ""));
		buf_release(&pts);
		json_object_array_add(arr, o);
	}
	return arr;
}

int deck_trends(struct request *r)
{
	struct json_object *m = page_model(r, page_t(r, N_("Trending tags")));
	struct json_object *trends = deck_trends_model(r, 30);

	json_object_object_add(m, "has_trends", json_object_new_boolean(json_object_array_length(trends) > 0));
	json_object_object_add(m, "trends", trends);
	json_object_object_add(m, "nav", json_object_new_object());
	json_object_object_add(json_object_object_get(m, "nav"), "explore", json_object_new_boolean(1));
	return page_render(r, 200, "pages/trends", m);
}
