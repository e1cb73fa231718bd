#include "web/app.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/conf.h"
#include "core/httpc.h"
#include "core/password.h"
#include "core/log.h"
#include "i18n/i18n.h"
#include "media/image.h"
#include "media/s3.h"
#include "media/storage.h"
#include "http/response.h"
#include "moderation/moderate.h"
#include "oidc/provider.h"
#include "store/db.h"
#include "store/migrate.h"
#include "store/rds.h"
#include "web/assets.h"
#include "view/tpl.h"
#include "generation/engine.h"
#include "core/banned.h"

/* The origin (scheme://host[:port]) of an absolute URL into out; "" for a path. */
static void app_origin(const char *url, char *out, size_t outlen)
{
	const char *host = strstr(url, "://");
	size_t n;

	out[0] = '\0';
	if (!host || strpbrk(url, " ;,'\""))
		return;
	n = (size_t)(host + 3 - url) + strcspn(host + 3, "/?#");
	if (n < outlen)
		snprintf(out, outlen, "%.*s", (int)n, url);
}

/* With images in a bucket, pages load them from its public URL and the
 * compose page uploads to its endpoint: the CSP must allow both. */
static void app_media_csp(const struct storage *st)
{
	char img[512], up[512];

	if (!storage_is_s3(st)) {
		response_csp_allow(NULL, NULL); /* a reload back to local narrows it again */
		return;
	}
	app_origin(storage_url_base(st), img, sizeof(img));
	app_origin(s3_upload_origin(storage_s3(st)), up, sizeof(up));
	response_csp_allow(img[0] ? img : NULL, up[0] ? up : NULL);
}

int app_load(struct app *app, struct conf *conf, struct buf *err)
{
	char version[16], msg[512];

	memset(app, 0, sizeof(*app));
	app->conf = conf;
	app->tpl = tpl_set_new();
	if (!app->tpl || tpl_set_load_dir(app->tpl, conf->templates_dir, err) < 0 ||
	    tpl_set_check(app->tpl, err) < 0)
		return -1;
	if (!tpl_set_has(app->tpl, "pages/error") || !tpl_set_has(app->tpl, "layouts/base")) {
		buf_printf(err, "%s: pages/error and layouts/base are required", conf->templates_dir);
		return -1;
	}
	if (i18n_set_load(conf->locale_dir, &app->i18n, msg, sizeof(msg)) < 0) {
		buf_puts(err, msg);
		return -1;
	}
	app->pw = pw_policy_load(conf->common_passwords, msg, sizeof(msg));
	if (!app->pw) {
		buf_puts(err, msg);
		return -1;
	}
	if (assets_version(conf->static_dir, version, sizeof(version)) < 0) {
		buf_printf(err, "%s: cannot read the static folder", conf->static_dir);
		return -1;
	}
	snprintf(app->static_url, sizeof(app->static_url), "%s/v%s", conf->static_url, version);
	httpc_breaker_configure(conf->breaker_failures, (long)conf->breaker_cooldown * 1000L);
	app->oidc = oidc_set_new(conf);
	if (!app->oidc) {
		buf_puts(err, "out of memory");
		return -1;
	}
	/* Before fork and before any thread: the s3 backend starts libcurl. */
	if (storage_open(conf, &app->media, err) < 0)
		return -1;
	app_media_csp(app->media);
	app->migrations_latest = migrate_latest(conf->migrations_dir);
	if (app->migrations_latest < 0) {
		buf_printf(err, "%s: cannot read the migrations folder", conf->migrations_dir);
		return -1;
	}
	return 0;
}

void app_connect(struct app *app)
{
	/* libvips starts threads, so it is started in each process. */
	if (img_init("beaubelle") < 0)
		log_error("event=image_init_failed");
	if (!app->db)
		app->db = db_open(app->conf, false, NULL);
	if (!app->rds)
		app->rds = rds_open(app->conf, NULL);
}

void app_disconnect(struct app *app)
{
	db_close(app->db);
	rds_close(app->rds);
	app->db = NULL;
	app->rds = NULL;
}

void app_release(struct app *app)
{
	app_disconnect(app);
	tpl_set_free(app->tpl);
	i18n_set_free(app->i18n);
	pw_policy_free(app->pw);
	oidc_set_free(app->oidc);
	mod_engine_free(app->mod);
	storage_free(app->media);
	gen_engine_free(app->gen);
	conf_free(app->conf);
	buf_release(&app->body_kept);
	memset(app, 0, sizeof(*app));
}
