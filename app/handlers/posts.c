#include "handlers/posts.h"

#include <sodium.h>
#include <string.h>

#include "core/arena.h"
#include "core/conf.h"
#include "core/log.h"
#include "handlers/form.h"
#include "handlers/generate.h"
#include "handlers/uploads.h"
#include "http/request.h"
#include "i18n/i18n.h"
#include "jobs/queue.h"
#include "media/storage.h"
#include "handlers/feeds.h"
#include "store/attachments.h"
#include "store/blocks.h"
#include "store/generations.h"
#include "store/likes.h"
#include "store/posts.h"
#include "store/users.h"
#include "view/models.h"
#include "view/page.h"
#include "view/richtext.h"
#include "web/app.h"
#include "web/auth.h"
#include "core/banned.h"

#define POSTS_MAX_TAGS 30
#define POSTS_LIKERS_SHOWN 8

static int posts_redirect(struct request *r, const char *path)
{
	response_header_add(&r->res, "Location", arena_printf(r->arena, "%s%s", r->app->conf->base_url, path));
	return 303;
}

/* A fresh key per rendered form: a double submit of the same form (or
 * a retry after a timeout) makes one post, not two. */
const char *posts_new_key(struct request *r)
{
	unsigned char raw[16];
	char *hex = arena_alloc(r->arena, sizeof(raw) * 2 + 1);

	randombytes_buf(raw, sizeof(raw));
	if (hex)
		sodium_bin2hex(hex, sizeof(raw) * 2 + 1, raw, sizeof(raw));
	return hex ? hex : "";
}

static int posts_render_compose(struct request *r, int status, struct form *f, const char *key)
{
	struct json_object *m = page_model(r, page_t(r, N_("New post")));

	json_object_object_add(m, "nav", json_object_new_object());
	json_object_object_add(json_object_object_get(m, "nav"), "new", json_object_new_boolean(1));
	json_object_object_add(m, "idempotency_key", json_object_new_string(key ? key : posts_new_key(r)));
	if (storage_is_s3(r->app->media))
		json_object_object_add(m, "direct_upload", json_object_new_boolean(1));
	if (generate_enabled(r))
		json_object_object_add(m, "generation_enabled", json_object_new_boolean(1));
	if (f)
		form_to_model(f, m);
	return page_render(r, status, "pages/new", m);
}

/* A retried submission whose first one made the post: *id is that post. */
static bool posts_create_retry(struct request *r, const char *key, unsigned long long *id)
{
	return posts_by_key(r->app->db, r->user->id, key, id) == DB_OK;
}

int posts_compose(struct request *r)
{
	int rc = auth_require(r);

	return rc ? rc : posts_render_compose(r, 200, NULL, NULL);
}

struct posts_tags {
	const char *tags[POSTS_MAX_TAGS];
	size_t lens[POSTS_MAX_TAGS];
	size_t n;
};

static void posts_collect_tag(void *ud, const char *tag, size_t n)
{
	struct posts_tags *t = ud;

	if (t->n < POSTS_MAX_TAGS) {
		t->tags[t->n] = tag;
		t->lens[t->n] = n;
		t->n++;
	}
}

/* A key a client may choose: 1-64 characters of [A-Za-z0-9_-]. */
static bool posts_key_valid(const char *k)
{
	size_t n = strlen(k);

	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= 'A' && k[i] <= 'Z') ||
		      (k[i] >= '0' && k[i] <= '9') || k[i] == '_' || k[i] == '-'))
			return false;
	return true;
}

/* Fill p's common fields from the form's values. */
static void posts_new_init(struct request *r, struct post_new *p, struct posts_tags *tags, const char *caption,
			   const char *key)
{
	richtext_hashtags(caption, strlen(caption), POSTS_MAX_TAGS, posts_collect_tag, tags);
	memset(p, 0, sizeof(*p));
	p->user_id = r->user->id;
	p->caption = caption;
	p->sensitive = http_kv_get(&r->form, "sensitive").ptr != NULL;
	p->approved = strcmp(r->app->conf->moderation_mode, "off") == 0;
	p->idempotency_key = key[0] ? key : NULL;
	p->tags = tags->tags;
	p->tag_lens = tags->lens;
	p->ntags = tags->n;
}

/* What a new post sets going: moderation, or at once its delivery
 * (fan-out, then mentions and trends). */
static void posts_created(struct request *r, const struct post_new *p, unsigned long long id)
{
	auth_event(r, "post_created", r->user->id, NULL);
	jobs_queue(r->app, p->approved ? "deliver" : "moderate", arena_printf(r->arena, "%llu", id));
}

/*
 * POST /new with generation_id: post the picked result of the person's
 * generation. The other results are deleted at once (their files too,
 * unless something else uses them); the post records the engine, the
 * model and, when the person ticked it, the prompt.
 */
static int posts_create_generated(struct request *r, struct form *f, const char *caption, const char *alt,
				  const char *key)
{
	struct posts_tags tags = { .n = 0 };
	unsigned long long gen_id = 0, media_id = 0, id = 0;
	struct generation g;
	struct post_new p;
	bool existed = false;
	char **hashes = NULL;
	size_t n = 0;
	int rc;

	if (!generate_enabled(r) || str_to_u64(http_kv_get(&r->form, "generation_id"), &gen_id) < 0)
		return 404;
	if (str_to_u64(http_kv_get(&r->form, "media_id"), &media_id) < 0)
		form_fail(f, "media_id", N_("Choose one of the images."));
	if (f->failed)
		return generate_render_result(r, 422, gen_id, f, key);
	rc = gens_of_media(r->app->db, r->arena, r->user->id, media_id, &g);
	if (rc == DB_OK && g.id != gen_id)
		rc = GENS_NOT_FOUND;
	if (rc == GENS_NOT_FOUND && key[0] && posts_create_retry(r, key, &id))
		return posts_redirect(r, arena_printf(r->arena, "/p/%llu", id));
	if (rc == GENS_NOT_FOUND) {
		form_fail(f, "media_id", N_("This image is no longer available. Generate new ones."));
		return generate_render_result(r, 422, gen_id, f, key);
	}
	if (rc != DB_OK)
		return 503;
	posts_new_init(r, &p, &tags, caption, key);
	p.media_id = media_id;
	p.provenance = "generated";
	p.ai_engine = g.engine;
	p.ai_model = g.model;
	p.ai_prompt = http_kv_get(&r->form, "share_prompt").ptr ? g.prompt : NULL;
	if (alt[0] && attach_draft_describe(r->app->db, r->user->id, media_id, alt) != DB_OK)
		return 503;
	rc = posts_create(r->app->db, &p, &id, &existed);
	if (rc == POSTS_MEDIA_UNAVAILABLE) {
		form_fail(f, "media_id", N_("This image is no longer available. Generate new ones."));
		return generate_render_result(r, 422, gen_id, f, key);
	}
	if (rc != DB_OK)
		return rc == DB_UNAVAILABLE ? 503 : 500;
	if (!existed)
		posts_created(r, &p, id);
	if (gens_discard_results(r->app->db, r->arena, g.id, &hashes, &n) == DB_OK)
		for (size_t i = 0; i < n; i++)
			uploads_forget(r, hashes[i]);
	return posts_redirect(r, arena_printf(r->arena, "/p/%llu", id));
}

int posts_create_form(struct request *r)
{
	struct multipart_file *file;
	struct img_result img;
	struct post_new p;
	struct posts_tags tags = { .n = 0 };
	const char *caption, *alt, *key, *staged, *message = NULL;
	unsigned long long id = 0;
	bool existed = false;
	struct form f;
	int rc = auth_require(r);

	if (rc)
		return rc;
	form_init(&f, r);
	caption = form_text(&f, "caption", 500, false);
	alt = form_text(&f, "alt", 1500, false);
	key = form_text(&f, "idempotency_key", 64, false);
	form_keep(&f, "caption", caption);
	form_keep(&f, "alt", alt);
	if (http_kv_get(&r->form, "sensitive").ptr)
		form_keep(&f, "sensitive", "1");
	if (http_kv_get(&r->form, "ai_generated").ptr)
		form_keep(&f, "ai_generated", "1");
	if (http_kv_get(&r->form, "share_prompt").ptr)
		form_keep(&f, "share_prompt", "1");
	if (key[0] && !posts_key_valid(key))
		key = "";
	if (http_kv_get(&r->form, "generation_id").ptr)
		return posts_create_generated(r, &f, caption, alt, key);
	file = uploads_file(r, "image");
	/* A direct upload: the browser put the file in the bucket already. */
	staged = form_text(&f, "staged", STORAGE_STAGING_KEY_MAX, false);
	if (file)
		staged = "";
	/* The same form sent again after its staged file was posted (and
	 * deleted): the first submission made the post. */
	if (staged[0] && key[0] && posts_by_key(r->app->db, r->user->id, key, &id) == DB_OK) {
		uploads_staged_forget(r, staged);
		return posts_redirect(r, arena_printf(r->arena, "/p/%llu", id));
	}
	if (staged[0] && !f.failed) {
		rc = uploads_staged(r, staged, &file, &message);
		if (rc) {
			form_fail(&f, "image", message);
			return posts_render_compose(r, rc, &f, key[0] ? key : NULL);
		}
	}
	if (!file)
		form_fail(&f, "image", N_("Choose an image to post."));
	if (f.failed)
		return posts_render_compose(r, 422, &f, key[0] ? key : NULL);
	rc = uploads_image(r, file, &img, &message);
	/* Processed or refused, the staging copy has served its purpose. */
	if (staged[0])
		uploads_staged_forget(r, staged);
	if (rc) {
		form_fail(&f, "image", message);
		return posts_render_compose(r, rc, &f, key[0] ? key : NULL);
	}
	posts_new_init(r, &p, &tags, caption, key);
	/* Uploaded: the author's own word is all we know. */
	if (http_kv_get(&r->form, "ai_generated").ptr)
		p.provenance = "uploaded_ai";
	p.media.sha256 = img.hash;
	p.media.format = (char *)img_format_name(img.format);
	p.media.width = img.width;
	p.media.height = img.height;
	p.media.frames = img.frames;
	p.media.feed_width = img.variants[1].width;
	p.media.feed_height = img.variants[1].height;
	p.media.thumb_width = img.variants[2].width;
	p.media.thumb_height = img.variants[2].height;
	p.media.blurhash = img.blurhash;
	p.media.description = (char *)alt;
	p.media_bytes = uploads_bytes(&img);
	rc = posts_create(r->app->db, &p, &id, &existed);
	if (rc != DB_OK) {
		uploads_forget_failed(r, img.hash, rc);
		return rc == DB_UNAVAILABLE ? 503 : 500;
	}
	if (existed) {
		/* The same form again: its first submission made the post. */
		uploads_forget(r, img.hash);
	} else {
		posts_created(r, &p, id);
	}
	return posts_redirect(r, arena_printf(r->arena, "/p/%llu", id));
}

/* Load the post of the :id parameter that the viewer may see. Others
 * than the author and moderators see approved posts only: anything else
 * is a 404, as if it did not exist. */
static int posts_load_visible(struct request *r, struct post *p)
{
	unsigned long long id;
	int rc;

	if (str_to_u64(req_param(r, "id"), &id) < 0)
		return 404;
	rc = posts_find(r->app->db, r->arena, id, p);
	if (rc == POSTS_NOT_FOUND)
		return 404;
	if (rc != DB_OK)
		return 503;
	if (p->repost_of_id) {
		/* A repost's own page is its original's. */
		response_header_add(&r->res, "Location",
				    arena_printf(r->arena, "%s/p/%llu", r->app->conf->base_url, p->repost_of_id));
		return 301;
	}
	if (strcmp(p->state, "approved") == 0) {
		bool blocked = false;

		if (r->user && r->user->id != p->user_id &&
		    blocks_between(r->app->db, r->user->id, p->user_id, &blocked) == DB_OK && blocked)
			return 404;
		return 0;
	}
	if (r->user && (r->user->id == p->user_id || user_is_moderator(r->user)) &&
	    strcmp(p->state, "removed") != 0)
		return 0;
	return 404;
}

int posts_show(struct request *r)
{
	struct json_object *m, *cards;
	struct feed_page page;
	struct post p, *none = NULL;
	struct liker *likers;
	size_t nlikers = 0;
	int rc = posts_load_visible(r, &p);

	if (rc)
		return rc;
	m = page_model(r, p.display_name[0] ? p.display_name : p.username);
	memset(&page, 0, sizeof(page));
	page.posts = &p;
	page.originals = &none;
	page.n = 1;
	json_object_object_add(m, "post", json_object_get(json_object_array_get_idx(cards = feed_cards(r, &page), 0)));
	json_object_put(cards);
	if (likes_page(r->app->db, r->arena, p.id, 0, POSTS_LIKERS_SHOWN, &likers, &nlikers) == DB_OK && nlikers) {
		struct json_object *arr = json_object_new_array();

		for (size_t i = 0; i < nlikers; i++) {
			struct json_object *o = json_object_new_object();

			json_object_object_add(o, "username", json_object_new_string(likers[i].who.username));
			json_object_object_add(o, "super", json_object_new_boolean(likers[i].super));
			json_object_array_add(arr, o);
		}
		json_object_object_add(m, "likers", arr);
		json_object_object_add(m, "has_likers", json_object_new_boolean(1));
	}
	if (r->user)
		json_object_object_add(m, "super_remaining", json_object_new_string(arena_printf(r->arena, "%d", feed_super_remaining(r))));
	json_object_object_add(m, "return_to", json_object_new_string(arena_printf(r->arena, "/p/%llu", p.id)));
	if (r->user && r->user->id == p.user_id && strcmp(p.state, "rejected") == 0)
		json_object_object_add(m, "can_appeal", json_object_new_boolean(1));
	if (r->user && r->user->id != p.user_id && strcmp(p.state, "approved") == 0)
		json_object_object_add(m, "can_report", json_object_new_boolean(1));
	if (str_eq_c(http_kv_get(&r->query, "reported"), "1"))
		json_object_object_add(m, "reported", json_object_new_boolean(1));
	return page_render(r, 200, "pages/post", m);
}

int posts_delete_confirm(struct request *r)
{
	struct json_object *m, *o;
	struct post p;
	int rc = auth_require(r);

	if (rc)
		return rc;
	rc = posts_load_visible(r, &p);
	if (rc)
		return rc;
	if (p.user_id != r->user->id && !user_is_moderator(r->user))
		return 403;
	m = page_model(r, page_t(r, N_("Delete post")));
	o = model_post(r, &p);
	json_object_object_add(m, "post", o);
	return page_render(r, 200, "pages/post-delete", m);
}

int posts_delete_form(struct request *r)
{
	struct post p;
	char *hash = NULL;
	int rc = auth_require(r);

	if (rc)
		return rc;
	rc = posts_load_visible(r, &p);
	if (rc)
		return rc;
	if (p.user_id == r->user->id) {
		rc = posts_delete(r->app->db, r->arena, p.id, &hash);
		if (rc == DB_OK)
			uploads_forget(r, hash);
	} else if (user_is_moderator(r->user)) {
		/* A moderator's removal keeps the row for the record and the
		 * author's appeal, but the image stops being served. */
		rc = posts_remove(r->app->db, p.id, N_("Removed by a moderator."));
		if (rc == DB_OK) {
			posts_reports_resolve(r->app->db, p.id);
			jobs_queue(r->app, "moderated", arena_printf(r->arena, "%llu:removed", p.id));
		}
		if (rc == DB_OK && attach_hash_shared(r->app->db, p.media.sha256, p.media.id) == 0 &&
		    storage_remove(r->app->media, p.media.sha256) != 0)
			log_warn("event=media_remove_failed post_id=%llu", p.id);
	} else {
		return 403;
	}
	if (rc == POSTS_NOT_FOUND)
		return 404;
	if (rc != DB_OK)
		return 503;
	jobs_queue(r->app, "unfanout", arena_printf(r->arena, "%llu:%llu", p.id, p.user_id));
	auth_event(r, p.user_id == r->user->id ? "post_deleted" : "post_removed", r->user->id,
		   arena_printf(r->arena, "post %llu", p.id));
	return posts_redirect(r, arena_printf(r->arena, "/@%s", r->user->id == p.user_id ? r->user->username : p.username));
}
