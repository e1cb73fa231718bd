#include "api/notifications.h"

#include <string.h>

#include "api/api.h"
#include "api/paging.h"
#include "core/arena.h"
#include "http/request.h"
#include "store/notifications.h"
#include "store/users.h"
#include "view/entities.h"
#include "web/app.h"
#include "core/banned.h"

#define NOTIFICATIONS_PAGE 40
#define NOTIFICATIONS_PAGE_MAX 80
#define NOTIFICATIONS_TYPES_MAX 16

/* The kinds the API shows: everything but moderation outcomes. */
#define NOTIFICATIONS_API_KINDS (NOTIF_ALL_KINDS & ~(1u << NOTIF_MODERATION))

/* Our kinds behind one Mastodon type; 0 for types we never send. */
static unsigned api_notifications_kinds(struct str type)
{
	unsigned mask = 0;

	for (int k = 0; k < NOTIF_NKINDS; k++) {
		const char *t = entity_notification_type(k);

		if (t && str_eq_c(type, t))
			mask |= 1u << k;
	}
	return mask;
}

/* The kinds of types[] (all when absent) minus those of exclude_types[]. */
static unsigned api_notifications_mask(struct request *r)
{
	struct str types[NOTIFICATIONS_TYPES_MAX];
	size_t n = api_params(r, "types", types, NOTIFICATIONS_TYPES_MAX);
	unsigned mask = n ? 0 : NOTIFICATIONS_API_KINDS;

	for (size_t i = 0; i < n; i++)
		mask |= api_notifications_kinds(types[i]);
	n = api_params(r, "exclude_types", types, NOTIFICATIONS_TYPES_MAX);
	for (size_t i = 0; i < n; i++)
		mask &= ~api_notifications_kinds(types[i]);
	return mask & NOTIFICATIONS_API_KINDS;
}

int api_notifications_list(struct request *r)
{
	struct json_object *arr;
	struct notif *list = NULL;
	struct api_page p;
	unsigned mask;
	size_t n = 0, k = 0;
	int rc = api_auth(r, "read:notifications", API_USER);

	if (rc || (rc = api_page_args(r, NOTIFICATIONS_PAGE, NOTIFICATIONS_PAGE_MAX, &p)))
		return rc;
	mask = api_notifications_mask(r);
	if (mask && p.min_id) {
		/* The page just above min_id: read upwards, answer newest first. */
		if (notif_page_after(r->app->db, r->arena, r->user->id, mask, p.min_id, p.limit, &list, &n) != DB_OK)
			return 503;
		for (size_t i = 0; i < n / 2; i++) {
			struct notif t = list[i];

			list[i] = list[n - 1 - i];
			list[n - 1 - i] = t;
		}
		while (k < n && p.max_id && list[k].id >= p.max_id)
			k++;
		list += k;
		n -= k;
	} else if (mask) {
		if (notif_page(r->app->db, r->arena, r->user->id, mask, p.max_id, p.limit, &list, &n) != DB_OK)
			return 503;
		while (k < n && !(p.since_id && list[k].id <= p.since_id))
			k++;
		n = k;
	}
	arr = entity_notifications(r, list, n);
	if (!arr)
		return 503;
	api_page_link(r, &p, n ? list[0].id : 0, n ? list[n - 1].id : 0);
	return api_json(r, 200, arr);
}

int api_notifications_show(struct request *r)
{
	unsigned long long id = api_param_id(r);
	struct json_object *arr, *one;
	struct notif n;
	int rc = api_auth(r, "read:notifications", API_USER);

	if (rc)
		return rc;
	rc = id ? notif_get(r->app->db, r->arena, r->user->id, id, &n) : 1;
	if (rc != DB_OK && rc != 1)
		return 503;
	arr = rc == DB_OK ? entity_notifications(r, &n, 1) : json_object_new_array();
	if (!arr)
		return 503;
	if (json_object_array_length(arr) == 0) {
		json_object_put(arr);
		return api_error(r, 404, "Record not found");
	}
	one = json_object_get(json_object_array_get_idx(arr, 0));
	json_object_put(arr);
	return api_json(r, 200, one);
}

int api_notifications_unread(struct request *r)
{
	struct json_object *o;
	struct str v = http_kv_get(&r->query, "limit");
	unsigned long long limit = 100;
	long long count = 0;
	int rc = api_auth(r, "read:notifications", API_USER);

	if (rc)
		return rc;
	if (v.ptr && str_to_u64(v, &limit) == 0)
		limit = limit < 1 ? 1 : limit > 1000 ? 1000 : limit;
	if (notif_unread(r->app->db, r->app->rds, r->user->id, &count) != DB_OK)
		return 503;
	o = json_object_new_object();
	json_object_object_add(o, "count", json_object_new_int64(count < (long long)limit ? count : (long long)limit));
	return api_json(r, 200, o);
}

int api_notifications_clear(struct request *r)
{
	int rc = api_auth(r, "write:notifications", API_USER);

	if (rc)
		return rc;
	if (notif_clear(r->app->db, r->user->id) != DB_OK)
		return 503;
	notif_unread_forget(r->app->rds, r->user->id);
	return api_json(r, 200, json_object_new_object());
}

int api_notifications_dismiss(struct request *r)
{
	unsigned long long id = api_param_id(r);
	bool deleted = false;
	int rc = api_auth(r, "write:notifications", API_USER);

	if (rc)
		return rc;
	if (id && notif_dismiss(r->app->db, r->user->id, id, &deleted) != DB_OK)
		return 503;
	if (!deleted)
		return api_error(r, 404, "Record not found");
	notif_unread_forget(r->app->rds, r->user->id);
	return api_json(r, 200, json_object_new_object());
}
