#ifndef BB_METRICS_H
#define BB_METRICS_H
/*
 * Prometheus metrics shared by every worker of a pool: counters live in
 * one shared anonymous mapping created by the master before it forks, so
 * /metrics answered by any worker shows the whole pool, and counts survive
 * a worker's restart. Updates are lock-free atomic adds.
 */
#include <stddef.h>

#include "core/httpc.h"

struct buf;

struct metrics_extra {
	long long jobs_depth;   /* entries in the job stream, -1 unknown */
	long long jobs_pending; /* delivered but not acknowledged, -1 unknown */
	long long jobs_dead;    /* entries in the dead-letter stream, -1 unknown */
	long long jobs_owed;    /* jobs waiting in MariaDB for Redis, -1 unknown */
};

/* Map the shared region for a table of nroutes routes. Call once. */
int metrics_init(size_t nroutes);
/* route_index -1 means the request matched no route. */
void metrics_observe(int route_index, int status, double seconds);
void metrics_set_workers(int live);
void metrics_worker_busy(int delta);
/* A request took longer than [server] slow_request_ms. */
void metrics_slow_request(void);
/* A circuit breaker event of core/httpc (httpc_breaker_observe). */
void metrics_outbound(enum httpc_breaker_event ev);

/* The pool-wide counts /status shows. */
struct metrics_pool {
	unsigned long long accepted;  /* requests answered since start */
	unsigned long long slow;      /* of which slow */
	long long busy, max_busy, live;
};
void metrics_pool_read(struct metrics_pool *out);
int metrics_render(struct buf *out, const struct metrics_extra *extra);

#endif
