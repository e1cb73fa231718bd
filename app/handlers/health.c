#include "handlers/health.h"

#include <json-c/json.h>

#include "core/conf.h"
#include "http/request.h"
#include "store/db.h"
#include "store/jobs_store.h"
#include "store/migrate.h"
#include "store/owed_jobs.h"
#include "store/rds.h"
#include "view/page.h"
#include "web/app.h"
#include "web/metrics.h"
#include "core/banned.h"

int health_live(struct request *r)
{
	buf_puts(&r->res.body, "ok\n");
	r->res.content_type = "text/plain; charset=utf-8";
	return 200;
}

int health_ready(struct request *r)
{
	struct app *app = r->app;
	struct json_object *o = json_object_new_object();
	bool db_ok = db_check(app->db) == DB_OK;
	bool redis_ok = rds_check(app->rds);
	long current = 0;
	bool schema_ok = db_ok && migrate_current(app->db, &current) == DB_OK &&
			 current >= app->migrations_latest;

	json_object_object_add(o, "mysql", json_object_new_boolean(db_ok));
	json_object_object_add(o, "redis", json_object_new_boolean(redis_ok));
	json_object_object_add(o, "migrations", json_object_new_boolean(schema_ok));
	json_object_object_add(o, "schema_version", json_object_new_int64(current));
	json_object_object_add(o, "schema_expected", json_object_new_int64(app->migrations_latest));
	if (!(db_ok && redis_ok && schema_ok))
		response_header_add(&r->res, "Retry-After", "2");
	return page_json(r, db_ok && redis_ok && schema_ok ? 200 : 503, o);
}

int health_metrics(struct request *r)
{
	struct metrics_extra extra = { -1, -1, -1, -1 };

	jobs_store_stats(r->app->rds, r->app->conf->jobs_stream, &extra.jobs_depth,
			 &extra.jobs_pending, &extra.jobs_dead);
	extra.jobs_owed = owed_jobs_count(r->app->db, r->arena);
	if (metrics_render(&r->res.body, &extra) < 0)
		return 500;
	r->res.content_type = "text/plain; version=0.0.4; charset=utf-8";
	return 200;
}
