#include "api/deck.h"

#include <string.h>

#include "api/api.h"
#include "api/paging.h"
#include "core/arena.h"
#include "handlers/deck.h"
#include "handlers/feeds.h"
#include "http/request.h"
#include "store/deck.h"
#include "store/posts.h"
#include "store/users.h"
#include "view/entities.h"
#include "web/app.h"
#include "core/banned.h"

#define DECK_CARDS 6 /* what the site's deck preloads */
#define COLLECTION_PAGE 20
#define COLLECTION_PAGE_MAX 40

int api_deck_cards(struct request *r)
{
	struct json_object *o, *cards;
	struct feed_page page;
	unsigned long long want = DECK_CARDS;
	struct str v = http_kv_get(&r->query, "limit");
	int rc = api_auth(r, "read:statuses", API_USER);

	if (rc)
		return rc;
	if (v.ptr && str_to_u64(v, &want) == 0)
		want = want < 1 ? 1 : want > DECK_CARDS ? DECK_CARDS : want;
	if (deck_next(r, (size_t)want, &page) != DB_OK ||
	    !(cards = entity_statuses_marked(r, page.posts, page.originals, page.n, page.likes, page.reposted)))
		return 503;
	o = json_object_new_object();
	json_object_object_add(o, "cards", cards);
	json_object_object_add(o, "super_likes_remaining", json_object_new_int(feed_page_super_remaining(r, &page)));
	return api_json(r, 200, o);
}

int api_deck_swipe(struct request *r)
{
	struct json_object *o;
	enum deck_action action;
	unsigned long long id = api_id(api_param(r, "status_id"));
	bool created = false;
	int rc = api_auth(r, "write:favourites", API_USER);

	if (rc)
		return rc;
	if (!id || deck_parse_action(api_param(r, "action"), &action) < 0)
		return api_error(r, 422, "Validation failed: status_id and an action (like, superlike or pass) are required");
	rc = deck_swipe_apply(r, id, action, &created);
	if (rc == 404)
		return api_error(r, 404, "Record not found");
	if (rc)
		return rc;
	o = json_object_new_object();
	json_object_object_add(o, "recorded", json_object_new_boolean(created));
	json_object_object_add(o, "super_likes_remaining", json_object_new_int(feed_super_remaining(r)));
	return api_json(r, 200, o);
}

int api_deck_collection(struct request *r)
{
	struct collection_entry *list = NULL;
	struct json_object *statuses;
	unsigned long long *ids;
	struct feed_page page;
	struct api_page p;
	struct user owner;
	size_t n = 0, k = 0;
	int rc = api_auth(r, "read:favourites", API_PUBLIC);

	if (rc || (rc = api_page_args(r, COLLECTION_PAGE, COLLECTION_PAGE_MAX, &p)))
		return rc;
	rc = api_param_id(r) ? users_find_by_id(r->app->db, r->arena, api_param_id(r), &owner) : USERS_NOT_FOUND;
	if (rc != DB_OK && rc != USERS_NOT_FOUND)
		return 503;
	/* A collection is private unless its owner shares it. */
	if (rc == USERS_NOT_FOUND || (!owner.collection_public && !(r->user && r->user->id == owner.id)))
		return api_error(r, 404, "Record not found");
	if (deck_collection(r->app->db, r->arena, owner.id, p.max_id, p.limit, &list, &n) != DB_OK)
		return 503;
	ids = arena_calloc(r->arena, n + 1, sizeof(*ids));
	if (!ids)
		return 500;
	while (k < n && !(p.since_id && list[k].cursor <= p.since_id) && !(p.min_id && list[k].cursor <= p.min_id)) {
		ids[k] = list[k].post_id;
		k++;
	}
	memset(&page, 0, sizeof(page));
	if (k && feed_from_ids(r, ids, k, &page) != DB_OK)
		return 503;
	statuses = entity_statuses_marked(r, page.posts, page.originals, page.n, page.likes, page.reposted);
	if (!statuses)
		return 503;
	/* Which cards the owner super-liked, next to the viewer's own state. */
	for (size_t i = 0; i < page.n; i++) {
		struct json_object *beau = json_object_object_get(json_object_array_get_idx(statuses, i), "beaubelle");

		for (size_t j = 0; beau && j < k; j++)
			if (list[j].post_id == page.posts[i].id)
				json_object_object_add(beau, "collected_as_super_like", json_object_new_boolean(list[j].super));
	}
	api_page_link(r, &p, k ? list[0].cursor : 0, k ? list[k - 1].cursor : 0);
	return api_json(r, 200, statuses);
}
