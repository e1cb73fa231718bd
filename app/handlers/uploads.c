#include "handlers/uploads.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/conf.h"
#include "core/log.h"
#include "http/request.h"
#include "i18n/i18n.h"
#include "core/buf.h"
#include "media/s3.h"
#include "media/storage.h"
#include "store/attachments.h"
#include "store/ratelimit.h"
#include "store/users.h"
#include "view/page.h"
#include "web/app.h"
#include "web/auth.h"
#include "core/banned.h"

struct multipart_file *uploads_file(struct request *r, const char *name)
{
	for (size_t i = 0; i < r->nfiles; i++)
		if (str_eq_c(r->files[i].field, name) && r->files[i].size > 0)
			return &r->files[i];
	return NULL;
}

unsigned long long uploads_bytes(const struct img_result *res)
{
	unsigned long long total = 0;

	for (int i = 0; i < IMG_NVARIANTS; i++)
		total += res->variants[i].bytes;
	return total;
}

int uploads_image(struct request *r, struct multipart_file *file, struct img_result *out,
		  const char **message)
{
	const struct conf *c = r->app->conf;
	struct img_limits lim = { .max_file_bytes = c->max_upload_bytes };
	unsigned long long used = 0;
	int retry = 0, rc;

	rc = ratelimit_hit(r->app->rds, "upload", arena_printf(r->arena, "%llu", r->user->id),
			   c->upload_limit, c->upload_window, &retry);
	if (rc == RATELIMIT_OVER) {
		response_header_add(&r->res, "Retry-After", arena_printf(r->arena, "%d", retry));
		*message = page_t(r, N_("You have uploaded many images in a short time. Please wait a little."));
		return 429;
	}
	if (attach_bytes_of_user(r->app->db, r->user->id, &used) != DB_OK)
		return 503;
	/* The upload's own size bounds what it will add once processed. */
	if (used + file->size > c->quota_bytes) {
		*message = page_t(r, N_("Your storage is full. Delete some posts to upload more."));
		return 422;
	}
	rc = img_process(file->path, file->sha256, r->app->media, &lim, out);
	if (rc != IMG_OK) {
		*message = page_t(r, img_strerror(rc));
		if (img_http_status(rc) >= 500)
			log_error("event=image_failed status=%d user_id=%llu", rc, r->user->id);
		return img_http_status(rc);
	}
	return 0;
}

void uploads_forget(struct request *r, const char *hash)
{
	if (!hash || attach_hash_in_use(r->app->db, hash) != 0)
		return;
	if (storage_remove(r->app->media, hash) != 0)
		log_warn("event=media_remove_failed hash=%s", hash);
}

void uploads_forget_failed(struct request *r, const char *hash, int rc)
{
	if (rc == DB_UNAVAILABLE) {
		log_warn("event=media_kept hash=%s reason=\"the write that uses it may have landed\"", hash ? hash : "");
		return;
	}
	uploads_forget(r, hash);
}

/* --- direct uploads to the bucket (s3 backend) */

static const char *const uploads_types[] = { "image/jpeg", "image/png", "image/webp", "image/gif" };

static bool uploads_type_ok(const char *t)
{
	for (size_t i = 0; i < sizeof(uploads_types) / sizeof(uploads_types[0]); i++)
		if (strcmp(t, uploads_types[i]) == 0)
			return true;
	return false;
}

static int uploads_json_error(struct request *r, int status, const char *msgid)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "error", json_object_new_string(page_t(r, msgid)));
	return page_json(r, status, o);
}

int uploads_presign(struct request *r)
{
	const struct conf *c = r->app->conf;
	const struct s3 *s3 = storage_s3(r->app->media);
	struct str size_s = http_kv_get(&r->form, "size"), type_s = http_kv_get(&r->form, "type");
	unsigned long long size = 0, used = 0;
	char key[STORAGE_STAGING_KEY_MAX + 1];
	struct buf url = BUF_INIT;
	struct json_object *o, *h;
	const char *type;
	int retry = 0, rc = auth_require(r);

	if (rc)
		return rc;
	if (!s3)
		return 404;
	type = type_s.ptr ? arena_strndup(r->arena, type_s.ptr, type_s.len) : "";
	/* The browser's word for the type is only what gets signed: the
	 * bytes decide what the file is when the app fetches it. */
	if (!type || !uploads_type_ok(type))
		return uploads_json_error(r, 415, img_strerror(IMG_EUNSUPPORTED));
	if (!size_s.ptr || str_to_u64(size_s, &size) != 0 || size == 0)
		return uploads_json_error(r, 400, N_("Choose an image to post."));
	if (size > c->max_upload_bytes)
		return uploads_json_error(r, 413, img_strerror(IMG_EFILESIZE));
	rc = ratelimit_hit(r->app->rds, "presign", arena_printf(r->arena, "%llu", r->user->id),
			   c->upload_limit, c->upload_window, &retry);
	if (rc == RATELIMIT_OVER) {
		response_header_add(&r->res, "Retry-After", arena_printf(r->arena, "%d", retry));
		return uploads_json_error(r, 429, N_("You have uploaded many images in a short time. Please wait a little."));
	}
	if (attach_bytes_of_user(r->app->db, r->user->id, &used) != DB_OK)
		return 503;
	if (used + size > c->quota_bytes)
		return uploads_json_error(r, 422, N_("Your storage is full. Delete some posts to upload more."));
	storage_staging_key(r->user->id, key);
	if (s3_presign_put(s3, key, (size_t)size, type, time(NULL), c->s3_presign_expiry, &url) != S3_OK) {
		buf_release(&url);
		return 500;
	}
	o = json_object_new_object();
	h = json_object_new_object();
	json_object_object_add(o, "url", json_object_new_string(url.ptr));
	json_object_object_add(o, "key", json_object_new_string(key));
	json_object_object_add(o, "method", json_object_new_string("PUT"));
	json_object_object_add(h, "Content-Type", json_object_new_string(type));
	json_object_object_add(o, "headers", h);
	json_object_object_add(o, "expires_in", json_object_new_int(c->s3_presign_expiry));
	buf_release(&url);
	log_info("event=upload_presigned user_id=%llu key=%s bytes=%llu", r->user->id, key, size);
	return page_json(r, 200, o);
}

struct uploads_temp {
	char path[4096];
	int fd;
};

static void uploads_temp_release(void *p)
{
	struct uploads_temp *t = p;

	if (t->fd >= 0)
		close(t->fd);
	unlink(t->path);
}

int uploads_staged(struct request *r, const char *key, struct multipart_file **out,
		   const char **message)
{
	const struct conf *c = r->app->conf;
	const struct s3 *s3 = storage_s3(r->app->media);
	struct multipart_file *f;
	struct uploads_temp *t;
	struct buf err = BUF_INIT;
	size_t len = 0;
	int n, rc;

	*out = NULL;
	if (!s3 || !storage_staging_key_ok(key, r->user->id)) {
		/* not a key this app handed to this person */
		log_warn("event=staged_upload_refused user_id=%llu", r->user->id);
		*message = page_t(r, N_("Choose an image to post."));
		return 422;
	}
	f = arena_alloc(r->arena, sizeof(*f));
	t = arena_alloc(r->arena, sizeof(*t));
	if (!f || !t)
		return 500;
	memset(f, 0, sizeof(*f));
	n = snprintf(t->path, sizeof(t->path), "%s/staged-XXXXXX", c->tmp_dir);
	if (n < 0 || (size_t)n >= sizeof(t->path) || (t->fd = mkostemp(t->path, O_CLOEXEC)) < 0) {
		log_error("event=upload_spool_failed dir=%s", c->tmp_dir);
		return 503;
	}
	if (arena_cleanup_add(r->arena, uploads_temp_release, t) != 0) {
		uploads_temp_release(t);
		return 500;
	}
	rc = s3_get_file(s3, key, t->fd, c->max_upload_bytes, &len, f->sha256, &err);
	if (rc != S3_OK)
		log_warn("event=staged_upload_fetch_failed user_id=%llu status=%d error=\"%s\"", r->user->id,
			 rc, err.ptr ? err.ptr : "");
	buf_release(&err);
	switch (rc) {
	case S3_OK:
		break;
	case S3_ENOTFOUND:
		*message = page_t(r, N_("The uploaded image was not found. Please choose it again."));
		return 422;
	case S3_ETOOBIG:
		*message = page_t(r, img_strerror(IMG_EFILESIZE));
		return 413;
	default:
		*message = page_t(r, N_("The image store cannot be reached. Please try again in a moment."));
		return 503;
	}
	f->field = str_from("image");
	f->path = t->path;
	f->fd = t->fd;
	f->size = len;
	*out = f;
	return 0;
}

void uploads_staged_forget(struct request *r, const char *key)
{
	const struct s3 *s3 = storage_s3(r->app->media);
	struct buf err = BUF_INIT;

	if (s3 && storage_staging_key_ok(key, r->user->id) && s3_delete(s3, key, &err) != S3_OK)
		log_warn("event=staged_upload_delete_failed key=%s error=\"%s\"", key, err.ptr ? err.ptr : "");
	buf_release(&err);
}
