/*
 * GET /status: the pool at a glance, like php-fpm's status page, for the
 * operator on the machine (nginx allows it from localhost only). Plain
 * text by default; ?json for scripts; ?full adds one block per worker.
 * Image workers (server/master.c) count with the others; "image
 * processes" says how many of them there are.
 * It shows request paths but never query strings, which may hold tokens.
 */
#include "handlers/status.h"

#include <json-c/json.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "http/request.h"
#include "server/pool.h"
#include "view/page.h"
#include "web/metrics.h"
#include "core/banned.h"

static const char *status_time(char *buf, size_t n, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;

	gmtime_r(&tt, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static struct json_object *status_worker(const struct pool_slot *s, int64_t now_ms, int64_t now)
{
	struct json_object *w = json_object_new_object();
	bool busy = s->request_started_ms != 0;
	char when[32];

	json_object_object_add(w, "pid", json_object_new_int(s->pid));
	json_object_object_add(w, "pool", json_object_new_string(s->images ? "images" : "pages"));
	json_object_object_add(w, "state", json_object_new_string(busy ? "Running" : "Idle"));
	json_object_object_add(w, "generation", json_object_new_int(s->generation));
	json_object_object_add(w, "start time", json_object_new_string(status_time(when, sizeof(when), s->started_unix)));
	json_object_object_add(w, "start since", json_object_new_int64(now - s->started_unix));
	json_object_object_add(w, "requests", json_object_new_int64((int64_t)s->requests));
	json_object_object_add(w, "request duration us",
			       json_object_new_int64(busy ? (now_ms - s->request_started_ms) * 1000 : s->last_duration_us));
	json_object_object_add(w, "request method", json_object_new_string(s->method[0] ? s->method : "-"));
	json_object_object_add(w, "request uri", json_object_new_string(s->uri[0] ? s->uri : "-"));
	return w;
}

static void status_text(struct buf *out, struct json_object *o)
{
	json_object_object_foreach(o, key, val) {
		if (json_object_is_type(val, json_type_array)) {
			for (size_t i = 0; i < json_object_array_length(val); i++) {
				buf_puts(out, "\n************************\n");
				status_text(out, json_object_array_get_idx(val, i));
			}
			continue;
		}
		buf_printf(out, "%s:%*s%s\n", key, (int)(22 - strlen(key)), "", json_object_get_string(val));
	}
}

int health_status(struct request *r)
{
	struct json_object *o = json_object_new_object(), *list = json_object_new_array();
	int64_t started = 0, now = (int64_t)time(NULL), now_ms = pool_now_ms();
	size_t n = 0;
	const struct pool_slot *slots = pool_slots(&n, &started);
	bool full = http_kv_get(&r->query, "full").ptr != NULL;
	long long idle = 0, active = 0, images = 0;
	struct metrics_pool m;
	char when[32];

	metrics_pool_read(&m);
	for (size_t i = 0; i < n; i++) {
		if (slots[i].pid <= 0)
			continue;
		images += slots[i].images;
		if (slots[i].request_started_ms)
			active++;
		else
			idle++;
		if (full)
			json_object_array_add(list, status_worker(&slots[i], now_ms, now));
	}
	json_object_object_add(o, "pool", json_object_new_string("beaubelle"));
	json_object_object_add(o, "start time", json_object_new_string(status_time(when, sizeof(when), started)));
	json_object_object_add(o, "start since", json_object_new_int64(now - started));
	json_object_object_add(o, "accepted conn", json_object_new_int64((int64_t)m.accepted));
	json_object_object_add(o, "idle processes", json_object_new_int64(idle));
	json_object_object_add(o, "active processes", json_object_new_int64(active));
	json_object_object_add(o, "total processes", json_object_new_int64(idle + active));
	json_object_object_add(o, "image processes", json_object_new_int64(images));
	json_object_object_add(o, "max active processes", json_object_new_int64(m.max_busy));
	json_object_object_add(o, "slow requests", json_object_new_int64((int64_t)m.slow));
	if (full)
		json_object_object_add(o, "processes", list);
	else
		json_object_put(list);
	response_header_add(&r->res, "Cache-Control", "no-store");
	if (http_kv_get(&r->query, "json").ptr)
		return page_json(r, 200, o);
	status_text(&r->res.body, o);
	json_object_put(o);
	r->res.content_type = "text/plain; charset=utf-8";
	return 200;
}
