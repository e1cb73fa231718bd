#include "api/instance.h"

#include <string.h>
#include <strings.h>

#include "config.h"

#include "api/api.h"
#include "core/arena.h"
#include "core/conf.h"
#include "http/request.h"
#include "media/image.h"
#include "store/users.h"
#include "view/page.h"
#include "web/app.h"
#include "core/banned.h"

/*
 * The Mastodon version whose client API we follow, in the form clients
 * parse for feature gating: 4.0 is the first with /api/v2/instance and
 * synchronous /api/v2/media. api_versions.mastodon stays 0: we do not
 * claim the 4.3+ levels.
 */
#define INSTANCE_VERSION "4.0.0 (compatible; BeauBelle " PACKAGE_VERSION ")"
#define INSTANCE_TITLE "BeauBelle"
#define INSTANCE_DESCRIPTION "An image-first social network: share AI-generated portraits, swipe to build your collection and follow creators whose taste you share."
#define INSTANCE_MAX_CHARACTERS 500 /* posts.caption */
#define INSTANCE_MAX_MEDIA 1        /* a post is one image */
#define INSTANCE_DESCRIPTION_LIMIT 1500 /* media.description */

/* The host (and port) of base_url: "example.org". */
static const char *instance_domain(struct request *r)
{
	const char *b = r->app->conf->base_url, *host = strstr(b, "://");

	host = host ? host + 3 : b;
	return arena_strndup(r->arena, host, strcspn(host, "/"));
}

static struct json_object *instance_strings(const char *const *list)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; list[i]; i++)
		json_object_array_add(a, json_object_new_string(list[i]));
	return a;
}

static void instance_int(struct json_object *o, const char *key, long long v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

static const char *const instance_mime_types[] = { "image/jpeg", "image/png", "image/webp", "image/gif", NULL };
static const char *const instance_languages[] = { "ja", "en", NULL };

/* configuration.statuses/media_attachments/polls, shared by v1 and v2. */
static void instance_limits(struct request *r, struct json_object *cfg, bool v2)
{
	struct json_object *st = json_object_new_object(), *media = json_object_new_object();
	struct json_object *polls = json_object_new_object(), *acc = json_object_new_object();

	instance_int(st, "max_characters", INSTANCE_MAX_CHARACTERS);
	instance_int(st, "max_media_attachments", INSTANCE_MAX_MEDIA);
	instance_int(st, "characters_reserved_per_url", 23);
	json_object_object_add(media, "supported_mime_types", instance_strings(instance_mime_types));
	instance_int(media, "image_size_limit", (long long)r->app->conf->max_upload_bytes);
	instance_int(media, "image_matrix_limit", (long long)IMG_MAX_PIXELS);
	instance_int(media, "video_size_limit", 0);
	instance_int(media, "video_frame_rate_limit", 0);
	instance_int(media, "video_matrix_limit", 0);
	if (v2)
		instance_int(media, "description_limit", INSTANCE_DESCRIPTION_LIMIT);
	/* No polls: every limit is zero rather than a missing object. */
	instance_int(polls, "max_options", 0);
	instance_int(polls, "max_characters_per_option", 0);
	instance_int(polls, "min_expiration", 0);
	instance_int(polls, "max_expiration", 0);
	instance_int(acc, "max_featured_tags", 0);
	if (v2)
		instance_int(acc, "max_pinned_statuses", 0);
	json_object_object_add(cfg, "accounts", acc);
	json_object_object_add(cfg, "statuses", st);
	json_object_object_add(cfg, "media_attachments", media);
	json_object_object_add(cfg, "polls", polls);
}

/* ws:// or wss:// for the host: never null (clients crash on it), though
 * we serve no streaming API. */
static const char *instance_streaming(struct request *r)
{
	return arena_printf(r->arena, "%s://%s", r->app->conf->secure ? "wss" : "ws", instance_domain(r));
}

int api_instance_v1(struct request *r)
{
	struct json_object *o = json_object_new_object(), *urls = json_object_new_object();
	struct json_object *stats = json_object_new_object(), *cfg = json_object_new_object();
	struct users_stats s;

	if (users_stats(r->app->db, &s) != DB_OK) {
		json_object_put(o);
		json_object_put(urls);
		json_object_put(stats);
		json_object_put(cfg);
		return 503;
	}
	json_object_object_add(o, "uri", json_object_new_string(instance_domain(r)));
	json_object_object_add(o, "title", json_object_new_string(INSTANCE_TITLE));
	json_object_object_add(o, "short_description", json_object_new_string(INSTANCE_DESCRIPTION));
	json_object_object_add(o, "description", json_object_new_string(INSTANCE_DESCRIPTION));
	json_object_object_add(o, "email", json_object_new_string(""));
	json_object_object_add(o, "version", json_object_new_string(INSTANCE_VERSION));
	json_object_object_add(urls, "streaming_api", json_object_new_string(instance_streaming(r)));
	json_object_object_add(o, "urls", urls);
	instance_int(stats, "user_count", (long long)s.total);
	instance_int(stats, "status_count", (long long)s.posts);
	instance_int(stats, "domain_count", 0);
	json_object_object_add(o, "stats", stats);
	json_object_object_add(o, "thumbnail", json_object_new_string(api_absolute(r, arena_printf(r->arena, "%s/img/logo.svg", r->app->static_url))));
	json_object_object_add(o, "languages", instance_strings(instance_languages));
	json_object_object_add(o, "registrations", json_object_new_boolean(r->app->conf->password_signup != 0));
	json_object_object_add(o, "approval_required", json_object_new_boolean(0));
	json_object_object_add(o, "invites_enabled", json_object_new_boolean(0));
	instance_limits(r, cfg, false);
	json_object_object_add(o, "configuration", cfg);
	json_object_object_add(o, "contact_account", NULL);
	json_object_object_add(o, "rules", json_object_new_array());
	return api_json(r, 200, o);
}

int api_instance_v2(struct request *r)
{
	struct json_object *o = json_object_new_object(), *cfg = json_object_new_object(), *v;
	struct users_stats s;

	if (users_stats(r->app->db, &s) != DB_OK) {
		json_object_put(o);
		json_object_put(cfg);
		return 503;
	}
	json_object_object_add(o, "domain", json_object_new_string(instance_domain(r)));
	json_object_object_add(o, "title", json_object_new_string(INSTANCE_TITLE));
	json_object_object_add(o, "version", json_object_new_string(INSTANCE_VERSION));
	json_object_object_add(o, "source_url", json_object_new_string(r->app->conf->base_url));
	json_object_object_add(o, "description", json_object_new_string(INSTANCE_DESCRIPTION));
	v = json_object_new_object();
	json_object_object_add(v, "users", json_object_new_object());
	instance_int(json_object_object_get(v, "users"), "active_month", (long long)s.active_month);
	json_object_object_add(o, "usage", v);
	v = json_object_new_object();
	json_object_object_add(v, "url", json_object_new_string(api_absolute(r, arena_printf(r->arena, "%s/img/logo.svg", r->app->static_url))));
	json_object_object_add(o, "thumbnail", v);
	json_object_object_add(o, "icon", json_object_new_array());
	json_object_object_add(o, "languages", instance_strings(instance_languages));
	v = json_object_new_object();
	json_object_object_add(v, "streaming", json_object_new_string(instance_streaming(r)));
	json_object_object_add(cfg, "urls", v);
	v = json_object_new_object();
	json_object_object_add(v, "public_key", json_object_new_string(""));
	json_object_object_add(cfg, "vapid", v);
	instance_limits(r, cfg, true);
	v = json_object_new_object();
	json_object_object_add(v, "enabled", json_object_new_boolean(0));
	json_object_object_add(cfg, "translation", v);
	json_object_object_add(o, "configuration", cfg);
	v = json_object_new_object();
	json_object_object_add(v, "enabled", json_object_new_boolean(r->app->conf->password_signup != 0));
	json_object_object_add(v, "approval_required", json_object_new_boolean(0));
	json_object_object_add(v, "message", NULL);
	json_object_object_add(v, "url", NULL);
	json_object_object_add(o, "registrations", v);
	v = json_object_new_object();
	instance_int(v, "mastodon", 0);
	json_object_object_add(o, "api_versions", v);
	v = json_object_new_object();
	json_object_object_add(v, "email", json_object_new_string(""));
	json_object_object_add(v, "account", NULL);
	json_object_object_add(o, "contact", v);
	json_object_object_add(o, "rules", json_object_new_array());
	return api_json(r, 200, o);
}

int api_instance_nodeinfo_links(struct request *r)
{
	struct json_object *o = json_object_new_object(), *links = json_object_new_array();
	struct json_object *l = json_object_new_object();

	json_object_object_add(l, "rel", json_object_new_string("http://nodeinfo.diaspora.software/ns/schema/2.0"));
	json_object_object_add(l, "href", json_object_new_string(arena_printf(r->arena, "%s/nodeinfo/2.0", r->app->conf->base_url)));
	json_object_array_add(links, l);
	json_object_object_add(o, "links", links);
	return api_json(r, 200, o);
}

int api_instance_nodeinfo(struct request *r)
{
	static const char *const protocols[] = { "activitypub", NULL };
	static const char *const none[] = { NULL };
	struct json_object *o, *v, *users, *meta;
	struct users_stats s;
	int status;

	if (users_stats(r->app->db, &s) != DB_OK)
		return 503;
	o = json_object_new_object();
	json_object_object_add(o, "version", json_object_new_string("2.0"));
	v = json_object_new_object();
	json_object_object_add(v, "name", json_object_new_string("beaubelle"));
	json_object_object_add(v, "version", json_object_new_string(PACKAGE_VERSION));
	json_object_object_add(o, "software", v);
	json_object_object_add(o, "protocols", instance_strings(protocols));
	v = json_object_new_object();
	json_object_object_add(v, "inbound", instance_strings(none));
	json_object_object_add(v, "outbound", instance_strings(none));
	json_object_object_add(o, "services", v);
	v = json_object_new_object();
	users = json_object_new_object();
	instance_int(users, "total", (long long)s.total);
	instance_int(users, "activeMonth", (long long)s.active_month);
	instance_int(users, "activeHalfyear", (long long)s.active_halfyear);
	json_object_object_add(v, "users", users);
	instance_int(v, "localPosts", (long long)s.posts);
	json_object_object_add(o, "usage", v);
	json_object_object_add(o, "openRegistrations", json_object_new_boolean(r->app->conf->password_signup != 0));
	meta = json_object_new_object();
	json_object_object_add(meta, "nodeName", json_object_new_string(INSTANCE_TITLE));
	/* Client libraries (megalodon's detector) accept an unknown software
	 * name when it says whose API it speaks. */
	v = json_object_new_object();
	json_object_object_add(v, "name", json_object_new_string("mastodon"));
	json_object_object_add(meta, "upstream", v);
	json_object_object_add(o, "metadata", meta);
	status = api_json(r, 200, o);
	r->res.content_type = "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/2.0#\"";
	return status;
}

/*
 * The username of a WebFinger resource naming one of our accounts:
 * "acct:name@domain", "acct:name", or the profile URL. NULL otherwise.
 */
static const char *instance_webfinger_user(struct request *r, struct str res)
{
	const char *domain = instance_domain(r);
	const char *profile = arena_printf(r->arena, "%s/@", r->app->conf->base_url);
	const char *s = arena_strndup(r->arena, res.ptr, res.len), *at;
	size_t n;

	if (!s)
		return NULL;
	if (strncasecmp(s, "acct:", 5) == 0) {
		s += 5;
		if (*s == '@')
			s++;
		at = strchr(s, '@');
		if (at && strcasecmp(at + 1, domain) != 0)
			return NULL;
		n = at ? (size_t)(at - s) : strlen(s);
	} else if (strncmp(s, profile, strlen(profile)) == 0) {
		s += strlen(profile);
		n = strlen(s);
	} else {
		return NULL;
	}
	return n >= 1 && n <= 30 ? arena_strndup(r->arena, s, n) : NULL;
}

int api_instance_webfinger(struct request *r)
{
	struct str res = http_kv_get(&r->query, "resource");
	struct json_object *o, *links, *l, *aliases;
	const char *name, *profile;
	struct user u;
	int rc, status;

	if (!res.ptr || res.len == 0)
		return api_error(r, 400, "The resource parameter is missing");
	name = instance_webfinger_user(r, res);
	rc = name ? users_find_by_username(r->app->db, r->arena, name, &u) : USERS_NOT_FOUND;
	if (rc == USERS_NOT_FOUND)
		return api_error(r, 404, "Record not found");
	if (rc != DB_OK)
		return 503;
	profile = arena_printf(r->arena, "%s/@%s", r->app->conf->base_url, u.username);
	o = json_object_new_object();
	json_object_object_add(o, "subject", json_object_new_string(arena_printf(r->arena, "acct:%s@%s", u.username, instance_domain(r))));
	aliases = json_object_new_array();
	json_object_array_add(aliases, json_object_new_string(profile));
	json_object_object_add(o, "aliases", aliases);
	links = json_object_new_array();
	l = json_object_new_object();
	json_object_object_add(l, "rel", json_object_new_string("http://webfinger.net/rel/profile-page"));
	json_object_object_add(l, "type", json_object_new_string("text/html"));
	json_object_object_add(l, "href", json_object_new_string(profile));
	json_object_array_add(links, l);
	l = json_object_new_object();
	json_object_object_add(l, "rel", json_object_new_string("self"));
	json_object_object_add(l, "type", json_object_new_string("application/activity+json"));
	json_object_object_add(l, "href", json_object_new_string(profile));
	json_object_array_add(links, l);
	json_object_object_add(o, "links", links);
	status = api_json(r, 200, o);
	r->res.content_type = "application/jrd+json; charset=utf-8";
	return status;
}

/* A 96×96 PNG of a grey silhouette: the avatar and header of accounts
 * without their own. Clients want a URL, never null. */
static const unsigned char instance_missing_png[] = {
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
	0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x60, 0x00, 0x00, 0x00, 0x60,
	0x08, 0x02, 0x00, 0x00, 0x00, 0x6d, 0xfa, 0xe0, 0x6f, 0x00, 0x00, 0x01,
	0x2a, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0xed, 0xda, 0xb1, 0x71, 0xc3,
	0x30, 0x10, 0x04, 0xc0, 0xeb, 0xbf, 0x39, 0xc7, 0x0a, 0x9c, 0x3b, 0xf2,
	0xa8, 0x04, 0x75, 0x40, 0x52, 0x24, 0x00, 0x12, 0x8f, 0x9d, 0xb9, 0x0a,
	0x36, 0x02, 0xfe, 0x2e, 0xff, 0x7f, 0x6f, 0xd9, 0x48, 0x10, 0x00, 0x02,
	0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x00, 0x09, 0x20, 0x40, 0x80, 0x00,
	0x01, 0x02, 0x04, 0x08, 0x90, 0x00, 0x9a, 0x08, 0xe8, 0xf5, 0xf3, 0xbb,
	0x9d, 0x45, 0x81, 0x76, 0x5d, 0x1e, 0x22, 0x95, 0x59, 0x74, 0xee, 0x32,
	0xca, 0x2c, 0x34, 0x77, 0x31, 0x65, 0x3a, 0x9d, 0xc1, 0x46, 0x99, 0x51,
	0x67, 0xa4, 0x51, 0x26, 0xd5, 0x19, 0x66, 0x04, 0xe8, 0x01, 0x40, 0x9d,
	0x74, 0xc6, 0x18, 0x65, 0x6a, 0x9d, 0x01, 0x46, 0x80, 0x00, 0x3d, 0x19,
	0x68, 0x80, 0x4e, 0x6f, 0x23, 0x40, 0x80, 0x00, 0x01, 0x02, 0x04, 0x08,
	0x10, 0x20, 0x40, 0x80, 0x00, 0xf9, 0x8b, 0x01, 0x02, 0xb4, 0x1e, 0x90,
	0x8b, 0xa2, 0x9b, 0x34, 0x20, 0xbd, 0x98, 0x66, 0x55, 0x37, 0x6f, 0xdd,
	0xb1, 0xca, 0xba, 0xc3, 0x3e, 0xc8, 0xc2, 0xcc, 0x46, 0x51, 0x00, 0x01,
	0x02, 0x04, 0x08, 0x10, 0x20, 0x0f, 0x45, 0x9f, 0x55, 0x17, 0x45, 0xb5,
	0xcf, 0x6d, 0x40, 0xc3, 0x68, 0x7a, 0x33, 0xa5, 0x06, 0x4d, 0x3f, 0xa6,
	0x14, 0xd3, 0x69, 0x6e, 0x94, 0x7a, 0x3a, 0x6d, 0x8d, 0x52, 0x8f, 0xa6,
	0x2d, 0x53, 0x0a, 0xeb, 0x34, 0x31, 0x4a, 0x6d, 0x9d, 0xeb, 0x46, 0x29,
	0xaf, 0x73, 0xd1, 0x28, 0x2b, 0xe8, 0x5c, 0x31, 0xca, 0x22, 0x3a, 0xa7,
	0x8d, 0xb2, 0x8e, 0xce, 0x39, 0x23, 0x40, 0xad, 0x81, 0xa6, 0xd6, 0x39,
	0x61, 0x94, 0xd5, 0x74, 0xbe, 0x35, 0xca, 0x82, 0x3a, 0x5f, 0x19, 0x01,
	0x6a, 0x04, 0x54, 0x4c, 0xe7, 0xb8, 0x11, 0xa0, 0x16, 0x40, 0x25, 0x75,
	0x0e, 0x1a, 0x01, 0xba, 0x0c, 0x54, 0x58, 0xe7, 0x88, 0x11, 0x20, 0x40,
	0x5d, 0x81, 0xca, 0xeb, 0xec, 0x1a, 0x01, 0x02, 0x04, 0xe8, 0x36, 0xa0,
	0x45, 0x74, 0xb6, 0x8d, 0x00, 0x01, 0x02, 0xd4, 0x15, 0xe8, 0x03, 0x99,
	0xad, 0xbc, 0x4d, 0xe7, 0xd2, 0x62, 0xee, 0x00, 0x00, 0x00, 0x00, 0x49,
	0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82
};

int api_instance_missing_avatar(struct request *r)
{
	buf_clear(&r->res.body);
	if (buf_append(&r->res.body, instance_missing_png, sizeof(instance_missing_png)) < 0)
		return 500;
	r->res.content_type = "image/png";
	response_header_add(&r->res, "Cache-Control", "public, max-age=86400");
	return 200;
}
