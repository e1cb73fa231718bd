#include "api/stubs.h"

#include "api/api.h"
#include "http/request.h"
#include "core/banned.h"

/* Authorize as the real endpoint would, then answer [] (or {}). */
static int api_stub(struct request *r, const char *scope, unsigned flags, bool object)
{
	int rc = api_auth(r, scope, flags);

	if (rc)
		return rc;
	return api_json(r, 200, object ? json_object_new_object() : json_object_new_array());
}

int api_stub_custom_emojis(struct request *r)
{
	return api_stub(r, NULL, API_PUBLIC, false);
}

int api_stub_filters(struct request *r)
{
	return api_stub(r, "read:filters", API_USER, false);
}

int api_stub_lists(struct request *r)
{
	return api_stub(r, "read:lists", API_USER, false);
}

int api_stub_announcements(struct request *r)
{
	return api_stub(r, NULL, API_USER, false);
}

int api_stub_followed_tags(struct request *r)
{
	return api_stub(r, "read:follows", API_USER, false);
}

int api_stub_follow_requests(struct request *r)
{
	/* Accounts are never locked here, so nobody waits for approval. */
	return api_stub(r, "read:follows", API_USER, false);
}

int api_stub_bookmarks(struct request *r)
{
	return api_stub(r, "read:bookmarks", API_USER, false);
}

int api_stub_conversations(struct request *r)
{
	return api_stub(r, "read:statuses", API_USER, false);
}

int api_stub_scheduled(struct request *r)
{
	return api_stub(r, "read:statuses", API_USER, false);
}

int api_stub_markers(struct request *r)
{
	return api_stub(r, "read:statuses", API_USER, true);
}

int api_stub_preferences(struct request *r)
{
	struct json_object *o;
	int rc = api_auth(r, "read:accounts", API_USER);

	if (rc)
		return rc;
	o = json_object_new_object();
	json_object_object_add(o, "posting:default:visibility", json_object_new_string("public"));
	json_object_object_add(o, "posting:default:sensitive", json_object_new_boolean(0));
	json_object_object_add(o, "posting:default:language", NULL);
	json_object_object_add(o, "reading:expand:media", json_object_new_string("default"));
	json_object_object_add(o, "reading:expand:spoilers", json_object_new_boolean(0));
	return api_json(r, 200, o);
}

int api_stub_public_list(struct request *r)
{
	return api_stub(r, NULL, API_PUBLIC, false);
}

int api_preflight(struct request *r)
{
	/* Access-Control-Allow-Origin comes with every API response. */
	response_header_add(&r->res, "Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
	response_header_add(&r->res, "Access-Control-Allow-Headers",
			    "Authorization, Content-Type, Idempotency-Key, Accept, Accept-Language, X-Requested-With");
	response_header_add(&r->res, "Access-Control-Max-Age", "86400");
	return 204;
}
