#include "api/timelines.h"

#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/paging.h"
#include "core/arena.h"
#include "core/conf.h"
#include "handlers/feeds.h"
#include "http/request.h"
#include "http/url.h"
#include "store/posts.h"
#include "store/trends.h"
#include "view/entities.h"
#include "view/richtext.h"
#include "web/app.h"
#include "core/banned.h"

#define TIMELINE_PAGE 20
#define TIMELINE_PAGE_MAX 40
#define TRENDS_PAGE 10
#define TRENDS_PAGE_MAX 20

/* A page's statuses, with the Link cursors of the ids it looked at. */
static int api_timeline_page_answer(struct request *r, const struct api_page *p, const struct feed_page *page,
				    unsigned long long newest, unsigned long long oldest)
{
	struct json_object *statuses =
		entity_statuses_marked(r, page->posts, page->originals, page->n, page->likes, page->reposted);

	if (!statuses)
		return 503;
	api_page_link(r, p, newest, oldest);
	return api_json(r, 200, statuses);
}

int api_timeline_answer(struct request *r, const struct api_page *p, const unsigned long long *ids, size_t n)
{
	struct feed_page page;

	memset(&page, 0, sizeof(page));
	if (n && feed_from_ids(r, ids, n, &page) != DB_OK)
		return 503;
	return api_timeline_page_answer(r, p, &page, n ? ids[0] : 0, n ? ids[n - 1] : 0);
}

int api_timelines_home(struct request *r)
{
	unsigned long long *all = NULL, *ids = NULL;
	size_t n_all = 0, n = 0;
	struct feed_page page;
	struct api_page p;
	int rc = api_auth(r, "read:statuses", API_USER);

	if (rc || (rc = api_page_args(r, TIMELINE_PAGE, TIMELINE_PAGE_MAX, &p)))
		return rc;
	/* min_id pages towards the newest: the ids next to the cursor. */
	if (p.min_id) {
		if (feed_home_ids(r, 0, &all, &n_all) != DB_OK || api_page_slice(r, &p, all, n_all, &ids, &n) != DB_OK)
			return 503;
		return api_timeline_answer(r, &p, ids, n);
	}
	/* Otherwise older and older: an empty answer would tell a client
	 * the timeline ended, so the page looks past ids that show nothing. */
	if (feed_home(r, p.max_id, p.since_id, p.limit, &page) != DB_OK)
		return 503;
	return api_timeline_page_answer(r, &p, &page, page.newest_id, page.oldest_id);
}

static int api_public_older(struct request *r, void *ctx, unsigned long long before, size_t limit,
			    unsigned long long **ids, size_t *n)
{
	(void)ctx;
	return posts_recent_ids(r->app->db, r->arena, before, limit, ids, n);
}

static int api_public_newer(struct request *r, void *ctx, unsigned long long after, size_t limit,
			    unsigned long long **ids, size_t *n)
{
	(void)ctx;
	return posts_recent_ids_after(r->app->db, r->arena, after, limit, ids, n);
}

int api_timelines_public(struct request *r)
{
	struct api_id_source src = { api_public_older, api_public_newer, NULL };
	unsigned long long *ids = NULL;
	struct api_page p;
	size_t n = 0;
	int rc = api_auth(r, "read:statuses", API_PUBLIC);

	if (rc || (rc = api_page_args(r, TIMELINE_PAGE, TIMELINE_PAGE_MAX, &p)))
		return rc;
	/* Every post is local: asking for remote ones only finds none. */
	if (api_bool(r, "remote", false))
		return api_timeline_answer(r, &p, NULL, 0);
	if (api_page_ids(r, &p, &src, &ids, &n) != DB_OK)
		return 503;
	return api_timeline_answer(r, &p, ids, n);
}

static int api_tag_older(struct request *r, void *ctx, unsigned long long before, size_t limit,
			 unsigned long long **ids, size_t *n)
{
	return posts_tag_ids(r->app->db, r->arena, ctx, before, limit, ids, n);
}

static int api_tag_newer(struct request *r, void *ctx, unsigned long long after, size_t limit,
			 unsigned long long **ids, size_t *n)
{
	return posts_tag_ids_after(r->app->db, r->arena, ctx, after, limit, ids, n);
}

int api_timelines_tag(struct request *r)
{
	struct str tag = req_param(r, "hashtag");
	struct api_id_source src = { api_tag_older, api_tag_newer, NULL };
	unsigned long long *ids = NULL;
	struct api_page p;
	size_t n = 0;
	int rc = api_auth(r, "read:statuses", API_PUBLIC);

	if (rc || (rc = api_page_args(r, TIMELINE_PAGE, TIMELINE_PAGE_MAX, &p)))
		return rc;
	/* An invalid tag names no post: an empty page, as Mastodon answers. */
	if (!richtext_tag_valid(tag.ptr, tag.len) || api_bool(r, "remote", false))
		return api_timeline_answer(r, &p, NULL, 0);
	src.ctx = (void *)tag.ptr;
	if (api_page_ids(r, &p, &src, &ids, &n) != DB_OK)
		return 503;
	return api_timeline_answer(r, &p, ids, n);
}

/* The Tag entity with its daily history (newest day first): uses of the
 * last 24 hours as today, the only day the trend counters keep. */
static struct json_object *api_trend_tag(struct request *r, const struct trend *t, long long now)
{
	struct json_object *o = json_object_new_object(), *history = json_object_new_array();
	struct json_object *day = json_object_new_object();
	unsigned uses = 0;

	for (int h = 0; h < TRENDS_HOURS; h++)
		uses += t->hourly[h];
	json_object_object_add(o, "name", json_object_new_string(t->tag));
	json_object_object_add(o, "url", json_object_new_string(arena_printf(r->arena, "%s/tags/%s", r->app->conf->base_url,
									       url_encode(r->arena, t->tag, strlen(t->tag)))));
	json_object_object_add(day, "day", json_object_new_string(arena_printf(r->arena, "%lld", now - now % 86400)));
	json_object_object_add(day, "uses", json_object_new_string(arena_printf(r->arena, "%u", uses)));
	json_object_object_add(day, "accounts", json_object_new_string(arena_printf(r->arena, "%u", t->accounts)));
	json_object_array_add(history, day);
	json_object_object_add(o, "history", history);
	json_object_object_add(o, "following", json_object_new_boolean(0));
	return o;
}

int api_trends_tags(struct request *r)
{
	struct json_object *arr;
	struct trend *top = NULL;
	long long now = (long long)time(NULL);
	unsigned long long limit = TRENDS_PAGE, offset = 0;
	struct str v;
	size_t n = 0;
	int rc = api_auth(r, NULL, API_PUBLIC);

	if (rc)
		return rc;
	v = http_kv_get(&r->query, "limit");
	if (v.ptr && str_to_u64(v, &limit) == 0)
		limit = limit < 1 ? 1 : limit > TRENDS_PAGE_MAX ? TRENDS_PAGE_MAX : limit;
	v = http_kv_get(&r->query, "offset");
	if (v.ptr && (str_to_u64(v, &offset) < 0 || offset > TRENDS_PAGE_MAX))
		offset = TRENDS_PAGE_MAX;
	if (trends_top(r->app->rds, r->arena, now, (size_t)(offset + limit), &top, &n) < 0)
		return 503;
	arr = json_object_new_array();
	for (size_t i = (size_t)offset; i < n; i++)
		json_object_array_add(arr, api_trend_tag(r, &top[i], now));
	return api_json(r, 200, arr);
}

int api_trends_statuses(struct request *r)
{
	unsigned long long *ids = NULL;
	struct feed_page page;
	struct json_object *statuses;
	size_t n = 0;
	int rc = api_auth(r, "read:statuses", API_PUBLIC);

	if (rc)
		return rc;
	memset(&page, 0, sizeof(page));
	/* The most liked posts of the day, as Explore shows them. */
	if (posts_top_ids(r->app->db, r->arena, 24, TRENDS_PAGE_MAX, &ids, &n) != DB_OK ||
	    (n && feed_from_ids(r, ids, n, &page) != DB_OK))
		return 503;
	statuses = entity_statuses_marked(r, page.posts, page.originals, page.n, page.likes, page.reposted);
	return statuses ? api_json(r, 200, statuses) : 503;
}
