#include "server/pool.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "core/buf.h"
#include "core/conf.h"
#include "core/log.h"
#include "server/listen.h"
#include "oidc/provider.h"
#include "web/app.h"
#include "web/metrics.h"
#include "web/router.h"
#include "core/banned.h"

#define POOL_BACKOFF_MAX_MS 5000
#define POOL_STABLE_MS 5000 /* a worker that lived this long was not crash-looping */

struct pool_worker {
	pid_t pid;
	int generation;
	int64_t started_ms;
	int64_t respawn_at_ms; /* when an empty slot may be filled again */
	int crash_streak;
	int64_t stop_sent_ms; /* SIGTERM sent at, 0 when not retiring */
};

struct pool {
	const char *config_path;
	struct app app;
	struct listen_socket ls;
	int generation;
	int nworkers; /* wanted in the current generation */
	struct pool_worker workers[POOL_MAX_WORKERS * 2]; /* room for two generations */
	struct pool_slot *slots; /* shared, same index as workers */
	int64_t reload_at_ms; /* older generations retire once the new one is ready; 0: none waiting */
};

static struct pool_slot *pool_shared_slots;
static int64_t pool_started_unix;

const struct pool_slot *pool_slots(size_t *n, int64_t *started_unix)
{
	*n = pool_shared_slots ? POOL_MAX_WORKERS * 2 : 0;
	*started_unix = pool_started_unix;
	return pool_shared_slots;
}

static void pool_notify(const char *state)
{
#ifdef HAVE_SYSTEMD
	sd_notify(0, state);
#else
	(void)state;
#endif
}

static int pool_wanted(const struct conf *c)
{
	long n = c->workers > 0 ? c->workers : sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		n = 1;
	return n > POOL_MAX_WORKERS ? POOL_MAX_WORKERS : (int)n;
}

uint64_t pool_recycle_after(uint64_t max_requests, uint32_t random)
{
	uint64_t span = max_requests / 10;

	if (span == 0)
		return max_requests;
	return max_requests - span + random % (2 * span + 1);
}

static int pool_spawn(struct pool *p, size_t i)
{
	struct pool_worker *w = &p->workers[i];
	uint64_t recycle_after = pool_recycle_after((uint64_t)p->app.conf->max_requests, randombytes_random());
	sigset_t none;
	pid_t pid = fork();

	if (pid < 0) {
		log_error("event=fork_failed error=\"%s\"", strerror(errno));
		w->respawn_at_ms = pool_now_ms() + 1000;
		return -1;
	}
	if (pid == 0) {
		int rc;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		memset(&p->slots[i], 0, sizeof(p->slots[i]));
		p->slots[i].pid = getpid();
		p->slots[i].generation = p->generation;
		p->slots[i].started_unix = (int64_t)time(NULL);
		rc = pool_worker_main(&p->app, p->ls.fd, &p->slots[i], recycle_after);
		_exit(rc);
	}
	w->pid = pid;
	w->generation = p->generation;
	w->started_ms = pool_now_ms();
	w->stop_sent_ms = 0;
	return 0;
}

static int pool_live(const struct pool *p)
{
	int n = 0;

	for (size_t i = 0; i < POOL_MAX_WORKERS * 2; i++)
		if (p->workers[i].pid > 0)
			n++;
	return n;
}

/* Start workers of the current generation until nworkers are running. */
static void pool_fill(struct pool *p)
{
	int64_t now = pool_now_ms();
	int running = 0;

	for (size_t i = 0; i < POOL_MAX_WORKERS * 2; i++)
		if (p->workers[i].pid > 0 && p->workers[i].generation == p->generation)
			running++;
	for (size_t i = 0; i < POOL_MAX_WORKERS * 2 && running < p->nworkers; i++) {
		struct pool_worker *w = &p->workers[i];

		if (w->pid > 0 || w->respawn_at_ms > now)
			continue;
		if (pool_spawn(p, i) == 0)
			running++;
	}
	metrics_set_workers(pool_live(p));
}

/* Collect exited workers and decide when their slots may be refilled. */
static void pool_reap(struct pool *p)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (size_t i = 0; i < POOL_MAX_WORKERS * 2; i++) {
			struct pool_worker *w = &p->workers[i];
			int64_t now = pool_now_ms();
			bool crashed = !WIFEXITED(status) || WEXITSTATUS(status) != 0;

			if (w->pid != pid)
				continue;
			w->pid = 0;
			memset(&p->slots[i], 0, sizeof(p->slots[i]));
			if (crashed && !w->stop_sent_ms) {
				if (now - w->started_ms < POOL_STABLE_MS)
					w->crash_streak++;
				else
					w->crash_streak = 0;
				/* First death: replace at once; a crash loop backs off. */
				w->respawn_at_ms = w->crash_streak <= 1 ? now :
					now + (50LL << (w->crash_streak < 7 ? w->crash_streak : 7));
				if (w->respawn_at_ms - now > POOL_BACKOFF_MAX_MS)
					w->respawn_at_ms = now + POOL_BACKOFF_MAX_MS;
				if (WIFSIGNALED(status))
					log_error("event=worker_died pid=%d signal=%d", (int)pid, WTERMSIG(status));
				else
					log_error("event=worker_died pid=%d status=%d", (int)pid, WEXITSTATUS(status));
			} else {
				w->crash_streak = 0;
				w->respawn_at_ms = now;
			}
			break;
		}
	}
}

/* Ask every worker of a generation older than `below` to finish
 * (INT_MAX: every worker). */
static void pool_retire(struct pool *p, int below)
{
	int64_t now = pool_now_ms();

	for (size_t i = 0; i < POOL_MAX_WORKERS * 2; i++) {
		struct pool_worker *w = &p->workers[i];

		if (w->pid > 0 && w->generation < below && !w->stop_sent_ms) {
			kill(w->pid, SIGTERM);
			w->stop_sent_ms = now;
		}
	}
}

/* Kill workers that overran: retiring past shutdown_timeout, or a
 * request running past request_timeout. */
static void pool_enforce_timeouts(struct pool *p)
{
	const struct conf *c = p->app.conf;
	int64_t now = pool_now_ms();

	for (size_t i = 0; i < POOL_MAX_WORKERS * 2; i++) {
		struct pool_worker *w = &p->workers[i];
		int64_t started = p->slots[i].request_started_ms;

		if (w->pid <= 0)
			continue;
		if (w->stop_sent_ms && now - w->stop_sent_ms > (int64_t)c->shutdown_timeout * 1000) {
			log_warn("event=worker_killed pid=%d reason=shutdown_timeout", (int)w->pid);
			kill(w->pid, SIGKILL);
		} else if (c->request_timeout && started && p->slots[i].pid == w->pid &&
			   now - started > (int64_t)c->request_timeout * 1000) {
			log_error("event=worker_killed pid=%d reason=request_timeout", (int)w->pid);
			kill(w->pid, SIGKILL);
		}
	}
}

static int pool_load(struct app *app, const char *config_path, const char *listen_override)
{
	struct buf err = BUF_INIT;
	struct conf *c = conf_load(config_path, &err);
	enum log_level level = BB_LOG_INFO;

	if (!c) {
		log_error("event=config_invalid error=\"%s\"", err.ptr);
		buf_release(&err);
		return -1;
	}
	if (listen_override) {
		free(c->listen);
		c->listen = strdup(listen_override);
	}
	log_level_parse(c->log_level, &level);
	log_init("beaubelle", level);
	if (app_load(app, c, &err) < 0) {
		log_error("event=startup_failed error=\"%s\"", err.ptr);
		buf_release(&err);
		return -1;
	}
	buf_release(&err);
	/* Before forking, so every worker starts with the providers' keys. */
	oidc_set_discover(app->oidc);
	return 0;
}

/*
 * SIGHUP: load the new configuration into a fresh app; if it is valid,
 * start a new generation and retire the old one. On any error the old
 * generation keeps serving.
 */
static void pool_reload(struct pool *p, const char *listen_override)
{
	struct app fresh;

	pool_notify("RELOADING=1");
	memset(&fresh, 0, sizeof(fresh));
	if (pool_load(&fresh, p->config_path, listen_override) < 0) {
		log_error("event=reload_failed reason=\"configuration or templates invalid; keeping the running workers\"");
		app_release(&fresh);
		pool_notify("READY=1");
		return;
	}
	app_release(&p->app);
	p->app = fresh;
	p->generation++;
	p->nworkers = pool_wanted(p->app.conf);
	for (size_t i = 0; i < POOL_MAX_WORKERS * 2; i++)
		if (p->workers[i].pid <= 0)
			p->workers[i].respawn_at_ms = 0;
	pool_fill(p);
	p->reload_at_ms = pool_now_ms();
	log_info("event=reloaded generation=%d workers=%d", p->generation, p->nworkers);
	pool_notify("READY=1");
}

/*
 * After a reload, the older generations keep accepting until every worker
 * of the new one has connected and is accepting; only then are they asked
 * to finish. A new generation that does not get there within
 * shutdown_timeout (it cannot reach MariaDB, say) retires them anyway, so
 * the configuration that was asked for takes over.
 */
static void pool_retire_when_ready(struct pool *p)
{
	int64_t now = pool_now_ms();
	int ready = 0;

	if (!p->reload_at_ms)
		return;
	for (size_t i = 0; i < POOL_MAX_WORKERS * 2; i++) {
		const struct pool_worker *w = &p->workers[i];

		if (w->pid > 0 && w->generation == p->generation && p->slots[i].pid == w->pid &&
		    p->slots[i].ready)
			ready++;
	}
	if (ready < p->nworkers && now - p->reload_at_ms <= (int64_t)p->app.conf->shutdown_timeout * 1000)
		return;
	pool_retire(p, p->generation);
	log_info("event=old_generations_retiring generation=%d ready=%d/%d after_ms=%lld", p->generation,
		 ready, p->nworkers, (long long)(now - p->reload_at_ms));
	p->reload_at_ms = 0;
}

int pool_serve(const char *config_path, const char *listen_override)
{
	static struct pool p;
	sigset_t set;
	bool stopping = false;
	int64_t stop_at = 0;

	p.config_path = config_path;
	if (pool_load(&p.app, config_path, listen_override) < 0)
		return 1;
	if (listen_open(&p.ls, p.app.conf->listen, p.app.conf->socket_mode, p.app.conf->backlog) < 0)
		return 1;
	p.slots = mmap(NULL, sizeof(struct pool_slot) * POOL_MAX_WORKERS * 2,
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p.slots == MAP_FAILED || metrics_init(routes_count) < 0) {
		log_error("event=startup_failed error=\"shared memory\"");
		return 1;
	}
	pool_shared_slots = p.slots;
	httpc_breaker_observe(metrics_outbound); /* inherited by every worker */
	pool_started_unix = (int64_t)time(NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	p.nworkers = pool_wanted(p.app.conf);
	pool_fill(&p);
	log_info("event=serving listen=%s workers=%d", p.ls.activated ? "systemd" : p.app.conf->listen,
		 p.nworkers);
	pool_notify("READY=1");

	for (;;) {
		struct timespec tick = { 0, 100 * 1000000L };
		siginfo_t info;
		int sig = sigtimedwait(&set, &info, &tick);

		if (sig == SIGTERM || sig == SIGINT) {
			if (!stopping) {
				log_info("event=stopping signal=%d", sig);
				pool_notify("STOPPING=1");
				stopping = true;
				stop_at = pool_now_ms();
				/* Stop accepting: workers finish what they hold. */
				listen_close(&p.ls);
				pool_retire(&p, INT_MAX);
				p.reload_at_ms = 0;
			}
		} else if (sig == SIGHUP && !stopping) {
			pool_reload(&p, listen_override);
		}
		pool_reap(&p);
		if (stopping) {
			if (pool_live(&p) == 0)
				break;
			if (pool_now_ms() - stop_at > (int64_t)p.app.conf->shutdown_timeout * 1000)
				pool_enforce_timeouts(&p);
			continue;
		}
		pool_enforce_timeouts(&p);
		pool_fill(&p);
		pool_retire_when_ready(&p);
	}
	log_info("event=stopped");
	app_release(&p.app);
	return 0;
}
