#include "handlers/timelines.h"

#include <string.h>

#include "core/arena.h"
#include "handlers/deck.h"
#include "handlers/feeds.h"
#include "handlers/paging.h"
#include "http/request.h"
#include "http/url.h"
#include "i18n/i18n.h"
#include "store/posts.h"
#include "view/models.h"
#include "view/page.h"
#include "view/richtext.h"
#include "web/app.h"
#include "core/banned.h"

#define TIMELINE_PAGE 20
#define EXPLORE_TOP 12

/* The page's feed, the link to older posts, the super likes left. */
static void timelines_model(struct request *r, struct json_object *m, const struct feed_page *page,
			    const char *older_base)
{
	json_object_object_add(m, "cards", feed_cards(r, page));
	json_object_object_add(m, "has_cards", json_object_new_boolean(page->n > 0));
	if (page->next_max_id)
		json_object_object_add(m, "older_url",
				       json_object_new_string(arena_printf(r->arena, "%s%smax_id=%llu", older_base,
									   strchr(older_base, '?') ? "&" : "?",
									   page->next_max_id)));
	if (r->user)
		json_object_object_add(m, "super_remaining", json_object_new_string(arena_printf(r->arena, "%d", feed_page_super_remaining(r, page))));
	json_object_object_add(m, "return_to", json_object_new_string(arena_strndup(r->arena, r->path.ptr, r->path.len)));
}

static void timelines_nav(struct json_object *m, const char *tab)
{
	struct json_object *nav = json_object_new_object();

	json_object_object_add(nav, tab, json_object_new_boolean(1));
	json_object_object_add(m, "nav", nav);
}

int timelines_home(struct request *r)
{
	struct feed_page page;
	struct json_object *m;
	unsigned long long max_id;

	if (!r->user)
		return timelines_explore(r);
	if (paging_max_id(r, &max_id) < 0)
		return 400;
	if (feed_home(r, max_id, 0, TIMELINE_PAGE, &page) != DB_OK)
		return 503;
	m = page_model(r, page_t(r, N_("Home")));
	timelines_nav(m, "home");
	timelines_model(r, m, &page, "/");
	json_object_object_add(m, "first_page", json_object_new_boolean(max_id == 0));
	return page_render(r, 200, "pages/timeline", m);
}

int timelines_explore(struct request *r)
{
	struct feed_page page, top;
	struct json_object *m, *grid;
	unsigned long long max_id, *ids = NULL;
	size_t n = 0;
	int ai;

	if (paging_max_id(r, &max_id) < 0)
		return 400;
	if (feed_explore(r, max_id, TIMELINE_PAGE, &page) != DB_OK)
		return 503;
	m = page_model(r, page_t(r, N_("Explore")));
	timelines_nav(m, "explore");
	ai = feed_ai_filter(r);
	timelines_model(r, m, &page, ai ? arena_printf(r->arena, "/explore?ai=%s", feed_ai_param(ai)) : "/explore");
	feed_ai_model(r, m, "/explore", ai);
	/* The most liked grid mixes everything: it goes with the unfiltered page. */
	if (max_id == 0 && !ai && posts_top_ids(r->app->db, r->arena, 24, EXPLORE_TOP, &ids, &n) == DB_OK && n &&
	    feed_from_ids(r, ids, n, &top) == DB_OK) {
		grid = json_object_new_array();
		for (size_t i = 0; i < top.n; i++)
			json_object_array_add(grid, model_post(r, &top.posts[i]));
		json_object_object_add(m, "top", grid);
		json_object_object_add(m, "has_top", json_object_new_boolean(top.n > 0));
	}
	if (!r->user)
		json_object_object_add(m, "guest", json_object_new_boolean(1));
	if (max_id == 0) {
		struct json_object *trends = deck_trends_model(r, 8);

		json_object_object_add(m, "has_trends", json_object_new_boolean(json_object_array_length(trends) > 0));
		json_object_object_add(m, "trends", trends);
	}
	return page_render(r, 200, "pages/explore", m);
}

int timelines_tag(struct request *r)
{
	struct str name = req_param(r, "name");
	struct feed_page page;
	struct json_object *m;
	unsigned long long max_id;

	if (paging_max_id(r, &max_id) < 0)
		return 400;
	if (!richtext_tag_valid(name.ptr, name.len))
		return 404;
	if (feed_tag(r, name.ptr, max_id, TIMELINE_PAGE, &page) != DB_OK)
		return 503;
	m = page_model(r, arena_printf(r->arena, "#%s", name.ptr));
	json_object_object_add(m, "tag", json_object_new_string(name.ptr));
	timelines_model(r, m, &page, arena_printf(r->arena, "/tags/%s", url_encode(r->arena, name.ptr, name.len)));
	return page_render(r, 200, "pages/tag", m);
}
