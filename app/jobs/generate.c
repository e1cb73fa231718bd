#include "jobs/generate.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/conf.h"
#include "core/log.h"
#include "generation/engine.h"
#include "jobs/kinds.h"
#include "media/image.h"
#include "media/storage.h"
#include "media/store.h"
#include "store/attachments.h"
#include "store/generations.h"
#include "store/jobs_store.h"
#include "store/posts.h"
#include "web/app.h"
#include "core/banned.h"

/* The error code stored for an engine's failure (handlers translate it). */
static const char *generate_code(int rc)
{
	switch (rc) {
	case GEN_EDOWN: return "engine_down";
	case GEN_ETIMEOUT: return "timeout";
	case GEN_EREFUSED: return "refused";
	case GEN_EANSWER: return "not_image";
	default: return "internal";
	}
}

/* The longest a run can take: every attempt with its backoff, then the
 * pipeline on four images. */
static int generate_running_s(const struct conf *c)
{
	return c->gen_timeout * (c->gen_retries + 1) + 2 * c->gen_retries + 60;
}

static double generate_ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Delete the files of hashes no row uses (results that were not kept). */
static void generate_forget(struct app *app, char hashes[][MEDIA_STORE_HEX_LEN + 1], int n)
{
	for (int i = 0; i < n; i++)
		if (attach_hash_in_use(app->db, hashes[i]) == 0 && storage_remove(app->media, hashes[i]) != 0)
			log_warn("event=media_remove_failed hash=%s", hashes[i]);
}

/*
 * One image through the pipeline: written to a temporary file under
 * tmp_dir (img_process reads files, as uploads are), hashed, processed.
 * IMG_OK with *res, or an img_status.
 */
static int generate_process(struct app *app, const struct gen_image *img, struct img_result *res)
{
	const struct conf *c = app->conf;
	struct img_limits lim = { .max_file_bytes = c->max_upload_bytes };
	unsigned char sha[32];
	char path[1024];
	size_t off = 0;
	int fd, rc;

	if ((size_t)snprintf(path, sizeof(path), "%s/gen-XXXXXX", c->tmp_dir) >= sizeof(path))
		return IMG_EIO;
	fd = mkstemp(path);
	if (fd < 0)
		return IMG_EIO;
	while (off < img->len) {
		ssize_t w = write(fd, img->data + off, img->len - off);

		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(fd);
	if (off != img->len) {
		unlink(path);
		return IMG_EIO;
	}
	crypto_hash_sha256(sha, img->data, img->len);
	rc = img_process(path, sha, app->media, &lim, res);
	unlink(path);
	return rc;
}

int job_generate(struct job_ctx *ctx, const struct job *job, struct buf *why)
{
	struct app *app = ctx->app;
	unsigned long long id = strtoull(job->args, NULL, 10);
	char hashes[GEN_MAX_IMAGES][MEDIA_STORE_HEX_LEN + 1];
	struct post_media media[GEN_MAX_IMAGES];
	unsigned long long bytes[GEN_MAX_IMAGES];
	struct gen_images imgs = { .n = 0 };
	struct buf err = BUF_INIT;
	struct gen_prompt prompt;
	struct generation g;
	bool ok = false;
	int rc, kept = 0;
	const char *code = NULL;
	struct timespec t0;

	if (!id) {
		buf_puts(why, "bad generation id");
		return JOB_FAILED;
	}
	rc = gens_find(app->db, ctx->arena, id, &g);
	if (rc == GENS_NOT_FOUND)
		return JOB_DONE;
	if (rc != DB_OK || gens_start(app->db, id, generate_running_s(app->conf), &ok) != DB_OK) {
		buf_puts(why, "database unavailable");
		return JOB_RETRY;
	}
	if (!ok)
		return JOB_DONE; /* settled, or another run is at work */
	if (!app->gen) {
		log_warn("event=generation_failed id=%llu code=engine_down reason=\"this worker has no [generation] url\"", id);
		gens_fail(app->db, id, "engine_down");
		return JOB_DONE;
	}
	prompt.prompt = g.prompt;
	prompt.negative = g.negative_prompt;
	prompt.style = g.style;
	prompt.n = g.images;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = gen_engine_run(app->gen, &prompt, &imgs, &err);
	if (rc != GEN_OK) {
		code = generate_code(rc);
		goto fail;
	}
	for (int i = 0; i < imgs.n; i++) {
		struct img_result res;

		rc = generate_process(app, &imgs.img[i], &res);
		if (rc != IMG_OK) {
			code = rc == IMG_EIO || rc == IMG_EINTERNAL ? "internal" : "not_image";
			buf_printf(&err, "image %d: %s", i + 1, img_strerror(rc));
			goto fail;
		}
		memcpy(hashes[kept], res.hash, sizeof(hashes[kept]));
		memset(&media[kept], 0, sizeof(media[kept]));
		media[kept].sha256 = hashes[kept];
		media[kept].format = (char *)img_format_name(res.format);
		media[kept].width = res.width;
		media[kept].height = res.height;
		media[kept].frames = res.frames;
		media[kept].feed_width = res.variants[1].width;
		media[kept].feed_height = res.variants[1].height;
		media[kept].thumb_width = res.variants[2].width;
		media[kept].thumb_height = res.variants[2].height;
		media[kept].blurhash = arena_strdup(ctx->arena, res.blurhash);
		bytes[kept] = 0;
		for (int v = 0; v < IMG_NVARIANTS; v++)
			bytes[kept] += res.variants[v].bytes;
		kept++;
	}
	gen_images_release(&imgs);
	rc = gens_finish(app->db, id, g.user_id, media, bytes, (size_t)kept);
	if (rc != DB_OK) {
		generate_forget(app, hashes, kept);
		if (rc == GENS_NOT_FOUND)
			return JOB_DONE;
		buf_puts(why, "database unavailable");
		return JOB_RETRY;
	}
	log_info("event=generated id=%llu user_id=%llu images=%d waited_s=%lld ms=%.0f", id, g.user_id, kept, g.age_s,
		 generate_ms_since(&t0));
	buf_release(&err);
	return JOB_DONE;
fail:
	gen_images_release(&imgs);
	generate_forget(app, hashes, kept);
	log_warn("event=generation_failed id=%llu code=%s reason=\"%s\"", id, code, err.ptr ? err.ptr : "");
	if (gens_fail(app->db, id, code) != DB_OK) {
		buf_puts(why, "database unavailable");
		buf_release(&err);
		return JOB_RETRY;
	}
	buf_release(&err);
	return JOB_DONE;
}
