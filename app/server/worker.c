#include "server/pool.h"
#include "server/crash_answer.h"

#include <errno.h>
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/conf.h"
#include "core/log.h"
#include "core/pwgate.h"
#include "web/app.h"
#include "web/dispatch.h"
#include "web/metrics.h"
#include "core/banned.h"

static volatile sig_atomic_t worker_stop;

static void worker_on_stop(int sig)
{
	(void)sig;
	worker_stop = 1;
	/* Makes libfcgi's accept loop give up instead of retrying. */
	FCGX_ShutdownPending();
}

int64_t pool_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t pool_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The host-wide cap on concurrent password hashes (core/pwgate.h). */
static void worker_open_gate(const struct conf *c)
{
	char path[1024];
	long slots = c->argon2_concurrency ? c->argon2_concurrency : sysconf(_SC_NPROCESSORS_ONLN);

	snprintf(path, sizeof(path), "%s/argon2.lock", c->tmp_dir);
	if (pw_gate_open(path, slots > 0 ? (int)slots : 1, c->argon2_wait_ms) < 0)
		log_warn("event=argon2_gate_unavailable path=\"%s\" error=\"%s\"", path, strerror(errno));
}

/* What the request is, for /status: its method and path, never the query
 * string (it may hold tokens). */
static void worker_note_request(struct pool_slot *slot, FCGX_Request *req)
{
	const char *method = FCGX_GetParam("REQUEST_METHOD", req->envp);
	const char *uri = FCGX_GetParam("DOCUMENT_URI", req->envp);

	snprintf(slot->method, sizeof(slot->method), "%s", method ? method : "-");
	snprintf(slot->uri, sizeof(slot->uri), "%.*s", uri ? (int)strcspn(uri, "?") : 1, uri ? uri : "-");
}

static void worker_note_done(struct pool_slot *slot, const struct conf *c, int64_t started_us)
{
	int64_t took_us = pool_now_us() - started_us;

	if (took_us < 0)
		took_us = 0;
	slot->last_duration_us = took_us;
	if (c->slow_request_ms && took_us >= (int64_t)c->slow_request_ms * 1000)
		metrics_slow_request();
	slot->request_started_ms = 0;
	slot->requests++;
}

/*
 * Stop signals are blocked while a request is handled, so a slow query is
 * never interrupted by EINTR; they are let through only while waiting in
 * accept, which they interrupt (no SA_RESTART).
 */
int pool_worker_main(struct app *app, int listen_fd, struct pool_slot *slot, uint64_t max_requests)
{
	const struct conf *c = app->conf;
	struct arena *arena = arena_new(64 * 1024);
	struct sigaction sa;
	sigset_t stop_set, old;
	FCGX_Request req;
	uint64_t served = 0;
	int64_t started_us;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = worker_on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigemptyset(&stop_set);
	sigaddset(&stop_set, SIGTERM);
	sigaddset(&stop_set, SIGINT);

	if (!arena || FCGX_Init() != 0 || FCGX_InitRequest(&req, listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0)
		return 1;
	app_connect(app);
	worker_open_gate(c);
	crash_answer_install();
	slot->ready = 1;
	while (!worker_stop && (max_requests == 0 || served < max_requests)) {
		int rc;

		sigprocmask(SIG_UNBLOCK, &stop_set, &old);
		rc = worker_stop ? -1 : FCGX_Accept_r(&req);
		sigprocmask(SIG_BLOCK, &stop_set, NULL);
		if (rc < 0) {
			if (worker_stop)
				break;
			if (rc == -EINTR)
				continue;
			log_error("event=accept_failed error=%d", rc);
			return 1;
		}
		worker_note_request(slot, &req);
		started_us = pool_now_us();
		slot->request_started_ms = started_us / 1000;
		metrics_worker_busy(1);
		crash_answer_begin(req.ipcFd, req.requestId);
		dispatch(app, &req, arena);
		FCGX_Finish_r(&req);
		metrics_worker_busy(-1);
		worker_note_done(slot, c, started_us);
		served++;
		arena_reset(arena);
	}
	if (!worker_stop)
		log_info("event=worker_recycled requests=%llu", (unsigned long long)served);
	FCGX_Free(&req, 1);
	pw_gate_close();
	app_disconnect(app);
	arena_free(arena);
	return 0;
}
