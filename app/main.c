/*
 * beaubelle: one binary, one subcommand per role. See `beaubelle help`.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/conf.h"
#include "core/log.h"
#include "jobs/consumer.h"
#include "moderation/moderate.h"
#include "media/image_cmd.h"
#include "media/migrate_cmd.h"
#include "moderation/moderate_cmd.h"
#include "seed/seed.h"
#include "server/pool.h"
#include "store/db.h"
#include "store/jobs_store.h"
#include "store/migrate.h"
#include "store/rds.h"
#include "store/posts.h"
#include "store/timelines.h"
#include "store/trends.h"
#include "store/users.h"
#include "core/arena.h"
#include "view/render_cmd.h"
#include "web/app.h"
#include "config.h"
#include "generation/engine.h"
#include "core/banned.h"

static const char usage[] =
	"usage: beaubelle COMMAND [--config FILE] [options]\n"
	"\n"
	"commands:\n"
	"  serve [--listen ADDR [--image-listen ADDR]]\n"
	"                              run the FastCGI worker pool\n"
	"  worker                      run the background job consumer\n"
	"  migrate [--status]          apply pending sql/ migrations (or show the state)\n"
	"  render TEMPLATE DATA.json [--partials DIR]\n"
	"                              render one Mustache template to stdout\n"
	"  image FILE... [--media-root DIR]\n"
	"                              process images as uploads are, print JSON per file\n"
	"  moderate IMAGE... [--repeat N] [--ppm DIR]\n"
	"                              run the moderation models on images, print JSON per file\n"
	"  seed --users N --posts M [--seed S] [--prefix P] [--images DIR] [--password P]\n"
	"       [--likes L] [--reposts R]\n"
	"                              fill the database with demo and benchmark data\n"
	"  config                      print every configuration key with its default\n"
	"  config get SECTION.KEY...   print the values in effect (file, then environment)\n"
	"  admin create-admin USERNAME give an account the admin role\n"
	"  admin set-role USERNAME ROLE  admin, moderator or user\n"
	"  admin enqueue KIND ARGS     add a background job\n"
	"  admin rebuild-timelines     rebuild every home timeline in Redis from MariaDB\n"
	"  admin rebuild-trends        recount the last day's trending tags from MariaDB\n"
	"  admin media-migrate [--verify-only]\n"
	"                              copy [media] root into the [s3] bucket (resumable),\n"
	"                              then check every file's SHA-256 there\n"
	"  version                     print the version\n"
	"\n"
	"The configuration file comes from --config or BEAUBELLE_CONFIG; every key\n"
	"can be overridden by BEAUBELLE_<SECTION>_<KEY> environment variables.\n";

/* Remove "--config FILE" (and "--config=FILE") from argv; return FILE. */
static const char *main_take_option(int *argc, char **argv, const char *name)
{
	size_t n = strlen(name);
	const char *value = NULL;
	int out = 0;

	for (int i = 0; i < *argc; i++) {
		if (strcmp(argv[i], name) == 0 && i + 1 < *argc) {
			value = argv[++i];
			continue;
		}
		if (strncmp(argv[i], name, n) == 0 && argv[i][n] == '=') {
			value = argv[i] + n + 1;
			continue;
		}
		argv[out++] = argv[i];
	}
	*argc = out;
	return value;
}

static struct conf *main_conf(const char *path)
{
	struct buf err = BUF_INIT;
	struct conf *c = conf_load(path, &err);
	enum log_level level = BB_LOG_INFO;

	if (!c) {
		fprintf(stderr, "beaubelle: configuration: %s\n", err.ptr);
		buf_release(&err);
		return NULL;
	}
	log_level_parse(c->log_level, &level);
	log_init("beaubelle", level);
	buf_release(&err);
	return c;
}

static int cmd_migrate(const char *config, int argc, char **argv)
{
	struct conf *c = main_conf(config);
	struct buf out = BUF_INIT, err = BUF_INIT;
	struct db *db;
	long current = 0, latest;
	int rc = 1;

	if (!c)
		return 1;
	latest = migrate_latest(c->migrations_dir);
	db = db_open(c, true, &err);
	if (db_check(db) != DB_OK) {
		fprintf(stderr, "beaubelle migrate: cannot reach MariaDB: %s\n", db_error(db));
		goto out;
	}
	if (argc > 0 && strcmp(argv[0], "--status") == 0) {
		migrate_current(db, &current);
		printf("schema version %ld, latest %ld: %s\n", current, latest,
		       current >= latest ? "current" : "migrations pending");
		rc = current >= latest ? 0 : 3;
		goto out;
	}
	if (migrate_apply(db, c->migrations_dir, &out, &err) < 0) {
		fprintf(stderr, "%sbeaubelle migrate: %s\n", out.ptr ? out.ptr : "", err.ptr);
		goto out;
	}
	migrate_current(db, &current);
	printf("%sschema version %ld\n", out.ptr ? out.ptr : "", current);
	rc = 0;
out:
	db_close(db);
	conf_free(c);
	buf_release(&out);
	buf_release(&err);
	return rc;
}

static int cmd_worker(const char *config)
{
	struct conf *c = main_conf(config);
	struct buf err = BUF_INIT;
	struct app app;
	int rc;

	if (!c)
		return 1;
	if (app_load(&app, c, &err) < 0) {
		fprintf(stderr, "beaubelle worker: %s\n", err.ptr);
		buf_release(&err);
		return 1;
	}
	/* The models load once, before any job: a worker that cannot screen
	 * images must fail at start, not leave posts pending. */
	if (strcmp(c->moderation_mode, "off") != 0 && mod_engine_open(c, &app.mod, &err) < 0) {
		fprintf(stderr, "beaubelle worker: moderation models: %s\n", err.ptr);
		app_release(&app);
		buf_release(&err);
		return 1;
	}
	if (c->gen_url[0] && gen_engine_new(c, &app.gen, &err) < 0) {
		fprintf(stderr, "beaubelle worker: generation: %s\n", err.ptr);
		app_release(&app);
		buf_release(&err);
		return 1;
	}
	app_connect(&app);
	rc = jobs_consume(&app);
	app_release(&app);
	buf_release(&err);
	return rc;
}

/*
 * `beaubelle config`: every key with its default and documentation.
 * `beaubelle config get SECTION.KEY...`: the values in effect (file, then
 * environment), one per line, for scripts such as scripts/backup.
 */
static int cmd_config(const char *config, int argc, char **argv)
{
	struct buf out = BUF_INIT;
	struct conf *c;
	int rc = 0;

	if (argc == 0) {
		conf_write_defaults(&out);
		fputs(out.ptr, stdout);
		buf_release(&out);
		return 0;
	}
	if (strcmp(argv[0], "get") != 0 || argc < 2) {
		fputs("usage: beaubelle config [get SECTION.KEY...] [--config FILE]\n", stderr);
		return 2;
	}
	c = main_conf(config);
	if (!c)
		return 1;
	for (int i = 1; i < argc && rc == 0; i++) {
		char section[64];
		const char *dot = strchr(argv[i], '.');

		buf_clear(&out);
		if (!dot || (size_t)(dot - argv[i]) >= sizeof(section)) {
			rc = 2;
			break;
		}
		snprintf(section, sizeof(section), "%.*s", (int)(dot - argv[i]), argv[i]);
		if (conf_value(c, section, dot + 1, &out) < 0) {
			fprintf(stderr, "beaubelle config: no key %s\n", argv[i]);
			rc = 2;
			break;
		}
		printf("%s\n", out.ptr ? out.ptr : "");
	}
	buf_release(&out);
	conf_free(c);
	return rc;
}

/*
 * Rebuild what Redis holds from MariaDB: every home timeline (users in
 * id order, in batches) or the trend buckets of the last day.
 */
static int admin_rebuild(const char *config, const char *what)
{
	struct conf *c = main_conf(config);
	struct arena *a;
	struct db *db;
	struct rds *r;
	int rc = 0;

	if (!c)
		return 1;
	db = db_open(c, false, NULL);
	r = rds_open(c, NULL);
	a = arena_new(64 * 1024);
	if (!a || db_check(db) != DB_OK || !rds_check(r)) {
		fprintf(stderr, "beaubelle admin %s: MariaDB or Redis is unavailable\n", what);
		rc = 1;
	} else if (strcmp(what, "rebuild-trends") == 0) {
		int n = trends_rebuild(db, r, (long long)time(NULL));

		if (n < 0)
			rc = 1;
		else
			printf("recorded %d hashtag uses of the last 24 hours\n", n);
	} else {
		unsigned long long after = 0, done = 0;
		struct db_rows rows;

		do {
			rows.nrows = 0;
			if (db_query(db, a, &rows, 1000, "SELECT id FROM users WHERE id > ? ORDER BY id LIMIT 1000", "u",
				     after) != DB_OK) {
				rc = 1;
				break;
			}
			for (size_t i = 0; i < rows.nrows; i++) {
				unsigned long long uid = db_cell_u64(&rows, i, 0), *ids = NULL;
				size_t n = 0;

				after = uid;
				if (posts_home_ids(db, a, uid, TIMELINES_CAP, &ids, &n) != DB_OK ||
				    tl_store(r, uid, ids, n) < 0) {
					rc = 1;
					break;
				}
				done++;
			}
			arena_reset(a);
		} while (rc == 0 && rows.nrows == 1000);
		printf("rebuilt %llu home timelines\n", done);
	}
	arena_free(a);
	rds_close(r);
	db_close(db);
	conf_free(c);
	return rc;
}

static int cmd_admin(const char *config, int argc, char **argv)
{
	struct conf *c;
	struct rds *r;
	int rc;

	if (argc < 1) {
		fputs(usage, stderr);
		return 2;
	}
	if (strcmp(argv[0], "enqueue") == 0) {
		if (argc != 3) {
			fprintf(stderr, "usage: beaubelle admin enqueue KIND ARGS\n");
			return 2;
		}
		c = main_conf(config);
		if (!c)
			return 1;
		r = rds_open(c, NULL);
		rc = jobs_store_enqueue(r, c->jobs_stream, argv[1], argv[2]);
		if (rc < 0)
			fprintf(stderr, "beaubelle admin enqueue: Redis is unavailable or the job is invalid\n");
		rds_close(r);
		conf_free(c);
		return rc < 0 ? 1 : 0;
	}
	if (strcmp(argv[0], "create-admin") == 0 || strcmp(argv[0], "set-role") == 0) {
		const char *role = strcmp(argv[0], "create-admin") == 0 ? "admin" : (argc > 2 ? argv[2] : "");
		struct db *db;

		if (argc < 2 || (strcmp(role, "admin") && strcmp(role, "moderator") && strcmp(role, "user"))) {
			fprintf(stderr, "usage: beaubelle admin create-admin USERNAME\n"
					"       beaubelle admin set-role USERNAME admin|moderator|user\n");
			return 2;
		}
		c = main_conf(config);
		if (!c)
			return 1;
		db = db_open(c, false, NULL);
		rc = users_set_role(db, argv[1], role);
		if (rc == USERS_NOT_FOUND)
			fprintf(stderr, "beaubelle admin: no account named %s\n", argv[1]);
		else if (rc != DB_OK)
			fprintf(stderr, "beaubelle admin: %s\n", db_error(db));
		else
			printf("%s is now %s\n", argv[1], role);
		db_close(db);
		conf_free(c);
		return rc == DB_OK ? 0 : 1;
	}
	if (strcmp(argv[0], "rebuild-timelines") == 0 || strcmp(argv[0], "rebuild-trends") == 0)
		return admin_rebuild(config, argv[0]);
	if (strcmp(argv[0], "media-migrate") == 0) {
		c = main_conf(config);
		if (!c)
			return 1;
		rc = media_migrate_cmd(c, argc, argv);
		conf_free(c);
		return rc;
	}
	fprintf(stderr, "beaubelle admin: unknown command %s\n", argv[0]);
	return 2;
}

int main(int argc, char **argv)
{
	const char *config, *listen;
	const char *cmd;

	log_init("beaubelle", BB_LOG_INFO);
	if (sodium_init() < 0) {
		fprintf(stderr, "beaubelle: libsodium failed to initialise\n");
		return 1;
	}
	argc--;
	argv++;
	config = main_take_option(&argc, argv, "--config");
	if (argc < 1) {
		fputs(usage, stderr);
		return 2;
	}
	cmd = argv[0];
	argc--;
	argv++;
	if (strcmp(cmd, "serve") == 0) {
		const char *images = main_take_option(&argc, argv, "--image-listen");

		listen = main_take_option(&argc, argv, "--listen");
		return pool_serve(config, listen, images);
	}
	if (strcmp(cmd, "worker") == 0)
		return cmd_worker(config);
	if (strcmp(cmd, "migrate") == 0)
		return cmd_migrate(config, argc, argv);
	if (strcmp(cmd, "render") == 0)
		return render_cmd(argc, argv);
	if (strcmp(cmd, "image") == 0)
		return image_cmd(argc, argv);
	if (strcmp(cmd, "moderate") == 0)
		return moderate_cmd(config, argc, argv);
	if (strcmp(cmd, "seed") == 0)
		return seed_cmd(config, argc, argv);
	if (strcmp(cmd, "config") == 0)
		return cmd_config(config, argc, argv);
	if (strcmp(cmd, "admin") == 0)
		return cmd_admin(config, argc, argv);
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
		puts(PACKAGE_STRING);
		return 0;
	}
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	fprintf(stderr, "beaubelle: unknown command %s\n\n%s", cmd, usage);
	return 2;
}
