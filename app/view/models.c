#include "view/models.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/conf.h"
#include "core/json.h"
#include "http/request.h"
#include "i18n/i18n.h"
#include "media/storage.h"
#include "store/posts.h"
#include "store/users.h"
#include "view/page.h"
#include "view/richtext.h"
#include "web/app.h"
#include "core/banned.h"

const char *model_media_url(struct request *r, const char *hash, const char *variant)
{
	/* The one place image URLs are made: the backend says where from. */
	const char *base = r->app->media ? storage_url_base(r->app->media) : r->app->conf->media_url;
	size_t nbase = strlen(base), nhash = strlen(hash), nvariant = strlen(variant);
	char *url, *w;

	/* base/ab/cd/abcd...-variant.webp, built by hand: a feed page makes
	 * a hundred of these, and printf's cost showed in its profile. */
	if (nhash < 4)
		return arena_printf(r->arena, "%s/%.2s/%.2s/%s-%s.webp", base, hash, hash + (nhash >= 2 ? 2 : nhash), hash,
				    variant);
	url = w = arena_alloc(r->arena, nbase + 7 + nhash + 1 + nvariant + 6);
	if (!url)
		return NULL;
	memcpy(w, base, nbase);
	w += nbase;
	*w++ = '/';
	memcpy(w, hash, 2);
	w += 2;
	*w++ = '/';
	memcpy(w, hash + 2, 2);
	w += 2;
	*w++ = '/';
	memcpy(w, hash, nhash);
	w += nhash;
	*w++ = '-';
	memcpy(w, variant, nvariant);
	w += nvariant;
	memcpy(w, ".webp", 6);
	return url;
}

static void model_str(struct json_object *o, const char *key, const char *value)
{
	json_add_new(o, key, json_object_new_string(value ? value : ""));
}

static void model_int(struct json_object *o, const char *key, long long v)
{
	json_add_new(o, key, json_object_new_int64(v));
}

/* A count as the language writes it ("12.3K", "1.2万"). */
static void model_count(struct request *r, struct json_object *o, const char *key, unsigned long long n)
{
	char text[32];

	if (i18n_format_count(page_catalog(r), n, text, sizeof(text)) < 0)
		snprintf(text, sizeof(text), "%llu", n);
	model_str(o, key, text);
}

struct json_object *model_account(struct request *r, const struct user *u)
{
	struct json_object *a = json_object_new_object();

	model_int(a, "id", (long long)u->id);
	model_str(a, "username", u->username);
	model_str(a, "display_name", u->display_name && u->display_name[0] ? u->display_name : u->username);
	model_str(a, "bio", u->bio);
	if (u->avatar_hash)
		model_str(a, "avatar_url", model_media_url(r, u->avatar_hash, "thumb"));
	model_count(r, a, "posts_count", u->posts_count);
	model_count(r, a, "followers_count", u->followers_count);
	model_count(r, a, "following_count", u->following_count);
	return a;
}

/* Seconds since the epoch of "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC). */
static time_t model_time(const char *iso)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (!iso || !strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm))
		return 0;
	return timegm(&tm);
}

static struct json_object *model_image(struct request *r, const struct post *p)
{
	const struct post_media *m = &p->media;
	struct json_object *img = json_object_new_object();
	const char *thumb = model_media_url(r, m->sha256, "thumb");
	const char *feed = model_media_url(r, m->sha256, "feed");
	const char *orig = model_media_url(r, m->sha256, "orig");

	model_str(img, "thumb_url", thumb);
	model_str(img, "feed_url", feed);
	model_str(img, "orig_url", orig);
	/* Small images have sizes of equal width; list each width once. */
	if (m->width > m->feed_width)
		model_str(img, "srcset", arena_printf(r->arena, "%s %dw, %s %dw, %s %dw", thumb, m->thumb_width,
							 feed, m->feed_width, orig, m->width));
	else if (m->feed_width > m->thumb_width)
		model_str(img, "srcset", arena_printf(r->arena, "%s %dw, %s %dw", thumb, m->thumb_width, feed,
							 m->feed_width));
	else
		model_str(img, "srcset", arena_printf(r->arena, "%s %dw", feed, m->feed_width));
	model_int(img, "width", m->feed_width);
	model_int(img, "height", m->feed_height);
	model_int(img, "thumb_width", m->thumb_width);
	model_int(img, "thumb_height", m->thumb_height);
	model_str(img, "blurhash", m->blurhash);
	model_str(img, "alt", m->description);
	return img;
}

/* Where the image came from, for the "AI-generated · model" label. */
static struct json_object *model_provenance(const struct post *p)
{
	struct json_object *o = json_object_new_object();
	const char *src = p->provenance ? p->provenance : "unmarked";

	model_str(o, "source", src);
	json_add_new(o, "ai", json_object_new_boolean(strcmp(src, "unmarked") != 0));
	json_add_new(o, "generated", json_object_new_boolean(strcmp(src, "generated") == 0));
	if (p->ai_model && p->ai_model[0])
		model_str(o, "model", p->ai_model);
	if (p->ai_engine && p->ai_engine[0])
		model_str(o, "engine", p->ai_engine);
	if (p->ai_prompt && p->ai_prompt[0])
		model_str(o, "prompt", p->ai_prompt);
	return o;
}

struct json_object *model_post(struct request *r, const struct post *p)
{
	struct json_object *o = json_object_new_object(), *author = json_object_new_object();
	struct buf html = BUF_INIT;
	char when[64];
	bool mine = r->user && r->user->id == p->user_id;

	model_int(o, "id", (long long)p->id);
	model_str(o, "url", arena_printf(r->arena, "%s/p/%llu", r->app->conf->base_url, p->id));
	model_str(o, "caption", p->caption);
	richtext_html(&html, p->caption, strlen(p->caption));
	model_str(o, "caption_html", html.ptr ? html.ptr : "");
	buf_release(&html);
	json_add_new(o, "sensitive", json_object_new_boolean(p->sensitive));
	model_str(o, "state", p->state);
	json_add_new(o, "pending", json_object_new_boolean(strcmp(p->state, "approved") != 0));
	json_add_new(o, "rejected", json_object_new_boolean(strcmp(p->state, "rejected") == 0));
	if (p->state_reason)
		model_str(o, "state_reason", page_t(r, p->state_reason));
	model_int(o, "likes_count", (long long)p->likes_count);
	model_int(o, "superlikes_count", (long long)p->superlikes_count);
	model_int(o, "reposts_count", (long long)p->reposts_count);
	model_str(o, "created_at", p->created_at);
	i18n_format_reltime(page_catalog(r), model_time(p->created_at), time(NULL),
			    r->lang && strcmp(r->lang, "ja") == 0 ? 9 * 3600 : 0, when, sizeof(when));
	model_str(o, "created_ago", when);
	model_str(author, "username", p->username);
	model_str(author, "display_name", p->display_name && p->display_name[0] ? p->display_name : p->username);
	if (p->avatar_hash)
		model_str(author, "avatar_url", model_media_url(r, p->avatar_hash, "thumb"));
	json_add_new(o, "author", author);
	json_add_new(o, "image", model_image(r, p));
	json_add_new(o, "provenance", model_provenance(p));
	json_add_new(o, "mine", json_object_new_boolean(mine));
	json_add_new(o, "can_delete", json_object_new_boolean(mine || user_is_moderator(r->user)));
	return o;
}
