#include "server/pool.h"

#include <errno.h>
#include <fcgiapp.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/conf.h"
#include "core/log.h"
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

int64_t pool_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Stop signals are blocked while a request is handled, so a slow query is
 * never interrupted by EINTR; they are let through only while waiting in
 * accept, which they interrupt (no SA_RESTART).
 */
int pool_worker_main(struct app *app, int listen_fd, struct pool_slot *slot)
{
	const struct conf *c = app->conf;
	struct arena *arena = arena_new(64 * 1024);
	struct sigaction sa;
	sigset_t stop_set, old;
	FCGX_Request req;
	uint64_t served = 0;

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
	while (!worker_stop && (c->max_requests == 0 || served < (uint64_t)c->max_requests)) {
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
		slot->request_started_ms = pool_now_ms();
		metrics_worker_busy(1);
		dispatch(app, &req, arena);
		FCGX_Finish_r(&req);
		metrics_worker_busy(-1);
		slot->request_started_ms = 0;
		slot->requests++;
		served++;
		arena_reset(arena);
	}
	FCGX_Free(&req, 1);
	app_disconnect(app);
	arena_free(arena);
	return 0;
}
