#include "api/media.h"

#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/arena.h"
#include "handlers/uploads.h"
#include "http/request.h"
#include "media/image.h"
#include "store/attachments.h"
#include "store/posts.h"
#include "store/users.h"
#include "view/entities.h"
#include "web/app.h"
#include "core/banned.h"

#define MEDIA_DESCRIPTION_MAX 1500 /* media.description */
#define MEDIA_DRAFT_TTL (24 * 3600) /* an upload never posted is deleted after a day */
#define MEDIA_DRAFT_SWEEP 20        /* ...at most this many per new upload */

/*
 * Uploads never posted would hold files and quota forever: each new
 * upload first deletes the uploader's own that are older than a day, a
 * bounded amount of work paid by the person who left them.
 */
static void api_media_sweep(struct request *r)
{
	char **hashes = NULL;
	size_t n = 0;

	if (attach_drafts_expire(r->app->db, r->arena, r->user->id, MEDIA_DRAFT_TTL, MEDIA_DRAFT_SWEEP, &hashes, &n) != DB_OK)
		return;
	for (size_t i = 0; i < n; i++)
		uploads_forget(r, hashes[i]);
}

/* The alt text sent, "" when none; -1 when too long or not text. */
static int api_media_description(struct request *r, const char **out)
{
	const char *d = api_text(r, "description");

	if (!str_utf8_valid(d, strlen(d)) || str_utf8_len(d, strlen(d)) > MEDIA_DESCRIPTION_MAX)
		return -1;
	*out = d;
	return 0;
}

/* "x,y" with both in [-1, 1], or absent. We accept a focal point but
 * crop nothing, so it is only checked. */
static bool api_media_focus_valid(struct request *r)
{
	const char *f = api_text(r, "focus");
	char *end;
	double x, y;

	if (!f[0])
		return true;
	x = strtod(f, &end);
	if (*end != ',')
		return false;
	y = strtod(end + 1, &end);
	return *end == '\0' && x >= -1.0 && x <= 1.0 && y >= -1.0 && y <= 1.0;
}

int api_media_create(struct request *r)
{
	struct multipart_file *file;
	struct post_media m;
	struct img_result img;
	const char *description = "", *message = NULL;
	unsigned long long id = 0;
	int rc = api_auth(r, "write:media", API_USER);

	if (rc)
		return rc;
	file = uploads_file(r, "file");
	if (!file)
		return api_error(r, 422, "Validation failed: File can't be blank");
	if (api_media_description(r, &description) < 0)
		return api_error(r, 422, "Validation failed: Description is too long (maximum is 1500 characters)");
	if (!api_media_focus_valid(r))
		return api_error(r, 422, "Validation failed: Focus must be two numbers from -1.0 to 1.0");
	api_media_sweep(r);
	rc = uploads_image(r, file, &img, &message);
	if (rc)
		return message ? api_error(r, rc, message) : rc;
	memset(&m, 0, sizeof(m));
	m.sha256 = img.hash;
	m.format = (char *)img_format_name(img.format);
	m.width = img.width;
	m.height = img.height;
	m.frames = img.frames;
	m.feed_width = img.variants[1].width;
	m.feed_height = img.variants[1].height;
	m.thumb_width = img.variants[2].width;
	m.thumb_height = img.variants[2].height;
	m.blurhash = img.blurhash;
	m.description = (char *)description;
	rc = attach_draft_create(r->app->db, r->user->id, &m, uploads_bytes(&img), &id);
	if (rc != DB_OK) {
		uploads_forget_failed(r, img.hash, rc);
		return 503;
	}
	m.id = id;
	return api_json(r, 200, entity_media(r, &m));
}

/* The viewer's upload of :id that no post shows yet: 0, or 404 answered
 * (someone else's upload is as unknown as a missing one). */
static int api_media_load(struct request *r, struct post_media *m)
{
	unsigned long long id = api_param_id(r), post_id = 0;
	int rc = id ? attach_draft_find(r->app->db, r->arena, r->user->id, id, m, &post_id) : ATTACH_NOT_FOUND;

	if (rc == ATTACH_NOT_FOUND || (rc == DB_OK && post_id))
		return api_error(r, 404, "Record not found");
	return rc == DB_OK ? 0 : 503;
}

int api_media_show(struct request *r)
{
	struct post_media m;
	int rc = api_auth(r, "write:media", API_USER);

	if (rc || (rc = api_media_load(r, &m)))
		return rc;
	return api_json(r, 200, entity_media(r, &m));
}

int api_media_update(struct request *r)
{
	const char *description = NULL;
	struct post_media m;
	int rc = api_auth(r, "write:media", API_USER);

	if (rc || (rc = api_media_load(r, &m)))
		return rc;
	if (api_media_description(r, &description) < 0)
		return api_error(r, 422, "Validation failed: Description is too long (maximum is 1500 characters)");
	if (!api_media_focus_valid(r))
		return api_error(r, 422, "Validation failed: Focus must be two numbers from -1.0 to 1.0");
	if (api_param(r, "description").ptr) {
		if (attach_draft_describe(r->app->db, r->user->id, m.id, description) != DB_OK)
			return 503;
		m.description = (char *)description;
	}
	return api_json(r, 200, entity_media(r, &m));
}
