#include "handlers/uploads.h"

#include <string.h>

#include "core/arena.h"
#include "core/conf.h"
#include "core/log.h"
#include "http/request.h"
#include "i18n/i18n.h"
#include "media/storage.h"
#include "store/attachments.h"
#include "store/ratelimit.h"
#include "store/users.h"
#include "view/page.h"
#include "web/app.h"
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
