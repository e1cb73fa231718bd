#include "jobs/consumer.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/conf.h"
#include "core/log.h"
#include "jobs/fanout.h"
#include "jobs/kinds.h"
#include "jobs/moderate.h"
#include "jobs/queue.h"
#include "jobs/redis_watch.h"
#include "store/db.h"
#include "store/jobs_store.h"
#include "store/rds.h"
#include "web/app.h"
#include "core/banned.h"

#define JOBS_BATCH 4
#define JOBS_CLAIM_EVERY_S 5

static volatile sig_atomic_t jobs_stop;

static void jobs_on_signal(int sig)
{
	(void)sig;
	jobs_stop = 1;
}

static void jobs_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Run one job and settle it: acknowledge, schedule a retry, or bury. */
static void jobs_run_one(struct app *app, struct arena *arena, const struct job *job)
{
	const struct conf *c = app->conf;
	const struct job_kind *kind = job_kind_find(job->kind);
	struct job_ctx ctx = { app, arena };
	struct buf why = BUF_INIT;
	struct timespec t0, t1;
	int rc;

	if (!kind) {
		jobs_store_bury(app->rds, c->jobs_stream, job, "unknown job kind");
		return;
	}
	/* A job whose every delivery killed its worker never reaches the
	 * retry path; count deliveries too so it cannot loop forever. */
	if (job->deliveries > c->jobs_max_attempts) {
		jobs_store_bury(app->rds, c->jobs_stream, job, "worker died on every delivery");
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = kind->run(&ctx, job, &why);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc == JOB_DONE) {
		jobs_store_ack(app->rds, c->jobs_stream, job);
		log_debug("event=job_done kind=%s args=%s ms=%.1f", job->kind, job->args,
			  (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	} else if (rc == JOB_RETRY && job->attempt < c->jobs_max_attempts) {
		long long delay = (long long)c->jobs_retry_base_ms << (job->attempt - 1 < 20 ? job->attempt - 1 : 20);

		log_info("event=job_retry kind=%s args=%s attempt=%d delay_ms=%lld reason=\"%s\"",
			 job->kind, job->args, job->attempt, delay, why.ptr ? why.ptr : "");
		jobs_store_retry(app->rds, c->jobs_stream, job, delay);
	} else {
		jobs_store_bury(app->rds, c->jobs_stream, job, why.ptr ? why.ptr : "failed");
	}
	buf_release(&why);
}

/* How often to look for jobs lost after `after` seconds: half of it, so
 * one is found at most one and a half times that late; at least every
 * five minutes. */
static int jobs_sweep_every(int after)
{
	return after / 2 < 1 ? 1 : after / 2 > 300 ? 300 : after / 2;
}

int jobs_consume(struct app *app)
{
	const struct conf *c = app->conf;
	struct arena *arena = arena_new(64 * 1024);
	struct sigaction sa;
	struct job jobs[JOBS_BATCH];
	char consumer[128], host[64];
	time_t last_claim = 0, last_resweep = 0, last_redeliver = 0, last_watch = 0;
	int resweep_every = jobs_sweep_every(c->mod_resweep_after);
	int redeliver_every = jobs_sweep_every(c->jobs_redeliver_after);
	/* The blocking read must end well before the Redis command timeout,
	 * or an idle queue would look like a dead connection. */
	int block_ms = c->jobs_block_ms < c->redis_timeout_ms / 2 ? c->jobs_block_ms : c->redis_timeout_ms / 2;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = jobs_on_signal;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "host");
	host[sizeof(host) - 1] = '\0';
	snprintf(consumer, sizeof(consumer), "%s-%d", host, (int)getpid());
	jobs_store_ensure_group(app->rds, c->jobs_stream);
	log_info("event=jobs_started consumer=%s stream=%s", consumer, c->jobs_stream);
	while (!jobs_stop) {
		int n;

		jobs_store_promote(app->rds, c->jobs_stream);
		n = 0;
		if (time(NULL) - last_claim >= JOBS_CLAIM_EVERY_S) {
			last_claim = time(NULL);
			n = jobs_store_claim(app->rds, c->jobs_stream, consumer, c->jobs_claim_idle_ms,
					     jobs, JOBS_BATCH);
		}
		if (app->mod && time(NULL) - last_resweep >= resweep_every) {
			last_resweep = time(NULL);
			moderate_resweep(app, arena);
			arena_reset(arena);
		}
		if (time(NULL) - last_redeliver >= redeliver_every) {
			last_redeliver = time(NULL);
			deliveries_resweep(app, arena);
			arena_reset(arena);
		}
		/* Before taking jobs: timelines a restart left stale go first,
		 * then the jobs requests could not queue while Redis was away.
		 * Once a second is enough; a busy queue loops far more often. */
		if (time(NULL) != last_watch) {
			last_watch = time(NULL);
			redis_watch_check(app);
			jobs_owed_resweep(app, arena);
			arena_reset(arena);
		}
		if (n <= 0)
			n = jobs_store_read(app->rds, c->jobs_stream, consumer, block_ms, jobs, JOBS_BATCH);
		if (n < 0) {
			jobs_sleep_ms(1000); /* Redis away: wait, reconnect on the next call */
			rds_settle(app->rds);
			continue;
		}
		for (int i = 0; i < n; i++) {
			jobs_run_one(app, arena, &jobs[i]);
			rds_settle(app->rds);
			db_settle(app->db);
			arena_reset(arena);
		}
	}
	log_info("event=jobs_stopped consumer=%s", consumer);
	arena_free(arena);
	return 0;
}
