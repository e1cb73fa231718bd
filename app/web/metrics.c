#include "web/metrics.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "core/buf.h"
#include "web/router.h"
#include "core/banned.h"

static const int metrics_codes[] = { 200, 201, 202, 204, 206, 301, 302, 303, 304, 400, 401,
				     403, 404, 405, 409, 410, 413, 414, 415, 422, 429, 500,
				     502, 503 };
#define METRICS_NCODES (sizeof(metrics_codes) / sizeof(metrics_codes[0]) + 1)

static const double metrics_buckets[] = { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
					   0.25, 0.5, 1, 2.5, 5, 10 };
#define METRICS_NBUCKETS (sizeof(metrics_buckets) / sizeof(metrics_buckets[0]))

struct metrics_route {
	uint64_t by_code[METRICS_NCODES];
	uint64_t buckets[METRICS_NBUCKETS + 1]; /* last one is +Inf */
	uint64_t sum_ns;
	uint64_t count;
};

struct metrics_shared {
	int64_t workers_live;
	int64_t workers_busy;
	int64_t workers_max_busy;
	uint64_t requests;
	uint64_t slow_requests;
	uint64_t circuits_opened;
	uint64_t short_circuits;
	struct metrics_route routes[]; /* nroutes + 1: the last is "no route" */
};

static struct metrics_shared *metrics;
static size_t metrics_nroutes;

int metrics_init(size_t nroutes)
{
	size_t size = sizeof(struct metrics_shared) + (nroutes + 1) * sizeof(struct metrics_route);
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	metrics = p;
	metrics_nroutes = nroutes;
	return 0;
}

static size_t metrics_code_index(int status)
{
	for (size_t i = 0; i < METRICS_NCODES - 1; i++)
		if (metrics_codes[i] == status)
			return i;
	return METRICS_NCODES - 1;
}

void metrics_observe(int route_index, int status, double seconds)
{
	struct metrics_route *m;
	size_t b = 0;

	if (!metrics)
		return;
	if (route_index < 0 || (size_t)route_index >= metrics_nroutes)
		route_index = (int)metrics_nroutes;
	m = &metrics->routes[route_index];
	while (b < METRICS_NBUCKETS && seconds > metrics_buckets[b])
		b++;
	__atomic_fetch_add(&m->by_code[metrics_code_index(status)], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&m->buckets[b], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&m->sum_ns, (uint64_t)(seconds * 1e9), __ATOMIC_RELAXED);
	__atomic_fetch_add(&m->count, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&metrics->requests, 1, __ATOMIC_RELAXED);
}

void metrics_set_workers(int live)
{
	if (metrics)
		__atomic_store_n(&metrics->workers_live, live, __ATOMIC_RELAXED);
}

void metrics_worker_busy(int delta)
{
	int64_t now, max;

	if (!metrics)
		return;
	now = __atomic_add_fetch(&metrics->workers_busy, delta, __ATOMIC_RELAXED);
	max = __atomic_load_n(&metrics->workers_max_busy, __ATOMIC_RELAXED);
	while (now > max && !__atomic_compare_exchange_n(&metrics->workers_max_busy, &max, now, true,
							  __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

void metrics_slow_request(void)
{
	if (metrics)
		__atomic_fetch_add(&metrics->slow_requests, 1, __ATOMIC_RELAXED);
}

void metrics_outbound(enum httpc_breaker_event ev)
{
	if (!metrics)
		return;
	if (ev == HTTPC_BREAKER_OPENED)
		__atomic_fetch_add(&metrics->circuits_opened, 1, __ATOMIC_RELAXED);
	else if (ev == HTTPC_BREAKER_SHORT_CIRCUIT)
		__atomic_fetch_add(&metrics->short_circuits, 1, __ATOMIC_RELAXED);
}

void metrics_pool_read(struct metrics_pool *out)
{
	memset(out, 0, sizeof(*out));
	if (!metrics)
		return;
	out->accepted = __atomic_load_n(&metrics->requests, __ATOMIC_RELAXED);
	out->slow = __atomic_load_n(&metrics->slow_requests, __ATOMIC_RELAXED);
	out->busy = __atomic_load_n(&metrics->workers_busy, __ATOMIC_RELAXED);
	out->max_busy = __atomic_load_n(&metrics->workers_max_busy, __ATOMIC_RELAXED);
	out->live = __atomic_load_n(&metrics->workers_live, __ATOMIC_RELAXED);
}

static const char *metrics_route_name(size_t i)
{
	return i < metrics_nroutes ? routes[i].pattern : "none";
}

static const char *metrics_route_method(size_t i)
{
	return i < metrics_nroutes ? routes[i].method : "any";
}

static void metrics_render_gauge(struct buf *out, const char *name, const char *help, long long v)
{
	if (v < 0)
		return;
	buf_printf(out, "# HELP %s %s\n# TYPE %s gauge\n%s %lld\n", name, help, name, name, v);
}

int metrics_render(struct buf *out, const struct metrics_extra *extra)
{
	if (!metrics)
		return -1;
	buf_puts(out, "# HELP http_requests_total Requests answered, by route and status.\n"
		      "# TYPE http_requests_total counter\n");
	for (size_t i = 0; i <= metrics_nroutes; i++) {
		const struct metrics_route *m = &metrics->routes[i];

		for (size_t c = 0; c < METRICS_NCODES; c++) {
			uint64_t v = __atomic_load_n(&m->by_code[c], __ATOMIC_RELAXED);
			char code[8];

			if (!v)
				continue;
			if (c < METRICS_NCODES - 1)
				snprintf(code, sizeof(code), "%d", metrics_codes[c]);
			else
				snprintf(code, sizeof(code), "other");
			buf_printf(out, "http_requests_total{method=\"%s\",route=\"%s\",status=\"%s\"} %llu\n",
				   metrics_route_method(i), metrics_route_name(i), code,
				   (unsigned long long)v);
		}
	}
	buf_puts(out, "# HELP http_request_duration_seconds Time from request parsed to response written.\n"
		      "# TYPE http_request_duration_seconds histogram\n");
	for (size_t i = 0; i <= metrics_nroutes; i++) {
		const struct metrics_route *m = &metrics->routes[i];
		uint64_t cum = 0, count = __atomic_load_n(&m->count, __ATOMIC_RELAXED);
		const char *method = metrics_route_method(i), *name = metrics_route_name(i);

		if (!count)
			continue;
		for (size_t b = 0; b <= METRICS_NBUCKETS; b++) {
			cum += __atomic_load_n(&m->buckets[b], __ATOMIC_RELAXED);
			if (b < METRICS_NBUCKETS)
				buf_printf(out, "http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"%g\"} %llu\n",
					   method, name, metrics_buckets[b], (unsigned long long)cum);
			else
				buf_printf(out, "http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"+Inf\"} %llu\n",
					   method, name, (unsigned long long)cum);
		}
		buf_printf(out, "http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.6f\n",
			   method, name, (double)__atomic_load_n(&m->sum_ns, __ATOMIC_RELAXED) / 1e9);
		buf_printf(out, "http_request_duration_seconds_count{method=\"%s\",route=\"%s\"} %llu\n",
			   method, name, (unsigned long long)cum);
	}
	metrics_render_gauge(out, "beaubelle_workers", "FastCGI worker processes alive.",
			     __atomic_load_n(&metrics->workers_live, __ATOMIC_RELAXED));
	metrics_render_gauge(out, "beaubelle_workers_busy", "FastCGI workers handling a request.",
			     __atomic_load_n(&metrics->workers_busy, __ATOMIC_RELAXED));
	buf_printf(out, "# HELP beaubelle_slow_requests_total Requests that took longer than slow_request_ms.\n"
			"# TYPE beaubelle_slow_requests_total counter\nbeaubelle_slow_requests_total %llu\n",
		   (unsigned long long)__atomic_load_n(&metrics->slow_requests, __ATOMIC_RELAXED));
	buf_printf(out, "# HELP beaubelle_outbound_circuits_opened_total Times a worker stopped calling an outside service after its calls kept failing.\n"
			"# TYPE beaubelle_outbound_circuits_opened_total counter\nbeaubelle_outbound_circuits_opened_total %llu\n",
		   (unsigned long long)__atomic_load_n(&metrics->circuits_opened, __ATOMIC_RELAXED));
	buf_printf(out, "# HELP beaubelle_outbound_short_circuits_total Calls to an outside service failed at once, without a network call, its circuit being open.\n"
			"# TYPE beaubelle_outbound_short_circuits_total counter\nbeaubelle_outbound_short_circuits_total %llu\n",
		   (unsigned long long)__atomic_load_n(&metrics->short_circuits, __ATOMIC_RELAXED));
	if (extra) {
		metrics_render_gauge(out, "beaubelle_jobs_queued", "Entries in the job stream.",
				     extra->jobs_depth);
		metrics_render_gauge(out, "beaubelle_jobs_pending",
				     "Jobs delivered to a job worker and not yet acknowledged.",
				     extra->jobs_pending);
		metrics_render_gauge(out, "beaubelle_jobs_dead", "Jobs parked in the dead-letter stream.",
				     extra->jobs_dead);
		metrics_render_gauge(out, "beaubelle_jobs_owed",
				     "Jobs kept in MariaDB because Redis could not take them, until the job worker queues them.",
				     extra->jobs_owed);
	}
	return 0;
}
