#include "web/dispatch.h"

#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/conf.h"
#include "core/log.h"
#include "http/request.h"
#include "server/crash_answer.h"
#include "store/db.h"
#include "store/rds.h"
#include "view/page.h"
#include "web/app.h"
#include "web/auth.h"
#include "web/metrics.h"
#include "web/middleware.h"
#include "web/router.h"
#include "core/banned.h"

/* The largest response buffer a worker keeps for its next request. */
#define DISPATCH_BODY_KEEP (512 * 1024)

static double dispatch_elapsed(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

void dispatch(struct app *app, FCGX_Request *fcgi, struct arena *arena)
{
	struct request r;
	const char *allow = NULL;
	int status;

	memset(&r, 0, sizeof(r));
	clock_gettime(CLOCK_MONOTONIC, &r.started);
	r.arena = arena;
	r.fcgi = fcgi;
	r.app = app;
	r.route_index = -1;
	response_init(&r.res);
	r.res.body = app->body_kept;
	buf_init(&app->body_kept);
	buf_clear(&r.res.body);

	status = req_parse(&r);
	if (!status)
		auth_load(&r);
	if (!status)
		status = route_match(&r, &allow);
	/* Someone logged in whom we cannot recognise now: not a visitor to
	 * show the public site to or send to the login page, but a 503. */
	if (!status && r.auth_unknown && !(r.route->flags & ROUTE_HEALTH))
		status = 503;
	if (status == 405 && allow)
		response_header_add(&r.res, "Allow", allow);
	if (!status)
		status = middleware_before(&r);
	if (r.method && r.path.ptr)
		middleware_language(&r);
	if (!status)
		status = r.route->handler(&r);
	if (status >= 400 && r.res.body.len == 0)
		page_error(&r, status);
	else
		r.res.status = status;
	middleware_after(&r);
	if (r.res.status >= 500)
		log_error("event=request_failed status=%d method=%s route=%s request_id=%s",
			  r.res.status, r.method ? r.method : "-",
			  r.route ? r.route->pattern : "-", r.request_id ? r.request_id : "-");
	/* From the first byte sent, an abort cannot answer in its place. */
	crash_answer_end();
	response_send(&r.res, fcgi, app->conf->secure);
	metrics_observe(r.route_index, r.res.status, dispatch_elapsed(&r.started));
	/* The next request writes into the same buffer: freeing a page's
	 * 64 KB each time made malloc sort its free lists on every request
	 * (malloc_consolidate in the profile). An unusually large one goes. */
	if (r.res.body.cap <= DISPATCH_BODY_KEEP) {
		app->body_kept = r.res.body;
		buf_init(&r.res.body);
	}
	response_release(&r.res);
	rds_settle(app->rds);
	db_settle(app->db);
}
