#include "server/pool.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
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

/* Two classes of workers on two sockets: pages, and the uploads nginx
 * sends to the image socket ([server] image_listen), so decoding
 * images never keeps a page waiting for a worker, and with a higher
 * niceness never for a CPU either (R47, F14). */
enum pool_class { POOL_PAGES, POOL_IMAGES, POOL_CLASSES };

struct pool_worker {
	pid_t pid;
	int generation;
	enum pool_class cls;
	int64_t started_ms;
	int64_t stop_sent_ms; /* SIGTERM sent at, 0 when not retiring */
};

/* A class's workers dying young: its new ones wait respawn_at_ms, longer
 * with each death in a row. Kept per class, not per slot, since a new
 * worker may take any free slot. */
struct pool_respawn {
	int64_t respawn_at_ms;
	int crash_streak;
};

struct pool {
	const char *config_path;
	struct app app;
	struct listen_socket ls[POOL_CLASSES]; /* fd -1: the class is off */
	int generation;
	int nworkers[POOL_CLASSES]; /* wanted in the current generation */
	struct pool_worker workers[POOL_MAX_WORKERS * 2]; /* room for two generations */
	struct pool_respawn respawn[POOL_CLASSES];
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

/* How many workers of each class the configuration asks for, together
 * at most POOL_MAX_WORKERS (the slots hold two generations of them). */
static void pool_wanted(struct pool *p)
{
	const struct conf *c = p->app.conf;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	long pages = c->workers > 0 ? c->workers : cpus;
	long images = c->image_workers > 0 ? c->image_workers : cpus;

	if (pages < 1)
		pages = 1;
	if (pages > POOL_MAX_WORKERS - 1)
		pages = POOL_MAX_WORKERS - 1;
	if (images < 1)
		images = 1;
	if (images > POOL_MAX_WORKERS - pages)
		images = POOL_MAX_WORKERS - pages;
	p->nworkers[POOL_PAGES] = (int)pages;
	p->nworkers[POOL_IMAGES] = p->ls[POOL_IMAGES].fd >= 0 ? (int)images : 0;
}

static int pool_total(const struct pool *p)
{
	return p->nworkers[POOL_PAGES] + p->nworkers[POOL_IMAGES];
}

/* In a new image worker: behind pages for the CPU, and bounded in memory
 * (not under AddressSanitizer, whose shadow memory is terabytes of
 * address space). */
static void pool_image_worker_limits(const struct conf *c)
{
	if (setpriority(PRIO_PROCESS, 0, c->image_nice) != 0)
		log_warn("event=image_nice_failed error=\"%s\"", strerror(errno));
#if !defined(__SANITIZE_ADDRESS__)
	if (c->image_memory_limit) {
		struct rlimit rl = { (rlim_t)c->image_memory_limit, (rlim_t)c->image_memory_limit };

		if (setrlimit(RLIMIT_AS, &rl) != 0)
			log_warn("event=image_memory_limit_failed error=\"%s\"", strerror(errno));
	}
#endif
}

uint64_t pool_recycle_after(uint64_t max_requests, uint32_t random)
{
	uint64_t span = max_requests / 10;

	if (span == 0)
		return max_requests;
	return max_requests - span + random % (2 * span + 1);
}

static int pool_spawn(struct pool *p, size_t i, enum pool_class cls)
{
	struct pool_worker *w = &p->workers[i];
	uint64_t recycle_after = pool_recycle_after((uint64_t)p->app.conf->max_requests, randombytes_random());
	sigset_t none;
	pid_t master = getpid(), pid = fork();

	if (pid < 0) {
		log_error("event=fork_failed error=\"%s\"", strerror(errno));
		p->respawn[cls].respawn_at_ms = pool_now_ms() + 1000;
		return -1;
	}
	if (pid == 0) {
		int rc;

		/* A master killed outright takes its workers with it: they
		 * finish their request and go, freeing the sockets for the
		 * next master. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != master)
			_exit(0);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		memset(&p->slots[i], 0, sizeof(p->slots[i]));
		p->slots[i].pid = getpid();
		p->slots[i].generation = p->generation;
		p->slots[i].started_unix = (int64_t)time(NULL);
		p->slots[i].images = cls == POOL_IMAGES;
		if (cls == POOL_IMAGES)
			pool_image_worker_limits(p->app.conf);
		if (p->ls[!cls].fd >= 0)
			close(p->ls[!cls].fd); /* the other class's socket */
		rc = pool_worker_main(&p->app, p->ls[cls].fd, &p->slots[i], recycle_after);
		_exit(rc);
	}
	w->pid = pid;
	w->generation = p->generation;
	w->cls = cls;
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

/* Start workers of the current generation until each class has its
 * nworkers running. */
static void pool_fill(struct pool *p)
{
	int64_t now = pool_now_ms();
	int running[POOL_CLASSES] = { 0, 0 };

	for (size_t i = 0; i < POOL_MAX_WORKERS * 2; i++)
		if (p->workers[i].pid > 0 && p->workers[i].generation == p->generation)
			running[p->workers[i].cls]++;
	for (int cls = 0; cls < POOL_CLASSES; cls++)
		for (size_t i = 0; i < POOL_MAX_WORKERS * 2 && running[cls] < p->nworkers[cls] &&
				   p->respawn[cls].respawn_at_ms <= now; i++) {
			if (p->workers[i].pid > 0)
				continue;
			if (pool_spawn(p, i, (enum pool_class)cls) == 0)
				running[cls]++;
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
				struct pool_respawn *rs = &p->respawn[w->cls];

				if (now - w->started_ms < POOL_STABLE_MS)
					rs->crash_streak++;
				else
					rs->crash_streak = 0;
				/* First death: replace at once; a crash loop backs off. */
				rs->respawn_at_ms = rs->crash_streak <= 1 ? now :
					now + (50LL << (rs->crash_streak < 7 ? rs->crash_streak : 7));
				if (rs->respawn_at_ms - now > POOL_BACKOFF_MAX_MS)
					rs->respawn_at_ms = now + POOL_BACKOFF_MAX_MS;
				if (WIFSIGNALED(status))
					log_error("event=worker_died pid=%d signal=%d", (int)pid, WTERMSIG(status));
				else
					log_error("event=worker_died pid=%d status=%d", (int)pid, WEXITSTATUS(status));
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

/* listen_override (serve --listen) replaces [server] listen, and
 * image_override image_listen; a pool given only the first has no image
 * workers, so it cannot take another pool's image socket. */
static int pool_load(struct app *app, const char *config_path, const char *listen_override,
		     const char *image_override)
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
		free(c->image_listen);
		c->image_listen = strdup(image_override ? image_override : "");
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
static void pool_reload(struct pool *p, const char *listen_override, const char *image_override)
{
	struct app fresh;

	pool_notify("RELOADING=1");
	memset(&fresh, 0, sizeof(fresh));
	if (pool_load(&fresh, p->config_path, listen_override, image_override) < 0) {
		log_error("event=reload_failed reason=\"configuration or templates invalid; keeping the running workers\"");
		app_release(&fresh);
		pool_notify("READY=1");
		return;
	}
	app_release(&p->app);
	p->app = fresh;
	p->generation++;
	pool_wanted(p);
	/* The new settings may well be what the crashing workers lacked. */
	memset(p->respawn, 0, sizeof(p->respawn));
	pool_fill(p);
	p->reload_at_ms = pool_now_ms();
	log_info("event=reloaded generation=%d workers=%d image_workers=%d", p->generation, p->nworkers[POOL_PAGES],
		 p->nworkers[POOL_IMAGES]);
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
	if (ready < pool_total(p) && now - p->reload_at_ms <= (int64_t)p->app.conf->shutdown_timeout * 1000)
		return;
	pool_retire(p, p->generation);
	log_info("event=old_generations_retiring generation=%d ready=%d/%d after_ms=%lld", p->generation,
		 ready, pool_total(p), (long long)(now - p->reload_at_ms));
	p->reload_at_ms = 0;
}

int pool_serve(const char *config_path, const char *listen_override, const char *image_override)
{
	static struct pool p;
	const struct conf *c;
	sigset_t set;
	bool stopping = false;
	int64_t stop_at = 0;

	p.config_path = config_path;
	if (pool_load(&p.app, config_path, listen_override, image_override) < 0)
		return 1;
	c = p.app.conf;
	p.ls[POOL_IMAGES].fd = -1;
	if (listen_open(&p.ls[POOL_PAGES], 0, c->listen, c->socket_mode, c->backlog) < 0)
		return 1;
	/* Without its socket the pool still serves everything: nginx falls
	 * back on the pages' socket for uploads. */
	if (c->image_listen[0] && listen_open(&p.ls[POOL_IMAGES], 1, c->image_listen, c->socket_mode, c->backlog) < 0)
		log_warn("event=image_workers_off reason=\"cannot listen on image_listen; the page workers take uploads\"");
	listen_activation_done();
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

	pool_wanted(&p);
	pool_fill(&p);
	log_info("event=serving listen=%s workers=%d image_listen=%s image_workers=%d",
		 p.ls[POOL_PAGES].activated ? "systemd" : c->listen, p.nworkers[POOL_PAGES],
		 p.ls[POOL_IMAGES].fd < 0 ? "off" : p.ls[POOL_IMAGES].activated ? "systemd" : c->image_listen,
		 p.nworkers[POOL_IMAGES]);
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
				for (int cls = 0; cls < POOL_CLASSES; cls++)
					listen_close(&p.ls[cls]);
				pool_retire(&p, INT_MAX);
				p.reload_at_ms = 0;
			}
		} else if (sig == SIGHUP && !stopping) {
			pool_reload(&p, listen_override, image_override);
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
