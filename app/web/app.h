#ifndef BB_APP_H
#define BB_APP_H
/*
 * The long-lived state of one process: configuration, compiled templates
 * and catalogs (loaded by the master before forking, shared copy-on-write),
 * and the process's own MariaDB and Redis connections (opened after fork).
 */
#include "core/buf.h"

struct conf;
struct db;
struct i18n_set;
struct pw_policy;
struct mod_engine;
struct oidc_set;
struct storage;
struct gen_engine;
struct rds;
struct tpl_set;

struct app {
	struct conf *conf;
	struct tpl_set *tpl;
	struct i18n_set *i18n;
	struct pw_policy *pw;
	struct mod_engine *mod; /* loaded by the job worker when moderation is builtin or remote */
	struct oidc_set *oidc;  /* the [oidc.NAME] providers; the pool's master discovers them */
	struct storage *media;  /* where images are kept: [media] backend */
	struct gen_engine *gen; /* the job worker's image generation client, when [generation] url is set */
	long migrations_latest;
	char static_url[512]; /* conf's static_url plus /v<version> */
	struct db *db;
	struct rds *rds;
	/* A worker's response body buffer, kept from one request to the
	 * next (dispatch). */
	struct buf body_kept;
};

/* Load configuration-derived assets (templates, catalogs); -1 with a
 * message naming the file on failure. Connections are not opened. */
int app_load(struct app *app, struct conf *conf, struct buf *err);
/* Open this process's connections (after fork). */
void app_connect(struct app *app);
void app_disconnect(struct app *app);
void app_release(struct app *app);

#endif
